#ifndef ARCH_X86_64_POWER_H
#define ARCH_X86_64_POWER_H

void power_set_debug_exit(int on);
void power_reboot(void) __attribute__((noreturn));
void power_off(void) __attribute__((noreturn));

#endif
