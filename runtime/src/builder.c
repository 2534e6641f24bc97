/*
 * builder.c: recording a query (the ormc_builder_* calls of ormc.h).
 *
 * These calls only write into the caller's ormc_builder; sqlbuild.c turns it
 * into SQL when an executor runs it. Building never fails loudly: the first
 * error is kept in q->error with what was wrong (later calls change
 * nothing), and the executor returns it with a message that says so
 * (ormc__builder_error): "order_by: takes one column, not shop_customer.id,
 * shop_customer.email". The errors:
 *   ORMC_INVALID  a column set that is not one column of the table (none,
 *                 several, or another table's: colsets.c names it); an
 *                 operator the column cannot take (LIKE on anything but
 *                 text; <, <=, >, >= on json, whose order differs between
 *                 the backends, or on an enum, which is stored as its label
 *                 and would sort by it); a value of another type than the
 *                 column's; an enum value out of range; nested or_begin,
 *                 or_end without or_begin, more than 255 OR groups; more
 *                 than ORMC_QUERY_MAX_ORDER order keys; a negative offset or
 *                 a limit below -1; IN values NULL with a count.
 *   ORMC_INVALID  (ormc_builder_set) a column the query has no condition
 *                 on, or several; a condition that takes no value (IN,
 *                 IS NULL, IS NOT NULL); a value of another type.
 *   ORMC_NOMEM    growing the condition array failed.
 *
 * ormc_builder_set replaces the value of a built condition, so that a query
 * built once runs many times with new values: only the values change, and
 * the executor finds the statement of the same shape in the cache.
 *
 * Equality on a json column compares jsonb values on PostgreSQL (key order
 * and spacing do not matter) and the text on SQLite: it is allowed, and
 * agrees on both when the values are written the same way.
 */
#include "ormc_generated.h"

#include <stdlib.h>
#include <string.h>

#include "colsets.h"
#include "sqlbuild.h"

/* Keep the first error: its status and what was wrong (a sentence). */
static void fail(ormc_builder *q, int status, const char *what)
{
    if (q->error == ORMC_OK) {
        q->error = status;
        q->error_what = what;
    }
}

/* The first error being about one column of q's table: index. */
static void fail_on(ormc_builder *q, int index, const char *what)
{
    if (q->error == ORMC_OK) {
        fail(q, ORMC_INVALID, what);
        q->error_column = (uint16_t)(index + 1);
    }
}

/* The first error being call's column set: colsets.c explains it. */
static void fail_set(ormc_builder *q, const char *call, ormc_colset set)
{
    if (q->error == ORMC_OK) {
        fail(q, ORMC_INVALID, NULL);
        q->error_call = call;
        q->error_set = set;
    }
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
        fail(q, ORMC_INVALID, "no valid table descriptor");
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
    q->error_what = q->error_call = NULL;
    q->error_column = 0;
    q->error_set = 0;
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
            fail(q, ORMC_NOMEM, "out of memory");
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

/* The index of the one column of q's table that call's `column` names
 * (its bit, with the table's tag or none), or -1 (q->error set). */
static int one_column(ormc_builder *q, ormc_colset column, const char *call)
{
    ormc_colset bit;
    if (!ormc__colset_own(q->table, column, &bit) || bit == 0 ||
        (bit & (bit - 1)) != 0) {
        fail_set(q, call, column);
        return -1;
    }
    return ormc__lowest_column(bit);
}

/* The column of q's table named by call's `column`, or NULL (q->error
 * set); its index in *index. */
static const ormc_column *column_of(ormc_builder *q, ormc_colset column,
                                    const char *call, int *index)
{
    if (q->error != ORMC_OK)
        return NULL;
    *index = one_column(q, column, call);
    return *index < 0 ? NULL : &q->table->columns[*index];
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

/* value as a condition's operand on column c: a NULL pointer (the value,
 * or a text, json or blob value's data) is SQL NULL. */
static ormc_param operand(const ormc_column *c, const ormc_param *value)
{
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
    return v;
}

void ormc_builder_where(ormc_builder *q, ormc_colset column, ormc_op op,
                        const ormc_param *value)
{
    if (q == NULL)
        return;
    int index;
    const ormc_column *c = column_of(q, column, "where", &index);
    if (c == NULL)
        return;
    ormc_param v = operand(c, value);
    const char *wrong = NULL;
    switch (op) {
    case ORMC_EQ:
    case ORMC_NE:
        break;
    case ORMC_LT:
    case ORMC_LE:
    case ORMC_GT:
    case ORMC_GE:
        if (c->type == ORMC_TYPE_JSON || c->type == ORMC_TYPE_ENUM)
            wrong = "where: <, <=, >, >= take no json or enum column (the "
                    "backends would order them differently)";
        break;
    case ORMC_IS_NULL:
    case ORMC_IS_NOT_NULL:
        v.is_null = true; /* the operand is not used */
        break;
    case ORMC_LIKE:
        if (c->type != ORMC_TYPE_TEXT)
            wrong = "where: LIKE takes a text column";
        break;
    default: /* ORMC_IN goes through ormc_builder_where_in */
        wrong = "where: not an operator of where (IN is where_in's)";
    }
    if (wrong == NULL && !value_fits(c, &v))
        wrong = c->type == ORMC_TYPE_ENUM
                    ? "where: not a value of the column's enum"
                    : "where: a value of another type than the column's";
    if (wrong != NULL) {
        fail_on(q, index, wrong);
        return;
    }
    ormc_cond *cond = push_cond(q);
    if (cond == NULL)
        return;
    cond->column = (uint16_t)index;
    cond->op = (uint8_t)op;
    cond->value = v;
}

void ormc_builder_set(ormc_builder *q, ormc_colset column,
                      const ormc_param *value)
{
    if (q == NULL)
        return;
    int index;
    const ormc_column *c = column_of(q, column, "set", &index);
    if (c == NULL)
        return;
    ormc_cond *conds = (ormc_cond *)ormc__builder_conds(q), *found = NULL;
    for (size_t i = 0; i < q->n_conds; i++) {
        if (conds[i].fk != NULL || conds[i].column != index)
            continue;
        if (found != NULL) {
            fail_on(q, index,
                    "set: the query has several conditions on the column "
                    "(set changes the value of one)");
            return;
        }
        found = &conds[i];
    }
    if (found == NULL) {
        fail_on(q, index, "set: the query has no condition on the column");
        return;
    }
    if (found->op == ORMC_IN || found->op == ORMC_IS_NULL ||
        found->op == ORMC_IS_NOT_NULL) {
        fail_on(q, index,
                "set: the column's condition takes no value (IN, IS NULL "
                "or IS NOT NULL)");
        return;
    }
    ormc_param v = operand(c, value);
    if (!value_fits(c, &v)) {
        fail_on(q, index,
                c->type == ORMC_TYPE_ENUM
                    ? "set: not a value of the column's enum"
                    : "set: a value of another type than the column's");
        return;
    }
    found->value = v;
}

void ormc_builder_where_in(ormc_builder *q, ormc_colset column,
                           const void *values, size_t n)
{
    if (q == NULL)
        return;
    int index;
    const ormc_column *c = column_of(q, column, "where_in", &index);
    if (c == NULL)
        return;
    if (values == NULL && n > 0) {
        fail_on(q, index, "where_in: no values given for a count above 0");
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
    if (q->open_group != 0) {
        fail(q, ORMC_INVALID,
             "or_begin: an OR group is already open "
             "(groups do not nest)");
        return;
    }
    if (q->n_groups == UINT8_MAX) {
        fail(q, ORMC_INVALID, "or_begin: more than 255 OR groups");
        return;
    }
    q->open_group = ++q->n_groups;
}

void ormc_builder_or_end(ormc_builder *q)
{
    if (q == NULL || q->error != ORMC_OK)
        return;
    if (q->open_group == 0) {
        fail(q, ORMC_INVALID, "or_end: no OR group is open");
        return;
    }
    q->open_group = 0;
}

void ormc_builder_order_by(ormc_builder *q, ormc_colset column, ormc_order dir)
{
    if (q == NULL || q->error != ORMC_OK)
        return;
    int index = one_column(q, column, "order_by");
    if (index < 0)
        return;
    if (dir != ORMC_ASC && dir != ORMC_DESC) {
        fail_on(q, index,
                "order_by: the direction is not ORMC_ASC or "
                "ORMC_DESC");
        return;
    }
    if (q->n_order >= ORMC_QUERY_MAX_ORDER) {
        fail(q, ORMC_INVALID, "order_by: more than 8 order keys");
        return;
    }
    q->order[q->n_order].column = (uint16_t)index;
    q->order[q->n_order].dir = (uint8_t)dir;
    q->n_order++;
}

void ormc_builder_limit(ormc_builder *q, int64_t limit)
{
    if (q == NULL || q->error != ORMC_OK)
        return;
    if (limit < -1) {
        fail(q, ORMC_INVALID, "limit: below -1 (-1 is no limit)");
        return;
    }
    q->limit = limit;
}

void ormc_builder_offset(ormc_builder *q, int64_t offset)
{
    if (q == NULL || q->error != ORMC_OK)
        return;
    if (offset < 0) {
        fail(q, ORMC_INVALID, "offset: negative");
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
        fail(q, ORMC_INVALID, "a foreign key of another table");
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
        fail(q, ORMC_INVALID, "where_parent: no parent row given");
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
        fail(q, ORMC_INVALID,
             "where_parent_in: no query of the parent "
             "table given");
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
        fail(q, ORMC_INVALID,
             "where_linked: no linked row, or keys of "
             "different join tables");
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
        fail(q, ORMC_INVALID, "a loader's key list is invalid");
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
        fail(q, ORMC_INVALID, "a loader's key array is invalid");
        return;
    }
    ormc_cond *cond = push_relation(q, fk, op, op == ORMC__OP_ANY_OF_PARENTS);
    if (cond != NULL) {
        cond->value.type = ORMC_TYPE_TEXT;
        cond->value.u.text = array;
    }
}

/* === The builder's error as the connection's (sqlbuild.h) === */

int ormc__builder_error(ormc_db *db, const ormc_builder *q)
{
    if (q->error == ORMC_OK)
        return ORMC_OK;
    if (q->error == ORMC_NOMEM)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    const ormc_table *t = q->table;
    const char *table = t != NULL && t->name != NULL ? t->name : "?";
    if (q->error_call != NULL && t != NULL)
        return ormc__colset_error(db, t, q->error_set, true, q->error_call);
    const char *what = q->error_what ? q->error_what : "invalid query";
    if (q->error_column > 0 && t != NULL && q->error_column <= t->n_columns)
        return ormc__error(db, q->error, NULL, NULL, "%s: %s (column %s)",
                           table, what, t->columns[q->error_column - 1].name);
    return ormc__error(db, q->error, NULL, NULL, "%s: %s", table, what);
}
