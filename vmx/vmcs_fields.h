/* VMCS field encodings, VM-execution/exit/entry control bits and basic exit
 * reasons used by keel's VT-x backend.
 *
 * Section and table numbers follow the Intel SDM Vol. 3C numbering of the
 * 2016-2022 editions (VMCS in chapter 24, VM entries 26, VM exits 27, EPT 28,
 * VMX instruction reference 30); later editions shift chapters by one.
 *   field encodings          Appendix B (B.1-B.4)
 *   pin-based controls       Table 24-5
 *   primary proc-based       Table 24-6
 *   secondary proc-based     Table 24-7
 *   VM-exit controls         Table 24-10
 *   VM-entry controls        Table 24-12
 *   exit reasons             Appendix C
 */
#ifndef VMX_VMCS_FIELDS_H
#define VMX_VMCS_FIELDS_H

/* ---- 16-bit fields (B.1) ---------------------------------------------- */
#define VMCS_VPID 0x0000
#define VMCS_POSTED_INTR_NV 0x0002
#define VMCS_EPTP_INDEX 0x0004

#define VMCS_GUEST_ES_SEL 0x0800
#define VMCS_GUEST_CS_SEL 0x0802
#define VMCS_GUEST_SS_SEL 0x0804
#define VMCS_GUEST_DS_SEL 0x0806
#define VMCS_GUEST_FS_SEL 0x0808
#define VMCS_GUEST_GS_SEL 0x080a
#define VMCS_GUEST_LDTR_SEL 0x080c
#define VMCS_GUEST_TR_SEL 0x080e
#define VMCS_GUEST_INTR_STATUS 0x0810
#define VMCS_GUEST_PML_INDEX 0x0812

#define VMCS_HOST_ES_SEL 0x0c00
#define VMCS_HOST_CS_SEL 0x0c02
#define VMCS_HOST_SS_SEL 0x0c04
#define VMCS_HOST_DS_SEL 0x0c06
#define VMCS_HOST_FS_SEL 0x0c08
#define VMCS_HOST_GS_SEL 0x0c0a
#define VMCS_HOST_TR_SEL 0x0c0c

/* ---- 64-bit fields (B.2); the "HIGH" half is encoding + 1 -------------- */
#define VMCS_IO_BITMAP_A 0x2000
#define VMCS_IO_BITMAP_B 0x2002
#define VMCS_MSR_BITMAP 0x2004
#define VMCS_EXIT_MSR_STORE_ADDR 0x2006
#define VMCS_EXIT_MSR_LOAD_ADDR 0x2008
#define VMCS_ENTRY_MSR_LOAD_ADDR 0x200a
#define VMCS_EXECUTIVE_VMCS_PTR 0x200c
#define VMCS_PML_ADDR 0x200e
#define VMCS_TSC_OFFSET 0x2010
#define VMCS_VIRTUAL_APIC_ADDR 0x2012
#define VMCS_APIC_ACCESS_ADDR 0x2014
#define VMCS_POSTED_INTR_DESC 0x2016
#define VMCS_VMFUNC_CONTROLS 0x2018
#define VMCS_EPTP 0x201a
#define VMCS_EOI_EXIT_BITMAP0 0x201c
#define VMCS_EOI_EXIT_BITMAP1 0x201e
#define VMCS_EOI_EXIT_BITMAP2 0x2020
#define VMCS_EOI_EXIT_BITMAP3 0x2022
#define VMCS_EPTP_LIST_ADDR 0x2024
#define VMCS_VMREAD_BITMAP 0x2026
#define VMCS_VMWRITE_BITMAP 0x2028
#define VMCS_VE_INFO_ADDR 0x202a
#define VMCS_XSS_EXIT_BITMAP 0x202c
#define VMCS_TSC_MULTIPLIER 0x2032

#define VMCS_GUEST_PHYS_ADDR 0x2400 /* read-only */

#define VMCS_LINK_POINTER 0x2800
#define VMCS_GUEST_DEBUGCTL 0x2802
#define VMCS_GUEST_PAT 0x2804
#define VMCS_GUEST_EFER 0x2806
#define VMCS_GUEST_PERF_GLOBAL_CTRL 0x2808
#define VMCS_GUEST_PDPTE0 0x280a
#define VMCS_GUEST_PDPTE1 0x280c
#define VMCS_GUEST_PDPTE2 0x280e
#define VMCS_GUEST_PDPTE3 0x2810
#define VMCS_GUEST_BNDCFGS 0x2812

#define VMCS_HOST_PAT 0x2c00
#define VMCS_HOST_EFER 0x2c02
#define VMCS_HOST_PERF_GLOBAL_CTRL 0x2c04

/* ---- 32-bit fields (B.3) ---------------------------------------------- */
#define VMCS_PIN_CONTROLS 0x4000
#define VMCS_PROC_CONTROLS 0x4002
#define VMCS_EXCEPTION_BITMAP 0x4004
#define VMCS_PF_ERROR_MASK 0x4006
#define VMCS_PF_ERROR_MATCH 0x4008
#define VMCS_CR3_TARGET_COUNT 0x400a
#define VMCS_EXIT_CONTROLS 0x400c
#define VMCS_EXIT_MSR_STORE_COUNT 0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT 0x4010
#define VMCS_ENTRY_CONTROLS 0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT 0x4014
#define VMCS_ENTRY_INTR_INFO 0x4016
#define VMCS_ENTRY_EXCEPTION_ERROR 0x4018
#define VMCS_ENTRY_INSN_LEN 0x401a
#define VMCS_TPR_THRESHOLD 0x401c
#define VMCS_PROC2_CONTROLS 0x401e
#define VMCS_PLE_GAP 0x4020
#define VMCS_PLE_WINDOW 0x4022

/* read-only data fields */
#define VMCS_INSN_ERROR 0x4400
#define VMCS_EXIT_REASON 0x4402
#define VMCS_EXIT_INTR_INFO 0x4404
#define VMCS_EXIT_INTR_ERROR 0x4406
#define VMCS_IDT_VECTORING_INFO 0x4408
#define VMCS_IDT_VECTORING_ERROR 0x440a
#define VMCS_EXIT_INSN_LEN 0x440c
#define VMCS_EXIT_INSN_INFO 0x440e

#define VMCS_GUEST_ES_LIMIT 0x4800
#define VMCS_GUEST_CS_LIMIT 0x4802
#define VMCS_GUEST_SS_LIMIT 0x4804
#define VMCS_GUEST_DS_LIMIT 0x4806
#define VMCS_GUEST_FS_LIMIT 0x4808
#define VMCS_GUEST_GS_LIMIT 0x480a
#define VMCS_GUEST_LDTR_LIMIT 0x480c
#define VMCS_GUEST_TR_LIMIT 0x480e
#define VMCS_GUEST_GDTR_LIMIT 0x4810
#define VMCS_GUEST_IDTR_LIMIT 0x4812
#define VMCS_GUEST_ES_AR 0x4814
#define VMCS_GUEST_CS_AR 0x4816
#define VMCS_GUEST_SS_AR 0x4818
#define VMCS_GUEST_DS_AR 0x481a
#define VMCS_GUEST_FS_AR 0x481c
#define VMCS_GUEST_GS_AR 0x481e
#define VMCS_GUEST_LDTR_AR 0x4820
#define VMCS_GUEST_TR_AR 0x4822
#define VMCS_GUEST_INTERRUPTIBILITY 0x4824
#define VMCS_GUEST_ACTIVITY_STATE 0x4826
#define VMCS_GUEST_SMBASE 0x4828
#define VMCS_GUEST_SYSENTER_CS 0x482a
#define VMCS_PREEMPTION_TIMER 0x482e

#define VMCS_HOST_SYSENTER_CS 0x4c00

/* ---- natural-width fields (B.4) --------------------------------------- */
#define VMCS_CR0_GUEST_HOST_MASK 0x6000
#define VMCS_CR4_GUEST_HOST_MASK 0x6002
#define VMCS_CR0_READ_SHADOW 0x6004
#define VMCS_CR4_READ_SHADOW 0x6006
#define VMCS_CR3_TARGET0 0x6008
#define VMCS_CR3_TARGET1 0x600a
#define VMCS_CR3_TARGET2 0x600c
#define VMCS_CR3_TARGET3 0x600e

/* read-only data fields */
#define VMCS_EXIT_QUALIFICATION 0x6400
#define VMCS_IO_RCX 0x6402
#define VMCS_IO_RSI 0x6404
#define VMCS_IO_RDI 0x6406
#define VMCS_IO_RIP 0x6408
#define VMCS_GUEST_LINEAR_ADDR 0x640a

#define VMCS_GUEST_CR0 0x6800
#define VMCS_GUEST_CR3 0x6802
#define VMCS_GUEST_CR4 0x6804
#define VMCS_GUEST_ES_BASE 0x6806
#define VMCS_GUEST_CS_BASE 0x6808
#define VMCS_GUEST_SS_BASE 0x680a
#define VMCS_GUEST_DS_BASE 0x680c
#define VMCS_GUEST_FS_BASE 0x680e
#define VMCS_GUEST_GS_BASE 0x6810
#define VMCS_GUEST_LDTR_BASE 0x6812
#define VMCS_GUEST_TR_BASE 0x6814
#define VMCS_GUEST_GDTR_BASE 0x6816
#define VMCS_GUEST_IDTR_BASE 0x6818
#define VMCS_GUEST_DR7 0x681a
#define VMCS_GUEST_RSP 0x681c
#define VMCS_GUEST_RIP 0x681e
#define VMCS_GUEST_RFLAGS 0x6820
#define VMCS_GUEST_PENDING_DBG 0x6822
#define VMCS_GUEST_SYSENTER_ESP 0x6824
#define VMCS_GUEST_SYSENTER_EIP 0x6826

#define VMCS_HOST_CR0 0x6c00
#define VMCS_HOST_CR3 0x6c02
#define VMCS_HOST_CR4 0x6c04
#define VMCS_HOST_FS_BASE 0x6c06
#define VMCS_HOST_GS_BASE 0x6c08
#define VMCS_HOST_TR_BASE 0x6c0a
#define VMCS_HOST_GDTR_BASE 0x6c0c
#define VMCS_HOST_IDTR_BASE 0x6c0e
#define VMCS_HOST_SYSENTER_ESP 0x6c10
#define VMCS_HOST_SYSENTER_EIP 0x6c12
#define VMCS_HOST_RSP 0x6c14
#define VMCS_HOST_RIP 0x6c16

/* Width of a field from bits 14:13 of its encoding (B.1-B.4). */
#define VMCS_FIELD_WIDTH(enc) (((enc) >> 13) & 3u)
#define VMCS_WIDTH_16 0u
#define VMCS_WIDTH_64 1u
#define VMCS_WIDTH_32 2u
#define VMCS_WIDTH_NATURAL 3u

/* ---- pin-based VM-execution controls (Table 24-5) ---------------------- */
#define VMX_PIN_EXT_INTR_EXIT (1u << 0)
#define VMX_PIN_NMI_EXIT (1u << 3)
#define VMX_PIN_VIRTUAL_NMIS (1u << 5)
#define VMX_PIN_PREEMPT_TIMER (1u << 6)
#define VMX_PIN_POSTED_INTR (1u << 7)

/* ---- primary processor-based controls (Table 24-6) --------------------- */
#define VMX_PROC_INTR_WINDOW_EXIT (1u << 2)
#define VMX_PROC_TSC_OFFSET (1u << 3)
#define VMX_PROC_HLT_EXIT (1u << 7)
#define VMX_PROC_INVLPG_EXIT (1u << 9)
#define VMX_PROC_MWAIT_EXIT (1u << 10)
#define VMX_PROC_RDPMC_EXIT (1u << 11)
#define VMX_PROC_RDTSC_EXIT (1u << 12)
#define VMX_PROC_CR3_LOAD_EXIT (1u << 15)
#define VMX_PROC_CR3_STORE_EXIT (1u << 16)
#define VMX_PROC_TERTIARY (1u << 17)
#define VMX_PROC_CR8_LOAD_EXIT (1u << 19)
#define VMX_PROC_CR8_STORE_EXIT (1u << 20)
#define VMX_PROC_TPR_SHADOW (1u << 21)
#define VMX_PROC_NMI_WINDOW_EXIT (1u << 22)
#define VMX_PROC_MOV_DR_EXIT (1u << 23)
#define VMX_PROC_UNCOND_IO_EXIT (1u << 24)
#define VMX_PROC_IO_BITMAPS (1u << 25)
#define VMX_PROC_MTF (1u << 27)
#define VMX_PROC_MSR_BITMAPS (1u << 28)
#define VMX_PROC_MONITOR_EXIT (1u << 29)
#define VMX_PROC_PAUSE_EXIT (1u << 30)
#define VMX_PROC_SECONDARY (1u << 31)

/* ---- secondary processor-based controls (Table 24-7) ------------------- */
#define VMX_PROC2_VIRT_APIC_ACCESS (1u << 0)
#define VMX_PROC2_EPT (1u << 1)
#define VMX_PROC2_DESC_TABLE_EXIT (1u << 2)
#define VMX_PROC2_RDTSCP (1u << 3)
#define VMX_PROC2_VIRT_X2APIC (1u << 4)
#define VMX_PROC2_VPID (1u << 5)
#define VMX_PROC2_WBINVD_EXIT (1u << 6)
#define VMX_PROC2_UNRESTRICTED (1u << 7)
#define VMX_PROC2_APIC_REG_VIRT (1u << 8)
#define VMX_PROC2_VINTR_DELIVERY (1u << 9)
#define VMX_PROC2_PAUSE_LOOP_EXIT (1u << 10)
#define VMX_PROC2_RDRAND_EXIT (1u << 11)
#define VMX_PROC2_INVPCID (1u << 12)
#define VMX_PROC2_VMFUNC (1u << 13)
#define VMX_PROC2_VMCS_SHADOWING (1u << 14)
#define VMX_PROC2_ENCLS_EXIT (1u << 15)
#define VMX_PROC2_RDSEED_EXIT (1u << 16)
#define VMX_PROC2_PML (1u << 17)
#define VMX_PROC2_EPT_VE (1u << 18)
#define VMX_PROC2_PT_CONCEAL (1u << 19)
#define VMX_PROC2_XSAVES (1u << 20)
#define VMX_PROC2_MODE_BASED_EPT_X (1u << 22)
#define VMX_PROC2_SUBPAGE_WRITE (1u << 23)
#define VMX_PROC2_PT_GUEST_PHYS (1u << 24)
#define VMX_PROC2_TSC_SCALING (1u << 25)
#define VMX_PROC2_USER_WAIT_PAUSE (1u << 26)

/* ---- VM-exit controls (Table 24-10) ------------------------------------ */
#define VMX_EXITCTL_SAVE_DEBUG (1u << 2)
#define VMX_EXITCTL_HOST_ADDR64 (1u << 9)
#define VMX_EXITCTL_LOAD_PERF_GLOBAL (1u << 12)
#define VMX_EXITCTL_ACK_INTR (1u << 15)
#define VMX_EXITCTL_SAVE_PAT (1u << 18)
#define VMX_EXITCTL_LOAD_PAT (1u << 19)
#define VMX_EXITCTL_SAVE_EFER (1u << 20)
#define VMX_EXITCTL_LOAD_EFER (1u << 21)
#define VMX_EXITCTL_SAVE_PREEMPT_TIMER (1u << 22)
#define VMX_EXITCTL_CLEAR_BNDCFGS (1u << 23)
#define VMX_EXITCTL_PT_CONCEAL (1u << 24)

/* ---- VM-entry controls (Table 24-12) ----------------------------------- */
#define VMX_ENTRYCTL_LOAD_DEBUG (1u << 2)
#define VMX_ENTRYCTL_IA32E_GUEST (1u << 9)
#define VMX_ENTRYCTL_SMM (1u << 10)
#define VMX_ENTRYCTL_DEACT_DUAL_MONITOR (1u << 11)
#define VMX_ENTRYCTL_LOAD_PERF_GLOBAL (1u << 13)
#define VMX_ENTRYCTL_LOAD_PAT (1u << 14)
#define VMX_ENTRYCTL_LOAD_EFER (1u << 15)
#define VMX_ENTRYCTL_LOAD_BNDCFGS (1u << 16)

/* "Default1" controls, reserved bits that the classic capability MSRs report
 * as must-be-one (Appendix A.2). */
#define VMX_PIN_DEFAULT1 0x00000016u
#define VMX_PROC_DEFAULT1 0x0401e172u
#define VMX_EXITCTL_DEFAULT1 0x00036dffu
#define VMX_ENTRYCTL_DEFAULT1 0x000011ffu

/* ---- guest non-register state (Table 24-3, 24.4.2) --------------------- */
#define VMX_INTERRUPTIBILITY_STI (1u << 0)
#define VMX_INTERRUPTIBILITY_MOV_SS (1u << 1)
#define VMX_INTERRUPTIBILITY_SMI (1u << 2)
#define VMX_INTERRUPTIBILITY_NMI (1u << 3)

#define VMX_ACTIVITY_ACTIVE 0u
#define VMX_ACTIVITY_HLT 1u
#define VMX_ACTIVITY_SHUTDOWN 2u
#define VMX_ACTIVITY_WAIT_SIPI 3u

/* ---- exit reason field (24.9.1) and basic exit reasons (Appendix C) ---- */
#define VMX_EXIT_REASON_BASIC(r) ((r)&0xffffu)
#define VMX_EXIT_REASON_ENCLAVE (1u << 27)
#define VMX_EXIT_REASON_PENDING_MTF (1u << 28)
#define VMX_EXIT_REASON_FROM_ROOT (1u << 29)
#define VMX_EXIT_REASON_ENTRY_FAIL (1u << 31)

#define VMX_EXIT_EXCEPTION_NMI 0
#define VMX_EXIT_EXTERNAL_INTR 1
#define VMX_EXIT_TRIPLE_FAULT 2
#define VMX_EXIT_INIT 3
#define VMX_EXIT_SIPI 4
#define VMX_EXIT_IO_SMI 5
#define VMX_EXIT_OTHER_SMI 6
#define VMX_EXIT_INTR_WINDOW 7
#define VMX_EXIT_NMI_WINDOW 8
#define VMX_EXIT_TASK_SWITCH 9
#define VMX_EXIT_CPUID 10
#define VMX_EXIT_GETSEC 11
#define VMX_EXIT_HLT 12
#define VMX_EXIT_INVD 13
#define VMX_EXIT_INVLPG 14
#define VMX_EXIT_RDPMC 15
#define VMX_EXIT_RDTSC 16
#define VMX_EXIT_RSM 17
#define VMX_EXIT_VMCALL 18
#define VMX_EXIT_VMCLEAR 19
#define VMX_EXIT_VMLAUNCH 20
#define VMX_EXIT_VMPTRLD 21
#define VMX_EXIT_VMPTRST 22
#define VMX_EXIT_VMREAD 23
#define VMX_EXIT_VMRESUME 24
#define VMX_EXIT_VMWRITE 25
#define VMX_EXIT_VMXOFF 26
#define VMX_EXIT_VMXON 27
#define VMX_EXIT_CR_ACCESS 28
#define VMX_EXIT_DR_ACCESS 29
#define VMX_EXIT_IO 30
#define VMX_EXIT_RDMSR 31
#define VMX_EXIT_WRMSR 32
#define VMX_EXIT_ENTRY_GUEST_STATE 33
#define VMX_EXIT_ENTRY_MSR_LOAD 34
#define VMX_EXIT_MWAIT 36
#define VMX_EXIT_MTF 37
#define VMX_EXIT_MONITOR 39
#define VMX_EXIT_PAUSE 40
#define VMX_EXIT_ENTRY_MACHINE_CHECK 41
#define VMX_EXIT_TPR_BELOW_THRESHOLD 43
#define VMX_EXIT_APIC_ACCESS 44
#define VMX_EXIT_VIRTUALIZED_EOI 45
#define VMX_EXIT_GDTR_IDTR 46
#define VMX_EXIT_LDTR_TR 47
#define VMX_EXIT_EPT_VIOLATION 48
#define VMX_EXIT_EPT_MISCONFIG 49
#define VMX_EXIT_INVEPT 50
#define VMX_EXIT_RDTSCP 51
#define VMX_EXIT_PREEMPT_TIMER 52
#define VMX_EXIT_INVVPID 53
#define VMX_EXIT_WBINVD 54
#define VMX_EXIT_XSETBV 55
#define VMX_EXIT_APIC_WRITE 56
#define VMX_EXIT_RDRAND 57
#define VMX_EXIT_INVPCID 58
#define VMX_EXIT_VMFUNC 59
#define VMX_EXIT_ENCLS 60
#define VMX_EXIT_RDSEED 61
#define VMX_EXIT_PML_FULL 62
#define VMX_EXIT_XSAVES 63
#define VMX_EXIT_XRSTORS 64
#define VMX_EXIT_REASON_MAX 64 /* highest reason with a name */

#endif
