/*
 * sql_query.c: running the SQL queries a schema declares (docs/queries.md):
 * ormc_sql_many, ormc_sql_one and ormc_sql_exec, which the generated query
 * functions call (ormc_sql_cursor_open is in cursor.c).
 *
 * The generator has checked the text against the schema and written two
 * keyless table descriptors, one over the params struct and one over the
 * row struct, so binding and decoding are the engine's own row binding and
 * decoding (row.c). The statement is checked out by identity, the
 * descriptor's address (one key kind of its own), so a call neither copies
 * nor hashes its text once the connection has prepared it.
 *
 * Change hooks do not fire: ormc cannot tell which rows an arbitrary
 * statement changed.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "hooks.h"
#include "row.h"
#include "session.h"
#include "sql_query.h"
#include "sqlbuild.h"

int ormc__sql_open(ormc_db *db, const ormc_sql_query *q, const void *params,
                   ormc__stmt **out)
{
    *out = NULL;
    if (db == NULL)
        return ORMC_INVALID;
    ormc__clear_error(db);
    if (q == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL, "no query given");
    if (q->params != NULL && params == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "query %s: no parameters given", q->name);
    const char *sql = db->backend == ORMC_POSTGRES ? q->postgres : q->sqlite;
    if (sql == NULL)
        return ormc__error(
            db, ORMC_UNSUPPORTED, NULL, NULL, "query %s does not run on %s",
            q->name, db->backend == ORMC_POSTGRES ? "PostgreSQL" : "SQLite");
    ormc__key k;
    ormc__key_init(&k, ORMC__KEY_SQL_QUERY, NULL);
    ormc__key_add(&k, &q, sizeof q);
    ormc__stmt *st;
    int rc = ormc__stmt_find(db, &k, &st);
    if (rc == ORMC_NOT_FOUND)
        rc = ormc__stmt_prepare_key(db, &k, sql, 0, &st);
    if (rc != ORMC_OK)
        return rc;
    if (q->params != NULL) {
        int n = q->params->n_columns;
        ormc_colset all = n >= 64 ? ~(ormc_colset)0 : ((ormc_colset)1 << n) - 1;
        rc = ormc__stmt_bind_row(st, q->params, params, all);
    } else if (st->n_params != 0) {
        rc = ormc__error(db, ORMC_INVALID, "08P01", NULL,
                         "query %s: the text has %d parameters, none given",
                         q->name, st->n_params);
    }
    if (rc != ORMC_OK) {
        ormc__stmt_release(st);
        return rc;
    }
    *out = st;
    return ORMC_OK;
}

/* A query that returns no rows was given where one that does is needed,
 * or the other way round: the descriptor does not fit the call. */
static int wrong_kind(ormc_db *db, const ormc_sql_query *q, const char *what)
{
    return ormc__error(db, ORMC_INVALID, NULL, NULL, "query %s: %s",
                       q && q->name ? q->name : "?", what);
}

int ormc_sql_many(ormc_db *db, const ormc_sql_query *q, const void *params,
                  void **items, size_t *count)
{
    if (items != NULL)
        *items = NULL;
    if (count != NULL)
        *count = 0;
    if (db != NULL && (q == NULL || q->row == NULL))
        return wrong_kind(db, q, "returns no rows");
    if (db != NULL && (items == NULL || count == NULL))
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "no list given for the rows");
    ormc__stmt *st;
    int rc = ormc__sql_open(db, q, params, &st);
    if (rc != ORMC_OK)
        return rc;
    return ormc__stmt_read_all(st, q->row, items, count);
}

int ormc_sql_one(ormc_db *db, const ormc_sql_query *q, const void *params,
                 void *out)
{
    if (db != NULL && (q == NULL || q->row == NULL))
        return wrong_kind(db, q, "returns no rows");
    if (db != NULL && out == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL, "no row given");
    ormc__stmt *st;
    int rc = ormc__sql_open(db, q, params, &st);
    if (rc != ORMC_OK)
        return rc;
    const ormc_table *t = q->row;
    ormc__rowbuf buf;
    void *row = ormc__tmp_row(t, &buf);
    if (row == NULL) {
        ormc__stmt_release(st);
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    }
    rc = ormc__stmt_step(st);
    if (rc == ORMC_DONE) {
        rc = ORMC_NOT_FOUND;
    } else if (rc == ORMC_ROW) {
        rc = ormc__stmt_decode_row(st, t, row, true);
        if (rc == ORMC_OK) {
            /* a second row: the query was declared to return one */
            int next = ormc__stmt_step(st);
            if (next == ORMC_ROW)
                rc =
                    ormc__error(db, ORMC_INVALID, "21000", NULL,
                                "query %s returned more than one row", q->name);
            else if (next != ORMC_DONE)
                rc = next;
            if (rc == ORMC_OK)
                memcpy(out, row, t->row_size);
            else
                ormc_row_free(t, row);
        }
    }
    ormc__stmt_release(st);
    ormc__tmp_row_done(row, &buf);
    return rc;
}

int ormc_sql_exec(ormc_db *db, const ormc_sql_query *q, const void *params,
                  int64_t *changes)
{
    if (changes != NULL)
        *changes = 0;
    if (db != NULL && q != NULL && q->row != NULL)
        return wrong_kind(db, q, "returns rows");
    ormc__stmt *st;
    int rc = ormc__sql_open(db, q, params, &st);
    if (rc != ORMC_OK)
        return rc;
    while ((rc = ormc__stmt_step(st)) == ORMC_ROW) {}
    if (rc == ORMC_DONE) {
        rc = ORMC_OK;
        if (changes != NULL)
            *changes = ormc__stmt_changes(st);
    }
    ormc__stmt_release(st);
    return rc;
}
