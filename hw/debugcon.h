/*
 * hw/debugcon.h - QEMU's isa-debugcon at port 0xe9 (the Bochs "port e9
 * hack"): bytes written go to a byte-stream sink; reads return 0xe9 so a
 * guest can detect the port.
 */
#ifndef KEEL_HW_DEBUGCON_H
#define KEEL_HW_DEBUGCON_H

#include <stdint.h>

#include "hw/hw_env.h"
#include "vm/bus.h"

#define DEBUGCON_PORT     0xe9
#define DEBUGCON_READBACK 0xe9

struct debugcon {
	const struct hw_env *env;
	void (*out)(void *opaque, uint8_t byte);   /* may be NULL */
	void *opaque;
	uint64_t bytes;      /* written so far, for statistics */
};

void debugcon_init(struct debugcon *c, const struct hw_env *env,
		   void (*out)(void *opaque, uint8_t byte), void *opaque);

extern const struct bus_ops debugcon_ops; /* 1 port, dev = c */

int debugcon_attach(struct debugcon *c, struct bus *pio)
	__attribute__((warn_unused_result));

#endif
