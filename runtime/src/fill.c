/*
 * fill.c: fixtures for a whole database: ormc_schema_fill adds rows to
 * every table of a schema, ormc_schema_fill_sql writes the same rows as an
 * SQL script (docs/fixtures.md).
 *
 * Both run one generator: every value is a pure function of (seed, table,
 * column, row number), so the same seed gives the same rows whichever way
 * they are stored, on either backend, and whatever program (a generated
 * <schema>_fixtures_fill, or `ormc seed` through ormc_seed's descriptors
 * built at run time) calls it.
 *
 * A plan first decides, per table, how many rows it gets and where they
 * start, and per column and foreign key how its values are made:
 *
 *   row k of a table (0-based) has the number seq = base + k + 1, where
 *   base is 0 for a script and, on a live database, the table's row count
 *   or the largest value of its numbered integer keys, whichever is
 *   larger, so that a second fill continues after the first;
 *
 *   foreign keys point at rows this fill creates (never at rows that were
 *   there before). The table's first foreign key to another table with
 *   rows is its spread key: row k's parent is k mod (parent rows), so
 *   that the children spread evenly, and k div (parent rows) is the row's
 *   rank among its siblings. A foreign key that is a unique key on its
 *   own (one-to-one) takes parent k. A foreign key in a unique key
 *   together with the spread key takes parent (rank + an offset drawn per
 *   spread parent) mod (its parent's rows): distinct among siblings. Any
 *   other picks a parent at random. A reference to the table itself picks
 *   an earlier row (the first row: NULL, or itself when NOT NULL); one to
 *   a later table (a reference cycle) or to a table without rows is NULL;
 *
 *   a NOT NULL foreign key to a table asked for 0 rows gives that table
 *   rows anyway: one per child when the key is one-to-one, else one per
 *   10 children (at least 1);
 *
 *   serial keys are numbered seq and sent explicitly; afterwards
 *   PostgreSQL's sequence is moved past them with setval (SQLite numbers
 *   past the largest key by itself, with AUTOINCREMENT or without);
 *
 *   an integer column of a unique key that holds the spread key (a line
 *   number of an order's lines) is the row's rank + 1;
 *
 *   every other column of a primary or unique key is numbered from seq
 *   as ormc_row_fixture does (distinct per row: "<column>-<seq>", seq,
 *   ...); a unique key of booleans and enums alone, which cannot be
 *   numbered, counts through the combinations of their values, then is
 *   NULL in a nullable column of it;
 *
 *   every other column is drawn from a hash of (seed, table, column, seq):
 *   words for text (cut to max), a small JSON object, numbers, timestamps
 *   within 2024-2025, labels of an enum; a nullable one is NULL one time
 *   in eight.
 *
 * No rand(), no clock, no locale: only 64-bit integer arithmetic and ASCII,
 * so every platform writes the same bytes.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fields.h"
#include "session.h"

/* Rows built and inserted at a time (insert_many: one COPY on PostgreSQL,
 * one prepared INSERT stepped per row on SQLite). */
#define FILL_BATCH 1000

/* Rows per INSERT statement of a script. */
#define SCRIPT_ROWS 500

/* 2024-01-01 00:00:00 UTC, in microseconds, and the span drawn timestamps
 * fall in (two years). */
#define FILL_EPOCH_US (INT64_C(1704067200) * 1000000)
#define FILL_SPAN_US (INT64_C(731) * 86400 * 1000000)

/* How far a chain of references is followed. */
#define MAX_DEPTH 64

/* A NOT NULL foreign key to a table asked for no rows: the parent gets one
 * row per this many children. */
#define CHILDREN_PER_PARENT 10

enum fk_kind {
    FK_NULL,   /* no parent row: NULL */
    FK_SELF,   /* its own table: an earlier row */
    FK_ONE,    /* one-to-one: parent k */
    FK_SPREAD, /* the spread key: parent k mod n */
    FK_PAIRED, /* in a unique key with the spread key */
    FK_RANDOM  /* any parent */
};

enum col_kind {
    COL_FREE,     /* drawn */
    COL_REF,      /* the parent's column */
    COL_SERIAL,   /* seq, sent explicitly */
    COL_RANK,     /* rank among the spread parent's children + 1 */
    COL_NUMBERED, /* distinct per seq */
    COL_COMBO,    /* a digit of seq - 1 over a unique key of booleans and
                     enums */
};

typedef struct fill_fk {
    uint8_t kind;  /* fk_kind */
    int parent;    /* the parent's index in the schema, or -1 */
    bool nullable; /* every column of the key is nullable */
    ormc_colset cols;
} fill_fk;

typedef struct fill_col {
    uint8_t kind; /* col_kind */
    uint16_t fk;  /* COL_REF: the foreign key */
    uint16_t pos; /* COL_REF: the column's position in it */
    bool keyed;   /* in a primary or unique key: never NULL-drawn */
    /* COL_COMBO: the digit is (seq - 1) / radix % card; from row number
     * combos on, the rows of the key's column null_past are NULL (NULLs
     * never collide) */
    uint64_t radix, combos;
    uint32_t card;
    bool null_past;
} fill_col;

typedef struct fill_table {
    const ormc_table *t;
    uint64_t n;    /* rows to add */
    uint64_t base; /* the rows are numbered base + 1 ... base + n */
    int spread;    /* the spread foreign key, or -1 */
    fill_col *cols;
    fill_fk *fks;
} fill_table;

typedef struct plan {
    const ormc_schema *s;
    uint64_t seed;
    fill_table *tables;
    char err[256]; /* why the plan or a value failed */
} plan;

static int plan_error(plan *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int plan_error(plan *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, sizeof p->err, fmt, ap);
    va_end(ap);
    return ORMC_INVALID;
}

/* === Hashing: SplitMix64's finalizer, a bijection on 64 bits === */

static uint64_t mix(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

static uint64_t hash4(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    return mix(mix(mix(mix(seed) ^ a) ^ b) ^ c);
}

/* === Where the text of a batch lives: blocks that never move === */

typedef struct block {
    struct block *next;
    size_t used, cap;
    char data[];
} block;

typedef struct arena {
    block *head;
    bool failed;
} arena;

static char *arena_alloc(arena *a, size_t n)
{
    block *b = a->head;
    if (b == NULL || b->cap - b->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        b = malloc(sizeof *b + cap);
        if (b == NULL) {
            a->failed = true;
            return NULL;
        }
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    char *p = b->data + b->used;
    b->used += n;
    return p;
}

static const char *arena_str(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (p == NULL)
        return "";
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void arena_free(arena *a)
{
    while (a->head != NULL) {
        block *next = a->head->next;
        free(a->head);
        a->head = next;
    }
    a->failed = false;
}

/* === The plan === */

static int table_index(const ormc_schema *s, const ormc_table *t)
{
    for (int i = 0; i < s->n_tables; i++)
        if (s->tables[i] == t)
            return i;
    return -1;
}

/* The i-th unique key of t (its primary key, its unique indexes, its
 * UNIQUE columns), false past the last. */
static bool unique_key(const ormc_table *t, int i, ormc_colset *key)
{
    if (t->primary_key != 0 && i-- == 0) {
        *key = t->primary_key;
        return true;
    }
    for (uint16_t x = 0; x < t->n_indexes; x++)
        if (t->indexes[x].unique && t->indexes[x].columns != 0 && i-- == 0) {
            *key = t->indexes[x].columns;
            return true;
        }
    for (int c = 0; c < t->n_columns; c++)
        if ((t->columns[c].flags & ORMC_COL_UNIQUE) && i-- == 0) {
            *key = ORMC_COLUMN_BIT(c);
            return true;
        }
    return false;
}

static bool is_unique_key(const ormc_table *t, ormc_colset cols)
{
    ormc_colset key;
    for (int i = 0; unique_key(t, i, &key); i++)
        if (key == cols)
            return true;
    return false;
}

/* Whether some unique key of t holds both a and b. */
static bool unique_holds(const ormc_table *t, ormc_colset a, ormc_colset b)
{
    ormc_colset key;
    for (int i = 0; unique_key(t, i, &key); i++)
        if ((key & a) == a && (key & b) == b)
            return true;
    return false;
}

static ormc_colset fk_columns(const ormc_foreign_key *fk)
{
    ormc_colset cols = 0;
    for (uint16_t j = 0; j < fk->n_columns; j++)
        cols |= ORMC_COLUMN_BIT(fk->child_columns[j]);
    return cols;
}

static bool fk_nullable(const ormc_table *t, const ormc_foreign_key *fk)
{
    for (uint16_t j = 0; j < fk->n_columns; j++)
        if (t->columns[fk->child_columns[j]].flags & ORMC_COL_NOT_NULL)
            return false;
    return true;
}

/* Whether the plan can read t: its columns, and foreign keys whose
 * columns exist on both sides. */
static bool table_valid(const ormc_table *t)
{
    if (t->columns == NULL || t->n_columns == 0 || t->n_columns > 64 ||
        (t->n_foreign_keys > 0 && t->foreign_keys == NULL))
        return false;
    for (uint16_t j = 0; j < t->n_foreign_keys; j++) {
        const ormc_foreign_key *fk = &t->foreign_keys[j];
        if (fk->parent == NULL || fk->parent->columns == NULL)
            return false;
        for (uint16_t c = 0; c < fk->n_columns; c++)
            if (fk->child_columns[c] >= t->n_columns ||
                fk->parent_columns[c] >= fk->parent->n_columns)
                return false;
    }
    return true;
}

/* Give the parents of the tables that need them rows (children first, so
 * that a parent made here gets its own parents too). */
static void add_parents(plan *p)
{
    const ormc_schema *s = p->s;
    for (int ti = s->n_tables - 1; ti >= 0; ti--) {
        const ormc_table *t = s->tables[ti];
        uint64_t n = p->tables[ti].n;
        if (n == 0)
            continue;
        for (uint16_t j = 0; j < t->n_foreign_keys; j++) {
            const ormc_foreign_key *fk = &t->foreign_keys[j];
            int pi = table_index(s, fk->parent);
            if (pi < 0 || pi >= ti || p->tables[pi].n != 0 ||
                fk_nullable(t, fk))
                continue;
            p->tables[pi].n =
                is_unique_key(t, fk_columns(fk))
                    ? n
                    : (n + CHILDREN_PER_PARENT - 1) / CHILDREN_PER_PARENT;
        }
    }
}

/* The unique keys made of booleans and enums alone (which cannot be
 * numbered): their rows count through the combinations of their values;
 * past the last one, a nullable column of the key is NULL. */
static int plan_combos(plan *p, fill_table *ft)
{
    const ormc_table *t = ft->t;
    ormc_colset key;
    for (int i = 0; unique_key(t, i, &key); i++) {
        bool combo = true;
        for (int c = 0; c < t->n_columns && combo; c++)
            if ((key & ORMC_COLUMN_BIT(c)) && ft->cols[c].kind != COL_FREE)
                combo = false;
        if (!combo)
            continue;
        uint64_t radix = 1;
        int nullable = -1;
        for (int c = 0; c < t->n_columns; c++) {
            if (!(key & ORMC_COLUMN_BIT(c)))
                continue;
            const ormc_column *col = &t->columns[c];
            fill_col *fc = &ft->cols[c];
            uint32_t card = col->type == ORMC_TYPE_BOOLEAN ? 2
                            : col->n_enum_values > 0       ? col->n_enum_values
                                                           : 1;
            fc->kind = COL_COMBO;
            fc->radix = radix;
            fc->card = card;
            if (radix < (UINT64_C(1) << 40))
                radix *= card;
            if (nullable < 0 && !(col->flags & ORMC_COL_NOT_NULL))
                nullable = c;
        }
        for (int c = 0; c < t->n_columns; c++)
            if (key & ORMC_COLUMN_BIT(c)) {
                ft->cols[c].combos = radix;
                ft->cols[c].null_past = c == nullable;
            }
        if (nullable < 0 && ft->base + ft->n > radix)
            return plan_error(p,
                              "%s: a unique key of booleans and enums alone "
                              "holds %llu distinct rows, and %llu are asked",
                              t->name, (unsigned long long)radix,
                              (unsigned long long)(ft->base + ft->n));
    }
    return ORMC_OK;
}

static int plan_table(plan *p, int ti)
{
    const ormc_schema *s = p->s;
    fill_table *ft = &p->tables[ti];
    const ormc_table *t = ft->t;
    ft->cols = calloc(t->n_columns, sizeof *ft->cols);
    ft->fks = calloc(t->n_foreign_keys + 1u, sizeof *ft->fks);
    if (ft->cols == NULL || ft->fks == NULL)
        return ORMC_NOMEM;
    ft->spread = -1;

    for (uint16_t j = 0; j < t->n_foreign_keys; j++) {
        const ormc_foreign_key *fk = &t->foreign_keys[j];
        fill_fk *f = &ft->fks[j];
        f->parent = table_index(s, fk->parent);
        f->cols = fk_columns(fk);
        f->nullable = fk_nullable(t, fk);
        if (f->parent == ti) {
            f->kind = FK_SELF;
        } else if (f->parent < 0 || f->parent > ti ||
                   p->tables[f->parent].n == 0) {
            f->kind = FK_NULL;
        } else if (is_unique_key(t, f->cols)) {
            f->kind = FK_ONE;
        } else if (ft->spread < 0) {
            f->kind = FK_SPREAD;
            ft->spread = j;
        } else if (unique_holds(t, f->cols, ft->fks[ft->spread].cols)) {
            f->kind = FK_PAIRED;
        } else {
            f->kind = FK_RANDOM;
        }
        if (f->kind == FK_ONE && ft->spread < 0)
            ft->spread = j;
        if (ft->n == 0 || f->nullable)
            continue;
        uint64_t np = f->parent >= 0 ? p->tables[f->parent].n : 0;
        if (f->kind == FK_NULL)
            return plan_error(p,
                              "%s: foreign key %s is NOT NULL but %s gets no "
                              "rows before it (a cycle of references)",
                              t->name, fk->sql_name, fk->parent->name);
        if (f->kind == FK_ONE && ft->n > np)
            return plan_error(p,
                              "%s: %llu rows need as many rows of %s (foreign "
                              "key %s is unique), which gets %llu",
                              t->name, (unsigned long long)ft->n,
                              fk->parent->name, fk->sql_name,
                              (unsigned long long)np);
        if (f->kind == FK_PAIRED) {
            uint64_t n0 = p->tables[ft->fks[ft->spread].parent].n;
            uint64_t need = (ft->n - 1) / n0 + 1;
            if (need > np)
                return plan_error(p,
                                  "%s: %llu rows need at least %llu rows of %s "
                                  "for a unique key holding foreign key %s, "
                                  "which gets %llu",
                                  t->name, (unsigned long long)ft->n,
                                  (unsigned long long)need, fk->parent->name,
                                  fk->sql_name, (unsigned long long)np);
        }
    }

    ormc_colset spread_cols = ft->spread >= 0 ? ft->fks[ft->spread].cols : 0;
    for (int c = 0; c < t->n_columns; c++) {
        const ormc_column *col = &t->columns[c];
        fill_col *fc = &ft->cols[c];
        ormc_colset bit = ORMC_COLUMN_BIT(c), key;
        bool in_key = false, all_with_spread = true;
        for (int i = 0; unique_key(t, i, &key); i++) {
            if (key & bit) {
                in_key = true;
                if (spread_cols == 0 || (key & spread_cols) != spread_cols ||
                    (key & spread_cols & bit))
                    all_with_spread = false;
            }
        }
        fc->keyed = in_key;
        bool is_ref = false;
        for (uint16_t j = 0; j < t->n_foreign_keys && !is_ref; j++) {
            const ormc_foreign_key *fk = &t->foreign_keys[j];
            for (uint16_t k = 0; k < fk->n_columns; k++)
                if (fk->child_columns[k] == c) {
                    fc->kind = COL_REF;
                    fc->fk = j;
                    fc->pos = k;
                    is_ref = true;
                    break;
                }
        }
        if (is_ref)
            continue;
        bool integral =
            col->type == ORMC_TYPE_INTEGER || col->type == ORMC_TYPE_BIGINT;
        if ((col->flags & ORMC_COL_SERIAL) && integral)
            fc->kind = COL_SERIAL;
        else if (in_key && all_with_spread && integral)
            fc->kind = COL_RANK;
        else if (in_key && col->type != ORMC_TYPE_BOOLEAN &&
                 col->type != ORMC_TYPE_ENUM)
            fc->kind = COL_NUMBERED;
        else
            fc->kind = COL_FREE;
    }
    return plan_combos(p, ft);
}

static void plan_free(plan *p)
{
    if (p->tables == NULL)
        return;
    for (int i = 0; i < p->s->n_tables; i++) {
        free(p->tables[i].cols);
        free(p->tables[i].fks);
    }
    free(p->tables);
    p->tables = NULL;
}

/* The plan for counts (base 0 everywhere; a live fill sets the bases
 * before values are made). */
static int plan_make(plan *p, const ormc_schema *s, const size_t *counts,
                     size_t n_counts, uint64_t seed)
{
    memset(p, 0, sizeof *p);
    p->s = s;
    p->seed = seed;
    if (s == NULL || (s->n_tables > 0 && s->tables == NULL))
        return plan_error(p, "no schema descriptor given");
    if (counts == NULL && s->n_tables > 0)
        return plan_error(p, "no counts given");
    if (n_counts != s->n_tables)
        return plan_error(p, "%zu counts given for the %u tables of %s",
                          n_counts, (unsigned)s->n_tables, s->name);
    p->tables = calloc(s->n_tables + 1u, sizeof *p->tables);
    if (p->tables == NULL)
        return ORMC_NOMEM;
    for (int i = 0; i < s->n_tables; i++) {
        const ormc_table *t = s->tables[i];
        if (t == NULL)
            return plan_error(p, "no descriptor for table %d", i);
        if (!table_valid(t))
            return plan_error(p, "%s: not a valid table descriptor", t->name);
        p->tables[i].t = t;
        p->tables[i].n = counts[i];
    }
    add_parents(p);
    for (int i = 0; i < s->n_tables; i++) {
        int rc = plan_table(p, i);
        if (rc != ORMC_OK)
            return rc;
    }
    return ORMC_OK;
}

/* === Values === */

static const char *const WORDS[32] = {
    "amber",  "birch",  "cedar",  "delta",   "ember",  "fable",  "garnet",
    "harbor", "indigo", "jasper", "kestrel", "lumen",  "maple",  "nova",
    "onyx",   "pebble", "quartz", "raven",   "sierra", "tundra", "umber",
    "velvet", "willow", "xenon",  "yarrow",  "zephyr", "aspen",  "brook",
    "coral",  "dune",   "fern",   "glade"};

/* A numbered text: "<column>-<seq>", else "<seq>" when that is longer than
 * max, else seq's lowest max digits in base 52, in letters (as
 * ormc_row_fixture). */
static const char *numbered_text(arena *a, const ormc_column *c, uint64_t seq)
{
    static const char letters[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    char text[160];
    char num[24];
    int n = snprintf(num, sizeof num, "%llu", (unsigned long long)seq);
    size_t name_len = strlen(c->name);
    size_t max = c->max_chars;
    if ((max == 0 || name_len + 1 + (size_t)n <= max) && name_len < 128) {
        memcpy(text, c->name, name_len);
        text[name_len] = '-';
        memcpy(text + name_len + 1, num, (size_t)n);
        return arena_str(a, text, name_len + 1 + (size_t)n);
    }
    if (max == 0 || (size_t)n <= max)
        return arena_str(a, num, (size_t)n);
    size_t k = 0;
    uint64_t v = seq;
    do {
        text[sizeof text - 1 - k++] = letters[v % 52];
        v /= 52;
    } while (v != 0 && k < max && k < 16);
    return arena_str(a, text + sizeof text - k, k);
}

/* A drawn text: two words and a number, cut to max characters (ASCII). */
static const char *drawn_text(arena *a, const ormc_column *c, uint64_t h)
{
    char text[64];
    int n = snprintf(text, sizeof text, "%s %s %u", WORDS[h & 31],
                     WORDS[(h >> 5) & 31], (unsigned)((h >> 10) % 10000));
    size_t len = (size_t)n;
    if (c->max_chars != 0 && len > c->max_chars)
        len = c->max_chars;
    while (len > 0 && text[len - 1] == ' ')
        len--; /* no trailing blank where the cut fell after a word */
    return arena_str(a, text, len);
}

static void uuid_of(ormc_uuid *u, uint64_t hi, uint64_t lo)
{
    for (int k = 0; k < 8; k++) {
        u->bytes[k] = (uint8_t)(hi >> (56 - 8 * k));
        u->bytes[8 + k] = (uint8_t)(lo >> (56 - 8 * k));
    }
}

/* A value distinct per seq (COL_NUMBERED). */
static void numbered_value(arena *a, const ormc_column *c, int ci, uint64_t seq,
                           ormc_param *v)
{
    switch (c->type) {
    case ORMC_TYPE_INTEGER:
        v->u.i32 = (int32_t)(seq % INT32_MAX);
        break;
    case ORMC_TYPE_BIGINT:
        v->u.i64 = (int64_t)(seq % INT64_MAX);
        break;
    case ORMC_TYPE_DOUBLE:
        v->u.f64 = (double)seq;
        break;
    case ORMC_TYPE_TEXT:
        v->u.text = numbered_text(a, c, seq);
        break;
    case ORMC_TYPE_JSON: {
        char json[40];
        int n = snprintf(json, sizeof json, "{\"seq\": %llu}",
                         (unsigned long long)seq);
        v->u.text = arena_str(a, json, (size_t)n);
        break;
    }
    case ORMC_TYPE_BLOB: {
        char *bytes = arena_alloc(a, 8);
        if (bytes != NULL)
            for (int k = 0; k < 8; k++)
                bytes[k] = (char)(uint8_t)(seq >> (56 - 8 * k));
        v->u.blob.data = bytes != NULL ? bytes : "";
        v->u.blob.len = bytes != NULL ? 8 : 0;
        break;
    }
    case ORMC_TYPE_TIMESTAMP:
        v->u.time = FILL_EPOCH_US + (ormc_time)(seq & UINT32_MAX) * 1000000;
        break;
    case ORMC_TYPE_UUID:
        /* version 8 (RFC 9562): "ormc", the column's index, seq */
        uuid_of(&v->u.uuid,
                UINT64_C(0x6f726d6300008000) | ((uint64_t)(ci & 0xffff) << 16),
                UINT64_C(0x8000000000000000) |
                    (seq & UINT64_C(0x3fffffffffffffff)));
        break;
    case ORMC_TYPE_BOOLEAN:
    case ORMC_TYPE_ENUM:
        break; /* never numbered */
    }
}

/* A drawn value (COL_FREE): h is the hash of (seed, table, column, seq). */
static void drawn_value(arena *a, const ormc_column *c, uint64_t h,
                        ormc_param *v)
{
    switch (c->type) {
    case ORMC_TYPE_INTEGER:
        v->u.i32 = (int32_t)(1 + h % 100000);
        break;
    case ORMC_TYPE_BIGINT:
        v->u.i64 = (int64_t)(1 + h % 1000000000);
        break;
    case ORMC_TYPE_DOUBLE:
        /* eighths: exact in binary and in a short decimal */
        v->u.f64 = (double)(h % 8000000) / 8.0;
        break;
    case ORMC_TYPE_BOOLEAN:
        v->u.b = ((h >> 17) & 1) != 0;
        break;
    case ORMC_TYPE_TEXT:
        v->u.text = drawn_text(a, c, h);
        break;
    case ORMC_TYPE_JSON: {
        char json[64];
        int n = snprintf(json, sizeof json, "{\"n\": %u, \"tag\": \"%s\"}",
                         (unsigned)((h >> 8) % 1000), WORDS[h & 31]);
        v->u.text = arena_str(a, json, (size_t)n);
        break;
    }
    case ORMC_TYPE_BLOB: {
        size_t len = 4 + (size_t)(h % 13);
        char *bytes = arena_alloc(a, len);
        uint64_t x = h;
        for (size_t k = 0; bytes != NULL && k < len; k++) {
            if (k % 8 == 0)
                x = mix(x);
            bytes[k] = (char)(uint8_t)(x >> (8 * (k % 8)));
        }
        v->u.blob.data = bytes != NULL ? bytes : "";
        v->u.blob.len = bytes != NULL ? len : 0;
        break;
    }
    case ORMC_TYPE_TIMESTAMP:
        v->u.time = FILL_EPOCH_US + (ormc_time)(h % (uint64_t)FILL_SPAN_US);
        break;
    case ORMC_TYPE_UUID: {
        /* version 4, variant 10 */
        uint64_t lo = mix(h);
        uuid_of(&v->u.uuid, (h & ~UINT64_C(0xf000)) | UINT64_C(0x4000),
                (lo & ~(UINT64_C(3) << 62)) | (UINT64_C(2) << 62));
        break;
    }
    case ORMC_TYPE_ENUM:
        v->u.i32 = c->n_enum_values > 0 ? (int32_t)(h % c->n_enum_values) : 0;
        break;
    }
}

/* Parent row of foreign key j of table ti for its row k, in *pk; false
 * when the key is NULL. */
static bool pick_parent(const plan *p, int ti, uint16_t j, uint64_t k,
                        uint64_t *pk)
{
    const fill_table *ft = &p->tables[ti];
    const fill_fk *f = &ft->fks[j];
    uint64_t seq = ft->base + k + 1;
    uint64_t np = f->parent >= 0 ? p->tables[f->parent].n : 0;
    switch (f->kind) {
    case FK_SELF:
        if (k == 0) {
            *pk = 0;
            return !f->nullable;
        }
        *pk = hash4(p->seed, (uint64_t)ti, 1000u + j, seq) % k;
        return true;
    case FK_ONE:
        *pk = k;
        return k < np;
    case FK_SPREAD:
        *pk = k % np;
        return true;
    case FK_PAIRED: {
        uint64_t n0 = p->tables[ft->fks[ft->spread].parent].n;
        uint64_t rank = k / n0;
        if (rank >= np)
            return false;
        uint64_t off = hash4(p->seed, (uint64_t)ti, 2000u + j, k % n0) % np;
        *pk = (rank + off) % np;
        return true;
    }
    case FK_RANDOM:
        *pk = hash4(p->seed, (uint64_t)ti, 3000u + j, seq) % np;
        return true;
    default:
        return false;
    }
}

/* The value of column ci of row k of table ti. */
static int column_value(plan *p, int ti, int ci, uint64_t k, arena *a,
                        ormc_param *v, int depth)
{
    const fill_table *ft = &p->tables[ti];
    const ormc_column *c = &ft->t->columns[ci];
    const fill_col *fc = &ft->cols[ci];
    uint64_t seq = ft->base + k + 1;
    memset(v, 0, sizeof *v);
    v->type = c->type;
    switch (fc->kind) {
    case COL_REF: {
        const fill_fk *f = &ft->fks[fc->fk];
        uint64_t pk;
        if (depth >= MAX_DEPTH)
            return plan_error(p, "%s.%s: references nested too deep",
                              ft->t->name, c->name);
        if (!pick_parent(p, ti, fc->fk, k, &pk)) {
            v->is_null = true;
            return ORMC_OK;
        }
        const ormc_foreign_key *fk = &ft->t->foreign_keys[fc->fk];
        int rc = column_value(p, f->parent, fk->parent_columns[fc->pos], pk, a,
                              v, depth + 1);
        v->type = c->type;
        return rc;
    }
    case COL_SERIAL:
        if (c->type == ORMC_TYPE_INTEGER)
            v->u.i32 = (int32_t)(seq % INT32_MAX);
        else
            v->u.i64 = (int64_t)(seq % INT64_MAX);
        return ORMC_OK;
    case COL_RANK: {
        uint64_t n0 = p->tables[ft->fks[ft->spread].parent].n;
        uint64_t rank = (n0 ? k / n0 : k) + 1;
        if (c->type == ORMC_TYPE_INTEGER)
            v->u.i32 = (int32_t)(rank % INT32_MAX);
        else
            v->u.i64 = (int64_t)rank;
        return ORMC_OK;
    }
    case COL_NUMBERED:
        numbered_value(a, c, ci, seq, v);
        return ORMC_OK;
    case COL_COMBO: {
        if (fc->null_past && seq - 1 >= fc->combos) {
            v->is_null = true;
            return ORMC_OK;
        }
        uint32_t digit = (uint32_t)((seq - 1) / fc->radix % fc->card);
        if (c->type == ORMC_TYPE_BOOLEAN)
            v->u.b = digit != 0;
        else
            v->u.i32 = (int32_t)digit;
        return ORMC_OK;
    }
    default: {
        uint64_t h = hash4(p->seed, (uint64_t)ti, (uint64_t)ci, seq);
        if (!(c->flags & ORMC_COL_NOT_NULL) && !fc->keyed && mix(h) % 8 == 0) {
            v->is_null = true;
            return ORMC_OK;
        }
        drawn_value(a, c, h, v);
        return ORMC_OK;
    }
    }
}

/* === Storing into a live database === */

/* Write v into column c of a zeroed row. */
static void store(const ormc_column *c, void *row, const ormc_param *v)
{
    char *f = ORMC__FIELD(row, c->offset);
    if (!v->is_null) {
        switch (c->type) {
        case ORMC_TYPE_INTEGER:
        case ORMC_TYPE_ENUM:
            memcpy(f, &v->u.i32, sizeof v->u.i32);
            break;
        case ORMC_TYPE_BIGINT:
            memcpy(f, &v->u.i64, sizeof v->u.i64);
            break;
        case ORMC_TYPE_DOUBLE:
            memcpy(f, &v->u.f64, sizeof v->u.f64);
            break;
        case ORMC_TYPE_BOOLEAN:
            memcpy(f, &v->u.b, sizeof v->u.b);
            break;
        case ORMC_TYPE_TEXT:
        case ORMC_TYPE_JSON:
            memcpy(f, &v->u.text, sizeof v->u.text);
            break;
        case ORMC_TYPE_BLOB:
            memcpy(f, &v->u.blob, sizeof v->u.blob);
            break;
        case ORMC_TYPE_TIMESTAMP:
            memcpy(f, &v->u.time, sizeof v->u.time);
            break;
        case ORMC_TYPE_UUID:
            memcpy(f, &v->u.uuid, sizeof v->u.uuid);
            break;
        }
    }
    /* NULL: the zeroed field (a NULL pointer) and has_ false */
    if (c->has_offset != ORMC_NO_HAS) {
        bool has = !v->is_null;
        memcpy(ORMC__FIELD(row, c->has_offset), &has, sizeof has);
    }
}

/* Run sql (one row expected) and keep in *max the largest integer among
 * its values (NULLs and negatives read as 0). Through the session layer,
 * as the engine's own statements. */
static int run_max(ormc_db *db, const char *sql, const ormc_param *params,
                   size_t n, uint64_t *max)
{
    ormc__stmt *st;
    *max = 0;
    int rc = ormc__stmt_prepare(db, sql, &st);
    if (rc != ORMC_OK)
        return rc;
    st->binary = false; /* every value as text: count, max of any width */
    rc = ormc__stmt_bind_params(st, params, n);
    while (rc == ORMC_OK && (rc = ormc__stmt_step(st)) == ORMC_ROW) {
        rc = ORMC_OK;
        int n_cols = ormc__stmt_columns(st);
        for (int c = 0; c < n_cols && rc == ORMC_OK; c++) {
            ormc_param v;
            rc = ormc__stmt_value(st, c, ORMC_TYPE_TEXT, &v);
            if (rc == ORMC_OK && !v.is_null && v.u.text[0] != '-') {
                uint64_t x = strtoull(v.u.text, NULL, 10);
                if (x > *max)
                    *max = x;
            }
        }
    }
    ormc__stmt_release(st);
    return rc == ORMC_DONE ? ORMC_OK : rc;
}

/* The numbers of the rows already in table t: its row count, or the
 * largest value of its serial and numbered integer keys when larger. */
static int live_base(ormc_db *db, const ormc_table *t, const fill_col *cols,
                     uint64_t *base)
{
    ormc__buf b;
    ormc__buf_init(&b, NULL, 0);
    ormc__buf_puts(&b, "SELECT count(*)");
    for (int c = 0; c < t->n_columns; c++) {
        bool integral = t->columns[c].type == ORMC_TYPE_INTEGER ||
                        t->columns[c].type == ORMC_TYPE_BIGINT;
        if (integral &&
            (cols[c].kind == COL_SERIAL || cols[c].kind == COL_NUMBERED)) {
            ormc__buf_puts(&b, ", max(");
            ormc__buf_put_ident(&b, t->columns[c].sql_name);
            ormc__buf_puts(&b, ")");
        }
    }
    ormc__buf_puts(&b, " FROM ");
    ormc__buf_put_ident(&b, t->sql_name);
    int rc = b.failed ? ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory")
                      : run_max(db, b.data, NULL, 0, base);
    ormc__buf_free(&b);
    return rc;
}

/* PostgreSQL: move the sequence of each serial key of t past its rows
 * (no sequence, as on a table another tool made: nothing to move). */
static int move_sequences(ormc_db *db, const ormc_table *t,
                          const fill_col *cols)
{
    int rc = ORMC_OK;
    for (int c = 0; c < t->n_columns && rc == ORMC_OK; c++) {
        if (cols[c].kind != COL_SERIAL)
            continue;
        ormc__buf b, quoted;
        ormc__buf_init(&b, NULL, 0);
        ormc__buf_init(&quoted, NULL, 0);
        ormc__buf_puts(&b, "SELECT setval(pg_get_serial_sequence($1, $2), "
                           "(SELECT max(");
        ormc__buf_put_ident(&b, t->columns[c].sql_name);
        ormc__buf_puts(&b, ") FROM ");
        ormc__buf_put_ident(&b, t->sql_name);
        ormc__buf_puts(&b, "))");
        ormc__buf_put_ident(&quoted, t->sql_name);
        if (b.failed || quoted.failed) {
            rc = ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        } else {
            ormc_param params[2] = {
                {.type = ORMC_TYPE_TEXT, .u.text = quoted.data},
                {.type = ORMC_TYPE_TEXT, .u.text = t->columns[c].sql_name},
            };
            uint64_t ignored;
            rc = run_max(db, b.data, params, 2, &ignored);
        }
        ormc__buf_free(&b);
        ormc__buf_free(&quoted);
    }
    return rc;
}

static int fill_table_live(ormc_db *db, plan *p, int ti)
{
    const fill_table *ft = &p->tables[ti];
    const ormc_table *t = ft->t;
    size_t batch = ft->n < FILL_BATCH ? (size_t)ft->n : FILL_BATCH;
    char *rows = calloc(batch, t->row_size);
    if (rows == NULL)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    arena a = {NULL, false};
    int rc = ORMC_OK;
    for (uint64_t first = 0; first < ft->n && rc == ORMC_OK; first += batch) {
        size_t m = ft->n - first < batch ? (size_t)(ft->n - first) : batch;
        memset(rows, 0, m * t->row_size);
        for (size_t r = 0; r < m && rc == ORMC_OK; r++) {
            void *row = rows + r * t->row_size;
            for (int c = 0; c < t->n_columns && rc == ORMC_OK; c++) {
                ormc_param v;
                rc = column_value(p, ti, c, first + r, &a, &v, 0);
                if (rc == ORMC_OK)
                    store(&t->columns[c], row, &v);
            }
        }
        if (rc != ORMC_OK)
            rc = ormc__error(db, rc, NULL, NULL, "%s", p->err);
        else if (a.failed)
            rc = ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        else
            rc = ormc_row_insert_many(db, t, rows, m);
        arena_free(&a);
    }
    free(rows);
    if (rc == ORMC_OK && db->backend == ORMC_POSTGRES && ft->n > 0)
        rc = move_sequences(db, t, ft->cols);
    return rc;
}

static int fill_live(ormc_db *db, plan *p)
{
    int rc = ORMC_OK;
    for (int ti = 0; ti < p->s->n_tables && rc == ORMC_OK; ti++)
        if (p->tables[ti].n > 0)
            rc = live_base(db, p->tables[ti].t, p->tables[ti].cols,
                           &p->tables[ti].base);
    /* the combinations left after the rows already there */
    for (int ti = 0; ti < p->s->n_tables && rc == ORMC_OK; ti++)
        if (p->tables[ti].n > 0 && plan_combos(p, &p->tables[ti]) != ORMC_OK)
            rc = ormc__error(db, ORMC_INVALID, NULL, NULL, "fill: %s", p->err);
    for (int ti = 0; ti < p->s->n_tables && rc == ORMC_OK; ti++)
        if (p->tables[ti].n > 0)
            rc = fill_table_live(db, p, ti);
    return rc;
}

int ormc_schema_fill(ormc_db *db, const ormc_schema *s, const size_t *counts,
                     size_t n_counts, uint64_t seed)
{
    if (db == NULL)
        return ORMC_INVALID;
    ormc__clear_error(db);
    plan p;
    int rc = plan_make(&p, s, counts, n_counts, seed);
    if (rc != ORMC_OK) {
        plan_free(&p);
        return rc == ORMC_NOMEM
                   ? ormc__error(db, rc, NULL, NULL, "out of memory")
                   : ormc__error(db, rc, NULL, NULL, "fill: %s", p.err);
    }
    /* All or nothing: a savepoint in the caller's transaction, else a
     * transaction of its own (in PEP 249 mode its implicit one is opened
     * first, as any statement would). */
    if (db->tx_depth == 0 && !db->cfg.autocommit) {
        rc = ormc__ensure_connected(db);
        if (rc == ORMC_OK)
            rc = ormc__tx_before_statement(db);
    }
    if (rc == ORMC_OK)
        rc = ormc__begin(db, NULL);
    if (rc == ORMC_OK)
        rc = ormc__end_level(db, fill_live(db, &p));
    plan_free(&p);
    return rc;
}

/* === Writing a script === */

/* How a value is written: an SQL literal of SQLite or of PostgreSQL, or a
 * field of PostgreSQL's COPY text format. */
enum form {
    FORM_SQLITE,
    FORM_POSTGRES,
    FORM_COPY
};

/* Text: in quotes (each quote doubled) as a literal; as a COPY field with
 * its backslashes, tabs and line ends escaped. */
static void put_text(ormc__buf *b, const char *s, enum form f)
{
    if (f != FORM_COPY)
        ormc__buf_putc(b, '\'');
    for (; *s; s++) {
        if (f != FORM_COPY) {
            if (*s == '\'')
                ormc__buf_putc(b, '\'');
            ormc__buf_putc(b, *s);
        } else if (*s == '\\' || *s == '\t' || *s == '\n' || *s == '\r') {
            ormc__buf_putc(b, '\\');
            ormc__buf_putc(b, *s == '\t'   ? 't'
                              : *s == '\n' ? 'n'
                              : *s == '\r' ? 'r'
                                           : '\\');
        } else {
            ormc__buf_putc(b, *s);
        }
    }
    if (f != FORM_COPY)
        ormc__buf_putc(b, '\'');
}

static void put_value(ormc__buf *b, const ormc_column *c, const ormc_param *v,
                      enum form f)
{
    char text[64];
    if (v->is_null) {
        ormc__buf_puts(b, f == FORM_COPY ? "\\N" : "NULL");
        return;
    }
    switch (c->type) {
    case ORMC_TYPE_INTEGER:
        snprintf(text, sizeof text, "%ld", (long)v->u.i32);
        ormc__buf_puts(b, text);
        break;
    case ORMC_TYPE_BIGINT:
        snprintf(text, sizeof text, "%lld", (long long)v->u.i64);
        ormc__buf_puts(b, text);
        break;
    case ORMC_TYPE_DOUBLE: {
        /* The values made here are eighths: an exact short decimal,
         * written without printf's locale-dependent point. */
        double x = v->u.f64;
        if (x >= 0 && x < 9e15 && x * 8 == (double)(int64_t)(x * 8)) {
            int64_t eighths = (int64_t)(x * 8);
            snprintf(text, sizeof text, "%lld.%03d", (long long)(eighths / 8),
                     (int)(eighths % 8) * 125);
        } else {
            snprintf(text, sizeof text, "%.17g", x);
        }
        ormc__buf_puts(b, text);
        break;
    }
    case ORMC_TYPE_BOOLEAN:
        ormc__buf_puts(b, f == FORM_SQLITE     ? (v->u.b ? "1" : "0")
                          : f == FORM_POSTGRES ? (v->u.b ? "TRUE" : "FALSE")
                                               : (v->u.b ? "t" : "f"));
        break;
    case ORMC_TYPE_ENUM:
        put_text(b,
                 v->u.i32 >= 0 && (uint32_t)v->u.i32 < c->n_enum_values
                     ? c->enum_values[v->u.i32]
                     : "",
                 f);
        break;
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON:
        put_text(b, v->u.text, f);
        break;
    case ORMC_TYPE_BLOB: {
        static const char hex[] = "0123456789abcdef";
        const unsigned char *x = v->u.blob.data;
        ormc__buf_puts(b, f == FORM_SQLITE     ? "X'"
                          : f == FORM_POSTGRES ? "'\\x"
                                               : "\\\\x");
        for (size_t k = 0; k < v->u.blob.len; k++) {
            ormc__buf_putc(b, hex[x[k] >> 4]);
            ormc__buf_putc(b, hex[x[k] & 15]);
        }
        ormc__buf_puts(b, f == FORM_SQLITE     ? "'"
                          : f == FORM_POSTGRES ? "'::bytea"
                                               : "");
        break;
    }
    case ORMC_TYPE_TIMESTAMP: {
        size_t n = ormc_time_format(v->u.time, text, sizeof text - 4);
        if (f != FORM_SQLITE && (c->flags & ORMC_COL_TZ))
            memcpy(text + n, "+00", 4);
        put_text(b, text, f);
        break;
    }
    case ORMC_TYPE_UUID:
        ormc_uuid_format(&v->u.uuid, text);
        put_text(b, text, f);
        break;
    }
}

typedef struct script {
    ormc__buf b;
    ormc_fill_write_fn write;
    void *ctx;
    bool stopped; /* write refused */
} script;

/* Hand what is buffered to write. */
static void flush(script *w)
{
    if (!w->stopped && !w->b.failed && w->b.len > 0 &&
        w->write(w->ctx, w->b.data, w->b.len) != 0)
        w->stopped = true;
    ormc__buf_clear(&w->b);
}

/* The column list of t: ("a", "b", ...). */
static void put_columns(ormc__buf *b, const ormc_table *t)
{
    ormc__buf_puts(b, " (");
    for (int c = 0; c < t->n_columns; c++) {
        if (c > 0)
            ormc__buf_puts(b, ", ");
        ormc__buf_put_ident(b, t->columns[c].sql_name);
    }
    ormc__buf_puts(b, ")");
}

/* The rows of table ti: on SQLite multi-row INSERTs of SCRIPT_ROWS rows,
 * on PostgreSQL one COPY ... FROM stdin with its rows inline (what psql
 * loads fastest), then a setval per serial key. */
static int script_table(plan *p, int ti, ormc_dialect d, script *w)
{
    const fill_table *ft = &p->tables[ti];
    const ormc_table *t = ft->t;
    bool copy = d == ORMC_DIALECT_POSTGRES;
    arena a = {NULL, false};
    int rc = ORMC_OK;
    if (copy && ft->n > 0) {
        ormc__buf_puts(&w->b, "COPY ");
        ormc__buf_put_ident(&w->b, t->sql_name);
        put_columns(&w->b, t);
        ormc__buf_puts(&w->b, " FROM stdin;\n");
    }
    for (uint64_t k = 0; k < ft->n && rc == ORMC_OK; k++) {
        /* COPY: a line of tab-separated fields; else a tuple */
        if (!copy && k % SCRIPT_ROWS == 0) {
            ormc__buf_puts(&w->b, "INSERT INTO ");
            ormc__buf_put_ident(&w->b, t->sql_name);
            put_columns(&w->b, t);
            ormc__buf_puts(&w->b, " VALUES\n(");
        } else if (!copy) {
            ormc__buf_puts(&w->b, ",\n(");
        }
        for (int c = 0; c < t->n_columns && rc == ORMC_OK; c++) {
            ormc_param v;
            rc = column_value(p, ti, c, k, &a, &v, 0);
            if (c > 0)
                ormc__buf_puts(&w->b, copy ? "\t" : ", ");
            put_value(&w->b, &t->columns[c], &v,
                      copy ? FORM_COPY : FORM_SQLITE);
        }
        if (copy)
            ormc__buf_putc(&w->b, '\n');
        else if (k % SCRIPT_ROWS == SCRIPT_ROWS - 1 || k == ft->n - 1)
            ormc__buf_puts(&w->b, ");\n");
        else
            ormc__buf_putc(&w->b, ')');
        if (a.failed)
            rc = ORMC_NOMEM;
        /* the rows are text now: their strings can go */
        if (k % SCRIPT_ROWS == SCRIPT_ROWS - 1)
            arena_free(&a);
        if (w->b.len >= 65536)
            flush(w);
    }
    if (copy && ft->n > 0)
        ormc__buf_puts(&w->b, "\\.\n");
    arena_free(&a);
    if (rc != ORMC_OK || d != ORMC_DIALECT_POSTGRES || ft->n == 0)
        return rc;
    for (int c = 0; c < t->n_columns; c++) {
        if (ft->cols[c].kind != COL_SERIAL)
            continue;
        ormc__buf q;
        ormc__buf_init(&q, NULL, 0);
        ormc__buf_put_ident(&q, t->sql_name);
        ormc__buf_puts(&w->b, "SELECT setval(pg_get_serial_sequence('");
        for (const char *s = q.failed ? "" : q.data; *s; s++) {
            if (*s == '\'')
                ormc__buf_putc(&w->b, '\'');
            ormc__buf_putc(&w->b, *s);
        }
        ormc__buf_free(&q);
        ormc__buf_puts(&w->b, "', '");
        for (const char *s = t->columns[c].sql_name; *s; s++) {
            if (*s == '\'')
                ormc__buf_putc(&w->b, '\'');
            ormc__buf_putc(&w->b, *s);
        }
        ormc__buf_puts(&w->b, "'), (SELECT max(");
        ormc__buf_put_ident(&w->b, t->columns[c].sql_name);
        ormc__buf_puts(&w->b, ") FROM ");
        ormc__buf_put_ident(&w->b, t->sql_name);
        ormc__buf_puts(&w->b, "));\n");
    }
    return ORMC_OK;
}

int ormc_schema_fill_sql(const ormc_schema *s, const size_t *counts,
                         size_t n_counts, uint64_t seed, ormc_dialect d,
                         ormc_fill_write_fn write, void *ctx, char *err,
                         size_t err_len)
{
    if (err != NULL && err_len > 0)
        err[0] = '\0';
    plan p;
    int rc = ORMC_OK;
    if (write == NULL ||
        (d != ORMC_DIALECT_SQLITE && d != ORMC_DIALECT_POSTGRES)) {
        memset(&p, 0, sizeof p);
        rc = plan_error(&p, "no writer or an unknown dialect given");
    } else {
        rc = plan_make(&p, s, counts, n_counts, seed);
    }
    script w = {.write = write, .ctx = ctx};
    ormc__buf_init(&w.b, NULL, 0);
    if (rc == ORMC_OK) {
        ormc__buf_puts(&w.b, "BEGIN;\n");
        for (int ti = 0; ti < s->n_tables && rc == ORMC_OK; ti++)
            rc = script_table(&p, ti, d, &w);
        ormc__buf_puts(&w.b, "COMMIT;\n");
        if (rc == ORMC_OK && w.b.failed)
            rc = ORMC_NOMEM;
        if (rc == ORMC_OK)
            flush(&w);
        if (rc == ORMC_OK && w.stopped)
            rc = plan_error(&p, "the script could not be written");
    }
    if (rc == ORMC_NOMEM)
        snprintf(p.err, sizeof p.err, "out of memory");
    if (rc != ORMC_OK && err != NULL && err_len > 0)
        snprintf(err, err_len, "%s", p.err);
    ormc__buf_free(&w.b);
    plan_free(&p);
    return rc;
}
