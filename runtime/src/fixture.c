/*
 * fixture.c: test rows for any table (ormc_row_fixture) and the plan of
 * the parents a stored fixture needs (fixture.h).
 *
 * A fixture is a pure function of (table, seq). Every column gets a value,
 * nullable ones too, so that tests exercise values rather than NULLs:
 *
 *   integer    seq % 2147483647 + 1        bigint   seq + 1
 *   serial     0: the database assigns it  double   seq + 0.5
 *   boolean    seq is odd                  enum     label seq % count
 *   text       "<column>-<seq>"; when longer than max, "<seq>"; when that
 *              is too long still, the last max base-52 digits of seq, in
 *              letters (A-Z, a-z)
 *   json       {"seq": <seq>}
 *   blob       the 8 bytes of seq, big-endian
 *   timestamp  2024-01-01 00:00:00 UTC + seq seconds (default now too)
 *   uuid       a version-8 UUID holding the column's index and seq
 *
 * Every one of these differs from seq to seq (within its type's range), so
 * unique and primary keys differ per seq, composite ones too; booleans and
 * enums cycle, so a unique key made of them alone cannot be distinct.
 * A reference column holds the referenced column's value for the same seq
 * (seq + 1 for a serial parent key, which the inserting code replaces), a
 * nullable reference of a table to itself is left NULL. The columns of a
 * composite foreign key are reference columns too, each of the parent
 * column it pairs with, so that a text key matches its parent's.
 *
 * The strings and blob bytes of a fixture live in one allocation kept in the
 * row's ormc_owned field, released by ormc_row_free.
 */
#include "ormc_generated.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "sqlbuild.h"

/* 2024-01-01 00:00:00 UTC, in microseconds. */
#define FIXTURE_EPOCH_US (INT64_C(1704067200) * 1000000)

/* How far a chain of references is followed before giving up. */
#define MAX_REF_DEPTH 16

/* Where a fixture's bytes go: measured first (base NULL), then copied. */
typedef struct arena {
    char *base; /* NULL while measuring */
    size_t used;
} arena;

static const char *arena_put(arena *a, const void *bytes, size_t n)
{
    char *p = a->base != NULL ? a->base + a->used : NULL;
    if (p != NULL)
        memcpy(p, bytes, n);
    a->used += n;
    return p;
}

/* text: as the table at the top says. Writes into the arena, NUL
 * included. */
static const char *fixture_text(arena *a, const ormc_column *c, uint64_t seq)
{
    static const char letters[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    char num[24];
    int n = snprintf(num, sizeof num, "%llu", (unsigned long long)seq);
    size_t name_len = strlen(c->name);
    size_t max = c->max_chars;
    const char *p;

    if (max == 0 || name_len + 1 + (size_t)n <= max) {
        p = arena_put(a, c->name, name_len);
        arena_put(a, "-", 1);
        arena_put(a, num, (size_t)n);
    } else if ((size_t)n <= max) {
        p = arena_put(a, num, (size_t)n);
    } else {
        /* The lowest max digits of seq in base 52, written in letters so
         * that they never equal another seq's decimal form: distinct while
         * seq < 52^max. */
        char b52[16];
        size_t k = 0;
        uint64_t v = seq;
        do {
            b52[sizeof b52 - 1 - k++] = letters[v % 52];
            v /= 52;
        } while (v != 0 && k < max && k < sizeof b52);
        p = arena_put(a, b52 + sizeof b52 - k, k);
    }
    arena_put(a, "", 1);
    return p;
}

/* The fixture value of column i of t for seq, as a parameter (text and
 * blob bytes in the arena). referenced: asked for by a reference column. */
static void fixture_value(const ormc_table *t, int i, uint64_t seq,
                          bool referenced, arena *a, ormc_param *v)
{
    const ormc_column *c = &t->columns[i];
    memset(v, 0, sizeof *v);
    v->type = c->type;
    switch (c->type) {
    case ORMC_TYPE_INTEGER:
        if ((c->flags & ORMC_COL_SERIAL) && !referenced) /* 32 bits */
            v->u.i32 = 0;
        else
            v->u.i32 = (int32_t)(seq % INT32_MAX) + 1;
        break;
    case ORMC_TYPE_BIGINT:
        if (c->flags & ORMC_COL_SERIAL)
            v->u.i64 = referenced ? (int64_t)(seq % INT64_MAX) + 1 : 0;
        else
            v->u.i64 = (int64_t)(seq % INT64_MAX) + 1;
        break;
    case ORMC_TYPE_DOUBLE:
        v->u.f64 = (double)seq + 0.5;
        break;
    case ORMC_TYPE_BOOLEAN:
        v->u.b = (seq & 1) != 0;
        break;
    case ORMC_TYPE_TEXT:
        v->u.text = fixture_text(a, c, seq);
        break;
    case ORMC_TYPE_JSON: {
        char json[40];
        int n = snprintf(json, sizeof json, "{\"seq\": %llu}",
                         (unsigned long long)seq);
        v->u.text = arena_put(a, json, (size_t)n + 1);
        break;
    }
    case ORMC_TYPE_BLOB: {
        unsigned char bytes[8];
        for (int k = 0; k < 8; k++)
            bytes[k] = (unsigned char)(seq >> (56 - 8 * k));
        v->u.blob.data = arena_put(a, bytes, sizeof bytes);
        v->u.blob.len = sizeof bytes;
        break;
    }
    case ORMC_TYPE_TIMESTAMP:
        /* 2^32 seconds (136 years) of distinct values. */
        v->u.time =
            FIXTURE_EPOCH_US + (ormc_time)(seq & UINT32_MAX) * INT64_C(1000000);
        break;
    case ORMC_TYPE_UUID: {
        /* Version 8 (custom, RFC 9562): "ormc", the column's index, and
         * all 64 bits of seq in bytes 7 and 9-15, around the version and
         * variant bits. */
        uint8_t *u = v->u.uuid.bytes;
        memcpy(u, "\x6f\x72\x6d\x63", 4); /* "ormc" */
        u[4] = (uint8_t)(i >> 8);
        u[5] = (uint8_t)i;
        u[6] = 0x80; /* version 8 */
        u[7] = (uint8_t)(seq >> 56);
        u[8] = 0x80; /* variant 10 */
        for (int k = 0; k < 7; k++)
            u[9 + k] = (uint8_t)(seq >> (48 - 8 * k));
        break;
    }
    case ORMC_TYPE_ENUM:
        v->u.i32 = c->n_enum_values > 0 ? (int32_t)(seq % c->n_enum_values) : 0;
        break;
    }
}

static void store_value(const ormc_column *c, void *row, const ormc_param *v)
{
    char *field = (char *)row + c->offset;
    switch (c->type) {
    case ORMC_TYPE_INTEGER:
        memcpy(field, &v->u.i32, sizeof v->u.i32);
        break;
    case ORMC_TYPE_BIGINT:
        memcpy(field, &v->u.i64, sizeof v->u.i64);
        break;
    case ORMC_TYPE_DOUBLE:
        memcpy(field, &v->u.f64, sizeof v->u.f64);
        break;
    case ORMC_TYPE_BOOLEAN:
        memcpy(field, &v->u.b, sizeof v->u.b);
        break;
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON:
        memcpy(field, &v->u.text, sizeof v->u.text);
        break;
    case ORMC_TYPE_BLOB:
        memcpy(field, &v->u.blob, sizeof v->u.blob);
        break;
    case ORMC_TYPE_TIMESTAMP:
        memcpy(field, &v->u.time, sizeof v->u.time);
        break;
    case ORMC_TYPE_UUID:
        memcpy(field, &v->u.uuid, sizeof v->u.uuid);
        break;
    case ORMC_TYPE_ENUM: {
        int e = v->u.i32;
        memcpy(field, &e, sizeof e);
        break;
    }
    }
    if (c->has_offset != ORMC_NO_HAS) {
        /* A serial left 0 stays unset; everything else is a value. */
        bool has =
            !((c->flags & ORMC_COL_SERIAL) &&
              (c->type == ORMC_TYPE_INTEGER ? v->u.i32 == 0 : v->u.i64 == 0));
        memcpy((char *)row + c->has_offset, &has, sizeof has);
    }
}

/* The column that column i of t references: its own references, else
 * its place in the first foreign key of t (composite ones) that holds it.
 * False when it references none. */
static bool referenced_column(const ormc_table *t, int i,
                              const ormc_table **rt /* OUT */,
                              int *ri /* OUT */)
{
    const ormc_column *c = &t->columns[i];
    if (c->ref_table != NULL) {
        *rt = c->ref_table;
        *ri = c->ref_column;
        return true;
    }
    for (uint16_t k = 0; k < t->n_foreign_keys; k++) {
        const ormc_foreign_key *fk = &t->foreign_keys[k];
        for (uint16_t j = 0; j < fk->n_columns; j++) {
            if (fk->child_columns[j] == i && fk->parent != NULL) {
                *rt = fk->parent;
                *ri = fk->parent_columns[j];
                return true;
            }
        }
    }
    return false;
}

/* Whether column i of t references its own table (alone or in a composite
 * key). */
static bool references_itself(const ormc_table *t, int i)
{
    const ormc_table *rt;
    int ri;
    return referenced_column(t, i, &rt, &ri) && rt == t;
}

/* The value of column i of t: its own, or for a reference column the
 * referenced column's (followed through chains of references). */
static void column_value(const ormc_table *t, int i, uint64_t seq, arena *a,
                         ormc_param *v)
{
    const ormc_table *vt = t;
    int vi = i;
    bool referenced = false;
    for (int depth = 0; depth < MAX_REF_DEPTH; depth++) {
        const ormc_column *c = &vt->columns[vi];
        const ormc_table *rt;
        int ri;
        if (!referenced_column(vt, vi, &rt, &ri) || ri < 0 ||
            ri >= rt->n_columns || rt->columns[ri].type != c->type ||
            (rt == vt && ri == vi))
            break;
        vt = rt;
        vi = ri;
        referenced = true;
    }
    fixture_value(vt, vi, seq, referenced, a, v);
}

/* Fill row for seq; strings go to the arena (measured only when its base is
 * NULL). */
static void fill(const ormc_table *t, void *row, uint64_t seq, arena *a)
{
    for (int i = 0; i < t->n_columns; i++) {
        const ormc_column *c = &t->columns[i];
        if (!(c->flags & ORMC_COL_NOT_NULL) && references_itself(t, i))
            continue; /* a nullable reference to its own table: NULL */
        ormc_param v;
        column_value(t, i, seq, a, &v);
        store_value(c, row, &v);
    }
}

int ormc_row_fixture(const ormc_table *t, void *row, uint64_t seq)
{
    if (t == NULL || row == NULL || t->columns == NULL || t->n_columns > 64 ||
        t->row_size < sizeof(void *) ||
        t->owned_offset > t->row_size - sizeof(void *))
        return ORMC_INVALID;
    memset(row, 0, t->row_size);

    arena a = {NULL, 0};
    fill(t, row, seq, &a);
    void *owned = NULL;
    if (a.used > 0) {
        owned = malloc(a.used);
        if (owned == NULL) {
            memset(row, 0, t->row_size);
            return ORMC_NOMEM;
        }
        a.base = owned;
        a.used = 0;
        fill(t, row, seq, &a);
    }
    memcpy((char *)row + t->owned_offset, &owned, sizeof owned);
    return ORMC_OK;
}

/* === The parents of a stored fixture === */

typedef struct plan {
    const ormc_table **order; /* finished tables, parents first */
    size_t n, cap;
    const ormc_table **path; /* the tables being visited (cycle check) */
    size_t depth;
} plan;

static bool listed(const ormc_table *const *list, size_t n, const ormc_table *t)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == t)
            return true;
    return false;
}

static int visit(plan *p, const ormc_table *t, size_t max_depth)
{
    if (t->columns == NULL || p->depth >= max_depth)
        return ORMC_INVALID;
    p->path[p->depth++] = t;
    /* The columns' references first, then every foreign key (composite
     * ones add their parents; single ones are the columns' again). */
    for (int i = 0; i < t->n_columns + t->n_foreign_keys; i++) {
        const ormc_table *r = i < t->n_columns
                                  ? t->columns[i].ref_table
                                  : t->foreign_keys[i - t->n_columns].parent;
        if (r == NULL || r == t || listed(p->order, p->n, r) ||
            listed(p->path, p->depth, r))
            continue;
        int rc = visit(p, r, max_depth);
        if (rc != ORMC_OK)
            return rc;
    }
    p->depth--;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        const ormc_table **order = realloc(p->order, cap * sizeof *order);
        if (order == NULL)
            return ORMC_NOMEM;
        p->order = order;
        p->cap = cap;
    }
    p->order[p->n++] = t;
    return ORMC_OK;
}

int ormc__fixture_parents(const ormc_table *t, const ormc_table ***tables,
                          size_t *n)
{
    if (tables == NULL || n == NULL)
        return ORMC_INVALID;
    *tables = NULL;
    *n = 0;
    if (t == NULL)
        return ORMC_INVALID;
    /* A chain of references is at most as long as the number of distinct
     * tables; bound it generously instead of counting them first. */
    enum {
        MAX_TABLES = 1024
    };
    plan p = {NULL, 0, 0, NULL, 0};
    p.path = malloc(MAX_TABLES * sizeof *p.path);
    if (p.path == NULL)
        return ORMC_NOMEM;
    int rc = visit(&p, t, MAX_TABLES);
    free(p.path);
    if (rc != ORMC_OK) {
        free(p.order);
        return rc;
    }
    /* t itself finished last. */
    p.n--;
    if (p.n == 0) {
        free(p.order);
        p.order = NULL;
    }
    *tables = p.order;
    *n = p.n;
    return ORMC_OK;
}
