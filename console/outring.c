/* console/outring.c - see outring.h. */
#include "console/outring.h"

#include <stdbool.h>

void outring_write(struct outring *r, const void *data, size_t n)
{
	const uint8_t *p = data;
	uint64_t h = r->head;
	for (size_t i = 0; i < n; i++)
		r->buf[(h + i) & (OUTRING_SIZE - 1)] = p[i];
	__atomic_store_n(&r->head, h + n, __ATOMIC_RELEASE);
}

size_t outring_tail(const struct outring *r, unsigned int max_lines, char *out, size_t cap)
{
	if (!cap)
		return 0;
	uint64_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	uint64_t avail = head < OUTRING_SIZE ? head : OUTRING_SIZE;
	if (avail > cap)
		avail = cap;
	/* Leave room: the writer may overwrite the oldest part while we copy. */
	if (avail > OUTRING_SIZE / 2 && head > OUTRING_SIZE / 2)
		avail = OUTRING_SIZE / 2;
	uint64_t start = head - avail;
	for (uint64_t i = 0; i < avail; i++)
		out[i] = (char)r->buf[(start + i) & (OUTRING_SIZE - 1)];
	uint64_t now = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	if (now - start > OUTRING_SIZE) { /* lapped while copying: drop the old part */
		uint64_t lost = now - start - OUTRING_SIZE;
		if (lost >= avail)
			return 0;
		for (uint64_t i = lost; i < avail; i++)
			out[i - lost] = out[i];
		avail -= lost;
	}
	/* From the start of the max_lines-th line before the end (an
	 * unfinished last line counts). */
	size_t begin = 0;
	unsigned int lines = 0;
	bool found = false;
	for (size_t i = avail; i > 0; i--) {
		if (out[i - 1] == '\n' && i != avail && ++lines >= max_lines) {
			begin = i;
			found = true;
			break;
		}
	}
	if (!found && head > avail) { /* the oldest line is cut: start at the next one */
		for (size_t i = 0; i < avail; i++)
			if (out[i] == '\n') {
				begin = i + 1;
				break;
			}
	}
	for (size_t i = begin; i < avail; i++)
		out[i - begin] = out[i];
	return avail - begin;
}
