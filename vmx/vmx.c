/* The VT-x vCPU: VMXON per host CPU, one VMCS per vCPU, the guest state
 * kept in software copies that are written to the VMCS before entry when
 * they changed and read back after each exit. SDM Vol. 3C ch. 24 (VMCS),
 * ch. 26 (VM entry checks), ch. 27 (VM exits). Kernel only. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mem.h"
#include "arch/x86_64/percpu.h"
#include "console/klog.h"
#include "ept/ept.h"
#include "vm/vm.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_hw.h"
#include "vmx/vmx_int.h"

struct vmx_caps vmx_caps;
static struct vmx_controls base_ctl;
static int caps_ready;
static volatile int cpu_on[CPU_MAX];

static uint64_t msr_cb(void *o, uint32_t msr)
{
	(void)o;
	return rdmsr(msr);
}

int vmx_cpu_enable(char *why, size_t n)
{
	struct cpu *c = this_cpu();
	if (cpu_on[c->idx])
		return 0;
	if (!c->vtx_usable) {
		snprintf(why, n, "%s", c->vtx_reason);
		return -1;
	}
	/* Every CPU of a machine reports the same capabilities; read them once. */
	if (!caps_ready) {
		if (vmx_caps_parse(&vmx_caps, msr_cb, NULL, why, n) ||
		    vmx_controls_compute(&vmx_caps, &base_ctl, why, n))
			return -1;
		/* We let pending host interrupts reach our IDT after the exit
		 * instead of acknowledging them in the exit (SDM §27.2.2). */
		base_ctl.exit &= ~VMX_EXITCTL_ACK_INTR;
		/* With a TPR shadow, MOV to/from CR8 stay in the guest: the
		 * virtual-APIC page's TPR is kept in step with the LAPIC model
		 * around each entry (vmx_exit.c). */
		caps_ready = 1;
		klog(LOG_INFO, "vmx: EPT (2M %s, 1G %s, A/D %s), VPID %s, TPR shadow %s, preemption timer %s",
		     base_ctl.ept_2m ? "yes" : "no", base_ctl.ept_1g ? "yes" : "no",
		     base_ctl.ept_ad ? "yes" : "no", base_ctl.vpid ? "yes" : "no",
		     base_ctl.tpr_shadow ? "yes" : "no", base_ctl.preempt_timer ? "yes" : "no");
	}
	void *region = memalign(4096, 4096);
	if (!region) {
		snprintf(why, n, "no memory for the VMXON region");
		return -1;
	}
	memset(region, 0, 4096);
	*(uint32_t *)region = vmx_caps.revision;
	write_cr0(vmx_fixed_cr0(&vmx_caps, read_cr0(), false));
	write_cr4(vmx_fixed_cr4(&vmx_caps, read_cr4() | CR4_VMXE));
	if (vmxon((uint64_t)(uintptr_t)region)) {
		snprintf(why, n, "VMXON failed on cpu%u", c->idx);
		return -1;
	}
	cpu_on[c->idx] = 1;
	return 0;
}

/* ---- guest memory in EPT ------------------------------------------------ */
static uint64_t ept_alloc(void *o)
{
	(void)o;
	uint64_t pa = frames_alloc(&frames, 1, 4096, 0);
	if (pa == FRAMES_NONE)
		return 0;
	memset((void *)(uintptr_t)pa, 0, 4096);
	return pa;
}
static void ept_free(void *o, uint64_t pa)
{
	(void)o;
	frames_free(&frames, pa, 1);
}
static void *ept_virt(void *o, uint64_t pa)
{
	(void)o;
	return (void *)(uintptr_t)pa; /* keel identity-maps all memory */
}
static const struct ept_ops ept_host_ops = {ept_alloc, ept_free, ept_virt};

/* RAM is host memory at vm->ram (identity mapped, so also its physical
 * address); the VGA window and the PCI hole stay unmapped and fault into
 * the MMIO path. */
static int map_guest_ram(struct vm *vm, struct ept *e)
{
	uint64_t hpa = (uint64_t)(uintptr_t)vm->ram;
	int r = ept_map(e, 0, hpa, VM_VGA_HOLE_START, EPT_RWX, EPT_MT_WB);
	if (!r && vm->lowmem > VM_VGA_HOLE_END)
		r = ept_map(e, VM_VGA_HOLE_END, hpa + VM_VGA_HOLE_END, vm->lowmem - VM_VGA_HOLE_END,
			    EPT_RWX, EPT_MT_WB);
	if (!r && vm->highmem)
		r = ept_map(e, VM_HIGH_BASE, hpa + vm->lowmem, vm->highmem, EPT_RWX, EPT_MT_WB);
	return r;
}

/* ---- vcpu_ops ----------------------------------------------------------- */
static void seg_reset(struct vcpu_segment *s, uint16_t sel, uint64_t base, uint8_t type)
{
	*s = (struct vcpu_segment){.base = base, .limit = 0xffff, .selector = sel, .type = type,
				   .s = 1, .present = 1};
}

/* The RESET state (SDM Vol. 3A §9.1.1, Table 9-1). */
static void vmx_reset(struct vcpu *v)
{
	struct vmx_vcpu *x = v->backend;
	uint32_t sig[4];

	memset(&x->g, 0, sizeof(x->g));
	memset(&x->regs, 0, sizeof(x->regs));
	memset(&x->sregs, 0, sizeof(x->sregs));
	cpuid(1, 0, sig);
	x->regs.rdx = sig[0];
	x->regs.rip = 0xfff0;
	x->regs.rflags = 2;
	seg_reset(&x->sregs.cs, 0xf000, 0xffff0000u, 0xb);
	seg_reset(&x->sregs.ds, 0, 0, 3);
	x->sregs.es = x->sregs.fs = x->sregs.gs = x->sregs.ss = x->sregs.ds;
	x->sregs.ldt = (struct vcpu_segment){.limit = 0xffff, .type = 2, .present = 1};
	x->sregs.tr = (struct vcpu_segment){.limit = 0xffff, .type = 0xb, .present = 1};
	x->sregs.gdt.limit = x->sregs.idt.limit = 0xffff;
	x->sregs.cr0 = 0x60000010;
	x->pat = 0x0007040600070406ull;
	memset(&x->fpu, 0, sizeof(x->fpu));
	*(uint16_t *)&x->fpu.fxsave[0] = 0x37f; /* FCW after FNINIT */
	*(uint32_t *)&x->fpu.fxsave[24] = 0x1f80; /* MXCSR */
	x->fpu.xcr0 = 1;
	x->inject_info = 0;
	x->pending_in = x->pending_mmio_read = false;
	x->window_requested = x->nmi_window_requested = false;
	x->dirty = true;
}

static int vmx_init(struct vcpu *v)
{
	struct vmx_vcpu *x = memalign(64, sizeof(*x));
	if (!x)
		return -ENOMEM;
	memset(x, 0, sizeof(*x));
	x->cpu = -1;
	x->vmcs = memalign(4096, 4096);
	x->msr_bitmap = memalign(4096, 4096);
	x->io_bitmaps = memalign(4096, 8192);
	x->vapic = base_ctl.tpr_shadow ? memalign(4096, 4096) : NULL;
	x->ept = malloc(sizeof(*x->ept));
	if (!x->vmcs || !x->msr_bitmap || !x->io_bitmaps || !x->ept ||
	    (base_ctl.tpr_shadow && !x->vapic))
		goto nomem;
	if (x->vapic)
		memset(x->vapic, 0, 4096);
	memset(x->vmcs, 0, 4096);
	*(uint32_t *)x->vmcs = vmx_caps.revision;
	/* Every port exits: all of them belong to device models on the buses. */
	memset(x->io_bitmaps, 0xff, 8192);
	vmx_msr_bitmap_init(x->msr_bitmap);
	unsigned int fl = (base_ctl.ept_2m ? EPT_F_2M : 0) | (base_ctl.ept_1g ? EPT_F_1G : 0);
	if (ept_init(x->ept, &ept_host_ops, NULL, fl) || map_guest_ram(v->vm, x->ept))
		goto nomem;
	x->eptp = ept_eptp(x->ept, base_ctl.ept_ad);
	x->ctl = base_ctl;
	v->backend = x;
	vmx_reset(v);
	return 0;
nomem:
	free(x->vapic);
	free(x->vmcs);
	free(x->msr_bitmap);
	free(x->io_bitmaps);
	free(x->ept);
	free(x);
	return -ENOMEM;
}

static void vmx_destroy(struct vcpu *v)
{
	struct vmx_vcpu *x = v->backend;
	if (!x)
		return;
	if (x->cpu >= 0)
		vmclear((uint64_t)(uintptr_t)x->vmcs);
	ept_fini(x->ept);
	free(x->ept);
	free(x->vmcs);
	free(x->msr_bitmap);
	free(x->io_bitmaps);
	free(x->vapic);
	free(x);
	v->backend = NULL;
}

static int get_regs(struct vcpu *v, struct vcpu_regs *r)
{
	*r = ((struct vmx_vcpu *)v->backend)->regs;
	return 0;
}
static int set_regs(struct vcpu *v, const struct vcpu_regs *r)
{
	struct vmx_vcpu *x = v->backend;
	x->regs = *r;
	x->dirty = true;
	return 0;
}
static int get_sregs(struct vcpu *v, struct vcpu_sregs *s)
{
	*s = ((struct vmx_vcpu *)v->backend)->sregs;
	return 0;
}
static int set_sregs(struct vcpu *v, const struct vcpu_sregs *s)
{
	struct vmx_vcpu *x = v->backend;
	x->sregs = *s;
	x->dirty = true;
	return 0;
}
static int get_fpu(struct vcpu *v, struct vcpu_fpu *f)
{
	*f = ((struct vmx_vcpu *)v->backend)->fpu;
	return 0;
}
static int set_fpu(struct vcpu *v, const struct vcpu_fpu *f)
{
	((struct vmx_vcpu *)v->backend)->fpu = *f;
	return 0;
}

static bool irq_window_open(struct vcpu *v)
{
	struct vmx_vcpu *x = v->backend;
	return (x->regs.rflags & (1u << 9)) && !x->inject_info && !vmx_interrupt_shadow(x);
}

static void request_irq_window(struct vcpu *v) { ((struct vmx_vcpu *)v->backend)->window_requested = true; }

/* An NMI may go in unless one is being handled (virtual-NMI blocking until
 * IRET), MOV SS/STI blocking holds, or another event is queued (SDM Vol. 3C
 * 26.3.1.5: NMI injection needs those blocking bits clear). */
static bool nmi_window_open(struct vcpu *v)
{
	struct vmx_vcpu *x = v->backend;
	return !x->inject_info && !vmx_interrupt_shadow(x) &&
	       !(x->ctl.virtual_nmis && (x->interruptibility & VMX_INTERRUPTIBILITY_NMI));
}

static void request_nmi_window(struct vcpu *v)
{
	struct vmx_vcpu *x = v->backend;
	if (x->ctl.proc_dynamic & VMX_PROC_NMI_WINDOW_EXIT)
		x->nmi_window_requested = true;
}

/* VM-entry interruption information (SDM Vol. 3C §24.8.3). */
static int inject(struct vcpu *v, const struct vcpu_event *e)
{
	struct vmx_vcpu *x = v->backend;
	uint32_t type = e->type == VCPU_EVENT_INTR ? 0 : e->type == VCPU_EVENT_NMI ? 2 : 3;
	x->inject_info = (1u << 31) | type << 8 | e->vector | (e->has_error ? 1u << 11 : 0);
	x->inject_error = e->error;
	return 0;
}

static void kick(struct vcpu *v) { (void)v; /* the host timer tick ends every entry */ }

const struct vcpu_ops vmx_vcpu_ops = {
	.name = "vt-x",
	.init = vmx_init,
	.destroy = vmx_destroy,
	.reset = vmx_reset,
	.run = vmx_run,
	.get_regs = get_regs,
	.set_regs = set_regs,
	.get_sregs = get_sregs,
	.set_sregs = set_sregs,
	.get_fpu = get_fpu,
	.set_fpu = set_fpu,
	.get_msr = vmx_get_msr,
	.set_msr = vmx_set_msr,
	.irq_window_open = irq_window_open,
	.request_irq_window = request_irq_window,
	.nmi_window_open = nmi_window_open,
	.request_nmi_window = request_nmi_window,
	.inject = inject,
	.kick = kick,
	.release = vmx_release,
};
