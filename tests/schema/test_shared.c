/*
 * test_shared.c: the options for a database another tool created, on
 * SQLite and PostgreSQL, over tests/gen/good/shared.lua (generated at build
 * time): serial { bits = 32 } (an int32_t key, PostgreSQL integer), a
 * column referencing it, sql_type, and server_default = false (the insert
 * fills the default now itself). Then the drift check against the tables
 * such a tool makes: a serial column (a sequence default) for the identity,
 * the other tool's types, and a default the database lacks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ormc_test.h"
#include "shared.h"

static bool is_pg(ormc_db *db)
{
    return ormc_backend_of(db) == ORMC_POSTGRES;
}

static void commit_if_open(ormc_db *db)
{
    if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
        assert_ok(db, ormc_commit(db));
}

/* What a report callback was told. */
typedef struct found {
    int n, n_breaking;
    char msg[32][600];
    bool breaks[32];
} found;

static void collect(void *ctx, const ormc_drift *d)
{
    found *f = ctx;
    if (f->n == 32)
        return;
    snprintf(f->msg[f->n], sizeof f->msg[0], "%s", d->message);
    f->breaks[f->n] = d->breaks_data;
    f->n_breaking += d->breaks_data;
    f->n++;
}

/* The index of the reported difference that starts with `what`, else
 * fails. */
static int find(const found *f, const char *what)
{
    for (int i = 0; i < f->n; i++)
        if (strncmp(f->msg[i], what, strlen(what)) == 0)
            return i;
    fail_msg("no difference reported starting with: %s", what);
    return -1;
}

/* The schema as ormc creates it: the strict check passes; 32-bit keys,
 * references to them, and the defaults the database lacks filled in. */
static void test_created_by_ormc(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, shared_schema_create(db));
    found f;
    memset(&f, 0, sizeof f);
    assert_ok(db, shared_schema_check_with(db, ORMC_CHECK_STRICT, collect, &f));
    assert_int_equal(f.n, 0);

    ormc_time before = ormc_time_now();
    shared_account a;
    shared_account_init(&a);
    a.name = "ann";
    /* created left unset: its default lives in the application */
    assert_false(a.has_created);
    assert_ok(db, shared_account_insert(db, &a));
    ormc_time after = ormc_time_now();
    assert_true(a.id > 0);
    assert_true(a.has_created);
    assert_true(a.created >= before && a.created <= after);
    /* seen's default is the database's: read back */
    assert_true(a.has_seen);

    shared_account got;
    assert_ok(db, shared_account_get(db, a.id, &got));
    assert_int_equal(got.id, a.id);
    assert_true(got.active);
    assert_string_equal(got.note, "none");
    assert_int_equal(got.created, a.created);
    shared_account_free(&got);

    /* insert_many fills it too; and on PostgreSQL its bulk load (COPY)
     * writes prefs, a json column there (sql_type), as json's bytes, not
     * jsonb's */
    shared_account many[2];
    for (int i = 0; i < 2; i++) {
        shared_account_init(&many[i]);
        many[i].name = i ? "bo" : "cy";
        many[i].prefs = "{\"theme\": \"dark\"}";
    }
    assert_ok(db, shared_account_insert_many(db, many, 2));
    assert_ok(db, shared_account_get(db, 3, &got));
    assert_string_equal(got.prefs, "{\"theme\": \"dark\"}");
    shared_account_free(&got);
    ormc_result *res = NULL;
    assert_ok(db, ormc_query(db,
                             "SELECT count(*) FROM \"account\" WHERE "
                             "\"created\" IS NOT NULL",
                             NULL, 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    assert_int_equal(ormc_result_int64(res, 0), 3);
    ormc_result_close(res);

    /* an int32_t key referenced by an int32_t column */
    shared_session s = SHARED_SESSION_INIT;
    s.account_id = a.id;
    assert_ok(db, shared_session_insert(db, &s));
    assert_true(s.id > 0);
    commit_if_open(db);
    /* the session's key is 64 bits */
    assert_int_equal(sizeof s.id, 8);
    assert_int_equal(sizeof a.id, 4);
    assert_ok(db, shared_schema_drop(db));
}

/* The account table as another tool writes it: a serial column (a sequence
 * default on PostgreSQL, a rowid without AUTOINCREMENT on SQLite, as ormc
 * writes a serial without autoincrement = true: no difference), its own
 * spelling of the types, no CHECK for the max (which the schema, with the
 * default checks = "client", does not ask for either), and no default for
 * seen. */
static const char other_sqlite[] =
    "CREATE TABLE account (id INTEGER NOT NULL, name VARCHAR(32) NOT NULL, "
    "email TEXT, active BOOLEAN NOT NULL, score INT, visits BIGINT, "
    "ratio REAL, created DATETIME NOT NULL, seen DATETIME, "
    "token VARCHAR(36), prefs TEXT, note TEXT, PRIMARY KEY (id))";
static const char other_postgres[] =
    "CREATE TABLE account (id SERIAL NOT NULL, name VARCHAR(32) NOT NULL, "
    "email text, active boolean NOT NULL, score integer, visits bigint, "
    "ratio float8, created timestamp NOT NULL, "
    "seen timestamp with time zone, token uuid, prefs json, note text, "
    "PRIMARY KEY (id))";

static void test_created_by_another_tool(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, shared_schema_create(db));
    ormc_test_exec(db, "DROP TABLE \"session\"");
    ormc_test_exec(db, "DROP TABLE \"account\"");
    ormc_test_exec(db, is_pg(db) ? other_postgres : other_sqlite);
    ormc_test_exec(db, is_pg(db) ? "CREATE TABLE session (id bigint "
                                   "GENERATED BY DEFAULT AS IDENTITY "
                                   "PRIMARY KEY, account_id integer NOT NULL "
                                   "REFERENCES account (id), kind "
                                   "varchar(20))"
                                 : "CREATE TABLE session (id INTEGER NOT NULL "
                                   "PRIMARY KEY AUTOINCREMENT, account_id "
                                   "INTEGER NOT NULL REFERENCES account (id), "
                                   "kind TEXT)");
    commit_if_open(db);

    found f;
    memset(&f, 0, sizeof f);
    assert_int_equal(shared_schema_check_with(db, 0, collect, &f),
                     ORMC_SCHEMA_DRIFT);
    /* the one that breaks data: seen's default */
    static const char seen[] =
        "table \"account\": column \"seen\" has no default in the database "
        "but one in schema shared: breaks data: an insert that leaves it "
        "unset fails (NOT NULL) or stores NULL; when the default lives in "
        "the application, say server_default = false";
    assert_int_equal(f.n_breaking, 1);
    assert_true(f.breaks[find(&f, seen)]);
    assert_string_equal(ormc_errmsg(db), seen);
    assert_string_equal(ormc_errconstraint(db), "seen");
    if (is_pg(db)) {
        int i = find(&f, "table \"account\": column \"id\" takes its value "
                         "from a sequence default (serial) in the database "
                         "but is an identity column in schema shared: does "
                         "not break data");
        assert_false(f.breaks[i]);
        assert_int_equal(f.n, 2);
    } else {
        static const char *const harmless[] = {
            "table \"account\": column \"email\" has type TEXT in the "
            "database but CLOB in schema shared: does not break data: "
            "SQLite keeps the same values (TEXT affinity)",
            "table \"account\": column \"score\" has type INT in the "
            "database but INTEGER in schema shared: does not break data",
            "table \"account\": column \"visits\" has type BIGINT",
            "table \"account\": column \"ratio\" has type REAL in the "
            "database but FLOAT in schema shared: does not break data",
            "table \"account\": column \"seen\" has type DATETIME in the "
            "database but TEXT in schema shared: does not break data: SQLite "
            "keeps the same values (NUMERIC affinity)",
        };
        size_t n = sizeof harmless / sizeof harmless[0];
        for (size_t i = 0; i < n; i++)
            assert_false(f.breaks[find(&f, harmless[i])]);
        assert_int_equal(f.n, (int)n + 1);
    }
    /* strict: every one fails */
    assert_int_equal(
        shared_schema_check_with(db, ORMC_CHECK_STRICT, NULL, NULL),
        ORMC_SCHEMA_DRIFT);
    char head[32];
    snprintf(head, sizeof head, "%d differences: ", f.n);
    assert_int_equal(strncmp(ormc_errmsg(db), head, strlen(head)), 0);

    /* with seen's default in the database, the tables pass; the rows go
     * both ways */
    ormc_test_exec(db, is_pg(db) ? "ALTER TABLE account ALTER COLUMN seen SET "
                                   "DEFAULT now()"
                                 : "ALTER TABLE account RENAME TO old");
    if (!is_pg(db)) {
        /* SQLite cannot add a default to a column: the table again */
        static const char again[] =
            "CREATE TABLE account (id INTEGER NOT NULL, name VARCHAR(32) NOT "
            "NULL, email TEXT, active BOOLEAN NOT NULL, score INT, visits "
            "BIGINT, ratio REAL, created DATETIME NOT NULL, seen DATETIME "
            "DEFAULT CURRENT_TIMESTAMP, token VARCHAR(36), prefs TEXT, note "
            "TEXT, PRIMARY KEY (id))";
        ormc_test_exec(db, "DROP TABLE session");
        ormc_test_exec(db, "DROP TABLE old");
        ormc_test_exec(db, again);
        ormc_test_exec(db, "CREATE TABLE session (id INTEGER NOT NULL "
                           "PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT "
                           "NULL REFERENCES account (id), kind TEXT)");
    }
    commit_if_open(db);
    assert_ok(db, shared_schema_check(db));

    ormc_test_exec(db, "INSERT INTO account (name, active, created, seen) "
                       "VALUES ('zed', 1 = 1, '2024-05-06 07:08:09.123456', "
                       "'2024-05-06 07:08:09.5')");
    commit_if_open(db);
    shared_account a;
    shared_account_init(&a);
    a.name = "amy";
    a.has_score = true;
    a.score = -7;
    assert_ok(db, shared_account_insert(db, &a));
    assert_true(a.has_created);
    commit_if_open(db);
    shared_account got;
    assert_ok(db, shared_account_get(db, 1, &got));
    assert_string_equal(got.name, "zed");
    char when[40];
    ormc_time_format(got.created, when, sizeof when);
    assert_string_equal(when, "2024-05-06 07:08:09.123456");
    shared_account_free(&got);
    assert_ok(db, shared_account_get(db, a.id, &got));
    assert_int_equal(got.score, -7);
    assert_int_equal(got.created, a.created);
    shared_account_free(&got);
    commit_if_open(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_created_by_ormc),
        ORMC_BACKEND_TEST(test_created_by_another_tool),
    };
    return ormc_test_run_backends("schema_shared", tests);
}
