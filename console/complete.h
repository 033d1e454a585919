/* console/complete.h - Tab completion of one word from a candidate list,
 * as a shell does it: the longest extension all matches share, plus a
 * blank when only one matches. Pure code (unit-tested on the host). */
#ifndef CONSOLE_COMPLETE_H
#define CONSOLE_COMPLETE_H

#include <stddef.h>

/* cand(ctx, i) returns the i-th candidate, NULL after the last. Writes the
 * text to insert after prefix into out (NUL-terminated) and returns the
 * number of candidates that start with prefix. */
int complete_word(const char *prefix, size_t plen, const char *(*cand)(void *ctx, int i), void *ctx,
		  char *out, size_t cap);

#endif
