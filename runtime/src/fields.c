/*
 * fields.c: reading and writing the fields of a row struct by its
 * descriptor (see fields.h).
 */
#include "fields.h"

#include <stdlib.h>
#include <string.h>

static size_t type_size(ormc_type type)
{
    switch (type) {
    case ORMC_TYPE_INTEGER:
        return sizeof(int32_t);
    case ORMC_TYPE_BIGINT:
        return sizeof(int64_t);
    case ORMC_TYPE_DOUBLE:
        return sizeof(double);
    case ORMC_TYPE_BOOLEAN:
        return sizeof(bool);
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON:
        return sizeof(const char *);
    case ORMC_TYPE_BLOB:
        return sizeof(ormc_blob);
    case ORMC_TYPE_TIMESTAMP:
        return sizeof(ormc_time);
    case ORMC_TYPE_UUID:
        return sizeof(ormc_uuid);
    case ORMC_TYPE_ENUM:
        return sizeof(int);
    }
    return 0;
}

int ormc__enum_label(const ormc_column *c, int64_t value, ormc_param *out)
{
    if (value < 0 || (uint64_t)value >= c->n_enum_values ||
        c->enum_values == NULL)
        return ORMC_INVALID;
    out->type = ORMC_TYPE_TEXT;
    out->u.text = c->enum_values[value];
    return ORMC_OK;
}

/* The value of c's C type at p (or NULL when null) as a parameter. */
static int value_param(const ormc_column *c, const void *p, bool null,
                       ormc_param *out)
{
    memset(out, 0, sizeof *out);
    out->type = c->type == ORMC_TYPE_ENUM ? ORMC_TYPE_TEXT : c->type;
    if (null) {
        out->is_null = true;
        return ORMC_OK;
    }
    switch (c->type) {
    case ORMC_TYPE_INTEGER:
        memcpy(&out->u.i32, p, sizeof out->u.i32);
        break;
    case ORMC_TYPE_BIGINT:
        memcpy(&out->u.i64, p, sizeof out->u.i64);
        break;
    case ORMC_TYPE_DOUBLE:
        memcpy(&out->u.f64, p, sizeof out->u.f64);
        break;
    case ORMC_TYPE_BOOLEAN:
        memcpy(&out->u.b, p, sizeof out->u.b);
        break;
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON:
        memcpy(&out->u.text, p, sizeof out->u.text);
        out->is_null = out->u.text == NULL;
        break;
    case ORMC_TYPE_BLOB:
        memcpy(&out->u.blob, p, sizeof out->u.blob);
        out->is_null = out->u.blob.data == NULL;
        break;
    case ORMC_TYPE_TIMESTAMP:
        memcpy(&out->u.time, p, sizeof out->u.time);
        break;
    case ORMC_TYPE_UUID:
        memcpy(&out->u.uuid, p, sizeof out->u.uuid);
        break;
    case ORMC_TYPE_ENUM: {
        int v;
        memcpy(&v, p, sizeof v);
        return ormc__enum_label(c, v, out);
    }
    default:
        return ORMC_INVALID;
    }
    return ORMC_OK;
}

bool ormc__col_is_null(const ormc_column *c, const void *row)
{
    const void *p = ORMC__FIELD(row, c->offset);
    if (!ormc__col_has(c, row))
        return true;
    if (c->type == ORMC_TYPE_TEXT || c->type == ORMC_TYPE_JSON) {
        const char *text;
        memcpy(&text, p, sizeof text);
        return text == NULL;
    }
    if (c->type == ORMC_TYPE_BLOB) {
        ormc_blob blob;
        memcpy(&blob, p, sizeof blob);
        return blob.data == NULL;
    }
    return false;
}

int ormc__col_param_other(const ormc_column *c, const void *row,
                          ormc_param *out)
{
    return value_param(c, ORMC__FIELD(row, c->offset), !ormc__col_has(c, row),
                       out);
}

int ormc__array_param(const ormc_column *c, const void *values, size_t i,
                      ormc_param *out)
{
    size_t size = type_size(c->type);
    if (size == 0 || values == NULL)
        return ORMC_INVALID;
    return value_param(c, (const char *)values + i * size, false, out);
}

int ormc__store_value(ormc_db *db, const ormc_column *c, void *row,
                      const ormc_param *v)
{
    char *f = ORMC__FIELD(row, c->offset);
    bool has = !v->is_null;
    if (c->has_offset != ORMC_NO_HAS)
        memcpy(ORMC__FIELD(row, c->has_offset), &has, sizeof has);
    switch (c->type) {
    case ORMC_TYPE_INTEGER:
        memcpy(f, has ? &v->u.i32 : &(int32_t){0}, sizeof(int32_t));
        break;
    case ORMC_TYPE_BIGINT:
        memcpy(f, has ? &v->u.i64 : &(int64_t){0}, sizeof(int64_t));
        break;
    case ORMC_TYPE_DOUBLE:
        memcpy(f, has ? &v->u.f64 : &(double){0}, sizeof(double));
        break;
    case ORMC_TYPE_BOOLEAN:
        memcpy(f, has ? &v->u.b : &(bool){false}, sizeof(bool));
        break;
    case ORMC_TYPE_TIMESTAMP:
        memcpy(f, has ? &v->u.time : &(ormc_time){0}, sizeof(ormc_time));
        break;
    case ORMC_TYPE_UUID:
        memcpy(f, has ? &v->u.uuid : &(ormc_uuid){{0}}, sizeof(ormc_uuid));
        break;
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON: {
        const char *s = has ? v->u.text : NULL;
        memcpy(f, &s, sizeof s);
        break;
    }
    case ORMC_TYPE_BLOB: {
        ormc_blob b = {NULL, 0};
        if (has)
            b = v->u.blob;
        memcpy(f, &b, sizeof b);
        break;
    }
    case ORMC_TYPE_ENUM: {
        int e = 0;
        if (has) {
            e = -1;
            for (uint32_t i = 0; i < c->n_enum_values; i++)
                if (v->u.text && strcmp(c->enum_values[i], v->u.text) == 0)
                    e = (int)i;
            if (e < 0)
                return ormc__error(db, ORMC_ERROR, "22P02", c->name,
                                   "%s: unknown enum label in the database",
                                   c->name);
        }
        memcpy(f, &e, sizeof e);
        break;
    }
    }
    return ORMC_OK;
}

ormc_colset ormc__unset_defaults(const ormc_table *t, const void *row,
                                 ormc_colset serial, ormc_colset now)
{
    ormc_colset unset = 0;
    for (ormc_colset m = serial; m; m &= m - 1) {
        const ormc_column *c = &t->columns[ormc__lowest_column(m)];
        if (ormc__serial_get(c, row) == 0)
            unset |= m & -m;
    }
    for (ormc_colset m = now; m; m &= m - 1) {
        const ormc_column *c = &t->columns[ormc__lowest_column(m)];
        if (!ormc__col_has(c, row))
            unset |= m & -m;
    }
    return unset;
}

void ormc__copy_fields(const ormc_table *t, void *dst, const void *src,
                       ormc_colset set)
{
    for (int i = 0; i < t->n_columns; i++) {
        if (!(set & ORMC_COLUMN_BIT(i)))
            continue;
        const ormc_column *c = &t->columns[i];
        memcpy(ORMC__FIELD(dst, c->offset), ORMC__FIELD(src, c->offset),
               type_size(c->type));
        if (c->has_offset != ORMC_NO_HAS)
            memcpy(ORMC__FIELD(dst, c->has_offset),
                   ORMC__FIELD(src, c->has_offset), sizeof(bool));
    }
}
