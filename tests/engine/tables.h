/*
 * tables.h: the tables of the engine and data tests.
 *
 * Their row structs and descriptors are generated at build time from
 * tables.lua (test.h, test.c: test_bot, test_bot_table, ...), so that the
 * tests run the engine over descriptors exactly as the generator writes
 * them. This header adds what the tests use besides: each column's index
 * (for ormc_builder_where and the descriptors' columns[]), in the order of
 * tables.lua; short names for the labels of kind.status and kind.level;
 * the one table written by hand (odd, in tables.c); and the list of all.
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
#include <stddef.h>
#include <stdint.h>

#include "ormc_generated.h"
#include "test.h" /* generated from tables.lua */

/* The columns' indexes, in the order of tables.lua. */
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

enum {
    ORDER_ID,
    ORDER_CODE,
    ORDER_NOTE
};

enum {
    LINE_ORDER_ID,
    LINE_LINE_NO,
    LINE_SKU,
    LINE_QTY,
    LINE_ORDER_CODE
};

enum {
    NODE_ID,
    NODE_PARENT_ID,
    NODE_LABEL
};

/* kind.status and kind.level have the same labels, generated as two enum
 * types (one per column); the labels' values as plain ints, for either. */
typedef test_kind_status test_status;
#define STATUS_NEW ((int)TEST_KIND_STATUS_NEW)
#define STATUS_ACTIVE ((int)TEST_KIND_STATUS_ACTIVE)
#define STATUS_CLOSED ((int)TEST_KIND_STATUS_CLOSED)

/* odd: quotes in its table and column names, which the DSL refuses on
 * purpose, so written by hand in tables.c. */
typedef struct test_odd {
    int64_t id;
    const char *we_ird;
    void *ormc_owned;
} test_odd;

extern const ormc_table test_odd_table;

/* Every table above, for tests that loop over them. */
extern const ormc_table *const test_tables[];
extern const size_t test_n_tables;

#endif /* ENGINE_TABLES_H */
