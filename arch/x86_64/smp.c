/* Multiprocessor start-up: per-CPU data, INIT-SIPI-SIPI for each AP in the
 * MADT (SDM Vol. 3A §8.4.4.1), then every AP idles in HLT until an IPI or
 * its timer tick. */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/mem.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/vtx.h"
#include "boot/bootinfo.h"
#include "console/klog.h"

struct cpu *cpus;
uint32_t ncpus;
static int percpu_ready;

/* Offsets of the fields in trampoline.asm. */
#define T_GDT_BASE 10
#define T_PM_PTR 16
#define T_LM_PTR 24
#define T_CR3 32
#define T_STACK 40
#define T_ENTRY 48
#define T_ARG 56

extern const uint8_t trampoline_start[], trampoline_end[];

uint32_t cpu_self_index(void) { return percpu_ready ? this_cpu()->idx : 0; }

void percpu_install(struct cpu *c)
{
	c->self = c;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
	percpu_ready = 1;
}

static void *stack_alloc(size_t n) { return memalign(64, n); }

/* Runs on the BSP for every CPU: an AP must not allocate (or take the malloc
 * lock) before its GS base points at its own struct cpu. */
int cpu_prepare(struct cpu *c)
{
	for (int i = 0; i < 3; i++) {
		char *s = stack_alloc(ISTACK_SIZE);
		if (!s)
			return -1;
		c->ist[i] = s + ISTACK_SIZE;
	}
	return 0;
}

void cpu_setup(struct cpu *c)
{
	gdt_load(&c->gdt, c->ist); /* reloading GS zeroes its base: install after */
	idt_load();
	percpu_install(c);
	lapic_init_cpu();
	vtx_probe(c);
}

static void ap_idle(void)
{
	for (;;)
		sti_hlt();
}

/* 64-bit entry of an AP, on its own stack (trampoline.asm jumps here). */
static void ap_main(struct cpu *c)
{
	cpu_setup(c);
	lapic_timer_start();
	__atomic_store_n(&c->state, CPU_ONLINE, __ATOMIC_RELEASE);
	ap_idle();
}

static int start_ap(struct boot_info *bi, struct cpu *c)
{
	uint8_t *t = (uint8_t *)(uintptr_t)bi->trampoline;
	char *stack = stack_alloc(KSTACK_SIZE);
	if (!stack || cpu_prepare(c))
		return -1;
	c->stack_lo = (uint64_t)(uintptr_t)stack;
	c->stack_hi = c->stack_lo + KSTACK_SIZE;
	*(uint64_t *)(t + T_STACK) = c->stack_hi;
	*(uint64_t *)(t + T_ARG) = (uint64_t)(uintptr_t)c;
	c->state = CPU_STARTING;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	lapic_send_init(c->apic_id);
	tsc_delay_us(10000);
	for (int i = 0; i < 2 && c->state == CPU_STARTING; i++) {
		lapic_send_sipi(c->apic_id, (uint8_t)(bi->trampoline >> 12));
		tsc_delay_us(200);
	}
	/* Wait up to a second: emulators can be slow to schedule a new vCPU. */
	for (int i = 0; i < 10000 && __atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != CPU_ONLINE; i++)
		tsc_delay_us(100);
	if (c->state != CPU_ONLINE) {
		c->state = CPU_FAILED;
		klog(LOG_ERR, "smp: cpu%u (APIC %u) did not come online", c->idx, c->apic_id);
		return -1;
	}
	return 0;
}

static void ping_isr(struct regs *r)
{
	(void)r;
	this_cpu()->pings++;
	lapic_eoi();
}

int smp_ping(uint32_t idx, uint64_t us)
{
	struct cpu *c = &cpus[idx];
	if (c->state != CPU_ONLINE)
		return -1;
	if (idx == cpu_self_index())
		return 0;
	uint64_t before = __atomic_load_n(&c->pings, __ATOMIC_ACQUIRE);
	lapic_send_ipi(c->apic_id, LAPIC_IPI_PING_VECTOR);
	for (uint64_t i = 0; i < us; i += 10) {
		if (__atomic_load_n(&c->pings, __ATOMIC_ACQUIRE) != before)
			return 0;
		tsc_delay_us(10);
	}
	return -1;
}

int smp_init(struct boot_info *bi)
{
	uint32_t me = lapic_id();
	int online = 1;

	idt_set_handler(LAPIC_IPI_PING_VECTOR, ping_isr);
	/* cpus[] was sized by kmain from the MADT; cpu0 is the BSP. */
	if (!bi->trampoline || ncpus < 2)
		return online;
	uint8_t *t = (uint8_t *)(uintptr_t)bi->trampoline;
	size_t len = (size_t)(trampoline_end - trampoline_start);
	memcpy(t, trampoline_start, len);
	uint32_t base = (uint32_t)bi->trampoline;
	/* The blob holds offsets from its start; make them linear addresses. */
	*(uint32_t *)(t + T_GDT_BASE) += base;
	*(uint32_t *)(t + T_PM_PTR) += base;
	*(uint32_t *)(t + T_LM_PTR) += base;
	*(uint32_t *)(t + T_CR3) = (uint32_t)paging_cr3();
	*(uint64_t *)(t + T_ENTRY) = (uint64_t)(uintptr_t)ap_main;

	for (uint32_t i = 1; i < ncpus; i++) {
		if (cpus[i].apic_id == me)
			continue;
		if (start_ap(bi, &cpus[i]) == 0)
			online++;
	}
	klog(LOG_INFO, "smp: %d of %u CPUs online", online, ncpus);
	return online;
}
