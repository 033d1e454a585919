/* Reading keel.cfg and the files it names from where keel was loaded:
 * the ESP (UEFI spec 2.9 §13.4 Simple File System) or the PXE server
 * (§24.3 PXE Base Code Protocol, Mtftp). */
#include <string.h>
#include <stdio.h>
#include "boot/efi.h"
#include "console/klog.h"

#define PROGRESS_MIN (1u << 20) /* smaller files load without progress lines */
#define CHUNK (1u << 20)

/* Progress state shared with the PXE callback, which UEFI calls per packet. */
struct progress {
	const char *path;
	uint64_t total, done;
	int shown; /* quarters already printed */
};
static struct progress *pxe_progress;

static void progress_update(struct progress *p)
{
	if (p->total < PROGRESS_MIN)
		return;
	int q = (int)(p->done * 4 / p->total);
	while (p->shown < q && p->shown < 3) {
		p->shown++;
		klog(LOG_INFO, "boot: %s %d%%", p->path, p->shown * 25);
	}
}

static EFI_PXE_BASE_CODE_CALLBACK_STATUS EFIAPI pxe_cb(EFI_PXE_BASE_CODE_CALLBACK_PROTOCOL *This,
							EFI_PXE_BASE_CODE_FUNCTION fn, BOOLEAN rx,
							UINT32 len, EFI_PXE_BASE_CODE_PACKET *pkt)
{
	(void)This;
	(void)pkt;
	static int seen;
	if (!seen++)
		klog(LOG_DEBUG, "boot: PXE callback fn=%d rx=%d len=%u", fn, rx, len);
	/* A TFTP DATA packet carries a 4-byte header (RFC 1350). */
	if (pxe_progress && fn == EFI_PXE_BASE_CODE_FUNCTION_MTFTP && rx && len > 4) {
		pxe_progress->done += len - 4;
		if (pxe_progress->done > pxe_progress->total)
			pxe_progress->done = pxe_progress->total;
		progress_update(pxe_progress);
	}
	return EFI_PXE_BASE_CODE_CALLBACK_STATUS_CONTINUE;
}

static EFI_PXE_BASE_CODE_CALLBACK_PROTOCOL pxe_cb_proto = {
	.Revision = EFI_PXE_BASE_CODE_CALLBACK_INTERFACE_REVISION,
	.Callback = pxe_cb,
};

static void pxe_setup(EFI_HANDLE image, struct efi_source *src, EFI_HANDLE dev)
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

	/* Ask for per-packet callbacks, for progress on large files. */
	EFI_HANDLE h = dev;
	BOOLEAN yes = TRUE;
	EFI_STATUS st = uefi_call_wrapper(efi_bs->InstallProtocolInterface, 4, &h,
					  &gEfiPxeBaseCodeCallbackProtocolGuid, EFI_NATIVE_INTERFACE,
					  &pxe_cb_proto);
	if (!EFI_ERROR(st))
		st = uefi_call_wrapper(src->pxe->SetParameters, 6, src->pxe, NULL, NULL, NULL, NULL,
				       &yes);
	if (EFI_ERROR(st))
		klog(LOG_DEBUG, "boot: no PXE progress callbacks (%s)", efi_strerror(st));
	(void)image;
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
		src->pxe_handle = li->DeviceHandle;
		pxe_setup(image, src, li->DeviceHandle);
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

static int read_tftp(struct efi_source *src, const char *path, void **data, uint64_t *size,
		     const char **why, struct progress *p)
{
	char name[256];
	UINT64 sz = 0;
	EFI_STATUS st;

	if (snprintf(name, sizeof(name), "%s%s", src->dir, path) >= (int)sizeof(name)) {
		*why = "path too long";
		return -1;
	}
	st = uefi_call_wrapper(src->pxe->Mtftp, 10, src->pxe, EFI_PXE_BASE_CODE_TFTP_GET_FILE_SIZE,
			       NULL, FALSE, &sz, NULL, &src->server, (UINT8 *)name, NULL, FALSE);
	if (EFI_ERROR(st)) {
		*why = efi_strerror(st);
		return -1;
	}
	p->total = sz;
	if (sz >= PROGRESS_MIN)
		klog(LOG_INFO, "boot: loading %s (%llu bytes)", path, (unsigned long long)sz);
	*data = efi_alloc_pages(sz + 1, 0);
	if (!*data) {
		*why = "out of memory";
		return -1;
	}
	pxe_progress = p;
	UINT64 got = sz + 1;
	st = uefi_call_wrapper(src->pxe->Mtftp, 10, src->pxe, EFI_PXE_BASE_CODE_TFTP_READ_FILE, *data,
			       FALSE, &got, NULL, &src->server, (UINT8 *)name, NULL, FALSE);
	pxe_progress = NULL;
	if (EFI_ERROR(st)) {
		uefi_call_wrapper(efi_bs->FreePages, 2, (EFI_PHYSICAL_ADDRESS)(uintptr_t)*data,
				  (sz + 4096) / 4096);
		*why = efi_strerror(st);
		return -1;
	}
	*size = got;
	return 0;
}

static int read_esp(struct efi_source *src, const char *path, void **data, uint64_t *size,
		    const char **why, struct progress *p)
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
	p->total = info.fi.FileSize;
	if (p->total >= PROGRESS_MIN)
		klog(LOG_INFO, "boot: loading %s (%llu bytes)", path, (unsigned long long)p->total);
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
		progress_update(p);
	}
	uefi_call_wrapper(f->Close, 1, f);
	*size = p->total;
	return 0;
}

int efi_read_file(struct efi_source *src, const char *path, void **data, uint64_t *size,
		  const char **why, int quiet)
{
	struct progress p = {.path = path};
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
