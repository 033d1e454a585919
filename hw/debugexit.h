/*
 * hw/debugexit.h - QEMU's isa-debug-exit device: a write of v ends the VM
 * with exit status (v << 1) | 1. keel places it where test kernels expect
 * it under QEMU with `-device isa-debug-exit,iobase=0xf4,iosize=0x04'.
 */
#ifndef KEEL_HW_DEBUGEXIT_H
#define KEEL_HW_DEBUGEXIT_H

#include <stdint.h>

#include "hw/hw_env.h"
#include "vm/bus.h"

#define DEBUGEXIT_PORT 0xf4
#define DEBUGEXIT_SIZE 4

struct debugexit {
	const struct hw_env *env;
	/* status is (v << 1) | 1 for the value v written */
	void (*exit)(void *opaque, uint64_t status);
	void *opaque;
};

void debugexit_init(struct debugexit *d, const struct hw_env *env,
		    void (*exit_fn)(void *opaque, uint64_t status),
		    void *opaque);

extern const struct bus_ops debugexit_ops; /* DEBUGEXIT_SIZE ports */

int debugexit_attach(struct debugexit *d, struct bus *pio, uint16_t base,
		     uint16_t size) __attribute__((warn_unused_result));

#endif
