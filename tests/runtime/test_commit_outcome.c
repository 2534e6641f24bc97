/*
 * test_commit_outcome.c: what a lost connection means for a transaction
 * (docs/scale-out.md, "Automatic failover"). Lost before COMMIT was sent:
 * the transaction did not happen, and ormc_transaction runs it again on a
 * new connection. Lost while COMMIT was under way: ORMC_COMMIT_UNKNOWN,
 * never retried, whether the server did commit (its answer lost: a
 * synchronous commit waiting for a standby that never comes, its session
 * then terminated) or did not (a deferred trigger that ends its own
 * session at COMMIT). And a multi-host URL whose first host never answers
 * goes on to the next one after connect_timeout, as libpq does.
 *
 * PostgreSQL only (an embedded database has no connection to lose), on a
 * database of its own; the test of synchronous commit changes a server
 * setting for a moment, so the test runs alone (RUN_SERIAL).
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ormc_test.h"

#define DB_NAME "ormc_commit_outcome"

static char url[1024]; /* DB_NAME's URL, libpq's */
static PGconn *admin;  /* a raw connection to DB_NAME, for looking on */

static void pg_run(const char *sql)
{
    PGresult *r = PQexec(admin, sql);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(admin));
    PQclear(r);
}

static long pg_long(const char *sql)
{
    PGresult *r = PQexec(admin, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        fail_msg("%s: %s", sql, PQerrorMessage(admin));
    long v = PQgetisnull(r, 0, 0) ? -1 : strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int64_t query_int(ormc_db *db, const char *sql)
{
    ormc_result *res;
    assert_ok(db, ormc_query(db, sql, NULL, 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    int64_t v = ormc_result_int64(res, 0);
    ormc_result_close(res);
    return v;
}

static ormc_db *open_db(void)
{
    ormc_db *db;
    int rc = ormc_open(url, &db);
    if (rc != ORMC_OK)
        fail_msg("ormc_open: %s", ormc_errmsg(db));
    return db;
}

static int setup(void **state)
{
    (void)state;
    PGconn *m = PQconnectdb(ormc_test_pg_url());
    if (PQstatus(m) != CONNECTION_OK)
        return -1;
    PQclear(PQexec(m, "DROP DATABASE IF EXISTS " DB_NAME " WITH (FORCE)"));
    PGresult *r = PQexec(m, "CREATE DATABASE " DB_NAME);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    PQfinish(m);
    if (!ok)
        return -1;
    /* the maintenance URL names the database postgres: DB_NAME instead */
    PQconninfoOption *ci = PQconninfoParse(ormc_test_pg_url(), NULL);
    if (!ci)
        return -1;
    size_t n = 0;
    for (PQconninfoOption *o = ci; o->keyword; o++) {
        if (!o->val || !*o->val || strcmp(o->keyword, "dbname") == 0)
            continue;
        n += (size_t)snprintf(url + n, sizeof url - n, "%s='%s' ", o->keyword,
                              o->val);
    }
    PQconninfoFree(ci);
    snprintf(url + n, sizeof url - n, "dbname=" DB_NAME);
    admin = PQconnectdb(url);
    if (PQstatus(admin) != CONNECTION_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    PQfinish(admin);
    return 0;
}

static int fresh_table(void **state)
{
    (void)state;
    PQclear(PQexec(admin, "DROP TABLE IF EXISTS t; "
                          "DROP FUNCTION IF EXISTS die_at_commit() CASCADE"));
    PQclear(PQexec(admin, "CREATE TABLE t (k text PRIMARY KEY)"));
    return 0;
}

static ormc_param text_param(const char *s)
{
    ormc_param p = {ORMC_TYPE_TEXT, false, {.text = s}};
    return p;
}

/* --- lost before COMMIT: retried --------------------------------------- */

typedef struct body_ctx {
    int attempts;
    const char *key;
    bool die_first; /* attempt 1 ends its own session before COMMIT */
} body_ctx;

static int insert_body(ormc_db *db, void *arg)
{
    body_ctx *c = arg;
    c->attempts++;
    ormc_param p = text_param(c->key);
    int rc = ormc_exec(db, "INSERT INTO t VALUES ($1)", &p, 1, NULL);
    if (rc != ORMC_OK)
        return rc;
    if (c->die_first && c->attempts == 1)
        return ormc_exec(db, "SELECT pg_terminate_backend(pg_backend_pid())",
                         NULL, 0, NULL);
    return ORMC_OK;
}

static void test_lost_before_commit_is_retried(void **state)
{
    (void)state;
    ormc_db *db = open_db();
    body_ctx c = {0, "once", true};
    ormc_retry_options o = ORMC_RETRY_OPTIONS_INIT;
    o.base_delay_ms = 1;
    /* attempt 1's session ends under it (57P01) before COMMIT: the server
     * rolled it back; attempt 2 runs on a new connection */
    assert_ok(db, ormc_transaction(db, &o, insert_body, &c));
    assert_int_equal(c.attempts, 2);
    ormc_counters s;
    assert_ok(db, ormc_stats(db, &s));
    assert_int_equal(s.retries, 1);
    assert_int_equal(s.reconnects, 1);
    assert_int_equal(pg_long("SELECT count(*) FROM t"), 1);
    ormc_close(db);
}

static void test_lost_while_idle_is_not_committed(void **state)
{
    (void)state;
    ormc_db *db = open_db();
    long pid = (long)query_int(db, "SELECT pg_backend_pid()");
    assert_ok(db, ormc_commit(db));
    assert_ok(db, ormc_begin(db));
    ormc_param p = text_param("idle");
    assert_ok(db, ormc_exec(db, "INSERT INTO t VALUES ($1)", &p, 1, NULL));
    /* the server ends the session (a fast shutdown does this to each)
     * while the transaction waits for its COMMIT */
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%ld, 5000)", pid);
    pg_run(sql);
    /* its FATAL message is on the socket: COMMIT is never sent */
    assert_int_equal(ormc_commit(db), ORMC_CONNECTION);
    assert_string_equal(ormc_sqlstate(db), "08006");
    assert_non_null(strstr(ormc_errmsg(db), "before COMMIT was sent"));
    assert_int_equal(pg_long("SELECT count(*) FROM t"), 0);
    /* the handle reconnects on its next use */
    assert_int_equal(query_int(db, "SELECT 1"), 1);
    ormc_close(db);
}

/* --- lost during COMMIT: unknown, never retried ------------------------ */

static void test_commit_unknown_not_committed(void **state)
{
    (void)state;
    /* a deferred trigger runs at COMMIT: this one ends its own session
     * there, before the commit is recorded */
    pg_run("CREATE FUNCTION die_at_commit() RETURNS trigger LANGUAGE plpgsql "
           "AS $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); "
           "PERFORM pg_sleep(5); RETURN NULL; END $$");
    pg_run("CREATE CONSTRAINT TRIGGER die AFTER INSERT ON t DEFERRABLE "
           "INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION die_at_commit()");
    ormc_db *db = open_db();
    assert_ok(db, ormc_begin(db));
    ormc_param p = text_param("direct");
    assert_ok(db, ormc_exec(db, "INSERT INTO t VALUES ($1)", &p, 1, NULL));
    assert_int_equal(ormc_commit(db), ORMC_COMMIT_UNKNOWN);
    assert_string_equal(ormc_sqlstate(db), "08007");
    assert_non_null(strstr(ormc_errmsg(db), "after COMMIT was sent"));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);

    /* the runner returns it and does not run the body again */
    body_ctx c = {0, "runner", false};
    ormc_retry_options o = ORMC_RETRY_OPTIONS_INIT;
    o.base_delay_ms = 1;
    assert_int_equal(ormc_transaction(db, &o, insert_body, &c),
                     ORMC_COMMIT_UNKNOWN);
    assert_int_equal(c.attempts, 1);
    ormc_counters s;
    assert_ok(db, ormc_stats(db, &s));
    assert_int_equal(s.retries, 0);
    /* here the answer is "not committed": only the data can tell */
    assert_int_equal(pg_long("SELECT count(*) FROM t"), 0);
    ormc_close(db);
}

typedef struct commit_job {
    ormc_db *db;
    body_ctx body;
    int rc;
} commit_job;

static void *run_commit(void *arg)
{
    commit_job *j = arg;
    ormc_retry_options o = ORMC_RETRY_OPTIONS_INIT;
    o.base_delay_ms = 1;
    j->rc = ormc_transaction(j->db, &o, insert_body, &j->body);
    return NULL;
}

static void test_commit_unknown_committed(void **state)
{
    (void)state;
    /* a synchronous commit waits for a standby that never comes: the
     * commit is recorded on this server, and its answer waits. The test
     * server commits asynchronously (synchronous_commit=off), so no other
     * session waits meanwhile. */
    pg_run("ALTER SYSTEM SET synchronous_standby_names = 'ormc_nobody'");
    pg_run("SELECT pg_reload_conf()");
    ormc_db *db = open_db();
    for (int i = 0; i < 200; i++) {
        ormc_result *res;
        assert_ok(db, ormc_query(db, "SHOW synchronous_standby_names", NULL, 0,
                                 &res));
        assert_int_equal(ormc_result_next(res), ORMC_ROW);
        bool set = strcmp(ormc_result_text(res, 0), "ormc_nobody") == 0;
        ormc_result_close(res);
        assert_ok(db, ormc_commit(db));
        if (set)
            break;
        sleep_ms(20);
    }
    long pid = (long)query_int(db, "SELECT pg_backend_pid()");
    assert_ok(db, ormc_commit(db));
    assert_ok(db, ormc_exec(db, "SET synchronous_commit = on", NULL, 0, NULL));
    assert_ok(db, ormc_commit(db));

    commit_job j = {db, {0, "committed", false}, -1};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, run_commit, &j), 0);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM pg_stat_activity WHERE pid = %ld AND "
             "wait_event = 'SyncRep'",
             pid);
    bool waiting = false;
    for (int i = 0; i < 500 && !waiting; i++) {
        waiting = pg_long(sql) == 1;
        if (!waiting)
            sleep_ms(10);
    }
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%ld, 5000)", pid);
    pg_run(sql);
    pthread_join(t, NULL);
    pg_run("ALTER SYSTEM RESET synchronous_standby_names");
    pg_run("SELECT pg_reload_conf()");
    assert_true(waiting);

    assert_int_equal(j.rc, ORMC_COMMIT_UNKNOWN);
    assert_int_equal(j.body.attempts, 1);
    /* here the answer is "committed" */
    assert_int_equal(pg_long("SELECT count(*) FROM t WHERE k = 'committed'"),
                     1);
    ormc_close(db);
}

/* --- a multi-host URL whose first host never answers ------------------- */

static void test_multihost_connect_timeout(void **state)
{
    (void)state;
    /* a listener that never accepts: the kernel completes the handshake,
     * and the server's answer never comes */
    int l = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(l >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(l, 8), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(l, (struct sockaddr *)&a, &len), 0);
    int silent = ntohs(a.sin_port);

    /* the test server: its socket directory and port */
    PGresult *r = PQexec(admin, "SELECT split_part(current_setting("
                                "'unix_socket_directories'), ',', 1), "
                                "current_setting('port')");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    char dir[256], port[16];
    snprintf(dir, sizeof dir, "%s", PQgetvalue(r, 0, 0));
    snprintf(port, sizeof port, "%s", PQgetvalue(r, 0, 1));
    PQclear(r);

    char kw[1400];
    snprintf(kw, sizeof kw, "%s host=127.0.0.1,%s port=%d,%s connect_timeout=2",
             url, dir, silent, port);
    time_t t0 = time(NULL);
    ormc_db *db;
    int rc = ormc_open(kw, &db);
    if (rc != ORMC_OK)
        fail_msg("ormc_open: %s", ormc_errmsg(db));
    assert_true(time(NULL) - t0 >= 1);
    assert_int_equal(query_int(db, "SELECT 1"), 1);
    ormc_close(db);

    /* the pool's connections go the same way */
    ormc_pool *pool;
    ormc_pool_options po = ORMC_POOL_OPTIONS_INIT;
    po.size = 1;
    assert_int_equal(ormc_pool_open(kw, &po, &pool), ORMC_OK);
    assert_int_equal(ormc_pool_acquire(pool, -1, &db), ORMC_OK);
    assert_int_equal(query_int(db, "SELECT 2"), 2);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    ormc_pool_close(pool);

    /* every host silent: the timeout, once per host */
    snprintf(kw, sizeof kw,
             "%s host=127.0.0.1,127.0.0.1 port=%d,%d "
             "connect_timeout=2",
             url, silent, silent);
    t0 = time(NULL);
    assert_int_equal(ormc_open(kw, &db), ORMC_CONNECTION);
    assert_true(time(NULL) - t0 >= 3);
    assert_non_null(strstr(ormc_errmsg(db), "timeout expired"));
    ormc_close(db);
    close(l);
}

int main(void)
{
    if (!ormc_test_pg_url())
        return ormc_test_pg_missing("runtime_commit_outcome");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_lost_before_commit_is_retried, fresh_table),
        cmocka_unit_test_setup(test_lost_while_idle_is_not_committed,
                               fresh_table),
        cmocka_unit_test_setup(test_commit_unknown_not_committed, fresh_table),
        cmocka_unit_test_setup(test_commit_unknown_committed, fresh_table),
        cmocka_unit_test_setup(test_multihost_connect_timeout, fresh_table),
    };
    return cmocka_run_group_tests_name("runtime_commit_outcome", tests, setup,
                                       teardown);
}
