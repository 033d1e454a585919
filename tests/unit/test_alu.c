/* x86_alu against the flags the host CPU itself computes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "x86/alu.h"

#define FLAGS 0x8d5ull

/* Runs op on the host with the given CF and returns result and flags. */
#define HOST_OP(insn, suffix, type, a, b, cf, res, fl)                                        \
	do {                                                                                   \
		type r_ = (type)(a);                                                           \
		uint64_t f_;                                                                   \
		__asm__ volatile("pushfq; andq $~1, (%%rsp); orq %3, (%%rsp); popfq;"          \
				 insn suffix " %2, %0; pushfq; popq %1"                       \
				 : "+r"(r_), "=r"(f_)                                          \
				 : "r"((type)(b)), "r"((uint64_t)(cf))                          \
				 : "cc");                                                      \
		(res) = (uint64_t)r_;                                                          \
		(fl) = f_ & FLAGS;                                                             \
	} while (0)

static uint64_t host(enum x86_alu op, unsigned int size, uint64_t a, uint64_t b, uint64_t cf, uint64_t *fl)
{
	uint64_t r = 0, f = 0;
#define CASE(OPN, INSN)                                                                        \
	case OPN:                                                                              \
		if (size == 1) HOST_OP(INSN, "b", uint8_t, a, b, cf, r, f);                    \
		else if (size == 2) HOST_OP(INSN, "w", uint16_t, a, b, cf, r, f);              \
		else if (size == 4) HOST_OP(INSN, "l", uint32_t, a, b, cf, r, f);              \
		else HOST_OP(INSN, "q", uint64_t, a, b, cf, r, f);                             \
		break;
	switch (op) {
		CASE(X86_ALU_ADD, "add")
		CASE(X86_ALU_OR, "or")
		CASE(X86_ALU_ADC, "adc")
		CASE(X86_ALU_SBB, "sbb")
		CASE(X86_ALU_AND, "and")
		CASE(X86_ALU_SUB, "sub")
		CASE(X86_ALU_XOR, "xor")
		CASE(X86_ALU_CMP, "cmp")
		CASE(X86_ALU_TEST, "test")
	}
	*fl = f;
	return r;
}

static void test_random_against_host(void **st)
{
	(void)st;
	srand(1);
	static const unsigned int sizes[] = {1, 2, 4, 8};
	for (int i = 0; i < 200000; i++) {
		enum x86_alu op = (enum x86_alu)(rand() % 9);
		unsigned int size = sizes[rand() % 4];
		uint64_t a = ((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 7) ^ (uint64_t)rand();
		uint64_t b = ((uint64_t)rand() << 31) ^ (uint64_t)rand();
		if (rand() % 4 == 0)
			b = a; /* equal operands: ZF, borrow edge cases */
		uint64_t cf = rand() & 1, hflags;
		uint64_t want = host(op, size, a, b, cf, &hflags);
		uint64_t flags = cf | 0x202, got = x86_alu(op, a, b, size, &flags);
		uint64_t m = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
		if (op == X86_ALU_CMP || op == X86_ALU_TEST)
			want = a;
		/* AF is undefined after logic ops: compare it only for arithmetic. */
		uint64_t cmpmask = (op == X86_ALU_OR || op == X86_ALU_AND || op == X86_ALU_XOR ||
				    op == X86_ALU_TEST) ? FLAGS & ~0x10ull : FLAGS;
		if ((got & m) != (want & m) || (flags & cmpmask) != (hflags & cmpmask)) {
			print_error("op %d size %u a %llx b %llx cf %llu: got %llx/%llx want %llx/%llx\n",
				    op, size, (unsigned long long)a, (unsigned long long)b,
				    (unsigned long long)cf, (unsigned long long)got,
				    (unsigned long long)(flags & FLAGS), (unsigned long long)want,
				    (unsigned long long)hflags);
			fail();
		}
		assert_int_equal(flags & 0x202, 0x202); /* other flags untouched */
	}
}

static void test_upper_bits_kept(void **st)
{
	(void)st;
	uint64_t f = 0;
	assert_int_equal(x86_alu(X86_ALU_OR, 0x1122334455667700ull, 0xff, 1, &f), 0x11223344556677ffull);
	assert_int_equal(x86_alu(X86_ALU_CMP, 5, 7, 4, &f), 5);
	assert_true(f & 1); /* borrow */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_against_host),
		cmocka_unit_test(test_upper_bits_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
