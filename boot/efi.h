/* UEFI-phase helpers shared by boot/ files (valid only before ExitBootServices). */
#ifndef BOOT_EFI_H
#define BOOT_EFI_H

#include <efi.h>
#include <efilib.h>
#include <stddef.h>
#include <stdint.h>

extern EFI_SYSTEM_TABLE *efi_st;
extern EFI_BOOT_SERVICES *efi_bs;

/* Console sink before ExitBootServices: ConOut (serial and screen on OVMF). */
void efi_con_write(const char *s, size_t n);

/* Pages of EfiLoaderData: the frame allocator leaves these alone later. */
void *efi_alloc_pages(uint64_t bytes, uint64_t max_addr);

const char *efi_strerror(EFI_STATUS st);

/* A boot file source: the ESP through SimpleFileSystem, or TFTP through the
 * firmware's PXE base code when we were loaded from the network. */
struct efi_source {
	EFI_FILE_HANDLE root; /* ESP */
	EFI_PXE_BASE_CODE *pxe; /* PXE */
	EFI_HANDLE pxe_handle;
	EFI_IP_ADDRESS server;
	char dir[128]; /* directory of the boot file on the TFTP server */
	char name[64]; /* "esp" or "tftp://a.b.c.d/dir" */
};

int efi_source_open(EFI_HANDLE image, struct efi_source *src);
/* Reads a whole file into fresh pages. Returns 0 or -1 with *why set;
 * prints progress for large files. */
int efi_read_file(struct efi_source *src, const char *path, void **data, uint64_t *size,
		  const char **why, int quiet);

#endif
