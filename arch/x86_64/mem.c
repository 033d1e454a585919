/* The frame allocator's view of the UEFI memory map (UEFI 2.9 §7.2,
 * EFI_MEMORY_TYPE). Loader data holds our heap, boot files and this map;
 * runtime-services, ACPI and MMIO ranges are never touched. */
#include <stdlib.h>
#include "arch/x86_64/mem.h"
#include "boot/bootinfo.h"
#include "console/klog.h"

enum { EFI_LOADER_CODE = 1, EFI_LOADER_DATA = 2, EFI_BS_CODE = 3, EFI_BS_DATA = 4,
       EFI_CONVENTIONAL = 7 };

struct efi_md {
	uint32_t type, pad;
	uint64_t phys, virt, pages, attr;
};

struct frames frames;
uint64_t mem_top;
uint64_t mem_reserved_fw;

#define FOR_EACH_MD(bi, md)                                                              \
	for (const struct efi_md *md = (bi)->mmap;                                       \
	     (const char *)md < (const char *)(bi)->mmap + (bi)->mmap_size;              \
	     md = (const void *)((const char *)md + (bi)->mmap_desc_size))

void mem_init(struct boot_info *bi)
{
	uint64_t ram_top = 0;

	FOR_EACH_MD(bi, md) {
		uint64_t end = md->phys + md->pages * 4096;
		if (end > mem_top)
			mem_top = end;
		switch (md->type) {
		case EFI_CONVENTIONAL: case EFI_BS_CODE: case EFI_BS_DATA:
		case EFI_LOADER_CODE: case EFI_LOADER_DATA:
			if (end > ram_top)
				ram_top = end;
			break;
		default:
			mem_reserved_fw += md->pages * 4096;
		}
	}
	void *bm = malloc(frames_bitmap_bytes(ram_top));
	if (!bm) {
		klog(LOG_ERR, "mem: no heap for the frame bitmap");
		return;
	}
	frames_init(&frames, bm, ram_top);
	FOR_EACH_MD(bi, md)
		if (md->type == EFI_CONVENTIONAL)
			frames_add_free(&frames, md->phys, md->pages * 4096);
}

void mem_reclaim_boot_services(struct boot_info *bi)
{
	uint64_t n = 0;
	FOR_EACH_MD(bi, md)
		if (md->type == EFI_BS_CODE || md->type == EFI_BS_DATA) {
			frames_add_free(&frames, md->phys, md->pages * 4096);
			n += md->pages;
		}
	/* The AP trampoline page is loader data already; page 0 is never handed out. */
	klog(LOG_INFO, "mem: %llu MiB usable, %llu MiB reclaimed from boot services, %llu KiB kept for firmware",
	     (unsigned long long)(frames.total * 4096 >> 20), (unsigned long long)(n * 4096 >> 20),
	     (unsigned long long)(mem_reserved_fw >> 10));
}
