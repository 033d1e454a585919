; tests/guest/mb_smp.asm - SMP start-up through the local APIC.
;
; The expected CPU count comes from the multiboot command line, "cpus=N"
; (1 when absent).  The BSP copies a real-mode trampoline to 0x8000 (SIPI
; vector 0x08), enables its xAPIC (MMIO at 0xfee00000) and sends
; INIT, SIPI, SIPI to APIC IDs 1-7 one by one.  Each AP that wakes goes to
; 32-bit protected mode, takes a ticket with LOCK XADD, marks its APIC ID
; in a bitmap with LOCK BTS, adds 1 to a shared counter 100000 times with
; LOCK INC, and halts.  The BSP checks that N-1 APs answered with distinct
; tickets and IDs 1..N-1, and that no LOCK INC was lost.
; A hypervisor needs the local APIC MMIO, the ICR and INIT/SIPI delivery
; (VT-x: wait-for-SIPI activity state), and atomic LOCK operations between
; vCPUs.

%include "lib.inc"

MULTIBOOT_HEADER

LAPIC      equ 0xfee00000
LAPIC_ID   equ LAPIC + 0x20
LAPIC_VER  equ LAPIC + 0x30
LAPIC_SVR  equ LAPIC + 0xf0
LAPIC_ICRL equ LAPIC + 0x300
LAPIC_ICRH equ LAPIC + 0x310
TRAMP      equ 0x8000
MAX_ID     equ 7
LOOPS      equ 100000
MBI_CMDLINE equ 1 << 2

%define TRA(x) (TRAMP + (x) - tramp)

section .text
global _start
_start:
	cli
	mov esp, stack_top
	cmp eax, MB_BOOT_MAGIC
	jne .nocmd
	test dword [ebx], MBI_CMDLINE
	jz .nocmd
	mov esi, [ebx + 16]
	call parse_cpus
.nocmd:
	LOAD_GDT gdt_desc

	MSG "expecting "
	mov eax, [expected]
	call putdec
	MSG {" CPUs", 10}

	mov esi, tramp
	mov edi, TRAMP
	mov ecx, tramp_end - tramp
	rep movsb

	mov eax, [LAPIC_ID]
	shr eax, 24
	cmp eax, 0
	CHECK e, "BSP local APIC ID is 0"
	mov eax, [LAPIC_VER]
	and eax, 0xff
	cmp eax, 0x10
	CHECK ae, "local APIC version is an integrated APIC (>= 0x10)"
	or dword [LAPIC_SVR], 0x1ff     ; software enable, spurious 0xff

	mov ebx, 1
.ipi:
	mov eax, ebx
	shl eax, 24
	mov [LAPIC_ICRH], eax
	mov dword [LAPIC_ICRL], 0x4500  ; INIT, assert
	call icr_wait
	mov ecx, 10000                  ; 10 ms
	call delay_us
	mov [LAPIC_ICRH], eax
	mov dword [LAPIC_ICRL], 0x4600 | (TRAMP >> 12)  ; SIPI
	call icr_wait
	mov ecx, 200
	call delay_us
	mov [LAPIC_ICRH], eax
	mov dword [LAPIC_ICRL], 0x4600 | (TRAMP >> 12)
	call icr_wait
	mov ecx, 200
	call delay_us
	inc ebx
	cmp ebx, MAX_ID
	jbe .ipi

	; Wait up to about 2 s for the expected APs to finish, then 50 ms
	; more for any extra one.
	mov edi, 2000
.wait:
	mov eax, [expected]
	dec eax
	cmp [done], eax
	jae .waited
	mov ecx, 1000
	call delay_us
	dec edi
	jnz .wait
.waited:
	mov ecx, 50000
	call delay_us

	MSG "APs answered: "
	mov eax, [started]
	call putdec
	mov al, 10
	call putc

	mov eax, [expected]
	dec eax
	cmp [started], eax
	CHECK e, "N-1 APs started (INIT-SIPI-SIPI)"
	cmp [done], eax
	CHECK e, "every AP finished its LOCK INC loop"
	; Tickets 0..N-2 each once, APIC IDs 1..N-1 each once.
	mov ecx, eax
	mov edx, 1
	shl edx, cl
	dec edx                         ; bits 0..N-2
	cmp [tickets], edx
	CHECK e, "LOCK XADD handed out distinct tickets 0..N-2"
	shl edx, 1                      ; bits 1..N-1
	cmp [apic_ids], edx
	CHECK e, "APs have APIC IDs 1..N-1"
	imul eax, eax, LOOPS
	cmp [shared], eax
	CHECK e, "no LOCK INC lost between CPUs"
	jmp summary_exit

; "cpus=N" in the string at ESI sets [expected].
parse_cpus:
	pushad
.scan:
	mov al, [esi]
	test al, al
	jz .out
	cmp dword [esi], 'cpus'
	jne .next
	cmp byte [esi + 4], '='
	jne .next
	add esi, 5
	xor eax, eax
.digit:
	movzx ecx, byte [esi]
	sub ecx, '0'
	cmp ecx, 9
	ja .set
	imul eax, eax, 10
	add eax, ecx
	inc esi
	jmp .digit
.set:
	test eax, eax
	jz .out
	mov [expected], eax
	jmp .out
.next:
	inc esi
	jmp .scan
.out:
	popad
	ret

; Wait for the ICR's delivery status to go idle.
icr_wait:
	test dword [LAPIC_ICRL], 1 << 12
	jnz icr_wait
	ret

; About ECX microseconds: one write to the POST port each.
delay_us:
	push eax
.loop:
	out 0x80, al
	loop .loop
	pop eax
	ret

; The AP's 32-bit side.  No stack: nothing here calls.
ap32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, 1
	lock xadd [ticket_next], eax
	lock bts [tickets], eax
	mov eax, [LAPIC_ID]
	shr eax, 24
	lock bts [apic_ids], eax
	lock inc dword [started]
	mov ecx, LOOPS
.race:
	lock inc dword [shared]
	dec ecx
	jnz .race
	lock inc dword [done]
.halt:
	cli
	hlt
	jmp .halt

; ---- copied to TRAMP; an AP starts here in real mode, CS = 0x0800 ----
align 16
tramp:
bits 16
	cli
	mov ax, cs
	mov ds, ax
	lgdt [tramp_gdt_desc - tramp]
	mov eax, cr0
	or eax, 1
	mov cr0, eax
	jmp dword 0x08:ap32
bits 32
align 4
tramp_gdt_desc:
	dw gdt_end - gdt - 1
	dd gdt
tramp_end:

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
expected:    dd 1
ticket_next: dd 0
tickets:     dd 0
apic_ids:    dd 0
started:     dd 0
done:        dd 0
align 64
shared:      dd 0

section .bss
alignb 16
	resb 4096
stack_top:
