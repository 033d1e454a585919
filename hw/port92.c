/*
 * hw/port92.c - System Control Port A at 0x92.
 *
 * Reference: IBM PS/2 Hardware Interface Technical Reference, "System
 * Control Port A" (bit 0 alternate hot reset, bit 1 alternate gate A20),
 * as implemented by QEMU's hw/i386/port92: the port reads back the value
 * written; every write reports the A20 bit; a reset is requested when bit
 * 0 goes from 0 to 1.
 */
#include "hw/port92.h"

void port92_init(struct port92 *p, const struct hw_env *env,
		 void (*set_a20)(void *opaque, bool enabled),
		 void (*reset_request)(void *opaque), void *opaque)
{
	p->env = env;
	p->set_a20 = set_a20;
	p->reset_request = reset_request;
	p->opaque = opaque;
	port92_reset(p);
}

void port92_reset(struct port92 *p)
{
	p->s.outport = 0;
}

static uint64_t port92_read(void *dev, uint64_t off, unsigned int size)
{
	struct port92 *p = dev;

	(void)off;
	(void)size;
	return p->s.outport;
}

static void port92_write(void *dev, uint64_t off, unsigned int size,
			 uint64_t val)
{
	struct port92 *p = dev;
	uint8_t old = p->s.outport;

	(void)off;
	(void)size;
	p->s.outport = (uint8_t)val;
	if (p->set_a20)
		p->set_a20(p->opaque, (val & PORT92_A20) != 0);
	if ((val & PORT92_RESET) && !(old & PORT92_RESET) && p->reset_request)
		p->reset_request(p->opaque);
}

const struct bus_ops port92_ops = {
	.read = port92_read,
	.write = port92_write,
	.max_size = 1,
};

int port92_attach(struct port92 *p, struct bus *pio)
{
	return bus_register(pio, PORT92_PORT, 1, &port92_ops, p, "port92");
}
