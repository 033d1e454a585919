/* keel's own 4-level page tables (SDM Vol. 3A §4.5): all physical memory
 * identity-mapped with 2 MiB pages, non-executable; our image mapped with
 * 4 KiB pages so code is read-only+executable and everything else is
 * writable+NX (W^X); page 0 absent so null dereferences fault; the AP
 * trampoline page executable. Tables live below 4 GiB, because APs load CR3
 * while still in 32-bit mode. */
#include <string.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mem.h"
#include "boot/bootinfo.h"
#include "console/klog.h"
#include "arch/x86_64/panic.h"

#define P (1ull << 0)
#define W (1ull << 1)
#define PS (1ull << 7)
#define NX (1ull << 63)
#define ADDR 0x000ffffffffff000ull

extern char _text[], _etext[];
static uint64_t *pml4;

static uint64_t *table(void)
{
	uint64_t pa = frames_alloc(&frames, 1, 4096, 1ull << 32);
	if (pa == FRAMES_NONE)
		panic("paging: out of frames for page tables");
	memset((void *)(uintptr_t)pa, 0, 4096);
	return (uint64_t *)(uintptr_t)pa;
}

static uint64_t *next(uint64_t *t, unsigned i)
{
	if (!(t[i] & P))
		t[i] = (uint64_t)(uintptr_t)table() | P | W;
	return (uint64_t *)(uintptr_t)(t[i] & ADDR);
}

/* Split the 2 MiB page holding va into 4 KiB pages with the same rights. */
static uint64_t *pt_for(uint64_t va)
{
	uint64_t *pd = next(next(pml4, va >> 39 & 511), va >> 30 & 511);
	uint64_t *pde = &pd[va >> 21 & 511];
	if (*pde & PS) {
		uint64_t base = *pde & ADDR & ~0x1fffffull, fl = *pde & (NX | W | P);
		uint64_t *pt = table();
		for (int i = 0; i < 512; i++)
			pt[i] = (base + i * 4096ull) | fl;
		*pde = (uint64_t)(uintptr_t)pt | P | W;
	}
	return (uint64_t *)(uintptr_t)(*pde & ADDR);
}

static void set4k(uint64_t va, uint64_t flags)
{
	uint64_t *pt = pt_for(va);
	pt[va >> 12 & 511] = flags ? (va & ADDR) | flags : 0;
}

void paging_init(struct boot_info *bi)
{
	uint64_t top = mem_top < (4ull << 30) ? (4ull << 30) : mem_top;
	top = (top + (1ull << 30) - 1) & ~((1ull << 30) - 1);

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	pml4 = table();
	for (uint64_t a = 0; a < top; a += 2ull << 20) {
		uint64_t *pd = next(next(pml4, a >> 39 & 511), a >> 30 & 511);
		pd[a >> 21 & 511] = a | P | W | PS | NX;
	}
	set4k(0, 0);
	if (bi->trampoline)
		set4k(bi->trampoline, P | W);

	uint64_t img = bi->image_base & ~0xfffull;
	uint64_t img_end = (bi->image_base + bi->image_size + 4095) & ~0xfffull;
	uint64_t text = (uint64_t)(uintptr_t)_text & ~0xfffull;
	uint64_t etext = ((uint64_t)(uintptr_t)_etext + 4095) & ~0xfffull;
	if (etext > img_end)
		img_end = etext;
	for (uint64_t a = img; a < img_end; a += 4096)
		set4k(a, a >= text && a < etext ? P : P | W | NX);

	write_cr3((uint64_t)(uintptr_t)pml4);
	write_cr0(read_cr0() | CR0_WP);
	klog(LOG_INFO, "paging: identity map of %llu GiB, image text %llu KiB RX, data %llu KiB RW+NX",
	     (unsigned long long)(top >> 30), (unsigned long long)((etext - text) >> 10),
	     (unsigned long long)((img_end - img - (etext - text)) >> 10));
}

uint64_t paging_cr3(void) { return (uint64_t)(uintptr_t)pml4; }

/* Frames for generated code, mapped RWX with 4 KiB pages. Our image stays
 * W^X; only these pages are both, and only the translator writes them. */
void *paging_alloc_code(size_t bytes)
{
	size_t pages = (bytes + 4095) / 4096;
	uint64_t pa = frames_alloc(&frames, pages, 4096, 0);
	if (pa == FRAMES_NONE)
		return NULL;
	for (size_t i = 0; i < pages; i++)
		set4k(pa + i * 4096, P | W);
	write_cr3(read_cr3()); /* flush: these were NX a moment ago */
	memset((void *)(uintptr_t)pa, 0xcc, pages * 4096);
	return (void *)(uintptr_t)pa;
}

void paging_free_code(void *p, size_t bytes)
{
	size_t pages = (bytes + 4095) / 4096;
	uint64_t pa = (uint64_t)(uintptr_t)p;
	for (size_t i = 0; i < pages; i++)
		set4k(pa + i * 4096, P | W | NX);
	write_cr3(read_cr3());
	frames_free(&frames, pa, pages);
}
