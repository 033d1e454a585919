/*
 * Fuzz the IOAPIC: IOREGSEL/IOWIN over MMIO, pin changes (a few pins past
 * the 24 too), and EOIs. Invariants: no request on a pin that does not
 * exist; every message carries a delivery mode of 3 bits.
 */
#include "hw/ioapic.h"
#include "tests/fuzz/fuzz_env.h"

static struct fake_env fe;
static struct bus mmio;
static struct ioapic io;

static void deliver(void *opaque, uint8_t dest, unsigned int dest_mode,
		    unsigned int delivery_mode, uint8_t vector,
		    unsigned int trigger)
{
	fz_check(dest_mode <= 1 && delivery_mode <= 7 && trigger <= 1,
		 "message fields");
}

static void dev_op(struct fz *in, unsigned int op)
{
	uint8_t b = fz_u8(in);

	if (op & 1)
		ioapic_set_irq(&io, b % (IOAPIC_PINS + 4), b & 0x80);
	else
		ioapic_eoi(&io, b);
}

static void check(void)
{
	fz_check(!(io.s.irr >> IOAPIC_PINS), "request on a missing pin");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	const struct ioapic_config cfg = { .id = 0, .deliver = deliver };
	const struct fz_window w[] = {
		{ &mmio, IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE },
	};

	fz_env_init(&fe);
	bus_init(&mmio, "mmio");
	ioapic_init(&io, &fe.env, &cfg);
	fz_check(ioapic_attach(&io, &mmio, IOAPIC_DEFAULT_BASE) == 0, "attach");
	fz_run(&in, w, 1, 1000, dev_op, check);
	return 0;
}
