/* UEFI entry: banner, keel.cfg and its files, memory map, ACPI RSDP, then
 * ExitBootServices and kmain. Nothing here runs after boot services end. */
#include <string.h>
#include "boot/bootinfo.h"
#include "boot/efi.h"
#include "console/klog.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/heap.h"

#define HEAP_BYTES (64ull << 20)
#define HEAP_BYTES_MIN (8ull << 20)

extern const char keel_version[], keel_git_hash[], keel_build_date[];
extern char ImageBase[];

static struct boot_info bootinfo;

static void cfg_diag(void *ctx, int line, const char *msg)
{
	(void)ctx;
	klog(LOG_ERR, "keel.cfg:%d: %s", line, msg);
}

static void load_config(EFI_HANDLE image, struct boot_info *bi)
{
	static struct efi_source src;
	const char *why;
	void *text;
	uint64_t len;

	config_defaults(&bi->cfg);
	if (efi_source_open(image, &src)) {
		klog(LOG_ERR, "config: cannot find the boot device; using defaults");
		bi->source = "none";
		return;
	}
	bi->source = src.name;
	klog(LOG_INFO, "boot: loaded from %s", src.name);
	if (efi_read_file(&src, "keel.cfg", &text, &len, &why, 1)) {
		klog(LOG_ERR, "config: keel.cfg: not found on %s (%s); using defaults", src.name, why);
		return;
	}
	klog(LOG_INFO, "config: read keel.cfg from %s (%llu bytes)", src.name,
	     (unsigned long long)len);
	int errs = config_parse(&bi->cfg, text, len, cfg_diag, NULL);
	if (errs)
		klog(LOG_ERR, "config: %d error%s in keel.cfg; those lines were ignored", errs,
		     errs == 1 ? "" : "s");
	klog_set_level(bi->cfg.log_level);

	const char *paths[BOOT_MAX_FILES];
	int n = config_files(&bi->cfg, paths, BOOT_MAX_FILES);
	for (int i = 0; i < n; i++) {
		struct boot_file *f = &bi->files[bi->nfiles];
		if (efi_read_file(&src, paths[i], &f->data, &f->size, &why, 0)) {
			klog(LOG_ERR, "boot: cannot read '%s': %s", paths[i], why);
			continue;
		}
		f->path = paths[i];
		bi->nfiles++;
	}
}

static uint64_t find_rsdp(void)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
	uint64_t v1 = 0;

	for (UINTN i = 0; i < efi_st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &efi_st->ConfigurationTable[i];
		klog(LOG_DEBUG, "boot: config table %08x-%04x at %p", t->VendorGuid.Data1,
		     t->VendorGuid.Data2, t->VendorTable);
		if (!memcmp(&t->VendorGuid, &acpi20, sizeof(acpi20)))
			return (uint64_t)(uintptr_t)t->VendorTable;
		if (!memcmp(&t->VendorGuid, &AcpiTableGuid, sizeof(EFI_GUID)))
			v1 = (uint64_t)(uintptr_t)t->VendorTable;
	}
	return v1;
}

/* The map key changes whenever the firmware allocates, so fetch the map into
 * a buffer sized with slack and retry ExitBootServices a few times. */
static int exit_boot_services(EFI_HANDLE image, struct boot_info *bi)
{
	UINTN size = 0, key, dsz;
	UINT32 ver;
	EFI_STATUS st;

	uefi_call_wrapper(efi_bs->GetMemoryMap, 5, &size, NULL, &key, &dsz, &ver);
	UINTN cap = size + 64 * sizeof(EFI_MEMORY_DESCRIPTOR) + 4096;
	void *buf = efi_alloc_pages(cap, 0);
	if (!buf)
		return -1;
	for (int tries = 0; tries < 8; tries++) {
		size = cap;
		st = uefi_call_wrapper(efi_bs->GetMemoryMap, 5, &size, buf, &key, &dsz, &ver);
		if (EFI_ERROR(st))
			return -1;
		st = uefi_call_wrapper(efi_bs->ExitBootServices, 2, image, key);
		if (!EFI_ERROR(st)) {
			bi->mmap = buf;
			bi->mmap_size = size;
			bi->mmap_desc_size = dsz;
			return 0;
		}
	}
	return -1;
}

/* gnu-efi's crt0 calls us with the System V ABI after relocating. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	struct boot_info *bi = &bootinfo;
	EFI_LOADED_IMAGE *li;

	bi->tsc_entry = rdtsc();
	efi_st = st;
	efi_bs = st->BootServices;
	uefi_call_wrapper(efi_bs->SetWatchdogTimer, 4, 0, 0, 0, NULL);

	/* newlib's malloc works from here on; the arena outlives boot services. */
	uint64_t hsz = HEAP_BYTES;
	void *heap = efi_alloc_pages(hsz, 0);
	if (!heap) {
		hsz = HEAP_BYTES_MIN;
		heap = efi_alloc_pages(hsz, 0);
	}
	if (!heap) {
		efi_con_write("keel: cannot allocate the heap\n", 31);
		return EFI_OUT_OF_RESOURCES;
	}
	heap_init(heap, hsz);
	bi->heap = heap;
	bi->heap_size = hsz;

	klog_init(bi->tsc_entry);
	klog_set_sink(efi_con_write);
	klog(LOG_INFO, "keel %s (git %s, built %s)", keel_version, keel_git_hash, keel_build_date);

	if (!EFI_ERROR(uefi_call_wrapper(efi_bs->HandleProtocol, 3, image,
					 &gEfiLoadedImageProtocolGuid, (void **)&li))) {
		bi->image_base = (uint64_t)(uintptr_t)li->ImageBase;
		bi->image_size = li->ImageSize;
	} else {
		bi->image_base = (uint64_t)(uintptr_t)ImageBase;
	}

	load_config(image, bi);
	bi->rsdp = find_rsdp();
	/* INIT-SIPI starts APs in real mode at a page below 1 MiB (SDM Vol. 3A §8.4.4). */
	void *tramp = efi_alloc_pages(4096, 0x9ffff);
	bi->trampoline = (uint64_t)(uintptr_t)tramp;
	if (!tramp)
		klog(LOG_WARN, "boot: no page below 1 MiB for the AP trampoline; only the BSP will run");

	klog(LOG_DEBUG, "boot: exiting boot services");
	klog_set_sink(NULL); /* ConOut is gone after this; the ring keeps lines */
	if (exit_boot_services(image, bi)) {
		klog_set_sink(efi_con_write);
		klog(LOG_ERR, "boot: ExitBootServices failed; cannot continue");
		return EFI_ABORTED;
	}
	kmain(bi);
}
