/*
 * tcg/ops_alu.c - integer arithmetic and logic: the ALU group (ADD OR ADC
 * SBB AND SUB XOR CMP, TEST), INC DEC NOT NEG, MUL IMUL DIV IDIV, CBW/CWD
 * and the BCD adjusts; the shifts and bit instructions are in ops_bits.c.
 * Semantics: SDM Vol. 2 under each mnemonic; LOCK: Vol. 2 "LOCK" and
 * Vol. 3A §9.1.2.2.
 */
#include "tcg/ops.h"

void tcg_op_ud(struct tcg_cpu *c, const struct x86_insn *i)
{
	tcg_raise_ud(c);
}

/* ---- read-modify-write ---- */

uint64_t tcg_mem_rmw(struct tcg_cpu *c, unsigned seg, uint64_t off, unsigned size, bool lock,
		     tcg_rmw_fn fn, const void *arg)
{
	struct tcg_cc_state old, nw;
	uint64_t d, r;
	void *p = lock ? tcg_rmw_ptr(c, seg, off, size) : NULL;

	tcg_cc_save(c, &old);
	if (p) {
		/* plain RAM, writable: no fault can follow, so flags may be
		 * set at once; retry from the old flags if another vCPU won */
		d = tcg_atomic_load(p, size);
		for (;;) {
			r = fn(c, d, arg);
			if (tcg_atomic_cas(p, size, &d, r))
				return d;
			tcg_cc_restore(c, &old);
		}
	}
	d = tcg_ld(c, seg, off, size);
	r = fn(c, d, arg);
	/* the store may fault: commit the new flags only after it */
	tcg_cc_save(c, &nw);
	tcg_cc_restore(c, &old);
	tcg_st(c, seg, off, size, r);
	tcg_cc_restore(c, &nw);
	return d;
}

uint64_t tcg_rm_rmw(struct tcg_cpu *c, const struct x86_insn *i, unsigned size, tcg_rmw_fn fn, const void *arg)
{
	uint64_t d;

	if (i->mod == 3) {
		d = tcg_reg(c, i->rm, size, i->rex != 0);
		tcg_reg_set(c, i->rm, size, i->rex != 0, fn(c, d, arg));
		return d;
	}
	return tcg_mem_rmw(c, tcg_ea_seg(i), tcg_ea(c, i), size, i->p_lock, fn, arg);
}

/* ---- ALU group ---- */

struct alu_arg {
	enum x86_alu op;
	uint64_t src;
	unsigned size;
};

static uint64_t alu_fn(struct tcg_cpu *c, uint64_t old, const void *arg)
{
	const struct alu_arg *a = arg;

	return tcg_alu(c, a->op, old, a->src, a->size);
}

static enum x86_alu alu_op(const struct x86_insn *i)
{
	switch (i->opcode) {
	case 0x80: case 0x81: case 0x82: case 0x83:
		return (enum x86_alu)tcg_ext(i);
	case 0x84: case 0x85: case 0xa8: case 0xa9: case 0xf6: case 0xf7:
		return X86_ALU_TEST;
	default:
		return (enum x86_alu)(i->opcode >> 3);
	}
}

static bool alu_writes(enum x86_alu op)
{
	return op != X86_ALU_CMP && op != X86_ALU_TEST;
}

/* r/m OP= imm, or r/m OP= reg */
static void alu_rm(struct tcg_cpu *c, const struct x86_insn *i, enum x86_alu op, uint64_t src, unsigned size)
{
	struct alu_arg a = {op, src, size};

	if (!alu_writes(op)) {
		tcg_alu(c, op, tcg_rm_read(c, i, size), src, size);
		return;
	}
	tcg_rm_rmw(c, i, size, alu_fn, &a);
}

/* 00 01 08 09 ... 38 39 (Eb,Gb / Ev,Gv), 84 85 TEST */
static void op_alu_rm_r(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_wsize(i);

	alu_rm(c, i, alu_op(i), tcg_r_read(c, i, size), size);
}

/* 02 03 ... 3A 3B: Gb,Eb / Gv,Ev */
static void op_alu_r_rm(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_wsize(i);
	enum x86_alu op = alu_op(i);
	uint64_t src = tcg_rm_read(c, i, size);
	uint64_t r = tcg_alu(c, op, tcg_r_read(c, i, size), src, size);

	if (alu_writes(op))
		tcg_r_write(c, i, size, r);
}

/* 04 05 ... 3C 3D, A8 A9: AL/rAX, imm (imm32 sign-extended for 64-bit) */
static void op_alu_acc_imm(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_wsize(i);
	enum x86_alu op = alu_op(i);
	uint64_t r = tcg_alu(c, op, tcg_reg(c, 0, size, false), tcg_imm_sx(i, 0), size);

	if (alu_writes(op))
		tcg_reg_set(c, 0, size, false, r);
}

/* 80 81 82 83 (group 1), F6 F7 /0 /1 (TEST): r/m, imm; 83 sign-extends
 * its imm8 */
static void op_alu_rm_imm(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_wsize(i);

	if (i->opcode == 0x82)
		size = 1; /* 82 is 80 (16/32-bit mode only) */
	alu_rm(c, i, alu_op(i), tcg_imm_sx(i, 0), size);
}

/* ---- INC DEC NOT NEG ---- */

struct unary_arg {
	unsigned size;
	unsigned kind; /* 0 INC, 1 DEC, 2 NOT, 3 NEG */
};

static uint64_t unary_fn(struct tcg_cpu *c, uint64_t old, const void *arg)
{
	const struct unary_arg *a = arg;

	switch (a->kind) {
	case 0: return tcg_incdec(c, old, a->size, false);
	case 1: return tcg_incdec(c, old, a->size, true);
	case 2: return ~old; /* NOT: no flags */
	default: return tcg_neg(c, old, a->size);
	}
}

/* 40-47 INC r, 48-4F DEC r (not 64-bit mode: REX there) */
static void op_incdec_r(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i), r = i->opcode & 7;

	tcg_reg_set(c, r, size, false, tcg_incdec(c, tcg_reg(c, r, size, false), size, i->opcode >= 0x48));
}

/* FE/FF /0 /1, F6/F7 /2 /3 */
static void op_unary_rm(struct tcg_cpu *c, const struct x86_insn *i)
{
	/* ModRM.reg: FE/FF 0 INC, 1 DEC; F6/F7 2 NOT, 3 NEG */
	struct unary_arg a = {tcg_wsize(i), tcg_ext(i)};

	tcg_rm_rmw(c, i, a.size, unary_fn, &a);
}

/* ---- MUL IMUL DIV IDIV ---- */

/* F6/F7 /4 MUL, /5 IMUL: rDX:rAX (AX for bytes) = rAX * r/m */
static void op_mul(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_wsize(i);
	bool sign = tcg_ext(i) == 5;
	uint64_t src = tcg_rm_read(c, i, size), hi, lo;

	lo = tcg_mul(c, tcg_reg(c, 0, size, false), src, size, sign, &hi);
	if (size == 1) {
		tcg_reg_set(c, 0, 2, false, (hi << 8) | lo);
	} else {
		tcg_reg_set(c, 0, size, false, lo);
		tcg_reg_set(c, 2, size, false, hi);
	}
}

/* F6/F7 /6 DIV, /7 IDIV: #DE on a zero divisor or a quotient too wide */
static void op_div(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_wsize(i);
	bool sign = tcg_ext(i) == 7;
	uint64_t d = tcg_rm_read(c, i, size), hi, lo, q, r;

	if (size == 1) {
		hi = (c->gpr[0] >> 8) & 0xff;
		lo = c->gpr[0] & 0xff;
	} else {
		hi = tcg_reg(c, 2, size, false);
		lo = tcg_reg(c, 0, size, false);
	}
	if (!tcg_div(hi, lo, d, size, sign, &q, &r))
		tcg_raise(c, TCG_DE, TCG_NOERR);
	if (size == 1) {
		tcg_reg_set(c, 0, 2, false, (r << 8) | q);
	} else {
		tcg_reg_set(c, 0, size, false, q);
		tcg_reg_set(c, 2, size, false, r);
	}
}

/* 0F AF IMUL Gv,Ev; 69 IMUL Gv,Ev,Iz; 6B IMUL Gv,Ev,Ib: the low half,
 * CF = OF = it lost significant bits */
static void op_imul_r(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);
	uint64_t a = tcg_rm_read(c, i, size), b, hi;

	b = i->map == X86_MAP_0F ? tcg_r_read(c, i, size) : tcg_imm_sx(i, 0);
	tcg_r_write(c, i, size, tcg_mul(c, a, b, size, true, &hi));
}

/* ---- conversions ---- */

/* 98: CBW / CWDE / CDQE */
static void op_cbw(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);

	tcg_reg_set(c, 0, size, false, (uint64_t)tcg_sext(c->gpr[0], size / 2));
}

/* 99: CWD / CDQ / CQO */
static void op_cwd(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);

	tcg_reg_set(c, 2, size, false, tcg_sext(c->gpr[0], size) < 0 ? ~0ull : 0);
}

/* ---- BCD (16/32-bit mode only: the decoder makes them #UD in 64-bit) ---- */

static void op_daa(struct tcg_cpu *c, const struct x86_insn *i) { tcg_daa(c); }
static void op_das(struct tcg_cpu *c, const struct x86_insn *i) { tcg_das(c); }
static void op_aaa(struct tcg_cpu *c, const struct x86_insn *i) { tcg_aaa(c); }
static void op_aas(struct tcg_cpu *c, const struct x86_insn *i) { tcg_aas(c); }

static void op_aam(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (!tcg_aam(c, (uint8_t)i->imm[0]))
		tcg_raise(c, TCG_DE, TCG_NOERR);
}

static void op_aad(struct tcg_cpu *c, const struct x86_insn *i)
{
	tcg_aad(c, (uint8_t)i->imm[0]);
}

/* ---- lookup ---- */

static tcg_op_fn lookup_1b(const struct x86_insn *i)
{
	uint8_t o = i->opcode;
	bool m64 = i->mode == X86_MODE_64;

	if (o < 0x40) {
		switch (o & 7) {
		case 0: case 1: return op_alu_rm_r;
		case 2: case 3: return op_alu_r_rm;
		case 4: case 5: return op_alu_acc_imm;
		}
		if (m64)
			return NULL;
		switch (o) {
		case 0x27: return op_daa;
		case 0x2f: return op_das;
		case 0x37: return op_aaa;
		case 0x3f: return op_aas;
		}
		return NULL;
	}
	if (o < 0x50)
		return m64 ? NULL : op_incdec_r;
	switch (o) {
	case 0x69: case 0x6b: return op_imul_r;
	case 0x80: case 0x81: case 0x83: return op_alu_rm_imm;
	case 0x82: return m64 ? NULL : op_alu_rm_imm;
	case 0x84: case 0x85: return op_alu_rm_r;
	case 0xa8: case 0xa9: return op_alu_acc_imm;
	case 0x98: return op_cbw;
	case 0x99: return op_cwd;
	case 0xd4: return m64 ? NULL : op_aam;
	case 0xd5: return m64 ? NULL : op_aad;
	case 0xf6: case 0xf7:
		switch (tcg_ext(i)) {
		case 0: case 1: return op_alu_rm_imm;
		case 2: case 3: return op_unary_rm;
		case 4: case 5: return op_mul;
		default: return op_div;
		}
	case 0xfe: case 0xff:
		return tcg_ext(i) < 2 ? op_unary_rm : NULL;
	}
	return NULL;
}

tcg_op_fn tcg_ops_alu(const struct x86_insn *i)
{
	tcg_op_fn f;

	if (i->vex)
		return NULL;
	if (i->map == X86_MAP_1B)
		f = lookup_1b(i);
	else if (i->map == X86_MAP_0F)
		f = i->opcode == 0xaf ? op_imul_r : NULL;
	else
		return NULL;
	if (!f)
		f = tcg_ops_bits(i); /* shifts (1-byte map), bit instructions */
	/* LOCK only on a lockable form with a memory operand (the decoder
	 * checks this too; SDM Vol. 2 "LOCK") */
	if (f && i->p_lock && (!(i->flags & X86_F_LOCK) || !tcg_is_mem(i)))
		return tcg_op_ud;
	return f;
}
