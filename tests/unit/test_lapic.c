/*
 * Unit tests for hw/lapic.c and hw/lapic_regs.c, qtest style: program the
 * xAPIC page at 0xfee00000 and the x2APIC MSRs, step the fake clock, take
 * vectors the way the CPU does. Expected values: Intel SDM Vol. 3A
 * chapter 10 and QEMU's apic.
 */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hw/lapic.h"
#include "tests/unit/hw_fake.h"

#define BASE LAPIC_DEFAULT_BASE

struct ipi {
	uint32_t dest;
	unsigned int dest_mode, shorthand, mode;
	uint8_t vector;
};

static struct fake_env fe;
static struct bus mmio;
static struct lapic apic;
static struct ipi ipis[8];
static unsigned int nipis, notifies, neois;
static uint8_t last_eoi;

static void send_ipi(void *opaque, uint32_t dest, unsigned int dest_mode,
		     unsigned int shorthand, unsigned int mode, uint8_t vector)
{
	(void)opaque;
	if (nipis < 8)
		ipis[nipis] = (struct ipi){ dest, dest_mode, shorthand, mode,
					    vector };
	nipis++;
}

static void eoi_broadcast(void *opaque, uint8_t vector)
{
	(void)opaque;
	neois++;
	last_eoi = vector;
}

static void notify(void *opaque)
{
	(void)opaque;
	notifies++;
}

static const struct lapic_config cfg_bsp = {
	.apic_id = 0, .bsp = true, .send_ipi = send_ipi,
	.eoi_broadcast = eoi_broadcast, .notify = notify,
};

static void apic_w(uint32_t reg, uint32_t v)
{
	bus_write(&mmio, BASE + reg, 4, v);
}

static uint32_t apic_r(uint32_t reg)
{
	return (uint32_t)bus_read(&mmio, BASE + reg, 4);
}

static int setup(void **state)
{
	(void)state;
	fake_init(&fe, 1000);
	bus_init(&mmio, "mmio");
	nipis = notifies = neois = 0;
	last_eoi = 0;
	memset(ipis, 0, sizeof(ipis));
	lapic_init(&apic, &fe.env, &cfg_bsp);
	assert_int_equal(lapic_attach(&apic, &mmio), 0);
	apic_w(LAPIC_SVR, 0x1ff); /* software enable */
	return 0;
}

static void fixed(uint8_t vector, unsigned int trigger)
{
	lapic_deliver(&apic, LAPIC_DM_FIXED, vector, trigger);
}

static bool reg_bit(uint32_t base, uint8_t v)
{
	return apic_r(base + (v >> 5) * 0x10) & (1u << (v & 31));
}

/* Enter x2APIC mode through IA32_APIC_BASE. */
static void x2apic_on(struct lapic *l)
{
	uint64_t b;

	assert_int_equal(lapic_msr_read(l, LAPIC_MSR_APIC_BASE, &b), LAPIC_OK);
	assert_int_equal(lapic_msr_write(l, LAPIC_MSR_APIC_BASE,
					 b | LAPIC_BASE_EXTD), LAPIC_OK);
}

static void test_reset_state(void **state)
{
	uint64_t b;

	(void)state;
	assert_int_equal(lapic_msr_read(&apic, LAPIC_MSR_APIC_BASE, &b), 0);
	assert_int_equal(b, 0xfee00900ULL); /* base | EN | BSP */
	assert_int_equal(apic_r(LAPIC_ID), 0);
	assert_int_equal(apic_r(LAPIC_VER), 0x00050014);
	assert_int_equal(apic_r(LAPIC_DFR), 0xffffffffu);
	assert_int_equal(apic_r(LAPIC_LVT_TIMER), 0x10000);
	assert_int_equal(apic_r(LAPIC_LVT_LINT0), 0x700); /* BSP: ExtINT */
	assert_int_equal(apic_r(LAPIC_LVT_LINT1), 0x10000);
	assert_int_equal(apic_r(LAPIC_LVT_ERROR), 0x10000);
	assert_true(lapic_accept_pic_intr(&apic));
	lapic_reset(&apic);
	assert_int_equal(apic_r(LAPIC_SVR), 0xff);
}

static void test_priority_and_inta(void **state)
{
	(void)state;
	fixed(0x40, 0);
	fixed(0x51, 0);
	assert_true(reg_bit(LAPIC_IRR, 0x40));
	assert_true(lapic_has_interrupt(&apic));
	assert_int_equal(lapic_get_interrupt(&apic), 0x51);
	assert_true(reg_bit(LAPIC_ISR, 0x51));
	assert_false(reg_bit(LAPIC_IRR, 0x51));
	/* 0x40 is a lower class than 0x51 in service */
	assert_false(lapic_has_interrupt(&apic));
	assert_int_equal(apic_r(LAPIC_PPR), 0x50);
	apic_w(LAPIC_EOI, 0);
	assert_true(lapic_has_interrupt(&apic));
	assert_int_equal(lapic_get_interrupt(&apic), 0x40);
	apic_w(LAPIC_EOI, 0);
	assert_int_equal(lapic_get_interrupt(&apic), -1);
	assert_true(notifies >= 2);
}

static void test_tpr_ppr_cr8(void **state)
{
	(void)state;
	apic_w(LAPIC_TPR, 0x53);
	assert_int_equal(apic_r(LAPIC_PPR), 0x53);
	assert_int_equal(lapic_get_cr8(&apic), 5);
	fixed(0x5f, 0); /* same class as TPR: blocked */
	assert_false(lapic_has_interrupt(&apic));
	fixed(0x61, 0);
	assert_int_equal(lapic_get_interrupt(&apic), 0x61);
	assert_int_equal(apic_r(LAPIC_PPR), 0x60); /* ISR class wins */
	lapic_set_cr8(&apic, 7);
	assert_int_equal(apic_r(LAPIC_TPR), 0x70);
	assert_int_equal(apic_r(LAPIC_PPR), 0x70);
	apic_w(LAPIC_EOI, 0);
	lapic_set_cr8(&apic, 0);
	assert_int_equal(lapic_get_interrupt(&apic), 0x5f);
	/* equal classes: PPR takes TPR with its low nibble */
	apic_w(LAPIC_TPR, 0x53);
	assert_int_equal(apic_r(LAPIC_PPR), 0x53);
	apic_w(LAPIC_TPR, 0x43);
	assert_int_equal(apic_r(LAPIC_PPR), 0x50);
}

/* What a VT-x TPR shadow needs: the threshold is the class of the highest
 * interrupt held back by the TPR alone (SDM Vol. 3C 29.1.2). */
static void test_tpr_threshold(void **state)
{
	(void)state;
	assert_int_equal(lapic_tpr_threshold(&apic), 0); /* nothing pending */
	lapic_set_tpr(&apic, 0x80);
	fixed(0x61, 0);
	assert_false(lapic_has_interrupt(&apic));
	assert_int_equal(lapic_tpr_threshold(&apic), 6);
	fixed(0x72, 0);
	assert_int_equal(lapic_tpr_threshold(&apic), 7); /* the highest one */
	lapic_set_tpr(&apic, 0x60); /* 0x72 may go now: no threshold needed */
	assert_int_equal(lapic_tpr_threshold(&apic), 0);
	assert_int_equal(lapic_get_interrupt(&apic), 0x72);
	/* 0x61 waits for the EOI of 0x72, not for the TPR */
	lapic_set_tpr(&apic, 0x00);
	assert_int_equal(lapic_tpr_threshold(&apic), 0);
	apic_w(LAPIC_EOI, 0);
	assert_int_equal(lapic_get_interrupt(&apic), 0x61);
}

static void test_eoi_order_and_broadcast(void **state)
{
	(void)state;
	fixed(0x70, 1); /* level-triggered, from the IOAPIC */
	assert_true(reg_bit(LAPIC_TMR, 0x70));
	assert_int_equal(lapic_get_interrupt(&apic), 0x70);
	fixed(0x80, 0);
	assert_int_equal(lapic_get_interrupt(&apic), 0x80); /* nests */
	apic_w(LAPIC_EOI, 0); /* the highest in service: 0x80, edge */
	assert_int_equal(neois, 0);
	assert_false(reg_bit(LAPIC_ISR, 0x80));
	assert_true(reg_bit(LAPIC_ISR, 0x70));
	apic_w(LAPIC_EOI, 0);
	assert_int_equal(neois, 1);
	assert_int_equal(last_eoi, 0x70);
	apic_w(LAPIC_EOI, 0); /* nothing in service: no-op */
	assert_int_equal(neois, 1);
}

static void test_spurious_when_ppr_wins(void **state)
{
	(void)state;
	apic_w(LAPIC_SVR, 0x1ef);
	fixed(0x45, 0);
	assert_true(lapic_has_interrupt(&apic));
	apic_w(LAPIC_TPR, 0x50); /* raised between INTR and INTA */
	assert_false(lapic_has_interrupt(&apic));
	assert_int_equal(lapic_get_interrupt(&apic), 0xef);
	assert_true(reg_bit(LAPIC_IRR, 0x45));
	assert_false(reg_bit(LAPIC_ISR, 0x45));
}

static void test_software_disable(void **state)
{
	(void)state;
	apic_w(LAPIC_LVT_TIMER, 0x30);
	apic_w(LAPIC_SVR, 0xff); /* software disable */
	assert_int_equal(apic_r(LAPIC_LVT_TIMER), 0x10030);
	apic_w(LAPIC_LVT_ERROR, 0x33); /* masks cannot be cleared */
	assert_int_equal(apic_r(LAPIC_LVT_ERROR), 0x10033);
	fixed(0x50, 0);
	assert_false(reg_bit(LAPIC_IRR, 0x50));
	assert_false(lapic_has_interrupt(&apic));
	/* INIT still gets through (SDM 10.4.7.2) */
	lapic_deliver(&apic, LAPIC_DM_INIT, 0, 0);
	assert_true(lapic_take_init(&apic));
	apic_w(LAPIC_SVR, 0x1ff);
	fixed(0x50, 0);
	assert_int_equal(lapic_get_interrupt(&apic), 0x50);
}

static void test_timer_oneshot(void **state)
{
	(void)state;
	apic_w(LAPIC_TDCR, 0xb); /* divide by 1: 1 tick per ns */
	apic_w(LAPIC_LVT_TIMER, 0x31);
	apic_w(LAPIC_TMICT, 1000);
	assert_int_equal(apic_r(LAPIC_TMICT), 1000);
	assert_int_equal(apic_r(LAPIC_TMCCT), 1000);
	clock_step(400);
	assert_int_equal(apic_r(LAPIC_TMCCT), 600);
	assert_false(reg_bit(LAPIC_IRR, 0x31));
	clock_step(599);
	assert_false(reg_bit(LAPIC_IRR, 0x31));
	clock_step(1);
	assert_true(reg_bit(LAPIC_IRR, 0x31));
	assert_int_equal(apic_r(LAPIC_TMCCT), 0);
	clock_step(10000);
	assert_int_equal(apic.timer_fired, 1);
}

/* On a slow host the clock moves between the TMICT write and the arming:
 * a short count that has run out by then still fires, once. */
static void test_timer_oneshot_short_count_slow_host(void **state)
{
	(void)state;
	apic_w(LAPIC_TDCR, 0xb); /* divide by 1 */
	apic_w(LAPIC_LVT_TIMER, 0x31);
	fake->ns_per_read = 500; /* each clock read: 500 ns later */
	apic_w(LAPIC_TMICT, 62);
	fake->ns_per_read = 0;
	clock_step(1);
	assert_int_equal(apic.timer_fired, 1);
	assert_true(reg_bit(LAPIC_IRR, 0x31));
	apic_w(LAPIC_TDCR, 0x0); /* a later divide change does not fire it again */
	clock_step(100000);
	assert_int_equal(apic.timer_fired, 1);
	apic_w(LAPIC_TMICT, 62); /* a new count fires again */
	clock_step(62);
	assert_int_equal(apic.timer_fired, 1);
	clock_step(62);
	assert_int_equal(apic.timer_fired, 2);
}

/* Periodic to one-shot mid-count: it fires at the end of the current
 * period and then stops (SDM Vol. 3A 10.5.4). */
static void test_timer_periodic_to_oneshot(void **state)
{
	(void)state;
	apic_w(LAPIC_TDCR, 0xb);
	apic_w(LAPIC_LVT_TIMER, 0x20031);
	apic_w(LAPIC_TMICT, 1000);
	clock_step(2300); /* two fires, 300 into the third period */
	assert_int_equal(apic.timer_fired, 2);
	apic_w(LAPIC_LVT_TIMER, 0x31);
	assert_int_equal(apic_r(LAPIC_TMCCT), 700);
	clock_step(699);
	assert_int_equal(apic.timer_fired, 2);
	clock_step(1);
	assert_int_equal(apic.timer_fired, 3);
	clock_step(5000);
	assert_int_equal(apic.timer_fired, 3);
}

static void test_timer_periodic(void **state)
{
	(void)state;
	apic_w(LAPIC_TDCR, 0x0); /* divide by 2 */
	apic_w(LAPIC_LVT_TIMER, 0x20032); /* periodic */
	apic_w(LAPIC_TMICT, 500);         /* 1000 ns period */
	clock_step(999);
	assert_int_equal(apic.timer_fired, 0);
	clock_step(1);
	assert_int_equal(apic.timer_fired, 1);
	assert_int_equal(lapic_get_interrupt(&apic), 0x32);
	apic_w(LAPIC_EOI, 0);
	clock_step(1500);
	assert_int_equal(apic.timer_fired, 2);
	/* 2500 ns = 1250 ticks: 250 into the third period */
	assert_int_equal(apic_r(LAPIC_TMCCT), 250);
	apic_w(LAPIC_TMICT, 0); /* stops it */
	clock_step(5000);
	assert_int_equal(apic.timer_fired, 2);
	assert_int_equal(apic_r(LAPIC_TMCCT), 0);
}

static void test_timer_divide(void **state)
{
	(void)state;
	apic_w(LAPIC_LVT_TIMER, 0x10033);
	apic_w(LAPIC_TDCR, 0x3); /* 16 */
	apic_w(LAPIC_TMICT, 100);
	clock_step(160);
	assert_int_equal(apic_r(LAPIC_TMCCT), 90);
	apic_w(LAPIC_TDCR, 0xa); /* 128 */
	apic_w(LAPIC_TMICT, 100);
	clock_step(128 * 7 + 127);
	assert_int_equal(apic_r(LAPIC_TMCCT), 93);
	assert_int_equal(apic_r(LAPIC_TDCR), 0xa);
	apic_w(LAPIC_TDCR, 0x8); /* 32 */
	apic_w(LAPIC_TMICT, 10);
	assert_int_equal(timerq_next_deadline(&fe.tq), fe.now + 320);
	apic_w(LAPIC_TDCR, 0xff); /* only bits 3,1:0 exist */
	assert_int_equal(apic_r(LAPIC_TDCR), 0xb);
}

static void test_timer_masked_counts(void **state)
{
	(void)state;
	apic_w(LAPIC_TDCR, 0xb);
	apic_w(LAPIC_LVT_TIMER, 0x10034);
	apic_w(LAPIC_TMICT, 50);
	clock_step(100);
	assert_int_equal(apic_r(LAPIC_TMCCT), 0);
	assert_false(reg_bit(LAPIC_IRR, 0x34));
	assert_int_equal(apic.timer_fired, 1);
}

static void test_tsc_deadline(void **state)
{
	uint64_t v;

	(void)state;
	/* outside TSC-deadline mode the MSR reads 0 and ignores writes */
	assert_int_equal(lapic_msr_write(&apic, LAPIC_MSR_TSC_DEADLINE, 5000),
			 LAPIC_OK);
	assert_int_equal(lapic_msr_read(&apic, LAPIC_MSR_TSC_DEADLINE, &v), 0);
	assert_int_equal(v, 0);
	apic_w(LAPIC_LVT_TIMER, 0x40040); /* TSC-deadline */
	apic_w(LAPIC_TMICT, 77);          /* ignored in this mode */
	assert_int_equal(apic_r(LAPIC_TMICT), 0);
	/* TSC runs at 1 GHz from VM clock 0: now is TSC 1000 */
	lapic_msr_write(&apic, LAPIC_MSR_TSC_DEADLINE, 6000);
	lapic_msr_read(&apic, LAPIC_MSR_TSC_DEADLINE, &v);
	assert_int_equal(v, 6000);
	clock_step(4999);
	assert_false(reg_bit(LAPIC_IRR, 0x40));
	clock_step(1);
	assert_true(reg_bit(LAPIC_IRR, 0x40));
	lapic_msr_read(&apic, LAPIC_MSR_TSC_DEADLINE, &v);
	assert_int_equal(v, 0); /* disarmed itself */
	assert_int_equal(apic_r(LAPIC_TMCCT), 0);
	/* a deadline in the past fires at once */
	lapic_get_interrupt(&apic);
	apic_w(LAPIC_EOI, 0);
	lapic_msr_write(&apic, LAPIC_MSR_TSC_DEADLINE, 10);
	assert_true(reg_bit(LAPIC_IRR, 0x40));
}

static void test_tsc_mode_switch_disarms(void **state)
{
	(void)state;
	apic_w(LAPIC_LVT_TIMER, 0x40041);
	lapic_msr_write(&apic, LAPIC_MSR_TSC_DEADLINE, fe.now + 100);
	apic_w(LAPIC_LVT_TIMER, 0x41); /* back to one-shot */
	clock_step(1000);
	assert_int_equal(apic.timer_fired, 0);
	/* and one-shot -> TSC-deadline forgets the initial count */
	apic_w(LAPIC_TMICT, 500);
	apic_w(LAPIC_LVT_TIMER, 0x40041);
	clock_step(1000);
	assert_int_equal(apic.timer_fired, 0);
	assert_int_equal(apic_r(LAPIC_TMICT), 0);
}

static void test_apic_base_transitions(void **state)
{
	uint64_t b;

	(void)state;
	/* EXTD without EN, and reserved bits, are refused */
	assert_int_equal(lapic_msr_write(&apic, LAPIC_MSR_APIC_BASE,
					 0xfee00400ULL), LAPIC_GP);
	assert_int_equal(lapic_msr_write(&apic, LAPIC_MSR_APIC_BASE,
					 0xfee00a00ULL), LAPIC_GP);
	/* x2APIC MSRs #GP in xAPIC mode */
	assert_int_equal(lapic_msr_read(&apic, 0x802, &b), LAPIC_GP);
	x2apic_on(&apic);
	assert_true(lapic_x2apic_mode(&apic));
	assert_false(lapic_mmio_claims(&apic, BASE + LAPIC_ID));
	/* x2APIC -> xAPIC directly is illegal */
	assert_int_equal(lapic_msr_write(&apic, LAPIC_MSR_APIC_BASE,
					 0xfee00900ULL), LAPIC_GP);
	/* x2APIC -> disabled is fine, disabled -> x2APIC is not */
	assert_int_equal(lapic_msr_write(&apic, LAPIC_MSR_APIC_BASE,
					 0xfee00000ULL), LAPIC_OK);
	assert_false(lapic_hw_enabled(&apic));
	assert_true(lapic_accept_pic_intr(&apic));
	assert_int_equal(lapic_msr_write(&apic, LAPIC_MSR_APIC_BASE,
					 0xfee00c00ULL), LAPIC_GP);
	/* BSP is read-only; the base moves */
	assert_int_equal(lapic_msr_write(&apic, LAPIC_MSR_APIC_BASE,
					 0xfed00800ULL), LAPIC_OK);
	lapic_msr_read(&apic, LAPIC_MSR_APIC_BASE, &b);
	assert_int_equal(b, 0xfed00900ULL);
	assert_true(lapic_mmio_claims(&apic, 0xfed00fffULL));
	assert_false(lapic_mmio_claims(&apic, BASE));
}

static void test_x2apic_registers(void **state)
{
	struct lapic b;
	const struct lapic_config cfg = { .apic_id = 0x125 };
	uint64_t v;

	(void)state;
	lapic_init(&b, &fe.env, &cfg);
	assert_int_equal(lapic_mmio_read(&b, LAPIC_ID, 4), 0x25000000);
	x2apic_on(&b);
	assert_int_equal(lapic_msr_read(&b, 0x802, &v), LAPIC_OK);
	assert_int_equal(v, 0x125); /* full 32-bit ID */
	assert_int_equal(lapic_msr_read(&b, 0x80d, &v), LAPIC_OK);
	assert_int_equal(v, (0x12u << 16) | (1u << 5)); /* derived LDR */
	assert_int_equal(lapic_msr_read(&b, 0x803, &v), LAPIC_OK);
	assert_int_equal(v, 0x00050014);
	/* read-only, write-only and missing registers #GP */
	assert_int_equal(lapic_msr_write(&b, 0x802, 1), LAPIC_GP);
	assert_int_equal(lapic_msr_write(&b, 0x80d, 1), LAPIC_GP);
	assert_int_equal(lapic_msr_write(&b, 0x80a, 0), LAPIC_GP);
	assert_int_equal(lapic_msr_read(&b, 0x80b, &v), LAPIC_GP);
	assert_int_equal(lapic_msr_read(&b, 0x83f, &v), LAPIC_GP);
	assert_int_equal(lapic_msr_read(&b, 0x80e, &v), LAPIC_GP); /* DFR */
	assert_int_equal(lapic_msr_read(&b, 0x831, &v), LAPIC_GP); /* ICR2 */
	assert_int_equal(lapic_msr_read(&b, 0x809, &v), LAPIC_GP); /* APR */
	assert_int_equal(lapic_msr_read(&b, 0x8ff, &v), LAPIC_GP);
	/* reserved bits: EOI takes only 0, TPR only 8 bits, no high half */
	assert_int_equal(lapic_msr_write(&b, 0x80b, 1), LAPIC_GP);
	assert_int_equal(lapic_msr_write(&b, 0x808, 0x100), LAPIC_GP);
	assert_int_equal(lapic_msr_write(&b, 0x80f, 1ULL << 32), LAPIC_GP);
	assert_int_equal(lapic_msr_write(&b, 0x808, 0x20), LAPIC_OK);
	assert_int_equal(lapic_msr_read(&b, 0x80a, &v), LAPIC_OK);
	assert_int_equal(v, 0x20); /* PPR */
	/* the MMIO page no longer answers */
	assert_int_equal(lapic_mmio_read(&b, LAPIC_TPR, 4), 0);
}

static void test_x2apic_icr_and_self_ipi(void **state)
{
	uint64_t v;

	(void)state;
	x2apic_on(&apic);
	assert_int_equal(lapic_msr_write(&apic, 0x830,
					 (0x1234ULL << 32) | 0x4031), LAPIC_OK);
	assert_int_equal(nipis, 1);
	assert_int_equal(ipis[0].dest, 0x1234); /* 32-bit destination */
	assert_int_equal(ipis[0].vector, 0x31);
	assert_int_equal(ipis[0].mode, LAPIC_DM_FIXED);
	assert_int_equal(lapic_msr_read(&apic, 0x830, &v), LAPIC_OK);
	assert_int_equal(v, (0x1234ULL << 32) | 0x4031);
	/* SELF IPI: straight into this IRR, no message */
	assert_int_equal(lapic_msr_write(&apic, 0x83f, 0x55), LAPIC_OK);
	assert_int_equal(nipis, 1);
	assert_int_equal(lapic_msr_read(&apic, 0x820 + (0x55 >> 5), &v), 0);
	assert_true(v & (1u << (0x55 & 31)));
	assert_int_equal(lapic_get_interrupt(&apic), 0x55);
	assert_int_equal(lapic_msr_write(&apic, 0x80b, 0), LAPIC_OK);
	assert_int_equal(lapic_msr_read(&apic, 0x810 + 2, &v), 0);
	assert_int_equal(v, 0);
}

static void test_icr_ipis_and_shorthands(void **state)
{
	(void)state;
	apic_w(LAPIC_ICR2, 0x02000000);
	apic_w(LAPIC_ICR, 0x000040f0); /* fixed 0xf0 to APIC 2 */
	assert_int_equal(nipis, 1);
	assert_int_equal(ipis[0].dest, 2);
	assert_int_equal(ipis[0].dest_mode, 0);
	assert_int_equal(ipis[0].shorthand, LAPIC_SH_NONE);
	assert_int_equal(ipis[0].vector, 0xf0);
	assert_int_equal(apic_r(LAPIC_ICR) & 0x1000, 0); /* idle */
	assert_int_equal(apic_r(LAPIC_ICR2), 0x02000000);
	apic_w(LAPIC_ICR, 0x000c4041); /* all excluding self */
	assert_int_equal(ipis[1].shorthand, LAPIC_SH_OTHERS);
	apic_w(LAPIC_ICR, 0x00084042); /* all including self */
	assert_int_equal(ipis[2].shorthand, LAPIC_SH_ALL);
	apic_w(LAPIC_ICR, 0x00044043); /* self */
	assert_int_equal(ipis[3].shorthand, LAPIC_SH_SELF);
	apic_w(LAPIC_ICR, 0x00004c00); /* NMI, logical */
	assert_int_equal(ipis[4].mode, LAPIC_DM_NMI);
	assert_int_equal(ipis[4].dest_mode, 1);
	/* an illegal vector is not sent; ESR says why after a write */
	apic_w(LAPIC_ICR, 0x00004005);
	assert_int_equal(nipis, 5);
	apic_w(LAPIC_ESR, 0);
	assert_int_equal(apic_r(LAPIC_ESR), 0x20);
	apic_w(LAPIC_ESR, 0);
	assert_int_equal(apic_r(LAPIC_ESR), 0);
}

static void test_init_sipi(void **state)
{
	uint8_t vec = 0;

	(void)state;
	apic_w(LAPIC_ICR2, 0x01000000);
	apic_w(LAPIC_ICR, 0x0000c500); /* INIT, level assert */
	apic_w(LAPIC_ICR, 0x00008500); /* INIT level de-assert: nothing */
	apic_w(LAPIC_ICR, 0x0000069a); /* SIPI, vector 0x9a */
	assert_int_equal(nipis, 2);
	assert_int_equal(ipis[0].mode, LAPIC_DM_INIT);
	assert_int_equal(ipis[1].mode, LAPIC_DM_SIPI);
	assert_int_equal(ipis[1].vector, 0x9a);
	/* the receiving side keeps them as events */
	notifies = 0;
	assert_false(lapic_take_init(&apic));
	lapic_deliver(&apic, LAPIC_DM_INIT, 0, 0);
	lapic_deliver(&apic, LAPIC_DM_SIPI, 0x9a, 0);
	assert_int_equal(notifies, 2);
	assert_true(lapic_take_init(&apic));
	assert_false(lapic_take_init(&apic));
	assert_true(lapic_take_sipi(&apic, &vec));
	assert_int_equal(vec, 0x9a);
	assert_false(lapic_take_sipi(&apic, &vec));
	lapic_deliver(&apic, LAPIC_DM_NMI, 0, 0);
	assert_true(lapic_take_nmi(&apic));
	assert_false(lapic_take_nmi(&apic));
}

static void test_init_reset(void **state)
{
	uint64_t b;

	(void)state;
	apic_w(LAPIC_ID, 0x07000000);
	apic_w(LAPIC_TPR, 0x30);
	apic_w(LAPIC_TMICT, 100);
	fixed(0x90, 0);
	lapic_init_reset(&apic);
	assert_int_equal(apic_r(LAPIC_ID), 0x07000000); /* kept */
	lapic_msr_read(&apic, LAPIC_MSR_APIC_BASE, &b);
	assert_int_equal(b, 0xfee00900ULL);
	assert_int_equal(apic_r(LAPIC_TPR), 0);
	assert_int_equal(apic_r(LAPIC_SVR), 0xff);
	assert_int_equal(apic_r(LAPIC_LVT_LINT0), 0x10000);
	assert_false(reg_bit(LAPIC_IRR, 0x90));
	assert_int_equal(timerq_next_deadline(&fe.tq), TIMERQ_NEVER);
}

static void test_match_dest(void **state)
{
	struct lapic b;
	const struct lapic_config cfg = { .apic_id = 0x23 };

	(void)state;
	lapic_init(&b, &fe.env, &cfg);
	assert_true(lapic_match_dest(&b, 0x23, 0));
	assert_false(lapic_match_dest(&b, 0x22, 0));
	assert_true(lapic_match_dest(&b, 0xff, 0));
	/* flat logical model */
	lapic_mmio_write(&b, LAPIC_LDR, 4, 0x04000000);
	assert_true(lapic_match_dest(&b, 0x06, 1));
	assert_false(lapic_match_dest(&b, 0x03, 1));
	/* cluster model: cluster 2, member bit 0 */
	lapic_mmio_write(&b, LAPIC_DFR, 4, 0x0fffffff);
	lapic_mmio_write(&b, LAPIC_LDR, 4, 0x21000000);
	assert_true(lapic_match_dest(&b, 0x23, 1));
	assert_false(lapic_match_dest(&b, 0x11, 1));
	/* x2APIC: 32-bit physical, cluster = ID >> 4 */
	x2apic_on(&b);
	assert_true(lapic_match_dest(&b, 0x23, 0));
	assert_true(lapic_match_dest(&b, (2u << 16) | (1u << 3), 1));
	assert_false(lapic_match_dest(&b, (1u << 16) | (1u << 3), 1));
	assert_true(lapic_match_dest(&b, 0xffffffffu, 0));
}

static void test_esr_and_error_lvt(void **state)
{
	(void)state;
	apic_w(LAPIC_LVT_ERROR, 0xfe);
	fixed(0x05, 0); /* illegal vector received */
	assert_false(reg_bit(LAPIC_IRR, 0x05));
	assert_true(reg_bit(LAPIC_IRR, 0xfe)); /* error interrupt */
	assert_int_equal(apic_r(LAPIC_ESR), 0);
	apic_w(LAPIC_ESR, 0);
	assert_int_equal(apic_r(LAPIC_ESR), 0x40);
	apic_r(0x2f0); /* no CMCI register here: illegal address */
	apic_w(LAPIC_ESR, 0);
	assert_int_equal(apic_r(LAPIC_ESR), 0x80);
}

static void test_lint_inputs(void **state)
{
	(void)state;
	assert_true(lapic_accept_pic_intr(&apic));
	apic_w(LAPIC_LVT_LINT0, 0x10700);
	assert_false(lapic_accept_pic_intr(&apic));
	apic_w(LAPIC_LVT_LINT1, 0x400); /* NMI */
	lapic_set_lint(&apic, 1, true);
	assert_true(lapic_take_nmi(&apic));
	lapic_set_lint(&apic, 1, true); /* no new edge */
	assert_false(lapic_take_nmi(&apic));
	/* LINT0 as a fixed level interrupt */
	apic_w(LAPIC_LVT_LINT0, 0x8066);
	lapic_set_lint(&apic, 0, true);
	assert_true(reg_bit(LAPIC_IRR, 0x66));
	assert_true(reg_bit(LAPIC_TMR, 0x66));
	lapic_set_lint(&apic, 0, false);
	assert_false(reg_bit(LAPIC_IRR, 0x66));
}

static void test_mmio_access_rules(void **state)
{
	(void)state;
	apic_w(LAPIC_TPR, 0x12345);
	assert_int_equal(apic_r(LAPIC_TPR), 0x45);
	/* a byte read of the version register; bytes 4-15 read 0 */
	assert_int_equal(bus_read(&mmio, BASE + LAPIC_VER + 2, 1), 0x05);
	assert_int_equal(apic_r(LAPIC_VER + 4), 0);
	/* non-dword writes are dropped */
	bus_write(&mmio, BASE + LAPIC_TPR, 1, 0x77);
	assert_int_equal(apic_r(LAPIC_TPR), 0x45);
	/* PPR, IRR and version are read-only */
	apic_w(LAPIC_PPR, 0xff);
	apic_w(LAPIC_VER, 0);
	assert_int_equal(apic_r(LAPIC_PPR), 0x45);
	assert_int_equal(apic_r(LAPIC_VER), 0x00050014);
	/* a second APIC page on the same bus is refused */
	assert_int_not_equal(lapic_attach(&apic, &mmio), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state, setup),
		cmocka_unit_test_setup(test_priority_and_inta, setup),
		cmocka_unit_test_setup(test_tpr_ppr_cr8, setup),
		cmocka_unit_test_setup(test_tpr_threshold, setup),
		cmocka_unit_test_setup(test_eoi_order_and_broadcast, setup),
		cmocka_unit_test_setup(test_spurious_when_ppr_wins, setup),
		cmocka_unit_test_setup(test_software_disable, setup),
		cmocka_unit_test_setup(test_timer_oneshot, setup),
		cmocka_unit_test_setup(test_timer_oneshot_short_count_slow_host, setup),
		cmocka_unit_test_setup(test_timer_periodic_to_oneshot, setup),
		cmocka_unit_test_setup(test_timer_periodic, setup),
		cmocka_unit_test_setup(test_timer_divide, setup),
		cmocka_unit_test_setup(test_timer_masked_counts, setup),
		cmocka_unit_test_setup(test_tsc_deadline, setup),
		cmocka_unit_test_setup(test_tsc_mode_switch_disarms, setup),
		cmocka_unit_test_setup(test_apic_base_transitions, setup),
		cmocka_unit_test_setup(test_x2apic_registers, setup),
		cmocka_unit_test_setup(test_x2apic_icr_and_self_ipi, setup),
		cmocka_unit_test_setup(test_icr_ipis_and_shorthands, setup),
		cmocka_unit_test_setup(test_init_sipi, setup),
		cmocka_unit_test_setup(test_init_reset, setup),
		cmocka_unit_test_setup(test_match_dest, setup),
		cmocka_unit_test_setup(test_esr_and_error_lvt, setup),
		cmocka_unit_test_setup(test_lint_inputs, setup),
		cmocka_unit_test_setup(test_mmio_access_rules, setup),
	};

	return cmocka_run_group_tests_name("lapic", tests, NULL, NULL);
}
