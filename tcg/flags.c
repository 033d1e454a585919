/*
 * tcg/flags.c - lazy arithmetic flags (scheme in tcg/flags.h). Flag
 * definitions: SDM Vol. 1 §3.4.3.1 and Appendix A (EFLAGS cross-reference),
 * and each instruction's "Flags Affected" in Vol. 2. Where a flag is
 * undefined we produce what x86/alu.c does (AF cleared after logic ops).
 */
#include "tcg/flags.h"

static inline unsigned cc_size(uint32_t op)
{
	return 1u << ((op - 1) & 3);
}

static inline uint64_t cc_sign(unsigned size)
{
	return 1ull << (size * 8 - 1);
}

/* ZF SF PF from a result of size bytes. */
static inline uint64_t zsp(uint64_t r, unsigned size)
{
	uint64_t f = 0;

	if (!(r & tcg_mask(size)))
		f |= TCG_ZF;
	if (r & cc_sign(size))
		f |= TCG_SF;
	if (tcg_parity_even(r))
		f |= TCG_PF;
	return f;
}

/* CF of the lazy state, without the other flags. */
static uint64_t cc_cf(const struct tcg_cpu *c)
{
	uint32_t op = c->cc_op;
	unsigned size, bits;
	uint64_t m, dst, src, a;

	if (op == TCG_CC_EFLAGS || op >= TCG_CC_NOPS)
		return c->rflags & TCG_CF;
	size = cc_size(op);
	bits = size * 8;
	m = tcg_mask(size);
	dst = c->cc_dst & m;
	src = c->cc_src & m;
	switch ((op - 1) >> 2) {
	case TCG_CCK_ADD:
		return dst < src;
	case TCG_CCK_ADC:
		return (c->cc_src2 & 1) ? dst <= src : dst < src;
	case TCG_CCK_SUB:
		a = (dst + src) & m;
		return a < src;
	case TCG_CCK_SBB:
		a = (dst + src + (c->cc_src2 & 1)) & m;
		return (c->cc_src2 & 1) ? a <= src : a < src;
	case TCG_CCK_INC:
	case TCG_CCK_DEC:
		return c->cc_src2 & 1;
	case TCG_CCK_SHL:
		return (src >> (bits - 1)) & 1;
	case TCG_CCK_SAR:
		return src & 1;
	case TCG_CCK_MUL:
		return src != 0;
	default: /* LOGIC */
		return 0;
	}
}

uint64_t tcg_flags_arith(const struct tcg_cpu *c)
{
	uint32_t op = c->cc_op;
	unsigned size;
	uint64_t m, sign, dst, src, a, f;

	if (op == TCG_CC_EFLAGS || op >= TCG_CC_NOPS)
		return c->rflags & TCG_ARITH;
	size = cc_size(op);
	m = tcg_mask(size);
	sign = cc_sign(size);
	dst = c->cc_dst & m;
	src = c->cc_src & m;
	f = zsp(dst, size) | cc_cf(c);
	switch ((op - 1) >> 2) {
	case TCG_CCK_ADD:
	case TCG_CCK_ADC:
		/* a + src (+ carry) = dst */
		a = (dst - src - ((op - 1) >> 2 == TCG_CCK_ADC ? (c->cc_src2 & 1) : 0)) & m;
		if ((a ^ src ^ dst) & 0x10)
			f |= TCG_AF;
		if (~(a ^ src) & (a ^ dst) & sign)
			f |= TCG_OF;
		break;
	case TCG_CCK_SUB:
	case TCG_CCK_SBB:
		/* a - src (- borrow) = dst */
		a = (dst + src + ((op - 1) >> 2 == TCG_CCK_SBB ? (c->cc_src2 & 1) : 0)) & m;
		if ((a ^ src ^ dst) & 0x10)
			f |= TCG_AF;
		if ((a ^ src) & (a ^ dst) & sign)
			f |= TCG_OF;
		break;
	case TCG_CCK_INC:
		if ((dst & 0xf) == 0)
			f |= TCG_AF;
		if (dst == sign)
			f |= TCG_OF;
		break;
	case TCG_CCK_DEC:
		if ((dst & 0xf) == 0xf)
			f |= TCG_AF;
		if (dst == sign - 1)
			f |= TCG_OF;
		break;
	case TCG_CCK_SHL:
		if ((dst ^ src) & sign)
			f |= TCG_OF;
		break;
	case TCG_CCK_SAR:
		if ((dst ^ src) & sign)
			f |= TCG_OF;
		break;
	case TCG_CCK_MUL:
		if (src)
			f |= TCG_OF;
		break;
	default: /* LOGIC: CF = OF = 0, AF undefined (cleared) */
		break;
	}
	return f;
}

bool tcg_flag_cf(const struct tcg_cpu *c)
{
	return cc_cf(c) != 0;
}

uint64_t tcg_flags(struct tcg_cpu *c)
{
	return (c->rflags & ~TCG_ARITH) | tcg_flags_arith(c) | 2;
}

void tcg_flags_set(struct tcg_cpu *c, uint64_t f)
{
	c->rflags = f | 2;
	c->cc_op = TCG_CC_EFLAGS;
}

void tcg_flags_set_arith(struct tcg_cpu *c, uint64_t mask, uint64_t values)
{
	uint64_t f = tcg_flags(c);

	mask &= TCG_ARITH;
	c->rflags = (f & ~mask) | (values & mask);
	c->cc_op = TCG_CC_EFLAGS;
}

/* Condition cc from materialised flags f (SDM Vol. 1 Appendix B). */
static bool cond_of(uint64_t f, unsigned cc)
{
	bool r, sf = f & TCG_SF, of = f & TCG_OF;

	switch ((cc >> 1) & 7) {
	case 0: r = of; break;
	case 1: r = f & TCG_CF; break;
	case 2: r = f & TCG_ZF; break;
	case 3: r = f & (TCG_CF | TCG_ZF); break;
	case 4: r = sf; break;
	case 5: r = f & TCG_PF; break;
	case 6: r = sf != of; break;
	default: r = (f & TCG_ZF) || sf != of; break;
	}
	return r ^ (cc & 1);
}

static inline int64_t sext(uint64_t v, unsigned size)
{
	unsigned sh = 64 - size * 8;

	return (int64_t)(v << sh) >> sh;
}

bool tcg_cond(struct tcg_cpu *c, unsigned cc)
{
	uint32_t op = c->cc_op;
	unsigned size;
	uint64_t m, dst, src, a;
	bool r;

	if (op == TCG_CC_EFLAGS || op >= TCG_CC_NOPS)
		return cond_of(c->rflags, cc);
	size = cc_size(op);
	m = tcg_mask(size);
	dst = c->cc_dst & m;
	cc &= 15;
	switch ((op - 1) >> 2) {
	case TCG_CCK_SUB:
		/* after CMP a, b: compare the operands directly */
		src = c->cc_src & m;
		a = (dst + src) & m;
		switch (cc >> 1) {
		case 1: r = a < src; break;
		case 2: r = dst == 0; break;
		case 3: r = a <= src; break;
		case 4: r = dst & cc_sign(size); break;
		case 6: r = sext(a, size) < sext(src, size); break;
		case 7: r = sext(a, size) <= sext(src, size); break;
		default: return cond_of(tcg_flags_arith(c), cc);
		}
		return r ^ (cc & 1);
	case TCG_CCK_LOGIC:
		/* after TEST/AND: CF = OF = 0 */
		switch (cc >> 1) {
		case 0: case 1: r = false; break;
		case 2: case 3: r = dst == 0; break;
		case 4: case 6: r = dst & cc_sign(size); break;
		case 7: r = dst == 0 || (dst & cc_sign(size)); break;
		default: return cond_of(tcg_flags_arith(c), cc);
		}
		return r ^ (cc & 1);
	default:
		/* every lazy op takes ZF and SF from the result */
		if ((cc >> 1) == 2)
			return (dst == 0) ^ (cc & 1);
		if ((cc >> 1) == 4)
			return ((dst & cc_sign(size)) != 0) ^ (cc & 1);
		return cond_of(tcg_flags_arith(c), cc);
	}
}

uint64_t tcg_alu(struct tcg_cpu *c, enum x86_alu op, uint64_t dst, uint64_t src, unsigned size)
{
	uint64_t m = tcg_mask(size), a = dst & m, b = src & m, r, cin;

	switch (op) {
	case X86_ALU_ADD:
		r = (a + b) & m;
		tcg_cc_set(c, tcg_cc_sized(TCG_CC_ADDB, size), r, b, 0);
		break;
	case X86_ALU_ADC:
		cin = cc_cf(c);
		r = (a + b + cin) & m;
		tcg_cc_set(c, tcg_cc_sized(TCG_CC_ADCB, size), r, b, cin);
		break;
	case X86_ALU_SUB:
	case X86_ALU_CMP:
		r = (a - b) & m;
		tcg_cc_set(c, tcg_cc_sized(TCG_CC_SUBB, size), r, b, 0);
		break;
	case X86_ALU_SBB:
		cin = cc_cf(c);
		r = (a - b - cin) & m;
		tcg_cc_set(c, tcg_cc_sized(TCG_CC_SBBB, size), r, b, cin);
		break;
	case X86_ALU_OR:
		r = a | b;
		tcg_cc_set(c, tcg_cc_sized(TCG_CC_LOGICB, size), r, 0, 0);
		break;
	case X86_ALU_AND:
	case X86_ALU_TEST:
		r = a & b;
		tcg_cc_set(c, tcg_cc_sized(TCG_CC_LOGICB, size), r, 0, 0);
		break;
	case X86_ALU_XOR:
		r = a ^ b;
		tcg_cc_set(c, tcg_cc_sized(TCG_CC_LOGICB, size), r, 0, 0);
		break;
	default:
		return dst;
	}
	if (op == X86_ALU_CMP || op == X86_ALU_TEST)
		return dst;
	return (dst & ~m) | r;
}

uint64_t tcg_incdec(struct tcg_cpu *c, uint64_t v, unsigned size, bool dec)
{
	uint64_t m = tcg_mask(size), r = (v + (dec ? -1ull : 1ull)) & m;
	uint64_t cf = cc_cf(c);

	tcg_cc_set(c, tcg_cc_sized(dec ? TCG_CC_DECB : TCG_CC_INCB, size), r, 0, cf);
	return (v & ~m) | r;
}

/* NEG is 0 - v (SDM Vol. 2 "NEG": CF = operand is not 0, which is the
 * borrow of 0 - v). */
uint64_t tcg_neg(struct tcg_cpu *c, uint64_t v, unsigned size)
{
	uint64_t m = tcg_mask(size), r = (0 - v) & m;

	tcg_cc_set(c, tcg_cc_sized(TCG_CC_SUBB, size), r, v & m, 0);
	return (v & ~m) | r;
}
