/* console/outring.h - a guest's recent console output, kept while no one
 * is attached and replayed on `console NAME` (as `xl console` or virsh
 * show nothing of the past, operators lose boot messages; we keep them).
 * One writer (the VM's CPU) and readers on the console CPU: the writer
 * only ever advances `head`, and a reader copies and then checks that
 * what it copied was not overwritten meanwhile. Pure code. */
#ifndef KEEL_CONSOLE_OUTRING_H
#define KEEL_CONSOLE_OUTRING_H

#include <stddef.h>
#include <stdint.h>

#define OUTRING_SIZE 16384 /* a power of two */

struct outring {
	uint8_t buf[OUTRING_SIZE];
	volatile uint64_t head; /* bytes ever written */
};

void outring_write(struct outring *r, const void *data, size_t n);
/* Copies the last lines (at most max_lines, at most cap bytes) into out,
 * starting at a line boundary when the ring still holds one; returns the
 * length. */
size_t outring_tail(const struct outring *r, unsigned int max_lines, char *out, size_t cap);

#endif
