; tests/guest/mb_paging.asm - 32-bit paging (4 KiB and 4 MiB pages), then
; PAE with NX.
;
; 32-bit: PDE 0 is a 4 MiB identity page (the kernel), PDE 1 a page table
; for 4-8 MiB with test pages, PDE 2 a 4 MiB alias of physical 0.  Checks
; aliases, a read-only page with CR0.WP=0 (write goes through) and WP=1
; (#PF, error 3, CR2), a not-present page (#PF, error 0/2), the accessed
; and dirty bits the CPU sets in PTEs and the 4 MiB PDE, and INVLPG after
; a PTE changes.  PAE: PDPT -> PD (2 MiB identity page + a page table);
; an alias, a not-present page, code run from a page without NX and an
; instruction fetch from an NX page (#PF, error 0x11) with EFER.NXE.
; Only #PF is expected: any other exception fails the test and exits.

%include "lib.inc"

MULTIBOOT_HEADER

EFER     equ 0xc0000080
EFER_NXE equ 1 << 11
PF_P     equ 1
PF_W     equ 2
PF_ID    equ 0x10
NO_FAULT equ 0xffffffff

; 32-bit layout: PT1 maps VA 4 MiB + i * 4 KiB.
VA_ALIAS equ 0x410000
VA_RO    equ 0x411000
VA_NP    equ 0x412000
VA_AD    equ 0x413000
VA_SWAP  equ 0x414000
VA_BIG   equ 0x800000                   ; 4 MiB alias of physical 0
; PAE layout: PT maps VA 2 MiB + i * 4 KiB.
VA_PALIAS equ 0x200000
VA_NX     equ 0x201000
VA_EXEC   equ 0x202000
VA_PNP    equ 0x203000

%define PTE32(va) (pt32 + (((va) >> 12) & 0x3ff) * 4)
%define PTEPAE(va) (ptpae + (((va) >> 12) & 0x1ff) * 8)

; Expect a #PF at the next instruction; resume at %1.
%macro EXPECT_PF 1
	mov dword [pf_resume], %1
	mov dword [pf_err], NO_FAULT
%endmacro

section .text
global _start
_start:
	cli
	mov esp, stack_top
	LOAD_GDT gdt_desc
	; IDT: #PF to pf_entry, everything else to unexpected.
	xor ecx, ecx
.idt:
	mov eax, unexpected
	cmp ecx, 14
	jne .gate
	mov eax, pf_entry
.gate:
	mov [idt + ecx * 8], ax
	mov word [idt + ecx * 8 + 2], 0x08
	mov word [idt + ecx * 8 + 4], 0x8e00
	shr eax, 16
	mov [idt + ecx * 8 + 6], ax
	inc ecx
	cmp ecx, 32
	jb .idt
	lidt [idt_desc]

	; Test pages.
	mov dword [target], 0x7a7a0001
	mov dword [ro_page], 0x0badf00d
	mov dword [page_x], 0x1111
	mov dword [page_y], 0x2222

	; ---- 32-bit paging ----
	mov dword [pd32 + 0 * 4], 0x00000083    ; 4 MiB, identity
	mov dword [pd32 + 1 * 4], pt32 + 3
	mov dword [pd32 + 2 * 4], 0x00000003 | 0x80
	xor ecx, ecx
.pt32:
	mov eax, ecx
	shl eax, 12
	add eax, 0x400000 + 3
	mov [pt32 + ecx * 4], eax
	inc ecx
	cmp ecx, 1024
	jb .pt32
	mov dword [PTE32(VA_ALIAS)], target + 3
	mov dword [PTE32(VA_RO)], ro_page + 1   ; present, read-only
	mov dword [PTE32(VA_NP)], 0
	mov dword [PTE32(VA_AD)], ad_page + 3
	mov dword [PTE32(VA_SWAP)], page_x + 3

	mov eax, cr4
	or eax, 1 << 4                  ; PSE
	mov cr4, eax
	mov eax, pd32
	mov cr3, eax
	mov eax, cr0
	and eax, ~(1 << 16)             ; WP off for now
	or eax, 1 << 31
	mov cr0, eax

	cmp dword [VA_ALIAS], 0x7a7a0001
	CHECK e, "32-bit: 4 KiB alias reads the target page"
	mov dword [VA_ALIAS + 4], 0x12345678
	cmp dword [target + 4], 0x12345678
	CHECK e, "32-bit: write through the alias lands in the target"
	mov eax, [VA_BIG + target]
	cmp eax, 0x7a7a0001
	CHECK e, "32-bit: 4 MiB PSE page alias"

	; Read-only page: WP=0 lets ring 0 write, WP=1 faults.
	mov dword [VA_RO + 8], 0xaaaa
	cmp dword [ro_page + 8], 0xaaaa
	CHECK e, "32-bit: CR0.WP=0: ring 0 writes a read-only page"
	mov eax, cr0
	or eax, 1 << 16
	mov cr0, eax
	EXPECT_PF .ro_done
.ro:
	mov dword [VA_RO + 8], 0xbbbb
.ro_done:
	cmp dword [pf_err], PF_P | PF_W
	CHECK e, "32-bit: CR0.WP=1: write to read-only page, #PF error 3"
	cmp dword [pf_cr2], VA_RO + 8
	CHECK e, "32-bit: CR2 is the written address"
	cmp dword [pf_eip], .ro
	CHECK e, "32-bit: #PF saved eip is the store"
	cmp dword [ro_page + 8], 0xaaaa
	CHECK e, "32-bit: the faulting write did not happen"

	; Not present: read and write.
	EXPECT_PF .np_done
	mov eax, [VA_NP + 0x10]
.np_done:
	cmp dword [pf_err], 0
	CHECK e, "32-bit: read of a not-present page, #PF error 0"
	cmp dword [pf_cr2], VA_NP + 0x10
	CHECK e, "32-bit: CR2 for the not-present read"
	EXPECT_PF .npw_done
	mov byte [VA_NP + 0x20], 1
.npw_done:
	cmp dword [pf_err], PF_W
	CHECK e, "32-bit: write to a not-present page, #PF error 2"

	; Accessed and dirty bits.
	mov eax, [PTE32(VA_AD)]
	and eax, 0x60
	cmp eax, 0
	CHECK e, "32-bit: fresh PTE has A=0 D=0"
	mov eax, [VA_AD]
	mov eax, [PTE32(VA_AD)]
	and eax, 0x60
	cmp eax, 0x20
	CHECK e, "32-bit: read sets A, not D"
	test dword [pd32 + 1 * 4], 0x20
	CHECK nz, "32-bit: the PDE got A"
	mov dword [VA_AD], 1
	mov eax, [PTE32(VA_AD)]
	and eax, 0x60
	cmp eax, 0x60
	CHECK e, "32-bit: write sets D"
	mov eax, [pd32 + 2 * 4]
	and eax, 0x60
	cmp eax, 0x20
	CHECK e, "32-bit: 4 MiB PDE got A, not D, from reads"
	mov dword [VA_BIG + scratch], 1
	mov eax, [pd32 + 2 * 4]
	and eax, 0x60
	cmp eax, 0x60
	CHECK e, "32-bit: 4 MiB PDE got D from a write"

	; INVLPG after the mapping changes.
	cmp dword [VA_SWAP], 0x1111
	CHECK e, "32-bit: page X mapped"
	mov dword [PTE32(VA_SWAP)], page_y + 3
	invlpg [VA_SWAP]
	cmp dword [VA_SWAP], 0x2222
	CHECK e, "32-bit: invlpg: page Y seen after the PTE changed"
	mov dword [PTE32(VA_SWAP)], page_x + 3
	mov eax, cr3
	mov cr3, eax
	cmp dword [VA_SWAP], 0x1111
	CHECK e, "32-bit: CR3 reload: page X again"

	mov eax, cr0
	and eax, ~(1 << 31)
	mov cr0, eax

	; ---- PAE ----
	mov dword [pdpt], pdpae + 1     ; PDPTEs: present only
	mov dword [pdpae], 0x00000083   ; 2 MiB identity
	mov dword [pdpae + 8], ptpae + 3
	xor ecx, ecx
.ptpae:
	mov eax, ecx
	shl eax, 12
	add eax, 0x200000 + 3
	mov [ptpae + ecx * 8], eax
	inc ecx
	cmp ecx, 512
	jb .ptpae
	mov dword [PTEPAE(VA_PALIAS)], target + 3
	mov dword [PTEPAE(VA_PNP)], 0
	mov esi, code_bytes             ; mov eax, 0x42; ret
	mov edi, code_page
	mov ecx, code_bytes_len
	rep movsb
	mov dword [PTEPAE(VA_EXEC)], code_page + 3
	mov dword [PTEPAE(VA_NX)], code_page + 3

	mov eax, 0x80000001
	cpuid
	mov [nx_ok], edx
	test edx, 1 << 20
	jz .no_nx
	mov dword [PTEPAE(VA_NX) + 4], 0x80000000
	mov ecx, EFER
	rdmsr
	or eax, EFER_NXE
	wrmsr
.no_nx:
	mov eax, cr4
	or eax, 1 << 5
	mov cr4, eax
	mov eax, pdpt
	mov cr3, eax
	mov eax, cr0
	or eax, 1 << 31
	mov cr0, eax

	cmp dword [VA_PALIAS], 0x7a7a0001
	CHECK e, "PAE: 4 KiB alias reads the target page"
	cmp dword [VA_PALIAS + 4], 0x12345678
	CHECK e, "PAE: alias sees the earlier write"
	test dword [PTEPAE(VA_PALIAS)], 0x20
	CHECK nz, "PAE: read set A in the 64-bit PTE"
	EXPECT_PF .pnp_done
	mov dword [VA_PNP], 1
.pnp_done:
	cmp dword [pf_err], PF_W
	CHECK e, "PAE: write to a not-present page, #PF error 2"
	cmp dword [pf_cr2], VA_PNP
	CHECK e, "PAE: CR2 for the not-present write"

	xor eax, eax
	mov ebx, VA_EXEC
	call ebx
	cmp eax, 0x42
	CHECK e, "PAE: code runs from a page without NX"

	test dword [nx_ok], 1 << 20
	jz .skip_nx
	EXPECT_PF .nx_done
	xor eax, eax
	mov ebx, VA_NX
	call ebx
.nx_done:
	add esp, 4                      ; the call's return address
	cmp dword [pf_err], PF_P | PF_ID
	CHECK e, "PAE: fetch from an NX page, #PF error 0x11"
	cmp dword [pf_cr2], VA_NX
	CHECK e, "PAE: CR2 is the NX page"
	cmp dword [pf_eip], VA_NX
	CHECK e, "PAE: saved eip is the NX page"
	cmp eax, 0
	CHECK e, "PAE: nothing ran on the NX page"
	cmp dword [VA_NX], 0x000042b8
	CHECK e, "PAE: NX page still readable"
	jmp .nx_end
.skip_nx:
	SKIP "PAE: no NX in CPUID 0x80000001"
.nx_end:

	mov eax, cr0
	and eax, ~(1 << 31)
	mov cr0, eax
	jmp summary_exit

; #PF: record, resume at pf_resume.
pf_entry:
	push eax
	mov eax, [esp + 4]
	mov [pf_err], eax
	mov eax, [esp + 8]
	mov [pf_eip], eax
	mov eax, cr2
	mov [pf_cr2], eax
	mov eax, [pf_resume]
	test eax, eax
	jz unexpected
	mov [esp + 8], eax
	mov dword [pf_resume], 0
	pop eax
	add esp, 4
	iretd

unexpected:
	mov eax, cr0                    ; paging off to print
	and eax, ~(1 << 31)
	mov cr0, eax
	MSG {"FAIL: unexpected exception or #PF at eip "}
	mov eax, [esp]
	call puthex
	mov al, 10
	call putc
	inc dword [lib_failed]
	jmp summary_exit

section .rodata
code_bytes:
	mov eax, 0x42
	ret
code_bytes_len equ $ - code_bytes

section .data
align 8
gdt:
	dq 0
	dq 0x00cf9a000000ffff
	dq 0x00cf92000000ffff
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dd gdt
idt_desc:
	dw 32 * 8 - 1
	dd idt
pf_resume: dd 0
pf_err:    dd NO_FAULT
pf_eip:    dd 0
pf_cr2:    dd 0
nx_ok:     dd 0
scratch:   dd 0

section .bss
alignb 4096
pd32:      resb 4096
pt32:      resb 4096
pdpt:      resb 4096
pdpae:     resb 4096
ptpae:     resb 4096
target:    resb 4096
ro_page:   resb 4096
ad_page:   resb 4096
page_x:    resb 4096
page_y:    resb 4096
code_page: resb 4096
idt:       resb 32 * 8
	resb 4096
stack_top:
