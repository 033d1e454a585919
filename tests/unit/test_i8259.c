/*
 * Unit tests for hw/i8259.c, qtest style: program the pair through ports
 * 0x20/0x21, 0xa0/0xa1, 0x4d0/0x4d1, drive IRQ inputs, take vectors at INTA.
 * Expected values: Intel 8259A datasheet and QEMU's i8259.
 */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hw/i8259.h"
#include "tests/unit/hw_fake.h"

static struct fake_env fe;
static struct i8259 pic;
static bool intr;
static unsigned int intr_rises;

static void set_intr(void *opaque, bool level)
{
	(void)opaque;
	if (level && !intr)
		intr_rises++;
	intr = level;
}

/* The usual PC initialisation: vectors 0x08 and 0x70, cascade on IR2. */
static void pic_init_pc(uint8_t icw4)
{
	outb(0x20, 0x11);
	outb(0x21, 0x08);
	outb(0x21, 0x04);
	outb(0x21, icw4);
	outb(0xa0, 0x11);
	outb(0xa1, 0x70);
	outb(0xa1, 0x02);
	outb(0xa1, icw4);
	outb(0x21, 0x00);
	outb(0xa1, 0x00);
}

static int setup(void **state)
{
	(void)state;
	fake_init(&fe, 0);
	intr = false;
	intr_rises = 0;
	i8259_init(&pic, &fe.env, set_intr, NULL);
	assert_int_equal(i8259_attach(&pic, &fe.pio), 0);
	pic_init_pc(0x01);
	return 0;
}

static void irq(unsigned int n, bool level)
{
	i8259_set_irq(&pic, n, level);
}

static uint8_t read_isr(uint16_t cmd_port)
{
	uint8_t v;

	outb(cmd_port, 0x0b);
	v = inb(cmd_port);
	outb(cmd_port, 0x0a);
	return v;
}

static void test_init_state(void **state)
{
	(void)state;
	assert_int_equal(inb(0x21), 0x00);
	assert_int_equal(inb(0xa1), 0x00);
	assert_int_equal(inb(0x20), 0x00); /* IRR */
	assert_int_equal(read_isr(0x20), 0x00);
	assert_false(intr);
	outb(0x21, 0xfb);
	outb(0xa1, 0xff);
	assert_int_equal(inb(0x21), 0xfb);
	assert_int_equal(inb(0xa1), 0xff);
	/* the ports are registered where the PC has them */
	assert_ptr_equal(bus_find(&fe.pio, 0x4d1)->dev, &pic);
}

static void test_edge_irq_and_eoi(void **state)
{
	(void)state;
	irq(1, true);
	assert_true(intr);
	assert_int_equal(inb(0x20), 0x02);
	assert_int_equal(i8259_get_interrupt(&pic), 0x09);
	assert_false(intr);
	assert_int_equal(inb(0x20), 0x00);      /* IRR cleared at INTA */
	assert_int_equal(read_isr(0x20), 0x02); /* in service */
	outb(0x20, 0x20);                       /* non-specific EOI */
	assert_int_equal(read_isr(0x20), 0x00);
	assert_false(intr); /* the line is still high: no new edge */
}

static void test_edge_needs_new_edge(void **state)
{
	(void)state;
	irq(4, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0c);
	outb(0x20, 0x20);
	irq(4, true); /* still high: nothing */
	assert_false(intr);
	irq(4, false);
	irq(4, true);
	assert_true(intr);
	assert_int_equal(intr_rises, 2);
}

static void test_mask(void **state)
{
	(void)state;
	outb(0x21, 0x08); /* mask IRQ 3 */
	irq(3, true);
	assert_false(intr);
	assert_int_equal(inb(0x20), 0x08); /* requested, just masked */
	outb(0x21, 0x00);
	assert_true(intr);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0b);
}

static void test_fully_nested_priority(void **state)
{
	(void)state;
	irq(3, true);
	irq(1, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x09); /* 1 before 3 */
	assert_false(intr); /* 3 is lower than 1, which is in service */
	irq(0, true);
	assert_true(intr);  /* 0 is higher: it nests */
	assert_int_equal(i8259_get_interrupt(&pic), 0x08);
	assert_int_equal(read_isr(0x20), 0x03);
	outb(0x20, 0x20); /* EOI clears the highest in service: IR0 */
	assert_int_equal(read_isr(0x20), 0x02);
	assert_false(intr);
	outb(0x20, 0x20);
	assert_true(intr);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0b);
}

static void test_cascade(void **state)
{
	(void)state;
	irq(10, true);
	assert_true(intr);
	assert_int_equal(inb(0x20), 0x04);  /* master sees IR2 */
	assert_int_equal(inb(0xa0), 0x04);  /* slave IR2 = IRQ 10 */
	assert_int_equal(i8259_get_interrupt(&pic), 0x72);
	assert_int_equal(read_isr(0x20), 0x04);
	assert_int_equal(read_isr(0xa0), 0x04);
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
	assert_int_equal(read_isr(0x20), 0x00);
	assert_int_equal(read_isr(0xa0), 0x00);
	irq(15, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x77);
}

static void test_spurious_irq7(void **state)
{
	(void)state;
	assert_false(intr);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0f);
	assert_int_equal(read_isr(0x20), 0x00); /* no ISR bit for spurious */
}

static void test_spurious_irq15(void **state)
{
	(void)state;
	outb(0x4d1, 0x04); /* IRQ 10 level-triggered */
	irq(10, true);
	assert_true(intr);
	irq(10, false);  /* request gone before INTA; master IR2 latched */
	assert_int_equal(i8259_get_interrupt(&pic), 0x77);
	assert_int_equal(read_isr(0xa0), 0x00);
	assert_int_equal(read_isr(0x20), 0x04); /* master still needs EOI */
}

static void test_auto_eoi(void **state)
{
	(void)state;
	pic_init_pc(0x03); /* ICW4: AEOI, 8086 mode */
	irq(5, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0d);
	assert_int_equal(read_isr(0x20), 0x00);
	irq(6, true);  /* lower priority, but nothing is in service */
	assert_true(intr);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0e);
}

static void test_rotate_on_nonspecific_eoi(void **state)
{
	(void)state;
	irq(3, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0b);
	outb(0x20, 0xa0); /* rotate on non-specific EOI: IR3 now lowest */
	irq(5, true);
	irq(3, false);
	irq(3, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0d); /* 5 beats 3 */
	outb(0x20, 0x20);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0b);
}

static void test_set_priority(void **state)
{
	(void)state;
	outb(0x20, 0xc4); /* OCW2 set priority: IR4 lowest, IR5 highest */
	irq(1, true);
	irq(6, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0e);
	outb(0x20, 0x66); /* specific EOI for IR6 */
	assert_int_equal(i8259_get_interrupt(&pic), 0x09);
}

static void test_specific_eoi(void **state)
{
	(void)state;
	irq(4, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0c);
	irq(1, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x09);
	assert_int_equal(read_isr(0x20), 0x12);
	outb(0x20, 0x64); /* specific EOI IR4, leaves IR1 in service */
	assert_int_equal(read_isr(0x20), 0x02);
}

static void test_special_mask_mode(void **state)
{
	(void)state;
	irq(3, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0b);
	irq(5, true);
	assert_false(intr);  /* IR3 in service blocks IR5 */
	outb(0x21, 0x08);    /* mask IR3 ... */
	assert_false(intr);
	outb(0x20, 0x68);    /* ... and enter special mask mode */
	assert_true(intr);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0d);
	outb(0x20, 0x48);    /* leave special mask mode */
	assert_int_equal(read_isr(0x20), 0x28);
}

static void test_poll_mode(void **state)
{
	(void)state;
	irq(6, true);
	irq(7, true);
	outb(0x20, 0x0c);  /* OCW3: poll */
	assert_int_equal(inb(0x20), 0x86);
	assert_int_equal(read_isr(0x20), 0x40); /* the poll read was INTA */
	assert_int_equal(inb(0x20), 0x80);      /* next read: IRR again */
	outb(0x20, 0x20);
	outb(0x20, 0x0c);
	assert_int_equal(inb(0x21), 0x87);      /* poll works on either port */
	outb(0x20, 0x20);
	outb(0x20, 0x0c);
	assert_int_equal(inb(0x20), 0x00);      /* nothing pending */
}

static void test_elcr_level(void **state)
{
	(void)state;
	outb(0x4d0, 0xff);
	outb(0x4d1, 0xff);
	assert_int_equal(inb(0x4d0), 0xf8); /* IRQ 0, 1, 2 are edge only */
	assert_int_equal(inb(0x4d1), 0xde); /* IRQ 8 and 13 too */
	irq(5, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0d);
	assert_int_equal(inb(0x20), 0x20); /* IRR still follows the line */
	assert_false(intr);                /* in service */
	outb(0x20, 0x20);
	assert_true(intr);  /* still asserted: delivered again */
	irq(5, false);
	assert_false(intr);
	assert_int_equal(inb(0x20), 0x00);
}

static void test_level_through_cascade(void **state)
{
	(void)state;
	outb(0x4d1, 0x08); /* IRQ 11 level-triggered */
	irq(11, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x73);
	assert_int_equal(inb(0xa0), 0x08);
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
	assert_true(intr); /* still asserted: a new edge on master IR2 */
	assert_int_equal(i8259_get_interrupt(&pic), 0x73);
	/* The line drops after the slave EOI re-raised master IR2: the
	 * master's edge latch keeps the request and INTA finds nothing on
	 * the slave, which answers with IR7 (IRQ 15, spurious). */
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
	irq(11, false);
	assert_true(intr);
	assert_int_equal(i8259_get_interrupt(&pic), 0x77);
	assert_int_equal(read_isr(0xa0), 0x00);
}

static void test_icw1_resets(void **state)
{
	(void)state;
	outb(0x4d0, 0x20);
	outb(0x21, 0x55);
	irq(3, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0b);
	irq(4, true);  /* pending, blocked by IR3 in service */
	pic_init_pc(0x01);
	assert_int_equal(inb(0x21), 0x00);     /* IMR cleared */
	assert_int_equal(read_isr(0x20), 0x00);
	assert_int_equal(inb(0x20), 0x00);     /* edge IRR cleared */
	assert_false(intr);
	assert_int_equal(inb(0x4d0), 0x20);    /* ELCR survives ICW1 */
	irq(3, true); /* still high: the edge detector was reset too */
	assert_false(intr);
	irq(3, false);
	irq(3, true);
	assert_true(intr);
}

static void test_read_register_select(void **state)
{
	(void)state;
	irq(3, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x0b);
	irq(5, true);
	outb(0x20, 0x0b);                 /* read ISR */
	assert_int_equal(inb(0x20), 0x08);
	outb(0x20, 0x08);                 /* OCW3 with RR = 0: no change */
	assert_int_equal(inb(0x20), 0x08);
	outb(0x20, 0x0a);                 /* read IRR */
	assert_int_equal(inb(0x20), 0x20);
}

static void test_word_access_splits(void **state)
{
	(void)state;
	outb(0x21, 0xa5);
	irq(1, true);
	/* a 16-bit read at 0x20 is two byte reads: IRR, then IMR */
	assert_int_equal(inw(0x20), 0xa502);
}

static void test_single_and_no_icw4(void **state)
{
	(void)state;
	/* single mode with ICW4: ICW1, ICW2, ICW4 (no ICW3) */
	outb(0x20, 0x13);
	outb(0x21, 0x20);
	outb(0x21, 0x01);
	outb(0x21, 0x3c); /* this one is OCW1 */
	assert_int_equal(inb(0x21), 0x3c);
	irq(0, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x20);
	/* cascade without ICW4: ICW1, ICW2, ICW3 */
	outb(0xa0, 0x10);
	outb(0xa1, 0x28);
	outb(0xa1, 0x02);
	outb(0xa1, 0xf0);
	assert_int_equal(inb(0xa1), 0xf0);
}

static void test_special_fully_nested(void **state)
{
	(void)state;
	pic_init_pc(0x11); /* SFNM on both */
	irq(10, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x72);
	irq(9, true); /* higher than 10 on the slave */
	assert_true(intr); /* master IR2 in service does not block it */
	assert_int_equal(i8259_get_interrupt(&pic), 0x71);
}

static void test_no_sfnm_blocks_slave(void **state)
{
	(void)state;
	irq(10, true);
	assert_int_equal(i8259_get_interrupt(&pic), 0x72);
	irq(9, true);
	assert_false(intr); /* normal nesting: IR2 in service on the master */
	outb(0x20, 0x20);   /* master EOI only */
	assert_true(intr);
	assert_int_equal(i8259_get_interrupt(&pic), 0x71);
}

static void test_two_instances(void **state)
{
	struct fake_env fe2;
	struct i8259 pic2;

	(void)state;
	fake_init(&fe2, 0);
	i8259_init(&pic2, &fe2.env, NULL, NULL);
	i8259_set_irq(&pic2, 1, true);
	assert_true(i8259_intr(&pic2));
	assert_false(intr);
	assert_int_equal(pic.s.chip[0].irr, 0);
	fake = &fe; /* back to the first for teardown */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_state, setup),
		cmocka_unit_test_setup(test_edge_irq_and_eoi, setup),
		cmocka_unit_test_setup(test_edge_needs_new_edge, setup),
		cmocka_unit_test_setup(test_mask, setup),
		cmocka_unit_test_setup(test_fully_nested_priority, setup),
		cmocka_unit_test_setup(test_cascade, setup),
		cmocka_unit_test_setup(test_spurious_irq7, setup),
		cmocka_unit_test_setup(test_spurious_irq15, setup),
		cmocka_unit_test_setup(test_auto_eoi, setup),
		cmocka_unit_test_setup(test_rotate_on_nonspecific_eoi, setup),
		cmocka_unit_test_setup(test_set_priority, setup),
		cmocka_unit_test_setup(test_specific_eoi, setup),
		cmocka_unit_test_setup(test_special_mask_mode, setup),
		cmocka_unit_test_setup(test_poll_mode, setup),
		cmocka_unit_test_setup(test_elcr_level, setup),
		cmocka_unit_test_setup(test_level_through_cascade, setup),
		cmocka_unit_test_setup(test_icw1_resets, setup),
		cmocka_unit_test_setup(test_read_register_select, setup),
		cmocka_unit_test_setup(test_word_access_splits, setup),
		cmocka_unit_test_setup(test_single_and_no_icw4, setup),
		cmocka_unit_test_setup(test_special_fully_nested, setup),
		cmocka_unit_test_setup(test_no_sfnm_blocks_slave, setup),
		cmocka_unit_test_setup(test_two_instances, setup),
	};

	return cmocka_run_group_tests_name("i8259", tests, NULL, NULL);
}
