/* Per-CPU GDT with a 64-bit TSS carrying IST stacks, and one shared IDT whose
 * entries point at the fixed-size stubs in isr.asm. SDM Vol. 3A §3.4.5, §6.14. */
#include <string.h>
#include "arch/x86_64/desc.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/panic.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"

struct idt_entry {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, rsv;
} __attribute__((packed));

extern char isr_stubs[]; /* isr.asm: 256 stubs, 16 bytes apart */
static struct idt_entry idt[256];
static irq_handler_t handlers[256];

void gdt_load(struct gdt_tss *g, void *ist[3])
{
	uint64_t tss = (uint64_t)(uintptr_t)&g->tss;
	uint64_t lim = sizeof(g->tss) - 1;

	memset(g, 0, sizeof(*g));
	g->gdt[1] = 0x00af9a000000ffffull; /* 64-bit code, DPL 0 */
	g->gdt[2] = 0x00cf92000000ffffull; /* data */
	g->gdt[3] = (lim & 0xffff) | ((tss & 0xffffff) << 16) | (0x89ull << 40) |
		    ((lim >> 16 & 0xf) << 48) | ((tss >> 24 & 0xff) << 56);
	g->gdt[4] = tss >> 32;
	for (int i = 0; i < 3; i++)
		g->tss.ist[i] = (uint64_t)(uintptr_t)ist[i];
	g->tss.iomap_base = sizeof(g->tss); /* no I/O bitmap */

	struct {
		uint16_t lim;
		uint64_t base;
	} __attribute__((packed)) gdtr = {sizeof(g->gdt) - 1, (uint64_t)(uintptr_t)g->gdt};

	/* Reload CS with a far return; GS is reloaded before its base is set. */
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %2, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\t"
			 "movw %3, %%ax\n\t"
			 "ltr %%ax"
			 :
			 : "m"(gdtr), "i"(SEL_KCODE), "i"(SEL_KDATA), "i"(SEL_TSS)
			 : "rax", "memory");
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++) {
		uint64_t a = (uint64_t)(uintptr_t)(isr_stubs + 16 * v);
		struct idt_entry *e = &idt[v];
		e->off0 = a & 0xffff;
		e->off1 = a >> 16 & 0xffff;
		e->off2 = a >> 32;
		e->sel = SEL_KCODE;
		e->type = 0x8e; /* present, interrupt gate: IF cleared on entry */
		e->ist = v == 8 ? IST_DF : v == 2 ? IST_NMI : v == 18 ? IST_MC : 0;
	}
}

void idt_load(void)
{
	struct {
		uint16_t lim;
		uint64_t base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
	__asm__ volatile("lidt %0" ::"m"(idtr));
}

void idt_set_handler(uint8_t v, irq_handler_t h) { handlers[v] = h; }

/* Called from isr.asm with the saved frame. */
void isr_dispatch(struct regs *r)
{
	uint8_t v = (uint8_t)r->vector;

	if (v == 2 && panic_in_progress())
		cpu_halt_forever(); /* another CPU panicked and stops us */
	if (handlers[v]) {
		handlers[v](r);
		return;
	}
	if (v < 32)
		panic_exception(r);
	if (v == APIC_SPURIOUS_VECTOR)
		return; /* no EOI for spurious (SDM Vol. 3A §10.9) */
	apic_eoi();
}
