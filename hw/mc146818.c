/*
 * hw/mc146818.c - Motorola MC146818A RTC with CMOS RAM.
 *
 * Reference: MC146818A datasheet (Motorola): "Time, Calendar and Alarm
 * Locations", "Register A" (UIP, DV2-DV0, RS3-RS0 and the periodic rate
 * table), "Register B" (SET, PIE, AIE, UIE, SQWE, DM, 24/12, DSE),
 * "Register C" (IRQF, PF, AF, UF; cleared by reading), "Register D" (VRT),
 * "Update Cycle" (UIP is 1 for 244 us before the update) and "Interrupts"
 * (the flags in register C are set whatever the enable bits are; IRQF
 * and the IRQ line follow flag AND enable). QEMU's choices are kept where
 * the datasheet is silent: index 0x37 aliases the century byte 0x32, the
 * index port reads 0xff, leaving divider reset puts the first update half
 * a second later, SET keeps the phase of the second.
 *
 * While the clock runs, the time registers are computed from base_sec and
 * the VM clock on every read; while it is stopped (SET, or the divider not
 * running) they are plain bytes the guest may write. Flags are accounted
 * lazily up to "now" on every access, and a timer is armed only for the
 * next event whose interrupt is enabled.
 */
#include "hw/mc146818.h"

#include <string.h> /* memset */

#define NS_PER_SEC 1000000000
#define RTC_HZ     32768
#define UIP_NS     (8LL * NS_PER_SEC / RTC_HZ) /* 244140 ns */
#define NEVER      INT64_MAX

#define REG_A_UIP  0x80
#define REG_B_SET  0x80
#define REG_B_PIE  0x40
#define REG_B_AIE  0x20
#define REG_B_UIE  0x10
#define REG_B_DM   0x04
#define REG_B_24H  0x02
#define REG_C_IRQF 0x80
#define REG_C_PF   0x40
#define REG_C_AF   0x20
#define REG_C_UF   0x10
#define REG_D_VRT  0x80

static int64_t rtc_fdiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int64_t rtc_mod(int64_t a, int64_t b)
{
	return a - rtc_fdiv(a, b) * b;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
static int64_t rtc_days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = rtc_fdiv(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void rtc_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = rtc_fdiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static uint8_t *rtc_reg(struct mc146818 *rtc, unsigned int i)
{
	return &rtc->s.cmos[i];
}

static bool rtc_binary(struct mc146818 *rtc)
{
	return *rtc_reg(rtc, MC146818_REG_B) & REG_B_DM;
}

static uint8_t rtc_to_reg(struct mc146818 *rtc, int v)
{
	return rtc_binary(rtc) ? v : ((v / 10) << 4 | v % 10);
}

static int rtc_from_reg(struct mc146818 *rtc, uint8_t r)
{
	return rtc_binary(rtc) ? r : (r >> 4) * 10 + (r & 15);
}

/* Hour register to 0-23 in the current 12/24 hour format. */
static int rtc_hour_from_reg(struct mc146818 *rtc, uint8_t r)
{
	int h = rtc_from_reg(rtc, r & 0x7f);

	if (!(*rtc_reg(rtc, MC146818_REG_B) & REG_B_24H)) {
		h %= 12;
		if (r & 0x80)
			h += 12;
	}
	return h;
}

/* The divider chain runs (DV2-DV0 = 000, 001 or 010, as QEMU counts it). */
static bool rtc_divider_on(struct mc146818 *rtc)
{
	return (*rtc_reg(rtc, MC146818_REG_A) & 0x70) <= 0x20;
}

static bool rtc_running(struct mc146818 *rtc)
{
	return rtc_divider_on(rtc) &&
	       !(*rtc_reg(rtc, MC146818_REG_B) & REG_B_SET);
}

static int64_t rtc_now(struct mc146818 *rtc)
{
	return (int64_t)hw_clock_ns(rtc->env);
}

/* Whole seconds elapsed since base_ns at VM time t. */
static int64_t rtc_secs(struct mc146818 *rtc, int64_t t)
{
	return rtc_fdiv(t - rtc->s.base_ns, NS_PER_SEC);
}

/* 32.768 kHz divider ticks since base_ns at t (t >= base_ns). */
static uint64_t rtc_ticks(struct mc146818 *rtc, int64_t t)
{
	return hw_muldiv64((uint64_t)(t - rtc->s.base_ns), RTC_HZ, NS_PER_SEC);
}

/* Periodic interrupt period in divider ticks, 0 if none (rate table). */
static uint64_t rtc_period(struct mc146818 *rtc)
{
	unsigned int rs = *rtc_reg(rtc, MC146818_REG_A) & 0x0f;

	if (rs == 0)
		return 0;
	if (rs <= 2)
		rs += 7; /* 3.90625 ms and 7.8125 ms, as RS = 8 and 9 */
	return 1ULL << (rs - 1);
}

/* Write time t (seconds since 1970) into the clock registers. */
static void rtc_store_time(struct mc146818 *rtc, int64_t t)
{
	int64_t days = rtc_fdiv(t, 86400), tod = t - days * 86400, y;
	int h = (int)(tod / 3600), m, d;
	uint8_t *c = rtc->s.cmos;

	rtc_civil_from_days(days, &y, &m, &d);
	c[MC146818_SEC] = rtc_to_reg(rtc, tod % 60);
	c[MC146818_MIN] = rtc_to_reg(rtc, tod / 60 % 60);
	if (c[MC146818_REG_B] & REG_B_24H)
		c[MC146818_HOUR] = rtc_to_reg(rtc, h);
	else
		c[MC146818_HOUR] = rtc_to_reg(rtc, h % 12 ? h % 12 : 12) |
				   (h >= 12 ? 0x80 : 0);
	c[MC146818_WDAY] = rtc_to_reg(rtc, (int)rtc_mod(days + 4, 7) + 1);
	c[MC146818_MDAY] = rtc_to_reg(rtc, d);
	c[MC146818_MONTH] = rtc_to_reg(rtc, m);
	c[MC146818_YEAR] = rtc_to_reg(rtc, (int)rtc_mod(y, 100));
	c[MC146818_CENTURY] = rtc_to_reg(rtc, (int)rtc_fdiv(y, 100));
}

/* Read the clock registers as seconds since 1970 (out-of-range fields
 * carry into the next one, like mktime). */
static int64_t rtc_load_time(struct mc146818 *rtc)
{
	uint8_t *c = rtc->s.cmos;
	int64_t y = rtc_from_reg(rtc, c[MC146818_CENTURY]) * 100 +
		    rtc_from_reg(rtc, c[MC146818_YEAR]);
	int64_t mon = rtc_from_reg(rtc, c[MC146818_MONTH]) - 1;
	int64_t days;

	y += rtc_fdiv(mon, 12);
	mon = rtc_mod(mon, 12);
	days = rtc_days_from_civil(y, mon + 1, 1) +
	       rtc_from_reg(rtc, c[MC146818_MDAY]) - 1;
	return days * 86400 + rtc_hour_from_reg(rtc, c[MC146818_HOUR]) * 3600 +
	       rtc_from_reg(rtc, c[MC146818_MIN]) * 60 +
	       rtc_from_reg(rtc, c[MC146818_SEC]);
}

/* Bring the clock registers up to VM time now, if the clock runs. */
static void rtc_refresh(struct mc146818 *rtc, int64_t now)
{
	if (rtc_running(rtc))
		rtc_store_time(rtc, rtc->s.base_sec + rtc_secs(rtc, now));
}

/* Restart counting from the registers, keeping the phase of the second. */
static void rtc_restart(struct mc146818 *rtc, int64_t now)
{
	rtc->s.base_ns = now - rtc_mod(now - rtc->s.base_ns, NS_PER_SEC);
	rtc->s.base_sec = rtc_load_time(rtc);
}

/* An alarm byte: 0-59 / 0-23, -1 for "don't care" (11xxxxxx), -2 never. */
static int rtc_alarm_field(struct mc146818 *rtc, unsigned int i, int limit)
{
	uint8_t r = rtc->s.cmos[i];
	int v;

	if ((r & 0xc0) == 0xc0)
		return -1;
	v = i == MC146818_HOUR_ALARM ? rtc_hour_from_reg(rtc, r)
				     : rtc_from_reg(rtc, r);
	return v < limit ? v : -2;
}

/* First second after 'after' whose time of day matches the alarm. */
static int64_t rtc_alarm_next(struct mc146818 *rtc, int64_t after)
{
	int ah = rtc_alarm_field(rtc, MC146818_HOUR_ALARM, 24);
	int am = rtc_alarm_field(rtc, MC146818_MIN_ALARM, 60);
	int as = rtc_alarm_field(rtc, MC146818_SEC_ALARM, 60);
	int64_t tod = rtc_mod(after, 86400), day = after - tod;
	int h0 = (int)(tod / 3600), m0 = (int)(tod / 60 % 60);
	int s0 = (int)(tod % 60), dh, m, s;

	if (ah == -2 || am == -2 || as == -2)
		return NEVER;
	for (dh = 0; dh <= 24; dh++) {
		if (ah >= 0 && (h0 + dh) % 24 != ah)
			continue;
		for (m = dh ? 0 : m0; m < 60; m++) {
			if (am >= 0 && m != am)
				continue;
			s = (dh == 0 && m == m0) ? s0 + 1 : 0;
			if (as >= 0 && as < s)
				continue;
			if (as >= 0)
				s = as;
			if (s < 60)
				return day + (h0 + dh) * 3600 + m * 60 + s;
		}
	}
	return NEVER;
}

static void rtc_update_line(struct mc146818 *rtc)
{
	bool level = rtc->s.cmos[MC146818_REG_C] & REG_C_IRQF;

	if (level != rtc->line) {
		rtc->line = level;
		hw_irq_set(rtc->env, rtc->irq, level);
	}
}

/* Account the periodic, update and alarm events in (synced_ns, now]. */
static void rtc_sync(struct mc146818 *rtc, int64_t now)
{
	int64_t then = rtc->s.synced_ns, s0, s1;
	uint64_t p = rtc_period(rtc);
	uint8_t *c = rtc->s.cmos, flags = 0;

	if (now <= then)
		return;
	if (rtc_divider_on(rtc)) {
		if (p && rtc_ticks(rtc, now) / p > rtc_ticks(rtc, then) / p)
			flags |= REG_C_PF;
		s0 = rtc_secs(rtc, then);
		s1 = rtc_secs(rtc, now);
		if (!(c[MC146818_REG_B] & REG_B_SET) && s1 > s0) {
			flags |= REG_C_UF;
			if (rtc_alarm_next(rtc, rtc->s.base_sec + s0) <=
			    rtc->s.base_sec + s1)
				flags |= REG_C_AF;
		}
	}
	rtc->s.synced_ns = now;
	c[MC146818_REG_C] |= flags;
	if (c[MC146818_REG_C] & c[MC146818_REG_B] & 0x70)
		c[MC146818_REG_C] |= REG_C_IRQF;
	rtc_update_line(rtc);
}

/* Arm the timer for the next enabled event (none while IRQF is up: the
 * line cannot rise again until register C is read). */
static void rtc_rearm(struct mc146818 *rtc, int64_t now)
{
	uint8_t b = rtc->s.cmos[MC146818_REG_B];
	uint64_t p = rtc_period(rtc);
	int64_t next = NEVER, t, a;

	if (rtc_divider_on(rtc) && !(rtc->s.cmos[MC146818_REG_C] & REG_C_IRQF)) {
		if ((b & REG_B_PIE) && p) {
			uint64_t k = rtc_ticks(rtc, now) / p + 1;

			t = rtc->s.base_ns +
			    (int64_t)hw_muldiv64_ceil(k * p, NS_PER_SEC, RTC_HZ);
			next = t < next ? t : next;
		}
		if (rtc_running(rtc) && (b & REG_B_UIE)) {
			t = rtc->s.base_ns + (rtc_secs(rtc, now) + 1) * NS_PER_SEC;
			next = t < next ? t : next;
		}
		if (rtc_running(rtc) && (b & REG_B_AIE)) {
			a = rtc_alarm_next(rtc, rtc->s.base_sec + rtc_secs(rtc, now));
			if (a != NEVER) {
				t = rtc->s.base_ns + (a - rtc->s.base_sec) * NS_PER_SEC;
				next = t < next ? t : next;
			}
		}
	}
	if (next == NEVER)
		hw_timer_cancel(rtc->env, &rtc->timer);
	else
		hw_timer_arm(rtc->env, &rtc->timer, (uint64_t)next);
}

static void rtc_timer_fired(void *opaque)
{
	struct mc146818 *rtc = opaque;
	int64_t now = rtc_now(rtc);

	rtc_sync(rtc, now);
	rtc_rearm(rtc, now);
}

static uint8_t rtc_read_data(struct mc146818 *rtc, int64_t now)
{
	unsigned int i = rtc->s.index;
	uint8_t *c = rtc->s.cmos, v;

	switch (i) {
	case MC146818_SEC: case MC146818_MIN: case MC146818_HOUR:
	case MC146818_WDAY: case MC146818_MDAY: case MC146818_MONTH:
	case MC146818_YEAR: case MC146818_CENTURY:
		rtc_refresh(rtc, now);
		return c[i];
	case MC146818_REG_A:
		v = c[i] & ~REG_A_UIP;
		if (rtc_running(rtc) &&
		    rtc_mod(now - rtc->s.base_ns, NS_PER_SEC) >= NS_PER_SEC - UIP_NS)
			v |= REG_A_UIP;
		return v;
	case MC146818_REG_C:
		v = c[i];
		c[i] = 0;
		rtc_update_line(rtc);
		rtc_rearm(rtc, now);
		return v;
	case MC146818_REG_D:
		return REG_D_VRT;
	default:
		return c[i];
	}
}

static void rtc_write_a(struct mc146818 *rtc, uint8_t val, int64_t now)
{
	bool was_on = rtc_divider_on(rtc);

	rtc_refresh(rtc, now);
	rtc->s.cmos[MC146818_REG_A] = val & ~REG_A_UIP;
	if (!was_on && rtc_divider_on(rtc)) {
		/* Divider leaves reset: the first update comes 500 ms later. */
		rtc->s.base_ns = now - NS_PER_SEC / 2;
		rtc->s.base_sec = rtc_load_time(rtc);
	}
}

static void rtc_write_b(struct mc146818 *rtc, uint8_t val, int64_t now)
{
	uint8_t *c = rtc->s.cmos;

	if (val & REG_B_SET) {
		rtc_refresh(rtc, now); /* freeze the registers at "now" */
		val &= ~REG_B_UIE;     /* SET clears UIE */
	} else if ((c[MC146818_REG_B] & REG_B_SET) && rtc_divider_on(rtc)) {
		rtc_restart(rtc, now);
	}
	c[MC146818_REG_B] = val;
	/* IRQF follows the flags that are now enabled. */
	if (c[MC146818_REG_C] & val & 0x70)
		c[MC146818_REG_C] |= REG_C_IRQF;
	else
		c[MC146818_REG_C] &= ~REG_C_IRQF;
	rtc_update_line(rtc);
}

static void rtc_write_data(struct mc146818 *rtc, uint8_t val, int64_t now)
{
	unsigned int i = rtc->s.index;

	switch (i) {
	case MC146818_SEC: case MC146818_MIN: case MC146818_HOUR:
	case MC146818_WDAY: case MC146818_MDAY: case MC146818_MONTH:
	case MC146818_YEAR: case MC146818_CENTURY:
		if (rtc_running(rtc)) {
			rtc_refresh(rtc, now);
			rtc->s.cmos[i] = val;
			rtc_restart(rtc, now);
		} else {
			rtc->s.cmos[i] = val;
		}
		break;
	case MC146818_REG_A:
		rtc_write_a(rtc, val, now);
		break;
	case MC146818_REG_B:
		rtc_write_b(rtc, val, now);
		break;
	case MC146818_REG_C:
	case MC146818_REG_D:
		break; /* read-only */
	default:
		rtc->s.cmos[i] = val;
		break;
	}
	rtc_rearm(rtc, now);
}

static uint64_t rtc_port_read(void *dev, uint64_t off, unsigned int size)
{
	struct mc146818 *rtc = dev;
	int64_t now = rtc_now(rtc);

	(void)size;
	if (off == 0)
		return 0xff; /* the index register is write-only */
	if (rtc->s.index == MC146818_PS2_CENTURY)
		rtc->s.index = MC146818_CENTURY;
	rtc_sync(rtc, now);
	return rtc_read_data(rtc, now);
}

static void rtc_port_write(void *dev, uint64_t off, unsigned int size,
			   uint64_t val)
{
	struct mc146818 *rtc = dev;
	int64_t now = rtc_now(rtc);

	(void)size;
	if (off == 0) {
		rtc->s.index = val & 0x7f;
		rtc->s.nmi_disabled = (val >> 7) & 1;
		return;
	}
	if (rtc->s.index == MC146818_PS2_CENTURY)
		rtc->s.index = MC146818_CENTURY;
	rtc_sync(rtc, now);
	rtc_write_data(rtc, (uint8_t)val, now);
}

const struct bus_ops mc146818_ops = {
	.read = rtc_port_read,
	.write = rtc_port_write,
	.max_size = 1,
};

void mc146818_init(struct mc146818 *rtc, const struct hw_env *env,
		   unsigned int irq, int64_t start_time)
{
	int64_t now;

	rtc->env = env;
	rtc->irq = irq;
	rtc->line = false;
	hw_timer_init(&rtc->timer, rtc_timer_fired, rtc);
	now = rtc_now(rtc);
	memset(&rtc->s, 0, sizeof(rtc->s));
	rtc->s.cmos[MC146818_REG_A] = 0x26; /* 32.768 kHz, 1024 Hz rate */
	rtc->s.cmos[MC146818_REG_B] = REG_B_24H;
	rtc->s.cmos[MC146818_REG_D] = REG_D_VRT;
	rtc->s.base_sec = start_time;
	rtc->s.base_ns = now;
	rtc->s.synced_ns = now;
	rtc_store_time(rtc, start_time);
}

void mc146818_set_mem_sizes(struct mc146818 *rtc, uint64_t below_4g,
			    uint64_t above_4g)
{
	uint64_t v;
	uint8_t *c = rtc->s.cmos;

	v = below_4g / 1024 < 640 ? below_4g / 1024 : 640;
	c[0x15] = v;
	c[0x16] = v >> 8;
	v = below_4g > (1 << 20) ? (below_4g - (1 << 20)) / 1024 : 0;
	v = v > 65535 ? 65535 : v;
	c[0x17] = c[0x30] = v;
	c[0x18] = c[0x31] = v >> 8;
	v = below_4g > (16 << 20) ? (below_4g - (16 << 20)) / 65536 : 0;
	v = v > 65535 ? 65535 : v;
	c[0x34] = v;
	c[0x35] = v >> 8;
	v = above_4g / 65536;
	c[0x5b] = v;
	c[0x5c] = v >> 8;
	c[0x5d] = v >> 16;
}

uint8_t mc146818_cmos_get(const struct mc146818 *rtc, unsigned int index)
{
	return index < 128 ? rtc->s.cmos[index] : 0xff;
}

void mc146818_cmos_set(struct mc146818 *rtc, unsigned int index, uint8_t val)
{
	if (index < 128)
		rtc->s.cmos[index] = val;
}

bool mc146818_nmi_disabled(const struct mc146818 *rtc)
{
	return rtc->s.nmi_disabled;
}

int mc146818_attach(struct mc146818 *rtc, struct bus *pio)
{
	return bus_register(pio, MC146818_PORT, 2, &mc146818_ops, rtc, "rtc");
}
