/*
 * data_tables.h: the tables of tests/engine/tables.h created in a test's
 * database, with DDL for each backend.
 */
#ifndef DATA_TABLES_H
#define DATA_TABLES_H

#include "ormc_test.h"
#include "tables.h"

/* Create every table of tables.h (bot, kind, order, line, node, odd) and
 * commit. */
void data_create_tables(ormc_db *db);

/* A fixed uuid made of n. */
ormc_uuid data_uuid(uint32_t n);

/* Rows in a table (by its SQL name, unquoted). */
int64_t data_count_rows(ormc_db *db, const char *table);

/* A change hook that records what it sees. */
typedef struct data_hook_log {
    int n; /* calls */
    int n_insert, n_update, n_delete;
    const ormc_table *last_table;
    ormc_change last_op;
    int64_t keys[64];   /* the first 64 int64 primary keys seen */
    char last_text[64]; /* a copy of a text column of the last row */
    int text_column;    /* which column to copy (-1: none) */
} data_hook_log;

void data_hook(void *ctx, const ormc_table *t, ormc_change op, const void *row);

/* Filter values for the query builder. */
static inline ormc_param data_text(const char *s)
{
    ormc_param p = {.type = ORMC_TYPE_TEXT, .is_null = s == NULL};
    p.u.text = s;
    return p;
}
static inline ormc_param data_i64(int64_t v)
{
    ormc_param p = {.type = ORMC_TYPE_BIGINT};
    p.u.i64 = v;
    return p;
}
static inline ormc_param data_i32(int32_t v)
{
    ormc_param p = {.type = ORMC_TYPE_INTEGER};
    p.u.i32 = v;
    return p;
}
static inline ormc_param data_uuid_param(ormc_uuid u)
{
    ormc_param p = {.type = ORMC_TYPE_UUID};
    p.u.uuid = u;
    return p;
}

/* A table of our own with a nullable unique column: tags(id serial,
 * name text UNIQUE, note text). */
typedef struct data_tag {
    int64_t id;
    const char *name;
    const char *note;
    void *ormc_owned;
} data_tag;
enum {
    TAG_ID,
    TAG_NAME,
    TAG_NOTE
};
extern const ormc_table data_tag_table;

#endif /* DATA_TABLES_H */
