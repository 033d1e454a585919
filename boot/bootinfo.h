/* What boot/ hands to kmain once boot services are gone. Everything it points
 * to sits in EfiLoaderData pages, which the frame allocator never hands out. */
#ifndef BOOT_BOOTINFO_H
#define BOOT_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>
#include "boot/config.h"

#define BOOT_MAX_FILES CONFIG_MAX_FILES

struct boot_file {
	const char *path; /* as named in keel.cfg */
	void *data;
	uint64_t size;
};

struct boot_info {
	uint64_t tsc_entry; /* TSC at efi_main entry: boot-time measurements */
	uint64_t image_base, image_size;
	void *mmap; /* UEFI memory map as returned by GetMemoryMap */
	uint64_t mmap_size, mmap_desc_size;
	uint64_t rsdp; /* physical address, 0 if none */
	uint64_t trampoline; /* one page below 1 MiB for the AP start-up code */
	void *heap; /* newlib's sbrk arena */
	uint64_t heap_size;
	const char *source; /* "esp" or "tftp://a.b.c.d/" */
	struct keel_config cfg;
	int nfiles;
	struct boot_file files[BOOT_MAX_FILES];
};

void kmain(struct boot_info *bi) __attribute__((noreturn));

#endif
