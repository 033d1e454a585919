/* GDT, TSS and IDT (SDM Vol. 3A §3.4.5, §7.7, §6.14). */
#ifndef ARCH_X86_64_DESC_H
#define ARCH_X86_64_DESC_H

#include <stdint.h>

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS 0x18

/* IST slots (1-based in the IDT entry). */
#define IST_DF 1
#define IST_NMI 2
#define IST_MC 3

struct tss64 {
	uint32_t rsv0;
	uint64_t rsp[3];
	uint64_t rsv1;
	uint64_t ist[7];
	uint64_t rsv2;
	uint16_t rsv3;
	uint16_t iomap_base;
} __attribute__((packed));

struct gdt_tss {
	uint64_t gdt[5]; /* null, code, data, TSS (two slots) */
	struct tss64 tss;
};

/* The frame isr.asm builds: GPRs, then vector and error code, then the
 * hardware frame. */
struct regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

void gdt_load(struct gdt_tss *g, void *ist_stacks[3]);
void idt_init(void);
void idt_load(void);
typedef void (*irq_handler_t)(struct regs *r);
void idt_set_handler(uint8_t vector, irq_handler_t h);

#endif
