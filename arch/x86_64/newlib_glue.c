/* The system layer newlib expects (newlib's libc/include/reent.h lists it):
 * _sbrk over the boot-time heap arena, console-backed _write, and a recursive
 * lock around malloc so every CPU can allocate. */
#include <errno.h>
#include <reent.h>
#include <string.h>
#include <sys/stat.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/heap.h"
#include "arch/x86_64/spinlock.h"
#include "arch/x86_64/percpu.h"
#include "console/klog.h"

static char *heap_base, *heap_brk, *heap_end;

void heap_init(void *base, size_t size)
{
	heap_base = heap_brk = base;
	heap_end = heap_base + size;
}

/* newlib 3.3's malloc.h declares struct mallinfo with size_t fields, but
 * mallocr.c builds the SVID layout with int fields (40 bytes); use the
 * layout the library really returns. */
struct newlib_mallinfo {
	int arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
};
struct newlib_mallinfo _mallinfo_r(struct _reent *r);

void heap_stats(struct heap_stats *s)
{
	struct newlib_mallinfo mi = _mallinfo_r(_REENT);
	s->arena = (size_t)(heap_brk - heap_base);
	s->size = (size_t)(heap_end - heap_base);
	s->in_use = (size_t)mi.uordblks;
	s->free = (size_t)mi.fordblks;
}

void *_sbrk(ptrdiff_t incr)
{
	char *old = heap_brk;
	if (incr > heap_end - heap_brk || heap_brk + incr < heap_base) {
		errno = ENOMEM;
		return (void *)-1;
	}
	heap_brk += incr;
	return old;
}

void *_sbrk_r(struct _reent *r, ptrdiff_t incr)
{
	void *p = _sbrk(incr);
	if (p == (void *)-1)
		r->_errno = ENOMEM;
	return p;
}

/* newlib calls these around every malloc/free; they must nest. Interrupts
 * stay off while held so an ISR on this CPU can never deadlock on it. */
static struct spinlock malloc_lock = SPINLOCK_INIT;
static volatile int malloc_owner = -1;
static int malloc_depth;
static uint64_t malloc_flags;

void __malloc_lock(struct _reent *r)
{
	(void)r;
	uint64_t f = irq_save();
	int me = (int)cpu_self_index();
	if (malloc_owner == me) {
		malloc_depth++;
		return;
	}
	spin_lock(&malloc_lock);
	malloc_owner = me;
	malloc_depth = 1;
	malloc_flags = f;
}

void __malloc_unlock(struct _reent *r)
{
	(void)r;
	if (--malloc_depth)
		return;
	uint64_t f = malloc_flags;
	malloc_owner = -1;
	spin_unlock(&malloc_lock);
	irq_restore(f);
}

/* stdio is not our console path, but newlib links these in. */
_ssize_t _write_r(struct _reent *r, int fd, const void *buf, size_t n)
{
	(void)r;
	(void)fd;
	kwrite(buf, n);
	return (_ssize_t)n;
}
_ssize_t _read_r(struct _reent *r, int fd, void *buf, size_t n)
{
	r->_errno = ENOSYS;
	return -1;
}
int _close_r(struct _reent *r, int fd) { return 0; }
_off_t _lseek_r(struct _reent *r, int fd, _off_t off, int whence)
{
	r->_errno = ESPIPE;
	return -1;
}
int _fstat_r(struct _reent *r, int fd, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFCHR;
	return 0;
}
int _isatty_r(struct _reent *r, int fd) { return 1; }
int _kill_r(struct _reent *r, int pid, int sig)
{
	r->_errno = ENOSYS;
	return -1;
}
int _getpid_r(struct _reent *r) { return 1; }
void _exit(int code)
{
	klog(LOG_ERR, "newlib: exit(%d) called", code);
	cpu_halt_forever();
}
int _open_r(struct _reent *r, const char *p, int fl, int mode)
{
	r->_errno = ENOSYS;
	return -1;
}
