/*
 * Unit tests for hw/fw_cfg.c, qtest style: select at 0x510, read 0x511,
 * DMA descriptors in the fake guest RAM (4 KiB) through 0x514/0x518.
 * Expected values: QEMU's docs/specs/fw_cfg.rst and what a QEMU guest sees.
 */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h> /* snprintf */
#include <string.h>

#include <cmocka.h>

#include "hw/fw_cfg.h"
#include "tests/unit/hw_fake.h"

static struct fake_env fe;
static struct fw_cfg fw;

static const char kernel[] = "KERNELDATA0123456789";
static const char cmdline[] = "console=ttyS0";

static int setup(void **state)
{
	(void)state;
	fake_init(&fe, 0);
	fw_cfg_init(&fw, &fe.env);
	assert_int_equal(fw_cfg_attach(&fw, &fe.pio), 0);
	return 0;
}

static void cfg_select(uint16_t key)
{
	outw(0x510, key);
}

static void cfg_read(uint16_t key, void *buf, size_t len)
{
	uint8_t *p = buf;

	cfg_select(key);
	while (len--)
		*p++ = inb(0x511);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t bswap32(uint32_t v)
{
	return __builtin_bswap32(v);
}

/* Put a descriptor at gpa (in RAM) and start it the way Linux does. */
static uint32_t dma(uint32_t gpa, uint32_t control, uint32_t length,
		    uint64_t addr)
{
	uint8_t *d = &fe.ram[gpa];

	put_be32(d, control);
	put_be32(d + 4, length);
	put_be32(d + 8, (uint32_t)(addr >> 32));
	put_be32(d + 12, (uint32_t)addr);
	outl(0x514, bswap32(0));
	outl(0x518, bswap32(gpa));
	return be32(d);
}

static void test_signature(void **state)
{
	char sig[5] = { 0 };

	(void)state;
	cfg_read(FW_CFG_SIGNATURE, sig, 4);
	assert_string_equal(sig, "QEMU");
}

static void test_id(void **state)
{
	uint8_t id[4];

	(void)state;
	cfg_read(FW_CFG_ID, id, 4);
	assert_int_equal(id[0], FW_CFG_VERSION | FW_CFG_VERSION_DMA);
	assert_int_equal(id[1] | id[2] | id[3], 0);
}

static void test_read_past_end_and_missing(void **state)
{
	uint8_t b[6];

	(void)state;
	cfg_read(FW_CFG_SIGNATURE, b, 6);
	assert_memory_equal(b, "QEMU\0\0", 6);
	cfg_select(FW_CFG_UUID); /* never added */
	assert_int_equal(inb(0x511), 0);
	cfg_select(0x1234); /* no such slot */
	assert_int_equal(inb(0x511), 0);
	cfg_select(0x80ff);
	assert_int_equal(inb(0x511), 0);
}

static void test_select_resets_offset(void **state)
{
	(void)state;
	cfg_select(FW_CFG_SIGNATURE);
	assert_int_equal(inb(0x511), 'Q');
	assert_int_equal(inb(0x511), 'E');
	cfg_select(FW_CFG_SIGNATURE);
	assert_int_equal(inb(0x511), 'Q');
	/* as in QEMU, a byte read of 0x510 is a data read too */
	assert_int_equal(inb(0x510), 'E');
	/* a byte write to 0x510 selects as well */
	outb(0x510, FW_CFG_SIGNATURE);
	assert_int_equal(inb(0x511), 'Q');
	/* data writes do nothing */
	outb(0x511, 0x55);
	assert_int_equal(inb(0x511), 'E');
	/* word reads are not data reads */
	assert_int_equal(inw(0x510), 0xffff);
	assert_int_equal(inb(0x511), 'M');
}

static void test_cpus_and_ram(void **state)
{
	uint8_t b[8];

	(void)state;
	assert_int_equal(fw_cfg_set_cpus(&fw, 4), 0);
	assert_int_equal(fw_cfg_set_ram_size(&fw, 0x180000000ull), 0);
	cfg_read(FW_CFG_NB_CPUS, b, 3);
	assert_memory_equal(b, "\x04\x00\x00", 3); /* le16, then 0 */
	cfg_read(FW_CFG_MAX_CPUS, b, 2);
	assert_memory_equal(b, "\x04\x00", 2);
	cfg_read(FW_CFG_RAM_SIZE, b, 8);
	assert_memory_equal(b, "\x00\x00\x00\x80\x01\x00\x00\x00", 8);
}

static void test_empty_directory(void **state)
{
	uint8_t b[5];

	(void)state;
	cfg_read(FW_CFG_FILE_DIR, b, 5);
	assert_int_equal(be32(b), 0);
	assert_int_equal(b[4], 0); /* end of the item */
}

static void test_directory_entries(void **state)
{
	uint8_t d[4 + 2 * 64];
	char buf[8] = { 0 };

	(void)state;
	assert_int_equal(fw_cfg_add_file(&fw, "opt/a", "hello", 5), 0x20);
	assert_int_equal(fw_cfg_add_file(&fw, "etc/boot-fail-wait", "\x05",
					 1), 0x21);
	cfg_read(FW_CFG_FILE_DIR, d, sizeof(d));
	assert_int_equal(be32(d), 2);
	assert_int_equal(be32(d + 4), 5);                /* size */
	assert_int_equal(d[8] << 8 | d[9], 0x20);        /* select */
	assert_int_equal(d[10] | d[11], 0);              /* reserved */
	assert_string_equal((char *)d + 12, "opt/a");
	assert_int_equal(be32(d + 68), 1);
	assert_int_equal(d[72] << 8 | d[73], 0x21);
	assert_string_equal((char *)d + 76, "etc/boot-fail-wait");
	cfg_read(0x20, buf, 5);
	assert_string_equal(buf, "hello");
}

static void test_file_errors(void **state)
{
	char name[64];
	int i;

	(void)state;
	assert_int_equal(fw_cfg_add_file(&fw, "x", "1", 1), 0x20);
	assert_int_equal(fw_cfg_add_file(&fw, "x", "2", 1), -EEXIST);
	assert_int_equal(fw_cfg_add_file(&fw, "", "2", 1), -EINVAL);
	memset(name, 'n', 56);
	name[56] = 0;
	assert_int_equal(fw_cfg_add_file(&fw, name, "2", 1), -EINVAL);
	name[55] = 0; /* 55 characters and the NUL fit */
	assert_int_equal(fw_cfg_add_file(&fw, name, "2", 1), 0x21);
	for (i = 2; i < FW_CFG_FILES; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		assert_int_equal(fw_cfg_add_file(&fw, name, "", 0), 0x20 + i);
	}
	assert_int_equal(fw_cfg_add_file(&fw, "more", "", 0), -ENOSPC);
}

static void test_add_bytes_keys(void **state)
{
	uint8_t b[2];

	(void)state;
	assert_int_equal(fw_cfg_add_bytes(&fw, FW_CFG_FILE_DIR, "x", 1),
			 -EINVAL);
	assert_int_equal(fw_cfg_add_bytes(&fw, 0x20, "x", 1), -EINVAL);
	assert_int_equal(fw_cfg_add_bytes(&fw, 0x4005, "x", 1), -EINVAL);
	assert_int_equal(fw_cfg_add_bytes(&fw, 0x8008, "x", 1), -EINVAL);
	/* arch-local keys (0x8003: e820 table) have their own slots */
	assert_int_equal(fw_cfg_add_bytes(&fw, 0x8003, "ab", 2), 0);
	cfg_read(0x8003, b, 2);
	assert_memory_equal(b, "ab", 2);
	cfg_select(0x0003);
	assert_int_equal(inb(0x511), 0);
}

static void test_kernel_items(void **state)
{
	uint8_t b[4];
	char buf[sizeof(cmdline)];

	(void)state;
	assert_int_equal(fw_cfg_set_kernel(&fw, 0x100000, kernel,
					   sizeof(kernel) - 1), 0);
	assert_int_equal(fw_cfg_set_cmdline(&fw, 0x20000, cmdline,
					    sizeof(cmdline)), 0);
	cfg_read(FW_CFG_KERNEL_ADDR, b, 4);
	assert_memory_equal(b, "\x00\x00\x10\x00", 4);
	cfg_read(FW_CFG_KERNEL_SIZE, b, 4);
	assert_int_equal(b[0], sizeof(kernel) - 1);
	cfg_read(FW_CFG_KERNEL_DATA, b, 4);
	assert_memory_equal(b, "KERN", 4);
	cfg_read(FW_CFG_CMDLINE_SIZE, b, 4);
	assert_int_equal(b[0], sizeof(cmdline));
	cfg_read(FW_CFG_CMDLINE_DATA, buf, sizeof(buf));
	assert_string_equal(buf, cmdline);
	cfg_read(FW_CFG_CMDLINE_ADDR, b, 4);
	assert_memory_equal(b, "\x00\x00\x02\x00", 4);
}

static void test_e820_file(void **state)
{
	struct fw_cfg_e820 t;
	uint8_t d[4 + 64], e[40];

	(void)state;
	fw_cfg_e820_init(&t);
	assert_int_equal(fw_cfg_e820_add(&t, 0, 0x9fc00, FW_CFG_E820_RAM), 0);
	assert_int_equal(fw_cfg_e820_add(&t, 0x100000, 0x7ff00000,
					 FW_CFG_E820_RAM), 0);
	assert_int_equal(fw_cfg_add_e820(&fw, &t), 0x20);
	cfg_read(FW_CFG_FILE_DIR, d, sizeof(d));
	assert_int_equal(be32(d + 4), 40);
	assert_string_equal((char *)d + 12, "etc/e820");
	cfg_read(0x20, e, sizeof(e));
	assert_memory_equal(e + 20, "\x00\x00\x10\x00\x00\x00\x00\x00"
				    "\x00\x00\xf0\x7f\x00\x00\x00\x00"
				    "\x01\x00\x00\x00", 20);
	while (t.count < FW_CFG_E820_MAX)
		assert_int_equal(fw_cfg_e820_add(&t, 0, 1, 2), 0);
	assert_int_equal(fw_cfg_e820_add(&t, 0, 1, 2), -ENOSPC);
}

static void test_dma_signature(void **state)
{
	(void)state;
	assert_int_equal(inb(0x514), 'Q');
	assert_int_equal(inb(0x51b), 'G');
	assert_int_equal(inl(0x514), 0x554d4551); /* "QEMU" */
	assert_int_equal(inl(0x518), 0x47464320); /* " CFG" */
}

static void test_dma_select_read(void **state)
{
	(void)state;
	assert_int_equal(fw_cfg_add_file(&fw, "opt/k", kernel,
					 sizeof(kernel) - 1), 0x20);
	memset(&fe.ram[0x200], 0xaa, 32);
	assert_int_equal(dma(0x100, 0x20u << 16 | FW_CFG_DMA_CTL_SELECT |
					    FW_CFG_DMA_CTL_READ,
			     10, 0x200), 0);
	assert_memory_equal(&fe.ram[0x200], "KERNELDATA", 10);
	assert_int_equal(fe.ram[0x20a], 0xaa);
	/* the offset moved on: a second read continues, here by port */
	assert_int_equal(inb(0x511), '0');
	/* and by DMA without select, past the end: zero-filled */
	assert_int_equal(dma(0x100, FW_CFG_DMA_CTL_READ, 16, 0x300), 0);
	assert_memory_equal(&fe.ram[0x300], "123456789\0\0\0\0\0\0\0", 16);
	assert_int_equal(fw.dma_errors, 0);
}

static void test_dma_skip(void **state)
{
	(void)state;
	assert_int_equal(fw_cfg_add_bytes(&fw, FW_CFG_KERNEL_DATA, kernel,
					  sizeof(kernel) - 1), 0);
	assert_int_equal(dma(0x100, FW_CFG_KERNEL_DATA << 16 |
					    FW_CFG_DMA_CTL_SELECT |
					    FW_CFG_DMA_CTL_SKIP,
			     6, 0xdeadbeef00ull), 0);
	assert_int_equal(dma(0x100, FW_CFG_DMA_CTL_READ, 4, 0x400), 0);
	assert_memory_equal(&fe.ram[0x400], "DATA", 4);
	/* no operation bit: nothing moves, still success */
	assert_int_equal(dma(0x100, 0, 4, 0x400), 0);
	assert_int_equal(inb(0x511), '0');
}

static void test_dma_bad_data_address(void **state)
{
	(void)state;
	memset(&fe.ram[0xff0], 0x11, 16);
	/* runs past the end of the 4 KiB RAM: error, nothing written */
	assert_int_equal(dma(0x100, FW_CFG_SIGNATURE << 16 |
					    FW_CFG_DMA_CTL_SELECT |
					    FW_CFG_DMA_CTL_READ,
			     4, 0xffe), FW_CFG_DMA_CTL_ERROR);
	assert_int_equal(fe.ram[0xffe], 0x11);
	assert_int_equal(fe.ram[0xfff], 0x11);
	/* an address that wraps around 2^64 */
	assert_int_equal(dma(0x100, FW_CFG_DMA_CTL_SELECT |
					    FW_CFG_DMA_CTL_READ,
			     4, 0xfffffffffffffffeull), FW_CFG_DMA_CTL_ERROR);
	/* the zero fill of a missing item is checked as well */
	assert_int_equal(dma(0x100, FW_CFG_UUID << 16 | FW_CFG_DMA_CTL_SELECT |
					    FW_CFG_DMA_CTL_READ,
			     16, 0x100000), FW_CFG_DMA_CTL_ERROR);
	assert_int_equal(fw.dma_errors, 3);
}

static void test_dma_bad_descriptor(void **state)
{
	uint8_t copy[FAKE_RAM];

	(void)state;
	memcpy(copy, fe.ram, sizeof(copy));
	/* descriptor outside RAM: an error that touches nothing */
	outl(0x514, bswap32(0x1));
	outl(0x518, bswap32(0x0));
	assert_int_equal(fw.dma_errors, 1);
	/* descriptor straddling the end of RAM */
	outl(0x514, 0);
	outl(0x518, bswap32(FAKE_RAM - 8));
	assert_int_equal(fw.dma_errors, 2);
	assert_memory_equal(copy, fe.ram, FAKE_RAM - 8);
	assert_int_equal(be32(&fe.ram[FAKE_RAM - 8]), FW_CFG_DMA_CTL_ERROR);
	/* the address register starts again from zero */
	assert_int_equal(fw.s.dma_addr, 0);
}

static void test_dma_write_refused(void **state)
{
	(void)state;
	memcpy(&fe.ram[0x200], "XXXX", 4);
	assert_int_equal(dma(0x100, FW_CFG_SIGNATURE << 16 |
					    FW_CFG_DMA_CTL_SELECT |
					    FW_CFG_DMA_CTL_WRITE,
			     4, 0x200), FW_CFG_DMA_CTL_ERROR);
	cfg_select(FW_CFG_SIGNATURE);
	assert_int_equal(inb(0x511), 'Q');
}

static void test_dma_64bit_write(void **state)
{
	uint8_t *d = &fe.ram[0x180];

	(void)state;
	put_be32(d, FW_CFG_ID << 16 | FW_CFG_DMA_CTL_SELECT |
			    FW_CFG_DMA_CTL_READ);
	put_be32(d + 4, 4);
	put_be32(d + 8, 0);
	put_be32(d + 12, 0x280);
	/* one 8-byte big-endian write of 0x180 */
	bus_write(&fe.pio, 0x514, 8, (uint64_t)bswap32(0x180) << 32);
	assert_int_equal(be32(d), 0);
	assert_memory_equal(&fe.ram[0x280], "\x03\x00\x00\x00", 4);
	/* the high half alone starts nothing */
	put_be32(d, FW_CFG_DMA_CTL_READ);
	outl(0x514, 0);
	assert_int_equal(be32(d), FW_CFG_DMA_CTL_READ);
}

static void test_two_instances(void **state)
{
	struct fw_cfg other;

	(void)state;
	fw_cfg_init(&other, &fe.env);
	assert_int_equal(fw_cfg_set_cpus(&other, 8), 0);
	assert_int_equal(fw_cfg_set_cpus(&fw, 2), 0);
	cfg_select(FW_CFG_NB_CPUS);
	assert_int_equal(inb(0x511), 2);
	assert_int_equal(fw_cfg_io_ops.read(&other, 1, 1), 0); /* none yet */
	fw_cfg_io_ops.write(&other, 0, 2, FW_CFG_NB_CPUS);
	assert_int_equal(fw_cfg_io_ops.read(&other, 1, 1), 8);
	assert_int_equal(fw_cfg_attach(&other, &fe.pio), -EBUSY);
	/* reset forgets the selection */
	fw_cfg_reset(&fw);
	assert_int_equal(inb(0x511), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_signature, setup),
		cmocka_unit_test_setup(test_id, setup),
		cmocka_unit_test_setup(test_read_past_end_and_missing, setup),
		cmocka_unit_test_setup(test_select_resets_offset, setup),
		cmocka_unit_test_setup(test_cpus_and_ram, setup),
		cmocka_unit_test_setup(test_empty_directory, setup),
		cmocka_unit_test_setup(test_directory_entries, setup),
		cmocka_unit_test_setup(test_file_errors, setup),
		cmocka_unit_test_setup(test_add_bytes_keys, setup),
		cmocka_unit_test_setup(test_kernel_items, setup),
		cmocka_unit_test_setup(test_e820_file, setup),
		cmocka_unit_test_setup(test_dma_signature, setup),
		cmocka_unit_test_setup(test_dma_select_read, setup),
		cmocka_unit_test_setup(test_dma_skip, setup),
		cmocka_unit_test_setup(test_dma_bad_data_address, setup),
		cmocka_unit_test_setup(test_dma_bad_descriptor, setup),
		cmocka_unit_test_setup(test_dma_write_refused, setup),
		cmocka_unit_test_setup(test_dma_64bit_write, setup),
		cmocka_unit_test_setup(test_two_instances, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
