/*
 * colsets.h: colsets.c's calls for the engine: the column sets of a table
 * that the writes need on every call (ormc__table_sets, which struct
 * ormc_db holds).
 */
#ifndef ORMC_COLSETS_H
#define ORMC_COLSETS_H

#include "ormc_int.h"
#include "sqlbuild.h"

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

/* === A caller's column set (ormc.h: the tags of column sets) === */

/* Whether set names columns of t only, carrying t's tag or none; the
 * columns, the tag taken off, in *columns. Every call that takes a
 * caller's set runs it (it is a few instructions); a false answer goes to
 * ormc__colset_error or ormc__colset_explain. */
static inline bool ormc__colset_own(const ormc_table *t, ormc_colset set,
                                    ormc_colset *columns)
{
    if (t->colset_tag != 0) {
        ormc_colset tag = set >> ORMC_COLSET_TAG_SHIFT;
        if (tag != 0 && tag != t->colset_tag)
            return false;
        set &= ORMC_COLUMN_BIT(ORMC_COLSET_TAG_SHIFT) - 1;
    }
    *columns = set;
    return (set & ~ormc__all_columns(t)) == 0;
}

/* What is wrong with set given to t's `call` ("upsert conflict", "where"),
 * as a sentence naming t, and, for a column of another table of t's
 * schema, that table and column; `one`: the call takes exactly one
 * column. Written into buf (always terminated). */
void ormc__colset_explain(const ormc_table *t, ormc_colset set, bool one,
                          const char *call, char *buf, size_t len);

/* ORMC_INVALID with ormc__colset_explain's sentence as db's error. */
int ormc__colset_error(ormc_db *db, const ormc_table *t, ormc_colset set,
                       bool one, const char *call);

#endif /* ORMC_COLSETS_H */
