/*
 * vm/e820.c - the e820 map of QEMU's pc machine.
 *
 * Layout: QEMU hw/i386/pc_piix.c pc_init1() splits RAM below/above 4G;
 * the low reserved ranges are the ones SeaBIOS reports on that machine
 * (EBDA below 640 KiB, the F-segment BIOS, the 256 KiB flash at the top
 * of 4G). Types: ACPI 6.x section 15 "System Address Map Interfaces".
 */
#include "vm/e820.h"

#include <errno.h> /* EINVAL, ENOSPC */

void e820_init(struct e820_table *t)
{
	t->n = 0;
}

int e820_add(struct e820_table *t, uint64_t addr, uint64_t size,
	     uint32_t type)
{
	if (!size || addr + size < addr)
		return -EINVAL;
	if (t->n >= E820_MAX_ENTRIES)
		return -ENOSPC;
	t->e[t->n].addr = addr;
	t->e[t->n].size = size;
	t->e[t->n].type = type;
	t->n++;
	return 0;
}

void e820_pc_split(uint64_t ram_bytes, uint64_t *below_4g,
		   uint64_t *above_4g)
{
	uint64_t lowmem = E820_PC_MAX_BELOW_4G;

	/* gigabyte_align (every current pc machine type): split at 3G. */
	if (ram_bytes >= E820_PC_MAX_BELOW_4G)
		lowmem = E820_PC_GB_ALIGNED;
	if (ram_bytes >= lowmem) {
		*below_4g = lowmem;
		*above_4g = ram_bytes - lowmem;
	} else {
		*below_4g = ram_bytes;
		*above_4g = 0;
	}
}

int e820_build_pc(struct e820_table *t, uint64_t ram_bytes)
{
	uint64_t below, above;
	int err;

	e820_init(t);
	if (ram_bytes < 2 * E820_PC_HIGH_MEM)
		return -EINVAL;
	e820_pc_split(ram_bytes, &below, &above);
	if (above && E820_4G + above < E820_4G)
		return -EINVAL;

	if ((err = e820_add(t, 0, E820_PC_LOW_RAM_END, E820_RAM)) ||
	    (err = e820_add(t, E820_PC_LOW_RAM_END,
			    0xa0000 - E820_PC_LOW_RAM_END, E820_RESERVED)) ||
	    (err = e820_add(t, E820_PC_BIOS_LOW,
			    E820_PC_HIGH_MEM - E820_PC_BIOS_LOW,
			    E820_RESERVED)) ||
	    (err = e820_add(t, E820_PC_HIGH_MEM, below - E820_PC_HIGH_MEM,
			    E820_RAM)) ||
	    (err = e820_add(t, E820_PC_BIOS_TOP, E820_4G - E820_PC_BIOS_TOP,
			    E820_RESERVED)))
		goto fail;
	if (above && (err = e820_add(t, E820_4G, above, E820_RAM)))
		goto fail;
	return 0;
fail:
	e820_init(t);
	return err;
}

bool e820_is_ram(const struct e820_table *t, uint64_t addr, uint64_t size)
{
	unsigned int i;

	if (addr + size < addr)
		return false;
	for (i = 0; i < t->n; i++) {
		const struct e820_entry *e = &t->e[i];

		if (e->type == E820_RAM && addr >= e->addr &&
		    addr + size <= e->addr + e->size)
			return true;
	}
	return false;
}

uint64_t e820_ram_end(const struct e820_table *t, uint64_t addr,
		      uint64_t limit)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		const struct e820_entry *e = &t->e[i];
		uint64_t end = e->addr + e->size;

		if (e->type == E820_RAM && addr >= e->addr && addr < end)
			return end < limit ? end : limit;
	}
	return 0;
}

uint32_t e820_lower_kib(const struct e820_table *t)
{
	uint64_t end = e820_ram_end(t, 0, 0xa0000);

	return (uint32_t)(end / 1024);
}

uint32_t e820_upper_kib(const struct e820_table *t)
{
	uint64_t end = e820_ram_end(t, E820_PC_HIGH_MEM, E820_4G);

	if (!end)
		return 0;
	return (uint32_t)((end - E820_PC_HIGH_MEM) / 1024);
}
