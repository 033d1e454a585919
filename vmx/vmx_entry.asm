; VM entry and exit (SDM Vol. 3C §26, §27.5). vmx_enter loads the guest's
; GPRs and CR2 from a struct vmx_gprs and executes VMLAUNCH or VMRESUME; a
; VM exit lands at vmx_exit_point (the VMCS's HOST_RIP) on the stack saved
; in HOST_RSP, stores the guest's GPRs and CR2, and returns 0 to the caller
; of vmx_enter. A failed VMLAUNCH/VMRESUME returns 1 (RFLAGS tell which).
BITS 64
default rel
section .text

%define G_RAX 0
%define G_RBX 8
%define G_RCX 16
%define G_RDX 24
%define G_RSI 32
%define G_RDI 40
%define G_RBP 48
%define G_R8 56
%define G_R9 64
%define G_R10 72
%define G_R11 80
%define G_R12 88
%define G_R13 96
%define G_R14 104
%define G_R15 112
%define G_CR2 120
%define HOST_RSP 0x6c14

global vmx_enter, vmx_exit_point

; int vmx_enter(struct vmx_gprs *g, int launched)
vmx_enter:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	push rdi                        ; found again at [rsp+8] after the exit
	mov rax, HOST_RSP
	vmwrite rax, rsp
	mov rax, [rdi + G_CR2]
	mov cr2, rax
	test esi, esi                   ; MOVs below keep the flags
	mov rax, [rdi + G_RAX]
	mov rbx, [rdi + G_RBX]
	mov rcx, [rdi + G_RCX]
	mov rdx, [rdi + G_RDX]
	mov rsi, [rdi + G_RSI]
	mov rbp, [rdi + G_RBP]
	mov r8, [rdi + G_R8]
	mov r9, [rdi + G_R9]
	mov r10, [rdi + G_R10]
	mov r11, [rdi + G_R11]
	mov r12, [rdi + G_R12]
	mov r13, [rdi + G_R13]
	mov r14, [rdi + G_R14]
	mov r15, [rdi + G_R15]
	mov rdi, [rdi + G_RDI]
	jnz .resume
	vmlaunch
	jmp .failed
.resume:
	vmresume
.failed:
	pop rdi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	mov eax, 1
	ret

vmx_exit_point:
	push rdi
	mov rdi, [rsp + 8]
	mov [rdi + G_RAX], rax
	mov [rdi + G_RBX], rbx
	mov [rdi + G_RCX], rcx
	mov [rdi + G_RDX], rdx
	mov [rdi + G_RSI], rsi
	mov [rdi + G_RBP], rbp
	mov [rdi + G_R8], r8
	mov [rdi + G_R9], r9
	mov [rdi + G_R10], r10
	mov [rdi + G_R11], r11
	mov [rdi + G_R12], r12
	mov [rdi + G_R13], r13
	mov [rdi + G_R14], r14
	mov [rdi + G_R15], r15
	pop rax
	mov [rdi + G_RDI], rax
	mov rax, cr2
	mov [rdi + G_CR2], rax
	pop rdi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	xor eax, eax
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
