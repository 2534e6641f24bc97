/*
 * tables.h: hand-written table descriptors for the engine tests, in the
 * shape the generator emits (a row struct, offsetof, flags).
 *
 *   bot    slack_bots: a serial key, texts with max, now-defaulted time
 *   kind   every column type, nullable and not, a uuid key, enums
 *   order  a serial key and a unique text code
 *   line   a composite key; order_id references order.id
 *   node   a nullable reference to its own table
 *   odd    quotes in table and column names
 */
#ifndef ENGINE_TABLES_H
#define ENGINE_TABLES_H

#include <stdbool.h>
#include <stdint.h>

#include "ormc_generated.h"

typedef struct test_bot {
    int64_t id;
    const char *client_id;
    const char *app_id;
    const char *enterprise_id;
    const char *team_id;
    const char *bot_token;
    const char *bot_scopes;
    bool has_bot_token_expires_at;
    ormc_time bot_token_expires_at;
    bool is_enterprise_install;
    bool has_installed_at;
    ormc_time installed_at;
    void *ormc_owned;
} test_bot;

enum {
    BOT_ID,
    BOT_CLIENT_ID,
    BOT_APP_ID,
    BOT_ENTERPRISE_ID,
    BOT_TEAM_ID,
    BOT_BOT_TOKEN,
    BOT_BOT_SCOPES,
    BOT_BOT_TOKEN_EXPIRES_AT,
    BOT_IS_ENTERPRISE_INSTALL,
    BOT_INSTALLED_AT
};

typedef enum test_status {
    STATUS_NEW,
    STATUS_ACTIVE,
    STATUS_CLOSED
} test_status;

typedef struct test_kind {
    ormc_uuid id;
    int32_t n_int;
    bool has_n_big;
    int64_t n_big;
    bool has_ratio;
    double ratio;
    bool flag;
    const char *name;
    const char *note;
    ormc_blob data;
    ormc_time at;
    const char *meta;
    test_status status;
    bool has_level;
    test_status level;
    void *ormc_owned;
} test_kind;

enum {
    KIND_ID,
    KIND_N_INT,
    KIND_N_BIG,
    KIND_RATIO,
    KIND_FLAG,
    KIND_NAME,
    KIND_NOTE,
    KIND_DATA,
    KIND_AT,
    KIND_META,
    KIND_STATUS,
    KIND_LEVEL
};

typedef struct test_order {
    int64_t id;
    const char *code;
    const char *note;
    void *ormc_owned;
} test_order;

enum {
    ORDER_ID,
    ORDER_CODE,
    ORDER_NOTE
};

typedef struct test_line {
    int64_t order_id;
    int32_t line_no;
    const char *sku;
    int32_t qty;
    const char *order_code;
    void *ormc_owned;
} test_line;

enum {
    LINE_ORDER_ID,
    LINE_LINE_NO,
    LINE_SKU,
    LINE_QTY,
    LINE_ORDER_CODE
};

typedef struct test_node {
    int64_t id;
    bool has_parent_id;
    int64_t parent_id;
    const char *label;
    void *ormc_owned;
} test_node;

enum {
    NODE_ID,
    NODE_PARENT_ID,
    NODE_LABEL
};

typedef struct test_odd {
    int64_t id;
    const char *we_ird;
    void *ormc_owned;
} test_odd;

extern const ormc_table test_bot_table;
extern const ormc_table test_kind_table;
extern const ormc_table test_order_table;
extern const ormc_table test_line_table;
extern const ormc_table test_node_table;
extern const ormc_table test_odd_table;

/* Every table above, for tests that loop over them. */
extern const ormc_table *const test_tables[];
extern const size_t test_n_tables;

#endif /* ENGINE_TABLES_H */
