/*
 * hw/pc_irq.c - the pc board's interrupt wiring, as QEMU's pc machine has
 * it (hw/i386/pc.c gsi_handler, hw/intc/apic.c, apic_common.c):
 *
 *   ISA IRQ n  -> 8259 input n and IOAPIC pin n (IRQ 0 -> pin 2, the
 *                 override the MADT announces); GSI 16-23 -> IOAPIC only
 *   8259 INT   -> LINT0 of vCPU 0; the CPU takes the vector from the 8259
 *                 at INTA when its LAPIC accepts PIC interrupts (LINT0 in
 *                 ExtINT mode, or the APIC disabled)
 *   IOAPIC     -> every LAPIC the destination names (lowest priority: the
 *                 first one, as QEMU does when priorities are equal)
 *   LAPIC ICR  -> IPIs by destination or shorthand (SDM Vol. 3A 10.6)
 *   LAPIC EOI of a level-triggered vector -> IOAPIC Remote IRR
 *
 * vm->irq (struct vm_irq_ops) is how the run loop reaches this: the LAPIC
 * first, then the 8259 through ExtINT (SDM Vol. 3A 10.5.1, "ExtINT").
 */
#include "hw/pc.h"

static struct pc *pc_of(struct vcpu *v)
{
	return v->vm->board;
}

/* Something is pending for vCPU i: make its run() return soon. */
static void pc_kick_cpu(struct pc *pc, unsigned int i)
{
	struct vm *vm = pc->vm;

	if (i < vm->nvcpus && vm->vcpus[i].ops && vm->vcpus[i].ops->kick)
		vm->vcpus[i].ops->kick(&vm->vcpus[i]);
}

/* ---- GSIs ---------------------------------------------------------------- */

void pc_set_irq(void *board, unsigned int gsi, bool level)
{
	struct pc *pc = board;

	if (gsi >= PC_GSIS)
		return;
	if (level && !(pc->gsi_level & 1u << gsi))
		pc->gsi_raised[gsi]++;
	if (level)
		pc->gsi_level |= 1u << gsi;
	else
		pc->gsi_level &= ~(1u << gsi);
	if (gsi < 16)
		i8259_set_irq(&pc->pic, gsi, level);
	/* QEMU's ISA IRQ 0 -> GSI 2 override; pin 0 stays for ExtINT. */
	ioapic_set_irq(&pc->ioapic, gsi == 0 ? 2 : gsi, level);
}

/* The 8259's INT output, wired to LINT0 of the BSP. */
void pc_pic_intr(void *opaque, bool level)
{
	struct pc *pc = opaque;

	pc->pic_intr = level;
	lapic_set_lint(&pc->lapic[0], 0, level);
	if (level)
		pc_kick_cpu(pc, 0);
}

/* ---- messages to the LAPICs ---------------------------------------------- */

/* Deliver one interrupt message to the LAPICs that dest names. skip is a
 * LAPIC index to leave out (or ncpus for none). */
static void pc_deliver_dest(struct pc *pc, uint32_t dest, unsigned int dest_mode, unsigned int mode,
                            uint8_t vector, unsigned int trigger)
{
	for (unsigned int i = 0; i < pc->cfg.ncpus; i++) {
		if (!lapic_match_dest(&pc->lapic[i], dest, dest_mode))
			continue;
		lapic_deliver(&pc->lapic[i], mode, vector, trigger);
		if (mode == LAPIC_DM_LOWEST)
			return;
	}
}

void pc_ioapic_deliver(void *opaque, uint8_t dest, unsigned int dest_mode,
                       unsigned int delivery_mode, uint8_t vector, unsigned int trigger)
{
	struct pc *pc = opaque;

	/* ExtINT through the IOAPIC (virtual wire via pin 0) is not wired: the
	 * 8259 reaches the BSP through LINT0 instead. */
	if (delivery_mode == LAPIC_DM_EXTINT || delivery_mode == LAPIC_DM_SMI)
		return;
	pc_deliver_dest(pc, dest, dest_mode, delivery_mode, vector, trigger);
}

void pc_send_ipi(void *opaque, uint32_t dest, unsigned int dest_mode, unsigned int shorthand,
                 unsigned int mode, uint8_t vector)
{
	struct pc_cpu *c = opaque;
	struct pc *pc = c->pc;

	switch (shorthand) {
	case LAPIC_SH_SELF:
		lapic_deliver(&pc->lapic[c->index], mode, vector, 0);
		return;
	case LAPIC_SH_ALL:
	case LAPIC_SH_OTHERS:
		for (unsigned int i = 0; i < pc->cfg.ncpus; i++)
			if (shorthand == LAPIC_SH_ALL || i != c->index)
				lapic_deliver(&pc->lapic[i], mode, vector, 0);
		return;
	default:
		pc_deliver_dest(pc, dest, dest_mode, mode, vector, 0);
	}
}

void pc_eoi_broadcast(void *opaque, uint8_t vector)
{
	struct pc_cpu *c = opaque;

	ioapic_eoi(&c->pc->ioapic, vector);
}

void pc_lapic_notify(void *opaque)
{
	struct pc_cpu *c = opaque;

	pc_kick_cpu(c->pc, c->index);
}

/* ---- the run loop's view (struct vm_irq_ops) ------------------------------ */

/* Does the 8259 reach this vCPU now? Only the BSP's LINT0 is wired. */
static bool pc_pic_pending(struct pc *pc, unsigned int id)
{
	return id == 0 && pc->pic_intr && lapic_accept_pic_intr(&pc->lapic[0]);
}

static bool pc_irq_pending(struct vcpu *v)
{
	struct pc *pc = pc_of(v);

	return lapic_has_interrupt(&pc->lapic[v->id]) || pc_pic_pending(pc, v->id);
}

static int pc_irq_ack(struct vcpu *v)
{
	struct pc *pc = pc_of(v);
	struct lapic *l = &pc->lapic[v->id];

	if (lapic_has_interrupt(l))
		return lapic_get_interrupt(l);
	if (pc_pic_pending(pc, v->id))
		return i8259_get_interrupt(&pc->pic);
	return -1;
}

static bool pc_irq_take_nmi(struct vcpu *v)
{
	return lapic_take_nmi(&pc_of(v)->lapic[v->id]);
}

static bool pc_irq_take_init(struct vcpu *v)
{
	return lapic_take_init(&pc_of(v)->lapic[v->id]);
}

static bool pc_irq_take_sipi(struct vcpu *v, uint8_t *vector)
{
	return lapic_take_sipi(&pc_of(v)->lapic[v->id], vector);
}

/* Each vCPU has its own xAPIC page at the same address (SDM Vol. 3A 10.4.1). */
static bool pc_irq_mmio(struct vcpu *v, uint64_t gpa, unsigned int size, bool write, uint64_t *data)
{
	struct lapic *l = &pc_of(v)->lapic[v->id];
	uint64_t off;

	if (!lapic_mmio_claims(l, gpa))
		return false;
	off = gpa - lapic_base_addr(l);
	if (write)
		lapic_mmio_write(l, off, size, *data);
	else
		*data = lapic_mmio_read(l, off, size);
	return true;
}

const struct vm_irq_ops pc_irq_ops = {
    .pending = pc_irq_pending,
    .ack = pc_irq_ack,
    .take_nmi = pc_irq_take_nmi,
    .take_init = pc_irq_take_init,
    .take_sipi = pc_irq_take_sipi,
    .mmio = pc_irq_mmio,
};
