/*
 * tables.c: the one table of tables.h that is not generated from
 * tables.lua, and the list of all of them.
 *
 * odd has a double quote in its table name and in a column name, to test
 * that the runtime quotes identifiers. The DSL accepts only plain SQL names
 * (lower-case letters, digits, underscores) on purpose, so its descriptor
 * is written here, in the shape the generator writes.
 */
#include "tables.h"

#include <stddef.h>

static const ormc_column odd_columns[] = {
    {
        .name = "id",
        .sql_name = "id",
        .type = ORMC_TYPE_BIGINT,
        .flags = ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY,
        .offset = offsetof(test_odd, id),
        .has_offset = ORMC_NO_HAS,
        .ref_column = -1,
    },
    {
        .name = "we_ird",
        .sql_name = "we\"ird",
        .type = ORMC_TYPE_TEXT,
        .flags = 0,
        .offset = offsetof(test_odd, we_ird),
        .has_offset = ORMC_NO_HAS,
        .ref_column = -1,
    },
};

static const uint16_t odd_pk[] = {0};

const ormc_table test_odd_table = {
    .name = "odd",
    .sql_name = "odd\"table",
    .row_size = sizeof(test_odd),
    .owned_offset = offsetof(test_odd, ormc_owned),
    .columns = odd_columns,
    .n_columns = sizeof odd_columns / sizeof odd_columns[0],
    .primary_key = ORMC_COLUMN_BIT(0),
    .pk_order = odd_pk,
    .n_pk = 1,
};

const ormc_table *const test_tables[] = {
    &test_bot_table,  &test_kind_table, &test_order_table,
    &test_line_table, &test_node_table, &test_odd_table,
};
const size_t test_n_tables = sizeof test_tables / sizeof test_tables[0];
