/*
 * Unit tests for tcg/fpu.c and tcg/fpu_stub.c (x87/MMX/SSE passthrough).
 * The core (tcg/mmu.c, excp.c, ...) is replaced by stand-ins: guest
 * memory is 1 MiB mapped at a fixed host address, linear address == host
 * address, so the same register values work for the emulated instruction
 * and for the same bytes run natively. Each instruction of the table runs
 * both ways from random states and the results (GPRs, flags, FXSAVE image
 * without FIP/FDP/FOP, memory) must match; directed tests cover faults
 * (#GP alignment, #NM, #UD, #XM, #MF, #PF) and FXSAVE/FXRSTOR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "tcg/cpu.h"
#include "tcg/fpu.h"

#define BASE 0x10000000ull
#define MEMSZ 0x100000ull
#define DATA (BASE + 0x1000)
#define DATASZ 0x1000
#define RO (BASE + 0x8000) /* stores here page-fault */
#define CODE (BASE + 0xf0000)

static uint8_t *mem;
static struct tcg_cpu cpu;
static unsigned code_allocs;

/* ---- stand-ins for the core ---- */

_Noreturn void tcg_raise(struct tcg_cpu *c, int vec, uint32_t err)
{
	c->trapped_vector = vec;
	c->trapped_error = err;
	tcg_longjmp(c->jb);
}

void *tcg_code_alloc(struct tcg_cpu *c, size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	__atomic_fetch_add(&code_allocs, 1, __ATOMIC_RELAXED);
	return p == MAP_FAILED ? NULL : p;
}

uint64_t tcg_ea(struct tcg_cpu *c, const struct x86_insn *i)
{
	return x86_insn_ea(i, c->gpr, c->rip + i->length);
}

unsigned tcg_ea_seg(const struct x86_insn *i)
{
	return x86_insn_seg(i);
}

uint64_t tcg_seg_lin(struct tcg_cpu *c, unsigned seg, uint64_t off, unsigned size, enum tcg_access a)
{
	return off;
}

static void range(struct tcg_cpu *c, uint64_t lin, size_t n, bool w)
{
	if (lin < BASE || lin + n > BASE + MEMSZ || (w && lin + n > RO && lin < RO + 0x1000)) {
		c->cr2 = lin;
		tcg_raise(c, TCG_PF, w ? TCG_PFEC_W : 0);
	}
}

void tcg_ld_lin_buf(struct tcg_cpu *c, uint64_t lin, void *buf, size_t n)
{
	range(c, lin, n, false);
	memcpy(buf, (void *)lin, n);
}

void tcg_st_lin_buf(struct tcg_cpu *c, uint64_t lin, const void *buf, size_t n)
{
	range(c, lin, n, true);
	memcpy((void *)lin, buf, n);
}

uint64_t tcg_flags(struct tcg_cpu *c)
{
	return c->rflags;
}

void tcg_flags_set(struct tcg_cpu *c, uint64_t f)
{
	c->rflags = f | 2;
}

/* ---- native runs ---- */

struct nstate {
	uint64_t gpr[16];
	uint64_t flags;
	uint64_t pad;
	uint8_t fx[512] __attribute__((aligned(16)));
	uint8_t host[512] __attribute__((aligned(16)));
};
_Static_assert(offsetof(struct nstate, flags) == 128, "layout");
_Static_assert(offsetof(struct nstate, fx) == 144, "layout");
_Static_assert(offsetof(struct nstate, host) == 656, "layout");

/* native_run(s, code): loads every GPR but rsp, RFLAGS and the FXSAVE
 * image from s, calls code, stores them back. */
void native_run(struct nstate *s, void *code);
__asm__(".text\n.globl native_run\nnative_run:\n\t"
	"push %rbp\n\tpush %rbx\n\tpush %r12\n\tpush %r13\n\tpush %r14\n\tpush %r15\n\t"
	"push %rsi\n\tpush %rdi\n\t"
	"fxsave64 656(%rdi)\n\tfxrstor64 144(%rdi)\n\t"
	"pushq 128(%rdi)\n\tpopfq\n\t"
	"mov 0(%rdi),%rax\n\tmov 8(%rdi),%rcx\n\tmov 16(%rdi),%rdx\n\tmov 24(%rdi),%rbx\n\t"
	"mov 40(%rdi),%rbp\n\tmov 48(%rdi),%rsi\n\tmov 64(%rdi),%r8\n\tmov 72(%rdi),%r9\n\t"
	"mov 80(%rdi),%r10\n\tmov 88(%rdi),%r11\n\tmov 96(%rdi),%r12\n\tmov 104(%rdi),%r13\n\t"
	"mov 112(%rdi),%r14\n\tmov 120(%rdi),%r15\n\tmov 56(%rdi),%rdi\n\t"
	"call *8(%rsp)\n\t"
	"push %rdi\n\tmov 8(%rsp),%rdi\n\tpopq 56(%rdi)\n\t"
	"mov %rax,0(%rdi)\n\tmov %rcx,8(%rdi)\n\tmov %rdx,16(%rdi)\n\tmov %rbx,24(%rdi)\n\t"
	"mov %rbp,40(%rdi)\n\tmov %rsi,48(%rdi)\n\tmov %r8,64(%rdi)\n\tmov %r9,72(%rdi)\n\t"
	"mov %r10,80(%rdi)\n\tmov %r11,88(%rdi)\n\tmov %r12,96(%rdi)\n\tmov %r13,104(%rdi)\n\t"
	"mov %r14,112(%rdi)\n\tmov %r15,120(%rdi)\n\t"
	"pushfq\n\tpopq 128(%rdi)\n\t"
	"fxsave64 144(%rdi)\n\tfxrstor64 656(%rdi)\n\t"
	"pop %rdi\n\tpop %rsi\n\t"
	"pop %r15\n\tpop %r14\n\tpop %r13\n\tpop %r12\n\tpop %rbx\n\tpop %rbp\n\tret\n");

static void native(const uint8_t *b, unsigned len, struct nstate *s)
{
	memcpy(mem + (CODE - BASE), b, len);
	mem[CODE - BASE + len] = 0xc3;
	native_run(s, (void *)CODE);
}

/* ---- emulated runs, on the global cpu ---- */

/* Runs one instruction; the vector it raised, or -1. */
static int emu1(const uint8_t *b, unsigned len, enum x86_mode mode)
{
	struct x86_insn in;
	tcg_jmpbuf jb;
	tcg_op_fn fn;

	assert_int_equal(x86_decode(b, len, mode, &in), 0);
	assert_int_equal(in.length, len);
	fn = tcg_ops_fpu(&in);
	assert_non_null(fn);
	cpu.rip = CODE;
	cpu.jb = jb;
	cpu.trapped_vector = -1;
	if (!tcg_setjmp(jb))
		fn(&cpu, &in);
	return cpu.trapped_vector;
}

#define RUN(...)                                                               \
	({                                                                     \
		static const uint8_t b_[] = {__VA_ARGS__};                    \
		emu1(b_, sizeof(b_), X86_MODE_64);                             \
	})

static int emu(const uint8_t *b, unsigned len, enum x86_mode mode, struct nstate *s)
{
	int v;

	memcpy(cpu.gpr, s->gpr, sizeof(cpu.gpr));
	cpu.rflags = s->flags;
	memcpy(cpu.fxsave, s->fx, 512);
	v = emu1(b, len, mode);
	memcpy(s->gpr, cpu.gpr, sizeof(cpu.gpr));
	s->flags = cpu.rflags;
	memcpy(s->fx, cpu.fxsave, 512);
	return v;
}

static int setup(void **st)
{
	memset(&cpu, 0, sizeof(cpu));
	cpu.cr0 = TCG_CR0_PE | TCG_CR0_MP | TCG_CR0_ET | TCG_CR0_NE | TCG_CR0_PG;
	cpu.cr4 = TCG_CR4_OSFXSR | TCG_CR4_OSXMMEXCPT | TCG_CR4_PAE;
	cpu.vm = (struct vm *)0x1234;
	tcg_fpu_reset(&cpu);
	return 0;
}

/* ---- random states ---- */

static uint64_t rs = 88172645463325252ull;

static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

/* 8 bytes: a double or two floats near 1, or random bits. */
static uint64_t rnd8(void)
{
	switch (rnd() % 3) {
	case 0:
		return (rnd() & 0x800fffffffffffffull) | (uint64_t)(1023 - 30 + rnd() % 60) << 52;
	case 1: {
		uint64_t lo = (rnd() & 0x807fffff) | (uint64_t)(127 - 20 + rnd() % 40) << 23;
		uint64_t hi = (rnd() & 0x807fffff) | (uint64_t)(127 - 20 + rnd() % 40) << 23;
		return lo | hi << 32;
	}
	default:
		return rnd();
	}
}

static void rand_state(struct nstate *s)
{
	memset(s, 0, sizeof(*s));
	for (int r = 0; r < 16; r++)
		s->gpr[r] = rnd() & 1 ? rnd() : rnd() % 40;
	s->gpr[1] = (rnd() & 1) * 2;
	s->gpr[3] = DATA + 0x100;
	s->gpr[4] = 0;
	s->gpr[6] = DATA + 0x200;
	s->gpr[7] = DATA + 0x300;
	s->flags = (rnd() & 0x8d5) | 2;
	uint16_t fcw = 0x7f | (rnd() & 0xf00);
	uint16_t fsw = (uint16_t)((rnd() & 0x4700) | (rnd() & 0x3f));
	memcpy(s->fx, &fcw, 2);
	memcpy(s->fx + 2, &fsw, 2);
	s->fx[4] = (uint8_t)rnd();
	for (int k = 0; k < 8; k++) {
		uint64_t m = rnd();
		uint16_t se = (uint16_t)(rnd() & 0x8000);

		if (rnd() % 5 < 3) {
			m |= 1ull << 63;
			se |= (uint16_t)(0x3fff - 32 + rnd() % 64);
		} else {
			se = (uint16_t)rnd();
		}
		memcpy(s->fx + 32 + 16 * k, &m, 8);
		memcpy(s->fx + 40 + 16 * k, &se, 2);
	}
	uint32_t mx = (0x1f80 | (rnd() & 0xe040)) & tcg_fpu_mxcsr_mask();
	memcpy(s->fx + 24, &mx, 4);
	for (int k = 0; k < 32; k++) {
		uint64_t v = rnd8();
		memcpy(s->fx + 160 + 8 * k, &v, 8);
	}
	for (int k = 0; k < DATASZ / 8; k++) {
		uint64_t v = rnd8();
		memcpy(mem + (DATA - BASE) + 8 * k, &v, 8);
	}
}

/* ---- the differential table (as --64, Intel syntax) ---- */

struct insn {
	const char *name;
	unsigned len;
	uint8_t b[15];
};

static const struct insn insns[] = {
	{"addps xmm1, xmm2", 3, {0x0f, 0x58, 0xca}},
	{"addps xmm9, [rbx+rcx*8+0x20]", 6, {0x44, 0x0f, 0x58, 0x4c, 0xcb, 0x20}},
	{"addss xmm3, dword ptr [rsi+rcx+3]", 6, {0xf3, 0x0f, 0x58, 0x5c, 0x0e, 0x03}},
	{"addsd xmm1, qword ptr [rip+0x12345678]", 8, {0xf2, 0x0f, 0x58, 0x0d, 0x78, 0x56, 0x34, 0x12}},
	{"mulps xmm2, xmm11", 4, {0x41, 0x0f, 0x59, 0xd3}},
	{"mulpd xmm4, [rbx]", 4, {0x66, 0x0f, 0x59, 0x23}},
	{"divsd xmm4, xmm5", 4, {0xf2, 0x0f, 0x5e, 0xe5}},
	{"divss xmm6, dword ptr [rsi+1]", 5, {0xf3, 0x0f, 0x5e, 0x76, 0x01}},
	{"sqrtsd xmm7, xmm2", 4, {0xf2, 0x0f, 0x51, 0xfa}},
	{"sqrtps xmm0, [rbx+0x10]", 4, {0x0f, 0x51, 0x43, 0x10}},
	{"subpd xmm3, xmm14", 5, {0x66, 0x41, 0x0f, 0x5c, 0xde}},
	{"minps xmm1, xmm2", 3, {0x0f, 0x5d, 0xca}},
	{"maxsd xmm15, xmm0", 5, {0xf2, 0x44, 0x0f, 0x5f, 0xf8}},
	{"rcpps xmm1, xmm2", 3, {0x0f, 0x53, 0xca}},
	{"rsqrtss xmm1, dword ptr [rsi]", 4, {0xf3, 0x0f, 0x52, 0x0e}},
	{"cvtsi2sd xmm8, r11", 5, {0xf2, 0x4d, 0x0f, 0x2a, 0xc3}},
	{"cvtsi2sd xmm1, qword ptr [rbx]", 5, {0xf2, 0x48, 0x0f, 0x2a, 0x0b}},
	{"cvtsi2ss xmm2, eax", 4, {0xf3, 0x0f, 0x2a, 0xd0}},
	{"cvtsi2sd xmm3, dword ptr [rsi+5]", 5, {0xf2, 0x0f, 0x2a, 0x5e, 0x05}},
	{"cvttsd2si r10, xmm3", 5, {0xf2, 0x4c, 0x0f, 0x2c, 0xd3}},
	{"cvttsd2si eax, qword ptr [rsi+1]", 5, {0xf2, 0x0f, 0x2c, 0x46, 0x01}},
	{"cvtsd2si r12d, xmm9", 5, {0xf2, 0x45, 0x0f, 0x2d, 0xe1}},
	{"cvttss2si rdx, xmm1", 5, {0xf3, 0x48, 0x0f, 0x2c, 0xd1}},
	{"cvtss2sd xmm1, xmm2", 4, {0xf3, 0x0f, 0x5a, 0xca}},
	{"cvtsd2ss xmm1, qword ptr [rbx]", 4, {0xf2, 0x0f, 0x5a, 0x0b}},
	{"cvtps2pd xmm3, qword ptr [rsi+2]", 4, {0x0f, 0x5a, 0x5e, 0x02}},
	{"cvtpd2ps xmm4, xmm5", 4, {0x66, 0x0f, 0x5a, 0xe5}},
	{"cvtdq2ps xmm5, xmm6", 3, {0x0f, 0x5b, 0xee}},
	{"cvttps2dq xmm6, [rbx]", 4, {0xf3, 0x0f, 0x5b, 0x33}},
	{"cvtpd2dq xmm7, xmm1", 4, {0xf2, 0x0f, 0xe6, 0xf9}},
	{"cvtdq2pd xmm2, xmm3", 4, {0xf3, 0x0f, 0xe6, 0xd3}},
	{"cvtpi2ps xmm1, mm2", 3, {0x0f, 0x2a, 0xca}},
	{"cvtpi2pd xmm1, qword ptr [rsi]", 4, {0x66, 0x0f, 0x2a, 0x0e}},
	{"cvtps2pi mm3, xmm4", 3, {0x0f, 0x2d, 0xdc}},
	{"cvttpd2pi mm1, [rbx]", 4, {0x66, 0x0f, 0x2c, 0x0b}},
	{"ucomisd xmm1, xmm2", 4, {0x66, 0x0f, 0x2e, 0xca}},
	{"ucomiss xmm3, dword ptr [rsi]", 3, {0x0f, 0x2e, 0x1e}},
	{"comisd xmm4, qword ptr [rbx]", 4, {0x66, 0x0f, 0x2f, 0x23}},
	{"comiss xmm10, xmm11", 4, {0x45, 0x0f, 0x2f, 0xd3}},
	{"cmpps xmm1, xmm2, 1", 4, {0x0f, 0xc2, 0xca, 0x01}},
	{"cmpsd xmm3, qword ptr [rsi+7], 4", 6, {0xf2, 0x0f, 0xc2, 0x5e, 0x07, 0x04}},
	{"shufps xmm1, xmm2, 0x1b", 4, {0x0f, 0xc6, 0xca, 0x1b}},
	{"shufpd xmm3, [rbx], 1", 5, {0x66, 0x0f, 0xc6, 0x1b, 0x01}},
	{"unpcklps xmm1, xmm2", 3, {0x0f, 0x14, 0xca}},
	{"unpckhpd xmm3, [rbx]", 4, {0x66, 0x0f, 0x15, 0x1b}},
	{"andps xmm1, xmm2", 3, {0x0f, 0x54, 0xca}},
	{"andnpd xmm1, [rbx]", 4, {0x66, 0x0f, 0x55, 0x0b}},
	{"orps xmm12, xmm13", 4, {0x45, 0x0f, 0x56, 0xe5}},
	{"xorpd xmm1, xmm2", 4, {0x66, 0x0f, 0x57, 0xca}},
	{"movmskps eax, xmm3", 3, {0x0f, 0x50, 0xc3}},
	{"movmskpd r9d, xmm12", 5, {0x66, 0x45, 0x0f, 0x50, 0xcc}},
	{"movaps xmm1, [rbx]", 3, {0x0f, 0x28, 0x0b}},
	{"movaps [rbx+0x30], xmm2", 4, {0x0f, 0x29, 0x53, 0x30}},
	{"movapd xmm11, xmm2", 5, {0x66, 0x44, 0x0f, 0x28, 0xda}},
	{"movups xmm3, [rsi+1]", 4, {0x0f, 0x10, 0x5e, 0x01}},
	{"movups [rsi+3], xmm13", 5, {0x44, 0x0f, 0x11, 0x6e, 0x03}},
	{"movupd xmm3, [rsi+1]", 5, {0x66, 0x0f, 0x10, 0x5e, 0x01}},
	{"movss xmm1, dword ptr [rsi+2]", 5, {0xf3, 0x0f, 0x10, 0x4e, 0x02}},
	{"movss dword ptr [rsi+6], xmm2", 5, {0xf3, 0x0f, 0x11, 0x56, 0x06}},
	{"movss xmm1, xmm2", 4, {0xf3, 0x0f, 0x10, 0xca}},
	{"movsd xmm1, qword ptr [rsi]", 4, {0xf2, 0x0f, 0x10, 0x0e}},
	{"movsd qword ptr [rsi+9], xmm8", 6, {0xf2, 0x44, 0x0f, 0x11, 0x46, 0x09}},
	{"movlps xmm1, qword ptr [rsi]", 3, {0x0f, 0x12, 0x0e}},
	{"movhps qword ptr [rsi+4], xmm2", 4, {0x0f, 0x17, 0x56, 0x04}},
	{"movhlps xmm1, xmm2", 3, {0x0f, 0x12, 0xca}},
	{"movlhps xmm3, xmm4", 3, {0x0f, 0x16, 0xdc}},
	{"movlpd xmm1, qword ptr [rsi]", 4, {0x66, 0x0f, 0x12, 0x0e}},
	{"movhpd qword ptr [rsi+1], xmm5", 5, {0x66, 0x0f, 0x17, 0x6e, 0x01}},
	{"movntps [rbx+0x40], xmm1", 4, {0x0f, 0x2b, 0x4b, 0x40}},
	{"movntpd [rbx+0x40], xmm1", 5, {0x66, 0x0f, 0x2b, 0x4b, 0x40}},
	{"movntdq [rbx+0x40], xmm9", 6, {0x66, 0x44, 0x0f, 0xe7, 0x4b, 0x40}},
	{"movnti dword ptr [rsi+2], eax", 4, {0x0f, 0xc3, 0x46, 0x02}},
	{"movnti qword ptr [rsi], r9", 4, {0x4c, 0x0f, 0xc3, 0x0e}},
	{"movdqa xmm1, [rbx]", 4, {0x66, 0x0f, 0x6f, 0x0b}},
	{"movdqa [rbx+0x50], xmm10", 6, {0x66, 0x44, 0x0f, 0x7f, 0x53, 0x50}},
	{"movdqu xmm2, [rsi+3]", 5, {0xf3, 0x0f, 0x6f, 0x56, 0x03}},
	{"movdqu [rsi+5], xmm3", 5, {0xf3, 0x0f, 0x7f, 0x5e, 0x05}},
	{"movq xmm1, qword ptr [rsi+1]", 5, {0xf3, 0x0f, 0x7e, 0x4e, 0x01}},
	{"movq qword ptr [rsi+2], xmm2", 5, {0x66, 0x0f, 0xd6, 0x56, 0x02}},
	{"movq xmm3, xmm4", 4, {0xf3, 0x0f, 0x7e, 0xdc}},
	{"movd xmm1, ecx", 4, {0x66, 0x0f, 0x6e, 0xc9}},
	{"movd xmm9, dword ptr [rsi+1]", 6, {0x66, 0x44, 0x0f, 0x6e, 0x4e, 0x01}},
	{"movq xmm2, rax", 5, {0x66, 0x48, 0x0f, 0x6e, 0xd0}},
	{"movd eax, xmm3", 4, {0x66, 0x0f, 0x7e, 0xd8}},
	{"movq r10, xmm11", 5, {0x66, 0x4d, 0x0f, 0x7e, 0xda}},
	{"movd dword ptr [rsi+3], xmm4", 5, {0x66, 0x0f, 0x7e, 0x66, 0x03}},
	{"movq2dq xmm1, mm2", 4, {0xf3, 0x0f, 0xd6, 0xca}},
	{"movdq2q mm3, xmm4", 4, {0xf2, 0x0f, 0xd6, 0xdc}},
	{"maskmovdqu xmm1, xmm2", 4, {0x66, 0x0f, 0xf7, 0xca}},
	{"maskmovq mm1, mm2", 3, {0x0f, 0xf7, 0xca}},
	{"pxor xmm1, xmm2", 4, {0x66, 0x0f, 0xef, 0xca}},
	{"pxor xmm8, [rbx]", 5, {0x66, 0x44, 0x0f, 0xef, 0x03}},
	{"pcmpeqb xmm3, [rbx+rcx*8+0x20]", 6, {0x66, 0x0f, 0x74, 0x5c, 0xcb, 0x20}},
	{"pmovmskb eax, xmm1", 4, {0x66, 0x0f, 0xd7, 0xc1}},
	{"pmovmskb r9d, xmm10", 5, {0x66, 0x45, 0x0f, 0xd7, 0xca}},
	{"pshufd xmm9, [rbx+rcx*8+0x20], 0x1b", 8, {0x66, 0x44, 0x0f, 0x70, 0x4c, 0xcb, 0x20, 0x1b}},
	{"pshufd xmm1, xmm2, 0x4e", 5, {0x66, 0x0f, 0x70, 0xca, 0x4e}},
	{"pshufhw xmm1, xmm2, 0x1b", 5, {0xf3, 0x0f, 0x70, 0xca, 0x1b}},
	{"pshuflw xmm3, [rbx], 0x39", 5, {0xf2, 0x0f, 0x70, 0x1b, 0x39}},
	{"punpcklbw xmm0, xmm12", 5, {0x66, 0x41, 0x0f, 0x60, 0xc4}},
	{"punpckhqdq xmm1, xmm2", 4, {0x66, 0x0f, 0x6d, 0xca}},
	{"punpcklqdq xmm1, [rbx]", 4, {0x66, 0x0f, 0x6c, 0x0b}},
	{"paddq xmm1, xmm2", 4, {0x66, 0x0f, 0xd4, 0xca}},
	{"paddq mm1, mm2", 3, {0x0f, 0xd4, 0xca}},
	{"psubusb xmm3, xmm4", 4, {0x66, 0x0f, 0xd8, 0xdc}},
	{"pmullw xmm5, xmm6", 4, {0x66, 0x0f, 0xd5, 0xee}},
	{"pmulhuw xmm1, xmm2", 4, {0x66, 0x0f, 0xe4, 0xca}},
	{"pmuludq xmm1, xmm2", 4, {0x66, 0x0f, 0xf4, 0xca}},
	{"pmaddwd xmm3, [rbx]", 4, {0x66, 0x0f, 0xf5, 0x1b}},
	{"psadbw xmm4, xmm5", 4, {0x66, 0x0f, 0xf6, 0xe5}},
	{"pavgb xmm1, xmm2", 4, {0x66, 0x0f, 0xe0, 0xca}},
	{"pminub xmm1, xmm2", 4, {0x66, 0x0f, 0xda, 0xca}},
	{"pmaxsw xmm1, xmm2", 4, {0x66, 0x0f, 0xee, 0xca}},
	{"packsswb xmm1, xmm2", 4, {0x66, 0x0f, 0x63, 0xca}},
	{"packuswb xmm1, xmm2", 4, {0x66, 0x0f, 0x67, 0xca}},
	{"packssdw xmm1, xmm2", 4, {0x66, 0x0f, 0x6b, 0xca}},
	{"psrldq xmm5, 3", 5, {0x66, 0x0f, 0x73, 0xdd, 0x03}},
	{"pslldq xmm6, 5", 5, {0x66, 0x0f, 0x73, 0xfe, 0x05}},
	{"psrlq xmm7, 13", 5, {0x66, 0x0f, 0x73, 0xd7, 0x0d}},
	{"psraw xmm1, 3", 5, {0x66, 0x0f, 0x71, 0xe1, 0x03}},
	{"psllw xmm2, xmm3", 4, {0x66, 0x0f, 0xf1, 0xd3}},
	{"psrad xmm1, [rbx]", 4, {0x66, 0x0f, 0xe2, 0x0b}},
	{"psrlw xmm9, 4", 6, {0x66, 0x41, 0x0f, 0x71, 0xd1, 0x04}},
	{"pextrw eax, xmm1, 3", 5, {0x66, 0x0f, 0xc5, 0xc1, 0x03}},
	{"pextrw r8d, mm2, 1", 5, {0x44, 0x0f, 0xc5, 0xc2, 0x01}},
	{"pinsrw xmm1, ecx, 5", 5, {0x66, 0x0f, 0xc4, 0xc9, 0x05}},
	{"pinsrw xmm2, word ptr [rsi+1], 2", 6, {0x66, 0x0f, 0xc4, 0x56, 0x01, 0x02}},
	{"pinsrw mm3, eax, 1", 4, {0x0f, 0xc4, 0xd8, 0x01}},
	{"paddb mm1, mm2", 3, {0x0f, 0xfc, 0xca}},
	{"paddw mm3, qword ptr [rsi]", 3, {0x0f, 0xfd, 0x1e}},
	{"punpcklbw mm1, dword ptr [rsi+1]", 4, {0x0f, 0x60, 0x4e, 0x01}},
	{"psrlq mm1, 7", 4, {0x0f, 0x73, 0xd1, 0x07}},
	{"psraw mm2, 3", 4, {0x0f, 0x71, 0xe2, 0x03}},
	{"pshufw mm1, mm2, 0x1b", 4, {0x0f, 0x70, 0xca, 0x1b}},
	{"movq mm1, qword ptr [rsi]", 3, {0x0f, 0x6f, 0x0e}},
	{"movq qword ptr [rsi+3], mm2", 4, {0x0f, 0x7f, 0x56, 0x03}},
	{"movq mm1, mm7", 3, {0x0f, 0x6f, 0xcf}},
	{"movd mm1, eax", 3, {0x0f, 0x6e, 0xc8}},
	{"movd eax, mm2", 3, {0x0f, 0x7e, 0xd0}},
	{"movq rax, mm3", 4, {0x48, 0x0f, 0x7e, 0xd8}},
	{"pmovmskb eax, mm1", 3, {0x0f, 0xd7, 0xc1}},
	{"movntq [rsi], mm1", 3, {0x0f, 0xe7, 0x0e}},
	{"pcmpgtw mm1, mm2", 3, {0x0f, 0x65, 0xca}},
	{"pmaddwd mm1, mm2", 3, {0x0f, 0xf5, 0xca}},
	{"emms", 2, {0x0f, 0x77}},
	{"addsubpd xmm1, xmm2", 4, {0x66, 0x0f, 0xd0, 0xca}},
	{"haddps xmm3, [rbx]", 4, {0xf2, 0x0f, 0x7c, 0x1b}},
	{"hsubpd xmm3, xmm4", 4, {0x66, 0x0f, 0x7d, 0xdc}},
	{"movddup xmm1, qword ptr [rsi]", 4, {0xf2, 0x0f, 0x12, 0x0e}},
	{"movshdup xmm1, xmm2", 4, {0xf3, 0x0f, 0x16, 0xca}},
	{"movsldup xmm1, [rbx]", 4, {0xf3, 0x0f, 0x12, 0x0b}},
	{"lddqu xmm1, [rsi+1]", 5, {0xf2, 0x0f, 0xf0, 0x4e, 0x01}},
	{"fisttp dword ptr [rsi]", 2, {0xdb, 0x0e}},
	{"fisttp word ptr [rsi]", 2, {0xdf, 0x0e}},
	{"fisttp qword ptr [rsi]", 2, {0xdd, 0x0e}},
	{"pshufb xmm1, xmm2", 5, {0x66, 0x0f, 0x38, 0x00, 0xca}},
	{"pshufb mm1, mm2", 4, {0x0f, 0x38, 0x00, 0xca}},
	{"palignr xmm1, xmm2, 5", 6, {0x66, 0x0f, 0x3a, 0x0f, 0xca, 0x05}},
	{"palignr mm1, mm2, 3", 5, {0x0f, 0x3a, 0x0f, 0xca, 0x03}},
	{"pabsw xmm1, [rbx]", 5, {0x66, 0x0f, 0x38, 0x1d, 0x0b}},
	{"phaddd xmm1, xmm2", 5, {0x66, 0x0f, 0x38, 0x02, 0xca}},
	{"pmulhrsw xmm3, xmm4", 5, {0x66, 0x0f, 0x38, 0x0b, 0xdc}},
	{"psignb xmm3, xmm4", 5, {0x66, 0x0f, 0x38, 0x08, 0xdc}},
	{"ptest xmm1, xmm2", 5, {0x66, 0x0f, 0x38, 0x17, 0xca}},
	{"pextrb eax, xmm1, 5", 6, {0x66, 0x0f, 0x3a, 0x14, 0xc8, 0x05}},
	{"pextrb byte ptr [rsi+1], xmm2, 3", 7, {0x66, 0x0f, 0x3a, 0x14, 0x56, 0x01, 0x03}},
	{"pextrd dword ptr [rsi], xmm3, 2", 6, {0x66, 0x0f, 0x3a, 0x16, 0x1e, 0x02}},
	{"pextrq rax, xmm4, 1", 7, {0x66, 0x48, 0x0f, 0x3a, 0x16, 0xe0, 0x01}},
	{"pextrw word ptr [rsi+1], xmm4, 6", 7, {0x66, 0x0f, 0x3a, 0x15, 0x66, 0x01, 0x06}},
	{"pinsrb xmm1, eax, 7", 6, {0x66, 0x0f, 0x3a, 0x20, 0xc8, 0x07}},
	{"pinsrd xmm2, dword ptr [rsi+1], 1", 7, {0x66, 0x0f, 0x3a, 0x22, 0x56, 0x01, 0x01}},
	{"pinsrq xmm3, r9, 1", 7, {0x66, 0x49, 0x0f, 0x3a, 0x22, 0xd9, 0x01}},
	{"extractps eax, xmm5, 2", 6, {0x66, 0x0f, 0x3a, 0x17, 0xe8, 0x02}},
	{"insertps xmm1, xmm2, 0x5c", 6, {0x66, 0x0f, 0x3a, 0x21, 0xca, 0x5c}},
	{"roundsd xmm1, xmm2, 1", 6, {0x66, 0x0f, 0x3a, 0x0b, 0xca, 0x01}},
	{"roundps xmm3, [rbx], 2", 6, {0x66, 0x0f, 0x3a, 0x08, 0x1b, 0x02}},
	{"blendvps xmm1, xmm2", 5, {0x66, 0x0f, 0x38, 0x14, 0xca}},
	{"pblendvb xmm3, [rbx]", 5, {0x66, 0x0f, 0x38, 0x10, 0x1b}},
	{"pblendw xmm1, xmm2, 0x35", 6, {0x66, 0x0f, 0x3a, 0x0e, 0xca, 0x35}},
	{"pmovzxbw xmm1, qword ptr [rsi+3]", 6, {0x66, 0x0f, 0x38, 0x30, 0x4e, 0x03}},
	{"pmovsxbd xmm2, dword ptr [rsi]", 5, {0x66, 0x0f, 0x38, 0x21, 0x16}},
	{"pmovsxbq xmm2, word ptr [rsi]", 5, {0x66, 0x0f, 0x38, 0x22, 0x16}},
	{"pmovzxdq xmm2, xmm9", 6, {0x66, 0x41, 0x0f, 0x38, 0x35, 0xd1}},
	{"pmulld xmm1, xmm2", 5, {0x66, 0x0f, 0x38, 0x40, 0xca}},
	{"pminsd xmm1, [rbx]", 5, {0x66, 0x0f, 0x38, 0x39, 0x0b}},
	{"dpps xmm1, xmm2, 0xf1", 6, {0x66, 0x0f, 0x3a, 0x40, 0xca, 0xf1}},
	{"mpsadbw xmm1, xmm2, 5", 6, {0x66, 0x0f, 0x3a, 0x42, 0xca, 0x05}},
	{"phminposuw xmm1, xmm2", 5, {0x66, 0x0f, 0x38, 0x41, 0xca}},
	{"packusdw xmm1, xmm2", 5, {0x66, 0x0f, 0x38, 0x2b, 0xca}},
	{"movntdqa xmm1, [rbx]", 5, {0x66, 0x0f, 0x38, 0x2a, 0x0b}},
	{"pcmpestri xmm1, xmm2, 0x0c", 6, {0x66, 0x0f, 0x3a, 0x61, 0xca, 0x0c}},
	{"pcmpistri xmm1, [rsi+1], 0x18", 7, {0x66, 0x0f, 0x3a, 0x63, 0x4e, 0x01, 0x18}},
	{"pcmpestrm xmm3, xmm4, 0x40", 6, {0x66, 0x0f, 0x3a, 0x60, 0xdc, 0x40}},
	{"pcmpistrm xmm5, xmm6, 0x4a", 6, {0x66, 0x0f, 0x3a, 0x62, 0xee, 0x4a}},
	{"pcmpgtq xmm1, xmm2", 5, {0x66, 0x0f, 0x38, 0x37, 0xca}},
	{"crc32 eax, byte ptr [rsi]", 5, {0xf2, 0x0f, 0x38, 0xf0, 0x06}},
	{"crc32 eax, cl", 5, {0xf2, 0x0f, 0x38, 0xf0, 0xc1}},
	{"crc32 eax, ah", 5, {0xf2, 0x0f, 0x38, 0xf0, 0xc4}},
	{"crc32 rax, qword ptr [rsi]", 6, {0xf2, 0x48, 0x0f, 0x38, 0xf1, 0x06}},
	{"crc32 ecx, dx", 6, {0x66, 0xf2, 0x0f, 0x38, 0xf1, 0xca}},
	{"crc32 r10, r11", 6, {0xf2, 0x4d, 0x0f, 0x38, 0xf1, 0xd3}},
	{"crc32 r9d, sil", 6, {0xf2, 0x44, 0x0f, 0x38, 0xf0, 0xce}},
	{"fld qword ptr [rsi]", 2, {0xdd, 0x06}},
	{"fstp qword ptr [rsi+8]", 3, {0xdd, 0x5e, 0x08}},
	{"fst dword ptr [rsi+3]", 3, {0xd9, 0x56, 0x03}},
	{"fld dword ptr [rsi]", 2, {0xd9, 0x06}},
	{"fld tbyte ptr [rsi]", 2, {0xdb, 0x2e}},
	{"fstp tbyte ptr [rsi+16]", 3, {0xdb, 0x7e, 0x10}},
	{"fadd st(0), st(1)", 2, {0xd8, 0xc1}},
	{"fadd st(3), st(0)", 2, {0xdc, 0xc3}},
	{"faddp st(1), st(0)", 2, {0xde, 0xc1}},
	{"fmul st(0), st(2)", 2, {0xd8, 0xca}},
	{"fmul qword ptr [rsi]", 2, {0xdc, 0x0e}},
	{"fdiv st(0), st(1)", 2, {0xd8, 0xf1}},
	{"fdivr dword ptr [rsi]", 2, {0xd8, 0x3e}},
	{"fdivp st(2), st(0)", 2, {0xde, 0xfa}},
	{"fsub st(0), st(3)", 2, {0xd8, 0xe3}},
	{"fsubr qword ptr [rsi]", 2, {0xdc, 0x2e}},
	{"fiadd dword ptr [rsi]", 2, {0xda, 0x06}},
	{"fimul word ptr [rsi]", 2, {0xde, 0x0e}},
	{"fidivr dword ptr [rsi]", 2, {0xda, 0x3e}},
	{"fild dword ptr [rsi]", 2, {0xdb, 0x06}},
	{"fild qword ptr [rsi]", 2, {0xdf, 0x2e}},
	{"fild word ptr [rsi]", 2, {0xdf, 0x06}},
	{"fistp dword ptr [rsi+4]", 3, {0xdb, 0x5e, 0x04}},
	{"fistp qword ptr [rsi+4]", 3, {0xdf, 0x7e, 0x04}},
	{"fist word ptr [rsi+1]", 3, {0xdf, 0x56, 0x01}},
	{"fbld tbyte ptr [rsi]", 2, {0xdf, 0x26}},
	{"fbstp tbyte ptr [rsi]", 2, {0xdf, 0x36}},
	{"fld1", 2, {0xd9, 0xe8}},
	{"fldpi", 2, {0xd9, 0xeb}},
	{"fldz", 2, {0xd9, 0xee}},
	{"fldl2e", 2, {0xd9, 0xea}},
	{"fldln2", 2, {0xd9, 0xed}},
	{"fldlg2", 2, {0xd9, 0xec}},
	{"fldl2t", 2, {0xd9, 0xe9}},
	{"fsqrt", 2, {0xd9, 0xfa}},
	{"fabs", 2, {0xd9, 0xe1}},
	{"fchs", 2, {0xd9, 0xe0}},
	{"frndint", 2, {0xd9, 0xfc}},
	{"fscale", 2, {0xd9, 0xfd}},
	{"fprem", 2, {0xd9, 0xf8}},
	{"fprem1", 2, {0xd9, 0xf5}},
	{"fxtract", 2, {0xd9, 0xf4}},
	{"fsin", 2, {0xd9, 0xfe}},
	{"fcos", 2, {0xd9, 0xff}},
	{"fptan", 2, {0xd9, 0xf2}},
	{"fpatan", 2, {0xd9, 0xf3}},
	{"f2xm1", 2, {0xd9, 0xf0}},
	{"fyl2x", 2, {0xd9, 0xf1}},
	{"fyl2xp1", 2, {0xd9, 0xf9}},
	{"fsincos", 2, {0xd9, 0xfb}},
	{"fxam", 2, {0xd9, 0xe5}},
	{"ftst", 2, {0xd9, 0xe4}},
	{"fxch st(3)", 2, {0xd9, 0xcb}},
	{"fld st(2)", 2, {0xd9, 0xc2}},
	{"fcom st(2)", 2, {0xd8, 0xd2}},
	{"fcomp st(1)", 2, {0xd8, 0xd9}},
	{"fcompp", 2, {0xde, 0xd9}},
	{"fucom st(3)", 2, {0xdd, 0xe3}},
	{"fucomp st(1)", 2, {0xdd, 0xe9}},
	{"fucompp", 2, {0xda, 0xe9}},
	{"fcom dword ptr [rsi]", 2, {0xd8, 0x16}},
	{"ficomp word ptr [rsi]", 2, {0xde, 0x1e}},
	{"fcomi st(0), st(1)", 2, {0xdb, 0xf1}},
	{"fcomip st(0), st(2)", 2, {0xdf, 0xf2}},
	{"fucomi st(0), st(3)", 2, {0xdb, 0xeb}},
	{"fucomip st(0), st(1)", 2, {0xdf, 0xe9}},
	{"fcmovb st(0), st(2)", 2, {0xda, 0xc2}},
	{"fcmove st(0), st(1)", 2, {0xda, 0xc9}},
	{"fcmovbe st(0), st(3)", 2, {0xda, 0xd3}},
	{"fcmovu st(0), st(4)", 2, {0xda, 0xdc}},
	{"fcmovnb st(0), st(2)", 2, {0xdb, 0xc2}},
	{"fcmovne st(0), st(1)", 2, {0xdb, 0xc9}},
	{"fcmovnbe st(0), st(3)", 2, {0xdb, 0xd3}},
	{"fcmovnu st(0), st(4)", 2, {0xdb, 0xdc}},
	{"fnstsw ax", 2, {0xdf, 0xe0}},
	{"fnstsw word ptr [rsi]", 2, {0xdd, 0x3e}},
	{"fnstcw word ptr [rsi]", 2, {0xd9, 0x3e}},
	{"fldcw word ptr [rsi]", 2, {0xd9, 0x2e}},
	{"fnclex", 2, {0xdb, 0xe2}},
	{"fninit", 2, {0xdb, 0xe3}},
	{"ffree st(2)", 2, {0xdd, 0xc2}},
	{"fdecstp", 2, {0xd9, 0xf6}},
	{"fincstp", 2, {0xd9, 0xf7}},
	{"fnop", 2, {0xd9, 0xd0}},
	{"fnstenv [rsi]", 2, {0xd9, 0x36}},
	{"fldenv [rsi]", 2, {0xd9, 0x26}},
	{"fnsave [rsi]", 2, {0xdd, 0x36}},
	{"frstor [rsi]", 2, {0xdd, 0x26}},
	{"data16 fnstenv [rsi]", 3, {0x66, 0xd9, 0x36}},
	{"data16 fnsave [rsi]", 3, {0x66, 0xdd, 0x36}},
	{"data16 fldenv [rsi]", 3, {0x66, 0xd9, 0x26}},
};

/* FXSAVE bytes compared: not FOP/FIP/FDP (6-23: ours, not the host's),
 * MXCSR_MASK (28-31) or the software area (464-511). */
static bool fx_cmp_byte(unsigned k)
{
	return !(k >= 6 && k < 24) && !(k >= 28 && k < 32) && k < 464;
}

static bool same(const char *name, const struct nstate *n, const struct nstate *e,
		 const uint8_t *nmem, unsigned mskip_lo, unsigned mskip_hi)
{
	bool ok = true;

	for (int r = 0; r < 16; r++)
		if (r != 4 && n->gpr[r] != e->gpr[r]) {
			printf("%s: gpr %d native %#llx emulated %#llx\n", name, r,
			       (unsigned long long)n->gpr[r], (unsigned long long)e->gpr[r]);
			ok = false;
		}
	if ((n->flags ^ e->flags) & TCG_ARITH) {
		printf("%s: flags native %#llx emulated %#llx\n", name,
		       (unsigned long long)n->flags, (unsigned long long)e->flags);
		ok = false;
	}
	for (unsigned k = 0; k < 512; k++)
		if (fx_cmp_byte(k) && n->fx[k] != e->fx[k]) {
			printf("%s: fxsave byte %u native %#x emulated %#x\n", name, k, n->fx[k],
			       e->fx[k]);
			ok = false;
			break;
		}
	for (unsigned k = 0; k < DATASZ; k++) {
		uint64_t a = DATA + k;

		if (a >= n->gpr[6] + mskip_lo && a < n->gpr[6] + mskip_hi)
			continue;
		if (nmem[k] != mem[DATA - BASE + k]) {
			printf("%s: memory +%#x native %#x emulated %#x\n", name, k, nmem[k],
			       mem[DATA - BASE + k]);
			ok = false;
			break;
		}
	}
	return ok;
}

/* Runs b natively and emulated from state s; false on a difference. */
static bool diff_one(const char *name, const uint8_t *b, unsigned len, const struct nstate *s,
		     enum x86_mode mode)
{
	static uint8_t orig[DATASZ], nmem[DATASZ];
	struct nstate n = *s, e = *s;
	unsigned lo = 0, hi = 0;
	int v;

	if (strstr(name, "fnstenv") || strstr(name, "fnsave")) {
		/* the pointer fields are ours (FIP = guest RIP ...) */
		lo = strstr(name, "data16") ? 6 : 12;
		hi = strstr(name, "data16") ? 14 : 28;
	}
	memcpy(orig, mem + (DATA - BASE), DATASZ);
	native(b, len, &n);
	memcpy(nmem, mem + (DATA - BASE), DATASZ);
	memcpy(mem + (DATA - BASE), orig, DATASZ);
	v = emu(b, len, mode, &e);
	if (v != -1) {
		printf("%s: emulated raised vector %d\n", name, v);
		return false;
	}
	return same(name, &n, &e, nmem, lo, hi);
}

static bool host_has_all(void)
{
	uint32_t ecx, edx;

	tcg_fpu_cpuid(&ecx, &edx);
	return (ecx & 0x180201) == 0x180201;
}

static void test_against_host(void **st)
{
	unsigned bad = 0, skipped = 0;

	for (size_t k = 0; k < sizeof(insns) / sizeof(insns[0]); k++) {
		const struct insn *t = &insns[k];
		uint8_t b[15];
		struct x86_insn in;

		memcpy(b, t->b, t->len);
		if (strstr(t->name, "rip+")) { /* disp32 last: point at DATA + 0x400 */
			int32_t d = (int32_t)(DATA + 0x400 - (CODE + t->len));

			memcpy(b + t->len - 4, &d, 4);
		}
		assert_int_equal(x86_decode(b, t->len, X86_MODE_64, &in), 0);
		if (!tcg_ops_fpu(&in)) {
			printf("not offered here: %s\n", t->name);
			skipped++;
			continue;
		}
		for (int run = 0; run < 40; run++) {
			struct nstate s;

			rand_state(&s);
			if (!diff_one(t->name, b, t->len, &s, X86_MODE_64)) {
				bad++;
				break;
			}
		}
	}
	if (host_has_all())
		assert_int_equal(skipped, 0);
	assert_int_equal(bad, 0);
}

/* The same bytes decoded in 32-bit mode (addresses are below 4 GiB). */
static void test_32bit_mode(void **st)
{
	static const uint8_t addps[] = {0x0f, 0x58, 0x0b};      /* addps xmm1, [ebx] */
	static const uint8_t fstp[] = {0xdd, 0x5e, 0x08};       /* fstp qword [esi+8] */
	static const uint8_t movd[] = {0x66, 0x0f, 0x7e, 0xc8}; /* movd eax, xmm1 */
	struct nstate s;

	for (int run = 0; run < 20; run++) {
		rand_state(&s);
		assert_true(diff_one("addps 32", addps, 3, &s, X86_MODE_32));
		assert_true(diff_one("fstp 32", fstp, 3, &s, X86_MODE_32));
		assert_true(diff_one("movd 32", movd, 4, &s, X86_MODE_32));
	}
}

/* Instructions the passthrough must refuse (#UD from the dispatcher). */
static void test_refused(void **st)
{
	static const uint8_t cases[][8] = {
		{4, 0xc5, 0xf8, 0x58, 0xca},       /* vaddps: VEX */
		{3, 0x0f, 0x18, 0x06},             /* prefetchnta: the integer group's */
		{3, 0x0f, 0x1f, 0x00},             /* nop Ev */
		{3, 0x0f, 0xae, 0x26},             /* xsave */
		{4, 0x66, 0x0f, 0xae, 0x3e},       /* clflushopt */
		{4, 0xf3, 0x0f, 0xae, 0xc0},       /* rdfsbase */
		{5, 0x0f, 0x38, 0xf0, 0x06},       /* movbe */
		{2, 0xd9, 0xd8},                   /* fstp1 alias: blank cell */
		{2, 0xdf, 0xc8},                   /* fxch7 alias */
		{4, 0x66, 0x0f, 0x12, 0xc1},       /* movlpd reg form */
		{4, 0x0f, 0x2b, 0xc1},             /* movntps reg form */
		{4, 0xf3, 0x0f, 0x2b, 0x06},       /* movntss: AMD SSE4a */
		{3, 0x0f, 0x73, 0xd9},             /* psrldq on mm: no */
		{4, 0x66, 0x0f, 0x38, 0xc8},       /* sha1nexte */
		{3, 0x0f, 0xc3, 0xc0},             /* movnti reg form */
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct x86_insn in;
		unsigned n = cases[k][0];

		if (x86_decode(cases[k] + 1, n, X86_MODE_64, &in) != 0)
			continue; /* the decoder refuses it already */
		if (tcg_ops_fpu(&in))
			printf("accepted case %zu\n", k);
		assert_null(tcg_ops_fpu(&in));
	}
}

static uint16_t fx_u16(unsigned off) { uint16_t v; memcpy(&v, cpu.fxsave + off, 2); return v; }
static uint32_t fx_u32(unsigned off) { uint32_t v; memcpy(&v, cpu.fxsave + off, 4); return v; }
static uint64_t fx_u64(unsigned off) { uint64_t v; memcpy(&v, cpu.fxsave + off, 8); return v; }
static void fx_set_u32(unsigned off, uint32_t v) { memcpy(cpu.fxsave + off, &v, 4); }
static void fx_set_u64(unsigned off, uint64_t v) { memcpy(cpu.fxsave + off, &v, 8); }

static void test_misaligned(void **st)
{
	uint8_t before[512];

	cpu.gpr[6] = DATA + 0x200;
	memcpy(before, cpu.fxsave, 512);
	assert_int_equal(RUN(0x66, 0x0f, 0x6f, 0x4e, 0x01), TCG_GP); /* movdqa xmm1, [rsi+1] */
	assert_int_equal(cpu.trapped_error, 0);
	assert_int_equal(RUN(0x0f, 0x29, 0x4e, 0x08), TCG_GP);       /* movaps [rsi+8], xmm1 */
	assert_int_equal(RUN(0x66, 0x0f, 0xfe, 0x4e, 0x04), TCG_GP); /* paddd xmm1, [rsi+4] */
	assert_memory_equal(before, cpu.fxsave, 512);
	assert_int_equal(RUN(0xf3, 0x0f, 0x6f, 0x4e, 0x01), -1);     /* movdqu */
	assert_memory_equal(cpu.fxsave + TCG_FX_XMM + 16, mem + (DATA - BASE) + 0x201, 16);
	assert_int_equal(RUN(0xf2, 0x0f, 0x58, 0x4e, 0x01), -1);     /* addsd: 8 bytes, any */
	assert_int_equal(RUN(0x0f, 0xfc, 0x4e, 0x01), -1);           /* paddb mm1, [rsi+1] */
}

static void test_cr0_cr4(void **st)
{
	cpu.cr0 |= TCG_CR0_TS;
	assert_int_equal(RUN(0x0f, 0x58, 0xca), TCG_NM);  /* addps */
	assert_int_equal(RUN(0xd8, 0xc1), TCG_NM);        /* fadd */
	assert_int_equal(RUN(0x0f, 0xfc, 0xca), TCG_NM);  /* paddb mm */
	assert_int_equal(RUN(0x0f, 0xae, 0x06), TCG_NM);  /* fxsave */
	assert_int_equal(RUN(0x9b), TCG_NM);              /* fwait: MP and TS */
	cpu.cr0 &= ~TCG_CR0_MP;
	assert_int_equal(RUN(0x9b), -1);                  /* fwait: TS alone */
	cpu.cr0 = (cpu.cr0 & ~TCG_CR0_TS) | TCG_CR0_EM | TCG_CR0_MP;
	assert_int_equal(RUN(0x0f, 0x58, 0xca), TCG_UD);
	assert_int_equal(RUN(0xd8, 0xc1), TCG_NM);
	assert_int_equal(RUN(0x0f, 0xfc, 0xca), TCG_UD);
	assert_int_equal(RUN(0x0f, 0xae, 0x56, 0x00), TCG_UD); /* ldmxcsr */
	assert_int_equal(RUN(0x9b), -1);
	cpu.gpr[6] = DATA + 0x200;
	assert_int_equal(RUN(0xf2, 0x0f, 0x38, 0xf1, 0xc1), -1); /* crc32: integer, no checks */
	cpu.cr0 &= ~TCG_CR0_EM;
	cpu.cr4 &= ~TCG_CR4_OSFXSR;
	assert_int_equal(RUN(0x0f, 0x58, 0xca), TCG_UD);
	assert_int_equal(RUN(0x66, 0x0f, 0xef, 0xca), TCG_UD); /* pxor xmm */
	assert_int_equal(RUN(0x0f, 0xfc, 0xca), -1);            /* paddb mm: MMX, fine */
	assert_int_equal(RUN(0xd8, 0xc1), -1);
	assert_int_equal(RUN(0x0f, 0xae, 0x06), -1);            /* fxsave: no OSFXSR check */
	cpu.cr4 |= TCG_CR4_OSFXSR;
	assert_int_equal(RUN(0x0f, 0x58, 0xca), -1);
}

static uint8_t *dmem(unsigned off) { return mem + (DATA - BASE) + off; }

/* x87 divide by zero: masked gives inf; unmasked leaves ST0, sets ES/B,
 * and the next waiting instruction raises #MF (SDM Vol. 1 §8.6). */
static void test_x87_unmasked(void **st)
{
	uint16_t cw = 0x037b; /* ZM clear */
	struct nstate s, n;

	cpu.gpr[6] = DATA + 0x200;
	memcpy(dmem(0x200), &cw, 2);
	assert_int_equal(RUN(0xdb, 0xe3), -1);             /* fninit */
	assert_int_equal(RUN(0xd9, 0xee), -1);             /* fldz */
	assert_int_equal(RUN(0xd9, 0xe8), -1);             /* fld1 */
	assert_int_equal(RUN(0xd9, 0x2e), -1);             /* fldcw [rsi] */
	assert_int_equal(fx_u16(TCG_FX_FCW), 0x037b);
	/* the same fdiv natively from this state */
	memcpy(s.gpr, cpu.gpr, sizeof(s.gpr));
	s.flags = 2;
	memcpy(s.fx, cpu.fxsave, 512);
	n = s;
	native((const uint8_t[]){0xd8, 0xf1}, 2, &n);
	assert_int_equal(RUN(0xd8, 0xf1), -1);             /* fdiv st0, st1: no fault yet */
	assert_int_equal(fx_u16(TCG_FX_FSW) & 0x8084, 0x8084); /* B ES ZE */
	for (unsigned k = 0; k < 464; k++)
		if (fx_cmp_byte(k))
			assert_int_equal(n.fx[k], cpu.fxsave[k]);
	assert_int_equal(fx_u64(TCG_FX_ST + 0), 0x8000000000000000ull); /* still 1.0 */
	assert_int_equal(RUN(0xd8, 0xc1), TCG_MF);         /* fadd: #MF */
	assert_int_equal(RUN(0xdd, 0x06), TCG_MF);         /* fld qword [rsi]: #MF first */
	assert_int_equal(RUN(0x9b), TCG_MF);               /* fwait */
	assert_int_equal(RUN(0x0f, 0xfc, 0xca), TCG_MF);   /* paddb mm: #MF */
	assert_int_equal(RUN(0x0f, 0x58, 0xca), -1);       /* addps: SSE does not care */
	cpu.gpr[0] = 0xffffffffffff0000ull;
	assert_int_equal(RUN(0xdf, 0xe0), -1);             /* fnstsw ax */
	assert_int_equal(cpu.gpr[0] & 0xffff, fx_u16(TCG_FX_FSW));
	assert_int_equal(cpu.gpr[0] >> 16, 0xffffffffffffull);
	assert_int_equal(RUN(0xd9, 0x7e, 0x10), -1);       /* fnstcw [rsi+16] */
	assert_int_equal(*(uint16_t *)dmem(0x210), 0x037b);
	assert_int_equal(RUN(0xdb, 0xe2), -1);             /* fnclex */
	assert_int_equal(fx_u16(TCG_FX_FSW) & 0x80ff, 0);
	assert_int_equal(RUN(0x9b), -1);
	assert_int_equal(RUN(0xd8, 0xc1), -1);
}

/* FISTP of a NaN with IE unmasked stores nothing; compare with the host. */
static void test_x87_unmasked_store(void **st)
{
	static const uint8_t fistp[] = {0xdb, 0x5e, 0x04}; /* fistp dword [rsi+4] */
	static const uint8_t fst[] = {0xd9, 0x56, 0x04};   /* fst dword [rsi+4] */
	static const uint8_t fstp[] = {0xdd, 0x5e, 0x08};   /* fstp qword [rsi+8] */
	struct nstate s;

	for (int run = 0; run < 200; run++) {
		uint16_t fcw = (uint16_t)(0x0340 | (rnd() & 0x3f)), fsw = 0;

		rand_state(&s);
		memcpy(s.fx, &fcw, 2);
		memcpy(s.fx + 2, &fsw, 2);
		assert_true(diff_one("fistp unmasked", fistp, 3, &s, X86_MODE_64));
		assert_true(diff_one("fst unmasked", fst, 3, &s, X86_MODE_64));
		assert_true(diff_one("fstp unmasked", fstp, 3, &s, X86_MODE_64));
	}
}

static void test_x87_pointers(void **st)
{
	cpu.gpr[6] = DATA + 0x200;
	assert_int_equal(RUN(0xdb, 0xe3), -1);                 /* fninit */
	assert_int_equal(fx_u64(TCG_FX_FIP), 0);
	assert_int_equal(RUN(0xdd, 0x46, 0x08), -1);           /* fld qword [rsi+8] */
	assert_int_equal(fx_u64(TCG_FX_FIP), CODE);
	assert_int_equal(fx_u64(TCG_FX_FDP), DATA + 0x208);
	assert_int_equal(fx_u16(TCG_FX_FOP), 0x546);
	assert_int_equal(RUN(0xd8, 0xc0), -1);                 /* fadd st0, st0 */
	assert_int_equal(fx_u16(TCG_FX_FOP), 0x0c0);
	assert_int_equal(fx_u64(TCG_FX_FDP), DATA + 0x208);    /* register op: FDP kept */
	assert_int_equal(RUN(0xd9, 0x76, 0x20), -1);           /* fnstenv [rsi+0x20] */
	assert_int_equal(*(uint32_t *)dmem(0x220 + 12), (uint32_t)CODE);
	assert_int_equal(*(uint32_t *)dmem(0x220 + 20), (uint32_t)(DATA + 0x208));
	assert_int_equal(*(uint16_t *)dmem(0x220 + 18), 0x0c0);
	assert_int_equal(fx_u16(TCG_FX_FCW) & 0x3f, 0x3f);    /* fnstenv masks all */
}

/* SSE unmasked exceptions: #XM (or #UD without OSXMMEXCPT), destination
 * unchanged, the flag set in MXCSR (SDM Vol. 1 §11.5.1). */
static void test_sse_unmasked(void **st)
{
	uint64_t one = 0x3ff0000000000000ull, three = 0x4008000000000000ull;
	uint8_t before[512];

	fx_set_u64(TCG_FX_XMM + 16, one);   /* xmm1 = 1.0 */
	fx_set_u64(TCG_FX_XMM + 32, 0);     /* xmm2 = 0.0 */
	fx_set_u64(TCG_FX_XMM + 48, three); /* xmm3 = 3.0 */
	fx_set_u32(TCG_FX_MXCSR, 0x1f80 & ~0x200u); /* ZM clear */
	memcpy(before, cpu.fxsave, 512);
	assert_int_equal(RUN(0xf2, 0x0f, 0x5e, 0xca), TCG_XM); /* divsd xmm1, xmm2 */
	assert_int_equal(fx_u64(TCG_FX_XMM + 16), one);
	assert_int_equal(fx_u32(TCG_FX_MXCSR), (0x1f80 & ~0x200u) | 4);
	memcpy(cpu.fxsave, before, 512);
	cpu.cr4 &= ~TCG_CR4_OSXMMEXCPT;
	assert_int_equal(RUN(0xf2, 0x0f, 0x5e, 0xca), TCG_UD);
	cpu.cr4 |= TCG_CR4_OSXMMEXCPT;
	/* precision: 1/3 with PM clear */
	fx_set_u32(TCG_FX_MXCSR, 0x1f80 & ~0x1000u);
	assert_int_equal(RUN(0xf2, 0x0f, 0x5e, 0xcb), TCG_XM); /* divsd xmm1, xmm3 */
	assert_int_equal(fx_u64(TCG_FX_XMM + 16), one);
	assert_int_equal(fx_u32(TCG_FX_MXCSR) & 0x3f, 0x20);
	/* masked: result and sticky flag, no fault */
	fx_set_u32(TCG_FX_MXCSR, 0x1f80);
	assert_int_equal(RUN(0xf2, 0x0f, 0x5e, 0xca), -1);
	assert_int_equal(fx_u64(TCG_FX_XMM + 16), 0x7ff0000000000000ull); /* +inf */
	assert_int_equal(fx_u32(TCG_FX_MXCSR), 0x1f84);
	/* a store with an unmasked exception writes nothing: cvtsd2si [..] is
	 * a GPR dest; use cvttsd2si eax, xmm2 with IM clear and a NaN */
	fx_set_u64(TCG_FX_XMM + 32, 0x7ff8000000000000ull);
	fx_set_u32(TCG_FX_MXCSR, 0x1f80 & ~0x80u);
	cpu.gpr[0] = 77;
	assert_int_equal(RUN(0xf2, 0x0f, 0x2c, 0xc2), TCG_XM);
	assert_int_equal(cpu.gpr[0], 77);
}

static void test_mxcsr(void **st)
{
	uint32_t v = 0x11f80;

	cpu.gpr[6] = DATA + 0x200;
	memcpy(dmem(0x200), &v, 4);
	assert_int_equal(RUN(0x0f, 0xae, 0x16), TCG_GP);        /* ldmxcsr [rsi]: bit 16 */
	assert_int_equal(fx_u32(TCG_FX_MXCSR), 0x1f80);
	v = 0x7f80 | 0x3;
	memcpy(dmem(0x200), &v, 4);
	assert_int_equal(RUN(0x0f, 0xae, 0x16), -1);
	assert_int_equal(fx_u32(TCG_FX_MXCSR), v);
	assert_int_equal(RUN(0x0f, 0xae, 0x5e, 0x08), -1);      /* stmxcsr [rsi+8] */
	assert_int_equal(*(uint32_t *)dmem(0x208), v);
	cpu.gpr[6] = RO;
	assert_int_equal(RUN(0x0f, 0xae, 0x1e), TCG_PF);        /* stmxcsr to read-only */
}

static void test_fxsave_fxrstor(void **st)
{
	struct nstate s, n;
	uint8_t orig[512], img[512];
	static const uint8_t fxsave64[] = {0x48, 0x0f, 0xae, 0x03}; /* fxsave64 [rbx] */

	rand_state(&s);
	/* against the host's own FXSAVE64 */
	n = s;
	native(fxsave64, 4, &n);
	memcpy(img, (void *)s.gpr[3], 512);
	memcpy(cpu.gpr, s.gpr, sizeof(cpu.gpr));
	memcpy(cpu.fxsave, s.fx, 512);
	memcpy(orig, cpu.fxsave, 512);
	memset((void *)s.gpr[3], 0xee, 512);
	assert_int_equal(RUN(0x48, 0x0f, 0xae, 0x03), -1);
	for (unsigned k = 0; k < 416; k++)
		if (fx_cmp_byte(k))
			assert_int_equal(((uint8_t *)s.gpr[3])[k], img[k]);
	assert_int_equal(*(uint32_t *)(s.gpr[3] + 28), tcg_fpu_mxcsr_mask());
	for (unsigned k = 416; k < 512; k++) /* reserved and software bytes */
		assert_int_equal(((uint8_t *)s.gpr[3])[k], 0xee);
	/* round trip */
	tcg_fpu_reset(&cpu);
	assert_int_equal(RUN(0x48, 0x0f, 0xae, 0x0b), -1);      /* fxrstor64 [rbx] */
	assert_memory_equal(cpu.fxsave, orig, 28);
	assert_memory_equal(cpu.fxsave + 32, orig + 32, 416 - 32);
	/* 32-bit format: FCS at 12 */
	cpu.seg[X86_SEG_CS].sel = 0x10;
	assert_int_equal(RUN(0x0f, 0xae, 0x03), -1);
	assert_int_equal(*(uint16_t *)(s.gpr[3] + 12), 0x10);
	/* 32-bit mode: XMM8-15 neither stored nor loaded */
	memset((void *)s.gpr[3], 0xee, 512);
	assert_int_equal(emu1((const uint8_t[]){0x0f, 0xae, 0x03}, 3, X86_MODE_32), -1);
	assert_int_equal(((uint8_t *)s.gpr[3])[287], cpu.fxsave[287]);
	assert_int_equal(((uint8_t *)s.gpr[3])[288], 0xee);
	memcpy(orig, cpu.fxsave, 512);
	*(uint32_t *)(s.gpr[3] + 24) = 0x1f80;
	assert_int_equal(emu1((const uint8_t[]){0x0f, 0xae, 0x0b}, 3, X86_MODE_32), -1);
	assert_memory_equal(cpu.fxsave + 288, orig + 288, 128);
	assert_int_equal(cpu.fxsave[287], orig[287]);
	assert_int_equal(RUN(0x0f, 0xae, 0x03), -1);
	/* misaligned, reserved MXCSR bits */
	assert_int_equal(RUN(0x0f, 0xae, 0x43, 0x08), TCG_GP);
	assert_int_equal(RUN(0x0f, 0xae, 0x4b, 0x08), TCG_GP);
	*(uint32_t *)(s.gpr[3] + 24) = 0x21f80;
	memcpy(orig, cpu.fxsave, 512);
	assert_int_equal(RUN(0x0f, 0xae, 0x0b), TCG_GP);
	assert_memory_equal(orig, cpu.fxsave, 512);
	cpu.gpr[3] = RO;
	assert_int_equal(RUN(0x0f, 0xae, 0x03), TCG_PF);
}

/* A store that page-faults leaves the state as it was (precise faults). */
static void test_store_fault(void **st)
{
	uint8_t before[512];

	cpu.gpr[6] = RO;
	assert_int_equal(RUN(0xd9, 0xe8), -1);                   /* fld1 */
	memcpy(before, cpu.fxsave, 512);
	assert_int_equal(RUN(0xdd, 0x5e, 0x08), TCG_PF);         /* fstp qword [rsi+8] */
	assert_memory_equal(before, cpu.fxsave, 512);
	assert_int_equal(RUN(0x66, 0x0f, 0x7f, 0x0e), TCG_PF);   /* movdqa [rsi], xmm1 */
	assert_int_equal(RUN(0x66, 0x0f, 0x3a, 0x14, 0x56, 0x01, 0x03), TCG_PF); /* pextrb */
	assert_int_equal(RUN(0x0f, 0xc3, 0x06), TCG_PF);         /* movnti */
	assert_int_equal(RUN(0xdd, 0x36), TCG_PF);               /* fnsave: no reinit */
	assert_memory_equal(before, cpu.fxsave, 512);
	cpu.gpr[6] = BASE + MEMSZ + 0x1000;
	assert_int_equal(RUN(0x0f, 0xae, 0x3e), TCG_PF);         /* clflush unmapped */
	cpu.gpr[6] = DATA;
	assert_int_equal(RUN(0x0f, 0xae, 0x3e), -1);
	assert_int_equal(RUN(0x0f, 0xae, 0xf0), -1);             /* mfence */
	assert_int_equal(RUN(0x0f, 0xae, 0xe8), -1);             /* lfence */
	assert_int_equal(RUN(0x0f, 0xae, 0xf8), -1);             /* sfence */
}

/* Many encodings at once from several threads, each its own VM: the
 * lock-free lookup, inserts under the lock, per-VM code. */
struct thr {
	struct tcg_cpu c;
	int bad;
};

static void *thr_main(void *arg)
{
	struct thr *t = arg;

	for (unsigned k = 0; k < 1500; k++) {
		unsigned a = k % 8, b = (k / 8) % 8, imm = (k * 7) % 256;
		uint8_t code[] = {0x66, 0x0f, 0x70, (uint8_t)(0xc0 | a << 3 | b), (uint8_t)imm};
		uint32_t src[4], dst[4];
		struct x86_insn in;
		tcg_jmpbuf jb;

		for (int j = 0; j < 4; j++)
			src[j] = (uint32_t)(k * 4 + j);
		memcpy(t->c.fxsave + TCG_FX_XMM + 16 * b, src, 16);
		x86_decode(code, 5, X86_MODE_64, &in);
		t->c.jb = jb;
		if (tcg_setjmp(jb)) {
			t->bad++;
			continue;
		}
		tcg_ops_fpu(&in)(&t->c, &in);
		memcpy(dst, t->c.fxsave + TCG_FX_XMM + 16 * a, 16);
		for (int j = 0; j < 4; j++)
			if (dst[j] != src[(imm >> (2 * j)) & 3])
				t->bad++;
	}
	return NULL;
}

static void test_threads(void **st)
{
	static struct thr t[4];
	pthread_t id[4];

	for (int k = 0; k < 4; k++) {
		memset(&t[k], 0, sizeof(t[k]));
		t[k].c.cr0 = cpu.cr0;
		t[k].c.cr4 = cpu.cr4;
		t[k].c.vm = (struct vm *)(uintptr_t)(0x5000 + (k & 1) * 8);
		tcg_fpu_reset(&t[k].c);
		pthread_create(&id[k], NULL, thr_main, &t[k]);
	}
	for (int k = 0; k < 4; k++) {
		pthread_join(id[k], NULL);
		assert_int_equal(t[k].bad, 0);
	}
	tcg_fpu_forget_vm((struct vm *)0x5000);
	tcg_fpu_forget_vm((struct vm *)0x5008);
}

/* ---- the fast path (SSE without x87/MMX operands, CRC32) ---- */

/* Operand kinds of ModRM.reg and .rm: xmm, GPR, opcode extension (NX(n):
 * ModRM.reg is n). */
enum { XX, GX, XG, GG, NX0 };
#define NX(n) (NX0 | (n) << 4)

struct fop_t {
	const char *name;
	uint8_t pfx, w, kind, nop, imm; /* imm: 0 none, else mask for a random ib */
	uint8_t op[4];
};

static const struct fop_t fast_ops[] = {
	{"pxor", 0x66, 0, XX, 2, 0, {0x0f, 0xef}},
	{"pcmpeqb", 0x66, 0, XX, 2, 0, {0x0f, 0x74}},
	{"pminub", 0x66, 0, XX, 2, 0, {0x0f, 0xda}},
	{"movdqa", 0x66, 0, XX, 2, 0, {0x0f, 0x6f}},
	{"movss", 0xf3, 0, XX, 2, 0, {0x0f, 0x10}},
	{"movaps rm, reg", 0, 0, XX, 2, 0, {0x0f, 0x29}}, /* ModRM.rm is written */
	{"movdqu rm, reg", 0xf3, 0, XX, 2, 0, {0x0f, 0x7f}},
	{"movsd rm, reg", 0xf2, 0, XX, 2, 0, {0x0f, 0x11}},
	{"movq rm, reg", 0x66, 0, XX, 2, 0, {0x0f, 0xd6}},
	{"unpcklps", 0, 0, XX, 2, 0, {0x0f, 0x14}},
	{"addsd", 0xf2, 0, XX, 2, 0, {0x0f, 0x58}},
	{"divps", 0, 0, XX, 2, 0, {0x0f, 0x5e}},
	{"sqrtsd", 0xf2, 0, XX, 2, 0, {0x0f, 0x51}},
	{"cvtpd2ps", 0x66, 0, XX, 2, 0, {0x0f, 0x5a}},
	{"rcpps", 0, 0, XX, 2, 0, {0x0f, 0x53}},
	{"comisd", 0x66, 0, XX, 2, 0, {0x0f, 0x2f}},
	{"ucomiss", 0, 0, XX, 2, 0, {0x0f, 0x2e}},
	{"cmpps", 0, 0, XX, 2, 7, {0x0f, 0xc2}},
	{"haddpd", 0x66, 0, XX, 2, 0, {0x0f, 0x7c}},
	{"pshufd", 0x66, 0, XX, 2, 0xff, {0x0f, 0x70}},
	{"shufps", 0, 0, XX, 2, 0xff, {0x0f, 0xc6}},
	{"movq xmm, xmm", 0xf3, 0, XX, 2, 0, {0x0f, 0x7e}},
	{"pshufb", 0x66, 0, XX, 3, 0, {0x0f, 0x38, 0x00}},
	{"palignr", 0x66, 0, XX, 3, 0x1f, {0x0f, 0x3a, 0x0f}},
	{"blendvpd", 0x66, 0, XX, 3, 0, {0x0f, 0x38, 0x15}},
	{"blendvps", 0x66, 0, XX, 3, 0, {0x0f, 0x38, 0x14}},
	{"pblendvb", 0x66, 0, XX, 3, 0, {0x0f, 0x38, 0x10}},
	{"ptest", 0x66, 0, XX, 3, 0, {0x0f, 0x38, 0x17}},
	{"pmovzxbw", 0x66, 0, XX, 3, 0, {0x0f, 0x38, 0x30}},
	{"roundsd", 0x66, 0, XX, 3, 0x0f, {0x0f, 0x3a, 0x0b}},
	{"dpps", 0x66, 0, XX, 3, 0xff, {0x0f, 0x3a, 0x40}},
	{"insertps", 0x66, 0, XX, 3, 0xff, {0x0f, 0x3a, 0x21}},
	{"pcmpistri", 0x66, 0, XX, 3, 0x7f, {0x0f, 0x3a, 0x63}},
	{"pcmpistrm", 0x66, 0, XX, 3, 0x7f, {0x0f, 0x3a, 0x62}},
	{"pcmpestri", 0x66, 0, XX, 3, 0x7f, {0x0f, 0x3a, 0x61}},
	{"pcmpestrm", 0x66, 0, XX, 3, 0x7f, {0x0f, 0x3a, 0x60}},
	{"psrldq", 0x66, 0, NX(3), 2, 0x1f, {0x0f, 0x73}},
	{"psllq imm", 0x66, 0, NX(6), 2, 0x3f, {0x0f, 0x73}},
	{"psraw imm", 0x66, 0, NX(4), 2, 0x1f, {0x0f, 0x71}},
	{"cvttsd2si r64", 0xf2, 1, GX, 2, 0, {0x0f, 0x2c}},
	{"cvtsd2si r32", 0xf2, 0, GX, 2, 0, {0x0f, 0x2d}},
	{"cvttss2si r32", 0xf3, 0, GX, 2, 0, {0x0f, 0x2c}},
	{"pmovmskb", 0x66, 0, GX, 2, 0, {0x0f, 0xd7}},
	{"movmskpd", 0x66, 0, GX, 2, 0, {0x0f, 0x50}},
	{"pextrw r", 0x66, 0, GX, 2, 7, {0x0f, 0xc5}},
	{"cvtsi2sd r64", 0xf2, 1, XG, 2, 0, {0x0f, 0x2a}},
	{"cvtsi2ss r32", 0xf3, 0, XG, 2, 0, {0x0f, 0x2a}},
	{"movd xmm, r32", 0x66, 0, XG, 2, 0, {0x0f, 0x6e}},
	{"movq xmm, r64", 0x66, 1, XG, 2, 0, {0x0f, 0x6e}},
	{"movd r32, xmm", 0x66, 0, XG, 2, 0, {0x0f, 0x7e}}, /* reg is the xmm */
	{"movq r64, xmm", 0x66, 1, XG, 2, 0, {0x0f, 0x7e}},
	{"pinsrw r", 0x66, 0, XG, 2, 7, {0x0f, 0xc4}},
	{"pinsrq r", 0x66, 1, XG, 3, 1, {0x0f, 0x3a, 0x22}},
	{"pextrq r", 0x66, 1, XG, 3, 1, {0x0f, 0x3a, 0x16}},
	{"pextrb r", 0x66, 0, XG, 3, 15, {0x0f, 0x3a, 0x14}},
	{"extractps r", 0x66, 0, XG, 3, 3, {0x0f, 0x3a, 0x17}},
	{"crc32 r64", 0xf2, 1, GG, 3, 0, {0x0f, 0x38, 0xf1}},
	{"crc32 r32, r8", 0xf2, 0, GG, 3, 0, {0x0f, 0x38, 0xf0}},
};

/* Encodes op with ModRM.reg = r and ModRM.rm = m (registers, or with
 * memop: [rsi + disp] when disp >= 0, [rbx] otherwise); the length. */
static unsigned fenc(const struct fop_t *o, unsigned r, unsigned m, bool memop, int disp,
		     uint8_t imm, uint8_t *b)
{
	unsigned n = 0;
	uint8_t rex = (uint8_t)(0x40 | o->w << 3 | (r >= 8) << 2 | (!memop && m >= 8));

	if (o->kind >= NX0)
		r = o->kind >> 4;
	if (o->pfx)
		b[n++] = o->pfx;
	if (rex != 0x40)
		b[n++] = rex;
	memcpy(b + n, o->op, o->nop);
	n += o->nop;
	if (!memop) {
		b[n++] = (uint8_t)(0xc0 | (r & 7) << 3 | (m & 7));
	} else if (disp >= 0) {
		b[n++] = (uint8_t)(0x40 | (r & 7) << 3 | 6);
		b[n++] = (uint8_t)disp;
	} else {
		b[n++] = (uint8_t)((r & 7) << 3 | 3);
	}
	if (o->imm)
		b[n++] = imm & o->imm;
	return n;
}

/* Every XMM register 0-15 as ModRM.reg and as ModRM.rm (so every pair,
 * the same register twice, and XMM0 named next to its implicit use), and
 * every GPR but rsp, against the host. */
static void test_fast_regs(void **st)
{
	unsigned bad = 0, runs = 0;

	if (!host_has_all())
		skip();
	for (size_t k = 0; k < sizeof(fast_ops) / sizeof(fast_ops[0]); k++) {
		const struct fop_t *o = &fast_ops[k];

		for (unsigned r = 0; r < 16; r++) {
			for (unsigned m = 0; m < 16; m++) {
				struct nstate s;
				uint8_t b[16];
				char name[64];
				unsigned n;

				if ((o->kind == GX || o->kind == GG) && r == 4)
					continue;
				if ((o->kind == XG || o->kind == GG) && m == 4)
					continue;
				if (o->kind >= NX0 && r)
					continue; /* reg is the opcode extension */
				n = fenc(o, r, m, false, 0, (uint8_t)rnd(), b);
				snprintf(name, sizeof(name), "%s reg %u rm %u", o->name, r, m);
				rand_state(&s);
				runs++;
				if (!diff_one(name, b, n, &s, X86_MODE_64) && ++bad > 5)
					fail();
			}
		}
	}
	assert_int_equal(bad, 0);
	assert_true(runs > 10000);
}

/* Memory forms with every XMM register: loads, stores, implicit XMM0. */
static void test_fast_mem(void **st)
{
	static const struct fop_t ops[] = {
		{"movdqu load", 0xf3, 0, XX, 2, 0, {0x0f, 0x6f}},
		{"movdqu store", 0xf3, 0, XX, 2, 0, {0x0f, 0x7f}},
		{"movups store", 0, 0, XX, 2, 0, {0x0f, 0x11}},
		{"movsd store", 0xf2, 0, XX, 2, 0, {0x0f, 0x11}},
		{"movhps store", 0, 0, XX, 2, 0, {0x0f, 0x17}},
		{"movlpd load", 0x66, 0, XX, 2, 0, {0x0f, 0x12}},
		{"movd store", 0x66, 0, XX, 2, 0, {0x0f, 0x7e}},
		{"movq load", 0xf3, 0, XX, 2, 0, {0x0f, 0x7e}},
		{"addsd m64", 0xf2, 0, XX, 2, 0, {0x0f, 0x58}},
		{"cvtsi2sd m64", 0xf2, 1, XX, 2, 0, {0x0f, 0x2a}},
		{"cvttsd2si r64, m64", 0xf2, 1, GX, 2, 0, {0x0f, 0x2c}},
		{"pcmpistri m128", 0x66, 0, XX, 3, 0x7f, {0x0f, 0x3a, 0x63}},
		{"pcmpestrm m128", 0x66, 0, XX, 3, 0x7f, {0x0f, 0x3a, 0x60}},
		{"pextrb m8", 0x66, 0, XX, 3, 15, {0x0f, 0x3a, 0x14}},
		{"pinsrd m32", 0x66, 0, XX, 3, 3, {0x0f, 0x3a, 0x22}},
		{"pmovsxbq m16", 0x66, 0, XX, 3, 0, {0x0f, 0x38, 0x22}},
		{"crc32 r64, m64", 0xf2, 1, GX, 3, 0, {0x0f, 0x38, 0xf1}},
	};
	static const struct fop_t aligned[] = {
		{"pxor m128", 0x66, 0, XX, 2, 0, {0x0f, 0xef}},
		{"movaps store", 0, 0, XX, 2, 0, {0x0f, 0x29}},
		{"blendvpd m128", 0x66, 0, XX, 3, 0, {0x0f, 0x38, 0x15}},
		{"pblendvb m128", 0x66, 0, XX, 3, 0, {0x0f, 0x38, 0x10}},
		{"mulps m128", 0, 0, XX, 2, 0, {0x0f, 0x59}},
	};
	unsigned bad = 0;

	if (!host_has_all())
		skip();
	for (unsigned r = 0; r < 16; r++) {
		for (int run = 0; run < 4; run++) {
			for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
				struct nstate s;
				uint8_t b[16];
				char name[64];
				unsigned n;

				if (ops[k].kind == GX && r == 4)
					continue;
				n = fenc(&ops[k], r, 0, true, (int)(rnd() % 32), (uint8_t)rnd(), b);
				snprintf(name, sizeof(name), "%s reg %u", ops[k].name, r);
				rand_state(&s);
				if (!diff_one(name, b, n, &s, X86_MODE_64))
					bad++;
			}
			for (size_t k = 0; k < sizeof(aligned) / sizeof(aligned[0]); k++) {
				struct nstate s;
				uint8_t b[16];
				char name[64];
				unsigned n = fenc(&aligned[k], r, 0, true, -1, 0, b);

				snprintf(name, sizeof(name), "%s reg %u", aligned[k].name, r);
				rand_state(&s);
				if (!diff_one(name, b, n, &s, X86_MODE_64))
					bad++;
			}
		}
	}
	assert_int_equal(bad, 0);
}

static uint32_t host_mxcsr(void)
{
	uint32_t v;

	__asm__ volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static void set_host_mxcsr(uint32_t v)
{
	__asm__ volatile("ldmxcsr %0" ::"m"(v));
}

/* Unmasked SIMD exceptions on the fast path, with high registers and
 * memory operands: #XM (#UD without OSXMMEXCPT), nothing but the MXCSR
 * flag changed (SDM Vol. 1 §11.5.1); the host's MXCSR kept. */
static void test_fast_unmasked(void **st)
{
	static const uint8_t divsd_9_12[] = {0xf2, 0x45, 0x0f, 0x5e, 0xcc}; /* divsd xmm9, xmm12 */
	static const uint8_t divsd_0_15[] = {0xf2, 0x41, 0x0f, 0x5e, 0xc7}; /* divsd xmm0, xmm15 */
	static const uint8_t addsd_m[] = {0xf2, 0x44, 0x0f, 0x58, 0x6e, 0x08}; /* addsd xmm13, [rsi+8] */
	static const uint8_t cvtt_r9[] = {0xf2, 0x4d, 0x0f, 0x2c, 0xcb}; /* cvttsd2si r9, xmm11 */
	static const uint8_t comisd[] = {0x66, 0x45, 0x0f, 0x2f, 0xd3};  /* comisd xmm10, xmm11 */
	static const uint8_t roundsd[] = {0x66, 0x45, 0x0f, 0x3a, 0x0b, 0xe6, 0x00}; /* roundsd xmm12, xmm14, 0 */
	uint64_t one = 0x3ff0000000000000ull, snan = 0x7ff0000000000001ull;
	uint64_t third = 0x3fd5555555555555ull, half = 0x3fe8000000000001ull;
	uint8_t before[512];
	uint32_t hm = 0x3fa1; /* the host's: round down, IE and PE already set */

	cpu.gpr[6] = DATA + 0x200;
	set_host_mxcsr(hm);
	/* ZE: divsd xmm9, xmm12 with xmm12 = 0 */
	fx_set_u64(TCG_FX_XMM + 16 * 9, one);
	fx_set_u64(TCG_FX_XMM + 16 * 12, 0);
	fx_set_u32(TCG_FX_MXCSR, 0x1f80 & ~0x200u);
	memcpy(before, cpu.fxsave, 512);
	assert_int_equal(emu1(divsd_9_12, sizeof(divsd_9_12), X86_MODE_64), TCG_XM);
	assert_int_equal(host_mxcsr(), hm);
	assert_int_equal(fx_u32(TCG_FX_MXCSR), (0x1f80 & ~0x200u) | 4);
	fx_set_u32(TCG_FX_MXCSR, 0x1f80 & ~0x200u);
	assert_memory_equal(before, cpu.fxsave, 512);
	cpu.cr4 &= ~TCG_CR4_OSXMMEXCPT;
	assert_int_equal(emu1(divsd_9_12, sizeof(divsd_9_12), X86_MODE_64), TCG_UD);
	cpu.cr4 |= TCG_CR4_OSXMMEXCPT;
	/* the same with XMM0 and XMM15 */
	memcpy(cpu.fxsave + TCG_FX_XMM, cpu.fxsave + TCG_FX_XMM + 16 * 9, 16);
	memcpy(cpu.fxsave + TCG_FX_XMM + 16 * 15, cpu.fxsave + TCG_FX_XMM + 16 * 12, 16);
	fx_set_u32(TCG_FX_MXCSR, 0x1f80 & ~0x200u);
	memcpy(before, cpu.fxsave, 512);
	assert_int_equal(emu1(divsd_0_15, sizeof(divsd_0_15), X86_MODE_64), TCG_XM);
	fx_set_u32(TCG_FX_MXCSR, 0x1f80 & ~0x200u);
	assert_memory_equal(before, cpu.fxsave, 512);
	/* masked: the quotient, the flag, no fault */
	fx_set_u32(TCG_FX_MXCSR, 0x1f80);
	assert_int_equal(emu1(divsd_0_15, sizeof(divsd_0_15), X86_MODE_64), -1);
	assert_int_equal(fx_u64(TCG_FX_XMM), 0x7ff0000000000000ull);
	assert_int_equal(fx_u32(TCG_FX_MXCSR), 0x1f84);
	assert_int_equal(host_mxcsr(), hm);
	/* IE from a memory SNaN */
	memcpy(dmem(0x208), &snan, 8);
	fx_set_u64(TCG_FX_XMM + 16 * 13, one);
	fx_set_u32(TCG_FX_MXCSR, 0x1f80 & ~0x80u);
	memcpy(before, cpu.fxsave, 512);
	assert_int_equal(emu1(addsd_m, sizeof(addsd_m), X86_MODE_64), TCG_XM);
	assert_int_equal(fx_u32(TCG_FX_MXCSR), (0x1f80 & ~0x80u) | 1);
	fx_set_u32(TCG_FX_MXCSR, 0x1f80 & ~0x80u);
	assert_memory_equal(before, cpu.fxsave, 512);
	/* a GPR destination stays */
	fx_set_u64(TCG_FX_XMM + 16 * 11, snan);
	cpu.gpr[9] = 0x1234;
	assert_int_equal(emu1(cvtt_r9, sizeof(cvtt_r9), X86_MODE_64), TCG_XM);
	assert_int_equal(cpu.gpr[9], 0x1234);
	/* so do the flags */
	cpu.rflags = 2 | TCG_OF | TCG_SF;
	fx_set_u32(TCG_FX_MXCSR, 0x1f80 & ~0x80u);
	assert_int_equal(emu1(comisd, sizeof(comisd), X86_MODE_64), TCG_XM);
	assert_int_equal(cpu.rflags, 2 | TCG_OF | TCG_SF);
	fx_set_u32(TCG_FX_MXCSR, 0x1f80);
	assert_int_equal(emu1(comisd, sizeof(comisd), X86_MODE_64), -1);
	assert_int_equal(cpu.rflags & TCG_ARITH, TCG_ZF | TCG_PF | TCG_CF); /* unordered */
	/* PE after the result is known: still #XM with the destination kept */
	fx_set_u64(TCG_FX_XMM + 16 * 12, third);
	fx_set_u64(TCG_FX_XMM + 16 * 14, half);
	fx_set_u32(TCG_FX_MXCSR, 0x1f80 & ~0x1000u);
	assert_int_equal(emu1(roundsd, sizeof(roundsd), X86_MODE_64), TCG_XM);
	assert_int_equal(fx_u64(TCG_FX_XMM + 16 * 12), third);
	assert_int_equal(fx_u32(TCG_FX_MXCSR), (0x1f80 & ~0x1000u) | 0x20);
	/* a guest rounding mode is used and not left on the host */
	fx_set_u32(TCG_FX_MXCSR, 0x1f80 | 0x4000); /* round up */
	assert_int_equal(emu1(roundsd, sizeof(roundsd), X86_MODE_64), -1);
	assert_int_equal(fx_u64(TCG_FX_XMM + 16 * 12), one);
	assert_int_equal(fx_u32(TCG_FX_MXCSR), 0x1f80 | 0x4000 | 0x20);
	assert_int_equal(host_mxcsr(), hm);
	set_host_mxcsr(0x1f80);
}

/* What the host is left with: its own FCW and MXCSR, an empty x87 stack,
 * nothing pending, whatever path an instruction took. */
static void test_host_state(void **st)
{
	static const struct {
		unsigned len;
		uint8_t b[8];
	} code[] = {
		{4, {0x66, 0x0f, 0xef, 0xca}},             /* pxor: MXCSR untouched */
		{4, {0xf2, 0x0f, 0x58, 0xca}},             /* addsd */
		{6, {0x66, 0x0f, 0x3a, 0x0b, 0xca, 0x00}}, /* roundsd */
		{3, {0x0f, 0xfc, 0xca}},                   /* paddb mm1, mm2 */
		{3, {0x0f, 0x2a, 0xca}},                   /* cvtpi2ps xmm1, mm2 */
		{2, {0xd9, 0xe8}},                         /* fld1 */
		{2, {0xd8, 0xc1}},                         /* fadd */
		{2, {0xd9, 0xee}},                         /* fldz */
		{2, {0xd8, 0xf9}},                         /* fdivr st0, st1: 1/0, ZE */
		{2, {0xd8, 0xf1}},                         /* fdiv: #MF if ZE unmasked */
		{2, {0xdb, 0xe3}},                         /* fninit */
		{2, {0xd8, 0xc1}},                         /* fadd, empty stack: IE */
	};
	static const uint16_t fcws[] = {0x037f, 0x027f, 0x037e, 0x0f7f};
	static const uint16_t guest_fcws[] = {0x037f, 0x037b};
	uint8_t fx[512] __attribute__((aligned(16)));
	uint32_t hm = 0x5f80, mx;

	for (size_t h = 0; h < sizeof(fcws) / sizeof(fcws[0]); h++) {
		for (size_t gcw = 0; gcw < 2; gcw++) {
			tcg_fpu_reset(&cpu);
			memcpy(cpu.fxsave, &guest_fcws[gcw], 2);
			for (size_t k = 0; k < sizeof(code) / sizeof(code[0]); k++) {
				uint16_t cw, fsw;
				int v;

				if (k == 5 || k == 10) /* the x87 part starts clean */
					memset(cpu.fxsave + TCG_FX_FSW, 0, 4);
				__asm__ volatile("fldcw %0" ::"m"(fcws[h]));
				set_host_mxcsr(hm);
				v = emu1(code[k].b, code[k].len, X86_MODE_64);
				__asm__ volatile("fnstcw %0\n\tfxsave64 %1" : "=m"(cw), "=m"(fx));
				set_host_mxcsr(0x1f80);
				__asm__ volatile("fninit");
				assert_true(v == -1 || v == TCG_MF);
				memcpy(&fsw, fx + 2, 2);
				assert_int_equal(cw, fcws[h]);
				assert_int_equal(fx[4], 0);                /* all tags empty */
				assert_int_equal(fsw & 0x80, 0);           /* no ES */
				assert_int_equal(fsw & ~cw & 0x3f, 0);     /* nothing to unmask */
				memcpy(&mx, fx + 24, 4);
				assert_int_equal(mx, hm);
			}
		}
	}
}

/* More encodings than the stub table holds: the scratch stub takes over,
 * for both paths. PSHUFW's register numbers stay in the stubs (the full
 * path); PSHUFD's are renamed to xmm0-2 by the fast path, so then most
 * of its stubs are new ones as well. */
static void test_table_full(void **st)
{
	unsigned before = code_allocs;

	for (unsigned k = 0; k < 8 * 8 * 256; k++) {
		unsigned a = k % 8, b = (k / 8) % 8, imm = k / 64;
		uint8_t code[] = {0x0f, 0x70, (uint8_t)(0xc0 | a << 3 | b), (uint8_t)imm};
		uint16_t src[4], dst[4];

		for (int j = 0; j < 4; j++)
			src[j] = (uint16_t)(k * 4 + j);
		memcpy(cpu.fxsave + TCG_FX_ST + 16 * b, src, 8);
		assert_int_equal(emu1(code, 4, X86_MODE_64), -1);
		memcpy(dst, cpu.fxsave + TCG_FX_ST + 16 * a, 8);
		for (int j = 0; j < 4; j++)
			assert_int_equal(dst[j], src[(imm >> (2 * j)) & 3]);
	}
	for (unsigned k = 0; k < 16 * 16 * 256; k++) {
		unsigned a = k % 16, b = (k / 16) % 16, imm = k / 256;
		uint8_t code[] = {0x66, (uint8_t)(0x40 | (a >= 8) << 2 | (b >= 8)), 0x0f, 0x70,
				  (uint8_t)(0xc0 | (a & 7) << 3 | (b & 7)), (uint8_t)imm};
		uint32_t src[4], dst[4];

		for (int j = 0; j < 4; j++)
			src[j] = (uint32_t)(k * 4 + j);
		memcpy(cpu.fxsave + TCG_FX_XMM + 16 * b, src, 16);
		assert_int_equal(emu1(code, 6, X86_MODE_64), -1);
		memcpy(dst, cpu.fxsave + TCG_FX_XMM + 16 * a, 16);
		for (int j = 0; j < 4; j++)
			assert_int_equal(dst[j], src[(imm >> (2 * j)) & 3]);
	}
	/* chunks of 256 stubs, not one allocation per instruction */
	assert_true(code_allocs - before < 64);
}

static void test_cpuid_reset(void **st)
{
	uint32_t ecx, edx;

	tcg_fpu_cpuid(&ecx, &edx);
	assert_int_equal(edx, (1u << 0 | 1u << 23 | 1u << 24 | 1u << 25 | 1u << 26));
	assert_int_equal(ecx & ~0x180201u, 0);
	memset(cpu.fxsave, 0x55, 512);
	tcg_fpu_reset(&cpu);
	assert_int_equal(fx_u16(TCG_FX_FCW), 0x037f);
	assert_int_equal(fx_u16(TCG_FX_FSW), 0);
	assert_int_equal(cpu.fxsave[TCG_FX_FTW], 0);
	assert_int_equal(fx_u32(TCG_FX_MXCSR), 0x1f80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_cpuid_reset, setup),
		cmocka_unit_test_setup(test_against_host, setup),
		cmocka_unit_test_setup(test_32bit_mode, setup),
		cmocka_unit_test_setup(test_refused, setup),
		cmocka_unit_test_setup(test_misaligned, setup),
		cmocka_unit_test_setup(test_cr0_cr4, setup),
		cmocka_unit_test_setup(test_x87_unmasked, setup),
		cmocka_unit_test_setup(test_x87_unmasked_store, setup),
		cmocka_unit_test_setup(test_x87_pointers, setup),
		cmocka_unit_test_setup(test_sse_unmasked, setup),
		cmocka_unit_test_setup(test_mxcsr, setup),
		cmocka_unit_test_setup(test_fxsave_fxrstor, setup),
		cmocka_unit_test_setup(test_store_fault, setup),
		cmocka_unit_test_setup(test_threads, setup),
		cmocka_unit_test_setup(test_fast_regs, setup),
		cmocka_unit_test_setup(test_fast_mem, setup),
		cmocka_unit_test_setup(test_fast_unmasked, setup),
		cmocka_unit_test_setup(test_host_state, setup),
		cmocka_unit_test_setup(test_table_full, setup),
	};

	mem = mmap((void *)BASE, MEMSZ, PROT_READ | PROT_WRITE | PROT_EXEC,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (mem != (void *)BASE) {
		printf("cannot map guest memory at %#llx\n", BASE);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
