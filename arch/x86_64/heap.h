/* The heap newlib's malloc grows into through _sbrk: one arena reserved at boot. */
#ifndef ARCH_X86_64_HEAP_H
#define ARCH_X86_64_HEAP_H

#include <stddef.h>
#include <stdint.h>

void heap_init(void *base, size_t size);
struct heap_stats {
	size_t arena; /* bytes handed to malloc so far */
	size_t size; /* the whole reservation */
	size_t in_use; /* bytes in allocated blocks */
	size_t free; /* free bytes inside the arena */
};
void heap_stats(struct heap_stats *s);

#endif
