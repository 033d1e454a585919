/*
 * Fuzz one local APIC: the xAPIC page over MMIO, the MSRs (APIC base, TSC
 * deadline, x2APIC 0x800-0x8ff, some others), interrupt messages, LINT
 * pins, INTA cycles, CR8 and the INIT/SIPI/NMI events, with clock steps up
 * to 10 ms. IPIs for this LAPIC come back to it, as the board does.
 */
#include "hw/lapic.h"
#include "tests/fuzz/fuzz_env.h"

static struct fake_env fe;
static struct bus mmio;
static struct lapic apic;
static unsigned int depth;

static void send_ipi(void *opaque, uint32_t dest, unsigned int dest_mode,
		     unsigned int shorthand, unsigned int mode, uint8_t vector)
{
	fz_check(depth++ == 0, "IPI sent while delivering one");
	if (shorthand == LAPIC_SH_SELF || shorthand == LAPIC_SH_ALL ||
	    (shorthand == LAPIC_SH_NONE && lapic_match_dest(&apic, dest,
							     dest_mode)))
		lapic_deliver(&apic, mode, vector, 0);
	depth--;
}

static void eoi_broadcast(void *opaque, uint8_t vector)
{
}

static void dev_op(struct fz *in, unsigned int op)
{
	static const uint32_t msrs[] = { LAPIC_MSR_APIC_BASE,
					 LAPIC_MSR_TSC_DEADLINE, 0x10, 0x7ff };
	uint8_t b = fz_u8(in), v;
	uint32_t msr = b & 0x80 ? LAPIC_MSR_X2APIC + (b & 0x7f) * 2 + (op & 1)
			       : msrs[b & 3];
	uint64_t val;

	switch ((op >> 1) % 6) {
	case 0:
		(void)lapic_msr_read(&apic, msr, &val);
		break;
	case 1:
		(void)lapic_msr_write(&apic, msr, fz_take(in, 8));
		break;
	case 2:
		lapic_deliver(&apic, b & 7, fz_u8(in), (b >> 3) & 1);
		break;
	case 3:
		lapic_set_lint(&apic, b & 1, b & 2);
		break;
	case 4:
		fz_check(lapic_get_interrupt(&apic) < 256, "vector");
		lapic_set_cr8(&apic, b >> 4);
		break;
	case 5:
		(void)lapic_take_init(&apic);
		(void)lapic_take_sipi(&apic, &v);
		(void)lapic_take_nmi(&apic);
		break;
	}
}

static void check(void)
{
	fz_check(lapic_get_cr8(&apic) < 16, "CR8");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	const struct lapic_config cfg = {
		.apic_id = 0, .bsp = true, .send_ipi = send_ipi,
		.eoi_broadcast = eoi_broadcast,
	};
	const struct fz_window w[] = {
		{ &mmio, LAPIC_DEFAULT_BASE, LAPIC_MMIO_SIZE },
	};

	fz_env_init(&fe);
	bus_init(&mmio, "mmio");
	depth = 0;
	lapic_init(&apic, &fe.env, &cfg);
	fz_check(lapic_attach(&apic, &mmio) == 0, "attach");
	fz_run(&in, w, 1, 10000000, dev_op, check);
	return 0;
}
