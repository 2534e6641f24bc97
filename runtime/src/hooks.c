/*
 * hooks.c: the change hook (ormc_on_change) and the helpers that read
 * result columns into row fields for the executors (hooks.h).
 */
#define _POSIX_C_SOURCE 200809L

#include "hooks.h"

#include <stdlib.h>
#include <string.h>

#define FIELD(row, c) ((char *)(row) + (c)->offset)

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

int ormc__store_value(ormc_db *db, const ormc_column *c, void *row,
                      const ormc_param *v)
{
    char *f = FIELD(row, c);
    bool has = !v->is_null;
    if (c->has_offset != ORMC_NO_HAS)
        memcpy((char *)row + c->has_offset, &has, sizeof has);
    switch (c->type) {
    case ORMC_TYPE_INTEGER:
        memcpy(f, has ? &v->u.i32 : &(int32_t){0}, sizeof(int32_t));
        break;
    case ORMC_TYPE_BIGINT:
        memcpy(f, has ? &v->u.i64 : &(int64_t){0}, sizeof(int64_t));
        break;
    case ORMC_TYPE_DOUBLE:
        memcpy(f, has ? &v->u.f64 : &(double){0}, sizeof(double));
        break;
    case ORMC_TYPE_BOOLEAN:
        memcpy(f, has ? &v->u.b : &(bool){false}, sizeof(bool));
        break;
    case ORMC_TYPE_TIMESTAMP:
        memcpy(f, has ? &v->u.time : &(ormc_time){0}, sizeof(ormc_time));
        break;
    case ORMC_TYPE_UUID:
        memcpy(f, has ? &v->u.uuid : &(ormc_uuid){{0}}, sizeof(ormc_uuid));
        break;
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON: {
        const char *s = has ? v->u.text : NULL;
        memcpy(f, &s, sizeof s);
        break;
    }
    case ORMC_TYPE_BLOB: {
        ormc_blob b = {NULL, 0};
        if (has)
            b = v->u.blob;
        memcpy(f, &b, sizeof b);
        break;
    }
    case ORMC_TYPE_ENUM: {
        int e = 0;
        if (has) {
            e = -1;
            for (uint32_t i = 0; i < c->n_enum_values; i++)
                if (v->u.text && strcmp(c->enum_values[i], v->u.text) == 0)
                    e = (int)i;
            if (e < 0)
                return ormc__error(db, ORMC_ERROR, "22P02", c->name,
                                   "%s: unknown enum label in the database",
                                   c->name);
        }
        memcpy(f, &e, sizeof e);
        break;
    }
    }
    return ORMC_OK;
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

/* Copy the fields of `set` (and their has_ flags) from src to dst. */
static void copy_columns(const ormc_table *t, void *dst, const void *src,
                         ormc_colset set)
{
    static const size_t sizes[] = {
        [ORMC_TYPE_INTEGER] = sizeof(int32_t),
        [ORMC_TYPE_BIGINT] = sizeof(int64_t),
        [ORMC_TYPE_DOUBLE] = sizeof(double),
        [ORMC_TYPE_BOOLEAN] = sizeof(bool),
        [ORMC_TYPE_TEXT] = sizeof(const char *),
        [ORMC_TYPE_BLOB] = sizeof(ormc_blob),
        [ORMC_TYPE_TIMESTAMP] = sizeof(ormc_time),
        [ORMC_TYPE_JSON] = sizeof(const char *),
        [ORMC_TYPE_UUID] = sizeof(ormc_uuid),
        [ORMC_TYPE_ENUM] = sizeof(int),
    };
    for (int i = 0; i < t->n_columns; i++) {
        if (!(set & ORMC_COLUMN_BIT(i)))
            continue;
        const ormc_column *c = &t->columns[i];
        memcpy((char *)dst + c->offset, (const char *)src + c->offset,
               sizes[c->type]);
        if (c->has_offset != ORMC_NO_HAS)
            memcpy((char *)dst + c->has_offset,
                   (const char *)src + c->has_offset, sizeof(bool));
    }
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
        copy_columns(t, row, values, set & ~t->primary_key);
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
