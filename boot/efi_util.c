/* Small UEFI-phase services: console output, page allocation, status names. */
#include "boot/efi.h"

EFI_SYSTEM_TABLE *efi_st;
EFI_BOOT_SERVICES *efi_bs;

void efi_con_write(const char *s, size_t n)
{
	CHAR16 buf[128];
	size_t k = 0;

	/* ConOut wants UCS-2 and CR LF; convert in chunks. */
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			buf[k++] = L'\r';
		buf[k++] = (CHAR16)(unsigned char)s[i];
		if (k >= 120 || i + 1 == n) {
			buf[k] = 0;
			uefi_call_wrapper(efi_st->ConOut->OutputString, 2, efi_st->ConOut, buf);
			k = 0;
		}
	}
}

void *efi_alloc_pages(uint64_t bytes, uint64_t max_addr)
{
	EFI_PHYSICAL_ADDRESS a = max_addr ? max_addr : ~0ull;
	EFI_STATUS st = uefi_call_wrapper(efi_bs->AllocatePages, 4,
					  max_addr ? AllocateMaxAddress : AllocateAnyPages, EfiLoaderData,
					  (bytes + 4095) / 4096, &a);
	return EFI_ERROR(st) ? NULL : (void *)(uintptr_t)a;
}

const char *efi_strerror(EFI_STATUS st)
{
	switch (st) {
	case EFI_SUCCESS: return "success";
	case EFI_NOT_FOUND: return "not found";
	case EFI_OUT_OF_RESOURCES: return "out of memory";
	case EFI_DEVICE_ERROR: return "device error";
	case EFI_ACCESS_DENIED: return "access denied";
	case EFI_TFTP_ERROR: return "TFTP error (not found on server?)";
	case EFI_TIMEOUT: return "timeout";
	case EFI_UNSUPPORTED: return "unsupported";
	case EFI_INVALID_PARAMETER: return "invalid parameter";
	case EFI_BUFFER_TOO_SMALL: return "buffer too small";
	case EFI_VOLUME_CORRUPTED: return "volume corrupted";
	case EFI_NO_MEDIA: return "no media";
	case EFI_ICMP_ERROR: return "ICMP error";
	default: return "firmware error";
	}
}
