/* Multiprocessor start-up (SDM Vol. 3A §8.4.4.1): INIT-SIPI-SIPI to each AP
 * the MADT lists, or one broadcast when there is no MADT (OVMF under Bochs
 * installs no ACPI tables). Each AP takes a number in the trampoline, gets
 * the stack and struct cpu of that number, registers its APIC ID, and idles
 * in HLT until an IPI or its timer tick. */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/mem.h"
#include "arch/x86_64/panic.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/vtx.h"
#include "boot/bootinfo.h"
#include "console/klog.h"

#define NOACPI_MAX_CPUS 64

struct cpu *cpus;
uint32_t ncpus;
static int percpu_ready;
static volatile uint32_t *tramp_counter;

/* Offsets of the fields in trampoline.asm. */
#define T_GDT_BASE 10
#define T_PM_PTR 16
#define T_LM_PTR 24
#define T_CR3 32
#define T_STACKS 40
#define T_ENTRY 48
#define T_COUNTER 56
#define T_MAX 60

extern const uint8_t trampoline_start[], trampoline_end[];

uint32_t cpu_self_index(void) { return percpu_ready ? this_cpu()->idx : 0; }

void percpu_install(struct cpu *c)
{
	c->self = c;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
	percpu_ready = 1;
}

int cpu_prepare(struct cpu *c)
{
	for (int i = 0; i < 3; i++) {
		char *s = memalign(64, ISTACK_SIZE);
		if (!s)
			return -1;
		c->ist[i] = s + ISTACK_SIZE;
	}
	return 0;
}

void cpu_setup(struct cpu *c)
{
	percpu_install(c); /* malloc's lock needs to know who we are */
	if (!c->ist[0] && cpu_prepare(c))
		panic("cpu%u: no memory for interrupt stacks", c->idx);
	gdt_load(&c->gdt, c->ist); /* reloading GS zeroes its base: install again */
	idt_load();
	percpu_install(c);
	apic_init_cpu();
	vtx_probe(c);
}

/* 64-bit entry of AP number n (trampoline.asm jumps here on its stack). */
static void ap_main(uint32_t n)
{
	struct cpu *c = &cpus[n];
	c->idx = n;
	c->stack_hi = (uint64_t)(uintptr_t)__builtin_frame_address(0);
	c->stack_lo = c->stack_hi - KSTACK_SIZE;
	cpu_setup(c);
	c->apic_id = apic_id();
	apic_timer_start();
	__atomic_store_n(&c->state, CPU_ONLINE, __ATOMIC_RELEASE);
	for (;;) {
		void (*fn)(void *) = __atomic_exchange_n(&c->work, NULL, __ATOMIC_ACQ_REL);
		if (fn)
			fn(c->work_arg);
		cli();
		if (!c->work)
			sti_hlt(); /* a wake IPI or the timer tick ends the HLT */
		sti();
	}
}

static void wake_isr(struct regs *r)
{
	(void)r;
	apic_eoi();
}

int smp_run_on(uint32_t idx, void (*fn)(void *), void *arg)
{
	if (idx >= ncpus || idx == cpu_self_index() || cpus[idx].state != CPU_ONLINE)
		return -1;
	struct cpu *c = &cpus[idx];
	if (c->work)
		return -1; /* busy with earlier work (only the BSP hands out work) */
	c->work_arg = arg;
	__atomic_store_n(&c->work, fn, __ATOMIC_RELEASE);
	apic_send_ipi(c->apic_id, APIC_IPI_WAKE_VECTOR);
	return 0;
}

static void ping_isr(struct regs *r)
{
	(void)r;
	this_cpu()->pings++;
	apic_eoi();
}

int smp_ping(uint32_t idx, uint64_t us)
{
	struct cpu *c = &cpus[idx];
	if (c->state != CPU_ONLINE)
		return -1;
	if (idx == cpu_self_index())
		return 0;
	uint64_t before = __atomic_load_n(&c->pings, __ATOMIC_ACQUIRE);
	apic_send_ipi(c->apic_id, APIC_IPI_PING_VECTOR);
	for (uint64_t i = 0; i < us; i += 10) {
		if (__atomic_load_n(&c->pings, __ATOMIC_ACQUIRE) != before)
			return 0;
		tsc_delay_us(10);
	}
	return -1;
}

static uint32_t arrived(void) { return __atomic_load_n(tramp_counter, __ATOMIC_ACQUIRE) - 1; }

/* Waits until `want` APs have taken a number and all of those are online. */
static int wait_online(uint32_t want, uint64_t us)
{
	for (uint64_t t = 0; t < us; t += 100) {
		uint32_t n = arrived(), ok = 0;
		for (uint32_t i = 1; i <= n && i < ncpus; i++)
			ok += cpus[i].state == CPU_ONLINE;
		if (n >= want && ok == n)
			return 0;
		tsc_delay_us(100);
	}
	return -1;
}

static void start_one(struct boot_info *bi, uint32_t apic_id)
{
	uint32_t before = arrived();
	apic_send_init(apic_id);
	tsc_delay_us(10000);
	for (int i = 0; i < 2 && arrived() == before; i++) {
		apic_send_sipi(apic_id, (uint8_t)(bi->trampoline >> 12));
		tsc_delay_us(200);
	}
	/* Up to a second: emulators can be slow to schedule a new vCPU. */
	if (wait_online(before + 1, 1000000))
		klog(LOG_ERR, "smp: CPU with APIC ID %u did not come online", apic_id);
}

static void start_all(struct boot_info *bi)
{
	apic_send_init_all();
	tsc_delay_us(10000);
	apic_send_sipi_all((uint8_t)(bi->trampoline >> 12));
	tsc_delay_us(200);
	apic_send_sipi_all((uint8_t)(bi->trampoline >> 12));
	/* Nobody tells us how many will answer: wait until arrivals stop. */
	uint32_t seen = 0;
	for (int quiet = 0; quiet < 5;) {
		tsc_delay_us(20000);
		uint32_t n = arrived();
		quiet = n == seen ? quiet + 1 : 0;
		seen = n;
	}
	wait_online(seen, 1000000);
}

/* One slot per CPU the MADT lists, or room for a broadcast start. Slots never
 * move: each CPU's GS base points into this array. */
void smp_alloc_cpus(void)
{
	ncpus = acpi.ncpus ? (uint32_t)acpi.ncpus : NOACPI_MAX_CPUS;
	cpus = calloc(ncpus, sizeof(*cpus));
	if (!cpus)
		panic("no memory for per-CPU data");
}

int smp_init(struct boot_info *bi)
{
	uint32_t me = apic_id(), slots = ncpus;

	idt_set_handler(APIC_IPI_PING_VECTOR, ping_isr);
	idt_set_handler(APIC_IPI_WAKE_VECTOR, wake_isr);
	if (!bi->trampoline || slots < 2) {
		ncpus = 1;
		return 1;
	}
	char *stacks = memalign(64, (size_t)(slots - 1) * KSTACK_SIZE);
	if (!stacks) {
		klog(LOG_ERR, "smp: no memory for AP stacks; running on one CPU");
		ncpus = 1;
		return 1;
	}
	uint8_t *t = (uint8_t *)(uintptr_t)bi->trampoline;
	memcpy(t, trampoline_start, (size_t)(trampoline_end - trampoline_start));
	uint32_t base = (uint32_t)bi->trampoline;
	/* The blob holds offsets from its start; make them linear addresses. */
	*(uint32_t *)(t + T_GDT_BASE) += base;
	*(uint32_t *)(t + T_PM_PTR) += base;
	*(uint32_t *)(t + T_LM_PTR) += base;
	*(uint32_t *)(t + T_CR3) = (uint32_t)paging_cr3();
	*(uint64_t *)(t + T_STACKS) = (uint64_t)(uintptr_t)stacks; /* AP n: stacks + n*64K */
	*(uint64_t *)(t + T_ENTRY) = (uint64_t)(uintptr_t)ap_main;
	*(uint32_t *)(t + T_MAX) = slots;
	tramp_counter = (volatile uint32_t *)(t + T_COUNTER);
	*tramp_counter = 1;
	/* AP n's stack ends at stacks + n*64K, so AP 1 uses the first 64K. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	if (acpi.ncpus) {
		for (int i = 0; i < acpi.ncpus; i++)
			if (acpi.cpu_apic_id[i] != me)
				start_one(bi, acpi.cpu_apic_id[i]);
	} else {
		klog(LOG_WARN, "smp: no MADT; waking every CPU with a broadcast SIPI");
		start_all(bi);
	}
	uint32_t n = arrived() + 1, online = 1;
	if (!acpi.ncpus)
		ncpus = n;
	for (uint32_t i = 1; i < ncpus; i++)
		online += cpus[i].state == CPU_ONLINE;
	klog(LOG_INFO, "smp: %u of %u CPUs online", online, acpi.ncpus ? (uint32_t)acpi.ncpus : n);
	return (int)online;
}
