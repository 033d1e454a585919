/* Entering the guest and handling its exits: a table indexed by basic exit
 * reason (SDM Vol. 3C Appendix C), bounds-checked, whose fallback stops the
 * VM with the reason and the guest RIP. Handlers either finish the work here
 * and ask for another entry (VCPU_EXIT_NONE) or hand the run loop a
 * normalised exit. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/tsc.h"
#include "console/klog.h"
#include "hw/lapic.h"
#include "vm/gwalk.h"
#include "vm/vm.h"
#include "vmx/exitqual.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_hw.h"
#include "vmx/vmx_int.h"
#include "vm/run.h"
#include "x86/alu.h"
#include "x86/decode.h"

typedef int (*exit_fn)(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e);

static struct vmx_vcpu *msrs_loaded[CPU_MAX];
static uint64_t current_vmcs[CPU_MAX]; /* what VMPTRLD made current on each CPU */

static int __attribute__((format(printf, 3, 4))) fail(struct vcpu_exit *e, struct vmx_vcpu *x,
							  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	e->reason = VCPU_EXIT_INTERNAL_ERROR;
	vsnprintf(e->error.why, sizeof(e->error.why), fmt, ap);
	va_end(ap);
	e->error.rip = x->sregs.cs.base + x->regs.rip;
	e->error.nbytes = 0;
	return 0;
}

static void skip(struct vmx_vcpu *x)
{
	x->regs.rip += vmread(VMCS_EXIT_INSN_LEN);
	x->interruptibility &= ~(uint32_t)(VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS);
	x->dirty = true;
}

static void raise_exc(struct vmx_vcpu *x, uint8_t vec, bool has_err, uint32_t err)
{
	x->inject_info = (1u << 31) | 3u << 8 | vec | (has_err ? 1u << 11 : 0);
	x->inject_error = err;
}

static struct gwalk_regs walk_regs(const struct vmx_vcpu *x)
{
	return (struct gwalk_regs){x->sregs.cr0, x->sregs.cr3, x->sregs.cr4, x->sregs.efer};
}

/* ---- handlers ----------------------------------------------------------- */
static int h_none(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	(void)v, (void)x;
	e->reason = VCPU_EXIT_NONE;
	return 0;
}

static int h_triple_fault(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	(void)v;
	fail(e, x, "triple fault");
	e->reason = VCPU_EXIT_SHUTDOWN;
	return 0;
}

static int h_nmi_window(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	(void)v;
	x->nmi_window_requested = false; /* the run loop injects the held NMI */
	e->reason = VCPU_EXIT_NONE;
	return 0;
}

/* EPT misconfiguration (SDM Vol. 3C 28.3.3.1): keel's own tables are wrong.
 * Not the guest's doing, but only this VM is stopped, with the address. */
static int h_ept_misconfig(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	(void)v;
	return fail(e, x, "EPT misconfiguration at guest-physical 0x%llx",
		    (unsigned long long)vmread(VMCS_GUEST_PHYS_ADDR));
}

static int h_intr_window(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	(void)v;
	x->window_requested = false;
	e->reason = VCPU_EXIT_IRQ_WINDOW;
	return 0;
}

/* CPUID: the host's answers, less what keel does not give guests: VMX (no
 * nesting), XSAVE/AVX (the FPU is switched with FXSAVE), MONITOR; plus the
 * hypervisor bit and the vCPU's own APIC ID. */
static int h_cpuid(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	uint32_t leaf = (uint32_t)x->regs.rax, sub = (uint32_t)x->regs.rcx, r[4];
	cpuid(leaf, sub, r);
	switch (leaf) {
	case 1:
		r[1] = (r[1] & 0x00ffffff) | v->id << 24;
		/* VMX, MONITOR, FMA, TSC-deadline (the LAPIC model keeps VM time,
		 * not the host TSC), XSAVE, OSXSAVE, AVX */
		r[2] &= ~((1u << 5) | (1u << 3) | (1u << 12) | (1u << 24) | (1u << 26) | (1u << 27) |
			  (1u << 28));
		r[2] |= 1u << 31;
		break;
	case 6: /* ARAT: our LAPIC timer never stops in idle, so guests need no
		 * broadcast timer (SDM Vol. 2 CPUID leaf 06H, EAX bit 2) */
		r[0] |= 1u << 2;
		break;
	case 7:
		if (sub == 0) /* AVX2, AVX-512 and friends need XSAVE state */
			r[1] &= ~((1u << 5) | (1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) |
				  (1u << 27) | (1u << 28) | (1u << 30) | (1u << 31));
		break;
	case 0xd:
		r[0] = r[1] = r[2] = r[3] = 0;
		break;
	case 0x15: /* TSC = crystal * EBX / EAX: say the rate keel measured, which
		    * is the one the guest's RDTSC runs at (an emulator's CPU model
		    * may claim another) */
		r[0] = 1, r[1] = 1, r[2] = (uint32_t)tsc_hz, r[3] = 0;
		break;
	case 0x16: /* base, max, bus MHz */
		r[0] = r[1] = (uint32_t)(tsc_hz / 1000000), r[2] = 100, r[3] = 0;
		break;
	case 0x40000000: /* hypervisor leaf: "KeelKeelKeel" */
		r[0] = 0x40000000;
		r[1] = r[2] = r[3] = 0x6c65654b;
		break;
	}
	x->regs.rax = r[0], x->regs.rbx = r[1], x->regs.rcx = r[2], x->regs.rdx = r[3];
	skip(x);
	e->reason = VCPU_EXIT_NONE;
	return 0;
}

static int h_hlt(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	(void)v;
	skip(x);
	e->reason = VCPU_EXIT_HLT;
	return 0;
}

static int h_skip(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	(void)v;
	skip(x);
	e->reason = VCPU_EXIT_NONE;
	return 0;
}

static int h_ud(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	(void)v;
	raise_exc(x, 6, false, 0);
	e->reason = VCPU_EXIT_NONE;
	return 0;
}

static int h_gp(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	(void)v;
	raise_exc(x, 13, true, 0);
	e->reason = VCPU_EXIT_NONE;
	return 0;
}

static uint64_t *gpr(struct vmx_vcpu *x, unsigned int n)
{
	uint64_t *r[16] = {&x->regs.rax, &x->regs.rcx, &x->regs.rdx, &x->regs.rbx,
			   &x->regs.rsp, &x->regs.rbp, &x->regs.rsi, &x->regs.rdi,
			   &x->regs.r8,  &x->regs.r9,  &x->regs.r10, &x->regs.r11,
			   &x->regs.r12, &x->regs.r13, &x->regs.r14, &x->regs.r15};
	return r[n & 15];
}

/* MOV to/from CR0/CR4 on owned bits, CLTS, LMSW (Table 27-3). CR3 loads do
 * not exit with EPT. */
static int h_cr(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	struct vmx_cr_qual q;
	vmx_qual_cr(vmread(VMCS_EXIT_QUALIFICATION), &q);
	uint64_t *cr = q.cr == 0 ? &x->sregs.cr0 : q.cr == 4 ? &x->sregs.cr4 : q.cr == 3 ? &x->sregs.cr3 : NULL;
	if (q.cr == 8) { /* TPR without a TPR shadow */
		if (!v->lapic)
			return fail(e, x, "CR8 access without a local APIC");
		if (q.type == VMX_CR_MOV_TO)
			lapic_set_cr8(v->lapic, (uint8_t)(*gpr(x, q.gpr) & 0xf));
		else
			*gpr(x, q.gpr) = lapic_get_cr8(v->lapic);
		skip(x);
		e->reason = VCPU_EXIT_NONE;
		return 0;
	}
	if (!cr)
		return fail(e, x, "CR%u access", q.cr);
	switch (q.type) {
	case VMX_CR_MOV_TO: {
		uint64_t val = *gpr(x, q.gpr);
		if (q.cr == 0) {
			/* Long mode turns on when paging does with EFER.LME (SDM §9.8.5). */
			bool pg = val & (1ull << 31), lme = x->sregs.efer & (1ull << 8);
			if (pg && lme)
				x->sregs.efer |= 1ull << 10;
			else if (!pg)
				x->sregs.efer &= ~(1ull << 10);
		}
		*cr = val;
		break;
	}
	case VMX_CR_MOV_FROM:
		*gpr(x, q.gpr) = *cr;
		break;
	case VMX_CR_CLTS:
		x->sregs.cr0 &= ~(1ull << 3);
		break;
	case VMX_CR_LMSW:
		x->sregs.cr0 = (x->sregs.cr0 & ~0xeull) | (q.lmsw_data & 0xf) | (x->sregs.cr0 & 1);
		break;
	}
	skip(x);
	e->reason = VCPU_EXIT_NONE;
	return 0;
}

/* INS/OUTS, with or without REP (SDM Vol. 2 "INS", "OUTS"): done here, one
 * element at a time straight on the bus, through the guest's page tables.
 * A long REP stops after a batch with RIP unchanged, so the guest resumes it
 * and interrupts are not held off. */
#define STRING_IO_BATCH 4096

static const struct vcpu_segment *seg_by_index(struct vmx_vcpu *x, unsigned int i)
{
	const struct vcpu_segment *s[6] = {&x->sregs.es, &x->sregs.cs, &x->sregs.ss,
					   &x->sregs.ds, &x->sregs.fs, &x->sregs.gs};
	return s[i < 6 ? i : 3];
}

static int string_io(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e, const struct vmx_io_qual *q)
{
	/* VM-exit instruction information: address size 9:7, segment 17:15 (Table 27-8). */
	uint32_t info = (uint32_t)vmread(VMCS_EXIT_INSN_INFO);
	unsigned int asz = info >> 7 & 7;
	uint64_t amask = asz == 0 ? 0xffff : asz == 1 ? 0xffffffffull : ~0ull;
	const struct vcpu_segment *seg = q->in ? &x->sregs.es : seg_by_index(x, info >> 15 & 7);
	uint64_t *idx = q->in ? &x->regs.rdi : &x->regs.rsi;
	int64_t step = (x->regs.rflags & (1u << 10)) ? -(int64_t)q->size : (int64_t)q->size;
	uint64_t count = q->rep ? x->regs.rcx & amask : 1;
	struct gwalk_regs wr = walk_regs(x);
	uint64_t done = 0;

	for (; done < count && done < STRING_IO_BATCH; done++) {
		uint64_t la = seg->base + (*idx & amask), gpa;
		uint32_t data = 0;
		if (gwalk(v->vm, &wr, la, q->in, &gpa))
			return fail(e, x, "string I/O buffer at 0x%llx is not mapped", (unsigned long long)la);
		if (q->in) {
			data = vm_pio_read(v->vm, q->port, q->size);
			if (vm_mem_write(v->vm, gpa, &data, q->size))
				return fail(e, x, "INS into non-RAM at 0x%llx", (unsigned long long)gpa);
		} else {
			if (vm_mem_read(v->vm, gpa, &data, q->size))
				return fail(e, x, "OUTS from non-RAM at 0x%llx", (unsigned long long)gpa);
			vm_pio_write(v->vm, q->port, q->size, data);
		}
		*idx = (*idx & ~amask) | ((*idx + (uint64_t)step) & amask);
	}
	if (q->rep)
		x->regs.rcx = (x->regs.rcx & ~amask) | ((x->regs.rcx - done) & amask);
	if (done == count)
		skip(x);
	x->dirty = true;
	e->reason = VCPU_EXIT_NONE;
	return 0;
}

static int h_io(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	struct vmx_io_qual q;
	vmx_qual_io(vmread(VMCS_EXIT_QUALIFICATION), &q);
	if (q.string)
		return string_io(v, x, e, &q);
	e->reason = VCPU_EXIT_IO;
	e->io.port = q.port;
	e->io.size = q.size;
	e->io.write = !q.in;
	e->io.data = (uint32_t)x->regs.rax & (q.size == 4 ? 0xffffffffu : (1u << (8 * q.size)) - 1);
	if (q.in) {
		x->pending_in = true;
		x->pending_in_size = q.size;
	}
	skip(x);
	return 0;
}

/* An MSR keel does not model reads as 0 and ignores writes, as KVM does
 * with ignore_msrs: a guest probing model-specific MSRs without
 * rdmsr_safe() keeps running. The first few are logged. */
static void unknown_msr(struct vcpu *v, struct vmx_vcpu *x, const char *op)
{
	if (x->unknown_msrs++ < 8)
		klog(LOG_INFO, "vm %s: vcpu%u: %s of unknown MSR 0x%x ignored", v->vm->name, v->id, op,
		     (unsigned int)x->regs.rcx);
}

static int h_rdmsr(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	uint64_t val;
	int r = vmx_get_msr(v, (uint32_t)x->regs.rcx, &val);
	if (r == -2)
		return h_gp(v, x, e);
	if (r) {
		unknown_msr(v, x, "read");
		val = 0;
	}
	x->regs.rax = (uint32_t)val;
	x->regs.rdx = val >> 32;
	return h_skip(v, x, e);
}

static int h_wrmsr(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	uint64_t val = (x->regs.rdx << 32) | (uint32_t)x->regs.rax;
	int r = vmx_set_msr(v, (uint32_t)x->regs.rcx, val);
	if (r == -2)
		return h_gp(v, x, e);
	if (r)
		unknown_msr(v, x, "write");
	return h_skip(v, x, e);
}

/* Writes an instruction's register operand as the CPU would: 32-bit
 * results zero-extend, 8/16-bit ones merge (AH..BH for reg_high8). */
static void store_reg(struct vmx_vcpu *x, const struct x86_memop *m, uint64_t val)
{
	unsigned int size = m->reg_size ? m->reg_size : m->size;
	uint64_t *r = gpr(x, m->reg_high8 ? m->reg - 4u : m->reg);
	if (m->reg_high8)
		*r = (*r & ~0xff00ull) | (val & 0xff) << 8;
	else if (size == 8)
		*r = val;
	else if (size == 4)
		*r = (uint32_t)val;
	else {
		uint64_t mk = (1ull << (8 * size)) - 1;
		*r = (*r & ~mk) | (val & mk);
	}
}

/* An EPT violation outside RAM is MMIO: decode the instruction at RIP and
 * hand the access to the bus (SDM Vol. 3C §28.2.3.2). */
static int h_ept_violation(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	uint64_t gpa = vmread(VMCS_GUEST_PHYS_ADDR);
	struct gwalk_regs wr = walk_regs(x);
	uint8_t bytes[15];
	struct x86_insn in;
	struct x86_memop m;
	enum x86_mode mode = (x->sregs.efer & (1ull << 10)) && x->sregs.cs.l ? X86_MODE_64
			     : x->sregs.cs.db				       ? X86_MODE_32
									       : X86_MODE_16;

	if (vm_gpa_to_hva(v->vm, gpa, 1))
		return fail(e, x, "EPT violation on RAM at 0x%llx", (unsigned long long)gpa);
	uint64_t la = x->sregs.cs.base + x->regs.rip;
	size_t n = 15;
	while (n && gwalk_read(v->vm, &wr, la, bytes, n))
		n--; /* the instruction may end right before an unmapped page */
	e->error.nbytes = (uint8_t)n;
	memcpy(e->error.bytes, bytes, n);
	if (!n || x86_decode(bytes, n, mode, &in) || x86_insn_memop(&in, &m) ||
	    m.regfile != X86_RF_GPR || m.kind == X86_MEMOP_STRING) {
		uint8_t nb = e->error.nbytes;
		fail(e, x, "MMIO at 0x%llx by an instruction keel does not emulate", (unsigned long long)gpa);
		e->error.nbytes = nb;
		memcpy(e->error.bytes, bytes, nb);
		return 0;
	}
	if (m.kind == X86_MEMOP_ALU || m.kind == X86_MEMOP_XCHG) {
		/* Read-modify-write: done here on the bus, flags included. */
		uint64_t src = m.has_imm ? m.imm : *gpr(x, m.reg);
		if (m.reg_high8 && !m.has_imm)
			src = *gpr(x, m.reg - 4) >> 8;
		uint64_t old = vcpu_mmio(v, gpa, m.size, false, 0);
		if (m.kind == X86_MEMOP_XCHG) {
			vcpu_mmio(v, gpa, m.size, true, src);
			store_reg(x, &m, old);
		} else if (m.store) { /* OP mem, reg/imm */
			uint64_t r = x86_alu((enum x86_alu)m.alu, old, src, m.size, &x->regs.rflags);
			if (m.alu != X86_ALU_CMP && m.alu != X86_ALU_TEST)
				vcpu_mmio(v, gpa, m.size, true, r);
		} else { /* OP reg, mem */
			uint64_t r = x86_alu((enum x86_alu)m.alu, src, old, m.size, &x->regs.rflags);
			if (m.alu != X86_ALU_CMP && m.alu != X86_ALU_TEST)
				store_reg(x, &m, r);
		}
		x->regs.rip += in.length;
		x->dirty = true;
		e->reason = VCPU_EXIT_NONE;
		return 0;
	}
	e->reason = VCPU_EXIT_MMIO;
	e->mmio.gpa = gpa;
	e->mmio.size = (uint8_t)m.size;
	e->mmio.write = m.store;
	if (m.store) {
		uint64_t val = m.has_imm ? m.imm : *gpr(x, m.reg);
		if (m.reg_high8 && !m.has_imm)
			val = *gpr(x, m.reg - 4) >> 8;
		e->mmio.data = m.size == 8 ? val : val & ((1ull << (8 * m.size)) - 1);
	} else {
		x->pending_mmio_read = true;
		x->mmio_reg = m.reg;
		x->mmio_size = (uint8_t)m.reg_size;
		x->mmio_sext = m.kind == X86_MEMOP_MOVSX;
		x->mmio_access = (uint8_t)m.size;
	}
	x->regs.rip += in.length;
	x->dirty = true;
	return 0;
}

static int h_entry_fail(struct vcpu *v, struct vmx_vcpu *x, struct vcpu_exit *e)
{
	(void)v;
	uint32_t r = (uint32_t)vmread(VMCS_EXIT_REASON) & 0xffff;
	char text[80];
	return fail(e, x, "VM entry failed: %s",
		    vmx_entry_failure_text(r, vmread(VMCS_EXIT_QUALIFICATION), text, sizeof(text)));
}

static const exit_fn handlers[VMX_EXIT_REASON_MAX + 1] = {
	[VMX_EXIT_EXCEPTION_NMI] = h_none, /* host NMIs; guest exceptions do not exit */
	[VMX_EXIT_EXTERNAL_INTR] = h_none, /* taken by our IDT right after the exit */
	[VMX_EXIT_TRIPLE_FAULT] = h_triple_fault,
	[VMX_EXIT_INIT] = h_none,
	[VMX_EXIT_INTR_WINDOW] = h_intr_window,
	[VMX_EXIT_NMI_WINDOW] = h_nmi_window,
	[VMX_EXIT_EPT_MISCONFIG] = h_ept_misconfig,
	[VMX_EXIT_CPUID] = h_cpuid,
	[VMX_EXIT_GETSEC] = h_ud,
	[VMX_EXIT_HLT] = h_hlt,
	[VMX_EXIT_INVD] = h_skip,
	[VMX_EXIT_VMCALL] = h_ud,
	[VMX_EXIT_VMCLEAR] = h_ud,
	[VMX_EXIT_VMLAUNCH] = h_ud,
	[VMX_EXIT_VMPTRLD] = h_ud,
	[VMX_EXIT_VMPTRST] = h_ud,
	[VMX_EXIT_VMREAD] = h_ud,
	[VMX_EXIT_VMRESUME] = h_ud,
	[VMX_EXIT_VMWRITE] = h_ud,
	[VMX_EXIT_VMXOFF] = h_ud,
	[VMX_EXIT_VMXON] = h_ud,
	[VMX_EXIT_CR_ACCESS] = h_cr,
	[VMX_EXIT_IO] = h_io,
	[VMX_EXIT_RDMSR] = h_rdmsr,
	[VMX_EXIT_WRMSR] = h_wrmsr,
	[VMX_EXIT_ENTRY_GUEST_STATE] = h_entry_fail,
	[VMX_EXIT_ENTRY_MSR_LOAD] = h_entry_fail,
	[VMX_EXIT_ENTRY_MACHINE_CHECK] = h_entry_fail,
	[VMX_EXIT_PAUSE] = h_skip,
	[VMX_EXIT_TPR_BELOW_THRESHOLD] = h_none, /* the run loop delivers what the TPR freed */
	[VMX_EXIT_EPT_VIOLATION] = h_ept_violation,
	[VMX_EXIT_INVEPT] = h_ud,
	[VMX_EXIT_PREEMPT_TIMER] = h_none,
	[VMX_EXIT_INVVPID] = h_ud,
	[VMX_EXIT_WBINVD] = h_skip,
	[VMX_EXIT_XSETBV] = h_gp, /* XSAVE is not offered in CPUID */
	[VMX_EXIT_VMFUNC] = h_ud,
};

/* ---- entry -------------------------------------------------------------- */
static void complete_pending(struct vmx_vcpu *x, const struct vcpu_exit *e)
{
	if (x->pending_in) {
		uint64_t mask = x->pending_in_size == 4 ? 0xffffffffull : (1ull << (8 * x->pending_in_size)) - 1;
		/* IN EAX zero-extends into RAX; IN AL/AX keep the rest. */
		x->regs.rax = x->pending_in_size == 4 ? e->io.data : (x->regs.rax & ~mask) | (e->io.data & mask);
		x->pending_in = false;
		x->dirty = true;
	}
	if (x->pending_mmio_read) {
		uint64_t d = e->mmio.data, *r = gpr(x, x->mmio_reg);
		if (x->mmio_access < 8)
			d &= (1ull << (8 * x->mmio_access)) - 1;
		if (x->mmio_sext && x->mmio_access < 8 && (d >> (8 * x->mmio_access - 1) & 1))
			d |= ~0ull << (8 * x->mmio_access);
		if (x->mmio_size == 4)
			*r = (uint32_t)d; /* 32-bit writes zero-extend */
		else if (x->mmio_size == 8)
			*r = d;
		else {
			uint64_t m = (1ull << (8 * x->mmio_size)) - 1;
			*r = (*r & ~m) | (d & m);
		}
		x->pending_mmio_read = false;
		x->dirty = true;
	}
}

static void load_syscall_msrs(struct vmx_vcpu *x, uint32_t cpu)
{
	if (msrs_loaded[cpu] == x && !x->msrs_dirty)
		return;
	wrmsr(0xc0000081, x->star);
	wrmsr(0xc0000082, x->lstar);
	wrmsr(0xc0000083, x->cstar);
	wrmsr(0xc0000084, x->sfmask);
	wrmsr(0xc0000102, x->kernel_gs_base);
	wrmsr(0xc0000103, x->tsc_aux);
	msrs_loaded[cpu] = x;
	x->msrs_dirty = false;
}

void vmx_release(struct vcpu *v)
{
	struct vmx_vcpu *x = v->backend;
	uint32_t cpu = this_cpu()->idx;
	uint64_t vmcs = (uint64_t)(uintptr_t)x->vmcs;

	if (x->cpu != (int)cpu)
		return;
	vmclear(vmcs); /* writes its state back to memory; not current anywhere */
	if (current_vmcs[cpu] == vmcs)
		current_vmcs[cpu] = 0;
	x->cpu = -1;
	x->launched = 0;
	x->migrations++;
}

int vmx_run(struct vcpu *v, struct vcpu_exit *e)
{
	struct vmx_vcpu *x = v->backend;
	uint32_t cpu = this_cpu()->idx;
	uint64_t vmcs = (uint64_t)(uintptr_t)x->vmcs;

	complete_pending(x, e);
	if (x->cpu != (int)cpu) {
		/* A VMCS is active on one CPU at a time: the CPU it left ran
		 * vmx_release() (VMCLEAR), or this is its first run (SDM Vol. 3C
		 * §24.11.1). The host state in it is per CPU: write it anew. */
		if (x->cpu >= 0)
			return fail(e, x, "vCPU moved from cpu%d without VMCLEAR there", x->cpu);
		if ((!x->ever_ran && vmclear(vmcs)) || vmptrld(vmcs))
			return fail(e, x, "VMPTRLD failed");
		vmx_vmcs_setup(x);
		/* Translations cached here from an earlier stay of this vCPU are
		 * stale: drop those tagged with its EPTP (SDM Vol. 3C 28.3.3.1). */
		if (x->ever_ran)
			invept(vmx_caps.ept_vpid & VMX_EPT_INVEPT_SINGLE ? 1 : 2, x->eptp);
		x->ever_ran = true;
		x->cpu = (int)cpu;
		x->launched = 0;
		x->dirty = true;
		current_vmcs[cpu] = vmcs;
	} else if (current_vmcs[cpu] != vmcs) { /* another vCPU ran here meanwhile */
		if (vmptrld(vmcs))
			return fail(e, x, "VMPTRLD failed");
		current_vmcs[cpu] = vmcs;
	}
	if (x->dirty)
		vmx_state_to_vmcs(x);
	uint32_t entry = x->ctl.entry & ~VMX_ENTRYCTL_IA32E_GUEST;
	if (x->sregs.efer & (1ull << 10))
		entry |= VMX_ENTRYCTL_IA32E_GUEST;
	vmwrite(VMCS_ENTRY_CONTROLS, entry);
	vmwrite(VMCS_PROC_CONTROLS, x->ctl.proc | (x->window_requested ? VMX_PROC_INTR_WINDOW_EXIT : 0) |
					    (x->nmi_window_requested ? VMX_PROC_NMI_WINDOW_EXIT : 0));
	vmwrite(VMCS_ENTRY_INTR_INFO, x->inject_info);
	if (x->inject_info & (1u << 11))
		vmwrite(VMCS_ENTRY_EXCEPTION_ERROR, x->inject_error);
	load_syscall_msrs(x, cpu);
	/* TPR shadow (SDM Vol. 3C 29.1): the guest reads and writes CR8 in the
	 * virtual-APIC page; it exits when it lowers the TPR below the class
	 * of an interrupt the TPR alone holds back. */
	uint8_t vtpr = 0;
	if (x->ctl.tpr_shadow && v->lapic) {
		vtpr = (uint8_t)(v->lapic->s.tpr & 0xff);
		x->vapic[0x80] = vtpr;
		vmwrite(VMCS_TPR_THRESHOLD, lapic_tpr_threshold(v->lapic));
	}
	/* The preemption timer ends each entry after a slice (10 ms of TSC),
	 * so timers and other vCPUs get their turn (SDM Vol. 3C §25.5.1). */
	if (x->ctl.preempt_timer)
		vmwrite(VMCS_PREEMPTION_TIMER, (tsc_hz / 100) >> vmx_caps.preempt_shift);

	cli();
	__asm__ volatile("fxrstor64 %0" ::"m"(x->fpu.fxsave));
	int failed = vmx_enter(&x->g, x->launched);
	__asm__ volatile("fxsave64 %0" : "=m"(x->fpu.fxsave));
	sti(); /* a host interrupt that caused the exit is taken here */

	if (failed) {
		return fail(e, x, "%s failed: %s", x->launched ? "VMRESUME" : "VMLAUNCH",
			    vmx_insn_error_name((unsigned int)vmread(VMCS_INSN_ERROR)));
	}
	x->launched = 1;
	x->inject_info = 0;
	/* SWAPGS changes KERNEL_GS_BASE without an exit: keep the live value,
	 * or the next vCPU loaded on this CPU overwrites it (SDM Vol. 2B SWAPGS). */
	x->kernel_gs_base = rdmsr(0xc0000102);
	if (x->ctl.tpr_shadow && v->lapic && x->vapic[0x80] != vtpr)
		lapic_set_tpr(v->lapic, x->vapic[0x80]);
	vmx_state_from_vmcs(x);
	/* An event whose delivery the exit interrupted must be delivered again. */
	uint32_t idt = (uint32_t)vmread(VMCS_IDT_VECTORING_INFO);
	if (idt & (1u << 31)) {
		x->inject_info = idt & ~(1u << 12);
		x->inject_error = (uint32_t)vmread(VMCS_IDT_VECTORING_ERROR);
	}
	uint32_t reason = (uint32_t)vmread(VMCS_EXIT_REASON);
	unsigned int basic = reason & 0xffff;
	if (basic < sizeof(x->exits_by_reason) / sizeof(x->exits_by_reason[0]))
		x->exits_by_reason[basic]++;
	if (basic <= VMX_EXIT_REASON_MAX && handlers[basic])
		return handlers[basic](v, x, e);
	return fail(e, x, "unhandled VM exit %u (%s)", basic, vmx_exit_reason_name(basic));
}
