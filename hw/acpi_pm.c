/*
 * hw/acpi_pm.c - ACPI PM1 event/control registers and the PM timer, as
 * PIIX4's power-management function has them (Intel 82371AB datasheet,
 * section 11 "Power Management"; ACPI 6.4 section 4.8.3). See
 * hw/acpi_pm.h.
 *
 * The timer is never stepped: its value is the VM clock converted to
 * 3.579545 MHz ticks. TMR_STS is brought up to date lazily on every access
 * (the count's bit 23 changed since the last look), and a host timer is
 * armed for the next change only while TMR_EN is set and TMR_STS is clear,
 * the one case in which that change raises the SCI.
 */
#include "hw/acpi_pm.h"

#define NS_PER_SEC 1000000000u

/* Bits software may set in PM1_EN, and bits that are status-only. */
#define ACPI_PM1_EN_BITS  (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | \
			   ACPI_PM1_SLPBTN | ACPI_PM1_RTC | \
			   ACPI_PM1_PCIEXP_WAKE)
/* Events that raise the SCI when both status and enable are set. */
#define ACPI_PM1_SCI_BITS (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | \
			   ACPI_PM1_SLPBTN | ACPI_PM1_RTC)
#define ACPI_PM1_CNT_KEEP (ACPI_PM1_SCI_EN | ACPI_PM1_BM_RLD | \
			   ACPI_PM1_SLP_TYP)

#define ACPI_PM_EPOCH_SHIFT 23   /* TMR_STS on each change of bit 23 */

static uint64_t acpi_pm_ticks(const struct acpi_pm *pm, uint64_t now)
{
	(void)pm;
	return hw_muldiv64(now, ACPI_PM_TIMER_HZ, NS_PER_SEC);
}

uint32_t acpi_pm_timer(const struct acpi_pm *pm)
{
	return (uint32_t)acpi_pm_ticks(pm, hw_clock_ns(pm->env)) &
	       ACPI_PM_TIMER_MASK;
}

/* Set TMR_STS if bit 23 of the count changed since we last looked. */
static void acpi_pm_sync(struct acpi_pm *pm)
{
	uint64_t epoch = acpi_pm_ticks(pm, hw_clock_ns(pm->env)) >>
			 ACPI_PM_EPOCH_SHIFT;

	if (epoch != pm->s.tmr_epoch) {
		pm->s.sts |= ACPI_PM1_TMR;
		pm->s.tmr_epoch = epoch;
	}
}

/* Drive the SCI and (re)arm the overflow timer after any change. */
static void acpi_pm_update(struct acpi_pm *pm)
{
	bool level = (pm->s.cnt & ACPI_PM1_SCI_EN) &&
		     (pm->s.sts & pm->s.en & ACPI_PM1_SCI_BITS);

	if (level != pm->sci_level) {
		pm->sci_level = level;
		hw_irq_set(pm->env, pm->sci_gsi, level);
	}

	if ((pm->s.en & ACPI_PM1_TMR) && !(pm->s.sts & ACPI_PM1_TMR)) {
		uint64_t tick = (pm->s.tmr_epoch + 1) << ACPI_PM_EPOCH_SHIFT;

		hw_timer_arm(pm->env, &pm->timer,
			     hw_muldiv64_ceil(tick, NS_PER_SEC,
					      ACPI_PM_TIMER_HZ));
	} else {
		hw_timer_cancel(pm->env, &pm->timer);
	}
}

static void acpi_pm_timer_fired(void *opaque)
{
	struct acpi_pm *pm = opaque;

	acpi_pm_sync(pm);
	acpi_pm_update(pm);
}

void acpi_pm_init(struct acpi_pm *pm, const struct hw_env *env,
		  unsigned int sci_gsi, void (*poweroff)(void *opaque),
		  void *opaque)
{
	pm->env = env;
	pm->sci_gsi = sci_gsi;
	pm->sci_level = false;
	pm->poweroff = poweroff;
	pm->opaque = opaque;
	pm->other_sleeps = 0;
	hw_timer_init(&pm->timer, acpi_pm_timer_fired, pm);
	acpi_pm_reset(pm);
}

void acpi_pm_reset(struct acpi_pm *pm)
{
	pm->s.sts = 0;
	pm->s.en = 0;
	pm->s.cnt = ACPI_PM1_SCI_EN;
	pm->s.tmr_epoch = acpi_pm_ticks(pm, hw_clock_ns(pm->env)) >>
			  ACPI_PM_EPOCH_SHIFT;
	hw_irq_lower(pm->env, pm->sci_gsi);
	pm->sci_level = false;
	acpi_pm_update(pm);
}

void acpi_pm_power_button(struct acpi_pm *pm)
{
	acpi_pm_sync(pm);
	pm->s.sts |= ACPI_PM1_PWRBTN;
	acpi_pm_update(pm);
}

/* One byte of the register file; reserved offsets read as 0. */
static uint8_t acpi_pm_byte(const struct acpi_pm *pm, uint64_t off,
			    uint32_t tmr)
{
	switch (off) {
	case ACPI_PM_STS:     return (uint8_t)pm->s.sts;
	case ACPI_PM_STS + 1: return (uint8_t)(pm->s.sts >> 8);
	case ACPI_PM_EN:      return (uint8_t)pm->s.en;
	case ACPI_PM_EN + 1:  return (uint8_t)(pm->s.en >> 8);
	case ACPI_PM_CNT:     return (uint8_t)pm->s.cnt;
	case ACPI_PM_CNT + 1: return (uint8_t)(pm->s.cnt >> 8);
	case ACPI_PM_TMR:     return (uint8_t)tmr;
	case ACPI_PM_TMR + 1: return (uint8_t)(tmr >> 8);
	case ACPI_PM_TMR + 2: return (uint8_t)(tmr >> 16);
	default:              return 0;  /* PM_TMR bits 31:24 read as 0 */
	}
}

static uint64_t acpi_pm_read(void *dev, uint64_t off, unsigned int size)
{
	struct acpi_pm *pm = dev;
	uint32_t tmr = acpi_pm_timer(pm);
	uint64_t v = 0;

	acpi_pm_sync(pm);
	for (unsigned int i = 0; i < size; i++)
		v |= (uint64_t)acpi_pm_byte(pm, off + i, tmr) << (8 * i);
	acpi_pm_update(pm);
	return v;
}

/* SLP_EN was written (ACPI 6.4 section 4.8.3.2.1, sleeping states). */
static void acpi_pm_sleep(struct acpi_pm *pm, uint16_t cnt)
{
	unsigned int typ = (cnt & ACPI_PM1_SLP_TYP) >> ACPI_PM1_SLP_TYP_SHIFT;

	if (typ == ACPI_PM_SLP_TYP_S5) {
		if (pm->poweroff)
			pm->poweroff(pm->opaque);
	} else {
		pm->other_sleeps++;     /* no \_S1-\_S4 in our DSDT */
	}
}

static void acpi_pm_write(void *dev, uint64_t off, unsigned int size,
			  uint64_t val)
{
	struct acpi_pm *pm = dev;
	uint16_t mask[3] = { 0, 0, 0 }, bits[3] = { 0, 0, 0 }; /* STS EN CNT */

	/* gather the bytes written into each 16-bit register */
	for (unsigned int i = 0; i < size; i++) {
		uint64_t o = off + i;
		uint8_t b = (uint8_t)(val >> (8 * i));

		if (o >= ACPI_PM_CNT + 2)
			continue;       /* 6-7 reserved, PM_TMR read-only */
		mask[o / 2] |= (uint16_t)(0xffu << (8 * (o % 2)));
		bits[o / 2] |= (uint16_t)(b << (8 * (o % 2)));
	}

	acpi_pm_sync(pm);
	pm->s.sts &= (uint16_t)~(bits[0] & mask[0]);    /* write 1 to clear */
	pm->s.en = (uint16_t)((pm->s.en & ~mask[1]) |
			      (bits[1] & mask[1] & ACPI_PM1_EN_BITS));
	if (mask[2]) {
		uint16_t cnt = (uint16_t)((pm->s.cnt & ~mask[2]) |
					  (bits[2] & mask[2]));

		pm->s.cnt = cnt & ACPI_PM1_CNT_KEEP;
		if (bits[2] & mask[2] & ACPI_PM1_SLP_EN)
			acpi_pm_sleep(pm, cnt);
	}
	acpi_pm_update(pm);
}

const struct bus_ops acpi_pm_ops = {
	.read = acpi_pm_read,
	.write = acpi_pm_write,
	.max_size = 4,
};

int acpi_pm_attach(struct acpi_pm *pm, struct bus *pio, uint16_t base)
{
	return bus_register(pio, base, ACPI_PM_SIZE, &acpi_pm_ops, pm,
			    "acpi-pm");
}
