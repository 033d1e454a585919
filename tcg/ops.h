/*
 * tcg/ops.h - helpers shared by the instruction handler groups written
 * against tcg/cpu.h (ops_alu.c, ops_bits.c, ops_data.c, ops_string.c):
 * operand sizes and immediates, and host atomics on guest RAM for LOCK.
 */
#ifndef KEEL_TCG_OPS_H
#define KEEL_TCG_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "tcg/cpu.h"
#include "tcg/flags.h"

/* Sub-groups asked by tcg_ops_alu() and tcg_ops_data() first. */
tcg_op_fn tcg_ops_bits(const struct x86_insn *i);   /* ops_bits.c */
tcg_op_fn tcg_ops_string(const struct x86_insn *i); /* ops_string.c */

static inline int64_t tcg_sext(uint64_t v, unsigned size)
{
	unsigned sh = 64 - size * 8;

	return size >= 8 ? (int64_t)v : (int64_t)(v << sh) >> sh;
}

/* Immediate k sign-extended from its encoded size (imm8 of 83/6B/6A,
 * imm32 of 64-bit operations). */
static inline uint64_t tcg_imm_sx(const struct x86_insn *i, unsigned k)
{
	return (uint64_t)tcg_sext(i->imm[k], i->imm_size[k] ? i->imm_size[k] : 8);
}

/* Operand size in bytes of an opcode whose low bit selects byte (0) or
 * full size (1), as in most ALU opcodes. */
static inline unsigned tcg_wsize(const struct x86_insn *i)
{
	return (i->opcode & 1) ? tcg_osize(i) : 1;
}

/* ModRM.reg as an opcode extension (without REX.R). */
static inline unsigned tcg_ext(const struct x86_insn *i)
{
	return (i->modrm >> 3) & 7;
}

static inline bool tcg_is_mem(const struct x86_insn *i)
{
	return i->has_modrm && i->mod != 3;
}

/* ---- host atomics on a tcg_rmw_ptr() pointer (x86 hosts: any
 * alignment works, a split lock is slow but atomic) ---- */

static inline uint64_t tcg_atomic_load(const void *p, unsigned size)
{
	switch (size) {
	case 1: return __atomic_load_n((const uint8_t *)p, __ATOMIC_SEQ_CST);
	case 2: return __atomic_load_n((const uint16_t *)p, __ATOMIC_SEQ_CST);
	case 4: return __atomic_load_n((const uint32_t *)p, __ATOMIC_SEQ_CST);
	default: return __atomic_load_n((const uint64_t *)p, __ATOMIC_SEQ_CST);
	}
}

/* Compare-and-swap: true when *p was *expected (now desired); else
 * *expected receives the current value. */
static inline bool tcg_atomic_cas(void *p, unsigned size, uint64_t *expected, uint64_t desired)
{
	bool ok;

	switch (size) {
	case 1: {
		uint8_t e = (uint8_t)*expected;
		ok = __atomic_compare_exchange_n((uint8_t *)p, &e, (uint8_t)desired, false,
						 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		*expected = e;
		return ok;
	}
	case 2: {
		uint16_t e = (uint16_t)*expected;
		ok = __atomic_compare_exchange_n((uint16_t *)p, &e, (uint16_t)desired, false,
						 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		*expected = e;
		return ok;
	}
	case 4: {
		uint32_t e = (uint32_t)*expected;
		ok = __atomic_compare_exchange_n((uint32_t *)p, &e, (uint32_t)desired, false,
						 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		*expected = e;
		return ok;
	}
	default:
		return __atomic_compare_exchange_n((uint64_t *)p, expected, desired, false,
						   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
}

static inline uint64_t tcg_atomic_xchg(void *p, unsigned size, uint64_t v)
{
	switch (size) {
	case 1: return __atomic_exchange_n((uint8_t *)p, (uint8_t)v, __ATOMIC_SEQ_CST);
	case 2: return __atomic_exchange_n((uint16_t *)p, (uint16_t)v, __ATOMIC_SEQ_CST);
	case 4: return __atomic_exchange_n((uint32_t *)p, (uint32_t)v, __ATOMIC_SEQ_CST);
	default: return __atomic_exchange_n((uint64_t *)p, v, __ATOMIC_SEQ_CST);
	}
}

/* ---- read-modify-write (ops_alu.c) ---- */

/* Computes the new value from the old one; may set lazy flags. Under LOCK
 * it may run more than once (a compare-and-swap loop): the flags are
 * restored before each retry, so it must depend on old and arg only. */
typedef uint64_t (*tcg_rmw_fn)(struct tcg_cpu *c, uint64_t old, const void *arg);

/* size bytes at seg:off become fn(old); returns old. The load comes first
 * and the flags fn sets are committed only after the store, so a fault
 * leaves the CPU unchanged. lock: atomic between vCPUs when the memory is
 * plain RAM (tcg_rmw_ptr), else an ordinary load and store. */
uint64_t tcg_mem_rmw(struct tcg_cpu *c, unsigned seg, uint64_t off, unsigned size, bool lock,
		     tcg_rmw_fn fn, const void *arg);
/* The same on the r/m operand of i (a register for mod 3); LOCK from i. */
uint64_t tcg_rm_rmw(struct tcg_cpu *c, const struct x86_insn *i, unsigned size, tcg_rmw_fn fn, const void *arg);

/* A handler for forms that are #UD at run time. */
void tcg_op_ud(struct tcg_cpu *c, const struct x86_insn *i);

#endif
