/* tcg/jit.h - the translator's code generator (tcg/jit.c, tcg/jit_ops.c). */
#ifndef KEEL_TCG_JIT_H
#define KEEL_TCG_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tcg_block;
struct tcg_insn;
struct tcg_cpu;
struct emit;

/* Per-VM code buffer: the trampoline, then translated blocks. */
struct tcg_jit {
	uint8_t *buf;
	size_t size, used, start;
	uint8_t *enter; /* void enter(struct tcg_cpu *c, void *code) */
	uint8_t *exit;
	bool disabled;
};

#define TCG_JIT_BLOCK_MAX (256 + 48 * 160) /* bytes one block may need */

bool tcg_jit_init(struct tcg_jit *j, uint8_t *buf, size_t size);
void tcg_jit_reset(struct tcg_jit *j);
/* Host code for block b (whose first instruction is at b->lin, CS base
 * cs_base), or NULL when the buffer is full or the JIT is off. */
void *tcg_jit_block(struct tcg_jit *j, struct tcg_block *b, uint64_t cs_base);
/* Native template for one instruction; false: use the handler call. */
bool tcg_jit_native(struct emit *e, const struct tcg_jit *j, const struct tcg_insn *in,
		    uint64_t rip, uint64_t next);

static inline void tcg_jit_enter(const struct tcg_jit *j, struct tcg_cpu *c, void *code)
{
	((void (*)(struct tcg_cpu *, void *))(void *)j->enter)(c, code);
}

/* Debugging and benchmarks: run everything on the interpreter. */
extern bool tcg_jit_off;

#endif
