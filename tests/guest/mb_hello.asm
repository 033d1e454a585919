; tests/guest/mb_hello.asm - the smallest multiboot test kernel.
;
; A Multiboot 1 ELF32 kernel (GNU Multiboot Specification 0.6.96): the
; header asks for page-aligned modules and memory info (mem_* and mmap).
; The 32-bit entry checks the boot magic in EAX and that the info structure
; at EBX has mem_* and mmap, writes "hello from multiboot\n" to COM1, and
; exits through isa-debug-exit at port 0xf4 with 0 (QEMU's status: 1) when
; all is well, or 1 (status 3) after a "bad ..." line when it is not.
; Runs under QEMU -kernel, keel's translator and VT-x alike.

bits 32

MB_MAGIC      equ 0x1BADB002          ; spec 3.1.2
MB_BOOT_MAGIC equ 0x2BADB002          ; EAX at entry, spec 3.2
MB_FLAGS      equ (1 << 0) | (1 << 1) ; page align, memory info
MBI_MEMORY    equ 1 << 0              ; info flags, spec 3.3
MBI_MMAP      equ 1 << 6

COM1          equ 0x3f8
COM1_LSR      equ COM1 + 5
LSR_THRE      equ 1 << 5
DEBUG_EXIT    equ 0xf4

section .multiboot progbits alloc noexec nowrite align=4
	dd MB_MAGIC
	dd MB_FLAGS
	dd -(MB_MAGIC + MB_FLAGS)

section .text progbits alloc exec nowrite align=16
global _start
_start:
	cli
	mov esp, stack_top
	mov esi, msg_hello
	call puts
	cmp eax, MB_BOOT_MAGIC
	jne .bad_magic
	mov ecx, [ebx]                  ; info flags
	and ecx, MBI_MEMORY | MBI_MMAP
	cmp ecx, MBI_MEMORY | MBI_MMAP
	jne .bad_info
	xor eax, eax
	jmp exit
.bad_magic:
	mov esi, msg_bad_magic
	jmp .bad
.bad_info:
	mov esi, msg_bad_info
.bad:
	call puts
	mov eax, 1
	; fall through

; Leave with AL through isa-debug-exit; halt if nothing is there.
exit:
	out DEBUG_EXIT, al
.halt:
	hlt
	jmp .halt

; Write the NUL-terminated string at ESI to COM1. Keeps EAX and EBX.
puts:
	push eax
	mov ecx, esi
.next:
	mov dx, COM1_LSR
.wait:
	in al, dx
	test al, LSR_THRE
	jz .wait
	mov al, [ecx]
	test al, al
	jz .done
	mov dx, COM1
	out dx, al
	inc ecx
	jmp .next
.done:
	pop eax
	ret

section .rodata progbits alloc noexec nowrite align=4
msg_hello:     db "hello from multiboot", 10, 0
msg_bad_magic: db "bad multiboot magic", 10, 0
msg_bad_info:  db "bad multiboot info: no mem/mmap", 10, 0

section .bss nobits alloc noexec write align=16
	resb 4096
stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
