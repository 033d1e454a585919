/* Filling the VMCS: controls and host state once per (vCPU, host CPU), and
 * the guest state from the software copies (SDM Vol. 3C §24.4-24.8, and the
 * entry checks of §26.2-26.3 that decide what values are legal). */
#include <string.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/desc.h"
#include "arch/x86_64/percpu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_hw.h"
#include "vmx/vmx_int.h"

#define CR0_PE_PG ((1ull << 0) | (1ull << 31))
#define EFER_LMA (1ull << 10)

static uint64_t sgdt_base(void)
{
	struct {
		uint16_t lim;
		uint64_t base;
	} __attribute__((packed)) d;
	__asm__ volatile("sgdt %0" : "=m"(d));
	return d.base;
}

static uint64_t sidt_base(void)
{
	struct {
		uint16_t lim;
		uint64_t base;
	} __attribute__((packed)) d;
	__asm__ volatile("sidt %0" : "=m"(d));
	return d.base;
}

/* Bits of CR0/CR4 the guest may not own: the fixed ones. With unrestricted
 * guest, PE and PG are the guest's (SDM Vol. 3C §26.3.1.1). */
static uint64_t cr0_mask(void) { return (vmx_caps.cr0_fixed0 | ~vmx_caps.cr0_fixed1) & ~CR0_PE_PG; }
static uint64_t cr4_mask(void) { return vmx_caps.cr4_fixed0 | ~vmx_caps.cr4_fixed1; }

void vmx_vmcs_setup(struct vmx_vcpu *x)
{
	struct cpu *c = this_cpu();

	vmwrite(VMCS_PIN_CONTROLS, x->ctl.pin);
	vmwrite(VMCS_PROC_CONTROLS, x->ctl.proc);
	vmwrite(VMCS_PROC2_CONTROLS, x->ctl.proc2);
	vmwrite(VMCS_EXIT_CONTROLS, x->ctl.exit);
	vmwrite(VMCS_ENTRY_CONTROLS, x->ctl.entry);
	vmwrite(VMCS_EXCEPTION_BITMAP, 1u << 18); /* #MC is the host's business */
	vmwrite(VMCS_CR3_TARGET_COUNT, 0);
	vmwrite(VMCS_MSR_BITMAP, (uint64_t)(uintptr_t)x->msr_bitmap);
	vmwrite(VMCS_IO_BITMAP_A, (uint64_t)(uintptr_t)x->io_bitmaps);
	vmwrite(VMCS_IO_BITMAP_B, (uint64_t)(uintptr_t)x->io_bitmaps + 4096);
	vmwrite(VMCS_EPTP, x->eptp);
	if (x->ctl.tpr_shadow) /* SDM Vol. 3C 29.1: the TPR shadow lives there */
		vmwrite(VMCS_VIRTUAL_APIC_ADDR, (uint64_t)(uintptr_t)x->vapic);
	if (x->ctl.vpid)
		vmwrite(VMCS_VPID, 1 + c->idx); /* nonzero; one per host CPU is enough for one VM */
	vmwrite(VMCS_LINK_POINTER, ~0ull);
	vmwrite(VMCS_CR0_GUEST_HOST_MASK, cr0_mask());
	vmwrite(VMCS_CR4_GUEST_HOST_MASK, cr4_mask());
	if (x->ctl.proc2 & VMX_PROC2_XSAVES)
		vmwrite(VMCS_XSS_EXIT_BITMAP, 0);
	vmwrite(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, 0);

	/* Host state: what the CPU returns to at vmx_exit_point (§24.5). */
	vmwrite(VMCS_HOST_CR0, read_cr0());
	vmwrite(VMCS_HOST_CR3, read_cr3());
	vmwrite(VMCS_HOST_CR4, read_cr4());
	vmwrite(VMCS_HOST_CS_SEL, SEL_KCODE);
	vmwrite(VMCS_HOST_SS_SEL, SEL_KDATA);
	vmwrite(VMCS_HOST_DS_SEL, SEL_KDATA);
	vmwrite(VMCS_HOST_ES_SEL, SEL_KDATA);
	vmwrite(VMCS_HOST_FS_SEL, 0);
	vmwrite(VMCS_HOST_GS_SEL, 0);
	vmwrite(VMCS_HOST_TR_SEL, SEL_TSS);
	vmwrite(VMCS_HOST_FS_BASE, 0);
	vmwrite(VMCS_HOST_GS_BASE, (uint64_t)(uintptr_t)c);
	vmwrite(VMCS_HOST_TR_BASE, (uint64_t)(uintptr_t)&c->gdt.tss);
	vmwrite(VMCS_HOST_GDTR_BASE, sgdt_base());
	vmwrite(VMCS_HOST_IDTR_BASE, sidt_base());
	vmwrite(VMCS_HOST_SYSENTER_CS, 0);
	vmwrite(VMCS_HOST_SYSENTER_ESP, 0);
	vmwrite(VMCS_HOST_SYSENTER_EIP, 0);
	vmwrite(VMCS_HOST_EFER, rdmsr(MSR_EFER));
	vmwrite(VMCS_HOST_PAT, rdmsr(0x277));
	vmwrite(VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_point);
}

/* Access-rights byte layout (SDM Vol. 3C Table 24-2). */
static uint32_t ar(const struct vcpu_segment *s)
{
	if (s->unusable)
		return 1u << 16;
	return (uint32_t)(s->type & 0xf) | (uint32_t)(s->s & 1) << 4 | (uint32_t)(s->dpl & 3) << 5 |
	       (uint32_t)(s->present & 1) << 7 | (uint32_t)(s->avl & 1) << 12 |
	       (uint32_t)(s->l & 1) << 13 | (uint32_t)(s->db & 1) << 14 | (uint32_t)(s->g & 1) << 15;
}

static void unar(struct vcpu_segment *s, uint32_t a)
{
	s->type = a & 0xf;
	s->s = a >> 4 & 1;
	s->dpl = a >> 5 & 3;
	s->present = a >> 7 & 1;
	s->avl = a >> 12 & 1;
	s->l = a >> 13 & 1;
	s->db = a >> 14 & 1;
	s->g = a >> 15 & 1;
	s->unusable = a >> 16 & 1;
}

#define SEG_FIELDS(name, seg)                                                              \
	{VMCS_GUEST_##name##_SEL, VMCS_GUEST_##name##_BASE, VMCS_GUEST_##name##_LIMIT,      \
	 VMCS_GUEST_##name##_AR, offsetof(struct vcpu_sregs, seg)}

static const struct {
	uint32_t sel, base, limit, ar;
	size_t off;
} segs[] = {
	SEG_FIELDS(CS, cs), SEG_FIELDS(DS, ds), SEG_FIELDS(ES, es), SEG_FIELDS(FS, fs),
	SEG_FIELDS(GS, gs), SEG_FIELDS(SS, ss), SEG_FIELDS(TR, tr), SEG_FIELDS(LDTR, ldt),
};

void vmx_state_to_vmcs(struct vmx_vcpu *x)
{
	struct vcpu_sregs *s = &x->sregs;

	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		const struct vcpu_segment *g = (const void *)((const char *)s + segs[i].off);
		vmwrite(segs[i].sel, g->selector);
		vmwrite(segs[i].base, g->base);
		vmwrite(segs[i].limit, g->limit);
		vmwrite(segs[i].ar, ar(g));
	}
	vmwrite(VMCS_GUEST_GDTR_BASE, s->gdt.base);
	vmwrite(VMCS_GUEST_GDTR_LIMIT, s->gdt.limit);
	vmwrite(VMCS_GUEST_IDTR_BASE, s->idt.base);
	vmwrite(VMCS_GUEST_IDTR_LIMIT, s->idt.limit);
	vmwrite(VMCS_GUEST_CR0, vmx_fixed_cr0(&vmx_caps, s->cr0, true));
	vmwrite(VMCS_CR0_READ_SHADOW, s->cr0);
	vmwrite(VMCS_GUEST_CR3, s->cr3);
	vmwrite(VMCS_GUEST_CR4, vmx_fixed_cr4(&vmx_caps, s->cr4));
	vmwrite(VMCS_CR4_READ_SHADOW, s->cr4);
	vmwrite(VMCS_GUEST_EFER, s->efer);
	vmwrite(VMCS_GUEST_PAT, x->pat);
	vmwrite(VMCS_GUEST_DR7, 0x400);
	vmwrite(VMCS_GUEST_RSP, x->regs.rsp);
	vmwrite(VMCS_GUEST_RIP, x->regs.rip);
	vmwrite(VMCS_GUEST_RFLAGS, x->regs.rflags | 2);
	vmwrite(VMCS_GUEST_SYSENTER_CS, x->sysenter_cs);
	vmwrite(VMCS_GUEST_SYSENTER_ESP, x->sysenter_esp);
	vmwrite(VMCS_GUEST_SYSENTER_EIP, x->sysenter_eip);
	vmwrite(VMCS_GUEST_ACTIVITY_STATE, VMX_ACTIVITY_ACTIVE);
	vmwrite(VMCS_GUEST_INTERRUPTIBILITY, x->interruptibility);
	vmwrite(VMCS_GUEST_PENDING_DBG, 0);
	/* GPRs travel through vmx_gprs; RSP and RIP live in the VMCS. */
	x->g.rax = x->regs.rax, x->g.rbx = x->regs.rbx, x->g.rcx = x->regs.rcx;
	x->g.rdx = x->regs.rdx, x->g.rsi = x->regs.rsi, x->g.rdi = x->regs.rdi;
	x->g.rbp = x->regs.rbp, x->g.r8 = x->regs.r8, x->g.r9 = x->regs.r9;
	x->g.r10 = x->regs.r10, x->g.r11 = x->regs.r11, x->g.r12 = x->regs.r12;
	x->g.r13 = x->regs.r13, x->g.r14 = x->regs.r14, x->g.r15 = x->regs.r15;
	x->g.cr2 = s->cr2;
	x->dirty = false;
}

void vmx_state_from_vmcs(struct vmx_vcpu *x)
{
	struct vcpu_sregs *s = &x->sregs;

	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		struct vcpu_segment *g = (void *)((char *)s + segs[i].off);
		g->selector = (uint16_t)vmread(segs[i].sel);
		g->base = vmread(segs[i].base);
		g->limit = (uint32_t)vmread(segs[i].limit);
		unar(g, (uint32_t)vmread(segs[i].ar));
	}
	s->gdt.base = vmread(VMCS_GUEST_GDTR_BASE);
	s->gdt.limit = (uint16_t)vmread(VMCS_GUEST_GDTR_LIMIT);
	s->idt.base = vmread(VMCS_GUEST_IDTR_BASE);
	s->idt.limit = (uint16_t)vmread(VMCS_GUEST_IDTR_LIMIT);
	/* The guest's view: owned bits from the shadow, the rest real. */
	uint64_t m0 = cr0_mask(), m4 = cr4_mask();
	s->cr0 = (vmread(VMCS_GUEST_CR0) & ~m0) | (vmread(VMCS_CR0_READ_SHADOW) & m0);
	s->cr4 = (vmread(VMCS_GUEST_CR4) & ~m4) | (vmread(VMCS_CR4_READ_SHADOW) & m4);
	s->cr3 = vmread(VMCS_GUEST_CR3);
	s->efer = vmread(VMCS_GUEST_EFER);
	s->cr2 = x->g.cr2;
	x->pat = vmread(VMCS_GUEST_PAT);
	x->regs.rsp = vmread(VMCS_GUEST_RSP);
	x->regs.rip = vmread(VMCS_GUEST_RIP);
	x->regs.rflags = vmread(VMCS_GUEST_RFLAGS);
	x->sysenter_cs = vmread(VMCS_GUEST_SYSENTER_CS);
	x->sysenter_esp = vmread(VMCS_GUEST_SYSENTER_ESP);
	x->sysenter_eip = vmread(VMCS_GUEST_SYSENTER_EIP);
	x->interruptibility = (uint32_t)vmread(VMCS_GUEST_INTERRUPTIBILITY);
	x->regs.rax = x->g.rax, x->regs.rbx = x->g.rbx, x->regs.rcx = x->g.rcx;
	x->regs.rdx = x->g.rdx, x->regs.rsi = x->g.rsi, x->regs.rdi = x->g.rdi;
	x->regs.rbp = x->g.rbp, x->regs.r8 = x->g.r8, x->regs.r9 = x->g.r9;
	x->regs.r10 = x->g.r10, x->regs.r11 = x->g.r11, x->regs.r12 = x->g.r12;
	x->regs.r13 = x->g.r13, x->regs.r14 = x->g.r14, x->regs.r15 = x->g.r15;
}

bool vmx_interrupt_shadow(const struct vmx_vcpu *x)
{
	return x->interruptibility & (VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS);
}
