/*
 * tcg/sys.c - system instructions that do not move between segments:
 * control and debug registers (SDM Vol. 3A §2.5, Vol. 2 "MOV-Control
 * Registers"), MSRs, CPUID, time stamp, HLT, CLI/STI, port I/O with its
 * permission check (Vol. 1 §19.5), and the 0F 01 group's LGDT/LIDT/...
 * (tcg/sys_seg.c has the segment and descriptor-table instructions).
 */
#include "hw/lapic.h"
#include "tcg/cpu.h"
#include "tcg/flags.h"
#include "tcg/tcg_int.h"
#include "vm/vm.h"

#define CR4_SUPPORTED                                                                           \
	(TCG_CR4_TSD | TCG_CR4_DE | TCG_CR4_PSE | TCG_CR4_PAE | TCG_CR4_MCE | TCG_CR4_PGE |     \
	 TCG_CR4_PCE | TCG_CR4_OSFXSR | TCG_CR4_OSXMMEXCPT)

static void need_cpl0(struct tcg_cpu *c)
{
	if (c->cpl != 0)
		tcg_raise_gp0(c);
}

/* ---- control registers ---- */

void tcg_set_cr0(struct tcg_cpu *c, uint64_t v)
{
	if (v >> 32)
		tcg_raise_gp0(c);
	v |= TCG_CR0_ET;
	if ((v & TCG_CR0_PG) && !(v & TCG_CR0_PE))
		tcg_raise_gp0(c);
	if ((v & TCG_CR0_NW) && !(v & TCG_CR0_CD))
		tcg_raise_gp0(c);
	bool pg_on = (v & TCG_CR0_PG) && !(c->cr0 & TCG_CR0_PG);
	if (pg_on && (c->efer & TCG_EFER_LME)) {
		/* entering long mode (SDM Vol. 3A §9.8.5) */
		if (!(c->cr4 & TCG_CR4_PAE))
			tcg_raise_gp0(c);
		c->efer |= TCG_EFER_LMA;
	}
	if (!(v & TCG_CR0_PG) && (c->cr0 & TCG_CR0_PG) && c->long_mode) {
		if (c->code_bits == 64)
			tcg_raise_gp0(c);
		c->efer &= ~TCG_EFER_LMA;
	}
	if ((v ^ c->cr0) & (TCG_CR0_PG | TCG_CR0_WP | TCG_CR0_PE))
		tcg_tlb_flush(c);
	c->cr0 = v;
	tcg_cpu_update_mode(c);
}

void tcg_set_cr3(struct tcg_cpu *c, uint64_t v)
{
	if (c->long_mode && (v >> 52))
		tcg_raise_gp0(c);
	c->cr3 = c->long_mode ? v : v & 0xffffffffu;
	tcg_tlb_flush(c);
	c->end_block = true;
}

void tcg_set_cr4(struct tcg_cpu *c, uint64_t v)
{
	if (v & ~CR4_SUPPORTED)
		tcg_raise_gp0(c);
	if (c->long_mode && !(v & TCG_CR4_PAE))
		tcg_raise_gp0(c);
	if ((v ^ c->cr4) & (TCG_CR4_PAE | TCG_CR4_PSE | TCG_CR4_PGE))
		tcg_tlb_flush(c);
	c->cr4 = v;
	c->end_block = true;
}

void tcg_set_efer(struct tcg_cpu *c, uint64_t v)
{
	uint64_t ok = TCG_EFER_SCE | TCG_EFER_LME | TCG_EFER_NXE | TCG_EFER_LMA;
	if (v & ~ok)
		tcg_raise_gp0(c);
	if (((v ^ c->efer) & TCG_EFER_LME) && (c->cr0 & TCG_CR0_PG))
		tcg_raise_gp0(c);
	v = (v & ~TCG_EFER_LMA) | (c->efer & TCG_EFER_LMA);
	if ((v ^ c->efer) & TCG_EFER_NXE)
		tcg_tlb_flush(c);
	c->efer = v;
	tcg_cpu_update_mode(c);
}

static uint64_t cr_read(struct tcg_cpu *c, unsigned n)
{
	switch (n) {
	case 0: return c->cr0;
	case 2: return c->cr2;
	case 3: return c->cr3;
	case 4: return c->cr4;
	case 8: return c->vcpu && c->vcpu->lapic ? lapic_get_cr8(c->vcpu->lapic) : c->cr8;
	default: tcg_raise_ud(c);
	}
}

static void op_mov_cr(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned n = i->reg;
	if (n == 1 || (n > 4 && n != 8))
		tcg_raise_ud(c);
	need_cpl0(c);
	unsigned size = c->code_bits == 64 ? 8 : 4;
	if (i->opcode == 0x20) {
		tcg_reg_set(c, i->rm, size, true, cr_read(c, n));
		return;
	}
	uint64_t v = tcg_reg(c, i->rm, size, true);
	switch (n) {
	case 0: tcg_set_cr0(c, v); break;
	case 2: c->cr2 = v; break;
	case 3: tcg_set_cr3(c, v); break;
	case 4: tcg_set_cr4(c, v); break;
	case 8:
		if (v & ~0xfull)
			tcg_raise_gp0(c);
		c->cr8 = v;
		if (c->vcpu && c->vcpu->lapic)
			lapic_set_cr8(c->vcpu->lapic, (uint8_t)v);
		c->io_done = true; /* a lower TPR may unmask an interrupt */
		break;
	}
}

/* Debug registers are kept, not acted on: breakpoints are not emulated. */
static void op_mov_dr(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned n = i->reg & 7;
	if (i->reg > 7)
		tcg_raise_ud(c);
	if ((n == 4 || n == 5) && (c->cr4 & TCG_CR4_DE))
		tcg_raise_ud(c);
	need_cpl0(c);
	if (n == 4 || n == 5)
		n += 2;
	unsigned size = c->code_bits == 64 ? 8 : 4;
	if (i->opcode == 0x21) {
		uint64_t v = c->dr[n];
		if (n == 6)
			v |= 0xffff0ff0u;
		if (n == 7)
			v |= 0x400;
		tcg_reg_set(c, i->rm, size, true, v);
	} else {
		c->dr[n] = tcg_reg(c, i->rm, size, true);
	}
}

static void op_clts(struct tcg_cpu *c, const struct x86_insn *i)
{
	need_cpl0(c);
	c->cr0 &= ~TCG_CR0_TS;
}

static void op_wbinvd(struct tcg_cpu *c, const struct x86_insn *i) { need_cpl0(c); }

/* ---- MSRs, CPUID, TSC ---- */

static void op_rdmsr(struct tcg_cpu *c, const struct x86_insn *i)
{
	uint64_t v;
	need_cpl0(c);
	if (!tcg_rdmsr(c, (uint32_t)c->gpr[1], &v))
		tcg_raise_gp0(c);
	c->gpr[0] = v & 0xffffffffu;
	c->gpr[2] = v >> 32;
}

static void op_wrmsr(struct tcg_cpu *c, const struct x86_insn *i)
{
	need_cpl0(c);
	uint64_t v = (c->gpr[0] & 0xffffffffu) | c->gpr[2] << 32;
	if (!tcg_wrmsr(c, (uint32_t)c->gpr[1], v))
		tcg_raise_gp0(c);
	c->end_block = true;
}

static void op_cpuid(struct tcg_cpu *c, const struct x86_insn *i)
{
	uint32_t r[4];
	tcg_cpuid(c, (uint32_t)c->gpr[0], (uint32_t)c->gpr[1], r);
	c->gpr[0] = r[0];
	c->gpr[3] = r[1];
	c->gpr[1] = r[2];
	c->gpr[2] = r[3];
}

static void op_rdtsc(struct tcg_cpu *c, const struct x86_insn *i)
{
	if ((c->cr4 & TCG_CR4_TSD) && c->cpl)
		tcg_raise_gp0(c);
	uint64_t t = tcg_rdtsc(c);
	c->gpr[0] = t & 0xffffffffu;
	c->gpr[2] = t >> 32;
}

static void op_rdpmc(struct tcg_cpu *c, const struct x86_insn *i) { tcg_raise_gp0(c); }

/* ---- HLT, CLI, STI ---- */

static void op_hlt(struct tcg_cpu *c, const struct x86_insn *i)
{
	need_cpl0(c);
	c->halted = true;
	c->end_block = true;
}

static unsigned iopl(struct tcg_cpu *c) { return (unsigned)(c->rflags >> 12) & 3; }

static void op_cli(struct tcg_cpu *c, const struct x86_insn *i)
{
	if ((c->cr0 & TCG_CR0_PE) && c->cpl > iopl(c))
		tcg_raise_gp0(c);
	c->rflags &= ~TCG_IF;
}

static void op_sti(struct tcg_cpu *c, const struct x86_insn *i)
{
	if ((c->cr0 & TCG_CR0_PE) && c->cpl > iopl(c))
		tcg_raise_gp0(c);
	if (!(c->rflags & TCG_IF)) {
		c->rflags |= TCG_IF;
		c->shadow = 2; /* blocks interrupts until after the next instruction */
		c->end_block = true;
	}
}

/* ---- port I/O ---- */

static void io_check(struct tcg_cpu *c, uint16_t port, unsigned size)
{
	if (!(c->cr0 & TCG_CR0_PE) || (c->cpl <= iopl(c) && !(c->rflags & TCG_VM)))
		return;
	/* the TSS I/O permission bitmap (32/64-bit TSS only) */
	unsigned type = c->tr.attr & 0xf;
	if ((type != 9 && type != 11) || c->tr.limit < 0x67)
		tcg_raise_gp0(c);
	uint32_t base = (uint32_t)tcg_ld_sys(c, c->tr.base + 0x66, 2);
	uint32_t at = base + port / 8;
	if (at + 1 > c->tr.limit)
		tcg_raise_gp0(c);
	uint32_t bits = (uint32_t)tcg_ld_sys(c, c->tr.base + at, 2);
	if ((bits >> (port & 7)) & ((1u << size) - 1))
		tcg_raise_gp0(c);
}

uint32_t tcg_io_in(struct tcg_cpu *c, uint16_t port, unsigned size)
{
	io_check(c, port, size);
	c->io_done = true;
	c->vcpu->exits[VCPU_EXIT_IO]++;
	return vm_pio_read(c->vm, port, size);
}

void tcg_io_out(struct tcg_cpu *c, uint16_t port, unsigned size, uint32_t v)
{
	io_check(c, port, size);
	c->io_done = true;
	c->vcpu->exits[VCPU_EXIT_IO]++;
	vm_pio_write(c->vm, port, size, v);
}

static unsigned io_size(const struct x86_insn *i)
{
	return !(i->opcode & 1) ? 1 : i->opsize == 16 ? 2 : 4;
}

static void op_in(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = io_size(i);
	uint16_t port = i->opcode & 8 ? (uint16_t)c->gpr[2] : (uint16_t)i->imm[0];
	tcg_reg_set(c, 0, size, false, tcg_io_in(c, port, size));
}

static void op_out(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned size = io_size(i);
	uint16_t port = i->opcode & 8 ? (uint16_t)c->gpr[2] : (uint16_t)i->imm[0];
	tcg_io_out(c, port, size, (uint32_t)tcg_reg(c, 0, size, false));
}

/* ---- 0F 01 ---- */

static void op_grp7(struct tcg_cpu *c, const struct x86_insn *i)
{
	unsigned r = i->reg & 7;
	if (i->mod == 3) {
		switch (i->modrm) {
		case 0xf8: /* SWAPGS */
			if (c->code_bits != 64)
				tcg_raise_ud(c);
			need_cpl0(c);
			uint64_t t = c->seg[X86_SEG_GS].base;
			c->seg[X86_SEG_GS].base = c->kernel_gs_base;
			c->kernel_gs_base = t;
			return;
		case 0xf9: { /* RDTSCP */
			if ((c->cr4 & TCG_CR4_TSD) && c->cpl)
				tcg_raise_gp0(c);
			uint64_t ts = tcg_rdtsc(c);
			c->gpr[0] = ts & 0xffffffffu;
			c->gpr[2] = ts >> 32;
			c->gpr[1] = c->tsc_aux & 0xffffffffu;
			return;
		}
		}
		if (r == 4) { /* SMSW r */
			tcg_reg_set(c, i->rm, i->opsize / 8, true, c->cr0 & (i->opsize == 16 ? 0xffff : ~0ull));
			return;
		}
		if (r == 6) { /* LMSW r */
			need_cpl0(c);
			uint64_t v = tcg_reg(c, i->rm, 2, true) & 0xf;
			tcg_set_cr0(c, (c->cr0 & ~0xeull) | v | (c->cr0 & 1));
			return;
		}
		tcg_raise_ud(c);
	}
	unsigned seg = tcg_ea_seg(i);
	uint64_t ea = tcg_ea(c, i);
	uint64_t am = tcg_amask(i);
	switch (r) {
	case 0: /* SGDT */
	case 1: { /* SIDT */
		uint16_t lim = r ? c->idt_limit : c->gdt_limit;
		uint64_t base = r ? c->idt_base : c->gdt_base;
		unsigned bsize = c->code_bits == 64 ? 8 : 4;
		tcg_seg_lin(c, seg, ea, 2 + bsize, TCG_WRITE);
		tcg_st(c, seg, ea, 2, lim);
		tcg_st(c, seg, (ea + 2) & am, bsize, bsize == 4 && i->opsize == 16 ? base & 0xffffff : base);
		return;
	}
	case 2: /* LGDT */
	case 3: { /* LIDT */
		need_cpl0(c);
		unsigned bsize = c->code_bits == 64 ? 8 : 4;
		uint16_t lim = (uint16_t)tcg_ld(c, seg, ea, 2);
		uint64_t base = tcg_ld(c, seg, (ea + 2) & am, bsize);
		if (bsize == 4 && i->opsize == 16)
			base &= 0xffffff;
		if (r == 2) {
			c->gdt_base = base;
			c->gdt_limit = lim;
		} else {
			c->idt_base = base;
			c->idt_limit = lim;
		}
		return;
	}
	case 4: /* SMSW m16 */
		tcg_st(c, seg, ea, 2, c->cr0 & 0xffff);
		return;
	case 6: { /* LMSW m16: cannot clear PE */
		need_cpl0(c);
		uint64_t v = tcg_ld(c, seg, ea, 2) & 0xf;
		tcg_set_cr0(c, (c->cr0 & ~0xeull) | v | (c->cr0 & 1));
		return;
	}
	case 7: /* INVLPG */
		need_cpl0(c);
		tcg_tlb_flush_page(c, tcg_seg_lin(c, seg, ea, 1, TCG_READ));
		c->end_block = true;
		return;
	}
	tcg_raise_ud(c);
}

tcg_op_fn tcg_ops_sys_seg(const struct x86_insn *i);

tcg_op_fn tcg_ops_sys(const struct x86_insn *i)
{
	if (i->vex)
		return NULL;
	if (i->map == X86_MAP_1B) {
		switch (i->opcode) {
		case 0xf4: return op_hlt;
		case 0xfa: return op_cli;
		case 0xfb: return op_sti;
		case 0xe4: case 0xe5: case 0xec: case 0xed: return op_in;
		case 0xe6: case 0xe7: case 0xee: case 0xef: return op_out;
		}
	} else if (i->map == X86_MAP_0F) {
		switch (i->opcode) {
		case 0x01: return op_grp7;
		case 0x06: return op_clts;
		case 0x08: case 0x09: return op_wbinvd;
		case 0x20: case 0x22: return op_mov_cr;
		case 0x21: case 0x23: return op_mov_dr;
		case 0x30: return op_wrmsr;
		case 0x31: return op_rdtsc;
		case 0x32: return op_rdmsr;
		case 0x33: return op_rdpmc;
		case 0xa2: return op_cpuid;
		}
	}
	return tcg_ops_sys_seg(i);
}
