/* keel-run: the engine (vm/, hw/, tcg/) as a Linux program, with options
 * that mirror qemu-system-x86_64's. For tests, fuzzing and benchmarks; never
 * part of the image. Exit status: the guest's isa-debug-exit value
 * ((v << 1) | 1), 0 after a guest power-off or triple fault (as QEMU with
 * -no-reboot), 2 for bad usage and our own failures. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "hosted/hosted.h"
#include "hw/pc.h"
#include "tcg/cpu.h"
#include "tcg/exec.h"
#include "tcg/jit.h"
#include "tcg/tcg.h"
#include "vm/run.h"
#include "vm/vm.h"

#define SERIAL_POLL_NS 1000000ull /* look at stdin every 1 ms of guest time */

struct opts {
	uint64_t ram_mib;
	unsigned int smp;
	const char *kernel, *initrd, *append, *serial;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: keel-run [options]\n"
		"  -m MIB[M|G]        guest RAM (default 128 MiB)\n"
		"  -smp N             vCPUs (default 1)\n"
		"  -kernel FILE       a Linux bzImage or a Multiboot 1 kernel\n"
		"  -initrd FILE       initial ramdisk (Linux)\n"
		"  -append STRING     kernel command line\n"
		"  -serial stdio|none COM1 on stdin/stdout (default) or nowhere\n"
		"  -nographic, -display none, -monitor none, -no-reboot, -accel tcg,\n"
		"  -device isa-debug-exit...\n"
		"                     accepted for QEMU compatibility (always so here)\n"
		"  -h, --help         this text\n"
		"The machine is QEMU's pc (i440FX + PIIX3) with isa-debug-exit at 0xf4:\n"
		"the exit status is the guest's debug-exit value, (v << 1) | 1; 0 after a\n"
		"triple fault or a guest power-off; 2 when keel-run or the translator fails.\n");
}

static int parse_size_mib(const char *s, uint64_t *mib)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s)
		return -1;
	if (*end == 'G' || *end == 'g')
		v *= 1024, end++;
	else if (*end == 'M' || *end == 'm')
		end++;
	if (*end || !v || v > (1ull << 20))
		return -1;
	*mib = v;
	return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){.ram_mib = 128, .smp = 1, .serial = "stdio"};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (a[0] == '-' && a[1] == '-')
			a++; /* QEMU takes --opt too */
		if (!strcmp(a, "-h") || !strcmp(a, "-help")) {
			usage(stdout);
			exit(0);
		}
		if (!strcmp(a, "-nographic") || !strcmp(a, "-no-reboot"))
			continue;
		int takes = !strcmp(a, "-m") || !strcmp(a, "-smp") || !strcmp(a, "-kernel") ||
			    !strcmp(a, "-initrd") || !strcmp(a, "-append") || !strcmp(a, "-serial") ||
			    !strcmp(a, "-display") || !strcmp(a, "-accel") || !strcmp(a, "-device") ||
			    !strcmp(a, "-monitor");
		if (!takes) {
			fprintf(stderr, "keel-run: unknown option '%s' (try --help)\n", argv[i]);
			return -1;
		}
		if (!v) {
			fprintf(stderr, "keel-run: %s needs an argument\n", argv[i]);
			return -1;
		}
		i++;
		if (!strcmp(a, "-m")) {
			if (parse_size_mib(v, &o->ram_mib) || o->ram_mib < 2) {
				fprintf(stderr, "keel-run: -m: bad size '%s' (e.g. 256, 256M, 1G)\n", v);
				return -1;
			}
		} else if (!strcmp(a, "-smp")) {
			char *end;
			unsigned long n = strtoul(v, &end, 10); /* "N" or "N,..." */
			if (end == v || (*end && *end != ',') || !n || n > VM_MAX_VCPUS) {
				fprintf(stderr, "keel-run: -smp: need 1..%d CPUs, got '%s'\n", VM_MAX_VCPUS, v);
				return -1;
			}
			o->smp = (unsigned int)n;
		} else if (!strcmp(a, "-kernel"))
			o->kernel = v;
		else if (!strcmp(a, "-initrd"))
			o->initrd = v;
		else if (!strcmp(a, "-append"))
			o->append = v;
		else if (!strcmp(a, "-serial")) {
			if (strcmp(v, "stdio") && strcmp(v, "none")) {
				fprintf(stderr, "keel-run: -serial: only stdio and none are supported\n");
				return -1;
			}
			o->serial = v;
		} else if (!strcmp(a, "-accel") && strcmp(v, "tcg") && strncmp(v, "tcg,", 4)) {
			fprintf(stderr, "keel-run: -accel: only tcg (keel's translator) runs here\n");
			return -1;
		} else if (!strcmp(a, "-monitor") && strcmp(v, "none")) {
			fprintf(stderr, "keel-run: -monitor: there is no monitor; only 'none' is accepted\n");
			return -1;
		} else if (!strcmp(a, "-device") && strncmp(v, "isa-debug-exit", 14)) {
			fprintf(stderr, "keel-run: -device %s: not supported (the pc machine is fixed)\n", v);
			return -1;
		}
	}
	if (!o->kernel) {
		fprintf(stderr, "keel-run: -kernel is required (there is no guest firmware yet)\n");
		return -1;
	}
	if (o->initrd && !o->kernel) {
		fprintf(stderr, "keel-run: -initrd needs -kernel\n");
		return -1;
	}
	return 0;
}

/* ---- host services ------------------------------------------------------ */
static void *ram_alloc(void *o, uint64_t n)
{
	(void)o;
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	return p == MAP_FAILED ? NULL : p;
}
static void ram_free(void *o, void *p, uint64_t n) { (void)o; munmap(p, n); }
/* Generated code: writable and executable, kept until exit. */
static void *code_alloc(void *o, size_t n)
{
	(void)o;
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}
static void code_free(void *o, void *p, size_t n) { (void)o; munmap(p, n); }
static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Guests read the clock a lot (every RDTSC, PIT and PM-timer read): with
 * an invariant host TSC, scale it instead of a clock_gettime each time. */
static struct {
	bool tsc;
	uint64_t tsc0, ns0;
	uint64_t mult; /* ns per TSC tick, 32.32 fixed point */
	uint64_t scale; /* KEEL_CLOCK_SCALE: guest time runs this many times faster */
} clk;

static void clock_init(void)
{
	/* A debugging knob: guest time running N times faster than the host's
	 * makes the guest as slow, relative to its own clock, as it is under
	 * double emulation (the image in QEMU or Bochs). */
	const char *sc = getenv("KEEL_CLOCK_SCALE");
	clk.scale = sc && atoi(sc) > 1 ? (uint64_t)atoi(sc) : 1;
	clk.ns0 = mono_ns();
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	bool constant = false, nonstop = false;
	while (f && fgets(line, sizeof(line), f) && !(constant && nonstop)) {
		if (!strncmp(line, "flags", 5)) {
			constant = strstr(line, " constant_tsc") != NULL;
			nonstop = strstr(line, " nonstop_tsc") != NULL;
			break;
		}
	}
	if (f)
		fclose(f);
	if (!constant || !nonstop)
		return;
	uint64_t n0 = mono_ns(), t0 = __builtin_ia32_rdtsc();
	while (mono_ns() - n0 < 20000000)
		;
	uint64_t n1 = mono_ns(), t1 = __builtin_ia32_rdtsc();
	if (t1 <= t0)
		return;
	clk.mult = (uint64_t)(((unsigned __int128)(n1 - n0) << 32) / (t1 - t0));
	clk.tsc0 = t1;
	clk.ns0 = n1;
	clk.tsc = true;
}

static uint64_t clock_ns(void *o)
{
	(void)o;
	if (!clk.tsc)
		return clk.ns0 + (mono_ns() - clk.ns0) * clk.scale;
	uint64_t d = __builtin_ia32_rdtsc() - clk.tsc0;
	return clk.ns0 + (uint64_t)(((unsigned __int128)d * clk.mult * clk.scale) >> 32);
}

struct hosted {
	struct vm vm;
	struct pc pc;
	int in_fd; /* -1 without -serial stdio, or after EOF */
	struct timerq_timer poll_timer;
	struct termios saved;
	int restore_tty;
};

static void feed_serial(struct hosted *h, int timeout_ms)
{
	struct pollfd p = {.fd = h->in_fd, .events = POLLIN};
	uint8_t buf[256];
	if (h->in_fd < 0 || poll(&p, 1, timeout_ms) <= 0)
		return;
	ssize_t n = read(h->in_fd, buf, sizeof(buf));
	if (n <= 0) {
		h->in_fd = -1; /* EOF: the guest just sees no more input */
		return;
	}
	/* The UART's FIFO may be full: keep what it did not take for later. */
	size_t done = 0;
	while (done < (size_t)n) {
		size_t k = pc_serial_input(&h->pc, buf + done, (size_t)n - done);
		if (!k) {
			/* Guest not reading: drop rather than stall the VM forever. */
			break;
		}
		done += k;
	}
}

static void wait_fn(void *o, uint64_t deadline)
{
	struct hosted *h = o;
	uint64_t now = clock_ns(NULL);
	int ms = deadline > now ? (int)((deadline - now + 999999) / 1000000 / clk.scale) : 0;
	if (h->in_fd >= 0)
		feed_serial(h, ms);
	else if (ms)
		usleep((useconds_t)ms * 1000);
}

/* SIGQUIT (Ctrl-\\) prints every vCPU's registers: for guests that hang. */
static volatile sig_atomic_t dump_requested;
static void on_sigquit(int sig) { (void)sig; dump_requested = 1; }

static void dump_vcpus(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		struct vcpu_regs r;
		struct vcpu_sregs s;
		if (v->ops->get_regs(v, &r) || v->ops->get_sregs(v, &s))
			continue;
		fprintf(stderr,
			"keel-run: vcpu%u state %d halts %llu injected %llu\n"
			"  rip %016llx rflags %08llx cs %04x:%llx ss %04x cr0 %llx cr3 %llx cr4 %llx efer %llx\n"
			"  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n"
			"  rsi %016llx rdi %016llx rbp %016llx rsp %016llx\n"
			"  fs.base %llx gs.base %llx cr2 %llx idt %llx/%x gdt %llx/%x\n",
			i, (int)v->state, (unsigned long long)v->halts, (unsigned long long)v->injected,
			(unsigned long long)r.rip, (unsigned long long)r.rflags, s.cs.selector,
			(unsigned long long)s.cs.base, s.ss.selector, (unsigned long long)s.cr0,
			(unsigned long long)s.cr3, (unsigned long long)s.cr4, (unsigned long long)s.efer,
			(unsigned long long)r.rax, (unsigned long long)r.rbx, (unsigned long long)r.rcx,
			(unsigned long long)r.rdx, (unsigned long long)r.rsi, (unsigned long long)r.rdi,
			(unsigned long long)r.rbp, (unsigned long long)r.rsp, (unsigned long long)s.fs.base,
			(unsigned long long)s.gs.base, (unsigned long long)s.cr2,
			(unsigned long long)s.idt.base, s.idt.limit, (unsigned long long)s.gdt.base,
			s.gdt.limit);
	}
}

/* KEEL_TCG_TRACE=ring: the last blocks, printed when the guest crashes. */
#define RING 64
static struct { uint64_t lin, rax, rcx, rdx, rsp; } ring[RING];
static unsigned ring_pos;
static void trace_ring(struct tcg_cpu *c, uint64_t lin)
{
	ring[ring_pos++ % RING] = (typeof(ring[0])){lin, c->gpr[0], c->gpr[1], c->gpr[2], c->gpr[4]};
}
static void print_ring(void)
{
	for (unsigned k = 0; k < RING; k++) {
		typeof(ring[0]) *r = &ring[(ring_pos + k) % RING];
		fprintf(stderr, "ring: %016llx rax %016llx rcx %016llx rdx %016llx rsp %016llx\n",
			(unsigned long long)r->lin, (unsigned long long)r->rax, (unsigned long long)r->rcx,
			(unsigned long long)r->rdx, (unsigned long long)r->rsp);
	}
}

/* KEEL_TCG_TRACE=1: one line per translated block executed, to stderr. */
static void trace_block(struct tcg_cpu *c, uint64_t lin)
{
	fprintf(stderr, "tcg: %u %016llx cs %04x eax %08llx ecx %08llx edx %08llx esp %08llx\n",
		c->code_bits, (unsigned long long)lin, c->seg[1].sel, (unsigned long long)c->gpr[0],
		(unsigned long long)c->gpr[1], (unsigned long long)c->gpr[2],
		(unsigned long long)c->gpr[4]);
}

static void poll_tick(void *o)
{
	struct hosted *h = o;
	if (dump_requested) {
		dump_requested = 0;
		dump_vcpus(&h->vm);
	}
	feed_serial(h, 0);
	hw_timer_arm(&h->vm.env, &h->poll_timer, vm_clock_ns(&h->vm) + SERIAL_POLL_NS);
}

static void out_stdout(void *o, const uint8_t *buf, size_t n)
{
	(void)o;
	fwrite(buf, 1, n, stdout);
	fflush(stdout);
}

static void *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "keel-run: cannot open '%s': %s\n", path, strerror(errno));
		return NULL;
	}
	void *p = malloc(st.st_size ? (size_t)st.st_size : 1);
	size_t got = 0;
	while (p && got < (size_t)st.st_size) {
		ssize_t n = read(fd, (char *)p + got, (size_t)st.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!p || got != (size_t)st.st_size) {
		fprintf(stderr, "keel-run: cannot read '%s'\n", path);
		free(p);
		return NULL;
	}
	*len = got;
	return p;
}

int main(int argc, char **argv)
{
	static struct hosted h;
	struct opts o;
	const char *why = NULL;

	if (parse(argc, argv, &o))
		return 2;
	const struct vcpu_ops *cpu = hosted_cpu_backend();
	clock_init();
	/* KEEL_TCG_NOJIT=1: interpret instead of translating (debugging, and
	 * the interpreter's share in `make bench`) */
	tcg_jit_off = getenv("KEEL_TCG_NOJIT") != NULL;
	if (getenv("KEEL_TCG_JITMASK")) {
		extern unsigned tcg_jit_mask;
		tcg_jit_mask = (unsigned)strtoul(getenv("KEEL_TCG_JITMASK"), NULL, 0);
	}
	if (!cpu) {
		fprintf(stderr, "keel-run: no CPU backend in this build yet: the translator (tcg/) "
				"is what runs guests here\n");
		return 2;
	}
	size_t klen, ilen = 0;
	void *kernel = slurp(o.kernel, &klen), *initrd = NULL;
	if (!kernel || (o.initrd && !(initrd = slurp(o.initrd, &ilen))))
		return 2;

	static const struct vm_host host_ops = {.ram_alloc = ram_alloc, .ram_free = ram_free,
						.clock_ns = clock_ns, .wait = wait_fn,
						.code_alloc = code_alloc, .code_free = code_free,
						.opaque = &h};
	int r = vm_init(&h.vm, "keel-run", o.ram_mib << 20, &host_ops);
	if (r) {
		fprintf(stderr, "keel-run: cannot create the VM: %s\n", strerror(-r));
		return 2;
	}
	struct pc_config cfg = {
		.ncpus = o.smp,
		.cpu_ops = cpu,
		.serial_out = strcmp(o.serial, "none") ? out_stdout : NULL,
		.debugcon_out = NULL,
		.rtc_base_time = (uint64_t)time(NULL),
	};
	r = pc_init(&h.pc, &h.vm, &cfg);
	if (r) {
		fprintf(stderr, "keel-run: cannot build the pc machine: %s\n", strerror(-r));
		return 2;
	}
	r = pc_load_multiboot(&h.pc, kernel, klen, o.append ? o.append : "", &why);
	if (r == -ENOEXEC) /* not multiboot: a Linux bzImage then, as QEMU decides */
		r = pc_load_linux(&h.pc, kernel, klen, initrd, ilen, o.append ? o.append : "", &why);
	if (r) {
		fprintf(stderr, "keel-run: cannot load '%s': %s\n", o.kernel, why ? why : strerror(-r));
		return 2;
	}

	h.in_fd = strcmp(o.serial, "stdio") ? -1 : STDIN_FILENO;
	if (h.in_fd >= 0 && isatty(h.in_fd) && !tcgetattr(h.in_fd, &h.saved)) {
		struct termios raw = h.saved;
		cfmakeraw(&raw);
		raw.c_oflag |= OPOST; /* keep our own stderr readable */
		if (!tcsetattr(h.in_fd, TCSANOW, &raw))
			h.restore_tty = 1;
	}
	signal(SIGQUIT, on_sigquit);
	if (getenv("KEEL_TCG_TRACE"))
		tcg_trace_hook = strcmp(getenv("KEEL_TCG_TRACE"), "ring") ? trace_block : trace_ring;
	hw_timer_init(&h.poll_timer, poll_tick, &h);
	hw_timer_arm(&h.vm.env, &h.poll_timer, SERIAL_POLL_NS);

	int status = vm_run(&h.vm);
	if (getenv("KEEL_TCG_STATS")) {
		struct tcg_stats st;
		tcg_vcpu_stats(&h.vm.vcpus[0], &st);
		fprintf(stderr, "keel-run: tcg: %llu instructions, %llu blocks decoded, %llu cache flushes, "
				"%llu code-page invalidations, arena %llu KiB, code %llu KiB\n",
			(unsigned long long)st.insns, (unsigned long long)st.blocks,
			(unsigned long long)st.flushes, (unsigned long long)st.invalidations,
			(unsigned long long)st.arena_used >> 10, (unsigned long long)st.code_used >> 10);
	}
	if (h.restore_tty)
		tcsetattr(h.in_fd, TCSANOW, &h.saved);
	if (h.vm.state == VM_CRASHED) {
		fprintf(stderr, "keel-run: guest crashed: %s\n", h.vm.stop_reason);
		dump_vcpus(&h.vm);
		if (tcg_trace_hook == trace_ring)
			print_ring();
		/* a triple fault exits 0, as QEMU does with -no-reboot */
		return strncmp(h.vm.stop_reason, "triple fault", 12) ? 2 : 0;
	}
	pc_destroy(&h.pc);
	vm_destroy(&h.vm);
	return status < 0 ? 0 : status;
}
