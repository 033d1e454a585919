#!/usr/bin/env bash
# mkimg.sh OUT.img KEEL.efi CFG [SRC[=DEST] ...]
#
# Builds the disk image a user dd's to a USB stick: GPT with one FAT32 EFI
# System Partition holding EFI/BOOT/BOOTX64.EFI, keel.cfg and the extra files
# (at DEST inside the ESP, default: the basename of SRC).
#
# Unprivileged on purpose (no loop devices, no mounts): sgdisk writes the
# partition table, mkfs.fat formats the partition in place (--offset) and
# mtools copies files in through its "image@@offset" syntax.
# Deterministic: the same inputs give the same bytes (fixed GUIDs and volume
# id, file times pinned to SOURCE_DATE_EPOCH, default 2000-01-01).
set -euo pipefail

usage() {
  cat <<'EOF'
usage: image/mkimg.sh OUT.img KEEL.efi CFG [SRC[=DEST] ...]
  OUT.img   disk image to write (replaced)
  KEEL.efi  becomes EFI/BOOT/BOOTX64.EFI
  CFG       becomes keel.cfg in the ESP root
  SRC=DEST  extra file SRC copied to DEST in the ESP (default DEST: basename)
Size: contents + slack, at least 64 MiB. Env: SOURCE_DATE_EPOCH (file times).
EOF
}
die() { echo "mkimg: $*" >&2; exit 1; }

[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
(($# >= 3)) || { usage >&2; exit 2; }
out=$(realpath -m "$1") efi=$2 cfg=$3; shift 3
for t in sgdisk mkfs.fat mcopy; do
  command -v "$t" >/dev/null || die "$t not found (run: make setup)"
done
[[ -f $efi ]] || die "no such file: $efi"
[[ -f $cfg ]] || die "no such file: $cfg"

# Stage the ESP tree in a temp dir: mcopy -s -m then copies it in one go and
# gives every file and directory the pinned time (mmd would stamp "now").
stage=$(mktemp -d "${TMPDIR:-/tmp}/mkimg.XXXXXX")
trap 'rm -rf "$stage" "$out.tmp"' EXIT   # the image appears only when complete
put() {  # put SRC DEST
  local src=$1 dest=${2#/}
  [[ -f $src ]] || die "no such file: $src"
  [[ -n $dest && $dest != */ && $dest != *..* ]] || die "bad destination '$2' for $src"
  [[ ! -e $stage/$dest ]] || die "two files map to $dest"
  mkdir -p "$stage/$(dirname "$dest")"
  cp "$src" "$stage/$dest"
}
put "$efi" EFI/BOOT/BOOTX64.EFI
put "$cfg" keel.cfg
for a in "$@"; do
  if [[ $a == *=* ]]; then put "${a%%=*}" "${a#*=}"; else put "$a" "$(basename "$a")"; fi
done
find "$stage" -mindepth 1 -exec touch -h -d "@${SOURCE_DATE_EPOCH:-946684800}" {} +

# Size: contents rounded to 4 KiB clusters, +10% and 16 MiB slack, >= 64 MiB.
# 512-byte clusters below 256 MiB keep FAT32's 65525-cluster minimum legal.
bytes=$(find "$stage" -type f -printf '%s\n' | awk '{ s += int(($1 + 4095) / 4096) * 4096 } END { print s + 0 }')
mib=$(( bytes * 11 / 10 / 1048576 + 16 ))
((mib >= 64)) || mib=64
part_start=2048                              # 1 MiB: aligned for any stick
part_end=$(( (mib - 1) * 2048 - 1 ))        # aligned end; the last MiB holds the backup GPT
part_secs=$(( part_end - part_start + 1 ))
((mib < 256)) && spc=1 || spc=8

img=$out.tmp
mkdir -p "$(dirname "$out")"
rm -f "$img"
truncate -s "${mib}M" "$img"
# Fixed GUIDs: distinct sticks share them, but a rebuild is byte-identical.
# sgdisk has no quiet flag; keep its chatter unless it fails.
log=$(sgdisk -U 4B45454C-0000-4000-8000-000000000001 \
  -n 1:$part_start:$part_end -t 1:ef00 -c 1:"EFI System" \
  -u 1:4B45454C-0000-4000-8000-000000000002 "$img" 2>&1) \
  || die "sgdisk failed on $out: $log"
# BLOCKS is in KiB; -h records the partition offset as hidden sectors.
# --mbr=n: else mkfs.fat writes a fake MBR over the protective one at LBA 0.
# It always warns that the file is bigger than BLOCKS; show it only on failure.
log=$(mkfs.fat -F 32 -S 512 -s "$spc" -h "$part_start" -n KEEL --invariant --mbr=n \
  --offset=$part_start "$img" $(( part_secs / 2 )) 2>&1) \
  || die "mkfs.fat failed on $out: $log"
(cd "$stage" && MTOOLS_SKIP_CHECK=1 mcopy -s -m -Q -i "$img@@$(( part_start * 512 ))" ./* ::/) \
  || die "mcopy failed (ESP too small?)"
mv -f "$img" "$out"
