#!/usr/bin/env bash
# Run the guest test kernels under QEMU's TCG, the reference for keel:
#   tests/guest/run-qemu.sh [BUILD_DIR] [KERNEL...]
#
# BUILD_DIR defaults to build (kernels in BUILD_DIR/guest/*.elf, made by
# `make guest`); KERNEL names (mb_paging, ...) pick a subset. Each kernel
# runs as
#   qemu-system-x86_64 -accel tcg -kernel K.elf [-smp 2 -append cpus=2]
#     -serial stdio -display none -no-reboot
#     -device isa-debug-exit,iobase=0xf4,iosize=4
# under a timeout (KEEL_GUEST_TIMEOUT, default 60 s); its log goes to
# BUILD_DIR/guest/K.<emulator>.log. A kernel passes when QEMU exits with 1
# (the kernel wrote 0 to port 0xf4) and the log has no FAIL line. Prints a
# table and exits 1 when any kernel did not pass.
# QEMU: KEEL_QEMU (default qemu-system-x86_64); extra options, e.g.
# "-cpu max" for the SSE4 checks of mb_fpu: KEEL_QEMU_OPTS.
set -uo pipefail

build=${1:-build}
shift || true
qemu=${KEEL_QEMU:-qemu-system-x86_64}
limit=${KEEL_GUEST_TIMEOUT:-60}
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(mb_hello mb_realmode mb_modes mb_paging
	mb_exceptions mb_stringio mb_fpu mb_smp)

# Per-kernel QEMU options.
opts_for() {
	case $1 in
	mb_smp) echo "-smp 2 -append cpus=2" ;;
	*) echo "" ;;
	esac
}

bad=0
printf '%-14s %5s %5s %5s %7s  %s\n' kernel pass fail skip status result
for k in "${kernels[@]}"; do
	elf=$build/guest/$k.elf
	log=$build/guest/$k.$(basename "$qemu").log
	if [ ! -f "$elf" ]; then
		printf '%-14s %5s %5s %5s %7s  %s\n' "$k" - - - - "MISSING ($elf)"
		bad=1
		continue
	fi
	# shellcheck disable=SC2046,SC2086 # word splitting is wanted
	timeout "$limit" "$qemu" -accel tcg -kernel "$elf" $(opts_for "$k") \
		-serial stdio -display none -no-reboot -monitor none \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		${KEEL_QEMU_OPTS:-} </dev/null >"$log" 2>&1
	rc=$?
	pass=$(grep -c '^PASS: ' "$log")
	fail=$(grep -c '^FAIL: ' "$log")
	skip=$(grep -c '^SKIP: ' "$log")
	case $rc in
	1) result=ok ;;
	3) result="FAILED" ;;
	124) result="TIMEOUT after ${limit}s" ;;
	0) result="no exit code (triple fault or reset?)" ;;
	*) result="QEMU exit $rc" ;;
	esac
	if [ "$rc" -ne 1 ] || [ "$fail" -ne 0 ]; then
		[ "$result" = ok ] && result="FAILED"
		result="$result: see $log"
		bad=1
	fi
	printf '%-14s %5s %5s %5s %7s  %s\n' "$k" "$pass" "$fail" "$skip" "$rc" "$result"
done
exit $bad
