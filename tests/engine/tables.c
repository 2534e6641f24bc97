/*
 * tables.c: the descriptors of tables.h, written the way the generator
 * writes them.
 */
#include "tables.h"

#include <stddef.h>

/* clang-format off */
#define COL(row, field, sql, type, flags)                                      \
    {#field, sql, type, flags, offsetof(row, field), ORMC_NO_HAS,             \
     0, NULL, 0, NULL, 0, NULL, NULL, NULL}
#define COL_HAS(row, field, sql, type, flags)                                  \
    {#field, sql, type, flags, offsetof(row, field),                           \
     offsetof(row, has_##field), 0, NULL, 0, NULL, 0, NULL, NULL, NULL}
#define COL_MAX(row, field, sql, flags, max)                                   \
    {#field, sql, ORMC_TYPE_TEXT, flags, offsetof(row, field), ORMC_NO_HAS,   \
     max, NULL, 0, NULL, 0, NULL, NULL, NULL}
/* clang-format on */

/* === bot (slack_bots) === */

static const ormc_column bot_columns[] = {
    COL(test_bot, id, "id", ORMC_TYPE_BIGINT,
        ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY | ORMC_COL_SERIAL),
    COL_MAX(test_bot, client_id, "client_id", ORMC_COL_NOT_NULL, 32),
    COL_MAX(test_bot, app_id, "app_id", ORMC_COL_NOT_NULL, 32),
    COL_MAX(test_bot, enterprise_id, "enterprise_id", 0, 32),
    COL_MAX(test_bot, team_id, "team_id", 0, 32),
    COL_MAX(test_bot, bot_token, "bot_token", 0, 200),
    COL_MAX(test_bot, bot_scopes, "bot_scopes", 0, 1000),
    COL_HAS(test_bot, bot_token_expires_at, "bot_token_expires_at",
            ORMC_TYPE_TIMESTAMP, ORMC_COL_TZ),
    COL(test_bot, is_enterprise_install, "is_enterprise_install",
        ORMC_TYPE_BOOLEAN, ORMC_COL_NOT_NULL | ORMC_COL_DEFAULT),
    COL_HAS(test_bot, installed_at, "installed_at", ORMC_TYPE_TIMESTAMP,
            ORMC_COL_NOT_NULL | ORMC_COL_DEFAULT | ORMC_COL_DEFAULT_NOW |
                ORMC_COL_TZ),
};

static const uint16_t bot_pk[] = {BOT_ID};
static const uint16_t bot_index0[] = {BOT_CLIENT_ID, BOT_ENTERPRISE_ID,
                                      BOT_TEAM_ID, BOT_INSTALLED_AT};
static const ormc_index bot_indexes[] = {
    {"slack_bots_client_id_enterprise_id_team_id_installed_at_idx",
     ORMC_COLUMN_BIT(BOT_CLIENT_ID) | ORMC_COLUMN_BIT(BOT_ENTERPRISE_ID) |
         ORMC_COLUMN_BIT(BOT_TEAM_ID) | ORMC_COLUMN_BIT(BOT_INSTALLED_AT),
     bot_index0, 4, false},
};

const ormc_table test_bot_table = {
    "bot",
    "slack_bots",
    sizeof(test_bot),
    offsetof(test_bot, ormc_owned),
    bot_columns,
    sizeof bot_columns / sizeof bot_columns[0],
    ORMC_COLUMN_BIT(BOT_ID),
    bot_pk,
    1,
    bot_indexes,
    1,
};

/* === kind: every type === */

static const char *const status_labels[] = {"new", "active", "closed"};

static const ormc_column kind_columns[] = {
    COL(test_kind, id, "id", ORMC_TYPE_UUID,
        ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY),
    COL(test_kind, n_int, "n_int", ORMC_TYPE_INTEGER,
        ORMC_COL_NOT_NULL | ORMC_COL_UNIQUE),
    COL_HAS(test_kind, n_big, "n_big", ORMC_TYPE_BIGINT, 0),
    COL_HAS(test_kind, ratio, "ratio", ORMC_TYPE_DOUBLE, 0),
    COL(test_kind, flag, "flag", ORMC_TYPE_BOOLEAN, ORMC_COL_NOT_NULL),
    COL_MAX(test_kind, name, "name", ORMC_COL_NOT_NULL, 8),
    COL(test_kind, note, "note", ORMC_TYPE_TEXT, 0),
    COL(test_kind, data, "data", ORMC_TYPE_BLOB, 0),
    COL(test_kind, at, "at", ORMC_TYPE_TIMESTAMP, ORMC_COL_NOT_NULL),
    COL(test_kind, meta, "meta", ORMC_TYPE_JSON, 0),
    {"status", "status", ORMC_TYPE_ENUM, ORMC_COL_NOT_NULL,
     offsetof(test_kind, status), ORMC_NO_HAS, 0, status_labels, 3, NULL, 0,
     NULL, NULL, NULL},
    {"level", "level", ORMC_TYPE_ENUM, 0, offsetof(test_kind, level),
     offsetof(test_kind, has_level), 0, status_labels, 3, NULL, 0, NULL, NULL,
     NULL},
};

static const uint16_t kind_pk[] = {KIND_ID};
static const uint16_t kind_unique0[] = {KIND_NAME, KIND_AT};
static const ormc_index kind_indexes[] = {
    {"kinds_name_at_key", ORMC_COLUMN_BIT(KIND_NAME) | ORMC_COLUMN_BIT(KIND_AT),
     kind_unique0, 2, true},
};

const ormc_table test_kind_table = {
    "kind",
    "kinds",
    sizeof(test_kind),
    offsetof(test_kind, ormc_owned),
    kind_columns,
    sizeof kind_columns / sizeof kind_columns[0],
    ORMC_COLUMN_BIT(KIND_ID),
    kind_pk,
    1,
    kind_indexes,
    1,
};

/* === order === */

static const ormc_column order_columns[] = {
    COL(test_order, id, "id", ORMC_TYPE_BIGINT,
        ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY | ORMC_COL_SERIAL),
    COL_MAX(test_order, code, "code", ORMC_COL_NOT_NULL | ORMC_COL_UNIQUE, 32),
    COL(test_order, note, "note", ORMC_TYPE_TEXT, 0),
};

static const uint16_t order_pk[] = {ORDER_ID};

const ormc_table test_order_table = {
    "order",
    "orders",
    sizeof(test_order),
    offsetof(test_order, ormc_owned),
    order_columns,
    sizeof order_columns / sizeof order_columns[0],
    ORMC_COLUMN_BIT(ORDER_ID),
    order_pk,
    1,
    NULL,
    0,
};

/* === line: composite key, references === */

static const ormc_column line_columns[] = {
    {"order_id", "order_id", ORMC_TYPE_BIGINT,
     ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY, offsetof(test_line, order_id),
     ORMC_NO_HAS, 0, NULL, 0, &test_order_table, ORDER_ID, NULL, NULL, NULL},
    COL(test_line, line_no, "line_no", ORMC_TYPE_INTEGER,
        ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY),
    COL_MAX(test_line, sku, "sku", ORMC_COL_NOT_NULL, 3),
    COL(test_line, qty, "qty", ORMC_TYPE_INTEGER, ORMC_COL_NOT_NULL),
    {"order_code", "order_code", ORMC_TYPE_TEXT, 0,
     offsetof(test_line, order_code), ORMC_NO_HAS, 32, NULL, 0,
     &test_order_table, ORDER_CODE, NULL, NULL, NULL},
};

static const uint16_t line_pk[] = {LINE_ORDER_ID, LINE_LINE_NO};

const ormc_table test_line_table = {
    "line",
    "lines",
    sizeof(test_line),
    offsetof(test_line, ormc_owned),
    line_columns,
    sizeof line_columns / sizeof line_columns[0],
    ORMC_COLUMN_BIT(LINE_ORDER_ID) | ORMC_COLUMN_BIT(LINE_LINE_NO),
    line_pk,
    2,
    NULL,
    0,
};

/* === node: a reference to its own table === */

static const ormc_column node_columns[] = {
    COL(test_node, id, "id", ORMC_TYPE_BIGINT,
        ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY | ORMC_COL_SERIAL),
    {"parent_id", "parent_id", ORMC_TYPE_BIGINT, 0,
     offsetof(test_node, parent_id), offsetof(test_node, has_parent_id), 0,
     NULL, 0, &test_node_table, NODE_ID, NULL, NULL, NULL},
    COL_MAX(test_node, label, "label", ORMC_COL_NOT_NULL | ORMC_COL_UNIQUE, 5),
};

static const uint16_t node_pk[] = {NODE_ID};

const ormc_table test_node_table = {
    "node",
    "nodes",
    sizeof(test_node),
    offsetof(test_node, ormc_owned),
    node_columns,
    sizeof node_columns / sizeof node_columns[0],
    ORMC_COLUMN_BIT(NODE_ID),
    node_pk,
    1,
    NULL,
    0,
};

/* === odd: quotes in names === */

static const ormc_column odd_columns[] = {
    COL(test_odd, id, "id", ORMC_TYPE_BIGINT,
        ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY),
    COL(test_odd, we_ird, "we\"ird", ORMC_TYPE_TEXT, 0),
};

static const uint16_t odd_pk[] = {0};

const ormc_table test_odd_table = {
    "odd",
    "odd\"table",
    sizeof(test_odd),
    offsetof(test_odd, ormc_owned),
    odd_columns,
    sizeof odd_columns / sizeof odd_columns[0],
    ORMC_COLUMN_BIT(0),
    odd_pk,
    1,
    NULL,
    0,
};

const ormc_table *const test_tables[] = {
    &test_bot_table,  &test_kind_table, &test_order_table,
    &test_line_table, &test_node_table, &test_odd_table,
};
const size_t test_n_tables = sizeof test_tables / sizeof test_tables[0];
