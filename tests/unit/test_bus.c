/* Unit tests for vm/bus.c: registration, decoding, sizes, splits. */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>

#include "vm/bus.h"

/* A little RAM-like device that logs every call it gets. */
struct tdev {
	uint8_t mem[64];
	unsigned int calls;
	uint64_t last_off[16];
	unsigned int last_size[16];
};

static void tdev_log(struct tdev *d, uint64_t off, unsigned int size)
{
	if (d->calls < 16) {
		d->last_off[d->calls] = off;
		d->last_size[d->calls] = size;
	}
	d->calls++;
}

static uint64_t tdev_read(void *dev, uint64_t off, unsigned int size)
{
	struct tdev *d = dev;
	uint64_t v = 0;
	unsigned int i;

	tdev_log(d, off, size);
	for (i = 0; i < size; i++)
		v |= (uint64_t)d->mem[(off + i) % 64] << (8 * i);
	return v | 0xdead000000000000ULL * (size < 8); /* junk above size */
}

static void tdev_write(void *dev, uint64_t off, unsigned int size, uint64_t v)
{
	struct tdev *d = dev;
	unsigned int i;

	tdev_log(d, off, size);
	for (i = 0; i < size; i++)
		d->mem[(off + i) % 64] = v >> (8 * i);
}

static const struct bus_ops ops8 = { tdev_read, tdev_write, 0 };
static const struct bus_ops ops4 = { tdev_read, tdev_write, 4 };
static const struct bus_ops ops1 = { tdev_read, tdev_write, 1 };

static struct bus bus;

static int setup(void **state)
{
	(void)state;
	bus_init(&bus, "test");
	return 0;
}

static void fill(struct tdev *d, uint8_t first)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < 64; i++)
		d->mem[i] = first + i;
}

static void test_register_and_offset(void **state)
{
	struct tdev a;

	(void)state;
	fill(&a, 0x10);
	assert_int_equal(bus_register(&bus, 0x3f8, 8, &ops8, &a, "a"), 0);
	assert_int_equal(bus_read(&bus, 0x3fa, 1), 0x12);
	assert_int_equal(a.last_off[0], 2);
	assert_int_equal(a.last_size[0], 1);
	assert_ptr_equal(bus_find(&bus, 0x3ff)->dev, &a);
	assert_null(bus_find(&bus, 0x400));
	assert_null(bus_find(&bus, 0x3f7));
}

static void test_overlap_refused(void **state)
{
	struct tdev a, b;

	(void)state;
	fill(&a, 0);
	fill(&b, 0);
	assert_int_equal(bus_register(&bus, 0x100, 0x10, &ops8, &a, "a"), 0);
	assert_int_equal(bus_register(&bus, 0x100, 0x10, &ops8, &b, "b"), -EBUSY);
	assert_int_equal(bus_register(&bus, 0x0f8, 0x09, &ops8, &b, "b"), -EBUSY);
	assert_int_equal(bus_register(&bus, 0x10f, 0x01, &ops8, &b, "b"), -EBUSY);
	assert_int_equal(bus_register(&bus, 0x104, 0x02, &ops8, &b, "b"), -EBUSY);
	assert_int_equal(bus_register(&bus, 0x000, 0x1000, &ops8, &b, "b"), -EBUSY);
	/* adjacent on both sides is fine */
	assert_int_equal(bus_register(&bus, 0x0f8, 0x08, &ops8, &b, "b"), 0);
	assert_int_equal(bus_register(&bus, 0x110, 0x08, &ops8, &b, "c"), 0);
	assert_int_equal(bus.count, 3);
}

static void test_invalid_ranges(void **state)
{
	struct tdev a;
	const struct bus_ops noread = { NULL, tdev_write, 0 };

	(void)state;
	fill(&a, 0);
	assert_int_equal(bus_register(&bus, 0x10, 0, &ops8, &a, "a"), -EINVAL);
	assert_int_equal(bus_register(&bus, UINT64_MAX - 3, 8, &ops8, &a, "a"),
			 -EINVAL);
	assert_int_equal(bus_register(&bus, 0x10, 4, &noread, &a, "a"), -EINVAL);
	assert_int_equal(bus_register(&bus, 0x10, 4, NULL, &a, "a"), -EINVAL);
	/* a range that ends exactly at the top of the address space */
	assert_int_equal(bus_register(&bus, UINT64_MAX - 15, 16, &ops8, &a, "a"),
			 0);
	assert_ptr_equal(bus_find(&bus, UINT64_MAX)->dev, &a);
	a.mem[15] = 0x5a;
	assert_int_equal(bus_read(&bus, UINT64_MAX, 1), 0x5a);
}

static void test_unregister(void **state)
{
	struct tdev a, b;

	(void)state;
	fill(&a, 0);
	fill(&b, 0x80);
	assert_int_equal(bus_register(&bus, 0x20, 2, &ops8, &a, "a"), 0);
	assert_int_equal(bus_unregister(&bus, 0x21), -ENOENT);
	assert_int_equal(bus_unregister(&bus, 0x22), -ENOENT);
	assert_int_equal(bus_unregister(&bus, 0x20), 0);
	assert_int_equal(bus_unregister(&bus, 0x20), -ENOENT);
	assert_int_equal(bus_read(&bus, 0x20, 1), 0xff);
	/* the space is free again */
	assert_int_equal(bus_register(&bus, 0x20, 2, &ops8, &b, "b"), 0);
	assert_int_equal(bus_read(&bus, 0x20, 1), 0x80);
}

static void test_sizes_whole(void **state)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	struct tdev a;
	unsigned int i;

	(void)state;
	fill(&a, 0x01);
	assert_int_equal(bus_register(&bus, 0x1000, 64, &ops8, &a, "a"), 0);
	for (i = 0; i < 4; i++) {
		a.calls = 0;
		bus_read(&bus, 0x1008, sizes[i]);
		assert_int_equal(a.calls, 1);
		assert_int_equal(a.last_size[0], sizes[i]);
		assert_int_equal(a.last_off[0], 8);
	}
	assert_int_equal(bus_read(&bus, 0x1000, 1), 0x01);
	assert_int_equal(bus_read(&bus, 0x1000, 2), 0x0201);
	assert_int_equal(bus_read(&bus, 0x1000, 4), 0x04030201);
	assert_int_equal(bus_read(&bus, 0x1000, 8), 0x0807060504030201ULL);
	bus_write(&bus, 0x1010, 8, 0x1122334455667788ULL);
	assert_int_equal(a.mem[0x10], 0x88);
	assert_int_equal(a.mem[0x17], 0x11);
	bus_write(&bus, 0x1020, 2, 0xabcd);
	assert_int_equal(a.mem[0x20], 0xcd);
	assert_int_equal(a.mem[0x21], 0xab);
	assert_int_equal(a.mem[0x22], 0x23); /* untouched */
}

static void test_byte_device_split(void **state)
{
	struct tdev a;

	(void)state;
	fill(&a, 0x40);
	assert_int_equal(bus_register(&bus, 0x60, 8, &ops1, &a, "a"), 0);
	assert_int_equal(bus_read(&bus, 0x61, 4), 0x44434241);
	assert_int_equal(a.calls, 4);
	assert_int_equal(a.last_off[0], 1);
	assert_int_equal(a.last_off[3], 4);
	assert_int_equal(a.last_size[3], 1);
	a.calls = 0;
	bus_write(&bus, 0x60, 2, 0xbeef);
	assert_int_equal(a.calls, 2);
	assert_int_equal(a.mem[0], 0xef);
	assert_int_equal(a.mem[1], 0xbe);
}

static void test_dword_device_split(void **state)
{
	struct tdev a;

	(void)state;
	fill(&a, 0x00);
	assert_int_equal(bus_register(&bus, 0xfee00000, 64, &ops4, &a, "a"), 0);
	assert_int_equal(bus_read(&bus, 0xfee00010, 8), 0x1716151413121110ULL);
	assert_int_equal(a.calls, 2);
	assert_int_equal(a.last_off[0], 0x10);
	assert_int_equal(a.last_size[0], 4);
	assert_int_equal(a.last_off[1], 0x14);
	assert_int_equal(a.last_size[1], 4);
	/* unaligned 8 bytes: 2 + 4 + 2 */
	a.calls = 0;
	bus_write(&bus, 0xfee00002, 8, 0x0102030405060708ULL);
	assert_int_equal(a.calls, 3);
	assert_int_equal(a.last_size[0], 2);
	assert_int_equal(a.last_size[1], 4);
	assert_int_equal(a.last_size[2], 2);
	assert_int_equal(bus_read(&bus, 0xfee00002, 8), 0x0102030405060708ULL);
}

static void test_straddle_two_devices(void **state)
{
	struct tdev a, b;

	(void)state;
	fill(&a, 0xa0);
	fill(&b, 0xb0);
	assert_int_equal(bus_register(&bus, 0x100, 4, &ops8, &a, "a"), 0);
	assert_int_equal(bus_register(&bus, 0x104, 4, &ops8, &b, "b"), 0);
	/* bytes 0x102, 0x103 from a (offsets 2, 3), 0x104, 0x105 from b */
	assert_int_equal(bus_read(&bus, 0x102, 4), 0xb1b0a3a2);
	assert_int_equal(a.calls, 2);
	assert_int_equal(b.calls, 2);
	assert_int_equal(a.last_size[0], 1);
	assert_int_equal(b.last_off[0], 0);
	assert_int_equal(b.last_off[1], 1);
	bus_write(&bus, 0x103, 2, 0x1234);
	assert_int_equal(a.mem[3], 0x34);
	assert_int_equal(b.mem[0], 0x12);
	assert_int_equal(bus.unclaimed_reads + bus.unclaimed_writes, 0);
}

static void test_straddle_end_of_range(void **state)
{
	struct tdev a;

	(void)state;
	fill(&a, 0x30);
	assert_int_equal(bus_register(&bus, 0x70, 2, &ops8, &a, "a"), 0);
	/* 0x71 belongs to a, 0x72..0x74 to nobody */
	assert_int_equal(bus_read(&bus, 0x71, 4), 0xffffff31);
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.last_size[0], 1);
	assert_int_equal(bus.unclaimed_reads, 3);
	/* and from below: 0x6e, 0x6f unclaimed, 0x70 0x71 claimed */
	assert_int_equal(bus_read(&bus, 0x6e, 4), 0x3130ffff);
	assert_int_equal(bus.unclaimed_reads, 5);
	bus_write(&bus, 0x71, 2, 0x9988);
	assert_int_equal(a.mem[1], 0x88);
	assert_int_equal(bus.unclaimed_writes, 1);
}

static void test_unclaimed(void **state)
{
	(void)state;
	assert_int_equal(bus_read(&bus, 0x80, 1), 0xff);
	assert_int_equal(bus_read(&bus, 0x80, 2), 0xffff);
	assert_int_equal(bus_read(&bus, 0x80, 4), 0xffffffff);
	assert_int_equal(bus_read(&bus, 0x80, 8), UINT64_MAX);
	assert_int_equal(bus.unclaimed_reads, 4);
	bus_write(&bus, 0x80, 1, 0);
	bus_write(&bus, 0xcf8, 4, 0x80000000);
	assert_int_equal(bus.unclaimed_writes, 2);
	/* bad sizes are refused and counted */
	assert_int_equal(bus_read(&bus, 0x80, 0), UINT64_MAX);
	bus_write(&bus, 0x80, 9, 0);
	assert_int_equal(bus.unclaimed_reads, 5);
	assert_int_equal(bus.unclaimed_writes, 3);
}

static void test_result_masked(void **state)
{
	struct tdev a;

	(void)state;
	fill(&a, 0x77);
	/* tdev_read puts junk above the access size: the bus must drop it */
	assert_int_equal(bus_register(&bus, 0x500, 8, &ops8, &a, "a"), 0);
	assert_int_equal(bus_read(&bus, 0x500, 1), 0x77);
	assert_int_equal(bus_read(&bus, 0x500, 2), 0x7877);
	assert_int_equal(bus_read(&bus, 0x500, 4), 0x7a797877);
}

static void test_odd_size(void **state)
{
	struct tdev a;

	(void)state;
	fill(&a, 0x00);
	assert_int_equal(bus_register(&bus, 0x0, 64, &ops8, &a, "a"), 0);
	/* 3 bytes at offset 4: a 2-byte and a 1-byte access */
	assert_int_equal(bus_read(&bus, 0x4, 3), 0x060504);
	assert_int_equal(a.calls, 2);
	assert_int_equal(a.last_size[0], 2);
	assert_int_equal(a.last_size[1], 1);
}

static void test_many_ranges_sorted(void **state)
{
	static struct tdev devs[40];
	unsigned int i, k;

	(void)state;
	/* register in a scrambled order, then look every one up */
	for (i = 0; i < 40; i++) {
		k = (i * 17) % 40;
		fill(&devs[k], (uint8_t)k);
		assert_int_equal(bus_register(&bus, 0x1000 + k * 0x10, 8, &ops8,
					      &devs[k], "d"), 0);
	}
	for (i = 1; i < bus.count; i++)
		assert_true(bus.ranges[i - 1].last < bus.ranges[i].base);
	for (k = 0; k < 40; k++) {
		assert_ptr_equal(bus_find(&bus, 0x1000 + k * 0x10 + 7)->dev,
				 &devs[k]);
		assert_null(bus_find(&bus, 0x1000 + k * 0x10 + 8));
		assert_int_equal(bus_read(&bus, 0x1000 + k * 0x10, 1), k);
	}
}

static void test_table_full(void **state)
{
	static struct tdev d;
	unsigned int i;

	(void)state;
	fill(&d, 0);
	for (i = 0; i < BUS_MAX_RANGES; i++)
		assert_int_equal(bus_register(&bus, i * 4, 4, &ops8, &d, "d"), 0);
	assert_int_equal(bus_register(&bus, 0x10000, 4, &ops8, &d, "d"),
			 -ENOSPC);
	assert_int_equal(bus_unregister(&bus, 0), 0);
	assert_int_equal(bus_register(&bus, 0x10000, 4, &ops8, &d, "d"), 0);
}

static void test_two_instances(void **state)
{
	struct bus mmio;
	struct tdev a, b;

	(void)state;
	fill(&a, 0x11);
	fill(&b, 0x22);
	bus_init(&mmio, "mmio");
	/* the same address on two buses goes to two devices */
	assert_int_equal(bus_register(&bus, 0x3f8, 8, &ops1, &a, "a"), 0);
	assert_int_equal(bus_register(&mmio, 0x3f8, 8, &ops8, &b, "b"), 0);
	assert_int_equal(bus_read(&bus, 0x3f8, 1), 0x11);
	assert_int_equal(bus_read(&mmio, 0x3f8, 1), 0x22);
	bus_read(&mmio, 0x9000, 4);
	assert_int_equal(mmio.unclaimed_reads, 1);
	assert_int_equal(bus.unclaimed_reads, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_register_and_offset, setup),
		cmocka_unit_test_setup(test_overlap_refused, setup),
		cmocka_unit_test_setup(test_invalid_ranges, setup),
		cmocka_unit_test_setup(test_unregister, setup),
		cmocka_unit_test_setup(test_sizes_whole, setup),
		cmocka_unit_test_setup(test_byte_device_split, setup),
		cmocka_unit_test_setup(test_dword_device_split, setup),
		cmocka_unit_test_setup(test_straddle_two_devices, setup),
		cmocka_unit_test_setup(test_straddle_end_of_range, setup),
		cmocka_unit_test_setup(test_unclaimed, setup),
		cmocka_unit_test_setup(test_result_masked, setup),
		cmocka_unit_test_setup(test_odd_size, setup),
		cmocka_unit_test_setup(test_many_ranges_sorted, setup),
		cmocka_unit_test_setup(test_table_full, setup),
		cmocka_unit_test_setup(test_two_instances, setup),
	};

	return cmocka_run_group_tests_name("bus", tests, NULL, NULL);
}
