#!/usr/bin/env bash
# Build newlib (libc.a, libm.a + headers) for the keel kernel from Debian's
# newlib-source tarball, using the host gcc/binutils as the "x86_64-elf" target
# tools: keel is x86-64 like the build host, so no cross toolchain is needed.
# Result: OUTDIR/x86_64-elf/{include,lib}. libgloss is not built: the kernel
# supplies the syscalls (_sbrk, _write, ...) and __malloc_lock/__malloc_unlock.
#
# usage: bash tools/build-newlib.sh OUTDIR
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)          # configure wants an absolute prefix
log=$out/build.log

# Glob rather than hard-code the version; take the newest if several.
tarball=$(ls /usr/src/newlib/newlib-*.tar.* 2>/dev/null | sort -V | tail -n1 || true)
[[ -n $tarball ]] || { echo "newlib: no /usr/src/newlib/newlib-*.tar.*; apt-get install newlib-source" >&2; exit 1; }

# Rebuild only when the tarball or this script (i.e. the flags) changes. We
# leave libc.a's mtime alone on a hit, so make does not rebuild the kernel.
stamp="$(basename "$tarball") $(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)"
if [[ -f $out/x86_64-elf/lib/libc.a && -f $out/stamp && $(<"$out/stamp") == "$stamp" ]]; then
	exit 0
fi

echo "newlib: building $(basename "$tarball") into $1 (log: $1/build.log)"
start=$SECONDS
rm -rf "$out/src" "$out/obj" "$out/x86_64-elf" "$out/stamp"
mkdir -p "$out/src" "$out/obj"
: >"$log"
# With -j the tail often shows only the fallout, so show the first errors too.
trap 'echo "newlib: build FAILED; first errors and last lines of $log:" >&2
	grep -m5 -E "error:|Error [0-9]" "$log" >&2 || true; echo ... >&2; tail -n 15 "$log" >&2' ERR

# Debian's tarball unpacks to newlib-salsa/, not newlib-VERSION/.
tar -xf "$tarball" -C "$out/src" --strip-components=1

# Same ABI-relevant flags as the kernel's KCFLAGS: no red zone (interrupts land
# on the kernel stack), PIC (keel.efi is a relocated -shared object), 16-bit
# wchar_t (UEFI CHAR16), frame pointers for panic backtraces. -nostdinc keeps
# glibc's /usr/include out; only gcc's own freestanding headers are allowed.
# No -mgeneral-regs-only: printf("%f") and libm need SSE. --noexecstack: the
# .S files lack .note.GNU-stack and ld warns on every kernel link otherwise.
# -UMISSING_SYSCALL_NAMES: configure.host sets it for unknown targets such as
# x86_64-elf, which makes newlib call sbrk/write/close...; we want the
# libgloss-style _sbrk/_write/_close so the kernel need not own POSIX names.
gccinc=$(gcc -print-file-name=include)
cflags="-O2 -g -ffreestanding -fno-stack-protector -mno-red-zone -fPIC -fshort-wchar \
-fno-asynchronous-unwind-tables -fno-omit-frame-pointer -nostdinc -isystem $gccinc \
-UMISSING_SYSCALL_NAMES -Wa,--noexecstack"

# Not --enable-newlib-reent-small: it only saves memory (we have plenty) at the
# price of lazily malloc'ed stdio streams. io-long-long/c99-formats: %llx, %zu,
# %hhu etc. are off by default for x86_64-elf and the kernel prints uint64_t.
(
	cd "$out/obj"
	"$out/src/configure" --target=x86_64-elf --prefix="$out" \
		--disable-newlib-supplied-syscalls --disable-multilib --disable-nls \
		--enable-newlib-io-long-long --enable-newlib-io-c99-formats \
		CC_FOR_TARGET=gcc AR_FOR_TARGET=ar RANLIB_FOR_TARGET=ranlib \
		AS_FOR_TARGET=as LD_FOR_TARGET=ld NM_FOR_TARGET=nm \
		OBJDUMP_FOR_TARGET=objdump STRIP_FOR_TARGET=strip \
		READELF_FOR_TARGET=readelf OBJCOPY_FOR_TARGET=objcopy \
		CFLAGS_FOR_TARGET="$cflags"
	# Only the newlib target dir: plain `make` would also try libgloss.
	make -j"$(nproc)" all-target-newlib
	make install-target-newlib
) >>"$log" 2>&1

# newlib 3.3's stdatomic.h (FreeBSD's) does not compile with gcc 12 and, being
# first on -isystem, would shadow gcc's own working one: drop it.
rm -f "$out/x86_64-elf/include/stdatomic.h"

# newlib installs to $prefix/$target; anything else means a layout surprise.
for f in include/stdio.h include/stdint.h lib/libc.a lib/libm.a; do
	[[ -f $out/x86_64-elf/$f ]] || { echo "newlib: missing $out/x86_64-elf/$f after install" >&2; false; }
done
echo "$stamp" >"$out/stamp"
echo "newlib: done in $((SECONDS - start))s"
