/*
 * hw/port61.h - port 0x61, "NMI Status and Control" (PIIX3 NMISC), the
 * PC's system control port B: PIT counter 2 GATE, speaker data enable,
 * OUT2 read-back and the refresh toggle.
 */
#ifndef KEEL_HW_PORT61_H
#define KEEL_HW_PORT61_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw_env.h"
#include "hw/i8254.h"
#include "vm/bus.h"

#define PORT61_PORT 0x61

struct port61_state {
	uint8_t speaker_data;  /* bit 1: speaker data enable */
	uint8_t nmi_enables;   /* bits 2-3: SERR#/IOCHK# NMI enables, stored */
	uint8_t refresh;       /* bit 4: toggles on every read, as in QEMU */
};

struct port61 {
	struct port61_state s;
	const struct hw_env *env;
	struct i8254 *pit;
};

void port61_init(struct port61 *p, const struct hw_env *env, struct i8254 *pit);

/* The speaker's input: counter 2's OUT gated by the speaker data bit. */
bool port61_speaker(struct port61 *p);

extern const struct bus_ops port61_ops; /* 1 port, dev = p */

int port61_attach(struct port61 *p, struct bus *pio)
	__attribute__((warn_unused_result));

#endif
