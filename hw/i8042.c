/*
 * hw/i8042.c - PS/2 controller subset.
 *
 * References: IBM PS/2 Hardware Interface Technical Reference, "Keyboard/
 * Auxiliary Device Controller" (status register bits, commands 20h/60h
 * read/write command byte, AAh self-test answering 55h, ABh interface test
 * answering 00h, ADh/AEh disable/enable keyboard, C0h read input port,
 * D0h/D1h read/write output port with bit 0 system reset and bit 1 gate
 * A20, F0h-FFh pulse output port bits: a 0 in bit 0 pulses reset). Reset
 * values and the DDh/DFh A20 shortcuts follow QEMU's hw/input/pckbd.c:
 * status 18h, command byte 03h, output port CFh.
 */
#include "hw/i8042.h"

/* command byte bits */
#define I8042_MODE_KBD_INT   0x01
#define I8042_MODE_DISABLE_KBD 0x10
#define I8042_MODE_DISABLE_AUX 0x20

static void i8042_update_irq(struct i8042 *k)
{
	uint8_t level = (k->s.status & I8042_STAT_OBF) &&
			(k->s.mode & I8042_MODE_KBD_INT);

	if (level != k->s.irq) {
		k->s.irq = level;
		hw_irq_set(k->env, I8042_IRQ, level);
	}
}

static void i8042_queue(struct i8042 *k, uint8_t b)
{
	k->s.obuf = b;
	k->s.status |= I8042_STAT_OBF;
	i8042_update_irq(k);
}

void i8042_reset(struct i8042 *k)
{
	k->s.status = I8042_STAT_CMD | I8042_STAT_UNLOCKED;
	k->s.mode = 0x03;
	k->s.outport = 0xcc | I8042_OUT_A20 | I8042_OUT_RESET;
	k->s.obuf = 0;
	k->s.write_cmd = 0;
	if (k->s.irq) {
		k->s.irq = 0;
		hw_irq_lower(k->env, I8042_IRQ);
	}
}

void i8042_init(struct i8042 *k, const struct hw_env *env,
		void (*set_a20)(void *opaque, bool enabled),
		void (*reset_request)(void *opaque), void *opaque)
{
	k->env = env;
	k->set_a20 = set_a20;
	k->reset_request = reset_request;
	k->opaque = opaque;
	k->dropped = 0;
	k->s.irq = 0;
	i8042_reset(k);
}

static void i8042_write_outport(struct i8042 *k, uint8_t val)
{
	k->s.outport = val;
	if (k->set_a20)
		k->set_a20(k->opaque, (val & I8042_OUT_A20) != 0);
	if (!(val & I8042_OUT_RESET) && k->reset_request)
		k->reset_request(k->opaque);
}

static uint64_t i8042_cmd_read(void *dev, uint64_t off, unsigned int size)
{
	struct i8042 *k = dev;

	(void)off;
	(void)size;
	return k->s.status;
}

static void i8042_cmd_write(void *dev, uint64_t off, unsigned int size,
			    uint64_t v)
{
	struct i8042 *k = dev;
	uint8_t val = (uint8_t)v;

	(void)off;
	(void)size;
	/* F0h-FFh pulse output port bits 0-3 low; only bit 0 (reset) is
	 * wired */
	if (val >= 0xf0) {
		if (!(val & 1) && k->reset_request)
			k->reset_request(k->opaque);
		return;
	}
	switch (val) {
	case 0x20: /* read command byte */
		i8042_queue(k, k->s.mode);
		break;
	case 0x60: /* write command byte */
	case 0xd1: /* write output port */
		k->s.write_cmd = val;
		break;
	case 0xaa: /* controller self-test */
		k->s.status |= I8042_STAT_SYS;
		i8042_queue(k, 0x55);
		break;
	case 0xa9: /* aux interface test */
	case 0xab: /* keyboard interface test */
	case 0xe0: /* read test inputs */
		i8042_queue(k, 0x00);
		break;
	case 0xad: /* disable keyboard */
		k->s.mode |= I8042_MODE_DISABLE_KBD;
		break;
	case 0xae: /* enable keyboard */
		k->s.mode &= (uint8_t)~I8042_MODE_DISABLE_KBD;
		break;
	case 0xa7: /* disable aux: command byte bit 5, which Linux reads back */
		k->s.mode |= I8042_MODE_DISABLE_AUX;
		break;
	case 0xa8: /* enable aux */
		k->s.mode &= (uint8_t)~I8042_MODE_DISABLE_AUX;
		break;
	case 0xc0: /* read input port: keyboard not inhibited */
		i8042_queue(k, 0x80);
		break;
	case 0xd0: /* read output port */
		i8042_queue(k, k->s.outport);
		break;
	case 0xdd: /* A20 off */
		i8042_write_outport(k, k->s.outport & ~I8042_OUT_A20);
		break;
	case 0xdf: /* A20 on */
		i8042_write_outport(k, k->s.outport | I8042_OUT_A20);
		break;
	default:
		break;
	}
}

static uint64_t i8042_data_read(void *dev, uint64_t off, unsigned int size)
{
	struct i8042 *k = dev;

	(void)off;
	(void)size;
	/* an empty buffer reads the last byte again */
	k->s.status &= (uint8_t)~I8042_STAT_OBF;
	i8042_update_irq(k);
	return k->s.obuf;
}

static void i8042_data_write(void *dev, uint64_t off, unsigned int size,
			     uint64_t v)
{
	struct i8042 *k = dev;
	uint8_t cmd = k->s.write_cmd;

	(void)off;
	(void)size;
	k->s.write_cmd = 0;
	if (cmd == 0x60) {
		k->s.mode = (uint8_t)v;
		i8042_update_irq(k);
	} else if (cmd == 0xd1) {
		i8042_write_outport(k, (uint8_t)v);
	} else {
		k->dropped++;
	}
}

const struct bus_ops i8042_data_ops = {
	.read = i8042_data_read,
	.write = i8042_data_write,
	.max_size = 1,
};

const struct bus_ops i8042_cmd_ops = {
	.read = i8042_cmd_read,
	.write = i8042_cmd_write,
	.max_size = 1,
};

int i8042_attach(struct i8042 *k, struct bus *pio)
{
	int err;

	err = bus_register(pio, I8042_DATA_PORT, 1, &i8042_data_ops, k,
			   "i8042-data");
	if (err)
		return err;
	err = bus_register(pio, I8042_CMD_PORT, 1, &i8042_cmd_ops, k,
			   "i8042-cmd");
	if (err)
		(void)bus_unregister(pio, I8042_DATA_PORT);
	return err;
}
