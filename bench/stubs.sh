#!/bin/sh
# bench/stubs.sh LIBORMC.a OUT.h: write OUT.h with ORMC_BENCH_HAVE_<name>
# for each engine call that LIBORMC.a defines (read by bench/stubs.c).
set -eu
lib=$1
out=$2
tmp=$out.tmp
{
    echo "/* written by bench/stubs.sh from $(basename "$lib"); do not edit */"
    nm -g --defined-only "$lib" 2>/dev/null |
        awk '$2 == "T" && $3 ~ /^ormc_/ { print "#define ORMC_BENCH_HAVE_" $3 " 1" }' |
        sort -u
} >"$tmp"
if [ -f "$out" ] && cmp -s "$tmp" "$out"; then
    rm -f "$tmp"
else
    mv "$tmp" "$out"
fi
