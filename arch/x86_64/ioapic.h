/* The host's I/O APICs (82093AA datasheet), used to route device IRQs. */
#ifndef ARCH_X86_64_IOAPIC_H
#define ARCH_X86_64_IOAPIC_H

#include <stdint.h>

void ioapic_init(void); /* masks every pin of every IOAPIC in the MADT */
/* Routes an ISA IRQ (after source overrides) to a vector on one CPU. */
int ioapic_route_isa(uint8_t irq, uint8_t vector, uint32_t apic_id);

#endif
