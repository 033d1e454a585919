/*
 * x86/decode_tables.c - attributes of every opcode in the one-byte and 0F
 * maps: ModRM, immediate kind, 64-bit rules, LOCK. SDM Vol. 2 appendix A:
 * Table A-2 (one-byte), A-3 (two-byte), A-6 (groups); operand size rules
 * from §2.2.1.7 (default 64-bit) and Table 3-4 footnotes (f64, d64, i64).
 * The 0F 38 map always has ModRM; the 0F 3A map has ModRM and ib.
 * Group-dependent details (F6/F7 /0 imm, FF /2 /4 f64, ...) are in decode.c.
 */
#include "x86/decode.h"

#define M X86_F_MODRM
#define IB (X86_IMM_B << X86_F_IMM_SHIFT)
#define IW (X86_IMM_W << X86_F_IMM_SHIFT)
#define IZ (X86_IMM_Z << X86_F_IMM_SHIFT)
#define IV (X86_IMM_V << X86_F_IMM_SHIFT)
#define IENTER (X86_IMM_ENTER << X86_F_IMM_SHIFT)
#define MOFFS (X86_IMM_MOFFS << X86_F_IMM_SHIFT)
#define FAR (X86_IMM_FAR << X86_F_IMM_SHIFT)
#define I64 X86_F_I64
#define D64 X86_F_D64
#define F64 X86_F_F64
#define LK X86_F_LOCK
#define REL X86_F_REL
#define INV X86_F_INV
#define PFX X86_F_PFX
#define GRP X86_F_GRP
#define MREG X86_F_MREG

/* ALU block x0-x5: Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev  AL,Ib  rAX,Iz */
#define ALU_LK M | LK, M | LK, M, M, IB, IZ

/* Table A-2: one-byte opcode map. 0F is the escape, decoded in code. */
const uint16_t x86_op_1b[256] = {
	[0x00] = ALU_LK, I64, I64,                 /* add, push/pop es */
	[0x08] = ALU_LK, I64, 0,                   /* or, push cs, 0F */
	[0x10] = ALU_LK, I64, I64,                 /* adc, push/pop ss */
	[0x18] = ALU_LK, I64, I64,                 /* sbb, push/pop ds */
	[0x20] = ALU_LK, PFX, I64,                 /* and, es:, daa */
	[0x28] = ALU_LK, PFX, I64,                 /* sub, cs:, das */
	[0x30] = ALU_LK, PFX, I64,                 /* xor, ss:, aaa */
	[0x38] = M, M, M, M, IB, IZ, PFX, I64,     /* cmp, ds:, aas */
	[0x40] = 0, 0, 0, 0, 0, 0, 0, 0,           /* inc; REX in 64-bit */
	[0x48] = 0, 0, 0, 0, 0, 0, 0, 0,           /* dec; REX in 64-bit */
	[0x50] = D64, D64, D64, D64, D64, D64, D64, D64, /* push */
	[0x58] = D64, D64, D64, D64, D64, D64, D64, D64, /* pop */
	[0x60] = I64, I64, M | I64, M, PFX, PFX, PFX, PFX, /* pusha popa bound
							     * arpl/movsxd fs gs 66 67 */
	[0x68] = IZ | D64, M | IZ, IB | D64, M | IB, 0, 0, 0, 0, /* push imul
								* push imul ins outs */
	[0x70] = IB | REL | F64, IB | REL | F64, IB | REL | F64, IB | REL | F64,
	[0x74] = IB | REL | F64, IB | REL | F64, IB | REL | F64, IB | REL | F64,
	[0x78] = IB | REL | F64, IB | REL | F64, IB | REL | F64, IB | REL | F64,
	[0x7c] = IB | REL | F64, IB | REL | F64, IB | REL | F64, IB | REL | F64,
	[0x80] = M | IB | LK | GRP, M | IZ | LK | GRP, M | IB | LK | GRP | I64,
	[0x83] = M | IB | LK | GRP, M, M, M | LK, M | LK, /* grp1, test, xchg */
	[0x88] = M, M, M, M, M, M | GRP, M, M | D64 | GRP, /* mov, lea, mov sreg,
							    * pop Ev (grp1a) */
	[0x90] = 0, 0, 0, 0, 0, 0, 0, 0,           /* xchg rAX / nop / pause */
	[0x98] = 0, 0, FAR | I64, 0, D64, D64, 0, 0, /* cbw cwd callf fwait
						     * pushf popf sahf lahf */
	[0xa0] = MOFFS, MOFFS, MOFFS, MOFFS, 0, 0, 0, 0, /* mov moffs, movs cmps */
	[0xa8] = IB, IZ, 0, 0, 0, 0, 0, 0,         /* test, stos lods scas */
	[0xb0] = IB, IB, IB, IB, IB, IB, IB, IB,   /* mov r8, ib */
	[0xb8] = IV, IV, IV, IV, IV, IV, IV, IV,   /* mov r, iv */
	[0xc0] = M | IB, M | IB, IW | F64, F64, M | I64, M | I64, M | IB | GRP,
	[0xc7] = M | IZ | GRP,                     /* shifts, ret, les/lds (VEX),
						    * grp11 mov */
	[0xc8] = IENTER | D64, D64, IW, 0, 0, IB, I64, 0, /* enter leave retf
							  * int3 int into iret */
	[0xd0] = M, M, M, M, IB | I64, IB | I64, I64, 0, /* shifts aam aad salc
							 * xlat */
	[0xd8] = M, M, M, M, M, M, M, M,           /* x87 escapes */
	[0xe0] = IB | REL | F64, IB | REL | F64, IB | REL | F64, IB | REL | F64,
	[0xe4] = IB, IB, IB, IB,                   /* in/out ib */
	[0xe8] = IZ | REL | F64, IZ | REL | F64, FAR | I64, IB | REL | F64,
	[0xec] = 0, 0, 0, 0,                       /* in/out dx */
	[0xf0] = PFX, 0, PFX, PFX, 0, 0, M | LK | GRP, M | LK | GRP, /* lock int1
								  * rep hlt cmc
								  * grp3 */
	[0xf8] = 0, 0, 0, 0, 0, 0, M | LK | GRP, M | LK | GRP, /* clc..std grp4
							       * grp5 */
};

#define M8 M, M, M, M, M, M, M, M
#define M16 M8, M8
#define JCC4 IZ | REL | F64, IZ | REL | F64, IZ | REL | F64, IZ | REL | F64

/* Table A-3: two-byte (0F) opcode map. 38 and 3A are escapes. */
const uint16_t x86_op_0f[256] = {
	[0x00] = M | GRP, M, M, M, INV, 0, 0, 0,  /* grp6 grp7 lar lsl, syscall
						 * clts sysret */
	[0x08] = 0, 0, INV, 0, INV, M, INV, INV,  /* invd wbinvd ud2 prefetchw;
						 * femms and 3DNow! are AMD */
	[0x10] = M16,                            /* SSE moves, hint nops, endbr */
	[0x20] = M | MREG, M | MREG, M | MREG, M | MREG, INV, INV, INV, INV,
	[0x28] = M, M, M, M, M, M, M, M,
	[0x30] = 0, 0, 0, 0, 0, 0, INV, 0,       /* wrmsr rdtsc rdmsr rdpmc
						 * sysenter sysexit getsec */
	[0x38] = 0, INV, 0, INV, INV, INV, INV, INV,
	[0x40] = M16,                            /* cmovcc */
	[0x50] = M16,
	[0x60] = M16,
	[0x70] = M | IB, M | IB, M | IB, M | IB, M, M, M, 0, /* pshuf grp12-14
							     * emms */
	[0x78] = M | GRP, M | GRP, INV, INV, M, M, M, M,     /* vmread vmwrite */
	[0x80] = JCC4, JCC4, JCC4, JCC4,          /* jcc rel */
	[0x90] = M16,                             /* setcc */
	[0xa0] = D64, D64, 0, M, M | IB, M, INV, INV, /* push/pop fs cpuid bt
						      * shld */
	[0xa8] = D64, D64, 0, M | LK, M | IB, M, M, M, /* push/pop gs rsm bts
						       * shrd grp15 imul */
	[0xb0] = M | LK, M | LK, M, M | LK, M, M, M, M, /* cmpxchg lss btr lfs
							* lgs movzx */
	[0xb8] = M, M, M | IB | LK | GRP, M | LK, M, M, M, M, /* popcnt ud1 grp8
							       * btc bsf bsr movsx */
	[0xc0] = M | LK, M | LK, M | IB, M, M | IB, M | IB, M | IB, M | LK | GRP,
	[0xc8] = 0, 0, 0, 0, 0, 0, 0, 0,          /* bswap */
	[0xd0] = M16,
	[0xe0] = M16,
	[0xf0] = M16,                             /* ... ud0 */
};
