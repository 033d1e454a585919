/* Unit tests for vm/timerq.c: the per-VM timer queue. */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vm/timerq.h"
#include "tests/unit/hw_fake.h" /* struct hw_env helpers, clock_step */

static struct timerq q;

/* Each firing appends the timer's id and the deadline it had. */
static int order[64];
static uint64_t when[64];
static unsigned int nfired;

struct ttimer {
	struct timerq_timer t;
	int id;
	int rearm_count;           /* re-arm itself this many more times */
	uint64_t rearm_deadline;   /* absolute deadline of each re-arm */
	uint64_t period;           /* if set: re-arm at deadline + period */
	struct ttimer *cancel;     /* cancel this one when firing */
	struct ttimer *arm;        /* arm this one when firing ... */
	uint64_t arm_at;           /* ... at this deadline */
};

static void fired(void *opaque)
{
	struct ttimer *t = opaque;

	if (nfired < 64) {
		order[nfired] = t->id;
		when[nfired] = t->t.deadline;
	}
	nfired++;
	if (t->cancel)
		timerq_cancel(&q, &t->cancel->t);
	if (t->arm)
		timerq_arm(&q, &t->arm->t, t->arm_at);
	if (t->rearm_count > 0) {
		t->rearm_count--;
		timerq_arm(&q, &t->t, t->period ? t->t.deadline + t->period
						: t->rearm_deadline);
	}
}

static void tinit(struct ttimer *t, int id)
{
	memset(t, 0, sizeof(*t));
	t->id = id;
	timerq_timer_init(&t->t, fired, t);
}

static int setup(void **state)
{
	(void)state;
	timerq_init(&q);
	nfired = 0;
	memset(order, 0, sizeof(order));
	return 0;
}

static void test_empty(void **state)
{
	(void)state;
	assert_int_equal(timerq_next_deadline(&q), TIMERQ_NEVER);
	assert_int_equal(timerq_run(&q, UINT64_MAX - 1), 0);
	assert_int_equal(nfired, 0);
}

static void test_deadline_order(void **state)
{
	struct ttimer a, b, c;

	(void)state;
	tinit(&a, 1);
	tinit(&b, 2);
	tinit(&c, 3);
	timerq_arm(&q, &a.t, 300);
	timerq_arm(&q, &b.t, 100);
	timerq_arm(&q, &c.t, 200);
	assert_int_equal(timerq_next_deadline(&q), 100);
	assert_int_equal(timerq_run(&q, 1000), 3);
	assert_int_equal(order[0], 2);
	assert_int_equal(order[1], 3);
	assert_int_equal(order[2], 1);
	assert_int_equal(timerq_next_deadline(&q), TIMERQ_NEVER);
}

static void test_only_due_fire(void **state)
{
	struct ttimer a, b;

	(void)state;
	tinit(&a, 1);
	tinit(&b, 2);
	timerq_arm(&q, &a.t, 100);
	timerq_arm(&q, &b.t, 101);
	assert_int_equal(timerq_run(&q, 99), 0);
	assert_int_equal(timerq_run(&q, 100), 1); /* deadline == now is due */
	assert_int_equal(order[0], 1);
	assert_false(timerq_armed(&a.t));
	assert_true(timerq_armed(&b.t));
	assert_int_equal(timerq_next_deadline(&q), 101);
	assert_int_equal(timerq_run(&q, 101), 1);
	assert_int_equal(q.fired, 2);
}

static void test_cancel(void **state)
{
	struct ttimer a, b, c;

	(void)state;
	tinit(&a, 1);
	tinit(&b, 2);
	tinit(&c, 3);
	timerq_arm(&q, &a.t, 10);
	timerq_arm(&q, &b.t, 20);
	timerq_arm(&q, &c.t, 30);
	timerq_cancel(&q, &b.t);  /* middle */
	timerq_cancel(&q, &a.t);  /* head */
	timerq_cancel(&q, &a.t);  /* not armed: no-op */
	assert_false(timerq_armed(&a.t));
	assert_int_equal(timerq_next_deadline(&q), 30);
	assert_int_equal(timerq_run(&q, 100), 1);
	assert_int_equal(order[0], 3);
}

static void test_rearm_moves(void **state)
{
	struct ttimer a, b;

	(void)state;
	tinit(&a, 1);
	tinit(&b, 2);
	timerq_arm(&q, &a.t, 10);
	timerq_arm(&q, &b.t, 20);
	timerq_arm(&q, &a.t, 30);  /* later: b first now */
	assert_int_equal(timerq_next_deadline(&q), 20);
	timerq_arm(&q, &a.t, 5);   /* earlier again */
	assert_int_equal(timerq_next_deadline(&q), 5);
	assert_int_equal(timerq_run(&q, 100), 2); /* a once, not twice */
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
	assert_int_equal(when[0], 5);
}

static void test_equal_deadlines_fifo(void **state)
{
	struct ttimer t[5];
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		tinit(&t[i], i);
		timerq_arm(&q, &t[i].t, 50);
	}
	assert_int_equal(timerq_run(&q, 50), 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(order[i], i);
}

static void test_periodic_catches_up(void **state)
{
	struct ttimer p;

	(void)state;
	tinit(&p, 7);
	p.period = 100;
	p.rearm_count = 1000;
	timerq_arm(&q, &p.t, 100);
	/* due at 100, 200, ..., 1000: ten firings, the next one armed */
	assert_int_equal(timerq_run(&q, 1050), 10);
	assert_int_equal(when[0], 100);
	assert_int_equal(when[9], 1000);
	assert_int_equal(timerq_next_deadline(&q), 1100);
}

static void test_rearm_in_past_terminates(void **state)
{
	struct ttimer p;

	(void)state;
	tinit(&p, 1);
	p.rearm_count = 1000;
	p.rearm_deadline = 0; /* "as soon as possible", forever */
	timerq_arm(&q, &p.t, 10);
	/* each re-arm lands 1 ns after the firing: 10, 11, ..., 15 */
	assert_int_equal(timerq_run(&q, 15), 6);
	assert_int_equal(when[5], 15);
	assert_int_equal(timerq_next_deadline(&q), 16);
	/* outside a run a past deadline is kept as is */
	timerq_arm(&q, &p.t, 3);
	assert_int_equal(timerq_next_deadline(&q), 3);
}

static void test_callback_cancels_other(void **state)
{
	struct ttimer a, b;

	(void)state;
	tinit(&a, 1);
	tinit(&b, 2);
	a.cancel = &b;
	timerq_arm(&q, &a.t, 10);
	timerq_arm(&q, &b.t, 10);
	assert_int_equal(timerq_run(&q, 10), 1);
	assert_int_equal(order[0], 1);
	assert_false(timerq_armed(&b.t));
}

static void test_callback_arms_other(void **state)
{
	struct ttimer a, b;

	(void)state;
	tinit(&a, 1);
	tinit(&b, 2);
	a.arm = &b;
	a.arm_at = 40;
	timerq_arm(&q, &a.t, 10);
	assert_int_equal(timerq_run(&q, 50), 2); /* b is due in the same run */
	assert_int_equal(order[1], 2);
	assert_int_equal(when[1], 40);
	a.arm_at = 60;
	timerq_arm(&q, &a.t, 55);
	assert_int_equal(timerq_run(&q, 59), 1); /* b waits for 60 */
	assert_int_equal(timerq_next_deadline(&q), 60);
}

static void test_two_queues_independent(void **state)
{
	struct timerq q2;
	struct ttimer a, b;

	(void)state;
	timerq_init(&q2);
	tinit(&a, 1);
	tinit(&b, 2);
	timerq_arm(&q, &a.t, 10);
	timerq_arm(&q2, &b.t, 5);
	assert_int_equal(timerq_run(&q2, 100), 1);
	assert_int_equal(order[0], 2);
	assert_int_equal(timerq_next_deadline(&q), 10);
	assert_int_equal(timerq_next_deadline(&q2), TIMERQ_NEVER);
}

/* ---- the struct hw_env surface and the fake that tests drive ---------- */

static struct fake_env fe;

static void env_timer_fired(void *opaque)
{
	struct ttimer *t = opaque;

	when[nfired++] = hw_clock_ns(&fe.env); /* what the device sees */
	if (t->period && t->rearm_count-- > 0)
		hw_timer_arm(&fe.env, &t->t, hw_clock_ns(&fe.env) + t->period);
}

static void test_env_clock_step_fires_at_deadline(void **state)
{
	struct ttimer p;

	(void)state;
	fake_init(&fe, 1000);
	memset(&p, 0, sizeof(p));
	hw_timer_init(&p.t, env_timer_fired, &p);
	p.period = 300;
	p.rearm_count = 2;
	hw_timer_arm(&fe.env, &p.t, 1250);
	clock_step(2000);
	/* callbacks see the clock at their own deadline, like qtest */
	assert_int_equal(nfired, 3);
	assert_int_equal(when[0], 1250);
	assert_int_equal(when[1], 1550);
	assert_int_equal(when[2], 1850);
	assert_int_equal(hw_clock_ns(&fe.env), 3000);
	hw_timer_arm(&fe.env, &p.t, 3100);
	hw_timer_cancel(&fe.env, &p.t);
	clock_step(1000);
	assert_int_equal(nfired, 3);
}

static void test_env_irq_and_memory(void **state)
{
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, back[8];

	(void)state;
	fake_init(&fe, 0);
	hw_irq_raise(&fe.env, 4);
	assert_true(irq_level(4));
	hw_irq_lower(&fe.env, 4);
	hw_irq_pulse(&fe.env, 4);
	assert_false(irq_level(4));
	assert_int_equal(irq_rises(4), 2);
	assert_int_equal(hw_mem_write(&fe.env, FAKE_RAM - 8, buf, 8), 0);
	assert_int_equal(hw_mem_read(&fe.env, FAKE_RAM - 8, back, 8), 0);
	assert_memory_equal(buf, back, 8);
	assert_int_equal(hw_mem_read(&fe.env, FAKE_RAM - 7, back, 8), -EFAULT);
	assert_int_equal(hw_mem_write(&fe.env, UINT64_MAX - 3, buf, 8), -EFAULT);
	assert_int_equal(hw_mem_read(&fe.env, 0, back, 0), 0);
	/* ns <-> ticks of a 1.193182 MHz crystal, without overflow */
	assert_int_equal(hw_muldiv64(1000000000ULL, 1193182, 1000000000), 1193182);
	assert_int_equal(hw_muldiv64(838, 1193182, 1000000000), 0);
	assert_int_equal(hw_muldiv64(839, 1193182, 1000000000), 1);
	assert_int_equal(hw_muldiv64_ceil(1, 1000000000, 1193182), 839);
	assert_int_equal(hw_muldiv64(86400ULL * 365 * 1000000000ULL, 1193182,
				     1000000000), 86400ULL * 365 * 1193182);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_empty, setup),
		cmocka_unit_test_setup(test_deadline_order, setup),
		cmocka_unit_test_setup(test_only_due_fire, setup),
		cmocka_unit_test_setup(test_cancel, setup),
		cmocka_unit_test_setup(test_rearm_moves, setup),
		cmocka_unit_test_setup(test_equal_deadlines_fifo, setup),
		cmocka_unit_test_setup(test_periodic_catches_up, setup),
		cmocka_unit_test_setup(test_rearm_in_past_terminates, setup),
		cmocka_unit_test_setup(test_callback_cancels_other, setup),
		cmocka_unit_test_setup(test_callback_arms_other, setup),
		cmocka_unit_test_setup(test_two_queues_independent, setup),
		cmocka_unit_test_setup(test_env_clock_step_fires_at_deadline, setup),
		cmocka_unit_test_setup(test_env_irq_and_memory, setup),
	};

	return cmocka_run_group_tests_name("timerq", tests, NULL, NULL);
}
