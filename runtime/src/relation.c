/*
 * relation.c: following foreign keys (the "relations" calls of
 * ormc_generated.h, docs/relations.md): a row's parent, and the batch
 * loaders of parents and children, plus finding a parent's run of
 * children in a loaded list. The conditions that filter a query through a
 * foreign key are the query builder's (builder.c, sqlbuild.c).
 *
 * A loader sends no query per row: it collects the distinct non-NULL keys
 * (pointers to the rows holding them, sorted and deduplicated, so nothing
 * is copied), then sends one SELECT <all> FROM t WHERE <key> IN (...) per
 * batch of at most ORMC_RELATION_BATCH keys, fewer when the key has so many
 * columns that the backend's parameter limit would be passed. The last
 * batch is padded with its last key to a power of two (a repeated key
 * changes nothing in an IN list), so that a loader has a dozen statement
 * shapes at most in the connection's statement cache rather than one per
 * list length. On PostgreSQL a key of one integer, text or uuid column goes
 * as one array parameter instead, WHERE "k" = ANY($1::bigint[]) (one shape,
 * nothing padded). The rows are then sorted in C, by the bytes of their values
 * (list.c), not by ORDER BY: a PostgreSQL collation may order text
 * otherwise, and the lists are searched by the same comparison.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "buf.h"
#include "fields.h"
#include "hooks.h"
#include "list.h"
#include "row.h"
#include "session.h"
#include "sqlbuild.h"

static int start(ormc_db *db, const ormc_foreign_key *fk, const char *fn)
{
    if (db == NULL)
        return ORMC_INVALID;
    ormc__clear_error(db);
    if (!ormc__fk_valid(fk))
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "%s: no valid foreign key descriptor given", fn);
    return ORMC_OK;
}

/* The child side of fk and its parent side, as row keys. */
static ormc__row_key child_key(const ormc_foreign_key *fk)
{
    ormc__row_key k = {fk->child, fk->child_columns, fk->n_columns};
    return k;
}

static ormc__row_key parent_key(const ormc_foreign_key *fk)
{
    ormc__row_key k = {fk->parent, fk->parent_columns, fk->n_columns};
    return k;
}

int ormc_relation_parent(ormc_db *db, const ormc_foreign_key *fk,
                         const void *child, void *out)
{
    int rc = start(db, fk, "ormc_relation_parent");
    if (rc != ORMC_OK)
        return rc;
    if (child == NULL || out == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "ormc_relation_parent: no row given");
    ormc__row_key ck = child_key(fk);
    if (ormc__key_has_null(&ck, child))
        return ORMC_NOT_FOUND; /* MATCH SIMPLE: a NULL refers to nothing */
    /* The key as a row of the parent: the child's values in the parent's
     * fields (texts borrowed from child), selected by those columns. */
    const ormc_table *p = fk->parent;
    ormc__rowbuf buf;
    void *key_row = ormc__tmp_row(p, &buf);
    if (key_row == NULL)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    ormc_colset key = 0;
    for (uint16_t i = 0; i < fk->n_columns && rc == ORMC_OK; i++) {
        const ormc_column *cc = &fk->child->columns[fk->child_columns[i]];
        ormc_param v;
        if (ormc__col_param(cc, child, &v) != ORMC_OK)
            rc = ormc__error(db, ORMC_INVALID, "22P02", cc->name,
                             "%s.%s: enum value out of range", fk->child->name,
                             cc->name);
        else
            rc = ormc__store_value(db, &p->columns[fk->parent_columns[i]],
                                   key_row, &v);
        key |= ORMC_COLUMN_BIT(fk->parent_columns[i]);
    }
    if (rc == ORMC_OK)
        rc = key == p->primary_key ? ormc_row_get(db, p, key_row, out)
                                   : ormc_row_get_by(db, p, key, key_row, out);
    ormc__tmp_row_done(key_row, &buf);
    return rc;
}

/* The key of row (column c) as an element of an array literal: an integer
 * in decimal, a text in double quotes with \ before each " and \, a UUID
 * in its text form. */
static void put_array_element(ormc__buf *b, const ormc_column *c,
                              const void *row)
{
    const char *f = ORMC__FIELD(row, c->offset);
    switch (c->type) {
    case ORMC_TYPE_INTEGER:
    case ORMC_TYPE_BIGINT: {
        int64_t v;
        if (c->type == ORMC_TYPE_INTEGER) {
            int32_t i;
            memcpy(&i, f, sizeof i);
            v = i;
        } else {
            memcpy(&v, f, sizeof v);
        }
        if (v < 0)
            ormc__buf_putc(b, '-');
        ormc__buf_put_u64(b, v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v);
        return;
    }
    case ORMC_TYPE_TEXT: {
        const char *text;
        memcpy(&text, f, sizeof text);
        ormc__buf_putc(b, '"');
        for (const char *p = text; *p; p++) {
            size_t run = strcspn(p, "\"\\");
            ormc__buf_append(b, p, run);
            p += run;
            if (*p == '\0')
                break;
            ormc__buf_putc(b, '\\');
            ormc__buf_putc(b, *p);
        }
        ormc__buf_putc(b, '"');
        return;
    }
    case ORMC_TYPE_UUID: {
        ormc_uuid u;
        char text[ORMC_UUID_TEXT_MAX];
        memcpy(&u, f, sizeof u);
        ormc_uuid_format(&u, text);
        ormc__buf_puts(b, text);
        return;
    }
    default:
        return; /* ormc__pg_array_type names no other */
    }
}

/* {k1,k2,...} of the n rows at keys, read at column c. */
static int put_array(ormc_db *db, ormc__buf *b, const ormc_column *c,
                     const void *const *keys, size_t n)
{
    ormc__buf_clear(b);
    ormc__buf_putc(b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            ormc__buf_putc(b, ',');
        put_array_element(b, c, keys[i]);
    }
    ormc__buf_putc(b, '}');
    return b->failed ? ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory")
                     : ORMC_OK;
}

/*
 * The rows of `to` whose key (read through to_key) equals the key of one
 * of the n rows at `from` (read through from_key; NULL keys skipped), by
 * the key-list condition `op`, in batches: appended to *items (*count
 * rows, room for *cap).
 */
static int load(ormc_db *db, const ormc_foreign_key *fk, int op,
                const ormc__row_key *from_key, const void *from, size_t n,
                const ormc_table *to, char **items, size_t *count, size_t *cap)
{
    int limit = db->vt->max_params ? db->vt->max_params(db) : 999;
    size_t batch = ORMC_RELATION_BATCH;
    if ((size_t)limit / fk->n_columns < batch)
        batch = (size_t)limit / fk->n_columns;
    if (batch == 0)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "%s: a key of %u columns passes the backend's "
                           "limit of %d parameters",
                           fk->child->name, (unsigned)fk->n_columns, limit);
    if (n > (SIZE_MAX / sizeof(void *) - batch) / 2)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    /* n key pointers, room to pad the last batch, and the sort's scratch */
    const void **keys = malloc((2 * n + batch) * sizeof *keys);
    if (keys == NULL)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    size_t d = 0;
    size_t size = from_key->t->row_size;
    for (size_t i = 0; i < n; i++) {
        const char *row = (const char *)from + i * size;
        if (!ormc__key_has_null(from_key, row))
            keys[d++] = row;
    }
    ormc__sort_ptrs(keys, keys + n + batch, d, from_key);
    size_t distinct = 0;
    for (size_t i = 0; i < d; i++)
        if (distinct == 0 || ormc__compare_rows(from_key, keys[distinct - 1],
                                                from_key, keys[i]) != 0)
            keys[distinct++] = keys[i];

    /* PostgreSQL, one column of a type it has arrays of: "k" = ANY($1),
     * the keys in one parameter. Measured against an IN list of 1,000
     * parameters on PostgreSQL 15 it plans and runs in about half the
     * time (the list is planned anew on every execution), and it has one
     * statement shape whatever the batch's length. */
    const ormc_column *key_col = &from_key->t->columns[from_key->cols[0]];
    bool any = db->backend == ORMC_POSTGRES && fk->n_columns == 1 &&
               ormc__pg_array_type(key_col) != NULL;
    int any_op = op == ORMC__OP_KEYS_OF_CHILDREN ? ORMC__OP_ANY_OF_CHILDREN
                                                 : ORMC__OP_ANY_OF_PARENTS;
    ormc__buf array;
    ormc__buf_init(&array, NULL, 0);

    int rc = ORMC_OK;
    if (*cap < distinct && op == ORMC__OP_KEYS_OF_CHILDREN) {
        /* a parent per key, usually: no growing */
        char *rows = realloc(*items, distinct * to->row_size);
        if (rows == NULL)
            rc = ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        else {
            *items = rows;
            *cap = distinct;
        }
    }
    for (size_t at = 0; at < distinct && rc == ORMC_OK; at += batch) {
        size_t left = distinct - at, k = batch;
        ormc_builder q;
        ormc_builder_init(&q, to);
        if (any) {
            k = left < batch ? left : batch;
            rc = put_array(db, &array, key_col, keys + at, k);
            ormc__builder_where_key_array(&q, fk, any_op, array.data);
        } else {
            if (left < batch) {
                for (k = 1; k < left; k *= 2) {}
                if (k > batch)
                    k = batch;
                for (size_t i = left; i < k; i++)
                    keys[at + i] = keys[at + left - 1];
            }
            ormc__builder_where_keys(&q, fk, op, keys + at, k);
        }
        ormc__stmt *st;
        if (rc == ORMC_OK)
            rc = ormc__query_open(db, &q, &st);
        if (rc == ORMC_OK)
            rc = ormc__stmt_read_into(st, to, items, count, cap);
        ormc_builder_free(&q);
    }
    ormc__buf_free(&array);
    free(keys);
    return rc;
}

/* Load through `op`, then sort the rows by `by`; on failure nothing kept. */
static int load_sorted(ormc_db *db, const ormc_foreign_key *fk, int op,
                       const ormc__row_key *from_key, const void *from,
                       size_t n, const ormc__row_key *by, void **out,
                       size_t *out_count)
{
    char *items = NULL;
    size_t count = 0, cap = 0;
    int rc = load(db, fk, op, from_key, from, n, by->t, &items, &count, &cap);
    if (rc == ORMC_OK && ormc__list_sort(items, count, by) != ORMC_OK)
        rc = ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    if (rc != ORMC_OK) {
        ormc_list_free(by->t, items, count);
        return rc;
    }
    if (count == 0) {
        free(items);
        items = NULL;
    }
    *out = items;
    *out_count = count;
    return ORMC_OK;
}

/* The checks both loaders make; clears the outputs. */
static int start_load(ormc_db *db, const ormc_foreign_key *fk, const void *rows,
                      size_t n, void **out, size_t *count, const char *fn)
{
    if (out != NULL)
        *out = NULL;
    if (count != NULL)
        *count = 0;
    int rc = start(db, fk, fn);
    if (rc != ORMC_OK)
        return rc;
    if (out == NULL || count == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "%s: no list given for the rows", fn);
    if (rows == NULL && n > 0)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "%s: no rows given (%zu announced)", fn, n);
    return ORMC_OK;
}

/*
 * The referenced columns in the order of the key they form in the parent:
 * the primary key's order, or the unique index's. The generated
 * _list_find (by primary key) and _list_find_by_<cols> (by the index)
 * search in that order, which a composite key's `to` columns need not
 * follow.
 */
static ormc__row_key referenced_key_order(const ormc_foreign_key *fk)
{
    const ormc_table *p = fk->parent;
    ormc_colset set = 0;
    for (uint16_t i = 0; i < fk->n_columns; i++)
        set |= ORMC_COLUMN_BIT(fk->parent_columns[i]);
    if (set == p->primary_key && p->n_pk == fk->n_columns &&
        p->pk_order != NULL) {
        ormc__row_key k = {p, p->pk_order, p->n_pk};
        return k;
    }
    for (uint16_t i = 0; i < p->n_indexes; i++) {
        const ormc_index *x = &p->indexes[i];
        if (x->unique && x->columns == set && x->n_columns == fk->n_columns &&
            x->order != NULL) {
            ormc__row_key k = {p, x->order, x->n_columns};
            return k;
        }
    }
    return parent_key(fk);
}

int ormc_relation_load_parents(ormc_db *db, const ormc_foreign_key *fk,
                               const void *children, size_t n, void **parents,
                               size_t *count)
{
    int rc = start_load(db, fk, children, n, parents, count,
                        "ormc_relation_load_parents");
    if (rc != ORMC_OK || n == 0)
        return rc;
    ormc__row_key from = child_key(fk), by = referenced_key_order(fk);
    return load_sorted(db, fk, ORMC__OP_KEYS_OF_CHILDREN, &from, children, n,
                       &by, parents, count);
}

int ormc_relation_load_children(ormc_db *db, const ormc_foreign_key *fk,
                                const void *parents, size_t n, void **children,
                                size_t *count)
{
    int rc = start_load(db, fk, parents, n, children, count,
                        "ormc_relation_load_children");
    if (rc != ORMC_OK || n == 0)
        return rc;
    /* by the key, then by the child's primary key */
    const ormc_table *c = fk->child;
    uint16_t cols[128];
    uint16_t k = 0;
    for (uint16_t i = 0; i < fk->n_columns; i++)
        cols[k++] = fk->child_columns[i];
    for (uint16_t i = 0; c->pk_order != NULL && i < c->n_pk && k < 128; i++)
        cols[k++] = c->pk_order[i];
    ormc__row_key from = parent_key(fk), by = {c, cols, k};
    return load_sorted(db, fk, ORMC__OP_KEYS_OF_PARENTS, &from, parents, n, &by,
                       children, count);
}

const void *ormc_relation_children_of(const ormc_foreign_key *fk,
                                      const void *children, size_t count,
                                      const void *parent, size_t *n)
{
    if (n != NULL)
        *n = 0;
    if (!ormc__fk_valid(fk) || children == NULL || parent == NULL)
        return NULL;
    ormc__row_key ck = child_key(fk), pk = parent_key(fk);
    if (ormc__key_has_null(&pk, parent))
        return NULL; /* a NULL key has no children */
    const char *base = children;
    size_t size = fk->child->row_size;
    size_t lo = 0, hi = count; /* the first child not before parent */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ormc__compare_rows(&ck, base + mid * size, &pk, parent) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < count &&
           ormc__compare_rows(&ck, base + end * size, &pk, parent) == 0)
        end++;
    if (end == lo)
        return NULL;
    if (n != NULL)
        *n = end - lo;
    return base + lo * size;
}
