/*
 * test_settings.c: the session settings (statement, lock and
 * idle-in-transaction timeouts, default isolation, application_name) as
 * options and as URL parameters, in force on every connection and after a
 * reconnect, and each one actually doing its job; then serializable
 * increments from many threads through one pool.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool_util.h"

static void expect_setting(ormc_db *db, const char *name, const char *want)
{
    char sql[128], got[128];
    snprintf(sql, sizeof sql, "SHOW %s", name);
    pu_text(db, sql, got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("%s is \"%s\", expected \"%s\"", name, got, want);
}

static void test_options_applied(void **state)
{
    ormc_test_direct_only(
        "it terminates a server process, and a session SET of its own must "
        "win; behind a pooler ormc's settings win in every transaction "
        "(runtime_pooler tests them)");
    (void)state;
    if (ormc_test_backend() != ORMC_POSTGRES)
        skip(); /* PostgreSQL's settings */
    ormc_pool_options o = ORMC_POOL_OPTIONS_INIT;
    o.size = 2;
    o.conn.statement_timeout_ms = 1500;
    o.conn.lock_timeout_ms = 700;
    o.conn.idle_in_transaction_timeout_ms = 60000;
    o.conn.default_isolation = ORMC_SERIALIZABLE;
    o.conn.application_name = "ormc-settings";
    ormc_pool *pool = pu_pool(&o);
    ormc_db *db = pu_acquire(pool);
    for (int round = 0; round < 2; round++) {
        expect_setting(db, "statement_timeout", "1500ms");
        expect_setting(db, "lock_timeout", "700ms");
        expect_setting(db, "idle_in_transaction_session_timeout", "1min");
        expect_setting(db, "default_transaction_isolation", "serializable");
        expect_setting(db, "transaction_isolation", "serializable");
        expect_setting(db, "application_name", "ormc-settings");
        expect_setting(db, "TimeZone", "UTC");
        if (round == 0) {
            /* the same after an automatic reconnect */
            pu_kill_backend(pu_backend_pid(db));
            assert_ok(db, ormc_rollback(db));
        }
    }
    ormc_counters cs;
    assert_int_equal(ormc_stats(db, &cs), ORMC_OK);
    assert_int_equal(cs.reconnects, 1);
    /* changed by the user, back after release */
    assert_ok(db, ormc_rollback(db));
    ormc_test_exec(db, "SET statement_timeout = 0");
    ormc_test_exec(db, "SET default_transaction_isolation = "
                       "'read committed'");
    assert_ok(db, ormc_commit(db));
    expect_setting(db, "statement_timeout", "0");
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    db = pu_acquire(pool);
    expect_setting(db, "statement_timeout", "1500ms");
    expect_setting(db, "default_transaction_isolation", "serializable");
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    ormc_pool_close(pool);

    /* autocommit: statements outside BEGIN run serializable too */
    o.conn.autocommit = 1;
    pool = pu_pool(&o);
    db = pu_acquire(pool);
    expect_setting(db, "transaction_isolation", "serializable");
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    ormc_pool_close(pool);
}

static void test_url_parameters(void **state)
{
    (void)state;
    if (ormc_test_backend() != ORMC_POSTGRES)
        skip();
    char url[2400];
    snprintf(url, sizeof url,
             "%s statement_timeout=1600 lock_timeout=800 "
             "idle_in_transaction_timeout=61000 isolation=repeatable_read "
             "application_name=urlapp",
             ormc_test_url());
    ormc_pool *pool = NULL;
    assert_int_equal(ormc_pool_open(url, NULL, &pool), ORMC_OK);
    ormc_db *db = pu_acquire(pool);
    expect_setting(db, "statement_timeout", "1600ms");
    expect_setting(db, "lock_timeout", "800ms");
    expect_setting(db, "idle_in_transaction_session_timeout", "61s");
    expect_setting(db, "default_transaction_isolation", "repeatable read");
    expect_setting(db, "transaction_isolation", "repeatable read");
    expect_setting(db, "application_name", "urlapp");
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    ormc_pool_close(pool);

    /* read committed, whose name has a space too */
    snprintf(url, sizeof url, "%s isolation=read_committed", ormc_test_url());
    ormc_db *one = NULL;
    assert_int_equal(ormc_open(url, &one), ORMC_OK);
    expect_setting(one, "default_transaction_isolation", "read committed");
    ormc_close(one);

    /* a bad value is refused before anything is sent */
    snprintf(url, sizeof url, "%s lock_timeout=soon", ormc_test_url());
    assert_int_equal(ormc_pool_open(url, NULL, &pool), ORMC_INVALID);
    assert_non_null(strstr(ormc_pool_errmsg(), "lock_timeout"));
}

static void test_timeouts_fire(void **state)
{
    ormc_db *holder = ormc_test_db(state);
    if (ormc_test_backend() != ORMC_POSTGRES)
        skip();
    ormc_test_exec(holder, "CREATE TABLE r (id integer PRIMARY KEY, v "
                           "integer)");
    ormc_test_exec(holder, "INSERT INTO r VALUES (1, 0)");
    assert_ok(holder, ormc_commit(holder));

    ormc_pool_options o = ORMC_POOL_OPTIONS_INIT;
    o.size = 1;
    /* Far apart, so that on a loaded machine the lock wait below ends by
     * lock_timeout (55P03), never by statement_timeout (57014), and no step
     * of the test is slow enough to end the session as idle. */
    o.conn.statement_timeout_ms = 800;
    o.conn.lock_timeout_ms = 50;
    o.conn.idle_in_transaction_timeout_ms = 1500;
    ormc_pool *pool = pu_pool(&o);
    ormc_db *db = pu_acquire(pool);

    /* statement timeout */
    int64_t t0 = pu_now_ms();
    assert_int_equal(ormc_exec(db, "SELECT pg_sleep(3)", NULL, 0, NULL),
                     ORMC_TIMEOUT);
    assert_string_equal(ormc_sqlstate(db), "57014");
    assert_true(pu_now_ms() - t0 < 2000);
    assert_ok(db, ormc_rollback(db));

    /* lock timeout: another session holds the row */
    ormc_test_exec(holder, "UPDATE r SET v = 1 WHERE id = 1");
    assert_int_equal(
        ormc_exec(db, "UPDATE r SET v = 2 WHERE id = 1", NULL, 0, NULL),
        ORMC_BUSY);
    assert_string_equal(ormc_sqlstate(db), "55P03");
    assert_ok(db, ormc_rollback(db));
    assert_ok(holder, ormc_commit(holder));

    /* idle in transaction: the server ends the session; the pool replaces
     * the connection */
    assert_int_equal(pu_int(db, "SELECT 1"), 1);
    pu_sleep_ms(3000);
    assert_int_equal(ormc_exec(db, "SELECT 1", NULL, 0, NULL), ORMC_CONNECTION);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    ormc_pool_counters s = pu_stats(pool);
    assert_int_equal(s.replaced_dead, 1);
    db = pu_acquire(pool);
    assert_int_equal(pu_int(db, "SELECT v FROM r"), 1);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    ormc_pool_close(pool);
}

/* === serializable increments === */

#define INC_THREADS 8
#define INC_EACH 500

typedef struct inc_arg {
    ormc_pool *pool;
    int errors;
    uint64_t retries;
    char first_error[256];
} inc_arg;

static int increment(ormc_db *db, void *ctx)
{
    (void)ctx;
    ormc_result *res;
    int rc =
        ormc_query(db, "SELECT n FROM counter WHERE id = 1", NULL, 0, &res);
    if (rc != ORMC_OK)
        return rc;
    rc = ormc_result_next(res);
    int64_t n = ormc_result_int64(res, 0);
    ormc_result_close(res);
    if (rc != ORMC_ROW)
        return rc == ORMC_DONE ? ORMC_NOT_FOUND : rc;
    ormc_param v = {.type = ORMC_TYPE_BIGINT};
    v.u.i64 = n + 1;
    return ormc_exec(db, "UPDATE counter SET n = $1 WHERE id = 1", &v, 1, NULL);
}

static void *inc_thread(void *p)
{
    inc_arg *a = p;
    ormc_retry_options r = ORMC_RETRY_OPTIONS_INIT;
    r.tx.isolation = ORMC_SERIALIZABLE;
    r.max_attempts = 1000;
    r.base_delay_ms = 1;
    r.max_delay_ms = 16;
    for (int i = 0; i < INC_EACH; i++) {
        ormc_db *db = NULL;
        int rc = ormc_pool_acquire(a->pool, 30000, &db);
        if (rc != ORMC_OK) {
            if (a->errors++ == 0)
                snprintf(a->first_error, sizeof a->first_error, "acquire: %s",
                         ormc_pool_errmsg());
            continue;
        }
        rc = ormc_transaction(db, &r, increment, NULL);
        if (rc != ORMC_OK && a->errors++ == 0)
            snprintf(a->first_error, sizeof a->first_error, "%s: %s",
                     ormc_strstatus(rc), ormc_errmsg(db));
        ormc_counters s;
        ormc_stats(db, &s);
        a->retries += s.retries;
        ormc_pool_release(a->pool, db);
    }
    return NULL;
}

static void test_serializable_increments(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (ormc_test_backend() != ORMC_POSTGRES)
        skip(); /* on SQLite, writers take turns: nothing to serialize */
    ormc_test_exec(db, "CREATE TABLE counter (id integer PRIMARY KEY, n "
                       "bigint NOT NULL)");
    ormc_test_exec(db, "INSERT INTO counter VALUES (1, 0)");
    assert_ok(db, ormc_commit(db));

    ormc_pool_options o = ORMC_POOL_OPTIONS_INIT;
    o.size = INC_THREADS;
    o.max_overflow = 0;
    o.conn.default_isolation = ORMC_SERIALIZABLE;
    ormc_pool *pool = pu_pool(&o);
    inc_arg args[INC_THREADS];
    memset(args, 0, sizeof args);
    for (int i = 0; i < INC_THREADS; i++)
        args[i].pool = pool;
    int64_t t0 = pu_now_ms();
    pu_run_threads(INC_THREADS, inc_thread, args, sizeof args[0]);
    int64_t t1 = pu_now_ms();
    uint64_t retries = 0;
    for (int i = 0; i < INC_THREADS; i++) {
        if (args[i].errors)
            fail_msg("thread %d: %d errors, first: %s", i, args[i].errors,
                     args[i].first_error);
        retries += args[i].retries;
    }
    assert_int_equal(pu_int(db, "SELECT n FROM counter WHERE id = 1"),
                     INC_THREADS * INC_EACH);
    ormc_pool_counters s = pu_stats(pool);
    printf("# %d serializable increments in %lld ms, %llu retries\n",
           INC_THREADS * INC_EACH, (long long)(t1 - t0),
           (unsigned long long)retries);
    assert_int_equal(s.retries, retries);
    assert_true(retries > 0);
    assert_int_equal(s.acquires, INC_THREADS * INC_EACH);
    ormc_pool_close(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_options_applied),
        ORMC_BACKEND_TEST(test_url_parameters),
        ORMC_BACKEND_TEST(test_timeouts_fire),
        ORMC_BACKEND_TEST(test_serializable_increments),
    };
    return ormc_test_run_backends("settings", tests);
}
