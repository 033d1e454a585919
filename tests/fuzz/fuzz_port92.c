/* Fuzz port 0x92 (fast A20 and fast reset). */
#include "hw/port92.h"
#include "tests/fuzz/fuzz_env.h"

static struct fake_env fe;
static struct port92 p92;

static void set_a20(void *opaque, bool enabled)
{
}

static void reset_request(void *opaque)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	const struct fz_window w[] = { { &fe.pio, PORT92_PORT, 1 } };
	uint8_t hooks = (uint8_t)fz_take(&in, 1); /* with or without them */

	fz_env_init(&fe);
	port92_init(&p92, &fe.env, hooks & 1 ? set_a20 : NULL,
		    hooks & 2 ? reset_request : NULL, NULL);
	fz_check(port92_attach(&p92, &fe.pio) == 0, "attach");
	fz_run(&in, w, 1, 1000, NULL, NULL);
	return 0;
}
