/* keel.cfg parser.
 *
 *   # comment (anywhere outside quotes)
 *   console com1|com2|com3|com4 [BAUD]   default com1 115200
 *   log error|warn|info|debug            default info
 *   debug-exit on|off                    default off
 *   vm NAME ARGS...                      QEMU-style options, kept raw
 *
 * Tokens are separated by blanks; "double quotes" keep blanks inside a
 * token and understand \" and \\. Quoted and bare parts of one token join
 * ("a b"c is `a bc`), as in a shell. A bad line is reported through the
 * diag callback and leaves the settings as they were; parsing goes on.
 * Pure code: builds on the host too.
 */
#ifndef KEEL_BOOT_CONFIG_H
#define KEEL_BOOT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console/log.h" /* enum log_level */

#define CONFIG_MAX_VMS 16
#define CONFIG_MAX_LINE 1024 /* characters, without the line end */
#define CFG_VM_NAME_MAX 31
#define CONFIG_MAX_FILES (CONFIG_MAX_VMS * 3) /* see config_files */

struct cfg_console {
	char port[8];     /* "com1".."com4" */
	uint16_t io_base; /* 0x3f8, 0x2f8, 0x3e8, 0x2e8 */
	uint8_t irq;      /* 4 or 3 */
	uint32_t baud;    /* divides 115200 */
};

struct cfg_vm {
	char name[CFG_VM_NAME_MAX + 1];
	int line;    /* where the vm line is, for later messages */
	int argc;    /* the options after NAME; argv[0] is the first one */
	char **argv; /* argv[argc] == NULL; one malloc block with the strings */
};

struct keel_config {
	struct cfg_console console;
	enum log_level log_level;
	bool debug_exit; /* write to isa-debug-exit (0xf4) at poweroff/panic */
	int nvms;
	struct cfg_vm vms[CONFIG_MAX_VMS];
};

void config_defaults(struct keel_config *c);

/* Parse text (len bytes, no NUL needed) on top of *c, which must hold
 * config_defaults() or an earlier parse. diag (may be NULL) gets each
 * problem with its 1-based line number. Returns the number of problems.
 * Out of memory counts as a problem too. */
int config_parse(struct keel_config *c, const char *text, size_t len,
		 void (*diag)(void *ctx, int line, const char *msg), void *ctx);

/* Frees the vm argv blocks; *c is back to no vms (other settings kept). */
void config_free(struct keel_config *c);

/* The argument after the last `opt` (e.g. "-kernel"; "--kernel" in argv
 * matches too), or NULL if absent. */
const char *cfg_vm_opt(const struct cfg_vm *vm, const char *opt);

/* Files the config names: the -kernel, -initrd and -bios arguments of
 * every vm, each once, in order of appearance. Fills up to max entries of
 * paths (pointers into *c) and returns how many it filled; there are never
 * more than CONFIG_MAX_FILES. */
int config_files(const struct keel_config *c, const char **paths, int max);

#endif
