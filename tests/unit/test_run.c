/* vm/ core: struct vm memory map, the run loop and the exit handler, driven
 * by a scripted fake backend and a fake host clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vm/run.h"
#include "vm/vm.h"

/* ---- fake host ---------------------------------------------------------- */
static uint64_t host_now;
static void *h_alloc(void *o, uint64_t n) { (void)o; return calloc(1, n); }
static void h_free(void *o, void *p, uint64_t n) { (void)o; (void)n; free(p); }
static uint64_t h_clock(void *o) { (void)o; return host_now; }
static void h_wait(void *o, uint64_t deadline) { (void)o; if (deadline > host_now) host_now = deadline; }
static const struct vm_host host = {.ram_alloc = h_alloc, .ram_free = h_free, .clock_ns = h_clock, .wait = h_wait};

/* ---- fake backend: replays a script of exits ----------------------------- */
#define SCRIPT_MAX 16
struct fake_cpu {
	struct vcpu_exit script[SCRIPT_MAX];
	int n, pos;
	struct vcpu_regs regs;
	struct vcpu_sregs sregs;
	bool window_open, window_requested;
	bool nmi_open, nmi_requested;
	struct vcpu_event injected[8];
	int ninjected, resets;
	uint32_t last_io_data; /* what the loop handed back for the previous read */
};
static struct fake_cpu fcpu[2];

static int f_init(struct vcpu *v) { v->backend = &fcpu[v->id]; return 0; }
static void f_reset(struct vcpu *v) { ((struct fake_cpu *)v->backend)->resets++; }
static int f_run(struct vcpu *v, struct vcpu_exit *e)
{
	struct fake_cpu *c = v->backend;
	if (e->reason == VCPU_EXIT_IO && !e->io.write)
		c->last_io_data = e->io.data;
	if (c->pos >= c->n)
		*e = (struct vcpu_exit){.reason = VCPU_EXIT_HLT};
	else
		*e = c->script[c->pos++];
	return 0;
}
static int f_get_regs(struct vcpu *v, struct vcpu_regs *r) { *r = ((struct fake_cpu *)v->backend)->regs; return 0; }
static int f_set_regs(struct vcpu *v, const struct vcpu_regs *r) { ((struct fake_cpu *)v->backend)->regs = *r; return 0; }
static int f_get_sregs(struct vcpu *v, struct vcpu_sregs *s) { *s = ((struct fake_cpu *)v->backend)->sregs; return 0; }
static int f_set_sregs(struct vcpu *v, const struct vcpu_sregs *s) { ((struct fake_cpu *)v->backend)->sregs = *s; return 0; }
static bool f_window(struct vcpu *v) { return ((struct fake_cpu *)v->backend)->window_open; }
static void f_req_window(struct vcpu *v) { ((struct fake_cpu *)v->backend)->window_requested = true; }
static bool f_nmi_open(struct vcpu *v) { return ((struct fake_cpu *)v->backend)->nmi_open; }
static void f_req_nmi(struct vcpu *v) { ((struct fake_cpu *)v->backend)->nmi_requested = true; }
static int f_inject(struct vcpu *v, const struct vcpu_event *e)
{
	struct fake_cpu *c = v->backend;
	c->injected[c->ninjected++ % 8] = *e;
	return 0;
}
static const struct vcpu_ops fake_ops = {
	.name = "fake", .init = f_init, .reset = f_reset, .run = f_run,
	.get_regs = f_get_regs, .set_regs = f_set_regs, .get_sregs = f_get_sregs,
	.set_sregs = f_set_sregs, .irq_window_open = f_window,
	.request_irq_window = f_req_window, .inject = f_inject,
};
/* The same, with an NMI window (VT-x's virtual-NMI blocking). */
static struct vcpu_ops fake_ops_nmiw;

/* ---- fake interrupt controller ------------------------------------------ */
static int pending_vector = -1;
static bool nmi, init_sig, sipi;
static uint8_t sipi_vec;
static bool i_pending(struct vcpu *v) { (void)v; return pending_vector >= 0; }
static int i_ack(struct vcpu *v) { (void)v; int r = pending_vector; pending_vector = -1; return r; }
static bool i_nmi(struct vcpu *v) { (void)v; bool r = nmi; nmi = false; return r; }
static bool i_init(struct vcpu *v) { bool r = init_sig && v->id == 1; if (r) init_sig = false; return r; }
static bool i_sipi(struct vcpu *v, uint8_t *vec) { bool r = sipi && v->id == 1; if (r) { sipi = false; *vec = sipi_vec; } return r; }
static bool i_mmio(struct vcpu *v, uint64_t gpa, unsigned int size, bool w, uint64_t *d)
{
	(void)v; (void)size; (void)w;
	if (gpa != 0xfee00030)
		return false;
	*d = 0x50014; /* a version register */
	return true;
}
static const struct vm_irq_ops irq_ops = {i_pending, i_ack, i_nmi, i_init, i_sipi, i_mmio};

/* ---- a port device and a debug-exit ------------------------------------- */
static uint64_t dev_last_write;
static uint64_t dev_read(void *d, uint64_t off, unsigned int size) { (void)d; (void)size; return 0x40 + off; }
static void dev_write(void *d, uint64_t off, unsigned int size, uint64_t v) { (void)d; (void)off; (void)size; dev_last_write = v; }
static const struct bus_ops dev_ops = {.read = dev_read, .write = dev_write};
static void exit_write(void *d, uint64_t off, unsigned int size, uint64_t v)
{
	(void)off; (void)size;
	vm_stop(d, (int)((v << 1) | 1), "debug-exit");
}
static const struct bus_ops exit_ops = {.read = dev_read, .write = exit_write};

static struct vm *new_vm(uint64_t ram)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	memset(fcpu, 0, sizeof(fcpu));
	pending_vector = -1;
	nmi = init_sig = sipi = false;
	assert_int_equal(vm_init(vm, "t", ram, &host), 0);
	vm->irq = &irq_ops;
	assert_int_equal(vcpu_add(vm, &fake_ops, NULL), 0);
	vm->state = VM_RUNNING;
	return vm;
}
static void free_vm(struct vm *vm) { vm_destroy(vm); free(vm); }

static void push(int cpu, struct vcpu_exit e) { fcpu[cpu].script[fcpu[cpu].n++] = e; }

static void test_init_rejects_bad_arguments(void **st)
{
	(void)st;
	struct vm vm;
	assert_int_equal(vm_init(&vm, "x", 1 << 20, &host), -EINVAL);
	assert_int_equal(vm_init(&vm, "x", (64 << 20) + 1, &host), -EINVAL);
	assert_int_equal(vm_init(&vm, "", 64 << 20, &host), -EINVAL);
	assert_int_equal(vm_init(&vm, "a-name-that-is-far-too-long-for-a-vm", 64 << 20, &host), -EINVAL);
}

static void test_memory_map_holes(void **st)
{
	(void)st;
	struct vm *vm = new_vm(64ull << 20);
	assert_ptr_equal(vm_gpa_to_hva(vm, 0x1000, 16), vm->ram + 0x1000);
	assert_null(vm_gpa_to_hva(vm, 0xa0000, 1));            /* VGA hole */
	assert_null(vm_gpa_to_hva(vm, 0x9ffff, 2));            /* straddles it */
	assert_non_null(vm_gpa_to_hva(vm, 0xc0000, 1));        /* BIOS area is RAM */
	assert_non_null(vm_gpa_to_hva(vm, (64ull << 20) - 8, 8));
	assert_null(vm_gpa_to_hva(vm, (64ull << 20) - 8, 9));  /* past the end */
	assert_null(vm_gpa_to_hva(vm, 0xfee00000, 4));         /* PCI hole */
	assert_null(vm_gpa_to_hva(vm, UINT64_MAX - 2, 8));     /* wraps */
	uint8_t b[4] = {1, 2, 3, 4};
	assert_int_equal(vm_mem_write(vm, 0x2000, b, 4), 0);
	assert_int_equal(vm->ram[0x2003], 4);
	assert_int_equal(vm_mem_write(vm, 0xa0000, b, 4), -EFAULT);
	assert_int_equal(vm_mem_read(vm, 0x4000000, b, 1), -EFAULT);
	free_vm(vm);
}

static void test_high_memory_above_4g(void **st)
{
	(void)st;
	struct vm *vm = new_vm(4ull << 30);
	assert_true(vm->lowmem < (4ull << 30));
	assert_int_equal(vm->lowmem + vm->highmem, 4ull << 30);
	assert_ptr_equal(vm_gpa_to_hva(vm, VM_HIGH_BASE, 8), vm->ram + vm->lowmem);
	assert_null(vm_gpa_to_hva(vm, vm->lowmem, 8));       /* start of the PCI hole */
	assert_null(vm_gpa_to_hva(vm, VM_HIGH_BASE + vm->highmem, 1));
	free_vm(vm);
}

static void test_io_exits_reach_the_bus(void **st)
{
	(void)st;
	struct vm *vm = new_vm(16 << 20);
	assert_int_equal(bus_register(&vm->pio, 0x100, 8, &dev_ops, NULL, "dev"), 0);
	push(0, (struct vcpu_exit){.reason = VCPU_EXIT_IO, .io = {0x102, 1, true, 0x5a}});
	push(0, (struct vcpu_exit){.reason = VCPU_EXIT_IO, .io = {0x103, 1, false, 0}});
	push(0, (struct vcpu_exit){.reason = VCPU_EXIT_IO, .io = {0x300, 2, false, 0}});
	push(0, (struct vcpu_exit){.reason = VCPU_EXIT_NONE});
	struct vcpu *v = &vm->vcpus[0];
	assert_int_equal(vcpu_step(v), VCPU_STEP_RAN);
	assert_int_equal(dev_last_write, 0x5a);
	vcpu_step(v);
	vcpu_step(v); /* the backend sees the first read's data now */
	assert_int_equal(fcpu[0].last_io_data, 0x43);
	vcpu_step(v);
	assert_int_equal(fcpu[0].last_io_data, 0xffff); /* unclaimed: all ones */
	assert_int_equal(vm->pio.unclaimed_reads, 1);
	assert_int_equal(v->exits[VCPU_EXIT_IO], 3);
	free_vm(vm);
}

static void test_mmio_exits_and_per_vcpu_page(void **st)
{
	(void)st;
	struct vm *vm = new_vm(16 << 20);
	assert_int_equal(bus_register(&vm->mmio, 0xfed00000, 0x400, &dev_ops, NULL, "hpet"), 0);
	struct vcpu *v = &vm->vcpus[0];
	v->exit = (struct vcpu_exit){.reason = VCPU_EXIT_MMIO, .mmio = {0xfed00010, 4, false, 0}};
	vcpu_handle_exit(v, &v->exit);
	assert_int_equal(v->exit.mmio.data, 0x50);
	v->exit = (struct vcpu_exit){.reason = VCPU_EXIT_MMIO, .mmio = {0xfee00030, 4, false, 0}};
	vcpu_handle_exit(v, &v->exit);
	assert_int_equal(v->exit.mmio.data, 0x50014); /* the LAPIC hook took it */
	v->exit = (struct vcpu_exit){.reason = VCPU_EXIT_MMIO, .mmio = {0xfed00008, 8, true, 0x1234}};
	vcpu_handle_exit(v, &v->exit);
	assert_int_equal(dev_last_write, 0x1234);
	free_vm(vm);
}

static void test_hlt_sleeps_until_an_interrupt(void **st)
{
	(void)st;
	struct vm *vm = new_vm(16 << 20);
	struct vcpu *v = &vm->vcpus[0];
	push(0, (struct vcpu_exit){.reason = VCPU_EXIT_HLT});
	assert_int_equal(vcpu_step(v), VCPU_STEP_RAN);
	assert_int_equal(v->state, VCPU_HALTED);
	assert_int_equal(vcpu_step(v), VCPU_STEP_IDLE);
	pending_vector = 0x30;
	fcpu[0].window_open = true;
	assert_int_equal(vcpu_step(v), VCPU_STEP_RAN);
	assert_int_equal(fcpu[0].ninjected, 1);
	assert_int_equal(fcpu[0].injected[0].type, VCPU_EVENT_INTR);
	assert_int_equal(fcpu[0].injected[0].vector, 0x30);
	free_vm(vm);
}

static void test_closed_window_requests_an_exit(void **st)
{
	(void)st;
	struct vm *vm = new_vm(16 << 20);
	push(0, (struct vcpu_exit){.reason = VCPU_EXIT_IRQ_WINDOW});
	pending_vector = 0x41;
	vcpu_step(&vm->vcpus[0]);
	assert_true(fcpu[0].window_requested);
	assert_int_equal(fcpu[0].ninjected, 0);
	assert_int_equal(pending_vector, 0x41); /* not acknowledged */
	fcpu[0].window_open = true;
	vcpu_step(&vm->vcpus[0]);
	assert_int_equal(fcpu[0].ninjected, 1);
	free_vm(vm);
}

static void test_nmi_wakes_a_halted_vcpu(void **st)
{
	(void)st;
	struct vm *vm = new_vm(16 << 20);
	struct vcpu *v = &vm->vcpus[0];
	v->state = VCPU_HALTED;
	nmi = true;
	assert_int_equal(vcpu_step(v), VCPU_STEP_RAN);
	assert_int_equal(fcpu[0].injected[0].type, VCPU_EVENT_NMI);
	assert_int_equal(fcpu[0].injected[0].vector, 2);
	free_vm(vm);
}

/* An NMI that arrives while the last one is still being handled waits for
 * the NMI window instead of being lost or injected into a blocked vCPU. */
static void test_nmi_waits_for_its_window(void **st)
{
	(void)st;
	fake_ops_nmiw = fake_ops;
	fake_ops_nmiw.nmi_window_open = f_nmi_open;
	fake_ops_nmiw.request_nmi_window = f_req_nmi;
	struct vm *vm = new_vm(16 << 20);
	struct vcpu *v = &vm->vcpus[0];
	v->ops = &fake_ops_nmiw;
	nmi = true;
	vcpu_step(v);
	assert_int_equal(fcpu[0].ninjected, 0);
	assert_true(fcpu[0].nmi_requested);
	assert_false(nmi); /* taken from the LAPIC, held */
	fcpu[0].nmi_open = true;
	vcpu_step(v);
	assert_int_equal(fcpu[0].ninjected, 1);
	assert_int_equal(fcpu[0].injected[0].type, VCPU_EVENT_NMI);
	vcpu_step(v); /* once only */
	assert_int_equal(fcpu[0].ninjected, 1);
	free_vm(vm);
}

static void test_triple_fault_stops_only_this_vm(void **st)
{
	(void)st;
	struct vm *a = new_vm(16 << 20);
	push(0, (struct vcpu_exit){.reason = VCPU_EXIT_SHUTDOWN, .error = {.why = "#DF in #DF", .rip = 0xfff0}});
	assert_int_equal(vcpu_step(&a->vcpus[0]), VCPU_STEP_DONE);
	assert_int_equal(a->state, VM_CRASHED);
	assert_non_null(strstr(a->stop_reason, "triple fault"));
	assert_non_null(strstr(a->stop_reason, "0xfff0"));
	struct vm *b = new_vm(16 << 20);
	push(0, (struct vcpu_exit){.reason = VCPU_EXIT_NONE});
	assert_int_equal(vcpu_step(&b->vcpus[0]), VCPU_STEP_RAN);
	assert_int_equal(b->state, VM_RUNNING);
	free_vm(a);
	free_vm(b);
}

static int hook_calls;
static void hook(struct vm *vm) { (void)vm; hook_calls++; }

static void test_triple_fault_resets_by_policy(void **st)
{
	(void)st;
	struct vm *vm = new_vm(16 << 20);
	vm->on_shutdown = VM_SHUTDOWN_RESET;
	vm->reset_hook = hook;
	hook_calls = 0;
	push(0, (struct vcpu_exit){.reason = VCPU_EXIT_SHUTDOWN, .error = {.why = "x"}});
	assert_int_equal(vcpu_step(&vm->vcpus[0]), VCPU_STEP_RAN);
	assert_int_equal(vm->state, VM_RUNNING);
	assert_int_equal(vm->resets, 1);
	assert_int_equal(fcpu[0].resets, 1);
	assert_int_equal(hook_calls, 1);
	free_vm(vm);
}

static void test_internal_error_names_rip_and_bytes(void **st)
{
	(void)st;
	struct vm *vm = new_vm(16 << 20);
	push(0, (struct vcpu_exit){.reason = VCPU_EXIT_INTERNAL_ERROR,
				    .error = {.why = "cannot translate", .rip = 0x1234,
					      .bytes = {0x0f, 0x0b}, .nbytes = 2}});
	vcpu_step(&vm->vcpus[0]);
	assert_int_equal(vm->state, VM_CRASHED);
	assert_non_null(strstr(vm->stop_reason, "cannot translate"));
	assert_non_null(strstr(vm->stop_reason, "0x1234"));
	assert_non_null(strstr(vm->stop_reason, "0f 0b"));
	free_vm(vm);
}

static void test_vm_run_returns_the_debug_exit_status(void **st)
{
	(void)st;
	struct vm *vm = new_vm(16 << 20);
	assert_int_equal(bus_register(&vm->pio, 0xf4, 4, &exit_ops, vm, "debug-exit"), 0);
	push(0, (struct vcpu_exit){.reason = VCPU_EXIT_NONE});
	push(0, (struct vcpu_exit){.reason = VCPU_EXIT_IO, .io = {0xf4, 1, true, 0x10}});
	assert_int_equal(vm_run(vm), 0x21);
	assert_int_equal(vm->state, VM_STOPPED);
	free_vm(vm);
}

static void test_init_sipi_starts_an_ap(void **st)
{
	(void)st;
	struct vm *vm = new_vm(16 << 20);
	assert_int_equal(vcpu_add(vm, &fake_ops, NULL), 0);
	struct vcpu *ap = &vm->vcpus[1];
	assert_int_equal(ap->state, VCPU_WAIT_SIPI);
	assert_int_equal(vcpu_step(ap), VCPU_STEP_IDLE);
	init_sig = true;
	sipi = true;
	sipi_vec = 0x9a;
	push(1, (struct vcpu_exit){.reason = VCPU_EXIT_NONE});
	assert_int_equal(vcpu_step(ap), VCPU_STEP_RAN);
	assert_int_equal(ap->state, VCPU_RUNNING);
	assert_int_equal(fcpu[1].sregs.cs.selector, 0x9a00);
	assert_int_equal(fcpu[1].sregs.cs.base, 0x9a000);
	assert_int_equal(fcpu[1].regs.rip, 0);
	assert_int_equal(fcpu[1].resets, 1); /* INIT reset the vCPU */
	free_vm(vm);
}

static void test_clock_stops_while_paused(void **st)
{
	(void)st;
	host_now = 1000;
	struct vm *vm = new_vm(16 << 20);
	host_now = 5000;
	assert_int_equal(vm_clock_ns(vm), 4000);
	vm_pause(vm);
	host_now = 9000;
	assert_int_equal(vm_clock_ns(vm), 4000);
	vm_resume(vm);
	host_now = 9500;
	assert_int_equal(vm_clock_ns(vm), 4500);
	free_vm(vm);
}

static int fired;
static void tick(void *o) { (void)o; fired++; }

static void test_idle_vm_sleeps_to_the_next_timer(void **st)
{
	(void)st;
	host_now = 0;
	struct vm *vm = new_vm(16 << 20);
	struct timerq_timer t;
	timerq_timer_init(&t, tick, NULL);
	timerq_arm(&vm->timerq, &t, 3000000); /* 3 ms of VM time */
	fired = 0;
	vm->vcpus[0].state = VCPU_HALTED;
	assert_int_equal(vcpu_step(&vm->vcpus[0]), VCPU_STEP_IDLE);
	assert_int_equal(fired, 0);
	host_now = 3000000;
	vcpu_step(&vm->vcpus[0]);
	assert_int_equal(fired, 1);
	free_vm(vm);
}

static void test_unknown_exit_reason_crashes_the_vm(void **st)
{
	(void)st;
	struct vm *vm = new_vm(16 << 20);
	struct vcpu *v = &vm->vcpus[0];
	v->exit.reason = (enum vcpu_exit_reason)99;
	vcpu_handle_exit(v, &v->exit);
	assert_int_equal(vm->state, VM_CRASHED);
	assert_non_null(strstr(vm->stop_reason, "99"));
	free_vm(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_bad_arguments),
		cmocka_unit_test(test_memory_map_holes),
		cmocka_unit_test(test_high_memory_above_4g),
		cmocka_unit_test(test_io_exits_reach_the_bus),
		cmocka_unit_test(test_mmio_exits_and_per_vcpu_page),
		cmocka_unit_test(test_hlt_sleeps_until_an_interrupt),
		cmocka_unit_test(test_closed_window_requests_an_exit),
		cmocka_unit_test(test_nmi_wakes_a_halted_vcpu),
		cmocka_unit_test(test_nmi_waits_for_its_window),
		cmocka_unit_test(test_triple_fault_stops_only_this_vm),
		cmocka_unit_test(test_triple_fault_resets_by_policy),
		cmocka_unit_test(test_internal_error_names_rip_and_bytes),
		cmocka_unit_test(test_vm_run_returns_the_debug_exit_status),
		cmocka_unit_test(test_init_sipi_starts_an_ap),
		cmocka_unit_test(test_clock_stops_while_paused),
		cmocka_unit_test(test_idle_vm_sleeps_to_the_next_timer),
		cmocka_unit_test(test_unknown_exit_reason_crashes_the_vm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
