/*
 * sqlbuild.c: the dynamic SQL of the engine (see sqlbuild.h).
 *
 * Each builder writes into the ormc__sql's buffer without checking every
 * append; an allocation failure is sticky in the buffer and turned into
 * ORMC_NOMEM by finish() at the end.
 */
#include "session.h"
#include "sqlbuild.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* === The statement struct === */

void ormc__sql_init(ormc__sql *s)
{
    ormc__buf_init(&s->text, s->text_inline, sizeof s->text_inline);
    s->params = s->params_inline;
    s->n_params = 0;
    s->cap_params = ORMC__SQL_INLINE_PARAMS;
    s->secret = NULL;
    s->bound = 0;
    s->returned = 0;
    s->key.len = 0;
    s->key.overflow = false;
    s->depth = 0;
}

void ormc__sql_clear(ormc__sql *s)
{
    ormc__buf_clear(&s->text);
    if (s->secret != NULL)
        memset(s->secret, 0, s->cap_params);
    s->n_params = 0;
    s->bound = 0;
    s->returned = 0;
    s->key.len = 0;
    s->key.overflow = false;
    s->depth = 0;
}

/* Add to the statement's identity what the text written next depends on
 * (query builder statements: see sqlbuild.h). */
static void key(ormc__sql *s, const void *p, size_t n)
{
    ormc__key_add(&s->key, p, n);
}

static void key_byte(ormc__sql *s, unsigned v)
{
    unsigned char b = (unsigned char)v;
    ormc__key_add(&s->key, &b, 1);
}

void ormc__sql_free(ormc__sql *s)
{
    if (s == NULL)
        return;
    ormc__buf_free(&s->text);
    if (s->params != s->params_inline)
        free(s->params);
    free(s->secret);
    ormc__sql_init(s);
}

static int add_param(ormc__sql *s, const ormc_param *p)
{
    if (s->n_params >= ORMC__MAX_PARAMS)
        return ORMC_INVALID;
    if (s->n_params == s->cap_params) {
        size_t cap = s->cap_params * 2;
        ormc_param *params;
        if (s->params == s->params_inline) {
            params = malloc(cap * sizeof *params);
            if (params != NULL)
                memcpy(params, s->params, s->n_params * sizeof *params);
        } else {
            params = realloc(s->params, cap * sizeof *params);
        }
        if (params == NULL)
            return ORMC_NOMEM;
        s->params = params;
        if (s->secret != NULL) {
            unsigned char *secret = realloc(s->secret, cap);
            if (secret == NULL)
                return ORMC_NOMEM;
            memset(secret + s->cap_params, 0, cap - s->cap_params);
            s->secret = secret;
        }
        s->cap_params = cap;
    }
    s->params[s->n_params++] = *p;
    return ORMC_OK;
}

/* A value of column c as the next parameter, marked when c is secret. */
static int add_col_param(ormc__sql *s, const ormc_column *c,
                         const ormc_param *p)
{
    int rc = add_param(s, p);
    if (rc != ORMC_OK || !(c->flags & ORMC_COL_SECRET))
        return rc;
    if (s->secret == NULL) {
        s->secret = calloc(s->cap_params, 1);
        if (s->secret == NULL)
            return ORMC_NOMEM;
    }
    s->secret[s->n_params - 1] = 1;
    return ORMC_OK;
}

static int finish(ormc__sql *s, int rc)
{
    if (rc == ORMC_OK && s->text.failed)
        rc = ORMC_NOMEM;
    return rc;
}

/* === Column sets === */

static unsigned popcount(ormc_colset set)
{
    unsigned n = 0;
    for (; set != 0; set &= set - 1)
        n++;
    return n;
}

static bool is_subset(const ormc_table *t, ormc_colset set)
{
    return (set & ~ormc__all_columns(t)) == 0;
}

/* The number of the parameter that binds column i when the columns of
 * `bound` are bound in column order, counting from `base` + 1. */
static size_t param_number(ormc_colset bound, int i, size_t base)
{
    return base + 1 + popcount(bound & (ORMC_COLUMN_BIT(i) - 1));
}

static bool is_nullable(const ormc_column *c)
{
    return (c->flags & (ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY)) == 0;
}

int ormc__sql_bind_row(ormc__sql *s, const ormc_table *t, const void *row,
                       ormc_colset cols)
{
    if (!is_subset(t, cols))
        return ORMC_INVALID;
    for (int i = 0; i < t->n_columns; i++) {
        if (!(cols & ORMC_COLUMN_BIT(i)))
            continue;
        ormc_param p;
        int rc = ormc__col_param(&t->columns[i], row, &p);
        if (rc == ORMC_OK)
            rc = add_col_param(s, &t->columns[i], &p);
        if (rc != ORMC_OK)
            return rc;
    }
    return ORMC_OK;
}

/* === Column sets of the engine === */

ormc_colset ormc__insert_columns(const ormc_table *t, const void *row)
{
    ormc_colset cols = 0;
    for (int i = 0; i < t->n_columns; i++) {
        const ormc_column *c = &t->columns[i];
        if ((c->flags & ORMC_COL_SERIAL) && ormc__serial_get(c, row) == 0)
            continue;
        if ((c->flags & ORMC_COL_DEFAULT_NOW) && !ormc__col_has(c, row))
            continue;
        cols |= ORMC_COLUMN_BIT(i);
    }
    return cols;
}

ormc_colset ormc__insert_returning(const ormc_table *t, ormc_colset inserted)
{
    ormc_colset back = 0;
    for (int i = 0; i < t->n_columns; i++) {
        const ormc_column *c = &t->columns[i];
        if ((c->flags & (ORMC_COL_SERIAL | ORMC_COL_DEFAULT_NOW)) &&
            !(inserted & ORMC_COLUMN_BIT(i)))
            back |= ORMC_COLUMN_BIT(i);
    }
    return back;
}

bool ormc__is_unique_key(const ormc_table *t, ormc_colset cols)
{
    if (cols == 0 || !is_subset(t, cols))
        return false;
    if (cols == t->primary_key)
        return true;
    for (uint16_t i = 0; i < t->n_indexes; i++)
        if (t->indexes[i].unique && t->indexes[i].columns == cols)
            return true;
    if (popcount(cols) == 1) {
        for (int i = 0; i < t->n_columns; i++)
            if (cols == ORMC_COLUMN_BIT(i))
                return (t->columns[i].flags & ORMC_COL_UNIQUE) != 0;
    }
    return false;
}

/* === Text pieces === */

static void put_col(ormc__buf *b, const ormc_table *t, int i)
{
    ormc__buf_put_ident(b, t->columns[i].sql_name);
}

static void put_param(ormc__buf *b, size_t n)
{
    if (b->sink)
        return;
    ormc__buf_putc(b, '$');
    ormc__buf_put_u64(b, n);
}

/* "a", "b", ... for the columns of set, in table order. */
static void put_columns(ormc__buf *b, const ormc_table *t, ormc_colset set)
{
    if (b->sink)
        return;
    const char *sep = "";
    for (int i = 0; i < t->n_columns; i++) {
        if (set & ORMC_COLUMN_BIT(i)) {
            ormc__buf_puts(b, sep);
            put_col(b, t, i);
            sep = ", ";
        }
    }
}

/* The key columns, alone or as a row value: "id" or ("a", "b"). */
static void put_key(ormc__buf *b, const ormc_table *t)
{
    bool row = popcount(t->primary_key) > 1;
    if (row)
        ormc__buf_putc(b, '(');
    put_columns(b, t, t->primary_key);
    if (row)
        ormc__buf_putc(b, ')');
}

static void put_returning(ormc__sql *s, const ormc_table *t, ormc_colset set)
{
    s->returned = set;
    if (set == 0)
        return;
    ormc__buf_puts(&s->text, " RETURNING ");
    put_columns(&s->text, t, set);
}

static void put_select_all(ormc__sql *s, const ormc_table *t)
{
    ormc_colset all = ormc__all_columns(t);
    ormc__buf_puts(&s->text, "SELECT ");
    put_columns(&s->text, t, all);
    ormc__buf_puts(&s->text, " FROM ");
    ormc__buf_put_ident(&s->text, t->sql_name);
    s->returned = all;
}

/* ("a", "b") VALUES ($1, $2), ($3, $4) ... */
static void put_values(ormc__buf *b, const ormc_table *t, ormc_colset cols,
                       size_t n_rows)
{
    unsigned k = popcount(cols);
    ormc__buf_puts(b, " (");
    put_columns(b, t, cols);
    ormc__buf_puts(b, ") VALUES ");
    for (size_t r = 0; r < n_rows; r++) {
        ormc__buf_puts(b, r == 0 ? "(" : ", (");
        for (unsigned j = 0; j < k; j++) {
            if (j > 0)
                ormc__buf_puts(b, ", ");
            put_param(b, r * k + j + 1);
        }
        ormc__buf_putc(b, ')');
    }
}

/* === Row statements === */

static int check_table(const ormc_table *t)
{
    return t == NULL || t->columns == NULL || t->n_columns == 0 ||
                   t->n_columns > 64
               ? ORMC_INVALID
               : ORMC_OK;
}

int ormc__sql_insert(ormc__sql *s, const ormc_table *t, ormc_colset cols,
                     size_t n_rows, ormc_colset returning)
{
    ormc__sql_clear(s);
    if (check_table(t) != ORMC_OK || !is_subset(t, cols | returning) ||
        n_rows == 0 || (cols == 0 && n_rows > 1) ||
        n_rows > ORMC__MAX_PARAMS / (popcount(cols) ? popcount(cols) : 1))
        return ORMC_INVALID;
    ormc__buf_puts(&s->text, "INSERT INTO ");
    ormc__buf_put_ident(&s->text, t->sql_name);
    if (cols == 0)
        ormc__buf_puts(&s->text, " DEFAULT VALUES");
    else
        put_values(&s->text, t, cols, n_rows);
    put_returning(s, t, returning);
    s->bound = cols;
    return finish(s, ORMC_OK);
}

int ormc__sql_copy(ormc__sql *s, const ormc_table *t, ormc_colset cols)
{
    ormc__sql_clear(s);
    if (check_table(t) != ORMC_OK || cols == 0 || !is_subset(t, cols))
        return ORMC_INVALID;
    ormc__buf_puts(&s->text, "COPY ");
    ormc__buf_put_ident(&s->text, t->sql_name);
    ormc__buf_puts(&s->text, " (");
    put_columns(&s->text, t, cols);
    ormc__buf_puts(&s->text, ") FROM STDIN (FORMAT binary)");
    s->bound = cols;
    return finish(s, ORMC_OK);
}

size_t ormc__insert_max_rows(const ormc_table *t, ormc_colset cols)
{
    unsigned k = popcount(cols & ormc__all_columns(t));
    return k == 0 ? 1 : ORMC__MAX_PARAMS / k;
}

int ormc__sql_update_pk(ormc__sql *s, const ormc_table *t, ormc_colset set,
                        ormc_colset returning)
{
    ormc__sql_clear(s);
    if (check_table(t) != ORMC_OK || t->primary_key == 0 ||
        !is_subset(t, set | returning | t->primary_key))
        return ORMC_INVALID;
    set &= ~t->primary_key;
    ormc_colset bound = set | t->primary_key;
    ormc__buf *b = &s->text;

    ormc__buf_puts(b, "UPDATE ");
    ormc__buf_put_ident(b, t->sql_name);
    ormc__buf_puts(b, " SET ");
    if (set == 0) {
        /* Nothing but the key: set it to itself, so that the statement
         * still tells whether the row exists. */
        int k = t->pk_order != NULL ? t->pk_order[0] : 0;
        for (int i = 0; t->pk_order == NULL && i < t->n_columns; i++)
            if (t->primary_key & ORMC_COLUMN_BIT(i)) {
                k = i;
                break;
            }
        put_col(b, t, k);
        ormc__buf_puts(b, " = ");
        put_col(b, t, k);
    }
    const char *sep = "";
    for (int i = 0; i < t->n_columns; i++) {
        if (!(set & ORMC_COLUMN_BIT(i)))
            continue;
        ormc__buf_puts(b, sep);
        put_col(b, t, i);
        ormc__buf_puts(b, " = ");
        put_param(b, param_number(bound, i, 0));
        sep = ", ";
    }
    ormc__buf_puts(b, " WHERE ");
    sep = "";
    for (int i = 0; i < t->n_columns; i++) {
        if (!(t->primary_key & ORMC_COLUMN_BIT(i)))
            continue;
        ormc__buf_puts(b, sep);
        put_col(b, t, i);
        ormc__buf_puts(b, " = ");
        put_param(b, param_number(bound, i, 0));
        sep = " AND ";
    }
    put_returning(s, t, returning);
    s->bound = bound;
    return finish(s, ORMC_OK);
}

int ormc__sql_delete_pk(ormc__sql *s, const ormc_table *t)
{
    ormc__sql_clear(s);
    if (check_table(t) != ORMC_OK || t->primary_key == 0 ||
        !is_subset(t, t->primary_key))
        return ORMC_INVALID;
    ormc__buf *b = &s->text;
    ormc__buf_puts(b, "DELETE FROM ");
    ormc__buf_put_ident(b, t->sql_name);
    ormc__buf_puts(b, " WHERE ");
    const char *sep = "";
    for (int i = 0; i < t->n_columns; i++) {
        if (!(t->primary_key & ORMC_COLUMN_BIT(i)))
            continue;
        ormc__buf_puts(b, sep);
        put_col(b, t, i);
        ormc__buf_puts(b, " = ");
        put_param(b, param_number(t->primary_key, i, 0));
        sep = " AND ";
    }
    s->bound = t->primary_key;
    return finish(s, ORMC_OK);
}

/* The INSERT ... ON CONFLICT (key) head shared by upsert and
 * find-or-create. */
static int put_insert_on_conflict(ormc__sql *s, const ormc_table *t,
                                  ormc_colset cols, ormc_colset key)
{
    if (check_table(t) != ORMC_OK || !is_subset(t, cols) ||
        !ormc__is_unique_key(t, key) || (key & ~cols) != 0)
        return ORMC_INVALID;
    ormc__buf_puts(&s->text, "INSERT INTO ");
    ormc__buf_put_ident(&s->text, t->sql_name);
    put_values(&s->text, t, cols, 1);
    ormc__buf_puts(&s->text, " ON CONFLICT (");
    put_columns(&s->text, t, key);
    ormc__buf_puts(&s->text, ")");
    s->bound = cols;
    return ORMC_OK;
}

int ormc__sql_upsert(ormc__sql *s, const ormc_table *t, ormc_colset cols,
                     ormc_colset conflict)
{
    ormc__sql_clear(s);
    int rc = put_insert_on_conflict(s, t, cols, conflict);
    if (rc != ORMC_OK)
        return rc;
    ormc__buf *b = &s->text;
    ormc_colset set = cols & ~conflict & ~t->primary_key;
    if (set == 0) {
        /* Setting a conflict column to the value it already has makes the
         * conflicting row come back through RETURNING. */
        set = conflict & (~conflict + 1);
    }
    ormc__buf_puts(b, " DO UPDATE SET ");
    const char *sep = "";
    for (int i = 0; i < t->n_columns; i++) {
        if (!(set & ORMC_COLUMN_BIT(i)))
            continue;
        ormc__buf_puts(b, sep);
        put_col(b, t, i);
        ormc__buf_puts(b, " = excluded.");
        put_col(b, t, i);
        sep = ", ";
    }
    put_returning(s, t, ormc__all_columns(t));
    return finish(s, ORMC_OK);
}

int ormc__sql_insert_or_ignore(ormc__sql *s, const ormc_table *t,
                               ormc_colset cols, ormc_colset key)
{
    ormc__sql_clear(s);
    int rc = put_insert_on_conflict(s, t, cols, key);
    if (rc != ORMC_OK)
        return rc;
    ormc__buf_puts(&s->text, " DO NOTHING");
    put_returning(s, t, ormc__all_columns(t));
    return finish(s, ORMC_OK);
}

int ormc__sql_select_by(ormc__sql *s, const ormc_table *t, ormc_colset key,
                        ormc_colset nulls)
{
    ormc__sql_clear(s);
    if (check_table(t) != ORMC_OK || key == 0 || !is_subset(t, key) ||
        (nulls & ~key) != 0)
        return ORMC_INVALID;
    ormc_colset bound = key & ~nulls;
    put_select_all(s, t);
    ormc__buf_puts(&s->text, " WHERE ");
    const char *sep = "";
    for (int i = 0; i < t->n_columns; i++) {
        if (!(key & ORMC_COLUMN_BIT(i)))
            continue;
        ormc__buf_puts(&s->text, sep);
        put_col(&s->text, t, i);
        if (nulls & ORMC_COLUMN_BIT(i)) {
            ormc__buf_puts(&s->text, " IS NULL");
        } else {
            ormc__buf_puts(&s->text, " = ");
            put_param(&s->text, param_number(bound, i, 0));
        }
        sep = " AND ";
    }
    s->bound = bound;
    return finish(s, ORMC_OK);
}

/* === Query builder statements === */

const ormc_cond *ormc__builder_conds(const ormc_builder *q)
{
    /* A builder that never grew keeps its conditions inline; reading them
     * there (not through q->conds) keeps a by-value copy usable. */
    if (q->cap_conds <= ORMC_QUERY_INLINE_CONDS)
        return q->inline_conds;
    return q->conds;
}

static bool param_is_null(const ormc_param *v)
{
    if (v->is_null)
        return true;
    if (v->type == ORMC_TYPE_TEXT || v->type == ORMC_TYPE_JSON)
        return v->u.text == NULL;
    if (v->type == ORMC_TYPE_BLOB)
        return v->u.blob.data == NULL;
    return false;
}

/* A condition's operand as bound: the column's type, an enum as its
 * label. */
static int add_operand(ormc__sql *s, const ormc_column *c, const ormc_param *v)
{
    ormc_param p = *v;
    if (param_is_null(v)) {
        memset(&p, 0, sizeof p);
        p.is_null = true;
        p.type = c->type == ORMC_TYPE_ENUM ? ORMC_TYPE_TEXT : c->type;
    } else if (c->type == ORMC_TYPE_ENUM) {
        int64_t value = v->type == ORMC_TYPE_BIGINT ? v->u.i64 : v->u.i32;
        int rc = ormc__enum_label(c, value, &p);
        if (rc != ORMC_OK)
            return rc;
    } else {
        p.type = c->type; /* text given for json, or the reverse */
    }
    int rc = add_col_param(s, c, &p);
    if (rc == ORMC_OK)
        put_param(&s->text, s->n_params);
    return rc;
}

/* === Relation conditions (sqlbuild.h) === */

bool ormc__fk_valid(const ormc_foreign_key *fk)
{
    if (fk == NULL || fk->n_columns == 0 || fk->n_columns > 64 ||
        fk->child == NULL || fk->parent == NULL || fk->child->columns == NULL ||
        fk->parent->columns == NULL || fk->child_columns == NULL ||
        fk->parent_columns == NULL)
        return false;
    for (uint16_t i = 0; i < fk->n_columns; i++) {
        uint16_t c = fk->child_columns[i], p = fk->parent_columns[i];
        if (c >= fk->child->n_columns || p >= fk->parent->n_columns ||
            fk->child->columns[c].type != fk->parent->columns[p].type)
            return false;
    }
    return true;
}

static int put_where(ormc__sql *s, const ormc_builder *q);
static void put_order_by(ormc__sql *s, const ormc_builder *q);
static int put_limit(ormc__sql *s, int64_t limit, int64_t offset);
static int check_builder(const ormc_builder *q);

/* The columns cols[0..n-1] of t, alone or as a row value: "a" or
 * ("a", "b"). */
static void put_tuple(ormc__buf *b, const ormc_table *t, const uint16_t *cols,
                      uint16_t n)
{
    if (n > 1)
        ormc__buf_putc(b, '(');
    for (uint16_t i = 0; i < n; i++) {
        if (i > 0)
            ormc__buf_puts(b, ", ");
        put_col(b, t, cols[i]);
    }
    if (n > 1)
        ormc__buf_putc(b, ')');
}

/* The columns cols[0..n-1] of row (a row of t) as the next parameters. */
static int add_row_params(ormc__sql *s, const ormc_table *t,
                          const uint16_t *cols, uint16_t n, const void *row)
{
    for (uint16_t i = 0; i < n; i++) {
        ormc_param p;
        int rc = ormc__col_param(&t->columns[cols[i]], row, &p);
        if (rc == ORMC_OK)
            rc = add_col_param(s, &t->columns[cols[i]], &p);
        if (rc != ORMC_OK)
            return rc;
    }
    return ORMC_OK;
}

/* "here1" = $n AND "here2" = $n+1 ..., the values read from row (a row of
 * there) at its columns `cols_there`. */
static int put_equal_row(ormc__sql *s, const ormc_table *here,
                         const uint16_t *cols_here, const ormc_table *there,
                         const uint16_t *cols_there, uint16_t n,
                         const void *row)
{
    ormc__buf *b = &s->text;
    int rc = add_row_params(s, there, cols_there, n, row);
    if (rc != ORMC_OK)
        return rc;
    size_t first = s->n_params - n + 1;
    for (uint16_t i = 0; i < n; i++) {
        if (i > 0)
            ormc__buf_puts(b, " AND ");
        put_col(b, here, cols_here[i]);
        ormc__buf_puts(b, " = ");
        put_param(b, first + i);
    }
    return ORMC_OK;
}

/* A loader's key list: (cols) IN ($1, $2 ...) or, for a composite key,
 * ("a", "b") IN (($1, $2), ($3, $4) ...) (SQLite since 3.15, PostgreSQL). */
static int put_keys_in(ormc__sql *s, const ormc_table *here,
                       const uint16_t *cols_here, const ormc_table *there,
                       const uint16_t *cols_there, uint16_t n,
                       const ormc_cond *cond)
{
    ormc__buf *b = &s->text;
    const void *const *rows = cond->values;
    key(s, &cond->n_values, sizeof cond->n_values);
    if (cond->n_values == 0) {
        ormc__buf_puts(b, "1 = 0");
        return ORMC_OK;
    }
    if (rows == NULL)
        return ORMC_INVALID;
    put_tuple(b, here, cols_here, n);
    ormc__buf_puts(b, " IN (");
    for (size_t r = 0; r < cond->n_values; r++) {
        int rc = add_row_params(s, there, cols_there, n, rows[r]);
        if (rc != ORMC_OK)
            return rc;
        if (b->sink)
            continue;
        if (r > 0)
            ormc__buf_puts(b, ", ");
        if (n > 1)
            ormc__buf_putc(b, '(');
        for (uint16_t i = 0; i < n; i++) {
            if (i > 0)
                ormc__buf_puts(b, ", ");
            put_param(b, s->n_params - n + 1 + i);
        }
        if (n > 1)
            ormc__buf_putc(b, ')');
    }
    ormc__buf_putc(b, ')');
    return ORMC_OK;
}

const char *ormc__pg_array_type(const ormc_column *c)
{
    switch (c->type) {
    case ORMC_TYPE_INTEGER:
        return "integer[]";
    case ORMC_TYPE_BIGINT:
        return "bigint[]";
    case ORMC_TYPE_TEXT:
        return "text[]";
    case ORMC_TYPE_UUID:
        return "uuid[]";
    default:
        return NULL;
    }
}

/* A loader's keys as one array: "k" = ANY($n::bigint[]). */
static int put_key_array(ormc__sql *s, const ormc_table *t, uint16_t col,
                         const ormc_cond *cond)
{
    ormc__buf *b = &s->text;
    const char *type = ormc__pg_array_type(&t->columns[col]);
    if (type == NULL || cond->value.type != ORMC_TYPE_TEXT ||
        cond->value.u.text == NULL)
        return ORMC_INVALID;
    int rc = add_col_param(s, &t->columns[col], &cond->value);
    if (rc != ORMC_OK)
        return rc;
    put_col(b, t, col);
    ormc__buf_puts(b, " = ANY(");
    put_param(b, s->n_params);
    ormc__buf_puts(b, "::");
    ormc__buf_puts(b, type);
    ormc__buf_putc(b, ')');
    return ORMC_OK;
}

/* (child columns) IN (SELECT parent columns FROM parent <sub's WHERE, ORDER
 * BY, LIMIT, OFFSET>): the subquery's parameters follow the ones before it,
 * and its shape goes into the key. */
static int put_parent_in(ormc__sql *s, const ormc_table *t,
                         const ormc_cond *cond)
{
    const ormc_foreign_key *fk = cond->fk;
    const ormc_builder *sub = cond->sub;
    ormc__buf *b = &s->text;
    int rc = check_builder(sub);
    if (rc != ORMC_OK)
        return rc;
    if (sub->table != fk->parent || s->depth >= ORMC__MAX_DEPTH)
        return ORMC_INVALID;
    key(s, &sub->table, sizeof sub->table);
    put_tuple(b, t, fk->child_columns, fk->n_columns);
    ormc__buf_puts(b, " IN (SELECT ");
    for (uint16_t i = 0; i < fk->n_columns; i++) {
        if (i > 0)
            ormc__buf_puts(b, ", ");
        put_col(b, fk->parent, fk->parent_columns[i]);
    }
    ormc__buf_puts(b, " FROM ");
    ormc__buf_put_ident(b, fk->parent->sql_name);
    s->depth++;
    rc = put_where(s, sub);
    s->depth--;
    if (rc != ORMC_OK)
        return rc;
    put_order_by(s, sub);
    if ((rc = put_limit(s, sub->limit, sub->offset)) != ORMC_OK)
        return rc;
    ormc__buf_putc(b, ')');
    return ORMC_OK;
}

/* (to's parent columns) IN (SELECT to's child columns FROM join WHERE
 * from's child columns = the linked row's from->parent columns). */
static int put_linked(ormc__sql *s, const ormc_cond *cond)
{
    const ormc_foreign_key *to = cond->fk, *from = cond->from;
    ormc__buf *b = &s->text;
    key(s, &from, sizeof from);
    put_tuple(b, to->parent, to->parent_columns, to->n_columns);
    ormc__buf_puts(b, " IN (SELECT ");
    for (uint16_t i = 0; i < to->n_columns; i++) {
        if (i > 0)
            ormc__buf_puts(b, ", ");
        put_col(b, to->child, to->child_columns[i]);
    }
    ormc__buf_puts(b, " FROM ");
    ormc__buf_put_ident(b, to->child->sql_name);
    ormc__buf_puts(b, " WHERE ");
    int rc = put_equal_row(s, from->child, from->child_columns, from->parent,
                           from->parent_columns, from->n_columns, cond->row);
    ormc__buf_putc(b, ')');
    return rc;
}

/* A relation condition on q's table t (what builder.c checked when it was
 * recorded is checked again: a sub-builder may have changed since). */
static int put_relation_cond(ormc__sql *s, const ormc_table *t,
                             const ormc_cond *cond)
{
    const ormc_foreign_key *fk = cond->fk;
    ormc__buf *b = &s->text;
    if (!ormc__fk_valid(fk))
        return ORMC_INVALID;
    key(s, &fk, sizeof fk);
    switch (cond->op) {
    case ORMC__OP_PARENT: {
        if (fk->child != t || cond->row == NULL)
            return ORMC_INVALID;
        if (fk->n_columns > 1)
            ormc__buf_putc(b, '(');
        int rc = put_equal_row(s, t, fk->child_columns, fk->parent,
                               fk->parent_columns, fk->n_columns, cond->row);
        if (fk->n_columns > 1)
            ormc__buf_putc(b, ')');
        return rc;
    }
    case ORMC__OP_PARENT_IN:
        if (fk->child != t || cond->sub == NULL)
            return ORMC_INVALID;
        return put_parent_in(s, t, cond);
    case ORMC__OP_LINKED:
        if (fk->parent != t || cond->row == NULL ||
            !ormc__fk_valid(cond->from) || cond->from->child != fk->child)
            return ORMC_INVALID;
        return put_linked(s, cond);
    case ORMC__OP_KEYS_OF_CHILDREN:
        if (fk->parent != t)
            return ORMC_INVALID;
        return put_keys_in(s, t, fk->parent_columns, fk->child,
                           fk->child_columns, fk->n_columns, cond);
    case ORMC__OP_KEYS_OF_PARENTS:
        if (fk->child != t)
            return ORMC_INVALID;
        return put_keys_in(s, t, fk->child_columns, fk->parent,
                           fk->parent_columns, fk->n_columns, cond);
    case ORMC__OP_ANY_OF_CHILDREN:
        if (fk->parent != t || fk->n_columns != 1)
            return ORMC_INVALID;
        return put_key_array(s, t, fk->parent_columns[0], cond);
    case ORMC__OP_ANY_OF_PARENTS:
        if (fk->child != t || fk->n_columns != 1)
            return ORMC_INVALID;
        return put_key_array(s, t, fk->child_columns[0], cond);
    default:
        return ORMC_INVALID;
    }
}

static int put_cond(ormc__sql *s, const ormc_table *t, const ormc_cond *cond)
{
    static const char *const compare[] = {
        [ORMC_EQ] = " = ",  [ORMC_NE] = " <> ", [ORMC_LT] = " < ",
        [ORMC_LE] = " <= ", [ORMC_GT] = " > ",  [ORMC_GE] = " >= ",
    };
    if (cond->op >= ORMC__OP_PARENT) {
        key_byte(s, (unsigned)cond->op);
        return put_relation_cond(s, t, cond);
    }
    if (cond->column >= t->n_columns)
        return ORMC_INVALID;
    const ormc_column *c = &t->columns[cond->column];
    ormc__buf *b = &s->text;
    /* the column, the operator; below, what a value changes of the text */
    key(s, &cond->column, sizeof cond->column);
    key_byte(s, (unsigned)cond->op);

    switch (cond->op) {
    case ORMC_EQ:
    case ORMC_NE:
        key_byte(s, param_is_null(&cond->value));
        if (param_is_null(&cond->value)) {
            /* SQLAlchemy's rule: == None is IS NULL. */
            put_col(b, t, cond->column);
            ormc__buf_puts(b,
                           cond->op == ORMC_EQ ? " IS NULL" : " IS NOT NULL");
            return ORMC_OK;
        }
        /* fall through */
    case ORMC_LT:
    case ORMC_LE:
    case ORMC_GT:
    case ORMC_GE:
        put_col(b, t, cond->column);
        ormc__buf_puts(b, compare[cond->op]);
        return add_operand(s, c, &cond->value);
    case ORMC_IS_NULL:
    case ORMC_IS_NOT_NULL:
        put_col(b, t, cond->column);
        ormc__buf_puts(b,
                       cond->op == ORMC_IS_NULL ? " IS NULL" : " IS NOT NULL");
        return ORMC_OK;
    case ORMC_LIKE: {
        put_col(b, t, cond->column);
        ormc__buf_puts(b, " LIKE ");
        int rc = add_operand(s, c, &cond->value);
        /* PostgreSQL's default escape, stated so that SQLite has it too. */
        ormc__buf_puts(b, " ESCAPE '\\'");
        return rc;
    }
    case ORMC_IN:
        key(s, &cond->n_values, sizeof cond->n_values);
        if (cond->n_values == 0) {
            /* Nothing is in the empty set (SQLAlchemy renders it so). */
            ormc__buf_puts(b, "1 = 0");
            return ORMC_OK;
        }
        if (cond->values == NULL)
            return ORMC_INVALID;
        put_col(b, t, cond->column);
        ormc__buf_puts(b, " IN (");
        for (size_t i = 0; i < cond->n_values; i++) {
            ormc_param p;
            int rc = ormc__array_param(c, cond->values, i, &p);
            if (rc == ORMC_OK)
                rc = add_col_param(s, c, &p);
            if (rc != ORMC_OK)
                return rc;
            if (i > 0)
                ormc__buf_puts(b, ", ");
            put_param(b, s->n_params);
        }
        ormc__buf_putc(b, ')');
        return ORMC_OK;
    default:
        return ORMC_INVALID;
    }
}

/* " WHERE ..." when q has conditions: the AND of the ungrouped conditions
 * and of the OR groups, in the order of their first condition. */
static int put_where(ormc__sql *s, const ormc_builder *q)
{
    const ormc_table *t = q->table;
    const ormc_cond *conds = ormc__builder_conds(q);
    const char *sep = " WHERE ";
    key(s, &q->n_conds, sizeof q->n_conds);
    for (size_t i = 0; i < q->n_conds; i++) {
        uint8_t g = conds[i].or_group;
        key_byte(s, g); /* how the conditions group */
        if (g == 0) {
            ormc__buf_puts(&s->text, sep);
            int rc = put_cond(s, t, &conds[i]);
            if (rc != ORMC_OK)
                return rc;
            sep = " AND ";
            continue;
        }
        bool seen = false;
        size_t members = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = conds[j].or_group == g;
        if (seen)
            continue; /* written with the group's first condition */
        for (size_t j = i; j < q->n_conds; j++)
            members += conds[j].or_group == g;
        ormc__buf_puts(&s->text, sep);
        if (members > 1)
            ormc__buf_putc(&s->text, '(');
        const char * or = "";
        for (size_t j = i; j < q->n_conds; j++) {
            if (conds[j].or_group != g)
                continue;
            ormc__buf_puts(&s->text, or);
            int rc = put_cond(s, t, &conds[j]);
            if (rc != ORMC_OK)
                return rc;
            or = " OR ";
        }
        if (members > 1)
            ormc__buf_putc(&s->text, ')');
        sep = " AND ";
    }
    return ORMC_OK;
}

static void put_order_by(ormc__sql *s, const ormc_builder *q)
{
    const ormc_table *t = q->table;
    key_byte(s, q->n_order);
    for (uint8_t i = 0; i < q->n_order; i++) {
        int col = q->order[i].column;
        bool desc = q->order[i].dir == ORMC_DESC;
        key(s, &q->order[i].column, sizeof q->order[i].column);
        key_byte(s, desc);
        ormc__buf_puts(&s->text, i == 0 ? " ORDER BY " : ", ");
        put_col(&s->text, t, col);
        if (desc)
            ormc__buf_puts(&s->text, " DESC");
        /* SQLite sorts NULLs first, PostgreSQL last: say PostgreSQL's
         * default explicitly, so both give the same order. */
        if (is_nullable(&t->columns[col]))
            ormc__buf_puts(&s->text, desc ? " NULLS FIRST" : " NULLS LAST");
    }
}

/* " OFFSET $m" when offset > 0. */
static int put_offset(ormc__sql *s, int64_t offset)
{
    key_byte(s, offset > 0);
    if (offset <= 0)
        return ORMC_OK;
    ormc_param p = {.type = ORMC_TYPE_BIGINT};
    p.u.i64 = offset;
    int rc = add_param(s, &p);
    if (rc != ORMC_OK)
        return rc;
    ormc__buf_puts(&s->text, " OFFSET ");
    put_param(&s->text, s->n_params);
    return ORMC_OK;
}

/* " LIMIT $n [OFFSET $m]" for limit (-1: none) and offset (0: none). */
static int put_limit(ormc__sql *s, int64_t limit, int64_t offset)
{
    key_byte(s, limit < 0 && offset <= 0);
    if (limit < 0 && offset <= 0)
        return ORMC_OK;
    /* An offset needs a LIMIT in SQLite; "no limit" is the largest one. */
    ormc_param p = {.type = ORMC_TYPE_BIGINT};
    p.u.i64 = limit < 0 ? INT64_MAX : limit;
    int rc = add_param(s, &p);
    if (rc != ORMC_OK)
        return rc;
    ormc__buf_puts(&s->text, " LIMIT ");
    put_param(&s->text, s->n_params);
    return put_offset(s, offset);
}

/* The limit of _first and _exists: at most one row. The usual 1 is written
 * as it is, as a hand-written query would: a constant the planner sees
 * (PostgreSQL plans a generic LIMIT $n for an unknown fraction of the rows)
 * and one parameter less. It is a property of the shape, not a value. */
static int put_limit_one(ormc__sql *s, int64_t limit, int64_t offset)
{
    key_byte(s, limit != 1);
    if (limit != 1)
        return put_limit(s, limit, offset);
    ormc__buf_puts(&s->text, " LIMIT 1");
    return put_offset(s, offset);
}

static int check_builder(const ormc_builder *q)
{
    if (q == NULL || check_table(q->table) != ORMC_OK)
        return ORMC_INVALID;
    if (q->error != ORMC_OK)
        return q->error;
    for (uint8_t i = 0; i < q->n_order; i++)
        if (q->order[i].column >= q->table->n_columns)
            return ORMC_INVALID;
    return ORMC_OK;
}

/* The rows of q chosen by key, for DELETE and UPDATE with an order, limit or
 * offset (neither statement takes those portably):
 * " WHERE "id" IN (SELECT "id" FROM "t" WHERE ... ORDER BY ... LIMIT ...)".
 * Without them, just q's WHERE. */
static int put_where_rows(ormc__sql *s, const ormc_builder *q)
{
    const ormc_table *t = q->table;
    key_byte(s, q->limit < 0 && q->offset <= 0);
    if (q->limit < 0 && q->offset <= 0)
        return put_where(s, q);
    if (t->primary_key == 0)
        return ORMC_INVALID;
    ormc__buf_puts(&s->text, " WHERE ");
    put_key(&s->text, t);
    ormc__buf_puts(&s->text, " IN (SELECT ");
    put_columns(&s->text, t, t->primary_key);
    ormc__buf_puts(&s->text, " FROM ");
    ormc__buf_put_ident(&s->text, t->sql_name);
    int rc = put_where(s, q);
    if (rc != ORMC_OK)
        return rc;
    put_order_by(s, q);
    if ((rc = put_limit(s, q->limit, q->offset)) != ORMC_OK)
        return rc;
    ormc__buf_putc(&s->text, ')');
    return ORMC_OK;
}

int ormc__sql_query(ormc__sql *s, const ormc_builder *q, ormc__query_kind kind)
{
    ormc__sql_clear(s);
    int rc = check_builder(q);
    if (rc != ORMC_OK)
        return rc;
    const ormc_table *t = q->table;
    ormc__buf *b = &s->text;
    int64_t first_limit = q->limit < 0 || q->limit > 1 ? 1 : q->limit;
    ormc__key_init(&s->key, (int)kind, t);

    switch (kind) {
    case ORMC__Q_SELECT:
    case ORMC__Q_FIRST:
        put_select_all(s, t);
        if ((rc = put_where(s, q)) != ORMC_OK)
            break;
        put_order_by(s, q);
        rc = kind == ORMC__Q_FIRST ? put_limit_one(s, first_limit, q->offset)
                                   : put_limit(s, q->limit, q->offset);
        break;
    case ORMC__Q_COUNT:
        key_byte(s, q->limit < 0 && q->offset <= 0);
        if (q->limit < 0 && q->offset <= 0) {
            ormc__buf_puts(b, "SELECT COUNT(*) FROM ");
            ormc__buf_put_ident(b, t->sql_name);
            rc = put_where(s, q);
            break;
        }
        /* The order does not change how many rows a limit leaves. */
        ormc__buf_puts(b, "SELECT COUNT(*) FROM (SELECT 1 FROM ");
        ormc__buf_put_ident(b, t->sql_name);
        if ((rc = put_where(s, q)) != ORMC_OK)
            break;
        if ((rc = put_limit(s, q->limit, q->offset)) != ORMC_OK)
            break;
        ormc__buf_puts(b, ") AS \"q\"");
        break;
    case ORMC__Q_EXISTS:
        ormc__buf_puts(b, "SELECT 1 FROM ");
        ormc__buf_put_ident(b, t->sql_name);
        if ((rc = put_where(s, q)) != ORMC_OK)
            break;
        rc = put_limit_one(s, first_limit, q->offset);
        break;
    case ORMC__Q_DELETE:
        ormc__buf_puts(b, "DELETE FROM ");
        ormc__buf_put_ident(b, t->sql_name);
        if ((rc = put_where_rows(s, q)) != ORMC_OK)
            break;
        put_returning(s, t, t->primary_key);
        break;
    default:
        rc = ORMC_INVALID;
    }
    return finish(s, rc);
}

int ormc__sql_update_where(ormc__sql *s, const ormc_builder *q,
                           const void *values, ormc_colset set)
{
    ormc__sql_clear(s);
    int rc = check_builder(q);
    if (rc != ORMC_OK)
        return rc;
    const ormc_table *t = q->table;
    if (set == 0 || !is_subset(t, set) || values == NULL)
        return ORMC_INVALID;
    ormc__key_init(&s->key, ORMC__KEY_UPDATE_WHERE, t);
    key(s, &set, sizeof set);
    ormc__buf *b = &s->text;
    ormc__buf_puts(b, "UPDATE ");
    ormc__buf_put_ident(b, t->sql_name);
    ormc__buf_puts(b, " SET ");
    const char *sep = "";
    for (int i = 0; i < t->n_columns; i++) {
        if (!(set & ORMC_COLUMN_BIT(i)))
            continue;
        ormc_param p;
        rc = ormc__col_param(&t->columns[i], values, &p);
        if (rc == ORMC_OK)
            rc = add_col_param(s, &t->columns[i], &p);
        if (rc != ORMC_OK)
            return rc;
        ormc__buf_puts(b, sep);
        put_col(b, t, i);
        ormc__buf_puts(b, " = ");
        put_param(b, s->n_params);
        sep = ", ";
    }
    if ((rc = put_where_rows(s, q)) != ORMC_OK)
        return rc;
    put_returning(s, t, t->primary_key);
    return finish(s, ORMC_OK);
}

/* === The SQL of a query, without a database (ormc_builder_sql) === */

int ormc_builder_sql(const ormc_builder *q, ormc_dialect d, char *buf,
                     size_t len)
{
    if (buf != NULL && len > 0)
        buf[0] = '\0';
    if (q == NULL || (d != ORMC_DIALECT_SQLITE && d != ORMC_DIALECT_POSTGRES))
        return -ORMC_INVALID;
    ormc__sql s;
    ormc__sql_init(&s);
    int rc = ormc__sql_query(&s, q, ORMC__Q_SELECT);
    if (rc != ORMC_OK) {
        ormc__sql_free(&s);
        return -rc;
    }
    /* The engine writes $N; the SQLite backend rewrites the text so when
     * it prepares it, and so does this. */
    char *sqlite = NULL;
    const char *text = s.text.data;
    if (d == ORMC_DIALECT_SQLITE) {
        sqlite = ormc__sqltext_to_sqlite(text);
        if (sqlite == NULL) {
            ormc__sql_free(&s);
            return -ORMC_NOMEM;
        }
        text = sqlite;
    }
    size_t n = strlen(text);
    int out = n > (size_t)INT_MAX ? -ORMC_NOMEM : (int)n;
    if (out >= 0 && buf != NULL && len > 0) {
        size_t k = n < len - 1 ? n : len - 1;
        memcpy(buf, text, k);
        buf[k] = '\0';
    }
    free(sqlite);
    ormc__sql_free(&s);
    return out;
}
