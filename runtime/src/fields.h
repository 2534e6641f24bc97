/*
 * fields.h: reading and writing the fields of a row struct by its
 * descriptor (internal, base layer).
 *
 * A generated row struct is plain C: each column a field at the offset its
 * ormc_column gives, an optional has_ flag beside it (nullable scalars), and
 * the table's ormc_owned field. Everything the runtime does to a row by
 * descriptor goes through here: a field's address, its NULL test and has_
 * flag, the field as a statement parameter, a decoded value stored into it,
 * the serial and now-defaulted fields an insert leaves to the database, and
 * copying fields between rows. Nothing here talks to a database.
 */
#ifndef ORMC_FIELDS_H
#define ORMC_FIELDS_H

#include <string.h>

#include "ormc_int.h"

/* The address inside row of the field at offset `off`: a column's offset
 * or has_offset, or the table's owned_offset. Fields are read and written
 * with memcpy: a row is only as aligned as its generated struct says. */
#define ORMC__FIELD(row, off) ((char *)(row) + (off))

/* Column c's has_ flag in row: true when the column has none. */
static inline bool ormc__col_has(const ormc_column *c, const void *row)
{
    bool has = true;
    if (c->has_offset != ORMC_NO_HAS)
        memcpy(&has, ORMC__FIELD(row, c->has_offset), sizeof has);
    return has;
}

/* Set column c's has_ flag in row (when it has one). */
static inline void ormc__set_has(const ormc_column *c, void *row)
{
    if (c->has_offset != ORMC_NO_HAS)
        *((bool *)ORMC__FIELD(row, c->has_offset)) = true;
}

/* A serial column's value in row: an int64_t field, or an int32_t one for a
 * 32-bit serial (ORMC_TYPE_INTEGER, serial { bits = 32 }). 0 = unset. */
static inline int64_t ormc__serial_get(const ormc_column *c, const void *row)
{
    if (c->type == ORMC_TYPE_INTEGER) {
        int32_t v;
        memcpy(&v, ORMC__FIELD(row, c->offset), sizeof v);
        return v;
    }
    int64_t v;
    memcpy(&v, ORMC__FIELD(row, c->offset), sizeof v);
    return v;
}

/* Store v into serial column c of row (a rowid that SQLite gave a 32-bit
 * serial fits: the database's integer column holds it). */
static inline void ormc__serial_set(const ormc_column *c, void *row, int64_t v)
{
    if (c->type == ORMC_TYPE_INTEGER) {
        int32_t v32 = (int32_t)v;
        memcpy(ORMC__FIELD(row, c->offset), &v32, sizeof v32);
        return;
    }
    memcpy(ORMC__FIELD(row, c->offset), &v, sizeof v);
}

/* True when column c of row is NULL: a has_ flag that is false, a NULL text
 * or json pointer, a blob whose data is NULL. */
bool ormc__col_is_null(const ormc_column *c, const void *row);

/* ormc__col_param for the types it does not read inline (blob, UUID, enum). */
int ormc__col_param_other(const ormc_column *c, const void *row,
                          ormc_param *out /* OUT */);

/*
 * Column c of row as a parameter, borrowing row's pointers. An enum becomes
 * its label (ORMC_TYPE_TEXT); ORMC_INVALID when its value is out of range.
 *
 * Inline, because it runs for every column of every row written: the common
 * types are read right here, without a call; only the value's member of the
 * union is set (a NULL's is not read).
 */
static inline int ormc__col_param(const ormc_column *c, const void *row,
                                  ormc_param *p /* OUT */)
{
    const char *f = ORMC__FIELD(row, c->offset);
    bool has = ormc__col_has(c, row);
    p->type = c->type;
    p->is_null = !has;
    switch (c->type) {
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON:
        memcpy(&p->u.text, f, sizeof p->u.text);
        p->is_null = !has || p->u.text == NULL;
        return ORMC_OK;
    case ORMC_TYPE_BIGINT:
        memcpy(&p->u.i64, f, sizeof p->u.i64);
        return ORMC_OK;
    case ORMC_TYPE_TIMESTAMP:
        memcpy(&p->u.time, f, sizeof p->u.time);
        if (!has && (c->flags & ORMC_COL_APP_DEFAULT_NOW)) {
            /* server_default = false: the default the database lacks */
            p->u.time = ormc_time_now();
            p->is_null = false;
        }
        return ORMC_OK;
    case ORMC_TYPE_INTEGER:
        memcpy(&p->u.i32, f, sizeof p->u.i32);
        return ORMC_OK;
    case ORMC_TYPE_BOOLEAN:
        memcpy(&p->u.b, f, sizeof p->u.b);
        return ORMC_OK;
    case ORMC_TYPE_DOUBLE:
        memcpy(&p->u.f64, f, sizeof p->u.f64);
        return ORMC_OK;
    default:
        return ormc__col_param_other(c, row, p);
    }
}

/* Enum column c's value as its label (ORMC_TYPE_TEXT, the form the
 * databases store) into out's type and text; ORMC_INVALID when it is out
 * of range. */
int ormc__enum_label(const ormc_column *c, int64_t value,
                     ormc_param *out /* OUT */);

/* Element i of an array of c's C type (what the _in builders take: int32_t,
 * int64_t, double, bool, const char *, ormc_blob, ormc_time, ormc_uuid, and
 * for an enum its generated C enum, which is int-sized) as a parameter,
 * converted as ormc__col_param does. A NULL text pointer or blob data gives
 * a NULL parameter. */
int ormc__array_param(const ormc_column *c, const void *values, size_t i,
                      ormc_param *out /* OUT */);

/*
 * Store v (a value as ormc__stmt_value reads it: an enum as its label) into
 * column c of row, setting its has_ flag; a NULL value clears the field.
 * Text and blob pointers are copied as they are (borrowed). ORMC_OK, or
 * ORMC_ERROR (recorded on db) for an enum label the column does not know.
 */
int ormc__store_value(ormc_db *db, const ormc_column *c, void *row,
                      const ormc_param *v);

/* The columns of `serial` whose field in row is 0 and those of `now` whose
 * has_ flag is false: what an insert of row leaves to the database. */
ormc_colset ormc__unset_defaults(const ormc_table *t, const void *row,
                                 ormc_colset serial, ormc_colset now);

/* Copy the fields of `set` (and their has_ flags) from src to dst, both
 * rows of t. Pointers are copied as they are. */
void ormc__copy_fields(const ormc_table *t, void *dst, const void *src,
                       ormc_colset set);

#endif /* ORMC_FIELDS_H */
