/*
 * test_open.c: what ormc_open does before the application's first
 * statement. SQLite's journal_mode, synchronous and pragma.NAME settings
 * (URL and ormc_options) in the default mode, whose implicit BEGIN would
 * make SQLite refuse them; the on_connect hook, outside any transaction,
 * on open, on every reconnect and on every pool connection, and what its
 * failure does; and ormc_open(NULL) reading ORMC_URL, then DATABASE_URL.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ormc_test.h"

/* The test's URL with parameters added: a query string on SQLite, one
 * keyword of the libpq keyword string the harness gives on PostgreSQL. */
static const char *url_with(const char *params)
{
    static char url[2400];
    const char *base = ormc_test_url();
    if (strncmp(base, "sqlite:", 7) != 0)
        snprintf(url, sizeof url, "%s %s", base, params);
    else
        snprintf(url, sizeof url, "%s%s%s", base, strchr(base, '?') ? "&" : "?",
                 params);
    return url;
}

/* Open url (with opts) expecting status, and errmsg to contain want. */
static void expect_open_error(const char *url, const ormc_options *opts,
                              int status, const char *want)
{
    ormc_db *db = NULL;
    int rc = ormc_open_with(url, opts, &db);
    if (rc != status || !strstr(ormc_errmsg(db), want))
        fail_msg("open gave %s \"%s\", expected %s with \"%s\"",
                 ormc_strstatus(rc), ormc_errmsg(db), ormc_strstatus(status),
                 want);
    ormc_close(db);
}

/* --- SQLite settings at open --- */

static void test_sqlite_pragmas_in_default_mode(void **state)
{
    ormc_db *base = ormc_test_db(state);
    if (ormc_backend_of(base) != ORMC_SQLITE)
        skip();
    /* what the settings are for: in the default mode the implicit BEGIN
     * comes first, and SQLite refuses them inside a transaction */
    assert_int_equal(ormc_exec(base, "SELECT 1", NULL, 0, NULL), ORMC_OK);
    assert_int_not_equal(
        ormc_exec(base, "PRAGMA synchronous = NORMAL", NULL, 0, NULL), ORMC_OK);
    assert_ok(base, ormc_rollback(base));

    ormc_db *db;
    assert_ok(NULL, ormc_open(url_with("journal_mode=wal&synchronous=normal&"
                                       "busy_timeout=4321&"
                                       "pragma.cache_size=-4000&"
                                       "pragma.user_version=7"),
                              &db));
    char mode[32];
    ormc_test_query_text(db, "PRAGMA journal_mode", mode, sizeof mode);
    assert_string_equal(mode, "wal");
    assert_int_equal(ormc_test_query_int(db, "PRAGMA synchronous"), 1);
    assert_int_equal(ormc_test_query_int(db, "PRAGMA busy_timeout"), 4321);
    assert_int_equal(ormc_test_query_int(db, "PRAGMA cache_size"), -4000);
    assert_int_equal(ormc_test_query_int(db, "PRAGMA user_version"), 7);
    /* ormc's own settings still hold */
    assert_int_equal(ormc_test_query_int(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    assert_ok(db, ormc_rollback(db));
    ormc_close(db);

    /* the same fields in ormc_options, which win over the URL */
    ormc_options o = ORMC_OPTIONS_INIT;
    o.journal_mode = "WAL";
    o.synchronous = "extra";
    o.pragmas = " cache_size = -2000 ; temp_store=memory;";
    assert_ok(NULL, ormc_open_with(url_with("journal_mode=delete&"
                                            "synchronous=off&"
                                            "pragma.cache_size=-9000"),
                                   &o, &db));
    ormc_test_query_text(db, "PRAGMA journal_mode", mode, sizeof mode);
    assert_string_equal(mode, "wal");
    assert_int_equal(ormc_test_query_int(db, "PRAGMA synchronous"), 3);
    assert_int_equal(ormc_test_query_int(db, "PRAGMA cache_size"), -2000);
    assert_int_equal(ormc_test_query_int(db, "PRAGMA temp_store"), 2);
    ormc_close(db);
}

static void test_sqlite_pragma_values_are_quoted(void **state)
{
    (void)state;
    if (ormc_test_backend() != ORMC_SQLITE)
        skip();
    /* a value that is not a word or a number goes in as an SQL string: it
     * can set a text pragma, and cannot add a statement */
    char path[1100], url[1200];
    snprintf(path, sizeof path, "%s-enc.db", ormc_test_url() + 7);
    unlink(path);
    snprintf(url, sizeof url, "sqlite:%s?pragma.encoding=UTF-16le", path);
    ormc_db *db;
    assert_ok(NULL, ormc_open(url, &db));
    char enc[32];
    ormc_test_query_text(db, "PRAGMA encoding", enc, sizeof enc);
    assert_string_equal(enc, "UTF-16le");
    ormc_close(db);
    snprintf(url, sizeof url,
             "sqlite:%s?pragma.user_version=1%%3BCREATE%%20TABLE%%20x(a)",
             path);
    assert_ok(NULL, ormc_open(url, &db));
    assert_int_equal(ormc_test_query_int(db,
                                         "SELECT count(*) FROM sqlite_schema "
                                         "WHERE name = 'x'"),
                     0);
    ormc_close(db);
    unlink(path);
}

static void test_sqlite_settings_errors(void **state)
{
    (void)state;
    if (ormc_test_backend() != ORMC_SQLITE) {
        /* in a PostgreSQL URL they are an error naming the parameter;
         * in ormc_options (shared by both backends) they are ignored */
        expect_open_error(url_with("journal_mode=wal"), NULL, ORMC_INVALID,
                          "URL parameter journal_mode is an SQLite setting");
        expect_open_error(url_with("pragma.cache_size=1"), NULL, ORMC_INVALID,
                          "URL parameter pragma.cache_size");
        ormc_options o = ORMC_OPTIONS_INIT;
        o.journal_mode = "wal";
        o.pragmas = "cache_size=1";
        ormc_db *db;
        assert_ok(NULL, ormc_open_with(ormc_test_url(), &o, &db));
        assert_int_equal(ormc_test_query_int(db, "SELECT 1"), 1);
        ormc_close(db);
        return;
    }
    expect_open_error(url_with("journal_mode=fast"), NULL, ORMC_INVALID,
                      "invalid value for URL parameter journal_mode "
                      "(expected delete, truncate, persist, memory, wal or "
                      "off)");
    expect_open_error(url_with("synchronous=sometimes"), NULL, ORMC_INVALID,
                      "invalid value for URL parameter synchronous");
    expect_open_error(url_with("pragma.synchronous=sometimes"), NULL,
                      ORMC_INVALID,
                      "invalid value for URL parameter pragma.synchronous");
    expect_open_error(url_with("pragma.cache-size=1"), NULL, ORMC_INVALID,
                      "invalid URL parameter pragma.cache-size");
    expect_open_error(url_with("pragma.cache_size="), NULL, ORMC_INVALID,
                      "URL parameter pragma.cache_size has no value");
    expect_open_error(url_with("pragma.chache_size=10"), NULL, ORMC_INVALID,
                      "unknown SQLite pragma \"chache_size\"");
    /* SQLite declines WAL for an in-memory database without an error */
    expect_open_error("sqlite::memory:?journal_mode=wal", NULL, ORMC_INVALID,
                      "SQLite did not set journal_mode wal: the database "
                      "stays in journal_mode memory");
    ormc_options o = ORMC_OPTIONS_INIT;
    o.synchronous = "fast";
    expect_open_error(ormc_test_url(), &o, ORMC_INVALID,
                      "invalid value for ormc_options synchronous");
    o = (ormc_options)ORMC_OPTIONS_INIT;
    o.pragmas = "cache_size";
    expect_open_error(ormc_test_url(), &o, ORMC_INVALID,
                      "invalid ormc_options.pragmas: expected NAME=VALUE");
    o.pragmas = "no_such_pragma=1";
    expect_open_error(ormc_test_url(), &o, ORMC_INVALID,
                      "unknown SQLite pragma \"no_such_pragma\"");
}

/* --- the on_connect hook --- */

typedef struct hook_state {
    int calls;
    int fail;              /* 1: fail with a statement's error; 2: return
                              ORMC_ERROR without one; 3: leave a transaction open */
    ormc_tx_state tx_seen; /* the state after the hook's statement */
    bool sqlite_wal;       /* run PRAGMA journal_mode = wal (SQLite, a file) */
} hook_state;

static int on_connect(ormc_db *db, void *ctx)
{
    hook_state *h = ctx;
    h->calls++;
    int rc;
    if (h->fail == 1)
        return ormc_exec(db, "SELECT * FROM no_such_table", NULL, 0, NULL);
    if (h->fail == 2)
        return ORMC_ERROR;
    if (ormc_backend_of(db) == ORMC_POSTGRES) {
        /* kept after the application's rollback only when sent outside
         * any transaction */
        rc = ormc_exec(db, "SET application_name = 'hooked'", NULL, 0, NULL);
    } else if (h->sqlite_wal) {
        /* refused inside a transaction */
        rc = ormc_exec(db, "PRAGMA journal_mode = wal", NULL, 0, NULL);
    } else {
        rc = ormc_exec(db, "PRAGMA synchronous = EXTRA", NULL, 0, NULL);
    }
    ormc_tx_state_of(db, &h->tx_seen);
    if (rc == ORMC_OK && h->fail == 3)
        rc = ormc_begin(db);
    return rc;
}

static void expect_hooked(ormc_db *db, const hook_state *h)
{
    assert_int_equal(h->tx_seen, ORMC_TX_IDLE);
    char v[64];
    if (ormc_backend_of(db) == ORMC_POSTGRES) {
        ormc_test_query_text(db, "SHOW application_name", v, sizeof v);
        assert_string_equal(v, "hooked");
        assert_ok(db, ormc_rollback(db));
        ormc_test_query_text(db, "SHOW application_name", v, sizeof v);
        assert_string_equal(v, "hooked");
    } else if (h->sqlite_wal) {
        ormc_test_query_text(db, "PRAGMA journal_mode", v, sizeof v);
        assert_string_equal(v, "wal");
    } else {
        assert_int_equal(ormc_test_query_int(db, "PRAGMA synchronous"), 3);
    }
    assert_ok(db, ormc_rollback(db));
}

/* End db's server session from another connection (PostgreSQL). */
static void kill_session(ormc_db *db)
{
    int64_t pid = ormc_test_query_int(db, "SELECT pg_backend_pid()");
    assert_ok(db, ormc_rollback(db));
    ormc_db *killer = ormc_test_open_another();
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)",
             (long long)pid);
    assert_int_equal(ormc_test_query_int(killer, sql), 1);
    ormc_close(killer);
}

static void test_on_connect_hook(void **state)
{
    ormc_test_direct_only("it terminates a server process, which behind a "
                          "pooler serves other clients too");
    ormc_db *base = ormc_test_db(state);
    bool pg = ormc_backend_of(base) == ORMC_POSTGRES;
    hook_state h = {0};
    h.sqlite_wal = !pg;
    ormc_options o = ORMC_OPTIONS_INIT; /* the default, implicit mode */
    o.on_connect = on_connect;
    o.on_connect_ctx = &h;
    ormc_db *db;
    assert_ok(NULL, ormc_open_with(ormc_test_url(), &o, &db));
    assert_int_equal(h.calls, 1);
    expect_hooked(db, &h);
    /* the hook's statements are counted like any other */
    ormc_counters s;
    assert_ok(db, ormc_stats(db, &s));
    assert_true(s.statements >= 1);
    if (!pg) {
        ormc_close(db);
        return; /* an embedded database is never connected again */
    }

    /* a reconnect runs it again, before the statement that reconnected */
    kill_session(db);
    assert_int_equal(ormc_exec(db, "SELECT 1", NULL, 0, NULL), ORMC_CONNECTION);
    assert_int_equal(ormc_test_query_int(db, "SELECT 2"), 2);
    assert_int_equal(h.calls, 2);
    expect_hooked(db, &h);
    assert_ok(db, ormc_stats(db, &s));
    assert_int_equal(s.reconnects, 1);

    /* a hook failing on reconnect fails the call, and the next call tries
     * a new connection (running the hook again) */
    kill_session(db);
    assert_int_equal(ormc_exec(db, "SELECT 1", NULL, 0, NULL), ORMC_CONNECTION);
    h.fail = 1;
    assert_int_equal(ormc_exec(db, "SELECT 3", NULL, 0, NULL), ORMC_CONNECTION);
    assert_int_equal(h.calls, 3);
    assert_non_null(strstr(ormc_errmsg(db), "on_connect hook failed: "));
    assert_non_null(strstr(ormc_errmsg(db), "no_such_table"));
    assert_string_equal(ormc_sqlstate(db), "42P01");
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    h.fail = 0;
    assert_int_equal(ormc_test_query_int(db, "SELECT 4"), 4);
    assert_int_equal(h.calls, 4);
    expect_hooked(db, &h);
    ormc_close(db);
}

static void test_on_connect_failure_at_open(void **state)
{
    (void)state;
    hook_state h = {0};
    ormc_options o = ORMC_OPTIONS_INIT;
    o.on_connect = on_connect;
    o.on_connect_ctx = &h;

    h.fail = 1;
    ormc_db *db = NULL;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &db), ORMC_CONNECTION);
    assert_non_null(db);
    assert_non_null(strstr(ormc_errmsg(db), "on_connect hook failed: "));
    assert_non_null(strstr(ormc_errmsg(db), "no_such_table"));
    assert_string_equal(ormc_sqlstate(db), "42P01");
    /* the handle tries a new connection, and the hook with it, on its
     * next call */
    h.fail = 0;
    assert_int_equal(ormc_test_query_int(db, "SELECT 5"), 5);
    assert_int_equal(h.calls, 2);
    expect_hooked(db, &h);
    ormc_counters s;
    assert_ok(db, ormc_stats(db, &s));
    assert_int_equal(s.reconnects, 0); /* the refused one was never used */
    ormc_close(db);

    h.fail = 2;
    expect_open_error(ormc_test_url(), &o, ORMC_CONNECTION,
                      "on_connect hook failed: it returned database error");
    h.fail = 3;
    expect_open_error(ormc_test_url(), &o, ORMC_CONNECTION,
                      "on_connect hook failed: it left a transaction open");
}

static void test_on_connect_pool(void **state)
{
    ormc_test_direct_only("it terminates a server process, which behind a "
                          "pooler serves other clients too");
    (void)state;
    bool pg = ormc_test_backend() == ORMC_POSTGRES;
    hook_state h = {0};
    ormc_pool_options po = ORMC_POOL_OPTIONS_INIT;
    po.size = 2;
    po.max_overflow = 0;
    po.conn.on_connect = on_connect;
    po.conn.on_connect_ctx = &h;
    ormc_pool *pool;
    if (ormc_pool_open(ormc_test_url(), &po, &pool) != ORMC_OK)
        fail_msg("ormc_pool_open: %s", ormc_pool_errmsg());
    assert_int_equal(h.calls, 1); /* the first connection */
    ormc_db *a, *b;
    assert_int_equal(ormc_pool_acquire(pool, 0, &a), ORMC_OK);
    assert_int_equal(ormc_pool_acquire(pool, 0, &b), ORMC_OK);
    assert_int_equal(h.calls, 2); /* one new, one reused */
    expect_hooked(a, &h);
    expect_hooked(b, &h);
    if (pg) {
        /* a pool connection made again runs it too */
        kill_session(b);
        assert_int_equal(ormc_exec(b, "SELECT 1", NULL, 0, NULL),
                         ORMC_CONNECTION);
        assert_int_equal(ormc_test_query_int(b, "SELECT 1"), 1);
        assert_int_equal(h.calls, 3);
        expect_hooked(b, &h);
    }
    /* the pool's reset on release (RESET ALL on PostgreSQL) undoes what
     * the hook set: it runs again, and the next user gets it set */
    int before = h.calls;
    assert_int_equal(ormc_pool_release(pool, a), ORMC_OK);
    assert_int_equal(h.calls, before + (pg ? 1 : 0));
    assert_int_equal(ormc_pool_acquire(pool, 0, &a), ORMC_OK);
    expect_hooked(a, &h);
    ormc_pool_release(pool, a);
    ormc_pool_release(pool, b);

    /* a hook that fails: the pool hands out no connection */
    ormc_pool_close(pool);
    h.fail = 1;
    assert_int_equal(ormc_pool_open(ormc_test_url(), &po, &pool),
                     ORMC_CONNECTION);
    assert_non_null(strstr(ormc_pool_errmsg(), "on_connect hook failed"));
}

/* --- the URL from the environment --- */

static void test_url_from_environment(void **state)
{
    (void)state;
    const char *url = ormc_test_url();
    ormc_db *db;

    unsetenv("ORMC_URL");
    unsetenv("DATABASE_URL");
    assert_int_equal(ormc_open(NULL, &db), ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db),
                        "no URL given, and neither ORMC_URL nor "
                        "DATABASE_URL is set in the environment");
    ormc_close(db);

    setenv("DATABASE_URL", url, 1);
    assert_ok(NULL, ormc_open(NULL, &db));
    assert_int_equal(ormc_backend_of(db), ormc_test_backend());
    assert_int_equal(ormc_test_query_int(db, "SELECT 6"), 6);
    ormc_close(db);

    /* ORMC_URL first; an empty one counts as unset */
    setenv("ORMC_URL", url, 1);
    setenv("DATABASE_URL", "nonsense", 1);
    assert_ok(NULL, ormc_open(NULL, &db));
    ormc_close(db);
    setenv("ORMC_URL", "", 1);
    assert_int_equal(ormc_open(NULL, &db), ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db),
                        "DATABASE_URL: unrecognized URL: expected "
                        "sqlite:PATH, sqlite::memory:, postgresql://... or "
                        "a libpq keyword string");
    ormc_close(db);
    setenv("ORMC_URL", "sqlite:", 1);
    assert_int_equal(ormc_open(NULL, &db), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "ORMC_URL: sqlite: URL without"));
    ormc_close(db);

    /* ormc_open_with and the pool read it the same way */
    setenv("ORMC_URL", url, 1);
    ormc_options o = ORMC_OPTIONS_INIT;
    o.autocommit = 1;
    assert_ok(NULL, ormc_open_with(NULL, &o, &db));
    assert_int_equal(ormc_test_query_int(db, "SELECT 7"), 7);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    ormc_close(db);
    ormc_pool *pool;
    assert_int_equal(ormc_pool_open(NULL, NULL, &pool), ORMC_OK);
    ormc_pool_close(pool);
    unsetenv("ORMC_URL");
    unsetenv("DATABASE_URL");
    assert_int_equal(ormc_pool_open(NULL, NULL, &pool), ORMC_INVALID);
    assert_non_null(strstr(ormc_pool_errmsg(), "ORMC_URL nor DATABASE_URL"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_sqlite_pragmas_in_default_mode),
        ORMC_BACKEND_TEST(test_sqlite_pragma_values_are_quoted),
        ORMC_BACKEND_TEST(test_sqlite_settings_errors),
        ORMC_BACKEND_TEST(test_on_connect_hook),
        ORMC_BACKEND_TEST(test_on_connect_failure_at_open),
        ORMC_BACKEND_TEST(test_on_connect_pool),
        ORMC_BACKEND_TEST(test_url_from_environment),
    };
    return ormc_test_run_backends("runtime_open", tests);
}
