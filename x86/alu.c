/* ADD OR ADC SBB AND SUB XOR CMP TEST with their flags (SDM Vol. 2 for each
 * instruction: CF/OF from the unsigned/signed overflow, AF from bit 3, PF
 * from the low byte's parity, ZF/SF from the result; logic ops clear CF and
 * OF and leave AF undefined, which we clear as hardware usually does). */
#include "x86/alu.h"

#define CF (1u << 0)
#define PF (1u << 2)
#define AF (1u << 4)
#define ZF (1u << 6)
#define SF (1u << 7)
#define OF (1u << 11)

static uint64_t mask_of(unsigned int size) { return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1; }

uint64_t x86_alu(enum x86_alu op, uint64_t dst, uint64_t src, unsigned int size, uint64_t *rflags)
{
	uint64_t m = mask_of(size), sign = 1ull << (8 * (size >= 8 ? 8 : size) - 1);
	uint64_t a = dst & m, b = src & m, r, f = 0;
	unsigned int carry_in = (*rflags & CF) ? 1 : 0;
	bool arith = true, sub = false;

	switch (op) {
	case X86_ALU_ADD: r = a + b; break;
	case X86_ALU_ADC: r = a + b + carry_in; break;
	case X86_ALU_SUB: case X86_ALU_CMP: r = a - b; sub = true; break;
	case X86_ALU_SBB: r = a - b - carry_in; sub = true; break;
	case X86_ALU_OR: r = a | b; arith = false; break;
	case X86_ALU_AND: case X86_ALU_TEST: r = a & b; arith = false; break;
	case X86_ALU_XOR: r = a ^ b; arith = false; break;
	default: return dst;
	}
	r &= m;
	if (arith) {
		unsigned int cin = (op == X86_ALU_ADC || op == X86_ALU_SBB) ? carry_in : 0;
		if (sub) {
			if (a < b || (cin && a == b))
				f |= CF;
			if ((a ^ b) & (a ^ r) & sign)
				f |= OF;
		} else {
			if (r < a || (cin && r == a))
				f |= CF;
			if (~(a ^ b) & (a ^ r) & sign)
				f |= OF;
		}
		if ((a ^ b ^ r) & 0x10)
			f |= AF;
	}
	if (!r)
		f |= ZF;
	if (r & sign)
		f |= SF;
	if (!(__builtin_popcount((unsigned int)(r & 0xff)) & 1))
		f |= PF;
	*rflags = (*rflags & ~(uint64_t)X86_FLAGS_ARITH) | f;
	return op == X86_ALU_CMP || op == X86_ALU_TEST ? dst : (dst & ~m) | r;
}
