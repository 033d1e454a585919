/*
 * tcg/jit_ops.c - native templates for the most frequent instructions.
 * None yet: every instruction goes through its handler.
 */
#include "tcg/cpu.h"
#include "tcg/emit.h"
#include "tcg/jit.h"
#include "tcg/tcg_int.h"

bool tcg_jit_native(struct emit *e, const struct tcg_jit *j, const struct tcg_insn *in,
		    uint64_t rip, uint64_t next)
{
	return false;
}
