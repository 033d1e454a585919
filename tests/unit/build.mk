# tests/unit/: host unit tests (cmocka). Each test links the pure sources
# named in UNIT_DEPS_<test>.
UNIT_TESTS += tests/unit/test_log.c tests/unit/test_lineedit.c \
	tests/unit/test_config.c tests/unit/test_frames.c

UNIT_DEPS_test_log := console/log.c
UNIT_DEPS_test_lineedit := console/lineedit.c
UNIT_DEPS_test_config := boot/config.c console/log.c
UNIT_DEPS_test_frames := arch/x86_64/frames.c

# vm/ and hw/ (issue 3): buses, timer queue, PC device models.
UNIT_TESTS += tests/unit/test_bus.c tests/unit/test_timerq.c \
	tests/unit/test_i8259.c tests/unit/test_i8254.c \
	tests/unit/test_mc146818.c tests/unit/test_ns16550.c

UNIT_DEPS_test_bus := vm/bus.c
UNIT_DEPS_test_timerq := vm/timerq.c vm/bus.c
UNIT_DEPS_test_i8259 := hw/i8259.c vm/bus.c vm/timerq.c
UNIT_DEPS_test_i8254 := hw/i8254.c hw/port61.c vm/bus.c vm/timerq.c
UNIT_DEPS_test_mc146818 := hw/mc146818.c vm/bus.c vm/timerq.c
UNIT_DEPS_test_ns16550 := hw/ns16550.c vm/bus.c vm/timerq.c

# PCI host bridge (i440FX/PIIX3), fw_cfg, small ports.
UNIT_TESTS += tests/unit/test_pci.c
UNIT_DEPS_test_pci := hw/pci.c hw/i440fx.c vm/bus.c vm/timerq.c

# IOAPIC and local APIC (issue 3).
UNIT_TESTS += tests/unit/test_ioapic.c tests/unit/test_lapic.c
UNIT_DEPS_test_ioapic := hw/ioapic.c vm/bus.c vm/timerq.c
UNIT_DEPS_test_lapic := hw/lapic.c hw/lapic_regs.c vm/bus.c vm/timerq.c
UNIT_TESTS += tests/unit/test_fw_cfg.c
UNIT_DEPS_test_fw_cfg := hw/fw_cfg.c vm/bus.c vm/timerq.c
UNIT_TESTS += tests/unit/test_ports.c
UNIT_DEPS_test_ports := hw/port92.c hw/debugexit.c hw/debugcon.c \
	hw/port80.c hw/i8042.c vm/bus.c vm/timerq.c
UNIT_TESTS += tests/unit/test_loaders.c
UNIT_DEPS_test_loaders := vm/e820.c vm/bootcpu.c vm/linux_boot.c \
	vm/multiboot.c vm/timerq.c
UNIT_TESTS += tests/unit/test_acpi.c
UNIT_DEPS_test_acpi := hw/acpi_tables.c hw/aml.c hw/acpi_pm.c vm/bus.c \
	vm/timerq.c
UNIT_TESTS += tests/unit/test_run.c
UNIT_DEPS_test_run := vm/vm.c vm/run.c vm/bus.c vm/timerq.c vm/e820.c
# Loaders against the Debian cloud kernel and tests/guest/mb_hello.elf
# (tests/guest/build.mk fetches/builds them and exports their paths).
UNIT_TESTS += tests/unit/test_loaders_real.c
UNIT_DEPS_test_loaders_real := $(UNIT_DEPS_test_loaders)
$(B)/tests/test_loaders_real: | $(GUEST_KERNELS) $(GUEST_VMLINUZ)
# The pc board: every device model, the engine and the loaders.
UNIT_TESTS += tests/unit/test_pc.c
UNIT_DEPS_test_pc := hw/pc.c hw/pc_irq.c hw/i8259.c hw/i8254.c hw/port61.c \
	hw/mc146818.c hw/ns16550.c hw/pci.c hw/i440fx.c hw/fw_cfg.c \
	hw/port92.c hw/debugexit.c hw/debugcon.c hw/port80.c hw/i8042.c \
	hw/ioapic.c hw/lapic.c hw/lapic_regs.c hw/aml.c hw/acpi_tables.c \
	hw/acpi_pm.c vm/vm.c vm/run.c vm/bus.c vm/timerq.c vm/e820.c \
	vm/bootcpu.c vm/linux_boot.c vm/multiboot.c
# x86/ instruction decoder (issues 4, 5): directed cases and a differential
# run against objdump; the samples are generated into $(B)/gen.
UNIT_TESTS += tests/unit/test_decode.c
UNIT_DEPS_test_decode := x86/decode.c x86/decode_tables.c
$(B)/gen/decode_diff.h: tests/unit/gen_decode_diff.py
	@mkdir -p $(dir $@)
	python3 $< $@
$(B)/h/tests/unit/test_decode.o: $(B)/gen/decode_diff.h
$(B)/h/tests/unit/test_decode.o: HCFLAGS += -I$(B)/gen
UNIT_TESTS += tests/unit/test_vmconfig.c
UNIT_DEPS_test_vmconfig := vm/vmconfig.c
# VT-x backend, pure parts (issue 5): capability MSRs and controls, EPT
# tables, exit-qualification decoders.
UNIT_TESTS += tests/unit/test_vmx_caps.c tests/unit/test_ept.c \
	tests/unit/test_exitqual.c
UNIT_DEPS_test_vmx_caps := vmx/caps.c
UNIT_DEPS_test_ept := ept/ept.c
UNIT_DEPS_test_exitqual := vmx/exitqual.c
UNIT_TESTS += tests/unit/test_alu.c
UNIT_DEPS_test_alu := x86/alu.c

# tcg/ (issue 4): the translator, with the engine it runs in.
TCG_UNIT_DEPS = $(TCG_SRCS) x86/decode.c x86/decode_tables.c vm/vm.c vm/bus.c \
	vm/timerq.c vm/run.c vm/e820.c hw/lapic.c hw/lapic_regs.c
UNIT_TESTS += tests/unit/test_tcg_mmu.c
UNIT_DEPS_test_tcg_mmu = $(TCG_UNIT_DEPS)
# Differential tests: instruction sequences on the host CPU and on both
# engines of the translator (interpreter and generated code).
UNIT_TESTS += tests/unit/test_tcg_diff.c tests/unit/test_tcg_flags.c tests/unit/test_tcg_fpu.c
UNIT_DEPS_test_tcg_diff = $(TCG_UNIT_DEPS)
UNIT_DEPS_test_tcg_flags := tcg/flags.c tcg/alu_ext.c
UNIT_DEPS_test_tcg_fpu := tcg/fpu.c tcg/fpu_stub.c tcg/sjlj.c x86/decode.c x86/decode_tables.c
# The VM scheduler (issue 6): placement, fairness, sleep/wake, stealing.
UNIT_TESTS += tests/unit/test_sched.c
UNIT_DEPS_test_sched := vm/sched.c
# Console pieces of issue 6: Tab completion, the guest output ring.
UNIT_TESTS += tests/unit/test_complete.c tests/unit/test_outring.c
UNIT_DEPS_test_complete := console/complete.c
UNIT_DEPS_test_outring := console/outring.c
