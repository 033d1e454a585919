/*
 * vm/linux_boot.h - the Linux x86 boot protocol for a bzImage
 * (Documentation/arch/x86/boot.rst, protocol 2.06 and later; the zero page
 * layout is Documentation/arch/x86/zero-page.rst).
 *
 * The caller owns every buffer: the image, the command line and the initrd
 * stay in host memory and are copied into the guest through the hw_env's
 * bounds-checked memory functions. Every field read from the image is
 * validated; a malformed image gets -ENOEXEC (not a bzImage we can boot)
 * or -EINVAL (inconsistent header), or -ENOMEM (does not fit the RAM),
 * with a reason string in *why.
 *
 * Use:
 *   e820_build_pc(&map, ram);
 *   linux_load(env, &args, &entry, &why);
 *   linux_entry_state(env, &entry, entry.long_mode, LINUX_TABLES_GPA, &st);
 *   ...then the vCPU backend loads st.
 */
#ifndef KEEL_VM_LINUX_BOOT_H
#define KEEL_VM_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/hw_env.h"  /* struct hw_env */
#include "vm/bootcpu.h" /* struct bootcpu_state */
#include "vm/e820.h"    /* struct e820_table */

/* Default guest layout below 1 MiB (all inside the pc map's low RAM). */
#define LINUX_TABLES_GPA      0x1000ULL  /* GDT; page tables at +0x1000 */
#define LINUX_BOOT_PARAMS_GPA 0x9000ULL  /* the zero page */
#define LINUX_CMDLINE_GPA     0x20000ULL /* up to 0x9fc00 */

#define LINUX_MIN_VERSION 0x0206
#define LINUX_DEFAULT_LOAD 0x100000ULL

/* The parsed setup header (boot.rst "THE REAL-MODE KERNEL HEADER"). */
struct linux_header {
	uint16_t version;
	uint8_t setup_sects;       /* 0 already replaced by 4 */
	uint8_t loadflags;
	uint32_t syssize;          /* 16-byte paragraphs */
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint8_t relocatable_kernel;
	uint16_t xloadflags;
	uint32_t cmdline_size;
	uint64_t pref_address;     /* 0 before 2.10 */
	uint32_t init_size;        /* 0 before 2.10 */
	size_t hdr_end;            /* 0x202 + byte at 0x201 */
	size_t kernel_off;         /* (setup_sects + 1) * 512 */
	size_t kernel_len;         /* protected-mode part in the file */
};

#define LINUX_LOADED_HIGH    0x01 /* loadflags bit 0 */
#define LINUX_XLF_KERNEL_64  0x01 /* xloadflags bit 0 */

struct linux_load_args {
	const uint8_t *image;
	size_t image_len;
	const char *cmdline;       /* NULL: empty */
	const uint8_t *initrd;     /* NULL or initrd_len 0: none */
	size_t initrd_len;
	const struct e820_table *e820;
	uint64_t boot_params_gpa;  /* 0: LINUX_BOOT_PARAMS_GPA */
	uint64_t cmdline_gpa;      /* 0: LINUX_CMDLINE_GPA */
};

/*
 * Where to enter. The 64-bit entry (only when long_mode) needs long mode
 * with identity-mapped page tables covering the kernel, zero page and
 * command line (bootcpu_write_identity_pt) and a GDT with __BOOT_CS and
 * __BOOT_DS. The 32-bit alternative is always there: EIP = code32_start,
 * ESI = boot_params, flat __BOOT_CS/__BOOT_DS, paging off, EBP = EDI =
 * EBX = 0 (boot.rst "32-bit BOOT PROTOCOL").
 */
struct linux_entry {
	bool long_mode;            /* XLF_KERNEL_64: 64-bit entry available */
	uint64_t rip;              /* kernel_addr + 0x200 */
	uint64_t rsi;              /* boot_params */
	uint32_t code32_start;
	uint32_t esi;
	uint64_t kernel_addr;      /* where the protected-mode kernel went */
	uint64_t kernel_end;       /* kernel_addr + max(init_size, len) */
	uint64_t cmdline_addr;
	uint64_t initrd_addr;      /* 0 when no initrd */
	uint64_t initrd_size;
};

/* Parse and validate the setup header of a bzImage. 0 or -errno. */
int linux_parse(const uint8_t *image, size_t len, struct linux_header *h,
		const char **why);

/* Load the kernel, initrd, command line and zero page. 0 or -errno. */
int linux_load(const struct hw_env *env, const struct linux_load_args *a,
	       struct linux_entry *out, const char **why);

/*
 * Write the GDT (at tables_gpa) and, for the 64-bit entry, the identity
 * page tables (at tables_gpa + 0x1000, BOOTCPU_PT_SIZE bytes), and fill
 * the vCPU state for the chosen entry. 0 or -errno.
 */
int linux_entry_state(const struct hw_env *env, const struct linux_entry *le,
		      bool use_64, uint64_t tables_gpa,
		      struct bootcpu_state *st);

#endif
