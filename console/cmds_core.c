/* Core console commands: version, dmesg, reboot, poweroff, debug. */
#include <string.h>
#include "arch/x86_64/power.h"
#include "console/console.h"
#include "console/klog.h"

extern const char keel_version[], keel_git_hash[], keel_build_date[];

static int cmd_version(int argc, char **argv)
{
	kprintf("keel %s (git %s, built %s)\n", keel_version, keel_git_hash, keel_build_date);
	return 0;
}

static int cmd_dmesg(int argc, char **argv)
{
	klog_dump();
	return 0;
}

static int cmd_reboot(int argc, char **argv) { power_reboot(); }
static int cmd_poweroff(int argc, char **argv) { power_off(); }

/* A volatile address keeps the compiler from proving the store undefined. */
static volatile uintptr_t fault_addr = 0x8;

__attribute__((noinline)) int cmd_debug_fault(void)
{
	kprintf("debug: writing to 0x%lx, which keel leaves unmapped\n", (unsigned long)fault_addr);
	*(volatile uint64_t *)fault_addr = 0xdead;
	return 0;
}

static int cmd_debug(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "fault"))
		return cmd_debug_fault();
	kprintf("usage: debug fault   (takes a page fault: tests the panic path)\n");
	return -1;
}

static const struct console_cmd cmds[] = {
	{"version", "", "keel's version, git hash and build date", cmd_version},
	{"dmesg", "", "the boot and kernel log, timestamped", cmd_dmesg},
	{"reboot", "", "reset the machine", cmd_reboot},
	{"poweroff", "", "power the machine off (ACPI S5)", cmd_poweroff},
	{"debug", "fault", "take a deliberate page fault (panic path test)", cmd_debug},
};

void console_cmds_core_register(void)
{
	console_register(cmds, (int)(sizeof(cmds) / sizeof(cmds[0])));
}
