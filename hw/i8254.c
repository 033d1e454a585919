/*
 * hw/i8254.c - Intel 8254 programmable interval timer.
 *
 * Reference: Intel 8254 datasheet (order 231164): "Control Word Format",
 * "Counter Latch Command", "Read-Back Command" and the status byte, "Mode
 * Definitions" (modes 0-5) and "Gate" (the table of GATE effects per mode).
 *
 * Each counter is kept as "loaded with n at tick start", and its value and
 * OUT are computed for the tick being asked about. Like QEMU, a count is
 * loaded at the moment it is written (the datasheet loads it on the next
 * CLK pulse), the counter value of mode 3 with an odd count follows QEMU's
 * formula, and a new count written in modes 2/3 takes effect at the end of
 * the current period. OUT levels follow the datasheet.
 */
#include "hw/i8254.h"

#define NS_PER_SEC 1000000000u
#define NEVER      UINT64_MAX

enum { RW_LSB = 1, RW_MSB = 2, RW_WORD0 = 3, RW_WORD1 = 4 };

static uint64_t pit_now(const struct i8254 *pit)
{
	return hw_muldiv64(hw_clock_ns(pit->env), I8254_HZ, NS_PER_SEC);
}

/* First nanosecond of tick t. */
static uint64_t pit_tick_ns(uint64_t t)
{
	return hw_muldiv64_ceil(t, NS_PER_SEC, I8254_HZ);
}

static uint32_t pit_modulus(const struct i8254_channel *c)
{
	return c->bcd ? 10000 : 0x10000;
}

static uint16_t pit_to_bcd(uint32_t v)
{
	return (v % 10) | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 |
	       (v / 1000 % 10) << 12;
}

static uint32_t pit_from_bcd(uint16_t v)
{
	return (v & 15) + (v >> 4 & 15) * 10 + (v >> 8 & 15) * 100 +
	       (v >> 12 & 15) * 1000;
}

/* Modes 2/3: a count written while counting is taken at the period end. */
static void pit_sync(struct i8254_channel *c, uint64_t tick)
{
	if (c->reload_pending && c->counting && tick >= c->reload_at) {
		c->start = c->reload_at;
		c->n = c->cr;
		c->reload_pending = 0;
		c->null_count = 0;
	}
}

static uint64_t pit_elapsed(const struct i8254_channel *c, uint64_t tick)
{
	return c->counting ? tick - c->start : c->held;
}

/* Value of the counting element, binary (0 .. modulus - 1). */
static uint32_t pit_value(const struct i8254_channel *c, uint64_t tick)
{
	uint32_t m = pit_modulus(c);
	uint64_t d = pit_elapsed(c, tick);

	if (c->phase != I8254_RUN)
		return c->frozen % m;
	switch (c->mode) {
	case 2:
		return (c->n - d % c->n) % m;
	case 3:
		return (c->n - (2 * d) % c->n) % m;
	default: /* 0, 1, 4, 5: count down through zero and wrap */
		return (c->n + m - d % m) % m;
	}
}

static bool pit_out(const struct i8254_channel *c, uint64_t tick)
{
	uint64_t d;

	if (c->phase == I8254_IDLE)
		return c->mode != 0; /* mode 0 starts low, the others high */
	if (c->phase == I8254_WAIT)
		return true;
	if ((c->mode == 2 || c->mode == 3) && !c->gate)
		return true; /* GATE low forces OUT high in modes 2 and 3 */
	d = pit_elapsed(c, tick);
	switch (c->mode) {
	case 0: /* interrupt on terminal count */
	case 1: /* hardware retriggerable one-shot */
		return d >= c->n;
	case 2: /* rate generator: low for the clock in which CE = 1 */
		return d % c->n != c->n - 1;
	case 3: /* square wave: high for ceil(n/2), low for floor(n/2) */
		return d % c->n < (c->n + 1) / 2;
	default: /* 4, 5: strobe, low for the clock in which CE = 0 */
		return d != c->n;
	}
}

/* Tick of the next OUT change after tick, or NEVER. */
static uint64_t pit_next(const struct i8254_channel *c, uint64_t tick)
{
	uint64_t d, r, h;

	if (c->phase != I8254_RUN || !c->counting)
		return NEVER;
	d = tick - c->start;
	switch (c->mode) {
	case 0:
	case 1:
		return d < c->n ? c->start + c->n : NEVER;
	case 2:
		if (c->n == 1)
			return NEVER;
		r = d % c->n;
		return r == c->n - 1 ? tick + 1 : tick + (c->n - 1 - r);
	case 3:
		if (c->n == 1)
			return NEVER;
		h = (c->n + 1) / 2;
		r = d % c->n;
		return r < h ? tick + (h - r) : tick + (c->n - r);
	default:
		if (d < c->n)
			return c->start + c->n;
		return d == c->n ? c->start + c->n + 1 : NEVER;
	}
}

/* Bring IRQ 0 to counter 0's OUT at tick and arm the next transition. */
static void pit_irq_update(struct i8254 *pit, uint64_t tick)
{
	struct i8254_channel *c = &pit->s.ch[0];
	bool level = pit_out(c, tick);
	uint64_t next = pit_next(c, tick);

	if (level != (bool)pit->s.irq_level) {
		pit->s.irq_level = level;
		hw_irq_set(pit->env, pit->irq, level);
	}
	pit->s.irq_tick = next;
	if (next == NEVER)
		hw_timer_cancel(pit->env, &pit->timer);
	else
		hw_timer_arm(pit->env, &pit->timer, pit_tick_ns(next));
}

static void pit_timer_fired(void *opaque)
{
	struct i8254 *pit = opaque;
	struct i8254_channel *c = &pit->s.ch[0];
	uint64_t tick = pit->s.irq_tick;

	/* Use the transition's own tick, not "now": a late timer replays
	 * every edge in order instead of skipping some. If a counter read
	 * already moved the counter past it (a pending reload), go on from
	 * now instead. */
	if (c->counting && tick < c->start)
		tick = pit_now(pit);
	pit_sync(c, tick);
	pit_irq_update(pit, tick);
}

static void pit_changed(struct i8254 *pit, unsigned int ch, uint64_t tick)
{
	if (ch == 0)
		pit_irq_update(pit, tick);
}

/* A complete count has been written. */
static void pit_load(struct i8254_channel *c, uint16_t raw, uint64_t tick)
{
	uint32_t v = c->bcd ? pit_from_bcd(raw) : raw;

	c->cr = v ? v : pit_modulus(c);
	c->null_count = 1;
	switch (c->mode) {
	case 1:
	case 5: /* loaded by the next trigger */
		if (c->phase == I8254_IDLE)
			c->phase = I8254_WAIT;
		return;
	case 2:
	case 3:
		if (c->phase == I8254_RUN && c->counting) {
			uint64_t d = tick - c->start;

			c->reload_at = c->start + (d / c->n + 1) * c->n;
			c->reload_pending = 1;
			return;
		}
		break;
	default:
		break;
	}
	c->n = c->cr;
	c->start = tick;
	c->held = 0;
	c->counting = c->gate;
	c->phase = I8254_RUN;
	c->reload_pending = 0;
	c->null_count = 0;
}

void i8254_set_gate(struct i8254 *pit, unsigned int ch, bool level)
{
	struct i8254_channel *c;
	uint64_t tick;

	if (ch > 2)
		return;
	c = &pit->s.ch[ch];
	tick = pit_now(pit);
	pit_sync(c, tick);
	if (level && !c->gate) {
		/* rising edge: a trigger in modes 1, 2, 3, 5 */
		if (c->mode == 0 || c->mode == 4) {
			if (c->phase == I8254_RUN && !c->counting) {
				c->start = tick - c->held;
				c->counting = 1;
			}
		} else if (c->phase != I8254_IDLE) {
			c->n = c->cr;
			c->start = tick;
			c->counting = 1;
			c->phase = I8254_RUN;
			c->reload_pending = 0;
			c->null_count = 0;
		}
	} else if (!level && c->gate) {
		/* low level stops counting in modes 0, 2, 3, 4 */
		if (c->mode != 1 && c->mode != 5 && c->counting) {
			c->held = tick - c->start;
			c->counting = 0;
		}
	}
	c->gate = level;
	pit_changed(pit, ch, tick);
}

bool i8254_get_gate(const struct i8254 *pit, unsigned int ch)
{
	return ch <= 2 && pit->s.ch[ch].gate;
}

bool i8254_get_out(struct i8254 *pit, unsigned int ch)
{
	uint64_t tick = pit_now(pit);

	if (ch > 2)
		return false;
	pit_sync(&pit->s.ch[ch], tick);
	return pit_out(&pit->s.ch[ch], tick);
}

static void pit_latch(struct i8254_channel *c, uint64_t tick)
{
	uint32_t v;

	if (c->count_latched)
		return; /* a second latch before the read is ignored */
	v = pit_value(c, tick);
	c->latched_count = c->bcd ? pit_to_bcd(v) : v;
	c->count_latched = c->rw_mode ? c->rw_mode : RW_LSB;
}

static void pit_control(struct i8254 *pit, uint8_t val, uint64_t tick)
{
	unsigned int sc = val >> 6, i;
	struct i8254_channel *c;

	if (sc == 3) {
		/* Read-back: bit 5 = !COUNT, bit 4 = !STATUS, bits 3-1 =
		 * counters 2, 1, 0. */
		for (i = 0; i < 3; i++) {
			c = &pit->s.ch[i];
			if (!(val & (2u << i)))
				continue;
			pit_sync(c, tick);
			if (!(val & 0x20))
				pit_latch(c, tick);
			if (!(val & 0x10) && !c->status_latched) {
				c->status = pit_out(c, tick) << 7 |
					    c->null_count << 6 |
					    c->rw_mode << 4 |
					    c->mode_bits << 1 | c->bcd;
				c->status_latched = 1;
			}
		}
		return;
	}
	c = &pit->s.ch[sc];
	pit_sync(c, tick);
	if ((val & 0x30) == 0) {
		pit_latch(c, tick);
		return;
	}
	/* A control word resets the counter's logic: OUT goes to its initial
	 * level and counting waits for a new count. */
	c->frozen = pit_value(c, tick);
	c->rw_mode = (val >> 4) & 3;
	c->read_state = c->rw_mode;
	c->write_state = c->rw_mode;
	c->mode_bits = (val >> 1) & 7;
	c->mode = c->mode_bits > 5 ? c->mode_bits & 3 : c->mode_bits;
	c->bcd = val & 1;
	c->phase = I8254_IDLE;
	c->counting = 0;
	c->reload_pending = 0;
	c->null_count = 1;
	pit_changed(pit, sc, tick);
}

static void pit_write_count(struct i8254 *pit, unsigned int ch, uint8_t val,
			    uint64_t tick)
{
	struct i8254_channel *c = &pit->s.ch[ch];

	pit_sync(c, tick);
	switch (c->write_state) {
	case RW_MSB:
		pit_load(c, val << 8, tick);
		break;
	case RW_WORD0:
		c->write_latch = val;
		c->write_state = RW_WORD1;
		if (c->mode == 0) {
			/* mode 0: the first byte stops counting, OUT low */
			c->frozen = pit_value(c, tick);
			c->phase = I8254_IDLE;
			c->counting = 0;
		}
		break;
	case RW_WORD1:
		pit_load(c, c->write_latch | val << 8, tick);
		c->write_state = RW_WORD0;
		break;
	default: /* RW_LSB, or never programmed */
		pit_load(c, val, tick);
		break;
	}
	pit_changed(pit, ch, tick);
}

static uint8_t pit_read_count(struct i8254_channel *c, uint64_t tick)
{
	uint32_t v;

	if (c->status_latched) {
		c->status_latched = 0;
		return c->status;
	}
	if (c->count_latched) {
		switch (c->count_latched) {
		case RW_MSB:
			c->count_latched = 0;
			return c->latched_count >> 8;
		case RW_WORD0:
			c->count_latched = RW_MSB;
			return c->latched_count & 0xff;
		default:
			c->count_latched = 0;
			return c->latched_count & 0xff;
		}
	}
	pit_sync(c, tick);
	v = pit_value(c, tick);
	if (c->bcd)
		v = pit_to_bcd(v);
	switch (c->read_state) {
	case RW_MSB:
		return v >> 8;
	case RW_WORD0:
		c->read_state = RW_WORD1;
		return v & 0xff;
	case RW_WORD1:
		c->read_state = RW_WORD0;
		return v >> 8;
	default:
		return v & 0xff;
	}
}

static uint64_t pit_port_read(void *dev, uint64_t off, unsigned int size)
{
	struct i8254 *pit = dev;

	(void)size;
	if (off >= 3)
		return 0; /* the control word register is write-only */
	return pit_read_count(&pit->s.ch[off], pit_now(pit));
}

static void pit_port_write(void *dev, uint64_t off, unsigned int size,
			   uint64_t val)
{
	struct i8254 *pit = dev;
	uint64_t tick = pit_now(pit);

	(void)size;
	if (off >= 3)
		pit_control(pit, (uint8_t)val, tick);
	else
		pit_write_count(pit, (unsigned int)off, (uint8_t)val, tick);
}

const struct bus_ops i8254_ops = {
	.read = pit_port_read,
	.write = pit_port_write,
	.max_size = 1,
};

void i8254_reset(struct i8254 *pit)
{
	uint64_t tick = pit_now(pit);
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct i8254_channel *c = &pit->s.ch[i];

		*c = (struct i8254_channel){
			.mode = 3, .mode_bits = 3, .gate = i != 2,
		};
		pit_load(c, 0, tick);
	}
	pit_irq_update(pit, tick);
}

void i8254_init(struct i8254 *pit, const struct hw_env *env, unsigned int irq)
{
	pit->env = env;
	pit->irq = irq;
	pit->s.irq_level = 0;
	hw_timer_init(&pit->timer, pit_timer_fired, pit);
	i8254_reset(pit);
}

int i8254_attach(struct i8254 *pit, struct bus *pio)
{
	return bus_register(pio, I8254_PORT, 4, &i8254_ops, pit, "pit");
}
