/* VMX capability MSRs and control computation (Intel SDM Vol. 3C Appendix A;
 * chapter numbers as in vmcs_fields.h).
 *
 *   A.1   IA32_VMX_BASIC
 *   A.2   reserved "default1" controls and the TRUE capability MSRs
 *   A.3   VM-execution controls (A.3.1 pin, A.3.2 primary, A.3.3 secondary)
 *   A.4   VM-exit controls, A.5 VM-entry controls
 *   A.6   IA32_VMX_MISC, A.7/A.8 CR0/CR4 fixed bits, A.10 EPT/VPID caps
 *
 * A control may be 1 only if its bit is set in the allowed-1 half (63:32) of
 * the capability MSR, and must be 1 if its bit is set in the allowed-0 half
 * (31:0). keel asks for what it needs, takes what it likes where offered,
 * and then ORs in whatever the CPU forces.
 */
#include "vmx/caps.h"

#include <errno.h>  /* ENODEV, EINVAL */
#include <stdio.h>  /* snprintf */
#include <string.h> /* memset */

#include "vmx/vmcs_fields.h"

#define CR0_PE (1ull << 0)
#define CR0_PG (1ull << 31)

static struct vmx_ctl_caps vmx_ctl_split(uint64_t v)
{
	struct vmx_ctl_caps k = {.must1 = (uint32_t)v, .may1 = (uint32_t)(v >> 32)};

	return k;
}

bool vmx_ctl_may_set(const struct vmx_ctl_caps *k, uint32_t bits)
{
	return (k->may1 & bits) == bits;
}

bool vmx_ctl_may_clear(const struct vmx_ctl_caps *k, uint32_t bits)
{
	return (k->must1 & bits) == 0;
}

int vmx_caps_parse(struct vmx_caps *c, uint64_t (*rdmsr)(void *opaque, uint32_t msr), void *opaque,
                   char *why, size_t whylen)
{
	uint64_t b;

	memset(c, 0, sizeof(*c));
	b = rdmsr(opaque, MSR_IA32_VMX_BASIC);
	c->basic = b;
	c->revision = (uint32_t)b & 0x7fffffffu;
	c->vmcs_size = (uint32_t)(b >> 32) & 0x1fffu;
	c->vmcs_memtype = (unsigned int)(b >> 50) & 0xfu;
	c->true_ctls = (b & VMX_BASIC_TRUE_CTLS) != 0;
	if (b & (1ull << 31)) {
		snprintf(why, whylen, "IA32_VMX_BASIC: bit 31 is set (%#llx)",
		         (unsigned long long)b);
		return -EINVAL;
	}
	if (c->vmcs_size == 0 || c->vmcs_size > 4096) {
		snprintf(why, whylen, "IA32_VMX_BASIC: VMCS size %u out of range", c->vmcs_size);
		return -EINVAL;
	}

	/* A.2: with bit 55 set the TRUE MSRs say which default1 bits may be 0. */
	if (c->true_ctls) {
		c->pin = vmx_ctl_split(rdmsr(opaque, MSR_IA32_VMX_TRUE_PINBASED_CTLS));
		c->proc = vmx_ctl_split(rdmsr(opaque, MSR_IA32_VMX_TRUE_PROCBASED_CTLS));
		c->exit = vmx_ctl_split(rdmsr(opaque, MSR_IA32_VMX_TRUE_EXIT_CTLS));
		c->entry = vmx_ctl_split(rdmsr(opaque, MSR_IA32_VMX_TRUE_ENTRY_CTLS));
	} else {
		c->pin = vmx_ctl_split(rdmsr(opaque, MSR_IA32_VMX_PINBASED_CTLS));
		c->proc = vmx_ctl_split(rdmsr(opaque, MSR_IA32_VMX_PROCBASED_CTLS));
		c->exit = vmx_ctl_split(rdmsr(opaque, MSR_IA32_VMX_EXIT_CTLS));
		c->entry = vmx_ctl_split(rdmsr(opaque, MSR_IA32_VMX_ENTRY_CTLS));
	}

	/* A.3.3: 0x48b exists only if secondary controls may be activated. */
	if (c->proc.may1 & VMX_PROC_SECONDARY)
		c->proc2 = vmx_ctl_split(rdmsr(opaque, MSR_IA32_VMX_PROCBASED_CTLS2));
	/* A.10: 0x48c exists only if EPT or VPID may be enabled. */
	if (c->proc2.may1 & (VMX_PROC2_EPT | VMX_PROC2_VPID))
		c->ept_vpid = rdmsr(opaque, MSR_IA32_VMX_EPT_VPID_CAP);

	c->misc = rdmsr(opaque, MSR_IA32_VMX_MISC);
	c->preempt_shift = (unsigned int)(c->misc & 0x1f);
	c->cr3_targets = (unsigned int)(c->misc >> 16) & 0x1ff;

	c->cr0_fixed0 = rdmsr(opaque, MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(opaque, MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(opaque, MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(opaque, MSR_IA32_VMX_CR4_FIXED1);
	if ((c->cr0_fixed0 & ~c->cr0_fixed1) || (c->cr4_fixed0 & ~c->cr4_fixed1)) {
		snprintf(why, whylen, "CR fixed MSRs: a bit is fixed to 1 and to 0");
		return -EINVAL;
	}
	return 0;
}

/* One control keel asks for. */
struct vmx_want {
	uint32_t bit;
	bool required;
	const char *name;
};

/* Pick a control word: the CPU's must-be-one bits, every wanted bit that is
 * allowed, failure for a required bit that is not. forbid lists bits keel
 * cannot run with if the CPU forces them on. */
static int vmx_pick(const char *set, const struct vmx_ctl_caps *k, const struct vmx_want *w,
                    size_t n, uint32_t forbid, uint32_t *out, char *why, size_t len)
{
	uint32_t v = k->must1;
	size_t i;

	if (k->must1 & ~k->may1) {
		snprintf(why, len, "%s: capability MSR forces bits %#x it does not allow", set,
		         k->must1 & ~k->may1);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (k->may1 & w[i].bit)
			v |= w[i].bit;
		else if (w[i].required) {
			snprintf(why, len, "%s: %s not supported", set, w[i].name);
			return -ENODEV;
		}
	}
	if (k->must1 & forbid) {
		snprintf(why, len, "%s: bits %#x are forced to 1", set, k->must1 & forbid);
		return -ENODEV;
	}
	*out = v;
	return 0;
}

#define VMX_NWANT(a) (sizeof(a) / sizeof((a)[0]))

static int vmx_pick_ept(const struct vmx_caps *c, char *why, size_t len)
{
	const char *miss = NULL;

	if (!(c->ept_vpid & VMX_EPT_WALK4))
		miss = "4-level page walk";
	else if (!(c->ept_vpid & VMX_EPT_MT_WB))
		miss = "write-back paging-structure memory type";
	else if (!(c->ept_vpid & VMX_EPT_INVEPT) ||
	         !(c->ept_vpid & (VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL)))
		miss = "INVEPT";
	if (!miss)
		return 0;
	snprintf(why, len, "EPT: %s not supported", miss);
	return -ENODEV;
}

int vmx_controls_compute(const struct vmx_caps *c, struct vmx_controls *out, char *why, size_t len)
{
	const struct vmx_want pin[] = {
	    {VMX_PIN_EXT_INTR_EXIT, true, "external-interrupt exiting"},
	    {VMX_PIN_NMI_EXIT, true, "NMI exiting"},
	    {VMX_PIN_VIRTUAL_NMIS, false, "virtual NMIs"},
	    {VMX_PIN_PREEMPT_TIMER, false, "preemption timer"},
	};
	const struct vmx_want proc[] = {
	    {VMX_PROC_HLT_EXIT, true, "HLT exiting"},
	    {VMX_PROC_IO_BITMAPS, true, "I/O bitmaps"},
	    {VMX_PROC_MSR_BITMAPS, true, "MSR bitmaps"},
	    {VMX_PROC_SECONDARY, true, "secondary controls"},
	    {VMX_PROC_TPR_SHADOW, false, "TPR shadow"},
	};
	const struct vmx_want proc2[] = {
	    {VMX_PROC2_EPT, true, "EPT"},
	    {VMX_PROC2_UNRESTRICTED, true, "unrestricted guest"},
	    {VMX_PROC2_RDTSCP, false, "RDTSCP"},
	    {VMX_PROC2_INVPCID, false, "INVPCID"},
	    {VMX_PROC2_XSAVES, false, "XSAVES/XRSTORS"},
	    {VMX_PROC2_WBINVD_EXIT, false, "WBINVD exiting"},
	};
	const struct vmx_want exitw[] = {
	    {VMX_EXITCTL_HOST_ADDR64, true, "host address-space size"},
	    {VMX_EXITCTL_ACK_INTR, true, "acknowledge interrupt on exit"},
	    {VMX_EXITCTL_SAVE_EFER, true, "save IA32_EFER"},
	    {VMX_EXITCTL_LOAD_EFER, true, "load IA32_EFER"},
	};
	const struct vmx_want entry[] = {
	    {VMX_ENTRYCTL_LOAD_EFER, true, "load IA32_EFER"},
	};
	struct vmx_controls r;
	int err;

	memset(&r, 0, sizeof(r));
	if ((err = vmx_pick("pin-based controls", &c->pin, pin, VMX_NWANT(pin), VMX_PIN_POSTED_INTR,
	                    &r.pin, why, len)))
		return err;
	if ((err = vmx_pick("primary controls", &c->proc, proc, VMX_NWANT(proc),
	                    VMX_PROC_TERTIARY | VMX_PROC_MTF, &r.proc, why, len)))
		return err;
	if ((err = vmx_pick("secondary controls", &c->proc2, proc2, VMX_NWANT(proc2), 0, &r.proc2,
	                    why, len)))
		return err;
	if ((err = vmx_pick_ept(c, why, len)))
		return err;
	if ((err = vmx_pick("exit controls", &c->exit, exitw, VMX_NWANT(exitw), 0, &r.exit, why,
	                    len)))
		return err;
	/* IA-32e mode guest must be available but starts 0: guests boot in
	 * real mode and the run loop sets it when the guest sets EFER.LMA. */
	if (!vmx_ctl_may_set(&c->entry, VMX_ENTRYCTL_IA32E_GUEST)) {
		snprintf(why, len, "entry controls: IA-32e mode guest not supported");
		return -ENODEV;
	}
	if ((err = vmx_pick("entry controls", &c->entry, entry, VMX_NWANT(entry),
	                    VMX_ENTRYCTL_IA32E_GUEST | VMX_ENTRYCTL_SMM |
	                        VMX_ENTRYCTL_DEACT_DUAL_MONITOR,
	                    &r.entry, why, len)))
		return err;

	/* Optional features that need more than one bit. */
	r.preempt_timer = (r.pin & VMX_PIN_PREEMPT_TIMER) != 0;
	if (r.preempt_timer && vmx_ctl_may_set(&c->exit, VMX_EXITCTL_SAVE_PREEMPT_TIMER))
		r.exit |= VMX_EXITCTL_SAVE_PREEMPT_TIMER;

	r.tpr_shadow = (r.proc & VMX_PROC_TPR_SHADOW) != 0;
	if (r.tpr_shadow &&
	    vmx_ctl_may_clear(&c->proc, VMX_PROC_CR8_LOAD_EXIT | VMX_PROC_CR8_STORE_EXIT)) {
		r.proc &= ~(VMX_PROC_CR8_LOAD_EXIT | VMX_PROC_CR8_STORE_EXIT);
	} else {
		/* Without a TPR shadow a guest MOV to CR8 would reach the host
		 * TPR: it must exit. */
		if (!vmx_ctl_may_set(&c->proc, VMX_PROC_CR8_LOAD_EXIT | VMX_PROC_CR8_STORE_EXIT)) {
			snprintf(why, len,
			         "primary controls: CR8-load/store exiting not supported");
			return -ENODEV;
		}
		r.proc |= VMX_PROC_CR8_LOAD_EXIT | VMX_PROC_CR8_STORE_EXIT;
	}

	r.vpid = vmx_ctl_may_set(&c->proc2, VMX_PROC2_VPID) && (c->ept_vpid & VMX_VPID_INVVPID) &&
	         (c->ept_vpid & (VMX_VPID_INVVPID_SINGLE | VMX_VPID_INVVPID_ALL));
	if (r.vpid)
		r.proc2 |= VMX_PROC2_VPID;

	r.ept_ad = (c->ept_vpid & VMX_EPT_AD) != 0;
	r.ept_2m = (c->ept_vpid & VMX_EPT_2M) != 0;
	r.ept_1g = (c->ept_vpid & VMX_EPT_1G) != 0;
	r.virtual_nmis = (r.pin & VMX_PIN_VIRTUAL_NMIS) != 0;
	r.act_hlt = (c->misc & VMX_MISC_ACT_HLT) != 0;

	r.pat = vmx_ctl_may_set(&c->exit, VMX_EXITCTL_SAVE_PAT | VMX_EXITCTL_LOAD_PAT) &&
	        vmx_ctl_may_set(&c->entry, VMX_ENTRYCTL_LOAD_PAT);
	if (r.pat) {
		r.exit |= VMX_EXITCTL_SAVE_PAT | VMX_EXITCTL_LOAD_PAT;
		r.entry |= VMX_ENTRYCTL_LOAD_PAT;
	}

	if (vmx_ctl_may_set(&c->proc, VMX_PROC_INTR_WINDOW_EXIT))
		r.proc_dynamic |= VMX_PROC_INTR_WINDOW_EXIT;
	/* NMI-window exiting requires virtual NMIs (26.2.1.1). */
	if (r.virtual_nmis && vmx_ctl_may_set(&c->proc, VMX_PROC_NMI_WINDOW_EXIT))
		r.proc_dynamic |= VMX_PROC_NMI_WINDOW_EXIT;
	r.entry_dynamic = VMX_ENTRYCTL_IA32E_GUEST;

	*out = r;
	return 0;
}

static uint64_t vmx_cr0_fixed0(const struct vmx_caps *c, bool unrestricted)
{
	return unrestricted ? c->cr0_fixed0 & ~(CR0_PE | CR0_PG) : c->cr0_fixed0;
}

uint64_t vmx_fixed_cr0(const struct vmx_caps *c, uint64_t cr0, bool unrestricted)
{
	return (cr0 | vmx_cr0_fixed0(c, unrestricted)) & c->cr0_fixed1;
}

uint64_t vmx_fixed_cr4(const struct vmx_caps *c, uint64_t cr4)
{
	return (cr4 | c->cr4_fixed0) & c->cr4_fixed1;
}

bool vmx_cr0_ok(const struct vmx_caps *c, uint64_t cr0, bool unrestricted)
{
	return vmx_fixed_cr0(c, cr0, unrestricted) == cr0;
}

bool vmx_cr4_ok(const struct vmx_caps *c, uint64_t cr4)
{
	return vmx_fixed_cr4(c, cr4) == cr4;
}
