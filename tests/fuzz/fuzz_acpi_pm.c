/*
 * Fuzz the ACPI PM1 block and PM timer at 0xb000 with clock steps up to
 * 10 s (bit 23 of the timer flips every ~2.3 s) and power-button presses.
 * Invariant: the SCI line matches the model's idea of it.
 */
#include "hw/acpi_pm.h"
#include "tests/fuzz/fuzz_env.h"

static struct fake_env fe;
static struct acpi_pm pm;

static void poweroff(void *opaque)
{
}

static void dev_op(struct fz *in, unsigned int op)
{
	if (op & 1)
		acpi_pm_power_button(&pm);
	else
		fz_check(acpi_pm_timer(&pm) <= ACPI_PM_TIMER_MASK, "PM timer");
}

static void check(void)
{
	fz_check(fe.level[9] == pm.sci_level, "SCI out of sync");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	const struct fz_window w[] = { { &fe.pio, 0xb000, ACPI_PM_SIZE } };

	fz_env_init(&fe);
	acpi_pm_init(&pm, &fe.env, 9, poweroff, NULL);
	fz_check(acpi_pm_attach(&pm, &fe.pio, 0xb000) == 0, "attach");
	fz_run(&in, w, 1, 10000000000ull, dev_op, check);
	return 0;
}
