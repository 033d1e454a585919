/*
 * hw/ioapic.h - the PC's I/O APIC (82093AA-compatible, as QEMU models it).
 *
 * 24 input pins, reached through the IOREGSEL/IOWIN window at 0xfec00000.
 * Pin inputs come from the board's GSI router through ioapic_set_irq();
 * a pin that fires is sent to the local APICs through the deliver()
 * callback of struct ioapic_config, since only the board knows the
 * vCPUs. The LAPIC side reports an EOI of a level-triggered vector with
 * ioapic_eoi(), which clears Remote IRR and re-delivers a line still high.
 *
 * The level handed to ioapic_set_irq() is "asserted" (hw_env.h), as in
 * QEMU: the polarity bit is kept for the guest to read back but does not
 * invert the input. The ISA IRQ 0 -> pin 2 override is the board's job.
 */
#ifndef KEEL_HW_IOAPIC_H
#define KEEL_HW_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw_env.h"
#include "vm/bus.h"

#define IOAPIC_DEFAULT_BASE 0xfec00000ULL
#define IOAPIC_MMIO_SIZE    0x20
#define IOAPIC_PINS         24
#define IOAPIC_VERSION      0x20

/* MMIO offsets (82093AA datasheet, 3.0 "Register Description") */
#define IOAPIC_IOREGSEL 0x00
#define IOAPIC_IOWIN    0x10

/* Indirect register indexes */
#define IOAPIC_REG_ID    0x00
#define IOAPIC_REG_VER   0x01
#define IOAPIC_REG_ARB   0x02
#define IOAPIC_REG_REDIR 0x10 /* pin n: 0x10 + 2n (low), 0x11 + 2n (high) */

/* Redirection table entry bits (datasheet 3.2.4, IOREDTBL) */
#define IOAPIC_RTE_VECTOR     0x000000ffULL
#define IOAPIC_RTE_DELMOD     0x00000700ULL /* bits 10:8 */
#define IOAPIC_RTE_DESTMOD    0x00000800ULL /* 1 = logical */
#define IOAPIC_RTE_DELIVS     0x00001000ULL /* read-only */
#define IOAPIC_RTE_POLARITY   0x00002000ULL /* 1 = active low */
#define IOAPIC_RTE_REMOTE_IRR 0x00004000ULL /* read-only */
#define IOAPIC_RTE_LEVEL      0x00008000ULL /* 1 = level-triggered */
#define IOAPIC_RTE_MASK       0x00010000ULL
#define IOAPIC_RTE_DEST_SHIFT 56

struct ioapic_config {
	uint8_t id;   /* initial IOAPIC ID (QEMU's first IOAPIC: 0) */
	/*
	 * Send one interrupt message: dest is the 8-bit destination field,
	 * dest_mode 0 physical / 1 logical, delivery_mode bits 10:8 of the
	 * entry (0 fixed, 1 lowest priority, 2 SMI, 4 NMI, 5 INIT, 7 ExtINT),
	 * trigger 0 edge / 1 level.
	 */
	void (*deliver)(void *opaque, uint8_t dest, unsigned int dest_mode,
			unsigned int delivery_mode, uint8_t vector,
			unsigned int trigger);
	void *opaque;
};

/* Guest-visible state (what a snapshot saves). */
struct ioapic_state {
	uint32_t ioregsel;
	uint8_t id;
	uint32_t irr;     /* pins with a request not yet sent (bit n = pin n) */
	uint32_t level;   /* current asserted level of each pin */
	uint64_t redir[IOAPIC_PINS];
};

struct ioapic {
	struct ioapic_state s;
	const struct hw_env *env;
	struct ioapic_config cfg;
	uint64_t delivered;   /* messages sent, for statistics and tests */
};

void ioapic_init(struct ioapic *io, const struct hw_env *env,
		 const struct ioapic_config *cfg);

/* RESET: every entry masked, edge, vector 0; ID back to cfg.id. */
void ioapic_reset(struct ioapic *io);

/* Drive pin (0-23): level true = asserted. */
void ioapic_set_irq(struct ioapic *io, unsigned int pin, bool level);

/* EOI broadcast from a local APIC for a level-triggered vector. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);

/* Direct access to the indirect registers (also used by the MMIO ops). */
uint32_t ioapic_reg_read(struct ioapic *io, uint32_t index);
void ioapic_reg_write(struct ioapic *io, uint32_t index, uint32_t val);

extern const struct bus_ops ioapic_ops; /* IOAPIC_MMIO_SIZE, dev = io */

int ioapic_attach(struct ioapic *io, struct bus *mmio, uint64_t base)
	__attribute__((warn_unused_result));

#endif
