/* vm/run.h - the run loop and exit handler shared by every backend. */
#ifndef KEEL_VM_RUN_H
#define KEEL_VM_RUN_H

#include <stdbool.h>
#include "vm/vm.h"

/* Adds vCPU vm->nvcpus with this backend; 0 or -errno. */
int vcpu_add(struct vm *vm, const struct vcpu_ops *ops, struct lapic *lapic);

enum vcpu_step_result {
	VCPU_STEP_RAN,   /* ran guest code or handled an event */
	VCPU_STEP_IDLE,  /* halted or waiting for SIPI: nothing to run */
	VCPU_STEP_DONE,  /* the VM no longer runs */
};

/* Fire due timers, deliver pending events, run the backend once and handle
 * its exit. */
enum vcpu_step_result vcpu_step(struct vcpu *v);
/* One MMIO access as the exit handler makes it: the vCPU's per-CPU pages
 * first, then the VM's MMIO bus. Returns the data read (or written). For
 * backends that complete read-modify-write instructions themselves. */
uint64_t vcpu_mmio(struct vcpu *v, uint64_t gpa, unsigned int size, bool write, uint64_t data);

/* Handles one normalised exit (exported for backends that loop themselves). */
void vcpu_handle_exit(struct vcpu *v, struct vcpu_exit *e);

/* Runs every vCPU round-robin on this thread until the VM stops or crashes;
 * sleeps through host->wait while all are idle. Returns the VM's exit
 * status (isa-debug-exit value) or -1. */
int vm_run(struct vm *vm);

#endif
