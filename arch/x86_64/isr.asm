; Interrupt and exception entry: one 16-byte stub per vector, so the IDT can
; compute addresses without relocations. Vectors with a CPU-pushed error code
; are listed in SDM Vol. 3A Table 6-1; the others push a dummy 0.
BITS 64
default rel
section .text

extern isr_dispatch
global isr_stubs

%macro STUB 1
	align 16
%if %1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30
%else
	push qword 0
%endif
	push qword %1
	jmp isr_common
%endmacro

	align 16
isr_stubs:
%assign v 0
%rep 256
	STUB v
%assign v v+1
%endrep

isr_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld
	mov rdi, rsp
	call isr_dispatch
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16
	iretq

; void switch_stack(void *top, void (*fn)(void *), void *arg) — never returns.
global switch_stack
switch_stack:
	mov rsp, rdi
	xor ebp, ebp
	mov rdi, rdx
	push 0          ; fake return address: backtraces stop here
	jmp rsi

section .note.GNU-stack noalloc noexec nowrite progbits
