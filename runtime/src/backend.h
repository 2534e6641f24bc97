/*
 * backend.h: the backend interface, under the session layer: the vtable
 * that sqlite.c and postgres.c implement, the statement struct they
 * extend, and the byte order of the PostgreSQL binary format. The layers
 * above reach a backend only through db->vt.
 */
#ifndef ORMC_BACKEND_H
#define ORMC_BACKEND_H

#include "ormc_int.h"

/* === the statement (stmt.c hands it out, a backend extends it) === */

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
    uint64_t hash;       /* of the identity */
    uint64_t tag;        /* what its builder keeps beside it (shape.c: the
                            columns a row statement binds) */
    int n_params;        /* highest $N in the text */
    bool multi;          /* the text holds several statements */
    bool cached;         /* owned by the cache (else finalized on release) */
    bool in_use;         /* checked out */
    bool prepared;       /* the backend has prepared it */
    bool binary;         /* PostgreSQL: ask for binary results (default) */
    bool single_row;     /* PostgreSQL: stream rows (cursors) */
    bool cut;            /* a COMMIT or ROLLBACK ended it mid-stream: its
                            next step says so (reset clears it) */
    const void *held_by; /* the running batch that checked it out and
                            whose ops of this shape all use it (batch.c
                            gives it back once); NULL: none */
    ormc__stmt *hash_next, *lru_prev, *lru_next;
    /* the parameters of the next execution ($1 is params[0]) */
    ormc_param inline_params[ORMC__INLINE_PARAMS];
    ormc_param *params;
    /* per parameter, 1: the value of a secret column (ORMC_COL_SECRET),
     * shown as *** by ORMC_TRACE=params and scrubbed from the server's
     * messages; NULL until a secret is bound (n_params bytes, cleared with
     * the parameters) */
    unsigned char *secret;
    /* the current execution */
    bool started;   /* executed (BEGIN sent when needed) */
    bool finished;  /* DONE or an error has been reported */
    int64_t n_rows; /* rows returned so far */
    int64_t elapsed_ns;
};

/* === the backend interface (sqlite.c, postgres.c) === */

/* What a pipeline take gives for a statement the server skipped because an
 * earlier one failed before the same sync: internal, never a status the
 * caller sees (outside the public table's range). */
#define ORMC__PIPE_ABORTED (-1000)

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
    /* Whether copy_rows can load the columns `cols` of t: their types in
     * the database (the descriptors' catalog types, which a schema's
     * sql_type may change) read the bytes copy_rows writes. NULL with
     * copy_rows. */
    bool (*copy_fits)(const ormc_table *t, ormc_colset cols);
    /* Is the open connection still usable, as far as can be told without
     * sending a query (ormc__session_healthy)? May read what the server
     * sent unasked. */
    ormc__health (*health)(ormc_db *db);
    /* The most parameters one statement may carry on db (SQLite: the
     * connection's SQLITE_LIMIT_VARIABLE_NUMBER; PostgreSQL: 65,535), which
     * the relation loaders size their batches by. */
    int (*max_params)(ormc_db *db);

    /* --- Pipelines (batch.c): NULL on a backend without them (SQLite,
     * libpq < 14), where a batch runs its ops one after another through
     * the ordinary calls. The send entries queue messages and never wait
     * for a result; the take entries read the next result in the order
     * things were sent. A connection is in pipeline mode from pipe_enter
     * to pipe_exit, and then only these entries (and stmt_next,
     * stmt_decode, stmt_value, stmt_changes, stmt_columns on the result a
     * take installed) may be used on it. --- */

    /* Enter pipeline mode (the connection idle). ORMC_OK or an error. */
    int (*pipe_enter)(ormc_db *db);
    /* Leave it, every result taken: ORMC_OK; ORMC_CONNECTION when the
     * connection is lost (then it is left as it is, broken). */
    int (*pipe_exit)(ormc_db *db);
    /* Queue one execution of st with st->params: when the server lacks
     * the statement (named, prepare=on), its Parse first, *parsed set to
     * true (its result is then taken first, pipe_take_parse); with
     * prepare=off an unnamed one-shot statement. ORMC_OK or an error
     * (recorded; ORMC_CONNECTION when the connection is gone). */
    int (*pipe_send)(ormc__stmt *st, bool *parsed /* OUT */);
    /* Queue a parameterless control statement (BEGIN). */
    int (*pipe_send_simple)(ormc_db *db, const char *sql);
    /* Queue a sync point: the server ends the implicit transaction of
     * what precedes (outside BEGIN) and, after an error, skips to it. */
    int (*pipe_sync)(ormc_db *db);
    /* Take the result of st's Parse: ORMC_OK or the error (recorded; the
     * statement then counts as not prepared). */
    int (*pipe_take_parse)(ormc__stmt *st);
    /* Take the result of st's execution and install it as stmt_exec does:
     * ORMC_ROW (read on with stmt_next/stmt_decode), ORMC_DONE, or the
     * error (recorded). A statement the server skipped after an earlier
     * error before the same sync gives ORMC__PIPE_ABORTED, nothing
     * recorded (the engine decides what that means for its op). The
     * parse, execution and simple takes give it too. */
    int (*pipe_take)(ormc__stmt *st);
    /* Take the result of pipe_send_simple's statement. */
    int (*pipe_take_simple)(ormc_db *db);
    /* Take the answer to a pipe_sync. */
    int (*pipe_take_sync)(ormc_db *db);
    /* Read what the socket has without waiting, and tell whether the next
     * take would run without waiting for the server (the asynchronous
     * runner's test; the blocking runner just takes). True when the
     * connection is lost: the take then fails at once. */
    bool (*pipe_ready)(ormc_db *db);

    /* --- The asynchronous runner (async.c): NULL on SQLite, whose started
     * batches run on a worker thread instead. --- */

    /* The connection's socket, which the event loop watches (-1: none). */
    int (*async_socket)(ormc_db *db);
    /* Make the connection non-blocking (a started batch runs) or blocking
     * again: ORMC_OK or an error (recorded). */
    int (*async_nonblocking)(ormc_db *db, bool on);
    /* Send what the driver holds without waiting: 0 all sent, 1 some is
     * left (wait for writability), -1 the connection is lost (recorded,
     * broken). */
    int (*async_flush)(ormc_db *db);
};

extern const ormc__backend_vt ormc__sqlite_vt;
extern const ormc__backend_vt ormc__postgres_vt;

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

#endif /* ORMC_BACKEND_H */
