/* Local APIC driver. x2APIC is used when CPUID.1:ECX[21] offers it: MSR
 * access needs no mapping and IDs are 32 bits (SDM Vol. 3A §10.12). */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/tsc.h"
#include "console/klog.h"

#define REG_ID 0x20
#define REG_TPR 0x80
#define REG_EOI 0xb0
#define REG_SVR 0xf0
#define REG_ESR 0x280
#define REG_ICR_LO 0x300
#define REG_ICR_HI 0x310
#define REG_LVT_TIMER 0x320
#define REG_LVT_LINT0 0x350
#define REG_LVT_LINT1 0x360
#define REG_LVT_ERROR 0x370
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CUR 0x390
#define REG_TIMER_DIV 0x3e0

#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_X2 (1ull << 10)

static volatile uint32_t *mmio;
static int x2;
static uint32_t ticks_per_period; /* timer count per 1/APIC_TIMER_HZ s, divide by 16 */

static uint32_t rd(uint32_t reg)
{
	if (x2)
		return (uint32_t)rdmsr(0x800 + (reg >> 4));
	return mmio[reg / 4];
}

static void wr(uint32_t reg, uint32_t v)
{
	if (x2)
		wrmsr(0x800 + (reg >> 4), v);
	else
		mmio[reg / 4] = v;
}

int apic_x2apic(void) { return x2; }

void apic_init_bsp(uint64_t base)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	x2 = !!(r[2] & (1u << 21));
	if (!base)
		base = rdmsr(MSR_APIC_BASE) & ~0xfffull;
	mmio = (volatile uint32_t *)(uintptr_t)base;
	klog(LOG_INFO, "lapic: %s mode%s", x2 ? "x2APIC" : "xAPIC",
	     x2 ? "" : " (CPUID.1:ECX.x2APIC=0)");
}

void apic_init_cpu(void)
{
	uint64_t b = rdmsr(MSR_APIC_BASE) | APIC_BASE_EN;
	/* xAPIC -> x2APIC is a legal transition; the reverse needs a disable. */
	if (x2)
		b |= APIC_BASE_X2;
	wrmsr(MSR_APIC_BASE, b);
	wr(REG_TPR, 0);
	wr(REG_LVT_LINT0, 1u << 16); /* masked: the 8259 is not used */
	wr(REG_LVT_LINT1, 4u << 8); /* NMI */
	wr(REG_LVT_ERROR, 1u << 16);
	wr(REG_LVT_TIMER, 1u << 16);
	wr(REG_SVR, 0x100 | APIC_SPURIOUS_VECTOR);
	wr(REG_ESR, 0);
	apic_eoi();
}

uint32_t apic_id(void)
{
	uint32_t v = rd(REG_ID);
	return x2 ? v : v >> 24;
}

void apic_eoi(void) { wr(REG_EOI, 0); }

static void icr(uint32_t dest, uint32_t lo)
{
	if (x2) {
		wrmsr(0x830, ((uint64_t)dest << 32) | lo);
		return;
	}
	while (rd(REG_ICR_LO) & (1u << 12)) /* delivery pending */
		cpu_relax();
	wr(REG_ICR_HI, dest << 24);
	wr(REG_ICR_LO, lo);
	while (rd(REG_ICR_LO) & (1u << 12))
		cpu_relax();
}

void apic_send_ipi(uint32_t apic_id, uint8_t vector) { icr(apic_id, vector); }
/* INIT and Start-up, level assert (SDM Vol. 3A §10.6.1, Table 10-1). */
void apic_send_init(uint32_t apic_id) { icr(apic_id, 0x4500); }
void apic_send_sipi(uint32_t apic_id, uint8_t page) { icr(apic_id, 0x4600 | page); }

/* The same with the all-excluding-self shorthand, when no MADT lists the CPUs. */
void apic_send_init_all(void) { icr(0, (3u << 18) | 0x4500); }
void apic_send_sipi_all(uint8_t page) { icr(0, (3u << 18) | 0x4600 | page); }

void apic_nmi_others(void)
{
	if (!mmio && !x2)
		return;
	icr(0, (3u << 18) | (4u << 8) | (1u << 14)); /* all excluding self, NMI */
}

void apic_timer_calibrate(void)
{
	wr(REG_TIMER_DIV, 3); /* divide by 16 */
	wr(REG_LVT_TIMER, 1u << 16);
	wr(REG_TIMER_INIT, 0xffffffffu);
	tsc_delay_us(10000);
	uint32_t used = 0xffffffffu - rd(REG_TIMER_CUR);
	wr(REG_TIMER_INIT, 0);
	ticks_per_period = (uint32_t)((uint64_t)used * 100 / APIC_TIMER_HZ);
	if (!ticks_per_period)
		ticks_per_period = 1;
	klog(LOG_INFO, "lapic: timer %llu kHz (after divide by 16)",
	     (unsigned long long)used * 100 / 1000);
}

void apic_timer_start(void)
{
	wr(REG_TIMER_DIV, 3);
	wr(REG_LVT_TIMER, (1u << 17) | APIC_TIMER_VECTOR); /* periodic */
	wr(REG_TIMER_INIT, ticks_per_period);
}

uint32_t apic_timer_hz_ticks(void) { return ticks_per_period; }
