/* Decoders for VM-exit information (Intel SDM Vol. 3C; numbering as in
 * vmx/vmcs_fields.h).
 *
 *   Appendix C    basic exit reasons
 *   Table 27-3    control-register accesses
 *   Table 27-5    I/O instructions
 *   Table 27-7    EPT violations
 *   §24.8.3, §24.9.2, §24.9.3  interruption / IDT-vectoring information
 *   §26.7, §26.8  VM-entry failures (exit reasons 33, 34, 41)
 *   §30.4         VM-instruction error numbers
 */
#include "vmx/exitqual.h"

#include <stdio.h> /* snprintf */

#include "ept/ept.h" /* EPT_R, EPT_W, EPT_X */
#include "vmx/vmcs_fields.h"

static const char *const vmx_exit_names[VMX_EXIT_REASON_MAX + 1] = {
    [VMX_EXIT_EXCEPTION_NMI] = "exception or NMI",
    [VMX_EXIT_EXTERNAL_INTR] = "external interrupt",
    [VMX_EXIT_TRIPLE_FAULT] = "triple fault",
    [VMX_EXIT_INIT] = "INIT signal",
    [VMX_EXIT_SIPI] = "start-up IPI",
    [VMX_EXIT_IO_SMI] = "I/O SMI",
    [VMX_EXIT_OTHER_SMI] = "other SMI",
    [VMX_EXIT_INTR_WINDOW] = "interrupt window",
    [VMX_EXIT_NMI_WINDOW] = "NMI window",
    [VMX_EXIT_TASK_SWITCH] = "task switch",
    [VMX_EXIT_CPUID] = "CPUID",
    [VMX_EXIT_GETSEC] = "GETSEC",
    [VMX_EXIT_HLT] = "HLT",
    [VMX_EXIT_INVD] = "INVD",
    [VMX_EXIT_INVLPG] = "INVLPG",
    [VMX_EXIT_RDPMC] = "RDPMC",
    [VMX_EXIT_RDTSC] = "RDTSC",
    [VMX_EXIT_RSM] = "RSM",
    [VMX_EXIT_VMCALL] = "VMCALL",
    [VMX_EXIT_VMCLEAR] = "VMCLEAR",
    [VMX_EXIT_VMLAUNCH] = "VMLAUNCH",
    [VMX_EXIT_VMPTRLD] = "VMPTRLD",
    [VMX_EXIT_VMPTRST] = "VMPTRST",
    [VMX_EXIT_VMREAD] = "VMREAD",
    [VMX_EXIT_VMRESUME] = "VMRESUME",
    [VMX_EXIT_VMWRITE] = "VMWRITE",
    [VMX_EXIT_VMXOFF] = "VMXOFF",
    [VMX_EXIT_VMXON] = "VMXON",
    [VMX_EXIT_CR_ACCESS] = "control-register access",
    [VMX_EXIT_DR_ACCESS] = "MOV DR",
    [VMX_EXIT_IO] = "I/O instruction",
    [VMX_EXIT_RDMSR] = "RDMSR",
    [VMX_EXIT_WRMSR] = "WRMSR",
    [VMX_EXIT_ENTRY_GUEST_STATE] = "VM-entry failure: invalid guest state",
    [VMX_EXIT_ENTRY_MSR_LOAD] = "VM-entry failure: MSR loading",
    [VMX_EXIT_MWAIT] = "MWAIT",
    [VMX_EXIT_MTF] = "monitor trap flag",
    [VMX_EXIT_MONITOR] = "MONITOR",
    [VMX_EXIT_PAUSE] = "PAUSE",
    [VMX_EXIT_ENTRY_MACHINE_CHECK] = "VM-entry failure: machine-check event",
    [VMX_EXIT_TPR_BELOW_THRESHOLD] = "TPR below threshold",
    [VMX_EXIT_APIC_ACCESS] = "APIC access",
    [VMX_EXIT_VIRTUALIZED_EOI] = "virtualized EOI",
    [VMX_EXIT_GDTR_IDTR] = "access to GDTR or IDTR",
    [VMX_EXIT_LDTR_TR] = "access to LDTR or TR",
    [VMX_EXIT_EPT_VIOLATION] = "EPT violation",
    [VMX_EXIT_EPT_MISCONFIG] = "EPT misconfiguration",
    [VMX_EXIT_INVEPT] = "INVEPT",
    [VMX_EXIT_RDTSCP] = "RDTSCP",
    [VMX_EXIT_PREEMPT_TIMER] = "VMX-preemption timer expired",
    [VMX_EXIT_INVVPID] = "INVVPID",
    [VMX_EXIT_WBINVD] = "WBINVD",
    [VMX_EXIT_XSETBV] = "XSETBV",
    [VMX_EXIT_APIC_WRITE] = "APIC write",
    [VMX_EXIT_RDRAND] = "RDRAND",
    [VMX_EXIT_INVPCID] = "INVPCID",
    [VMX_EXIT_VMFUNC] = "VMFUNC",
    [VMX_EXIT_ENCLS] = "ENCLS",
    [VMX_EXIT_RDSEED] = "RDSEED",
    [VMX_EXIT_PML_FULL] = "page-modification log full",
    [VMX_EXIT_XSAVES] = "XSAVES",
    [VMX_EXIT_XRSTORS] = "XRSTORS",
};

const char *vmx_exit_reason_name(unsigned int basic)
{
	if (basic > VMX_EXIT_REASON_MAX || !vmx_exit_names[basic])
		return "unknown";
	return vmx_exit_names[basic];
}

void vmx_qual_io(uint64_t q, struct vmx_io_qual *io)
{
	io->size = (unsigned int)(q & 7) + 1; /* 0, 1, 3 encode 1, 2, 4 */
	io->in = (q >> 3) & 1;
	io->string = (q >> 4) & 1;
	io->rep = (q >> 5) & 1;
	io->imm = (q >> 6) & 1;
	io->port = (uint16_t)(q >> 16);
}

void vmx_qual_cr(uint64_t q, struct vmx_cr_qual *cr)
{
	cr->cr = (unsigned int)(q & 0xf);
	cr->type = (unsigned int)(q >> 4) & 3;
	cr->lmsw_mem = (q >> 6) & 1;
	cr->gpr = (unsigned int)(q >> 8) & 0xf;
	cr->lmsw_data = (uint16_t)(q >> 16);
}

void vmx_qual_ept(uint64_t q, struct vmx_ept_qual *ept)
{
	ept->read = q & 1;
	ept->write = (q >> 1) & 1;
	ept->fetch = (q >> 2) & 1;
	ept->entry_perms =
	    ((q >> 3) & 1 ? EPT_R : 0) | ((q >> 4) & 1 ? EPT_W : 0) | ((q >> 5) & 1 ? EPT_X : 0);
	ept->user_exec = (q >> 6) & 1;
	ept->gla_valid = (q >> 7) & 1;
	/* bit 8 is defined only when bit 7 is set */
	ept->gla_translation = ept->gla_valid && ((q >> 8) & 1);
	ept->nmi_unblocking = (q >> 12) & 1;
}

void vmx_intr_info_decode(uint32_t info, struct vmx_intr_info *ii)
{
	ii->valid = (info & VMX_INTR_INFO_VALID) != 0;
	ii->vector = info & 0xff;
	ii->type = (info >> 8) & 7;
	ii->error_valid = (info & VMX_INTR_INFO_ERROR_VALID) != 0;
	ii->nmi_unblocking = (info & VMX_INTR_INFO_NMI_UNBLOCK) != 0;
}

uint32_t vmx_intr_info_make(unsigned int vector, unsigned int type, bool error_valid)
{
	return VMX_INTR_INFO_VALID | (error_valid ? VMX_INTR_INFO_ERROR_VALID : 0) |
	       ((type & 7) << 8) | (vector & 0xff);
}

const char *vmx_intr_type_name(unsigned int type)
{
	static const char *const names[8] = {
	    "external interrupt", "reserved",           "NMI",
	    "hardware exception", "software interrupt", "privileged software exception",
	    "software exception", "other event",
	};

	return names[type & 7];
}

static const char *const vmx_insn_errors[] = {
    [1] = "VMCALL executed in VMX root operation",
    [2] = "VMCLEAR with invalid physical address",
    [3] = "VMCLEAR with VMXON pointer",
    [4] = "VMLAUNCH with non-clear VMCS",
    [5] = "VMRESUME with non-launched VMCS",
    [6] = "VMRESUME after VMXOFF",
    [7] = "VM entry with invalid control field(s)",
    [8] = "VM entry with invalid host-state field(s)",
    [9] = "VMPTRLD with invalid physical address",
    [10] = "VMPTRLD with VMXON pointer",
    [11] = "VMPTRLD with incorrect VMCS revision identifier",
    [12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
    [13] = "VMWRITE to read-only VMCS component",
    [15] = "VMXON executed in VMX root operation",
    [16] = "VM entry with invalid executive-VMCS pointer",
    [17] = "VM entry with non-launched executive VMCS",
    [18] = "VM entry with executive-VMCS pointer not VMXON pointer",
    [19] = "VMCALL with non-clear VMCS",
    [20] = "VMCALL with invalid VM-exit control fields",
    [22] = "VMCALL with incorrect MSEG revision identifier",
    [23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
    [24] = "VMCALL with invalid SMM-monitor features",
    [25] = "VM entry with invalid VM-execution control fields in executive VMCS",
    [26] = "VM entry with events blocked by MOV SS",
    [28] = "invalid operand to INVEPT/INVVPID",
};

const char *vmx_insn_error_name(unsigned int err)
{
	if (err >= sizeof(vmx_insn_errors) / sizeof(vmx_insn_errors[0]) || !vmx_insn_errors[err])
		return "unknown VM-instruction error";
	return vmx_insn_errors[err];
}

char *vmx_entry_failure_text(unsigned int basic, uint64_t qual, char *buf, size_t len)
{
	static const char *const guest_state[] = {
	    [2] = "failure loading the PDPTEs",
	    [3] = "NMI injection into a guest blocking events by STI",
	    [4] = "invalid VMCS link pointer",
	};

	switch (basic) {
	case VMX_EXIT_ENTRY_GUEST_STATE:
		if (qual < 5 && guest_state[qual])
			snprintf(buf, len, "invalid guest state: %s", guest_state[qual]);
		else
			snprintf(buf, len,
			         "invalid guest state (a guest-state check "
			         "of SDM 26.3.1 failed; qualification %llu)",
			         (unsigned long long)qual);
		break;
	case VMX_EXIT_ENTRY_MSR_LOAD:
		/* The qualification is the 1-based index of the failing entry. */
		snprintf(buf, len, "MSR loading: entry %llu of the VM-entry MSR-load area failed",
		         (unsigned long long)qual);
		break;
	case VMX_EXIT_ENTRY_MACHINE_CHECK:
		snprintf(buf, len, "machine-check event during VM entry");
		break;
	default:
		snprintf(buf, len, "not a VM-entry failure (exit reason %u: %s)", basic,
		         vmx_exit_reason_name(basic));
		break;
	}
	return buf;
}
