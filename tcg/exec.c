/*
 * tcg/exec.c - the translator's execution engine: the per-VM block cache
 * with code-page tracking (self-modifying code), block decoding, the
 * dispatch loop with interrupt checks at block boundaries, and the fault
 * path that makes exceptions precise.
 *
 * A block is decoded once into struct tcg_insn (handler + decoded
 * instruction) and looked up by (linear address, guest-physical page,
 * mode): first in a per-vCPU direct-mapped cache, then in the per-VM hash.
 * Each guest page that holds decoded code has a generation number; a write
 * to such a page (seen by the soft TLB's slow path) bumps it, which
 * invalidates every block decoded from it.
 */
#include <stdlib.h>
#include <string.h>
#include "tcg/cpu.h"
#include "tcg/exec.h"
#include "tcg/flags.h"
#include "tcg/fpu.h"
#include "tcg/tcg.h"
#include "tcg/tcg_int.h"
#include "vm/vm.h"

#define ARENA_BYTES (16u << 20) /* the most a VM's caches grow to */
#define CODE_BYTES (16u << 20)
/* They start at 256 KiB and double each time they fill, so a small guest
 * costs little beyond its RAM and Linux grows to what it needs. */
#define ARENA_START (256u << 10)
#define CODE_START (256u << 10)
#define HASH_SIZE 16384u
#define SLICE_NS 4000000ull /* return to the run loop at least this often */
#define CHAIN_BUDGET 64     /* chained blocks between two dispatcher visits */

/* ---- per-VM state ---- */

static uint64_t page_index(struct tcg_vm *t, uint64_t gpa)
{
	struct vm *vm = t->vm;
	if (gpa < vm->lowmem)
		return gpa >> 12;
	if (gpa >= VM_HIGH_BASE && gpa - VM_HIGH_BASE < vm->highmem)
		return (vm->lowmem + (gpa - VM_HIGH_BASE)) >> 12;
	return ~0ull;
}

static struct tcg_vm *tvm_get(struct vm *vm)
{
	struct tcg_vm *t = vm->tcg;
	if (t) {
		t->users++;
		return t;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->vm = vm;
	t->npages = vm->ram_size >> 12;
	t->page_gen = calloc(t->npages, sizeof(*t->page_gen));
	t->page_code = calloc(t->npages, 1);
	t->hash_size = HASH_SIZE;
	t->hash = calloc(t->hash_size, sizeof(*t->hash));
	t->arena_size = ARENA_START;
	t->arena = malloc(t->arena_size);
	if (!t->page_gen || !t->page_code || !t->hash || !t->arena) {
		free(t->page_gen);
		free(t->page_code);
		free(t->hash);
		free(t->arena);
		free(t);
		return NULL;
	}
	t->jit.disabled = true;
	if (!tcg_jit_off && vm->host->code_alloc) {
		uint8_t *code = vm->host->code_alloc(vm->host->opaque, CODE_START);
		if (code)
			tcg_jit_init(&t->jit, code, CODE_START);
	}
	t->users = 1;
	vm->tcg = t;
	return t;
}

static void tvm_put(struct tcg_vm *t)
{
	if (!t || --t->users)
		return;
	t->vm->tcg = NULL;
	tcg_fpu_forget_vm(t->vm);
	const struct vm_host *h = t->vm->host;
	if (t->jit.buf && h->code_free)
		h->code_free(h->opaque, t->jit.buf, t->jit.size);
	free(t->page_gen);
	free(t->page_code);
	free(t->hash);
	free(t->arena);
	free(t);
}

bool tcg_page_has_code(struct tcg_vm *t, uint64_t gpa)
{
	uint64_t k = page_index(t, gpa);
	return k < t->npages && t->page_code[k];
}

static void jc_flush(struct tcg_vcpu *tv) { memset(tv->jc, 0, sizeof(tv->jc)); }

static void for_each_cpu(struct tcg_vm *t, void (*fn)(struct tcg_vcpu *, uint64_t), uint64_t arg)
{
	for (unsigned k = 0; k < t->vm->nvcpus; k++) {
		struct tcg_cpu *o = tcg_cpu_of(&t->vm->vcpus[k]);
		if (o)
			fn((struct tcg_vcpu *)o, arg);
	}
}

void tcg_code_written(struct tcg_cpu *c, uint64_t gpa, unsigned n)
{
	struct tcg_vm *t = c->shared;
	for (uint64_t p = gpa & ~0xfffull; p < gpa + n; p += 4096) {
		uint64_t k = page_index(t, p);
		if (k >= t->npages || !t->page_code[k])
			continue;
		t->page_code[k] = 0;
		t->page_gen[k]++;
		t->invalidations++;
		tcg_tlb_code_page(t->vm, p, false);
		struct tcg_block *b = ((struct tcg_vcpu *)c)->cur;
		if (b && (b->gpa[0] == p || b->gpa[1] == p))
			c->end_block = true; /* the rest of this block may be stale */
	}
}

static void flush_cpu_jc(struct tcg_vcpu *tv, uint64_t unused) { jc_flush(tv); tv->cur = NULL; }

/* A full cache doubles, up to its maximum. Only between blocks: nothing
 * runs in the old code buffer when it goes. */
static void cache_grow(struct tcg_vm *t)
{
	const struct vm_host *h = t->vm->host;
	if (t->arena_size < ARENA_BYTES) {
		uint8_t *a = malloc(t->arena_size * 2);
		if (a) {
			free(t->arena);
			t->arena = a;
			t->arena_size *= 2;
		}
	}
	if (!t->jit.disabled && t->jit.size < CODE_BYTES && h->code_alloc && h->code_free) {
		size_t n = t->jit.size * 2;
		uint8_t *code = h->code_alloc(h->opaque, n), *old = t->jit.buf;
		size_t old_n = t->jit.size;
		if (code && tcg_jit_init(&t->jit, code, n))
			h->code_free(h->opaque, old, old_n);
		else if (code)
			h->code_free(h->opaque, code, n), tcg_jit_init(&t->jit, old, old_n);
	}
}

/* Out of arena: drop every block (QEMU does the same on a full buffer). */
static void cache_flush(struct tcg_vm *t)
{
	memset(t->hash, 0, t->hash_size * sizeof(*t->hash));
	t->arena_used = 0;
	tcg_jit_reset(&t->jit);
	t->flushes++;
	for_each_cpu(t, flush_cpu_jc, 0);
}

void tcg_vm_flush(struct vm *vm)
{
	if (vm->tcg)
		cache_flush(vm->tcg);
}

/* ---- blocks ---- */

/* Linear address of the instruction at c->rip. */
static uint64_t rip_lin(const struct tcg_cpu *c)
{
	uint64_t lin = c->seg[X86_SEG_CS].base + c->rip;
	return c->long_mode ? lin : lin & 0xffffffffu;
}


static void op_ud(struct tcg_cpu *c, const struct x86_insn *i) { tcg_raise_ud(c); }
static void op_gp(struct tcg_cpu *c, const struct x86_insn *i) { tcg_raise_gp0(c); }

/* Instructions after which straight-line decoding stops: control
 * transfers and state changes that a handler may make (it also sets
 * end_block then; this only saves decoding work). */
static bool ends_block(const struct x86_insn *x)
{
	if (x->flags & X86_F_REL)
		return true;
	if (x->map == X86_MAP_1B) {
		switch (x->opcode) {
		case 0xc2: case 0xc3: case 0xca: case 0xcb: case 0xcc: case 0xcd: case 0xce:
		case 0xcf: case 0xf1: case 0xf4: case 0x9a: case 0xea: case 0xfb: case 0x9d:
		case 0x8e: case 0x17: case 0x1f: case 0x07:
			return true;
		case 0xff:
			return (x->reg & 7) >= 2 && (x->reg & 7) <= 5;
		}
		return false;
	}
	if (x->map == X86_MAP_0F) {
		switch (x->opcode) {
		case 0x00: case 0x01: case 0x05: case 0x07: case 0x0b: case 0x22: case 0x30:
		case 0x34: case 0x35: case 0xa1: case 0xa9: case 0xb2:
			return true;
		}
	}
	return false;
}

static unsigned hash_of(uint64_t lin, uint64_t gpa, unsigned size)
{
	uint64_t h = (lin * 0x9e3779b97f4a7c15ull) ^ (gpa >> 2);
	return (unsigned)(h >> 40) & (size - 1);
}

/* A block is stale once one of its pages was written (tcg_code_written). */
static inline bool block_valid(struct tcg_vm *t, const struct tcg_block *b)
{
	(void)t;
	return *b->genp[0] == b->gen[0] && (!b->genp[1] || *b->genp[1] == b->gen[1]);
}

static void mark_code(struct tcg_cpu *c, struct tcg_block *b, int k)
{
	struct tcg_vm *t = c->shared;
	uint64_t p = page_index(t, b->gpa[k]);
	if (p >= t->npages) {
		static const uint32_t never = 1; /* gen 0 != 1: never valid */
		b->genp[k] = &never;
		return;
	}
	b->gen[k] = t->page_gen[p];
	b->genp[k] = &t->page_gen[p];
	if (!t->page_code[p]) {
		t->page_code[p] = 1;
		tcg_tlb_code_page(t->vm, b->gpa[k], true);
	}
}

static struct tcg_block *decode_block(struct tcg_cpu *c, uint64_t lin, uint64_t gpa,
				      const uint8_t *host)
{
	struct tcg_vm *t = c->shared;
	size_t need = sizeof(struct tcg_block) + TCG_BLOCK_MAX * sizeof(struct tcg_insn);
	if (t->arena_used + need > t->arena_size ||
	    (!t->jit.disabled && t->jit.used + TCG_JIT_BLOCK_MAX > t->jit.size)) {
		cache_grow(t);
		cache_flush(t);
	}
	struct tcg_block *b = (struct tcg_block *)(t->arena + t->arena_used);
	*b = (struct tcg_block){.lin = lin, .gpa = {gpa & ~0xfffull, ~0ull}, .mode = c->code_bits,
				.cs_base = c->seg[X86_SEG_CS].base, .cpl = c->cpl};

	enum x86_mode mode = (enum x86_mode)c->code_bits;
	uint64_t off = 0, rip = c->rip;
	const struct tcg_seg *cs = &c->seg[X86_SEG_CS];
	for (unsigned k = 0; k < TCG_BLOCK_MAX; k++) {
		uint64_t l = lin + off;
		unsigned room = 4096 - (unsigned)(l & 0xfff);
		if (k && (l & ~0xfffull) != (lin & ~0xfffull))
			break; /* the next instruction starts on another page */
		struct tcg_insn *in = &b->insn[k];
		const uint8_t *p = host + off;
		uint8_t buf[X86_MAX_INSN_LEN];
		int r = x86_decode(p, room < X86_MAX_INSN_LEN ? room : X86_MAX_INSN_LEN, mode, &in->x);
		if (r == -X86_EAGAIN && room < X86_MAX_INSN_LEN) {
			if (k)
				break; /* decode it as the first of its own block */
			uint64_t gpa2;
			const uint8_t *h2 = tcg_fetch_ptr(c, (l & ~0xfffull) + 4096, &gpa2);
			if (!h2)
				tcg_internal_error(c, "executing outside RAM");
			memcpy(buf, p, room);
			memcpy(buf + room, h2, X86_MAX_INSN_LEN - room);
			r = x86_decode(buf, X86_MAX_INSN_LEN, mode, &in->x);
			if (!r && in->x.length > room)
				b->gpa[1] = gpa2 & ~0xfffull;
		}
		if (r) {
			if (k)
				break;
			in->x = (struct x86_insn){.length = 1, .mode = (uint8_t)mode};
			in->fn = r == -X86_ETOOLONG ? op_gp : op_ud;
			b->ninsn = 1;
			break;
		}
		/* the CS limit (not checked in 64-bit mode) */
		if (c->code_bits != 64 && rip + off + in->x.length - 1 > cs->limit) {
			if (k)
				break;
			in->fn = op_gp;
			b->ninsn = 1;
			break;
		}
		in->fn = tcg_lookup(&in->x);
		if (!in->fn)
			in->fn = op_ud;
		b->ninsn = (uint16_t)(k + 1);
		off += in->x.length;
		if (ends_block(&in->x) || b->gpa[1] != ~0ull)
			break;
	}
	mark_code(c, b, 0);
	if (b->gpa[1] != ~0ull)
		mark_code(c, b, 1);
	t->arena_used += (sizeof(struct tcg_block) + b->ninsn * sizeof(struct tcg_insn) + 15) & ~15ull;
	b->code = tcg_jit_block(&t->jit, b, b->cs_base);
	unsigned h = hash_of(lin, b->gpa[0], t->hash_size);
	b->hnext = t->hash[h];
	t->hash[h] = b;
	t->blocks++;
	return b;
}

/* The exec-TLB entry for lin when it is a hit on RAM, else NULL. */
static const struct tcg_tlb_entry *exec_hit(const struct tcg_cpu *c, uint64_t lin)
{
	const struct tcg_tlb_entry *te = &c->tlb[c->cpl == 3][(lin >> 12) & (TCG_TLB_SIZE - 1)];
	return te->tag_exec == (lin & ~0xfffull) && te->addend ? te : NULL;
}

/* Is b the block for lin (in guest page `page`) in c's current mode? */
static bool block_is(const struct tcg_block *b, const struct tcg_cpu *c, uint64_t lin, uint64_t page)
{
	return b->lin == lin && b->gpa[0] == page && b->mode == c->code_bits && b->cpl == c->cpl &&
	       b->cs_base == c->seg[X86_SEG_CS].base;
}

static unsigned jc_index(uint64_t lin) { return (unsigned)(lin >> 1) & (TCG_JC_SIZE - 1); }

static struct tcg_block *find_block(struct tcg_vcpu *tv)
{
	struct tcg_cpu *c = &tv->cpu;
	struct tcg_vm *t = c->shared;
	uint64_t lin = rip_lin(c);
	uint64_t gpa;
	const uint8_t *host;
	const struct tcg_tlb_entry *te = exec_hit(c, lin); /* the common case */
	if (te) {
		gpa = te->gpa | (lin & 0xfff);
		host = (const uint8_t *)(uintptr_t)(lin + te->addend);
	} else {
		host = tcg_fetch_ptr(c, lin, &gpa);
		if (!host)
			tcg_internal_error(c, "executing outside RAM");
	}
	uint64_t page = gpa & ~0xfffull;
	unsigned j = jc_index(lin);
	struct tcg_block *b = tv->jc[j];
	if (b && block_is(b, c, lin, page) && block_valid(t, b))
		return b;
	unsigned h = hash_of(lin, page, t->hash_size);
	/* the key first: it shares a cache line with the chain link, while
	 * the generation check reads elsewhere */
	for (struct tcg_block **pp = &t->hash[h]; (b = *pp);) {
		if (!block_is(b, c, lin, page)) {
			pp = &b->hnext;
			continue;
		}
		if (block_valid(t, b))
			break;
		*pp = b->hnext; /* stale: unlink */
	}
	if (!b)
		b = decode_block(c, lin, gpa, host);
	tv->jc[j] = b;
	return b;
}

/* ---- the dispatch loop ---- */

/* From generated code, after a branch whose target was not known when it
 * was translated (RET, indirect jumps, handler branches): the next
 * block's code if the per-vCPU cache has it and nothing asks for the
 * dispatcher, else the exit. Spends the same budget as chained jumps. */
void *tcg_jit_next(struct tcg_cpu *c)
{
	struct tcg_vcpu *tv = (struct tcg_vcpu *)c;
	const struct tcg_jit *j = &c->shared->jit;
	if (--c->chain_budget < 0 || c->shadow || (c->rflags & TCG_TF))
		return j->exit;
	uint64_t lin = rip_lin(c);
	const struct tcg_tlb_entry *te = exec_hit(c, lin);
	struct tcg_block *b = tv->jc[jc_index(lin)];
	if (!te || !b || !b->code || !block_is(b, c, lin, te->gpa) || !block_valid(c->shared, b))
		return j->exit;
	tv->cur = b;
	return b->code;
}

void (*tcg_trace_hook)(struct tcg_cpu *c, uint64_t lin);

static bool window_open(const struct tcg_cpu *c)
{
	return (c->rflags & TCG_IF) && !c->shadow && !c->event_pending;
}

static void deliver_pending(struct tcg_cpu *c)
{
	if (!c->event_pending)
		return;
	c->event_pending = false;
	static const enum tcg_ev_kind kinds[] = {TCG_EV_EXTINT, TCG_EV_NMI, TCG_EV_EXCEPTION};
	c->next_rip = c->rip;
	tcg_deliver(c, c->ev_vector, kinds[c->ev_kind], c->ev_has_err, c->ev_err);
}

bool tcg_jit_off;

/* The interpreter: runs b's handlers in turn. Inside an interrupt shadow
 * it runs one instruction only, so the shadow ends where it should. */
/* Runs one instruction; true if it fell through to the next one. */
static bool step(struct tcg_cpu *c, const struct tcg_insn *in)
{
	uint64_t fall = c->rip + in->x.length;
	c->next_rip = fall & tcg_bits_mask(c->code_bits);
	in->fn(c, &in->x);
	c->rip = c->next_rip;
	c->insns++;
	if (c->shadow)
		c->shadow--;
	return c->rip == fall;
}

static void interpret(struct tcg_cpu *c, const struct tcg_block *b)
{
	for (const struct tcg_insn *in = b->insn; in < b->insn + b->ninsn; in++) {
		bool in_shadow = c->shadow != 0;
		if (!step(c, in) || c->end_block || in_shadow)
			break;
	}
}

/* RFLAGS.TF: one instruction, then a #DB trap with DR6.BS (SDM Vol. 3B
 * §17.3.1.4). TF counts as it was before the instruction, so the one
 * after a POPF that sets it is the first to trap. */
static void single_step(struct tcg_cpu *c, const struct tcg_block *b)
{
	step(c, b->insn);
	if (c->halted || c->shutdown)
		return;
	c->dr[6] |= 0x4000;
	tcg_deliver(c, TCG_DB, TCG_EV_EXCEPTION, false, 0);
}

/* Runs blocks until something needs the engine; returns the exit reason. */
static enum vcpu_exit_reason exec_loop(struct tcg_vcpu *tv)
{
	struct tcg_cpu *c = &tv->cpu;
	struct vm *vm = c->vm;
	uint64_t now = vm_clock_ns(vm), deadline = now + SLICE_NS;
	uint64_t next = timerq_next_deadline(&vm->timerq);
	if (next < deadline)
		deadline = next;

	deliver_pending(c);
	if (c->shutdown)
		return VCPU_EXIT_SHUTDOWN;
	struct tcg_block *prev = NULL;
	c->chain_slot = NULL;
	for (unsigned n = 0;; n++) {
		if (c->want_irq_window && window_open(c)) {
			c->want_irq_window = false;
			return VCPU_EXIT_IRQ_WINDOW;
		}
		uint64_t flushes = c->shared->flushes;
		struct tcg_block *b = find_block(tv);
		if (c->shared->flushes != flushes)
			prev = NULL; /* it and the chain slot went with the caches */
		if (tcg_trace_hook)
			tcg_trace_hook(c, b->lin);
		/* the previous block asked to be chained to this one */
		if (c->chain_slot && prev && b->code && !tcg_trace_hook && b->mode == prev->mode &&
		    b->cpl == prev->cpl && b->cs_base == prev->cs_base &&
		    (b->lin & ~0xfffull) == (prev->lin & ~0xfffull) && b->gpa[0] == prev->gpa[0])
			tcg_jit_chain(c->chain_slot, b->code);
		c->chain_slot = NULL;
		tv->cur = b;
		b->execs++;
		prev = NULL;
		if (b->code && !c->shadow && !(c->rflags & TCG_TF)) {
			c->chain_budget = CHAIN_BUDGET;
			tcg_jit_enter(&c->shared->jit, c, b->code);
			prev = b;
			if (c->shadow) /* set by the block's last instruction */
				c->shadow--;
		} else if (c->rflags & TCG_TF) {
			single_step(c, b);
		} else {
			interpret(c, b);
		}
		tv->cur = NULL;
		c->end_block = false;
		if (c->shutdown)
			return VCPU_EXIT_SHUTDOWN;
		if (c->halted) {
			c->halted = false;
			return VCPU_EXIT_HLT;
		}
		if (c->io_done) {
			/* After port I/O keep going unless the engine has something
			 * to do: an interrupt for this vCPU, or the VM stopped. MMIO
			 * may be an IPI to another vCPU: let the run loop see it. */
			c->io_done = false;
			if (c->io_mmio || vm->state != VM_RUNNING ||
			    (vm->irq && vm->irq->pending && vm->irq->pending(c->vcpu))) {
				c->io_mmio = false;
				return VCPU_EXIT_NONE;
			}
		}
		if (__atomic_load_n(&tv->kicked, __ATOMIC_RELAXED)) {
			__atomic_store_n(&tv->kicked, false, __ATOMIC_RELAXED);
			return VCPU_EXIT_NONE;
		}
		if (!(n & 255) && vm_clock_ns(vm) >= deadline)
			return VCPU_EXIT_NONE;
	}
}

static void fill_error(struct tcg_cpu *c, struct vcpu_exit *e, const char *why)
{
	memset(&e->error, 0, sizeof(e->error));
	strncpy(e->error.why, why, sizeof(e->error.why) - 1);
	uint64_t lin = c->seg[X86_SEG_CS].base + c->rip;
	e->error.rip = lin;
	/* the bytes there, if they can be read without faulting */
	tcg_jmpbuf jb;
	void **saved = c->jb;
	c->jb = jb;
	if (!tcg_setjmp(jb)) {
		for (unsigned k = 0; k < 16; k++) {
			e->error.bytes[k] = (uint8_t)tcg_ld_sys(c, lin + k, 1);
			e->error.nbytes = (uint8_t)(k + 1);
		}
	}
	c->jb = saved;
}

int tcg_vcpu_run(struct vcpu *v, struct vcpu_exit *exit)
{
	struct tcg_vcpu *tv = v->backend;
	struct tcg_cpu *c = &tv->cpu;
	tcg_jmpbuf jb;

	exit->reason = VCPU_EXIT_NONE;
	c->trapped_vector = -1;
	for (;;) {
		c->jb = jb;
		if (!tcg_setjmp(jb)) {
			exit->reason = exec_loop(tv);
			if (exit->reason == VCPU_EXIT_SHUTDOWN)
				fill_error(c, exit, c->shutdown_why);
			c->jb = NULL;
			return 0;
		}
		/* An instruction faulted (c->rip is still at it), or the
		 * translator gave up. */
		tv->cur = NULL;
		c->end_block = false;
		c->halted = false;
		if (c->raised_vec < 0) {
			exit->reason = VCPU_EXIT_INTERNAL_ERROR;
			fill_error(c, exit, c->internal_why ? c->internal_why : "translator error");
			c->jb = NULL;
			return 0;
		}
		if (c->trap_exceptions) {
			c->trapped_vector = c->raised_vec;
			c->trapped_error = c->raised_err;
			c->jb = NULL;
			return 0;
		}
		c->next_rip = c->rip;
		c->jb = jb;
		if (!tcg_deliver(c, c->raised_vec, TCG_EV_EXCEPTION, false, c->raised_err)) {
			exit->reason = VCPU_EXIT_SHUTDOWN;
			fill_error(c, exit, c->shutdown_why);
			c->shutdown = false;
			c->jb = NULL;
			return 0;
		}
		/* Back to the run loop after each exception, so a guest that
		 * faults in a loop still lets timers and the console run. */
		c->io_done = false;
		c->jb = NULL;
		return 0;
	}
}

void *tcg_code_alloc(struct tcg_cpu *c, size_t bytes)
{
	const struct vm_host *h = c->vm ? c->vm->host : NULL;
	if (!h || !h->code_alloc)
		return NULL;
	return h->code_alloc(h->opaque, bytes);
}

/* ---- vCPU life cycle ---- */

int tcg_vcpu_attach(struct vcpu *v)
{
	struct tcg_vcpu *tv = malloc(sizeof(*tv)); /* 16-byte aligned, as FXSAVE needs */
	if (!tv)
		return -12; /* ENOMEM */
	memset(tv, 0, sizeof(*tv));
	tv->cpu.vcpu = v;
	tv->cpu.vm = v->vm;
	tv->cpu.shared = tvm_get(v->vm);
	if (!tv->cpu.shared) {
		free(tv);
		return -12;
	}
	v->backend = tv;
	return 0;
}

void tcg_vcpu_detach(struct vcpu *v)
{
	struct tcg_vcpu *tv = v->backend;
	if (!tv)
		return;
	tvm_put(tv->cpu.shared);
	free(tv);
	v->backend = NULL;
}

struct tcg_cpu *tcg_cpu_of(struct vcpu *v)
{
	extern const struct vcpu_ops tcg_vcpu_ops;
	return v && v->ops == &tcg_vcpu_ops && v->backend ? &((struct tcg_vcpu *)v->backend)->cpu : NULL;
}

void tcg_vcpu_kick(struct vcpu *v)
{
	struct tcg_vcpu *tv = v->backend;
	__atomic_store_n(&tv->kicked, true, __ATOMIC_RELAXED);
}

void tcg_vcpu_stats(struct vcpu *v, struct tcg_stats *s)
{
	struct tcg_vcpu *tv = v->backend;
	struct tcg_vm *t = tv->cpu.shared;
	*s = (struct tcg_stats){.insns = tv->cpu.insns, .blocks = t->blocks, .flushes = t->flushes,
				.invalidations = t->invalidations, .arena_used = t->arena_used,
				.code_used = t->jit.used,
				.arena_size = t->arena_size, .code_size = t->jit.size};
}
