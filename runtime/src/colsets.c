/*
 * colsets.c: the column sets of a table that the writes need on every call
 * (serial, now-defaulted, variable-length, checked columns), computed from
 * its column flags once per table and connection; and what is wrong with a
 * caller's column set that is not its table's (ormc.h: the tags of column
 * sets), naming the table whose columns it holds.
 */
#include <stdio.h>

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

/* === Explaining a caller's column set that is not its table's === */

static int popcount16(unsigned v)
{
    int n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

/* Append the names of the columns of t that bits names ("a, b"), at most a
 * few, to the n bytes written so far in buf. */
static size_t put_names(const ormc_table *t, ormc_colset bits, char *buf,
                        size_t len, size_t n)
{
    int shown = 0;
    for (ormc_colset m = bits; m && n < len; m &= m - 1) {
        int i = ormc__lowest_column(m);
        if (i >= t->n_columns)
            break;
        if (shown == 4) {
            n += (size_t)snprintf(buf + n, len - n, ", ...");
            break;
        }
        n += (size_t)snprintf(buf + n, len - n, "%s%s.%s", shown ? ", " : "",
                              t->name, t->columns[i].name);
        shown++;
    }
    return n;
}

void ormc__colset_explain(const ormc_table *t, ormc_colset set, bool one,
                          const char *call, char *buf, size_t len)
{
    unsigned tag = t->colset_tag ? (unsigned)(set >> ORMC_COLSET_TAG_SHIFT) : 0;
    ormc_colset low = t->colset_tag
                          ? set & (ORMC_COLUMN_BIT(ORMC_COLSET_TAG_SHIFT) - 1)
                          : set;
    const ormc_schema *s = t->schema;
    size_t n = (size_t)snprintf(buf, len, "%s: %s: ", t->name, call);
    if (n >= len)
        return;
    if (tag != 0 && tag != t->colset_tag && popcount16(tag) == 8) {
        for (uint16_t k = 0; s != NULL && k < s->n_tables; k++) {
            const ormc_table *other = s->tables[k];
            if (other->colset_tag != tag)
                continue;
            n = put_names(other, low, buf, len, n);
            if (n < len)
                snprintf(buf + n, len - n,
                         " is a column of %s, not of %s: use %s's "
                         "column macros",
                         other->name, t->name, t->name);
            return;
        }
        snprintf(buf + n, len - n,
                 "a column of another table (tag 0x%04x, of another "
                 "schema), not of %s",
                 tag, t->name);
    } else if (tag != 0 && tag != t->colset_tag && popcount16(tag) > 8) {
        n += (size_t)snprintf(buf + n, len - n,
                              "the column set mixes columns of several "
                              "tables:");
        for (uint16_t k = 0; s != NULL && k < s->n_tables && n < len; k++) {
            unsigned other = s->tables[k]->colset_tag;
            if (other != 0 && (other & ~tag) == 0)
                n += (size_t)snprintf(buf + n, len - n, " %s",
                                      s->tables[k]->name);
        }
        if (n < len)
            snprintf(buf + n, len - n, "; give columns of %s only", t->name);
    } else if (tag != 0 && tag != t->colset_tag) {
        snprintf(buf + n, len - n,
                 "bits 48..63 of the column set (0x%04x) are no table's tag",
                 tag);
    } else if ((low & ~ormc__all_columns(t)) != 0) {
        snprintf(buf + n, len - n,
                 "column bit %d is not a column of %s, which has %u",
                 ormc__lowest_column(low & ~ormc__all_columns(t)), t->name,
                 (unsigned)t->n_columns);
    } else if (low == 0) {
        snprintf(buf + n, len - n, "no column given");
    } else if (one) {
        n += (size_t)snprintf(buf + n, len - n, "takes one column, not ");
        n = put_names(t, low, buf, len, n);
    } else {
        snprintf(buf + n, len - n, "invalid column set");
    }
}

int ormc__colset_error(ormc_db *db, const ormc_table *t, ormc_colset set,
                       bool one, const char *call)
{
    char msg[256];
    ormc__colset_explain(t, set, one, call, msg, sizeof msg);
    return ormc__error(db, ORMC_INVALID, NULL, NULL, "%s", msg);
}
