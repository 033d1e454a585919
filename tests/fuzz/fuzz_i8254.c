/*
 * Fuzz the i8254 PIT (ports 0x40-0x43) with port 0x61 (counter 2 gate,
 * speaker), clock steps up to 100 ms and gate changes. Invariant: IRQ 0 as
 * the board sees it matches the model's own idea of its level.
 */
#include "hw/i8254.h"
#include "hw/port61.h"
#include "tests/fuzz/fuzz_env.h"

static struct fake_env fe;
static struct i8254 pit;
static struct port61 p61;

static void dev_op(struct fz *in, unsigned int op)
{
	uint8_t b = fz_u8(in);

	if (op & 1)
		i8254_set_gate(&pit, b % 3, b & 0x80);
	else
		(void)i8254_get_out(&pit, b % 3);
	(void)port61_speaker(&p61);
}

static void check(void)
{
	fz_check(fe.level[0] == (bool)pit.s.irq_level, "IRQ 0 out of sync");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	const struct fz_window w[] = {
		{ &fe.pio, I8254_PORT, 4 },
		{ &fe.pio, PORT61_PORT, 1 },
	};

	fz_env_init(&fe);
	i8254_init(&pit, &fe.env, 0);
	port61_init(&p61, &fe.env, &pit);
	fz_check(i8254_attach(&pit, &fe.pio) == 0, "attach");
	fz_check(port61_attach(&p61, &fe.pio) == 0, "attach");
	fz_run(&in, w, 2, 100000000, dev_op, check);
	return 0;
}
