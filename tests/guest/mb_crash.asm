; tests/guest/mb_crash.asm - a guest that triple-faults when told to.
;
; For the VM-management tests (issue 6): it prints "crash: ready" on COM1,
; then sleeps in HLT and wakes on COM1 receive interrupts (8259 IRQ 4,
; remapped to vector 0x24; 16550 IER bit 0, MCR OUT2 gates the IRQ line).
; Each byte typed is echoed; 'c' prints "crash: triple fault now" and
; loads an empty IDT before INT3: the #BP cannot be delivered, nor the #GP
; nor the #DF that follow, so the CPU shuts down (SDM Vol. 3A 6.15, #DF).

bits 32

MB_MAGIC  equ 0x1BADB002
MB_FLAGS  equ (1 << 0) | (1 << 1)
COM1      equ 0x3f8

section .multiboot progbits alloc noexec nowrite align=4
	dd MB_MAGIC
	dd MB_FLAGS
	dd -(MB_MAGIC + MB_FLAGS)

section .text progbits alloc exec nowrite align=16
global _start
_start:
	cli
	mov esp, stack_top
	; 8259s: ICW1-4, vectors 0x20/0x28, then mask all but IRQ 4
	mov al, 0x11
	out 0x20, al
	out 0xa0, al
	mov al, 0x20
	out 0x21, al
	mov al, 0x28
	out 0xa1, al
	mov al, 4
	out 0x21, al
	mov al, 2
	out 0xa1, al
	mov al, 1
	out 0x21, al
	out 0xa1, al
	mov al, 0xef
	out 0x21, al
	mov al, 0xff
	out 0xa1, al
	; IDT entry 0x24: 32-bit interrupt gate to rx_isr in the multiboot CS
	mov eax, rx_isr
	mov [idt + 0x24 * 8], ax
	mov [idt + 0x24 * 8 + 2], cs
	mov word [idt + 0x24 * 8 + 4], 0x8e00
	shr eax, 16
	mov [idt + 0x24 * 8 + 6], ax
	lidt [idt_ptr]
	; 16550: receive interrupts on, OUT2 (the IRQ gate) and DTR/RTS
	mov dx, COM1 + 1
	mov al, 1
	out dx, al
	mov dx, COM1 + 4
	mov al, 0x0b
	out dx, al
	mov esi, msg_ready
	call puts
.idle:
	sti
	hlt
	cli
	mov al, [rx_char]
	test al, al
	jz .idle
	mov byte [rx_char], 0
	cmp al, 'c'
	je .crash
	call putc
	jmp .idle
.crash:
	mov esi, msg_crash
	call puts
	lidt [null_idt]
	int3
	jmp $

rx_isr:
	push eax
	push edx
	mov dx, COM1 + 5
.more:
	in al, dx
	test al, 1
	jz .done
	mov dx, COM1
	in al, dx
	mov [rx_char], al
	mov dx, COM1 + 5
	jmp .more
.done:
	mov al, 0x20
	out 0x20, al
	pop edx
	pop eax
	iretd

; AL to COM1, waiting for the transmitter.
putc:
	push eax
	mov dx, COM1 + 5
.wait:
	in al, dx
	test al, 0x20
	jz .wait
	pop eax
	mov dx, COM1
	out dx, al
	ret

puts:
	mov al, [esi]
	test al, al
	jz .done
	call putc
	inc esi
	jmp puts
.done:
	ret

section .rodata progbits alloc noexec nowrite align=4
msg_ready: db "crash: ready (type c to triple-fault)", 10, 0
msg_crash: db 10, "crash: triple fault now", 10, 0
idt_ptr:   dw 256 * 8 - 1
	   dd idt
null_idt:  dw 0
	   dd 0

section .bss nobits alloc noexec write align=16
idt:     resb 256 * 8
rx_char: resb 4
	resb 4096
stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
