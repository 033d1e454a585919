; tests/guest/mb_modes.asm - 32-bit protected mode to long mode and back.
;
; Identity-maps the first 1 GiB with 2 MiB pages (PML4[0] -> PDPT -> PD)
; and aliases it at 512 GiB (PML4[1] -> the same PDPT), enables PAE,
; EFER.LME and paging, and far-jumps to a 64-bit code segment.  There it
; checks 64-bit arithmetic, RIP-relative addressing, REX registers, the
; zero extension of 32-bit results and a 64-bit address above 4 GiB; then
; a far jump to a 32-bit compatibility-mode segment (where 0x48 is DEC EAX,
; not REX.W) and back.  Finally it leaves long mode through the
; compatibility segment: paging off, EFER.LME off, PAE off, and reports
; from 32-bit protected mode.  Results are bytes, set with SETcc.

%include "lib.inc"

MULTIBOOT_HEADER

EFER     equ 0xc0000080
EFER_LME equ 1 << 8
EFER_LMA equ 1 << 10
ALIAS    equ 0x8000000000            ; 512 GiB: PML4[1]

section .text
global _start
_start:
	cli
	mov esp, stack_top
	LOAD_GDT gdt_desc

	; Page tables.
	mov dword [pml4], pdpt + 3
	mov dword [pml4 + 8], pdpt + 3
	mov dword [pdpt], pd + 3
	xor ecx, ecx
.pd:
	mov eax, ecx
	shl eax, 21
	or eax, 0x83                    ; present, writable, 2 MiB
	mov [pd + ecx * 8], eax
	mov dword [pd + ecx * 8 + 4], 0
	inc ecx
	cmp ecx, 512
	jb .pd

	mov eax, cr4
	or eax, 1 << 5                  ; PAE
	mov cr4, eax
	mov eax, pml4
	mov cr3, eax
	mov ecx, EFER
	rdmsr
	or eax, EFER_LME
	wrmsr
	mov eax, cr0
	or eax, 1 << 31
	mov cr0, eax
	; Compatibility mode now (CS is still 32-bit).
	mov ecx, EFER
	rdmsr
	test eax, EFER_LMA
	setnz [res_lma]
	jmp 0x18:long64

bits 64
long64:
	mov ax, cs
	cmp ax, 0x18
	sete [rel res_cs64]

	mov rax, 0x123456789abcdef0
	mov rbx, rax
	shr rbx, 32
	cmp ebx, 0x12345678
	sete [rel res_shr]

	mov rax, -1
	mov rcx, 2
	mul rcx                         ; rdx:rax = 2^65 - 2
	cmp rdx, 1
	sete cl
	mov rbx, 0xfffffffffffffffe
	cmp rax, rbx
	sete ch
	and cl, ch
	mov [rel res_mul], cl

	mov rax, -1
	mov eax, 1                      ; zero-extends
	cmp rax, 1
	sete [rel res_zext]

	; REX registers and REX byte registers.
	mov r8, 1
	mov r9, 2
	mov r10, 3
	mov r11, 4
	mov r12, 5
	mov r13, 6
	mov r14, 7
	mov r15, 0x100000000
	add r8, r9
	add r8, r10
	add r8, r11
	add r8, r12
	add r8, r13
	add r8, r14
	add r8, r15
	mov rax, 0x10000001c
	cmp r8, rax
	sete [rel res_rex]
	mov esi, 0x1234
	mov sil, 0xff                   ; REX: SIL, not DH
	mov r15b, sil
	cmp si, 0x12ff
	sete cl
	mov rax, 0x1000000ff
	cmp r15, rax
	sete ch
	and cl, ch
	mov [rel res_rexbyte], cl

	; RIP-relative against absolute.
	lea rax, [rel long64]
	mov ebx, long64                 ; (ELF32: 32-bit relocations only)
	cmp rax, rbx
	sete [rel res_riprel]
	mov eax, [rel magic]
	cmp eax, 0xc0ffee11
	sete [rel res_ripload]

	; A 64-bit address: the alias at 512 GiB reads the same memory.
	mov ebx, magic
	mov rax, ALIAS
	add rbx, rax
	mov eax, [rbx]
	cmp eax, 0xc0ffee11
	sete [rel res_alias]

	; 64-bit push.
	mov rbx, rsp
	push rbx
	mov rcx, rbx
	sub rcx, rsp
	pop rax
	cmp rcx, 8
	sete [rel res_push]

	; To compatibility mode and back.
	mov eax, compat_ptr
	jmp dword far [rax]             ; m16:32, no REX.W
back64:
	mov ax, cs
	cmp ax, 0x18
	sete [rel res_back64]
	mov eax, 5
	db 0x48                         ; REX.W here
	nop
	cmp eax, 5
	sete [rel res_rexw64]

	; Leave long mode through the compatibility segment.
	mov eax, leave_ptr
	jmp dword far [rax]             ; m16:32, no REX.W

bits 32
compat32:
	mov ax, cs
	cmp ax, 0x08
	sete [res_compat_cs]
	mov eax, 5
	db 0x48                         ; DEC EAX in 32-bit code
	nop
	cmp eax, 4
	sete [res_compat_dec]
	jmp 0x18:back64

leave32:
	mov eax, cr0
	and eax, ~(1 << 31)
	mov cr0, eax
	mov ecx, EFER
	rdmsr
	and eax, ~EFER_LME
	wrmsr
	mov eax, cr4
	and eax, ~(1 << 5)
	mov cr4, eax
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax

	REPORT_BYTE res_lma, "EFER.LMA set after CR0.PG with LME"
	REPORT_BYTE res_cs64, "64-bit code runs with CS 0x18"
	REPORT_BYTE res_shr, "64-bit: shr of a 64-bit immediate"
	REPORT_BYTE res_mul, "64-bit: mul gives rdx:rax"
	REPORT_BYTE res_zext, "64-bit: 32-bit results zero-extend"
	REPORT_BYTE res_rex, "64-bit: r8-r15 arithmetic"
	REPORT_BYTE res_rexbyte, "64-bit: REX byte registers sil, r15b"
	REPORT_BYTE res_riprel, "64-bit: lea rip-relative"
	REPORT_BYTE res_ripload, "64-bit: load rip-relative"
	REPORT_BYTE res_alias, "64-bit: address above 4 GiB (PML4[1] alias)"
	REPORT_BYTE res_push, "64-bit: push moves rsp by 8"
	REPORT_BYTE res_compat_cs, "compatibility mode: CS 0x08"
	REPORT_BYTE res_compat_dec, "compatibility mode: 0x48 is dec eax"
	REPORT_BYTE res_back64, "back to 64-bit from compatibility mode"
	REPORT_BYTE res_rexw64, "64-bit: 0x48 is a REX prefix"

	mov ecx, EFER
	rdmsr
	test eax, EFER_LMA | EFER_LME
	CHECK z, "left long mode: EFER.LMA and LME clear"
	mov eax, cr0
	test eax, 1 << 31
	CHECK z, "32-bit protected mode with paging off"
	cmp dword [magic], 0xc0ffee11
	CHECK e, "memory access after leaving long mode"
	jmp summary_exit

section .data
align 8
gdt:
	dq 0
	dq 0x00cf9a000000ffff           ; 0x08: flat 32-bit code
	dq 0x00cf92000000ffff           ; 0x10: flat data
	dq 0x00af9a000000ffff           ; 0x18: 64-bit code
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dd gdt
compat_ptr: dd compat32
	    dw 0x08
leave_ptr:  dd leave32
	    dw 0x08
magic:      dd 0xc0ffee11

res_lma:        db 0
res_cs64:       db 0
res_shr:        db 0
res_mul:        db 0
res_zext:       db 0
res_rex:        db 0
res_rexbyte:    db 0
res_riprel:     db 0
res_ripload:    db 0
res_alias:      db 0
res_push:       db 0
res_compat_cs:  db 0
res_compat_dec: db 0
res_back64:     db 0
res_rexw64:     db 0

section .bss
alignb 4096
pml4: resb 4096
pdpt: resb 4096
pd:   resb 4096
	resb 4096
stack_top:
