/*
 * shape.c: the SQL text of the engine's dynamic statements, remembered per
 * connection by shape (see sqlbuild.h, "Statements by shape").
 *
 * Composing an insert, a find-or-create or a query from the descriptor
 * (quoting identifiers, numbering parameters) costs more than a SQLite
 * primary-key get, and hashing the text to find it in the statement cache
 * costs again. A shape is what the text depends on: the kind of statement,
 * the table, the column sets, and for a query its operators, NULL tests,
 * IN lengths, order and whether it has a limit or an offset, never the
 * values. A few dozen bytes describe it; they are hashed instead of the text,
 * and the text is built once per shape and connection.
 *
 * Query statements still need their parameters on every call: on a hit the
 * builder runs once more with its text buffer in sink mode, which collects
 * the parameters in the same order and writes nothing.
 *
 * The memo is bounded (ORMC__SHAPES_MAX entries, then emptied and refilled:
 * applications use a few dozen shapes; a caller varying IN lengths without
 * end only rebuilds). Memory failures are never errors here: without an
 * entry the statement is built as before.
 *
 * Debug builds (without NDEBUG, as the sanitizer run of the tests) build
 * the text of every hit again and check it against the memo, so that a shape
 * key that forgot something the text depends on fails the test suite.
 */
#define _POSIX_C_SOURCE 200809L

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "ormc_int.h"
#include "sqlbuild.h"

#define ORMC__SHAPE_BUCKETS 64 /* power of two */
#define ORMC__SHAPES_MAX 256

struct ormc__shape {
    struct ormc__shape *next; /* hash chain */
    uint64_t hash;
    ormc_colset bound; /* row statements: the columns bound from the row */
    ormc__stmt *stmt;  /* the cached statement of sql, or NULL (linked by
                          ormc__stmt_prepare_linked) */
    size_t key_len;
    char *sql;            /* the text, after the key in the same block */
    unsigned char key[1]; /* key_len bytes (flexible, C89-style for C++) */
};

/* === Keys === */

void ormc__shape_key_init(ormc__shape_key *k, int kind, const ormc_table *t)
{
    k->len = 0;
    k->overflow = false;
    unsigned char b = (unsigned char)kind;
    ormc__shape_key_add(k, &b, 1);
    ormc__shape_key_add(k, &t, sizeof t);
}

/* A word at a time: keys are a few dozen bytes, hashed on every call. */
static uint64_t key_hash(const ormc__shape_key *k)
{
    uint64_t h = UINT64_C(1469598103934665603) ^ k->len;
    size_t i = 0;
    for (; i + 8 <= k->len; i += 8) {
        uint64_t w;
        memcpy(&w, k->bytes + i, sizeof w);
        h = (h ^ w) * UINT64_C(0x9e3779b97f4a7c15);
        h ^= h >> 29;
    }
    for (; i < k->len; i++)
        h = (h ^ k->bytes[i]) * UINT64_C(1099511628211);
    return h ^ (h >> 32);
}

/* === The memo === */

void ormc__shape_clear(ormc_db *db)
{
    if (db->shapes == NULL)
        return;
    for (size_t i = 0; i < ORMC__SHAPE_BUCKETS; i++) {
        struct ormc__shape *e = db->shapes[i];
        while (e != NULL) {
            struct ormc__shape *next = e->next;
            if (e->stmt != NULL)
                e->stmt->memo_link = NULL;
            free(e);
            e = next;
        }
    }
    free(db->shapes);
    db->shapes = NULL;
    db->n_shapes = 0;
    db->shape_last = NULL;
}

static struct ormc__shape *find(ormc_db *db, const ormc__shape_key *k,
                                uint64_t h)
{
    if (k->overflow || db->shapes == NULL)
        return NULL;
    for (struct ormc__shape *e = db->shapes[h & (ORMC__SHAPE_BUCKETS - 1)];
         e != NULL; e = e->next)
        if (e->hash == h && e->key_len == k->len &&
            memcmp(e->key, k->bytes, k->len) == 0)
            return e;
    return NULL;
}

/* Remember sql for k; the entry, or NULL when it cannot be kept. */
static struct ormc__shape *store(ormc_db *db, const ormc__shape_key *k,
                                 uint64_t h, const char *sql, ormc_colset bound)
{
    if (k->overflow)
        return NULL;
    if (db->n_shapes >= ORMC__SHAPES_MAX)
        ormc__shape_clear(db);
    if (db->shapes == NULL) {
        db->shapes = calloc(ORMC__SHAPE_BUCKETS, sizeof *db->shapes);
        if (db->shapes == NULL)
            return NULL;
    }
    size_t sql_len = strlen(sql);
    struct ormc__shape *e =
        malloc(offsetof(struct ormc__shape, key) + k->len + sql_len + 1);
    if (e == NULL)
        return NULL;
    e->hash = h;
    e->bound = bound;
    e->stmt = NULL;
    e->key_len = k->len;
    memcpy(e->key, k->bytes, k->len);
    e->sql = (char *)e->key + k->len;
    memcpy(e->sql, sql, sql_len + 1);
    struct ormc__shape **b = &db->shapes[h & (ORMC__SHAPE_BUCKETS - 1)];
    e->next = *b;
    *b = e;
    db->n_shapes++;
    return e;
}

/* === The sets of a table === */

static ormc__table_sets *table_sets(ormc_db *db, const ormc_table *t)
{
    uintptr_t v = (uintptr_t)t;
    ormc__table_sets *ts =
        &db->table_sets[((v >> 4) ^ (v >> 10)) % ORMC__TABLE_SETS];
    if (ts->t == t)
        return ts;
    /* the slot goes to another table: its statements lose their links */
    for (size_t k = 0; k < sizeof ts->fixed / sizeof ts->fixed[0]; k++) {
        if (ts->fixed[k] != NULL)
            ts->fixed[k]->memo_link = NULL;
        ts->fixed[k] = NULL;
    }
    ts->t = t;
    ts->serial = ts->now = ts->var = 0;
    ts->rowid_col = -1;
    for (int i = 0; i < t->n_columns; i++) {
        uint32_t f = t->columns[i].flags;
        ormc_type type = t->columns[i].type;
        if (type == ORMC_TYPE_TEXT || type == ORMC_TYPE_JSON ||
            type == ORMC_TYPE_BLOB)
            ts->var |= ORMC_COLUMN_BIT(i);
        if (f & ORMC_COL_SERIAL)
            ts->serial |= ORMC_COLUMN_BIT(i);
        if (f & ORMC_COL_DEFAULT_NOW)
            ts->now |= ORMC_COLUMN_BIT(i);
        if ((f & ORMC_COL_SERIAL) && t->primary_key == ORMC_COLUMN_BIT(i))
            ts->rowid_col = i;
    }
    ts->checked = ormc__checked_columns(t);
    return ts;
}

const ormc__table_sets *ormc__table_sets_of(ormc_db *db, const ormc_table *t)
{
    return table_sets(db, t);
}

/* The fixed texts are static data of the descriptor, as the descriptor
 * itself is: linked to their statements like the memo's texts. */
ormc__stmt **ormc__table_fixed(ormc_db *db, const ormc_table *t,
                               ormc__fixed which)
{
    return db->cfg.prepare ? &table_sets(db, t)->fixed[which] : NULL;
}

ormc_colset ormc__insert_columns_of(const ormc__table_sets *ts, const void *row)
{
    const ormc_table *t = ts->t;
    return ormc__all_columns(t) &
           ~ormc__unset_defaults(t, row, ts->serial, ts->now);
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
    case ORMC__R_COPY:
        return ormc__sql_copy(s, t, a);
    case ORMC__R_DELETE_PK:
        return ormc__sql_delete_pk(s, t);
    }
    return ORMC_INVALID;
}

int ormc__shape_row(ormc_db *db, ormc__sql *s, const ormc_table *t,
                    ormc__row_kind kind, ormc_colset a, ormc_colset b, size_t n,
                    const char **sql, ormc_colset *bound)
{
    ormc__shape_key k;
    ormc__shape_key_init(&k, ORMC__SHAPE_ROW_BASE + (int)kind, t);
    ormc__shape_key_add(&k, &a, sizeof a);
    ormc__shape_key_add(&k, &b, sizeof b);
    ormc__shape_key_add(&k, &n, sizeof n);
    uint64_t h = key_hash(&k);
    struct ormc__shape *e = find(db, &k, h);
    if (e != NULL) {
#ifndef NDEBUG
        int vrc = build_row(s, t, kind, a, b, n);
        assert(vrc == ORMC_OK && strcmp(s->text.data, e->sql) == 0 &&
               s->bound == e->bound);
        (void)vrc;
#endif
        *sql = e->sql;
        *bound = e->bound;
        db->shape_last = e;
        return ORMC_OK;
    }
    db->shape_last = NULL;
    int rc = build_row(s, t, kind, a, b, n);
    if (rc != ORMC_OK)
        return rc;
    e = store(db, &k, h, s->text.data, s->bound);
    db->shape_last = e;
    *sql = e != NULL ? e->sql : s->text.data;
    *bound = s->bound;
    return ORMC_OK;
}

int ormc__shape_prepare(ormc_db *db, const char *sql, ormc__stmt **out)
{
    struct ormc__shape *e = db->shape_last;
    if (e == NULL || e->sql != sql)
        return ormc__stmt_prepare(db, sql, out);
    return ormc__stmt_prepare_linked(db, sql, &e->stmt, out);
}

/* === Query builder statements === */

/* Look q's shape up: on a hit, run `build` in sink mode for the parameters
 * alone; on a miss, build the text and remember it. */
static int shape_builder(ormc_db *db, ormc__sql *s, ormc__shape_key *k,
                         int (*build)(ormc__sql *s, const ormc_builder *q,
                                      const void *values, ormc_colset set,
                                      int kind),
                         const ormc_builder *q, const void *values,
                         ormc_colset set, int kind, const char **sql)
{
    uint64_t h = key_hash(k);
    struct ormc__shape *e = find(db, k, h);
    if (e != NULL) {
        s->text.sink = true;
        int rc = build(s, q, values, set, kind);
        s->text.sink = false;
        if (rc != ORMC_OK)
            return rc;
#ifndef NDEBUG
        ormc__sql check;
        ormc__sql_init(&check);
        int vrc = build(&check, q, values, set, kind);
        assert(vrc == ORMC_OK && strcmp(check.text.data, e->sql) == 0 &&
               check.n_params == s->n_params);
        (void)vrc;
        ormc__sql_free(&check);
#endif
        *sql = e->sql;
        db->shape_last = e;
        return ORMC_OK;
    }
    db->shape_last = NULL;
    int rc = build(s, q, values, set, kind);
    if (rc != ORMC_OK)
        return rc;
    e = store(db, k, h, s->text.data, 0);
    db->shape_last = e;
    *sql = e != NULL ? e->sql : s->text.data;
    return ORMC_OK;
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
                      ormc__query_kind kind, const char **sql)
{
    ormc__shape_key k;
    db->shape_last = NULL;
    if (ormc__sql_query_key(q, (int)kind, &k) != ORMC_OK) {
        /* an invalid query: the builder says why */
        int rc = ormc__sql_query(s, q, kind);
        *sql = s->text.data;
        return rc;
    }
    return shape_builder(db, s, &k, build_query, q, NULL, 0, (int)kind, sql);
}

int ormc__shape_update_where(ormc_db *db, ormc__sql *s, const ormc_builder *q,
                             const void *values, ormc_colset set,
                             const char **sql)
{
    ormc__shape_key k;
    db->shape_last = NULL;
    if (ormc__sql_query_key(q, ORMC__SHAPE_UPDATE_WHERE, &k) != ORMC_OK) {
        int rc = ormc__sql_update_where(s, q, values, set);
        *sql = s->text.data;
        return rc;
    }
    ormc__shape_key_add(&k, &set, sizeof set);
    return shape_builder(db, s, &k, build_update_where, q, values, set, 0, sql);
}
