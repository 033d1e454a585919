/*
 * hw/i440fx.c - i440FX host bridge and PIIX3 ISA bridge configuration
 * registers, as QEMU's `pc' machine shows them.
 *
 * References: Intel 82441FX PCI and Memory Controller (PMC) datasheet
 * (order 290549), 3.2 "PCI Configuration Space": VID 8086h, DID 1237h,
 * class 060000h, PAM0-PAM6 at 59h-5Fh (3.2.19: each nibble has RE bit 0
 * and WE bit 1, bits 2-3 reserved; PAM0's low nibble is reserved), SMRAM
 * at 72h (default 02h). Intel 82371FB/82371SB (PIIX/PIIX3) datasheet
 * (order 290550), 2.2 "PCI Configuration Registers - Function 0": VID
 * 8086h, DID 7000h, class 060100h, header type 80h (multi-function),
 * PIRQRC[A:D] at 60h-63h (2.2.8: bit 7 IRQROUTEN# = 1 disables, bits 3:0
 * the ISA IRQ; 0-2, 8 and 13 are reserved), the power-on values of the
 * other function 0 registers, and 4.1.6 "RC - Reset Control Register"
 * (I/O 0CF9h: bit 1 SRST system reset, bit 2 RCPU reset CPU).
 * The revision (02h for the PMC), the subsystem IDs and the RCR details
 * (a write with RCPU set requests the reset; only SRST is kept) follow
 * QEMU's hw/pci-host/i440fx.c and hw/isa/piix.c.
 */
#include "hw/i440fx.h"

/* PIIX3 reset values of function 0 registers past the header, as
 * {offset, value} (82371SB datasheet 2.2, matching QEMU's reset). */
static const uint8_t piix3_reset_regs[][2] = {
	{ 0x4c, 0x4d }, /* IORT: ISA I/O recovery timer */
	{ 0x4e, 0x03 }, /* XBCS: X-bus chip select, BIOS and keyboard */
	{ 0x60, 0x80 }, { 0x61, 0x80 }, { 0x62, 0x80 }, { 0x63, 0x80 },
	{ 0x69, 0x02 }, /* TOM: top of memory */
	{ 0x70, 0x80 }, /* MBIRQ0: disabled */
	{ 0x76, 0x0c }, { 0x77, 0x0c }, /* MBDMA0/1: disabled */
	{ 0x78, 0x02 }, /* PCSC */
	{ 0xa0, 0x08 }, /* SMICNTL */
	{ 0xa8, 0x0f }, /* FTMR: fast off timer */
};

static uint8_t i440fx_pam_mask(unsigned int pam)
{
	return pam == 0 ? 0x30 : 0x33;
}

static void i440fx_host_write(void *opaque, unsigned int off,
			      unsigned int size)
{
	struct i440fx *dev = opaque;
	unsigned int o;

	for (o = off; o < off + size; o++) {
		unsigned int pam = o - I440FX_PAM0;

		if (o < I440FX_PAM0 || pam >= I440FX_PAM_REGS)
			continue;
		if (dev->ops && dev->ops->pam_changed)
			dev->ops->pam_changed(dev->opaque, pam,
					      pci_get_byte(&dev->host, o));
	}
}

static void piix3_isa_write(void *opaque, unsigned int off, unsigned int size)
{
	struct i440fx *dev = opaque;
	unsigned int o;

	for (o = off; o < off + size; o++) {
		unsigned int pirq = o - PIIX3_PIRQC;

		if (o < PIIX3_PIRQC || pirq >= PIIX3_PIRQS)
			continue;
		if (dev->ops && dev->ops->pirq_changed)
			dev->ops->pirq_changed(dev->opaque, pirq,
					       piix3_pirq_irq(dev, pirq));
	}
}

void i440fx_reset(struct i440fx *dev)
{
	struct pci_func *h = &dev->host, *isa = &dev->isa;
	unsigned int i;

	pci_func_init(h, 0x8086, 0x1237, 0x02, 0x060000, 0x00);
	/* PAM nibbles: RE/WE only */
	for (i = 0; i < I440FX_PAM_REGS; i++)
		h->wmask[I440FX_PAM0 + i] = i440fx_pam_mask(i);
	pci_set_byte(h, I440FX_SMRAM, 0x02);
	h->config_write = i440fx_host_write;
	h->opaque = dev;

	pci_func_init(isa, 0x8086, 0x7000, 0x00, 0x060100,
		      PCI_HEADER_MULTI_FUNCTION);
	pci_set_word(isa, PCI_COMMAND, 0x0007); /* I/O, memory, master */
	pci_set_word(isa, PCI_STATUS, 0x0200);  /* DEVSEL# medium */
	for (i = 0; i < sizeof(piix3_reset_regs) / sizeof(piix3_reset_regs[0]);
	     i++)
		pci_set_byte(isa, piix3_reset_regs[i][0],
			     piix3_reset_regs[i][1]);
	for (i = 0; i < PIIX3_PIRQS; i++)
		isa->wmask[PIIX3_PIRQC + i] = 0x8f; /* bits 6:4 reserved */
	isa->config_write = piix3_isa_write;
	isa->opaque = dev;

	dev->s.rcr = 0;
}

void i440fx_init(struct i440fx *dev, const struct hw_env *env,
		 const struct i440fx_board_ops *ops, void *opaque)
{
	dev->env = env;
	dev->ops = ops;
	dev->opaque = opaque;
	i440fx_reset(dev);
}

uint8_t i440fx_pam(const struct i440fx *dev, unsigned int pam)
{
	if (pam >= I440FX_PAM_REGS)
		return 0;
	return pci_get_byte(&dev->host, I440FX_PAM0 + pam);
}

int piix3_pirq_irq(const struct i440fx *dev, unsigned int pirq)
{
	uint8_t v;

	if (pirq >= PIIX3_PIRQS)
		return -1;
	v = pci_get_byte(&dev->isa, PIIX3_PIRQC + pirq);
	if (v & 0x80)
		return -1;
	v &= 0x0f;
	/* reserved routings: 0-2, 8 (RTC) and 13 (FERR#) */
	if (v < 3 || v == 8 || v == 13)
		return -1;
	return v;
}

static uint64_t piix3_rcr_read(void *d, uint64_t off, unsigned int size)
{
	struct i440fx *dev = d;

	(void)off;
	(void)size;
	return dev->s.rcr;
}

static void piix3_rcr_write(void *d, uint64_t off, unsigned int size,
			    uint64_t val)
{
	struct i440fx *dev = d;

	(void)off;
	(void)size;
	if (val & PIIX3_RCR_RCPU) {
		if (dev->ops && dev->ops->reset_request)
			dev->ops->reset_request(dev->opaque,
						(val & PIIX3_RCR_SRST) != 0);
		return;
	}
	dev->s.rcr = val & PIIX3_RCR_SRST;
}

const struct bus_ops piix3_rcr_ops = {
	.read = piix3_rcr_read,
	.write = piix3_rcr_write,
	.max_size = 1,
};

int i440fx_attach(struct i440fx *dev, struct pci_bus *pci)
{
	int err;

	err = pci_bus_add(pci, I440FX_DEVFN, &dev->host);
	if (err)
		return err;
	err = pci_bus_add(pci, PIIX3_DEVFN, &dev->isa);
	if (err)
		goto fail_isa;
	pci_bus_set_cf9(pci, &piix3_rcr_ops, dev);
	return 0;

fail_isa:
	pci->funcs[I440FX_DEVFN] = NULL;
	return err;
}
