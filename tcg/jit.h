/* tcg/jit.h - the translator's code generator (tcg/jit.c, tcg/jit_ops.c,
 * tcg/jit_mem.c). */
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

#define TCG_JIT_BLOCK_MAX (512 + 48 * 400) /* bytes one block may need */

/* Translation state of one block (tcg/jit.c). */
struct jit_ctx {
	struct emit *e;
	const struct tcg_jit *j;
	const struct tcg_block *b;
	unsigned k;          /* index of the instruction being translated */
	uint64_t rip, next;  /* its address and the next one's */
	uint64_t cs_base;
	bool rip_synced;     /* c->rip holds rip (the previous instruction stored it) */
	bool flags_live;     /* r14 (and the host flags, if nothing clobbered them since)
			      * hold the last op's flags, not yet stored */
};

bool tcg_jit_init(struct tcg_jit *j, uint8_t *buf, size_t size);
void tcg_jit_reset(struct tcg_jit *j);
/* Host code for block b, or NULL when the buffer is full or the JIT is
 * off. */
void *tcg_jit_block(struct tcg_jit *j, struct tcg_block *b, uint64_t cs_base);

/* exec.c: the code of the block at c->rip, or the exit (see there). */
void *tcg_jit_next(struct tcg_cpu *c);

/* Patches a chain slot (c->chain_slot) to jump to code. */
void tcg_jit_chain(uint8_t *slot, const void *code);

/* jit_ops.c: native template for the instruction x->k; false: the caller
 * emits a handler call instead (nothing was emitted). */
bool tcg_jit_native(struct jit_ctx *x);

/* jit.c: helpers for templates */
void jit_sync_rip(struct jit_ctx *x);          /* c->rip = x->rip */
void jit_flush_flags(struct jit_ctx *x);       /* store flags held in r14 */
void jit_exit_to(struct jit_ctx *x, uint64_t rip, unsigned ninsn); /* c->rip = rip; leave */
void jit_goto_next(struct jit_ctx *x, unsigned ninsn); /* c->rip already set: on to its block */

static inline void tcg_jit_enter(const struct tcg_jit *j, struct tcg_cpu *c, void *code)
{
	((void (*)(struct tcg_cpu *, void *))(void *)j->enter)(c, code);
}

/* Debugging and benchmarks: run everything on the interpreter. */
extern bool tcg_jit_off;

#endif
