/* Per-CPU data, reached through the GS base (IA32_GS_BASE, SDM Vol. 3A §3.4.4). */
#ifndef ARCH_X86_64_PERCPU_H
#define ARCH_X86_64_PERCPU_H

#include <stdint.h>
#include "arch/x86_64/desc.h"

#define CPU_MAX 256
#define KSTACK_SIZE (64 * 1024)
#define ISTACK_SIZE (16 * 1024)

enum cpu_state { CPU_ABSENT, CPU_STARTING, CPU_ONLINE, CPU_FAILED };

struct cpu {
	struct cpu *self; /* must stay first: this_cpu() loads %gs:0 */
	uint32_t idx;
	uint32_t apic_id;
	volatile enum cpu_state state;
	volatile uint64_t ticks; /* LAPIC timer interrupts taken */
	volatile uint64_t pings; /* IPIs answered, for `info cpus` liveness */
	uint64_t stack_lo, stack_hi;
	struct gdt_tss gdt;
	void *ist[3]; /* tops of the IST stacks (double fault, NMI, #MC) */
	int vtx_usable;
	char vtx_reason[112];
	/* Work handed to an idle AP (smp_run_on): it runs fn(arg) then idles. */
	void (*volatile work)(void *arg);
	void *volatile work_arg;
};

extern struct cpu *cpus;
extern uint32_t ncpus;

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* Safe before per-CPU data exists (UEFI phase): reports CPU 0 then. */
uint32_t cpu_self_index(void);
void percpu_install(struct cpu *c);

#endif
