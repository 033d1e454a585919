/*
 * hw/hw_env.h - the environment a device model reaches the platform through.
 *
 * A device model never calls arch/ or the VM directly. The board (hw/pc.c,
 * or a unit test's fake) fills one struct hw_env per VM and hands a pointer
 * to every device it creates. The environment offers exactly four things:
 *
 *   - IRQ lines: set_irq(irq_opaque, gsi, level). The board routes a GSI to
 *     the PIC pair and the IOAPIC; level 1 means asserted. Devices call it
 *     when their line changes; an edge-triggered input sees a pulse as a
 *     raise followed by a lower.
 *   - the VM clock: clock_ns(clock_opaque), monotonic nanoseconds. It stops
 *     while the VM is paused, so device time is guest time.
 *   - timers: one-shot timers on the VM's timer queue (vm/timerq.h). The
 *     callback runs from timerq_run() on the thread that drives the VM.
 *   - guest physical memory: mem_read/mem_write(mem_opaque, gpa, buf, len)
 *     copy between a host buffer and guest RAM. The implementation checks
 *     the whole range against the VM's RAM and returns 0 or -EFAULT; it
 *     never touches anything outside the VM (DMA by virtio, fw_cfg, ...).
 *
 * Everything is single-threaded per VM: device code and the environment
 * are called from the thread that runs that VM's devices.
 */
#ifndef KEEL_HW_HW_ENV_H
#define KEEL_HW_HW_ENV_H

#include <errno.h>   /* EFAULT */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/timerq.h"

struct hw_env {
	void (*set_irq)(void *irq_opaque, unsigned int gsi, bool level);
	void *irq_opaque;

	uint64_t (*clock_ns)(void *clock_opaque);
	void *clock_opaque;

	struct timerq *timerq;

	int (*mem_read)(void *mem_opaque, uint64_t gpa, void *buf, size_t len);
	int (*mem_write)(void *mem_opaque, uint64_t gpa, const void *buf,
			 size_t len);
	void *mem_opaque;
};

/* ---- IRQ lines ---------------------------------------------------------- */

static inline void hw_irq_set(const struct hw_env *env, unsigned int gsi,
			      bool level)
{
	env->set_irq(env->irq_opaque, gsi, level);
}

static inline void hw_irq_raise(const struct hw_env *env, unsigned int gsi)
{
	hw_irq_set(env, gsi, true);
}

static inline void hw_irq_lower(const struct hw_env *env, unsigned int gsi)
{
	hw_irq_set(env, gsi, false);
}

/* An edge for an edge-triggered input: raise, then lower. */
static inline void hw_irq_pulse(const struct hw_env *env, unsigned int gsi)
{
	hw_irq_set(env, gsi, true);
	hw_irq_set(env, gsi, false);
}

/* ---- clock and timers --------------------------------------------------- */

static inline uint64_t hw_clock_ns(const struct hw_env *env)
{
	return env->clock_ns(env->clock_opaque);
}

static inline void hw_timer_init(struct timerq_timer *t,
				 void (*fn)(void *opaque), void *opaque)
{
	timerq_timer_init(t, fn, opaque);
}

/* Fire fn(opaque) once the VM clock reaches deadline_ns (absolute). */
static inline void hw_timer_arm(const struct hw_env *env, struct timerq_timer *t,
				uint64_t deadline_ns)
{
	timerq_arm(env->timerq, t, deadline_ns);
}

static inline void hw_timer_cancel(const struct hw_env *env,
				   struct timerq_timer *t)
{
	timerq_cancel(env->timerq, t);
}

/*
 * floor(a * b / c) without a 128-bit multiply, for b and c below 2^32 and a
 * result that fits in 64 bits: used to turn nanoseconds into ticks of a
 * chip's crystal (1.193182 MHz, 32.768 kHz, ...) and back.
 */
static inline uint64_t hw_muldiv64(uint64_t a, uint32_t b, uint32_t c)
{
	return (a / c) * b + (a % c) * b / c;
}

/* The same, rounded up: the first nanosecond at which a tick has happened. */
static inline uint64_t hw_muldiv64_ceil(uint64_t a, uint32_t b, uint32_t c)
{
	return (a / c) * b + ((a % c) * b + c - 1) / c;
}

/* ---- guest memory (DMA) ------------------------------------------------- */

static inline int hw_mem_read(const struct hw_env *env, uint64_t gpa,
			      void *buf, size_t len)
{
	if (len && gpa + (len - 1) < gpa)
		return -EFAULT;
	return env->mem_read(env->mem_opaque, gpa, buf, len);
}

static inline int hw_mem_write(const struct hw_env *env, uint64_t gpa,
			       const void *buf, size_t len)
{
	if (len && gpa + (len - 1) < gpa)
		return -EFAULT;
	return env->mem_write(env->mem_opaque, gpa, buf, len);
}

#endif
