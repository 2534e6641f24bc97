/*
 * test_conn.c: connections. Session settings, the statement cache,
 * prepare=off, scripts, tracing and stats, and reconnecting after the
 * server went away (a real restart when the harness offers one).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ormc_test.h"

static void test_session_settings(void **state)
{
    ormc_db *db = ormc_test_db(state);
    bool pg = ormc_backend_of(db) == ORMC_POSTGRES;
    /* LIKE is case-sensitive on both */
    assert_int_equal(ormc_test_query_int(db,
                                         "SELECT CASE WHEN 'ABC' LIKE 'abc' "
                                         "THEN 1 ELSE 0 END"),
                     0);
    assert_int_equal(ormc_test_query_int(db, "SELECT CASE WHEN 'ABC' LIKE 'A%' "
                                             "THEN 1 ELSE 0 END"),
                     1);
    if (pg) {
        ormc_result *res;
        assert_ok(db, ormc_query(db, "SHOW TimeZone", NULL, 0, &res));
        assert_int_equal(ormc_result_next(res), ORMC_ROW);
        assert_string_equal(ormc_result_text(res, 0), "UTC");
        ormc_result_close(res);
        /* the URL's own options survive ours */
        assert_ok(db, ormc_query(db, "SHOW search_path", NULL, 0, &res));
        assert_int_equal(ormc_result_next(res), ORMC_ROW);
        assert_non_null(strstr(ormc_result_text(res, 0), "test_"));
        ormc_result_close(res);
    } else {
        assert_int_equal(ormc_test_query_int(db, "PRAGMA foreign_keys"), 1);
        assert_int_equal(ormc_test_query_int(db, "PRAGMA busy_timeout"), 5000);
    }
}

static void test_options_from_url(void **state)
{
    ormc_db *db = ormc_test_db(state);
    bool pg = ormc_backend_of(db) == ORMC_POSTGRES;
    char url[2200];
    snprintf(url, sizeof url,
             pg ? "%s statement_timeout=1234 busy_timeout=10"
                : "%s?busy_timeout=1234&statement_timeout=10",
             ormc_test_url());
    ormc_db *o;
    assert_int_equal(ormc_open(url, &o), ORMC_OK);
    if (pg) {
        ormc_result *res;
        assert_ok(o, ormc_query(o, "SHOW statement_timeout", NULL, 0, &res));
        assert_int_equal(ormc_result_next(res), ORMC_ROW);
        assert_string_equal(ormc_result_text(res, 0), "1234ms");
        ormc_result_close(res);
    } else {
        assert_int_equal(ormc_test_query_int(o, "PRAGMA busy_timeout"), 1234);
    }
    ormc_close(o);
    /* the options struct wins over the URL */
    ormc_options opts = ORMC_OPTIONS_INIT;
    opts.busy_timeout_ms = 77;
    opts.statement_timeout_ms = 4321;
    assert_int_equal(ormc_open_with(url, &opts, &o), ORMC_OK);
    if (pg)
        assert_int_equal(ormc_test_query_int(o, "SELECT setting::integer FROM "
                                                "pg_settings WHERE "
                                                "name = 'statement_timeout'"),
                         4321);
    else
        assert_int_equal(ormc_test_query_int(o, "PRAGMA busy_timeout"), 77);
    ormc_close(o);
}

static void test_statement_cache_reuses(void **state)
{
    ormc_db *db = ormc_test_db(state);
    ormc_test_exec(db, "CREATE TABLE t (k integer PRIMARY KEY, v text)");
    assert_ok(db, ormc_commit(db));
    ormc_stats_reset(db);
    static const char sql[] = "INSERT INTO t (k, v) VALUES ($1, $2)";
    for (int i = 0; i < 10; i++) {
        ormc_param p[2] = {{ORMC_TYPE_INTEGER, false, {.i32 = i}},
                           {ORMC_TYPE_TEXT, false, {.text = "x"}}};
        assert_ok(db, ormc_exec(db, sql, p, 2, NULL));
    }
    /* the same text in another buffer is the same statement */
    char copy[sizeof sql];
    memcpy(copy, sql, sizeof sql);
    ormc_param p[2] = {{ORMC_TYPE_INTEGER, false, {.i32 = 10}},
                       {ORMC_TYPE_TEXT, true, {.text = NULL}}};
    assert_ok(db, ormc_exec(db, copy, p, 2, NULL));
    ormc_counters s;
    assert_ok(db, ormc_stats(db, &s));
    assert_int_equal(s.prepares, 1);
    assert_int_equal(s.statements, 12); /* BEGIN and 11 inserts */
    assert_int_equal(s.rows, 11);
    assert_ok(db, ormc_commit(db));

    /* a bounded cache: three statements cycling through two slots */
    ormc_options o = ORMC_OPTIONS_INIT;
    o.stmt_cache_size = 2;
    ormc_db *small;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &small), ORMC_OK);
    static const char *const three[] = {"SELECT 1", "SELECT 2", "SELECT 3"};
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 3; i++)
            assert_int_equal(ormc_test_query_int(small, three[i]), i + 1);
    assert_ok(small, ormc_stats(small, &s));
    assert_int_equal(s.prepares, 9);
    for (int i = 0; i < 5; i++)
        assert_int_equal(ormc_test_query_int(small, three[2]), 3);
    assert_ok(small, ormc_stats(small, &s));
    assert_int_equal(s.prepares, 9);
    ormc_close(small);
}

static void test_prepare_off(void **state)
{
    ormc_db *db = ormc_test_db(state);
    bool pg = ormc_backend_of(db) == ORMC_POSTGRES;
    char url[2200];
    snprintf(url, sizeof url, pg ? "%s prepare=off" : "%s?prepare=off",
             ormc_test_url());
    ormc_db *o;
    assert_int_equal(ormc_open(url, &o), ORMC_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(ormc_test_query_int(o, "SELECT 7"), 7);
    ormc_counters s;
    assert_ok(o, ormc_stats(o, &s));
    assert_int_equal(s.prepares, 4);
    if (pg) /* no named statement was left on the server */
        assert_int_equal(ormc_test_query_int(o, "SELECT count(*) FROM "
                                                "pg_prepared_statements"),
                         0);
    ormc_close(o);
}

typedef struct last_event {
    int n;
    char sql[128];
    ormc_trace_event ev;
} last_event;

static void keep_last(void *ctx, const ormc_trace_event *ev)
{
    last_event *l = ctx;
    l->n++;
    l->ev = *ev;
    snprintf(l->sql, sizeof l->sql, "%s", ev->sql);
}

static void test_scripts_and_trace(void **state)
{
    ormc_db *db = ormc_test_db(state);
    last_event l = {0};
    ormc_set_trace(db, keep_last, &l);
    int64_t changes = 0;
    assert_ok(db, ormc_exec(db,
                            "CREATE TABLE a (x integer); "
                            "INSERT INTO a VALUES (1); -- two rows\n"
                            "INSERT INTO a VALUES (length('2;3') - 1);",
                            NULL, 0, &changes));
    assert_int_equal(changes, 1);
    assert_int_equal(l.n, 2); /* BEGIN, the script */
    assert_int_equal(ormc_test_query_int(db, "SELECT count(*) FROM a"), 2);
    ormc_param p = {ORMC_TYPE_INTEGER, false, {.i32 = 0}};
    assert_ok(db, ormc_exec(db, "UPDATE a SET x = x + 10 WHERE x > $1", &p, 1,
                            &changes));
    assert_int_equal(changes, 2);
    assert_string_equal(l.sql, "UPDATE a SET x = x + 10 WHERE x > $1");
    assert_int_equal(l.ev.n_params, 1);
    assert_int_equal(l.ev.rows, 2);
    assert_int_equal(l.ev.status, ORMC_OK);
    assert_true(l.ev.duration_ns >= 0);
    assert_int_equal(ormc_exec(db, "SELECT 1; SELECT $1", &p, 1, NULL),
                     ORMC_INVALID);
    assert_ok(db, ormc_rollback(db));
    ormc_set_trace(db, NULL, NULL);
}

/* Run the harness's server control command ("stop", "start"). */
static bool pg_ctl(const char *what)
{
    const char *ctl = getenv("ORMC_TEST_PG_CTL");
    if (!ctl || !*ctl)
        return false;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s >/dev/null 2>&1", ctl, what);
    assert_int_equal(system(cmd), 0);
    return true;
}

/* Drop db's server connection: restart the server when the harness can,
 * else have another session terminate db's backend. */
static void lose_connection(ormc_db *db, bool restart)
{
    if (restart && pg_ctl("restart"))
        return;
    int64_t pid = ormc_test_query_int(db, "SELECT pg_backend_pid()");
    ormc_db *killer = ormc_test_open_another();
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)",
             (long long)pid);
    assert_int_equal(ormc_test_query_int(killer, sql) != 0, 1);
    ormc_close(killer);
}

static void reconnect_case(void **state, bool restart)
{
    ormc_db *db = ormc_test_db(state);
    if (ormc_backend_of(db) != ORMC_POSTGRES)
        skip(); /* an embedded database cannot go away */
    ormc_options o = ORMC_OPTIONS_INIT;
    o.autocommit = 1;
    ormc_db *ac;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &ac), ORMC_OK);
    ormc_test_exec(ac, "CREATE TABLE t (k integer PRIMARY KEY)");
    assert_int_equal(ormc_test_query_int(ac, "SELECT 1"), 1);

    /* outside a transaction: one failure, then a new connection */
    lose_connection(ac, restart);
    assert_int_equal(ormc_exec(ac, "SELECT 1", NULL, 0, NULL), ORMC_CONNECTION);
    assert_int_equal(strlen(ormc_sqlstate(ac)), 5);
    assert_int_equal(ormc_test_tx_state(ac), ORMC_TX_IDLE);
    assert_int_equal(ormc_test_query_int(ac, "SELECT 2"), 2);
    ormc_counters s;
    assert_ok(ac, ormc_stats(ac, &s));
    assert_int_equal(s.reconnects, 1);
    assert_true(s.errors[ORMC_CONNECTION] >= 1);

    /* inside one: the transaction fails and stays failed, never
     * half-applied, until rolled back */
    assert_ok(ac, ormc_begin(ac));
    assert_ok(ac, ormc_exec(ac, "INSERT INTO t VALUES (1)", NULL, 0, NULL));
    lose_connection(ac, restart);
    assert_int_equal(ormc_exec(ac, "INSERT INTO t VALUES (2)", NULL, 0, NULL),
                     ORMC_CONNECTION);
    assert_int_equal(ormc_test_tx_state(ac), ORMC_TX_FAILED);
    assert_int_equal(ormc_exec(ac, "SELECT 1", NULL, 0, NULL), ORMC_CONNECTION);
    assert_int_equal(ormc_commit(ac), ORMC_CONNECTION);
    assert_int_equal(ormc_test_tx_state(ac), ORMC_TX_IDLE);
    assert_int_equal(ormc_test_query_int(ac, "SELECT count(*) FROM t"), 0);
    assert_ok(ac, ormc_stats(ac, &s));
    assert_int_equal(s.reconnects, 2);

    /* a cached statement is prepared again on the new connection */
    static const char sql[] = "SELECT count(*) + $1 FROM t";
    ormc_param p = {ORMC_TYPE_BIGINT, false, {.i64 = 5}};
    ormc_result *res;
    for (int i = 0; i < 2; i++) {
        if (i == 1) {
            lose_connection(ac, restart);
            assert_int_equal(ormc_query(ac, sql, &p, 1, &res), ORMC_CONNECTION);
        }
        assert_ok(ac, ormc_query(ac, sql, &p, 1, &res));
        assert_int_equal(ormc_result_next(res), ORMC_ROW);
        assert_int_equal(ormc_result_int64(res, 0), 5);
        ormc_result_close(res);
    }
    ormc_close(ac);
    /* the test's own connection was dropped too by a restart */
    if (restart) {
        assert_int_equal(ormc_exec(db, "SELECT 3", NULL, 0, NULL),
                         ORMC_CONNECTION);
        assert_int_equal(ormc_test_query_int(db, "SELECT 3"), 3);
    }
}

static void test_reconnect_after_terminate(void **state)
{
    reconnect_case(state, false);
}

static void test_reconnect_after_server_restart(void **state)
{
    if (!getenv("ORMC_TEST_PG_CTL") && ormc_test_backend() == ORMC_POSTGRES) {
        if (ormc_test_in_ci())
            fail_msg("ORMC_TEST_PG_CTL is not set: run the suite through "
                     "tests/with-postgres");
        skip(); /* the harness offers no server control */
    }
    reconnect_case(state, true);
}

/* The server dies (pg_ctl stop -m immediate, as in a crash) and comes
 * back: the first call finds the connection lost and says so
 * (ORMC_CONNECTION, 08006, one line); the next reconnects. A transaction
 * that lost its connection says so at commit too, and kept nothing. */
static void expect_lost(ormc_db *db, int rc)
{
    if (rc != ORMC_CONNECTION)
        fail_msg("%s (%s): %s, expected ORMC_CONNECTION", ormc_strstatus(rc),
                 ormc_sqlstate(db), ormc_errmsg(db));
    assert_string_equal(ormc_sqlstate(db), "08006");
    const char *m = ormc_errmsg(db);
    assert_true(strlen(m) > 0);
    if (strpbrk(m, "\n\t") || strstr(m, "invalid socket"))
        fail_msg("not one clean line: \"%s\"", m);
}

static void crash_server(void)
{
    assert_true(pg_ctl("stop -m immediate"));
    assert_true(pg_ctl("start"));
}

static void test_server_crash(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (ormc_backend_of(db) != ORMC_POSTGRES)
        skip(); /* an embedded database cannot go away */
    if (!getenv("ORMC_TEST_PG_CTL")) {
        if (ormc_test_in_ci())
            fail_msg("ORMC_TEST_PG_CTL is not set: run the suite through "
                     "tests/with-postgres");
        skip();
    }
    /* the harness's server commits asynchronously (a crash may lose the
     * last commits): this commit waits for the log, which holds the
     * test's schema too */
    ormc_test_exec(db, "SET synchronous_commit = on");
    ormc_test_exec(db, "CREATE TABLE t (k integer PRIMARY KEY)");
    assert_ok(db, ormc_commit(db));
    ormc_options o = ORMC_OPTIONS_INIT;
    o.autocommit = 1;
    ormc_db *ac;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &ac), ORMC_OK);
    assert_int_equal(ormc_test_query_int(ac, "SELECT 1"), 1);

    /* outside a transaction: the first call says lost, the next
     * reconnects */
    crash_server();
    expect_lost(ac, ormc_exec(ac, "SELECT 1", NULL, 0, NULL));
    assert_int_equal(ormc_test_tx_state(ac), ORMC_TX_IDLE);
    assert_int_equal(ormc_test_query_int(ac, "SELECT 2"), 2);
    ormc_counters s;
    assert_ok(ac, ormc_stats(ac, &s));
    assert_int_equal(s.reconnects, 1);

    /* a statement after the crash fails the transaction: commit says the
     * connection was lost */
    assert_ok(ac, ormc_begin(ac));
    assert_ok(ac, ormc_exec(ac, "INSERT INTO t VALUES (1)", NULL, 0, NULL));
    crash_server();
    expect_lost(ac, ormc_exec(ac, "INSERT INTO t VALUES (2)", NULL, 0, NULL));
    assert_int_equal(ormc_test_tx_state(ac), ORMC_TX_FAILED);
    expect_lost(ac, ormc_commit(ac));
    assert_int_equal(ormc_test_tx_state(ac), ORMC_TX_IDLE);
    assert_int_equal(ormc_test_query_int(ac, "SELECT count(*) FROM t"), 0);

    /* the commit itself is the first call after the crash */
    assert_ok(ac, ormc_begin(ac));
    assert_ok(ac, ormc_exec(ac, "INSERT INTO t VALUES (3)", NULL, 0, NULL));
    crash_server();
    expect_lost(ac, ormc_commit(ac));
    assert_int_equal(ormc_test_tx_state(ac), ORMC_TX_IDLE);
    assert_int_equal(ormc_test_query_int(ac, "SELECT count(*) FROM t"), 0);
    assert_ok(ac, ormc_stats(ac, &s));
    assert_int_equal(s.reconnects, 3);
    ormc_close(ac);

    /* the default mode's implicit transaction, on the test's own
     * connection (lost in the first crash) */
    expect_lost(db, ormc_exec(db, "SELECT 3", NULL, 0, NULL));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_int_equal(ormc_test_query_int(db, "SELECT 3"), 3); /* reconnects */
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    crash_server();
    expect_lost(db, ormc_exec(db, "SELECT 4", NULL, 0, NULL));
    expect_lost(db, ormc_commit(db));
    assert_int_equal(ormc_test_query_int(db, "SELECT 5"), 5);
    assert_ok(db, ormc_rollback(db));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_session_settings),
        ORMC_BACKEND_TEST(test_options_from_url),
        ORMC_BACKEND_TEST(test_statement_cache_reuses),
        ORMC_BACKEND_TEST(test_prepare_off),
        ORMC_BACKEND_TEST(test_scripts_and_trace),
        ORMC_BACKEND_TEST(test_reconnect_after_terminate),
        ORMC_BACKEND_TEST(test_reconnect_after_server_restart),
        ORMC_BACKEND_TEST(test_server_crash),
    };
    return ormc_test_run_backends("runtime_conn", tests);
}
