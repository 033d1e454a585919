/*
 * tcg/sys_seg.c - instructions that load segments or cross privilege
 * levels: MOV/PUSH/POP Sreg, LDS & co., far JMP/CALL/RET, INT/IRET,
 * SYSCALL/SYSRET (SDM Vol. 2 "SYSCALL"), SYSENTER/SYSEXIT, and the 0F 00
 * group (LLDT, LTR, VERR, ...), LAR, LSL, ARPL, BOUND.
 */
#include "tcg/cpu.h"
#include "tcg/flags.h"
#include "tcg/tcg_int.h"

static void need_pm_cpl0(struct tcg_cpu *c)
{
	if (!(c->cr0 & TCG_CR0_PE) || (c->rflags & TCG_VM))
		tcg_raise_ud(c);
	if (c->cpl)
		tcg_raise_gp0(c);
}

/* ---- segment registers ---- */

static void load_sreg(struct tcg_cpu *c, unsigned seg, uint16_t sel)
{
	tcg_seg_load(c, seg, sel);
	if (seg == X86_SEG_SS) {
		c->shadow = 2; /* MOV SS / POP SS block interrupts for one instruction */
		c->end_block = true;
	}
}

static void op_mov_to_sreg(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned seg = i->reg & 7;
	if (seg == X86_SEG_CS || seg >= TCG_NSEG)
		tcg_raise_ud(c);
	load_sreg(c, seg, (uint16_t)tcg_rm_read(c, i, 2));
}

static void op_mov_from_sreg(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned seg = i->reg & 7;
	if (seg >= TCG_NSEG)
		tcg_raise_ud(c);
	uint16_t sel = c->seg[seg].sel;
	if (i->mod == 3)
		tcg_reg_set(c, i->rm, i->opsize / 8, true, sel); /* zero-extends */
	else
		tcg_rm_write(c, i, 2, sel);
}

static unsigned sreg_of_push_pop(const struct x86_insn *i)
{
	if (i->map == X86_MAP_0F)
		return i->opcode < 0xa8 ? X86_SEG_FS : X86_SEG_GS;
	return (i->opcode >> 3) & 3;
}

static unsigned stack_osize(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (c->code_bits == 64)
		return i->opsize == 16 ? 2 : 8;
	return i->opsize / 8;
}

static void op_push_sreg(struct tcg_cpu *c, const struct x86_insn *i)
{
	tcg_push(c, c->seg[sreg_of_push_pop(i)].sel, stack_osize(c, i));
}

static void op_pop_sreg(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = stack_osize(c, i);
	uint16_t sel = (uint16_t)tcg_stack_peek(c, 0, size);
	load_sreg(c, sreg_of_push_pop(i), sel);
	tcg_sp_set(c, tcg_sp(c) + size);
}

/* LES LDS LSS LFS LGS: offset then selector in memory. */
static void op_lxs(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (i->mod == 3)
		tcg_raise_ud(c);
	unsigned seg;
	if (i->map == X86_MAP_1B)
		seg = i->opcode == 0xc4 ? X86_SEG_ES : X86_SEG_DS;
	else
		seg = i->opcode == 0xb2 ? X86_SEG_SS : i->opcode == 0xb4 ? X86_SEG_FS : X86_SEG_GS;
	unsigned size = i->opsize / 8, s = tcg_ea_seg(i);
	uint64_t ea = tcg_ea(c, i);
	uint64_t off = tcg_ld(c, s, ea, size);
	uint16_t sel = (uint16_t)tcg_ld(c, s, (ea + size) & tcg_amask(i), 2);
	load_sreg(c, seg, sel);
	tcg_r_write(c, i, size, off);
}

/* ---- far transfers ---- */

static void op_jmpf_ptr(struct tcg_cpu *c, const struct x86_insn *i)
{
	tcg_far_jmp(c, (uint16_t)i->imm[1], i->imm[0]);
}

static void op_callf_ptr(struct tcg_cpu *c, const struct x86_insn *i)
{
	tcg_far_call(c, (uint16_t)i->imm[1], i->imm[0], i->opsize / 8);
}

/* FF /3 and /5: m16:16, m16:32 or m16:64. */
static void op_far_indirect(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (i->mod == 3)
		tcg_raise_ud(c);
	unsigned size = i->opsize / 8, s = tcg_ea_seg(i);
	uint64_t ea = tcg_ea(c, i);
	uint64_t off = tcg_ld(c, s, ea, size);
	uint16_t sel = (uint16_t)tcg_ld(c, s, (ea + size) & tcg_amask(i), 2);
	if ((i->reg & 7) == 3)
		tcg_far_call(c, sel, off, size);
	else
		tcg_far_jmp(c, sel, off);
}

static void op_retf(struct tcg_cpu *c, const struct x86_insn *i)
{
	tcg_far_ret(c, i->opsize / 8, i->opcode == 0xca ? (uint16_t)i->imm[0] : 0);
}

static void op_iret(struct tcg_cpu *c, const struct x86_insn *i)
{
	tcg_iret(c, i->opsize / 8);
	c->end_block = true;
}

static void soft_event(struct tcg_cpu *c, int vec, enum tcg_ev_kind k)
{
	if ((c->rflags & TCG_VM) && k != TCG_EV_ICEBP)
		tcg_internal_error(c, "INT in virtual-8086 mode");
	tcg_deliver(c, vec, k, false, 0);
}

static void op_int(struct tcg_cpu *c, const struct x86_insn *i)
{
	soft_event(c, (int)(i->imm[0] & 0xff), TCG_EV_SOFTINT);
}

static void op_int3(struct tcg_cpu *c, const struct x86_insn *i) { soft_event(c, TCG_BP, TCG_EV_SOFTEXC); }
static void op_int1(struct tcg_cpu *c, const struct x86_insn *i) { soft_event(c, TCG_DB, TCG_EV_ICEBP); }

static void op_into(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (tcg_flags(c) & TCG_OF)
		soft_event(c, TCG_OFV, TCG_EV_SOFTEXC);
}

/* ---- fast system calls ---- */

static void flat_code(struct tcg_seg *s, uint16_t sel, bool l, unsigned dpl)
{
	s->sel = sel;
	s->base = 0;
	s->limit = 0xffffffffu;
	s->attr = 0xb | TCG_SEG_S | dpl << TCG_SEG_DPL_SHIFT | TCG_SEG_P | TCG_SEG_G |
		  (l ? TCG_SEG_L : TCG_SEG_DB);
}

static void flat_stack(struct tcg_seg *s, uint16_t sel, unsigned dpl)
{
	s->sel = sel;
	s->base = 0;
	s->limit = 0xffffffffu;
	s->attr = 0x3 | TCG_SEG_S | dpl << TCG_SEG_DPL_SHIFT | TCG_SEG_P | TCG_SEG_G | TCG_SEG_DB;
}

static void op_syscall(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (!(c->efer & TCG_EFER_SCE) || c->code_bits != 64)
		tcg_raise_ud(c);
	uint16_t sel = (uint16_t)(c->star >> 32) & 0xfffc;
	c->gpr[1] = c->next_rip;
	uint64_t f = tcg_flags(c);
	c->gpr[11] = f & ~TCG_RF;
	flat_code(&c->seg[X86_SEG_CS], sel, true, 0);
	flat_stack(&c->seg[X86_SEG_SS], (uint16_t)(sel + 8), 0);
	tcg_flags_set(c, f & ~c->sfmask & ~TCG_RF);
	c->next_rip = c->lstar;
	tcg_cpu_update_mode(c);
}

static void op_sysret(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (!(c->efer & TCG_EFER_SCE))
		tcg_raise_ud(c);
	if (c->cpl || c->code_bits != 64)
		tcg_raise_gp0(c);
	uint16_t base = (uint16_t)(c->star >> 48);
	uint64_t rip = i->rex_w ? c->gpr[1] : c->gpr[1] & 0xffffffffu;
	if (!tcg_canonical(rip))
		tcg_raise_gp0(c);
	if (i->rex_w)
		flat_code(&c->seg[X86_SEG_CS], (uint16_t)((base + 16) | 3), true, 3);
	else
		flat_code(&c->seg[X86_SEG_CS], (uint16_t)(base | 3), false, 3);
	/* SS keeps the selector; its cached attributes are fixed (SDM "SYSRET") */
	flat_stack(&c->seg[X86_SEG_SS], (uint16_t)((base + 8) | 3), 3);
	tcg_flags_set(c, (c->gpr[11] & 0x3c7fd7ull) | 2);
	c->next_rip = rip;
	tcg_cpu_update_mode(c);
}

static void op_sysenter(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (!(c->cr0 & TCG_CR0_PE) || !(c->sysenter_cs & 0xfffc))
		tcg_raise_gp0(c);
	uint16_t cs = (uint16_t)c->sysenter_cs & 0xfffc;
	bool l = c->long_mode;
	flat_code(&c->seg[X86_SEG_CS], cs, l, 0);
	flat_stack(&c->seg[X86_SEG_SS], (uint16_t)(cs + 8), 0);
	tcg_flags_set(c, tcg_flags(c) & ~(TCG_VM | TCG_IF | TCG_RF));
	c->gpr[4] = l ? c->sysenter_esp : c->sysenter_esp & 0xffffffffu;
	c->next_rip = l ? c->sysenter_eip : c->sysenter_eip & 0xffffffffu;
	tcg_cpu_update_mode(c);
}

static void op_sysexit(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (!(c->cr0 & TCG_CR0_PE) || c->cpl || !(c->sysenter_cs & 0xfffc))
		tcg_raise_gp0(c);
	uint16_t cs = (uint16_t)c->sysenter_cs;
	if (i->rex_w) {
		if (!tcg_canonical(c->gpr[2]) || !tcg_canonical(c->gpr[1]))
			tcg_raise_gp0(c);
		flat_code(&c->seg[X86_SEG_CS], (uint16_t)((cs + 32) | 3), true, 3);
		flat_stack(&c->seg[X86_SEG_SS], (uint16_t)((cs + 40) | 3), 3);
		c->gpr[4] = c->gpr[1];
		c->next_rip = c->gpr[2];
	} else {
		flat_code(&c->seg[X86_SEG_CS], (uint16_t)((cs + 16) | 3), false, 3);
		flat_stack(&c->seg[X86_SEG_SS], (uint16_t)((cs + 24) | 3), 3);
		c->gpr[4] = c->gpr[1] & 0xffffffffu;
		c->next_rip = c->gpr[2] & 0xffffffffu;
	}
	tcg_cpu_update_mode(c);
}

/* ---- 0F 00, LAR, LSL, ARPL, BOUND ---- */

/* A 16-byte system descriptor in long mode: base bits 63:32 follow. */
static uint64_t sys_desc_high(struct tcg_cpu *c, uint16_t sel)
{
	if (!c->long_mode)
		return 0;
	if ((uint32_t)(sel & ~7u) + 15 > c->gdt_limit)
		tcg_raise(c, TCG_GP, sel & 0xfffc);
	return tcg_ld_sys(c, c->gdt_base + (sel & ~7u) + 8, 8) & 0xffffffffu;
}

static void op_grp6(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned r = i->reg & 7;
	if (!(c->cr0 & TCG_CR0_PE) || (c->rflags & TCG_VM))
		tcg_raise_ud(c);
	switch (r) {
	case 0: /* SLDT */
	case 1: { /* STR */
		uint16_t sel = r ? c->tr.sel : c->ldt.sel;
		if (i->mod == 3)
			tcg_reg_set(c, i->rm, i->opsize / 8, true, sel);
		else
			tcg_rm_write(c, i, 2, sel);
		return;
	}
	case 2: { /* LLDT */
		need_pm_cpl0(c);
		uint16_t sel = (uint16_t)tcg_rm_read(c, i, 2);
		if (!(sel & ~3u)) {
			c->ldt = (struct tcg_seg){.sel = sel, .attr = TCG_SEG_UNUSABLE};
			return;
		}
		if (sel & 4)
			tcg_raise(c, TCG_GP, sel & 0xfffc);
		uint64_t d = tcg_desc_read(c, sel, 0);
		if (((d >> 44) & 1) || ((d >> 40) & 0xf) != 2)
			tcg_raise(c, TCG_GP, sel & 0xfffc);
		if (!((d >> 47) & 1))
			tcg_raise(c, TCG_NP, sel & 0xfffc);
		uint64_t hi = sys_desc_high(c, sel);
		tcg_desc_to_seg(d, sel, &c->ldt);
		c->ldt.base |= hi << 32;
		return;
	}
	case 3: { /* LTR */
		need_pm_cpl0(c);
		uint16_t sel = (uint16_t)tcg_rm_read(c, i, 2);
		if (!(sel & ~3u) || (sel & 4))
			tcg_raise(c, TCG_GP, sel & 0xfffc);
		uint64_t d = tcg_desc_read(c, sel, 0);
		unsigned type = (d >> 40) & 0xf;
		if (((d >> 44) & 1) || (type != 9 && (type != 1 || c->long_mode)))
			tcg_raise(c, TCG_GP, sel & 0xfffc);
		if (!((d >> 47) & 1))
			tcg_raise(c, TCG_NP, sel & 0xfffc);
		uint64_t hi = sys_desc_high(c, sel);
		d |= 2ull << 40; /* busy */
		tcg_st_sys(c, c->gdt_base + (sel & ~7u) + 5, 1, (uint8_t)(d >> 40));
		tcg_desc_to_seg(d, sel, &c->tr);
		c->tr.base |= hi << 32;
		return;
	}
	case 4: /* VERR */
	case 5: { /* VERW */
		uint16_t sel = (uint16_t)tcg_rm_read(c, i, 2);
		uint64_t d;
		bool ok = (sel & ~3u) && tcg_desc_fetch(c, sel, &d) && ((d >> 44) & 1);
		if (ok) {
			unsigned type = (d >> 40) & 0xf, dpl = (d >> 45) & 3;
			bool conf = (type & 0xc) == 0xc;
			if (!conf && (dpl < c->cpl || dpl < (sel & 3u)))
				ok = false;
			else if (r == 4)
				ok = !(type & 8) || (type & 2);
			else
				ok = !(type & 8) && (type & 2);
		}
		uint64_t f = tcg_flags(c);
		tcg_flags_set(c, ok ? f | TCG_ZF : f & ~TCG_ZF);
		return;
	}
	}
	tcg_raise_ud(c);
}

/* LAR and LSL (SDM Vol. 2): ZF tells whether the selector was usable. */
static void op_lar_lsl(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (!(c->cr0 & TCG_CR0_PE) || (c->rflags & TCG_VM))
		tcg_raise_ud(c);
	uint16_t sel = (uint16_t)tcg_rm_read(c, i, 2);
	uint64_t d;
	bool ok = (sel & ~3u) && tcg_desc_fetch(c, sel, &d);
	if (ok) {
		unsigned type = (d >> 40) & 0xf, dpl = (d >> 45) & 3;
		bool s = (d >> 44) & 1, conf = s && (type & 0xc) == 0xc;
		if (!s) {
			static const uint16_t lar_ok = 0x0e3e, lsl_ok = 0x0a0e; /* legacy types */
			static const uint16_t lar_ok64 = 0x0a04, lsl_ok64 = 0x0a04;
			uint16_t m = c->long_mode ? (i->opcode == 2 ? lar_ok64 : lsl_ok64)
						  : (i->opcode == 2 ? lar_ok : lsl_ok);
			ok = (m >> type) & 1;
		}
		if (ok && !conf && (dpl < c->cpl || dpl < (sel & 3u)))
			ok = false;
	}
	uint64_t f = tcg_flags(c);
	if (ok) {
		unsigned size = i->opsize / 8;
		if (i->opcode == 2) {
			tcg_r_write(c, i, size, (d >> 32) & 0x00f0ff00u & tcg_mask(size));
		} else {
			struct tcg_seg s;
			tcg_desc_to_seg(d, sel, &s);
			tcg_r_write(c, i, size, s.limit & tcg_mask(size));
		}
	}
	tcg_flags_set(c, ok ? f | TCG_ZF : f & ~TCG_ZF);
}

static void op_arpl(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (!(c->cr0 & TCG_CR0_PE) || (c->rflags & TCG_VM))
		tcg_raise_ud(c);
	uint16_t dst = (uint16_t)tcg_rm_read(c, i, 2), src = (uint16_t)tcg_r_read(c, i, 2);
	uint64_t f = tcg_flags(c);
	if ((dst & 3) < (src & 3)) {
		tcg_rm_write(c, i, 2, (dst & ~3u) | (src & 3u));
		tcg_flags_set(c, f | TCG_ZF);
	} else {
		tcg_flags_set(c, f & ~TCG_ZF);
	}
}

static void op_bound(struct tcg_cpu *c, const struct x86_insn *i)
{
	if (i->mod == 3)
		tcg_raise_ud(c);
	unsigned size = i->opsize / 8, s = tcg_ea_seg(i);
	uint64_t ea = tcg_ea(c, i);
	int64_t lo, hi, v;
	if (size == 2) {
		lo = (int16_t)tcg_ld(c, s, ea, 2);
		hi = (int16_t)tcg_ld(c, s, (ea + 2) & tcg_amask(i), 2);
		v = (int16_t)tcg_r_read(c, i, 2);
	} else {
		lo = (int32_t)tcg_ld(c, s, ea, 4);
		hi = (int32_t)tcg_ld(c, s, (ea + 4) & tcg_amask(i), 4);
		v = (int32_t)tcg_r_read(c, i, 4);
	}
	if (v < lo || v > hi)
		tcg_raise(c, TCG_BR, TCG_NOERR);
}

/* PREFETCHW and the 0F 0D hints: no architectural effect. */
static void op_nop(struct tcg_cpu *c, const struct x86_insn *i) {}

tcg_op_fn tcg_ops_sys_seg(const struct x86_insn *i);
tcg_op_fn tcg_ops_sys_seg(const struct x86_insn *i)
{
	bool m64 = i->mode == X86_MODE_64;
	if (i->map == X86_MAP_1B) {
		switch (i->opcode) {
		case 0x8e: return op_mov_to_sreg;
		case 0x8c: return op_mov_from_sreg;
		case 0x06: case 0x0e: case 0x16: case 0x1e: return m64 ? NULL : op_push_sreg;
		case 0x07: case 0x17: case 0x1f: return m64 ? NULL : op_pop_sreg;
		case 0xc4: case 0xc5: return m64 || i->vex ? NULL : op_lxs;
		case 0x9a: return m64 ? NULL : op_callf_ptr;
		case 0xea: return m64 ? NULL : op_jmpf_ptr;
		case 0xca: case 0xcb: return op_retf;
		case 0xcf: return op_iret;
		case 0xcc: return op_int3;
		case 0xcd: return op_int;
		case 0xce: return m64 ? NULL : op_into;
		case 0xf1: return op_int1;
		case 0x62: return m64 ? NULL : op_bound;
		case 0x63: return m64 ? NULL : op_arpl;
		case 0xff: return (i->reg & 7) == 3 || (i->reg & 7) == 5 ? op_far_indirect : NULL;
		}
		return NULL;
	}
	if (i->map != X86_MAP_0F)
		return NULL;
	switch (i->opcode) {
	case 0x00: return op_grp6;
	case 0x02: case 0x03: return op_lar_lsl;
	case 0x05: return op_syscall;
	case 0x07: return op_sysret;
	case 0x34: return op_sysenter;
	case 0x35: return op_sysexit;
	case 0x0d: return i->mod == 3 ? NULL : op_nop;
	case 0xa0: case 0xa8: return op_push_sreg;
	case 0xa1: case 0xa9: return op_pop_sreg;
	case 0xb2: case 0xb4: case 0xb5: return op_lxs;
	}
	return NULL;
}
