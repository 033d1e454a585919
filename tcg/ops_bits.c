/*
 * tcg/ops_bits.c - shifts and rotates (group 2), SHLD/SHRD, BT BTS BTR BTC,
 * BSF BSR POPCNT BSWAP, and the exchange-and-operate instructions XADD,
 * CMPXCHG, CMPXCHG8B/16B. SDM Vol. 2 under each mnemonic. The arithmetic
 * cores are in alu_ext.c; memory and LOCK go through tcg_mem_rmw().
 */
#include "tcg/ops.h"

/* ---- shifts and rotates ---- */

struct shift_arg {
	unsigned op, count, size;
};

static uint64_t shift_fn(struct tcg_cpu *c, uint64_t old, const void *arg)
{
	const struct shift_arg *a = arg;

	return tcg_shift(c, a->op, old, a->count, a->size);
}

/* C0 C1 (imm8), D0 D1 (1), D2 D3 (CL): ROL ROR RCL RCR SHL SHR SAL SAR */
static void op_shift(struct tcg_cpu *c, const struct x86_insn *i)
{
	struct shift_arg a = {tcg_ext(i), 1, tcg_wsize(i)};

	if (i->opcode <= 0xc1)
		a.count = (unsigned)(i->imm[0] & 0xff);
	else if (i->opcode >= 0xd2)
		a.count = (unsigned)(c->gpr[1] & 0xff);
	if (!(a.count & (a.size == 8 ? 63 : 31))) {
		/* a count of 0 changes no flags, but a register operand is
		 * still written (a 32-bit one zero-extended); memory is read */
		uint64_t v = tcg_rm_read(c, i, a.size);

		if (i->mod == 3)
			tcg_rm_write(c, i, a.size, v);
		return;
	}
	tcg_rm_rmw(c, i, a.size, shift_fn, &a);
}

struct shxd_arg {
	uint64_t src;
	unsigned count, size;
	bool right;
};

static uint64_t shxd_fn(struct tcg_cpu *c, uint64_t old, const void *arg)
{
	const struct shxd_arg *a = arg;

	return tcg_shxd(c, old, a->src, a->count, a->size, a->right);
}

/* 0F A4 A5 SHLD, 0F AC AD SHRD: Ev, Gv, imm8 / CL */
static void op_shxd(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);
	struct shxd_arg a = {tcg_r_read(c, i, size), 0, size, i->opcode >= 0xac};

	a.count = (i->opcode & 1) ? (unsigned)(c->gpr[1] & 0xff) : (unsigned)(i->imm[0] & 0xff);
	if (!(a.count & (size == 8 ? 63 : 31))) {
		uint64_t v = tcg_rm_read(c, i, size);

		if (i->mod == 3)
			tcg_rm_write(c, i, size, v); /* as for op_shift */
		return;
	}
	tcg_rm_rmw(c, i, size, shxd_fn, &a);
}

/* ---- bit test ---- */

struct bt_arg {
	unsigned bit, kind; /* kind: 0 BT, 1 BTS, 2 BTR, 3 BTC */
};

/* CF = the selected bit; OF SF AF PF are undefined (left alone), ZF is
 * unaffected. */
static uint64_t bt_fn(struct tcg_cpu *c, uint64_t old, const void *arg)
{
	const struct bt_arg *a = arg;
	uint64_t m = 1ull << a->bit;

	tcg_flags_set_arith(c, TCG_CF, (old & m) ? TCG_CF : 0);
	switch (a->kind) {
	case 1: return old | m;
	case 2: return old & ~m;
	case 3: return old ^ m;
	default: return old;
	}
}

/* 0F A3 BT, AB BTS, B3 BTR, BB BTC (Ev, Gv); 0F BA /4-/7 (Ev, imm8) */
static void op_bt(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i), bits = size * 8;
	unsigned shift = size == 2 ? 4 : size == 4 ? 5 : 6;
	struct bt_arg a;
	uint64_t off, ea;
	unsigned seg;

	if (i->opcode == 0xba) {
		a.kind = tcg_ext(i) - 4;
		off = i->imm[0] & 0xff;
	} else {
		a.kind = (i->opcode >> 3) & 3; /* A3 0, AB 1, B3 2, BB 3 */
		off = tcg_r_read(c, i, size);
	}
	a.bit = (unsigned)(off & (bits - 1));
	if (i->mod == 3) {
		if (a.kind == 0) /* BT does not write (nor zero-extend) */
			bt_fn(c, tcg_reg(c, i->rm, size, i->rex != 0), &a);
		else
			tcg_rm_rmw(c, i, size, bt_fn, &a);
		return;
	}
	/* A register bit offset with a memory operand is signed and may
	 * address outside the operand: the access is at EA + size * (offset
	 * SAR log2(bits)) (SDM Vol. 2 "BT", Vol. 1 §3.4.1.3 bit base). */
	ea = tcg_ea(c, i);
	if (i->opcode != 0xba)
		ea += (uint64_t)(tcg_sext(off, size) >> shift) * size;
	ea &= tcg_amask(i);
	seg = tcg_ea_seg(i);
	if (a.kind == 0)
		bt_fn(c, tcg_ld(c, seg, ea, size), &a);
	else
		tcg_mem_rmw(c, seg, ea, size, i->p_lock, bt_fn, &a);
}

/* ---- bit scans, POPCNT, BSWAP ---- */

/* 0F BC BSF, 0F BD BSR; F3 0F BC/BD too, as TZCNT/LZCNT are not
 * advertised (without BMI1/LZCNT the F3 prefix is ignored) */
static void op_bsf(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);
	uint64_t src = tcg_rm_read(c, i, size);
	uint64_t r = tcg_bsf(c, tcg_r_read(c, i, size), src, size, i->opcode == 0xbd);

	if (src & tcg_mask(size))
		tcg_r_write(c, i, size, r); /* source 0: destination unchanged */
}

/* F3 0F B8 POPCNT */
static void op_popcnt(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_osize(i);

	tcg_r_write(c, i, size, tcg_popcnt(c, tcg_rm_read(c, i, size), size));
}

/* 0F C8+r BSWAP; with a 16-bit operand the result is undefined: processors
 * clear the low word */
static void op_bswap(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned r = (i->opcode & 7) | (i->rex_b ? 8 : 0), size = tcg_osize(i);
	uint64_t v = c->gpr[r];

	if (size == 8)
		v = __builtin_bswap64(v);
	else if (size == 4)
		v = __builtin_bswap32((uint32_t)v);
	else
		v = 0;
	tcg_reg_set(c, r, size, false, v);
}

/* ---- exchange and operate ---- */

struct add_arg {
	uint64_t src;
	unsigned size;
};

static uint64_t add_fn(struct tcg_cpu *c, uint64_t old, const void *arg)
{
	const struct add_arg *a = arg;

	return tcg_alu(c, X86_ALU_ADD, old, a->src, a->size);
}

/* 0F C0 C1 XADD Eb,Gb / Ev,Gv: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP */
static void op_xadd(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_wsize(i);
	struct add_arg a = {tcg_r_read(c, i, size), size};
	uint64_t d, r;

	if (i->mod == 3) {
		d = tcg_reg(c, i->rm, size, i->rex != 0);
		r = tcg_alu(c, X86_ALU_ADD, d, a.src, size);
		tcg_r_write(c, i, size, d);
		tcg_reg_set(c, i->rm, size, i->rex != 0, r); /* DEST last: xadd r, r */
		return;
	}
	tcg_r_write(c, i, size, tcg_rm_rmw(c, i, size, add_fn, &a));
}

struct cmpxchg_arg {
	uint64_t acc, src;
	unsigned size;
};

/* Flags as CMP rAX, DEST; DEST = SRC when equal, else written back
 * unchanged (SDM Vol. 2 "CMPXCHG": the destination always gets a write). */
static uint64_t cmpxchg_fn(struct tcg_cpu *c, uint64_t old, const void *arg)
{
	const struct cmpxchg_arg *a = arg;

	tcg_alu(c, X86_ALU_CMP, a->acc, old, a->size);
	return (old & tcg_mask(a->size)) == a->acc ? a->src : old;
}

/* 0F B0 B1 CMPXCHG Eb,Gb / Ev,Gv */
static void op_cmpxchg(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = tcg_wsize(i);
	struct cmpxchg_arg a = {tcg_reg(c, 0, size, false), tcg_r_read(c, i, size), size};
	uint64_t d;

	if (i->mod == 3) {
		/* a register destination is written only on success, the
		 * accumulator only on failure (so only that one is
		 * zero-extended by a 32-bit operation) */
		d = tcg_reg(c, i->rm, size, i->rex != 0);
		tcg_alu(c, X86_ALU_CMP, a.acc, d, size);
		if (d == a.acc)
			tcg_reg_set(c, i->rm, size, i->rex != 0, a.src);
		else
			tcg_reg_set(c, 0, size, false, d);
		return;
	}
	d = tcg_rm_rmw(c, i, size, cmpxchg_fn, &a) & tcg_mask(size);
	if (d != a.acc)
		tcg_reg_set(c, 0, size, false, d);
}

/* lock cmpxchg16b on a 16-byte aligned host pointer; true when it matched
 * (*lo, *hi get the memory's value otherwise). */
static bool host_cmpxchg16b(void *p, uint64_t *lo, uint64_t *hi, uint64_t nlo, uint64_t nhi)
{
	bool ok;

	__asm__ volatile("lock cmpxchg16b %1; sete %0"
			 : "=q"(ok), "+m"(*(volatile uint64_t(*)[2])p), "+a"(*lo), "+d"(*hi)
			 : "b"(nlo), "c"(nhi)
			 : "cc", "memory");
	return ok;
}

/* 0F C7 /1: CMPXCHG8B m64 (EDX:EAX vs m64, ECX:EBX stored) and with REX.W
 * CMPXCHG16B m128 (RDX:RAX, RCX:RBX; #GP(0) unless 16-byte aligned). Only
 * ZF changes. Memory is written back unchanged on a mismatch. */
static void op_cmpxchg8b(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned seg = tcg_ea_seg(i);
	uint64_t off = tcg_ea(c, i), lo, hi, v[2];
	bool eq;
	void *p;

	if (!i->rex_w) {
		uint64_t cmp = (c->gpr[0] & 0xffffffffu) | (c->gpr[2] << 32);
		uint64_t nv = (c->gpr[3] & 0xffffffffu) | (c->gpr[1] << 32), d = cmp;

		p = i->p_lock ? tcg_rmw_ptr(c, seg, off, 8) : NULL;
		if (p) {
			eq = tcg_atomic_cas(p, 8, &d, nv);
		} else {
			d = tcg_ld(c, seg, off, 8);
			eq = d == cmp;
			tcg_st(c, seg, off, 8, eq ? nv : d);
		}
		tcg_flags_set_arith(c, TCG_ZF, eq ? TCG_ZF : 0);
		if (!eq) {
			tcg_reg_set(c, 0, 4, false, d);
			tcg_reg_set(c, 2, 4, false, d >> 32);
		}
		return;
	}
	if (tcg_seg_lin(c, seg, off, 16, TCG_WRITE) & 15)
		tcg_raise_gp0(c);
	lo = c->gpr[0];
	hi = c->gpr[2];
	p = i->p_lock ? tcg_rmw_ptr(c, seg, off, 16) : NULL;
	if (p) {
		eq = host_cmpxchg16b(p, &lo, &hi, c->gpr[3], c->gpr[1]);
	} else {
		uint64_t lin = tcg_seg_lin(c, seg, off, 16, TCG_WRITE);

		tcg_ld_lin_buf(c, lin, v, 16);
		eq = v[0] == lo && v[1] == hi;
		lo = v[0];
		hi = v[1];
		if (eq) {
			v[0] = c->gpr[3];
			v[1] = c->gpr[1];
		}
		tcg_st_lin_buf(c, lin, v, 16);
	}
	tcg_flags_set_arith(c, TCG_ZF, eq ? TCG_ZF : 0);
	if (!eq) {
		c->gpr[0] = lo;
		c->gpr[2] = hi;
	}
}

/* ---- lookup ---- */

tcg_op_fn tcg_ops_bits(const struct x86_insn *i)
{
	uint8_t o = i->opcode;

	if (i->vex)
		return NULL;
	if (i->map == X86_MAP_1B) {
		switch (o) {
		case 0xc0: case 0xc1: case 0xd0: case 0xd1: case 0xd2: case 0xd3:
			return op_shift;
		}
		return NULL;
	}
	if (i->map != X86_MAP_0F)
		return NULL;
	switch (o) {
	case 0xa3: case 0xab: case 0xb3: case 0xbb:
		return op_bt;
	case 0xba:
		return tcg_ext(i) >= 4 ? op_bt : NULL;
	case 0xa4: case 0xa5: case 0xac: case 0xad:
		return op_shxd;
	case 0xbc: case 0xbd:
		return op_bsf;
	case 0xb8:
		return i->rep == 0xf3 ? op_popcnt : NULL;
	case 0xc8: case 0xc9: case 0xca: case 0xcb: case 0xcc: case 0xcd: case 0xce: case 0xcf:
		return op_bswap;
	case 0xc0: case 0xc1:
		return op_xadd;
	case 0xb0: case 0xb1:
		return op_cmpxchg;
	case 0xc7:
		if (tcg_ext(i) != 1)
			return NULL; /* RDRAND, VMPTRLD...: the system group */
		return tcg_is_mem(i) ? op_cmpxchg8b : tcg_op_ud;
	}
	return NULL;
}
