/*
 * test_fixture.c: ormc_row_fixture (runtime/src/fixture.c) and the parent
 * plan of fixture_insert: valid rows for every column type, deterministic
 * in seq, distinct per seq for unique and primary key columns, references
 * matching their parents' fixtures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "ormc_generated.h"
#include "sqlbuild.h"
#include "tables.h"

#define BIT(i) ORMC_COLUMN_BIT(i)

/* 2024-01-01 00:00:00 UTC in microseconds. */
#define BASE_US (INT64_C(1704067200) * 1000000)

static const uint64_t seqs[] = {
    0,         1,      2,          41,         42,
    999,       123456, UINT32_MAX, 1ull << 40, UINT64_MAX - 1,
    UINT64_MAX};

/* A row buffer big enough and aligned for any test table. */
typedef union any_row {
    test_bot bot;
    test_kind kind;
    test_order order;
    test_line line;
    test_node node;
    test_odd odd;
    max_align_t align;
} any_row;

/* Column i of two rows of t holds the same value (strings by content). */
static bool same_value(const ormc_table *t, int i, const void *a, const void *b)
{
    const ormc_column *c = &t->columns[i];
    bool na = ormc__col_is_null(c, a), nb = ormc__col_is_null(c, b);
    if (na || nb)
        return na == nb;
    ormc_param pa, pb;
    assert_int_equal(ormc__col_param(c, a, &pa), ORMC_OK);
    assert_int_equal(ormc__col_param(c, b, &pb), ORMC_OK);
    switch (c->type) {
    case ORMC_TYPE_INTEGER:
        return pa.u.i32 == pb.u.i32;
    case ORMC_TYPE_BIGINT:
        return pa.u.i64 == pb.u.i64;
    case ORMC_TYPE_DOUBLE:
        return pa.u.f64 == pb.u.f64;
    case ORMC_TYPE_BOOLEAN:
        return pa.u.b == pb.u.b;
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON:
    case ORMC_TYPE_ENUM: /* as its label */
        return strcmp(pa.u.text, pb.u.text) == 0;
    case ORMC_TYPE_BLOB:
        return pa.u.blob.len == pb.u.blob.len &&
               memcmp(pa.u.blob.data, pb.u.blob.data, pa.u.blob.len) == 0;
    case ORMC_TYPE_TIMESTAMP:
        return pa.u.time == pb.u.time;
    case ORMC_TYPE_UUID:
        return memcmp(&pa.u.uuid, &pb.u.uuid, sizeof pa.u.uuid) == 0;
    }
    return false;
}

static void *owned_of(const ormc_table *t, const void *row)
{
    void *owned;
    memcpy(&owned, (const char *)row + t->owned_offset, sizeof owned);
    return owned;
}

/* Every fixture of every table passes validation, and sets every column
 * (nullable ones too) except a serial and a nullable self-reference. */
static void test_valid_and_filled(void **state)
{
    (void)state;
    for (size_t ti = 0; ti < test_n_tables; ti++) {
        const ormc_table *t = test_tables[ti];
        for (size_t si = 0; si < sizeof seqs / sizeof seqs[0]; si++) {
            any_row row;
            ormc_invalid why;
            assert_int_equal(ormc_row_fixture(t, &row, seqs[si]), ORMC_OK);
            if (ormc_row_validate(t, &row, &why) != ORMC_OK)
                fail_msg("%s seq %llu: %s", t->name,
                         (unsigned long long)seqs[si], why.message);
            for (int i = 0; i < t->n_columns; i++) {
                const ormc_column *c = &t->columns[i];
                bool null = ormc__col_is_null(c, &row);
                if (c->flags & ORMC_COL_SERIAL)
                    continue;
                if (c->ref_table == t && !(c->flags & ORMC_COL_NOT_NULL))
                    assert_true(null);
                else if (null)
                    fail_msg("%s.%s is NULL", t->name, c->name);
            }
            ormc_row_free(t, &row);
        }
    }
}

static void test_deterministic(void **state)
{
    (void)state;
    for (size_t ti = 0; ti < test_n_tables; ti++) {
        const ormc_table *t = test_tables[ti];
        for (size_t si = 0; si < sizeof seqs / sizeof seqs[0]; si++) {
            any_row a, b;
            assert_int_equal(ormc_row_fixture(t, &a, seqs[si]), ORMC_OK);
            assert_int_equal(ormc_row_fixture(t, &b, seqs[si]), ORMC_OK);
            for (int i = 0; i < t->n_columns; i++)
                if (!same_value(t, i, &a, &b))
                    fail_msg("%s.%s differs for seq %llu", t->name,
                             t->columns[i].name, (unsigned long long)seqs[si]);
            ormc_row_free(t, &a);
            ormc_row_free(t, &b);
        }
    }
}

/* The key sets of t that must differ between fixtures: the primary key
 * (unless the database assigns it), each unique index, each unique
 * column. */
static size_t unique_sets(const ormc_table *t, ormc_colset *sets)
{
    size_t n = 0;
    bool serial_pk = false;
    for (int i = 0; i < t->n_columns; i++) {
        if ((t->primary_key & BIT(i)) &&
            (t->columns[i].flags & ORMC_COL_SERIAL))
            serial_pk = true;
        if (t->columns[i].flags & ORMC_COL_UNIQUE)
            sets[n++] = BIT(i);
    }
    if (!serial_pk)
        sets[n++] = t->primary_key;
    for (uint16_t i = 0; i < t->n_indexes; i++)
        if (t->indexes[i].unique)
            sets[n++] = t->indexes[i].columns;
    return n;
}

static void test_distinct_keys(void **state)
{
    (void)state;
    enum {
        N = 400
    };
    static any_row rows[N];
    for (size_t ti = 0; ti < test_n_tables; ti++) {
        const ormc_table *t = test_tables[ti];
        ormc_colset sets[80];
        size_t n_sets = unique_sets(t, sets);
        /* A few seqs from far apart as well as a run. */
        for (size_t r = 0; r < N; r++) {
            uint64_t seq = r < N - 4 ? r : (uint64_t)1 << (60 - r % 4);
            assert_int_equal(ormc_row_fixture(t, &rows[r], seq), ORMC_OK);
        }
        for (size_t k = 0; k < n_sets; k++) {
            for (size_t a = 0; a < N; a++) {
                for (size_t b = a + 1; b < N; b++) {
                    bool same = true;
                    for (int i = 0; i < t->n_columns && same; i++)
                        if (sets[k] & BIT(i))
                            same = same_value(t, i, &rows[a], &rows[b]);
                    if (same)
                        fail_msg("%s: rows %zu and %zu share a key", t->name, a,
                                 b);
                }
            }
        }
        for (size_t r = 0; r < N; r++)
            ormc_row_free(t, &rows[r]);
    }
}

/* Composite keys: every column varies with seq, not just one. */
static void test_every_key_column_varies(void **state)
{
    (void)state;
    test_line a, b;
    assert_int_equal(ormc_row_fixture(&test_line_table, &a, 5), ORMC_OK);
    assert_int_equal(ormc_row_fixture(&test_line_table, &b, 6), ORMC_OK);
    assert_true(a.order_id != b.order_id);
    assert_true(a.line_no != b.line_no);
    ormc_row_free(&test_line_table, &a);
    ormc_row_free(&test_line_table, &b);
}

static void test_values(void **state)
{
    (void)state;
    test_kind k;
    assert_int_equal(ormc_row_fixture(&test_kind_table, &k, 42), ORMC_OK);
    assert_int_equal(k.n_int, 43);
    assert_true(k.has_n_big);
    assert_true(k.n_big == 43);
    assert_true(k.has_ratio);
    assert_true(k.ratio == 42.5);
    assert_false(k.flag);
    assert_string_equal(k.name, "name-42");
    assert_string_equal(k.note, "note-42");
    assert_int_equal(k.data.len, 8);
    assert_memory_equal(k.data.data, "\0\0\0\0\0\0\0\x2a", 8);
    assert_true(k.at == BASE_US + 42 * INT64_C(1000000));
    assert_string_equal(k.meta, "{\"seq\": 42}");
    assert_int_equal(k.status, STATUS_NEW); /* 42 % 3 */
    assert_true(k.has_level);
    assert_int_equal(k.level, STATUS_NEW);

    /* A version 8, variant 10 UUID carrying seq. */
    char text[ORMC_UUID_TEXT_MAX];
    const uint8_t *u = k.id.bytes;
    snprintf(text, sizeof text,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x"
             "%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
             u[11], u[12], u[13], u[14], u[15]);
    assert_string_equal(text, "6f726d63-0000-8000-8000-00000000002a");

    ormc_row_free(&test_kind_table, &k);
    assert_int_equal(ormc_row_fixture(&test_kind_table, &k, UINT64_MAX - 1),
                     ORMC_OK);
    u = k.id.bytes;
    assert_int_equal(u[6], 0x80);
    assert_int_equal(u[7], 0xff);
    assert_int_equal(u[8], 0x80);
    assert_int_equal(u[15], 0xfe);

    /* The strings live in the one owned block. */
    const char *owned = owned_of(&test_kind_table, &k);
    assert_non_null(owned);
    assert_true(k.name >= owned && k.meta > k.name);
    ormc_row_free(&test_kind_table, &k);
    assert_null(k.name);

    /* Odd seq: true. */
    assert_int_equal(ormc_row_fixture(&test_kind_table, &k, 7), ORMC_OK);
    assert_true(k.flag);
    assert_int_equal(k.status, STATUS_ACTIVE);
    ormc_row_free(&test_kind_table, &k);
}

static void test_serial_and_defaults(void **state)
{
    (void)state;
    test_bot b;
    assert_int_equal(ormc_row_fixture(&test_bot_table, &b, 3), ORMC_OK);
    assert_true(b.id == 0); /* the database assigns it */
    assert_string_equal(b.client_id, "client_id-3");
    assert_string_equal(b.bot_scopes, "bot_scopes-3");
    assert_true(b.has_bot_token_expires_at);
    assert_true(b.is_enterprise_install);
    /* A now-default is set too: the fixture stays deterministic. */
    assert_true(b.has_installed_at);
    assert_true(b.installed_at == BASE_US + 3 * INT64_C(1000000));
    /* The insert leaves only the serial to the database. */
    ormc_colset cols = ormc__insert_columns(&test_bot_table, &b);
    assert_true(cols == (ormc__all_columns(&test_bot_table) & ~BIT(BOT_ID)));
    ormc_row_free(&test_bot_table, &b);
}

static void test_short_max(void **state)
{
    (void)state;
    test_node n;
    /* "label-7" is longer than 5: the number alone. */
    assert_int_equal(ormc_row_fixture(&test_node_table, &n, 7), ORMC_OK);
    assert_string_equal(n.label, "7");
    assert_false(n.has_parent_id); /* a nullable self-reference */
    ormc_row_free(&test_node_table, &n);
    assert_int_equal(ormc_row_fixture(&test_node_table, &n, 99999), ORMC_OK);
    assert_string_equal(n.label, "99999");
    ormc_row_free(&test_node_table, &n);
    /* 123456 has six digits: base 52 in letters, 45 34 8. */
    assert_int_equal(ormc_row_fixture(&test_node_table, &n, 123456), ORMC_OK);
    assert_string_equal(n.label, "tiI");
    ormc_row_free(&test_node_table, &n);

    /* The letters never equal another seq's digits (62^3 in base 62 would
     * have been "1000"). */
    test_node m;
    assert_int_equal(ormc_row_fixture(&test_node_table, &n, 1000), ORMC_OK);
    assert_int_equal(ormc_row_fixture(&test_node_table, &m, 238328), ORMC_OK);
    assert_string_equal(n.label, "1000");
    assert_string_not_equal(m.label, n.label);
    ormc_row_free(&test_node_table, &n);
    ormc_row_free(&test_node_table, &m);

    test_line l;
    assert_int_equal(ormc_row_fixture(&test_line_table, &l, 1000), ORMC_OK);
    assert_string_equal(l.sku, "TM"); /* 1000 = 19 * 52 + 12 */
    ormc_row_free(&test_line_table, &l);
    assert_int_equal(ormc_row_fixture(&test_line_table, &l, 1000000), ORMC_OK);
    assert_int_equal(strlen(l.sku), 3);
    ormc_row_free(&test_line_table, &l);
}

static void test_references(void **state)
{
    (void)state;
    test_line l;
    test_order o;
    assert_int_equal(ormc_row_fixture(&test_line_table, &l, 9), ORMC_OK);
    assert_int_equal(ormc_row_fixture(&test_order_table, &o, 9), ORMC_OK);
    /* A text key matches the parent's fixture of the same seq. */
    assert_string_equal(l.order_code, o.code);
    assert_string_equal(l.order_code, "code-9");
    /* A serial key is unknown: seq + 1 stands in until the parent is
     * stored; the parent itself leaves it to the database. */
    assert_true(l.order_id == 10);
    assert_true(o.id == 0);
    ormc_row_free(&test_line_table, &l);
    ormc_row_free(&test_order_table, &o);
}

static void test_no_strings_no_allocation(void **state)
{
    (void)state;
    /* A table with nothing variable-length owns nothing. */
    static const ormc_column cols[] = {
        {"id",
         "id",
         ORMC_TYPE_BIGINT,
         ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY,
         offsetof(test_order, id),
         ORMC_NO_HAS,
         0,
         NULL,
         0,
         NULL,
         0,
         NULL,
         {NULL, NULL, NULL},
         {NULL, NULL, NULL}},
    };
    static const uint16_t pk[] = {0};
    const ormc_table t = {"ints",
                          "ints",
                          sizeof(test_order),
                          offsetof(test_order, ormc_owned),
                          cols,
                          1,
                          BIT(0),
                          pk,
                          1,
                          NULL,
                          0,
                          NULL,
                          0,
                          0,
                          NULL};
    test_order row;
    memset(&row, 0x55, sizeof row);
    assert_int_equal(ormc_row_fixture(&t, &row, 4), ORMC_OK);
    assert_true(row.id == 5);
    assert_null(row.ormc_owned);
    assert_null(row.code);

    assert_int_equal(ormc_row_fixture(NULL, &row, 1), ORMC_INVALID);
    assert_int_equal(ormc_row_fixture(&t, NULL, 1), ORMC_INVALID);
}

/* === The parents of fixture_insert === */

/* A small graph: c -> b -> a, c -> a, d -> c and d -> e -> d (a cycle);
 * f -> g -> a, where f's reference is a composite foreign key. */
typedef struct ref_row {
    int64_t id, r1, r2;
    void *ormc_owned;
} ref_row;

extern const ormc_table ref_a, ref_b, ref_c, ref_d, ref_e, ref_f, ref_g;

#define REF_COL(name, field, ref)                                              \
    {                                                                          \
        name, name, ORMC_TYPE_BIGINT, 0, offsetof(ref_row, field),             \
            ORMC_NO_HAS, 0, NULL, 0, ref, 0, NULL, {NULL, NULL, NULL},         \
        {                                                                      \
            NULL, NULL, NULL                                                   \
        }                                                                      \
    }
#define REF_TABLE_FK(name, cols, fks, n_fks)                                   \
    {                                                                          \
        name, name, sizeof(ref_row), offsetof(ref_row, ormc_owned), cols, 3,   \
            BIT(0), NULL, 1, NULL, 0, fks, n_fks, 0, NULL                      \
    }
#define REF_TABLE(name, cols) REF_TABLE_FK(name, cols, NULL, 0)

static const ormc_column cols_a[] = {REF_COL("id", id, NULL),
                                     REF_COL("r1", r1, NULL),
                                     REF_COL("r2", r2, &ref_a)};
static const ormc_column cols_b[] = {REF_COL("id", id, NULL),
                                     REF_COL("r1", r1, &ref_a),
                                     REF_COL("r2", r2, NULL)};
static const ormc_column cols_c[] = {REF_COL("id", id, NULL),
                                     REF_COL("r1", r1, &ref_b),
                                     REF_COL("r2", r2, &ref_a)};
static const ormc_column cols_d[] = {REF_COL("id", id, NULL),
                                     REF_COL("r1", r1, &ref_c),
                                     REF_COL("r2", r2, &ref_e)};
static const ormc_column cols_e[] = {REF_COL("id", id, NULL),
                                     REF_COL("r1", r1, &ref_d),
                                     REF_COL("r2", r2, NULL)};
const ormc_table ref_a = REF_TABLE("a", cols_a);
const ormc_table ref_b = REF_TABLE("b", cols_b);
const ormc_table ref_c = REF_TABLE("c", cols_c);
const ormc_table ref_d = REF_TABLE("d", cols_d);
const ormc_table ref_e = REF_TABLE("e", cols_e);
static const ormc_column cols_f[] = {
    REF_COL("id", id, NULL), REF_COL("r1", r1, NULL), REF_COL("r2", r2, NULL)};
static const ormc_column cols_g[] = {REF_COL("id", id, NULL),
                                     REF_COL("r1", r1, NULL),
                                     REF_COL("r2", r2, &ref_a)};
/* f (r1, r2) references g (id, r2). */
static const uint16_t f_key[] = {1, 2}, g_key[] = {0, 2};
static const ormc_foreign_key fks_f[] = {
    {"f_r1_r2_fkey", "g", &ref_f, &ref_g, f_key, g_key, 2}};
const ormc_table ref_f = REF_TABLE_FK("f", cols_f, fks_f, 1);
const ormc_table ref_g = REF_TABLE("g", cols_g);

static void expect_parents(const ormc_table *t, const char *names)
{
    const ormc_table **list = NULL;
    size_t n = 99;
    char got[64] = "";
    assert_int_equal(ormc__fixture_parents(t, &list, &n), ORMC_OK);
    for (size_t i = 0; i < n; i++) {
        strcat(got, list[i]->name);
        strcat(got, " ");
    }
    assert_string_equal(got, names);
    if (n == 0)
        assert_null(list);
    free(list);
}

static void test_parents(void **state)
{
    (void)state;
    expect_parents(&ref_a, ""); /* only a reference to itself */
    expect_parents(&ref_b, "a ");
    expect_parents(&ref_c, "a b ");
    expect_parents(&ref_d, "a b c e ");
    expect_parents(&ref_e, "a b c d ");
    expect_parents(&ref_f, "a g "); /* through the composite key */
    expect_parents(&test_line_table, "order ");
    expect_parents(&test_node_table, "");
    expect_parents(&test_bot_table, "");

    const ormc_table **list;
    size_t n;
    assert_int_equal(ormc__fixture_parents(NULL, &list, &n), ORMC_INVALID);
    assert_int_equal(ormc__fixture_parents(&ref_a, NULL, &n), ORMC_INVALID);
}

/* A reference column takes the referenced column's value, following a
 * chain of references to where the value is made. */
static void test_reference_chain(void **state)
{
    (void)state;
    ref_row r;
    assert_int_equal(ormc_row_fixture(&ref_c, &r, 3), ORMC_OK);
    assert_true(r.id == 4);
    assert_true(r.r1 == 4); /* b.id for seq 3 */
    assert_true(r.r2 == 4); /* a.id */
    ormc_row_free(&ref_c, &r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_and_filled),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_distinct_keys),
        cmocka_unit_test(test_every_key_column_varies),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_serial_and_defaults),
        cmocka_unit_test(test_short_max),
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_no_strings_no_allocation),
        cmocka_unit_test(test_parents),
        cmocka_unit_test(test_reference_chain),
    };
    return cmocka_run_group_tests_name("engine_fixture", tests, NULL, NULL);
}
