/*
 * query_exec.c: the executors of the query builder (ormc_builder_first,
 * _all, _count, _exists, _delete, _update) and ormc_list_free.
 *
 * Each builds its statement with sqlbuild.c (equal query shapes give equal
 * text, so the statement cache finds the prepared statement again), binds
 * the parameters the builder recorded, and runs it in the current
 * transaction. The builder's values are borrowed until the executor
 * returns. _delete and _update return the primary key of each row they
 * change (RETURNING), which the change hook is given; without a hook the
 * keys are only counted.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "colsets.h"
#include "hooks.h"
#include "row.h"
#include "session.h"
#include "sqlbuild.h"
#include "validate.h"

static int start(ormc_db *db, const ormc_builder *q)
{
    if (db == NULL)
        return ORMC_INVALID;
    ormc__clear_error(db);
    if (q == NULL || q->table == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL, "no query given");
    return ormc__builder_error(db, q);
}

static int build_error(ormc_db *db, const ormc_builder *q, int rc)
{
    if (rc == ORMC_NOMEM)
        return ormc__error(db, rc, NULL, NULL, "out of memory");
    return ormc__error(db, rc, NULL, NULL,
                       "%s: invalid query (a column, operator or value the "
                       "table does not take, an enum value out of range, "
                       "or more than 65535 parameters)",
                       q->table->name ? q->table->name : "?");
}

/*
 * A LIKE pattern that ends in an unpaired escape character (the
 * backslash): PostgreSQL refuses it ("LIKE pattern must not end with
 * escape character") and SQLite matches nothing, so it is refused here on
 * both, before anything is sent. A builder error is left to build_error.
 */
static int check_patterns_of(ormc_db *db, const ormc_builder *q, unsigned depth)
{
    if (q->error != ORMC_OK || q->table == NULL)
        return ORMC_OK;
    const ormc_cond *conds = ormc__builder_conds(q);
    for (size_t i = 0; i < q->n_conds; i++) {
        const ormc_cond *cond = &conds[i];
        /* the patterns of a query of parents too (one nested too deep is
         * the builder's error) */
        if (cond->op == ORMC__OP_PARENT_IN && cond->sub != NULL &&
            depth < ORMC__MAX_DEPTH) {
            int rc = check_patterns_of(db, cond->sub, depth + 1);
            if (rc != ORMC_OK)
                return rc;
            continue;
        }
        if (cond->op != ORMC_LIKE || cond->value.is_null ||
            cond->value.u.text == NULL)
            continue;
        const char *p = cond->value.u.text;
        size_t n = strlen(p), k = 0;
        while (k < n && p[n - 1 - k] == '\\')
            k++;
        if (k % 2 == 0)
            continue;
        const ormc_column *c = &q->table->columns[cond->column];
        return ormc__error(db, ORMC_INVALID, "22025", c->name,
                           "%s.%s: the LIKE pattern ends with the escape "
                           "character \\ (write \\\\ for a backslash)",
                           q->table->name, c->name);
    }
    return ORMC_OK;
}

static int check_patterns(ormc_db *db, const ormc_builder *q)
{
    return check_patterns_of(db, q, 0);
}

/* Bind the parameters of s to st (checked out); release it on failure. */
static int bind_sql(ormc__stmt *st, const ormc__sql *s, ormc__stmt **out)
{
    int rc = ormc__stmt_bind_params(st, s->params, s->n_params);
    for (size_t i = 0; rc == ORMC_OK && s->secret && i < s->n_params; i++)
        if (s->secret[i])
            rc = ormc__stmt_mark_secret(st, (int)i);
    if (rc != ORMC_OK) {
        ormc__stmt_release(st);
        return rc;
    }
    *out = st;
    return ORMC_OK;
}

/* Build q as `kind` (its text remembered by shape) and check its statement
 * out, parameters bound. */
static int open_query(ormc_db *db, const ormc_builder *q, ormc__query_kind kind,
                      ormc__stmt **out)
{
    int rc = check_patterns(db, q);
    if (rc != ORMC_OK)
        return rc;
    ormc__sql s;
    ormc__sql_init(&s);
    ormc__stmt *st;
    rc = ormc__shape_query(db, &s, q, kind, &st);
    if (rc == ORMC_OK)
        rc = bind_sql(st, &s, out);
    ormc__sql_free(&s);
    return rc;
}

int ormc__query_open_kind(ormc_db *db, const ormc_builder *q, int kind,
                          ormc__stmt **out)
{
    int rc = q == NULL || q->table == NULL
                 ? ormc__error(db, ORMC_INVALID, NULL, NULL, "no query given")
                 : ormc__builder_error(db, q);
    if (rc != ORMC_OK)
        return rc;
    return open_query(db, q, (ormc__query_kind)kind, out);
}

int ormc__query_open(ormc_db *db, const ormc_builder *q, ormc__stmt **out)
{
    return open_query(db, q, ORMC__Q_SELECT, out);
}

int ormc__query_declare(ormc_db *db, const ormc_builder *q, const char *name,
                        ormc__stmt **out)
{
    int rc = check_patterns(db, q);
    if (rc != ORMC_OK)
        return rc;
    /* a cursor is opened once per many rows: the text is simply built */
    ormc__sql s;
    ormc__sql_init(&s);
    rc = ormc__sql_query(&s, q, ORMC__Q_SELECT);
    if (rc != ORMC_OK) {
        ormc__sql_free(&s);
        return build_error(db, q, rc);
    }
    char storage[512];
    ormc__buf b;
    ormc__buf_init(&b, storage, sizeof storage);
    ormc__buf_puts(&b, "DECLARE ");
    ormc__buf_puts(&b, name);
    ormc__buf_puts(&b, " NO SCROLL CURSOR FOR ");
    ormc__buf_puts(&b, s.text.data);
    ormc__stmt *st;
    if (b.failed)
        rc = ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    else if ((rc = ormc__stmt_prepare(db, b.data, &st)) == ORMC_OK)
        rc = bind_sql(st, &s, out);
    ormc__buf_free(&b);
    ormc__sql_free(&s);
    return rc;
}

int ormc_builder_first(ormc_db *db, const ormc_builder *q, void *row)
{
    int rc = start(db, q);
    if (rc != ORMC_OK)
        return rc;
    if (row == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL, "no row given");
    ormc__stmt *st;
    if ((rc = open_query(db, q, ORMC__Q_FIRST, &st)) != ORMC_OK)
        return rc;
    rc = ormc__stmt_step(st);
    if (rc == ORMC_ROW)
        rc = ormc__stmt_decode_row(st, q->table, row, true);
    else if (rc == ORMC_DONE)
        rc = ORMC_NOT_FOUND;
    ormc__stmt_release(st);
    return rc;
}

int ormc_builder_all(ormc_db *db, const ormc_builder *q, void **items,
                     size_t *count)
{
    if (items != NULL)
        *items = NULL;
    if (count != NULL)
        *count = 0;
    int rc = start(db, q);
    if (rc != ORMC_OK)
        return rc;
    if (items == NULL || count == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "no list given for the rows");
    ormc__stmt *st;
    if ((rc = open_query(db, q, ORMC__Q_SELECT, &st)) != ORMC_OK)
        return rc;
    return ormc__stmt_read_all(st, q->table, items, count);
}

int ormc_builder_count(ormc_db *db, const ormc_builder *q, int64_t *n)
{
    if (n != NULL)
        *n = 0;
    int rc = start(db, q);
    if (rc != ORMC_OK)
        return rc;
    if (n == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL, "no count given");
    ormc__stmt *st;
    if ((rc = open_query(db, q, ORMC__Q_COUNT, &st)) != ORMC_OK)
        return rc;
    rc = ormc__stmt_step(st);
    if (rc == ORMC_ROW) {
        ormc_param v;
        rc = ormc__stmt_value(st, 0, ORMC_TYPE_BIGINT, &v);
        if (rc == ORMC_OK)
            *n = v.u.i64;
    } else if (rc == ORMC_DONE) {
        rc =
            ormc__error(db, ORMC_ERROR, NULL, NULL, "COUNT(*) returned no row");
    }
    ormc__stmt_release(st);
    return rc;
}

int ormc_builder_exists(ormc_db *db, const ormc_builder *q, bool *exists)
{
    if (exists != NULL)
        *exists = false;
    int rc = start(db, q);
    if (rc != ORMC_OK)
        return rc;
    if (exists == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL, "no result given");
    ormc__stmt *st;
    if ((rc = open_query(db, q, ORMC__Q_EXISTS, &st)) != ORMC_OK)
        return rc;
    rc = ormc__stmt_step(st);
    if (rc == ORMC_ROW || rc == ORMC_DONE) {
        *exists = rc == ORMC_ROW;
        rc = ORMC_OK;
    }
    ormc__stmt_release(st);
    return rc;
}

/* Step a statement that returns the key of each changed row: count them
 * and, when a hook is set, report each. */
static int run_changes(ormc__stmt *st, const ormc_table *t, ormc_change op,
                       const void *values, ormc_colset set, int64_t *n)
{
    int rc;
    int64_t rows = 0;
    bool hook = ormc__has_hook(st->db);
    while ((rc = ormc__stmt_step(st)) == ORMC_ROW) {
        rows++;
        if (hook &&
            (rc = ormc__notify_returned_key(st, t, op, values, set)) != ORMC_OK)
            break;
    }
    if (rc == ORMC_DONE) {
        rc = ORMC_OK;
        if (n != NULL)
            *n = rows;
    }
    return rc;
}

int ormc_builder_delete(ormc_db *db, const ormc_builder *q, int64_t *deleted)
{
    if (deleted != NULL)
        *deleted = 0;
    int rc = start(db, q);
    if (rc != ORMC_OK)
        return rc;
    ormc__stmt *st;
    if ((rc = open_query(db, q, ORMC__Q_DELETE, &st)) != ORMC_OK)
        return rc;
    rc = run_changes(st, q->table, ORMC_CHANGE_DELETE, NULL, 0, deleted);
    ormc__stmt_release(st);
    return rc;
}

int ormc_builder_update(ormc_db *db, const ormc_builder *q, const void *values,
                        ormc_colset set, int64_t *changed)
{
    if (changed != NULL)
        *changed = 0;
    int rc = start(db, q);
    if (rc != ORMC_OK)
        return rc;
    if (values == NULL || set == 0)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "%s: update_where: no values or no columns to "
                           "set",
                           q->table->name);
    ormc_colset given = set;
    if (q->error == ORMC_OK && !ormc__colset_own(q->table, given, &set))
        return ormc__colset_error(db, q->table, given, false,
                                  "update_where columns");
    if ((rc = check_patterns(db, q)) != ORMC_OK)
        return rc;
    if (q->error == ORMC_OK &&
        (rc = ormc__row_check(db, q->table, values, set,
                              ormc__table_sets_of(db, q->table)->checked, 0,
                              false)) != ORMC_OK)
        return rc;
    ormc__sql s;
    ormc__sql_init(&s);
    ormc__stmt *st = NULL;
    rc = ormc__shape_update_where(db, &s, q, values, set, &st);
    if (rc == ORMC_OK)
        rc = bind_sql(st, &s, &st);
    ormc__sql_free(&s);
    if (rc != ORMC_OK)
        return rc;
    rc = run_changes(st, q->table, ORMC_CHANGE_UPDATE, values, set, changed);
    ormc__stmt_release(st);
    return rc;
}

void ormc_list_free(const ormc_table *t, void *items, size_t count)
{
    if (t == NULL || items == NULL)
        return;
    for (size_t i = 0; i < count; i++)
        ormc_row_free(t, (char *)items + i * t->row_size);
    free(items);
}
