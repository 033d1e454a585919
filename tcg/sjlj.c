/*
 * tcg/sjlj.c - the non-local exit that makes guest faults precise: a
 * handler (or generated code's slow path) deep in a call chain calls
 * tcg_raise(), which returns to the dispatcher's tcg_setjmp() point.
 *
 * Our own rather than __builtin_setjmp: that one saves only the frame and
 * stack pointers and relies on the compiler to reload callee-saved
 * registers at the receiver, which gcc does and clang does not; and
 * generated code owns rbx and r12-r15 when a fault leaves it. Saving all
 * callee-saved registers (System V ABI) works for every caller.
 */
#include "tcg/cpu.h"

__asm__(".text\n"
	".globl tcg_setjmp\n"
	".type tcg_setjmp, @function\n"
	"tcg_setjmp:\n"
	"	mov %rbx, 0(%rdi)\n"
	"	mov %rbp, 8(%rdi)\n"
	"	mov %r12, 16(%rdi)\n"
	"	mov %r13, 24(%rdi)\n"
	"	mov %r14, 32(%rdi)\n"
	"	mov %r15, 40(%rdi)\n"
	"	lea 8(%rsp), %rdx\n"
	"	mov %rdx, 48(%rdi)\n" /* the caller's rsp after our return */
	"	mov (%rsp), %rdx\n"
	"	mov %rdx, 56(%rdi)\n" /* where to resume */
	"	xor %eax, %eax\n"
	"	ret\n"
	".size tcg_setjmp, .-tcg_setjmp\n"
	".globl tcg_longjmp\n"
	".type tcg_longjmp, @function\n"
	"tcg_longjmp:\n"
	"	mov 0(%rdi), %rbx\n"
	"	mov 8(%rdi), %rbp\n"
	"	mov 16(%rdi), %r12\n"
	"	mov 24(%rdi), %r13\n"
	"	mov 32(%rdi), %r14\n"
	"	mov 40(%rdi), %r15\n"
	"	mov 48(%rdi), %rsp\n"
	"	mov $1, %eax\n"
	"	jmp *56(%rdi)\n"
	".size tcg_longjmp, .-tcg_longjmp\n");
