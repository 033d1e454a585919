/*
 * tcg/tcg_int.h - what the translator's core files share with each other
 * (not with instruction handlers: those use tcg/cpu.h only).
 */
#ifndef KEEL_TCG_TCG_INT_H
#define KEEL_TCG_TCG_INT_H

#include "tcg/cpu.h"
#include "tcg/jit.h"

struct vm;
struct vcpu;

/* One pre-decoded instruction. */
struct tcg_insn {
	tcg_op_fn fn;
	struct x86_insn x;
};

/* A block: straight-line instructions from one linear address, in one
 * mode, from at most two guest pages. */
#define TCG_BLOCK_MAX 48
struct tcg_block {
	struct tcg_block *hnext; /* per-VM hash chain */
	uint64_t lin;            /* linear address of the first instruction */
	uint64_t gpa[2];         /* pages it was read from ([1] = ~0 if one) */
	uint32_t gen[2];         /* their generations when it was decoded */
	const uint32_t *genp[2]; /* where those generations live now (NULL: no page) */
	uint64_t cs_base;        /* CS base it was decoded with (rip = lin - cs_base) */
	uint32_t mode;           /* code_bits it was decoded for */
	uint8_t cpl;             /* and the CPL (the generated code's TLB half) */
	uint16_t ninsn;
	uint64_t execs;
	void *code;              /* translated host code, or NULL: interpret */
	struct tcg_insn insn[];
};

/* Per-VM translator state: which guest pages hold decoded code, and the
 * block cache. */
struct tcg_vm {
	struct vm *vm;
	uint64_t npages;
	uint32_t *page_gen;  /* bumped when a code page is written */
	uint8_t *page_code;  /* 1: some block was decoded from this page */
	struct tcg_block **hash;
	unsigned hash_size;
	uint8_t *arena;
	size_t arena_size, arena_used;
	uint64_t flushes, invalidations, blocks;
	unsigned users;
	struct tcg_jit jit;
};

/* The tcg_cpu of a vCPU run by this backend, or NULL. */
struct tcg_cpu *tcg_cpu_of(struct vcpu *v);

/* mmu.c */
uint64_t tcg_translate(struct tcg_cpu *c, uint64_t lin, enum tcg_access a, bool user);
void tcg_tlb_flush(struct tcg_cpu *c);
void tcg_tlb_flush_page(struct tcg_cpu *c, uint64_t lin);
void tcg_tlb_code_page(struct vm *vm, uint64_t gpa, bool code);
const uint8_t *tcg_fetch_ptr(struct tcg_cpu *c, uint64_t lin, uint64_t *gpa);
void *tcg_rmw_ptr_lin(struct tcg_cpu *c, uint64_t lin, unsigned size);
const void *tcg_read_ptr_lin(struct tcg_cpu *c, uint64_t lin, unsigned size);

/* exec.c: code pages */
bool tcg_page_has_code(struct tcg_vm *t, uint64_t gpa);
void tcg_code_written(struct tcg_cpu *c, uint64_t gpa, unsigned n);

/* excp.c: event delivery (SDM Vol. 3A ch. 6) */
enum tcg_ev_kind {
	TCG_EV_EXCEPTION, /* a fault or trap raised by an instruction */
	TCG_EV_EXTINT,    /* an external interrupt */
	TCG_EV_NMI,
	TCG_EV_SOFTINT,   /* INT n: the gate DPL is checked */
	TCG_EV_SOFTEXC,   /* INT3, INTO: as INT n, but an exception */
	TCG_EV_ICEBP,     /* INT1 */
};
/* Delivers an event through the IVT/IDT, with #DF and triple-fault
 * escalation. The return address is c->rip for faults and external
 * events, c->next_rip for traps and software interrupts (the caller has
 * set c->rip to the one to push). Returns false on a triple fault (then
 * c->shutdown is set). */
bool tcg_deliver(struct tcg_cpu *c, int vec, enum tcg_ev_kind kind, bool has_err, uint32_t err);

/* seg.c: segment loads and descriptors (SDM Vol. 3A ch. 3, 5) */
void tcg_seg_load_real(struct tcg_cpu *c, unsigned seg, uint16_t sel);
/* Loads a data/stack segment register with the protected-mode checks;
 * raises #GP/#SS/#NP. */
void tcg_seg_load(struct tcg_cpu *c, unsigned seg, uint16_t sel);
/* Reads the 8-byte descriptor for sel (GDT or LDT); raises #GP(sel) if it
 * is outside the table (with ext set, the error code's bit 0). */
uint64_t tcg_desc_read(struct tcg_cpu *c, uint16_t sel, uint32_t errbase);
bool tcg_desc_fetch(struct tcg_cpu *c, uint16_t sel, uint64_t *desc);
void tcg_desc_to_seg(uint64_t desc, uint16_t sel, struct tcg_seg *s);
void tcg_desc_set_accessed(struct tcg_cpu *c, uint16_t sel, uint64_t desc);
/* Far transfers. */
void tcg_far_jmp(struct tcg_cpu *c, uint16_t sel, uint64_t off);
void tcg_far_call(struct tcg_cpu *c, uint16_t sel, uint64_t off, unsigned osize);
void tcg_far_ret(struct tcg_cpu *c, unsigned osize, uint16_t extra);
void tcg_iret(struct tcg_cpu *c, unsigned osize);
/* Loads CS for a control transfer at privilege dpl (already checked). */
void tcg_set_cs(struct tcg_cpu *c, uint16_t sel, uint64_t desc);

/* Stops the VM: the guest did something the translator does not
 * implement (or an internal check failed). Never returns. */
_Noreturn void tcg_internal_error(struct tcg_cpu *c, const char *why);

/* cpuid.c, msr.c */
void tcg_cpuid(struct tcg_cpu *c, uint32_t leaf, uint32_t sub, uint32_t out[4]);
bool tcg_rdmsr(struct tcg_cpu *c, uint32_t msr, uint64_t *v);
bool tcg_wrmsr(struct tcg_cpu *c, uint32_t msr, uint64_t v);
uint64_t tcg_rdtsc(struct tcg_cpu *c);

/* sys.c */
void tcg_set_cr0(struct tcg_cpu *c, uint64_t v);
void tcg_set_cr3(struct tcg_cpu *c, uint64_t v);
void tcg_set_cr4(struct tcg_cpu *c, uint64_t v);
void tcg_set_efer(struct tcg_cpu *c, uint64_t v);

/* fpu.c */
void tcg_fpu_reset(struct tcg_cpu *c);

#endif
