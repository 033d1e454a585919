# tests/fuzz/: one libFuzzer harness per device model (clang, ASan+UBSan).
# `make fuzz` builds each harness with the pure sources named in
# FUZZ_DEPS_<harness> and runs it for a bounded, seeded number of inputs;
# any crash, leak, UB report, timeout or broken invariant fails the target.
# Objects go to build/fz/ (instrumented), binaries, logs and crash inputs
# to build/fuzz/.

FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 $(WARN) -I. -DKEEL_HOST=1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_RUNS ?= 20000
FUZZ_ARGS := -max_len=512 -len_control=0 -seed=1 -timeout=10 \
	-rss_limit_mb=1024 -print_final_stats=1
# The translator harness generates code per input: fewer runs keep it
# near half a minute.
FUZZ_RUNS_fuzz_tcg ?= 5000
FUZZ_PLAN = $(foreach h,$(FUZZ_HARNESSES),$(B)/fuzz/$(h):$(or $(FUZZ_RUNS_$(h)),$(FUZZ_RUNS)))

FUZZ_HARNESSES := fuzz_i8259 fuzz_i8254 fuzz_mc146818 fuzz_ns16550 \
	fuzz_pci fuzz_fw_cfg fuzz_ioapic fuzz_lapic fuzz_acpi_pm fuzz_i8042 \
	fuzz_port92 fuzz_debugexit fuzz_debugcon fuzz_port80 fuzz_tcg

FUZZ_ENV := vm/bus.c vm/timerq.c
FUZZ_DEPS_fuzz_i8259 := hw/i8259.c
FUZZ_DEPS_fuzz_i8254 := hw/i8254.c hw/port61.c
FUZZ_DEPS_fuzz_mc146818 := hw/mc146818.c
FUZZ_DEPS_fuzz_ns16550 := hw/ns16550.c
FUZZ_DEPS_fuzz_pci := hw/pci.c hw/i440fx.c
FUZZ_DEPS_fuzz_fw_cfg := hw/fw_cfg.c
FUZZ_DEPS_fuzz_ioapic := hw/ioapic.c
FUZZ_DEPS_fuzz_lapic := hw/lapic.c hw/lapic_regs.c
FUZZ_DEPS_fuzz_acpi_pm := hw/acpi_pm.c
FUZZ_DEPS_fuzz_i8042 := hw/i8042.c
FUZZ_DEPS_fuzz_port92 := hw/port92.c
FUZZ_DEPS_fuzz_debugexit := hw/debugexit.c
FUZZ_DEPS_fuzz_debugcon := hw/debugcon.c
FUZZ_DEPS_fuzz_port80 := hw/port80.c
# the translator on random code, both engines (vm/ for the machine around it)
FUZZ_DEPS_fuzz_tcg = $(TCG_SRCS) x86/decode.c x86/decode_tables.c vm/vm.c vm/run.c vm/e820.c \
	hw/lapic.c hw/lapic_regs.c

FUZZ_BINS := $(patsubst %,$(B)/fuzz/%,$(FUZZ_HARNESSES))
FOBJ = $(patsubst %,$(B)/fz/%.o,$(basename $(1)))

$(B)/fz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(B)/fuzz/%: $(B)/fz/tests/fuzz/%.o
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $^ -o $@
$(foreach h,$(FUZZ_HARNESSES),$(eval $(B)/fuzz/$(h): \
	$(call FOBJ,$(FUZZ_DEPS_$(h)) $(FUZZ_ENV))))

# Each harness runs alone; its log is kept and shown only on failure. An
# optional seed corpus in tests/fuzz/corpus/<harness>/ is read, never
# written: libFuzzer saves new inputs into the first directory, a scratch
# one under build/fuzz/ that each run starts empty.
.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)
fuzz: setup $(FUZZ_BINS)
	@fail=0; for fr in $(FUZZ_PLAN); do \
	  f=$${fr%%:*}; runs=$${fr##*:}; \
	  h=$$(basename $$f); log=$$f.log; corpus=; \
	  if [ -d tests/fuzz/corpus/$$h ]; then \
	    rm -rf $$f.corpus; mkdir -p $$f.corpus; \
	    corpus="$$f.corpus tests/fuzz/corpus/$$h"; \
	  fi; start=$$(date +%s%N); \
	  if UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	     $$f -runs=$$runs $(FUZZ_ARGS) -artifact_prefix=$(B)/fuzz/$$h- $$corpus \
	     >$$log 2>&1; then \
	    printf '%-16s ok %6s runs %6d ms  %s\n' $$h \
	      "$$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' $$log)" \
	      $$(( ($$(date +%s%N) - start) / 1000000 )) \
	      "$$(grep -o 'cov: [0-9]*' $$log | tail -1)"; \
	  else \
	    echo "$$h: FAILED (log $$log)"; tail -n 40 $$log; fail=1; \
	  fi; \
	done; \
	if [ $$fail -ne 0 ]; then echo "fuzz: FAILED"; exit 1; fi; \
	echo "fuzz: all harnesses passed"

# Keep the harness objects (make would delete them as intermediates).
.SECONDARY: $(patsubst %,$(B)/fz/tests/fuzz/%.o,$(FUZZ_HARNESSES))
-include $(shell find $(B)/fz -name '*.d' 2>/dev/null)
