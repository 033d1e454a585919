/* Fatal errors: a register dump, the faulting function's name and a backtrace,
 * then every CPU stops. */
#ifndef ARCH_X86_64_PANIC_H
#define ARCH_X86_64_PANIC_H

#include "arch/x86_64/desc.h"

void panic_exception(struct regs *r) __attribute__((noreturn));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
int panic_in_progress(void);
/* Set at boot from keel.cfg `debug-exit on`: report through port 0xf4 too. */
void panic_set_debug_exit(int on);

#endif
