/*
 * test_list.c: rows compared, sorted and searched by their columns
 * (runtime/src/list.c: ormc_list_sort, ormc_list_find) and a parent's run
 * of children (ormc_relation_children_of), in memory: every column type,
 * NULLs first, text and JSON by their bytes, blobs by length then bytes,
 * enums by their index, stability, several columns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ormc_generated.h"
#include "tables.h"

enum {
    ROWS = 64,
    MAX_RANK = 4
};

/* How many distinct values set_value has for column col. */
static int ranks_of(int col)
{
    switch (col) {
    case KIND_FLAG:
        return 2;
    case KIND_STATUS:
    case KIND_LEVEL:
        return 3;
    default:
        return MAX_RANK;
    }
}

static bool nullable(int col)
{
    return (test_kind_table.columns[col].flags & ORMC_COL_NOT_NULL) == 0 &&
           !(test_kind_table.columns[col].flags & ORMC_COL_PRIMARY_KEY);
}

static const char *const texts[MAX_RANK] = {"B", "a", "b", "\xc3\xa9"};
static const char *const jsons[MAX_RANK] = {"1", "[]", "{\"a\":1}", "{}"};
static const ormc_blob blobs[MAX_RANK] = {
    {"", 0}, {"\xff", 1}, {"\x00\x00", 2}, {"\x01\x00", 2}};

/* Set column col of k to its rank-th value in ascending order (-1: NULL). */
static void set_value(test_kind *k, int col, int rank)
{
    static const int32_t ints[] = {-5, 0, 7, 100000};
    static const int64_t bigs[] = {INT64_MIN, -1, 0, INT64_MAX};
    static const double ratios[] = {-1e300, -0.5, 0.0, 2.5};
    static const ormc_time ats[] = {-1000000, 0, 5, INT64_C(1700000000000000)};
    bool null = rank < 0;
    int r = null ? 0 : rank;
    switch (col) {
    case KIND_ID:
        memset(&k->id, 0, sizeof k->id);
        k->id.bytes[0] = (uint8_t)(r * 60);
        break;
    case KIND_N_INT:
        k->n_int = ints[r];
        break;
    case KIND_N_BIG:
        k->has_n_big = !null;
        k->n_big = bigs[r];
        break;
    case KIND_RATIO:
        k->has_ratio = !null;
        k->ratio = ratios[r];
        break;
    case KIND_FLAG:
        k->flag = r == 1;
        break;
    case KIND_NAME:
        k->name = texts[r];
        break;
    case KIND_NOTE:
        k->note = null ? NULL : texts[r];
        break;
    case KIND_DATA:
        k->data = null ? (ormc_blob){NULL, 0} : blobs[r];
        break;
    case KIND_AT:
        k->at = ats[r];
        break;
    case KIND_META:
        k->meta = null ? NULL : jsons[r];
        break;
    case KIND_STATUS: /* declared new, active, closed: index order */
        k->status = (test_kind_status)r;
        break;
    case KIND_LEVEL:
        k->has_level = !null;
        k->level = (test_kind_level)r;
        break;
    }
}

/* Where a row came from, kept in a column other than the one sorted. */
static int position_column(int col)
{
    return col == KIND_N_INT ? KIND_AT : KIND_N_INT;
}

static int64_t position_of(const test_kind *k, int col)
{
    return position_column(col) == KIND_N_INT ? k->n_int : k->at;
}

static void test_sort_each_type(void **state)
{
    (void)state;
    for (int col = 0; col < test_kind_table.n_columns; col++) {
        test_kind rows[ROWS];
        int rank[ROWS];
        int n = ranks_of(col), low = nullable(col) ? -1 : 0;
        memset(rows, 0, sizeof rows);
        for (int i = 0; i < ROWS; i++) {
            /* a scattered order, every rank several times */
            rank[i] = (i * 7 + 3) % (n - low) + low;
            set_value(&rows[i], position_column(col), 0);
            if (position_column(col) == KIND_N_INT)
                rows[i].n_int = i;
            else
                rows[i].at = i;
            set_value(&rows[i], col, rank[i]);
        }
        uint16_t by = (uint16_t)col;
        ormc_list_sort(&test_kind_table, rows, ROWS, &by, 1);
        for (int i = 1; i < ROWS; i++) {
            int a = rank[position_of(&rows[i - 1], col)];
            int b = rank[position_of(&rows[i], col)];
            if (a > b || (a == b && position_of(&rows[i - 1], col) >
                                        position_of(&rows[i], col)))
                fail_msg("column %s: row %d (rank %d) before rank %d",
                         test_kind_table.columns[col].name, i - 1, a, b);
        }
        /* each value found, the first of its run */
        for (int r = low; r < n; r++) {
            test_kind key = {0};
            set_value(&key, col, r);
            const test_kind *hit =
                ormc_list_find(&test_kind_table, rows, ROWS, &by, 1, &key);
            assert_non_null(hit);
            assert_int_equal(rank[position_of(hit, col)], r);
            if (hit > rows)
                assert_int_not_equal(rank[position_of(hit - 1, col)], r);
        }
    }
}

static void test_sort_several_columns_and_large(void **state)
{
    (void)state;
    enum {
        N = 5000
    };
    test_kind *rows = calloc(N, sizeof *rows);
    assert_non_null(rows);
    uint32_t x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        rows[i].flag = (x >> 16) & 1;
        rows[i].has_n_big = ((x >> 8) & 7) != 0;
        rows[i].n_big = (x >> 20) % 50;
        rows[i].n_int = i;
    }
    static const uint16_t by[] = {KIND_FLAG, KIND_N_BIG};
    ormc_list_sort(&test_kind_table, rows, N, by, 2);
    for (int i = 1; i < N; i++) {
        const test_kind *a = &rows[i - 1], *b = &rows[i];
        int c = a->flag != b->flag ? (a->flag ? 1 : -1) : 0;
        if (c == 0 && a->has_n_big != b->has_n_big)
            c = a->has_n_big ? 1 : -1;
        if (c == 0 && a->has_n_big)
            c = (a->n_big > b->n_big) - (a->n_big < b->n_big);
        assert_true(c < 0 || (c == 0 && a->n_int < b->n_int));
    }
    test_kind key = {.flag = true, .has_n_big = true, .n_big = 7};
    const test_kind *hit =
        ormc_list_find(&test_kind_table, rows, N, by, 2, &key);
    assert_non_null(hit);
    assert_true(hit->flag && hit->has_n_big && hit->n_big == 7);
    key.n_big = 50; /* never made */
    assert_null(ormc_list_find(&test_kind_table, rows, N, by, 2, &key));
    free(rows);
}

static void test_sort_and_find_misuse(void **state)
{
    (void)state;
    test_kind rows[2] = {{.n_int = 2}, {.n_int = 1}};
    uint16_t bad = 99, good = KIND_N_INT;
    ormc_list_sort(&test_kind_table, rows, 2, &bad, 1);
    ormc_list_sort(&test_kind_table, rows, 2, NULL, 1);
    ormc_list_sort(&test_kind_table, rows, 2, &good, 0);
    ormc_list_sort(NULL, rows, 2, &good, 1);
    ormc_list_sort(&test_kind_table, NULL, 2, &good, 1);
    assert_int_equal(rows[0].n_int, 2); /* untouched */
    assert_null(ormc_list_find(&test_kind_table, rows, 2, &bad, 1, rows));
    assert_null(ormc_list_find(&test_kind_table, NULL, 2, &good, 1, rows));
    assert_null(ormc_list_find(&test_kind_table, rows, 2, &good, 1, NULL));
    assert_null(ormc_list_find(&test_kind_table, rows, 0, &good, 1, rows));
}

static const uint16_t node_parent_cols[] = {NODE_PARENT_ID};
static const uint16_t node_id_cols[] = {NODE_ID};
static const ormc_foreign_key node_parent = {"nodes_parent_id_fkey",
                                             "parent",
                                             &test_node_table,
                                             &test_node_table,
                                             node_parent_cols,
                                             node_id_cols,
                                             1};

static void test_children_of(void **state)
{
    (void)state;
    /* parent ids: NULL, NULL, 1, 1, 1, 3, 7 (sorted as a loader leaves
     * them) */
    test_node kids[7] = {
        {.id = 10},
        {.id = 11},
        {.id = 12, .has_parent_id = true, .parent_id = 1},
        {.id = 13, .has_parent_id = true, .parent_id = 1},
        {.id = 14, .has_parent_id = true, .parent_id = 1},
        {.id = 15, .has_parent_id = true, .parent_id = 3},
        {.id = 16, .has_parent_id = true, .parent_id = 7},
    };
    size_t n = 99;
    const test_node *run;
    run = ormc_relation_children_of(&node_parent, kids, 7,
                                    &(test_node){.id = 1}, &n);
    assert_ptr_equal(run, &kids[2]);
    assert_int_equal(n, 3);
    run = ormc_relation_children_of(&node_parent, kids, 7,
                                    &(test_node){.id = 7}, &n);
    assert_ptr_equal(run, &kids[6]);
    assert_int_equal(n, 1);
    assert_null(ormc_relation_children_of(&node_parent, kids, 7,
                                          &(test_node){.id = 2}, &n));
    assert_int_equal(n, 0);
    assert_null(ormc_relation_children_of(&node_parent, kids, 7,
                                          &(test_node){.id = 8}, &n));
    assert_null(ormc_relation_children_of(&node_parent, kids, 0,
                                          &(test_node){.id = 1}, &n));
    assert_null(
        ormc_relation_children_of(NULL, kids, 7, &(test_node){.id = 1}, &n));
    assert_null(ormc_relation_children_of(&node_parent, kids, 7, NULL, &n));
    /* n may be NULL */
    assert_non_null(ormc_relation_children_of(&node_parent, kids, 7,
                                              &(test_node){.id = 3}, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort_each_type),
        cmocka_unit_test(test_sort_several_columns_and_large),
        cmocka_unit_test(test_sort_and_find_misuse),
        cmocka_unit_test(test_children_of),
    };
    return cmocka_run_group_tests_name("list", tests, NULL, NULL);
}
