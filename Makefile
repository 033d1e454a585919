# keel — one non-recursive Makefile. Each folder's build.mk lists its objects:
#   KERNEL_SRCS  += files linked into build/keel.efi (.c and .asm)
#   PURE_SRCS    += files that also build for the host (unit tests, hosted runner)
#   UNIT_TESTS   += tests/unit/test_x.c; each links with $(UNIT_DEPS_test_x)
# Objects go to build/k/ (image) and build/h/ (host).

.SUFFIXES:
.DELETE_ON_ERROR:
.DEFAULT_GOAL := all
SHELL := /bin/bash

B := build
VERSION := 0.1.0
GIT_HASH := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
BUILD_DATE := $(shell date -u +%Y-%m-%dT%H:%MZ)

# ---- toolchains -------------------------------------------------------------
CC := gcc
LD := ld
NASM := nasm
OBJCOPY := objcopy
NEWLIB := $(B)/newlib/x86_64-elf
GCCINC := $(shell $(CC) -print-file-name=include)
LIBGCC := $(shell $(CC) -print-libgcc-file-name)
EFIINC := /usr/include/efi
EFILIB := /usr/lib

WARN := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes
# -mgeneral-regs-only: interrupt stubs save only the GPRs, so our C must never
# touch SSE/x87 state (newlib may; it is never called from an ISR that returns).
KCFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-stack-protector \
	-fno-strict-aliasing -fpic -fshort-wchar -mno-red-zone -mgeneral-regs-only \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-nostdinc -isystem $(NEWLIB)/include -isystem $(GCCINC) \
	-isystem $(EFIINC) -isystem $(EFIINC)/x86_64 -I. -DKEEL_KERNEL=1
HCFLAGS := -std=gnu11 -O1 -g $(WARN) -I. -fsanitize=address,undefined \
	-fno-omit-frame-pointer -DKEEL_HOST=1
HLDFLAGS := -fsanitize=address,undefined

KERNEL_SRCS :=
PURE_SRCS :=
UNIT_TESTS :=

include boot/build.mk
include arch/x86_64/build.mk
include drivers/build.mk
include console/build.mk
-include hw/build.mk
-include vm/build.mk
-include x86/build.mk
-include vmx/build.mk
-include tcg/build.mk
-include tests/guest/build.mk
-include tests/unit/build.mk
-include tests/fuzz/build.mk
-include hosted/build.mk

KOBJS := $(patsubst %,$(B)/k/%.o,$(basename $(KERNEL_SRCS) $(PURE_SRCS)))
SYMTAB0 := $(B)/k/symtab0.o
SYMTAB := $(B)/k/symtab.o

# ---- image build ------------------------------------------------------------
.PHONY: all efi img pxe setup test unit itest bench run hosted clean newlib
all: $(B)/keel.efi $(B)/keel.img $(B)/pxe/bootx64.efi

efi: $(B)/keel.efi
img: $(B)/keel.img
pxe: $(B)/pxe/bootx64.efi

setup:
	@bash tools/setup.sh

newlib: $(NEWLIB)/lib/libc.a
$(NEWLIB)/lib/libc.a: tools/build-newlib.sh
	bash tools/build-newlib.sh $(B)/newlib

$(B)/k/%.o: %.c | $(NEWLIB)/lib/libc.a
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(B)/k/%.o: %.asm
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -MD $(B)/k/$*.d -I$(dir $<) -I$(B)/k/$(dir $<) $< -o $@

$(B)/k/version.o: $(KOBJS)
	@mkdir -p $(dir $@)
	printf 'const char keel_version[] = "%s";\nconst char keel_git_hash[] = "%s";\nconst char keel_build_date[] = "%s";\n' \
	  '$(VERSION)' '$(GIT_HASH)' '$(BUILD_DATE)' > $(B)/k/version.c
	$(CC) $(KCFLAGS) -c $(B)/k/version.c -o $@

# The panic path names functions from an embedded table. Link once with an
# empty table, read the symbols, then link again: .text comes first in the
# gnu-efi layout, so adding the table (data) does not move any function.
LINK = $(LD) -nostdlib -znocombreloc -T $(EFILIB)/elf_x86_64_efi.lds -shared \
	-Bsymbolic --no-undefined -L$(EFILIB) $(EFILIB)/crt0-efi-x86_64.o
LIBS = -lefi -lgnuefi $(NEWLIB)/lib/libc.a $(LIBGCC)

$(SYMTAB0): tools/mksymtab.sh
	@mkdir -p $(dir $@)
	bash tools/mksymtab.sh /dev/null > $(B)/k/symtab0.c
	$(CC) $(KCFLAGS) -c $(B)/k/symtab0.c -o $@

$(B)/keel0.so: $(KOBJS) $(B)/k/version.o $(SYMTAB0)
	$(LINK) $^ $(LIBS) -o $@

$(SYMTAB): $(B)/keel0.so tools/mksymtab.sh
	bash tools/mksymtab.sh $< > $(B)/k/symtab.c
	$(CC) $(KCFLAGS) -c $(B)/k/symtab.c -o $@

$(B)/keel.so: $(KOBJS) $(B)/k/version.o $(SYMTAB)
	$(LINK) $^ $(LIBS) -o $@
	@cmp -s <(nm $(B)/keel0.so | grep -i ' t ' | sort) <(nm $@ | grep -i ' t ' | sort) \
	  || { echo "symtab: function addresses moved between links" >&2; rm -f $@; exit 1; }

$(B)/keel.efi: $(B)/keel.so
	$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel \
	  -j .rela -j .rel.* -j .rela.* -j .reloc --target efi-app-x86_64 \
	  --subsystem=10 $< $@
	@size=$$(stat -c %s $@); echo "keel.efi: $$size bytes"

# Image contents: the default keel.cfg and the default Linux guest it names
# (Debian's cloud kernel and our busybox initramfs, tests/guest/build.mk).
IMAGE_CFG ?= image/keel.cfg
IMAGE_FILES ?= $(GUEST_VMLINUZ)=guests/vmlinuz $(GUEST_INITRD)=guests/initrd.gz
$(B)/keel.img: $(B)/keel.efi $(IMAGE_CFG) image/mkimg.sh $(GUEST_VMLINUZ) $(GUEST_INITRD)
	bash image/mkimg.sh $@ $(B)/keel.efi $(IMAGE_CFG) $(IMAGE_FILES)

$(B)/pxe/bootx64.efi: $(B)/keel.efi $(IMAGE_CFG) image/mkpxe.sh $(GUEST_VMLINUZ) $(GUEST_INITRD)
	bash image/mkpxe.sh $(B)/pxe $(B)/keel.efi $(IMAGE_CFG) $(IMAGE_FILES)

# ---- host side --------------------------------------------------------------
HOBJ = $(patsubst %,$(B)/h/%.o,$(basename $(1)))
$(B)/h/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) -MMD -MP -c $< -o $@

UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_TESTS))
$(B)/tests/%: $(B)/h/tests/unit/%.o
	@mkdir -p $(dir $@)
	$(CC) $(HLDFLAGS) $^ -lcmocka -o $@
# Each test binary also links the pure sources it names in UNIT_DEPS_<name>.
$(foreach t,$(UNIT_TESTS),$(eval $(patsubst tests/unit/%.c,$(B)/tests/%,$(t)): \
	$(call HOBJ,$(UNIT_DEPS_$(basename $(notdir $(t)))))))

unit: setup $(GUEST_KERNELS) $(GUEST_VMLINUZ) $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do $$t || fail=1; done; \
	 if [ $$fail -ne 0 ]; then echo "unit tests: FAILED"; exit 1; fi; echo "unit tests: all passed"

itest: setup all guest
	python3 tests/integration/run.py

test: setup
	$(MAKE) unit
	$(MAKE) fuzz
	$(MAKE) hosted guest
	bash tests/guest/run-qemu.sh
	KEEL_QEMU=$(B)/keel-run bash tests/guest/run-qemu.sh
	python3 tests/hosted/linux.py --smp 1
	python3 tests/hosted/linux.py --smp 2
	$(MAKE) all guest
	python3 tests/integration/run.py

bench: setup all guest hosted
	python3 tests/integration/bench.py
	python3 tests/hosted/bench_tcg.py

run: setup all
	bash tools/qemu-run --interactive --smp 2

clean:
	rm -rf $(B)/k $(B)/h $(B)/hr $(B)/fz $(B)/fuzz $(B)/tests $(B)/keel* $(B)/pxe

-include $(shell find $(B)/k $(B)/h $(B)/hr -name '*.d' 2>/dev/null)
