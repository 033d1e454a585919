/*
 * Unit tests for the small PC ports: 0x92 (hw/port92.c), isa-debug-exit
 * at 0xf4 (hw/debugexit.c), debugcon at 0xe9 (hw/debugcon.c), POST port
 * 0x80 (hw/port80.c) and the PS/2 controller subset at 0x60/0x64
 * (hw/i8042.c). Expected values: QEMU's pc machine.
 */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hw/debugcon.h"
#include "hw/debugexit.h"
#include "hw/i8042.h"
#include "hw/port80.h"
#include "hw/port92.h"
#include "tests/unit/hw_fake.h"

static struct fake_env fe;
static struct port92 p92;
static struct debugexit dexit;
static struct debugcon dcon;
static struct port80 post;
static struct i8042 kbc;

static unsigned int a20_calls, resets, exits;
static bool a20;
static uint64_t exit_status;
static char con[32];
static unsigned int con_len;

static void on_a20(void *opaque, bool enabled)
{
	(void)opaque;
	a20_calls++;
	a20 = enabled;
}

static void on_reset(void *opaque)
{
	(void)opaque;
	resets++;
}

static void on_exit_status(void *opaque, uint64_t status)
{
	(void)opaque;
	exits++;
	exit_status = status;
}

static void on_con(void *opaque, uint8_t b)
{
	(void)opaque;
	if (con_len < sizeof(con) - 1)
		con[con_len++] = (char)b;
}

static int setup(void **state)
{
	(void)state;
	fake_init(&fe, 0);
	a20_calls = resets = exits = con_len = 0;
	a20 = false;
	exit_status = 0;
	memset(con, 0, sizeof(con));
	port92_init(&p92, &fe.env, on_a20, on_reset, NULL);
	debugexit_init(&dexit, &fe.env, on_exit_status, NULL);
	debugcon_init(&dcon, &fe.env, on_con, NULL);
	port80_init(&post);
	i8042_init(&kbc, &fe.env, on_a20, on_reset, NULL);
	assert_int_equal(port92_attach(&p92, &fe.pio), 0);
	assert_int_equal(debugexit_attach(&dexit, &fe.pio, DEBUGEXIT_PORT,
					  DEBUGEXIT_SIZE), 0);
	assert_int_equal(debugcon_attach(&dcon, &fe.pio), 0);
	assert_int_equal(port80_attach(&post, &fe.pio), 0);
	assert_int_equal(i8042_attach(&kbc, &fe.pio), 0);
	return 0;
}

/* ---- port 0x92 ----------------------------------------------------------- */

static void test_port92_a20(void **state)
{
	(void)state;
	assert_int_equal(inb(0x92), 0x00);
	outb(0x92, 0x02);
	assert_true(a20);
	assert_int_equal(inb(0x92), 0x02);
	outb(0x92, 0x00);
	assert_false(a20);
	assert_int_equal(a20_calls, 2);
	assert_int_equal(resets, 0);
}

static void test_port92_reset_edge(void **state)
{
	(void)state;
	outb(0x92, 0x03);
	assert_int_equal(resets, 1);
	assert_true(a20);
	outb(0x92, 0x03); /* bit 0 already set: no new reset */
	assert_int_equal(resets, 1);
	outb(0x92, 0x02);
	outb(0x92, 0x01);
	assert_int_equal(resets, 2);
	port92_reset(&p92);
	assert_int_equal(inb(0x92), 0x00);
}

/* ---- isa-debug-exit ------------------------------------------------------ */

static void test_debugexit_status(void **state)
{
	(void)state;
	outb(0xf4, 0x00);
	assert_int_equal(exits, 1);
	assert_int_equal(exit_status, 1);
	outl(0xf4, 0x10);
	assert_int_equal(exit_status, 0x21);
	outb(0xf4, 0x7f);
	assert_int_equal(exit_status, 0xff);
	assert_int_equal(exits, 3);
}

static void test_debugexit_range(void **state)
{
	(void)state;
	/* iosize 4: 0xf4-0xf7 */
	assert_ptr_equal(bus_find(&fe.pio, 0xf7)->dev, &dexit);
	assert_null(bus_find(&fe.pio, 0xf8));
	outw(0xf6, 0x2);
	assert_int_equal(exit_status, 5);
	assert_int_equal(inl(0xf4), 0);
	assert_int_equal(exits, 1);
}

/* ---- debugcon ------------------------------------------------------------ */

static void test_debugcon(void **state)
{
	(void)state;
	assert_int_equal(inb(0xe9), 0xe9);
	outb(0xe9, 'o');
	outb(0xe9, 'k');
	outw(0xe9, 'A' | 'B' << 8); /* split by the bus, low byte first */
	assert_string_equal(con, "okA");
	assert_int_equal(dcon.bytes, 3);
	/* 0xea belongs to nobody: the second byte was dropped */
	assert_int_equal(fe.pio.unclaimed_writes, 1);
}

/* ---- POST port ----------------------------------------------------------- */

static void test_port80(void **state)
{
	(void)state;
	assert_int_equal(port80_last(&post), 0);
	outb(0x80, 0x12);
	outb(0x80, 0x34);
	assert_int_equal(port80_last(&post), 0x34);
	assert_int_equal(post.writes, 2);
	assert_int_equal(inb(0x80), 0xff);
	assert_int_equal(port80_last(&post), 0x34);
}

/* ---- i8042 --------------------------------------------------------------- */

static void test_i8042_reset_state(void **state)
{
	(void)state;
	assert_int_equal(inb(0x64), 0x18);
	outb(0x64, 0x20);
	assert_int_equal(inb(0x64) & I8042_STAT_OBF, I8042_STAT_OBF);
	assert_int_equal(inb(0x60), 0x03);
	outb(0x64, 0xd0);
	assert_int_equal(inb(0x60), 0xcf);
	assert_int_equal(inb(0x64) & I8042_STAT_OBF, 0);
}

static void test_i8042_self_test(void **state)
{
	(void)state;
	outb(0x64, 0xaa);
	assert_int_equal(inb(0x64), 0x18 | I8042_STAT_SYS | I8042_STAT_OBF);
	assert_true(irq_level(1));
	assert_int_equal(inb(0x60), 0x55);
	assert_false(irq_level(1));
	assert_int_equal(inb(0x64), 0x18 | I8042_STAT_SYS);
	outb(0x64, 0xab);
	assert_int_equal(inb(0x60), 0x00);
	assert_int_equal(irq_rises(1), 2);
}

static void test_i8042_command_byte(void **state)
{
	(void)state;
	outb(0x64, 0x60);
	outb(0x60, 0x00); /* keyboard interrupt off */
	outb(0x64, 0x20);
	assert_false(irq_level(1));
	assert_int_equal(inb(0x60), 0x00);
	outb(0x64, 0xad);
	outb(0x64, 0x20);
	assert_int_equal(inb(0x60), 0x10);
	outb(0x64, 0xae);
	outb(0x64, 0x20);
	assert_int_equal(inb(0x60), 0x00);
	assert_int_equal(irq_rises(1), 0);
}

static void test_i8042_pulse_reset(void **state)
{
	(void)state;
	outb(0x64, 0xff); /* pulse nothing */
	outb(0x64, 0xf1);
	assert_int_equal(resets, 0);
	outb(0x64, 0xfe);
	assert_int_equal(resets, 1);
}

static void test_i8042_output_port(void **state)
{
	(void)state;
	outb(0x64, 0xd1);
	outb(0x60, 0xcd); /* A20 off, reset bit still 1 */
	assert_int_equal(a20_calls, 1);
	assert_false(a20);
	assert_int_equal(resets, 0);
	outb(0x64, 0xd0);
	assert_int_equal(inb(0x60), 0xcd);
	outb(0x64, 0xdf);
	assert_true(a20);
	outb(0x64, 0xd1);
	outb(0x60, 0xce); /* reset bit 0: the CPU is reset */
	assert_int_equal(resets, 1);
	assert_true(a20);
	/* without a pending command a data byte goes to the keyboard, which
	 * is absent */
	outb(0x60, 0xff);
	assert_int_equal(kbc.dropped, 1);
	assert_int_equal(resets, 1);
}

static void test_ports_registered(void **state)
{
	struct port92 other;

	(void)state;
	assert_ptr_equal(bus_find(&fe.pio, 0x60)->dev, &kbc);
	assert_ptr_equal(bus_find(&fe.pio, 0x64)->dev, &kbc);
	assert_ptr_equal(bus_find(&fe.pio, 0x92)->dev, &p92);
	assert_ptr_equal(bus_find(&fe.pio, 0x80)->dev, &post);
	assert_ptr_equal(bus_find(&fe.pio, 0xe9)->dev, &dcon);
	/* a second device cannot take a taken port; callbacks may be NULL */
	port92_init(&other, &fe.env, NULL, NULL, NULL);
	assert_int_equal(port92_attach(&other, &fe.pio), -EBUSY);
	port92_ops.write(&other, 0, 1, 0x03);
	assert_int_equal(port92_ops.read(&other, 0, 1), 0x03);
	assert_int_equal(a20_calls + resets, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_port92_a20, setup),
		cmocka_unit_test_setup(test_port92_reset_edge, setup),
		cmocka_unit_test_setup(test_debugexit_status, setup),
		cmocka_unit_test_setup(test_debugexit_range, setup),
		cmocka_unit_test_setup(test_debugcon, setup),
		cmocka_unit_test_setup(test_port80, setup),
		cmocka_unit_test_setup(test_i8042_reset_state, setup),
		cmocka_unit_test_setup(test_i8042_self_test, setup),
		cmocka_unit_test_setup(test_i8042_command_byte, setup),
		cmocka_unit_test_setup(test_i8042_pulse_reset, setup),
		cmocka_unit_test_setup(test_i8042_output_port, setup),
		cmocka_unit_test_setup(test_ports_registered, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
