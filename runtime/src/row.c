/*
 * row.c: binding and decoding row structs by descriptor, and the row
 * operations by key built on them (ormc_row_get, ormc_row_get_by,
 * ormc_row_update, ormc_row_delete, the generated _get, _get_by_*, _update
 * and _delete), and ormc_row_free.
 *
 * A fetched row owns its variable-length data (text, JSON, blobs) in one
 * allocation: the sizes are summed first, then everything is copied into a
 * single block whose address is kept in the row's ormc_owned field.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "colsets.h"
#include "hooks.h"
#include "ormc_int.h"
#include "row.h"
#include "session.h"
#include "sqlbuild.h"
#include "validate.h"

/* Column c of row as a parameter (fields.h); an enum out of range is an
 * error on the connection. */
static int row_param(ormc_db *db, const ormc_column *c, const void *row,
                     ormc_param *p)
{
    if (ormc__col_param(c, row, p) == ORMC_OK)
        return ORMC_OK;
    int v;
    memcpy(&v, ORMC__FIELD(row, c->offset), sizeof v);
    return ormc__error(db, ORMC_INVALID, "22P02", c->name,
                       "%s: enum value %d out of range", c->name, v);
}

/* This runs for every column of every row written: ormc__col_param is
 * inline, and only the columns of the set are visited. */
int ormc__stmt_bind_row(ormc__stmt *st, const ormc_table *t, const void *row,
                        ormc_colset cols)
{
    int k = 0;
    while (cols) {
        int i = ormc__lowest_column(cols);
        cols &= cols - 1;
        if (i >= t->n_columns)
            return ormc__error(st->db, ORMC_INVALID, NULL, NULL,
                               "column set names columns table %s lacks",
                               t->name);
        if (k >= st->n_params)
            return ormc__error(st->db, ORMC_INVALID, "08P01", NULL,
                               "more columns given than the statement has "
                               "parameters (%d)",
                               st->n_params);
        int rc = row_param(st->db, &t->columns[i], row, &st->params[k++]);
        if (rc == ORMC_OK && (t->columns[i].flags & ORMC_COL_SECRET))
            rc = ormc__stmt_mark_secret(st, k - 1);
        if (rc != ORMC_OK)
            return rc;
    }
    if (k != st->n_params)
        return ormc__error(st->db, ORMC_INVALID, "08P01", NULL,
                           "the statement has %d parameters, %d columns "
                           "given",
                           st->n_params, k);
    return ORMC_OK;
}

/*
 * Decoding runs for every row a query returns, so it is one pass of the
 * backend's stmt_decode over the columns, straight into a scratch row, and
 * (own) a second pass over the text and blob columns only, to copy their bytes
 * into the row's one allocation. The scratch row is copied to `out` at the
 * end: on an error `out` is left as it was.
 */
int ormc__stmt_decode_row(ormc__stmt *st, const ormc_table *t, void *out,
                          bool own)
{
    int n = t->n_columns;
    if (n > 64 || ormc__stmt_columns(st) < n)
        return ormc__error(st->db, ORMC_ERROR, "42804", NULL,
                           "the statement returns %d columns, table %s "
                           "has %d",
                           ormc__stmt_columns(st), t->name, n);
    if (st->finished)
        return ormc__error(st->db, ORMC_INVALID, NULL, NULL, "no current row");
    ormc__rowbuf buf;
    void *row = ormc__tmp_row(t, &buf);
    if (row == NULL)
        return ormc__error(st->db, ORMC_NOMEM, NULL, NULL, "out of memory");
    int rc = st->db->vt->stmt_decode(st, t, row);
    if (rc != ORMC_OK)
        goto done;
    char *mem = NULL;
    ormc_colset var = own ? ormc__table_sets_of(st->db, t)->var : 0;
    if (var) {
        size_t lens[64]; /* each text's size with its NUL, each blob's */
        size_t total = 0;
        ormc_colset present = 0;
        for (ormc_colset m = var; m; m &= m - 1) {
            int i = ormc__lowest_column(m);
            const ormc_column *c = &t->columns[i];
            if (c->type == ORMC_TYPE_BLOB) {
                ormc_blob b;
                memcpy(&b, ORMC__FIELD(row, c->offset), sizeof b);
                if (b.data == NULL)
                    continue;
                lens[i] = b.len;
            } else {
                const char *s;
                memcpy(&s, ORMC__FIELD(row, c->offset), sizeof s);
                if (s == NULL)
                    continue;
                lens[i] = strlen(s) + 1;
            }
            total += lens[i];
            present |= m & -m;
        }
        if (present) {
            char *p = mem = malloc(total ? total : 1);
            if (mem == NULL) {
                rc = ormc__error(st->db, ORMC_NOMEM, NULL, NULL,
                                 "out of memory");
                goto done;
            }
            /* a text or a blob: a pointer first in its field either way */
            for (ormc_colset m = present; m; m &= m - 1) {
                int i = ormc__lowest_column(m);
                char *f = ORMC__FIELD(row, t->columns[i].offset);
                const void *from;
                memcpy(&from, f, sizeof from);
                if (lens[i])
                    memcpy(p, from, lens[i]);
                memcpy(f, &p, sizeof p);
                p += lens[i];
            }
        }
    }
    memcpy(ORMC__FIELD(row, t->owned_offset), &mem, sizeof mem);
    memcpy(out, row, t->row_size);
done:
    ormc__tmp_row_done(row, &buf);
    return rc;
}

/* === The operations by key ===
 *
 * Each entry point knows the statement it runs (a row statement of
 * sqlbuild.c, its text built once per connection by shape), the checks it
 * makes and the change it reports: nothing is inferred from a text.
 */

/* What every entry point checks first: db, a usable descriptor (column sets
 * are 64 bits) and the row. Clears the connection's error. */
static int start(ormc_db *db, const ormc_table *t, const void *row,
                 const char *fn)
{
    if (!db)
        return ORMC_INVALID;
    ormc__clear_error(db);
    if (!t || t->columns == NULL || t->n_columns == 0 || t->n_columns > 64)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "%s: no valid table descriptor given", fn);
    if (!row)
        return ormc__error(db, ORMC_INVALID, NULL, NULL, "%s: no row given",
                           fn);
    return ORMC_OK;
}

/* The row statement `kind` of t (an ormc__shape_row: its text built once
 * per connection and shape) checked out, with the columns it binds bound
 * from row. */
static int prepare_bound(ormc_db *db, const ormc_table *t, ormc__row_kind kind,
                         ormc_colset a, const void *row, ormc__stmt **st)
{
    ormc_colset bound;
    int rc = ormc__shape_row(db, t, kind, a, 0, 1,
                             "cannot build the statement by key", st, &bound);
    if (rc != ORMC_OK)
        return rc;
    rc = ormc__stmt_bind_row(*st, t, row, bound);
    if (rc != ORMC_OK)
        ormc__stmt_release(*st);
    return rc;
}

/* Select every column of t WHERE the columns `key` equal key_row's; decode
 * the first row into out. ORMC_OK, ORMC_NOT_FOUND or an error. */
static int fetch(ormc_db *db, const ormc_table *t, ormc_colset key,
                 const void *key_row, void *out)
{
    ormc__stmt *st;
    int rc = prepare_bound(db, t, ORMC__R_SELECT_BY, key, key_row, &st);
    if (rc != ORMC_OK)
        return rc;
    rc = ormc__stmt_step(st);
    if (rc == ORMC_ROW)
        rc = ormc__stmt_decode_row(st, t, out, true);
    else if (rc == ORMC_DONE)
        rc = ORMC_NOT_FOUND;
    ormc__stmt_release(st);
    return rc;
}

/* Run the UPDATE or DELETE by key `kind` (set: the columns an update
 * writes). ORMC_OK when it changed a row, ORMC_NOT_FOUND when none has the
 * key, or an error. */
static int change(ormc_db *db, const ormc_table *t, ormc__row_kind kind,
                  ormc_colset set, const void *row)
{
    ormc__stmt *st;
    int rc = prepare_bound(db, t, kind, set, row, &st);
    if (rc != ORMC_OK)
        return rc;
    while ((rc = ormc__stmt_step(st)) == ORMC_ROW) {}
    if (rc == ORMC_DONE)
        rc = ormc__stmt_changes(st) > 0 ? ORMC_OK : ORMC_NOT_FOUND;
    ormc__stmt_release(st);
    return rc;
}

/* A key-less descriptor has no row to name (hand-written ones only). */
static int need_key(ormc_db *db, const ormc_table *t, ormc_colset key,
                    const char *fn)
{
    if (key == 0 || (key & ~ormc__all_columns(t)) != 0)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "%s: table %s has no such key", fn, t->name);
    return ORMC_OK;
}

int ormc_row_get(ormc_db *db, const ormc_table *t, const void *key_row,
                 void *out)
{
    int rc = start(db, t, key_row, "ormc_row_get");
    if (rc == ORMC_OK && !out)
        rc = ormc__error(db, ORMC_INVALID, NULL, NULL,
                         "ormc_row_get: no row given");
    if (rc == ORMC_OK)
        rc = need_key(db, t, t->primary_key, "ormc_row_get");
    if (rc != ORMC_OK)
        return rc;
    /* a read: a replica may serve it (replica.c) */
    return fetch(ormc__reader(db), t, t->primary_key, key_row, out);
}

int ormc_row_get_by(ormc_db *db, const ormc_table *t, ormc_colset key,
                    const void *key_row, void *out)
{
    int rc = start(db, t, key_row, "ormc_row_get_by");
    if (rc == ORMC_OK && !out)
        rc = ormc__error(db, ORMC_INVALID, NULL, NULL,
                         "ormc_row_get_by: no row given");
    ormc_colset cols = 0;
    if (rc == ORMC_OK && !ormc__colset_own(t, key, &cols))
        rc = ormc__colset_error(db, t, key, false, "get_by key");
    if (rc == ORMC_OK)
        rc = need_key(db, t, cols, "ormc_row_get_by");
    if (rc != ORMC_OK)
        return rc;
    return fetch(ormc__reader(db), t, cols, key_row, out);
}

int ormc_row_update(ormc_db *db, const ormc_table *t, const void *row)
{
    int rc = start(db, t, row, "ormc_row_update");
    if (rc == ORMC_OK)
        rc = need_key(db, t, t->primary_key, "ormc_row_update");
    if (rc != ORMC_OK)
        return rc;
    /* every column is bound; the key's are only compared, the others are
     * written, and checked as every other write of a row. A table whose
     * every column is key sets the key to itself: 0 or 1 rows changed. */
    ormc_colset set = ormc__all_columns(t) & ~t->primary_key;
    rc = ormc__row_check(db, t, row, set, ormc__table_sets_of(db, t)->checked,
                         0, false);
    if (rc == ORMC_OK)
        rc = change(db, t, ORMC__R_UPDATE_PK, set, row);
    if (rc == ORMC_OK && ormc__has_hook(db))
        ormc__notify(db, t, ORMC_CHANGE_UPDATE, row);
    return rc;
}

int ormc_row_delete(ormc_db *db, const ormc_table *t, const void *key_row)
{
    int rc = start(db, t, key_row, "ormc_row_delete");
    if (rc == ORMC_OK)
        rc = need_key(db, t, t->primary_key, "ormc_row_delete");
    if (rc != ORMC_OK)
        return rc;
    rc = change(db, t, ORMC__R_DELETE_PK, 0, key_row);
    if (rc == ORMC_OK && ormc__has_hook(db))
        ormc__notify(db, t, ORMC_CHANGE_DELETE, key_row);
    return rc;
}

void ormc_row_free(const ormc_table *t, void *row)
{
    if (!t || !row)
        return;
    void *mem;
    memcpy(&mem, ORMC__FIELD(row, t->owned_offset), sizeof mem);
    free(mem);
    memset(row, 0, t->row_size);
}

/* Every remaining row of st, decoded into a new array of t's rows (each
 * owning its data), then st released. ORMC_OK with *items and *count, or
 * an error with nothing kept (the rows so far freed). */
int ormc__stmt_read_all(ormc__stmt *st, const ormc_table *t, void **items,
                        size_t *count)
{
    char *rows = NULL;
    size_t n = 0, cap = 0;
    int rc = ormc__stmt_read_into(st, t, &rows, &n, &cap);
    if (rc != ORMC_OK) {
        ormc_list_free(t, rows, n);
        return rc;
    }
    *items = rows;
    *count = n;
    return ORMC_OK;
}

int ormc__stmt_read_into(ormc__stmt *st, const ormc_table *t, char **items,
                         size_t *count, size_t *cap)
{
    ormc_db *db = st->db;
    int rc;
    char *rows = *items;
    size_t n = *count;
    while ((rc = ormc__stmt_step(st)) == ORMC_ROW) {
        if (n == *cap) {
            size_t more = *cap ? *cap * 2 : 16;
            char *grown = more > SIZE_MAX / t->row_size
                              ? NULL
                              : realloc(rows, more * t->row_size);
            if (grown == NULL) {
                rc = ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
                break;
            }
            rows = grown;
            *cap = more;
        }
        rc = ormc__stmt_decode_row(st, t, rows + n * t->row_size, true);
        if (rc != ORMC_OK)
            break;
        n++;
    }
    ormc__stmt_release(st);
    *items = rows;
    *count = n;
    return rc == ORMC_DONE ? ORMC_OK : rc;
}
