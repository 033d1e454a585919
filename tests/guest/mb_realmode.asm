; tests/guest/mb_realmode.asm - real mode, entered and left from 32-bit
; protected mode.
;
; The 16-bit code is copied to RM_BASE (below 1 MiB) and run with
; CS = RM_BASE >> 4.  On the way down it passes through a 16-bit
; protected-mode code segment, loads FS with a 4 GiB data descriptor (for
; unreal mode) and the others with 64 KiB ones, clears CR0.PE and far-jumps
; to real mode.  There it checks segment arithmetic (ES:DI stores at
; segment * 16 + offset, two seg:off pairs for one byte, 16-bit offset
; wrap, LES and a far call through a memory pointer), 32-bit operands, an
; IVT entry of its own reached with INT and left with IRET, and unreal
; mode: FS keeps its 4 GiB limit, so a 32-bit address above 1 MiB works.
; The results are bytes in the copied block; back in protected mode the
; kernel reports them, and checks the stores real mode made.
; A hypervisor needs real mode, including big real mode (VT-x:
; unrestricted guest; the translator: its 16-bit decoder).

%include "lib.inc"

MULTIBOOT_HEADER

RM_BASE equ 0x7000
RM_SEG  equ RM_BASE >> 4
%define RMA(x) (RM_BASE + (x) - rm_start)   ; linear address of a copied label
%define RMO(x) ((x) - rm_start)             ; its offset from CS = RM_SEG

BIG_ADDR equ 0x300000                   ; above 1 MiB, for unreal mode

section .text
global _start
_start:
	cli
	mov esp, stack_top
	LOAD_GDT gdt_desc

	; Copy the 16-bit part down, clear the areas real mode writes.
	mov esi, rm_start
	mov edi, RM_BASE
	mov ecx, rm_end - rm_start
	rep movsb
	mov dword [0x179b8], 0
	mov dword [0x20010], 0
	mov dword [BIG_ADDR], 0x600dcafe
	mov dword [BIG_ADDR + 4], 0
	mov [saved_esp], esp

	lidt [rm_idt]
	jmp 0x18:RMA(pm16)              ; 16-bit protected mode

pm32_back:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov esp, [saved_esp]
	MSG {"back in 32-bit protected mode", 10}

	REPORT_BYTE RMA(res_cs), "real mode: CS is the segment we jumped to"
	REPORT_BYTE RMA(res_opsize), "real mode: 32-bit operand size arithmetic"
	REPORT_BYTE RMA(res_alias), "real mode: 0x1000:0x79b8 and 0x1234:0x5678 are one byte"
	REPORT_BYTE RMA(res_wrap), "real mode: [bx+si] wraps at 64 KiB"
	REPORT_BYTE RMA(res_les), "real mode: les loads segment and offset"
	REPORT_BYTE RMA(res_farcall), "real mode: far call through a memory pointer"
	REPORT_BYTE RMA(res_farret), "real mode: retf back to our CS"
	REPORT_BYTE RMA(res_int), "real mode: int 0x42 through our IVT entry"
	REPORT_BYTE RMA(res_intframe), "real mode: int pushed flags, CS, IP"
	REPORT_BYTE RMA(res_intif), "real mode: IF clear in the handler"
	REPORT_BYTE RMA(res_iret), "real mode: iret restores SP and flags"
	REPORT_BYTE RMA(res_unreal_rd), "unreal mode: read above 1 MiB via fs"
	REPORT_BYTE RMA(res_pe), "real mode: CR0.PE clear"

	cmp byte [0x179b8], 0xa5
	CHECK e, "real mode: ES:DI store at 0x1234:0x5678 = 0x179b8"
	cmp word [0x20010], 0xbeef
	CHECK e, "real mode: stosw at 0x2000:0x0010 = 0x20010"
	cmp dword [BIG_ADDR + 4], 0xfeedface
	CHECK e, "unreal mode: write above 1 MiB via fs"
	mov eax, cr0
	test eax, 1
	CHECK nz, "back in protected mode: CR0.PE set"
	jmp summary_exit

; ---- copied to RM_BASE; offsets relative to rm_start ----
align 16
rm_start:
bits 16
pm16:
	mov ax, 0x28                    ; 4 GiB data: FS stays big
	mov fs, ax
	mov ax, 0x20                    ; 64 KiB data
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov gs, ax
	mov eax, cr0
	and eax, ~1
	mov cr0, eax
	jmp RM_SEG:RMO(real)

real:
	mov ax, RM_SEG
	mov ds, ax
	xor ax, ax
	mov ss, ax
	mov sp, RM_BASE

	mov ax, cs
	cmp ax, RM_SEG
	sete [RMO(res_cs)]

	mov eax, cr0
	test al, 1
	setz [RMO(res_pe)]

	mov eax, 0x89abcdef
	mov ebx, 0x12345678
	add eax, ebx                    ; 0x9be02467
	shl eax, 4
	cmp eax, 0xbe024670
	sete [RMO(res_opsize)]

	; ES:DI stores.
	mov ax, 0x1234
	mov es, ax
	mov di, 0x5678
	mov byte [es:di], 0xa5
	mov ax, 0x1000
	mov es, ax
	cmp byte [es:0x79b8], 0xa5
	sete [RMO(res_alias)]
	mov ax, 0x2000
	mov es, ax
	mov di, 0x0010
	mov ax, 0xbeef
	cld
	stosw

	; 16-bit offsets wrap: 0xffff + 2 is offset 1.
	mov ax, 0x3000
	mov es, ax
	mov byte [es:1], 0x5c
	mov byte [es:0xffff], 0
	mov bx, 0xffff
	mov si, 2
	cmp byte [es:bx+si], 0x5c
	sete [RMO(res_wrap)]

	; LES from a far pointer.
	les bx, [RMO(farptr)]
	mov ax, es
	cmp ax, 0x1111
	sete cl
	cmp bx, 0x2222
	sete ch
	and cl, ch
	mov [RMO(res_les)], cl

	; Far call through a pointer to CS = 0, IP = the linear address.
	call far [RMO(farfn)]
	mov ax, cs
	cmp ax, RM_SEG
	sete [RMO(res_farret)]

	; Our own IVT entry 0x42, then INT.
	xor ax, ax
	mov es, ax
	mov word [es:0x42 * 4], RMO(int42)
	mov word [es:0x42 * 4 + 2], RM_SEG
	mov [RMO(sp_before)], sp
	pushf
	pop ax
	or ax, 1 << 10                  ; DF=1 marks our flags image
	push ax
	popf
	int 0x42
int42_ret:
	pushf
	pop ax
	cld
	test ax, 1 << 10
	setnz cl
	cmp sp, [RMO(sp_before)]
	sete ch
	and cl, ch
	mov [RMO(res_iret)], cl

	; Unreal mode: FS still has a 4 GiB limit, base 0.
	xor ax, ax
	mov es, ax
	cmp dword [fs:dword BIG_ADDR], 0x600dcafe
	sete [RMO(res_unreal_rd)]
	mov dword [fs:dword BIG_ADDR + 4], 0xfeedface

	; Back to protected mode.
	cli
	mov eax, cr0
	or eax, 1
	mov cr0, eax
	jmp dword 0x08:pm32_back

farfn_body:
	mov ax, cs
	test ax, ax
	setz [RMO(res_farcall)]
	retf

int42:
	; Frame at SP: IP, CS, FLAGS.
	mov bp, sp
	cmp word [bp], RMO(int42_ret)
	sete cl
	cmp word [bp + 2], RM_SEG
	sete ch
	and cl, ch
	test word [bp + 4], 1 << 10
	setnz ch
	and cl, ch
	mov [RMO(res_intframe)], cl
	pushf
	pop ax
	test ax, 1 << 9
	setz [RMO(res_intif)]
	mov byte [RMO(res_int)], 1
	iret

bits 32
align 4
farptr:  dw 0x2222, 0x1111              ; offset, segment
farfn:   dw RMA(farfn_body), 0
sp_before: dw 0
res_cs:        db 0
res_pe:        db 0
res_opsize:    db 0
res_alias:     db 0
res_wrap:      db 0
res_les:       db 0
res_farcall:   db 0
res_farret:    db 0
res_int:       db 0
res_intframe:  db 0
res_intif:     db 0
res_iret:      db 0
res_unreal_rd: db 0
rm_end:
; ---- end of the copied part ----

section .data
align 8
gdt:
	dq 0
	dq 0x00cf9a000000ffff           ; 0x08: flat 32-bit code
	dq 0x00cf92000000ffff           ; 0x10: flat data
	dq 0x00009a000000ffff           ; 0x18: 16-bit code, base 0, 64 KiB
	dq 0x000092000000ffff           ; 0x20: 16-bit data, base 0, 64 KiB
	dq 0x008f92000000ffff           ; 0x28: data, base 0, 4 GiB (unreal)
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dd gdt
rm_idt:
	dw 0x3ff
	dd 0
saved_esp: dd 0

section .bss
alignb 16
	resb 4096
stack_top:
