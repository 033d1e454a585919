/*
 * vm/timerq.c - the per-VM timer queue: a sorted, doubly linked list of
 * caller-owned timers. A VM has a handful of timers (PIT, RTC, UARTs,
 * LAPIC timers), so an O(n) insert is cheaper than a heap's bookkeeping;
 * cancel and "fire the head" are O(1).
 */
#include "vm/timerq.h"

#include <stddef.h> /* NULL */

void timerq_init(struct timerq *q)
{
	q->head = NULL;
	q->floor = 0;
	q->fired = 0;
	q->running = false;
}

void timerq_timer_init(struct timerq_timer *t, void (*fn)(void *opaque),
		       void *opaque)
{
	t->prev = NULL;
	t->next = NULL;
	t->deadline = TIMERQ_NEVER;
	t->fn = fn;
	t->opaque = opaque;
	t->armed = false;
}

static void timerq_unlink(struct timerq *q, struct timerq_timer *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		q->head = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->prev = NULL;
	t->next = NULL;
	t->armed = false;
}

void timerq_cancel(struct timerq *q, struct timerq_timer *t)
{
	if (t->armed)
		timerq_unlink(q, t);
}

void timerq_arm(struct timerq *q, struct timerq_timer *t, uint64_t deadline)
{
	struct timerq_timer *pos, *prev = NULL;

	timerq_cancel(q, t);
	if (q->running && deadline < q->floor)
		deadline = q->floor;
	t->deadline = deadline;

	/* After every timer due no later than this one: FIFO among equals. */
	for (pos = q->head; pos && pos->deadline <= deadline; pos = pos->next)
		prev = pos;
	t->prev = prev;
	t->next = pos;
	if (prev)
		prev->next = t;
	else
		q->head = t;
	if (pos)
		pos->prev = t;
	t->armed = true;
}

uint64_t timerq_next_deadline(const struct timerq *q)
{
	return q->head ? q->head->deadline : TIMERQ_NEVER;
}

unsigned timerq_run(struct timerq *q, uint64_t now)
{
	bool nested = q->running; /* called from a callback: keep the floor */
	unsigned n = 0;

	q->running = true;
	while (q->head && q->head->deadline <= now) {
		struct timerq_timer *t = q->head;

		timerq_unlink(q, t);
		q->floor = t->deadline == TIMERQ_NEVER ? t->deadline
						       : t->deadline + 1;
		t->fn(t->opaque);
		n++;
	}
	q->fired += n;
	q->running = nested;
	if (!nested)
		q->floor = 0;
	return n;
}
