/*
 * tcg/cpuid.c - the one CPU model the translator shows (SDM Vol. 2
 * "CPUID"). It advertises only what tcg/ implements: no XSAVE/AVX, no
 * SMEP/SMAP/PCID/FSGSBASE, no MONITOR/MWAIT, no x2APIC, no VMX. The SSE
 * levels come from tcg/fpu.c, which runs them on the host's own units.
 * Vendor GenuineIntel, family 15 model 6 (QEMU's kvm64 signature), so
 * guests take generic code paths.
 */
#include <string.h>
#include "tcg/cpu.h"
#include "tcg/fpu.h"
#include "tcg/tcg_int.h"
#include "vm/vm.h"

#define MAX_BASIC 0x7u
#define MAX_EXT 0x80000008u

static void str4(uint32_t *r, const char *s) { memcpy(r, s, 4); }

void tcg_cpuid(struct tcg_cpu *c, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	static const char brand[49] = "keel translator CPU                             ";
	unsigned id = c->vcpu ? c->vcpu->id : 0;
	unsigned n = c->vm ? c->vm->nvcpus : 1;
	r[0] = r[1] = r[2] = r[3] = 0;

	if ((leaf < 0x40000000u && leaf > MAX_BASIC) || (leaf >= 0x80000000u && leaf > MAX_EXT))
		leaf = MAX_BASIC; /* Intel: out-of-range leaves answer the highest basic leaf */
	switch (leaf) {
	case 0:
		r[0] = MAX_BASIC;
		str4(&r[1], "Genu");
		str4(&r[3], "ineI");
		str4(&r[2], "ntel");
		break;
	case 1: {
		uint32_t fpu_ecx = 0, fpu_edx = 0;
		tcg_fpu_cpuid(&fpu_ecx, &fpu_edx);
		r[0] = 0xf61; /* family 15, model 6, stepping 1 */
		r[1] = id << 24 | (n > 1 ? n : 1) << 16 | 8 << 8; /* APIC ID, count, CLFLUSH 64 */
		r[2] = fpu_ecx | 1u << 13 /* CX16 */ | 1u << 23 /* POPCNT */ | 1u << 31 /* hypervisor */;
		r[3] = fpu_edx | 1u << 2 /* DE */ | 1u << 3 /* PSE */ | 1u << 4 /* TSC */ |
		       1u << 5 /* MSR */ | 1u << 6 /* PAE */ | 1u << 7 /* MCE */ | 1u << 8 /* CX8 */ |
		       1u << 9 /* APIC */ | 1u << 11 /* SEP */ | 1u << 12 /* MTRR */ |
		       1u << 13 /* PGE */ | 1u << 15 /* CMOV */ | 1u << 16 /* PAT */ |
		       1u << 17 /* PSE-36 */ | 1u << 19 /* CLFSH */;
		if (n > 1)
			r[3] |= 1u << 28; /* HTT: the count in EBX is valid */
		break;
	}
	case 6:
		r[0] = 1u << 2; /* ARAT: the LAPIC timer runs in every C-state */
		break;
	case 7:
		if (sub == 0) {
			r[1] = 1u << 1;  /* IA32_TSC_ADJUST */
			r[3] = 1u << 29; /* IA32_ARCH_CAPABILITIES (tcg/msr.c) */
		}
		break;
	case 0x40000000:
		r[0] = 0x40000000;
		str4(&r[1], "Keel");
		str4(&r[2], "Keel");
		str4(&r[3], "Keel");
		break;
	case 0x80000000:
		r[0] = MAX_EXT;
		break;
	case 0x80000001:
		r[2] = 1u << 0; /* LAHF/SAHF in 64-bit mode */
		r[3] = 1u << 11 /* SYSCALL */ | 1u << 20 /* NX */ | 1u << 26 /* 1 GiB pages */ |
		       1u << 27 /* RDTSCP */ | 1u << 29 /* long mode */;
		break;
	case 0x80000002: case 0x80000003: case 0x80000004:
		memcpy(r, brand + (leaf - 0x80000002u) * 16, 16);
		break;
	case 0x80000007:
		/* invariant TSC: it counts VM time at a constant rate, so guests
		 * need not watch it against their (possibly late) timer ticks */
		r[3] = 1u << 8;
		break;
	case 0x80000008:
		r[0] = 0x3028; /* 48-bit linear, 40-bit physical (tcg/mmu.c) */
		break;
	}
}
