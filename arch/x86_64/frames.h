/* Physical frame allocator: one bit per 4 KiB frame, set = in use.
 *
 * frames_init marks everything used; the boot code then frees the usable
 * ranges of the firmware memory map and reserves what it keeps (its own
 * image, this bitmap, ...). Single frames come next-fit from a moving
 * hint; runs and aligned blocks first-fit from the bottom. Frame 0 is
 * never handed out. Not thread-safe: callers hold a lock.
 * Pure code: builds on the host too.
 */
#ifndef KEEL_ARCH_FRAMES_H
#define KEEL_ARCH_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_SIZE 4096u
#define FRAME_SHIFT 12
#define FRAMES_NONE UINT64_MAX

struct frames {
	uint64_t *bitmap;
	uint64_t nframes; /* whole frames below top */
	uint64_t hint;    /* where the next single-frame search starts */
	/* Frames handed to the allocator (freed by add_free, less those
	 * reserved again); total - free is what frames_alloc has out. */
	uint64_t total;
	uint64_t free;
};

/* Bitmap size for physical addresses below top (a multiple of 8 bytes). */
size_t frames_bitmap_bytes(uint64_t top);

/* bitmap: frames_bitmap_bytes(top) bytes, 8-byte aligned. All frames
 * start used. */
void frames_init(struct frames *f, void *bitmap, uint64_t top);

/* Free the whole frames inside [base, base + len) (rounded inward). */
void frames_add_free(struct frames *f, uint64_t base, uint64_t len);

/* Mark every frame touching [base, base + len) used (rounded outward). */
void frames_reserve(struct frames *f, uint64_t base, uint64_t len);

/* count contiguous frames at an address aligned to align (bytes, a power
 * of two; less than 4096 means 4096), ending at or below max_end (0: no
 * limit). Returns the physical address or FRAMES_NONE. */
uint64_t frames_alloc(struct frames *f, uint64_t count, uint64_t align,
		      uint64_t max_end);

/* Give back count frames at phys. Returns -1, changing nothing, if phys
 * is not frame-aligned, the range is outside the bitmap or holds frame
 * 0, or any frame in it is already free (a double free). */
int frames_free(struct frames *f, uint64_t phys, uint64_t count);

bool frames_is_free(const struct frames *f, uint64_t phys);

#endif
