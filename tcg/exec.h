/* tcg/exec.h - the translator's per-vCPU wrapper and its entry points,
 * shared by tcg/exec.c and tcg/vcpu.c. */
#ifndef KEEL_TCG_EXEC_H
#define KEEL_TCG_EXEC_H

#include "tcg/cpu.h"
#include "tcg/tcg_int.h"
#include "vm/vcpu.h"

#define TCG_JC_SIZE 4096

struct tcg_vcpu {
	struct tcg_cpu cpu; /* first: a tcg_cpu pointer is a tcg_vcpu pointer */
	struct tcg_block *jc[TCG_JC_SIZE]; /* direct-mapped by linear address */
	struct tcg_block *cur;             /* the block running now */
	bool kicked;
};

struct tcg_stats {
	uint64_t insns, blocks, flushes, invalidations, arena_used, code_used;
	uint64_t arena_size, code_size; /* what the caches hold now (they grow) */
};

int tcg_vcpu_attach(struct vcpu *v);
void tcg_vcpu_detach(struct vcpu *v);
int tcg_vcpu_run(struct vcpu *v, struct vcpu_exit *exit);
void tcg_vcpu_kick(struct vcpu *v);
void tcg_vcpu_stats(struct vcpu *v, struct tcg_stats *s);

#endif
