/* VMX capability MSRs and the VM-execution/exit/entry controls keel runs
 * with (Intel SDM Vol. 3C Appendix A; numbering as in vmcs_fields.h).
 *
 * Pure code: the caller supplies rdmsr, so this builds and is tested on the
 * host with recorded MSR values. vmx_caps_parse() reads only MSRs that the
 * values already read say exist (A.1-A.3.3), so a real rdmsr never #GPs.
 */
#ifndef VMX_CAPS_H
#define VMX_CAPS_H

#include <stdbool.h>
#include <stddef.h> /* size_t */
#include <stdint.h>

/* Capability MSR indices (Appendix A, Table A-1 numbering of MSRs). */
#define MSR_IA32_FEATURE_CONTROL 0x03a
#define MSR_IA32_VMX_BASIC 0x480
#define MSR_IA32_VMX_PINBASED_CTLS 0x481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x482
#define MSR_IA32_VMX_EXIT_CTLS 0x483
#define MSR_IA32_VMX_ENTRY_CTLS 0x484
#define MSR_IA32_VMX_MISC 0x485
#define MSR_IA32_VMX_CR0_FIXED0 0x486
#define MSR_IA32_VMX_CR0_FIXED1 0x487
#define MSR_IA32_VMX_CR4_FIXED0 0x488
#define MSR_IA32_VMX_CR4_FIXED1 0x489
#define MSR_IA32_VMX_VMCS_ENUM 0x48a
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP 0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS 0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS 0x490

/* IA32_VMX_BASIC (A.1) */
#define VMX_BASIC_ADDR32 (1ull << 48)
#define VMX_BASIC_DUAL_MONITOR (1ull << 49)
#define VMX_BASIC_INS_OUTS_INFO (1ull << 54)
#define VMX_BASIC_TRUE_CTLS (1ull << 55)

/* IA32_VMX_MISC (A.6) */
#define VMX_MISC_STORE_LMA (1ull << 5)
#define VMX_MISC_ACT_HLT (1ull << 6)
#define VMX_MISC_ACT_SHUTDOWN (1ull << 7)
#define VMX_MISC_ACT_WAIT_SIPI (1ull << 8)
#define VMX_MISC_VMWRITE_ANY (1ull << 29)

/* IA32_VMX_EPT_VPID_CAP (A.10) */
#define VMX_EPT_XONLY (1ull << 0)
#define VMX_EPT_WALK4 (1ull << 6)
#define VMX_EPT_MT_UC (1ull << 8)
#define VMX_EPT_MT_WB (1ull << 14)
#define VMX_EPT_2M (1ull << 16)
#define VMX_EPT_1G (1ull << 17)
#define VMX_EPT_INVEPT (1ull << 20)
#define VMX_EPT_AD (1ull << 21)
#define VMX_EPT_INVEPT_SINGLE (1ull << 25)
#define VMX_EPT_INVEPT_ALL (1ull << 26)
#define VMX_VPID_INVVPID (1ull << 32)
#define VMX_VPID_INVVPID_ADDR (1ull << 40)
#define VMX_VPID_INVVPID_SINGLE (1ull << 41)
#define VMX_VPID_INVVPID_ALL (1ull << 42)
#define VMX_VPID_INVVPID_SINGLE_NG (1ull << 43)

/* One control capability MSR: bits 31:0 are the allowed-0 settings (a 1
 * there means the control must be 1), bits 63:32 the allowed-1 settings
 * (a 0 there means the control must be 0). A.3-A.5. */
struct vmx_ctl_caps {
	uint32_t must1;
	uint32_t may1;
};

struct vmx_caps {
	uint64_t basic;
	uint32_t revision;         /* VMCS revision identifier, bits 30:0 */
	uint32_t vmcs_size;        /* bytes to allocate for a VMCS region */
	unsigned int vmcs_memtype; /* 6 = WB */
	bool true_ctls;            /* controls read from 0x48d-0x490 */

	struct vmx_ctl_caps pin, proc, proc2, exit, entry;

	uint64_t misc;
	unsigned int preempt_shift; /* timer counts down every 2^n TSC ticks */
	unsigned int cr3_targets;

	uint64_t ept_vpid; /* 0 if neither EPT nor VPID may be enabled */

	uint64_t cr0_fixed0, cr0_fixed1; /* fixed0: must be 1; fixed1: may be 1 */
	uint64_t cr4_fixed0, cr4_fixed1;
};

/* The controls keel programs, plus what was optional and got enabled. */
struct vmx_controls {
	uint32_t pin, proc, proc2, exit, entry;

	bool preempt_timer; /* pin: timer active, exit: value saved */
	bool tpr_shadow;
	bool vpid;           /* with INVVPID single-context or all-context */
	bool ept_ad;         /* set EPTP bit 6 (ept_eptp(e, true)) */
	bool ept_1g, ept_2m; /* page sizes ept_map may use */
	bool virtual_nmis;   /* so NMI-window exiting may be set */
	bool pat;            /* guest PAT loaded on entry, saved on exit */
	bool act_hlt;        /* guest may be left in the HLT activity state */

	/* Bits the run loop may turn on and off per entry. */
	uint32_t proc_dynamic;  /* interrupt/NMI window, what is allowed */
	uint32_t entry_dynamic; /* IA-32e mode guest (follows EFER.LMA) */
};

/* Fill c from rdmsr. Returns 0, or -ENODEV / -EINVAL with a reason in why. */
int vmx_caps_parse(struct vmx_caps *c, uint64_t (*rdmsr)(void *opaque, uint32_t msr), void *opaque,
                   char *why, size_t whylen);

/* Compute the controls keel needs. Returns 0, or -ENODEV naming the first
 * missing feature ("secondary controls: unrestricted guest not supported"),
 * or -EINVAL when the MSRs contradict themselves. */
int vmx_controls_compute(const struct vmx_caps *c, struct vmx_controls *out, char *why, size_t len);

/* May this set of controls be 1 / may it be 0 (A.3)? */
bool vmx_ctl_may_set(const struct vmx_ctl_caps *k, uint32_t bits);
bool vmx_ctl_may_clear(const struct vmx_ctl_caps *k, uint32_t bits);

/* A CR value adjusted to the fixed bits (A.7, A.8). With unrestricted guest,
 * CR0.PE and CR0.PG need not be 1 in the guest (26.3.1.1); pass false for the
 * host's CR0 and for VMXON. */
uint64_t vmx_fixed_cr0(const struct vmx_caps *c, uint64_t cr0, bool unrestricted);
uint64_t vmx_fixed_cr4(const struct vmx_caps *c, uint64_t cr4);
/* True when value already satisfies the fixed bits. */
bool vmx_cr0_ok(const struct vmx_caps *c, uint64_t cr0, bool unrestricted);
bool vmx_cr4_ok(const struct vmx_caps *c, uint64_t cr4);

#endif
