/* Host services for the engine inside keel. Guest RAM is one contiguous run
 * of frames, 2 MiB aligned so EPT can use large pages; keel identity-maps
 * memory, so the pointer is also the physical address EPT needs. */
#include <string.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mem.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/vmhost.h"

static void *ram_alloc(void *o, uint64_t bytes)
{
	(void)o;
	uint64_t pa = frames_alloc(&frames, (bytes + 4095) / 4096, 2ull << 20, 0);
	if (pa == FRAMES_NONE)
		return NULL;
	memset((void *)(uintptr_t)pa, 0, bytes);
	return (void *)(uintptr_t)pa;
}

static void ram_free(void *o, void *p, uint64_t bytes)
{
	(void)o;
	frames_free(&frames, (uint64_t)(uintptr_t)p, (bytes + 4095) / 4096);
}

static uint64_t clock_ns(void *o)
{
	(void)o;
	return tsc_hz ? (uint64_t)((unsigned __int128)rdtsc() * 1000000000u / tsc_hz) : 0;
}

/* One HLT: the 100 Hz tick, a wake IPI or a device interrupt ends it. */
static void wait(void *o, uint64_t deadline)
{
	if (clock_ns(o) < deadline)
		sti_hlt();
}

/* Generated code (the translator's stubs): pages mapped writable and
 * executable, the one exception to W^X (arch/x86_64/paging.c). */
static void *code_alloc(void *o, size_t bytes)
{
	(void)o;
	return paging_alloc_code(bytes);
}

static void code_free(void *o, void *p, size_t bytes)
{
	(void)o;
	paging_free_code(p, bytes);
}

const struct vm_host keel_vm_host = {
	.code_alloc = code_alloc,
	.code_free = code_free,
	.ram_alloc = ram_alloc,
	.ram_free = ram_free,
	.clock_ns = clock_ns,
	.wait = wait,
};
