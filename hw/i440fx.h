/*
 * hw/i440fx.h - the north and south bridge functions of QEMU's `pc'
 * machine on PCI bus 0: the Intel 82441FX PMC (i440FX host bridge) at
 * 00:00.0 and the Intel 82371SB PIIX3 PCI-to-ISA bridge at 00:01.0, plus
 * the PIIX3's reset control register at port 0xcf9.
 *
 * The board learns about guest actions through callbacks: a PAM register
 * changed (remap the BIOS shadow areas), a PIRQ route changed (re-route
 * PCI INTx levels), a reset was requested through 0xcf9.
 */
#ifndef KEEL_HW_I440FX_H
#define KEEL_HW_I440FX_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw_env.h"
#include "hw/pci.h"

#define I440FX_DEVFN    PCI_DEVFN(0, 0)
#define PIIX3_DEVFN     PCI_DEVFN(1, 0)

#define I440FX_PAM0     0x59       /* PAM0-PAM6: 0x59-0x5f */
#define I440FX_PAM_REGS 7
#define I440FX_SMRAM    0x72
#define PIIX3_PIRQC     0x60       /* PIRQRC[A:D]: 0x60-0x63 */
#define PIIX3_PIRQS     4
#define PIIX3_RCR_PORT  0xcf9

/* PAM attribute bits of each nibble (82441FX datasheet 3.2.19). */
#define I440FX_PAM_RE   0x1        /* reads go to DRAM */
#define I440FX_PAM_WE   0x2        /* writes go to DRAM */

/* RCR bits (82371SB datasheet 4.1.6). */
#define PIIX3_RCR_SRST  0x02       /* 1: the next reset is a hard reset */
#define PIIX3_RCR_RCPU  0x04       /* reset CPU */

struct i440fx_board_ops {
	/* PAM register pam (0-6) now holds value */
	void (*pam_changed)(void *opaque, unsigned int pam, uint8_t value);
	/* PIRQ pirq (0-3 = A-D) now goes to ISA IRQ irq, -1 = disabled */
	void (*pirq_changed)(void *opaque, unsigned int pirq, int irq);
	/* a write to 0xcf9 asked for a reset; hard means SRST was set */
	void (*reset_request)(void *opaque, bool hard);
};

struct i440fx_state {
	uint8_t rcr;               /* 0xcf9 as kept: only SRST */
};

struct i440fx {
	struct i440fx_state s;
	struct pci_func host;      /* 00:00.0, config space in host.s */
	struct pci_func isa;       /* 00:01.0, config space in isa.s */
	const struct hw_env *env;
	const struct i440fx_board_ops *ops;
	void *opaque;
};

/* ops may be NULL, and so may each callback. Leaves the reset state. */
void i440fx_init(struct i440fx *dev, const struct hw_env *env,
		 const struct i440fx_board_ops *ops, void *opaque);

/* Power-on values of both functions' registers and of the RCR. */
void i440fx_reset(struct i440fx *dev);

/* Current value of PAM register pam (0-6); 0 for other numbers. */
uint8_t i440fx_pam(const struct i440fx *dev, unsigned int pam);

/* ISA IRQ that PIRQ pirq (0-3) is routed to, or -1 when disabled. */
int piix3_pirq_irq(const struct i440fx *dev, unsigned int pirq);

extern const struct bus_ops piix3_rcr_ops; /* 1 byte, dev = i440fx */

/* Put both functions on bus 0 and take over 0xcf9; unwinds on failure. */
int i440fx_attach(struct i440fx *dev, struct pci_bus *pci)
	__attribute__((warn_unused_result));

#endif
