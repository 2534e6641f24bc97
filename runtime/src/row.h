/*
 * row.h: row.c's calls for the engine: a row struct's columns bound as a
 * statement's parameters, and a result row decoded into one.
 */
#ifndef ORMC_ROW_H
#define ORMC_ROW_H

#include "ormc_int.h"

/* Set $1..$n from the columns in `cols` of row (a struct of t), in column
 * order; popcount(cols) must equal the statement's parameter count. */
int ormc__stmt_bind_row(ormc__stmt *st, const ormc_table *t, const void *row,
                        ormc_colset cols);

/* Decode the current row into row (a struct of t): every column of t,
 * in order, fields and has_ flags. own: copy text/json/blob into one
 * allocation kept in the row's ormc_owned field; !own: borrow them from
 * the driver (valid until the next step). The row is overwritten without
 * being freed first. */
int ormc__stmt_decode_row(ormc__stmt *st, const ormc_table *t, void *row,
                          bool own);

/* Every remaining row of st into a new array of t's rows (each owning its
 * data; free with ormc_list_free), then st released, whatever happens.
 * ORMC_OK with *items and *count, or an error with nothing kept. */
int ormc__stmt_read_all(ormc__stmt *st, const ormc_table *t, void **items,
                        size_t *count);

/* Every remaining row of st appended to *items, an array of *count rows
 * of t with room for *cap (grown as needed; *items may be NULL with both
 * 0), then st released, whatever happens. ORMC_OK, or an error with the
 * rows appended so far kept in *items and *count (the caller frees them
 * with ormc_list_free). */
int ormc__stmt_read_into(ormc__stmt *st, const ormc_table *t, char **items,
                         size_t *count, size_t *cap);

#endif /* ORMC_ROW_H */
