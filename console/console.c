/* Console loop: bytes from the UART through the line editor into the
 * command table. The BSP sleeps in HLT between keystrokes. */
#include <stdio.h>
#include <string.h>
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/tsc.h"
#include "boot/bootinfo.h"
#include "console/complete.h"
#include "console/console.h"
#include "console/klog.h"
#include "console/lineedit.h"
#include "console/vms.h"
#include "drivers/uart.h"

#define MAX_CMDS 64
#define MAX_ARGS 32

#define CTRL_RIGHT_BRACKET 0x1d

static const struct console_cmd *table[MAX_CMDS];
static void (*attached_input)(void *ctx, uint8_t c);
static void (*attached_detach)(void *ctx);
static void *attached_ctx;

static volatile bool detach_requested;

void console_detach_if(void *ctx)
{
	if (attached_input && attached_ctx == ctx) {
		detach_requested = true;
		/* wake the console CPU: it detaches and shows the prompt now */
		if (ncpus && cpu_self_index() != 0)
			apic_send_ipi(cpus[0].apic_id, APIC_IPI_WAKE_VECTOR);
	}
}

void console_attach(void (*input)(void *ctx, uint8_t c), void (*detach)(void *ctx), void *ctx)
{
	detach_requested = false;
	attached_ctx = ctx;
	attached_detach = detach;
	attached_input = input;
}
static int ncmds;
struct boot_info *console_bootinfo;

void console_register(const struct console_cmd *cmds, int n)
{
	for (int i = 0; i < n && ncmds < MAX_CMDS; i++)
		table[ncmds++] = &cmds[i];
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("Commands:\n");
	for (int i = 0; i < ncmds; i++) {
		char head[48];
		snprintf(head, sizeof(head), "%s %s", table[i]->name, table[i]->usage);
		kprintf("  %-26s %s\n", head, table[i]->help);
	}
	kprintf("Keys: Backspace, Ctrl-U (clear), Ctrl-C (cancel), Up/Down (history), Left/Right.\n");
	return 0;
}

static const struct console_cmd help_cmd[] = {
	{"help", "", "list the commands", cmd_help},
};

static void run_line(char *line)
{
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	for (char *p = strtok(line, " \t"); p && argc < MAX_ARGS; p = strtok(NULL, " \t"))
		argv[argc++] = p;
	argv[argc] = NULL;
	if (!argc)
		return;
	for (int i = 0; i < ncmds; i++)
		if (!strcmp(argv[0], table[i]->name)) {
			table[i]->fn(argc, argv);
			return;
		}
	kprintf("unknown command '%s'; type 'help' for the list\n", argv[0]);
}

static void out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	kwrite(s, n);
}

static int getc_wait(void)
{
	for (;;) {
		cli();
		int c = uart_getc();
		if (c >= 0 || (attached_input && detach_requested)) {
			sti();
			return c;
		}
		sti_hlt(); /* the UART IRQ, a wake IPI or the timer tick wakes us */
	}
}

static const char *cmd_name(void *ctx, int i)
{
	(void)ctx;
	return i < ncmds ? table[i]->name : NULL;
}

static const char *vm_name(void *ctx, int i)
{
	(void)ctx;
	return vms_complete_name(i);
}

/* Tab: the command name in the first word, a VM name in the second (every
 * command that takes a second word takes a VM, except `info` and `create`,
 * whose second words are completed from their own lists). */
static const char *info_words[] = {"cpus", "mem", "acpi", "accel", "sched", "vm", NULL};
static const char *info_word(void *ctx, int i)
{
	(void)ctx;
	return info_words[i];
}

static void complete(void *ctx, struct ledit *e)
{
	(void)ctx;
	size_t start = e->cur;
	while (start && e->line[start - 1] != ' ')
		start--;
	int word = 0;
	for (size_t i = 0; i < start; i++)
		if (e->line[i] != ' ' && (i == 0 || e->line[i - 1] == ' '))
			word++;
	const char *(*cand)(void *, int) = word == 0 ? cmd_name : vm_name;
	if (word == 1 && !strncmp(e->line, "info ", 5))
		cand = info_word;
	else if ((word == 1 && !strncmp(e->line, "create ", 7)) || word > 2 ||
		 (word == 2 && strncmp(e->line, "info vm ", 8)))
		return;
	char ext[64];
	int n = complete_word(e->line + start, e->cur - start, cand, NULL, ext, sizeof(ext));
	if (ext[0]) {
		ledit_insert(e, ext);
		return;
	}
	if (n < 2)
		return;
	/* Ambiguous: list the candidates, then the line again. */
	kprintf("\n");
	for (int i = 0; cand(NULL, i); i++)
		if (!strncmp(cand(NULL, i), e->line + start, e->cur - start))
			kprintf("%s  ", cand(NULL, i));
	kprintf("\n");
	ledit_prompt(e);
}

void console_main(struct boot_info *bi)
{
	static struct ledit ed;

	console_bootinfo = bi;
	console_register(help_cmd, 1);
	console_cmds_core_register();
	console_cmds_info_register();
	vms_boot(bi);

	uint64_t us = tsc_to_us(rdtsc() - bi->tsc_entry);
	klog(LOG_INFO, "boot: efi_main to prompt %llu.%03llu ms", (unsigned long long)(us / 1000),
	     (unsigned long long)(us % 1000));
	kprintf("Type 'help' for commands.\n");
	ledit_init(&ed, "keel> ", out, NULL);
	ed.complete = complete;
	ledit_prompt(&ed);
	for (;;) {
		int ch = getc_wait();
		uint8_t c = (uint8_t)ch;
		if (attached_input) {
			if (ch >= 0 && c != CTRL_RIGHT_BRACKET && !detach_requested) {
				attached_input(attached_ctx, c);
				continue;
			}
			attached_input = NULL;
			attached_detach(attached_ctx);
			ledit_prompt(&ed);
			continue;
		}
		enum ledit_result r = ledit_feed(&ed, c);
		if (r == LEDIT_LINE) {
			char line[sizeof(ed.line)];
			memcpy(line, ed.line, sizeof(line));
			run_line(line);
		}
		if (r != LEDIT_NONE)
			ledit_prompt(&ed);
	}
}
