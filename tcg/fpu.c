/*
 * tcg/fpu.c - x87, MMX, SSE-SSE4.2 by passthrough: each instruction runs on
 * the host, on a copy of the guest's FXSAVE image (tcg/fpu_stub.c), after
 * the checks of SDM Vol. 3A §2.5 (CR0.EM/TS/MP, CR4.OSFXSR/OSXMMEXCPT),
 * Vol. 1 §8.6/§8.7 (pending x87 exceptions) and §11.5 (SIMD exceptions).
 * SSE instructions without mm operands (and CRC32), the common case, take
 * a fast path instead: only their XMM registers (renamed to host xmm0-2)
 * and, if they use it, MXCSR go to the host (see struct xmap, pass_xmm).
 *
 * Per instruction the tables below give the memory operand (size, read or
 * written, 16-byte alignment) and the kind of each ModRM operand (xmm, mm,
 * GPR, opcode extension). The host stub is the instruction re-encoded with
 * memory as [rdi] (a host buffer holding the guest bytes), a GPR operand in
 * ModRM.reg as rax and one in ModRM.rm as rcx.
 *
 * Exceptions: SSE ones run masked on the host (MXCSR masks forced on, flags
 * cleared): an unmasked one raised means #XM (or #UD without
 * CR4.OSXMMEXCPT) with the destination unchanged. x87 ones run with the
 * guest's own FCW, since the x87 defers them (Vol. 1 §8.6): the host sets
 * FSW.ES/B, and the next waiting instruction here raises #MF before it runs
 * (CR0.NE=0's external FERR# is not modelled: #MF as well).
 *
 * x87 FIP/FDP/FOP are kept by this file, not taken from the host (which
 * would leak host addresses): the instruction's RIP, its operand's offset,
 * its opcode (Vol. 1 §8.1.8-8.1.10), and 0 after FNINIT.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tcg/fpu.h"

/* ---- descriptors ---- */

/* Memory operand size codes (bits 3:0). */
enum { Z0, Z1, Z2, Z4, Z8, Z16, ZY, ZV, Z10, ZENV, ZSAVE };
#define D_W (1u << 4)    /* memory is the destination (else a source) */
#define D_A (1u << 5)    /* 16-byte alignment or #GP(0) */
#define D_RM (1u << 6)   /* ModRM.reg is an mm register (else xmm) */
#define D_RG (1u << 7)   /* ModRM.reg is a GPR */
#define D_RN (1u << 8)   /* ModRM.reg is an opcode extension */
#define D_EM (1u << 9)   /* ModRM.rm is an mm register (else xmm) */
#define D_EG (1u << 10)  /* ModRM.rm is a GPR */
#define D_MO (1u << 11)  /* memory operand only */
#define D_RO (1u << 12)  /* register operand only */
#define D_FL (1u << 13)  /* writes the arithmetic flags */
#define D_IMP (1u << 14) /* implicit rax rcx rdx */
#define D_B8 (1u << 15)  /* r/m8 GPR (AH-BH without REX) */
#define D_FT(n) ((uint32_t)(n) << 16) /* CPUID feature, FT_* */
#define D_FR (1u << 19)  /* reads the arithmetic flags (FCMOVcc) */
#define D_NW (1u << 20)  /* x87 non-waiting (FNxxx) */
#define D_LS (1u << 21)  /* x87 loads FSW/FCW (FLDCW, FLDENV, FRSTOR) */
#define D_CT (1u << 22)  /* x87 control: FIP/FDP/FOP unchanged */
#define D_INIT (1u << 23) /* FNINIT, FNSAVE: FIP/FDP/FOP cleared */
#define D_X0 (1u << 24)  /* XMM0 is an implicit operand (BLENDV, PCMPxSTRM) */
#define D_V (1u << 31)   /* valid */

enum { FT_BASE, FT_SSE3, FT_SSSE3, FT_SSE41, FT_SSE42 };
#define S3 D_FT(FT_SSE3)
#define S3S D_FT(FT_SSSE3)
#define S41 D_FT(FT_SSE41)
#define S42 D_FT(FT_SSE42)

#define X(z) (D_V | (z))     /* xmm, xmm/m */
#define XA (D_V | Z16 | D_A) /* xmm, xmm/m128 aligned */
#define XW(z) (X(z) | D_W)
/* MMX form mm, mm/m (no prefix) and SSE2 form xmm, xmm/m128 (66). */
#define PI(z) {D_V | D_RM | D_EM | (z), XA}
#define PI3(z) {D_V | D_RM | D_EM | (z) | S3S, XA | S3S}

/* Two-byte map by mandatory prefix: none, 66, F3, F2. SDM Vol. 2 Table
 * A-3 and the instruction pages (operand sizes, "m128 ... must be aligned"
 * in each page's exceptions). 0F 18-1F (hints), 0F 77 (EMMS), 0F AE (group
 * 15), 0F C3 (MOVNTI) and 0F F7 (MASKMOVQ/DQU) are handled in code. */
static const uint32_t op0f[256][4] = {
	[0x10] = {X(Z16), X(Z16), X(Z4), X(Z8)},             /* movups movupd movss movsd */
	[0x11] = {XW(Z16), XW(Z16), XW(Z4), XW(Z8)},
	[0x12] = {X(Z8), X(Z8) | D_MO, XA | S3, X(Z8) | S3}, /* movlps/hlps movlpd movsldup movddup */
	[0x13] = {XW(Z8) | D_MO, XW(Z8) | D_MO},
	[0x14] = {XA, XA},                                   /* unpcklps/pd */
	[0x15] = {XA, XA},                                   /* unpckhps/pd */
	[0x16] = {X(Z8), X(Z8) | D_MO, XA | S3},             /* movhps/lhps movhpd movshdup */
	[0x17] = {XW(Z8) | D_MO, XW(Z8) | D_MO},
	[0x28] = {XA, XA},                                   /* movaps/pd */
	[0x29] = {XA | D_W, XA | D_W},
	[0x2a] = {X(Z8) | D_EM, X(Z8) | D_EM, X(ZY) | D_EG, X(ZY) | D_EG}, /* cvtpi2ps/pd cvtsi2ss/sd */
	[0x2b] = {XA | D_W | D_MO, XA | D_W | D_MO},         /* movntps/pd */
	[0x2c] = {X(Z8) | D_RM, XA | D_RM, X(Z4) | D_RG, X(Z8) | D_RG}, /* cvtt{ps,pd}2pi cvtt{ss,sd}2si */
	[0x2d] = {X(Z8) | D_RM, XA | D_RM, X(Z4) | D_RG, X(Z8) | D_RG}, /* cvt{ps,pd}2pi cvt{ss,sd}2si */
	[0x2e] = {X(Z4) | D_FL, X(Z8) | D_FL},               /* ucomiss/sd */
	[0x2f] = {X(Z4) | D_FL, X(Z8) | D_FL},               /* comiss/sd */
	[0x50] = {D_V | D_RG | D_RO, D_V | D_RG | D_RO},     /* movmskps/pd */
	[0x51] = {XA, XA, X(Z4), X(Z8)},                     /* sqrt */
	[0x52] = {XA, 0, X(Z4)},                             /* rsqrt */
	[0x53] = {XA, 0, X(Z4)},                             /* rcp */
	[0x54 ... 0x57] = {XA, XA},                          /* and andn or xor */
	[0x58 ... 0x59] = {XA, XA, X(Z4), X(Z8)},            /* add mul */
	[0x5a] = {X(Z8), XA, X(Z4), X(Z8)},                  /* cvtps2pd cvtpd2ps cvtss2sd cvtsd2ss */
	[0x5b] = {XA, XA, XA},                               /* cvtdq2ps cvtps2dq cvttps2dq */
	[0x5c ... 0x5f] = {XA, XA, X(Z4), X(Z8)},            /* sub min div max */
	[0x60 ... 0x62] = PI(Z4),                            /* punpckl{bw,wd,dq}: mm/m32 */
	[0x63 ... 0x6b] = PI(Z8),                            /* pack, pcmpgt, punpckh */
	[0x6c ... 0x6d] = {0, XA},                           /* punpckl/hqdq */
	[0x6e] = {X(ZY) | D_RM | D_EG, X(ZY) | D_EG},        /* movd/movq mm|xmm, r/m */
	[0x6f] = {X(Z8) | D_RM | D_EM, XA, X(Z16)},          /* movq mm; movdqa; movdqu */
	[0x70] = {X(Z8) | D_RM | D_EM, XA, XA, XA},          /* pshufw pshufd pshufhw pshuflw */
	[0x74 ... 0x76] = PI(Z8),                            /* pcmpeq */
	[0x7c ... 0x7d] = {0, XA | S3, 0, XA | S3},          /* hadd hsub */
	[0x7e] = {XW(ZY) | D_RM | D_EG, XW(ZY) | D_EG, X(Z8)}, /* movd/movq r/m, mm|xmm; movq xmm */
	[0x7f] = {XW(Z8) | D_RM | D_EM, XA | D_W, XW(Z16)},  /* movq; movdqa; movdqu */
	[0xc2] = {XA, XA, X(Z4), X(Z8)},                     /* cmpps/pd/ss/sd ib */
	[0xc4] = {X(Z2) | D_RM | D_EG, X(Z2) | D_EG},        /* pinsrw ib */
	[0xc5] = {D_V | D_RG | D_EM | D_RO, D_V | D_RG | D_RO}, /* pextrw ib */
	[0xc6] = {XA, XA},                                   /* shufps/pd ib */
	[0xd0] = {0, XA | S3, 0, XA | S3},                   /* addsubpd/ps */
	[0xd1 ... 0xd5] = PI(Z8),
	[0xd6] = {0, XW(Z8), D_V | D_EM | D_RO, D_V | D_RM | D_RO}, /* movq; movq2dq; movdq2q */
	[0xd7] = {D_V | D_RG | D_EM | D_RO, D_V | D_RG | D_RO}, /* pmovmskb */
	[0xd8 ... 0xe5] = PI(Z8),
	[0xe6] = {0, XA, X(Z8), XA},                         /* cvttpd2dq cvtdq2pd cvtpd2dq */
	[0xe7] = {XW(Z8) | D_RM | D_EM | D_MO, XA | D_W | D_MO}, /* movntq movntdq */
	[0xe8 ... 0xef] = PI(Z8),
	[0xf0] = {0, 0, 0, X(Z16) | D_MO | S3},              /* lddqu */
	[0xf1 ... 0xf6] = PI(Z8),
	[0xf8 ... 0xfe] = PI(Z8),
};

/* 0F 38 (Table A-4): SSSE3, SSE4.1, SSE4.2 with 66, SSSE3 MMX forms
 * without prefix, CRC32 with F2 (an integer instruction). */
static const uint32_t op38[256][4] = {
	[0x00 ... 0x0b] = PI3(Z8),                           /* pshufb ... pmulhrsw */
	[0x10] = {0, XA | S41 | D_X0},                       /* pblendvb (xmm0) */
	[0x14 ... 0x15] = {0, XA | S41 | D_X0},              /* blendvps/pd (xmm0) */
	[0x17] = {0, XA | S41 | D_FL},                       /* ptest */
	[0x1c ... 0x1e] = PI3(Z8),                           /* pabs */
	[0x20] = {0, X(Z8) | S41}, [0x21] = {0, X(Z4) | S41}, [0x22] = {0, X(Z2) | S41},
	[0x23] = {0, X(Z8) | S41}, [0x24] = {0, X(Z4) | S41}, [0x25] = {0, X(Z8) | S41},
	[0x28 ... 0x29] = {0, XA | S41},                     /* pmuldq pcmpeqq */
	[0x2a] = {0, XA | D_MO | S41},                       /* movntdqa */
	[0x2b] = {0, XA | S41},                              /* packusdw */
	[0x30] = {0, X(Z8) | S41}, [0x31] = {0, X(Z4) | S41}, [0x32] = {0, X(Z2) | S41},
	[0x33] = {0, X(Z8) | S41}, [0x34] = {0, X(Z4) | S41}, [0x35] = {0, X(Z8) | S41},
	[0x37] = {0, XA | S42},                              /* pcmpgtq */
	[0x38 ... 0x41] = {0, XA | S41},                     /* pmin pmax pmulld phminposuw */
	[0xf0] = {0, 0, 0, D_V | Z1 | D_RG | D_EG | D_B8 | S42}, /* crc32 r, r/m8 */
	[0xf1] = {0, 0, 0, D_V | ZV | D_RG | D_EG | S42},    /* crc32 r, r/m16/32/64 */
};

/* 0F 3A (Table A-5), all with ib. */
static const uint32_t op3a[256][4] = {
	[0x08 ... 0x09] = {0, XA | S41},                     /* roundps/pd */
	[0x0a] = {0, X(Z4) | S41}, [0x0b] = {0, X(Z8) | S41}, /* roundss/sd */
	[0x0c ... 0x0e] = {0, XA | S41},                     /* blendps/pd pblendw */
	[0x0f] = PI3(Z8),                                    /* palignr */
	[0x14] = {0, XW(Z1) | D_EG | S41}, [0x15] = {0, XW(Z2) | D_EG | S41}, /* pextrb/w */
	[0x16] = {0, XW(ZY) | D_EG | S41}, [0x17] = {0, XW(Z4) | D_EG | S41}, /* pextrd/q extractps */
	[0x20] = {0, X(Z1) | D_EG | S41}, [0x21] = {0, X(Z4) | S41},          /* pinsrb insertps */
	[0x22] = {0, X(ZY) | D_EG | S41},                    /* pinsrd/q */
	[0x40 ... 0x42] = {0, XA | S41},                     /* dpps dppd mpsadbw */
	[0x60] = {0, X(Z16) | D_FL | D_IMP | D_X0 | S42},    /* pcmpestrm (xmm0): unaligned */
	[0x61] = {0, X(Z16) | D_FL | D_IMP | S42},           /* pcmpestri */
	[0x62] = {0, X(Z16) | D_FL | D_IMP | D_X0 | S42},    /* pcmpistrm (xmm0) */
	[0x63] = {0, X(Z16) | D_FL | D_IMP | S42},           /* pcmpistri */
};

/* x87 memory forms by opcode D8-DF and ModRM.reg (SDM Vol. 2 Tables A-7..
 * A-22 and the FLD/FST/FILD/FIST/FBLD/FLDENV/FSAVE pages). */
#define R(z) (D_V | (z))
#define W(z) (D_V | D_W | (z))
static const uint32_t x87m[8][8] = {
	{R(Z4), R(Z4), R(Z4), R(Z4), R(Z4), R(Z4), R(Z4), R(Z4)}, /* D8 arith m32fp */
	{R(Z4), 0, W(Z4), W(Z4), R(ZENV) | D_LS | D_CT, R(Z2) | D_LS | D_CT,
	 W(ZENV) | D_NW | D_CT, W(Z2) | D_NW | D_CT},              /* D9 fld fst fstp fldenv fldcw
								    * fnstenv fnstcw */
	{R(Z4), R(Z4), R(Z4), R(Z4), R(Z4), R(Z4), R(Z4), R(Z4)}, /* DA arith m32int */
	{R(Z4), W(Z4) | S3, W(Z4), W(Z4), 0, R(Z10), 0, W(Z10)},  /* DB fild fisttp fist fistp
								    * fld m80 fstp m80 */
	{R(Z8), R(Z8), R(Z8), R(Z8), R(Z8), R(Z8), R(Z8), R(Z8)}, /* DC arith m64fp */
	{R(Z8), W(Z8) | S3, W(Z8), W(Z8), R(ZSAVE) | D_LS | D_CT, 0,
	 W(ZSAVE) | D_NW | D_CT | D_INIT, W(Z2) | D_NW | D_CT},    /* DD fld fisttp fst fstp frstor
								    * fnsave fnstsw */
	{R(Z2), R(Z2), R(Z2), R(Z2), R(Z2), R(Z2), R(Z2), R(Z2)}, /* DE arith m16int */
	{R(Z2), W(Z2) | S3, W(Z2), W(Z2), R(Z10), R(Z8), W(Z10), W(Z8)}, /* DF fild fisttp fist fistp
									  * fbld fild fbstp fistp */
};

/* x87 register forms: bit n set when ModRM C0+n is defined (the blank
 * cells of Tables A-7..A-22 are not: undocumented aliases get #UD here). */
static const uint64_t x87r[8] = {
	~0ull,                                                        /* D8 */
	0x1ffffull | 0x33ull << 32 | 0x7full << 40 | 0xffffull << 48, /* D9 */
	0xffffffffull | 1ull << 41,                                   /* DA fcmov fucompp */
	0xffffffffull | 0xcull << 32 | 0xffffull << 40,               /* DB fcmov fnclex fninit
								       * fucomi fcomi */
	0xffffull | 0xffffffffull << 32,                              /* DC */
	0xffull | 0xffffffffull << 16,                                /* DD ffree fst fstp fucom(p) */
	0xffffull | 1ull << 25 | 0xffffffffull << 32,                 /* DE */
	0xffull | 1ull << 32 | 0xffffull << 40,                       /* DF ffreep fnstsw ax
								       * fucomip fcomip */
};

enum { FK_X87, FK_MMX, FK_SSE, FK_INT };

struct fop {
	uint32_t d;
	uint8_t kind;
	uint8_t msize; /* memory operand bytes, 0 for register forms */
};

static inline uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline void wr16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void wr32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void wr64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Mandatory prefix column: F3/F2 (the last) win over 66 (Vol. 2 §2.1.2). */
static unsigned col_of(const struct x86_insn *i)
{
	return i->rep == 0xf3 ? 2 : i->rep == 0xf2 ? 3 : i->p_opsize ? 1 : 0;
}

static bool has_feature(uint32_t d)
{
	static const uint32_t bit[] = {0, 1u << 0, 1u << 9, 1u << 19, 1u << 20};
	uint32_t ecx, edx;
	unsigned ft = (d >> 16) & 7;

	if (!ft)
		return true;
	tcg_fpu_cpuid(&ecx, &edx);
	return ecx & bit[ft];
}

static unsigned msize_of(const struct x86_insn *i, uint32_t d)
{
	static const uint8_t sz[] = {0, 1, 2, 4, 8, 16, 0, 0, 10};
	bool o16 = i->opsize == 16;

	switch (d & 15) {
	case ZY: return i->rex_w ? 8 : 4;
	case ZV: return i->rex_w ? 8 : i->p_opsize ? 2 : 4;
	case ZENV: return o16 ? 14 : 28;  /* Vol. 1 §8.1.10, Figures 8-9..8-12 */
	case ZSAVE: return o16 ? 94 : 108; /* Vol. 1 Figures 8-13, 8-14 */
	default: return sz[d & 15];
	}
}

/* Group 12-14 (0F 71-73): shifts by ib of mm (no prefix) or xmm (66). */
static uint32_t shift_grp(const struct x86_insn *i, unsigned col)
{
	unsigned r = (i->modrm >> 3) & 7;
	bool ok = r == 2 || r == 6 || (r == 4 && i->opcode != 0x73) ||
		  (i->opcode == 0x73 && col == 1 && (r == 3 || r == 7));

	if (col > 1 || !ok)
		return 0;
	return D_V | D_RN | D_RO | (col ? 0 : D_EM);
}

static uint32_t x87_reg_form(const struct x86_insn *i)
{
	unsigned op = i->opcode, m = i->modrm;
	uint32_t d = D_V;

	if (!((x87r[op & 7] >> (m & 0x3f)) & 1))
		return 0;
	if ((op == 0xdb || op == 0xdf) && m >= 0xe8 && m <= 0xf7)
		d |= D_FL; /* fucomi fcomi (p) */
	if ((op == 0xda || op == 0xdb) && m < 0xe0)
		d |= D_FR; /* fcmovcc */
	if (op == 0xdb && m == 0xe2)
		d |= D_NW | D_CT; /* fnclex */
	if (op == 0xdb && m == 0xe3)
		d |= D_NW | D_CT | D_INIT; /* fninit */
	if (op == 0xdf && m == 0xe0)
		d |= D_NW | D_CT | D_IMP; /* fnstsw ax */
	return d;
}

/* Fills *f for a passthrough instruction; false if it is not one. */
static bool classify(const struct x86_insn *i, struct fop *f)
{
	bool mem = i->mod != 3;
	unsigned col = col_of(i);
	uint32_t d;

	if (i->vex || !i->has_modrm)
		return false;
	switch (i->map) {
	case X86_MAP_1B:
		if (i->opcode < 0xd8 || i->opcode > 0xdf)
			return false;
		d = mem ? x87m[i->opcode & 7][(i->modrm >> 3) & 7] : x87_reg_form(i);
		f->kind = FK_X87;
		break;
	case X86_MAP_0F:
		d = i->opcode >= 0x71 && i->opcode <= 0x73 ? shift_grp(i, col) : op0f[i->opcode][col];
		break;
	case X86_MAP_0F38: d = op38[i->opcode][col]; break;
	case X86_MAP_0F3A: d = op3a[i->opcode][col]; break;
	default: return false;
	}
	if (!(d & D_V) || ((d & D_MO) && !mem) || ((d & D_RO) && mem) || !has_feature(d))
		return false;
	if (i->map != X86_MAP_1B) {
		bool xmm = !(d & (D_RM | D_RG | D_RN)) || !(d & (D_EM | D_EG));

		f->kind = xmm ? FK_SSE : (d & (D_RM | D_EM)) ? FK_MMX : FK_INT;
	}
	f->d = d;
	f->msize = mem ? msize_of(i, d) : 0;
	return true;
}

/* ---- checks ---- */

/* An unmasked x87 exception waits (FSW.ES, or a flag whose mask is clear
 * after FXRSTOR/FLDENV loaded such a pair): Vol. 1 §8.6. */
static bool x87_pending(const struct tcg_cpu *c)
{
	uint16_t fsw = rd16(c->fxsave + TCG_FX_FSW), fcw = rd16(c->fxsave + TCG_FX_FCW);

	return (fsw & 0x80) || (fsw & ~fcw & 0x3f);
}

static void raise_nm(struct tcg_cpu *c) { tcg_raise(c, TCG_NM, TCG_NOERR); }

/* Vol. 3A §2.5 (CR0.EM, TS), Table 2-2; Vol. 2 "SIMD floating-point
 * exceptions" class tables (Vol. 2 §2.8 / Vol. 3A §22.25, exception classes
 * for MMX and SSE: EM #UD, OSFXSR #UD, TS #NM, pending x87 #MF). */
static void check_mmx(struct tcg_cpu *c)
{
	if (c->cr0 & TCG_CR0_EM)
		tcg_raise_ud(c);
	if (c->cr0 & TCG_CR0_TS)
		raise_nm(c);
	if (x87_pending(c))
		tcg_raise(c, TCG_MF, TCG_NOERR);
}

static void check_sse(struct tcg_cpu *c, bool mmx)
{
	if ((c->cr0 & TCG_CR0_EM) || !(c->cr4 & TCG_CR4_OSFXSR))
		tcg_raise_ud(c);
	if (c->cr0 & TCG_CR0_TS)
		raise_nm(c);
	if (mmx && x87_pending(c))
		tcg_raise(c, TCG_MF, TCG_NOERR);
}

static void check(struct tcg_cpu *c, const struct fop *f)
{
	switch (f->kind) {
	case FK_X87:
		if (c->cr0 & (TCG_CR0_EM | TCG_CR0_TS))
			raise_nm(c);
		if (!(f->d & D_NW) && x87_pending(c))
			tcg_raise(c, TCG_MF, TCG_NOERR);
		break;
	case FK_MMX: check_mmx(c); break;
	case FK_SSE: check_sse(c, f->d & (D_RM | D_EM)); break;
	}
}

/* ---- host encoding ---- */

/* The fast path (SSE without x87/MMX operands, and CRC32): the guest's
 * XMM operands run in host xmm0-2, host xmm s holding guest xmm g[s] when
 * bit s of used is set. Guest XMM0 is always host xmm0 (the implicit
 * operand of BLENDV and PCMPxSTRM), the others take 1 then 2; ModRM.reg
 * and ModRM.rm naming the same register share one. */
struct xmap {
	uint8_t g[3];
	uint8_t used;
	uint8_t sreg, srm; /* host numbers of the ModRM.reg and .rm operands */
};

static uint8_t xmap_add(struct xmap *m, unsigned n)
{
	uint8_t s = 0;

	if (n)
		s = (m->used & 2) && m->g[1] != n ? 2 : 1;
	m->g[s] = (uint8_t)n;
	m->used |= (uint8_t)(1u << s);
	return s;
}

static bool fast_path(const struct fop *f)
{
	return (f->kind == FK_SSE && !(f->d & (D_RM | D_EM))) || f->kind == FK_INT;
}

/* SSE instructions that neither read nor write MXCSR: no SIMD
 * floating-point exceptions and results that RC, DAZ and FTZ do not
 * change (the instruction pages' "SIMD Floating-Point Exceptions: None",
 * leaving out RCP/RSQRT, whose denormal handling is not spelled out):
 * moves, logic, shuffles, unpacks, blends, MOVMSK, integer arithmetic,
 * compares and string compares, PINSR/PEXTR, INSERTPS/EXTRACTPS, CRC32. */
static bool no_mxcsr(const struct x86_insn *i)
{
	unsigned op = i->opcode;

	switch (i->map) {
	case X86_MAP_0F:
		return (op >= 0x10 && op <= 0x17) || op == 0x28 || op == 0x29 || op == 0x2b ||
		       op == 0x50 || (op >= 0x54 && op <= 0x57) ||
		       (op >= 0x60 && op <= 0x7f && op != 0x7c && op != 0x7d) ||
		       (op >= 0xc4 && op <= 0xc6) || (op >= 0xd1 && op != 0xe6);
	case X86_MAP_0F38:
		return true; /* SSSE3, SSE4.1 integer and blends, SSE4.2 PCMPGTQ, CRC32 */
	case X86_MAP_0F3A:
		return !(op >= 0x08 && op <= 0x0b) && op != 0x40 && op != 0x41; /* ROUND, DP */
	default:
		return false;
	}
}

static void xmap_of(const struct x86_insn *i, const struct fop *f, struct xmap *m)
{
	*m = (struct xmap){.used = 0};
	if (f->d & D_X0)
		xmap_add(m, 0);
	if (!(f->d & (D_RG | D_RN | D_RM)))
		m->sreg = xmap_add(m, i->reg);
	if (i->mod == 3 && !(f->d & (D_EG | D_EM)))
		m->srm = xmap_add(m, i->rm);
}

/* The instruction for the host; with x, its XMM operands renamed by x.
 * The bytes are gathered in a register and stored as the two words of the
 * stub cache key (bytes stored one by one and read back as words would
 * stall store forwarding on every lookup). */
#define PUT(byte) (v |= (unsigned __int128)(uint8_t)(byte) << (8 * n++))
static void encode(const struct x86_insn *i, const struct fop *f, const struct xmap *x,
		   struct tcg_fpu_enc *e)
{
	unsigned __int128 v = 0;
	unsigned n = 1; /* byte 0 is the length */
	unsigned reg = (i->modrm >> 3) & 7, rm = i->modrm & 7, col = col_of(i);
	uint8_t rex = 0x40;

	if (f->kind == FK_X87) {
		/* FLDENV/FNSTENV/FRSTOR/FNSAVE: 66 gives the 16-bit layout */
		if (i->opsize == 16 && ((f->d & 15) == ZENV || (f->d & 15) == ZSAVE))
			PUT(0x66);
		PUT(i->opcode);
		PUT(i->mod == 3 ? i->modrm : (reg << 3 | 7));
		goto out;
	}
	if (col == 1 || ((f->d & 15) == ZV && i->p_opsize))
		PUT(0x66);
	if (col >= 2)
		PUT(i->rep);
	if (i->rex_w)
		rex |= 8;
	if (f->d & D_RG)
		reg = 0; /* rax */
	else if (x && !(f->d & (D_RM | D_RN)))
		reg = x->sreg;
	else if (!(f->d & (D_RM | D_RN)) && i->reg >= 8)
		rex |= 4;
	if (i->mod != 3)
		rm = 7; /* [rdi] */
	else if (f->d & D_EG)
		rm = 1; /* rcx */
	else if (x && !(f->d & D_EM))
		rm = x->srm;
	else if (!(f->d & D_EM) && i->rm >= 8)
		rex |= 1;
	if (rex != 0x40)
		PUT(rex);
	PUT(0x0f);
	if (i->map == X86_MAP_0F38)
		PUT(0x38);
	else if (i->map == X86_MAP_0F3A)
		PUT(0x3a);
	PUT(i->opcode);
	PUT((i->mod == 3 ? 0xc0 : 0) | reg << 3 | rm);
	if (i->nimm)
		PUT(i->imm[0]);
out:
	v |= n - 1;
	e->k[0] = (uint64_t)v;
	e->k[1] = (uint64_t)(v >> 64);
}
#undef PUT

/* ---- x87 environment pointer fields ---- */

static bool real_layout(const struct tcg_cpu *c)
{
	return !(c->cr0 & TCG_CR0_PE) || (c->rflags & TCG_VM);
}

/* FNSTENV/FNSAVE image: put our FIP/FDP/FOP into the pointer fields
 * (Vol. 1 Figures 8-9..8-12), as the host's are meaningless. */
static void env_store_ptrs(struct tcg_cpu *c, uint8_t *m, bool o16)
{
	uint64_t fip = rd64(c->fxsave + TCG_FX_FIP), fdp = rd64(c->fxsave + TCG_FX_FDP);
	uint16_t fop = rd16(c->fxsave + TCG_FX_FOP) & 0x7ff;

	if (real_layout(c)) {
		uint32_t ip = (uint32_t)(c->seg[X86_SEG_CS].base + fip);
		uint32_t dp = (uint32_t)(c->seg[X86_SEG_DS].base + fdp);

		if (o16) {
			wr16(m + 6, (uint16_t)ip);
			wr16(m + 8, (uint16_t)((ip >> 16 & 0xf) << 12 | fop));
			wr16(m + 10, (uint16_t)dp);
			wr16(m + 12, (uint16_t)((dp >> 16 & 0xf) << 12));
		} else {
			wr32(m + 12, ip & 0xffff);
			wr32(m + 16, (ip >> 16) << 12 | fop);
			wr32(m + 20, dp & 0xffff);
			wr32(m + 24, (dp >> 16) << 12);
		}
	} else if (o16) {
		wr16(m + 6, (uint16_t)fip);
		wr16(m + 8, c->seg[X86_SEG_CS].sel);
		wr16(m + 10, (uint16_t)fdp);
		wr16(m + 12, c->seg[X86_SEG_DS].sel);
	} else {
		wr32(m + 12, (uint32_t)fip);
		wr32(m + 16, c->seg[X86_SEG_CS].sel | (uint32_t)fop << 16);
		wr32(m + 20, (uint32_t)fdp);
		wr32(m + 24, c->seg[X86_SEG_DS].sel);
	}
}

/* FLDENV/FRSTOR: FIP/FDP/FOP from the image (protected-mode layouts;
 * real-mode images give offsets only approximately). */
static void env_load_ptrs(uint8_t *img, const uint8_t *m, bool o16)
{
	if (o16) {
		wr64(img + TCG_FX_FIP, rd16(m + 6));
		wr64(img + TCG_FX_FDP, rd16(m + 10));
		wr16(img + TCG_FX_FOP, 0);
	} else {
		wr64(img + TCG_FX_FIP, rd32(m + 12));
		wr64(img + TCG_FX_FDP, rd32(m + 20));
		wr16(img + TCG_FX_FOP, rd16(m + 18) & 0x7ff);
	}
}

/* ---- the passthrough handler ---- */

/* MXCSR to run with: the guest's control bits, SIMD exceptions masked,
 * their flags clear (so those raised are known). */
static uint32_t run_mxcsr(uint32_t mx0)
{
	return ((mx0 & tcg_fpu_mxcsr_mask()) | 0x1f80) & ~0x3fu;
}

/* SIMD exceptions: Vol. 1 §11.5.1 - an unmasked one leaves the
 * destination alone; pre-computation ones (IE DE ZE) come first. Returns
 * the guest's new MXCSR (the flags are sticky). */
static uint32_t simd_check(struct tcg_cpu *c, uint32_t mx0, uint32_t out)
{
	uint32_t raised = out & 0x3f, unm = raised & ~(mx0 >> 7) & 0x3f;

	if (unm) {
		wr32(c->fxsave + TCG_FX_MXCSR, mx0 | ((unm & 7) ? raised & 7 : raised));
		tcg_raise(c, (c->cr4 & TCG_CR4_OSXMMEXCPT) ? TCG_XM : TCG_UD, TCG_NOERR);
	}
	return mx0 | raised;
}

/* Fast path: only the XMM operands and MXCSR go to the host (no FXSAVE
 * image, the host's x87 state untouched). */
static void pass_xmm(struct tcg_cpu *c, const struct x86_insn *i, const struct fop *f,
		     uint8_t *mbuf, uint64_t lin, struct tcg_fpu_gpr *g)
{
	struct tcg_fpu_xmm x;
	struct tcg_fpu_enc e;
	struct xmap m;
	uint32_t mx0 = rd32(c->fxsave + TCG_FX_MXCSR), mx;

	xmap_of(i, f, &m);
	for (unsigned s = 0; s < 3; s++)
		if (m.used & (1u << s))
			memcpy(x.x[s], c->fxsave + TCG_FX_XMM + 16 * m.g[s], 16);
	x.mxcsr = no_mxcsr(i) ? 0 : run_mxcsr(mx0);
	encode(i, f, &m, &e);
	tcg_fpu_exec_xmm(c, &e, &x, mbuf, g);
	mx = x.mxcsr ? simd_check(c, mx0, x.mxcsr) : mx0;
	/* the store: it faults or completes before anything is committed */
	if (i->mod != 3 && (f->d & D_W))
		tcg_st_lin_buf(c, lin, mbuf, f->msize);
	for (unsigned s = 0; s < 3; s++)
		if (m.used & (1u << s))
			memcpy(c->fxsave + TCG_FX_XMM + 16 * m.g[s], x.x[s], 16);
	wr32(c->fxsave + TCG_FX_MXCSR, mx);
}

/* Full path: the whole FXSAVE image (x87, MMX, and SSE with mm operands). */
static void pass_img(struct tcg_cpu *c, const struct x86_insn *i, const struct fop *f,
		     uint8_t *mbuf, uint64_t ea, uint64_t lin, struct tcg_fpu_gpr *g)
{
	uint8_t img[512] __attribute__((aligned(16)));
	struct tcg_fpu_enc e;
	uint32_t mx0;
	uint16_t fsw0, fcw0, x87unm = 0;
	bool mem = i->mod != 3, o16 = i->opsize == 16;
	bool clearfl;

	/* The run image: SIMD exceptions masked, their flags clear; for
	 * waiting x87 instructions (none pending, see check) the x87 flags
	 * clear too, so those raised are known; they are sticky, put back
	 * below. FLDCW/FLDENV/FRSTOR and the FNxxx run on the image as is. */
	memcpy(img, c->fxsave, 512);
	mx0 = rd32(img + TCG_FX_MXCSR);
	fsw0 = rd16(img + TCG_FX_FSW);
	fcw0 = rd16(img + TCG_FX_FCW);
	wr32(img + TCG_FX_MXCSR, run_mxcsr(mx0));
	clearfl = f->kind == FK_X87 && !(f->d & (D_NW | D_LS));
	if (clearfl)
		wr16(img + TCG_FX_FSW, fsw0 & ~0x80ffu);
	encode(i, f, NULL, &e);
	tcg_fpu_exec(c, &e, img, mbuf, g);

	wr32(img + TCG_FX_MXCSR, simd_check(c, mx0, rd32(img + TCG_FX_MXCSR)));
	if (clearfl) {
		uint16_t fsw = rd16(img + TCG_FX_FSW);

		/* an unmasked IE DE ZE OE UE stores nothing to memory (Vol. 1
		 * §8.5: "destination not changed"); PE stores the result */
		x87unm = fsw & ~fcw0 & 0x1f;
		wr16(img + TCG_FX_FSW, fsw | (fsw0 & 0x7f));
	}

	/* x87 pointers: ours, not the host's */
	memcpy(img + TCG_FX_FOP, c->fxsave + TCG_FX_FOP, 18);
	if (f->kind == FK_X87) {
		if (f->d & D_INIT) {
			memset(img + TCG_FX_FOP, 0, 18);
		} else if ((f->d & D_LS) && (f->d & 15) != Z2) {
			env_load_ptrs(img, mbuf, o16);
		} else if (!(f->d & D_CT)) {
			wr16(img + TCG_FX_FOP, (uint16_t)((i->opcode & 7) << 8 | i->modrm));
			wr64(img + TCG_FX_FIP, c->rip);
			if (mem)
				wr64(img + TCG_FX_FDP, ea);
		}
		if ((f->d & D_NW) && mem && f->msize > 2)
			env_store_ptrs(c, mbuf, o16);
	}

	/* the store: it faults or completes before anything is committed */
	if (mem && (f->d & D_W) && !x87unm)
		tcg_st_lin_buf(c, lin, mbuf, f->msize);

	memcpy(c->fxsave, img, TCG_FX_HW_END);
}

static void op_pass(struct tcg_cpu *c, const struct x86_insn *i)
{
	uint8_t mbuf[112] __attribute__((aligned(16)));
	struct tcg_fpu_gpr g = {0}, g0;
	struct fop f;
	uint64_t ea = 0, lin = 0;
	bool mem = i->mod != 3;

	classify(i, &f); /* tcg_ops_fpu() accepted it */
	check(c, &f);
	/* the host buffer: the guest's bytes for a source, zeros otherwise */
	memset(mbuf, 0, f.msize);
	if (mem) {
		ea = tcg_ea(c, i);
		lin = tcg_seg_lin(c, tcg_ea_seg(i), ea, f.msize, (f.d & D_W) ? TCG_WRITE : TCG_READ);
		if ((f.d & D_A) && (lin & 15))
			tcg_raise_gp0(c);
		if (!(f.d & D_W))
			tcg_ld_lin_buf(c, lin, mbuf, f.msize);
	}

	if (f.d & D_IMP) {
		g.rax = c->gpr[0];
		g.rcx = c->gpr[1];
		g.rdx = c->gpr[2];
	}
	if (f.d & D_RG)
		g.rax = c->gpr[i->reg];
	if ((f.d & D_EG) && !mem)
		g.rcx = (f.d & D_B8) ? tcg_reg(c, i->rm, 1, i->rex != 0) : c->gpr[i->rm];
	if (f.d & D_FR)
		g.flags = tcg_flags(c);
	g0 = g;
	if (fast_path(&f))
		pass_xmm(c, i, &f, mbuf, lin, &g);
	else
		pass_img(c, i, &f, mbuf, ea, lin, &g);

	if (f.d & D_IMP) {
		if (g.rax != g0.rax)
			c->gpr[0] = g.rax;
		if (g.rcx != g0.rcx)
			c->gpr[1] = g.rcx;
		if (g.rdx != g0.rdx)
			c->gpr[2] = g.rdx;
	}
	/* a GPR the instruction wrote differs (32-bit writes zero-extend) */
	if ((f.d & D_RG) && g.rax != g0.rax)
		c->gpr[i->reg] = g.rax;
	if ((f.d & D_EG) && !mem && !(f.d & D_B8) && g.rcx != g0.rcx)
		c->gpr[i->rm] = g.rcx;
	if (f.d & D_FL)
		tcg_flags_set(c, (tcg_flags(c) & ~TCG_ARITH) | (g.flags & TCG_ARITH));
}

/* ---- instructions done in C ---- */

#define FX_USED 416 /* FXSAVE image bytes with state: legacy area and XMM0-15 */

static void op_fwait(struct tcg_cpu *c, const struct x86_insn *i)
{
	if ((c->cr0 & (TCG_CR0_MP | TCG_CR0_TS)) == (TCG_CR0_MP | TCG_CR0_TS))
		raise_nm(c); /* Vol. 3A Table 2-2 */
	if (x87_pending(c))
		tcg_raise(c, TCG_MF, TCG_NOERR);
}

/* FNENI, FNDISI, FNSETPM (DB E0 E1 E4): 8087/287 control instructions
 * that the 387 and later execute as no-ops (blank in Vol. 2 Table A-10,
 * kept for old software); only the #NM check of every x87 instruction. */
static void op_x87_nop(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (c->cr0 & (TCG_CR0_EM | TCG_CR0_TS))
		raise_nm(c);
}

static void op_emms(struct tcg_cpu *c, const struct x86_insn *i)
{
	check_mmx(c);
	c->fxsave[TCG_FX_FTW] = 0; /* all empty (Vol. 1 §9.5.1) */
}

/* FXSAVE/FXSAVE64 (Vol. 2 FXSAVE, Vol. 1 §10.5.1): #NM on EM or TS,
 * 16-byte alignment. REX.W picks the 64-bit FIP/FDP format; without it
 * bytes 12-13 and 20-21 are FCS and FDS. The reserved bytes 416-511 (and
 * XMM8-15 outside 64-bit mode) are not written, as on the host. */
static void op_fxsave(struct tcg_cpu *c, const struct x86_insn *i)
{
	uint8_t buf[FX_USED];
	uint64_t lin;

	if (c->cr0 & (TCG_CR0_EM | TCG_CR0_TS))
		raise_nm(c);
	lin = tcg_seg_lin(c, tcg_ea_seg(i), tcg_ea(c, i), 512, TCG_WRITE);
	if (lin & 15)
		tcg_raise_gp0(c);
	memcpy(buf, c->fxsave, sizeof(buf));
	wr32(buf + TCG_FX_MXCSR_MASK, tcg_fpu_mxcsr_mask());
	if (!i->rex_w) {
		wr32(buf + 12, c->seg[X86_SEG_CS].sel);
		wr32(buf + 20, c->seg[X86_SEG_DS].sel);
	}
	tcg_st_lin_buf(c, lin, buf, i->mode == X86_MODE_64 ? FX_USED : TCG_FX_XMM + 128);
}

static void op_fxrstor(struct tcg_cpu *c, const struct x86_insn *i)
{
	uint8_t buf[FX_USED];
	uint64_t lin;

	if (c->cr0 & (TCG_CR0_EM | TCG_CR0_TS))
		raise_nm(c);
	lin = tcg_seg_lin(c, tcg_ea_seg(i), tcg_ea(c, i), 512, TCG_READ);
	if (lin & 15)
		tcg_raise_gp0(c);
	tcg_ld_lin_buf(c, lin, buf, sizeof(buf));
	if (rd32(buf + TCG_FX_MXCSR) & ~tcg_fpu_mxcsr_mask())
		tcg_raise_gp0(c); /* reserved MXCSR bits */
	if (!i->rex_w) {
		wr32(buf + 12, 0); /* FCS, FDS: the offsets are 32-bit */
		wr32(buf + 20, 0);
	}
	if (i->mode != X86_MODE_64) /* XMM8-15 exist only in 64-bit mode */
		memcpy(buf + TCG_FX_XMM + 128, c->fxsave + TCG_FX_XMM + 128, 128);
	wr32(buf + TCG_FX_MXCSR_MASK, tcg_fpu_mxcsr_mask());
	memcpy(c->fxsave, buf, sizeof(buf));
}

/* LDMXCSR/STMXCSR (Vol. 2): SSE class checks, #GP(0) on reserved bits. */
static void op_ldmxcsr(struct tcg_cpu *c, const struct x86_insn *i)
{
	uint8_t v[4];

	check_sse(c, false);
	tcg_ld_lin_buf(c, tcg_seg_lin(c, tcg_ea_seg(i), tcg_ea(c, i), 4, TCG_READ), v, 4);
	if (rd32(v) & ~tcg_fpu_mxcsr_mask())
		tcg_raise_gp0(c);
	memcpy(c->fxsave + TCG_FX_MXCSR, v, 4);
}

static void op_stmxcsr(struct tcg_cpu *c, const struct x86_insn *i)
{
	uint64_t lin;

	check_sse(c, false);
	lin = tcg_seg_lin(c, tcg_ea_seg(i), tcg_ea(c, i), 4, TCG_WRITE);
	tcg_st_lin_buf(c, lin, c->fxsave + TCG_FX_MXCSR, 4);
}

/* LFENCE/SFENCE need nothing: guest stores are ordinary host stores (no
 * non-temporal ones) and loads are in program order. MFENCE orders the
 * guest's stores before its later loads as seen by other vCPUs. */
static void op_fence(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (((i->modrm >> 3) & 7) == 6)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	else
		__asm__ volatile("" ::: "memory");
}

/* CLFLUSH: RAM is coherent, only the access checks (segment, page: it is
 * a read for #PF purposes, Vol. 2 CLFLUSH). */
static void op_clflush(struct tcg_cpu *c, const struct x86_insn *i)
{
	uint8_t b;

	tcg_ld_lin_buf(c, tcg_seg_lin(c, tcg_ea_seg(i), tcg_ea(c, i), 1, TCG_READ), &b, 1);
}

/* MOVNTI (an integer store, SSE2): no CR0/CR4 checks. */
static void op_movnti(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned n = i->rex_w ? 8 : 4;
	uint64_t v = c->gpr[i->reg];

	tcg_st_lin_buf(c, tcg_seg_lin(c, tcg_ea_seg(i), tcg_ea(c, i), n, TCG_WRITE), &v, n);
}

/* MASKMOVQ (no prefix) / MASKMOVDQU (66): the bytes of reg whose mask
 * byte in rm has bit 7 set go to DS:rDI (segment overridable). Done here
 * so that only those bytes are written. */
static void op_maskmov(struct tcg_cpu *c, const struct x86_insn *i)
{
	bool x = i->p_opsize;
	unsigned n = x ? 16 : 8;
	const uint8_t *src, *msk;
	uint64_t lin;

	if (x) {
		check_sse(c, false);
		src = c->fxsave + TCG_FX_XMM + 16 * i->reg;
		msk = c->fxsave + TCG_FX_XMM + 16 * i->rm;
	} else {
		check_mmx(c);
		src = c->fxsave + TCG_FX_ST + 16 * (i->reg & 7);
		msk = c->fxsave + TCG_FX_ST + 16 * (i->rm & 7);
	}
	lin = tcg_seg_lin(c, tcg_ea_seg(i), c->gpr[7] & tcg_amask(i), n, TCG_WRITE);
	for (unsigned k = 0; k < n; k++)
		if (msk[k] & 0x80) /* linear addresses wrap at 4 GiB outside long mode */
			tcg_st_lin_buf(c, (lin + k) & (c->long_mode ? ~0ull : 0xffffffffull), src + k, 1);
	if (!x) { /* MMX transition: TOP 0, all tags valid (Vol. 1 §9.5.1) */
		wr16(c->fxsave + TCG_FX_FSW, rd16(c->fxsave + TCG_FX_FSW) & ~0x3800u);
		c->fxsave[TCG_FX_FTW] = 0xff;
	}
}

/* Group 15 without prefixes (Vol. 2 Table A-6); XSAVE and the 66/F3
 * forms (RDFSBASE, CLWB, ...) are someone else's or not offered. */
static tcg_op_fn grp15(const struct x86_insn *i)
{
	unsigned r = (i->modrm >> 3) & 7;

	if (i->p_opsize || i->rep)
		return NULL;
	if (i->mod == 3)
		return r >= 5 ? op_fence : NULL;
	switch (r) {
	case 0: return op_fxsave;
	case 1: return op_fxrstor;
	case 2: return op_ldmxcsr;
	case 3: return op_stmxcsr;
	case 7: return op_clflush;
	}
	return NULL;
}

void tcg_fpu_reset(struct tcg_cpu *c)
{
	memset(c->fxsave, 0, sizeof(c->fxsave));
	wr16(c->fxsave + TCG_FX_FCW, 0x037f);
	wr32(c->fxsave + TCG_FX_MXCSR, 0x1f80);
	wr32(c->fxsave + TCG_FX_MXCSR_MASK, tcg_fpu_mxcsr_mask());
}

tcg_op_fn tcg_ops_fpu(const struct x86_insn *i)
{
	struct fop f;

	if (i->vex)
		return NULL;
	if (i->map == X86_MAP_1B) {
		if (i->opcode == 0x9b)
			return op_fwait;
		if (i->opcode == 0xdb && (i->modrm == 0xe0 || i->modrm == 0xe1 || i->modrm == 0xe4))
			return op_x87_nop;
	} else if (i->map == X86_MAP_0F) {
		switch (i->opcode) {
		case 0x18 ... 0x1f: /* hint NOPs: the integer group's */
			return NULL;
		case 0x77:
			return i->p_opsize || i->rep ? NULL : op_emms;
		case 0xae:
			return grp15(i);
		case 0xc3:
			return i->p_opsize || i->rep || i->mod == 3 ? NULL : op_movnti;
		case 0xf7:
			return i->rep || i->mod != 3 ? NULL : op_maskmov;
		}
	}
	return classify(i, &f) ? op_pass : NULL;
}
