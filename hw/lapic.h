/*
 * hw/lapic.h - the local APIC of one vCPU (xAPIC and x2APIC).
 *
 * Registers are reached as the xAPIC 4 KiB MMIO page (lapic_mmio_ops, or
 * lapic_mmio_read/write from the vCPU's exit handler, since every vCPU has
 * its own page at the same address) and as x2APIC MSRs 0x800-0x8ff
 * through lapic_msr_read/write, which also serve IA32_APIC_BASE and
 * IA32_TSC_DEADLINE. The board wires the outside through struct
 * lapic_config: IPIs go out through send_ipi(), EOIs of level-triggered
 * vectors through eoi_broadcast(), and interrupts reach this LAPIC through
 * lapic_deliver(). The run loop asks lapic_has_interrupt() and takes a
 * vector with lapic_get_interrupt(); INIT, SIPI and NMI wait as events
 * for lapic_take_init(), lapic_take_sipi() and lapic_take_nmi().
 */
#ifndef KEEL_HW_LAPIC_H
#define KEEL_HW_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw_env.h"
#include "vm/bus.h"

#define LAPIC_DEFAULT_BASE 0xfee00000ULL
#define LAPIC_MMIO_SIZE    0x1000
#define LAPIC_VERSION      0x14 /* integrated APIC, as QEMU reports */
#define LAPIC_LVT_COUNT    6    /* timer, thermal, perf, LINT0, LINT1, error */

/* MSRs (SDM Vol. 3A 10.4.4, 10.5.4.1, 10.12.1.2) */
#define LAPIC_MSR_APIC_BASE   0x1b
#define LAPIC_MSR_TSC_DEADLINE 0x6e0
#define LAPIC_MSR_X2APIC      0x800 /* 0x800 + (MMIO offset >> 4) */
#define LAPIC_MSR_X2APIC_LAST 0x8ff

/* IA32_APIC_BASE bits */
#define LAPIC_BASE_BSP    (1ULL << 8)
#define LAPIC_BASE_EXTD   (1ULL << 10) /* x2APIC mode */
#define LAPIC_BASE_EN     (1ULL << 11) /* global enable */
#define LAPIC_BASE_ADDR   0x000ffffffffff000ULL

/* Register offsets in the xAPIC page (SDM Vol. 3A table 10-1) */
enum {
	LAPIC_ID = 0x020, LAPIC_VER = 0x030, LAPIC_TPR = 0x080,
	LAPIC_APR = 0x090, LAPIC_PPR = 0x0a0, LAPIC_EOI = 0x0b0,
	LAPIC_RRD = 0x0c0, LAPIC_LDR = 0x0d0, LAPIC_DFR = 0x0e0,
	LAPIC_SVR = 0x0f0, LAPIC_ISR = 0x100, LAPIC_TMR = 0x180,
	LAPIC_IRR = 0x200, LAPIC_ESR = 0x280, LAPIC_ICR = 0x300,
	LAPIC_ICR2 = 0x310, LAPIC_LVT_TIMER = 0x320, LAPIC_LVT_THERMAL = 0x330,
	LAPIC_LVT_PERF = 0x340, LAPIC_LVT_LINT0 = 0x350,
	LAPIC_LVT_LINT1 = 0x360, LAPIC_LVT_ERROR = 0x370, LAPIC_TMICT = 0x380,
	LAPIC_TMCCT = 0x390, LAPIC_TDCR = 0x3e0, LAPIC_SELF_IPI = 0x3f0,
};

/* Delivery modes (ICR, LVT, IOAPIC redirection entries) */
enum {
	LAPIC_DM_FIXED = 0, LAPIC_DM_LOWEST = 1, LAPIC_DM_SMI = 2,
	LAPIC_DM_NMI = 4, LAPIC_DM_INIT = 5, LAPIC_DM_SIPI = 6,
	LAPIC_DM_EXTINT = 7,
};

/* ICR destination shorthands, bits 19:18 */
enum {
	LAPIC_SH_NONE = 0, LAPIC_SH_SELF = 1, LAPIC_SH_ALL = 2,
	LAPIC_SH_OTHERS = 3,
};

#define LAPIC_SVR_ENABLE   0x100
#define LAPIC_LVT_MASKED   0x10000
#define LAPIC_LVT_LEVEL    0x8000
#define LAPIC_TIMER_ONESHOT  0
#define LAPIC_TIMER_PERIODIC 1
#define LAPIC_TIMER_TSC      2

/* Result of an MSR access: LAPIC_GP means "inject #GP(0)". */
enum lapic_result { LAPIC_OK = 0, LAPIC_GP = 1 };

struct lapic_config {
	uint32_t apic_id;   /* initial APIC ID (x2APIC: all 32 bits) */
	bool bsp;           /* IA32_APIC_BASE.BSP */
	uint32_t bus_hz;    /* timer input clock; 0 = 1 GHz, as QEMU */
	uint32_t tsc_hz;    /* guest TSC rate, TSC = 0 at VM clock 0; 0 = 1 GHz */
	/*
	 * Send an IPI written to the ICR. dest is the 8-bit (xAPIC) or
	 * 32-bit (x2APIC) destination, dest_mode 0 physical / 1 logical,
	 * shorthand LAPIC_SH_*, mode LAPIC_DM_*. The board delivers it,
	 * to this LAPIC too for SELF and ALL.
	 */
	void (*send_ipi)(void *opaque, uint32_t dest, unsigned int dest_mode,
			 unsigned int shorthand, unsigned int mode,
			 uint8_t vector);
	/* EOI of a level-triggered vector: the board calls ioapic_eoi(). */
	void (*eoi_broadcast)(void *opaque, uint8_t vector);
	/* Something became pending (interrupt, NMI, INIT, SIPI): kick. */
	void (*notify)(void *opaque);
	void *opaque;
};

/* Guest-visible state (what a snapshot saves). */
struct lapic_state {
	uint64_t apic_base;
	uint32_t id;            /* full APIC ID; xAPIC reads bits 7:0 << 24 */
	uint32_t tpr, ldr, dfr, svr;
	uint32_t esr;           /* as read: latched by the last ESR write */
	uint32_t esr_pending;   /* errors since that write */
	uint32_t irr[8], isr[8], tmr[8];
	uint32_t icr_lo, icr_hi;
	uint32_t lvt[LAPIC_LVT_COUNT];
	uint32_t initial_count, divide_conf;
	uint64_t timer_load_ns; /* VM clock when the count was loaded */
	uint64_t tsc_deadline;  /* armed deadline, TSC ticks; 0 = disarmed */
	uint8_t oneshot_fired;  /* the one-shot count loaded last has fired */
	uint8_t lint_level[2];
	uint8_t init_pending, sipi_pending, sipi_vector, nmi_pending;
};

struct lapic {
	struct lapic_state s;
	const struct hw_env *env;
	struct lapic_config cfg;
	struct timerq_timer timer;
	uint64_t timer_fired;   /* timer interrupts raised, for statistics */
	uint64_t timer_loads;   /* initial-count writes, for statistics */
};

void lapic_init(struct lapic *l, const struct hw_env *env,
		const struct lapic_config *cfg);
void lapic_reset(struct lapic *l);       /* power-on RESET */
void lapic_init_reset(struct lapic *l);  /* INIT: keeps ID and APIC base */

bool lapic_hw_enabled(const struct lapic *l);    /* APIC_BASE.EN */
bool lapic_x2apic_mode(const struct lapic *l);   /* APIC_BASE.EXTD */
bool lapic_sw_enabled(const struct lapic *l);    /* SVR bit 8 */
uint64_t lapic_base_addr(const struct lapic *l); /* MMIO page, GPA */

/* True when gpa falls in this vCPU's xAPIC page (xAPIC mode only). */
bool lapic_mmio_claims(const struct lapic *l, uint64_t gpa);
uint64_t lapic_mmio_read(struct lapic *l, uint64_t off, unsigned int size);
void lapic_mmio_write(struct lapic *l, uint64_t off, unsigned int size,
		      uint64_t val);

/* IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC range. */
enum lapic_result lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *val);
enum lapic_result lapic_msr_write(struct lapic *l, uint32_t msr, uint64_t val);

/* CR8 is TPR[7:4] (SDM Vol. 3A 10.8.6.1). */
uint8_t lapic_get_cr8(const struct lapic *l);
void lapic_set_cr8(struct lapic *l, uint8_t cr8);
/* For a VT-x TPR shadow: the whole TPR byte, and the threshold to exit at. */
void lapic_set_tpr(struct lapic *l, uint8_t tpr);
uint8_t lapic_tpr_threshold(const struct lapic *l);

/* Does an interrupt message for (dest, dest_mode) address this LAPIC? */
bool lapic_match_dest(const struct lapic *l, uint32_t dest,
		      unsigned int dest_mode);

/* An interrupt message accepted by this LAPIC (trigger 1 = level). */
void lapic_deliver(struct lapic *l, unsigned int mode, uint8_t vector,
		   unsigned int trigger);

/* LINT0/LINT1 input pins. */
void lapic_set_lint(struct lapic *l, unsigned int pin, bool level);
/* Does the CPU take INTR from the 8259 (LINT0 ExtINT, or APIC off)? */
bool lapic_accept_pic_intr(const struct lapic *l);

/* CPU side: a vector that beats PPR is pending in IRR. */
bool lapic_has_interrupt(const struct lapic *l);
/* INTA: highest IRR -> ISR; -1 if none, the spurious vector if PPR won. */
int lapic_get_interrupt(struct lapic *l);

bool lapic_take_init(struct lapic *l);
bool lapic_take_sipi(struct lapic *l, uint8_t *vector);
bool lapic_take_nmi(struct lapic *l);

extern const struct bus_ops lapic_mmio_ops; /* LAPIC_MMIO_SIZE, dev = l */

/* Register the xAPIC page at the current APIC base (one-vCPU buses). */
int lapic_attach(struct lapic *l, struct bus *mmio)
	__attribute__((warn_unused_result));

#endif
