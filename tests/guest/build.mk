# tests/guest/: tiny guest kernels of ours, and the Debian kernel we boot.
#   GUEST_KERNELS  += our test kernels, built with the host's nasm + ld
#   GUEST_VMLINUZ     bookworm's linux-image-cloud-amd64 bzImage, fetched
#                     by tools/fetch-guest-kernel.sh (cache: build/guest/cache)
#   GUEST_INITRD      its busybox-static initramfs, tools/build-initramfs.sh
#                     (/init prints "keel-guest: init started", then a
#                     "guest# " shell on the console; poweroff -f on exit)
# The paths are exported for the tests (KEEL_MB_HELLO, KEEL_VMLINUZ,
# KEEL_INITRD).
# A failed fetch fails the build, unless KEEL_OFFLINE=1: then the tests that
# need the Debian kernel skip.

GUEST_KERNELS += $(B)/guest/mb_hello.elf
# One feature each, reporting PASS/FAIL lines (tests/guest/lib.inc);
# tests/guest/run-qemu.sh runs them under QEMU's TCG as the reference.
GUEST_KERNELS += $(B)/guest/mb_realmode.elf $(B)/guest/mb_modes.elf
GUEST_KERNELS += $(B)/guest/mb_paging.elf $(B)/guest/mb_exceptions.elf
GUEST_KERNELS += $(B)/guest/mb_stringio.elf $(B)/guest/mb_fpu.elf
GUEST_KERNELS += $(B)/guest/mb_smp.elf $(B)/guest/mb_exitbench.elf
# For the VM-management tests: triple-faults when sent "c" on COM1.
GUEST_KERNELS += $(B)/guest/mb_crash.elf
GUEST_VMLINUZ := $(B)/guest/linux/vmlinuz
GUEST_INITRD := $(B)/guest/initrd.gz

export KEEL_MB_HELLO := $(abspath $(B)/guest/mb_hello.elf)
export KEEL_VMLINUZ := $(abspath $(GUEST_VMLINUZ))
export KEEL_INITRD := $(abspath $(GUEST_INITRD))

.PHONY: guest
guest: $(GUEST_KERNELS) $(GUEST_VMLINUZ) $(GUEST_INITRD)

# Multiboot 1 kernels: ELF32 at 1 MiB (tests/guest/guest.ld).
$(B)/guest/%.o: tests/guest/%.asm
	@mkdir -p $(dir $@)
	$(NASM) -f elf32 -g -MD $(B)/guest/$*.d -MP -Itests/guest/ $< -o $@

# Keep the objects: their .d files name them, so a deleted one is rebuilt.
.SECONDARY: $(GUEST_KERNELS:.elf=.o)
$(B)/guest/%.elf: $(B)/guest/%.o tests/guest/guest.ld
	$(LD) -m elf_i386 -T tests/guest/guest.ld -z noexecstack -o $@ $<

$(GUEST_VMLINUZ): tools/fetch-guest-kernel.sh
	@if bash tools/fetch-guest-kernel.sh $(@D); then touch $@; \
	 elif [ -n "$(KEEL_OFFLINE)" ]; then \
	   echo "guest: no Debian kernel (KEEL_OFFLINE): its tests skip" >&2; \
	 else exit 1; fi

# The script keeps its own cache (OUT.stamp: a hash of itself and busybox),
# so a run after busybox-static is upgraded rebuilds; make sees the script.
$(GUEST_INITRD): tools/build-initramfs.sh $(wildcard /bin/busybox)
	bash tools/build-initramfs.sh $@

-include $(wildcard $(B)/guest/*.d)
