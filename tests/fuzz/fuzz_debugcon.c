/* Fuzz debugcon at 0xe9. Invariant: every byte written reaches the sink. */
#include "hw/debugcon.h"
#include "tests/fuzz/fuzz_env.h"

static struct fake_env fe;
static struct debugcon dc;
static uint64_t out_bytes;

static void out(void *opaque, uint8_t byte)
{
	out_bytes++;
}

static void check(void)
{
	fz_check(out_bytes == dc.bytes, "bytes lost");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	const struct fz_window w[] = { { &fe.pio, DEBUGCON_PORT, 1 } };

	fz_env_init(&fe);
	out_bytes = 0;
	debugcon_init(&dc, &fe.env, out, NULL);
	fz_check(debugcon_attach(&dc, &fe.pio) == 0, "attach");
	fz_run(&in, w, 1, 1000, NULL, check);
	return 0;
}
