/*
 * hooks.h: change hooks, and reading result columns into row fields, for
 * the executors of insert.c, query_exec.c, cursor.c (internal).
 *
 * The rule every caller follows: nothing is computed for a hook unless one
 * is set (ormc__has_hook), so that a connection without a hook pays one
 * pointer test per statement.
 */
#ifndef ORMC_HOOKS_H
#define ORMC_HOOKS_H

#include "fields.h"
#include "ormc_int.h"

/* True when db has a change hook. */
static inline bool ormc__has_hook(const ormc_db *db)
{
    return db->on_change != NULL;
}

/* Call db's change hook (when set) for one row of t. */
void ormc__notify(ormc_db *db, const ormc_table *t, ormc_change op,
                  const void *row);

/*
 * Read result columns first, first + 1, ... of st's current row into the
 * columns of `cols` of row, in table order (the way RETURNING lists them).
 * Pointers are borrowed from the driver until the next step.
 */
int ormc__read_columns(ormc__stmt *st, const ormc_table *t, ormc_colset cols,
                       int first, void *row);

/*
 * The current row of st is the primary key of a changed row (the RETURNING
 * of _delete_where / _update_where): build a row struct holding that key
 * and, from `values` (may be NULL), the columns of `set`, and call the hook.
 */
int ormc__notify_returned_key(ormc__stmt *st, const ormc_table *t,
                              ormc_change op, const void *values,
                              ormc_colset set);

/* Scratch room for one row struct of t: on the stack when it fits, else
 * allocated. Zeroed. ormc__tmp_row_done releases it. */
typedef union ormc__rowbuf {
    max_align_t align;
    char bytes[512];
} ormc__rowbuf;
void *ormc__tmp_row(const ormc_table *t, ormc__rowbuf *buf);
void ormc__tmp_row_done(void *row, ormc__rowbuf *buf);

/* === in query_exec.c === */

/* The SELECT of q checked out with its parameters bound (cursor.c).
 * ORMC_OK, or an error recorded on db. */
int ormc__query_open(ormc_db *db, const ormc_builder *q, ormc__stmt **out);

/* The statement of q as `kind` (an ormc__query_kind: ORMC__Q_SELECT,
 * _FIRST, _COUNT ...) checked out with its parameters bound, after the
 * checks every executor makes (no query, a building error, a bad LIKE
 * pattern) (batch.c). ORMC_OK, or an error recorded on db. */
int ormc__query_open_kind(ormc_db *db, const ormc_builder *q, int kind,
                          ormc__stmt **out);

/* PostgreSQL: "DECLARE <name> NO SCROLL CURSOR FOR <the SELECT of q>"
 * checked out with q's parameters bound (cursor.c). */
int ormc__query_declare(ormc_db *db, const ormc_builder *q, const char *name,
                        ormc__stmt **out);

#endif /* ORMC_HOOKS_H */
