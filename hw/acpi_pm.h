/*
 * hw/acpi_pm.h - the ACPI fixed-hardware PM registers the FADT points at,
 * as the PIIX4 power-management function provides them to QEMU's pc
 * machine (SeaBIOS places the block at 0xb000):
 *
 *   base + 0  PM1_STS  (16, write 1 to clear)   ACPI 6.4 section 4.8.3.1
 *   base + 2  PM1_EN   (16)
 *   base + 4  PM1_CNT  (16)                     section 4.8.3.2
 *   base + 8  PM_TMR   (32, 24 bits used, RO)   section 4.8.3.3
 *
 * The timer counts at 3.579545 MHz from the VM clock. TMR_STS is set each
 * time bit 23 of the count changes. The SCI (a level-triggered, active-high
 * ISA IRQ, 9 on pc) is asserted while SCI_EN is set and some status bit is
 * set together with its enable bit. Writing SLP_EN with SLP_TYP 0 (what
 * the DSDT's \_S5 says) reports a poweroff.
 *
 * Without SMM there is no SMI_CMD, so the device comes out of reset in
 * ACPI mode with SCI_EN set (QEMU's "acpi_only" PM1 control).
 */
#ifndef KEEL_HW_ACPI_PM_H
#define KEEL_HW_ACPI_PM_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw_env.h"
#include "vm/bus.h"

#define ACPI_PM_SIZE        0x40        /* PIIX4 PMBA decodes 64 ports */
#define ACPI_PM_TIMER_HZ    3579545u
#define ACPI_PM_TIMER_MASK  0x00ffffffu

#define ACPI_PM_STS         0x00
#define ACPI_PM_EN          0x02
#define ACPI_PM_CNT         0x04
#define ACPI_PM_TMR         0x08

/* PM1 status / enable bits (ACPI 6.4 tables 4.16, 4.17). */
#define ACPI_PM1_TMR        (1u << 0)
#define ACPI_PM1_BM_STS     (1u << 4)
#define ACPI_PM1_GBL        (1u << 5)
#define ACPI_PM1_PWRBTN     (1u << 8)
#define ACPI_PM1_SLPBTN     (1u << 9)
#define ACPI_PM1_RTC        (1u << 10)
#define ACPI_PM1_PCIEXP_WAKE (1u << 14)
#define ACPI_PM1_WAK_STS    (1u << 15)

/* PM1 control bits (ACPI 6.4 table 4.18). */
#define ACPI_PM1_SCI_EN     (1u << 0)
#define ACPI_PM1_BM_RLD     (1u << 1)
#define ACPI_PM1_GBL_RLS    (1u << 2)   /* write-only */
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_TYP    (7u << ACPI_PM1_SLP_TYP_SHIFT)
#define ACPI_PM1_SLP_EN     (1u << 13)  /* write-only */

#define ACPI_PM_SLP_TYP_S5  0           /* matches \_S5 in the DSDT */

/* Guest-visible state (what a snapshot keeps). */
struct acpi_pm_state {
	uint16_t sts;
	uint16_t en;
	uint16_t cnt;
	uint64_t tmr_epoch;   /* count >> 23 when TMR_STS was last accounted */
};

struct acpi_pm {
	struct acpi_pm_state s;
	const struct hw_env *env;
	unsigned int sci_gsi;
	bool sci_level;                     /* as last driven */
	struct timerq_timer timer;          /* next bit-23 change, when needed */
	void (*poweroff)(void *opaque);     /* may be NULL */
	void *opaque;
	uint64_t other_sleeps;              /* SLP_EN with a type we lack */
};

void acpi_pm_init(struct acpi_pm *pm, const struct hw_env *env,
		  unsigned int sci_gsi, void (*poweroff)(void *opaque),
		  void *opaque);

/* Guest-visible reset: status and enables clear, SCI_EN set, SCI low. */
void acpi_pm_reset(struct acpi_pm *pm);

/* The 24-bit PM timer value now. */
uint32_t acpi_pm_timer(const struct acpi_pm *pm);

/* The operator pressed the power button: PWRBTN_STS, SCI if enabled. */
void acpi_pm_power_button(struct acpi_pm *pm);

extern const struct bus_ops acpi_pm_ops;  /* ACPI_PM_SIZE ports, dev = pm */

int acpi_pm_attach(struct acpi_pm *pm, struct bus *pio, uint16_t base)
	__attribute__((warn_unused_result));

#endif
