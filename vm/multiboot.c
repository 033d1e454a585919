/*
 * vm/multiboot.c - Multiboot 1 loader.
 *
 * Spec: GNU Multiboot Specification 0.6.96, section 3.1 "OS image format"
 * (header, a.out kludge), 3.2 "Machine state", 3.3 "Boot information
 * format". ELF: System V ABI gABI, "ELF Header" and "Program Header"
 * (PT_LOAD; p_memsz beyond p_filesz is zero-filled).
 */
#include "vm/multiboot.h"

#include <errno.h>  /* EINVAL, ENOEXEC, ENOMEM */
#include <string.h> /* memset, strlen */

#define PAGE 0x1000ULL
#define FOUR_G 0x100000000ULL
#define MAX_PHDRS 64
#define PT_LOAD 1
#define EM_386 3
#define EM_X86_64 62
#define ET_EXEC 2

static const char loader_name[] = "keel";

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

int multiboot_find_header(const uint8_t *img, size_t len,
			  struct multiboot_header *h, const char **why)
{
	size_t off, lim = len < MULTIBOOT_SEARCH ? len : MULTIBOOT_SEARCH;
	bool bad_sum = false;

	memset(h, 0, sizeof(*h));
	for (off = 0; img && off + 12 <= lim; off += 4) {
		const uint8_t *p = img + off;
		uint32_t flags;

		if (rd32(p) != MULTIBOOT_HEADER_MAGIC)
			continue;
		flags = rd32(p + 4);
		if ((uint32_t)(MULTIBOOT_HEADER_MAGIC + flags + rd32(p + 8))) {
			bad_sum = true;
			continue;
		}
		/* Bits 0-15 are requirements; we meet 0 and 1 only. */
		if (flags & 0xffff & ~(MULTIBOOT_PAGE_ALIGN |
				       MULTIBOOT_MEMORY_INFO))
			return fail(why, "header requires a feature we do not "
				    "provide (video mode or unknown bit)",
				    -ENOEXEC);
		h->offset = off;
		h->flags = flags;
		if (flags & MULTIBOOT_AOUT_KLUDGE) {
			if (off + 32 > len)
				return fail(why, "truncated a.out kludge "
					    "fields", -EINVAL);
			h->header_addr = rd32(p + 12);
			h->load_addr = rd32(p + 16);
			h->load_end_addr = rd32(p + 20);
			h->bss_end_addr = rd32(p + 24);
			h->entry_addr = rd32(p + 28);
		}
		return 0;
	}
	return fail(why, bad_sum ? "multiboot header checksum is wrong"
			 : "no multiboot header in the first 8 KiB", -ENOEXEC);
}

static int mem_zero(const struct hw_env *env, uint64_t gpa, uint64_t len)
{
	static const uint8_t zero[256];
	int err;

	while (len) {
		size_t n = len < sizeof(zero) ? (size_t)len : sizeof(zero);

		if ((err = hw_mem_write(env, gpa, zero, n)))
			return err;
		gpa += n;
		len -= n;
	}
	return 0;
}

/* A region the kernel will occupy: in RAM, below 4G, clear of the info. */
static bool region_ok(const struct multiboot_load_args *a, uint64_t info,
		      uint64_t info_end, uint64_t addr, uint64_t size)
{
	if (!size)
		return true;
	return addr + size <= FOUR_G && e820_is_ram(a->e820, addr, size) &&
	       !overlaps(addr, size, info, info_end - info);
}

/* a.out kludge (spec 3.1.3): addresses straight from the header. */
static int load_kludge(const struct hw_env *env,
		       const struct multiboot_load_args *a,
		       const struct multiboot_header *h, uint64_t info,
		       uint64_t info_end, struct multiboot_entry *out,
		       const char **why)
{
	uint64_t back = (uint64_t)h->header_addr - h->load_addr;
	uint64_t file_off, size, end, bss_end;
	int err;

	if (h->load_addr > h->header_addr || back > h->offset)
		return fail(why, "a.out kludge: load_addr does not lead to "
			    "data in the file", -EINVAL);
	file_off = h->offset - back;
	size = a->image_len - file_off;
	if (h->load_end_addr) {
		if (h->load_end_addr < h->load_addr ||
		    h->load_end_addr - h->load_addr > size)
			return fail(why, "a.out kludge: load_end_addr past the "
				    "end of the file", -EINVAL);
		size = h->load_end_addr - h->load_addr;
	}
	end = h->load_addr + size;
	bss_end = h->bss_end_addr ? h->bss_end_addr : end;
	if (bss_end < end)
		return fail(why, "a.out kludge: bss_end_addr below "
			    "load_end_addr", -EINVAL);
	if (h->entry_addr < h->load_addr || h->entry_addr >= bss_end)
		return fail(why, "a.out kludge: entry outside the image",
			    -EINVAL);
	if (!region_ok(a, info, info_end, h->load_addr, bss_end - h->load_addr))
		return fail(why, "kernel not in free RAM below 4 GiB",
			    -ENOMEM);
	err = hw_mem_write(env, h->load_addr, a->image + file_off, size);
	if (!err)
		err = mem_zero(env, end, bss_end - end);
	if (err)
		return fail(why, "guest memory write failed", err);
	out->eip = h->entry_addr;
	out->kernel_start = h->load_addr;
	out->kernel_end = bss_end;
	return 0;
}

struct phdr {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static void read_phdr(const uint8_t *p, bool is64, struct phdr *ph)
{
	ph->type = rd32(p);
	if (is64) {
		ph->offset = rd64(p + 8);
		ph->vaddr = rd64(p + 16);
		ph->paddr = rd64(p + 24);
		ph->filesz = rd64(p + 32);
		ph->memsz = rd64(p + 40);
	} else {
		ph->offset = rd32(p + 4);
		ph->vaddr = rd32(p + 8);
		ph->paddr = rd32(p + 12);
		ph->filesz = rd32(p + 16);
		ph->memsz = rd32(p + 20);
	}
}

/* ELF32/ELF64: every PT_LOAD at p_paddr, checked before anything is written. */
static int load_elf(const struct hw_env *env,
		    const struct multiboot_load_args *a, uint64_t info,
		    uint64_t info_end, struct multiboot_entry *out,
		    const char **why)
{
	const uint8_t *img = a->image;
	uint64_t entry, phoff, lo = ~0ULL, hi = 0, phys_entry = ~0ULL;
	unsigned int i, phnum, phentsize;
	bool is64;
	int pass, err;

	if (a->image_len < 64 || rd32(img) != 0x464c457f)
		return fail(why, "not ELF and no a.out kludge (flag 16)",
			    -ENOEXEC);
	is64 = img[4] == 2;
	if ((img[4] != 1 && !is64) || img[5] != 1)
		return fail(why, "ELF: not little-endian ELF32/ELF64",
			    -ENOEXEC);
	if (rd16(img + 16) != ET_EXEC ||
	    rd16(img + 18) != (is64 ? EM_X86_64 : EM_386))
		return fail(why, "ELF: not an x86 executable", -ENOEXEC);
	entry = is64 ? rd64(img + 24) : rd32(img + 24);
	phoff = is64 ? rd64(img + 32) : rd32(img + 28);
	phentsize = rd16(img + (is64 ? 54 : 42));
	phnum = rd16(img + (is64 ? 56 : 44));
	if (phentsize != (is64 ? 56u : 32u) || !phnum || phnum > MAX_PHDRS ||
	    phoff > a->image_len ||
	    (uint64_t)phnum * phentsize > a->image_len - phoff)
		return fail(why, "ELF: bad program header table", -EINVAL);

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < phnum; i++) {
			struct phdr ph;

			read_phdr(img + phoff + (uint64_t)i * phentsize, is64,
				  &ph);
			if (ph.type != PT_LOAD || !ph.memsz)
				continue;
			if (pass == 1) {
				err = hw_mem_write(env, ph.paddr,
						   img + ph.offset, ph.filesz);
				if (!err)
					err = mem_zero(env,
						       ph.paddr + ph.filesz,
						       ph.memsz - ph.filesz);
				if (err)
					return fail(why, "guest memory write "
						    "failed", err);
				continue;
			}
			if (ph.filesz > ph.memsz || ph.offset > a->image_len ||
			    ph.filesz > a->image_len - ph.offset)
				return fail(why, "ELF: PT_LOAD runs past the "
					    "end of the file", -EINVAL);
			if (ph.paddr >= FOUR_G ||
			    !region_ok(a, info, info_end, ph.paddr, ph.memsz))
				return fail(why, "ELF: PT_LOAD not in free RAM "
					    "below 4 GiB", -ENOMEM);
			if (ph.paddr < lo)
				lo = ph.paddr;
			if (ph.paddr + ph.memsz > hi)
				hi = ph.paddr + ph.memsz;
			/* Entry given as a virtual address: translate. */
			if (entry >= ph.vaddr && entry - ph.vaddr < ph.memsz)
				phys_entry = ph.paddr + (entry - ph.vaddr);
		}
		if (pass == 0 && (hi == 0 || phys_entry >= FOUR_G))
			return fail(why, hi ? "ELF: entry point not inside a "
				    "PT_LOAD below 4 GiB" : "ELF: no PT_LOAD "
				    "segment", -EINVAL);
	}
	out->eip = (uint32_t)phys_entry;
	out->kernel_start = lo;
	out->kernel_end = hi;
	return 0;
}

/* Copy a NUL-terminated string into the info area; advance *cur. */
static int put_string(const struct hw_env *env, const char *s, uint64_t *cur,
		      uint64_t end, uint32_t *addr)
{
	uint64_t n = strlen(s) + 1;

	if (n > end - *cur)
		return -ENOMEM;
	*addr = (uint32_t)*cur;
	*cur += n;
	return hw_mem_write(env, *addr, s, n);
}

/* Modules after the kernel, page aligned (spec 3.3 "mods_addr"). */
static int load_modules(const struct hw_env *env,
			const struct multiboot_load_args *a, uint64_t info,
			uint64_t info_end, uint64_t mods_addr, uint64_t *cur,
			struct multiboot_entry *out, const char **why)
{
	uint64_t next = out->kernel_end;
	uint8_t ent[MULTIBOOT_MOD_ENTRY];
	unsigned int i;
	int err;

	for (i = 0; i < a->n_modules; i++) {
		const struct multiboot_module *m = &a->modules[i];
		uint64_t at = (next + PAGE - 1) & ~(PAGE - 1);
		uint32_t str;

		if (!m->data && m->len)
			return fail(why, "module without data", -EINVAL);
		if (m->len > FOUR_G || !region_ok(a, info, info_end, at, m->len) ||
		    at + m->len > FOUR_G)
			return fail(why, "modules do not fit in RAM below "
				    "4 GiB", -ENOMEM);
		err = put_string(env, m->cmdline ? m->cmdline : "", cur,
				 info_end, &str);
		if (err)
			return fail(why, "info area too small for module "
				    "strings", err);
		if (m->len && (err = hw_mem_write(env, at, m->data, m->len)))
			return fail(why, "guest memory write failed", err);
		wr32(ent, (uint32_t)at);
		wr32(ent + 4, (uint32_t)(at + m->len));
		wr32(ent + 8, str);
		wr32(ent + 12, 0);
		err = hw_mem_write(env, mods_addr + i * MULTIBOOT_MOD_ENTRY,
				   ent, sizeof(ent));
		if (err)
			return fail(why, "guest memory write failed", err);
		next = at + m->len;
	}
	out->mods_end = next;
	return 0;
}

int multiboot_load(const struct hw_env *env,
		   const struct multiboot_load_args *a,
		   struct multiboot_entry *out, const char **why)
{
	struct multiboot_header h;
	uint64_t info = a->info_gpa ? a->info_gpa : MULTIBOOT_INFO_GPA;
	uint64_t info_end = a->info_end ? a->info_end : MULTIBOOT_INFO_END;
	uint64_t mmap_addr, mods_addr, cur;
	uint8_t mbi[MULTIBOOT_INFO_SIZE] = { 0 };
	uint8_t ent[MULTIBOOT_MMAP_ENTRY];
	uint32_t str, flags;
	unsigned int i, n;
	int err;

	memset(out, 0, sizeof(*out));
	if (!a->e820 || !a->e820->n)
		return fail(why, "no e820 map", -EINVAL);
	if (a->n_modules > MULTIBOOT_MAX_MODULES ||
	    (a->n_modules && !a->modules))
		return fail(why, "too many modules", -EINVAL);
	n = a->e820->n;
	if (info & 3 || info_end <= info || info_end > FOUR_G ||
	    !e820_is_ram(a->e820, info, info_end - info))
		return fail(why, "info area not in RAM", -EINVAL);
	mmap_addr = info + MULTIBOOT_INFO_SIZE;
	mods_addr = mmap_addr + (uint64_t)n * MULTIBOOT_MMAP_ENTRY;
	cur = mods_addr + (uint64_t)a->n_modules * MULTIBOOT_MOD_ENTRY;
	if (cur > info_end)
		return fail(why, "info area too small", -ENOMEM);

	err = multiboot_find_header(a->image, a->image_len, &h, why);
	if (err)
		return err;
	if (h.flags & MULTIBOOT_AOUT_KLUDGE)
		err = load_kludge(env, a, &h, info, info_end, out, why);
	else
		err = load_elf(env, a, info, info_end, out, why);
	if (err)
		return err;
	err = load_modules(env, a, info, info_end, mods_addr, &cur, out, why);
	if (err)
		return err;

	/* The memory map (spec 3.3 "mmap_*"): size excludes itself. */
	for (i = 0; i < n; i++) {
		const struct e820_entry *e = &a->e820->e[i];

		wr32(ent, MULTIBOOT_MMAP_ENTRY - 4);
		wr32(ent + 4, (uint32_t)e->addr);
		wr32(ent + 8, (uint32_t)(e->addr >> 32));
		wr32(ent + 12, (uint32_t)e->size);
		wr32(ent + 16, (uint32_t)(e->size >> 32));
		wr32(ent + 20, e->type);
		err = hw_mem_write(env, mmap_addr + i * MULTIBOOT_MMAP_ENTRY,
				   ent, sizeof(ent));
		if (err)
			return fail(why, "guest memory write failed", err);
	}

	flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE |
		MULTIBOOT_INFO_MODS | MULTIBOOT_INFO_MMAP |
		MULTIBOOT_INFO_LOADER_NAME;
	wr32(mbi + MBI_FLAGS, flags);
	wr32(mbi + MBI_MEM_LOWER, e820_lower_kib(a->e820));
	wr32(mbi + MBI_MEM_UPPER, e820_upper_kib(a->e820));
	wr32(mbi + MBI_MODS_COUNT, a->n_modules);
	wr32(mbi + MBI_MODS_ADDR, (uint32_t)mods_addr);
	wr32(mbi + MBI_MMAP_LENGTH, n * MULTIBOOT_MMAP_ENTRY);
	wr32(mbi + MBI_MMAP_ADDR, (uint32_t)mmap_addr);
	if ((err = put_string(env, a->cmdline ? a->cmdline : "", &cur,
			      info_end, &str)))
		return fail(why, "info area too small for the command line",
			    err);
	wr32(mbi + MBI_CMDLINE, str);
	if ((err = put_string(env, loader_name, &cur, info_end, &str)))
		return fail(why, "info area too small", err);
	wr32(mbi + MBI_LOADER_NAME, str);
	if ((err = hw_mem_write(env, info, mbi, sizeof(mbi))))
		return fail(why, "guest memory write failed", err);

	out->eax = MULTIBOOT_BOOT_MAGIC;
	out->ebx = (uint32_t)info;
	return 0;
}

void multiboot_entry_state(const struct multiboot_entry *e,
			   struct bootcpu_state *st)
{
	memset(st, 0, sizeof(*st));
	bootcpu_set_protected32(st);
	st->rip = e->eip;
	st->rax = e->eax;
	st->rbx = e->ebx;
}
