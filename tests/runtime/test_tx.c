/*
 * test_tx.c: transactions. The statements each mode sends (via the trace
 * hook), savepoints, the failed state, rollback, closing with a
 * transaction open, and ormc_transaction's retries, including a real
 * serialization failure between two connections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "ormc_test.h"

/* The statements a connection sent, in order. */
typedef struct recorder {
    char sql[64][96];
    int status[64];
    size_t n_params[64];
    int n;
} recorder;

static void record(void *ctx, const ormc_trace_event *ev)
{
    recorder *r = ctx;
    if (r->n < 64) {
        snprintf(r->sql[r->n], sizeof r->sql[0], "%s", ev->sql);
        r->status[r->n] = ev->status;
        r->n_params[r->n] = ev->n_params;
        r->n++;
    }
}

/* Assert the recorded statements are exactly the NULL-terminated list,
 * and forget them. */
static void expect(recorder *r, const char *const *want)
{
    int i = 0;
    for (; want[i]; i++) {
        if (i >= r->n)
            fail_msg("statement %d: expected \"%s\", nothing sent", i, want[i]);
        if (strcmp(r->sql[i], want[i]) != 0)
            fail_msg("statement %d: expected \"%s\", sent \"%s\"", i, want[i],
                     r->sql[i]);
    }
    if (r->n != i)
        fail_msg("statement %d: nothing more expected, sent \"%s\"", i,
                 r->sql[i]);
    r->n = 0;
}

#define EXPECT(r, ...)                                                         \
    do {                                                                       \
        const char *const want_[] = {__VA_ARGS__, NULL};                       \
        expect((r), want_);                                                    \
    } while (0)
#define EXPECT_NOTHING(r) assert_int_equal((r)->n, 0)

static const char *const ins1 = "INSERT INTO t (k) VALUES (1)";
static const char *const ins2 = "INSERT INTO t (k) VALUES (2)";
static const char *const cnt = "SELECT count(*) FROM t";

static void create_t(ormc_db *db)
{
    ormc_test_exec(db, "CREATE TABLE t (k integer PRIMARY KEY)");
    if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
        assert_ok(db, ormc_commit(db));
}

static int64_t count(ormc_db *db)
{
    ormc_result *res;
    assert_ok(db, ormc_query(db, cnt, NULL, 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    int64_t n = ormc_result_int64(res, 0);
    ormc_result_close(res);
    return n;
}

static void test_default_mode_sequence(void **state)
{
    ormc_test_direct_only(
        "the exact statements a direct session sends (behind a transaction "
        "pooler each transaction sets the session's state again)");
    ormc_db *db = ormc_test_db(state);
    recorder r = {0};
    create_t(db);
    ormc_set_trace(db, record, &r);

    /* the first statement opens the transaction; reads too */
    assert_int_equal(count(db), 0);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    assert_ok(db, ormc_exec(db, ins1, NULL, 0, NULL));
    assert_ok(db, ormc_commit(db));
    EXPECT(&r, "BEGIN", cnt, ins1, "COMMIT");
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);

    /* explicit begin, savepoints inside */
    assert_ok(db, ormc_begin(db));
    assert_ok(db, ormc_begin(db));
    assert_ok(db, ormc_exec(db, ins2, NULL, 0, NULL));
    assert_ok(db, ormc_rollback(db));
    assert_ok(db, ormc_begin(db));
    assert_ok(db, ormc_begin(db));
    assert_ok(db, ormc_commit(db));
    assert_ok(db, ormc_commit(db));
    assert_ok(db, ormc_commit(db));
    EXPECT(&r, "BEGIN", "SAVEPOINT ormc_sp_2", ins2,
           "ROLLBACK TO SAVEPOINT ormc_sp_2", "RELEASE SAVEPOINT ormc_sp_2",
           "SAVEPOINT ormc_sp_2", "SAVEPOINT ormc_sp_3",
           "RELEASE SAVEPOINT ormc_sp_3", "RELEASE SAVEPOINT ormc_sp_2",
           "COMMIT");
    assert_int_equal(count(db), 1);
    /* begin inside the implicit transaction is a savepoint */
    assert_ok(db, ormc_begin(db));
    assert_ok(db, ormc_commit(db));
    assert_ok(db, ormc_rollback(db));
    EXPECT(&r, "BEGIN", cnt, "SAVEPOINT ormc_sp_2",
           "RELEASE SAVEPOINT ormc_sp_2", "ROLLBACK");
    assert_int_equal(ormc_commit(db), ORMC_INVALID);
    EXPECT_NOTHING(&r);
    ormc_set_trace(db, NULL, NULL);
}

static void test_autocommit_sequence(void **state)
{
    ormc_test_direct_only(
        "the exact statements a direct session sends (behind a transaction "
        "pooler each transaction sets the session's state again)");
    ormc_db *first = ormc_test_db(state);
    create_t(first);
    ormc_options o = ORMC_OPTIONS_INIT;
    o.autocommit = 1;
    ormc_db *db = NULL;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &db), ORMC_OK);
    recorder r = {0};
    ormc_set_trace(db, record, &r);

    assert_int_equal(count(db), 0);
    assert_ok(db, ormc_exec(db, ins1, NULL, 0, NULL));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    EXPECT(&r, cnt, ins1);
    /* committed by itself: another connection sees it */
    assert_int_equal(count(first), 1);
    assert_ok(first, ormc_rollback(first));
    assert_int_equal(ormc_commit(db), ORMC_INVALID);

    assert_ok(db, ormc_begin(db));
    assert_ok(db, ormc_exec(db, ins2, NULL, 0, NULL));
    assert_ok(db, ormc_begin(db));
    assert_ok(db, ormc_commit(db));
    assert_ok(db, ormc_rollback(db));
    EXPECT(&r, "BEGIN", ins2, "SAVEPOINT ormc_sp_2",
           "RELEASE SAVEPOINT ormc_sp_2", "ROLLBACK");
    assert_int_equal(count(db), 1);
    EXPECT(&r, cnt);

    /* the URL parameter does the same */
    ormc_close(db);
    char url[2100];
    const char *base = ormc_test_url();
    if (ormc_backend_of(first) == ORMC_SQLITE)
        snprintf(url, sizeof url, "%s?autocommit=on", base);
    else
        snprintf(url, sizeof url, "%s autocommit=on", base);
    assert_int_equal(ormc_open(url, &db), ORMC_OK);
    ormc_set_trace(db, record, &r);
    assert_int_equal(count(db), 1);
    EXPECT(&r, cnt);
    ormc_close(db);
}

static void test_isolation_and_read_only(void **state)
{
    ormc_test_direct_only(
        "the exact statements a direct session sends (behind a transaction "
        "pooler each transaction sets the session's state again)");
    ormc_db *db = ormc_test_db(state);
    create_t(db);
    recorder r = {0};
    ormc_set_trace(db, record, &r);
    ormc_tx_options o = {ORMC_SERIALIZABLE, true};
    assert_ok(db, ormc_begin_with(db, &o));
    assert_int_equal(ormc_begin_with(db, &o), ORMC_INVALID);
    assert_int_equal(count(db), 0);
    /* a write in a read-only transaction fails on both backends */
    assert_int_equal(ormc_exec(db, ins1, NULL, 0, NULL), ORMC_ERROR);
    assert_string_equal(ormc_sqlstate(db), "25006");
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_FAILED);
    assert_ok(db, ormc_rollback(db));
    if (ormc_backend_of(db) == ORMC_POSTGRES)
        EXPECT(&r, "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY", cnt, ins1,
               "ROLLBACK");
    else
        EXPECT(&r, "BEGIN", "PRAGMA query_only = ON", cnt, ins1, "ROLLBACK",
               "PRAGMA query_only = OFF");
    /* and the next transaction may write again */
    assert_ok(db, ormc_exec(db, ins1, NULL, 0, NULL));
    assert_ok(db, ormc_commit(db));
}

static void test_rollback_discards(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_t(db);
    assert_ok(db, ormc_exec(db, ins1, NULL, 0, NULL));
    assert_int_equal(count(db), 1);
    assert_ok(db, ormc_rollback(db));
    assert_int_equal(count(db), 0);
    assert_ok(db, ormc_rollback(db));

    /* a rolled-back savepoint discards only its part */
    assert_ok(db, ormc_begin(db));
    assert_ok(db, ormc_exec(db, ins1, NULL, 0, NULL));
    assert_ok(db, ormc_begin(db));
    assert_ok(db, ormc_exec(db, ins2, NULL, 0, NULL));
    assert_ok(db, ormc_rollback(db));
    assert_ok(db, ormc_commit(db));
    ormc_db *other = ormc_test_open_another();
    assert_int_equal(count(other), 1);
    assert_ok(other, ormc_rollback(other));
    ormc_close(other);
}

static void test_close_rolls_back(void **state)
{
    ormc_test_direct_only(
        "the exact statements a direct session sends (behind a transaction "
        "pooler each transaction sets the session's state again)");
    ormc_db *db = ormc_test_db(state);
    create_t(db);
    ormc_db *other = ormc_test_open_another();
    recorder r = {0};
    ormc_set_trace(other, record, &r);
    assert_ok(other, ormc_exec(other, ins1, NULL, 0, NULL));
    ormc_close(other);
    EXPECT(&r, "BEGIN", ins1, "ROLLBACK");
    assert_int_equal(count(db), 0);
}

/* A failed statement fails the transaction, on SQLite as on PostgreSQL. */
static void test_failed_state(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_t(db);
    assert_ok(db, ormc_exec(db, ins1, NULL, 0, NULL));
    assert_ok(db, ormc_commit(db));

    assert_ok(db, ormc_exec(db, ins2, NULL, 0, NULL));
    assert_int_equal(ormc_exec(db, ins1, NULL, 0, NULL), ORMC_CONSTRAINT);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_FAILED);
    assert_int_equal(ormc_exec(db, "SELECT 1", NULL, 0, NULL), ORMC_ERROR);
    assert_string_equal(ormc_sqlstate(db), "25P02");
    assert_int_equal(ormc_begin(db), ORMC_ERROR);
    /* commit rolls back and reports why */
    assert_int_equal(ormc_commit(db), ORMC_CONSTRAINT);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_int_equal(count(db), 1);
    assert_ok(db, ormc_rollback(db));

    /* inside a savepoint, rolling the savepoint back heals it */
    assert_ok(db, ormc_begin(db));
    assert_ok(db, ormc_exec(db, ins2, NULL, 0, NULL));
    assert_ok(db, ormc_begin(db));
    assert_int_equal(ormc_exec(db, ins1, NULL, 0, NULL), ORMC_CONSTRAINT);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_FAILED);
    assert_ok(db, ormc_rollback(db));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    assert_int_equal(count(db), 2);
    assert_ok(db, ormc_commit(db));
    assert_int_equal(count(db), 2);

    /* a syntax error fails it too (prepared after the BEGIN on both) */
    assert_ok(db, ormc_rollback(db));
    assert_int_equal(ormc_exec(db, "SELEKT 1", NULL, 0, NULL), ORMC_ERROR);
    assert_string_equal(ormc_sqlstate(db), "42601");
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_FAILED);
    assert_ok(db, ormc_rollback(db));
    /* in autocommit mode there is nothing to fail */
    ormc_options o = ORMC_OPTIONS_INIT;
    o.autocommit = 1;
    ormc_db *ac;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &ac), ORMC_OK);
    assert_int_equal(ormc_exec(ac, ins1, NULL, 0, NULL), ORMC_CONSTRAINT);
    assert_int_equal(ormc_test_tx_state(ac), ORMC_TX_IDLE);
    assert_int_equal(count(ac), 2);
    ormc_close(ac);
}

/* ormc_tx_state_of gives the state through an out-parameter; the deprecated
 * ormc_tx_status still gives the same states, and ORMC_INVALID for NULL,
 * in its one int. */
static void test_tx_state_of_and_the_old_tx_status(void **state)
{
    ormc_db *db = ormc_test_db(state);
    ormc_tx_state st = ORMC_TX_FAILED;
    assert_int_equal(ormc_tx_state_of(db, NULL), ORMC_INVALID);
    assert_ok(db, ormc_tx_state_of(db, &st));
    assert_int_equal(st, ORMC_TX_IDLE);
    create_t(db);
    assert_ok(db, ormc_exec(db, ins1, NULL, 0, NULL));
    assert_ok(db, ormc_tx_state_of(db, &st));
    assert_int_equal(st, ORMC_TX_ACTIVE);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    assert_int_equal(ormc_tx_status(db), ORMC_TX_ACTIVE);
    assert_int_equal(ormc_exec(db, ins1, NULL, 0, NULL), ORMC_CONSTRAINT);
    assert_int_equal(ormc_tx_status(db), ORMC_TX_FAILED);
    assert_ok(db, ormc_rollback(db));
    assert_int_equal(ormc_tx_status(db), ORMC_TX_IDLE);
    assert_int_equal(ormc_tx_status(NULL), ORMC_INVALID);
#pragma GCC diagnostic pop
}

typedef struct attempts {
    int calls;
    int fail_first; /* return ORMC_SERIALIZATION this many times */
} attempts;

static int flaky_body(ormc_db *db, void *ctx)
{
    attempts *a = ctx;
    a->calls++;
    int rc = ormc_exec(db, ins1, NULL, 0, NULL);
    if (rc != ORMC_OK)
        return rc;
    return a->calls <= a->fail_first ? ORMC_SERIALIZATION : ORMC_OK;
}

static void test_transaction_retries(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_t(db);
    ormc_retry_options o = ORMC_RETRY_OPTIONS_INIT;
    o.base_delay_ms = 1;
    attempts a = {0, 2};
    assert_ok(db, ormc_transaction(db, &o, flaky_body, &a));
    assert_int_equal(a.calls, 3);
    ormc_counters s;
    assert_ok(db, ormc_stats(db, &s));
    assert_int_equal(s.retries, 2);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_int_equal(count(db), 1);
    assert_ok(db, ormc_rollback(db));

    /* out of attempts: the last status comes back, nothing is kept */
    assert_ok(db, ormc_exec(db, "DELETE FROM t", NULL, 0, NULL));
    assert_ok(db, ormc_commit(db));
    attempts b = {0, 5};
    assert_int_equal(ormc_transaction(db, &o, flaky_body, &b),
                     ORMC_SERIALIZATION);
    assert_int_equal(b.calls, 3);
    assert_int_equal(count(db), 0);
    assert_ok(db, ormc_rollback(db));

    /* other errors are not retried; the body's error message is kept */
    assert_ok(db, ormc_exec(db, ins1, NULL, 0, NULL));
    assert_ok(db, ormc_commit(db));
    attempts c = {0, 0};
    assert_int_equal(ormc_transaction(db, &o, flaky_body, &c), ORMC_CONSTRAINT);
    assert_int_equal(c.calls, 1);
    assert_string_equal(ormc_sqlstate(db), "23505");
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
}

/* Write skew between two serializable transactions: the first to commit
 * wins; the other fails with a serialization failure (PostgreSQL's SSI at
 * COMMIT; SQLite's stale WAL snapshot at the write) and is run again. */
typedef struct skew {
    ormc_db *other;
    int calls;
} skew;

static int skew_body(ormc_db *db, void *ctx)
{
    skew *s = ctx;
    s->calls++;
    ormc_result *res;
    int rc =
        ormc_query(db, "SELECT count(*) FROM t WHERE k = 1", NULL, 0, &res);
    if (rc != ORMC_OK)
        return rc;
    rc = ormc_result_next(res);
    ormc_result_close(res);
    if (rc != ORMC_ROW)
        return rc;
    if (s->calls == 1) {
        /* the other connection reads what we write and writes what we
         * read, and commits first */
        ormc_tx_options o = {ORMC_SERIALIZABLE, false};
        ormc_db *b = s->other;
        assert_ok(b, ormc_begin_with(b, &o));
        assert_ok(b, ormc_query(b, "SELECT count(*) FROM t WHERE k = 2", NULL,
                                0, &res));
        assert_int_equal(ormc_result_next(res), ORMC_ROW);
        ormc_result_close(res);
        assert_ok(b, ormc_exec(b, ins1, NULL, 0, NULL));
        assert_ok(b, ormc_commit(b));
    }
    return ormc_exec(db, ins2, NULL, 0, NULL);
}

static void test_real_serialization_failure(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (ormc_backend_of(db) == ORMC_SQLITE) {
        /* readers keep their snapshot only in WAL mode; the journal mode
         * cannot change inside a transaction: use an autocommit handle */
        ormc_options ao = ORMC_OPTIONS_INIT;
        ao.autocommit = 1;
        ormc_db *ac;
        assert_int_equal(ormc_open_with(ormc_test_url(), &ao, &ac), ORMC_OK);
        ormc_result *res;
        assert_ok(ac,
                  ormc_query(ac, "PRAGMA journal_mode = WAL", NULL, 0, &res));
        assert_int_equal(ormc_result_next(res), ORMC_ROW);
        assert_string_equal(ormc_result_text(res, 0), "wal");
        ormc_result_close(res);
        ormc_close(ac);
    }
    create_t(db);
    skew s = {ormc_test_open_another(), 0};
    ormc_retry_options o = ORMC_RETRY_OPTIONS_INIT;
    o.tx.isolation = ORMC_SERIALIZABLE;
    o.base_delay_ms = 1;
    recorder r = {0};
    ormc_set_trace(db, record, &r);
    assert_ok(db, ormc_transaction(db, &o, skew_body, &s));
    ormc_set_trace(db, NULL, NULL);
    assert_int_equal(s.calls, 2);
    ormc_counters st;
    assert_ok(db, ormc_stats(db, &st));
    assert_int_equal(st.retries, 1);
    assert_int_equal(st.errors[ORMC_SERIALIZATION], 1);
    /* the failure came from the database, on the first attempt */
    int failed = 0;
    for (int i = 0; i < r.n; i++)
        failed += r.status[i] == ORMC_SERIALIZATION;
    assert_int_equal(failed, 1);
    assert_int_equal(count(db), 2);
    assert_ok(db, ormc_rollback(db));
    ormc_close(s.other);
}

/* A commit after a failed statement reports that statement's failure: its
 * status, SQLSTATE and message (here a write in a read-only transaction,
 * 25006 on both backends), not a generic database error. */
static void test_commit_keeps_the_cause(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_t(db);
    ormc_tx_options o = {ORMC_ISOLATION_DEFAULT, true};
    assert_ok(db, ormc_begin_with(db, &o));
    assert_int_equal(ormc_exec(db, ins1, NULL, 0, NULL), ORMC_ERROR);
    assert_string_equal(ormc_sqlstate(db), "25006");
    char cause[512];
    snprintf(cause, sizeof cause, "%s", ormc_errmsg(db));
    assert_int_equal(ormc_commit(db), ORMC_ERROR);
    assert_string_equal(ormc_sqlstate(db), "25006");
    if (!strstr(ormc_errmsg(db), cause))
        fail_msg("commit's message \"%s\" lost the cause \"%s\"",
                 ormc_errmsg(db), cause);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_int_equal(count(db), 0);
    assert_ok(db, ormc_rollback(db));

    /* a constraint keeps its name too */
    assert_ok(db, ormc_exec(db, ins1, NULL, 0, NULL));
    assert_ok(db, ormc_commit(db));
    assert_int_equal(ormc_exec(db, ins1, NULL, 0, NULL), ORMC_CONSTRAINT);
    char named[128];
    snprintf(named, sizeof named, "%s", ormc_errconstraint(db));
    assert_int_equal(ormc_commit(db), ORMC_CONSTRAINT);
    assert_string_equal(ormc_sqlstate(db), "23505");
    assert_string_equal(ormc_errconstraint(db), named);
}

typedef struct self_ender {
    int calls;
    bool by_rollback; /* call ormc_rollback, else ormc_commit */
    bool ignore;      /* return ORMC_OK whatever that gave */
    int ended;        /* what ormc_commit/ormc_rollback returned */
} self_ender;

static int self_ending_body(ormc_db *db, void *ctx)
{
    self_ender *e = ctx;
    e->calls++;
    int rc = ormc_exec(db, ins1, NULL, 0, NULL);
    if (rc != ORMC_OK)
        return rc;
    /* a savepoint of the body's own may be committed by it */
    assert_ok(db, ormc_begin(db));
    assert_ok(db, ormc_exec(db, ins2, NULL, 0, NULL));
    assert_ok(db, ormc_commit(db));
    e->ended = e->by_rollback ? ormc_rollback(db) : ormc_commit(db);
    return e->ignore ? ORMC_OK : e->ended;
}

/* A body that commits (or rolls back) the runner's transaction itself is
 * refused, nothing is sent, and its work is rolled back, whatever it then
 * returns: the runner owns the outcome. */
static void test_body_may_not_end_the_transaction(void **state)
{
    ormc_test_direct_only(
        "the exact statements a direct session sends (behind a transaction "
        "pooler each transaction sets the session's state again)");
    ormc_db *db = ormc_test_db(state);
    create_t(db);
    ormc_db *other = ormc_test_open_another();
    for (int k = 0; k < 4; k++) {
        self_ender e = {0, k & 1, (k & 2) != 0, -1};
        recorder r = {0};
        ormc_set_trace(db, record, &r);
        assert_int_equal(ormc_transaction(db, NULL, self_ending_body, &e),
                         ORMC_INVALID);
        ormc_set_trace(db, NULL, NULL);
        assert_int_equal(e.calls, 1);
        assert_int_equal(e.ended, ORMC_INVALID);
        assert_non_null(strstr(ormc_errmsg(db), "ormc_transaction"));
        assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
        /* neither COMMIT nor a ROLLBACK of the body's sent: the runner's
         * ROLLBACK ends it */
        EXPECT(&r, "BEGIN", ins1, "SAVEPOINT ormc_sp_2", ins2,
               "RELEASE SAVEPOINT ormc_sp_2", "ROLLBACK");
        assert_int_equal(count(other), 0);
        assert_ok(other, ormc_rollback(other));
    }
    ormc_close(other);
}

/* Two connections deadlock for real on PostgreSQL (40P01), or one finds
 * the SQLite file locked by the other (BUSY): ormc_transaction rolls back,
 * runs the body again once the other has committed, and counts one
 * retry. */
typedef struct contender {
    ormc_db *db;   /* the runner's connection */
    ormc_db *lock; /* SQLite: holds the write lock */
    PGconn *pg;    /* PostgreSQL: the other side of the deadlock */
    int calls;
} contender;

static PGresult *pg_exec_ok(PGconn *c, const char *sql)
{
    PGresult *res = PQexec(c, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    return res;
}

static void pg_run(PGconn *c, const char *sql)
{
    PQclear(pg_exec_ok(c, sql));
}

static int contended_body(ormc_db *db, void *ctx)
{
    contender *c = ctx;
    static const char *const up1 = "UPDATE d SET v = v + 1 WHERE id = 1";
    static const char *const up2 = "UPDATE d SET v = v + 1 WHERE id = 2";
    c->calls++;
    if (c->calls > 1) {
        /* the other side goes on once we rolled back: let it finish */
        if (c->pg) {
            PGresult *res;
            while ((res = PQgetResult(c->pg)) != NULL) {
                assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
                PQclear(res);
            }
            pg_run(c->pg, "COMMIT");
        } else {
            assert_ok(c->lock, ormc_commit(c->lock));
        }
        int rc = ormc_exec(db, up1, NULL, 0, NULL);
        return rc != ORMC_OK ? rc : ormc_exec(db, up2, NULL, 0, NULL);
    }
    if (!c->pg) /* the file is locked: the write waits busy_timeout */
        return ormc_exec(db, up1, NULL, 0, NULL);
    /* we hold row 1, the other row 2 and waits for row 1; we then wait for
     * row 2. Our deadlock_timeout is the shorter: the server finds the
     * deadlock from our side and fails us */
    int rc = ormc_exec(db, up1, NULL, 0, NULL);
    if (rc != ORMC_OK)
        return rc;
    assert_int_equal(PQsendQuery(c->pg, "UPDATE d SET v = v + 10 WHERE id = 1"),
                     1);
    /* the server checks for a deadlock once per wait: the other side must
     * be waiting before we do, or the check finds no cycle yet */
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT (SELECT count(*) FROM pg_locks WHERE pid = %d AND NOT "
             "granted), pg_sleep(0.01)",
             PQbackendPID(c->pg));
    int64_t waiting = 0;
    for (int i = 0; i < 1000 && waiting == 0; i++) {
        ormc_result *res;
        assert_ok(db, ormc_query(db, sql, NULL, 0, &res));
        assert_int_equal(ormc_result_next(res), ORMC_ROW);
        waiting = ormc_result_int64(res, 0);
        ormc_result_close(res);
    }
    assert_true(waiting > 0);
    return ormc_exec(db, up2, NULL, 0, NULL);
}

static void test_retries_real_contention(void **state)
{
    ormc_test_direct_only("a second session through libpq with the test URL, "
                          "which carries ormc's pooler= parameter");
    ormc_db *first = ormc_test_db(state);
    bool pg = ormc_backend_of(first) == ORMC_POSTGRES;
    ormc_test_exec(first, "CREATE TABLE d (id integer PRIMARY KEY, v "
                          "integer NOT NULL)");
    ormc_test_exec(first, "INSERT INTO d VALUES (1, 0), (2, 0)");
    assert_ok(first, ormc_commit(first));
    contender c = {0};
    if (pg) {
        c.db = first;
        ormc_test_exec(first, "SET deadlock_timeout = '50ms'");
        assert_ok(first, ormc_commit(first));
        c.pg = PQconnectdb(ormc_test_url());
        assert_int_equal(PQstatus(c.pg), CONNECTION_OK);
        pg_run(c.pg, "SET deadlock_timeout = '10s'");
        pg_run(c.pg, "BEGIN");
        pg_run(c.pg, "UPDATE d SET v = v + 10 WHERE id = 2");
    } else {
        ormc_options o = ORMC_OPTIONS_INIT;
        o.busy_timeout_ms = 50;
        assert_int_equal(ormc_open_with(ormc_test_url(), &o, &c.db), ORMC_OK);
        c.lock = ormc_test_open_another();
        assert_ok(c.lock,
                  ormc_exec(c.lock, "UPDATE d SET v = v + 10 WHERE id = 2",
                            NULL, 0, NULL));
    }
    ormc_stats_reset(c.db);
    ormc_retry_options o = ORMC_RETRY_OPTIONS_INIT;
    o.base_delay_ms = 1;
    assert_ok(c.db, ormc_transaction(c.db, &o, contended_body, &c));
    assert_int_equal(c.calls, 2);
    ormc_counters s;
    assert_ok(c.db, ormc_stats(c.db, &s));
    assert_int_equal(s.retries, 1);
    assert_int_equal(s.errors[pg ? ORMC_DEADLOCK : ORMC_BUSY], 1);
    /* both sides' work is there, ours once */
    ormc_result *res;
    assert_ok(c.db,
              ormc_query(c.db, "SELECT v FROM d ORDER BY id", NULL, 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    assert_int_equal(ormc_result_int64(res, 0), pg ? 11 : 1);
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    assert_int_equal(ormc_result_int64(res, 0), 11);
    ormc_result_close(res);
    assert_ok(c.db, ormc_rollback(c.db));
    if (pg) {
        PQfinish(c.pg);
    } else {
        ormc_close(c.lock);
        ormc_close(c.db);
    }
}

/* A statement timeout (57014) is ORMC_TIMEOUT, and ormc_transaction does
 * not run the body again after it. PostgreSQL only: SQLite has no
 * statement timeout. */
static int sleepy_body(ormc_db *db, void *ctx)
{
    (*(int *)ctx)++;
    return ormc_exec(db, "SELECT pg_sleep(5)", NULL, 0, NULL);
}

static void test_statement_timeout(void **state)
{
    ormc_db *first = ormc_test_db(state);
    if (ormc_backend_of(first) != ORMC_POSTGRES)
        skip();
    ormc_options o = ORMC_OPTIONS_INIT;
    o.statement_timeout_ms = 100;
    ormc_db *db;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &db), ORMC_OK);
    assert_int_equal(ormc_exec(db, "SELECT pg_sleep(5)", NULL, 0, NULL),
                     ORMC_TIMEOUT);
    assert_string_equal(ormc_sqlstate(db), "57014");
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_FAILED);
    assert_int_equal(ormc_commit(db), ORMC_TIMEOUT);
    assert_string_equal(ormc_sqlstate(db), "57014");

    int calls = 0;
    ormc_retry_options r = ORMC_RETRY_OPTIONS_INIT;
    r.base_delay_ms = 1;
    assert_int_equal(ormc_transaction(db, &r, sleepy_body, &calls),
                     ORMC_TIMEOUT);
    assert_int_equal(calls, 1);
    ormc_counters s;
    assert_ok(db, ormc_stats(db, &s));
    assert_int_equal(s.retries, 0);
    assert_int_equal(s.errors[ORMC_TIMEOUT], 3);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    ormc_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_default_mode_sequence),
        ORMC_BACKEND_TEST(test_autocommit_sequence),
        ORMC_BACKEND_TEST(test_isolation_and_read_only),
        ORMC_BACKEND_TEST(test_rollback_discards),
        ORMC_BACKEND_TEST(test_close_rolls_back),
        ORMC_BACKEND_TEST(test_failed_state),
        ORMC_BACKEND_TEST(test_tx_state_of_and_the_old_tx_status),
        ORMC_BACKEND_TEST(test_transaction_retries),
        ORMC_BACKEND_TEST(test_real_serialization_failure),
        ORMC_BACKEND_TEST(test_commit_keeps_the_cause),
        ORMC_BACKEND_TEST(test_body_may_not_end_the_transaction),
        ORMC_BACKEND_TEST(test_retries_real_contention),
        ORMC_BACKEND_TEST(test_statement_timeout),
    };
    return ormc_test_run_backends("runtime_tx", tests);
}
