/*
 * shape.c: the engine's statements checked out by identity (see
 * sqlbuild.h, "Statements by identity").
 *
 * Composing an insert, a get or a query from the descriptor (quoting
 * identifiers, numbering parameters) costs more than a SQLite primary-key
 * get, and hashing the text to find it in the statement cache costs again.
 * A statement's shape is what its text depends on: the kind of statement,
 * the table, the column sets, and for a query its operators, NULL tests,
 * IN lengths, order and whether it has a limit or an offset, never the
 * values. A few dozen bytes describe it; they are the statement's key in
 * the connection's one statement cache (stmt.c), and the text is written
 * only when the cache has no statement of that shape.
 *
 * A row statement's key is its builder's arguments. A query's is made by
 * the query builder itself, in the pass that collects its parameters (which
 * a query needs on every call): the first pass writes no text (the buffer
 * in sink mode), and a second one writes it only on a miss.
 *
 * Debug builds (without NDEBUG, as the sanitizer run of the tests) build
 * the text of every hit again and check it against the cached statement's,
 * so that a key that forgot something the text depends on fails the test
 * suite.
 */
#define _POSIX_C_SOURCE 200809L

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "ormc_int.h"
#include "session.h"
#include "sqlbuild.h"

/* A builder's failure as the connection's error. */
static int build_error(ormc_db *db, const ormc_table *t, int rc,
                       const char *what)
{
    if (rc == ORMC_NOMEM)
        return ormc__error(db, rc, NULL, NULL, "out of memory");
    return ormc__error(db, rc, NULL, NULL, "%s: %s",
                       t != NULL && t->name ? t->name : "?", what);
}

/* === Row statements === */

static int build_row(ormc__sql *s, const ormc_table *t, ormc__row_kind kind,
                     ormc_colset a, ormc_colset b, size_t n)
{
    switch (kind) {
    case ORMC__R_INSERT:
        return ormc__sql_insert(s, t, a, n, b);
    case ORMC__R_UPDATE_PK:
        return ormc__sql_update_pk(s, t, a, b);
    case ORMC__R_UPSERT:
        return ormc__sql_upsert(s, t, a, b);
    case ORMC__R_INSERT_OR_IGNORE:
        return ormc__sql_insert_or_ignore(s, t, a, b);
    case ORMC__R_SELECT_BY:
        return ormc__sql_select_by(s, t, a, b);
    case ORMC__R_DELETE_PK:
        return ormc__sql_delete_pk(s, t);
    }
    return ORMC_INVALID;
}

int ormc__shape_row(ormc_db *db, const ormc_table *t, ormc__row_kind kind,
                    ormc_colset a, ormc_colset b, size_t n, const char *what,
                    ormc__stmt **out, ormc_colset *bound)
{
    ormc__key k;
    ormc__key_init(&k, ORMC__KEY_ROW_BASE + (int)kind, t);
    ormc__key_add(&k, &a, sizeof a);
    ormc__key_add(&k, &b, sizeof b);
    ormc__key_add(&k, &n, sizeof n);
    int rc = ormc__stmt_find(db, &k, out);
    if (rc == ORMC_OK) {
#ifndef NDEBUG
        ormc__sql check;
        ormc__sql_init(&check);
        int vrc = build_row(&check, t, kind, a, b, n);
        assert(vrc == ORMC_OK && strcmp(check.text.data, (*out)->sql) == 0 &&
               check.bound == (*out)->tag);
        (void)vrc;
        ormc__sql_free(&check);
#endif
        *bound = (ormc_colset)(*out)->tag;
        return ORMC_OK;
    }
    if (rc != ORMC_NOT_FOUND)
        return rc;
    ormc__sql s;
    ormc__sql_init(&s);
    rc = build_row(&s, t, kind, a, b, n);
    if (rc == ORMC_OK)
        rc = ormc__stmt_prepare_key(db, &k, s.text.data, s.bound, out);
    else
        rc = build_error(db, t, rc, what);
    *bound = s.bound;
    ormc__sql_free(&s);
    return rc;
}

/* === Query builder statements === */

typedef int (*builder_fn)(ormc__sql *s, const ormc_builder *q,
                          const void *values, ormc_colset set, int kind);

/* Run `build` without writing the text: the parameters and the key. On a
 * hit that is all; on a miss, run it again writing the text. */
static int shape_builder(ormc_db *db, ormc__sql *s, builder_fn build,
                         const ormc_builder *q, const void *values,
                         ormc_colset set, int kind, ormc__stmt **out)
{
    static const char what[] =
        "invalid query (a column, operator or value the table does not "
        "take, an enum value out of range, or more than 65535 parameters)";
    *out = NULL;
    s->text.sink = true;
    int rc = build(s, q, values, set, kind);
    s->text.sink = false;
    if (rc != ORMC_OK)
        return build_error(db, q != NULL ? q->table : NULL, rc, what);
    rc = ormc__stmt_find(db, &s->key, out);
    if (rc == ORMC_OK) {
#ifndef NDEBUG
        ormc__sql check;
        ormc__sql_init(&check);
        int vrc = build(&check, q, values, set, kind);
        assert(vrc == ORMC_OK && strcmp(check.text.data, (*out)->sql) == 0 &&
               check.n_params == s->n_params);
        (void)vrc;
        ormc__sql_free(&check);
#endif
        return ORMC_OK;
    }
    if (rc != ORMC_NOT_FOUND)
        return rc;
    rc = build(s, q, values, set, kind);
    if (rc != ORMC_OK)
        return build_error(db, q->table, rc, what);
    return ormc__stmt_prepare_key(db, &s->key, s->text.data, 0, out);
}

static int build_query(ormc__sql *s, const ormc_builder *q, const void *values,
                       ormc_colset set, int kind)
{
    (void)values;
    (void)set;
    return ormc__sql_query(s, q, (ormc__query_kind)kind);
}

static int build_update_where(ormc__sql *s, const ormc_builder *q,
                              const void *values, ormc_colset set, int kind)
{
    (void)kind;
    return ormc__sql_update_where(s, q, values, set);
}

int ormc__shape_query(ormc_db *db, ormc__sql *s, const ormc_builder *q,
                      ormc__query_kind kind, ormc__stmt **out)
{
    return shape_builder(db, s, build_query, q, NULL, 0, (int)kind, out);
}

int ormc__shape_update_where(ormc_db *db, ormc__sql *s, const ormc_builder *q,
                             const void *values, ormc_colset set,
                             ormc__stmt **out)
{
    return shape_builder(db, s, build_update_where, q, values, set, 0, out);
}
