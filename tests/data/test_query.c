/*
 * test_query.c: the query builder's executors (first, all, count, exists,
 * delete, update) and cursors, on SQLite and PostgreSQL: NULL semantics of
 * EQ / NE, IN, OR groups, LIKE, ordering with NULLs, limit and offset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_tables.h"

/* Twelve bots: client "c<i % 3>", enterprise NULL for even i, else "E<i>";
 * team "T" for i < 6, else NULL; a token for i % 4 == 0. */
static void seed_bots(ormc_db *db, int64_t ids[12])
{
    data_create_tables(db);
    static char clients[12][8], enterprises[12][8];
    for (int i = 0; i < 12; i++) {
        test_bot b = {0};
        snprintf(clients[i], sizeof clients[i], "c%d", i % 3);
        snprintf(enterprises[i], sizeof enterprises[i], "E%d", i);
        b.client_id = clients[i];
        b.app_id = "app";
        b.enterprise_id = i % 2 ? enterprises[i] : NULL;
        b.team_id = i < 6 ? "T" : NULL;
        b.bot_token = i % 4 == 0 ? "tok" : NULL;
        b.has_installed_at = true;
        b.installed_at = INT64_C(1700000000000000) + i * 1000000;
        assert_ok(db, ormc_row_insert(db, &test_bot_table, &b));
        ids[i] = b.id;
    }
    assert_ok(db, ormc_commit(db));
}

static int64_t count(ormc_db *db, ormc_builder *q)
{
    int64_t n = -1;
    assert_ok(db, ormc_builder_count(db, q, &n));
    return n;
}

static void test_eq_null_finds_the_null_rows_only(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[12];
    seed_bots(db, ids);
    ormc_builder q;

    ormc_builder_init(&q, &test_bot_table);
    ormc_param null_text = data_text(NULL);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_ENTERPRISE_ID), ORMC_EQ,
                       &null_text);
    void *items = NULL;
    size_t n = 0;
    assert_ok(db, ormc_builder_all(db, &q, &items, &n));
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++) {
        test_bot *b = (test_bot *)items + i;
        assert_null(b->enterprise_id);
        assert_int_equal((b->id - ids[0]) % 2, 0);
    }
    ormc_list_free(&test_bot_table, items, n);
    ormc_builder_free(&q);

    /* NE NULL: IS NOT NULL */
    ormc_builder_init(&q, &test_bot_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_ENTERPRISE_ID), ORMC_NE,
                       &null_text);
    assert_int_equal(count(db, &q), 6);
    ormc_builder_free(&q);

    /* EQ with a value never matches NULL; NE with a value neither */
    ormc_builder_init(&q, &test_bot_table);
    ormc_param e1 = data_text("E1");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_ENTERPRISE_ID), ORMC_NE, &e1);
    assert_int_equal(count(db, &q), 5);
    ormc_builder_free(&q);

    /* the store's look-up: client, enterprise NULL, team, newest first */
    ormc_builder_init(&q, &test_bot_table);
    ormc_param c0 = data_text("c0"), t = data_text("T");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_CLIENT_ID), ORMC_EQ, &c0);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_ENTERPRISE_ID), ORMC_EQ, NULL);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_TEAM_ID), ORMC_EQ, &t);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_BOT_TOKEN), ORMC_IS_NOT_NULL,
                       NULL);
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(BOT_INSTALLED_AT), ORMC_DESC);
    ormc_builder_limit(&q, 1);
    test_bot b;
    assert_ok(db, ormc_builder_first(db, &q, &b));
    assert_int_equal(b.id, ids[0]); /* i = 0 only: c0, even, T, token */
    ormc_row_free(&test_bot_table, &b);
    ormc_builder_free(&q);

    ormc_builder_init(&q, &test_bot_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_TEAM_ID), ORMC_IS_NULL, NULL);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_ENTERPRISE_ID), ORMC_EQ, NULL);
    assert_int_equal(count(db, &q), 3); /* 6, 8, 10 */
    ormc_builder_free(&q);
    ormc_rollback(db);
}

static void test_first_all_count_exists(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[12];
    seed_bots(db, ids);
    ormc_builder q;

    /* IN, an OR group, order with NULLs, limit and offset */
    ormc_builder_init(&q, &test_bot_table);
    const char *clients[] = {"c1", "c2"};
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(BOT_CLIENT_ID), clients, 2);
    assert_int_equal(count(db, &q), 8);
    ormc_builder_or_begin(&q);
    ormc_param tok = data_text("tok"), e5 = data_text("E5");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_BOT_TOKEN), ORMC_EQ, &tok);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_ENTERPRISE_ID), ORMC_EQ, &e5);
    ormc_builder_or_end(&q);
    /* c1/c2 and (token or E5): i = 4 (c1, tok), 8 (c2, tok), 5 (c2, E5) */
    assert_int_equal(count(db, &q), 3);
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(BOT_ENTERPRISE_ID), ORMC_ASC);
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(BOT_ID), ORMC_DESC);
    void *items;
    size_t n;
    assert_ok(db, ormc_builder_all(db, &q, &items, &n));
    assert_int_equal(n, 3);
    test_bot *rows = items;
    assert_int_equal(rows[0].id, ids[5]); /* "E5" first, NULLs last */
    assert_int_equal(rows[1].id, ids[8]);
    assert_int_equal(rows[2].id, ids[4]);
    ormc_list_free(&test_bot_table, items, n);

    ormc_builder_limit(&q, 2);
    ormc_builder_offset(&q, 1);
    assert_int_equal(count(db, &q), 2);
    assert_ok(db, ormc_builder_all(db, &q, &items, &n));
    assert_int_equal(n, 2);
    assert_int_equal(((test_bot *)items)[0].id, ids[8]);
    ormc_list_free(&test_bot_table, items, n);
    test_bot b;
    assert_ok(db, ormc_builder_first(db, &q, &b));
    assert_int_equal(b.id, ids[8]);
    ormc_row_free(&test_bot_table, &b);
    bool exists = false;
    assert_ok(db, ormc_builder_exists(db, &q, &exists));
    assert_true(exists);
    ormc_builder_offset(&q, 5);
    assert_ok(db, ormc_builder_exists(db, &q, &exists));
    assert_false(exists);
    assert_int_equal(ormc_builder_first(db, &q, &b), ORMC_NOT_FOUND);
    assert_ok(db, ormc_builder_all(db, &q, &items, &n));
    assert_int_equal(n, 0);
    assert_null(items);
    ormc_builder_free(&q);

    /* empty IN matches nothing; no conditions match everything */
    ormc_builder_init(&q, &test_bot_table);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(BOT_ID), ids, 0);
    assert_int_equal(count(db, &q), 0);
    ormc_builder_free(&q);
    ormc_builder_init(&q, &test_bot_table);
    assert_int_equal(count(db, &q), 12);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(BOT_ID), ids, 12);
    assert_int_equal(count(db, &q), 12);
    ormc_param lo = data_i64(ids[3]);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_ID), ORMC_GE, &lo);
    ormc_param like = data_text("c_");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_CLIENT_ID), ORMC_LIKE, &like);
    assert_int_equal(count(db, &q), 9);
    ormc_builder_free(&q);
    ormc_rollback(db);
}

static void test_delete_and_update_where(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[12];
    seed_bots(db, ids);
    ormc_builder q;
    int64_t n = -1;

    /* update with NULLs among the values */
    ormc_builder_init(&q, &test_bot_table);
    ormc_param c0 = data_text("c0");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_CLIENT_ID), ORMC_EQ, &c0);
    test_bot values = {0};
    values.bot_token = NULL;
    values.team_id = "NEW";
    values.has_bot_token_expires_at = true;
    values.bot_token_expires_at = 42;
    assert_ok(db,
              ormc_builder_update(db, &q, &values,
                                  ORMC_COLUMN_BIT(BOT_BOT_TOKEN) |
                                      ORMC_COLUMN_BIT(BOT_TEAM_ID) |
                                      ORMC_COLUMN_BIT(BOT_BOT_TOKEN_EXPIRES_AT),
                                  &n));
    assert_int_equal(n, 4);
    ormc_builder_free(&q);
    ormc_builder_init(&q, &test_bot_table);
    ormc_param nt = data_text("NEW");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_TEAM_ID), ORMC_EQ, &nt);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_BOT_TOKEN), ORMC_IS_NULL, NULL);
    assert_int_equal(count(db, &q), 4);
    ormc_builder_free(&q);

    /* update with an order and a limit: the two oldest of c1 */
    ormc_builder_init(&q, &test_bot_table);
    ormc_param c1 = data_text("c1");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_CLIENT_ID), ORMC_EQ, &c1);
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(BOT_INSTALLED_AT), ORMC_ASC);
    ormc_builder_limit(&q, 2);
    values.team_id = "OLD";
    assert_ok(db, ormc_builder_update(db, &q, &values,
                                      ORMC_COLUMN_BIT(BOT_TEAM_ID), &n));
    assert_int_equal(n, 2);
    /* nothing to set is refused */
    assert_int_equal(ormc_builder_update(db, &q, &values, 0, &n), ORMC_INVALID);
    ormc_builder_free(&q);
    ormc_builder_init(&q, &test_bot_table);
    ormc_param old = data_text("OLD");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_TEAM_ID), ORMC_EQ, &old);
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(BOT_ID), ORMC_ASC);
    void *items;
    size_t k;
    assert_ok(db, ormc_builder_all(db, &q, &items, &k));
    assert_int_equal(k, 2);
    assert_int_equal(((test_bot *)items)[0].id, ids[1]);
    assert_int_equal(((test_bot *)items)[1].id, ids[4]);
    ormc_list_free(&test_bot_table, items, k);
    ormc_builder_free(&q);

    /* delete with a limit, then by a filter, then nothing */
    ormc_builder_init(&q, &test_bot_table);
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(BOT_ID), ORMC_DESC);
    ormc_builder_limit(&q, 3);
    assert_ok(db, ormc_builder_delete(db, &q, &n));
    assert_int_equal(n, 3);
    ormc_builder_free(&q);
    ormc_builder_init(&q, &test_bot_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_ENTERPRISE_ID), ORMC_EQ, NULL);
    assert_ok(db, ormc_builder_delete(db, &q, &n));
    assert_int_equal(n, 5); /* 0, 2, 4, 6, 8 (10 went above) */
    assert_ok(db, ormc_builder_delete(db, &q, &n));
    assert_int_equal(n, 0);
    assert_ok(db, ormc_builder_delete(db, &q, NULL));
    ormc_builder_free(&q);
    assert_ok(db, ormc_commit(db));
    assert_int_equal(data_count_rows(db, "slack_bots"), 4);
    ormc_rollback(db);
}

static void test_cursor_streams_rows(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[12];
    seed_bots(db, ids);
    ormc_builder q;
    ormc_builder_init(&q, &test_bot_table);
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(BOT_ID), ORMC_ASC);
    ormc_cursor *cur = NULL;
    assert_ok(db, ormc_cursor_open(db, &q, &cur));
    test_bot b;
    int i = 0, rc;
    while ((rc = ormc_cursor_next(cur, &b)) == ORMC_ROW) {
        assert_int_equal(b.id, ids[i]);
        assert_null(b.ormc_owned); /* borrowed */
        char want[8];
        snprintf(want, sizeof want, "c%d", i % 3);
        assert_string_equal(b.client_id, want);
        ormc_row_free(&test_bot_table, &b); /* harmless */
        i++;
    }
    assert_int_equal(rc, ORMC_DONE);
    assert_int_equal(i, 12);
    assert_int_equal(ormc_cursor_next(cur, &b), ORMC_DONE);
    ormc_cursor_close(cur);

    /* closed early: the connection is usable at once */
    assert_ok(db, ormc_cursor_open(db, &q, &cur));
    assert_int_equal(ormc_cursor_next(cur, &b), ORMC_ROW);
    assert_int_equal(ormc_cursor_next(cur, &b), ORMC_ROW);
    ormc_cursor_close(cur);
    assert_int_equal(count(db, &q), 12);

    /* two cursors of the same shape at once (SQLite; on PostgreSQL an
     * open cursor holds the connection) */
    if (ormc_backend_of(db) == ORMC_SQLITE) {
        ormc_cursor *c2 = NULL;
        assert_ok(db, ormc_cursor_open(db, &q, &cur));
        assert_ok(db, ormc_cursor_open(db, &q, &c2));
        test_bot b2;
        for (int j = 0; j < 12; j++) {
            assert_int_equal(ormc_cursor_next(cur, &b), ORMC_ROW);
            assert_int_equal(ormc_cursor_next(c2, &b2), ORMC_ROW);
            assert_int_equal(b.id, b2.id);
        }
        ormc_cursor_close(c2);
        ormc_cursor_close(cur);
    }

    /* an empty result */
    ormc_param none = data_text("nobody");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_CLIENT_ID), ORMC_EQ, &none);
    assert_ok(db, ormc_cursor_open(db, &q, &cur));
    assert_int_equal(ormc_cursor_next(cur, &b), ORMC_DONE);
    ormc_cursor_close(cur);
    ormc_builder_free(&q);
    ormc_rollback(db);
}

static void test_query_shapes_are_cached(void **state)
{
    ormc_test_direct_only("named prepared statements, which a transaction "
                          "pooler rules out (every statement is unnamed)");
    ormc_db *db = ormc_test_db(state);
    int64_t ids[12];
    seed_bots(db, ids);
    ormc_counters before, after;
    /* the same shape with other values: prepared once */
    for (int i = 0; i < 12; i++) {
        ormc_builder q;
        ormc_builder_init(&q, &test_bot_table);
        ormc_param p = data_i64(ids[i]);
        ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_ID), ORMC_EQ, &p);
        test_bot b;
        assert_ok(db, ormc_builder_first(db, &q, &b));
        ormc_row_free(&test_bot_table, &b);
        ormc_builder_free(&q);
        if (i == 0)
            assert_ok(db, ormc_stats(db, &before));
    }
    assert_ok(db, ormc_stats(db, &after));
    assert_int_equal(after.prepares, before.prepares);
    assert_int_equal(after.statements - before.statements, 11);
    ormc_rollback(db);
}

/* More shapes than a connection remembers (IN lists of 1..300 values), and
 * shapes that differ only in which value is NULL, in turn: each runs its
 * own text with its own parameters. */
static void test_shapes_beyond_the_memo(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[12];
    seed_bots(db, ids);
    int64_t *in = calloc(300, sizeof *in);
    assert_non_null(in);
    for (size_t n = 1; n <= 300; n++) {
        for (size_t i = 0; i < n; i++)
            in[i] = ids[i % 12];
        ormc_builder q;
        ormc_builder_init(&q, &test_bot_table);
        ormc_builder_where_in(&q, ORMC_COLUMN_BIT(BOT_ID), in, n);
        assert_int_equal(count(db, &q), n < 12 ? (int64_t)n : 12);
        ormc_builder_free(&q);
    }
    free(in);
    for (int i = 0; i < 12; i++) {
        ormc_builder q;
        ormc_builder_init(&q, &test_bot_table);
        ormc_param e = data_text(i % 2 ? "E1" : NULL);
        ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_ENTERPRISE_ID), ORMC_EQ, &e);
        assert_int_equal(count(db, &q), i % 2 ? 1 : 6);
        ormc_builder_free(&q);
    }
    ormc_rollback(db);
}

/* The memo of shapes keeps a link to each text's cached statement, to skip
 * comparing the text: statements evicted from a small cache, a memo that
 * overflows and starts again, and two statements of one shape open at once
 * must each still run their own text. */
static void test_memo_links_under_a_small_cache(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[12];
    seed_bots(db, ids);
    ormc_options o = ORMC_OPTIONS_INIT;
    o.stmt_cache_size = 2;
    ormc_db *small;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &small), ORMC_OK);
    int64_t *in = calloc(300, sizeof *in);
    assert_non_null(in);
    for (int round = 0; round < 4; round++) {
        /* three shapes through two cache slots */
        for (int i = 0; i < 12; i++) {
            ormc_builder q;
            ormc_builder_init(&q, &test_bot_table);
            ormc_param p = data_i64(ids[i]);
            ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_ID), ORMC_EQ, &p);
            test_bot b;
            assert_ok(small, ormc_builder_first(small, &q, &b));
            assert_int_equal(b.id, ids[i]);
            ormc_row_free(&test_bot_table, &b);
            ormc_builder_free(&q);

            ormc_builder_init(&q, &test_bot_table);
            ormc_param e = data_text(i % 2 ? "E1" : NULL);
            ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_ENTERPRISE_ID), ORMC_EQ,
                               &e);
            assert_int_equal(count(small, &q), i % 2 ? 1 : 6);
            ormc_builder_free(&q);
        }
        /* two of one shape at once: the second is a private twin */
        ormc_builder q;
        ormc_builder_init(&q, &test_bot_table);
        ormc_cursor *c1 = NULL, *c2 = NULL;
        assert_ok(small, ormc_cursor_open(small, &q, &c1));
        test_bot b;
        assert_int_equal(ormc_cursor_next(c1, &b), ORMC_ROW);
        if (ormc_backend_of(small) == ORMC_SQLITE) {
            assert_ok(small, ormc_cursor_open(small, &q, &c2));
            assert_int_equal(ormc_cursor_next(c2, &b), ORMC_ROW);
            ormc_cursor_close(c2);
        }
        ormc_cursor_close(c1);
        ormc_builder_free(&q);
        /* then 300 more shapes (IN lengths), on every other round */
        for (size_t n = 1; round % 2 == 1 && n <= 300; n++) {
            for (size_t i = 0; i < n; i++)
                in[i] = ids[i % 12];
            ormc_builder_init(&q, &test_bot_table);
            ormc_builder_where_in(&q, ORMC_COLUMN_BIT(BOT_ID), in, n);
            assert_int_equal(count(small, &q), n < 12 ? (int64_t)n : 12);
            ormc_builder_free(&q);
        }
    }
    free(in);
    ormc_close(small);
}

/* Reported: an update by key inside a cursor loop returned ORMC_OK and the
 * cursor's next step failed with an empty message (PostgreSQL). */
static void test_update_inside_a_cursor_loop(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[12];
    seed_bots(db, ids);
    ormc_builder q;
    ormc_builder_init(&q, &test_bot_table);
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(BOT_ID), ORMC_ASC);
    ormc_cursor *cur = NULL;
    assert_ok(db, ormc_cursor_open(db, &q, &cur));
    test_bot b;
    int i = 0, rc;
    while ((rc = ormc_cursor_next(cur, &b)) == ORMC_ROW) {
        assert_int_equal(b.id, ids[i]);
        test_bot u = {0};
        u.id = b.id;
        u.bot_token = "seen";
        assert_ok(db, ormc_row_update_columns(db, &test_bot_table, &u,
                                              ORMC_COLUMN_BIT(BOT_BOT_TOKEN)));
        i++;
    }
    if (rc != ORMC_DONE)
        fail_msg("cursor: %s: '%s'", ormc_strstatus(rc), ormc_errmsg(db));
    assert_int_equal(i, 12);
    ormc_cursor_close(cur);
    ormc_param seen = data_text("seen");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_BOT_TOKEN), ORMC_EQ, &seen);
    assert_int_equal(count(db, &q), 12);
    ormc_builder_free(&q);
    assert_ok(db, ormc_rollback(db));
}

#define SERVER_CURSORS 32 /* cursor.c: a 33rd streams row by row */

/* A cursor that streams row by row (PostgreSQL, past its server-side
 * cursors) holds the connection: another statement is refused with a
 * message, before anything is sent, and the cursor goes on unharmed; a
 * commit ends it, and its next step says so. */
static void test_statement_while_a_cursor_streams(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (ormc_backend_of(db) != ORMC_POSTGRES)
        skip(); /* SQLite cursors step; nothing streams */
    int64_t ids[12];
    seed_bots(db, ids);
    ormc_builder q;
    ormc_builder_init(&q, &test_bot_table);
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(BOT_ID), ORMC_ASC);
    ormc_cursor *held[SERVER_CURSORS];
    test_bot b;
    for (int i = 0; i < SERVER_CURSORS; i++) {
        assert_ok(db, ormc_cursor_open(db, &q, &held[i]));
        assert_int_equal(ormc_cursor_next(held[i], &b), ORMC_ROW);
    }

    ormc_cursor *cur = NULL;
    assert_ok(db, ormc_cursor_open(db, &q, &cur));
    assert_int_equal(ormc_cursor_next(cur, &b), ORMC_ROW);
    assert_int_equal(b.id, ids[0]);
    static const char refused[] = "a cursor is open on this connection: "
                                  "close it first, or use another connection";
    assert_int_equal(
        ormc_exec(db, "UPDATE slack_bots SET bot_token = 'x'", NULL, 0, NULL),
        ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db), refused);
    test_bot u = {0};
    u.id = ids[0];
    u.bot_token = "x";
    assert_int_equal(ormc_row_update_columns(db, &test_bot_table, &u,
                                             ORMC_COLUMN_BIT(BOT_BOT_TOKEN)),
                     ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db), refused);
    assert_int_equal(ormc_exec(db,
                               "CREATE TABLE t1 (a int); "
                               "CREATE TABLE t2 (a int)",
                               NULL, 0, NULL),
                     ORMC_INVALID);
    ormc_cursor *another = NULL;
    assert_int_equal(ormc_cursor_open(db, &q, &another), ORMC_INVALID);
    assert_null(another);
    /* refused, not failed: the transaction goes on */
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    int i = 1, rc;
    while ((rc = ormc_cursor_next(cur, &b)) == ORMC_ROW)
        assert_int_equal(b.id, ids[i++]);
    if (rc != ORMC_DONE)
        fail_msg("cursor: %s: '%s'", ormc_strstatus(rc), ormc_errmsg(db));
    assert_int_equal(i, 12);
    ormc_cursor_close(cur);
    /* done: the connection is free again */
    assert_ok(db, ormc_row_update_columns(db, &test_bot_table, &u,
                                          ORMC_COLUMN_BIT(BOT_BOT_TOKEN)));

    /* a commit ends the stream, which says so */
    assert_ok(db, ormc_cursor_open(db, &q, &cur));
    assert_int_equal(ormc_cursor_next(cur, &b), ORMC_ROW);
    assert_ok(db, ormc_commit(db));
    assert_int_equal(ormc_cursor_next(cur, &b), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "ended with its transaction"));
    ormc_cursor_close(cur);
    for (int k = 0; k < SERVER_CURSORS; k++)
        ormc_cursor_close(held[k]);
    assert_int_equal(count(db, &q), 12);
    ormc_builder_free(&q);
    ormc_rollback(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_eq_null_finds_the_null_rows_only),
        ORMC_BACKEND_TEST(test_first_all_count_exists),
        ORMC_BACKEND_TEST(test_delete_and_update_where),
        ORMC_BACKEND_TEST(test_cursor_streams_rows),
        ORMC_BACKEND_TEST(test_update_inside_a_cursor_loop),
        ORMC_BACKEND_TEST(test_statement_while_a_cursor_streams),
        ORMC_BACKEND_TEST(test_query_shapes_are_cached),
        ORMC_BACKEND_TEST(test_shapes_beyond_the_memo),
        ORMC_BACKEND_TEST(test_memo_links_under_a_small_cache),
    };
    return ormc_test_run_backends("data_query", tests);
}
