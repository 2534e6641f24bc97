/*
 * ormc_int.h: what every layer of the runtime shares. Never installed.
 *
 * The runtime's layers, top to bottom (docs/architecture.md has the map,
 * which file is in which, and the one call that goes back up):
 *
 *   features: raw SQL, retry, pool, tenants
 *   engine: row operations, queries, cursors, schema
 *   SQL text: sqlbuild.c, shape.c
 *   session (stmt.c, tx.c, connection.c): the statement cache, parameters,
 *     implicit BEGIN, failed-state rule, reconnect, trace and stats
 *   backends (sqlite.c, postgres.c) and base utilities
 *
 * This header holds struct ormc_db and the base utilities (the resolved
 * configuration, the error state, SQL lexing, the clock, dates). Each
 * layer's internal calls are in headers of their own, so that a file's
 * includes say which layers it uses: backend.h (the vtable and the
 * statement a backend extends), session.h (statements, transactions, the
 * session state), and per file buf.h, fields.h, sqlbuild.h, row.h,
 * colsets.h, validate.h, hooks.h, fixture.h.
 */
#ifndef ORMC_INT_H
#define ORMC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
    /* PostgreSQL behind a transaction pooler (URL pooler=transaction): no
     * startup options, no named statements, and the session state below
     * sent with every transaction (connection.c, docs/scale-out.md) */
    bool pooler_transaction;
    char *search_path; /* URL search_path=, owned; NULL = the server's */
    /* read replicas (replica.c): "HOST:PORT,..." (owned; NULL = none) */
    char *replica_hosts;
    int replica_max_lag_ms;  /* 0: any lag */
    int read_your_writes_ms; /* 0: none */
    /* a replica's own connection: the host and port that replace the
     * URL's (borrowed from its primary's replica list); NULL otherwise */
    const char *host_override, *port_override;
    /* SQLite: the PRAGMA statements the URL and the options ask for, in
     * the order they run at connect (owned; NULL = none), and the
     * journal_mode among them, which SQLite may decline without an error
     * and is therefore checked ("" = none asked) */
    char *pragma_script;
    char journal_mode[16];
    ormc_connect_fn on_connect; /* NULL = none */
    void *on_connect_ctx;
} ormc__config;

/*
 * Split url (NULL: ORMC_URL, else DATABASE_URL from the environment) into
 * the backend, the driver's target (the SQLite filename or
 * URI, the libpq connection string with ormc's parameters removed: owned,
 * *target), the password it carries (owned, *secret, NULL when none) and
 * the resolved configuration. On ORMC_INVALID, errbuf says why (without the
 * password).
 */
int ormc__url_parse(const char *url, const ormc_options *opts,
                    ormc_backend *backend, char **target, char **secret,
                    ormc__config *cfg, char *errbuf, size_t errsize);
void ormc__config_free(ormc__config *cfg);

/* The URL in the environment, ORMC_URL else DATABASE_URL (an empty one
 * counts as unset), and *name the variable's (name may be NULL); NULL when
 * neither is set. Borrowed from the environment. */
const char *ormc__url_from_env(const char **name);

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

/* === in trace.c === */

int64_t ormc__now_ns(void);

/* One statement finished: stats, the trace hook and ORMC_TRACE's line.
 * params (n_params of them, may be NULL when n_params is 0) are the values
 * it ran with; secret (may be NULL: none) marks with 1 those of a secret
 * column, which ORMC_TRACE=params shows as ***. */
void ormc__statement_done(ormc_db *db, const char *sql,
                          const ormc_param *params, const unsigned char *secret,
                          size_t n_params, int64_t duration_ns, int64_t rows,
                          int status);

/* Read ORMC_TRACE for a new connection (db->env_trace_*): unset, "" or
 * "0": nothing; otherwise comma-separated "1" (to stderr), "params" (with
 * the values), "file:PATH" (appended to PATH; the rest of the value is the
 * path). A value it does not understand, or a file it cannot open, is said
 * once per process on stderr, and the lines go to stderr. */
void ormc__trace_env_open(ormc_db *db);
/* Close what ormc__trace_env_open opened. */
void ormc__trace_env_close(ormc_db *db);

/* === in values.c === */

/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
int64_t ormc__days_from_civil(int64_t y, unsigned m, unsigned d);
void ormc__civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* === the state of every layer, which struct ormc_db holds === */

/* A connection is one object with one lifetime (ormc_open allocates it,
 * ormc_close frees it) that every layer's calls take: so each layer's
 * per-connection state is a member of struct ormc_db rather than an
 * allocation of its own. */

/* stmt.c: the statement cache of one connection: a hash table keyed by
 * each statement's identity, plus an LRU list. */
typedef struct ormc__stmt_cache {
    ormc__stmt **buckets; /* hash chains */
    size_t n_buckets;     /* power of two */
    size_t count;         /* statements in the cache */
    ormc__stmt *lru_head; /* most recently used */
    ormc__stmt *lru_tail; /* least recently used: evicted first */
} ormc__stmt_cache;

/* colsets.c: what the writes need to know of a table on every call, from
 * its column flags: remembered per connection by the descriptor's address
 * (descriptors are static data). */
typedef struct ormc__table_sets {
    const ormc_table *t; /* whose; NULL: an empty slot */
    ormc_colset serial;  /* the serial columns */
    ormc_colset now;     /* the columns defaulting to now */
    ormc_colset app_now; /* those whose now the runtime fills in
                            (ORMC_COL_APP_DEFAULT_NOW) */
    ormc_colset var;     /* the text, json and blob columns (what a fetched
                            row copies into its allocation) */
    int rowid_col;       /* the primary key when it is one serial column
                            (SQLite: the rowid), else -1 */
    ormc_colset checked; /* the columns a write checks
                            (ormc__checked_columns) */
} ormc__table_sets;

#define ORMC__TABLE_SETS 8 /* slots per connection, by address */

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
    bool want_primary; /* PostgreSQL: target_session_attrs asked for a
                          primary (read-write, primary): a server that
                          reports itself a standby is lost (postgres.c) */

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
    bool tx_wrapped;           /* level 1 wraps one autocommit statement
                                  behind a transaction pooler, to carry the
                                  session state (connection.c); ended right
                                  after it */
    bool in_on_connect;        /* the on_connect hook is running: no implicit
                                  BEGIN, no reconnect (connection.c) */

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
    /* batch.c: the batch checking out the statements of its ops (NULL:
     * none): a statement it holds (held_by) is handed out again rather
     * than a twin made, so that its ops of one shape share one prepared
     * statement; another batch's is busy, as any checked-out one */
    const void *batch_open;

    /* cursor.c: the open PostgreSQL cursors, a bit per name
     * ormc_cursor_<bit> */
    uint32_t pg_cursors;
    uint64_t pg_cursor_tx; /* the tx_seq of the transaction cursors opened
                              for themselves (autocommit); 0: none */

    /* colsets.c: the column sets of the tables in use */
    ormc__table_sets table_sets[ORMC__TABLE_SETS];

    ormc_trace_fn trace;
    void *trace_ctx;
    /* trace.c: ORMC_TRACE, read at open: where its lines go (-1: it is
     * not set), whether the descriptor is the connection's own to close,
     * and whether the lines show the parameters' values */
    int env_trace_fd;
    bool env_trace_own_fd;
    bool env_trace_params;
    /* stmt.c: the parameters of the statement being executed, while the
     * backend runs it, so that an error message of the server that quotes
     * a secret column's value is scrubbed of it (status.c); NULL: none */
    const ormc_param *active_params;
    const unsigned char *active_secret; /* per parameter, 1: secret */
    int active_n_params;
    ormc_change_fn on_change; /* ormc_on_change; NULL: none (hooks.c) */
    void *on_change_ctx;
    ormc_counters stats;
    uint64_t rng; /* jitter */

    /* connection.c: the session state set again after a reconnect
     * (ormc__session_keep): the tenant's schema ormc_use_tenant chose and
     * the script that sets its search_path (owned); NULL: the URL's */
    char *schema;
    char *session_restore;

    /* replica.c: the read replicas of a primary (NULL: none), the one a
     * read-only transaction runs on, until when reads stay on the primary
     * (read-your-writes), and what trace events say of the server */
    struct ormc__replica *replicas;
    int n_replicas, replica_next;
    ormc_db *tx_replica;
    int64_t primary_until_ns;
    const char *server_label;
    /* a replica's connection: its primary's handle, which the caller asks:
     * every error recorded here is copied there, and the statistics are
     * counted there; NULL on any other connection */
    ormc_db *primary;

    /* async.c: the state of started batches (the loop's side, the SQLite
     * worker thread), made on first use; NULL: none. ormc_close frees it
     * through async_free first, so that the worker has ended before the
     * connection closes (a pointer, not a call: the session layer never
     * calls up into a feature). */
    struct ormc__async *async;
    void (*async_free)(ormc_db *db);
};

/* Whether statements are timed: a trace hook or ORMC_TRACE is on. */
static inline bool ormc__tracing(const ormc_db *db)
{
    return db->trace != NULL || db->env_trace_fd >= 0;
}

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

#endif /* ORMC_INT_H */
