/*
 * hooks.c: the change hook (ormc_on_change) and the helpers that read
 * result columns into row fields for the executors (hooks.h).
 */
#define _POSIX_C_SOURCE 200809L

#include "hooks.h"
#include "session.h"

#include <stdlib.h>
#include <string.h>

void ormc_on_change(ormc_db *db, ormc_change_fn fn, void *ctx)
{
    if (db == NULL)
        return;
    db->on_change = fn;
    db->on_change_ctx = fn != NULL ? ctx : NULL;
}

void ormc__notify(ormc_db *db, const ormc_table *t, ormc_change op,
                  const void *row)
{
    if (db->on_change != NULL)
        db->on_change(db->on_change_ctx, t, op, row);
}

int ormc__read_columns(ormc__stmt *st, const ormc_table *t, ormc_colset cols,
                       int first, void *row)
{
    int k = first;
    for (int i = 0; i < t->n_columns && cols; i++) {
        if (!(cols & ORMC_COLUMN_BIT(i)))
            continue;
        cols &= ~ORMC_COLUMN_BIT(i);
        const ormc_column *c = &t->columns[i];
        ormc_type want = c->type == ORMC_TYPE_ENUM ? ORMC_TYPE_TEXT : c->type;
        ormc_param v;
        int rc = ormc__stmt_value(st, k++, want, &v);
        if (rc == ORMC_OK)
            rc = ormc__store_value(st->db, c, row, &v);
        if (rc != ORMC_OK)
            return rc;
    }
    return ORMC_OK;
}

int ormc__notify_returned_key(ormc__stmt *st, const ormc_table *t,
                              ormc_change op, const void *values,
                              ormc_colset set)
{
    ormc__rowbuf buf;
    void *row = ormc__tmp_row(t, &buf);
    if (row == NULL)
        return ormc__error(st->db, ORMC_NOMEM, NULL, NULL, "out of memory");
    if (values != NULL)
        ormc__copy_fields(t, row, values, set & ~t->primary_key);
    int rc = ormc__read_columns(st, t, t->primary_key, 0, row);
    if (rc == ORMC_OK)
        ormc__notify(st->db, t, op, row);
    ormc__tmp_row_done(row, &buf);
    return rc;
}

void *ormc__tmp_row(const ormc_table *t, ormc__rowbuf *buf)
{
    void *row =
        t->row_size <= sizeof buf->bytes ? buf->bytes : malloc(t->row_size);
    if (row != NULL)
        memset(row, 0, t->row_size);
    return row;
}

void ormc__tmp_row_done(void *row, ormc__rowbuf *buf)
{
    if (row != (void *)buf->bytes)
        free(row);
}
