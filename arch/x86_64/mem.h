/* Physical memory: the frame allocator fed from the UEFI memory map, and the
 * page tables keel owns. */
#ifndef ARCH_X86_64_MEM_H
#define ARCH_X86_64_MEM_H

#include <stddef.h>
#include <stdint.h>
#include "arch/x86_64/frames.h"

struct boot_info;

extern struct frames frames;
extern uint64_t mem_top; /* end of the highest map entry */
extern uint64_t mem_reserved_fw; /* bytes kept for firmware: runtime, ACPI, MMIO */

/* Phase 1, before our page tables: conventional memory only, since UEFI's
 * own tables and stack sit in boot-services memory until we switch. */
void mem_init(struct boot_info *bi);
/* Phase 2, after the switch: hand boot-services memory to the allocator. */
void mem_reclaim_boot_services(struct boot_info *bi);

/* Identity map of all memory, W^X for our image, page 0 unmapped. */
void paging_init(struct boot_info *bi);
uint64_t paging_cr3(void);
/* Writable and executable pages for generated code; NULL when out. */
void *paging_alloc_code(size_t bytes);
void paging_free_code(void *code, size_t bytes);

#endif
