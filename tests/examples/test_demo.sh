#!/bin/sh
# test_demo.sh DEMO WORK_DIR: run the demo (examples/demo, what `make demo`
# shows) on SQLite, and on PostgreSQL in a database of its own when
# ORMC_TEST_PG_URL names a server. Each run must tell its story and show,
# for every step, the store call, the generated functions it runs and the
# SQL the runtime sends, briefly (long column lists shortened).
set -eu
demo=$1
work=$2
fail() {
    echo "demo test: $*" >&2
    exit 1
}

# check OUTPUT_FILE BACKEND: the lines every run must show.
check() {
    out=$1
    while IFS= read -r want; do
        grep -qF -- "$want" "$out" || fail "$2: no line with: $want"
    done <<'LINES'
1. installation_store_save(&store, &inst)
       runs: slack_installation_first, slack_installation_insert
       sql: INSERT INTO "slack_installations" ("client_id", ..., "installed_at") VALUES ($1, ..., $
   Installed the app in workspace T0DEMO (Demo Workspace): bot token xoxb-first.
2. installation_store_save_bot(&store, &rotated)
       sql: INSERT INTO "slack_bots" ("client_id", ..., "installed_at")
3. installation_store_find_installation(&store, NULL, "T0DEMO", "U0ADMIN", false, &found)
       sql: SELECT "id", ..., "installed_at" FROM "slack_installations" WHERE "client_id" = $1
   Found U0ADMIN's installation of T0DEMO
5. session_store_set(&sessions, "s3ss10n-1d", cart, len)
       runs: web_session_upsert
       sql: INSERT INTO "sessions" ("session_id", "data", "expires") VALUES ($1, $2, $3)
6. session_store_get(&sessions, "s3ss10n-1d", &s)
       sql: UPDATE "sessions" SET "expires" = $2 WHERE "id" = $1
   Read it back: {"cart": ["book", "lamp"]}
       sql: DELETE FROM "sessions" WHERE "session_id" = $1 AND "expires" <= $2
   The session has expired: it is gone.
The tables, drawn by `bin/ormc doc -o DIR schema/slack.lua`: docs/schema/slack.svg
LINES
    # Brief: no SQL line longer than the demo's cut (100 characters + "...").
    awk '/^       sql: / && length($0) > 115 { bad = 1 } END { exit bad }' \
        "$out" || fail "$2: an SQL line is not shortened"
    # The store opening (table creation) is not traced: only the steps are.
    if grep -q 'sql: CREATE' "$out"; then
        fail "$2: the tables' creation is shown"
    fi
}

rm -rf "$work"
mkdir -p "$work"
(cd "$work" && env -u ORMC_URL -u ORMC_TRACE "$demo" >sqlite.out 2>&1) ||
    { cat "$work/sqlite.out" >&2; fail "SQLite: the demo failed"; }
check "$work/sqlite.out" SQLite
grep -qF 'The data is in ormc-demo.db' "$work/sqlite.out" ||
    fail "SQLite: no closing line"
echo "demo on SQLite: ok"

if [ -z "${ORMC_TEST_PG_URL:-}" ]; then
    if [ "${CI:-}" = true ]; then
        fail "needs PostgreSQL but ORMC_TEST_PG_URL is not set (CI=true)"
    fi
    echo "*** SKIPPED: the demo on PostgreSQL: ORMC_TEST_PG_URL is not set."
    exit 0
fi
# A database of the test's own, dropped at the end.
db="examples_demo_$$"
admin=$ORMC_TEST_PG_URL
url=$(printf '%s' "$ORMC_TEST_PG_URL" | sed "s|:///postgres?|:///$db?|")
[ "$url" != "$admin" ] || fail "cannot place a database in $admin"
PGOPTIONS="-c client_min_messages=warning" \
    psql -q -X "$admin" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" \
    >/dev/null
trap 'psql -q -X "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
    >/dev/null 2>&1 || true' EXIT
(cd "$work" && env -u ORMC_TRACE ORMC_URL="$url" "$demo" >pg.out 2>&1) ||
    { cat "$work/pg.out" >&2; fail "PostgreSQL: the demo failed"; }
check "$work/pg.out" PostgreSQL
grep -qF 'ormc demo on PostgreSQL' "$work/pg.out" ||
    fail "PostgreSQL: no opening line"
echo "demo on PostgreSQL: ok"
