/*
 * x86/decode.h - the x86 instruction decoder shared by the translator (tcg/)
 * and the VT-x backend (vmx/: MMIO on EPT violations, string I/O exits).
 *
 * Table-driven; it finds an instruction's length and its fields, not its
 * semantics: SDM Vol. 2 ch. 2 (instruction format, REX, VEX, EVEX) and
 * appendix A (opcode maps). Pure C: no allocation, no libc, builds both
 * freestanding and for the host.
 *
 * Validity follows Intel (SDM Vol. 2 A.2.5, A.3): near branches ignore 0x66
 * in 64-bit mode, AMD-only encodings (XOP, 3DNow!, SSE4a) are invalid.
 */
#ifndef KEEL_X86_DECODE_H
#define KEEL_X86_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X86_MAX_INSN_LEN 15 /* SDM Vol. 2 §2.1.1; longer raises #GP */

/* Error codes, returned negated by x86_decode. */
#define X86_EAGAIN 1  /* avail too short: fetch up to 15 bytes and call again */
#define X86_EINVAL 2  /* invalid encoding: the guest gets #UD */
#define X86_ETOOLONG 3 /* longer than 15 bytes: the guest gets #GP(0) */
#define X86_ENOTSUP 4 /* x86_insn_memop: not an instruction it classifies */

enum x86_mode {
	X86_MODE_16 = 16,
	X86_MODE_32 = 32,
	X86_MODE_64 = 64,
};

/* Opcode maps; the values are VEX.mmmmm / EVEX.mmm (SDM Vol. 2 §2.3.6). */
enum x86_map {
	X86_MAP_1B = 0,   /* one-byte opcodes */
	X86_MAP_0F = 1,   /* 0F xx */
	X86_MAP_0F38 = 2, /* 0F 38 xx */
	X86_MAP_0F3A = 3, /* 0F 3A xx */
	X86_MAP_5 = 5,    /* EVEX only (AVX512-FP16) */
	X86_MAP_6 = 6,
};

/* Segment registers in their sreg encoding (SDM Vol. 2 §3.1.1.3). */
enum x86_seg {
	X86_SEG_ES = 0,
	X86_SEG_CS,
	X86_SEG_SS,
	X86_SEG_DS,
	X86_SEG_FS,
	X86_SEG_GS,
	X86_SEG_NONE,
};

/* GPR numbers as encoded: 0 rAX, 1 rCX, 2 rDX, 3 rBX, 4 rSP, 5 rBP, 6 rSI,
 * 7 rDI, 8-15 r8-r15. */
#define X86_REG_NONE 0xff

/* Prefix kinds in struct x86_insn.vex. */
#define X86_VEX_NONE 0
#define X86_VEX_C5 2   /* two-byte VEX */
#define X86_VEX_C4 3   /* three-byte VEX */
#define X86_VEX_EVEX 4 /* EVEX (0x62): length only, see x86_insn_ea */

struct x86_insn {
	uint8_t length;   /* bytes, 1-15 */
	uint8_t mode;     /* enum x86_mode it was decoded in */
	uint8_t opsize;   /* effective operand size in bits: 16, 32, 64 */
	uint8_t addrsize; /* effective address size in bits: 16, 32, 64 */

	/* legacy prefixes (SDM Vol. 2 §2.1.1), in any order */
	uint8_t nprefix;  /* legacy + REX prefix bytes before the opcode */
	bool p_opsize;    /* 0x66 */
	bool p_addrsize;  /* 0x67 */
	bool p_lock;      /* 0xf0 */
	uint8_t rep;      /* 0, 0xf2 (REPNE) or 0xf3 (REP/REPE): the last one */
	uint8_t seg;      /* enum x86_seg: the last override, or X86_SEG_NONE */

	/* REX (64-bit mode only, SDM Vol. 2 §2.2.1); VEX/EVEX set the same bits */
	uint8_t rex;      /* the REX byte 0x40-0x4f, or 0 */
	bool rex_w, rex_r, rex_x, rex_b;

	/* VEX / EVEX (SDM Vol. 2 §2.3, §2.7) */
	uint8_t vex;      /* X86_VEX_* */
	uint8_t vex_vvvv; /* extra register operand, un-inverted: 0-15 (0-31 EVEX) */
	uint8_t vex_l;    /* vector length: 0 = 128, 1 = 256, 2 = 512 */
	uint8_t vex_pp;   /* implied prefix: 0 none, 1 66, 2 F3, 3 F2 */
	uint8_t vex_mmmmm; /* opcode map field as encoded */

	uint8_t map;      /* enum x86_map */
	uint8_t opcode;   /* opcode byte within map */

	/* ModRM (SDM Vol. 2 §2.1.5); reg and rm include REX.R / REX.B */
	bool has_modrm;
	uint8_t modrm;
	uint8_t mod, reg, rm;

	/* SIB; index and base include REX.X / REX.B, X86_REG_NONE when absent */
	bool has_sib;
	uint8_t sib;
	uint8_t scale;    /* 1, 2, 4, 8 */
	uint8_t index;
	uint8_t base;     /* also the base of a no-SIB memory operand */
	bool rip_rel;     /* 64-bit mode, mod 00 rm 101: disp is from the next RIP */

	uint8_t disp_size; /* 0, 1, 2, 4 */
	int64_t disp;      /* sign-extended */

	/* immediates: up to two (ENTER iw,ib; far pointers off,sel).
	 * MOV moffs (A0-A3) keeps its address in imm[0]; relative branches keep
	 * their displacement there (imm_rel). Values as encoded, zero-extended. */
	uint8_t nimm;
	uint8_t imm_size[2];
	uint64_t imm[2];
	bool imm_rel;

	uint16_t flags; /* X86_F_* from the opcode tables */
};

/*
 * Decodes the instruction at bytes[0..avail) in the given mode. Returns 0
 * and fills *out, or -X86_EAGAIN (need more bytes: a fetch stopped at a page
 * end), -X86_EINVAL (#UD) or -X86_ETOOLONG (#GP). *out is clobbered on error.
 */
int x86_decode(const uint8_t *bytes, size_t avail, enum x86_mode mode, struct x86_insn *out);

/* Effective address of the memory operand, without segment base, truncated
 * to the address size (SDM Vol. 1 §3.7.5). gpr[] is indexed by GPR number.
 * For moffs (A0-A3) it is the offset; for no memory operand, 0. EVEX
 * compressed disp8 (disp8*N) is not scaled. */
uint64_t x86_insn_ea(const struct x86_insn *i, const uint64_t gpr[16], uint64_t rip_next);

/* Segment of the memory operand: the override, else SS for rBP/rSP bases,
 * else DS. In 64-bit mode ES/CS/SS/DS overrides are ignored (-> DS). String
 * destinations always use ES: that is the caller's business. */
enum x86_seg x86_insn_seg(const struct x86_insn *i);

/* ---- classification of memory accesses, for MMIO emulation ---- */

enum x86_memop_kind {
	X86_MEMOP_MOV,    /* MOV, MOVD/MOVQ/MOVNTI: load to reg or store reg/imm */
	X86_MEMOP_MOVZX,  /* load, zero-extend into reg */
	X86_MEMOP_MOVSX,  /* load, sign-extend into reg (MOVSX, MOVSXD) */
	X86_MEMOP_ALU,    /* alu: reg-or-imm OP memory (x86_memop.alu) */
	X86_MEMOP_XCHG,   /* swap memory and reg (locked) */
	X86_MEMOP_STRING, /* x86_memop.str; REP, DF and rSI/rDI are the caller's */
};

/* group 1 order (SDM Vol. 2 Table A-6), then TEST */
enum x86_alu {
	X86_ALU_ADD, X86_ALU_OR, X86_ALU_ADC, X86_ALU_SBB,
	X86_ALU_AND, X86_ALU_SUB, X86_ALU_XOR, X86_ALU_CMP,
	X86_ALU_TEST,
};

enum x86_str {
	X86_STR_MOVS, /* load [rSI], store ES:[rDI] */
	X86_STR_STOS, /* store rAX to ES:[rDI] */
	X86_STR_LODS, /* load [rSI] into rAX */
	X86_STR_INS,  /* port rDX to ES:[rDI] */
	X86_STR_OUTS, /* [rSI] to port rDX */
};

enum x86_regfile {
	X86_RF_GPR,
	X86_RF_MMX,
	X86_RF_XMM,
};

struct x86_memop {
	enum x86_memop_kind kind;
	unsigned int alu;      /* enum x86_alu, for X86_MEMOP_ALU */
	unsigned int str;      /* enum x86_str, for X86_MEMOP_STRING */
	bool load;             /* memory is read */
	bool store;            /* memory is written (direction: load && !store =
				* memory is the source) */
	unsigned int size;     /* bytes of the memory access (per element) */
	uint8_t reg;           /* register operand, or X86_REG_NONE (immediate) */
	unsigned int reg_size; /* bytes of the register operand */
	bool reg_high8;        /* reg 4-7 mean AH, CH, DH, BH */
	enum x86_regfile regfile;
	bool has_imm;
	uint64_t imm;          /* sign-extended as the instruction does, masked to size */
};

/* Classifies a decoded instruction that accesses memory. 0, or
 * -X86_ENOTSUP when it is none of the kinds above (or has no memory
 * operand). */
int x86_insn_memop(const struct x86_insn *i, struct x86_memop *m);

/* ---- opcode tables (decode_tables.c), SDM Vol. 2 appendix A ---- */

#define X86_F_MODRM 0x0001 /* has a ModRM byte */
#define X86_F_IMM_SHIFT 1
#define X86_F_IMM_MASK 0x000e
#define X86_IMM_NONE 0
#define X86_IMM_B 1     /* ib */
#define X86_IMM_W 2     /* iw */
#define X86_IMM_Z 3     /* iz: 16 or 32 bits by operand size */
#define X86_IMM_V 4     /* iv: 16, 32 or 64 bits (B8+r) */
#define X86_IMM_ENTER 5 /* iw, ib */
#define X86_IMM_MOFFS 6 /* address-size offset */
#define X86_IMM_FAR 7   /* iz offset, iw selector */
#define X86_F_I64 0x0010  /* invalid in 64-bit mode */
#define X86_F_D64 0x0020  /* operand size defaults to 64 in 64-bit mode */
#define X86_F_F64 0x0040  /* operand size is 64 in 64-bit mode (near branches) */
#define X86_F_LOCK 0x0080 /* LOCK allowed with a memory operand (see groups) */
#define X86_F_REL 0x0100  /* the immediate is a branch displacement */
#define X86_F_INV 0x0200  /* invalid opcode */
#define X86_F_PFX 0x0400  /* a prefix byte, not an opcode */
#define X86_F_GRP 0x0800  /* meaning depends on ModRM.reg (checked in code) */
#define X86_F_MREG 0x1000 /* mod is ignored, always a register (MOV CRn/DRn) */

extern const uint16_t x86_op_1b[256];
extern const uint16_t x86_op_0f[256];

#endif
