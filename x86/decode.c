/*
 * x86/decode.c - instruction length and field decoding. SDM Vol. 2:
 * §2.1 (prefixes, ModRM, SIB, displacement, immediates; Tables 2-1..2-3 for
 * 16/32-bit addressing), §2.2.1 (REX, RIP-relative, default 64-bit operand
 * size), §2.3 (VEX), §2.7 (EVEX), appendix A (opcode maps and groups),
 * and the LOCK prefix rules under "LOCK" in ch. 3.
 */
#include "x86/decode.h"

struct x86_cursor {
	const uint8_t *bytes;
	size_t avail;
	unsigned int pos;
};

/* 0, or the error for reading n more bytes. Over 15 bytes wins over
 * "need more": no amount of fetching makes such an instruction valid. */
static int cur_need(const struct x86_cursor *c, unsigned int n)
{
	if (c->pos + n > X86_MAX_INSN_LEN)
		return -X86_ETOOLONG;
	if (c->pos + n > c->avail)
		return -X86_EAGAIN;
	return 0;
}

static uint64_t cur_le(struct x86_cursor *c, unsigned int n)
{
	uint64_t v = 0;
	unsigned int k;

	for (k = 0; k < n; k++)
		v |= (uint64_t)c->bytes[c->pos + k] << (8 * k);
	c->pos += n;
	return v;
}

static int64_t sext(uint64_t v, unsigned int bytes)
{
	unsigned int sh = 64 - 8 * bytes;

	return bytes >= 8 ? (int64_t)v : (int64_t)(v << sh) >> sh;
}

/* Legacy prefixes and REX (SDM Vol. 2 §2.1.1, §2.2.1). A REX followed by
 * another prefix is ignored. */
static int decode_prefixes(struct x86_cursor *c, struct x86_insn *i)
{
	for (;;) {
		int err = cur_need(c, 1);
		uint8_t b;

		if (err)
			return err;
		b = c->bytes[c->pos];
		if (i->mode == X86_MODE_64 && (b & 0xf0) == 0x40) {
			i->rex = b;
		} else if (x86_op_1b[b] & X86_F_PFX) {
			i->rex = 0;
			if (b == 0x66)
				i->p_opsize = true;
			else if (b == 0x67)
				i->p_addrsize = true;
			else if (b == 0xf0)
				i->p_lock = true;
			else if (b == 0xf2 || b == 0xf3)
				i->rep = b;
			else if (b == 0x64 || b == 0x65)
				i->seg = X86_SEG_FS + (b - 0x64);
			else
				i->seg = (b >> 3) & 3; /* 26 2e 36 3e: es cs ss ds */
		} else {
			break;
		}
		c->pos++;
	}
	i->nprefix = c->pos;
	if (i->rex) {
		i->rex_w = i->rex & 8;
		i->rex_r = i->rex & 4;
		i->rex_x = i->rex & 2;
		i->rex_b = i->rex & 1;
	}
	return 0;
}

/* VEX (C4/C5, SDM Vol. 2 §2.3.5) and EVEX (62, §2.7.1). b is the first
 * byte; c->pos is at it. 1 if this is not VEX/EVEX but LES/LDS/BOUND. */
static int decode_vex(struct x86_cursor *c, struct x86_insn *i, uint8_t b)
{
	unsigned int n = b == 0xc5 ? 2 : b == 0xc4 ? 3 : 4;
	bool m64 = i->mode == X86_MODE_64;
	const uint8_t *p;
	uint8_t w_byte;
	int err;

	if (!m64) {
		/* outside 64-bit mode these are VEX only when ModRM.mod would
		 * be 11, which LES/LDS/BOUND do not allow */
		if ((err = cur_need(c, 2)))
			return err;
		if ((c->bytes[c->pos + 1] & 0xc0) != 0xc0)
			return 1;
	}
	if ((err = cur_need(c, n)))
		return err;
	/* 66, F2, F3, LOCK or REX before VEX: #UD (§2.3.2) */
	if (i->p_opsize || i->rep || i->p_lock || i->rex)
		return -X86_EINVAL;
	p = c->bytes + c->pos + 1;
	i->vex = n == 4 ? X86_VEX_EVEX : n;
	if (n == 2) {
		i->vex_mmmmm = 1;
		w_byte = p[0];
		i->rex_r = m64 && !(p[0] & 0x80);
	} else {
		i->vex_mmmmm = p[0] & (n == 4 ? 0x07 : 0x1f);
		w_byte = p[1];
		i->rex_r = m64 && !(p[0] & 0x80);
		i->rex_x = m64 && !(p[0] & 0x40);
		i->rex_b = m64 && !(p[0] & 0x20);
		i->rex_w = m64 && (p[1] & 0x80);
	}
	i->vex_vvvv = (~w_byte >> 3) & 0xf;
	i->vex_pp = w_byte & 3;
	if (!m64)
		i->vex_vvvv &= 7;
	if (n == 4) {
		/* EVEX: P0 bit 3 zero, P1 bit 2 one; maps 1-3, 5, 6 */
		if ((p[0] & 0x08) || !(p[1] & 0x04) || i->vex_mmmmm == 0 ||
		    i->vex_mmmmm == 4 || i->vex_mmmmm == 7)
			return -X86_EINVAL;
		i->vex_l = (p[2] >> 5) & 3;
		if (m64 && !(p[2] & 0x08))
			i->vex_vvvv |= 16; /* EVEX.V' */
	} else {
		if (i->vex_mmmmm < 1 || i->vex_mmmmm > 3)
			return -X86_EINVAL;
		i->vex_l = (w_byte >> 2) & 1;
	}
	i->map = i->vex_mmmmm;
	c->pos += n;
	return 0;
}

/* Flags of the opcode, with map-level rules; 0F 38 and 0F 3A have no table. */
static uint16_t op_flags(const struct x86_insn *i)
{
	uint16_t f;

	switch (i->map) {
	case X86_MAP_1B:
		return x86_op_1b[i->opcode];
	case X86_MAP_0F:
		f = x86_op_0f[i->opcode];
		if (i->vex) {
			/* VEX map 1: vector ops with ModRM, and VZEROUPPER/ALL */
			if (i->opcode == 0x77 && i->vex != X86_VEX_EVEX)
				return 0;
			if (!(f & X86_F_MODRM) || (f & (X86_F_LOCK | X86_F_MREG)))
				return X86_F_INV;
			return f & (X86_F_MODRM | X86_F_IMM_MASK);
		}
		return f;
	case X86_MAP_0F3A:
		return X86_F_MODRM | (X86_IMM_B << X86_F_IMM_SHIFT);
	default:
		return X86_F_MODRM; /* 0F 38, EVEX maps 5 and 6 */
	}
}

static uint8_t size_opsize(const struct x86_insn *i, uint16_t f)
{
	if (i->mode == X86_MODE_64) {
		if (f & X86_F_F64)
			return 64; /* Intel ignores 66 on near branches */
		if (i->rex_w)
			return 64;
		if (f & X86_F_D64)
			return i->p_opsize ? 16 : 64;
		return i->p_opsize ? 16 : 32;
	}
	if (i->mode == X86_MODE_32)
		return i->p_opsize ? 16 : 32;
	return i->p_opsize ? 32 : 16;
}

/* Group rules on ModRM.reg (SDM Vol. 2 Table A-6): validity, immediates,
 * operand size, whether LOCK is allowed. Returns the adjusted flags. */
static uint16_t group_flags(struct x86_insn *i, uint16_t f)
{
	unsigned int r = (i->modrm >> 3) & 7;
	bool mem = i->mod != 3;
	uint16_t nolk = f & ~X86_F_LOCK;

	if (i->map == X86_MAP_1B) {
		switch (i->opcode) {
		case 0x80: case 0x81: case 0x82: case 0x83:
			return r == 7 ? nolk : f; /* CMP is not lockable */
		case 0x8d: /* LEA needs memory */
			return mem ? f : X86_F_INV;
		case 0x8f: /* POP Ev; other /r are AMD XOP */
			return r == 0 ? f : X86_F_INV;
		case 0xc6: case 0xc7: /* MOV Ev,I; /7 with F8: XABORT ib, XBEGIN */
			if (r == 0)
				return f;
			if (i->modrm == 0xf8)
				return i->opcode == 0xc6 ? f : (f | X86_F_REL);
			return X86_F_INV;
		case 0xf6: case 0xf7: /* TEST takes an immediate */
			if (r < 2)
				nolk |= i->opcode == 0xf6 ? X86_IMM_B << X86_F_IMM_SHIFT
							   : X86_IMM_Z << X86_F_IMM_SHIFT;
			return r == 2 || r == 3 ? f : nolk; /* NOT, NEG lock */
		case 0xfe: /* INC, DEC */
			return r < 2 ? f : X86_F_INV;
		case 0xff:
			if (r < 2)
				return f;
			if (r == 2 || r == 4) /* near CALL, JMP */
				return nolk | X86_F_F64;
			if (r == 3 || r == 5) /* far CALL, JMP: memory only */
				return mem ? nolk : X86_F_INV;
			if (r == 6) /* PUSH */
				return nolk | X86_F_D64;
			return X86_F_INV;
		}
		return f;
	}
	switch (i->opcode) { /* 0F map */
	case 0x00: /* grp6: SLDT..VERW; /6 /7 reserved */
		return r < 6 ? f : X86_F_INV;
	case 0x78: case 0x79: /* VMREAD/VMWRITE; prefixed forms are AMD SSE4a */
		return i->p_opsize || i->rep ? X86_F_INV : (f | X86_F_D64);
	case 0xba: /* grp8: BT BTS BTR BTC; BT is not lockable */
		if (r < 4)
			return X86_F_INV;
		return r == 4 ? nolk : f;
	case 0xc7: /* grp9: only CMPXCHG8B/16B locks */
		return r == 1 && mem ? f : nolk;
	}
	return f;
}

/* ModRM, SIB and displacement (SDM Vol. 2 §2.1.5, §2.2.1.6). */
static int decode_modrm(struct x86_cursor *c, struct x86_insn *i, bool mreg)
{
	unsigned int dsize = 0;
	uint8_t m;
	int err;

	if ((err = cur_need(c, 1)))
		return err;
	m = c->bytes[c->pos++];
	i->has_modrm = true;
	i->modrm = m;
	i->mod = m >> 6;
	i->reg = ((m >> 3) & 7) | (i->rex_r ? 8 : 0);
	i->rm = (m & 7) | (i->rex_b ? 8 : 0);
	i->base = X86_REG_NONE;
	i->index = X86_REG_NONE;
	i->scale = 1;
	if (mreg)
		i->mod = 3; /* MOV to/from CRn/DRn (SDM Vol. 2 MOV—Move to/from
			     * Control Registers: mod is ignored) */
	if (i->mod == 3)
		return 0;

	if (i->addrsize == 16) {
		static const uint8_t base16[8] = {3, 3, 5, 5, 6, 7, 5, 3};
		static const uint8_t index16[8] = {6, 7, 6, 7, 0xff, 0xff, 0xff, 0xff};

		i->rm = m & 7;
		i->base = base16[i->rm];
		i->index = index16[i->rm];
		if (i->mod == 0 && i->rm == 6) {
			i->base = X86_REG_NONE;
			dsize = 2;
		} else {
			dsize = i->mod == 1 ? 1 : i->mod == 2 ? 2 : 0;
		}
	} else {
		unsigned int b = m & 7;

		if (b == 4) {
			uint8_t s;

			if ((err = cur_need(c, 1)))
				return err;
			s = c->bytes[c->pos++];
			i->has_sib = true;
			i->sib = s;
			i->scale = 1 << (s >> 6);
			i->index = ((s >> 3) & 7) | (i->rex_x ? 8 : 0);
			if (i->index == 4)
				i->index = X86_REG_NONE; /* no index; r12 is valid */
			b = s & 7;
			if (i->mod == 0 && b == 5) {
				dsize = 4; /* no base, disp32 (also with REX.B) */
			} else {
				i->base = b | (i->rex_b ? 8 : 0);
			}
		} else if (i->mod == 0 && b == 5) {
			dsize = 4;
			i->rip_rel = i->mode == X86_MODE_64;
		} else {
			i->base = i->rm;
		}
		if (i->mod == 1)
			dsize = 1;
		else if (i->mod == 2)
			dsize = 4;
	}
	if (dsize) {
		if ((err = cur_need(c, dsize)))
			return err;
		i->disp_size = dsize;
		i->disp = sext(cur_le(c, dsize), dsize);
	}
	return 0;
}

static int decode_imm(struct x86_cursor *c, struct x86_insn *i, unsigned int kind)
{
	unsigned int z = i->opsize == 16 ? 2 : 4;
	unsigned int s[2] = {0, 0};
	unsigned int k;
	int err;

	switch (kind) {
	case X86_IMM_B: s[0] = 1; break;
	case X86_IMM_W: s[0] = 2; break;
	case X86_IMM_Z: s[0] = z; break;
	case X86_IMM_V: s[0] = i->opsize / 8; break;
	case X86_IMM_ENTER: s[0] = 2; s[1] = 1; break;
	case X86_IMM_MOFFS: s[0] = i->addrsize / 8; break;
	case X86_IMM_FAR: s[0] = z; s[1] = 2; break;
	default: return 0;
	}
	for (k = 0; k < 2 && s[k]; k++) {
		if ((err = cur_need(c, s[k])))
			return err;
		i->imm_size[k] = s[k];
		i->imm[k] = cur_le(c, s[k]);
		i->nimm++;
	}
	return 0;
}

int x86_decode(const uint8_t *bytes, size_t avail, enum x86_mode mode, struct x86_insn *out)
{
	struct x86_cursor c = {.bytes = bytes, .avail = avail, .pos = 0};
	struct x86_insn *i = out;
	uint16_t f;
	uint8_t b;
	int err;

	*i = (struct x86_insn){0};
	i->mode = mode;
	i->seg = X86_SEG_NONE;
	i->base = X86_REG_NONE;
	i->index = X86_REG_NONE;
	if ((err = decode_prefixes(&c, i)))
		return err;
	if (mode == X86_MODE_64)
		i->addrsize = i->p_addrsize ? 32 : 64;
	else if (mode == X86_MODE_32)
		i->addrsize = i->p_addrsize ? 16 : 32;
	else
		i->addrsize = i->p_addrsize ? 32 : 16;

	b = bytes[c.pos];
	err = 1;
	if (b == 0xc4 || b == 0xc5 || b == 0x62)
		err = decode_vex(&c, i, b);
	if (err < 0)
		return err;
	if (err == 0) {
		if ((err = cur_need(&c, 1)))
			return err;
		i->opcode = bytes[c.pos++];
	} else {
		c.pos++;
		i->opcode = b;
		if (b == 0x0f) {
			if ((err = cur_need(&c, 1)))
				return err;
			i->map = X86_MAP_0F;
			i->opcode = bytes[c.pos++];
			if (i->opcode == 0x38 || i->opcode == 0x3a) {
				if ((err = cur_need(&c, 1)))
					return err;
				i->map = i->opcode == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
				i->opcode = bytes[c.pos++];
			}
		}
	}

	f = op_flags(i);
	if (f & X86_F_INV)
		return -X86_EINVAL;
	if ((f & X86_F_I64) && mode == X86_MODE_64)
		return -X86_EINVAL;
	if (f & X86_F_MODRM) {
		/* operand size may change in groups, addressing does not */
		if ((err = decode_modrm(&c, i, f & X86_F_MREG)))
			return err;
		if (f & X86_F_GRP)
			f = group_flags(i, f);
		if (f & X86_F_INV)
			return -X86_EINVAL;
	}
	if (i->p_lock && (!(f & X86_F_LOCK) || i->mod == 3 || !i->has_modrm || i->vex))
		return -X86_EINVAL; /* LOCK: #UD unless a lockable op on memory */
	i->flags = f;
	i->opsize = size_opsize(i, f);
	if ((err = decode_imm(&c, i, (f & X86_F_IMM_MASK) >> X86_F_IMM_SHIFT)))
		return err;
	i->imm_rel = f & X86_F_REL;
	i->length = c.pos;
	return 0;
}

uint64_t x86_insn_ea(const struct x86_insn *i, const uint64_t gpr[16], uint64_t rip_next)
{
	uint64_t mask = i->addrsize == 64 ? ~0ULL : (1ULL << i->addrsize) - 1;
	uint64_t ea;

	if (i->map == X86_MAP_1B && !i->vex && i->opcode >= 0xa0 && i->opcode <= 0xa3)
		return i->imm[0] & mask;
	if (!i->has_modrm || i->mod == 3)
		return 0;
	ea = (uint64_t)i->disp;
	if (i->rip_rel)
		ea += rip_next;
	if (i->base != X86_REG_NONE)
		ea += gpr[i->base];
	if (i->index != X86_REG_NONE)
		ea += gpr[i->index] * i->scale;
	return ea & mask;
}

enum x86_seg x86_insn_seg(const struct x86_insn *i)
{
	if (i->mode == X86_MODE_64)
		return i->seg == X86_SEG_FS || i->seg == X86_SEG_GS ? i->seg : X86_SEG_DS;
	if (i->seg != X86_SEG_NONE)
		return i->seg;
	if (i->has_modrm && i->mod != 3 && (i->base == 4 || i->base == 5))
		return X86_SEG_SS; /* SDM Vol. 1 §3.7.4.1 */
	return X86_SEG_DS;
}

/* ---- memory access classification, for MMIO (SDM Vol. 2 ch. 3-4 entries
 * for MOV, MOVZX, MOVSX/MOVSXD, the ALU ops, TEST, XCHG, MOVS, STOS, LODS,
 * INS, OUTS, MOVD/MOVQ, MOVNTI) ---- */

static uint64_t size_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ULL : (1ULL << (8 * bytes)) - 1;
}

/* Register operand from ModRM.reg of size bytes (byte regs 4-7 without REX
 * are AH..BH, SDM Vol. 2 §2.2.1.2). */
static void memop_reg(const struct x86_insn *i, struct x86_memop *m, unsigned int bytes)
{
	m->reg = i->reg;
	m->reg_size = bytes;
	m->reg_high8 = bytes == 1 && !i->rex && i->reg >= 4 && i->reg < 8;
}

static void memop_imm(const struct x86_insn *i, struct x86_memop *m)
{
	m->has_imm = true;
	m->reg = X86_REG_NONE;
	m->imm = (uint64_t)sext(i->imm[0], i->imm_size[0]) & size_mask(m->size);
}

static int memop_1b(const struct x86_insn *i, struct x86_memop *m, unsigned int vsize)
{
	uint8_t op = i->opcode;
	unsigned int r = (i->modrm >> 3) & 7;
	bool mem = i->has_modrm && i->mod != 3;

	/* MOVS A4/A5, STOS AA/AB, LODS AC/AD, INS 6C/6D, OUTS 6E/6F */
	static const int8_t str_of[16] = {
		[0x4] = X86_STR_MOVS + 1, [0x5] = X86_STR_MOVS + 1,
		[0xa] = X86_STR_STOS + 1, [0xb] = X86_STR_STOS + 1,
		[0xc] = X86_STR_LODS + 1, [0xd] = X86_STR_LODS + 1,
	};

	if ((op >= 0xa0 && op <= 0xaf && str_of[op & 15]) || (op >= 0x6c && op <= 0x6f)) {
		m->kind = X86_MEMOP_STRING;
		m->str = op < 0x70 ? (op < 0x6e ? X86_STR_INS : X86_STR_OUTS)
				   : (unsigned int)str_of[op & 15] - 1;
		m->size = (op & 1) ? (op < 0x70 && vsize == 8 ? 4 : vsize) : 1;
		m->load = m->str == X86_STR_MOVS || m->str == X86_STR_LODS ||
			  m->str == X86_STR_OUTS;
		m->store = m->str != X86_STR_LODS && m->str != X86_STR_OUTS;
		if (m->str == X86_STR_STOS || m->str == X86_STR_LODS) {
			m->reg = 0;
			m->reg_size = m->size;
		}
		return 0;
	}
	if (op >= 0xa0 && op <= 0xa3) { /* MOV AL/rAX <-> moffs */
		m->size = (op & 1) ? vsize : 1;
		m->load = op < 0xa2;
		m->store = !m->load;
		m->reg = 0;
		m->reg_size = m->size;
		return 0;
	}
	if (!mem)
		return -X86_ENOTSUP;
	m->size = (op & 1) ? vsize : 1;
	if (op < 0x40 && (op & 7) < 4) { /* ALU Eb,Gb Ev,Gv Gb,Eb Gv,Ev */
		m->kind = X86_MEMOP_ALU;
		m->alu = op >> 3;
		m->load = true;
		m->store = !(op & 2) && m->alu != X86_ALU_CMP;
		memop_reg(i, m, m->size);
		return 0;
	}
	switch (op) {
	case 0x80: case 0x81: case 0x82: case 0x83: /* grp1 Ev, imm */
		m->kind = X86_MEMOP_ALU;
		m->alu = r;
		m->size = op == 0x81 || op == 0x83 ? vsize : 1;
		m->load = true;
		m->store = r != X86_ALU_CMP;
		memop_imm(i, m);
		return 0;
	case 0x84: case 0x85: /* TEST Ev, Gv */
		m->kind = X86_MEMOP_ALU;
		m->alu = X86_ALU_TEST;
		m->load = true;
		memop_reg(i, m, m->size);
		return 0;
	case 0xf6: case 0xf7: /* TEST Ev, imm */
		if (r > 1)
			return -X86_ENOTSUP;
		m->kind = X86_MEMOP_ALU;
		m->alu = X86_ALU_TEST;
		m->load = true;
		memop_imm(i, m);
		return 0;
	case 0x86: case 0x87:
		m->kind = X86_MEMOP_XCHG;
		m->load = m->store = true;
		memop_reg(i, m, m->size);
		return 0;
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		m->load = op & 2;
		m->store = !m->load;
		memop_reg(i, m, m->size);
		return 0;
	case 0xc6: case 0xc7:
		if (r != 0)
			return -X86_ENOTSUP;
		m->store = true;
		memop_imm(i, m);
		return 0;
	case 0x63: /* MOVSXD Gv, Ed (64-bit mode) */
		if (i->mode != X86_MODE_64)
			return -X86_ENOTSUP;
		m->kind = i->rex_w ? X86_MEMOP_MOVSX : X86_MEMOP_MOV;
		m->size = 4;
		m->load = true;
		memop_reg(i, m, vsize);
		return 0;
	}
	return -X86_ENOTSUP;
}

static int memop_0f(const struct x86_insn *i, struct x86_memop *m, unsigned int vsize)
{
	uint8_t op = i->opcode;
	bool p66 = i->p_opsize;
	unsigned int pfx = i->rep ? i->rep : p66 ? 0x66 : 0; /* mandatory prefix */

	if (i->mod == 3)
		return -X86_ENOTSUP;
	switch (op) {
	case 0xb6: case 0xb7: case 0xbe: case 0xbf: /* MOVZX, MOVSX */
		m->kind = op < 0xb8 ? X86_MEMOP_MOVZX : X86_MEMOP_MOVSX;
		m->size = (op & 1) ? 2 : 1;
		m->load = true;
		memop_reg(i, m, vsize);
		return 0;
	case 0xc3: /* MOVNTI My, Gy */
		if (pfx)
			return -X86_ENOTSUP;
		m->size = i->rex_w ? 8 : 4;
		m->store = true;
		memop_reg(i, m, m->size);
		return 0;
	case 0x6e: case 0x7e: /* MOVD/MOVQ mm/xmm <-> Ey; F3 0F 7E MOVQ xmm, m64 */
		if (op == 0x7e && pfx == 0xf3) {
			m->size = 8;
			m->load = true;
		} else if (pfx == 0 || pfx == 0x66) {
			m->size = i->rex_w ? 8 : 4;
			m->load = op == 0x6e;
			m->store = !m->load;
		} else {
			return -X86_ENOTSUP;
		}
		break;
	case 0x6f: case 0x7f: /* MOVQ mm <-> m64 */
		if (pfx)
			return -X86_ENOTSUP;
		m->size = 8;
		m->load = op == 0x6f;
		m->store = !m->load;
		break;
	case 0xd6: /* 66 0F D6: MOVQ m64, xmm */
		if (pfx != 0x66)
			return -X86_ENOTSUP;
		m->size = 8;
		m->store = true;
		break;
	default:
		return -X86_ENOTSUP;
	}
	m->reg = i->reg;
	m->reg_size = m->size;
	m->regfile = pfx ? X86_RF_XMM : X86_RF_MMX;
	if (m->regfile == X86_RF_MMX)
		m->reg &= 7; /* REX.R is ignored for MMX registers */
	return 0;
}

int x86_insn_memop(const struct x86_insn *i, struct x86_memop *m)
{
	unsigned int vsize = i->opsize / 8;

	*m = (struct x86_memop){.kind = X86_MEMOP_MOV, .reg = X86_REG_NONE,
				.regfile = X86_RF_GPR};
	if (i->vex)
		return -X86_ENOTSUP;
	if (i->map == X86_MAP_1B)
		return memop_1b(i, m, vsize);
	if (i->map == X86_MAP_0F && i->has_modrm)
		return memop_0f(i, m, vsize);
	return -X86_ENOTSUP;
}
