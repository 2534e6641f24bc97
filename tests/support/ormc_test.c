/*
 * ormc_test.c: running a test program on both backends, each test on a
 * fresh database. See ormc_test.h.
 *
 * PostgreSQL: the program creates a database of its own (named after the
 * program and its pid, so programs run in parallel), each test a schema in
 * it; the database is dropped when the program ends. Administration goes
 * through libpq directly, so that a broken runtime cannot hide a broken
 * harness.
 */
#include "ormc_test.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ormc_backend current_backend;
static char current_url[2048];
static char pg_base_conninfo[1536]; /* maintenance URL's keywords, no dbname */
/* ORMC_TEST_VIA_PGBOUNCER=1 (the pgbouncer_ reruns): the runtime's
 * connections go through the PgBouncer of ORMC_TEST_PGBOUNCER_URL in
 * transaction pooling mode; administration still goes straight to the
 * server */
static char pg_bouncer_conninfo[1536];
static char pg_dbname[64];
static int test_counter;

ormc_backend ormc_test_backend(void)
{
    return current_backend;
}

const char *ormc_test_url(void)
{
    return current_url;
}

static const char *program_name(void)
{
    const char *name = getenv("ORMC_TEST_NAME");
    return name && *name ? name : "ormc_test";
}

/* Append keyword='value' to a conninfo string, quoting as libpq wants. */
static void conninfo_add(char *dst, size_t size, const char *key,
                         const char *value)
{
    size_t len = strlen(dst);
    int n = snprintf(dst + len, size - len, "%s%s='", len ? " " : "", key);
    assert_true(n > 0 && (size_t)n < size - len);
    len += (size_t)n;
    for (const char *p = value; *p; p++) {
        assert_true(len + 3 < size);
        if (*p == '\'' || *p == '\\')
            dst[len++] = '\\';
        dst[len++] = *p;
    }
    assert_true(len + 2 < size);
    dst[len++] = '\'';
    dst[len] = '\0';
}

static PGconn *pg_admin_connect(const char *dbname)
{
    char conninfo[2048];
    snprintf(conninfo, sizeof conninfo, "%s", pg_base_conninfo);
    conninfo_add(conninfo, sizeof conninfo, "dbname", dbname);
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "test harness: cannot connect to %s: %s", dbname,
                PQerrorMessage(conn));
        PQfinish(conn);
        return NULL;
    }
    return conn;
}

static bool pg_admin_exec(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "test harness: %s: %s", sql, PQerrorMessage(conn));
    PQclear(res);
    return ok;
}

/* Parse the maintenance URL into keywords (minus dbname) and create this
 * program's database. */
static bool pg_create_database(const char *url)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(url, &err);
    if (!opts) {
        fprintf(stderr, "test harness: bad ORMC_TEST_PG_URL: %s\n",
                err ? err : "out of memory");
        PQfreemem(err);
        return false;
    }
    pg_base_conninfo[0] = '\0';
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (o->val && *o->val && strcmp(o->keyword, "dbname") != 0)
            conninfo_add(pg_base_conninfo, sizeof pg_base_conninfo, o->keyword,
                         o->val);
    }
    PQconninfoFree(opts);
    if (ormc_test_via_pgbouncer()) {
        const char *b = getenv("ORMC_TEST_PGBOUNCER_URL");
        PQconninfoOption *bo = b ? PQconninfoParse(b, NULL) : NULL;
        if (!bo) {
            fprintf(stderr, "test harness: bad ORMC_TEST_PGBOUNCER_URL\n");
            return false;
        }
        pg_bouncer_conninfo[0] = '\0';
        for (PQconninfoOption *o = bo; o->keyword; o++)
            if (o->val && *o->val && strcmp(o->keyword, "dbname") != 0)
                conninfo_add(pg_bouncer_conninfo, sizeof pg_bouncer_conninfo,
                             o->keyword, o->val);
        PQconninfoFree(bo);
    }

    snprintf(pg_dbname, sizeof pg_dbname, "%.40s_%ld", program_name(),
             (long)getpid());
    PGconn *admin = pg_admin_connect("postgres");
    if (!admin)
        return false;
    char sql[256];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\"", pg_dbname);
    bool ok = pg_admin_exec(admin, sql);
    snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\"", pg_dbname);
    ok = ok && pg_admin_exec(admin, sql);
    PQfinish(admin);
    return ok;
}

static void pg_drop_database(void)
{
    PGconn *admin = pg_admin_connect("postgres");
    if (!admin)
        return;
    char sql[256];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)",
             pg_dbname);
    pg_admin_exec(admin, sql);
    PQfinish(admin);
}

static void remove_sqlite_files(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char name[1024];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
        unlink(name);
    }
}

static char sqlite_path[1024];

/* Point current_url at a fresh database for the next test. */
static void prepare_fresh_database(void)
{
    test_counter++;
    if (current_backend == ORMC_SQLITE) {
        snprintf(sqlite_path, sizeof sqlite_path, "%s-%d.db", program_name(),
                 test_counter);
        remove_sqlite_files(sqlite_path);
        snprintf(current_url, sizeof current_url, "sqlite:%s", sqlite_path);
        return;
    }
    char schema[32], sql[96];
    snprintf(schema, sizeof schema, "test_%d", test_counter);
    PGconn *admin = pg_admin_connect(pg_dbname);
    assert_non_null(admin);
    snprintf(sql, sizeof sql, "CREATE SCHEMA \"%s\"", schema);
    bool ok = pg_admin_exec(admin, sql);
    PQfinish(admin);
    assert_true(ok);

    if (ormc_test_via_pgbouncer()) {
        /* no startup options through a transaction pooler: ormc's own
         * search_path, set in every transaction */
        snprintf(current_url, sizeof current_url, "%s", pg_bouncer_conninfo);
        conninfo_add(current_url, sizeof current_url, "dbname", pg_dbname);
        conninfo_add(current_url, sizeof current_url, "pooler", "transaction");
        conninfo_add(current_url, sizeof current_url, "search_path", schema);
        return;
    }
    char search_path[64];
    snprintf(search_path, sizeof search_path, "-csearch_path=%s", schema);
    snprintf(current_url, sizeof current_url, "%s", pg_base_conninfo);
    conninfo_add(current_url, sizeof current_url, "dbname", pg_dbname);
    conninfo_add(current_url, sizeof current_url, "options", search_path);
}

/* What a message may say about the test's database: its name, never the
 * URL, which may hold a password. */
static const char *database_name(void)
{
    return current_backend == ORMC_SQLITE ? sqlite_path : pg_dbname;
}

int ormc_test_setup(void **state)
{
    prepare_fresh_database();
    ormc_db *db = NULL;
    int rc = ormc_open(current_url, &db);
    if (rc != ORMC_OK) {
        fprintf(stderr, "test setup: ormc_open of database %s = %s: %s\n",
                database_name(), ormc_strstatus(rc), ormc_errmsg(db));
        ormc_close(db);
        return -1;
    }
    *state = db;
    return 0;
}

int ormc_test_teardown(void **state)
{
    /* A test's trace hook may count into its own stack frame, gone by
     * now: the close must not call it. */
    ormc_set_trace(*state, NULL, NULL);
    ormc_close(*state);
    *state = NULL;
    if (current_backend == ORMC_SQLITE)
        remove_sqlite_files(sqlite_path);
    return 0;
}

void ormc_test_direct_only(const char *why)
{
    if (!ormc_test_via_pgbouncer() || current_backend != ORMC_POSTGRES)
        return;
    fprintf(stderr, "skipped through PgBouncer: %s\n", why);
    skip();
}

ormc_db *ormc_test_db(void **state)
{
    assert_non_null(*state);
    return *state;
}

ormc_db *ormc_test_open_another(void)
{
    ormc_db *db = NULL;
    int rc = ormc_open(current_url, &db);
    if (rc != ORMC_OK)
        fail_msg("ormc_open of database %s = %s: %s", database_name(),
                 ormc_strstatus(rc), ormc_errmsg(db));
    return db;
}

void ormc_test_exec(ormc_db *db, const char *sql)
{
    int rc = ormc_exec(db, sql, NULL, 0, NULL);
    if (rc != ORMC_OK)
        fail_msg("%s: %s: %s", sql, ormc_strstatus(rc), ormc_errmsg(db));
}

int64_t ormc_test_query_int(ormc_db *db, const char *sql)
{
    ormc_result *res;
    assert_ok(db, ormc_query(db, sql, NULL, 0, &res));
    if (ormc_result_next(res) != ORMC_ROW)
        fail_msg("%s: no row", sql);
    int64_t v = ormc_result_int64(res, 0);
    ormc_result_close(res);
    return v;
}

void ormc_test_query_text(ormc_db *db, const char *sql, char *out, size_t size)
{
    ormc_result *res;
    assert_ok(db, ormc_query(db, sql, NULL, 0, &res));
    if (ormc_result_next(res) != ORMC_ROW)
        fail_msg("%s: no row", sql);
    const char *s = ormc_result_text(res, 0);
    snprintf(out, size, "%s", s ? s : "(null)");
    ormc_result_close(res);
}

void ormc_test_open_fails(const char *url, int status, const char *says)
{
    ormc_db *db = NULL;
    int rc = ormc_open(url, &db);
    if (rc != status || !strstr(ormc_errmsg(db), says))
        fail_msg("ormc_open(%s) = %s, \"%s\"; expected %s saying \"%s\"", url,
                 ormc_strstatus(rc), ormc_errmsg(db), ormc_strstatus(status),
                 says);
    ormc_close(db);
}

ormc_tx_state ormc_test_tx_state(const ormc_db *db)
{
    ormc_tx_state state = ORMC_TX_IDLE;
    int rc = ormc_tx_state_of(db, &state);
    if (rc != ORMC_OK)
        fail_msg("ormc_tx_state_of: %s", ormc_strstatus(rc));
    return state;
}

int ormc_test_run_backends_n(const char *group, const struct CMUnitTest *tests,
                             size_t n)
{
    char name[128];
    int failures = 0;

    /* the pgbouncer_ reruns are PostgreSQL's alone */
    if (!ormc_test_via_pgbouncer()) {
        current_backend = ORMC_SQLITE;
        snprintf(name, sizeof name, "%s/sqlite", group);
        failures += _cmocka_run_group_tests(name, tests, n, NULL, NULL);
    }

    const char *pg_url = ormc_test_pg_url();
    if (!pg_url)
        return failures + ormc_test_pg_missing(group);
    if (ormc_test_via_pgbouncer() && !getenv("ORMC_TEST_PGBOUNCER_URL")) {
        fprintf(stderr,
                "%s %s through PgBouncer: ORMC_TEST_PGBOUNCER_URL is "
                "not set (tests/with-postgres sets it when pgbouncer is "
                "installed: scripts/setup test)\n",
                ormc_test_in_ci() ? "FAIL:" : "*** SKIPPED:", group);
        return failures + (ormc_test_in_ci() ? 1 : 0);
    }
    snprintf(name, sizeof name, "%s/postgres%s", group,
             ormc_test_via_pgbouncer() ? "-pgbouncer" : "");
    if (!pg_create_database(pg_url))
        return failures + 1;
    current_backend = ORMC_POSTGRES;
    failures += _cmocka_run_group_tests(name, tests, n, NULL, NULL);
    pg_drop_database();
    return failures;
}
