; The flat trampoline, embedded read-only; smp.c copies it below 1 MiB.
BITS 64
section .rodata
global trampoline_start, trampoline_end
trampoline_start:
	incbin "trampoline.bin"
trampoline_end:
section .note.GNU-stack noalloc noexec nowrite progbits
