/* Unit tests for console/outring.c: a VM's recent console output. */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "console/outring.h"

static struct outring r;
static char out[OUTRING_SIZE];

static int setup(void **state)
{
	(void)state;
	memset(&r, 0, sizeof(r));
	return 0;
}

static void put(const char *s)
{
	outring_write(&r, s, strlen(s));
}

static void test_last_lines(void **state)
{
	(void)state;
	put("one\ntwo\nthree\nfour\n");
	size_t n = outring_tail(&r, 2, out, sizeof(out));
	assert_int_equal(n, strlen("three\nfour\n"));
	assert_memory_equal(out, "three\nfour\n", n);
	n = outring_tail(&r, 10, out, sizeof(out));
	assert_memory_equal(out, "one\ntwo\nthree\nfour\n", n);
	/* an unfinished last line counts as a line */
	put("guest# ");
	n = outring_tail(&r, 2, out, sizeof(out));
	assert_int_equal(n, strlen("four\nguest# "));
	assert_memory_equal(out, "four\nguest# ", n);
}

static void test_wraps_and_starts_at_a_line(void **state)
{
	(void)state;
	char line[64];
	for (int i = 0; i < 3000; i++) { /* about 3x the ring */
		snprintf(line, sizeof(line), "line %04d of the boot log\n", i);
		put(line);
	}
	size_t n = outring_tail(&r, 1000000, out, sizeof(out));
	assert_true(n > 0 && n <= OUTRING_SIZE / 2);
	assert_memory_equal(out, "line ", 5); /* starts at a whole line */
	assert_memory_equal(out + n - 26, "line 2999 of the boot log\n", 26);
	n = outring_tail(&r, 1, out, sizeof(out));
	assert_int_equal(n, 26);
}

static void test_empty_and_small_cap(void **state)
{
	(void)state;
	assert_int_equal(outring_tail(&r, 5, out, sizeof(out)), 0);
	put("abcdef\nghij\n");
	size_t n = outring_tail(&r, 5, out, 8);
	assert_true(n <= 8);
	assert_memory_equal(out, "ghij\n", n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_last_lines, setup),
		cmocka_unit_test_setup(test_wraps_and_starts_at_a_line, setup),
		cmocka_unit_test_setup(test_empty_and_small_cap, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
