# tests/guest/: tiny guest kernels of ours, and the Debian kernel we boot.
#   GUEST_KERNELS  += our test kernels, built with the host's nasm + ld
#   GUEST_VMLINUZ     bookworm's linux-image-cloud-amd64 bzImage, fetched
#                     by tools/fetch-guest-kernel.sh (cache: build/guest/cache)
# Both paths are exported for the tests (KEEL_MB_HELLO, KEEL_VMLINUZ).
# A failed fetch fails the build, unless KEEL_OFFLINE=1: then the tests that
# need the Debian kernel skip.

GUEST_KERNELS += $(B)/guest/mb_hello.elf
GUEST_VMLINUZ := $(B)/guest/linux/vmlinuz

export KEEL_MB_HELLO := $(abspath $(B)/guest/mb_hello.elf)
export KEEL_VMLINUZ := $(abspath $(GUEST_VMLINUZ))

.PHONY: guest
guest: $(GUEST_KERNELS) $(GUEST_VMLINUZ)

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

-include $(wildcard $(B)/guest/*.d)
