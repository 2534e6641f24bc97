/*
 * row.c: binding and decoding row structs by descriptor, and the row
 * operations built on them (ormc_row_fetch, ormc_row_exec, ormc_row_free).
 *
 * A fetched row owns its variable-length data (text, JSON, blobs) in one
 * allocation: the sizes are summed first, then everything is copied into a
 * single block whose address is kept in the row's ormc_owned field.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "hooks.h"
#include "ormc_int.h"
#include "sqlbuild.h"

#define FIELD(row, off) ((char *)(row) + (off))
#define CFIELD(row, off) ((const char *)(row) + (off))

/* Column c of row as a parameter (enum values become their label), the
 * one conversion sqlbuild.c also uses; an enum out of range is an error on
 * the connection. */
static int row_param(ormc_db *db, const ormc_column *c, const void *row,
                     ormc_param *p)
{
    if (ormc__col_param(c, row, p) == ORMC_OK)
        return ORMC_OK;
    int v;
    memcpy(&v, CFIELD(row, c->offset), sizeof v);
    return ormc__error(db, ORMC_INVALID, "22P02", c->name,
                       "%s: enum value %d out of range", c->name, v);
}

int ormc__stmt_bind_row(ormc__stmt *st, const ormc_table *t, const void *row,
                        ormc_colset cols)
{
    int k = 0;
    for (uint16_t i = 0; i < t->n_columns && cols; i++) {
        if (!(cols & ORMC_COLUMN_BIT(i)))
            continue;
        cols &= ~ORMC_COLUMN_BIT(i);
        if (k >= st->n_params)
            return ormc__error(st->db, ORMC_INVALID, "08P01", NULL,
                               "more columns given than the statement has "
                               "parameters (%d)",
                               st->n_params);
        int rc = row_param(st->db, &t->columns[i], row, &st->params[k]);
        if (rc != ORMC_OK)
            return rc;
        k++;
    }
    if (cols)
        return ormc__error(st->db, ORMC_INVALID, NULL, NULL,
                           "column set names columns table %s lacks", t->name);
    if (k != st->n_params)
        return ormc__error(st->db, ORMC_INVALID, "08P01", NULL,
                           "the statement has %d parameters, %d columns "
                           "given",
                           st->n_params, k);
    return ORMC_OK;
}

static int enum_index(const ormc_column *c, const char *label)
{
    for (uint32_t i = 0; i < c->n_enum_values; i++)
        if (strcmp(c->enum_values[i], label) == 0)
            return (int)i;
    return -1;
}

int ormc__stmt_decode_row(ormc__stmt *st, const ormc_table *t, void *row,
                          bool own)
{
    ormc_param vals[64];
    size_t lens[64]; /* own: the size of each text with its NUL */
    int n = t->n_columns;
    if (n > 64 || ormc__stmt_columns(st) < n)
        return ormc__error(st->db, ORMC_ERROR, "42804", NULL,
                           "the statement returns %d columns, table %s "
                           "has %d",
                           ormc__stmt_columns(st), t->name, n);
    if (st->finished)
        return ormc__error(st->db, ORMC_INVALID, NULL, NULL, "no current row");
    /* The checks of ormc__stmt_value are made once above, for the whole
     * row: this runs for every row a query returns. */
    int (*value)(ormc__stmt *, int, ormc_type, ormc_param *) =
        st->db->vt->stmt_value;
    size_t total = 0;
    bool any = false;
    for (int i = 0; i < n; i++) {
        const ormc_column *c = &t->columns[i];
        ormc_type want = c->type == ORMC_TYPE_ENUM ? ORMC_TYPE_TEXT : c->type;
        memset(&vals[i], 0, sizeof vals[i]);
        vals[i].type = want;
        int rc = value(st, i, want, &vals[i]);
        if (rc != ORMC_OK)
            return rc;
        if (vals[i].is_null)
            continue;
        if (c->type == ORMC_TYPE_TEXT || c->type == ORMC_TYPE_JSON) {
            if (own) {
                lens[i] = strlen(vals[i].u.text) + 1;
                total += lens[i];
            }
            any = true;
        } else if (c->type == ORMC_TYPE_BLOB) {
            total += vals[i].u.blob.len;
            any = true;
        } else if (c->type == ORMC_TYPE_ENUM) {
            int e = enum_index(c, vals[i].u.text);
            if (e < 0)
                return ormc__error(st->db, ORMC_ERROR, "22P02", c->name,
                                   "%s: unknown enum label in the database",
                                   c->name);
            vals[i].u.i32 = e;
        }
    }
    char *mem = NULL, *p = NULL;
    if (own && any) {
        mem = p = malloc(total ? total : 1);
        if (!mem)
            return ormc__error(st->db, ORMC_NOMEM, NULL, NULL, "out of memory");
    }
    memset(row, 0, t->row_size);
    for (int i = 0; i < n; i++) {
        const ormc_column *c = &t->columns[i];
        const ormc_param *v = &vals[i];
        if (v->is_null)
            continue; /* zero, has_ false */
        if (c->has_offset != ORMC_NO_HAS) {
            bool yes = true;
            memcpy(FIELD(row, c->has_offset), &yes, sizeof yes);
        }
        char *f = FIELD(row, c->offset);
        switch (c->type) {
        case ORMC_TYPE_INTEGER:
            memcpy(f, &v->u.i32, sizeof v->u.i32);
            break;
        case ORMC_TYPE_ENUM: {
            int e = v->u.i32;
            memcpy(f, &e, sizeof e);
            break;
        }
        case ORMC_TYPE_BIGINT:
            memcpy(f, &v->u.i64, sizeof v->u.i64);
            break;
        case ORMC_TYPE_DOUBLE:
            memcpy(f, &v->u.f64, sizeof v->u.f64);
            break;
        case ORMC_TYPE_BOOLEAN:
            memcpy(f, &v->u.b, sizeof v->u.b);
            break;
        case ORMC_TYPE_TIMESTAMP:
            memcpy(f, &v->u.time, sizeof v->u.time);
            break;
        case ORMC_TYPE_UUID:
            memcpy(f, &v->u.uuid, sizeof v->u.uuid);
            break;
        case ORMC_TYPE_TEXT:
        case ORMC_TYPE_JSON: {
            const char *s = v->u.text;
            if (mem) {
                memcpy(p, s, lens[i]);
                s = p;
                p += lens[i];
            }
            memcpy(f, &s, sizeof s);
            break;
        }
        case ORMC_TYPE_BLOB: {
            ormc_blob b = v->u.blob;
            if (mem) {
                if (b.len)
                    memcpy(p, b.data, b.len);
                b.data = p;
                p += b.len;
            }
            memcpy(f, &b, sizeof b);
            break;
        }
        }
    }
    memcpy(FIELD(row, t->owned_offset), &mem, sizeof mem);
    return ORMC_OK;
}

static int check(ormc_db *db, const ormc_table *t, const char *sql)
{
    if (!db)
        return ORMC_INVALID;
    ormc__clear_error(db);
    if (!t || !sql)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "no table descriptor or SQL given");
    return ORMC_OK;
}

int ormc_row_fetch(ormc_db *db, const ormc_table *t, const char *sql,
                   const void *params_row, ormc_colset params, void *out)
{
    int rc = check(db, t, sql);
    if (rc != ORMC_OK)
        return rc;
    if (!out || (params && !params_row))
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "ormc_row_fetch: no row given");
    ormc__stmt *st;
    if ((rc = ormc__stmt_prepare(db, sql, &st)) != ORMC_OK)
        return rc;
    rc = ormc__stmt_bind_row(st, t, params_row, params);
    if (rc == ORMC_OK)
        rc = ormc__stmt_step(st);
    if (rc == ORMC_ROW)
        rc = ormc__stmt_decode_row(st, t, out, true);
    else if (rc == ORMC_DONE)
        rc = ORMC_NOT_FOUND;
    ormc__stmt_release(st);
    return rc;
}

int ormc_row_exec(ormc_db *db, const ormc_table *t, const char *sql,
                  const void *row, ormc_colset params, int64_t *changes)
{
    if (changes)
        *changes = 0;
    int rc = check(db, t, sql);
    if (rc != ORMC_OK)
        return rc;
    if (params && !row)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "ormc_row_exec: no row given");
    ormc__stmt *st;
    if ((rc = ormc__stmt_prepare(db, sql, &st)) != ORMC_OK)
        return rc;
    rc = ormc__stmt_bind_row(st, t, row, params);
    if (rc == ORMC_OK)
        while ((rc = ormc__stmt_step(st)) == ORMC_ROW) {}
    int64_t n = 0;
    if (rc == ORMC_DONE) {
        rc = ORMC_OK;
        n = ormc__stmt_changes(st);
        if (changes)
            *changes = n;
    }
    ormc__stmt_release(st);
    /* The generated _update and _delete by key run their table's fixed
     * statements through here: the change hook hears of them. */
    if (rc == ORMC_OK)
        ormc__notify_exec(db, t, sql, row, n);
    return rc;
}

void ormc_row_free(const ormc_table *t, void *row)
{
    if (!t || !row)
        return;
    void *mem;
    memcpy(&mem, FIELD(row, t->owned_offset), sizeof mem);
    free(mem);
    memset(row, 0, t->row_size);
}
