#!/bin/sh
# tests/docs/check_layers.sh DOC NM OBJECT...: the runtime's calls follow
# the layers of docs/architecture.md.
#
# The layers are read from the page's first diagram (the code block after
# "## The runtime's layers"): one line per layer, the highest first; a line
# that starts with a file continues the layer above it. The calls are read
# from the objects of runtime/src with nm: object X calls Y when X uses a
# symbol Y defines. A call is a problem when it goes to a higher layer, or
# from one feature to another (features are peers), unless an item of the
# page's "## Known departures" names the caller as `X.c:...` and the
# symbol as `sym` or `Y.c:sym`; an item that excuses no call any more is
# a problem too (the departure was fixed: delete the item). Calls within a
# layer (the loop of stmt.c and tx.c among them) are the layer's own
# business.
#
# Prints one line per problem and exits 1 when there is any.
set -u
doc=${1:?usage: check_layers.sh DOC NM OBJECT...}
nm=$2
shift 2
if [ $# -eq 0 ]; then
    echo "check_layers.sh: no objects given" >&2
    exit 1
fi
tmp=${TMPDIR:-/tmp}/ormc_layers.$$
mkdir "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT

# file layer-number (1 = the highest) layer-name, from the diagram.
awk '
    /^## The runtime.s layers/ { section = 1; next }
    section && /^```/ { if (inblock) exit; inblock = 1; next }
    inblock {
        line = $0
        sub(/^ +/, "", line)
        if (line !~ /^[a-z_]+\.c/) {
            n++
            name = line
            sub(/ +[a-z_]+\.c.*/, "", name)
        }
        for (i = 1; i <= NF; i++)
            if ($i ~ /^[a-z_]+\.c$/)
                print $i, n, name
    }
' "$doc" >"$tmp/layers"
if [ ! -s "$tmp/layers" ]; then
    echo "$doc: no layer diagram found" >&2
    exit 1
fi

# The departures section, one item a line.
awk '
    /^## Known departures/ { section = 1; next }
    section && /^## / { exit }
    section {
        if ($0 ~ /^ *- /) { if (item != "") print item; item = $0 }
        else if ($0 ~ /^ *$/) { if (item != "") print item; item = "" }
        else if (item != "") item = item " " $0
    }
    END { if (item != "") print item }
' "$doc" >"$tmp/departures"

status=0
for o in "$@"; do
    f=$(basename "$o" .o) # stmt.c.o (CMake) or stmt.o
    case $f in *.c) ;; *) f=$f.c ;; esac
    if ! grep -q "^$f " "$tmp/layers"; then
        echo "$doc: $f is in no layer of the diagram" >&2
        status=1
    fi
done
# "OBJECT:[address] TYPE SYMBOL" per line, for all the objects at once
if ! "$nm" -A -g --defined-only "$@" >"$tmp/nm_defs" ||
    ! "$nm" -A -u "$@" >"$tmp/nm_uses"; then
    echo "$nm could not read the objects" >&2
    exit 1
fi
# symbol file / file symbol
file_of='
    function file_of(line) {
        sub(/:.*/, "", line)
        sub(/.*\//, "", line)
        sub(/\.o$/, "", line)
        if (line !~ /\.c$/) line = line ".c"
        return line
    }'
awk "$file_of"' { print $NF, file_of($0) }' "$tmp/nm_defs" >"$tmp/defs"
awk "$file_of"' { print file_of($0), $NF }' "$tmp/nm_uses" >"$tmp/uses"

# caller symbol callee, for calls between files
awk '
    FILENAME == ARGV[1] { def[$1] = $2; next }
    ($2 in def) && def[$2] != $1 { print $1, $2, def[$2] }
' "$tmp/defs" "$tmp/uses" | sort -u >"$tmp/calls"

# caller symbol callee why, for the calls that need an excuse
awk '
    FILENAME == ARGV[1] {
        layer[$1] = $2
        name = $0
        sub(/^[^ ]+ [^ ]+ /, "", name)
        lname[$1] = name
        next
    }
    !($1 in layer) || !($3 in layer) { next }
    layer[$3] < layer[$1] {
        print $1, $2, $3, "calls up, into the " lname[$3] " layer"
        next
    }
    layer[$3] == layer[$1] && lname[$1] == "features" {
        print $1, $2, $3, "calls another feature"
    }
' "$tmp/layers" "$tmp/calls" >"$tmp/flagged"

while read -r caller sym callee why; do
    items=$(grep -n -F "\`$caller:" "$tmp/departures" |
        grep -E "\`([a-z_]+\\.c:)?$sym\`" | cut -d: -f1)
    if [ -n "$items" ]; then
        printf '%s\n' "$items" >>"$tmp/used"
        continue
    fi
    echo "runtime/src/$caller $why: $sym ($callee); fix it or list it under Known departures in docs/architecture.md" >&2
    status=1
done <"$tmp/flagged"

# An item that excuses no call is out of date: the departure was fixed.
n=0
while IFS= read -r item; do
    n=$((n + 1))
    grep -qx "$n" "$tmp/used" 2>/dev/null && continue
    echo "$doc: a known departure that no call matches any more (delete it):" >&2
    echo "    $item" >&2
    status=1
done <"$tmp/departures"
exit $status
