/*
 * hw/mc146818.h - Motorola MC146818A real-time clock and CMOS RAM.
 *
 * Index port 0x70 (bit 7 = NMI disable), data port 0x71, 128 bytes of
 * CMOS of which 0x00-0x0d are the clock. Interrupts go out on one line
 * (IRQ 8 on the PC). Time is derived from the VM clock plus the wall-clock
 * time given at init, so a fake clock makes the model deterministic.
 */
#ifndef KEEL_HW_MC146818_H
#define KEEL_HW_MC146818_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw_env.h"
#include "vm/bus.h"

#define MC146818_PORT 0x70

/* Clock registers (datasheet "Address Map"). */
enum {
	MC146818_SEC = 0x00,
	MC146818_SEC_ALARM = 0x01,
	MC146818_MIN = 0x02,
	MC146818_MIN_ALARM = 0x03,
	MC146818_HOUR = 0x04,
	MC146818_HOUR_ALARM = 0x05,
	MC146818_WDAY = 0x06,
	MC146818_MDAY = 0x07,
	MC146818_MONTH = 0x08,
	MC146818_YEAR = 0x09,
	MC146818_REG_A = 0x0a,
	MC146818_REG_B = 0x0b,
	MC146818_REG_C = 0x0c,
	MC146818_REG_D = 0x0d,
	MC146818_CENTURY = 0x32,     /* QEMU/ACPI FADT century byte */
	MC146818_PS2_CENTURY = 0x37, /* IBM PS/2 alias of 0x32 */
};

/* Guest-visible state (what a snapshot saves). */
struct mc146818_state {
	uint8_t cmos[128];
	uint8_t index;
	uint8_t nmi_disabled;    /* bit 7 of the last index write */
	int64_t base_sec;        /* RTC seconds since 1970 at base_ns */
	int64_t base_ns;         /* VM time at which second base_sec began:
				    the phase of the divider chain */
	int64_t synced_ns;       /* register C accounts for events up to here */
};

struct mc146818 {
	struct mc146818_state s;
	const struct hw_env *env;
	unsigned int irq;
	struct timerq_timer timer;
	bool line;               /* current level of the IRQ output */
};

/* start_time: wall-clock time of VM clock "now", seconds since 1970 UTC. */
void mc146818_init(struct mc146818 *rtc, const struct hw_env *env,
		   unsigned int irq, int64_t start_time);

/*
 * QEMU's pc memory-size bytes: 0x15/0x16 base memory in KiB (max 640),
 * 0x17/0x18 and 0x30/0x31 memory above 1 MiB in KiB (max 65535), 0x34/0x35
 * memory from 16 MiB to 4 GiB in 64 KiB units, 0x5b-0x5d memory above
 * 4 GiB in 64 KiB units.
 */
void mc146818_set_mem_sizes(struct mc146818 *rtc, uint64_t below_4g,
			    uint64_t above_4g);

/* Raw CMOS access for the board (CPU count at 0x5f, boot order, ...). */
uint8_t mc146818_cmos_get(const struct mc146818 *rtc, unsigned int index);
void mc146818_cmos_set(struct mc146818 *rtc, unsigned int index, uint8_t val);

bool mc146818_nmi_disabled(const struct mc146818 *rtc);

extern const struct bus_ops mc146818_ops; /* 2 ports, dev = rtc */

int mc146818_attach(struct mc146818 *rtc, struct bus *pio)
	__attribute__((warn_unused_result));

#endif
