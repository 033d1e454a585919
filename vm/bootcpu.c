/*
 * vm/bootcpu.c - flat GDT and identity-mapped page tables for guest entry.
 *
 * Descriptor format: Intel SDM vol. 3A 3.4.5 "Segment Descriptors";
 * 64-bit code (L=1): 3A 5.2.1. Page tables: 3A 4.5 "4-Level Paging",
 * table 4-17 (PDE mapping a 2 MiB page, PS=1).
 */
#include "vm/bootcpu.h"

#include <errno.h> /* EINVAL */

#define GDT_CODE64 0x00af9b000000ffffULL /* G, L, P, DPL0, exec/read */
#define GDT_CODE32 0x00cf9b000000ffffULL /* G, D, P, DPL0, exec/read */
#define GDT_DATA   0x00cf93000000ffffULL /* G, B, P, DPL0, read/write */

#define PTE_P  (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_PS (1ULL << 7)

static void put64(uint8_t *p, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int bootcpu_write_gdt(const struct hw_env *env, uint64_t gpa, bool long_mode,
		      struct bootcpu_state *st)
{
	uint8_t gdt[BOOTCPU_GDT_SIZE] = { 0 };
	int err;

	if (gpa & 7 || gpa + BOOTCPU_GDT_SIZE > 0x100000000ULL)
		return -EINVAL;
	put64(gdt + BOOTCPU_CS, long_mode ? GDT_CODE64 : GDT_CODE32);
	put64(gdt + BOOTCPU_DS, GDT_DATA);
	err = hw_mem_write(env, gpa, gdt, sizeof(gdt));
	if (err)
		return err;
	st->gdt_base = gpa;
	st->gdt_limit = BOOTCPU_GDT_SIZE - 1;
	st->cs = BOOTCPU_CS;
	st->ds = BOOTCPU_DS;
	return 0;
}

/* Write one 4 KiB table of 512 entries, entry i = base + i * step | flags. */
static int write_table(const struct hw_env *env, uint64_t gpa,
		       unsigned int count, uint64_t base, uint64_t step,
		       uint64_t flags)
{
	uint8_t chunk[512];
	unsigned int i, j;
	int err;

	for (i = 0; i < 512; i += 64) {
		for (j = 0; j < 64; j++) {
			unsigned int n = i + j;

			put64(chunk + 8 * j, n < count ?
			      (base + (uint64_t)n * step) | flags : 0);
		}
		err = hw_mem_write(env, gpa + 8ULL * i, chunk, sizeof(chunk));
		if (err)
			return err;
	}
	return 0;
}

int bootcpu_write_identity_pt(const struct hw_env *env, uint64_t gpa,
			      struct bootcpu_state *st)
{
	uint64_t pml4 = gpa, pdpt = gpa + 0x1000, pd = gpa + 0x2000;
	unsigned int i;
	int err;

	if (gpa & 0xfff || gpa + BOOTCPU_PT_SIZE > 0x100000000ULL)
		return -EINVAL;
	err = write_table(env, pml4, 1, pdpt, 0, PTE_P | PTE_RW);
	if (!err)
		err = write_table(env, pdpt, 4, pd, 0x1000, PTE_P | PTE_RW);
	for (i = 0; !err && i < 4; i++)
		err = write_table(env, pd + 0x1000ULL * i, 512,
				  (uint64_t)i << 30, 1ULL << 21,
				  PTE_P | PTE_RW | PTE_PS);
	if (err)
		return err;
	st->long_mode = true;
	st->cr3 = pml4;
	st->cr0 = BOOTCPU_CR0_PE | BOOTCPU_CR0_ET | BOOTCPU_CR0_PG;
	st->cr4 = BOOTCPU_CR4_PAE;
	st->efer = BOOTCPU_EFER_LME | BOOTCPU_EFER_LMA;
	return 0;
}

void bootcpu_set_protected32(struct bootcpu_state *st)
{
	st->long_mode = false;
	st->cr0 = BOOTCPU_CR0_PE | BOOTCPU_CR0_ET;
	st->cr3 = 0;
	st->cr4 = 0;
	st->efer = 0;
	st->cs = BOOTCPU_CS;
	st->ds = BOOTCPU_DS;
}
