/*
 * test_async.c: batches started on an event loop (docs/async.md), on
 * SQLite and on PostgreSQL, through the generated API of schema/shop.lua.
 *
 * The main test is the server's day: one thread, one libuv loop, 200
 * requests in flight over an asynchronous pool of 4 connections, each a
 * read then a write of one product's stock in a transaction of its own
 * (two batches: tx_begin + get, then update + tx_commit), retried when the
 * database says the transaction lost a race. Every request completes and
 * the stock adds up exactly. It also runs under ThreadSanitizer (label
 * threads): on SQLite each connection's batches run on its worker thread.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "ormc_test.h"
#include "ormc_uv.h"
#include "shop.h"

#define N_PRODUCTS 5
#define N_REQUESTS 200
#define POOL_SIZE 4

/* The products the tests work on: ids 1..N_PRODUCTS, stock 0, made and
 * committed on the test's own connection. */
static void make_products(ormc_db *db)
{
    assert_ok(db, shop_schema_create(db));
    for (int i = 1; i <= N_PRODUCTS; i++) {
        shop_product p;
        shop_product_init(&p);
        char sku[32], title[32];
        snprintf(sku, sizeof sku, "sku-%d", i);
        snprintf(title, sizeof title, "product %d", i);
        p.sku = sku;
        p.title = title;
        p.price_cents = 100 * i;
        assert_ok(db, shop_product_insert(db, &p));
        assert_int_equal(p.id, i);
    }
    ormc_tx_state st = ormc_test_tx_state(db);
    if (st != ORMC_TX_IDLE)
        assert_ok(db, ormc_commit(db));
}

static int64_t stock_of(ormc_db *db, int64_t id)
{
    shop_product p;
    assert_ok(db, shop_product_get(db, id, &p));
    int64_t n = p.stock;
    shop_product_free(&p);
    return n;
}

/* === 200 requests over a pool of 4, on libuv === */

typedef struct server server;

typedef struct request {
    server *srv;
    int no;        /* 0 .. N_REQUESTS-1 */
    int64_t id;    /* the product it adds to */
    int amount;    /* what it adds */
    ormc_db *db;   /* the connection it holds; NULL: none */
    ormc_batch *b; /* its batch on db */
    shop_product row;
    int rc_get, rc_update;
    int attempts;
    bool done;
} request;

struct server {
    ormc_async_pool *pool;
    request req[N_REQUESTS];
    int completed, retries, in_flight, max_in_flight;
    int failures;
    char failure[400];
};

static void read_then_write(request *r);

static void fail_request(request *r, const char *what, int status)
{
    server *s = r->srv;
    if (s->failures++ == 0)
        snprintf(s->failure, sizeof s->failure, "request %d: %s: %s (%s)",
                 r->no, what, ormc_strstatus(status),
                 r->db ? ormc_errmsg(r->db) : "");
}

/* The end of a request: its connection goes back to the pool, which hands
 * it to the oldest waiting request, from inside this call. */
static void end_request(request *r)
{
    server *s = r->srv;
    ormc_db *db = r->db;
    ormc_batch_free(r->b);
    r->b = NULL;
    r->db = NULL;
    r->done = true;
    s->in_flight--;
    s->completed++;
    assert_int_equal(ormc_async_pool_release(s->pool, db), ORMC_OK);
}

static bool lost_a_race(int status)
{
    return status == ORMC_SERIALIZATION || status == ORMC_DEADLOCK ||
           status == ORMC_BUSY;
}

/* Second batch done: the update and the commit. */
static void written(ormc_batch *b, int status, void *ctx)
{
    request *r = ctx;
    (void)b;
    shop_product_free(&r->row);
    if (lost_a_race(status)) {
        /* the transaction was rolled back: read again, add again */
        r->srv->retries++;
        read_then_write(r);
        return;
    }
    if (status != ORMC_OK || r->rc_update != ORMC_OK)
        fail_request(r, "update + commit", status);
    end_request(r);
}

/* First batch done: the row is read, inside the transaction. */
static void got(ormc_batch *b, int status, void *ctx)
{
    request *r = ctx;
    if (lost_a_race(status)) {
        shop_product_free(&r->row);
        r->srv->retries++;
        read_then_write(r);
        return;
    }
    if (status != ORMC_OK || r->rc_get != ORMC_OK) {
        fail_request(r, "begin + get", status);
        shop_product_free(&r->row);
        end_request(r);
        return;
    }
    r->row.stock += r->amount;
    int rc = shop_product_update_in(b, &r->row, &r->rc_update);
    if (rc == ORMC_OK)
        rc = ormc_batch_tx_commit(b);
    if (rc == ORMC_OK)
        rc = ormc_batch_start(b, written, r);
    if (rc != ORMC_OK) {
        fail_request(r, "start update", rc);
        shop_product_free(&r->row);
        end_request(r);
    }
}

/* One attempt: BEGIN + get in the first batch. A repeatable-read
 * transaction on PostgreSQL (another request's committed update of the
 * same row then fails ours with a serialization failure, instead of
 * being lost); on SQLite the batch's BEGIN IMMEDIATE makes the
 * connections take turns. */
static void read_then_write(request *r)
{
    r->attempts++;
    ormc_tx_options tx = ORMC_TX_OPTIONS_INIT;
    tx.isolation = ORMC_REPEATABLE_READ;
    int rc = ormc_batch_tx_begin(r->b, &tx);
    if (rc == ORMC_OK)
        rc = shop_product_get_in(r->b, r->id, &r->row, &r->rc_get);
    if (rc == ORMC_OK)
        rc = ormc_batch_start(r->b, got, r);
    if (rc != ORMC_OK) {
        fail_request(r, "start get", rc);
        end_request(r);
    }
}

/* The pool has given the request a connection. */
static void acquired(ormc_db *db, int status, void *ctx)
{
    request *r = ctx;
    server *s = r->srv;
    if (status != ORMC_OK) {
        fail_request(r, "acquire", status);
        return;
    }
    r->db = db;
    r->b = ormc_batch_begin(db);
    if (!r->b) {
        fail_request(r, "batch_begin", ORMC_NOMEM);
        return;
    }
    if (++s->in_flight > s->max_in_flight)
        s->max_in_flight = s->in_flight;
    read_then_write(r);
}

static void test_requests_on_libuv(void **state)
{
    ormc_db *db = ormc_test_db(state);
    make_products(db);

    static server s; /* big: not on the stack */
    memset(&s, 0, sizeof s);
    int rc = ormc_async_pool_open(ormc_test_url(), NULL, POOL_SIZE, &s.pool);
    if (rc != ORMC_OK)
        fail_msg("pool: %s", ormc_async_pool_errmsg());

    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    ormc_uv *watch[POOL_SIZE];
    for (int i = 0; i < POOL_SIZE; i++) {
        watch[i] = ormc_uv_attach(&loop, ormc_async_pool_db(s.pool, i));
        assert_non_null(watch[i]);
    }

    int64_t want[N_PRODUCTS + 1] = {0};
    for (int i = 0; i < N_REQUESTS; i++) {
        request *r = &s.req[i];
        r->srv = &s;
        r->no = i;
        /* the requests in flight at once mostly share a product: the
         * races a lost update would come from */
        r->id = 1 + (i / POOL_SIZE) % N_PRODUCTS;
        r->amount = 1 + i % 5;
        want[r->id] += r->amount;
        /* all 200 ask at once: 4 start now, 196 wait in the pool */
        assert_int_equal(ormc_async_pool_acquire(s.pool, acquired, r), ORMC_OK);
    }
    assert_int_equal(s.in_flight, POOL_SIZE);

    /* the loop runs until no watcher is active: every batch is done */
    uv_run(&loop, UV_RUN_DEFAULT);

    if (s.failures)
        fail_msg("%d requests failed; the first: %s", s.failures, s.failure);
    assert_int_equal(s.completed, N_REQUESTS);
    assert_int_equal(s.in_flight, 0);
    assert_int_equal(s.max_in_flight, POOL_SIZE);
    for (int i = 0; i < N_REQUESTS; i++)
        assert_true(s.req[i].done);

    for (int i = 0; i < POOL_SIZE; i++)
        ormc_uv_detach(watch[i]);
    ormc_async_pool_close(s.pool);
    uv_run(&loop, UV_RUN_DEFAULT); /* the watchers' handles close */
    assert_int_equal(uv_loop_close(&loop), 0);

    /* the totals, read back on the test's own connection */
    int64_t total = 0, total_want = 0;
    for (int64_t id = 1; id <= N_PRODUCTS; id++) {
        int64_t n = stock_of(db, id);
        assert_int_equal(n, want[id]);
        total += n;
        total_want += want[id];
    }
    assert_int_equal(total, total_want);
    printf("# %s: %d requests, %d retries after a lost race\n",
           ormc_backend_of(db) == ORMC_SQLITE ? "sqlite" : "postgres",
           N_REQUESTS, s.retries);
}

/* === the rules of one connection, with ormc_async_poll as the loop === */

typedef struct outcome {
    int calls, status;
} outcome;

static void note(ormc_batch *b, int status, void *ctx)
{
    (void)b;
    outcome *o = ctx;
    o->calls++;
    o->status = status;
}

/* A started batch lands its results as ormc_batch_run would, on the
 * loop's side only; a second start on the connection is refused. */
static void test_start_and_poll(void **state)
{
    ormc_db *db = ormc_test_db(state);
    make_products(db);
    ormc_batch *b = ormc_batch_begin(db);
    assert_non_null(b);
    shop_product rows[3];
    int rc[3] = {-1, -1, -1};
    for (int i = 0; i < 3; i++)
        assert_ok(db, shop_product_get_in(b, i + 1 == 3 ? 999 : i + 1, &rows[i],
                                          &rc[i]));
    outcome o = {0, -1};
    assert_int_equal(ormc_async_events(db), 0);
    assert_ok(db, ormc_batch_start(b, note, &o));
    assert_int_equal(o.calls, 0); /* never from inside the start */
    assert_true(ormc_async_events(db) & ORMC_ASYNC_READ);
    assert_true(ormc_async_fd(db) >= 0);

    /* one at a time */
    ormc_batch *b2 = ormc_batch_begin(db);
    assert_non_null(b2);
    assert_int_equal(ormc_batch_start(b2, note, &o), ORMC_INVALID);
    /* and the running one cannot be changed */
    assert_int_equal(ormc_batch_tx_commit(b), ORMC_INVALID);
    assert_int_equal(ormc_batch_start(b, note, &o), ORMC_INVALID);
    ormc_batch_free(b2);

    assert_ok(db, ormc_async_poll(db, 30000));
    assert_int_equal(o.calls, 1);
    assert_int_equal(o.status, ORMC_OK);
    assert_int_equal(ormc_async_events(db), 0);
    assert_int_equal(rc[0], ORMC_OK);
    assert_int_equal(rc[1], ORMC_OK);
    assert_int_equal(rc[2], ORMC_NOT_FOUND);
    assert_int_equal(rows[0].id, 1);
    assert_string_equal(rows[1].sku, "sku-2");
    shop_product_free(&rows[0]);
    shop_product_free(&rows[1]);

    /* an empty batch completes too, on the loop's side */
    o.calls = 0;
    assert_ok(db, ormc_batch_start(b, note, &o));
    assert_int_equal(o.calls, 0);
    assert_ok(db, ormc_async_poll(db, 30000));
    assert_int_equal(o.calls, 1);
    assert_int_equal(o.status, ORMC_OK);

    /* the connection is usable the ordinary way again */
    assert_int_equal(stock_of(db, 1), 0);
    ormc_batch_free(b);
}

/* Run b started, with ormc_async_poll as the loop; its status. */
static int run_started(ormc_db *db, ormc_batch *b)
{
    outcome o = {0, -1};
    int rc = ormc_batch_start(b, note, &o);
    if (rc != ORMC_OK)
        return rc;
    assert_ok(db, ormc_async_poll(db, 30000));
    assert_int_equal(o.calls, 1);
    return o.status;
}

/* A batch's transaction: a failing call rolls it back at the commit, and
 * the batch's status is the failure; none of its writes stay. */
static void test_tx_rolls_back_on_failure(void **state)
{
    ormc_db *db = ormc_test_db(state);
    make_products(db);
    ormc_batch *b = ormc_batch_begin(db);
    assert_non_null(b);

    shop_product p1, dup;
    assert_ok(db, shop_product_get(db, 1, &p1));
    assert_ok(db, shop_product_get(db, 2, &dup));
    assert_ok(db, ormc_commit(db));
    p1.stock = 50;
    /* product 2 takes product 1's sku: a unique violation */
    char sku[] = "sku-1";
    dup.sku = sku;
    int rc1 = -1, rc2 = -1;
    assert_ok(db, ormc_batch_tx_begin(b, NULL));
    assert_ok(db, shop_product_update_in(b, &p1, &rc1));
    assert_ok(db, shop_product_update_in(b, &dup, &rc2));
    assert_ok(db, ormc_batch_tx_commit(b));
    outcome o = {0, -1};
    assert_ok(db, ormc_batch_start(b, note, &o));
    assert_ok(db, ormc_async_poll(db, 30000));
    assert_int_equal(o.calls, 1);
    assert_int_equal(o.status, ORMC_CONSTRAINT);
    assert_int_equal(rc1, ORMC_OK);
    assert_int_equal(rc2, ORMC_CONSTRAINT);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_int_equal(stock_of(db, 1), 0); /* rolled back */
    assert_ok(db, ormc_rollback(db));     /* the read's implicit one */

    /* a transaction failed in one batch is reported by the next batch's
     * commit, as ormc_commit reports it, and rolled back */
    int rc5 = -1;
    assert_ok(db, ormc_batch_tx_begin(b, NULL));
    assert_ok(db, shop_product_update_in(b, &dup, &rc5));
    assert_int_equal(run_started(db, b), ORMC_CONSTRAINT);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_FAILED);
    assert_ok(db, ormc_batch_tx_commit(b));
    assert_int_equal(run_started(db, b), ORMC_CONSTRAINT);
    assert_non_null(strstr(ormc_errmsg(db), "rolled back"));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);

    /* and when everything succeeds, it is committed: another connection
     * sees it */
    int rc3 = -1;
    p1.stock = 7;
    assert_ok(db, ormc_batch_tx_begin(b, NULL));
    assert_ok(db, shop_product_update_in(b, &p1, &rc3));
    assert_ok(db, ormc_batch_tx_commit(b));
    o.calls = 0;
    assert_ok(db, ormc_batch_start(b, note, &o));
    assert_ok(db, ormc_async_poll(db, 30000));
    assert_int_equal(o.status, ORMC_OK);
    assert_int_equal(rc3, ORMC_OK);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    ormc_db *other = ormc_test_open_another();
    assert_int_equal(stock_of(other, 1), 7);
    ormc_close(other);

    /* a batch's transaction is never a savepoint */
    assert_ok(db, ormc_begin(db));
    int rc4 = -1;
    assert_ok(db, ormc_batch_tx_begin(b, NULL));
    assert_ok(db, shop_product_update_in(b, &p1, &rc4));
    o.calls = 0;
    int st = ormc_batch_start(b, note, &o);
    if (st == ORMC_OK) {
        assert_ok(db, ormc_async_poll(db, 30000));
        st = o.status;
    }
    assert_int_equal(st, ORMC_INVALID);
    assert_string_equal(ormc_sqlstate(db), "25001");
    assert_ok(db, ormc_rollback(db));

    shop_product_free(&p1);
    dup.sku = NULL;
    shop_product_free(&dup);
    ormc_batch_free(b);
}

/* ormc_batch_run honours the batch's own transaction as a started batch
 * does: all or nothing, and for one run only. */
static void test_tx_blocking_run(void **state)
{
    ormc_db *db = ormc_test_db(state);
    make_products(db);
    shop_product p1, p2;
    assert_ok(db, shop_product_get(db, 1, &p1));
    assert_ok(db, shop_product_get(db, 2, &p2));
    assert_ok(db, ormc_rollback(db));
    const char *own = p2.sku;
    char taken[] = "sku-1";
    ormc_batch *b = ormc_batch_begin(db);
    assert_non_null(b);
    int rc1 = -1, rc2 = -1;
    p1.stock = 3;
    p2.sku = taken;
    assert_ok(db, ormc_batch_tx_begin(b, NULL));
    assert_ok(db, shop_product_update_in(b, &p1, &rc1));
    assert_ok(db, shop_product_update_in(b, &p2, &rc2));
    assert_ok(db, ormc_batch_tx_commit(b));
    assert_int_equal(ormc_batch_run(b), ORMC_CONSTRAINT);
    assert_int_equal(rc1, ORMC_OK);
    assert_int_equal(rc2, ORMC_CONSTRAINT);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_int_equal(stock_of(db, 1), 0);
    assert_ok(db, ormc_rollback(db));

    p2.sku = own;
    assert_ok(db, ormc_batch_tx_begin(b, NULL));
    assert_ok(db, shop_product_update_in(b, &p1, &rc1));
    assert_ok(db, ormc_batch_tx_commit(b));
    assert_ok(db, ormc_batch_run(b));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    ormc_db *other = ormc_test_open_another();
    assert_int_equal(stock_of(other, 1), 3);
    ormc_close(other);

    /* said for one run: the next one is in the connection's transaction
     * (PEP 249: opened implicitly, left open) */
    p1.stock = 4;
    assert_ok(db, shop_product_update_in(b, &p1, &rc1));
    assert_ok(db, ormc_batch_run(b));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    assert_ok(db, ormc_rollback(db));
    assert_int_equal(stock_of(db, 1), 3);
    assert_ok(db, ormc_rollback(db));

    shop_product_free(&p1);
    shop_product_free(&p2);
    ormc_batch_free(b);
}

/* Without the batch's own transaction, a started batch is in the
 * connection's: in autocommit mode each call stands alone; in the default
 * (PEP 249) mode its first statement opens the transaction, which stays
 * open for a later batch to commit. */
static void test_autocommit_and_implicit(void **state)
{
    ormc_db *db = ormc_test_db(state);
    make_products(db);
    ormc_options opts = ORMC_OPTIONS_INIT;
    opts.autocommit = 1;
    ormc_db *ac;
    assert_int_equal(ormc_open_with(ormc_test_url(), &opts, &ac), ORMC_OK);
    shop_product p1, p2;
    assert_ok(ac, shop_product_get(ac, 1, &p1));
    assert_ok(ac, shop_product_get(ac, 2, &p2));
    char taken[] = "sku-1";
    const char *own = p2.sku;

    /* autocommit, the batch's transaction: all or nothing */
    ormc_batch *b = ormc_batch_begin(ac);
    assert_non_null(b);
    int rc1 = -1, rc2 = -1;
    p1.stock = 5;
    p2.sku = taken;
    assert_ok(ac, ormc_batch_tx_begin(b, NULL));
    assert_ok(ac, shop_product_update_in(b, &p1, &rc1));
    assert_ok(ac, shop_product_update_in(b, &p2, &rc2));
    assert_ok(ac, ormc_batch_tx_commit(b));
    assert_int_equal(run_started(ac, b), ORMC_CONSTRAINT);
    assert_int_equal(rc2, ORMC_CONSTRAINT);
    assert_int_equal(ormc_test_tx_state(ac), ORMC_TX_IDLE);
    assert_int_equal(stock_of(ac, 1), 0);

    /* autocommit, no transaction asked: each call on its own */
    p1.stock = 9;
    assert_ok(ac, shop_product_update_in(b, &p1, &rc1));
    assert_ok(ac, shop_product_update_in(b, &p2, &rc2));
    assert_int_equal(run_started(ac, b), ORMC_CONSTRAINT);
    assert_int_equal(rc1, ORMC_OK);
    assert_int_equal(rc2, ORMC_CONSTRAINT);
    assert_int_equal(stock_of(ac, 1), 9); /* kept */
    ormc_batch_free(b);

    /* PEP 249: the batch opens the transaction and leaves it open ... */
    b = ormc_batch_begin(db);
    assert_non_null(b);
    if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
        assert_ok(db, ormc_rollback(db));
    p1.stock = 11;
    assert_ok(db, shop_product_update_in(b, &p1, &rc1));
    assert_int_equal(run_started(db, b), ORMC_OK);
    assert_int_equal(rc1, ORMC_OK);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    assert_int_equal(stock_of(ac, 1), 9); /* not yet seen by others */
    /* ... and an empty batch that only commits ends it */
    assert_ok(db, ormc_batch_tx_commit(b));
    assert_int_equal(run_started(db, b), ORMC_OK);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_int_equal(stock_of(ac, 1), 11);
    ormc_batch_free(b);

    p2.sku = own;
    shop_product_free(&p1);
    shop_product_free(&p2);
    ormc_close(ac);
}

/* === a connection lost under a started batch (PostgreSQL) === */

typedef struct watch_log {
    int calls;
    int fd, events; /* the last call's */
    bool dropped;   /* told fd -1 at some point */
} watch_log;

static void record(ormc_db *db, int fd, int events, void *ctx)
{
    (void)db;
    watch_log *w = ctx;
    w->calls++;
    w->fd = fd;
    w->events = events;
    if (fd < 0)
        w->dropped = true;
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

/* The server ends db's session before a batch is started on it: the
 * callback says ORMC_CONNECTION, every call has it, the watch hook is told
 * the socket is gone; the next batch reconnects (a new socket, which the
 * hook is told) and succeeds. */
static void test_lost_connection(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (ormc_backend_of(db) != ORMC_POSTGRES)
        skip(); /* an embedded database cannot go away */
    make_products(db);
    watch_log w = {0, -2, 0, false};
    ormc_async_set_watch(db, record, &w);
    assert_int_equal(w.calls, 1); /* told the socket at once, events 0 */
    assert_int_equal(w.fd, ormc_async_fd(db));
    assert_int_equal(w.events, 0);

    int64_t pid = query_int(db, "SELECT pg_backend_pid()");
    assert_ok(db, ormc_rollback(db));
    ormc_db *killer = ormc_test_open_another();
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)",
             (long long)pid);
    assert_int_equal(query_int(killer, sql), 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM pg_stat_activity WHERE pid = %lld",
             (long long)pid);
    for (int i = 0; i < 500 && query_int(killer, sql) > 0; i++) {
        assert_ok(killer, ormc_rollback(killer));
        struct timespec ms10 = {0, 10 * 1000 * 1000};
        nanosleep(&ms10, NULL);
    }
    ormc_close(killer);

    ormc_batch *b = ormc_batch_begin(db);
    assert_non_null(b);
    shop_product rows[3];
    int rc[3] = {-1, -1, -1};
    for (int i = 0; i < 3; i++)
        assert_ok(db, shop_product_get_in(b, i + 1, &rows[i], &rc[i]));
    int st = run_started(db, b);
    assert_int_equal(st, ORMC_CONNECTION);
    for (int i = 0; i < 3; i++)
        assert_int_equal(rc[i], ORMC_CONNECTION);
    assert_int_equal(ormc_async_events(db), 0);
    assert_true(w.dropped);
    assert_int_equal(w.fd, -1);
    if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
        assert_ok(db, ormc_rollback(db));

    /* the next batch makes the connection again */
    w.dropped = false;
    assert_ok(db, shop_product_get_in(b, 2, &rows[0], &rc[0]));
    assert_int_equal(run_started(db, b), ORMC_OK);
    assert_int_equal(rc[0], ORMC_OK);
    assert_string_equal(rows[0].sku, "sku-2");
    shop_product_free(&rows[0]);
    assert_true(w.fd >= 0);
    assert_int_equal(w.fd, ormc_async_fd(db));
    assert_int_equal(w.events, 0);
    ormc_async_set_watch(db, NULL, NULL);
    ormc_batch_free(b);
}

/* === the pool's order === */

typedef struct fifo {
    ormc_async_pool *pool;
    int order[4], n;
    ormc_db *held;
} fifo;

typedef struct asker {
    fifo *f;
    int no;
} asker;

static void take(ormc_db *db, int status, void *ctx)
{
    asker *a = ctx;
    assert_int_equal(status, ORMC_OK);
    a->f->order[a->f->n++] = a->no;
    a->f->held = db;
}

/* Requests waiting for a connection get it first come, first served, and
 * a closed pool tells the ones still waiting. */
static void test_pool_fifo(void **state)
{
    (void)state;
    fifo f = {0};
    assert_int_equal(ormc_async_pool_open(ormc_test_url(), NULL, 1, &f.pool),
                     ORMC_OK);
    asker a[4] = {{&f, 0}, {&f, 1}, {&f, 2}, {&f, 3}};
    for (int i = 0; i < 3; i++)
        assert_int_equal(ormc_async_pool_acquire(f.pool, take, &a[i]), ORMC_OK);
    assert_int_equal(f.n, 1); /* 0 got it at once; 1 and 2 wait */
    ormc_db *first = f.held;
    assert_int_equal(ormc_async_pool_release(f.pool, first), ORMC_OK);
    assert_int_equal(f.n, 2);
    assert_ptr_equal(f.held, first);
    /* releasing a connection the pool did not hand out is refused */
    assert_int_equal(ormc_async_pool_release(f.pool, NULL), ORMC_INVALID);
    assert_int_equal(ormc_async_pool_release(f.pool, f.held), ORMC_OK);
    assert_int_equal(ormc_async_pool_release(f.pool, f.held), ORMC_OK);
    assert_int_equal(ormc_async_pool_release(f.pool, f.held), ORMC_INVALID);
    assert_int_equal(f.n, 3);
    assert_int_equal(f.order[0], 0);
    assert_int_equal(f.order[1], 1);
    assert_int_equal(f.order[2], 2);
    ormc_async_pool_close(f.pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_start_and_poll),
        ORMC_BACKEND_TEST(test_tx_rolls_back_on_failure),
        ORMC_BACKEND_TEST(test_tx_blocking_run),
        ORMC_BACKEND_TEST(test_autocommit_and_implicit),
        ORMC_BACKEND_TEST(test_lost_connection),
        ORMC_BACKEND_TEST(test_pool_fifo),
        ORMC_BACKEND_TEST(test_requests_on_libuv),
    };
    return ormc_test_run_backends("async", tests);
}
