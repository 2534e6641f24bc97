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

#include "hooks.h"
#include "ormc_int.h"
#include "sqlbuild.h"

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
 * Each entry point knows the statement it runs (which fixed text of the
 * descriptor, which link slot caches it), the checks it makes and the change
 * it reports: nothing is inferred from the text it is given.
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

/* The fixed text `which` of t into *sql: ORMC_INVALID when the descriptor
 * has none (a hand-written one without t->sql). */
static int fixed_sql(ormc_db *db, const ormc_table *t, ormc__fixed which,
                     const char *fn, const char **sql)
{
    const ormc_table_sql *q = t->sql;
    *sql = q == NULL                     ? NULL
           : which == ORMC__FIXED_GET    ? q->get
           : which == ORMC__FIXED_UPDATE ? q->update
                                         : q->del;
    if (*sql == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "%s: table %s has no fixed statements", fn, t->name);
    return ORMC_OK;
}

/* Check out the statement of sql: through its link slot when it has one. */
static int prepare(ormc_db *db, const char *sql, ormc__stmt **link,
                   ormc__stmt **st)
{
    return link != NULL ? ormc__stmt_prepare_linked(db, sql, link, st)
                        : ormc__stmt_prepare(db, sql, st);
}

/* Run the SELECT sql with the columns `key` of key_row bound; decode the
 * first row into out. ORMC_OK, ORMC_NOT_FOUND or an error. */
static int fetch(ormc_db *db, const ormc_table *t, const char *sql,
                 ormc__stmt **link, const void *key_row, ormc_colset key,
                 void *out)
{
    ormc__stmt *st;
    int rc = prepare(db, sql, link, &st);
    if (rc != ORMC_OK)
        return rc;
    rc = ormc__stmt_bind_row(st, t, key_row, key);
    if (rc == ORMC_OK)
        rc = ormc__stmt_step(st);
    if (rc == ORMC_ROW)
        rc = ormc__stmt_decode_row(st, t, out, true);
    else if (rc == ORMC_DONE)
        rc = ORMC_NOT_FOUND;
    ormc__stmt_release(st);
    return rc;
}

/* Run t's fixed statement `which` (an UPDATE or a DELETE by key) with the
 * columns `params` of row bound. ORMC_OK when it changed a row,
 * ORMC_NOT_FOUND when none has the key, or an error. */
static int change(ormc_db *db, const ormc_table *t, ormc__fixed which,
                  const char *sql, const void *row, ormc_colset params)
{
    ormc__stmt *st;
    int rc = prepare(db, sql, ormc__table_fixed(db, t, which), &st);
    if (rc != ORMC_OK)
        return rc;
    rc = ormc__stmt_bind_row(st, t, row, params);
    if (rc == ORMC_OK)
        while ((rc = ormc__stmt_step(st)) == ORMC_ROW) {}
    if (rc == ORMC_DONE)
        rc = ormc__stmt_changes(st) > 0 ? ORMC_OK : ORMC_NOT_FOUND;
    ormc__stmt_release(st);
    return rc;
}

int ormc_row_get(ormc_db *db, const ormc_table *t, const void *key_row,
                 void *out)
{
    const char *sql;
    int rc = start(db, t, key_row, "ormc_row_get");
    if (rc == ORMC_OK && !out)
        rc = ormc__error(db, ORMC_INVALID, NULL, NULL,
                         "ormc_row_get: no row given");
    if (rc == ORMC_OK)
        rc = fixed_sql(db, t, ORMC__FIXED_GET, "ormc_row_get", &sql);
    if (rc != ORMC_OK)
        return rc;
    return fetch(db, t, sql, ormc__table_fixed(db, t, ORMC__FIXED_GET), key_row,
                 t->primary_key, out);
}

int ormc_row_get_by(ormc_db *db, const ormc_table *t, const char *sql,
                    ormc_colset key, const void *key_row, void *out)
{
    int rc = start(db, t, key_row, "ormc_row_get_by");
    if (rc != ORMC_OK)
        return rc;
    if (!sql || !out)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "ormc_row_get_by: no SQL or row given");
    /* a caller's text: the statement cache finds it by its address first,
     * then by content */
    return fetch(db, t, sql, NULL, key_row, key, out);
}

int ormc_row_update(ormc_db *db, const ormc_table *t, const void *row)
{
    const char *sql;
    int rc = start(db, t, row, "ormc_row_update");
    if (rc == ORMC_OK)
        rc = fixed_sql(db, t, ORMC__FIXED_UPDATE, "ormc_row_update", &sql);
    if (rc != ORMC_OK)
        return rc;
    /* every column is bound; the key's are only compared, the others are
     * written, and checked as every other write of a row */
    ormc_colset all = ormc__all_columns(t);
    rc = ormc__row_check(db, t, row, all & ~t->primary_key,
                         ormc__table_sets_of(db, t)->checked, 0, false);
    if (rc == ORMC_OK)
        rc = change(db, t, ORMC__FIXED_UPDATE, sql, row, all);
    if (rc == ORMC_OK && ormc__has_hook(db))
        ormc__notify(db, t, ORMC_CHANGE_UPDATE, row);
    return rc;
}

int ormc_row_delete(ormc_db *db, const ormc_table *t, const void *key_row)
{
    const char *sql;
    int rc = start(db, t, key_row, "ormc_row_delete");
    if (rc == ORMC_OK)
        rc = fixed_sql(db, t, ORMC__FIXED_DELETE, "ormc_row_delete", &sql);
    if (rc != ORMC_OK)
        return rc;
    rc = change(db, t, ORMC__FIXED_DELETE, sql, key_row, t->primary_key);
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
