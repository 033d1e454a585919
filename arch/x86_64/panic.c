/* The panic path. It must work with a corrupt stack and other CPUs holding
 * locks: it prints through kwrite_force, checks every frame pointer before
 * following it, and stops the other CPUs with an NMI. */
#include <stdarg.h>
#include <stdio.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/ksyms.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/panic.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/power.h"
#include "console/klog.h"

extern char ImageBase[], _text[], _etext[];
static volatile int panicking;
static int debug_exit;

int panic_in_progress(void) { return panicking; }
void panic_set_debug_exit(int on) { debug_exit = on; }

const char *ksym_lookup(uint64_t addr, uint64_t *off)
{
	if (addr < (uint64_t)(uintptr_t)_text || addr >= (uint64_t)(uintptr_t)_etext)
		return NULL;
	uint64_t rel = addr - (uint64_t)(uintptr_t)ImageBase;
	unsigned lo = 0, hi = ksyms_count;
	while (lo < hi) { /* first entry above rel */
		unsigned mid = (lo + hi) / 2;
		if (ksyms[mid].off <= rel)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	*off = rel - ksyms[lo - 1].off;
	return ksyms[lo - 1].name;
}

#define pr kprintf_force

static void pr_addr(const char *label, uint64_t a)
{
	uint64_t off;
	const char *name = ksym_lookup(a, &off);
	if (name)
		pr("%s0x%016llx <%s+0x%llx>\n", label, (unsigned long long)a, name,
		   (unsigned long long)off);
	else
		pr("%s0x%016llx\n", label, (unsigned long long)a);
}

static void backtrace(uint64_t rbp)
{
	pr("Backtrace:\n");
	for (int depth = 0; depth < 24; depth++) {
		/* Frames live on a stack: aligned, canonical, growing upwards. */
		if (!rbp || rbp & 7 || rbp >= 0x0000800000000000ull)
			break;
		uint64_t *f = (uint64_t *)(uintptr_t)rbp;
		uint64_t ret = f[1];
		if (!ret)
			break;
		pr_addr(" ", ret);
		if (f[0] <= rbp || f[0] - rbp > (1u << 20))
			break;
		rbp = f[0];
	}
}

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available", "#DF double fault",
	"coprocessor overrun", "#TS invalid TSS", "#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved 15", "#MF x87 error",
	"#AC alignment check", "#MC machine check", "#XM SIMD error", "#VE virtualization",
	"#CP control protection",
};

static void __attribute__((noreturn)) stop(void)
{
	pr("System halted.\n");
	if (debug_exit)
		outb(0xf4, 1); /* QEMU isa-debug-exit: status 3 marks a panic */
	cpu_halt_forever();
}

/* First CPU in wins; a fault inside the panic path just halts. */
static int enter(void)
{
	cli();
	static volatile int nested[CPU_MAX];
	uint32_t me = cpu_self_index();
	if (nested[me]++)
		cpu_halt_forever();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		cpu_halt_forever();
	apic_nmi_others();
	return (int)me;
}

void panic_exception(struct regs *r)
{
	int me = enter();
	const char *what = r->vector < 32 && exc_names[r->vector] ? exc_names[r->vector] : "exception";

	pr("\nPANIC on cpu%d: %s (vector %llu, error 0x%llx)\n", me, what,
	   (unsigned long long)r->vector, (unsigned long long)r->error);
	if (r->vector == 14)
		pr("CR2: 0x%016llx (%s, %s, %s)\n", (unsigned long long)read_cr2(),
		   r->error & 2 ? "write" : "read", r->error & 1 ? "protection" : "not present",
		   r->error & 16 ? "instruction fetch" : "data");
	pr_addr("RIP: ", r->rip);
	pr("RSP: 0x%016llx RFLAGS: 0x%08llx CS: 0x%llx SS: 0x%llx\n", (unsigned long long)r->rsp,
	   (unsigned long long)r->rflags, (unsigned long long)r->cs, (unsigned long long)r->ss);
	pr("RAX: 0x%016llx RBX: 0x%016llx RCX: 0x%016llx\n", (unsigned long long)r->rax,
	   (unsigned long long)r->rbx, (unsigned long long)r->rcx);
	pr("RDX: 0x%016llx RSI: 0x%016llx RDI: 0x%016llx\n", (unsigned long long)r->rdx,
	   (unsigned long long)r->rsi, (unsigned long long)r->rdi);
	pr("RBP: 0x%016llx R8:  0x%016llx R9:  0x%016llx\n", (unsigned long long)r->rbp,
	   (unsigned long long)r->r8, (unsigned long long)r->r9);
	pr("R10: 0x%016llx R11: 0x%016llx R12: 0x%016llx\n", (unsigned long long)r->r10,
	   (unsigned long long)r->r11, (unsigned long long)r->r12);
	pr("R13: 0x%016llx R14: 0x%016llx R15: 0x%016llx\n", (unsigned long long)r->r13,
	   (unsigned long long)r->r14, (unsigned long long)r->r15);
	pr("CR0: 0x%016llx CR3: 0x%016llx CR4: 0x%016llx\n", (unsigned long long)read_cr0(),
	   (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	backtrace(r->rbp);
	stop();
}

void panic(const char *fmt, ...)
{
	int me = enter();
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr("\nPANIC on cpu%d: %s\n", me, buf);
	pr_addr("RIP: ", (uint64_t)(uintptr_t)__builtin_return_address(0));
	backtrace((uint64_t)(uintptr_t)__builtin_frame_address(0));
	stop();
}
