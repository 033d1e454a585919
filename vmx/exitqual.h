/* Decoders for VM-exit information (Intel SDM Vol. 3C; numbering as in
 * vmx/vmcs_fields.h): exit qualifications (§27.2.1, Tables 27-1..27-7),
 * interruption and IDT-vectoring information (§24.9.2-24.9.3), the
 * VM-instruction error numbers (§30.4) and VM-entry failures (§26.7, §26.8).
 */
#ifndef VMX_EXITQUAL_H
#define VMX_EXITQUAL_H

#include <stdbool.h>
#include <stddef.h> /* size_t */
#include <stdint.h>

/* Name of a basic exit reason (Appendix C); "unknown" past the table. */
const char *vmx_exit_reason_name(unsigned int basic);

/* I/O instruction (Table 27-5). */
struct vmx_io_qual {
	unsigned int size; /* 1, 2 or 4 bytes */
	bool in;           /* IN/INS; false for OUT/OUTS */
	bool string;       /* INS/OUTS */
	bool rep;          /* REP prefix */
	bool imm;          /* port from an immediate, else from DX */
	uint16_t port;
};
void vmx_qual_io(uint64_t q, struct vmx_io_qual *io);

/* Control-register access (Table 27-3). */
#define VMX_CR_MOV_TO 0u
#define VMX_CR_MOV_FROM 1u
#define VMX_CR_CLTS 2u
#define VMX_CR_LMSW 3u
struct vmx_cr_qual {
	unsigned int cr;    /* 0, 3, 4 or 8 */
	unsigned int type;  /* VMX_CR_* */
	unsigned int gpr;   /* 0 = RAX ... 4 = RSP ... 15 = R15 (MOV only) */
	bool lmsw_mem;      /* LMSW operand in memory, else register */
	uint16_t lmsw_data; /* LMSW source operand */
};
void vmx_qual_cr(uint64_t q, struct vmx_cr_qual *cr);

/* EPT violation (Table 27-7). */
struct vmx_ept_qual {
	bool read, write, fetch;  /* the access that faulted */
	unsigned int entry_perms; /* EPT_R/W/X of the entries walked */
	bool user_exec;           /* bit 6, mode-based execute control */
	bool gla_valid;           /* guest-linear address field valid */
	bool gla_translation;     /* access to the final translation of
	                           * the linear address, not to a guest
	                           * paging-structure entry; needs gla_valid */
	bool nmi_unblocking;      /* NMI unblocking due to IRET */
};
void vmx_qual_ept(uint64_t q, struct vmx_ept_qual *ept);

/* VM-exit interruption information (§24.9.2), VM-entry interruption
 * information (§24.8.3) and IDT-vectoring information (§24.9.3) share one
 * layout: vector 7:0, type 10:8, error code valid 11, valid 31. */
#define VMX_INTR_EXTERNAL 0u
#define VMX_INTR_NMI 2u
#define VMX_INTR_HW_EXCEPTION 3u
#define VMX_INTR_SW_INTR 4u
#define VMX_INTR_PRIV_SW_EXC 5u
#define VMX_INTR_SW_EXCEPTION 6u
#define VMX_INTR_OTHER 7u

#define VMX_INTR_INFO_ERROR_VALID (1u << 11)
#define VMX_INTR_INFO_NMI_UNBLOCK (1u << 12)
#define VMX_INTR_INFO_VALID (1u << 31)

struct vmx_intr_info {
	bool valid;
	unsigned int vector;
	unsigned int type; /* VMX_INTR_* */
	bool error_valid;
	bool nmi_unblocking; /* exit interruption info only */
};
void vmx_intr_info_decode(uint32_t info, struct vmx_intr_info *ii);
/* Build a VM-entry interruption-information value (for injection). */
uint32_t vmx_intr_info_make(unsigned int vector, unsigned int type, bool error_valid);
const char *vmx_intr_type_name(unsigned int type);

/* VM-instruction error number (VMCS_INSN_ERROR) as text (§30.4). */
const char *vmx_insn_error_name(unsigned int err);

/* Exit qualification of a VM-entry failure (reasons 33, 34 in §26.7; 41 in §26.8) as
 * text, written into buf. Returns buf. */
char *vmx_entry_failure_text(unsigned int basic, uint64_t qual, char *buf, size_t len);

#endif
