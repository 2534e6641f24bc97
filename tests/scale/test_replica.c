/*
 * test_replica.c: reads routed to a real streaming replica
 * (tests/with-replica starts a primary and a hot standby copied from it
 * with pg_basebackup -R; docs/scale-out.md).
 *
 * Where each statement ran is read from the trace events' `server`. A
 * routing bug cannot hide: a write sent to the replica is refused by
 * PostgreSQL (25006), and the replica's replay is paused
 * (pg_wal_replay_pause) to make its lag real.
 */
#define _POSIX_C_SOURCE 200809L

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ormc_test.h"
#include "slack.h"

static const char *primary_url, *replica_url, *replica_hosts;

/* the server of every statement sent, in order */
typedef struct servers {
    char where[256][320];
    char sql[256][96];
    int n;
} servers;

static void record(void *ctx, const ormc_trace_event *ev)
{
    servers *s = ctx;
    if (s->n < 256) {
        snprintf(s->where[s->n], sizeof s->where[0], "%s",
                 ev->server ? ev->server : "(none)");
        snprintf(s->sql[s->n], sizeof s->sql[0], "%s", ev->sql);
        s->n++;
    }
}

/* The server of the last statement, and forget them all. */
static const char *last_server(servers *s)
{
    static char out[320];
    assert_true(s->n > 0);
    snprintf(out, sizeof out, "%s", s->where[s->n - 1]);
    s->n = 0;
    return out;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static PGconn *pg(const char *url)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("connect: %s", PQerrorMessage(c));
    return c;
}

static void pg_run(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
}

/* Wait until the replica has replayed all the primary has written: up to
 * its insert position, which a commit has reached even when (as with
 * synchronous_commit = off) the WAL is not yet written out. */
static void caught_up(void)
{
    PGconn *p = pg(primary_url), *r = pg(replica_url);
    PGresult *lsn = PQexec(p, "SELECT pg_current_wal_insert_lsn()::text");
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT pg_last_wal_replay_lsn() >= '%s'::pg_lsn",
             PQgetvalue(lsn, 0, 0));
    PQclear(lsn);
    bool yes = false;
    for (int i = 0; i < 3000 && !yes; i++) {
        PGresult *done = PQexec(r, sql);
        yes = strcmp(PQgetvalue(done, 0, 0), "t") == 0;
        PQclear(done);
        if (!yes)
            sleep_ms(10);
    }
    PQfinish(p);
    PQfinish(r);
    if (!yes)
        fail_msg("the replica did not catch up within 30 s");
}

/* Whatever a test left, the next finds the replica replaying. */
static int resume_replay(void **state)
{
    (void)state;
    PGconn *r = PQconnectdb(replica_url);
    PQclear(PQexec(r, "SELECT pg_wal_replay_resume()"));
    PQfinish(r);
    return 0;
}

static char replica_label[320];

static ormc_db *open_with(const char *extra, servers *s)
{
    char url[1024];
    snprintf(url, sizeof url, "%s&autocommit=on&replica_hosts=%s%s",
             primary_url, replica_hosts, extra);
    ormc_db *db = NULL;
    int rc = ormc_open(url, &db);
    if (rc != ORMC_OK)
        fail_msg("ormc_open: %s: %s", ormc_strstatus(rc), ormc_errmsg(db));
    ormc_set_trace(db, record, s);
    return db;
}

static int32_t add_bot(ormc_db *db, const char *client)
{
    slack_bot b = SLACK_BOT_INIT;
    b.client_id = client;
    b.app_id = "A1";
    b.bot_token = "xoxb";
    assert_ok(db, slack_bot_insert(db, &b));
    return b.id;
}

/* Autocommit reads of the generated API go to the replica; writes and
 * raw SQL to the primary. */
static void test_reads_on_replica(void **state)
{
    (void)state;
    servers s = {0};
    ormc_db *db = open_with("", &s);
    int32_t id = add_bot(db, "reads");
    assert_string_equal(last_server(&s), "primary");
    caught_up();

    slack_bot got;
    assert_ok(db, slack_bot_get(db, id, &got));
    assert_string_equal(got.client_id, "reads");
    slack_bot_free(&got);
    assert_string_equal(last_server(&s), replica_label);

    slack_bot_query q;
    slack_bot_query_init(&q);
    slack_bot_where_client_id(&q, ORMC_EQ, "reads");
    int64_t n = 0;
    assert_ok(db, slack_bot_count(db, &q, &n));
    assert_int_equal(n, 1);
    assert_string_equal(last_server(&s), replica_label);
    assert_ok(db, slack_bot_first(db, &q, &got));
    slack_bot_free(&got);
    assert_string_equal(last_server(&s), replica_label);
    slack_bot_list all;
    assert_ok(db, slack_bot_all(db, &q, &all));
    assert_int_equal(all.count, 1);
    slack_bot_list_free(&all);
    assert_string_equal(last_server(&s), replica_label);
    slack_bot_query_free(&q);

    /* a write, and raw SQL (which may write): the primary */
    assert_ok(db, slack_bot_get(db, id, &got));
    got.team_id = "T1";
    assert_ok(db, slack_bot_update(db, &got));
    slack_bot_free(&got);
    assert_string_equal(last_server(&s), "primary");
    ormc_result *res;
    assert_ok(db, ormc_query(db, "SELECT pg_is_in_recovery()", NULL, 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    assert_false(ormc_result_bool(res, 0));
    ormc_result_close(res);
    assert_string_equal(last_server(&s), "primary");

    /* every statement counted on the handle the caller holds */
    ormc_counters c;
    assert_ok(db, ormc_stats(db, &c));
    assert_true(c.statements >= 8);
    ormc_close(db);
}

/* A read-only transaction runs on the replica, all of it: a write in it
 * is refused there, never sent to the primary. */
static void test_read_only_transaction(void **state)
{
    (void)state;
    servers s = {0};
    ormc_db *db = open_with("", &s);
    int32_t id = add_bot(db, "ro");
    caught_up();
    s.n = 0;
    ormc_tx_options ro = ORMC_TX_OPTIONS_INIT;
    ro.read_only = true;
    assert_ok(db, ormc_begin_with(db, &ro));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    ormc_result *res;
    assert_ok(db, ormc_query(db, "SELECT pg_is_in_recovery()", NULL, 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    assert_true(ormc_result_bool(res, 0));
    ormc_result_close(res);
    assert_string_equal(last_server(&s), replica_label);
    slack_bot got;
    assert_ok(db, slack_bot_get(db, id, &got));
    assert_string_equal(last_server(&s), replica_label);
    got.team_id = "T2";
    assert_int_not_equal(slack_bot_update(db, &got), ORMC_OK);
    assert_string_equal(ormc_sqlstate(db), "25006");
    assert_string_equal(last_server(&s), replica_label);
    slack_bot_free(&got);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_FAILED);
    assert_ok(db, ormc_rollback(db));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    /* after it, writes go to the primary again */
    assert_ok(db, slack_bot_get(db, id, &got));
    got.team_id = "T3";
    assert_ok(db, slack_bot_update(db, &got));
    assert_string_equal(last_server(&s), "primary");
    slack_bot_free(&got);
    ormc_close(db);
}

/* With replay paused the replica falls behind: past replica_max_lag its
 * reads go to the primary, which has the new row; without a bound the
 * replica answers with what it has. */
static void test_lag(void **state)
{
    (void)state;
    servers s = {0};
    ormc_db *bounded = open_with("&replica_max_lag=200", &s);
    servers s2 = {0};
    ormc_db *unbounded = open_with("", &s2);
    caught_up();
    PGconn *r = pg(replica_url);
    pg_run(r, "SELECT pg_wal_replay_pause()");
    int32_t id = add_bot(bounded, "late");
    sleep_ms(400); /* past the bound, and past a lag check */
    s.n = 0;
    slack_bot got;
    assert_ok(bounded, slack_bot_get(bounded, id, &got));
    slack_bot_free(&got);
    assert_string_equal(last_server(&s), "primary");
    assert_int_equal(slack_bot_get(unbounded, id, &got), ORMC_NOT_FOUND);
    assert_string_equal(last_server(&s2), replica_label);

    pg_run(r, "SELECT pg_wal_replay_resume()");
    PQfinish(r);
    caught_up();
    sleep_ms(150); /* the next lag check */
    assert_ok(bounded, slack_bot_get(bounded, id, &got));
    slack_bot_free(&got);
    assert_string_equal(last_server(&s), replica_label);
    ormc_close(bounded);
    ormc_close(unbounded);
}

/* Read-your-writes: after a write, reads stay on the primary for
 * read_your_writes ms; ormc_read_primary_for asks the same by hand. */
static void test_read_your_writes(void **state)
{
    (void)state;
    servers s = {0};
    ormc_db *db = open_with("&read_your_writes=400", &s);
    int32_t id = add_bot(db, "mine");
    slack_bot got;
    assert_ok(db, slack_bot_get(db, id, &got)); /* no wait for the replica */
    slack_bot_free(&got);
    assert_string_equal(last_server(&s), "primary");
    caught_up();
    sleep_ms(450);
    assert_ok(db, slack_bot_get(db, id, &got));
    slack_bot_free(&got);
    assert_string_equal(last_server(&s), replica_label);
    assert_ok(db, ormc_read_primary_for(db, 60000));
    assert_ok(db, slack_bot_get(db, id, &got));
    slack_bot_free(&got);
    assert_string_equal(last_server(&s), "primary");
    assert_ok(db, ormc_read_primary_for(db, 0));
    assert_ok(db, slack_bot_get(db, id, &got));
    slack_bot_free(&got);
    assert_string_equal(last_server(&s), replica_label);
    assert_int_equal(ormc_read_primary_for(db, -1), ORMC_INVALID);
    ormc_close(db);
}

/* Round robin over the replicas (the primary listed as a second one, so
 * that the two can be told apart); one that is down is skipped, and with
 * none up the primary serves. */
static void test_round_robin_and_down(void **state)
{
    (void)state;
    const char *sock = replica_hosts; /* "DIR:5433" */
    int dir = (int)(strrchr(sock, ':') - sock);
    char two[900]; /* the later replica_hosts= wins */
    snprintf(two, sizeof two, "&replica_hosts=%s,%.*s:5499,%.*s:5432", sock,
             dir, sock, dir, sock);
    servers s = {0};
    ormc_db *db = open_with(two, &s);
    int32_t id = add_bot(db, "rr");
    caught_up();
    char seen[4][320];
    for (int i = 0; i < 4; i++) {
        slack_bot got;
        assert_ok(db, slack_bot_get(db, id, &got));
        slack_bot_free(&got);
        snprintf(seen[i], sizeof seen[i], "%s", last_server(&s));
    }
    /* 5499 has no server: skipped; the other two take turns */
    assert_string_equal(seen[0], replica_label);
    assert_string_not_equal(seen[0], seen[1]);
    assert_string_equal(seen[0], seen[2]);
    assert_string_equal(seen[1], seen[3]);
    for (int i = 0; i < 4; i++)
        assert_null(strstr(seen[i], ":5499"));
    ormc_close(db);

    char down[600];
    snprintf(down, sizeof down, "%s&replica_hosts=%.*s:5499", primary_url, dir,
             sock);
    ormc_db *alone = NULL;
    assert_int_equal(ormc_open(down, &alone), ORMC_OK);
    ormc_set_trace(alone, record, &s);
    slack_bot got;
    assert_ok(alone, slack_bot_get(alone, id, &got));
    slack_bot_free(&got);
    assert_string_equal(last_server(&s), "primary");
    assert_string_equal(ormc_errmsg(alone), "");
    ormc_close(alone);
}

/* The pool: each connection reads from the replica; a read-only
 * transaction left open is ended by the release. */
static void test_pool(void **state)
{
    (void)state;
    ormc_pool_options o = ORMC_POOL_OPTIONS_INIT;
    o.size = 2;
    o.conn.autocommit = 1;
    o.conn.replica_hosts = replica_hosts;
    ormc_pool *pool = NULL;
    assert_int_equal(ormc_pool_open(primary_url, &o, &pool), ORMC_OK);
    ormc_db *db = NULL;
    assert_int_equal(ormc_pool_acquire(pool, 5000, &db), ORMC_OK);
    servers s = {0};
    ormc_set_trace(db, record, &s);
    int32_t id = add_bot(db, "pooled");
    caught_up();
    slack_bot got;
    assert_ok(db, slack_bot_get(db, id, &got));
    slack_bot_free(&got);
    assert_string_equal(last_server(&s), replica_label);
    ormc_tx_options ro = ORMC_TX_OPTIONS_INIT;
    ro.read_only = true;
    assert_ok(db, ormc_begin_with(db, &ro));
    assert_ok(db, slack_bot_get(db, id, &got));
    slack_bot_free(&got);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    assert_int_equal(ormc_pool_acquire(pool, 5000, &db), ORMC_OK);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_int_equal(ormc_pool_release(pool, db), ORMC_OK);
    ormc_pool_close(pool);
}

static void test_bad_lists(void **state)
{
    (void)state;
    static const struct {
        const char *url, *says;
    } bad[] = {
        {"postgresql:///x?replica_hosts=h:", "\"h:\" is not HOST or HOST:PORT"},
        {"postgresql:///x?replica_hosts=h:5x", "is not HOST or HOST:PORT"},
        {"postgresql:///x?replica_hosts=a,,b", "\"\" is not HOST"},
        {"sqlite::memory:?replica_hosts=h", "replica_hosts is PostgreSQL's"},
        {"postgresql:///x?replica_max_lag=soon", "replica_max_lag"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ormc_test_open_fails(bad[i].url, ORMC_INVALID, bad[i].says);
}

static int setup(void **state)
{
    (void)state;
    ormc_db *db = NULL;
    char url[1024];
    snprintf(url, sizeof url, "%s&autocommit=on", primary_url);
    if (ormc_open(url, &db) != ORMC_OK)
        return -1;
    ormc_exec(db, "DROP TABLE IF EXISTS slack_bots, slack_installations", NULL,
              0, NULL);
    int rc = slack_schema_create(db);
    ormc_close(db);
    return rc == ORMC_OK ? 0 : -1;
}

int main(void)
{
    primary_url = getenv("ORMC_TEST_PG_URL");
    replica_url = getenv("ORMC_TEST_REPLICA_URL");
    replica_hosts = getenv("ORMC_TEST_REPLICA_HOSTS");
    if (!primary_url || !replica_url || !replica_hosts) {
        fprintf(stderr,
                "%s scale_replica: no streaming replica (run it "
                "through tests/with-replica)\n",
                ormc_test_in_ci() ? "FAIL:" : "*** SKIPPED:");
        return ormc_test_in_ci() ? 1 : 0;
    }
    snprintf(replica_label, sizeof replica_label, "replica %s", replica_hosts);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_lists),
        cmocka_unit_test_teardown(test_reads_on_replica, resume_replay),
        cmocka_unit_test_teardown(test_read_only_transaction, resume_replay),
        cmocka_unit_test_teardown(test_lag, resume_replay),
        cmocka_unit_test_teardown(test_read_your_writes, resume_replay),
        cmocka_unit_test_teardown(test_round_robin_and_down, resume_replay),
        cmocka_unit_test_teardown(test_pool, resume_replay),
    };
    return cmocka_run_group_tests_name("scale_replica", tests, setup, NULL);
}
