/*
 * tests/fuzz/fuzz_env.h - the shared driver of the libFuzzer harnesses.
 *
 * A harness builds a fresh device over the fake environment of
 * tests/unit/hw_fake.h (fake clock, IRQ lines, 4 KiB of RAM) and hands the
 * input to fz_run(), which reads it as a sequence of operations:
 *
 *   op byte & 3 == 0   read  : size byte, 16-bit offset          (window op >> 2)
 *                  1   write : size byte, 16-bit offset, value
 *                  2   clock : 32-bit step, below the harness's max_ns
 *                  3   device: the harness's dev_op(in, op >> 2)
 *
 * Offsets run a little past each window, so accesses that straddle the end
 * of a device's range (and get split by the bus) are covered too. After
 * each operation the harness's check() asserts cheap invariants; fz_check
 * aborts, which libFuzzer reports as a crash with the input that did it.
 */
#ifndef KEEL_TESTS_FUZZ_ENV_H
#define KEEL_TESTS_FUZZ_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>  /* fprintf */
#include <stdlib.h> /* abort */

#include "tests/unit/hw_fake.h"

#define FZ_MAX_OPS 1024   /* per input: keeps one run short */
#define FZ_MAX_FIRE 16    /* timer deadlines stepped through per clock op */

struct fz {
	const uint8_t *p;
	size_t n;
};

/* One address window of a device on a bus (its ports or its MMIO page). */
struct fz_window {
	struct bus *bus;
	uint64_t base;
	uint64_t len;
};

static inline void fz_check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz invariant broken: %s\n", what);
		abort();
	}
}

/* The next bytes of the input, little-endian; zeros once it runs out. */
static inline uint64_t fz_take(struct fz *in, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes && in->n; i++, in->n--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

static inline uint8_t fz_u8(struct fz *in)
{
	return (uint8_t)fz_take(in, 1);
}

/* ---- guest RAM: out-of-range DMA is refused and counted, never done ---- */

static uint64_t fz_mem_refused;

static inline int fz_mem_read(void *opaque, uint64_t gpa, void *buf,
			      size_t len)
{
	int r = fake_mem_read(opaque, gpa, buf, len);

	fz_mem_refused += r != 0;
	return r;
}

static inline int fz_mem_write(void *opaque, uint64_t gpa, const void *buf,
			       size_t len)
{
	int r = fake_mem_write(opaque, gpa, buf, len);

	fz_mem_refused += r != 0;
	return r;
}

static inline void fz_env_init(struct fake_env *f)
{
	fake_init(f, 1000);
	f->env.mem_read = fz_mem_read;
	f->env.mem_write = fz_mem_write;
	fz_mem_refused = 0;
}

/* ---- operations ---------------------------------------------------------- */

static inline void fz_access(struct fz *in, const struct fz_window *w,
			     bool write)
{
	unsigned int size = 1u << (fz_u8(in) & 3);
	uint64_t addr = w->base + fz_take(in, 2) % (w->len + 4);

	if (write) {
		bus_write(w->bus, addr, size, fz_take(in, size));
	} else {
		uint64_t v = bus_read(w->bus, addr, size);

		fz_check(size == 8 || v >> (8 * size) == 0,
			 "read returned more than size bytes");
	}
}

/*
 * Advance the clock by less than max_ns, running the timers due. Like
 * hw_fake's clock_step, but a timer re-armed every nanosecond cannot make
 * one step take forever: after FZ_MAX_FIRE deadlines the clock jumps, the
 * way a busy host runs late timers.
 */
static inline void fz_clock(struct fz *in, uint64_t max_ns)
{
	uint64_t target = fake->now + fz_take(in, 4) % max_ns;

	for (int i = 0; i < FZ_MAX_FIRE; i++) {
		uint64_t d = timerq_next_deadline(&fake->tq);

		if (d > target)
			break;
		if (d > fake->now)
			fake->now = d;
		timerq_run(&fake->tq, fake->now);
	}
	fake->now = target;
	timerq_run(&fake->tq, fake->now);
}

static inline void fz_run(struct fz *in, const struct fz_window *w,
			  unsigned int nw, uint64_t max_ns,
			  void (*dev_op)(struct fz *in, unsigned int op),
			  void (*check)(void))
{
	for (unsigned int ops = 0; in->n && ops < FZ_MAX_OPS; ops++) {
		uint8_t op = fz_u8(in);

		switch (op & 3) {
		case 0:
		case 1:
			fz_access(in, &w[(op >> 2) % nw], op & 1);
			break;
		case 2:
			fz_clock(in, max_ns);
			break;
		case 3:
			if (dev_op)
				dev_op(in, op >> 2);
			break;
		}
		if (check)
			check();
	}
}

#endif
