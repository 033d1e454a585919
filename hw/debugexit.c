/*
 * hw/debugexit.c - isa-debug-exit, after QEMU's hw/misc/debugexit.c: any
 * write (1 to 4 bytes, at any offset of the range) ends the VM with exit
 * status (value << 1) | 1, so a guest can never report 0; reads return 0.
 * The device has no state.
 */
#include "hw/debugexit.h"

void debugexit_init(struct debugexit *d, const struct hw_env *env,
		    void (*exit_fn)(void *opaque, uint64_t status),
		    void *opaque)
{
	d->env = env;
	d->exit = exit_fn;
	d->opaque = opaque;
}

static uint64_t debugexit_read(void *dev, uint64_t off, unsigned int size)
{
	(void)dev;
	(void)off;
	(void)size;
	return 0;
}

static void debugexit_write(void *dev, uint64_t off, unsigned int size,
			    uint64_t val)
{
	struct debugexit *d = dev;

	(void)off;
	(void)size;
	if (d->exit)
		d->exit(d->opaque, (val << 1) | 1);
}

const struct bus_ops debugexit_ops = {
	.read = debugexit_read,
	.write = debugexit_write,
	.max_size = 4,
};

int debugexit_attach(struct debugexit *d, struct bus *pio, uint16_t base,
		     uint16_t size)
{
	return bus_register(pio, base, size, &debugexit_ops, d, "debug-exit");
}
