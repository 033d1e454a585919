/* Guest page walks for 32-bit, PAE and 4-level paging (SDM Vol. 3A §4.3,
 * §4.4, §4.5), on behalf of exit handlers. Every table read goes through
 * vm_mem_read, so a guest pointing its CR3 anywhere only gets -EFAULT. */
#include <errno.h>
#include "vm/gwalk.h"
#include "vm/vm.h"

#define PG_P (1ull << 0)
#define PG_W (1ull << 1)
#define PG_PS (1ull << 7)
#define CR0_PG (1ull << 31)
#define CR0_WP (1ull << 16)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define EFER_LMA (1ull << 10)
#define ADDR_MASK 0x000ffffffffff000ull

static int entry(struct vm *vm, uint64_t table, unsigned int idx, unsigned int size, uint64_t *e)
{
	*e = 0;
	return vm_mem_read(vm, table + (uint64_t)idx * size, e, size) ? -EFAULT : 0;
}

static int check(uint64_t e, bool write, const struct gwalk_regs *r)
{
	if (!(e & PG_P))
		return -EFAULT;
	if (write && !(e & PG_W) && (r->cr0 & CR0_WP))
		return -EFAULT;
	return 0;
}

int gwalk(struct vm *vm, const struct gwalk_regs *r, uint64_t la, bool write, uint64_t *gpa)
{
	uint64_t e;

	if (!(r->cr0 & CR0_PG)) {
		*gpa = r->efer & EFER_LMA ? la : (uint32_t)la;
		return 0;
	}
	if (!(r->cr4 & CR4_PAE)) { /* 32-bit paging, 4 KiB or 4 MiB pages */
		la = (uint32_t)la;
		if (entry(vm, r->cr3 & 0xfffff000u, (unsigned int)(la >> 22), 4, &e) || check(e, write, r))
			return -EFAULT;
		if ((e & PG_PS) && (r->cr4 & CR4_PSE)) {
			*gpa = ((e & 0xffc00000u) | ((e >> 13 & 0xff) << 32)) + (la & 0x3fffff);
			return 0;
		}
		if (entry(vm, e & 0xfffff000u, (unsigned int)(la >> 12 & 0x3ff), 4, &e) ||
		    check(e, write, r))
			return -EFAULT;
		*gpa = (e & 0xfffff000u) | (la & 0xfff);
		return 0;
	}
	uint64_t table;
	int level;
	if (r->efer & EFER_LMA) {
		table = r->cr3 & ADDR_MASK;
		level = 4;
	} else { /* PAE: four PDPTEs at CR3 (32-byte aligned) */
		la = (uint32_t)la;
		if (entry(vm, r->cr3 & 0xffffffe0u, (unsigned int)(la >> 30), 8, &e) || !(e & PG_P))
			return -EFAULT;
		table = e & ADDR_MASK;
		level = 2;
	}
	for (; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (unsigned int)(level - 1);
		if (entry(vm, table, (unsigned int)(la >> shift & 511), 8, &e) || check(e, write, r))
			return -EFAULT;
		if (level == 1 || ((e & PG_PS) && level <= 3)) {
			uint64_t mask = (1ull << shift) - 1;
			*gpa = (e & ADDR_MASK & ~mask) | (la & mask);
			return 0;
		}
		table = e & ADDR_MASK;
	}
	return -EFAULT;
}

int gwalk_read(struct vm *vm, const struct gwalk_regs *r, uint64_t la, void *buf, uint64_t len)
{
	uint8_t *out = buf;
	while (len) {
		uint64_t gpa, chunk = 4096 - (la & 4095);
		if (chunk > len)
			chunk = len;
		if (gwalk(vm, r, la, false, &gpa) || vm_mem_read(vm, gpa, out, chunk))
			return -EFAULT;
		out += chunk;
		la += chunk;
		len -= chunk;
	}
	return 0;
}
