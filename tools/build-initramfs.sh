#!/usr/bin/env bash
# Build the Linux guest's initramfs: tools/build-initramfs.sh OUT.cpio.gz
#
# A gzip'd newc cpio holding /bin/busybox (from the busybox-static package,
# installed by tools/setup.sh; this script installs nothing), applet links,
# and an /init that mounts proc, sysfs and devtmpfs, prints
#   keel-guest: init started
#   keel-guest: kernel <uname -r>, <nproc> cpus
# on /dev/console, runs an interactive shell there (prompt "guest# ", no job
# control: /dev/console is not a controlling tty) and, when that shell exits,
# powers off with `poweroff -f`. It lowers the console loglevel to 5 first, so
# late KERN_INFO messages do not interleave with the shell's output.
#
# Unprivileged: no device nodes (devtmpfs provides them; the kernel's built-in
# initramfs already has /dev/console), owners forced to 0:0 by cpio.
# Reproducible: sorted names, pinned mtimes (SOURCE_DATE_EPOCH, default
# 2000-01-01), cpio --reproducible, gzip -n.
# Cached: OUT is rebuilt only when this script or /bin/busybox changes
# (a hash of both is kept in OUT.stamp). Prints OUT's size.
set -euo pipefail

usage() { echo "usage: $0 OUT.cpio.gz" >&2; exit 2; }
[[ $# -eq 1 ]] || usage
out=$(realpath -m "$1")
busybox=${KEEL_BUSYBOX:-/bin/busybox}
applets=(sh mount poweroff reboot cat echo ls uname sha256sum dd head sleep
         nproc grep mkdir)

die() { echo "build-initramfs: $*" >&2; exit 1; }
[[ -x $busybox ]] || die "no $busybox (install busybox-static: make setup)"
command -v cpio >/dev/null || die "no cpio (make setup)"
# A dynamic busybox would need its libraries in the initramfs.
if command -v file >/dev/null && ! file -L "$busybox" | grep -q 'statically linked'; then
  die "$busybox is not static (install busybox-static, not busybox)"
fi

stamp=$(cat "$0" "$busybox" | sha256sum | cut -d' ' -f1)
if [[ -s $out && -f $out.stamp && $(cat "$out.stamp") == "$stamp" ]]; then
  echo "initramfs: $out $(stat -c %s "$out") bytes (cached)"
  exit 0
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/initramfs.XXXXXX")
trap 'rm -rf "$stage" "$out.tmp"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,root,tmp}
cp "$busybox" "$stage/bin/busybox"
chmod 755 "$stage/bin/busybox"
for a in "${applets[@]}"; do
  "$busybox" --list | grep -qx "$a" || die "busybox has no applet $a"
  ln -s busybox "$stage/bin/$a"
done

cat > "$stage/init" <<'EOF'
#!/bin/sh
# keel's guest init (tools/build-initramfs.sh).
export PATH=/bin HOME=/root PS1='guest# '
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
echo "keel-guest: init started"
echo "keel-guest: kernel $(uname -r), $(nproc) cpus"
# Keep late kernel chatter (e.g. tsc's delayed "Refined TSC calibration",
# KERN_INFO) from interleaving with the shell: console shows only < KERN_NOTICE.
echo 5 > /proc/sys/kernel/printk
cd /root
# Not exec'd: PID 1 must not exit, so power off when the shell ends.
sh
echo "keel-guest: shell exited, powering off"
poweroff -f
EOF
chmod 755 "$stage/init"

find "$stage" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-946684800}" {} +
mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
   cpio --quiet -o -H newc --owner=0:0 --reproducible) |
  gzip -n -9 > "$out.tmp"
mv -f "$out.tmp" "$out"
echo "$stamp" > "$out.stamp"
echo "initramfs: $out $(stat -c %s "$out") bytes"
