/* TSC calibration. The ACPI PM timer runs at 3.579545 MHz (ACPI 6.4 §4.8.3.3);
 * the PIT fallback uses channel 2 gated through port 0x61 (8254 datasheet,
 * mode 0), which needs no interrupt. */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "console/klog.h"

#define PM_HZ 3579545u
#define PIT_HZ 1193182u
#define CAL_MS 20

uint64_t tsc_hz;

static uint64_t by_pm_timer(uint16_t port, int bits32)
{
	uint32_t mask = bits32 ? 0xffffffffu : 0xffffffu;
	uint32_t want = PM_HZ / 1000 * CAL_MS;
	uint32_t t0 = inl(port) & mask, t;
	uint64_t c0 = rdtsc();
	do
		t = inl(port) & mask;
	while (((t - t0) & mask) < want);
	uint64_t c1 = rdtsc();
	return (c1 - c0) * PM_HZ / ((t - t0) & mask);
}

static uint64_t by_pit(void)
{
	uint16_t count = PIT_HZ / 1000 * CAL_MS;
	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xb0); /* channel 2, lobyte/hibyte, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	uint64_t c0 = rdtsc();
	while (!(inb(0x61) & 0x20)) /* OUT2 goes high at terminal count */
		cpu_relax();
	uint64_t c1 = rdtsc();
	return (c1 - c0) * 1000 / CAL_MS;
}

void tsc_calibrate(uint16_t pm_port, int pm_32bit)
{
	const char *src = pm_port ? "ACPI PM timer" : "PIT";
	tsc_hz = pm_port ? by_pm_timer(pm_port, pm_32bit) : by_pit();
	if (!tsc_hz)
		tsc_hz = 1000000000ull;
	klog_set_tsc_hz(tsc_hz);
	klog(LOG_INFO, "tsc: %llu.%03llu MHz (calibrated against the %s)",
	     (unsigned long long)(tsc_hz / 1000000), (unsigned long long)(tsc_hz / 1000 % 1000), src);
}

void tsc_delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + tsc_hz / 1000000 * us;
	while ((int64_t)(rdtsc() - end) < 0)
		cpu_relax();
}

uint64_t tsc_to_us(uint64_t t) { return tsc_hz ? (uint64_t)((unsigned __int128)t * 1000000 / tsc_hz) : 0; }
