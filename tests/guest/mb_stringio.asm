; tests/guest/mb_stringio.asm - string I/O and string moves.
;
; OUTSB/INSB with and without REP on the COM1 scratch register (0x3ff),
; OUTSW/OUTSD to the POST port 0x80 (only the ESI/ECX effects), REP OUTSB to the COM1 data port, and
; REP MOVSB/MOVSD/STOSD with DF=0 and DF=1, checking the data and ESI, EDI
; and ECX after.  A hypervisor must emulate the string port accesses
; (VT-x: I/O exits with the string and REP forms).

%include "lib.inc"

MULTIBOOT_HEADER

section .text
global _start
_start:
	cli
	mov esp, stack_top
	cld

	; OUTSB, no REP: one byte, ESI + 1.
	mov dx, COM1_SCR
	mov esi, pattern
	outsb
	cmp esi, pattern + 1
	CHECK e, "outsb advances esi by 1"
	in al, dx
	cmp al, 0x11
	CHECK e, "outsb wrote the scratch register"

	; REP OUTSB: the last byte stays, ECX counts down to 0.
	mov esi, pattern
	mov ecx, 4
	rep outsb
	cmp ecx, 0
	CHECK e, "rep outsb ends with ecx 0"
	cmp esi, pattern + 4
	CHECK e, "rep outsb advances esi by 4"
	in al, dx
	cmp al, 0x44
	CHECK e, "rep outsb left the last byte"

	; REP OUTSB with ECX = 0 does nothing.
	mov al, 0x5a
	out dx, al
	mov esi, pattern
	xor ecx, ecx
	rep outsb
	cmp esi, pattern
	CHECK e, "rep outsb with ecx 0 keeps esi"
	in al, dx
	cmp al, 0x5a
	CHECK e, "rep outsb with ecx 0 writes nothing"

	; DF=1: backwards.
	std
	mov esi, pattern + 3
	mov ecx, 3
	rep outsb
	cld
	cmp esi, pattern
	CHECK e, "std; rep outsb walks esi down"
	in al, dx
	cmp al, 0x22
	CHECK e, "std; rep outsb last byte from the low end"

	; OUTSW, OUTSD, REP OUTSD to the POST port 0x80 (a wide access to
	; COM1 trips an assertion in QEMU's UART): pointer and count effects.
	mov dx, 0x80
	mov esi, pattern
	outsw
	cmp esi, pattern + 2
	CHECK e, "outsw advances esi by 2"
	outsd
	cmp esi, pattern + 6
	CHECK e, "outsd advances esi by 4"
	mov esi, pattern
	mov ecx, 2
	rep outsd
	cmp esi, pattern + 8
	CHECK e, "rep outsd advances esi by 8"
	test ecx, ecx
	CHECK z, "rep outsd ends with ecx 0"
	mov dx, COM1_SCR

	; INSB and REP INSB.
	mov al, 0xa5
	out dx, al
	mov edi, inbuf
	insb
	cmp edi, inbuf + 1
	CHECK e, "insb advances edi by 1"
	cmp byte [inbuf], 0xa5
	CHECK e, "insb read the scratch register"
	mov al, 0x3c
	out dx, al
	mov ecx, 5
	rep insb
	cmp edi, inbuf + 6
	CHECK e, "rep insb advances edi by 5"
	test ecx, ecx
	CHECK z, "rep insb ends with ecx 0"
	mov esi, inbuf + 1
	mov edi, expect_ins
	mov ecx, 5
	repe cmpsb
	CHECK e, "rep insb stored 5 bytes"
	cmp byte [inbuf + 6], 0
	CHECK e, "rep insb stored no 6th byte"
	std
	mov al, 0x77
	out dx, al
	mov edi, inbuf + 15
	mov ecx, 2
	rep insb
	cld
	cmp edi, inbuf + 13
	CHECK e, "std; rep insb walks edi down"
	cmp word [inbuf + 14], 0x7777
	CHECK e, "std; rep insb stored downwards"
	cmp byte [inbuf + 13], 0
	CHECK e, "std; rep insb stopped at the count"

	; REP OUTSB to the COM1 data port prints a line.
	mov dx, COM1
	mov esi, outs_line
	mov ecx, outs_line_len
	rep outsb
	cmp esi, outs_line + outs_line_len
	CHECK e, "rep outsb printed a line to the COM1 data port"

	; REP MOVSB forwards.
	mov esi, pattern
	mov edi, buf
	mov ecx, 13
	rep movsb
	cmp esi, pattern + 13
	CHECK e, "rep movsb esi"
	cmp edi, buf + 13
	CHECK e, "rep movsb edi"
	test ecx, ecx
	CHECK z, "rep movsb ecx"
	mov esi, pattern
	mov edi, buf
	mov ecx, 13
	repe cmpsb
	CHECK e, "rep movsb copied 13 bytes"
	cmp byte [buf + 13], 0
	CHECK e, "rep movsb stopped at 13"

	; Overlapping REP MOVSB, dst = src + 1: byte by byte, so it smears.
	mov esi, buf
	mov edi, buf + 1
	mov ecx, 7
	rep movsb
	mov esi, buf
	mov edi, smear
	mov ecx, 8
	repe cmpsb
	CHECK e, "overlapping rep movsb copies byte by byte"

	; REP MOVSD backwards (DF=1): from the last dword down.
	std
	mov esi, pattern + 12
	mov edi, buf2 + 12
	mov ecx, 4
	rep movsd
	cld
	cmp esi, pattern - 4
	CHECK e, "std; rep movsd esi"
	cmp edi, buf2 - 4
	CHECK e, "std; rep movsd edi"
	test ecx, ecx
	CHECK z, "std; rep movsd ecx"
	mov esi, pattern
	mov edi, buf2
	mov ecx, 16
	repe cmpsb
	CHECK e, "std; rep movsd copied 16 bytes"

	; REP STOSD both ways.
	mov eax, 0xdeadbeef
	mov edi, buf3 + 4
	mov ecx, 3
	rep stosd
	cmp edi, buf3 + 16
	CHECK e, "rep stosd edi"
	cmp dword [buf3], 0
	CHECK e, "rep stosd left the dword before"
	cmp dword [buf3 + 12], 0xdeadbeef
	CHECK e, "rep stosd wrote the last dword"
	cmp dword [buf3 + 16], 0
	CHECK e, "rep stosd left the dword after"
	std
	mov eax, 0x01020304
	mov edi, buf3 + 28
	mov ecx, 2
	rep stosd
	cld
	cmp edi, buf3 + 20
	CHECK e, "std; rep stosd edi"
	cmp dword [buf3 + 24], 0x01020304
	CHECK e, "std; rep stosd wrote downwards"
	cmp dword [buf3 + 20], 0
	CHECK e, "std; rep stosd stopped at the count"

	; A 16-bit address size REP STOSB counts in CX and walks DI only.
	; (DI = 0x5000: below 64 KiB, free under a multiboot loader.)
	mov ecx, 0xffff0003
	mov edi, 0x12345000
	mov al, 0x99
	a16 rep stosb
	cmp ecx, 0xffff0000
	CHECK e, "a16 rep stosb counts in cx only"
	cmp edi, 0x12345003
	CHECK e, "a16 rep stosb advances di only"
	cmp word [0x5001], 0x9999
	CHECK e, "a16 rep stosb wrote at di"

	jmp summary_exit

section .rodata
pattern:  db 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88
	  db 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x10
expect_ins: times 5 db 0x3c
smear:    times 8 db 0x11
outs_line: db "rep outsb: hello through string I/O", 10
outs_line_len equ $ - outs_line

section .bss
alignb 16
inbuf:  resb 32
buf:    resb 32
buf2:   resb 32
buf3:   resb 64
	resb 4096
stack_top:
