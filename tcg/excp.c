/*
 * tcg/excp.c - raising exceptions and delivering events: the IVT in real
 * mode (SDM Vol. 3A §20.1.4), IDT gates in protected mode (§6.10-6.12) and
 * long mode (§6.14, IST §6.14.5), with #DF and triple-fault escalation
 * (§6.15, Table 6-5).
 */
#include <stdio.h>
#include <string.h>
#include "tcg/cpu.h"
#include "tcg/flags.h"
#include "tcg/tcg_int.h"

_Noreturn void tcg_raise(struct tcg_cpu *c, int vec, uint32_t err)
{
	c->raised_vec = vec;
	c->raised_err = err;
	tcg_longjmp(c->jb);
}

_Noreturn void tcg_internal_error(struct tcg_cpu *c, const char *why)
{
	c->internal_why = why;
	c->raised_vec = -1;
	tcg_longjmp(c->jb);
}

static bool has_error_code(int vec)
{
	return vec == TCG_DBLF || (vec >= TCG_TS && vec <= TCG_PGF) || vec == TCG_ALIGN || vec == 21;
}

enum fclass { BENIGN, CONTRIBUTORY, PAGEFAULT };

static enum fclass fclass(int vec)
{
	if (vec == TCG_DE || (vec >= TCG_TS && vec <= TCG_GP))
		return CONTRIBUTORY;
	return vec == TCG_PGF ? PAGEFAULT : BENIGN;
}

/* Real mode: FLAGS, CS, IP on the stack, CS:IP from the IVT. */
static void deliver_real(struct tcg_cpu *c, int vec)
{
	if ((uint32_t)vec * 4 + 3 > c->idt_limit)
		tcg_raise(c, TCG_GP, 0);
	uint32_t ent = (uint32_t)tcg_ld_sys(c, (c->idt_base + (uint32_t)vec * 4) & 0xffffffffu, 4);
	uint64_t m = tcg_bits_mask(c->stack_bits), sp = tcg_sp(c);
	uint64_t ssb = c->seg[X86_SEG_SS].base;
	uint64_t f = tcg_flags(c);
	tcg_st_sys(c, (ssb + ((sp - 2) & m)) & 0xffffffffu, 2, f);
	tcg_st_sys(c, (ssb + ((sp - 4) & m)) & 0xffffffffu, 2, c->seg[X86_SEG_CS].sel);
	tcg_st_sys(c, (ssb + ((sp - 6) & m)) & 0xffffffffu, 2, c->rip);
	tcg_sp_set(c, (sp - 6) & m);
	tcg_flags_set(c, f & ~(TCG_IF | TCG_TF | TCG_AC | TCG_RF));
	tcg_seg_load_real(c, X86_SEG_CS, (uint16_t)(ent >> 16));
	c->rip = ent & 0xffff;
}

static bool soft(enum tcg_ev_kind k) { return k == TCG_EV_SOFTINT || k == TCG_EV_SOFTEXC; }

/* Gate and target-segment checks shared by protected and long mode. */
static uint64_t gate_target(struct tcg_cpu *c, int vec, enum tcg_ev_kind k, uint64_t gate,
			    uint32_t ext, unsigned *new_cpl)
{
	uint32_t gerr = (uint32_t)vec * 8 + 2 + ext;
	unsigned type = (gate >> 40) & 0xf, gdpl = (gate >> 45) & 3;
	if (soft(k) && gdpl < c->cpl)
		tcg_raise(c, TCG_GP, gerr);
	if (!((gate >> 47) & 1))
		tcg_raise(c, TCG_NP, gerr);
	(void)type;
	uint16_t sel = (uint16_t)(gate >> 16);
	if (!(sel & ~3u))
		tcg_raise(c, TCG_GP, ext);
	uint64_t d = tcg_desc_read(c, sel, ext);
	unsigned dpl = (d >> 45) & 3;
	if (!((d >> 44) & 1) || !((d >> 43) & 1) || dpl > c->cpl)
		tcg_raise(c, TCG_GP, (sel & 0xfffc) | ext);
	if (!((d >> 47) & 1))
		tcg_raise(c, TCG_NP, (sel & 0xfffc) | ext);
	bool conforming = (d >> 42) & 1;
	*new_cpl = conforming ? c->cpl : dpl;
	return d;
}

static void deliver_long(struct tcg_cpu *c, int vec, enum tcg_ev_kind k, bool has_err, uint32_t err,
			 uint32_t ext)
{
	uint32_t gerr = (uint32_t)vec * 8 + 2 + ext;
	if ((uint32_t)vec * 16 + 15 > c->idt_limit)
		tcg_raise(c, TCG_GP, gerr);
	uint64_t lo = tcg_ld_sys(c, c->idt_base + (uint32_t)vec * 16, 8);
	uint64_t hi = tcg_ld_sys(c, c->idt_base + (uint32_t)vec * 16 + 8, 8);
	unsigned type = (lo >> 40) & 0xf;
	if (type != 0xe && type != 0xf)
		tcg_raise(c, TCG_GP, gerr);
	unsigned ncpl;
	uint64_t d = gate_target(c, vec, k, lo, ext, &ncpl);
	uint16_t sel = (uint16_t)(lo >> 16);
	if (!((d >> 53) & 1) || ((d >> 54) & 1)) /* must be 64-bit code */
		tcg_raise(c, TCG_GP, (sel & 0xfffc) | ext);
	uint64_t off = (lo & 0xffff) | ((lo >> 32) & 0xffff0000u) | (hi << 32);
	unsigned ist = (lo >> 32) & 7;
	uint64_t rsp = c->gpr[4];
	if (ist || ncpl < c->cpl) {
		uint32_t toff = ist ? 0x24 + (ist - 1) * 8 : 4 + ncpl * 8;
		if (toff + 7 > c->tr.limit)
			tcg_raise(c, TCG_TS, (c->tr.sel & 0xfffc) | ext);
		rsp = tcg_ld_sys(c, c->tr.base + toff, 8);
	}
	rsp &= ~15ull;
	uint64_t f = tcg_flags(c);
	uint64_t frame[6] = {c->seg[X86_SEG_SS].sel, c->gpr[4], f, c->seg[X86_SEG_CS].sel, c->rip, err};
	unsigned n = has_err ? 6 : 5;
	uint8_t old_cpl = c->cpl;
	c->cpl = (uint8_t)ncpl; /* the pushes happen at the new privilege */
	for (unsigned j = 0; j < n; j++) {
		uint64_t a = rsp - 8 * (j + 1);
		if (!tcg_canonical(a))
			c->cpl = old_cpl, tcg_raise(c, TCG_SS, ext);
		tcg_st_lin(c, a, 8, frame[j]);
	}
	c->cpl = old_cpl;
	c->gpr[4] = rsp - 8 * n;
	if (ncpl < old_cpl) {
		c->seg[X86_SEG_SS].sel = (uint16_t)ncpl;
		c->seg[X86_SEG_SS].base = 0;
		c->seg[X86_SEG_SS].limit = 0;
		c->seg[X86_SEG_SS].attr = TCG_SEG_UNUSABLE | ncpl << TCG_SEG_DPL_SHIFT;
	}
	tcg_desc_set_accessed(c, sel, d);
	tcg_set_cs(c, (uint16_t)((sel & ~3u) | ncpl), d);
	c->seg[X86_SEG_SS].attr = (c->seg[X86_SEG_SS].attr & ~(3u << TCG_SEG_DPL_SHIFT)) |
				  ncpl << TCG_SEG_DPL_SHIFT;
	tcg_cpu_update_mode(c);
	uint64_t nf = f & ~(TCG_TF | TCG_NT | TCG_RF | TCG_VM);
	if (type == 0xe)
		nf &= ~TCG_IF;
	tcg_flags_set(c, nf);
	c->rip = off;
}

static void deliver_prot(struct tcg_cpu *c, int vec, enum tcg_ev_kind k, bool has_err, uint32_t err,
			 uint32_t ext)
{
	uint32_t gerr = (uint32_t)vec * 8 + 2 + ext;
	if ((uint32_t)vec * 8 + 7 > c->idt_limit)
		tcg_raise(c, TCG_GP, gerr);
	uint64_t gate = tcg_ld_sys(c, (c->idt_base + (uint32_t)vec * 8) & 0xffffffffu, 8);
	unsigned type = (gate >> 40) & 0xf;
	if (type == 5)
		tcg_internal_error(c, "interrupt through a task gate");
	if (type != 6 && type != 7 && type != 0xe && type != 0xf)
		tcg_raise(c, TCG_GP, gerr);
	unsigned gsize = type & 8 ? 4 : 2;
	unsigned ncpl;
	uint64_t d = gate_target(c, vec, k, gate, ext, &ncpl);
	uint16_t sel = (uint16_t)(gate >> 16);
	uint64_t off = gsize == 4 ? (gate & 0xffff) | ((gate >> 32) & 0xffff0000u) : gate & 0xffff;
	struct tcg_seg ncs;
	tcg_desc_to_seg(d, sel, &ncs);
	if (off > ncs.limit)
		tcg_raise(c, TCG_GP, ext);

	uint64_t f = tcg_flags(c);
	struct tcg_seg nss = c->seg[X86_SEG_SS];
	uint64_t sp = c->gpr[4];
	unsigned sbits = c->stack_bits;
	uint64_t frame[6];
	unsigned n = 0;
	if (ncpl < c->cpl) {
		/* inner privilege: SS:ESP from the TSS (SDM Vol. 3A §7.2.1) */
		bool tss32 = (c->tr.attr & 8) != 0;
		uint32_t toff = tss32 ? 4 + ncpl * 8 : 2 + ncpl * 4;
		if (toff + (tss32 ? 5 : 3) > c->tr.limit)
			tcg_raise(c, TCG_TS, (c->tr.sel & 0xfffc) | ext);
		uint64_t nsp = tcg_ld_sys(c, c->tr.base + toff, tss32 ? 4 : 2);
		uint16_t ss = (uint16_t)tcg_ld_sys(c, c->tr.base + toff + (tss32 ? 4 : 2), 2);
		if (!(ss & ~3u))
			tcg_raise(c, TCG_TS, ext);
		uint64_t sd;
		if (!tcg_desc_fetch(c, ss, &sd))
			tcg_raise(c, TCG_TS, (ss & 0xfffc) | ext);
		if ((ss & 3u) != ncpl || ((sd >> 45) & 3) != ncpl || !((sd >> 44) & 1) ||
		    ((sd >> 40) & 0xa) != 2)
			tcg_raise(c, TCG_TS, (ss & 0xfffc) | ext);
		if (!((sd >> 47) & 1))
			tcg_raise(c, TCG_SS, (ss & 0xfffc) | ext);
		tcg_desc_to_seg(sd | (1ull << 40), ss, &nss);
		frame[n++] = c->seg[X86_SEG_SS].sel;
		frame[n++] = c->gpr[4];
		sp = nsp;
		sbits = nss.attr & TCG_SEG_DB ? 32 : 16;
	}
	frame[n++] = f;
	frame[n++] = c->seg[X86_SEG_CS].sel;
	frame[n++] = c->rip;
	if (has_err)
		frame[n++] = err;
	uint64_t m = tcg_bits_mask(sbits);
	uint8_t old_cpl = c->cpl;
	c->cpl = (uint8_t)ncpl;
	for (unsigned j = 0; j < n; j++) {
		uint64_t a = (sp - gsize * (j + 1)) & m;
		if (a + gsize - 1 > nss.limit)
			c->cpl = old_cpl, tcg_raise(c, TCG_SS, ext);
		tcg_st_lin(c, (nss.base + a) & 0xffffffffu, gsize, frame[j]);
	}
	c->cpl = old_cpl;
	if (ncpl < old_cpl) {
		c->seg[X86_SEG_SS] = nss;
		c->gpr[4] = sp; /* the TSS's; the pushes move it below */
	}
	tcg_desc_set_accessed(c, sel, d);
	tcg_set_cs(c, (uint16_t)((sel & ~3u) | ncpl), d); /* stack_bits follow the new SS */
	tcg_sp_set(c, sp - gsize * n);
	uint64_t nf = f & ~(TCG_TF | TCG_NT | TCG_RF | TCG_VM);
	if (!(type & 1))
		nf &= ~TCG_IF;
	tcg_flags_set(c, nf);
	c->rip = off;
}

static void deliver_one(struct tcg_cpu *c, int vec, enum tcg_ev_kind k, bool has_err, uint32_t err)
{
	uint32_t ext = k == TCG_EV_EXCEPTION || k == TCG_EV_EXTINT || k == TCG_EV_NMI ||
		       k == TCG_EV_ICEBP;
	if (soft(k) || k == TCG_EV_ICEBP)
		c->rip = c->next_rip; /* traps push the next instruction */
	if (!(c->cr0 & TCG_CR0_PE))
		deliver_real(c, vec);
	else if (c->rflags & TCG_VM)
		tcg_internal_error(c, "interrupt in virtual-8086 mode");
	else if (c->long_mode)
		deliver_long(c, vec, k, has_err, err, ext);
	else
		deliver_prot(c, vec, k, has_err, err, ext);
	if (k == TCG_EV_NMI)
		c->nmi_blocked = true;
	c->next_rip = c->rip;
	c->end_block = true;
}

/* Events delivered by tcg_deliver() must not be cut short by an outer
 * longjmp target: it installs its own, and restores the caller's. */
bool tcg_deliver(struct tcg_cpu *c, int vec, enum tcg_ev_kind kind, bool has_err, uint32_t err)
{
	tcg_jmpbuf jb;
	void **saved = c->jb;
	struct tcg_seg seg0[TCG_NSEG];
	uint64_t rsp0 = c->gpr[4], rip0 = c->rip;
	volatile int v = vec;
	const int first_vec = vec;
	volatile int k = kind;
	volatile bool he = kind == TCG_EV_EXCEPTION ? has_error_code(vec) : has_err;
	volatile uint32_t e = err;

	/* State the delivery changes before it can fault (CPL during the
	 * pushes, rSP, SS): restored if it does fault. */
	memcpy(seg0, c->seg, sizeof(c->seg));
	for (;;) {
		c->jb = jb;
		if (!tcg_setjmp(jb)) {
			deliver_one(c, v, (enum tcg_ev_kind)k, he, e);
			c->jb = saved;
			return true;
		}
		memcpy(c->seg, seg0, sizeof(c->seg));
		c->gpr[4] = rsp0;
		c->rip = rip0;
		tcg_cpu_update_mode(c);
		/* internal error, or tests that see faults themselves */
		if (c->raised_vec < 0 || c->trap_exceptions) {
			c->jb = saved;
			tcg_longjmp(saved);
		}
		int nv = c->raised_vec;
		if (v == TCG_DBLF) {
			c->shutdown = true;
			/* say what led there: the first event and the last fault */
			snprintf(c->shutdown_why, sizeof(c->shutdown_why),
				 "vector %d at rip 0x%llx, then vector %d (error 0x%x) delivering #DF",
				 first_vec, (unsigned long long)rip0, nv, (unsigned)c->raised_err);
			c->jb = saved;
			return false;
		}
		enum fclass a = k == TCG_EV_EXCEPTION ? fclass(v) : BENIGN, b = fclass(nv);
		if ((a == CONTRIBUTORY && b == CONTRIBUTORY) || (a == PAGEFAULT && b != BENIGN)) {
			v = TCG_DBLF;
			e = 0;
			he = true;
		} else {
			v = nv;
			e = c->raised_err;
			he = has_error_code(nv);
		}
		k = TCG_EV_EXCEPTION;
	}
}
