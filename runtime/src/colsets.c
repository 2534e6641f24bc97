/*
 * colsets.c: the column sets of a table that the writes need on every call
 * (serial, now-defaulted, variable-length, checked columns), computed from
 * its column flags once per table and connection.
 */
#include "colsets.h"
#include "fields.h"
#include "ormc_int.h"
#include "sqlbuild.h"
#include "validate.h"

const ormc__table_sets *ormc__table_sets_of(ormc_db *db, const ormc_table *t)
{
    uintptr_t v = (uintptr_t)t;
    ormc__table_sets *ts =
        &db->table_sets[((v >> 4) ^ (v >> 10)) % ORMC__TABLE_SETS];
    if (ts->t == t)
        return ts;
    ts->t = t;
    ts->serial = ts->now = ts->app_now = ts->var = 0;
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
        if (f & ORMC_COL_APP_DEFAULT_NOW)
            ts->app_now |= ORMC_COLUMN_BIT(i);
        if ((f & ORMC_COL_SERIAL) && t->primary_key == ORMC_COLUMN_BIT(i))
            ts->rowid_col = i;
    }
    ts->checked = ormc__checked_columns(t);
    return ts;
}

ormc_colset ormc__insert_columns_of(const ormc__table_sets *ts, const void *row)
{
    const ormc_table *t = ts->t;
    return ormc__all_columns(t) &
           ~ormc__unset_defaults(t, row, ts->serial, ts->now);
}
