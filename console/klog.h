/* Kernel logging: every line goes into the dmesg ring, with a TSC stamp; lines
 * at or above the configured level are also written to the console sink. */
#ifndef CONSOLE_KLOG_H
#define CONSOLE_KLOG_H

#include <stddef.h>
#include <stdint.h>
#include "console/log.h"

void klog_init(uint64_t tsc0);
void klog_set_sink(void (*sink)(const char *s, size_t n));
void klog_set_level(enum log_level lvl);
/* TSC ticks per second, once calibrated; before that dmesg shows raw ticks. */
void klog_set_tsc_hz(uint64_t hz);
uint64_t klog_ns(uint64_t tsc);

void klog(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Console only, no ring: command output. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kwrite(const char *s, size_t n);
/* Panic path: no locks held by a dead CPU may stop us. */
void kwrite_force(const char *s, size_t n);
void kprintf_force(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes the ring to the console, oldest first. */
void klog_dump(void);

#endif
