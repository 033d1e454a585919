/* tcg/tcg.h - the translator backend as the rest of keel sees it. */
#ifndef KEEL_TCG_TCG_H
#define KEEL_TCG_TCG_H

#include <stdint.h>
#include "vm/vcpu.h"

extern const struct vcpu_ops tcg_vcpu_ops;

/* Drops every translation of the VM's code (after RAM was rewritten from
 * outside the guest: loaders, a reset). Resetting a vCPU does it too. */
struct vm;
void tcg_vm_flush(struct vm *vm);

/* Debugging: called before each block runs, with its linear address
 * (keel-run sets it for KEEL_TCG_TRACE=1). NULL normally. */
struct tcg_cpu;
extern void (*tcg_trace_hook)(struct tcg_cpu *c, uint64_t lin);

#endif
