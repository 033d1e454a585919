/* The kernel log: a locked log_ring plus the console sink. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "console/klog.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/spinlock.h"

static uint8_t ring_buf[48 * 1024];
static struct log_ring ring;
static struct spinlock ring_lock = SPINLOCK_INIT;
static struct spinlock out_lock = SPINLOCK_INIT;
static void (*sink)(const char *s, size_t n);
static enum log_level console_level = LOG_INFO;
static uint64_t tsc_base, tsc_hz;

void klog_init(uint64_t tsc0)
{
	tsc_base = tsc0;
	log_ring_init(&ring, ring_buf, sizeof(ring_buf));
}

void klog_set_sink(void (*s)(const char *, size_t)) { sink = s; }
void klog_set_level(enum log_level lvl) { console_level = lvl; }
void klog_set_tsc_hz(uint64_t hz) { tsc_hz = hz; }

uint64_t klog_ns(uint64_t tsc)
{
	uint64_t d = tsc - tsc_base;
	if (!tsc_hz)
		return d;
	return (uint64_t)((unsigned __int128)d * 1000000000u / tsc_hz);
}

void kwrite(const char *s, size_t n)
{
	uint64_t f = spin_lock_irqsave(&out_lock);
	if (sink)
		sink(s, n);
	spin_unlock_irqrestore(&out_lock, f);
}

void kwrite_force(const char *s, size_t n)
{
	spin_lock_or_steal(&out_lock, 10000000);
	if (sink)
		sink(s, n);
	spin_unlock(&out_lock);
}

static void vprint(void (*w)(const char *, size_t), const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (n > 0)
		w(buf, (size_t)n);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint(kwrite, fmt, ap);
	va_end(ap);
}

void kprintf_force(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint(kwrite_force, fmt, ap);
	va_end(ap);
}

void klog(enum log_level lvl, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n] = 0;

	uint64_t f = spin_lock_irqsave(&ring_lock);
	log_ring_add(&ring, rdtsc(), lvl, buf);
	spin_unlock_irqrestore(&ring_lock, f);

	if (lvl <= console_level) {
		buf[n++] = '\n';
		kwrite(buf, (size_t)n);
	}
}

void klog_dump(void)
{
	char text[520];
	struct log_entry e;
	uint64_t seq = 0;

	for (;;) {
		uint64_t f = spin_lock_irqsave(&ring_lock);
		bool ok = log_ring_next(&ring, &seq, &e, text, sizeof(text));
		spin_unlock_irqrestore(&ring_lock, f);
		if (!ok)
			break;
		uint64_t ns = klog_ns(e.ts);
		kprintf("[%5llu.%06llu] %s%s\n", (unsigned long long)(ns / 1000000000u),
			(unsigned long long)(ns % 1000000000u / 1000u),
			e.level <= LOG_WARN ? (e.level == LOG_ERR ? "error: " : "warning: ") : "",
			text);
	}
}
