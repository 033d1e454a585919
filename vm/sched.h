/* vm/sched.h - the VM scheduler: per-CPU run queues, time slices, fair
 * shares, sleeping while idle and waking on events.
 *
 * The unit of scheduling is a VM: its vCPUs run round-robin on the thread
 * (CPU) that holds it, because device models are only ever touched from
 * one thread. Each CPU picks, among its runnable VMs, the one that has had
 * the least CPU time (weighted the same for all), runs it for one slice and
 * puts it back. A VM whose vCPUs are all halted sleeps until its next
 * device timer or until sched_wake() (a keystroke, an operator request).
 * An idle CPU takes a runnable, unpinned VM from the busiest CPU.
 *
 * Everything here is host-independent (the hosted unit tests drive it with
 * a fake clock); the platform supplies the clock and the wake-up IPI. */
#ifndef KEEL_VM_SCHED_H
#define KEEL_VM_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#define SCHED_MAX_CPUS 64
#define SCHED_SLICE_NS 10000000ull /* 10 ms, as Xen's credit scheduler uses 10-30 ms */
#define SCHED_NEVER UINT64_MAX

enum sched_state {
	SCHED_RUNNABLE,
	SCHED_RUNNING,  /* on its CPU right now */
	SCHED_SLEEPING, /* until wake_at or sched_wake() */
	SCHED_GONE,     /* removed by its CPU */
};

/* What an entity's run callback reports. */
enum sched_ran {
	SCHED_RAN_BUSY,  /* used its slice: still runnable */
	SCHED_RAN_IDLE,  /* nothing to do before *next (host ns) */
	SCHED_RAN_DONE,  /* finished: take it off the queue */
};

struct sched_ent;
typedef enum sched_ran (*sched_run_fn)(struct sched_ent *e, uint64_t slice_end, uint64_t *next);

struct sched_ent {
	const char *name;
	sched_run_fn run;
	void *opaque;
	bool pinned;              /* may not move to another CPU (VT-x VMCS) */
	/* scheduler-owned */
	volatile enum sched_state state;
	volatile bool wake_pending; /* sched_wake() arrived while running */
	int cpu;
	uint64_t wake_at;         /* host ns, while SLEEPING */
	uint64_t vruntime;        /* ns of CPU received, shifted for fairness */
	uint64_t run_ns, slices, wakeups, migrations;
	struct sched_ent *next;
};

struct sched_host {
	uint64_t (*now_ns)(void *opaque);
	void (*kick_cpu)(void *opaque, unsigned int cpu); /* end that CPU's idle wait */
	void *opaque;
};

struct sched_rq {
	volatile int lock;
	struct sched_ent *head;
	unsigned int n;
	uint64_t busy_ns, idle_ns, picks;
	struct sched_ent *current;
	volatile bool idle;   /* found nothing to run at its last step */
};

struct sched {
	const struct sched_host *host;
	unsigned int first_cpu, ncpus; /* CPUs first_cpu .. ncpus-1 run VMs */
	struct sched_rq rq[SCHED_MAX_CPUS];
};

void sched_init(struct sched *s, const struct sched_host *h, unsigned int first_cpu,
		unsigned int ncpus);
/* Puts e on the CPU with the fewest entities (or on cpu if >= 0); -1 when
 * there is no CPU to run VMs on. */
int sched_add(struct sched *s, struct sched_ent *e, int cpu);
/* Makes a sleeping entity runnable and kicks its CPU (any thread). */
void sched_wake(struct sched *s, struct sched_ent *e);
/* One scheduling step on cpu: picks an entity, runs one slice, accounts
 * it. Returns false when there was nothing to run; *idle_until is then
 * the host time of the earliest sleeper's wake-up (or SCHED_NEVER). */
bool sched_step(struct sched *s, unsigned int cpu, uint64_t *idle_until);
/* Should the entity that just ran on cpu let go of it (so that a pinned
 * one can move)? True when another CPU is idle and cpu has more than one
 * entity to run. */
bool sched_should_release(struct sched *s, unsigned int cpu);
/* The CPU least loaded, for placement and `info sched`. */
unsigned int sched_cpu_load(struct sched *s, unsigned int cpu);

#endif
