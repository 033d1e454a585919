/* Reboot and poweroff. Reboot tries the FADT reset register (ACPI 6.4
 * §4.8.3.6), then the PIIX/ICH reset control at 0xCF9, then the keyboard
 * controller's pulse-reset command 0xFE. Poweroff enters S5 by writing
 * SLP_TYPa|SLP_EN to PM1a_CNT (§4.8.3.2.1, §7.4.2). */
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/tsc.h"
#include "console/klog.h"

static int debug_exit;

void power_set_debug_exit(int on) { debug_exit = on; }

static void gas_write(const struct acpi_gas *g, uint8_t v)
{
	switch (g->space) {
	case 0: /* system memory */
		*(volatile uint8_t *)(uintptr_t)g->addr = v;
		break;
	case 1: /* system I/O */
		outb((uint16_t)g->addr, v);
		break;
	case 2: { /* PCI config space of bus 0: dev<<32 | fn<<16 | reg */
		uint32_t dev = (uint32_t)(g->addr >> 32) & 0x1f, fn = (uint32_t)(g->addr >> 16) & 7;
		uint32_t reg = (uint32_t)g->addr & 0xff;
		outl(0xcf8, 0x80000000u | dev << 11 | fn << 8 | (reg & 0xfc));
		outb((uint16_t)(0xcfc + (reg & 3)), v);
		break;
	}
	}
}

void power_reboot(void)
{
	klog(LOG_INFO, "Rebooting.");
	cli();
	apic_nmi_others();
	if (acpi.reset_supported) {
		gas_write(&acpi.reset_reg, acpi.reset_value);
		tsc_delay_us(50000);
	}
	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06);
	tsc_delay_us(50000);
	for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
		cpu_relax();
	outb(0x64, 0xfe);
	tsc_delay_us(50000);
	/* Last resort: a triple fault through an empty IDT. */
	struct {
		uint16_t lim;
		uint64_t base;
	} __attribute__((packed)) none = {0, 0};
	__asm__ volatile("lidt %0; int3" ::"m"(none));
	cpu_halt_forever();
}

void power_off(void)
{
	klog(LOG_INFO, "Powering off.");
	cli();
	apic_nmi_others();
	if (debug_exit)
		outb(0xf4, 0); /* QEMU isa-debug-exit: status 1 */
	if (!acpi.s5_valid || !acpi.pm1a_cnt) {
		klog(LOG_ERR, "poweroff: no \\_S5 in the DSDT or no PM1a_CNT; halting instead");
		cpu_halt_forever();
	}
	/* Firmware may still own the hardware: switch to ACPI mode first. */
	if (!(inw(acpi.pm1a_cnt) & 1) && acpi.smi_cmd && acpi.acpi_enable) {
		outb((uint16_t)acpi.smi_cmd, acpi.acpi_enable);
		for (int i = 0; i < 300 && !(inw(acpi.pm1a_cnt) & 1); i++)
			tsc_delay_us(10000);
	}
	outw(acpi.pm1a_cnt, (uint16_t)(acpi.s5_typa << 10 | 1u << 13));
	if (acpi.pm1b_cnt)
		outw(acpi.pm1b_cnt, (uint16_t)(acpi.s5_typb << 10 | 1u << 13));
	tsc_delay_us(100000);
	klog(LOG_ERR, "poweroff: the machine is still running; halting");
	cpu_halt_forever();
}
