/*
 * hw/pci.c - PCI configuration mechanism #1 and bus 0's function table.
 *
 * References: PCI Local Bus Specification 3.0, 3.2.2.3.2 "Software
 * Generation of Configuration Transactions" (CONFIG_ADDRESS at 0cf8h:
 * bit 31 enable, 23:16 bus, 15:11 device, 10:8 function, 7:2 register;
 * CONFIG_DATA at 0cfch, byte/word/dword), 6.1 "Configuration Space
 * Organization" (absent functions return FFFFh vendor ID, i.e. a master
 * abort reads all ones), 6.2.2/6.2.3 command and status registers; Intel
 * 82441FX (440FX PMC) datasheet, 3.1 CONFADD/CONFDATA: CONFADD is decoded
 * only for dword accesses, other accesses to 0cf8h-0cfbh pass through to
 * the ISA side, where the PIIX3 has its reset control register at 0cf9h.
 * Behaviour the specs leave open follows QEMU's pci_host.c: CONFADD keeps
 * the value written, and only bus 0 exists.
 */
#include "hw/pci.h"

#include <errno.h>  /* EINVAL, EBUSY */
#include <string.h> /* memset */

void pci_func_init(struct pci_func *f, uint16_t vendor, uint16_t device,
		   uint8_t revision, uint32_t class_code, uint8_t header_type)
{
	memset(f, 0, sizeof(*f));
	pci_set_word(f, PCI_VENDOR_ID, vendor);
	pci_set_word(f, PCI_DEVICE_ID, device);
	pci_set_byte(f, PCI_REVISION_ID, revision);
	pci_set_byte(f, PCI_CLASS_PROG, (uint8_t)class_code);
	pci_set_word(f, PCI_CLASS_DEVICE, (uint16_t)(class_code >> 8));
	pci_set_byte(f, PCI_HEADER_TYPE, header_type);
	/* QEMU's default subsystem for non-bridge functions: Red Hat, Inc.,
	 * "QEMU virtual machine" */
	pci_set_word(f, PCI_SUBSYS_VENDOR, 0x1af4);
	pci_set_word(f, PCI_SUBSYS_ID, 0x1100);

	/* command: I/O, memory, bus master, parity, SERR#, INTx disable */
	f->wmask[PCI_COMMAND] = 0x47;
	f->wmask[PCI_COMMAND + 1] = 0x05;
	/* status: parity, target/master abort and SERR# bits are RW1C */
	f->w1cmask[PCI_STATUS + 1] = 0xf9;
	f->wmask[PCI_CACHE_LINE] = 0xff;
	f->wmask[PCI_LATENCY_TIMER] = 0xff;
	f->wmask[PCI_INTERRUPT_LINE] = 0xff;
	memset(&f->wmask[PCI_HEADER_SIZE], 0xff,
	       PCI_CONFIG_SIZE - PCI_HEADER_SIZE);
}

void pci_bus_init(struct pci_bus *pci)
{
	memset(pci, 0, sizeof(*pci));
}

int pci_bus_add(struct pci_bus *pci, unsigned int devfn, struct pci_func *f)
{
	if (devfn > 0xff || !f)
		return -EINVAL;
	if (pci->funcs[devfn])
		return -EBUSY;
	pci->funcs[devfn] = f;
	return 0;
}

void pci_bus_set_cf9(struct pci_bus *pci, const struct bus_ops *ops,
		     void *dev)
{
	pci->cf9_ops = ops;
	pci->cf9_dev = dev;
}

uint32_t pci_config_read(struct pci_bus *pci, unsigned int devfn,
			 unsigned int off, unsigned int size)
{
	const struct pci_func *f = devfn <= 0xff ? pci->funcs[devfn] : NULL;
	uint32_t v = 0;
	unsigned int i;

	if (!f || size == 0 || size > 4)
		return 0xffffffffu;
	for (i = 0; i < size; i++) {
		uint32_t b = off + i < PCI_CONFIG_SIZE ? f->s.config[off + i]
						       : 0xff;
		v |= b << (8 * i);
	}
	return v;
}

void pci_config_write(struct pci_bus *pci, unsigned int devfn,
		      unsigned int off, unsigned int size, uint32_t val)
{
	struct pci_func *f = devfn <= 0xff ? pci->funcs[devfn] : NULL;
	unsigned int i, n = 0;

	if (!f || size == 0 || size > 4 || off >= PCI_CONFIG_SIZE)
		return;
	for (i = 0; i < size && off + i < PCI_CONFIG_SIZE; i++, n++) {
		unsigned int o = off + i;
		uint8_t b = (uint8_t)(val >> (8 * i));
		uint8_t m = f->wmask[o];

		f->s.config[o] = (uint8_t)((f->s.config[o] & ~m) | (b & m));
		f->s.config[o] &= (uint8_t)~(b & f->w1cmask[o]);
	}
	if (f->config_write)
		f->config_write(f->opaque, off, n);
}

/* devfn and register of the current CONFADD, or -1 when it selects no
 * configuration cycle on bus 0 (enable clear, or another bus). */
static int pci_conf_target(const struct pci_bus *pci, unsigned int *reg)
{
	uint32_t a = pci->s.conf_addr;

	if (!(a & PCI_CONF_ENABLE) || ((a >> 16) & 0xff) != 0)
		return -1;
	*reg = a & 0xfc;
	return (int)((a >> 8) & 0xff);
}

static uint64_t pci_conf_read(void *dev, uint64_t off, unsigned int size)
{
	struct pci_bus *pci = dev;
	unsigned int reg;
	int devfn;

	if (off < 4) {
		if (off == 0 && size == 4)
			return pci->s.conf_addr;
		if (off == 1 && size == 1 && pci->cf9_ops)
			return pci->cf9_ops->read(pci->cf9_dev, 0, 1);
		return ~0ULL;
	}
	devfn = pci_conf_target(pci, &reg);
	if (devfn < 0 || size > 4)
		return ~0ULL;
	return pci_config_read(pci, (unsigned int)devfn,
			       reg + (unsigned int)(off - 4), size);
}

static void pci_conf_write(void *dev, uint64_t off, unsigned int size,
			   uint64_t val)
{
	struct pci_bus *pci = dev;
	unsigned int reg;
	int devfn;

	if (off < 4) {
		if (off == 0 && size == 4)
			pci->s.conf_addr = (uint32_t)val;
		else if (off == 1 && size == 1 && pci->cf9_ops)
			pci->cf9_ops->write(pci->cf9_dev, 0, 1, val);
		return;
	}
	devfn = pci_conf_target(pci, &reg);
	if (devfn < 0 || size > 4)
		return;
	pci_config_write(pci, (unsigned int)devfn,
			 reg + (unsigned int)(off - 4), size, (uint32_t)val);
}

const struct bus_ops pci_conf_ops = {
	.read = pci_conf_read,
	.write = pci_conf_write,
	.max_size = 4,
};

int pci_attach(struct pci_bus *pci, struct bus *pio)
{
	return bus_register(pio, PCI_CONF_ADDR_PORT, 8, &pci_conf_ops, pci,
			    "pci-conf");
}
