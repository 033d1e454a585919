/* `info`: what keel knows about the machine. */
#include <string.h>
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/heap.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/mem.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/tsc.h"
#include "console/console.h"
#include "console/klog.h"
#include "console/vms.h"
#include "drivers/uart.h"

static int info_cpus(void)
{
	int online = 0;
	kprintf("%u CPUs; LAPIC in %s mode; TSC %llu MHz\n", ncpus,
		apic_x2apic() ? "x2APIC" : "xAPIC", (unsigned long long)(tsc_hz / 1000000));
	for (uint32_t i = 0; i < ncpus; i++) {
		struct cpu *c = &cpus[i];
		/* Online means it answers an IPI now, not just that it once started. */
		const char *st = c->state != CPU_ONLINE ? (c->state == CPU_FAILED ? "failed" : "offline")
			       : smp_ping(i, 100000) ? "unresponsive"
						     : "online";
		online += !strcmp(st, "online");
		if (c->state == CPU_ONLINE)
			kprintf("cpu%u apic=%u %s vt-x=%s (%s) ticks=%llu\n", i, c->apic_id, st,
				c->vtx_usable ? "yes" : "no", c->vtx_reason,
				(unsigned long long)c->ticks);
		else
			kprintf("cpu%u apic=%u %s vt-x=unknown (CPU not running)\n", i, c->apic_id, st);
	}
	kprintf("%d of %u online\n", online, ncpus);
	return 0;
}

static int info_mem(void)
{
	struct heap_stats h;
	heap_stats(&h);
	uint64_t used = frames.total - frames.free;
	kprintf("frames: total %llu used %llu free %llu (4 KiB)\n", (unsigned long long)frames.total,
		(unsigned long long)used, (unsigned long long)frames.free);
	kprintf("        %llu MiB usable, %llu MiB free; highest address 0x%llx\n",
		(unsigned long long)(frames.total >> 8), (unsigned long long)(frames.free >> 8),
		(unsigned long long)mem_top);
	kprintf("heap: %zu KiB reserved, %zu KiB arena, %zu KiB in use, %zu KiB free in arena\n",
		h.size >> 10, h.arena >> 10, h.in_use >> 10, h.free >> 10);
	kprintf("firmware: %llu KiB kept (runtime services, ACPI, MMIO, reserved)\n",
		(unsigned long long)(mem_reserved_fw >> 10));
	return 0;
}

static int info_acpi(void)
{
	if (!acpi.rsdp) {
		kprintf("no ACPI tables found\n");
		return -1;
	}
	kprintf("RSDP at 0x%llx, revision %d (%s)\n", (unsigned long long)acpi.rsdp, acpi.rev,
		acpi.rev >= 2 ? "XSDT" : "RSDT");
	kprintf("%-4s %-18s %8s %3s %-6s %-8s %s\n", "SIG", "ADDRESS", "LENGTH", "REV", "OEM",
		"TABLE", "CHECKSUM");
	for (int i = 0; i < acpi.ntables; i++) {
		struct acpi_table_info *t = &acpi.tables[i];
		kprintf("%-4s 0x%016llx %8u %3u %-6s %-8s %s\n", t->sig, (unsigned long long)t->addr,
			t->len, t->rev, t->oem_id, t->oem_table, t->csum_ok ? "ok" : "BAD");
	}
	kprintf("MADT: %d CPUs, %d IOAPICs, %d overrides; FADT: PM timer 0x%x, reset %s, S5 %s\n",
		acpi.ncpus, acpi.nioapics, acpi.nisos, acpi.pm_tmr_port,
		acpi.reset_supported ? "register" : "none", acpi.s5_valid ? "found" : "missing");
	return 0;
}

/* Which backend each CPU can give its vCPUs, and which one each vCPU has. */
static int info_accel(void)
{
	for (uint32_t i = 0; i < ncpus; i++) {
		struct cpu *c = &cpus[i];
		if (c->state != CPU_ONLINE)
			continue;
		kprintf("cpu%u: %s (%s)\n", i, c->vtx_usable ? "vt-x" : "translator (tcg)",
			c->vtx_reason);
	}
	vms_report_accel();
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	if (!strcmp(what, "cpus"))
		return info_cpus();
	if (!strcmp(what, "mem"))
		return info_mem();
	if (!strcmp(what, "acpi"))
		return info_acpi();
	if (!strcmp(what, "accel"))
		return info_accel();
	if (!strcmp(what, "vm"))
		return vms_info_vm(argc - 1, argv + 1);
	if (!strcmp(what, "sched"))
		return vms_info_sched();
	kprintf("usage: info cpus|mem|acpi|accel|sched|vm NAME\n");
	return -1;
}

static const struct console_cmd cmds[] = {
	{"info", "cpus|mem|acpi|accel|sched|vm NAME",
	 "CPUs and VT-x, memory, ACPI, backends, scheduler, one VM", cmd_info},
};

void console_cmds_info_register(void) { console_register(cmds, 1); }
