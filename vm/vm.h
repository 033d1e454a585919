/*
 * vm/vm.h - one virtual machine: guest RAM, the pc memory map, the port-IO
 * and MMIO buses, the timer queue, the hw_env its devices use, and vCPUs.
 *
 * The engine reaches the platform only through struct vm_host (RAM, clock,
 * waiting, locking), so the same code runs inside keel and in the hosted
 * runner (hosted/), where RAM is mmap'd and the clock is CLOCK_MONOTONIC.
 *
 * The pc memory map (QEMU's pc machine, hw/i386/pc.c):
 *   [0, lowmem)          RAM, except the VGA hole [0xa0000, 0xc0000) which
 *                        is left to the MMIO bus
 *   [lowmem, 4 GiB)      the PCI hole: IOAPIC, LAPIC, firmware ROM (MMIO)
 *   [4 GiB, 4 GiB+high)  the rest of RAM
 * lowmem follows e820_pc_split(): all RAM below 3.5 GiB stays low.
 */
#ifndef KEEL_VM_VM_H
#define KEEL_VM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hw/hw_env.h"
#include "vm/bus.h"
#include "vm/timerq.h"
#include "vm/vcpu.h"

#define VM_MAX_VCPUS 64
#define VM_NAME_MAX 31
#define VM_VGA_HOLE_START 0xa0000ull
#define VM_VGA_HOLE_END 0xc0000ull
#define VM_HIGH_BASE (4ull << 30)

/* How the board's interrupt controllers reach a vCPU (hw/pc.c wires the
 * LAPIC and, through LINT0, the PIC; unit tests plug in a fake). */
struct vm_irq_ops {
	bool (*pending)(struct vcpu *v);          /* a maskable interrupt waits */
	int (*ack)(struct vcpu *v);               /* INTA: the vector, or -1 */
	bool (*take_nmi)(struct vcpu *v);
	bool (*take_init)(struct vcpu *v);
	bool (*take_sipi)(struct vcpu *v, uint8_t *vector);
	/* Per-vCPU MMIO (the xAPIC page): true if it took the access. */
	bool (*mmio)(struct vcpu *v, uint64_t gpa, unsigned int size, bool write, uint64_t *data);
};

/* What the engine needs from whoever hosts it. */
struct vm_host {
	void *(*ram_alloc)(void *opaque, uint64_t bytes); /* zeroed, page aligned */
	void (*ram_free)(void *opaque, void *ram, uint64_t bytes);
	uint64_t (*clock_ns)(void *opaque); /* monotonic host time */
	/* Sleep until deadline_ns (host clock) or a vm_kick(); may return early. */
	void (*wait)(void *opaque, uint64_t deadline_ns);
	void (*kick)(void *opaque);
	/* Writable and executable memory for generated code (the
	 * translator's stubs); may be NULL, then the translator does
	 * without what needs it. */
	void *(*code_alloc)(void *opaque, size_t bytes);
	void (*code_free)(void *opaque, void *code, size_t bytes);
	void *opaque;
};

enum vm_state { VM_CREATED, VM_RUNNING, VM_PAUSED, VM_STOPPED, VM_CRASHED };
enum vm_shutdown_policy { VM_SHUTDOWN_STOP, VM_SHUTDOWN_RESET };
enum { VM_REQ_STOP = 1, VM_REQ_RESET = 2, VM_REQ_PAUSE = 4, VM_REQ_RESUME = 8 };

struct vm {
	char name[VM_NAME_MAX + 1];
	const struct vm_host *host;

	uint64_t ram_size;      /* bytes of guest RAM */
	uint8_t *ram;           /* host mapping: low RAM, then high RAM */
	uint64_t lowmem, highmem;

	struct bus pio, mmio;
	struct timerq timerq;
	struct hw_env env;
	/* GSI routing: the board sets this to reach the PIC pair and IOAPIC. */
	void (*set_irq)(void *board, unsigned int gsi, bool level);
	void *board;
	const struct vm_irq_ops *irq;

	unsigned int nvcpus;
	struct vcpu vcpus[VM_MAX_VCPUS];

	enum vm_state state;
	enum vm_shutdown_policy on_shutdown;
	int exit_status;        /* from isa-debug-exit, or -1 */
	char stop_reason[128];  /* why it stopped or crashed */
	uint64_t resets;
	unsigned int requests;  /* VM_REQ_* posted by other threads (vm_post) */

	uint64_t clock_base;    /* host ns at VM clock 0 */
	uint64_t paused_at;     /* host ns when paused, 0 if running */
	void *tcg; /* the translator's per-VM state (tcg/), or NULL */
	/* Called on a reset request (0xcf9, 0x92, 0xfe, triple fault policy). */
	void (*reset_hook)(struct vm *vm);
};

/* Sets up RAM, buses, timers and hw_env; 0 or -errno (-ENOMEM, -EINVAL). */
int vm_init(struct vm *vm, const char *name, uint64_t ram_bytes, const struct vm_host *host);
void vm_destroy(struct vm *vm);

/* Guest-physical to host address for [gpa, gpa+len) if all of it is RAM,
 * else NULL. Never returns memory outside the VM. */
void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len);
int vm_mem_read(struct vm *vm, uint64_t gpa, void *buf, size_t len);
int vm_mem_write(struct vm *vm, uint64_t gpa, const void *buf, size_t len);

/* The VM clock: guest nanoseconds, stopped while paused. */
uint64_t vm_clock_ns(struct vm *vm);
void vm_pause(struct vm *vm);
void vm_resume(struct vm *vm);

/* Bus access for backends and the exit handler. */
uint32_t vm_pio_read(struct vm *vm, uint16_t port, unsigned int size);
void vm_pio_write(struct vm *vm, uint16_t port, unsigned int size, uint32_t val);
uint64_t vm_mmio_read(struct vm *vm, uint64_t gpa, unsigned int size);
void vm_mmio_write(struct vm *vm, uint64_t gpa, unsigned int size, uint64_t val);

/* Stop (status from isa-debug-exit, or -1) or crash with a reason. */
void vm_stop(struct vm *vm, int status, const char *why);
void vm_crash(struct vm *vm, const char *why);
/* A reset request from the guest: runs reset_hook, resets every vCPU. */
void vm_request_reset(struct vm *vm, const char *why);

#endif
