/* The TSC as keel's clock, calibrated once at boot. */
#ifndef ARCH_X86_64_TSC_H
#define ARCH_X86_64_TSC_H

#include <stdint.h>

extern uint64_t tsc_hz;
/* Against the ACPI PM timer (3.579545 MHz), or the PIT when there is none. */
void tsc_calibrate(uint16_t pm_port, int pm_32bit);
void tsc_delay_us(uint64_t us);
uint64_t tsc_to_us(uint64_t ticks);

#endif
