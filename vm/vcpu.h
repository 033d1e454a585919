/*
 * vm/vcpu.h - the one interface both CPU backends implement.
 *
 * vmx/ (VT-x) and tcg/ (the translator) each export a const struct
 * vcpu_ops. run() executes guest code until something needs the engine and
 * returns a normalised exit; vm/run.c handles every exit the same way
 * whichever backend produced it, so devices never know which one runs.
 *
 * I/O and MMIO exits follow KVM's convention: for a read, the run loop puts
 * the value in exit->io.data / exit->mmio.data and the next run() completes
 * the instruction with it. A backend may also call vm_pio_read() & co.
 * directly (the translator does, for speed); both paths reach the same bus.
 */
#ifndef KEEL_VM_VCPU_H
#define KEEL_VM_VCPU_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;
struct lapic;

enum vcpu_exit_reason {
	VCPU_EXIT_NONE,           /* time slice over or kicked: nothing to do */
	VCPU_EXIT_IO,
	VCPU_EXIT_MMIO,
	VCPU_EXIT_HLT,
	VCPU_EXIT_IRQ_WINDOW,     /* the guest can take an interrupt now */
	VCPU_EXIT_SHUTDOWN,       /* triple fault */
	VCPU_EXIT_INTERNAL_ERROR, /* the backend cannot go on */
	VCPU_EXIT_REASONS
};

struct vcpu_exit {
	enum vcpu_exit_reason reason;
	union {
		struct {
			uint16_t port;
			uint8_t size; /* 1, 2 or 4 */
			bool write;
			uint32_t data;
		} io;
		struct {
			uint64_t gpa;
			uint8_t size; /* 1, 2, 4 or 8 */
			bool write;
			uint64_t data;
		} mmio;
		struct {
			char why[96];
			uint64_t rip;   /* linear address of the failing instruction */
			uint8_t bytes[16];
			uint8_t nbytes; /* how many of bytes[] could be read */
		} error; /* SHUTDOWN and INTERNAL_ERROR */
	};
};

struct vcpu_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
};

/* A segment register with its hidden part (SDM Vol. 3A §3.4.3). */
struct vcpu_segment {
	uint64_t base;
	uint32_t limit;
	uint16_t selector;
	uint8_t type, s, dpl, present, avl, l, db, g;
	bool unusable;
};

struct vcpu_dtable {
	uint64_t base;
	uint16_t limit;
};

struct vcpu_sregs {
	struct vcpu_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct vcpu_dtable gdt, idt;
	uint64_t cr0, cr2, cr3, cr4, cr8, efer;
};

/* x87/SSE state in FXSAVE layout (SDM Vol. 1 §10.5.1), plus XCR0. */
struct vcpu_fpu {
	uint8_t fxsave[512] __attribute__((aligned(16)));
	uint64_t xcr0;
};

enum vcpu_event_type { VCPU_EVENT_INTR, VCPU_EVENT_NMI, VCPU_EVENT_EXCEPTION };

struct vcpu_event {
	enum vcpu_event_type type;
	uint8_t vector;
	bool has_error;
	uint32_t error;
};

struct vcpu_ops {
	const char *name; /* "vt-x", "tcg", ... for `info accel` */
	int (*init)(struct vcpu *v);
	void (*destroy)(struct vcpu *v);
	/* Puts the vCPU in the architectural RESET state (SDM Vol. 3A §9.1.1). */
	void (*reset)(struct vcpu *v);
	int (*run)(struct vcpu *v, struct vcpu_exit *exit);
	int (*get_regs)(struct vcpu *v, struct vcpu_regs *r);
	int (*set_regs)(struct vcpu *v, const struct vcpu_regs *r);
	int (*get_sregs)(struct vcpu *v, struct vcpu_sregs *s);
	int (*set_sregs)(struct vcpu *v, const struct vcpu_sregs *s);
	int (*get_fpu)(struct vcpu *v, struct vcpu_fpu *f);
	int (*set_fpu)(struct vcpu *v, const struct vcpu_fpu *f);
	int (*get_msr)(struct vcpu *v, uint32_t msr, uint64_t *val);
	int (*set_msr)(struct vcpu *v, uint32_t msr, uint64_t val);
	/* True when an external interrupt could be delivered now (IF set, no
	 * interrupt shadow, no event already pending). */
	bool (*irq_window_open)(struct vcpu *v);
	/* Ask run() to return VCPU_EXIT_IRQ_WINDOW once the window opens. */
	void (*request_irq_window)(struct vcpu *v);
	/* Optional: may an NMI be injected now (not blocked by an NMI whose
	 * handler has not yet IRETed, nor by MOV SS / STI)? Without it, NMIs
	 * are injected at once. request_nmi_window asks for an exit when it
	 * opens (VT-x NMI-window exiting, SDM Vol. 3C 25.3). */
	bool (*nmi_window_open)(struct vcpu *v);
	void (*request_nmi_window)(struct vcpu *v);
	int (*inject)(struct vcpu *v, const struct vcpu_event *e);
	/* From another thread or an IPI handler: make run() return soon. */
	void (*kick)(struct vcpu *v);
	/* Optional: the vCPU's next run may be on another host CPU. Called on
	 * the CPU it last ran on; drops what the backend keeps there (VT-x:
	 * VMCLEAR, SDM Vol. 3C 24.11.1). */
	void (*release)(struct vcpu *v);
};

enum vcpu_state {
	VCPU_RUNNING,
	VCPU_HALTED,      /* HLT: waits for an interrupt */
	VCPU_WAIT_SIPI,   /* an AP after INIT (SDM Vol. 3A §8.4.4) */
	VCPU_STOPPED,
};

struct vcpu {
	struct vm *vm;
	unsigned int id;
	const struct vcpu_ops *ops;
	void *backend; /* the backend's own state */
	struct lapic *lapic;
	enum vcpu_state state;
	struct vcpu_exit exit; /* kept between run() calls: carries read data back */
	uint64_t exits[VCPU_EXIT_REASONS];
	uint64_t injected, halts;
	bool nmi_held;          /* taken from the LAPIC, waiting for its window */
};

#endif
