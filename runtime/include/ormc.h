/*
 * ormc.h: the public interface of the ormc runtime.
 *
 * What an application calls. Groups, in order: versions and status codes;
 * values; connections; transactions; raw SQL; observability; the types the
 * generated API takes; change hooks; pool; tenants. What generated code
 * calls (the descriptors and the engine behind the typed functions) is in
 * ormc_generated.h, which every generated header includes.
 *
 * Conventions (as in SQLite and libpq):
 *   - Every fallible function returns an int status: ORMC_OK (0) or another
 *     ORMC_* code. ORMC_ROW, ORMC_DONE and ORMC_NOT_FOUND are outcomes, not
 *     errors; ormc_is_error() tells them apart.
 *   - A connection's last error message and SQLSTATE are kept in the
 *     connection (ormc_errmsg, ormc_sqlstate) and overwritten by its next
 *     call.
 *   - Out-parameters are marked OUT. Every destructor accepts NULL.
 *   - One ormc_db is used by one thread at a time; a pool is thread-safe
 *     (an asynchronous pool belongs to its event loop's thread).
 */
#ifndef ORMC_H
#define ORMC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* === Versions === */

#define ORMC_VERSION "0.1.0"

/*
 * Marks a name kept for one release after it was renamed: using it still
 * works, and GCC and clang warn with the new name. Define
 * ORMC_NO_DEPRECATED_WARNINGS before including ormc.h to silence them.
 */
#if (defined(__GNUC__) || defined(__clang__)) &&                               \
    !defined(ORMC_NO_DEPRECATED_WARNINGS)
#define ORMC_DEPRECATED(use) __attribute__((deprecated("use " use)))
#else
#define ORMC_DEPRECATED(use)
#endif

/* === Status codes === */

/*
 * X(NAME, message): the one table of status codes. Append only: the value of
 * a code is its position, and programs store them.
 */
#define ORMC_STATUS_MAP(X)                                                     \
    X(OK, "success")                                                           \
    X(ROW, "a row is available")                                               \
    X(DONE, "no more rows")                                                    \
    X(NOT_FOUND, "no matching row")                                            \
    X(INVALID, "invalid argument or misuse")                                   \
    X(CONSTRAINT, "constraint violation")                                      \
    X(SERIALIZATION, "serialization failure")                                  \
    X(DEADLOCK, "deadlock detected")                                           \
    X(BUSY, "database busy or lock not available")                             \
    X(CONNECTION, "connection failed or lost")                                 \
    X(SCHEMA_DRIFT, "database schema differs from the compiled schema")        \
    X(UNSUPPORTED, "not supported by this backend")                            \
    X(NOMEM, "out of memory")                                                  \
    X(ERROR, "database error")                                                 \
    X(TIMEOUT, "statement timed out or was canceled")                          \
    X(COMMIT_UNKNOWN, "connection lost during COMMIT: outcome unknown")

enum ormc_status {
#define ORMC__STATUS_ENUM(name, msg) ORMC_##name,
    ORMC_STATUS_MAP(ORMC__STATUS_ENUM)
#undef ORMC__STATUS_ENUM
    ORMC__STATUS_COUNT
};

/* A static English description of a status code; never NULL. */
const char *ormc_strstatus(int status);

/* True for the codes that are errors (everything after ORMC_NOT_FOUND). */
static inline bool ormc_is_error(int status)
{
    return status > ORMC_NOT_FOUND;
}

/* === Values === */

/* A timestamp: microseconds since 1970-01-01 00:00:00 UTC. */
typedef int64_t ormc_time;

/* Bytes. NULL data means SQL NULL. Borrowed unless said otherwise. */
typedef struct ormc_blob {
    const void *data; /* the bytes; NULL = SQL NULL */
    size_t len;       /* number of bytes at data */
} ormc_blob;

/* A UUID in network byte order (RFC 4122). */
typedef struct ormc_uuid {
    uint8_t bytes[16];
} ormc_uuid;

/* The value types of the schema DSL. Keep in sync with gen/types.lua. */
typedef enum ormc_type {
    ORMC_TYPE_INTEGER = 1, /* int32_t */
    ORMC_TYPE_BIGINT,      /* int64_t (serial too) */
    ORMC_TYPE_DOUBLE,      /* double */
    ORMC_TYPE_BOOLEAN,     /* bool */
    ORMC_TYPE_TEXT,        /* const char *, UTF-8 */
    ORMC_TYPE_BLOB,        /* ormc_blob */
    ORMC_TYPE_TIMESTAMP,   /* ormc_time */
    ORMC_TYPE_JSON,        /* const char *, JSON text */
    ORMC_TYPE_UUID,        /* ormc_uuid */
    ORMC_TYPE_ENUM         /* a generated C enum, stored as int */
} ormc_type;

/*
 * A typed value: a parameter of raw SQL, a filter value of the query builder.
 * Pointers in it (text, json, blob data) are borrowed: they must stay valid
 * until the statement or query that uses the value has run.
 */
typedef struct ormc_param {
    ormc_type type; /* which member of u is set */
    bool is_null;   /* SQL NULL; u is ignored */
    union {
        int32_t i32;      /* INTEGER, ENUM */
        int64_t i64;      /* BIGINT */
        double f64;       /* DOUBLE */
        bool b;           /* BOOLEAN */
        const char *text; /* TEXT, JSON; NUL-terminated UTF-8 */
        ormc_blob blob;   /* BLOB */
        ormc_time time;   /* TIMESTAMP */
        ormc_uuid uuid;   /* UUID */
    } u;
} ormc_param;

/* Converting an ormc_time to and from "YYYY-MM-DD HH:MM:SS.ffffff" (UTC).
 * ormc_time_format writes at most ORMC_TIME_TEXT_MAX bytes including the
 * NUL and returns the length written. ormc_time_parse also accepts a
 * trailing "+00", "+00:00" or "Z", and fewer fraction digits; it reads
 * back whatever ormc_time_format wrote, INT64_MIN to INT64_MAX. */
#define ORMC_TIME_TEXT_MAX 32

size_t ormc_time_format(ormc_time t, char *buf /* OUT */, size_t size);
int ormc_time_parse(const char *text, ormc_time *out /* OUT */);

/* The current time (the system's real-time clock), for timestamp fields. */
ormc_time ormc_time_now(void);

/* Converting a UUID to and from its canonical 36-character text. */
#define ORMC_UUID_TEXT_MAX 37
void ormc_uuid_format(const ormc_uuid *u, char buf[ORMC_UUID_TEXT_MAX]);
int ormc_uuid_parse(const char *text, ormc_uuid *out /* OUT */);

/* === Connections === */

typedef struct ormc_db ormc_db;

typedef enum ormc_backend {
    ORMC_SQLITE = 1,
    ORMC_POSTGRES = 2
} ormc_backend;

typedef enum ormc_isolation {
    ORMC_ISOLATION_DEFAULT = 0, /* the connection's default */
    ORMC_READ_COMMITTED,
    ORMC_REPEATABLE_READ,
    ORMC_SERIALIZABLE
} ormc_isolation;

/*
 * The on-connect hook (ormc_options.on_connect): called on every connection
 * ormc makes, at ormc_open, after each automatic reconnect, and for every
 * connection a pool opens (on PostgreSQL again after the pool's reset on
 * release, whose RESET ALL undoes it), after ormc's own settings and
 * before any other statement. It runs outside any transaction: the statements
 * it sends are not wrapped in the implicit BEGIN, so it may run what SQLite or
 * PostgreSQL refuse inside one (PRAGMA journal_mode, SET ROLE, LOAD ...).
 * It may begin and commit a transaction of its own, but must leave none
 * open, and must not close db. Return ORMC_OK to accept the connection;
 * anything else (and a transaction left open) fails it: the connection is
 * closed, never used, and the call that was making it (ormc_open, the statement
 * that reconnected, ormc_pool_acquire) returns ORMC_CONNECTION with the message
 * "on_connect hook failed: ..." and the SQLSTATE of the hook's last error.
 * The next call on the handle tries again with a new connection. ctx is
 * ormc_options.on_connect_ctx, borrowed for as long as the connection (or
 * the pool) lives.
 */
typedef int (*ormc_connect_fn)(ormc_db *db, void *ctx);

/*
 * Options of ormc's own. Each may also be given as a URL parameter
 * (`?autocommit=on&busy_timeout=5000`), which ormc strips before the driver
 * sees the URL. A field left at its ORMC_OPTIONS_INIT value defers to the URL
 * and then to the default named beside it.
 */
typedef struct ormc_options {
    int autocommit;           /* 1 on, 0 off (default), -1 unset */
    int busy_timeout_ms;      /* SQLite busy wait; default 5000, -1 unset */
    int prepare;              /* 1 cache prepared statements (default),
                                 0 never, -1 unset (the URL's
                                 pooler=transaction implies 0) */
    int stmt_cache_size;      /* prepared statements kept; default 256 */
    int connect_timeout_s;    /* PostgreSQL connect timeout; default libpq */
    int statement_timeout_ms; /* PostgreSQL; 0 none (default), -1 unset */
    int lock_timeout_ms;      /* PostgreSQL; 0 none (default), -1 unset */
    int idle_in_transaction_timeout_ms; /* PostgreSQL; 0 none, -1 unset */
    ormc_isolation default_isolation;   /* default: the server's */
    const char *application_name;       /* PostgreSQL; NULL = unset */
    /* SQLite settings run when each connection opens, before any other
     * statement and outside any transaction (URL parameters journal_mode=,
     * synchronous=, pragma.NAME=VALUE); ignored by PostgreSQL. Copied at
     * open. */
    const char *journal_mode;   /* delete, truncate, persist, memory, wal,
                                   off; NULL = the URL's, else SQLite's */
    const char *synchronous;    /* off, normal, full, extra; NULL = unset */
    const char *pragmas;        /* more, "NAME=VALUE;NAME=VALUE", run after
                                   the URL's pragma.NAME ones; NULL = none */
    ormc_connect_fn on_connect; /* see ormc_connect_fn; NULL = none */
    void *on_connect_ctx;       /* passed to on_connect */
    /* PostgreSQL read replicas (docs/scale-out.md): "HOST:PORT,HOST:PORT"
     * (a HOST starting with / is a socket directory), reached with the
     * URL's database, user and password. Read-only transactions and
     * autocommit reads of the generated API go to one of them, round
     * robin; everything else to the URL's server. NULL = the URL's
     * replica_hosts=, else none. Copied at open. */
    const char *replica_hosts;
    int replica_max_lag_ms;  /* skip a replica further behind; 0 none
                                (default), -1 unset */
    int read_your_writes_ms; /* after a write is committed, reads stay on
                                the primary this long; 0 (default), -1
                                unset */
} ormc_options;

/* clang-format off */
#define ORMC_OPTIONS_INIT                                                      \
    { -1, -1, -1, -1, -1, -1, -1, -1, ORMC_ISOLATION_DEFAULT, NULL,            \
      NULL, NULL, NULL, NULL, NULL, NULL, -1, -1 }
/* clang-format on */

/*
 * Open a connection. url is `sqlite:PATH`, `sqlite::memory:`,
 * `postgres://...`, `postgresql://...` or a libpq keyword string
 * (`host=... dbname=...`). A NULL url is read from the environment:
 * ORMC_URL, else DATABASE_URL (ORMC_INVALID when neither is set or both
 * are empty). On success *db is a new handle, closed with
 * ormc_close. On failure *db is still set when a handle could be made, so
 * that ormc_errmsg(*db) tells why (it must be closed too), else NULL.
 * Returns ORMC_OK, ORMC_INVALID (bad URL or option), ORMC_CONNECTION (no
 * server, or the server refused: ormc_sqlstate gives its SQLSTATE, e.g.
 * 28P01 for a wrong password, 08001 when no server answered; or the
 * on_connect hook refused the connection), ORMC_BUSY
 * (SQLite: the file is locked), ORMC_ERROR (SQLite: the file is not a
 * database, or a damaged one: XX001; opening it again cannot help),
 * ORMC_NOMEM.
 */
int ormc_open(const char *url, ormc_db **db /* OUT */);
int ormc_open_with(const char *url, const ormc_options *opts,
                   ormc_db **db /* OUT */);

/* Close a connection; a transaction still open is rolled back. NULL is a
 * no-op. */
void ormc_close(ormc_db *db);

/* Which backend the connection talks to. */
ormc_backend ormc_backend_of(const ormc_db *db);

/* The last error of the connection, "" after success. Valid until the next
 * call on db. Never contains a password. NULL db gives a static message. */
const char *ormc_errmsg(const ormc_db *db);

/* The five-character SQLSTATE of the last error ("" when none). SQLite
 * errors are mapped to the PostgreSQL code of the same meaning. */
const char *ormc_sqlstate(const ormc_db *db);

/* The constraint (or else column) the last error names, "" when unknown. */
const char *ormc_errconstraint(const ormc_db *db);

/* === Transactions === */

typedef enum ormc_tx_state {
    ORMC_TX_IDLE = 0,   /* no transaction open */
    ORMC_TX_ACTIVE = 1, /* in a transaction */
    ORMC_TX_FAILED = 2  /* in a failed transaction: only rollback works */
} ormc_tx_state;

typedef struct ormc_tx_options {
    ormc_isolation isolation; /* ORMC_ISOLATION_DEFAULT: connection's */
    bool read_only;           /* a read-only transaction */
} ormc_tx_options;

/* clang-format off */
#define ORMC_TX_OPTIONS_INIT { ORMC_ISOLATION_DEFAULT, false }
/* clang-format on */

/*
 * Begin a transaction, or a SAVEPOINT when one is already open. Options
 * apply to the outermost level only (ORMC_INVALID when given for a nested
 * level). Commit releases the innermost level; rollback rolls it back.
 * Commit or rollback with nothing open is ORMC_INVALID, and so is either
 * one inside an ormc_transaction body on the runner's level (nothing is
 * sent; the runner rolls back). Commit of a failed level rolls it back and
 * returns the status, SQLSTATE and message of the statement that failed
 * it; ORMC_CONNECTION when the connection was lost before COMMIT was sent
 * (nothing was committed); ORMC_COMMIT_UNKNOWN (SQLSTATE 08007) when it was
 * lost after COMMIT was sent and before its answer: the transaction may or
 * may not have committed (docs/scale-out.md). Either way the transaction is
 * over on db, and its next call reconnects.
 */
int ormc_begin(ormc_db *db);
int ormc_begin_with(ormc_db *db, const ormc_tx_options *opts);

/* On a connection with read replicas: every read goes to the primary for
 * the next ms milliseconds (read-your-writes after a write whose result
 * must be seen at once; 0 ends it). ORMC_OK; ORMC_INVALID for a NULL db
 * or a negative ms. A connection without replicas reads from its one
 * server anyway. */
int ormc_read_primary_for(ormc_db *db, int ms);
int ormc_commit(ormc_db *db);
int ormc_rollback(ormc_db *db);

/* The transaction state of db in *state: ORMC_TX_IDLE, ORMC_TX_ACTIVE or
 * ORMC_TX_FAILED. In the default mode a statement outside ormc_begin makes
 * the state ACTIVE (the implicit transaction). Any statement failing inside
 * a transaction makes it FAILED, on SQLite as on PostgreSQL: until the level
 * is rolled back, statements are refused with SQLSTATE 25P02, and commit
 * rolls back and returns the failure's status and SQLSTATE. Returns ORMC_OK,
 * or ORMC_INVALID for a NULL argument (*state untouched). */
int ormc_tx_state_of(const ormc_db *db, ormc_tx_state *state /* OUT */);

/* Deprecated, removed in the next release: the state as ormc_tx_state_of
 * gives it, or ORMC_INVALID for a NULL db, in one int whose meaning
 * depends on its value. */
int ormc_tx_status(const ormc_db *db) ORMC_DEPRECATED("ormc_tx_state_of");

typedef struct ormc_retry_options {
    ormc_tx_options tx; /* isolation and read-only of each attempt */
    int max_attempts;   /* default 3 */
    int base_delay_ms;  /* first back-off; default 300, doubling */
    int max_delay_ms;   /* cap of one back-off; default 10000 */
} ormc_retry_options;

/* clang-format off */
#define ORMC_RETRY_OPTIONS_INIT { ORMC_TX_OPTIONS_INIT, 3, 300, 10000 }
/* clang-format on */

/* The body of a transaction. Returns ORMC_OK to commit, anything else to
 * roll back. */
typedef int (*ormc_tx_fn)(ormc_db *db, void *ctx);

/*
 * Run fn in a transaction: commit when it returns ORMC_OK, roll back
 * otherwise, and run it again after a serialization failure, deadlock,
 * busy/lock-not-available or a connection lost before COMMIT was sent (the
 * transaction did not happen; the next attempt reconnects), with
 * exponential back-off and jitter. Never after ORMC_TIMEOUT, a refused
 * connection (ORMC_CONNECTION with SQLSTATE class 28, 3D000, 08004) or
 * ORMC_COMMIT_UNKNOWN (lost during COMMIT: it may have committed; see
 * docs/scale-out.md for making such a transaction safe to run again).
 * opts may be NULL for the defaults. Returns the status of the last
 * attempt.
 *
 * fn must not end the transaction itself: ormc_commit or ormc_rollback of
 * the runner's level inside fn is refused (ORMC_INVALID, nothing sent), and
 * the runner then rolls back and returns ORMC_INVALID whatever fn returned.
 * Savepoints fn opens with ormc_begin are its own to end.
 *
 * When a transaction is already open (an explicit one, or the implicit one
 * the default mode opens at the first statement, even a read), fn runs in a
 * SAVEPOINT of it instead: ORMC_OK releases the savepoint, so fn's work
 * commits when the enclosing transaction does (ormc_commit), and nothing is
 * retried, since a serialization failure dooms the whole transaction. For
 * a transaction of its own every time, call it with none open: on an
 * autocommit connection, or after ormc_commit.
 */
int ormc_transaction(ormc_db *db, const ormc_retry_options *opts, ormc_tx_fn fn,
                     void *ctx);

/* === Raw SQL === */

/*
 * Run one statement that returns no rows, with parameters $1..$n (the same
 * syntax on both backends). *changes (may be NULL) gets the number of rows
 * changed. Runs in the current transaction (opening one unless autocommit).
 */
int ormc_exec(ormc_db *db, const char *sql, const ormc_param *params,
              size_t n_params, int64_t *changes /* OUT */);

typedef struct ormc_result ormc_result;

/*
 * Run one statement that returns rows. Step with ormc_result_next (ORMC_ROW,
 * ORMC_DONE or an error); read columns with the ormc_result_* getters, whose
 * pointers are valid until the next step or ormc_result_close.
 */
int ormc_query(ormc_db *db, const char *sql, const ormc_param *params,
               size_t n_params, ormc_result **res /* OUT */);
int ormc_result_next(ormc_result *res);

/* The number of result columns, and the name of one (valid until
 * ormc_result_close). */
int ormc_result_columns(const ormc_result *res);
const char *ormc_result_column_name(const ormc_result *res, int col);

/*
 * Read column col (0-based) of the current row as `type`. Values are
 * converted as SQLite does on both backends (an integer column read as
 * text gives its digits; PostgreSQL bytea read as BLOB gives the bytes; a
 * timestamp column read as TIMESTAMP gives microseconds since 1970 UTC).
 * out->is_null tells SQL NULL. Text and blob pointers are borrowed: valid
 * until the next ormc_result_next or ormc_result_close. ORMC_OK,
 * ORMC_INVALID (no current row, no such column, type not one of
 * ormc_type's values), ORMC_ERROR (the value does not convert, e.g. a
 * non-numeric text read as BIGINT).
 */
int ormc_result_get(const ormc_result *res, int col, ormc_type type,
                    ormc_param *out /* OUT */);

/* Shorthands for ormc_result_get: NULL, a missing column or a value that
 * does not convert reads as 0, false, NULL or {NULL, 0}. */
bool ormc_result_is_null(const ormc_result *res, int col);
int64_t ormc_result_int64(const ormc_result *res, int col);
double ormc_result_double(const ormc_result *res, int col);
bool ormc_result_bool(const ormc_result *res, int col);
const char *ormc_result_text(const ormc_result *res, int col);
ormc_blob ormc_result_blob(const ormc_result *res, int col);

/* Finish the statement and free the result. Close every result before
 * closing its connection. NULL is a no-op. */
void ormc_result_close(ormc_result *res);

/* === Observability === */

typedef struct ormc_trace_event {
    const char *sql;     /* the statement text */
    size_t n_params;     /* number of parameters bound */
    int64_t duration_ns; /* wall time of the call */
    int64_t rows;        /* rows returned or changed */
    int status;          /* the ORMC_* outcome */
    /* where it ran, on a connection with read replicas: "primary", or
     * "replica HOST:PORT"; NULL on any other connection */
    const char *server;
} ormc_trace_event;

typedef void (*ormc_trace_fn)(void *ctx, const ormc_trace_event *ev);

/* Call fn after every statement sent (NULL to stop). Independent of
 * ORMC_TRACE, the environment variable that makes every connection opened
 * while it is set log its statements ("1": to stderr; "params": with the
 * parameters' values, a secret = true column's as ***; "file:PATH": to
 * PATH; docs/runtime.md). */
void ormc_set_trace(ormc_db *db, ormc_trace_fn fn, void *ctx);

/* The capacity of ormc_counters.errors: fixed, so that appending a status
 * code does not change the struct's size (the runtime checks at compile
 * time that every code fits). The slots past the last code stay zero. */
#define ORMC_STATS_ERRORS_MAX 64

typedef struct ormc_counters {
    uint64_t statements; /* statements run */
    uint64_t prepares;   /* statements prepared (cache misses) */
    uint64_t rows;       /* rows returned or changed */
    uint64_t errors[ORMC_STATS_ERRORS_MAX]; /* failures per status code */
    uint64_t retries;                       /* ormc_transaction re-runs */
    uint64_t reconnects;                    /* automatic reconnections */
} ormc_counters;

/* A copy of the connection's counters since it was opened (or last
 * reset). ORMC_OK, ORMC_INVALID for a NULL argument. */
int ormc_stats(const ormc_db *db, ormc_counters *out /* OUT */);

/* Set every counter of the connection to zero. */
void ormc_stats_reset(ormc_db *db);

/* === The generated API's vocabulary ===
 *
 * The types that the functions of a generated header take and return, for
 * the application that calls them. The descriptors and the engine calls
 * behind those functions are in ormc_generated.h, which every generated
 * header includes.
 */

/* A set of columns of one table: bit i is the table's column i. Tables have
 * at most 64 columns (the generator enforces it). Every call that takes
 * columns, one or several, takes them this way (the generated column macros
 * are these bits); positions appear only inside the descriptors and in
 * ormc_invalid.column.
 *
 * C would let one table's column macro reach another table's function
 * unnoticed, so the generated macros of a table of at most 48 columns also
 * carry the table's tag, a 16-bit word with 8 bits set, in bits 48..63
 * (ORMC_TABLE_COLUMN). Every call that takes columns refuses a set whose
 * tag is another table's (or a mix of tables': more than 8 bits), with an
 * ORMC_INVALID whose message names the table the columns belong to. A set
 * without a tag (ORMC_COLUMN_BIT, or `ALL & ~X`, which cancels it) is
 * checked only for bits past the table's last column. */
typedef uint64_t ormc_colset;

#define ORMC_COLUMN_BIT(i) ((ormc_colset)1 << (i))
#define ORMC_COLSET_TAG_SHIFT 48
#define ORMC_TABLE_COLUMN(tag, i)                                              \
    (((ormc_colset)(tag) << ORMC_COLSET_TAG_SHIFT) | ORMC_COLUMN_BIT(i))
/* The columns of a set, its tag taken off (a descriptor's sets). */
#define ORMC_COLUMNS(set) ((set) & (ORMC_COLUMN_BIT(ORMC_COLSET_TAG_SHIFT) - 1))
/* The first n columns (all of a table of n columns), with the tag. */
#define ORMC_TABLE_COLUMNS(tag, n)                                             \
    (((ormc_colset)(tag) << ORMC_COLSET_TAG_SHIFT) | (ORMC_COLUMN_BIT(n) - 1))

/* An SQL dialect, for the calls that write SQL without a connection
 * (<table>_query_sql): SQLite writes parameters as ?N, PostgreSQL as $N.
 * The same values as ormc_backend's. */
typedef enum ormc_dialect {
    ORMC_DIALECT_SQLITE = 1,  /* parameters ?1, ?2, ... */
    ORMC_DIALECT_POSTGRES = 2 /* parameters $1, $2, ... */
} ormc_dialect;

/* A table's descriptor (defined in ormc_generated.h): a change hook is told
 * the table of its row, which it may compare with the generated
 * <schema>_<table>_table. */
typedef struct ormc_table ormc_table;

typedef enum ormc_op {
    ORMC_EQ = 1, /* =; a NULL value means IS NULL */
    ORMC_NE,     /* <>; a NULL value means IS NOT NULL */
    ORMC_LT,
    ORMC_LE,
    ORMC_GT,
    ORMC_GE,
    ORMC_IS_NULL,
    ORMC_IS_NOT_NULL,
    ORMC_LIKE, /* text only; case-sensitive on both backends; escape
                  with a backslash: a pattern ending in an unpaired one
                  is refused by the executors (ORMC_INVALID) */
    ORMC_IN    /* used by the _in builders */
} ormc_op;

typedef enum ormc_order {
    ORMC_ASC = 0,
    ORMC_DESC = 1
} ormc_order;

/* Why a row failed the generated _validate (ormc_row_validate). */
typedef struct ormc_invalid {
    int column;        /* the offending column's index, -1 when none */
    char message[160]; /* e.g. "client_id: 33 characters, at most 32
                          allowed" */
} ormc_invalid;

/* Flags of the generated _schema_migrate (ormc_schema_migrate). */
#define ORMC_MIGRATE_DROP_COLUMNS 0x1u /* drop the columns s does not have */

/*
 * One difference the drift check found between the live database and a
 * schema (the generated _schema_check_with, ormc_schema_check_with;
 * docs/schema-check.md). Every pointer is borrowed for the duration of the
 * report callback only: copy what is kept.
 */
typedef struct ormc_drift {
    const char *table;   /* the table's SQL name */
    const char *object;  /* the column or index it is about; NULL when it
                            is about the table (missing, its primary key) */
    bool breaks_data;    /* true: a value ormc writes or reads would fail or
                            change (a missing column, integer for bigint,
                            a NOT NULL column without its default, ...);
                            false: the same values either way (VARCHAR(32)
                            for TEXT on SQLite, a missing plain index, ...) */
    const char *message; /* what differs, then why it breaks data or not:
                            "table \"t\": column \"c\" has type ...:
                            does not break data: ..." */
} ormc_drift;

/* Told each difference the check finds, in the schema's order (tables,
 * then each one's columns, extra columns, primary key, indexes). */
typedef void (*ormc_drift_fn)(void *ctx, const ormc_drift *d);

/* Flags of the generated _schema_check_with (ormc_schema_check_with).
 * ORMC_CHECK_STRICT: every difference fails the check, also those that do
 * not break data. */
#define ORMC_CHECK_STRICT 0x1u

/* === Change hooks === */

/* What a change hook is told happened. */
typedef enum ormc_change {
    ORMC_CHANGE_INSERT = 1, /* a row was inserted */
    ORMC_CHANGE_UPDATE,     /* a row was updated (or upserted) */
    ORMC_CHANGE_DELETE      /* a row was deleted */
} ormc_change;

/*
 * A change hook: called once per changed row, right after the statement
 * that changed it succeeded, in that statement's transaction (a later
 * rollback does not call it again). t is the row's table; row points to a
 * row struct of t, borrowed for the call only:
 *   - insert, insert_many, find_or_create (when it created), upsert: the
 *     row as stored (with the key and defaulted values read back);
 *   - update by key, update_columns: the caller's row;
 *   - update_where: the key columns of the updated row plus the columns
 *     that were set, the rest zero / NULL;
 *   - delete by key, delete_where: the key columns only.
 * An upsert reports ORMC_CHANGE_UPDATE whether it inserted or updated. The
 * hook must not close db; it may run statements on it.
 */
typedef void (*ormc_change_fn)(void *ctx, const ormc_table *t, ormc_change op,
                               const void *row);

/* Set the change hook of db (NULL fn to remove it). Without a hook nothing
 * is computed for it. ctx is passed to fn as is. */
void ormc_on_change(ormc_db *db, ormc_change_fn fn, void *ctx);

/* === Batches (in batch.c; docs/batch.md) ===
 *
 * A batch queues generated calls (their _in twins: <table>_get_in,
 * _get_by_<key>_in, _insert_in, _update_in, _update_columns_in,
 * _delete_in, _upsert_in, _find_or_create_in, _first_in, _all_in,
 * _count_in, and <query>_in for a schema's SQL queries) and runs them
 * together. On PostgreSQL they travel in one libpq pipeline: every
 * statement is sent before the first result is read, so a batch of n
 * calls costs about one round trip instead of n. On SQLite they run one
 * after another through the ordinary calls (there is no network to save).
 *
 * Each _in call takes the arguments of its blocking twin, db replaced by
 * the batch, plus `int *rc` where its status lands when the batch runs:
 * the status the blocking call would have returned. What it writes (the
 * row, the list, the count, *created, the serial key of an inserted row)
 * lands as the blocking call would have left it, and a change hook fires
 * as it would. Its return says only whether it was queued (ORMC_OK;
 * ORMC_NOMEM, ORMC_INVALID for a NULL batch or rc: then *rc, when rc is
 * given, holds the same, and nothing is queued). Key arguments passed by
 * value are copied; everything passed by pointer (rows to write, queries
 * and their values, a query's params struct, a text key's characters, the
 * outputs and rc) is borrowed until ormc_batch_run returns.
 *
 * Transactions: in autocommit mode outside a transaction each call is
 * independent, as if run alone (a failing one does not undo or skip the
 * others); inside a transaction (and in PEP 249 mode, where the batch's
 * first statement opens one) the calls after a failed one are not run and
 * get ORMC_ERROR with SQLSTATE 25P02, as PostgreSQL does. docs/batch.md
 * gives the details.
 */
typedef struct ormc_batch ormc_batch;

/* A new, empty batch on db, borrowed for the batch's life. NULL when out
 * of memory (or db is NULL). A batch is used on one thread, like db. */
ormc_batch *ormc_batch_begin(ormc_db *db);

/*
 * Run the calls queued since ormc_batch_begin or the last run, in the order
 * they were queued, and empty the queue (the batch can queue and run
 * again). Every queued call's status has landed in its rc when this
 * returns. Returns ORMC_OK when no call failed (ORMC_NOT_FOUND is not a
 * failure), else the status of the first that did, with ormc_errmsg and
 * ormc_sqlstate describing it; ORMC_INVALID for a NULL batch. A lost
 * connection fails every call that had not landed yet with
 * ORMC_CONNECTION. Runs in the current transaction (PEP 249 mode: opens
 * one, as any statement would).
 */
int ormc_batch_run(ormc_batch *b);

/* The number of calls queued and not yet run. */
size_t ormc_batch_size(const ormc_batch *b);

/* Free the batch; calls queued and not run are dropped (their rc is left
 * as it was). NULL is a no-op. */
void ormc_batch_free(ormc_batch *b);

/* === Pool (in pool.c) ===
 *
 * A thread-safe set of connections to one URL. A thread acquires a
 * connection, uses it alone, and releases it; release rolls back what is
 * open and resets the session, so the next user gets a clean connection.
 * docs/pool.md describes the choices (LIFO order, the health check, what a
 * reset covers).
 */

typedef struct ormc_pool ormc_pool;

/*
 * Options of a pool. A field left at its ORMC_POOL_OPTIONS_INIT value (-1)
 * takes the default named beside it.
 */
typedef struct ormc_pool_options {
    ormc_options conn;        /* options of every connection (timeouts,
                                 autocommit, application_name ...) */
    int size;                 /* connections kept open at most; default 5 */
    int max_overflow;         /* extra connections opened under load and
                                 closed when released; default 10 */
    int acquire_timeout_ms;   /* wait of ormc_pool_acquire(pool, -1, ...);
                                 default 30000 */
    int max_lifetime_s;       /* a connection older than this is closed and
                                 replaced; 0 never; default 3600 */
    int health_check;         /* 1 check a connection on acquire (default),
                                 0 never */
    int health_check_idle_ms; /* a round trip (SELECT 1) is part of the
                                 check only after this long idle; default
                                 5000; 0 always */
} ormc_pool_options;

/* clang-format off */
#define ORMC_POOL_OPTIONS_INIT { ORMC_OPTIONS_INIT, -1, -1, -1, -1, -1, -1 }
/* clang-format on */

/*
 * Create a pool for url (as ormc_open_with takes it) and open its first
 * connection, so that a bad URL or an unreachable server is told at once.
 * A NULL url is read from the environment as ormc_open does. opts may be
 * NULL for the defaults; it is copied (its strings too; on_connect_ctx is
 * borrowed until ormc_pool_close). On success *pool is set; close it with
 * ormc_pool_close. On failure *pool is NULL and ormc_pool_errmsg() tells why.
 * Returns ORMC_OK, ORMC_INVALID (bad URL or option), ORMC_CONNECTION,
 * ORMC_NOMEM.
 */
int ormc_pool_open(const char *url, const ormc_pool_options *opts,
                   ormc_pool **pool /* OUT */);

/*
 * Take a connection for the calling thread's exclusive use until
 * ormc_pool_release. An idle connection is preferred (the most recently
 * used first); a new one is opened while fewer than size + max_overflow
 * exist; otherwise the call waits up to timeout_ms (0: do not wait, -1: the
 * pool's acquire_timeout_ms). A connection past its lifetime, or that
 * fails the health check, is closed and replaced on the way. No database
 * I/O is done while the pool's lock is held.
 *
 * Returns ORMC_OK (*db set), ORMC_BUSY (the timeout passed: all in use),
 * ORMC_CONNECTION (a new connection could not be opened), ORMC_INVALID
 * (NULL argument, or the pool is being closed), ORMC_NOMEM. On failure *db
 * is NULL and ormc_pool_errmsg() tells why.
 */
int ormc_pool_acquire(ormc_pool *pool, int timeout_ms, ormc_db **db /* OUT */);

/*
 * Give a connection back. Whatever the user left is undone: an open
 * transaction is rolled back, autocommit goes back to the configured mode,
 * the trace and change hooks are removed, the tenant schema is forgotten
 * and, on PostgreSQL, the session is reset (RESET ALL, so search_path,
 * timeouts and application_name return to the URL's and the options'
 * values; also CLOSE ALL, UNLISTEN *, advisory locks released, temporary
 * tables dropped; prepared statements are kept). The connection's counters are
 * added to the pool's and reset. A broken connection, one past its
 * lifetime, or one beyond `size` idle connections is closed instead.
 * Close every ormc_result first. db must not be used afterwards.
 * Returns ORMC_OK, or ORMC_INVALID when db does not belong to pool (then
 * nothing is done).
 */
int ormc_pool_release(ormc_pool *pool, ormc_db *db);

/*
 * Close the pool: idle connections now, connections still in use when they
 * are released (the pool's memory goes with the last one). Threads waiting
 * in ormc_pool_acquire get ORMC_INVALID. NULL is a no-op.
 */
void ormc_pool_close(ormc_pool *pool);

typedef struct ormc_pool_counters {
    uint32_t in_use;         /* connections handed out now (and being
                                opened for an acquire) */
    uint32_t idle;           /* open connections waiting in the pool */
    uint32_t waiters;        /* threads waiting in ormc_pool_acquire now */
    uint64_t acquires;       /* successful ormc_pool_acquire calls */
    uint64_t releases;       /* ormc_pool_release calls that took one */
    uint64_t waits;          /* acquires that had to wait */
    uint64_t timeouts;       /* acquires that gave up: ORMC_BUSY */
    uint64_t created;        /* connections opened */
    uint64_t closed;         /* connections closed, for any reason */
    uint64_t recycled;       /* closed for being past max_lifetime_s */
    uint64_t replaced_dead;  /* found dead (health check or on release) */
    uint64_t connect_errors; /* failed attempts to open a connection */
    uint64_t statements;     /* statements run by released connections */
    uint64_t retries;        /* ormc_transaction re-runs, likewise */
    uint64_t reconnects;     /* automatic reconnections, likewise */
} ormc_pool_counters;

/*
 * A consistent snapshot of the pool's counters. When no call is in
 * progress, created - closed == in_use + idle and acquires - releases ==
 * in_use. ORMC_OK, ORMC_INVALID for a NULL argument.
 */
int ormc_pool_stats(ormc_pool *pool, ormc_pool_counters *out /* OUT */);

/*
 * The message of the last pool call that failed in the calling thread
 * ("" when none). Valid until that thread's next pool call. Never
 * contains a password.
 */
const char *ormc_pool_errmsg(void);

/* === Tenants: one PostgreSQL schema per tenant (in tenant.c) ===
 *
 * "Schema" in ormc_schema_* means a generated set of tables; a tenant is a
 * PostgreSQL namespace holding one copy of them. The calls below say
 * "tenant"; their names before that (ormc_use_schema, ORMC_CREATE, ...)
 * are kept for one release as deprecated aliases, at the end of this
 * section.
 */

/* Flags of ormc_use_tenant. */
#define ORMC_TENANT_CREATE 0x01u /* create the tenant's schema when missing */

/*
 * True when name is acceptable as a tenant's schema, by OneGov's rule:
 * 1 to 63 characters of [a-z0-9_-], not starting with a digit or "pg_",
 * no "--", and none of "public", "information_schema", "extensions".
 */
bool ormc_tenant_name_valid(const char *name);

/*
 * Make schema `name` the connection's search_path (only it: tables not in
 * it are not found elsewhere), so that generated code runs unchanged
 * inside that tenant, and <schema>_schema_create(db) creates the tables
 * there. With ORMC_TENANT_CREATE the schema is created when missing. NULL
 * name: back to the URL's search_path. The setting survives an automatic
 * reconnect (it is set again before the next statement) and is undone by
 * ormc_pool_release.
 *
 * It runs outside any transaction, so that no rollback can undo it: call
 * it with none open (ORMC_INVALID otherwise; in the default mode, commit
 * or roll back first). A refused name never reaches the server.
 *
 * Returns ORMC_OK, ORMC_INVALID (refused name, with a message saying why;
 * a transaction is open), ORMC_NOT_FOUND (no such schema and no
 * ORMC_TENANT_CREATE), ORMC_UNSUPPORTED (SQLite: schemas per tenant need
 * PostgreSQL), or the error of the server.
 */
int ormc_use_tenant(ormc_db *db, const char *name, unsigned flags);

/*
 * The tenant schemas of the database whose names start with prefix (NULL
 * or "": all), sorted: the schemas ormc_tenant_name_valid accepts, so
 * system and reserved schemas never appear. *names is a NULL-terminated
 * array of *count names (count may be NULL), in one allocation owned by
 * the caller: free it with ormc_tenant_list_free. Runs in the current
 * transaction (opening one unless autocommit). ORMC_OK, ORMC_UNSUPPORTED
 * (SQLite), ORMC_NOMEM, or the error of the server.
 */
int ormc_list_tenants(ormc_db *db, const char *prefix, char ***names /* OUT */,
                      size_t *count /* OUT */);

/* Free what ormc_list_tenants returned. NULL is a no-op. */
void ormc_tenant_list_free(char **names);

/* The names before the tenant calls were renamed: deprecated, removed in
 * the next release. Each does exactly what its new name does. */
enum {
    ORMC_CREATE ORMC_DEPRECATED("ORMC_TENANT_CREATE") = ORMC_TENANT_CREATE
};
bool ormc_schema_name_valid(const char *name)
    ORMC_DEPRECATED("ormc_tenant_name_valid");
int ormc_use_schema(ormc_db *db, const char *name, unsigned flags)
    ORMC_DEPRECATED("ormc_use_tenant");
int ormc_list_schemas(ormc_db *db, const char *prefix, char ***names /* OUT */,
                      size_t *count /* OUT */)
    ORMC_DEPRECATED("ormc_list_tenants");
void ormc_schema_list_free(char **names)
    ORMC_DEPRECATED("ormc_tenant_list_free");

/* === Asynchronous batches and the event loop (in async.c) ===
 *
 * A batch (ormc_batch_begin, the generated <table>_<call>_in functions)
 * can also be started rather than run: ormc_batch_start returns at once,
 * the application's event loop watches the connection's descriptor and
 * calls ormc_async_on_readable / _on_writable when it is ready, and the
 * batch's callback fires, on the loop's thread, once every result has
 * landed in the caller's rows, as ormc_batch_run would have left them.
 * docs/async.md describes the model on both backends, the transactions,
 * the pool, and the adapters (libuv's in runtime/uv/, an epoll loop's).
 *
 *   - PostgreSQL: the batch is sent in one pipeline on the connection's
 *     socket, which is non-blocking while the batch runs.
 *   - SQLite: a worker thread of the connection runs the batch with the
 *     ordinary calls and says it is done through an eventfd, which is the
 *     descriptor the loop watches.
 *
 * A connection runs one started batch at a time, and from ormc_batch_start
 * until its callback the connection and the batch belong to the run: no
 * other call may use them. A second ormc_batch_start on the connection is
 * refused with ORMC_INVALID, and so are ormc_batch_tx_begin, _tx_commit
 * and ormc_batch_start of the running batch; these refusals record no
 * message on the connection, which the run is using.
 */

/* What ormc_async_events asks the loop to wait for. */
#define ORMC_ASYNC_READ 0x1
#define ORMC_ASYNC_WRITE 0x2

/*
 * Called once when a started batch has finished: every call queued in it
 * has its status in its rc and its results in the caller's rows. status
 * is what ormc_batch_run would have returned (ORMC_OK, or the first
 * failure; with ormc_batch_tx_commit, that of the commit). Runs on the
 * thread that called ormc_async_on_readable (or _on_writable, _poll),
 * from inside that call. The callback may free the batch, start another on
 * the same connection, or give the connection back to its pool; it must
 * not close the connection.
 */
typedef void (*ormc_batch_done_fn)(ormc_batch *b, int status, void *ctx);

/*
 * Make the batch a transaction, or part of one that spans several batches
 * on the same connection:
 *   - ormc_batch_tx_begin: a transaction is opened before the batch's
 *     first call (opts: isolation and read-only as ormc_begin_with; NULL
 *     for the defaults). Never a savepoint: with a transaction already
 *     open when the batch runs, the batch fails with ORMC_INVALID
 *     (SQLSTATE 25001) and nothing of it is sent. On SQLite one that is not
 *     read-only takes the write lock at once (BEGIN IMMEDIATE), so that
 *     two requests that read then write take turns instead of failing
 *     with ORMC_BUSY when they both try to upgrade their read lock.
 *   - ormc_batch_tx_commit: the open transaction (the one this batch or
 *     an earlier one opened, or the implicit one) ends after the
 *     batch's last call: committed when every call succeeded, else rolled
 *     back, and the batch's status is then the first failure.
 * Either may be said at any time before the batch runs, in any order with
 * its calls, and holds for its next run only (ormc_batch_run as
 * ormc_batch_start). With ormc_batch_run on PostgreSQL the BEGIN and the
 * COMMIT are round trips of their own; a started batch sends them in its
 * pipeline. ORMC_OK, ORMC_INVALID (NULL b, the batch is running, an
 * unknown isolation).
 */
int ormc_batch_tx_begin(ormc_batch *b, const ormc_tx_options *opts);
int ormc_batch_tx_commit(ormc_batch *b);

/*
 * Start b on its connection without waiting: done(b, status, ctx) is
 * called later from ormc_async_on_readable (or _on_writable), on the
 * loop's thread. An empty batch completes on the next on_readable as
 * well, never from inside ormc_batch_start. Reconnecting a lost connection
 * (outside a transaction) is done here, blocking, as any call would.
 * Returns ORMC_OK (started), or without starting anything: ORMC_INVALID
 * (NULL b or done; the batch, or another, is running on the connection:
 * then without a message; a transaction is open and the batch asks for
 * ormc_batch_tx_begin: SQLSTATE 25001), ORMC_CONNECTION (no connection
 * could be made: every queued call has that status too), ORMC_NOMEM.
 */
int ormc_batch_start(ormc_batch *b, ormc_batch_done_fn done, void *ctx);

/*
 * The descriptor the loop watches for db: the PostgreSQL socket, or the
 * SQLite connection's eventfd (created on first use). -1 when db has
 * none (NULL db, a lost PostgreSQL connection). A PostgreSQL socket
 * changes when the connection is made again: read it again after each
 * batch, or use ormc_async_set_watch, which says so.
 */
int ormc_async_fd(ormc_db *db);

/* What the loop should wait for on ormc_async_fd(db) now: ORMC_ASYNC_READ,
 * ORMC_ASYNC_WRITE, both, or 0 (no batch running). */
int ormc_async_events(ormc_db *db);

/*
 * The loop saw the descriptor readable (writable): read what arrived,
 * land the results it completes, send what was waiting, and call the
 * batch's callback when it has finished. Never blocks. A call with no
 * batch running, or when the descriptor was not ready after all, does
 * nothing. Returns ORMC_OK, or ORMC_INVALID for a NULL db; the batch's own
 * failures go to its callback.
 */
int ormc_async_on_readable(ormc_db *db);
int ormc_async_on_writable(ormc_db *db);

/*
 * A loop of one connection, for programs and tests without one of their
 * own: wait up to timeout_ms (-1: without limit) for what
 * ormc_async_events asks, and hand it to on_readable / on_writable, until
 * no batch is running. ORMC_OK (no batch running any more), ORMC_TIMEOUT,
 * ORMC_INVALID.
 */
int ormc_async_poll(ormc_db *db, int timeout_ms);

/*
 * Told when what the loop should watch for db changes: its descriptor
 * (fd; -1 when it has none any more: stop watching the old one) and the
 * events (0: none). An adapter (runtime/uv/ormc_uv.c) sets it once per
 * connection and starts or stops its watcher from it. Called from
 * ormc_batch_start, the on_* calls and ormc_close (with fd -1: the
 * connection is going away), on the thread that made them. NULL fn
 * removes it.
 */
typedef void (*ormc_async_watch_fn)(ormc_db *db, int fd, int events, void *ctx);
void ormc_async_set_watch(ormc_db *db, ormc_async_watch_fn fn, void *ctx);

/* === An asynchronous pool (in async.c) ===
 *
 * A fixed set of connections for one event loop, all used on the loop's
 * thread (no locks). A request asks for a connection with a callback and
 * gets one when it is free, first come first served; it gives the
 * connection back when it is done. docs/async.md says how it differs from
 * ormc_pool.
 */

typedef struct ormc_async_pool ormc_async_pool;

/* Called with a connection (status ORMC_OK) for the caller's exclusive
 * use until ormc_async_pool_release, or with db NULL and ORMC_INVALID
 * when the pool is closed before a connection was free. */
typedef void (*ormc_async_acquire_fn)(ormc_db *db, int status, void *ctx);

/*
 * Open `size` (1 to 1024) connections to url, as ormc_open_with (opts may
 * be NULL), blocking: at a program's start, before the loop runs. On
 * failure *pool is NULL and ormc_async_pool_errmsg() says why. ORMC_OK,
 * ORMC_INVALID, ORMC_CONNECTION, ORMC_NOMEM.
 */
int ormc_async_pool_open(const char *url, const ormc_options *opts, int size,
                         ormc_async_pool **pool /* OUT */);

/*
 * Ask for a connection: fn(db, ORMC_OK, ctx) is called at once, from
 * inside this call, when one is free, else from the ormc_async_pool_release
 * that frees one for it; waiting requests are served in the order they
 * asked. ORMC_OK, ORMC_INVALID (NULL argument, the pool is closing),
 * ORMC_NOMEM.
 */
int ormc_async_pool_acquire(ormc_async_pool *pool, ormc_async_acquire_fn fn,
                            void *ctx);

/*
 * Give db back: the next waiting request gets it at once (its callback
 * runs inside this call). A transaction left open is rolled back first
 * (blocking: end it in the last batch instead). ORMC_OK, or ORMC_INVALID
 * when db is not one of the pool's handed out, or runs a started batch.
 */
int ormc_async_pool_release(ormc_async_pool *pool, ormc_db *db);

/* The pool's size, and its connection i (0 <= i < size; NULL otherwise),
 * for an adapter that watches them all. */
int ormc_async_pool_size(const ormc_async_pool *pool);
ormc_db *ormc_async_pool_db(ormc_async_pool *pool, int i);

/* The message of the last ormc_async_pool_open that failed in this thread
 * ("" when none). */
const char *ormc_async_pool_errmsg(void);

/*
 * Close the pool's connections. Requests still waiting are called with
 * ORMC_INVALID first. Every connection must have been released (a batch
 * still running on one is abandoned: its callback is never called). NULL
 * is a no-op.
 */
void ormc_async_pool_close(ormc_async_pool *pool);

#ifdef __cplusplus
}
#endif

#endif /* ORMC_H */
