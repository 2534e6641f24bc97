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

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_batch_insert_then_get),
    };
    return ormc_test_run_backends("batch", tests);
}
