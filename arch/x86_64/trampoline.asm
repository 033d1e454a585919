; AP start-up code, copied to a page P below 1 MiB. A Start-up IPI with
; vector P>>12 starts the AP in real mode at P:0 (SDM Vol. 3A §8.4.4.1).
; It goes to protected mode, enables PAE + long mode with keel's page tables
; (SDM Vol. 3A §9.8.5), takes a number with LOCK XADD, so that several APs
; woken by one broadcast SIPI get distinct stacks, and calls the 64-bit entry. The BSP relocates the three pointers and fills the rest before
; each SIPI. Assembled flat.
BITS 16
ORG 0

	jmp short start
	align 8
gdtr:	dw gdt_end - gdt - 1         ; +8
gdt_base: dd gdt                    ; +10: offset, BSP adds P
	dw 0
pm_ptr:	dd pm32                     ; +16: offset, BSP adds P
	dw 0x08
	dw 0
lm_ptr:	dd lm64                     ; +24: offset, BSP adds P
	dw 0x18
	dw 0
cr3_val: dd 0                       ; +32
	dd 0
stacks:	dq 0                        ; +40: AP n gets the stack ending at stacks + n*64 KiB
entry:	dq 0                        ; +48: void ap_main(uint32_t n)
counter: dd 0                       ; +56: next AP number (starts at 1)
max:	dd 0                        ; +60: APs numbered max and up park

	align 8
gdt:	dq 0
	dq 0x00cf9a000000ffff           ; 0x08 32-bit code
	dq 0x00cf92000000ffff           ; 0x10 data
	dq 0x00af9a000000ffff           ; 0x18 64-bit code
gdt_end:

start:
	cli
	cld
	xor ebx, ebx
	mov bx, cs
	mov ds, bx
	shl ebx, 4                  ; ebx = P, kept through the mode switches
	o32 lgdt [gdtr]
	mov eax, cr0
	or eax, 1
	mov cr0, eax
	o32 jmp far [pm_ptr]

BITS 32
pm32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr4
	or eax, (1 << 5) | (1 << 9) | (1 << 10)   ; PAE, OSFXSR, OSXMMEXCPT
	mov cr4, eax
	mov eax, [ebx + cr3_val]
	mov cr3, eax
	mov ecx, 0xc0000080                       ; EFER: LME, NXE
	rdmsr
	or eax, (1 << 8) | (1 << 11)
	wrmsr
	mov eax, cr0
	and eax, ~(1 << 2)                        ; EM off: SSE usable
	or eax, (1 << 31) | (1 << 16) | (1 << 5) | (1 << 1) | 1  ; PG WP NE MP PE
	mov cr0, eax
	jmp far [ebx + lm_ptr]

BITS 64
lm64:
	mov ebx, ebx
	mov eax, 1
	lock xadd [rbx + counter], eax
	cmp eax, [rbx + max]
	jae park
	mov edi, eax
	shl rax, 16                               ; 64 KiB stacks (KSTACK_SIZE)
	add rax, [rbx + stacks]
	mov rsp, rax
	xor ebp, ebp
	push 0
	jmp [rbx + entry]
park:
	cli
	hlt
	jmp park
