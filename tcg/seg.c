/*
 * tcg/seg.c - segment registers and far control transfers: descriptor
 * fetch and checks (SDM Vol. 3A §3.4-3.5, §5.5-5.8), MOV/POP to segment
 * registers, far JMP/CALL/RET and IRET in real, protected and long mode
 * (SDM Vol. 2 "JMP", "CALL", "RET", "IRET" pseudo-code).
 *
 * Not implemented, stopping the VM with a reason (no Linux or test kernel
 * uses them): call gates, task gates and task switches, virtual-8086 mode.
 */
#include "tcg/cpu.h"
#include "tcg/flags.h"
#include "tcg/tcg_int.h"

#define D_TYPE(d) ((unsigned)((d) >> 40) & 0xf)
#define D_S(d) (((d) >> 44) & 1)
#define D_DPL(d) ((unsigned)((d) >> 45) & 3)
#define D_P(d) (((d) >> 47) & 1)
#define D_L(d) (((d) >> 53) & 1)
#define D_DB(d) (((d) >> 54) & 1)

void tcg_desc_to_seg(uint64_t d, uint16_t sel, struct tcg_seg *s)
{
	uint32_t limit = (uint32_t)(d & 0xffff) | (uint32_t)((d >> 32) & 0xf0000);
	s->base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000u);
	s->limit = (d >> 55) & 1 ? (limit << 12) | 0xfff : limit;
	s->sel = sel;
	s->attr = (uint32_t)((d >> 40) & 0xff) | (uint32_t)((d >> 52) & 0xf) << 12;
}

bool tcg_desc_fetch(struct tcg_cpu *c, uint16_t sel, uint64_t *desc)
{
	uint64_t base;
	uint32_t limit;
	if (sel & 4) {
		if (c->ldt.attr & TCG_SEG_UNUSABLE)
			return false;
		base = c->ldt.base;
		limit = c->ldt.limit;
	} else {
		base = c->gdt_base;
		limit = c->gdt_limit;
	}
	if ((uint32_t)(sel & ~7u) + 7 > limit)
		return false;
	*desc = tcg_ld_sys(c, base + (sel & ~7u), 8);
	return true;
}

uint64_t tcg_desc_read(struct tcg_cpu *c, uint16_t sel, uint32_t errbase)
{
	uint64_t d;
	if (!tcg_desc_fetch(c, sel, &d))
		tcg_raise(c, TCG_GP, (sel & 0xfffc) | errbase);
	return d;
}

void tcg_desc_set_accessed(struct tcg_cpu *c, uint16_t sel, uint64_t d)
{
	if (d & (1ull << 40))
		return;
	uint64_t base = sel & 4 ? c->ldt.base : c->gdt_base;
	tcg_st_sys(c, base + (sel & ~7u) + 5, 1, (uint8_t)((d >> 40) | 1));
}

void tcg_seg_load_real(struct tcg_cpu *c, unsigned seg, uint16_t sel)
{
	/* Real mode changes only selector and base: the limit and attributes
	 * stay, which is what big-real ("unreal") mode relies on. */
	c->seg[seg].sel = sel;
	c->seg[seg].base = (uint64_t)sel << 4;
	c->seg[seg].attr &= ~TCG_SEG_UNUSABLE;
	if (seg == X86_SEG_CS || seg == X86_SEG_SS)
		tcg_cpu_update_mode(c);
}

static void null_seg(struct tcg_cpu *c, unsigned seg, uint16_t sel)
{
	c->seg[seg].sel = sel;
	c->seg[seg].base = 0;
	c->seg[seg].limit = 0;
	c->seg[seg].attr = TCG_SEG_UNUSABLE | (seg == X86_SEG_SS ? (uint32_t)(sel & 3) << TCG_SEG_DPL_SHIFT : 0);
}

void tcg_seg_load(struct tcg_cpu *c, unsigned seg, uint16_t sel)
{
	if (!(c->cr0 & TCG_CR0_PE) || (c->rflags & TCG_VM)) {
		tcg_seg_load_real(c, seg, sel);
		return;
	}
	unsigned rpl = sel & 3, cpl = c->cpl;
	if (!(sel & ~3u)) {
		if (seg == X86_SEG_SS && !(c->code_bits == 64 && cpl != 3 && rpl == cpl))
			tcg_raise(c, TCG_GP, 0);
		null_seg(c, seg, sel);
		tcg_cpu_update_mode(c);
		return;
	}
	uint64_t d = tcg_desc_read(c, sel, 0);
	unsigned type = D_TYPE(d), dpl = D_DPL(d);
	uint32_t err = sel & 0xfffc;
	if (seg == X86_SEG_SS) {
		if (rpl != cpl || !D_S(d) || (type & 0xa) != 2 || dpl != cpl)
			tcg_raise(c, TCG_GP, err);
		if (!D_P(d))
			tcg_raise(c, TCG_SS, err);
	} else {
		if (!D_S(d) || (type & 0xa) == 8) /* system, or execute-only code */
			tcg_raise(c, TCG_GP, err);
		bool conforming_code = (type & 0xc) == 0xc;
		if (!conforming_code && (rpl > dpl || cpl > dpl))
			tcg_raise(c, TCG_GP, err);
		if (!D_P(d))
			tcg_raise(c, TCG_NP, err);
	}
	tcg_desc_set_accessed(c, sel, d);
	tcg_desc_to_seg(d | (1ull << 40), sel, &c->seg[seg]);
	tcg_cpu_update_mode(c);
}

_Noreturn static void unsupported(struct tcg_cpu *c, const char *what)
{
	tcg_internal_error(c, what);
}

void tcg_set_cs(struct tcg_cpu *c, uint16_t sel, uint64_t d)
{
	tcg_desc_to_seg(d | (1ull << 40), sel, &c->seg[X86_SEG_CS]);
	tcg_cpu_update_mode(c);
}

/* The checks on a code segment that far JMP/CALL/RET share; returns the
 * descriptor. */
static uint64_t code_desc(struct tcg_cpu *c, uint16_t sel, unsigned *dpl_out)
{
	if (!(sel & ~3u))
		tcg_raise(c, TCG_GP, 0);
	uint64_t d = tcg_desc_read(c, sel, 0);
	uint32_t err = sel & 0xfffc;
	if (!D_S(d)) {
		unsigned t = D_TYPE(d);
		if (t == 4 || t == 12 || t == 5 || t == 9 || t == 1)
			unsupported(c, "far transfer through a call gate, task gate or TSS");
		tcg_raise(c, TCG_GP, err);
	}
	if (!(D_TYPE(d) & 8))
		tcg_raise(c, TCG_GP, err);
	if (c->long_mode && D_L(d) && D_DB(d))
		tcg_raise(c, TCG_GP, err);
	*dpl_out = D_DPL(d);
	return d;
}

static void check_target(struct tcg_cpu *c, uint64_t d, uint64_t off)
{
	if (c->long_mode && D_L(d)) {
		if (!tcg_canonical(off))
			tcg_raise(c, TCG_GP, 0);
		return;
	}
	struct tcg_seg s;
	tcg_desc_to_seg(d, 0, &s);
	if (off > s.limit)
		tcg_raise(c, TCG_GP, 0);
}

/* Same-privilege target checks of JMP/CALL (SDM Vol. 2 "JMP"). */
static uint64_t same_priv_target(struct tcg_cpu *c, uint16_t sel)
{
	unsigned dpl;
	uint64_t d = code_desc(c, sel, &dpl);
	bool conforming = (D_TYPE(d) & 4) != 0;
	if (conforming ? dpl > c->cpl : ((sel & 3u) > c->cpl || dpl != c->cpl))
		tcg_raise(c, TCG_GP, sel & 0xfffc);
	if (!D_P(d))
		tcg_raise(c, TCG_NP, sel & 0xfffc);
	return d;
}

void tcg_far_jmp(struct tcg_cpu *c, uint16_t sel, uint64_t off)
{
	if (!(c->cr0 & TCG_CR0_PE)) {
		c->next_rip = off; /* the caller masked it to the operand size */
		tcg_seg_load_real(c, X86_SEG_CS, sel);
		c->end_block = true;
		return;
	}
	uint64_t d = same_priv_target(c, sel);
	check_target(c, d, off);
	tcg_desc_set_accessed(c, sel, d);
	tcg_set_cs(c, (uint16_t)((sel & ~3u) | c->cpl), d);
	c->next_rip = c->code_bits == 64 ? off : off & 0xffffffffu;
}

/* Pushes a then b; rSP moves only when both writes succeeded. */
static void push2(struct tcg_cpu *c, uint64_t a, uint64_t b, unsigned osize)
{
	uint64_t m = tcg_bits_mask(c->stack_bits);
	uint64_t sp = tcg_sp(c);
	tcg_st(c, X86_SEG_SS, (sp - osize) & m, osize, a);
	tcg_st(c, X86_SEG_SS, (sp - 2 * osize) & m, osize, b);
	tcg_sp_set(c, (sp - 2 * osize) & m);
}

void tcg_far_call(struct tcg_cpu *c, uint16_t sel, uint64_t off, unsigned osize)
{
	uint16_t old_cs = c->seg[X86_SEG_CS].sel;
	uint64_t ret = c->next_rip;
	if (!(c->cr0 & TCG_CR0_PE)) {
		push2(c, old_cs, ret, osize);
		c->next_rip = off;
		tcg_seg_load_real(c, X86_SEG_CS, sel);
		c->end_block = true;
		return;
	}
	uint64_t d = same_priv_target(c, sel);
	check_target(c, d, off);
	push2(c, old_cs, ret, osize);
	tcg_desc_set_accessed(c, sel, d);
	tcg_set_cs(c, (uint16_t)((sel & ~3u) | c->cpl), d);
	c->next_rip = c->code_bits == 64 ? off : off & 0xffffffffu;
}

/* After a return to an outer privilege level: data segments the new CPL
 * may not use become null (SDM Vol. 2 "RET", "IRET"). */
static void drop_inner_segs(struct tcg_cpu *c)
{
	static const unsigned segs[] = {X86_SEG_ES, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS};
	for (unsigned k = 0; k < 4; k++) {
		struct tcg_seg *s = &c->seg[segs[k]];
		unsigned dpl = (s->attr >> TCG_SEG_DPL_SHIFT) & 3;
		bool conf_code = (s->attr & 0xc) == 0xc && (s->attr & TCG_SEG_S);
		/* a null register points at nothing: it stays as it is (and in
		 * 64-bit mode FS/GS keep their base, which the kernel set) */
		if (!(s->attr & TCG_SEG_UNUSABLE) && !conf_code && dpl < c->cpl) {
			uint64_t base = s->base;
			null_seg(c, segs[k], 0);
			if (c->long_mode && segs[k] >= X86_SEG_FS)
				s->base = base;
		}
	}
}

/* Loads SS:rSP popped by a return to an outer level (SDM Vol. 2 "RET"). */
static void outer_stack(struct tcg_cpu *c, uint16_t ss, uint64_t sp, unsigned rpl)
{
	if (!(ss & ~3u)) {
		if (!(c->long_mode && c->code_bits == 64 && rpl != 3))
			tcg_raise(c, TCG_GP, 0);
		null_seg(c, X86_SEG_SS, ss);
	} else {
		uint64_t d = tcg_desc_read(c, ss, 0);
		if ((ss & 3u) != rpl || !D_S(d) || (D_TYPE(d) & 0xa) != 2 || D_DPL(d) != rpl)
			tcg_raise(c, TCG_GP, ss & 0xfffc);
		if (!D_P(d))
			tcg_raise(c, TCG_SS, ss & 0xfffc);
		tcg_desc_set_accessed(c, ss, d);
		tcg_desc_to_seg(d | (1ull << 40), ss, &c->seg[X86_SEG_SS]);
	}
	tcg_cpu_update_mode(c);
	tcg_sp_set(c, sp); /* with the new SS's size */
}

/* The code segment a far RET or IRET returns to (SDM Vol. 2 "RET"): not
 * more privileged than now, conforming rules, present. */
static uint64_t return_code_desc(struct tcg_cpu *c, uint16_t sel)
{
	unsigned dpl, rpl = sel & 3u;
	uint64_t d = code_desc(c, sel, &dpl);
	uint32_t err = sel & 0xfffc;
	if (rpl < c->cpl || ((D_TYPE(d) & 4) ? dpl > rpl : dpl != rpl))
		tcg_raise(c, TCG_GP, err);
	if (!D_P(d))
		tcg_raise(c, TCG_NP, err);
	return d;
}

void tcg_far_ret(struct tcg_cpu *c, unsigned osize, uint16_t extra)
{
	uint64_t ip = tcg_stack_peek(c, 0, osize);
	uint16_t sel = (uint16_t)tcg_stack_peek(c, osize, osize);
	if (!(c->cr0 & TCG_CR0_PE)) {
		tcg_sp_set(c, tcg_sp(c) + 2 * osize + extra);
		tcg_seg_load_real(c, X86_SEG_CS, sel);
		c->next_rip = osize == 4 ? ip & 0xffffffffu : ip & 0xffff;
		c->end_block = true;
		return;
	}
	unsigned rpl = sel & 3u;
	uint64_t d = return_code_desc(c, sel);
	if (rpl == c->cpl) {
		check_target(c, d, ip);
		tcg_sp_set(c, tcg_sp(c) + 2 * osize + extra);
		tcg_desc_set_accessed(c, sel, d);
		tcg_set_cs(c, sel, d);
		c->next_rip = c->code_bits == 64 ? ip : ip & 0xffffffffu;
		return;
	}
	/* to an outer level: SS:rSP follow the parameters */
	uint64_t sp = tcg_stack_peek(c, 2 * osize + extra, osize);
	uint16_t ss = (uint16_t)tcg_stack_peek(c, 3 * osize + extra, osize);
	check_target(c, d, ip);
	tcg_desc_set_accessed(c, sel, d);
	tcg_set_cs(c, sel, d);
	c->cpl = (uint8_t)rpl;
	outer_stack(c, ss, sp + extra, rpl);
	drop_inner_segs(c);
	c->next_rip = c->code_bits == 64 ? ip : ip & 0xffffffffu;
}

/* The flags IRET may write at this privilege (SDM Vol. 2 "IRET"). */
static void iret_flags(struct tcg_cpu *c, uint64_t f, unsigned osize, unsigned cpl)
{
	uint64_t old = tcg_flags(c);
	uint64_t mask = TCG_ARITH | TCG_TF | TCG_DF | TCG_OF | TCG_NT | TCG_RF | TCG_AC | TCG_ID;
	if (cpl == 0)
		mask |= TCG_IOPL | TCG_VIF | TCG_VIP;
	if (cpl <= ((old & TCG_IOPL) >> 12))
		mask |= TCG_IF;
	if (osize == 2)
		mask &= 0xffff;
	uint64_t nf = (old & ~mask) | (f & mask);
	tcg_flags_set(c, nf);
	if ((nf & TCG_IF) && !(old & TCG_IF))
		c->end_block = true;
}

void tcg_iret(struct tcg_cpu *c, unsigned osize)
{
	uint64_t ip = tcg_stack_peek(c, 0, osize);
	uint16_t sel = (uint16_t)tcg_stack_peek(c, osize, osize);
	uint64_t f = tcg_stack_peek(c, 2 * osize, osize);

	c->nmi_blocked = false;
	if (!(c->cr0 & TCG_CR0_PE)) {
		tcg_sp_set(c, tcg_sp(c) + 3 * osize);
		tcg_seg_load_real(c, X86_SEG_CS, sel);
		uint64_t old = tcg_flags(c);
		uint64_t mask = osize == 2 ? 0xffff & ~0ull : 0x257fd5ull; /* not VM VIF VIP */
		tcg_flags_set(c, (old & ~mask) | (f & mask));
		c->next_rip = osize == 4 ? ip & 0xffffffffu : ip & 0xffff;
		c->end_block = true;
		return;
	}
	if (c->rflags & TCG_VM)
		unsupported(c, "IRET in virtual-8086 mode");
	if (!c->long_mode && (c->rflags & TCG_NT))
		unsupported(c, "IRET with NT set (task return)");
	if (c->long_mode && (c->rflags & TCG_NT))
		tcg_raise(c, TCG_GP, 0);
	if (!c->long_mode && c->cpl == 0 && osize == 4 && (f & TCG_VM))
		unsupported(c, "IRET to virtual-8086 mode");

	unsigned rpl = sel & 3u;
	uint64_t d = return_code_desc(c, sel);
	unsigned cpl = c->cpl;
	if (rpl == cpl && c->code_bits != 64) {
		check_target(c, d, ip);
		tcg_sp_set(c, tcg_sp(c) + 3 * osize);
		iret_flags(c, f, osize, cpl);
		tcg_desc_set_accessed(c, sel, d);
		tcg_set_cs(c, sel, d);
		c->next_rip = c->code_bits == 64 ? ip : ip & 0xffffffffu;
		return;
	}
	/* 64-bit IRET always pops SS:rSP; others only to an outer level */
	uint64_t sp = tcg_stack_peek(c, 3 * osize, osize);
	uint16_t ss = (uint16_t)tcg_stack_peek(c, 4 * osize, osize);
	check_target(c, d, ip);
	iret_flags(c, f, osize, cpl);
	tcg_desc_set_accessed(c, sel, d);
	tcg_set_cs(c, sel, d);
	c->seg[X86_SEG_SS].attr = (c->seg[X86_SEG_SS].attr & ~(3u << TCG_SEG_DPL_SHIFT)) |
				  rpl << TCG_SEG_DPL_SHIFT;
	c->cpl = (uint8_t)rpl;
	outer_stack(c, ss, sp, rpl);
	if (rpl > cpl)
		drop_inner_segs(c);
	c->next_rip = c->code_bits == 64 ? ip : ip & 0xffffffffu;
}
