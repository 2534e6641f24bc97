/*
 * test_types.c: every value type through the row engine (a hand-written
 * descriptor, as the generator would emit) and through raw SQL, NULLs and
 * extremes included, on both backends.
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "ormc_test.h"
#include "ormc_generated.h"

typedef enum color {
    COLOR_RED,
    COLOR_GREEN,
    COLOR_BLUE
} color;

typedef struct item {
    int64_t id;
    bool has_i32;
    int32_t i32;
    bool has_i64;
    int64_t i64;
    bool has_f64;
    double f64;
    bool has_flag;
    bool flag;
    const char *name;
    ormc_blob data;
    bool has_at;
    ormc_time at;
    const char *doc;
    bool has_uid;
    ormc_uuid uid;
    bool has_color;
    color color;
    void *ormc_owned;
} item;

static const char *const color_labels[] = {"red", "green", "blue"};

#define COL(n, t, f, h)                                                        \
    {                                                                          \
        n, n, t, 0, offsetof(item, f), h, 0, NULL, 0, NULL, 0, NULL,           \
            {NULL, NULL, NULL},                                                \
        {                                                                      \
            NULL, NULL, NULL                                                   \
        }                                                                      \
    }
#define HAS(f) offsetof(item, has_##f)

static const ormc_column item_columns[] = {
    {"id",
     "id",
     ORMC_TYPE_BIGINT,
     ORMC_COL_PRIMARY_KEY | ORMC_COL_NOT_NULL,
     offsetof(item, id),
     ORMC_NO_HAS,
     0,
     NULL,
     0,
     NULL,
     0,
     NULL,
     {NULL, NULL, NULL},
     {NULL, NULL, NULL}},
    COL("i32", ORMC_TYPE_INTEGER, i32, HAS(i32)),
    COL("i64", ORMC_TYPE_BIGINT, i64, HAS(i64)),
    COL("f64", ORMC_TYPE_DOUBLE, f64, HAS(f64)),
    COL("flag", ORMC_TYPE_BOOLEAN, flag, HAS(flag)),
    COL("name", ORMC_TYPE_TEXT, name, ORMC_NO_HAS),
    COL("data", ORMC_TYPE_BLOB, data, ORMC_NO_HAS),
    {"at",
     "at",
     ORMC_TYPE_TIMESTAMP,
     ORMC_COL_TZ,
     offsetof(item, at),
     HAS(at),
     0,
     NULL,
     0,
     NULL,
     0,
     NULL,
     {NULL, NULL, NULL},
     {NULL, NULL, NULL}},
    COL("doc", ORMC_TYPE_JSON, doc, ORMC_NO_HAS),
    COL("uid", ORMC_TYPE_UUID, uid, HAS(uid)),
    {"color",
     "color",
     ORMC_TYPE_ENUM,
     0,
     offsetof(item, color),
     HAS(color),
     0,
     color_labels,
     3,
     NULL,
     0,
     NULL,
     {NULL, NULL, NULL},
     {NULL, NULL, NULL}},
};

static const uint16_t item_pk[] = {0};

static const char *const sql_insert =
    "INSERT INTO items (id, i32, i64, f64, flag, name, data, at, doc, uid, "
    "color) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

static const ormc_table item_table = {
    "item",
    "items",
    sizeof(item),
    offsetof(item, ormc_owned),
    item_columns,
    11,
    ORMC_COLUMN_BIT(0),
    item_pk,
    1,
    NULL,
    0,
    NULL,
    0,
    0,
    NULL,
};

#define ALL_COLUMNS ((ormc_colset)0x7ff)

static const char *const ddl_sqlite =
    "CREATE TABLE items (id INTEGER PRIMARY KEY, i32 INTEGER, i64 INTEGER, "
    "f64 REAL, flag INTEGER, name TEXT, data BLOB, at TEXT, doc TEXT, "
    "uid TEXT, color TEXT CHECK (color IN ('red', 'green', 'blue')))";
static const char *const ddl_postgres =
    "CREATE TABLE items (id bigint PRIMARY KEY, i32 integer, i64 bigint, "
    "f64 double precision, flag boolean, name text, data bytea, "
    "at timestamptz, doc jsonb, uid uuid, "
    "color text CHECK (color IN ('red', 'green', 'blue')))";

static void create_items(ormc_db *db)
{
    ormc_test_exec(db, ormc_backend_of(db) == ORMC_SQLITE ? ddl_sqlite
                                                          : ddl_postgres);
    assert_ok(db, ormc_commit(db));
}

static ormc_time at(const char *text)
{
    ormc_time t;
    assert_int_equal(ormc_time_parse(text, &t), ORMC_OK);
    return t;
}

#define MIB (1024 * 1024)

/* Three rows: all NULL, the low extremes, the high extremes. */
static void make_rows(item rows[3], uint8_t *big)
{
    memset(rows, 0, 3 * sizeof rows[0]);
    rows[0].id = 1;

    item *lo = &rows[1];
    lo->id = 2;
    lo->has_i32 = lo->has_i64 = lo->has_f64 = lo->has_flag = true;
    lo->i32 = INT32_MIN;
    lo->i64 = INT64_MIN;
    lo->f64 = -DBL_MAX;
    lo->flag = false;
    lo->name = "";
    lo->data.data = "";
    lo->data.len = 0;
    lo->has_at = true;
    lo->at = at("1969-07-20 20:17:40.123456");
    lo->doc = "[]";
    lo->has_uid = true; /* all zero */
    lo->has_color = true;
    lo->color = COLOR_RED;

    item *hi = &rows[2];
    hi->id = INT64_MAX;
    hi->has_i32 = hi->has_i64 = hi->has_f64 = hi->has_flag = true;
    hi->i32 = INT32_MAX;
    hi->i64 = INT64_MAX;
    hi->f64 = DBL_MIN;
    hi->flag = true;
    hi->name = "Gr\xc3\xbc\xc3\x9f"
               "e, \xe4\xb8\x96\xe7\x95\x8c \xf0\x9f\x8e\x89 "
               "'quoted' \"double\" $1 ?1";
    for (size_t i = 0; i < MIB; i++)
        big[i] = (uint8_t)(i * 7 + (i >> 11));
    big[0] = 0; /* NUL bytes are data too */
    hi->data.data = big;
    hi->data.len = MIB;
    hi->has_at = true;
    hi->at = at("2100-12-31 23:59:59.999999");
    hi->doc = "{\"k\": [1, 2, \"\xc3\xbc\"]}";
    hi->has_uid = true;
    memset(hi->uid.bytes, 0xff, 16);
    hi->uid.bytes[6] = 0x4f;
    hi->has_color = true;
    hi->color = COLOR_BLUE;
}

static void assert_same(const item *a, const item *b)
{
    assert_int_equal(a->id, b->id);
    assert_int_equal(a->has_i32, b->has_i32);
    assert_int_equal(a->i32, b->i32);
    assert_int_equal(a->has_i64, b->has_i64);
    assert_true(a->i64 == b->i64);
    assert_int_equal(a->has_f64, b->has_f64);
    assert_true(a->f64 == b->f64);
    assert_int_equal(a->has_flag, b->has_flag);
    assert_int_equal(a->flag, b->flag);
    if (a->name)
        assert_string_equal(a->name, b->name);
    else
        assert_null(b->name);
    if (a->data.data) {
        assert_non_null(b->data.data);
        assert_int_equal(a->data.len, b->data.len);
        if (a->data.len)
            assert_memory_equal(a->data.data, b->data.data, a->data.len);
    } else {
        assert_null(b->data.data);
    }
    assert_int_equal(a->has_at, b->has_at);
    assert_true(a->at == b->at);
    if (a->doc)
        assert_string_equal(a->doc, b->doc);
    else
        assert_null(b->doc);
    assert_int_equal(a->has_uid, b->has_uid);
    assert_memory_equal(&a->uid, &b->uid, sizeof a->uid);
    assert_int_equal(a->has_color, b->has_color);
    assert_int_equal(a->color, b->color);
}

/* Each row inserted with its key alone, then written whole by
 * ormc_row_update (every type bound from the row) and read back by
 * ormc_row_get (every type decoded). */
static void test_row_round_trip(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_items(db);
    uint8_t *big = malloc(MIB);
    assert_non_null(big);
    item rows[3];
    make_rows(rows, big);
    for (int i = 0; i < 3; i++) {
        item key = {0};
        key.id = rows[i].id;
        assert_ok(db, ormc_row_insert(db, &item_table, &key));
        assert_ok(db, ormc_row_update(db, &item_table, &rows[i]));
    }
    assert_ok(db, ormc_commit(db));
    for (int i = 0; i < 3; i++) {
        item got;
        memset(&got, 0xa5, sizeof got);
        assert_ok(db, ormc_row_get(db, &item_table, &rows[i], &got));
        assert_same(&rows[i], &got);
        if (i == 0)
            assert_null(got.ormc_owned); /* nothing variable to own */
        else
            assert_non_null(got.ormc_owned);
        ormc_row_free(&item_table, &got);
        item zero;
        memset(&zero, 0, sizeof zero);
        assert_memory_equal(&got, &zero, sizeof got);
    }
    /* fetching into the row that holds the key */
    item self = {0};
    self.id = 2;
    assert_ok(db, ormc_row_get(db, &item_table, &self, &self));
    assert_same(&rows[1], &self);
    ormc_row_free(&item_table, &self);
    /* by another key */
    item by = {0}, got;
    by.name = rows[2].name;
    assert_ok(db,
              ormc_row_get_by(db, &item_table, ORMC_COLUMN_BIT(5), &by, &got));
    assert_same(&rows[2], &got);
    ormc_row_free(&item_table, &got);
    free(big);
}

static void test_row_not_found_leaves_out_alone(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_items(db);
    item key = {0}, out;
    key.id = 99;
    memset(&out, 0x5a, sizeof out);
    item before = out;
    assert_int_equal(ormc_row_get(db, &item_table, &key, &out), ORMC_NOT_FOUND);
    assert_memory_equal(&out, &before, sizeof out);
    assert_int_equal(ormc_row_update(db, &item_table, &key), ORMC_NOT_FOUND);
    assert_int_equal(ormc_row_delete(db, &item_table, &key), ORMC_NOT_FOUND);
    /* deleted: found no more */
    assert_ok(db, ormc_row_insert(db, &item_table, &key));
    assert_ok(db, ormc_row_delete(db, &item_table, &key));
    assert_int_equal(ormc_row_get(db, &item_table, &key, &out), ORMC_NOT_FOUND);
    assert_int_equal(ormc_row_delete(db, &item_table, &key), ORMC_NOT_FOUND);
    /* a caller-built row owns nothing: freeing only zeroes it */
    item built = {0};
    built.name = "static";
    ormc_row_free(&item_table, &built);
    assert_null(built.name);
}

static void test_row_bad_input(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_items(db);
    item r = {0}, out;
    r.id = 5;
    r.has_color = true;
    r.color = (color)7;
    /* an enum out of range: refused by the write checks, and when bound */
    assert_int_equal(ormc_row_update(db, &item_table, &r), ORMC_INVALID);
    assert_int_equal(
        ormc_row_get_by(db, &item_table, ORMC_COLUMN_BIT(10), &r, &out),
        ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "out of range"));
    r.color = COLOR_GREEN;
    /* a key of no column, or of a column the table lacks */
    assert_int_equal(ormc_row_get_by(db, &item_table, 0, &r, &out),
                     ORMC_INVALID);
    assert_int_equal(
        ormc_row_get_by(db, &item_table, ORMC_COLUMN_BIT(40), &r, &out),
        ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db), "item: get_by key: column bit 40 is "
                                         "not a column of item, which has 11");
    assert_int_equal(ormc_row_get(db, &item_table, NULL, &r), ORMC_INVALID);
    assert_int_equal(ormc_row_get(db, &item_table, &r, NULL), ORMC_INVALID);
    assert_int_equal(ormc_row_get(db, NULL, &r, &out), ORMC_INVALID);
    assert_int_equal(
        ormc_row_get_by(db, &item_table, ORMC_COLUMN_BIT(0), &r, NULL),
        ORMC_INVALID);
    assert_int_equal(ormc_row_update(NULL, &item_table, &r), ORMC_INVALID);
    assert_int_equal(ormc_row_update(db, &item_table, NULL), ORMC_INVALID);
    assert_int_equal(ormc_row_delete(db, &item_table, NULL), ORMC_INVALID);
    /* a descriptor without a primary key: refused, nothing sent */
    ormc_counters before, after;
    assert_ok(db, ormc_stats(db, &before));
    ormc_table bare = item_table;
    bare.primary_key = 0;
    assert_int_equal(ormc_row_get(db, &bare, &r, &out), ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db),
                        "ormc_row_get: table item has no such key");
    assert_int_equal(ormc_row_update(db, &bare, &r), ORMC_INVALID);
    assert_int_equal(ormc_row_delete(db, &bare, &r), ORMC_INVALID);
    assert_ok(db, ormc_stats(db, &after));
    assert_int_equal(after.statements, before.statements);
    /* a label the descriptor does not know */
    ormc_test_exec(db, "INSERT INTO items (id, color) VALUES (6, 'red')");
    static const char *const two[] = {"green", "blue"};
    ormc_column cols[11];
    memcpy(cols, item_columns, sizeof cols);
    cols[10].enum_values = two;
    cols[10].n_enum_values = 2;
    ormc_table t = item_table;
    t.columns = cols;
    item key = {0};
    key.id = 6;
    assert_int_equal(ormc_row_get(db, &t, &key, &out), ORMC_ERROR);
}

/* The same values through ormc_exec / ormc_query and typed parameters. */
static void test_raw_round_trip(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_items(db);
    uint8_t *big = malloc(MIB);
    assert_non_null(big);
    item rows[3];
    make_rows(rows, big);
    for (int i = 0; i < 3; i++) {
        const item *r = &rows[i];
        ormc_param p[11];
        memset(p, 0, sizeof p);
        p[0].type = ORMC_TYPE_BIGINT;
        p[0].u.i64 = r->id;
        p[1].type = ORMC_TYPE_INTEGER;
        p[1].is_null = !r->has_i32;
        p[1].u.i32 = r->i32;
        p[2].type = ORMC_TYPE_BIGINT;
        p[2].is_null = !r->has_i64;
        p[2].u.i64 = r->i64;
        p[3].type = ORMC_TYPE_DOUBLE;
        p[3].is_null = !r->has_f64;
        p[3].u.f64 = r->f64;
        p[4].type = ORMC_TYPE_BOOLEAN;
        p[4].is_null = !r->has_flag;
        p[4].u.b = r->flag;
        p[5].type = ORMC_TYPE_TEXT;
        p[5].is_null = !r->name;
        p[5].u.text = r->name;
        p[6].type = ORMC_TYPE_BLOB;
        p[6].is_null = !r->data.data;
        p[6].u.blob = r->data;
        p[7].type = ORMC_TYPE_TIMESTAMP;
        p[7].is_null = !r->has_at;
        p[7].u.time = r->at;
        p[8].type = ORMC_TYPE_JSON;
        p[8].is_null = !r->doc;
        p[8].u.text = r->doc;
        p[9].type = ORMC_TYPE_UUID;
        p[9].is_null = !r->has_uid;
        p[9].u.uuid = r->uid;
        p[10].type = ORMC_TYPE_TEXT;
        p[10].is_null = !r->has_color;
        p[10].u.text = color_labels[r->color];
        int64_t changes = 0;
        assert_ok(db, ormc_exec(db, sql_insert, p, 11, &changes));
        assert_int_equal(changes, 1);
    }
    ormc_result *res;
    assert_ok(db, ormc_query(db,
                             "SELECT id, i32, i64, f64, flag, name, data, "
                             "at, doc, uid, color FROM items ORDER BY id",
                             NULL, 0, &res));
    assert_int_equal(ormc_result_columns(res), 11);
    assert_string_equal(ormc_result_column_name(res, 7), "at");
    for (int i = 0; i < 3; i++) {
        const item *r = &rows[i];
        assert_int_equal(ormc_result_next(res), ORMC_ROW);
        ormc_param v;
        assert_true(ormc_result_int64(res, 0) == r->id);
        assert_int_equal(ormc_result_is_null(res, 1), !r->has_i32);
        assert_ok(db, ormc_result_get(res, 1, ORMC_TYPE_INTEGER, &v));
        assert_int_equal(v.is_null, !r->has_i32);
        if (r->has_i32)
            assert_int_equal(v.u.i32, r->i32);
        assert_true(ormc_result_int64(res, 2) == r->i64);
        assert_true(ormc_result_double(res, 3) == r->f64);
        assert_int_equal(ormc_result_bool(res, 4), r->flag);
        if (r->name)
            assert_string_equal(ormc_result_text(res, 5), r->name);
        else
            assert_null(ormc_result_text(res, 5));
        ormc_blob b = ormc_result_blob(res, 6);
        if (r->data.data) {
            assert_non_null(b.data);
            assert_int_equal(b.len, r->data.len);
            if (b.len)
                assert_memory_equal(b.data, r->data.data, b.len);
        } else {
            assert_null(b.data);
        }
        assert_ok(db, ormc_result_get(res, 7, ORMC_TYPE_TIMESTAMP, &v));
        assert_int_equal(v.is_null, !r->has_at);
        if (r->has_at)
            assert_true(v.u.time == r->at);
        if (r->doc)
            assert_string_equal(ormc_result_text(res, 8), r->doc);
        assert_ok(db, ormc_result_get(res, 9, ORMC_TYPE_UUID, &v));
        assert_int_equal(v.is_null, !r->has_uid);
        if (r->has_uid)
            assert_memory_equal(&v.u.uuid, &r->uid, sizeof r->uid);
        if (r->has_color)
            assert_string_equal(ormc_result_text(res, 10),
                                color_labels[r->color]);
    }
    assert_int_equal(ormc_result_next(res), ORMC_DONE);
    assert_int_equal(ormc_result_next(res), ORMC_DONE);
    ormc_result_close(res);
    free(big);
}

/* Conversions the getters make alike on both backends. */
static void test_raw_conversions(void **state)
{
    ormc_db *db = ormc_test_db(state);
    ormc_param p[2];
    memset(p, 0, sizeof p);
    p[0].type = ORMC_TYPE_BIGINT;
    p[0].u.i64 = -42;
    p[1].type = ORMC_TYPE_TEXT;
    p[1].is_null = true;
    ormc_result *res;
    assert_ok(db,
              ormc_query(db, "SELECT $1 + 0, $2 || 'x', 'text'", p, 2, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    assert_string_equal(ormc_result_text(res, 0), "-42");
    assert_true(ormc_result_is_null(res, 1));
    assert_null(ormc_result_text(res, 1));
    ormc_param v;
    assert_int_equal(ormc_result_get(res, 2, ORMC_TYPE_TIMESTAMP, &v),
                     ORMC_ERROR);
    assert_int_equal(ormc_result_get(res, 5, ORMC_TYPE_TEXT, &v), ORMC_INVALID);
    /* a type that is none of ormc_type's */
    static const int bad_types[] = {0, -5, ORMC_TYPE_ENUM + 1, 99};
    for (size_t i = 0; i < sizeof bad_types / sizeof bad_types[0]; i++) {
        v.is_null = true;
        assert_int_equal(ormc_result_get(res, 0, (ormc_type)bad_types[i], &v),
                         ORMC_INVALID);
        assert_false(v.is_null); /* zeroed */
        assert_non_null(strstr(ormc_errmsg(db), "type"));
    }
    assert_int_equal(ormc_result_get(res, 0, ORMC_TYPE_BIGINT, &v), ORMC_OK);
    assert_int_equal(v.u.i64, -42);
    assert_int_equal(ormc_result_next(res), ORMC_DONE);
    assert_int_equal(ormc_result_get(res, 0, ORMC_TYPE_TEXT, &v), ORMC_INVALID);
    ormc_result_close(res);
    /* the same parameter twice, and parameters out of order */
    ormc_param q[2];
    memset(q, 0, sizeof q);
    q[0].type = ORMC_TYPE_TEXT;
    q[0].u.text = "a";
    q[1].type = ORMC_TYPE_TEXT;
    q[1].u.text = "b";
    assert_ok(db, ormc_query(db, "SELECT $2 || $1 || $2 || '$1'", q, 2, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    assert_string_equal(ormc_result_text(res, 0), "bab$1");
    ormc_result_close(res);
}

/* SQLite may hold a timestamp as unix seconds (strftime('%s')): read as
 * such, and refused where microseconds would not fit in an int64. */
static void test_sqlite_integer_timestamps(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (ormc_test_backend() != ORMC_SQLITE)
        skip(); /* PostgreSQL timestamps are never integers */
    ormc_result *res = NULL;
    assert_ok(
        db, ormc_query(db, "SELECT 1700000000, 9300000000000", NULL, 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    ormc_param v;
    assert_int_equal(ormc_result_get(res, 0, ORMC_TYPE_TIMESTAMP, &v), ORMC_OK);
    assert_int_equal(v.u.time, INT64_C(1700000000000000));
    assert_int_equal(ormc_result_get(res, 1, ORMC_TYPE_TIMESTAMP, &v),
                     ORMC_ERROR);
    assert_non_null(strstr(ormc_errmsg(db), "not a valid timestamp"));
    ormc_result_close(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_row_round_trip),
        ORMC_BACKEND_TEST(test_row_not_found_leaves_out_alone),
        ORMC_BACKEND_TEST(test_row_bad_input),
        ORMC_BACKEND_TEST(test_raw_round_trip),
        ORMC_BACKEND_TEST(test_raw_conversions),
        ORMC_BACKEND_TEST(test_sqlite_integer_timestamps),
    };
    return ormc_test_run_backends("runtime_types", tests);
}
