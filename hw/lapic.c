/*
 * hw/lapic.c - local APIC of one vCPU.
 *
 * Reference: Intel SDM Vol. 3A chapter 10 "Advanced Programmable Interrupt
 * Controller (APIC)": 10.4.3 enabling/disabling (IA32_APIC_BASE.EN), 10.4.4
 * IA32_APIC_BASE, 10.4.6 APIC ID, 10.4.7.2 software disable (SVR bit 8),
 * 10.4.7.3 INIT reset, 10.4.8 version register, 10.5.1 LVT, 10.5.3 ESR,
 * 10.5.4 timer (divide configuration, one-shot, periodic) and 10.5.4.1
 * TSC-deadline mode, 10.6.1 ICR, 10.6.2 destination modes (flat/cluster
 * logical), 10.8.3.1 TPR/PPR, 10.8.4 interrupt acceptance (IRR->ISR),
 * 10.8.5 EOI (and broadcast of level-triggered EOIs to the I/O APICs),
 * 10.8.6.1 CR8, 10.9 spurious interrupt, 10.12 x2APIC (10.12.1.2 MSR
 * address space and its #GP rules, 10.12.5 state transitions, 10.12.9 ICR,
 * 10.12.10 derived logical ID, 10.12.11 SELF IPI).
 *
 * Where the SDM leaves a choice QEMU's apic is followed: version 0x14 with
 * six LVT entries, a 1 GHz timer input clock, LINT0 of the BSP set to
 * ExtINT at power-on (so the 8259 reaches it), fixed interrupts to a
 * software-disabled APIC dropped, and the spurious vector returned by an
 * INTA that PPR has overtaken.
 */
#include "hw/lapic.h"
#include "hw/lapic_int.h"

#include <string.h> /* memset */

/* Writable bits of each LVT entry (SDM Vol. 3A figure 10-8). */
static const uint32_t lapic_lvt_mask[LAPIC_LVT_COUNT] = {
	0x700ff, 0x107ff, 0x107ff, 0x1a7ff, 0x1a7ff, 0x100ff,
};

/* ---- 256-bit registers and priorities ----------------------------------- */

static int lapic_highest(const uint32_t *reg)
{
	int i;

	for (i = 7; i >= 0; i--)
		if (reg[i])
			return i * 32 + 31 - __builtin_clz(reg[i]);
	return -1;
}

static void bit_set(uint32_t *reg, uint8_t v)
{
	reg[v >> 5] |= 1u << (v & 31);
}

static void bit_clear(uint32_t *reg, uint8_t v)
{
	reg[v >> 5] &= ~(1u << (v & 31));
}

static bool bit_test(const uint32_t *reg, uint8_t v)
{
	return reg[v >> 5] & (1u << (v & 31));
}

/* PPR (SDM 10.8.3.1): TPR if its class is not below the ISR's, else ISRV[7:4]. */
uint32_t lapic_ppr(const struct lapic *l)
{
	int isrv = lapic_highest(l->s.isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	if ((l->s.tpr & 0xf0) >= isr_class)
		return l->s.tpr & 0xff;
	return isr_class;
}

bool lapic_hw_enabled(const struct lapic *l)
{
	return l->s.apic_base & LAPIC_BASE_EN;
}

bool lapic_x2apic_mode(const struct lapic *l)
{
	return l->s.apic_base & LAPIC_BASE_EXTD;
}

bool lapic_sw_enabled(const struct lapic *l)
{
	return l->s.svr & LAPIC_SVR_ENABLE;
}

uint64_t lapic_base_addr(const struct lapic *l)
{
	return l->s.apic_base & LAPIC_BASE_ADDR;
}

bool lapic_has_interrupt(const struct lapic *l)
{
	int irrv = lapic_highest(l->s.irr);

	if (!lapic_hw_enabled(l) || !lapic_sw_enabled(l) || irrv < 0)
		return false;
	return ((uint32_t)irrv & 0xf0) > (lapic_ppr(l) & 0xf0);
}

void lapic_notify(struct lapic *l)
{
	if (l->cfg.notify)
		l->cfg.notify(l->cfg.opaque);
}


/* Accept a fixed interrupt into IRR (SDM 10.8.4); trigger 1 sets TMR. */
void lapic_accept(struct lapic *l, uint8_t vector, unsigned int trigger)
{
	if (vector < 16) {
		lapic_error(l, LAPIC_ESR_RECV_ILLEGAL);
		return;
	}
	if (!lapic_sw_enabled(l))
		return;
	bit_set(l->s.irr, vector);
	if (trigger)
		bit_set(l->s.tmr, vector);
	else
		bit_clear(l->s.tmr, vector);
	if (lapic_has_interrupt(l))
		lapic_notify(l);
}

/* ESR bits accumulate until the next ESR write; the error LVT signals. */
void lapic_error(struct lapic *l, uint32_t bits)
{
	uint32_t lvt = l->s.lvt[LVT_ERROR];

	l->s.esr_pending |= bits;
	if (!(lvt & LAPIC_LVT_MASKED) && (lvt & 0xff) >= 16)
		lapic_accept(l, lvt & 0xff, 0);
}

int lapic_get_interrupt(struct lapic *l)
{
	int irrv = lapic_highest(l->s.irr);

	if (!lapic_hw_enabled(l) || !lapic_sw_enabled(l) || irrv < 0)
		return -1;
	if (((uint32_t)irrv & 0xf0) <= (lapic_ppr(l) & 0xf0))
		return l->s.svr & 0xff; /* spurious (SDM 10.9) */
	bit_clear(l->s.irr, (uint8_t)irrv);
	bit_set(l->s.isr, (uint8_t)irrv);
	return irrv;
}

void lapic_eoi(struct lapic *l)
{
	int isrv = lapic_highest(l->s.isr);

	if (isrv < 0)
		return;
	bit_clear(l->s.isr, (uint8_t)isrv);
	if (bit_test(l->s.tmr, (uint8_t)isrv) && l->cfg.eoi_broadcast)
		l->cfg.eoi_broadcast(l->cfg.opaque, (uint8_t)isrv);
	if (lapic_has_interrupt(l))
		lapic_notify(l);
}

uint8_t lapic_get_cr8(const struct lapic *l)
{
	return (l->s.tpr >> 4) & 0xf;
}

void lapic_set_cr8(struct lapic *l, uint8_t cr8)
{
	l->s.tpr = (uint32_t)(cr8 & 0xf) << 4;
	if (lapic_has_interrupt(l))
		lapic_notify(l);
}

/* ---- timer (SDM 10.5.4) ------------------------------------------------- */

/* TPR as a VT-x TPR shadow (virtual-APIC page offset 0x80) reports it. */
void lapic_set_tpr(struct lapic *l, uint8_t tpr)
{
	l->s.tpr = tpr;
	if (lapic_has_interrupt(l))
		lapic_notify(l);
}

/* The TPR threshold for VT-x (SDM Vol. 3C 29.1.2): the priority class of
 * the highest interrupt that waits only because of the TPR, so lowering
 * the TPR below it exits and delivers it; 0 when none waits. */
uint8_t lapic_tpr_threshold(const struct lapic *l)
{
	int irrv = lapic_highest(l->s.irr), isrv = lapic_highest(l->s.isr);
	if (!lapic_hw_enabled(l) || !lapic_sw_enabled(l) || irrv < 0)
		return 0;
	uint32_t irr_class = (uint32_t)irrv >> 4, tpr_class = (l->s.tpr >> 4) & 0xf;
	if (isrv >= 0 && irr_class <= ((uint32_t)isrv >> 4))
		return 0; /* the ISR holds it back: the EOI, not the TPR, frees it */
	return irr_class <= tpr_class ? (uint8_t)irr_class : 0;
}

unsigned int lapic_timer_mode(const struct lapic *l)
{
	return (l->s.lvt[LVT_TIMER] >> 17) & 3;
}

static uint32_t lapic_bus_hz(const struct lapic *l)
{
	return l->cfg.bus_hz ? l->cfg.bus_hz : NS_PER_SEC;
}

static uint32_t lapic_tsc_hz(const struct lapic *l)
{
	return l->cfg.tsc_hz ? l->cfg.tsc_hz : NS_PER_SEC;
}

/* Divide configuration bits 3,1:0: 000 = 2 ... 110 = 128, 111 = 1. */
static uint64_t lapic_divisor(const struct lapic *l)
{
	uint32_t v = (l->s.divide_conf & 3) | ((l->s.divide_conf >> 1) & 4);

	return v == 7 ? 1 : 2u << v;
}

/* Counter decrements since the count was loaded. */
static uint64_t lapic_timer_ticks(const struct lapic *l, uint64_t now)
{
	uint64_t elapsed = now > l->s.timer_load_ns ? now - l->s.timer_load_ns
						    : 0;

	return hw_muldiv64(elapsed, lapic_bus_hz(l), NS_PER_SEC) /
	       lapic_divisor(l);
}

/* VM clock at which the counter has decremented ticks times. */
static uint64_t lapic_timer_ns(const struct lapic *l, uint64_t ticks)
{
	return l->s.timer_load_ns +
	       hw_muldiv64_ceil(ticks * lapic_divisor(l), NS_PER_SEC,
				lapic_bus_hz(l));
}

uint32_t lapic_current_count(const struct lapic *l)
{
	uint64_t ticks;

	if (lapic_timer_mode(l) == LAPIC_TIMER_TSC || !l->s.initial_count)
		return 0;
	ticks = lapic_timer_ticks(l, hw_clock_ns(l->env));
	if (lapic_timer_mode(l) == LAPIC_TIMER_PERIODIC)
		return l->s.initial_count - (uint32_t)(ticks % l->s.initial_count);
	return ticks >= l->s.initial_count ? 0
					   : l->s.initial_count - (uint32_t)ticks;
}

static uint64_t lapic_tsc_to_ns(const struct lapic *l, uint64_t tsc)
{
	return hw_muldiv64_ceil(tsc, NS_PER_SEC, lapic_tsc_hz(l));
}

/* Arm the host timer for the next expiry of the current programming. */
void lapic_timer_update(struct lapic *l)
{
	uint64_t now = hw_clock_ns(l->env), ticks, init = l->s.initial_count;

	if (lapic_timer_mode(l) == LAPIC_TIMER_TSC) {
		if (l->s.tsc_deadline)
			hw_timer_arm(l->env, &l->timer,
				     lapic_tsc_to_ns(l, l->s.tsc_deadline));
		else
			hw_timer_cancel(l->env, &l->timer);
		return;
	}
	if (!init) {
		hw_timer_cancel(l->env, &l->timer);
		return;
	}
	ticks = lapic_timer_ticks(l, now);
	/* A one-shot count fires once even when it has already run out by
	 * now: on a slow host the clock moves between the TMICT write and
	 * this line, and Linux loads counts of a few dozen ticks. Dropping
	 * that interrupt stopped its tick for good. */
	if (lapic_timer_mode(l) == LAPIC_TIMER_PERIODIC)
		hw_timer_arm(l->env, &l->timer,
			     lapic_timer_ns(l, (ticks / init + 1) * init));
	else if (!l->s.oneshot_fired)
		hw_timer_arm(l->env, &l->timer, lapic_timer_ns(l, init));
	else
		hw_timer_cancel(l->env, &l->timer);
}

static void lapic_timer_fire(void *opaque)
{
	struct lapic *l = opaque;
	uint32_t lvt = l->s.lvt[LVT_TIMER];

	if (lapic_timer_mode(l) == LAPIC_TIMER_TSC) {
		if (!l->s.tsc_deadline)
			return;
		l->s.tsc_deadline = 0; /* disarms itself (10.5.4.1) */
	}
	l->timer_fired++;
	if (lapic_timer_mode(l) == LAPIC_TIMER_ONESHOT)
		l->s.oneshot_fired = 1;
	if (!(lvt & LAPIC_LVT_MASKED))
		lapic_accept(l, lvt & 0xff, 0);
	if (lapic_timer_mode(l) == LAPIC_TIMER_PERIODIC)
		lapic_timer_update(l);
}

void lapic_set_tsc_deadline(struct lapic *l, uint64_t tsc)
{
	uint64_t now_tsc;

	if (lapic_timer_mode(l) != LAPIC_TIMER_TSC)
		return; /* ignored outside TSC-deadline mode */
	l->s.tsc_deadline = tsc;
	now_tsc = hw_muldiv64(hw_clock_ns(l->env), lapic_tsc_hz(l), NS_PER_SEC);
	if (tsc && tsc <= now_tsc) {
		hw_timer_cancel(l->env, &l->timer);
		lapic_timer_fire(l); /* a past deadline fires at once */
		return;
	}
	lapic_timer_update(l);
}

void lapic_write_lvt(struct lapic *l, unsigned int n, uint32_t val)
{
	unsigned int old_mode = lapic_timer_mode(l);

	val &= lapic_lvt_mask[n];
	if (n == LVT_TIMER && ((val >> 17) & 3) == 3)
		val &= ~(3u << 17); /* reserved mode: treat as one-shot */
	if (!lapic_sw_enabled(l))
		val |= LAPIC_LVT_MASKED; /* 10.4.7.2: masks stay set */
	/* keep the read-only Remote IRR of LINT0/1 */
	if (n == LVT_LINT0 || n == LVT_LINT1)
		val = (val & ~0x4000u) | (l->s.lvt[n] & 0x4000u);
	l->s.lvt[n] = val;
	if (n != LVT_TIMER)
		return;
	if (old_mode == LAPIC_TIMER_PERIODIC && lapic_timer_mode(l) == LAPIC_TIMER_ONESHOT &&
	    l->s.initial_count) {
		/* the counter goes on from where the current period is, and
		 * stops at zero (10.5.4) */
		uint64_t init = l->s.initial_count;
		uint64_t ticks = lapic_timer_ticks(l, hw_clock_ns(l->env));
		l->s.timer_load_ns = lapic_timer_ns(l, ticks / init * init);
		l->s.oneshot_fired = 0;
	}
	if ((old_mode == LAPIC_TIMER_TSC) != (lapic_timer_mode(l) == LAPIC_TIMER_TSC)) {
		/* switching to or from TSC-deadline disarms the timer */
		l->s.initial_count = 0;
		l->s.tsc_deadline = 0;
	}
	lapic_timer_update(l);
}

/* ---- IPIs and incoming messages ---------------------------------------- */

void lapic_send_icr(struct lapic *l)
{
	uint32_t lo = l->s.icr_lo;
	unsigned int mode = (lo >> 8) & 7, shorthand = (lo >> 18) & 3;
	uint8_t vector = lo & 0xff;
	uint32_t dest = lapic_x2apic_mode(l) ? l->s.icr_hi : l->s.icr_hi >> 24;

	/* INIT level de-assert (level 0, trigger level) does nothing */
	if (mode == LAPIC_DM_INIT && !(lo & 0x4000) && (lo & 0x8000))
		return;
	if ((mode == LAPIC_DM_FIXED || mode == LAPIC_DM_LOWEST) && vector < 16) {
		lapic_error(l, LAPIC_ESR_SEND_ILLEGAL);
		return;
	}
	if (l->cfg.send_ipi)
		l->cfg.send_ipi(l->cfg.opaque, dest, (lo >> 11) & 1, shorthand,
				mode, vector);
}

void lapic_deliver(struct lapic *l, unsigned int mode, uint8_t vector,
		   unsigned int trigger)
{
	if (!lapic_hw_enabled(l))
		return;
	switch (mode) {
	case LAPIC_DM_FIXED:
	case LAPIC_DM_LOWEST:
		lapic_accept(l, vector, trigger);
		return;
	case LAPIC_DM_NMI:
		l->s.nmi_pending = 1;
		break;
	case LAPIC_DM_INIT:
		l->s.init_pending = 1;
		break;
	case LAPIC_DM_SIPI:
		l->s.sipi_pending = 1;
		l->s.sipi_vector = vector;
		break;
	default: /* SMI and ExtINT: not modelled here (the board's PIC) */
		return;
	}
	lapic_notify(l);
}

bool lapic_match_dest(const struct lapic *l, uint32_t dest,
		      unsigned int dest_mode)
{
	uint32_t ldr;

	if (lapic_x2apic_mode(l)) {
		if (dest == 0xffffffffu)
			return true;
		if (!dest_mode)
			return dest == l->s.id;
		ldr = ((l->s.id >> 4) << 16) | (1u << (l->s.id & 0xf));
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	}
	dest &= 0xff;
	if (dest == 0xff)
		return true;
	if (!dest_mode)
		return dest == (l->s.id & 0xff);
	ldr = l->s.ldr >> 24;
	if ((l->s.dfr >> 28) == 0xf)    /* flat model */
		return dest & ldr;
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf); /* cluster */
}

void lapic_set_lint(struct lapic *l, unsigned int pin, bool level)
{
	uint32_t lvt;
	bool rising;

	if (pin > 1)
		return;
	lvt = l->s.lvt[LVT_LINT0 + pin];
	rising = level && !l->s.lint_level[pin];
	l->s.lint_level[pin] = level;
	if (!lapic_hw_enabled(l) || (lvt & LAPIC_LVT_MASKED))
		return;
	switch ((lvt >> 8) & 7) {
	case LAPIC_DM_FIXED:
		if (lvt & LAPIC_LVT_LEVEL) {
			if (level)
				lapic_accept(l, lvt & 0xff, 1);
			else
				bit_clear(l->s.irr, lvt & 0xff);
		} else if (rising) {
			lapic_accept(l, lvt & 0xff, 0);
		}
		break;
	case LAPIC_DM_NMI:
		if (rising)
			lapic_deliver(l, LAPIC_DM_NMI, 0, 0);
		break;
	default: /* ExtINT: the CPU asks the 8259, see lapic_accept_pic_intr */
		break;
	}
}

bool lapic_accept_pic_intr(const struct lapic *l)
{
	uint32_t lvt0 = l->s.lvt[LVT_LINT0];

	return !lapic_hw_enabled(l) ||
	       (!(lvt0 & LAPIC_LVT_MASKED) && ((lvt0 >> 8) & 7) == LAPIC_DM_EXTINT);
}

bool lapic_take_init(struct lapic *l)
{
	bool p = l->s.init_pending;

	l->s.init_pending = 0;
	return p;
}

bool lapic_take_sipi(struct lapic *l, uint8_t *vector)
{
	bool p = l->s.sipi_pending;

	if (p && vector)
		*vector = l->s.sipi_vector;
	l->s.sipi_pending = 0;
	return p;
}

bool lapic_take_nmi(struct lapic *l)
{
	bool p = l->s.nmi_pending;

	l->s.nmi_pending = 0;
	return p;
}

/* ---- reset -------------------------------------------------------------- */

void lapic_init_reset(struct lapic *l)
{
	unsigned int n;
	uint64_t base = l->s.apic_base;
	uint32_t id = l->s.id;
	uint8_t sipi = l->s.sipi_pending, sipi_vec = l->s.sipi_vector;

	hw_timer_cancel(l->env, &l->timer);
	memset(&l->s, 0, sizeof(l->s));
	l->s.apic_base = base;
	l->s.id = id;
	l->s.sipi_pending = sipi;
	l->s.sipi_vector = sipi_vec;
	l->s.svr = 0xff;
	l->s.dfr = 0xffffffffu;
	for (n = 0; n < LAPIC_LVT_COUNT; n++)
		l->s.lvt[n] = LAPIC_LVT_MASKED;
}

void lapic_reset(struct lapic *l)
{
	l->s.apic_base = LAPIC_DEFAULT_BASE | LAPIC_BASE_EN |
			 (l->cfg.bsp ? LAPIC_BASE_BSP : 0);
	l->s.id = l->cfg.apic_id;
	l->s.sipi_pending = 0;
	lapic_init_reset(l);
	/* QEMU: the BSP's LINT0 starts as ExtINT so the 8259 gets through */
	if (l->cfg.bsp)
		l->s.lvt[LVT_LINT0] = LAPIC_DM_EXTINT << 8;
}

void lapic_init(struct lapic *l, const struct hw_env *env,
		const struct lapic_config *cfg)
{
	memset(l, 0, sizeof(*l));
	l->env = env;
	if (cfg)
		l->cfg = *cfg;
	hw_timer_init(&l->timer, lapic_timer_fire, l);
	lapic_reset(l);
}
