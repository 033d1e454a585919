/* The host's local APIC in xAPIC (MMIO) or x2APIC (MSR) mode, SDM Vol. 3A ch. 10. */
#ifndef ARCH_X86_64_LAPIC_H
#define ARCH_X86_64_LAPIC_H

#include <stdint.h>

#define LAPIC_TIMER_VECTOR 0x20
#define LAPIC_IPI_PING_VECTOR 0xf0
#define LAPIC_IPI_WAKE_VECTOR 0xf1
#define LAPIC_SPURIOUS_VECTOR 0xff
#define LAPIC_TIMER_HZ 100

void lapic_init_bsp(uint64_t mmio_base); /* picks the mode */
void lapic_init_cpu(void); /* every CPU, BSP included */
int lapic_x2apic(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t page);
void lapic_send_init_all(void);
void lapic_send_sipi_all(uint8_t page);
void lapic_nmi_others(void);
/* Calibrates against the TSC (BSP) and starts the periodic tick (each CPU). */
void lapic_timer_calibrate(void);
void lapic_timer_start(void);
uint32_t lapic_timer_hz_ticks(void);

#endif
