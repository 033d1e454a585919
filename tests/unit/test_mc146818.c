/*
 * Unit tests for hw/mc146818.c, qtest style: index/data at 0x70/0x71, a
 * fake clock, IRQ 8. Expected values: MC146818A datasheet (register
 * layout, periodic rate table, UIP window of 244 us, flags in register C)
 * and QEMU's mc146818rtc and pc_cmos_init (memory-size bytes).
 */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hw/mc146818.h"
#include "tests/unit/hw_fake.h"

#define SEC 1000000000ULL

/* Wednesday 2024-02-28 23:59:50 UTC: the next day is a leap day. */
#define START 1709164790LL

static struct fake_env fe;
static struct mc146818 rtc;

static uint8_t cmos_read(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static void cmos_write(uint8_t reg, uint8_t val)
{
	outb(0x70, reg);
	outb(0x71, val);
}

static void rtc_setup_at(int64_t start)
{
	fake_init(&fe, 0);
	mc146818_init(&rtc, &fe.env, 8, start);
	assert_int_equal(mc146818_attach(&rtc, &fe.pio), 0);
}

static int setup(void **state)
{
	(void)state;
	rtc_setup_at(START);
	return 0;
}

static void test_initial_registers(void **state)
{
	(void)state;
	assert_int_equal(cmos_read(0x0a), 0x26);
	assert_int_equal(cmos_read(0x0b), 0x02);
	assert_int_equal(cmos_read(0x0c), 0x00);
	assert_int_equal(cmos_read(0x0d), 0x80);
	assert_int_equal(cmos_read(0x00), 0x50);
	assert_int_equal(cmos_read(0x02), 0x59);
	assert_int_equal(cmos_read(0x04), 0x23);
	assert_int_equal(cmos_read(0x06), 0x04); /* Wednesday, Sunday = 1 */
	assert_int_equal(cmos_read(0x07), 0x28);
	assert_int_equal(cmos_read(0x08), 0x02);
	assert_int_equal(cmos_read(0x09), 0x24);
	assert_int_equal(cmos_read(0x32), 0x20);
	assert_false(irq_level(8));
}

static void test_time_advances_with_carries(void **state)
{
	(void)state;
	clock_step(9 * SEC);
	assert_int_equal(cmos_read(0x00), 0x59);
	clock_step(SEC);
	/* 2024-02-29 00:00:00, Thursday */
	assert_int_equal(cmos_read(0x00), 0x00);
	assert_int_equal(cmos_read(0x02), 0x00);
	assert_int_equal(cmos_read(0x04), 0x00);
	assert_int_equal(cmos_read(0x06), 0x05);
	assert_int_equal(cmos_read(0x07), 0x29);
	assert_int_equal(cmos_read(0x08), 0x02);
	clock_step(86400 * SEC);
	assert_int_equal(cmos_read(0x07), 0x01);
	assert_int_equal(cmos_read(0x08), 0x03);
}

static void test_binary_mode(void **state)
{
	(void)state;
	cmos_write(0x0b, 0x06); /* DM = binary, 24 h */
	assert_int_equal(cmos_read(0x00), 50);
	assert_int_equal(cmos_read(0x02), 59);
	assert_int_equal(cmos_read(0x04), 23);
	assert_int_equal(cmos_read(0x09), 24);
	assert_int_equal(cmos_read(0x32), 20);
}

static void test_12_hour_mode(void **state)
{
	(void)state;
	cmos_write(0x0b, 0x00); /* BCD, 12 h */
	assert_int_equal(cmos_read(0x04), 0x91); /* 11 PM */
	clock_step(10 * SEC);
	assert_int_equal(cmos_read(0x04), 0x12); /* 12 AM (midnight) */
	clock_step(12 * 3600 * SEC);
	assert_int_equal(cmos_read(0x04), 0x92); /* 12 PM (noon) */
	cmos_write(0x0b, 0x04); /* binary, 12 h */
	assert_int_equal(cmos_read(0x04), 0x8c);
}

static void test_set_mode_and_write_time(void **state)
{
	(void)state;
	clock_step(SEC / 4);         /* phase of the second: 0.25 s */
	cmos_write(0x0b, 0x82);      /* SET: updates stop */
	cmos_write(0x00, 0x00);
	cmos_write(0x02, 0x00);
	cmos_write(0x04, 0x12);
	cmos_write(0x07, 0x01);
	cmos_write(0x08, 0x01);
	cmos_write(0x09, 0x00);
	cmos_write(0x32, 0x20);
	clock_step(5 * SEC);
	assert_int_equal(cmos_read(0x00), 0x00); /* frozen while SET */
	cmos_write(0x0b, 0x02);      /* run from 2000-01-01 12:00:00 */
	clock_step(SEC / 2);         /* phase now 0.75: no update yet */
	assert_int_equal(cmos_read(0x00), 0x00);
	clock_step(SEC / 4);         /* the second boundary, phase kept */
	assert_int_equal(cmos_read(0x00), 0x01);
	assert_int_equal(cmos_read(0x04), 0x12);
	assert_int_equal(cmos_read(0x06), 0x07); /* a Saturday */
	assert_int_equal(cmos_read(0x09), 0x00);
}

static void test_uip_window(void **state)
{
	(void)state;
	clock_step(SEC - 244140 - 1);
	assert_int_equal(cmos_read(0x0a), 0x26);
	clock_step(1);
	assert_int_equal(cmos_read(0x0a), 0xa6); /* 244 us before update */
	assert_int_equal(cmos_read(0x00), 0x50); /* still the old second */
	clock_step(244140);
	assert_int_equal(cmos_read(0x0a), 0x26);
	assert_int_equal(cmos_read(0x00), 0x51);
	clock_step(SEC - 100);
	cmos_write(0x0b, 0x82);      /* no UIP while SET */
	assert_int_equal(cmos_read(0x0a), 0x26);
}

static void test_periodic_interrupt(void **state)
{
	(void)state;
	cmos_write(0x0b, 0x42);      /* PIE, rate 6: 1024 Hz */
	clock_step(976562);
	assert_false(irq_level(8));
	clock_step(1);               /* 32 ticks of 32.768 kHz */
	assert_true(irq_level(8));
	assert_int_equal(cmos_read(0x0c), 0xc0); /* IRQF | PF */
	assert_false(irq_level(8));
	assert_int_equal(cmos_read(0x0c), 0x00); /* read clears */
	clock_step(1953125 - 976563 - 1);
	assert_false(irq_level(8));
	clock_step(1);
	assert_true(irq_level(8));
	assert_int_equal(irq_rises(8), 2);
}

static void test_periodic_rates(void **state)
{
	unsigned int i;

	(void)state;
	cmos_write(0x0a, 0x2f);      /* RS = 15: 500 ms */
	cmos_write(0x0b, 0x42);
	for (i = 0; i < 4; i++) {
		clock_step(SEC / 2);
		assert_true(irq_level(8));
		cmos_read(0x0c);
	}
	assert_int_equal(irq_rises(8), 4);
	cmos_write(0x0a, 0x23);      /* RS = 3: 122.0703125 us */
	clock_step(122070);
	assert_false(irq_level(8));
	clock_step(1);
	assert_true(irq_level(8));
	cmos_write(0x0a, 0x21);      /* RS = 1 is 3.90625 ms, as RS = 8 */
	cmos_read(0x0c);
	clock_step(3906250);
	assert_true(irq_level(8));
}

static void test_flags_without_enables(void **state)
{
	(void)state;
	clock_step(SEC / 1000);      /* a 1024 Hz tick has passed */
	assert_int_equal(cmos_read(0x0c), 0x40); /* PF, no IRQF */
	clock_step(SEC);
	assert_int_equal(cmos_read(0x0c), 0x50); /* PF | UF */
	assert_int_equal(irq_rises(8), 0);
}

static void test_update_ended_interrupt(void **state)
{
	(void)state;
	clock_step(SEC / 3);
	cmos_read(0x0c);
	cmos_write(0x0b, 0x12);      /* UIE */
	clock_step(SEC - SEC / 3 - 1);
	assert_false(irq_level(8));
	clock_step(1);
	assert_true(irq_level(8));
	assert_int_equal(cmos_read(0x0c) & 0xf0, 0xd0); /* IRQF | PF | UF */
	assert_int_equal(cmos_read(0x00), 0x51);
}

static void test_alarm_interrupt(void **state)
{
	(void)state;
	cmos_write(0x01, 0x55);      /* 23:59:55 */
	cmos_write(0x03, 0x59);
	cmos_write(0x05, 0x23);
	cmos_write(0x0b, 0x22);      /* AIE */
	clock_step(5 * SEC - 1);
	assert_false(irq_level(8));
	clock_step(1);
	assert_true(irq_level(8));
	assert_int_equal(cmos_read(0x0c) & 0xb0, 0xb0); /* IRQF|AF|UF */
	clock_step(60 * SEC);        /* full time given: not the next minute */
	assert_false(irq_level(8));
	assert_int_equal(cmos_read(0x0c) & 0x20, 0x00);
}

static void test_alarm_dont_care(void **state)
{
	(void)state;
	cmos_write(0x01, 0x30);      /* every minute at :30 */
	cmos_write(0x03, 0xc0);
	cmos_write(0x05, 0xff);
	cmos_write(0x0b, 0x22);
	clock_step(40 * SEC - 1);    /* 23:59:50 -> 00:00:29.999 */
	assert_false(irq_level(8));
	clock_step(1);
	assert_true(irq_level(8));
	cmos_read(0x0c);
	clock_step(60 * SEC);
	assert_true(irq_level(8));
	assert_int_equal(irq_rises(8), 2);
}

static void test_enable_with_flag_pending(void **state)
{
	(void)state;
	clock_step(SEC / 100);       /* PF is set, PIE off */
	assert_false(irq_level(8));
	cmos_write(0x0b, 0x42);      /* enabling PIE raises IRQ at once */
	assert_true(irq_level(8));
	cmos_write(0x0b, 0x02);      /* disabling drops IRQF again */
	assert_false(irq_level(8));
	assert_int_equal(cmos_read(0x0c), 0x40);
}

static void test_set_clears_uie(void **state)
{
	(void)state;
	cmos_write(0x0b, 0x92);      /* SET with UIE */
	assert_int_equal(cmos_read(0x0b), 0x82);
	clock_step(3 * SEC);
	assert_int_equal(cmos_read(0x0c) & 0x10, 0x00); /* no updates */
}

static void test_nmi_mask_and_index(void **state)
{
	(void)state;
	outb(0x70, 0x8f);            /* NMI off, index 0x0f */
	assert_true(mc146818_nmi_disabled(&rtc));
	outb(0x71, 0xab);
	assert_int_equal(mc146818_cmos_get(&rtc, 0x0f), 0xab);
	assert_int_equal(inb(0x71), 0xab);
	outb(0x70, 0x0f);
	assert_false(mc146818_nmi_disabled(&rtc));
	assert_int_equal(inb(0x70), 0xff); /* index port is write-only */
}

static void test_cmos_ram(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0x0e; i < 0x80; i++)
		if (i != 0x32 && i != 0x37)
			cmos_write(i, i ^ 0x5a);
	for (i = 0x0e; i < 0x80; i++)
		if (i != 0x32 && i != 0x37)
			assert_int_equal(cmos_read(i), i ^ 0x5a);
	assert_int_equal(cmos_read(0x37), 0x20); /* PS/2 alias of 0x32 */
	cmos_write(0x0d, 0x00);      /* read-only */
	cmos_write(0x0c, 0xff);
	assert_int_equal(cmos_read(0x0d), 0x80);
	assert_int_equal(cmos_read(0x0c), 0x00);
	cmos_write(0x0a, 0xa6);      /* UIP is read-only */
	assert_int_equal(cmos_read(0x0a), 0x26);
}

static void test_memory_size_bytes(void **state)
{
	(void)state;
	mc146818_set_mem_sizes(&rtc, 2ULL << 30, 1ULL << 30);
	assert_int_equal(cmos_read(0x15), 0x80);  /* 640 KiB */
	assert_int_equal(cmos_read(0x16), 0x02);
	assert_int_equal(cmos_read(0x17), 0xff);  /* capped at 65535 KiB */
	assert_int_equal(cmos_read(0x18), 0xff);
	assert_int_equal(cmos_read(0x30), 0xff);
	assert_int_equal(cmos_read(0x31), 0xff);
	assert_int_equal(cmos_read(0x34), 0x00);  /* (2G - 16M) / 64K */
	assert_int_equal(cmos_read(0x35), 0x7f);  /* = 0x7f00 */
	assert_int_equal(cmos_read(0x5b), 0x00);  /* 1G / 64K = 0x4000 */
	assert_int_equal(cmos_read(0x5c), 0x40);
	assert_int_equal(cmos_read(0x5d), 0x00);
	mc146818_set_mem_sizes(&rtc, 8 << 20, 0);
	assert_int_equal(cmos_read(0x17), 0x00);  /* 7 MiB = 7168 KiB */
	assert_int_equal(cmos_read(0x18), 0x1c);
	assert_int_equal(cmos_read(0x34), 0x00);
	assert_int_equal(cmos_read(0x35), 0x00);
}

static void test_divider_reset(void **state)
{
	(void)state;
	clock_step(SEC / 4);
	cmos_write(0x0a, 0x76);      /* divider in reset: time stops */
	clock_step(10 * SEC);
	assert_int_equal(cmos_read(0x00), 0x50);
	cmos_write(0x0a, 0x26);      /* first update 500 ms later */
	clock_step(SEC / 2 - 1);
	assert_int_equal(cmos_read(0x00), 0x50);
	clock_step(1);
	assert_int_equal(cmos_read(0x00), 0x51);
}

static void test_write_time_while_running(void **state)
{
	(void)state;
	clock_step(SEC / 2);
	cmos_write(0x02, 0x10);      /* minutes only: 23:10:50 */
	assert_int_equal(cmos_read(0x00), 0x50);
	assert_int_equal(cmos_read(0x02), 0x10);
	assert_int_equal(cmos_read(0x04), 0x23);
	clock_step(SEC / 2);         /* phase kept: update on time */
	assert_int_equal(cmos_read(0x00), 0x51);
}

static void test_century_rollover(void **state)
{
	(void)state;
	rtc_setup_at(4102444799LL);  /* 2099-12-31 23:59:59, Thursday */
	assert_int_equal(cmos_read(0x09), 0x99);
	assert_int_equal(cmos_read(0x06), 0x05);
	clock_step(SEC);
	assert_int_equal(cmos_read(0x09), 0x00);
	assert_int_equal(cmos_read(0x32), 0x21);
	assert_int_equal(cmos_read(0x08), 0x01);
	assert_int_equal(cmos_read(0x07), 0x01);
	assert_int_equal(cmos_read(0x06), 0x06); /* Friday */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_initial_registers, setup),
		cmocka_unit_test_setup(test_time_advances_with_carries, setup),
		cmocka_unit_test_setup(test_binary_mode, setup),
		cmocka_unit_test_setup(test_12_hour_mode, setup),
		cmocka_unit_test_setup(test_set_mode_and_write_time, setup),
		cmocka_unit_test_setup(test_uip_window, setup),
		cmocka_unit_test_setup(test_periodic_interrupt, setup),
		cmocka_unit_test_setup(test_periodic_rates, setup),
		cmocka_unit_test_setup(test_flags_without_enables, setup),
		cmocka_unit_test_setup(test_update_ended_interrupt, setup),
		cmocka_unit_test_setup(test_alarm_interrupt, setup),
		cmocka_unit_test_setup(test_alarm_dont_care, setup),
		cmocka_unit_test_setup(test_enable_with_flag_pending, setup),
		cmocka_unit_test_setup(test_set_clears_uie, setup),
		cmocka_unit_test_setup(test_nmi_mask_and_index, setup),
		cmocka_unit_test_setup(test_cmos_ram, setup),
		cmocka_unit_test_setup(test_memory_size_bytes, setup),
		cmocka_unit_test_setup(test_divider_reset, setup),
		cmocka_unit_test_setup(test_write_time_while_running, setup),
		cmocka_unit_test_setup(test_century_rollover, setup),
	};

	return cmocka_run_group_tests_name("mc146818", tests, NULL, NULL);
}
