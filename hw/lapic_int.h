/*
 * hw/lapic_int.h - what hw/lapic.c (interrupt logic, timer, IPIs, reset)
 * and hw/lapic_regs.c (register file, xAPIC MMIO, MSRs) share. Not for
 * use outside the local APIC model.
 */
#ifndef KEEL_HW_LAPIC_INT_H
#define KEEL_HW_LAPIC_INT_H

#include <stdint.h>

#include "hw/lapic.h"

#define NS_PER_SEC 1000000000u

/* ESR bits (SDM Vol. 3A 10.5.3) */
#define LAPIC_ESR_SEND_ILLEGAL 0x20
#define LAPIC_ESR_RECV_ILLEGAL 0x40
#define LAPIC_ESR_ILLEGAL_REG  0x80

/* LVT slots, in register order 0x320-0x370 */
enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR };

uint32_t lapic_ppr(const struct lapic *l);
void lapic_notify(struct lapic *l);
/* Accept a fixed interrupt into IRR; trigger 1 = level (sets TMR). */
void lapic_accept(struct lapic *l, uint8_t vector, unsigned int trigger);
void lapic_error(struct lapic *l, uint32_t bits);
void lapic_eoi(struct lapic *l);
unsigned int lapic_timer_mode(const struct lapic *l);
uint32_t lapic_current_count(const struct lapic *l);
void lapic_timer_update(struct lapic *l);
void lapic_set_tsc_deadline(struct lapic *l, uint64_t tsc);
void lapic_write_lvt(struct lapic *l, unsigned int n, uint32_t val);
/* Send what the ICR holds through cfg.send_ipi. */
void lapic_send_icr(struct lapic *l);

#endif
