#!/bin/sh
# test_package.sh BUILD_DIR WORK_DIR: install the build into a fresh prefix,
# then configure, build and run tests/package/consumer against it with
# find_package(ormc).
set -eu
build=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
"$work/prefix/bin/ormc" --version
cmake -S "$here/consumer" -B "$work/build" \
    -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log" || {
    cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" >"$work/build.log" 2>&1 || {
    cat "$work/build.log"; exit 1; }
out=$("$work/build/consumer")
[ "$out" = "hello from an installed ormc" ] || {
    echo "unexpected output: $out"; exit 1; }
echo "package test passed: $out"
