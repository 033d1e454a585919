/*
 * hw/acpi_tables.c - the guest's ACPI tables, in the shape QEMU's `pc'
 * machine gives them (hw/i386/acpi-build.c with PIIX4 PM), laid out as
 * ACPI 6.4 chapter 5 describes. See hw/acpi_tables.h for the layout.
 *
 * Where keel differs from QEMU pc on purpose: the FADT is revision 6 (QEMU
 * pc emits revision 1 for old Windows) so that it can carry the reset
 * register (0xcf9, value 0x06, as QEMU q35 and real PIIX hardware use) and
 * the X_ address fields; there is no SMI_CMD (no SMM), so the PM device
 * starts with SCI_EN set; there is no GPE0 block yet.
 */
#include "hw/acpi_tables.h"

#include <errno.h>  /* EINVAL, ENOSPC */
#include <string.h> /* memcpy, memset */

#include "hw/aml.h"

/* A cursor over the output buffer, in guest-physical terms. */
struct acpi_out {
	uint8_t *buf;
	size_t len;
	size_t pos;
	uint64_t base;
};

static void put8(uint8_t *p, uint8_t v)
{
	p[0] = v;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	return sum;
}

/* Make the byte sum of p[0..len) zero by fixing the byte at csum_off. */
static void acpi_fix_checksum(uint8_t *p, size_t len, size_t csum_off)
{
	p[csum_off] = 0;
	p[csum_off] = (uint8_t)(0 - acpi_checksum(p, len));
}

/*
 * Reserve size bytes at the next guest-physical address aligned to align;
 * returns the table's bytes (zeroed) and its address, or NULL when the
 * buffer is too small.
 */
static uint8_t *acpi_alloc(struct acpi_out *o, size_t size, size_t align,
			   uint64_t *gpa)
{
	uint64_t addr = o->base + o->pos;
	size_t pad = (size_t)((align - (addr % align)) % align);

	if (pad > o->len - o->pos || size > o->len - o->pos - pad)
		return NULL;
	memset(&o->buf[o->pos], 0, pad + size);
	o->pos += pad;
	*gpa = o->base + o->pos;
	o->pos += size;
	return &o->buf[o->pos - size];
}

/* The common header (ACPI 6.4 section 5.2.6, table 5.4); the checksum is
 * fixed once the body is in place. */
static void acpi_header(uint8_t *t, const char *sig, uint32_t length,
			uint8_t revision)
{
	memcpy(&t[0], sig, 4);
	put32(&t[4], length);
	put8(&t[8], revision);
	memcpy(&t[10], ACPI_OEM_ID, 6);
	memcpy(&t[16], ACPI_OEM_TABLE_ID, 8);
	put32(&t[24], 1);                       /* OEM revision */
	memcpy(&t[28], ACPI_CREATOR_ID, 4);
	put32(&t[32], 1);                       /* creator revision */
}

/* Generic Address Structure (ACPI 6.4 section 5.2.3.2, table 5.1). */
static void acpi_gas_io(uint8_t *p, uint8_t bits, uint8_t access,
			uint64_t port)
{
	put8(&p[0], ACPI_GAS_SYSTEM_IO);
	put8(&p[1], bits);
	put8(&p[2], 0);                         /* bit offset */
	put8(&p[3], access);
	put64(&p[4], port);
}

/* ---- DSDT --------------------------------------------------------------- */

/*
 * The definition block (ACPI 6.4 section 5.2.11.1), revision 2 (64-bit
 * integers). Its AML says, in ASL:
 *
 *   Name (_S5, Package (4) { 0, 0, 0, 0 })  // PM1a/PM1b SLP_TYP for S5
 *   Scope (\_SB) {
 *       Device (PCI0) {
 *           Name (_HID, EisaId ("PNP0A03"))
 *           Name (_ADR, 0)
 *           Name (_UID, 0)
 *       }
 *   }
 *
 * SLP_TYP 0 for S5 is what QEMU's DSDT gives PIIX4 PM (section 7.4.2
 * describes \_Sx). Returns the AML length or -ENOSPC.
 */
static long acpi_dsdt_aml(uint8_t *buf, size_t cap)
{
	struct aml a;
	size_t pkg, sb, dev;

	aml_init(&a, buf, cap);
	aml_name_decl(&a, "_S5");
	pkg = aml_package_open(&a, 4);
	for (int i = 0; i < 4; i++)
		aml_integer(&a, 0);
	aml_close(&a, pkg);

	sb = aml_scope_open(&a, "\\_SB");
	dev = aml_device_open(&a, "PCI0");
	aml_name_decl(&a, "_HID");
	aml_eisaid(&a, "PNP0A03");
	aml_name_decl(&a, "_ADR");
	aml_integer(&a, 0);
	aml_name_decl(&a, "_UID");
	aml_integer(&a, 0);
	aml_close(&a, dev);
	aml_close(&a, sb);
	return aml_finish(&a);
}

static int acpi_build_dsdt(struct acpi_out *o, uint64_t *gpa)
{
	uint64_t addr = o->base + o->pos;
	size_t pad = (size_t)((16 - (addr % 16)) % 16);
	uint8_t *t;
	long aml;

	if (pad + ACPI_HEADER_SIZE > o->len - o->pos)
		return -ENOSPC;
	/* write the AML in place after the header, then claim the bytes */
	aml = acpi_dsdt_aml(&o->buf[o->pos + pad + ACPI_HEADER_SIZE],
			    o->len - o->pos - pad - ACPI_HEADER_SIZE);
	if (aml < 0)
		return (int)aml;
	t = &o->buf[o->pos + pad];
	memset(&o->buf[o->pos], 0, pad + ACPI_HEADER_SIZE);
	o->pos += pad;
	*gpa = o->base + o->pos;
	o->pos += ACPI_HEADER_SIZE + (size_t)aml;
	acpi_header(t, "DSDT", ACPI_HEADER_SIZE + (uint32_t)aml, 2);
	acpi_fix_checksum(t, ACPI_HEADER_SIZE + (size_t)aml, 9);
	return 0;
}

/* ---- FACS, FADT --------------------------------------------------------- */

/* FACS (ACPI 6.4 section 5.2.10, table 5.13): no checksum; the waking
 * vectors stay 0 until S3 exists. */
static void acpi_fill_facs(uint8_t *t)
{
	memcpy(&t[0], "FACS", 4);
	put32(&t[4], ACPI_FACS_SIZE);
	put8(&t[32], 2);                        /* version */
}

/* FADT (ACPI 6.4 section 5.2.9, table 5.9). */
static void acpi_fill_fadt(uint8_t *t, const struct acpi_tables_cfg *cfg,
			   uint64_t facs, uint64_t dsdt)
{
	uint16_t pm = cfg->pm_base;
	uint32_t flags = ACPI_FADT_F_WBINVD | ACPI_FADT_F_PROC_C1 |
			 ACPI_FADT_F_SLP_BUTTON | ACPI_FADT_F_RTC_S4 |
			 ACPI_FADT_F_PLATFORM_CLOCK |
			 ACPI_FADT_F_RESET_REG_SUP;

	/* flat logical APIC mode reaches 8 CPUs only (as QEMU) */
	if (cfg->ncpus > 8)
		flags |= ACPI_FADT_F_APIC_CLUSTER;

	acpi_header(t, "FACP", ACPI_FADT_SIZE, ACPI_FADT_REVISION);
	/* FIRMWARE_CTRL and X_FIRMWARE_CTRL: exactly one is non-zero */
	put32(&t[ACPI_FADT_FIRMWARE_CTRL], (uint32_t)facs);
	put32(&t[ACPI_FADT_DSDT], (uint32_t)dsdt);
	put8(&t[45], 0);                        /* PM profile: unspecified */
	put16(&t[ACPI_FADT_SCI_INT], cfg->sci_irq);
	/* SMI_CMD (48), ACPI_ENABLE/DISABLE: 0, no SMM: already ACPI mode */
	put32(&t[ACPI_FADT_PM1A_EVT_BLK], pm + ACPI_PM1_EVT_OFF);
	put32(&t[ACPI_FADT_PM1A_CNT_BLK], pm + ACPI_PM1_CNT_OFF);
	put32(&t[ACPI_FADT_PM_TMR_BLK], pm + ACPI_PM_TMR_OFF);
	put8(&t[ACPI_FADT_PM1_EVT_LEN], 4);
	put8(&t[ACPI_FADT_PM1_CNT_LEN], 2);
	put8(&t[ACPI_FADT_PM_TMR_LEN], 4);
	put16(&t[96], 0xfff);                   /* P_LVL2_LAT: no C2 */
	put16(&t[98], 0xfff);                   /* P_LVL3_LAT: no C3 */
	put8(&t[ACPI_FADT_CENTURY], ACPI_PC_RTC_CENTURY);
	put16(&t[ACPI_FADT_IAPC_BOOT_ARCH],
	      cfg->has_8042 ? ACPI_FADT_ARCH_8042 : 0);
	put32(&t[ACPI_FADT_FLAGS], flags);
	acpi_gas_io(&t[ACPI_FADT_RESET_REG], 8, ACPI_GAS_ACCESS_BYTE,
		    ACPI_PC_RESET_PORT);
	put8(&t[ACPI_FADT_RESET_VALUE], ACPI_PC_RESET_VALUE);
	put8(&t[ACPI_FADT_MINOR_VERSION], ACPI_FADT_MINOR);
	put64(&t[ACPI_FADT_X_DSDT], dsdt);
	acpi_gas_io(&t[ACPI_FADT_X_PM1A_EVT_BLK], 32, ACPI_GAS_ACCESS_WORD,
		    pm + ACPI_PM1_EVT_OFF);
	acpi_gas_io(&t[ACPI_FADT_X_PM1A_CNT_BLK], 16, ACPI_GAS_ACCESS_WORD,
		    pm + ACPI_PM1_CNT_OFF);
	acpi_gas_io(&t[ACPI_FADT_X_PM_TMR_BLK], 32, ACPI_GAS_ACCESS_DWORD,
		    pm + ACPI_PM_TMR_OFF);
	acpi_fix_checksum(t, ACPI_FADT_SIZE, 9);
}

/* ---- MADT --------------------------------------------------------------- */

/* ISA IRQs QEMU pc marks level/active-high (ACPI_BUILD_PCI_IRQS): 5, 9,
 * 10, 11; the SCI's IRQ is always among them. */
static bool acpi_irq_is_pci_level(unsigned int irq, unsigned int sci)
{
	return irq == 5 || irq == 9 || irq == 10 || irq == 11 || irq == sci;
}

static size_t acpi_madt_size(const struct acpi_tables_cfg *cfg)
{
	size_t n = ACPI_HEADER_SIZE + 8;
	unsigned int irq;

	n += (size_t)cfg->ncpus * ACPI_MADT_LAPIC_LEN;
	n += ACPI_MADT_IOAPIC_LEN + ACPI_MADT_OVERRIDE_LEN; /* IRQ0 -> GSI2 */
	for (irq = 1; irq < 16; irq++)
		if (acpi_irq_is_pci_level(irq, cfg->sci_irq))
			n += ACPI_MADT_OVERRIDE_LEN;
	return n + ACPI_MADT_NMI_LEN;
}

static uint8_t *acpi_madt_override(uint8_t *p, uint8_t irq, uint32_t gsi,
				   uint16_t flags)
{
	put8(&p[0], ACPI_MADT_OVERRIDE);
	put8(&p[1], ACPI_MADT_OVERRIDE_LEN);
	put8(&p[2], 0);                         /* bus: ISA */
	put8(&p[3], irq);
	put32(&p[4], gsi);
	put16(&p[8], flags);
	return p + ACPI_MADT_OVERRIDE_LEN;
}

/* MADT (ACPI 6.4 section 5.2.12): sections 5.2.12.2 (processor local
 * APIC), 5.2.12.3 (I/O APIC), 5.2.12.5 (interrupt source override),
 * 5.2.12.7 (local APIC NMI). */
static void acpi_fill_madt(uint8_t *t, size_t size,
			   const struct acpi_tables_cfg *cfg)
{
	uint8_t *p = &t[ACPI_HEADER_SIZE + 8];
	unsigned int i;

	acpi_header(t, "APIC", (uint32_t)size, ACPI_MADT_REVISION);
	put32(&t[36], cfg->lapic_addr);
	put32(&t[40], ACPI_MADT_PCAT_COMPAT);   /* dual 8259 present */
	for (i = 0; i < cfg->ncpus; i++, p += ACPI_MADT_LAPIC_LEN) {
		put8(&p[0], ACPI_MADT_LAPIC);
		put8(&p[1], ACPI_MADT_LAPIC_LEN);
		put8(&p[2], (uint8_t)i);        /* ACPI processor UID */
		put8(&p[3], (uint8_t)i);        /* APIC ID */
		put32(&p[4], 1);                /* enabled */
	}
	put8(&p[0], ACPI_MADT_IOAPIC);
	put8(&p[1], ACPI_MADT_IOAPIC_LEN);
	put8(&p[2], cfg->ioapic_id);
	put32(&p[4], cfg->ioapic_addr);
	put32(&p[8], 0);                        /* GSI base */
	p += ACPI_MADT_IOAPIC_LEN;
	/* the PIT's IRQ 0 is wired to IOAPIC pin 2 */
	p = acpi_madt_override(p, 0, 2, ACPI_MADT_INTI_CONFORM);
	for (i = 1; i < 16; i++)
		if (acpi_irq_is_pci_level(i, cfg->sci_irq))
			p = acpi_madt_override(p, (uint8_t)i, i,
					       ACPI_MADT_INTI_HIGH_LEVEL);
	put8(&p[0], ACPI_MADT_LAPIC_NMI);
	put8(&p[1], ACPI_MADT_NMI_LEN);
	put8(&p[2], 0xff);                      /* all processors */
	put16(&p[3], ACPI_MADT_INTI_CONFORM);
	put8(&p[5], 1);                         /* LINT1 */
	acpi_fix_checksum(t, size, 9);
}

/* ---- RSDT, XSDT, RSDP --------------------------------------------------- */

static void acpi_fill_sdt(uint8_t *t, const char *sig, unsigned int width,
			  const uint64_t *entries, unsigned int n)
{
	size_t size = ACPI_HEADER_SIZE + (size_t)width * n;

	acpi_header(t, sig, (uint32_t)size, 1);
	for (unsigned int i = 0; i < n; i++) {
		if (width == 4)
			put32(&t[ACPI_HEADER_SIZE + 4 * i], (uint32_t)entries[i]);
		else
			put64(&t[ACPI_HEADER_SIZE + 8 * i], entries[i]);
	}
	acpi_fix_checksum(t, size, 9);
}

/* RSDP (ACPI 6.4 section 5.2.5.3, table 5.3). */
static void acpi_fill_rsdp(uint8_t *t, uint64_t rsdt, uint64_t xsdt)
{
	memcpy(&t[0], "RSD PTR ", 8);
	memcpy(&t[9], ACPI_OEM_ID, 6);
	put8(&t[15], 2);                        /* revision: ACPI 2.0+ */
	put32(&t[16], (uint32_t)rsdt);
	put32(&t[20], ACPI_RSDP_SIZE);
	put64(&t[24], xsdt);
	acpi_fix_checksum(t, ACPI_RSDP_V1_SIZE, 8);
	acpi_fix_checksum(t, ACPI_RSDP_SIZE, 32);
}

/* ---- the whole set ------------------------------------------------------ */

void acpi_tables_default_cfg(struct acpi_tables_cfg *cfg, unsigned int ncpus)
{
	cfg->ncpus = ncpus;
	cfg->ioapic_id = 0;
	cfg->ioapic_addr = ACPI_IOAPIC_BASE;
	cfg->lapic_addr = ACPI_LAPIC_BASE;
	cfg->pm_base = ACPI_PC_PM_BASE;
	cfg->sci_irq = ACPI_PC_SCI_IRQ;
	cfg->has_8042 = true;
}

int acpi_tables_build(const struct acpi_tables_cfg *cfg, uint8_t *buf,
		      size_t len, uint64_t base, struct acpi_tables_info *out)
{
	struct acpi_out o = { .buf = buf, .len = len, .pos = 0, .base = base };
	struct acpi_tables_info info;
	uint8_t *rsdp, *facs, *fadt, *madt, *rsdt, *xsdt;
	size_t madt_size;
	uint64_t sdt[2];
	int err;

	/* the SCI is an ISA IRQ other than the PIT's 0 and the cascade's 2 */
	if (cfg->ncpus < 1 || cfg->ncpus > ACPI_MAX_CPUS ||
	    cfg->sci_irq == 0 || cfg->sci_irq == 2 || cfg->sci_irq > 15)
		return -EINVAL;
	if (base % 16 || base > UINT32_MAX)
		return -EINVAL;

	rsdp = acpi_alloc(&o, ACPI_RSDP_SIZE, 16, &info.rsdp);
	facs = acpi_alloc(&o, ACPI_FACS_SIZE, 64, &info.facs);
	if (!rsdp || !facs)
		return -ENOSPC;
	acpi_fill_facs(facs);

	err = acpi_build_dsdt(&o, &info.dsdt);
	if (err)
		return err;

	fadt = acpi_alloc(&o, ACPI_FADT_SIZE, 16, &info.fadt);
	if (!fadt)
		return -ENOSPC;
	acpi_fill_fadt(fadt, cfg, info.facs, info.dsdt);

	madt_size = acpi_madt_size(cfg);
	madt = acpi_alloc(&o, madt_size, 16, &info.madt);
	if (!madt)
		return -ENOSPC;
	acpi_fill_madt(madt, madt_size, cfg);

	sdt[0] = info.fadt;
	sdt[1] = info.madt;
	rsdt = acpi_alloc(&o, ACPI_HEADER_SIZE + 4 * 2, 16, &info.rsdt);
	xsdt = acpi_alloc(&o, ACPI_HEADER_SIZE + 8 * 2, 16, &info.xsdt);
	if (!rsdt || !xsdt)
		return -ENOSPC;
	acpi_fill_sdt(rsdt, "RSDT", 4, sdt, 2);
	acpi_fill_sdt(xsdt, "XSDT", 8, sdt, 2);
	acpi_fill_rsdp(rsdp, info.rsdt, info.xsdt);

	if (base + o.pos - 1 > UINT32_MAX)
		return -EINVAL;
	info.size = o.pos;
	if (out)
		*out = info;
	return 0;
}
