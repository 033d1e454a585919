/* tcg/flags.c and tcg/alu_ext.c against the results and flags the host CPU
 * computes. Flags an instruction leaves undefined are masked per case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tcg/flags.h"

#define ARITH 0x8d5ull
#define CF 0x1ull
#define PF 0x4ull
#define AF 0x10ull
#define ZF 0x40ull
#define SF 0x80ull
#define OF 0x800ull

static struct tcg_cpu cpu;
static const unsigned sizes[] = {1, 2, 4, 8};
static unsigned long cases;

static uint64_t rnd64(void)
{
	uint64_t v = ((uint64_t)rand() << 42) ^ ((uint64_t)rand() << 21) ^ (uint64_t)rand();

	/* favour edge values: 0, all ones, sign bits */
	switch (rand() % 16) {
	case 0: return 0;
	case 1: return ~0ull;
	case 2: return 1ull << (rand() % 64);
	case 3: return v & 0xff;
	case 4: return ((uint64_t)1 << (8 * sizes[rand() % 4] - 1)) - (rand() % 3);
	default: return v;
	}
}

/* A CPU whose flags are materialised to f (all six, plus IF). */
static void cpu_reset(uint64_t f)
{
	memset(&cpu, 0, sizeof(cpu));
	tcg_flags_set(&cpu, (f & ARITH) | 0x200);
}

static uint64_t mask_of(unsigned size)
{
	return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* Reference condition evaluation (SDM Vol. 1 Appendix B). */
static bool ref_cond(uint64_t f, unsigned cc)
{
	bool cf = f & CF, zf = f & ZF, sf = f & SF, of = f & OF, pf = f & PF, r = false;

	switch (cc >> 1) {
	case 0: r = of; break;
	case 1: r = cf; break;
	case 2: r = zf; break;
	case 3: r = cf || zf; break;
	case 4: r = sf; break;
	case 5: r = pf; break;
	case 6: r = sf != of; break;
	case 7: r = zf || sf != of; break;
	}
	return r ^ (cc & 1);
}

/* Every condition, through the fast paths, agrees with the flags the same
 * lazy state materialises to; and those flags agree with the host on the
 * defined bits (so conditions on defined flags agree with the host). */
static void check_conds(uint64_t host_flags, uint64_t defined, const char *what)
{
	uint64_t f = tcg_flags(&cpu);

	for (unsigned cc = 0; cc < 16; cc++) {
		if (tcg_cond(&cpu, cc) != ref_cond(f, cc)) {
			print_error("%s: cond %u fast path disagrees (flags %llx, cc_op %u)\n", what, cc,
				    (unsigned long long)f, cpu.cc_op);
			fail();
		}
	}
	if ((f & defined) != (host_flags & defined)) {
		print_error("%s: flags %llx want %llx (mask %llx)\n", what, (unsigned long long)(f & ARITH),
			    (unsigned long long)(host_flags & ARITH), (unsigned long long)defined);
		fail();
	}
	assert_int_equal(f & 0x202, 0x202);
	cases++;
}

/* Runs "insn src, dst" on the host with flags fin; returns dst and flags. */
#define HOST2(insn, type, a, b, fin, res, fl)                                                  \
	do {                                                                                   \
		type r_ = (type)(a);                                                           \
		uint64_t f_ = (fin);                                                           \
		__asm__ volatile("pushq %1; popfq; " insn " %2, %0; pushfq; popq %1"          \
				 : "+r"(r_), "+r"(f_)                                          \
				 : "r"((type)(b))                                               \
				 : "cc");                                                      \
		(res) = (uint64_t)r_;                                                          \
		(fl) = f_;                                                                     \
	} while (0)

#define HOST1(insn, type, a, fin, res, fl)                                                     \
	do {                                                                                   \
		type r_ = (type)(a);                                                           \
		uint64_t f_ = (fin);                                                           \
		__asm__ volatile("pushq %1; popfq; " insn " %0; pushfq; popq %1"              \
				 : "+r"(r_), "+r"(f_)                                          \
				 :                                                             \
				 : "cc");                                                      \
		(res) = (uint64_t)r_;                                                          \
		(fl) = f_;                                                                     \
	} while (0)

#define HOSTCL(insn, type, a, cnt, fin, res, fl)                                               \
	do {                                                                                   \
		type r_ = (type)(a);                                                           \
		uint64_t f_ = (fin);                                                           \
		__asm__ volatile("pushq %1; popfq; " insn " %%cl, %0; pushfq; popq %1"        \
				 : "+r"(r_), "+r"(f_)                                          \
				 : "c"((uint8_t)(cnt))                                          \
				 : "cc");                                                      \
		(res) = (uint64_t)r_;                                                          \
		(fl) = f_;                                                                     \
	} while (0)

#define HOSTSHXD(insn, type, a, b, cnt, fin, res, fl)                                          \
	do {                                                                                   \
		type r_ = (type)(a);                                                           \
		uint64_t f_ = (fin);                                                           \
		__asm__ volatile("pushq %1; popfq; " insn " %%cl, %2, %0; pushfq; popq %1"    \
				 : "+r"(r_), "+r"(f_)                                          \
				 : "r"((type)(b)), "c"((uint8_t)(cnt))                          \
				 : "cc");                                                      \
		(res) = (uint64_t)r_;                                                          \
		(fl) = f_;                                                                     \
	} while (0)

/* Dispatch a host macro over the four sizes by suffix. */
#define BY_SIZE(size, M, insn, ...)                                                            \
	do {                                                                                   \
		if ((size) == 1) M(insn "b", uint8_t, __VA_ARGS__);                            \
		else if ((size) == 2) M(insn "w", uint16_t, __VA_ARGS__);                      \
		else if ((size) == 4) M(insn "l", uint32_t, __VA_ARGS__);                      \
		else M(insn "q", uint64_t, __VA_ARGS__);                                       \
	} while (0)

static uint64_t host_alu(enum x86_alu op, unsigned size, uint64_t a, uint64_t b, uint64_t fin, uint64_t *fl)
{
	uint64_t r = 0, f = 0;

	switch (op) {
	case X86_ALU_ADD: BY_SIZE(size, HOST2, "add", a, b, fin, r, f); break;
	case X86_ALU_OR: BY_SIZE(size, HOST2, "or", a, b, fin, r, f); break;
	case X86_ALU_ADC: BY_SIZE(size, HOST2, "adc", a, b, fin, r, f); break;
	case X86_ALU_SBB: BY_SIZE(size, HOST2, "sbb", a, b, fin, r, f); break;
	case X86_ALU_AND: BY_SIZE(size, HOST2, "and", a, b, fin, r, f); break;
	case X86_ALU_SUB: BY_SIZE(size, HOST2, "sub", a, b, fin, r, f); break;
	case X86_ALU_XOR: BY_SIZE(size, HOST2, "xor", a, b, fin, r, f); break;
	case X86_ALU_CMP: BY_SIZE(size, HOST2, "cmp", a, b, fin, r, f); break;
	case X86_ALU_TEST: BY_SIZE(size, HOST2, "test", a, b, fin, r, f); break;
	}
	*fl = f;
	return r;
}

static uint64_t host_fin(void)
{
	return ((uint64_t)rand() & ARITH) | 0x202;
}

static void test_alu(void **st)
{
	(void)st;
	srand(1);
	for (int n = 0; n < 300000; n++) {
		enum x86_alu op = (enum x86_alu)(rand() % 9);
		unsigned size = sizes[rand() % 4];
		uint64_t a = rnd64(), b = rand() % 4 ? rnd64() : a, fin = host_fin(), hf, m = mask_of(size);
		uint64_t want = host_alu(op, size, a, b, fin, &hf), got;
		bool logic = op == X86_ALU_OR || op == X86_ALU_AND || op == X86_ALU_XOR || op == X86_ALU_TEST;

		cpu_reset(fin);
		/* sometimes start from a lazy state, so ADC/SBB read a lazy CF */
		if (rand() % 2) {
			uint64_t x = rnd64(), y = rnd64(), f2;

			host_alu(X86_ALU_SUB, 8, x, y, fin, &f2);
			tcg_alu(&cpu, X86_ALU_SUB, x, y, 8);
			fin = (f2 & ARITH) | 0x202;
			want = host_alu(op, size, a, b, fin, &hf);
		}
		got = tcg_alu(&cpu, op, a, b, size);
		if (op == X86_ALU_CMP || op == X86_ALU_TEST)
			want = a;
		if ((got & m) != (want & m) || (got & ~m) != (a & ~m)) {
			print_error("op %d size %u a %llx b %llx: got %llx want %llx\n", op, size,
				    (unsigned long long)a, (unsigned long long)b, (unsigned long long)got,
				    (unsigned long long)want);
			fail();
		}
		check_conds(hf, logic ? ARITH & ~AF : ARITH, "alu");
	}
}

static void test_incdec_neg(void **st)
{
	(void)st;
	srand(2);
	for (int n = 0; n < 100000; n++) {
		unsigned size = sizes[rand() % 4], k = rand() % 3;
		uint64_t a = rnd64(), fin = host_fin(), hf, want = 0, got, m = mask_of(size);

		cpu_reset(fin);
		if (k == 0) {
			BY_SIZE(size, HOST1, "inc", a, fin, want, hf);
			got = tcg_incdec(&cpu, a, size, false);
		} else if (k == 1) {
			BY_SIZE(size, HOST1, "dec", a, fin, want, hf);
			got = tcg_incdec(&cpu, a, size, true);
		} else {
			BY_SIZE(size, HOST1, "neg", a, fin, want, hf);
			got = tcg_neg(&cpu, a, size);
		}
		assert_int_equal(got & m, want & m);
		assert_int_equal(got & ~m, a & ~m);
		check_conds(hf, ARITH, "inc/dec/neg");
	}
}

static void test_shift(void **st)
{
	(void)st;
	srand(3);
	for (int n = 0; n < 300000; n++) {
		unsigned size = sizes[rand() % 4], op = rand() % 8, bits = size * 8;
		unsigned cnt = rand() % 4 ? rand() % (bits + 2) : (unsigned)rand() % 256;
		unsigned mc = cnt & (size == 8 ? 63 : 31);
		uint64_t a = rnd64(), fin = host_fin(), hf = 0, want = 0, got, m = mask_of(size), def;

		if (rand() % 8 == 0)
			cnt = rand() % 2 ? 1 : 0;
		mc = cnt & (size == 8 ? 63 : 31);
		switch (op) {
		case 0: BY_SIZE(size, HOSTCL, "rol", a, cnt, fin, want, hf); break;
		case 1: BY_SIZE(size, HOSTCL, "ror", a, cnt, fin, want, hf); break;
		case 2: BY_SIZE(size, HOSTCL, "rcl", a, cnt, fin, want, hf); break;
		case 3: BY_SIZE(size, HOSTCL, "rcr", a, cnt, fin, want, hf); break;
		case 4: case 6: BY_SIZE(size, HOSTCL, "shl", a, cnt, fin, want, hf); break;
		case 5: BY_SIZE(size, HOSTCL, "shr", a, cnt, fin, want, hf); break;
		case 7: BY_SIZE(size, HOSTCL, "sar", a, cnt, fin, want, hf); break;
		}
		cpu_reset(fin);
		got = tcg_shift(&cpu, op, a, cnt, size);
		if ((got & m) != (want & m) || (got & ~m) != (a & ~m)) {
			print_error("shift %u size %u a %llx cnt %u: got %llx want %llx\n", op, size,
				    (unsigned long long)a, cnt, (unsigned long long)got, (unsigned long long)want);
			fail();
		}
		if (mc == 0)
			def = ARITH; /* unaffected */
		else if (op < 4)
			def = ARITH & ~(mc == 1 ? 0 : OF); /* SF ZF AF PF unaffected */
		else
			def = (ARITH & ~AF & ~(mc == 1 ? 0 : OF)) & ~(mc >= bits ? CF : 0);
		check_conds(hf, def, "shift");
	}
}

static void test_shxd(void **st)
{
	(void)st;
	srand(4);
	for (int n = 0; n < 200000; n++) {
		unsigned size = sizes[1 + rand() % 3], bits = size * 8, right = rand() % 2;
		unsigned cnt = rand() % 4 ? rand() % (bits + 2) : (unsigned)rand() % 256;
		unsigned mc = cnt & (size == 8 ? 63 : 31);
		uint64_t a = rnd64(), b = rnd64(), fin = host_fin(), hf = 0, want = 0, got, m = mask_of(size), def;

		if (size == 2) {
			if (right)
				HOSTSHXD("shrdw", uint16_t, a, b, cnt, fin, want, hf);
			else
				HOSTSHXD("shldw", uint16_t, a, b, cnt, fin, want, hf);
		} else if (size == 4) {
			if (right)
				HOSTSHXD("shrdl", uint32_t, a, b, cnt, fin, want, hf);
			else
				HOSTSHXD("shldl", uint32_t, a, b, cnt, fin, want, hf);
		} else {
			if (right)
				HOSTSHXD("shrdq", uint64_t, a, b, cnt, fin, want, hf);
			else
				HOSTSHXD("shldq", uint64_t, a, b, cnt, fin, want, hf);
		}
		cpu_reset(fin);
		got = tcg_shxd(&cpu, a, b, cnt, size, right);
		if (mc > bits) {
			/* result and flags undefined (16-bit only) */
			continue;
		}
		if ((got & m) != (want & m) || (got & ~m) != (a & ~m)) {
			print_error("shxd %u size %u a %llx b %llx cnt %u: got %llx want %llx\n", right, size,
				    (unsigned long long)a, (unsigned long long)b, cnt, (unsigned long long)got,
				    (unsigned long long)want);
			fail();
		}
		def = mc == 0 ? ARITH : ARITH & ~AF & ~(mc == 1 ? 0 : OF);
		check_conds(hf, def, "shxd");
	}
}

static void host_mul(unsigned size, bool sign, uint64_t a, uint64_t b, uint64_t fin,
		     uint64_t *lo, uint64_t *hi, uint64_t *fl)
{
	uint64_t f = fin, ra = a, rd = 0;

	switch (size) {
	case 1:
		if (sign)
			__asm__ volatile("pushq %1; popfq; imulb %3; pushfq; popq %1"
					 : "+a"(ra), "+r"(f) : "d"(rd), "q"((uint8_t)b) : "cc");
		else
			__asm__ volatile("pushq %1; popfq; mulb %3; pushfq; popq %1"
					 : "+a"(ra), "+r"(f) : "d"(rd), "q"((uint8_t)b) : "cc");
		*lo = ra & 0xff;
		*hi = (ra >> 8) & 0xff;
		break;
	case 2:
		if (sign)
			__asm__ volatile("pushq %2; popfq; imulw %3; pushfq; popq %2"
					 : "+a"(ra), "+d"(rd), "+r"(f) : "r"((uint16_t)b) : "cc");
		else
			__asm__ volatile("pushq %2; popfq; mulw %3; pushfq; popq %2"
					 : "+a"(ra), "+d"(rd), "+r"(f) : "r"((uint16_t)b) : "cc");
		*lo = ra & 0xffff;
		*hi = rd & 0xffff;
		break;
	case 4:
		if (sign)
			__asm__ volatile("pushq %2; popfq; imull %3; pushfq; popq %2"
					 : "+a"(ra), "+d"(rd), "+r"(f) : "r"((uint32_t)b) : "cc");
		else
			__asm__ volatile("pushq %2; popfq; mull %3; pushfq; popq %2"
					 : "+a"(ra), "+d"(rd), "+r"(f) : "r"((uint32_t)b) : "cc");
		*lo = ra & 0xffffffffu;
		*hi = rd & 0xffffffffu;
		break;
	default:
		if (sign)
			__asm__ volatile("pushq %2; popfq; imulq %3; pushfq; popq %2"
					 : "+a"(ra), "+d"(rd), "+r"(f) : "r"(b) : "cc");
		else
			__asm__ volatile("pushq %2; popfq; mulq %3; pushfq; popq %2"
					 : "+a"(ra), "+d"(rd), "+r"(f) : "r"(b) : "cc");
		*lo = ra;
		*hi = rd;
		break;
	}
	*fl = f;
}

static void test_mul(void **st)
{
	(void)st;
	srand(5);
	for (int n = 0; n < 200000; n++) {
		unsigned size = sizes[rand() % 4];
		bool sign = rand() % 2;
		uint64_t a = rnd64(), b = rnd64(), fin = host_fin(), hf, lo, hi, glo, ghi;

		host_mul(size, sign, a, b, fin, &lo, &hi, &hf);
		cpu_reset(fin);
		glo = tcg_mul(&cpu, a, b, size, sign, &ghi);
		if (glo != lo || ghi != hi) {
			print_error("mul s%d size %u %llx * %llx: got %llx:%llx want %llx:%llx\n", sign, size,
				    (unsigned long long)a, (unsigned long long)b, (unsigned long long)ghi,
				    (unsigned long long)glo, (unsigned long long)hi, (unsigned long long)lo);
			fail();
		}
		check_conds(hf, CF | OF, "mul"); /* SF ZF AF PF undefined */
	}
}

/* Reference divide with __int128 (host C); the host instruction runs only
 * when it says the quotient fits. */
static bool ref_div(unsigned size, bool sign, uint64_t hi, uint64_t lo, uint64_t d, uint64_t *q, uint64_t *r)
{
	unsigned bits = size * 8;
	uint64_t m = mask_of(size);

	if (!(d & m))
		return false;
	if (!sign) {
		unsigned __int128 n = ((unsigned __int128)(hi & m) << bits) | (lo & m), qq;

		qq = n / (d & m);
		if (qq > m)
			return false;
		*q = (uint64_t)qq;
		*r = (uint64_t)(n % (d & m));
		return true;
	}
	unsigned sh = 64 - bits;
	__int128 n = (__int128)(((unsigned __int128)(hi & m) << bits) | (lo & m));
	__int128 dd = size == 8 ? (int64_t)d : ((int64_t)(d << sh) >> sh), qq, rr;

	if (size < 8) { /* sign-extend the 2*bits dividend */
		unsigned s2 = 128 - 2 * bits;
		n = (__int128)((unsigned __int128)n << s2) >> s2;
	}
	if (size == 8 && n == -(((__int128)1) << 126) * 2 && dd == -1)
		return false;
	qq = n / dd;
	rr = n % dd;
	if (qq > (__int128)(m >> 1) || qq < -(__int128)(m >> 1) - 1)
		return false;
	*q = (uint64_t)qq & m;
	*r = (uint64_t)rr & m;
	return true;
}

static void host_div(unsigned size, bool sign, uint64_t hi, uint64_t lo, uint64_t d, uint64_t *q, uint64_t *r)
{
	uint64_t a = lo, dx = hi;

	switch (size) {
	case 1:
		a = ((hi & 0xff) << 8) | (lo & 0xff);
		if (sign)
			__asm__ volatile("idivb %1" : "+a"(a) : "q"((uint8_t)d) : "cc");
		else
			__asm__ volatile("divb %1" : "+a"(a) : "q"((uint8_t)d) : "cc");
		*q = a & 0xff;
		*r = (a >> 8) & 0xff;
		return;
	case 2:
		if (sign)
			__asm__ volatile("idivw %2" : "+a"(a), "+d"(dx) : "r"((uint16_t)d) : "cc");
		else
			__asm__ volatile("divw %2" : "+a"(a), "+d"(dx) : "r"((uint16_t)d) : "cc");
		*q = a & 0xffff;
		*r = dx & 0xffff;
		return;
	case 4:
		if (sign)
			__asm__ volatile("idivl %2" : "+a"(a), "+d"(dx) : "r"((uint32_t)d) : "cc");
		else
			__asm__ volatile("divl %2" : "+a"(a), "+d"(dx) : "r"((uint32_t)d) : "cc");
		*q = a & 0xffffffffu;
		*r = dx & 0xffffffffu;
		return;
	default:
		if (sign)
			__asm__ volatile("idivq %2" : "+a"(a), "+d"(dx) : "r"(d) : "cc");
		else
			__asm__ volatile("divq %2" : "+a"(a), "+d"(dx) : "r"(d) : "cc");
		*q = a;
		*r = dx;
	}
}

static void test_div(void **st)
{
	(void)st;
	srand(6);
	unsigned long ok = 0, de = 0;

	for (int n = 0; n < 200000; n++) {
		unsigned size = sizes[rand() % 4];
		bool sign = rand() % 2;
		uint64_t m = mask_of(size), hi = rnd64(), lo = rnd64(), d = rnd64(), q, r, hq, hr;
		bool good;

		switch (rand() % 4) { /* make the quotient fit often */
		case 0: hi = 0; break;
		case 1: hi = sign && (lo & (m ^ (m >> 1))) ? m : 0; break;
		case 2: hi &= m >> (rand() % (size * 8)); break;
		}
		if (rand() % 50 == 0)
			d = 0;
		good = ref_div(size, sign, hi, lo, d, &hq, &hr);
		if (tcg_div(hi, lo, d, size, sign, &q, &r) != good) {
			print_error("div s%d size %u %llx:%llx / %llx: #DE %d, want %d\n", sign, size,
				    (unsigned long long)hi, (unsigned long long)lo, (unsigned long long)d, !good,
				    good);
			fail();
		}
		if (!good) {
			de++;
			continue;
		}
		host_div(size, sign, hi, lo, d, &hq, &hr);
		if (q != hq || r != hr) {
			print_error("div s%d size %u %llx:%llx / %llx: got %llx r %llx want %llx r %llx\n", sign,
				    size, (unsigned long long)hi, (unsigned long long)lo, (unsigned long long)d,
				    (unsigned long long)q, (unsigned long long)r, (unsigned long long)hq,
				    (unsigned long long)hr);
			fail();
		}
		ok++;
		cases++;
	}
	assert_true(ok > 50000 && de > 10000);
}

static void test_bitscan_popcnt(void **st)
{
	(void)st;
	srand(7);
	for (int n = 0; n < 150000; n++) {
		unsigned size = sizes[1 + rand() % 3], k = rand() % 3;
		uint64_t dst = rnd64(), src = rand() % 8 ? rnd64() : 0, fin = host_fin(), hf = 0, want = 0, got;
		uint64_t m = mask_of(size);

		cpu_reset(fin);
		want = dst;
		if (k < 2) {
			/* host: dst is the register, src the operand */
			uint64_t f = fin;
			if (size == 2) {
				uint16_t r = (uint16_t)dst;
				if (k)
					__asm__ volatile("pushq %1; popfq; bsrw %2, %0; pushfq; popq %1" : "+r"(r), "+r"(f) : "r"((uint16_t)src) : "cc");
				else
					__asm__ volatile("pushq %1; popfq; bsfw %2, %0; pushfq; popq %1" : "+r"(r), "+r"(f) : "r"((uint16_t)src) : "cc");
				want = (dst & ~0xffffull) | r;
			} else if (size == 4) {
				uint32_t r = (uint32_t)dst;
				if (k)
					__asm__ volatile("pushq %1; popfq; bsrl %2, %0; pushfq; popq %1" : "+r"(r), "+r"(f) : "r"((uint32_t)src) : "cc");
				else
					__asm__ volatile("pushq %1; popfq; bsfl %2, %0; pushfq; popq %1" : "+r"(r), "+r"(f) : "r"((uint32_t)src) : "cc");
				want = r;
			} else {
				uint64_t r = dst;
				if (k)
					__asm__ volatile("pushq %1; popfq; bsrq %2, %0; pushfq; popq %1" : "+r"(r), "+r"(f) : "r"(src) : "cc");
				else
					__asm__ volatile("pushq %1; popfq; bsfq %2, %0; pushfq; popq %1" : "+r"(r), "+r"(f) : "r"(src) : "cc");
				want = r;
			}
			hf = f;
			got = tcg_bsf(&cpu, dst, src, size, k == 1);
			if (size == 4 && (src & m) == 0)
				want = dst; /* 32-bit dest, zero source: the handler does not write */
			if (size != 2 && (src & m))
				want &= m;
			if ((got & m) != (want & m)) {
				print_error("bs%c size %u src %llx: got %llx want %llx\n", k ? 'r' : 'f', size,
					    (unsigned long long)src, (unsigned long long)got, (unsigned long long)want);
				fail();
			}
			check_conds(hf, ZF, "bsf/bsr");
		} else {
			uint64_t f = fin;
			if (size == 2) {
				uint16_t r = 0;
				__asm__ volatile("pushq %1; popfq; popcntw %2, %0; pushfq; popq %1" : "=&r"(r), "+r"(f) : "r"((uint16_t)src) : "cc");
				want = r;
			} else if (size == 4) {
				uint32_t r = 0;
				__asm__ volatile("pushq %1; popfq; popcntl %2, %0; pushfq; popq %1" : "=&r"(r), "+r"(f) : "r"((uint32_t)src) : "cc");
				want = r;
			} else {
				uint64_t r = 0;
				__asm__ volatile("pushq %1; popfq; popcntq %2, %0; pushfq; popq %1" : "=&r"(r), "+r"(f) : "r"(src) : "cc");
				want = r;
			}
			hf = f;
			got = tcg_popcnt(&cpu, src, size);
			assert_int_equal(got, want);
			check_conds(hf, ARITH, "popcnt");
		}
	}
}

/* A lazy state survives being materialised and set again. */
static void test_flags_set(void **st)
{
	(void)st;
	cpu_reset(0);
	tcg_alu(&cpu, X86_ALU_SUB, 1, 2, 4);
	uint64_t f = tcg_flags(&cpu);
	assert_int_equal(f & ARITH, CF | SF | AF | PF);
	tcg_flags_set_arith(&cpu, CF | ZF, ZF);
	assert_int_equal(tcg_flags(&cpu) & ARITH, SF | AF | PF | ZF);
	assert_int_equal(cpu.cc_op, TCG_CC_EFLAGS);
	tcg_flags_set(&cpu, 0);
	assert_int_equal(tcg_flags(&cpu), 2);
	assert_false(tcg_flag_cf(&cpu));
}

/* BCD adjusts cannot run on a 64-bit host: SDM Vol. 2 examples and hand
 * computed cases. */
static void test_bcd(void **st)
{
	(void)st;
	cpu_reset(0);
	cpu.gpr[0] = 0x79;
	tcg_alu(&cpu, X86_ALU_ADD, 0x79, 0x35, 1);
	cpu.gpr[0] = 0xae;
	tcg_daa(&cpu); /* 79 + 35 = 114 BCD */
	assert_int_equal(cpu.gpr[0], 0x14);
	assert_true(tcg_flags(&cpu) & CF);

	cpu_reset(0);
	tcg_alu(&cpu, X86_ALU_SUB, 0x35, 0x47, 1);
	cpu.gpr[0] = 0xee;
	tcg_das(&cpu); /* 35 - 47 = -12: 88 with borrow */
	assert_int_equal(cpu.gpr[0], 0x88);
	assert_true(tcg_flags(&cpu) & CF);

	cpu_reset(0);
	cpu.gpr[0] = 0x0108; /* AH 1, AL 8 + 5 = 0x0d */
	tcg_alu(&cpu, X86_ALU_ADD, 8, 5, 1);
	cpu.gpr[0] = 0x010d;
	tcg_aaa(&cpu);
	assert_int_equal(cpu.gpr[0], 0x0203);
	assert_true((tcg_flags(&cpu) & (CF | AF)) == (CF | AF));

	cpu_reset(0);
	cpu.gpr[0] = 0x02ff; /* 3 - 4 in unpacked BCD with AH 2 */
	tcg_alu(&cpu, X86_ALU_SUB, 3, 4, 1);
	tcg_aas(&cpu);
	assert_int_equal(cpu.gpr[0], 0x0109);
	assert_true(tcg_flags(&cpu) & CF);

	cpu_reset(0);
	cpu.gpr[0] = 0xff3f; /* 63 */
	assert_true(tcg_aam(&cpu, 10));
	assert_int_equal(cpu.gpr[0], 0x0603);
	assert_false(tcg_aam(&cpu, 0));
	tcg_aad(&cpu, 10);
	assert_int_equal(cpu.gpr[0], 0x003f);
	assert_false(tcg_flags(&cpu) & ZF);
}

static void test_count(void **st)
{
	(void)st;
	print_message("%lu random cases checked against the host\n", cases);
	assert_true(cases >= 100000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alu),
		cmocka_unit_test(test_incdec_neg),
		cmocka_unit_test(test_shift),
		cmocka_unit_test(test_shxd),
		cmocka_unit_test(test_mul),
		cmocka_unit_test(test_div),
		cmocka_unit_test(test_bitscan_popcnt),
		cmocka_unit_test(test_flags_set),
		cmocka_unit_test(test_bcd),
		cmocka_unit_test(test_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
