/*
 * Unit tests for hw/ioapic.c, qtest style: program the redirection table
 * through IOREGSEL/IOWIN at 0xfec00000, drive pins, watch the interrupt
 * messages handed to the board. Expected values: 82093AA datasheet and
 * QEMU's ioapic.
 */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hw/ioapic.h"
#include "tests/unit/hw_fake.h"

#define BASE IOAPIC_DEFAULT_BASE

struct msg {
	uint8_t dest, vector;
	unsigned int dest_mode, mode, trigger;
};

static struct fake_env fe;
static struct bus mmio;
static struct ioapic io;
static struct msg msgs[16];
static unsigned int nmsgs;

static void deliver(void *opaque, uint8_t dest, unsigned int dest_mode,
		    unsigned int mode, uint8_t vector, unsigned int trigger)
{
	(void)opaque;
	if (nmsgs < 16)
		msgs[nmsgs] = (struct msg){ dest, vector, dest_mode, mode,
					    trigger };
	nmsgs++;
}

static int setup(void **state)
{
	const struct ioapic_config cfg = { .id = 0, .deliver = deliver };

	(void)state;
	fake_init(&fe, 0);
	bus_init(&mmio, "mmio");
	nmsgs = 0;
	memset(msgs, 0, sizeof(msgs));
	ioapic_init(&io, &fe.env, &cfg);
	assert_int_equal(ioapic_attach(&io, &mmio, BASE), 0);
	return 0;
}

static void regw(uint32_t index, uint32_t val)
{
	bus_write(&mmio, BASE + IOAPIC_IOREGSEL, 4, index);
	bus_write(&mmio, BASE + IOAPIC_IOWIN, 4, val);
}

static uint32_t regr(uint32_t index)
{
	bus_write(&mmio, BASE + IOAPIC_IOREGSEL, 4, index);
	return (uint32_t)bus_read(&mmio, BASE + IOAPIC_IOWIN, 4);
}

static void rte(unsigned int pin, uint32_t lo, uint8_t dest)
{
	regw(0x11 + 2 * pin, (uint32_t)dest << 24);
	regw(0x10 + 2 * pin, lo);
}

static void irq(unsigned int pin, bool level)
{
	ioapic_set_irq(&io, pin, level);
}

static void test_version_register(void **state)
{
	(void)state;
	/* version 0x20, maximum redirection entry 23 in bits 23:16 */
	assert_int_equal(regr(IOAPIC_REG_VER), 0x00170020);
	regw(IOAPIC_REG_VER, 0);
	assert_int_equal(regr(IOAPIC_REG_VER), 0x00170020);
}

static void test_id_and_arbitration(void **state)
{
	(void)state;
	assert_int_equal(regr(IOAPIC_REG_ID), 0);
	regw(IOAPIC_REG_ID, 0x05000000);
	assert_int_equal(regr(IOAPIC_REG_ID), 0x05000000);
	assert_int_equal(regr(IOAPIC_REG_ARB), 0x05000000);
	regw(IOAPIC_REG_ID, 0xff00ffff); /* only bits 27:24 exist */
	assert_int_equal(regr(IOAPIC_REG_ID), 0x0f000000);
	regw(IOAPIC_REG_ARB, 0x01000000); /* read-only */
	assert_int_equal(regr(IOAPIC_REG_ARB), 0x0f000000);
}

static void test_reset_masks_everything(void **state)
{
	unsigned int pin;

	(void)state;
	for (pin = 0; pin < IOAPIC_PINS; pin++) {
		assert_int_equal(regr(0x10 + 2 * pin), 0x00010000);
		assert_int_equal(regr(0x11 + 2 * pin), 0);
	}
	for (pin = 0; pin < IOAPIC_PINS; pin++)
		irq(pin, true);
	assert_int_equal(nmsgs, 0);
}

static void test_redirection_readback(void **state)
{
	(void)state;
	/* vector 0x31, lowest priority, logical, active low, level, masked */
	regw(0x10 + 2 * 5, 0x0001a931);
	regw(0x11 + 2 * 5, 0xffffffff);
	assert_int_equal(regr(0x10 + 2 * 5), 0x0001a931);
	/* only the destination field of the high dword exists */
	assert_int_equal(regr(0x11 + 2 * 5), 0xff000000);
	/* delivery status and Remote IRR are read-only */
	regw(0x10 + 2 * 5, 0x00015031);
	assert_int_equal(regr(0x10 + 2 * 5), 0x00010031);
	/* other pins untouched */
	assert_int_equal(regr(0x10 + 2 * 4), 0x00010000);
	assert_int_equal(regr(0x10 + 2 * 6), 0x00010000);
}

static void test_ioregsel_readback(void **state)
{
	(void)state;
	bus_write(&mmio, BASE, 4, 0x12);
	assert_int_equal(bus_read(&mmio, BASE, 4), 0x12);
	bus_write(&mmio, BASE, 4, 0x1ff);
	assert_int_equal(bus_read(&mmio, BASE, 4), 0xff);
	/* an index past the table reads 0 */
	assert_int_equal(bus_read(&mmio, BASE + IOAPIC_IOWIN, 4), 0);
	/* byte read of the version register's max-entry byte */
	bus_write(&mmio, BASE, 4, IOAPIC_REG_VER);
	assert_int_equal(bus_read(&mmio, BASE + IOAPIC_IOWIN + 2, 1), 0x17);
}

static void test_edge_delivery(void **state)
{
	(void)state;
	rte(4, 0x34, 1);
	irq(4, true);
	assert_int_equal(nmsgs, 1);
	assert_int_equal(msgs[0].vector, 0x34);
	assert_int_equal(msgs[0].dest, 1);
	assert_int_equal(msgs[0].dest_mode, 0);
	assert_int_equal(msgs[0].mode, 0);
	assert_int_equal(msgs[0].trigger, 0);
	irq(4, true); /* still high: no new edge */
	assert_int_equal(nmsgs, 1);
	irq(4, false);
	assert_int_equal(nmsgs, 1);
	irq(4, true);
	assert_int_equal(nmsgs, 2);
	/* edge entries never set Remote IRR */
	assert_int_equal(regr(0x10 + 2 * 4) & 0x4000, 0);
}

static void test_masked_edge_is_lost(void **state)
{
	(void)state;
	rte(3, 0x00010033, 0);
	irq(3, true);
	irq(3, false);
	rte(3, 0x33, 0); /* unmask: the edge was dropped (82093AA) */
	assert_int_equal(nmsgs, 0);
	irq(3, true);
	assert_int_equal(nmsgs, 1);
}

static void test_masked_level_waits(void **state)
{
	(void)state;
	rte(9, 0x00018049, 0); /* level, masked */
	irq(9, true);
	assert_int_equal(nmsgs, 0);
	assert_int_equal(regr(0x10 + 2 * 9) & 0x4000, 0);
	rte(9, 0x00008049, 0); /* unmask while the line is high */
	assert_int_equal(nmsgs, 1);
	assert_int_equal(msgs[0].trigger, 1);
	assert_int_equal(regr(0x10 + 2 * 9) & 0x4000, 0x4000);
}

static void test_level_deasserted_before_unmask(void **state)
{
	(void)state;
	rte(10, 0x0001804a, 0);
	irq(10, true);
	irq(10, false);
	rte(10, 0x0000804a, 0);
	assert_int_equal(nmsgs, 0);
}

static void test_remote_irr_and_eoi(void **state)
{
	(void)state;
	rte(11, 0x0000804b, 2);
	irq(11, true);
	assert_int_equal(nmsgs, 1);
	assert_int_equal(regr(0x10 + 2 * 11), 0x0000c04b); /* Remote IRR */
	irq(11, true); /* held off by Remote IRR */
	assert_int_equal(nmsgs, 1);
	/* EOI while the line is still asserted: cleared, sent again */
	ioapic_eoi(&io, 0x4b);
	assert_int_equal(nmsgs, 2);
	assert_int_equal(regr(0x10 + 2 * 11) & 0x4000, 0x4000);
	/* device deasserts, then the EOI: nothing more */
	irq(11, false);
	ioapic_eoi(&io, 0x4b);
	assert_int_equal(nmsgs, 2);
	assert_int_equal(regr(0x10 + 2 * 11) & 0x4000, 0);
}

static void test_eoi_other_vector(void **state)
{
	(void)state;
	rte(12, 0x0000804c, 0);
	irq(12, true);
	ioapic_eoi(&io, 0x4d);
	assert_int_equal(regr(0x10 + 2 * 12) & 0x4000, 0x4000);
	assert_int_equal(nmsgs, 1);
	ioapic_eoi(&io, 0x4c);
	assert_int_equal(nmsgs, 2);
}

static void test_shared_vector_eoi(void **state)
{
	(void)state;
	/* two PCI pins on one vector: one EOI clears both */
	rte(16, 0x0000a060, 0);
	rte(17, 0x0000a060, 0);
	irq(16, true);
	irq(17, true);
	assert_int_equal(nmsgs, 2);
	irq(16, false);
	irq(17, false);
	ioapic_eoi(&io, 0x60);
	assert_int_equal(regr(0x10 + 2 * 16) & 0x4000, 0);
	assert_int_equal(regr(0x10 + 2 * 17) & 0x4000, 0);
	assert_int_equal(nmsgs, 2);
}

static void test_switch_to_edge_clears_remote_irr(void **state)
{
	(void)state;
	rte(13, 0x0000804d, 0);
	irq(13, true);
	assert_int_equal(regr(0x10 + 2 * 13) & 0x4000, 0x4000);
	irq(13, false);
	rte(13, 0x4d, 0);
	assert_int_equal(regr(0x10 + 2 * 13), 0x4d);
}

static void test_modes_passed_through(void **state)
{
	(void)state;
	rte(7, 0x00000c00 | 0x00, 0xff); /* NMI, logical, broadcast */
	irq(7, true);
	assert_int_equal(nmsgs, 1);
	assert_int_equal(msgs[0].mode, 4);
	assert_int_equal(msgs[0].dest_mode, 1);
	assert_int_equal(msgs[0].dest, 0xff);
	rte(0, 0x00000700, 0); /* ExtINT: the board asks the 8259 */
	irq(0, true);
	assert_int_equal(nmsgs, 2);
	assert_int_equal(msgs[1].mode, 7);
}

static void test_polarity_kept_not_inverted(void **state)
{
	(void)state;
	/* the board hands asserted levels (hw_env.h), as QEMU does */
	rte(20, 0x0000a054, 0);
	assert_int_equal(regr(0x10 + 2 * 20) & 0x2000, 0x2000);
	irq(20, false);
	assert_int_equal(nmsgs, 0);
	irq(20, true);
	assert_int_equal(nmsgs, 1);
}

static void test_bad_pin_and_partial_writes(void **state)
{
	(void)state;
	rte(23, 0x57, 0);
	irq(24, true);
	irq(99, true);
	assert_int_equal(nmsgs, 0);
	irq(23, true);
	assert_int_equal(nmsgs, 1);
	/* a byte write to IOWIN does nothing */
	bus_write(&mmio, BASE, 4, 0x10 + 2 * 23);
	bus_write(&mmio, BASE + IOAPIC_IOWIN, 1, 0x99);
	assert_int_equal(regr(0x10 + 2 * 23), 0x57);
	/* past the 0x20-byte window nothing answers */
	assert_int_equal(bus_read(&mmio, BASE + 0x20, 4), 0xffffffffu);
}

static void test_attach_overlap_refused(void **state)
{
	struct ioapic other;

	(void)state;
	ioapic_init(&other, &fe.env, NULL);
	assert_int_not_equal(ioapic_attach(&other, &mmio, BASE + 0x10), 0);
	assert_ptr_equal(bus_find(&mmio, BASE + 0x1f)->dev, &io);
}

static void test_reset_restores(void **state)
{
	(void)state;
	rte(1, 0x0000a041, 3);
	regw(IOAPIC_REG_ID, 0x02000000);
	irq(1, true);
	ioapic_reset(&io);
	assert_int_equal(regr(0x10 + 2 * 1), 0x00010000);
	assert_int_equal(regr(0x11 + 2 * 1), 0);
	assert_int_equal(regr(IOAPIC_REG_ID), 0);
}

static void test_two_instances(void **state)
{
	struct ioapic b;
	const struct ioapic_config cfg = { .id = 1, .deliver = deliver };

	(void)state;
	ioapic_init(&b, &fe.env, &cfg);
	assert_int_equal(ioapic_reg_read(&b, IOAPIC_REG_ID), 0x01000000);
	ioapic_reg_write(&b, 0x10 + 2 * 2, 0x62);
	ioapic_set_irq(&b, 2, true);
	assert_int_equal(nmsgs, 1);
	assert_int_equal(msgs[0].vector, 0x62);
	assert_int_equal(regr(0x10 + 2 * 2), 0x00010000); /* first untouched */
	assert_int_equal(b.delivered, 1);
	assert_int_equal(io.delivered, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_version_register, setup),
		cmocka_unit_test_setup(test_id_and_arbitration, setup),
		cmocka_unit_test_setup(test_reset_masks_everything, setup),
		cmocka_unit_test_setup(test_redirection_readback, setup),
		cmocka_unit_test_setup(test_ioregsel_readback, setup),
		cmocka_unit_test_setup(test_edge_delivery, setup),
		cmocka_unit_test_setup(test_masked_edge_is_lost, setup),
		cmocka_unit_test_setup(test_masked_level_waits, setup),
		cmocka_unit_test_setup(test_level_deasserted_before_unmask,
				       setup),
		cmocka_unit_test_setup(test_remote_irr_and_eoi, setup),
		cmocka_unit_test_setup(test_eoi_other_vector, setup),
		cmocka_unit_test_setup(test_shared_vector_eoi, setup),
		cmocka_unit_test_setup(test_switch_to_edge_clears_remote_irr,
				       setup),
		cmocka_unit_test_setup(test_modes_passed_through, setup),
		cmocka_unit_test_setup(test_polarity_kept_not_inverted, setup),
		cmocka_unit_test_setup(test_bad_pin_and_partial_writes, setup),
		cmocka_unit_test_setup(test_attach_overlap_refused, setup),
		cmocka_unit_test_setup(test_reset_restores, setup),
		cmocka_unit_test_setup(test_two_instances, setup),
	};

	return cmocka_run_group_tests_name("ioapic", tests, NULL, NULL);
}
