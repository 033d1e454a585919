/*
 * tcg/jit_ops.c - native templates for the instructions that dominate
 * real code (measured on the Linux boot): MOV, the ALU group, TEST, LEA,
 * MOVZX/MOVSX, PUSH/POP, Jcc, JMP, CALL, RET, in 64-bit mode.
 *
 * Register use in generated code: rbx = struct tcg_cpu; r12 = the linear
 * address of a memory operand and r13 = a value loaded or to store (both
 * callee-saved, so they survive slow-path calls); rax, rcx, rdx, rsi, rdi
 * are scratch. Memory goes through the soft TLB inline: index, compare the
 * page of the operand's last byte with the tag (a page-crossing access
 * misses), then the host address is tag + addend; a miss calls the
 * slow path in C, which also does the canonical check and raises faults.
 */
#include <stddef.h>
#include "tcg/cpu.h"
#include "tcg/emit.h"
#include "tcg/flags.h"
#include "tcg/jit.h"
#include "tcg/tcg_int.h"

#define OFF(f) ((int32_t)offsetof(struct tcg_cpu, f))
#define GPR(r) (OFF(gpr) + 8 * (int32_t)(r))

/* ---- slow paths (called from generated code) ---- */

/* lin already holds any FS/GS base: the segment only picks the fault
 * (#SS for the stack, else #GP) of the canonical check. */
static uint64_t jit_load(struct tcg_cpu *c, uint64_t lin, unsigned sz_seg)
{
	unsigned size = sz_seg & 0xff, seg = sz_seg >> 8 == X86_SEG_SS ? X86_SEG_SS : X86_SEG_DS;
	return tcg_ld_lin(c, tcg_seg_lin(c, seg, lin, size, TCG_READ), size);
}

static void jit_store(struct tcg_cpu *c, uint64_t lin, unsigned sz_seg, uint64_t v)
{
	unsigned size = sz_seg & 0xff, seg = sz_seg >> 8 == X86_SEG_SS ? X86_SEG_SS : X86_SEG_DS;
	tcg_st_lin(c, tcg_seg_lin(c, seg, lin, size, TCG_WRITE), size, v);
}

static void jit_raise_gp(struct tcg_cpu *c) { tcg_raise_gp0(c); }

/* ---- pieces ---- */

/* Loads guest GPR r (size bytes, AH-BH rule) zero-extended into host h,
 * from its cached host register (tcg/jit_regs.c). AH-BH go through
 * memory: they are rare in 64-bit code. */
static void ld_gpr(struct jit_ctx *x, unsigned h, unsigned r, unsigned size, bool rex)
{
	struct emit *e = x->e;
	if (size == 1 && !rex && r >= 4 && r < 8) {
		jr_evict(x, r - 4);
		e_load(e, 1, h, RBX, GPR(r - 4) + 1);
		return;
	}
	unsigned c = jr_read(x, r);
	if (size >= 4) {
		e_op_rr(e, 0x88, 0x89, size, c, h); /* mov h, c (32-bit: zero-extends) */
		return;
	}
	e_rex(e, false, h, 0, c, size == 1 && c >= 4); /* movzx h32, c8 / c16 */
	e_byte(e, 0x0f);
	e_byte(e, size == 1 ? 0xb6 : 0xb7);
	e_modrm_rr(e, h, c);
}

/* Stores host h to guest GPR r with x86's merge rules: 8 and 16-bit
 * writes merge, 32-bit ones zero-extend (SDM Vol. 1 §3.4.1.1). Size 8
 * also serves for 32-bit results the host already zero-extended. */
static void st_gpr(struct jit_ctx *x, unsigned h, unsigned r, unsigned size, bool rex)
{
	struct emit *e = x->e;
	if (size == 1 && !rex && r >= 4 && r < 8) {
		jr_evict(x, r - 4);
		e_store(e, 1, h, RBX, GPR(r - 4) + 1);
		return;
	}
	unsigned c = size >= 4 ? jr_write(x, r) : jr_modify(x, r);
	e_op_rr(e, 0x88, 0x89, size, h, c); /* mov c, h (merging for 1, 2) */
}

/* Around C calls on the main path or a slow path: the dirty cached
 * registers to memory first (the callee may fault, and faults are
 * precise), the caller-saved ones back afterwards. */
static void call_c(struct jit_ctx *x, const void *fn)
{
	jr_store(x);
	e_call(x->e, fn);
	jr_reload(x);
}

/* r12 = the memory operand's linear address (64-bit mode). */
static bool ea(struct jit_ctx *x, const struct x86_insn *i)
{
	struct emit *e = x->e;
	if (i->addrsize != 64 && i->addrsize != 32)
		return false;
	if (i->rip_rel) {
		uint64_t a = x->next + (uint64_t)i->disp;
		e_mov_imm(e, R12, i->addrsize == 32 ? a & 0xffffffffu : a);
	} else {
		/* lea r12, [base + index*scale + disp32] on the cached registers
		 * (SIB always; no base: mod 00 base 101 means disp32 only) */
		unsigned hb = i->base != X86_REG_NONE ? jr_read(x, i->base) : RBP;
		unsigned hi = i->index != X86_REG_NONE ? jr_read(x, i->index) : RSP;
		if (i->base != X86_REG_NONE && x->regs.slot[i->base] < 0)
			hb = jr_read(x, i->base); /* the index's load evicted it */
		unsigned ss = i->scale == 8 ? 3 : i->scale == 4 ? 2 : i->scale == 2 ? 1 : 0;
		e_rex(e, true, R12, hi, hb, false);
		e_byte(e, 0x8d);
		e_byte(e, (uint8_t)((i->base != X86_REG_NONE ? 0x80 : 0x00) | (R12 & 7) << 3 | 4));
		e_byte(e, (uint8_t)(ss << 6 | (hi & 7) << 3 | (hb & 7)));
		e_u32(e, (uint32_t)i->disp);
		if (i->addrsize == 32)
			e_op_rr(e, 0x88, 0x89, 4, R12, R12); /* mov r12d, r12d */
	}
	unsigned seg = tcg_ea_seg(i);
	if (seg == X86_SEG_FS || seg == X86_SEG_GS) { /* add r12, [rbx+seg.base] */
		e_rex(e, true, R12, 0, RBX, false);
		e_byte(e, 0x03);
		e_mem(e, R12, RBX, OFF(seg[seg].base));
	}
	return true;
}

/* The soft-TLB probe for size bytes at r12: leaves the entry's address
 * offset in rax (rbx + rax = entry) and branches to a hole on a miss. */
static uint8_t *tlb_probe(struct jit_ctx *x, unsigned size, bool write)
{
	struct emit *e = x->e;
	int32_t tlb = OFF(tlb) + (x->b->cpl == 3 ? TCG_TLB_SIZE * (int32_t)sizeof(struct tcg_tlb_entry) : 0);
	int32_t tag = write ? (int32_t)offsetof(struct tcg_tlb_entry, tag_write)
			    : (int32_t)offsetof(struct tcg_tlb_entry, tag_read);
	e_op_rr(e, 0x88, 0x89, 4, R12, RAX);             /* mov eax, r12d */
	e_bytes(e, "\xc1\xe8\x0c", 3);                   /* shr eax, 12 */
	e_bytes(e, "\x25", 1);                           /* and eax, 255 */
	e_u32(e, TCG_TLB_SIZE - 1);
	e_bytes(e, "\x6b\xc0", 2);                       /* imul eax, eax, sizeof entry */
	e_byte(e, (uint8_t)sizeof(struct tcg_tlb_entry));
	e_bytes(e, "\x49\x8d", 2);                       /* lea rdx, [r12 + size-1] */
	e_byte(e, 0x54);
	e_byte(e, 0x24);
	e_byte(e, (uint8_t)(size - 1));
	e_bytes(e, "\x48\x81\xe2", 3);                   /* and rdx, -4096 */
	e_u32(e, 0xfffff000u);
	e_rex(e, true, RDX, RAX, RBX, false);            /* cmp rdx, [rbx + rax + tlb + tag] */
	e_byte(e, 0x3b);
	e_mem_idx(e, RDX, RBX, RAX, tlb + tag);
	return e_jcc_fwd(e, 0x5);                        /* jne miss */
}

static int32_t tlb_addend(struct jit_ctx *x)
{
	return OFF(tlb) + (x->b->cpl == 3 ? TCG_TLB_SIZE * (int32_t)sizeof(struct tcg_tlb_entry) : 0) +
	       (int32_t)offsetof(struct tcg_tlb_entry, addend);
}

/* r13 = size bytes at r12 (zero-extended). */
static void load(struct jit_ctx *x, unsigned size, unsigned seg)
{
	struct emit *e = x->e;
	uint8_t *miss = tlb_probe(x, size, false);
	e_rex(e, true, RDX, RAX, RBX, false);            /* mov rdx, [rbx + rax + addend] */
	e_byte(e, 0x8b);
	e_mem_idx(e, RDX, RBX, RAX, tlb_addend(x));
	/* mov r13, [rdx + r12] (movzx for 1, 2) */
	if (size >= 4) {
		e_rex(e, size == 8, R13, R12, RDX, false);
		e_byte(e, 0x8b);
	} else {
		e_rex(e, false, R13, R12, RDX, false);
		e_byte(e, 0x0f);
		e_byte(e, size == 1 ? 0xb6 : 0xb7);
	}
	e_mem_idx(e, R13, RDX, R12, 0);
	uint8_t *join = e_jmp_fwd(e);
	e_patch(miss, e->p);
	if (!x->flags_new)
		jit_store_flags(x); /* faults see the flags before the instruction */
	e_store_imm64(e, RBX, OFF(rip), x->rip);         /* faults are precise */
	e_op_rr(e, 0x88, 0x89, 8, RBX, RDI);
	e_op_rr(e, 0x88, 0x89, 8, R12, RSI);
	e_mov_imm(e, RDX, size | seg << 8);
	call_c(x, (const void *)jit_load);
	e_op_rr(e, 0x88, 0x89, 8, RAX, R13);             /* mov r13, rax */
	e_patch(join, e->p);
	x->rip_synced = false;
}

/* size bytes of r13 to r12. The last step of every template that uses
 * it: after a slow-path store that asked to stop (MMIO, or a write into
 * this very block), the block leaves with the instruction complete. */
static void store_to(struct jit_ctx *x, unsigned size, unsigned seg, bool new_rsp_in_r12,
		     uint64_t exit_rip)
{
	struct emit *e = x->e;
	uint8_t *miss = tlb_probe(x, size, true);
	e_rex(e, true, RDX, RAX, RBX, false);
	e_byte(e, 0x8b);
	e_mem_idx(e, RDX, RBX, RAX, tlb_addend(x));
	if (size == 2)
		e_byte(e, 0x66);
	e_rex(e, size == 8, R13, R12, RDX, size == 1);    /* mov [rdx + r12], r13 */
	e_byte(e, size == 1 ? 0x88 : 0x89);
	e_mem_idx(e, R13, RDX, R12, 0);
	uint8_t *join = e_jmp_fwd(e);
	e_patch(miss, e->p);
	/* a template whose flags are new here flushed the old ones first */
	if (!x->flags_new)
		jit_store_flags(x);
	e_store_imm64(e, RBX, OFF(rip), x->rip);
	e_op_rr(e, 0x88, 0x89, 8, RBX, RDI);
	e_op_rr(e, 0x88, 0x89, 8, R12, RSI);
	e_mov_imm(e, RDX, size | seg << 8);
	e_op_rr(e, 0x88, 0x89, 8, R13, RCX);
	call_c(x, (const void *)jit_store);
	e_bytes(e, "\xf7\x83", 2);                       /* test dword [rbx+stop flags], -1 */
	e_u32(e, (uint32_t)OFF(end_block));
	e_u32(e, 0xffffffffu);
	uint8_t *go_on = e_jcc_fwd(e, 0x4);
	/* the instruction is complete: the exit commits all of it */
	x->exit_rsp_r12 = new_rsp_in_r12; /* after the cached registers */
	jit_exit_to(x, exit_rip, x->k + 1);
	x->exit_rsp_r12 = false;
	e_patch(go_on, e->p);
	e_patch(join, e->p);
	x->rip_synced = false;
	x->hflags_ok = false;
}

static void store(struct jit_ctx *x, unsigned size, unsigned seg, bool new_rsp_in_r12)
{
	store_to(x, size, seg, new_rsp_in_r12, x->next);
}

/* ---- templates ---- */

static bool is_mem(const struct x86_insn *i) { return i->mod != 3; }

/* The r/m operand of i (size bytes, zero-extended) into host register h:
 * a guest register, or memory through the TLB (r12 = its address).
 * False if the addressing form has no template. */
static bool rm_to(struct jit_ctx *x, const struct x86_insn *i, unsigned size, unsigned h, bool rex)
{
	if (!is_mem(i)) {
		ld_gpr(x, h, i->rm, size, rex);
		return true;
	}
	if (!ea(x, i))
		return false;
	load(x, size, tcg_ea_seg(i));
	e_op_rr(x->e, 0x88, 0x89, 8, R13, h);
	return true;
}

static unsigned opsize(const struct x86_insn *i, bool byte_form)
{
	return byte_form ? 1 : i->opsize / 8;
}

/* MOV 88/89/8A/8B/C6/C7, B0-BF */
static bool t_mov(struct jit_ctx *x, const struct x86_insn *i)
{
	struct emit *e = x->e;
	bool rex = i->rex != 0;
	uint8_t op = i->opcode;
	if (op >= 0xb0 && op <= 0xbf) {
		unsigned size = op < 0xb8 ? 1 : i->opsize / 8;
		unsigned r = (op & 7) | (i->rex_b ? 8 : 0);
		e_mov_imm(e, RCX, size == 8 ? i->imm[0] : i->imm[0] & tcg_mask(size));
		st_gpr(x, RCX, r, size, rex);
		return true;
	}
	unsigned size = opsize(i, !(op & 1));
	if (op == 0xc6 || op == 0xc7) {
		if ((i->reg & 7) != 0)
			return false;
		uint64_t imm = i->imm[0];
		if (size == 8)
			imm = (uint64_t)(int64_t)(int32_t)imm;
		if (!is_mem(i)) {
			e_mov_imm(e, RCX, imm & tcg_mask(size));
			st_gpr(x, RCX, i->rm, size, rex);
			return true;
		}
		if (!ea(x, i))
			return false;
		e_mov_imm(e, R13, imm & tcg_mask(size));
		store(x, size, tcg_ea_seg(i), false);
		return true;
	}
	bool to_reg = op & 2; /* 8A/8B: reg <- r/m */
	if (!is_mem(i)) {
		unsigned src = to_reg ? i->rm : i->reg, dst = to_reg ? i->reg : i->rm;
		ld_gpr(x, RCX, src, size, rex);
		st_gpr(x, RCX, dst, size, rex);
		return true;
	}
	if (!ea(x, i))
		return false;
	if (to_reg) {
		load(x, size, tcg_ea_seg(i));
		st_gpr(x, R13, i->reg, size, rex);
	} else {
		ld_gpr(x, R13, i->reg, size, rex);
		store(x, size, tcg_ea_seg(i), false);
	}
	return true;
}

/* Host opcode (r/m, reg form) of ALU op n: ADD OR ADC SBB AND SUB XOR CMP */
static uint8_t alu_op(unsigned n, unsigned size) { return (uint8_t)(n * 8 + (size == 1 ? 0 : 1)); }

/* After a host flag-setting op: capture its flags in r14 without
 * disturbing them (pushfq / pop leave flags alone). */
static void capture_flags(struct jit_ctx *x)
{
	e_bytes(x->e, "\x9c\x41\x5e", 3); /* pushfq; pop r14 */
	x->flags_live = true;
	x->flags_new = true;
	x->hflags_ok = true;
}

/* Before using the host flags for a condition: back from r14 when
 * something clobbered them since (popfq restores exactly what pushfq
 * saw: same privilege, DF clear). */
static void host_flags(struct jit_ctx *x)
{
	if (!x->hflags_ok)
		e_bytes(x->e, "\x41\x56\x9d", 3); /* push r14; popfq */
	x->hflags_ok = true;
}


/* How an instruction uses the arithmetic flags, for dead-flag elimination:
 * 1 = writes all six without reading them, 0 = neither reads nor writes,
 * -1 = reads some (or may: anything not known here). */
static int flag_use(const struct x86_insn *n)
{
	uint8_t op = n->opcode;
	unsigned r = n->reg & 7;
	if (n->vex)
		return -1;
	if (n->map == X86_MAP_1B) {
		if (op < 0x40 && (op & 7) < 6)
			return ((op >> 3) == 2 || (op >> 3) == 3) ? -1 : 1; /* ADC SBB read CF */
		if (op >= 0x80 && op <= 0x83)
			return r == 2 || r == 3 ? -1 : 1;
		if (op == 0x84 || op == 0x85 || op == 0xa8 || op == 0xa9)
			return 1;
		if ((op >= 0x88 && op <= 0x8b) || op == 0x8d || (op >= 0xb0 && op <= 0xbf) ||
		    op == 0xc6 || op == 0xc7 || (op >= 0x50 && op <= 0x5f) || op == 0x90 ||
		    op == 0x63 || op == 0x68 || op == 0x6a)
			return 0;
		if ((op == 0xf6 || op == 0xf7) && r == 2)
			return 0; /* NOT */
		if ((op == 0xf6 || op == 0xf7) && (r == 0 || r == 3))
			return 1; /* TEST, NEG */
		if (op == 0x69 || op == 0x6b)
			return 1; /* IMUL: CF OF set, the rest undefined (so written) */
		if ((op == 0xc0 || op == 0xc1 || op == 0xd0 || op == 0xd1) && (r == 4 || r == 5 || r == 7)) {
			unsigned count = op >= 0xd0 ? 1 : (unsigned)n->imm[0];
			return count & (n->rex_w ? 63 : 31) ? 1 : -1;
		}
		/* ROL/ROR and INC/DEC read no flag: what they keep passes
		 * through, so an earlier write stays dead if a later one
		 * covers it */
		if ((op >= 0xc0 && op <= 0xd3 && op != 0xc2 && op != 0xc3 && op != 0xc4 && op != 0xc5 &&
		     op != 0xc6 && op != 0xc7 && op != 0xc8 && op != 0xc9 && op != 0xca && op != 0xcb &&
		     op != 0xcc && op != 0xcd && op != 0xce && op != 0xcf && (r == 0 || r == 1)) ||
		    ((op == 0xfe || op == 0xff) && r <= 1))
			return 0;
		return -1;
	}
	if (n->map == X86_MAP_0F) {
		if (op == 0xb6 || op == 0xb7 || op == 0xbe || op == 0xbf || op == 0x1f ||
		    (op >= 0xc8 && op <= 0xcf))
			return 0;
		if (op == 0xaf)
			return 1;
	}
	return -1;
}

/* The flags the current instruction sets are overwritten before anyone
 * reads them, within this block (at its end they are live), and nothing
 * in between can fault: a fault must see them exactly. */
static bool flags_dead(struct jit_ctx *x)
{
	for (unsigned k = x->k + 1; k < x->b->ninsn; k++) {
		const struct x86_insn *n = &x->b->insn[k].x;
		int u = flag_use(n);
		if (u > 0 && !(n->has_modrm && n->mod != 3))
			return true;
		if (u || (n->has_modrm && n->mod != 3) ||
		    (n->map == X86_MAP_1B && ((n->opcode >= 0x50 && n->opcode <= 0x5f) ||
					      n->opcode == 0x68 || n->opcode == 0x6a)))
			return false;
	}
	return false;
}

/* Is the next instruction a Jcc that can use the host flags directly? */
static bool next_is_jcc(struct jit_ctx *x)
{
	if (x->k + 1 >= x->b->ninsn)
		return false;
	const struct x86_insn *n = &x->b->insn[x->k + 1].x;
	return (n->map == X86_MAP_1B && n->opcode >= 0x70 && n->opcode <= 0x7f) ||
	       (n->map == X86_MAP_0F && n->opcode >= 0x80 && n->opcode <= 0x8f) ||
	       (n->map == X86_MAP_0F && n->opcode >= 0x90 && n->opcode <= 0x9f && n->mod == 3) ||
	       (n->map == X86_MAP_0F && n->opcode >= 0x40 && n->opcode <= 0x4f && n->mod == 3 &&
		n->opsize != 16);
}

/* Flags just captured stay in r14 (see jit_store_flags). */
static void end_flags(struct jit_ctx *x)
{
	(void)next_is_jcc;
}

/*
 * ALU r/m, reg / reg, r/m / r/m, imm / acc, imm; and TEST. Operands in
 * rcx (destination) and rsi (source); the host runs the same operation
 * with the same size, so result and flags are the guest's.
 */
static bool t_alu(struct jit_ctx *x, const struct x86_insn *i, unsigned n, int form)
{
	/* form: 0 r/m,reg  1 reg,r/m  2 acc,imm  3 r/m,imm(grp1)  4 TEST r/m,reg  5 TEST acc,imm  6 TEST r/m,imm */
	struct emit *e = x->e;
	bool rex = i->rex != 0;
	if (n == 2 || n == 3 || i->p_lock)
		return false; /* ADC/SBB read CF: leave them to the handler */
	uint8_t op = i->opcode;
	unsigned size = opsize(i, !(op & 1)); /* 80 82 84 A8 F6 and the even ALU opcodes */
	bool test = form >= 4, writes = !test && n != 7;
	uint64_t imm = 0;
	if (form == 2 || form == 3 || form == 5 || form == 6) {
		imm = i->imm[0];
		if (op == 0x83)
			imm = (uint64_t)(int64_t)(int8_t)imm;
		else if (size == 8)
			imm = (uint64_t)(int64_t)(int32_t)imm;
		imm &= tcg_mask(size);
	}
	unsigned seg = tcg_ea_seg(i);
	bool mem = (form == 0 || form == 1 || form == 3 || form == 4 || form == 6) && is_mem(i);
	bool dead = flags_dead(x);
	if (!mem && (size == 4 || size == 8)) {
		/* registers only: the host operation on the cached registers
		 * (a 32-bit result zero-extends, as the guest's does) */
		unsigned d = form == 2 || form == 5 ? 0 : form == 1 ? i->reg : i->rm;
		bool reg_src = form == 0 || form == 1 || form == 4;
		unsigned hs = reg_src ? jr_read(x, form == 1 ? i->rm : i->reg) : 0;
		unsigned hd = writes ? jr_modify(x, d) : jr_read(x, d);
		if (reg_src) {
			uint8_t hop = test ? 0x85 : alu_op(n, size);
			e_op_rr(e, hop, hop, size, hs, hd);
		} else {
			e_rex(e, size == 8, 0, 0, hd, false);
			bool i8 = !test && (int64_t)(int8_t)imm == (size == 8 ? (int64_t)imm : (int64_t)(int32_t)imm);
			e_byte(e, test ? 0xf7 : i8 ? 0x83 : 0x81);
			e_modrm_rr(e, test ? 0 : n, hd);
			if (i8)
				e_byte(e, (uint8_t)imm);
			else
				e_u32(e, (uint32_t)imm);
		}
		if (!dead)
			capture_flags(x);
		else
			x->flags_live = false;
		return true;
	}
	/* a memory destination is stored after the flags are captured: the
	 * store's fault must see the older ones in memory */
	if (mem && writes && form != 1)
		jit_flush_flags(x);
	/* memory first: its slow path clobbers the scratch registers */
	if (mem) {
		if (!ea(x, i))
			return false;
		load(x, size, seg);
	}
	/* destination value -> rcx */
	if (form == 2 || form == 5)
		ld_gpr(x, RCX, 0, size, rex);
	else if (form == 1)
		ld_gpr(x, RCX, i->reg, size, rex);
	else if (mem)
		e_op_rr(e, 0x88, 0x89, 8, R13, RCX);
	else
		ld_gpr(x, RCX, i->rm, size, rex);
	/* source -> rsi */
	if (form == 0 || form == 4)
		ld_gpr(x, RSI, i->reg, size, rex);
	else if (form == 1 && mem)
		e_op_rr(e, 0x88, 0x89, 8, R13, RSI);
	else if (form == 1)
		ld_gpr(x, RSI, i->rm, size, rex);
	else
		e_mov_imm(e, RSI, imm);
	/* the operation itself: op rcx, rsi */
	if (test)
		e_op_rr(e, 0x84, 0x85, size, RSI, RCX);
	else
		e_op_rr(e, alu_op(n, size), alu_op(n, size), size, RSI, RCX);
	if (!dead)
		capture_flags(x);
	else
		x->flags_live = false; /* this one's, and any older, are dead */
	if (!writes) {
		end_flags(x);
		return true;
	}
	if (form == 1 || form == 2 || !mem) {
		unsigned dst = form == 1 ? i->reg : form == 2 ? 0 : i->rm;
		if (size == 4) /* the host op already zero-extended ecx */
			st_gpr(x, RCX, dst, 8, true);
		else
			st_gpr(x, RCX, dst, size, rex);
		end_flags(x);
		return true;
	}
	/* memory destination: the store is the last step; the flags are
	 * committed after it (or by its slow path when it leaves) */
	e_op_rr(e, 0x88, 0x89, 8, RCX, R13);
	store(x, size, seg, false);
	return true;
}

/* LEA r, m */
static bool t_lea(struct jit_ctx *x, const struct x86_insn *i)
{
	/* LEA ignores the segment, but ea() would add an FS/GS base */
	if (!is_mem(i) || tcg_ea_seg(i) >= X86_SEG_FS || i->opsize == 16)
		return false;
	if (!ea(x, i))
		return false;
	if (i->opsize == 32)
		e_op_rr(x->e, 0x88, 0x89, 4, R12, R12);
	st_gpr(x, R12, i->reg, 8, true);
	return true;
}

/* MOVZX / MOVSX 0F B6 B7 BE BF, MOVSXD 63 */
static bool t_movx(struct jit_ctx *x, const struct x86_insn *i, unsigned from, bool sx)
{
	struct emit *e = x->e;
	unsigned to = i->opsize / 8;
	if (to == 2)
		return false;
	if (!rm_to(x, i, from, RCX, i->rex != 0))
		return false;
	if (sx) { /* movsx rcx, cl/cx/ecx */
		if (from == 4) {
			e_bytes(e, "\x48\x63\xc9", 3);       /* movsxd rcx, ecx */
		} else {
			e_bytes(e, "\x48\x0f", 2);
			e_byte(e, from == 1 ? 0xbe : 0xbf);
			e_modrm_rr(e, RCX, RCX);
		}
	}
	if (to == 4)
		e_op_rr(e, 0x88, 0x89, 4, RCX, RCX);
	st_gpr(x, RCX, i->reg, 8, true);
	return true;
}

/* PUSH r64 / imm, POP r64 (64-bit stack: SS base 0) */
static bool t_push(struct jit_ctx *x, const struct x86_insn *i, bool imm)
{
	struct emit *e = x->e;
	if (i->opsize == 16)
		return false;
	if (imm) {
		uint64_t v = i->opcode == 0x6a ? (uint64_t)(int64_t)(int8_t)i->imm[0]
					       : (uint64_t)(int64_t)(int32_t)i->imm[0];
		e_mov_imm(e, R13, v);
	} else {
		ld_gpr(x, R13, (i->opcode & 7) | (i->rex_b ? 8 : 0), 8, true);
	}
	ld_gpr(x, R12, 4, 8, true);
	e_bytes(e, "\x49\x83\xec\x08", 4);                /* sub r12, 8 */
	store(x, 8, X86_SEG_SS, true);                    /* rSP moves once it is written */
	st_gpr(x, R12, 4, 8, true);
	return true;
}

static bool t_pop(struct jit_ctx *x, const struct x86_insn *i)
{
	struct emit *e = x->e;
	if (i->opsize == 16)
		return false;
	ld_gpr(x, R12, 4, 8, true);
	load(x, 8, X86_SEG_SS);
	e_bytes(e, "\x49\x83\xc4\x08", 4);                /* add r12, 8 */
	st_gpr(x, R12, 4, 8, true);
	st_gpr(x, R13, (i->opcode & 7) | (i->rex_b ? 8 : 0), 8, true);
	return true;
}

/* Jcc rel: host jcc on live flags, else tcg_cond(). Ends the block. */
static bool t_jcc(struct jit_ctx *x, const struct x86_insn *i)
{
	struct emit *e = x->e;
	unsigned cc = i->opcode & 15;
	uint64_t target = x->next + i->imm[0];
	if (i->imm_size[0] == 1)
		target = x->next + (uint64_t)(int64_t)(int8_t)i->imm[0];
	else
		target = x->next + (uint64_t)(int64_t)(int32_t)i->imm[0];
	if (!tcg_canonical(target))
		return false; /* non-canonical target: the handler raises #GP */
	uint8_t *taken;
	if (x->flags_live) {
		host_flags(x);
		taken = e_jcc_fwd(e, cc);
		jit_flush_flags(x);
		x->flags_live = true; /* and again on the taken path */
	} else {
		e_op_rr(e, 0x88, 0x89, 8, RBX, RDI);
		e_mov_imm(e, RSI, cc);
		call_c(x, (const void *)tcg_cond);
		e_bytes(e, "\x84\xc0", 2);                /* test al, al */
		taken = e_jcc_fwd(e, 0x5);
	}
	bool flags = x->flags_live;
	x->flags_live = false;
	jit_exit_to(x, x->next, x->k + 1);
	e_patch(taken, e->p);
	x->flags_live = flags;
	jit_flush_flags(x);
	jit_exit_to(x, target, x->k + 1);
	return true;
}

static bool t_jmp(struct jit_ctx *x, const struct x86_insn *i)
{
	uint64_t d = i->imm_size[0] == 1 ? (uint64_t)(int64_t)(int8_t)i->imm[0]
					 : (uint64_t)(int64_t)(int32_t)i->imm[0];
	uint64_t target = x->next + d;
	if (!tcg_canonical(target))
		return false;
	jit_exit_to(x, target, x->k + 1);
	return true;
}

static bool t_call(struct jit_ctx *x, const struct x86_insn *i)
{
	struct emit *e = x->e;
	uint64_t target = x->next + (uint64_t)(int64_t)(int32_t)i->imm[0];
	if (!tcg_canonical(target))
		return false;
	e_mov_imm(e, R13, x->next);
	ld_gpr(x, R12, 4, 8, true);
	e_bytes(e, "\x49\x83\xec\x08", 4);                /* sub r12, 8 */
	store_to(x, 8, X86_SEG_SS, true, target);
	st_gpr(x, R12, 4, 8, true);
	jit_exit_to(x, target, x->k + 1);
	return true;
}

static bool t_ret(struct jit_ctx *x, const struct x86_insn *i)
{
	struct emit *e = x->e;
	if (i->opsize == 16)
		return false;
	ld_gpr(x, R12, 4, 8, true);
	load(x, 8, X86_SEG_SS);
	/* the return address must be canonical, else #GP at the RET */
	e_op_rr(e, 0x88, 0x89, 8, R13, RAX);
	e_bytes(e, "\x48\xc1\xe0\x10\x48\xc1\xf8\x10", 8); /* shl rax,16; sar rax,16 */
	e_op_rr(e, 0x38, 0x39, 8, R13, RAX);              /* cmp rax, r13 */
	uint8_t *ok = e_jcc_fwd(e, 0x4);
	jit_store_flags(x);
	e_store_imm64(e, RBX, OFF(rip), x->rip);
	e_op_rr(e, 0x88, 0x89, 8, RBX, RDI);
	call_c(x, (const void *)jit_raise_gp);
	e_patch(ok, e->p);
	uint16_t extra = i->opcode == 0xc2 ? (uint16_t)i->imm[0] : 0;
	e_rex(e, true, 0, 0, R12, false);                 /* add r12, 8 + extra */
	e_byte(e, 0x81);
	e_modrm_rr(e, 0, R12);
	e_u32(e, 8u + extra);
	st_gpr(x, R12, 4, 8, true);
	e_store(e, 8, R13, RBX, OFF(rip));
	jit_goto_next(x, x->k + 1);
	return true;
}

unsigned tcg_jit_mask = ~0u; /* debugging: templates to use, by bit */


/* INC/DEC keep CF: the host's flags give OF SF ZF AF PF, CF comes from
 * the guest's flags as they were. */
static void jit_merge_keep_cf(struct tcg_cpu *c, uint64_t host)
{
	tcg_flags_set_arith(c, TCG_ARITH & ~TCG_CF, host);
}

/* Applies one of the host's one-operand ops to r/m: F6/F7 /2 NOT, /3 NEG;
 * FE/FF /0 INC, /1 DEC; shifts C0/C1/D0/D1 /4 SHL, /5 SHR, /7 SAR with an
 * immediate count (a count of 0 changes nothing, flags included). */
static bool t_unary(struct jit_ctx *x, const struct x86_insn *i)
{
	struct emit *e = x->e;
	bool rex = i->rex != 0;
	uint8_t op = i->opcode;
	unsigned r = i->reg & 7, size = opsize(i, !(op & 1));
	unsigned count = 0;
	uint8_t hop, hreg;
	bool shift = op == 0xc0 || op == 0xc1 || op == 0xd0 || op == 0xd1;
	if (i->p_lock)
		return false;
	bool dead = flags_dead(x);
	if (shift) {
		/* ROL/ROR leave all but CF and OF alone: only when nobody looks */
		if (r != 4 && r != 5 && r != 7 && !((r == 0 || r == 1) && dead))
			return false;
		count = op >= 0xd0 ? 1 : (unsigned)i->imm[0];
		count &= size == 8 ? 63 : 31;
		if (!count) /* flags stay, but a 32-bit register is still zero-extended */
			return false;
		hop = size == 1 ? 0xc0 : 0xc1;
		hreg = (uint8_t)r;
	} else if (op == 0xf6 || op == 0xf7) {
		if (r != 2 && r != 3)
			return false;
		hop = op;
		hreg = (uint8_t)r;
	} else {
		/* INC/DEC: register operands only (the CF merge after a store
		 * that leaves the block is the handler's business) */
		if (r > 1 || is_mem(i))
			return false;
		hop = op;
		hreg = (uint8_t)r;
	}
	unsigned seg = tcg_ea_seg(i);
	if (is_mem(i)) {
		/* the store comes after the new flags: older ones to memory */
		jit_flush_flags(x);
		if (!ea(x, i))
			return false;
		load(x, size, seg);
		e_op_rr(e, 0x88, 0x89, 8, R13, RCX);
	} else {
		ld_gpr(x, RCX, i->rm, size, rex);
	}
	/* the host instruction on rcx */
	if (size == 2)
		e_byte(e, 0x66);
	e_rex(e, size == 8, 0, 0, RCX, false);
	e_byte(e, hop);
	e_modrm_rr(e, hreg, RCX);
	if (shift)
		e_byte(e, (uint8_t)count);
	bool flags = (!(op == 0xf6 || op == 0xf7) || r == 3) && !dead; /* NOT sets none */
	bool keep_cf = (op == 0xfe || op == 0xff) && !dead, old_live = x->flags_live;
	if (keep_cf && old_live) {
		/* CF from the pending flags in r14, the rest from the host */
		e_bytes(e, "\x9c\x58", 2);                     /* pushfq; pop rax */
		e_bytes(e, "\x48\x83\xe0\xfe", 4);             /* and rax, ~CF */
		e_bytes(e, "\x49\x83\xe6\x01", 4);             /* and r14, CF */
		e_op_rr(e, 0x08, 0x09, 8, RAX, R14);            /* or r14, rax */
		x->flags_new = true;
		x->hflags_ok = false;
	} else if (flags) {
		capture_flags(x);
	}
	if (is_mem(i)) {
		e_op_rr(e, 0x88, 0x89, 8, RCX, R13);
		x->flags_live = flags;
		store(x, size, seg, false);
	} else if (size == 4) {
		st_gpr(x, RCX, i->rm, 8, true); /* ecx is zero-extended */
	} else {
		st_gpr(x, RCX, i->rm, size, rex);
	}
	if (keep_cf && !old_live) {
		/* CF is in memory (maybe lazily): merge there */
		e_op_rr(e, 0x88, 0x89, 8, RBX, RDI);
		e_op_rr(e, 0x88, 0x89, 8, R14, RSI);
		call_c(x, (const void *)jit_merge_keep_cf);
		x->flags_live = false;
		x->hflags_ok = false;
	}
	return true;
}

/* IMUL r, r/m (0F AF) and IMUL r, r/m, imm (69, 6B): CF = OF from the
 * host; the others are undefined, and the host's values do. */
static bool t_imul(struct jit_ctx *x, const struct x86_insn *i)
{
	struct emit *e = x->e;
	unsigned size = i->opsize / 8;
	if (size == 2)
		return false;
	if (!rm_to(x, i, size, RSI, true))
		return false;
	if (i->map == X86_MAP_0F) {
		ld_gpr(x, RCX, i->reg, size, true);
		e_rex(e, size == 8, RCX, 0, RSI, false); /* imul rcx, rsi */
		e_bytes(e, "\x0f\xaf", 2);
		e_modrm_rr(e, RCX, RSI);
	} else {
		int64_t imm = i->opcode == 0x6b ? (int8_t)i->imm[0] : (int32_t)i->imm[0];
		e_rex(e, size == 8, RCX, 0, RSI, false); /* imul rcx, rsi, imm32 */
		e_byte(e, 0x69);
		e_modrm_rr(e, RCX, RSI);
		e_u32(e, (uint32_t)imm);
	}
	capture_flags(x);
	st_gpr(x, RCX, i->reg, 8, true); /* 32-bit results are zero-extended */
	end_flags(x);
	return true;
}

/* BSWAP r32/r64 (16-bit forms are undefined: the handler's business) */
static bool t_bswap(struct jit_ctx *x, const struct x86_insn *i)
{
	struct emit *e = x->e;
	unsigned r = (i->opcode & 7) | (i->rex_b ? 8 : 0), size = i->opsize / 8;
	if (size == 2)
		return false;
	ld_gpr(x, RCX, r, size, true);
	e_rex(e, size == 8, 0, 0, RCX, false);
	e_byte(e, 0x0f);
	e_byte(e, 0xc9); /* bswap ecx / rcx */
	st_gpr(x, RCX, r, 8, true);
	return true;
}

/* SETcc and CMOVcc: the condition from live host flags, else tcg_cond. */
static void cond_to_al(struct jit_ctx *x, unsigned cc)
{
	struct emit *e = x->e;
	if (x->flags_live) {
		host_flags(x);
		e_bytes(e, "\x0f", 1); /* setcc al */
		e_byte(e, (uint8_t)(0x90 | cc));
		e_byte(e, 0xc0);
		return;
	}
	e_op_rr(e, 0x88, 0x89, 8, RBX, RDI);
	e_mov_imm(e, RSI, cc);
	call_c(x, (const void *)tcg_cond);
}

static bool t_setcc(struct jit_ctx *x, const struct x86_insn *i)
{
	if (is_mem(i))
		return false;
	cond_to_al(x, i->opcode & 15);
	st_gpr(x, RAX, i->rm, 1, i->rex != 0);
	return true;
}

static bool t_cmov(struct jit_ctx *x, const struct x86_insn *i)
{
	struct emit *e = x->e;
	unsigned size = i->opsize / 8;
	if (is_mem(i) || size == 2)
		return false;
	cond_to_al(x, i->opcode & 15);
	ld_gpr(x, RCX, i->reg, size, true);
	ld_gpr(x, RDX, i->rm, size, true);
	e_bytes(e, "\x84\xc0", 2);                       /* test al, al */
	e_bytes(e, "\x48\x0f\x45\xca", 4);               /* cmovnz rcx, rdx */
	st_gpr(x, RCX, i->reg, 8, true); /* a 32-bit CMOV zero-extends either way */
	return true;
}

bool tcg_jit_native(struct jit_ctx *x)
{
	const struct x86_insn *i = &x->b->insn[x->k].x;
	if (x->b->mode != 64 || i->vex || i->rep)
		return false;
	/* segment overrides other than FS/GS mean nothing in 64-bit mode */
	bool ok = false;
	if (i->map == X86_MAP_1B) {
		uint8_t op = i->opcode;
		if (op < 0x40 && (op & 7) < 6) {
			unsigned f = op & 7; /* 0,1: r/m,reg  2,3: reg,r/m  4,5: acc,imm */
			ok = (tcg_jit_mask >> 0 & 1) && t_alu(x, i, op >> 3, f < 2 ? 0 : f < 4 ? 1 : 2);
		} else if (op >= 0x80 && op <= 0x83 && op != 0x82) {
			ok = (tcg_jit_mask >> 0 & 1) && t_alu(x, i, i->reg & 7, 3);
		} else if (op == 0x84 || op == 0x85) {
			ok = (tcg_jit_mask >> 0 & 1) && t_alu(x, i, 0, 4);
		} else if (op == 0xa8 || op == 0xa9) {
			ok = (tcg_jit_mask >> 0 & 1) && t_alu(x, i, 0, 5);
		} else if ((op == 0xf6 || op == 0xf7) && (i->reg & 7) == 0) {
			ok = (tcg_jit_mask >> 0 & 1) && t_alu(x, i, 0, 6);
		} else if ((op >= 0x88 && op <= 0x8b) || op == 0xc6 || op == 0xc7 || (op >= 0xb0 && op <= 0xbf)) {
			ok = (tcg_jit_mask >> 1 & 1) && t_mov(x, i);
		} else if (op == 0x8d) {
			ok = (tcg_jit_mask >> 2 & 1) && t_lea(x, i);
		} else if (op == 0x63 && i->rex_w) {
			ok = (tcg_jit_mask >> 3 & 1) && t_movx(x, i, 4, true);
		} else if (op >= 0x50 && op <= 0x57) {
			ok = (tcg_jit_mask >> 4 & 1) && t_push(x, i, false);
		} else if (op == 0x68 || op == 0x6a) {
			ok = (tcg_jit_mask >> 4 & 1) && t_push(x, i, true);
		} else if (op >= 0x58 && op <= 0x5f) {
			ok = (tcg_jit_mask >> 5 & 1) && t_pop(x, i);
		} else if (op >= 0x70 && op <= 0x7f) {
			ok = (tcg_jit_mask >> 6 & 1) && t_jcc(x, i);
		} else if (op == 0xe9 || op == 0xeb) {
			ok = (tcg_jit_mask >> 7 & 1) && t_jmp(x, i);
		} else if (op == 0xe8) {
			ok = (tcg_jit_mask >> 8 & 1) && t_call(x, i);
		} else if (op == 0xc3 || op == 0xc2) {
			ok = (tcg_jit_mask >> 9 & 1) && t_ret(x, i);
		} else if (op == 0xc0 || op == 0xc1 || op == 0xd0 || op == 0xd1 || op == 0xf6 ||
			   op == 0xf7 || op == 0xfe || op == 0xff) {
			ok = (tcg_jit_mask >> 10 & 1) && t_unary(x, i);
		} else if (op == 0x69 || op == 0x6b) {
			ok = (tcg_jit_mask >> 11 & 1) && t_imul(x, i);
		} else if (op == 0x90 && !i->rex_b && !i->rep) {
			ok = true; /* NOP */
		}
	} else if (i->map == X86_MAP_0F) {
		uint8_t op = i->opcode;
		if (op >= 0x80 && op <= 0x8f)
			ok = (tcg_jit_mask >> 6 & 1) && t_jcc(x, i);
		else if (op == 0xb6 || op == 0xb7 || op == 0xbe || op == 0xbf)
			ok = (tcg_jit_mask >> 3 & 1) && t_movx(x, i, op & 1 ? 2 : 1, op >= 0xbe);
		else if (op == 0x1f)
			ok = true; /* multi-byte NOP */
		else if (op == 0xaf)
			ok = (tcg_jit_mask >> 11 & 1) && t_imul(x, i);
		else if (op >= 0x90 && op <= 0x9f)
			ok = (tcg_jit_mask >> 12 & 1) && t_setcc(x, i);
		else if (op >= 0x40 && op <= 0x4f)
			ok = (tcg_jit_mask >> 13 & 1) && t_cmov(x, i);
		else if (op >= 0xc8 && op <= 0xcf)
			ok = (tcg_jit_mask >> 14 & 1) && t_bswap(x, i);
	}
	return ok;
}
