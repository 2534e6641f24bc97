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
 * in the primary key (1-based, 0 when not part of it), has a default
 * (0/1), an identity column (0/1, PostgreSQL), a nextval(...) default
 * (0/1, PostgreSQL: a serial), the table's CREATE TABLE text (SQLite,
 * where the CHECKs and AUTOINCREMENT are found). No row: no table.
 * PostgreSQL: a table with no columns gives one row of NULLs.
 */
enum {
    COL_NAME,
    COL_TYPE,
    COL_NOT_NULL,
    COL_PK,
    COL_HAS_DEFAULT,
    COL_IDENTITY,
    COL_NEXTVAL,
    COL_TABLE_SQL,
    N_COLUMN_CELLS
};
static const char sqlite_columns_sql[] =
    "SELECT p.\"name\", p.\"type\", p.\"notnull\", p.\"pk\", "
    "p.\"dflt_value\" IS NOT NULL, 0, 0, m.\"sql\" "
    "FROM \"sqlite_master\" AS m, pragma_table_info(m.\"name\", 'main') AS p "
    "WHERE m.\"type\" = 'table' AND m.\"name\" = $1 COLLATE NOCASE "
    "ORDER BY p.\"cid\"";

static const char postgres_columns_sql[] =
    "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
    "a.attnotnull::int, "
    "COALESCE((SELECT k.ord FROM pg_catalog.pg_index AS x, "
    "unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) "
    "WHERE x.indrelid = c.oid AND x.indisprimary "
    "AND k.attnum = a.attnum), 0), "
    "a.atthasdef::int, (a.attidentity <> '')::int, "
    "COALESCE((SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) "
    "LIKE 'nextval(%' FROM pg_catalog.pg_attrdef AS d "
    "WHERE d.adrelid = c.oid AND d.adnum = a.attnum), false)::int, NULL "
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
    return collect(db, pg ? postgres_columns_sql : sqlite_columns_sql,
                   N_COLUMN_CELLS, t->sql_name, out);
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

/*
 * One run of the check: every difference goes through differ(), which
 * tells the application's report callback (if any) and, for a difference
 * that fails the check (one that breaks data, or any under
 * ORMC_CHECK_STRICT), adds it to the ORMC_SCHEMA_DRIFT message.
 */
typedef struct checker {
    ormc_db *db;
    const ormc_schema *s;
    unsigned flags;
    ormc_drift_fn report; /* may be NULL */
    void *ctx;
    size_t n_failing;   /* differences that fail the check */
    size_t n_listed;    /* of those, how many the message holds */
    char failing[512];  /* the message: the failing ones, "; "-separated */
    size_t failing_len; /* strlen(failing) */
    char first[128];    /* the object of the first failing one, or "" */
    bool first_is_set;  /* first holds it (a table has none: NULL) */
} checker;

/* Room kept at the end of the message for "; and N more". */
#define MORE_ROOM 48

static void differ(checker *k, const char *table, const char *object,
                   bool breaks, const char *why, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/*
 * Record one difference about `table` (and `object`, the column or index,
 * or NULL): what differs (fmt), whether it breaks data, and why it does or
 * does not (why, may be NULL when the message says it).
 */
static void differ(checker *k, const char *table, const char *object,
                   bool breaks, const char *why, const char *fmt, ...)
{
    char what[512], text[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (why)
        snprintf(text, sizeof text, "%s: %s", what, why);
    else
        snprintf(text, sizeof text, "%s", what);
    if (k->report) {
        ormc_drift d;
        d.table = table;
        d.object = object;
        d.breaks_data = breaks;
        d.message = text;
        k->report(k->ctx, &d);
    }
    if (!breaks && !(k->flags & ORMC_CHECK_STRICT))
        return;
    if (!k->first_is_set) {
        snprintf(k->first, sizeof k->first, "%s", object ? object : "");
        k->first_is_set = true;
    }
    k->n_failing++;
    if (k->n_listed + 1 != k->n_failing)
        return; /* one did not fit: the rest are counted in "and N more" */
    size_t n = strlen(text);
    size_t sep = k->failing_len ? 2 : 0;
    size_t room = sizeof k->failing - MORE_ROOM - k->failing_len - sep;
    if (n >= room) {
        if (k->n_listed > 0)
            return;
        n = room - 1; /* the first is always there, if cut short */
    }
    if (sep)
        memcpy(k->failing + k->failing_len, "; ", 2);
    memcpy(k->failing + k->failing_len + sep, text, n);
    k->failing_len += sep + n;
    k->failing[k->failing_len] = '\0';
    k->n_listed++;
}

/* The check's verdict: ORMC_OK, or ORMC_SCHEMA_DRIFT with the failing
 * differences as the message and the first one's object as
 * ormc_errconstraint. */
static int verdict(checker *k)
{
    if (k->n_failing == 0)
        return ORMC_OK;
    const char *object = k->first[0] ? k->first : NULL;
    if (k->n_failing == 1)
        return ormc__error(k->db, ORMC_SCHEMA_DRIFT, NULL, object, "%s",
                           k->failing);
    char more[MORE_ROOM] = "";
    if (k->n_listed < k->n_failing)
        snprintf(more, sizeof more, "; and %zu more",
                 k->n_failing - k->n_listed);
    return ormc__error(
        k->db, ORMC_SCHEMA_DRIFT, NULL, object, "%zu %s: %s%s", k->n_failing,
        k->flags & ORMC_CHECK_STRICT ? "differences" : "differences break data",
        k->failing, more);
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

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether `needle` occurs in `hay` (may be NULL), without regard to ASCII
 * case, as SQLite reads type names and keywords. */
static bool contains_nocase(const char *hay, const char *needle)
{
    if (!hay)
        return false;
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && ascii_lower(hay[i]) == ascii_lower(needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* SQLite's type affinity of a declared type, by its rules
 * (https://sqlite.org/datatype3.html, 3.1), in their order. */
typedef enum affinity {
    AFF_INTEGER,
    AFF_TEXT,
    AFF_BLOB, /* also no declared type: values are kept as given */
    AFF_REAL,
    AFF_NUMERIC
} affinity;

static affinity affinity_of(const char *declared)
{
    if (contains_nocase(declared, "INT"))
        return AFF_INTEGER;
    if (contains_nocase(declared, "CHAR") ||
        contains_nocase(declared, "CLOB") || contains_nocase(declared, "TEXT"))
        return AFF_TEXT;
    if (!declared || !*declared || contains_nocase(declared, "BLOB"))
        return AFF_BLOB;
    if (contains_nocase(declared, "REAL") ||
        contains_nocase(declared, "FLOA") || contains_nocase(declared, "DOUB"))
        return AFF_REAL;
    return AFF_NUMERIC;
}

static const char *const affinity_names[] = {"INTEGER", "TEXT", "BLOB", "REAL",
                                             "NUMERIC"};

/*
 * SQLite: whether a column of affinity `a` keeps every value ormc writes
 * for a column of type `type` as written, and gives it back alike. ormc
 * binds integers (and booleans as 0/1) as integers, doubles as reals,
 * blobs as blobs and the rest as text. Numeric affinity turns text that
 * looks like a number into one: fine for ormc's timestamps
 * ("2024-01-02 03:04:05.000000") and UUIDs, which never look like one,
 * not for free text, JSON or enum labels; text affinity turns numbers into
 * text (they sort as text). Without affinity (BLOB, no type) values stay
 * as they were bound.
 */
static bool holds_same_values(ormc_type type, affinity a)
{
    if (a == AFF_BLOB || type == ORMC_TYPE_BLOB)
        return true;
    switch (type) {
    case ORMC_TYPE_INTEGER:
    case ORMC_TYPE_BIGINT:
    case ORMC_TYPE_BOOLEAN:
        return a == AFF_INTEGER || a == AFF_NUMERIC;
    case ORMC_TYPE_DOUBLE:
        return a != AFF_TEXT;
    case ORMC_TYPE_TIMESTAMP:
    case ORMC_TYPE_UUID:
        return a == AFF_TEXT || a == AFF_NUMERIC;
    default: /* text, json, enum */
        return a == AFF_TEXT;
    }
}

/* PostgreSQL: n of "character varying(n)", or -1 for another type. */
static long varchar_length(const char *type)
{
    static const char prefix[] = "character varying(";
    if (strncmp(type, prefix, sizeof prefix - 1) != 0)
        return -1;
    return strtol(type + sizeof prefix - 1, NULL, 10);
}

/* SQLite: whether the table's CREATE TABLE text holds the CHECK ormc
 * writes for a text max: length("col") <= n. */
static bool sqlite_has_max_check(const char *table_sql, const char *column,
                                 uint32_t max)
{
    char want[200];
    snprintf(want, sizeof want, "length(\"%s\") <= %u)", column, (unsigned)max);
    return contains_nocase(table_sql, want);
}

/* SQLite: whether the schema's own DDL writes that CHECK for column c of
 * t. It does when the schema says checks = "database"; by default ormc's
 * check before every write enforces the max and the DDL has no CHECK, so
 * a table without one is what the schema asks for. The DDL is the one the
 * generator wrote, so the runtime keeps no rule of its own for this. */
static bool schema_wants_max_check(const ormc_schema *s, const ormc_table *t,
                                   const ormc_column *c)
{
    char head[200];
    snprintf(head, sizeof head, "CREATE TABLE IF NOT EXISTS \"%s\" (",
             t->sql_name);
    for (const char *const *st = s->ddl_sqlite; st && *st; st++)
        if (strncmp(*st, head, strlen(head)) == 0)
            return sqlite_has_max_check(*st, c->sql_name, c->max_chars);
    return false;
}

/* The type of column c (row r of live): the same, the same values, or a
 * difference that breaks data. */
static void check_type(checker *k, const ormc_table *t, const ormc_column *c,
                       const char *want, const catalog_rows *live, size_t r)
{
    ormc_db *db = k->db;
    const char *s = k->s->name;
    const char *have = cell(live, r, COL_TYPE) ? cell(live, r, COL_TYPE) : "";
    char why[256];
    if (db->backend == ORMC_SQLITE) {
        const char *table_sql = cell(live, r, COL_TABLE_SQL);
        bool checked =
            c->type != ORMC_TYPE_TEXT || c->max_chars == 0 ||
            !schema_wants_max_check(k->s, t, c) ||
            sqlite_has_max_check(table_sql, c->sql_name, c->max_chars);
        if (same_name(db, have, want)) {
            if (!checked)
                differ(k, t->sql_name, c->sql_name, false,
                       "does not break data: ormc checks the max before "
                       "every write",
                       "table \"%s\": column \"%s\" has no CHECK "
                       "(length(\"%s\") <= %u) in the database",
                       t->sql_name, c->sql_name, c->sql_name,
                       (unsigned)c->max_chars);
            return;
        }
        affinity a = affinity_of(have);
        bool same = holds_same_values(c->type, a);
        if (same)
            snprintf(why, sizeof why,
                     "does not break data: SQLite keeps the same values "
                     "(%s affinity)%s",
                     affinity_names[a],
                     checked ? ""
                             : "; the database does not enforce the max, "
                               "ormc checks it before every write");
        else
            snprintf(why, sizeof why,
                     "breaks data: SQLite converts the values ormc writes "
                     "(%s affinity)",
                     affinity_names[a]);
        if (!*have)
            differ(k, t->sql_name, c->sql_name, !same, why,
                   "table \"%s\": column \"%s\" has no declared type in the "
                   "database but %s in schema %s",
                   t->sql_name, c->sql_name, want, s);
        else
            differ(k, t->sql_name, c->sql_name, !same, why,
                   "table \"%s\": column \"%s\" has type %s in the database "
                   "but %s in schema %s",
                   t->sql_name, c->sql_name, have, want, s);
        return;
    }
    if (strcmp(have, want) == 0)
        return;
    bool breaks = true;
    long have_n = varchar_length(have), want_n = varchar_length(want);
    if (c->type == ORMC_TYPE_TEXT && want_n > 0 &&
        (strcmp(have, "text") == 0 || have_n >= want_n)) {
        breaks = false;
        snprintf(why, sizeof why,
                 "does not break data: the database takes every value of at "
                 "most %ld characters, and ormc checks the max before every "
                 "write",
                 want_n);
    } else if (c->type == ORMC_TYPE_BIGINT && strcmp(have, "integer") == 0) {
        snprintf(why, sizeof why,
                 "breaks data: values above 2147483647 fail (%s)",
                 (c->flags & ORMC_COL_SERIAL)
                     ? "declare the key serial { bits = 32 } when the "
                       "database keeps it so"
                     : "declare the column integer when the database keeps "
                       "it so");
    } else if (c->type == ORMC_TYPE_TEXT && have_n > 0) {
        snprintf(why, sizeof why,
                 "breaks data: values longer than %ld characters fail", have_n);
    } else {
        snprintf(why, sizeof why, "breaks data: ormc reads and writes it as %s",
                 want);
    }
    differ(k, t->sql_name, c->sql_name, breaks, why,
           "table \"%s\": column \"%s\" has type %s in the database but %s "
           "in schema %s",
           t->sql_name, c->sql_name, have, want, s);
}

/* How a serial column gets its value in the database (row r of live):
 * PostgreSQL's identity (what ormc creates) or a nextval(...) default (a
 * serial), SQLite's rowid (an INTEGER PRIMARY KEY, alone in its key). */
static void check_serial(checker *k, const ormc_table *t, const ormc_column *c,
                         const catalog_rows *live, size_t r, int live_pk_cols)
{
    const char *s = k->s->name;
    if (k->db->backend == ORMC_POSTGRES) {
        if (cell_int(live, r, COL_IDENTITY))
            return;
        if (cell_int(live, r, COL_NEXTVAL))
            differ(k, t->sql_name, c->sql_name, false,
                   "does not break data: it numbers the rows as an identity "
                   "column does",
                   "table \"%s\": column \"%s\" takes its value from a "
                   "sequence default (serial) in the database but is an "
                   "identity column in schema %s",
                   t->sql_name, c->sql_name, s);
        else
            differ(k, t->sql_name, c->sql_name, true,
                   "breaks data: an insert that leaves it unset fails",
                   "table \"%s\": serial column \"%s\" of schema %s is "
                   "neither an identity column nor has a default in the "
                   "database",
                   t->sql_name, c->sql_name, s);
        return;
    }
    const char *type = cell(live, r, COL_TYPE);
    if (live_pk_cols != 1 || cell_int(live, r, COL_PK) != 1 ||
        !same_name(k->db, type, "INTEGER")) {
        differ(k, t->sql_name, c->sql_name, true,
               "breaks data: an insert that leaves it unset gets no key",
               "table \"%s\": serial column \"%s\" of schema %s is not an "
               "INTEGER PRIMARY KEY (the rowid) in the database",
               t->sql_name, c->sql_name, s);
        return;
    }
    /* AUTOINCREMENT where the schema does not ask for it only keeps keys
     * from being given twice, which no ormc call relies on: no
     * difference (a database ormc made before serial left it out by
     * default passes as it is). */
    if ((c->flags & ORMC_COL_AUTOINCREMENT) &&
        !contains_nocase(cell(live, r, COL_TABLE_SQL), "AUTOINCREMENT"))
        differ(k, t->sql_name, c->sql_name, false,
               "does not break data: the keys of the newest rows, once "
               "deleted, may be given again",
               "table \"%s\": serial column \"%s\" of schema %s has "
               "autoincrement = true but is an INTEGER PRIMARY KEY without "
               "AUTOINCREMENT in the database",
               t->sql_name, c->sql_name, s);
}

static int check_columns(checker *k, const ormc_table *t,
                         const catalog_rows *live)
{
    ormc_db *db = k->db;
    const char *s = k->s->name;
    /* SQLite: an INTEGER PRIMARY KEY is the rowid, never NULL, whatever
     * PRAGMA table_info says. */
    int live_pk_cols = 0;
    for (size_t r = 0; r < live->n_rows; r++)
        if (cell_int(live, r, COL_PK) > 0)
            live_pk_cols++;

    for (uint16_t i = 0; i < t->n_columns; i++) {
        const ormc_column *c = &t->columns[i];
        size_t r = 0;
        while (r < live->n_rows &&
               !same_name(db, cell(live, r, COL_NAME), c->sql_name))
            r++;
        if (r == live->n_rows) {
            differ(k, t->sql_name, c->sql_name, true, NULL,
                   "table \"%s\": column \"%s\" of schema %s is missing "
                   "from the database",
                   t->sql_name, c->sql_name, s);
            continue;
        }
        const char *want = in_dialect(db, c)->catalog_type;
        if (!want)
            return ormc__error(db, ORMC_INVALID, NULL, c->sql_name,
                               "table \"%s\": column \"%s\" of schema %s "
                               "has no catalog type for %s in its descriptor",
                               t->sql_name, c->sql_name, s,
                               db->backend == ORMC_POSTGRES ? "PostgreSQL"
                                                            : "SQLite");
        check_type(k, t, c, want, live, r);
        if (c->flags & ORMC_COL_SERIAL)
            check_serial(k, t, c, live, r, live_pk_cols);

        const char *have = cell(live, r, COL_TYPE);
        bool live_nn = cell_int(live, r, COL_NOT_NULL) != 0;
        if (db->backend == ORMC_SQLITE && live_pk_cols == 1 &&
            cell_int(live, r, COL_PK) == 1 && same_name(db, have, "INTEGER"))
            live_nn = true;
        bool want_nn =
            (c->flags & (ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY)) != 0;
        if (live_nn != want_nn)
            differ(k, t->sql_name, c->sql_name, true, NULL,
                   "table \"%s\": column \"%s\" is %s in the database but "
                   "%s in schema %s",
                   t->sql_name, c->sql_name, live_nn ? "NOT NULL" : "nullable",
                   want_nn ? "NOT NULL" : "nullable", s);
        /* A default the database lacks: an insert that leaves the column
         * unset counts on it (a NOT NULL column then fails). */
        if ((c->flags & ORMC_COL_DEFAULT) && !(c->flags & ORMC_COL_SERIAL) &&
            !cell_int(live, r, COL_HAS_DEFAULT))
            differ(k, t->sql_name, c->sql_name, true,
                   "breaks data: an insert that leaves it unset fails (NOT "
                   "NULL) or stores NULL; when the default lives in the "
                   "application, say server_default = false",
                   "table \"%s\": column \"%s\" has no default in the "
                   "database but one in schema %s",
                   t->sql_name, c->sql_name, s);
    }

    for (size_t r = 0; r < live->n_rows; r++) {
        const char *name = cell(live, r, COL_NAME);
        if (!name) /* PostgreSQL: a table without columns */
            continue;
        uint16_t i = 0;
        while (i < t->n_columns && !same_name(db, name, t->columns[i].sql_name))
            i++;
        if (i < t->n_columns)
            continue;
        /* ormc's inserts leave it out: they fail when it must be given */
        bool breaks = cell_int(live, r, COL_NOT_NULL) &&
                      !cell_int(live, r, COL_HAS_DEFAULT) &&
                      !cell_int(live, r, COL_IDENTITY);
        differ(k, t->sql_name, name, breaks,
               breaks ? "breaks data: it is NOT NULL without a default, so "
                        "ormc's inserts, which leave it out, fail"
                      : "does not break data: ormc's inserts leave it out "
                        "and the database fills it (NULL or its default)",
               "table \"%s\": column \"%s\" is in the database but not in "
               "schema %s",
               t->sql_name, name, s);
    }
    return ORMC_OK;
}

/* Up to this many key columns are compared (PostgreSQL's INDEX_MAX_KEYS). */
#define MAX_KEY 32

static void check_primary_key(checker *k, const ormc_table *t,
                              const catalog_rows *live)
{
    ormc_db *db = k->db;
    const char *have[MAX_KEY] = {0};
    const char *want[MAX_KEY] = {0};
    size_t n_have = 0, n_want = t->n_pk < MAX_KEY ? t->n_pk : MAX_KEY;
    bool same = true;
    for (size_t r = 0; r < live->n_rows; r++) {
        int pos = cell_int(live, r, COL_PK);
        if (pos < 1 || pos > MAX_KEY)
            continue;
        have[pos - 1] = cell(live, r, COL_NAME);
        if ((size_t)pos > n_have)
            n_have = (size_t)pos;
    }
    for (size_t i = 0; i < n_want; i++)
        want[i] = t->columns[t->pk_order[i]].sql_name;
    if (n_have != n_want)
        same = false;
    for (size_t i = 0; same && i < n_want; i++)
        same = same_name(db, have[i], want[i]);
    if (same)
        return;
    char hbuf[160], wbuf[160];
    name_list(wbuf, sizeof wbuf, want, n_want);
    if (n_have == 0) {
        differ(k, t->sql_name, NULL, true, NULL,
               "table \"%s\" has no primary key in the database but %s in "
               "schema %s",
               t->sql_name, wbuf, k->s->name);
        return;
    }
    name_list(hbuf, sizeof hbuf, have, n_have);
    differ(k, t->sql_name, NULL, true, NULL,
           "table \"%s\": the primary key is %s in the database but %s in "
           "schema %s",
           t->sql_name, hbuf, wbuf, k->s->name);
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

/* Why a difference of an index breaks data or does not: a unique one is a
 * rule of the data (and the conflict target of upsert and find-or-create),
 * another only a way to find rows faster. */
#define WHY_UNIQUE                                                             \
    "breaks data: uniqueness is a rule of the data, and the key of upsert "    \
    "and find-or-create"
#define WHY_INDEX "does not break data: an index only finds rows faster"

static int check_index(checker *k, const ormc_table *t, const ormc_index *ix)
{
    ormc_db *db = k->db;
    const char *s = k->s->name;
    const char *want[MAX_KEY], *have[MAX_KEY];
    size_t n_want = ix->n_columns < MAX_KEY ? ix->n_columns : MAX_KEY;
    for (size_t i = 0; i < n_want; i++)
        want[i] = t->columns[ix->order[i]].sql_name;

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
            differ(k, t->sql_name, ix->sql_name, ix->unique,
                   ix->unique ? WHY_UNIQUE : WHY_INDEX,
                   "table \"%s\": index \"%s\" of schema %s is missing from "
                   "the database",
                   t->sql_name, ix->sql_name, s);
        return rc;
    }
    const char *on = cell(&live, 0, 0);
    bool live_unique = cell_int(&live, 0, 1) != 0;
    size_t n_have = index_columns(&live, have);
    bool breaks = ix->unique || live_unique;
    const char *why = breaks ? WHY_UNIQUE : WHY_INDEX;
    char hbuf[200], wbuf[200];
    if (!same_name(db, on, t->sql_name))
        differ(k, t->sql_name, ix->sql_name, breaks, why,
               "index \"%s\" is on table \"%s\" in the database but on table "
               "\"%s\" in schema %s",
               ix->sql_name, on ? on : "?", t->sql_name, s);
    else if (live_unique != ix->unique)
        differ(k, t->sql_name, ix->sql_name, true, WHY_UNIQUE,
               "table \"%s\": index \"%s\" is %s in the database but %s in "
               "schema %s",
               t->sql_name, ix->sql_name, live_unique ? "unique" : "not unique",
               ix->unique ? "unique" : "not unique", s);
    else if (!same_columns(db, have, n_have, want, n_want)) {
        name_list(hbuf, sizeof hbuf, have, n_have);
        name_list(wbuf, sizeof wbuf, want, n_want);
        differ(k, t->sql_name, ix->sql_name, breaks, why,
               "table \"%s\": index \"%s\" is on %s in the database but on %s "
               "in schema %s",
               t->sql_name, ix->sql_name, hbuf, wbuf, s);
    }
    rows_free(&live);
    return ORMC_OK;
}

static int check_table(checker *k, const ormc_table *t)
{
    catalog_rows live;
    int rc = collect_columns(k->db, t, &live);
    if (rc != ORMC_OK)
        return rc;
    if (live.n_rows == 0) {
        /* nothing more to compare: its columns and indexes go with it */
        differ(k, t->sql_name, NULL, true, NULL,
               "table \"%s\" of schema %s is missing from the database",
               t->sql_name, k->s->name);
        rows_free(&live);
        return ORMC_OK;
    }
    rc = check_columns(k, t, &live);
    if (rc == ORMC_OK)
        check_primary_key(k, t, &live);
    rows_free(&live);
    for (uint16_t i = 0; rc == ORMC_OK && i < t->n_indexes; i++)
        rc = check_index(k, t, &t->indexes[i]);
    return rc;
}

/* Compare every table; ORMC_OK, ORMC_SCHEMA_DRIFT, or the error of a
 * catalog read. */
static int check_all(ormc_db *db, const ormc_schema *s, unsigned flags,
                     ormc_drift_fn report, void *ctx)
{
    checker k;
    memset(&k, 0, sizeof k);
    k.db = db;
    k.s = s;
    k.flags = flags;
    k.report = report;
    k.ctx = ctx;
    int rc = ORMC_OK;
    for (uint16_t i = 0; rc == ORMC_OK && i < s->n_tables; i++)
        rc = check_table(&k, s->tables[i]);
    return rc == ORMC_OK ? verdict(&k) : rc;
}

/* The check as migrate ends with it: what breaks data fails. */
static int check_body(ormc_db *db, const ormc_schema *s)
{
    return check_all(db, s, 0, NULL, NULL);
}

int ormc_schema_check_with(ormc_db *db, const ormc_schema *s, unsigned flags,
                           ormc_drift_fn report, void *ctx)
{
    if (!db)
        return ORMC_INVALID;
    ormc__clear_error(db);
    int rc = check_args(db, s, "ormc_schema_check");
    if (rc != ORMC_OK)
        return rc;
    if (flags & ~ORMC_CHECK_STRICT)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "ormc_schema_check: unknown flags 0x%x",
                           flags & ~ORMC_CHECK_STRICT);
    if (db->tx_depth > 0) /* read in the caller's transaction */
        return check_all(db, s, flags, report, ctx);
    /* One read-only transaction of its own: a consistent snapshot of the
     * catalog, and the connection is left idle as it was found. */
    ormc_tx_options ro = ORMC_TX_OPTIONS_INIT;
    ro.read_only = true;
    if ((rc = ormc__begin(db, &ro)) != ORMC_OK)
        return rc;
    rc = check_all(db, s, flags, report, ctx);
    if (rc == ORMC_OK)
        return ormc__rollback(db); /* nothing was written */
    ormc__saved_error e;
    ormc__error_save(db, &e);
    ormc__rollback(db);
    ormc__error_restore(db, &e);
    return rc;
}

int ormc_schema_check(ormc_db *db, const ormc_schema *s)
{
    return ormc_schema_check_with(db, s, 0, NULL, NULL);
}

/* === Migrate === */

/* Record a drift migrate cannot resolve and return ORMC_SCHEMA_DRIFT.
 * `object` (a column name, may be NULL) is what ormc_errconstraint
 * reports. */
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
