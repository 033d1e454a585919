/* Unit tests for ept/ept.c: EPT table building, page-size choice, splitting,
 * lookup, EPTP bits, bad input, allocator failure.
 *
 * Table pages come from a fake allocator over a malloc'd arena whose
 * "physical" addresses start at ARENA_PA; it counts pages outstanding so a
 * leak shows up after ept_fini.
 */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>

#include "ept/ept.h"

#define KiB 1024ull
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)
#define PG 4096ull

#define ARENA_PAGES 1024
#define ARENA_PA 0x7000000ull

struct arena {
	uint8_t *mem;
	bool used[ARENA_PAGES];
	int outstanding;
	int allocs;
	int fail_after; /* allocations that succeed; -1 = no limit */
};

static uint64_t fake_alloc(void *opaque)
{
	struct arena *a = opaque;
	int i;

	if (a->fail_after >= 0 && a->allocs >= a->fail_after)
		return 0;
	for (i = 0; i < ARENA_PAGES; i++)
		if (!a->used[i]) {
			a->used[i] = true;
			a->outstanding++;
			a->allocs++;
			/* dirty it: ept must not rely on the caller zeroing */
			memset(a->mem + i * PG, 0xa5, PG);
			return ARENA_PA + i * PG;
		}
	return 0;
}

static int page_of(struct arena *a, uint64_t pa)
{
	assert_true(pa >= ARENA_PA && pa < ARENA_PA + ARENA_PAGES * PG);
	assert_int_equal(pa & (PG - 1), 0);
	return (int)((pa - ARENA_PA) / PG);
}

static void fake_free(void *opaque, uint64_t pa)
{
	struct arena *a = opaque;
	int i = page_of(a, pa);

	assert_true(a->used[i]);
	a->used[i] = false;
	a->outstanding--;
}

static void *fake_p2v(void *opaque, uint64_t pa)
{
	struct arena *a = opaque;
	int i = page_of(a, pa);

	assert_true(a->used[i]);
	return a->mem + i * PG;
}

static const struct ept_ops fake_ops = {
    .alloc_page = fake_alloc,
    .free_page = fake_free,
    .phys_to_virt = fake_p2v,
};

struct fx {
	struct arena a;
	struct ept e;
};

static struct fx *fx_new(unsigned int flags)
{
	struct fx *x = test_calloc(1, sizeof(*x));

	x->a.mem = test_malloc(ARENA_PAGES * PG);
	x->a.fail_after = -1;
	assert_int_equal(ept_init(&x->e, &fake_ops, &x->a, flags), 0);
	return x;
}

static void fx_free(struct fx *x)
{
	ept_fini(&x->e);
	assert_int_equal(x->a.outstanding, 0);
	assert_int_equal(x->e.table_pages, 0);
	test_free(x->a.mem);
	test_free(x);
}

/* gpa maps to hpa at the given leaf level with the given permissions. */
static void expect(struct fx *x, uint64_t gpa, uint64_t hpa, unsigned int perms, unsigned int level)
{
	uint64_t h = 0;
	unsigned int p = 0, l = 0;

	assert_int_equal(ept_lookup(&x->e, gpa, &h, &p, &l), 0);
	assert_int_equal(h, hpa);
	assert_int_equal(p, perms);
	assert_int_equal(l, level);
}

static void expect_none(struct fx *x, uint64_t gpa)
{
	assert_int_equal(ept_lookup(&x->e, gpa, NULL, NULL, NULL), -ENOENT);
}

static void test_init_fini(void **state)
{
	struct fx *x = fx_new(EPT_F_2M | EPT_F_1G);

	assert_int_equal(x->a.outstanding, 1);
	assert_int_equal(x->e.table_pages, 1);
	expect_none(x, 0);
	expect_none(x, EPT_GPA_LIMIT); /* past a 4-level walk */
	fx_free(x);
}

/* The pc layout: 640 KiB low RAM, the VGA hole at 0xa0000-0xbffff left
 * unmapped, RAM from 1 MiB to 3 GiB, high RAM from 4 GiB to 6 GiB. Host RAM
 * sits 1 GiB above the guest's, so every size is aligned in both spaces. */
#define HOFF (1 * GiB)
static void map_pc(struct fx *x)
{
	assert_int_equal(ept_map(&x->e, 0, HOFF, 0xa0000, EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(ept_map(&x->e, 0xc0000, HOFF + 0xc0000, 0x40000, EPT_R | EPT_X, EPT_MT_WB),
	                 0);
	assert_int_equal(
	    ept_map(&x->e, 1 * MiB, HOFF + 1 * MiB, 3 * GiB - 1 * MiB, EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(ept_map(&x->e, 4 * GiB, HOFF + 4 * GiB, 2 * GiB, EPT_RWX, EPT_MT_WB), 0);
}

static void test_pc_layout_1g(void **state)
{
	struct fx *x = fx_new(EPT_F_2M | EPT_F_1G);

	map_pc(x);
	expect(x, 0, HOFF, EPT_RWX, EPT_LEVEL_4K);
	expect(x, 0x9f123, HOFF + 0x9f123, EPT_RWX, EPT_LEVEL_4K);
	expect_none(x, 0xa0000);
	expect_none(x, 0xb8000);
	expect_none(x, 0xbffff);
	expect(x, 0xc0000, HOFF + 0xc0000, EPT_R | EPT_X, EPT_LEVEL_4K);
	expect(x, 0xfffff, HOFF + 0xfffff, EPT_R | EPT_X, EPT_LEVEL_4K);
	expect(x, 1 * MiB, HOFF + 1 * MiB, EPT_RWX, EPT_LEVEL_4K);
	expect(x, 2 * MiB - 1, HOFF + 2 * MiB - 1, EPT_RWX, EPT_LEVEL_4K);
	expect(x, 2 * MiB, HOFF + 2 * MiB, EPT_RWX, EPT_LEVEL_2M);
	expect(x, 1 * GiB - 1, HOFF + 1 * GiB - 1, EPT_RWX, EPT_LEVEL_2M);
	expect(x, 1 * GiB, HOFF + 1 * GiB, EPT_RWX, EPT_LEVEL_1G);
	expect(x, 3 * GiB - 1, HOFF + 3 * GiB - 1, EPT_RWX, EPT_LEVEL_1G);
	expect_none(x, 3 * GiB); /* PCI hole */
	expect_none(x, 0xfee00000);
	expect(x, 4 * GiB, HOFF + 4 * GiB, EPT_RWX, EPT_LEVEL_1G);
	expect(x, 0x123456789ull, HOFF + 0x123456789ull, EPT_RWX, EPT_LEVEL_1G);
	expect_none(x, 6 * GiB);
	/* PML4, one PDPT, one PD for the first GiB, one PT for the first 2 MiB */
	assert_int_equal(x->e.table_pages, 4);
	fx_free(x);
}

static void test_pc_layout_no_1g(void **state)
{
	struct fx *x = fx_new(EPT_F_2M);
	unsigned int mt = 99;

	map_pc(x);
	expect(x, 1 * GiB, HOFF + 1 * GiB, EPT_RWX, EPT_LEVEL_2M);
	expect(x, 5 * GiB + 3 * MiB + 5, HOFF + 5 * GiB + 3 * MiB + 5, EPT_RWX, EPT_LEVEL_2M);
	assert_int_equal(ept_lookup_memtype(&x->e, 5 * GiB, &mt), 0);
	assert_int_equal(mt, EPT_MT_WB);
	/* one PD per GiB mapped: 0-1, 1-2, 2-3, 4-5, 5-6 */
	assert_int_equal(x->e.table_pages, 1 + 1 + 5 + 1);
	fx_free(x);
}

static void test_4k_only(void **state)
{
	struct fx *x = fx_new(0);

	assert_int_equal(ept_map(&x->e, 0, HOFF, 4 * MiB, EPT_RWX, EPT_MT_WB), 0);
	expect(x, 2 * MiB, HOFF + 2 * MiB, EPT_RWX, EPT_LEVEL_4K);
	assert_int_equal(x->e.table_pages, 1 + 1 + 1 + 2);
	fx_free(x);
}

static void test_1g_needs_2m(void **state)
{
	struct fx *x = fx_new(EPT_F_1G); /* 1G without 2M is not used */

	assert_int_equal(ept_map(&x->e, 1 * GiB, 2 * GiB, 1 * GiB, EPT_RWX, EPT_MT_WB), 0);
	expect(x, 1 * GiB, 2 * GiB, EPT_RWX, EPT_LEVEL_4K);
	assert_int_equal(x->e.table_pages, 1 + 1 + 1 + 512);
	fx_free(x);
}

static void test_hpa_alignment_limits_size(void **state)
{
	struct fx *x = fx_new(EPT_F_2M | EPT_F_1G);

	/* gpa 2 MiB aligned but hpa only 4 KiB aligned: 4 KiB pages */
	assert_int_equal(ept_map(&x->e, 2 * MiB, 0x12345000, 2 * MiB, EPT_RWX, EPT_MT_WB), 0);
	expect(x, 2 * MiB, 0x12345000, EPT_RWX, EPT_LEVEL_4K);
	expect(x, 4 * MiB - 1, 0x12345000 + 2 * MiB - 1, EPT_RWX, EPT_LEVEL_4K);
	/* gpa and hpa 2 MiB aligned but not 1 GiB: 2 MiB pages */
	assert_int_equal(ept_map(&x->e, 2 * GiB, 0x80200000, 1 * GiB, EPT_RWX, EPT_MT_WB), 0);
	expect(x, 2 * GiB, 0x80200000, EPT_RWX, EPT_LEVEL_2M);
	fx_free(x);
}

static void test_split_2m_punch_hole(void **state)
{
	struct fx *x = fx_new(EPT_F_2M | EPT_F_1G);
	uint64_t gpa;

	assert_int_equal(ept_map(&x->e, 0, 64 * MiB, 4 * MiB, EPT_RWX, EPT_MT_WB), 0);
	expect(x, 2 * MiB, 66 * MiB, EPT_RWX, EPT_LEVEL_2M);
	assert_int_equal(x->e.table_pages, 3);

	assert_int_equal(ept_unmap(&x->e, 2 * MiB + PG, PG), 0);
	assert_int_equal(x->e.table_pages, 4);
	expect_none(x, 2 * MiB + PG);
	expect_none(x, 2 * MiB + 2 * PG - 1);
	/* the other 511 entries keep their translation */
	for (gpa = 2 * MiB; gpa < 4 * MiB; gpa += PG) {
		if (gpa == 2 * MiB + PG)
			continue;
		expect(x, gpa + 0x10, 64 * MiB + gpa + 0x10, EPT_RWX, EPT_LEVEL_4K);
	}
	/* the neighbouring 2 MiB page is untouched */
	expect(x, 0, 64 * MiB, EPT_RWX, EPT_LEVEL_2M);
	fx_free(x);
}

static void test_split_for_remap(void **state)
{
	struct fx *x = fx_new(EPT_F_2M | EPT_F_1G);
	unsigned int mt;

	assert_int_equal(ept_map(&x->e, 0, 0, 2 * MiB, EPT_RWX, EPT_MT_WB), 0);
	/* an MMIO-ish page inside: read-only, uncached, elsewhere in host memory */
	assert_int_equal(ept_map(&x->e, 0x100000, 0xfee00000, PG, EPT_R, EPT_MT_UC), 0);
	expect(x, 0x100abc, 0xfee00abc, EPT_R, EPT_LEVEL_4K);
	assert_int_equal(ept_lookup_memtype(&x->e, 0x100000, &mt), 0);
	assert_int_equal(mt, EPT_MT_UC);
	expect(x, 0xff000, 0xff000, EPT_RWX, EPT_LEVEL_4K);
	expect(x, 0x101000, 0x101000, EPT_RWX, EPT_LEVEL_4K);
	assert_int_equal(ept_lookup_memtype(&x->e, 0x101000, &mt), 0);
	assert_int_equal(mt, EPT_MT_WB);
	fx_free(x);
}

static void test_split_1g(void **state)
{
	struct fx *x = fx_new(EPT_F_2M | EPT_F_1G);

	assert_int_equal(ept_map(&x->e, 1 * GiB, 3 * GiB, 1 * GiB, EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(x->e.table_pages, 2);
	assert_int_equal(ept_unmap(&x->e, 1 * GiB + 7 * MiB, PG), 0);
	/* 1G -> 512 x 2M -> the 2M page at +6M -> 512 x 4K */
	assert_int_equal(x->e.table_pages, 4);
	expect_none(x, 1 * GiB + 7 * MiB);
	expect(x, 1 * GiB, 3 * GiB, EPT_RWX, EPT_LEVEL_2M);
	expect(x, 1 * GiB + 6 * MiB, 3 * GiB + 6 * MiB, EPT_RWX, EPT_LEVEL_4K);
	expect(x, 1 * GiB + 7 * MiB + PG, 3 * GiB + 7 * MiB + PG, EPT_RWX, EPT_LEVEL_4K);
	expect(x, 1 * GiB + 8 * MiB, 3 * GiB + 8 * MiB, EPT_RWX, EPT_LEVEL_2M);
	expect(x, 2 * GiB - 1, 4 * GiB - 1, EPT_RWX, EPT_LEVEL_2M);
	fx_free(x);
}

static void test_unmap_frees_tables(void **state)
{
	struct fx *x = fx_new(EPT_F_2M | EPT_F_1G);

	assert_int_equal(ept_map(&x->e, 1 * MiB, 1 * MiB, 1 * MiB, EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(x->e.table_pages, 4);
	assert_int_equal(ept_unmap(&x->e, 1 * MiB, 512 * KiB), 0);
	assert_int_equal(x->e.table_pages, 4);
	assert_int_equal(ept_unmap(&x->e, 1 * MiB + 512 * KiB, 512 * KiB), 0);
	assert_int_equal(x->e.table_pages, 1); /* PT, PD, PDPT all empty and freed */
	assert_int_equal(x->a.outstanding, 1);
	/* unmapping nothing is fine */
	assert_int_equal(ept_unmap(&x->e, 100 * GiB, 2 * MiB), 0);
	fx_free(x);
}

static void test_large_map_replaces_table(void **state)
{
	struct fx *x = fx_new(EPT_F_2M | EPT_F_1G);

	assert_int_equal(ept_map(&x->e, 0, 0x1000, 2 * MiB, EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(x->e.table_pages, 4);
	assert_int_equal(ept_map(&x->e, 0, 0x400000, 2 * MiB, EPT_R, EPT_MT_WB), 0);
	assert_int_equal(x->e.table_pages, 3); /* the PT went back */
	assert_int_equal(x->a.outstanding, 3);
	expect(x, 0x1234, 0x401234, EPT_R, EPT_LEVEL_2M);
	fx_free(x);
}

static void test_eptp(void **state)
{
	struct fx *x = fx_new(EPT_F_2M);
	uint64_t p = ept_eptp(&x->e, false);

	assert_int_equal(p & ~0xfffull, x->e.root);
	assert_int_equal(p & 7, 6);        /* WB */
	assert_int_equal((p >> 3) & 7, 3); /* 4-level walk, length - 1 */
	assert_int_equal(p & (1 << 6), 0);
	assert_int_equal(p & 0xfff, 0x1e);
	assert_int_equal(ept_eptp(&x->e, true) & 0xfff, 0x5e);
	fx_free(x);
}

static void test_bad_input(void **state)
{
	struct fx *x = fx_new(EPT_F_2M);

	assert_int_equal(ept_map(&x->e, 0x800, 0, PG, EPT_RWX, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&x->e, 0, 0x800, PG, EPT_RWX, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&x->e, 0, 0, 0x800, EPT_RWX, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&x->e, 0, 0, 0, EPT_RWX, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&x->e, EPT_GPA_LIMIT - PG, 0, 2 * PG, EPT_RWX, EPT_MT_WB),
	                 -EINVAL);
	assert_int_equal(ept_map(&x->e, EPT_GPA_LIMIT, 0, PG, EPT_RWX, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&x->e, PG, 0, ~0xfffull, EPT_RWX, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&x->e, 0, 1ull << 52, PG, EPT_RWX, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&x->e, 0, 0, PG, 0, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&x->e, 0, 0, PG, EPT_W, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&x->e, 0, 0, PG, EPT_W | EPT_X, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&x->e, 0, 0, PG, EPT_X, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&x->e, 0, 0, PG, 8, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&x->e, 0, 0, PG, EPT_RWX, 2), -EINVAL);
	assert_int_equal(ept_map(&x->e, 0, 0, PG, EPT_RWX, 3), -EINVAL);
	assert_int_equal(ept_map(&x->e, 0, 0, PG, EPT_RWX, 7), -EINVAL);
	assert_int_equal(ept_unmap(&x->e, 0x10, PG), -EINVAL);
	assert_int_equal(ept_unmap(&x->e, 0, 0), -EINVAL);
	/* nothing was allocated by the refusals */
	assert_int_equal(x->e.table_pages, 1);
	/* the top of the guest-physical space is reachable */
	assert_int_equal(ept_map(&x->e, EPT_GPA_LIMIT - PG, 0, PG, EPT_RWX, EPT_MT_WT), 0);
	expect(x, EPT_GPA_LIMIT - 1, 0xfff, EPT_RWX, EPT_LEVEL_4K);
	fx_free(x);

	x = fx_new(EPT_F_XONLY);
	assert_int_equal(ept_map(&x->e, 0, 0, PG, EPT_X, EPT_MT_WB), 0);
	expect(x, 0, 0, EPT_X, EPT_LEVEL_4K);
	fx_free(x);
}

static void test_alloc_failure(void **state)
{
	int k;

	/* gpa 1 MiB..5 MiB at a 4 KiB-aligned hpa needs PDPT, PD, three PTs */
	for (k = 0; k <= 5; k++) {
		struct fx *x = fx_new(EPT_F_2M | EPT_F_1G);
		int err;

		x->a.fail_after = 1 + k; /* the root is allocation 1 */
		err = ept_map(&x->e, 1 * MiB, 0x5000, 4 * MiB, EPT_RWX, EPT_MT_WB);
		assert_int_equal(err, k < 5 ? -ENOMEM : 0);
		assert_int_equal(x->a.outstanding, (int)x->e.table_pages);
		fx_free(x); /* asserts nothing is left */
	}
}

static void test_split_failure_keeps_page(void **state)
{
	struct fx *x = fx_new(EPT_F_2M | EPT_F_1G);

	assert_int_equal(ept_map(&x->e, 0, 0, 4 * MiB, EPT_RWX, EPT_MT_WB), 0);
	x->a.fail_after = x->a.allocs; /* no more pages */
	assert_int_equal(ept_unmap(&x->e, 2 * MiB + PG, PG), -ENOMEM);
	assert_int_equal(ept_map(&x->e, 2 * MiB, 0x1000, PG, EPT_R, EPT_MT_WB), -ENOMEM);
	expect(x, 2 * MiB + PG, 2 * MiB + PG, EPT_RWX, EPT_LEVEL_2M);
	fx_free(x);
}

static void test_init_failure(void **state)
{
	struct arena a = {.fail_after = 0};
	struct ept e;

	assert_int_equal(ept_init(&e, &fake_ops, &a, EPT_F_2M), -ENOMEM);
	assert_int_equal(a.outstanding, 0);
	ept_fini(&e); /* harmless on a failed init */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_fini),
	    cmocka_unit_test(test_pc_layout_1g),
	    cmocka_unit_test(test_pc_layout_no_1g),
	    cmocka_unit_test(test_4k_only),
	    cmocka_unit_test(test_1g_needs_2m),
	    cmocka_unit_test(test_hpa_alignment_limits_size),
	    cmocka_unit_test(test_split_2m_punch_hole),
	    cmocka_unit_test(test_split_for_remap),
	    cmocka_unit_test(test_split_1g),
	    cmocka_unit_test(test_unmap_frees_tables),
	    cmocka_unit_test(test_large_map_replaces_table),
	    cmocka_unit_test(test_eptp),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_alloc_failure),
	    cmocka_unit_test(test_split_failure_keeps_page),
	    cmocka_unit_test(test_init_failure),
	};

	return cmocka_run_group_tests_name("ept", tests, NULL, NULL);
}
