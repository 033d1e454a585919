# boot/: UEFI entry, keel.cfg, files, memory map, ExitBootServices.
KERNEL_SRCS += boot/efi_main.c boot/efi_util.c boot/efi_file.c boot/efi_tftp.c
PURE_SRCS += boot/config.c
# UEFI calls use the MS ABI, whose callees must preserve XMM6-15, so boot/
# is built without -mgeneral-regs-only (none of it runs inside an ISR).
BOOT_KOBJS := $(patsubst %,$(B)/k/%.o,$(basename boot/efi_main.c boot/efi_util.c boot/efi_file.c boot/efi_tftp.c boot/config.c))
$(BOOT_KOBJS): KCFLAGS := $(filter-out -mgeneral-regs-only,$(KCFLAGS)) -DGNU_EFI_USE_MS_ABI
