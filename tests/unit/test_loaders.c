/*
 * Unit tests for the loaders: the pc e820 map (vm/e820.c), the Linux boot
 * protocol (vm/linux_boot.c, Documentation/arch/x86/boot.rst), the boot
 * CPU tables (vm/bootcpu.c) and Multiboot 1 (vm/multiboot.c, spec 0.6.96).
 * Images are synthesised here byte by byte and loaded into a fake RAM
 * (fake_ram.h) that is reached only through the hw_env memory functions.
 */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hw/hw_env.h"
#include "vm/bootcpu.h"
#include "vm/e820.h"
#include "vm/linux_boot.h"
#include "vm/multiboot.h"

#include "tests/unit/fake_ram.h"

#define RAM_SIZE (32ULL << 20)

/* ---- a fake guest RAM behind a hw_env (fake_ram.h) -------------------- */

static struct fake_ram fram;
static uint8_t *ram; /* fram.mem */
static struct hw_env env;
static struct e820_table map;

static int setup(void **state)
{
	(void)state;
	assert_int_equal(fake_ram_init(&fram, &env, RAM_SIZE), 0);
	ram = fram.mem;
	assert_int_equal(e820_build_pc(&map, RAM_SIZE), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_ram_free(&fram);
	ram = NULL;
	return 0;
}

static uint16_t g16(uint64_t a)
{
	return le16(ram + a);
}

static uint32_t g32(uint64_t a)
{
	return le32(ram + a);
}

static uint64_t g64(uint64_t a)
{
	return le64(ram + a);
}

/* ---- e820 ----------------------------------------------------------------- */

static void test_e820_256m(void **state)
{
	struct e820_table t;

	(void)state;
	assert_int_equal(e820_build_pc(&t, 256ULL << 20), 0);
	assert_int_equal(t.n, 5);
	assert_true(t.e[0].addr == 0 && t.e[0].size == 0x9fc00 &&
		    t.e[0].type == E820_RAM);
	assert_true(t.e[1].addr == 0x9fc00 && t.e[1].size == 0x400 &&
		    t.e[1].type == E820_RESERVED);
	assert_true(t.e[2].addr == 0xf0000 && t.e[2].size == 0x10000 &&
		    t.e[2].type == E820_RESERVED);
	assert_true(t.e[3].addr == 0x100000 &&
		    t.e[3].size == (256ULL << 20) - 0x100000 &&
		    t.e[3].type == E820_RAM);
	assert_true(t.e[4].addr == 0xfffc0000 && t.e[4].size == 0x40000 &&
		    t.e[4].type == E820_RESERVED);
	assert_int_equal(e820_lower_kib(&t), 639);
	assert_int_equal(e820_upper_kib(&t), 255 * 1024);
	assert_true(e820_is_ram(&t, 0x100000, 0x1000));
	assert_false(e820_is_ram(&t, 0x9f000, 0x1000)); /* runs into EBDA */
}

static void test_e820_above_4g(void **state)
{
	struct e820_table t;
	uint64_t lo, hi;

	(void)state;
	/* 6 GiB: QEMU pc (gigabyte_align) keeps 3 GiB low, 3 GiB at 4G. */
	assert_int_equal(e820_build_pc(&t, 6ULL << 30), 0);
	assert_int_equal(t.n, 6);
	assert_true(t.e[3].addr == 0x100000 &&
		    t.e[3].addr + t.e[3].size == 0xc0000000ULL);
	assert_true(t.e[5].addr == 1ULL << 32 && t.e[5].size == 3ULL << 30 &&
		    t.e[5].type == E820_RAM);
	/* Just under 3.5 GiB stays all low; 3.5 GiB splits at 3 GiB. */
	e820_pc_split(0xdff00000ULL, &lo, &hi);
	assert_true(lo == 0xdff00000ULL && hi == 0);
	e820_pc_split(0xe0000000ULL, &lo, &hi);
	assert_true(lo == 0xc0000000ULL && hi == 0x20000000ULL);
	assert_int_equal(e820_build_pc(&t, 1ULL << 20), -EINVAL);
}

/* ---- bzImage synthesis ------------------------------------------------- */

struct bz {
	uint16_t version;
	uint8_t setup_sects;
	size_t kernel_len;
	uint64_t pref;
	uint32_t init_size, initrd_max, cmdline_size;
	uint16_t xlf;
	uint8_t relocatable;
};

static const struct bz bz_default = {
	.version = 0x020f, .setup_sects = 1, .kernel_len = 0x3000,
	.pref = 0x1000000, .init_size = 0x100000, .initrd_max = 0x7fffffff,
	.cmdline_size = 2047, .xlf = LINUX_XLF_KERNEL_64, .relocatable = 1,
};

static uint8_t *make_bz(const struct bz *b, size_t *len)
{
	unsigned int ss = b->setup_sects ? b->setup_sects : 4;
	size_t off = (ss + 1) * 512, i;
	uint8_t *img = calloc(1, off + b->kernel_len);

	assert_non_null(img);
	img[0x1f1] = b->setup_sects;
	put_le32(img + 0x1f4, (uint32_t)(b->kernel_len / 16));
	put_le16(img + 0x1fe, 0xaa55);
	img[0x200] = 0xeb;
	img[0x201] = 0x268 - 0x202;
	memcpy(img + 0x202, "HdrS", 4);
	put_le16(img + 0x206, b->version);
	img[0x211] = LINUX_LOADED_HIGH;
	put_le32(img + 0x214, 0x100000);
	put_le32(img + 0x22c, b->initrd_max);
	put_le32(img + 0x230, 0x200000);
	img[0x234] = b->relocatable;
	put_le16(img + 0x236, b->xlf);
	put_le32(img + 0x238, b->cmdline_size);
	put_le64(img + 0x258, b->pref);
	put_le32(img + 0x260, b->init_size);
	for (i = 0; i < b->kernel_len; i++)
		img[off + i] = (uint8_t)(i * 7 + 1);
	*len = off + b->kernel_len;
	return img;
}

static int load_bz(const struct bz *b, const char *cmdline,
		   const uint8_t *initrd, size_t initrd_len,
		   struct linux_entry *le, const char **why)
{
	struct linux_load_args a = { 0 };
	size_t len;
	uint8_t *img = make_bz(b, &len);
	int err;

	a.image = img;
	a.image_len = len;
	a.cmdline = cmdline;
	a.initrd = initrd;
	a.initrd_len = initrd_len;
	a.e820 = &map;
	err = linux_load(&env, &a, le, why);
	free(img);
	return err;
}

static void test_linux_boot_params(void **state)
{
	struct linux_entry le;
	const char *why = NULL;
	uint64_t bp = LINUX_BOOT_PARAMS_GPA;
	unsigned int i;

	(void)state;
	assert_int_equal(load_bz(&bz_default, "console=ttyS0 root=/dev/vda",
				 NULL, 0, &le, &why), 0);
	assert_int_equal(ram[bp + 0x210], 0xff);          /* type_of_loader */
	assert_memory_equal(ram + bp + 0x202, "HdrS", 4); /* header copied */
	assert_int_equal(g16(bp + 0x206), 0x020f);
	assert_int_equal(g32(bp + 0x228), LINUX_CMDLINE_GPA);
	assert_string_equal((char *)ram + LINUX_CMDLINE_GPA,
			    "console=ttyS0 root=/dev/vda");
	assert_int_equal(g32(bp + 0x218), 0);             /* no ramdisk */
	assert_int_equal(ram[bp + 0x0], 0);               /* page zeroed */
	assert_int_equal(ram[bp + 0xfff], 0);
	/* e820_table: 5 entries of 20 bytes at 0x2d0. */
	assert_int_equal(ram[bp + 0x1e8], map.n);
	for (i = 0; i < map.n; i++) {
		assert_true(g64(bp + 0x2d0 + 20 * i) == map.e[i].addr);
		assert_true(g64(bp + 0x2d8 + 20 * i) == map.e[i].size);
		assert_int_equal(g32(bp + 0x2e0 + 20 * i), map.e[i].type);
	}
	assert_int_equal(ram[bp + 0x2d0 + 20 * map.n], 0);
}

static void test_linux_kernel_placement(void **state)
{
	struct linux_entry le;
	const char *why = NULL;

	(void)state;
	assert_int_equal(load_bz(&bz_default, "", NULL, 0, &le, &why), 0);
	assert_true(le.kernel_addr == 0x1000000);       /* pref_address */
	assert_true(le.kernel_end == 0x1000000 + 0x100000); /* init_size */
	assert_int_equal(ram[0x1000000], 1);            /* payload byte 0 */
	assert_int_equal(ram[0x1000000 + 0x2fff], (uint8_t)(0x2fff * 7 + 1));
	assert_true(le.long_mode);
	assert_true(le.rip == 0x1000200);
	assert_true(le.rsi == LINUX_BOOT_PARAMS_GPA);
	assert_int_equal(le.code32_start, 0x1000000);
	assert_int_equal(g32(LINUX_BOOT_PARAMS_GPA + 0x214), 0x1000000);
}

static void test_linux_old_layout(void **state)
{
	struct bz b = bz_default;
	struct linux_entry le;
	const char *why = NULL;

	(void)state;
	/* 2.06: no pref_address/init_size; setup_sects 0 means 4. */
	b.version = 0x0206;
	b.setup_sects = 0;
	b.xlf = 0;
	assert_int_equal(load_bz(&b, NULL, NULL, 0, &le, &why), 0);
	assert_true(le.kernel_addr == 0x100000);
	assert_int_equal(ram[0x100000], 1); /* from file offset 5 * 512 */
	assert_int_equal(ram[0x100001], 8);
	assert_false(le.long_mode);
	assert_string_equal((char *)ram + LINUX_CMDLINE_GPA, "");
}

static void test_linux_initrd_high(void **state)
{
	static uint8_t rd[0x2345];
	struct linux_entry le;
	const char *why = NULL;
	uint64_t bp = LINUX_BOOT_PARAMS_GPA;

	(void)state;
	memset(rd, 0x5a, sizeof(rd));
	rd[0] = 0x1f;
	assert_int_equal(load_bz(&bz_default, "", rd, sizeof(rd), &le, &why),
			 0);
	/* As high as RAM allows, page aligned, fully inside RAM. */
	assert_true(le.initrd_addr % 0x1000 == 0);
	assert_true(le.initrd_addr + sizeof(rd) <= RAM_SIZE);
	assert_true(le.initrd_addr + sizeof(rd) > RAM_SIZE - 0x1000);
	assert_true(le.initrd_addr >= le.kernel_end);
	assert_int_equal(g32(bp + 0x218), le.initrd_addr);
	assert_int_equal(g32(bp + 0x21c), sizeof(rd));
	assert_memory_equal(ram + le.initrd_addr, rd, sizeof(rd));
}

static void test_linux_initrd_addr_max(void **state)
{
	static uint8_t rd[0x1800];
	struct bz b = bz_default;
	struct linux_entry le;
	const char *why = NULL;

	(void)state;
	b.initrd_max = 0x17fffff; /* last byte the initrd may use */
	assert_int_equal(load_bz(&b, "", rd, sizeof(rd), &le, &why), 0);
	assert_true(le.initrd_addr + sizeof(rd) - 1 <= 0x17fffff);
	assert_true(le.initrd_addr == 0x1800000 - 0x2000);
}

static void test_linux_initrd_too_large(void **state)
{
	struct bz b = bz_default;
	struct linux_entry le;
	const char *why = NULL;
	size_t big = 15ULL << 20; /* kernel ends at 17 MiB, RAM at 32 MiB */
	uint8_t *rd = calloc(1, big + 0x1000);

	(void)state;
	assert_non_null(rd);
	assert_int_equal(load_bz(&b, "", rd, big + 0x1000, &le, &why),
			 -ENOMEM);
	assert_non_null(strstr(why, "initrd"));
	/* Exactly the space left fits. */
	assert_int_equal(load_bz(&b, "", rd, big, &le, &why), 0);
	assert_true(le.initrd_addr == le.kernel_end);
	/* initrd_addr_max below the kernel's end: nowhere to go. */
	b.initrd_max = 0xffffff;
	assert_int_equal(load_bz(&b, "", rd, 0x1000, &le, &why), -ENOMEM);
	free(rd);
}

static void test_linux_bad_magic(void **state)
{
	struct linux_load_args a = { .e820 = &map };
	struct linux_entry le;
	const char *why = NULL;
	size_t len;
	uint8_t *img = make_bz(&bz_default, &len);

	(void)state;
	a.image = img;
	a.image_len = len;
	img[0x1fe] = 0;
	assert_int_equal(linux_load(&env, &a, &le, &why), -ENOEXEC);
	assert_non_null(strstr(why, "0xaa55"));
	img[0x1fe] = 0x55;
	img[0x203] = 'x'; /* "HxrS" */
	assert_int_equal(linux_load(&env, &a, &le, &why), -ENOEXEC);
	assert_non_null(strstr(why, "HdrS"));
	free(img);
}

static void test_linux_old_protocol(void **state)
{
	struct bz b = bz_default;
	struct linux_entry le;
	const char *why = NULL;

	(void)state;
	b.version = 0x0205;
	assert_int_equal(load_bz(&b, "", NULL, 0, &le, &why), -ENOEXEC);
	assert_non_null(strstr(why, "2.06"));
}

static void test_linux_truncated(void **state)
{
	struct linux_load_args a = { .e820 = &map };
	struct linux_header h;
	struct linux_entry le;
	const char *why = NULL;
	size_t len;
	uint8_t *img = make_bz(&bz_default, &len);

	(void)state;
	/* syssize says more than the file holds. */
	assert_int_equal(linux_parse(img, len - 16, &h, &why), -EINVAL);
	assert_non_null(strstr(why, "syssize"));
	/* Setup sectors beyond the end of the file. */
	img[0x1f1] = 200;
	assert_int_equal(linux_parse(img, len, &h, &why), -EINVAL);
	assert_non_null(strstr(why, "setup"));
	/* Shorter than a boot sector. */
	assert_int_equal(linux_parse(img, 0x300, &h, &why), -ENOEXEC);
	/* Header length inconsistent with version 2.15. */
	img[0x1f1] = 1;
	img[0x201] = 0x10;
	assert_int_equal(linux_parse(img, len, &h, &why), -EINVAL);
	a.image = img;
	a.image_len = len;
	assert_int_equal(linux_load(&env, &a, &le, &why), -EINVAL);
	free(img);
}

static void test_linux_limits(void **state)
{
	struct bz b = bz_default;
	struct linux_entry le;
	const char *why = NULL;
	char cl[64];

	(void)state;
	b.cmdline_size = 10;
	memset(cl, 'a', sizeof(cl) - 1);
	cl[sizeof(cl) - 1] = 0;
	assert_int_equal(load_bz(&b, cl, NULL, 0, &le, &why), -EINVAL);
	assert_non_null(strstr(why, "cmdline_size"));
	cl[10] = 0;
	assert_int_equal(load_bz(&b, cl, NULL, 0, &le, &why), 0);
	/* init_size larger than RAM: no room anywhere. */
	b = bz_default;
	b.init_size = 0x40000000;
	assert_int_equal(load_bz(&b, "", NULL, 0, &le, &why), -ENOMEM);
	/* pref_address beyond RAM: a relocatable kernel falls back to 2 MiB. */
	b = bz_default;
	b.pref = 0x10000000;
	assert_int_equal(load_bz(&b, "", NULL, 0, &le, &why), 0);
	assert_true(le.kernel_addr == 0x200000);
	b.relocatable = 0;
	assert_int_equal(load_bz(&b, "", NULL, 0, &le, &why), -ENOMEM);
}

static void test_linux_entry64(void **state)
{
	struct linux_entry le;
	struct bootcpu_state st;
	const char *why = NULL;
	uint64_t pt = LINUX_TABLES_GPA + 0x1000;

	(void)state;
	assert_int_equal(load_bz(&bz_default, "", NULL, 0, &le, &why), 0);
	assert_int_equal(linux_entry_state(&env, &le, true, LINUX_TABLES_GPA,
					   &st), 0);
	assert_true(st.long_mode && st.rip == 0x1000200 &&
		    st.rsi == LINUX_BOOT_PARAMS_GPA);
	assert_true(st.cs == 0x10 && st.ds == 0x18);
	assert_true(st.gdt_base == LINUX_TABLES_GPA && st.gdt_limit == 31);
	assert_true(g64(LINUX_TABLES_GPA + 0x10) == 0x00af9b000000ffffULL);
	assert_true(g64(LINUX_TABLES_GPA + 0x18) == 0x00cf93000000ffffULL);
	assert_true(st.cr3 == pt);
	assert_true(st.cr0 & BOOTCPU_CR0_PG && st.cr4 & BOOTCPU_CR4_PAE &&
		    st.efer & BOOTCPU_EFER_LME);
	assert_true(g64(pt) == (pt + 0x1000) + 3);          /* PML4[0] */
	assert_true(g64(pt + 8) == 0);                      /* PML4[1] */
	assert_true(g64(pt + 0x1000 + 8 * 3) == pt + 0x5000 + 3); /* PDPT[3] */
	assert_true(g64(pt + 0x2000) == 0x83);              /* 0-2M */
	assert_true(g64(pt + 0x2000 + 8 * 8) == (8ULL << 21) + 0x83);
	/* Last 2M page of the 4th GiB. */
	assert_true(g64(pt + 0x5000 + 8 * 511) == 0xffe00083ULL);
}

static void test_linux_entry32(void **state)
{
	struct bz b = bz_default;
	struct linux_entry le;
	struct bootcpu_state st;
	const char *why = NULL;

	(void)state;
	b.xlf = 0;
	assert_int_equal(load_bz(&b, "", NULL, 0, &le, &why), 0);
	assert_int_equal(linux_entry_state(&env, &le, true, LINUX_TABLES_GPA,
					   &st), -ENOEXEC);
	assert_int_equal(linux_entry_state(&env, &le, false, LINUX_TABLES_GPA,
					   &st), 0);
	assert_false(st.long_mode);
	assert_true(st.rip == le.code32_start && st.rsi == LINUX_BOOT_PARAMS_GPA);
	assert_true(st.rbx == 0 && st.cs == 0x10 && st.ds == 0x18);
	assert_false(st.cr0 & BOOTCPU_CR0_PG);
	assert_true(st.cr0 & BOOTCPU_CR0_PE);
	assert_true(g64(LINUX_TABLES_GPA + 0x10) == 0x00cf9b000000ffffULL);
}

/* ---- Multiboot images ---------------------------------------------------- */

#define MB_IMG_LEN 0x2400
#define MB_HDR_OFF 0x200

static void put_mb_header(uint8_t *img, size_t off, uint32_t flags)
{
	put_le32(img + off, MULTIBOOT_HEADER_MAGIC);
	put_le32(img + off + 4, flags);
	put_le32(img + off + 8, (uint32_t)-(MULTIBOOT_HEADER_MAGIC + flags));
}

/*
 * An ELF32 (or ELF64) kernel: segment 0 is 0x100 bytes of text at file
 * 0x1000 loaded at 0x100000 (vaddr 0xc0100000) with 0x1f00 bytes of bss;
 * segment 1 is 0x40 bytes at file 0x1100 loaded at 0x104000.
 */
static uint8_t *make_elf(bool is64)
{
	uint8_t *img = calloc(1, MB_IMG_LEN);
	size_t ph = is64 ? 64 : 52, phsz = is64 ? 56 : 32;
	static const uint64_t seg[2][5] = {
		/* offset, vaddr, paddr, filesz, memsz */
		{ 0x1000, 0xc0100000, 0x100000, 0x100, 0x2000 },
		{ 0x1100, 0xc0104000, 0x104000, 0x40, 0x40 },
	};
	unsigned int i;

	assert_non_null(img);
	memcpy(img, "\177ELF", 4);
	img[4] = is64 ? 2 : 1;
	img[5] = 1;
	img[6] = 1;
	put_le16(img + 16, 2);
	put_le16(img + 18, is64 ? 62 : 3);
	put_le32(img + 20, 1);
	if (is64) {
		put_le64(img + 24, 0xc0100010);
		put_le64(img + 32, ph);
		put_le16(img + 54, 56);
		put_le16(img + 56, 2);
	} else {
		put_le32(img + 24, 0xc0100010);
		put_le32(img + 28, (uint32_t)ph);
		put_le16(img + 42, 32);
		put_le16(img + 44, 2);
	}
	for (i = 0; i < 2; i++) {
		uint8_t *p = img + ph + i * phsz;

		put_le32(p, 1); /* PT_LOAD */
		if (is64) {
			put_le64(p + 8, seg[i][0]);
			put_le64(p + 16, seg[i][1]);
			put_le64(p + 24, seg[i][2]);
			put_le64(p + 32, seg[i][3]);
			put_le64(p + 40, seg[i][4]);
		} else {
			put_le32(p + 4, (uint32_t)seg[i][0]);
			put_le32(p + 8, (uint32_t)seg[i][1]);
			put_le32(p + 12, (uint32_t)seg[i][2]);
			put_le32(p + 16, (uint32_t)seg[i][3]);
			put_le32(p + 20, (uint32_t)seg[i][4]);
		}
	}
	put_mb_header(img, MB_HDR_OFF, MULTIBOOT_PAGE_ALIGN |
		      MULTIBOOT_MEMORY_INFO);
	for (i = 0; i < 0x140; i++)
		img[0x1000 + i] = (uint8_t)(0x40 + i);
	return img;
}

static int mb_load(const uint8_t *img, size_t len, const char *cmdline,
		   const struct multiboot_module *mods, unsigned int n,
		   struct multiboot_entry *e, const char **why)
{
	struct multiboot_load_args a = {
		.image = img, .image_len = len, .cmdline = cmdline,
		.modules = mods, .n_modules = n, .e820 = &map,
	};

	return multiboot_load(&env, &a, e, why);
}

static void test_mb_elf32_load(void **state)
{
	struct multiboot_entry e;
	struct bootcpu_state st;
	const char *why = NULL;
	uint8_t *img = make_elf(false);
	unsigned int i;

	(void)state;
	assert_int_equal(mb_load(img, MB_IMG_LEN, "", NULL, 0, &e, &why), 0);
	/* PT_LOAD at p_paddr, file bytes copied, bss zeroed. */
	assert_memory_equal(ram + 0x100000, img + 0x1000, 0x100);
	for (i = 0x100; i < 0x2000; i++)
		if (ram[0x100000 + i] != 0)
			fail_msg("bss byte %#x not zeroed", i);
	assert_int_equal(ram[0x102000], 0xaa); /* past memsz: untouched */
	assert_memory_equal(ram + 0x104000, img + 0x1100, 0x40);
	/* Virtual entry translated to its physical address. */
	assert_int_equal(e.eip, 0x100010);
	assert_true(e.kernel_start == 0x100000 && e.kernel_end == 0x104040);
	multiboot_entry_state(&e, &st);
	assert_true(st.rax == 0x2BADB002 && st.rbx == MULTIBOOT_INFO_GPA &&
		    st.rip == 0x100010);
	assert_false(st.long_mode);
	assert_true(st.cr0 == (BOOTCPU_CR0_PE | BOOTCPU_CR0_ET));
	free(img);
}

static void test_mb_info(void **state)
{
	struct multiboot_entry e;
	const char *why = NULL;
	uint8_t *img = make_elf(false);
	uint64_t mbi = MULTIBOOT_INFO_GPA, mm;
	uint32_t flags;
	unsigned int i;

	(void)state;
	assert_int_equal(mb_load(img, MB_IMG_LEN, "test verbose=1", NULL, 0,
				 &e, &why), 0);
	flags = g32(mbi);
	assert_true(flags & MULTIBOOT_INFO_MEMORY);
	assert_true(flags & MULTIBOOT_INFO_CMDLINE);
	assert_true(flags & MULTIBOOT_INFO_MMAP);
	assert_int_equal(g32(mbi + 4), 639);                    /* mem_lower */
	assert_int_equal(g32(mbi + 8), (RAM_SIZE >> 10) - 1024); /* mem_upper */
	assert_string_equal((char *)ram + g32(mbi + 16), "test verbose=1");
	assert_string_equal((char *)ram + g32(mbi + 64), "keel");
	assert_int_equal(g32(mbi + 20), 0);
	/* mmap: size 20 per entry (excluding itself), copied from e820. */
	assert_int_equal(g32(mbi + 44), map.n * 24);
	mm = g32(mbi + 48);
	for (i = 0; i < map.n; i++) {
		assert_int_equal(g32(mm + 24 * i), 20);
		assert_true(g64(mm + 24 * i + 4) == map.e[i].addr);
		assert_true(g64(mm + 24 * i + 12) == map.e[i].size);
		assert_int_equal(g32(mm + 24 * i + 20), map.e[i].type);
	}
	free(img);
}

static void test_mb_modules(void **state)
{
	static const uint8_t m0[] = "initrd-bytes", m1[0x1801] = { 7 };
	const struct multiboot_module mods[2] = {
		{ .data = m0, .len = sizeof(m0), .cmdline = "mod0 a=b" },
		{ .data = m1, .len = sizeof(m1), .cmdline = NULL },
	};
	struct multiboot_entry e;
	const char *why = NULL;
	uint8_t *img = make_elf(false);
	uint64_t mbi = MULTIBOOT_INFO_GPA, ml;

	(void)state;
	assert_int_equal(mb_load(img, MB_IMG_LEN, NULL, mods, 2, &e, &why), 0);
	assert_true(g32(mbi) & MULTIBOOT_INFO_MODS);
	assert_int_equal(g32(mbi + 20), 2);
	ml = g32(mbi + 24);
	/* First module page-aligned after the kernel's end (0x104040). */
	assert_int_equal(g32(ml), 0x105000);
	assert_int_equal(g32(ml + 4), 0x105000 + sizeof(m0));
	assert_string_equal((char *)ram + g32(ml + 8), "mod0 a=b");
	assert_memory_equal(ram + 0x105000, m0, sizeof(m0));
	assert_int_equal(g32(ml + 16), 0x106000);
	assert_int_equal(g32(ml + 20) - g32(ml + 16), sizeof(m1));
	assert_string_equal((char *)ram + g32(ml + 24), "");
	assert_int_equal(ram[0x106000], 7);
	free(img);
}

static void test_mb_bad_checksum(void **state)
{
	struct multiboot_entry e;
	struct multiboot_header h;
	const char *why = NULL;
	uint8_t *img = make_elf(false);

	(void)state;
	img[MB_HDR_OFF + 8] ^= 1;
	assert_int_equal(mb_load(img, MB_IMG_LEN, "", NULL, 0, &e, &why),
			 -ENOEXEC);
	assert_non_null(strstr(why, "checksum"));
	/* A valid header past the first 8 KiB is not found. */
	memset(img + MB_HDR_OFF, 0, 12);
	put_mb_header(img, MULTIBOOT_SEARCH, 0);
	assert_int_equal(multiboot_find_header(img, MB_IMG_LEN, &h, &why),
			 -ENOEXEC);
	/* Misaligned header is not found either. */
	put_mb_header(img, 0x202, 0);
	assert_int_equal(multiboot_find_header(img, MB_IMG_LEN, &h, &why),
			 -ENOEXEC);
	/* Required video mode (flag 2) is refused. */
	put_mb_header(img, MB_HDR_OFF, MULTIBOOT_VIDEO_MODE);
	assert_int_equal(multiboot_find_header(img, MB_IMG_LEN, &h, &why),
			 -ENOEXEC);
	free(img);
}

static void test_mb_elf64_and_bad_elf(void **state)
{
	struct multiboot_entry e;
	const char *why = NULL;
	uint8_t *img = make_elf(true);

	(void)state;
	assert_int_equal(mb_load(img, MB_IMG_LEN, "", NULL, 0, &e, &why), 0);
	assert_int_equal(e.eip, 0x100010);
	assert_memory_equal(ram + 0x104000, img + 0x1100, 0x40);
	free(img);

	/* ELF32 whose segment runs past the end of the file. */
	img = make_elf(false);
	put_le32(img + 52 + 32 + 16, 0x2000); /* seg 1 filesz */
	put_le32(img + 52 + 32 + 20, 0x2000);
	assert_int_equal(mb_load(img, MB_IMG_LEN, "", NULL, 0, &e, &why),
			 -EINVAL);
	/* Segment over the info area: refused before anything is written. */
	put_le32(img + 52 + 32 + 16, 0x40);
	put_le32(img + 52 + 32 + 12, MULTIBOOT_INFO_GPA);
	memset(ram + 0x100000, 0xaa, 0x100);
	assert_int_equal(mb_load(img, MB_IMG_LEN, "", NULL, 0, &e, &why),
			 -ENOMEM);
	assert_int_equal(ram[0x100000], 0xaa);
	/* Segment in the BIOS hole. */
	put_le32(img + 52 + 32 + 12, 0xf0000);
	assert_int_equal(mb_load(img, MB_IMG_LEN, "", NULL, 0, &e, &why),
			 -ENOMEM);
	/* Not ELF at all, no kludge. */
	img[0] = 0;
	assert_int_equal(mb_load(img, MB_IMG_LEN, "", NULL, 0, &e, &why),
			 -ENOEXEC);
	free(img);
}

static void test_mb_aout_kludge(void **state)
{
	struct multiboot_entry e;
	const char *why = NULL;
	uint8_t img[0x400];
	size_t off = 0x20;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(img); i++)
		img[i] = (uint8_t)(i ^ 0x3c);
	/* Load the whole file at 0x200000; header at 0x200020. */
	put_mb_header(img, off, MULTIBOOT_AOUT_KLUDGE | MULTIBOOT_PAGE_ALIGN);
	put_le32(img + off + 12, 0x200020);            /* header_addr */
	put_le32(img + off + 16, 0x200000);            /* load_addr */
	put_le32(img + off + 20, 0x200300);            /* load_end_addr */
	put_le32(img + off + 24, 0x201000);            /* bss_end_addr */
	put_le32(img + off + 28, 0x200040);            /* entry_addr */
	assert_int_equal(mb_load(img, sizeof(img), "", NULL, 0, &e, &why), 0);
	assert_memory_equal(ram + 0x200000, img, 0x300);
	assert_int_equal(ram[0x200300], 0);       /* bss zeroed */
	assert_int_equal(ram[0x200fff], 0);
	assert_int_equal(ram[0x201000], 0xaa);
	assert_int_equal(e.eip, 0x200040);
	/* load_end_addr beyond the file: refused. */
	put_le32(img + off + 20, 0x200500);
	assert_int_equal(mb_load(img, sizeof(img), "", NULL, 0, &e, &why),
			 -EINVAL);
	/* Entry outside the loaded range. */
	put_le32(img + off + 20, 0x200300);
	put_le32(img + off + 28, 0x300000);
	assert_int_equal(mb_load(img, sizeof(img), "", NULL, 0, &e, &why),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_e820_256m),
		cmocka_unit_test(test_e820_above_4g),
		cmocka_unit_test_setup_teardown(test_linux_boot_params, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_linux_kernel_placement,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_linux_old_layout, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_linux_initrd_high, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_linux_initrd_addr_max,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_linux_initrd_too_large,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_linux_bad_magic, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_linux_old_protocol, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_linux_truncated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_linux_limits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_linux_entry64, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_linux_entry32, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mb_elf32_load, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mb_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb_modules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mb_bad_checksum, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mb_elf64_and_bad_elf, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mb_aout_kludge, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("loaders", tests, NULL, NULL);
}
