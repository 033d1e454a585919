/* The run loop and exit handler: the same for VT-x and the translator. Event
 * priorities follow SDM Vol. 3A §6.9: INIT/SIPI, then NMI, then maskable
 * interrupts, which wait for the interrupt window (IF set, no shadow). */
#include <errno.h>
#include <stdio.h>
#include "vm/run.h"

#define IDLE_POLL_NS 10000000ull /* wake at least every 10 ms when idle */

int vcpu_add(struct vm *vm, const struct vcpu_ops *ops, struct lapic *lapic)
{
	if (vm->nvcpus >= VM_MAX_VCPUS || !ops || !ops->run)
		return -EINVAL;
	struct vcpu *v = &vm->vcpus[vm->nvcpus];
	*v = (struct vcpu){.vm = vm, .id = vm->nvcpus, .ops = ops, .lapic = lapic};
	v->state = v->id == 0 ? VCPU_RUNNING : VCPU_WAIT_SIPI;
	if (ops->init) {
		int r = ops->init(v);
		if (r)
			return r;
	}
	vm->nvcpus++;
	return 0;
}

/* SIPI: the AP starts in real mode at vector << 12 (SDM Vol. 3A §8.4.4.1). */
static void start_ap(struct vcpu *v, uint8_t vector)
{
	struct vcpu_sregs s;
	struct vcpu_regs r;
	if (v->ops->get_sregs(v, &s) || v->ops->get_regs(v, &r))
		return;
	s.cs.selector = (uint16_t)(vector << 8);
	s.cs.base = (uint64_t)vector << 12;
	r.rip = 0;
	v->ops->set_sregs(v, &s);
	v->ops->set_regs(v, &r);
	v->state = VCPU_RUNNING;
}

static void deliver_events(struct vcpu *v)
{
	const struct vm_irq_ops *irq = v->vm->irq;
	uint8_t vec;

	if (!irq)
		return;
	if (irq->take_init && irq->take_init(v)) {
		if (v->ops->reset)
			v->ops->reset(v);
		v->state = VCPU_WAIT_SIPI;
		v->nmi_held = false;
	}
	if (v->state == VCPU_WAIT_SIPI) {
		if (irq->take_sipi && irq->take_sipi(v, &vec))
			start_ap(v, vec);
		return; /* everything else is blocked until SIPI */
	}
	if (!v->nmi_held && irq->take_nmi && irq->take_nmi(v))
		v->nmi_held = true;
	if (v->nmi_held) {
		if (!v->ops->nmi_window_open || v->ops->nmi_window_open(v)) {
			struct vcpu_event e = {.type = VCPU_EVENT_NMI, .vector = 2};
			if (!v->ops->inject(v, &e)) {
				v->nmi_held = false;
				v->state = VCPU_RUNNING;
				v->injected++;
			}
		} else if (v->ops->request_nmi_window) {
			v->ops->request_nmi_window(v);
		}
	}
	if (!irq->pending || !irq->pending(v))
		return;
	if (!v->ops->irq_window_open(v)) {
		v->ops->request_irq_window(v);
		return;
	}
	int vector = irq->ack(v);
	if (vector < 0)
		return;
	struct vcpu_event e = {.type = VCPU_EVENT_INTR, .vector = (uint8_t)vector};
	v->ops->inject(v, &e);
	v->state = VCPU_RUNNING; /* an interrupt ends HLT */
	v->injected++;
}

uint64_t vcpu_mmio(struct vcpu *v, uint64_t gpa, unsigned int size, bool write, uint64_t data)
{
	const struct vm_irq_ops *irq = v->vm->irq;
	if (irq && irq->mmio && irq->mmio(v, gpa, size, write, &data))
		return data; /* the vCPU's own xAPIC page */
	if (write) {
		vm_mmio_write(v->vm, gpa, size, data);
		return data;
	}
	return vm_mmio_read(v->vm, gpa, size);
}

static void handle_mmio(struct vcpu *v, struct vcpu_exit *e)
{
	e->mmio.data = vcpu_mmio(v, e->mmio.gpa, e->mmio.size, e->mmio.write, e->mmio.data);
}

static void describe_error(char *buf, size_t n, const char *what, const struct vcpu_exit *e)
{
	int k = snprintf(buf, n, "%s: %s at rip 0x%llx", what, e->error.why,
			 (unsigned long long)e->error.rip);
	if (e->error.nbytes && k > 0 && (size_t)k < n) {
		k += snprintf(buf + k, n - (size_t)k, ", bytes");
		for (unsigned int i = 0; i < e->error.nbytes && i < 16 && (size_t)k < n; i++)
			k += snprintf(buf + k, n - (size_t)k, " %02x", e->error.bytes[i]);
	}
}

void vcpu_handle_exit(struct vcpu *v, struct vcpu_exit *e)
{
	struct vm *vm = v->vm;
	char why[128];

	if (e->reason < VCPU_EXIT_REASONS)
		v->exits[e->reason]++;
	switch (e->reason) {
	case VCPU_EXIT_IO:
		if (e->io.write)
			vm_pio_write(vm, e->io.port, e->io.size, e->io.data);
		else
			e->io.data = vm_pio_read(vm, e->io.port, e->io.size);
		break;
	case VCPU_EXIT_MMIO:
		handle_mmio(v, e);
		break;
	case VCPU_EXIT_HLT:
		v->state = VCPU_HALTED;
		v->halts++;
		break;
	case VCPU_EXIT_SHUTDOWN:
		/* A triple fault is the guest's problem: reset or stop it, never more. */
		describe_error(why, sizeof(why), "triple fault", e);
		if (vm->on_shutdown == VM_SHUTDOWN_RESET)
			vm_request_reset(vm, why);
		else
			vm_crash(vm, why);
		break;
	case VCPU_EXIT_INTERNAL_ERROR:
		describe_error(why, sizeof(why), "internal error", e);
		vm_crash(vm, why);
		break;
	case VCPU_EXIT_NONE:
	case VCPU_EXIT_IRQ_WINDOW:
		break;
	default:
		snprintf(why, sizeof(why), "unknown exit reason %u", (unsigned int)e->reason);
		vm_crash(vm, why);
	}
}

enum vcpu_step_result vcpu_step(struct vcpu *v)
{
	struct vm *vm = v->vm;

	timerq_run(&vm->timerq, vm_clock_ns(vm));
	if (vm->state != VM_RUNNING)
		return VCPU_STEP_DONE;
	deliver_events(v);
	if (v->state != VCPU_RUNNING)
		return VCPU_STEP_IDLE;
	if (v->ops->run(v, &v->exit)) {
		vm_crash(vm, "the CPU backend failed to run the vCPU");
		return VCPU_STEP_DONE;
	}
	vcpu_handle_exit(v, &v->exit);
	return vm->state == VM_RUNNING ? VCPU_STEP_RAN : VCPU_STEP_DONE;
}

/* Operator requests posted from another thread, acted on here, on the
 * VM's own thread, between vCPU steps. */
static void take_requests(struct vm *vm)
{
	unsigned int req = __atomic_exchange_n(&vm->requests, 0, __ATOMIC_ACQ_REL);

	if (req & VM_REQ_STOP)
		vm_stop(vm, -1, "stopped by the operator");
	if (req & VM_REQ_RESET && (vm->state == VM_RUNNING || vm->state == VM_PAUSED))
		vm_request_reset(vm, "by the operator");
	if (req & VM_REQ_PAUSE)
		vm_pause(vm);
	if (req & VM_REQ_RESUME)
		vm_resume(vm);
}

void vm_release_cpu(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].ops && vm->vcpus[i].ops->release)
			vm->vcpus[i].ops->release(&vm->vcpus[i]);
}

void vm_post(struct vm *vm, unsigned int req)
{
	__atomic_or_fetch(&vm->requests, req, __ATOMIC_ACQ_REL);
	for (unsigned int i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].ops && vm->vcpus[i].ops->kick)
			vm->vcpus[i].ops->kick(&vm->vcpus[i]);
}

enum vm_slice vm_run_slice(struct vm *vm, uint64_t until, uint64_t *wake)
{
	const struct vm_host *h = vm->host;

	if (vm->state == VM_CREATED)
		vm->state = VM_RUNNING;
	*wake = VM_WAKE_NEVER;
	for (;;) {
		take_requests(vm);
		if (vm->state == VM_PAUSED)
			return VM_SLICE_IDLE; /* until a request wakes it */
		if (vm->state != VM_RUNNING)
			return VM_SLICE_DONE;
		bool busy = false;
		for (unsigned int i = 0; i < vm->nvcpus && vm->state == VM_RUNNING; i++)
			busy |= vcpu_step(&vm->vcpus[i]) == VCPU_STEP_RAN;
		if (vm->state != VM_RUNNING)
			continue;
		uint64_t now_host = h->clock_ns(h->opaque);
		if (!busy) {
			/* Everyone is idle: until the next device timer. */
			uint64_t next = timerq_next_deadline(&vm->timerq), now = vm_clock_ns(vm);
			uint64_t sleep = next == TIMERQ_NEVER || next - now > IDLE_POLL_NS ? IDLE_POLL_NS
				       : next > now ? next - now : 0;
			if (sleep) {
				*wake = now_host + sleep;
				return VM_SLICE_IDLE;
			}
		}
		if (now_host >= until)
			return VM_SLICE_BUSY;
	}
}

int vm_run(struct vm *vm)
{
	const struct vm_host *h = vm->host;
	uint64_t wake;

	for (;;) {
		uint64_t now = h->clock_ns(h->opaque);
		enum vm_slice r = vm_run_slice(vm, now + IDLE_POLL_NS, &wake);
		if (r == VM_SLICE_DONE)
			break;
		if (r == VM_SLICE_IDLE && h->wait)
			h->wait(h->opaque, wake == VM_WAKE_NEVER ? h->clock_ns(h->opaque) + IDLE_POLL_NS
								 : wake);
	}
	return vm->exit_status;
}
