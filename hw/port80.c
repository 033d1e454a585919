/*
 * hw/port80.c - POST code latch at 0x80 (the "manufacturing test" port of
 * the PC/AT). On a real board a POST card latches the byte; QEMU's pc
 * machine sinks writes and reads all ones (hw/i386/pc.c, ioport80). Port
 * 0x80 writes double as an I/O delay in Linux, so the latch is all it does.
 */
#include "hw/port80.h"

void port80_init(struct port80 *p)
{
	p->s.last = 0;
	p->writes = 0;
}

static uint64_t port80_read(void *dev, uint64_t off, unsigned int size)
{
	(void)dev;
	(void)off;
	(void)size;
	return ~0ULL;
}

static void port80_write(void *dev, uint64_t off, unsigned int size,
			 uint64_t val)
{
	struct port80 *p = dev;

	(void)off;
	(void)size;
	p->s.last = (uint8_t)val;
	p->writes++;
}

const struct bus_ops port80_ops = {
	.read = port80_read,
	.write = port80_write,
	.max_size = 1,
};

int port80_attach(struct port80 *p, struct bus *pio)
{
	return bus_register(pio, PORT80_PORT, 1, &port80_ops, p, "post");
}
