#!/bin/sh
# tests/docs/check_architecture.sh ROOT: keep docs/architecture.md, the map
# of the runtime and the generator, true of the tree at ROOT.
#
#   1. Every file of runtime/src and gen/ is named on the page (in
#      backquotes), so that a file added or renamed without a place on the
#      map fails the suite.
#   2. Every file the page names (`x.c`, `dir/x.h`, `x.lua`, also as
#      `x.c:function`) exists: a bare name in runtime/src, runtime/include
#      or gen/, a path from ROOT.
#   3. Every `file:function` names a function that file defines, so that
#      the paths and departures the page traces do not outlive the code.
#
# Prints one line per problem and exits 1 when there is any.
set -u
root=${1:?usage: check_architecture.sh ROOT}
doc=$root/docs/architecture.md
if [ ! -f "$doc" ]; then
    echo "docs/architecture.md is missing" >&2
    exit 1
fi

# The backquoted words of the page, one a line.
tokens=$(grep -o '`[^`]*`' "$doc" | tr -d '`')
# The names the page gives to files: `x.c:function` and `dir/x.c` give x.c.
named=$(printf '%s\n' "$tokens" | sed -e 's/:.*//' -e 's|.*/||' | sort -u)

status=0
problem() {
    echo "docs/architecture.md: $*" >&2
    status=1
}

for f in "$root"/runtime/src/* "$root"/gen/*; do
    [ -f "$f" ] || continue
    name=$(basename "$f")
    dir=$(basename "$(dirname "$f")")
    case $dir in src) dir=runtime/src ;; esac
    printf '%s\n' "$named" | grep -Fqx "$name" ||
        problem "$dir/$name is not on the map (add it to its layer or phase)"
done

# Where a bare file name lives.
locate() {
    for d in runtime/src runtime/include gen; do
        if [ -f "$root/$d/$1" ]; then
            echo "$root/$d/$1"
            return 0
        fi
    done
    return 1
}

printf '%s\n' "$tokens" |
    grep -E '^[a-z0-9_./-]+\.(c|h|lua)(:[A-Za-z_][A-Za-z0-9_]*)?$' |
    sort -u >"${TMPDIR:-/tmp}/ormc_arch_files.$$"
while IFS= read -r tok; do
    file=${tok%%:*}
    case $file in
    */*) path=$root/$file ;;
    *) path=$(locate "$file") || path= ;;
    esac
    if [ -z "$path" ] || [ ! -f "$path" ]; then
        problem "names $file, which does not exist"
        continue
    fi
    case $tok in
    *:*)
        fn=${tok#*:}
        case $file in
        *.lua) pattern="function ([A-Za-z_]+[.:])?$fn\\(" ;;
        *) pattern="^[A-Za-z_].*[ *]$fn\\(|^$fn\\(" ;;
        esac
        grep -Eq "$pattern" "$path" ||
            problem "names $tok, but $file defines no function $fn"
        ;;
    esac
done <"${TMPDIR:-/tmp}/ormc_arch_files.$$"
rm -f "${TMPDIR:-/tmp}/ormc_arch_files.$$"
exit $status
