/*
 * Unit tests for hw/i8254.c and hw/port61.c, qtest style: program the PIT
 * through ports 0x40-0x43 and 0x61, step the fake clock, watch IRQ 0 and
 * read counters back. Expected values: Intel 8254 datasheet (modes, GATE,
 * latch and read-back) and QEMU's i8254/pcspk (reset state, port 0x61).
 * One PIT tick is 1e9 / 1193182 ns; times below are given in ticks.
 */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hw/i8254.h"
#include "hw/port61.h"
#include "tests/unit/hw_fake.h"

static struct fake_env fe;
static struct i8254 pit;
static struct port61 p61;

/* First nanosecond of PIT tick t. */
static uint64_t tick_ns(uint64_t t)
{
	return (t * 1000000000ULL + I8254_HZ - 1) / I8254_HZ;
}

static void goto_tick(uint64_t t)
{
	clock_step(tick_ns(t) - fake->now);
}

static int setup(void **state)
{
	(void)state;
	fake_init(&fe, 0);
	i8254_init(&pit, &fe.env, 0);
	port61_init(&p61, &fe.env, &pit);
	assert_int_equal(i8254_attach(&pit, &fe.pio), 0);
	assert_int_equal(port61_attach(&p61, &fe.pio), 0);
	return 0;
}

/* Control word for counter ch, then a two-byte count. */
static void pit_program(unsigned int ch, uint8_t ctl, uint16_t count)
{
	outb(0x43, ctl);
	outb(0x40 + ch, count & 0xff);
	outb(0x40 + ch, count >> 8);
}

/* LSB then MSB, in that order. */
static uint16_t read16(uint16_t port)
{
	uint16_t v = inb(port);

	return v | inb(port) << 8;
}

static uint16_t pit_latch_read(unsigned int ch)
{
	outb(0x43, ch << 6); /* counter latch command */
	return read16(0x40 + ch);
}

static bool out2(void)
{
	return inb(0x61) & 0x20;
}

static void test_reset_state(void **state)
{
	(void)state;
	/* QEMU reset: mode 3, count 0x10000 -> IRQ 0 at 18.2 Hz */
	assert_true(irq_level(0));
	assert_int_equal(irq_rises(0), 1);
	assert_int_equal(inb(0x43), 0); /* control register is write-only */
	clock_step(1000000000);
	/* rising edges at k * 65536 ticks, k = 1..18, within 1193182 ticks */
	assert_int_equal(irq_rises(0), 19);
	/* counter 2's gate is low: OUT2 is held high */
	assert_int_equal(inb(0x61) & 0x21, 0x20);
}

static void test_mode2_rate_1khz(void **state)
{
	unsigned int r0;

	(void)state;
	pit_program(0, 0x34, 1193); /* Linux's periodic setup for HZ=1000 */
	r0 = irq_rises(0);
	goto_tick(1192);
	assert_false(irq_level(0)); /* low for the clock in which CE = 1 */
	goto_tick(1193);
	assert_true(irq_level(0));
	assert_int_equal(irq_rises(0), r0 + 1);
	goto_tick(1193182);
	assert_int_equal(irq_rises(0), r0 + 1000);
}

static void test_mode2_counter_latch(void **state)
{
	(void)state;
	pit_program(0, 0x34, 1193);
	goto_tick(100);
	assert_int_equal(pit_latch_read(0), 1193 - 100);
	goto_tick(1193 + 7); /* reloaded at 1193 */
	assert_int_equal(pit_latch_read(0), 1193 - 7);
}

static void test_latch_holds_value(void **state)
{
	(void)state;
	pit_program(0, 0x34, 5000);
	goto_tick(100);
	outb(0x43, 0x00);    /* latch at 4900 */
	goto_tick(200);
	outb(0x43, 0x00);    /* ignored: the first latch is not read yet */
	goto_tick(300);
	assert_int_equal(inb(0x40), 4900 & 0xff);
	goto_tick(400);
	assert_int_equal(inb(0x40), 4900 >> 8);
	/* latch consumed: reads are live again */
	assert_int_equal(read16(0x40), 4600);
}

static void test_mode0_one_shot(void **state)
{
	unsigned int r0;

	(void)state;
	outb(0x43, 0x30);
	assert_false(irq_level(0)); /* mode 0: OUT low once programmed */
	outb(0x40, 1000 & 0xff);
	outb(0x40, 1000 >> 8);
	r0 = irq_rises(0);
	goto_tick(999);
	assert_false(irq_level(0));
	goto_tick(1000);
	assert_true(irq_level(0));
	goto_tick(70000);
	assert_true(irq_level(0));         /* stays high, no reload */
	assert_int_equal(irq_rises(0), r0 + 1);
	goto_tick(70000 + 5);
	/* the counter keeps counting down through zero and wraps */
	assert_int_equal(pit_latch_read(0), (1000 - 70005 + 65536 * 2) % 65536);
}

static void test_mode0_first_byte_stops(void **state)
{
	(void)state;
	pit_program(0, 0x30, 5000);
	goto_tick(100);
	outb(0x40, 0x00);          /* LSB of a new count: counting stops */
	assert_false(irq_level(0));
	goto_tick(150);
	assert_int_equal(pit_latch_read(0), 4900);
	goto_tick(200);
	outb(0x40, 0x01);          /* MSB: count 0x100 loaded at tick 200 */
	goto_tick(200 + 0x100 - 1);
	assert_false(irq_level(0));
	goto_tick(200 + 0x100);
	assert_true(irq_level(0));
}

static void test_mode3_odd_square_wave(void **state)
{
	(void)state;
	pit_program(0, 0x36, 5);
	/* count 5: high for 3 ticks, low for 2 */
	goto_tick(2);
	assert_true(irq_level(0));
	goto_tick(3);
	assert_false(irq_level(0));
	goto_tick(4);
	assert_false(irq_level(0));
	goto_tick(5);
	assert_true(irq_level(0));
	goto_tick(8);
	assert_false(irq_level(0));
	/* decrements by two: 5 - 2 one tick into a period (QEMU's formula) */
	goto_tick(11);
	assert_int_equal(pit_latch_read(0), 3);
}

static void test_mode4_software_strobe(void **state)
{
	unsigned int r0;

	(void)state;
	pit_program(0, 0x38, 10);
	r0 = irq_rises(0);
	assert_true(irq_level(0));
	goto_tick(10);
	assert_false(irq_level(0)); /* one clock low when the count expires */
	goto_tick(11);
	assert_true(irq_level(0));
	goto_tick(100000);
	assert_int_equal(irq_rises(0), r0 + 1); /* once, no reload */
}

static void test_mode2_new_count_at_period_end(void **state)
{
	unsigned int r0;

	(void)state;
	pit_program(0, 0x34, 1000);
	r0 = irq_rises(0);
	goto_tick(300);
	outb(0x40, 500 & 0xff);
	outb(0x40, 500 >> 8);
	goto_tick(999);
	assert_int_equal(irq_rises(0), r0);     /* old period still runs */
	assert_int_equal(pit_latch_read(0), 1);
	goto_tick(1000);
	assert_int_equal(irq_rises(0), r0 + 1);
	goto_tick(1200);
	assert_int_equal(pit_latch_read(0), 300); /* new count from 1000 */
	goto_tick(1500);
	assert_int_equal(irq_rises(0), r0 + 2);
}

static void test_readback_status(void **state)
{
	(void)state;
	outb(0x43, 0x34);
	outb(0x43, 0xe2);   /* read-back: status of counter 0 */
	/* OUT high, null count (no count yet), RW=3, mode 2, binary */
	assert_int_equal(inb(0x40), 0xf4);
	outb(0x40, 0x10);
	outb(0x40, 0x00);
	goto_tick(3);
	outb(0x43, 0xc2);   /* status and count of counter 0 */
	assert_int_equal(inb(0x40), 0xb4); /* status first */
	goto_tick(9);
	assert_int_equal(inb(0x40), 0x10 - 3);
	assert_int_equal(inb(0x40), 0x00);
	outb(0x43, 0xe2);
	outb(0x43, 0xe2);   /* a second status latch is ignored */
	goto_tick(15);      /* OUT low: the clock in which CE = 1 */
	assert_int_equal(inb(0x40), 0xb4);
	outb(0x43, 0xe2);
	assert_int_equal(inb(0x40), 0x34);
}

static void test_readback_multiple_counters(void **state)
{
	(void)state;
	pit_program(1, 0x74, 300);   /* counter 1: mode 2 */
	pit_program(2, 0xb0, 400);   /* counter 2: mode 0, gate low */
	goto_tick(50);
	outb(0x43, 0xdc);            /* latch count of counters 1 and 2 */
	goto_tick(60);
	assert_int_equal(read16(0x41), 250);
	assert_int_equal(read16(0x42), 400); /* gate low */
}

static void test_bcd_counting(void **state)
{
	(void)state;
	pit_program(0, 0x31, 0x1000);  /* mode 0, BCD: 1000 decimal */
	goto_tick(1);
	assert_int_equal(pit_latch_read(0), 0x0999);
	goto_tick(1000);
	assert_int_equal(pit_latch_read(0), 0x0000);
	assert_true(irq_level(0));
	goto_tick(1001);
	assert_int_equal(pit_latch_read(0), 0x9999); /* wraps in decades */
	outb(0x43, 0xe2);
	assert_int_equal(inb(0x40) & 0x0f, 0x01);   /* status: BCD bit */
	pit_program(0, 0x31, 0x0000);  /* BCD 0 means 10000 */
	goto_tick(1003);
	assert_int_equal(pit_latch_read(0), 0x9998);
}

static void test_lsb_msb_only(void **state)
{
	(void)state;
	outb(0x43, 0x10);         /* counter 0, LSB only, mode 0 */
	outb(0x40, 0x80);
	goto_tick(8);
	assert_int_equal(inb(0x40), 0x78);
	assert_int_equal(inb(0x40), 0x78); /* no byte toggle */
	outb(0x43, 0x20);         /* MSB only */
	outb(0x40, 0x02);         /* count 0x200 */
	goto_tick(9);
	assert_int_equal(inb(0x40), 0x01); /* 0x1ff */
	goto_tick(8 + 0x200);
	assert_true(irq_level(0));
}

static void test_gate_pauses_mode0(void **state)
{
	(void)state;
	outb(0x61, 0x01);
	pit_program(2, 0xb0, 1000);
	goto_tick(100);
	outb(0x61, 0x00);            /* GATE2 low: counting stops */
	goto_tick(600);
	assert_int_equal(pit_latch_read(2), 900);
	outb(0x61, 0x01);            /* resumes from 900 */
	goto_tick(1499);
	assert_false(out2());
	goto_tick(1500);
	assert_true(out2());
}

static void test_mode1_gate_triggered_one_shot(void **state)
{
	(void)state;
	pit_program(2, 0xb2, 50);
	goto_tick(10);
	assert_true(out2());         /* waiting for a trigger */
	outb(0x61, 0x01);            /* trigger at 10 */
	assert_false(out2());
	goto_tick(59);
	assert_false(out2());
	goto_tick(60);
	assert_true(out2());
	outb(0x61, 0x00);
	goto_tick(80);
	outb(0x61, 0x01);            /* retrigger */
	assert_false(out2());
	goto_tick(129);
	assert_false(out2());
	goto_tick(130);
	assert_true(out2());
}

static void test_mode5_hardware_strobe(void **state)
{
	(void)state;
	pit_program(2, 0xba, 10);
	goto_tick(5);
	assert_true(out2());
	outb(0x61, 0x01);            /* trigger at 5 */
	goto_tick(14);
	assert_true(out2());
	goto_tick(15);
	assert_false(out2());        /* one clock low */
	goto_tick(16);
	assert_true(out2());
}

static void test_mode3_gate_forces_out_high(void **state)
{
	(void)state;
	outb(0x61, 0x01);
	pit_program(2, 0xb6, 4);
	goto_tick(2);
	assert_false(out2());
	outb(0x61, 0x00);
	assert_true(out2());         /* GATE low: OUT high at once */
	goto_tick(10);
	assert_true(out2());
	outb(0x61, 0x01);            /* rising GATE reloads */
	goto_tick(11);
	assert_true(out2());
	goto_tick(12);
	assert_false(out2());
}

static void test_port61_bits(void **state)
{
	uint8_t a, b;

	(void)state;
	outb(0x61, 0x0f);
	a = inb(0x61);
	b = inb(0x61);
	assert_int_equal(a & 0x0f, 0x0f);    /* gate, speaker, NMI enables */
	assert_int_equal((a ^ b) & 0x10, 0x10); /* refresh toggles */
	assert_int_equal(a & 0xc0, 0x00);    /* no NMI source */
	assert_true(a & 0x20);               /* mode 3 just reloaded: high */
	assert_true(port61_speaker(&p61));
	outb(0x61, 0x01);
	assert_false(port61_speaker(&p61));  /* speaker data off */
	assert_int_equal(inb(0x61) & 0x0f, 0x01);
}

static void test_mode6_aliases_mode2(void **state)
{
	unsigned int r0;

	(void)state;
	pit_program(0, 0x3c, 10);   /* M2-M0 = 110 */
	r0 = irq_rises(0);
	outb(0x43, 0xe2);
	assert_int_equal(inb(0x40), 0xbc); /* status keeps the bits written */
	goto_tick(30);
	assert_int_equal(irq_rises(0), r0 + 3);
}

static void test_late_timer_replays_edges(void **state)
{
	unsigned int r0;

	(void)state;
	pit_program(0, 0x34, 100);
	r0 = irq_rises(0);
	/* the run loop comes back late: every edge is still seen */
	fake->now = tick_ns(1000);
	timerq_run(&fake->tq, fake->now);
	assert_int_equal(irq_rises(0), r0 + 10);
	assert_true(irq_level(0));
}

static void test_two_instances(void **state)
{
	struct i8254 pit2;

	(void)state;
	i8254_init(&pit2, &fe.env, 5);
	pit_program(0, 0x30, 100);      /* only the first PIT */
	goto_tick(50);
	assert_int_equal(pit_latch_read(0), 50);
	assert_true(irq_level(5));      /* pit2 still in its reset mode 3 */
	assert_false(irq_level(0));
	hw_timer_cancel(&fe.env, &pit2.timer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state, setup),
		cmocka_unit_test_setup(test_mode2_rate_1khz, setup),
		cmocka_unit_test_setup(test_mode2_counter_latch, setup),
		cmocka_unit_test_setup(test_latch_holds_value, setup),
		cmocka_unit_test_setup(test_mode0_one_shot, setup),
		cmocka_unit_test_setup(test_mode0_first_byte_stops, setup),
		cmocka_unit_test_setup(test_mode3_odd_square_wave, setup),
		cmocka_unit_test_setup(test_mode4_software_strobe, setup),
		cmocka_unit_test_setup(test_mode2_new_count_at_period_end, setup),
		cmocka_unit_test_setup(test_readback_status, setup),
		cmocka_unit_test_setup(test_readback_multiple_counters, setup),
		cmocka_unit_test_setup(test_bcd_counting, setup),
		cmocka_unit_test_setup(test_lsb_msb_only, setup),
		cmocka_unit_test_setup(test_gate_pauses_mode0, setup),
		cmocka_unit_test_setup(test_mode1_gate_triggered_one_shot, setup),
		cmocka_unit_test_setup(test_mode5_hardware_strobe, setup),
		cmocka_unit_test_setup(test_mode3_gate_forces_out_high, setup),
		cmocka_unit_test_setup(test_port61_bits, setup),
		cmocka_unit_test_setup(test_mode6_aliases_mode2, setup),
		cmocka_unit_test_setup(test_late_timer_replays_edges, setup),
		cmocka_unit_test_setup(test_two_instances, setup),
	};

	return cmocka_run_group_tests_name("i8254", tests, NULL, NULL);
}
