/*
 * tcg/fpu.h - x87/MMX/SSE for the translator (tcg/fpu.c, tcg/fpu_stub.c).
 *
 * The guest's x87/MMX/SSE state lives in c->fxsave (FXSAVE64 layout, SDM
 * Vol. 1 §10.5.1, Table 10-2). Instructions run on the host ("passthrough"):
 * fpu.c checks the instruction (CR0/CR4, pending x87 exceptions, alignment,
 * segment and paging), copies the memory operand into a host buffer, and
 * fpu_stub.c runs a one-instruction host stub on a copy of the guest image
 * (or, for SSE without x87/MMX operands, on copies of the XMM registers it
 * uses); fpu.c then decides what the guest sees (#XM/#MF, stores) and
 * commits.
 */
#ifndef KEEL_TCG_FPU_H
#define KEEL_TCG_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "tcg/cpu.h"

/* FXSAVE image offsets (SDM Vol. 1 Table 10-2, 64-bit format). */
#define TCG_FX_FCW 0
#define TCG_FX_FSW 2
#define TCG_FX_FTW 4   /* abridged tag: one bit per register, 1 = valid */
#define TCG_FX_FOP 6
#define TCG_FX_FIP 8
#define TCG_FX_FDP 16
#define TCG_FX_MXCSR 24
#define TCG_FX_MXCSR_MASK 28
#define TCG_FX_ST 32   /* ST0-7 / MM0-7, 16 bytes each */
#define TCG_FX_XMM 160 /* XMM0-15, 16 bytes each */
#define TCG_FX_HW_END 464 /* 464-511 are for software: never written */

/* Power-on state of c->fxsave as FNINIT and LDMXCSR 0x1f80 leave it. */
void tcg_fpu_reset(struct tcg_cpu *c);
/* CPUID leaf 1 feature bits the passthrough supports on this host:
 * ecx SSE3 (0), SSSE3 (9), SSE4.1 (19), SSE4.2 (20); edx FPU (0), MMX (23),
 * FXSR (24), SSE (25), SSE2 (26). Cached after the first call. */
void tcg_fpu_cpuid(uint32_t *ecx1, uint32_t *edx1);
/* Host stubs are cached in one global table and live in the code memory of
 * the VM that built them (tcg_code_alloc): call this when a VM is destroyed
 * so its stubs are never used again. */
void tcg_fpu_forget_vm(const struct vm *vm);

/* ---- between fpu.c and fpu_stub.c ---- */

/* Host registers the stub sees: a GPR operand in ModRM.reg becomes rax, one
 * in ModRM.rm becomes rcx; implicit ones (PCMPESTRI, FNSTSW AX) are rax,
 * rcx, rdx themselves. flags: the arithmetic flags in and out. */
struct tcg_fpu_gpr {
	uint64_t rax, rcx, rdx, flags;
};

/* A host instruction: its bytes without the final ret; the 16 bytes as
 * two words (unused bytes zero) are its key in the stub cache. */
struct tcg_fpu_enc {
	union {
		struct {
			uint8_t len;
			uint8_t b[15];
		};
		uint64_t k[2];
	};
};

/* Runs e on the host with img (512 bytes, 16-aligned) as x87/SSE state,
 * rdi = mem, the GPRs and flags of g; img and g get the result. The host's
 * FCW and MXCSR are kept; its x87 stack is left empty with no exception
 * pending (all the System V ABI asks at a call: the host keeps nothing in
 * x87/MMX registers across calls, and XMM registers are caller-saved).
 * Raises #UD when out of code memory. */
void tcg_fpu_exec(struct tcg_cpu *c, const struct tcg_fpu_enc *e, uint8_t *img, void *mem,
		  struct tcg_fpu_gpr *g);

/* The fast path, for instructions that use no x87/MMX state: the stub sees
 * x[0..2] in host xmm0-2 and mxcsr as MXCSR, and writes them back; the
 * host's MXCSR is kept, x87 state untouched. mxcsr 0: the instruction
 * does not use MXCSR, which stays the host's (and mxcsr 0). The input
 * flags of g are not loaded (no such instruction reads them); its output
 * flags are stored. */
struct tcg_fpu_xmm {
	uint8_t x[3][16];
	uint32_t mxcsr;
} __attribute__((aligned(16)));
void tcg_fpu_exec_xmm(struct tcg_cpu *c, const struct tcg_fpu_enc *e, struct tcg_fpu_xmm *x,
		      void *mem, struct tcg_fpu_gpr *g);
/* MXCSR bits the guest may set (MXCSR_MASK, SDM Vol. 1 §11.6.6). */
uint32_t tcg_fpu_mxcsr_mask(void);

#endif
