/*
 * hw/i8042.h - a subset of the PS/2 keyboard controller (Intel 8042) at
 * ports 0x60 (data) and 0x64 (status/command): enough for firmware and
 * kernels that self-test the controller, gate A20 through the output port
 * and reset the machine with command 0xfe. No keyboard or mouse is behind
 * it: data bytes meant for the keyboard are dropped.
 */
#ifndef KEEL_HW_I8042_H
#define KEEL_HW_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw_env.h"
#include "vm/bus.h"

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT  0x64
#define I8042_IRQ       1

/* status register */
#define I8042_STAT_OBF      0x01
#define I8042_STAT_IBF      0x02
#define I8042_STAT_SYS      0x04   /* set by a passed self-test */
#define I8042_STAT_CMD      0x08
#define I8042_STAT_UNLOCKED 0x10

/* output port */
#define I8042_OUT_RESET     0x01   /* 0 = hold the CPU in reset */
#define I8042_OUT_A20       0x02

struct i8042_state {
	uint8_t status;
	uint8_t mode;        /* command byte (0x20/0x60) */
	uint8_t outport;
	uint8_t obuf;        /* output buffer, valid while STAT_OBF */
	uint8_t write_cmd;   /* command waiting for its data byte, or 0 */
	uint8_t irq;         /* level of IRQ 1 */
};

struct i8042 {
	struct i8042_state s;
	const struct hw_env *env;
	void (*set_a20)(void *opaque, bool enabled);   /* may be NULL */
	void (*reset_request)(void *opaque);           /* may be NULL */
	void *opaque;
	uint64_t dropped;    /* bytes for the (absent) keyboard */
};

void i8042_init(struct i8042 *k, const struct hw_env *env,
		void (*set_a20)(void *opaque, bool enabled),
		void (*reset_request)(void *opaque), void *opaque);
void i8042_reset(struct i8042 *k);

extern const struct bus_ops i8042_data_ops; /* 1 port, dev = k */
extern const struct bus_ops i8042_cmd_ops;  /* 1 port, dev = k */

int i8042_attach(struct i8042 *k, struct bus *pio)
	__attribute__((warn_unused_result));

#endif
