/*
 * tcg/ops_data.c - data movement (MOV MOVZX MOVSX MOVSXD LEA XCHG XLAT
 * CMOVcc SETcc), the stack (PUSH POP PUSHA POPA ENTER LEAVE PUSHF POPF),
 * flag instructions (LAHF SAHF CLC STC CMC CLD STD), near branches (Jcc JMP
 * CALL RET LOOPcc JrCXZ) and NOPs. String instructions: ops_string.c.
 * Semantics: SDM Vol. 2 under each mnemonic.
 */
#include "tcg/ops.h"

static void op_nop(struct tcg_cpu *c, const struct x86_insn *i)
{
}

/* ---- MOV and friends ---- */

/* 88 89 MOV Eb,Gb / Ev,Gv */
static void op_mov_rm_r(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_wsize(i);

	tcg_rm_write(c, i, size, tcg_r_read(c, i, size));
}

/* 8A 8B MOV Gb,Eb / Gv,Ev */
static void op_mov_r_rm(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_wsize(i);

	tcg_r_write(c, i, size, tcg_rm_read(c, i, size));
}

/* A0-A3: MOV AL/rAX <-> moffs (tcg_ea gives the offset, DS or override) */
static void op_mov_moffs(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_wsize(i), seg = tcg_ea_seg(i);
	uint64_t off = tcg_ea(c, i);

	if (i->opcode < 0xa2)
		tcg_reg_set(c, 0, size, false, tcg_ld(c, seg, off, size));
	else
		tcg_st(c, seg, off, size, tcg_reg(c, 0, size, false));
}

/* B0-B7 MOV r8, ib; B8-BF MOV r, iv (imm64 with REX.W) */
static void op_mov_r_imm(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned r = (i->opcode & 7) | (i->rex_b ? 8 : 0);
	unsigned size = i->opcode < 0xb8 ? 1 : tcg_osize(i);

	tcg_reg_set(c, r, size, i->rex != 0, i->imm[0]);
}

/* C6 C7 /0 MOV Eb,Ib / Ev,Iz (imm32 sign-extended for 64-bit) */
static void op_mov_rm_imm(struct tcg_cpu *c, const struct x86_insn *i)
{
	tcg_rm_write(c, i, tcg_wsize(i), tcg_imm_sx(i, 0));
}

/* 0F B6 B7 MOVZX, 0F BE BF MOVSX Gv, Eb/Ew */
static void op_movx(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned ssize = (i->opcode & 1) ? 2 : 1;
	uint64_t v = tcg_rm_read(c, i, ssize);

	if (i->opcode >= 0xbe)
		v = (uint64_t)tcg_sext(v, ssize);
	tcg_r_write(c, i, tcg_osize(i), v);
}

/* 63 MOVSXD Gv, Ed (64-bit mode): sign-extends with REX.W, else a plain
 * move of the operand size */
static void op_movsxd(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i), ssize = size == 8 ? 4 : size;

	tcg_r_write(c, i, size, (uint64_t)tcg_sext(tcg_rm_read(c, i, ssize), ssize));
}

/* 8D LEA: the offset, truncated or zero-extended to the operand size */
static void op_lea(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (i->mod == 3)
		tcg_raise_ud(c);
	tcg_r_write(c, i, tcg_osize(i), tcg_ea(c, i));
}

struct xchg_arg {
	uint64_t v;
};

static uint64_t xchg_fn(struct tcg_cpu *c, uint64_t old, const void *arg)
{
	return ((const struct xchg_arg *)arg)->v;
}

/* 86 87 XCHG Eb,Gb / Ev,Gv: locked with memory, prefix or not (SDM Vol. 2
 * "XCHG") */
static void op_xchg(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_wsize(i);
	struct xchg_arg a = {tcg_r_read(c, i, size)};
	uint64_t old;

	if (i->mod == 3) {
		old = tcg_reg(c, i->rm, size, i->rex != 0);
		tcg_reg_set(c, i->rm, size, i->rex != 0, a.v);
		tcg_r_write(c, i, size, old);
		return;
	}
	old = tcg_mem_rmw(c, tcg_ea_seg(i), tcg_ea(c, i), size, true, xchg_fn, &a);
	tcg_r_write(c, i, size, old);
}

/* 90+r XCHG rAX, r (90 itself is NOP, REX.B 90 is XCHG r8, rAX) */
static void op_xchg_ax(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i), r = (i->opcode & 7) | (i->rex_b ? 8 : 0);
	uint64_t v = tcg_reg(c, r, size, false);

	tcg_reg_set(c, r, size, false, tcg_reg(c, 0, size, false));
	tcg_reg_set(c, 0, size, false, v);
}

/* D7 XLAT: AL = [seg: rBX + AL] with the address size */
static void op_xlat(struct tcg_cpu *c, const struct x86_insn *i)
{
	uint64_t off = (c->gpr[3] + (c->gpr[0] & 0xff)) & tcg_amask(i);

	tcg_reg_set(c, 0, 1, false, tcg_ld(c, tcg_ea_seg(i), off, 1));
}

/* 0F 40-4F CMOVcc: the source is read whatever the condition; a 32-bit
 * destination is zero-extended even when nothing moves */
static void op_cmov(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);
	uint64_t v = tcg_rm_read(c, i, size);

	if (tcg_cond(c, i->opcode & 15))
		tcg_r_write(c, i, size, v);
	else if (size == 4)
		tcg_r_write(c, i, 4, tcg_r_read(c, i, 4));
}

/* 0F 90-9F SETcc Eb */
static void op_setcc(struct tcg_cpu *c, const struct x86_insn *i)
{
	tcg_rm_write(c, i, 1, tcg_cond(c, i->opcode & 15));
}

/* ---- flags ---- */

/* 9F LAHF: AH = SF ZF 0 AF 0 PF 1 CF */
static void op_lahf(struct tcg_cpu *c, const struct x86_insn *i)
{
	tcg_reg_set(c, 4, 1, false, (tcg_flags(c) & 0xd5) | 2);
}

/* 9E SAHF: SF ZF AF PF CF from AH */
static void op_sahf(struct tcg_cpu *c, const struct x86_insn *i)
{
	tcg_flags_set_arith(c, TCG_SF | TCG_ZF | TCG_AF | TCG_PF | TCG_CF, (c->gpr[0] >> 8) & 0xd5);
}

/* F5 CMC, F8 CLC, F9 STC, FC CLD, FD STD */
static void op_flagop(struct tcg_cpu *c, const struct x86_insn *i)
{
	switch (i->opcode) {
	case 0xf5: tcg_flags_set_arith(c, TCG_CF, tcg_flag_cf(c) ? 0 : TCG_CF); break;
	case 0xf8: tcg_flags_set_arith(c, TCG_CF, 0); break;
	case 0xf9: tcg_flags_set_arith(c, TCG_CF, TCG_CF); break;
	case 0xfc: c->rflags &= ~TCG_DF; break;
	default: c->rflags |= TCG_DF; break;
	}
}

/* 9C PUSHF: the image has VM and RF clear (SDM Vol. 2 "PUSHF"). Virtual-8086
 * mode is not supported: #GP there. */
static void op_pushf(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);

	if (c->rflags & TCG_VM)
		tcg_raise_gp0(c);
	tcg_push(c, tcg_flags(c) & ~(TCG_VM | TCG_RF), size);
}

/* 9D POPF (SDM Vol. 2 "POPF", VM = 0): IOPL changes at CPL 0 only, IF when
 * CPL <= IOPL; VIP VIF VM and the reserved bits are kept; RF is cleared;
 * a 16-bit POPF changes the low word only. */
static void op_popf(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);
	uint64_t old, v, mask, nf;

	if (c->rflags & TCG_VM)
		tcg_raise_gp0(c);
	old = tcg_flags(c);
	v = tcg_pop(c, size);
	mask = TCG_ARITH | TCG_TF | TCG_DF | TCG_NT | TCG_AC | TCG_ID;
	if (c->cpl == 0)
		mask |= TCG_IOPL;
	if (c->cpl <= ((old & TCG_IOPL) >> 12))
		mask |= TCG_IF;
	if (size == 2)
		mask &= 0xffff;
	nf = (old & ~mask) | (v & mask);
	if (size != 2)
		nf &= ~TCG_RF;
	tcg_flags_set(c, nf);
	/* IF 0 -> 1 lets a pending interrupt in at the next boundary; TF and
	 * AC change how the following instructions run */
	if ((old ^ nf) & (TCG_IF | TCG_TF | TCG_AC | TCG_IOPL))
		c->end_block = true;
}

/* ---- stack ---- */

static unsigned reg_lo3(const struct x86_insn *i)
{
	return (i->opcode & 7) | (i->rex_b ? 8 : 0);
}

/* 50-57 PUSH r (PUSH rSP pushes the value before the push) */
static void op_push_r(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);

	tcg_push(c, tcg_reg(c, reg_lo3(i), size, false), size);
}

/* 58-5F POP r (POP rSP: the popped value wins) */
static void op_pop_r(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);
	uint64_t v = tcg_pop(c, size);

	tcg_reg_set(c, reg_lo3(i), size, false, v);
}

/* 68 PUSH Iz, 6A PUSH Ib: sign-extended to the operand size */
static void op_push_imm(struct tcg_cpu *c, const struct x86_insn *i)
{
	tcg_push(c, tcg_imm_sx(i, 0), tcg_osize(i));
}

/* FF /6 PUSH Ev: the operand is read (with the old rSP) before the push */
static void op_push_rm(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);

	tcg_push(c, tcg_rm_read(c, i, size), size);
}

/* 8F /0 POP Ev: a memory address using rSP is computed after the pop
 * increments it (SDM Vol. 2 "POP"); rSP commits only after the store */
static void op_pop_rm(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);
	uint64_t v = tcg_stack_peek(c, 0, size), old_sp = c->gpr[4], new_sp, ea;

	tcg_sp_set(c, tcg_sp(c) + size);
	if (i->mod == 3) {
		tcg_reg_set(c, i->rm, size, i->rex != 0, v);
		return;
	}
	new_sp = c->gpr[4];
	ea = tcg_ea(c, i);
	c->gpr[4] = old_sp;
	tcg_st(c, tcg_ea_seg(i), ea, size, v);
	c->gpr[4] = new_sp;
}

static uint64_t stack_mask(const struct tcg_cpu *c)
{
	return c->stack_bits == 64 ? ~0ull : c->stack_bits == 32 ? 0xffffffffull : 0xffffull;
}

/* 60 PUSHA: AX CX DX BX (original) SP BP SI DI; all stores first, then SP */
static void op_pusha(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i), r;
	uint64_t sp = tcg_sp(c), m = stack_mask(c);

	for (r = 0; r < 8; r++)
		tcg_st(c, X86_SEG_SS, (sp - size * (r + 1)) & m, size, tcg_reg(c, r, size, false));
	tcg_sp_set(c, (sp - size * 8) & m);
}

/* 61 POPA: DI SI BP (SP skipped) BX DX CX AX */
static void op_popa(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i), r;
	uint64_t v[8];

	for (r = 0; r < 8; r++)
		v[7 - r] = tcg_stack_peek(c, (uint64_t)size * r, size);
	for (r = 0; r < 8; r++)
		if (r != 4)
			tcg_reg_set(c, r, size, false, v[r]);
	tcg_sp_set(c, tcg_sp(c) + size * 8);
}

/* C8 ENTER iw, ib (SDM Vol. 2 "ENTER"): every access is done on local
 * copies of rSP/rBP, committed at the end */
static void op_enter(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i), level = (unsigned)(i->imm[1] & 31), k;
	uint64_t m = stack_mask(c), sp = tcg_sp(c), bp = c->gpr[5], frame;

	sp = (sp - size) & m;
	tcg_st(c, X86_SEG_SS, sp, size, tcg_reg(c, 5, size, false));
	frame = sp;
	if (level) {
		for (k = 1; k < level; k++) {
			bp -= size;
			sp = (sp - size) & m;
			tcg_st(c, X86_SEG_SS, sp, size, tcg_ld(c, X86_SEG_SS, bp & m, size));
		}
		sp = (sp - size) & m;
		tcg_st(c, X86_SEG_SS, sp, size, frame);
	}
	sp = (sp - (i->imm[0] & 0xffff)) & m;
	/* the new frame must be writable down to the new rSP (SDM: ENTER
	 * faults if it would overflow the stack segment) */
	if (i->imm[0] & 0xffff)
		tcg_seg_lin(c, X86_SEG_SS, sp, 1, TCG_WRITE);
	tcg_reg_set(c, 5, size, false, frame);
	tcg_sp_set(c, sp);
}

/* C9 LEAVE: rSP = rBP (stack size), then pop rBP */
static void op_leave(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);
	uint64_t m = stack_mask(c), bp = c->gpr[5] & m;
	uint64_t v = tcg_ld(c, X86_SEG_SS, bp, size);

	tcg_sp_set(c, (bp + size) & m);
	tcg_reg_set(c, 5, size, false, v);
}

/* ---- near branches ---- */

/* Validates and takes a branch to target: truncated to the operand size
 * outside 64-bit mode and checked against CS.limit, canonical in 64-bit
 * mode; #GP(0) before anything changes (SDM Vol. 2 "JMP", "Jcc"). */
static uint64_t branch_target(struct tcg_cpu *c, const struct x86_insn *i, uint64_t target)
{
	if (c->code_bits == 64) {
		if ((uint64_t)((int64_t)(target << 16) >> 16) != target)
			tcg_raise_gp0(c);
		return target;
	}
	target &= i->opsize == 16 ? 0xffff : 0xffffffffu;
	if (target > c->seg[X86_SEG_CS].limit)
		tcg_raise_gp0(c);
	return target;
}

static uint64_t rel_target(const struct tcg_cpu *c, const struct x86_insn *i)
{
	return c->next_rip + tcg_imm_sx(i, 0);
}

/* 70-7F Jcc rel8, 0F 80-8F Jcc rel16/32 */
static void op_jcc(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (tcg_cond(c, i->opcode & 15))
		c->next_rip = branch_target(c, i, rel_target(c, i));
}

/* E9 EB JMP rel */
static void op_jmp_rel(struct tcg_cpu *c, const struct x86_insn *i)
{
	c->next_rip = branch_target(c, i, rel_target(c, i));
}

/* FF /4 JMP Ev */
static void op_jmp_rm(struct tcg_cpu *c, const struct x86_insn *i)
{
	c->next_rip = branch_target(c, i, tcg_rm_read(c, i, tcg_osize(i)));
}

/* E8 CALL rel; FF /2 CALL Ev: target checked, then the return address
 * pushed (either may fault; rSP commits with the push) */
static void op_call(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);
	uint64_t t;

	if (i->opcode == 0xe8)
		t = rel_target(c, i);
	else
		t = tcg_rm_read(c, i, size);
	t = branch_target(c, i, t);
	tcg_push(c, c->next_rip, size);
	c->next_rip = t;
}

/* C3 RET, C2 RET iw (near) */
static void op_ret(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);
	uint64_t t = branch_target(c, i, tcg_stack_peek(c, 0, size));

	tcg_sp_set(c, tcg_sp(c) + size + (i->opcode == 0xc2 ? (i->imm[0] & 0xffff) : 0));
	c->next_rip = t;
}

/* E0 LOOPNE, E1 LOOPE, E2 LOOP, E3 JrCXZ: the count register has the
 * address size */
static void op_loop(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned asize = i->addrsize / 8;
	uint64_t cx = tcg_reg(c, 1, asize, false);
	bool take;

	if (i->opcode == 0xe3) {
		take = cx == 0;
	} else {
		cx = (cx - 1) & tcg_amask(i);
		take = cx != 0;
		if (i->opcode == 0xe1)
			take = take && tcg_cond(c, 4);
		else if (i->opcode == 0xe0)
			take = take && tcg_cond(c, 5);
	}
	if (take)
		c->next_rip = branch_target(c, i, rel_target(c, i));
	if (i->opcode != 0xe3)
		tcg_reg_set(c, 1, asize, false, cx);
}

/* ---- lookup ---- */

static tcg_op_fn lookup_1b(const struct x86_insn *i)
{
	uint8_t o = i->opcode;
	bool m64 = i->mode == X86_MODE_64;

	if (o >= 0x50 && o <= 0x57)
		return op_push_r;
	if (o >= 0x58 && o <= 0x5f)
		return op_pop_r;
	if (o >= 0x70 && o <= 0x7f)
		return op_jcc;
	if (o >= 0x91 && o <= 0x97)
		return op_xchg_ax;
	if (o >= 0xb0 && o <= 0xbf)
		return op_mov_r_imm;
	switch (o) {
	case 0x60: return m64 ? NULL : op_pusha;
	case 0x61: return m64 ? NULL : op_popa;
	case 0x63: return m64 ? op_movsxd : NULL; /* ARPL: the system group */
	case 0x68: case 0x6a: return op_push_imm;
	case 0x86: case 0x87: return op_xchg;
	case 0x88: case 0x89: return op_mov_rm_r;
	case 0x8a: case 0x8b: return op_mov_r_rm;
	case 0x8d: return op_lea;
	case 0x8f: return tcg_ext(i) == 0 ? op_pop_rm : NULL;
	case 0x90: return i->rex_b ? op_xchg_ax : op_nop; /* NOP, F3 90 PAUSE */
	case 0x9c: return op_pushf;
	case 0x9d: return op_popf;
	case 0x9e: return op_sahf;
	case 0x9f: return op_lahf;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3: return op_mov_moffs;
	case 0xc2: case 0xc3: return op_ret;
	case 0xc6: case 0xc7: return tcg_ext(i) == 0 ? op_mov_rm_imm : NULL; /* not XABORT/XBEGIN */
	case 0xc8: return op_enter;
	case 0xc9: return op_leave;
	case 0xd7: return op_xlat;
	case 0xe0: case 0xe1: case 0xe2: case 0xe3: return op_loop;
	case 0xe8: return op_call;
	case 0xe9: case 0xeb: return op_jmp_rel;
	case 0xf5: case 0xf8: case 0xf9: case 0xfc: case 0xfd: return op_flagop;
	case 0xff:
		switch (tcg_ext(i)) {
		case 2: return op_call;
		case 4: return op_jmp_rm;
		case 6: return op_push_rm;
		}
		return NULL;
	}
	return NULL;
}

static tcg_op_fn lookup_0f(const struct x86_insn *i)
{
	uint8_t o = i->opcode;

	if (o >= 0x40 && o <= 0x4f)
		return op_cmov;
	if (o >= 0x80 && o <= 0x8f)
		return op_jcc;
	if (o >= 0x90 && o <= 0x9f)
		return op_setcc;
	/* 0F 18-1F: prefetch hints and reserved NOPs (no memory access);
	 * 0F 0D: PREFETCHW */
	if ((o >= 0x18 && o <= 0x1f) || o == 0x0d)
		return op_nop;
	switch (o) {
	case 0xb6: case 0xb7: case 0xbe: case 0xbf: return op_movx;
	}
	return NULL;
}

tcg_op_fn tcg_ops_data(const struct x86_insn *i)
{
	tcg_op_fn f;

	if (i->vex)
		return NULL;
	if ((f = tcg_ops_string(i)))
		return f;
	if (i->map == X86_MAP_1B)
		f = lookup_1b(i);
	else if (i->map == X86_MAP_0F)
		f = lookup_0f(i);
	else
		return NULL;
	if (f && i->p_lock && (!(i->flags & X86_F_LOCK) || !tcg_is_mem(i)))
		return tcg_op_ud;
	return f;
}
