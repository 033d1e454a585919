/*
 * tcg/jit.c - translation of decoded blocks to host x86-64 code.
 *
 * A translated block runs with rbx = the struct tcg_cpu and returns to
 * the dispatcher through a shared exit (the trampoline below). Guest
 * registers stay in the CPU structure; the code loads and stores them per
 * instruction. Instructions with a native template (tcg/jit_ops.c) become
 * host instructions; every other instruction becomes a call to its handler
 * (the same handlers the interpreter uses), followed by a check whether it
 * branched or asked to stop. Faults in helpers longjmp out of the
 * generated code, which is safe: it keeps nothing on the stack but the
 * trampoline frame, and c->rip is stored before anything that can fault.
 */
#include <stddef.h>
#if KEEL_HOST
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#endif
#include "tcg/cpu.h"
#include "tcg/emit.h"
#include "tcg/jit.h"
#include "tcg/tcg_int.h"

#define OFF(f) ((int32_t)offsetof(struct tcg_cpu, f))

#if KEEL_HOST
static FILE *perf_f;
static int perf_state; /* 0 unknown, 1 on, -1 off; 2: start over (buffer reused) */
#endif

_Static_assert(offsetof(struct tcg_cpu, halted) == offsetof(struct tcg_cpu, end_block) + 1 &&
		       offsetof(struct tcg_cpu, io_done) == offsetof(struct tcg_cpu, end_block) + 2 &&
		       offsetof(struct tcg_cpu, shutdown) == offsetof(struct tcg_cpu, end_block) + 3,
	       "the stop flags are tested as one dword");

/* The trampoline: enter(cpu, code) saves the callee-saved registers, sets
 * rbx and jumps to the block; blocks leave through exit. */
bool tcg_jit_init(struct tcg_jit *j, uint8_t *buf, size_t size)
{
	j->buf = buf;
	j->size = size;
	struct emit e = {buf, buf + size, false};
	j->enter = e.p;
	static const uint8_t push[] = {0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57};
	e_bytes(&e, push, sizeof(push));              /* rbx rbp r12-r15 */
	e_bytes(&e, "\x48\x83\xec\x08", 4);           /* sub rsp, 8: 16-byte alignment */
	e_bytes(&e, "\x48\x89\xfb", 3);               /* mov rbx, rdi */
	e_bytes(&e, "\xff\xe6", 2);                   /* jmp rsi */
	j->exit = e.p;
	e_bytes(&e, "\x48\x83\xc4\x08", 4);           /* add rsp, 8 */
	static const uint8_t pop[] = {0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b, 0xc3};
	e_bytes(&e, pop, sizeof(pop));
	j->start = (size_t)(e.p - buf + 63) & ~(size_t)63;
	j->used = j->start;
	j->disabled = e.overflow;
	return !e.overflow;
}

void tcg_jit_reset(struct tcg_jit *j)
{
	j->used = j->start;
#if KEEL_HOST
	if (perf_state == 1)
		perf_state = 2; /* old names would shadow the new blocks */
#endif
}

void jit_sync_rip(struct jit_ctx *x)
{
	if (!x->rip_synced)
		e_store_imm64(x->e, RBX, OFF(rip), x->rip);
	x->rip_synced = true;
}

/* RFLAGS' arithmetic bits from the host flags captured in r14 (pushfq;
 * pop r14), in the lazy-flags representation "cc_op = EFLAGS". Clobbers
 * rdx, rsi and the host flags. */
void jit_flush_flags(struct jit_ctx *x)
{
	struct emit *e = x->e;
	if (!x->flags_live)
		return;
	e_op_rr(e, 0x88, 0x89, 8, R14, RDX);      /* mov rdx, r14 */
	e_bytes(e, "\x81\xe2", 2);                 /* and edx, 0x8d5 */
	e_u32(e, 0x8d5);
	e_load(e, 8, RSI, RBX, OFF(rflags));
	e_bytes(e, "\x48\x81\xe6", 3);             /* and rsi, ~0x8d5 */
	e_u32(e, ~0x8d5u);
	e_op_rr(e, 0x08, 0x09, 8, RDX, RSI);       /* or rsi, rdx */
	e_store(e, 8, RSI, RBX, OFF(rflags));
	e_store_imm32(e, RBX, OFF(cc_op), TCG_CC_EFLAGS);
	x->flags_live = false;
	x->hflags_ok = false;
}

/* Flags live in r14 stay pending from one instruction to the next until
 * something needs them in memory: every path that leaves the block or
 * calls C that may fault or read them stores them first. On such a side
 * path the main path's state must not change. */
void jit_store_flags(struct jit_ctx *x)
{
	bool live = x->flags_live, ok = x->hflags_ok;
	jit_flush_flags(x);
	x->flags_live = live;
	x->hflags_ok = ok;
}

/* add qword [rbx+insns], n: instructions retired, for statistics */
static void count_insns(struct emit *e, unsigned n)
{
	e_rex(e, true, 0, 0, RBX, false);
	e_byte(e, 0x81);
	e_mem(e, 0, RBX, OFF(insns));
	e_u32(e, n);
}

/* Leaves the block with c->rip = rip, counting ninsn instructions. When
 * rip is in the same page as the block's start, the exit can be chained
 * straight to the next block: a jump the dispatcher patches once that
 * block is translated (tcg_jit_chain). A budget bounds how long chained
 * blocks run without the dispatcher looking at timers and events. */
void jit_exit_to(struct jit_ctx *x, uint64_t rip, unsigned ninsn)
{
	struct emit *e = x->e;
	jit_store_flags(x);
	jr_store(x);
	if (x->exit_rsp_r12)
		e_store(e, 8, R12, RBX, OFF(gpr[4]));
	e_store_imm64(e, RBX, OFF(rip), rip);
	count_insns(e, ninsn);
	uint64_t lin = rip + x->cs_base;
	if ((lin & ~0xfffull) != (x->b->lin & ~0xfffull)) {
		/* another page: no patched jump, but a cache lookup */
		e_op_rr(e, 0x88, 0x89, 8, RBX, RDI);
		e_call(e, (const void *)tcg_jit_next);
		e_bytes(e, "\xff\xe0", 2); /* jmp rax */
		return;
	}
	e_bytes(e, "\x83\xab", 2);            /* sub dword [rbx+d32], 1 */
	e_u32(e, (uint32_t)OFF(chain_budget));
	e_byte(e, 1);
	uint8_t *out = e_jcc_fwd(e, 0x8);      /* js: budget spent */
	uint8_t *slot = e_jmp_fwd(e);          /* patched to the next block */
	e_patch(slot, e->p);
	e_mov_imm(e, RAX, (uint64_t)(uintptr_t)(slot - 1));
	e_store(e, 8, RAX, RBX, OFF(chain_slot));
	e_patch(out, e->p);
	e_jmp(e, x->j->exit);
}

/* Points the jump at slot (a 5-byte jmp rel32) to code. */
void tcg_jit_chain(uint8_t *slot, const void *code)
{
	int32_t rel = (int32_t)((const uint8_t *)code - (slot + 5));
	__atomic_store_n((uint32_t *)(void *)(slot + 1), (uint32_t)rel, __ATOMIC_RELEASE);
}

/* c->rip is set (by a handler or a RET): count, then on to the block
 * there through the cache, or leave. */
void jit_goto_next(struct jit_ctx *x, unsigned ninsn)
{
	struct emit *e = x->e;
	jit_store_flags(x);
	jr_store(x);
	count_insns(e, ninsn);
	e_op_rr(e, 0x88, 0x89, 8, RBX, RDI);
	e_call(e, (const void *)tcg_jit_next);
	e_bytes(e, "\xff\xe0", 2); /* jmp rax */
}

/* Leaves with c->rip as the handler left it. */
static void exit_as_is(struct jit_ctx *x, unsigned ninsn)
{
	struct emit *e = x->e;
	jr_store(x);
	count_insns(e, ninsn);
	e_jmp(e, x->j->exit);
}

/* Generic instruction: the handler does the work. */
static void emit_call(struct jit_ctx *x, const struct tcg_insn *in, bool last)
{
	struct emit *e = x->e;
	uint64_t fall = x->rip + in->x.length;
	jr_forget(x); /* the handler reads and writes c->gpr */
	jit_sync_rip(x);
	e_store_imm64(e, RBX, OFF(next_rip), x->next);
	e_op_rr(e, 0x88, 0x89, 8, RBX, RDI); /* mov rdi, rbx */
	e_mov_imm(e, RSI, (uint64_t)(uintptr_t)&in->x);
	e_call(e, (const void *)in->fn);
	e_load(e, 8, RAX, RBX, OFF(next_rip));
	e_store(e, 8, RAX, RBX, OFF(rip));
	x->rip_synced = true; /* for the fall-through case below */
	/* asked to stop: leave */
	e_bytes(e, "\xf7\x83", 2); /* test dword [rbx+d32], imm32 */
	e_u32(e, (uint32_t)OFF(end_block));
	e_u32(e, 0xffffffffu);
	uint8_t *stop = e_jcc_fwd(e, 0x5);
	if (last) {
		jit_goto_next(x, x->k + 1);
	} else {
		/* branched (rip != fall): on to the target's block */
		e_mov_imm(e, RCX, fall);
		e_op_rr(e, 0x38, 0x39, 8, RCX, RAX); /* cmp rax, rcx */
		uint8_t *same = e_jcc_fwd(e, 0x4);
		jit_goto_next(x, x->k + 1);
		e_patch(same, e->p);
	}
	uint8_t *skip = last ? NULL : e_jmp_fwd(e);
	e_patch(stop, e->p);
	exit_as_is(x, x->k + 1);
	e_patch(skip, e->p);
}

/* KEEL_TCG_PERFMAP=1 (hosted runs): name every block in
 * /tmp/perf-PID.map, which perf reads for JIT code, as guest address and
 * instruction count. */
static void perf_map(const struct tcg_block *b, const uint8_t *start, size_t len)
{
#if KEEL_HOST
	FILE *f = perf_f;
	int state = perf_state;
	if (state != 1 && state != -1) {
		state = perf_state == 2 ? 1 : getenv("KEEL_TCG_PERFMAP") ? 1 : -1;
		if (state > 0) {
			char name[64];
			snprintf(name, sizeof(name), "/tmp/perf-%d.map", (int)getpid());
			if (f)
				fclose(f);
			f = fopen(name, "w");
		}
		perf_f = f;
		perf_state = state;
	}
	if (f) {
		fprintf(f, "%lx %zx g_%llx_%u\n", (unsigned long)(uintptr_t)start, len,
			(unsigned long long)b->lin, b->ninsn);
		fflush(f);
	}
#else
	(void)b, (void)start, (void)len;
#endif
}

void *tcg_jit_block(struct tcg_jit *j, struct tcg_block *b, uint64_t cs_base)
{
	if (j->disabled)
		return NULL;
	size_t need = TCG_JIT_BLOCK_MAX;
	if (j->used + need > j->size)
		return NULL; /* the caller flushes the cache and tries again */
	uint8_t *start = j->buf + j->used;
	struct emit e = {start, j->buf + j->size, false};
	uint64_t ripmask = tcg_bits_mask(b->mode);
	struct jit_ctx x = {.e = &e, .j = j, .b = b, .rip_synced = true, .cs_base = cs_base};
	x.rip = (b->lin - cs_base) & ripmask;
	jr_init(&x);

	for (unsigned k = 0; k < b->ninsn; k++) {
		const struct tcg_insn *in = &b->insn[k];
		x.k = k;
		x.next = (x.rip + in->x.length) & ripmask;
		/* host flags survive into the instruction after the one that
		 * set them (Jcc, SETcc, CMOVcc use them), no further */
		x.hflags_ok = x.hflags_ok && x.flags_new;
		x.flags_new = false;
		if (tcg_jit_native(&x)) {
			x.rip_synced = false; /* native code does not keep c->rip */
		} else {
			jit_flush_flags(&x);
			emit_call(&x, in, k + 1 == b->ninsn);
		}
		x.rip = x.next;
	}
	/* fell off the end (the last instruction did not leave itself) */
	jit_flush_flags(&x);
	jit_exit_to(&x, x.rip, b->ninsn);
	if (e.overflow)
		return NULL;
	j->used = ((size_t)(e.p - j->buf) + 15) & ~(size_t)15;
	perf_map(b, start, (size_t)(e.p - start));
	return start;
}
