/*
 * insert.c: the engine's writes of row structs: ormc_row_insert,
 * ormc_row_insert_many, ormc_row_update_columns, ormc_row_upsert and
 * ormc_row_find_or_create.
 *
 * Their SQL comes from sqlbuild.c; its shape depends on which columns a
 * row sets, so shape.c builds each text once per shape and connection and
 * remembers it. Their parameters are bound straight from the row struct.
 * What a function reads back is decoded either as scalars into the
 * caller's row (insert: the serial key and now-defaulted columns, no
 * allocation) or as a whole stored row that then owns its data (upsert,
 * find-or-create).
 *
 * Each checks the values it is about to send (ormc__row_check, validate.c)
 * before sending anything, so that a row both backends would not store
 * alike is refused alike, with ORMC_INVALID naming the table and column.
 *
 * All-or-none groups of statements (insert_many, find-or-create inside a
 * transaction) run in a level of their own: a SAVEPOINT when a transaction
 * is open, so that a failure rolls back only their work and leaves the
 * caller's transaction usable; docs/data-access.md gives the rules.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "colsets.h"
#include "hooks.h"
#include "row.h"
#include "session.h"
#include "sqlbuild.h"
#include "validate.h"

/* Rows per multi-row INSERT on PostgreSQL (fewer when the parameter limit
 * says so): large enough that round trips stop mattering, small enough
 * that the statement is cheap to plan and to keep in the cache. */
#define INSERT_CHUNK_ROWS 1000

/* How often find-or-create retries when the row it conflicted with was
 * deleted before it could read it. */
#define FIND_OR_CREATE_ATTEMPTS 3

#define ROW_AT(rows, t, i) ((const char *)(rows) + (i) * (t)->row_size)

static int start(ormc_db *db, const ormc_table *t, const void *row)
{
    if (db == NULL)
        return ORMC_INVALID;
    ormc__clear_error(db);
    if (t == NULL || t->columns == NULL || t->n_columns == 0 ||
        t->n_columns > 64)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "no valid table descriptor given");
    if (row == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL, "%s: no row given",
                           t->name);
    return ORMC_OK;
}

/* A status of an ormc__sql_* builder as the connection's error. */
static int build_error(ormc_db *db, const ormc_table *t, int rc,
                       const char *what)
{
    if (rc == ORMC_NOMEM)
        return ormc__error(db, rc, NULL, NULL, "out of memory");
    return ormc__error(db, rc, NULL, NULL, "%s: %s", t->name, what);
}

/* The statement inserting m rows of the columns `cols`, returning `back`:
 * its text from the connection's memo of shapes, prepared. */
static int prepare_insert(ormc_db *db, const ormc_table *t, ormc_colset cols,
                          ormc_colset back, size_t m, ormc__stmt **st)
{
    ormc_colset bound;
    return ormc__shape_row(db, t, ORMC__R_INSERT, cols, back, m,
                           "cannot build the insert", st, &bound);
}

/* Run st (a row statement, the columns `bound` bound from params_row) and
 * give its first row, decoded and owning its data, in out. The statement
 * is released before returning, so params_row's memory may go afterwards.
 * ORMC_OK, ORMC_NOT_FOUND (no row), or an error. */
static int run_fetch(ormc__stmt *st, const ormc_table *t, ormc_colset bound,
                     const void *params_row, void *out)
{
    int rc = ormc__stmt_bind_row(st, t, params_row, bound);
    if (rc == ORMC_OK)
        rc = ormc__stmt_step(st);
    if (rc == ORMC_ROW) {
        rc = ormc__stmt_decode_row(st, t, out, true);
        if (rc == ORMC_OK) {
            /* finish the statement (SQLite completes RETURNING here) */
            int done = ormc__stmt_step(st);
            if (ormc_is_error(done)) {
                ormc_row_free(t, out);
                rc = done;
            }
        }
    } else if (rc == ORMC_DONE) {
        rc = ORMC_NOT_FOUND;
    }
    ormc__stmt_release(st);
    return rc;
}

/* The row statement `kind` of t (see ormc__shape_row) run as run_fetch
 * does. */
static int fetch_shape(ormc_db *db, const ormc_table *t, ormc__row_kind kind,
                       ormc_colset a, ormc_colset b, const char *what,
                       const void *params_row, void *out)
{
    ormc__stmt *st;
    ormc_colset bound;
    int rc = ormc__shape_row(db, t, kind, a, b, 1, what, &st, &bound);
    if (rc == ORMC_OK)
        rc = run_fetch(st, t, bound, params_row, out);
    return rc;
}

/* The SQLite backend can tell the rowid of the row just inserted: when the
 * only column an insert reads back is the serial key (a rowid alias, as the
 * generated DDL declares it), it is read that way and the statement goes
 * without RETURNING, which would make SQLite run it into a temporary table
 * (a page allocated and cleared per insert, twice the statement's cost). */
static bool rowid_only(ormc_db *db, const ormc_table *t, ormc_colset back)
{
    if (back == 0 || back != t->primary_key || !ormc__has_rowid(db) ||
        (back & (back - 1)) != 0)
        return false;
    for (int i = 0; i < t->n_columns; i++)
        if (back == ORMC_COLUMN_BIT(i))
            return (t->columns[i].flags & ORMC_COL_SERIAL) != 0;
    return false;
}

/* Replace row (freeing what it owned) by the fetched row `fresh`. */
static void adopt(const ormc_table *t, void *row, const void *fresh)
{
    ormc_row_free(t, row);
    memcpy(row, fresh, t->row_size);
}

/* === insert === */

int ormc_row_insert(ormc_db *db, const ormc_table *t, void *row)
{
    int rc = start(db, t, row);
    if (rc != ORMC_OK)
        return rc;
    ormc_colset cols, back;
    if ((rc = ormc__insert_ready(db, t, row, &cols, &back)) != ORMC_OK)
        return rc;
    /* the sets insert_ready used (a look-up that hits) */
    const ormc__table_sets *ts = ormc__table_sets_of(db, t);
    /* rowid_only(), from the remembered sets */
    bool rowid = back != 0 && back == t->primary_key && ts->rowid_col >= 0 &&
                 ormc__has_rowid(db);
    /* ts is valid until the next look-up on db, and a trace callback run by
     * the step could make one: keep what is needed */
    const ormc_column *rowid_column = rowid ? &t->columns[ts->rowid_col] : NULL;
    ormc__stmt *st;
    rc = prepare_insert(db, t, cols, rowid ? 0 : back, 1, &st);
    if (rc != ORMC_OK)
        return rc;
    rc = ormc__stmt_bind_row(st, t, row, cols);
    if (rc == ORMC_OK)
        rc = ormc__stmt_step(st);
    if (rc == ORMC_ROW) {
        /* only scalars come back (serial, timestamps): no allocation, and
         * the text the statement borrowed from row is left alone */
        rc = ormc__read_columns(st, t, back, 0, row);
        if (rc == ORMC_OK)
            rc = ormc__stmt_step(st);
    } else if (rc == ORMC_DONE && back != 0 && !rowid) {
        rc = ormc__error(db, ORMC_ERROR, NULL, NULL,
                         "%s: the insert returned no row", t->name);
    }
    if (rc == ORMC_DONE && rowid) {
        ormc__serial_set(rowid_column, row, ormc__stmt_rowid(st));
    }
    ormc__stmt_release(st);
    if (rc == ORMC_DONE) {
        rc = ORMC_OK;
        if (ormc__has_hook(db))
            ormc__notify(db, t, ORMC_CHANGE_INSERT, row);
    }
    return rc;
}

/* === insert_many === */

/* Open a level that makes a group of statements all-or-none: a SAVEPOINT
 * inside the open transaction (in PEP 249 mode its implicit transaction is
 * opened first, as any statement would), or, in autocommit mode with none
 * open, a transaction of its own. */
static int level_open(ormc_db *db)
{
    int rc;
    if (db->tx_depth == 0 && !db->cfg.autocommit) {
        if ((rc = ormc__ensure_connected(db)) != ORMC_OK)
            return rc;
        if ((rc = ormc__tx_before_statement(db)) != ORMC_OK)
            return rc;
    }
    return ormc__begin(db, NULL);
}

/* What insert_many keeps for the hook: the values the database assigned
 * (serial keys, now defaults: all int64) for each row, so that the hook
 * runs only once every row is in, with the rows as stored. */
typedef struct assigned {
    ormc_colset cand; /* the table's serial and now-defaulted columns */
    unsigned k;       /* how many */
    int64_t *values;  /* k per row, in column order; NULL: no hook */
} assigned;

static unsigned count_bits(ormc_colset s)
{
    unsigned n = 0;
    for (; s; s &= s - 1)
        n++;
    return n;
}

/* The slot of column i among cand. */
static unsigned slot_of(ormc_colset cand, int i)
{
    return count_bits(cand & (ORMC_COLUMN_BIT(i) - 1));
}

/* Keep the returned columns `back` of st's current row for input row r. */
static int keep_assigned(ormc__stmt *st, const ormc_table *t, assigned *a,
                         size_t r, ormc_colset back)
{
    int k = 0;
    for (int i = 0; i < t->n_columns; i++) {
        if (!(back & ORMC_COLUMN_BIT(i)))
            continue;
        const ormc_column *c = &t->columns[i];
        ormc_param v;
        int rc = ormc__stmt_value(st, k++, c->type, &v);
        if (rc != ORMC_OK)
            return rc;
        int64_t x = c->type == ORMC_TYPE_TIMESTAMP ? v.u.time
                    : c->type == ORMC_TYPE_INTEGER ? v.u.i32
                                                   : v.u.i64;
        a->values[r * a->k + slot_of(a->cand, i)] = x;
    }
    return ORMC_OK;
}

static void notify_many(ormc_db *db, const ormc_table *t, const void *rows,
                        size_t n, const assigned *a)
{
    ormc__rowbuf buf;
    void *row = ormc__tmp_row(t, &buf);
    if (row == NULL)
        return; /* the rows are in; only the hook misses them */
    for (size_t r = 0; r < n; r++) {
        const void *src = ROW_AT(rows, t, r);
        memcpy(row, src, t->row_size);
        ormc_colset back =
            ormc__insert_returning(t, ormc__insert_columns(t, src));
        for (int i = 0; i < t->n_columns; i++) {
            if (!(back & ORMC_COLUMN_BIT(i)))
                continue;
            const ormc_column *c = &t->columns[i];
            ormc_param v = {.type = c->type};
            int64_t x = a->values[r * a->k + slot_of(a->cand, i)];
            if (c->type == ORMC_TYPE_TIMESTAMP)
                v.u.time = x;
            else if (c->type == ORMC_TYPE_INTEGER) /* a 32-bit serial */
                v.u.i32 = (int32_t)x;
            else
                v.u.i64 = x;
            ormc__store_value(db, c, row, &v);
        }
        ormc__notify(db, t, ORMC_CHANGE_INSERT, row);
    }
    ormc__tmp_row_done(row, &buf);
}

/* PostgreSQL: one multi-row statement of the m rows from rows[first], all
 * inserting `cols`. */
static int insert_chunk(ormc_db *db, const ormc_table *t, const void *rows,
                        size_t first, size_t m, ormc_colset cols,
                        ormc_colset back, assigned *a)
{
    ormc__stmt *st;
    int rc = prepare_insert(db, t, cols, back, m, &st);
    if (rc != ORMC_OK)
        return rc;
    int k = 0;
    for (size_t r = 0; r < m && rc == ORMC_OK; r++) {
        const void *row = ROW_AT(rows, t, first + r);
        for (int i = 0; i < t->n_columns; i++) {
            if (!(cols & ORMC_COLUMN_BIT(i)))
                continue;
            ormc_param p;
            rc = ormc__col_param(&t->columns[i], row, &p);
            if (rc != ORMC_OK) {
                rc = ormc__error(db, rc, "22P02", t->columns[i].name,
                                 "%s: row %zu: enum value out of range",
                                 t->columns[i].name, first + r);
                break;
            }
            if ((rc = ormc__stmt_bind_param(st, k++, &p)) != ORMC_OK)
                break;
            if ((t->columns[i].flags & ORMC_COL_SECRET) &&
                (rc = ormc__stmt_mark_secret(st, k - 1)) != ORMC_OK)
                break;
        }
    }
    size_t r = first;
    while (rc == ORMC_OK && (rc = ormc__stmt_step(st)) == ORMC_ROW) {
        /* RETURNING lists the rows in VALUES order */
        if (back && a->values && r < first + m)
            rc = keep_assigned(st, t, a, r++, back);
    }
    ormc__stmt_release(st);
    return rc == ORMC_DONE ? ORMC_OK : rc;
}

/* SQLite (and rows of no columns): one single-row statement for the run of
 * m rows from rows[first], prepared once and stepped per row. */
static int insert_run_single(ormc_db *db, const ormc_table *t, const void *rows,
                             size_t first, size_t m, ormc_colset cols,
                             ormc_colset back, assigned *a)
{
    bool rowid = rowid_only(db, t, back);
    ormc__stmt *st;
    int rc = prepare_insert(db, t, cols, rowid ? 0 : back, 1, &st);
    if (rc != ORMC_OK)
        return rc;
    for (size_t r = first; r < first + m && rc == ORMC_OK; r++) {
        rc = ormc__stmt_bind_row(st, t, ROW_AT(rows, t, r), cols);
        while (rc == ORMC_OK && (rc = ormc__stmt_step(st)) == ORMC_ROW) {
            if (back && a->values)
                rc = keep_assigned(st, t, a, r, back);
        }
        if (rc == ORMC_DONE) {
            rc = ORMC_OK;
            if (rowid && a->values) {
                int i = 0;
                while (back != ORMC_COLUMN_BIT(i))
                    i++;
                a->values[r * a->k + slot_of(a->cand, i)] =
                    ormc__stmt_rowid(st);
            }
        }
        ormc__stmt_reset(st);
    }
    ormc__stmt_release(st);
    return rc;
}

/* PostgreSQL without a change hook: the run of m rows from rows[first] in
 * one COPY ... FROM STDIN (FORMAT binary), 3 to 4 times faster than
 * multi-row INSERTs (no statement of 14,000 parameters to parse and plan
 * per 1,000 rows). Nothing comes back, which is all insert_many needs when
 * no hook wants the keys. */
static int insert_copy(ormc_db *db, const ormc_table *t, const void *rows,
                       size_t first, size_t m, ormc_colset cols)
{
    /* one statement for many rows: its text is simply built */
    ormc__sql s;
    ormc__sql_init(&s);
    int rc = ormc__sql_copy(&s, t, cols);
    if (rc != ORMC_OK) {
        ormc__sql_free(&s);
        return build_error(db, t, rc, "cannot build the bulk load");
    }
    int64_t stored = 0;
    rc = ormc__exec_copy(db, s.text.data, t, ROW_AT(rows, t, first), m, cols,
                         &stored);
    ormc__sql_free(&s);
    if (rc == ORMC_OK && stored != (int64_t)m)
        rc = ormc__error(db, ORMC_ERROR, NULL, NULL,
                         "%s: the bulk load stored %lld rows of %zu", t->name,
                         (long long)stored, m);
    return rc;
}

static int insert_all(ormc_db *db, const ormc_table *t, const void *rows,
                      size_t n, assigned *a)
{
    int rc = ORMC_OK;
    size_t first = 0;
    while (first < n && rc == ORMC_OK) {
        /* a run: consecutive rows that insert the same columns (rows
         * keep their order, so serial keys follow the array) */
        ormc_colset cols = ormc__insert_columns(t, ROW_AT(rows, t, first));
        size_t end = first + 1;
        while (end < n && ormc__insert_columns(t, ROW_AT(rows, t, end)) == cols)
            end++;
        ormc_colset back = a->values ? ormc__insert_returning(t, cols) : 0;
        if (db->backend == ORMC_SQLITE || cols == 0) {
            rc = insert_run_single(db, t, rows, first, end - first, cols, back,
                                   a);
        } else if (a->values == NULL && db->vt->copy_rows != NULL &&
                   db->vt->copy_fits(t, cols)) {
            /* nothing to read back (no hook): the bulk load */
            rc = insert_copy(db, t, rows, first, end - first, cols);
        } else {
            size_t chunk = ormc__insert_max_rows(t, cols);
            if (chunk > INSERT_CHUNK_ROWS)
                chunk = INSERT_CHUNK_ROWS;
            for (size_t r = first; r < end && rc == ORMC_OK; r += chunk) {
                size_t m = end - r < chunk ? end - r : chunk;
                rc = insert_chunk(db, t, rows, r, m, cols, back, a);
            }
        }
        first = end;
    }
    return rc;
}

int ormc_row_insert_many(ormc_db *db, const ormc_table *t, const void *rows,
                         size_t n)
{
    int rc = start(db, t, n == 0 ? (const void *)t : rows);
    if (rc != ORMC_OK || n == 0)
        return rc;
    /* Every row is checked before the first is sent: all or none holds
     * without a round trip, and a bad row costs no statement. */
    const ormc__table_sets *ts = ormc__table_sets_of(db, t);
    if (ts->checked != 0)
        for (size_t r = 0; r < n; r++) {
            const void *row = ROW_AT(rows, t, r);
            rc = ormc__row_check(db, t, row, ormc__insert_columns_of(ts, row),
                                 ts->checked, r, true);
            if (rc != ORMC_OK)
                return rc;
        }
    assigned a = {0, 0, NULL};
    if (ormc__has_hook(db)) {
        for (int i = 0; i < t->n_columns; i++)
            if (t->columns[i].flags & (ORMC_COL_SERIAL | ORMC_COL_DEFAULT_NOW))
                a.cand |= ORMC_COLUMN_BIT(i);
        a.k = count_bits(a.cand);
        if (a.k > 0 && n > SIZE_MAX / sizeof(int64_t) / a.k)
            return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        a.values = calloc(a.k ? n * a.k : 1, sizeof(int64_t));
        if (a.values == NULL)
            return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    }
    rc = level_open(db);
    if (rc == ORMC_OK)
        rc = ormc__end_level(db, insert_all(db, t, rows, n, &a));
    if (rc == ORMC_OK && a.values)
        notify_many(db, t, rows, n, &a);
    free(a.values);
    return rc;
}

/* === update_columns === */

int ormc_row_update_columns(ormc_db *db, const ormc_table *t, const void *row,
                            ormc_colset set)
{
    int rc = start(db, t, row);
    if (rc != ORMC_OK)
        return rc;
    ormc_colset given = set;
    if (!ormc__colset_own(t, given, &set))
        return ormc__colset_error(db, t, given, false, "update_columns");
    /* the columns it writes (the key's are only compared) */
    rc = ormc__row_check(db, t, row, set & ~t->primary_key,
                         ormc__table_sets_of(db, t)->checked, 0, false);
    if (rc != ORMC_OK)
        return rc;
    ormc__stmt *st;
    ormc_colset bound;
    rc = ormc__shape_row(db, t, ORMC__R_UPDATE_PK, set, 0, 1,
                         "cannot build the update (a column set naming "
                         "columns the table lacks, or no primary key)",
                         &st, &bound);
    if (rc != ORMC_OK)
        return rc;
    int64_t changes = 0;
    rc = ormc__stmt_bind_row(st, t, row, bound);
    while (rc == ORMC_OK && (rc = ormc__stmt_step(st)) == ORMC_ROW) {}
    if (rc == ORMC_DONE) {
        rc = ORMC_OK;
        changes = ormc__stmt_changes(st);
    }
    ormc__stmt_release(st);
    if (rc == ORMC_OK && changes == 0)
        return ORMC_NOT_FOUND;
    if (rc == ORMC_OK && ormc__has_hook(db))
        ormc__notify(db, t, ORMC_CHANGE_UPDATE, row);
    return rc;
}

/* === upsert === */

int ormc_row_upsert(ormc_db *db, const ormc_table *t, void *row,
                    ormc_colset conflict)
{
    int rc = start(db, t, row);
    if (rc != ORMC_OK)
        return rc;
    ormc_colset given = conflict;
    if (!ormc__colset_own(t, given, &conflict))
        return ormc__colset_error(db, t, given, false, "upsert conflict");
    const ormc__table_sets *ts = ormc__table_sets_of(db, t);
    ormc_colset cols = ormc__insert_columns_of(ts, row);
    rc = ormc__row_check(db, t, row, cols, ts->checked, 0, false);
    if (rc != ORMC_OK)
        return rc;
    if (!ormc__is_unique_key(t, conflict))
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "%s: upsert: the conflict columns are not "
                           "the primary key or a unique constraint",
                           t->name);
    ormc__rowbuf buf;
    void *fresh = ormc__tmp_row(t, &buf);
    if (fresh == NULL)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    rc = fetch_shape(db, t, ORMC__R_UPSERT, cols, conflict,
                     "upsert: a conflict column is unset (an unset serial or "
                     "now-defaulted column cannot conflict)",
                     row, fresh);
    if (rc == ORMC_NOT_FOUND)
        rc = ormc__error(db, ORMC_ERROR, NULL, NULL,
                         "%s: the upsert returned no row", t->name);
    if (rc == ORMC_OK) {
        adopt(t, row, fresh);
        if (ormc__has_hook(db))
            ormc__notify(db, t, ORMC_CHANGE_UPDATE, row);
    }
    ormc__tmp_row_done(fresh, &buf);
    return rc;
}

/* === find_or_create === */

/* What a builder's failure says in find-or-create. */
#define FOC_WHAT "cannot build find-or-create"

/* The body of find-or-create, fetching into fresh. */
static int find_or_create(ormc_db *db, const ormc_table *t, const void *row,
                          ormc_colset key, ormc_colset cols, ormc_colset nulls,
                          void *fresh, bool *created)
{
    int rc;
    if (nulls != 0) {
        /* A NULL never conflicts (NULLs are distinct in a unique index),
         * so ON CONFLICT cannot find the row: look first, then insert.
         * Two callers racing here may both insert (the database allows
         * it): docs/data-access.md says so. */
        rc = fetch_shape(db, t, ORMC__R_SELECT_BY, key, nulls, FOC_WHAT, row,
                         fresh);
        if (rc == ORMC_NOT_FOUND &&
            (rc = fetch_shape(db, t, ORMC__R_INSERT, cols, ormc__all_columns(t),
                              FOC_WHAT, row, fresh)) == ORMC_OK)
            *created = true;
        goto out;
    }
    for (int attempt = 0; attempt < FIND_OR_CREATE_ATTEMPTS; attempt++) {
        /* Insert unless the key is there: the unique index decides, so
         * that of concurrent callers exactly one creates the row and the
         * others wait for it and then see it. */
        rc = fetch_shape(db, t, ORMC__R_INSERT_OR_IGNORE, cols, key, FOC_WHAT,
                         row, fresh);
        if (rc == ORMC_OK) {
            *created = true;
            goto out;
        }
        if (rc != ORMC_NOT_FOUND)
            goto out;
        rc =
            fetch_shape(db, t, ORMC__R_SELECT_BY, key, 0, FOC_WHAT, row, fresh);
        if (rc != ORMC_NOT_FOUND)
            goto out;
        /* the conflicting row was deleted in between: try again */
    }
    rc = ormc__error(db, ORMC_SERIALIZATION, "40001", NULL,
                     "%s: find-or-create: the row was deleted concurrently "
                     "%d times; retry the transaction",
                     t->name, FIND_OR_CREATE_ATTEMPTS);
out:
    return rc;
}

int ormc_row_find_or_create(ormc_db *db, const ormc_table *t, void *row,
                            ormc_colset key, bool *created)
{
    if (created != NULL)
        *created = false;
    int rc = start(db, t, row);
    if (rc != ORMC_OK)
        return rc;
    ormc_colset given = key;
    if (!ormc__colset_own(t, given, &key))
        return ormc__colset_error(db, t, given, false, "find_or_create key");
    if (!ormc__is_unique_key(t, key))
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "%s: find-or-create needs key columns that are "
                           "the primary key or a unique constraint (else "
                           "it could not be race-safe); declare one, or "
                           "use _first and _insert in a transaction",
                           t->name);
    const ormc__table_sets *ts = ormc__table_sets_of(db, t);
    ormc_colset cols = ormc__insert_columns_of(ts, row);
    if ((key & ~cols) != 0)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "%s: find-or-create: a key column is unset (an "
                           "unset serial or now-defaulted column)",
                           t->name);
    /* the whole row, though it may only be looked up: whether it is
     * created must not decide whether it is refused */
    rc = ormc__row_check(db, t, row, cols, ts->checked, 0, false);
    if (rc != ORMC_OK)
        return rc;
    ormc_colset nulls = 0;
    for (ormc_colset m = key; m; m &= m - 1)
        if (ormc__col_is_null(&t->columns[ormc__lowest_column(m)], row))
            nulls |= m & -m;

    ormc__rowbuf buf;
    void *fresh = ormc__tmp_row(t, &buf);
    if (fresh == NULL)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    /* In an open transaction, a savepoint: whatever fails in here is
     * undone alone and the caller's transaction stays usable. */
    bool level = db->tx_depth > 0;
    if (level && (rc = ormc__begin(db, NULL)) != ORMC_OK) {
        ormc__tmp_row_done(fresh, &buf);
        return rc;
    }
    bool made = false;
    rc = find_or_create(db, t, row, key, cols, nulls, fresh, &made);
    if (level) {
        int lrc = ormc__end_level(db, rc);
        if (rc == ORMC_OK && lrc != ORMC_OK) {
            ormc_row_free(t, fresh);
            rc = lrc;
        }
    }
    if (rc == ORMC_OK) {
        adopt(t, row, fresh);
        if (created != NULL)
            *created = made;
        if (made && ormc__has_hook(db))
            ormc__notify(db, t, ORMC_CHANGE_INSERT, row);
    }
    ormc__tmp_row_done(fresh, &buf);
    return rc;
}
