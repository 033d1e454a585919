/* The vm_host keel gives its VMs: RAM from the frame allocator, the TSC as
 * the clock, HLT to wait. */
#ifndef ARCH_X86_64_VMHOST_H
#define ARCH_X86_64_VMHOST_H

#include "vm/vm.h"

extern const struct vm_host keel_vm_host;

#endif
