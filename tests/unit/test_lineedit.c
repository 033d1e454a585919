/* Unit tests for console/lineedit.c: bytes in, line and echo out. */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "console/lineedit.h"

#define UP "\x1b[A"
#define DOWN "\x1b[B"
#define RIGHT "\x1b[C"
#define LEFT "\x1b[D"

struct term {
	char buf[8192];
	size_t n;
	struct ledit e;
	int lines;   /* LEDIT_LINE results seen */
	int cancels; /* LEDIT_CANCEL results seen */
	char last[LEDIT_MAX + 1]; /* copy of e.line at the last LEDIT_LINE */
};

static void term_out(void *ctx, const char *s, size_t n)
{
	struct term *t = ctx;

	assert_true(n > 0); /* no empty writes */
	assert_true(t->n + n < sizeof(t->buf));
	memcpy(t->buf + t->n, s, n);
	t->n += n;
	t->buf[t->n] = '\0';
}

static void term_reset_out(struct term *t)
{
	t->n = 0;
	t->buf[0] = '\0';
}

static struct term *term_new(void)
{
	struct term *t = test_calloc(1, sizeof(*t));

	ledit_init(&t->e, "keel> ", term_out, t);
	return t;
}

/* Feed a byte string; return the last result that was not LEDIT_NONE. */
static enum ledit_result feed(struct term *t, const char *s)
{
	enum ledit_result last = LEDIT_NONE;

	for (; *s; s++) {
		enum ledit_result r = ledit_feed(&t->e, (uint8_t)*s);

		if (r == LEDIT_LINE) {
			t->lines++;
			strcpy(t->last, t->e.line);
		} else if (r == LEDIT_CANCEL) {
			t->cancels++;
		}
		if (r != LEDIT_NONE)
			last = r;
	}
	return last;
}

/* Feed, and expect exactly this echo. */
static void feed_echo(struct term *t, const char *in, const char *echo)
{
	term_reset_out(t);
	feed(t, in);
	assert_string_equal(t->buf, echo);
}

static int setup(void **state)
{
	*state = term_new();
	return 0;
}

static int teardown(void **state)
{
	test_free(*state);
	return 0;
}

static void test_prompt_and_simple_line(void **state)
{
	struct term *t = *state;

	ledit_prompt(&t->e);
	assert_string_equal(t->buf, "keel> ");
	term_reset_out(t);
	assert_int_equal(feed(t, "ab\x7f"), LEDIT_NONE);
	assert_string_equal(t->buf, "ab\b\x1b[K");
	assert_int_equal(feed(t, "c\r"), LEDIT_LINE);
	assert_string_equal(t->buf, "ab\b\x1b[Kc\r\n");
	assert_string_equal(t->e.line, "ac");
	assert_int_equal(t->lines, 1);

	/* After the line, the prompt starts a fresh, empty one. */
	term_reset_out(t);
	ledit_prompt(&t->e);
	assert_string_equal(t->buf, "keel> ");
	assert_int_equal(t->e.len, 0);
	assert_string_equal(t->e.line, "");
}

static void test_enter_variants(void **state)
{
	struct term *t = *state;

	assert_int_equal(feed(t, "one\r\n"), LEDIT_LINE);
	assert_int_equal(t->lines, 1); /* \r\n is one Enter */
	assert_string_equal(t->last, "one");
	assert_int_equal(feed(t, "two\n"), LEDIT_LINE);
	assert_string_equal(t->last, "two");
	assert_int_equal(feed(t, "\r\r"), LEDIT_LINE);
	assert_int_equal(t->lines, 4); /* \r\r is two (empty) lines */
	assert_string_equal(t->last, "");
	assert_int_equal(feed(t, "y\n\r"), LEDIT_LINE);
	assert_int_equal(t->lines, 6); /* \n\r is two */
	assert_string_equal(t->last, "");
	/* \r then \n later, with a byte in between, is two Enters. */
	feed(t, "\rx\n");
	assert_int_equal(t->lines, 8);
	assert_string_equal(t->last, "x");
}

static void test_insert_in_middle(void **state)
{
	struct term *t = *state;

	feed_echo(t, "abd", "abd");
	feed_echo(t, LEFT, "\x1b[D");
	feed_echo(t, "c", "cd\x1b[D");
	assert_string_equal(t->e.line, "abcd");
	assert_int_equal(t->e.cur, 3);
	feed_echo(t, LEFT LEFT LEFT, LEFT LEFT LEFT);
	feed_echo(t, LEFT, ""); /* already at column 0 */
	feed_echo(t, "XY", "Xabcd\x1b[4DYabcd\x1b[4D");
	assert_string_equal(t->e.line, "XYabcd");
	feed_echo(t, RIGHT RIGHT RIGHT RIGHT, RIGHT RIGHT RIGHT RIGHT);
	feed_echo(t, RIGHT, ""); /* already at the end */
	assert_int_equal(feed(t, "\r"), LEDIT_LINE);
	assert_string_equal(t->last, "XYabcd");
}

static void test_home_end(void **state)
{
	struct term *t = *state;

	feed(t, "bc");
	feed_echo(t, "\x01", "\x1b[2D"); /* Ctrl-A */
	feed_echo(t, "a", "abc\x1b[2D");
	feed_echo(t, "\x05", "\x1b[2C"); /* Ctrl-E */
	feed_echo(t, "\x05", "");
	feed_echo(t, "\x1b[H", "\x1b[3D");
	feed_echo(t, "\x1b[F", "\x1b[3C");
	feed_echo(t, "\x1b[1~", "\x1b[3D");
	feed_echo(t, "\x1b[4~", "\x1b[3C");
	feed_echo(t, "\x1bOH", "\x1b[3D");
	feed_echo(t, "\x1bOF", "\x1b[3C");
	feed_echo(t, "\x1b[7~", "\x1b[3D");
	feed_echo(t, "\x1b[8~", "\x1b[3C");
	feed_echo(t, "\x1bOD\x1bOD\x1bOC", LEFT LEFT RIGHT); /* SS3 arrows */
	feed_echo(t, "\x02\x06", LEFT RIGHT);                 /* Ctrl-B, Ctrl-F */
	assert_string_equal(t->e.line, "abc");
	assert_int_equal(t->e.cur, 2);
}

static void test_backspace_delete(void **state)
{
	struct term *t = *state;

	feed(t, "abc");
	feed_echo(t, LEFT "\x7f", LEFT "\bc\x1b[K\x1b[D");
	assert_string_equal(t->e.line, "ac");
	feed_echo(t, "\x08", "\bc\x1b[K\x1b[D"); /* Ctrl-H is Backspace too */
	assert_string_equal(t->e.line, "c");
	feed_echo(t, "\x7f", ""); /* nothing left of the cursor */
	feed_echo(t, "\x1b[3~", "\x1b[K");
	assert_string_equal(t->e.line, "");
	feed_echo(t, "\x1b[3~", "");

	feed(t, "wxyz\x01");
	feed_echo(t, "\x1b[3~", "xyz\x1b[K\x1b[3D");
	assert_string_equal(t->e.line, "xyz");
	feed_echo(t, "\x05\x1b[3~", "\x1b[3C"); /* Delete at the end: nothing */
	assert_int_equal(feed(t, "\r"), LEDIT_LINE);
	assert_string_equal(t->last, "xyz");
}

static void test_kill(void **state)
{
	struct term *t = *state;

	feed(t, "hello");
	feed_echo(t, LEFT LEFT "\x15", LEFT LEFT "\x1b[3D\x1b[K");
	assert_string_equal(t->e.line, "");
	assert_int_equal(t->e.cur, 0);
	feed_echo(t, "\x15", ""); /* empty: nothing to kill */
	feed(t, "show vms");
	feed_echo(t, "\x01\x06\x06\x06\x06\x0b", "\x1b[8D" RIGHT RIGHT RIGHT RIGHT "\x1b[K");
	assert_string_equal(t->e.line, "show");
	assert_int_equal(feed(t, "\r"), LEDIT_LINE);
	assert_string_equal(t->last, "show");
}

static void test_ctrl_c(void **state)
{
	struct term *t = *state;

	assert_int_equal(feed(t, "reboot"), LEDIT_NONE);
	term_reset_out(t);
	assert_int_equal(feed(t, "\x03"), LEDIT_CANCEL);
	assert_string_equal(t->buf, "^C\r\n");
	assert_int_equal(t->e.len, 0);
	assert_string_equal(t->e.line, "");
	assert_int_equal(feed(t, "ls\r"), LEDIT_LINE);
	assert_string_equal(t->last, "ls");
	/* The cancelled line is not in history. */
	feed_echo(t, UP, "ls\x1b[K");
	feed_echo(t, UP, "");
}

static void test_history(void **state)
{
	struct term *t = *state;

	feed_echo(t, UP, "");   /* empty history */
	feed_echo(t, DOWN, "");
	feed(t, "one\rtwo\rtwo\r\rthree\r");
	assert_int_equal(t->lines, 5);

	feed_echo(t, UP, "three\x1b[K");
	feed_echo(t, UP, "\x1b[5Dtwo\x1b[K"); /* "two" entered twice: kept once */
	feed_echo(t, "\x1bOA", "\x1b[3Done\x1b[K");
	feed_echo(t, UP, ""); /* oldest reached */
	feed_echo(t, DOWN, "\x1b[3Dtwo\x1b[K");
	feed_echo(t, "\x1bOB", "\x1b[3Dthree\x1b[K");
	feed_echo(t, DOWN, "\x1b[5D\x1b[K"); /* past the newest: empty line */
	assert_string_equal(t->e.line, "");
	feed_echo(t, DOWN, "");

	/* Recall, edit, enter: the edit is a new entry; old ones unchanged. */
	feed(t, UP UP "s");
	assert_string_equal(t->e.line, "twos");
	assert_int_equal(feed(t, "\r"), LEDIT_LINE);
	assert_string_equal(t->last, "twos");
	feed_echo(t, UP, "twos\x1b[K");
	feed_echo(t, UP, "\x1b[4Dthree\x1b[K");
	feed_echo(t, UP, "\x1b[5Dtwo\x1b[K");
	/* Ctrl-P / Ctrl-N move through history too. */
	feed_echo(t, "\x0e", "\x1b[3Dthree\x1b[K");
	feed_echo(t, "\x10", "\x1b[5Dtwo\x1b[K");
	/* Enter on a recalled line returns it and goes back to a new line. */
	assert_int_equal(feed(t, "\r"), LEDIT_LINE);
	assert_string_equal(t->last, "two");
	feed_echo(t, UP, "two\x1b[K");
}

static void test_history_capacity(void **state)
{
	struct term *t = *state;
	char cmd[32];

	for (int i = 0; i < 20; i++) {
		snprintf(cmd, sizeof(cmd), "cmd%d\r", i);
		feed(t, cmd);
	}
	for (int i = 19; i >= 20 - LEDIT_HIST; i--) {
		feed(t, UP);
		snprintf(cmd, sizeof(cmd), "cmd%d", i);
		assert_string_equal(t->e.line, cmd);
	}
	feed_echo(t, UP, ""); /* cmd3 and older are gone */
	assert_string_equal(t->e.line, "cmd4");
}

static void test_max_length(void **state)
{
	struct term *t = *state;
	char in[301];

	memset(in, 'a', 300);
	in[300] = '\0';
	term_reset_out(t);
	feed(t, in);
	assert_int_equal(t->e.len, LEDIT_MAX);
	assert_int_equal(t->n, LEDIT_MAX); /* excess neither stored nor echoed */
	/* Editing still works at the limit. */
	feed_echo(t, "\x7f" "b", "\b\x1b[Kb");
	feed_echo(t, "c", "");
	assert_int_equal(feed(t, "\r"), LEDIT_LINE);
	assert_int_equal(strlen(t->last), LEDIT_MAX);
	assert_int_equal(t->last[LEDIT_MAX - 1], 'b');
}

static void test_ignored_input(void **state)
{
	struct term *t = *state;

	feed(t, "ab");
	feed_echo(t, "\x1b[5~", "");      /* PgUp */
	feed_echo(t, "\x1b[2J", "");      /* not a key */
	feed_echo(t, "\x1b[15;2~", "");   /* Shift-F5 */
	feed_echo(t, "\x1bOP", "");       /* F1 */
	feed_echo(t, "\x1bx", "");        /* Alt-x */
	feed_echo(t, "\x1b\x1b[3~", "");  /* ESC ESC then Delete at end */
	feed_echo(t, "\x1b[99999999999~", ""); /* huge parameter */
	feed_echo(t, "\x07\x04\x0c\x12\x1a\x80\xff\t", "");
	feed_echo(t, "\x1b[1;5D", LEFT); /* Ctrl-Left: first parameter, left */
	assert_string_equal(t->e.line, "ab");
	assert_int_equal(t->e.cur, 1);
	/* A control byte cuts an escape sequence short and still acts. */
	assert_int_equal(feed(t, "\x1b[1\x03"), LEDIT_CANCEL);
	assert_int_equal(feed(t, "z\x1b\r"), LEDIT_LINE);
	assert_string_equal(t->last, "z");
	assert_int_equal(feed(t, "\x1bO\x7fq\r"), LEDIT_LINE);
	assert_string_equal(t->last, "q");
}

static void complete_status(void *ctx, struct ledit *e)
{
	struct term *t = ctx;

	assert_ptr_equal(e, &t->e);
	if (strcmp(e->line, "sta") == 0)
		ledit_insert(e, "tus\x01 ");
}

static void test_completion(void **state)
{
	struct term *t = *state;

	feed_echo(t, "sta\t", "sta"); /* no hook: Tab ignored */
	t->e.complete = complete_status;
	feed_echo(t, "\t", "tus ");
	assert_string_equal(t->e.line, "status ");
	assert_int_equal(t->e.cur, 7);
	/* Insert in the middle redraws the tail once. */
	feed(t, "\x01");
	term_reset_out(t);
	ledit_insert(&t->e, "x!");
	assert_string_equal(t->buf, "x!status \x1b[7D");
	assert_string_equal(t->e.line, "x!status ");
}

static void test_prompt_redraws(void **state)
{
	struct term *t = *state;

	ledit_set_prompt(&t->e, "vm0> ");
	feed(t, "info" LEFT LEFT);
	term_reset_out(t);
	ledit_prompt(&t->e); /* e.g. after a log line interrupted editing */
	assert_string_equal(t->buf, "vm0> info\x1b[2D");
	assert_int_equal(feed(t, "X\r"), LEDIT_LINE);
	assert_string_equal(t->last, "inXfo");
	/* e->line stays valid after LEDIT_LINE until the next input. */
	assert_string_equal(t->e.line, "inXfo");
	feed(t, "\x07");
	assert_string_equal(t->e.line, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prompt_and_simple_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enter_variants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insert_in_middle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_home_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backspace_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctrl_c, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_capacity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ignored_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_completion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prompt_redraws, setup, teardown),
	};

	return cmocka_run_group_tests_name("lineedit", tests, NULL, NULL);
}
