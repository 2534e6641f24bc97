/*
 * test_batch.c: batches of generated calls (docs/batch.md), on SQLite and
 * PostgreSQL: every call lands as if it had run alone, ops of one shape
 * share one prepared statement, and the transaction rules (autocommit:
 * independent; in a transaction: the rest aborted; PEP 249: the implicit
 * BEGIN first), the change hooks, validation, and a connection lost
 * mid-batch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ormc_test.h"
#include "shop.h"
#include "slack.h"
#include "web.h"

#define N_BOTS 150

/* A connection in autocommit mode to the test's database. */
static ormc_db *open_autocommit(void)
{
    ormc_options o = ORMC_OPTIONS_INIT;
    o.autocommit = 1;
    ormc_db *db;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &db), ORMC_OK);
    return db;
}

static void create_all(ormc_db *db)
{
    assert_ok(db, slack_schema_create(db));
    assert_ok(db, shop_schema_create(db));
    if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
        assert_ok(db, ormc_commit(db));
}

static char teams[N_BOTS][16];

static void bot_row(slack_bot *bot, int i)
{
    slack_bot_init(bot);
    snprintf(teams[i], sizeof teams[i], "T%03d", i);
    bot->client_id = "client";
    bot->app_id = "app";
    bot->team_id = teams[i];
}

static uint64_t prepares(ormc_db *db)
{
    ormc_counters c;
    assert_ok(db, ormc_stats(db, &c));
    return c.prepares;
}

/* Inserts and gets by key, each landing as if run alone: serial keys
 * filled, rows decoded and owned, a missing key NOT_FOUND; 150 gets are one
 * prepared statement (one Parse) on PostgreSQL. */
static void test_batch_insert_then_get(void **state)
{
    ormc_test_direct_only("prepared-statement counts, which a transaction "
                          "pooler rules out (every statement is unnamed)");
    ormc_db *db = open_autocommit();
    create_all(db);
    (void)state;
    static slack_bot bots[N_BOTS];
    static int rcs[N_BOTS + 1];
    ormc_batch *b = ormc_batch_begin(db);
    assert_non_null(b);
    for (int i = 0; i < N_BOTS; i++) {
        bot_row(&bots[i], i);
        assert_int_equal(slack_bot_insert_in(b, &bots[i], &rcs[i]), ORMC_OK);
    }
    assert_int_equal(ormc_batch_size(b), N_BOTS);
    assert_ok(db, ormc_batch_run(b));
    assert_int_equal(ormc_batch_size(b), 0);
    for (int i = 0; i < N_BOTS; i++) {
        assert_int_equal(rcs[i], ORMC_OK);
        assert_int_equal(bots[i].id, i + 1);
        assert_true(bots[i].has_installed_at);
    }

    uint64_t before = prepares(db);
    static slack_bot got[N_BOTS + 1];
    for (int i = 0; i < N_BOTS; i++)
        assert_ok(db, slack_bot_get_in(b, bots[i].id, &got[i], &rcs[i]));
    slack_bot missing;
    slack_bot_init(&missing);
    assert_ok(db, slack_bot_get_in(b, 100000, &missing, &rcs[N_BOTS]));
    assert_ok(db, ormc_batch_run(b));
    for (int i = 0; i < N_BOTS; i++) {
        assert_int_equal(rcs[i], ORMC_OK);
        assert_int_equal(got[i].id, bots[i].id);
        assert_string_equal(got[i].team_id, teams[i]);
        assert_ptr_not_equal(got[i].team_id, teams[i]); /* owned */
        slack_bot_free(&got[i]);
    }
    assert_int_equal(rcs[N_BOTS], ORMC_NOT_FOUND);
    assert_null(missing.client_id); /* untouched */
    if (ormc_backend_of(db) == ORMC_POSTGRES)
        assert_true(prepares(db) - before <= 1);

    /* the same again: the statement is prepared already */
    before = prepares(db);
    for (int i = 0; i < N_BOTS; i++)
        assert_ok(db, slack_bot_get_in(b, bots[i].id, &got[i], &rcs[i]));
    assert_ok(db, ormc_batch_run(b));
    for (int i = 0; i < N_BOTS; i++) {
        assert_int_equal(rcs[i], ORMC_OK);
        slack_bot_free(&got[i]);
    }
    assert_int_equal(prepares(db), before);
    ormc_batch_free(b);
    ormc_close(db);
}

/* The change hook's record: what was told, in order. */
typedef struct events {
    int n;
    ormc_change op[16];
    int32_t id[16];
    char scopes[16][16];
} events;

static void on_change(void *ctx, const ormc_table *t, ormc_change op,
                      const void *row)
{
    events *e = ctx;
    if (t != &slack_bot_table || e->n >= 16)
        return;
    const slack_bot *bot = row;
    e->op[e->n] = op;
    e->id[e->n] = bot->id;
    snprintf(e->scopes[e->n], sizeof e->scopes[e->n], "%s",
             bot->bot_scopes ? bot->bot_scopes : "");
    e->n++;
}

/* Every write lands as the blocking call would: keys read back, NOT_FOUND
 * for a key no row has, the stored row adopted by upsert and
 * find_or_create, a row that fails validation refused with ORMC_INVALID
 * and not sent, and the change hook told each change in call order. */
static void test_batch_writes(void **state)
{
    (void)state;
    ormc_db *db = open_autocommit();
    create_all(db);
    events ev = {0};
    ormc_on_change(db, on_change, &ev);
    ormc_batch *b = ormc_batch_begin(db);
    slack_bot a, c, bad, up, foc, foc2;
    bot_row(&a, 0);
    bot_row(&c, 1);
    bot_row(&bad, 2);
    bad.team_id = "a team id longer than the thirty-two characters";
    int rc[12];
    for (int i = 0; i < 12; i++)
        rc[i] = -1;
    assert_ok(db, slack_bot_insert_in(b, &a, &rc[0]));
    assert_ok(db, slack_bot_insert_in(b, &bad, &rc[1]));
    assert_ok(db, slack_bot_insert_in(b, &c, &rc[2]));
    assert_ok(db, ormc_batch_run(b) == ORMC_INVALID ? ORMC_OK : -1);
    assert_int_equal(rc[0], ORMC_OK);
    assert_int_equal(rc[1], ORMC_INVALID);
    assert_int_equal(rc[2], ORMC_OK);
    assert_int_equal(a.id, 1);
    assert_int_equal(bad.id, 0); /* not sent: no key taken */
    assert_int_equal(c.id, 2);
    assert_non_null(strstr(ormc_errmsg(db), "team_id"));

    a.bot_scopes = "a1";
    c.bot_scopes = "c1";
    slack_bot_init(&up);
    up.id = 7;
    up.client_id = "client";
    up.app_id = "app";
    up.bot_scopes = "up";
    slack_bot_init(&foc);
    foc.id = 1; /* exists: found */
    foc.client_id = "client";
    foc.app_id = "app";
    bool created = true, created2 = false;
    slack_bot_init(&foc2);
    foc2.id = 9; /* absent: created */
    foc2.client_id = "client";
    foc2.app_id = "app";
    assert_ok(db, slack_bot_update_in(b, &a, &rc[0]));
    assert_ok(db,
              slack_bot_update_columns_in(b, &c, SLACK_BOT_BOT_SCOPES, &rc[1]));
    assert_ok(db, slack_bot_delete_in(b, 2, &rc[2]));
    assert_ok(db, slack_bot_delete_in(b, 2, &rc[3]));
    assert_ok(db, slack_bot_upsert_in(b, &up, SLACK_BOT_ID, &rc[4]));
    assert_ok(db, slack_bot_find_or_create_in(b, &foc, SLACK_BOT_ID, &created,
                                              &rc[5]));
    assert_ok(db, slack_bot_find_or_create_in(b, &foc2, SLACK_BOT_ID, &created2,
                                              &rc[6]));
    slack_bot ghost = a;
    ghost.id = 500;
    assert_ok(db, slack_bot_update_in(b, &ghost, &rc[7]));
    assert_ok(db, ormc_batch_run(b));
    assert_int_equal(rc[0], ORMC_OK);
    assert_int_equal(rc[1], ORMC_OK);
    assert_int_equal(rc[2], ORMC_OK);
    assert_int_equal(rc[3], ORMC_NOT_FOUND);
    assert_int_equal(rc[4], ORMC_OK);
    assert_non_null(up.ormc_owned); /* the stored row, adopted */
    assert_string_equal(up.bot_scopes, "up");
    assert_int_equal(rc[5], ORMC_OK);
    assert_false(created);
    assert_string_equal(foc.bot_scopes, "a1"); /* the update landed first */
    assert_int_equal(rc[6], ORMC_OK);
    assert_true(created2);
    assert_int_equal(rc[7], ORMC_NOT_FOUND);

    /* the hook: the first run's two inserts, then these in call order */
    assert_int_equal(ev.n, 7);
    static const ormc_change want_op[] = {
        ORMC_CHANGE_INSERT, ORMC_CHANGE_INSERT, ORMC_CHANGE_UPDATE,
        ORMC_CHANGE_UPDATE, ORMC_CHANGE_DELETE, ORMC_CHANGE_UPDATE,
        ORMC_CHANGE_INSERT};
    static const int32_t want_id[] = {1, 2, 1, 2, 2, 7, 9};
    for (int i = 0; i < 7; i++) {
        assert_int_equal(ev.op[i], want_op[i]);
        assert_int_equal(ev.id[i], want_id[i]);
    }
    assert_string_equal(ev.scopes[2], "a1");

    slack_bot got;
    assert_ok(db, slack_bot_get(db, 2, &got) == ORMC_NOT_FOUND ? ORMC_OK : -1);
    assert_ok(db, slack_bot_get(db, 9, &got));
    slack_bot_free(&got);
    slack_bot_free(&up);
    slack_bot_free(&foc);
    slack_bot_free(&foc2);
    ormc_batch_free(b);
    ormc_close(db);
}

/* Queries: first, all and count by the builder, and a schema's SQL
 * queries returning one row, many rows, or none. */
static void test_batch_queries(void **state)
{
    (void)state;
    ormc_db *db = open_autocommit();
    create_all(db);
    slack_bot bots[10];
    for (int i = 0; i < 10; i++) {
        bot_row(&bots[i], i);
        bots[i].team_id = i < 4 ? "TA" : "TB";
    }
    assert_ok(db, slack_bot_insert_many(db, bots, 10));

    ormc_batch *b = ormc_batch_begin(db);
    slack_bot_query qa, qb, qnone;
    slack_bot_query_init(&qa);
    slack_bot_where_team_id(&qa, ORMC_EQ, "TA");
    slack_bot_order_by(&qa, SLACK_BOT_ID, ORMC_DESC);
    slack_bot_query_init(&qb);
    slack_bot_where_team_id(&qb, ORMC_EQ, "TB");
    slack_bot_query_init(&qnone);
    slack_bot_where_team_id(&qnone, ORMC_EQ, "nobody");
    slack_bot first, none;
    slack_bot_list list = {(slack_bot *)&first, 99};
    int64_t na = -1, nb = -1;
    int rc[8];
    assert_ok(db, slack_bot_first_in(b, &qa, &first, &rc[0]));
    assert_ok(db, slack_bot_all_in(b, &qb, &list, &rc[1]));
    assert_ok(db, slack_bot_count_in(b, &qa, &na, &rc[2]));
    assert_ok(db, slack_bot_count_in(b, &qb, &nb, &rc[3]));
    assert_ok(db, slack_bot_first_in(b, &qnone, &none, &rc[4]));

    shop_orders_in_status_params sp = {SHOP_ORDER_STATUS_PENDING};
    shop_orders_in_status_row srow;
    shop_ship_order_params ship = {0, 12345};
    int64_t shipped = -1;
    slack_team_bot_counts_params cp = {"client", "TA", 10};
    slack_team_bot_counts_list counts = {NULL, 7};
    assert_ok(db, shop_orders_in_status_in(b, &sp, &srow, &rc[5]));
    assert_ok(db, shop_ship_order_in(b, &ship, &shipped, &rc[6]));
    assert_ok(db, slack_team_bot_counts_in(b, &cp, &counts, &rc[7]));
    assert_ok(db, ormc_batch_run(b));
    for (int i = 0; i < 8; i++)
        assert_int_equal(rc[i], i == 4 ? ORMC_NOT_FOUND : ORMC_OK);
    assert_int_equal(first.id, 4);
    assert_string_equal(first.team_id, "TA");
    assert_int_equal(list.count, 6);
    assert_int_equal(list.items[0].id, 5);
    assert_string_equal(list.items[5].team_id, "TB");
    assert_int_equal(na, 4);
    assert_int_equal(nb, 6);
    assert_int_equal(srow.n, 0);
    assert_int_equal(shipped, 0);
    assert_int_equal(counts.count, 0); /* no installations joined */
    slack_bot_free(&first);
    slack_bot_list_free(&list);
    slack_team_bot_counts_list_free(&counts);
    slack_bot_query_free(&qa);
    slack_bot_query_free(&qb);
    slack_bot_query_free(&qnone);
    ormc_batch_free(b);
    ormc_close(db);
}

/* Autocommit: each call independent. A write that fails undoes nothing of
 * the others (each commits alone), and a read that fails (a table that was
 * never created) leaves the reads after it, which shared its sync on
 * PostgreSQL and were skipped by the server, to be run again: they land
 * OK. */
static void test_batch_autocommit_independent(void **state)
{
    (void)state;
    ormc_db *db = open_autocommit();
    create_all(db); /* not web's tables */
    ormc_batch *b = ormc_batch_begin(db);
    slack_bot x, dup, y;
    bot_row(&x, 0);
    x.id = 1;
    bot_row(&dup, 1);
    dup.id = 1;
    bot_row(&y, 2);
    y.id = 3;
    int rc[8];
    assert_ok(db, slack_bot_insert_in(b, &x, &rc[0]));
    assert_ok(db, slack_bot_insert_in(b, &dup, &rc[1]));
    assert_ok(db, slack_bot_insert_in(b, &y, &rc[2]));
    slack_bot bad;
    bot_row(&bad, 3);
    bad.team_id = "a team id longer than the thirty-two characters";
    assert_ok(db, slack_bot_insert_in(b, &bad, &rc[3]));
    /* the first failure in call order, though the refused row landed
     * first (before anything was sent) */
    assert_int_equal(ormc_batch_run(b), ORMC_CONSTRAINT);
    assert_string_equal(ormc_sqlstate(db), "23505");
    assert_int_equal(rc[0], ORMC_OK);
    assert_int_equal(rc[1], ORMC_CONSTRAINT);
    assert_int_equal(rc[2], ORMC_OK);
    assert_int_equal(rc[3], ORMC_INVALID);

    /* another connection sees both: each committed alone */
    ormc_db *other = open_autocommit();
    int64_t n = 0;
    slack_bot_query all;
    slack_bot_query_init(&all);
    assert_ok(other, slack_bot_count(other, &all, &n));
    assert_int_equal(n, 2);
    ormc_close(other);

    slack_bot g1, g3, g4;
    web_session s;
    assert_ok(db, slack_bot_get_in(b, 1, &g1, &rc[0]));
    assert_ok(db, web_session_get_in(b, 1, &s, &rc[1]));
    assert_ok(db, slack_bot_get_in(b, 3, &g3, &rc[2]));
    assert_ok(db, slack_bot_count_in(b, &all, &n, &rc[3]));
    assert_ok(db, slack_bot_get_in(b, 4, &g4, &rc[4]));
    int run = ormc_batch_run(b);
    assert_true(ormc_is_error(run));
    assert_int_equal(rc[0], ORMC_OK);
    assert_true(ormc_is_error(rc[1]));
    assert_int_equal(rc[1], run);
    assert_int_equal(rc[2], ORMC_OK);
    assert_int_equal(g3.id, 3);
    assert_int_equal(rc[3], ORMC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rc[4], ORMC_NOT_FOUND);
    slack_bot_free(&g1);
    slack_bot_free(&g3);
    slack_bot_query_free(&all);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    ormc_batch_free(b);
    ormc_close(db);
}

/* Inside a transaction the calls after a failed one are not run: they
 * land ORMC_ERROR (SQLSTATE 25P02), the run returns the first failure with
 * its message, and a rollback undoes what went before it. */
static void test_batch_transaction_aborts_rest(void **state)
{
    (void)state;
    ormc_db *db = open_autocommit();
    create_all(db);
    ormc_batch *b = ormc_batch_begin(db);
    assert_ok(db, ormc_begin(db));
    slack_bot x, dup, y;
    bot_row(&x, 0);
    x.id = 1;
    bot_row(&dup, 1);
    dup.id = 1;
    bot_row(&y, 2);
    y.id = 3;
    slack_bot got;
    int rc[4];
    assert_ok(db, slack_bot_insert_in(b, &x, &rc[0]));
    assert_ok(db, slack_bot_insert_in(b, &dup, &rc[1]));
    assert_ok(db, slack_bot_insert_in(b, &y, &rc[2]));
    assert_ok(db, slack_bot_get_in(b, 1, &got, &rc[3]));
    assert_int_equal(ormc_batch_run(b), ORMC_CONSTRAINT);
    assert_int_equal(rc[0], ORMC_OK);
    assert_int_equal(rc[1], ORMC_CONSTRAINT);
    assert_string_equal(ormc_sqlstate(db), "23505");
    assert_int_equal(rc[2], ORMC_ERROR);
    assert_int_equal(rc[3], ORMC_ERROR);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_FAILED);

    /* a batch in the failed transaction: refused, nothing sent */
    assert_ok(db, slack_bot_get_in(b, 1, &got, &rc[0]));
    assert_int_equal(ormc_batch_run(b), ORMC_ERROR);
    assert_int_equal(rc[0], ORMC_ERROR);
    assert_string_equal(ormc_sqlstate(db), "25P02");
    assert_ok(db, ormc_rollback(db));
    assert_int_equal(slack_bot_get(db, 1, &got), ORMC_NOT_FOUND);

    /* a committed one */
    assert_ok(db, ormc_begin(db));
    x.id = 1;
    assert_ok(db, slack_bot_insert_in(b, &x, &rc[0]));
    assert_ok(db, slack_bot_get_in(b, 1, &got, &rc[1]));
    assert_ok(db, ormc_batch_run(b));
    assert_int_equal(rc[1], ORMC_OK);
    slack_bot_free(&got);
    assert_ok(db, ormc_commit(db));
    ormc_batch_free(b);
    ormc_close(db);
}

/* PEP 249 mode (the default): the batch's first statement opens the
 * transaction, which stays open until the caller commits. */
static void test_batch_pep249_begins(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_all(db);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    ormc_batch *b = ormc_batch_begin(db);
    slack_bot x, y;
    bot_row(&x, 0);
    bot_row(&y, 1);
    int rc[2];
    assert_ok(db, slack_bot_insert_in(b, &x, &rc[0]));
    assert_ok(db, slack_bot_insert_in(b, &y, &rc[1]));
    assert_ok(db, ormc_batch_run(b));
    assert_int_equal(rc[0], ORMC_OK);
    assert_int_equal(rc[1], ORMC_OK);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    ormc_db *other = open_autocommit();
    slack_bot got;
    assert_int_equal(slack_bot_get(other, x.id, &got), ORMC_NOT_FOUND);
    assert_ok(db, ormc_commit(db));
    assert_ok(other, slack_bot_get(other, x.id, &got));
    slack_bot_free(&got);
    ormc_close(other);

    /* a failure rolls nothing back by itself: the transaction is failed */
    y.id = x.id;
    assert_ok(db, slack_bot_insert_in(b, &y, &rc[0]));
    assert_ok(db, slack_bot_get_in(b, x.id, &got, &rc[1]));
    assert_int_equal(ormc_batch_run(b), ORMC_CONSTRAINT);
    assert_int_equal(rc[1], ORMC_ERROR);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_FAILED);
    assert_ok(db, ormc_rollback(db));
    ormc_batch_free(b);
}

/* Misuse and the empty batch. */
static void test_batch_misuse(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_null(ormc_batch_begin(NULL));
    assert_int_equal(ormc_batch_run(NULL), ORMC_INVALID);
    assert_int_equal(ormc_batch_size(NULL), 0);
    ormc_batch_free(NULL);
    ormc_batch *b = ormc_batch_begin(db);
    assert_ok(db, ormc_batch_run(b)); /* empty */
    slack_bot got;
    int rc = -1;
    assert_int_equal(slack_bot_get_in(NULL, 1, &got, &rc), ORMC_INVALID);
    assert_int_equal(rc, ORMC_INVALID);
    assert_int_equal(slack_bot_get_in(b, 1, &got, NULL), ORMC_INVALID);
    assert_int_equal(slack_bot_all_in(b, NULL, NULL, &rc), ORMC_OK);
    assert_int_equal(ormc_batch_run(b), ORMC_INVALID);
    assert_int_equal(rc, ORMC_INVALID);
    ormc_batch_free(b);
    (void)state;
}

/* More shapes in one batch than the statement cache holds: the batch keeps
 * each checked out until it ran, and each lands right. */
static void test_batch_small_cache(void **state)
{
    (void)state;
    ormc_options o = ORMC_OPTIONS_INIT;
    o.autocommit = 1;
    o.stmt_cache_size = 2;
    ormc_db *db;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &db), ORMC_OK);
    create_all(db);
    slack_bot bots[3];
    for (int i = 0; i < 3; i++)
        bot_row(&bots[i], i);
    assert_ok(db, slack_bot_insert_many(db, bots, 3));
    ormc_batch *b = ormc_batch_begin(db);
    for (int round = 0; round < 3; round++) {
        slack_bot got[3];
        int64_t n = 0;
        slack_bot_query q;
        slack_bot_query_init(&q);
        int rc[6];
        for (int i = 0; i < 3; i++)
            assert_ok(db, slack_bot_get_in(b, i + 1, &got[i], &rc[i]));
        assert_ok(db, slack_bot_count_in(b, &q, &n, &rc[3]));
        bots[0].id = 1;
        bots[0].bot_scopes = "s";
        assert_ok(db, slack_bot_update_in(b, &bots[0], &rc[4]));
        assert_ok(db, slack_bot_delete_in(b, 99, &rc[5]));
        assert_ok(db, ormc_batch_run(b));
        for (int i = 0; i < 3; i++) {
            assert_int_equal(rc[i], ORMC_OK);
            assert_int_equal(got[i].id, i + 1);
            slack_bot_free(&got[i]);
        }
        assert_int_equal(n, 3);
        assert_int_equal(rc[4], ORMC_OK);
        assert_int_equal(rc[5], ORMC_NOT_FOUND);
        slack_bot_query_free(&q);
    }
    ormc_batch_free(b);
    ormc_close(db);
}

/* PostgreSQL: the server connection is terminated before the batch runs:
 * every call lands ORMC_CONNECTION, and the next call reconnects. */
static void test_batch_connection_lost(void **state)
{
    ormc_test_direct_only("it terminates a server process, which behind a "
                          "pooler serves other clients too");
    (void)state;
    if (ormc_test_backend() != ORMC_POSTGRES)
        skip(); /* an embedded database cannot go away */
    ormc_db *db = open_autocommit();
    create_all(db);
    slack_bot x;
    bot_row(&x, 0);
    assert_ok(db, slack_bot_insert(db, &x));
    ormc_result *r = NULL;
    assert_ok(db, ormc_query(db, "SELECT pg_backend_pid()", NULL, 0, &r));
    assert_int_equal(ormc_result_next(r), ORMC_ROW);
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)",
             (long long)ormc_result_int64(r, 0));
    ormc_result_close(r);
    ormc_db *killer = open_autocommit();
    ormc_test_exec(killer, sql);
    ormc_close(killer);

    ormc_batch *b = ormc_batch_begin(db);
    slack_bot got[5];
    int rc[5];
    for (int i = 0; i < 5; i++)
        assert_ok(db, slack_bot_get_in(b, x.id, &got[i], &rc[i]));
    assert_int_equal(ormc_batch_run(b), ORMC_CONNECTION);
    for (int i = 0; i < 5; i++)
        assert_int_equal(rc[i], ORMC_CONNECTION);
    /* the batch and the connection are usable again */
    assert_ok(db, slack_bot_get_in(b, x.id, &got[0], &rc[0]));
    assert_ok(db, ormc_batch_run(b));
    assert_int_equal(rc[0], ORMC_OK);
    slack_bot_free(&got[0]);
    ormc_batch_free(b);
    ormc_close(db);
}

typedef struct traced {
    int n, selects, begins;
    int64_t rows;
} traced;

static void on_trace(void *ctx, const ormc_trace_event *ev)
{
    traced *t = ctx;
    t->n++;
    if (strncmp(ev->sql, "SELECT", 6) == 0) {
        t->selects++;
        t->rows += ev->rows;
    }
    if (strncmp(ev->sql, "BEGIN", 5) == 0)
        t->begins++;
}

/* The trace hook sees each statement of a batch once, with its rows, and
 * the implicit BEGIN of PEP 249 mode; prepare=off (PgBouncer) runs a batch
 * of one-shot statements alike. */
static void test_batch_trace_and_prepare_off(void **state)
{
    (void)state;
    ormc_options o = ORMC_OPTIONS_INIT;
    o.prepare = 0;
    ormc_db *db;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &db), ORMC_OK);
    create_all(db);
    slack_bot bots[4];
    for (int i = 0; i < 4; i++)
        bot_row(&bots[i], i);
    assert_ok(db, slack_bot_insert_many(db, bots, 4));
    assert_ok(db, ormc_commit(db));
    traced t = {0};
    ormc_set_trace(db, on_trace, &t);
    ormc_batch *b = ormc_batch_begin(db);
    slack_bot got[5];
    int rc[5];
    for (int i = 0; i < 5; i++)
        assert_ok(db, slack_bot_get_in(b, i + 1, &got[i], &rc[i]));
    assert_ok(db, ormc_batch_run(b));
    for (int i = 0; i < 4; i++) {
        assert_int_equal(rc[i], ORMC_OK);
        assert_int_equal(got[i].id, i + 1);
        slack_bot_free(&got[i]);
    }
    assert_int_equal(rc[4], ORMC_NOT_FOUND);
    assert_int_equal(t.selects, 5);
    assert_int_equal(t.rows, 4);
    assert_int_equal(t.begins, 1);
    assert_int_equal(t.n, 6);
    assert_ok(db, ormc_commit(db));
    ormc_batch_free(b);
    ormc_close(db);
}

/* A change hook that runs a batch of its own on the same connection. */
static void on_change_nested(void *ctx, const ormc_table *t, ormc_change op,
                             const void *row)
{
    (void)t;
    (void)op;
    (void)row;
    ormc_db *db = ctx;
    ormc_batch *b = ormc_batch_begin(db);
    slack_bot got;
    int rc = -1;
    assert_ok(db, slack_bot_get_in(b, 1, &got, &rc));
    assert_ok(db, ormc_batch_run(b));
    assert_int_equal(rc, ORMC_OK);
    slack_bot_free(&got);
    ormc_batch_free(b);
}

/* A batch run by a change hook while another runs (its hooks fire before
 * a find-or-create) makes its own statements, never taking back one the
 * other still holds: under a cache of two statements, which the
 * find-or-create turns over, the outer batch's later gets still land. */
static void test_batch_nested_in_hook(void **state)
{
    (void)state;
    ormc_options o = ORMC_OPTIONS_INIT;
    o.autocommit = 1;
    o.stmt_cache_size = 2;
    ormc_db *db;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &db), ORMC_OK);
    create_all(db);
    slack_bot first;
    bot_row(&first, 0);
    assert_ok(db, slack_bot_insert(db, &first));
    ormc_on_change(db, on_change_nested, db);
    ormc_batch *b = ormc_batch_begin(db);
    slack_bot g1, g2, ins, foc;
    bot_row(&ins, 1);
    slack_bot_init(&foc);
    foc.id = 50;
    foc.client_id = "client";
    foc.app_id = "app";
    bool created = false;
    int rc[5];
    assert_ok(db, slack_bot_get_in(b, 1, &g1, &rc[0]));
    assert_ok(db, slack_bot_insert_in(b, &ins, &rc[1]));
    assert_ok(db, slack_bot_find_or_create_in(b, &foc, SLACK_BOT_ID, &created,
                                              &rc[2]));
    assert_ok(db, slack_bot_get_in(b, 1, &g2, &rc[3]));
    assert_ok(db, ormc_batch_run(b));
    assert_int_equal(rc[0], ORMC_OK);
    assert_int_equal(rc[1], ORMC_OK);
    assert_int_equal(rc[2], ORMC_OK);
    assert_true(created);
    assert_int_equal(rc[3], ORMC_OK);
    assert_int_equal(g2.id, 1);
    slack_bot_free(&g1);
    slack_bot_free(&g2);
    slack_bot_free(&foc);
    ormc_on_change(db, NULL, NULL);
    ormc_batch_free(b);
    ormc_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_batch_insert_then_get),
        ORMC_BACKEND_TEST(test_batch_writes),
        ORMC_BACKEND_TEST(test_batch_queries),
        ORMC_BACKEND_TEST(test_batch_autocommit_independent),
        ORMC_BACKEND_TEST(test_batch_transaction_aborts_rest),
        ORMC_BACKEND_TEST(test_batch_pep249_begins),
        ORMC_BACKEND_TEST(test_batch_misuse),
        ORMC_BACKEND_TEST(test_batch_small_cache),
        ORMC_BACKEND_TEST(test_batch_connection_lost),
        ORMC_BACKEND_TEST(test_batch_trace_and_prepare_off),
        ORMC_BACKEND_TEST(test_batch_nested_in_hook),
    };
    return ormc_test_run_backends("batch", tests);
}
