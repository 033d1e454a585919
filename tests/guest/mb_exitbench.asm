; tests/guest/mb_exitbench.asm - the cost of a VM exit, seen from the guest.
;
; Times N iterations of three loops with RDTSC: an empty loop (the
; baseline), CPUID (exits to keel's VT-x handler, answered in root mode)
; and OUT to port 0x80 (exits, goes through the port-IO bus to the POST-code
; device model). Prints "exitbench: <what> <cycles per iteration>" and the
; per-exit cost over the baseline, then exits through port 0xf4 with 0.
; `make bench` runs it in Bochs, where the TSC follows Bochs's instruction
; count, so the figures are in Bochs TSC cycles.

%include "lib.inc"

N equ 20000

MULTIBOOT_HEADER

section .text
global _start
_start:
	mov esp, stack_top
	mov esi, hello
	call puts

	; baseline: the loop alone
	rdtsc
	mov [t0], eax
	mov ecx, N
.base:	nop
	dec ecx
	jnz .base
	rdtsc
	sub eax, [t0]
	mov [base], eax
	mov esi, s_base
	call print_per

	; CPUID leaf 0
	rdtsc
	mov [t0], eax
	mov ecx, N
.cpuid:	push ecx
	xor eax, eax
	xor ecx, ecx
	cpuid
	pop ecx
	dec ecx
	jnz .cpuid
	rdtsc
	sub eax, [t0]
	mov esi, s_cpuid
	call print_per

	; OUT 0x80: a write to a device model through the bus
	rdtsc
	mov [t0], eax
	mov ecx, N
	mov al, 0x5a
.out:	out 0x80, al
	dec ecx
	jnz .out
	rdtsc
	sub eax, [t0]
	mov esi, s_out
	call print_per

	mov eax, 1
	mov esi, s_done
	call report
	jmp summary_exit

; "exitbench: <ESI> <EAX/N> cycles per iteration, <(EAX-base)/N> per exit"
print_per:
	pushad
	push eax
	push esi
	mov esi, s_pfx
	call puts
	pop esi
	call puts
	pop eax
	push eax
	xor edx, edx
	mov ebx, N
	div ebx
	call putdec
	mov esi, s_cyc
	call puts
	pop eax
	sub eax, [base]
	xor edx, edx
	div ebx
	call putdec
	mov esi, s_exit
	call puts
	popad
	ret

section .rodata
hello:   db "exitbench: N=20000 iterations each, times from RDTSC", 10, 0
s_pfx:   db "exitbench: ", 0
s_base:  db "loop ", 0
s_cpuid: db "cpuid ", 0
s_out:   db "out-0x80 ", 0
s_cyc:   db " cycles per iteration, ", 0
s_exit:  db " over the empty loop", 10, 0
s_done:  db "exit costs measured", 0

section .bss
align 16
t0:	resd 1
base:	resd 1
	resb 4096
stack_top:
