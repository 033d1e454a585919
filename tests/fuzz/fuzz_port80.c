/* Fuzz the POST code port 0x80. */
#include "hw/port80.h"
#include "tests/fuzz/fuzz_env.h"

static struct fake_env fe;
static struct port80 p80;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	const struct fz_window w[] = { { &fe.pio, PORT80_PORT, 1 } };

	fz_env_init(&fe);
	port80_init(&p80);
	fz_check(port80_attach(&p80, &fe.pio) == 0, "attach");
	fz_run(&in, w, 1, 1000, NULL, NULL);
	return 0;
}
