/*
 * vm/bus.h - address-decoding buses: one instance for port I/O, one for
 * MMIO, same code.
 *
 * A device registers a range [base, base + len) with a const struct
 * bus_ops and an opaque device pointer; its handlers get the offset inside
 * the range. Overlapping registrations are refused. An access that lies in
 * one range goes to that device whole (split into pieces of at most the
 * device's max_size); an access that straddles two ranges, or a range and
 * a hole, is split into byte accesses. Bytes nobody claims read as 0xff;
 * writes to them are dropped. Both are counted.
 *
 * The buses allocate nothing: the table lives in struct bus.
 */
#ifndef KEEL_VM_BUS_H
#define KEEL_VM_BUS_H

#include <stdint.h>

#define BUS_MAX_RANGES 128

struct bus_ops {
	/* size is 1, 2, 4 or 8; the bus masks the result to size bytes */
	uint64_t (*read)(void *dev, uint64_t offset, unsigned int size);
	void (*write)(void *dev, uint64_t offset, unsigned int size,
		      uint64_t value);
	/* largest access the device takes in one call; 0 means 8 */
	unsigned int max_size;
};

struct bus_range {
	uint64_t base;
	uint64_t last;          /* inclusive, so a range may end at 2^64 - 1 */
	const struct bus_ops *ops;
	void *dev;
	const char *name;
};

struct bus {
	const char *name;
	unsigned int count;
	struct bus_range ranges[BUS_MAX_RANGES]; /* sorted by base */
	uint64_t unclaimed_reads;   /* reads (or split bytes) nobody took */
	uint64_t unclaimed_writes;  /* writes (or split bytes) dropped */
};

void bus_init(struct bus *bus, const char *name);

/*
 * 0, or -EINVAL (len 0, range wraps past 2^64, no ops), -EBUSY (overlaps a
 * registered range), -ENOSPC (table full).
 */
int bus_register(struct bus *bus, uint64_t base, uint64_t len,
		 const struct bus_ops *ops, void *dev, const char *name)
	__attribute__((warn_unused_result));

/* Remove the range that starts at base: 0, or -ENOENT. */
int bus_unregister(struct bus *bus, uint64_t base);

/* The range that holds addr, or NULL. O(log n). */
const struct bus_range *bus_find(const struct bus *bus, uint64_t addr);

/* size is 1 to 8 bytes, little-endian; other sizes read as all ones. */
uint64_t bus_read(struct bus *bus, uint64_t addr, unsigned int size);
void bus_write(struct bus *bus, uint64_t addr, unsigned int size,
	       uint64_t value);

#endif
