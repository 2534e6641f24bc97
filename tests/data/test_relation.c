/*
 * test_relation.c: the relation engine (the "relations" calls of
 * ormc_generated.h) on SQLite and PostgreSQL, over hand-written foreign key
 * descriptors of the test tables: line.order_id -> order.id, line.order_code
 * -> order.code (a unique key that is not the primary key, nullable in the
 * child), node.parent_id -> node.id (a table referencing itself), and
 * line(order_id, order_code) -> order(id, code) (two columns, of two
 * types).
 *
 * Each call with NULL keys, keys whose parent is gone, empty lists, more
 * keys than a batch (counting the statements with the trace hook) and more
 * keys than either backend takes parameters in one statement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_tables.h"

static const uint16_t line_order_cols[] = {LINE_ORDER_ID};
static const uint16_t line_code_cols[] = {LINE_ORDER_CODE};
static const uint16_t line_both_cols[] = {LINE_ORDER_ID, LINE_ORDER_CODE};
static const uint16_t order_id_cols[] = {ORDER_ID};
static const uint16_t order_code_cols[] = {ORDER_CODE};
static const uint16_t order_both_cols[] = {ORDER_ID, ORDER_CODE};
static const uint16_t node_parent_cols[] = {NODE_PARENT_ID};
static const uint16_t node_id_cols[] = {NODE_ID};

static const ormc_foreign_key line_order = {"lines_order_id_fkey",
                                            "order",
                                            &test_line_table,
                                            &test_order_table,
                                            line_order_cols,
                                            order_id_cols,
                                            1};
static const ormc_foreign_key line_code = {"lines_order_code_fkey",
                                           "order_by_code",
                                           &test_line_table,
                                           &test_order_table,
                                           line_code_cols,
                                           order_code_cols,
                                           1};
static const ormc_foreign_key line_both = {"lines_both_fkey",
                                           "order_both",
                                           &test_line_table,
                                           &test_order_table,
                                           line_both_cols,
                                           order_both_cols,
                                           2};
static const ormc_foreign_key node_parent = {"nodes_parent_id_fkey",
                                             "parent",
                                             &test_node_table,
                                             &test_node_table,
                                             node_parent_cols,
                                             node_id_cols,
                                             1};

/* === Fixtures === */

/* Statements sent, counted by the trace hook: all, and the SELECTs. */
typedef struct counter {
    int all, selects;
    size_t max_params;
} counter;

static void count_statement(void *ctx, const ormc_trace_event *ev)
{
    counter *c = ctx;
    c->all++;
    if (strncmp(ev->sql, "SELECT", 6) == 0)
        c->selects++;
    if (ev->n_params > c->max_params)
        c->max_params = ev->n_params;
}

static void watch(ormc_db *db, counter *c)
{
    memset(c, 0, sizeof *c);
    ormc_set_trace(db, count_statement, c);
}

static char codes[8][16];

/* Orders o0..o<n-1> (code "o<i>", ids in ids[]), each with i lines
 * (line_no 1..i, order_code set on odd lines), committed. */
static void seed_orders(ormc_db *db, int n, int64_t *ids)
{
    data_create_tables(db);
    for (int i = 0; i < n; i++) {
        snprintf(codes[i], sizeof codes[i], "o%d", i);
        test_order o = {.code = codes[i]};
        assert_ok(db, ormc_row_insert(db, &test_order_table, &o));
        ids[i] = o.id;
        for (int k = 1; k <= i; k++) {
            test_line l = {.order_id = o.id,
                           .line_no = k,
                           .sku = "s",
                           .qty = k,
                           .order_code = k % 2 ? codes[i] : NULL};
            assert_ok(db, ormc_row_insert(db, &test_line_table, &l));
        }
    }
    assert_ok(db, ormc_commit(db));
}

/* === ormc_relation_parent === */

static void test_parent_by_key_and_by_unique_key(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[4];
    seed_orders(db, 4, ids);
    test_line l = {.order_id = ids[2], .line_no = 1, .order_code = "o3"};
    test_order o;
    assert_ok(db, ormc_relation_parent(db, &line_order, &l, &o));
    assert_int_equal(o.id, ids[2]);
    assert_string_equal(o.code, "o2");
    ormc_row_free(&test_order_table, &o);
    assert_ok(db, ormc_relation_parent(db, &line_code, &l, &o));
    assert_int_equal(o.id, ids[3]);
    ormc_row_free(&test_order_table, &o);
    l.order_code = "o2";
    assert_ok(db, ormc_relation_parent(db, &line_both, &l, &o));
    assert_int_equal(o.id, ids[2]);
    ormc_row_free(&test_order_table, &o);
}

static void test_parent_null_key_sends_nothing(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[2];
    seed_orders(db, 2, ids);
    counter c;
    watch(db, &c);
    test_line l = {.order_id = ids[1], .line_no = 2, .order_code = NULL};
    test_order o = {.id = 77};
    assert_int_equal(ormc_relation_parent(db, &line_code, &l, &o),
                     ORMC_NOT_FOUND);
    /* one NULL column of two: no parent either (MATCH SIMPLE) */
    assert_int_equal(ormc_relation_parent(db, &line_both, &l, &o),
                     ORMC_NOT_FOUND);
    test_node root = {.label = "r"};
    test_node n;
    assert_int_equal(ormc_relation_parent(db, &node_parent, &root, &n),
                     ORMC_NOT_FOUND);
    assert_int_equal(c.all, 0);
    assert_int_equal(o.id, 77); /* untouched */
}

static void test_parent_gone_is_not_found(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[2];
    seed_orders(db, 2, ids);
    /* a child whose parent row does not exist (as after a delete with the
     * constraint off) */
    test_line l = {.order_id = ids[1] + 1000, .order_code = "gone"};
    test_order o = {.id = 77};
    assert_int_equal(ormc_relation_parent(db, &line_order, &l, &o),
                     ORMC_NOT_FOUND);
    assert_int_equal(ormc_relation_parent(db, &line_code, &l, &o),
                     ORMC_NOT_FOUND);
    assert_int_equal(o.id, 77);
}

static void test_parent_misuse(void **state)
{
    ormc_db *db = ormc_test_db(state);
    test_line l = {0};
    test_order o;
    assert_int_equal(ormc_relation_parent(db, NULL, &l, &o), ORMC_INVALID);
    assert_int_equal(ormc_relation_parent(db, &line_order, NULL, &o),
                     ORMC_INVALID);
    assert_int_equal(ormc_relation_parent(db, &line_order, &l, NULL),
                     ORMC_INVALID);
    assert_int_equal(ormc_relation_parent(NULL, &line_order, &l, &o),
                     ORMC_INVALID);
    /* a key whose child and parent column types differ */
    static const uint16_t qty[] = {LINE_QTY};
    ormc_foreign_key bad = line_order;
    bad.child_columns = qty;
    assert_int_equal(ormc_relation_parent(db, &bad, &l, &o), ORMC_INVALID);
}

/* === ormc_builder_where_parent === */

static void test_where_parent_with_every_executor(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[5];
    seed_orders(db, 5, ids);
    test_order o3 = {.id = ids[3], .code = "o3"};
    ormc_builder q;
    ormc_builder_init(&q, &test_line_table);
    ormc_builder_where_parent(&q, &line_order, &o3);
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(LINE_LINE_NO), ORMC_DESC);

    void *items;
    size_t n;
    assert_ok(db, ormc_builder_all(db, &q, &items, &n));
    assert_int_equal(n, 3);
    assert_int_equal(((test_line *)items)[0].line_no, 3);
    ormc_list_free(&test_line_table, items, n);

    int64_t count;
    assert_ok(db, ormc_builder_count(db, &q, &count));
    assert_int_equal(count, 3);
    bool exists;
    assert_ok(db, ormc_builder_exists(db, &q, &exists));
    assert_true(exists);
    test_line first;
    assert_ok(db, ormc_builder_first(db, &q, &first));
    assert_int_equal(first.line_no, 3);
    ormc_row_free(&test_line_table, &first);

    ormc_cursor *cur;
    assert_ok(db, ormc_cursor_open(db, &q, &cur));
    int rows = 0, rc;
    test_line l;
    while ((rc = ormc_cursor_next(cur, &l)) == ORMC_ROW) {
        assert_int_equal(l.order_id, ids[3]);
        rows++;
    }
    assert_int_equal(rc, ORMC_DONE);
    ormc_cursor_close(cur);
    assert_int_equal(rows, 3);

    test_line values = {.qty = 99};
    int64_t changed;
    assert_ok(db, ormc_builder_update(db, &q, &values,
                                      ORMC_COLUMN_BIT(LINE_QTY), &changed));
    assert_int_equal(changed, 3);

    /* through the unique key, and through two columns */
    ormc_builder by_code;
    ormc_builder_init(&by_code, &test_line_table);
    ormc_builder_where_parent(&by_code, &line_code, &o3);
    assert_ok(db, ormc_builder_count(db, &by_code, &count));
    assert_int_equal(count, 2); /* lines 1 and 3 have the code */
    ormc_builder both;
    ormc_builder_init(&both, &test_line_table);
    ormc_builder_where_parent(&both, &line_both, &o3);
    assert_ok(db, ormc_builder_count(db, &both, &count));
    assert_int_equal(count, 2);

    int64_t deleted;
    assert_ok(db, ormc_builder_delete(db, &q, &deleted));
    assert_int_equal(deleted, 3);
    assert_ok(db, ormc_builder_count(db, &q, &count));
    assert_int_equal(count, 0);
    ormc_builder_free(&q);
    ormc_builder_free(&by_code);
    ormc_builder_free(&both);
}

static void test_where_parent_null_key_matches_nothing(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    test_node root = {.label = "root"};
    assert_ok(db, ormc_row_insert(db, &test_node_table, &root));
    test_node kid = {
        .label = "kid", .has_parent_id = true, .parent_id = root.id};
    assert_ok(db, ormc_row_insert(db, &test_node_table, &kid));
    test_node orphan = {.label = "orph"};
    assert_ok(db, ormc_row_insert(db, &test_node_table, &orphan));
    int64_t count;
    ormc_builder q;
    ormc_builder_init(&q, &test_node_table);
    ormc_builder_where_parent(&q, &node_parent, &root);
    assert_ok(db, ormc_builder_count(db, &q, &count));
    assert_int_equal(count, 1);
    ormc_builder_free(&q);
    /* an order without a code: no line has a NULL code as its parent's */
    test_order none = {.id = 1, .code = NULL};
    ormc_builder_init(&q, &test_line_table);
    ormc_builder_where_parent(&q, &line_code, &none);
    assert_ok(db, ormc_builder_count(db, &q, &count));
    assert_int_equal(count, 0);
    ormc_builder_free(&q);
}

static void test_where_parent_misuse(void **state)
{
    ormc_db *db = ormc_test_db(state);
    ormc_builder q;
    int64_t count;
    test_order o = {0};
    ormc_builder_init(&q, &test_line_table);
    ormc_builder_where_parent(&q, &line_order, NULL);
    assert_int_equal(ormc_builder_count(db, &q, &count), ORMC_INVALID);
    ormc_builder_free(&q);
    ormc_builder_init(&q, &test_order_table); /* not the child table */
    ormc_builder_where_parent(&q, &line_order, &o);
    assert_int_equal(ormc_builder_count(db, &q, &count), ORMC_INVALID);
    ormc_builder_free(&q);
    ormc_builder_init(&q, &test_line_table);
    ormc_builder_where_parent(&q, NULL, &o);
    assert_int_equal(ormc_builder_count(db, &q, &count), ORMC_INVALID);
    ormc_builder_free(&q);
}

/* === The loaders === */

static void test_load_parents(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[6];
    seed_orders(db, 6, ids);
    /* children in memory: repeated keys, NULL codes, a key gone */
    test_line kids[] = {
        {.order_id = ids[5], .order_code = "o5"},
        {.order_id = ids[1], .order_code = NULL},
        {.order_id = ids[5], .order_code = "o2"},
        {.order_id = ids[5] + 100, .order_code = "zz"},
        {.order_id = ids[3], .order_code = "o5"},
        {.order_id = ids[1], .order_code = NULL},
    };
    size_t n_kids = sizeof kids / sizeof kids[0];
    counter c;
    watch(db, &c);
    void *items;
    size_t n;
    assert_ok(db, ormc_relation_load_parents(db, &line_order, kids, n_kids,
                                             &items, &n));
    assert_int_equal(c.selects, 1);
    assert_int_equal(n, 3); /* ids 1, 3, 5; the missing one is skipped */
    test_order *orders = items;
    assert_int_equal(orders[0].id, ids[1]);
    assert_int_equal(orders[1].id, ids[3]);
    assert_int_equal(orders[2].id, ids[5]);
    for (size_t i = 0; i < n_kids; i++) {
        const test_order *o =
            ormc_list_find(&test_order_table, items, n, order_id_cols, 1,
                           &(test_order){.id = kids[i].order_id});
        if (i == 3)
            assert_null(o);
        else
            assert_int_equal(o->id, kids[i].order_id);
    }
    ormc_list_free(&test_order_table, items, n);

    /* by the unique text key: sorted by it, NULLs skipped */
    assert_ok(db, ormc_relation_load_parents(db, &line_code, kids, n_kids,
                                             &items, &n));
    assert_int_equal(n, 2);
    assert_string_equal(((test_order *)items)[0].code, "o2");
    assert_string_equal(((test_order *)items)[1].code, "o5");
    assert_non_null(ormc_list_find(&test_order_table, items, n, order_code_cols,
                                   1, &(test_order){.code = "o5"}));
    assert_null(ormc_list_find(&test_order_table, items, n, order_code_cols, 1,
                               &(test_order){.code = "o3"}));
    ormc_list_free(&test_order_table, items, n);

    /* two columns: only (ids[5], "o5") names a row */
    assert_ok(db, ormc_relation_load_parents(db, &line_both, kids, n_kids,
                                             &items, &n));
    assert_int_equal(n, 1);
    assert_int_equal(((test_order *)items)[0].id, ids[5]);
    assert_non_null(ormc_list_find(&test_order_table, items, n, order_both_cols,
                                   2,
                                   &(test_order){.id = ids[5], .code = "o5"}));
    assert_null(ormc_list_find(&test_order_table, items, n, order_both_cols, 2,
                               &(test_order){.id = ids[5], .code = "o2"}));
    ormc_list_free(&test_order_table, items, n);
}

static void test_load_empty_and_all_null_send_nothing(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    counter c;
    watch(db, &c);
    void *items = (void *)1;
    size_t n = 99;
    assert_ok(db,
              ormc_relation_load_parents(db, &line_order, NULL, 0, &items, &n));
    assert_null(items);
    assert_int_equal(n, 0);
    test_line nulls[3] = {{.order_code = NULL}};
    assert_ok(db,
              ormc_relation_load_parents(db, &line_code, nulls, 3, &items, &n));
    assert_null(items);
    assert_int_equal(n, 0);
    assert_ok(
        db, ormc_relation_load_children(db, &line_order, NULL, 0, &items, &n));
    assert_int_equal(n, 0);
    assert_int_equal(c.all, 0);
    assert_int_equal(
        ormc_relation_load_parents(db, &line_order, NULL, 2, &items, &n),
        ORMC_INVALID);
    assert_int_equal(
        ormc_relation_load_parents(db, &line_order, nulls, 2, NULL, &n),
        ORMC_INVALID);
}

static void test_load_children_and_children_of(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[6];
    seed_orders(db, 6, ids);
    /* parents in reverse order, one repeated, one with no lines, one gone */
    test_order parents[] = {
        {.id = ids[5], .code = "o5"},       {.id = ids[0], .code = "o0"},
        {.id = ids[3], .code = "o3"},       {.id = ids[5], .code = "o5"},
        {.id = ids[5] + 100, .code = "zz"},
    };
    counter c;
    watch(db, &c);
    void *items;
    size_t n;
    assert_ok(db, ormc_relation_load_children(db, &line_order, parents, 5,
                                              &items, &n));
    assert_int_equal(c.selects, 1);
    assert_int_equal(n, 3 + 5);
    test_line *lines = items;
    /* by order_id, then by the key (order_id, line_no) */
    for (size_t i = 1; i < n; i++)
        assert_true(lines[i - 1].order_id < lines[i].order_id ||
                    (lines[i - 1].order_id == lines[i].order_id &&
                     lines[i - 1].line_no < lines[i].line_no));
    size_t k;
    const test_line *run =
        ormc_relation_children_of(&line_order, items, n, &parents[0], &k);
    assert_int_equal(k, 5);
    assert_int_equal(run[0].line_no, 1);
    assert_int_equal(run[4].line_no, 5);
    run = ormc_relation_children_of(&line_order, items, n, &parents[2], &k);
    assert_int_equal(k, 3);
    assert_int_equal(run->order_id, ids[3]);
    assert_null(
        ormc_relation_children_of(&line_order, items, n, &parents[1], &k));
    assert_int_equal(k, 0);
    ormc_list_free(&test_line_table, items, n);

    /* by the unique key, whose child column is NULL on even lines */
    assert_ok(db, ormc_relation_load_children(db, &line_code, parents, 5,
                                              &items, &n));
    assert_int_equal(n, 2 + 3);
    run = ormc_relation_children_of(&line_code, items, n, &parents[0], &k);
    assert_int_equal(k, 3);
    assert_string_equal(run[2].order_code, "o5");
    assert_int_equal(run[2].line_no, 5);
    test_order no_code = {.id = ids[4], .code = NULL};
    assert_null(ormc_relation_children_of(&line_code, items, n, &no_code, &k));
    ormc_list_free(&test_line_table, items, n);

    /* two columns */
    assert_ok(db, ormc_relation_load_children(db, &line_both, parents, 5,
                                              &items, &n));
    assert_int_equal(n, 5);
    run = ormc_relation_children_of(&line_both, items, n, &parents[2], &k);
    assert_int_equal(k, 2);
    ormc_list_free(&test_line_table, items, n);
}

static void test_self_reference(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    /* root <- a, b; a <- a1, a2; b <- b1 */
    const char *labels[] = {"root", "a", "b", "a1", "a2", "b1"};
    int parent_of[] = {-1, 0, 0, 1, 1, 2};
    test_node nodes[6];
    for (int i = 0; i < 6; i++) {
        nodes[i] = (test_node){.label = labels[i]};
        if (parent_of[i] >= 0) {
            nodes[i].has_parent_id = true;
            nodes[i].parent_id = nodes[parent_of[i]].id;
        }
        assert_ok(db, ormc_row_insert(db, &test_node_table, &nodes[i]));
    }
    test_node p;
    assert_ok(db, ormc_relation_parent(db, &node_parent, &nodes[4], &p));
    assert_string_equal(p.label, "a");
    ormc_row_free(&test_node_table, &p);

    void *items;
    size_t n;
    assert_ok(
        db, ormc_relation_load_parents(db, &node_parent, nodes, 6, &items, &n));
    assert_int_equal(n, 3); /* root, a, b */
    ormc_list_free(&test_node_table, items, n);
    assert_ok(db, ormc_relation_load_children(db, &node_parent, nodes, 3,
                                              &items, &n));
    assert_int_equal(n, 5);
    size_t k;
    const test_node *kids =
        ormc_relation_children_of(&node_parent, items, n, &nodes[1], &k);
    assert_int_equal(k, 2);
    assert_string_equal(kids[0].label, "a1");
    assert_string_equal(kids[1].label, "a2");
    ormc_list_free(&test_node_table, items, n);
}

/* More distinct keys than a batch: ceil(keys / ORMC_RELATION_BATCH)
 * statements, however many times each key repeats. */
static void test_batches_count_statements(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    enum {
        ORDERS = 2500,
        KIDS = 10000
    };
    test_order *orders = calloc(ORDERS, sizeof *orders);
    char(*code)[12] = calloc(ORDERS, sizeof *code);
    for (int i = 0; i < ORDERS; i++) {
        snprintf(code[i], sizeof code[i], "c%05d", i);
        orders[i].code = code[i];
    }
    assert_ok(db, ormc_row_insert_many(db, &test_order_table, orders, ORDERS));
    assert_ok(db, ormc_commit(db));
    void *all;
    size_t n_all;
    ormc_builder q;
    ormc_builder_init(&q, &test_order_table);
    assert_ok(db, ormc_builder_all(db, &q, &all, &n_all));
    assert_int_equal(n_all, ORDERS);
    test_line *kids = calloc(KIDS, sizeof *kids);
    for (int i = 0; i < KIDS; i++)
        kids[i].order_id = ((test_order *)all)[(i * 7) % ORDERS].id;

    counter c;
    watch(db, &c);
    void *items;
    size_t n;
    assert_ok(db, ormc_relation_load_parents(db, &line_order, kids, KIDS,
                                             &items, &n));
    assert_int_equal(n, ORDERS);
    assert_int_equal(c.selects,
                     (ORDERS + ORMC_RELATION_BATCH - 1) / ORMC_RELATION_BATCH);
    assert_true(c.max_params <= ORMC_RELATION_BATCH);
    for (int i = 0; i < ORDERS; i++)
        assert_int_equal(((test_order *)items)[i].id,
                         ((test_order *)all)[i].id);
    ormc_list_free(&test_order_table, items, n);
    ormc_set_trace(db, NULL, NULL);

    ormc_list_free(&test_order_table, all, n_all);
    free(kids);
    free(code);
    free(orders);
    ormc_builder_free(&q);
}

/* 70,000 keys: more than one statement of either backend can carry
 * (SQLite 32,766 parameters at most, PostgreSQL 65,535). */
static void test_load_more_keys_than_parameters(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    enum {
        KEYS = 70000
    };
    test_order *orders = calloc(KEYS, sizeof *orders);
    char(*code)[12] = calloc(KEYS, sizeof *code);
    for (int i = 0; i < KEYS; i++) {
        snprintf(code[i], sizeof code[i], "k%06d", KEYS - 1 - i);
        orders[i].code = code[i];
    }
    assert_ok(db, ormc_row_insert_many(db, &test_order_table, orders, KEYS));
    assert_ok(db, ormc_commit(db));
    test_line *kids = calloc(KEYS, sizeof *kids);
    for (int i = 0; i < KEYS; i++)
        kids[i].order_code = code[i];
    counter c;
    watch(db, &c);
    void *items;
    size_t n;
    assert_ok(
        db, ormc_relation_load_parents(db, &line_code, kids, KEYS, &items, &n));
    assert_int_equal(n, KEYS);
    assert_int_equal(c.selects, KEYS / ORMC_RELATION_BATCH);
    const test_order *o = items;
    for (int i = 0; i < KEYS; i++) {
        char want[12];
        snprintf(want, sizeof want, "k%06d", i);
        assert_string_equal(o[i].code, want);
    }
    ormc_set_trace(db, NULL, NULL);
    ormc_list_free(&test_order_table, items, n);
    free(kids);
    free(code);
    free(orders);
}

/* === ormc_builder_where_parent_in === */

static int64_t count_of(ormc_db *db, const ormc_builder *q)
{
    int64_t n = -1;
    assert_ok(db, ormc_builder_count(db, q, &n));
    return n;
}

static void test_where_parent_in_with_limit(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[6];
    seed_orders(db, 6, ids);
    /* the two orders of highest id whose code starts with "o" */
    ormc_builder orders;
    ormc_builder_init(&orders, &test_order_table);
    ormc_param like = data_text("o%");
    ormc_builder_where(&orders, ORMC_COLUMN_BIT(ORDER_CODE), ORMC_LIKE, &like);
    ormc_builder_order_by(&orders, ORMC_COLUMN_BIT(ORDER_ID), ORMC_DESC);
    ormc_builder_limit(&orders, 2);
    /* parameters before, inside and after the subquery */
    ormc_builder q;
    ormc_builder_init(&q, &test_line_table);
    ormc_param two = data_i32(2), sku = data_text("s");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(LINE_QTY), ORMC_GE, &two);
    ormc_builder_where_parent_in(&q, &line_order, &orders);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(LINE_SKU), ORMC_EQ, &sku);
    assert_int_equal(count_of(db, &q), 4 + 3); /* o5: qty 2..5, o4: 2..4 */

    void *items;
    size_t n;
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(LINE_ORDER_ID), ORMC_ASC);
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(LINE_LINE_NO), ORMC_ASC);
    assert_ok(db, ormc_builder_all(db, &q, &items, &n));
    assert_int_equal(n, 7);
    assert_int_equal(((test_line *)items)[0].order_id, ids[4]);
    assert_int_equal(((test_line *)items)[0].line_no, 2);
    assert_int_equal(((test_line *)items)[6].order_id, ids[5]);
    ormc_list_free(&test_line_table, items, n);

    test_line first;
    assert_ok(db, ormc_builder_first(db, &q, &first));
    assert_int_equal(first.order_id, ids[4]);
    ormc_row_free(&test_line_table, &first);
    bool exists;
    assert_ok(db, ormc_builder_exists(db, &q, &exists));
    assert_true(exists);

    ormc_cursor *cur;
    assert_ok(db, ormc_cursor_open(db, &q, &cur));
    int rows = 0, rc;
    test_line l;
    while ((rc = ormc_cursor_next(cur, &l)) == ORMC_ROW)
        rows++;
    assert_int_equal(rc, ORMC_DONE);
    ormc_cursor_close(cur);
    assert_int_equal(rows, 7);

    /* the same shape with other values: the cached statement, new
     * parameters; a limit of 1 leaves o5 alone */
    ormc_builder_limit(&orders, 1);
    assert_int_equal(count_of(db, &q), 4);
    ormc_builder_free(&orders);
    ormc_builder_init(&orders, &test_order_table);
    like = data_text("o4");
    ormc_builder_where(&orders, ORMC_COLUMN_BIT(ORDER_CODE), ORMC_LIKE, &like);
    ormc_builder_order_by(&orders, ORMC_COLUMN_BIT(ORDER_ID), ORMC_DESC);
    ormc_builder_limit(&orders, 1);
    assert_int_equal(count_of(db, &q), 3);

    /* update_where and delete_where through it */
    test_line values = {.qty = 50};
    int64_t changed;
    assert_ok(db, ormc_builder_update(db, &q, &values,
                                      ORMC_COLUMN_BIT(LINE_QTY), &changed));
    assert_int_equal(changed, 3);
    ormc_builder fifty;
    ormc_builder_init(&fifty, &test_line_table);
    ormc_param qty50 = data_i32(50);
    ormc_builder_where(&fifty, ORMC_COLUMN_BIT(LINE_QTY), ORMC_EQ, &qty50);
    assert_int_equal(count_of(db, &fifty), 3);
    int64_t deleted;
    assert_ok(db, ormc_builder_delete(db, &q, &deleted));
    assert_int_equal(deleted, 3);
    assert_int_equal(count_of(db, &q), 0);
    assert_int_equal(count_of(db, &fifty), 0);
    ormc_builder_free(&fifty);
    ormc_builder_free(&q);
    ormc_builder_free(&orders);
}

static void test_where_parent_in_composite_and_or(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[6];
    seed_orders(db, 6, ids);
    ormc_builder orders;
    ormc_builder_init(&orders, &test_order_table);
    ormc_param o3 = data_text("o3");
    ormc_builder_where(&orders, ORMC_COLUMN_BIT(ORDER_CODE), ORMC_EQ, &o3);
    /* (order_id, order_code) IN (SELECT id, code ...): odd lines of o3 */
    ormc_builder q;
    ormc_builder_init(&q, &test_line_table);
    ormc_builder_where_parent_in(&q, &line_both, &orders);
    assert_int_equal(count_of(db, &q), 2);
    ormc_builder_free(&q);
    /* in an OR group: the lines of o3 through the key, or of o5 as parent */
    test_order five = {.id = ids[5], .code = "o5"};
    ormc_builder_init(&q, &test_line_table);
    ormc_builder_or_begin(&q);
    ormc_builder_where_parent_in(&q, &line_order, &orders);
    ormc_builder_where_parent(&q, &line_both, &five);
    ormc_builder_or_end(&q);
    assert_int_equal(count_of(db, &q), 3 + 3);
    ormc_builder_free(&q);
    ormc_builder_free(&orders);
}

static void test_where_parent_in_misuse(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    ormc_builder q, sub;
    /* a query of another table than the parent */
    ormc_builder_init(&sub, &test_line_table);
    ormc_builder_init(&q, &test_line_table);
    ormc_builder_where_parent_in(&q, &line_order, &sub);
    int64_t n;
    assert_int_equal(ormc_builder_count(db, &q, &n), ORMC_INVALID);
    ormc_builder_free(&q);
    ormc_builder_free(&sub);
    /* a parents' query with an error of its own */
    ormc_builder_init(&sub, &test_order_table);
    ormc_builder_where(&sub, ORMC_COLUMN_BIT(40), ORMC_EQ, NULL);
    ormc_builder_init(&q, &test_line_table);
    ormc_builder_where_parent_in(&q, &line_order, &sub);
    assert_int_equal(ormc_builder_count(db, &q, &n), ORMC_INVALID);
    ormc_builder_free(&q);
    ormc_builder_free(&sub);
    /* a LIKE pattern of the subquery ending in the escape character is
     * refused as the outer query's own would be, nothing sent */
    ormc_builder_init(&sub, &test_order_table);
    ormc_param bad_like = data_text("o\\");
    ormc_builder_where(&sub, ORMC_COLUMN_BIT(ORDER_CODE), ORMC_LIKE, &bad_like);
    ormc_builder_init(&q, &test_line_table);
    ormc_builder_where_parent_in(&q, &line_order, &sub);
    assert_int_equal(ormc_builder_count(db, &q, &n), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "escape character"));
    ormc_builder_free(&q);
    ormc_builder_free(&sub);
    /* itself, directly and through another: refused, not a loop */
    ormc_builder_init(&q, &test_node_table);
    ormc_builder_where_parent_in(&q, &node_parent, &q);
    assert_int_equal(ormc_builder_count(db, &q, &n), ORMC_INVALID);
    ormc_builder_free(&q);
    ormc_builder_init(&q, &test_node_table);
    ormc_builder_init(&sub, &test_node_table);
    ormc_builder_where_parent_in(&q, &node_parent, &sub);
    ormc_builder_where_parent_in(&sub, &node_parent, &q);
    assert_int_equal(ormc_builder_count(db, &q, &n), ORMC_INVALID);
    ormc_builder_free(&q);
    ormc_builder_free(&sub);
    /* nested a few levels: the grandparents' grandchildren */
    test_node a = {.label = "a"};
    assert_ok(db, ormc_row_insert(db, &test_node_table, &a));
    test_node b = {.label = "b", .has_parent_id = true, .parent_id = a.id};
    assert_ok(db, ormc_row_insert(db, &test_node_table, &b));
    test_node c = {.label = "c", .has_parent_id = true, .parent_id = b.id};
    assert_ok(db, ormc_row_insert(db, &test_node_table, &c));
    ormc_builder top;
    ormc_builder_init(&top, &test_node_table);
    ormc_param la = data_text("a");
    ormc_builder_where(&top, ORMC_COLUMN_BIT(NODE_LABEL), ORMC_EQ, &la);
    ormc_builder_init(&sub, &test_node_table);
    ormc_builder_where_parent_in(&sub, &node_parent, &top);
    ormc_builder_init(&q, &test_node_table);
    ormc_builder_where_parent_in(&q, &node_parent, &sub);
    test_node got;
    assert_ok(db, ormc_builder_first(db, &q, &got));
    assert_string_equal(got.label, "c");
    ormc_row_free(&test_node_table, &got);
    ormc_builder_free(&q);
    ormc_builder_free(&sub);
    ormc_builder_free(&top);
}

/* === ormc_builder_where_linked === */

/* line links orders two ways: order_id (the line's order) and order_code
 * (another order, by its code), a join of order to itself. */
static void test_where_linked(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[6];
    seed_orders(db, 6, ids);
    /* o1 has line 1 coded o1 (from the seed); add lines coded o4, o5 */
    test_line extra[] = {
        {.order_id = ids[1], .line_no = 10, .sku = "x", .order_code = "o4"},
        {.order_id = ids[1], .line_no = 11, .sku = "x", .order_code = "o5"},
        {.order_id = ids[1], .line_no = 12, .sku = "x", .order_code = "o5"},
    };
    for (int i = 0; i < 3; i++)
        assert_ok(db, ormc_row_insert(db, &test_line_table, &extra[i]));
    test_order o1 = {.id = ids[1], .code = "o1"};
    /* orders whose code a line of o1 names */
    ormc_builder q;
    ormc_builder_init(&q, &test_order_table);
    ormc_builder_where_linked(&q, &line_code, &line_order, &o1);
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(ORDER_ID), ORMC_ASC);
    void *items;
    size_t n;
    assert_ok(db, ormc_builder_all(db, &q, &items, &n));
    assert_int_equal(n, 3); /* o1, o4, o5: each once */
    assert_string_equal(((test_order *)items)[0].code, "o1");
    assert_string_equal(((test_order *)items)[1].code, "o4");
    assert_string_equal(((test_order *)items)[2].code, "o5");
    ormc_list_free(&test_order_table, items, n);
    ormc_cursor *cur;
    assert_ok(db, ormc_cursor_open(db, &q, &cur));
    int rows = 0, rc;
    test_order row;
    while ((rc = ormc_cursor_next(cur, &row)) == ORMC_ROW)
        rows++;
    assert_int_equal(rc, ORMC_DONE);
    ormc_cursor_close(cur);
    assert_int_equal(rows, 3);
    ormc_builder_free(&q);

    /* the other way: orders with a line coded o5 (o1, and o5's own) */
    test_order o5 = {.id = ids[5], .code = "o5"};
    ormc_builder_init(&q, &test_order_table);
    ormc_builder_where_linked(&q, &line_order, &line_code, &o5);
    assert_int_equal(count_of(db, &q), 2);
    ormc_builder_free(&q);
    /* a row linked to nothing */
    test_order o0 = {.id = ids[0], .code = "o0"};
    ormc_builder_init(&q, &test_order_table);
    ormc_builder_where_linked(&q, &line_code, &line_order, &o0);
    assert_int_equal(count_of(db, &q), 0);
    ormc_builder_free(&q);

    /* misuse: keys of different tables, no row, q of the wrong table */
    ormc_builder_init(&q, &test_order_table);
    ormc_builder_where_linked(&q, &line_code, &node_parent, &o1);
    assert_int_equal(ormc_builder_count(db, &q, &(int64_t){0}), ORMC_INVALID);
    ormc_builder_free(&q);
    ormc_builder_init(&q, &test_order_table);
    ormc_builder_where_linked(&q, &line_code, &line_order, NULL);
    assert_int_equal(ormc_builder_count(db, &q, &(int64_t){0}), ORMC_INVALID);
    ormc_builder_free(&q);
    ormc_builder_init(&q, &test_line_table);
    ormc_builder_where_linked(&q, &line_code, &line_order, &o1);
    assert_int_equal(ormc_builder_count(db, &q, &(int64_t){0}), ORMC_INVALID);
    ormc_builder_free(&q);
}

/* The loaders' statements take few shapes: every key count from 1 to 40
 * gives 7 statement texts (1, 2, 4 ... 64 keys) on a connection; on
 * PostgreSQL, a key of one column goes as one array: 1 text. */
static int n_texts;
static size_t text_lengths[16];

static void note_text(void *ctx, const ormc_trace_event *ev)
{
    (void)ctx;
    if (strncmp(ev->sql, "SELECT", 6) != 0)
        return;
    /* the texts of one loader differ in their length alone */
    size_t len = strlen(ev->sql);
    for (int i = 0; i < n_texts; i++)
        if (text_lengths[i] == len)
            return;
    if (n_texts < 16)
        text_lengths[n_texts++] = len;
}

static int shapes_of(ormc_db *db, const ormc_foreign_key *fk,
                     const test_line *kids)
{
    n_texts = 0;
    ormc_set_trace(db, note_text, NULL);
    for (size_t k = 1; k <= 40; k++) {
        void *items;
        size_t n;
        assert_ok(db, ormc_relation_load_parents(db, fk, kids, k, &items, &n));
        assert_int_equal(n, 0);
    }
    ormc_set_trace(db, NULL, NULL);
    return n_texts;
}

static void test_loader_shapes_are_few(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    test_line kids[40] = {{0}};
    for (int i = 0; i < 40; i++) {
        kids[i].order_id = i + 1;
        kids[i].order_code = "c";
    }
    bool pg = ormc_test_backend() == ORMC_POSTGRES;
    assert_int_equal(shapes_of(db, &line_order, kids), pg ? 1 : 7);
    assert_int_equal(shapes_of(db, &line_both, kids), 7);
}

/* Keys of every type that goes as an array on PostgreSQL (integer, bigint,
 * text, uuid), with what an array literal must quote. */
static void test_load_keys_of_each_type(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    static const char *const odd_codes[] = {
        "a\"b", "back\\slash", "a,b", "{x}", "NULL", "", " sp ", "\xc3\xa9",
    };
    enum {
        N = sizeof codes / sizeof codes[0]
    };
    test_line kids[N + 1];
    memset(kids, 0, sizeof kids);
    for (int i = 0; i < N; i++) {
        test_order o = {.code = odd_codes[i]};
        assert_ok(db, ormc_row_insert(db, &test_order_table, &o));
        kids[i].order_code = odd_codes[i];
    }
    kids[N].order_code = "absent";
    void *items;
    size_t n;
    assert_ok(db, ormc_relation_load_parents(db, &line_code, kids, N + 1,
                                             &items, &n));
    assert_int_equal(n, N);
    for (int i = 0; i < N; i++) {
        const test_order *o =
            ormc_list_find(&test_order_table, items, n, order_code_cols, 1,
                           &(test_order){.code = odd_codes[i]});
        assert_non_null(o);
        assert_string_equal(o->code, odd_codes[i]);
    }
    ormc_list_free(&test_order_table, items, n);

    /* uuid and integer keys: kind's own key and its unique n_int, negative
     * numbers among them */
    static const uint16_t kind_id[] = {KIND_ID}, kind_int[] = {KIND_N_INT};
    const ormc_foreign_key by_id = {
        "kinds_id", "self", &test_kind_table, &test_kind_table, kind_id,
        kind_id,    1};
    const ormc_foreign_key by_int = {
        "kinds_n_int", "self", &test_kind_table, &test_kind_table, kind_int,
        kind_int,      1};
    test_kind kinds[3];
    for (int i = 0; i < 3; i++) {
        kinds[i] = (test_kind){.id = data_uuid((uint32_t)(0xF0000000u + i)),
                               .n_int = i - 1,
                               .name = "k",
                               .at = i,
                               .status = STATUS_NEW};
        assert_ok(db, ormc_row_insert(db, &test_kind_table, &kinds[i]));
    }
    assert_ok(db, ormc_relation_load_parents(db, &by_id, kinds, 3, &items, &n));
    assert_int_equal(n, 3);
    for (int i = 0; i < 3; i++)
        assert_non_null(
            ormc_list_find(&test_kind_table, items, n, kind_id, 1, &kinds[i]));
    ormc_list_free(&test_kind_table, items, n);
    assert_ok(db,
              ormc_relation_load_children(db, &by_int, kinds, 3, &items, &n));
    assert_int_equal(n, 3);
    assert_int_equal(((test_kind *)items)[0].n_int, -1);
    assert_int_equal(((test_kind *)items)[2].n_int, 1);
    ormc_list_free(&test_kind_table, items, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_parent_by_key_and_by_unique_key),
        ORMC_BACKEND_TEST(test_parent_null_key_sends_nothing),
        ORMC_BACKEND_TEST(test_parent_gone_is_not_found),
        ORMC_BACKEND_TEST(test_parent_misuse),
        ORMC_BACKEND_TEST(test_where_parent_with_every_executor),
        ORMC_BACKEND_TEST(test_where_parent_null_key_matches_nothing),
        ORMC_BACKEND_TEST(test_where_parent_misuse),
        ORMC_BACKEND_TEST(test_load_parents),
        ORMC_BACKEND_TEST(test_load_empty_and_all_null_send_nothing),
        ORMC_BACKEND_TEST(test_load_children_and_children_of),
        ORMC_BACKEND_TEST(test_self_reference),
        ORMC_BACKEND_TEST(test_batches_count_statements),
        ORMC_BACKEND_TEST(test_load_more_keys_than_parameters),
        ORMC_BACKEND_TEST(test_where_parent_in_with_limit),
        ORMC_BACKEND_TEST(test_where_parent_in_composite_and_or),
        ORMC_BACKEND_TEST(test_where_parent_in_misuse),
        ORMC_BACKEND_TEST(test_where_linked),
        ORMC_BACKEND_TEST(test_loader_shapes_are_few),
        ORMC_BACKEND_TEST(test_load_keys_of_each_type),
    };
    return ormc_test_run_backends("relation", tests);
}
