/*
 * vm/bootcpu.h - the CPU state a loader hands to the vCPU backend, and the
 * flat GDT and identity-mapped page tables that state points at.
 *
 * Both loaders enter the guest with flat segments (base 0, limit 4 GiB):
 * the Linux 32/64-bit boot protocols (Documentation/arch/x86/boot.rst,
 * "32-bit BOOT PROTOCOL" / "64-bit BOOT PROTOCOL") and Multiboot 1
 * (section 3.2 "Machine state"). Selectors follow Linux: __BOOT_CS = 0x10,
 * __BOOT_DS = 0x18; multiboot does not care which selectors are used.
 */
#ifndef KEEL_VM_BOOTCPU_H
#define KEEL_VM_BOOTCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw_env.h" /* struct hw_env, hw_mem_write */

#define BOOTCPU_CS 0x10 /* __BOOT_CS */
#define BOOTCPU_DS 0x18 /* __BOOT_DS */

#define BOOTCPU_GDT_SIZE 32 /* null, unused, code, data */

/* 4 GiB with 2 MiB pages: PML4, PDPT and four page directories. */
#define BOOTCPU_PT_SIZE (6 * 4096)
#define BOOTCPU_PT_MAP  0x100000000ULL

/* Control register bits (Intel SDM vol. 3A 2.5, 2.2.1). */
#define BOOTCPU_CR0_PE   (1ULL << 0)
#define BOOTCPU_CR0_ET   (1ULL << 4)
#define BOOTCPU_CR0_PG   (1ULL << 31)
#define BOOTCPU_CR4_PAE  (1ULL << 5)
#define BOOTCPU_EFER_LME (1ULL << 8)
#define BOOTCPU_EFER_LMA (1ULL << 10)

/*
 * Register state at guest entry. Segment registers not listed are loaded
 * with ds (flat data); cs is flat code, 64-bit when long_mode. Interrupts
 * are disabled (RFLAGS = 0x2). gdt_base/gdt_limit are 0 when no GDT was
 * written (multiboot allows an invalid GDTR).
 */
struct bootcpu_state {
	bool long_mode;
	uint64_t rip, rax, rbx, rsi;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint16_t cs, ds;
};

/*
 * Write the flat GDT at gpa (8-byte aligned; BOOTCPU_GDT_SIZE bytes):
 * entry 2 is 64-bit code when long_mode, else 32-bit code; entry 3 is
 * 32-bit data. Fills st->gdt_base/gdt_limit/cs/ds. 0 or -errno.
 */
int bootcpu_write_gdt(const struct hw_env *env, uint64_t gpa, bool long_mode,
		      struct bootcpu_state *st);

/*
 * Write 4-level page tables at gpa (4 KiB aligned; BOOTCPU_PT_SIZE bytes)
 * that identity-map [0, 4 GiB) with 2 MiB pages, and set st->cr3 and the
 * long-mode CR0/CR4/EFER. 0 or -errno.
 */
int bootcpu_write_identity_pt(const struct hw_env *env, uint64_t gpa,
			      struct bootcpu_state *st);

/* Flat 32-bit protected mode, paging off (CR0 = PE|ET). */
void bootcpu_set_protected32(struct bootcpu_state *st);

#endif
