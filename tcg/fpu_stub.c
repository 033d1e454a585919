/*
 * tcg/fpu_stub.c - host stubs for the x87/MMX/SSE passthrough: a cache of
 * one-instruction host routines ("<insn>; ret") keyed by their bytes, and
 * the trampolines that run one on the guest's FXSAVE image or, for SSE
 * instructions without x87/MMX operands, on just three XMM registers.
 *
 * The stubs live in code memory from tcg_code_alloc(), which belongs to a
 * VM, so the table key is (VM, bytes). The table is global: lookups are
 * lock-free (an entry is written once, then published by a release store
 * of its stub pointer, and never changes afterwards except that
 * tcg_fpu_forget_vm() retires it); inserts take a spinlock. When the table
 * is nearly full, a per-VM scratch stub is rewritten and run under the lock.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tcg/fpu.h"

#define STUB_SLOT 16      /* bytes per stub: at most 10 + ret */
#define TAB_SIZE 8192     /* entries, a power of two */
#define TAB_MAX (TAB_SIZE - TAB_SIZE / 8) /* keep probe chains short */
#define CHUNK 4096        /* code memory asked for at a time */
#define NVMC 8            /* VMs with an open code chunk */
#define TOMB ((const struct vm *)1) /* owner of a retired entry */

struct stub_ent {
	const struct vm *vm;
	uint64_t k0, k1;
	void *stub; /* NULL: free; written last, with release */
};

/* Where a VM's next stub goes, and its scratch stub. */
struct vm_code {
	const struct vm *vm;
	uint8_t *next;
	size_t left;
	uint8_t *scratch;
};

static struct stub_ent tab[TAB_SIZE];
static unsigned tab_used;
static struct vm_code vmc[NVMC];
static unsigned vmc_victim;
static int tab_lock;

static void lock(void)
{
	while (__atomic_exchange_n(&tab_lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&tab_lock, __ATOMIC_RELAXED))
			__asm__ volatile("pause");
}

static void unlock(void)
{
	__atomic_store_n(&tab_lock, 0, __ATOMIC_RELEASE);
}

/*
 * The trampolines (System V ABI), tramp(stub, state, mem, g). They set
 * rax rcx rdx from g and rdi = mem, call the stub, and store rax rcx rdx
 * and RFLAGS into g. The stub only touches rax rcx rdx rdi, flags, x87/SSE
 * registers and [rdi]; rsi survives it.
 *
 * tcg_fpu_tramp: state is the 512-byte FXSAVE image. It also sets the
 * arithmetic flags from g (FCMOVcc reads them). The host's x87/SSE state
 * is not saved whole: at a call the System V ABI has the x87 stack empty,
 * MMX unused and XMM0-15 caller-saved; only FCW and MXCSR (control bits,
 * callee-saved) are kept. The image build (-mgeneral-regs-only) keeps
 * nothing in these registers at all. Afterwards: FNCLEX if the guest left
 * a pending exception (FSW.ES) or a flag the host's FCW would unmask (so
 * no host x87 instruction ever faults for it), EMMS (all tags empty: the
 * stack is empty again, TOP does not matter), FLDCW and LDMXCSR of the
 * host's. FXSAVE64/FXRSTOR64, FNSTCW and FNCLEX do not wait for pending
 * x87 exceptions (SDM Vol. 2), EMMS and FLDCW come after FNCLEX.
 *
 * tcg_fpu_tramp_xmm: state is a struct tcg_fpu_xmm: xmm0-2 and MXCSR are
 * loaded from it and stored back; the host's MXCSR is restored. Input
 * flags are not loaded. MXCSR is left alone when state's is 0 (never a
 * value to run with: the masks are set): STMXCSR is what costs most here.
 * Otherwise it is loaded only when it is to change (usually the guest's
 * and the host's are both 0x1f80, and many instructions raise no flag).
 */
void tcg_fpu_tramp(const void *stub, void *img, void *mem, struct tcg_fpu_gpr *g)
	__attribute__((visibility("hidden")));
void tcg_fpu_tramp_xmm(const void *stub, void *x, void *mem, struct tcg_fpu_gpr *g)
	__attribute__((visibility("hidden")));
__asm__(".text\n"
	".globl tcg_fpu_tramp\n"
	".hidden tcg_fpu_tramp\n"
	".type tcg_fpu_tramp, @function\n"
	"tcg_fpu_tramp:\n\t"
	"pushq %rbx\n\t"
	"subq $16, %rsp\n\t"
	"fnstcw (%rsp)\n\t"
	"stmxcsr 4(%rsp)\n\t"
	"fxrstor64 (%rsi)\n\t"
	"movq %rdi, %r11\n\t"
	"movq %rdx, %rdi\n\t"
	"movq %rcx, %rbx\n\t"
	"pushfq\n\t"
	"popq %rax\n\t"
	"andq $~0x8d5, %rax\n\t"
	"movq 24(%rbx), %rcx\n\t"
	"andq $0x8d5, %rcx\n\t"
	"orq %rcx, %rax\n\t"
	"pushq %rax\n\t"
	"popfq\n\t"
	"movq 0(%rbx), %rax\n\t"
	"movq 8(%rbx), %rcx\n\t"
	"movq 16(%rbx), %rdx\n\t"
	"call *%r11\n\t"
	"movq %rax, 0(%rbx)\n\t"
	"movq %rcx, 8(%rbx)\n\t"
	"movq %rdx, 16(%rbx)\n\t"
	"pushfq\n\t"
	"popq 24(%rbx)\n\t"
	"fxsave64 (%rsi)\n\t"
	"movzwl 2(%rsi), %eax\n\t"   /* the guest's FSW */
	"testb $0x80, %al\n\t"       /* ES */
	"jnz 1f\n\t"
	"movzwl (%rsp), %ecx\n\t"
	"notl %ecx\n\t"
	"andl %ecx, %eax\n\t"
	"testb $0x3f, %al\n\t"       /* flags unmasked by the host's FCW */
	"jz 2f\n"
	"1:\n\t"
	"fnclex\n"
	"2:\n\t"
	"emms\n\t"
	"fldcw (%rsp)\n\t"
	"ldmxcsr 4(%rsp)\n\t"
	"addq $16, %rsp\n\t"
	"popq %rbx\n\t"
	"ret\n\t"
	".size tcg_fpu_tramp, . - tcg_fpu_tramp\n\t"
	".globl tcg_fpu_tramp_xmm\n"
	".hidden tcg_fpu_tramp_xmm\n"
	".type tcg_fpu_tramp_xmm, @function\n"
	"tcg_fpu_tramp_xmm:\n\t"
	"pushq %rbx\n\t"
	"subq $16, %rsp\n\t"
	"movl 48(%rsi), %eax\n\t"
	"testl %eax, %eax\n\t"
	"jz 1f\n\t"                  /* MXCSR unused */
	"stmxcsr (%rsp)\n\t"
	"cmpl (%rsp), %eax\n\t"
	"je 1f\n\t"
	"ldmxcsr 48(%rsi)\n"
	"1:\n\t"
	"movdqu 0(%rsi), %xmm0\n\t"
	"movdqu 16(%rsi), %xmm1\n\t"
	"movdqu 32(%rsi), %xmm2\n\t"
	"movq %rdi, %r11\n\t"
	"movq %rdx, %rdi\n\t"
	"movq %rcx, %rbx\n\t"
	"movq 0(%rbx), %rax\n\t"
	"movq 8(%rbx), %rcx\n\t"
	"movq 16(%rbx), %rdx\n\t"
	"call *%r11\n\t"
	"movq %rax, 0(%rbx)\n\t"
	"movq %rcx, 8(%rbx)\n\t"
	"movq %rdx, 16(%rbx)\n\t"
	"pushfq\n\t"
	"popq 24(%rbx)\n\t"
	"movdqu %xmm0, 0(%rsi)\n\t"
	"movdqu %xmm1, 16(%rsi)\n\t"
	"movdqu %xmm2, 32(%rsi)\n\t"
	"cmpl $0, 48(%rsi)\n\t"
	"je 2f\n\t"
	"stmxcsr 48(%rsi)\n\t"
	"movl 48(%rsi), %eax\n\t"
	"cmpl (%rsp), %eax\n\t"
	"je 2f\n\t"
	"ldmxcsr (%rsp)\n"
	"2:\n\t"
	"addq $16, %rsp\n\t"
	"popq %rbx\n\t"
	"ret\n\t"
	".size tcg_fpu_tramp_xmm, . - tcg_fpu_tramp_xmm\n");

typedef void (*tramp_fn)(const void *stub, void *st, void *mem, struct tcg_fpu_gpr *g);

_Static_assert(offsetof(struct tcg_fpu_xmm, mxcsr) == 48, "tcg_fpu_tramp_xmm layout");
_Static_assert(offsetof(struct tcg_fpu_gpr, flags) == 24, "tcg_fpu_tramp layout");

static unsigned hash(const struct vm *vm, uint64_t k0, uint64_t k1)
{
	uint64_t h = k0 * 0x9e3779b97f4a7c15ull;

	h ^= (k1 + (uintptr_t)vm) * 0xc2b2ae3d27d4eb4full;
	return (unsigned)(h >> 40) & (TAB_SIZE - 1);
}

static void *lookup(const struct vm *vm, uint64_t k0, uint64_t k1, unsigned h)
{
	for (unsigned n = 0; n < TAB_SIZE; n++) {
		struct stub_ent *e = &tab[(h + n) & (TAB_SIZE - 1)];
		void *s = __atomic_load_n(&e->stub, __ATOMIC_ACQUIRE);

		if (!s)
			return NULL;
		if (__atomic_load_n(&e->vm, __ATOMIC_RELAXED) == vm && e->k0 == k0 && e->k1 == k1)
			return s;
	}
	return NULL;
}

/* The VM's code cursor (under the lock); a new one may evict another's,
 * which only wastes the rest of that chunk. */
static struct vm_code *vm_code(const struct vm *vm)
{
	struct vm_code *v;

	for (unsigned n = 0; n < NVMC; n++)
		if (vmc[n].vm == vm && vmc[n].scratch)
			return &vmc[n];
	v = &vmc[vmc_victim++ % NVMC];
	*v = (struct vm_code){.vm = vm};
	return v;
}

/* STUB_SLOT bytes of code memory for vm, or NULL (under the lock). */
static uint8_t *slot(struct tcg_cpu *c, struct vm_code *v)
{
	uint8_t *p;

	if (v->left < STUB_SLOT) {
		v->next = tcg_code_alloc(c, CHUNK);
		v->left = v->next ? CHUNK : 0;
		if (!v->next)
			return NULL;
	}
	p = v->next;
	v->next += STUB_SLOT;
	v->left -= STUB_SLOT;
	return p;
}

static void write_stub(uint8_t *p, const struct tcg_fpu_enc *e)
{
	memcpy(p, e->b, e->len);
	p[e->len] = 0xc3; /* ret */
}

static void exec(struct tcg_cpu *c, const struct tcg_fpu_enc *e, tramp_fn tramp, void *st,
		 void *mem, struct tcg_fpu_gpr *g)
{
	const struct vm *vm = c->vm;
	uint64_t k0, k1;
	unsigned h;
	void *s;
	struct vm_code *v;
	struct stub_ent *ent;

	/* one word at a time: encode() has just stored them so, and a wider
	 * load of both would not be forwarded from those stores */
	k0 = __atomic_load_n(&e->k[0], __ATOMIC_RELAXED);
	k1 = __atomic_load_n(&e->k[1], __ATOMIC_RELAXED);
	h = hash(vm, k0, k1);
	s = lookup(vm, k0, k1, h);
	if (s) {
		tramp(s, st, mem, g);
		return;
	}
	lock();
	s = lookup(vm, k0, k1, h);
	if (s) {
		unlock();
		tramp(s, st, mem, g);
		return;
	}
	v = vm_code(vm);
	if (!v->scratch)
		v->scratch = slot(c, v);
	if (!v->scratch)
		goto nomem;
	if (tab_used >= TAB_MAX) {
		/* full: run the scratch stub, still under the lock */
		write_stub(v->scratch, e);
		tramp(v->scratch, st, mem, g);
		unlock();
		return;
	}
	s = slot(c, v);
	if (!s)
		goto nomem;
	write_stub(s, e);
	for (ent = &tab[h]; ent->stub; ent = &tab[(ent - tab + 1) & (TAB_SIZE - 1)])
		;
	ent->vm = vm;
	ent->k0 = k0;
	ent->k1 = k1;
	__atomic_store_n(&ent->stub, s, __ATOMIC_RELEASE);
	tab_used++;
	unlock();
	tramp(s, st, mem, g);
	return;
nomem:
	unlock();
	tcg_raise_ud(c); /* no code memory: nothing can run the instruction */
}

void tcg_fpu_exec(struct tcg_cpu *c, const struct tcg_fpu_enc *e, uint8_t *img, void *mem,
		  struct tcg_fpu_gpr *g)
{
	exec(c, e, tcg_fpu_tramp, img, mem, g);
}

void tcg_fpu_exec_xmm(struct tcg_cpu *c, const struct tcg_fpu_enc *e, struct tcg_fpu_xmm *x,
		      void *mem, struct tcg_fpu_gpr *g)
{
	exec(c, e, tcg_fpu_tramp_xmm, x, mem, g);
}

void tcg_fpu_forget_vm(const struct vm *vm)
{
	lock();
	for (unsigned n = 0; n < TAB_SIZE; n++)
		if (tab[n].stub && tab[n].vm == vm)
			__atomic_store_n(&tab[n].vm, TOMB, __ATOMIC_RELAXED);
	for (unsigned n = 0; n < NVMC; n++)
		if (vmc[n].vm == vm)
			vmc[n] = (struct vm_code){0};
	unlock();
}

/* ---- host features ---- */

static void host_cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

void tcg_fpu_cpuid(uint32_t *ecx1, uint32_t *edx1)
{
	static uint32_t ecx, edx; /* edx has FPU once known: x86-64 hosts have it */

	if (!__atomic_load_n(&edx, __ATOMIC_ACQUIRE)) {
		uint32_t r[4];

		host_cpuid(1, r);
		__atomic_store_n(&ecx, r[2] & (1u << 0 | 1u << 9 | 1u << 19 | 1u << 20),
				 __ATOMIC_RELAXED);
		__atomic_store_n(&edx, r[3] & (1u << 0 | 1u << 23 | 1u << 24 | 1u << 25 | 1u << 26),
				 __ATOMIC_RELEASE);
	}
	*ecx1 = __atomic_load_n(&ecx, __ATOMIC_RELAXED);
	*edx1 = edx;
}

/* The host's MXCSR_MASK (0 in the image means 0xffbf, SDM Vol. 1
 * §11.6.6) limited to the architectural bits 15:0: AMD's MM (bit 17,
 * misaligned SSE) is not offered to guests. */
uint32_t tcg_fpu_mxcsr_mask(void)
{
	static uint32_t mask;
	uint32_t m = __atomic_load_n(&mask, __ATOMIC_RELAXED);

	if (!m) {
		uint8_t buf[512] __attribute__((aligned(16)));

		__asm__ volatile("fxsave64 %0" : "=m"(buf));
		memcpy(&m, buf + TCG_FX_MXCSR_MASK, 4);
		if (!m)
			m = 0xffbf;
		m &= 0xffff;
		__atomic_store_n(&mask, m, __ATOMIC_RELAXED);
	}
	return m;
}
