# arch/x86_64/: the host machine.
KERNEL_SRCS += arch/x86_64/kmain.c arch/x86_64/desc.c arch/x86_64/isr.asm \
	arch/x86_64/panic.c arch/x86_64/acpi.c arch/x86_64/apic.c arch/x86_64/io_apic.c \
	arch/x86_64/tsc.c arch/x86_64/power.c arch/x86_64/vtx.c arch/x86_64/mem.c \
	arch/x86_64/paging.c arch/x86_64/smp.c arch/x86_64/trampoline_blob.asm \
	arch/x86_64/newlib_glue.c arch/x86_64/vmhost.c
PURE_SRCS += arch/x86_64/frames.c

# The AP trampoline is a flat real-mode binary embedded with incbin.
$(B)/k/arch/x86_64/trampoline.bin: arch/x86_64/trampoline.asm
	@mkdir -p $(dir $@)
	$(NASM) -f bin $< -o $@
$(B)/k/arch/x86_64/trampoline_blob.o: $(B)/k/arch/x86_64/trampoline.bin
