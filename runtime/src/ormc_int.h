/*
 * ormc_int.h: the runtime's private declarations. Never installed.
 *
 * The runtime's layers, top to bottom (docs/architecture.md has the map, which
 * file is in which, and the known calls that still go up):
 *
 *   features: raw SQL, retry, pool, tenants
 *   engine: row operations, queries, cursors, schema
 *   SQL text: sqlbuild.c, shape.c
 *   session (stmt.c, tx.c, connection.c): the statement cache, parameters,
 *     implicit BEGIN, failed-state rule, reconnect, trace and stats
 *   backends (sqlite.c, postgres.c) and base utilities
 *
 * Everything that sends SQL goes through either an ormc__stmt (statements
 * with parameters, cached) or ormc__exec_control (parameterless control
 * statements such as BEGIN, COMMIT, SAVEPOINT, and multi-statement scripts),
 * so that tracing, stats, error mapping and the transaction rules apply to
 * all of it alike. docs/runtime.md explains the choices.
 */
#ifndef ORMC_INT_H
#define ORMC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ormc_generated.h"

typedef struct ormc__stmt ormc__stmt;
typedef struct ormc__backend_vt ormc__backend_vt;

/* === in url.c === */

/* The options in effect for a connection: ormc_options resolved against
 * the URL and the defaults (no -1 left). */
typedef struct ormc__config {
    bool autocommit;
    int busy_timeout_ms;
    bool prepare;
    int stmt_cache_size;
    int connect_timeout_s;              /* -1: libpq's default */
    int statement_timeout_ms;           /* 0: none */
    int lock_timeout_ms;                /* 0: none */
    int idle_in_transaction_timeout_ms; /* 0: none */
    ormc_isolation default_isolation;
    char *application_name; /* owned; NULL = unset */
} ormc__config;

/*
 * Split url into the backend, the driver's target (the SQLite filename or
 * URI, the libpq connection string with ormc's parameters removed: owned,
 * *target), the password it carries (owned, *secret, NULL when none) and
 * the resolved configuration. On ORMC_INVALID, errbuf says why (without the
 * password).
 */
int ormc__url_parse(const char *url, const ormc_options *opts,
                    ormc_backend *backend, char **target, char **secret,
                    ormc__config *cfg, char *errbuf, size_t errsize);
void ormc__config_free(ormc__config *cfg);

/* === in sqltext.c === */

/*
 * Scan SQL text outside string literals, quoted identifiers and comments,
 * as `dialect` writes them ([x] and `x` are identifiers on SQLite only; E''
 * strings and dollar quotes are PostgreSQL's): *max_param gets the highest
 * $N, *multi whether a second statement follows a top-level semicolon.
 * Returns ORMC_INVALID for $0 or a number > 65535.
 */
int ormc__sqltext_scan(const char *sql, ormc_backend dialect, int *max_param,
                       bool *multi);

/* A malloc'd copy of sql with every $N turned into ?N (SQLite, lexed as
 * SQLite does), or NULL when out of memory. */
char *ormc__sqltext_to_sqlite(const char *sql);

/* === in status.c: the connection's error state === */

/* Forget the last error (called at the start of each public call). */
void ormc__clear_error(ormc_db *db);

/* Record an error and return status. sqlstate may be NULL (then a default
 * per status is used), constraint may be NULL. The message is formatted
 * into the connection's fixed buffer and scrubbed of the password. Counts
 * the error in the stats. */
int ormc__error(ormc_db *db, int status, const char *sqlstate,
                const char *constraint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* The longest message text ormc__error scrubs before cutting it to the
 * connection's buffer (errmsg): what the backends' own messages are read
 * into. */
#define ORMC__MSG_FULL 2048

/* Replace every occurrence of secret in buf (NUL-terminated, in place, at
 * most ORMC__MSG_FULL bytes) with "***". */
void ormc__scrub(char *buf, size_t size, const char *secret);

/* The status of the last error recorded on db (ORMC_OK when none). */
int ormc__last_status(const ormc_db *db);

/* Saved error state, to keep the first error across a cleanup (rollback
 * after a failed body). */
typedef struct ormc__saved_error {
    int status;
    char msg[512];
    char sqlstate[6];
    char constraint[128];
} ormc__saved_error;
void ormc__error_save(const ormc_db *db, ormc__saved_error *out);
void ormc__error_restore(ormc_db *db, const ormc__saved_error *in);

/* === in stmt.c: the statement layer === */

/* The statement cache of one connection: a hash table keyed by each
 * statement's identity, plus an LRU list. */
typedef struct ormc__stmt_cache {
    ormc__stmt **buckets; /* hash chains */
    size_t n_buckets;     /* power of two */
    size_t count;         /* statements in the cache */
    ormc__stmt *lru_head; /* most recently used */
    ormc__stmt *lru_tail; /* least recently used: evicted first */
} ormc__stmt_cache;

/*
 * A statement's identity, as bytes: what its text depends on and nothing
 * else. The engine's statements are keyed by their shape (shape.c: the
 * kind of statement, the table's address, the column sets, a query's
 * operators ...), which is shorter to hash and compare than the text; a
 * text the caller gives (raw SQL, the schema's catalog queries) is its own
 * identity, in a domain of its own (ormc__stmt_prepare), so a text never
 * equals a shape. A key longer than ORMC__KEY_BYTES overflows: its
 * statement goes by its text instead.
 */
#define ORMC__KEY_BYTES 256
typedef struct ormc__key {
    size_t len;
    bool overflow;
    unsigned char bytes[ORMC__KEY_BYTES];
} ormc__key;

/* Append n bytes (inline: a query's key is made of many small pieces). */
static inline void ormc__key_add(ormc__key *k, const void *p, size_t n)
{
    if (k->overflow || n > sizeof k->bytes - k->len) {
        k->overflow = true;
        return;
    }
    memcpy(k->bytes + k->len, p, n);
    k->len += n;
}

#define ORMC__INLINE_PARAMS 8

/*
 * A statement: one SQL text, its parameters and its execution state. The
 * backend allocates a larger struct that begins with this one.
 * Lifecycle: ormc__stmt_prepare (checked out) -> bind -> step ... ->
 * ormc__stmt_release (reset; back into the cache or finalized).
 */
struct ormc__stmt {
    ormc_db *db;
    char *sql; /* own copy of the text */
    size_t sql_len;
    unsigned char *key; /* its identity (ormc__key); NULL: its text is */
    size_t key_len;
    uint64_t hash;   /* of the identity */
    uint64_t tag;    /* what its builder keeps beside it (shape.c: the
                        columns a row statement binds) */
    int n_params;    /* highest $N in the text */
    bool multi;      /* the text holds several statements */
    bool cached;     /* owned by the cache (else finalized on release) */
    bool in_use;     /* checked out */
    bool prepared;   /* the backend has prepared it */
    bool binary;     /* PostgreSQL: ask for binary results (default) */
    bool single_row; /* PostgreSQL: stream rows (cursors) */
    bool cut;        /* a COMMIT or ROLLBACK ended it mid-stream: its
                        next step says so (reset clears it) */
    ormc__stmt *hash_next, *lru_prev, *lru_next;
    /* the parameters of the next execution ($1 is params[0]) */
    ormc_param inline_params[ORMC__INLINE_PARAMS];
    ormc_param *params;
    /* the current execution */
    bool started;   /* executed (BEGIN sent when needed) */
    bool finished;  /* DONE or an error has been reported */
    int64_t n_rows; /* rows returned so far */
    int64_t elapsed_ns;
};

/*
 * Check out the statement for sql, its text being its identity: from the
 * cache, or new. Nothing is sent yet: the backend prepares on the first
 * step, after the implicit BEGIN, so that a preparation error fails the
 * transaction on both backends alike. ORMC_OK, ORMC_INVALID (bad $N, NULL
 * sql), ORMC_NOMEM.
 */
int ormc__stmt_prepare(ormc_db *db, const char *sql, ormc__stmt **out);

/* Check out the cached statement whose identity is k: ORMC_OK, or
 * ORMC_NOT_FOUND (nothing recorded) when the cache has none free (or
 * caches nothing: prepare=off; or k overflowed). Then its text is built and
 * given to ormc__stmt_prepare_key. Recorded errors as ormc__stmt_prepare. */
int ormc__stmt_find(ormc_db *db, const ormc__key *k, ormc__stmt **out);

/* A new statement for sql under the identity k (cached as such unless the
 * connection caches nothing; an overflowed k: as ormc__stmt_prepare), tag
 * kept beside it. As ormc__stmt_prepare otherwise. */
int ormc__stmt_prepare_key(ormc_db *db, const ormc__key *k, const char *sql,
                           uint64_t tag, ormc__stmt **out);

/* Set parameter $(i+1) for the next execution. The value's pointers are
 * borrowed until the statement is released or reset. */
int ormc__stmt_bind_param(ormc__stmt *st, int i, const ormc_param *p);

/* Set $1..$n from params[0..n-1]; n must be the statement's count. */
int ormc__stmt_bind_params(ormc__stmt *st, const ormc_param *params, size_t n);

/* Set $1..$n from the columns in `cols` of row (a struct of t), in column
 * order; popcount(cols) must equal the statement's parameter count. */
int ormc__stmt_bind_row(ormc__stmt *st, const ormc_table *t, const void *row,
                        ormc_colset cols);

/* Read column `col` of the current row of t into an ormc_param (the value
 * as the column type it should be): pointers borrowed until the next
 * step. */
int ormc__stmt_value(ormc__stmt *st, int col, ormc_type type,
                     ormc_param *out /* OUT */);

/* Execute (first call) or advance: ORMC_ROW, ORMC_DONE or an error status
 * (recorded on the connection; inside a transaction the transaction is
 * then failed). */
int ormc__stmt_step(ormc__stmt *st);

/* True when the backend can tell the rowid of the row an INSERT stored
 * (SQLite), so that an insert needs no RETURNING to learn its serial key. */
bool ormc__has_rowid(const ormc_db *db);

/* The rowid of the row the finished INSERT st stored (ormc__has_rowid). */
int64_t ormc__stmt_rowid(ormc__stmt *st);

/* Rows changed by the finished statement (INSERT/UPDATE/DELETE). */
int64_t ormc__stmt_changes(ormc__stmt *st);

/* Number of result columns of the current execution; a column's name. */
int ormc__stmt_columns(ormc__stmt *st);
const char *ormc__stmt_column_name(ormc__stmt *st, int col);

/* Decode the current row into row (a struct of t): every column of t,
 * in order, fields and has_ flags. own: copy text/json/blob into one
 * allocation kept in the row's ormc_owned field; !own: borrow them from
 * the driver (valid until the next step). The row is overwritten without
 * being freed first. */
int ormc__stmt_decode_row(ormc__stmt *st, const ormc_table *t, void *row,
                          bool own);

/* End the current execution (trace it when not yet done), clear the
 * parameters; the statement can be bound and stepped again. */
void ormc__stmt_reset(ormc__stmt *st);

/* Reset and give the statement back (to the cache, or finalize it). NULL
 * is a no-op. */
void ormc__stmt_release(ormc__stmt *st);

/* Finalize every cached statement (close, reconnect). */
void ormc__stmt_cache_clear(ormc_db *db, bool send);

/* Run a parameterless statement, or a script of several, outside the
 * cache: control statements (BEGIN, COMMIT, SAVEPOINT ...) and DDL
 * scripts. Traced and counted like any statement. `tx_rule`: apply the
 * implicit BEGIN and the failed-transaction rule (false for control
 * statements, which manage the transaction themselves). */
int ormc__exec_control(ormc_db *db, const char *sql, bool tx_rule,
                       int64_t *changes);

/* Run the backend's copy_rows under the rules of every statement (the
 * implicit BEGIN, the failed-transaction rule, trace and stats, sql being
 * what the trace hook sees). */
int ormc__exec_copy(ormc_db *db, const char *sql, const ormc_table *t,
                    const void *rows, size_t n, ormc_colset cols,
                    int64_t *changes);

/* Make sure a live connection exists before sending: reconnect when it was
 * lost and no transaction is open; ORMC_CONNECTION when lost inside one. */
int ormc__ensure_connected(ormc_db *db);

/* === in tx.c === */

/* Before a statement that is subject to the transaction rules: refuse in a
 * failed transaction (25P02), send the implicit BEGIN in PEP 249 mode. */
int ormc__tx_before_statement(ormc_db *db);

/* After a statement failed with status: fail the open transaction. */
void ormc__tx_statement_failed(ormc_db *db, int status);

/* The internal forms of begin/commit/rollback: on success they leave the
 * recorded error alone. */
int ormc__begin(ormc_db *db, const ormc_tx_options *opts);
/* Begin a transaction that reads the catalog and then writes (schema
 * create, drop, migrate): so that two writers take turns rather than one
 * acting on what it read before the other committed, SQLite takes the
 * write lock at once (BEGIN IMMEDIATE) and PostgreSQL reads each
 * statement's latest committed state (READ COMMITTED). Inside an open
 * transaction: a savepoint, as ormc__begin. */
int ormc__begin_writer(ormc_db *db);
int ormc__commit(ormc_db *db);
int ormc__rollback(ormc_db *db);

/* End the innermost level by the body's outcome: commit (release) it when
 * rc is ORMC_OK, else roll it back and keep rc's error as the connection's.
 * Returns the commit's status, or rc. */
int ormc__end_level(ormc_db *db, int rc);

/* === in trace.c === */

int64_t ormc__now_ns(void);

/* One statement finished: stats and the trace hook. */
void ormc__statement_done(ormc_db *db, const char *sql, size_t n_params,
                          int64_t duration_ns, int64_t rows, int status);

/* === in values.c === */

/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
int64_t ormc__days_from_civil(int64_t y, unsigned m, unsigned d);
void ormc__civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* === in validate.c === */

/* The first instant both backends store: 4714-11-24 00:00:00 UTC BC
 * (proleptic Gregorian, PostgreSQL's lower bound), in ormc_time. The upper
 * bound is the type's own, INT64_MAX, which both store and read back. */
#define ORMC__TIME_MIN INT64_C(-210866803200000000)

/* The columns of t whose values a write must check (text, json, enum,
 * double, timestamp, and NOT NULL columns that can hold a NULL): computed
 * once per table and connection (ormc__table_sets.checked). */
ormc_colset ormc__checked_columns(const ormc_table *t);

/*
 * The checks of ormc_row_validate on the columns `cols & checked` of row,
 * as a write about to send them: a NULL in a NOT NULL column is refused
 * too (a write never sends the columns the database fills). ORMC_OK, or
 * ORMC_INVALID recorded on db with "table.column: why" (with "row N: "
 * before why when `many`, N being row_no), the column as the error's
 * constraint, and the SQLSTATE PostgreSQL gives the same fault (22001,
 * 22021, 22P02, 22008, 23502; 22023 for NaN). Sends nothing.
 */
int ormc__row_check(ormc_db *db, const ormc_table *t, const void *row,
                    ormc_colset cols, ormc_colset checked, size_t row_no,
                    bool many);

/* === in colsets.c === */

/* What the writes need to know of a table on every call, from its column
 * flags: remembered per connection by the descriptor's address
 * (descriptors are static data). */
typedef struct ormc__table_sets {
    const ormc_table *t; /* whose; NULL: an empty slot */
    ormc_colset serial;  /* the serial columns */
    ormc_colset now;     /* the columns defaulting to now */
    ormc_colset var;     /* the text, json and blob columns (what a fetched
                            row copies into its allocation) */
    int rowid_col;       /* the primary key when it is one serial column
                            (SQLite: the rowid), else -1 */
    ormc_colset checked; /* the columns a write checks
                            (ormc__checked_columns) */
} ormc__table_sets;

#define ORMC__TABLE_SETS 8 /* slots per connection, by address */

/* The sets of t, valid until the next look-up on db (another table may
 * take their slot). */
const ormc__table_sets *ormc__table_sets_of(ormc_db *db, const ormc_table *t);

/* The columns an insert of row names: all but an unset serial (value 0)
 * and an unset now-defaulted column (has_ false), which take the
 * database's value. */
ormc_colset ormc__insert_columns_of(const ormc__table_sets *ts,
                                    const void *row);

/* The columns an insert must read back so that row holds what was stored:
 * the serial and now-defaulted columns it left out. */
static inline ormc_colset ormc__insert_returning_of(const ormc__table_sets *ts,
                                                    ormc_colset inserted)
{
    return (ts->serial | ts->now) & ~inserted;
}

/* === in connection.c: the session state a reconnect sets again === */

/* Keep schema (the tenant's name, for messages) and restore (the statement
 * that sets its search_path again, a script for ormc__exec_control), both
 * malloc'd and owned from now on, replacing what was kept. */
void ormc__session_keep(ormc_db *db, char *schema, char *restore);

/* Forget what ormc__session_keep kept (close; the pool resets the
 * session; a new tenant is chosen). */
void ormc__session_forget(ormc_db *db);

/* Still inside a transaction at the server (open, failed, or with a
 * command in progress); false when the connection is lost. */
bool ormc__session_in_transaction(ormc_db *db);

/* Is the idle connection db still usable, and outside any transaction?
 * Sends nothing when its backend can tell (one poll(2) on PostgreSQL),
 * except that a SELECT 1 round trip decides when the server sent something
 * unasked or, for a peer that can vanish silently, when `probe`. */
bool ormc__session_healthy(ormc_db *db, bool probe);

/* End a transaction the server still has open on db (a BEGIN sent as raw
 * SQL; SQLite's own) with a ROLLBACK. False when that fails, or when the
 * connection is lost or a command is mid-stream: db cannot be reused. */
bool ormc__session_end_transaction(ormc_db *db);

/* db is usable and outside any transaction at the server. */
bool ormc__session_idle(ormc_db *db);

/* After a reconnect: send the kept statement again (before any other
 * statement). On failure the connection is marked broken, so that no
 * statement ever runs in the wrong schema. ORMC_OK when nothing is kept. */
int ormc__session_restore(ormc_db *db);

/* === the backend interface (sqlite.c, postgres.c) === */

/* A connection's transaction state at the server (ormc__backend_vt). */
typedef enum ormc__server_tx {
    ORMC__SERVER_IDLE,  /* outside any transaction */
    ORMC__SERVER_IN_TX, /* inside one, open or failed */
    ORMC__SERVER_BUSY,  /* PostgreSQL: a command still running, or a result
                           not read to its end */
    ORMC__SERVER_LOST,  /* no usable connection */
} ormc__server_tx;

/* A connection's health, as far as its backend can tell without sending a
 * query (ormc__backend_vt.health). */
typedef enum ormc__health {
    ORMC__HEALTH_LOST,  /* unusable */
    ORMC__HEALTH_SURE,  /* usable, and a round trip would tell no more
                           (SQLite: nothing can die under a file) */
    ORMC__HEALTH_QUIET, /* usable as far as the client sees, and the server
                           has sent nothing; a peer that vanished silently
                           shows only in a round trip */
    ORMC__HEALTH_SPOKE, /* the server sent something unasked: the error of
                           a terminated backend before its EOF, or rarely a
                           harmless message; a round trip decides */
} ormc__health;

struct ormc__backend_vt {
    const char *name;
    /* Connect db->conn from db->target and db->cfg; on failure record the
     * error (ORMC_CONNECTION) and leave db->conn NULL or closed. */
    int (*connect)(ormc_db *db);
    void (*disconnect)(ormc_db *db);
    /* A parameterless statement or script; *changes of the last one. */
    int (*exec_simple)(ormc_db *db, const char *sql, int64_t *changes);
    /* Allocate a statement struct (>= sizeof(ormc__stmt), zeroed). */
    ormc__stmt *(*stmt_alloc)(ormc_db *db);
    /* Release the backend's resources of st (send: may tell the server;
     * false when the connection is gone); does not free st. */
    void (*stmt_finalize)(ormc__stmt *st, bool send);
    /* Prepare when needed, bind st->params, execute and give the first
     * result: ORMC_ROW, ORMC_DONE or an error (recorded). */
    int (*stmt_exec)(ormc__stmt *st);
    /* The next row: ORMC_ROW, ORMC_DONE or an error. */
    int (*stmt_next)(ormc__stmt *st);
    /* End the execution (keep the preparation). */
    void (*stmt_reset)(ormc__stmt *st);
    int64_t (*stmt_changes)(ormc__stmt *st);
    int (*stmt_columns)(ormc__stmt *st);
    const char *(*stmt_column_name)(ormc__stmt *st, int col);
    /* Column col of the current row as `type`; pointers borrowed. */
    int (*stmt_value)(ormc__stmt *st, int col, ormc_type type, ormc_param *out);
    /* The current row into row (a struct of t, zeroed beforehand), column
     * i of the result into column i of t, for every column of t: fields
     * and has_ flags, enums mapped from their labels, text and blobs
     * borrowed until the next step; a NULL leaves both zero. What
     * ormc__stmt_decode_row calls (it has checked that the row is there
     * and has enough columns): the common types read straight from the
     * driver, the rest read with stmt_value and stored with
     * ormc__store_value (fields.h). */
    int (*stmt_decode)(ormc__stmt *st, const ormc_table *t, void *row);
    /* Where the connection stands at the server, from what the client
     * already knows (nothing is sent). SQLite may roll back by itself
     * after some errors. */
    ormc__server_tx (*server_tx)(ormc_db *db);
    /* The rowid of the last row this connection inserted (SQLite's
     * sqlite3_last_insert_rowid), so that an insert needs no RETURNING to
     * learn its serial key; NULL when the backend cannot tell. */
    int64_t (*last_insert_id)(ormc_db *db);
    /* Bulk-load rows[0..n-1] (structs of t), the columns `cols`, with `sql`
     * (a COPY ... FROM STDIN (FORMAT binary) of those columns); *changes
     * gets the rows stored. All or none: a failure stores nothing. NULL
     * when the backend has no such path. */
    int (*copy_rows)(ormc_db *db, const char *sql, const ormc_table *t,
                     const void *rows, size_t n, ormc_colset cols,
                     int64_t *changes);
    /* Is the open connection still usable, as far as can be told without
     * sending a query (ormc__session_healthy)? May read what the server
     * sent unasked. */
    ormc__health (*health)(ormc_db *db);
};

extern const ormc__backend_vt ormc__sqlite_vt;
extern const ormc__backend_vt ormc__postgres_vt;

/* === the connection === */

struct ormc_db {
    const ormc__backend_vt *vt;
    ormc_backend backend;
    ormc__config cfg;
    char *target; /* driver connection string / filename */
    char *secret; /* the password, scrubbed from every message */
    void *conn;   /* sqlite3 * or PGconn * */
    bool broken;  /* the connection was lost; reconnect before sending */
    bool ever_connected;

    /* transactions: depth 0 = none; 1 = the transaction; n = savepoints */
    int tx_depth;
    bool tx_implicit;          /* level 1 was opened by a statement */
    bool tx_failed;            /* a statement failed: only rollback works */
    ormc__saved_error tx_fail; /* the error that failed it, which a commit
                                  reports (valid while tx_failed) */
    int tx_owned;              /* the innermost level an ormc_transaction runs:
                                  the body may not commit or roll it back (0:
                                  none) */
    bool tx_owned_misuse;      /* the body tried to: the runner rolls back */
    uint64_t tx_seq;           /* counts outermost transactions begun: tells one
                                  transaction from the next at the same depth */
    bool tx_query_only;        /* SQLite: PRAGMA query_only set for read-only */

    /* last error */
    int err_status;
    char errmsg[512];
    char sqlstate[6];
    char errconstraint[128];

    ormc__stmt_cache cache;
    uint64_t stmt_seq; /* names of PostgreSQL prepared statements */
    /* stmt.c: a single_row statement from its first row to its end: the
     * server is still sending it, so every other statement is refused */
    ormc__stmt *streaming;

    /* cursor.c: the open PostgreSQL cursors, a bit per name
     * ormc_cursor_<bit> */
    uint32_t pg_cursors;
    uint64_t pg_cursor_tx; /* the tx_seq of the transaction cursors opened
                              for themselves (autocommit); 0: none */

    /* colsets.c: the column sets of the tables in use */
    ormc__table_sets table_sets[ORMC__TABLE_SETS];

    ormc_trace_fn trace;
    void *trace_ctx;
    ormc_change_fn on_change; /* ormc_on_change; NULL: none (hooks.c) */
    void *on_change_ctx;
    ormc_counters stats;
    uint64_t rng; /* jitter */

    /* connection.c: the session state set again after a reconnect
     * (ormc__session_keep): the tenant's schema ormc_use_tenant chose and
     * the script that sets its search_path (owned); NULL: the URL's */
    char *schema;
    char *session_restore;
};

/* The index of the lowest column of a non-empty column set. */
static inline int ormc__lowest_column(ormc_colset cols)
{
#if defined(__GNUC__)
    return __builtin_ctzll(cols);
#else
    int i = 0;
    while (!(cols & ORMC_COLUMN_BIT(i)))
        i++;
    return i;
#endif
}

/* Byte order helpers for the PostgreSQL binary format. */
static inline uint64_t ormc__be64(const void *p)
{
    const uint8_t *b = (const uint8_t *)p;
    return ((uint64_t)b[0] << 56) | ((uint64_t)b[1] << 48) |
           ((uint64_t)b[2] << 40) | ((uint64_t)b[3] << 32) |
           ((uint64_t)b[4] << 24) | ((uint64_t)b[5] << 16) |
           ((uint64_t)b[6] << 8) | (uint64_t)b[7];
}

static inline uint32_t ormc__be32(const void *p)
{
    const uint8_t *b = (const uint8_t *)p;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
           ((uint32_t)b[2] << 8) | (uint32_t)b[3];
}

static inline void ormc__put_be64(void *p, uint64_t v)
{
    uint8_t *b = (uint8_t *)p;
    for (int i = 7; i >= 0; i--) {
        b[i] = (uint8_t)v;
        v >>= 8;
    }
}

static inline void ormc__put_be32(void *p, uint32_t v)
{
    uint8_t *b = (uint8_t *)p;
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
}

#endif /* ORMC_INT_H */
