/*
 * hw/acpi_tables.h - the guest's ACPI tables, built into a caller-supplied
 * buffer that the caller then places at guest-physical address `base'
 * (for direct Linux boot: boot_params.acpi_rsdp_addr, or the BIOS area
 * 0xe0000-0xfffff where a guest scans for "RSD PTR "; later an fw_cfg
 * file for guest firmware).
 *
 * The set is that of QEMU's `pc' machine (i440FX + PIIX4 PM as SeaBIOS
 * programs it), in ACPI 6.x layouts:
 *   RSDP (rev 2) -> RSDT and XSDT -> FADT, MADT
 *   FADT -> FACS, DSDT
 * References: ACPI 6.4 sections 5.2.5 (RSDP), 5.2.7 (RSDT), 5.2.8 (XSDT),
 * 5.2.9 (FADT), 5.2.10 (FACS), 5.2.11.1 (DSDT), 5.2.12 (MADT), 5.2.3.2
 * (Generic Address Structure).
 *
 * Layout inside the buffer, in this order, each table 16-byte aligned in
 * guest-physical terms (the FACS 64-byte aligned): RSDP, FACS, DSDT, FADT,
 * MADT, RSDT, XSDT. Nothing is allocated.
 */
#ifndef KEEL_HW_ACPI_TABLES_H
#define KEEL_HW_ACPI_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_OEM_ID          "KEEL  "     /* 6 bytes */
#define ACPI_OEM_TABLE_ID    "KEELPC  "   /* 8 bytes */
#define ACPI_CREATOR_ID      "KEEL"
#define ACPI_HEADER_SIZE     36

/* Table sizes and revisions we emit. */
#define ACPI_RSDP_SIZE       36
#define ACPI_RSDP_V1_SIZE    20           /* what the first checksum covers */
#define ACPI_FADT_SIZE       276          /* ACPI 6.0+ FADT */
#define ACPI_FADT_REVISION   6
#define ACPI_FADT_MINOR      0
#define ACPI_FACS_SIZE       64
#define ACPI_MADT_REVISION   3

/* QEMU pc defaults (SeaBIOS programs PIIX4 PMBA = 0xb000). */
#define ACPI_PC_PM_BASE      0xb000
#define ACPI_PC_SCI_IRQ      9
#define ACPI_PC_RESET_PORT   0xcf9
#define ACPI_PC_RESET_VALUE  0x06
#define ACPI_PC_RTC_CENTURY  0x32
#define ACPI_LAPIC_BASE      0xfee00000u
#define ACPI_IOAPIC_BASE     0xfec00000u

#define ACPI_MAX_CPUS        255          /* APIC IDs 0..254 in xAPIC */
/* Enough for ACPI_MAX_CPUS; a smaller buffer works for fewer vCPUs. */
#define ACPI_TABLES_MAX_SIZE 4096

/* PM register block offsets from pm_base (ACPI 6.4 section 4.8.3). */
#define ACPI_PM1_EVT_OFF     0x00         /* PM1_STS (2) + PM1_EN (2) */
#define ACPI_PM1_CNT_OFF     0x04
#define ACPI_PM_TMR_OFF      0x08

/* FADT flags (ACPI 6.4 table 5.10). */
#define ACPI_FADT_F_WBINVD         (1u << 0)
#define ACPI_FADT_F_PROC_C1        (1u << 2)
#define ACPI_FADT_F_SLP_BUTTON     (1u << 5)
#define ACPI_FADT_F_RTC_S4         (1u << 7)
#define ACPI_FADT_F_TMR_VAL_EXT    (1u << 8)
#define ACPI_FADT_F_RESET_REG_SUP  (1u << 10)
#define ACPI_FADT_F_PLATFORM_CLOCK (1u << 15)
#define ACPI_FADT_F_APIC_CLUSTER   (1u << 18)
#define ACPI_FADT_F_HW_REDUCED     (1u << 20)

/* IA-PC boot architecture flags (ACPI 6.4 table 5.11). */
#define ACPI_FADT_ARCH_8042        (1u << 1)

/* FADT field offsets (ACPI 6.4 table 5.9), for readers such as tests. */
#define ACPI_FADT_FIRMWARE_CTRL    36
#define ACPI_FADT_DSDT             40
#define ACPI_FADT_SCI_INT          46
#define ACPI_FADT_PM1A_EVT_BLK     56
#define ACPI_FADT_PM1A_CNT_BLK     64
#define ACPI_FADT_PM_TMR_BLK       76
#define ACPI_FADT_PM1_EVT_LEN      88
#define ACPI_FADT_PM1_CNT_LEN      89
#define ACPI_FADT_PM_TMR_LEN       91
#define ACPI_FADT_CENTURY          108
#define ACPI_FADT_IAPC_BOOT_ARCH   109
#define ACPI_FADT_FLAGS            112
#define ACPI_FADT_RESET_REG        116
#define ACPI_FADT_RESET_VALUE      128
#define ACPI_FADT_MINOR_VERSION    131
#define ACPI_FADT_X_FIRMWARE_CTRL  132
#define ACPI_FADT_X_DSDT           140
#define ACPI_FADT_X_PM1A_EVT_BLK   148
#define ACPI_FADT_X_PM1A_CNT_BLK   172
#define ACPI_FADT_X_PM_TMR_BLK     208

/* Generic Address Structure (ACPI 6.4 section 5.2.3.2). */
#define ACPI_GAS_SIZE        12
#define ACPI_GAS_SYSTEM_IO   1
#define ACPI_GAS_ACCESS_BYTE 1
#define ACPI_GAS_ACCESS_WORD 2
#define ACPI_GAS_ACCESS_DWORD 3

/* MADT structure types and lengths (ACPI 6.4 section 5.2.12). */
#define ACPI_MADT_LAPIC        0
#define ACPI_MADT_IOAPIC       1
#define ACPI_MADT_OVERRIDE     2
#define ACPI_MADT_LAPIC_NMI    4
#define ACPI_MADT_LAPIC_LEN    8
#define ACPI_MADT_IOAPIC_LEN   12
#define ACPI_MADT_OVERRIDE_LEN 10
#define ACPI_MADT_NMI_LEN      6
#define ACPI_MADT_PCAT_COMPAT  1u
/* MPS INTI flags (table 5.50): polarity bits 1:0, trigger mode bits 3:2 */
#define ACPI_MADT_INTI_CONFORM       0x0
#define ACPI_MADT_INTI_HIGH_LEVEL    0xd

struct acpi_tables_cfg {
	unsigned int ncpus;     /* 1..ACPI_MAX_CPUS; APIC IDs 0..ncpus-1 */
	uint8_t ioapic_id;      /* QEMU: 0 */
	uint32_t ioapic_addr;
	uint32_t lapic_addr;
	uint16_t pm_base;       /* PM1a_EVT; PM1a_CNT and PM_TMR follow */
	uint8_t sci_irq;        /* ISA IRQ = GSI of the SCI */
	bool has_8042;          /* IAPC_BOOT_ARCH 8042 bit */
};

/* Guest-physical addresses of what acpi_tables_build() wrote. */
struct acpi_tables_info {
	uint64_t rsdp, facs, dsdt, fadt, madt, rsdt, xsdt;
	size_t size;            /* bytes used from the start of the buffer */
};

/* QEMU pc values for n vCPUs: IOAPIC 0 at 0xfec00000, PM at 0xb000,
 * SCI on IRQ 9, an 8042. */
void acpi_tables_default_cfg(struct acpi_tables_cfg *cfg, unsigned int ncpus);

/*
 * Build every table into buf (len bytes), addressed as if buf sat at
 * guest-physical `base'. Returns 0, -EINVAL (ncpus out of range, base not
 * 16-byte aligned, or the tables would not lie below 4 GiB, where the
 * RSDT and 32-bit FADT pointers can reach them), or -ENOSPC (buf too
 * small). Bytes between tables are zeroed.
 */
int acpi_tables_build(const struct acpi_tables_cfg *cfg, uint8_t *buf,
		      size_t len, uint64_t base, struct acpi_tables_info *out)
	__attribute__((warn_unused_result));

/* The byte sum of p[0..len): 0 for a table with a correct checksum. */
uint8_t acpi_checksum(const void *p, size_t len);

#endif
