/* Unit tests for console/complete.c: Tab completion of commands and VM names. */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "console/complete.h"

static const char *words[] = {"start", "stop", "status", "list", "log", "reset", NULL};

static const char *cand(void *ctx, int i)
{
	(void)ctx;
	return words[i];
}

static void check(const char *prefix, int want_matches, const char *want_out)
{
	char out[32];
	int m = complete_word(prefix, strlen(prefix), cand, NULL, out, sizeof(out));
	assert_int_equal(m, want_matches);
	assert_string_equal(out, want_out);
}

static void test_unique_match_gets_a_blank(void **state)
{
	(void)state;
	check("li", 1, "st ");
	check("r", 1, "eset ");
	check("list", 1, " ");
}

static void test_ambiguous_extends_to_the_common_part(void **state)
{
	(void)state;
	check("s", 3, "t");    /* start stop status: "st" */
	check("sta", 2, "");   /* start status: no more in common */
	check("sto", 1, "p ");
	check("l", 2, "");     /* list log */
}

static void test_no_match(void **state)
{
	(void)state;
	check("x", 0, "");
	check("lists", 0, "");
}

static void test_small_buffer(void **state)
{
	(void)state;
	char out[3];
	assert_int_equal(complete_word("r", 1, cand, NULL, out, sizeof(out)), 1);
	assert_string_equal(out, "es");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unique_match_gets_a_blank),
		cmocka_unit_test(test_ambiguous_extends_to_the_common_part),
		cmocka_unit_test(test_no_match),
		cmocka_unit_test(test_small_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
