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

#define TCG_JIT_BLOCK_MAX (512 + 48 * 800) /* bytes one block may need */

/* Guest GPRs cached in host registers within a block (tcg/jit_regs.c). */
#define JR_N 6
struct jit_regs {
	int8_t slot[16];     /* guest GPR -> pool slot, or -1 */
	int8_t guest[JR_N];  /* pool slot -> guest GPR, or -1 */
	uint32_t used[JR_N]; /* when the slot was last used (LRU) */
	uint16_t dirty;      /* guest GPRs whose slot is newer than c->gpr */
	uint32_t clock;
};

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
	bool flags_new;      /* r14 holds the current instruction's flags */
	bool hflags_ok;      /* the host flags equal r14 (just captured) */
	bool exit_rsp_r12;   /* exits store r12 to rSP after the cached registers */
	struct jit_regs regs;
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
void jit_store_flags(struct jit_ctx *x);       /* the same on a side path: still live after */
void jit_exit_to(struct jit_ctx *x, uint64_t rip, unsigned ninsn); /* c->rip = rip; leave */
void jit_goto_next(struct jit_ctx *x, unsigned ninsn); /* c->rip already set: on to its block */

/* jit_regs.c: the register cache. jr_read: a host register holding guest
 * r (all 64 bits); jr_write: one to overwrite with all of r's new value;
 * jr_modify: r's value, to be changed in place (8/16-bit merges). The
 * host register is valid until the next jr_* call. */
void jr_init(struct jit_ctx *x);
unsigned jr_read(struct jit_ctx *x, unsigned r);
unsigned jr_write(struct jit_ctx *x, unsigned r);
unsigned jr_modify(struct jit_ctx *x, unsigned r);
void jr_evict(struct jit_ctx *x, unsigned r);
void jr_store(struct jit_ctx *x);  /* dirty ones to memory, state unchanged */
void jr_reload(struct jit_ctx *x); /* after a C call: caller-saved ones back */
void jr_forget(struct jit_ctx *x); /* store, then cache nothing */

static inline void tcg_jit_enter(const struct tcg_jit *j, struct tcg_cpu *c, void *code)
{
	((void (*)(struct tcg_cpu *, void *))(void *)j->enter)(c, code);
}

/* Debugging and benchmarks: run everything on the interpreter. */
extern bool tcg_jit_off;

#endif
