/* console/complete.c - see complete.h. */
#include "console/complete.h"

#include <string.h>

int complete_word(const char *prefix, size_t plen, const char *(*cand)(void *ctx, int i), void *ctx,
		  char *out, size_t cap)
{
	int matches = 0;
	size_t common = 0;
	const char *first = NULL;

	if (!cap)
		return 0;
	out[0] = 0;
	for (int i = 0;; i++) {
		const char *c = cand(ctx, i);
		if (!c)
			break;
		if (strncmp(c, prefix, plen) != 0 || strlen(c) < plen)
			continue;
		if (!matches++) {
			first = c;
			common = strlen(c) - plen;
		} else {
			size_t k = 0;
			while (k < common && c[plen + k] == first[plen + k])
				k++;
			common = k;
		}
	}
	if (!matches)
		return 0;
	if (common >= cap)
		common = cap - 1;
	memcpy(out, first + plen, common);
	out[common] = 0;
	if (matches == 1 && common + 1 < cap) {
		out[common] = ' ';
		out[common + 1] = 0;
	}
	return matches;
}
