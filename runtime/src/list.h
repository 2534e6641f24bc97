/*
 * list.h: list.c's calls for the engine: rows compared by the values of
 * some of their columns, and sorted or searched by them.
 *
 * A row key names columns of one table, in the order they are compared.
 * Values compare by their column's type: integers, timestamps and doubles
 * by value, booleans false first, text and JSON by their bytes (strcmp),
 * blobs by length and then bytes, UUIDs by their bytes, enums by their
 * index; a NULL comes before every value and equals NULL.
 */
#ifndef ORMC_LIST_H
#define ORMC_LIST_H

#include "ormc_int.h"

/* Columns cols[0..n-1] of table t, compared in that order. */
typedef struct ormc__row_key {
    const ormc_table *t;
    const uint16_t *cols;
    uint16_t n;
} ormc__row_key;

/* <0, 0, >0 as row a (read through ka) is before, equal to or after row b
 * (read through kb); ka and kb have the same n and column types. */
int ormc__compare_rows(const ormc__row_key *ka, const void *a,
                       const ormc__row_key *kb, const void *b);

/* True when a column of k is NULL in row. */
bool ormc__key_has_null(const ormc__row_key *k, const void *row);

/* Sort the n row pointers at rows by k, stably; tmp has room for n
 * pointers (scratch). */
void ormc__sort_ptrs(const void **rows, const void **tmp, size_t n,
                     const ormc__row_key *k);

/* Sort the count rows of t at items by k, stably: ORMC_OK or ORMC_NOMEM
 * (the rows left as they were). Rows already in order cost one pass and
 * no allocation. */
int ormc__list_sort(void *items, size_t count, const ormc__row_key *k);

#endif /* ORMC_LIST_H */
