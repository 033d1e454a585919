/*
 * hw/pc.c - the pc board: builds QEMU's `pc' machine (i440FX + PIIX3) on a
 * struct vm, as QEMU's pc_init1() (hw/i386/pc_piix.c) does. Reading
 * pc_init() tells you the whole machine; the interrupt wiring lives in
 * hw/pc_irq.c. Every bus registration is checked; on failure pc_init()
 * takes back everything it registered.
 */
#include <errno.h>
#include <string.h>

#include "hw/pc.h"
#include "vm/bootcpu.h" /* struct bootcpu_state, bootcpu_write_gdt */
#include "vm/linux_boot.h"
#include "vm/multiboot.h"
#include "vm/run.h" /* vcpu_add */

#define LINUX_BP_ACPI_RSDP 0x070 /* boot_params.acpi_rsdp_addr (zero-page.rst) */

/* ---- what the guest can ask of the board ---------------------------------- */

static size_t pc_com1_write(void *opaque, const uint8_t *buf, size_t n)
{
	struct pc *pc = opaque;

	if (pc->cfg.serial_out)
		pc->cfg.serial_out(pc->cfg.out_opaque, buf, n);
	return n;
}

static void pc_debugcon_out(void *opaque, uint8_t byte)
{
	struct pc *pc = opaque;

	if (pc->cfg.debugcon_out)
		pc->cfg.debugcon_out(pc->cfg.out_opaque, &byte, 1);
}

static void pc_debug_exit(void *opaque, uint64_t status)
{
	struct pc *pc = opaque;

	vm_stop(pc->vm, (int)status, "isa-debug-exit");
}

static void pc_poweroff(void *opaque)
{
	struct pc *pc = opaque;

	vm_stop(pc->vm, 0, "poweroff (ACPI S5)");
}

static void pc_port92_reset(void *opaque)
{
	vm_request_reset(((struct pc *)opaque)->vm, "port 0x92 fast reset");
}

static void pc_i8042_reset(void *opaque)
{
	vm_request_reset(((struct pc *)opaque)->vm, "i8042 reset");
}

static void pc_rcr_reset(void *opaque, bool hard)
{
	struct pc *pc = opaque;

	vm_request_reset(pc->vm, hard ? "0xcf9 hard reset" : "0xcf9 soft reset");
}

/* PAM: no guest ROM yet, so the BIOS area is always RAM; keep the values
 * for when SeaBIOS shadowing needs them. */
static void pc_pam_changed(void *opaque, unsigned int pam, uint8_t value)
{
	struct pc *pc = opaque;

	if (pam < I440FX_PAM_REGS)
		pc->pam[pam] = value;
}

/* PIRQ routing: no PCI device raises INTx yet; keep the routes. */
static void pc_pirq_changed(void *opaque, unsigned int pirq, int irq)
{
	struct pc *pc = opaque;

	if (pirq < PIIX3_PIRQS)
		pc->pirq[pirq] = irq;
}

static const struct i440fx_board_ops pc_i440fx_ops = {
    .pam_changed = pc_pam_changed,
    .pirq_changed = pc_pirq_changed,
    .reset_request = pc_rcr_reset,
};

static void pc_record_chipset(struct pc *pc)
{
	for (unsigned int i = 0; i < I440FX_PAM_REGS; i++)
		pc->pam[i] = i440fx_pam(&pc->i440fx, i);
	for (unsigned int i = 0; i < PIIX3_PIRQS; i++)
		pc->pirq[i] = piix3_pirq_irq(&pc->i440fx, i);
}

/* ---- building the machine ------------------------------------------------- */

/* The legacy ISA devices and the small ports. */
static int pc_init_isa(struct pc *pc)
{
	struct vm *vm = pc->vm;
	const struct hw_env *env = &vm->env;
	const struct ns16550_backend com1_be = {.write = pc_com1_write, .opaque = pc};
	int err;

	i8259_init(&pc->pic, env, pc_pic_intr, pc);
	if ((err = i8259_attach(&pc->pic, &vm->pio)))
		return err;
	i8254_init(&pc->pit, env, 0);
	if ((err = i8254_attach(&pc->pit, &vm->pio)))
		return err;
	port61_init(&pc->port61, env, &pc->pit);
	if ((err = port61_attach(&pc->port61, &vm->pio)))
		return err;

	mc146818_init(&pc->rtc, env, PC_RTC_IRQ, (int64_t)pc->cfg.rtc_base_time);
	mc146818_set_mem_sizes(&pc->rtc, vm->lowmem, vm->highmem);
	mc146818_cmos_set(&pc->rtc, PC_CMOS_NCPUS, (uint8_t)(pc->cfg.ncpus - 1));
	if ((err = mc146818_attach(&pc->rtc, &vm->pio)))
		return err;

	ns16550_init(&pc->com1, env, PC_COM1_IRQ, &com1_be);
	if ((err = ns16550_attach(&pc->com1, &vm->pio, NS16550_COM1)))
		return err;

	i8042_init(&pc->i8042, env, NULL, pc_i8042_reset, pc);
	if ((err = i8042_attach(&pc->i8042, &vm->pio)))
		return err;
	port92_init(&pc->port92, env, NULL, pc_port92_reset, pc);
	if ((err = port92_attach(&pc->port92, &vm->pio)))
		return err;
	port80_init(&pc->port80);
	if ((err = port80_attach(&pc->port80, &vm->pio)))
		return err;
	debugexit_init(&pc->debugexit, env, pc_debug_exit, pc);
	if ((err = debugexit_attach(&pc->debugexit, &vm->pio, DEBUGEXIT_PORT, DEBUGEXIT_SIZE)))
		return err;
	debugcon_init(&pc->debugcon, env, pc_debugcon_out, pc);
	return debugcon_attach(&pc->debugcon, &vm->pio);
}

/* PCI bus 0: the i440FX at 00:00.0, the PIIX3 at 00:01.0, reset at 0xcf9. */
static int pc_init_pci(struct pc *pc)
{
	int err;

	pci_bus_init(&pc->pci);
	i440fx_init(&pc->i440fx, &pc->vm->env, &pc_i440fx_ops, pc);
	if ((err = i440fx_attach(&pc->i440fx, &pc->pci)))
		return err;
	pc_record_chipset(pc);
	return pci_attach(&pc->pci, &pc->vm->pio);
}

/* The IOAPIC and one LAPIC per vCPU (APIC ID = vCPU index, as QEMU). */
static int pc_init_apic(struct pc *pc)
{
	const struct ioapic_config io = {.id = 0, .deliver = pc_ioapic_deliver, .opaque = pc};

	ioapic_init(&pc->ioapic, &pc->vm->env, &io);
	for (unsigned int i = 0; i < pc->cfg.ncpus; i++) {
		const struct lapic_config lc = {
		    .apic_id = i,
		    .bsp = i == 0,
		    .send_ipi = pc_send_ipi,
		    .eoi_broadcast = pc_eoi_broadcast,
		    .notify = pc_lapic_notify,
		    .opaque = &pc->cpu[i],
		};
		pc->cpu[i] = (struct pc_cpu){.pc = pc, .index = i};
		lapic_init(&pc->lapic[i], &pc->vm->env, &lc);
	}
	/* The xAPIC pages are per vCPU: served by pc_irq_ops.mmio, not the bus. */
	return ioapic_attach(&pc->ioapic, &pc->vm->mmio, IOAPIC_DEFAULT_BASE);
}

/* Build the ACPI tables and copy them into guest RAM at PC_ACPI_GPA. */
static int pc_place_acpi(struct pc *pc)
{
	struct acpi_tables_cfg c;
	int err;

	if (!pc->acpi_info.size) {
		acpi_tables_default_cfg(&c, pc->cfg.ncpus);
		err =
		    acpi_tables_build(&c, pc->acpi, sizeof(pc->acpi), PC_ACPI_GPA, &pc->acpi_info);
		if (err)
			return err;
	}
	return vm_mem_write(pc->vm, PC_ACPI_GPA, pc->acpi, pc->acpi_info.size);
}

/* fw_cfg (signature, CPUs, RAM, etc/e820), the PM block and ACPI tables. */
static int pc_init_firmware(struct pc *pc)
{
	struct vm *vm = pc->vm;
	int err;

	fw_cfg_init(&pc->fw_cfg, &vm->env);
	if ((err = fw_cfg_set_cpus(&pc->fw_cfg, (uint16_t)pc->cfg.ncpus)) ||
	    (err = fw_cfg_set_ram_size(&pc->fw_cfg, vm->ram_size)))
		return err;
	fw_cfg_e820_init(&pc->fw_e820);
	for (unsigned int i = 0; i < pc->e820.n; i++) {
		const struct e820_entry *e = &pc->e820.e[i];

		if ((err = fw_cfg_e820_add(&pc->fw_e820, e->addr, e->size, e->type)))
			return err;
	}
	err = fw_cfg_add_e820(&pc->fw_cfg, &pc->fw_e820); /* the file's key, or -errno */
	if (err < 0)
		return err;
	if ((err = fw_cfg_attach(&pc->fw_cfg, &vm->pio)))
		return err;

	acpi_pm_init(&pc->pm, &vm->env, ACPI_PC_SCI_IRQ, pc_poweroff, pc);
	if ((err = acpi_pm_attach(&pc->pm, &vm->pio, ACPI_PC_PM_BASE)))
		return err;
	return pc_place_acpi(pc);
}

static void pc_reset_hook(struct vm *vm)
{
	pc_reset(vm->board);
}

/* Take back every bus range whose device lives inside *pc. */
static void pc_unregister(struct pc *pc, struct bus *bus)
{
	const char *lo = (const char *)pc, *hi = lo + sizeof(*pc);

	for (unsigned int i = bus->count; i-- > 0;) {
		const char *dev = bus->ranges[i].dev;

		if (dev >= lo && dev < hi)
			(void)bus_unregister(bus, bus->ranges[i].base);
	}
}

static void pc_cancel_timers(struct pc *pc)
{
	const struct hw_env *env = &pc->vm->env;

	hw_timer_cancel(env, &pc->pit.timer);
	hw_timer_cancel(env, &pc->rtc.timer);
	hw_timer_cancel(env, &pc->com1.timeout);
	hw_timer_cancel(env, &pc->pm.timer);
	for (unsigned int i = 0; i < pc->cfg.ncpus; i++)
		hw_timer_cancel(env, &pc->lapic[i].timer);
}

static void pc_unwire(struct pc *pc)
{
	struct vm *vm = pc->vm;

	pc_cancel_timers(pc);
	pc_unregister(pc, &vm->pio);
	pc_unregister(pc, &vm->mmio);
	vm->set_irq = NULL;
	vm->board = NULL;
	vm->irq = NULL;
	vm->reset_hook = NULL;
}

int pc_init(struct pc *pc, struct vm *vm, const struct pc_config *cfg)
{
	int err;

	if (!pc || !vm || !cfg || !cfg->cpu_ops || cfg->ncpus < 1 || cfg->ncpus > VM_MAX_VCPUS ||
	    cfg->ncpus > ACPI_MAX_CPUS || vm->nvcpus)
		return -EINVAL;
	memset(pc, 0, sizeof(*pc));
	pc->vm = vm;
	pc->cfg = *cfg;
	if ((err = e820_build_pc(&pc->e820, vm->ram_size)))
		return err;

	/* The IOAPIC and LAPICs come first: the ISA devices' IRQ lines reach
	 * them (through pc_set_irq) from the moment those are created. */
	vm->board = pc;
	vm->set_irq = pc_set_irq;
	if ((err = pc_init_apic(pc)) || (err = pc_init_isa(pc)) || (err = pc_init_pci(pc)) ||
	    (err = pc_init_firmware(pc)))
		goto unwire;

	vm->irq = &pc_irq_ops;
	vm->reset_hook = pc_reset_hook;
	for (unsigned int i = 0; i < cfg->ncpus; i++)
		if ((err = vcpu_add(vm, cfg->cpu_ops, &pc->lapic[i])))
			goto destroy_cpus;
	return 0;

destroy_cpus:
	for (unsigned int i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].ops->destroy)
			vm->vcpus[i].ops->destroy(&vm->vcpus[i]);
	vm->nvcpus = 0;
unwire:
	pc_unwire(pc);
	return err;
}

void pc_destroy(struct pc *pc)
{
	if (!pc || !pc->vm)
		return;
	pc_unwire(pc);
	pc->vm = NULL;
}

/* ---- vCPU 0's entry state -------------------------------------------------- */

static struct vcpu_segment pc_flat_seg(uint16_t sel, uint8_t type, bool long_code)
{
	return (struct vcpu_segment){
	    .base = 0,
	    .limit = 0xffffffffu,
	    .selector = sel,
	    .type = type,
	    .s = 1,
	    .dpl = 0,
	    .present = 1,
	    .l = long_code,
	    .db = !long_code,
	    .g = 1,
	};
}

/* Load a loader's bootcpu_state into vCPU 0 (SDM Vol. 3A 3.4.3, 9.8.5). */
static int pc_set_boot_cpu(struct pc *pc, const struct bootcpu_state *st, const char **why)
{
	const struct vcpu_ops *ops = pc->cfg.cpu_ops;
	struct vcpu *v = &pc->vm->vcpus[0];
	struct vcpu_sregs s;
	struct vcpu_regs r = {
	    .rip = st->rip, .rax = st->rax, .rbx = st->rbx, .rsi = st->rsi, .rflags = 0x2};
	int err;

	if (!pc->vm->nvcpus || !ops->set_regs || !ops->set_sregs) {
		*why = "the CPU backend cannot set registers";
		return -EINVAL;
	}
	memset(&s, 0, sizeof(s));
	if (ops->get_sregs && ops->get_sregs(v, &s))
		memset(&s, 0, sizeof(s));
	s.cs = pc_flat_seg(st->cs, 0xb, st->long_mode); /* execute/read, accessed */
	s.ds = pc_flat_seg(st->ds, 0x3, false);         /* read/write, accessed */
	s.es = s.fs = s.gs = s.ss = s.ds;
	s.tr = (struct vcpu_segment){.limit = 0xffff, .type = 0xb, .present = 1}; /* busy TSS */
	s.ldt = (struct vcpu_segment){.limit = 0xffff, .type = 0x2, .present = 1};
	s.gdt = (struct vcpu_dtable){.base = st->gdt_base, .limit = st->gdt_limit};
	s.idt = (struct vcpu_dtable){0};
	s.cr0 = st->cr0;
	s.cr3 = st->cr3;
	s.cr4 = st->cr4;
	s.efer = st->efer;
	if ((err = ops->set_sregs(v, &s)) || (err = ops->set_regs(v, &r))) {
		*why = "the CPU backend refused the entry state";
		return err;
	}
	v->state = VCPU_RUNNING;
	pc->boot.entry_rip = st->rip;
	return 0;
}

static int pc_run_linux(struct pc *pc, const char **why)
{
	const struct hw_env *env = &pc->vm->env;
	const struct linux_load_args a = {
	    .image = pc->boot.kernel,
	    .image_len = pc->boot.klen,
	    .cmdline = pc->boot.cmdline,
	    .initrd = pc->boot.initrd,
	    .initrd_len = pc->boot.ilen,
	    .e820 = &pc->e820,
	};
	struct linux_entry le;
	struct bootcpu_state st;
	uint8_t rsdp[8];
	int err;

	if ((err = linux_load(env, &a, &le, why)))
		return err;
	if ((err = linux_entry_state(env, &le, le.long_mode, LINUX_TABLES_GPA, &st))) {
		*why = "cannot write the boot GDT and page tables";
		return err;
	}
	/* Tell the kernel where the RSDP is, so it need not scan. */
	for (unsigned int i = 0; i < 8; i++)
		rsdp[i] = (uint8_t)(pc->acpi_info.rsdp >> (8 * i));
	if ((err = hw_mem_write(env, le.rsi + LINUX_BP_ACPI_RSDP, rsdp, sizeof(rsdp)))) {
		*why = "cannot write boot_params.acpi_rsdp_addr";
		return err;
	}
	return pc_set_boot_cpu(pc, &st, why);
}

static int pc_run_multiboot(struct pc *pc, const char **why)
{
	const struct hw_env *env = &pc->vm->env;
	const struct multiboot_load_args a = {
	    .image = pc->boot.kernel,
	    .image_len = pc->boot.klen,
	    .cmdline = pc->boot.cmdline,
	    .e820 = &pc->e820,
	};
	struct multiboot_entry e;
	struct bootcpu_state st;
	int err;

	if ((err = multiboot_load(env, &a, &e, why)))
		return err;
	multiboot_entry_state(&e, &st);
	/* Multiboot allows an invalid GDTR; give a valid one unless the
	 * kernel sits where it would go. */
	if (e.kernel_start >= LINUX_TABLES_GPA + BOOTCPU_GDT_SIZE ||
	    e.mods_end <= LINUX_TABLES_GPA) {
		if ((err = bootcpu_write_gdt(env, LINUX_TABLES_GPA, false, &st))) {
			*why = "cannot write the boot GDT";
			return err;
		}
	}
	return pc_set_boot_cpu(pc, &st, why);
}

static int pc_run_loader(struct pc *pc, const char **why)
{
	switch (pc->boot.kind) {
	case PC_BOOT_LINUX:
		return pc_run_linux(pc, why);
	case PC_BOOT_MULTIBOOT:
		return pc_run_multiboot(pc, why);
	default:
		return 0;
	}
}

int pc_load_linux(struct pc *pc, const void *kernel, size_t klen, const void *initrd, size_t ilen,
                  const char *cmdline, const char **why)
{
	const char *dummy;
	int err;

	if (!why)
		why = &dummy;
	pc->boot = (struct pc_boot){.kind = PC_BOOT_LINUX,
	                            .kernel = kernel,
	                            .klen = klen,
	                            .initrd = initrd,
	                            .ilen = ilen,
	                            .cmdline = cmdline};
	if ((err = pc_run_loader(pc, why)))
		pc->boot.kind = PC_BOOT_NONE;
	return err;
}

int pc_load_multiboot(struct pc *pc, const void *kernel, size_t klen, const char *cmdline,
                      const char **why)
{
	const char *dummy;
	int err;

	if (!why)
		why = &dummy;
	pc->boot = (struct pc_boot){
	    .kind = PC_BOOT_MULTIBOOT, .kernel = kernel, .klen = klen, .cmdline = cmdline};
	if ((err = pc_run_loader(pc, why)))
		pc->boot.kind = PC_BOOT_NONE;
	return err;
}

size_t pc_serial_input(struct pc *pc, const uint8_t *buf, size_t n)
{
	return ns16550_receive(&pc->com1, buf, n);
}

/* ---- reset ------------------------------------------------------------------ */

void pc_reset(struct pc *pc)
{
	const char *why = NULL;

	i8259_reset(&pc->pic);
	i8254_reset(&pc->pit);
	memset(&pc->port61.s, 0, sizeof(pc->port61.s));
	ns16550_reset(&pc->com1);
	i8042_reset(&pc->i8042);
	port92_reset(&pc->port92);
	i440fx_reset(&pc->i440fx);
	pc_record_chipset(pc);
	ioapic_reset(&pc->ioapic);
	for (unsigned int i = 0; i < pc->cfg.ncpus; i++)
		lapic_reset(&pc->lapic[i]);
	fw_cfg_reset(&pc->fw_cfg);
	acpi_pm_reset(&pc->pm);
	/* The RTC keeps its time and CMOS across a reset, as on real boards. */

	/* The guest may have overwritten its tables, or its kernel. */
	if (pc_place_acpi(pc))
		vm_crash(pc->vm, "reset: cannot place the ACPI tables");
	else if (pc_run_loader(pc, &why))
		vm_crash(pc->vm, why ? why : "reset: cannot reload the kernel");
}
