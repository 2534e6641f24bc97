/*
 * test_bulk.c: 100,000 rows. insert_many is all-or-nothing when row 50,000
 * violates a constraint (outside a transaction, inside one, and in
 * autocommit mode); a cursor over 100,000 rows keeps memory flat (the
 * heap in use, from mallinfo2, which counts the drivers' allocations too).
 */
#define _GNU_SOURCE

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_tables.h"

#define N_ROWS 100000
#define BAD_ROW 50000

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* n orders with codes "o<seq>" and a long note, in one array; the codes
 * live in one block. */
typedef struct order_batch {
    test_order *rows;
    char *codes;
} order_batch;

static const char note[] =
    "a note long enough that a row of the whole result would weigh "
    "something in memory";

static order_batch make_orders(size_t n, size_t first_seq)
{
    order_batch b;
    b.rows = calloc(n, sizeof *b.rows);
    b.codes = malloc(n * 16);
    assert_non_null(b.rows);
    assert_non_null(b.codes);
    for (size_t i = 0; i < n; i++) {
        char *code = b.codes + i * 16;
        snprintf(code, 16, "o%zu", first_seq + i);
        b.rows[i].code = code;
        b.rows[i].note = note;
    }
    return b;
}

static void free_orders(order_batch *b)
{
    free(b->rows);
    free(b->codes);
}

static void test_insert_many_all_or_nothing(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    order_batch b = make_orders(N_ROWS, 0);
    /* row 50,000 repeats row 10's code */
    b.rows[BAD_ROW].code = b.rows[10].code;
    assert_int_equal(
        ormc_row_insert_many(db, &test_order_table, b.rows, N_ROWS),
        ORMC_CONSTRAINT);
    assert_string_equal(ormc_sqlstate(db), "23505");
    /* nothing went in, and the implicit transaction is still usable */
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    assert_int_equal(data_count_rows(db, "orders"), 0);
    assert_ok(db, ormc_rollback(db));

    /* fixed: all of them */
    char fixed[16];
    snprintf(fixed, sizeof fixed, "o%d", BAD_ROW);
    b.rows[BAD_ROW].code = fixed;
    assert_ok(db, ormc_row_insert_many(db, &test_order_table, b.rows, N_ROWS));
    assert_ok(db, ormc_commit(db));
    assert_int_equal(data_count_rows(db, "orders"), N_ROWS);
    /* ids follow the array */
    test_order ends[2];
    const char *codes[2] = {"o0", "o99999"};
    for (int i = 0; i < 2; i++) {
        ormc_builder q;
        ormc_builder_init(&q, &test_order_table);
        ormc_param code = data_text(codes[i]);
        ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_CODE), ORMC_EQ, &code);
        assert_ok(db, ormc_builder_first(db, &q, &ends[i]));
        assert_string_equal(ends[i].note, note);
        ormc_builder_free(&q);
    }
    assert_int_equal(ends[1].id - ends[0].id, N_ROWS - 1);
    ormc_row_free(&test_order_table, &ends[0]);
    ormc_row_free(&test_order_table, &ends[1]);
    ormc_rollback(db);
    free_orders(&b);
}

static void test_insert_many_inside_a_transaction(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    assert_ok(db, ormc_begin(db));
    test_order first = {0};
    first.code = "kept";
    assert_ok(db, ormc_row_insert(db, &test_order_table, &first));

    order_batch b = make_orders(N_ROWS, 0);
    b.rows[BAD_ROW].code = "kept";
    assert_int_equal(
        ormc_row_insert_many(db, &test_order_table, b.rows, N_ROWS),
        ORMC_CONSTRAINT);
    /* the savepoint took only its own rows back */
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    assert_int_equal(data_count_rows(db, "orders"), 1);
    b.rows[BAD_ROW].code = "other";
    assert_ok(db, ormc_row_insert_many(db, &test_order_table, b.rows, 1000));
    assert_ok(db, ormc_commit(db));
    assert_int_equal(data_count_rows(db, "orders"), 1001);
    ormc_rollback(db);
    free_orders(&b);
}

static void test_insert_many_autocommit(void **state)
{
    ormc_db *setup = ormc_test_db(state);
    data_create_tables(setup);
    ormc_options opts = ORMC_OPTIONS_INIT;
    opts.autocommit = 1;
    ormc_db *db = NULL;
    assert_int_equal(ormc_open_with(ormc_test_url(), &opts, &db), ORMC_OK);
    order_batch b = make_orders(5000, 0);
    b.rows[4000].code = b.rows[0].code;
    assert_int_equal(ormc_row_insert_many(db, &test_order_table, b.rows, 5000),
                     ORMC_CONSTRAINT);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_int_equal(data_count_rows(db, "orders"), 0);
    b.rows[4000].code = "x";
    assert_ok(db, ormc_row_insert_many(db, &test_order_table, b.rows, 5000));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    /* committed: another connection sees them */
    assert_int_equal(data_count_rows(setup, "orders"), 5000);
    ormc_rollback(setup);
    ormc_close(db);
    free_orders(&b);
}

/* Rows that insert different columns (serial given or not, a now-defaulted
 * column set or not) are all stored, in order, with what the database
 * assigned reported to the hook. */
static void test_insert_many_mixed_columns(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    test_bot bots[7];
    memset(bots, 0, sizeof bots);
    for (int i = 0; i < 7; i++) {
        bots[i].client_id = "c";
        bots[i].app_id = "a";
        if (i == 2 || i == 3) {
            bots[i].has_installed_at = true;
            bots[i].installed_at = 1000000 * (int64_t)i;
        }
    }
    bots[5].id = 500;
    data_hook_log log;
    memset(&log, 0, sizeof log);
    log.text_column = -1;
    ormc_on_change(db, data_hook, &log);
    assert_ok(db, ormc_row_insert_many(db, &test_bot_table, bots, 7));
    assert_int_equal(log.n_insert, 7);
    assert_int_equal(log.keys[0], 1);
    assert_int_equal(log.keys[1], 2);
    assert_int_equal(log.keys[4], 5);
    assert_int_equal(log.keys[5], 500);
    /* SQLite's AUTOINCREMENT continues after the largest key; an identity
     * column continues its sequence */
    assert_int_equal(log.keys[6], ormc_backend_of(db) == ORMC_SQLITE ? 501 : 6);
    assert_ok(db, ormc_commit(db));
    assert_int_equal(data_count_rows(db, "slack_bots"), 7);
    ormc_rollback(db);
    ormc_on_change(db, NULL, NULL);
}

static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static void test_cursor_memory_stays_flat(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    order_batch b = make_orders(N_ROWS, 0);
    assert_ok(db, ormc_row_insert_many(db, &test_order_table, b.rows, N_ROWS));
    assert_ok(db, ormc_commit(db));
    free_orders(&b);

    ormc_builder q;
    ormc_builder_init(&q, &test_order_table);
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(ORDER_ID), ORMC_ASC);
    ormc_cursor *cur = NULL;
    size_t before = heap_in_use();
    assert_ok(db, ormc_cursor_open(db, &q, &cur));
    test_order row;
    int64_t n = 0;
    size_t at_start = 0, peak = 0;
    int rc;
    while ((rc = ormc_cursor_next(cur, &row)) == ORMC_ROW) {
        n++;
        assert_int_equal(row.id, n);
        if (n == 1000)
            at_start = heap_in_use();
        if (n > 1000) {
            size_t now = heap_in_use();
            if (now > peak)
                peak = now;
        }
    }
    assert_int_equal(rc, ORMC_DONE);
    assert_int_equal(n, N_ROWS);
    ormc_cursor_close(cur);
    ormc_builder_free(&q);
#ifndef UNDER_ASAN
    /* The whole result would take some 18 MB of client memory; streamed,
     * the heap holds a row and the drivers' buffers (SQLite's page cache
     * is at most 2 MB by default), and it does not grow. */
    print_message("cursor: heap before %zu, at row 1000 %zu, peak after "
                  "%zu bytes\n",
                  before, at_start, peak);
    assert_true(at_start < before + 4 * 1024 * 1024);
    assert_true(peak < at_start + 512 * 1024);
#else
    (void)before;
    (void)at_start;
    (void)peak;
#endif
    ormc_rollback(db);
}

/* Streams of 0, 999, 1,000, 1,001 and 2,000 rows (PostgreSQL fetches them
 * in chunks of 1,000: every edge of a chunk); in autocommit mode a
 * PostgreSQL cursor holds a transaction of its own only while it is open;
 * two cursors interleave on one connection; a cursor closed half-way
 * leaves the connection usable. */
static void test_cursor_chunks_and_transactions(void **state)
{
    ormc_db *setup = ormc_test_db(state);
    data_create_tables(setup);
    order_batch b = make_orders(2000, 0);
    assert_ok(setup,
              ormc_row_insert_many(setup, &test_order_table, b.rows, 2000));
    assert_ok(setup, ormc_commit(setup));
    free_orders(&b);

    ormc_options opts = ORMC_OPTIONS_INIT;
    opts.autocommit = 1;
    ormc_db *db = NULL;
    assert_int_equal(ormc_open_with(ormc_test_url(), &opts, &db), ORMC_OK);
    const int64_t sizes[] = {0, 999, 1000, 1001, 2000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        ormc_builder q;
        ormc_builder_init(&q, &test_order_table);
        ormc_builder_order_by(&q, ORMC_COLUMN_BIT(ORDER_ID), ORMC_ASC);
        ormc_builder_limit(&q, sizes[i]);
        ormc_cursor *cur = NULL;
        assert_ok(db, ormc_cursor_open(db, &q, &cur));
        test_order row;
        int64_t n = 0;
        int rc;
        while ((rc = ormc_cursor_next(cur, &row)) == ORMC_ROW)
            assert_int_equal(row.id, ++n);
        assert_int_equal(rc, ORMC_DONE);
        assert_int_equal(n, sizes[i]);
        /* done: its transaction is over */
        assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
        ormc_cursor_close(cur);
        ormc_builder_free(&q);
    }

    /* two at once, interleaved, then one closed half-way */
    ormc_builder q;
    ormc_builder_init(&q, &test_order_table);
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(ORDER_ID), ORMC_ASC);
    ormc_cursor *c1 = NULL, *c2 = NULL;
    assert_ok(db, ormc_cursor_open(db, &q, &c1));
    assert_ok(db, ormc_cursor_open(db, &q, &c2));
    test_order r1, r2;
    for (int64_t n = 1; n <= 1500; n++) {
        assert_int_equal(ormc_cursor_next(c1, &r1), ORMC_ROW);
        assert_int_equal(ormc_cursor_next(c2, &r2), ORMC_ROW);
        assert_int_equal(r1.id, n);
        assert_int_equal(r2.id, n);
    }
    ormc_cursor_close(c2);
    int64_t n = 1500;
    while (ormc_cursor_next(c1, &r1) == ORMC_ROW)
        assert_int_equal(r1.id, ++n);
    assert_int_equal(n, 2000);
    ormc_cursor_close(c1);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);

    /* the first opened ends first: the second goes on */
    assert_ok(db, ormc_cursor_open(db, &q, &c1));
    assert_ok(db, ormc_cursor_open(db, &q, &c2));
    assert_int_equal(ormc_cursor_next(c1, &r1), ORMC_ROW);
    ormc_cursor_close(c1);
    for (n = 0; ormc_cursor_next(c2, &r2) == ORMC_ROW;)
        assert_int_equal(r2.id, ++n);
    assert_int_equal(n, 2000);
    ormc_cursor_close(c2);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);

    assert_ok(db, ormc_cursor_open(db, &q, &c1));
    assert_int_equal(ormc_cursor_next(c1, &r1), ORMC_ROW);
    ormc_cursor_close(c1);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_int_equal(data_count_rows(db, "orders"), 2000);
    ormc_builder_free(&q);
    ormc_close(db);
    ormc_rollback(setup);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_insert_many_all_or_nothing),
        ORMC_BACKEND_TEST(test_insert_many_inside_a_transaction),
        ORMC_BACKEND_TEST(test_insert_many_autocommit),
        ORMC_BACKEND_TEST(test_insert_many_mixed_columns),
        ORMC_BACKEND_TEST(test_cursor_memory_stays_flat),
        ORMC_BACKEND_TEST(test_cursor_chunks_and_transactions),
    };
    return ormc_test_run_backends("data_bulk", tests);
}
