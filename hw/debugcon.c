/*
 * hw/debugcon.c - the 0xe9 debug console, after QEMU's hw/char/debugcon.c
 * (readback property 0xe9, one byte per access; wider writes reach us
 * split into bytes by the bus, lowest address first).
 */
#include "hw/debugcon.h"

void debugcon_init(struct debugcon *c, const struct hw_env *env,
		   void (*out)(void *opaque, uint8_t byte), void *opaque)
{
	c->env = env;
	c->out = out;
	c->opaque = opaque;
	c->bytes = 0;
}

static uint64_t debugcon_read(void *dev, uint64_t off, unsigned int size)
{
	(void)dev;
	(void)off;
	(void)size;
	return DEBUGCON_READBACK;
}

static void debugcon_write(void *dev, uint64_t off, unsigned int size,
			   uint64_t val)
{
	struct debugcon *c = dev;

	(void)off;
	(void)size;
	c->bytes++;
	if (c->out)
		c->out(c->opaque, (uint8_t)val);
}

const struct bus_ops debugcon_ops = {
	.read = debugcon_read,
	.write = debugcon_write,
	.max_size = 1,
};

int debugcon_attach(struct debugcon *c, struct bus *pio)
{
	return bus_register(pio, DEBUGCON_PORT, 1, &debugcon_ops, c,
			    "debugcon");
}
