/* Physical frame allocator over a bitmap (see frames.h).
 *
 * Bit i of bitmap word i / 64 stands for frame i; bits past nframes in the
 * last word stay set, so searches never return them. Word-wide masks keep
 * freeing or reserving gigabytes to a few hundred thousand operations.
 */
#include "arch/x86_64/frames.h"

#include <string.h> /* memset */

#define FRAMES_ALL ~(uint64_t)0

static uint64_t frames_round_up(uint64_t x, uint64_t step)
{
	return (x + step - 1) & ~(step - 1);
}

/* Bits [lo, hi) of one word, 0 <= lo < hi <= 64. */
static uint64_t frames_mask(unsigned lo, unsigned hi)
{
	uint64_t upto = hi == 64 ? FRAMES_ALL : ((uint64_t)1 << hi) - 1;

	return upto & (FRAMES_ALL << lo);
}

/* Mark frames [s, e) used or free; returns how many changed state. */
static uint64_t frames_mark(struct frames *f, uint64_t s, uint64_t e,
			    bool used)
{
	uint64_t changed = 0;

	while (s < e) {
		uint64_t w = s / 64;
		unsigned lo = (unsigned)(s % 64);
		unsigned hi = e - w * 64 < 64 ? (unsigned)(e - w * 64) : 64;
		uint64_t m = frames_mask(lo, hi);
		uint64_t old = f->bitmap[w];

		if (used) {
			changed += (uint64_t)__builtin_popcountll(~old & m);
			f->bitmap[w] = old | m;
		} else {
			changed += (uint64_t)__builtin_popcountll(old & m);
			f->bitmap[w] = old & ~m;
		}
		s = w * 64 + hi;
	}
	return changed;
}

/* First frame in [s, e) that is used (or free, if !used); e if none. */
static uint64_t frames_find(const struct frames *f, uint64_t s, uint64_t e,
			    bool used)
{
	while (s < e) {
		uint64_t w = s / 64;
		uint64_t bits = used ? f->bitmap[w] : ~f->bitmap[w];

		bits &= FRAMES_ALL << (s % 64);
		if (bits) {
			uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(bits);

			return i < e ? i : e;
		}
		s = (w + 1) * 64;
	}
	return e;
}

size_t frames_bitmap_bytes(uint64_t top)
{
	return (size_t)(((top >> FRAME_SHIFT) + 63) / 64 * 8);
}

void frames_init(struct frames *f, void *bitmap, uint64_t top)
{
	f->bitmap = bitmap;
	f->nframes = top >> FRAME_SHIFT;
	f->hint = 1;
	f->total = 0;
	f->free = 0;
	memset(bitmap, 0xff, frames_bitmap_bytes(top));
}

/* base + len, saturating instead of wrapping. */
static uint64_t frames_end(uint64_t base, uint64_t len)
{
	return len > UINT64_MAX - base ? UINT64_MAX : base + len;
}

void frames_add_free(struct frames *f, uint64_t base, uint64_t len)
{
	uint64_t s = (base >> FRAME_SHIFT) + ((base & (FRAME_SIZE - 1)) != 0);
	uint64_t e = frames_end(base, len) >> FRAME_SHIFT;
	uint64_t n;

	if (s == 0)
		s = 1; /* frame 0 stays used for good */
	if (e > f->nframes)
		e = f->nframes;
	if (s >= e)
		return;
	n = frames_mark(f, s, e, false);
	f->total += n;
	f->free += n;
}

void frames_reserve(struct frames *f, uint64_t base, uint64_t len)
{
	uint64_t end = frames_end(base, len);
	uint64_t s = base >> FRAME_SHIFT;
	uint64_t e = (end >> FRAME_SHIFT) + ((end & (FRAME_SIZE - 1)) != 0);
	uint64_t n;

	if (len == 0)
		return;
	if (e > f->nframes)
		e = f->nframes;
	if (s >= e)
		return;
	n = frames_mark(f, s, e, true);
	f->total -= n;
	f->free -= n;
}

uint64_t frames_alloc(struct frames *f, uint64_t count, uint64_t align,
		      uint64_t max_end)
{
	uint64_t limit = f->nframes;
	uint64_t step, s;

	if (align < FRAME_SIZE)
		align = FRAME_SIZE;
	if (count == 0 || count > f->free || (align & (align - 1)) != 0)
		return FRAMES_NONE;
	step = align >> FRAME_SHIFT;
	if (max_end != 0 && (max_end >> FRAME_SHIFT) < limit)
		limit = max_end >> FRAME_SHIFT;

	if (count == 1 && step == 1) {
		/* next fit: from the hint to the limit, then from the bottom */
		uint64_t start = f->hint < limit ? f->hint : 1;
		uint64_t i = frames_find(f, start, limit, false);

		if (i == limit) {
			i = frames_find(f, 1, start, false);
			if (i == start)
				return FRAMES_NONE;
		}
		frames_mark(f, i, i + 1, true);
		f->free--;
		f->hint = i + 1;
		return i << FRAME_SHIFT;
	}

	/* first fit: try each aligned start; on a used frame, jump past it */
	s = frames_round_up(1, step);
	while (s < limit && count <= limit - s) {
		uint64_t used = frames_find(f, s, s + count, true);

		if (used == s + count) {
			frames_mark(f, s, s + count, true);
			f->free -= count;
			return s << FRAME_SHIFT;
		}
		s = frames_find(f, used + 1, limit, false);
		s = frames_round_up(s, step);
	}
	return FRAMES_NONE;
}

int frames_free(struct frames *f, uint64_t phys, uint64_t count)
{
	uint64_t s = phys >> FRAME_SHIFT;

	if ((phys & (FRAME_SIZE - 1)) != 0 || s == 0 || s >= f->nframes ||
	    count > f->nframes - s)
		return -1;
	if (frames_find(f, s, s + count, false) != s + count)
		return -1; /* double free: leave everything as it was */
	frames_mark(f, s, s + count, false);
	f->free += count;
	return 0;
}

bool frames_is_free(const struct frames *f, uint64_t phys)
{
	uint64_t i = phys >> FRAME_SHIFT;

	return i < f->nframes && !(f->bitmap[i / 64] >> (i % 64) & 1);
}
