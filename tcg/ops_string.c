/*
 * tcg/ops_string.c - string instructions MOVS CMPS STOS LODS SCAS INS OUTS
 * with REP/REPE/REPNE (SDM Vol. 2 "REP/REPE/REPZ/REPNE/REPNZ", Vol. 1
 * §7.3.9). rSI/rDI/rCX have the address size; the source segment is DS or
 * the override, the destination always ES (no override).
 *
 * Each iteration commits rSI, rDI and rCX, so a fault mid-way leaves a
 * state from which re-executing the instruction (c->rip) resumes. After
 * TCG_REP_CHUNK iterations a REP stops with rCX != 0 and next_rip = rip,
 * so interrupts are taken between chunks (SDM Vol. 2 "REP": a repeated
 * string instruction is interruptible between iterations).
 */
#include <string.h>

#include "tcg/ops.h"

#define TCG_REP_CHUNK 4096

enum str_kind { S_MOVS, S_CMPS, S_STOS, S_LODS, S_SCAS, S_INS, S_OUTS };

static enum str_kind str_kind(uint8_t o)
{
	switch (o) {
	case 0xa4: case 0xa5: return S_MOVS;
	case 0xa6: case 0xa7: return S_CMPS;
	case 0xaa: case 0xab: return S_STOS;
	case 0xac: case 0xad: return S_LODS;
	case 0xae: case 0xaf: return S_SCAS;
	case 0x6c: case 0x6d: return S_INS;
	default: return S_OUTS;
	}
}

/* REP STOS forward on plain RAM: whole runs within a page through the
 * host pointer. Returns the elements stored (0: take the slow path). */
static uint64_t stos_fast(struct tcg_cpu *c, const struct x86_insn *i, unsigned size,
			  uint64_t di, uint64_t n)
{
	uint64_t amask = tcg_amask(i), lin, k, v = c->gpr[0];
	uint8_t *p;

	lin = tcg_seg_lin(c, X86_SEG_ES, di, size, TCG_WRITE);
	k = (4096 - (lin & 0xfff)) / size;
	if (k > n)
		k = n;
	if (k > (amask - di + 1) / size) /* no wrap of rDI inside the run */
		k = (amask - di + 1) / size;
	if (k < 2)
		return 0;
	p = tcg_rmw_ptr(c, X86_SEG_ES, di, (unsigned)(k * size));
	if (!p)
		return 0;
	if (size == 1) {
		memset(p, (int)(v & 0xff), k);
	} else {
		for (uint64_t j = 0; j < k; j++)
			memcpy(p + j * size, &v, size); /* little-endian host */
	}
	return k;
}

/* REP MOVS forward on plain RAM: the run up to the nearer page end of
 * source and destination in one host copy. Overlap where the destination
 * starts inside the source run would replicate data element by element
 * (SDM Vol. 2 "MOVS": each element is read, then written), which one copy
 * does not do: that takes the slow path. Returns the elements moved. */
static uint64_t movs_fast(struct tcg_cpu *c, const struct x86_insn *i, unsigned size,
			  uint64_t si, uint64_t di, uint64_t n)
{
	uint64_t amask = tcg_amask(i), ls, ld, k, ks;
	unsigned seg = tcg_ea_seg(i);
	const uint8_t *ps;
	uint8_t *pd;

	if (seg >= X86_SEG_FS && c->code_bits != 64)
		return 0; /* a limit the element-wise path would reach part way */
	ls = tcg_seg_lin(c, seg, si, size, TCG_READ);
	ld = tcg_seg_lin(c, X86_SEG_ES, di, size, TCG_WRITE);
	k = (4096 - (ld & 0xfff)) / size;
	ks = (4096 - (ls & 0xfff)) / size;
	if (ks < k)
		k = ks;
	if (k > n)
		k = n;
	if (k > (amask - di + 1) / size)
		k = (amask - di + 1) / size;
	if (k > (amask - si + 1) / size)
		k = (amask - si + 1) / size;
	if (k < 2)
		return 0;
	/* the source first: a fault there comes first element-wise too */
	ps = tcg_read_ptr(c, seg, si, (unsigned)(k * size));
	if (!ps)
		return 0;
	pd = tcg_rmw_ptr(c, X86_SEG_ES, di, (unsigned)(k * size));
	if (!pd || (pd > ps && pd < ps + k * size))
		return 0;
	memmove(pd, ps, k * size);
	return k;
}

static void op_string(struct tcg_cpu *c, const struct x86_insn *i)
{
	enum str_kind kind = str_kind(i->opcode);
	bool io = kind == S_INS || kind == S_OUTS, rep = i->rep != 0;
	unsigned size = (i->opcode & 1) ? tcg_osize(i) : 1, asize = i->addrsize / 8;
	unsigned seg = tcg_ea_seg(i), n;
	uint64_t amask = tcg_amask(i), step, si, di, a, b, done;
	uint16_t port = (uint16_t)c->gpr[2];

	if (io && size == 8)
		size = 4; /* INS/OUTS have no 64-bit form */
	step = (c->rflags & TCG_DF) ? 0 - (uint64_t)size : size;
	if (rep && !(c->gpr[1] & amask))
		return;
	for (n = 0;; n++) {
		si = c->gpr[6] & amask;
		di = c->gpr[7] & amask;
		done = 1;
		switch (kind) {
		case S_MOVS:
			if (rep && step == size && c->flat)
				done = movs_fast(c, i, size, si, di, c->gpr[1] & amask);
			if (done > 1) {
				tcg_reg_set(c, 6, asize, false, si + done * size);
				tcg_reg_set(c, 7, asize, false, di + done * size);
				break;
			}
			done = 1;
			a = tcg_ld(c, seg, si, size);
			tcg_st(c, X86_SEG_ES, di, size, a);
			tcg_reg_set(c, 6, asize, false, si + step);
			tcg_reg_set(c, 7, asize, false, di + step);
			break;
		case S_CMPS: /* [rSI] - ES:[rDI] */
			a = tcg_ld(c, seg, si, size);
			b = tcg_ld(c, X86_SEG_ES, di, size);
			tcg_alu(c, X86_ALU_CMP, a, b, size);
			tcg_reg_set(c, 6, asize, false, si + step);
			tcg_reg_set(c, 7, asize, false, di + step);
			break;
		case S_STOS:
			/* flat segments only: a run must not hit a limit the
			 * element-wise path would fault on part way */
			if (rep && step == size && c->flat)
				done = stos_fast(c, i, size, di, c->gpr[1] & amask);
			if (done > 1) {
				tcg_reg_set(c, 7, asize, false, di + done * size);
				break;
			}
			done = 1;
			tcg_st(c, X86_SEG_ES, di, size, c->gpr[0]);
			tcg_reg_set(c, 7, asize, false, di + step);
			break;
		case S_LODS:
			a = tcg_ld(c, seg, si, size);
			tcg_reg_set(c, 0, size, false, a);
			tcg_reg_set(c, 6, asize, false, si + step);
			break;
		case S_SCAS: /* rAX - ES:[rDI] */
			b = tcg_ld(c, X86_SEG_ES, di, size);
			tcg_alu(c, X86_ALU_CMP, c->gpr[0], b, size);
			tcg_reg_set(c, 7, asize, false, di + step);
			break;
		case S_INS: {
			/* the destination is checked writable before the port is
			 * read, so a #PF does not lose the port's data */
			void *p = tcg_rmw_ptr(c, X86_SEG_ES, di, size);

			a = tcg_io_in(c, port, size);
			if (p)
				memcpy(p, &a, size);
			else
				tcg_st(c, X86_SEG_ES, di, size, a);
			tcg_reg_set(c, 7, asize, false, di + step);
			break;
		}
		default: /* S_OUTS */
			a = tcg_ld(c, seg, si, size);
			tcg_io_out(c, port, size, (uint32_t)a);
			tcg_reg_set(c, 6, asize, false, si + step);
			break;
		}
		if (!rep)
			return;
		tcg_reg_set(c, 1, asize, false, ((c->gpr[1] & amask) - done) & amask);
		if (!(c->gpr[1] & amask))
			return;
		/* REPE/REPZ stops when ZF = 0, REPNE/REPNZ when ZF = 1 (CMPS
		 * and SCAS only; other strings treat F2 as REP) */
		if (kind == S_CMPS || kind == S_SCAS) {
			if (tcg_cond(c, 4) != (i->rep == 0xf3))
				return;
		}
		if (n + 1 >= TCG_REP_CHUNK || c->shutdown) {
			c->next_rip = c->rip; /* the rest runs on re-execution */
			return;
		}
	}
}

tcg_op_fn tcg_ops_string(const struct x86_insn *i)
{
	uint8_t o = i->opcode;

	if (i->vex || i->map != X86_MAP_1B)
		return NULL;
	if ((o >= 0xa4 && o <= 0xa7) || (o >= 0xaa && o <= 0xaf) || (o >= 0x6c && o <= 0x6f))
		return i->p_lock ? tcg_op_ud : op_string;
	return NULL;
}
