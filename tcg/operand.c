/*
 * tcg/operand.c - operands as instruction handlers see them: segment
 * checks and linear addresses (SDM Vol. 3A §5.3-5.4, §3.4.5; 64-bit mode
 * §3.4.2.1 and canonical addresses Vol. 1 §3.3.7.1), ModRM operands, the
 * stack, and the derived mode bits.
 */
#include "tcg/cpu.h"
#include "tcg/tcg_int.h"

_Noreturn static void seg_fault(struct tcg_cpu *c, unsigned seg)
{
	tcg_raise(c, seg == X86_SEG_SS ? TCG_SS : TCG_GP, 0);
}

uint64_t tcg_seg_lin(struct tcg_cpu *c, unsigned seg, uint64_t off, unsigned size, enum tcg_access a)
{
	if (c->code_bits == 64) {
		uint64_t lin = off + (seg >= X86_SEG_FS ? c->seg[seg].base : 0);
		if (!tcg_canonical(lin) || !tcg_canonical(lin + size - 1))
			seg_fault(c, seg);
		return lin;
	}
	const struct tcg_seg *s = &c->seg[seg];
	off &= 0xffffffffu;
	if (c->flat && seg != X86_SEG_FS && seg != X86_SEG_GS && seg != X86_SEG_CS) {
		if (off + size - 1 > 0xffffffffu)
			seg_fault(c, seg);
		return off;
	}
	if (s->attr & TCG_SEG_UNUSABLE)
		seg_fault(c, seg);
	if (c->cr0 & TCG_CR0_PE) {
		unsigned type = s->attr & TCG_SEG_TYPE;
		bool code = type & 8;
		if (a == TCG_WRITE && (code || !(type & 2)))
			seg_fault(c, seg);
		if (a == TCG_READ && code && !(type & 2))
			seg_fault(c, seg);
		if (!code && (type & 4)) { /* expand-down */
			uint64_t top = s->attr & TCG_SEG_DB ? 0xffffffffu : 0xffffu;
			if (off <= s->limit || off + size - 1 > top)
				seg_fault(c, seg);
			return (s->base + off) & 0xffffffffu;
		}
	}
	if (off + size - 1 > s->limit)
		seg_fault(c, seg);
	return (s->base + off) & 0xffffffffu;
}

uint64_t tcg_ld(struct tcg_cpu *c, unsigned seg, uint64_t off, unsigned size)
{
	return tcg_ld_lin(c, tcg_seg_lin(c, seg, off, size, TCG_READ), size);
}

void tcg_st(struct tcg_cpu *c, unsigned seg, uint64_t off, unsigned size, uint64_t val)
{
	tcg_st_lin(c, tcg_seg_lin(c, seg, off, size, TCG_WRITE), size, val);
}

void *tcg_rmw_ptr(struct tcg_cpu *c, unsigned seg, uint64_t off, unsigned size)
{
	return tcg_rmw_ptr_lin(c, tcg_seg_lin(c, seg, off, size, TCG_WRITE), size);
}

const void *tcg_read_ptr(struct tcg_cpu *c, unsigned seg, uint64_t off, unsigned size)
{
	return tcg_read_ptr_lin(c, tcg_seg_lin(c, seg, off, size, TCG_READ), size);
}

uint64_t tcg_ea(struct tcg_cpu *c, const struct x86_insn *i)
{
	return x86_insn_ea(i, c->gpr, c->rip + i->length);
}

/* As x86_insn_seg(), but rBP/rSP-based operands stay SS-relative in 64-bit
 * mode too: the base is 0 there, but a non-canonical address raises #SS,
 * not #GP (SDM Vol. 3A §6.15, "Interrupt 12"). */
unsigned tcg_ea_seg(const struct x86_insn *i)
{
	unsigned seg = (unsigned)x86_insn_seg(i);
	if (i->mode == X86_MODE_64 && seg == X86_SEG_DS && i->seg == X86_SEG_NONE && i->has_modrm &&
	    i->mod != 3 && (i->base == 4 || i->base == 5))
		return X86_SEG_SS;
	return seg;
}

uint64_t tcg_rm_read(struct tcg_cpu *c, const struct x86_insn *i, unsigned size)
{
	if (i->mod == 3)
		return tcg_reg(c, i->rm, size, i->rex != 0);
	return tcg_ld(c, tcg_ea_seg(i), tcg_ea(c, i), size);
}

void tcg_rm_write(struct tcg_cpu *c, const struct x86_insn *i, unsigned size, uint64_t v)
{
	if (i->mod == 3)
		tcg_reg_set(c, i->rm, size, i->rex != 0, v);
	else
		tcg_st(c, tcg_ea_seg(i), tcg_ea(c, i), size, v);
}

/* ---- stack ---- */

uint64_t tcg_sp(const struct tcg_cpu *c)
{
	return c->gpr[4] & tcg_bits_mask(c->stack_bits);
}

void tcg_sp_set(struct tcg_cpu *c, uint64_t v)
{
	if (c->stack_bits == 64)
		c->gpr[4] = v;
	else if (c->stack_bits == 32)
		c->gpr[4] = v & 0xffffffffu;
	else
		c->gpr[4] = (c->gpr[4] & ~0xffffull) | (v & 0xffff);
}

void tcg_push(struct tcg_cpu *c, uint64_t v, unsigned size)
{
	uint64_t sp = (tcg_sp(c) - size) & tcg_bits_mask(c->stack_bits);
	tcg_st(c, X86_SEG_SS, sp, size, v);
	tcg_sp_set(c, sp);
}

uint64_t tcg_stack_peek(struct tcg_cpu *c, uint64_t off, unsigned size)
{
	uint64_t a = (tcg_sp(c) + off) & tcg_bits_mask(c->stack_bits);
	return tcg_ld(c, X86_SEG_SS, a, size);
}

uint64_t tcg_pop(struct tcg_cpu *c, unsigned size)
{
	uint64_t v = tcg_stack_peek(c, 0, size);
	tcg_sp_set(c, tcg_sp(c) + size);
	return v;
}

/* ---- mode ---- */

static bool flat_seg(const struct tcg_seg *s)
{
	return !(s->attr & TCG_SEG_UNUSABLE) && s->base == 0 && s->limit == 0xffffffffu &&
	       (s->attr & TCG_SEG_TYPE & 0xe) == 2; /* writable expand-up data */
}

void tcg_cpu_update_mode(struct tcg_cpu *c)
{
	const struct tcg_seg *cs = &c->seg[X86_SEG_CS];
	c->long_mode = (c->efer & TCG_EFER_LMA) != 0;
	if (!(c->cr0 & TCG_CR0_PE)) {
		c->cpl = 0;
		/* the hidden CS.D still counts, as on hardware */
		c->code_bits = cs->attr & TCG_SEG_DB ? 32 : 16;
	} else {
		c->cpl = (uint8_t)((c->seg[X86_SEG_SS].attr >> TCG_SEG_DPL_SHIFT) & 3);
		if (c->long_mode && (cs->attr & TCG_SEG_L))
			c->code_bits = 64;
		else
			c->code_bits = cs->attr & TCG_SEG_DB ? 32 : 16;
	}
	if (c->code_bits == 64)
		c->stack_bits = 64;
	else
		c->stack_bits = c->seg[X86_SEG_SS].attr & TCG_SEG_DB ? 32 : 16;
	c->flat = c->code_bits == 64 ||
		  ((c->cr0 & TCG_CR0_PE) && flat_seg(&c->seg[X86_SEG_DS]) &&
		   flat_seg(&c->seg[X86_SEG_ES]) && flat_seg(&c->seg[X86_SEG_SS]));
	c->end_block = true;
}
