/* The serial management console: the `keel> ` prompt and its command table. */
#ifndef CONSOLE_CONSOLE_H
#define CONSOLE_CONSOLE_H

#include <stdint.h>

struct boot_info;

struct console_cmd {
	const char *name;
	const char *usage; /* arguments, for help */
	const char *help;
	int (*fn)(int argc, char **argv); /* argv[0] is the command name */
};

/* Later layers add their commands here (the table keeps the pointer). */
void console_register(const struct console_cmd *cmds, int n);
void console_main(struct boot_info *bi) __attribute__((noreturn));

/* Sends every keystroke to input() until the operator types Ctrl-], then
 * calls detach() and shows the prompt again (`console <vm>`). */
void console_attach(void (*input)(void *ctx, uint8_t c), void (*detach)(void *ctx), void *ctx);
/* From any CPU: the attached VM ended; the next keystroke detaches. */
void console_detach_if(void *ctx);
extern struct boot_info *console_bootinfo;

/* Built-in command groups, registered by console_main. */
void console_cmds_core_register(void);
void console_cmds_info_register(void);

#endif
