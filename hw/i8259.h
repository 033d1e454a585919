/*
 * hw/i8259.h - the PC's pair of Intel 8259A interrupt controllers.
 *
 * Master at ports 0x20/0x21, slave at 0xa0/0xa1 cascaded on master IR2,
 * edge/level control (ELCR) at 0x4d0/0x4d1 as on the PIIX3. IRQ inputs
 * 0-15 come from the board's GSI router through i8259_set_irq(); the
 * master's INT output goes to the CPU through a callback, and the CPU side
 * takes the vector with i8259_get_interrupt() at INTA time.
 */
#ifndef KEEL_HW_I8259_H
#define KEEL_HW_I8259_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw_env.h"
#include "vm/bus.h"

#define I8259_MASTER_PORT 0x20
#define I8259_SLAVE_PORT  0xa0
#define I8259_ELCR_PORT   0x4d0

/* Guest-visible state of one 8259A (what a snapshot saves). */
struct i8259_chip {
	uint8_t irr;             /* interrupt request register */
	uint8_t isr;             /* in-service register */
	uint8_t imr;             /* interrupt mask register (OCW1) */
	uint8_t last_irr;        /* input levels last seen: edge detector */
	uint8_t priority_add;    /* IR that has the highest priority */
	uint8_t irq_base;        /* ICW2: vector of IR0 */
	uint8_t read_isr;        /* OCW3 RIS: reads at port 0 return ISR */
	uint8_t poll;            /* OCW3 P: next read is a poll */
	uint8_t special_mask;    /* OCW3 SMM */
	uint8_t init_state;      /* 0 ready, 1/2/3: ICW2/ICW3/ICW4 expected */
	uint8_t init4;           /* ICW1 IC4 */
	uint8_t single;          /* ICW1 SNGL */
	uint8_t icw3;            /* cascade wiring as written */
	uint8_t auto_eoi;        /* ICW4 AEOI */
	uint8_t rotate_on_aeoi;  /* OCW2 rotate in automatic EOI mode */
	uint8_t sfnm;            /* ICW4 special fully nested mode */
	uint8_t elcr;            /* 1 = level-triggered input (PIIX3 ELCR) */
};

struct i8259_state {
	struct i8259_chip chip[2];   /* [0] master, [1] slave */
	uint8_t slave_out;           /* level of the slave's INT (master IR2) */
	uint8_t intr;                /* level of the master's INT output */
};

struct i8259 {
	struct i8259_state s;
	const struct hw_env *env;
	void (*set_intr)(void *opaque, bool level);
	void *intr_opaque;
};

/* set_intr is called whenever the INT output to the CPU changes level. */
void i8259_init(struct i8259 *pic, const struct hw_env *env,
		void (*set_intr)(void *opaque, bool level), void *intr_opaque);

/* Power-on/RESET state: everything, ELCR included, cleared. */
void i8259_reset(struct i8259 *pic);

/* Drive input irq (0-7 master, 8-15 slave; 2 is the cascade). */
void i8259_set_irq(struct i8259 *pic, unsigned int irq, bool level);

/* Current level of the INT output. */
bool i8259_intr(const struct i8259 *pic);

/*
 * The INTA cycle: returns the vector the pair puts on the bus and updates
 * ISR/IRR. With nothing to deliver the answer is the spurious IR7 vector
 * of the chip concerned (master, or slave if the cascade was requested).
 */
uint8_t i8259_get_interrupt(struct i8259 *pic);

extern const struct bus_ops i8259_master_ops; /* 2 ports, dev = pic */
extern const struct bus_ops i8259_slave_ops;  /* 2 ports, dev = pic */
extern const struct bus_ops i8259_elcr_ops;   /* 2 ports, dev = pic */

/* Register the three ranges at the PC ports; unwinds on failure. */
int i8259_attach(struct i8259 *pic, struct bus *pio)
	__attribute__((warn_unused_result));

#endif
