/* tcg/optab.c - from a decoded instruction to its handler: each group
 * answers for its own opcodes; nobody answering means #UD. Runs once per
 * instruction at decode time, so a plain chain is fast enough. */
#include "tcg/cpu.h"

tcg_op_fn tcg_lookup(const struct x86_insn *i)
{
	tcg_op_fn f;
	if ((f = tcg_ops_data(i)) || (f = tcg_ops_alu(i)) || (f = tcg_ops_fpu(i)) ||
	    (f = tcg_ops_sys(i)))
		return f;
	return NULL;
}
