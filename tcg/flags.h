/*
 * tcg/flags.h - lazy arithmetic flags, and the arithmetic cores of the
 * instructions that set them (tcg/flags.c, tcg/alu_ext.c).
 *
 * An arithmetic handler does not compute RFLAGS: it records which operation
 * ran (cc_op, TCG_CC_<OP><size>) and its operands, and tcg_flags() /
 * tcg_cond() derive CF PF AF ZF SF OF only when something reads them (the
 * scheme of QEMU's cc_op). For every lazy op, cc_dst is the result, so ZF,
 * SF and PF always come from cc_dst; what cc_src and cc_src2 hold depends
 * on the op:
 *
 *   ADD   src = the second operand                  (dst - src = first)
 *   ADC   src = the second operand, src2 = carry in
 *   SUB   src = the second operand (also CMP, NEG)  (dst + src = first)
 *   SBB   src = the second operand, src2 = borrow in
 *   LOGIC (CF = OF = AF = 0)
 *   INC   src2 = CF before (INC/DEC keep CF)
 *   DEC   src2 = CF before
 *   SHL   src = the value shifted by count - 1: CF = its top bit,
 *         OF = top bit of result XOR CF (also SHLD)
 *   SAR   src = the value shifted by count - 1: CF = its bit 0,
 *         OF = top bit of (src XOR result) (SAR: 0, SHR: the old top
 *         bit for count 1; also SHRD)
 *   MUL   src = nonzero when the product overflowed the low half
 *         (CF = OF; MUL and IMUL)
 */
#ifndef KEEL_TCG_FLAGS_H
#define KEEL_TCG_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

#include "tcg/cpu.h"

/* Each op has four sizes, in the order 1, 2, 4, 8 bytes; TCG_CC_EFLAGS (0,
 * cpu.h) means RFLAGS holds the arithmetic flags. */
enum tcg_cc_op {
	TCG_CC_ADDB = 1, TCG_CC_ADDW, TCG_CC_ADDL, TCG_CC_ADDQ,
	TCG_CC_ADCB, TCG_CC_ADCW, TCG_CC_ADCL, TCG_CC_ADCQ,
	TCG_CC_SUBB, TCG_CC_SUBW, TCG_CC_SUBL, TCG_CC_SUBQ,
	TCG_CC_SBBB, TCG_CC_SBBW, TCG_CC_SBBL, TCG_CC_SBBQ,
	TCG_CC_LOGICB, TCG_CC_LOGICW, TCG_CC_LOGICL, TCG_CC_LOGICQ,
	TCG_CC_INCB, TCG_CC_INCW, TCG_CC_INCL, TCG_CC_INCQ,
	TCG_CC_DECB, TCG_CC_DECW, TCG_CC_DECL, TCG_CC_DECQ,
	TCG_CC_SHLB, TCG_CC_SHLW, TCG_CC_SHLL, TCG_CC_SHLQ,
	TCG_CC_SARB, TCG_CC_SARW, TCG_CC_SARL, TCG_CC_SARQ,
	TCG_CC_MULB, TCG_CC_MULW, TCG_CC_MULL, TCG_CC_MULQ,
	TCG_CC_NOPS
};

/* The op kinds ((cc_op - 1) / 4), for cc_op arithmetic. */
enum tcg_cc_kind {
	TCG_CCK_ADD, TCG_CCK_ADC, TCG_CCK_SUB, TCG_CCK_SBB, TCG_CCK_LOGIC,
	TCG_CCK_INC, TCG_CCK_DEC, TCG_CCK_SHL, TCG_CCK_SAR, TCG_CCK_MUL,
};

/* cc_op for the byte form base (TCG_CC_ADDB...) at size bytes (1 2 4 8). */
static inline uint32_t tcg_cc_sized(uint32_t base, unsigned size)
{
	return base + (size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3);
}

/* Records a lazy flags operation. */
static inline void tcg_cc_set(struct tcg_cpu *c, uint32_t op, uint64_t dst, uint64_t src, uint64_t src2)
{
	c->cc_op = op;
	c->cc_dst = dst;
	c->cc_src = src;
	c->cc_src2 = src2;
}

/* Everything a flags-setting computation may change, so a handler can
 * compute first and commit the flags only after its last access that can
 * fault (a memory write after the result is known): save, compute, save
 * the new state, restore the old, write memory, restore the new. */
struct tcg_cc_state {
	uint64_t rflags;
	uint32_t op;
	uint64_t dst, src, src2;
};

static inline void tcg_cc_save(const struct tcg_cpu *c, struct tcg_cc_state *s)
{
	s->rflags = c->rflags;
	s->op = c->cc_op;
	s->dst = c->cc_dst;
	s->src = c->cc_src;
	s->src2 = c->cc_src2;
}

static inline void tcg_cc_restore(struct tcg_cpu *c, const struct tcg_cc_state *s)
{
	c->rflags = s->rflags;
	c->cc_op = s->op;
	c->cc_dst = s->dst;
	c->cc_src = s->src;
	c->cc_src2 = s->src2;
}

/* ---- tcg/flags.c ---- */

/* The arithmetic flags only (TCG_ARITH bits), and CF alone. */
uint64_t tcg_flags_arith(const struct tcg_cpu *c);
bool tcg_flag_cf(const struct tcg_cpu *c);
/* Sets the arithmetic flags in mask to values, keeping the others as they
 * are (materialises the lazy flags; cc_op becomes TCG_CC_EFLAGS). */
void tcg_flags_set_arith(struct tcg_cpu *c, uint64_t mask, uint64_t values);
/* INC / DEC (CF unchanged) and NEG on size bytes; return the result with
 * the bits above size taken from v. */
uint64_t tcg_incdec(struct tcg_cpu *c, uint64_t v, unsigned size, bool dec);
uint64_t tcg_neg(struct tcg_cpu *c, uint64_t v, unsigned size);
/* PF of the low byte of v: true when it has an even number of ones. */
static inline bool tcg_parity_even(uint64_t v)
{
	unsigned x = (unsigned)(v & 0xff);

	x ^= x >> 4;
	x ^= x >> 2;
	x ^= x >> 1;
	return !(x & 1);
}

/* ---- tcg/alu_ext.c: cores that need no memory ---- */

/* Group 2 (SDM Vol. 2 "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR"): op is
 * ModRM.reg (0 ROL, 1 ROR, 2 RCL, 3 RCR, 4 SHL, 5 SHR, 6 SAL = SHL, 7 SAR),
 * count unmasked. Returns the result (bits above size from v); a masked
 * count of 0 leaves the flags alone. */
uint64_t tcg_shift(struct tcg_cpu *c, unsigned op, uint64_t v, unsigned count, unsigned size);
/* SHLD (right = false) / SHRD: dst shifted, filled from src (size 2, 4, 8;
 * SDM Vol. 2 "SHLD", "SHRD"). */
uint64_t tcg_shxd(struct tcg_cpu *c, uint64_t dst, uint64_t src, unsigned count, unsigned size, bool right);
/* Widening multiply a * b on size bytes: returns the low half, *hi the
 * high half (both masked to size). CF = OF = high half significant. */
uint64_t tcg_mul(struct tcg_cpu *c, uint64_t a, uint64_t b, unsigned size, bool sign, uint64_t *hi);
/* hi:lo / d on size bytes (dividend is 2 * size bytes). False on divide by
 * zero or quotient overflow (#DE); the flags are left alone (undefined). */
bool tcg_div(uint64_t hi, uint64_t lo, uint64_t d, unsigned size, bool sign, uint64_t *q, uint64_t *r);
/* BSF / BSR (reverse): returns the new destination (dst when src is 0);
 * ZF = src is 0. */
uint64_t tcg_bsf(struct tcg_cpu *c, uint64_t dst, uint64_t src, unsigned size, bool reverse);
/* POPCNT: count, flags all clear but ZF = src is 0. */
uint64_t tcg_popcnt(struct tcg_cpu *c, uint64_t src, unsigned size);
/* BCD adjust on AL/AX (gpr[0]), SDM Vol. 2 "AAA" "AAS" "DAA" "DAS" "AAM"
 * "AAD". tcg_aam returns false for base 0 (#DE). */
void tcg_daa(struct tcg_cpu *c);
void tcg_das(struct tcg_cpu *c);
void tcg_aaa(struct tcg_cpu *c);
void tcg_aas(struct tcg_cpu *c);
bool tcg_aam(struct tcg_cpu *c, uint8_t base);
void tcg_aad(struct tcg_cpu *c, uint8_t base);

#endif
