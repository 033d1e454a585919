/*
 * tcg/alu_ext.c - arithmetic cores beyond the two-operand group: shifts and
 * rotates, double shifts, widening multiply, divide, bit scans, POPCNT and
 * the BCD adjusts. They touch registers and flags only (no memory), so the
 * unit tests compare them with the host CPU. Each follows the pseudo-code
 * of its SDM Vol. 2 entry; undefined flags are what the formulas in
 * tcg/flags.c give (AF 0 after shifts, OF as for count 1).
 */
#include "tcg/flags.h"

static inline int64_t sext(uint64_t v, unsigned size)
{
	unsigned sh = 64 - size * 8;

	return (int64_t)(v << sh) >> sh;
}

/* ROL ROR RCL RCR change CF and OF only (SDM Vol. 2 "RCL/RCR/ROL/ROR":
 * SF ZF AF PF are unaffected). */
static uint64_t rotate(struct tcg_cpu *c, unsigned op, uint64_t x, unsigned cnt, unsigned size)
{
	unsigned bits = size * 8, t;
	uint64_t m = tcg_mask(size), sign = 1ull << (bits - 1), r, cf, of;
	unsigned __int128 w, wm;

	switch (op) {
	case 0: /* ROL: CF = LSB of the result */
		t = cnt % bits;
		r = t ? ((x << t) | (x >> (bits - t))) & m : x;
		cf = r & 1;
		of = ((r & sign) != 0) ^ cf;
		break;
	case 1: /* ROR: CF = MSB of the result */
		t = cnt % bits;
		r = t ? ((x >> t) | (x << (bits - t))) & m : x;
		cf = (r & sign) != 0;
		of = cf ^ ((r & (sign >> 1)) != 0);
		break;
	case 2: /* RCL: rotate the bits + 1 wide CF:x, count modulo bits + 1 */
		t = cnt % (bits + 1);
		cf = tcg_flag_cf(c);
		w = ((unsigned __int128)cf << bits) | x;
		wm = ((unsigned __int128)1 << (bits + 1)) - 1;
		if (t)
			w = ((w << t) | (w >> (bits + 1 - t))) & wm;
		r = (uint64_t)w & m;
		cf = (uint64_t)(w >> bits) & 1;
		of = ((r & sign) != 0) ^ cf;
		break;
	default: /* RCR: OF = MSB(DEST) XOR CF, taken before the rotation */
		t = cnt % (bits + 1);
		cf = tcg_flag_cf(c);
		of = ((x & sign) != 0) ^ cf;
		w = ((unsigned __int128)cf << bits) | x;
		wm = ((unsigned __int128)1 << (bits + 1)) - 1;
		if (t)
			w = ((w >> t) | (w << (bits + 1 - t))) & wm;
		r = (uint64_t)w & m;
		cf = (uint64_t)(w >> bits) & 1;
		break;
	}
	tcg_flags_set_arith(c, TCG_CF | TCG_OF, (cf ? TCG_CF : 0) | (of ? TCG_OF : 0));
	return r;
}

uint64_t tcg_shift(struct tcg_cpu *c, unsigned op, uint64_t v, unsigned count, unsigned size)
{
	unsigned cnt = count & (size == 8 ? 63 : 31);
	uint64_t m = tcg_mask(size), x = v & m, src, r;

	if (!cnt)
		return v; /* flags unaffected */
	switch (op & 7) {
	case 0: case 1: case 2: case 3:
		r = rotate(c, op & 7, x, cnt, size);
		break;
	case 4: case 6: /* SHL/SAL: CF is the last bit shifted out the top */
		src = x << (cnt - 1);
		r = (src << 1) & m;
		tcg_cc_set(c, tcg_cc_sized(TCG_CC_SHLB, size), r, src & m, 0);
		break;
	case 5: /* SHR */
		src = x >> (cnt - 1);
		r = src >> 1;
		tcg_cc_set(c, tcg_cc_sized(TCG_CC_SARB, size), r, src, 0);
		break;
	default: /* SAR */
		src = (uint64_t)(sext(x, size) >> (cnt - 1)) & m;
		r = (uint64_t)(sext(x, size) >> cnt) & m;
		tcg_cc_set(c, tcg_cc_sized(TCG_CC_SARB, size), r, src, 0);
		break;
	}
	return (v & ~m) | r;
}

/* SHLD/SHRD. Counts above the operand size are undefined for 16-bit
 * operands (SDM Vol. 2 "SHLD"); we shift through dst:src:dst there, as
 * Intel processors do. */
uint64_t tcg_shxd(struct tcg_cpu *c, uint64_t dst, uint64_t src, unsigned count, unsigned size, bool right)
{
	unsigned cnt = count & (size == 8 ? 63 : 31), bits = size * 8, top;
	uint64_t m = tcg_mask(size), x = dst & m, y = src & m, sign = 1ull << (bits - 1), r, cf;
	unsigned __int128 w;

	if (!cnt)
		return dst;
	if (size == 2) {
		/* dst:src:dst serves both directions */
		top = 48;
		w = ((unsigned __int128)x << 32) | (y << 16) | x;
	} else {
		top = 2 * bits;
		w = right ? ((unsigned __int128)y << bits) | x : ((unsigned __int128)x << bits) | y;
	}
	if (right) {
		r = (uint64_t)(w >> cnt) & m;
		cf = (uint64_t)(w >> (cnt - 1)) & 1;
		/* SAR scheme: CF = bit 0 of src, OF = MSB(src ^ result) */
		tcg_cc_set(c, tcg_cc_sized(TCG_CC_SARB, size), r, (x & sign) | cf, 0);
	} else {
		r = (uint64_t)(w >> (top - bits - cnt)) & m;
		cf = (uint64_t)(w >> (top - cnt)) & 1;
		/* SHL scheme: CF = MSB of src, OF = MSB(result) ^ CF */
		tcg_cc_set(c, tcg_cc_sized(TCG_CC_SHLB, size), r, cf ? sign : 0, 0);
	}
	return (dst & ~m) | r;
}

uint64_t tcg_mul(struct tcg_cpu *c, uint64_t a, uint64_t b, unsigned size, bool sign, uint64_t *hi)
{
	unsigned bits = size * 8;
	uint64_t m = tcg_mask(size), lo, h, ovf;

	if (size == 8) {
		if (sign) {
			__int128 p = (__int128)(int64_t)a * (int64_t)b;

			lo = (uint64_t)p;
			h = (uint64_t)((unsigned __int128)p >> 64);
			ovf = h != (uint64_t)((int64_t)lo >> 63);
		} else {
			unsigned __int128 p = (unsigned __int128)a * b;

			lo = (uint64_t)p;
			h = (uint64_t)(p >> 64);
			ovf = h != 0;
		}
	} else if (sign) {
		int64_t p = sext(a, size) * sext(b, size);

		lo = (uint64_t)p & m;
		h = ((uint64_t)p >> bits) & m;
		ovf = p != sext(lo, size);
	} else {
		uint64_t p = (a & m) * (b & m);

		lo = p & m;
		h = (p >> bits) & m;
		ovf = h != 0;
	}
	tcg_cc_set(c, tcg_cc_sized(TCG_CC_MULB, size), lo, ovf, 0);
	*hi = h;
	return lo;
}

/* hi:lo / d, unsigned; false when the quotient does not fit 64 bits. */
static bool udiv128(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *q, uint64_t *r)
{
	uint64_t quo = 0, rem = hi;
	int k;

	if (!d || hi >= d)
		return false;
	if (!hi) {
		*q = lo / d;
		*r = lo % d;
		return true;
	}
	/* restoring division, one quotient bit per step (no libgcc) */
	for (k = 0; k < 64; k++) {
		uint64_t carry = rem >> 63;

		rem = (rem << 1) | (lo >> 63);
		lo <<= 1;
		quo <<= 1;
		if (carry || rem >= d) {
			rem -= d;
			quo |= 1;
		}
	}
	*q = quo;
	*r = rem;
	return true;
}

/* SDM Vol. 2 "DIV", "IDIV": #DE when the divisor is 0 or the quotient does
 * not fit the destination; the remainder has the dividend's sign. */
bool tcg_div(uint64_t hi, uint64_t lo, uint64_t d, unsigned size, bool sign, uint64_t *q, uint64_t *r)
{
	unsigned bits = size * 8;
	uint64_t m = tcg_mask(size), nh, nl, dm, qm, rm, limit;
	bool nneg, dneg;

	hi &= m;
	lo &= m;
	d &= m;
	if (!d)
		return false;
	if (size < 8) {
		/* the dividend fits 64 bits */
		nl = (hi << bits) | lo;
		nh = 0;
		if (sign) {
			int64_t n = sext(nl, size * 2);

			nneg = n < 0;
			nl = nneg ? 0 - (uint64_t)n : (uint64_t)n;
		} else {
			nneg = false;
		}
	} else {
		nh = hi;
		nl = lo;
		nneg = sign && (int64_t)hi < 0;
		if (nneg) { /* 128-bit two's complement negation */
			nl = 0 - lo;
			nh = ~hi + (lo == 0);
		}
	}
	dneg = sign && sext(d, size) < 0;
	dm = dneg ? (0 - d) & m : d;
	if (!udiv128(nh, nl, dm, &qm, &rm))
		return false;
	if (!sign) {
		if (qm > m)
			return false;
		*q = qm;
		*r = rm;
		return true;
	}
	limit = (1ull << (bits - 1)) - ((nneg ^ dneg) ? 0 : 1);
	if (qm > limit)
		return false;
	*q = ((nneg ^ dneg) ? 0 - qm : qm) & m;
	*r = (nneg ? 0 - rm : rm) & m;
	return true;
}

uint64_t tcg_bsf(struct tcg_cpu *c, uint64_t dst, uint64_t src, unsigned size, bool reverse)
{
	src &= tcg_mask(size);
	if (!src) {
		/* destination unchanged (as Intel and AMD processors do) */
		tcg_flags_set_arith(c, TCG_ARITH, TCG_ZF);
		return dst;
	}
	tcg_flags_set_arith(c, TCG_ARITH, 0);
	return reverse ? 63u - (unsigned)__builtin_clzll(src) : (unsigned)__builtin_ctzll(src);
}

uint64_t tcg_popcnt(struct tcg_cpu *c, uint64_t src, unsigned size)
{
	uint64_t v = src & tcg_mask(size), n = 0;

	/* SDM Vol. 2 "POPCNT": OF SF ZF AF CF PF cleared, ZF = source is 0 */
	tcg_flags_set_arith(c, TCG_ARITH, v ? 0 : TCG_ZF);
	while (v) {
		v &= v - 1;
		n++;
	}
	return n;
}

/* ---- BCD (16/32-bit mode only; #UD in 64-bit mode is the caller's) ---- */

static uint64_t zsp8(uint8_t v)
{
	return (v ? 0 : TCG_ZF) | ((v & 0x80) ? TCG_SF : 0) | (tcg_parity_even(v) ? TCG_PF : 0);
}

void tcg_daa(struct tcg_cpu *c)
{
	uint64_t f = tcg_flags(c);
	uint8_t al = (uint8_t)c->gpr[0], old_al = al;
	bool old_cf = f & TCG_CF, cf = false, af = false;

	if ((al & 0xf) > 9 || (f & TCG_AF)) {
		cf = old_cf || al > 0xf9; /* carry from AL + 6 */
		al += 6;
		af = true;
	}
	if (old_al > 0x99 || old_cf) {
		al += 0x60;
		cf = true;
	} else {
		cf = false;
	}
	tcg_reg_set(c, 0, 1, false, al);
	tcg_flags_set_arith(c, TCG_ARITH & ~TCG_OF,
			    zsp8(al) | (cf ? TCG_CF : 0) | (af ? TCG_AF : 0));
}

void tcg_das(struct tcg_cpu *c)
{
	uint64_t f = tcg_flags(c);
	uint8_t al = (uint8_t)c->gpr[0], old_al = al;
	bool old_cf = f & TCG_CF, cf = false, af = false;

	if ((al & 0xf) > 9 || (f & TCG_AF)) {
		cf = old_cf || al < 6; /* borrow from AL - 6 */
		al -= 6;
		af = true;
	}
	if (old_al > 0x99 || old_cf) {
		al -= 0x60;
		cf = true;
	}
	tcg_reg_set(c, 0, 1, false, al);
	tcg_flags_set_arith(c, TCG_ARITH & ~TCG_OF,
			    zsp8(al) | (cf ? TCG_CF : 0) | (af ? TCG_AF : 0));
}

/* AAA / AAS: only AF and CF are defined. */
void tcg_aaa(struct tcg_cpu *c)
{
	uint64_t f = tcg_flags(c), ax = c->gpr[0] & 0xffff;
	bool adj = (ax & 0xf) > 9 || (f & TCG_AF);

	if (adj)
		ax += 0x106;
	ax = (ax & 0xff00) | (ax & 0x0f);
	tcg_reg_set(c, 0, 2, false, ax);
	tcg_flags_set_arith(c, TCG_AF | TCG_CF, adj ? TCG_AF | TCG_CF : 0);
}

void tcg_aas(struct tcg_cpu *c)
{
	uint64_t f = tcg_flags(c), ax = c->gpr[0] & 0xffff;
	bool adj = (ax & 0xf) > 9 || (f & TCG_AF);

	if (adj) {
		ax = (ax - 6) & 0xffff;
		ax = (ax - 0x100) & 0xffff;
	}
	ax = (ax & 0xff00) | (ax & 0x0f);
	tcg_reg_set(c, 0, 2, false, ax);
	tcg_flags_set_arith(c, TCG_AF | TCG_CF, adj ? TCG_AF | TCG_CF : 0);
}

/* AAM / AAD: SF ZF PF from AL; OF AF CF undefined (cleared). */
bool tcg_aam(struct tcg_cpu *c, uint8_t base)
{
	uint8_t al = (uint8_t)c->gpr[0];

	if (!base)
		return false;
	tcg_reg_set(c, 0, 2, false, ((uint64_t)(al / base) << 8) | (al % base));
	tcg_cc_set(c, TCG_CC_LOGICB, al % base, 0, 0);
	return true;
}

void tcg_aad(struct tcg_cpu *c, uint8_t base)
{
	uint8_t al = (uint8_t)c->gpr[0], ah = (uint8_t)(c->gpr[0] >> 8);
	uint8_t r = (uint8_t)(al + ah * base);

	tcg_reg_set(c, 0, 2, false, r);
	tcg_cc_set(c, TCG_CC_LOGICB, r, 0, 0);
}
