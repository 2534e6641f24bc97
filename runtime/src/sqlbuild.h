/*
 * sqlbuild.h: the dynamic SQL of the engine (internal).
 *
 * Every statement the engine sends for a table (the row operations by key
 * among them: the generator writes no SQL but the DDL) is built here from a
 * table descriptor and, for queries, an ormc_builder. Nothing here talks to a
 * database: shape.c looks the statement up by its identity in the
 * statement cache and has the text built only when it is not there.
 *
 * The SQL rules:
 *   - Identifiers are always double-quoted, embedded quotes doubled.
 *   - Values are never part of the text: they are parameters $1..$n
 *     (PostgreSQL syntax; the SQLite backend rewrites them when it prepares).
 *   - Equal shapes give equal text (the statement cache keys on the shape):
 *     the text depends on the table, the column sets, the operators, which
 *     filter values are NULL, the number of IN values and whether a limit or
 *     offset is set, never on the values themselves. The query builders
 *     make that key themselves (sql->key), in the pass that collects the
 *     parameters, so that it names what the text depends on and nothing
 *     describes the builders a second time.
 *   - The columns a statement returns (SELECT list, RETURNING) are always
 *     the named set's columns in table order.
 *
 * Two ways parameters come about:
 *   - Row statements (insert, update by key, upsert, find-or-create, select
 *     by key) take their values from a row struct. Their parameters are
 *     numbered by column order within the set of bound columns, which is
 *     left in sql->bound: ormc__stmt_bind_row(st, t, row, sql->bound)
 *     binds them. A multi-row insert is bound row after row,
 *     each row's columns in column order (ormc__sql_bind_row does it).
 *   - Query builder statements carry their parameters in sql->params, in
 *     order, ready for the driver. Enum values there are already converted
 *     to their labels (type ORMC_TYPE_TEXT), since they are stored as text.
 *
 * Status codes of the ormc__sql_* functions: ORMC_OK, ORMC_INVALID (the
 * builder's own recorded error, a column set naming a column the table does
 * not have, an enum value out of range, too many parameters) or ORMC_NOMEM.
 * On failure the ormc__sql is left in a state that ormc__sql_free accepts.
 */
#ifndef ORMC_SQLBUILD_H
#define ORMC_SQLBUILD_H

#include <string.h>

#include "ormc_generated.h"

#include "buf.h"
#include "fields.h"
#include "ormc_int.h"
#include "session.h"

/* The most parameters one statement may have (PostgreSQL's protocol limit;
 * SQLite's default since 3.32 is 32,766, but the SQLite backend does not
 * build multi-row inserts). */
#define ORMC__MAX_PARAMS 65535

/* Inline storage of an ormc__sql, enough for the usual statement. */
#define ORMC__SQL_INLINE_TEXT 512
#define ORMC__SQL_INLINE_PARAMS 16

/*
 * A statement being built: its text and its parameters. Lives on the
 * executor's stack; it must not be copied or moved after ormc__sql_init
 * (text and params may point into the struct itself).
 */
typedef struct ormc__sql {
    ormc__buf text;        /* the SQL, NUL-terminated: text.data */
    ormc_param *params;    /* $1..$n, in order: builder statements fill
                              them; row statements leave them to
                              ormc__sql_bind_row (or bind sql->bound) */
    size_t n_params;       /* number of parameters at params */
    size_t cap_params;     /* room at params */
    unsigned char *secret; /* per parameter, 1: a secret column's value
                              (ORMC_COL_SECRET), which the executor marks
                              on the statement; NULL until one is added
                              (heap, cap_params bytes) */
    ormc_colset bound;     /* row statements: the columns bound from a row */
    ormc_colset returned;  /* the columns the statement returns, in table
                              order; 0 when it returns none (or only
                              COUNT / a constant, see ormc__query_kind) */
    ormc__key key;         /* query builder statements: their identity,
                              made by the builder as it collects the
                              parameters, whether it writes the text or not
                              (text.sink) */
    unsigned depth;        /* query builder statements: how deep in
                              subqueries (_where_parent_in) the writing is */
    char text_inline[ORMC__SQL_INLINE_TEXT];
    ormc_param params_inline[ORMC__SQL_INLINE_PARAMS];
} ormc__sql;

void ormc__sql_init(ormc__sql *s);
/* Empty it for the next statement, keeping its memory. */
void ormc__sql_clear(ormc__sql *s);
/* Release its memory. NULL is a no-op. */
void ormc__sql_free(ormc__sql *s);

/* === Row fields as parameters (the conversion is fields.h's) === */

/* Append the parameters of `cols` read from row, in column order (for a
 * multi-row insert: once per row). */
int ormc__sql_bind_row(ormc__sql *s, const ormc_table *t, const void *row,
                       ormc_colset cols);

/* === Column sets === */

/* All columns of t (inline: every call that takes a caller's column set
 * checks it against them). */
static inline ormc_colset ormc__all_columns(const ormc_table *t)
{
    if (t->n_columns >= 64)
        return ~(ormc_colset)0;
    return ORMC_COLUMN_BIT(t->n_columns) - 1;
}

/* The columns an insert of row names: all but an unset serial (value 0) and
 * an unset now-defaulted column (has_ false); those take the database's
 * value. */
ormc_colset ormc__insert_columns(const ormc_table *t, const void *row);

/* The columns an insert must read back so that row holds what was stored:
 * the serial and now-defaulted columns the insert left out. */
ormc_colset ormc__insert_returning(const ormc_table *t, ormc_colset inserted);

/* True when `cols` is exactly the primary key or the column set of a unique
 * index or constraint (or a single column flagged unique): the sets that
 * ON CONFLICT (cols) accepts, and for which find-or-create is race-safe. */
bool ormc__is_unique_key(const ormc_table *t, ormc_colset cols);

/* === Row statements === */

/*
 * INSERT INTO "t" ("a", "b") VALUES ($1, $2)[, ($3, $4) ...]
 *     [RETURNING <returning>]
 * n_rows rows of the columns `cols` (bound = cols, once per row). With
 * cols = 0 and one row: INSERT INTO "t" DEFAULT VALUES; with cols = 0 and
 * more rows ORMC_INVALID (no portable syntax). More than ORMC__MAX_PARAMS
 * parameters is ORMC_INVALID: chunk by ormc__insert_max_rows.
 */
int ormc__sql_insert(ormc__sql *s, const ormc_table *t, ormc_colset cols,
                     size_t n_rows, ormc_colset returning);

/* COPY "t" ("a", "b") FROM STDIN (FORMAT binary): PostgreSQL's bulk load
 * of the columns `cols` (at least one), for insert_many. */
int ormc__sql_copy(ormc__sql *s, const ormc_table *t, ormc_colset cols);

/* How many rows of `cols` one multi-row insert may carry (at least 1). */
size_t ormc__insert_max_rows(const ormc_table *t, ormc_colset cols);

/*
 * UPDATE "t" SET "a" = $2, "b" = $3 WHERE "id" = $1 [RETURNING ...]
 * The columns of `set` (key columns dropped) by primary key; bound = set |
 * key, so the numbers follow the table's column order. When nothing is left
 * to set, the key sets itself ("id" = "id") so that a missing row still
 * shows as 0 rows changed.
 */
int ormc__sql_update_pk(ormc__sql *s, const ormc_table *t, ormc_colset set,
                        ormc_colset returning);

/* DELETE FROM "t" WHERE "k1" = $1 AND "k2" = $2: by primary key (bound =
 * the key). */
int ormc__sql_delete_pk(ormc__sql *s, const ormc_table *t);

/*
 * INSERT INTO "t" (cols) VALUES (...) ON CONFLICT ("k1", "k2")
 *     DO UPDATE SET "x" = excluded."x", ... RETURNING <all columns>
 * SET names the inserted columns outside the conflict set and the primary
 * key; when none is left, it sets the first conflict column to itself
 * (DO UPDATE SET "k1" = excluded."k1") so that the row still comes back.
 * ORMC_INVALID when conflict is not a unique key (ormc__is_unique_key) or
 * not all inserted.
 */
int ormc__sql_upsert(ormc__sql *s, const ormc_table *t, ormc_colset cols,
                     ormc_colset conflict);

/*
 * Find-or-create, first half:
 * INSERT INTO "t" (cols) VALUES (...) ON CONFLICT ("k"...) DO NOTHING
 *     RETURNING <all columns>
 * No row back means the key exists: run ormc__sql_select_by next. Same
 * checks as ormc__sql_upsert.
 */
int ormc__sql_insert_or_ignore(ormc__sql *s, const ormc_table *t,
                               ormc_colset cols, ormc_colset key);

/*
 * SELECT <all columns> FROM "t" WHERE "k1" = $1 AND "k2" IS NULL
 * The key columns, NULL-safe: those in `nulls` compare with IS NULL (pass
 * the key columns that are NULL in the row). bound = key & ~nulls. With
 * key = the primary key this is the get.
 */
int ormc__sql_select_by(ormc__sql *s, const ormc_table *t, ormc_colset key,
                        ormc_colset nulls);

/* === Query builder statements === */

typedef enum ormc__query_kind {
    /* SELECT <all> FROM "t" WHERE ... ORDER BY ... LIMIT $n OFFSET $m */
    ORMC__Q_SELECT,
    /* The same with the limit capped at 1 (_first). */
    ORMC__Q_FIRST,
    /* SELECT COUNT(*) FROM "t" WHERE ...; with a limit or offset, counted
     * over a subquery that applies them. One row, one integer column. */
    ORMC__Q_COUNT,
    /* SELECT 1 FROM "t" WHERE ... LIMIT $n: a row back means true. */
    ORMC__Q_EXISTS,
    /* DELETE FROM "t" WHERE ... RETURNING <primary key>; with an order,
     * limit or offset, the rows are chosen by a subquery on the key. */
    ORMC__Q_DELETE
} ormc__query_kind;

/*
 * The statement of a query: AND of the conditions, each OR group
 * parenthesized at the place of its first condition; EQ / NE with a NULL
 * value become IS NULL / IS NOT NULL; IN with no values is 1 = 0; LIKE
 * escapes with a backslash on both backends; ORDER BY puts NULLs last in
 * ascending and first in descending order on both backends (PostgreSQL's
 * rule; only nullable columns say so); LIMIT and OFFSET are parameters
 * (no limit with an offset binds INT64_MAX), except the LIMIT 1 of _first
 * and _exists, which is written in the text. Returns q->error when building
 * it failed.
 */
int ormc__sql_query(ormc__sql *s, const ormc_builder *q, ormc__query_kind kind);

/*
 * UPDATE "t" SET "a" = $1, ... WHERE <q's conditions> RETURNING <key>
 * The values of `set` come from `values` (a row of q's table) and are the
 * first parameters; the conditions' follow. With an order, limit or offset
 * the rows are chosen by a subquery on the key.
 */
int ormc__sql_update_where(ormc__sql *s, const ormc_builder *q,
                           const void *values, ormc_colset set);

/* === Relation conditions (builder.c records them, sqlbuild.c writes
 * them) ===
 *
 * Conditions that follow a foreign key, with ops of their own past the
 * public ormc_op values, and the fields of ormc_cond past n_values:
 *
 *   ORMC__OP_PARENT     q on fk->child: ("c1" = $1 AND "c2" = $2), the
 *                       values read from cond->row (a row of fk->parent) at
 *                       fk->parent_columns; always =, so that a NULL in the
 *                       parent's key matches nothing.
 *   ORMC__OP_PARENT_IN  q on fk->child: ("c1", "c2") IN (SELECT "p1", "p2"
 *                       FROM parent WHERE <cond->sub's conditions> ORDER BY
 *                       ... LIMIT ... OFFSET ...); the parameters number on
 *                       into the subquery and its shape is part of the
 *                       key. Subqueries nest at most ORMC__MAX_DEPTH deep.
 *   ORMC__OP_LINKED     q on fk->parent (fk: to): (to's parent columns) IN
 *                       (SELECT to's child columns FROM join WHERE from's
 *                       child columns = cond->row's from->parent columns).
 *   ORMC__OP_KEYS_OF_CHILDREN
 *                       q on fk->parent (a loader of parents): (parent
 *                       columns) IN (($1, $2), ...), one tuple per row of
 *                       cond->values (pointers to rows of fk->child, read at
 *                       fk->child_columns), cond->n_values of them.
 *   ORMC__OP_KEYS_OF_PARENTS
 *                       q on fk->child (a loader of children): likewise,
 *                       (child columns) IN the keys of rows of fk->parent.
 *   ORMC__OP_ANY_OF_CHILDREN, ORMC__OP_ANY_OF_PARENTS
 *                       PostgreSQL, a key of one column of a type that
 *                       ormc__pg_array_type names: the same as the two
 *                       above, written "k" = ANY($n::bigint[]), the keys
 *                       in one parameter, cond->value, an array literal
 *                       as text ({1,2,3}; borrowed).
 */
enum {
    ORMC__OP_PARENT = 32,
    ORMC__OP_PARENT_IN,
    ORMC__OP_LINKED,
    ORMC__OP_KEYS_OF_CHILDREN,
    ORMC__OP_KEYS_OF_PARENTS,
    ORMC__OP_ANY_OF_CHILDREN,
    ORMC__OP_ANY_OF_PARENTS
};

#define ORMC__MAX_DEPTH 8

/* q's building error (ORMC_OK: none) as db's error, with a message that
 * says what was wrong (builder.c). */
int ormc__builder_error(ormc_db *db, const ormc_builder *q);

/* A loader's key list on q (see ORMC__OP_KEYS_OF_CHILDREN / _PARENTS):
 * rows (n pointers, borrowed until q has run). */
void ormc__builder_where_keys(ormc_builder *q, const ormc_foreign_key *fk,
                              int op, const void *const *rows, size_t n);

/* A loader's keys as one PostgreSQL array on q (see ORMC__OP_ANY_OF_...):
 * array, the literal (borrowed until q has run). */
void ormc__builder_where_key_array(ormc_builder *q, const ormc_foreign_key *fk,
                                   int op, const char *array);

/* PostgreSQL's type of an array of c's values as a cast writes it
 * ("bigint[]"), for the types whose array literal the loaders write
 * (integer, bigint, text, uuid); NULL for the others. */
const char *ormc__pg_array_type(const ormc_column *c);

/* True when fk is usable: its tables valid, 1 to 64 columns, each index in
 * range, and each child column of the same type as its parent column (the
 * builder checks a condition's key with it when it is recorded, the text
 * again when it is written, relation.c a loader's). */
bool ormc__fk_valid(const ormc_foreign_key *fk);

/* === Statements by identity (shape.c) ===
 *
 * The executors do not call the builders above directly: they check their
 * statement out through these, which key it by its shape in the
 * connection's statement cache (ormc__stmt_find), so that a statement's
 * text is written once per shape and connection, not on every call. A
 * builder's failure is recorded on db as "TABLE: what" (or out of memory);
 * the other statuses are the statement cache's.
 */

/* The row statements, and the ormc__sql_* call each stands for. */
typedef enum ormc__row_kind {
    ORMC__R_INSERT,    /* ormc__sql_insert(cols a, n rows, returning b) */
    ORMC__R_UPDATE_PK, /* ormc__sql_update_pk(set a, returning b) */
    ORMC__R_UPSERT,    /* ormc__sql_upsert(cols a, conflict b) */
    ORMC__R_INSERT_OR_IGNORE, /* ormc__sql_insert_or_ignore(cols a, key b) */
    ORMC__R_SELECT_BY,        /* ormc__sql_select_by(key a, nulls b) */
    ORMC__R_DELETE_PK         /* ormc__sql_delete_pk() */
} ormc__row_kind;

/* Key kinds (the first byte of a key): the query kinds, then these. */
#define ORMC__KEY_UPDATE_WHERE 16
#define ORMC__KEY_ROW_BASE 32
#define ORMC__KEY_SQL_QUERY 64 /* a schema's SQL query (sql_query.c) */

/* Start key k with its kind and table (what every key begins with). */
static inline void ormc__key_init(ormc__key *k, int kind, const ormc_table *t)
{
    unsigned char b = (unsigned char)kind;
    k->len = 0;
    k->overflow = false;
    ormc__key_add(k, &b, 1);
    ormc__key_add(k, &t, sizeof t);
}

/* Check out the row statement `kind` of t (key: kind, t, a, b, n: the
 * builder's arguments), *bound: the columns it binds from a row. */
int ormc__shape_row(ormc_db *db, const ormc_table *t, ormc__row_kind kind,
                    ormc_colset a, ormc_colset b, size_t n, const char *what,
                    ormc__stmt **out, ormc_colset *bound);

/* Check out the statement of q as `kind` (ormc__sql_query), its
 * parameters collected in s (bound by the caller). */
int ormc__shape_query(ormc_db *db, ormc__sql *s, const ormc_builder *q,
                      ormc__query_kind kind, ormc__stmt **out);

/* Check out the update by query (ormc__sql_update_where), its parameters
 * collected in s. */
int ormc__shape_update_where(ormc_db *db, ormc__sql *s, const ormc_builder *q,
                             const void *values, ormc_colset set,
                             ormc__stmt **out);

/* The conditions of q (inline or on the heap; also right for a builder
 * that was copied by value before it grew). */
const ormc_cond *ormc__builder_conds(const ormc_builder *q);

#endif /* ORMC_SQLBUILD_H */
