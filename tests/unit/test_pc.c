/* hw/pc.c: the whole board on a struct vm, driven through vm->pio, the MMIO
 * bus and vm->irq the way a vCPU's exits would, with a fake host clock and a
 * fake backend that records the registers the loaders set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "fake_ram.h" /* put_le*, le* */
#include "hw/pc.h"
#include "vm/bootcpu.h"
#include "vm/linux_boot.h"
#include "vm/multiboot.h"
#include "vm/run.h"

/* ---- fake host ---------------------------------------------------------- */
static uint64_t host_now;
static void *h_alloc(void *o, uint64_t n) { (void)o; return calloc(1, n); }
static void h_free(void *o, void *p, uint64_t n) { (void)o; (void)n; free(p); }
static uint64_t h_clock(void *o) { (void)o; return host_now; }
static void h_wait(void *o, uint64_t deadline) { (void)o; if (deadline > host_now) host_now = deadline; }
static const struct vm_host host = {.ram_alloc = h_alloc, .ram_free = h_free, .clock_ns = h_clock, .wait = h_wait};

/* ---- fake backend: records registers, replays no code --------------------- */
struct fake_cpu {
	struct vcpu_regs regs;
	struct vcpu_sregs sregs;
	int resets, set_regs_calls, kicks;
};
static struct fake_cpu fcpu[4];

static int f_init(struct vcpu *v) { v->backend = &fcpu[v->id]; return 0; }
static void f_reset(struct vcpu *v) { ((struct fake_cpu *)v->backend)->resets++; }
static int f_run(struct vcpu *v, struct vcpu_exit *e) { (void)v; *e = (struct vcpu_exit){.reason = VCPU_EXIT_HLT}; return 0; }
static int f_get_regs(struct vcpu *v, struct vcpu_regs *r) { *r = ((struct fake_cpu *)v->backend)->regs; return 0; }
static int f_set_regs(struct vcpu *v, const struct vcpu_regs *r)
{
	struct fake_cpu *c = v->backend;
	c->regs = *r;
	c->set_regs_calls++;
	return 0;
}
static int f_get_sregs(struct vcpu *v, struct vcpu_sregs *s) { *s = ((struct fake_cpu *)v->backend)->sregs; return 0; }
static int f_set_sregs(struct vcpu *v, const struct vcpu_sregs *s) { ((struct fake_cpu *)v->backend)->sregs = *s; return 0; }
static bool f_window(struct vcpu *v) { (void)v; return true; }
static void f_req_window(struct vcpu *v) { (void)v; }
static int f_inject(struct vcpu *v, const struct vcpu_event *e) { (void)v; (void)e; return 0; }
static void f_kick(struct vcpu *v) { ((struct fake_cpu *)v->backend)->kicks++; }
static const struct vcpu_ops fake_ops = {
	.name = "fake", .init = f_init, .reset = f_reset, .run = f_run,
	.get_regs = f_get_regs, .set_regs = f_set_regs, .get_sregs = f_get_sregs,
	.set_sregs = f_set_sregs, .irq_window_open = f_window,
	.request_irq_window = f_req_window, .inject = f_inject, .kick = f_kick,
};

/* ---- output sinks ----------------------------------------------------------- */
static char serial_buf[64], debug_buf[64];
static size_t serial_len, debug_len;
static void serial_out(void *o, const uint8_t *b, size_t n)
{
	(void)o;
	for (size_t i = 0; i < n && serial_len < sizeof(serial_buf) - 1; i++)
		serial_buf[serial_len++] = (char)b[i];
}
static void debug_out(void *o, const uint8_t *b, size_t n)
{
	(void)o;
	for (size_t i = 0; i < n && debug_len < sizeof(debug_buf) - 1; i++)
		debug_buf[debug_len++] = (char)b[i];
}

/* ---- the machine under test --------------------------------------------------- */
static struct vm *vm;
static struct pc *pc;

static void new_pc(uint64_t ram, unsigned int ncpus)
{
	struct pc_config cfg = {
		.ncpus = ncpus, .cpu_ops = &fake_ops, .serial_out = serial_out,
		.debugcon_out = debug_out, .rtc_base_time = 1700000000,
	};
	memset(fcpu, 0, sizeof(fcpu));
	memset(serial_buf, 0, sizeof(serial_buf));
	memset(debug_buf, 0, sizeof(debug_buf));
	serial_len = debug_len = 0;
	host_now = 0;
	vm = calloc(1, sizeof(*vm));
	pc = calloc(1, sizeof(*pc));
	assert_non_null(vm);
	assert_non_null(pc);
	assert_int_equal(vm_init(vm, "pc", ram, &host), 0);
	assert_int_equal(pc_init(pc, vm, &cfg), 0);
	assert_int_equal(vm->nvcpus, ncpus);
	vm->state = VM_RUNNING;
}

static void free_pc(void)
{
	pc_destroy(pc);
	vm_destroy(vm);
	free(pc);
	free(vm);
}

static void outb(uint16_t p, uint8_t v) { vm_pio_write(vm, p, 1, v); }
static void outw(uint16_t p, uint16_t v) { vm_pio_write(vm, p, 2, v); }
static void outl(uint16_t p, uint32_t v) { vm_pio_write(vm, p, 4, v); }
static uint8_t inb(uint16_t p) { return (uint8_t)vm_pio_read(vm, p, 1); }
static uint32_t inl(uint16_t p) { return vm_pio_read(vm, p, 4); }
static uint8_t cmos(uint8_t idx) { outb(0x70, idx); return inb(0x71); }

/* Advance the host (and VM) clock and run the due device timers. */
static void clock_step(uint64_t ns)
{
	host_now += ns;
	timerq_run(&vm->timerq, vm_clock_ns(vm));
}

static void ioapic_write(uint32_t idx, uint32_t val)
{
	vm_mmio_write(vm, IOAPIC_DEFAULT_BASE + IOAPIC_IOREGSEL, 4, idx);
	vm_mmio_write(vm, IOAPIC_DEFAULT_BASE + IOAPIC_IOWIN, 4, val);
}

/* xAPIC register access as vCPU cpu's MMIO exit would make it. */
static void lapic_write(unsigned int cpu, uint32_t off, uint32_t val)
{
	uint64_t d = val;
	assert_true(vm->irq->mmio(&vm->vcpus[cpu], LAPIC_DEFAULT_BASE + off, 4, true, &d));
}
static uint32_t lapic_read(unsigned int cpu, uint32_t off)
{
	uint64_t d = 0;
	assert_true(vm->irq->mmio(&vm->vcpus[cpu], LAPIC_DEFAULT_BASE + off, 4, false, &d));
	return (uint32_t)d;
}

/* ICW1-4 for the pair: vectors 0x20/0x28, cascade on IR2, then the masks. */
static void pic_init(uint8_t master_mask, uint8_t slave_mask)
{
	outb(0x20, 0x11); outb(0x21, 0x20); outb(0x21, 0x04); outb(0x21, 0x01);
	outb(0xa0, 0x11); outb(0xa1, 0x28); outb(0xa1, 0x02); outb(0xa1, 0x01);
	outb(0x21, master_mask);
	outb(0xa1, slave_mask);
}

/* ---- tests -------------------------------------------------------------------- */

static void test_init_rejects_bad_config(void **st)
{
	(void)st;
	struct vm *v = calloc(1, sizeof(*v));
	struct pc *p = calloc(1, sizeof(*p));
	struct pc_config cfg = {.ncpus = 0, .cpu_ops = &fake_ops};
	assert_int_equal(vm_init(v, "bad", 16 << 20, &host), 0);
	assert_int_equal(pc_init(p, v, &cfg), -EINVAL);
	cfg.ncpus = VM_MAX_VCPUS + 1;
	assert_int_equal(pc_init(p, v, &cfg), -EINVAL);
	cfg.ncpus = 1;
	cfg.cpu_ops = NULL;
	assert_int_equal(pc_init(p, v, &cfg), -EINVAL);
	assert_int_equal(v->pio.count, 0);
	vm_destroy(v);
	free(v);
	free(p);
}

static uint64_t squat_read(void *d, uint64_t o, unsigned int s) { (void)d; (void)o; (void)s; return 0; }
static void squat_write(void *d, uint64_t o, unsigned int s, uint64_t v) { (void)d; (void)o; (void)s; (void)v; }
static const struct bus_ops squatter = {.read = squat_read, .write = squat_write};

/* A port already taken makes pc_init fail and take back all it registered. */
static void test_init_unwinds_on_a_taken_port(void **st)
{
	(void)st;
	struct vm *v = calloc(1, sizeof(*v));
	struct pc *p = calloc(1, sizeof(*p));
	struct pc_config cfg = {.ncpus = 1, .cpu_ops = &fake_ops};
	assert_int_equal(vm_init(v, "busy", 16 << 20, &host), 0);
	assert_int_equal(bus_register(&v->pio, 0x510, 1, &squatter, NULL, "squatter"), 0);
	assert_int_equal(pc_init(p, v, &cfg), -EBUSY);
	assert_int_equal(v->pio.count, 1);  /* only the squatter is left */
	assert_int_equal(v->mmio.count, 0);
	assert_int_equal(v->nvcpus, 0);
	assert_null(v->irq);
	assert_int_equal(timerq_next_deadline(&v->timerq), TIMERQ_NEVER);
	vm_destroy(v);
	free(v);
	free(p);
}

static void test_pic_icw_imr_and_elcr_read_back(void **st)
{
	(void)st;
	new_pc(16 << 20, 1);
	pic_init(0xfb, 0xbf);
	assert_int_equal(inb(0x21), 0xfb);
	assert_int_equal(inb(0xa1), 0xbf);
	outb(0x4d1, 0x0e);
	assert_int_equal(inb(0x4d1), 0x0e);
	free_pc();
}

static void test_pit_latch_counts_down(void **st)
{
	(void)st;
	new_pc(16 << 20, 1);
	outb(0x43, 0x34);             /* counter 0, LSB then MSB, mode 2 */
	outb(0x40, 0x00);
	outb(0x40, 0x10);             /* 0x1000 */
	clock_step(1000000);          /* 1 ms = 1193 ticks */
	outb(0x43, 0x00);             /* latch counter 0 */
	uint16_t c = inb(0x40);
	c |= (uint16_t)(inb(0x40) << 8);
	assert_true(c < 0x1000 - 1100 && c > 0x1000 - 1300);
	free_pc();
}

static void test_port61_gate_and_refresh(void **st)
{
	(void)st;
	new_pc(16 << 20, 1);
	assert_false(i8254_get_gate(&pc->pit, 2));
	outb(0x61, 0x01);
	assert_true(i8254_get_gate(&pc->pit, 2));
	uint8_t a = inb(0x61), b = inb(0x61);
	assert_int_equal(a & 1, 1);
	assert_int_equal((a ^ b) & 0x10, 0x10); /* refresh toggles */
	free_pc();
}

static void test_cmos_memory_size_64m(void **st)
{
	(void)st;
	new_pc(64 << 20, 2);
	assert_int_equal(cmos(0x15) | cmos(0x16) << 8, 640);
	assert_int_equal(cmos(0x17) | cmos(0x18) << 8, 63 * 1024);
	assert_int_equal(cmos(0x30) | cmos(0x31) << 8, 63 * 1024);
	assert_int_equal(cmos(0x34) | cmos(0x35) << 8, (64 - 16) * 16);
	assert_int_equal(cmos(0x5b) | cmos(0x5c) << 8 | cmos(0x5d) << 16, 0);
	assert_int_equal(cmos(PC_CMOS_NCPUS), 1);
	free_pc();
}

static void test_cmos_memory_size_above_4g(void **st)
{
	(void)st;
	new_pc(5ull << 30, 1);
	assert_true(vm->highmem > 0);
	assert_int_equal(cmos(0x17) | cmos(0x18) << 8, 0xffff);      /* capped */
	assert_int_equal(cmos(0x34) | cmos(0x35) << 8, (vm->lowmem - (16 << 20)) >> 16);
	assert_int_equal(cmos(0x5b) | cmos(0x5c) << 8 | cmos(0x5d) << 16, vm->highmem >> 16);
	/* fw_cfg's etc/e820 and RAM size agree with the split. */
	assert_int_equal(pc->fw_e820.count, pc->e820.n);
	assert_int_equal(le64(pc->fw_e820.raw + (pc->e820.n - 1) * FW_CFG_E820_ENTRY_SIZE), 4ull << 30);
	free_pc();
}

static void test_uart_scratch_and_output(void **st)
{
	(void)st;
	new_pc(16 << 20, 1);
	outb(0x3ff, 0x5a);
	assert_int_equal(inb(0x3ff), 0x5a);
	assert_true(inb(0x3fd) & NS16550_LSR_THRE);
	outb(0x3f8, 'h');
	outb(0x3f8, 'i');
	assert_string_equal(serial_buf, "hi");
	free_pc();
}

static void test_serial_input_raises_irq4(void **st)
{
	(void)st;
	new_pc(16 << 20, 1);
	outb(0x3f9, NS16550_IER_RDI);
	outb(0x3fc, NS16550_MCR_OUT2);
	assert_false(pc->gsi_level & (1u << 4));
	assert_int_equal(pc_serial_input(pc, (const uint8_t *)"x", 1), 1);
	assert_true(pc->gsi_level & (1u << 4));
	assert_true(pc->ioapic.s.level & (1u << 4));
	assert_int_equal(inb(0x3f8), 'x');
	assert_false(pc->gsi_level & (1u << 4));
	free_pc();
}

static void test_pci_ids(void **st)
{
	(void)st;
	new_pc(16 << 20, 1);
	outl(0xcf8, 0x80000000);              /* 00:00.0 */
	assert_int_equal(inl(0xcfc), 0x12378086);
	outl(0xcf8, 0x80000800);              /* 00:01.0 */
	assert_int_equal(inl(0xcfc), 0x70008086);
	outl(0xcf8, 0x80001000);              /* 00:02.0: absent */
	assert_int_equal(inl(0xcfc), 0xffffffff);
	/* PIRQ routing and PAM writes reach the board. */
	outl(0xcf8, 0x80000800 | PIIX3_PIRQC);
	outb(0xcfc, 0x0b);
	assert_int_equal(pc->pirq[0], 11);
	outl(0xcf8, 0x80000000 | (I440FX_PAM0 & ~3));
	outb(0xcfc + (I440FX_PAM0 & 3), 0x30);
	assert_int_equal(pc->pam[0], 0x30);
	free_pc();
}

static void test_fw_cfg_signature_cpus_ram(void **st)
{
	(void)st;
	new_pc(32 << 20, 3);
	char sig[5] = {0};
	outw(0x510, FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		sig[i] = (char)inb(0x511);
	assert_string_equal(sig, "QEMU");
	outw(0x510, FW_CFG_NB_CPUS);
	uint16_t n = inb(0x511);
	n |= (uint16_t)(inb(0x511) << 8);
	assert_int_equal(n, 3);
	outw(0x510, FW_CFG_RAM_SIZE);
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = inb(0x511);
	assert_int_equal(le64(b), 32 << 20);
	free_pc();
}

static void test_pit_irq0_reaches_lapic_through_ioapic_pin2(void **st)
{
	(void)st;
	new_pc(16 << 20, 1);
	struct vcpu *v = &vm->vcpus[0];
	pic_init(0xff, 0xff);                 /* the 8259 stays out of it */
	lapic_write(0, LAPIC_SVR, 0x1ff);
	outb(0x43, 0x34);
	outb(0x40, 0xa9);
	outb(0x40, 0x04);                     /* 1193: 1 ms */
	clock_step(2000000);
	assert_false(vm->irq->pending(v));    /* pin 2 still masked */
	ioapic_write(IOAPIC_REG_REDIR + 2 * 2 + 1, 0);        /* dest APIC 0 */
	ioapic_write(IOAPIC_REG_REDIR + 2 * 2, 0x30);         /* unmasked, edge */
	uint64_t before = pc->ioapic.delivered;
	clock_step(2000000);
	assert_true(pc->ioapic.delivered > before);
	assert_true(vm->irq->pending(v));
	assert_int_equal(vm->irq->ack(v), 0x30);
	assert_true(fcpu[0].kicks > 0);
	free_pc();
}

static void test_pic_reaches_only_the_bsp_through_extint(void **st)
{
	(void)st;
	new_pc(16 << 20, 2);
	pic_init(0xfe, 0xff);                 /* only IRQ 0 */
	outb(0x43, 0x34);
	outb(0x40, 0xa9);
	outb(0x40, 0x04);
	clock_step(2000000);
	assert_true(pc->pic_intr);
	assert_true(vm->irq->pending(&vm->vcpus[0]));
	assert_false(vm->irq->pending(&vm->vcpus[1]));
	assert_int_equal(vm->irq->ack(&vm->vcpus[0]), 0x20);
	/* With LINT0 masked the BSP no longer takes PIC interrupts. */
	lapic_write(0, LAPIC_SVR, 0x1ff);
	lapic_write(0, LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	outb(0x20, 0x20);                     /* EOI */
	clock_step(2000000);
	assert_true(pc->pic_intr);
	assert_false(vm->irq->pending(&vm->vcpus[0]));
	free_pc();
}

static void test_ipis_fixed_self_and_init_sipi(void **st)
{
	(void)st;
	new_pc(16 << 20, 2);
	pic_init(0xff, 0xff);                 /* PIT IRQ 0 would reach the BSP */
	lapic_write(0, LAPIC_SVR, 0x1ff);
	lapic_write(1, LAPIC_SVR, 0x1ff);
	assert_int_equal(lapic_read(1, LAPIC_ID) >> 24, 1);
	lapic_write(0, LAPIC_ICR2, 1u << 24);
	lapic_write(0, LAPIC_ICR, 0x40);                    /* fixed, to APIC 1 */
	assert_false(vm->irq->pending(&vm->vcpus[0]));
	assert_true(vm->irq->pending(&vm->vcpus[1]));
	assert_int_equal(vm->irq->ack(&vm->vcpus[1]), 0x40);
	lapic_write(0, LAPIC_ICR, 0x41 | (LAPIC_SH_SELF << 18));
	assert_int_equal(vm->irq->ack(&vm->vcpus[0]), 0x41);
	/* INIT then SIPI to all others: the AP starts at vector << 12. */
	lapic_write(0, LAPIC_ICR, 0x4500 | (LAPIC_SH_OTHERS << 18));
	lapic_write(0, LAPIC_ICR, 0x4600 | 0x9a | (LAPIC_SH_OTHERS << 18));
	assert_int_equal(vm->vcpus[1].state, VCPU_WAIT_SIPI);
	vcpu_step(&vm->vcpus[1]);             /* INIT, SIPI, then runs (to HLT) */
	assert_int_equal(fcpu[1].resets, 1);
	assert_int_equal(vm->vcpus[1].exits[VCPU_EXIT_HLT], 1);
	assert_int_equal(fcpu[1].sregs.cs.base, 0x9a000);
	assert_int_equal(vm->vcpus[0].state, VCPU_RUNNING); /* not the sender */
	free_pc();
}

static void test_level_eoi_reaches_the_ioapic(void **st)
{
	(void)st;
	new_pc(16 << 20, 1);
	struct vcpu *v = &vm->vcpus[0];
	lapic_write(0, LAPIC_SVR, 0x1ff);
	ioapic_write(IOAPIC_REG_REDIR + 2 * 9, 0x50 | IOAPIC_RTE_LEVEL);
	pc_set_irq(pc, 9, true);
	assert_true(ioapic_reg_read(&pc->ioapic, IOAPIC_REG_REDIR + 2 * 9) & IOAPIC_RTE_REMOTE_IRR);
	assert_int_equal(vm->irq->ack(v), 0x50);
	pc_set_irq(pc, 9, false);
	lapic_write(0, LAPIC_EOI, 0);
	assert_false(ioapic_reg_read(&pc->ioapic, IOAPIC_REG_REDIR + 2 * 9) & IOAPIC_RTE_REMOTE_IRR);
	free_pc();
}

static void test_debug_exit_and_debugcon(void **st)
{
	(void)st;
	new_pc(16 << 20, 1);
	outb(0xe9, 'o');
	outb(0xe9, 'k');
	assert_string_equal(debug_buf, "ok");
	assert_int_equal(inb(0xe9), 0xe9);
	outb(0x80, 0x42);
	assert_int_equal(port80_last(&pc->port80), 0x42);
	outb(0xf4, 0x10);
	assert_int_equal(vm->state, VM_STOPPED);
	assert_int_equal(vm->exit_status, 0x21);
	free_pc();
}

static void test_reset_ports_count_and_reset_devices(void **st)
{
	(void)st;
	new_pc(16 << 20, 1);
	pic_init(0xfb, 0xff);
	outb(0xcf9, 0x06);
	assert_int_equal(vm->resets, 1);
	assert_int_equal(inb(0x21), 0x00);   /* the PIC was reset */
	assert_int_equal(fcpu[0].resets, 1);
	outb(0x92, 0x01);
	assert_int_equal(vm->resets, 2);
	outb(0x64, 0xfe);
	assert_int_equal(vm->resets, 3);
	assert_int_equal(vm->state, VM_RUNNING);
	free_pc();
}

/* Find "RSD PTR " on a 16-byte boundary in 0xe0000-0xfffff, as a guest does. */
static uint64_t scan_rsdp(void)
{
	for (uint64_t a = 0xe0000; a < 0x100000; a += 16)
		if (!memcmp(vm->ram + a, "RSD PTR ", 8))
			return a;
	return 0;
}

static void assert_table(uint64_t gpa, const char *sig)
{
	const uint8_t *t = vm->ram + gpa;
	assert_true(gpa > 0 && gpa < vm->lowmem);
	assert_memory_equal(t, sig, 4);
	assert_int_equal(acpi_checksum(t, le32(t + 4)), 0);
}

static void test_acpi_rsdp_found_and_checksums(void **st)
{
	(void)st;
	new_pc(64 << 20, 4);
	uint64_t r = scan_rsdp();
	assert_int_equal(r, PC_ACPI_GPA);
	const uint8_t *p = vm->ram + r;
	assert_int_equal(acpi_checksum(p, 20), 0);
	assert_int_equal(acpi_checksum(p, le32(p + 20)), 0);
	assert_table(le32(p + 16), "RSDT");
	uint64_t xsdt = le64(p + 24);
	assert_table(xsdt, "XSDT");
	uint32_t n = (le32(vm->ram + xsdt + 4) - 36) / 8;
	assert_true(n >= 2);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t t = le64(vm->ram + xsdt + 36 + 8 * i);
		assert_int_equal(acpi_checksum(vm->ram + t, le32(vm->ram + t + 4)), 0);
	}
	/* MADT lists every vCPU: 4 LAPIC entries. */
	const uint8_t *m = vm->ram + pc->acpi_info.madt;
	unsigned int lapics = 0;
	for (uint32_t off = 44; off < le32(m + 4); off += m[off + 1])
		lapics += m[off] == ACPI_MADT_LAPIC;
	assert_int_equal(lapics, 4);
	/* A reset puts back tables the guest overwrote. */
	memset(vm->ram + r, 0, 8);
	outb(0xcf9, 0x06);
	assert_int_equal(scan_rsdp(), PC_ACPI_GPA);
	free_pc();
}

static void test_pm_slp_en_powers_off(void **st)
{
	(void)st;
	new_pc(16 << 20, 1);
	assert_true(vm_pio_read(vm, ACPI_PC_PM_BASE + ACPI_PM_CNT, 2) & ACPI_PM1_SCI_EN);
	outw(ACPI_PC_PM_BASE + ACPI_PM_CNT, ACPI_PM1_SLP_EN | (ACPI_PM_SLP_TYP_S5 << ACPI_PM1_SLP_TYP_SHIFT));
	assert_int_equal(vm->state, VM_STOPPED);
	assert_int_equal(vm->exit_status, 0);
	assert_non_null(strstr(vm->stop_reason, "poweroff"));
	free_pc();
}

/* ---- loaders ------------------------------------------------------------------- */

/* A Multiboot ELF32: 0x100 bytes at file 0x1000 loaded at 1 MiB, entry
 * vaddr 0xc0100010 (physical 0x100010). */
static uint8_t *make_mb_elf(size_t *len)
{
	uint8_t *img = calloc(1, 0x2000);
	assert_non_null(img);
	memcpy(img, "\177ELF", 4);
	img[4] = 1; img[5] = 1; img[6] = 1;
	put_le16(img + 16, 2);
	put_le16(img + 18, 3);
	put_le32(img + 20, 1);
	put_le32(img + 24, 0xc0100010);
	put_le32(img + 28, 52);
	put_le16(img + 42, 32);
	put_le16(img + 44, 1);
	uint8_t *ph = img + 52;
	put_le32(ph, 1);
	put_le32(ph + 4, 0x1000);
	put_le32(ph + 8, 0xc0100000);
	put_le32(ph + 12, 0x100000);
	put_le32(ph + 16, 0x100);
	put_le32(ph + 20, 0x200);
	uint32_t flags = MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO;
	put_le32(img + 0x200, MULTIBOOT_HEADER_MAGIC);
	put_le32(img + 0x204, flags);
	put_le32(img + 0x208, (uint32_t)-(MULTIBOOT_HEADER_MAGIC + flags));
	for (int i = 0; i < 0x100; i++)
		img[0x1000 + i] = (uint8_t)(0x90 + i);
	*len = 0x2000;
	return img;
}

static void test_multiboot_sets_eax_ebx_eip(void **st)
{
	(void)st;
	new_pc(32 << 20, 1);
	size_t len;
	uint8_t *img = make_mb_elf(&len);
	const char *why = NULL;
	assert_int_equal(pc_load_multiboot(pc, img, len, "mb test", &why), 0);
	assert_int_equal(fcpu[0].regs.rax, MULTIBOOT_BOOT_MAGIC);
	assert_int_equal(fcpu[0].regs.rbx, MULTIBOOT_INFO_GPA);
	assert_int_equal(fcpu[0].regs.rip, 0x100010);
	assert_int_equal(fcpu[0].regs.rflags, 0x2);
	assert_int_equal(fcpu[0].sregs.cr0 & BOOTCPU_CR0_PE, BOOTCPU_CR0_PE);
	assert_int_equal(fcpu[0].sregs.efer, 0);
	assert_int_equal(fcpu[0].sregs.cs.db, 1);
	assert_int_equal(fcpu[0].sregs.cs.limit, 0xffffffffu);
	assert_int_equal(fcpu[0].sregs.gdt.base, LINUX_TABLES_GPA);
	assert_memory_equal(vm->ram + 0x100000, img + 0x1000, 0x100);
	/* A reset reloads the kernel and re-enters it. */
	vm->ram[0x100000] = 0;
	fcpu[0].regs.rip = 0xfff0;
	outb(0x92, 0x01);
	assert_int_equal(fcpu[0].regs.rip, 0x100010);
	assert_int_equal(vm->ram[0x100000], 0x90);
	/* A bad image is refused with a reason. */
	img[0x200] = 0;
	why = NULL;
	assert_int_not_equal(pc_load_multiboot(pc, img, len, NULL, &why), 0);
	assert_non_null(why);
	free(img);
	free_pc();
}

/* A minimal bzImage (protocol 2.15, 64-bit entry, pref address 16 MiB). */
static uint8_t *make_bz(size_t *len)
{
	size_t off = 2 * 512, klen = 0x3000;
	uint8_t *img = calloc(1, off + klen);
	assert_non_null(img);
	img[0x1f1] = 1;
	put_le32(img + 0x1f4, (uint32_t)(klen / 16));
	put_le16(img + 0x1fe, 0xaa55);
	img[0x200] = 0xeb;
	img[0x201] = 0x268 - 0x202;
	memcpy(img + 0x202, "HdrS", 4);
	put_le16(img + 0x206, 0x020f);
	img[0x211] = LINUX_LOADED_HIGH;
	put_le32(img + 0x214, 0x100000);
	put_le32(img + 0x22c, 0x7fffffff);
	put_le32(img + 0x230, 0x200000);
	img[0x234] = 1;
	put_le16(img + 0x236, LINUX_XLF_KERNEL_64);
	put_le32(img + 0x238, 2047);
	put_le64(img + 0x258, 0x1000000);
	put_le32(img + 0x260, 0x100000);
	for (size_t i = 0; i < klen; i++)
		img[off + i] = (uint8_t)(i * 7 + 1);
	*len = off + klen;
	return img;
}

static void test_linux_sets_rsi_rip_and_long_mode(void **st)
{
	(void)st;
	new_pc(64 << 20, 2);
	size_t len;
	uint8_t *img = make_bz(&len);
	static const uint8_t initrd[4096] = {1, 2, 3};
	const char *why = NULL;
	assert_int_equal(pc_load_linux(pc, img, len, initrd, sizeof(initrd), "console=ttyS0", &why), 0);
	assert_int_equal(fcpu[0].regs.rsi, LINUX_BOOT_PARAMS_GPA);
	assert_int_equal(fcpu[0].regs.rip, 0x1000200);
	assert_true(fcpu[0].sregs.efer & BOOTCPU_EFER_LMA);
	assert_true(fcpu[0].sregs.cr0 & BOOTCPU_CR0_PG);
	assert_int_equal(fcpu[0].sregs.cs.l, 1);
	assert_int_equal(fcpu[0].sregs.cs.db, 0);
	assert_int_equal(fcpu[0].sregs.cs.selector, BOOTCPU_CS);
	assert_int_equal(fcpu[0].sregs.ss.selector, BOOTCPU_DS);
	assert_int_equal(fcpu[0].set_regs_calls, 1);
	assert_int_equal(fcpu[1].set_regs_calls, 0);   /* APs wait for SIPI */
	/* boot_params carries the RSDP and the command line. */
	assert_int_equal(le64(vm->ram + LINUX_BOOT_PARAMS_GPA + 0x70), PC_ACPI_GPA);
	assert_string_equal((char *)vm->ram + LINUX_CMDLINE_GPA, "console=ttyS0");
	/* An image that is not a bzImage is refused with a reason. */
	why = NULL;
	assert_int_not_equal(pc_load_linux(pc, img, 100, NULL, 0, NULL, &why), 0);
	assert_non_null(why);
	free(img);
	free_pc();
}

static void test_destroy_takes_back_every_range(void **st)
{
	(void)st;
	new_pc(16 << 20, 1);
	assert_true(vm->pio.count > 10);
	pc_destroy(pc);
	assert_int_equal(vm->pio.count, 0);
	assert_int_equal(vm->mmio.count, 0);
	assert_int_equal(inb(0x3ff), 0xff);
	assert_null(vm->irq);
	vm_destroy(vm);
	free(pc);
	free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_bad_config),
		cmocka_unit_test(test_init_unwinds_on_a_taken_port),
		cmocka_unit_test(test_pic_icw_imr_and_elcr_read_back),
		cmocka_unit_test(test_pit_latch_counts_down),
		cmocka_unit_test(test_port61_gate_and_refresh),
		cmocka_unit_test(test_cmos_memory_size_64m),
		cmocka_unit_test(test_cmos_memory_size_above_4g),
		cmocka_unit_test(test_uart_scratch_and_output),
		cmocka_unit_test(test_serial_input_raises_irq4),
		cmocka_unit_test(test_pci_ids),
		cmocka_unit_test(test_fw_cfg_signature_cpus_ram),
		cmocka_unit_test(test_pit_irq0_reaches_lapic_through_ioapic_pin2),
		cmocka_unit_test(test_pic_reaches_only_the_bsp_through_extint),
		cmocka_unit_test(test_ipis_fixed_self_and_init_sipi),
		cmocka_unit_test(test_level_eoi_reaches_the_ioapic),
		cmocka_unit_test(test_debug_exit_and_debugcon),
		cmocka_unit_test(test_reset_ports_count_and_reset_devices),
		cmocka_unit_test(test_acpi_rsdp_found_and_checksums),
		cmocka_unit_test(test_pm_slp_en_powers_off),
		cmocka_unit_test(test_multiboot_sets_eax_ebx_eip),
		cmocka_unit_test(test_linux_sets_rsi_rip_and_long_mode),
		cmocka_unit_test(test_destroy_takes_back_every_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
