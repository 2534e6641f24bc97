#!/bin/sh
# test_package.sh BUILD_DIR WORK_DIR LIBDIR: install the build into a fresh
# prefix (LIBDIR is its lib directory, CMAKE_INSTALL_LIBDIR), then build
# and run tests/package/consumer against it twice: with find_package(ormc)
# and CMake, and with pkg-config (ormc.pc) and a plain Makefile. Also checks
# the installed layout: the headers, pkg-config's answers, that
# `ormc --help` names documentation that is there, and that `ormc seed`
# finds its helper.
set -eu
build=$1
work=$2
libdir=$3
here=$(cd "$(dirname "$0")" && pwd)
# pkg-config's answer, without the trailing blank pkgconf leaves.
pc() {
    pkg-config "$@" | sed 's/ *$//'
}
fail() {
    echo "package test: $*" >&2
    exit 1
}
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
prefix=$(cd "$work/prefix" && pwd -P)
"$prefix/bin/ormc" --version

# The layout: headers under include/ormc/, include/ormc.h kept.
for h in include/ormc/ormc.h include/ormc/ormc_generated.h include/ormc.h \
    include/ormc_generated.h "$libdir/libormc.a" "$libdir/pkgconfig/ormc.pc"; do
    [ -f "$prefix/$h" ] || fail "$h is not installed"
done

# --help names the installed documentation, and it is there.
docs=$("$prefix/bin/ormc" --help | sed -n 's/^documentation: //p')
[ "$docs" = "$prefix/share/doc/ormc/docs" ] ||
    fail "ormc --help names '$docs' as its documentation"
[ -f "$docs/migrations.md" ] && [ -f "$docs/../README.md" ] ||
    fail "$docs/migrations.md or README.md is not installed"

# ormc seed runs the ormc_seed installed beside the generator.
[ -x "$prefix/share/ormc/bin/ormc_seed" ] ||
    fail "share/ormc/bin/ormc_seed is not installed"
(unset ORMC_SEED; "$prefix/bin/ormc" seed --sql sqlite \
    "$here/../../schema/shop.lua" --rows customer=3 --seed 1 \
    -o "$work/seed.sql") || fail "the installed ormc seed failed"
grep -q '^INSERT INTO "customers"' "$work/seed.sql" ||
    fail "the installed ormc seed wrote no rows"

# find_package(ormc) and CMake.
cmake -S "$here/consumer" -B "$work/build" \
    -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log" || {
    cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" >"$work/build.log" 2>&1 || {
    cat "$work/build.log"; exit 1; }
out=$("$work/build/consumer")
[ "$out" = "hello from an installed ormc" ] || fail "cmake: unexpected output: $out"

# pkg-config: what it answers for the installed ormc.pc.
PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
export PKG_CONFIG_PATH
cflags=$(pc --cflags ormc)
libs=$(pc --libs ormc)
static=$(pc --static --libs ormc)
[ "$cflags" = "-I$prefix/include/ormc" ] || fail "--cflags gives '$cflags'"
[ "$libs" = "-L$prefix/$libdir -lormc" ] || fail "--libs gives '$libs'"
case " $static " in
*" -lormc "*"-lsqlite3 "*"-lpq -lpthread -lm ") ;;
*) fail "--static --libs gives '$static'" ;;
esac
[ "$(pc --variable=generator ormc)" = "$prefix/bin/ormc" ] ||
    fail "the generator variable is not $prefix/bin/ormc"

# A plain Makefile through pkg-config, out of the tree: each program runs,
# and each is linked as it says (libormc.so needed or not).
mkdir -p "$work/make"
cp "$here/consumer/Makefile" "$here/consumer/main.c" \
    "$here/consumer/notes.lua" "$work/make/"
make -C "$work/make" >"$work/make.log" 2>&1 || {
    cat "$work/make.log"; exit 1; }
for prog in consumer consumer-static consumer-compat; do
    out=$("$work/make/$prog")
    [ "$out" = "hello from an installed ormc" ] ||
        fail "make: $prog: unexpected output: $out"
done
readelf -d "$work/make/consumer" | grep -q 'NEEDED.*libormc\.so' ||
    fail "consumer is not linked to libormc.so"
for prog in consumer-static consumer-compat; do
    if readelf -d "$work/make/$prog" | grep -q 'NEEDED.*libormc'; then
        fail "$prog is linked to libormc.so, not libormc.a"
    fi
done
echo "package test passed: $out (CMake, and pkg-config with make)"
