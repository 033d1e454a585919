/*
 * vm/bus.c - port-I/O and MMIO address decoding (see vm/bus.h).
 *
 * The ranges sit in an array sorted by base, so lookup is a binary search
 * and registration an insertion with memmove. The table changes rarely
 * (board setup, PCI BAR moves) and is read on every I/O exit.
 */
#include "vm/bus.h"

#include <errno.h>  /* EINVAL, EBUSY, ENOSPC, ENOENT */
#include <stddef.h> /* NULL */
#include <string.h> /* memmove */

void bus_init(struct bus *bus, const char *name)
{
	bus->name = name;
	bus->count = 0;
	bus->unclaimed_reads = 0;
	bus->unclaimed_writes = 0;
}

/* Index of the first range whose base is greater than addr. */
static unsigned int bus_upper(const struct bus *bus, uint64_t addr)
{
	unsigned int lo = 0, hi = bus->count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (bus->ranges[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct bus_range *bus_find(const struct bus *bus, uint64_t addr)
{
	unsigned int i = bus_upper(bus, addr);

	if (i == 0 || bus->ranges[i - 1].last < addr)
		return NULL;
	return &bus->ranges[i - 1];
}

int bus_register(struct bus *bus, uint64_t base, uint64_t len,
		 const struct bus_ops *ops, void *dev, const char *name)
{
	uint64_t last = base + (len - 1);
	unsigned int i;

	if (len == 0 || last < base || !ops || !ops->read || !ops->write)
		return -EINVAL;
	i = bus_upper(bus, base);
	if (i > 0 && bus->ranges[i - 1].last >= base)
		return -EBUSY;
	if (i < bus->count && bus->ranges[i].base <= last)
		return -EBUSY;
	if (bus->count == BUS_MAX_RANGES)
		return -ENOSPC;
	memmove(&bus->ranges[i + 1], &bus->ranges[i],
		(bus->count - i) * sizeof(bus->ranges[0]));
	bus->ranges[i] = (struct bus_range){
		.base = base, .last = last, .ops = ops, .dev = dev, .name = name,
	};
	bus->count++;
	return 0;
}

int bus_unregister(struct bus *bus, uint64_t base)
{
	unsigned int i = bus_upper(bus, base);

	if (i == 0 || bus->ranges[i - 1].base != base)
		return -ENOENT;
	i--;
	memmove(&bus->ranges[i], &bus->ranges[i + 1],
		(bus->count - i - 1) * sizeof(bus->ranges[0]));
	bus->count--;
	return 0;
}

static uint64_t bus_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static unsigned int bus_max(const struct bus_range *r)
{
	unsigned int m = r->ops->max_size;

	return (m == 0 || m > 8) ? 8 : m;
}

/* Largest power of two <= max and <= left that offset is aligned to. */
static unsigned int bus_chunk(uint64_t offset, unsigned int left,
			      unsigned int max)
{
	unsigned int c = 8;

	while (c > 1 && (c > max || c > left || (offset & (c - 1))))
		c >>= 1;
	return c;
}

/* True when [addr, addr + size) lies inside r (size >= 1). */
static int bus_fits(const struct bus_range *r, uint64_t addr,
		    unsigned int size)
{
	return r && addr + (size - 1) >= addr && addr + (size - 1) <= r->last;
}

/* True when some registered range holds a byte of [addr, addr + size). */
static int bus_touches(const struct bus *bus, uint64_t addr, unsigned int size)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		if (bus_find(bus, addr + i))
			return 1;
	return 0;
}

static uint64_t bus_read_in(const struct bus_range *r, uint64_t addr,
			    unsigned int size)
{
	uint64_t off = addr - r->base, v = 0;
	unsigned int max = bus_max(r), done = 0;

	if (size <= max && (size & (size - 1)) == 0)
		return r->ops->read(r->dev, off, size) & bus_mask(size);
	while (done < size) {
		unsigned int c = bus_chunk(off + done, size - done, max);
		uint64_t piece = r->ops->read(r->dev, off + done, c) & bus_mask(c);

		v |= piece << (8 * done);
		done += c;
	}
	return v;
}

static void bus_write_in(const struct bus_range *r, uint64_t addr,
			 unsigned int size, uint64_t value)
{
	uint64_t off = addr - r->base;
	unsigned int max = bus_max(r), done = 0;

	if (size <= max && (size & (size - 1)) == 0) {
		r->ops->write(r->dev, off, size, value & bus_mask(size));
		return;
	}
	while (done < size) {
		unsigned int c = bus_chunk(off + done, size - done, max);

		r->ops->write(r->dev, off + done, c,
			      (value >> (8 * done)) & bus_mask(c));
		done += c;
	}
}

uint64_t bus_read(struct bus *bus, uint64_t addr, unsigned int size)
{
	const struct bus_range *r;
	uint64_t v = 0;
	unsigned int i;

	if (size == 0 || size > 8) {
		bus->unclaimed_reads++;
		return ~0ULL;
	}
	r = bus_find(bus, addr);
	if (bus_fits(r, addr, size))
		return bus_read_in(r, addr, size);
	if (!r && !bus_touches(bus, addr, size)) {
		bus->unclaimed_reads++;
		return bus_mask(size);
	}
	/* Straddles a range boundary: one byte at a time. */
	for (i = 0; i < size; i++) {
		uint64_t b;

		r = bus_find(bus, addr + i);
		if (r) {
			b = r->ops->read(r->dev, addr + i - r->base, 1) & 0xff;
		} else {
			bus->unclaimed_reads++;
			b = 0xff;
		}
		v |= b << (8 * i);
	}
	return v;
}

void bus_write(struct bus *bus, uint64_t addr, unsigned int size,
	       uint64_t value)
{
	const struct bus_range *r;
	unsigned int i;

	if (size == 0 || size > 8) {
		bus->unclaimed_writes++;
		return;
	}
	r = bus_find(bus, addr);
	if (bus_fits(r, addr, size)) {
		bus_write_in(r, addr, size, value);
		return;
	}
	if (!r && !bus_touches(bus, addr, size)) {
		bus->unclaimed_writes++;
		return;
	}
	for (i = 0; i < size; i++) {
		r = bus_find(bus, addr + i);
		if (r)
			r->ops->write(r->dev, addr + i - r->base, 1,
				      (value >> (8 * i)) & 0xff);
		else
			bus->unclaimed_writes++;
	}
}
