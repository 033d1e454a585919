#!/usr/bin/env bash
# Fetch a Debian kernel for guests and tests: tools/fetch-guest-kernel.sh OUTDIR [PKG]
#
# PKG (default linux-image-cloud-amd64, bookworm's cloud kernel) may be a
# metapackage; it is resolved through `apt-cache depends` to the real
# linux-image-<abi>-<flavour> package, fetched with `apt-get download` from
# whatever mirrors the host's apt is set up with, and unpacked with
# `dpkg-deb -x` into a cache (KEEL_GUEST_CACHE, default build/guest/cache).
# Leaves in OUTDIR:
#   vmlinuz   the bzImage (a copy of boot/vmlinuz-*)
#   config    the kernel's .config (boot/config-*)
#   root      a link to the whole unpacked package (modules, System.map)
#   version   "<kernel release> <package> <package version>"
# and prints the version line. Idempotent: when OUTDIR already holds a
# kernel for PKG, nothing is fetched (set KEEL_GUEST_REFRESH=1 to re-resolve
# PKG against apt's current lists). Needs root for apt-get update, which it
# runs only when apt does not know PKG.
set -euo pipefail

usage() { echo "usage: $0 OUTDIR [PKG]" >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 ]] || usage
out=$1
pkg=${2:-linux-image-cloud-amd64}
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${KEEL_GUEST_CACHE:-$top/build/guest/cache}

mkdir -p "$out"
out=$(cd "$out" && pwd)

# Fast path: already fetched for this PKG.
if [[ ${KEEL_GUEST_REFRESH:-0} != 1 && -s $out/vmlinuz && -s $out/version &&
      -s $out/.pkg && $(cat "$out/.pkg") == "$pkg" ]]; then
  cat "$out/version"
  exit 0
fi

# The real package behind a metapackage: the first linux-image-* it depends
# on (apt-cache depends lists the candidate version's dependencies).
resolve() {
  apt-cache depends --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances "$1" 2>/dev/null |
    awk '$1 ~ /Depends:$/ && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

known() { apt-cache show "$1" >/dev/null 2>&1; }

if ! known "$pkg"; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "fetch-guest-kernel: apt does not know $pkg and only root can" \
      "run apt-get update" >&2
    exit 1
  fi
  echo "fetch-guest-kernel: apt-get update" >&2
  apt-get update -qq
  known "$pkg" || { echo "fetch-guest-kernel: no package $pkg" >&2; exit 1; }
fi

real=$pkg
if [[ ! $pkg =~ ^linux-image-[0-9] ]]; then
  real=$(resolve "$pkg")
  [[ -n $real ]] || {
    echo "fetch-guest-kernel: $pkg depends on no linux-image-<version>" >&2
    exit 1
  }
fi
ver=$(apt-cache policy "$real" | awk '$1 == "Candidate:" { print $2 }')
[[ -n $ver && $ver != "(none)" ]] || {
  echo "fetch-guest-kernel: $real has no candidate version" >&2
  exit 1
}

tree=$cache/${real}_${ver}
shopt -s nullglob
if [[ ! -f $tree/.unpacked ]]; then
  dl=$cache/dl
  mkdir -p "$dl"
  # apt drops to the _apt user for downloads; let it write here.
  chmod 777 "$dl" 2>/dev/null || true
  # apt-get download names it <pkg>_<version, ':' as %3a>_<arch>.deb.
  debs=("$dl/${real}_${ver//:/%3a}_"*.deb)
  if ((${#debs[@]} == 0)); then
    echo "fetch-guest-kernel: apt-get download $real=$ver" >&2
    (cd "$dl" && apt-get download -q "$real=$ver" >&2)
    debs=("$dl/${real}_${ver//:/%3a}_"*.deb)
    ((${#debs[@]})) || { echo "fetch-guest-kernel: download of $real failed" >&2; exit 1; }
  fi
  rm -rf "$tree"
  mkdir -p "$tree"
  dpkg-deb -x "${debs[0]}" "$tree"
  touch "$tree/.unpacked"
fi

imgs=("$tree"/boot/vmlinuz-*)
((${#imgs[@]})) || { echo "fetch-guest-kernel: no boot/vmlinuz-* in $real" >&2; exit 1; }
img=${imgs[0]}
release=${img##*/vmlinuz-}

cp -f "$img" "$out/vmlinuz.tmp" && mv -f "$out/vmlinuz.tmp" "$out/vmlinuz"
cfg=$tree/boot/config-$release
[[ -f $cfg ]] && cp -f "$cfg" "$out/config"
ln -sfn "$tree" "$out/root"
echo "$release $real $ver" > "$out/version"
echo "$pkg" > "$out/.pkg"
cat "$out/version"
