/*
 * hw/pc.h - the board: QEMU's `pc' machine (i440FX + PIIX3) built and wired
 * for N vCPUs on a struct vm, in the manner of QEMU's pc_init1().
 *
 * pc_init() creates every device, registers it on the VM's buses (each
 * registration checked), routes GSIs to the PIC pair and the IOAPIC, wires
 * one LAPIC per vCPU, publishes fw_cfg items and places the ACPI tables in
 * guest RAM. The loaders then put a kernel in RAM and set vCPU 0's
 * registers; a guest reset (0xcf9, 0x92, 0xfe, triple fault by policy)
 * resets every device and runs the last loader again.
 *
 * Machine summary (ports are I/O, addresses guest-physical):
 *   0x20/0xa0 PIC pair, 0x4d0 ELCR    0x40 PIT, 0x61 port B (NMISC)
 *   0x60/0x64 i8042 subset            0x70 RTC/CMOS (IRQ 8)
 *   0x80 POST, 0x92 port A            0xe9 debugcon, 0xf4 isa-debug-exit
 *   0x3f8 COM1 (IRQ 4)                0x510 fw_cfg, 0x514 fw_cfg DMA
 *   0xb000 PIIX4 PM (SCI = GSI 9)     0xcf8 PCI config, 0xcf9 reset control
 *   0xfec00000 IOAPIC                 0xfee00000 xAPIC page (per vCPU)
 *   0xf0000 ACPI tables (RSDP first), in the e820-reserved BIOS area
 */
#ifndef KEEL_HW_PC_H
#define KEEL_HW_PC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/acpi_pm.h"
#include "hw/acpi_tables.h"
#include "hw/debugcon.h"
#include "hw/debugexit.h"
#include "hw/fw_cfg.h"
#include "hw/i440fx.h"
#include "hw/i8042.h"
#include "hw/i8254.h"
#include "hw/i8259.h"
#include "hw/ioapic.h"
#include "hw/lapic.h"
#include "hw/mc146818.h"
#include "hw/ns16550.h"
#include "hw/pci.h"
#include "hw/port61.h"
#include "hw/port80.h"
#include "hw/port92.h"
#include "vm/e820.h"
#include "vm/vm.h"

#define PC_COM1_IRQ 4
#define PC_RTC_IRQ 8
#define PC_ACPI_GPA 0xf0000ULL /* the tables; a scan of 0xe0000-0xfffff finds the RSDP */
#define PC_CMOS_NCPUS 0x5f     /* QEMU: CPU count - 1 */
#define PC_GSIS IOAPIC_PINS

struct pc_config {
	unsigned int ncpus;             /* 1..VM_MAX_VCPUS */
	const struct vcpu_ops *cpu_ops; /* the backend for every vCPU */
	/* COM1 output, and debugcon (0xe9) output; either may be NULL */
	void (*serial_out)(void *opaque, const uint8_t *buf, size_t n);
	void (*debugcon_out)(void *opaque, const uint8_t *buf, size_t n);
	void *out_opaque;
	uint64_t rtc_base_time; /* seconds since the epoch for the RTC */
};

struct pc;

/* What a LAPIC's callbacks need: the board and which vCPU it belongs to. */
struct pc_cpu {
	struct pc *pc;
	unsigned int index;
};

enum pc_boot_kind { PC_BOOT_NONE, PC_BOOT_LINUX, PC_BOOT_MULTIBOOT };

/* The last loader run, replayed on reset. The buffers stay the caller's and
 * must outlive the VM (or the next load). */
struct pc_boot {
	enum pc_boot_kind kind;
	const void *kernel;
	size_t klen;
	const void *initrd;
	size_t ilen;
	const char *cmdline;
	uint64_t entry_rip; /* where vCPU 0 was pointed */
};

struct pc {
	struct vm *vm;
	struct pc_config cfg;

	/* ISA side: interrupt controllers, timers, RTC, COM1, small ports. */
	struct i8259 pic;
	struct i8254 pit;
	struct port61 port61;
	struct mc146818 rtc;
	struct ns16550 com1;
	struct i8042 i8042;
	struct port92 port92;
	struct port80 port80;
	struct debugexit debugexit;
	struct debugcon debugcon;

	/* PCI: bus 0 with the i440FX host bridge and the PIIX3. */
	struct pci_bus pci;
	struct i440fx i440fx;
	uint8_t pam[I440FX_PAM_REGS]; /* as the guest last programmed them */
	int pirq[PIIX3_PIRQS];        /* ISA IRQ of PIRQ A-D, -1 = disabled */

	/* APIC architecture. */
	struct ioapic ioapic;
	struct lapic lapic[VM_MAX_VCPUS];
	struct pc_cpu cpu[VM_MAX_VCPUS];
	bool pic_intr;      /* the 8259's INT output */
	uint32_t gsi_level; /* asserted GSIs, bit n = GSI n */
	uint64_t gsi_raised[PC_GSIS]; /* rising edges per GSI, for `info vm` */

	/* Firmware interfaces. */
	struct e820_table e820;
	struct fw_cfg fw_cfg;
	struct fw_cfg_e820 fw_e820;
	struct acpi_pm pm;
	uint8_t acpi[ACPI_TABLES_MAX_SIZE];
	struct acpi_tables_info acpi_info;

	struct pc_boot boot;
};

/* vm already vm_init'ed; 0 or -errno. Adds cfg->ncpus vCPUs. */
int pc_init(struct pc *pc, struct vm *vm, const struct pc_config *cfg)
    __attribute__((warn_unused_result));

/* Load a bzImage (and initrd) through the Linux boot protocol and point
 * vCPU 0 at its 64-bit entry (32-bit if the kernel has none). */
int pc_load_linux(struct pc *pc, const void *kernel, size_t klen, const void *initrd, size_t ilen,
                  const char *cmdline, const char **why);

/* Load a Multiboot 1 kernel and point vCPU 0 at it. */
int pc_load_multiboot(struct pc *pc, const void *kernel, size_t klen, const char *cmdline,
                      const char **why);

/* Bytes into COM1's receiver; returns how many it took. */
size_t pc_serial_input(struct pc *pc, const uint8_t *buf, size_t n);

/* Reset every device (not the vCPUs), replace the ACPI tables, and run the
 * last loader again. vm->reset_hook does this on a guest reset. */
void pc_reset(struct pc *pc);

void pc_destroy(struct pc *pc);

/* ---- board internals shared by hw/pc.c and hw/pc_irq.c -------------------- */

/* vm->set_irq: GSI n to the 8259 (n < 16) and IOAPIC pin n (0 -> 2). */
void pc_set_irq(void *board, unsigned int gsi, bool level);
void pc_pic_intr(void *opaque, bool level); /* opaque = pc */
void pc_ioapic_deliver(void *opaque, uint8_t dest, unsigned int dest_mode,
                       unsigned int delivery_mode, uint8_t vector,
                       unsigned int trigger); /* opaque = pc */
/* LAPIC callbacks; opaque = &pc->cpu[i] */
void pc_send_ipi(void *opaque, uint32_t dest, unsigned int dest_mode, unsigned int shorthand,
                 unsigned int mode, uint8_t vector);
void pc_eoi_broadcast(void *opaque, uint8_t vector);
void pc_lapic_notify(void *opaque);
extern const struct vm_irq_ops pc_irq_ops;

#endif
