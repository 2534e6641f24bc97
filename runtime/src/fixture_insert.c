/*
 * fixture_insert.c: ormc_row_fixture_insert, a fixture stored with the
 * parent rows it references (the plan is in fixture.h).
 *
 * Parents are stored with find-or-create on their primary key (or, when
 * that is a serial the database assigns, their first unique key), so that
 * the children of one seq share their parents: fixture_insert(line, 7)
 * twice creates order 7 once. A parent with neither (a serial key and no
 * unique column) is inserted anew each time.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "hooks.h"
#include "sqlbuild.h"

static bool is_pointer(ormc_type type)
{
    return type == ORMC_TYPE_TEXT || type == ORMC_TYPE_JSON ||
           type == ORMC_TYPE_BLOB;
}

/*
 * Point column c of row (of table t) at column pc of parent table p: the
 * first n_stored tables of list, stored[i] holding the row of list[i]. A
 * scalar key (a serial above all) is copied from the parent; a text or
 * blob key already matches, being the fixture value of the same seq. A
 * nullable reference to a table not stored yet (a cycle cut there) becomes
 * NULL; a reference of a table to itself stays as the fixture left it.
 */
static int link_column(ormc_db *db, const ormc_table *t, void *row,
                       const ormc_column *c, const ormc_table *p, int pc,
                       const ormc_table *const *list, void *const *stored,
                       size_t n_stored)
{
    if (p == NULL || p == t)
        return ORMC_OK;
    size_t j = 0;
    while (j < n_stored && list[j] != p)
        j++;
    ormc_param v;
    int rc = ORMC_OK;
    if (j == n_stored) {
        if (c->flags & (ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY))
            return ORMC_OK;
        memset(&v, 0, sizeof v);
        v.type = c->type;
        v.is_null = true;
        rc = ormc__store_value(db, c, row, &v);
    } else {
        if (is_pointer(c->type) || pc < 0 || pc >= p->n_columns)
            return ORMC_OK;
        rc = ormc__col_param(&p->columns[pc], stored[j], &v);
        if (rc == ORMC_OK && !is_pointer(v.type))
            rc = ormc__store_value(db, c, row, &v);
    }
    return rc;
}

/* Whether foreign key fk is its one column's own references (which the
 * column loop of link_parents links already). */
static bool is_column_reference(const ormc_table *t, const ormc_foreign_key *fk)
{
    if (fk->n_columns != 1 || fk->child_columns[0] >= t->n_columns)
        return false;
    const ormc_column *c = &t->columns[fk->child_columns[0]];
    return c->ref_table == fk->parent && c->ref_column == fk->parent_columns[0];
}

/*
 * Point the reference columns of row (of table `t`) at the stored parents
 * (link_column): each column's references, then every column of the other
 * foreign keys (composite ones), paired with the parent's key column.
 */
static int link_parents(ormc_db *db, const ormc_table *t, void *row,
                        const ormc_table *const *list, void *const *stored,
                        size_t n_stored)
{
    for (int i = 0; i < t->n_columns; i++) {
        const ormc_column *c = &t->columns[i];
        int rc = link_column(db, t, row, c, c->ref_table, c->ref_column, list,
                             stored, n_stored);
        if (rc != ORMC_OK)
            return rc;
    }
    for (uint16_t k = 0; k < t->n_foreign_keys; k++) {
        const ormc_foreign_key *fk = &t->foreign_keys[k];
        if (is_column_reference(t, fk))
            continue;
        for (uint16_t j = 0; j < fk->n_columns; j++) {
            if (fk->child_columns[j] >= t->n_columns)
                return ORMC_INVALID;
            int rc = link_column(db, t, row, &t->columns[fk->child_columns[j]],
                                 fk->parent, fk->parent_columns[j], list,
                                 stored, n_stored);
            if (rc != ORMC_OK)
                return rc;
        }
    }
    return ORMC_OK;
}

/* The key to find a stored parent by: its primary key when the row sets
 * it, else the first unique index or column it sets; 0 when none. */
static ormc_colset parent_key(const ormc_table *t, const void *row)
{
    ormc_colset cols = ormc__insert_columns(t, row);
    if (t->primary_key != 0 && (t->primary_key & ~cols) == 0)
        return t->primary_key;
    for (uint16_t i = 0; i < t->n_indexes; i++) {
        const ormc_index *x = &t->indexes[i];
        if (x->unique && x->columns != 0 && (x->columns & ~cols) == 0)
            return x->columns;
    }
    for (int i = 0; i < t->n_columns; i++)
        if ((t->columns[i].flags & ORMC_COL_UNIQUE) &&
            (cols & ORMC_COLUMN_BIT(i)))
            return ORMC_COLUMN_BIT(i);
    return 0;
}

static int store_parent(ormc_db *db, const ormc_table *p, void *row)
{
    ormc_colset key = parent_key(p, row);
    if (key == 0)
        return ormc_row_insert(db, p, row);
    return ormc_row_find_or_create(db, p, row, key, NULL);
}

int ormc_row_fixture_insert(ormc_db *db, const ormc_table *t, uint64_t seq,
                            void *row)
{
    if (db == NULL)
        return ORMC_INVALID;
    ormc__clear_error(db);
    if (t == NULL || row == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "no table or row given");
    const ormc_table **list = NULL;
    size_t n = 0;
    int rc = ormc__fixture_parents(t, &list, &n);
    if (rc == ORMC_NOMEM)
        return ormc__error(db, rc, NULL, NULL, "out of memory");
    if (rc != ORMC_OK)
        return ormc__error(db, rc, NULL, NULL,
                           "%s: cannot plan the parents of a fixture", t->name);
    void **stored = n ? calloc(n, sizeof *stored) : NULL;
    if (n && stored == NULL) {
        free(list);
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    }
    size_t done = 0;
    for (; done < n && rc == ORMC_OK; done++) {
        const ormc_table *p = list[done];
        void *prow = calloc(1, p->row_size);
        if (prow == NULL) {
            rc = ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
            break;
        }
        stored[done] = prow;
        rc = ormc_row_fixture(p, prow, seq);
        if (rc == ORMC_OK)
            rc = link_parents(db, p, prow, (const ormc_table *const *)list,
                              stored, done);
        if (rc == ORMC_OK)
            rc = store_parent(db, p, prow);
    }
    if (rc == ORMC_OK) {
        rc = ormc_row_fixture(t, row, seq);
        if (rc == ORMC_OK)
            rc = link_parents(db, t, row, (const ormc_table *const *)list,
                              stored, n);
        if (rc == ORMC_OK)
            rc = ormc_row_insert(db, t, row);
        if (rc != ORMC_OK)
            ormc_row_free(t, row);
    }
    if (ormc_is_error(rc) && ormc__last_status(db) == ORMC_OK)
        rc = ormc__error(db, rc, NULL, NULL, "%s: cannot make a fixture (%s)",
                         t->name, ormc_strstatus(rc));
    for (size_t i = 0; i < n; i++) {
        if (stored[i] != NULL) {
            ormc_row_free(list[i], stored[i]);
            free(stored[i]);
        }
    }
    free(stored);
    free(list);
    return rc;
}
