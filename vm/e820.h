/*
 * vm/e820.h - the guest's e820 memory map, as QEMU's pc machine reports it.
 *
 * The table is a plain array the caller owns (no allocation). The loaders
 * copy it into boot_params (Linux) or the multiboot mmap; fw_cfg's
 * "etc/e820" can be filled from the same table.
 */
#ifndef KEEL_VM_E820_H
#define KEEL_VM_E820_H

#include <stdbool.h>
#include <stdint.h>

/* Entry types, ACPI 6.x table 15-374 "Address Range Types". */
#define E820_RAM      1
#define E820_RESERVED 2
#define E820_ACPI     3
#define E820_NVS      4
#define E820_UNUSABLE 5

#define E820_MAX_ENTRIES 16

/* QEMU pc: below-4G RAM split (hw/i386/pc_piix.c, pc_init1). */
#define E820_PC_MAX_BELOW_4G 0xe0000000ULL /* default max-ram-below-4g */
#define E820_PC_GB_ALIGNED   0xc0000000ULL /* split once RAM is that big */
#define E820_4G              0x100000000ULL

/* Fixed reserved ranges of the pc map. */
#define E820_PC_LOW_RAM_END  0x9fc00ULL    /* EBDA starts here */
#define E820_PC_BIOS_LOW     0xf0000ULL    /* BIOS segment F000 */
#define E820_PC_HIGH_MEM     0x100000ULL
#define E820_PC_BIOS_TOP     0xfffc0000ULL /* 256 KiB BIOS at the 4G top */

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

struct e820_table {
	unsigned int n;
	struct e820_entry e[E820_MAX_ENTRIES];
};

void e820_init(struct e820_table *t);
/* Append one entry; -ENOSPC when full, -EINVAL on size 0 or wrap. */
int e820_add(struct e820_table *t, uint64_t addr, uint64_t size,
	     uint32_t type);

/* Split ram_bytes into below/above 4G the way QEMU's pc machine does. */
void e820_pc_split(uint64_t ram_bytes, uint64_t *below_4g,
		   uint64_t *above_4g);

/*
 * The pc machine's map for ram_bytes of RAM (at least 2 MiB):
 * RAM [0, 0x9fc00), reserved EBDA [0x9fc00, 0xa0000), reserved BIOS
 * [0xf0000, 0x100000), RAM [1M, below_4g), reserved [0xfffc0000, 4G),
 * RAM [4G, 4G + above_4g). Returns 0 or -EINVAL.
 */
int e820_build_pc(struct e820_table *t, uint64_t ram_bytes);

/* True when [addr, addr + size) lies inside one E820_RAM entry. */
bool e820_is_ram(const struct e820_table *t, uint64_t addr, uint64_t size);

/* End of the RAM entry that contains addr, clipped to limit; 0 if none. */
uint64_t e820_ram_end(const struct e820_table *t, uint64_t addr,
		      uint64_t limit);

/* KiB of RAM at 0 and from 1 MiB to the first hole (multiboot mem_*). */
uint32_t e820_lower_kib(const struct e820_table *t);
uint32_t e820_upper_kib(const struct e820_table *t);

#endif
