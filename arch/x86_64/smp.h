#ifndef ARCH_X86_64_SMP_H
#define ARCH_X86_64_SMP_H

#include <stdint.h>

struct cpu;

struct boot_info;
/* Starts every CPU of the MADT; returns the number online (BSP included). */
void smp_alloc_cpus(void);
int smp_init(struct boot_info *bi);
/* Sends a ping IPI to cpu idx and waits up to `us` for the answer. */
int smp_ping(uint32_t idx, uint64_t us);
/* Hands fn(arg) to idle CPU idx; -1 if it is absent, busy or ourselves. */
int smp_run_on(uint32_t idx, void (*fn)(void *), void *arg);
/* Per-CPU setup both the BSP and APs run: GDT/TSS, IDT, GS, LAPIC, VT-x probe. */
int cpu_prepare(struct cpu *c);
void cpu_setup(struct cpu *c);

#endif
