/*
 * list.c: rows compared, sorted and searched by the values of some of
 * their columns (list.h): ormc_list_sort and ormc_list_find, and what the
 * relation loaders (relation.c) sort and deduplicate keys with.
 *
 * The comparison reads the fields straight from the row structs by their
 * descriptors, without making parameters of them: it runs n log n times
 * per sort. The order is the bytes' (strcmp), not a database collation's,
 * so that it is the same on both backends and binary search agrees with
 * it whatever order the database returned the rows in.
 */
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "list.h"

/* Column c of row is NULL (fields.h's ormc__col_is_null, inline here). */
static inline bool value_is_null(const ormc_column *c, const void *row)
{
    if (!ormc__col_has(c, row))
        return true;
    const char *f = ORMC__FIELD(row, c->offset);
    if (c->type == ORMC_TYPE_TEXT || c->type == ORMC_TYPE_JSON ||
        c->type == ORMC_TYPE_BLOB) {
        const void *p; /* a text, or a blob's data: first in the field */
        memcpy(&p, f, sizeof p);
        return p == NULL;
    }
    return false;
}

#define CMP(x, y) (((x) > (y)) - ((x) < (y)))

/* Column ca of a against column cb of b (the same type). */
static inline int compare_value(const ormc_column *ca, const void *a,
                                const ormc_column *cb, const void *b)
{
    bool na = value_is_null(ca, a), nb = value_is_null(cb, b);
    if (na || nb)
        return (int)nb - (int)na; /* NULL first */
    const char *fa = ORMC__FIELD(a, ca->offset);
    const char *fb = ORMC__FIELD(b, cb->offset);
    switch (ca->type) {
    case ORMC_TYPE_BIGINT:
    case ORMC_TYPE_TIMESTAMP: {
        int64_t x, y;
        memcpy(&x, fa, sizeof x);
        memcpy(&y, fb, sizeof y);
        return CMP(x, y);
    }
    case ORMC_TYPE_INTEGER:
    case ORMC_TYPE_ENUM: { /* an enum's C value is its index, int-sized */
        int32_t x, y;
        memcpy(&x, fa, sizeof x);
        memcpy(&y, fb, sizeof y);
        return CMP(x, y);
    }
    case ORMC_TYPE_DOUBLE: {
        double x, y;
        memcpy(&x, fa, sizeof x);
        memcpy(&y, fb, sizeof y);
        return CMP(x, y);
    }
    case ORMC_TYPE_BOOLEAN: {
        bool x, y;
        memcpy(&x, fa, sizeof x);
        memcpy(&y, fb, sizeof y);
        return CMP(x, y);
    }
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON: {
        const char *x, *y;
        memcpy(&x, fa, sizeof x);
        memcpy(&y, fb, sizeof y);
        int r = strcmp(x, y);
        return CMP(r, 0);
    }
    case ORMC_TYPE_BLOB: {
        ormc_blob x, y;
        memcpy(&x, fa, sizeof x);
        memcpy(&y, fb, sizeof y);
        if (x.len != y.len)
            return CMP(x.len, y.len);
        int r = x.len ? memcmp(x.data, y.data, x.len) : 0;
        return CMP(r, 0);
    }
    case ORMC_TYPE_UUID: {
        int r = memcmp(fa, fb, sizeof(ormc_uuid));
        return CMP(r, 0);
    }
    }
    return 0;
}

int ormc__compare_rows(const ormc__row_key *ka, const void *a,
                       const ormc__row_key *kb, const void *b)
{
    for (uint16_t i = 0; i < ka->n; i++) {
        int r = compare_value(&ka->t->columns[ka->cols[i]], a,
                              &kb->t->columns[kb->cols[i]], b);
        if (r != 0)
            return r;
    }
    return 0;
}

bool ormc__key_has_null(const ormc__row_key *k, const void *row)
{
    for (uint16_t i = 0; i < k->n; i++)
        if (value_is_null(&k->t->columns[k->cols[i]], row))
            return true;
    return false;
}

/* === Sorting === */

static inline int cmp_same(const ormc__row_key *k, const void *a, const void *b)
{
    return ormc__compare_rows(k, a, k, b);
}

/* A row's integer key as an unsigned number in the same order (the sign
 * bit flipped), and the row. */
typedef struct int_key {
    uint64_t key;
    const void *row;
} int_key;

/* Whether column c holds an integer that radix_sort can order by. */
static bool integer_valued(const ormc_column *c)
{
    switch (c->type) {
    case ORMC_TYPE_INTEGER:
    case ORMC_TYPE_BIGINT:
    case ORMC_TYPE_TIMESTAMP:
    case ORMC_TYPE_ENUM:
    case ORMC_TYPE_BOOLEAN:
        return true;
    default:
        return false;
    }
}

static inline uint64_t int_key_of(const ormc_column *c, const void *row)
{
    const char *f = ORMC__FIELD(row, c->offset);
    int64_t v;
    switch (c->type) {
    case ORMC_TYPE_BIGINT:
    case ORMC_TYPE_TIMESTAMP:
        memcpy(&v, f, sizeof v);
        break;
    case ORMC_TYPE_BOOLEAN: {
        bool b;
        memcpy(&b, f, sizeof b);
        v = b;
        break;
    }
    default: {
        int32_t i;
        memcpy(&i, f, sizeof i);
        v = i;
    }
    }
    return (uint64_t)v ^ (UINT64_C(1) << 63);
}

/*
 * The common key, one integer column (a serial id): an LSD radix sort,
 * stable, a byte per pass, skipping the bytes no two keys differ in (for
 * ids below 65,536 two passes). Some times faster than comparing: the
 * loaders sort every child's key. NULLs first, in their order. false
 * (rows untouched) when out of memory.
 */
static bool radix_sort(const void **rows, size_t n, const ormc_column *c)
{
    int_key *a = malloc(2 * n * sizeof *a);
    if (a == NULL)
        return false;
    int_key *b = a + n;
    size_t nulls = 0, m = 0;
    uint64_t first = 0, differ = 0;
    for (size_t i = 0; i < n; i++) {
        if (value_is_null(c, rows[i])) {
            rows[nulls++] = rows[i]; /* nulls <= i: not read again */
            continue;
        }
        uint64_t key = int_key_of(c, rows[i]);
        if (m == 0)
            first = key;
        differ |= key ^ first;
        a[m].key = key;
        a[m++].row = rows[i];
    }
    for (unsigned shift = 0; shift < 64; shift += 8) {
        if (((differ >> shift) & 0xff) == 0)
            continue;
        size_t count[256] = {0};
        for (size_t i = 0; i < m; i++)
            count[(a[i].key >> shift) & 0xff]++;
        size_t at = 0;
        for (int d = 0; d < 256; d++) {
            size_t here = count[d];
            count[d] = at;
            at += here;
        }
        for (size_t i = 0; i < m; i++)
            b[count[(a[i].key >> shift) & 0xff]++] = a[i];
        int_key *swap = a;
        a = b;
        b = swap;
    }
    for (size_t i = 0; i < m; i++)
        rows[nulls + i] = a[i].row;
    free(a < b ? a : b); /* the block's start */
    return true;
}

/* Runs this long are sorted by insertion before merging. */
#define RUN 16

void ormc__sort_ptrs(const void **rows, const void **tmp, size_t n,
                     const ormc__row_key *k)
{
    size_t i;
    for (i = 1; i < n && cmp_same(k, rows[i - 1], rows[i]) <= 0; i++) {}
    if (i >= n)
        return; /* in order already: the usual case of a key's index scan */
    if (k->n == 1 && n > RUN && integer_valued(&k->t->columns[k->cols[0]]) &&
        radix_sort(rows, n, &k->t->columns[k->cols[0]]))
        return;
    for (size_t lo = 0; lo < n; lo += RUN) {
        size_t hi = lo + RUN < n ? lo + RUN : n;
        for (size_t j = lo + 1; j < hi; j++) {
            const void *x = rows[j];
            size_t m = j;
            for (; m > lo && cmp_same(k, rows[m - 1], x) > 0; m--)
                rows[m] = rows[m - 1];
            rows[m] = x;
        }
    }
    /* Bottom-up merges, back and forth between rows and tmp; ties take the
     * left run's row first, which keeps the sort stable. */
    const void **from = rows, **to = tmp;
    for (size_t width = RUN; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                to[o++] =
                    cmp_same(k, from[b], from[a]) < 0 ? from[b++] : from[a++];
            while (a < mid)
                to[o++] = from[a++];
            while (b < hi)
                to[o++] = from[b++];
        }
        const void **swap = from;
        from = to;
        to = swap;
    }
    if (from != rows)
        memcpy(rows, from, n * sizeof *rows);
}

int ormc__list_sort(void *items, size_t count, const ormc__row_key *k)
{
    size_t size = k->t->row_size;
    char *base = items;
    size_t i;
    for (i = 1;
         i < count && cmp_same(k, base + (i - 1) * size, base + i * size) <= 0;
         i++) {}
    if (i >= count)
        return ORMC_OK;
    /* Sort pointers, then move each row once into a copy in order: rows
     * own their data through a pointer, so moving their bytes is safe. */
    size_t ptr_bytes = 2 * count * sizeof(void *);
    size_t align = sizeof(max_align_t);
    size_t rows_at = (ptr_bytes + align - 1) / align * align;
    if (count > (SIZE_MAX - rows_at) / size)
        return ORMC_NOMEM;
    char *mem = malloc(rows_at + count * size);
    if (mem == NULL)
        return ORMC_NOMEM;
    const void **ptrs = (const void **)(void *)mem;
    char *sorted = mem + rows_at;
    for (i = 0; i < count; i++)
        ptrs[i] = base + i * size;
    ormc__sort_ptrs(ptrs, ptrs + count, count, k);
    for (i = 0; i < count; i++)
        memcpy(sorted + i * size, ptrs[i], size);
    memcpy(base, sorted, count * size);
    free(mem);
    return ORMC_OK;
}

/* Out of memory: a stable insertion sort in place, swapping adjacent rows
 * byte by byte (slow, but it needs nothing). */
static void sort_in_place(char *base, size_t count, const ormc__row_key *k)
{
    size_t size = k->t->row_size;
    for (size_t j = 1; j < count; j++) {
        for (size_t m = j;
             m > 0 && cmp_same(k, base + (m - 1) * size, base + m * size) > 0;
             m--) {
            char *x = base + (m - 1) * size, *y = base + m * size;
            for (size_t b = 0; b < size; b++) {
                char c = x[b];
                x[b] = y[b];
                y[b] = c;
            }
        }
    }
}

/* The columns are usable for t: 1 to 64 indexes in range. */
static bool key_valid(const ormc_table *t, const uint16_t *columns, uint16_t n)
{
    if (t == NULL || t->columns == NULL || t->row_size == 0 ||
        columns == NULL || n == 0 || n > 64)
        return false;
    for (uint16_t i = 0; i < n; i++)
        if (columns[i] >= t->n_columns)
            return false;
    return true;
}

void ormc_list_sort(const ormc_table *t, void *items, size_t count,
                    const uint16_t *columns, uint16_t n_columns)
{
    if (items == NULL || count < 2 || !key_valid(t, columns, n_columns))
        return;
    ormc__row_key k = {t, columns, n_columns};
    if (ormc__list_sort(items, count, &k) != ORMC_OK)
        sort_in_place(items, count, &k);
}

/*
 * ormc_list_find's common case, one integer column (a serial id) and a key
 * that is not NULL: the key read once, each probe an integer comparison
 * (the generated _list_find runs once per row of the other list). A NULL
 * row sorts first: below every key.
 */
static const void *find_integer(const char *base, size_t count, size_t size,
                                const ormc_column *c, const void *key_row)
{
    uint64_t key = int_key_of(c, key_row);
    size_t lo = 0, hi = count; /* the first row not before the key */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *row = base + mid * size;
        if (value_is_null(c, row) || int_key_of(c, row) < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < count && !value_is_null(c, base + lo * size) &&
        int_key_of(c, base + lo * size) == key)
        return base + lo * size;
    return NULL;
}

const void *ormc_list_find(const ormc_table *t, const void *items, size_t count,
                           const uint16_t *columns, uint16_t n_columns,
                           const void *key_row)
{
    if (items == NULL || key_row == NULL || !key_valid(t, columns, n_columns))
        return NULL;
    ormc__row_key k = {t, columns, n_columns};
    const char *base = items;
    const ormc_column *c = &t->columns[columns[0]];
    if (n_columns == 1 && integer_valued(c) && !value_is_null(c, key_row))
        return find_integer(base, count, t->row_size, c, key_row);
    size_t lo = 0, hi = count; /* the first row not before key_row */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_same(&k, base + mid * t->row_size, key_row) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < count && cmp_same(&k, base + lo * t->row_size, key_row) == 0)
        return base + lo * t->row_size;
    return NULL;
}
