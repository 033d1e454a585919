/*
 * hw/lapic_regs.c - the local APIC's register file: xAPIC MMIO page and
 * x2APIC MSRs, IA32_APIC_BASE and IA32_TSC_DEADLINE.
 *
 * Reference: Intel SDM Vol. 3A table 10-1 (local APIC register address
 * map), 10.4.4 IA32_APIC_BASE, 10.4.6 APIC ID, 10.5.3 ESR (illegal register
 * address), 10.6.2.2 LDR/DFR, 10.9 SVR, 10.12.1.2 x2APIC register address
 * space (table 10-6: which MSRs read, write or #GP), 10.12.5 x2APIC state
 * transitions, 10.12.9 ICR as one 64-bit MSR, 10.12.10.2 derived logical
 * ID, 10.12.11 SELF IPI.
 */
#include "hw/lapic.h"
#include "hw/lapic_int.h"

/* ---- register file, shared by MMIO and MSR access ---------------------- */

static uint32_t lapic_ldr(const struct lapic *l)
{
	if (lapic_x2apic_mode(l)) /* derived, 10.12.10.2 */
		return ((l->s.id >> 4) << 16) | (1u << (l->s.id & 0xf));
	return l->s.ldr;
}

/* Read register at xAPIC offset reg; false if there is none. */
static bool lapic_reg_read(struct lapic *l, uint32_t reg, uint32_t *v)
{
	bool x2 = lapic_x2apic_mode(l);

	if (reg >= LAPIC_ISR && reg < LAPIC_ESR) {
		const uint32_t *arr = reg < LAPIC_TMR ? l->s.isr :
				      reg < LAPIC_IRR ? l->s.tmr : l->s.irr;
		*v = arr[(reg >> 4) & 7];
		return true;
	}
	if (reg >= LAPIC_LVT_TIMER && reg <= LAPIC_LVT_ERROR) {
		*v = l->s.lvt[(reg - LAPIC_LVT_TIMER) >> 4];
		return true;
	}
	switch (reg) {
	case LAPIC_ID:   *v = x2 ? l->s.id : (l->s.id & 0xff) << 24; break;
	case LAPIC_VER:  *v = LAPIC_VERSION | ((LAPIC_LVT_COUNT - 1) << 16); break;
	case LAPIC_TPR:  *v = l->s.tpr; break;
	case LAPIC_APR:  *v = 0; break;
	case LAPIC_PPR:  *v = lapic_ppr(l); break;
	case LAPIC_LDR:  *v = lapic_ldr(l); break;
	case LAPIC_DFR:  *v = l->s.dfr; break;
	case LAPIC_SVR:  *v = l->s.svr; break;
	case LAPIC_ESR:  *v = l->s.esr; break;
	case LAPIC_ICR:  *v = l->s.icr_lo; break;
	case LAPIC_ICR2: *v = l->s.icr_hi; break;
	case LAPIC_TMICT: *v = l->s.initial_count; break;
	case LAPIC_TMCCT: *v = lapic_current_count(l); break;
	case LAPIC_TDCR: *v = l->s.divide_conf; break;
	case LAPIC_EOI:  *v = 0; break; /* write-only */
	default:
		return false;
	}
	return true;
}

static void lapic_write_svr(struct lapic *l, uint32_t val)
{
	unsigned int n;

	l->s.svr = val & 0x3ff; /* vector, enable, focus check */
	if (!(val & LAPIC_SVR_ENABLE))
		for (n = 0; n < LAPIC_LVT_COUNT; n++)
			l->s.lvt[n] |= LAPIC_LVT_MASKED;
	else if (lapic_has_interrupt(l))
		lapic_notify(l);
}

/* Write register at xAPIC offset reg; false if it is not writable. */
static bool lapic_reg_write(struct lapic *l, uint32_t reg, uint32_t val)
{
	bool x2 = lapic_x2apic_mode(l);

	if (reg >= LAPIC_LVT_TIMER && reg <= LAPIC_LVT_ERROR) {
		lapic_write_lvt(l, (reg - LAPIC_LVT_TIMER) >> 4, val);
		return true;
	}
	switch (reg) {
	case LAPIC_ID:
		if (x2)
			return false;
		l->s.id = val >> 24;
		break;
	case LAPIC_TPR:
		l->s.tpr = val & 0xff;
		if (lapic_has_interrupt(l))
			lapic_notify(l);
		break;
	case LAPIC_EOI:
		lapic_eoi(l);
		break;
	case LAPIC_LDR:
		if (x2)
			return false;
		l->s.ldr = val & 0xff000000u;
		break;
	case LAPIC_DFR:
		if (x2)
			return false;
		l->s.dfr = val | 0x0fffffffu;
		break;
	case LAPIC_SVR:
		lapic_write_svr(l, val);
		break;
	case LAPIC_ESR: /* latch the errors seen since the last write */
		l->s.esr = l->s.esr_pending;
		l->s.esr_pending = 0;
		break;
	case LAPIC_ICR:
		l->s.icr_lo = val & 0x000ccfffu; /* delivery status reads 0 */
		lapic_send_icr(l);
		break;
	case LAPIC_ICR2:
		if (x2)
			return false;
		l->s.icr_hi = val & 0xff000000u;
		break;
	case LAPIC_TMICT:
		if (lapic_timer_mode(l) == LAPIC_TIMER_TSC)
			break; /* ignored in TSC-deadline mode */
		l->s.initial_count = val;
		l->s.oneshot_fired = 0;
		l->timer_loads++;
		l->s.timer_load_ns = hw_clock_ns(l->env);
		lapic_timer_update(l);
		break;
	case LAPIC_TDCR:
		l->s.divide_conf = val & 0xb;
		lapic_timer_update(l);
		break;
	case LAPIC_SELF_IPI:
		if (!x2)
			return false;
		lapic_accept(l, val & 0xff, 0);
		break;
	default:
		return false;
	}
	return true;
}

/* ---- xAPIC MMIO --------------------------------------------------------- */

bool lapic_mmio_claims(const struct lapic *l, uint64_t gpa)
{
	return lapic_hw_enabled(l) && !lapic_x2apic_mode(l) &&
	       gpa - lapic_base_addr(l) < LAPIC_MMIO_SIZE;
}

uint64_t lapic_mmio_read(struct lapic *l, uint64_t off, unsigned int size)
{
	uint32_t v = 0;

	(void)size;
	if (!lapic_hw_enabled(l) || lapic_x2apic_mode(l) || (off & 0xf) >= 4)
		return 0;
	if (!lapic_reg_read(l, (uint32_t)off & 0xff0, &v) ||
	    (off & 0xff0) == LAPIC_SELF_IPI) {
		lapic_error(l, LAPIC_ESR_ILLEGAL_REG);
		return 0;
	}
	return v >> ((off & 3) * 8);
}

void lapic_mmio_write(struct lapic *l, uint64_t off, unsigned int size,
		      uint64_t val)
{
	uint32_t reg = (uint32_t)off & 0xff0;

	if (!lapic_hw_enabled(l) || lapic_x2apic_mode(l) || size != 4 ||
	    (off & 0xf))
		return;
	if (reg == LAPIC_SELF_IPI || !lapic_reg_write(l, reg, (uint32_t)val))
		lapic_error(l, LAPIC_ESR_ILLEGAL_REG);
}

static uint64_t lapic_ops_read(void *dev, uint64_t off, unsigned int size)
{
	return lapic_mmio_read(dev, off, size);
}

static void lapic_ops_write(void *dev, uint64_t off, unsigned int size,
			    uint64_t val)
{
	lapic_mmio_write(dev, off, size, val);
}

const struct bus_ops lapic_mmio_ops = {
	.read = lapic_ops_read,
	.write = lapic_ops_write,
	.max_size = 4,
};

int lapic_attach(struct lapic *l, struct bus *mmio)
{
	return bus_register(mmio, lapic_base_addr(l), LAPIC_MMIO_SIZE,
			    &lapic_mmio_ops, l, "lapic");
}

/* ---- MSRs: IA32_APIC_BASE, IA32_TSC_DEADLINE, x2APIC (10.12.1.2) -------- */

static bool lapic_x2_readable(uint32_t reg)
{
	switch (reg) {
	case LAPIC_APR: case LAPIC_EOI: case LAPIC_RRD: case LAPIC_DFR:
	case LAPIC_ICR2: case LAPIC_SELF_IPI:
		return false;
	default:
		return true;
	}
}

static enum lapic_result lapic_set_base(struct lapic *l, uint64_t val)
{
	uint64_t old = l->s.apic_base;
	bool en = val & LAPIC_BASE_EN, x2 = val & LAPIC_BASE_EXTD;
	bool old_en = old & LAPIC_BASE_EN, old_x2 = old & LAPIC_BASE_EXTD;

	/* reserved bits; EXTD without EN is invalid (10.12.5) */
	if ((val & ~(LAPIC_BASE_ADDR | LAPIC_BASE_BSP | LAPIC_BASE_EXTD |
		     LAPIC_BASE_EN)) || (x2 && !en))
		return LAPIC_GP;
	/* x2APIC -> xAPIC and disabled -> x2APIC are illegal transitions */
	if ((old_x2 && en && !x2) || (!old_en && x2))
		return LAPIC_GP;
	l->s.apic_base = (val & ~LAPIC_BASE_BSP) | (old & LAPIC_BASE_BSP);
	if (old_en && !en) {
		/* disabled: as if reset, but the base and ID survive */
		lapic_init_reset(l);
		l->s.apic_base = (val & ~LAPIC_BASE_BSP) | (old & LAPIC_BASE_BSP);
	}
	if (x2 && !old_x2)
		l->s.id = l->cfg.apic_id; /* x2APIC ID is the initial ID */
	return LAPIC_OK;
}

enum lapic_result lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *val)
{
	uint32_t reg = (msr - LAPIC_MSR_X2APIC) << 4, v;

	if (msr == LAPIC_MSR_APIC_BASE) {
		*val = l->s.apic_base;
		return LAPIC_OK;
	}
	if (msr == LAPIC_MSR_TSC_DEADLINE) {
		*val = lapic_timer_mode(l) == LAPIC_TIMER_TSC ? l->s.tsc_deadline : 0;
		return LAPIC_OK;
	}
	if (msr < LAPIC_MSR_X2APIC || msr > LAPIC_MSR_X2APIC_LAST ||
	    !lapic_x2apic_mode(l) || !lapic_x2_readable(reg) ||
	    !lapic_reg_read(l, reg, &v))
		return LAPIC_GP;
	*val = v;
	if (reg == LAPIC_ICR)
		*val |= (uint64_t)l->s.icr_hi << 32;
	return LAPIC_OK;
}

enum lapic_result lapic_msr_write(struct lapic *l, uint32_t msr, uint64_t val)
{
	uint32_t reg = (msr - LAPIC_MSR_X2APIC) << 4;

	if (msr == LAPIC_MSR_APIC_BASE)
		return lapic_set_base(l, val);
	if (msr == LAPIC_MSR_TSC_DEADLINE) {
		lapic_set_tsc_deadline(l, val);
		return LAPIC_OK;
	}
	if (msr < LAPIC_MSR_X2APIC || msr > LAPIC_MSR_X2APIC_LAST ||
	    !lapic_x2apic_mode(l))
		return LAPIC_GP;
	if (reg == LAPIC_ICR) {
		l->s.icr_hi = (uint32_t)(val >> 32);
		lapic_reg_write(l, LAPIC_ICR, (uint32_t)val);
		return LAPIC_OK;
	}
	/* upper halves are reserved; EOI and ESR take only 0 */
	if ((val >> 32) || ((reg == LAPIC_EOI || reg == LAPIC_ESR) && val) ||
	    ((reg == LAPIC_TPR || reg == LAPIC_SELF_IPI) && (val & ~0xffULL)))
		return LAPIC_GP;
	switch (reg) {
	case LAPIC_TPR: case LAPIC_EOI: case LAPIC_SVR: case LAPIC_ESR:
	case LAPIC_TMICT: case LAPIC_TDCR: case LAPIC_SELF_IPI:
	case LAPIC_LVT_TIMER: case LAPIC_LVT_THERMAL: case LAPIC_LVT_PERF:
	case LAPIC_LVT_LINT0: case LAPIC_LVT_LINT1: case LAPIC_LVT_ERROR:
		return lapic_reg_write(l, reg, (uint32_t)val) ? LAPIC_OK
							      : LAPIC_GP;
	default: /* read-only (ID, VER, LDR, PPR, ISR/TMR/IRR, CCR) or none */
		return LAPIC_GP;
	}
}
