/*
 * hw/port61.c - port 0x61 of the PC (system control port B).
 *
 * Reference: Intel 82371SB (PIIX3) datasheet, NMISC register (I/O 061h):
 * bit 0 timer counter 2 enable (GATE2), bit 1 speaker data enable, bit 2
 * PCI SERR# enable, bit 3 IOCHK# enable, bit 4 refresh cycle toggle (RO),
 * bit 5 timer counter 2 OUT (RO), bits 6-7 IOCHK#/SERR# NMI source (RO).
 * No NMI source exists here, so bits 6-7 read 0. The refresh bit flips on
 * each read, as QEMU's pcspk does, so that delay loops waiting for it
 * always progress and stay deterministic.
 */
#include "hw/port61.h"

void port61_init(struct port61 *p, const struct hw_env *env, struct i8254 *pit)
{
	p->env = env;
	p->pit = pit;
	p->s = (struct port61_state){ 0 };
}

bool port61_speaker(struct port61 *p)
{
	return p->s.speaker_data && i8254_get_out(p->pit, 2);
}

static uint64_t port61_read(void *dev, uint64_t off, unsigned int size)
{
	struct port61 *p = dev;

	(void)off;
	(void)size;
	p->s.refresh ^= 1;
	return (i8254_get_gate(p->pit, 2) ? 0x01 : 0) |
	       (p->s.speaker_data ? 0x02 : 0) | p->s.nmi_enables |
	       (p->s.refresh ? 0x10 : 0) |
	       (i8254_get_out(p->pit, 2) ? 0x20 : 0);
}

static void port61_write(void *dev, uint64_t off, unsigned int size,
			 uint64_t val)
{
	struct port61 *p = dev;

	(void)off;
	(void)size;
	p->s.speaker_data = (val >> 1) & 1;
	p->s.nmi_enables = val & 0x0c;
	i8254_set_gate(p->pit, 2, val & 1);
}

const struct bus_ops port61_ops = {
	.read = port61_read,
	.write = port61_write,
	.max_size = 1,
};

int port61_attach(struct port61 *p, struct bus *pio)
{
	return bus_register(pio, PORT61_PORT, 1, &port61_ops, p, "port61");
}
