/* The VMs of keel.cfg and of `create`: their lifecycle, and the glue
 * between vm/sched.c and the CPUs. Every AP runs the scheduler loop; a
 * started VM is put on the least loaded AP, which builds it there (VT-x
 * when that CPU has it, else the translator, saying why) and then runs it
 * slice by slice with the other VMs on that CPU. A VM on VT-x stays on its
 * CPU (its VMCS lives there); translator VMs may move to an idle CPU.
 * Operator requests reach the VM's CPU through vm_post() and a wake-up;
 * the VM's CPU tears it down when it ends. Guest COM1 output goes to a
 * ring (replayed on attach) and to the console, each line prefixed with
 * the VM's name, unless the operator is attached. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/heap.h"
#include "arch/x86_64/mem.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/spinlock.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/vmhost.h"
#include "console/console.h"
#include "console/klog.h"
#include "console/vms.h"
#include "console/vms_int.h"
#include "vm/run.h"
#include "tcg/exec.h"
#include "tcg/tcg.h"
#include "vmx/vmx.h"

struct kvm *kvms[MAX_VMS];
int nkvms;
struct sched vm_sched;
static struct boot_info *boot;
static volatile uint64_t cpu_kicks[SCHED_MAX_CPUS];
static int cpu_vtx[SCHED_MAX_CPUS]; /* VMXON done on that CPU: 1, refused: -1 */
static char cpu_vtx_why[SCHED_MAX_CPUS][80];

uint64_t vms_now_ns(void)
{
	return keel_vm_host.clock_ns(keel_vm_host.opaque);
}

static uint64_t sched_now(void *o)
{
	(void)o;
	return vms_now_ns();
}

static void sched_kick(void *o, unsigned int cpu)
{
	(void)o;
	__atomic_add_fetch(&cpu_kicks[cpu], 1, __ATOMIC_ACQ_REL);
	if (cpu != cpu_self_index() && cpu < ncpus)
		apic_send_ipi(cpus[cpu].apic_id, APIC_IPI_WAKE_VECTOR);
}

static const struct sched_host sched_host = {.now_ns = sched_now, .kick_cpu = sched_kick};

static const struct boot_file *find_file(const char *path)
{
	for (int i = 0; path && i < boot->nfiles; i++)
		if (!strcmp(boot->files[i].path, path))
			return &boot->files[i];
	return NULL;
}

struct kvm *vms_find(const char *name)
{
	for (int i = 0; name && i < nkvms; i++)
		if (!strcmp(kvms[i]->name, name))
			return kvms[i];
	return NULL;
}

const char *vms_state_name(const struct kvm *k)
{
	static const char *const names[] = {"defined", "starting", "running", "stopping",
					    "stopped", "crashed",  "failed"};
	struct vm *vm = k->vm;
	if (k->state == KVM_RUNNING && vm && vm->state == VM_PAUSED)
		return "paused";
	return names[k->state];
}

/* ---- guest console -------------------------------------------------------- */

#define INPUT_RETRY_NS 1000000ull

/* On the VM's CPU: keystrokes into the UART, as many as its FIFO takes. */
static void drain_input(void *opaque)
{
	struct kvm *k = opaque;
	while (k->in_tail != __atomic_load_n(&k->in_head, __ATOMIC_ACQUIRE)) {
		uint8_t c = k->in_ring[k->in_tail % sizeof(k->in_ring)];
		if (!pc_serial_input(k->pc, &c, 1)) {
			/* the FIFO is full: try again soon */
			hw_timer_arm(&k->vm->env, &k->in_timer, vm_clock_ns(k->vm) + INPUT_RETRY_NS);
			return;
		}
		__atomic_store_n(&k->in_tail, k->in_tail + 1, __ATOMIC_RELEASE);
	}
}

void vms_input(struct kvm *k, uint8_t c)
{
	/* Never drop a keystroke while there is room; the guest drains the
	 * ring at its pace (1 KiB is far more than a pasted command). */
	if (k->in_head - k->in_tail >= sizeof(k->in_ring))
		return;
	k->in_ring[k->in_head % sizeof(k->in_ring)] = c;
	__atomic_store_n(&k->in_head, k->in_head + 1, __ATOMIC_RELEASE);
	if (k->state == KVM_RUNNING)
		sched_wake(&vm_sched, &k->se);
}

/* Detached guests' lines share the console: each line goes out whole with
 * its VM's name in front. A partial line (a shell prompt) goes out when
 * the VM goes idle; if another VM writes before it is finished, the
 * console line is ended there and the rest comes with the name again. */
static struct spinlock lines_lock = SPINLOCK_INIT;
static struct kvm *line_owner; /* whose partial line the console shows */

static void flush_line(struct kvm *k, bool complete)
{
	char prefix[CFG_VM_NAME_MAX + 4];
	uint64_t f = spin_lock_irqsave(&lines_lock);
	if (line_owner && line_owner != k) {
		kwrite("\n", 1);
		line_owner->midline = false;
	}
	if (!k->midline) {
		int n = snprintf(prefix, sizeof(prefix), "[%s] ", k->name);
		kwrite(prefix, (size_t)n);
	}
	kwrite(k->line, k->line_len);
	k->midline = !complete;
	line_owner = complete ? NULL : k;
	k->line_len = 0;
	spin_unlock_irqrestore(&lines_lock, f);
}

static void guest_out(void *opaque, const uint8_t *buf, size_t n)
{
	struct kvm *k = opaque;
	if (!k->first_byte_tsc)
		k->first_byte_tsc = rdtsc();
	outring_write(&k->out, buf, n);
	if (k->attached) {
		kwrite((const char *)buf, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\r')
			continue;
		if (!k->line_len)
			k->line_since = vms_now_ns();
		k->line[k->line_len++] = (char)buf[i];
		if (buf[i] == '\n' || k->line_len == sizeof(k->line))
			flush_line(k, buf[i] == '\n');
	}
}

/* ---- building and tearing down, on the VM's CPU --------------------------- */

static void fail(struct kvm *k, const char *why)
{
	snprintf(k->why, sizeof(k->why), "%s", why);
	k->state = KVM_FAILED;
	klog(LOG_ERR, "vm %s: cannot start: %s", k->name, why);
}

static uint64_t host_bytes_used(void)
{
	struct heap_stats h;
	heap_stats(&h);
	return (frames.total - frames.free) * 4096 + h.in_use;
}

/* The backend this CPU gives its VMs: VT-x once VMXON worked here. */
static const struct vcpu_ops *cpu_backend(uint32_t cpu, char *why, size_t n)
{
	if (!cpu_vtx[cpu]) {
		char w[96];
		cpu_vtx[cpu] = vmx_cpu_enable(w, sizeof(w)) ? -1 : 1;
		snprintf(cpu_vtx_why[cpu], sizeof(cpu_vtx_why[cpu]), "%s", w);
	}
	if (cpu_vtx[cpu] > 0) {
		snprintf(why, n, "VT-x usable on cpu%u", cpu);
		return &vmx_vcpu_ops;
	}
	snprintf(why, n, "VT-x unusable on cpu%u: %s", cpu, cpu_vtx_why[cpu]);
	return &tcg_vcpu_ops;
}

uint64_t vms_tcg_caches(struct vm *vm)
{
	if (!vm || !vm->nvcpus || vm->vcpus[0].ops != &tcg_vcpu_ops)
		return 0;
	struct tcg_stats st;
	tcg_vcpu_stats(&vm->vcpus[0], &st);
	return st.arena_size + st.code_size;
}

static bool build(struct kvm *k)
{
	char why[128];
	const char *load_why = NULL;
	uint64_t before = host_bytes_used();

	const struct vcpu_ops *ops = cpu_backend(k->cpu, k->accel_why, sizeof(k->accel_why));
	if (ops == &tcg_vcpu_ops)
		klog(LOG_INFO, "vm %s: %s; using the translator", k->name, k->accel_why);
	k->backend = ops->name;
	struct vm *vm = calloc(1, sizeof(*vm));
	struct pc *pc = calloc(1, sizeof(*pc));
	if (!vm || !pc || vm_init(vm, k->name, k->cfg.ram_mib << 20, &keel_vm_host)) {
		free(vm);
		free(pc);
		fail(k, "out of memory for the VM or its RAM");
		return false;
	}
	struct pc_config pcfg = {
		.ncpus = k->cfg.smp,
		.cpu_ops = ops,
		.serial_out = guest_out,
		.out_opaque = k,
	};
	int r = pc_init(pc, vm, &pcfg);
	if (!r) {
		const char *append = k->cfg.append ? k->cfg.append : "";
		r = pc_load_multiboot(pc, k->kernel->data, k->kernel->size, append, &load_why);
		if (r == -ENOEXEC)
			r = pc_load_linux(pc, k->kernel->data, k->kernel->size,
					  k->initrd ? k->initrd->data : NULL,
					  k->initrd ? k->initrd->size : 0, append, &load_why);
		if (r)
			snprintf(why, sizeof(why), "loading %s: %s", k->cfg.kernel,
				 load_why ? load_why : "error");
	} else {
		snprintf(why, sizeof(why), "building the pc machine failed (%d)", r);
	}
	if (r) {
		pc_destroy(pc);
		vm_destroy(vm);
		free(pc);
		free(vm);
		fail(k, why);
		return false;
	}
	hw_timer_init(&k->in_timer, drain_input, k);
	k->in_tail = k->in_head; /* keystrokes typed while it was down are stale */
	k->midline = false;
	k->line_len = 0;
	k->why[0] = 0;
	uint64_t after = host_bytes_used(), ram = k->cfg.ram_mib << 20;
	k->overhead_bytes = after > before + ram ? after - before - ram : 0;
	k->caches_at_start = vms_tcg_caches(vm);
	__atomic_store_n(&k->pc, pc, __ATOMIC_RELEASE);
	__atomic_store_n(&k->vm, vm, __ATOMIC_RELEASE);
	k->state = KVM_RUNNING;
	klog(LOG_INFO, "vm %s: running on cpu%u with %s, %u vCPU%s, %llu MiB", k->name, k->cpu,
	     k->backend, k->cfg.smp, k->cfg.smp == 1 ? "" : "s", (unsigned long long)k->cfg.ram_mib);
	return true;
}

static void teardown(struct kvm *k)
{
	struct vm *vm = k->vm;
	struct pc *pc = k->pc;
	console_detach_if(k);
	uint64_t f = spin_lock_irqsave(&lines_lock);
	if (line_owner == k) {
		kwrite("\n", 1);
		line_owner = NULL;
	}
	k->midline = false;
	spin_unlock_irqrestore(&lines_lock, f);
	if (vm->state == VM_CRASHED) {
		snprintf(k->why, sizeof(k->why), "%s", vm->stop_reason);
		k->state = KVM_CRASHED;
		klog(LOG_ERR, "vm %s: crashed: %s", k->name, k->why);
	} else {
		snprintf(k->why, sizeof(k->why), "%s, exit status %d", vm->stop_reason, vm->exit_status);
		k->state = KVM_STOPPED;
		klog(LOG_INFO, "vm %s: stopped: %s", k->name, k->why);
	}
	/* Give its memory back (RAM, the translator's caches) so later VMs
	 * can have it. The console stops looking at k->vm first. */
	for (unsigned int i = 0; i < vm->nvcpus; i++)
		for (unsigned int e = 0; e < VCPU_EXIT_REASONS; e++)
			k->exits_kept[e] += vm->vcpus[i].exits[e];
	__atomic_store_n(&k->vm, NULL, __ATOMIC_SEQ_CST);
	__atomic_store_n(&k->pc, NULL, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&k->readers, __ATOMIC_SEQ_CST))
		cpu_relax(); /* a console command still reads them */
	pc_destroy(pc);
	vm_destroy(vm);
	free(pc);
	free(vm);
}

/* The scheduler's callback: one slice of this VM on this CPU. */
static enum sched_ran run_slice(struct sched_ent *e, uint64_t slice_end, uint64_t *next)
{
	struct kvm *k = e->opaque;
	k->cpu = cpu_self_index();
	if (k->state == KVM_STARTING && !build(k))
		return SCHED_RAN_DONE;
	char w[96];
	if (k->backend == vmx_vcpu_ops.name && cpu_backend(k->cpu, w, sizeof(w)) != &vmx_vcpu_ops)
		vm_crash(k->vm, "moved to a CPU without VT-x"); /* all CPUs match in practice */
	if (k->in_tail != k->in_head)
		drain_input(k);
	uint64_t wake;
	e->pinned = k->backend == vmx_vcpu_ops.name; /* its VMCSs become current here */
	enum vm_slice r = vm_run_slice(k->vm, slice_end, &wake);
	if (r == VM_SLICE_BUSY && e->pinned && sched_should_release(&vm_sched, k->cpu)) {
		/* Another CPU idles while VMs queue here: VMCLEAR so it can move. */
		vm_release_cpu(k->vm);
		e->pinned = false;
	}
	/* A partial line goes out when the VM waits (a prompt) or after 100 ms
	 * (Linux's "CPUs: #1" before a long bring-up). */
	if (k->line_len && (r != VM_SLICE_BUSY || vms_now_ns() - k->line_since > 100000000ull))
		flush_line(k, false);
	switch (r) {
	case VM_SLICE_BUSY:
		return SCHED_RAN_BUSY;
	case VM_SLICE_IDLE:
		*next = wake == VM_WAKE_NEVER ? SCHED_NEVER : wake;
		return SCHED_RAN_IDLE;
	default:
		teardown(k);
		return SCHED_RAN_DONE;
	}
}

/* Every AP: run VMs, or sleep until the earliest one's timer or a kick. */
static void sched_cpu_loop(void *arg)
{
	(void)arg;
	uint32_t cpu = cpu_self_index();
	for (;;) {
		uint64_t kicks = __atomic_load_n(&cpu_kicks[cpu], __ATOMIC_ACQUIRE), until;
		if (sched_step(&vm_sched, cpu, &until))
			continue;
		cli();
		/* HLT unless a kick came in since the pick; the 100 Hz tick
		 * bounds the sleep, so a timer is at most 10 ms late. */
		if (__atomic_load_n(&cpu_kicks[cpu], __ATOMIC_ACQUIRE) == kicks && vms_now_ns() < until)
			sti_hlt();
		else
			sti();
	}
}

/* ---- lifecycle requests (console CPU) ------------------------------------- */

int vms_start(struct kvm *k)
{
	switch (k->state) {
	case KVM_STARTING:
	case KVM_RUNNING:
	case KVM_STOPPING:
		kprintf("%s is already %s\n", k->name, vms_state_name(k));
		return -1;
	default:
		break;
	}
	if (!k->kernel) {
		kprintf("%s cannot start: %s\n", k->name, k->why);
		return -1;
	}
	k->state = KVM_STARTING;
	k->starts++;
	k->first_byte_tsc = 0;
	k->start_tsc = rdtsc(); /* uptime and time to first byte count from here */
	snprintf(k->why, sizeof(k->why), "starting");
	k->se = (struct sched_ent){.name = k->name, .run = run_slice, .opaque = k};
	int cpu = sched_add(&vm_sched, &k->se, -1);
	if (cpu < 0) {
		fail(k, "no CPU to run VMs on: the BSP runs the console, and there is no AP");
		return -1;
	}
	k->cpu = (uint32_t)cpu;
	return 0;
}

static bool is_live(const struct kvm *k)
{
	return k->state == KVM_STARTING || k->state == KVM_RUNNING || k->state == KVM_STOPPING;
}

/* Posts req to a running VM and wakes it; the STARTING case waits first. */
static int post(struct kvm *k, unsigned int req)
{
	for (int i = 0; i < 5000 && k->state == KVM_STARTING; i++)
		tsc_delay_us(1000);
	struct vm *vm = k->vm;
	if (k->state != KVM_RUNNING || !vm) {
		kprintf("%s is %s, not running\n", k->name, vms_state_name(k));
		return -1;
	}
	vm_post(vm, req);
	sched_wake(&vm_sched, &k->se);
	return 0;
}

/* Waits (up to 10 s) for the VM's CPU to finish it. */
static void wait_ended(struct kvm *k)
{
	for (int i = 0; i < 10000 && is_live(k); i++)
		tsc_delay_us(1000);
}

int vms_stop(struct kvm *k)
{
	if (post(k, VM_REQ_STOP))
		return -1;
	k->state = KVM_STOPPING;
	wait_ended(k);
	kprintf("%s: %s\n", k->name, is_live(k) ? "still stopping" : vms_state_name(k));
	return 0;
}

int vms_reset(struct kvm *k)
{
	if (k->state == KVM_RUNNING)
		return post(k, VM_REQ_RESET);
	if (k->state == KVM_CRASHED || k->state == KVM_STOPPED)
		return vms_start(k); /* it was torn down: build it afresh */
	kprintf("%s is %s: nothing to reset\n", k->name, vms_state_name(k));
	return -1;
}

int vms_pause(struct kvm *k, bool pause)
{
	return post(k, pause ? VM_REQ_PAUSE : VM_REQ_RESUME);
}

int vms_destroy(struct kvm *k)
{
	if (is_live(k)) {
		if (k->state != KVM_STOPPING && post(k, VM_REQ_STOP))
			return -1;
		k->state = KVM_STOPPING;
		wait_ended(k);
		if (is_live(k)) {
			kprintf("%s does not stop; not destroyed\n", k->name);
			return -1;
		}
	}
	int i = 0;
	while (i < nkvms && kvms[i] != k)
		i++;
	if (i == nkvms)
		return -1;
	memmove(&kvms[i], &kvms[i + 1], (size_t)(nkvms - i - 1) * sizeof(kvms[0]));
	nkvms--;
	free(k->arg_block);
	free(k->argv);
	free(k);
	return 0;
}

/* ---- definitions ---------------------------------------------------------- */

struct kvm *vms_define(const char *name, int argc, char **argv, int line, char *why, size_t n)
{
	char at[48] = "";
	if (line)
		snprintf(at, sizeof(at), "keel.cfg:%d: ", line);
	if (vms_find(name)) {
		snprintf(why, n, "%svm %s: a VM of that name exists", at, name);
		return NULL;
	}
	if (nkvms >= MAX_VMS) {
		snprintf(why, n, "%svm %s: at most %d VMs", at, name, MAX_VMS);
		return NULL;
	}
	struct kvm *k = calloc(1, sizeof(*k));
	char **copy = calloc((size_t)argc + 1, sizeof(char *));
	size_t bytes = 1;
	for (int i = 0; i < argc; i++)
		bytes += strlen(argv[i]) + 1;
	char *block = malloc(bytes);
	if (!k || !copy || !block) {
		free(k), free(copy), free(block);
		snprintf(why, n, "%svm %s: out of memory", at, name);
		return NULL;
	}
	for (int i = 0, off = 0; i < argc; off += (int)strlen(argv[i]) + 1, i++)
		copy[i] = strcpy(block + off, argv[i]);
	snprintf(k->name, sizeof(k->name), "%s", name);
	char w[128];
	if (vm_config_parse(&k->cfg, argc, copy, w, sizeof(w))) {
		snprintf(why, n, "%svm %s: %s", at, name, w);
		free(block), free(copy), free(k);
		return NULL;
	}
	k->arg_block = block;
	k->argv = copy;
	kvms[nkvms++] = k;
	k->state = KVM_DEFINED;
	if (!k->cfg.kernel) {
		fail(k, "no -kernel (guest firmware is not supported yet)");
		return k;
	}
	k->kernel = find_file(k->cfg.kernel);
	k->initrd = find_file(k->cfg.initrd);
	if (!k->kernel || (k->cfg.initrd && !k->initrd)) {
		snprintf(w, sizeof(w), "'%s' was not loaded at boot (only files a keel.cfg vm line names are)",
			 k->kernel ? k->cfg.initrd : k->cfg.kernel);
		k->kernel = NULL;
		fail(k, w);
	}
	return k;
}

void vms_report_accel(void)
{
	for (int i = 0; i < nkvms; i++) {
		struct kvm *k = kvms[i];
		if (!k->backend) {
			kprintf("vm %s: not running (%s)\n", k->name, k->why);
			continue;
		}
		__atomic_add_fetch(&k->readers, 1, __ATOMIC_SEQ_CST);
		struct vm *vm = __atomic_load_n(&k->vm, __ATOMIC_SEQ_CST);
		if (!vm) /* ended: its vCPUs are gone, the backend is known */
			kprintf("vm %s: %s on cpu%u (%s), %s\n", k->name, k->backend, k->cpu, k->accel_why,
				k->why);
		for (unsigned int j = 0; vm && j < vm->nvcpus; j++)
			kprintf("vm %s vcpu%u: %s on cpu%u (%s)\n", k->name, j, k->backend, k->cpu,
				k->accel_why);
		__atomic_sub_fetch(&k->readers, 1, __ATOMIC_SEQ_CST);
	}
}

void vms_boot(struct boot_info *bi)
{
	boot = bi;
	sched_init(&vm_sched, &sched_host, 1, ncpus);
	for (uint32_t c = 1; c < ncpus && c < SCHED_MAX_CPUS; c++)
		if (cpus[c].state == CPU_ONLINE)
			smp_run_on(c, sched_cpu_loop, NULL);
	vms_cmds_register();
	for (int i = 0; i < bi->cfg.nvms; i++) {
		const struct cfg_vm *c = &bi->cfg.vms[i];
		char why[200];
		struct kvm *k = vms_define(c->name, c->argc, c->argv, c->line, why, sizeof(why));
		if (!k) {
			klog(LOG_ERR, "%s", why);
			continue;
		}
		if (k->state == KVM_FAILED)
			klog(LOG_ERR, "keel.cfg:%d: vm %s: %s", c->line, c->name, k->why);
		else if (k->cfg.autostart)
			vms_start(k);
	}
}
