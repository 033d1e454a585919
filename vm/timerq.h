/*
 * vm/timerq.h - the per-VM timer queue.
 *
 * Device models arm one-shot timers through struct hw_env; the run loop
 * (or the hosted runner, or a unit test) calls timerq_run(now) with the VM
 * clock and the due callbacks fire in deadline order. The queue allocates
 * nothing: each timer is embedded in the device that owns it.
 *
 * Not thread-safe: one VM's queue is driven by one thread at a time.
 */
#ifndef KEEL_VM_TIMERQ_H
#define KEEL_VM_TIMERQ_H

#include <stdbool.h>
#include <stdint.h>

#define TIMERQ_NEVER UINT64_MAX

struct timerq_timer {
	struct timerq_timer *prev, *next; /* queue links, valid while armed */
	uint64_t deadline;                /* VM clock, ns */
	void (*fn)(void *opaque);
	void *opaque;
	bool armed;
};

struct timerq {
	struct timerq_timer *head;        /* earliest deadline first */
	uint64_t floor;                   /* while running: earliest re-arm */
	uint64_t fired;                   /* callbacks run so far */
	bool running;
};

void timerq_init(struct timerq *q);
void timerq_timer_init(struct timerq_timer *t, void (*fn)(void *opaque),
		       void *opaque);

/*
 * Arm (or move) a timer. A timer armed from inside a callback never fires
 * before the deadline of that callback plus 1 ns, so timerq_run always
 * terminates. Timers with equal deadlines fire in the order they were armed.
 */
void timerq_arm(struct timerq *q, struct timerq_timer *t, uint64_t deadline);
void timerq_cancel(struct timerq *q, struct timerq_timer *t);

static inline bool timerq_armed(const struct timerq_timer *t)
{
	return t->armed;
}

/* Deadline of the earliest armed timer, TIMERQ_NEVER when none is. */
uint64_t timerq_next_deadline(const struct timerq *q);

/* Fire every timer whose deadline is <= now; returns how many fired. */
unsigned timerq_run(struct timerq *q, uint64_t now);

#endif
