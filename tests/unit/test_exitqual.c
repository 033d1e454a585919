/* Unit tests for vmx/exitqual.c: exit reason names, exit-qualification
 * decoders (SDM Vol. 3C Tables 27-3, 27-5, 27-7), interruption information,
 * VM-instruction errors and VM-entry failure text. */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ept/ept.h"
#include "vmx/exitqual.h"
#include "vmx/vmcs_fields.h"

static void test_exit_reason_names(void **state)
{
	unsigned int r;

	assert_string_equal(vmx_exit_reason_name(VMX_EXIT_EXCEPTION_NMI), "exception or NMI");
	assert_string_equal(vmx_exit_reason_name(VMX_EXIT_TRIPLE_FAULT), "triple fault");
	assert_string_equal(vmx_exit_reason_name(10), "CPUID");
	assert_string_equal(vmx_exit_reason_name(30), "I/O instruction");
	assert_string_equal(vmx_exit_reason_name(48), "EPT violation");
	assert_string_equal(vmx_exit_reason_name(52), "VMX-preemption timer expired");
	assert_string_equal(vmx_exit_reason_name(64), "XRSTORS");
	/* 35, 38 and 42 are not defined; nor is anything past 64 */
	assert_string_equal(vmx_exit_reason_name(35), "unknown");
	assert_string_equal(vmx_exit_reason_name(38), "unknown");
	assert_string_equal(vmx_exit_reason_name(42), "unknown");
	assert_string_equal(vmx_exit_reason_name(65), "unknown");
	assert_string_equal(vmx_exit_reason_name(0xffffffffu), "unknown");
	for (r = 0; r <= VMX_EXIT_REASON_MAX; r++)
		if (r != 35 && r != 38 && r != 42)
			assert_string_not_equal(vmx_exit_reason_name(r), "unknown");
	/* the basic reason is the low 16 bits of the field */
	assert_int_equal(VMX_EXIT_REASON_BASIC(VMX_EXIT_REASON_ENTRY_FAIL | 33), 33);
}

static void test_io(void **state)
{
	struct vmx_io_qual io;

	/* out dx, al with dx = 0x3f8 */
	vmx_qual_io(0x03f80000, &io);
	assert_int_equal(io.size, 1);
	assert_false(io.in || io.string || io.rep || io.imm);
	assert_int_equal(io.port, 0x3f8);

	/* in ax, 0x60 */
	vmx_qual_io((0x60 << 16) | (1 << 6) | (1 << 3) | 1, &io);
	assert_int_equal(io.size, 2);
	assert_true(io.in && io.imm);
	assert_false(io.string || io.rep);
	assert_int_equal(io.port, 0x60);

	/* rep outsd to dx = 0x1f0 */
	vmx_qual_io((0x1f0ull << 16) | (1 << 5) | (1 << 4) | 3, &io);
	assert_int_equal(io.size, 4);
	assert_true(io.string && io.rep);
	assert_false(io.in || io.imm);
	assert_int_equal(io.port, 0x1f0);

	/* rep insb from 0xffff; bits above 31 are ignored */
	vmx_qual_io(0xdead00000000ull | (0xffffull << 16) | (1 << 5) | (1 << 4) | (1 << 3), &io);
	assert_int_equal(io.size, 1);
	assert_true(io.in && io.string && io.rep);
	assert_int_equal(io.port, 0xffff);
}

static void test_cr(void **state)
{
	struct vmx_cr_qual cr;

	/* mov cr0, rax */
	vmx_qual_cr(0x0, &cr);
	assert_int_equal(cr.cr, 0);
	assert_int_equal(cr.type, VMX_CR_MOV_TO);
	assert_int_equal(cr.gpr, 0);

	/* mov rbx, cr3 */
	vmx_qual_cr(3 | (1 << 4) | (3 << 8), &cr);
	assert_int_equal(cr.cr, 3);
	assert_int_equal(cr.type, VMX_CR_MOV_FROM);
	assert_int_equal(cr.gpr, 3);

	/* mov cr8, r15 and mov cr4, rsp */
	vmx_qual_cr(8 | (15 << 8), &cr);
	assert_int_equal(cr.cr, 8);
	assert_int_equal(cr.gpr, 15);
	vmx_qual_cr(4 | (4 << 8), &cr);
	assert_int_equal(cr.cr, 4);
	assert_int_equal(cr.gpr, 4);

	/* clts */
	vmx_qual_cr(2 << 4, &cr);
	assert_int_equal(cr.cr, 0);
	assert_int_equal(cr.type, VMX_CR_CLTS);

	/* lmsw ax with ax = 0x0001, then lmsw [mem] with 0xfff3 */
	vmx_qual_cr((3 << 4) | (0x0001u << 16), &cr);
	assert_int_equal(cr.type, VMX_CR_LMSW);
	assert_false(cr.lmsw_mem);
	assert_int_equal(cr.lmsw_data, 1);
	vmx_qual_cr((3 << 4) | (1 << 6) | (0xfff3u << 16), &cr);
	assert_true(cr.lmsw_mem);
	assert_int_equal(cr.lmsw_data, 0xfff3);
}

static void test_ept_violation(void **state)
{
	struct vmx_ept_qual q;

	/* write to a read-only page, through a linear address */
	vmx_qual_ept((1 << 1) | (1 << 3) | (1 << 7) | (1 << 8), &q);
	assert_true(q.write);
	assert_false(q.read || q.fetch);
	assert_int_equal(q.entry_perms, EPT_R);
	assert_true(q.gla_valid && q.gla_translation);
	assert_false(q.nmi_unblocking);

	/* fetch from an unmapped page (MMIO hole): no permissions */
	vmx_qual_ept((1 << 2) | (1 << 7) | (1 << 8), &q);
	assert_true(q.fetch);
	assert_int_equal(q.entry_perms, 0);

	/* read during a guest page walk: linear address valid, not the final
	 * translation */
	vmx_qual_ept(1 | (1 << 7), &q);
	assert_true(q.read && q.gla_valid);
	assert_false(q.gla_translation);

	/* bit 8 means nothing without bit 7 */
	vmx_qual_ept(1 | (1 << 8), &q);
	assert_false(q.gla_valid || q.gla_translation);

	/* all entry permissions, user-execute, NMI unblocking */
	vmx_qual_ept((7 << 3) | (1 << 6) | (1 << 12), &q);
	assert_int_equal(q.entry_perms, EPT_RWX);
	assert_true(q.user_exec && q.nmi_unblocking);
}

static void test_intr_info(void **state)
{
	struct vmx_intr_info ii;

	/* #PF with error code */
	vmx_intr_info_decode(0x80000b0e, &ii);
	assert_true(ii.valid && ii.error_valid);
	assert_int_equal(ii.vector, 14);
	assert_int_equal(ii.type, VMX_INTR_HW_EXCEPTION);
	assert_string_equal(vmx_intr_type_name(ii.type), "hardware exception");

	/* NMI, with NMI unblocking due to IRET */
	vmx_intr_info_decode(0x80001202, &ii);
	assert_int_equal(ii.type, VMX_INTR_NMI);
	assert_int_equal(ii.vector, 2);
	assert_true(ii.nmi_unblocking);
	assert_false(ii.error_valid);

	/* IDT vectoring: int 0x80 was being delivered */
	vmx_intr_info_decode(0x80000480, &ii);
	assert_int_equal(ii.type, VMX_INTR_SW_INTR);
	assert_int_equal(ii.vector, 0x80);

	/* not valid */
	vmx_intr_info_decode(0x00000020, &ii);
	assert_false(ii.valid);

	/* building an injection: external interrupt 0x30, #GP(0), int3 */
	assert_int_equal(vmx_intr_info_make(0x30, VMX_INTR_EXTERNAL, false), 0x80000030);
	assert_int_equal(vmx_intr_info_make(13, VMX_INTR_HW_EXCEPTION, true), 0x80000b0d);
	assert_int_equal(vmx_intr_info_make(3, VMX_INTR_SW_EXCEPTION, false), 0x80000603);
	vmx_intr_info_decode(vmx_intr_info_make(0x41, VMX_INTR_PRIV_SW_EXC, false), &ii);
	assert_true(ii.valid);
	assert_int_equal(ii.vector, 0x41);
	assert_int_equal(ii.type, VMX_INTR_PRIV_SW_EXC);
	assert_string_equal(vmx_intr_type_name(1), "reserved");
	assert_string_equal(vmx_intr_type_name(VMX_INTR_OTHER), "other event");
}

static void test_insn_errors(void **state)
{
	assert_string_equal(vmx_insn_error_name(7), "VM entry with invalid control field(s)");
	assert_string_equal(vmx_insn_error_name(8), "VM entry with invalid host-state field(s)");
	assert_string_equal(vmx_insn_error_name(11),
	                    "VMPTRLD with incorrect VMCS revision identifier");
	assert_string_equal(vmx_insn_error_name(12),
	                    "VMREAD/VMWRITE from/to unsupported VMCS component");
	assert_string_equal(vmx_insn_error_name(26), "VM entry with events blocked by MOV SS");
	assert_string_equal(vmx_insn_error_name(28), "invalid operand to INVEPT/INVVPID");
	assert_string_equal(vmx_insn_error_name(0), "unknown VM-instruction error");
	assert_string_equal(vmx_insn_error_name(14), "unknown VM-instruction error");
	assert_string_equal(vmx_insn_error_name(21), "unknown VM-instruction error");
	assert_string_equal(vmx_insn_error_name(27), "unknown VM-instruction error");
	assert_string_equal(vmx_insn_error_name(29), "unknown VM-instruction error");
	assert_string_equal(vmx_insn_error_name(1u << 31), "unknown VM-instruction error");
}

static void test_entry_failures(void **state)
{
	char buf[160];

	vmx_entry_failure_text(VMX_EXIT_ENTRY_GUEST_STATE, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "invalid guest state"));
	assert_non_null(strstr(buf, "26.3.1"));
	vmx_entry_failure_text(33, 2, buf, sizeof(buf));
	assert_string_equal(buf, "invalid guest state: failure loading the PDPTEs");
	vmx_entry_failure_text(33, 3, buf, sizeof(buf));
	assert_non_null(strstr(buf, "NMI injection"));
	vmx_entry_failure_text(33, 4, buf, sizeof(buf));
	assert_string_equal(buf, "invalid guest state: invalid VMCS link pointer");
	vmx_entry_failure_text(33, 99, buf, sizeof(buf));
	assert_non_null(strstr(buf, "qualification 99"));
	vmx_entry_failure_text(VMX_EXIT_ENTRY_MSR_LOAD, 3, buf, sizeof(buf));
	assert_string_equal(buf, "MSR loading: entry 3 of the VM-entry MSR-load area failed");
	vmx_entry_failure_text(VMX_EXIT_ENTRY_MACHINE_CHECK, 0, buf, sizeof(buf));
	assert_string_equal(buf, "machine-check event during VM entry");
	vmx_entry_failure_text(VMX_EXIT_HLT, 0, buf, sizeof(buf));
	assert_string_equal(buf, "not a VM-entry failure (exit reason 12: HLT)");
	/* a short buffer is truncated, not overrun */
	assert_ptr_equal(vmx_entry_failure_text(41, 0, buf, 8), buf);
	assert_string_equal(buf, "machine");
}

static void test_field_widths(void **state)
{
	assert_int_equal(VMCS_FIELD_WIDTH(VMCS_VPID), VMCS_WIDTH_16);
	assert_int_equal(VMCS_FIELD_WIDTH(VMCS_HOST_TR_SEL), VMCS_WIDTH_16);
	assert_int_equal(VMCS_FIELD_WIDTH(VMCS_EPTP), VMCS_WIDTH_64);
	assert_int_equal(VMCS_FIELD_WIDTH(VMCS_LINK_POINTER), VMCS_WIDTH_64);
	assert_int_equal(VMCS_FIELD_WIDTH(VMCS_HOST_EFER), VMCS_WIDTH_64);
	assert_int_equal(VMCS_FIELD_WIDTH(VMCS_PROC2_CONTROLS), VMCS_WIDTH_32);
	assert_int_equal(VMCS_FIELD_WIDTH(VMCS_EXIT_REASON), VMCS_WIDTH_32);
	assert_int_equal(VMCS_FIELD_WIDTH(VMCS_PREEMPTION_TIMER), VMCS_WIDTH_32);
	assert_int_equal(VMCS_FIELD_WIDTH(VMCS_EXIT_QUALIFICATION), VMCS_WIDTH_NATURAL);
	assert_int_equal(VMCS_FIELD_WIDTH(VMCS_GUEST_RIP), VMCS_WIDTH_NATURAL);
	assert_int_equal(VMCS_FIELD_WIDTH(VMCS_HOST_RIP), VMCS_WIDTH_NATURAL);
	/* bits 11:10 give the type: 1 = read-only data */
	assert_int_equal((VMCS_GUEST_PHYS_ADDR >> 10) & 3, 1);
	assert_int_equal((VMCS_INSN_ERROR >> 10) & 3, 1);
	assert_int_equal((VMCS_GUEST_LINEAR_ADDR >> 10) & 3, 1);
	assert_int_equal((VMCS_GUEST_CR0 >> 10) & 3, 2);
	assert_int_equal((VMCS_HOST_CR0 >> 10) & 3, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exit_reason_names),
	    cmocka_unit_test(test_io),
	    cmocka_unit_test(test_cr),
	    cmocka_unit_test(test_ept_violation),
	    cmocka_unit_test(test_intr_info),
	    cmocka_unit_test(test_insn_errors),
	    cmocka_unit_test(test_entry_failures),
	    cmocka_unit_test(test_field_widths),
	};

	return cmocka_run_group_tests_name("exitqual", tests, NULL, NULL);
}
