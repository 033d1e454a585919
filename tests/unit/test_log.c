/* Unit tests for console/log.c: the dmesg record ring. */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "console/log.h"

/* Read every kept record; check they are consecutive and return the count. */
static size_t dump(const struct log_ring *r, char texts[][128], size_t max)
{
	uint64_t seq = 0;
	struct log_entry e;
	char buf[128];
	size_t n = 0;

	while (log_ring_next(r, &seq, &e, buf, sizeof(buf))) {
		assert_int_equal(seq, e.seq + 1);
		assert_int_equal(e.len, strlen(buf));
		if (n < max)
			strcpy(texts[n], buf);
		n++;
	}
	assert_int_equal(n, r->count);
	return n;
}

static void test_level_names(void **state)
{
	enum log_level l = LOG_INFO;

	assert_string_equal(log_level_name(LOG_ERR), "error");
	assert_string_equal(log_level_name(LOG_WARN), "warn");
	assert_string_equal(log_level_name(LOG_INFO), "info");
	assert_string_equal(log_level_name(LOG_DEBUG), "debug");
	assert_string_equal(log_level_name((enum log_level)7), "?");

	assert_int_equal(log_level_parse("debug", &l), 0);
	assert_int_equal(l, LOG_DEBUG);
	assert_int_equal(log_level_parse("error", &l), 0);
	assert_int_equal(l, LOG_ERR);
	assert_int_equal(log_level_parse("warn", &l), 0);
	assert_int_equal(l, LOG_WARN);
	assert_int_equal(log_level_parse("info", &l), 0);
	assert_int_equal(l, LOG_INFO);
	assert_int_equal(log_level_parse("warning", &l), -1);
	assert_int_equal(log_level_parse("INFO", &l), -1);
	assert_int_equal(log_level_parse("", &l), -1);
	assert_int_equal(l, LOG_INFO); /* untouched on failure */
}

static void test_add_and_read(void **state)
{
	uint8_t buf[1024];
	struct log_ring r;
	struct log_entry e;
	char text[64];
	uint64_t seq = 0;

	log_ring_init(&r, buf, sizeof(buf));
	assert_false(log_ring_next(&r, &seq, &e, text, sizeof(text)));

	log_ring_add(&r, 100, LOG_INFO, "keel 0.1.0 starting");
	log_ring_add(&r, 250, LOG_ERR, "vmx: VMXON failed");
	log_ring_add(&r, 900, LOG_DEBUG, "");
	assert_int_equal(r.added, 3);
	assert_int_equal(log_ring_dropped(&r), 0);

	assert_true(log_ring_next(&r, &seq, &e, text, sizeof(text)));
	assert_int_equal(e.seq, 0);
	assert_int_equal(e.ts, 100);
	assert_int_equal(e.level, LOG_INFO);
	assert_string_equal(text, "keel 0.1.0 starting");
	assert_int_equal(e.len, 19);
	assert_false(e.truncated);
	assert_int_equal(seq, 1);

	assert_true(log_ring_next(&r, &seq, &e, text, sizeof(text)));
	assert_int_equal(e.seq, 1);
	assert_int_equal(e.ts, 250);
	assert_int_equal(e.level, LOG_ERR);
	assert_string_equal(text, "vmx: VMXON failed");

	assert_true(log_ring_next(&r, &seq, &e, text, sizeof(text)));
	assert_int_equal(e.seq, 2);
	assert_int_equal(e.level, LOG_DEBUG);
	assert_string_equal(text, "");
	assert_int_equal(e.len, 0);

	assert_false(log_ring_next(&r, &seq, &e, text, sizeof(text)));
	assert_int_equal(seq, 3);

	/* A reader that stopped picks up only what is new. */
	log_ring_add(&r, 901, LOG_WARN, "late");
	assert_true(log_ring_next(&r, &seq, &e, text, sizeof(text)));
	assert_int_equal(e.seq, 3);
	assert_string_equal(text, "late");
	assert_false(log_ring_next(&r, &seq, NULL, NULL, 0));
}

static void test_strip_newline(void **state)
{
	uint8_t buf[512];
	struct log_ring r;
	char texts[8][128];

	log_ring_init(&r, buf, sizeof(buf));
	log_ring_add(&r, 0, LOG_INFO, "one\n");
	log_ring_add(&r, 0, LOG_INFO, "two\r\n");
	log_ring_add(&r, 0, LOG_INFO, "\n");
	log_ring_add(&r, 0, LOG_INFO, "mid\nline\n\n");
	log_ring_add(&r, 0, LOG_INFO, NULL);
	assert_int_equal(dump(&r, texts, 8), 5);
	assert_string_equal(texts[0], "one");
	assert_string_equal(texts[1], "two");
	assert_string_equal(texts[2], "");
	assert_string_equal(texts[3], "mid\nline");
	assert_string_equal(texts[4], "");
}

static void test_truncation(void **state)
{
	uint8_t buf[256]; /* longest text kept: 256 / 4 = 64 bytes */
	struct log_ring r;
	struct log_entry e;
	char longtext[200];
	char text[128];
	char small[5];
	uint64_t seq = 0;

	for (size_t i = 0; i < sizeof(longtext) - 1; i++)
		longtext[i] = (char)('a' + i % 26);
	longtext[sizeof(longtext) - 1] = '\0';

	log_ring_init(&r, buf, sizeof(buf));
	log_ring_add(&r, 7, LOG_WARN, longtext);
	assert_true(log_ring_next(&r, &seq, &e, text, sizeof(text)));
	assert_true(e.truncated);
	assert_int_equal(e.len, 64);
	assert_int_equal(strlen(text), 64);
	assert_memory_equal(text, longtext, 64);

	/* Exactly the limit is not truncated. */
	longtext[64] = '\0';
	log_ring_add(&r, 8, LOG_WARN, longtext);
	assert_true(log_ring_next(&r, &seq, &e, text, sizeof(text)));
	assert_false(e.truncated);
	assert_int_equal(e.len, 64);

	/* A short reader buffer cuts the copy, not the record. */
	seq = 0;
	assert_true(log_ring_next(&r, &seq, &e, small, sizeof(small)));
	assert_string_equal(small, "abcd");
	assert_int_equal(e.len, 64);
	assert_int_equal(seq, 1);
}

static void test_wraparound_fixed(void **state)
{
	uint8_t buf[256];
	struct log_ring r;
	char texts[16][128];
	char msg[16];

	log_ring_init(&r, buf, sizeof(buf));
	/* "msg-NNN" is 7 bytes: 16 + 7 -> 24-byte records, 10 fit in 256
	 * (240 bytes; the last 16 hold a wrap marker). */
	for (int i = 0; i < 10; i++) {
		snprintf(msg, sizeof(msg), "msg-%03d", i);
		log_ring_add(&r, (uint64_t)i, LOG_INFO, msg);
	}
	assert_int_equal(r.count, 10);
	assert_int_equal(log_ring_dropped(&r), 0);

	snprintf(msg, sizeof(msg), "msg-%03d", 10);
	log_ring_add(&r, 10, LOG_INFO, msg);
	assert_int_equal(r.count, 10);
	assert_int_equal(log_ring_dropped(&r), 1);
	assert_int_equal(log_ring_first_seq(&r), 1);

	for (int i = 11; i < 53; i++) {
		snprintf(msg, sizeof(msg), "msg-%03d", i);
		log_ring_add(&r, (uint64_t)i, LOG_INFO, msg);
	}
	assert_int_equal(r.added, 53);
	assert_int_equal(dump(&r, texts, 16), 10);
	assert_int_equal(log_ring_dropped(&r), 43);
	for (int i = 0; i < 10; i++) {
		snprintf(msg, sizeof(msg), "msg-%03d", 43 + i);
		assert_string_equal(texts[i], msg);
	}
}

static void test_stale_seq_jumps_to_oldest(void **state)
{
	uint8_t buf[256];
	struct log_ring r;
	struct log_entry e;
	char text[64];
	char msg[16];
	uint64_t seq;

	log_ring_init(&r, buf, sizeof(buf));
	for (int i = 0; i < 30; i++) {
		snprintf(msg, sizeof(msg), "msg-%03d", i);
		log_ring_add(&r, (uint64_t)i * 10, LOG_INFO, msg);
	}
	assert_int_equal(log_ring_first_seq(&r), 20);

	seq = 3; /* the reader fell behind: records 3..19 are gone */
	assert_true(log_ring_next(&r, &seq, &e, text, sizeof(text)));
	assert_int_equal(e.seq, 20);
	assert_int_equal(e.ts, 200);
	assert_string_equal(text, "msg-020");
	assert_int_equal(seq, 21);

	seq = 25; /* resume in the middle */
	assert_true(log_ring_next(&r, &seq, &e, text, sizeof(text)));
	assert_int_equal(e.seq, 25);
	assert_string_equal(text, "msg-025");

	seq = 29;
	assert_true(log_ring_next(&r, &seq, &e, text, sizeof(text)));
	assert_string_equal(text, "msg-029");
	assert_false(log_ring_next(&r, &seq, &e, text, sizeof(text)));
	seq = 1000;
	assert_false(log_ring_next(&r, &seq, &e, text, sizeof(text)));
	assert_int_equal(seq, 1000);
}

/* Variable lengths through an unaligned buffer, checked against the list
 * of everything added: the kept records must be the newest ones, intact,
 * and the ring must stay reasonably full. */
static void test_wraparound_random(void **state)
{
	static uint8_t backing[1000 + 3];
	static char added[3000][80];
	uint8_t *buf = backing + 3;
	struct log_ring r;
	struct log_entry e;
	char text[128];
	uint32_t rng = 12345;

	log_ring_init(&r, buf, 1000); /* usable 1000, max text 250 */
	for (int i = 0; i < 3000; i++) {
		size_t len;

		rng = rng * 1103515245u + 12345u;
		len = (rng >> 16) % 79;
		for (size_t k = 0; k < len; k++)
			added[i][k] = (char)('A' + (i + k) % 26);
		added[i][len] = '\0';
		log_ring_add(&r, (uint64_t)i * 3, (enum log_level)(i % 4), added[i]);

		if (i % 97 == 0 || i == 2999) {
			uint64_t seq = 0;
			uint64_t expect = log_ring_first_seq(&r);
			size_t bytes = 0;

			while (log_ring_next(&r, &seq, &e, text, sizeof(text))) {
				assert_int_equal(e.seq, expect);
				assert_int_equal(e.ts, expect * 3);
				assert_int_equal(e.level, expect % 4);
				assert_string_equal(text, added[expect]);
				bytes += (16 + e.len + 7) / 8 * 8;
				expect++;
			}
			assert_int_equal(expect, (uint64_t)i + 1);
			assert_true(bytes <= 1000);
			if (i > 100) /* lost at most two records' worth plus a wrap */
				assert_true(bytes >= 1000 - 2 * (16 + 80) - 16);
		}
	}
	assert_int_equal(r.added, 3000);
	assert_int_equal(log_ring_dropped(&r) + r.count, 3000);
}

static void test_tiny_buffer(void **state)
{
	uint8_t buf[LOG_RING_MIN_SIZE - 1];
	struct log_ring r;
	uint64_t seq = 0;
	char text[8];

	log_ring_init(&r, buf, sizeof(buf));
	log_ring_add(&r, 1, LOG_ERR, "x");
	log_ring_add(&r, 2, LOG_ERR, "y");
	assert_int_equal(r.added, 2);
	assert_int_equal(log_ring_dropped(&r), 2);
	assert_false(log_ring_next(&r, &seq, NULL, text, sizeof(text)));

	/* The smallest useful ring keeps at least the newest record. */
	uint8_t buf2[LOG_RING_MIN_SIZE];
	log_ring_init(&r, buf2, sizeof(buf2));
	for (int i = 0; i < 5; i++)
		log_ring_add(&r, (uint64_t)i, LOG_ERR, "0123456789abcdefghij");
	assert_true(r.count >= 1);
	seq = 0;
	assert_true(log_ring_next(&r, &seq, NULL, text, sizeof(text)));
	assert_string_equal(text, "0123456"); /* 16-byte limit, cut to 7 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_names),
		cmocka_unit_test(test_add_and_read),
		cmocka_unit_test(test_strip_newline),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_wraparound_fixed),
		cmocka_unit_test(test_stale_seq_jumps_to_oldest),
		cmocka_unit_test(test_wraparound_random),
		cmocka_unit_test(test_tiny_buffer),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
