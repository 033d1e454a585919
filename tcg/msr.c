/*
 * tcg/msr.c - the MSRs the translator's CPU model has (SDM Vol. 4): EFER,
 * the SYSCALL and SYSENTER families, FS/GS/KERNEL_GS base, TSC, TSC_ADJUST, TSC_AUX,
 * APIC base (through the LAPIC model), PAT, MTRRs (kept, not acted on: all
 * memory is write-back), MISC_ENABLE, ARCH_CAPABILITIES and the
 * machine-check basics. Any
 * other MSR raises #GP, as on hardware.
 */
#include "hw/lapic.h"
#include "tcg/cpu.h"
#include "tcg/tcg_int.h"
#include "vm/vm.h"

#define TSC_HZ 1000000000ull /* the TSC counts VM nanoseconds */

uint64_t tcg_rdtsc(struct tcg_cpu *c)
{
	return vm_clock_ns(c->vm) + c->tsc_offset;
}

/* Fixed-range MTRR MSRs in the order of c->mtrr_fixed. */
static int fixed_mtrr(uint32_t msr)
{
	if (msr == 0x250)
		return 0;
	if (msr == 0x258 || msr == 0x259)
		return 1 + (int)(msr - 0x258);
	if (msr >= 0x268 && msr <= 0x26f)
		return 3 + (int)(msr - 0x268);
	return -1;
}

static uint64_t *msr_slot(struct tcg_cpu *c, uint32_t msr)
{
	switch (msr) {
	case 0x174: return &c->sysenter_cs;
	case 0x175: return &c->sysenter_esp;
	case 0x176: return &c->sysenter_eip;
	case 0x277: return &c->pat;
	case 0x2ff: return &c->mtrr_def_type;
	case 0xc0000081: return &c->star;
	case 0xc0000082: return &c->lstar;
	case 0xc0000083: return &c->cstar;
	case 0xc0000084: return &c->sfmask;
	case 0xc0000102: return &c->kernel_gs_base;
	case 0xc0000103: return &c->tsc_aux;
	}
	if (msr >= 0x200 && msr < 0x210)
		return &c->mtrr_var[msr - 0x200];
	int f = fixed_mtrr(msr);
	return f >= 0 ? &c->mtrr_fixed[f] : NULL;
}

bool tcg_rdmsr(struct tcg_cpu *c, uint32_t msr, uint64_t *v)
{
	uint64_t *p = msr_slot(c, msr);
	if (p) {
		*v = *p;
		return true;
	}
	switch (msr) {
	case 0x10: *v = tcg_rdtsc(c); return true;
	case 0x3b: *v = c->tsc_adjust; return true;
	case 0x1b:
	case 0x6e0:
		if (c->vcpu && c->vcpu->lapic)
			return lapic_msr_read(c->vcpu->lapic, msr, v) == LAPIC_OK;
		*v = 0xfee00000u | 1u << 11 | (c->vcpu && c->vcpu->id ? 0 : 1u << 8);
		return msr == 0x1b;
	case 0x3a: *v = 1; return true;            /* FEATURE_CONTROL: locked, no VMX */
	case 0x10a:
		/* ARCH_CAPABILITIES: RDCL_NO, SSB_NO, MDS_NO, TAA_NO. True of the
		 * translator (it checks every access before it makes it), and it
		 * spares guests the page-table switch on every kernel entry. */
		*v = 1u << 0 | 1u << 4 | 1u << 5 | 1u << 8;
		return true;
	case 0x8b: case 0x17: *v = 0; return true; /* microcode revision, platform id */
	case 0xfe: *v = 1u << 10 | 1u << 8 | 8;    /* MTRRCAP: WC, fixed, 8 variable */
		return true;
	case 0x179: case 0x17a: *v = 0; return true; /* MCG_CAP, MCG_STATUS */
	case 0x1a0: *v = c->misc_enable; return true;
	case 0xc0000080: *v = c->efer; return true;
	case 0xc0000100: *v = c->seg[X86_SEG_FS].base; return true;
	case 0xc0000101: *v = c->seg[X86_SEG_GS].base; return true;
	}
	return false;
}

bool tcg_wrmsr(struct tcg_cpu *c, uint32_t msr, uint64_t v)
{
	switch (msr) {
	case 0x10: { /* a TSC write moves TSC_ADJUST by as much (SDM Vol. 3B §17.17.3) */
		uint64_t delta = v - tcg_rdtsc(c);
		c->tsc_offset += delta;
		c->tsc_adjust += delta;
		return true;
	}
	case 0x3b:
		c->tsc_offset += v - c->tsc_adjust;
		c->tsc_adjust = v;
		return true;
	case 0x1b:
	case 0x6e0:
		if (c->vcpu && c->vcpu->lapic) {
			bool ok = lapic_msr_write(c->vcpu->lapic, msr, v) == LAPIC_OK;
			c->io_done = c->io_mmio = true; /* x2APIC ICR: maybe an IPI */
			return ok;
		}
		return msr == 0x1b;
	case 0x8b: case 0x179: case 0x17a: return true;
	case 0x1a0: c->misc_enable = v; return true;
	case 0x277: /* PAT: each entry must be a valid type (0, 1, 4, 5, 6, 7) */
		for (int k = 0; k < 8; k++) {
			unsigned t = (v >> (8 * k)) & 0xff;
			if (t > 7 || t == 2 || t == 3)
				return false;
		}
		c->pat = v;
		return true;
	case 0xc0000080: tcg_set_efer(c, v); return true;
	case 0xc0000100:
	case 0xc0000101:
	case 0xc0000102:
		if (!tcg_canonical(v))
			return false;
		if (msr == 0xc0000102)
			c->kernel_gs_base = v;
		else
			c->seg[msr == 0xc0000100 ? X86_SEG_FS : X86_SEG_GS].base = v;
		return true;
	case 0xc0000082:
	case 0xc0000083:
	case 0x175:
	case 0x176:
		if (!tcg_canonical(v))
			return false;
		break;
	case 0xc0000103:
		if (v >> 32)
			return false;
		break;
	}
	uint64_t *p = msr_slot(c, msr);
	if (!p)
		return false;
	*p = v;
	return true;
}
