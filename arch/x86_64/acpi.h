/* The host's ACPI tables: what keel needs from them (ACPI 6.4 §5.2). */
#ifndef ARCH_X86_64_ACPI_H
#define ARCH_X86_64_ACPI_H

#include <stdint.h>

#define ACPI_MAX_TABLES 48
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_ISOS 16

/* Generic Address Structure (§5.2.3.2). */
struct acpi_gas {
	uint8_t space, bit_width, bit_offset, access_size;
	uint64_t addr;
} __attribute__((packed));

struct acpi_table_info {
	char sig[5];
	char oem_id[7];
	char oem_table[9];
	uint8_t rev;
	uint32_t len;
	uint64_t addr;
	int csum_ok;
};

struct acpi_info {
	uint64_t rsdp;
	int rev; /* RSDP revision: 0 = ACPI 1.0 (RSDT), 2+ = XSDT */
	int ntables;
	struct acpi_table_info tables[ACPI_MAX_TABLES];

	/* MADT (§5.2.12) */
	uint64_t apic_addr;
	int ncpus;
	uint32_t cpu_apic_id[256];
	int nioapics;
	struct {
		uint8_t id;
		uint32_t addr, gsi_base;
	} ioapics[ACPI_MAX_IOAPICS];
	int nisos;
	struct {
		uint8_t irq;
		uint32_t gsi;
		uint16_t flags; /* MPS INTI flags: polarity bits 1:0, trigger 3:2 */
	} isos[ACPI_MAX_ISOS];

	/* FADT (§5.2.9) */
	uint16_t pm_tmr_port;
	int pm_tmr_32;
	uint16_t pm1a_cnt, pm1b_cnt;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	int reset_supported;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint64_t dsdt;
	int s5_valid;
	uint8_t s5_typa, s5_typb;
};

extern struct acpi_info acpi;

int acpi_init(uint64_t rsdp);
/* GSI and INTI flags for an ISA IRQ, after interrupt source overrides. */
uint32_t acpi_isa_gsi(uint8_t irq, uint16_t *flags);

#endif
