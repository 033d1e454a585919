/*
 * hw/ioapic.c - I/O APIC, 82093AA-compatible.
 *
 * Reference: Intel 82093AA I/O Advanced Programmable Interrupt Controller
 * datasheet (order 290566): 2.4 "Interrupt Signals" (edge/level inputs),
 * 3.0 "Register Description" (IOREGSEL at base + 0x00, IOWIN at base +
 * 0x10), 3.2.1 IOAPICID, 3.2.2 IOAPICVER, 3.2.3 IOAPICARB, 3.2.4 IOREDTBL
 * (vector, delivery mode, destination mode, delivery status, polarity,
 * Remote IRR, trigger mode, mask, destination). Intel SDM Vol. 3A 10.8.5
 * (EOI of a level-triggered interrupt is broadcast to the I/O APICs).
 *
 * Where the datasheet leaves a choice QEMU's ioapic is followed: version
 * 0x20 with 24 entries, ARB reads like ID, an edge on a masked pin is
 * dropped while a masked level pin keeps its request until unmasked,
 * changing an entry to edge clears its Remote IRR, and delivery status
 * always reads 0 (a message is sent at once).
 */
#include "hw/ioapic.h"

#include <string.h> /* memset */

/* Bits of the low dword a guest cannot write (datasheet 3.2.4). */
#define IOAPIC_RTE_RO   (IOAPIC_RTE_DELIVS | IOAPIC_RTE_REMOTE_IRR)
#define IOAPIC_ID_SHIFT 24
#define IOAPIC_ID_MASK  0x0f

static bool ioapic_level_pin(const struct ioapic *io, unsigned int pin)
{
	return io->s.redir[pin] & IOAPIC_RTE_LEVEL;
}

static void ioapic_send(struct ioapic *io, uint64_t rte)
{
	io->delivered++;
	if (!io->cfg.deliver)
		return;
	io->cfg.deliver(io->cfg.opaque, (uint8_t)(rte >> IOAPIC_RTE_DEST_SHIFT),
			(rte & IOAPIC_RTE_DESTMOD) ? 1 : 0,
			(unsigned int)((rte & IOAPIC_RTE_DELMOD) >> 8),
			(uint8_t)(rte & IOAPIC_RTE_VECTOR),
			(rte & IOAPIC_RTE_LEVEL) ? 1 : 0);
}

/*
 * Send every pending, unmasked request. An edge request is consumed when
 * sent; a level request stays in IRR while the line is high but is held
 * off by Remote IRR until the LAPIC's EOI comes back.
 */
static void ioapic_service(struct ioapic *io)
{
	unsigned int pin;

	for (pin = 0; pin < IOAPIC_PINS; pin++) {
		uint32_t bit = 1u << pin;
		uint64_t *rte = &io->s.redir[pin];

		if (!(io->s.irr & bit) || (*rte & IOAPIC_RTE_MASK))
			continue;
		if (*rte & IOAPIC_RTE_LEVEL) {
			if (*rte & IOAPIC_RTE_REMOTE_IRR)
				continue;
			*rte |= IOAPIC_RTE_REMOTE_IRR;
		} else {
			io->s.irr &= ~bit;
		}
		ioapic_send(io, *rte);
	}
}

void ioapic_reset(struct ioapic *io)
{
	unsigned int pin;

	memset(&io->s, 0, sizeof(io->s));
	io->s.id = io->cfg.id & IOAPIC_ID_MASK;
	for (pin = 0; pin < IOAPIC_PINS; pin++)
		io->s.redir[pin] = IOAPIC_RTE_MASK;
}

void ioapic_init(struct ioapic *io, const struct hw_env *env,
		 const struct ioapic_config *cfg)
{
	memset(io, 0, sizeof(*io));
	io->env = env;
	if (cfg)
		io->cfg = *cfg;
	ioapic_reset(io);
}

void ioapic_set_irq(struct ioapic *io, unsigned int pin, bool level)
{
	uint32_t bit;
	bool was;

	if (pin >= IOAPIC_PINS)
		return;
	bit = 1u << pin;
	was = io->s.level & bit;
	if (level)
		io->s.level |= bit;
	else
		io->s.level &= ~bit;

	if (ioapic_level_pin(io, pin)) {
		/* level: IRR follows the line (datasheet 2.4) */
		if (level) {
			io->s.irr |= bit;
			ioapic_service(io);
		} else {
			io->s.irr &= ~bit;
		}
	} else if (level && !was) {
		/* edge: a rising edge requests, unless the pin is masked */
		if (!(io->s.redir[pin] & IOAPIC_RTE_MASK)) {
			io->s.irr |= bit;
			ioapic_service(io);
		}
	}
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	unsigned int pin;
	bool again = false;

	for (pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t *rte = &io->s.redir[pin];

		if ((*rte & IOAPIC_RTE_VECTOR) != vector ||
		    !(*rte & IOAPIC_RTE_LEVEL) ||
		    !(*rte & IOAPIC_RTE_REMOTE_IRR))
			continue;
		*rte &= ~IOAPIC_RTE_REMOTE_IRR;
		/* a line still asserted interrupts again */
		if (io->s.irr & (1u << pin))
			again = true;
	}
	if (again)
		ioapic_service(io);
}

uint32_t ioapic_reg_read(struct ioapic *io, uint32_t index)
{
	unsigned int pin;

	switch (index) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB: /* QEMU: arbitration ID reads as the APIC ID */
		return (uint32_t)io->s.id << IOAPIC_ID_SHIFT;
	case IOAPIC_REG_VER:
		return IOAPIC_VERSION | ((IOAPIC_PINS - 1) << 16);
	default:
		break;
	}
	if (index < IOAPIC_REG_REDIR ||
	    index >= IOAPIC_REG_REDIR + 2 * IOAPIC_PINS)
		return 0;
	pin = (index - IOAPIC_REG_REDIR) >> 1;
	if (index & 1)
		return (uint32_t)(io->s.redir[pin] >> 32);
	return (uint32_t)io->s.redir[pin];
}

void ioapic_reg_write(struct ioapic *io, uint32_t index, uint32_t val)
{
	unsigned int pin;
	uint64_t *rte;

	if (index == IOAPIC_REG_ID) {
		io->s.id = (val >> IOAPIC_ID_SHIFT) & IOAPIC_ID_MASK;
		return;
	}
	if (index < IOAPIC_REG_REDIR ||
	    index >= IOAPIC_REG_REDIR + 2 * IOAPIC_PINS)
		return; /* VER and ARB are read-only */
	pin = (index - IOAPIC_REG_REDIR) >> 1;
	rte = &io->s.redir[pin];
	if (index & 1) {
		/* high dword: only the destination field, bits 63:56 */
		*rte = (*rte & 0xffffffffULL) |
		       ((uint64_t)(val & 0xff000000u) << 32);
		return;
	}
	*rte = (*rte & (~0xffffffffULL | IOAPIC_RTE_RO)) |
	       (val & ~IOAPIC_RTE_RO & 0x1ffffULL);
	if (!(*rte & IOAPIC_RTE_LEVEL))
		*rte &= ~IOAPIC_RTE_REMOTE_IRR;
	else if (io->s.level & (1u << pin))
		io->s.irr |= 1u << pin;   /* now level: the line requests */
	ioapic_service(io);
}

static uint64_t ioapic_mmio_read(void *dev, uint64_t off, unsigned int size)
{
	struct ioapic *io = dev;
	uint32_t v;

	(void)size;
	if (off < 4)
		v = io->s.ioregsel;
	else if (off >= IOAPIC_IOWIN && off < IOAPIC_IOWIN + 4)
		v = ioapic_reg_read(io, io->s.ioregsel);
	else
		return 0;
	return v >> ((off & 3) * 8);
}

static void ioapic_mmio_write(void *dev, uint64_t off, unsigned int size,
			      uint64_t val)
{
	struct ioapic *io = dev;

	if (off == IOAPIC_IOREGSEL)
		io->s.ioregsel = (uint32_t)val & 0xff;
	else if (off == IOAPIC_IOWIN && size == 4)
		ioapic_reg_write(io, io->s.ioregsel, (uint32_t)val);
	/* other offsets and partial IOWIN writes are ignored */
}

const struct bus_ops ioapic_ops = {
	.read = ioapic_mmio_read,
	.write = ioapic_mmio_write,
	.max_size = 4,
};

int ioapic_attach(struct ioapic *io, struct bus *mmio, uint64_t base)
{
	return bus_register(mmio, base, IOAPIC_MMIO_SIZE, &ioapic_ops, io,
			    "ioapic");
}
