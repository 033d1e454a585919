/* vm/sched.c - per-CPU run queues of VMs; see sched.h for the policy.
 * Fairness follows the virtual-runtime idea of Linux's CFS: the runnable
 * entity that has received the least CPU time runs next, and one that
 * wakes from a long sleep is not owed that whole sleep (its vruntime is
 * raised to one slice below the queue's least), so it cannot starve the
 * others when it comes back. */
#include "vm/sched.h"

#include <stddef.h>

static void rq_lock(struct sched_rq *rq)
{
	while (__atomic_exchange_n(&rq->lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&rq->lock, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static void rq_unlock(struct sched_rq *rq)
{
	__atomic_store_n(&rq->lock, 0, __ATOMIC_RELEASE);
}

static uint64_t now_ns(struct sched *s)
{
	return s->host->now_ns(s->host->opaque);
}

static void kick(struct sched *s, unsigned int cpu)
{
	if (s->host->kick_cpu)
		s->host->kick_cpu(s->host->opaque, cpu);
}

void sched_init(struct sched *s, const struct sched_host *h, unsigned int first_cpu,
		unsigned int ncpus)
{
	*s = (struct sched){.host = h, .first_cpu = first_cpu,
			    .ncpus = ncpus > SCHED_MAX_CPUS ? SCHED_MAX_CPUS : ncpus};
}

unsigned int sched_cpu_load(struct sched *s, unsigned int cpu)
{
	return cpu < s->ncpus ? __atomic_load_n(&s->rq[cpu].n, __ATOMIC_RELAXED) : 0;
}

/* Least vruntime of the queue's other entities, or 0 when it has none. */
static uint64_t rq_min_vruntime(const struct sched_rq *rq, const struct sched_ent *skip)
{
	uint64_t min = 0;
	bool any = false;
	for (const struct sched_ent *e = rq->head; e; e = e->next)
		if (e != skip && (!any || e->vruntime < min))
			min = e->vruntime, any = true;
	return min;
}

/* Insert under rq's lock; a newcomer starts level with the queue. */
static void rq_insert(struct sched_rq *rq, struct sched_ent *e)
{
	uint64_t min = rq_min_vruntime(rq, NULL);
	if (e->vruntime < min)
		e->vruntime = min;
	e->next = rq->head;
	rq->head = e;
	rq->n++;
}

static void rq_unlink(struct sched_rq *rq, struct sched_ent *e)
{
	for (struct sched_ent **p = &rq->head; *p; p = &(*p)->next)
		if (*p == e) {
			*p = e->next;
			e->next = NULL;
			rq->n--;
			return;
		}
}

int sched_add(struct sched *s, struct sched_ent *e, int cpu)
{
	if (s->first_cpu >= s->ncpus)
		return -1;
	if (cpu < (int)s->first_cpu || cpu >= (int)s->ncpus) {
		cpu = (int)s->first_cpu;
		for (unsigned int c = s->first_cpu + 1; c < s->ncpus; c++)
			if (sched_cpu_load(s, c) < sched_cpu_load(s, (unsigned int)cpu))
				cpu = (int)c;
	}
	struct sched_rq *rq = &s->rq[cpu];
	e->cpu = cpu;
	e->state = SCHED_RUNNABLE;
	e->wake_pending = false;
	e->next = NULL;
	rq_lock(rq);
	rq_insert(rq, e);
	rq_unlock(rq);
	kick(s, (unsigned int)cpu);
	return cpu;
}

void sched_wake(struct sched *s, struct sched_ent *e)
{
	for (;;) {
		int cpu = __atomic_load_n(&e->cpu, __ATOMIC_ACQUIRE);
		struct sched_rq *rq = &s->rq[cpu];
		rq_lock(rq);
		if (e->cpu != cpu) { /* stolen meanwhile: follow it */
			rq_unlock(rq);
			continue;
		}
		if (e->state == SCHED_SLEEPING) {
			uint64_t floor = rq_min_vruntime(rq, e);
			if (floor > SCHED_SLICE_NS && e->vruntime < floor - SCHED_SLICE_NS)
				e->vruntime = floor - SCHED_SLICE_NS;
			e->state = SCHED_RUNNABLE;
			e->wakeups++;
		} else if (e->state == SCHED_RUNNING) {
			e->wake_pending = true;
		}
		rq_unlock(rq);
		kick(s, (unsigned int)cpu);
		return;
	}
}

/* Under rq's lock: sleepers whose time has come become runnable; returns
 * the runnable entity with the least vruntime, and the earliest wake-up of
 * those still asleep in *wake. */
static struct sched_ent *rq_pick(struct sched_rq *rq, uint64_t now, uint64_t *wake)
{
	struct sched_ent *best = NULL;
	*wake = SCHED_NEVER;
	for (struct sched_ent *e = rq->head; e; e = e->next) {
		if (e->state == SCHED_SLEEPING && e->wake_at <= now) {
			e->state = SCHED_RUNNABLE;
			e->wakeups++;
		}
		if (e->state == SCHED_SLEEPING && e->wake_at < *wake)
			*wake = e->wake_at;
		if (e->state == SCHED_RUNNABLE && (!best || e->vruntime < best->vruntime))
			best = e;
	}
	return best;
}

/* An idle CPU takes a runnable, unpinned entity from a CPU that has more
 * than one to run. */
static struct sched_ent *steal(struct sched *s, unsigned int cpu)
{
	for (unsigned int c = s->first_cpu; c < s->ncpus; c++) {
		struct sched_rq *rq = &s->rq[c];
		if (c == cpu || __atomic_load_n(&rq->n, __ATOMIC_RELAXED) < 2)
			continue;
		rq_lock(rq);
		unsigned int active = 0;
		struct sched_ent *victim = NULL;
		for (struct sched_ent *e = rq->head; e; e = e->next) {
			active += e->state == SCHED_RUNNABLE || e->state == SCHED_RUNNING;
			if (e->state == SCHED_RUNNABLE && !e->pinned)
				victim = e;
		}
		if (active >= 2 && victim) {
			rq_unlink(rq, victim);
			victim->migrations++;
			rq_unlock(rq);
			return victim;
		}
		rq_unlock(rq);
	}
	return NULL;
}

bool sched_should_release(struct sched *s, unsigned int cpu)
{
	bool idle_elsewhere = false;
	for (unsigned int c = s->first_cpu; c < s->ncpus; c++)
		idle_elsewhere |= c != cpu && s->rq[c].idle;
	if (!idle_elsewhere)
		return false;
	struct sched_rq *rq = &s->rq[cpu];
	unsigned int active = 0;
	rq_lock(rq);
	for (struct sched_ent *e = rq->head; e; e = e->next)
		active += e->state == SCHED_RUNNABLE || e->state == SCHED_RUNNING;
	rq_unlock(rq);
	return active >= 2;
}

bool sched_step(struct sched *s, unsigned int cpu, uint64_t *idle_until)
{
	struct sched_rq *rq = &s->rq[cpu];
	uint64_t now = now_ns(s), wake;

	rq_lock(rq);
	struct sched_ent *e = rq_pick(rq, now, &wake);
	rq_unlock(rq);
	if (!e) {
		struct sched_ent *st = steal(s, cpu);
		if (st) {
			rq_lock(rq);
			__atomic_store_n(&st->cpu, (int)cpu, __ATOMIC_RELEASE);
			rq_insert(rq, st);
			rq_unlock(rq);
			rq->idle = false;
			return true; /* picked next step */
		}
		*idle_until = wake;
		rq->idle = true;
		return false;
	}
	rq->idle = false;

	rq_lock(rq);
	e->state = SCHED_RUNNING;
	rq->current = e;
	rq->picks++;
	rq_unlock(rq);

	uint64_t next = SCHED_NEVER;
	enum sched_ran r = e->run(e, now + SCHED_SLICE_NS, &next);
	uint64_t end = now_ns(s), ran = end > now ? end - now : 0;

	rq_lock(rq);
	rq->current = NULL;
	rq->busy_ns += ran;
	e->run_ns += ran;
	e->vruntime += ran;
	e->slices++;
	if (r == SCHED_RAN_DONE) {
		rq_unlink(rq, e);
		e->state = SCHED_GONE;
	} else if (r == SCHED_RAN_IDLE && !e->wake_pending && next > end) {
		e->state = SCHED_SLEEPING;
		e->wake_at = next;
	} else {
		e->state = SCHED_RUNNABLE;
	}
	e->wake_pending = false;
	rq_unlock(rq);
	return true;
}
