/* x86/alu.h - the two-operand ALU group and the flags it leaves, for
 * emulators that complete instructions themselves (MMIO under VT-x, and
 * the translator). SDM Vol. 1 Appendix A (EFLAGS cross-reference). */
#ifndef KEEL_X86_ALU_H
#define KEEL_X86_ALU_H

#include <stdint.h>
#include "x86/decode.h"

#define X86_FLAGS_ARITH 0x8d5u /* CF PF AF ZF SF OF */

/* dst OP src on `size` bytes (1, 2, 4, 8). Updates the arithmetic flags in
 * *rflags (ADC/SBB read CF from it) and returns the result; CMP and TEST
 * return dst unchanged. */
uint64_t x86_alu(enum x86_alu op, uint64_t dst, uint64_t src, unsigned int size, uint64_t *rflags);

#endif
