/*
 * vm/linux_boot.c - load a bzImage with the Linux x86 boot protocol.
 *
 * Spec: Documentation/arch/x86/boot.rst, sections "THE REAL-MODE KERNEL
 * HEADER", "DETAILS OF HEADER FIELDS", "LOADING THE REST OF THE KERNEL",
 * "32-bit BOOT PROTOCOL" and "64-bit BOOT PROTOCOL"; zero page offsets
 * from Documentation/arch/x86/zero-page.rst.
 */
#include "vm/linux_boot.h"

#include <errno.h>  /* EINVAL, ENOEXEC, ENOMEM */
#include <string.h> /* strlen */

/* Setup header offsets in the image file and in boot_params. */
#define HDR_START          0x1f1
#define HDR_SETUP_SECTS    0x1f1
#define HDR_SYSSIZE        0x1f4
#define HDR_BOOT_FLAG      0x1fe
#define HDR_JUMP           0x200
#define HDR_HEADER         0x202
#define HDR_VERSION        0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS      0x211
#define HDR_CODE32_START   0x214
#define HDR_RAMDISK_IMAGE  0x218
#define HDR_RAMDISK_SIZE   0x21c
#define HDR_CMD_LINE_PTR   0x228
#define HDR_INITRD_MAX     0x22c
#define HDR_KERNEL_ALIGN   0x230
#define HDR_RELOCATABLE    0x234
#define HDR_XLOADFLAGS     0x236
#define HDR_CMDLINE_SIZE   0x238
#define HDR_PREF_ADDRESS   0x258
#define HDR_INIT_SIZE      0x260
#define HDR_MAX_END        0x290 /* boot_params: hdr ends before 0x290 */

/* Zero page fields outside the setup header. */
#define BP_SIZE            4096
#define BP_E820_ENTRIES    0x1e8
#define BP_E820_TABLE      0x2d0
#define BP_E820_MAX        128

#define HDRS_MAGIC 0x53726448 /* "HdrS" */
#define LOADER_UNDEFINED 0xff /* type_of_loader: no assigned ID */
#define PAGE 0x1000ULL

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}

static int fail(const char **why, const char *reason, int err)
{
	if (why)
		*why = reason;
	return err;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int linux_parse(const uint8_t *img, size_t len, struct linux_header *h,
		const char **why)
{
	size_t need;

	memset(h, 0, sizeof(*h));
	if (!img || len < 0x400)
		return fail(why, "image too small for a boot sector and setup "
			    "header", -ENOEXEC);
	if (rd16(img + HDR_BOOT_FLAG) != 0xaa55)
		return fail(why, "no boot sector magic 0xaa55 at 0x1fe",
			    -ENOEXEC);
	if (rd32(img + HDR_HEADER) != HDRS_MAGIC)
		return fail(why, "no \"HdrS\" at 0x202: not a bzImage "
			    "(protocol < 2.00)", -ENOEXEC);
	h->version = rd16(img + HDR_VERSION);
	if (h->version < LINUX_MIN_VERSION)
		return fail(why, "boot protocol older than 2.06 is not "
			    "supported", -ENOEXEC);

	/* The header ends at 0x202 + the jump's displacement byte. */
	h->hdr_end = 0x202 + (size_t)img[HDR_JUMP + 1];
	need = h->version >= 0x020a ? HDR_INIT_SIZE + 4 : HDR_CMDLINE_SIZE + 4;
	if (h->hdr_end < need || h->hdr_end > HDR_MAX_END)
		return fail(why, "setup header length does not match its "
			    "protocol version", -EINVAL);

	h->setup_sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
	h->kernel_off = ((size_t)h->setup_sects + 1) * 512;
	if (h->kernel_off >= len)
		return fail(why, "truncated image: setup sectors run past "
			    "the end", -EINVAL);
	h->kernel_len = len - h->kernel_off;
	h->syssize = rd32(img + HDR_SYSSIZE);
	if ((uint64_t)h->syssize * 16 > h->kernel_len)
		return fail(why, "truncated image: syssize is larger than "
			    "the protected-mode part", -EINVAL);

	h->loadflags = img[HDR_LOADFLAGS];
	if (!(h->loadflags & LINUX_LOADED_HIGH))
		return fail(why, "kernel is not LOADED_HIGH (zImage)",
			    -ENOEXEC);
	h->initrd_addr_max = rd32(img + HDR_INITRD_MAX);
	if (!h->initrd_addr_max)
		h->initrd_addr_max = 0x37ffffff; /* boot.rst default */
	h->kernel_alignment = rd32(img + HDR_KERNEL_ALIGN);
	h->relocatable_kernel = img[HDR_RELOCATABLE];
	if (h->relocatable_kernel &&
	    (!h->kernel_alignment ||
	     (h->kernel_alignment & (h->kernel_alignment - 1))))
		return fail(why, "kernel_alignment is not a power of two",
			    -EINVAL);
	h->xloadflags = rd16(img + HDR_XLOADFLAGS);
	h->cmdline_size = rd32(img + HDR_CMDLINE_SIZE);
	if (h->version >= 0x020a) {
		h->pref_address = rd64(img + HDR_PREF_ADDRESS);
		h->init_size = rd32(img + HDR_INIT_SIZE);
	}
	return 0;
}

/* Zero len bytes of guest memory in small chunks (no big buffers). */
static int mem_zero(const struct hw_env *env, uint64_t gpa, uint64_t len)
{
	static const uint8_t zero[256];
	int err;

	while (len) {
		size_t n = len < sizeof(zero) ? (size_t)len : sizeof(zero);

		err = hw_mem_write(env, gpa, zero, n);
		if (err)
			return err;
		gpa += n;
		len -= n;
	}
	return 0;
}

/* Pick the load address: pref_address, else 1 MiB; relocatable fallback. */
static int place_kernel(const struct linux_header *h,
			const struct e820_table *map, uint64_t need,
			uint64_t *addr)
{
	uint64_t a = h->pref_address ? h->pref_address : LINUX_DEFAULT_LOAD;

	if (a + need <= 0x100000000ULL && e820_is_ram(map, a, need)) {
		*addr = a;
		return 0;
	}
	if (!h->relocatable_kernel)
		return -ENOMEM;
	a = (LINUX_DEFAULT_LOAD + h->kernel_alignment - 1) &
	    ~((uint64_t)h->kernel_alignment - 1);
	if (a + need > 0x100000000ULL || !e820_is_ram(map, a, need))
		return -ENOMEM;
	*addr = a;
	return 0;
}

/* Highest page-aligned spot for the initrd (boot.rst "initrd_addr_max"). */
static int place_initrd(const struct linux_header *h,
			const struct e820_table *map, uint64_t kernel_end,
			uint64_t size, uint64_t *addr)
{
	uint64_t top = (uint64_t)h->initrd_addr_max + 1;
	uint64_t ram_top = e820_ram_end(map, kernel_end - 1, top);

	if (ram_top < top)
		top = ram_top;
	if (size > top)
		return -ENOMEM;
	*addr = (top - size) & ~(PAGE - 1);
	if (*addr < kernel_end)
		return -ENOMEM;
	return 0;
}

/* Fill the zero page: header copy, loader fields, e820 (zero-page.rst). */
static int write_boot_params(const struct hw_env *env,
			     const struct linux_load_args *a,
			     const struct linux_header *h,
			     const struct linux_entry *le)
{
	uint64_t bp = le->rsi;
	uint8_t buf[20 * 8];
	unsigned int i, n = a->e820->n;
	int err;

	if (n > BP_E820_MAX)
		return -EINVAL;
	err = mem_zero(env, bp, BP_SIZE);
	if (!err)
		err = hw_mem_write(env, bp + HDR_START, a->image + HDR_START,
				   h->hdr_end - HDR_START);
	if (err)
		return err;

	buf[0] = LOADER_UNDEFINED;
	if ((err = hw_mem_write(env, bp + HDR_TYPE_OF_LOADER, buf, 1)))
		return err;
	wr32(buf, le->code32_start);
	wr32(buf + 4, (uint32_t)le->initrd_addr);
	wr32(buf + 8, (uint32_t)le->initrd_size);
	if ((err = hw_mem_write(env, bp + HDR_CODE32_START, buf, 12)))
		return err;
	wr32(buf, (uint32_t)le->cmdline_addr);
	if ((err = hw_mem_write(env, bp + HDR_CMD_LINE_PTR, buf, 4)))
		return err;

	buf[0] = (uint8_t)n;
	if ((err = hw_mem_write(env, bp + BP_E820_ENTRIES, buf, 1)))
		return err;
	for (i = 0; i < n; i++) {
		uint8_t *e = buf + 20 * (i % 8);

		wr64(e, a->e820->e[i].addr);
		wr64(e + 8, a->e820->e[i].size);
		wr32(e + 16, a->e820->e[i].type);
		if (i % 8 == 7 || i == n - 1) {
			unsigned int first = i - i % 8;

			err = hw_mem_write(env, bp + BP_E820_TABLE + 20 * first,
					   buf, 20 * (i % 8 + 1));
			if (err)
				return err;
		}
	}
	return 0;
}

int linux_load(const struct hw_env *env, const struct linux_load_args *a,
	       struct linux_entry *out, const char **why)
{
	struct linux_header h;
	const char *cmdline = a->cmdline ? a->cmdline : "";
	uint64_t need, cl_len;
	int err;

	memset(out, 0, sizeof(*out));
	if (!a->e820 || !a->e820->n)
		return fail(why, "no e820 map", -EINVAL);
	err = linux_parse(a->image, a->image_len, &h, why);
	if (err)
		return err;

	out->rsi = a->boot_params_gpa ? a->boot_params_gpa
				      : LINUX_BOOT_PARAMS_GPA;
	out->cmdline_addr = a->cmdline_gpa ? a->cmdline_gpa : LINUX_CMDLINE_GPA;
	cl_len = strlen(cmdline);
	if (cl_len > h.cmdline_size)
		return fail(why, "command line is longer than the kernel's "
			    "cmdline_size", -EINVAL);
	if (!e820_is_ram(a->e820, out->rsi, BP_SIZE) ||
	    !e820_is_ram(a->e820, out->cmdline_addr, cl_len + 1) ||
	    out->cmdline_addr + cl_len + 1 > 0x100000000ULL ||
	    overlaps(out->rsi, BP_SIZE, out->cmdline_addr, cl_len + 1))
		return fail(why, "zero page or command line not in free RAM",
			    -EINVAL);

	need = h.kernel_len > h.init_size ? h.kernel_len : h.init_size;
	if (place_kernel(&h, a->e820, need, &out->kernel_addr))
		return fail(why, "kernel (with init_size) does not fit in RAM",
			    -ENOMEM);
	out->kernel_end = out->kernel_addr + need;
	if (overlaps(out->kernel_addr, need, out->rsi, BP_SIZE) ||
	    overlaps(out->kernel_addr, need, out->cmdline_addr, cl_len + 1))
		return fail(why, "kernel overlaps the zero page or command "
			    "line", -EINVAL);

	if (a->initrd && a->initrd_len) {
		out->initrd_size = a->initrd_len;
		if (a->initrd_len > 0xffffffffULL ||
		    place_initrd(&h, a->e820, out->kernel_end, a->initrd_len,
				 &out->initrd_addr))
			return fail(why, "initrd does not fit between the kernel "
				    "and initrd_addr_max / end of RAM",
				    -ENOMEM);
	}

	out->long_mode = h.xloadflags & LINUX_XLF_KERNEL_64;
	out->rip = out->kernel_addr + 0x200;
	out->code32_start = (uint32_t)out->kernel_addr;
	out->esi = (uint32_t)out->rsi;

	err = hw_mem_write(env, out->kernel_addr, a->image + h.kernel_off,
			   h.kernel_len);
	if (!err && out->initrd_size)
		err = hw_mem_write(env, out->initrd_addr, a->initrd,
				   a->initrd_len);
	if (!err)
		err = hw_mem_write(env, out->cmdline_addr, cmdline, cl_len + 1);
	if (!err)
		err = write_boot_params(env, a, &h, out);
	if (err)
		return fail(why, "guest memory write failed", err);
	return 0;
}

int linux_entry_state(const struct hw_env *env, const struct linux_entry *le,
		      bool use_64, uint64_t tables_gpa,
		      struct bootcpu_state *st)
{
	int err;

	memset(st, 0, sizeof(*st));
	if (use_64 && !le->long_mode)
		return -ENOEXEC;
	err = bootcpu_write_gdt(env, tables_gpa, use_64, st);
	if (err)
		return err;
	if (use_64) {
		err = bootcpu_write_identity_pt(env, tables_gpa + PAGE, st);
		if (err)
			return err;
		st->rip = le->rip;
		st->rsi = le->rsi;
	} else {
		bootcpu_set_protected32(st);
		st->rip = le->code32_start;
		st->rsi = le->esi;
	}
	return 0;
}
