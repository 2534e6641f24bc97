/*
 * cursor.c: streaming the rows of a query (ormc_cursor_open/next/close).
 *
 * Memory stays flat however many rows stream by: on SQLite each step
 * produces one row; on PostgreSQL the statement runs in libpq's single-row
 * mode (the statement layer's single_row), so the client holds one row at a
 * time instead of the whole result. A row handed out borrows its text and
 * blobs from the driver, valid until the next step or close; its
 * ormc_owned is NULL, so ormc_row_free on it is harmless.
 *
 * On PostgreSQL an open cursor occupies the connection (the server is still
 * sending its rows): run other statements on the same connection only after
 * the cursor is done or closed. Closing early drains the rows still on
 * their way.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>

#include "hooks.h"

struct ormc_cursor {
    ormc_db *db;
    const ormc_table *t;
    ormc__stmt *st; /* NULL once done, failed or closed */
    int status;     /* ORMC_DONE or the error that ended it */
};

int ormc_cursor_open(ormc_db *db, const ormc_builder *q, ormc_cursor **out)
{
    if (out != NULL)
        *out = NULL;
    if (db == NULL)
        return ORMC_INVALID;
    ormc__clear_error(db);
    if (q == NULL || q->table == NULL || out == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "no query or cursor given");
    ormc_cursor *cur = calloc(1, sizeof *cur);
    if (cur == NULL)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    int rc = ormc__query_open(db, q, &cur->st);
    if (rc != ORMC_OK) {
        free(cur);
        return rc;
    }
    cur->db = db;
    cur->t = q->table;
    cur->status = ORMC_DONE;
    cur->st->single_row = db->backend == ORMC_POSTGRES;
    *out = cur;
    return ORMC_OK;
}

int ormc_cursor_next(ormc_cursor *cur, void *row)
{
    if (cur == NULL)
        return ORMC_INVALID;
    if (cur->st == NULL)
        return cur->status;
    ormc__clear_error(cur->db);
    if (row == NULL)
        return ormc__error(cur->db, ORMC_INVALID, NULL, NULL, "no row given");
    int rc = ormc__stmt_step(cur->st);
    if (rc == ORMC_ROW) {
        rc = ormc__stmt_decode_row(cur->st, cur->t, row, false);
        if (rc == ORMC_OK)
            return ORMC_ROW;
    }
    /* done or failed: give the statement (and, on PostgreSQL, the
     * connection) back at once */
    ormc__stmt_release(cur->st);
    cur->st = NULL;
    cur->status = rc;
    return rc;
}

void ormc_cursor_close(ormc_cursor *cur)
{
    if (cur == NULL)
        return;
    ormc__stmt_release(cur->st);
    free(cur);
}
