/*
 * test_fixture_insert.c: ormc_row_fixture_insert: stored fixtures, their
 * parents created through foreign keys and shared per seq, on both backends.
 */
#include <stdio.h>
#include <string.h>

#include "data_tables.h"

static void test_fixture_insert_creates_parents(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    test_line l;
    assert_ok(db, ormc_row_fixture_insert(db, &test_line_table, 7, &l));
    assert_int_equal(data_count_rows(db, "orders"), 1);
    assert_int_equal(data_count_rows(db, "lines"), 1);

    ormc_builder q;
    ormc_builder_init(&q, &test_order_table);
    test_order o;
    assert_ok(db, ormc_builder_first(db, &q, &o));
    ormc_builder_free(&q);
    assert_int_equal(l.order_id, o.id); /* the real serial key */
    assert_non_null(l.order_code);
    assert_string_equal(l.order_code, o.code);
    ormc_row_free(&test_order_table, &o);
    ormc_row_free(&test_line_table, &l);

    /* another seq: another parent */
    assert_ok(db, ormc_row_fixture_insert(db, &test_line_table, 8, &l));
    ormc_row_free(&test_line_table, &l);
    assert_int_equal(data_count_rows(db, "orders"), 2);
    assert_ok(db, ormc_commit(db));
}

static void test_fixture_parents_are_shared_per_seq(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    test_order o;
    assert_ok(db, ormc_row_fixture_insert(db, &test_order_table, 3, &o));
    assert_true(o.id > 0);
    test_line l;
    assert_ok(db, ormc_row_fixture_insert(db, &test_line_table, 3, &l));
    assert_int_equal(l.order_id, o.id);
    assert_int_equal(data_count_rows(db, "orders"), 1);
    ormc_row_free(&test_line_table, &l);
    ormc_row_free(&test_order_table, &o);
    /* the same line again violates its primary key, and the row given
     * back owns nothing */
    assert_int_equal(ormc_row_fixture_insert(db, &test_line_table, 3, &l),
                     ORMC_CONSTRAINT);
    assert_null(l.ormc_owned);
    ormc_rollback(db);
}

static void test_fixture_insert_every_table(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    for (size_t i = 0; i < test_n_tables; i++) {
        const ormc_table *t = test_tables[i];
        for (uint64_t seq = 1; seq <= 3; seq++) {
            char row[512];
            assert_true(t->row_size <= sizeof row);
            int rc = ormc_row_fixture_insert(db, t, seq, row);
            if (rc != ORMC_OK)
                fail_msg("%s seq %llu: %s: %s", t->name,
                         (unsigned long long)seq, ormc_strstatus(rc),
                         ormc_errmsg(db));
            ormc_row_free(t, row);
        }
    }
    assert_int_equal(data_count_rows(db, "nodes"), 3);
    assert_int_equal(data_count_rows(db, "kinds"), 3);
    assert_ok(db, ormc_commit(db));
}

static void test_fixture_insert_calls_hooks(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    data_hook_log log;
    memset(&log, 0, sizeof log);
    log.text_column = -1;
    ormc_on_change(db, data_hook, &log);
    test_line l;
    assert_ok(db, ormc_row_fixture_insert(db, &test_line_table, 1, &l));
    assert_int_equal(log.n_insert, 2); /* the order, then the line */
    assert_ptr_equal(log.last_table, &test_line_table);
    ormc_row_free(&test_line_table, &l);
    ormc_on_change(db, NULL, NULL);
    assert_ok(db, ormc_commit(db));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_fixture_insert_creates_parents),
        ORMC_BACKEND_TEST(test_fixture_parents_are_shared_per_seq),
        ORMC_BACKEND_TEST(test_fixture_insert_every_table),
        ORMC_BACKEND_TEST(test_fixture_insert_calls_hooks),
    };
    return ormc_test_run_backends("data_fixture_insert", tests);
}
