/*
 * ormc_generated.h: what generated code calls, below the typed API it
 * defines.
 *
 * The descriptors that a generated .c file fills (ormc_column, ormc_index,
 * ormc_table, ormc_schema) and the engine calls its one-line functions make
 * (ormc_row_*, ormc_builder_*, ormc_cursor_*, ormc_schema_*). Every
 * generated header includes it; an application includes its generated
 * headers (or ormc.h alone when it has none) and has no need to call what is
 * declared here by hand. It includes ormc.h, whose conventions hold here.
 */
#ifndef ORMC_GENERATED_H
#define ORMC_GENERATED_H

#include "ormc.h"

/*
 * The layout of the descriptors and the engine calls below. A generated
 * header checks it with `#if ORMC_ABI != N` and refuses to compile against
 * a runtime it was not generated for, saying to regenerate. Bump it
 * whenever a descriptor struct or an engine call changes. Keep in sync with
 * gen/emit_c_header.lua (M.ABI).
 */
#define ORMC_ABI 8

#ifdef __cplusplus
extern "C" {
#endif

/* === Descriptors (written by the generator, read by the engine) === */

/* Column flags. Keep in sync with gen/emit_c_source.lua. */
#define ORMC_COL_NOT_NULL 0x01u    /* NOT NULL */
#define ORMC_COL_PRIMARY_KEY 0x02u /* part of the primary key */
#define ORMC_COL_UNIQUE 0x04u      /* UNIQUE on its own */
#define ORMC_COL_SERIAL 0x08u      /* database-assigned key; 0 = unset */
#define ORMC_COL_DEFAULT 0x10u     /* has a database default */
#define ORMC_COL_DEFAULT_NOW 0x20u /* default now; has_ false = unset */
#define ORMC_COL_TZ 0x40u          /* timestamp with time zone */
#define ORMC_COL_SECRET                                                        \
    0x80u /* secret = true: its values show as                                 \
           *** in traces and error messages */
/* default = now with server_default = false: the database has no default;
 * a write that leaves the column unset (has_ false) sends the current
 * time. */
#define ORMC_COL_APP_DEFAULT_NOW 0x100u

/* has_offset of a column that has no has_ flag. */
#define ORMC_NO_HAS ((size_t)-1)

struct ormc_table;

/*
 * What a column is in one dialect, as the generator decided it: the schema
 * check compares catalog_type with the live catalog, and migrate runs add
 * or reports why_not_added. The runtime keeps no type mapping or rule of
 * its own for these.
 */
typedef struct ormc_column_dialect {
    /* Its type as the catalog reports it: PostgreSQL's format_type()
     * ("character varying(32)", "timestamp with time zone"), SQLite's
     * declared type ("TEXT", compared without regard to case). */
    const char *catalog_type;
    /* Its definition as ALTER TABLE ... ADD COLUMN takes it (name, type,
     * NOT NULL, default, foreign key and CHECK); NULL when a table with
     * rows cannot take it. */
    const char *add;
    /* When add is NULL: why not, for ormc_schema_migrate's message. */
    const char *why_not_added;
} ormc_column_dialect;

typedef struct ormc_column {
    const char *name;     /* DSL name, also the C field name */
    const char *sql_name; /* unquoted SQL name */
    ormc_type type;       /* value type */
    uint32_t flags;       /* ORMC_COL_* */
    size_t offset;        /* offsetof the value field in the row */
    size_t has_offset;    /* offsetof the bool has_ field, or ORMC_NO_HAS */
    uint32_t max_chars;   /* text: maximum characters; 0 = no limit */
    const char *const *enum_values;     /* enum: labels, C value = index */
    uint32_t n_enum_values;             /* enum: number of labels */
    const struct ormc_table *ref_table; /* references: parent, else NULL */
    int ref_column;                     /* references: parent column index */
    const char *renamed_from;     /* the column's former SQL name, or NULL */
    ormc_column_dialect sqlite;   /* the column on SQLite */
    ormc_column_dialect postgres; /* the column on PostgreSQL */
} ormc_column;

/*
 * A foreign key: columns of one table (the child) that reference the
 * primary key or a unique key of another or the same table (the parent).
 * Single-column `references` and composite `foreign_key { }` entries alike
 * have one. The relation functions (docs/relations.md) and the fixtures
 * read it.
 */
typedef struct ormc_foreign_key {
    const char *sql_name;            /* the constraint's unquoted name */
    const char *relation;            /* the relation's name, or NULL when
                                        it has none (no functions) */
    const struct ormc_table *child;  /* the table holding the key */
    const struct ormc_table *parent; /* the table it references */
    const uint16_t *child_columns;   /* the key's column indexes in child,
                                        in key order */
    const uint16_t *parent_columns;  /* the referenced column indexes in
                                        parent, in the same order */
    uint16_t n_columns;              /* length of both */
} ormc_foreign_key;

typedef struct ormc_index {
    const char *sql_name;  /* unquoted SQL name */
    ormc_colset columns;   /* the indexed columns */
    const uint16_t *order; /* their indexes, in index order */
    uint16_t n_columns;    /* length of order */
    bool unique;           /* a unique index or UNIQUE constraint */
} ormc_index;

struct ormc_table {
    const char *name;           /* DSL name */
    const char *sql_name;       /* unquoted SQL name */
    size_t row_size;            /* sizeof the row struct */
    size_t owned_offset;        /* offsetof the row's ormc_owned field */
    const ormc_column *columns; /* in declaration order */
    uint16_t n_columns;
    ormc_colset primary_key;  /* the key columns */
    const uint16_t *pk_order; /* key column indexes, in key order */
    uint16_t n_pk;
    const ormc_index *indexes; /* indexes and unique constraints */
    uint16_t n_indexes;
    const ormc_foreign_key *foreign_keys; /* in declaration order */
    uint16_t n_foreign_keys;
    uint16_t colset_tag; /* the tag its column macros carry in bits 48..63
                            (ORMC_TABLE_COLUMN); 0: none (more than 48
                            columns, or a query's row) */
    const struct ormc_schema *schema; /* the schema it belongs to, where a
                                         wrong tag is looked up; NULL for a
                                         query's row */
};

typedef struct ormc_schema {
    const char *name;                /* schema name */
    const char *hash;                /* hex content hash of the schema */
    const ormc_table *const *tables; /* in dependency order */
    uint16_t n_tables;
    const char *const *ddl_sqlite;   /* CREATE statements, NULL-terminated */
    const char *const *ddl_postgres; /* CREATE statements, NULL-terminated */
} ormc_schema;

/* === Engine: the generic row operations the generated functions call ===
 *
 * `row` arguments point to a row struct of `t`. Fetched rows own their
 * variable-length data in one allocation whose address is kept in the row's
 * ormc_owned field; ormc_row_free releases it and zeroes the row.
 *
 * The generated _get, _get_by_*, _update and _delete call ormc_row_get,
 * ormc_row_get_by, ormc_row_update and ormc_row_delete; each knows which
 * statement it runs (the runtime writes its text from the descriptor, once
 * per connection), what it checks and what it tells the change hook. They
 * need a table with a primary key (ormc_row_get_by: the key given):
 * ORMC_INVALID otherwise, nothing sent.
 */

/* The row of t whose primary key equals key_row's (a row struct with at
 * least its key columns set), decoded into out (which may be
 * key_row itself). ORMC_OK, ORMC_NOT_FOUND (out untouched) or an error. */
int ormc_row_get(ormc_db *db, const ormc_table *t, const void *key_row,
                 void *out /* OUT */);

/* The row of t whose unique key `key` (a column set) equals key_row's
 * (every column of key compared with =). As ormc_row_get otherwise. */
int ormc_row_get_by(ormc_db *db, const ormc_table *t, ormc_colset key,
                    const void *key_row, void *out /* OUT */);

/* Write every non-key column of row to the row with row's primary key
 * (a table whose every column is key: the key to itself), after the write
 * checks of ormc_row_validate on those columns (ORMC_INVALID, nothing sent).
 * ORMC_OK and the change hook told ORMC_CHANGE_UPDATE with row, or
 * ORMC_NOT_FOUND when no row has that key (the hook is not called), or an
 * error. */
int ormc_row_update(ormc_db *db, const ormc_table *t, const void *row);

/* Delete the row whose primary key equals key_row's. ORMC_OK
 * and the change hook told ORMC_CHANGE_DELETE with key_row, or
 * ORMC_NOT_FOUND when no row has that key (the hook is not called), or an
 * error. */
int ormc_row_delete(ormc_db *db, const ormc_table *t, const void *key_row);

/* Insert row; unset serial and now-defaulted columns take the database's
 * value, which is read back into row. */
int ormc_row_insert(ormc_db *db, const ormc_table *t, void *row);

/* Insert n rows (an array of row structs), all or none. */
int ormc_row_insert_many(ormc_db *db, const ormc_table *t, const void *rows,
                         size_t n);

/* Update the columns in `set` of the row with row's primary key.
 * ORMC_NOT_FOUND when no row has that key. */
int ormc_row_update_columns(ormc_db *db, const ormc_table *t, const void *row,
                            ormc_colset set);

/* INSERT ... ON CONFLICT (conflict) DO UPDATE; the stored row is read back
 * into row (which then owns its data). */
int ormc_row_upsert(ormc_db *db, const ormc_table *t, void *row,
                    ormc_colset conflict);

/* The row whose `key` columns equal row's, created from row when absent;
 * the stored row is read back into row. *created (may be NULL) tells. */
int ormc_row_find_or_create(ormc_db *db, const ormc_table *t, void *row,
                            ormc_colset key, bool *created /* OUT */);

/* Client-side checks: NOT NULL (the columns the database fills on insert,
 * serial and default now, may be unset), max characters, UTF-8, JSON
 * syntax (RFC 8259, as PostgreSQL's jsonb takes it: no \u0000), enum
 * range, no NaN in a double, no timestamp before 4714-11-24 BC (the first
 * day PostgreSQL stores). Every write of a row (insert, insert_many,
 * update, update_columns, upsert, find_or_create, update_where) runs the
 * same checks on the columns it sends, before sending anything, and
 * refuses with ORMC_INVALID and "table.column: why" in ormc_errmsg.
 * ORMC_OK or ORMC_INVALID (why may be NULL). */
int ormc_row_validate(const ormc_table *t, const void *row,
                      ormc_invalid *why /* OUT */);

/* Fill row with a valid row, deterministic in seq, distinct per seq for
 * unique columns. The row owns its strings: free it with ormc_row_free. */
int ormc_row_fixture(const ormc_table *t, void *row /* OUT */, uint64_t seq);

/* ormc_row_fixture, then insert it, creating referenced parent rows. */
int ormc_row_fixture_insert(ormc_db *db, const ormc_table *t, uint64_t seq,
                            void *row /* OUT */);

/* Release what a fetched row owns and zero it; harmless on a caller-built
 * row (whose ormc_owned is NULL). NULL row is a no-op. */
void ormc_row_free(const ormc_table *t, void *row);

/* === Engine: the query builder === */

struct ormc_foreign_key;
struct ormc_builder;

typedef struct ormc_cond {
    uint16_t column;    /* column index (relation conditions: unused, 0) */
    uint8_t op;         /* ormc_op, or a relation condition's own op */
    uint8_t or_group;   /* 0: AND-ed; n: OR-ed with the others of group n */
    ormc_param value;   /* the operand (unused for IS_NULL, IS_NOT_NULL) */
    const void *values; /* ORMC_IN: borrowed array of the column's C type;
                           a loader's key list: borrowed array of pointers
                           to the rows holding the keys */
    size_t n_values;    /* ORMC_IN, key list: length of values */
    /* Relation conditions (ormc_builder_where_parent, _where_parent_in,
     * _where_linked, the loaders' key lists); NULL otherwise. */
    const struct ormc_foreign_key *fk;   /* the key the condition follows */
    const struct ormc_foreign_key *from; /* _where_linked: the join table's
                                            key to the linked row */
    const void *row;                /* the parent or linked row, borrowed */
    const struct ormc_builder *sub; /* _where_parent_in: the query of the
                                       parents, borrowed */
} ormc_cond;

#define ORMC_QUERY_INLINE_CONDS 8
#define ORMC_QUERY_MAX_ORDER 8

/*
 * A query under construction: a value on the caller's stack. Values given to
 * it are borrowed until the query has run. Building never fails loudly: an
 * error (out of memory, bad column) is remembered and returned by the
 * executor.
 */
typedef struct ormc_builder {
    const ormc_table *table;
    ormc_cond inline_conds[ORMC_QUERY_INLINE_CONDS];
    ormc_cond *conds; /* inline_conds or a heap array */
    size_t n_conds, cap_conds;
    struct {
        uint16_t column;
        uint8_t dir; /* ormc_order */
    } order[ORMC_QUERY_MAX_ORDER];
    uint8_t n_order;
    uint8_t open_group; /* the OR group being built, 0 = none */
    uint8_t n_groups;
    int64_t limit;  /* -1: none */
    int64_t offset; /* 0: none */
    int error;      /* first building error, ORMC_OK when none */
    /* What that error was, for the executor's message: a sentence and the
     * column it is about (1 + its index; 0: none); or the call whose
     * column set, error_set, named no one column of the table. */
    const char *error_what;
    uint16_t error_column;
    const char *error_call;
    ormc_colset error_set;
} ormc_builder;

void ormc_builder_init(ormc_builder *q, const ormc_table *t);
void ormc_builder_free(ormc_builder *q);
/* Every call names its column by its bit (a generated column macro, which
 * also carries the table's tag, or ORMC_COLUMN_BIT(i)), as ormc_colset
 * arguments do everywhere: exactly one column of the table, else the
 * builder keeps ORMC_INVALID and what was wrong, for the executor's
 * message. */
void ormc_builder_where(ormc_builder *q, ormc_colset column, ormc_op op,
                        const ormc_param *value);
void ormc_builder_where_in(ormc_builder *q, ormc_colset column,
                           const void *values, size_t n);
void ormc_builder_or_begin(ormc_builder *q);
void ormc_builder_or_end(ormc_builder *q);
void ormc_builder_order_by(ormc_builder *q, ormc_colset column, ormc_order dir);
void ormc_builder_limit(ormc_builder *q, int64_t limit);
void ormc_builder_offset(ormc_builder *q, int64_t offset);

/* Executors. _first: ORMC_OK or ORMC_NOT_FOUND. _all: *items is an array of
 * *count rows, each owning its data (free with the table's _list_free). */
int ormc_builder_first(ormc_db *db, const ormc_builder *q, void *row /* OUT */);
int ormc_builder_all(ormc_db *db, const ormc_builder *q, void **items /* OUT */,
                     size_t *count /* OUT */);
int ormc_builder_count(ormc_db *db, const ormc_builder *q,
                       int64_t *n /* OUT */);
int ormc_builder_exists(ormc_db *db, const ormc_builder *q,
                        bool *exists /* OUT */);
int ormc_builder_delete(ormc_db *db, const ormc_builder *q,
                        int64_t *deleted /* OUT */);
int ormc_builder_update(ormc_db *db, const ormc_builder *q, const void *values,
                        ormc_colset set, int64_t *changed /* OUT */);
void ormc_list_free(const ormc_table *t, void *items, size_t count);

/*
 * The SQL that ormc_builder_all would send for q, written for dialect d
 * with its parameters as that backend takes them ($1 on PostgreSQL, ?1 on
 * SQLite), without a database: what the generated <table>_query_sql
 * calls. Values never appear in the text (they are the parameters), so a
 * secret column's value cannot leak through it. _first, _count, _exists,
 * _delete_where and _update_where send other statements over the same
 * WHERE (a LIMIT 1, a COUNT(*), ...).
 *
 * As snprintf: writes at most len bytes into buf, always NUL-terminated
 * when len > 0 (cut short when it does not fit), and returns the length of
 * the whole text, not counting the NUL: a return >= len means buf was too
 * small (call again with return + 1 bytes; buf may be NULL when len is 0).
 * On error returns a negative status, -ORMC_INVALID (NULL q, an unknown
 * dialect, or the error a building call recorded in q, which the
 * executors would return) or -ORMC_NOMEM, and buf holds "" when len > 0.
 */
int ormc_builder_sql(const ormc_builder *q, ormc_dialect d, char *buf,
                     size_t len);

typedef struct ormc_cursor ormc_cursor;

/* Stream the rows of q. _next gives ORMC_ROW with a row whose strings and
 * blobs are borrowed until the next _next or _close, or ORMC_DONE. On
 * PostgreSQL a server-side cursor fetched 1,000 rows at a time, in the
 * current transaction or (autocommit, none open) in one of its own that
 * ends when the cursor is done or closed (docs/data-access.md). Past 32
 * cursors open on one PostgreSQL connection, a cursor streams row by row
 * and holds the connection from its first row until it is done or
 * closed: meanwhile every other statement on db is refused with
 * ORMC_INVALID ("a cursor is open on this connection: close it first, or
 * use another connection"), nothing sent; a commit or rollback ends the
 * cursor, whose next _next then returns ORMC_INVALID. */
int ormc_cursor_open(ormc_db *db, const ormc_builder *q,
                     ormc_cursor **cur /* OUT */);
int ormc_cursor_next(ormc_cursor *cur, void *row /* OUT */);
void ormc_cursor_close(ormc_cursor *cur);

/* === Engine: reusing a built query === */

/* Replace the value of q's one condition on `column` (as ormc_builder_where
 * takes it), so that a query built once runs again with new values: what
 * the generated <table>_query_set_<column> calls. The executor then finds
 * the statement of the query's shape in the cache, and binds the new
 * value. A column q has no condition on, or several; a condition that
 * takes no value (IN, IS NULL, IS NOT NULL); or a value of another type
 * than the column's is kept as q's error (ORMC_INVALID), as the other
 * builder calls keep theirs; a q with an error is left as it is. */
void ormc_builder_set(ormc_builder *q, ormc_colset column,
                      const ormc_param *value);

/* === Engine: a schema's SQL queries (docs/queries.md) ===
 *
 * A query declared in a schema is described by an ormc_sql_query that the
 * generator writes: its text per dialect (parameters as $N), a keyless
 * table over its params struct (column i is $i+1) and one over its row
 * struct (column i is result column i). `params` points to a params
 * struct, NULL when the query has none. The statement is kept in the
 * connection's statement cache under the descriptor's address. Change
 * hooks do not fire for queries; the trace hook sees them.
 */
typedef struct ormc_sql_query {
    const char *name;         /* the query's DSL name */
    const char *sqlite;       /* its text on SQLite; NULL: it does not run
                                 there (ORMC_UNSUPPORTED) */
    const char *postgres;     /* its text on PostgreSQL; NULL: likewise */
    const ormc_table *params; /* its parameters, or NULL for none */
    const ormc_table *row;    /* its result row, or NULL (exec) */
} ormc_sql_query;

/* Every row: *items an array of *count rows of q->row, each owning its
 * data (free with ormc_list_free(q->row, ...)). */
int ormc_sql_many(ormc_db *db, const ormc_sql_query *q, const void *params,
                  void **items /* OUT */, size_t *count /* OUT */);
/* The one row: ORMC_OK, ORMC_NOT_FOUND (out untouched), or ORMC_INVALID
 * when more than one row came back (out untouched). */
int ormc_sql_one(ormc_db *db, const ormc_sql_query *q, const void *params,
                 void *out /* OUT */);
/* Run it; *changes (may be NULL): the rows it changed. */
int ormc_sql_exec(ormc_db *db, const ormc_sql_query *q, const void *params,
                  int64_t *changes /* OUT */);
/* Stream the rows with ormc_cursor_next and ormc_cursor_close, as
 * ormc_cursor_open; on PostgreSQL the statement streams row by row and
 * holds the connection until the cursor is done or closed. */
int ormc_sql_cursor_open(ormc_db *db, const ormc_sql_query *q,
                         const void *params, ormc_cursor **cur /* OUT */);

/* === Engine: batches (docs/batch.md) ===
 *
 * What the generated _in functions call: each queues into b the call its
 * name gives, with the arguments of that call (db replaced by b) and rc
 * where its status lands when ormc_batch_run runs the batch. key_row is
 * copied (a row struct of t with the key columns set; the characters of a
 * text key stay borrowed); every other pointer is borrowed until the batch
 * has run. The return says whether it was queued: ORMC_OK, or ORMC_NOMEM
 * or ORMC_INVALID (NULL b or rc) with *rc set to it when rc is given.
 * `items` is the address of the caller's list pointer (the generated
 * list's items field), written as a pointer to the rows.
 */
int ormc_batch_row_get(ormc_batch *b, const ormc_table *t, const void *key_row,
                       void *out /* OUT */, int *rc /* OUT */);
int ormc_batch_row_get_by(ormc_batch *b, const ormc_table *t, ormc_colset key,
                          const void *key_row, void *out /* OUT */,
                          int *rc /* OUT */);
int ormc_batch_row_insert(ormc_batch *b, const ormc_table *t, void *row,
                          int *rc /* OUT */);
int ormc_batch_row_update(ormc_batch *b, const ormc_table *t, const void *row,
                          int *rc /* OUT */);
int ormc_batch_row_update_columns(ormc_batch *b, const ormc_table *t,
                                  const void *row, ormc_colset set,
                                  int *rc /* OUT */);
int ormc_batch_row_delete(ormc_batch *b, const ormc_table *t,
                          const void *key_row, int *rc /* OUT */);
int ormc_batch_row_upsert(ormc_batch *b, const ormc_table *t, void *row,
                          ormc_colset conflict, int *rc /* OUT */);
int ormc_batch_row_find_or_create(ormc_batch *b, const ormc_table *t, void *row,
                                  ormc_colset key, bool *created /* OUT */,
                                  int *rc /* OUT */);
int ormc_batch_builder_first(ormc_batch *b, const ormc_builder *q,
                             void *row /* OUT */, int *rc /* OUT */);
int ormc_batch_builder_all(ormc_batch *b, const ormc_builder *q,
                           void *items /* OUT */, size_t *count /* OUT */,
                           int *rc /* OUT */);
int ormc_batch_builder_count(ormc_batch *b, const ormc_builder *q,
                             int64_t *n /* OUT */, int *rc /* OUT */);
int ormc_batch_sql_one(ormc_batch *b, const ormc_sql_query *q,
                       const void *params, void *out /* OUT */,
                       int *rc /* OUT */);
int ormc_batch_sql_many(ormc_batch *b, const ormc_sql_query *q,
                        const void *params, void *items /* OUT */,
                        size_t *count /* OUT */, int *rc /* OUT */);
int ormc_batch_sql_exec(ormc_batch *b, const ormc_sql_query *q,
                        const void *params, int64_t *changes /* OUT */,
                        int *rc /* OUT */);

/* === Engine: relations (docs/relations.md) ===
 *
 * What the generated relation functions call. `fk` is a foreign key of
 * fk->child referencing fk->parent; a `child` row is a row struct of
 * fk->child, a `parent` row one of fk->parent. Lists are arrays of row
 * structs, as _all returns them.
 */

/* The most keys one loader statement carries (fewer when the key has so
 * many columns that a backend's parameter limit would be passed: SQLite's
 * variable limit, PostgreSQL's 65,535). Loading for n distinct keys sends
 * ceil(n / ORMC_RELATION_BATCH) statements: WHERE <key> IN (...), or on
 * PostgreSQL for a key of one integer, bigint, text or uuid column
 * WHERE "k" = ANY($1) with the keys in one array (docs/runtime.md). */
#define ORMC_RELATION_BATCH 1000

/* The parent row of `child` through fk, decoded into out (owning its data:
 * free with ormc_row_free): ORMC_OK, or ORMC_NOT_FOUND (out untouched) when
 * a key column of child is NULL (nothing sent) or no parent row has the
 * key, or an error. Runs in the current transaction. */
int ormc_relation_parent(ormc_db *db, const ormc_foreign_key *fk,
                         const void *child, void *out /* OUT */);

/* Narrow q (a query of fk->child) to the children of `parent`: every key
 * column equal to parent's referenced column (a parent whose key is NULL
 * has none). parent is borrowed until q has run; NULL parent, or fk not a
 * key of q's table: ORMC_INVALID kept in q. */
void ormc_builder_where_parent(ormc_builder *q, const ormc_foreign_key *fk,
                               const void *parent);

/* Narrow q (a query of fk->child) to the rows whose parent matches
 * `parents` (a query of fk->parent, borrowed until q has run):
 * (key columns) IN (SELECT referenced columns FROM parent WHERE <parents'
 * conditions> [ORDER BY ... LIMIT ... OFFSET ...]). An error of parents,
 * or subqueries nested more than 8 deep (q given itself): the executor's
 * ORMC_INVALID. */
void ormc_builder_where_parent_in(ormc_builder *q, const ormc_foreign_key *fk,
                                  const ormc_builder *parents);

/* Many-to-many through a join table: `to` and `from` are two foreign keys
 * of the same child (the join table); q is a query of to->parent. Narrow q
 * to the rows linked to `linked` (a row of from->parent, borrowed):
 * (to's referenced columns) IN (SELECT to's key columns FROM join WHERE
 * from's key columns = linked's referenced columns). */
void ormc_builder_where_linked(ormc_builder *q, const ormc_foreign_key *to,
                               const ormc_foreign_key *from,
                               const void *linked);

/* The distinct parents of the n children (NULL keys skipped), in
 * ceil(distinct keys / batch) statements: *parents an array of *count rows
 * of fk->parent sorted by the referenced columns, in the order of the key
 * they form (the primary key's pk_order, or the unique index's order: what
 * ormc_list_find is then given), each owning its data (free with
 * ormc_list_free). n = 0: an empty
 * list, nothing sent. On failure *parents is NULL and *count 0. */
int ormc_relation_load_parents(ormc_db *db, const ormc_foreign_key *fk,
                               const void *children, size_t n,
                               void **parents /* OUT */,
                               size_t *count /* OUT */);

/* The children of the n parents, in batches as above: *children an array
 * of *count rows of fk->child sorted by the key columns (in key order),
 * then by fk->child's primary key (without one: in the order the database
 * returned them). */
int ormc_relation_load_children(ormc_db *db, const ormc_foreign_key *fk,
                                const void *parents, size_t n,
                                void **children /* OUT */,
                                size_t *count /* OUT */);

/* Sort the count rows of t at items by `columns` (n_columns column indexes,
 * compared in order; NULL first), stably. Values compare by type: numbers
 * and timestamps by value, text and JSON by their bytes (not a collation),
 * blobs by length then bytes, UUIDs by bytes, enums by index. Cannot
 * fail (out of memory, it sorts in place, slowly); bad arguments: no-op. */
void ormc_list_sort(const ormc_table *t, void *items, size_t count,
                    const uint16_t *columns, uint16_t n_columns);

/* Binary search in rows sorted by `columns` (as ormc_list_sort leaves
 * them): the row whose columns equal key_row's (a row of t), or NULL. */
const void *ormc_list_find(const ormc_table *t, const void *items, size_t count,
                           const uint16_t *columns, uint16_t n_columns,
                           const void *key_row);

/* In children sorted by fk's key columns (as ormc_relation_load_children
 * leaves them): the first child of `parent` and in *n how many follow it
 * (the run of children whose key equals parent's), or NULL and *n = 0. */
const void *ormc_relation_children_of(const ormc_foreign_key *fk,
                                      const void *children, size_t count,
                                      const void *parent, size_t *n /* OUT */);

/* === Engine: schemas === */

/* Create the schema's tables and indexes where missing. */
int ormc_schema_create(ormc_db *db, const ormc_schema *s);
/* Drop the schema's tables (children first). */
int ormc_schema_drop(ormc_db *db, const ormc_schema *s);
/* Compare the live database with s: ORMC_OK or ORMC_SCHEMA_DRIFT with
 * ormc_errmsg naming the differences that break data. The same as
 * ormc_schema_check_with(db, s, 0, NULL, NULL). */
int ormc_schema_check(ormc_db *db, const ormc_schema *s);

/*
 * Compare the live database with s, telling report (may be NULL) every
 * difference, each marked as breaking data or not (ormc_drift; ctx is
 * passed through). Returns ORMC_OK when none fails the check, else
 * ORMC_SCHEMA_DRIFT with ormc_errmsg listing those that fail (as many as
 * the message holds, then how many more) and ormc_errconstraint the
 * column or index of the first. Without flags only the differences that
 * break data fail; with ORMC_CHECK_STRICT every difference does.
 * ORMC_INVALID for unknown flags or a bad descriptor. Reads in the
 * caller's transaction, or in a read-only one of its own that it ends;
 * the report callback runs meanwhile and must not use db.
 */
int ormc_schema_check_with(ormc_db *db, const ormc_schema *s, unsigned flags,
                           ormc_drift_fn report, void *ctx);

/*
 * Bring the live database to s, all or nothing (a transaction of its own,
 * or a savepoint of the caller's): rename each column whose renamed_from
 * is there and whose name is not; add each missing column that a table
 * with rows can take (nullable or with a default, not a key, not unique;
 * on SQLite not defaulting to the current time); with
 * ORMC_MIGRATE_DROP_COLUMNS drop the columns s does not have; create the
 * missing tables and indexes. Then the drift check runs (without
 * ORMC_CHECK_STRICT): ORMC_OK when nothing left breaks data; otherwise
 * ORMC_SCHEMA_DRIFT naming what is left that does (a type, a NOT NULL, a
 * constraint: `ormc diff` writes the migration for those,
 * docs/migrations.md), and nothing was changed.
 */
int ormc_schema_migrate(ormc_db *db, const ormc_schema *s, unsigned flags);

/* === Engine: fixtures for a whole database (docs/fixtures.md) ===
 *
 * What the generated <schema>_fixtures_fill and `ormc seed` call. counts[i]
 * is the number of rows to add to s->tables[i] (n_counts must be
 * s->n_tables). The rows are a pure function of the schema, the counts
 * and seed: the same arguments give the same rows on SQLite and on
 * PostgreSQL, stored or written as a script. Foreign keys point at rows
 * the same call adds (a table asked for 0 rows that a NOT NULL foreign key
 * needs gets some: one per child for a one-to-one key, else one per 10
 * children); unique and primary keys, composite ones too, are distinct;
 * text respects max, enums their labels, NOT NULL columns get values.
 * docs/fixtures.md says how each value is made.
 */

/*
 * Add the rows to the live database, all or nothing: in a transaction of
 * its own (committed), or as a savepoint of the caller's open one. Serial
 * keys are sent explicitly, and PostgreSQL's sequences moved past them.
 * Into tables that already hold rows, the new rows are numbered after the
 * existing ones (after the row count, or the largest serial or numbered
 * integer key), so that filling twice adds rows rather than failing; a
 * unique value that the numbering does not know of (a row written by
 * other means) can still collide: the constraint's error is returned and
 * nothing is added. ORMC_OK; ORMC_INVALID with ormc_errmsg saying why
 * (counts that do not match the schema, a NOT NULL foreign key whose
 * parent cannot get enough rows), nothing sent; or the error of a
 * statement. Bulk speed: 1,000 rows per ormc_row_insert_many, which is one
 * COPY on PostgreSQL when no change hook is set.
 */
int ormc_schema_fill(ormc_db *db, const ormc_schema *s, const size_t *counts,
                     size_t n_counts, uint64_t seed);

/* Where ormc_schema_fill_sql writes: len bytes of text, in order. Return
 * 0 to go on, anything else to stop (the call then fails). */
typedef int (*ormc_fill_write_fn)(void *ctx, const char *text, size_t len);

/*
 * The rows ormc_schema_fill adds to an empty database, as an SQL script
 * for dialect d that sqlite3 or psql loads, handed to write in pieces:
 * BEGIN, the tables parents first (SQLite: multi-row INSERTs; PostgreSQL:
 * a COPY ... FROM stdin with the rows inline, then a setval per serial
 * key), COMMIT. The script expects the tables to exist and to hold none
 * of the keys it inserts (it numbers rows from 1). ORMC_OK; else
 * ORMC_INVALID or ORMC_NOMEM with the reason in err (err_len bytes, may
 * be NULL); what was written so far is then incomplete.
 */
int ormc_schema_fill_sql(const ormc_schema *s, const size_t *counts,
                         size_t n_counts, uint64_t seed, ormc_dialect d,
                         ormc_fill_write_fn write, void *ctx, char *err,
                         size_t err_len);

#ifdef __cplusplus
}
#endif

#endif /* ORMC_GENERATED_H */
