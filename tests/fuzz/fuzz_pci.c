/*
 * Fuzz PCI configuration mechanism #1 (0xcf8-0xcff, with the PIIX3 reset
 * control at 0xcf9) over the i440FX host bridge and the PIIX3 ISA bridge,
 * plus direct config accesses to any devfn/offset/size. Invariants: PAM
 * and PIRQ values reported to the board are in range.
 */
#include "hw/i440fx.h"
#include "hw/pci.h"
#include "tests/fuzz/fuzz_env.h"

static struct fake_env fe;
static struct pci_bus pci;
static struct i440fx nb;

static void pam_changed(void *opaque, unsigned int pam, uint8_t value)
{
	fz_check(pam < I440FX_PAM_REGS, "PAM index");
}

static void pirq_changed(void *opaque, unsigned int pirq, int irq)
{
	fz_check(pirq < PIIX3_PIRQS && irq >= -1 && irq < 16, "PIRQ routing");
}

static void reset_request(void *opaque, bool hard)
{
}

static const struct i440fx_board_ops board = {
	.pam_changed = pam_changed,
	.pirq_changed = pirq_changed,
	.reset_request = reset_request,
};

static void dev_op(struct fz *in, unsigned int op)
{
	unsigned int devfn = fz_u8(in), off = fz_take(in, 2) & 0x1ff;
	unsigned int size = 1u << (op & 3);

	if (op & 4) {
		pci_config_write(&pci, devfn, off, size,
				 (uint32_t)fz_take(in, 4));
	} else {
		uint32_t v = pci_config_read(&pci, devfn, off, size);

		/* an absent function reads all ones, whatever the size */
		fz_check(size >= 4 || !pci.funcs[devfn] || v >> (8 * size) == 0,
			 "config read wider than size");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	const struct fz_window w[] = { { &fe.pio, PCI_CONF_ADDR_PORT, 8 } };

	fz_env_init(&fe);
	pci_bus_init(&pci);
	i440fx_init(&nb, &fe.env, &board, NULL);
	fz_check(pci_attach(&pci, &fe.pio) == 0, "attach");
	fz_check(i440fx_attach(&nb, &pci) == 0, "attach");
	fz_run(&in, w, 1, 1000, dev_op, NULL);
	for (unsigned int i = 0; i < PIIX3_PIRQS; i++) {
		int irq = piix3_pirq_irq(&nb, i);

		fz_check(irq >= -1 && irq < 16, "PIRQ routing");
	}
	return 0;
}
