/* Unit tests for vm/sched.c: placement, fair shares between VMs on one
 * CPU, sleeping and waking, stealing by an idle CPU, pinned entities.
 * Entities are fake VMs whose run callback advances a fake clock: a busy
 * one uses its whole slice, an idle one sleeps until a set time. */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vm/sched.h"

static uint64_t now;
static unsigned int kicks[SCHED_MAX_CPUS];

static uint64_t fake_now(void *o) { (void)o; return now; }
static void fake_kick(void *o, unsigned int cpu) { (void)o; kicks[cpu]++; }
static const struct sched_host host = {.now_ns = fake_now, .kick_cpu = fake_kick};

struct fake_vm {
	struct sched_ent e;
	uint64_t busy_ns;   /* CPU it wants per slice (0 = uses the whole slice) */
	uint64_t sleep_ns;  /* then idle for this long (0 = never idle) */
	unsigned int runs_left; /* DONE after this many runs (0 = forever) */
	unsigned int runs;
};

static enum sched_ran fake_run(struct sched_ent *e, uint64_t slice_end, uint64_t *next)
{
	struct fake_vm *v = (struct fake_vm *)e;
	v->runs++;
	if (v->runs_left && !--v->runs_left)
		return SCHED_RAN_DONE;
	if (!v->busy_ns) {
		now = slice_end;
		return SCHED_RAN_BUSY;
	}
	now += v->busy_ns;
	*next = now + v->sleep_ns;
	return SCHED_RAN_IDLE;
}

static struct sched s;

static int setup(void **state)
{
	(void)state;
	now = 1000;
	memset(kicks, 0, sizeof(kicks));
	sched_init(&s, &host, 1, 3); /* CPUs 1 and 2 run VMs, CPU 0 the console */
	return 0;
}

static struct fake_vm vm_new(const char *name)
{
	return (struct fake_vm){.e = {.name = name, .run = fake_run}};
}

static void test_placement_least_loaded(void **state)
{
	(void)state;
	struct fake_vm a = vm_new("a"), b = vm_new("b"), c = vm_new("c");
	assert_int_equal(sched_add(&s, &a.e, -1), 1);
	assert_int_equal(sched_add(&s, &b.e, -1), 2);
	assert_int_equal(sched_add(&s, &c.e, -1), 1);
	assert_int_equal(sched_cpu_load(&s, 1), 2);
	assert_int_equal(sched_cpu_load(&s, 2), 1);
	assert_true(kicks[1] >= 2 && kicks[2] >= 1);
	struct sched no_cpus;
	sched_init(&no_cpus, &host, 1, 1); /* only the console CPU */
	assert_int_equal(sched_add(&no_cpus, &a.e, -1), -1);
}

/* Two busy VMs and one that computes twice as briefly on one CPU: each
 * gets the same CPU time within a slice. */
static void test_fair_shares_on_one_cpu(void **state)
{
	(void)state;
	struct fake_vm a = vm_new("a"), b = vm_new("b"), c = vm_new("c");
	c.busy_ns = SCHED_SLICE_NS / 2; /* yields early, never sleeps */
	sched_add(&s, &a.e, 1);
	sched_add(&s, &b.e, 1);
	sched_add(&s, &c.e, 1);
	uint64_t idle;
	for (int i = 0; i < 300; i++)
		assert_true(sched_step(&s, 1, &idle));
	uint64_t lo = a.e.run_ns, hi = a.e.run_ns;
	struct fake_vm *all[] = {&a, &b, &c};
	for (int i = 0; i < 3; i++) {
		lo = all[i]->e.run_ns < lo ? all[i]->e.run_ns : lo;
		hi = all[i]->e.run_ns > hi ? all[i]->e.run_ns : hi;
	}
	assert_true(hi - lo <= SCHED_SLICE_NS);
	assert_true(c.e.slices > a.e.slices); /* more, shorter turns */
}

static void test_sleep_wake_and_idle_until(void **state)
{
	(void)state;
	struct fake_vm a = vm_new("a");
	a.busy_ns = 1000;
	a.sleep_ns = 5000000;
	sched_add(&s, &a.e, 1);
	uint64_t idle = 0;
	assert_true(sched_step(&s, 1, &idle));
	assert_int_equal(a.e.state, SCHED_SLEEPING);
	assert_false(sched_step(&s, 1, &idle));
	assert_int_equal(idle, now + 5000000 - 0);
	/* its timer comes due: it runs again */
	now = idle;
	assert_true(sched_step(&s, 1, &idle));
	assert_int_equal(a.runs, 2);
	assert_int_equal(a.e.wakeups, 1);
	/* an event before the timer wakes it and kicks its CPU */
	unsigned int k = kicks[1];
	sched_wake(&s, &a.e);
	assert_int_equal(a.e.state, SCHED_RUNNABLE);
	assert_int_equal(kicks[1], k + 1);
	assert_true(sched_step(&s, 1, &idle));
	assert_int_equal(a.runs, 3);
}

/* A wake that arrives while the VM runs is not lost when it goes idle. */
static struct sched_ent *wake_self_target;
static enum sched_ran run_and_get_woken(struct sched_ent *e, uint64_t slice_end, uint64_t *next)
{
	(void)slice_end;
	sched_wake(&s, wake_self_target);
	*next = now + 1000000;
	(void)e;
	return SCHED_RAN_IDLE;
}

static void test_wake_while_running(void **state)
{
	(void)state;
	struct fake_vm a = vm_new("a");
	a.e.run = run_and_get_woken;
	wake_self_target = &a.e;
	sched_add(&s, &a.e, 1);
	uint64_t idle;
	assert_true(sched_step(&s, 1, &idle));
	assert_int_equal(a.e.state, SCHED_RUNNABLE);
}

static void test_idle_cpu_steals_unpinned(void **state)
{
	(void)state;
	struct fake_vm a = vm_new("a"), b = vm_new("b"), p = vm_new("p"), q = vm_new("q");
	p.e.pinned = q.e.pinned = true;
	sched_add(&s, &p.e, 1);
	sched_add(&s, &q.e, 1);
	uint64_t idle;
	/* CPU 2 has nothing; CPU 1's two VMs are pinned: nothing moves */
	assert_false(sched_step(&s, 2, &idle));
	assert_int_equal(idle, SCHED_NEVER);
	sched_add(&s, &a.e, 1);
	sched_add(&s, &b.e, 1);
	assert_true(sched_step(&s, 2, &idle)); /* steals one */
	assert_int_equal(sched_cpu_load(&s, 2), 1);
	assert_int_equal(sched_cpu_load(&s, 1), 3);
	struct sched_ent *moved = a.e.cpu == 2 ? &a.e : &b.e;
	assert_int_equal(moved->cpu, 2);
	assert_int_equal(moved->migrations, 1);
	assert_false(moved->pinned);
	assert_true(sched_step(&s, 2, &idle));
	assert_int_equal(moved->slices, 1);
}

/* A pinned (VT-x) VM lets go of its CPU only when another CPU idles and
 * its own has more to run; then the idle CPU can take it. */
static void test_release_when_another_cpu_idles(void **state)
{
	(void)state;
	struct fake_vm p = vm_new("p"), q = vm_new("q");
	p.e.pinned = q.e.pinned = true;
	sched_add(&s, &p.e, 1);
	assert_false(sched_should_release(&s, 1)); /* alone on cpu1 */
	sched_add(&s, &q.e, 1);
	assert_false(sched_should_release(&s, 1)); /* cpu2 not known idle yet */
	uint64_t idle;
	assert_false(sched_step(&s, 2, &idle)); /* cpu2 finds nothing: idle */
	assert_true(sched_should_release(&s, 1));
	p.e.pinned = false; /* what the VM's CPU does after VMCLEAR */
	assert_true(sched_step(&s, 2, &idle)); /* cpu2 takes p */
	assert_int_equal(p.e.cpu, 2);
	assert_false(sched_should_release(&s, 1)); /* cpu2 is busy now */
}

static void test_done_leaves_the_queue(void **state)
{
	(void)state;
	struct fake_vm a = vm_new("a");
	a.runs_left = 2;
	sched_add(&s, &a.e, 2);
	uint64_t idle;
	assert_true(sched_step(&s, 2, &idle));
	assert_true(sched_step(&s, 2, &idle));
	assert_int_equal(a.e.state, SCHED_GONE);
	assert_int_equal(sched_cpu_load(&s, 2), 0);
	assert_false(sched_step(&s, 2, &idle));
}

/* A VM back from a long sleep does not get the CPU to itself for as long
 * as it slept. */
static void test_waker_does_not_starve_others(void **state)
{
	(void)state;
	struct fake_vm a = vm_new("a"), b = vm_new("b");
	sched_add(&s, &a.e, 1);
	uint64_t idle;
	for (int i = 0; i < 100; i++)
		sched_step(&s, 1, &idle); /* a alone: 1 s of CPU */
	b.busy_ns = 1000;
	b.sleep_ns = 1;
	sched_add(&s, &b.e, 1);
	b.busy_ns = 0; /* now b is busy too */
	unsigned int a_before = a.runs;
	for (int i = 0; i < 10; i++)
		sched_step(&s, 1, &idle);
	assert_true(a.runs - a_before >= 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_placement_least_loaded, setup),
		cmocka_unit_test_setup(test_fair_shares_on_one_cpu, setup),
		cmocka_unit_test_setup(test_sleep_wake_and_idle_until, setup),
		cmocka_unit_test_setup(test_wake_while_running, setup),
		cmocka_unit_test_setup(test_idle_cpu_steals_unpinned, setup),
		cmocka_unit_test_setup(test_release_when_another_cpu_idles, setup),
		cmocka_unit_test_setup(test_done_leaves_the_queue, setup),
		cmocka_unit_test_setup(test_waker_does_not_starve_others, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
