/*
 * tcg/cpu.h - the translator's vCPU: architectural state, and the internal
 * interface its instruction handlers are written against.
 *
 * Execution model (first step, as the issue allows): guest code is decoded
 * once into blocks of pre-decoded instructions (tcg/exec.c); a tight loop
 * calls each instruction's handler. A handler gets the CPU and the decoded
 * instruction; c->rip is the instruction's address and c->next_rip the one
 * after it (a branch overwrites next_rip). Faults are precise: a handler
 * that faults calls tcg_raise(), which longjmps back to the dispatcher with
 * c->rip still at the faulting instruction, so handlers must do every
 * access that can fault before they commit any register.
 *
 * Flags are lazy (tcg/flags.c): arithmetic handlers record the operation
 * and its operands in cc_op/cc_dst/cc_src/cc_src2, and RFLAGS is computed
 * only when something reads it.
 *
 * Memory goes through a soft TLB (tcg/mmu.c) filled by a page walk that
 * sets A/D bits as hardware does; RAM is reached through host pointers,
 * everything else through the engine's MMIO bus (vcpu_mmio).
 */
#ifndef KEEL_TCG_CPU_H
#define KEEL_TCG_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "x86/decode.h"

struct vcpu;
struct vm;
struct tcg_block;

/* RFLAGS bits (SDM Vol. 1 §3.4.3). */
#define TCG_CF 0x1ull
#define TCG_PF 0x4ull
#define TCG_AF 0x10ull
#define TCG_ZF 0x40ull
#define TCG_SF 0x80ull
#define TCG_TF 0x100ull
#define TCG_IF 0x200ull
#define TCG_DF 0x400ull
#define TCG_OF 0x800ull
#define TCG_IOPL 0x3000ull
#define TCG_NT 0x4000ull
#define TCG_RF 0x10000ull
#define TCG_VM 0x20000ull
#define TCG_AC 0x40000ull
#define TCG_VIF 0x80000ull
#define TCG_VIP 0x100000ull
#define TCG_ID 0x200000ull
#define TCG_ARITH (TCG_CF | TCG_PF | TCG_AF | TCG_ZF | TCG_SF | TCG_OF)

/* Control register and EFER bits (SDM Vol. 3A §2.5, §2.2.1). */
#define TCG_CR0_PE (1ull << 0)
#define TCG_CR0_MP (1ull << 1)
#define TCG_CR0_EM (1ull << 2)
#define TCG_CR0_TS (1ull << 3)
#define TCG_CR0_ET (1ull << 4)
#define TCG_CR0_NE (1ull << 5)
#define TCG_CR0_WP (1ull << 16)
#define TCG_CR0_AM (1ull << 18)
#define TCG_CR0_NW (1ull << 29)
#define TCG_CR0_CD (1ull << 30)
#define TCG_CR0_PG (1ull << 31)
#define TCG_CR4_VME (1ull << 0)
#define TCG_CR4_PVI (1ull << 1)
#define TCG_CR4_TSD (1ull << 2)
#define TCG_CR4_DE (1ull << 3)
#define TCG_CR4_PSE (1ull << 4)
#define TCG_CR4_PAE (1ull << 5)
#define TCG_CR4_MCE (1ull << 6)
#define TCG_CR4_PGE (1ull << 7)
#define TCG_CR4_PCE (1ull << 8)
#define TCG_CR4_OSFXSR (1ull << 9)
#define TCG_CR4_OSXMMEXCPT (1ull << 10)
#define TCG_EFER_SCE (1ull << 0)
#define TCG_EFER_LME (1ull << 8)
#define TCG_EFER_LMA (1ull << 10)
#define TCG_EFER_NXE (1ull << 11)

/* Exception vectors (SDM Vol. 3A §6.3.1). #DF, #PF and #AC are TCG_DBLF,
 * TCG_PGF and TCG_ALIGN: TCG_DF, TCG_PF and TCG_AC are flags. */
enum {
	TCG_DE = 0, TCG_DB = 1, TCG_NMI = 2, TCG_BP = 3, TCG_OFV = 4, TCG_BR = 5,
	TCG_UD = 6, TCG_NM = 7, TCG_DBLF = 8, TCG_TS = 10, TCG_NP = 11, TCG_SS = 12,
	TCG_GP = 13, TCG_PGF = 14, TCG_MF = 16, TCG_ALIGN = 17, TCG_MC = 18, TCG_XM = 19,
};
#define TCG_NOERR 0xffffffffu /* tcg_raise(): the exception has no error code */

/* #PF error code bits (SDM Vol. 3A §4.7). */
#define TCG_PFEC_P 0x1u
#define TCG_PFEC_W 0x2u
#define TCG_PFEC_U 0x4u
#define TCG_PFEC_RSVD 0x8u
#define TCG_PFEC_I 0x10u

/* Segment attributes in the VMX access-rights layout (SDM Vol. 3C
 * §24.4.1): type 3:0, S 4, DPL 6:5, P 7, AVL 12, L 13, D/B 14, G 15. */
#define TCG_SEG_TYPE 0xfu
#define TCG_SEG_S 0x10u
#define TCG_SEG_DPL_SHIFT 5
#define TCG_SEG_P 0x80u
#define TCG_SEG_L 0x2000u
#define TCG_SEG_DB 0x4000u
#define TCG_SEG_G 0x8000u
#define TCG_SEG_UNUSABLE 0x10000u

struct tcg_seg {
	uint64_t base;
	uint32_t limit; /* byte granular (G already applied) */
	uint16_t sel;
	uint32_t attr;  /* TCG_SEG_* */
};

/* Segment registers, numbered as enum x86_seg (ES CS SS DS FS GS). */
#define TCG_NSEG 6

/* Soft TLB (tcg/mmu.c). One set per privilege (supervisor, user); each
 * entry caches a 4 KiB linear page. The tags hold the page address, or
 * TCG_TLB_INVALID (never matches) or extra low bits that force the slow
 * path (TCG_TLB_SLOW: MMIO, a page holding translated code for writes). */
#define TCG_TLB_SIZE 1024
#define TCG_TLB_INVALID 1ull
#define TCG_TLB_SLOW 2ull
struct tcg_tlb_entry {
	uint64_t tag_read, tag_write, tag_exec; /* page | flags, or INVALID */
	uintptr_t addend;  /* host address - linear address, for RAM */
	uint64_t gpa;      /* guest-physical page */
};

/* Lazy flag operations: which operation last set the arithmetic flags.
 * The others are in tcg/flags.h; 0 means RFLAGS holds them. */
#define TCG_CC_EFLAGS 0

struct tcg_cpu {
	uint64_t gpr[16];   /* indexed by GPR number: rAX rCX rDX rBX rSP ... */
	uint64_t rip;       /* the current instruction */
	uint64_t next_rip;  /* the one after it; branches overwrite it */
	uint64_t rflags;    /* all bits; the TCG_ARITH bits only when cc_op is TCG_CC_EFLAGS */
	uint32_t cc_op;
	uint64_t cc_dst, cc_src, cc_src2;

	struct tcg_seg seg[TCG_NSEG];
	struct tcg_seg ldt, tr;
	uint64_t gdt_base, idt_base;
	uint16_t gdt_limit, idt_limit;
	uint64_t cr0, cr2, cr3, cr4, cr8, efer, xcr0;
	uint64_t dr[8];

	/* Derived from the state above by tcg_cpu_update_mode(). */
	uint8_t cpl;
	uint8_t code_bits;  /* 16, 32 or 64: default operand size of CS */
	uint8_t stack_bits; /* 16, 32 or 64: SS.B, 64 in long mode */
	bool long_mode;     /* EFER.LMA */
	bool flat;          /* no segment base/limit check needed for DS ES SS
			     * (64-bit mode, or all of them base 0 limit 4G) */

	/* MSRs (SDM Vol. 4). */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t tsc_offset, tsc_adjust, tsc_aux, pat, misc_enable, apic_base;
	uint64_t mtrr_cap, mtrr_def_type, mtrr_fixed[11], mtrr_var[16];

	/* x87/MMX/SSE state in FXSAVE layout (SDM Vol. 1 §10.5.1). */
	uint8_t fxsave[512] __attribute__((aligned(16)));

	/* Interrupt state. */
	uint8_t shadow;        /* STI / MOV SS: interrupts blocked for one instruction */
	bool nmi_blocked;      /* between NMI delivery and IRET */
	bool event_pending;    /* ev below waits for delivery at the next boundary */
	uint8_t ev_vector;
	uint8_t ev_kind;       /* enum tcg_ev_kind (tcg/excp.h) */
	bool ev_has_err;
	uint32_t ev_err;
	bool want_irq_window;
	uint8_t fault_depth;   /* 0, then 1 while delivering, for #DF/triple */

	/* Why the dispatcher stops (tcg/exec.c). */
	bool end_block;        /* state that translation depends on changed */
	bool halted;           /* HLT executed */
	bool io_done;          /* port or MMIO access: let the engine look */
	bool shutdown;         /* triple fault */
	bool io_mmio;          /* the access was MMIO (may be an IPI) */
	char shutdown_why[96];

	/* Exceptions: tcg_raise() records the event here and longjmps to jb
	 * (a tcg_jmpbuf, tcg/sjlj.c). */
	void **jb;
	int raised_vec;
	uint32_t raised_err;
	const char *internal_why; /* set by tcg_internal_error */
	/* For tests (tests/unit/test_tcg_*): exceptions are not delivered
	 * through the IDT; run stops and reports them here instead. */
	bool trap_exceptions;
	int trapped_vector;    /* -1 when none */
	uint32_t trapped_error;

	/* Generated code: chained jumps left before returning to the
	 * dispatcher, and the jump to patch when an exit asks for a chain. */
	int32_t chain_budget;
	uint8_t *chain_slot;

	/* Soft TLB, [0] supervisor, [1] user. */
	struct tcg_tlb_entry tlb[2][TCG_TLB_SIZE];
	bool tlb_large;          /* some entry came from a large page */

	/* Where this CPU lives. */
	struct vcpu *vcpu;
	struct vm *vm;
	struct tcg_vm *shared;   /* per-VM translator state (code page map) */
	uint64_t insns;          /* instructions retired (statistics) */
};

/* ---- exceptions (tcg/excp.c, tcg/sjlj.c) ---- */

/* setjmp/longjmp that save every callee-saved register: tcg_setjmp
 * returns 0, then 1 when tcg_longjmp jumps back to it. */
typedef void *tcg_jmpbuf[8];
int tcg_setjmp(void **buf) __attribute__((returns_twice));
_Noreturn void tcg_longjmp(void **buf);

/* Abandons the current instruction and raises exception vec (err =
 * TCG_NOERR when it has no error code). Never returns. */
_Noreturn void tcg_raise(struct tcg_cpu *c, int vec, uint32_t err);
#define tcg_raise_ud(c) tcg_raise((c), TCG_UD, TCG_NOERR)
#define tcg_raise_gp0(c) tcg_raise((c), TCG_GP, 0)

/* ---- registers ---- */

/* GPR r read as size bytes. For 1-byte operands without a REX prefix,
 * registers 4-7 are AH CH DH BH (SDM Vol. 2 §3.7.2.1). */
static inline uint64_t tcg_reg(const struct tcg_cpu *c, unsigned r, unsigned size, bool rex)
{
	switch (size) {
	case 1:
		if (!rex && r >= 4 && r < 8)
			return (c->gpr[r - 4] >> 8) & 0xff;
		return c->gpr[r] & 0xff;
	case 2: return c->gpr[r] & 0xffff;
	case 4: return c->gpr[r] & 0xffffffffu;
	default: return c->gpr[r];
	}
}

/* Writes size bytes to GPR r: 8 and 16-bit writes merge, 32-bit writes
 * zero-extend (SDM Vol. 1 §3.4.1.1). */
static inline void tcg_reg_set(struct tcg_cpu *c, unsigned r, unsigned size, bool rex, uint64_t v)
{
	switch (size) {
	case 1:
		if (!rex && r >= 4 && r < 8)
			c->gpr[r - 4] = (c->gpr[r - 4] & ~0xff00ull) | ((v & 0xff) << 8);
		else
			c->gpr[r] = (c->gpr[r] & ~0xffull) | (v & 0xff);
		break;
	case 2: c->gpr[r] = (c->gpr[r] & ~0xffffull) | (v & 0xffff); break;
	case 4: c->gpr[r] = v & 0xffffffffu; break;
	default: c->gpr[r] = v;
	}
}

/* A 48-bit linear address is canonical when bits 63:47 are all equal
 * (SDM Vol. 1 §3.3.7.1). */
static inline bool tcg_canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* The bits a 16-, 32- or 64-bit IP, SP or address keeps. */
static inline uint64_t tcg_bits_mask(unsigned bits)
{
	return bits == 64 ? ~0ull : bits == 32 ? 0xffffffffull : 0xffffull;
}

static inline uint64_t tcg_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/* Operand size in bytes of instruction i (1 for byte forms is the
 * handler's business: the decoder reports 16/32/64). */
static inline unsigned tcg_osize(const struct x86_insn *i) { return i->opsize / 8; }

/* ---- flags (tcg/flags.c) ---- */

/* The full RFLAGS, computing the lazy arithmetic flags. */
uint64_t tcg_flags(struct tcg_cpu *c);
/* Replaces RFLAGS wholesale (bit 1 forced on); cc_op becomes TCG_CC_EFLAGS.
 * No privilege checks: POPF/IRET do those before calling it. */
void tcg_flags_set(struct tcg_cpu *c, uint64_t f);
/* Condition code cc (0-15, the low nibble of Jcc/SETcc/CMOVcc). */
bool tcg_cond(struct tcg_cpu *c, unsigned cc);
/* dst OP src on size bytes (1, 2, 4, 8), with lazy flags; CMP and TEST
 * return dst. ADC/SBB read CF. */
uint64_t tcg_alu(struct tcg_cpu *c, enum x86_alu op, uint64_t dst, uint64_t src, unsigned size);

/* ---- memory (tcg/mmu.c, tcg/operand.c) ---- */

/* Access kinds, for page-walk permissions and segment checks. */
enum tcg_access { TCG_READ, TCG_WRITE, TCG_EXEC };

/* Linear-address accesses at the current privilege (CPL 3 = user). Size 1,
 * 2, 4 or 8, any alignment, may cross pages. Raise #PF. Outside long mode
 * the caller passes a 32-bit linear address (tcg_seg_lin truncates). */
uint64_t tcg_ld_lin(struct tcg_cpu *c, uint64_t lin, unsigned size);
void tcg_st_lin(struct tcg_cpu *c, uint64_t lin, unsigned size, uint64_t val);
/* Byte buffers of any length (x87 m80, SSE m128, FXSAVE m512). A store
 * checks every page is writable before it writes any byte. */
void tcg_ld_lin_buf(struct tcg_cpu *c, uint64_t lin, void *buf, size_t n);
void tcg_st_lin_buf(struct tcg_cpu *c, uint64_t lin, const void *buf, size_t n);
/* Implicit supervisor accesses (descriptor tables, TSS, IDT), whatever the
 * CPL (SDM Vol. 3A §4.6.1). */
uint64_t tcg_ld_sys(struct tcg_cpu *c, uint64_t lin, unsigned size);
void tcg_st_sys(struct tcg_cpu *c, uint64_t lin, unsigned size, uint64_t val);

/* Segment-relative: checks the segment (type, limit; canonical form in
 * 64-bit mode) and returns the linear address, or raises #GP/#SS. */
uint64_t tcg_seg_lin(struct tcg_cpu *c, unsigned seg, uint64_t off, unsigned size, enum tcg_access a);
uint64_t tcg_ld(struct tcg_cpu *c, unsigned seg, uint64_t off, unsigned size);
void tcg_st(struct tcg_cpu *c, unsigned seg, uint64_t off, unsigned size, uint64_t val);

/* For read-modify-write and LOCK: the host address of size bytes at
 * seg:off, checked writable (A/D set), or NULL when they are not plain RAM
 * in one page (MMIO, page-crossing): then use tcg_ld + tcg_st. LOCKed
 * operations on the pointer use host atomics, so they stay atomic between
 * vCPUs running on different host CPUs. */
void *tcg_rmw_ptr(struct tcg_cpu *c, unsigned seg, uint64_t off, unsigned size);
/* The same for reading (no D bit, no write check): the host address of
 * size bytes at seg:off when they are plain RAM in one page, else NULL. */
const void *tcg_read_ptr(struct tcg_cpu *c, unsigned seg, uint64_t off, unsigned size);

/* Memory operand of i: its offset (no segment base), and its segment. */
uint64_t tcg_ea(struct tcg_cpu *c, const struct x86_insn *i);
unsigned tcg_ea_seg(const struct x86_insn *i);
/* The r/m operand of i as size bytes: a register (mod 3, with the AH-BH
 * rule) or memory. */
uint64_t tcg_rm_read(struct tcg_cpu *c, const struct x86_insn *i, unsigned size);
void tcg_rm_write(struct tcg_cpu *c, const struct x86_insn *i, unsigned size, uint64_t v);
/* The reg operand (ModRM.reg) as size bytes. */
static inline uint64_t tcg_r_read(const struct tcg_cpu *c, const struct x86_insn *i, unsigned size)
{
	return tcg_reg(c, i->reg, size, i->rex != 0);
}
static inline void tcg_r_write(struct tcg_cpu *c, const struct x86_insn *i, unsigned size, uint64_t v)
{
	tcg_reg_set(c, i->reg, size, i->rex != 0, v);
}

/* Stack (SS, with the stack address size). push writes then moves rSP;
 * pop reads then moves rSP. tcg_stack_peek reads at rSP + off without
 * moving it, for instructions that must not commit before a later fault. */
void tcg_push(struct tcg_cpu *c, uint64_t v, unsigned size);
uint64_t tcg_pop(struct tcg_cpu *c, unsigned size);
uint64_t tcg_stack_peek(struct tcg_cpu *c, uint64_t off, unsigned size);
/* rSP as the stack address size sees it, and an update that keeps the
 * bits above it (16-bit stacks change SP only). */
uint64_t tcg_sp(const struct tcg_cpu *c);
void tcg_sp_set(struct tcg_cpu *c, uint64_t v);

/* Address-size masked rSI/rDI/rCX for string instructions. */
static inline uint64_t tcg_amask(const struct x86_insn *i)
{
	return tcg_bits_mask(i->addrsize);
}

/* ---- ports (tcg/sys.c) ---- */

/* IN/OUT with the permission check (IOPL, then the TSS I/O bitmap: SDM
 * Vol. 1 §19.5); raises #GP. Ends the block so the engine sees effects. */
uint32_t tcg_io_in(struct tcg_cpu *c, uint16_t port, unsigned size);
void tcg_io_out(struct tcg_cpu *c, uint16_t port, unsigned size, uint32_t v);

/* ---- host code (tcg/exec.c) ---- */

/* Executable and writable host memory for generated code (stubs, blocks),
 * from the platform (vm_host.code_alloc); never freed while the VM lives.
 * NULL when out of it. */
void *tcg_code_alloc(struct tcg_cpu *c, size_t bytes);

/* ---- mode ---- */

/* Recomputes cpl, code_bits, stack_bits, long_mode, flat after a change
 * to CR0, EFER, CS or SS, and ends the block. */
void tcg_cpu_update_mode(struct tcg_cpu *c);

/* ---- instruction handlers ---- */

typedef void (*tcg_op_fn)(struct tcg_cpu *c, const struct x86_insn *i);

/* Each group returns the handler for a decoded instruction, or NULL if it
 * is not one of its instructions. tcg/optab.c asks them in turn; nobody
 * answering means #UD. A handler may still raise #UD itself for forms it
 * finds invalid at run time (e.g. LOCK on a register operand). */
tcg_op_fn tcg_ops_alu(const struct x86_insn *i);  /* tcg/ops_alu.c: arithmetic, logic, shifts, mul/div, bits */
tcg_op_fn tcg_ops_data(const struct x86_insn *i); /* tcg/ops_data.c: moves, stack, branches, strings, flags */
tcg_op_fn tcg_ops_fpu(const struct x86_insn *i);  /* tcg/fpu.c: x87, MMX, SSE */
tcg_op_fn tcg_ops_sys(const struct x86_insn *i);  /* tcg/sys.c: system instructions */
tcg_op_fn tcg_lookup(const struct x86_insn *i);   /* tcg/optab.c */

#endif
