/* Parsing the host's RSDP, XSDT/RSDT, MADT and FADT, and finding \_S5 in the
 * DSDT for poweroff. ACPI 6.4 §5.2 (tables), §7.4.2 (\_S5), §20 (AML). */
#include <string.h>
#include "arch/x86_64/acpi.h"
#include "console/klog.h"

struct acpi_info acpi;

struct sdt_hdr {
	char sig[4];
	uint32_t len;
	uint8_t rev, csum;
	char oem_id[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

static int csum_ok(const void *p, uint32_t len)
{
	uint8_t s = 0;
	for (uint32_t i = 0; i < len; i++)
		s += ((const uint8_t *)p)[i];
	return s == 0;
}

static void parse_madt(const struct sdt_hdr *h)
{
	const uint8_t *p = (const uint8_t *)h;
	uint32_t off = sizeof(*h) + 8;

	acpi.apic_addr = *(const uint32_t *)(p + sizeof(*h));
	while (off + 2 <= h->len) {
		uint8_t type = p[off], len = p[off + 1];
		const uint8_t *e = p + off;
		if (len < 2 || off + len > h->len)
			break;
		switch (type) {
		case 0: /* processor local APIC: enabled or online-capable */
			if ((e[4] & 3) && acpi.ncpus < 256)
				acpi.cpu_apic_id[acpi.ncpus++] = e[3];
			break;
		case 9: /* processor local x2APIC */
			if ((e[8] & 3) && acpi.ncpus < 256)
				acpi.cpu_apic_id[acpi.ncpus++] = *(const uint32_t *)(e + 4);
			break;
		case 1:
			if (acpi.nioapics < ACPI_MAX_IOAPICS) {
				acpi.ioapics[acpi.nioapics].id = e[2];
				acpi.ioapics[acpi.nioapics].addr = *(const uint32_t *)(e + 4);
				acpi.ioapics[acpi.nioapics].gsi_base = *(const uint32_t *)(e + 8);
				acpi.nioapics++;
			}
			break;
		case 2:
			if (acpi.nisos < ACPI_MAX_ISOS) {
				acpi.isos[acpi.nisos].irq = e[3];
				acpi.isos[acpi.nisos].gsi = *(const uint32_t *)(e + 4);
				acpi.isos[acpi.nisos].flags = *(const uint16_t *)(e + 8);
				acpi.nisos++;
			}
			break;
		case 5: /* 64-bit LAPIC address override */
			acpi.apic_addr = *(const uint64_t *)(e + 4);
			break;
		}
		off += len;
	}
}

/* AML integer encodings used inside the \_S5 package (§20.2.3). */
static const uint8_t *aml_int(const uint8_t *p, uint8_t *v)
{
	switch (*p) {
	case 0x00: *v = 0; return p + 1;
	case 0x01: *v = 1; return p + 1;
	case 0xff: *v = 0xff; return p + 1;
	case 0x0a: *v = p[1]; return p + 2;
	case 0x0b: *v = p[1]; return p + 3;
	case 0x0c: *v = p[1]; return p + 5;
	default: *v = *p; return p + 1;
	}
}

static void find_s5(const struct sdt_hdr *dsdt)
{
	const uint8_t *p = (const uint8_t *)dsdt, *end = p + dsdt->len;

	for (const uint8_t *q = p + sizeof(*dsdt); q + 8 < end; q++) {
		/* NameOp "_S5_" PackageOp */
		if (memcmp(q, "_S5_", 4) || q[4] != 0x12)
			continue;
		if (q[-1] != 0x08 && !(q[-2] == 0x08 && q[-1] == '\\'))
			continue;
		const uint8_t *r = q + 5;
		r += (*r >> 6) + 1; /* PkgLength */
		r++; /* NumElements */
		if (r + 4 > end)
			return;
		r = aml_int(r, &acpi.s5_typa);
		aml_int(r, &acpi.s5_typb);
		acpi.s5_valid = 1;
		return;
	}
}

static void parse_fadt(const struct sdt_hdr *h)
{
	const uint8_t *p = (const uint8_t *)h;
	uint32_t len = h->len;

	acpi.smi_cmd = *(const uint32_t *)(p + 48);
	acpi.acpi_enable = p[52];
	acpi.pm1a_cnt = (uint16_t) * (const uint32_t *)(p + 64);
	acpi.pm1b_cnt = (uint16_t) * (const uint32_t *)(p + 68);
	acpi.pm_tmr_port = (uint16_t) * (const uint32_t *)(p + 76);
	uint32_t flags = len >= 116 ? *(const uint32_t *)(p + 112) : 0;
	acpi.pm_tmr_32 = !!(flags & (1u << 8));
	if (len >= 129) {
		acpi.reset_supported = !!(flags & (1u << 10));
		memcpy(&acpi.reset_reg, p + 116, sizeof(acpi.reset_reg));
		acpi.reset_value = p[128];
	}
	acpi.dsdt = *(const uint32_t *)(p + 40);
	if (len >= 148 && *(const uint64_t *)(p + 140))
		acpi.dsdt = *(const uint64_t *)(p + 140);
	if (len >= 220 && !acpi.pm_tmr_port) {
		const struct acpi_gas *g = (const void *)(p + 208);
		if (g->space == 1)
			acpi.pm_tmr_port = (uint16_t)g->addr;
	}
	if (acpi.dsdt) {
		const struct sdt_hdr *d = (const void *)(uintptr_t)acpi.dsdt;
		if (!memcmp(d->sig, "DSDT", 4) && csum_ok(d, d->len))
			find_s5(d);
	}
}

static void add_table(uint64_t addr)
{
	const struct sdt_hdr *h = (const void *)(uintptr_t)addr;
	struct acpi_table_info *t;

	if (!addr || acpi.ntables >= ACPI_MAX_TABLES)
		return;
	t = &acpi.tables[acpi.ntables++];
	memcpy(t->sig, h->sig, 4);
	memcpy(t->oem_id, h->oem_id, 6);
	memcpy(t->oem_table, h->oem_table, 8);
	t->rev = h->rev;
	t->len = h->len;
	t->addr = addr;
	t->csum_ok = csum_ok(h, h->len);
	if (!t->csum_ok)
		klog(LOG_WARN, "acpi: %.4s at 0x%llx has a bad checksum; ignored", h->sig,
		     (unsigned long long)addr);
	else if (!memcmp(h->sig, "APIC", 4))
		parse_madt(h);
	else if (!memcmp(h->sig, "FACP", 4))
		parse_fadt(h);
}

int acpi_init(uint64_t rsdp)
{
	const uint8_t *r = (const void *)(uintptr_t)rsdp;

	if (!rsdp || memcmp(r, "RSD PTR ", 8) || !csum_ok(r, 20)) {
		klog(LOG_WARN, "acpi: no ACPI tables from the firmware; CPUs will be found by broadcast, and poweroff cannot use S5");
		return -1;
	}
	acpi.rsdp = rsdp;
	acpi.rev = r[15];
	uint64_t root = *(const uint32_t *)(r + 16);
	int entsz = 4;
	if (acpi.rev >= 2 && *(const uint64_t *)(r + 24)) {
		root = *(const uint64_t *)(r + 24);
		entsz = 8;
	}
	add_table(root);
	const struct sdt_hdr *h = (const void *)(uintptr_t)root;
	int n = (int)((h->len - sizeof(*h)) / entsz);
	for (int i = 0; i < n; i++) {
		const uint8_t *e = (const uint8_t *)h + sizeof(*h) + i * entsz;
		add_table(entsz == 8 ? *(const uint64_t *)e : *(const uint32_t *)e);
	}
	if (acpi.dsdt)
		add_table(acpi.dsdt);
	klog(LOG_INFO, "acpi: %d tables, %d CPUs, %d IOAPICs, PM timer at 0x%x%s", acpi.ntables,
	     acpi.ncpus, acpi.nioapics, acpi.pm_tmr_port, acpi.s5_valid ? ", S5 found" : "");
	return 0;
}

uint32_t acpi_isa_gsi(uint8_t irq, uint16_t *flags)
{
	*flags = 0;
	for (int i = 0; i < acpi.nisos; i++)
		if (acpi.isos[i].irq == irq) {
			*flags = acpi.isos[i].flags;
			return acpi.isos[i].gsi;
		}
	return irq;
}
