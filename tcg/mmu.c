/*
 * tcg/mmu.c - linear to guest-physical translation for the translator: the
 * page walk (SDM Vol. 3A ch. 4: 32-bit, PAE and 4-level paging, PSE, NX,
 * WP, A/D bits), the soft TLB in front of it, and the memory accesses that
 * use both.
 *
 * A TLB entry caches one 4 KiB linear page for one privilege. Its tags are
 * the page address when the fast path may use the host pointer directly;
 * TCG_TLB_SLOW added to a tag sends that access kind through the slow path
 * (MMIO, and writes to pages that hold translated code, which must drop the
 * stale translations first). Flushing more than asked is always allowed by
 * the architecture (SDM Vol. 3A §4.10.4), so global pages are flushed with
 * the rest on CR3 loads.
 */
#include <string.h>
#include "tcg/cpu.h"
#include "tcg/tcg_int.h"
#include "vm/run.h"
#include "vm/vm.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_NX (1ull << 63)
#define PHYS_BITS 40 /* what CPUID 0x80000008 reports (tcg/cpuid.c) */
#define ADDR_MASK (((1ull << PHYS_BITS) - 1) & ~0xfffull)

struct walk {
	uint64_t gpa;  /* of the byte asked for */
	bool write_ok; /* the page may be written at this privilege */
	bool exec_ok;
	bool large;    /* came from a 2 MiB / 4 MiB / 1 GiB page */
};

static uint64_t rd_pte(struct tcg_cpu *c, uint64_t gpa, bool wide, uint64_t **hp32)
{
	void *p = vm_gpa_to_hva(c->vm, gpa, wide ? 8 : 4);
	*hp32 = p;
	if (!p)
		return 0; /* page tables outside RAM read as not present */
	if (wide)
		return __atomic_load_n((uint64_t *)p, __ATOMIC_RELAXED);
	return __atomic_load_n((uint32_t *)p, __ATOMIC_RELAXED);
}

static void set_bits(void *p, bool wide, uint64_t bits)
{
	if (!p)
		return;
	if (wide)
		__atomic_fetch_or((uint64_t *)p, bits, __ATOMIC_RELAXED);
	else
		__atomic_fetch_or((uint32_t *)p, (uint32_t)bits, __ATOMIC_RELAXED);
}

_Noreturn static void page_fault(struct tcg_cpu *c, uint64_t lin, uint32_t ec)
{
	c->cr2 = lin;
	tcg_raise(c, TCG_PGF, ec);
}

/*
 * Walks the tables for lin. user: a user-mode access (CPL 3, not an
 * implicit supervisor access). Raises #PF, or returns the translation.
 * A/D bits are set only on a successful walk, as hardware does.
 */
static struct walk walk(struct tcg_cpu *c, uint64_t lin, enum tcg_access a, bool user)
{
	struct walk w = {.write_ok = true, .exec_ok = true};
	bool write = a == TCG_WRITE, fetch = a == TCG_EXEC;
	bool nxe = (c->efer & TCG_EFER_NXE) != 0;
	bool wp = (c->cr0 & TCG_CR0_WP) != 0;
	uint32_t ec = (write ? TCG_PFEC_W : 0) | (user ? TCG_PFEC_U : 0) |
		      (fetch && nxe && (c->cr4 & TCG_CR4_PAE) ? TCG_PFEC_I : 0);

	if (!(c->cr0 & TCG_CR0_PG)) {
		w.gpa = c->long_mode ? lin : lin & 0xffffffffu;
		return w;
	}

	bool wide = (c->cr4 & TCG_CR4_PAE) != 0;
	uint64_t *hp[5] = {0};
	uint64_t ent[5];
	int levels, n = 0;
	uint64_t table, rsvd_nx = nxe ? 0 : PTE_NX;
	bool user_ok = true, rw_ok = true, nx = false;
	int shift;

	if (c->long_mode) {
		levels = 4;
		table = c->cr3 & ADDR_MASK;
		shift = 39;
	} else if (wide) {
		/* PAE: CR3 points at four PDPTEs (SDM §4.4.1). */
		uint64_t *p;
		uint64_t pdpte = rd_pte(c, (c->cr3 & 0xffffffe0u) + ((lin >> 30) & 3) * 8, true, &p);
		if (!(pdpte & PTE_P))
			page_fault(c, lin, ec);
		if (pdpte & 0x1e6ull || (pdpte & ~ADDR_MASK & ~0xfffull))
			page_fault(c, lin, ec | TCG_PFEC_P | TCG_PFEC_RSVD);
		levels = 2;
		table = pdpte & ADDR_MASK;
		shift = 21;
	} else {
		levels = 2;
		table = c->cr3 & 0xfffff000u;
		shift = 22;
	}

	for (;;) {
		uint64_t idx = wide ? (lin >> shift) & 0x1ff : (lin >> shift) & 0x3ff;
		uint64_t e = rd_pte(c, table + idx * (wide ? 8 : 4), wide, &hp[n]);
		ent[n] = e;
		if (!(e & PTE_P))
			page_fault(c, lin, ec);
		/* bits 51:MAXPHYADDR, and XD without EFER.NXE, are reserved */
		uint64_t rsvd = wide ? rsvd_nx | (((1ull << 52) - 1) & ~((1ull << PHYS_BITS) - 1)) : 0;
		bool leaf = levels == 1 ||
			    ((e & PTE_PS) && (wide ? shift == 21 || (shift == 30 && c->long_mode)
						   : (c->cr4 & TCG_CR4_PSE) != 0));
		if (c->long_mode && shift == 39 && (e & PTE_PS))
			rsvd |= PTE_PS;
		if (leaf && (e & PTE_PS) && wide) {
			/* large page: the address bits below the page size must be 0,
			 * except PAT (bit 12) */
			uint64_t low = ((1ull << shift) - 1) & ~0x1fffull;
			rsvd |= e & low;
		}
		if (e & rsvd)
			page_fault(c, lin, ec | TCG_PFEC_P | TCG_PFEC_RSVD);
		user_ok &= (e & PTE_U) != 0;
		rw_ok &= (e & PTE_W) != 0;
		if (wide && nxe && (e & PTE_NX))
			nx = true;
		n++;
		if (leaf) {
			uint64_t base;
			if (levels == 1)
				base = e & (wide ? ADDR_MASK : 0xfffff000u);
			else if (wide)
				base = e & ADDR_MASK & ~((1ull << shift) - 1);
			else /* PSE-36: bits 20:13 are physical bits 39:32 */
				base = (e & 0xffc00000u) | ((e >> 13) & 0xffull) << 32;
			w.gpa = base | (lin & ((1ull << shift) - 1));
			w.large = levels > 1;
			break;
		}
		table = e & (wide ? ADDR_MASK : 0xfffff000u);
		shift -= wide ? 9 : 10;
		levels--;
	}

	/* Permissions (SDM Vol. 3A §4.6). */
	if (user && !user_ok)
		page_fault(c, lin, ec | TCG_PFEC_P);
	if (write && !rw_ok && (user || wp))
		page_fault(c, lin, ec | TCG_PFEC_P);
	if (fetch && nx)
		page_fault(c, lin, ec | TCG_PFEC_P);
	w.write_ok = rw_ok || (!user && !wp);
	w.exec_ok = !nx;

	/* Accessed on every level, dirty on the leaf for writes. */
	for (int k = 0; k < n; k++)
		if (!(ent[k] & PTE_A))
			set_bits(hp[k], wide, PTE_A);
	if (write && !(ent[n - 1] & PTE_D))
		set_bits(hp[n - 1], wide, PTE_D);
	/* A page not yet dirty must come back here on its first write. */
	if (!(ent[n - 1] & PTE_D) && !write)
		w.write_ok = false;
	return w;
}

uint64_t tcg_translate(struct tcg_cpu *c, uint64_t lin, enum tcg_access a, bool user)
{
	return walk(c, lin, a, user).gpa;
}

/* ---- the soft TLB ---- */

void tcg_tlb_flush(struct tcg_cpu *c)
{
	for (int m = 0; m < 2; m++)
		for (int k = 0; k < TCG_TLB_SIZE; k++)
			c->tlb[m][k] = (struct tcg_tlb_entry){TCG_TLB_INVALID, TCG_TLB_INVALID,
							      TCG_TLB_INVALID, 0, 0};
	c->tlb_large = false;
}

void tcg_tlb_flush_page(struct tcg_cpu *c, uint64_t lin)
{
	if (c->tlb_large) { /* the page may be part of a large one */
		tcg_tlb_flush(c);
		return;
	}
	unsigned k = (lin >> 12) & (TCG_TLB_SIZE - 1);
	for (int m = 0; m < 2; m++)
		c->tlb[m][k] = (struct tcg_tlb_entry){TCG_TLB_INVALID, TCG_TLB_INVALID, TCG_TLB_INVALID,
						      0, 0};
}

/* Guest page gpa (RAM) now holds translated code, or no longer does: in
 * every vCPU of the VM, writes to it take the slow path that catches code
 * writes, or the fast path again. */
void tcg_tlb_code_page(struct vm *vm, uint64_t gpa, bool code)
{
	for (unsigned v = 0; v < vm->nvcpus; v++) {
		struct tcg_cpu *o = tcg_cpu_of(&vm->vcpus[v]);
		if (!o)
			continue;
		for (int m = 0; m < 2; m++)
			for (int k = 0; k < TCG_TLB_SIZE; k++) {
				struct tcg_tlb_entry *e = &o->tlb[m][k];
				if (e->gpa != gpa || !e->addend || (e->tag_write & TCG_TLB_INVALID))
					continue;
				if (code)
					e->tag_write |= TCG_TLB_SLOW;
				else
					e->tag_write &= ~TCG_TLB_SLOW;
			}
	}
}

static struct tcg_tlb_entry *tlb_fill(struct tcg_cpu *c, uint64_t lin, enum tcg_access a, bool user)
{
	struct walk w = walk(c, lin, a, user);
	uint64_t page = lin & ~0xfffull, gpa = w.gpa & ~0xfffull;
	struct tcg_tlb_entry *e = &c->tlb[user][(lin >> 12) & (TCG_TLB_SIZE - 1)];
	uint8_t *host = vm_gpa_to_hva(c->vm, gpa, 4096);
	uint64_t slow = host ? 0 : TCG_TLB_SLOW;

	e->gpa = gpa;
	e->addend = host ? (uintptr_t)host - (uintptr_t)page : 0;
	e->tag_read = page | slow;
	if (w.write_ok)
		e->tag_write = page | slow | (tcg_page_has_code(c->shared, gpa) ? TCG_TLB_SLOW : 0);
	else
		e->tag_write = TCG_TLB_INVALID;
	e->tag_exec = w.exec_ok ? page | slow : TCG_TLB_INVALID;
	if (w.large)
		c->tlb_large = true;
	return e;
}

/* The entry for lin that allows access a, filling it on a miss. */
static struct tcg_tlb_entry *tlb_get(struct tcg_cpu *c, uint64_t lin, enum tcg_access a, bool user)
{
	struct tcg_tlb_entry *e = &c->tlb[user][(lin >> 12) & (TCG_TLB_SIZE - 1)];
	uint64_t page = lin & ~0xfffull;
	uint64_t tag = a == TCG_READ ? e->tag_read : a == TCG_WRITE ? e->tag_write : e->tag_exec;
	if ((tag & ~TCG_TLB_SLOW) == page)
		return e;
	return tlb_fill(c, lin, a, user);
}

static bool is_user(const struct tcg_cpu *c) { return c->cpl == 3; }

/* Byte-granular slow path for one page piece: RAM, MMIO, code pages. */
static void access_piece(struct tcg_cpu *c, uint64_t lin, uint8_t *buf, unsigned n, bool write,
			 bool user)
{
	struct tcg_tlb_entry *e = tlb_get(c, lin, write ? TCG_WRITE : TCG_READ, user);
	uint64_t gpa = e->gpa | (lin & 0xfff);
	if (e->addend) {
		uint8_t *h = (uint8_t *)(uintptr_t)(lin + e->addend);
		if (write) {
			if (e->tag_write & TCG_TLB_SLOW)
				tcg_code_written(c, gpa, n);
			memcpy(h, buf, n);
		} else {
			memcpy(buf, h, n);
		}
		return;
	}
	/* MMIO: in naturally sized pieces, as the bus expects */
	c->io_done = true;
	c->io_mmio = true;
	unsigned done = 0;
	while (done < n) {
		unsigned sz = n - done >= 8 && !((gpa + done) & 7) ? 8
			    : n - done >= 4 && !((gpa + done) & 3) ? 4
			    : n - done >= 2 && !((gpa + done) & 1) ? 2 : 1;
		uint64_t v = 0;
		if (write) {
			memcpy(&v, buf + done, sz);
			vcpu_mmio(c->vcpu, gpa + done, sz, true, v);
		} else {
			v = vcpu_mmio(c->vcpu, gpa + done, sz, false, 0);
			memcpy(buf + done, &v, sz);
		}
		done += sz;
	}
}

static void access_lin(struct tcg_cpu *c, uint64_t lin, void *buf, size_t n, bool write, bool user)
{
	if (!c->long_mode)
		lin &= 0xffffffffu;
	uint8_t *b = buf;
	if (write) {
		/* every page must be writable before any byte changes */
		for (uint64_t p = lin & ~0xfffull; p < lin + n; p += 4096)
			tlb_get(c, p < lin ? lin : p, TCG_WRITE, user);
	}
	while (n) {
		unsigned room = 4096 - (lin & 0xfff);
		unsigned k = n < room ? (unsigned)n : room;
		access_piece(c, lin, b, k, write, user);
		lin += k;
		b += k;
		n -= k;
	}
}

uint64_t tcg_ld_lin(struct tcg_cpu *c, uint64_t lin, unsigned size)
{
	bool user = is_user(c);
	struct tcg_tlb_entry *e = &c->tlb[user][(lin >> 12) & (TCG_TLB_SIZE - 1)];
	if (e->tag_read == (lin & ~0xfffull) && (lin & 0xfff) <= 4096 - size) {
		const void *h = (const void *)(uintptr_t)(lin + e->addend);
		switch (size) {
		case 1: return *(const uint8_t *)h;
		case 2: { uint16_t v; memcpy(&v, h, 2); return v; }
		case 4: { uint32_t v; memcpy(&v, h, 4); return v; }
		default: { uint64_t v; memcpy(&v, h, 8); return v; }
		}
	}
	uint64_t v = 0;
	access_lin(c, lin, &v, size, false, user);
	return v;
}

void tcg_st_lin(struct tcg_cpu *c, uint64_t lin, unsigned size, uint64_t val)
{
	bool user = is_user(c);
	struct tcg_tlb_entry *e = &c->tlb[user][(lin >> 12) & (TCG_TLB_SIZE - 1)];
	if (e->tag_write == (lin & ~0xfffull) && (lin & 0xfff) <= 4096 - size) {
		memcpy((void *)(uintptr_t)(lin + e->addend), &val, size);
		return;
	}
	access_lin(c, lin, &val, size, true, user);
}

void tcg_ld_lin_buf(struct tcg_cpu *c, uint64_t lin, void *buf, size_t n)
{
	access_lin(c, lin, buf, n, false, is_user(c));
}

void tcg_st_lin_buf(struct tcg_cpu *c, uint64_t lin, const void *buf, size_t n)
{
	access_lin(c, lin, (void *)buf, n, true, is_user(c));
}

uint64_t tcg_ld_sys(struct tcg_cpu *c, uint64_t lin, unsigned size)
{
	uint64_t v = 0;
	access_lin(c, lin, &v, size, false, false);
	return v;
}

void tcg_st_sys(struct tcg_cpu *c, uint64_t lin, unsigned size, uint64_t val)
{
	access_lin(c, lin, &val, size, true, false);
}

void *tcg_rmw_ptr_lin(struct tcg_cpu *c, uint64_t lin, unsigned size)
{
	if (!c->long_mode)
		lin &= 0xffffffffu;
	if ((lin & 0xfff) > 4096u - size)
		return NULL;
	struct tcg_tlb_entry *e = tlb_get(c, lin, TCG_WRITE, is_user(c));
	if (!e->addend)
		return NULL;
	if (e->tag_write & TCG_TLB_SLOW)
		tcg_code_written(c, e->gpa | (lin & 0xfff), size);
	return (void *)(uintptr_t)(lin + e->addend);
}

const void *tcg_read_ptr_lin(struct tcg_cpu *c, uint64_t lin, unsigned size)
{
	if (!c->long_mode)
		lin &= 0xffffffffu;
	if ((lin & 0xfff) > 4096u - size)
		return NULL;
	struct tcg_tlb_entry *e = tlb_get(c, lin, TCG_READ, is_user(c));
	if (!e->addend)
		return NULL;
	return (const void *)(uintptr_t)(lin + e->addend);
}

/* Instruction fetch of up to n bytes at lin within one page; returns the
 * host pointer to them (RAM only) and the page's gpa, or raises #PF. */
const uint8_t *tcg_fetch_ptr(struct tcg_cpu *c, uint64_t lin, uint64_t *gpa)
{
	if (!c->long_mode)
		lin &= 0xffffffffu;
	struct tcg_tlb_entry *e = tlb_get(c, lin, TCG_EXEC, is_user(c));
	*gpa = e->gpa | (lin & 0xfff);
	if (!e->addend)
		return NULL;
	return (const uint8_t *)(uintptr_t)(lin + e->addend);
}
