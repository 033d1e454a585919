/*
 * tests/fuzz/fuzz_tcg.c - random guest code on the translator: whatever the
 * bytes, the host must not crash, leak or hit undefined behaviour ("never
 * let a guest crash the host"), on either engine.
 *
 * Input: byte 0 picks the mode (real, 32-bit protected, 64-bit long mode
 * at CPL 0 or 3) and the engine (interpreter or generated code); the rest
 * is code at 0x10000, followed by whatever the RAM holds (zeros), and also
 * seeds the sixteen GPRs (repeated to 128 bytes). Short inputs count: with
 * a fixed 128-byte register prefix, libFuzzer's length ramp kept every
 * input of a 5000-run session too short to reach the translator. The guest gets a few run() calls under a
 * fake clock that moves 1 ms per read, so every call ends soon.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "tcg/cpu.h"
#include "tcg/jit.h"
#include "tcg/tcg.h"
#include "tcg/tcg_int.h"
#include "vm/run.h"
#include "vm/vm.h"

#define RAM (2u << 20)
#define CODE 0x10000u

static uint64_t fake_ns;
static void *h_alloc(void *o, uint64_t n) { (void)o; return calloc(1, n); }
static void h_free(void *o, void *p, uint64_t n) { (void)o, (void)n; free(p); }
static uint64_t h_clock(void *o) { (void)o; return fake_ns += 2000000; }
static void *h_code(void *o, size_t n)
{
	(void)o;
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}
static void h_code_free(void *o, void *p, size_t n) { (void)o; munmap(p, n); }
static const struct vm_host host = {.ram_alloc = h_alloc, .ram_free = h_free, .clock_ns = h_clock,
				    .code_alloc = h_code, .code_free = h_code_free};

static void w64(struct vm *vm, uint64_t gpa, uint64_t v) { memcpy(vm->ram + gpa, &v, 8); }

static struct vcpu_segment seg(uint16_t sel, uint8_t type, uint8_t dpl, bool l, bool db)
{
	return (struct vcpu_segment){.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
				     .s = 1, .dpl = dpl, .present = 1, .l = l, .db = db, .g = 1};
}

/* Two VMs made once, one per engine; each input resets one (which also
 * drops its translations) and rewrites its RAM. */
static struct vm *machine(bool jit)
{
	static struct vm vms[2];
	static bool made[2];
	struct vm *vm = &vms[jit];
	if (!made[jit]) {
		tcg_jit_off = !jit;
		if (vm_init(vm, jit ? "fuzz-jit" : "fuzz-int", RAM, &host) ||
		    vcpu_add(vm, &tcg_vcpu_ops, NULL))
			abort();
		made[jit] = true;
	}
	return vm;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	unsigned mode = data[0] & 3;
	struct vm *vm = machine(data[0] & 4);
	vm->vcpus[0].ops->reset(&vm->vcpus[0]);
	memset(vm->ram, 0, RAM);
	struct vcpu *v = &vm->vcpus[0];
	size_t n = size - 1;
	if (n > RAM - CODE - 16)
		n = RAM - CODE - 16;
	memcpy(vm->ram + CODE, data + 1, n);
	uint8_t seed[128];
	for (unsigned i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(data[1 + i % (size - 1)] ^ (i * 37));

	struct vcpu_regs r;
	struct vcpu_sregs s;
	v->ops->get_regs(v, &r);
	v->ops->get_sregs(v, &s);
	memcpy(&r.rax, seed, 128); /* rax..r15 */
	r.rflags = 2 | (r.rflags & 0xcd5);
	if (mode == 0) { /* real mode at CODE */
		s.cs.selector = CODE >> 4;
		s.cs.base = CODE;
		r.rip = 0;
	} else {
		/* flat 32-bit or 64-bit; identity map of the first 1 GiB */
		w64(vm, 0x1000, 0x2000 | 7);
		w64(vm, 0x2000, 0x83 | 4);
		bool lm = mode >= 2;
		uint8_t dpl = mode == 3 ? 3 : 0;
		s.cs = seg(lm ? (dpl ? 0x2b : 0x08) : 0x08, 0xb, dpl, lm, !lm);
		s.ds = s.es = s.fs = s.gs = s.ss = seg(dpl ? 0x33 : 0x10, 0x3, dpl, false, true);
		s.cr0 = 0x80050033; /* PE MP ET NE WP PG */
		if (!lm)
			s.cr0 &= ~0x80000000ull;
		s.cr3 = 0x1000;
		s.cr4 = lm ? 0x6a0 : 0x600; /* PAE PGE OSFXSR OSXMMEXCPT */
		s.efer = lm ? 0xd01 : 0;
		r.rip = CODE;
		r.rsp = 0x300000;
	}
	v->ops->set_regs(v, &r);
	v->ops->set_sregs(v, &s);
	vm->state = VM_RUNNING;
	for (int k = 0; k < 3 && vm->state == VM_RUNNING; k++) {
		struct vcpu_exit e;
		if (v->ops->run(v, &e))
			abort();
		if (e.reason == VCPU_EXIT_SHUTDOWN || e.reason == VCPU_EXIT_INTERNAL_ERROR ||
		    e.reason == VCPU_EXIT_HLT)
			break;
		if (e.reason >= VCPU_EXIT_REASONS)
			abort();
	}
	return 0;
}
