/*
 * Unit tests for hw/pci.c and hw/i440fx.c, qtest style: configuration
 * mechanism #1 through ports 0xcf8/0xcfc, the i440FX and PIIX3 registers,
 * and the reset control register at 0xcf9. Expected values: the 82441FX
 * and 82371SB datasheets and what QEMU's `pc' machine shows a guest.
 */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hw/i440fx.h"
#include "hw/pci.h"
#include "tests/unit/hw_fake.h"

static struct fake_env fe;
static struct pci_bus pci;
static struct i440fx nb;

static unsigned int pam_calls, pam_last_idx, pirq_calls, pirq_last;
static uint8_t pam_last_val;
static int pirq_last_irq;
static unsigned int resets;
static bool reset_hard;

static void on_pam(void *opaque, unsigned int pam, uint8_t value)
{
	(void)opaque;
	pam_calls++;
	pam_last_idx = pam;
	pam_last_val = value;
}

static void on_pirq(void *opaque, unsigned int pirq, int irq)
{
	(void)opaque;
	pirq_calls++;
	pirq_last = pirq;
	pirq_last_irq = irq;
}

static void on_reset(void *opaque, bool hard)
{
	(void)opaque;
	resets++;
	reset_hard = hard;
}

static const struct i440fx_board_ops board = {
	.pam_changed = on_pam,
	.pirq_changed = on_pirq,
	.reset_request = on_reset,
};

static int setup(void **state)
{
	(void)state;
	fake_init(&fe, 0);
	pam_calls = pirq_calls = resets = 0;
	pirq_last_irq = -2;
	reset_hard = false;
	pci_bus_init(&pci);
	i440fx_init(&nb, &fe.env, &board, NULL);
	assert_int_equal(pci_attach(&pci, &fe.pio), 0);
	assert_int_equal(i440fx_attach(&nb, &pci), 0);
	return 0;
}

static uint32_t cfg_addr(unsigned int devfn, unsigned int reg)
{
	return PCI_CONF_ENABLE | devfn << 8 | (reg & 0xfc);
}

static uint32_t cfg_readl(unsigned int devfn, unsigned int reg)
{
	outl(0xcf8, cfg_addr(devfn, reg));
	return inl(0xcfc);
}

static uint16_t cfg_readw(unsigned int devfn, unsigned int reg)
{
	outl(0xcf8, cfg_addr(devfn, reg));
	return inw(0xcfc + (reg & 2));
}

static uint8_t cfg_readb(unsigned int devfn, unsigned int reg)
{
	outl(0xcf8, cfg_addr(devfn, reg));
	return inb(0xcfc + (reg & 3));
}

static void cfg_writeb(unsigned int devfn, unsigned int reg, uint8_t v)
{
	outl(0xcf8, cfg_addr(devfn, reg));
	outb(0xcfc + (reg & 3), v);
}

static void cfg_writew(unsigned int devfn, unsigned int reg, uint16_t v)
{
	outl(0xcf8, cfg_addr(devfn, reg));
	outw(0xcfc + (reg & 2), v);
}

static void cfg_writel(unsigned int devfn, unsigned int reg, uint32_t v)
{
	outl(0xcf8, cfg_addr(devfn, reg));
	outl(0xcfc, v);
}

static void test_confadd_readback(void **state)
{
	(void)state;
	assert_int_equal(inl(0xcf8), 0);
	outl(0xcf8, 0x80001234);
	assert_int_equal(inl(0xcf8), 0x80001234);
	/* byte and word accesses do not reach CONFADD */
	outb(0xcf8, 0x00);
	outw(0xcfa, 0x0000);
	assert_int_equal(inl(0xcf8), 0x80001234);
	assert_int_equal(inw(0xcf8), 0xffff);
	assert_int_equal(inb(0xcfb), 0xff);
}

static void test_host_bridge_ids(void **state)
{
	(void)state;
	assert_int_equal(cfg_readl(I440FX_DEVFN, 0x00), 0x12378086);
	assert_int_equal(cfg_readb(I440FX_DEVFN, PCI_REVISION_ID), 0x02);
	assert_int_equal(cfg_readl(I440FX_DEVFN, 0x08), 0x06000002);
	assert_int_equal(cfg_readb(I440FX_DEVFN, PCI_HEADER_TYPE), 0x00);
	assert_int_equal(cfg_readl(I440FX_DEVFN, 0x2c), 0x11001af4);
}

static void test_isa_bridge_ids(void **state)
{
	(void)state;
	assert_int_equal(cfg_readw(PIIX3_DEVFN, 0x00), 0x8086);
	assert_int_equal(cfg_readw(PIIX3_DEVFN, 0x02), 0x7000);
	assert_int_equal(cfg_readw(PIIX3_DEVFN, PCI_CLASS_DEVICE), 0x0601);
	assert_int_equal(cfg_readb(PIIX3_DEVFN, PCI_HEADER_TYPE), 0x80);
	assert_int_equal(cfg_readw(PIIX3_DEVFN, PCI_COMMAND), 0x0007);
	assert_int_equal(cfg_readw(PIIX3_DEVFN, PCI_STATUS), 0x0200);
	assert_int_equal(cfg_readb(PIIX3_DEVFN, 0x4c), 0x4d);
	assert_int_equal(cfg_readb(PIIX3_DEVFN, 0x69), 0x02);
}

static void test_byte_word_offsets(void **state)
{
	(void)state;
	/* each byte lane of CONFDATA reads its own register byte */
	outl(0xcf8, cfg_addr(I440FX_DEVFN, 0));
	assert_int_equal(inb(0xcfc), 0x86);
	assert_int_equal(inb(0xcfd), 0x80);
	assert_int_equal(inb(0xcfe), 0x37);
	assert_int_equal(inb(0xcff), 0x12);
	assert_int_equal(inw(0xcfe), 0x1237);
	/* CONFADD bits 1:0 do not select a byte: the port offset does */
	outl(0xcf8, cfg_addr(I440FX_DEVFN, 0) | 2);
	assert_int_equal(inw(0xcfc), 0x8086);
	/* an unaligned word inside CONFDATA */
	outl(0xcf8, cfg_addr(I440FX_DEVFN, 0));
	assert_int_equal(inw(0xcfd), 0x3780);
}

static void test_absent_devices(void **state)
{
	(void)state;
	assert_int_equal(cfg_readl(PCI_DEVFN(2, 0), 0), 0xffffffff);
	assert_int_equal(cfg_readl(PCI_DEVFN(0, 1), 0), 0xffffffff);
	assert_int_equal(cfg_readw(PCI_DEVFN(31, 7), 0), 0xffff);
	assert_int_equal(cfg_readb(PCI_DEVFN(1, 1), 0x0e), 0xff);
	/* another bus number: nothing there either */
	outl(0xcf8, PCI_CONF_ENABLE | 1u << 16);
	assert_int_equal(inl(0xcfc), 0xffffffff);
	/* a write to an absent function goes nowhere */
	cfg_writel(PCI_DEVFN(2, 0), 0x04, 0x7);
	assert_int_equal(cfg_readl(PCI_DEVFN(2, 0), 0x04), 0xffffffff);
}

static void test_enable_bit_required(void **state)
{
	(void)state;
	outl(0xcf8, I440FX_DEVFN << 8 | 0x00); /* enable clear */
	assert_int_equal(inl(0xcfc), 0xffffffff);
	outl(0xcf8, PIIX3_DEVFN << 8 | 0x60);
	outb(0xcfc, 0x05);
	assert_int_equal(cfg_readb(PIIX3_DEVFN, 0x60), 0x80);
	assert_int_equal(pirq_calls, 0);
}

static void test_read_only_ids(void **state)
{
	(void)state;
	cfg_writel(I440FX_DEVFN, 0x00, 0x00000000);
	cfg_writel(I440FX_DEVFN, 0x08, 0x12345678);
	cfg_writeb(PIIX3_DEVFN, PCI_HEADER_TYPE, 0x00);
	assert_int_equal(cfg_readl(I440FX_DEVFN, 0x00), 0x12378086);
	assert_int_equal(cfg_readl(I440FX_DEVFN, 0x08), 0x06000002);
	assert_int_equal(cfg_readb(PIIX3_DEVFN, PCI_HEADER_TYPE), 0x80);
}

static void test_command_mask(void **state)
{
	(void)state;
	cfg_writew(I440FX_DEVFN, PCI_COMMAND, 0xffff);
	assert_int_equal(cfg_readw(I440FX_DEVFN, PCI_COMMAND), 0x0547);
	cfg_writew(I440FX_DEVFN, PCI_COMMAND, 0x0000);
	assert_int_equal(cfg_readw(I440FX_DEVFN, PCI_COMMAND), 0x0000);
	/* interrupt line and latency timer are plain read/write */
	cfg_writeb(PIIX3_DEVFN, PCI_INTERRUPT_LINE, 0x0b);
	assert_int_equal(cfg_readb(PIIX3_DEVFN, PCI_INTERRUPT_LINE), 0x0b);
}

static void test_status_write_one_to_clear(void **state)
{
	(void)state;
	/* the guest cannot set status bits... */
	cfg_writew(PIIX3_DEVFN, PCI_STATUS, 0xffff);
	assert_int_equal(cfg_readw(PIIX3_DEVFN, PCI_STATUS), 0x0200);
	/* ...but writing 1 clears an error bit the device set */
	pci_set_word(&nb.isa, PCI_STATUS, 0x2200); /* master abort */
	cfg_writew(PIIX3_DEVFN, PCI_STATUS, 0x0000);
	assert_int_equal(cfg_readw(PIIX3_DEVFN, PCI_STATUS), 0x2200);
	cfg_writew(PIIX3_DEVFN, PCI_STATUS, 0x2000);
	assert_int_equal(cfg_readw(PIIX3_DEVFN, PCI_STATUS), 0x0200);
}

static void test_pam_reset_and_write(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < I440FX_PAM_REGS; i++)
		assert_int_equal(cfg_readb(I440FX_DEVFN, 0x59 + i), 0x00);
	cfg_writeb(I440FX_DEVFN, 0x5a, 0x33);
	assert_int_equal(cfg_readb(I440FX_DEVFN, 0x5a), 0x33);
	assert_int_equal(i440fx_pam(&nb, 1), 0x33);
	assert_int_equal(pam_calls, 1);
	assert_int_equal(pam_last_idx, 1);
	assert_int_equal(pam_last_val, 0x33);
	/* reserved bits stay 0; PAM0's low nibble is reserved */
	cfg_writeb(I440FX_DEVFN, 0x5f, 0xff);
	assert_int_equal(i440fx_pam(&nb, 6), 0x33);
	cfg_writeb(I440FX_DEVFN, 0x59, 0xff);
	assert_int_equal(i440fx_pam(&nb, 0), 0x30);
	assert_int_equal(pam_last_idx, 0);
	assert_int_equal(i440fx_pam(&nb, 7), 0);
}

static void test_pam_dword_write(void **state)
{
	(void)state;
	/* SeaBIOS style: a dword at 0x58 covers PAM0-PAM2 */
	cfg_writel(I440FX_DEVFN, 0x58, 0x11223300);
	assert_int_equal(pam_calls, 3);
	assert_int_equal(i440fx_pam(&nb, 0), 0x30);
	assert_int_equal(i440fx_pam(&nb, 1), 0x22);
	assert_int_equal(i440fx_pam(&nb, 2), 0x11);
	assert_int_equal(pam_last_idx, 2);
	/* not a PAM register: no callback */
	cfg_writeb(I440FX_DEVFN, 0x72, 0x0a);
	assert_int_equal(pam_calls, 3);
	assert_int_equal(cfg_readb(I440FX_DEVFN, 0x72), 0x0a);
}

static void test_smram_reset(void **state)
{
	(void)state;
	assert_int_equal(cfg_readb(I440FX_DEVFN, I440FX_SMRAM), 0x02);
	cfg_writeb(I440FX_DEVFN, 0x5b, 0x11);
	i440fx_reset(&nb);
	assert_int_equal(cfg_readb(I440FX_DEVFN, 0x5b), 0x00);
	assert_int_equal(cfg_readl(I440FX_DEVFN, 0x00), 0x12378086);
}

static void test_pirq_reset_disabled(void **state)
{
	unsigned int i;

	(void)state;
	assert_int_equal(cfg_readl(PIIX3_DEVFN, 0x60), 0x80808080);
	for (i = 0; i < PIIX3_PIRQS; i++)
		assert_int_equal(piix3_pirq_irq(&nb, i), -1);
	assert_int_equal(piix3_pirq_irq(&nb, 4), -1);
}

static void test_pirq_route(void **state)
{
	(void)state;
	cfg_writeb(PIIX3_DEVFN, 0x60, 0x0b);
	assert_int_equal(piix3_pirq_irq(&nb, 0), 11);
	assert_int_equal(pirq_calls, 1);
	assert_int_equal(pirq_last, 0);
	assert_int_equal(pirq_last_irq, 11);
	cfg_writel(PIIX3_DEVFN, 0x60, 0x0b0a0b0a);
	assert_int_equal(pirq_calls, 5);
	assert_int_equal(piix3_pirq_irq(&nb, 1), 11);
	assert_int_equal(piix3_pirq_irq(&nb, 2), 10);
	assert_int_equal(pirq_last, 3);
	/* disabling again */
	cfg_writeb(PIIX3_DEVFN, 0x63, 0x8b);
	assert_int_equal(piix3_pirq_irq(&nb, 3), -1);
	assert_int_equal(pirq_last_irq, -1);
}

static void test_pirq_reserved_bits_and_irqs(void **state)
{
	(void)state;
	cfg_writeb(PIIX3_DEVFN, 0x61, 0x7b); /* bits 6:4 reserved */
	assert_int_equal(cfg_readb(PIIX3_DEVFN, 0x61), 0x0b);
	cfg_writeb(PIIX3_DEVFN, 0x61, 0x02); /* IRQ 2: reserved */
	assert_int_equal(piix3_pirq_irq(&nb, 1), -1);
	cfg_writeb(PIIX3_DEVFN, 0x61, 0x08); /* IRQ 8: reserved */
	assert_int_equal(piix3_pirq_irq(&nb, 1), -1);
	cfg_writeb(PIIX3_DEVFN, 0x61, 0x0f);
	assert_int_equal(piix3_pirq_irq(&nb, 1), 15);
}

static void test_rcr_reset_request(void **state)
{
	(void)state;
	assert_int_equal(inb(0xcf9), 0x00);
	outb(0xcf9, 0x02); /* choose hard reset, no reset yet */
	assert_int_equal(resets, 0);
	assert_int_equal(inb(0xcf9), 0x02);
	outb(0xcf9, 0x06);
	assert_int_equal(resets, 1);
	assert_true(reset_hard);
	outb(0xcf9, 0x04); /* soft reset */
	assert_int_equal(resets, 2);
	assert_false(reset_hard);
	/* CONFADD is untouched by the byte at 0xcf9 */
	assert_int_equal(inl(0xcf8), 0);
}

static void test_rcr_keeps_only_srst(void **state)
{
	(void)state;
	outb(0xcf9, 0xfb); /* everything but RCPU */
	assert_int_equal(inb(0xcf9), 0x02);
	assert_int_equal(resets, 0);
	outl(0xcf8, 0x00000000);
	outb(0xcf9, 0x00);
	assert_int_equal(inb(0xcf9), 0x00);
	/* a dword write to 0xcf8 with RCPU-looking bits is CONFADD */
	outl(0xcf8, 0x00000400);
	assert_int_equal(resets, 0);
	assert_int_equal(inb(0xcf9), 0x00);
}

static void test_registration(void **state)
{
	struct pci_func extra;
	struct i440fx other;

	(void)state;
	assert_ptr_equal(bus_find(&fe.pio, 0xcff)->dev, &pci);
	assert_ptr_equal(bus_find(&fe.pio, 0xcf8)->dev, &pci);
	/* a slot is taken once */
	pci_func_init(&extra, 0x1234, 0x1111, 0, 0xff0000, 0);
	assert_int_equal(pci_bus_add(&pci, PIIX3_DEVFN, &extra), -EBUSY);
	assert_int_equal(pci_bus_add(&pci, 256, &extra), -EINVAL);
	assert_int_equal(pci_bus_add(&pci, PCI_DEVFN(3, 0), &extra), 0);
	assert_int_equal(cfg_readl(PCI_DEVFN(3, 0), 0), 0x11111234);
	/* a second bridge pair cannot take 00:00.0 */
	i440fx_init(&other, &fe.env, NULL, NULL);
	assert_int_equal(i440fx_attach(&other, &pci), -EBUSY);
	assert_int_equal(pci_attach(&pci, &fe.pio), -EBUSY);
}

static void test_no_callbacks(void **state)
{
	struct pci_bus b2;
	struct i440fx n2;

	(void)state;
	/* a second instance without board callbacks works on its own */
	pci_bus_init(&b2);
	i440fx_init(&n2, &fe.env, NULL, NULL);
	assert_int_equal(i440fx_attach(&n2, &b2), 0);
	pci_config_write(&b2, I440FX_DEVFN, 0x5d, 1, 0x11);
	pci_config_write(&b2, PIIX3_DEVFN, 0x62, 1, 0x05);
	piix3_rcr_ops.write(&n2, 0, 1, 0x06);
	assert_int_equal(i440fx_pam(&n2, 4), 0x11);
	assert_int_equal(piix3_pirq_irq(&n2, 2), 5);
	assert_int_equal(i440fx_pam(&nb, 4), 0x00);
	assert_int_equal(pam_calls + pirq_calls + resets, 0);
	/* reads beyond 0xff and oversize accesses */
	assert_int_equal(pci_config_read(&b2, I440FX_DEVFN, 0xfe, 4),
			 0xffff0000);
	assert_int_equal(pci_config_read(&b2, I440FX_DEVFN, 0, 8), 0xffffffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_confadd_readback, setup),
		cmocka_unit_test_setup(test_host_bridge_ids, setup),
		cmocka_unit_test_setup(test_isa_bridge_ids, setup),
		cmocka_unit_test_setup(test_byte_word_offsets, setup),
		cmocka_unit_test_setup(test_absent_devices, setup),
		cmocka_unit_test_setup(test_enable_bit_required, setup),
		cmocka_unit_test_setup(test_read_only_ids, setup),
		cmocka_unit_test_setup(test_command_mask, setup),
		cmocka_unit_test_setup(test_status_write_one_to_clear, setup),
		cmocka_unit_test_setup(test_pam_reset_and_write, setup),
		cmocka_unit_test_setup(test_pam_dword_write, setup),
		cmocka_unit_test_setup(test_smram_reset, setup),
		cmocka_unit_test_setup(test_pirq_reset_disabled, setup),
		cmocka_unit_test_setup(test_pirq_route, setup),
		cmocka_unit_test_setup(test_pirq_reserved_bits_and_irqs, setup),
		cmocka_unit_test_setup(test_rcr_reset_request, setup),
		cmocka_unit_test_setup(test_rcr_keeps_only_srst, setup),
		cmocka_unit_test_setup(test_registration, setup),
		cmocka_unit_test_setup(test_no_callbacks, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
