/* Fuzz isa-debug-exit at 0xf4 (4 ports). Invariant: status is (v << 1) | 1. */
#include "hw/debugexit.h"
#include "tests/fuzz/fuzz_env.h"

static struct fake_env fe;
static struct debugexit dx;

static void exit_fn(void *opaque, uint64_t status)
{
	fz_check(status & 1, "exit status is odd");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	const struct fz_window w[] = { { &fe.pio, DEBUGEXIT_PORT, DEBUGEXIT_SIZE } };

	fz_env_init(&fe);
	debugexit_init(&dx, &fe.env, exit_fn, NULL);
	fz_check(debugexit_attach(&dx, &fe.pio, DEBUGEXIT_PORT,
				  DEBUGEXIT_SIZE) == 0, "attach");
	fz_run(&in, w, 1, 1000, NULL, NULL);
	return 0;
}
