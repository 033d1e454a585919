/* I/O APIC programming: IOREGSEL at +0x00, IOWIN at +0x10; redirection entry
 * n at registers 0x10+2n (82093AA datasheet §3.2.4). The legacy 8259 pair is
 * masked, since every IRQ keel takes goes through here. */
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io_apic.h"
#include "console/klog.h"

static uint32_t rd(uint32_t base, uint32_t reg)
{
	volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)base;
	p[0] = reg;
	return p[4];
}

static void wr(uint32_t base, uint32_t reg, uint32_t v)
{
	volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)base;
	p[0] = reg;
	p[4] = v;
}

static int pins(uint32_t base) { return (int)((rd(base, 1) >> 16) & 0xff) + 1; }

#define IOAPIC_DEFAULT_BASE 0xfec00000u

void io_apic_init(void)
{
	outb(0x21, 0xff); /* mask both 8259s */
	outb(0xa1, 0xff);
	/* Without a MADT, try the address every PC chipset decodes by default. */
	if (!acpi.nioapics && (rd(IOAPIC_DEFAULT_BASE, 1) & 0xff) != 0xff &&
	    rd(IOAPIC_DEFAULT_BASE, 1) != 0) {
		acpi.ioapics[0].addr = IOAPIC_DEFAULT_BASE;
		acpi.ioapics[0].gsi_base = 0;
		acpi.nioapics = 1;
		klog(LOG_WARN, "ioapic: no MADT; using the IOAPIC at 0x%x (version 0x%x)",
		     IOAPIC_DEFAULT_BASE, rd(IOAPIC_DEFAULT_BASE, 1) & 0xff);
	}
	for (int i = 0; i < acpi.nioapics; i++) {
		uint32_t base = acpi.ioapics[i].addr;
		int n = pins(base);
		for (int p = 0; p < n; p++) {
			wr(base, 0x10 + 2 * p, 1u << 16);
			wr(base, 0x11 + 2 * p, 0);
		}
	}
}

int io_apic_route_isa(uint8_t irq, uint8_t vector, uint32_t apic_id)
{
	uint16_t fl;
	uint32_t gsi = acpi_isa_gsi(irq, &fl);

	for (int i = 0; i < acpi.nioapics; i++) {
		uint32_t base = acpi.ioapics[i].addr, gb = acpi.ioapics[i].gsi_base;
		if (gsi < gb || gsi >= gb + (uint32_t)pins(base))
			continue;
		uint32_t lo = vector;
		if ((fl & 3) == 3) /* active low; ISA default is active high */
			lo |= 1u << 13;
		if (((fl >> 2) & 3) == 3) /* level; ISA default is edge */
			lo |= 1u << 15;
		wr(base, 0x11 + 2 * (gsi - gb), apic_id << 24);
		wr(base, 0x10 + 2 * (gsi - gb), lo);
		return 0;
	}
	klog(LOG_WARN, "ioapic: no IOAPIC serves GSI %u (ISA IRQ %u)", gsi, irq);
	return -1;
}
