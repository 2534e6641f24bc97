/*
 * test_write_checks.c: every write of a row refuses, on both backends and
 * before sending anything, what one backend would store and the other
 * refuse or change: a text over its max characters, invalid UTF-8, invalid
 * JSON, an enum value outside its labels, a NULL in a NOT NULL column, NaN,
 * a timestamp before PostgreSQL's first day. Also: the extreme timestamps
 * read back as written, doubles' special values, and LIKE patterns that end
 * with the escape character.
 *
 * "Nothing sent" is asserted three ways: the trace hook saw no statement,
 * the row is absent (or unchanged), and the transaction is not failed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_tables.h"

/* kinds, as the generated functions pass them (ormc_row_update is the
 * generated _update's path). */
static ormc_table kind_t;

#define ALL_KIND_COLUMNS (ORMC_COLUMN_BIT(KIND_LEVEL + 1) - 1)
#define NOT_KEY (ALL_KIND_COLUMNS & ~ORMC_COLUMN_BIT(KIND_ID))

static void count_statements(void *ctx, const ormc_trace_event *ev)
{
    (void)ev;
    (*(int *)ctx)++;
}

static int n_sent;

static ormc_db *setup(void **state)
{
    ormc_db *db = ormc_test_db(state);
    kind_t = test_kind_table;
    data_create_tables(db);
    n_sent = 0;
    ormc_set_trace(db, count_statements, &n_sent);
    return db;
}

static test_kind good_kind(uint32_t n)
{
    test_kind k = {0};
    k.id = data_uuid(n);
    k.n_int = (int32_t)n;
    k.flag = true;
    k.name = "ok";
    k.at = INT64_C(1704067200000000) + n;
    k.meta = "{\"a\": 1}";
    k.status = STATUS_ACTIVE;
    return k;
}

/* === the writes, each as one call on a row === */

typedef int (*write_fn)(ormc_db *db, test_kind *row);

static int w_insert(ormc_db *db, test_kind *row)
{
    return ormc_row_insert(db, &kind_t, row);
}

/* Two good rows before it: they would have been sent first. */
static int w_insert_many(ormc_db *db, test_kind *row)
{
    test_kind rows[3] = {good_kind(9001), good_kind(9002), *row};
    return ormc_row_insert_many(db, &kind_t, rows, 3);
}

/* The generated _update: every non-key column by key. */
static int w_update(ormc_db *db, test_kind *row)
{
    return ormc_row_update(db, &kind_t, row);
}

static int w_update_columns(ormc_db *db, test_kind *row)
{
    return ormc_row_update_columns(db, &kind_t, row, NOT_KEY);
}

static int w_upsert(ormc_db *db, test_kind *row)
{
    return ormc_row_upsert(db, &kind_t, row, ORMC_COLUMN_BIT(KIND_ID));
}

static int w_find_or_create(ormc_db *db, test_kind *row)
{
    bool created;
    return ormc_row_find_or_create(db, &kind_t, row, ORMC_COLUMN_BIT(KIND_ID),
                                   &created);
}

static int w_update_where(ormc_db *db, test_kind *row)
{
    ormc_builder q;
    ormc_builder_init(&q, &kind_t);
    ormc_param p = data_uuid_param(row->id);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(KIND_ID), ORMC_EQ, &p);
    int64_t changed = 0;
    int rc = ormc_builder_update(db, &q, row, NOT_KEY, &changed);
    ormc_builder_free(&q);
    return rc == ORMC_OK && changed == 0 ? ORMC_NOT_FOUND : rc;
}

static const struct {
    const char *name;
    write_fn fn;
    bool updates; /* writes the existing row (else inserts a new one) */
} writes[] = {
    {"insert", w_insert, false},
    {"insert_many", w_insert_many, false},
    {"update", w_update, true},
    {"update_columns", w_update_columns, true},
    {"upsert", w_upsert, false},
    {"find_or_create", w_find_or_create, false},
    {"update_where", w_update_where, true},
};
#define N_WRITES (sizeof writes / sizeof writes[0])

/* === the faults === */

/* nine characters, eighteen bytes: max is 8 characters */
static const char NINE[] = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                           "\xc3\xa9\xc3\xa9\xc3\xa9";
/* eight characters, sixteen bytes: accepted */
static const char EIGHT[] = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                            "\xc3\xa9\xc3\xa9";

static void f_too_long(test_kind *k)
{
    k->name = NINE;
}
static void f_too_long_ascii(test_kind *k)
{
    k->name = "abcdefghi";
}
static void f_bad_utf8(test_kind *k)
{
    k->note = "caf\xc3"; /* a sequence cut short */
}
static void f_bad_json(test_kind *k)
{
    k->meta = "{\"a\": }";
}
static void f_bad_enum(test_kind *k)
{
    k->status = (test_status)7;
}
static void f_bad_nullable_enum(test_kind *k)
{
    k->has_level = true;
    k->level = (test_kind_level)-1;
}
static void f_null(test_kind *k)
{
    k->name = NULL;
}
static void f_nan(test_kind *k)
{
    k->has_ratio = true;
    k->ratio = NAN;
}
static void f_too_early(test_kind *k)
{
    k->at = INT64_C(-210866803200000000) - 1;
}

static const struct {
    const char *name;
    void (*apply)(test_kind *k);
    const char *message; /* what ormc_errmsg starts with */
    const char *sqlstate;
} faults[] = {
    {"max+1 characters", f_too_long,
     "kind.name: 9 characters, at most 8 allowed", "22001"},
    {"max+1 ASCII characters", f_too_long_ascii,
     "kind.name: 9 characters, at most 8 allowed", "22001"},
    {"invalid UTF-8", f_bad_utf8, "kind.note: not valid UTF-8", "22021"},
    {"invalid JSON", f_bad_json, "kind.meta: not valid JSON", "22P02"},
    {"enum label", f_bad_enum, "kind.status: 7 is not a value of the enum",
     "22P02"},
    {"nullable enum label", f_bad_nullable_enum,
     "kind.level: -1 is not a value of the enum", "22P02"},
    {"NOT NULL", f_null, "kind.name: NULL, but the column is NOT NULL",
     "23502"},
    {"NaN", f_nan, "kind.ratio: NaN cannot be stored", "22023"},
    {"timestamp before 4714 BC", f_too_early, "kind.at: ", "22008"},
};
#define N_FAULTS (sizeof faults / sizeof faults[0])

/* The stored row of id n (owning its data: ormc_row_free it). */
static int fetch_kind(ormc_db *db, uint32_t n, test_kind *out)
{
    test_kind key = {0};
    key.id = data_uuid(n);
    return ormc_row_get(db, &kind_t, &key, out);
}

/* Reported: a text of max+1 characters was ORMC_CONSTRAINT on SQLite and
 * ORMC_ERROR (22001) on PostgreSQL; invalid UTF-8 and JSON were stored by
 * SQLite and refused by PostgreSQL. Every write now refuses them alike. */
static void test_every_write_refuses_before_sending(void **state)
{
    ormc_db *db = setup(state);
    test_kind base = good_kind(1);
    assert_ok(db, ormc_row_insert(db, &kind_t, &base));
    assert_ok(db, ormc_commit(db));

    for (size_t w = 0; w < N_WRITES; w++) {
        for (size_t f = 0; f < N_FAULTS; f++) {
            /* an open transaction, so that a failed one would show */
            assert_int_equal(data_count_rows(db, "kinds"), 1);
            test_kind k = good_kind(writes[w].updates ? 1 : 2);
            faults[f].apply(&k);
            int before = n_sent;
            int rc = writes[w].fn(db, &k);
            if (rc != ORMC_INVALID)
                fail_msg("%s, %s: %s (%s)", writes[w].name, faults[f].name,
                         ormc_strstatus(rc), ormc_errmsg(db));
            /* "table.column: why"; insert_many says which row too
             * ("table.column: row 2: why") */
            char want[256];
            const char *why = strstr(faults[f].message, ": ") + 2;
            snprintf(want, sizeof want, "%.*s%s%s",
                     (int)(why - faults[f].message), faults[f].message,
                     writes[w].fn == w_insert_many ? "row 2: " : "", why);
            const char *msg = ormc_errmsg(db);
            if (strncmp(msg, want, strlen(want)) != 0)
                fail_msg("%s, %s: message \"%s\"", writes[w].name,
                         faults[f].name, msg);
            /* the column, as the error's constraint */
            const char *col = strchr(faults[f].message, '.') + 1;
            assert_int_equal(strlen(ormc_errconstraint(db)),
                             (size_t)(why - 2 - col));
            assert_memory_equal(ormc_errconstraint(db), col,
                                (size_t)(why - 2 - col));
            assert_string_equal(ormc_sqlstate(db), faults[f].sqlstate);
            /* nothing sent */
            assert_int_equal(n_sent, before);
            assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
            assert_int_equal(data_count_rows(db, "kinds"), 1);
            test_kind got;
            assert_ok(db, fetch_kind(db, 1, &got));
            assert_string_equal(got.name, "ok");
            assert_int_equal(got.status, STATUS_ACTIVE);
            ormc_row_free(&kind_t, &got);
            assert_ok(db, ormc_rollback(db));
        }
    }
}

/* The write path's ASCII fast path: one bad byte anywhere in texts of
 * every length it splits differently is found; ASCII at max passes, max+1
 * does not. */
static void test_ascii_fast_path(void **state)
{
    ormc_db *db = setup(state);
    char buf[40];
    test_bot b = {0};
    b.app_id = "A1";
    b.client_id = buf;
    for (size_t len = 1; len <= 24; len++) {
        for (size_t at = 0; at < len; at++) {
            memset(buf, 'a', len);
            buf[len] = '\0';
            buf[at] = (char)0x80;
            assert_int_equal(ormc_row_insert(db, &test_bot_table, &b),
                             ORMC_INVALID);
            char want[64];
            snprintf(want, sizeof want,
                     "bot.client_id: not valid UTF-8 (at byte %zu)", at);
            assert_string_equal(ormc_errmsg(db), want);
        }
    }
    assert_int_equal(n_sent, 0);
    memset(buf, 'c', 33);
    buf[33] = '\0';
    assert_int_equal(ormc_row_insert(db, &test_bot_table, &b), ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db),
                        "bot.client_id: 33 characters, at most 32 allowed");
    buf[32] = '\0';
    assert_ok(db, ormc_row_insert(db, &test_bot_table, &b));
    assert_int_equal(data_count_rows(db, "slack_bots"), 1);
    assert_ok(db, ormc_commit(db));
}

/* The same row at max characters (multibyte characters count one each),
 * through every write, is stored and reads back. */
static void test_every_write_takes_max_characters(void **state)
{
    ormc_db *db = setup(state);
    test_kind base = good_kind(1);
    assert_ok(db, ormc_row_insert(db, &kind_t, &base));
    for (size_t w = 0; w < N_WRITES; w++) {
        uint32_t n = writes[w].updates ? 1 : 100 + (uint32_t)w;
        test_kind k = good_kind(n);
        k.name = EIGHT;
        k.note = "caf\xc3\xa9 \xf0\x9f\x98\x80";
        k.meta = "{\"caf\xc3\xa9\": [1, 2.5e3, null]}";
        k.has_level = true;
        k.level = STATUS_CLOSED;
        int rc = writes[w].fn(db, &k);
        if (rc != ORMC_OK)
            fail_msg("%s: %s (%s)", writes[w].name, ormc_strstatus(rc),
                     ormc_errmsg(db));
        ormc_row_free(&kind_t, &k); /* upsert and find-or-create own it */
        test_kind got;
        assert_ok(db, fetch_kind(db, n, &got));
        assert_string_equal(got.name, EIGHT);
        assert_string_equal(got.note, "caf\xc3\xa9 \xf0\x9f\x98\x80");
        assert_int_equal(got.level, STATUS_CLOSED);
        ormc_row_free(&kind_t, &got);
        /* restore the row the next updates change */
        if (writes[w].updates)
            assert_ok(db, w_update(db, &base));
    }
    assert_ok(db, ormc_commit(db));
}

/* Reported: on SQLite a timestamp within 2 s of INT64_MAX was written but
 * could never be read back. Each end of the range both backends store
 * reads back as written; one microsecond before it is refused. */
static void test_extreme_timestamps_read_back(void **state)
{
    ormc_db *db = setup(state);
    static const ormc_time at[] = {
        INT64_MAX,
        INT64_MAX - 1,
        INT64_MAX - 1000000,
        INT64_MAX - 2000000,
        INT64_C(-210866803200000000), /* 4714-11-24 00:00:00 BC */
        INT64_C(-210866803200000000) + 1,
        0,
        -1,
    };
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        test_kind k = good_kind(10 + (uint32_t)i);
        k.at = at[i];
        assert_ok(db, ormc_row_insert(db, &kind_t, &k));
        test_kind got;
        assert_ok(db, fetch_kind(db, 10 + (uint32_t)i, &got));
        if (got.at != at[i])
            fail_msg("wrote %lld, read %lld", (long long)at[i],
                     (long long)got.at);
        ormc_row_free(&kind_t, &got);
    }
    /* and every row of the table reads back in one query */
    ormc_builder q;
    ormc_builder_init(&q, &kind_t);
    void *items = NULL;
    size_t count = 0;
    assert_ok(db, ormc_builder_all(db, &q, &items, &count));
    assert_int_equal(count, sizeof at / sizeof at[0]);
    ormc_list_free(&kind_t, items, count);
    ormc_builder_free(&q);

    test_kind k = good_kind(99);
    k.at = INT64_MIN;
    assert_int_equal(ormc_row_insert(db, &kind_t, &k), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "kind.at: "));
    assert_ok(db, ormc_commit(db));
}

/* SQLite stores NaN as NULL, so NaN is refused on both backends (above);
 * the infinities read back on both; -0.0 reads back as a zero on both, its
 * sign kept by PostgreSQL only (docs/generator.md, "Column types"). */
static void test_double_special_values(void **state)
{
    ormc_db *db = setup(state);
    static const double v[] = {INFINITY, -INFINITY, -0.0, 1e308, -4.9e-324};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        test_kind k = good_kind(20 + (uint32_t)i);
        k.has_ratio = true;
        k.ratio = v[i];
        assert_ok(db, ormc_row_insert(db, &kind_t, &k));
        test_kind got;
        assert_ok(db, fetch_kind(db, 20 + (uint32_t)i, &got));
        assert_true(got.has_ratio);
        assert_true(got.ratio == v[i]);
        if (v[i] == 0)
            assert_int_equal(signbit(got.ratio) != 0,
                             ormc_backend_of(db) == ORMC_POSTGRES);
        ormc_row_free(&kind_t, &got);
    }
    /* validate says the same as the writes */
    test_kind k = good_kind(30);
    k.has_ratio = true;
    k.ratio = NAN;
    ormc_invalid why;
    assert_int_equal(ormc_row_validate(&kind_t, &k, &why), ORMC_INVALID);
    assert_int_equal(why.column, KIND_RATIO);
    assert_ok(db, ormc_commit(db));
}

/* === LIKE === */

static int like_first(ormc_db *db, const ormc_builder *q)
{
    test_order o;
    int rc = ormc_builder_first(db, q, &o);
    if (rc == ORMC_OK)
        ormc_row_free(&test_order_table, &o);
    return rc;
}
static int like_all(ormc_db *db, const ormc_builder *q)
{
    void *items;
    size_t n;
    int rc = ormc_builder_all(db, q, &items, &n);
    if (rc == ORMC_OK)
        ormc_list_free(&test_order_table, items, n);
    return rc;
}
static int like_count(ormc_db *db, const ormc_builder *q)
{
    int64_t n;
    return ormc_builder_count(db, q, &n);
}
static int like_exists(ormc_db *db, const ormc_builder *q)
{
    bool e;
    return ormc_builder_exists(db, q, &e);
}
static int like_delete(ormc_db *db, const ormc_builder *q)
{
    int64_t n;
    return ormc_builder_delete(db, q, &n);
}
static int like_update(ormc_db *db, const ormc_builder *q)
{
    test_order v = {0};
    v.note = "changed";
    int64_t n;
    return ormc_builder_update(db, q, &v, ORMC_COLUMN_BIT(ORDER_NOTE), &n);
}
static int like_cursor(ormc_db *db, const ormc_builder *q)
{
    ormc_cursor *cur = NULL;
    int rc = ormc_cursor_open(db, q, &cur);
    if (rc != ORMC_OK)
        return rc;
    test_order o;
    while ((rc = ormc_cursor_next(cur, &o)) == ORMC_ROW) {}
    ormc_cursor_close(cur);
    return rc == ORMC_DONE ? ORMC_OK : rc;
}

/* Reported: LIKE "back\" (the pattern ending with the escape character)
 * matched nothing on SQLite and was an error on PostgreSQL. Every executor
 * now refuses it on both, nothing sent; an escaped backslash still
 * matches a backslash. */
static void test_like_trailing_escape(void **state)
{
    ormc_db *db = setup(state);
    test_order o = {0};
    o.code = "back\\";
    assert_ok(db, ormc_row_insert(db, &test_order_table, &o));
    assert_ok(db, ormc_commit(db));

    static int (*const run[])(ormc_db *, const ormc_builder *) = {
        like_first,  like_all,    like_count,  like_exists,
        like_delete, like_update, like_cursor,
    };
    static const char *const bad[] = {"back\\", "\\", "a\\\\\\"};
    for (size_t r = 0; r < sizeof run / sizeof run[0]; r++) {
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            assert_int_equal(data_count_rows(db, "orders"), 1);
            ormc_builder q;
            ormc_builder_init(&q, &test_order_table);
            ormc_param p = data_text(bad[b]);
            ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_CODE), ORMC_LIKE, &p);
            int before = n_sent;
            int rc = run[r](db, &q);
            ormc_builder_free(&q);
            if (rc != ORMC_INVALID)
                fail_msg("executor %zu, \"%s\": %s (%s)", r, bad[b],
                         ormc_strstatus(rc), ormc_errmsg(db));
            assert_non_null(strstr(ormc_errmsg(db),
                                   "order.code: the LIKE pattern ends with "
                                   "the escape character"));
            assert_string_equal(ormc_errconstraint(db), "code");
            assert_int_equal(n_sent, before);
            assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
            assert_ok(db, ormc_rollback(db));
        }
    }

    /* an escaped backslash is a backslash, on both */
    ormc_builder q;
    ormc_builder_init(&q, &test_order_table);
    ormc_param p = data_text("back\\\\");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_CODE), ORMC_LIKE, &p);
    int64_t n = 0;
    assert_ok(db, ormc_builder_count(db, &q, &n));
    assert_int_equal(n, 1);
    ormc_builder_free(&q);
    ormc_builder_init(&q, &test_order_table);
    p = data_text("%\\\\");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_CODE), ORMC_LIKE, &p);
    assert_ok(db, ormc_builder_count(db, &q, &n));
    assert_int_equal(n, 1);
    ormc_builder_free(&q);
    assert_ok(db, ormc_rollback(db));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_every_write_refuses_before_sending),
        ORMC_BACKEND_TEST(test_every_write_takes_max_characters),
        ORMC_BACKEND_TEST(test_ascii_fast_path),
        ORMC_BACKEND_TEST(test_extreme_timestamps_read_back),
        ORMC_BACKEND_TEST(test_double_special_values),
        ORMC_BACKEND_TEST(test_like_trailing_escape),
    };
    return ormc_test_run_backends("write_checks", tests);
}
