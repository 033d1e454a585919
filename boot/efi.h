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
	EFI_IP_ADDRESS server;
	int no_udp; /* the PXE base code's UdpWrite/UdpRead failed: use Mtftp */
	char dir[128]; /* directory of the boot file on the TFTP server */
	char name[64]; /* "esp" or "tftp://a.b.c.d/dir" */
};

int efi_source_open(EFI_HANDLE image, struct efi_source *src);

/* Progress of one file load: a "loading" line, then one per quarter, for
 * files of at least 1 MiB whose size is known. */
struct efi_progress {
	const char *path;
	uint64_t total, done;
	int shown; /* quarters already printed */
};
void efi_progress_start(struct efi_progress *p, uint64_t total);
void efi_progress_update(struct efi_progress *p);

/* efi_tftp.c: reads server:name by TFTP over the PXE base code's UDP calls
 * into fresh pages with one spare byte. Returns 0, -1 with *why set, or
 * EFI_TFTP_NO_UDP (with *why) if the firmware's UDP calls are unusable. */
#define EFI_TFTP_NO_UDP 1
int efi_tftp_read(EFI_PXE_BASE_CODE *pxe, const EFI_IP_ADDRESS *server, const char *name,
		  struct efi_progress *p, void **data, uint64_t *size, const char **why);
/* Reads a whole file into fresh pages. Returns 0 or -1 with *why set;
 * prints progress for large files. */
int efi_read_file(struct efi_source *src, const char *path, void **data, uint64_t *size,
		  const char **why, int quiet);

#endif
