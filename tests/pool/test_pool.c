/*
 * test_pool.c: the connection pool. Many threads on few connections, the
 * acquire timeout, a connection killed by the server, recycling after the
 * lifetime, a connection released dirty coming back clean, and misuse.
 *
 * Worker threads never call cmocka's assertions (they jump to the main
 * thread's test): they record what went wrong, and the test checks it.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool_util.h"

/* === 16 threads x 1,000 cycles on a pool of 4 === */

#define STRESS_THREADS 16
#define STRESS_CYCLES 1000
#define STRESS_SIZE 4

/* Which thread holds which connection: a connection handed to two
 * threads at once is the worst bug a pool can have. */
static pthread_mutex_t holders_mu = PTHREAD_MUTEX_INITIALIZER;
static ormc_db *holders[STRESS_THREADS];

typedef struct stress_arg {
    ormc_pool *pool;
    int id;
    int errors;
    int shared; /* times the connection was held by another thread too */
    char first_error[256];
} stress_arg;

static void note(stress_arg *a, const char *what, int rc, const char *msg)
{
    if (a->errors++ == 0)
        snprintf(a->first_error, sizeof a->first_error, "%s: %s: %s", what,
                 ormc_strstatus(rc), msg);
}

static void *stress_thread(void *p)
{
    stress_arg *a = p;
    for (int i = 0; i < STRESS_CYCLES; i++) {
        ormc_db *db = NULL;
        int rc = ormc_pool_acquire(a->pool, 30000, &db);
        if (rc != ORMC_OK) {
            note(a, "acquire", rc, ormc_pool_errmsg());
            continue;
        }
        pthread_mutex_lock(&holders_mu);
        for (int t = 0; t < STRESS_THREADS; t++)
            if (holders[t] == db)
                a->shared++;
        holders[a->id] = db;
        pthread_mutex_unlock(&holders_mu);

        /* the work: a parameterised query, and now and then a commit, a
         * left-open transaction or a failed one for release to clean */
        ormc_param v = {.type = ORMC_TYPE_BIGINT};
        v.u.i64 = (int64_t)a->id * 100000 + i;
        ormc_result *res = NULL;
        rc = ormc_query(db, "SELECT $1", &v, 1, &res);
        if (rc == ORMC_OK && (rc = ormc_result_next(res)) == ORMC_ROW &&
            ormc_result_int64(res, 0) != v.u.i64)
            note(a, "wrong value", ORMC_ERROR, "");
        if (rc != ORMC_ROW)
            note(a, "query", rc, ormc_errmsg(db));
        ormc_result_close(res);
        if (i % 3 == 0 && (rc = ormc_commit(db)) != ORMC_OK)
            note(a, "commit", rc, ormc_errmsg(db));
        if (i % 7 == 0)
            ormc_exec(db, "SELECT no_such_column", NULL, 0, NULL);
        if (ormc_test_tx_state(db) != (i % 3 == 0 && i % 7 != 0 ? ORMC_TX_IDLE
                                       : i % 7 == 0             ? ORMC_TX_FAILED
                                                    : ORMC_TX_ACTIVE))
            note(a, "tx state", ORMC_ERROR, "unexpected");

        pthread_mutex_lock(&holders_mu);
        holders[a->id] = NULL;
        pthread_mutex_unlock(&holders_mu);
        if ((rc = ormc_pool_release(a->pool, db)) != ORMC_OK)
            note(a, "release", rc, ormc_pool_errmsg());
    }
    return NULL;
}

static void test_stress(void **state)
{
    (void)state;
    ormc_pool_options o = ORMC_POOL_OPTIONS_INIT;
    o.size = STRESS_SIZE;
    o.max_overflow = 0;
    ormc_pool *pool = pu_pool(&o);
    stress_arg args[STRESS_THREADS];
    memset(args, 0, sizeof args);
    for (int i = 0; i < STRESS_THREADS; i++) {
        args[i].pool = pool;
        args[i].id = i;
    }
    int64_t t0 = pu_now_ms();
    pu_run_threads(STRESS_THREADS, stress_thread, args, sizeof args[0]);
    int64_t t1 = pu_now_ms();
    for (int i = 0; i < STRESS_THREADS; i++) {
        if (args[i].errors)
            fail_msg("thread %d: %d errors, first: %s", i, args[i].errors,
                     args[i].first_error);
        assert_int_equal(args[i].shared, 0);
    }
    ormc_pool_counters s = pu_stats(pool);
    printf("# %d cycles in %lld ms: %llu waits, %llu created, %llu "
           "statements\n",
           STRESS_THREADS * STRESS_CYCLES, (long long)(t1 - t0),
           (unsigned long long)s.waits, (unsigned long long)s.created,
           (unsigned long long)s.statements);
    uint64_t n = STRESS_THREADS * STRESS_CYCLES;
    assert_int_equal(s.acquires, n + 0);
    assert_int_equal(s.releases, n + 0);
    assert_int_equal(s.in_use, 0);
    assert_int_equal(s.waiters, 0);
    assert_int_equal(s.timeouts, 0);
    assert_int_equal(s.connect_errors, 0);
    assert_int_equal(s.replaced_dead, 0);
    assert_int_equal(s.recycled, 0);
    assert_true(s.idle >= 1 && s.idle <= STRESS_SIZE);
    assert_int_equal(s.created - s.closed, s.idle);
    assert_true(s.created <= STRESS_SIZE);
    assert_true(s.waits > 0); /* 16 threads on 4 connections do wait */
    /* SELECT, the commit every third, the failure every seventh; the
     * implicit BEGINs on top */
    assert_true(s.statements >= n + n / 3 + n / 7);
    ormc_pool_close(pool);
}

/* === the acquire timeout === */

typedef struct waiter_arg {
    ormc_pool *pool;
    int timeout_ms;
    int rc;
    int64_t waited_ms;
    ormc_db *db;
} waiter_arg;

static void *waiter_thread(void *p)
{
    waiter_arg *a = p;
    int64_t t0 = pu_now_ms();
    a->rc = ormc_pool_acquire(a->pool, a->timeout_ms, &a->db);
    a->waited_ms = pu_now_ms() - t0;
    return NULL;
}

static void test_acquire_timeout(void **state)
{
    (void)state;
    ormc_pool_options o = ORMC_POOL_OPTIONS_INIT;
    o.size = 1;
    o.max_overflow = 0;
    o.acquire_timeout_ms = 150;
    ormc_pool *pool = pu_pool(&o);
    ormc_db *db = pu_acquire(pool);

    /* no wait at all */
    ormc_db *other = (ormc_db *)1;
    int64_t t0 = pu_now_ms();
    assert_int_equal(ormc_pool_acquire(pool, 0, &other), ORMC_BUSY);
    assert_null(other);
    assert_true(pu_now_ms() - t0 < 100);
    assert_non_null(strstr(ormc_pool_errmsg(), "no pool connection free"));

    /* the pool's default timeout (-1) */
    t0 = pu_now_ms();
    assert_int_equal(ormc_pool_acquire(pool, -1, &other), ORMC_BUSY);
    int64_t waited = pu_now_ms() - t0;
    assert_true(waited >= 140 && waited < 2000);

    /* an explicit one */
    waiter_arg w = {pool, 100, -1, 0, NULL};
    pu_run_threads(1, waiter_thread, &w, sizeof w);
    assert_int_equal(w.rc, ORMC_BUSY);
    assert_true(w.waited_ms >= 90 && w.waited_ms < 2000);

    ormc_pool_counters s = pu_stats(pool);
    assert_int_equal(s.timeouts, 3);
    assert_int_equal(s.waits, 2);
    assert_int_equal(s.in_use, 1);

    /* a waiter gets the connection as soon as it is released */
    pthread_t t;
    w = (waiter_arg){pool, 10000, -1, 0, NULL};
    assert_int_equal(pthread_create(&t, NULL, waiter_thread, &w), 0);
    pu_sleep_ms(100);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    pthread_join(t, NULL);
    assert_int_equal(w.rc, ORMC_OK);
    assert_ptr_equal(w.db, db); /* the same connection, kept */
    assert_true(w.waited_ms < 5000);
    assert_int_equal(ormc_pool_release(pool, w.db), ORMC_OK);
    s = pu_stats(pool);
    assert_int_equal(s.waits, 3);
    assert_int_equal(s.timeouts, 3);
    assert_int_equal(s.created, 1);
    ormc_pool_close(pool);
}

/* === overflow === */

static void test_overflow(void **state)
{
    (void)state;
    ormc_pool_options o = ORMC_POOL_OPTIONS_INIT;
    o.size = 1;
    o.max_overflow = 2;
    ormc_pool *pool = pu_pool(&o);
    ormc_db *a = pu_acquire(pool), *b = pu_acquire(pool), *c = pu_acquire(pool);
    ormc_db *d = NULL;
    assert_int_equal(ormc_pool_acquire(pool, 0, &d), ORMC_BUSY);
    ormc_pool_counters s = pu_stats(pool);
    assert_int_equal(s.in_use, 3);
    assert_int_equal(s.created, 3);
    /* released beyond `size` idle: closed */
    assert_int_equal(ormc_pool_release(pool, a), ORMC_OK);
    assert_int_equal(ormc_pool_release(pool, b), ORMC_OK);
    assert_int_equal(ormc_pool_release(pool, c), ORMC_OK);
    s = pu_stats(pool);
    assert_int_equal(s.idle, 1);
    assert_int_equal(s.closed, 2);
    assert_int_equal(s.created - s.closed, s.idle);
    ormc_pool_close(pool);
}

/* === a connection killed by the server === */

static void test_killed_connection(void **state)
{
    ormc_test_direct_only("it terminates a server process, which behind a "
                          "pooler serves other clients too");
    (void)state;
    if (ormc_test_backend() != ORMC_POSTGRES)
        skip(); /* an embedded database cannot be killed */
    ormc_pool_options o = ORMC_POOL_OPTIONS_INIT;
    o.size = 2;
    ormc_pool *pool = pu_pool(&o);
    ormc_db *db = pu_acquire(pool);
    int64_t pid = pu_backend_pid(db);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);

    pu_kill_backend(pid);

    /* recently used, so no round trip: the socket tells */
    db = pu_acquire(pool);
    int64_t pid2 = pu_backend_pid(db);
    assert_true(pid2 != pid);
    ormc_counters cs;
    assert_int_equal(ormc_stats(db, &cs), ORMC_OK);
    assert_int_equal(cs.errors[ORMC_CONNECTION], 0);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    ormc_pool_counters s = pu_stats(pool);
    assert_int_equal(s.replaced_dead, 1);
    assert_int_equal(s.created, 2);
    assert_int_equal(s.closed, 1);

    /* killed while in use: the user sees the loss; release closes it */
    db = pu_acquire(pool);
    pu_kill_backend(pu_backend_pid(db));
    assert_int_equal(ormc_exec(db, "SELECT 1", NULL, 0, NULL), ORMC_CONNECTION);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    s = pu_stats(pool);
    assert_int_equal(s.replaced_dead, 2);
    assert_int_equal(s.idle, 0);
    db = pu_acquire(pool);
    assert_int_equal(pu_int(db, "SELECT 41 + 1"), 42);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);

    /* with the round trip after any idle time (health_check_idle_ms 0) */
    ormc_pool_close(pool);
    o.health_check_idle_ms = 0;
    pool = pu_pool(&o);
    db = pu_acquire(pool);
    pid = pu_backend_pid(db);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    pu_kill_backend(pid);
    db = pu_acquire(pool);
    assert_true(pu_backend_pid(db) != pid);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    assert_int_equal(pu_stats(pool).replaced_dead, 1);
    ormc_pool_close(pool);
}

/* === recycling after max_lifetime_s === */

static void test_recycle(void **state)
{
    ormc_test_direct_only("the server process behind a connection, which a "
                          "pooler changes at every transaction");
    (void)state;
    bool pg = ormc_test_backend() == ORMC_POSTGRES;
    ormc_pool_options o = ORMC_POOL_OPTIONS_INIT;
    o.size = 1;
    o.max_lifetime_s = 1;
    ormc_pool *pool = pu_pool(&o);

    /* on acquire: an idle connection past its lifetime */
    ormc_db *db = pu_acquire(pool);
    int64_t pid = pg ? pu_backend_pid(db) : 0;
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    pu_sleep_ms(1100);
    db = pu_acquire(pool);
    if (pg)
        assert_true(pu_backend_pid(db) != pid);
    ormc_pool_counters s = pu_stats(pool);
    assert_int_equal(s.recycled, 1);
    assert_int_equal(s.created, 2);
    assert_int_equal(s.closed, 1);

    /* on release: used past its lifetime */
    pu_sleep_ms(1100);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    s = pu_stats(pool);
    assert_int_equal(s.recycled, 2);
    assert_int_equal(s.idle, 0);
    assert_int_equal(s.created - s.closed, 0);
    db = pu_acquire(pool); /* a fresh one */
    assert_int_equal(pu_int(db, "SELECT 7"), 7);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    assert_int_equal(pu_stats(pool).recycled, 2);
    ormc_pool_close(pool);
}

/* === a connection released dirty comes back clean === */

static int traced;
static void count_trace(void *ctx, const ormc_trace_event *ev)
{
    (void)ctx;
    (void)ev;
    traced++;
}

static void test_release_resets(void **state)
{
    ormc_test_direct_only("session state set with raw SQL, which the pool "
                          "resets on a direct connection; behind a transaction "
                          "pooler it is the pooler's (docs/scale-out.md)");
    ormc_db *setup = ormc_test_db(state);
    bool pg = ormc_test_backend() == ORMC_POSTGRES;
    ormc_test_exec(setup, "CREATE TABLE t (n integer)");
    assert_ok(setup, ormc_commit(setup));

    ormc_pool_options o = ORMC_POOL_OPTIONS_INIT;
    o.size = 1;
    o.conn.lock_timeout_ms = 2500;
    ormc_pool *pool = pu_pool(&o);
    ormc_db *db = pu_acquire(pool);
    char url_path[256] = "", buf[256];
    int64_t pid = 0;
    if (pg) {
        pu_text(db, "SHOW search_path", url_path, sizeof url_path);
        assert_non_null(strstr(url_path, "test_"));
        pid = pu_backend_pid(db);
        /* session state that a commit makes stick */
        assert_ok(db, ormc_rollback(db));
        assert_ok(db, ormc_use_tenant(db, "dirty-tenant", ORMC_TENANT_CREATE));
        ormc_test_exec(db, "SET lock_timeout = 4321");
        ormc_test_exec(db, "SET application_name = 'someone'");
        ormc_test_exec(db, "CREATE TEMP TABLE scratch (x integer)");
        assert_int_equal(pu_int(db, "SELECT count(*) FROM (SELECT "
                                    "pg_advisory_lock(4242)) s"),
                         1);
        ormc_test_exec(db, "LISTEN somewhere");
        assert_ok(db, ormc_commit(db));
        pu_text(db, "SELECT current_schema()", buf, sizeof buf);
        assert_string_equal(buf, "dirty-tenant");
        assert_ok(db, ormc_rollback(db));
        assert_ok(db, ormc_use_tenant(db, NULL, 0));
    }
    /* a transaction with a savepoint, left open; a trace hook left on */
    ormc_set_trace(db, count_trace, NULL);
    assert_ok(db, ormc_begin(db));
    ormc_test_exec(db, "INSERT INTO t VALUES (1)");
    assert_ok(db, ormc_begin(db));
    ormc_test_exec(db, "INSERT INTO t VALUES (2)");
    if (pg) {
        /* the tenant cannot be switched inside a transaction */
        assert_int_equal(ormc_use_tenant(db, "other", 0), ORMC_INVALID);
    }
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);

    traced = 0;
    db = pu_acquire(pool);
    ormc_counters cs;
    assert_int_equal(ormc_stats(db, &cs), ORMC_OK);
    assert_int_equal(cs.statements, 0); /* counters start at acquire */
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    if (pg)
        assert_int_equal(pu_backend_pid(db), pid); /* the same session */
    assert_int_equal(pu_int(db, "SELECT count(*) FROM t"), 0);
    if (pg) {
        pu_text(db, "SHOW search_path", buf, sizeof buf);
        assert_string_equal(buf, url_path);
        pu_text(db, "SHOW lock_timeout", buf, sizeof buf);
        assert_string_equal(buf, "2500ms"); /* the option's, not 4321 */
        pu_text(db, "SHOW application_name", buf, sizeof buf);
        assert_string_not_equal(buf, "someone");
        assert_int_equal(pu_int(db, "SELECT count(*) FROM "
                                    "pg_listening_channels()"),
                         0);
        assert_int_equal(pu_int(db, "SELECT to_regclass('pg_temp.scratch') "
                                    "IS NULL"),
                         1);
        assert_int_equal(pu_int(db, "SELECT count(*) FROM pg_locks WHERE "
                                    "locktype = 'advisory' AND pid = "
                                    "pg_backend_pid()"),
                         0);
    }
    assert_int_equal(traced, 0);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);

    /* a failed transaction, too */
    db = pu_acquire(pool);
    assert_int_not_equal(ormc_exec(db, "SELECT nothing_here", NULL, 0, NULL),
                         ORMC_OK);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_FAILED);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    db = pu_acquire(pool);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_string_equal(ormc_errmsg(db), "");
    assert_int_equal(pu_int(db, "SELECT 5"), 5);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);

    ormc_pool_counters s = pu_stats(pool);
    assert_int_equal(s.created, 1);
    assert_int_equal(s.replaced_dead, 0);
    ormc_pool_close(pool);
}

/* === autocommit mode survives and is restored === */

static void test_autocommit_pool(void **state)
{
    ormc_db *setup = ormc_test_db(state);
    ormc_test_exec(setup, "CREATE TABLE a (n integer)");
    assert_ok(setup, ormc_commit(setup));
    ormc_pool_options o = ORMC_POOL_OPTIONS_INIT;
    o.size = 1;
    o.conn.autocommit = 1;
    ormc_pool *pool = pu_pool(&o);
    ormc_db *db = pu_acquire(pool);
    ormc_test_exec(db, "INSERT INTO a VALUES (1)");
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE); /* committed */
    assert_ok(db, ormc_begin(db));
    ormc_test_exec(db, "INSERT INTO a VALUES (2)");
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    db = pu_acquire(pool);
    assert_int_equal(pu_int(db, "SELECT count(*) FROM a"), 1);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    ormc_pool_close(pool);
}

/* === misuse and closing === */

static void *blocked_acquirer(void *p)
{
    waiter_arg *a = p;
    a->rc = ormc_pool_acquire(a->pool, 20000, &a->db);
    return NULL;
}

static void test_misuse(void **state)
{
    ormc_db *mine = ormc_test_db(state);
    bool pg = ormc_test_backend() == ORMC_POSTGRES;
    ormc_pool *pool = NULL;
    ormc_db *db = NULL;

    assert_int_equal(ormc_pool_open(NULL, NULL, &pool), ORMC_INVALID);
    assert_null(pool);
    assert_int_equal(ormc_pool_open("nonsense", NULL, &pool), ORMC_INVALID);
    assert_null(pool);
    assert_non_null(strstr(ormc_pool_errmsg(), "unrecognized URL"));
    if (pg) {
        assert_int_equal(ormc_pool_open("postgresql://u:sekrit@127.0.0.1:1/x"
                                        "?connect_timeout=2",
                                        NULL, &pool),
                         ORMC_CONNECTION);
        assert_null(pool);
        assert_null(strstr(ormc_pool_errmsg(), "sekrit"));
    }
    ormc_pool_options o = ORMC_POOL_OPTIONS_INIT;
    o.size = 0;
    assert_int_equal(ormc_pool_open(ormc_test_url(), &o, &pool), ORMC_INVALID);
    assert_int_equal(ormc_pool_open(ormc_test_url(), NULL, NULL), ORMC_INVALID);

    o = (ormc_pool_options)ORMC_POOL_OPTIONS_INIT;
    o.size = 1;
    o.max_overflow = 0;
    o.conn.application_name = "ormc-misuse";
    pool = pu_pool(&o);
    assert_int_equal(ormc_pool_acquire(NULL, 0, &db), ORMC_INVALID);
    assert_int_equal(ormc_pool_acquire(pool, 0, NULL), ORMC_INVALID);
    assert_int_equal(ormc_pool_release(NULL, mine), ORMC_INVALID);
    assert_int_equal(ormc_pool_release(pool, NULL), ORMC_INVALID);
    /* a connection of no pool: refused, and left alone */
    assert_int_equal(ormc_pool_release(pool, mine), ORMC_INVALID);
    assert_int_equal(pu_int(mine, "SELECT 3"), 3);
    assert_int_equal(ormc_pool_stats(NULL, NULL), ORMC_INVALID);

    db = pu_acquire(pool);
    if (pg) {
        char buf[64];
        pu_text(db, "SHOW application_name", buf, sizeof buf);
        assert_string_equal(buf, "ormc-misuse");
    }
    /* releasing twice: the second is refused */
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_INVALID);

    /* closing with a connection in use and a thread waiting */
    db = pu_acquire(pool);
    waiter_arg w = {pool, 0, -1, 0, NULL};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, blocked_acquirer, &w), 0);
    for (int i = 0; i < 200 && pu_stats(pool).waiters == 0; i++)
        pu_sleep_ms(5);
    ormc_pool_close(pool);
    pthread_join(t, NULL);
    assert_int_equal(w.rc, ORMC_INVALID);
    assert_null(w.db);
    /* the connection still works until it is given back */
    assert_int_equal(pu_int(db, "SELECT 9"), 9);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK); /* frees all */

    ormc_pool_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_stress),
        ORMC_BACKEND_TEST(test_acquire_timeout),
        ORMC_BACKEND_TEST(test_overflow),
        ORMC_BACKEND_TEST(test_killed_connection),
        ORMC_BACKEND_TEST(test_recycle),
        ORMC_BACKEND_TEST(test_release_resets),
        ORMC_BACKEND_TEST(test_autocommit_pool),
        ORMC_BACKEND_TEST(test_misuse),
    };
    return ormc_test_run_backends("pool", tests);
}
