/*
 * colsets.h: colsets.c's calls for the engine: the column sets of a table
 * that the writes need on every call (ormc__table_sets, which struct
 * ormc_db holds).
 */
#ifndef ORMC_COLSETS_H
#define ORMC_COLSETS_H

#include "ormc_int.h"

/* The sets of t, valid until the next look-up on db (another table may
 * take their slot). */
const ormc__table_sets *ormc__table_sets_of(ormc_db *db, const ormc_table *t);

/* The columns an insert of row names: all but an unset serial (value 0)
 * and an unset now-defaulted column (has_ false), which take the
 * database's value. */
ormc_colset ormc__insert_columns_of(const ormc__table_sets *ts,
                                    const void *row);

/* The columns an insert must read back so that row holds what was stored:
 * the serial and now-defaulted columns it left out. */
static inline ormc_colset ormc__insert_returning_of(const ormc__table_sets *ts,
                                                    ormc_colset inserted)
{
    return (ts->serial | ts->now) & ~inserted;
}

#endif /* ORMC_COLSETS_H */
