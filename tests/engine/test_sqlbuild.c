/*
 * test_sqlbuild.c: the engine's dynamic SQL (runtime/src/sqlbuild.c) and
 * the query builder calls (runtime/src/builder.c), without a database:
 * exact SQL text and parameter lists for each statement kind and condition
 * combination, and the builder's recorded errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ormc_generated.h"
#include "sqlbuild.h"
#include "tables.h"

#define BIT(i) ORMC_COLUMN_BIT(i)

/* SELECT list of slack_bots, for the expected texts. */
#define BOT_COLUMNS                                                            \
    "\"id\", \"client_id\", \"app_id\", \"enterprise_id\", \"team_id\", "      \
    "\"bot_token\", \"bot_scopes\", \"bot_token_expires_at\", "                \
    "\"is_enterprise_install\", \"installed_at\""
#define BOT_SELECT "SELECT " BOT_COLUMNS " FROM \"slack_bots\""
#define ORDER_COLUMNS "\"id\", \"code\", \"note\""

static int setup_sql(void **state)
{
    ormc__sql *s = malloc(sizeof *s);
    if (s == NULL)
        return -1;
    ormc__sql_init(s);
    *state = s;
    return 0;
}

static int teardown_sql(void **state)
{
    ormc__sql *s = *state;
    ormc__sql_free(s);
    free(s);
    return 0;
}

static void assert_text_param(const ormc_param *p, const char *text)
{
    assert_int_equal(p->type, ORMC_TYPE_TEXT);
    assert_false(p->is_null);
    assert_non_null(p->u.text);
    assert_string_equal(p->u.text, text);
}

static void assert_i64_param(const ormc_param *p, int64_t v)
{
    assert_int_equal(p->type, ORMC_TYPE_BIGINT);
    assert_false(p->is_null);
    assert_true(p->u.i64 == v);
}

static void assert_null_param(const ormc_param *p, ormc_type type)
{
    assert_int_equal(p->type, type);
    assert_true(p->is_null);
}

static ormc_param text_param(const char *text)
{
    ormc_param p = {.type = ORMC_TYPE_TEXT, .is_null = text == NULL};
    p.u.text = text;
    return p;
}

static ormc_param i64_param(int64_t v)
{
    ormc_param p = {.type = ORMC_TYPE_BIGINT};
    p.u.i64 = v;
    return p;
}

static ormc_param enum_param(int v)
{
    ormc_param p = {.type = ORMC_TYPE_ENUM};
    p.u.i32 = v;
    return p;
}

/* === Column sets === */

static void test_insert_columns(void **state)
{
    (void)state;
    test_bot bot = {0};
    ormc_colset all = ormc__all_columns(&test_bot_table);
    assert_true(all == 0x3FF);

    /* Unset serial and unset default-now are left to the database. */
    ormc_colset cols = ormc__insert_columns(&test_bot_table, &bot);
    assert_true(cols == (all & ~BIT(BOT_ID) & ~BIT(BOT_INSTALLED_AT)));
    assert_true(ormc__insert_returning(&test_bot_table, cols) ==
                (BIT(BOT_ID) | BIT(BOT_INSTALLED_AT)));

    bot.id = 7;
    bot.has_installed_at = true;
    cols = ormc__insert_columns(&test_bot_table, &bot);
    assert_true(cols == all);
    assert_true(ormc__insert_returning(&test_bot_table, cols) == 0);
}

static void test_unique_keys(void **state)
{
    (void)state;
    assert_true(ormc__is_unique_key(&test_bot_table, BIT(BOT_ID)));
    assert_false(ormc__is_unique_key(&test_bot_table, BIT(BOT_CLIENT_ID)));
    /* A plain (not unique) index does not make a key. */
    assert_false(ormc__is_unique_key(
        &test_bot_table, BIT(BOT_CLIENT_ID) | BIT(BOT_ENTERPRISE_ID) |
                             BIT(BOT_TEAM_ID) | BIT(BOT_INSTALLED_AT)));
    assert_true(ormc__is_unique_key(&test_order_table, BIT(ORDER_CODE)));
    assert_true(ormc__is_unique_key(&test_kind_table, BIT(KIND_N_INT)));
    assert_true(
        ormc__is_unique_key(&test_kind_table, BIT(KIND_NAME) | BIT(KIND_AT)));
    assert_false(ormc__is_unique_key(&test_kind_table, BIT(KIND_NAME)));
    assert_true(ormc__is_unique_key(&test_line_table,
                                    BIT(LINE_ORDER_ID) | BIT(LINE_LINE_NO)));
    assert_false(ormc__is_unique_key(&test_line_table, BIT(LINE_ORDER_ID)));
    assert_false(ormc__is_unique_key(&test_line_table, 0));
    assert_false(ormc__is_unique_key(&test_line_table, BIT(40)));
}

/* === Insert === */

static void test_insert_one(void **state)
{
    ormc__sql *s = *state;
    test_bot bot = {0};
    ormc_colset cols = ormc__insert_columns(&test_bot_table, &bot);
    assert_int_equal(
        ormc__sql_insert(s, &test_bot_table, cols, 1,
                         ormc__insert_returning(&test_bot_table, cols)),
        ORMC_OK);
    assert_string_equal(
        s->text.data,
        "INSERT INTO \"slack_bots\" (\"client_id\", \"app_id\", "
        "\"enterprise_id\", \"team_id\", \"bot_token\", \"bot_scopes\", "
        "\"bot_token_expires_at\", \"is_enterprise_install\") VALUES ($1, "
        "$2, $3, $4, $5, $6, $7, $8) RETURNING \"id\", \"installed_at\"");
    assert_true(s->bound == cols);
    assert_true(s->returned == (BIT(BOT_ID) | BIT(BOT_INSTALLED_AT)));
    assert_int_equal(s->n_params, 0);
}

static void test_insert_all_columns_no_returning(void **state)
{
    ormc__sql *s = *state;
    assert_int_equal(ormc__sql_insert(s, &test_order_table, 0x7, 1, 0),
                     ORMC_OK);
    assert_string_equal(s->text.data, "INSERT INTO \"orders\" (" ORDER_COLUMNS
                                      ") VALUES ($1, $2, $3)");
    assert_true(s->returned == 0);
}

static void test_insert_default_values(void **state)
{
    ormc__sql *s = *state;
    assert_int_equal(
        ormc__sql_insert(s, &test_order_table, 0, 1, BIT(ORDER_ID)), ORMC_OK);
    assert_string_equal(s->text.data, "INSERT INTO \"orders\" DEFAULT VALUES "
                                      "RETURNING \"id\"");
    /* No portable multi-row form of DEFAULT VALUES. */
    assert_int_equal(
        ormc__sql_insert(s, &test_order_table, 0, 2, BIT(ORDER_ID)),
        ORMC_INVALID);
}

static void test_insert_many_rows(void **state)
{
    ormc__sql *s = *state;
    ormc_colset cols = BIT(ORDER_CODE) | BIT(ORDER_NOTE);
    assert_int_equal(
        ormc__sql_insert(s, &test_order_table, cols, 3, BIT(ORDER_ID)),
        ORMC_OK);
    assert_string_equal(s->text.data,
                        "INSERT INTO \"orders\" (\"code\", \"note\") VALUES "
                        "($1, $2), ($3, $4), ($5, $6) RETURNING \"id\"");

    /* The rows' parameters, row after row, column order within a row. */
    test_order rows[3] = {
        {0, "a", "x", NULL}, {0, "b", NULL, NULL}, {0, "c", "z", NULL}};
    for (int i = 0; i < 3; i++)
        assert_int_equal(
            ormc__sql_bind_row(s, &test_order_table, &rows[i], cols), ORMC_OK);
    assert_int_equal(s->n_params, 6);
    assert_text_param(&s->params[0], "a");
    assert_text_param(&s->params[1], "x");
    assert_text_param(&s->params[2], "b");
    assert_null_param(&s->params[3], ORMC_TYPE_TEXT);
    assert_text_param(&s->params[4], "c");
    assert_text_param(&s->params[5], "z");
}

static void test_insert_chunk_limit(void **state)
{
    ormc__sql *s = *state;
    ormc_colset all = ormc__all_columns(&test_bot_table);
    size_t max = ormc__insert_max_rows(&test_bot_table, all);
    assert_int_equal(max, 65535 / 10);
    assert_int_equal(ormc__insert_max_rows(&test_bot_table, 0), 1);
    assert_int_equal(ormc__insert_max_rows(&test_bot_table, BIT(1)), 65535);

    assert_int_equal(ormc__sql_insert(s, &test_bot_table, all, max, 0),
                     ORMC_OK);
    /* The last row's last parameter is $65530. */
    const char *tail = "$65530)";
    size_t len = strlen(s->text.data);
    assert_string_equal(s->text.data + len - strlen(tail), tail);
    assert_int_equal(ormc__sql_insert(s, &test_bot_table, all, max + 1, 0),
                     ORMC_INVALID);
    assert_int_equal(ormc__sql_insert(s, &test_bot_table, all, 0, 0),
                     ORMC_INVALID);
    assert_int_equal(ormc__sql_insert(s, &test_bot_table, BIT(12), 1, 0),
                     ORMC_INVALID);
}

/* === Update by key === */

static void test_update_pk(void **state)
{
    ormc__sql *s = *state;
    ormc_colset set = BIT(BOT_CLIENT_ID) | BIT(BOT_BOT_TOKEN);
    assert_int_equal(ormc__sql_update_pk(s, &test_bot_table, set, 0), ORMC_OK);
    assert_string_equal(s->text.data,
                        "UPDATE \"slack_bots\" SET \"client_id\" = $2, "
                        "\"bot_token\" = $3 WHERE \"id\" = $1");
    assert_true(s->bound == (set | BIT(BOT_ID)));

    /* A key column in the set is not updated. */
    assert_int_equal(
        ormc__sql_update_pk(s, &test_bot_table, set | BIT(BOT_ID), 0), ORMC_OK);
    assert_string_equal(s->text.data,
                        "UPDATE \"slack_bots\" SET \"client_id\" = $2, "
                        "\"bot_token\" = $3 WHERE \"id\" = $1");
}

static void test_update_pk_composite(void **state)
{
    ormc__sql *s = *state;
    assert_int_equal(ormc__sql_update_pk(s, &test_line_table,
                                         BIT(LINE_SKU) | BIT(LINE_QTY),
                                         BIT(LINE_QTY)),
                     ORMC_OK);
    assert_string_equal(
        s->text.data,
        "UPDATE \"lines\" SET \"sku\" = $3, \"qty\" = $4 WHERE "
        "\"order_id\" = $1 AND \"line_no\" = $2 RETURNING \"qty\"");
}

static void test_update_pk_nothing_to_set(void **state)
{
    ormc__sql *s = *state;
    assert_int_equal(ormc__sql_update_pk(s, &test_line_table, 0, 0), ORMC_OK);
    assert_string_equal(s->text.data,
                        "UPDATE \"lines\" SET \"order_id\" = \"order_id\" "
                        "WHERE \"order_id\" = $1 AND \"line_no\" = $2");
    assert_true(s->bound == test_line_table.primary_key);
}

/* === Upsert and find-or-create === */

static void test_upsert(void **state)
{
    ormc__sql *s = *state;
    ormc_colset cols = BIT(ORDER_CODE) | BIT(ORDER_NOTE);
    assert_int_equal(
        ormc__sql_upsert(s, &test_order_table, cols, BIT(ORDER_CODE)), ORMC_OK);
    assert_string_equal(
        s->text.data, "INSERT INTO \"orders\" (\"code\", \"note\") VALUES "
                      "($1, $2) ON CONFLICT (\"code\") DO UPDATE SET "
                      "\"note\" = excluded.\"note\" RETURNING " ORDER_COLUMNS);
    assert_true(s->bound == cols);
    assert_true(s->returned == 0x7);

    /* The key itself is not overwritten from the new row. */
    assert_int_equal(
        ormc__sql_upsert(s, &test_order_table, 0x7, BIT(ORDER_CODE)), ORMC_OK);
    assert_string_equal(
        s->text.data,
        "INSERT INTO \"orders\" (" ORDER_COLUMNS ") VALUES ($1, $2, $3) ON "
        "CONFLICT (\"code\") DO UPDATE SET \"note\" = excluded.\"note\" "
        "RETURNING " ORDER_COLUMNS);
}

static void test_upsert_nothing_else(void **state)
{
    ormc__sql *s = *state;
    ormc_colset key = BIT(LINE_ORDER_ID) | BIT(LINE_LINE_NO);
    assert_int_equal(ormc__sql_upsert(s, &test_line_table, key, key), ORMC_OK);
    assert_string_equal(
        s->text.data,
        "INSERT INTO \"lines\" (\"order_id\", \"line_no\") VALUES ($1, $2) "
        "ON CONFLICT (\"order_id\", \"line_no\") DO UPDATE SET "
        "\"order_id\" = excluded.\"order_id\" RETURNING \"order_id\", "
        "\"line_no\", \"sku\", \"qty\", \"order_code\"");
}

static void test_upsert_refused(void **state)
{
    ormc__sql *s = *state;
    /* Not a unique key. */
    assert_int_equal(
        ormc__sql_upsert(s, &test_order_table, 0x7, BIT(ORDER_NOTE)),
        ORMC_INVALID);
    /* The conflict columns are not all inserted. */
    assert_int_equal(ormc__sql_upsert(s, &test_order_table, BIT(ORDER_NOTE),
                                      BIT(ORDER_CODE)),
                     ORMC_INVALID);
    assert_int_equal(ormc__sql_insert_or_ignore(s, &test_bot_table, 0x3FE,
                                                BIT(BOT_CLIENT_ID)),
                     ORMC_INVALID);
}

static void test_find_or_create(void **state)
{
    ormc__sql *s = *state;
    ormc_colset cols = BIT(ORDER_CODE) | BIT(ORDER_NOTE);
    assert_int_equal(
        ormc__sql_insert_or_ignore(s, &test_order_table, cols, BIT(ORDER_CODE)),
        ORMC_OK);
    assert_string_equal(s->text.data,
                        "INSERT INTO \"orders\" (\"code\", \"note\") VALUES "
                        "($1, $2) ON CONFLICT (\"code\") DO NOTHING "
                        "RETURNING " ORDER_COLUMNS);

    assert_int_equal(
        ormc__sql_select_by(s, &test_order_table, BIT(ORDER_CODE), 0), ORMC_OK);
    assert_string_equal(s->text.data, "SELECT " ORDER_COLUMNS
                                      " FROM \"orders\" WHERE \"code\" = $1");
    assert_true(s->bound == BIT(ORDER_CODE));
}

static void test_select_by_null_safe(void **state)
{
    ormc__sql *s = *state;
    ormc_colset key =
        BIT(BOT_CLIENT_ID) | BIT(BOT_ENTERPRISE_ID) | BIT(BOT_TEAM_ID);
    test_bot bot = {.client_id = "C1", .team_id = "T1"};
    ormc_colset nulls = 0;
    for (int i = 0; i < test_bot_table.n_columns; i++)
        if ((key & BIT(i)) &&
            ormc__col_is_null(&test_bot_table.columns[i], &bot))
            nulls |= BIT(i);
    assert_true(nulls == BIT(BOT_ENTERPRISE_ID));

    assert_int_equal(ormc__sql_select_by(s, &test_bot_table, key, nulls),
                     ORMC_OK);
    assert_string_equal(s->text.data,
                        BOT_SELECT " WHERE \"client_id\" = $1 AND "
                                   "\"enterprise_id\" IS NULL AND "
                                   "\"team_id\" = $2");
    assert_true(s->bound == (BIT(BOT_CLIENT_ID) | BIT(BOT_TEAM_ID)));

    assert_int_equal(ormc__sql_select_by(s, &test_bot_table, 0, 0),
                     ORMC_INVALID);
    assert_int_equal(ormc__sql_select_by(s, &test_bot_table, BIT(1), BIT(2)),
                     ORMC_INVALID);
}

/* === Reading row values === */

static void test_row_params(void **state)
{
    ormc__sql *s = *state;
    test_kind k = {0};
    k.id.bytes[0] = 0xAB;
    k.n_int = -5;
    k.has_ratio = true;
    k.ratio = 2.5;
    k.flag = true;
    k.name = "nm";
    k.data.data = "\0\1";
    k.data.len = 2;
    k.at = 123456;
    k.status = STATUS_CLOSED;
    k.level = STATUS_ACTIVE; /* has_level false: NULL */

    assert_int_equal(ormc__sql_bind_row(s, &test_kind_table, &k,
                                        ormc__all_columns(&test_kind_table)),
                     ORMC_OK);
    assert_int_equal(s->n_params, 12);
    const ormc_param *p = s->params;
    assert_int_equal(p[KIND_ID].type, ORMC_TYPE_UUID);
    assert_int_equal(p[KIND_ID].u.uuid.bytes[0], 0xAB);
    assert_int_equal(p[KIND_N_INT].type, ORMC_TYPE_INTEGER);
    assert_int_equal(p[KIND_N_INT].u.i32, -5);
    assert_null_param(&p[KIND_N_BIG], ORMC_TYPE_BIGINT);
    assert_int_equal(p[KIND_RATIO].type, ORMC_TYPE_DOUBLE);
    assert_true(p[KIND_RATIO].u.f64 == 2.5);
    assert_true(p[KIND_FLAG].u.b);
    assert_text_param(&p[KIND_NAME], "nm");
    assert_null_param(&p[KIND_NOTE], ORMC_TYPE_TEXT);
    assert_int_equal(p[KIND_DATA].type, ORMC_TYPE_BLOB);
    assert_int_equal(p[KIND_DATA].u.blob.len, 2);
    assert_int_equal(p[KIND_AT].type, ORMC_TYPE_TIMESTAMP);
    assert_true(p[KIND_AT].u.time == 123456);
    assert_null_param(&p[KIND_META], ORMC_TYPE_JSON);
    /* Enums are bound as their labels. */
    assert_text_param(&p[KIND_STATUS], "closed");
    assert_null_param(&p[KIND_LEVEL], ORMC_TYPE_TEXT);

    k.status = (test_status)3;
    ormc__sql_clear(s);
    assert_int_equal(
        ormc__sql_bind_row(s, &test_kind_table, &k, BIT(KIND_STATUS)),
        ORMC_INVALID);
}

static void test_params_grow(void **state)
{
    ormc__sql *s = *state;
    test_order o = {1, "c", "n", NULL};
    for (int i = 0; i < 100; i++)
        assert_int_equal(ormc__sql_bind_row(s, &test_order_table, &o, 0x7),
                         ORMC_OK);
    assert_int_equal(s->n_params, 300);
    assert_i64_param(&s->params[297], 1);
    assert_text_param(&s->params[299], "n");
}

/* === The query builder === */

static void test_query_all(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q;
    ormc_builder_init(&q, &test_bot_table);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_SELECT), ORMC_OK);
    assert_string_equal(s->text.data, BOT_SELECT);
    assert_int_equal(s->n_params, 0);
    assert_true(s->returned == 0x3FF);
    ormc_builder_free(&q);
}

/* W4 of the benchmarks: the newest bot of a workspace. */
static void test_query_latest_bot(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q;
    ormc_param client = text_param("C1"), ent = text_param(NULL),
               team = text_param("T1");
    ormc_builder_init(&q, &test_bot_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_CLIENT_ID), ORMC_EQ, &client);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_ENTERPRISE_ID), ORMC_EQ, &ent);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_TEAM_ID), ORMC_EQ, &team);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_BOT_TOKEN), ORMC_IS_NOT_NULL,
                       NULL);
    ormc_builder_order_by(&q, BIT(BOT_INSTALLED_AT), ORMC_DESC);
    ormc_builder_limit(&q, 1);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_FIRST), ORMC_OK);
    assert_string_equal(
        s->text.data,
        BOT_SELECT " WHERE \"client_id\" = $1 AND \"enterprise_id\" IS NULL "
                   "AND \"team_id\" = $2 AND \"bot_token\" IS NOT NULL "
                   "ORDER BY \"installed_at\" DESC LIMIT 1");
    /* _first's limit of 1 is part of the text, as a hand-written query
     * has it: two parameters */
    assert_int_equal(s->n_params, 2);
    assert_text_param(&s->params[0], "C1");
    assert_text_param(&s->params[1], "T1");
    ormc_builder_free(&q);
}

static void test_query_null_rules(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q;
    ormc_param null_text = {.type = ORMC_TYPE_TEXT, .is_null = true};
    ormc_param null_time = {.type = ORMC_TYPE_TIMESTAMP, .is_null = true};
    ormc_builder_init(&q, &test_bot_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_TEAM_ID), ORMC_NE, &null_text);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_BOT_TOKEN_EXPIRES_AT), ORMC_EQ,
                       &null_time);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_BOT_SCOPES), ORMC_EQ, NULL);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_BOT_TOKEN), ORMC_IS_NULL, NULL);
    /* An ordering comparison with NULL stays one (true for no row). */
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_BOT_TOKEN_EXPIRES_AT), ORMC_LT,
                       &null_time);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_SELECT), ORMC_OK);
    assert_string_equal(s->text.data, BOT_SELECT
                        " WHERE \"team_id\" IS NOT NULL AND "
                        "\"bot_token_expires_at\" IS NULL AND \"bot_scopes\" "
                        "IS NULL AND \"bot_token\" IS NULL AND "
                        "\"bot_token_expires_at\" < $1");
    assert_int_equal(s->n_params, 1);
    assert_null_param(&s->params[0], ORMC_TYPE_TIMESTAMP);
    ormc_builder_free(&q);
}

static void test_query_comparisons(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q;
    ormc_param id = i64_param(10);
    ormc_param like = text_param("ab\\%%");
    ormc_param st = enum_param(STATUS_ACTIVE);
    ormc_builder_init(&q, &test_order_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_ID), ORMC_LT, &id);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_ID), ORMC_LE, &id);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_ID), ORMC_GT, &id);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_ID), ORMC_GE, &id);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_ID), ORMC_NE, &id);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_CODE), ORMC_LIKE, &like);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_SELECT), ORMC_OK);
    assert_string_equal(
        s->text.data,
        "SELECT " ORDER_COLUMNS " FROM \"orders\" WHERE \"id\" < $1 AND "
        "\"id\" <= $2 AND \"id\" > $3 AND \"id\" >= $4 AND \"id\" <> $5 AND "
        "\"code\" LIKE $6 ESCAPE '\\'");
    assert_int_equal(s->n_params, 6);
    for (int i = 0; i < 5; i++)
        assert_i64_param(&s->params[i], 10);
    assert_text_param(&s->params[5], "ab\\%%");
    ormc_builder_free(&q);

    /* An enum is compared by its label. */
    ormc_builder_init(&q, &test_kind_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(KIND_STATUS), ORMC_EQ, &st);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_COUNT), ORMC_OK);
    assert_string_equal(s->text.data, "SELECT COUNT(*) FROM \"kinds\" WHERE "
                                      "\"status\" = $1");
    assert_text_param(&s->params[0], "active");
    ormc_builder_free(&q);
}

static void test_query_or_groups(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q;
    ormc_param a = text_param("a"), b = text_param("b"), c = text_param("c"),
               d = text_param("d");
    ormc_builder_init(&q, &test_bot_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_CLIENT_ID), ORMC_EQ, &a);
    ormc_builder_or_begin(&q);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_TEAM_ID), ORMC_EQ, &b);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_TEAM_ID), ORMC_IS_NULL, NULL);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_ENTERPRISE_ID), ORMC_EQ, &c);
    ormc_builder_or_end(&q);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_APP_ID), ORMC_EQ, &d);
    /* A group of one needs no parentheses, an empty one vanishes. */
    ormc_builder_or_begin(&q);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_BOT_TOKEN), ORMC_IS_NOT_NULL,
                       NULL);
    ormc_builder_or_end(&q);
    ormc_builder_or_begin(&q);
    ormc_builder_or_end(&q);
    ormc_builder_or_begin(&q);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_BOT_SCOPES), ORMC_EQ, &a);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_BOT_SCOPES), ORMC_EQ, &b);
    ormc_builder_or_end(&q);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_SELECT), ORMC_OK);
    assert_string_equal(s->text.data, BOT_SELECT
                        " WHERE \"client_id\" = $1 AND (\"team_id\" = $2 OR "
                        "\"team_id\" IS NULL OR \"enterprise_id\" = $3) AND "
                        "\"app_id\" = $4 AND \"bot_token\" IS NOT NULL AND "
                        "(\"bot_scopes\" = $5 OR \"bot_scopes\" = $6)");
    assert_int_equal(s->n_params, 6);
    assert_text_param(&s->params[0], "a");
    assert_text_param(&s->params[1], "b");
    assert_text_param(&s->params[2], "c");
    assert_text_param(&s->params[3], "d");
    assert_text_param(&s->params[4], "a");
    assert_text_param(&s->params[5], "b");
    ormc_builder_free(&q);
}

static void test_query_in(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q;
    int64_t ids[] = {3, 1, 2};
    const char *codes[] = {"x", NULL};
    ormc_builder_init(&q, &test_order_table);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(ORDER_ID), ids, 3);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(ORDER_CODE), codes, 2);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_SELECT), ORMC_OK);
    assert_string_equal(s->text.data,
                        "SELECT " ORDER_COLUMNS " FROM \"orders\" WHERE "
                        "\"id\" IN ($1, $2, $3) AND \"code\" IN ($4, $5)");
    assert_int_equal(s->n_params, 5);
    assert_i64_param(&s->params[0], 3);
    assert_i64_param(&s->params[1], 1);
    assert_i64_param(&s->params[2], 2);
    assert_text_param(&s->params[3], "x");
    assert_null_param(&s->params[4], ORMC_TYPE_TEXT);
    ormc_builder_free(&q);

    /* Nothing is in the empty list. */
    ormc_builder_init(&q, &test_order_table);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(ORDER_ID), NULL, 0);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_SELECT), ORMC_OK);
    assert_string_equal(s->text.data,
                        "SELECT " ORDER_COLUMNS " FROM \"orders\" WHERE 1 = 0");
    assert_int_equal(s->n_params, 0);
    ormc_builder_free(&q);
}

static void test_query_in_every_type(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q;
    ormc_uuid uuids[2] = {{{1}}, {{2}}};
    int32_t ints[] = {-1, 7};
    int64_t bigs[] = {INT64_MAX};
    double ratios[] = {0.25};
    bool flags[] = {true, false};
    const char *notes[] = {"n"};
    ormc_blob blobs[] = {{"ab", 2}};
    ormc_time times[] = {42};
    const char *metas[] = {"{}"};
    test_status statuses[] = {STATUS_CLOSED, STATUS_NEW};

    ormc_builder_init(&q, &test_kind_table);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(KIND_ID), uuids, 2);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(KIND_N_INT), ints, 2);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(KIND_N_BIG), bigs, 1);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(KIND_RATIO), ratios, 1);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(KIND_FLAG), flags, 2);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(KIND_NOTE), notes, 1);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(KIND_DATA), blobs, 1);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(KIND_AT), times, 1);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(KIND_META), metas, 1);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(KIND_STATUS), statuses, 2);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_EXISTS), ORMC_OK);
    assert_string_equal(
        s->text.data,
        "SELECT 1 FROM \"kinds\" WHERE \"id\" IN ($1, $2) AND \"n_int\" IN "
        "($3, $4) AND \"n_big\" IN ($5) AND \"ratio\" IN ($6) AND \"flag\" "
        "IN ($7, $8) AND \"note\" IN ($9) AND \"data\" IN ($10) AND \"at\" "
        "IN ($11) AND \"meta\" IN ($12) AND \"status\" IN ($13, $14) LIMIT "
        "1");
    assert_int_equal(s->n_params, 14);
    const ormc_param *p = s->params;
    assert_int_equal(p[1].u.uuid.bytes[0], 2);
    assert_int_equal(p[2].type, ORMC_TYPE_INTEGER);
    assert_int_equal(p[2].u.i32, -1);
    assert_int_equal(p[3].u.i32, 7);
    assert_i64_param(&p[4], INT64_MAX);
    assert_true(p[5].u.f64 == 0.25);
    assert_true(p[6].u.b);
    assert_false(p[7].u.b);
    assert_text_param(&p[8], "n");
    assert_int_equal(p[9].type, ORMC_TYPE_BLOB);
    assert_memory_equal(p[9].u.blob.data, "ab", 2);
    assert_true(p[10].u.time == 42);
    assert_int_equal(p[11].type, ORMC_TYPE_JSON);
    assert_string_equal(p[11].u.text, "{}");
    assert_text_param(&p[12], "closed");
    assert_text_param(&p[13], "new");
    ormc_builder_free(&q);

    /* An enum value out of range fails when the SQL is built. */
    statuses[1] = (test_status)9;
    ormc_builder_init(&q, &test_kind_table);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(KIND_STATUS), statuses, 2);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_SELECT), ORMC_INVALID);
    ormc_builder_free(&q);
}

static void test_query_order_limit_offset(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q;
    ormc_builder_init(&q, &test_bot_table);
    ormc_builder_order_by(&q, BIT(BOT_TEAM_ID), ORMC_ASC);
    ormc_builder_order_by(&q, BIT(BOT_ENTERPRISE_ID), ORMC_DESC);
    ormc_builder_order_by(&q, BIT(BOT_INSTALLED_AT), ORMC_ASC);
    ormc_builder_order_by(&q, BIT(BOT_ID), ORMC_DESC);
    ormc_builder_limit(&q, 10);
    ormc_builder_offset(&q, 20);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_SELECT), ORMC_OK);
    /* Nullable keys say where NULLs go, the same on both backends. */
    assert_string_equal(s->text.data,
                        BOT_SELECT " ORDER BY \"team_id\" NULLS LAST, "
                                   "\"enterprise_id\" DESC NULLS FIRST, "
                                   "\"installed_at\", \"id\" DESC LIMIT $1 "
                                   "OFFSET $2");
    assert_int_equal(s->n_params, 2);
    assert_i64_param(&s->params[0], 10);
    assert_i64_param(&s->params[1], 20);

    /* _first caps the limit at one and keeps the offset. */
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_FIRST), ORMC_OK);
    assert_true(strstr(s->text.data, " LIMIT 1 OFFSET $1") != NULL);
    assert_int_equal(s->n_params, 1);
    assert_i64_param(&s->params[0], 20);
    ormc_builder_free(&q);

    /* An offset alone: SQLite needs a LIMIT, the largest one. */
    ormc_builder_init(&q, &test_order_table);
    ormc_builder_offset(&q, 5);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_SELECT), ORMC_OK);
    assert_string_equal(s->text.data, "SELECT " ORDER_COLUMNS
                                      " FROM \"orders\" LIMIT $1 OFFSET $2");
    assert_i64_param(&s->params[0], INT64_MAX);
    assert_i64_param(&s->params[1], 5);

    /* A limit of 0 stays 0, for _first too. */
    ormc_builder_limit(&q, 0);
    ormc_builder_offset(&q, 0);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_FIRST), ORMC_OK);
    assert_string_equal(s->text.data,
                        "SELECT " ORDER_COLUMNS " FROM \"orders\" LIMIT $1");
    assert_i64_param(&s->params[0], 0);
    ormc_builder_free(&q);
}

static void test_query_count_exists(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q;
    ormc_param code = text_param("c");
    ormc_builder_init(&q, &test_order_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_CODE), ORMC_EQ, &code);
    ormc_builder_order_by(&q, BIT(ORDER_ID), ORMC_ASC);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_COUNT), ORMC_OK);
    assert_string_equal(s->text.data, "SELECT COUNT(*) FROM \"orders\" WHERE "
                                      "\"code\" = $1");
    assert_true(s->returned == 0);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_EXISTS), ORMC_OK);
    assert_string_equal(s->text.data, "SELECT 1 FROM \"orders\" WHERE "
                                      "\"code\" = $1 LIMIT 1");
    assert_int_equal(s->n_params, 1);

    /* A limit counts: over a subquery that applies it. */
    ormc_builder_limit(&q, 3);
    ormc_builder_offset(&q, 1);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_COUNT), ORMC_OK);
    assert_string_equal(s->text.data,
                        "SELECT COUNT(*) FROM (SELECT 1 FROM \"orders\" "
                        "WHERE \"code\" = $1 LIMIT $2 OFFSET $3) AS \"q\"");
    assert_int_equal(s->n_params, 3);
    assert_i64_param(&s->params[1], 3);
    assert_i64_param(&s->params[2], 1);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_EXISTS), ORMC_OK);
    assert_string_equal(s->text.data, "SELECT 1 FROM \"orders\" WHERE "
                                      "\"code\" = $1 LIMIT 1 OFFSET $2");
    assert_int_equal(s->n_params, 2);
    assert_i64_param(&s->params[1], 1); /* the offset */
    ormc_builder_free(&q);
}

static void test_query_delete(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q;
    ormc_param code = text_param("c");
    ormc_builder_init(&q, &test_order_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_CODE), ORMC_NE, &code);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_DELETE), ORMC_OK);
    assert_string_equal(s->text.data, "DELETE FROM \"orders\" WHERE \"code\" "
                                      "<> $1 RETURNING \"id\"");
    assert_true(s->returned == BIT(ORDER_ID));

    /* With a limit the rows are chosen by key in a subquery. */
    ormc_builder_order_by(&q, BIT(ORDER_ID), ORMC_DESC);
    ormc_builder_limit(&q, 2);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_DELETE), ORMC_OK);
    assert_string_equal(s->text.data,
                        "DELETE FROM \"orders\" WHERE \"id\" IN (SELECT "
                        "\"id\" FROM \"orders\" WHERE \"code\" <> $1 ORDER "
                        "BY \"id\" DESC LIMIT $2) RETURNING \"id\"");
    ormc_builder_free(&q);

    /* Everything, and a composite key. */
    ormc_builder_init(&q, &test_line_table);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_DELETE), ORMC_OK);
    assert_string_equal(s->text.data, "DELETE FROM \"lines\" RETURNING "
                                      "\"order_id\", \"line_no\"");
    ormc_builder_offset(&q, 4);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_DELETE), ORMC_OK);
    assert_string_equal(
        s->text.data,
        "DELETE FROM \"lines\" WHERE (\"order_id\", \"line_no\") IN (SELECT "
        "\"order_id\", \"line_no\" FROM \"lines\" LIMIT $1 OFFSET $2) "
        "RETURNING \"order_id\", \"line_no\"");
    ormc_builder_free(&q);
}

static void test_query_update_where(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q;
    ormc_param code = text_param("c");
    test_kind values = {0};
    values.note = "new note";
    values.status = STATUS_CLOSED;
    values.has_n_big = false;
    ormc_builder_init(&q, &test_kind_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(KIND_NAME), ORMC_EQ, &code);
    assert_int_equal(ormc__sql_update_where(s, &q, &values,
                                            BIT(KIND_NOTE) | BIT(KIND_N_BIG) |
                                                BIT(KIND_STATUS)),
                     ORMC_OK);
    assert_string_equal(s->text.data,
                        "UPDATE \"kinds\" SET \"n_big\" = $1, \"note\" = $2, "
                        "\"status\" = $3 WHERE \"name\" = $4 RETURNING "
                        "\"id\"");
    assert_int_equal(s->n_params, 4);
    assert_null_param(&s->params[0], ORMC_TYPE_BIGINT);
    assert_text_param(&s->params[1], "new note");
    assert_text_param(&s->params[2], "closed");
    assert_text_param(&s->params[3], "c");
    assert_true(s->returned == BIT(KIND_ID));

    ormc_builder_limit(&q, 5);
    assert_int_equal(ormc__sql_update_where(s, &q, &values, BIT(KIND_NOTE)),
                     ORMC_OK);
    assert_string_equal(
        s->text.data,
        "UPDATE \"kinds\" SET \"note\" = $1 WHERE \"id\" IN (SELECT \"id\" "
        "FROM \"kinds\" WHERE \"name\" = $2 LIMIT $3) RETURNING \"id\"");
    assert_int_equal(ormc__sql_update_where(s, &q, &values, 0), ORMC_INVALID);
    ormc_builder_free(&q);
}

static void test_query_same_shape_same_text(void **state)
{
    ormc__sql *s = *state;
    ormc__sql other;
    ormc_builder q1, q2;
    ormc_param a = text_param("a"), b = text_param("a much longer value");
    ormc_param n1 = text_param(NULL);
    ormc_builder_init(&q1, &test_bot_table);
    ormc_builder_init(&q2, &test_bot_table);
    ormc_builder_where(&q1, ORMC_COLUMN_BIT(BOT_CLIENT_ID), ORMC_EQ, &a);
    ormc_builder_where(&q2, ORMC_COLUMN_BIT(BOT_CLIENT_ID), ORMC_EQ, &b);
    ormc_builder_limit(&q1, 1);
    ormc_builder_limit(&q2, 1000);
    ormc__sql_init(&other);
    assert_int_equal(ormc__sql_query(s, &q1, ORMC__Q_SELECT), ORMC_OK);
    assert_int_equal(ormc__sql_query(&other, &q2, ORMC__Q_SELECT), ORMC_OK);
    assert_string_equal(s->text.data, other.text.data);

    /* A NULL value is another shape. */
    ormc_builder_where(&q1, ORMC_COLUMN_BIT(BOT_TEAM_ID), ORMC_EQ, &a);
    ormc_builder_where(&q2, ORMC_COLUMN_BIT(BOT_TEAM_ID), ORMC_EQ, &n1);
    assert_int_equal(ormc__sql_query(s, &q1, ORMC__Q_SELECT), ORMC_OK);
    assert_int_equal(ormc__sql_query(&other, &q2, ORMC__Q_SELECT), ORMC_OK);
    assert_string_not_equal(s->text.data, other.text.data);
    ormc__sql_free(&other);
    ormc_builder_free(&q1);
    ormc_builder_free(&q2);
}

static void test_query_quoting(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q;
    ormc_param v = text_param("x\"; DROP TABLE t; --");
    ormc_builder_init(&q, &test_odd_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(1), ORMC_EQ, &v);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_SELECT), ORMC_OK);
    assert_string_equal(s->text.data,
                        "SELECT \"id\", \"we\"\"ird\" FROM \"odd\"\"table\" "
                        "WHERE \"we\"\"ird\" = $1");
    /* The value is a parameter, never text. */
    assert_null(strstr(s->text.data, "DROP"));
    assert_text_param(&s->params[0], "x\"; DROP TABLE t; --");
    ormc_builder_free(&q);
}

static void test_builder_grows(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q;
    int64_t v[40];
    ormc_builder_init(&q, &test_order_table);
    for (int i = 0; i < 40; i++) {
        v[i] = i;
        ormc_param p = i64_param(v[i]);
        if (i == 10)
            ormc_builder_or_begin(&q);
        ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_ID), ORMC_NE, &p);
        if (i == 12)
            ormc_builder_or_end(&q);
    }
    assert_int_equal(q.error, ORMC_OK);
    assert_int_equal(q.n_conds, 40);
    assert_true(q.cap_conds >= 40);
    assert_true(q.conds != q.inline_conds);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_COUNT), ORMC_OK);
    assert_int_equal(s->n_params, 40);
    for (int i = 0; i < 40; i++)
        assert_i64_param(&s->params[i], i);
    assert_non_null(strstr(s->text.data, "\"id\" <> $10 AND (\"id\" <> $11 "
                                         "OR \"id\" <> $12 OR \"id\" <> $13) "
                                         "AND \"id\" <> $14 AND"));
    assert_true(s->text.heap); /* longer than the inline text */
    ormc_builder_free(&q);
    assert_int_equal(q.n_conds, 0);
    ormc_builder_free(NULL);
}

static void test_builder_copy_before_growing(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q, copy;
    ormc_param a = text_param("a"), b = text_param("b");
    ormc_builder_init(&q, &test_order_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_CODE), ORMC_EQ, &a);
    copy = q;
    ormc_builder_where(&copy, ORMC_COLUMN_BIT(ORDER_NOTE), ORMC_EQ, &b);
    assert_int_equal(ormc__sql_query(s, &copy, ORMC__Q_SELECT), ORMC_OK);
    assert_string_equal(s->text.data,
                        "SELECT " ORDER_COLUMNS " FROM \"orders\" WHERE "
                        "\"code\" = $1 AND \"note\" = $2");
    /* The original did not change. */
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_SELECT), ORMC_OK);
    assert_string_equal(s->text.data, "SELECT " ORDER_COLUMNS
                                      " FROM \"orders\" WHERE \"code\" = $1");
    ormc_builder_free(&copy);
    ormc_builder_free(&q);
}

/* Each builder misuse is remembered and returned by the statement. */
static void expect_error(void (*misuse)(ormc_builder *q))
{
    ormc__sql s;
    ormc_builder q;
    ormc__sql_init(&s);
    ormc_builder_init(&q, &test_kind_table);
    misuse(&q);
    assert_int_equal(q.error, ORMC_INVALID);
    assert_int_equal(ormc__sql_query(&s, &q, ORMC__Q_SELECT), ORMC_INVALID);
    ormc__sql_free(&s);
    ormc_builder_free(&q);
}

static void bad_column(ormc_builder *q)
{
    ormc_builder_where(q, ORMC_COLUMN_BIT(12), ORMC_IS_NULL, NULL);
}
static void no_column(ormc_builder *q)
{
    ormc_builder_where_in(q, 0, NULL, 0);
}
static void two_columns(ormc_builder *q)
{
    ormc_builder_where(q, ORMC_COLUMN_BIT(0) | ORMC_COLUMN_BIT(1), ORMC_IS_NULL,
                       NULL);
}
static void like_on_integer(ormc_builder *q)
{
    ormc_param p = {.type = ORMC_TYPE_INTEGER};
    ormc_builder_where(q, ORMC_COLUMN_BIT(KIND_N_INT), ORMC_LIKE, &p);
}
static void like_on_json(ormc_builder *q)
{
    ormc_param p = text_param("%");
    ormc_builder_where(q, ORMC_COLUMN_BIT(KIND_META), ORMC_LIKE, &p);
}
static void less_on_enum(ormc_builder *q)
{
    ormc_param p = enum_param(1);
    ormc_builder_where(q, ORMC_COLUMN_BIT(KIND_STATUS), ORMC_LT, &p);
}
static void less_on_json(ormc_builder *q)
{
    ormc_param p = text_param("{}");
    ormc_builder_where(q, ORMC_COLUMN_BIT(KIND_META), ORMC_GE, &p);
}
static void wrong_type(ormc_builder *q)
{
    ormc_param p = text_param("1");
    ormc_builder_where(q, ORMC_COLUMN_BIT(KIND_N_INT), ORMC_EQ, &p);
}
static void enum_out_of_range(ormc_builder *q)
{
    ormc_param p = enum_param(3);
    ormc_builder_where(q, ORMC_COLUMN_BIT(KIND_STATUS), ORMC_EQ, &p);
}
static void in_through_where(ormc_builder *q)
{
    ormc_param p = i64_param(1);
    ormc_builder_where(q, ORMC_COLUMN_BIT(KIND_N_BIG), ORMC_IN, &p);
}
static void unknown_op(ormc_builder *q)
{
    ormc_builder_where(q, ORMC_COLUMN_BIT(KIND_N_BIG), (ormc_op)99, NULL);
}
static void in_without_values(ormc_builder *q)
{
    ormc_builder_where_in(q, ORMC_COLUMN_BIT(KIND_N_BIG), NULL, 3);
}
static void nested_or(ormc_builder *q)
{
    ormc_builder_or_begin(q);
    ormc_builder_or_begin(q);
}
static void or_end_alone(ormc_builder *q)
{
    ormc_builder_or_end(q);
}
static void too_many_groups(ormc_builder *q)
{
    for (int i = 0; i < 256; i++) {
        ormc_builder_or_begin(q);
        ormc_builder_or_end(q);
    }
}
static void too_many_order_keys(ormc_builder *q)
{
    for (int i = 0; i <= ORMC_QUERY_MAX_ORDER; i++)
        ormc_builder_order_by(q, BIT(KIND_N_INT), ORMC_ASC);
}
static void order_by_two_columns(ormc_builder *q)
{
    ormc_builder_order_by(q, BIT(KIND_N_INT) | BIT(KIND_AT), ORMC_ASC);
}
static void order_by_no_column(ormc_builder *q)
{
    ormc_builder_order_by(q, 0, ORMC_ASC);
}
static void order_by_missing_column(ormc_builder *q)
{
    ormc_builder_order_by(q, BIT(12), ORMC_ASC);
}
static void order_by_bad_direction(ormc_builder *q)
{
    ormc_builder_order_by(q, BIT(1), (ormc_order)2);
}
static void negative_limit(ormc_builder *q)
{
    ormc_builder_limit(q, -2);
}
static void negative_offset(ormc_builder *q)
{
    ormc_builder_offset(q, -1);
}

static void test_builder_errors(void **state)
{
    (void)state;
    void (*const misuses[])(ormc_builder *) = {
        bad_column,
        no_column,
        two_columns,
        like_on_integer,
        like_on_json,
        less_on_enum,
        less_on_json,
        wrong_type,
        enum_out_of_range,
        in_through_where,
        unknown_op,
        in_without_values,
        nested_or,
        or_end_alone,
        too_many_groups,
        too_many_order_keys,
        order_by_two_columns,
        order_by_no_column,
        order_by_missing_column,
        order_by_bad_direction,
        negative_limit,
        negative_offset,
    };
    for (size_t i = 0; i < sizeof misuses / sizeof misuses[0]; i++)
        expect_error(misuses[i]);
}

static void test_builder_first_error_wins(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q;
    ormc_param ok = text_param("n");
    ormc_builder_init(&q, &test_kind_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(KIND_NAME), ORMC_EQ, &ok);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(40), ORMC_EQ, &ok);
    /* Later calls, good or bad, change nothing. */
    ormc_builder_where(&q, ORMC_COLUMN_BIT(KIND_NAME), ORMC_EQ, &ok);
    ormc_builder_or_end(&q);
    ormc_builder_limit(&q, 5);
    ormc_builder_order_by(&q, BIT(1), ORMC_ASC);
    assert_int_equal(q.error, ORMC_INVALID);
    assert_int_equal(q.n_conds, 1);
    assert_int_equal(q.limit, -1);
    assert_int_equal(q.n_order, 0);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_COUNT), ORMC_INVALID);
    ormc_builder_free(&q);

    /* A builder without a table. */
    ormc_builder_init(&q, NULL);
    assert_int_equal(q.error, ORMC_INVALID);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(0), ORMC_IS_NULL, NULL);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_SELECT), ORMC_INVALID);
    ormc_builder_free(&q);
    ormc_builder_init(NULL, &test_kind_table);
    ormc_builder_where(NULL, 0, ORMC_IS_NULL, NULL);
}

static void test_builder_null_value_forms(void **state)
{
    ormc__sql *s = *state;
    ormc_builder q;
    /* A text parameter whose pointer is NULL is NULL, whatever is_null
     * says; so is a blob without data. */
    ormc_param t = {.type = ORMC_TYPE_TEXT};
    ormc_param b = {.type = ORMC_TYPE_BLOB};
    ormc_builder_init(&q, &test_kind_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(KIND_NOTE), ORMC_EQ, &t);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(KIND_DATA), ORMC_NE, &b);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(KIND_LEVEL), ORMC_EQ, NULL);
    assert_int_equal(ormc__sql_query(s, &q, ORMC__Q_COUNT), ORMC_OK);
    assert_string_equal(s->text.data,
                        "SELECT COUNT(*) FROM \"kinds\" WHERE \"note\" IS "
                        "NULL AND \"data\" IS NOT NULL AND \"level\" IS NULL");
    assert_int_equal(s->n_params, 0);
    ormc_builder_free(&q);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_sql, teardown_sql)
    const struct CMUnitTest tests[] = {
        T(test_insert_columns),
        T(test_unique_keys),
        T(test_insert_one),
        T(test_insert_all_columns_no_returning),
        T(test_insert_default_values),
        T(test_insert_many_rows),
        T(test_insert_chunk_limit),
        T(test_update_pk),
        T(test_update_pk_composite),
        T(test_update_pk_nothing_to_set),
        T(test_upsert),
        T(test_upsert_nothing_else),
        T(test_upsert_refused),
        T(test_find_or_create),
        T(test_select_by_null_safe),
        T(test_row_params),
        T(test_params_grow),
        T(test_query_all),
        T(test_query_latest_bot),
        T(test_query_null_rules),
        T(test_query_comparisons),
        T(test_query_or_groups),
        T(test_query_in),
        T(test_query_in_every_type),
        T(test_query_order_limit_offset),
        T(test_query_count_exists),
        T(test_query_delete),
        T(test_query_update_where),
        T(test_query_same_shape_same_text),
        T(test_query_quoting),
        T(test_builder_grows),
        T(test_builder_copy_before_growing),
        T(test_builder_errors),
        T(test_builder_first_error_wins),
        T(test_builder_null_value_forms),
    };
#undef T
    return cmocka_run_group_tests_name("engine_sqlbuild", tests, NULL, NULL);
}
