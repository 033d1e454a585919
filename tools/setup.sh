#!/usr/bin/env bash
# Installs every Debian package keel's build, run, tests and benchmarks need.
# Idempotent and quick when all is present: apt runs only for what is missing.
set -euo pipefail

PKGS=(
  build-essential nasm gnu-efi           # compiler, entry stubs, UEFI crt0/lds/libs
  newlib-source                          # libc for the image, built by tools/build-newlib.sh
  libcmocka-dev                          # host unit tests
  clang libclang-rt-14-dev               # libFuzzer + ASan/UBSan runtimes (make fuzz)
  qemu-system-x86 ovmf                   # whole-image tests under TCG
  bochs bochsbios vgabios                # whole-image tests under emulated VT-x
  mtools dosfstools gdisk                # keel.img: GPT + FAT ESP without loop devices
  python3 xz-utils cpio                  # test driver, tarballs
  busybox-static                         # the Linux guest's initramfs (tools/build-initramfs.sh)
  binutils coreutils util-linux          # objcopy/nm, timeout, setsid
)

missing=()
for p in "${PKGS[@]}"; do
  [[ $p == \#* ]] && continue
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: must run as root to install packages" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
