/*
 * vm/multiboot.h - Multiboot 1 loader (GNU Multiboot Specification
 * version 0.6.96), for test kernels.
 *
 * Kernels are ELF32 (or ELF64 with an entry below 4 GiB), or any image
 * with the a.out kludge (header flag 16). The info structure, its memory
 * map, command line, module list and strings go to a caller-chosen area
 * in low memory; modules go page-aligned after the kernel. Buffers are the
 * caller's; all guest writes go through the hw_env. Bad images return
 * -ENOEXEC / -EINVAL (-ENOMEM when they do not fit) with a reason in *why.
 */
#ifndef KEEL_VM_MULTIBOOT_H
#define KEEL_VM_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/hw_env.h"  /* struct hw_env */
#include "vm/bootcpu.h" /* struct bootcpu_state */
#include "vm/e820.h"    /* struct e820_table */

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002 /* spec 3.1.2 */
#define MULTIBOOT_BOOT_MAGIC   0x2BADB002 /* EAX at entry, spec 3.2 */
#define MULTIBOOT_SEARCH       8192

/* Header flags (spec 3.1.2). Bits 0-15 are requirements. */
#define MULTIBOOT_PAGE_ALIGN  (1u << 0)
#define MULTIBOOT_MEMORY_INFO (1u << 1)
#define MULTIBOOT_VIDEO_MODE  (1u << 2)
#define MULTIBOOT_AOUT_KLUDGE (1u << 16)

/* Info flags (spec 3.3). */
#define MULTIBOOT_INFO_MEMORY      (1u << 0)
#define MULTIBOOT_INFO_CMDLINE     (1u << 2)
#define MULTIBOOT_INFO_MODS        (1u << 3)
#define MULTIBOOT_INFO_MMAP        (1u << 6)
#define MULTIBOOT_INFO_LOADER_NAME (1u << 9)

/* Info structure offsets (spec 3.3). */
#define MULTIBOOT_INFO_SIZE  0x80 /* room up to the framebuffer fields */
#define MBI_FLAGS        0
#define MBI_MEM_LOWER    4
#define MBI_MEM_UPPER    8
#define MBI_CMDLINE      16
#define MBI_MODS_COUNT   20
#define MBI_MODS_ADDR    24
#define MBI_MMAP_LENGTH  44
#define MBI_MMAP_ADDR    48
#define MBI_LOADER_NAME  64

#define MULTIBOOT_MMAP_ENTRY 24 /* size, base_addr, length, type */
#define MULTIBOOT_MOD_ENTRY  16 /* mod_start, mod_end, string, reserved */

/* Default info area: low RAM, clear of the IVT/BDA and of the EBDA. */
#define MULTIBOOT_INFO_GPA 0x10000ULL
#define MULTIBOOT_INFO_END 0x90000ULL

#define MULTIBOOT_MAX_MODULES 32

struct multiboot_header {
	size_t offset;             /* of the header in the image */
	uint32_t flags;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
	uint32_t entry_addr;       /* the a.out kludge fields (flag 16) */
};

struct multiboot_module {
	const uint8_t *data;
	size_t len;
	const char *cmdline;       /* NULL: empty string */
};

struct multiboot_load_args {
	const uint8_t *image;
	size_t image_len;
	const char *cmdline;       /* NULL: empty */
	const struct multiboot_module *modules;
	unsigned int n_modules;
	const struct e820_table *e820;
	uint64_t info_gpa, info_end; /* 0: MULTIBOOT_INFO_GPA / _END */
};

struct multiboot_entry {
	uint32_t eax;              /* MULTIBOOT_BOOT_MAGIC */
	uint32_t ebx;              /* info structure */
	uint32_t eip;
	uint64_t kernel_start, kernel_end; /* loaded range incl. bss */
	uint64_t mods_end;         /* end of the last module (or kernel) */
};

/* Find and check the header in the first 8 KiB. 0 or -errno. */
int multiboot_find_header(const uint8_t *image, size_t len,
			  struct multiboot_header *h, const char **why);

/* Load the kernel and modules and build the info structure. */
int multiboot_load(const struct hw_env *env,
		   const struct multiboot_load_args *a,
		   struct multiboot_entry *out, const char **why);

/* Flat 32-bit protected mode, paging off, EAX/EBX/EIP (spec 3.2). */
void multiboot_entry_state(const struct multiboot_entry *e,
			   struct bootcpu_state *st);

#endif
