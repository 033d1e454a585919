/* The host side of boot, after boot services: our own descriptor tables and
 * page tables, the serial console, ACPI, timers, the other CPUs, then the
 * console loop. Order matters: see the comments at each step. */
#include <stdlib.h>
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io_apic.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/mem.h"
#include "arch/x86_64/panic.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/tsc.h"
#include "boot/bootinfo.h"
#include "console/console.h"
#include "console/klog.h"
#include "drivers/uart.h"

#define UART_VECTOR 0x24

void switch_stack(void *top, void (*fn)(void *), void *arg) __attribute__((noreturn));

static void timer_isr(struct regs *r)
{
	(void)r;
	this_cpu()->ticks++;
	apic_eoi();
}

static void kmain_on_stack(void *arg)
{
	struct boot_info *bi = arg;
	struct keel_config *cfg = &bi->cfg;

	cli(); /* firmware may have left interrupts on; its IDT is going away */
	/* The serial line first, so that anything below can report. */
	if (uart_init(cfg->console.io_base, cfg->console.baud) == 0)
		klog_set_sink(uart_write);
	klog(LOG_INFO, "console: %s at 0x%x, %u baud", cfg->console.port, cfg->console.io_base,
	     cfg->console.baud);
	panic_set_debug_exit(cfg->debug_exit);
	power_set_debug_exit(cfg->debug_exit);

	/* ACPI tells how many CPUs exist; the BSP's per-CPU slot must exist
	 * before the first interrupt or malloc lock. */
	acpi_init(bi->rsdp);
	smp_alloc_cpus();
	apic_init_bsp(acpi.apic_addr);

	/* Tables first, then page tables: frames for them come from
	 * conventional memory only, as UEFI's own still hold boot-services RAM. */
	idt_init();
	mem_init(bi);
	paging_init(bi);
	mem_reclaim_boot_services(bi);

	if (cpu_prepare(&cpus[0]))
		panic("out of memory for the BSP's interrupt stacks");
	cpu_setup(&cpus[0]);
	cpus[0].apic_id = apic_id();
	cpus[0].state = CPU_ONLINE;
	cpus[0].stack_hi = (uint64_t)(uintptr_t)__builtin_frame_address(0);

	tsc_calibrate(acpi.pm_tmr_port, acpi.pm_tmr_32);
	idt_set_handler(APIC_TIMER_VECTOR, timer_isr);
	apic_timer_calibrate();
	apic_timer_start();
	io_apic_init();
	uart_enable_irq(cfg->console.irq, UART_VECTOR);
	sti();

	smp_init(bi);
	console_main(bi);
}

void kmain(struct boot_info *bi)
{
	/* Leave the firmware's stack: it is boot-services memory we reclaim. */
	char *stack = malloc(KSTACK_SIZE);
	if (!stack)
		cpu_halt_forever();
	switch_stack(stack + KSTACK_SIZE, kmain_on_stack, bi);
}
