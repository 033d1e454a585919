/*
 * Fuzz the i8259 pair: ports 0x20/0x21, 0xa0/0xa1, ELCR 0x4d0/0x4d1, IRQ
 * input changes and INTA cycles. Invariant: the INT output the CPU was last
 * told about is the one i8259_intr() reports.
 */
#include "hw/i8259.h"
#include "tests/fuzz/fuzz_env.h"

static struct fake_env fe;
static struct i8259 pic;
static bool intr_seen;

static void set_intr(void *opaque, bool level)
{
	intr_seen = level;
}

static void dev_op(struct fz *in, unsigned int op)
{
	uint8_t b = fz_u8(in);

	if (op & 1)
		i8259_set_irq(&pic, b & 0x1f, b & 0x80);
	else
		(void)i8259_get_interrupt(&pic);
}

static void check(void)
{
	fz_check(intr_seen == i8259_intr(&pic), "INT output out of sync");
	for (int i = 0; i < 2; i++)
		fz_check(pic.s.chip[i].init_state <= 3, "ICW state");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	const struct fz_window w[] = {
		{ &fe.pio, I8259_MASTER_PORT, 2 },
		{ &fe.pio, I8259_SLAVE_PORT, 2 },
		{ &fe.pio, I8259_ELCR_PORT, 2 },
	};

	fz_env_init(&fe);
	intr_seen = false;
	i8259_init(&pic, &fe.env, set_intr, NULL);
	fz_check(i8259_attach(&pic, &fe.pio) == 0, "attach");
	fz_run(&in, w, 3, 1000000, dev_op, check);
	return 0;
}
