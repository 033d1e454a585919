/* MSRs of a VT-x guest. The bitmap lets through only MSRs whose state the
 * VMCS switches (FS/GS base). The SYSCALL MSRs, the kernel GS base and
 * TSC_AUX, which keel itself never uses, are kept here and loaded into the
 * CPU before entry (vmx_exit.c). Everything else exits and is emulated here;
 * vmx_exit.c decides what an MSR keel does not know does (SDM Vol. 3C
 * §24.6.9, Vol. 4 for the MSRs). */
#include <string.h>
#include "arch/x86_64/cpu.h"
#include "hw/lapic.h"
#include "vm/vm.h"
#include "vmx/vmx_int.h"

#define MSR_TSC 0x10
#define MSR_PLATFORM_ID 0x17
#define MSR_APIC_BASE_ 0x1b
#define MSR_FEATURE_CONTROL_ 0x3a
#define MSR_TSC_ADJUST 0x3b
#define MSR_SPEC_CTRL 0x48
#define MSR_BIOS_SIGN_ID 0x8b
#define MSR_MTRRCAP 0xfe
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_MCG_CAP 0x179
#define MSR_MCG_STATUS 0x17a
#define MSR_MISC_ENABLE 0x1a0
#define MSR_PAT 0x277
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MSR_EFER_ 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE_ 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103

void vmx_msr_bitmap_init(uint8_t *b)
{
	memset(b, 0xff, 4096); /* every MSR exits... */
	/* ...but FS/GS base, which the VMCS holds (read bitmap for high MSRs at
	 * 0x400, write bitmap at 0xc00; SDM Vol. 3C §24.6.9). */
	static const uint32_t pass[] = {MSR_FS_BASE, MSR_GS_BASE_};
	for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]); i++) {
		uint32_t bit = pass[i] & 0x1fff;
		b[0x400 + bit / 8] &= (uint8_t)~(1u << (bit % 8));
		b[0xc00 + bit / 8] &= (uint8_t)~(1u << (bit % 8));
	}
}

int vmx_get_msr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	struct vmx_vcpu *x = v->backend;
	switch (msr) {
	case MSR_TSC: *val = rdtsc(); return 0;
	case MSR_EFER_: *val = x->sregs.efer; return 0;
	case MSR_PAT: *val = x->pat; return 0;
	case MSR_STAR: *val = x->star; return 0;
	case MSR_LSTAR: *val = x->lstar; return 0;
	case MSR_CSTAR: *val = x->cstar; return 0;
	case MSR_SFMASK: *val = x->sfmask; return 0;
	case MSR_KERNEL_GS_BASE: *val = x->kernel_gs_base; return 0;
	case MSR_TSC_AUX: *val = x->tsc_aux; return 0;
	case MSR_FS_BASE: *val = x->sregs.fs.base; return 0;
	case MSR_GS_BASE_: *val = x->sregs.gs.base; return 0;
	case MSR_SYSENTER_CS: *val = x->sysenter_cs; return 0;
	case MSR_SYSENTER_ESP: *val = x->sysenter_esp; return 0;
	case MSR_SYSENTER_EIP: *val = x->sysenter_eip; return 0;
	case MSR_MISC_ENABLE: *val = 1; return 0; /* fast strings */
	case MSR_FEATURE_CONTROL_: *val = 1; return 0; /* locked, VMX off: no nesting */
	case MSR_MTRRCAP: *val = 0x508; return 0; /* 8 variable ranges, fixed, WC */
	case MSR_MTRR_DEF_TYPE: *val = x->mtrr[0xff]; return 0;
	case MSR_PLATFORM_ID: case MSR_BIOS_SIGN_ID: case MSR_MCG_CAP: case MSR_MCG_STATUS:
	case MSR_TSC_ADJUST: case MSR_SPEC_CTRL:
		*val = 0;
		return 0;
	}
	if ((msr >= 0x200 && msr < 0x210) || msr == 0x250 || msr == 0x258 || msr == 0x259 ||
	    (msr >= 0x268 && msr <= 0x26f)) {
		*val = x->mtrr[msr & 0xff];
		return 0;
	}
	if (v->lapic && (msr == MSR_APIC_BASE_ || (msr >= 0x800 && msr <= 0x8ff) || msr == 0x6e0))
		return lapic_msr_read(v->lapic, msr, val) == LAPIC_OK ? 0 : -2; /* #GP */
	return -1;
}

int vmx_set_msr(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct vmx_vcpu *x = v->backend;
	switch (msr) {
	case MSR_EFER_:
		/* LMA follows LME and CR0.PG; only SCE, LME, NXE are the guest's. */
		if (val & ~((1ull << 0) | (1ull << 8) | (1ull << 10) | (1ull << 11)))
			return -2;
		x->sregs.efer = (val & ~(1ull << 10)) | (x->sregs.efer & (1ull << 10));
		x->dirty = true;
		return 0;
	case MSR_PAT: x->pat = val; x->dirty = true; return 0;
	case MSR_STAR: x->star = val; x->msrs_dirty = true; return 0;
	case MSR_LSTAR: x->lstar = val; x->msrs_dirty = true; return 0;
	case MSR_CSTAR: x->cstar = val; x->msrs_dirty = true; return 0;
	case MSR_SFMASK: x->sfmask = val; x->msrs_dirty = true; return 0;
	case MSR_KERNEL_GS_BASE: x->kernel_gs_base = val; x->msrs_dirty = true; return 0;
	case MSR_TSC_AUX: x->tsc_aux = val; x->msrs_dirty = true; return 0;
	case MSR_FS_BASE: x->sregs.fs.base = val; x->dirty = true; return 0;
	case MSR_GS_BASE_: x->sregs.gs.base = val; x->dirty = true; return 0;
	case MSR_SYSENTER_CS: x->sysenter_cs = val; x->dirty = true; return 0;
	case MSR_SYSENTER_ESP: x->sysenter_esp = val; x->dirty = true; return 0;
	case MSR_SYSENTER_EIP: x->sysenter_eip = val; x->dirty = true; return 0;
	case MSR_MISC_ENABLE: case MSR_BIOS_SIGN_ID: case MSR_MCG_STATUS: case MSR_TSC_ADJUST:
	case MSR_SPEC_CTRL: case MSR_TSC:
		return 0; /* accepted and ignored */
	case MSR_MTRR_DEF_TYPE: x->mtrr[0xff] = val; return 0;
	}
	if ((msr >= 0x200 && msr < 0x210) || msr == 0x250 || msr == 0x258 || msr == 0x259 ||
	    (msr >= 0x268 && msr <= 0x26f)) {
		x->mtrr[msr & 0xff] = val;
		return 0;
	}
	if (v->lapic && (msr == MSR_APIC_BASE_ || (msr >= 0x800 && msr <= 0x8ff) || msr == 0x6e0))
		return lapic_msr_write(v->lapic, msr, val) == LAPIC_OK ? 0 : -2; /* #GP */
	return -1;
}
