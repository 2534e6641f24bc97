/*
 * validate.h: validate.c's calls for the engine: the checks of a row's
 * values before a write sends them.
 */
#ifndef ORMC_VALIDATE_H
#define ORMC_VALIDATE_H

#include "ormc_int.h"

/* The first instant both backends store: 4714-11-24 00:00:00 UTC BC
 * (proleptic Gregorian, PostgreSQL's lower bound), in ormc_time. The upper
 * bound is the type's own, INT64_MAX, which both store and read back. */
#define ORMC__TIME_MIN INT64_C(-210866803200000000)

/* The columns of t whose values a write must check (text, json, enum,
 * double, timestamp, and NOT NULL columns that can hold a NULL): computed
 * once per table and connection (ormc__table_sets.checked). */
ormc_colset ormc__checked_columns(const ormc_table *t);

/*
 * The checks of ormc_row_validate on the columns `cols & checked` of row,
 * as a write about to send them: a NULL in a NOT NULL column is refused
 * too (a write never sends the columns the database fills). ORMC_OK, or
 * ORMC_INVALID recorded on db with "table.column: why" (with "row N: "
 * before why when `many`, N being row_no), the column as the error's
 * constraint, and the SQLSTATE PostgreSQL gives the same fault (22001,
 * 22021, 22P02, 22008, 23502; 22023 for NaN). Sends nothing.
 */
int ormc__row_check(ormc_db *db, const ormc_table *t, const void *row,
                    ormc_colset cols, ormc_colset checked, size_t row_no,
                    bool many);

/*
 * A row about to be inserted, as ormc_row_insert and a batch's insert make
 * it ready: the now-defaulted columns the application fills
 * (server_default = false) set in the row itself, as the database's
 * default would have come back into it; *cols the columns the INSERT
 * sends, *back those it reads back; the row checked. ORMC_OK or the
 * check's ORMC_INVALID.
 */
int ormc__insert_ready(ormc_db *db, const ormc_table *t, void *row,
                       ormc_colset *cols, ormc_colset *back);

#endif /* ORMC_VALIDATE_H */
