/*
 * builder.c: recording a query (the ormc_builder_* calls of ormc.h).
 *
 * These calls only write into the caller's ormc_builder; sqlbuild.c turns it
 * into SQL when an executor runs it. Building never fails loudly: the first
 * error is kept in q->error (later calls change nothing) and the executor
 * returns it. The errors:
 *   ORMC_INVALID  a column the table does not have, or not exactly one
 *                 column's bit (every call names its column by its bit,
 *                 ORMC_COLUMN_BIT(i), as the generated macros do); an
 *                 operator the column
 *                 cannot take (LIKE on anything but text; <, <=, >, >= on
 *                 json, whose order differs between the backends, or on an
 *                 enum, which is stored as its label and would sort by it);
 *                 a value of another type than the column's; an enum value
 *                 out of range; nested or_begin, or_end without or_begin,
 *                 more than 255 OR groups; more than ORMC_QUERY_MAX_ORDER
 *                 order keys;
 *                 a negative offset or a limit below -1; IN values NULL
 *                 with a count.
 *   ORMC_NOMEM    growing the condition array failed.
 *
 * Equality on a json column compares jsonb values on PostgreSQL (key order
 * and spacing do not matter) and the text on SQLite: it is allowed, and
 * agrees on both when the values are written the same way.
 */
#include "ormc_generated.h"

#include <stdlib.h>
#include <string.h>

#include "sqlbuild.h"

static void fail(ormc_builder *q, int status)
{
    if (q->error == ORMC_OK)
        q->error = status;
}

void ormc_builder_init(ormc_builder *q, const ormc_table *t)
{
    if (q == NULL)
        return;
    memset(q, 0, sizeof *q);
    q->table = t;
    q->conds = q->inline_conds;
    q->cap_conds = ORMC_QUERY_INLINE_CONDS;
    q->limit = -1;
    if (t == NULL || t->columns == NULL || t->n_columns == 0 ||
        t->n_columns > 64)
        q->error = ORMC_INVALID;
}

void ormc_builder_free(ormc_builder *q)
{
    if (q == NULL)
        return;
    if (q->cap_conds > ORMC_QUERY_INLINE_CONDS)
        free(q->conds);
    q->conds = q->inline_conds;
    q->cap_conds = ORMC_QUERY_INLINE_CONDS;
    q->n_conds = 0;
    q->n_order = 0;
    q->open_group = 0;
    q->n_groups = 0;
    q->limit = -1;
    q->offset = 0;
    q->error = ORMC_OK;
}

/* A new condition at the end of q, or NULL (q->error set). */
static ormc_cond *push_cond(ormc_builder *q)
{
    if (q->n_conds == q->cap_conds) {
        size_t cap = q->cap_conds * 2;
        ormc_cond *conds;
        if (q->cap_conds <= ORMC_QUERY_INLINE_CONDS) {
            conds = malloc(cap * sizeof *conds);
            if (conds != NULL)
                memcpy(conds, q->inline_conds, q->n_conds * sizeof *conds);
        } else {
            conds = realloc(q->conds, cap * sizeof *conds);
        }
        if (conds == NULL) {
            fail(q, ORMC_NOMEM);
            return NULL;
        }
        q->conds = conds;
        q->cap_conds = cap;
    }
    /* A builder copied by value before it grew still points conds at the
     * original's inline array; write through the accessor's answer. */
    ormc_cond *cond = (ormc_cond *)ormc__builder_conds(q) + q->n_conds++;
    memset(cond, 0, sizeof *cond);
    cond->or_group = q->open_group;
    return cond;
}

/* Whether column names exactly one column of t: one bit, in t's set. */
static bool one_column(const ormc_table *t, ormc_colset column)
{
    return column != 0 && (column & (column - 1)) == 0 &&
           (column & ~ormc__all_columns(t)) == 0;
}

/* The column of q's table named by its bit, or NULL (q->error set); its
 * index in *index. */
static const ormc_column *column_of(ormc_builder *q, ormc_colset column,
                                    int *index)
{
    if (q->error != ORMC_OK)
        return NULL;
    if (!one_column(q->table, column)) {
        fail(q, ORMC_INVALID);
        return NULL;
    }
    *index = ormc__lowest_column(column);
    return &q->table->columns[*index];
}

static bool value_fits(const ormc_column *c, const ormc_param *v)
{
    if (v->is_null)
        return true;
    switch (c->type) {
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON:
        return v->type == ORMC_TYPE_TEXT || v->type == ORMC_TYPE_JSON;
    case ORMC_TYPE_ENUM:
        return v->type == ORMC_TYPE_ENUM && v->u.i32 >= 0 &&
               (uint32_t)v->u.i32 < c->n_enum_values;
    default:
        return v->type == c->type;
    }
}

void ormc_builder_where(ormc_builder *q, ormc_colset column, ormc_op op,
                        const ormc_param *value)
{
    if (q == NULL)
        return;
    int index;
    const ormc_column *c = column_of(q, column, &index);
    if (c == NULL)
        return;
    ormc_param v;
    memset(&v, 0, sizeof v);
    v.type = c->type;
    v.is_null = true;
    if (value != NULL) {
        v = *value;
        if ((v.type == ORMC_TYPE_TEXT || v.type == ORMC_TYPE_JSON) &&
            v.u.text == NULL)
            v.is_null = true;
        if (v.type == ORMC_TYPE_BLOB && v.u.blob.data == NULL)
            v.is_null = true;
    }
    bool ok;
    switch (op) {
    case ORMC_EQ:
    case ORMC_NE:
        ok = true;
        break;
    case ORMC_LT:
    case ORMC_LE:
    case ORMC_GT:
    case ORMC_GE:
        ok = c->type != ORMC_TYPE_JSON && c->type != ORMC_TYPE_ENUM;
        break;
    case ORMC_IS_NULL:
    case ORMC_IS_NOT_NULL:
        ok = true;
        v.is_null = true; /* the operand is not used */
        break;
    case ORMC_LIKE:
        ok = c->type == ORMC_TYPE_TEXT;
        break;
    default: /* ORMC_IN goes through ormc_builder_where_in */
        ok = false;
    }
    if (!ok || !value_fits(c, &v)) {
        fail(q, ORMC_INVALID);
        return;
    }
    ormc_cond *cond = push_cond(q);
    if (cond == NULL)
        return;
    cond->column = (uint16_t)index;
    cond->op = (uint8_t)op;
    cond->value = v;
}

void ormc_builder_where_in(ormc_builder *q, ormc_colset column,
                           const void *values, size_t n)
{
    if (q == NULL)
        return;
    int index;
    const ormc_column *c = column_of(q, column, &index);
    if (c == NULL)
        return;
    if (values == NULL && n > 0) {
        fail(q, ORMC_INVALID);
        return;
    }
    ormc_cond *cond = push_cond(q);
    if (cond == NULL)
        return;
    cond->column = (uint16_t)index;
    cond->op = ORMC_IN;
    cond->value.type = c->type;
    cond->value.is_null = true;
    cond->values = values;
    cond->n_values = n;
}

void ormc_builder_or_begin(ormc_builder *q)
{
    if (q == NULL || q->error != ORMC_OK)
        return;
    if (q->open_group != 0 || q->n_groups == UINT8_MAX) {
        fail(q, ORMC_INVALID);
        return;
    }
    q->open_group = ++q->n_groups;
}

void ormc_builder_or_end(ormc_builder *q)
{
    if (q == NULL || q->error != ORMC_OK)
        return;
    if (q->open_group == 0) {
        fail(q, ORMC_INVALID);
        return;
    }
    q->open_group = 0;
}

void ormc_builder_order_by(ormc_builder *q, ormc_colset column, ormc_order dir)
{
    if (q == NULL || q->error != ORMC_OK)
        return;
    if (!one_column(q->table, column) ||
        (dir != ORMC_ASC && dir != ORMC_DESC) ||
        q->n_order >= ORMC_QUERY_MAX_ORDER) {
        fail(q, ORMC_INVALID);
        return;
    }
    q->order[q->n_order].column = (uint16_t)ormc__lowest_column(column);
    q->order[q->n_order].dir = (uint8_t)dir;
    q->n_order++;
}

void ormc_builder_limit(ormc_builder *q, int64_t limit)
{
    if (q == NULL || q->error != ORMC_OK)
        return;
    if (limit < -1) {
        fail(q, ORMC_INVALID);
        return;
    }
    q->limit = limit;
}

void ormc_builder_offset(ormc_builder *q, int64_t offset)
{
    if (q == NULL || q->error != ORMC_OK)
        return;
    if (offset < 0) {
        fail(q, ORMC_INVALID);
        return;
    }
    q->offset = offset;
}

/* === Relation conditions (sqlbuild.h) === */

/* A relation condition on q with its op and fk (the rest zero), or NULL
 * (q->error set) when q has an error or fk is not a usable key whose child
 * (on_child) or parent is q's table. */
static ormc_cond *push_relation(ormc_builder *q, const ormc_foreign_key *fk,
                                int op, bool on_child)
{
    if (q->error != ORMC_OK)
        return NULL;
    if (!ormc__fk_valid(fk) ||
        (on_child ? fk->child : fk->parent) != q->table) {
        fail(q, ORMC_INVALID);
        return NULL;
    }
    ormc_cond *cond = push_cond(q);
    if (cond == NULL)
        return NULL;
    cond->op = (uint8_t)op;
    cond->fk = fk;
    return cond;
}

void ormc_builder_where_parent(ormc_builder *q, const ormc_foreign_key *fk,
                               const void *parent)
{
    if (q == NULL)
        return;
    if (parent == NULL) {
        fail(q, ORMC_INVALID);
        return;
    }
    ormc_cond *cond = push_relation(q, fk, ORMC__OP_PARENT, true);
    if (cond != NULL)
        cond->row = parent;
}

void ormc_builder_where_parent_in(ormc_builder *q, const ormc_foreign_key *fk,
                                  const ormc_builder *parents)
{
    if (q == NULL)
        return;
    /* parents may still change until q runs: the executor checks its
     * table and error again */
    if (parents == NULL || parents == q ||
        (fk != NULL && parents->table != fk->parent)) {
        fail(q, ORMC_INVALID);
        return;
    }
    ormc_cond *cond = push_relation(q, fk, ORMC__OP_PARENT_IN, true);
    if (cond != NULL)
        cond->sub = parents;
}

void ormc_builder_where_linked(ormc_builder *q, const ormc_foreign_key *to,
                               const ormc_foreign_key *from, const void *linked)
{
    if (q == NULL)
        return;
    if (linked == NULL || !ormc__fk_valid(from) || to == NULL ||
        from->child != to->child) {
        fail(q, ORMC_INVALID);
        return;
    }
    ormc_cond *cond = push_relation(q, to, ORMC__OP_LINKED, false);
    if (cond != NULL) {
        cond->from = from;
        cond->row = linked;
    }
}

void ormc__builder_where_keys(ormc_builder *q, const ormc_foreign_key *fk,
                              int op, const void *const *rows, size_t n)
{
    if (q == NULL)
        return;
    if ((op != ORMC__OP_KEYS_OF_CHILDREN && op != ORMC__OP_KEYS_OF_PARENTS) ||
        (rows == NULL && n > 0)) {
        fail(q, ORMC_INVALID);
        return;
    }
    ormc_cond *cond = push_relation(q, fk, op, op == ORMC__OP_KEYS_OF_PARENTS);
    if (cond != NULL) {
        cond->values = rows;
        cond->n_values = n;
    }
}

void ormc__builder_where_key_array(ormc_builder *q, const ormc_foreign_key *fk,
                                   int op, const char *array)
{
    if (q == NULL)
        return;
    if ((op != ORMC__OP_ANY_OF_CHILDREN && op != ORMC__OP_ANY_OF_PARENTS) ||
        array == NULL) {
        fail(q, ORMC_INVALID);
        return;
    }
    ormc_cond *cond = push_relation(q, fk, op, op == ORMC__OP_ANY_OF_PARENTS);
    if (cond != NULL) {
        cond->value.type = ORMC_TYPE_TEXT;
        cond->value.u.text = array;
    }
}
