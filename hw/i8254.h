/*
 * hw/i8254.h - Intel 8254 programmable interval timer (the PC's PIT).
 *
 * Three counters clocked at 1.193182 MHz, ports 0x40-0x43. Counter 0's OUT
 * drives IRQ 0; counter 2's GATE and OUT are wired to port 0x61 (see
 * hw/port61.h). The counters are computed from the VM clock, so the model
 * is deterministic under a fake clock: nothing ticks in the background,
 * and the only timer armed is the next OUT transition of counter 0.
 */
#ifndef KEEL_HW_I8254_H
#define KEEL_HW_I8254_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw_env.h"
#include "vm/bus.h"

#define I8254_HZ   1193182u
#define I8254_PORT 0x40

/* Guest-visible state of one counter. Times are in PIT ticks, where tick
 * t is floor(vm_ns * I8254_HZ / 1e9). */
struct i8254_channel {
	uint32_t cr;             /* count register, binary, 1..0x10000 */
	uint32_t n;              /* count the counting element runs with */
	uint64_t start;          /* tick at which the CE was loaded with n */
	uint64_t held;           /* elapsed ticks, kept while not counting */
	uint64_t reload_at;      /* modes 2/3: tick at which cr replaces n */
	uint16_t frozen;         /* CE value shown while no count is loaded */
	uint16_t latched_count;  /* counter latch, as it will be read */
	uint8_t mode;            /* 0-5 */
	uint8_t mode_bits;       /* M2-M0 as written (6 and 7 alias 2 and 3) */
	uint8_t bcd;             /* 4-decade BCD counting */
	uint8_t rw_mode;         /* RW1-RW0: 1 LSB, 2 MSB, 3 LSB then MSB */
	uint8_t read_state;      /* next byte a read returns */
	uint8_t write_state;     /* next byte a write sets */
	uint8_t write_latch;     /* LSB of a two-byte count being written */
	uint8_t count_latched;   /* bytes of latched_count left to read */
	uint8_t status_latched;
	uint8_t status;          /* read-back status byte */
	uint8_t gate;
	uint8_t phase;           /* I8254_IDLE, I8254_WAIT or I8254_RUN */
	uint8_t counting;        /* the CE decrements (GATE allows it) */
	uint8_t reload_pending;  /* modes 2/3: new count waits for period end */
	uint8_t null_count;      /* count written but not yet loaded */
};

enum {
	I8254_IDLE = 0, /* control word written, no count loaded yet */
	I8254_WAIT = 1, /* modes 1/5: count written, waiting for a trigger */
	I8254_RUN  = 2, /* count loaded */
};

struct i8254_state {
	struct i8254_channel ch[3];
	uint64_t irq_tick;       /* next counter 0 OUT transition, or ~0 */
	uint8_t irq_level;       /* current IRQ 0 level */
};

struct i8254 {
	struct i8254_state s;
	const struct hw_env *env;
	unsigned int irq;
	struct timerq_timer timer;
};

void i8254_init(struct i8254 *pit, const struct hw_env *env, unsigned int irq);

/* QEMU's reset state: every counter in mode 3 with count 0x10000, counting;
 * GATE high on counters 0 and 1, low on counter 2. */
void i8254_reset(struct i8254 *pit);

void i8254_set_gate(struct i8254 *pit, unsigned int ch, bool level);
bool i8254_get_gate(const struct i8254 *pit, unsigned int ch);
bool i8254_get_out(struct i8254 *pit, unsigned int ch);

extern const struct bus_ops i8254_ops; /* 4 ports, dev = pit */

int i8254_attach(struct i8254 *pit, struct bus *pio)
	__attribute__((warn_unused_result));

#endif
