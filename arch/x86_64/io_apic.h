/* The host's I/O APICs (82093AA datasheet), used to route device IRQs. */
#ifndef ARCH_X86_64_IO_APIC_H
#define ARCH_X86_64_IO_APIC_H

#include <stdint.h>

void io_apic_init(void); /* masks every pin of every IOAPIC in the MADT */
/* Routes an ISA IRQ (after source overrides) to a vector on one CPU. */
int io_apic_route_isa(uint8_t irq, uint8_t vector, uint32_t apic_id);

#endif
