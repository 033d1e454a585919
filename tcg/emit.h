/*
 * tcg/emit.h - a small x86-64 instruction encoder for the translator's
 * code generator (SDM Vol. 2 ch. 2: REX, ModRM, SIB, displacements).
 *
 * The generator only needs a handful of shapes: register-register,
 * register-memory with a base register and 32-bit displacement (the CPU
 * state is always [rbx + offset]), immediates, and rel32 branches that are
 * patched once their target is known.
 */
#ifndef KEEL_TCG_EMIT_H
#define KEEL_TCG_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

struct emit {
	uint8_t *p, *end;
	bool overflow; /* ran out of room: the caller starts over elsewhere */
};

static inline void e_byte(struct emit *e, uint8_t b)
{
	if (e->p < e->end)
		*e->p++ = b;
	else
		e->overflow = true;
}

static inline void e_bytes(struct emit *e, const void *b, size_t n)
{
	for (size_t k = 0; k < n; k++)
		e_byte(e, ((const uint8_t *)b)[k]);
}

static inline void e_u32(struct emit *e, uint32_t v) { e_bytes(e, &v, 4); }
static inline void e_u64(struct emit *e, uint64_t v) { e_bytes(e, &v, 8); }

/* REX for operand size w and the high bits of reg, index, base. */
static inline void e_rex(struct emit *e, bool w, unsigned reg, unsigned index, unsigned base,
			 bool force)
{
	uint8_t rex = 0x40 | (w ? 8 : 0) | ((reg >> 3) & 1) << 2 | ((index >> 3) & 1) << 1 |
		      ((base >> 3) & 1);
	if (rex != 0x40 || force)
		e_byte(e, rex);
}

/* ModRM + optional SIB + disp32 for [base + disp] (base != none). */
static inline void e_mem(struct emit *e, unsigned reg, unsigned base, int32_t disp)
{
	bool d8 = disp >= -128 && disp <= 127;
	uint8_t mod = disp == 0 && (base & 7) != RBP ? 0 : d8 ? 1 : 2;
	e_byte(e, (uint8_t)(mod << 6 | (reg & 7) << 3 | (base & 7)));
	if ((base & 7) == RSP)
		e_byte(e, 0x24); /* SIB: no index, base rsp/r12 */
	if (mod == 1)
		e_byte(e, (uint8_t)disp);
	else if (mod == 2)
		e_u32(e, (uint32_t)disp);
}

/* [base + index*1 + disp] */
static inline void e_mem_idx(struct emit *e, unsigned reg, unsigned base, unsigned index, int32_t disp)
{
	bool d8 = disp >= -128 && disp <= 127;
	uint8_t mod = disp == 0 && (base & 7) != RBP ? 0 : d8 ? 1 : 2;
	e_byte(e, (uint8_t)(mod << 6 | (reg & 7) << 3 | 4));
	e_byte(e, (uint8_t)((index & 7) << 3 | (base & 7)));
	if (mod == 1)
		e_byte(e, (uint8_t)disp);
	else if (mod == 2)
		e_u32(e, (uint32_t)disp);
}

static inline void e_modrm_rr(struct emit *e, unsigned reg, unsigned rm)
{
	e_byte(e, (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7)));
}

/* op size prefixes: size in bytes 1, 2, 4, 8; op8 is the byte form. */
static inline void e_pfx(struct emit *e, unsigned size, unsigned reg, unsigned index, unsigned base)
{
	if (size == 2)
		e_byte(e, 0x66);
	/* byte registers 4-7 need a REX to mean spl..dil */
	e_rex(e, size == 8, reg, index, base, size == 1 && (reg >= 4 || base >= 4));
}

/* OP reg, [base + disp] / OP [base + disp], reg with a one-byte opcode
 * (op8 for size 1, op for the others). */
static inline void e_op_rm(struct emit *e, uint8_t op8, uint8_t op, unsigned size, unsigned reg,
			   unsigned base, int32_t disp)
{
	e_pfx(e, size, reg, 0, base);
	e_byte(e, size == 1 ? op8 : op);
	e_mem(e, reg, base, disp);
}

static inline void e_op_rr(struct emit *e, uint8_t op8, uint8_t op, unsigned size, unsigned reg,
			   unsigned rm)
{
	if (size == 2)
		e_byte(e, 0x66);
	e_rex(e, size == 8, reg, 0, rm, size == 1 && (reg >= 4 || rm >= 4));
	e_byte(e, size == 1 ? op8 : op);
	e_modrm_rr(e, reg, rm);
}

/* mov reg, [base + disp] (zero-extending for 1 and 2 bytes: movzx). */
static inline void e_load(struct emit *e, unsigned size, unsigned reg, unsigned base, int32_t disp)
{
	if (size >= 4) {
		e_op_rm(e, 0x8a, 0x8b, size, reg, base, disp);
		return;
	}
	e_rex(e, false, reg, 0, base, false);
	e_byte(e, 0x0f);
	e_byte(e, size == 1 ? 0xb6 : 0xb7);
	e_mem(e, reg, base, disp);
}

static inline void e_store(struct emit *e, unsigned size, unsigned reg, unsigned base, int32_t disp)
{
	e_op_rm(e, 0x88, 0x89, size, reg, base, disp);
}

/* mov reg64, imm64 (shortest form) */
static inline void e_mov_imm(struct emit *e, unsigned reg, uint64_t v)
{
	if (v <= 0xffffffffull) {
		e_rex(e, false, 0, 0, reg, false);
		e_byte(e, (uint8_t)(0xb8 + (reg & 7)));
		e_u32(e, (uint32_t)v);
	} else if ((int64_t)v == (int32_t)v) {
		e_rex(e, true, 0, 0, reg, false);
		e_byte(e, 0xc7);
		e_modrm_rr(e, 0, reg);
		e_u32(e, (uint32_t)v);
	} else {
		e_rex(e, true, 0, 0, reg, false);
		e_byte(e, (uint8_t)(0xb8 + (reg & 7)));
		e_u64(e, v);
	}
}

/* mov qword [base + disp], imm (through rax when it does not fit imm32) */
static inline void e_store_imm64(struct emit *e, unsigned base, int32_t disp, uint64_t v)
{
	if ((int64_t)v == (int32_t)v) {
		e_rex(e, true, 0, 0, base, false);
		e_byte(e, 0xc7);
		e_mem(e, 0, base, disp);
		e_u32(e, (uint32_t)v);
	} else {
		e_mov_imm(e, RAX, v);
		e_store(e, 8, RAX, base, disp);
	}
}

/* mov dword [base + disp], imm32 */
static inline void e_store_imm32(struct emit *e, unsigned base, int32_t disp, uint32_t v)
{
	e_rex(e, false, 0, 0, base, false);
	e_byte(e, 0xc7);
	e_mem(e, 0, base, disp);
	e_u32(e, v);
}

/* call an absolute address */
static inline void e_call(struct emit *e, const void *fn)
{
	e_mov_imm(e, RAX, (uint64_t)(uintptr_t)fn);
	e_byte(e, 0xff);
	e_modrm_rr(e, 2, RAX);
}

/* jmp/jcc rel32 to a known address */
static inline void e_jmp(struct emit *e, const void *to)
{
	e_byte(e, 0xe9);
	e_u32(e, (uint32_t)((const uint8_t *)to - (e->p + 4)));
}

/* jcc rel32 with a hole to patch; returns the hole's address. cc: the
 * condition nibble (0x4 e, 0x5 ne, ...). */
static inline uint8_t *e_jcc_fwd(struct emit *e, unsigned cc)
{
	e_byte(e, 0x0f);
	e_byte(e, (uint8_t)(0x80 | cc));
	uint8_t *hole = e->p;
	e_u32(e, 0);
	return hole;
}

static inline uint8_t *e_jmp_fwd(struct emit *e)
{
	e_byte(e, 0xe9);
	uint8_t *hole = e->p;
	e_u32(e, 0);
	return hole;
}

/* Point a rel32 hole at `to`. */
static inline void e_patch(uint8_t *hole, const void *to)
{
	if (!hole)
		return;
	int32_t rel = (int32_t)((const uint8_t *)to - (hole + 4));
	memcpy(hole, &rel, 4);
}

#endif
