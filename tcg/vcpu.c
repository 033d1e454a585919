/*
 * tcg/vcpu.c - the translator as a struct vcpu_ops: life cycle, the RESET
 * state (SDM Vol. 3A §9.1.1, Table 9-1), register access in the engine's
 * formats, and event injection.
 */
#include <string.h>
#include "tcg/cpu.h"
#include "tcg/exec.h"
#include "tcg/flags.h"
#include "tcg/fpu.h"
#include "tcg/tcg.h"
#include "tcg/tcg_int.h"
#include "vm/vm.h"

static struct tcg_cpu *cpu(struct vcpu *v) { return &((struct tcg_vcpu *)v->backend)->cpu; }

static void seg_reset(struct tcg_seg *s, uint16_t sel, uint64_t base, uint32_t attr)
{
	*s = (struct tcg_seg){.base = base, .limit = 0xffff, .sel = sel, .attr = attr};
}

static void tcg_reset(struct vcpu *v)
{
	struct tcg_cpu *c = cpu(v);
	memset(c->gpr, 0, sizeof(c->gpr));
	c->gpr[2] = 0xf61; /* EDX: the processor signature (tcg/cpuid.c) */
	c->rip = 0xfff0;
	tcg_flags_set(c, 2);
	for (unsigned k = 0; k < TCG_NSEG; k++)
		seg_reset(&c->seg[k], 0, 0, 0x93);
	seg_reset(&c->seg[X86_SEG_CS], 0xf000, 0xffff0000u, 0x9b);
	seg_reset(&c->ldt, 0, 0, 0x82);
	seg_reset(&c->tr, 0, 0, 0x8b);
	c->gdt_base = c->idt_base = 0;
	c->gdt_limit = c->idt_limit = 0xffff;
	c->cr0 = 0x60000010;
	c->cr2 = c->cr3 = c->cr4 = c->cr8 = 0;
	c->efer = 0;
	c->xcr0 = 1;
	memset(c->dr, 0, sizeof(c->dr));
	c->dr[6] = 0xffff0ff0;
	c->dr[7] = 0x400;
	c->star = c->lstar = c->cstar = c->sfmask = c->kernel_gs_base = 0;
	c->sysenter_cs = c->sysenter_esp = c->sysenter_eip = 0;
	c->tsc_offset = 0;
	c->tsc_adjust = 0;
	c->tsc_aux = 0;
	c->pat = 0x0007040600070406ull;
	c->misc_enable = 1; /* fast strings */
	c->mtrr_def_type = 0;
	memset(c->mtrr_fixed, 0, sizeof(c->mtrr_fixed));
	memset(c->mtrr_var, 0, sizeof(c->mtrr_var));
	tcg_fpu_reset(c);
	c->shadow = 0;
	c->nmi_blocked = false;
	c->event_pending = false;
	c->want_irq_window = false;
	c->halted = c->io_done = c->end_block = c->shutdown = false;
	/* RAM may be reloaded behind our back (a VM reset reloads the kernel
	 * without guest stores): decoded code from before is not trusted */
	tcg_vm_flush(v->vm);
	tcg_tlb_flush(c);
	tcg_cpu_update_mode(c);
	c->end_block = false;
}

static int tcg_init(struct vcpu *v)
{
	int r = tcg_vcpu_attach(v);
	if (r)
		return r;
	tcg_reset(v);
	return 0;
}

static int get_regs(struct vcpu *v, struct vcpu_regs *r)
{
	struct tcg_cpu *c = cpu(v);
	const uint64_t *g = c->gpr;
	*r = (struct vcpu_regs){g[0], g[3], g[1], g[2], g[6], g[7], g[4], g[5], g[8], g[9], g[10],
				g[11], g[12], g[13], g[14], g[15], c->rip, tcg_flags(c)};
	return 0;
}

static int set_regs(struct vcpu *v, const struct vcpu_regs *r)
{
	struct tcg_cpu *c = cpu(v);
	uint64_t *g = c->gpr;
	g[0] = r->rax, g[3] = r->rbx, g[1] = r->rcx, g[2] = r->rdx;
	g[6] = r->rsi, g[7] = r->rdi, g[4] = r->rsp, g[5] = r->rbp;
	g[8] = r->r8, g[9] = r->r9, g[10] = r->r10, g[11] = r->r11;
	g[12] = r->r12, g[13] = r->r13, g[14] = r->r14, g[15] = r->r15;
	c->rip = r->rip;
	tcg_flags_set(c, r->rflags);
	return 0;
}

static void seg_out(const struct tcg_seg *s, struct vcpu_segment *o)
{
	uint32_t a = s->attr;
	*o = (struct vcpu_segment){
		.base = s->base, .limit = s->limit, .selector = s->sel,
		.type = a & 0xf, .s = (a >> 4) & 1, .dpl = (a >> 5) & 3, .present = (a >> 7) & 1,
		.avl = (a >> 12) & 1, .l = (a >> 13) & 1, .db = (a >> 14) & 1, .g = (a >> 15) & 1,
		.unusable = (a & TCG_SEG_UNUSABLE) != 0,
	};
}

static void seg_in(const struct vcpu_segment *o, struct tcg_seg *s)
{
	s->base = o->base;
	s->limit = o->limit;
	s->sel = o->selector;
	s->attr = (uint32_t)(o->type & 0xf) | (uint32_t)(o->s & 1) << 4 | (uint32_t)(o->dpl & 3) << 5 |
		  (uint32_t)(o->present & 1) << 7 | (uint32_t)(o->avl & 1) << 12 |
		  (uint32_t)(o->l & 1) << 13 | (uint32_t)(o->db & 1) << 14 | (uint32_t)(o->g & 1) << 15 |
		  (o->unusable ? TCG_SEG_UNUSABLE : 0);
}

static int get_sregs(struct vcpu *v, struct vcpu_sregs *s)
{
	struct tcg_cpu *c = cpu(v);
	seg_out(&c->seg[X86_SEG_CS], &s->cs);
	seg_out(&c->seg[X86_SEG_DS], &s->ds);
	seg_out(&c->seg[X86_SEG_ES], &s->es);
	seg_out(&c->seg[X86_SEG_FS], &s->fs);
	seg_out(&c->seg[X86_SEG_GS], &s->gs);
	seg_out(&c->seg[X86_SEG_SS], &s->ss);
	seg_out(&c->tr, &s->tr);
	seg_out(&c->ldt, &s->ldt);
	s->gdt = (struct vcpu_dtable){c->gdt_base, c->gdt_limit};
	s->idt = (struct vcpu_dtable){c->idt_base, c->idt_limit};
	s->cr0 = c->cr0, s->cr2 = c->cr2, s->cr3 = c->cr3, s->cr4 = c->cr4;
	s->cr8 = c->cr8, s->efer = c->efer;
	return 0;
}

static int set_sregs(struct vcpu *v, const struct vcpu_sregs *s)
{
	struct tcg_cpu *c = cpu(v);
	seg_in(&s->cs, &c->seg[X86_SEG_CS]);
	seg_in(&s->ds, &c->seg[X86_SEG_DS]);
	seg_in(&s->es, &c->seg[X86_SEG_ES]);
	seg_in(&s->fs, &c->seg[X86_SEG_FS]);
	seg_in(&s->gs, &c->seg[X86_SEG_GS]);
	seg_in(&s->ss, &c->seg[X86_SEG_SS]);
	seg_in(&s->tr, &c->tr);
	seg_in(&s->ldt, &c->ldt);
	c->gdt_base = s->gdt.base, c->gdt_limit = s->gdt.limit;
	c->idt_base = s->idt.base, c->idt_limit = s->idt.limit;
	c->cr0 = s->cr0 | TCG_CR0_ET, c->cr2 = s->cr2, c->cr3 = s->cr3, c->cr4 = s->cr4;
	c->cr8 = s->cr8, c->efer = s->efer;
	tcg_tlb_flush(c);
	tcg_cpu_update_mode(c);
	c->end_block = false;
	c->shutdown = false; /* new state: whatever stopped the old one is gone */
	return 0;
}

static int get_fpu(struct vcpu *v, struct vcpu_fpu *f)
{
	memcpy(f->fxsave, cpu(v)->fxsave, sizeof(f->fxsave));
	f->xcr0 = cpu(v)->xcr0;
	return 0;
}

static int set_fpu(struct vcpu *v, const struct vcpu_fpu *f)
{
	memcpy(cpu(v)->fxsave, f->fxsave, sizeof(f->fxsave));
	return 0;
}

/* MSR access from outside: a #GP from the MSR code becomes -1. */
static int msr_access(struct vcpu *v, uint32_t msr, uint64_t *val, bool write)
{
	struct tcg_cpu *c = cpu(v);
	tcg_jmpbuf jb;
	void **saved = c->jb;
	volatile int r = -1;
	c->jb = jb;
	if (!tcg_setjmp(jb))
		r = (write ? tcg_wrmsr(c, msr, *val) : tcg_rdmsr(c, msr, val)) ? 0 : -1;
	c->jb = saved;
	c->end_block = false;
	return r;
}

static int get_msr(struct vcpu *v, uint32_t msr, uint64_t *val) { return msr_access(v, msr, val, false); }
static int set_msr(struct vcpu *v, uint32_t msr, uint64_t val) { return msr_access(v, msr, &val, true); }

static bool irq_window_open(struct vcpu *v)
{
	struct tcg_cpu *c = cpu(v);
	return (c->rflags & TCG_IF) && !c->shadow && !c->event_pending;
}

static void request_irq_window(struct vcpu *v) { cpu(v)->want_irq_window = true; }

static int inject(struct vcpu *v, const struct vcpu_event *e)
{
	struct tcg_cpu *c = cpu(v);
	if (c->event_pending)
		return -1;
	c->event_pending = true;
	c->ev_vector = e->vector;
	c->ev_kind = e->type == VCPU_EVENT_INTR ? 0 : e->type == VCPU_EVENT_NMI ? 1 : 2;
	c->ev_has_err = e->has_error;
	c->ev_err = e->error;
	return 0;
}

const struct vcpu_ops tcg_vcpu_ops = {
	.name = "tcg",
	.init = tcg_init,
	.destroy = tcg_vcpu_detach,
	.reset = tcg_reset,
	.run = tcg_vcpu_run,
	.get_regs = get_regs,
	.set_regs = set_regs,
	.get_sregs = get_sregs,
	.set_sregs = set_sregs,
	.get_fpu = get_fpu,
	.set_fpu = set_fpu,
	.get_msr = get_msr,
	.set_msr = set_msr,
	.irq_window_open = irq_window_open,
	.request_irq_window = request_irq_window,
	.inject = inject,
	.kick = tcg_vcpu_kick,
};
