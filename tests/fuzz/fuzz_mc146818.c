/*
 * Fuzz the MC146818 RTC/CMOS (ports 0x70/0x71) with clock steps up to 4 s,
 * so updates, alarms and periodic interrupts all happen. Invariants: the
 * index stays inside the 128 bytes; IRQ 8 matches the model's line.
 */
#include "hw/mc146818.h"
#include "tests/fuzz/fuzz_env.h"

static struct fake_env fe;
static struct mc146818 rtc;

static void check(void)
{
	fz_check(rtc.s.index < 128, "CMOS index");
	fz_check(fe.level[8] == rtc.line, "IRQ 8 out of sync");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	const struct fz_window w[] = { { &fe.pio, MC146818_PORT, 2 } };
	int64_t start = (int64_t)fz_take(&in, 5); /* up to ~36000 years */

	fz_env_init(&fe);
	mc146818_init(&rtc, &fe.env, 8, start);
	mc146818_set_mem_sizes(&rtc, 0x80000000ull, 0x100000000ull);
	fz_check(mc146818_attach(&rtc, &fe.pio) == 0, "attach");
	fz_run(&in, w, 1, 4000000000u, NULL, check);
	return 0;
}
