/*
 * Unit tests for the guest's ACPI tables (hw/acpi_tables.c, hw/aml.c) and
 * the PM1/PM-timer device the FADT points at (hw/acpi_pm.c). Tables are
 * walked the way a guest does: from the RSDP, through the XSDT, by
 * signature. Expected values: QEMU's pc machine (PM block at 0xb000, SCI
 * on IRQ 9, overrides for IRQ 0 and 5/9/10/11), ACPI 6.4 chapter 5.
 */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hw/acpi_pm.h"
#include "hw/acpi_tables.h"
#include "hw/aml.h"
#include "tests/unit/hw_fake.h"

#define BASE 0xe0000u
#define PM   ACPI_PC_PM_BASE
#define SCI  ACPI_PC_SCI_IRQ

static uint8_t tbl[ACPI_TABLES_MAX_SIZE];
static struct acpi_tables_info info;

static struct fake_env fe;
static struct acpi_pm pm;
static unsigned int poweroffs;

/* ---- table helpers -------------------------------------------------------- */

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* The bytes at guest-physical gpa, checked to lie inside what was built. */
static const uint8_t *at(uint64_t gpa, size_t len)
{
	assert_true(gpa >= BASE);
	assert_true(gpa - BASE + len <= info.size);
	return &tbl[gpa - BASE];
}

/* A table with its header, length and checksum verified. */
static const uint8_t *table(uint64_t gpa, const char *sig)
{
	const uint8_t *t = at(gpa, ACPI_HEADER_SIZE);

	assert_memory_equal(t, sig, 4);
	t = at(gpa, rd32(t + 4));
	assert_int_equal(acpi_checksum(t, rd32(t + 4)), 0);
	assert_memory_equal(t + 10, "KEEL  ", 6);
	return t;
}

static void build(unsigned int ncpus)
{
	struct acpi_tables_cfg cfg;

	memset(tbl, 0xaa, sizeof(tbl));
	acpi_tables_default_cfg(&cfg, ncpus);
	assert_int_equal(acpi_tables_build(&cfg, tbl, sizeof(tbl), BASE,
					   &info), 0);
}

/* Find a table by signature through RSDP -> XSDT, as a guest does. */
static const uint8_t *find(const char *sig)
{
	const uint8_t *rsdp = at(BASE, ACPI_RSDP_SIZE);
	const uint8_t *xsdt = table(rd64(rsdp + 24), "XSDT");
	unsigned int n = (rd32(xsdt + 4) - ACPI_HEADER_SIZE) / 8;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t a = rd64(xsdt + ACPI_HEADER_SIZE + 8 * i);

		if (!memcmp(at(a, 4), sig, 4))
			return table(a, sig);
	}
	fail_msg("table %s not in the XSDT", sig);
	return NULL;
}

struct madt_count {
	unsigned int lapic, ioapic, ovr, nmi;
};

static struct madt_count madt_walk(const uint8_t *m)
{
	struct madt_count c = { 0, 0, 0, 0 };
	uint32_t len = rd32(m + 4), off = ACPI_HEADER_SIZE + 8;

	while (off < len) {
		assert_true(m[off + 1] >= 2 && off + m[off + 1] <= len);
		switch (m[off]) {
		case ACPI_MADT_LAPIC:     c.lapic++; break;
		case ACPI_MADT_IOAPIC:    c.ioapic++; break;
		case ACPI_MADT_OVERRIDE:  c.ovr++; break;
		case ACPI_MADT_LAPIC_NMI: c.nmi++; break;
		default: fail_msg("unexpected MADT type %u", m[off]);
		}
		off += m[off + 1];
	}
	assert_int_equal(off, len);
	return c;
}

/* The override for ISA IRQ irq, or NULL. */
static const uint8_t *madt_override(const uint8_t *m, uint8_t irq)
{
	uint32_t len = rd32(m + 4), off = ACPI_HEADER_SIZE + 8;

	for (; off < len; off += m[off + 1])
		if (m[off] == ACPI_MADT_OVERRIDE && m[off + 3] == irq)
			return m + off;
	return NULL;
}

/* ---- tables --------------------------------------------------------------- */

static void test_rsdp(void **state)
{
	const uint8_t *r;

	(void)state;
	build(1);
	assert_int_equal(info.rsdp, BASE);
	r = at(info.rsdp, ACPI_RSDP_SIZE);
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(acpi_checksum(r, 20), 0);
	assert_int_equal(acpi_checksum(r, ACPI_RSDP_SIZE), 0);
	assert_int_equal(r[15], 2);
	assert_int_equal(rd32(r + 20), ACPI_RSDP_SIZE);
	assert_int_equal(rd32(r + 16), info.rsdt);
	assert_int_equal(rd64(r + 24), info.xsdt);
	assert_memory_equal(r + 9, "KEEL  ", 6);
}

static void test_every_checksum(void **state)
{
	const uint8_t *fadt, *facs;

	(void)state;
	build(4);
	table(info.rsdt, "RSDT");
	table(info.xsdt, "XSDT");
	table(info.madt, "APIC");
	fadt = table(info.fadt, "FACP");
	table(rd64(fadt + ACPI_FADT_X_DSDT), "DSDT");
	/* the FACS has no checksum; 64-byte aligned, 64 bytes long */
	facs = at(rd32(fadt + ACPI_FADT_FIRMWARE_CTRL), ACPI_FACS_SIZE);
	assert_memory_equal(facs, "FACS", 4);
	assert_int_equal(rd32(facs + 4), ACPI_FACS_SIZE);
	assert_int_equal(info.facs % 64, 0);
	/* a corrupted byte shows up */
	tbl[info.madt - BASE + 40] ^= 1;
	assert_int_not_equal(acpi_checksum(at(info.madt, 44),
					   rd32(at(info.madt, 8) + 4)), 0);
}

static void test_rsdt_xsdt_agree(void **state)
{
	const uint8_t *r, *x;

	(void)state;
	build(2);
	r = table(info.rsdt, "RSDT");
	x = table(info.xsdt, "XSDT");
	assert_int_equal(rd32(r + 4), ACPI_HEADER_SIZE + 4 * 2);
	assert_int_equal(rd32(x + 4), ACPI_HEADER_SIZE + 8 * 2);
	for (int i = 0; i < 2; i++)
		assert_int_equal(rd32(r + ACPI_HEADER_SIZE + 4 * i),
				 rd64(x + ACPI_HEADER_SIZE + 8 * i));
	assert_ptr_equal(find("FACP"), at(info.fadt, 4));
	assert_ptr_equal(find("APIC"), at(info.madt, 4));
}

static void test_madt_one_cpu(void **state)
{
	struct madt_count c;
	const uint8_t *m;

	(void)state;
	build(1);
	m = find("APIC");
	c = madt_walk(m);
	assert_int_equal(c.lapic, 1);
	assert_int_equal(c.ioapic, 1);
	assert_int_equal(c.ovr, 5);
	assert_int_equal(c.nmi, 1);
	assert_int_equal(rd32(m + 36), 0xfee00000u);
	assert_int_equal(rd32(m + 40) & 1, 1);      /* PCAT_COMPAT */
}

static void test_madt_four_cpus(void **state)
{
	const uint8_t *m, *p;

	(void)state;
	build(4);
	m = find("APIC");
	assert_int_equal(madt_walk(m).lapic, 4);
	p = m + ACPI_HEADER_SIZE + 8;
	for (unsigned int i = 0; i < 4; i++, p += ACPI_MADT_LAPIC_LEN) {
		assert_int_equal(p[0], ACPI_MADT_LAPIC);
		assert_int_equal(p[1], ACPI_MADT_LAPIC_LEN);
		assert_int_equal(p[2], i);          /* UID */
		assert_int_equal(p[3], i);          /* APIC ID */
		assert_int_equal(rd32(p + 4), 1);   /* enabled */
	}
	assert_int_equal(p[0], ACPI_MADT_IOAPIC);
}

static void test_madt_overrides(void **state)
{
	const uint8_t *m, *o;
	static const uint8_t level[] = { 5, 9, 10, 11 };

	(void)state;
	build(2);
	m = find("APIC");
	o = madt_override(m, 0);
	assert_non_null(o);
	assert_int_equal(o[2], 0);                  /* ISA */
	assert_int_equal(rd32(o + 4), 2);
	assert_int_equal(rd16(o + 8), 0);           /* conforming */
	for (unsigned int i = 0; i < sizeof(level); i++) {
		o = madt_override(m, level[i]);
		assert_non_null(o);
		assert_int_equal(rd32(o + 4), level[i]);
		assert_int_equal(rd16(o + 8), 0xd); /* active high, level */
	}
	assert_null(madt_override(m, 1));
	assert_null(madt_override(m, 4));
	assert_null(madt_override(m, 8));
}

static void test_madt_ioapic_nmi(void **state)
{
	const uint8_t *m, *p;
	uint32_t off;

	(void)state;
	build(3);
	m = find("APIC");
	p = NULL;
	for (off = ACPI_HEADER_SIZE + 8; off < rd32(m + 4); off += m[off + 1])
		if (m[off] == ACPI_MADT_IOAPIC)
			p = m + off;
	assert_non_null(p);
	assert_int_equal(p[2], 0);                  /* IOAPIC ID */
	assert_int_equal(rd32(p + 4), 0xfec00000u);
	assert_int_equal(rd32(p + 8), 0);           /* GSI base */
	p = NULL;
	for (off = ACPI_HEADER_SIZE + 8; off < rd32(m + 4); off += m[off + 1])
		if (m[off] == ACPI_MADT_LAPIC_NMI)
			p = m + off;
	assert_non_null(p);
	assert_int_equal(p[1], ACPI_MADT_NMI_LEN);
	assert_int_equal(p[2], 0xff);               /* all processors */
	assert_int_equal(p[5], 1);                  /* LINT1 */
}

static void check_gas_io(const uint8_t *g, uint8_t bits, uint64_t port)
{
	assert_int_equal(g[0], ACPI_GAS_SYSTEM_IO);
	assert_int_equal(g[1], bits);
	assert_int_equal(g[2], 0);
	assert_int_equal(rd64(g + 4), port);
}

static void test_fadt_pm_blocks(void **state)
{
	const uint8_t *f;

	(void)state;
	build(1);
	f = find("FACP");
	assert_int_equal(rd32(f + 4), ACPI_FADT_SIZE);
	assert_int_equal(f[8], 6);
	assert_int_equal(rd16(f + ACPI_FADT_SCI_INT), 9);
	assert_int_equal(rd32(f + 48), 0);          /* no SMI_CMD */
	assert_int_equal(rd32(f + ACPI_FADT_PM1A_EVT_BLK), 0xb000);
	assert_int_equal(rd32(f + ACPI_FADT_PM1A_CNT_BLK), 0xb004);
	assert_int_equal(rd32(f + ACPI_FADT_PM_TMR_BLK), 0xb008);
	assert_int_equal(f[ACPI_FADT_PM1_EVT_LEN], 4);
	assert_int_equal(f[ACPI_FADT_PM1_CNT_LEN], 2);
	assert_int_equal(f[ACPI_FADT_PM_TMR_LEN], 4);
	check_gas_io(f + ACPI_FADT_X_PM1A_EVT_BLK, 32, 0xb000);
	check_gas_io(f + ACPI_FADT_X_PM1A_CNT_BLK, 16, 0xb004);
	check_gas_io(f + ACPI_FADT_X_PM_TMR_BLK, 32, 0xb008);
	assert_int_equal(f[ACPI_FADT_CENTURY], 0x32);
	/* 24-bit timer: TMR_VAL_EXT clear */
	assert_int_equal(rd32(f + ACPI_FADT_FLAGS) & ACPI_FADT_F_TMR_VAL_EXT, 0);
}

static void test_fadt_reset_and_flags(void **state)
{
	const uint8_t *f;
	uint32_t flags;

	(void)state;
	build(4);
	f = find("FACP");
	check_gas_io(f + ACPI_FADT_RESET_REG, 8, 0xcf9);
	assert_int_equal(f[ACPI_FADT_RESET_VALUE], 0x06);
	flags = rd32(f + ACPI_FADT_FLAGS);
	assert_true(flags & ACPI_FADT_F_RESET_REG_SUP);
	assert_true(flags & ACPI_FADT_F_WBINVD);
	assert_true(flags & ACPI_FADT_F_PROC_C1);
	assert_true(flags & ACPI_FADT_F_SLP_BUTTON);
	assert_true(flags & ACPI_FADT_F_RTC_S4);
	assert_true(flags & ACPI_FADT_F_PLATFORM_CLOCK);
	assert_false(flags & ACPI_FADT_F_HW_REDUCED);
	assert_false(flags & ACPI_FADT_F_APIC_CLUSTER);
	assert_int_equal(rd16(f + ACPI_FADT_IAPC_BOOT_ARCH),
			 ACPI_FADT_ARCH_8042);
	build(16);
	f = find("FACP");
	assert_true(rd32(f + ACPI_FADT_FLAGS) & ACPI_FADT_F_APIC_CLUSTER);
	assert_int_equal(madt_walk(find("APIC")).lapic, 16);
}

static void test_fadt_dsdt_facs(void **state)
{
	const uint8_t *f;

	(void)state;
	build(1);
	f = find("FACP");
	assert_int_equal(rd32(f + ACPI_FADT_DSDT), info.dsdt);
	assert_int_equal(rd64(f + ACPI_FADT_X_DSDT), info.dsdt);
	table(rd64(f + ACPI_FADT_X_DSDT), "DSDT");
	assert_int_equal(rd32(f + ACPI_FADT_FIRMWARE_CTRL), info.facs);
	assert_int_equal(rd64(f + ACPI_FADT_X_FIRMWARE_CTRL), 0);
}

/*
 * Find \_S5 the way small kernels do: the bytes "_S5_" after a NameOp,
 * then a PackageOp, its PkgLength, the element count and the first
 * element (SLP_TYPa) as ZeroOp, OneOp or BytePrefix n.
 */
static void test_dsdt_s5_scan(void **state)
{
	const uint8_t *d;
	uint32_t len, i;
	int typ = -1;

	(void)state;
	build(1);
	d = table(rd64(find("FACP") + ACPI_FADT_X_DSDT), "DSDT");
	len = rd32(d + 4);
	for (i = ACPI_HEADER_SIZE; i + 4 < len; i++) {
		if (memcmp(d + i, "_S5_", 4))
			continue;
		assert_true(d[i - 1] == AML_NAME_OP ||
			    (d[i - 1] == '\\' && d[i - 2] == AML_NAME_OP));
		assert_int_equal(d[i + 4], AML_PACKAGE_OP);
		i += 5;
		i += ((d[i] >> 6) & 3) + 1;         /* skip PkgLength */
		assert_true(d[i] >= 2);             /* NumElements */
		i++;
		if (d[i] == AML_BYTE_PREFIX)
			typ = d[i + 1];
		else if (d[i] == AML_ZERO_OP || d[i] == AML_ONE_OP)
			typ = d[i];
		break;
	}
	assert_int_equal(typ, ACPI_PM_SLP_TYP_S5);
}

static void test_dsdt_pci0(void **state)
{
	static const uint8_t hid[] = { AML_NAME_OP, '_', 'H', 'I', 'D',
				       AML_DWORD_PREFIX, 0x41, 0xd0, 0x0a,
				       0x03 };
	const uint8_t *d;
	uint32_t len, i, dev = 0, h = 0;

	(void)state;
	build(1);
	d = find("FACP");
	d = table(rd64(d + ACPI_FADT_X_DSDT), "DSDT");
	len = rd32(d + 4);
	for (i = ACPI_HEADER_SIZE; i + sizeof(hid) <= len; i++) {
		if (!dev && !memcmp(d + i, "PCI0", 4) && d[i - 3] == 0x5b &&
		    d[i - 2] == AML_DEVICE_OP)
			dev = i;
		if (!memcmp(d + i, hid, sizeof(hid)))
			h = i;
	}
	assert_int_not_equal(dev, 0);
	assert_true(h > dev);           /* _HID PNP0A03 inside PCI0 */
	/* Device's PkgLength covers the rest of the table here */
	assert_int_equal(d[dev - 1], len - (dev - 1));
}

static void test_build_errors(void **state)
{
	struct acpi_tables_cfg cfg;

	(void)state;
	acpi_tables_default_cfg(&cfg, 1);
	assert_int_equal(acpi_tables_build(&cfg, tbl, 100, BASE, &info),
			 -ENOSPC);
	assert_int_equal(acpi_tables_build(&cfg, tbl, sizeof(tbl), BASE + 8,
					   &info), -EINVAL);
	assert_int_equal(acpi_tables_build(&cfg, tbl, sizeof(tbl),
					   0x100000000ull, &info), -EINVAL);
	assert_int_equal(acpi_tables_build(&cfg, tbl, sizeof(tbl),
					   0xffffff00u, &info), -EINVAL);
	cfg.ncpus = 0;
	assert_int_equal(acpi_tables_build(&cfg, tbl, sizeof(tbl), BASE,
					   &info), -EINVAL);
	cfg.ncpus = ACPI_MAX_CPUS;  /* the documented maximum fits */
	assert_int_equal(acpi_tables_build(&cfg, tbl, sizeof(tbl), BASE,
					   &info), 0);
	assert_int_equal(madt_walk(find("APIC")).lapic, ACPI_MAX_CPUS);
	cfg.ncpus = ACPI_MAX_CPUS + 1;
	assert_int_equal(acpi_tables_build(&cfg, tbl, sizeof(tbl), BASE,
					   &info), -EINVAL);
}

/* A package longer than 63 bytes takes a 2-byte PkgLength. */
static void test_aml_long_package(void **state)
{
	uint8_t buf[256];
	struct aml a;
	size_t mark;
	long n;

	(void)state;
	aml_init(&a, buf, sizeof(buf));
	mark = aml_package_open(&a, 40);
	for (int i = 0; i < 40; i++)
		aml_integer(&a, 0x1234);            /* 3 bytes each */
	aml_close(&a, mark);
	n = aml_finish(&a);
	/* PackageOp, 2-byte PkgLength, count, 120 bytes of elements */
	assert_int_equal(n, 1 + 2 + 1 + 120);
	assert_int_equal(buf[1] >> 6, 1);
	assert_int_equal((buf[1] & 0x0f) | buf[2] << 4, 2 + 1 + 120);
	assert_int_equal(buf[3], 40);
	assert_int_equal(buf[4], AML_WORD_PREFIX);
	/* and a full buffer is reported, not overrun */
	aml_init(&a, buf, 8);
	aml_name_decl(&a, "\\_SB.PCI0");
	assert_int_equal(aml_finish(&a), -ENOSPC);
}

/* ---- PM device ------------------------------------------------------------ */

static void on_poweroff(void *opaque)
{
	(void)opaque;
	poweroffs++;
}

static int pm_setup(void **state)
{
	(void)state;
	fake_init(&fe, 5000);
	poweroffs = 0;
	acpi_pm_init(&pm, &fe.env, SCI, on_poweroff, NULL);
	assert_int_equal(acpi_pm_attach(&pm, &fe.pio, PM), 0);
	return 0;
}

static void test_pm_timer_rate(void **state)
{
	uint32_t t0, t1;

	(void)state;
	t0 = inl(PM + ACPI_PM_TMR);
	clock_step(1000000000ull);                  /* one second */
	t1 = inl(PM + ACPI_PM_TMR);
	assert_int_equal((t1 - t0) & ACPI_PM_TIMER_MASK,
			 ACPI_PM_TIMER_HZ & ACPI_PM_TIMER_MASK);
	t0 = t1;
	clock_step(1000000);                        /* 1 ms: 3579.5 ticks */
	t1 = inl(PM + ACPI_PM_TMR);
	assert_true(t1 - t0 == 3579 || t1 - t0 == 3580);
	clock_step(0);
	assert_int_equal(inl(PM + ACPI_PM_TMR), t1);  /* stopped clock */
}

static void test_pm_timer_wrap(void **state)
{
	uint32_t t;

	(void)state;
	/* 2^24 ticks is about 4.687 s: go just before it, then past */
	fe.now = 4686000000ull;
	t = inl(PM + ACPI_PM_TMR);
	assert_true(t > 0xffe000u && t <= ACPI_PM_TIMER_MASK);
	clock_step(10000000);                       /* 10 ms */
	t = inl(PM + ACPI_PM_TMR);
	assert_true(t < 0x10000u);                  /* wrapped */
	assert_int_equal(inl(PM + ACPI_PM_TMR) & 0xff000000u, 0);
	/* the timer is read-only */
	outl(PM + ACPI_PM_TMR, 0);
	assert_int_equal(inl(PM + ACPI_PM_TMR), t);
}

static void test_pm_tmr_sts_w1c(void **state)
{
	(void)state;
	assert_int_equal(inw(PM + ACPI_PM_STS) & ACPI_PM1_TMR, 0);
	clock_step(2400000000ull);                  /* > 2^23 ticks */
	assert_true(inw(PM + ACPI_PM_STS) & ACPI_PM1_TMR);
	acpi_pm_power_button(&pm);
	outw(PM + ACPI_PM_STS, 0);                  /* writing 0: no effect */
	assert_int_equal(inw(PM + ACPI_PM_STS),
			 ACPI_PM1_TMR | ACPI_PM1_PWRBTN);
	outw(PM + ACPI_PM_STS, ACPI_PM1_TMR);       /* clears only TMR */
	assert_int_equal(inw(PM + ACPI_PM_STS), ACPI_PM1_PWRBTN);
	outb(PM + ACPI_PM_STS + 1, ACPI_PM1_PWRBTN >> 8); /* byte write */
	assert_int_equal(inw(PM + ACPI_PM_STS), 0);
	assert_false(irq_level(SCI));               /* nothing enabled */
}

/* Ports 6-7 are reserved: a write there once overran the register arrays
 * (found by tests/fuzz/fuzz_acpi_pm). It must change nothing. */
static void test_pm_reserved_ports_ignored(void **state)
{
	(void)state;
	outw(PM + ACPI_PM_EN, ACPI_PM1_PWRBTN);
	uint16_t sts = inw(PM + ACPI_PM_STS), en = inw(PM + ACPI_PM_EN), cnt = inw(PM + ACPI_PM_CNT);
	outw(PM + 6, 0xffff);
	outb(PM + 7, 0xff);
	assert_int_equal(inw(PM + ACPI_PM_STS), sts);
	assert_int_equal(inw(PM + ACPI_PM_EN), en);
	assert_int_equal(inw(PM + ACPI_PM_CNT), cnt);
	assert_int_equal(poweroffs, 0);
}

static void test_pm_sci_timer(void **state)
{
	(void)state;
	outw(PM + ACPI_PM_EN, ACPI_PM1_TMR);
	assert_int_equal(inw(PM + ACPI_PM_EN), ACPI_PM1_TMR);
	assert_false(irq_level(SCI));
	/* the device's own timer raises the SCI at the bit-23 change */
	assert_int_not_equal(clock_step_next(2400000000ull), 0);
	assert_true(irq_level(SCI));
	assert_int_equal(irq_rises(SCI), 1);
	assert_int_equal(acpi_pm_timer(&pm) & 0x7fffff, 0);
	outw(PM + ACPI_PM_STS, ACPI_PM1_TMR);
	assert_false(irq_level(SCI));
	/* and again one period (2^23 ticks, ~2.34 s) later */
	clock_step(2343600000ull);
	assert_true(irq_level(SCI));
	assert_int_equal(irq_rises(SCI), 2);
	/* disabling the event lowers the line while the status stays */
	outw(PM + ACPI_PM_EN, 0);
	assert_false(irq_level(SCI));
	assert_true(inw(PM + ACPI_PM_STS) & ACPI_PM1_TMR);
}

static void test_pm_sci_en_gates(void **state)
{
	(void)state;
	assert_int_equal(inw(PM + ACPI_PM_CNT) & ACPI_PM1_SCI_EN,
			 ACPI_PM1_SCI_EN);          /* ACPI mode from reset */
	outw(PM + ACPI_PM_EN, ACPI_PM1_PWRBTN);
	outw(PM + ACPI_PM_CNT, 0);                  /* SCI_EN off */
	acpi_pm_power_button(&pm);
	assert_false(irq_level(SCI));
	outw(PM + ACPI_PM_CNT, ACPI_PM1_SCI_EN);
	assert_true(irq_level(SCI));
	outw(PM + ACPI_PM_STS, ACPI_PM1_PWRBTN);
	assert_false(irq_level(SCI));
	assert_int_equal(irq_rises(SCI), 1);
}

static void test_pm_poweroff(void **state)
{
	(void)state;
	/* SLP_TYP 5 with SLP_EN: not S5 in our DSDT, no poweroff */
	outw(PM + ACPI_PM_CNT, ACPI_PM1_SCI_EN | 5 << ACPI_PM1_SLP_TYP_SHIFT |
			       ACPI_PM1_SLP_EN);
	assert_int_equal(poweroffs, 0);
	assert_int_equal(pm.other_sleeps, 1);
	/* SLP_TYP alone does nothing; SLP_EN reads back as 0 */
	outw(PM + ACPI_PM_CNT, ACPI_PM1_SCI_EN);
	assert_int_equal(poweroffs, 0);
	outw(PM + ACPI_PM_CNT, ACPI_PM1_SCI_EN |
			       ACPI_PM_SLP_TYP_S5 << ACPI_PM1_SLP_TYP_SHIFT |
			       ACPI_PM1_SLP_EN);
	assert_int_equal(poweroffs, 1);
	assert_int_equal(inw(PM + ACPI_PM_CNT) & ACPI_PM1_SLP_EN, 0);
	/* the classic "outw(0xb004, 0x2000)" shutdown also works */
	outw(0xb004, 0x2000);
	assert_int_equal(poweroffs, 2);
}

static void test_pm_reset_and_bytes(void **state)
{
	(void)state;
	outb(PM + ACPI_PM_EN + 1, ACPI_PM1_PWRBTN >> 8);
	outb(PM + ACPI_PM_EN, ACPI_PM1_TMR | 0x02); /* bit 1 is reserved */
	assert_int_equal(inw(PM + ACPI_PM_EN), ACPI_PM1_TMR | ACPI_PM1_PWRBTN);
	acpi_pm_power_button(&pm);
	assert_true(irq_level(SCI));
	acpi_pm_reset(&pm);
	assert_false(irq_level(SCI));
	assert_int_equal(inw(PM + ACPI_PM_EN), 0);
	assert_int_equal(inw(PM + ACPI_PM_STS), 0);
	assert_int_equal(inw(PM + ACPI_PM_CNT), ACPI_PM1_SCI_EN);
	/* a dword read at the base returns STS in the low and EN in the
	 * high half, as the 32-bit PM1_EVT block of the FADT says */
	outw(PM + ACPI_PM_EN, ACPI_PM1_RTC);
	assert_int_equal(inl(PM + ACPI_PM_STS), (uint32_t)ACPI_PM1_RTC << 16);
}

/* The FADT's PM timer port reaches this device's timer. */
static void test_pm_matches_fadt(void **state)
{
	const uint8_t *f;
	uint16_t tmr, cnt;

	(void)state;
	build(1);
	f = find("FACP");
	tmr = (uint16_t)rd64(f + ACPI_FADT_X_PM_TMR_BLK + 4);
	cnt = (uint16_t)rd32(f + ACPI_FADT_PM1A_CNT_BLK);
	fe.now = 1000000000ull;
	assert_int_equal(inl(tmr), ACPI_PM_TIMER_HZ);
	outw(cnt, ACPI_PM1_SCI_EN | ACPI_PM1_SLP_EN);
	assert_int_equal(poweroffs, 1);
	assert_int_equal(rd16(f + ACPI_FADT_SCI_INT), pm.sci_gsi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsdp),
		cmocka_unit_test(test_every_checksum),
		cmocka_unit_test(test_rsdt_xsdt_agree),
		cmocka_unit_test(test_madt_one_cpu),
		cmocka_unit_test(test_madt_four_cpus),
		cmocka_unit_test(test_madt_overrides),
		cmocka_unit_test(test_madt_ioapic_nmi),
		cmocka_unit_test(test_fadt_pm_blocks),
		cmocka_unit_test(test_fadt_reset_and_flags),
		cmocka_unit_test(test_fadt_dsdt_facs),
		cmocka_unit_test(test_dsdt_s5_scan),
		cmocka_unit_test(test_dsdt_pci0),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_aml_long_package),
		cmocka_unit_test_setup(test_pm_timer_rate, pm_setup),
		cmocka_unit_test_setup(test_pm_timer_wrap, pm_setup),
		cmocka_unit_test_setup(test_pm_tmr_sts_w1c, pm_setup),
		cmocka_unit_test_setup(test_pm_reserved_ports_ignored, pm_setup),
		cmocka_unit_test_setup(test_pm_sci_timer, pm_setup),
		cmocka_unit_test_setup(test_pm_sci_en_gates, pm_setup),
		cmocka_unit_test_setup(test_pm_poweroff, pm_setup),
		cmocka_unit_test_setup(test_pm_reset_and_bytes, pm_setup),
		cmocka_unit_test_setup(test_pm_matches_fadt, pm_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
