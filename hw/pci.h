/*
 * hw/pci.h - PCI bus 0 of the guest: configuration mechanism #1 at
 * 0xcf8/0xcfc and the configuration space of each function on it.
 *
 * A function is a struct pci_func: 256 bytes of configuration space (the
 * guest-visible part, in .s), a write mask of the bits the guest may change,
 * a write-one-to-clear mask, and an optional hook that runs after a guest
 * write so a device can act on its own registers (PAM, PIRQ routing, ...).
 * Devices add their functions with pci_bus_add(); the bus allocates nothing.
 */
#ifndef KEEL_HW_PCI_H
#define KEEL_HW_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw_env.h"
#include "vm/bus.h"

#define PCI_CONF_ADDR_PORT 0xcf8   /* CONFADD, dword access only */
#define PCI_CONF_DATA_PORT 0xcfc   /* CONFDATA, 0xcfc-0xcff */
#define PCI_CONF_ENABLE    0x80000000u

#define PCI_CONFIG_SIZE    256
#define PCI_DEVFN(dev, fn) ((((dev) & 0x1f) << 3) | ((fn) & 7))

/* Type 0 header offsets (PCI Local Bus Specification 3.0, 6.1). */
#define PCI_VENDOR_ID      0x00
#define PCI_DEVICE_ID      0x02
#define PCI_COMMAND        0x04
#define PCI_STATUS         0x06
#define PCI_REVISION_ID    0x08
#define PCI_CLASS_PROG     0x09
#define PCI_CLASS_DEVICE   0x0a   /* class << 8 | subclass */
#define PCI_CACHE_LINE     0x0c
#define PCI_LATENCY_TIMER  0x0d
#define PCI_HEADER_TYPE    0x0e
#define PCI_SUBSYS_VENDOR  0x2c
#define PCI_SUBSYS_ID      0x2e
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN  0x3d
#define PCI_HEADER_SIZE    0x40

#define PCI_HEADER_MULTI_FUNCTION 0x80

/* Guest-visible state of one function (what a snapshot saves). */
struct pci_func_state {
	uint8_t config[PCI_CONFIG_SIZE];
};

struct pci_func {
	struct pci_func_state s;
	uint8_t wmask[PCI_CONFIG_SIZE];   /* 1 = bit the guest may write */
	uint8_t w1cmask[PCI_CONFIG_SIZE]; /* 1 = writing 1 clears the bit */
	/* after a guest write of size bytes at off (already applied) */
	void (*config_write)(void *opaque, unsigned int off, unsigned int size);
	void *opaque;
};

struct pci_bus_state {
	uint32_t conf_addr;   /* CONFADD as the guest last wrote it */
};

struct pci_bus {
	struct pci_bus_state s;
	struct pci_func *funcs[256];  /* bus 0, indexed by devfn */
	/* byte accesses to 0xcf9 (inside CONFADD's dword): the PIIX reset
	 * control register; without a handler they read all ones */
	const struct bus_ops *cf9_ops;
	void *cf9_dev;
};

/*
 * Fill a function's header: IDs, class (base << 16 | sub << 8 | prog-if),
 * header type, QEMU's default subsystem (1af4:1100), and the masks QEMU
 * gives every function: command I/O, memory, master, parity, SERR and
 * INTx-disable writable, status error bits write-one-to-clear, cache line,
 * latency timer and interrupt line writable, 0x40-0xff writable.
 */
void pci_func_init(struct pci_func *f, uint16_t vendor, uint16_t device,
		   uint8_t revision, uint32_t class_code, uint8_t header_type);

void pci_bus_init(struct pci_bus *pci);

/* 0, -EINVAL (devfn > 255), -EBUSY (slot taken). */
int pci_bus_add(struct pci_bus *pci, unsigned int devfn, struct pci_func *f)
	__attribute__((warn_unused_result));

/* Install the handler for byte accesses at 0xcf9 (offset 0 in its ops). */
void pci_bus_set_cf9(struct pci_bus *pci, const struct bus_ops *ops,
		     void *dev);

/*
 * Configuration access to bus 0, as CONFDATA does it: size 1, 2 or 4 at any
 * offset (bytes past 0xff are dropped); an absent function reads all ones.
 */
uint32_t pci_config_read(struct pci_bus *pci, unsigned int devfn,
			 unsigned int off, unsigned int size);
void pci_config_write(struct pci_bus *pci, unsigned int devfn,
		      unsigned int off, unsigned int size, uint32_t val);

/* Little-endian accessors for a function's own registers. */
static inline uint8_t pci_get_byte(const struct pci_func *f, unsigned int off)
{
	return f->s.config[off & 0xff];
}

static inline uint16_t pci_get_word(const struct pci_func *f, unsigned int off)
{
	return (uint16_t)(pci_get_byte(f, off) | pci_get_byte(f, off + 1) << 8);
}

static inline void pci_set_byte(struct pci_func *f, unsigned int off,
				uint8_t v)
{
	f->s.config[off & 0xff] = v;
}

static inline void pci_set_word(struct pci_func *f, unsigned int off,
				uint16_t v)
{
	pci_set_byte(f, off, (uint8_t)v);
	pci_set_byte(f, off + 1, (uint8_t)(v >> 8));
}

extern const struct bus_ops pci_conf_ops; /* 8 ports at 0xcf8, dev = pci */

/* Register 0xcf8-0xcff on the port bus. */
int pci_attach(struct pci_bus *pci, struct bus *pio)
	__attribute__((warn_unused_result));

#endif
