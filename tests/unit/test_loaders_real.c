/*
 * Loader tests against real kernels: the vmlinuz of Debian bookworm's
 * linux-image-cloud-amd64 (fetched by tools/fetch-guest-kernel.sh) through
 * the Linux boot protocol (vm/linux_boot.c, Documentation/arch/x86/boot.rst)
 * and our multiboot test kernel tests/guest/mb_hello.asm through Multiboot 1
 * (vm/multiboot.c, spec 0.6.96), each into a 256 MiB fake RAM.
 *
 * Paths come from the environment (the make rule sets them):
 *   KEEL_VMLINUZ   default build/guest/linux/vmlinuz
 *   KEEL_MB_HELLO  default build/guest/mb_hello.elf
 * The Linux tests skip, saying why, when the kernel is not there (it could
 * not be fetched); a missing multiboot kernel is a failure, since the build
 * makes it from our own source.
 */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>  /* fopen, fread */
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <elf.h>    /* Elf32_Ehdr, Elf32_Phdr: to check mb_hello.elf */

#include "hw/hw_env.h"
#include "vm/bootcpu.h"
#include "vm/e820.h"
#include "vm/linux_boot.h"
#include "vm/multiboot.h"

#include "tests/unit/fake_ram.h"

#define RAM_SIZE (256ULL << 20)
#define PAGE     0x1000ULL

#define DEFAULT_VMLINUZ  "build/guest/linux/vmlinuz"
#define DEFAULT_MB_HELLO "build/guest/mb_hello.elf"

/* Zero page offsets (Documentation/arch/x86/zero-page.rst, boot.rst). */
#define BP_E820_ENTRIES    0x1e8
#define BP_HDR             0x1f1
#define BP_KERNEL_VERSION  0x20e
#define BP_TYPE_OF_LOADER  0x210
#define BP_CODE32_START    0x214
#define BP_RAMDISK_IMAGE   0x218
#define BP_RAMDISK_SIZE    0x21c
#define BP_CMD_LINE_PTR    0x228
#define BP_E820_TABLE      0x2d0

static const char cmdline[] =
	"console=ttyS0 earlyprintk=serial panic=-1 root=/dev/ram0 rdinit=/init";

/* ---- the images, read once per run ----------------------------------------- */

struct image {
	const char *path;
	uint8_t *data;
	size_t len;
};

static struct image vmlinuz, mb_hello;
static uint8_t *initrd;
static size_t initrd_len;

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void load_image(struct image *im, const char *var, const char *def)
{
	const char *p = getenv(var);

	im->path = p && *p ? p : def;
	im->data = read_file(im->path, &im->len);
}

static int group_setup(void **state)
{
	size_t i;

	(void)state;
	load_image(&vmlinuz, "KEEL_VMLINUZ", DEFAULT_VMLINUZ);
	load_image(&mb_hello, "KEEL_MB_HELLO", DEFAULT_MB_HELLO);
	if (!vmlinuz.data)
		print_message("[ NOTE     ] no Debian kernel at %s (KEEL_VMLINUZ): "
			      "the real-kernel tests skip; fetch it with "
			      "tools/fetch-guest-kernel.sh build/guest/linux\n",
			      vmlinuz.path);
	/* A small fake initrd: a newc cpio magic, then a pattern. */
	initrd_len = (3ULL << 20) + 0x123;
	initrd = malloc(initrd_len);
	if (!initrd)
		return -1;
	for (i = 0; i < initrd_len; i++)
		initrd[i] = (uint8_t)(i * 13 + (i >> 12));
	memcpy(initrd, "070701", 6);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	free(vmlinuz.data);
	free(mb_hello.data);
	free(initrd);
	return 0;
}

/* ---- per-test fake RAM ------------------------------------------------------ */

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

static uint32_t g32(uint64_t a)
{
	return le32(ram + a);
}

static uint64_t g64(uint64_t a)
{
	return le64(ram + a);
}

static bool all_bytes(uint64_t a, uint64_t len, uint8_t v)
{
	uint64_t i;

	for (i = 0; i < len; i++)
		if (ram[a + i] != v)
			return false;
	return true;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* ---- Linux: the Debian cloud kernel ------------------------------------------ */

static void need_vmlinuz(void)
{
	if (!vmlinuz.data) {
		print_message("[ SKIP     ] Debian kernel not fetched: %s\n",
			      vmlinuz.path);
		skip();
	}
}

static void load_vmlinuz(struct linux_entry *le, const uint8_t *rd,
			 size_t rd_len)
{
	struct linux_load_args a = {
		.image = vmlinuz.data, .image_len = vmlinuz.len,
		.cmdline = cmdline, .initrd = rd, .initrd_len = rd_len,
		.e820 = &map,
	};
	const char *why = "";
	int err = linux_load(&env, &a, le, &why);

	if (err)
		fail_msg("linux_load(%s): %d: %s", vmlinuz.path, err, why);
}

static void test_real_header(void **state)
{
	struct linux_header h;
	const char *why = "";
	const uint8_t *img;
	const char *kver;
	uint16_t kv;

	(void)state;
	need_vmlinuz();
	img = vmlinuz.data;
	if (linux_parse(img, vmlinuz.len, &h, &why))
		fail_msg("linux_parse(%s): %s", vmlinuz.path, why);
	/* kernel_version: a string at setup offset + 0x200 (boot.rst). */
	kv = le16(img + BP_KERNEL_VERSION);
	assert_true(kv + 0x200u < vmlinuz.len);
	kver = (const char *)img + kv + 0x200;
	assert_non_null(memchr(kver, 0, 256));
	print_message("[ KERNEL   ] %s: %s\n", vmlinuz.path, kver);
	print_message("[ KERNEL   ] protocol %u.%02u setup_sects %u "
		      "loadflags %#x xloadflags %#x kernel_alignment %#x "
		      "pref_address %#llx init_size %#x initrd_addr_max %#x "
		      "cmdline_size %u\n", h.version >> 8, h.version & 0xff,
		      h.setup_sects, h.loadflags, h.xloadflags,
		      h.kernel_alignment, (unsigned long long)h.pref_address,
		      h.init_size, h.initrd_addr_max, h.cmdline_size);

	assert_true(kver[0] >= '2' && kver[0] <= '9'); /* "6.1.0-..." */
	assert_true(h.version >= LINUX_MIN_VERSION);
	assert_int_equal(h.version, le16(img + 0x206));
	assert_true(h.loadflags & LINUX_LOADED_HIGH);
	assert_true(h.xloadflags & LINUX_XLF_KERNEL_64);
	assert_true(h.relocatable_kernel);
	assert_true(h.kernel_alignment >= 0x200000 &&
		    !(h.kernel_alignment & (h.kernel_alignment - 1)));
	assert_true(h.cmdline_size >= sizeof(cmdline) - 1);
	assert_true(h.initrd_addr_max >= 0x37ffffff);
	/* 2.10+: pref_address and init_size are there and sane. */
	assert_true(h.version >= 0x020a);
	assert_true(h.pref_address >= 0x100000 &&
		    h.pref_address % h.kernel_alignment == 0);
	assert_true(h.init_size >= h.kernel_len);
	assert_int_equal(h.kernel_off, (h.setup_sects + 1) * 512);
	assert_true((uint64_t)h.syssize * 16 <= h.kernel_len);
	assert_true(h.kernel_len - (uint64_t)h.syssize * 16 < 16 + 4096);
}

static void test_real_boot_params(void **state)
{
	struct linux_header h;
	struct linux_entry le;
	const char *why = "";
	const uint64_t bp = LINUX_BOOT_PARAMS_GPA;
	uint64_t o, e820_end;
	unsigned int i;

	(void)state;
	need_vmlinuz();
	assert_int_equal(linux_parse(vmlinuz.data, vmlinuz.len, &h, &why), 0);
	load_vmlinuz(&le, initrd, initrd_len);
	assert_true(le.rsi == bp);

	/* The setup header is copied, except the fields the loader writes. */
	for (o = BP_HDR; o < h.hdr_end; o++) {
		if ((o >= BP_TYPE_OF_LOADER && o < BP_TYPE_OF_LOADER + 1) ||
		    (o >= BP_CODE32_START && o < BP_RAMDISK_SIZE + 4) ||
		    (o >= BP_CMD_LINE_PTR && o < BP_CMD_LINE_PTR + 4))
			continue;
		if (ram[bp + o] != vmlinuz.data[o])
			fail_msg("boot_params byte %#llx is %#x, image has %#x",
				 (unsigned long long)o, ram[bp + o],
				 vmlinuz.data[o]);
	}
	assert_int_equal(ram[bp + BP_TYPE_OF_LOADER], 0xff);
	assert_int_equal(g32(bp + BP_CODE32_START), le.kernel_addr);
	assert_int_equal(g32(bp + BP_RAMDISK_IMAGE), le.initrd_addr);
	assert_int_equal(g32(bp + BP_RAMDISK_SIZE), initrd_len);

	/* Command line: pointer, bytes, terminator. */
	assert_int_equal(g32(bp + BP_CMD_LINE_PTR), LINUX_CMDLINE_GPA);
	assert_true(le.cmdline_addr == LINUX_CMDLINE_GPA);
	assert_memory_equal(ram + LINUX_CMDLINE_GPA, cmdline, sizeof(cmdline));

	/* e820: exactly e820_build_pc(256 MiB), which is the pc map. */
	assert_int_equal(map.n, 5);
	assert_int_equal(ram[bp + BP_E820_ENTRIES], map.n);
	for (i = 0; i < map.n; i++) {
		uint64_t e = bp + BP_E820_TABLE + 20 * i;

		assert_true(g64(e) == map.e[i].addr);
		assert_true(g64(e + 8) == map.e[i].size);
		assert_int_equal(g32(e + 16), map.e[i].type);
	}
	assert_true(map.e[3].addr == 0x100000 &&
		    map.e[3].addr + map.e[3].size == RAM_SIZE &&
		    map.e[3].type == E820_RAM);

	/* Everything else in the zero page is zero. */
	e820_end = BP_E820_TABLE + 20 * map.n;
	assert_true(all_bytes(bp, BP_E820_ENTRIES, 0));
	assert_true(all_bytes(bp + BP_E820_ENTRIES + 1,
			      BP_HDR - BP_E820_ENTRIES - 1, 0));
	assert_true(all_bytes(bp + h.hdr_end, BP_E820_TABLE - h.hdr_end, 0));
	assert_true(all_bytes(bp + e820_end, 0x1000 - e820_end, 0));
	assert_int_equal(ram[bp + 0x1000], FAKE_RAM_FILL); /* not past it */
}

static void test_real_kernel_placement(void **state)
{
	struct linux_header h;
	struct linux_entry le;
	const char *why = "";
	uint64_t want;

	(void)state;
	need_vmlinuz();
	assert_int_equal(linux_parse(vmlinuz.data, vmlinuz.len, &h, &why), 0);
	load_vmlinuz(&le, NULL, 0);
	/* pref_address (16 MiB for x86-64) fits 256 MiB, so it is used. */
	want = h.pref_address ? h.pref_address : LINUX_DEFAULT_LOAD;
	assert_true(le.kernel_addr == want);
	assert_true(le.kernel_addr % h.kernel_alignment == 0);
	assert_true(le.kernel_end == le.kernel_addr + h.init_size);
	assert_true(le.kernel_end <= RAM_SIZE);
	assert_true(e820_is_ram(&map, le.kernel_addr, h.init_size));
	/* The whole protected-mode part, byte for byte. */
	assert_memory_equal(ram + le.kernel_addr, vmlinuz.data + h.kernel_off,
			    h.kernel_len);
	/* init_size is room for decompression, not written by the loader. */
	assert_int_equal(ram[le.kernel_addr + h.kernel_len], FAKE_RAM_FILL);
	assert_true(le.initrd_addr == 0 && le.initrd_size == 0);
	assert_int_equal(g32(LINUX_BOOT_PARAMS_GPA + BP_RAMDISK_IMAGE), 0);
	assert_true(!overlaps(le.kernel_addr, h.init_size,
			      LINUX_BOOT_PARAMS_GPA, PAGE));
	assert_true(!overlaps(le.kernel_addr, h.init_size, LINUX_CMDLINE_GPA,
			      sizeof(cmdline)));
}

static void test_real_initrd(void **state)
{
	struct linux_header h;
	struct linux_entry le;
	const char *why = "";

	(void)state;
	need_vmlinuz();
	assert_int_equal(linux_parse(vmlinuz.data, vmlinuz.len, &h, &why), 0);
	load_vmlinuz(&le, initrd, initrd_len);
	print_message("[ LAYOUT   ] kernel [%#llx, %#llx) initrd [%#llx, "
		      "%#llx) in %llu MiB\n",
		      (unsigned long long)le.kernel_addr,
		      (unsigned long long)le.kernel_end,
		      (unsigned long long)le.initrd_addr,
		      (unsigned long long)(le.initrd_addr + initrd_len),
		      (unsigned long long)(RAM_SIZE >> 20));
	assert_true(le.initrd_size == initrd_len);
	assert_true(le.initrd_addr % PAGE == 0);
	assert_true(le.initrd_addr + initrd_len - 1 <= h.initrd_addr_max);
	assert_true(le.initrd_addr + initrd_len <= RAM_SIZE);
	assert_true(e820_is_ram(&map, le.initrd_addr, initrd_len));
	assert_false(overlaps(le.initrd_addr, initrd_len, le.kernel_addr,
			      h.init_size));
	/* Placed as high as it goes: within a page of the end of RAM. */
	assert_true(le.initrd_addr + initrd_len > RAM_SIZE - PAGE);
	assert_memory_equal(ram + le.initrd_addr, initrd, initrd_len);
	/* The kernel image is still intact under it. */
	assert_memory_equal(ram + le.kernel_addr, vmlinuz.data + h.kernel_off,
			    h.kernel_len);
}

static void test_real_limits(void **state)
{
	struct linux_header h;
	struct linux_load_args a = { .e820 = &map };
	struct linux_entry le;
	const char *why = "";
	char *cl;
	uint8_t *big;
	size_t room;

	(void)state;
	need_vmlinuz();
	assert_int_equal(linux_parse(vmlinuz.data, vmlinuz.len, &h, &why), 0);
	a.image = vmlinuz.data;
	a.image_len = vmlinuz.len;

	/* A command line one byte over the kernel's cmdline_size. */
	cl = malloc(h.cmdline_size + 2);
	assert_non_null(cl);
	memset(cl, 'x', h.cmdline_size + 1);
	cl[h.cmdline_size + 1] = 0;
	a.cmdline = cl;
	assert_int_equal(linux_load(&env, &a, &le, &why), -EINVAL);
	cl[h.cmdline_size] = 0; /* exactly cmdline_size fits */
	assert_int_equal(linux_load(&env, &a, &le, &why), 0);
	assert_int_equal(strlen((char *)ram + LINUX_CMDLINE_GPA),
			 h.cmdline_size);
	free(cl);
	a.cmdline = cmdline;

	/* An initrd filling all RAM above the kernel fits; one page more not. */
	room = RAM_SIZE - (h.pref_address + h.init_size);
	big = calloc(1, room + PAGE);
	assert_non_null(big);
	a.initrd = big;
	a.initrd_len = room + PAGE;
	assert_int_equal(linux_load(&env, &a, &le, &why), -ENOMEM);
	assert_non_null(strstr(why, "initrd"));
	a.initrd_len = room;
	assert_int_equal(linux_load(&env, &a, &le, &why), 0);
	assert_true(le.initrd_addr == le.kernel_end);
	free(big);
}

/*
 * Walk the 4-level tables at cr3 for va (4 KiB, 2 MiB or 1 GiB pages);
 * true with *pa when present and writable at every level.
 */
static bool walk(uint64_t cr3, uint64_t va, uint64_t *pa)
{
	static const unsigned int shift[4] = { 39, 30, 21, 12 };
	const uint64_t addr_mask = 0x000ffffffffff000ULL;
	uint64_t table = cr3 & addr_mask, e = 0, size;
	unsigned int lvl;

	for (lvl = 0; lvl < 4; lvl++) {
		uint64_t ea = table + 8 * ((va >> shift[lvl]) & 511);

		if (ea + 8 > RAM_SIZE)
			return false;
		e = g64(ea);
		if (!(e & 1) || !(e & 2))
			return false;
		if ((lvl == 1 || lvl == 2) && (e & 0x80)) {
			size = 1ULL << shift[lvl];
			*pa = (e & addr_mask & ~(size - 1)) | (va & (size - 1));
			return true;
		}
		table = e & addr_mask;
	}
	*pa = table | (va & 0xfff);
	return true;
}

static void assert_identity(uint64_t cr3, uint64_t start, uint64_t len,
			    const char *what)
{
	uint64_t va, pa;

	for (va = start & ~(PAGE - 1); va < start + len; va += 0x200000) {
		if (!walk(cr3, va, &pa) || pa != va)
			fail_msg("%s: %#llx not identity-mapped", what,
				 (unsigned long long)va);
	}
	va = start + len - 1;
	if (!walk(cr3, va, &pa) || pa != va)
		fail_msg("%s: last byte %#llx not identity-mapped", what,
			 (unsigned long long)va);
}

static void test_real_entry64(void **state)
{
	struct linux_entry le;
	struct bootcpu_state st;
	uint64_t cs_desc;

	(void)state;
	need_vmlinuz();
	load_vmlinuz(&le, initrd, initrd_len);
	assert_true(le.long_mode);
	assert_int_equal(linux_entry_state(&env, &le, true, LINUX_TABLES_GPA,
					   &st), 0);
	/* boot.rst "64-bit BOOT PROTOCOL": startup_64 at load + 0x200. */
	assert_true(st.long_mode);
	assert_true(st.rip == le.kernel_addr + 0x200);
	assert_true(st.rsi == LINUX_BOOT_PARAMS_GPA);
	assert_true(st.cr0 & BOOTCPU_CR0_PE && st.cr0 & BOOTCPU_CR0_PG);
	assert_true(st.cr4 & BOOTCPU_CR4_PAE);
	assert_true(st.efer & BOOTCPU_EFER_LME);
	/* __BOOT_CS is 64-bit code (L=1, D=0), __BOOT_DS flat data. */
	assert_true(st.cs == BOOTCPU_CS && st.ds == BOOTCPU_DS);
	cs_desc = g64(st.gdt_base + st.cs);
	assert_true(cs_desc & (1ULL << 53) && !(cs_desc & (1ULL << 54)));
	assert_true(cs_desc & (1ULL << 47) && cs_desc & (1ULL << 43));
	/* The tables stay clear of what they must map. */
	assert_false(overlaps(st.cr3, BOOTCPU_PT_SIZE, le.kernel_addr,
			      le.kernel_end - le.kernel_addr));
	assert_false(overlaps(st.cr3, BOOTCPU_PT_SIZE, LINUX_BOOT_PARAMS_GPA,
			      PAGE));
	/* Identity map: kernel (with init_size), zero page, cmdline, initrd. */
	assert_identity(st.cr3, le.kernel_addr, le.kernel_end - le.kernel_addr,
			"kernel");
	assert_identity(st.cr3, LINUX_BOOT_PARAMS_GPA, PAGE, "zero page");
	assert_identity(st.cr3, LINUX_CMDLINE_GPA, sizeof(cmdline), "cmdline");
	assert_identity(st.cr3, le.initrd_addr, le.initrd_size, "initrd");
	assert_identity(st.cr3, 0, RAM_SIZE, "RAM");
	/* startup_64 of the compressed kernel opens with cld (0xfc). */
	assert_int_equal(ram[st.rip], 0xfc);
}

static void test_real_entry32(void **state)
{
	struct linux_entry le;
	struct bootcpu_state st;

	(void)state;
	need_vmlinuz();
	load_vmlinuz(&le, NULL, 0);
	assert_int_equal(linux_entry_state(&env, &le, false, LINUX_TABLES_GPA,
					   &st), 0);
	/* boot.rst "32-bit BOOT PROTOCOL": code32_start, flat, paging off. */
	assert_false(st.long_mode);
	assert_true(st.rip == le.code32_start && st.rip == le.kernel_addr);
	assert_true(st.rsi == LINUX_BOOT_PARAMS_GPA && st.rbx == 0);
	assert_true(st.cr0 & BOOTCPU_CR0_PE);
	assert_false(st.cr0 & BOOTCPU_CR0_PG);
	assert_true(st.efer == 0);
	assert_true(g64(st.gdt_base + st.cs) == 0x00cf9b000000ffffULL);
	assert_true(g64(st.gdt_base + st.ds) == 0x00cf93000000ffffULL);
	/* startup_32 opens with cld; cli. */
	assert_int_equal(ram[st.rip], 0xfc);
	assert_int_equal(ram[st.rip + 1], 0xfa);
}

/* ---- Multiboot: tests/guest/mb_hello.elf ------------------------------------- */

static void need_mb_hello(void)
{
	if (!mb_hello.data)
		fail_msg("no multiboot test kernel at %s (KEEL_MB_HELLO); "
			 "make builds it from tests/guest/mb_hello.asm",
			 mb_hello.path);
	assert_true(mb_hello.len >= sizeof(Elf32_Ehdr));
}

static const Elf32_Ehdr *mb_ehdr(void)
{
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)mb_hello.data;

	assert_memory_equal(eh->e_ident, ELFMAG, SELFMAG);
	assert_int_equal(eh->e_ident[EI_CLASS], ELFCLASS32);
	assert_int_equal(eh->e_machine, EM_386);
	assert_true(eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) <=
		    mb_hello.len);
	return eh;
}

static const Elf32_Phdr *mb_phdr(const Elf32_Ehdr *eh, unsigned int i)
{
	return (const Elf32_Phdr *)(mb_hello.data + eh->e_phoff) + i;
}

static int mb_load_hello(const struct multiboot_module *mods, unsigned int n,
			 struct multiboot_entry *e)
{
	struct multiboot_load_args a = {
		.image = mb_hello.data, .image_len = mb_hello.len,
		.cmdline = "mb_hello verbose=1", .modules = mods,
		.n_modules = n, .e820 = &map,
	};
	const char *why = "";
	int err = multiboot_load(&env, &a, e, &why);

	if (err)
		fail_msg("multiboot_load(%s): %d: %s", mb_hello.path, err, why);
	return err;
}

static void test_mb_hello_header(void **state)
{
	struct multiboot_header h;
	const char *why = "";

	(void)state;
	need_mb_hello();
	assert_int_equal(multiboot_find_header(mb_hello.data, mb_hello.len, &h,
					       &why), 0);
	assert_true(h.offset % 4 == 0 && h.offset + 12 <= MULTIBOOT_SEARCH);
	assert_int_equal(le32(mb_hello.data + h.offset), MULTIBOOT_HEADER_MAGIC);
	/* mb_hello.asm asks for page alignment and memory info only. */
	assert_int_equal(h.flags, MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO);
	assert_int_equal((uint32_t)(MULTIBOOT_HEADER_MAGIC + h.flags +
				    le32(mb_hello.data + h.offset + 8)), 0);
}

static void test_mb_hello_load(void **state)
{
	const Elf32_Ehdr *eh;
	struct multiboot_entry e;
	struct bootcpu_state st;
	uint64_t lo = UINT64_MAX, hi = 0;
	unsigned int i, loads = 0;

	(void)state;
	need_mb_hello();
	eh = mb_ehdr();
	mb_load_hello(NULL, 0, &e);
	/* Each PT_LOAD at its physical address: file bytes, then zeroes. */
	for (i = 0; i < eh->e_phnum; i++) {
		const Elf32_Phdr *ph = mb_phdr(eh, i);

		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		loads++;
		assert_true(ph->p_offset + (uint64_t)ph->p_filesz <= mb_hello.len);
		assert_memory_equal(ram + ph->p_paddr,
				    mb_hello.data + ph->p_offset, ph->p_filesz);
		assert_true(all_bytes(ph->p_paddr + ph->p_filesz,
				      ph->p_memsz - ph->p_filesz, 0));
		if (ph->p_paddr < lo)
			lo = ph->p_paddr;
		if (ph->p_paddr + (uint64_t)ph->p_memsz > hi)
			hi = ph->p_paddr + (uint64_t)ph->p_memsz;
	}
	assert_true(loads >= 2); /* text and bss (the stack) */
	assert_true(lo == 0x100000);
	assert_true(e.kernel_start == lo && e.kernel_end == hi);
	/* Entry state (spec 3.2): magic, info pointer, ELF entry. */
	assert_int_equal(e.eax, MULTIBOOT_BOOT_MAGIC);
	assert_int_equal(e.ebx, MULTIBOOT_INFO_GPA);
	assert_int_equal(e.eip, eh->e_entry);
	assert_int_equal(ram[e.eip], 0xfa); /* _start: cli */
	multiboot_entry_state(&e, &st);
	assert_false(st.long_mode);
	assert_true(st.rax == MULTIBOOT_BOOT_MAGIC &&
		    st.rbx == MULTIBOOT_INFO_GPA && st.rip == eh->e_entry);
	assert_true(st.cr0 == (BOOTCPU_CR0_PE | BOOTCPU_CR0_ET));
	assert_true(st.efer == 0 && st.cr4 == 0);
}

static void test_mb_hello_info(void **state)
{
	static const uint8_t mod[0x1234] = { 'm', 'o', 'd' };
	const struct multiboot_module mods[1] = {
		{ .data = mod, .len = sizeof(mod), .cmdline = "mod0 x=1" },
	};
	struct multiboot_entry e;
	uint64_t mbi, mm, ml;
	uint32_t flags;
	unsigned int i;

	(void)state;
	need_mb_hello();
	mb_load_hello(mods, 1, &e);
	mbi = e.ebx;
	flags = g32(mbi + MBI_FLAGS);
	assert_true(flags & MULTIBOOT_INFO_MEMORY);
	assert_true(flags & MULTIBOOT_INFO_MMAP);
	assert_true(flags & MULTIBOOT_INFO_CMDLINE);
	assert_true(flags & MULTIBOOT_INFO_MODS);
	assert_true(flags & MULTIBOOT_INFO_LOADER_NAME);
	/* mem_lower/mem_upper from the same e820 map: 639 KiB, 255 MiB. */
	assert_int_equal(g32(mbi + MBI_MEM_LOWER), e820_lower_kib(&map));
	assert_int_equal(g32(mbi + MBI_MEM_UPPER), e820_upper_kib(&map));
	assert_int_equal(g32(mbi + MBI_MEM_LOWER), 639);
	assert_int_equal(g32(mbi + MBI_MEM_UPPER), (RAM_SIZE >> 10) - 1024);
	assert_string_equal((char *)ram + g32(mbi + MBI_CMDLINE),
			    "mb_hello verbose=1");
	/* mmap: one 24-byte record (size 20) per e820 entry, in order. */
	assert_int_equal(g32(mbi + MBI_MMAP_LENGTH),
			 map.n * MULTIBOOT_MMAP_ENTRY);
	mm = g32(mbi + MBI_MMAP_ADDR);
	assert_true(mm >= MULTIBOOT_INFO_GPA && mm < MULTIBOOT_INFO_END);
	for (i = 0; i < map.n; i++) {
		uint64_t r = mm + MULTIBOOT_MMAP_ENTRY * i;

		assert_int_equal(g32(r), 20);
		assert_true(g64(r + 4) == map.e[i].addr);
		assert_true(g64(r + 12) == map.e[i].size);
		assert_int_equal(g32(r + 20), map.e[i].type);
	}
	/* The module: page-aligned after the kernel, bytes and string. */
	assert_int_equal(g32(mbi + MBI_MODS_COUNT), 1);
	ml = g32(mbi + MBI_MODS_ADDR);
	assert_true(g32(ml) % PAGE == 0 && g32(ml) >= e.kernel_end);
	assert_int_equal(g32(ml + 4) - g32(ml), sizeof(mod));
	assert_memory_equal(ram + g32(ml), mod, sizeof(mod));
	assert_string_equal((char *)ram + g32(ml + 8), "mod0 x=1");
	assert_true(e.mods_end == g32(ml + 4));
	/* The info area does not touch the kernel. */
	assert_false(overlaps(mbi, MULTIBOOT_INFO_SIZE, e.kernel_start,
			      e.kernel_end - e.kernel_start));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_header),
		cmocka_unit_test_setup_teardown(test_real_boot_params, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_real_kernel_placement,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_initrd, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_real_limits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_real_entry64, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_real_entry32, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mb_hello_header, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mb_hello_load, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mb_hello_info, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("loaders_real", tests, group_setup,
					   group_teardown);
}
