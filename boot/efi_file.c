/* Reading keel.cfg and the files it names from where keel was loaded:
 * the ESP (UEFI spec 2.9 §13.4 Simple File System) or the PXE server
 * (§24.3 PXE Base Code Protocol: our TFTP client in efi_tftp.c, or Mtftp). */
#include <string.h>
#include <stdio.h>
#include "boot/efi.h"
#include "console/klog.h"

#define PROGRESS_MIN (1u << 20) /* smaller files load without progress lines */
#define CHUNK (1u << 20)

void efi_progress_start(struct efi_progress *p, uint64_t total)
{
	p->total = total;
	if (total >= PROGRESS_MIN)
		klog(LOG_INFO, "boot: loading %s (%llu bytes)", p->path, (unsigned long long)total);
}

void efi_progress_update(struct efi_progress *p)
{
	if (p->total < PROGRESS_MIN)
		return;
	int q = (int)(p->done * 4 / p->total);
	while (p->shown < q && p->shown < 3) {
		p->shown++;
		klog(LOG_INFO, "boot: %s %d%%", p->path, p->shown * 25);
	}
}

static void pxe_setup(struct efi_source *src)
{
	EFI_PXE_BASE_CODE_MODE *m = src->pxe->Mode;
	EFI_PXE_BASE_CODE_PACKET *reply = &m->DhcpAck;
	uint8_t *ip;

	if (m->ProxyOfferReceived && !reply->Dhcpv4.BootpSiAddr[0])
		reply = &m->ProxyOffer;
	if (m->PxeReplyReceived)
		reply = &m->PxeReply;
	ip = reply->Dhcpv4.BootpSiAddr;
	memset(&src->server, 0, sizeof(src->server));
	memcpy(src->server.v4.Addr, ip, 4);

	/* keel.cfg lives beside the boot file on the server. */
	const char *bf = (const char *)reply->Dhcpv4.BootpBootFile;
	size_t n = strnlen(bf, sizeof(reply->Dhcpv4.BootpBootFile));
	const char *slash = NULL;
	for (size_t i = 0; i < n; i++)
		if (bf[i] == '/')
			slash = bf + i;
	src->dir[0] = 0;
	if (slash && (size_t)(slash - bf) + 2 < sizeof(src->dir)) {
		memcpy(src->dir, bf, (size_t)(slash - bf) + 1);
		src->dir[slash - bf + 1] = 0;
	}
	snprintf(src->name, sizeof(src->name), "tftp://%u.%u.%u.%u/%s", ip[0], ip[1], ip[2], ip[3],
		 src->dir);
}

int efi_source_open(EFI_HANDLE image, struct efi_source *src)
{
	EFI_LOADED_IMAGE *li;
	EFI_FILE_IO_INTERFACE *fs;
	EFI_STATUS st;

	memset(src, 0, sizeof(*src));
	st = uefi_call_wrapper(efi_bs->HandleProtocol, 3, image, &gEfiLoadedImageProtocolGuid,
			       (void **)&li);
	if (EFI_ERROR(st))
		return -1;
	st = uefi_call_wrapper(efi_bs->HandleProtocol, 3, li->DeviceHandle,
			       &gEfiPxeBaseCodeProtocolGuid, (void **)&src->pxe);
	if (!EFI_ERROR(st) && src->pxe->Mode && src->pxe->Mode->Started) {
		pxe_setup(src);
		return 0;
	}
	src->pxe = NULL;
	st = uefi_call_wrapper(efi_bs->HandleProtocol, 3, li->DeviceHandle,
			       &gEfiSimpleFileSystemProtocolGuid, (void **)&fs);
	if (EFI_ERROR(st))
		return -1;
	st = uefi_call_wrapper(fs->OpenVolume, 2, fs, &src->root);
	if (EFI_ERROR(st))
		return -1;
	strcpy(src->name, "esp");
	return 0;
}

/* Fallback for firmware whose UdpWrite/UdpRead fail: Mtftp gets the size,
 * then the file, with no progress on OVMF (it calls no PXE callback). */
static int read_mtftp(struct efi_source *src, char *name, void **data, uint64_t *size,
		      const char **why, struct efi_progress *p)
{
	UINT64 sz = 0;
	EFI_STATUS st;

	st = uefi_call_wrapper(src->pxe->Mtftp, 10, src->pxe, EFI_PXE_BASE_CODE_TFTP_GET_FILE_SIZE,
			       NULL, FALSE, &sz, NULL, &src->server, (UINT8 *)name, NULL, FALSE);
	if (EFI_ERROR(st)) {
		*why = efi_strerror(st);
		return -1;
	}
	efi_progress_start(p, sz);
	*data = efi_alloc_pages(sz + 1, 0);
	if (!*data) {
		*why = "out of memory";
		return -1;
	}
	UINT64 got = sz + 1;
	st = uefi_call_wrapper(src->pxe->Mtftp, 10, src->pxe, EFI_PXE_BASE_CODE_TFTP_READ_FILE, *data,
			       FALSE, &got, NULL, &src->server, (UINT8 *)name, NULL, FALSE);
	if (EFI_ERROR(st)) {
		uefi_call_wrapper(efi_bs->FreePages, 2, (EFI_PHYSICAL_ADDRESS)(uintptr_t)*data,
				  (sz + 4096) / 4096);
		*why = efi_strerror(st);
		return -1;
	}
	*size = got;
	return 0;
}

/* Our own TFTP client first (boot/efi_tftp.c): it shows progress, reports
 * the server's error message, and works on iPXE, whose Mtftp cannot size a
 * file. Mtftp stays as the fallback for a PXE base code without usable UDP
 * calls; once those fail, later files go straight to Mtftp. */
static int read_tftp(struct efi_source *src, const char *path, void **data, uint64_t *size,
		     const char **why, struct efi_progress *p)
{
	char name[256];

	if (snprintf(name, sizeof(name), "%s%s", src->dir, path) >= (int)sizeof(name)) {
		*why = "path too long";
		return -1;
	}
	if (!src->no_udp) {
		int r = efi_tftp_read(src->pxe, &src->server, name, p, data, size, why);
		if (r != EFI_TFTP_NO_UDP)
			return r;
		klog(LOG_INFO, "boot: PXE UDP unusable (%s); using the firmware's Mtftp", *why);
		src->no_udp = 1;
	}
	return read_mtftp(src, name, data, size, why, p);
}

static int read_esp(struct efi_source *src, const char *path, void **data, uint64_t *size,
		    const char **why, struct efi_progress *p)
{
	CHAR16 wpath[256];
	EFI_FILE_HANDLE f;
	EFI_STATUS st;
	size_t i;

	for (i = 0; path[i] && i < 255; i++)
		wpath[i] = path[i] == '/' ? L'\\' : (CHAR16)(unsigned char)path[i];
	wpath[i] = 0;
	st = uefi_call_wrapper(src->root->Open, 5, src->root, &f, wpath, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st)) {
		*why = efi_strerror(st);
		return -1;
	}
	union {
		EFI_FILE_INFO fi;
		char raw[sizeof(EFI_FILE_INFO) + 512];
	} info;
	UINTN isz = sizeof(info);
	st = uefi_call_wrapper(f->GetInfo, 4, f, &gEfiFileInfoGuid, &isz, &info);
	if (EFI_ERROR(st) || (info.fi.Attribute & EFI_FILE_DIRECTORY)) {
		uefi_call_wrapper(f->Close, 1, f);
		*why = EFI_ERROR(st) ? efi_strerror(st) : "is a directory";
		return -1;
	}
	efi_progress_start(p, info.fi.FileSize);
	*data = efi_alloc_pages(p->total + 1, 0);
	if (!*data) {
		uefi_call_wrapper(f->Close, 1, f);
		*why = "out of memory";
		return -1;
	}
	/* Chunked reads, so a large guest image shows progress. */
	while (p->done < p->total) {
		UINTN n = p->total - p->done > CHUNK ? CHUNK : p->total - p->done;
		st = uefi_call_wrapper(f->Read, 3, f, &n, (char *)*data + p->done);
		if (EFI_ERROR(st) || n == 0) {
			uefi_call_wrapper(f->Close, 1, f);
			*why = EFI_ERROR(st) ? efi_strerror(st) : "short read";
			return -1;
		}
		p->done += n;
		efi_progress_update(p);
	}
	uefi_call_wrapper(f->Close, 1, f);
	*size = p->total;
	return 0;
}

int efi_read_file(struct efi_source *src, const char *path, void **data, uint64_t *size,
		  const char **why, int quiet)
{
	struct efi_progress p = {.path = path};
	int r;

	*why = "no boot device";
	if (src->pxe)
		r = read_tftp(src, path, data, size, why, &p);
	else if (src->root)
		r = read_esp(src, path, data, size, why, &p);
	else
		return -1;
	if (r == 0) {
		((char *)*data)[*size] = 0; /* text files can be parsed in place */
		if (!quiet)
			klog(LOG_INFO, "boot: loaded %s (%llu bytes)", path, (unsigned long long)*size);
	}
	return r;
}
