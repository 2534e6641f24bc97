/*
 * test_validate.c: ormc_row_validate (runtime/src/validate.c): not-null
 * text, json and blob, max counted in characters, UTF-8 validity, JSON
 * syntax, enum range, NaN, the timestamp range, and its messages; and
 * that every timestamp text ormc_time_format writes reads back.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "json_samples.h"
#include "ormc_generated.h"
#include "tables.h"

/* A valid bot, as a caller builds it. */
static test_bot good_bot(void)
{
    test_bot b = {0};
    b.client_id = "C0123456789";
    b.app_id = "A0123456789";
    return b;
}

static test_kind good_kind(void)
{
    test_kind k = {0};
    k.name = "name";
    k.status = STATUS_ACTIVE;
    return k;
}

/* s repeated n times, into buf. */
static const char *repeat(char *buf, size_t size, const char *s, size_t n)
{
    size_t len = strlen(s);
    assert_true(len * n < size);
    for (size_t i = 0; i < n; i++)
        memcpy(buf + i * len, s, len);
    buf[len * n] = '\0';
    return buf;
}

static void expect_invalid(const ormc_table *t, const void *row, int column,
                           const char *message)
{
    ormc_invalid why;
    memset(&why, 0x55, sizeof why);
    assert_int_equal(ormc_row_validate(t, row, &why), ORMC_INVALID);
    assert_int_equal(why.column, column);
    assert_string_equal(why.message, message);
    /* Without a why, the same answer. */
    assert_int_equal(ormc_row_validate(t, row, NULL), ORMC_INVALID);
}

static void test_valid_rows(void **state)
{
    (void)state;
    test_bot b = good_bot();
    test_kind k = good_kind();
    ormc_invalid why;
    memset(&why, 0x55, sizeof why);
    assert_int_equal(ormc_row_validate(&test_bot_table, &b, &why), ORMC_OK);
    assert_int_equal(why.column, -1);
    assert_string_equal(why.message, "");
    assert_int_equal(ormc_row_validate(&test_kind_table, &k, NULL), ORMC_OK);
}

static void test_not_null(void **state)
{
    (void)state;
    test_bot b = good_bot();
    b.client_id = NULL;
    expect_invalid(&test_bot_table, &b, BOT_CLIENT_ID,
                   "client_id: NULL, but the column is NOT NULL");
    b = good_bot();
    b.app_id = NULL;
    expect_invalid(&test_bot_table, &b, BOT_APP_ID,
                   "app_id: NULL, but the column is NOT NULL");

    /* Nullable text may be NULL; a serial left 0 and an unset now-default
     * are the database's to fill. */
    b = good_bot();
    b.enterprise_id = NULL;
    b.id = 0;
    b.has_installed_at = false;
    assert_int_equal(ormc_row_validate(&test_bot_table, &b, NULL), ORMC_OK);
}

/* NOT NULL json and blob, and a has_ flag of a NOT NULL column. */
typedef struct doc_row {
    const char *body;
    ormc_blob hash;
    bool has_size;
    int64_t size;
    void *ormc_owned;
} doc_row;

static const ormc_column doc_columns[] = {
    {"body",
     "body",
     ORMC_TYPE_JSON,
     ORMC_COL_NOT_NULL,
     offsetof(doc_row, body),
     ORMC_NO_HAS,
     0,
     NULL,
     0,
     NULL,
     0,
     NULL,
     {NULL, NULL, NULL},
     {NULL, NULL, NULL}},
    {"hash",
     "hash",
     ORMC_TYPE_BLOB,
     ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY,
     offsetof(doc_row, hash),
     ORMC_NO_HAS,
     0,
     NULL,
     0,
     NULL,
     0,
     NULL,
     {NULL, NULL, NULL},
     {NULL, NULL, NULL}},
    {"size",
     "size",
     ORMC_TYPE_BIGINT,
     ORMC_COL_NOT_NULL,
     offsetof(doc_row, size),
     offsetof(doc_row, has_size),
     0,
     NULL,
     0,
     NULL,
     0,
     NULL,
     {NULL, NULL, NULL},
     {NULL, NULL, NULL}},
};
static const uint16_t doc_pk[] = {1};
static const ormc_table doc_table = {"doc",
                                     "docs",
                                     sizeof(doc_row),
                                     offsetof(doc_row, ormc_owned),
                                     doc_columns,
                                     3,
                                     ORMC_COLUMN_BIT(1),
                                     doc_pk,
                                     1,
                                     NULL,
                                     0,
                                     NULL,
                                     0,
                                     0,
                                     NULL};

static void test_not_null_other_types(void **state)
{
    (void)state;
    doc_row d = {"{}", {"h", 1}, true, 3, NULL};
    assert_int_equal(ormc_row_validate(&doc_table, &d, NULL), ORMC_OK);
    d.body = NULL;
    expect_invalid(&doc_table, &d, 0, "body: NULL, but the column is NOT NULL");
    d.body = "[]";
    d.hash.data = NULL;
    expect_invalid(&doc_table, &d, 1, "hash: NULL, but the column is NOT NULL");
    d.hash.data = "";
    d.hash.len = 0; /* empty, not NULL */
    assert_int_equal(ormc_row_validate(&doc_table, &d, NULL), ORMC_OK);
    d.has_size = false;
    expect_invalid(&doc_table, &d, 2, "size: NULL, but the column is NOT NULL");
}

static void test_max_characters(void **state)
{
    (void)state;
    char buf[1024];
    test_bot b = good_bot();

    b.client_id = repeat(buf, sizeof buf, "x", 32);
    assert_int_equal(ormc_row_validate(&test_bot_table, &b, NULL), ORMC_OK);
    b.client_id = repeat(buf, sizeof buf, "x", 33);
    expect_invalid(&test_bot_table, &b, BOT_CLIENT_ID,
                   "client_id: 33 characters, at most 32 allowed");

    /* Characters, not bytes: 32 four-byte emoji fit, 33 do not. */
    b.client_id = repeat(buf, sizeof buf, "\xF0\x9F\x98\x80", 32);
    assert_int_equal(strlen(b.client_id), 128);
    assert_int_equal(ormc_row_validate(&test_bot_table, &b, NULL), ORMC_OK);
    b.client_id = repeat(buf, sizeof buf, "\xF0\x9F\x98\x80", 33);
    expect_invalid(&test_bot_table, &b, BOT_CLIENT_ID,
                   "client_id: 33 characters, at most 32 allowed");

    /* Two- and three-byte characters too. */
    b.client_id = repeat(buf, sizeof buf, "\xC3\xA9\xE2\x82\xAC", 16);
    assert_int_equal(ormc_row_validate(&test_bot_table, &b, NULL), ORMC_OK);

    /* A column further on, with its own limit. */
    b = good_bot();
    b.bot_token = repeat(buf, sizeof buf, "t", 201);
    expect_invalid(&test_bot_table, &b, BOT_BOT_TOKEN,
                   "bot_token: 201 characters, at most 200 allowed");

    /* No max: any length. */
    test_kind k = good_kind();
    k.note = repeat(buf, sizeof buf, "n", 1000);
    assert_int_equal(ormc_row_validate(&test_kind_table, &k, NULL), ORMC_OK);
}

static void test_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *message;
    } bad[] = {
        {"ab\xC3(", "client_id: not valid UTF-8 (at byte 2)"},  /* cut */
        {"\xC0\xAF", "client_id: not valid UTF-8 (at byte 0)"}, /* overlong */
        {"\xE0\x80\xAF", "client_id: not valid UTF-8 (at byte 0)"},
        {"x\xED\xA0\x80", "client_id: not valid UTF-8 (at byte 1)"}, /* D800 */
        {"\xF4\x90\x80\x80", "client_id: not valid UTF-8 (at byte 0)"},
        {"\xF5\x80\x80\x80", "client_id: not valid UTF-8 (at byte 0)"},
        {"\x80", "client_id: not valid UTF-8 (at byte 0)"},
        {"abc\xE2\x82", "client_id: not valid UTF-8 (at byte 3)"},
        {"\xFF", "client_id: not valid UTF-8 (at byte 0)"},
    };
    test_bot b = good_bot();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        b.client_id = bad[i].text;
        expect_invalid(&test_bot_table, &b, BOT_CLIENT_ID, bad[i].message);
    }
    /* One bad byte anywhere in texts of every length the ASCII fast path
     * splits differently (words of eight, the overlapping tail, fours). */
    char buf[32];
    for (size_t len = 1; len <= 24; len++) {
        for (size_t at = 0; at < len; at++) {
            memset(buf, 'a', len);
            buf[len] = '\0';
            buf[at] = (char)0xFF;
            char message[64];
            snprintf(message, sizeof message,
                     "client_id: not valid UTF-8 (at byte %zu)", at);
            b.client_id = buf;
            expect_invalid(&test_bot_table, &b, BOT_CLIENT_ID, message);
        }
    }
    /* The edges of the valid ranges. */
    b.client_id = "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80"
                  "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF";
    assert_int_equal(ormc_row_validate(&test_bot_table, &b, NULL), ORMC_OK);

    /* json is UTF-8 too. */
    test_kind k = good_kind();
    k.meta = "{\"a\": \"\xC3\"}";
    expect_invalid(&test_kind_table, &k, KIND_META,
                   "meta: not valid UTF-8 (at byte 7)");
}

/* Reported: bad JSON passed validate, was stored by SQLite and refused by
 * PostgreSQL. */
static void test_json_syntax(void **state)
{
    (void)state;
    test_kind k = good_kind();
    for (size_t i = 0; i < JSON_SAMPLES_N; i++) {
        k.meta = json_samples[i].text;
        if (json_samples[i].bad < 0) {
            ormc_invalid why;
            if (ormc_row_validate(&test_kind_table, &k, &why) != ORMC_OK)
                fail_msg("'%s': %s", k.meta, why.message);
            continue;
        }
        char want[64];
        snprintf(want, sizeof want, "meta: not valid JSON at byte %d",
                 json_samples[i].bad);
        expect_invalid(&test_kind_table, &k, KIND_META, want);
    }
    /* NULL json in a nullable column is not looked at */
    k.meta = NULL;
    assert_int_equal(ormc_row_validate(&test_kind_table, &k, NULL), ORMC_OK);

    /* nesting: deep is fine, deeper than 8192 levels is refused */
    static char deep[2 * 8193 + 1];
    for (int i = 0; i < 8192; i++) {
        deep[i] = '[';
        deep[8192 + i] = ']';
    }
    deep[2 * 8192] = '\0';
    k.meta = deep;
    assert_int_equal(ormc_row_validate(&test_kind_table, &k, NULL), ORMC_OK);
    memmove(deep + 1, deep, 2 * 8192 + 1);
    deep[0] = '[';
    deep[2 * 8193 - 1] = ']';
    deep[2 * 8193] = '\0';
    expect_invalid(&test_kind_table, &k, KIND_META,
                   "meta: not valid JSON at byte 8192");
}

static void test_enum_range(void **state)
{
    (void)state;
    test_kind k = good_kind();
    k.status = STATUS_CLOSED;
    assert_int_equal(ormc_row_validate(&test_kind_table, &k, NULL), ORMC_OK);
    k.status = (test_status)3;
    expect_invalid(&test_kind_table, &k, KIND_STATUS,
                   "status: 3 is not a value of the enum (0 to 2)");
    k.status = (test_status)-1;
    expect_invalid(&test_kind_table, &k, KIND_STATUS,
                   "status: -1 is not a value of the enum (0 to 2)");

    /* A NULL nullable enum is not looked at; a present one is. */
    k = good_kind();
    k.level = (test_kind_level)7;
    assert_int_equal(ormc_row_validate(&test_kind_table, &k, NULL), ORMC_OK);
    k.has_level = true;
    expect_invalid(&test_kind_table, &k, KIND_LEVEL,
                   "level: 7 is not a value of the enum (0 to 2)");
}

static void test_first_column_reported(void **state)
{
    (void)state;
    char buf[64];
    test_kind k = good_kind();
    k.name = repeat(buf, sizeof buf, "n", 9);
    k.status = (test_status)5;
    expect_invalid(&test_kind_table, &k, KIND_NAME,
                   "name: 9 characters, at most 8 allowed");
    k.name = NULL;
    expect_invalid(&test_kind_table, &k, KIND_NAME,
                   "name: NULL, but the column is NOT NULL");
}

static void test_misuse(void **state)
{
    (void)state;
    test_bot b = good_bot();
    ormc_invalid why;
    assert_int_equal(ormc_row_validate(NULL, &b, &why), ORMC_INVALID);
    assert_int_equal(why.column, -1);
    assert_string_equal(why.message, "row: no table or no row");
    assert_int_equal(ormc_row_validate(&test_bot_table, NULL, NULL),
                     ORMC_INVALID);
}

/* A double must not be NaN (SQLite stores NULL); the infinities and -0.0
 * are values. */
static void test_double_not_nan(void **state)
{
    (void)state;
    test_kind k = good_kind();
    k.has_ratio = true;
    k.ratio = NAN;
    expect_invalid(&test_kind_table, &k, KIND_RATIO,
                   "ratio: NaN cannot be stored (SQLite would read it back "
                   "as NULL)");
    k.has_ratio = false; /* a NULL is no NaN */
    assert_int_equal(ormc_row_validate(&test_kind_table, &k, NULL), ORMC_OK);
    k.has_ratio = true;
    k.ratio = INFINITY;
    assert_int_equal(ormc_row_validate(&test_kind_table, &k, NULL), ORMC_OK);
    k.ratio = -0.0;
    assert_int_equal(ormc_row_validate(&test_kind_table, &k, NULL), ORMC_OK);
}

/* A timestamp from 4714-11-24 BC (PostgreSQL's first day) on. */
static void test_timestamp_range(void **state)
{
    (void)state;
    test_kind k = good_kind();
    k.at = INT64_C(-210866803200000000);
    assert_int_equal(ormc_row_validate(&test_kind_table, &k, NULL), ORMC_OK);
    k.at = INT64_MAX;
    assert_int_equal(ormc_row_validate(&test_kind_table, &k, NULL), ORMC_OK);
    k.at = INT64_C(-210866803200000000) - 1;
    expect_invalid(&test_kind_table, &k, KIND_AT,
                   "at: -210866803200000001 is before 4714-11-24 BC, the "
                   "first day PostgreSQL stores");
    k.at = INT64_MIN;
    assert_int_equal(ormc_row_validate(&test_kind_table, &k, NULL),
                     ORMC_INVALID);
}

/* Reported: ormc_time_format wrote timestamps within 2 s of either end of
 * the range that ormc_time_parse refused, so a row stored on SQLite could
 * never be read again. Every ormc_time reads back as written. */
static void test_time_text_round_trip_at_the_ends(void **state)
{
    (void)state;
    const int64_t span = 3000000; /* 3 s at each end, in steps */
    for (int end = 0; end < 2; end++) {
        for (int64_t d = 0; d <= span; d += d < 20 ? 1 : 997) {
            ormc_time t = end == 0 ? INT64_MIN + d : INT64_MAX - d;
            char buf[ORMC_TIME_TEXT_MAX];
            assert_true(ormc_time_format(t, buf, sizeof buf) > 0);
            ormc_time back = 0;
            if (ormc_time_parse(buf, &back) != ORMC_OK || back != t)
                fail_msg("%lld -> \"%s\" -> %lld", (long long)t, buf,
                         (long long)back);
        }
    }
    /* one microsecond beyond either end is refused, not wrapped */
    ormc_time back;
    assert_int_equal(ormc_time_parse("294247-01-10 04:00:54.775808", &back),
                     ORMC_INVALID);
    assert_int_equal(ormc_time_parse("294247-01-10 04:00:54.775807", &back),
                     ORMC_OK);
    assert_int_equal(back, INT64_MAX);
    assert_int_equal(ormc_time_parse("-290308-12-21 19:59:05.224191", &back),
                     ORMC_INVALID);
    assert_int_equal(ormc_time_parse("-290308-12-21 19:59:05.224192", &back),
                     ORMC_OK);
    assert_int_equal(back, INT64_MIN);
    assert_int_equal(ormc_time_parse("294247-01-10 04:00:55", &back),
                     ORMC_INVALID);
    assert_int_equal(ormc_time_parse("-290308-12-21 19:59:04", &back),
                     ORMC_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_rows),
        cmocka_unit_test(test_not_null),
        cmocka_unit_test(test_not_null_other_types),
        cmocka_unit_test(test_max_characters),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_json_syntax),
        cmocka_unit_test(test_enum_range),
        cmocka_unit_test(test_first_column_reported),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_double_not_nan),
        cmocka_unit_test(test_timestamp_range),
        cmocka_unit_test(test_time_text_round_trip_at_the_ends),
    };
    return cmocka_run_group_tests_name("engine_validate", tests, NULL, NULL);
}
