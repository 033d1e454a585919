#!/usr/bin/env bash
# Emits the C symbol table the panic path uses to name functions, from the
# text symbols of a linked keel (offsets from ImageBase). /dev/null gives an
# empty table for the first link.
set -euo pipefail
echo '#include "arch/x86_64/ksyms.h"'
echo 'const struct ksym ksyms[] = {'
if [[ $1 != /dev/null ]]; then
  nm -n --defined-only "$1" | awk '$2 ~ /^[tT]$/ && $3 !~ /^\./ { printf "\t{0x%s, \"%s\"},\n", $1, $3 }'
fi
echo '	{~0ull, ""},'
echo '};'
echo 'const unsigned ksyms_count = sizeof(ksyms) / sizeof(ksyms[0]) - 1;'
