/* Is VT-x usable on this CPU? The checks VMXON itself makes, in order:
 * CPUID.1:ECX.VMX, IA32_FEATURE_CONTROL (set lock+enable while unlocked),
 * the CR0/CR4 fixed bits, then a real VMXON/VMXOFF on a scratch region.
 * SDM Vol. 3C §23.6 (discovering support), §23.7 (enabling), §23.8 (restrictions). */
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/vtx.h"
#include "vmx/caps.h"

#define FC_LOCK (1ull << 0)
#define FC_VMX_OUTSIDE_SMX (1ull << 2)

static int fail(struct cpu *c, const char *why)
{
	c->vtx_usable = 0;
	snprintf(c->vtx_reason, sizeof(c->vtx_reason), "%s", why);
	return 0;
}

static uint64_t msr_cb(void *opaque, uint32_t msr)
{
	(void)opaque;
	return rdmsr(msr);
}

void vtx_probe(struct cpu *c)
{
	uint32_t r[4];
	const char *fc_note = "";

	cpuid(1, 0, r);
	if (!(r[2] & (1u << 5))) {
		fail(c, "CPUID.1:ECX.VMX=0: this CPU offers no VT-x");
		return;
	}
	uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);
	if (!(fc & FC_LOCK)) {
		wrmsr(MSR_FEATURE_CONTROL, fc | FC_LOCK | FC_VMX_OUTSIDE_SMX);
		fc = rdmsr(MSR_FEATURE_CONTROL);
		fc_note = ", IA32_FEATURE_CONTROL enabled by keel";
	}
	if (!(fc & FC_VMX_OUTSIDE_SMX)) {
		fail(c, "IA32_FEATURE_CONTROL is locked with VMX off (enable VT-x in firmware setup)");
		return;
	}
	/* The same capability reading and control computation the VT-x backend
	 * uses, so "usable" means keel can run guests here (EPT, unrestricted
	 * guest, ...), not just that VMXON works. */
	struct vmx_caps caps;
	struct vmx_controls ctl;
	char why[sizeof(c->vtx_reason)];
	if (vmx_caps_parse(&caps, msr_cb, NULL, why, sizeof(why)) ||
	    vmx_controls_compute(&caps, &ctl, why, sizeof(why))) {
		fail(c, why);
		return;
	}
	if (!vmx_cr0_ok(&caps, read_cr0(), false) || !vmx_cr4_ok(&caps, read_cr4() | CR4_VMXE)) {
		fail(c, "CR0/CR4 do not meet IA32_VMX_CR*_FIXED");
		return;
	}

	/* VMXON region: 4 KiB aligned, revision ID in the first dword (§24.11.5). */
	void *region = memalign(4096, 4096);
	if (!region) {
		fail(c, "no memory for a VMXON region");
		return;
	}
	memset(region, 0, 4096);
	*(uint32_t *)region = caps.revision;
	uint64_t pa = (uint64_t)(uintptr_t)region; /* identity mapped */
	uint64_t old_cr4 = read_cr4();
	uint8_t bad;
	write_cr4(old_cr4 | CR4_VMXE);
	__asm__ volatile("vmxon %1; setna %0" : "=q"(bad) : "m"(pa) : "cc", "memory");
	if (!bad)
		__asm__ volatile("vmxoff" ::: "cc");
	write_cr4(old_cr4);
	free(region);
	if (bad) {
		fail(c, "VMXON failed (VMfailInvalid)");
		return;
	}
	c->vtx_usable = 1;
	snprintf(c->vtx_reason, sizeof(c->vtx_reason), "VMCS revision 0x%x, VMXON ok%s",
		 (unsigned)caps.revision, fc_note);
}
