# hw/ - PC device models (guest-visible). Pure: built into the image and
# for the host (unit tests, hosted runner) unchanged.
PURE_SRCS += hw/i8259.c hw/i8254.c hw/port61.c hw/mc146818.c hw/ns16550.c
# PCI config mechanism #1, i440FX/PIIX3, fw_cfg and the small PC ports.
PURE_SRCS += hw/pci.c hw/i440fx.c hw/fw_cfg.c hw/port92.c hw/debugexit.c \
	hw/debugcon.c hw/port80.c hw/i8042.c
# Interrupt controllers of the APIC architecture (issue 3).
PURE_SRCS += hw/ioapic.c hw/lapic.c hw/lapic_regs.c
# ACPI tables for the guest, their AML writer and the PM1/PM-timer device.
PURE_SRCS += hw/aml.c hw/acpi_tables.c hw/acpi_pm.c
# The pc board (issue 3): builds and wires the machine.
PURE_SRCS += hw/pc.c hw/pc_irq.c
