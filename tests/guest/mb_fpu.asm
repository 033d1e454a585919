; tests/guest/mb_fpu.asm - x87, MMX, SSE/SSE2, SSE4.1/4.2 when CPUID has
; them, FXSAVE/FXRSTOR.
;
; Sets CR0.MP and NE, clears EM and TS, sets CR4.OSFXSR and OSXMMEXCPT.
; Every result is compared bit for bit with a constant: the operands are
; chosen so the results are exact (or, for square roots, correctly
; rounded).  SSE4.1 (PCMPEQQ, PMULLD) and SSE4.2 (CRC32C) print "SKIP:"
; when CPUID.1:ECX does not have them.  A hypervisor must keep the guest's
; FPU/SSE state across exits and switches.

%include "lib.inc"

MULTIBOOT_HEADER

; Compare the 64 bits at %1 with the 64-bit constant %2; ZF when equal.
%macro CMP64 2
	push eax
	mov eax, [%1]
	cmp eax, (%2) & 0xffffffff
	jne %%out
	mov eax, [%1 + 4]
	cmp eax, (%2) >> 32
%%out:
	pop eax
%endmacro

section .text
global _start
_start:
	cli
	mov esp, stack_top
	mov eax, cr0
	and eax, ~((1 << 2) | (1 << 3)) ; EM, TS off
	or eax, (1 << 1) | (1 << 5)     ; MP, NE
	mov cr0, eax
	mov eax, cr4
	or eax, (1 << 9) | (1 << 10)    ; OSFXSR, OSXMMEXCPT
	mov cr4, eax

	; ---- x87 ----
	fninit
	fnstcw [cw]
	cmp word [cw], 0x037f
	CHECK e, "x87: fninit control word 0x037f"
	fnstsw ax
	test ax, ax
	CHECK z, "x87: fninit status word 0"

	fld dword [f_three]
	fld dword [f_four]
	fnstsw ax
	and ax, 0x3800
	cmp ax, 6 << 11
	CHECK e, "x87: two loads leave TOP = 6"
	faddp                           ; 7
	fmul dword [f_2_5]              ; 17.5
	fdiv dword [f_0_5]              ; 35
	fistp dword [result]
	cmp dword [result], 35
	CHECK e, "x87: (3 + 4) * 2.5 / 0.5 = 35 via fistp"

	fld qword [d_two]
	fsqrt
	fstp qword [result]
	CMP64 result, 0x3ff6a09e667f3bcd
	CHECK e, "x87: fsqrt(2) to a double"

	fld1
	fldpi
	fcompp                          ; pi > 1: C0 = C2 = C3 = 0
	fnstsw ax
	and ax, 0x4500
	CHECK z, "x87: fcom pi vs 1 sets no C0/C2/C3"
	fld1
	fld dword [f_four]
	fxch
	fcompp                          ; 1 < 4: C0 = 1
	fnstsw ax
	and ax, 0x4500
	cmp ax, 0x0100
	CHECK e, "x87: fcom 1 vs 4 sets C0"

	; Rounding control: -2.5 to nearest is -2, rounded down -3.
	fld dword [f_m2_5]
	fist dword [result]
	cmp dword [result], -2
	CHECK e, "x87: fist -2.5 rounds to nearest even (-2)"
	mov word [cw], 0x077f           ; RC = down
	fldcw [cw]
	fistp dword [result]
	cmp dword [result], -3
	CHECK e, "x87: fist -2.5 with RC=down gives -3"
	mov word [cw], 0x037f
	fldcw [cw]

	; Masked divide by zero: +inf and ZE in the status word.
	fnclex
	fld1
	fldz
	fdivp                           ; 1 / 0
	fnstsw ax
	test ax, 1 << 2
	CHECK nz, "x87: divide by zero sets ZE"
	fstp qword [result]
	CMP64 result, 0x7ff0000000000000
	CHECK e, "x87: 1 / 0 = +inf when masked"
	fnclex

	; ---- MMX ----
	movq mm0, [mmx_a]
	paddb mm0, [mmx_b]
	movq [result], mm0
	emms
	CMP64 result, 0x0100808102030405   ; mmx_sum
	CHECK e, "MMX: paddb wraps each byte"

	; ---- SSE / SSE2 ----
	movaps xmm0, [ps_a]
	addps xmm0, [ps_b]
	movaps [vresult], xmm0
	mov esi, vresult
	mov edi, ps_sum
	mov ecx, 16
	repe cmpsb
	CHECK e, "SSE: addps"

	movapd xmm1, [pd_a]
	mulpd xmm1, [pd_b]
	movapd [vresult], xmm1
	CMP64 vresult, 0x4008000000000000       ; 3.0
	CHECK e, "SSE2: mulpd lane 0 (1.5 * 2)"
	CMP64 vresult + 8, 0xbfe0000000000000   ; -0.5
	CHECK e, "SSE2: mulpd lane 1 (-2 * 0.25)"

	mov eax, -7
	cvtsi2sd xmm2, eax
	movsd [result], xmm2
	CMP64 result, 0xc01c000000000000
	CHECK e, "SSE2: cvtsi2sd -7"
	movsd xmm3, [d_two]
	sqrtsd xmm3, xmm3
	movsd [result], xmm3
	CMP64 result, 0x3ff6a09e667f3bcd
	CHECK e, "SSE2: sqrtsd 2"
	cvttsd2si eax, xmm3
	cmp eax, 1
	CHECK e, "SSE2: cvttsd2si truncates"

	movdqa xmm4, [dq_iota]
	pshufd xmm4, xmm4, 0x1b         ; reverse the dwords
	movdqa [vresult], xmm4
	mov esi, vresult
	mov edi, dq_rev
	mov ecx, 16
	repe cmpsb
	CHECK e, "SSE2: pshufd 0x1b reverses dwords"

	stmxcsr [mxcsr]
	mov eax, [mxcsr]
	and eax, ~0x3f
	cmp eax, 0x1f80
	CHECK e, "SSE: MXCSR controls are 0x1f80 at reset"
	test dword [mxcsr], 1 << 5
	CHECK nz, "SSE: inexact sqrtsd set MXCSR.PE"
	mov dword [mxcsr], 0x1f80
	ldmxcsr [mxcsr]

	; ---- SSE4.1 / SSE4.2 ----
	mov eax, 1
	cpuid
	mov [cpuid1_ecx], ecx
	test ecx, 1 << 19
	jz .no41
	movdqa xmm5, [dq_iota]
	pcmpeqq xmm5, [dq_q]
	movdqa [vresult], xmm5
	CMP64 vresult, 0xffffffffffffffff
	CHECK e, "SSE4.1: pcmpeqq equal lane"
	CMP64 vresult + 8, 0
	CHECK e, "SSE4.1: pcmpeqq different lane"
	movdqa xmm6, [dq_iota]
	pmulld xmm6, [dq_iota]
	movdqa [vresult], xmm6
	cmp dword [vresult + 12], 16
	CHECK e, "SSE4.1: pmulld"
	jmp .sse42
.no41:
	SKIP "SSE4.1: not in CPUID"
.sse42:
	test dword [cpuid1_ecx], 1 << 20
	jz .no42
	mov eax, -1
	mov esi, crc_text
	mov ecx, 9
.crc:
	crc32 eax, byte [esi]
	inc esi
	loop .crc
	not eax
	cmp eax, 0xe3069283
	CHECK e, "SSE4.2: crc32c(123456789) = 0xe3069283"
	mov eax, -1
	crc32 eax, dword [crc_text]
	mov ebx, eax
	mov eax, -1
	mov esi, crc_text
	mov ecx, 4
.crc4:
	crc32 eax, byte [esi]
	inc esi
	loop .crc4
	cmp eax, ebx
	CHECK e, "SSE4.2: crc32 dword equals 4 byte steps"
	jmp .fx
.no42:
	SKIP "SSE4.2: not in CPUID"

	; ---- FXSAVE / FXRSTOR ----
.fx:
	fninit
	mov word [cw], 0x027f           ; 53-bit precision: not the default
	fldcw [cw]
	fld qword [d_two]
	movdqa xmm7, [dq_iota]
	fxsave [fxarea]
	cmp word [fxarea], 0x027f
	CHECK e, "fxsave: FCW at offset 0"
	cmp dword [fxarea + 24], 0x1f80
	CHECK e, "fxsave: MXCSR at offset 24"
	mov esi, fxarea + 160 + 7 * 16
	mov edi, dq_iota
	mov ecx, 16
	repe cmpsb
	CHECK e, "fxsave: XMM7 at offset 272"
	fninit
	pxor xmm7, xmm7
	fxrstor [fxarea]
	fnstcw [cw]
	cmp word [cw], 0x027f
	CHECK e, "fxrstor: control word back"
	fstp qword [result]
	CMP64 result, 0x4000000000000000
	CHECK e, "fxrstor: x87 stack back (2.0)"
	movdqa [vresult], xmm7
	mov esi, vresult
	mov edi, dq_iota
	mov ecx, 16
	repe cmpsb
	CHECK e, "fxrstor: XMM7 back"

	jmp summary_exit

section .rodata
align 16
ps_a:    dd 1.0, 2.0, -3.0, 0.25
ps_b:    dd 0.5, 2.0, 1.0, 0.25
ps_sum:  dd 1.5, 4.0, -2.0, 0.5
pd_a:    dq 1.5, -2.0
pd_b:    dq 2.0, 0.25
dq_iota: dd 1, 2, 3, 4
dq_rev:  dd 4, 3, 2, 1
dq_q:    dd 1, 2, 3, 5
mmx_a:   db 0x04, 0x03, 0x02, 0x01, 0x80, 0x7f, 0xff, 0x00
mmx_b:   times 8 db 0x01
mmx_sum: db 0x05, 0x04, 0x03, 0x02, 0x81, 0x80, 0x00, 0x01
d_two:   dq 2.0
f_three: dd 3.0
f_four:  dd 4.0
f_2_5:   dd 2.5
f_0_5:   dd 0.5
f_m2_5:  dd -2.5
crc_text: db "123456789"

section .data
align 16
vresult: times 16 db 0
result:  dq 0
cw:      dw 0
align 4
mxcsr:   dd 0
cpuid1_ecx: dd 0
align 16
fxarea:  times 512 db 0

section .bss
alignb 16
	resb 4096
stack_top:
