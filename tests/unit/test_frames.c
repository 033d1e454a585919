/* Unit tests for arch/x86_64/frames.c: the physical frame allocator. */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/x86_64/frames.h"

#define KiB 1024ull
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)
#define PG 4096ull

struct fixture {
	struct frames f;
	uint64_t *bitmap;
};

/* A fresh allocator over [0, top). */
static struct fixture *fx_new(uint64_t top)
{
	struct fixture *x = test_calloc(1, sizeof(*x));
	size_t bytes = frames_bitmap_bytes(top);

	x->bitmap = test_malloc(bytes ? bytes : 8);
	frames_init(&x->f, x->bitmap, top);
	return x;
}

static void fx_free(struct fixture *x)
{
	test_free(x->bitmap);
	test_free(x);
}

static void test_bitmap_bytes(void **state)
{
	assert_int_equal(frames_bitmap_bytes(0), 0);
	assert_int_equal(frames_bitmap_bytes(PG), 8);
	assert_int_equal(frames_bitmap_bytes(64 * PG), 8);
	assert_int_equal(frames_bitmap_bytes(64 * PG + 100), 8); /* partial frame */
	assert_int_equal(frames_bitmap_bytes(65 * PG), 16);
	assert_int_equal(frames_bitmap_bytes(4 * GiB), 128 * KiB);
}

static void test_init_all_used(void **state)
{
	struct fixture *x = fx_new(1 * MiB);

	assert_int_equal(x->f.total, 0);
	assert_int_equal(x->f.free, 0);
	assert_false(frames_is_free(&x->f, 0x5000));
	assert_int_equal(frames_alloc(&x->f, 1, 0, 0), FRAMES_NONE);
	fx_free(x);
}

static void test_add_free_rounds_inward(void **state)
{
	struct fixture *x = fx_new(1 * MiB);

	frames_add_free(&x->f, 0x1800, 0x3000); /* [0x1800, 0x4800) */
	assert_int_equal(x->f.total, 2);
	assert_int_equal(x->f.free, 2);
	assert_false(frames_is_free(&x->f, 0x1000));
	assert_true(frames_is_free(&x->f, 0x2000));
	assert_true(frames_is_free(&x->f, 0x3000));
	assert_false(frames_is_free(&x->f, 0x4000));

	/* Less than a frame, or not covering one whole frame: nothing. */
	frames_add_free(&x->f, 0x10000, 0xfff);
	frames_add_free(&x->f, 0x20001, 0x1000);
	assert_int_equal(x->f.total, 2);
	/* Adding the same range again counts nothing twice. */
	frames_add_free(&x->f, 0x2000, 0x2000);
	assert_int_equal(x->f.total, 2);
	assert_int_equal(x->f.free, 2);
	/* Ranges past top are clipped; a wrapping length saturates. */
	frames_add_free(&x->f, 1 * MiB - PG, UINT64_MAX);
	assert_int_equal(x->f.total, 3);
	assert_true(frames_is_free(&x->f, 1 * MiB - PG));
	assert_false(frames_is_free(&x->f, 1 * MiB));
	fx_free(x);
}

static void test_frame_zero_never(void **state)
{
	struct fixture *x = fx_new(64 * KiB);

	frames_add_free(&x->f, 0, 16 * KiB);
	assert_int_equal(x->f.total, 3); /* frames 1..3 */
	assert_false(frames_is_free(&x->f, 0));
	for (int i = 1; i <= 3; i++)
		assert_int_equal(frames_alloc(&x->f, 1, PG, 0), (uint64_t)i * PG);
	assert_int_equal(frames_alloc(&x->f, 1, PG, 0), FRAMES_NONE);
	assert_int_equal(frames_free(&x->f, 0, 1), -1);
	assert_int_equal(x->f.free, 0);
	fx_free(x);
}

static void test_reserve_rounds_outward(void **state)
{
	struct fixture *x = fx_new(1 * MiB);

	frames_add_free(&x->f, 0, 1 * MiB);
	assert_int_equal(x->f.total, 255);
	frames_reserve(&x->f, 0x5800, 0x1000); /* touches frames 5 and 6 */
	assert_true(frames_is_free(&x->f, 0x4000));
	assert_false(frames_is_free(&x->f, 0x5000));
	assert_false(frames_is_free(&x->f, 0x6000));
	assert_true(frames_is_free(&x->f, 0x7000));
	assert_int_equal(x->f.total, 253);
	assert_int_equal(x->f.free, 253);
	/* Reserving reserved frames, nothing, or past top changes nothing. */
	frames_reserve(&x->f, 0x5000, 0x2000);
	frames_reserve(&x->f, 0x9000, 0);
	frames_reserve(&x->f, 2 * MiB, 1 * MiB);
	frames_reserve(&x->f, UINT64_MAX - 10, 100);
	assert_int_equal(x->f.free, 253);
	/* One byte reserves its frame. */
	frames_reserve(&x->f, 0x9fff, 1);
	assert_false(frames_is_free(&x->f, 0x9000));
	assert_int_equal(x->f.free, 252);
	/* Across a bitmap word boundary (frames 60..70). */
	frames_reserve(&x->f, 60 * PG, 11 * PG);
	assert_int_equal(x->f.free, 241);
	assert_true(frames_is_free(&x->f, 59 * PG));
	assert_false(frames_is_free(&x->f, 64 * PG));
	assert_true(frames_is_free(&x->f, 71 * PG));
	fx_free(x);
}

static void test_next_fit(void **state)
{
	struct fixture *x = fx_new(64 * KiB); /* frames 1..15 usable */
	uint64_t a, b, c;

	frames_add_free(&x->f, 0, 64 * KiB);
	a = frames_alloc(&x->f, 1, 0, 0);
	b = frames_alloc(&x->f, 1, 0, 0);
	c = frames_alloc(&x->f, 1, 0, 0);
	assert_int_equal(a, 0x1000);
	assert_int_equal(b, 0x2000);
	assert_int_equal(c, 0x3000);
	/* A freed frame is not reused at once: the search goes on upward. */
	assert_int_equal(frames_free(&x->f, a, 1), 0);
	assert_int_equal(frames_alloc(&x->f, 1, 0, 0), 0x4000);
	for (uint64_t i = 5; i <= 15; i++)
		assert_int_equal(frames_alloc(&x->f, 1, 0, 0), i * PG);
	/* At the top it wraps around and finds the hole. */
	assert_int_equal(frames_alloc(&x->f, 1, 0, 0), 0x1000);
	assert_int_equal(frames_alloc(&x->f, 1, 0, 0), FRAMES_NONE);
	assert_int_equal(x->f.free, 0);
	assert_int_equal(x->f.total, 15);
	fx_free(x);
}

static void test_alignment(void **state)
{
	struct fixture *x = fx_new(16 * MiB);

	frames_add_free(&x->f, 0, 16 * MiB);
	assert_int_equal(frames_alloc(&x->f, 1, 2 * MiB, 0), 2 * MiB);
	assert_int_equal(frames_alloc(&x->f, 1, 2 * MiB, 0), 4 * MiB);
	assert_int_equal(frames_alloc(&x->f, 4, 64 * KiB, 0), 64 * KiB);
	assert_int_equal(frames_alloc(&x->f, 16, 64 * KiB, 0), 128 * KiB);
	/* 512 frames at 2 MiB alignment: 2 and 4 MiB are taken. */
	assert_int_equal(frames_alloc(&x->f, 512, 2 * MiB, 0), 6 * MiB);
	/* Not a power of two: refused. */
	assert_int_equal(frames_alloc(&x->f, 1, 3 * PG, 0), FRAMES_NONE);
	assert_int_equal(frames_alloc(&x->f, 2, 12 * KiB, 0), FRAMES_NONE);
	/* Below a frame means a frame. */
	assert_int_equal(frames_alloc(&x->f, 2, 1, 0), 0x1000);
	assert_int_equal(frames_alloc(&x->f, 1, 512, 0) % PG, 0);
	/* Larger than memory: nothing fits. */
	assert_int_equal(frames_alloc(&x->f, 1, 32 * MiB, 0), FRAMES_NONE);
	assert_int_equal(frames_alloc(&x->f, 1, 1ull << 63, 0), FRAMES_NONE);
	fx_free(x);
}

static void test_max_end(void **state)
{
	struct fixture *x = fx_new(1 * MiB);

	frames_add_free(&x->f, 0, 1 * MiB);
	assert_int_equal(frames_alloc(&x->f, 4, PG, 0x5000), 0x1000); /* ends at 0x5000 */
	assert_int_equal(frames_alloc(&x->f, 1, PG, 0x5000), FRAMES_NONE);
	frames_free(&x->f, 0x1000, 4);
	assert_int_equal(frames_alloc(&x->f, 4, PG, 0x4fff), FRAMES_NONE);
	assert_int_equal(frames_alloc(&x->f, 3, PG, 0x4fff), 0x1000);
	assert_int_equal(frames_alloc(&x->f, 1, PG, 0x4fff), FRAMES_NONE);
	assert_int_equal(frames_alloc(&x->f, 1, PG, 0x5000), 0x4000);
	/* The single-frame hint is high now; a low limit still finds room. */
	for (int i = 0; i < 100; i++)
		assert_true(frames_alloc(&x->f, 1, PG, 0) >= 0x5000);
	frames_free(&x->f, 0x2000, 1);
	assert_int_equal(frames_alloc(&x->f, 1, PG, 0x10000), 0x2000);
	/* A limit above top is no limit. */
	assert_int_equal(frames_alloc(&x->f, 8, PG, 1 * GiB) >> 12, 105);
	fx_free(x);
}

static void test_contiguous_runs(void **state)
{
	struct fixture *x = fx_new(1 * MiB);
	uint64_t run;

	frames_add_free(&x->f, 0x1000, 100 * PG); /* frames 1..100 */
	/* Take every other frame of 1..20: holes of one frame. */
	for (uint64_t i = 1; i <= 20; i += 2)
		frames_reserve(&x->f, i * PG, PG);
	assert_int_equal(x->f.free, 90);
	run = frames_alloc(&x->f, 2, PG, 0);
	assert_int_equal(run, 20 * PG); /* the lowest pair: 19 is taken */
	frames_reserve(&x->f, 30 * PG, PG);
	assert_int_equal(frames_alloc(&x->f, 8, PG, 0), 22 * PG); /* 22..29 */
	assert_int_equal(frames_alloc(&x->f, 7, PG, 0), 31 * PG);
	assert_int_equal(frames_alloc(&x->f, 62, PG, 0), 38 * PG); /* 38..99 */
	assert_int_equal(frames_alloc(&x->f, 2, PG, 0), FRAMES_NONE);
	assert_int_equal(x->f.free, 10); /* 2, 4, ..., 18 and 100 */
	/* Free and allocate again: the same run comes back. */
	assert_int_equal(frames_free(&x->f, 31 * PG, 7), 0);
	assert_int_equal(frames_alloc(&x->f, 7, PG, 0), 31 * PG);
	fx_free(x);
}

static void test_exhaustion(void **state)
{
	struct fixture *x = fx_new(4 * MiB);
	uint64_t n = 0;

	frames_add_free(&x->f, 1 * MiB, 3 * MiB);
	assert_int_equal(x->f.total, 768);
	assert_int_equal(frames_alloc(&x->f, 769, PG, 0), FRAMES_NONE);
	assert_int_equal(frames_alloc(&x->f, 768, PG, 0), 1 * MiB);
	assert_int_equal(frames_free(&x->f, 1 * MiB, 768), 0);
	while (frames_alloc(&x->f, 1, PG, 0) != FRAMES_NONE)
		n++;
	assert_int_equal(n, 768);
	assert_int_equal(x->f.free, 0);
	assert_int_equal(x->f.total, 768);
	assert_int_equal(frames_alloc(&x->f, 0, PG, 0), FRAMES_NONE);
	assert_int_equal(frames_free(&x->f, 2 * MiB, 1), 0);
	assert_int_equal(frames_alloc(&x->f, 1, PG, 0), 2 * MiB);
	fx_free(x);
}

static void test_bad_frees(void **state)
{
	struct fixture *x = fx_new(1 * MiB);
	uint64_t words[4]; /* the whole bitmap: 256 frames */
	uint64_t a;

	frames_add_free(&x->f, 0, 1 * MiB);
	a = frames_alloc(&x->f, 4, PG, 0);
	assert_int_equal(a, 0x1000);
	assert_int_equal(x->f.free, 251);
	assert_int_equal(frames_bitmap_bytes(1 * MiB), sizeof(words));
	memcpy(words, x->bitmap, sizeof(words));

	assert_int_equal(frames_free(&x->f, 0x5000, 1), -1);      /* never allocated */
	assert_int_equal(frames_free(&x->f, 0x3000, 3), -1);      /* 0x5000 is free */
	assert_int_equal(frames_free(&x->f, 0x1800, 1), -1);      /* misaligned */
	assert_int_equal(frames_free(&x->f, 1 * MiB, 1), -1);     /* past top */
	assert_int_equal(frames_free(&x->f, 1 * MiB - PG, 2), -1);
	assert_int_equal(frames_free(&x->f, 0x1000, UINT64_MAX), -1);
	assert_int_equal(x->f.free, 251);
	assert_memory_equal(words, x->bitmap, sizeof(words)); /* nothing moved */

	assert_int_equal(frames_free(&x->f, 0x2000, 2), 0);
	assert_int_equal(frames_free(&x->f, 0x2000, 1), -1); /* double free */
	assert_int_equal(frames_free(&x->f, 0x1000, 2), -1); /* half of it */
	assert_true(frames_is_free(&x->f, 0x2000));
	assert_false(frames_is_free(&x->f, 0x1000));
	assert_int_equal(x->f.free, 253);
	assert_int_equal(frames_free(&x->f, 0x1000, 1), 0);
	assert_int_equal(frames_free(&x->f, 0x4000, 1), 0);
	assert_int_equal(x->f.free, x->f.total);
	fx_free(x);
}

static void test_partial_top_and_big_memory(void **state)
{
	struct fixture *x = fx_new(0x10800);

	assert_int_equal(x->f.nframes, 16);
	frames_add_free(&x->f, 0, 0x10800);
	assert_int_equal(x->f.total, 15);
	assert_false(frames_is_free(&x->f, 0x10000));
	fx_free(x);

	/* A PC-like map: low RAM below 640K, the rest above 1 MiB. */
	x = fx_new(4 * GiB);
	frames_add_free(&x->f, 0, 0x9fc00);
	frames_add_free(&x->f, 1 * MiB, 3 * GiB - 1 * MiB);
	frames_reserve(&x->f, 1 * MiB, 2 * MiB); /* say, the kernel image */
	assert_int_equal(x->f.total, 158 + (3 * GiB - 3 * MiB) / PG);
	assert_int_equal(x->f.free, x->f.total);
	assert_int_equal(frames_alloc(&x->f, 1, PG, 0), 0x1000);
	assert_int_equal(frames_alloc(&x->f, 512, 2 * MiB, 0), 4 * MiB);
	assert_int_equal(frames_alloc(&x->f, 256, PG, 0), 3 * MiB);
	assert_int_equal(frames_alloc(&x->f, 1, 1 * GiB, 0), 1 * GiB);
	assert_int_equal(frames_alloc(&x->f, 1, 4 * GiB, 0), FRAMES_NONE);
	assert_int_equal(x->f.total - x->f.free, 1 + 512 + 256 + 1);
	fx_free(x);
}

/* Random operations checked against a plain bool-per-frame model. */
static void test_against_model(void **state)
{
	enum { N = 700 };
	struct fixture *x = fx_new((uint64_t)N * PG);
	bool used[N];
	uint64_t nfree = 0;
	uint32_t rng = 99;
	int allocs = 0, fails = 0;

	for (int i = 0; i < N; i++)
		used[i] = true;
	for (int step = 0; step < 20000; step++) {
		uint64_t a, b, count, align, max_end, limit, got;
		int op;

		rng = rng * 1103515245u + 12345u;
		op = (rng >> 16) % 8;
		rng = rng * 1103515245u + 12345u;
		a = (rng >> 8) % (N * PG + 3 * PG);
		rng = rng * 1103515245u + 12345u;
		b = (rng >> 8) % (40 * PG);

		if (op == 0) { /* add_free */
			frames_add_free(&x->f, a, b);
			for (uint64_t i = (a + PG - 1) / PG; i < (a + b) / PG && i < N; i++) {
				if (i > 0 && used[i]) {
					used[i] = false;
					nfree++;
				}
			}
		} else if (op == 1 && step % 5 == 0) { /* reserve, now and then */
			frames_reserve(&x->f, a, b);
			for (uint64_t i = a / PG; b && i < (a + b + PG - 1) / PG && i < N; i++) {
				if (!used[i]) {
					used[i] = true;
					nfree--;
				}
			}
		} else if (op <= 4) { /* alloc */
			count = 1 + (b / PG) % (op == 2 ? 1 : 12);
			align = PG << ((rng >> 4) % (op == 4 ? 6 : 1));
			max_end = (rng & 1) ? a : 0;
			limit = max_end && max_end / PG < N ? max_end / PG : N;
			got = frames_alloc(&x->f, count, align, max_end);
			if (got == FRAMES_NONE) {
				fails++;
				/* No aligned run of count free frames below limit. */
				for (uint64_t s = align / PG; s + count <= limit; s += align / PG) {
					uint64_t k = 0;

					while (k < count && !used[s + k])
						k++;
					assert_true(k < count);
				}
			} else {
				allocs++;
				assert_int_equal(got % align, 0);
				assert_true(got > 0);
				assert_true(got / PG + count <= limit);
				for (uint64_t k = 0; k < count; k++) {
					assert_false(used[got / PG + k]);
					used[got / PG + k] = true;
				}
				nfree -= count;
			}
		} else { /* free some allocated frame(s) */
			uint64_t s = a / PG, k = 0;

			count = 1 + (b / PG) % 4;
			while (s + k < N && k < count && s > 0 && used[s + k])
				k++;
			if (s == 0 || s >= N) {
				assert_int_equal(frames_free(&x->f, s * PG, count), -1);
			} else if (k == count) {
				/* may be a frame never added; the allocator cannot tell */
				assert_int_equal(frames_free(&x->f, s * PG, count), 0);
				for (k = 0; k < count; k++)
					used[s + k] = false;
				nfree += count;
			} else {
				assert_int_equal(frames_free(&x->f, s * PG, count), -1);
			}
		}
		assert_int_equal(x->f.free, nfree);
		if (step % 1000 == 0) {
			for (int i = 0; i < N; i++)
				assert_int_equal(frames_is_free(&x->f, (uint64_t)i * PG), !used[i]);
		}
	}
	/* Both outcomes were exercised, often. */
	assert_true(allocs > 1000);
	assert_true(fails > 1000);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bitmap_bytes),
		cmocka_unit_test(test_init_all_used),
		cmocka_unit_test(test_add_free_rounds_inward),
		cmocka_unit_test(test_frame_zero_never),
		cmocka_unit_test(test_reserve_rounds_outward),
		cmocka_unit_test(test_next_fit),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_max_end),
		cmocka_unit_test(test_contiguous_runs),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_bad_frees),
		cmocka_unit_test(test_partial_top_and_big_memory),
		cmocka_unit_test(test_against_model),
	};

	return cmocka_run_group_tests_name("frames", tests, NULL, NULL);
}
