/*
 * hw/port80.h - the POST code port 0x80. Firmware writes progress codes
 * there; the last one is kept for the console and for tests. Guest reads
 * return all ones, as QEMU's ioport80 does.
 */
#ifndef KEEL_HW_PORT80_H
#define KEEL_HW_PORT80_H

#include <stdint.h>

#include "hw/hw_env.h"
#include "vm/bus.h"

#define PORT80_PORT 0x80

struct port80_state {
	uint8_t last;        /* last POST code written */
};

struct port80 {
	struct port80_state s;
	uint64_t writes;     /* how many codes were written */
};

void port80_init(struct port80 *p);

static inline uint8_t port80_last(const struct port80 *p)
{
	return p->s.last;
}

extern const struct bus_ops port80_ops; /* 1 port, dev = p */

int port80_attach(struct port80 *p, struct bus *pio)
	__attribute__((warn_unused_result));

#endif
