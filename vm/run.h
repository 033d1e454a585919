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

enum vm_slice {
	VM_SLICE_BUSY, /* the slice ended with work left */
	VM_SLICE_IDLE, /* every vCPU idle (or the VM paused) until *wake */
	VM_SLICE_DONE, /* stopped or crashed */
};
#define VM_WAKE_NEVER UINT64_MAX

/* Runs every vCPU round-robin on this thread until host time `until`, or
 * until all are idle (then *wake is the host time of the next device timer,
 * or VM_WAKE_NEVER while paused), or until the VM ends. What the scheduler
 * calls for one slice. */
enum vm_slice vm_run_slice(struct vm *vm, uint64_t until, uint64_t *wake);

/* On the CPU that ran the VM last: its next slice may run on another
 * CPU (each backend's vcpu_ops.release). */
void vm_release_cpu(struct vm *vm);

/* Asks the VM's thread, from any thread, to act (VM_REQ_*) at its next
 * step; the caller then wakes the VM if it sleeps. */
void vm_post(struct vm *vm, unsigned int req);

/* Runs every vCPU round-robin on this thread until the VM stops or crashes;
 * sleeps through host->wait while all are idle. Returns the VM's exit
 * status (isa-debug-exit value) or -1. */
int vm_run(struct vm *vm);

#endif
