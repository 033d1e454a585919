/*
 * hw/i8259.c - Intel 8259A programmable interrupt controller, master/slave
 * pair of the PC.
 *
 * References: Intel 8259A datasheet (order 231468): "Interrupt Sequence",
 * "Initialization Command Words" (ICW1-ICW4), "Operation Command Words"
 * (OCW1-OCW3), "Fully Nested Mode", "End of Interrupt", "Automatic
 * Rotation", "Special Mask Mode", "Poll Command", "Cascade Mode";
 * Intel 82371SB (PIIX3) datasheet, section 2.4 (ELCR1/ELCR2) and 3.8:
 * on the PIIX the edge/level choice per input comes from ELCR, and the ICW1
 * LTIM bit is ignored. Where the datasheet leaves a choice, QEMU's i8259
 * behaviour is followed so that guests see the same machine.
 */
#include "hw/i8259.h"

#include <string.h> /* memset */

/* ELCR bits that exist: IRQ 0, 1, 2, 8 and 13 are always edge-triggered. */
static const uint8_t i8259_elcr_mask[2] = { 0xf8, 0xde };

/* Priority (0 = highest) of the highest-priority bit in mask; 8 if none. */
static int i8259_priority(const struct i8259_chip *c, uint8_t mask)
{
	int p;

	if (mask == 0)
		return 8;
	for (p = 0; !(mask & (1u << ((p + c->priority_add) & 7))); p++)
		;
	return p;
}

/* IR the chip would present to the CPU now, or -1. */
static int i8259_pending(const struct i8259_chip *c, bool master)
{
	uint8_t in_service = c->isr;
	int p = i8259_priority(c, c->irr & ~c->imr);

	if (p == 8)
		return -1;
	/* Special mask mode: masked in-service levels do not block others. */
	if (c->special_mask)
		in_service &= ~c->imr;
	/* Special fully nested mode: the cascade input does not block more
	 * requests from the slave. */
	if (c->sfnm && master)
		in_service &= ~(1u << 2);
	if (p < i8259_priority(c, in_service))
		return (p + c->priority_add) & 7;
	return -1;
}

/* Recompute the slave's output (into master IR2) and the INT pin. */
static void i8259_update(struct i8259 *pic);

static void i8259_chip_input(struct i8259_chip *c, unsigned int ir, bool level)
{
	uint8_t bit = 1u << ir;

	if (c->elcr & bit) {
		/* level-triggered: IRR follows the line */
		if (level) {
			c->irr |= bit;
			c->last_irr |= bit;
		} else {
			c->irr &= ~bit;
			c->last_irr &= ~bit;
		}
	} else if (level) {
		/* edge-triggered: a rising edge sets IRR */
		if (!(c->last_irr & bit))
			c->irr |= bit;
		c->last_irr |= bit;
	} else {
		c->last_irr &= ~bit;
	}
}

static void i8259_update(struct i8259 *pic)
{
	bool slave_out = i8259_pending(&pic->s.chip[1], false) >= 0;
	bool out;

	/* The slave's INT drives master IR2 (edge-triggered: ELCR bit 2 is
	 * reserved), so the master only hears it when it changes. */
	if (slave_out != (bool)pic->s.slave_out) {
		pic->s.slave_out = slave_out;
		i8259_chip_input(&pic->s.chip[0], 2, slave_out);
	}
	out = i8259_pending(&pic->s.chip[0], true) >= 0;
	if (out != (bool)pic->s.intr) {
		pic->s.intr = out;
		if (pic->set_intr)
			pic->set_intr(pic->intr_opaque, out);
	}
}

/* INTA for one chip: ISR bit (unless AEOI), IRR cleared for edge inputs. */
static void i8259_ack(struct i8259_chip *c, int ir)
{
	if (c->auto_eoi) {
		if (c->rotate_on_aeoi)
			c->priority_add = (ir + 1) & 7;
	} else {
		c->isr |= 1u << ir;
	}
	if (!(c->elcr & (1u << ir)))
		c->irr &= ~(1u << ir);
}

static void i8259_chip_reset(struct i8259_chip *c)
{
	uint8_t elcr = c->elcr;

	/* ICW1 resets the edge sense circuit: pending edges are forgotten and
	 * a line that is already high must go low and high again (last_irr,
	 * the line levels, is kept for that). Level requests stay in IRR. */
	c->irr &= elcr;
	c->isr = 0;
	c->imr = 0;
	c->priority_add = 0;
	c->irq_base = 0;
	c->read_isr = 0;
	c->poll = 0;
	c->special_mask = 0;
	c->init_state = 0;
	c->init4 = 0;
	c->single = 0;
	c->icw3 = 0;
	c->auto_eoi = 0;
	c->rotate_on_aeoi = 0;
	c->sfnm = 0;
}

void i8259_reset(struct i8259 *pic)
{
	memset(&pic->s, 0, sizeof(pic->s));
	if (pic->set_intr)
		pic->set_intr(pic->intr_opaque, false);
}

void i8259_init(struct i8259 *pic, const struct hw_env *env,
		void (*set_intr)(void *opaque, bool level), void *intr_opaque)
{
	pic->env = env;
	pic->set_intr = set_intr;
	pic->intr_opaque = intr_opaque;
	i8259_reset(pic);
}

void i8259_set_irq(struct i8259 *pic, unsigned int irq, bool level)
{
	if (irq >= 16 || irq == 2)
		return; /* IR2 of the master is the cascade, not an ISA line */
	i8259_chip_input(&pic->s.chip[irq >> 3], irq & 7, level);
	i8259_update(pic);
}

bool i8259_intr(const struct i8259 *pic)
{
	return pic->s.intr;
}

uint8_t i8259_get_interrupt(struct i8259 *pic)
{
	struct i8259_chip *m = &pic->s.chip[0], *sl = &pic->s.chip[1];
	int ir = i8259_pending(m, true), ir2;
	uint8_t vec;

	if (ir < 0) {
		/* INTR went away before INTA: the master answers IR7, with
		 * no ISR bit set (datasheet, "Interrupt Sequence"). */
		vec = m->irq_base + 7;
	} else if (ir == 2) {
		ir2 = i8259_pending(sl, false);
		if (ir2 >= 0)
			i8259_ack(sl, ir2);
		else
			ir2 = 7; /* spurious on the slave: IR15 */
		vec = sl->irq_base + ir2;
		i8259_ack(m, ir);
	} else {
		vec = m->irq_base + ir;
		i8259_ack(m, ir);
	}
	i8259_update(pic);
	return vec;
}

/* OCW2: EOI and priority rotation. */
static void i8259_ocw2(struct i8259_chip *c, uint8_t val)
{
	unsigned int cmd = val >> 5;
	int p, ir;

	switch (cmd) {
	case 0: /* rotate in AEOI mode: clear */
	case 4: /* rotate in AEOI mode: set */
		c->rotate_on_aeoi = cmd >> 2;
		break;
	case 1: /* non-specific EOI */
	case 5: /* rotate on non-specific EOI */
		p = i8259_priority(c, c->isr);
		if (p == 8)
			break;
		ir = (p + c->priority_add) & 7;
		c->isr &= ~(1u << ir);
		if (cmd == 5)
			c->priority_add = (ir + 1) & 7;
		break;
	case 3: /* specific EOI */
		c->isr &= ~(1u << (val & 7));
		break;
	case 6: /* set priority: IR (val & 7) becomes the lowest */
		c->priority_add = (val + 1) & 7;
		break;
	case 7: /* rotate on specific EOI */
		ir = val & 7;
		c->isr &= ~(1u << ir);
		c->priority_add = (ir + 1) & 7;
		break;
	default: /* 2: no operation */
		break;
	}
}

static void i8259_write(struct i8259 *pic, unsigned int n, uint64_t port,
			uint8_t val)
{
	struct i8259_chip *c = &pic->s.chip[n];

	if (port == 0) {
		if (val & 0x10) {
			/* ICW1; bit 3 (LTIM) is ignored on the PIIX3 */
			i8259_chip_reset(c);
			c->init_state = 1;
			c->init4 = val & 1;
			c->single = (val >> 1) & 1;
		} else if (val & 0x08) {
			/* OCW3 */
			if (val & 0x04)
				c->poll = 1;
			if (val & 0x02)
				c->read_isr = val & 1;
			if (val & 0x40)
				c->special_mask = (val >> 5) & 1;
		} else {
			i8259_ocw2(c, val);
		}
	} else {
		switch (c->init_state) {
		case 0: /* OCW1 */
			c->imr = val;
			break;
		case 1: /* ICW2: T7-T3 of the vector */
			c->irq_base = val & 0xf8;
			c->init_state = c->single ? (c->init4 ? 3 : 0) : 2;
			break;
		case 2: /* ICW3 */
			c->icw3 = val;
			c->init_state = c->init4 ? 3 : 0;
			break;
		default: /* ICW4: SFNM bit 4, AEOI bit 1; BUF, M/S ignored */
			c->sfnm = (val >> 4) & 1;
			c->auto_eoi = (val >> 1) & 1;
			c->init_state = 0;
			break;
		}
	}
	i8259_update(pic);
}

static uint8_t i8259_read(struct i8259 *pic, unsigned int n, uint64_t port)
{
	struct i8259_chip *c = &pic->s.chip[n];
	int ir;

	if (c->poll) {
		/* Poll word: bit 7 = request present, bits 2-0 = level; the
		 * read acts as INTA for that level. */
		c->poll = 0;
		ir = i8259_pending(c, n == 0);
		if (ir < 0)
			return 0;
		i8259_ack(c, ir);
		i8259_update(pic);
		return 0x80 | ir;
	}
	if (port == 0)
		return c->read_isr ? c->isr : c->irr;
	return c->imr;
}

static uint64_t i8259_master_read(void *dev, uint64_t off, unsigned int size)
{
	(void)size;
	return i8259_read(dev, 0, off);
}

static void i8259_master_write(void *dev, uint64_t off, unsigned int size,
			       uint64_t val)
{
	(void)size;
	i8259_write(dev, 0, off, (uint8_t)val);
}

static uint64_t i8259_slave_read(void *dev, uint64_t off, unsigned int size)
{
	(void)size;
	return i8259_read(dev, 1, off);
}

static void i8259_slave_write(void *dev, uint64_t off, unsigned int size,
			      uint64_t val)
{
	(void)size;
	i8259_write(dev, 1, off, (uint8_t)val);
}

static uint64_t i8259_elcr_read(void *dev, uint64_t off, unsigned int size)
{
	struct i8259 *pic = dev;

	(void)size;
	return pic->s.chip[off & 1].elcr;
}

static void i8259_elcr_write(void *dev, uint64_t off, unsigned int size,
			     uint64_t val)
{
	struct i8259 *pic = dev;

	(void)size;
	pic->s.chip[off & 1].elcr = val & i8259_elcr_mask[off & 1];
}

const struct bus_ops i8259_master_ops = {
	.read = i8259_master_read,
	.write = i8259_master_write,
	.max_size = 1,
};

const struct bus_ops i8259_slave_ops = {
	.read = i8259_slave_read,
	.write = i8259_slave_write,
	.max_size = 1,
};

const struct bus_ops i8259_elcr_ops = {
	.read = i8259_elcr_read,
	.write = i8259_elcr_write,
	.max_size = 1,
};

int i8259_attach(struct i8259 *pic, struct bus *pio)
{
	int err;

	err = bus_register(pio, I8259_MASTER_PORT, 2, &i8259_master_ops, pic,
			   "pic-master");
	if (err)
		return err;
	err = bus_register(pio, I8259_SLAVE_PORT, 2, &i8259_slave_ops, pic,
			   "pic-slave");
	if (err)
		goto out_master;
	err = bus_register(pio, I8259_ELCR_PORT, 2, &i8259_elcr_ops, pic,
			   "elcr");
	if (err)
		goto out_slave;
	return 0;

out_slave:
	bus_unregister(pio, I8259_SLAVE_PORT);
out_master:
	bus_unregister(pio, I8259_MASTER_PORT);
	return err;
}
