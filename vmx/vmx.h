/* vmx/: the VT-x backend of struct vcpu_ops (SDM Vol. 3C ch. 23-33). */
#ifndef VMX_VMX_H
#define VMX_VMX_H

#include <stddef.h>
#include <stdint.h>
#include "vm/vcpu.h"
#include "vmx/caps.h"

struct ept;

extern const struct vcpu_ops vmx_vcpu_ops;

/* Turns VMX on for the calling CPU (VMXON), once. 0, or -1 with why set;
 * the caller then falls back to the translator and logs why. */
int vmx_cpu_enable(char *why, size_t whylen);

/* The GPRs the entry code loads and the exit code saves (vmx_entry.asm). */
struct vmx_gprs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t cr2;
};

/* One vCPU's VT-x state. The software copies of the registers are what
 * get/set_regs touch; they go to the VMCS before each entry when dirty and
 * come back after each exit. */
struct vmx_vcpu {
	struct vmx_gprs g;
	struct vcpu_regs regs;
	struct vcpu_sregs sregs;
	struct vcpu_fpu fpu;
	uint64_t pat, kernel_gs_base, star, lstar, cstar, sfmask, tsc_aux;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	bool dirty;            /* regs/sregs changed outside the VMCS */
	bool msrs_dirty;       /* SYSCALL MSRs etc. changed: load before entry */
	uint64_t mtrr[0x100];  /* MTRRs by low byte of the MSR number */
	void *vmcs;
	int launched;
	int cpu;               /* host CPU whose current VMCS this is, -1 if none */
	struct vmx_controls ctl;
	struct ept *ept;
	uint64_t eptp;
	uint8_t *msr_bitmap, *io_bitmaps;
	uint8_t *vapic;         /* virtual-APIC page: the TPR shadow at 0x80 */
	uint32_t interruptibility; /* STI/MOV SS blocking, from the last exit */
	bool window_requested;
	bool nmi_window_requested;
	bool pending_in;       /* an IN awaits its data from the run loop */
	uint8_t pending_in_size;
	bool pending_mmio_read;/* an MMIO read awaits its data */
	uint8_t mmio_reg, mmio_size;
	bool mmio_sext;
	uint8_t mmio_access;   /* bytes the instruction read */
	uint32_t inject_info, inject_error; /* next VM-entry interruption info */
	uint64_t exits_by_reason[66];
	uint64_t unknown_msrs;
	bool ever_ran;         /* its VMCS was loaded on some CPU before */
	uint64_t migrations;   /* VMCLEARs for a move to another CPU */
};


#endif
