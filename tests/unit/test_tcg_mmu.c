/* tcg/mmu.c: the translator's page walk (32-bit, PSE, PAE, 4-level), A/D
 * bits, permission and reserved-bit faults with their error codes, the soft
 * TLB and its flushes, and code-page write detection (SDM Vol. 3A ch. 4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "tcg/cpu.h"
#include "tcg/exec.h"
#include "tcg/tcg.h"
#include "tcg/tcg_int.h"
#include "vm/run.h"
#include "vm/vm.h"

static void *h_alloc(void *o, uint64_t n) { (void)o; return calloc(1, n); }
static void h_free(void *o, void *p, uint64_t n) { (void)o, (void)n; free(p); }
static uint64_t h_clock(void *o) { (void)o; return 0; }
static const struct vm_host host = {.ram_alloc = h_alloc, .ram_free = h_free, .clock_ns = h_clock};

struct fx {
	struct vm vm;
	struct tcg_cpu *c;
};

static int setup(void **st)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_int_equal(vm_init(&f->vm, "mmu", 16 << 20, &host), 0);
	assert_int_equal(vcpu_add(&f->vm, &tcg_vcpu_ops, NULL), 0);
	f->c = tcg_cpu_of(&f->vm.vcpus[0]);
	assert_non_null(f->c);
	*st = f;
	return 0;
}

static int teardown(void **st)
{
	struct fx *f = *st;
	vm_destroy(&f->vm);
	free(f);
	return 0;
}

static void w64(struct fx *f, uint64_t gpa, uint64_t v) { memcpy(f->vm.ram + gpa, &v, 8); }
static void w32(struct fx *f, uint64_t gpa, uint32_t v) { memcpy(f->vm.ram + gpa, &v, 4); }
static uint64_t r64(struct fx *f, uint64_t gpa) { uint64_t v; memcpy(&v, f->vm.ram + gpa, 8); return v; }

/* Translates with faults caught: the gpa, or -1 with the vector and error. */
static int64_t xlate(struct tcg_cpu *c, uint64_t lin, enum tcg_access a, bool user, int *vec,
		     uint32_t *err)
{
	tcg_jmpbuf jb;
	c->jb = jb;
	if (tcg_setjmp(jb)) {
		*vec = c->raised_vec;
		*err = c->raised_err;
		return -1;
	}
	return (int64_t)tcg_translate(c, lin, a, user);
}

#define P 1ull
#define W 2ull
#define U 4ull
#define A 0x20ull
#define D 0x40ull
#define PS 0x80ull
#define NX (1ull << 63)

/* 4-level: PML4 at 0x10000, PDPT 0x11000, PD 0x12000, PT 0x13000. */
static void long_mode(struct fx *f)
{
	struct tcg_cpu *c = f->c;
	c->cr0 = TCG_CR0_PE | TCG_CR0_PG | TCG_CR0_WP;
	c->cr4 = TCG_CR4_PAE;
	c->efer = TCG_EFER_LME | TCG_EFER_LMA | TCG_EFER_NXE;
	c->cr3 = 0x10000;
	c->seg[X86_SEG_CS].attr |= TCG_SEG_L;
	tcg_cpu_update_mode(c);
	tcg_tlb_flush(c);
	w64(f, 0x10000, 0x11000 | P | W | U);
	w64(f, 0x11000, 0x12000 | P | W | U);
	w64(f, 0x12000, 0x13000 | P | W | U);
	w64(f, 0x12008, 0x200000 | P | W | PS);          /* 2 MiB supervisor page */
	w64(f, 0x13000 + 8 * 5, 0x55000 | P | W | U);   /* 0x5000 -> 0x55000 */
	w64(f, 0x13000 + 8 * 6, 0x66000 | P | U);       /* read-only user page */
	w64(f, 0x13000 + 8 * 7, 0x77000 | P | W | U | NX);
}

static void test_4level_walk_sets_accessed_and_dirty(void **st)
{
	struct fx *f = *st;
	int vec;
	uint32_t err;
	long_mode(f);
	assert_int_equal(xlate(f->c, 0x5123, TCG_READ, false, &vec, &err), 0x55123);
	assert_true(r64(f, 0x10000) & A);
	assert_true(r64(f, 0x13000 + 8 * 5) & A);
	assert_false(r64(f, 0x13000 + 8 * 5) & D);
	assert_int_equal(xlate(f->c, 0x5123, TCG_WRITE, false, &vec, &err), 0x55123);
	assert_true(r64(f, 0x13000 + 8 * 5) & D);
}

static void test_2m_page(void **st)
{
	struct fx *f = *st;
	int vec;
	uint32_t err;
	long_mode(f);
	assert_int_equal(xlate(f->c, 0x2abcde, TCG_READ, false, &vec, &err), 0x2abcde);
	/* a supervisor page: user access faults with P|U */
	assert_int_equal(xlate(f->c, 0x2abcde, TCG_READ, true, &vec, &err), -1);
	assert_int_equal(vec, TCG_PGF);
	assert_int_equal(err, TCG_PFEC_P | TCG_PFEC_U);
	assert_int_equal(f->c->cr2, 0x2abcde);
}

static void test_not_present_and_write_protect(void **st)
{
	struct fx *f = *st;
	int vec;
	uint32_t err;
	long_mode(f);
	assert_int_equal(xlate(f->c, 0x9000, TCG_WRITE, true, &vec, &err), -1);
	assert_int_equal(vec, TCG_PGF);
	assert_int_equal(err, TCG_PFEC_W | TCG_PFEC_U);
	/* read-only page: user write faults; supervisor write faults with WP */
	assert_int_equal(xlate(f->c, 0x6000, TCG_WRITE, true, &vec, &err), -1);
	assert_int_equal(err, TCG_PFEC_P | TCG_PFEC_W | TCG_PFEC_U);
	assert_int_equal(xlate(f->c, 0x6000, TCG_WRITE, false, &vec, &err), -1);
	assert_int_equal(err, TCG_PFEC_P | TCG_PFEC_W);
	f->c->cr0 &= ~TCG_CR0_WP;
	assert_int_equal(xlate(f->c, 0x6000, TCG_WRITE, false, &vec, &err), 0x66000);
}

static void test_nx_and_reserved(void **st)
{
	struct fx *f = *st;
	int vec;
	uint32_t err;
	long_mode(f);
	assert_int_equal(xlate(f->c, 0x7000, TCG_READ, true, &vec, &err), 0x77000);
	assert_int_equal(xlate(f->c, 0x7000, TCG_EXEC, true, &vec, &err), -1);
	assert_int_equal(err, TCG_PFEC_P | TCG_PFEC_U | TCG_PFEC_I);
	/* without EFER.NXE, bit 63 is reserved */
	f->c->efer &= ~TCG_EFER_NXE;
	assert_int_equal(xlate(f->c, 0x7000, TCG_READ, false, &vec, &err), -1);
	assert_int_equal(err, TCG_PFEC_P | TCG_PFEC_RSVD);
	/* physical address bits above 40 are reserved */
	f->c->efer |= TCG_EFER_NXE;
	w64(f, 0x13000 + 8 * 8, (1ull << 45) | P | W);
	assert_int_equal(xlate(f->c, 0x8000, TCG_READ, false, &vec, &err), -1);
	assert_int_equal(err, TCG_PFEC_P | TCG_PFEC_RSVD);
}

static void test_32bit_paging_with_pse(void **st)
{
	struct fx *f = *st;
	int vec;
	uint32_t err;
	struct tcg_cpu *c = f->c;
	c->cr0 = TCG_CR0_PE | TCG_CR0_PG;
	c->cr4 = TCG_CR4_PSE;
	c->efer = 0;
	c->cr3 = 0x20000;
	tcg_cpu_update_mode(c);
	tcg_tlb_flush(c);
	w32(f, 0x20000, 0x21000 | P | W | U);       /* 0-4M: page table */
	w32(f, 0x20004, 0x00400000 | P | W | PS);   /* 4M-8M: 4 MiB page */
	w32(f, 0x21000 + 4 * 3, 0x33000 | P | W);
	assert_int_equal(xlate(c, 0x3456, TCG_READ, false, &vec, &err), 0x33456);
	assert_int_equal(xlate(c, 0x512345, TCG_READ, false, &vec, &err), 0x512345);
	/* without CR4.PSE the PS bit is ignored: the entry is a page table */
	c->cr4 = 0;
	tcg_tlb_flush(c);
	w32(f, 0x400000 + 4 * 0x112, 0x88000 | P);
	assert_int_equal(xlate(c, 0x512345, TCG_READ, false, &vec, &err), 0x88345);
}

static void test_pae_paging(void **st)
{
	struct fx *f = *st;
	int vec;
	uint32_t err;
	struct tcg_cpu *c = f->c;
	c->cr0 = TCG_CR0_PE | TCG_CR0_PG;
	c->cr4 = TCG_CR4_PAE;
	c->efer = TCG_EFER_NXE;
	c->cr3 = 0x30000;
	tcg_cpu_update_mode(c);
	tcg_tlb_flush(c);
	w64(f, 0x30000 + 8 * 3, 0x31000 | P);        /* PDPTE for 3G-4G */
	w64(f, 0x31000 + 8 * 1, 0x32000 | P | W);    /* 0xc0200000 */
	w64(f, 0x32000 + 8 * 4, 0x44000 | P | W);
	w64(f, 0x31000 + 8 * 2, 0x600000 | P | W | PS); /* 2 MiB at 0xc0400000 */
	assert_int_equal(xlate(c, 0xc0204abc, TCG_READ, false, &vec, &err), 0x44abc);
	assert_int_equal(xlate(c, 0xc0412345, TCG_READ, false, &vec, &err), 0x612345);
	/* a PDPTE with reserved bits set */
	w64(f, 0x30000, 0x35000 | P | 0x6);
	assert_int_equal(xlate(c, 0x1000, TCG_READ, false, &vec, &err), -1);
	assert_int_equal(err, TCG_PFEC_P | TCG_PFEC_RSVD);
}

/* Loads through the TLB see the new mapping only after a flush. */
static void test_tlb_flush_on_cr3_and_invlpg(void **st)
{
	struct fx *f = *st;
	long_mode(f);
	struct tcg_cpu *c = f->c;
	tcg_jmpbuf jb;
	c->jb = jb;
	if (tcg_setjmp(jb))
		fail_msg("unexpected fault %d", c->raised_vec);
	w64(f, 0x55000, 0x1111);
	w64(f, 0x56000, 0x2222);
	assert_int_equal(tcg_ld_lin(c, 0x5000, 8), 0x1111);
	w64(f, 0x13000 + 8 * 5, 0x56000 | P | W | U);
	assert_int_equal(tcg_ld_lin(c, 0x5000, 8), 0x1111); /* stale, as hardware may be */
	tcg_tlb_flush_page(c, 0x5000);
	assert_int_equal(tcg_ld_lin(c, 0x5000, 8), 0x2222);
	w64(f, 0x13000 + 8 * 5, 0x55000 | P | W | U);
	tcg_set_cr3(c, c->cr3);
	assert_int_equal(tcg_ld_lin(c, 0x5000, 8), 0x1111);
}

/* Accesses that cross a page boundary, and stores that must not be
 * partial when the second page faults. */
static void test_page_crossing(void **st)
{
	struct fx *f = *st;
	long_mode(f);
	struct tcg_cpu *c = f->c;
	w64(f, 0x55ff8, 0x8877665544332211ull);
	w64(f, 0x66000, 0xffeeddccbbaa9988ull);
	tcg_jmpbuf jb;
	c->jb = jb;
	if (tcg_setjmp(jb)) {
		/* the store to the read-only second page faulted */
		assert_int_equal(c->raised_vec, TCG_PGF);
		assert_int_equal(c->cr2, 0x6000);
		assert_int_equal(r64(f, 0x55ff8), 0x8877665544332211ull); /* untouched */
		return;
	}
	assert_int_equal(tcg_ld_lin(c, 0x5ffc, 8), 0xbbaa998888776655ull);
	c->cpl = 3;
	tcg_st_lin(c, 0x5ffc, 8, 0);
	fail_msg("the store should have faulted");
}

/* A write to a page that holds decoded code bumps its generation. */
static void test_code_page_write_detected(void **st)
{
	struct fx *f = *st;
	long_mode(f);
	struct tcg_cpu *c = f->c;
	struct tcg_vm *t = c->shared;
	tcg_jmpbuf jb;
	c->jb = jb;
	if (tcg_setjmp(jb))
		fail_msg("unexpected fault %d", c->raised_vec);
	uint64_t gpa;
	assert_non_null(tcg_fetch_ptr(c, 0x5000, &gpa));
	assert_int_equal(gpa, 0x55000);
	assert_false(tcg_page_has_code(t, 0x55000));
	t->page_code[0x55] = 1;
	tcg_tlb_code_page(&f->vm, 0x55000, true);
	uint32_t gen = t->page_gen[0x55];
	tcg_st_lin(c, 0x5010, 4, 0x90909090);
	assert_int_equal(t->page_gen[0x55], gen + 1);
	assert_false(tcg_page_has_code(t, 0x55000));
	/* the next write takes the fast path again and changes nothing */
	tcg_st_lin(c, 0x5014, 4, 0x90909090);
	assert_int_equal(t->page_gen[0x55], gen + 1);
}

/* MMIO (the PCI hole) goes through the bus: unclaimed reads are ~0. */
static void test_mmio_through_bus(void **st)
{
	struct fx *f = *st;
	struct tcg_cpu *c = f->c;
	c->cr0 = TCG_CR0_PE;
	c->cr4 = 0;
	c->efer = 0;
	tcg_cpu_update_mode(c);
	tcg_tlb_flush(c);
	tcg_jmpbuf jb;
	c->jb = jb;
	if (tcg_setjmp(jb))
		fail_msg("unexpected fault %d", c->raised_vec);
	uint64_t before = f->vm.mmio.unclaimed_reads;
	assert_int_equal(tcg_ld_lin(c, 0xfeb00000, 4), 0xffffffffu);
	assert_true(f->vm.mmio.unclaimed_reads > before);
	assert_true(c->io_done);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_4level_walk_sets_accessed_and_dirty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_2m_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_present_and_write_protect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nx_and_reserved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_32bit_paging_with_pse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pae_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tlb_flush_on_cr3_and_invlpg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_crossing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_page_write_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmio_through_bus, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
