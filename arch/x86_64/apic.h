/* The host's local APIC in xAPIC (MMIO) or x2APIC (MSR) mode, SDM Vol. 3A ch. 10. */
#ifndef ARCH_X86_64_APIC_H
#define ARCH_X86_64_APIC_H

#include <stdint.h>

#define APIC_TIMER_VECTOR 0x20
#define APIC_IPI_PING_VECTOR 0xf0
#define APIC_IPI_WAKE_VECTOR 0xf1
#define APIC_SPURIOUS_VECTOR 0xff
#define APIC_TIMER_HZ 100

void apic_init_bsp(uint64_t mmio_base); /* picks the mode */
void apic_init_cpu(void); /* every CPU, BSP included */
int apic_x2apic(void);
uint32_t apic_id(void);
void apic_eoi(void);
void apic_send_ipi(uint32_t apic_id, uint8_t vector);
void apic_send_init(uint32_t apic_id);
void apic_send_sipi(uint32_t apic_id, uint8_t page);
void apic_send_init_all(void);
void apic_send_sipi_all(uint8_t page);
void apic_nmi_others(void);
/* Calibrates against the TSC (BSP) and starts the periodic tick (each CPU). */
void apic_timer_calibrate(void);
void apic_timer_start(void);
uint32_t apic_timer_hz_ticks(void);

#endif
