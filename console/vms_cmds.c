/* Console commands for VMs: list, create, start, stop, destroy, reset,
 * pause, resume, console, info vm (vminfo), info sched, log. They run on
 * the console CPU; anything that touches a running VM's devices is posted
 * to the VM's CPU (vms.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "boot/config.h"
#include "console/console.h"
#include "console/klog.h"
#include "console/vms_int.h"
#include "tcg/exec.h"
#include "tcg/tcg.h"
#include "vm/run.h"

#define REPLAY_LINES 24

static struct kvm *vm_arg(int argc, char **argv, const char *usage)
{
	struct kvm *k = vms_find(argc > 1 ? argv[1] : NULL);
	if (!k) {
		if (argc > 1)
			kprintf("no VM named '%s' (see `list`)\n", argv[1]);
		else
			kprintf("usage: %s %s\n", argv[0], usage);
	}
	return k;
}

static uint64_t uptime_s(const struct kvm *k)
{
	return k->state == KVM_RUNNING ? tsc_to_us(rdtsc() - k->start_tsc) / 1000000 : 0;
}

static int cmd_list(int argc, char **argv)
{
	(void)argc, (void)argv;
	if (!nkvms) {
		kprintf("no VMs (add `vm NAME -kernel FILE ... -autostart` lines to keel.cfg, or `create`)\n");
		return 0;
	}
	kprintf("%-12s %-9s %5s %8s %-6s %-5s %9s  %s\n", "NAME", "STATE", "VCPUS", "MEMORY", "ACCEL",
		"CPU", "UPTIME", "NOTE");
	for (int i = 0; i < nkvms; i++) {
		struct kvm *k = kvms[i];
		char cpu[8] = "-";
		if (k->state == KVM_RUNNING || k->state == KVM_STARTING || k->state == KVM_STOPPING)
			snprintf(cpu, sizeof(cpu), "cpu%u", k->cpu);
		kprintf("%-12s %-9s %5u %6lluMi %-6s %-5s %8llus  %s\n", k->name, vms_state_name(k),
			k->cfg.smp, (unsigned long long)k->cfg.ram_mib, k->backend ? k->backend : "-", cpu,
			(unsigned long long)uptime_s(k), k->why);
	}
	return 0;
}

/* `create NAME OPTIONS...`: a keel.cfg vm line typed at the prompt. The
 * console split the line at blanks; join it again and let the keel.cfg
 * parser honour the quotes ("-append \"console=ttyS0 quiet\""). */
static int cmd_create(int argc, char **argv)
{
	if (argc < 2) {
		kprintf("usage: create NAME -kernel FILE [-initrd FILE] [-append \"...\"] [-m MiB] [-smp N] [-autostart]\n");
		return -1;
	}
	char line[CONFIG_MAX_LINE + 1];
	size_t len = (size_t)snprintf(line, sizeof(line), "vm");
	for (int i = 1; i < argc && len < sizeof(line); i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", argv[i]);
	if (len >= sizeof(line)) {
		kprintf("create: the line is longer than %d characters\n", CONFIG_MAX_LINE);
		return -1;
	}
	struct keel_config c;
	char diag[160] = "";
	config_defaults(&c);
	int bad = config_parse(&c, line, len, NULL, NULL);
	if (bad || c.nvms != 1) {
		kprintf("create: cannot parse the line (unbalanced quotes?)\n");
		config_free(&c);
		return -1;
	}
	struct kvm *k = vms_define(c.vms[0].name, c.vms[0].argc, c.vms[0].argv, 0, diag, sizeof(diag));
	config_free(&c);
	if (!k) {
		kprintf("create: %s\n", diag);
		return -1;
	}
	if (k->state == KVM_FAILED) {
		kprintf("created %s, but it cannot start: %s\n", k->name, k->why);
		return -1;
	}
	kprintf("created %s\n", k->name);
	return k->cfg.autostart ? vms_start(k) : 0;
}

static int cmd_start(int argc, char **argv)
{
	struct kvm *k = vm_arg(argc, argv, "NAME");
	return k ? vms_start(k) : -1;
}

static int cmd_stop(int argc, char **argv)
{
	struct kvm *k = vm_arg(argc, argv, "NAME");
	return k ? vms_stop(k) : -1;
}

static int cmd_reset(int argc, char **argv)
{
	struct kvm *k = vm_arg(argc, argv, "NAME");
	return k ? vms_reset(k) : -1;
}

static int cmd_pause(int argc, char **argv)
{
	struct kvm *k = vm_arg(argc, argv, "NAME");
	return k ? vms_pause(k, true) : -1;
}

static int cmd_resume(int argc, char **argv)
{
	struct kvm *k = vm_arg(argc, argv, "NAME");
	return k ? vms_pause(k, false) : -1;
}

static int cmd_destroy(int argc, char **argv)
{
	struct kvm *k = vm_arg(argc, argv, "NAME");
	if (!k)
		return -1;
	char name[sizeof(k->name)];
	snprintf(name, sizeof(name), "%s", k->name);
	if (vms_destroy(k))
		return -1;
	kprintf("destroyed %s\n", name);
	return 0;
}

/* ---- console NAME ---------------------------------------------------------- */

static void attached_input(void *ctx, uint8_t c)
{
	vms_input(ctx, c);
}

static void attached_detach(void *ctx)
{
	struct kvm *k = ctx;
	k->attached = false;
	k->midline = false;
	k->line_len = 0;
	kprintf("\n[detached from %s]\n", k->name);
}

static int cmd_console(int argc, char **argv)
{
	struct kvm *k = vm_arg(argc, argv, "NAME");
	if (!k)
		return -1;
	if (k->state != KVM_RUNNING && k->state != KVM_STARTING) {
		kprintf("%s is %s, not running\n", k->name, vms_state_name(k));
		return -1;
	}
	kprintf("[attached to %s's COM1; Ctrl-] detaches; its last lines follow]\n", k->name);
	char *replay = malloc(OUTRING_SIZE / 2); /* heap: .bss would sit in keel.efi */
	if (replay) {
		kwrite(replay, outring_tail(&k->out, REPLAY_LINES, replay, OUTRING_SIZE / 2));
		free(replay);
	}
	k->attached = true;
	console_attach(attached_input, attached_detach, k);
	return 0;
}

/* `log [NAME]`: keel's own log, or a VM's recent console output. */
static int cmd_log(int argc, char **argv)
{
	if (argc < 2) {
		klog_dump();
		return 0;
	}
	struct kvm *k = vm_arg(argc, argv, "[NAME]");
	if (!k)
		return -1;
	char *out = malloc(OUTRING_SIZE / 2);
	if (!out)
		return -1;
	size_t n = outring_tail(&k->out, 1000, out, OUTRING_SIZE / 2);
	kwrite(out, n);
	if (n && out[n - 1] != '\n')
		kwrite("\n", 1);
	free(out);
	return 0;
}

/* ---- info vm NAME / vminfo NAME -------------------------------------------- */

static const char *const exit_names[VCPU_EXIT_REASONS] = {"none", "io", "mmio", "hlt",
							     "irq-window", "shutdown", "internal"};

static void print_devices(const char *what, const struct bus *b)
{
	kprintf("  %s:", what);
	for (unsigned int i = 0; i < b->count; i++)
		kprintf("%s %s@0x%llx", i ? "," : "", b->ranges[i].name ? b->ranges[i].name : "?",
			(unsigned long long)b->ranges[i].base);
	kprintf("\n");
}

static int info_vm(struct kvm *k);

int vms_info_vm(int argc, char **argv)
{
	struct kvm *k = vm_arg(argc, argv, "NAME");
	if (!k)
		return -1;
	/* Hold the VM: its CPU waits for readers before it frees it. */
	__atomic_add_fetch(&k->readers, 1, __ATOMIC_SEQ_CST);
	int r = info_vm(k);
	__atomic_sub_fetch(&k->readers, 1, __ATOMIC_SEQ_CST);
	return r;
}

static int info_vm(struct kvm *k)
{
	struct vm *vm = __atomic_load_n(&k->vm, __ATOMIC_ACQUIRE);
	struct pc *pc = __atomic_load_n(&k->pc, __ATOMIC_ACQUIRE);
	kprintf("%s: %s on %s, %s\n", k->name, vms_state_name(k), k->backend ? k->backend : "-",
		k->why[0] ? k->why : "ok");
	/* The translator's caches start at 1 MiB each and grow: add what they
	 * grew by since the VM was built and measured. */
	uint64_t over = k->overhead_bytes, caches = vms_tcg_caches(vm);
	if (caches > k->caches_at_start)
		over += caches - k->caches_at_start;
	kprintf("  %u vCPU%s, %llu MiB RAM, memory overhead beyond RAM %llu KiB", k->cfg.smp,
		k->cfg.smp == 1 ? "" : "s", (unsigned long long)k->cfg.ram_mib,
		(unsigned long long)(over >> 10));
	if (caches)
		kprintf(" (translator caches %llu KiB of it)", (unsigned long long)(caches >> 10));
	kprintf("; started %llu time%s\n", (unsigned long long)k->starts, k->starts == 1 ? "" : "s");
	if (k->first_byte_tsc && k->first_byte_tsc > k->start_tsc)
		kprintf("  first COM1 byte %llu us after start\n",
			(unsigned long long)tsc_to_us(k->first_byte_tsc - k->start_tsc));
	kprintf("  scheduler: cpu%d, %llu slices, %llu ms run, %llu wakeups, %llu migrations%s\n",
		k->se.cpu, (unsigned long long)k->se.slices,
		(unsigned long long)(k->se.run_ns / 1000000), (unsigned long long)k->se.wakeups,
		(unsigned long long)k->se.migrations, k->se.pinned ? " (pinned: VT-x)" : "");
	if (!vm) {
		if (k->backend) {
			kprintf("  exits (all vCPUs, last run):");
			for (unsigned int r = 0; r < VCPU_EXIT_REASONS; r++)
				kprintf(" %s=%llu", exit_names[r], (unsigned long long)k->exits_kept[r]);
			kprintf("\n");
		}
		return 0;
	}
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
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
	if (pc) {
		kprintf("  irqs (GSI:raised):");
		for (unsigned int g = 0; g < PC_GSIS; g++)
			if (pc->gsi_raised[g])
				kprintf(" %u:%llu", g, (unsigned long long)pc->gsi_raised[g]);
		kprintf("\n");
		for (unsigned int i = 0; i < vm->nvcpus; i++) {
			struct lapic *l = &pc->lapic[i];
			kprintf("  lapic%u: tpr 0x%x lvt-timer 0x%x initial %u loads %llu fired %llu\n", i,
				l->s.tpr, l->s.lvt[0], l->s.initial_count,
				(unsigned long long)l->timer_loads, (unsigned long long)l->timer_fired);
		}
	}
	print_devices("ports", &vm->pio);
	print_devices("mmio", &vm->mmio);
	kprintf("  unclaimed: pio reads %llu writes %llu, mmio reads %llu writes %llu\n",
		(unsigned long long)vm->pio.unclaimed_reads, (unsigned long long)vm->pio.unclaimed_writes,
		(unsigned long long)vm->mmio.unclaimed_reads,
		(unsigned long long)vm->mmio.unclaimed_writes);
	return 0;
}

static int cmd_vminfo(int argc, char **argv)
{
	return vms_info_vm(argc, argv);
}

/* `info sched`: per CPU its VMs, and per VM where it runs and how much. */
int vms_info_sched(void)
{
	kprintf("%-5s %4s %10s %10s %8s  %s\n", "CPU", "VMS", "BUSY-MS", "PICKS", "", "RUNNING");
	for (unsigned int c = vm_sched.first_cpu; c < vm_sched.ncpus; c++) {
		struct sched_rq *rq = &vm_sched.rq[c];
		struct sched_ent *cur = rq->current;
		kprintf("cpu%-2u %4u %10llu %10llu %8s  %s\n", c, rq->n,
			(unsigned long long)(rq->busy_ns / 1000000), (unsigned long long)rq->picks, "",
			cur ? cur->name : "-");
	}
	kprintf("%-12s %-9s %-5s %8s %10s %8s %6s\n", "VM", "STATE", "CPU", "SLICES", "RUN-MS",
		"WAKEUPS", "MOVES");
	for (int i = 0; i < nkvms; i++) {
		struct kvm *k = kvms[i];
		if (!k->se.run)
			continue;
		static const char *const st[] = {"runnable", "running", "sleeping", "off"};
		kprintf("%-12s %-9s cpu%-2d %8llu %10llu %8llu %6llu\n", k->name, st[k->se.state],
			k->se.cpu, (unsigned long long)k->se.slices,
			(unsigned long long)(k->se.run_ns / 1000000), (unsigned long long)k->se.wakeups,
			(unsigned long long)k->se.migrations);
	}
	return 0;
}

/* Tab completion: VM names after the commands that take one. */
const char *vms_complete_name(int i)
{
	return i < nkvms ? kvms[i]->name : NULL;
}

static const struct console_cmd cmds[] = {
	{"list", "", "the VMs: state, vCPUs, memory, backend, CPU, uptime", cmd_list},
	{"create", "NAME OPTIONS", "define a VM as a keel.cfg vm line does", cmd_create},
	{"start", "NAME", "start a defined, stopped or crashed VM", cmd_start},
	{"stop", "NAME", "power a VM off (its RAM is freed)", cmd_stop},
	{"reset", "NAME", "reset a running VM, or start a crashed one afresh", cmd_reset},
	{"pause", "NAME", "stop running a VM's vCPUs; its clock stops", cmd_pause},
	{"resume", "NAME", "run a paused VM again", cmd_resume},
	{"destroy", "NAME", "stop a VM and forget it", cmd_destroy},
	{"console", "NAME", "attach to a VM's COM1 (Ctrl-] detaches)", cmd_console},
	{"log", "[NAME]", "keel's log, or a VM's recent console output", cmd_log},
	{"vminfo", "NAME", "same as info vm NAME", cmd_vminfo},
};

void vms_cmds_register(void)
{
	console_register(cmds, (int)(sizeof(cmds) / sizeof(cmds[0])));
}
