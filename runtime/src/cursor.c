/*
 * cursor.c: streaming the rows of a query (ormc_cursor_open/next/close).
 *
 * Memory stays flat however many rows stream by. On SQLite each step
 * produces one row. On PostgreSQL the query becomes a server-side cursor,
 * DECLARE ormc_cursor_N NO SCROLL CURSOR FOR <query>, read by FETCH FORWARD
 * of PG_CHUNK rows: the client holds one chunk at a time, and a round trip
 * and a result serve PG_CHUNK rows (libpq's single-row mode, the other way
 * to stream, builds a result per row and cost twice the decoding). A cursor
 * lives in a transaction: in the current one, or, in autocommit mode with
 * none open, in one of its own that ends (commits: the cursor only read)
 * when the cursor is done or closed. N is a free slot among 32 per
 * connection; with none left, the statement streams in single-row mode.
 * Cursors opened while such a transaction of their own is open share it;
 * the last to end commits it.
 *
 * A row handed out borrows its text and blobs from the driver, valid until
 * the next step or close; its ormc_owned is NULL, so ormc_row_free on it is
 * harmless.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include "hooks.h"
#include "row.h"
#include "session.h"
#include "sql_query.h"
#include "sqlbuild.h"

/* Rows per FETCH: large enough that round trips stop mattering, small
 * enough that a chunk (some hundred KiB of a typical row) stays small. */
#define PG_CHUNK 1000

struct ormc_cursor {
    ormc_db *db;
    const ormc_table *t;
    ormc__stmt *st; /* the query, or the FETCH; NULL once done or failed */
    int status;     /* ORMC_DONE or the error that ended it */
    /* PostgreSQL cursors */
    int slot;           /* ormc_cursor_<slot>; -1: not a server cursor */
    bool own_tx;        /* it lives in a transaction cursors opened */
    uint64_t tx_seq;    /* the transaction it lives in (db->tx_seq) */
    int64_t chunk_rows; /* rows of the current FETCH so far */
    char name[32];
    char fetch[64]; /* FETCH FORWARD PG_CHUNK FROM name */
};

static int free_slot(const ormc_db *db)
{
    for (int i = 0; i < 32; i++)
        if (!(db->pg_cursors & (UINT32_C(1) << i)))
            return i;
    return -1;
}

/* The transaction the server cursor lives in is still the one it was
 * declared in. */
static bool same_tx(const ormc_cursor *cur)
{
    const ormc_db *db = cur->db;
    return db->tx_depth > 0 && db->tx_seq == cur->tx_seq && !db->broken;
}

/* End a server cursor: commit its own transaction (rolled back when it
 * failed), or CLOSE it in the caller's. Keeps the connection's error. */
static void pg_end(ormc_cursor *cur)
{
    ormc_db *db = cur->db;
    if (cur->slot < 0)
        return;
    ormc__saved_error e;
    ormc__error_save(db, &e);
    uint32_t others = db->pg_cursors & ~(UINT32_C(1) << cur->slot);
    if (same_tx(cur)) {
        if (cur->own_tx && db->tx_depth == 1 && others == 0) {
            /* the last cursor of the transaction they opened */
            if (db->tx_failed)
                ormc__rollback(db);
            else
                ormc__commit(db);
        } else if (!db->tx_failed) {
            char sql[48];
            snprintf(sql, sizeof sql, "CLOSE %s", cur->name);
            ormc__exec_control(db, sql, false, NULL);
        }
    }
    ormc__error_restore(db, &e);
    db->pg_cursors &= ~(UINT32_C(1) << cur->slot);
    cur->slot = -1;
}

/* DECLARE the server cursor and check out its FETCH. */
static int pg_open(ormc_cursor *cur, const ormc_builder *q)
{
    ormc_db *db = cur->db;
    int rc;
    snprintf(cur->name, sizeof cur->name, "ormc_cursor_%d", cur->slot);
    snprintf(cur->fetch, sizeof cur->fetch, "FETCH FORWARD %d FROM %s",
             PG_CHUNK, cur->name);
    if (db->cfg.autocommit && db->tx_depth == 0) {
        if ((rc = ormc__begin(db, NULL)) != ORMC_OK)
            return rc;
        db->pg_cursor_tx = db->tx_seq;
    }
    /* the first cursor of an autocommit connection opens the transaction;
     * those opened in it meanwhile share it, and the last one to end
     * commits it */
    cur->own_tx = db->pg_cursor_tx != 0 && db->pg_cursor_tx == db->tx_seq &&
                  db->tx_depth > 0;
    db->pg_cursors |= UINT32_C(1) << cur->slot;
    ormc__stmt *declare;
    rc = ormc__query_declare(db, q, cur->name, &declare);
    if (rc == ORMC_OK) {
        rc = ormc__stmt_step(declare); /* PEP 249 mode: BEGIN first */
        ormc__stmt_release(declare);
        if (rc == ORMC_DONE)
            rc = ORMC_OK;
    }
    /* the transaction it lives in (or, when it was never declared, none
     * to close it in, unless the transaction is its own) */
    cur->tx_seq = rc == ORMC_OK || cur->own_tx ? db->tx_seq : 0;
    if (rc == ORMC_OK)
        rc = ormc__stmt_prepare(db, cur->fetch, &cur->st);
    if (rc != ORMC_OK)
        pg_end(cur);
    return rc;
}

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
    int rc = ormc__builder_error(db, q);
    if (rc != ORMC_OK)
        return rc;
    ormc_cursor *cur = calloc(1, sizeof *cur);
    if (cur == NULL)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    cur->db = db;
    cur->t = q->table;
    cur->status = ORMC_DONE;
    cur->slot = db->backend == ORMC_POSTGRES ? free_slot(db) : -1;
    if (cur->slot >= 0) {
        rc = pg_open(cur, q);
    } else {
        rc = ormc__query_open(db, q, &cur->st);
        /* PostgreSQL with 32 cursors open: stream this one row by row */
        if (rc == ORMC_OK)
            cur->st->single_row = db->backend == ORMC_POSTGRES;
    }
    if (rc != ORMC_OK) {
        free(cur);
        return rc;
    }
    *out = cur;
    return ORMC_OK;
}

/* A schema's SQL query (sql_query.c) streams in single-row mode on
 * PostgreSQL: its text is not the builder's, which DECLARE takes. */
int ormc_sql_cursor_open(ormc_db *db, const ormc_sql_query *q,
                         const void *params, ormc_cursor **out)
{
    if (out != NULL)
        *out = NULL;
    if (db == NULL)
        return ORMC_INVALID;
    if (q == NULL || q->row == NULL || out == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "no query that returns rows, or no cursor given");
    ormc_cursor *cur = calloc(1, sizeof *cur);
    if (cur == NULL)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    cur->db = db;
    cur->t = q->row;
    cur->status = ORMC_DONE;
    cur->slot = -1;
    int rc = ormc__sql_open(db, q, params, &cur->st);
    if (rc != ORMC_OK) {
        free(cur);
        return rc;
    }
    cur->st->single_row = db->backend == ORMC_POSTGRES;
    *out = cur;
    return ORMC_OK;
}

/* The next row of the statement: for a server cursor, the next FETCH when
 * a full chunk has been read. */
static int step(ormc_cursor *cur)
{
    int rc = ormc__stmt_step(cur->st);
    if (cur->slot < 0)
        return rc;
    if (rc == ORMC_DONE && cur->chunk_rows == PG_CHUNK) {
        ormc__stmt_reset(cur->st);
        cur->chunk_rows = 0;
        rc = ormc__stmt_step(cur->st);
    }
    if (rc == ORMC_ROW)
        cur->chunk_rows++;
    return rc;
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
    int rc = step(cur);
    if (rc == ORMC_ROW) {
        rc = ormc__stmt_decode_row(cur->st, cur->t, row, false);
        if (rc == ORMC_OK)
            return ORMC_ROW;
    }
    /* done or failed: give the statement, the server cursor and its own
     * transaction back at once */
    ormc__stmt_release(cur->st);
    cur->st = NULL;
    pg_end(cur);
    cur->status = rc;
    return rc;
}

void ormc_cursor_close(ormc_cursor *cur)
{
    if (cur == NULL)
        return;
    ormc__stmt_release(cur->st);
    pg_end(cur);
    free(cur);
}
