/*
 * tests/unit/hw_fake.h - a fake struct hw_env and QEMU-qtest-like helpers
 * for driving device models port by port from cmocka tests:
 *
 *   outb(0x43, 0x34); clock_step(1000000); assert_true(irq_level(0));
 *
 * The clock only moves when a test moves it. clock_step() advances to each
 * timer deadline in turn and runs the queue there, as qtest's clock_step
 * does, so callbacks see "now" equal to their deadline.
 */
#ifndef KEEL_TESTS_HW_FAKE_H
#define KEEL_TESTS_HW_FAKE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "hw/hw_env.h"
#include "vm/bus.h"
#include "vm/timerq.h"

#define FAKE_IRQS 24
#define FAKE_RAM  4096

struct fake_env {
	struct hw_env env;
	struct timerq tq;
	struct bus pio;
	uint64_t now;
	bool level[FAKE_IRQS];
	unsigned int rises[FAKE_IRQS];  /* low-to-high transitions seen */
	unsigned int calls[FAKE_IRQS];  /* set_irq calls, any level */
	uint64_t ns_per_read;           /* clock advance on every read (default 0) */
	uint8_t ram[FAKE_RAM];
};

/* The environment the helpers below act on (one per test process). */
static struct fake_env *fake;

static inline void fake_set_irq(void *opaque, unsigned int gsi, bool level)
{
	struct fake_env *f = opaque;

	if (gsi >= FAKE_IRQS)
		return;
	f->calls[gsi]++;
	if (level && !f->level[gsi])
		f->rises[gsi]++;
	f->level[gsi] = level;
}

static inline uint64_t fake_clock(void *opaque)
{
	struct fake_env *f = opaque;

	f->now += f->ns_per_read; /* a slow host: time passes between reads */
	return f->now;
}

static inline bool fake_mem_ok(uint64_t gpa, size_t len)
{
	return gpa <= FAKE_RAM && len <= FAKE_RAM - gpa;
}

static inline int fake_mem_read(void *opaque, uint64_t gpa, void *buf,
				size_t len)
{
	struct fake_env *f = opaque;

	if (!fake_mem_ok(gpa, len))
		return -EFAULT;
	memcpy(buf, &f->ram[gpa], len);
	return 0;
}

static inline int fake_mem_write(void *opaque, uint64_t gpa, const void *buf,
				 size_t len)
{
	struct fake_env *f = opaque;

	if (!fake_mem_ok(gpa, len))
		return -EFAULT;
	memcpy(&f->ram[gpa], buf, len);
	return 0;
}

static inline void fake_init(struct fake_env *f, uint64_t start_ns)
{
	memset(f, 0, sizeof(*f));
	f->now = start_ns;
	timerq_init(&f->tq);
	bus_init(&f->pio, "pio");
	f->env = (struct hw_env){
		.set_irq = fake_set_irq, .irq_opaque = f,
		.clock_ns = fake_clock, .clock_opaque = f,
		.timerq = &f->tq,
		.mem_read = fake_mem_read, .mem_write = fake_mem_write,
		.mem_opaque = f,
	};
	fake = f;
}

/* ---- qtest vocabulary ---------------------------------------------------- */

static inline void outb(uint16_t port, uint8_t v)
{
	bus_write(&fake->pio, port, 1, v);
}

static inline uint8_t inb(uint16_t port)
{
	return (uint8_t)bus_read(&fake->pio, port, 1);
}

static inline void outw(uint16_t port, uint16_t v)
{
	bus_write(&fake->pio, port, 2, v);
}

static inline uint16_t inw(uint16_t port)
{
	return (uint16_t)bus_read(&fake->pio, port, 2);
}

static inline void outl(uint16_t port, uint32_t v)
{
	bus_write(&fake->pio, port, 4, v);
}

static inline uint32_t inl(uint16_t port)
{
	return (uint32_t)bus_read(&fake->pio, port, 4);
}

/* Advance the VM clock by ns, firing every timer due on the way. */
static inline void clock_step(uint64_t ns)
{
	uint64_t target = fake->now + ns;

	while (timerq_next_deadline(&fake->tq) <= target) {
		uint64_t d = timerq_next_deadline(&fake->tq);

		if (d > fake->now)
			fake->now = d;
		timerq_run(&fake->tq, fake->now);
	}
	fake->now = target;
}

/* Advance to the next timer deadline (if any, and at most max ns away). */
static inline uint64_t clock_step_next(uint64_t max)
{
	uint64_t d = timerq_next_deadline(&fake->tq);

	if (d == TIMERQ_NEVER || d - fake->now > max)
		return 0;
	clock_step(d - fake->now);
	return d;
}

static inline bool irq_level(unsigned int n)
{
	return fake->level[n];
}

static inline unsigned int irq_rises(unsigned int n)
{
	return fake->rises[n];
}

#endif
