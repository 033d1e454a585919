/* The VMs of keel.cfg: created at boot, started on a CPU of their own when
 * they carry -autostart, and listed by `list`. Each VM runs its vCPUs on one
 * idle AP with the backend that CPU supports (VT-x today; the translator
 * when tcg/ exists). Guest COM1 output goes to the console, each line
 * prefixed with the VM's name. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/vmhost.h"
#include "boot/bootinfo.h"
#include "console/console.h"
#include "console/klog.h"
#include "console/vms.h"
#include "hw/pc.h"
#include "vm/run.h"
#include "tcg/tcg.h"
#include "vm/vmconfig.h"
#include "vmx/vmx.h"

#define MAX_VMS CONFIG_MAX_VMS

enum kvm_state { KVM_DEFINED, KVM_WAITING, KVM_STARTING, KVM_RUNNING, KVM_STOPPED, KVM_CRASHED,
		 KVM_FAILED };
static const char *const state_names[] = {"defined", "waiting", "starting", "running",
					  "stopped", "crashed", "failed"};

struct kvm {
	char name[CFG_VM_NAME_MAX + 1];
	struct vm_config cfg;
	const struct boot_file *kernel, *initrd;
	volatile enum kvm_state state;
	uint32_t cpu;
	const char *backend;
	char accel_why[96]; /* why this backend */
	uint64_t exits_kept[VCPU_EXIT_REASONS]; /* summed over vCPUs when the VM ended */
	char why[160];
	uint64_t start_tsc;
	bool midline; /* guest output: the last byte was not a newline */
	volatile bool attached; /* the operator is at this VM's COM1 */
	/* Keystrokes for COM1: written by the console CPU, drained by the VM's
	 * CPU from a VM timer (devices are only touched on the VM's thread). */
	uint8_t in_ring[1024];
	volatile uint32_t in_head, in_tail;
	struct timerq_timer in_timer;
	struct vm *vm;
	struct pc *pc;
};

static struct kvm *kvms[MAX_VMS];
static int nkvms;
static struct boot_info *boot;

static const struct boot_file *find_file(const char *path)
{
	for (int i = 0; path && i < boot->nfiles; i++)
		if (!strcmp(boot->files[i].path, path))
			return &boot->files[i];
	return NULL;
}

#define INPUT_POLL_NS 1000000ull

static void drain_input(void *opaque)
{
	struct kvm *k = opaque;
	while (k->in_tail != __atomic_load_n(&k->in_head, __ATOMIC_ACQUIRE)) {
		uint8_t c = k->in_ring[k->in_tail % sizeof(k->in_ring)];
		if (!pc_serial_input(k->pc, &c, 1))
			break; /* the UART's FIFO is full: try again next tick */
		__atomic_store_n(&k->in_tail, k->in_tail + 1, __ATOMIC_RELEASE);
	}
	hw_timer_arm(&k->vm->env, &k->in_timer, vm_clock_ns(k->vm) + INPUT_POLL_NS);
}

static void attached_input(void *ctx, uint8_t c)
{
	struct kvm *k = ctx;
	if (k->in_head - k->in_tail >= sizeof(k->in_ring))
		return; /* the guest is not reading; drop rather than block the console */
	k->in_ring[k->in_head % sizeof(k->in_ring)] = c;
	__atomic_store_n(&k->in_head, k->in_head + 1, __ATOMIC_RELEASE);
}

static void attached_detach(void *ctx)
{
	struct kvm *k = ctx;
	k->attached = false;
	k->midline = false;
	kprintf("\n[detached from %s]\n", k->name);
}

static void guest_out(void *opaque, const uint8_t *buf, size_t n)
{
	struct kvm *k = opaque;
	char line[256];
	if (k->attached) {
		kwrite((const char *)buf, n);
		return;
	}
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		if (!k->midline)
			len += (size_t)snprintf(line + len, sizeof(line) - len, "[%s] ", k->name);
		k->midline = buf[i] != '\n';
		if (buf[i] != '\r')
			line[len++] = (char)buf[i];
		if (len > sizeof(line) - 48 || i + 1 == n) {
			kwrite(line, len);
			len = 0;
		}
	}
}

static void fail(struct kvm *k, const char *why)
{
	snprintf(k->why, sizeof(k->why), "%s", why);
	k->state = KVM_FAILED;
	klog(LOG_ERR, "vm %s: cannot start: %s", k->name, why);
}

/* Runs on the VM's own CPU. */
static void run_vm(struct kvm *k)
{
	char why[128];
	const char *load_why = NULL;

	/* VT-x where this CPU has it, else the translator, saying why. */
	const struct vcpu_ops *ops = &vmx_vcpu_ops;
	if (vmx_cpu_enable(why, sizeof(why))) {
		ops = &tcg_vcpu_ops;
		snprintf(k->accel_why, sizeof(k->accel_why), "VT-x unusable on cpu%u: %s", k->cpu, why);
		klog(LOG_INFO, "vm %s: %s; using the translator", k->name, k->accel_why);
	} else {
		snprintf(k->accel_why, sizeof(k->accel_why), "VT-x usable on cpu%u", k->cpu);
	}
	k->backend = ops->name;
	k->vm = calloc(1, sizeof(*k->vm));
	k->pc = calloc(1, sizeof(*k->pc));
	if (!k->vm || !k->pc || vm_init(k->vm, k->name, k->cfg.ram_mib << 20, &keel_vm_host)) {
		fail(k, "out of memory for the VM or its RAM");
		return;
	}
	struct pc_config pcfg = {
		.ncpus = k->cfg.smp,
		.cpu_ops = ops,
		.serial_out = guest_out,
		.out_opaque = k,
	};
	int r = pc_init(k->pc, k->vm, &pcfg);
	if (r) {
		snprintf(why, sizeof(why), "building the pc machine failed (%d)", r);
		fail(k, why);
		return;
	}
	const char *append = k->cfg.append ? k->cfg.append : "";
	r = pc_load_multiboot(k->pc, k->kernel->data, k->kernel->size, append, &load_why);
	if (r == -ENOEXEC)
		r = pc_load_linux(k->pc, k->kernel->data, k->kernel->size,
				  k->initrd ? k->initrd->data : NULL, k->initrd ? k->initrd->size : 0,
				  append, &load_why);
	if (r) {
		snprintf(why, sizeof(why), "loading %s: %s", k->cfg.kernel, load_why ? load_why : "error");
		fail(k, why);
		return;
	}
	hw_timer_init(&k->in_timer, drain_input, k);
	hw_timer_arm(&k->vm->env, &k->in_timer, INPUT_POLL_NS);
	k->start_tsc = rdtsc();
	k->why[0] = 0;
	k->state = KVM_RUNNING;
	klog(LOG_INFO, "vm %s: running on cpu%u with %s, %u vCPU%s, %llu MiB", k->name, k->cpu,
	     k->backend, k->cfg.smp, k->cfg.smp == 1 ? "" : "s", (unsigned long long)k->cfg.ram_mib);
	int status = vm_run(k->vm);
	console_detach_if(k);
	if (k->midline)
		kwrite("\n", 1), k->midline = false;
	if (k->vm->state == VM_CRASHED) {
		snprintf(k->why, sizeof(k->why), "%s", k->vm->stop_reason);
		k->state = KVM_CRASHED;
		klog(LOG_ERR, "vm %s: crashed: %s", k->name, k->why);
	} else {
		snprintf(k->why, sizeof(k->why), "%s, exit status %d", k->vm->stop_reason, status);
		k->state = KVM_STOPPED;
		klog(LOG_INFO, "vm %s: stopped: %s", k->name, k->why);
	}
	/* Give its memory back (RAM, the translator's caches) so later VMs
	 * can have it. The console stops looking at k->vm first. */
	struct vm *vm = k->vm;
	struct pc *pc = k->pc;
	for (unsigned int i = 0; i < vm->nvcpus; i++)
		for (unsigned int e = 0; e < VCPU_EXIT_REASONS; e++)
			k->exits_kept[e] += vm->vcpus[i].exits[e];
	__atomic_store_n(&k->vm, NULL, __ATOMIC_RELEASE);
	__atomic_store_n(&k->pc, NULL, __ATOMIC_RELEASE);
	pc_destroy(pc);
	vm_destroy(vm);
	free(pc);
	free(vm);
}

/* A VM that found no free CPU at boot waits for one: the CPU whose VM
 * ends takes the next waiting VM itself. */
static struct kvm *claim_waiting(uint32_t cpu)
{
	for (int i = 0; i < nkvms; i++) {
		enum kvm_state w = KVM_WAITING;
		if (__atomic_compare_exchange_n(&kvms[i]->state, &w, KVM_STARTING, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			kvms[i]->cpu = cpu;
			return kvms[i];
		}
	}
	return NULL;
}

static void vm_thread(void *arg)
{
	for (struct kvm *k = arg; k; k = claim_waiting(k->cpu))
		run_vm(k);
}

static int free_cpu(void)
{
	for (uint32_t i = 1; i < ncpus; i++) {
		bool used = false;
		for (int j = 0; j < nkvms; j++)
			used |= kvms[j]->cpu == i && (kvms[j]->state == KVM_STARTING ||
						     kvms[j]->state == KVM_RUNNING);
		if (!used && cpus[i].state == CPU_ONLINE && !cpus[i].work)
			return (int)i;
	}
	return -1;
}

static void start(struct kvm *k)
{
	int cpu = free_cpu();
	if (cpu < 0 && ncpus > 1) {
		k->state = KVM_WAITING; /* a CPU takes it when its VM ends */
		snprintf(k->why, sizeof(k->why), "waiting for a free CPU");
		return;
	}
	if (cpu < 0) {
		fail(k, "no free CPU: each running VM takes one AP, and the BSP runs the console");
		return;
	}
	k->cpu = (uint32_t)cpu;
	k->state = KVM_STARTING;
	if (smp_run_on(k->cpu, vm_thread, k))
		fail(k, "could not hand the VM to its CPU");
}

static void define(const struct cfg_vm *c)
{
	char why[160];
	struct kvm *k = calloc(1, sizeof(*k));
	if (!k || nkvms >= MAX_VMS)
		return;
	snprintf(k->name, sizeof(k->name), "%s", c->name);
	kvms[nkvms++] = k;
	if (vm_config_parse(&k->cfg, c->argc, c->argv, why, sizeof(why))) {
		klog(LOG_ERR, "keel.cfg:%d: vm %s: %s", c->line, c->name, why);
		snprintf(k->why, sizeof(k->why), "bad options: %s", why);
		k->state = KVM_FAILED;
		return;
	}
	if (!k->cfg.kernel) {
		fail(k, "no -kernel (guest firmware is not supported yet)");
		return;
	}
	k->kernel = find_file(k->cfg.kernel);
	k->initrd = find_file(k->cfg.initrd);
	if (!k->kernel || (k->cfg.initrd && !k->initrd)) {
		snprintf(why, sizeof(why), "'%s' was not loaded at boot",
			 k->kernel ? k->cfg.initrd : k->cfg.kernel);
		fail(k, why);
		return;
	}
	if (k->cfg.autostart)
		start(k);
}

static int cmd_list(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (!nkvms) {
		kprintf("no VMs (add `vm NAME -kernel FILE ... -autostart` lines to keel.cfg)\n");
		return 0;
	}
	kprintf("%-12s %-9s %5s %8s %-6s %-5s %9s  %s\n", "NAME", "STATE", "VCPUS", "MEMORY", "ACCEL",
		"CPU", "UPTIME", "NOTE");
	for (int i = 0; i < nkvms; i++) {
		struct kvm *k = kvms[i];
		uint64_t up = k->state == KVM_RUNNING ? tsc_to_us(rdtsc() - k->start_tsc) / 1000000 : 0;
		char cpu[8] = "-";
		if (k->state != KVM_DEFINED && k->state != KVM_FAILED)
			snprintf(cpu, sizeof(cpu), "cpu%u", k->cpu);
		kprintf("%-12s %-9s %5u %6lluMi %-6s %-5s %8llus  %s\n", k->name, state_names[k->state],
			k->cfg.smp, (unsigned long long)k->cfg.ram_mib, k->backend ? k->backend : "-", cpu,
			(unsigned long long)up, k->why);
	}
	return 0;
}

void vms_report_accel(void)
{
	for (int i = 0; i < nkvms; i++) {
		struct kvm *k = kvms[i];
		if (k->state == KVM_FAILED || k->state == KVM_DEFINED) {
			kprintf("vm %s: not running (%s)\n", k->name, k->why);
			continue;
		}
		if (!k->vm) /* ended: its vCPUs are gone, the backend is known */
			kprintf("vm %s: %s on cpu%u (%s), %s\n", k->name, k->backend ? k->backend : "-",
				k->cpu, k->accel_why, k->why);
		for (unsigned int j = 0; k->vm && j < k->vm->nvcpus; j++)
			kprintf("vm %s vcpu%u: %s on cpu%u (%s)\n", k->name, j, k->backend, k->cpu,
				k->accel_why);
	}
}

static const char *const exit_names[VCPU_EXIT_REASONS] = {"none", "io", "mmio", "hlt",
							     "irq-window", "shutdown", "internal"};

static struct kvm *find_vm(const char *name)
{
	for (int i = 0; name && i < nkvms; i++)
		if (!strcmp(kvms[i]->name, name))
			return kvms[i];
	return NULL;
}

static int cmd_console(int argc, char **argv)
{
	struct kvm *k = find_vm(argc > 1 ? argv[1] : NULL);
	if (!k) {
		kprintf("usage: console NAME   (see `list`)\n");
		return -1;
	}
	if (k->state != KVM_RUNNING) {
		kprintf("%s is %s, not running\n", k->name, state_names[k->state]);
		return -1;
	}
	kprintf("[attached to %s's COM1; Ctrl-] detaches]\n", k->name);
	k->attached = true;
	console_attach(attached_input, attached_detach, k);
	return 0;
}

/* `vminfo NAME`: per-vCPU state and exits by reason. */
static int cmd_vminfo(int argc, char **argv)
{
	struct kvm *k = find_vm(argc > 1 ? argv[1] : NULL);
	if (!k) {
		kprintf("usage: vminfo NAME   (see `list`)\n");
		return -1;
	}
	kprintf("%s: %s on %s, %s\n", k->name, state_names[k->state], k->backend ? k->backend : "-",
		k->why[0] ? k->why : "ok");
	if (!k->vm && k->backend) { /* ended: what its vCPUs did, summed */
		kprintf("  exits (all vCPUs):");
		for (unsigned int r = 0; r < VCPU_EXIT_REASONS; r++)
			kprintf(" %s=%llu", exit_names[r], (unsigned long long)k->exits_kept[r]);
		kprintf("\n");
	}
	for (unsigned int i = 0; k->vm && i < k->vm->nvcpus; i++) {
		struct vcpu *v = &k->vm->vcpus[i];
		struct vcpu_regs r = {0};
		if (v->ops && v->ops->get_regs)
			v->ops->get_regs(v, &r);
		kprintf("  vcpu%u state %d rip 0x%llx injected %llu halts %llu exits:", i, v->state,
			(unsigned long long)r.rip, (unsigned long long)v->injected,
			(unsigned long long)v->halts);
		for (int j = 0; j < VCPU_EXIT_REASONS; j++)
			kprintf(" %s=%llu", exit_names[j], (unsigned long long)v->exits[j]);
		kprintf("\n");
	}
	for (unsigned int i = 0; k->pc && k->vm && i < k->vm->nvcpus; i++) {
		struct lapic *l = &k->pc->lapic[i];
		int irr = -1, isr = -1;
		for (int b = 255; b >= 0 && (irr < 0 || isr < 0); b--) {
			if (irr < 0 && (l->s.irr[b / 32] >> (b % 32) & 1))
				irr = b;
			if (isr < 0 && (l->s.isr[b / 32] >> (b % 32) & 1))
				isr = b;
		}
		kprintf("  lapic%u: irr %d isr %d tpr 0x%x lvt-timer 0x%x initial %u loads %llu armed %d fired %llu; "
			"pic intr %d; vm clock %llu, next timer %llu\n", i, irr, isr, l->s.tpr,
			l->s.lvt[0], l->s.initial_count, (unsigned long long)l->timer_loads,
			(int)timerq_armed(&l->timer),
			(unsigned long long)l->timer_fired, (int)k->pc->pic_intr,
			(unsigned long long)vm_clock_ns(k->vm),
			(unsigned long long)timerq_next_deadline(&k->vm->timerq));
	}
	if (k->vm)
		kprintf("  unclaimed: pio reads %llu writes %llu, mmio reads %llu writes %llu\n",
			(unsigned long long)k->vm->pio.unclaimed_reads,
			(unsigned long long)k->vm->pio.unclaimed_writes,
			(unsigned long long)k->vm->mmio.unclaimed_reads,
			(unsigned long long)k->vm->mmio.unclaimed_writes);
	return 0;
}

static const struct console_cmd cmds[] = {
	{"list", "", "the VMs: state, vCPUs, memory, backend, uptime", cmd_list},
	{"vminfo", "NAME", "a VM's vCPUs: state, RIP, exits by reason", cmd_vminfo},
	{"console", "NAME", "attach to a VM's COM1 (Ctrl-] detaches)", cmd_console},
};

void vms_boot(struct boot_info *bi)
{
	boot = bi;
	console_register(cmds, (int)(sizeof(cmds) / sizeof(cmds[0])));
	for (int i = 0; i < bi->cfg.nvms; i++)
		define(&bi->cfg.vms[i]);
}
