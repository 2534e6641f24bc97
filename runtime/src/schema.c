/*
 * schema.c: creating, dropping, checking and migrating a whole schema
 * (ormc_schema_create, ormc_schema_drop, ormc_schema_check,
 * ormc_schema_migrate).
 *
 * Create and drop are all or nothing: they run in a transaction of their
 * own, or in a savepoint of the caller's transaction when one is open (DDL
 * is transactional on PostgreSQL and on SQLite alike), so that a failure
 * leaves neither half a schema behind nor the caller's transaction failed.
 *
 * The check reads the live catalog (PostgreSQL: pg_catalog, restricted to
 * current_schema(); SQLite: sqlite_master and the table-valued PRAGMA
 * functions) and compares it with the compiled descriptors, table by table
 * in the schema's order: the table, then each column (present, type,
 * nullability), then columns the schema does not know, then the primary
 * key, then each index (present, on that table, unique or not, its
 * columns). The first difference becomes the ORMC_SCHEMA_DRIFT message.
 * The type a column must have is the one its descriptor gives for the
 * backend (ormc_column_dialect.catalog_type, written by the generator's
 * gen/dialect.lua). docs/schema-check.md lists what is compared.
 *
 * Migrate makes the additive changes a running program can make safely
 * (rename and add columns, create tables and indexes; drop columns when
 * asked), all or nothing like create, and ends with the check: whatever
 * drift is left undoes it all. Whether a column can be added, and how, is
 * the descriptor's (ormc_column_dialect.add or .why_not_added, decided by
 * gen/ddl.lua). docs/migrations.md.
 *
 * Every statement goes through the statement layer (catalog queries) or
 * ormc__exec_control (DDL), so that tracing, stats and the transaction
 * rules apply as to any other statement.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ormc_int.h"
#include "session.h"

/* === Catalog queries === */

/*
 * The columns of one table: name, declared type, NOT NULL (0/1), position
 * in the primary key (1-based, 0 when not part of it). No row: no table.
 * PostgreSQL: a table with no columns gives one row of NULLs.
 */
static const char sqlite_columns_sql[] =
    "SELECT p.\"name\", p.\"type\", p.\"notnull\", p.\"pk\" "
    "FROM \"sqlite_master\" AS m, pragma_table_info(m.\"name\", 'main') AS p "
    "WHERE m.\"type\" = 'table' AND m.\"name\" = $1 COLLATE NOCASE "
    "ORDER BY p.\"cid\"";

static const char postgres_columns_sql[] =
    "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
    "a.attnotnull::int, "
    "COALESCE((SELECT k.ord FROM pg_catalog.pg_index AS x, "
    "unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) "
    "WHERE x.indrelid = c.oid AND x.indisprimary "
    "AND k.attnum = a.attnum), 0) "
    "FROM pg_catalog.pg_class AS c "
    "JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
    "LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid "
    "AND a.attnum > 0 AND NOT a.attisdropped "
    "WHERE n.nspname = current_schema() AND c.relname = $1 "
    "AND c.relkind IN ('r', 'p') "
    "ORDER BY a.attnum";

/*
 * One index by name: the table it is on, unique (0/1), and one row per key
 * column in index order (the column name is NULL for an expression). No
 * row: no such index.
 */
static const char sqlite_index_sql[] =
    "SELECT m.\"tbl_name\", l.\"unique\", i.\"name\" "
    "FROM \"sqlite_master\" AS m, "
    "pragma_index_list(m.\"tbl_name\", 'main') AS l, "
    "pragma_index_info(m.\"name\", 'main') AS i "
    "WHERE m.\"type\" = 'index' AND m.\"name\" = $1 COLLATE NOCASE "
    "AND l.\"name\" = m.\"name\" "
    "ORDER BY i.\"seqno\"";

static const char postgres_index_sql[] =
    "SELECT t.relname, x.indisunique::int, a.attname "
    "FROM pg_catalog.pg_class AS i "
    "JOIN pg_catalog.pg_namespace AS n ON n.oid = i.relnamespace "
    "JOIN pg_catalog.pg_index AS x ON x.indexrelid = i.oid "
    "JOIN pg_catalog.pg_class AS t ON t.oid = x.indrelid "
    "CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY "
    "AS k(attnum, ord) "
    "LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid = t.oid "
    "AND a.attnum = k.attnum "
    "WHERE n.nspname = current_schema() AND i.relname = $1 "
    "AND k.ord <= x.indnkeyatts "
    "ORDER BY k.ord";

/*
 * SQLite names the index behind a table's UNIQUE constraint itself
 * (sqlite_autoindex_<table>_<n>), whatever CONSTRAINT name the DDL gave:
 * such a constraint is found by its columns among these.
 */
static const char sqlite_unique_constraints_sql[] =
    "SELECT l.\"name\" FROM pragma_index_list($1, 'main') AS l "
    "WHERE l.\"origin\" = 'u'";

static const char postgres_current_schema_sql[] = "SELECT current_schema()";

/*
 * Creators and droppers of the same PostgreSQL schema take turns: two
 * concurrent CREATE TABLE IF NOT EXISTS of one name can both pass the "not
 * exists" test and one then fail on pg_type's unique index. The lock is
 * per current schema (tenants do not wait for each other) and held to the
 * end of the transaction. 0x6f726d63 is "ormc".
 */
static const char postgres_lock_sql[] =
    "SELECT 1 FROM (SELECT pg_catalog.pg_advisory_xact_lock(1869770083, "
    "pg_catalog.hashtext(COALESCE(current_schema(), '')))) AS l";

/* The rows of a catalog query, every value as text. */
typedef struct catalog_rows {
    size_t n_rows;
    int n_cols;
    char **cells; /* row r, column c: cells[r * n_cols + c]; owned; NULL
                     is SQL NULL */
} catalog_rows;

static void rows_free(catalog_rows *r)
{
    if (!r->cells)
        return;
    for (size_t i = 0; i < r->n_rows * (size_t)r->n_cols; i++)
        free(r->cells[i]);
    free(r->cells);
    r->cells = NULL;
    r->n_rows = 0;
}

static const char *cell(const catalog_rows *r, size_t row, int col)
{
    return r->cells[row * (size_t)r->n_cols + (size_t)col];
}

static int cell_int(const catalog_rows *r, size_t row, int col)
{
    const char *v = cell(r, row, col);
    return v ? atoi(v) : 0;
}

static char *dup_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/*
 * Run a catalog query with one text parameter $1 (none when arg is NULL)
 * and keep its n_cols columns of every row in *out (freed with rows_free;
 * left empty on failure).
 */
static int collect(ormc_db *db, const char *sql, int n_cols, const char *arg,
                   catalog_rows *out)
{
    ormc_param param;
    memset(out, 0, sizeof *out);
    out->n_cols = n_cols;
    memset(&param, 0, sizeof param);
    param.type = ORMC_TYPE_TEXT;
    param.u.text = arg;
    ormc__stmt *st;
    int rc = ormc__stmt_prepare(db, sql, &st);
    if (rc != ORMC_OK)
        return rc;
    st->binary = false; /* every value as text */
    rc = ormc__stmt_bind_params(st, &param, arg ? 1 : 0);
    size_t cap = 0;
    while (rc == ORMC_OK && (rc = ormc__stmt_step(st)) == ORMC_ROW) {
        if (out->n_rows == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **cells =
                realloc(out->cells, ncap * (size_t)n_cols * sizeof *cells);
            if (!cells) {
                rc = ormc__error(db, ORMC_NOMEM, NULL, NULL,
                                 "out of memory reading the catalog");
                break;
            }
            out->cells = cells;
            cap = ncap;
        }
        char **row = out->cells + out->n_rows * (size_t)n_cols;
        memset(row, 0, (size_t)n_cols * sizeof *row);
        out->n_rows++;
        for (int c = 0; c < n_cols && rc == ORMC_ROW; c++) {
            ormc_param v;
            rc = ormc__stmt_value(st, c, ORMC_TYPE_TEXT, &v);
            if (rc != ORMC_OK)
                break;
            rc = ORMC_ROW;
            if (v.is_null)
                continue;
            if (!(row[c] = dup_text(v.u.text)))
                rc = ormc__error(db, ORMC_NOMEM, NULL, NULL,
                                 "out of memory reading the catalog");
        }
        if (rc == ORMC_ROW)
            rc = ORMC_OK;
    }
    if (rc == ORMC_DONE)
        rc = ORMC_OK;
    ormc__stmt_release(st);
    if (rc != ORMC_OK)
        rows_free(out);
    return rc;
}

/* The live columns of table t (columns_sql); no row: no table. */
static int collect_columns(ormc_db *db, const ormc_table *t, catalog_rows *out)
{
    bool pg = db->backend == ORMC_POSTGRES;
    return collect(db, pg ? postgres_columns_sql : sqlite_columns_sql, 4,
                   t->sql_name, out);
}

/* === Names === */

/* SQLite compares identifiers without regard to ASCII case; PostgreSQL
 * compares the (already case-folded) catalog names exactly. */
static bool same_name(const ormc_db *db, const char *a, const char *b)
{
    if (!a || !b)
        return false;
    if (db->backend != ORMC_SQLITE)
        return strcmp(a, b) == 0;
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return false;
        if (x == '\0')
            return true;
    }
}

/* "schema"."name". */
static void put_qualified(ormc__buf *b, const char *schema, const char *name)
{
    ormc__buf_put_ident(b, schema);
    ormc__buf_putc(b, '.');
    ormc__buf_put_ident(b, name);
}

/* === Transactions === */

typedef int (*schema_body)(ormc_db *db, const ormc_schema *s);

/* Run body all or nothing: in a transaction of its own (committed), or in a
 * savepoint of the caller's open transaction (released). On failure the
 * level is rolled back and body's error is what the connection reports. */
static int run_atomic(ormc_db *db, const ormc_schema *s, schema_body body)
{
    int rc = ormc__begin_writer(db);
    if (rc != ORMC_OK)
        return rc;
    return ormc__end_level(db, body(db, s));
}

static int check_args(ormc_db *db, const ormc_schema *s, const char *what)
{
    if (!s)
        return ormc__error(db, ORMC_INVALID, NULL, NULL, "%s: no schema given",
                           what);
    if (s->n_tables && !s->tables)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "%s: schema %s has no table descriptors", what,
                           s->name ? s->name : "?");
    return ORMC_OK;
}

/* === Create === */

/* PostgreSQL: wait for other creators and droppers of this schema. */
static int take_turns(ormc_db *db)
{
    if (db->backend != ORMC_POSTGRES)
        return ORMC_OK; /* SQLite: one writer at a time anyway */
    catalog_rows r;
    int rc = collect(db, postgres_lock_sql, 1, NULL, &r);
    rows_free(&r);
    return rc;
}

/* Which statements of the schema's DDL run_ddl runs. gen/ddl.lua writes
 * each table's CREATE TABLE, then its CREATE [UNIQUE] INDEXes. */
typedef enum ddl_part {
    DDL_ALL,
    DDL_TABLES,
    DDL_INDEXES
} ddl_part;

static int run_ddl(ormc_db *db, const ormc_schema *s, ddl_part part)
{
    const char *const *ddl =
        db->backend == ORMC_POSTGRES ? s->ddl_postgres : s->ddl_sqlite;
    int rc = ORMC_OK;
    for (size_t i = 0; rc == ORMC_OK && ddl[i]; i++) {
        bool table = strncmp(ddl[i], "CREATE TABLE", 12) == 0;
        if (part == DDL_ALL || table == (part == DDL_TABLES))
            rc = ormc__exec_control(db, ddl[i], true, NULL);
    }
    return rc;
}

static int create_body(ormc_db *db, const ormc_schema *s)
{
    int rc = take_turns(db);
    return rc == ORMC_OK ? run_ddl(db, s, DDL_ALL) : rc;
}

int ormc_schema_create(ormc_db *db, const ormc_schema *s)
{
    if (!db)
        return ORMC_INVALID;
    ormc__clear_error(db);
    int rc = check_args(db, s, "ormc_schema_create");
    if (rc != ORMC_OK)
        return rc;
    const char *const *ddl =
        db->backend == ORMC_POSTGRES ? s->ddl_postgres : s->ddl_sqlite;
    if (!ddl)
        return ormc__error(
            db, ORMC_UNSUPPORTED, NULL, NULL, "schema %s has no DDL for %s",
            s->name, db->backend == ORMC_POSTGRES ? "PostgreSQL" : "SQLite");
    return run_atomic(db, s, create_body);
}

/* === Drop === */

/*
 * The schema that the catalog reads look at, for qualifying the names of
 * the statements that change it: PostgreSQL's current_schema() (an
 * unqualified name may find a temporary table, or a table further down
 * search_path), SQLite's "main". One row, one column; free with
 * rows_free.
 */
static int current_schema(ormc_db *db, const char *what, catalog_rows *cur)
{
    if (db->backend != ORMC_POSTGRES) {
        memset(cur, 0, sizeof *cur);
        cur->n_cols = 1;
        cur->cells = malloc(sizeof *cur->cells);
        if (!cur->cells || !(cur->cells[0] = dup_text("main"))) {
            free(cur->cells);
            cur->cells = NULL;
            return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        }
        cur->n_rows = 1;
        return ORMC_OK;
    }
    int rc = collect(db, postgres_current_schema_sql, 1, NULL, cur);
    if (rc != ORMC_OK)
        return rc;
    if (cur->n_rows != 1 || !cell(cur, 0, 0)) {
        rows_free(cur);
        return ormc__error(db, ORMC_INVALID, "3F000", NULL,
                           "%s: no current schema (search_path names no "
                           "existing schema)",
                           what);
    }
    return ORMC_OK;
}

static int drop_body(ormc_db *db, const ormc_schema *s)
{
    char storage[256];
    ormc__buf b;
    catalog_rows cur = {0, 0, NULL};
    int rc = take_turns(db);
    if (rc != ORMC_OK)
        return rc;
    /* Qualify the names: an unqualified DROP of a table missing from the
     * current schema would find one further down search_path. */
    if ((rc = current_schema(db, "ormc_schema_drop", &cur)) != ORMC_OK)
        return rc;
    ormc__buf_init(&b, storage, sizeof storage);
    for (size_t i = s->n_tables; i-- > 0 && rc == ORMC_OK;) {
        ormc__buf_clear(&b);
        ormc__buf_puts(&b, "DROP TABLE IF EXISTS ");
        put_qualified(&b, cell(&cur, 0, 0), s->tables[i]->sql_name);
        if (b.failed)
            rc = ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        else
            rc = ormc__exec_control(db, b.data, true, NULL);
    }
    ormc__buf_free(&b);
    rows_free(&cur);
    return rc;
}

int ormc_schema_drop(ormc_db *db, const ormc_schema *s)
{
    if (!db)
        return ORMC_INVALID;
    ormc__clear_error(db);
    int rc = check_args(db, s, "ormc_schema_drop");
    if (rc != ORMC_OK)
        return rc;
    return run_atomic(db, s, drop_body);
}

/* === Check === */

/* Column c as the connection's dialect sees it: the generator's decisions
 * (the catalog type, the ADD COLUMN definition or why there is none). */
static const ormc_column_dialect *in_dialect(const ormc_db *db,
                                             const ormc_column *c)
{
    return db->backend == ORMC_POSTGRES ? &c->postgres : &c->sqlite;
}

/* Record the drift and return ORMC_SCHEMA_DRIFT. `object` (a column or
 * index name, may be NULL) is what ormc_errconstraint reports. */
static int drift(ormc_db *db, const char *object, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int drift(ormc_db *db, const char *object, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ormc__error(db, ORMC_SCHEMA_DRIFT, NULL, object, "%s", msg);
}

/* "(a, b)": a list of names for a message, cut short to fit. */
static void name_list(char *buf, size_t size, const char *const *names,
                      size_t n)
{
    size_t o = 0;
    int w = snprintf(buf, size, "(");
    o = w > 0 ? (size_t)w : 0;
    for (size_t i = 0; i < n && o < size; i++) {
        w = snprintf(buf + o, size - o, "%s%s", i ? ", " : "",
                     names[i] ? names[i] : "<expression>");
        o += w > 0 ? (size_t)w : 0;
    }
    if (o < size)
        snprintf(buf + o, size - o, ")");
}

static int check_columns(ormc_db *db, const ormc_schema *s, const ormc_table *t,
                         const catalog_rows *live)
{
    /* SQLite: an INTEGER PRIMARY KEY is the rowid, never NULL, whatever
     * PRAGMA table_info says. */
    int live_pk_cols = 0;
    for (size_t r = 0; r < live->n_rows; r++)
        if (cell_int(live, r, 3) > 0)
            live_pk_cols++;

    for (uint16_t i = 0; i < t->n_columns; i++) {
        const ormc_column *c = &t->columns[i];
        size_t r = 0;
        while (r < live->n_rows &&
               !same_name(db, cell(live, r, 0), c->sql_name))
            r++;
        if (r == live->n_rows)
            return drift(db, c->sql_name,
                         "table \"%s\": column \"%s\" of schema %s is "
                         "missing from the database",
                         t->sql_name, c->sql_name, s->name);
        const char *want = in_dialect(db, c)->catalog_type;
        const char *have = cell(live, r, 1) ? cell(live, r, 1) : "";
        if (!want)
            return ormc__error(db, ORMC_INVALID, NULL, c->sql_name,
                               "table \"%s\": column \"%s\" of schema %s "
                               "has no catalog type for %s in its descriptor",
                               t->sql_name, c->sql_name, s->name,
                               db->backend == ORMC_POSTGRES ? "PostgreSQL"
                                                            : "SQLite");
        bool same_type = db->backend == ORMC_SQLITE ? same_name(db, have, want)
                                                    : strcmp(have, want) == 0;
        if (!same_type) {
            if (!*have)
                return drift(db, c->sql_name,
                             "table \"%s\": column \"%s\" has no declared "
                             "type in the database but %s in schema %s",
                             t->sql_name, c->sql_name, want, s->name);
            return drift(db, c->sql_name,
                         "table \"%s\": column \"%s\" has type %s in the "
                         "database but %s in schema %s",
                         t->sql_name, c->sql_name, have, want, s->name);
        }
        bool live_nn = cell_int(live, r, 2) != 0;
        if (db->backend == ORMC_SQLITE && live_pk_cols == 1 &&
            cell_int(live, r, 3) == 1 && same_name(db, have, "INTEGER"))
            live_nn = true;
        bool want_nn =
            (c->flags & (ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY)) != 0;
        if (live_nn != want_nn)
            return drift(db, c->sql_name,
                         "table \"%s\": column \"%s\" is %s in the database "
                         "but %s in schema %s",
                         t->sql_name, c->sql_name,
                         live_nn ? "NOT NULL" : "nullable",
                         want_nn ? "NOT NULL" : "nullable", s->name);
    }

    for (size_t r = 0; r < live->n_rows; r++) {
        const char *name = cell(live, r, 0);
        if (!name) /* PostgreSQL: a table without columns */
            continue;
        uint16_t i = 0;
        while (i < t->n_columns && !same_name(db, name, t->columns[i].sql_name))
            i++;
        if (i == t->n_columns)
            return drift(db, name,
                         "table \"%s\": column \"%s\" is in the database "
                         "but not in schema %s",
                         t->sql_name, name, s->name);
    }
    return ORMC_OK;
}

/* Up to this many key columns are compared (PostgreSQL's INDEX_MAX_KEYS). */
#define MAX_KEY 32

static int check_primary_key(ormc_db *db, const ormc_schema *s,
                             const ormc_table *t, const catalog_rows *live)
{
    const char *have[MAX_KEY] = {0};
    const char *want[MAX_KEY] = {0};
    size_t n_have = 0, n_want = t->n_pk < MAX_KEY ? t->n_pk : MAX_KEY;
    bool same = true;
    for (size_t r = 0; r < live->n_rows; r++) {
        int pos = cell_int(live, r, 3);
        if (pos < 1 || pos > MAX_KEY)
            continue;
        have[pos - 1] = cell(live, r, 0);
        if ((size_t)pos > n_have)
            n_have = (size_t)pos;
    }
    for (size_t k = 0; k < n_want; k++)
        want[k] = t->columns[t->pk_order[k]].sql_name;
    if (n_have != n_want)
        same = false;
    for (size_t k = 0; same && k < n_want; k++)
        same = same_name(db, have[k], want[k]);
    if (same)
        return ORMC_OK;
    char hbuf[160], wbuf[160];
    name_list(wbuf, sizeof wbuf, want, n_want);
    if (n_have == 0)
        return drift(db, NULL,
                     "table \"%s\" has no primary key in the database but "
                     "%s in schema %s",
                     t->sql_name, wbuf, s->name);
    name_list(hbuf, sizeof hbuf, have, n_have);
    return drift(db, NULL,
                 "table \"%s\": the primary key is %s in the database but "
                 "%s in schema %s",
                 t->sql_name, hbuf, wbuf, s->name);
}

/* The key columns of the index rows in live (column 2), as a list. */
static size_t index_columns(const catalog_rows *live, const char **out)
{
    size_t n = live->n_rows < MAX_KEY ? live->n_rows : MAX_KEY;
    for (size_t r = 0; r < n; r++)
        out[r] = cell(live, r, 2);
    return n;
}

static bool same_columns(const ormc_db *db, const char *const *a, size_t na,
                         const char *const *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (!same_name(db, a[i], b[i]))
            return false;
    return true;
}

/* SQLite: is there a UNIQUE constraint on t over exactly these columns? */
static int sqlite_find_unique(ormc_db *db, const ormc_table *t,
                              const char *const *want, size_t n_want,
                              bool *found)
{
    catalog_rows cands, idx;
    *found = false;
    int rc = collect(db, sqlite_unique_constraints_sql, 1, t->sql_name, &cands);
    for (size_t r = 0; rc == ORMC_OK && r < cands.n_rows && !*found; r++) {
        const char *have[MAX_KEY];
        if (!cell(&cands, r, 0))
            continue;
        rc = collect(db, sqlite_index_sql, 3, cell(&cands, r, 0), &idx);
        if (rc != ORMC_OK)
            break;
        size_t n_have = index_columns(&idx, have);
        *found = same_columns(db, have, n_have, want, n_want);
        rows_free(&idx);
    }
    rows_free(&cands);
    return rc;
}

static int check_index(ormc_db *db, const ormc_schema *s, const ormc_table *t,
                       const ormc_index *ix)
{
    const char *want[MAX_KEY], *have[MAX_KEY];
    size_t n_want = ix->n_columns < MAX_KEY ? ix->n_columns : MAX_KEY;
    for (size_t k = 0; k < n_want; k++)
        want[k] = t->columns[ix->order[k]].sql_name;

    catalog_rows live;
    bool pg = db->backend == ORMC_POSTGRES;
    int rc = collect(db, pg ? postgres_index_sql : sqlite_index_sql, 3,
                     ix->sql_name, &live);
    if (rc != ORMC_OK)
        return rc;
    if (live.n_rows == 0) {
        bool found = false;
        if (!pg && ix->unique)
            rc = sqlite_find_unique(db, t, want, n_want, &found);
        if (rc == ORMC_OK && !found)
            rc = drift(db, ix->sql_name,
                       "table \"%s\": index \"%s\" of schema %s is missing "
                       "from the database",
                       t->sql_name, ix->sql_name, s->name);
        return rc;
    }
    const char *on = cell(&live, 0, 0);
    bool live_unique = cell_int(&live, 0, 1) != 0;
    size_t n_have = index_columns(&live, have);
    char hbuf[200], wbuf[200];
    if (!same_name(db, on, t->sql_name))
        rc = drift(db, ix->sql_name,
                   "index \"%s\" is on table \"%s\" in the database but on "
                   "table \"%s\" in schema %s",
                   ix->sql_name, on ? on : "?", t->sql_name, s->name);
    else if (live_unique != ix->unique)
        rc = drift(db, ix->sql_name,
                   "table \"%s\": index \"%s\" is %s in the database but %s "
                   "in schema %s",
                   t->sql_name, ix->sql_name,
                   live_unique ? "unique" : "not unique",
                   ix->unique ? "unique" : "not unique", s->name);
    else if (!same_columns(db, have, n_have, want, n_want)) {
        name_list(hbuf, sizeof hbuf, have, n_have);
        name_list(wbuf, sizeof wbuf, want, n_want);
        rc = drift(db, ix->sql_name,
                   "table \"%s\": index \"%s\" is on %s in the database but "
                   "on %s in schema %s",
                   t->sql_name, ix->sql_name, hbuf, wbuf, s->name);
    }
    rows_free(&live);
    return rc;
}

static int check_table(ormc_db *db, const ormc_schema *s, const ormc_table *t)
{
    catalog_rows live;
    int rc = collect_columns(db, t, &live);
    if (rc != ORMC_OK)
        return rc;
    if (live.n_rows == 0)
        rc = drift(db, NULL,
                   "table \"%s\" of schema %s is missing from the database",
                   t->sql_name, s->name);
    if (rc == ORMC_OK)
        rc = check_columns(db, s, t, &live);
    if (rc == ORMC_OK)
        rc = check_primary_key(db, s, t, &live);
    rows_free(&live);
    for (uint16_t i = 0; rc == ORMC_OK && i < t->n_indexes; i++)
        rc = check_index(db, s, t, &t->indexes[i]);
    return rc;
}

static int check_body(ormc_db *db, const ormc_schema *s)
{
    int rc = ORMC_OK;
    for (uint16_t i = 0; rc == ORMC_OK && i < s->n_tables; i++)
        rc = check_table(db, s, s->tables[i]);
    return rc;
}

int ormc_schema_check(ormc_db *db, const ormc_schema *s)
{
    if (!db)
        return ORMC_INVALID;
    ormc__clear_error(db);
    int rc = check_args(db, s, "ormc_schema_check");
    if (rc != ORMC_OK)
        return rc;
    if (db->tx_depth > 0) /* read in the caller's transaction */
        return check_body(db, s);
    /* One read-only transaction of its own: a consistent snapshot of the
     * catalog, and the connection is left idle as it was found. */
    ormc_tx_options ro = ORMC_TX_OPTIONS_INIT;
    ro.read_only = true;
    if ((rc = ormc__begin(db, &ro)) != ORMC_OK)
        return rc;
    rc = check_body(db, s);
    if (rc == ORMC_OK)
        return ormc__rollback(db); /* nothing was written */
    ormc__saved_error e;
    ormc__error_save(db, &e);
    ormc__rollback(db);
    ormc__error_restore(db, &e);
    return rc;
}

/* === Migrate === */

/* The row of live (a columns_sql result) naming column `name`, or
 * live->n_rows. */
static size_t live_column(const ormc_db *db, const catalog_rows *live,
                          const char *name)
{
    size_t r = 0;
    while (r < live->n_rows && !same_name(db, cell(live, r, 0), name))
        r++;
    return r;
}

/* ALTER TABLE "schema"."t" <action>, where action is `verb "a"`, `verb
 * "a" TO "b"` (b_name not NULL) or, with a definition, `verb definition`. */
static int alter_table(ormc_db *db, const char *schema, const ormc_table *t,
                       const char *verb, const char *a, const char *b_name,
                       const char *definition)
{
    char storage[256];
    ormc__buf b;
    ormc__buf_init(&b, storage, sizeof storage);
    ormc__buf_puts(&b, "ALTER TABLE ");
    put_qualified(&b, schema, t->sql_name);
    ormc__buf_putc(&b, ' ');
    ormc__buf_puts(&b, verb);
    ormc__buf_putc(&b, ' ');
    if (definition) {
        ormc__buf_puts(&b, definition);
    } else {
        ormc__buf_put_ident(&b, a);
        if (b_name) {
            ormc__buf_puts(&b, " TO ");
            ormc__buf_put_ident(&b, b_name);
        }
    }
    int rc = b.failed ? ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory")
                      : ormc__exec_control(db, b.data, true, NULL);
    ormc__buf_free(&b);
    return rc;
}

/* Whether live column `name` is one that t keeps: one of its columns, or
 * the former name of one (renamed just now, or refused because both names
 * are there). */
static bool kept_column(const ormc_db *db, const ormc_table *t,
                        const char *name)
{
    for (uint16_t i = 0; i < t->n_columns; i++) {
        const ormc_column *c = &t->columns[i];
        if (same_name(db, name, c->sql_name) ||
            same_name(db, name, c->renamed_from))
            return true;
    }
    return false;
}

static int migrate_table(ormc_db *db, const ormc_schema *s, const char *schema,
                         const ormc_table *t, unsigned flags)
{
    catalog_rows live;
    int rc = collect_columns(db, t, &live);
    if (rc != ORMC_OK)
        return rc;
    for (uint16_t i = 0; rc == ORMC_OK && i < t->n_columns; i++) {
        const ormc_column *c = &t->columns[i];
        bool former_there =
            c->renamed_from &&
            live_column(db, &live, c->renamed_from) < live.n_rows;
        if (live_column(db, &live, c->sql_name) < live.n_rows) {
            if (former_there) /* kept_column keeps the former: say so */
                rc = drift(db, c->renamed_from,
                           "table \"%s\": column \"%s\" of schema %s and "
                           "\"%s\", its former name (renamed_from), are both "
                           "in the database: move what the former holds and "
                           "drop it by hand (_schema_migrate never drops a "
                           "former name)",
                           t->sql_name, c->sql_name, s->name, c->renamed_from);
            continue;
        }
        const ormc_column_dialect *d = in_dialect(db, c);
        if (former_there)
            rc = alter_table(db, schema, t, "RENAME COLUMN", c->renamed_from,
                             c->sql_name, NULL);
        else if (c->renamed_from)
            /* Adding it empty would lose the values it was meant to keep
             * (and, with ORMC_MIGRATE_DROP_COLUMNS, drop them). */
            rc = drift(db, c->sql_name,
                       "table \"%s\": column \"%s\" of schema %s is missing "
                       "from the database, and so is \"%s\", the former "
                       "name renamed_from gives: rename the column by hand, "
                       "or with a script from ormc diff (docs/migrations.md)",
                       t->sql_name, c->sql_name, s->name, c->renamed_from);
        else if (!d->add)
            rc = drift(db, c->sql_name,
                       "table \"%s\": column \"%s\" of schema %s is missing "
                       "from the database, and _schema_migrate cannot add "
                       "it: %s (ormc diff writes that migration: "
                       "docs/migrations.md)",
                       t->sql_name, c->sql_name, s->name,
                       d->why_not_added ? d->why_not_added
                                        : "its descriptor gives no "
                                          "definition to add");
        else
            rc = alter_table(db, schema, t, "ADD COLUMN", NULL, NULL, d->add);
    }
    for (size_t r = 0; rc == ORMC_OK && (flags & ORMC_MIGRATE_DROP_COLUMNS) &&
                       r < live.n_rows;
         r++) {
        const char *name = cell(&live, r, 0);
        if (name && !kept_column(db, t, name))
            rc = alter_table(db, schema, t, "DROP COLUMN", name, NULL, NULL);
    }
    rows_free(&live);
    return rc;
}

/* Appended to the drift the check finds after migrating; the message is
 * cut short to keep it (a connection's message holds 511 characters). */
#define MIGRATE_HINT                                                           \
    "; _schema_migrate renames and adds columns (drops them with "             \
    "ORMC_MIGRATE_DROP_COLUMNS) and creates tables and indexes: ormc diff "    \
    "writes the migration for the rest (docs/migrations.md)"

static int migrate_body(ormc_db *db, const ormc_schema *s, unsigned flags)
{
    catalog_rows cur = {0, 0, NULL};
    int rc = take_turns(db);
    if (rc == ORMC_OK)
        rc = current_schema(db, "ormc_schema_migrate", &cur);
    /* The missing tables first: a column added to a table that is there
     * may reference one; the indexes last: they may be on added columns. */
    if (rc == ORMC_OK)
        rc = run_ddl(db, s, DDL_TABLES);
    for (uint16_t i = 0; rc == ORMC_OK && i < s->n_tables; i++)
        rc = migrate_table(db, s, cell(&cur, 0, 0), s->tables[i], flags);
    rows_free(&cur);
    if (rc == ORMC_OK)
        rc = run_ddl(db, s, DDL_INDEXES);
    if (rc == ORMC_OK)
        rc = check_body(db, s);
    if (rc == ORMC_SCHEMA_DRIFT && !strstr(ormc_errmsg(db), "ormc diff")) {
        /* What is left is not the additive kind: say what would do it. */
        char msg[512 - sizeof MIGRATE_HINT + 1], object[256];
        snprintf(msg, sizeof msg, "%s", ormc_errmsg(db));
        const char *o = ormc_errconstraint(db);
        snprintf(object, sizeof object, "%s", o ? o : "");
        rc = ormc__error(db, ORMC_SCHEMA_DRIFT, NULL, o ? object : NULL,
                         "%s" MIGRATE_HINT, msg);
    }
    return rc;
}

int ormc_schema_migrate(ormc_db *db, const ormc_schema *s, unsigned flags)
{
    if (!db)
        return ORMC_INVALID;
    ormc__clear_error(db);
    int rc = check_args(db, s, "ormc_schema_migrate");
    if (rc != ORMC_OK)
        return rc;
    if (flags & ~ORMC_MIGRATE_DROP_COLUMNS)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "ormc_schema_migrate: unknown flags 0x%x",
                           flags & ~ORMC_MIGRATE_DROP_COLUMNS);
    if (!(db->backend == ORMC_POSTGRES ? s->ddl_postgres : s->ddl_sqlite))
        return ormc__error(
            db, ORMC_UNSUPPORTED, NULL, NULL, "schema %s has no DDL for %s",
            s->name, db->backend == ORMC_POSTGRES ? "PostgreSQL" : "SQLite");
    if ((rc = ormc__begin_writer(db)) != ORMC_OK)
        return rc;
    return ormc__end_level(db, migrate_body(db, s, flags));
}
