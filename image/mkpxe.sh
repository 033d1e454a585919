#!/usr/bin/env bash
# mkpxe.sh OUTDIR KEEL.efi CFG [SRC[=DEST] ...]
#
# Builds a TFTP root for network boot: OUTDIR/bootx64.efi (the DHCP boot file
# name), OUTDIR/keel.cfg and the extra files at DEST (default: basename).
# keel fetches keel.cfg and the files from the same server it was booted from.
# OUTDIR is rebuilt from scratch so no stale guest file lingers; to avoid
# deleting a directory we did not make, an existing OUTDIR must look like one
# of ours (it holds bootx64.efi) or be empty.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: image/mkpxe.sh OUTDIR KEEL.efi CFG [SRC[=DEST] ...]
  OUTDIR    TFTP root to (re)create, e.g. build/pxe
  KEEL.efi  becomes OUTDIR/bootx64.efi (point DHCP's boot file there)
  CFG       becomes OUTDIR/keel.cfg
  SRC=DEST  extra file SRC copied to OUTDIR/DEST (default DEST: basename)
Try it: tools/qemu-run --pxe OUTDIR
EOF
}
die() { echo "mkpxe: $*" >&2; exit 1; }

[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
(($# >= 3)) || { usage >&2; exit 2; }
out=${1%/} efi=$2 cfg=$3; shift 3
[[ -n $out ]] || die "bad OUTDIR"
if [[ -e $out ]]; then
  [[ -d $out ]] || die "$out exists and is not a directory"
  [[ -f $out/bootx64.efi || -z $(ls -A "$out") ]] \
    || die "$out is not empty and has no bootx64.efi; refusing to replace it"
fi

tmp=$out.tmp.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
put() {  # put SRC DEST
  local src=$1 dest=${2#/}
  [[ -f $src ]] || die "no such file: $src"
  [[ -n $dest && $dest != */ && $dest != *..* ]] || die "bad destination '$2' for $src"
  [[ ! -e $tmp/$dest ]] || die "two files map to $dest"
  mkdir -p "$tmp/$(dirname "$dest")"
  cp "$src" "$tmp/$dest"
}
put "$efi" bootx64.efi
put "$cfg" keel.cfg
for a in "$@"; do
  if [[ $a == *=* ]]; then put "${a%%=*}" "${a#*=}"; else put "$a" "$(basename "$a")"; fi
done
rm -rf "$out"
mv "$tmp" "$out"
