/* Unit tests for vmx/caps.c: capability MSR parsing and control computation.
 *
 * Three CPUs: a Skylake client (i7-6700 class; BASIC, control, misc, fixed
 * and EPT/VPID values as such parts report them, the secondary-controls
 * value constructed from the Skylake feature list), the same CPU without
 * TRUE MSRs, and Bochs's corei7_skylake_x model (values built the way
 * Bochs's cpu/vmx code builds them: default1 bits in allowed-0, each
 * configured feature in allowed-1). Then adversarial variants of those.
 */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>

#include "vmx/caps.h"
#include "vmx/vmcs_fields.h"

#define NMSR 24

/* A CPU as a list of readable MSRs; reading any other would #GP. */
struct fake_cpu {
	uint32_t idx[NMSR];
	uint64_t val[NMSR];
	int n;
	int bad_reads;
	uint32_t last_bad;
};

static void cpu_set(struct fake_cpu *f, uint32_t msr, uint64_t v)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (f->idx[i] == msr) {
			f->val[i] = v;
			return;
		}
	assert_true(f->n < NMSR);
	f->idx[f->n] = msr;
	f->val[f->n++] = v;
}

static uint64_t cpu_get(struct fake_cpu *f, uint32_t msr)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (f->idx[i] == msr)
			return f->val[i];
	fail_msg("MSR %#x not set", msr);
	return 0;
}

static void cpu_del(struct fake_cpu *f, uint32_t msr)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (f->idx[i] == msr) {
			f->idx[i] = f->idx[--f->n];
			f->val[i] = f->val[f->n];
			return;
		}
}

static uint64_t fake_rdmsr(void *opaque, uint32_t msr)
{
	struct fake_cpu *f = opaque;
	int i;

	for (i = 0; i < f->n; i++)
		if (f->idx[i] == msr)
			return f->val[i];
	f->bad_reads++;
	f->last_bad = msr;
	return 0;
}

static void skylake(struct fake_cpu *f)
{
	memset(f, 0, sizeof(*f));
	cpu_set(f, MSR_IA32_VMX_BASIC, 0x00da040000000004ull);
	cpu_set(f, MSR_IA32_VMX_PINBASED_CTLS, 0x0000007f00000016ull);
	cpu_set(f, MSR_IA32_VMX_PROCBASED_CTLS, 0xfff9fffe0401e172ull);
	cpu_set(f, MSR_IA32_VMX_EXIT_CTLS, 0x01ffffff00036dffull);
	cpu_set(f, MSR_IA32_VMX_ENTRY_CTLS, 0x0003ffff000011ffull);
	cpu_set(f, MSR_IA32_VMX_MISC, 0x000000007004c1e7ull);
	cpu_set(f, MSR_IA32_VMX_CR0_FIXED0, 0x0000000080000021ull);
	cpu_set(f, MSR_IA32_VMX_CR0_FIXED1, 0x00000000ffffffffull);
	cpu_set(f, MSR_IA32_VMX_CR4_FIXED0, 0x0000000000002000ull);
	cpu_set(f, MSR_IA32_VMX_CR4_FIXED1, 0x00000000003767ffull);
	cpu_set(f, MSR_IA32_VMX_VMCS_ENUM, 0x000000000000002eull);
	cpu_set(f, MSR_IA32_VMX_PROCBASED_CTLS2, 0x001ffcff00000000ull);
	cpu_set(f, MSR_IA32_VMX_EPT_VPID_CAP, 0x00000f0106734141ull);
	cpu_set(f, MSR_IA32_VMX_TRUE_PINBASED_CTLS, 0x0000007f00000016ull);
	cpu_set(f, MSR_IA32_VMX_TRUE_PROCBASED_CTLS, 0xfff9fffe04006172ull);
	cpu_set(f, MSR_IA32_VMX_TRUE_EXIT_CTLS, 0x01ffffff00036dfbull);
	cpu_set(f, MSR_IA32_VMX_TRUE_ENTRY_CTLS, 0x0003ffff000011fbull);
}

static void bochs_skylake_x(struct fake_cpu *f)
{
	memset(f, 0, sizeof(*f));
	/* TRUE ctls, INS/OUTS info, WB, 4 KiB VMCS area */
	cpu_set(f, MSR_IA32_VMX_BASIC,
	        (1ull << 55) | (1ull << 54) | (6ull << 50) | (4096ull << 32) | 0x2b);
	cpu_set(f, MSR_IA32_VMX_PINBASED_CTLS, 0x0000007f00000016ull);
	cpu_set(f, MSR_IA32_VMX_PROCBASED_CTLS, 0xfff9fffe0401e172ull);
	cpu_set(f, MSR_IA32_VMX_EXIT_CTLS, 0x00ffffff00036dffull);
	cpu_set(f, MSR_IA32_VMX_ENTRY_CTLS, 0x0001ffff000011ffull);
	cpu_set(f, MSR_IA32_VMX_TRUE_PINBASED_CTLS, 0x0000007f00000016ull);
	cpu_set(f, MSR_IA32_VMX_TRUE_PROCBASED_CTLS, 0xfff9fffe04006172ull);
	cpu_set(f, MSR_IA32_VMX_TRUE_EXIT_CTLS, 0x00ffffff00036dfbull);
	cpu_set(f, MSR_IA32_VMX_TRUE_ENTRY_CTLS, 0x0001ffff000011fbull);
	/* EPT, desc-table, RDTSCP, x2APIC, VPID, WBINVD, unrestricted, APIC
	 * register virt, VID, PLE, RDRAND, INVPCID, VMFUNC, shadowing, RDSEED,
	 * PML, #VE, XSAVES, TSC scaling */
	cpu_set(f, MSR_IA32_VMX_PROCBASED_CTLS2, 0x0217ffffull << 32);
	/* Bochs base 0x06114141 + 1G pages + A/D, and INVVPID 0xf01 << 32 */
	cpu_set(f, MSR_IA32_VMX_EPT_VPID_CAP, 0x00000f0106334141ull);
	/* store LMA, HLT/shutdown/wait-for-SIPI, 4 CR3 targets, VMWRITE any */
	cpu_set(f, MSR_IA32_VMX_MISC, 0x200401e0ull);
	cpu_set(f, MSR_IA32_VMX_CR0_FIXED0, 0x80000021ull);
	cpu_set(f, MSR_IA32_VMX_CR0_FIXED1, 0xffffffffull);
	cpu_set(f, MSR_IA32_VMX_CR4_FIXED0, 0x2000ull);
	cpu_set(f, MSR_IA32_VMX_CR4_FIXED1, 0x007727ffull);
}

/* Replace the allowed-0 / allowed-1 halves of one control MSR. */
static void ctl_set(struct fake_cpu *f, uint32_t msr, uint32_t must1, uint32_t may1)
{
	cpu_set(f, msr, ((uint64_t)may1 << 32) | must1);
}

static void ctl_drop(struct fake_cpu *f, uint32_t msr, uint32_t bits)
{
	uint64_t v = cpu_get(f, msr);

	ctl_set(f, msr, (uint32_t)v & ~bits, (uint32_t)(v >> 32) & ~bits);
}

static void ctl_force(struct fake_cpu *f, uint32_t msr, uint32_t bits)
{
	uint64_t v = cpu_get(f, msr);

	ctl_set(f, msr, (uint32_t)v | bits, (uint32_t)(v >> 32) | bits);
}

static int run(struct fake_cpu *f, struct vmx_caps *c, struct vmx_controls *o, char *why,
               size_t len)
{
	int err = vmx_caps_parse(c, fake_rdmsr, f, why, len);

	assert_int_equal(f->bad_reads, 0);
	if (err)
		return err;
	return vmx_controls_compute(c, o, why, len);
}

/* Every control keel requires is on in o. */
static void assert_required(const struct vmx_controls *o)
{
	assert_int_equal(o->pin & (VMX_PIN_EXT_INTR_EXIT | VMX_PIN_NMI_EXIT),
	                 VMX_PIN_EXT_INTR_EXIT | VMX_PIN_NMI_EXIT);
	assert_true(o->proc & VMX_PROC_HLT_EXIT);
	assert_true(o->proc & VMX_PROC_IO_BITMAPS);
	assert_true(o->proc & VMX_PROC_MSR_BITMAPS);
	assert_true(o->proc & VMX_PROC_SECONDARY);
	assert_true(o->proc2 & VMX_PROC2_EPT);
	assert_true(o->proc2 & VMX_PROC2_UNRESTRICTED);
	assert_true(o->exit & VMX_EXITCTL_HOST_ADDR64);
	assert_true(o->exit & VMX_EXITCTL_ACK_INTR);
	assert_true(o->exit & VMX_EXITCTL_SAVE_EFER);
	assert_true(o->exit & VMX_EXITCTL_LOAD_EFER);
	assert_true(o->entry & VMX_ENTRYCTL_LOAD_EFER);
	assert_false(o->entry & VMX_ENTRYCTL_IA32E_GUEST);
	assert_int_equal(o->entry_dynamic, VMX_ENTRYCTL_IA32E_GUEST);
}

/* Every result obeys its capability MSR (A.3-A.5). */
static void assert_legal(const struct vmx_caps *c, const struct vmx_controls *o)
{
	const struct vmx_ctl_caps *k[5] = {&c->pin, &c->proc, &c->proc2, &c->exit, &c->entry};
	const uint32_t v[5] = {o->pin, o->proc, o->proc2, o->exit, o->entry};
	int i;

	for (i = 0; i < 5; i++) {
		assert_int_equal(v[i] & k[i]->must1, k[i]->must1);
		assert_int_equal(v[i] & ~k[i]->may1, 0);
	}
}

static void test_skylake_true(void **state)
{
	struct fake_cpu f;
	struct vmx_caps c;
	struct vmx_controls o;
	char why[128] = "";

	skylake(&f);
	assert_int_equal(run(&f, &c, &o, why, sizeof(why)), 0);
	assert_true(c.true_ctls);
	assert_int_equal(c.revision, 4);
	assert_int_equal(c.vmcs_size, 0x400);
	assert_int_equal(c.vmcs_memtype, 6);
	assert_int_equal(c.preempt_shift, 7);
	assert_int_equal(c.cr3_targets, 4);
	/* The TRUE values were used, not the classic ones. */
	assert_int_equal(c.proc.must1, 0x04006172);
	assert_int_equal(c.exit.must1, 0x00036dfb);
	assert_required(&o);
	assert_legal(&c, &o);

	assert_int_equal(o.pin, 0x7f);
	/* TRUE MSRs let CR3-load/store exiting be 0; TPR shadow replaces CR8 exits. */
	assert_false(o.proc & (VMX_PROC_CR3_LOAD_EXIT | VMX_PROC_CR3_STORE_EXIT));
	assert_false(o.proc & (VMX_PROC_CR8_LOAD_EXIT | VMX_PROC_CR8_STORE_EXIT));
	assert_int_equal(o.proc, 0x04006172u | VMX_PROC_HLT_EXIT | VMX_PROC_IO_BITMAPS |
	                             VMX_PROC_MSR_BITMAPS | VMX_PROC_SECONDARY |
	                             VMX_PROC_TPR_SHADOW);
	assert_int_equal(o.proc2, VMX_PROC2_EPT | VMX_PROC2_UNRESTRICTED | VMX_PROC2_VPID |
	                              VMX_PROC2_RDTSCP | VMX_PROC2_INVPCID | VMX_PROC2_XSAVES |
	                              VMX_PROC2_WBINVD_EXIT);
	assert_true(o.exit & VMX_EXITCTL_SAVE_PREEMPT_TIMER);
	assert_true(o.exit & VMX_EXITCTL_LOAD_PAT);
	assert_false(o.exit & VMX_EXITCTL_SAVE_DEBUG); /* default1 cleared by TRUE */
	assert_int_equal(o.entry, 0x000011fbu | VMX_ENTRYCTL_LOAD_EFER | VMX_ENTRYCTL_LOAD_PAT);
	assert_true(o.preempt_timer && o.tpr_shadow && o.vpid && o.ept_ad && o.pat);
	assert_true(o.ept_2m && o.ept_1g && o.virtual_nmis && o.act_hlt);
	assert_int_equal(o.proc_dynamic, VMX_PROC_INTR_WINDOW_EXIT | VMX_PROC_NMI_WINDOW_EXIT);
}

static void test_skylake_classic(void **state)
{
	struct fake_cpu f;
	struct vmx_caps c;
	struct vmx_controls o;
	char why[128] = "";

	skylake(&f);
	cpu_set(&f, MSR_IA32_VMX_BASIC, 0x00da040000000004ull & ~VMX_BASIC_TRUE_CTLS);
	/* Without bit 55 the TRUE MSRs do not exist: reading one fails run(). */
	cpu_del(&f, MSR_IA32_VMX_TRUE_PINBASED_CTLS);
	cpu_del(&f, MSR_IA32_VMX_TRUE_PROCBASED_CTLS);
	cpu_del(&f, MSR_IA32_VMX_TRUE_EXIT_CTLS);
	cpu_del(&f, MSR_IA32_VMX_TRUE_ENTRY_CTLS);
	assert_int_equal(run(&f, &c, &o, why, sizeof(why)), 0);
	assert_false(c.true_ctls);
	assert_required(&o);
	assert_legal(&c, &o);
	/* default1 bits come back forced from allowed-0 */
	assert_true(o.proc & VMX_PROC_CR3_LOAD_EXIT);
	assert_true(o.proc & VMX_PROC_CR3_STORE_EXIT);
	assert_true(o.exit & VMX_EXITCTL_SAVE_DEBUG);
	assert_true(o.entry & VMX_ENTRYCTL_LOAD_DEBUG);
	assert_int_equal(o.proc & VMX_PROC_DEFAULT1, VMX_PROC_DEFAULT1);
	assert_int_equal(o.exit & VMX_EXITCTL_DEFAULT1, VMX_EXITCTL_DEFAULT1);
}

static void test_bochs_skylake_x(void **state)
{
	struct fake_cpu f;
	struct vmx_caps c;
	struct vmx_controls o;
	char why[128] = "";

	bochs_skylake_x(&f);
	assert_int_equal(run(&f, &c, &o, why, sizeof(why)), 0);
	assert_int_equal(c.revision, 0x2b);
	assert_int_equal(c.vmcs_size, 4096);
	assert_int_equal(c.preempt_shift, 0);
	assert_required(&o);
	assert_legal(&c, &o);
	assert_true(o.vpid && o.ept_ad && o.ept_1g && o.preempt_timer && o.tpr_shadow);
	assert_true(o.act_hlt);
	/* Not asked for, so left off although offered. */
	assert_false(o.proc2 & (VMX_PROC2_VIRT_APIC_ACCESS | VMX_PROC2_PML |
	                        VMX_PROC2_VMCS_SHADOWING | VMX_PROC2_DESC_TABLE_EXIT));
}

/* Drop one feature from a Skylake and expect a reason. */
static void expect_missing(uint32_t msr, uint32_t bits, const char *reason)
{
	struct fake_cpu f;
	struct vmx_caps c;
	struct vmx_controls o;
	char why[128] = "";

	skylake(&f);
	ctl_drop(&f, msr, bits);
	assert_int_equal(run(&f, &c, &o, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, reason);
}

static void test_missing_required(void **state)
{
	expect_missing(MSR_IA32_VMX_PROCBASED_CTLS2, VMX_PROC2_UNRESTRICTED,
	               "secondary controls: unrestricted guest not supported");
	expect_missing(MSR_IA32_VMX_PROCBASED_CTLS2, VMX_PROC2_EPT,
	               "secondary controls: EPT not supported");
	expect_missing(MSR_IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_MSR_BITMAPS,
	               "primary controls: MSR bitmaps not supported");
	expect_missing(MSR_IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_IO_BITMAPS,
	               "primary controls: I/O bitmaps not supported");
	expect_missing(MSR_IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_HLT_EXIT,
	               "primary controls: HLT exiting not supported");
	expect_missing(MSR_IA32_VMX_TRUE_PINBASED_CTLS, VMX_PIN_EXT_INTR_EXIT,
	               "pin-based controls: external-interrupt exiting not supported");
	expect_missing(MSR_IA32_VMX_TRUE_EXIT_CTLS, VMX_EXITCTL_HOST_ADDR64,
	               "exit controls: host address-space size not supported");
	expect_missing(MSR_IA32_VMX_TRUE_EXIT_CTLS, VMX_EXITCTL_ACK_INTR,
	               "exit controls: acknowledge interrupt on exit not supported");
	expect_missing(MSR_IA32_VMX_TRUE_EXIT_CTLS, VMX_EXITCTL_SAVE_EFER,
	               "exit controls: save IA32_EFER not supported");
	expect_missing(MSR_IA32_VMX_TRUE_EXIT_CTLS, VMX_EXITCTL_LOAD_EFER,
	               "exit controls: load IA32_EFER not supported");
	expect_missing(MSR_IA32_VMX_TRUE_ENTRY_CTLS, VMX_ENTRYCTL_LOAD_EFER,
	               "entry controls: load IA32_EFER not supported");
	expect_missing(MSR_IA32_VMX_TRUE_ENTRY_CTLS, VMX_ENTRYCTL_IA32E_GUEST,
	               "entry controls: IA-32e mode guest not supported");
}

static void test_no_secondary_controls(void **state)
{
	struct fake_cpu f;
	struct vmx_caps c;
	struct vmx_controls o;
	char why[128] = "";

	skylake(&f);
	ctl_drop(&f, MSR_IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_SECONDARY);
	/* 0x48b and 0x48c are then absent and must not be read */
	cpu_del(&f, MSR_IA32_VMX_PROCBASED_CTLS2);
	cpu_del(&f, MSR_IA32_VMX_EPT_VPID_CAP);
	assert_int_equal(run(&f, &c, &o, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "primary controls: secondary controls not supported");
	assert_int_equal(c.proc2.may1, 0);
	assert_int_equal(c.ept_vpid, 0);
}

static void expect_ept_missing(uint64_t bits, const char *reason)
{
	struct fake_cpu f;
	struct vmx_caps c;
	struct vmx_controls o;
	char why[128] = "";

	skylake(&f);
	cpu_set(&f, MSR_IA32_VMX_EPT_VPID_CAP, 0x00000f0106734141ull & ~bits);
	assert_int_equal(run(&f, &c, &o, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, reason);
}

static void test_ept_caps_missing(void **state)
{
	expect_ept_missing(VMX_EPT_WALK4, "EPT: 4-level page walk not supported");
	expect_ept_missing(VMX_EPT_MT_WB,
	                   "EPT: write-back paging-structure memory type not supported");
	expect_ept_missing(VMX_EPT_INVEPT, "EPT: INVEPT not supported");
	expect_ept_missing(VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL, "EPT: INVEPT not supported");
}

static void test_optional_missing(void **state)
{
	struct fake_cpu f;
	struct vmx_caps c;
	struct vmx_controls o;
	char why[128] = "";

	skylake(&f);
	ctl_drop(&f, MSR_IA32_VMX_TRUE_PINBASED_CTLS, VMX_PIN_PREEMPT_TIMER | VMX_PIN_VIRTUAL_NMIS);
	ctl_drop(&f, MSR_IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_TPR_SHADOW);
	ctl_drop(&f, MSR_IA32_VMX_TRUE_ENTRY_CTLS, VMX_ENTRYCTL_LOAD_PAT);
	/* VPID offered in the controls but no INVVPID: not used; no A/D, no 1G */
	cpu_set(&f, MSR_IA32_VMX_EPT_VPID_CAP,
	        0x0000000106534141ull & ~VMX_VPID_INVVPID & ~VMX_EPT_AD & ~VMX_EPT_1G);
	assert_int_equal(run(&f, &c, &o, why, sizeof(why)), 0);
	assert_required(&o);
	assert_legal(&c, &o);
	assert_false(o.preempt_timer);
	assert_false(o.pin & VMX_PIN_PREEMPT_TIMER);
	assert_false(o.exit & VMX_EXITCTL_SAVE_PREEMPT_TIMER);
	assert_false(o.tpr_shadow);
	/* no TPR shadow: CR8 accesses must exit */
	assert_int_equal(o.proc & (VMX_PROC_CR8_LOAD_EXIT | VMX_PROC_CR8_STORE_EXIT),
	                 VMX_PROC_CR8_LOAD_EXIT | VMX_PROC_CR8_STORE_EXIT);
	assert_false(o.vpid);
	assert_false(o.proc2 & VMX_PROC2_VPID);
	assert_false(o.ept_ad || o.ept_1g);
	assert_true(o.ept_2m);
	assert_false(o.pat);
	assert_false(o.exit & (VMX_EXITCTL_SAVE_PAT | VMX_EXITCTL_LOAD_PAT));
	/* NMI-window exiting needs virtual NMIs */
	assert_false(o.virtual_nmis);
	assert_int_equal(o.proc_dynamic, VMX_PROC_INTR_WINDOW_EXIT);
}

static void test_forced_bits_appear(void **state)
{
	struct fake_cpu f;
	struct vmx_caps c;
	struct vmx_controls o;
	char why[128] = "";

	skylake(&f);
	ctl_force(&f, MSR_IA32_VMX_TRUE_PROCBASED_CTLS,
	          VMX_PROC_MONITOR_EXIT | VMX_PROC_RDPMC_EXIT | VMX_PROC_CR8_LOAD_EXIT);
	ctl_force(&f, MSR_IA32_VMX_PROCBASED_CTLS2, VMX_PROC2_DESC_TABLE_EXIT);
	ctl_force(&f, MSR_IA32_VMX_TRUE_EXIT_CTLS, VMX_EXITCTL_SAVE_DEBUG);
	ctl_force(&f, MSR_IA32_VMX_TRUE_ENTRY_CTLS, VMX_ENTRYCTL_LOAD_DEBUG);
	assert_int_equal(run(&f, &c, &o, why, sizeof(why)), 0);
	assert_legal(&c, &o);
	assert_true(o.proc & VMX_PROC_MONITOR_EXIT);
	assert_true(o.proc & VMX_PROC_RDPMC_EXIT);
	/* CR8-load exiting forced on, so it stays despite the TPR shadow */
	assert_true(o.proc & VMX_PROC_CR8_LOAD_EXIT);
	assert_true(o.tpr_shadow);
	assert_true(o.proc2 & VMX_PROC2_DESC_TABLE_EXIT);
	assert_true(o.exit & VMX_EXITCTL_SAVE_DEBUG);
	assert_true(o.entry & VMX_ENTRYCTL_LOAD_DEBUG);
}

static void test_forced_bits_refused(void **state)
{
	struct fake_cpu f;
	struct vmx_caps c;
	struct vmx_controls o;
	char why[128] = "";

	skylake(&f);
	ctl_force(&f, MSR_IA32_VMX_TRUE_ENTRY_CTLS, VMX_ENTRYCTL_IA32E_GUEST);
	assert_int_equal(run(&f, &c, &o, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "entry controls: bits 0x200 are forced to 1");

	skylake(&f);
	ctl_force(&f, MSR_IA32_VMX_TRUE_PINBASED_CTLS, VMX_PIN_POSTED_INTR);
	assert_int_equal(run(&f, &c, &o, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "pin-based controls: bits 0x80 are forced to 1");
}

static void test_inconsistent_msrs(void **state)
{
	struct fake_cpu f;
	struct vmx_caps c;
	struct vmx_controls o;
	char why[128] = "";

	/* must be 1 but may not be 1 */
	skylake(&f);
	ctl_set(&f, MSR_IA32_VMX_TRUE_EXIT_CTLS, 0x00036dfb | (1u << 30), 0x01ffffff);
	assert_int_equal(run(&f, &c, &o, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "exit controls: capability MSR forces bits 0x40000000 it "
	                         "does not allow");

	skylake(&f);
	cpu_set(&f, MSR_IA32_VMX_BASIC, 0x00da040080000004ull);
	assert_int_equal(run(&f, &c, &o, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "bit 31"));

	skylake(&f);
	cpu_set(&f, MSR_IA32_VMX_BASIC, 0x00da000000000004ull); /* size 0 */
	assert_int_equal(run(&f, &c, &o, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "IA32_VMX_BASIC: VMCS size 0 out of range");

	skylake(&f);
	cpu_set(&f, MSR_IA32_VMX_CR4_FIXED1, 0x3767ffull & ~0x2000ull); /* VMXE fixed both ways */
	assert_int_equal(run(&f, &c, &o, why, sizeof(why)), -EINVAL);
}

static void test_reason_truncated(void **state)
{
	struct fake_cpu f;
	struct vmx_caps c;
	struct vmx_controls o;
	char why[12];

	memset(why, 'x', sizeof(why));
	skylake(&f);
	ctl_drop(&f, MSR_IA32_VMX_PROCBASED_CTLS2, VMX_PROC2_UNRESTRICTED);
	assert_int_equal(run(&f, &c, &o, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "secondary c");
}

static void test_fixed_cr(void **state)
{
	struct fake_cpu f;
	struct vmx_caps c;
	char why[64];

	skylake(&f);
	assert_int_equal(vmx_caps_parse(&c, fake_rdmsr, &f, why, sizeof(why)), 0);
	/* reset CR0 (0x60000010: CD NW ET) for an unrestricted guest: only NE forced */
	assert_int_equal(vmx_fixed_cr0(&c, 0x60000010, true), 0x60000030);
	/* without unrestricted guest PE and PG are forced too (26.3.1.1) */
	assert_int_equal(vmx_fixed_cr0(&c, 0x60000010, false), 0xe0000031);
	assert_false(vmx_cr0_ok(&c, 0x10, true));
	assert_true(vmx_cr0_ok(&c, 0x30, true));
	assert_false(vmx_cr0_ok(&c, 0x30, false));
	assert_true(vmx_cr0_ok(&c, 0x80000031, false));
	assert_int_equal(vmx_fixed_cr4(&c, 0), 0x2000);
	/* CET (bit 23) is not in this part's fixed1: cleared */
	assert_int_equal(vmx_fixed_cr4(&c, (1u << 23) | 0x20), 0x2020);
	assert_false(vmx_cr4_ok(&c, 0x20));
	assert_true(vmx_cr4_ok(&c, 0x2020));

	/* a CPU that will not run with CD=1 */
	cpu_set(&f, MSR_IA32_VMX_CR0_FIXED1, 0xffffffffull & ~(1ull << 30));
	assert_int_equal(vmx_caps_parse(&c, fake_rdmsr, &f, why, sizeof(why)), 0);
	assert_int_equal(vmx_fixed_cr0(&c, 0x60000010, true), 0x20000030);
}

static void test_ctl_helpers(void **state)
{
	struct vmx_ctl_caps k = {.must1 = 0x16, .may1 = 0x7f};

	assert_true(vmx_ctl_may_set(&k, 0x41));
	assert_false(vmx_ctl_may_set(&k, 0x80));
	assert_true(vmx_ctl_may_clear(&k, 0x41));
	assert_false(vmx_ctl_may_clear(&k, 0x02));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_skylake_true),          cmocka_unit_test(test_skylake_classic),
	    cmocka_unit_test(test_bochs_skylake_x),       cmocka_unit_test(test_missing_required),
	    cmocka_unit_test(test_no_secondary_controls), cmocka_unit_test(test_ept_caps_missing),
	    cmocka_unit_test(test_optional_missing),      cmocka_unit_test(test_forced_bits_appear),
	    cmocka_unit_test(test_forced_bits_refused),   cmocka_unit_test(test_inconsistent_msrs),
	    cmocka_unit_test(test_reason_truncated),      cmocka_unit_test(test_fixed_cr),
	    cmocka_unit_test(test_ctl_helpers),
	};

	return cmocka_run_group_tests_name("vmx_caps", tests, NULL, NULL);
}
