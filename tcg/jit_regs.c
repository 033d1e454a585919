/*
 * tcg/jit_regs.c - guest GPRs kept in host registers within a translated
 * block.
 *
 * Without this every instruction loads its operands from the CPU
 * structure and stores its result back, so a chain of dependent
 * instructions pays a store-to-load forwarding delay per link. Here a
 * small pool of host registers caches guest GPRs for the length of a
 * block, with least-recently-used eviction; a cached register is "dirty"
 * when its value is newer than the copy in struct tcg_cpu.
 *
 * The copy in memory must be current wherever C code or the dispatcher
 * can look at it: before handler calls (which then own the registers:
 * the cache starts empty after them), before slow-path calls that may
 * fault (faults are precise: the state is that before the instruction),
 * and at every block exit. Slow paths and exits are branches off the main
 * path, so they store without changing the translation-time state
 * (jr_store); the main path's state is what the code after the branch
 * sees. C calls clobber the caller-saved pool registers: jr_reload reads
 * them back afterwards.
 */
#include <stddef.h>
#include "tcg/cpu.h"
#include "tcg/emit.h"
#include "tcg/jit.h"

#define GPR(r) ((int32_t)offsetof(struct tcg_cpu, gpr) + 8 * (int32_t)(r))

/* The pool: rbp and r15 survive C calls, r8-r11 do not. The templates'
 * scratch registers (rax rcx rdx rsi rdi, r12 r13, r14 for flags) and rbx
 * (the CPU) are not in it. */
static const uint8_t pool[JR_N] = {RBP, R15, R8, R9, R10, R11};

static bool volatile_reg(unsigned h) { return h >= R8 && h <= R11; }

void jr_init(struct jit_ctx *x)
{
	struct jit_regs *jr = &x->regs;
	for (unsigned r = 0; r < 16; r++)
		jr->slot[r] = -1;
	for (unsigned s = 0; s < JR_N; s++)
		jr->guest[s] = -1;
	jr->dirty = 0;
	jr->clock = 0;
}

void jr_store(struct jit_ctx *x)
{
	struct jit_regs *jr = &x->regs;
	for (unsigned s = 0; s < JR_N; s++) {
		int g = jr->guest[s];
		if (g >= 0 && (jr->dirty >> g & 1))
			e_store(x->e, 8, pool[s], RBX, GPR(g));
	}
}

void jr_reload(struct jit_ctx *x)
{
	struct jit_regs *jr = &x->regs;
	for (unsigned s = 0; s < JR_N; s++) {
		int g = jr->guest[s];
		if (g >= 0 && volatile_reg(pool[s]))
			e_load(x->e, 8, pool[s], RBX, GPR(g));
	}
}

void jr_forget(struct jit_ctx *x)
{
	jr_store(x);
	jr_init(x);
}

/* Drops guest r from the cache, storing it first if dirty. */
void jr_evict(struct jit_ctx *x, unsigned r)
{
	struct jit_regs *jr = &x->regs;
	int s = jr->slot[r];
	if (s < 0)
		return;
	if (jr->dirty >> r & 1)
		e_store(x->e, 8, pool[s], RBX, GPR(r));
	jr->dirty &= (uint16_t)~(1u << r);
	jr->slot[r] = -1;
	jr->guest[s] = -1;
}

/* A slot for guest r: a free one, else the least recently used. */
static unsigned jr_alloc(struct jit_ctx *x, unsigned r)
{
	struct jit_regs *jr = &x->regs;
	unsigned best = 0;
	for (unsigned s = 0; s < JR_N; s++) {
		if (jr->guest[s] < 0) {
			best = s;
			goto found;
		}
		if (jr->used[s] < jr->used[best])
			best = s;
	}
	jr_evict(x, (unsigned)jr->guest[best]);
found:
	jr->guest[best] = (int8_t)r;
	jr->slot[r] = (int8_t)best;
	return best;
}

unsigned jr_read(struct jit_ctx *x, unsigned r)
{
	struct jit_regs *jr = &x->regs;
	int s = jr->slot[r];
	if (s < 0) {
		s = (int)jr_alloc(x, r);
		e_load(x->e, 8, pool[s], RBX, GPR(r));
	}
	jr->used[s] = ++jr->clock;
	return pool[s];
}

unsigned jr_write(struct jit_ctx *x, unsigned r)
{
	struct jit_regs *jr = &x->regs;
	int s = jr->slot[r];
	if (s < 0)
		s = (int)jr_alloc(x, r);
	jr->used[s] = ++jr->clock;
	jr->dirty |= (uint16_t)(1u << r);
	return pool[s];
}

unsigned jr_modify(struct jit_ctx *x, unsigned r)
{
	unsigned h = jr_read(x, r);
	x->regs.dirty |= (uint16_t)(1u << r);
	return h;
}
