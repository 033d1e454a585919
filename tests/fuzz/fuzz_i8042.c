/*
 * Fuzz the PS/2 controller subset: data port 0x60 and command/status port
 * 0x64. Invariant: IRQ 1 matches the model's line.
 */
#include "hw/i8042.h"
#include "tests/fuzz/fuzz_env.h"

static struct fake_env fe;
static struct i8042 kbc;

static void set_a20(void *opaque, bool enabled)
{
}

static void reset_request(void *opaque)
{
}

static void check(void)
{
	fz_check(fe.level[I8042_IRQ] == (bool)kbc.s.irq, "IRQ 1 out of sync");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	const struct fz_window w[] = {
		{ &fe.pio, I8042_DATA_PORT, 1 },
		{ &fe.pio, I8042_CMD_PORT, 1 },
	};

	fz_env_init(&fe);
	i8042_init(&kbc, &fe.env, set_a20, reset_request, NULL);
	fz_check(i8042_attach(&kbc, &fe.pio) == 0, "attach");
	fz_run(&in, w, 2, 1000, NULL, check);
	return 0;
}
