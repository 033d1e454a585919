/* Unit tests for x86/decode.c: directed cases from the SDM (Vol. 2 ch. 2
 * examples and instruction pages), then a differential run against GNU
 * objdump over assembled and random bytes (build/gen/decode_diff.h, made by
 * tests/unit/gen_decode_diff.py). */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <stdio.h>  /* printf for mismatch reports */
#include <stdlib.h> /* strtoull */

#include "x86/decode.h"

struct decode_sample {
	uint8_t mode;
	uint32_t addr;
	uint8_t nbytes;
	uint8_t len; /* objdump's */
	uint8_t bytes[16];
	const char *text;
};
#include "decode_diff.h" /* generated: decode_directed[], decode_random[] */

#define DEC(mode, ...)                                                         \
	({                                                                     \
		static const uint8_t b_[] = {__VA_ARGS__};                    \
		x86_decode(b_, sizeof(b_), (mode), &in);                       \
	})

static void test_rex_w_mov(void **state)
{
	struct x86_insn in;

	/* 48 89 d8: mov %rbx,%rax */
	assert_int_equal(DEC(X86_MODE_64, 0x48, 0x89, 0xd8), 0);
	assert_int_equal(in.length, 3);
	assert_true(in.rex_w);
	assert_int_equal(in.opsize, 64);
	assert_int_equal(in.mod, 3);
	assert_int_equal(in.reg, 3);
	assert_int_equal(in.rm, 0);
	/* 49 bf imm64: movabs $0x1122334455667788,%r15 */
	assert_int_equal(DEC(X86_MODE_64, 0x49, 0xbf, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22,
			     0x11), 0);
	assert_int_equal(in.length, 10);
	assert_int_equal(in.imm_size[0], 8);
	assert_int_equal(in.imm[0], 0x1122334455667788ULL);
	/* without REX.W the same opcode takes imm32 */
	assert_int_equal(DEC(X86_MODE_64, 0xb8, 1, 2, 3, 4), 0);
	assert_int_equal(in.length, 5);
	/* 4c 8b 2c 24: mov (%rsp),%r13 (SIB base rsp, no index) */
	assert_int_equal(DEC(X86_MODE_64, 0x4c, 0x8b, 0x2c, 0x24), 0);
	assert_int_equal(in.reg, 13);
	assert_true(in.has_sib);
	assert_int_equal(in.base, 4);
	assert_int_equal(in.index, X86_REG_NONE);
}

static void test_rip_relative(void **state)
{
	struct x86_insn in;
	uint64_t gpr[16] = {0};

	/* 48 8b 05 10 00 00 00: mov 0x10(%rip),%rax */
	assert_int_equal(DEC(X86_MODE_64, 0x48, 0x8b, 0x05, 0x10, 0, 0, 0), 0);
	assert_int_equal(in.length, 7);
	assert_true(in.rip_rel);
	assert_int_equal(in.disp, 0x10);
	assert_int_equal(x86_insn_ea(&in, gpr, 0x1000), 0x1010);
	/* same bytes in 32-bit mode: absolute disp32 */
	assert_int_equal(DEC(X86_MODE_32, 0x8b, 0x05, 0x10, 0, 0, 0), 0);
	assert_false(in.rip_rel);
	assert_int_equal(x86_insn_ea(&in, gpr, 0x1000), 0x10);
	/* SIB base 101 mod 00 is disp32 with no base, not RIP: 8b 04 25 */
	assert_int_equal(DEC(X86_MODE_64, 0x8b, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12), 0);
	assert_false(in.rip_rel);
	assert_int_equal(in.base, X86_REG_NONE);
	assert_int_equal(in.index, X86_REG_NONE);
	assert_int_equal(x86_insn_ea(&in, gpr, 0x1000), 0x12345678);
}

static void test_sib_disp(void **state)
{
	struct x86_insn in;
	uint64_t gpr[16] = {0};

	gpr[0] = 0x1000;
	gpr[12] = 3;
	gpr[13] = 0x500;
	/* 4b 8b 4c a0 f0: mov -0x10(%r8,%r12,4),%rcx */
	gpr[8] = 0x2000;
	assert_int_equal(DEC(X86_MODE_64, 0x4b, 0x8b, 0x4c, 0xa0, 0xf0), 0);
	assert_int_equal(in.length, 5);
	assert_int_equal(in.base, 8);
	assert_int_equal(in.index, 12); /* REX.X makes 100 a real index */
	assert_int_equal(in.scale, 4);
	assert_int_equal(in.disp_size, 1);
	assert_int_equal(in.disp, -16);
	assert_int_equal(x86_insn_ea(&in, gpr, 0), 0x2000 + 12 - 16);
	/* 41 8b 45 00: mov 0x0(%r13),%eax needs disp8 (r13 like rbp) */
	assert_int_equal(DEC(X86_MODE_64, 0x41, 0x8b, 0x45, 0x00), 0);
	assert_int_equal(in.base, 13);
	assert_int_equal(in.disp_size, 1);
	/* 8b 80 disp32: mov 0x12345678(%rax),%eax */
	assert_int_equal(DEC(X86_MODE_64, 0x8b, 0x80, 0x78, 0x56, 0x34, 0x12), 0);
	assert_int_equal(in.length, 6);
	assert_int_equal(in.disp_size, 4);
	assert_int_equal(x86_insn_ea(&in, gpr, 0), 0x12345678 + 0x1000);
	/* 67 prefix: 32-bit address wraps */
	gpr[0] = 0xffffffff;
	assert_int_equal(DEC(X86_MODE_64, 0x67, 0x8b, 0x40, 0x01), 0);
	assert_int_equal(in.addrsize, 32);
	assert_int_equal(x86_insn_ea(&in, gpr, 0), 0);
}

static void test_opsize_prefix(void **state)
{
	struct x86_insn in;

	/* 66 81 c0 iw vs 81 c0 id */
	assert_int_equal(DEC(X86_MODE_64, 0x66, 0x81, 0xc0, 0x34, 0x12), 0);
	assert_int_equal(in.length, 5);
	assert_int_equal(in.opsize, 16);
	assert_int_equal(in.imm_size[0], 2);
	assert_int_equal(DEC(X86_MODE_32, 0x81, 0xc0, 1, 2, 3, 4), 0);
	assert_int_equal(in.length, 6);
	/* 16-bit code: 66 makes it 32 */
	assert_int_equal(DEC(X86_MODE_16, 0x66, 0xb8, 1, 2, 3, 4), 0);
	assert_int_equal(in.length, 6);
	assert_int_equal(in.opsize, 32);
	/* near branches ignore 66 in 64-bit mode (Intel): e8 rel32 */
	assert_int_equal(DEC(X86_MODE_64, 0x66, 0xe8, 1, 2, 3, 4), 0);
	assert_int_equal(in.length, 6);
	assert_true(in.imm_rel);
	/* push defaults to 64 bits, 66 gives 16 */
	assert_int_equal(DEC(X86_MODE_64, 0x50), 0);
	assert_int_equal(in.opsize, 64);
	assert_int_equal(DEC(X86_MODE_64, 0x66, 0x6a, 1), 0);
	assert_int_equal(in.opsize, 16);
	/* ENTER iw, ib */
	assert_int_equal(DEC(X86_MODE_64, 0xc8, 0x10, 0x00, 0x02), 0);
	assert_int_equal(in.length, 4);
	assert_int_equal(in.nimm, 2);
	assert_int_equal(in.imm[0], 0x10);
	assert_int_equal(in.imm[1], 2);
	/* moffs: 64-bit address, 32-bit with 67 */
	assert_int_equal(DEC(X86_MODE_64, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8), 0);
	assert_int_equal(in.length, 9);
	assert_int_equal(DEC(X86_MODE_64, 0x67, 0xa1, 1, 2, 3, 4), 0);
	assert_int_equal(in.length, 6);
}

static void test_segments(void **state)
{
	struct x86_insn in;

	assert_int_equal(DEC(X86_MODE_64, 0x65, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0), 0);
	assert_int_equal(in.seg, X86_SEG_GS);
	assert_int_equal(x86_insn_seg(&in), X86_SEG_GS);
	assert_int_equal(DEC(X86_MODE_64, 0x2e, 0x8b, 0x00), 0);
	assert_int_equal(in.seg, X86_SEG_CS);
	assert_int_equal(x86_insn_seg(&in), X86_SEG_DS); /* ignored in 64-bit */
	assert_int_equal(DEC(X86_MODE_32, 0x8b, 0x45, 0x08), 0); /* 8(%ebp) */
	assert_int_equal(x86_insn_seg(&in), X86_SEG_SS);
	assert_int_equal(DEC(X86_MODE_32, 0x26, 0x8b, 0x45, 0x08), 0);
	assert_int_equal(x86_insn_seg(&in), X86_SEG_ES);
	/* REX before a legacy prefix is dropped */
	assert_int_equal(DEC(X86_MODE_64, 0x48, 0x66, 0x89, 0xc0), 0);
	assert_int_equal(in.rex, 0);
	assert_int_equal(in.opsize, 16);
}

static void test_invalid(void **state)
{
	struct x86_insn in;
	static const uint8_t inv64[] = {0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f,
					0x37, 0x3f, 0x60, 0x61, 0x82, 0x9a, 0xce, 0xd4,
					0xd5, 0xd6, 0xea};
	uint8_t b[16] = {0};
	unsigned int k;

	for (k = 0; k < sizeof(inv64); k++) {
		b[0] = inv64[k];
		assert_int_equal(x86_decode(b, 16, X86_MODE_64, &in), -X86_EINVAL);
		assert_int_not_equal(x86_decode(b, 16, X86_MODE_32, &in), -X86_EINVAL);
	}
	/* LOCK on mov, on a register destination, on cmp */
	assert_int_equal(DEC(X86_MODE_64, 0xf0, 0x89, 0x03), -X86_EINVAL);
	assert_int_equal(DEC(X86_MODE_64, 0xf0, 0x01, 0xc3), -X86_EINVAL);
	assert_int_equal(DEC(X86_MODE_64, 0xf0, 0x83, 0x38, 1), -X86_EINVAL);
	assert_int_equal(DEC(X86_MODE_64, 0xf0, 0x83, 0x00, 1), 0);
	assert_true(in.p_lock);
	/* lea with a register, 0F 0B ud2 decodes (it raises #UD when run) */
	assert_int_equal(DEC(X86_MODE_64, 0x8d, 0xc0), -X86_EINVAL);
	assert_int_equal(DEC(X86_MODE_64, 0x0f, 0x0b), 0);
	/* VEX after 66 */
	assert_int_equal(DEC(X86_MODE_64, 0x66, 0xc5, 0xf1, 0xef, 0xc2), -X86_EINVAL);
}

static void test_limits(void **state)
{
	struct x86_insn in;
	uint8_t b[32];
	unsigned int k;

	/* 14 prefixes + nop = 15 bytes: fine; one more: #GP */
	memset(b, 0x66, sizeof(b));
	b[14] = 0x90;
	assert_int_equal(x86_decode(b, 32, X86_MODE_64, &in), 0);
	assert_int_equal(in.length, 15);
	b[14] = 0x66;
	b[15] = 0x90;
	assert_int_equal(x86_decode(b, 32, X86_MODE_64, &in), -X86_ETOOLONG);
	/* 66 67 f0 2e + lock add with SIB disp32 imm32: 4+1+1+1+4+4 = 15 */
	memcpy(b, (uint8_t[]){0x67, 0x2e, 0xf0, 0x48, 0x81, 0x84, 0x88, 1, 2, 3, 4, 5, 6, 7, 8},
	       15);
	assert_int_equal(x86_decode(b, 15, X86_MODE_64, &in), 0);
	assert_int_equal(in.length, 15);
	b[0] = 0x66; /* 66 + REX.W: still imm32 */
	for (k = 0; k < 15; k++)
		assert_int_equal(x86_decode(b, k, X86_MODE_64, &in), -X86_EAGAIN);
	/* truncated at every byte of a VEX instruction */
	memcpy(b, (uint8_t[]){0xc4, 0xe3, 0x75, 0x38, 0x50, 0x10, 0x01}, 7);
	for (k = 0; k < 7; k++)
		assert_int_equal(x86_decode(b, k, X86_MODE_64, &in), -X86_EAGAIN);
	assert_int_equal(x86_decode(b, 7, X86_MODE_64, &in), 0);
}

static void test_16bit(void **state)
{
	struct x86_insn in;
	uint64_t gpr[16] = {0};

	gpr[3] = 0x1000; /* bx */
	gpr[6] = 0xf234; /* si */
	/* 8b 00: mov (%bx,%si),%ax, wraps at 64K */
	assert_int_equal(DEC(X86_MODE_16, 0x8b, 0x00), 0);
	assert_int_equal(in.length, 2);
	assert_int_equal(in.base, 3);
	assert_int_equal(in.index, 6);
	assert_int_equal(x86_insn_ea(&in, gpr, 0), 0x0234);
	/* 8b 06 34 12: mov 0x1234,%ax (rm 110 mod 00 is disp16) */
	assert_int_equal(DEC(X86_MODE_16, 0x8b, 0x06, 0x34, 0x12), 0);
	assert_int_equal(in.length, 4);
	assert_int_equal(in.base, X86_REG_NONE);
	assert_int_equal(x86_insn_ea(&in, gpr, 0), 0x1234);
	/* 8b 46 fe: mov -2(%bp),%ax: SS */
	assert_int_equal(DEC(X86_MODE_16, 0x8b, 0x46, 0xfe), 0);
	assert_int_equal(in.disp, -2);
	assert_int_equal(x86_insn_seg(&in), X86_SEG_SS);
	/* 67 in 16-bit code: 32-bit addressing with SIB */
	assert_int_equal(DEC(X86_MODE_16, 0x67, 0x8b, 0x04, 0x98), 0);
	assert_int_equal(in.length, 4);
	assert_true(in.has_sib);
}

static void test_vex(void **state)
{
	struct x86_insn in;

	/* c5 f1 ef c2: vpxor %xmm2,%xmm1,%xmm0 */
	assert_int_equal(DEC(X86_MODE_64, 0xc5, 0xf1, 0xef, 0xc2), 0);
	assert_int_equal(in.length, 4);
	assert_int_equal(in.vex, X86_VEX_C5);
	assert_int_equal(in.map, X86_MAP_0F);
	assert_int_equal(in.opcode, 0xef);
	assert_int_equal(in.vex_vvvv, 1);
	assert_int_equal(in.vex_pp, 1);
	assert_int_equal(in.vex_l, 0);
	/* c4 41 35 ef c0: vpxor %ymm8,%ymm9,%ymm8 */
	assert_int_equal(DEC(X86_MODE_64, 0xc4, 0x41, 0x35, 0xef, 0xc0), 0);
	assert_int_equal(in.vex, X86_VEX_C4);
	assert_int_equal(in.vex_mmmmm, 1);
	assert_int_equal(in.vex_vvvv, 9);
	assert_int_equal(in.vex_l, 1);
	assert_int_equal(in.reg, 8);
	assert_int_equal(in.rm, 8);
	/* 32-bit: c5 with mod != 11 is LDS */
	assert_int_equal(DEC(X86_MODE_32, 0xc5, 0x06), 0);
	assert_int_equal(in.vex, 0);
	assert_int_equal(in.opcode, 0xc5);
	assert_int_equal(DEC(X86_MODE_32, 0xc5, 0xf1, 0xef, 0xc2), 0);
	assert_int_equal(in.vex, X86_VEX_C5);
	/* 0F 3A map via VEX: vinserti128 has ib */
	assert_int_equal(DEC(X86_MODE_64, 0xc4, 0xe3, 0x75, 0x38, 0xd0, 0x01), 0);
	assert_int_equal(in.length, 6);
	assert_int_equal(in.map, X86_MAP_0F3A);
}

static void test_memop(void **state)
{
	struct x86_insn in;
	struct x86_memop m;

	/* 89 07: mov %eax,(%rdi) */
	assert_int_equal(DEC(X86_MODE_64, 0x89, 0x07), 0);
	assert_int_equal(x86_insn_memop(&in, &m), 0);
	assert_int_equal(m.kind, X86_MEMOP_MOV);
	assert_true(m.store && !m.load);
	assert_int_equal(m.size, 4);
	assert_int_equal(m.reg, 0);
	/* 8a 67 01: mov 1(%rdi),%ah */
	assert_int_equal(DEC(X86_MODE_64, 0x8a, 0x67, 0x01), 0);
	assert_int_equal(x86_insn_memop(&in, &m), 0);
	assert_true(m.load && m.reg_high8 && m.reg == 4 && m.size == 1);
	/* 48 c7 00 ff ff ff ff: movq $-1,(%rax) */
	assert_int_equal(DEC(X86_MODE_64, 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff), 0);
	assert_int_equal(x86_insn_memop(&in, &m), 0);
	assert_true(m.has_imm && m.imm == ~0ULL && m.size == 8);
	/* 0f b7 08: movzwl (%rax),%ecx */
	assert_int_equal(DEC(X86_MODE_64, 0x0f, 0xb7, 0x08), 0);
	assert_int_equal(x86_insn_memop(&in, &m), 0);
	assert_true(m.kind == X86_MEMOP_MOVZX && m.size == 2 && m.reg_size == 4 && m.reg == 1);
	/* 83 08 80: orl $-0x80,(%rax) */
	assert_int_equal(DEC(X86_MODE_64, 0x83, 0x08, 0x80), 0);
	assert_int_equal(x86_insn_memop(&in, &m), 0);
	assert_true(m.kind == X86_MEMOP_ALU && m.alu == X86_ALU_OR && m.load && m.store);
	assert_int_equal(m.imm, 0xffffff80);
	/* 39 08: cmp %ecx,(%rax) only reads */
	assert_int_equal(DEC(X86_MODE_64, 0x39, 0x08), 0);
	assert_int_equal(x86_insn_memop(&in, &m), 0);
	assert_true(m.alu == X86_ALU_CMP && m.load && !m.store);
	/* f3 48 a5: rep movsq */
	assert_int_equal(DEC(X86_MODE_64, 0xf3, 0x48, 0xa5), 0);
	assert_int_equal(x86_insn_memop(&in, &m), 0);
	assert_true(m.kind == X86_MEMOP_STRING && m.str == X86_STR_MOVS && m.size == 8);
	/* 66 6f: outsw */
	assert_int_equal(DEC(X86_MODE_32, 0x66, 0x6f), 0);
	assert_int_equal(x86_insn_memop(&in, &m), 0);
	assert_true(m.str == X86_STR_OUTS && m.size == 2 && m.load && !m.store);
	/* a3 moffs64: movabs %eax,addr */
	assert_int_equal(DEC(X86_MODE_64, 0xa3, 8, 7, 6, 5, 4, 3, 2, 1), 0);
	assert_int_equal(x86_insn_memop(&in, &m), 0);
	assert_true(m.store && m.size == 4 && m.reg == 0);
	/* 66 0f 7e 00: movd %xmm0,(%rax); 0f c3 08: movnti %ecx,(%rax) */
	assert_int_equal(DEC(X86_MODE_64, 0x66, 0x0f, 0x7e, 0x00), 0);
	assert_int_equal(x86_insn_memop(&in, &m), 0);
	assert_true(m.store && m.size == 4 && m.regfile == X86_RF_XMM);
	assert_int_equal(DEC(X86_MODE_64, 0x48, 0x0f, 0xc3, 0x08), 0);
	assert_int_equal(x86_insn_memop(&in, &m), 0);
	assert_true(m.store && m.size == 8 && m.reg == 1);
	/* 87 08: xchg; 89 c0 has no memory */
	assert_int_equal(DEC(X86_MODE_64, 0x87, 0x08), 0);
	assert_int_equal(x86_insn_memop(&in, &m), 0);
	assert_int_equal(m.kind, X86_MEMOP_XCHG);
	assert_int_equal(DEC(X86_MODE_64, 0x89, 0xc0), 0);
	assert_int_equal(x86_insn_memop(&in, &m), -X86_ENOTSUP);
}

/* ---- differential against objdump ---- */

static bool only_prefixes(const char *t)
{
	static const char *const names[] = {"rex", "rex.", "data16", "data32", "addr16",
					    "addr32", "lock", "rep", "repz", "repnz", "cs",
					    "ds", "es", "ss", "fs", "gs", "bnd", "notrack",
					    "xacquire", "xrelease", NULL};
	char w[32];
	int n;

	while (sscanf(t, "%31s%n", w, &n) == 1) {
		unsigned int k;
		bool hit = false;

		for (k = 0; names[k]; k++)
			hit |= strcmp(w, names[k]) == 0 ||
				(strncmp(w, "rex.", 4) == 0 && strlen(w) <= 8);
		if (!hit)
			return false;
		t += n;
	}
	return true;
}

/* Where objdump decodes and Intel raises #UD: LOCK misuse, AMD-only
 * encodings (XOP 8F, 3DNow!, SSE4a, FEMMS), 386-era MOV TRn, and a few
 * reserved slots objdump names anyway. */
static bool known_intel_invalid(const struct decode_sample *s)
{
	static const char *const words[] = {"lock", "extrq", "insertq", "femms", "%tr",
					    "(bad)", NULL};
	unsigned int k;

	for (k = 0; words[k]; k++)
		if (strstr(s->text, words[k]))
			return true;
	return false;
}

/* The $imm and disp(...) that objdump prints must be among ours. */
static bool facts_agree(const struct decode_sample *s, const struct x86_insn *in)
{
	const char *p = strstr(s->text, "$0x");
	unsigned int k;

	if (p && !in->imm_rel) {
		uint64_t v = strtoull(p + 3, NULL, 16);
		bool ok = false;

		for (k = 0; k < in->nimm; k++) {
			uint64_t raw = in->imm[k];
			unsigned int sh = 64 - 8 * in->imm_size[k];
			int64_t sx = sh < 64 ? (int64_t)(raw << sh) >> sh : (int64_t)raw;

			ok |= v == raw || v == (uint64_t)sx || v == ((uint64_t)sx & 0xffffffff) ||
			      v == ((uint64_t)sx & 0xffff);
		}
		if (!ok)
			return false;
	}
	if (strstr(s->text, "(%rip)") && !in->rip_rel)
		return false;
	if (in->imm_rel && in->nimm == 1 && s->text[0] != 'x') {
		/* branch target: the first hex word after the mnemonic */
		const char *t = strchr(s->text, ' ');
		int64_t rel = in->imm[0];
		unsigned int sh = 64 - 8 * in->imm_size[0];
		uint64_t target, mask = s->mode == 64 ? ~0ULL : s->mode == 32 ? 0xffffffff : 0xffff;

		rel = (int64_t)((uint64_t)rel << sh) >> sh;
		if (!t || sscanf(t, " %lx", &target) != 1)
			return true;
		if (((s->addr + in->length + rel) & mask) != (target & mask))
			return false;
	}
	return true;
}

static unsigned int run_samples(const struct decode_sample *s, size_t n, bool facts,
				unsigned int *compared)
{
	unsigned int bad = 0, k;

	*compared = 0;
	for (k = 0; k < n; k++, s++) {
		struct x86_insn in;
		int r;

		if (strstr(s->text, "(bad)") || only_prefixes(s->text))
			continue;
		if (s->bytes[0] == 0x9b && s->len > 1)
			continue; /* objdump folds FWAIT into the next x87 op */
		r = x86_decode(s->bytes, s->nbytes, (enum x86_mode)s->mode, &in);
		if (r == 0 && in.length == s->len && (!facts || facts_agree(s, &in))) {
			(*compared)++;
			continue;
		}
		if (r == -X86_EINVAL && known_intel_invalid(s)) {
			if (getenv("DECODE_VERBOSE"))
				printf("intel-invalid: mode %u '%s'\n", s->mode, s->text);
			continue;
		}
		if (r == -X86_EAGAIN && strncmp(s->text, ".byte", 5) == 0)
			continue; /* the blob ends inside an instruction */
		printf("decode mismatch: mode %u at %#x len %u '%s': r=%d ours=%u\n", s->mode,
		       s->addr, s->len, s->text, r, r ? 0 : in.length);
		bad++;
	}
	return bad;
}

static void test_objdump_directed(void **state)
{
	unsigned int cmp, bad;

	bad = run_samples(decode_directed, sizeof(decode_directed) / sizeof(decode_directed[0]),
			  true, &cmp);
	printf("objdump directed: %u compared, %u mismatches\n", cmp, bad);
	assert_int_equal(bad, 0);
	assert_true(cmp > 500);
}

static void test_objdump_random(void **state)
{
	unsigned int cmp, bad;

	bad = run_samples(decode_random, sizeof(decode_random) / sizeof(decode_random[0]), false,
			  &cmp);
	printf("objdump random: %u compared, %u mismatches\n", cmp, bad);
	assert_int_equal(bad, 0);
	assert_true(cmp > 3000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rex_w_mov),    cmocka_unit_test(test_rip_relative),
		cmocka_unit_test(test_sib_disp),     cmocka_unit_test(test_opsize_prefix),
		cmocka_unit_test(test_segments),     cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_limits),       cmocka_unit_test(test_16bit),
		cmocka_unit_test(test_vex),          cmocka_unit_test(test_memop),
		cmocka_unit_test(test_objdump_directed), cmocka_unit_test(test_objdump_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
