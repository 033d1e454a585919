/*
 * hw/port92.h - port 0x92, "System Control Port A" (PS/2 fast A20 and
 * fast reset), as QEMU's pc machine has it.
 */
#ifndef KEEL_HW_PORT92_H
#define KEEL_HW_PORT92_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw_env.h"
#include "vm/bus.h"

#define PORT92_PORT  0x92
#define PORT92_RESET 0x01   /* bit 0: fast reset (on a 0 -> 1 change) */
#define PORT92_A20   0x02   /* bit 1: A20 gate */

struct port92_state {
	uint8_t outport;     /* the value last written */
};

struct port92 {
	struct port92_state s;
	const struct hw_env *env;
	void (*set_a20)(void *opaque, bool enabled);   /* may be NULL */
	void (*reset_request)(void *opaque);           /* may be NULL */
	void *opaque;
};

void port92_init(struct port92 *p, const struct hw_env *env,
		 void (*set_a20)(void *opaque, bool enabled),
		 void (*reset_request)(void *opaque), void *opaque);
void port92_reset(struct port92 *p);

extern const struct bus_ops port92_ops; /* 1 port, dev = p */

int port92_attach(struct port92 *p, struct bus *pio)
	__attribute__((warn_unused_result));

#endif
