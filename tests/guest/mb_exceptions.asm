; tests/guest/mb_exceptions.asm - exceptions and interrupts.
;
; An IDT of our own (32-bit interrupt gates, vectors 0-31, 0x20-0x2f for
; the remapped 8259, 0x40/0x41 for the local APIC and the IOAPIC, 0x80).
; Faults (#DE, #UD, #GP, #PF) must save the EIP of the faulting
; instruction, traps (#BP, #DB single step, INT 0x80) the EIP after it;
; #GP and #PF push the right error code, #PF sets CR2.  Then timer
; interrupts: PIT channel 0 through the 8259 (IRQ0, vector 0x20), the
; local APIC timer (xAPIC MMIO at 0xfee00000) and the PIT again through
; IOAPIC pin 2 (QEMU's ISA IRQ0 override) to the local APIC.

%include "lib.inc"

MULTIBOOT_HEADER

LAPIC       equ 0xfee00000
LAPIC_EOI   equ LAPIC + 0xb0
LAPIC_SVR   equ LAPIC + 0xf0
LAPIC_LVTT  equ LAPIC + 0x320
LAPIC_TICR  equ LAPIC + 0x380
LAPIC_TDCR  equ LAPIC + 0x3e0
IOAPIC      equ 0xfec00000

NO_FAULT    equ 0xff

; One IDT stub per vector: a dummy error code where the CPU pushes none.
%macro STUB 1
stub_%1:
%if %1 = 8 || (%1 >= 10 && %1 <= 14) || %1 = 17
	push dword %1
%else
	push dword 0
	push dword %1
%endif
	jmp isr_common
%endmacro

section .text
global _start
_start:
	cli
	mov esp, stack_top
	LOAD_GDT gdt_desc

	; Fill the IDT from the stub table.
	xor ecx, ecx
.idt:
	mov eax, [stubs + ecx * 4]
	test eax, eax
	jz .idt_next
	mov [idt + ecx * 8], ax
	mov word [idt + ecx * 8 + 2], 0x08
	mov word [idt + ecx * 8 + 4], 0x8e00   ; present, DPL 0, 32-bit int gate
	shr eax, 16
	mov [idt + ecx * 8 + 6], ax
.idt_next:
	inc ecx
	cmp ecx, 256
	jb .idt
	or byte [idt + 0x80 * 8 + 5], 0x60      ; INT 0x80 callable from ring 3
	lidt [idt_desc]

	; #DE: a fault, EIP of the DIV.
	mov dword [resume], .de_done
	xor ecx, ecx
	mov eax, 1
	xor edx, edx
.de:
	div ecx
.de_done:
	cmp dword [last_vec], 0
	CHECK e, "#DE: vector 0"
	cmp dword [last_eip], .de
	CHECK e, "#DE: saved eip is the div"

	; #UD: a fault at UD2.
	mov dword [resume], .ud_done
.ud:
	ud2
.ud_done:
	cmp dword [last_vec], 6
	CHECK e, "#UD: vector 6"
	cmp dword [last_eip], .ud
	CHECK e, "#UD: saved eip is the ud2"

	; #BP: a trap, execution goes on after INT3.
	mov dword [last_vec], NO_FAULT
	int3
.bp_after:
	cmp dword [last_vec], 3
	CHECK e, "#BP: vector 3"
	cmp dword [last_eip], .bp_after
	CHECK e, "#BP: saved eip is after the int3"

	; #GP: loading DS with a selector past the GDT limit; the error code
	; is the selector (TI=0, EXT=0).
	mov dword [resume], .gp_done
	mov ax, 0x1230
.gp:
	mov ds, ax
.gp_done:
	mov ax, 0x10
	mov ds, ax
	cmp dword [last_vec], 13
	CHECK e, "#GP: vector 13"
	cmp dword [last_err], 0x1230
	CHECK e, "#GP: error code is the selector"
	cmp dword [last_eip], .gp
	CHECK e, "#GP: saved eip is the mov to ds"

	; #GP with error code 0: WRMSR to a reserved MSR is not used (models
	; differ); a far jump to the null selector is architectural.
	mov dword [resume], .gp0_done
.gp0:
	jmp 0x0000:.gp0_done
.gp0_done:
	cmp dword [last_vec], 13
	CHECK e, "#GP: far jump to the null selector"
	cmp dword [last_err], 0
	CHECK e, "#GP: null selector error code 0"
	cmp dword [last_eip], .gp0
	CHECK e, "#GP: saved eip is the far jump"

	; #DB: single step.  POPF sets TF; the next instruction runs, then
	; the trap; the handler clears TF.
	mov dword [last_vec], NO_FAULT
	pushfd
	or dword [esp], 1 << 8
	popfd
	nop
.db_after:
	cmp dword [last_vec], 1
	CHECK e, "#DB: single step, vector 1"
	cmp dword [last_eip], .db_after
	CHECK e, "#DB: saved eip is after the stepped instruction"
	mov eax, [last_dr6]
	and eax, 0x4000
	cmp eax, 0x4000
	CHECK e, "#DB: DR6.BS set"

	; #PF: 4 MiB identity pages for the first 8 MiB, 0x40000000 absent.
	mov dword [pd + 0], 0x00000083
	mov dword [pd + 4], 0x00400083
	mov eax, cr4
	or eax, 1 << 4                  ; PSE
	mov cr4, eax
	mov eax, pd
	mov cr3, eax
	mov eax, cr0
	or eax, 1 << 31
	mov cr0, eax
	mov dword [resume], .pf_done
.pf:
	mov dword [0x40000123], 1
.pf_done:
	mov eax, cr0
	and eax, ~(1 << 31)
	mov cr0, eax
	cmp dword [last_vec], 14
	CHECK e, "#PF: vector 14"
	cmp dword [last_err], 2
	CHECK e, "#PF: error code 2 (write, not present)"
	cmp dword [last_cr2], 0x40000123
	CHECK e, "#PF: cr2 is the address"
	cmp dword [last_eip], .pf
	CHECK e, "#PF: saved eip is the store"

	; INT 0x80: a trap with our registers.
	mov dword [last_vec], NO_FAULT
	mov eax, 0x1234
	int 0x80
.int80_after:
	cmp dword [last_vec], 0x80
	CHECK e, "int 0x80: vector 0x80"
	cmp dword [last_eax], 0x1234
	CHECK e, "int 0x80: handler sees eax"
	cmp dword [last_eip], .int80_after
	CHECK e, "int 0x80: saved eip is after the int"
	cmp eax, 0x1235
	CHECK e, "int 0x80: handler's eax comes back"

	; The interrupt flag: IRET restored IF=0 throughout.
	pushfd
	pop eax
	test eax, 1 << 9
	CHECK z, "interrupts still off after the handlers"

	call pic_timer
	call lapic_timer
	call ioapic_timer
	jmp summary_exit

; PIT channel 0 at about 1 kHz through the 8259, IRQ0 = vector 0x20.
pic_timer:
	mov al, 0x11                    ; ICW1: edge, cascade, ICW4
	out 0x20, al
	out 0xa0, al
	mov al, 0x20                    ; ICW2: vector bases
	out 0x21, al
	mov al, 0x28
	out 0xa1, al
	mov al, 4                       ; ICW3
	out 0x21, al
	mov al, 2
	out 0xa1, al
	mov al, 1                       ; ICW4: 8086 mode
	out 0x21, al
	out 0xa1, al
	mov al, 0xfe                    ; only IRQ0
	out 0x21, al
	mov al, 0xff
	out 0xa1, al
	mov al, 0x34                    ; channel 0, lo/hi, mode 2
	out 0x43, al
	mov ax, 1193                    ; 1.193182 MHz / 1193 = 1 kHz
	out 0x40, al
	mov al, ah
	out 0x40, al
	mov dword [ticks], 0
	mov dword [tick_vec], 0
	sti
.wait:
	hlt
	cmp dword [ticks], 10
	jb .wait
	cli
	cmp dword [ticks], 10
	CHECK ae, "8259: 10 PIT ticks on IRQ0"
	cmp dword [tick_vec], 0x20
	CHECK e, "8259: IRQ0 came as vector 0x20"
	mov al, 0x0b                    ; OCW3: read the ISR
	out 0x20, al
	in al, 0x20
	test al, al
	CHECK z, "8259: ISR clear after EOI"
	mov al, 0xff                    ; mask the 8259 again
	out 0x21, al
	ret

; The local APIC timer, periodic, vector 0x40.
lapic_timer:
	or dword [LAPIC_SVR], 0x1ff     ; enabled, spurious vector 0xff
	mov dword [LAPIC_TDCR], 0x3     ; divide by 16
	mov dword [LAPIC_LVTT], 0x20040 ; periodic, vector 0x40
	mov dword [ticks], 0
	mov dword [tick_vec], 0
	mov dword [LAPIC_TICR], 0x10000
	sti
.wait:
	hlt
	cmp dword [ticks], 5
	jb .wait
	cli
	mov dword [LAPIC_LVTT], 0x10040 ; masked
	mov dword [LAPIC_TICR], 0
	cmp dword [ticks], 5
	CHECK ae, "lapic: 5 timer interrupts"
	cmp dword [tick_vec], 0x40
	CHECK e, "lapic: timer came as vector 0x40"
	ret

; The PIT through IOAPIC pin 2 to the local APIC, vector 0x41.
ioapic_timer:
	mov dword [IOAPIC], 0x10 + 2 * 2 + 1    ; pin 2, high dword
	mov dword [IOAPIC + 0x10], 0            ; destination APIC ID 0
	mov dword [IOAPIC], 0x10 + 2 * 2        ; low dword
	mov dword [IOAPIC + 0x10], 0x41         ; fixed, edge, high, vector
	mov dword [ticks], 0
	mov dword [tick_vec], 0
	sti
.wait:
	hlt
	cmp dword [ticks], 10
	jb .wait
	cli
	mov dword [IOAPIC], 0x10 + 2 * 2
	mov dword [IOAPIC + 0x10], 0x10041      ; masked
	cmp dword [ticks], 10
	CHECK ae, "ioapic: 10 PIT ticks on pin 2"
	cmp dword [tick_vec], 0x41
	CHECK e, "ioapic: pin 2 came as vector 0x41"
	ret

; Stack: pushad (32 bytes), vector, error code, EIP, CS, EFLAGS.
isr_common:
	pushad
	mov eax, [esp + 32]
	cmp eax, 0x20
	je .tick_pic
	cmp eax, 0x40
	je .tick_lapic
	cmp eax, 0x41
	je .tick_lapic
	mov [last_vec], eax
	mov eax, [esp + 36]
	mov [last_err], eax
	mov eax, [esp + 40]
	mov [last_eip], eax
	mov eax, [esp + 28]
	mov [last_eax], eax
	mov eax, cr2
	mov [last_cr2], eax
	cmp dword [last_vec], 0x80
	jne .not80
	inc dword [esp + 28]            ; the caller's EAX + 1
.not80:
	cmp dword [last_vec], 1
	jne .notdb
	mov eax, dr6
	mov [last_dr6], eax
	and dword [esp + 48], ~(1 << 8) ; TF off
.notdb:
	mov eax, [resume]
	test eax, eax
	jz .out
	mov [esp + 40], eax
	mov dword [resume], 0
.out:
	popad
	add esp, 8
	iretd
.tick_pic:
	mov [tick_vec], eax
	inc dword [ticks]
	mov al, 0x20
	out 0x20, al
	jmp .out
.tick_lapic:
	mov [tick_vec], eax
	inc dword [ticks]
	mov dword [LAPIC_EOI], 0
	jmp .out

%assign v 0
%rep 32
STUB %[v]
%assign v v + 1
%endrep
%assign v 0x20
%rep 16
STUB %[v]
%assign v v + 1
%endrep
STUB 64
STUB 65
STUB 128
STUB 255

section .data
align 8
gdt:
	dq 0
	dq 0x00cf9a000000ffff           ; 0x08: flat 32-bit code
	dq 0x00cf92000000ffff           ; 0x10: flat data
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dd gdt
idt_desc:
	dw 256 * 8 - 1
	dd idt

stubs:
%assign v 0
%rep 256
%if v < 0x30 || v = 0x40 || v = 0x41 || v = 0x80 || v = 0xff
	dd stub_%[v]
%else
	dd 0
%endif
%assign v v + 1
%endrep

resume:   dd 0
last_vec: dd NO_FAULT
last_err: dd 0
last_eip: dd 0
last_eax: dd 0
last_cr2: dd 0
last_dr6: dd 0
ticks:    dd 0
tick_vec: dd 0

section .bss
alignb 4096
pd:     resb 4096
idt:    resb 256 * 8
	resb 4096
stack_top:
