/*
 * sqlite.c: the SQLite backend.
 *
 * Connections are opened with foreign keys on, a busy timeout, extended
 * result codes and case-sensitive LIKE (as on PostgreSQL). Statements are
 * prepared on their first execution, with $N rewritten to ?N. Values:
 * booleans 0/1, timestamps as "YYYY-MM-DD HH:MM:SS.ffffff" UTC text, UUIDs
 * as canonical text. Errors are mapped to the PostgreSQL SQLSTATE of the
 * same meaning (see docs/runtime.md for the table).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "backend.h"
#include "fields.h"
#include "ormc_int.h"

/* Room for the text form of one timestamp or UUID parameter. */
#define SQ_TEXT_SLOT                                                           \
    (ORMC_TIME_TEXT_MAX > ORMC_UUID_TEXT_MAX ? ORMC_TIME_TEXT_MAX              \
                                             : ORMC_UUID_TEXT_MAX)

typedef struct sq_stmt {
    ormc__stmt base;
    sqlite3_stmt *s;
    /* the text forms of its timestamp and UUID parameters, one slot per
     * parameter (allocated at the first execution that needs one): bound
     * without a copy, they stay valid until the next execution binds
     * again or the statement is finalized */
    char (*texts)[SQ_TEXT_SLOT];
} sq_stmt;

#define CONN(db) ((sqlite3 *)(db)->conn)

/* The column list of "UNIQUE constraint failed: t.a, t.b" without the
 * table names: "a, b". */
static void strip_tables(const char *in, char *out, size_t size)
{
    size_t o = 0;
    const char *p = in;
    while (*p && o + 1 < size) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *dot = memchr(p, '.', n);
        const char *name = dot ? dot + 1 : p;
        size_t nn = (size_t)(p + n - name);
        if (o + nn + 3 >= size)
            break;
        memcpy(out + o, name, nn);
        o += nn;
        if (!end)
            break;
        memcpy(out + o, ", ", 2);
        o += 2;
        p = end + 1;
        while (*p == ' ')
            p++;
    }
    out[o] = '\0';
}

/* Record the connection's current error; returns the status. */
static int sq_error(ormc_db *db, int rc)
{
    sqlite3 *c = CONN(db);
    int ext = c ? sqlite3_extended_errcode(c) : rc;
    if ((ext & 0xff) != (rc & 0xff))
        ext = rc; /* the code at hand wins over a stale one */
    const char *msg = c ? sqlite3_errmsg(c) : sqlite3_errstr(rc);
    const char *after = strstr(msg, "failed: ");
    after = after ? after + 8 : NULL;
    char cons[128] = "";
    int status = ORMC_ERROR;
    const char *state = "XX000";

    switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        status = ORMC_CONSTRAINT;
        state = "23505";
        if (after)
            strip_tables(after, cons, sizeof cons);
        break;
    case SQLITE_CONSTRAINT_NOTNULL:
        status = ORMC_CONSTRAINT;
        state = "23502";
        if (after)
            strip_tables(after, cons, sizeof cons);
        break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        status = ORMC_CONSTRAINT;
        state = "23503";
        break;
    case SQLITE_CONSTRAINT_CHECK:
        status = ORMC_CONSTRAINT;
        state = "23514";
        if (after)
            snprintf(cons, sizeof cons, "%s", after);
        break;
    case SQLITE_BUSY_SNAPSHOT:
        /* the snapshot this transaction read is stale: retrying the whole
         * transaction is the cure, as for PostgreSQL's 40001 */
        status = ORMC_SERIALIZATION;
        state = "40001";
        break;
    default:
        switch (ext & 0xff) {
        case SQLITE_CONSTRAINT:
            status = ORMC_CONSTRAINT;
            state = "23000";
            break;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            status = ORMC_BUSY;
            state = "55P03";
            break;
        case SQLITE_NOMEM:
            status = ORMC_NOMEM;
            state = "53200";
            break;
        case SQLITE_MISUSE:
        case SQLITE_RANGE:
            status = ORMC_INVALID;
            state = "";
            break;
        case SQLITE_CANTOPEN:
            status = ORMC_CONNECTION;
            state = "08006";
            break;
        case SQLITE_NOTADB:
        case SQLITE_CORRUPT:
            /* not ORMC_CONNECTION: opening the file again cannot help, and
             * a loop that reconnects after a lost connection would never
             * end (PostgreSQL's data_corrupted) */
            state = "XX001";
            break;
        case SQLITE_READONLY:
            state = "25006";
            break;
        case SQLITE_FULL:
            state = "53100";
            break;
        case SQLITE_TOOBIG:
            state = "54000";
            break;
        case SQLITE_INTERRUPT:
            status = ORMC_TIMEOUT;
            state = "57014";
            break;
        case SQLITE_MISMATCH:
            state = "42804";
            break;
        case SQLITE_ERROR:
            if (strstr(msg, "no such table"))
                state = "42P01";
            else if (strstr(msg, "no such column"))
                state = "42703";
            else if (strstr(msg, "syntax error") ||
                     strstr(msg, "incomplete input"))
                state = "42601";
            else if (strstr(msg, "already exists"))
                state = "42P07";
            else if (strstr(msg, "attempt to write a readonly"))
                state = "25006";
            /* the data errors PostgreSQL reports in class 22 (abs() of
             * the smallest integer, json() of bad text): the status of
             * their PostgreSQL twins, so that a value is refused the same
             * way on both backends */
            else if (strstr(msg, "integer overflow")) {
                status = ORMC_CONSTRAINT;
                state = "22003";
            } else if (strstr(msg, "malformed JSON")) {
                status = ORMC_CONSTRAINT;
                state = "22P02";
            }
            break;
        default:
            break;
        }
    }
    return ormc__error(db, status, state, cons[0] ? cons : NULL, "%s", msg);
}

/* sqlite3_exec's callback: the mode PRAGMA journal_mode answers with. */
static int journal_mode_cb(void *out, int n, char **vals, char **names)
{
    for (int i = 0; i < n; i++)
        if (names[i] && vals[i] && strcmp(names[i], "journal_mode") == 0)
            snprintf((char *)out, 16, "%s", vals[i]);
    return 0;
}

/*
 * SQLite ignores a pragma it does not know: check each name of the
 * configured script (url.c writes it as "PRAGMA name = value;" with values
 * bare or quoted as SQL strings) against pragma_pragma_list, so that a typo
 * is an error rather than a setting silently not made. A build without
 * that table (SQLITE_OMIT_INTROSPECTION_PRAGMAS) is not checked.
 */
static int check_pragma_names(ormc_db *db, sqlite3 *c, const char *script)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(c, "SELECT 1 FROM pragma_pragma_list WHERE name = ?",
                           -1, &q, NULL) != SQLITE_OK)
        return ORMC_OK;
    int rc = ORMC_OK;
    const char *p = script;
    while (rc == ORMC_OK && strncmp(p, "PRAGMA ", 7) == 0) {
        p += 7;
        size_t n = strcspn(p, " ");
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, p, (int)n, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_ROW)
            rc = ormc__error(db, ORMC_INVALID, NULL, NULL,
                             "unknown SQLite pragma \"%.*s\" (URL parameter "
                             "pragma.%.*s or ormc_options.pragmas)",
                             (int)n, p, (int)n, p);
        p += n + 3; /* " = " */
        if (*p == '\'') {
            /* a quoted value: '' is a quote inside it */
            for (p++; *p && !(p[0] == '\'' && p[1] != '\''); p++)
                if (p[0] == '\'')
                    p++;
            p++;
        } else {
            p += strcspn(p, ";");
        }
        p++; /* ; */
    }
    sqlite3_finalize(q);
    return rc;
}

static int sq_connect(ormc_db *db)
{
    sqlite3 *c = NULL;
    int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (strncmp(db->target, "file:", 5) == 0)
        flags |= SQLITE_OPEN_URI;
    int rc = sqlite3_open_v2(db->target, &c, flags, NULL);
    if (rc != SQLITE_OK) {
        ormc__error(db, ORMC_CONNECTION, "08006", NULL,
                    "cannot open the SQLite database: %s",
                    c ? sqlite3_errmsg(c) : sqlite3_errstr(rc));
        sqlite3_close(c);
        return ORMC_CONNECTION;
    }
    sqlite3_extended_result_codes(c, 1);
    sqlite3_busy_timeout(c, db->cfg.busy_timeout_ms);
    db->conn = c;
    const char *user = db->cfg.pragma_script;
    if (user && check_pragma_names(db, c, user) != ORMC_OK) {
        sqlite3_close(c);
        db->conn = NULL;
        return ORMC_INVALID;
    }
    /* ormc's settings, then the URL's and the options' (which may change
     * them), all before any transaction: journal_mode and synchronous
     * cannot change inside one. sqlite3_open_v2 reads nothing: PRAGMA
     * schema_version reads the file's header, so that a file that is not
     * a database (or is damaged) is refused here, once, rather than by
     * every statement after. A key pragma (SQLCipher) runs before it. */
    char script[4096];
    if (snprintf(script, sizeof script,
                 "PRAGMA foreign_keys = ON;"
                 "PRAGMA case_sensitive_like = ON;%s"
                 "PRAGMA schema_version",
                 user ? user : "") >= (int)sizeof script) {
        sqlite3_close(c);
        db->conn = NULL;
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "the SQLite pragmas asked for are too long");
    }
    char mode[16] = "";
    rc = sqlite3_exec(c, script, journal_mode_cb, mode, NULL);
    if (rc == SQLITE_OK && db->cfg.journal_mode[0] &&
        sqlite3_stricmp(mode, db->cfg.journal_mode) != 0) {
        /* SQLite declines some modes without an error (an in-memory
         * database has no WAL) */
        ormc__error(db, ORMC_INVALID, NULL, NULL,
                    "SQLite did not set journal_mode %s: the database "
                    "stays in journal_mode %s",
                    db->cfg.journal_mode, mode[0] ? mode : "(unknown)");
        sqlite3_close(c);
        db->conn = NULL;
        return ORMC_INVALID;
    }
    if (rc != SQLITE_OK) {
        char msg[256], file[256];
        const char *name = sqlite3_db_filename(c, "main");
        snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(c));
        snprintf(file, sizeof file, "%s", name && *name ? name : "(memory)");
        sqlite3_close(c);
        db->conn = NULL;
        switch (rc & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return ormc__error(db, ORMC_BUSY, "55P03", NULL,
                               "cannot open the SQLite database %s: %s", file,
                               msg);
        case SQLITE_NOMEM:
            return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        case SQLITE_NOTADB:
        case SQLITE_CORRUPT:
            /* ORMC_ERROR, not ORMC_CONNECTION: see sq_error */
            return ormc__error(db, ORMC_ERROR, "XX001", NULL,
                               "%s is not an SQLite database, or a damaged "
                               "one (%s)",
                               file, msg);
        default:
            return ormc__error(db, ORMC_CONNECTION, "08006", NULL,
                               "cannot open the SQLite database %s: %s", file,
                               msg);
        }
    }
    return ORMC_OK;
}

static void sq_disconnect(ormc_db *db)
{
    if (db->conn) {
        sqlite3_close_v2(CONN(db));
        db->conn = NULL;
    }
}

static int sq_exec_simple(ormc_db *db, const char *sql, int64_t *changes)
{
    int rc = sqlite3_exec(CONN(db), sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return sq_error(db, rc);
    if (changes)
        *changes = sqlite3_changes64(CONN(db));
    return ORMC_OK;
}

static ormc__stmt *sq_stmt_alloc(ormc_db *db)
{
    (void)db;
    return calloc(1, sizeof(sq_stmt));
}

static void sq_stmt_finalize(ormc__stmt *st, bool send)
{
    (void)send;
    sq_stmt *q = (sq_stmt *)st;
    sqlite3_finalize(q->s);
    q->s = NULL;
    free(q->texts);
    q->texts = NULL;
    st->prepared = false;
}

/* Bind p as ?i; buf: the parameter's text slot (timestamps and UUIDs). */
static int bind_one(sqlite3_stmt *s, int i, const ormc_param *p,
                    char buf[SQ_TEXT_SLOT])
{
    if (p->is_null)
        return sqlite3_bind_null(s, i);
    switch (p->type) {
    case ORMC_TYPE_INTEGER:
    case ORMC_TYPE_ENUM:
        return sqlite3_bind_int(s, i, p->u.i32);
    case ORMC_TYPE_BIGINT:
        return sqlite3_bind_int64(s, i, p->u.i64);
    case ORMC_TYPE_DOUBLE:
        return sqlite3_bind_double(s, i, p->u.f64);
    case ORMC_TYPE_BOOLEAN:
        return sqlite3_bind_int(s, i, p->u.b ? 1 : 0);
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON:
        if (!p->u.text)
            return sqlite3_bind_null(s, i);
        return sqlite3_bind_text(s, i, p->u.text, -1, SQLITE_STATIC);
    case ORMC_TYPE_BLOB:
        if (!p->u.blob.data)
            return sqlite3_bind_null(s, i);
        return sqlite3_bind_blob64(s, i, p->u.blob.data, p->u.blob.len,
                                   SQLITE_STATIC);
    case ORMC_TYPE_TIMESTAMP: {
        size_t n = ormc_time_format(p->u.time, buf, SQ_TEXT_SLOT);
        return sqlite3_bind_text(s, i, buf, (int)n, SQLITE_STATIC);
    }
    case ORMC_TYPE_UUID:
        ormc_uuid_format(&p->u.uuid, buf);
        return sqlite3_bind_text(s, i, buf, 36, SQLITE_STATIC);
    }
    return SQLITE_MISMATCH;
}

static int sq_step(ormc__stmt *st)
{
    sq_stmt *q = (sq_stmt *)st;
    int rc = sqlite3_step(q->s);
    if (rc == SQLITE_ROW)
        return ORMC_ROW;
    if (rc == SQLITE_DONE)
        return ORMC_DONE;
    return sq_error(st->db, rc);
}

static int sq_stmt_exec(ormc__stmt *st)
{
    sq_stmt *q = (sq_stmt *)st;
    ormc_db *db = st->db;
    int rc;
    if (!q->s) {
        char *sql = ormc__sqltext_to_sqlite(st->sql);
        if (!sql)
            return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        rc = sqlite3_prepare_v3(CONN(db), sql, -1,
                                st->cached ? SQLITE_PREPARE_PERSISTENT : 0,
                                &q->s, NULL);
        free(sql);
        db->stats.prepares++;
        if (rc != SQLITE_OK)
            return sq_error(db, rc);
        if (!q->s)
            return ORMC_DONE; /* only comments or blanks */
        st->prepared = true;
    }
    for (int i = 0; i < st->n_params; i++) {
        const ormc_param *p = &st->params[i];
        if (!q->texts && !p->is_null &&
            (p->type == ORMC_TYPE_TIMESTAMP || p->type == ORMC_TYPE_UUID)) {
            q->texts = malloc((size_t)st->n_params * SQ_TEXT_SLOT);
            if (!q->texts)
                return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        }
        rc = bind_one(q->s, i + 1, p, q->texts ? q->texts[i] : NULL);
        if (rc != SQLITE_OK)
            return sq_error(db, rc);
    }
    return sq_step(st);
}

static void sq_stmt_reset(ormc__stmt *st)
{
    sq_stmt *q = (sq_stmt *)st;
    if (q->s)
        sqlite3_reset(q->s);
}

static int64_t sq_stmt_changes(ormc__stmt *st)
{
    sq_stmt *q = (sq_stmt *)st;
    if (!q->s || sqlite3_stmt_readonly(q->s))
        return 0;
    return sqlite3_changes64(CONN(st->db));
}

static int sq_stmt_columns(ormc__stmt *st)
{
    sq_stmt *q = (sq_stmt *)st;
    return q->s ? sqlite3_column_count(q->s) : 0;
}

static const char *sq_stmt_column_name(ormc__stmt *st, int col)
{
    return sqlite3_column_name(((sq_stmt *)st)->s, col);
}

static int bad_value(ormc__stmt *st, int col, const char *what)
{
    return ormc__error(st->db, ORMC_ERROR, "22P02", NULL,
                       "column %d (%s): not a valid %s", col,
                       sqlite3_column_name(((sq_stmt *)st)->s, col), what);
}

/* A timestamp column of SQLite type ct (not NULL): the text form, or an
 * integer taken as Unix seconds (as strftime('%s') gives). */
static int read_time(ormc__stmt *st, sqlite3_value *v, int col, int ct,
                     ormc_time *out)
{
    if (ct == SQLITE_INTEGER) {
        int64_t secs = sqlite3_value_int64(v);
        if (secs > INT64_MAX / 1000000 || secs < INT64_MIN / 1000000)
            return bad_value(st, col, "timestamp");
        *out = secs * 1000000;
        return ORMC_OK;
    }
    if (ct == SQLITE_TEXT &&
        ormc_time_parse((const char *)sqlite3_value_text(v), out) == ORMC_OK)
        return ORMC_OK;
    return bad_value(st, col, "timestamp");
}

static int sq_stmt_value(ormc__stmt *st, int col, ormc_type type,
                         ormc_param *out)
{
    sqlite3_stmt *s = ((sq_stmt *)st)->s;
    if (type == ORMC_TYPE_TEXT || type == ORMC_TYPE_JSON) {
        /* The common case in one call: NULL comes back as a NULL pointer;
         * only then is the type asked, to tell it from out of memory. */
        out->u.text = (const char *)sqlite3_column_text(s, col);
        if (out->u.text != NULL)
            return ORMC_OK;
        if (sqlite3_column_type(s, col) == SQLITE_NULL) {
            out->is_null = true;
            return ORMC_OK;
        }
        return ormc__error(st->db, ORMC_NOMEM, NULL, NULL, "out of memory");
    }
    int ct = sqlite3_column_type(s, col);
    if (ct == SQLITE_NULL) {
        out->is_null = true;
        return ORMC_OK;
    }
    switch (type) {
    case ORMC_TYPE_INTEGER:
    case ORMC_TYPE_ENUM: {
        sqlite3_int64 v = sqlite3_column_int64(s, col);
        if (v < INT32_MIN || v > INT32_MAX)
            return bad_value(st, col, "32-bit integer");
        out->u.i32 = (int32_t)v;
        return ORMC_OK;
    }
    case ORMC_TYPE_BIGINT:
        out->u.i64 = sqlite3_column_int64(s, col);
        return ORMC_OK;
    case ORMC_TYPE_DOUBLE:
        out->u.f64 = sqlite3_column_double(s, col);
        return ORMC_OK;
    case ORMC_TYPE_BOOLEAN:
        out->u.b = sqlite3_column_int64(s, col) != 0;
        return ORMC_OK;
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON:
        out->u.text = (const char *)sqlite3_column_text(s, col);
        if (!out->u.text)
            return ormc__error(st->db, ORMC_NOMEM, NULL, NULL, "out of memory");
        return ORMC_OK;
    case ORMC_TYPE_BLOB: {
        const void *d = sqlite3_column_blob(s, col);
        int n = sqlite3_column_bytes(s, col);
        out->u.blob.data = d ? d : "";
        out->u.blob.len = (size_t)n;
        return ORMC_OK;
    }
    case ORMC_TYPE_TIMESTAMP:
        return read_time(st, sqlite3_column_value(s, col), col, ct,
                         &out->u.time);
    case ORMC_TYPE_UUID:
        if (ct == SQLITE_BLOB && sqlite3_column_bytes(s, col) == 16) {
            memcpy(out->u.uuid.bytes, sqlite3_column_blob(s, col), 16);
            return ORMC_OK;
        }
        if (ct == SQLITE_TEXT &&
            ormc_uuid_parse((const char *)sqlite3_column_text(s, col),
                            &out->u.uuid) == ORMC_OK)
            return ORMC_OK;
        return bad_value(st, col, "uuid");
    }
    return ORMC_OK; /* type 0: only the NULL test */
}

/* Column col of the current row into column c of row, for the types the
 * decoder below has no fast path for: read as sq_stmt_value reads it, stored
 * by ormc__store_value (a NULL leaves the zeroed field). */
static int decode_generic(ormc__stmt *st, int col, const ormc_column *c,
                          void *row)
{
    ormc_param v;
    memset(&v, 0, sizeof v);
    v.type = c->type == ORMC_TYPE_ENUM ? ORMC_TYPE_TEXT : c->type;
    int rc = sq_stmt_value(st, col, v.type, &v);
    if (rc != ORMC_OK || v.is_null)
        return rc;
    return ormc__store_value(st->db, c, row, &v);
}

/*
 * The common types straight into the row. Each column's value is taken
 * once (sqlite3_column_value) and read with the sqlite3_value_* calls,
 * which skip the per-call checks of sqlite3_column_*: the connection is
 * used by one thread at a time, and an allocation failure shows as a NULL
 * text of a value that is not NULL.
 */
static int sq_stmt_decode(ormc__stmt *st, const ormc_table *t, void *row)
{
    sqlite3_stmt *s = ((sq_stmt *)st)->s;
    int n = t->n_columns;
    for (int i = 0; i < n; i++) {
        const ormc_column *c = &t->columns[i];
        char *f = (char *)row + c->offset;
        sqlite3_value *v = sqlite3_column_value(s, i);
        int ct = sqlite3_value_type(v);
        if (ct == SQLITE_NULL)
            continue;
        switch (c->type) {
        case ORMC_TYPE_TEXT:
        case ORMC_TYPE_JSON: {
            const char *x = (const char *)sqlite3_value_text(v);
            if (x == NULL)
                return ormc__error(st->db, ORMC_NOMEM, NULL, NULL,
                                   "out of memory");
            memcpy(f, &x, sizeof x);
            continue; /* no has_ flag */
        }
        case ORMC_TYPE_BIGINT: {
            int64_t x = sqlite3_value_int64(v);
            memcpy(f, &x, sizeof x);
            break;
        }
        case ORMC_TYPE_INTEGER: {
            int64_t x = sqlite3_value_int64(v);
            if (x < INT32_MIN || x > INT32_MAX)
                return bad_value(st, i, "32-bit integer");
            int32_t x32 = (int32_t)x;
            memcpy(f, &x32, sizeof x32);
            break;
        }
        case ORMC_TYPE_BOOLEAN: {
            bool x = sqlite3_value_int64(v) != 0;
            memcpy(f, &x, sizeof x);
            break;
        }
        case ORMC_TYPE_DOUBLE: {
            double x = sqlite3_value_double(v);
            memcpy(f, &x, sizeof x);
            break;
        }
        case ORMC_TYPE_TIMESTAMP: {
            ormc_time x;
            int rc = read_time(st, v, i, ct, &x);
            if (rc != ORMC_OK)
                return rc;
            memcpy(f, &x, sizeof x);
            break;
        }
        default: {
            int rc = decode_generic(st, i, c, row);
            if (rc != ORMC_OK)
                return rc;
            continue;
        }
        }
        ormc__set_has(c, row);
    }
    return ORMC_OK;
}

static ormc__server_tx sq_server_tx(ormc_db *db)
{
    if (!db->conn)
        return ORMC__SERVER_LOST;
    return sqlite3_get_autocommit(CONN(db)) ? ORMC__SERVER_IDLE
                                            : ORMC__SERVER_IN_TX;
}

/* A file: nothing can die under an open connection. */
static ormc__health sq_health(ormc_db *db)
{
    return db->conn ? ORMC__HEALTH_SURE : ORMC__HEALTH_LOST;
}

static int64_t sq_last_insert_id(ormc_db *db)
{
    return sqlite3_last_insert_rowid(CONN(db));
}

/* 32,766 since SQLite 3.32, 999 before; lowered by sqlite3_limit. Without a
 * connection: the smallest a build has. */
static int sq_max_params(ormc_db *db)
{
    if (!db->conn)
        return 999;
    return sqlite3_limit(CONN(db), SQLITE_LIMIT_VARIABLE_NUMBER, -1);
}

const ormc__backend_vt ormc__sqlite_vt = {
    "sqlite",
    sq_connect,
    sq_disconnect,
    sq_exec_simple,
    sq_stmt_alloc,
    sq_stmt_finalize,
    sq_stmt_exec,
    sq_step,
    sq_stmt_reset,
    sq_stmt_changes,
    sq_stmt_columns,
    sq_stmt_column_name,
    sq_stmt_value,
    sq_stmt_decode,
    sq_server_tx,
    sq_last_insert_id,
    NULL,
    NULL,
    sq_health,
    sq_max_params,
    /* no pipelines: a batch runs its ops one after another (batch.c) */
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    /* no socket: a started batch runs on a worker thread (async.c) */
    NULL,
    NULL,
    NULL,
};
