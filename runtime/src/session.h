/*
 * session.h: the session layer's internal calls (stmt.c, tx.c,
 * connection.c): statements and their cache, control statements,
 * transactions, the session state a reconnect sets again, and where the
 * connection stands.
 *
 * Everything that sends SQL goes through either an ormc__stmt (statements
 * with parameters, cached) or ormc__exec_control (parameterless control
 * statements such as BEGIN, COMMIT, SAVEPOINT, and multi-statement scripts),
 * so that tracing, stats, error mapping and the transaction rules apply to
 * all of it alike. docs/runtime.md explains the choices.
 */
#ifndef ORMC_SESSION_H
#define ORMC_SESSION_H

#include <string.h>

#include "backend.h" /* struct ormc__stmt, whose fields the layers above read */
#include "buf.h"
#include "ormc_int.h"

/* === in stmt.c: the statement layer === */

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

/* Mark parameter $(i+1), bound from a secret column (ORMC_COL_SECRET), for
 * the next execution: ORMC_TRACE=params shows it as ***, and an error
 * message of the server that quotes it is scrubbed of it. ORMC_OK, or
 * ORMC_NOMEM (the statement must then not run). Cleared with the
 * parameters when the statement is reset. */
int ormc__stmt_mark_secret(ormc__stmt *st, int i);

/* Set $1..$n from params[0..n-1]; n must be the statement's count. */
int ormc__stmt_bind_params(ormc__stmt *st, const ormc_param *params, size_t n);

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
 * lost and no transaction is open (and run the on_connect hook again);
 * ORMC_CONNECTION when lost inside one, or while the hook runs. */
int ormc__ensure_connected(ormc_db *db);

/* === in replica.c: read replicas (docs/scale-out.md) === */

/* Read cfg.replica_hosts into db's replica list (nothing is connected
 * yet). ORMC_INVALID with a message for a malformed list. */
int ormc__replicas_open(ormc_db *db);
/* Close the replicas' connections and forget them. */
void ormc__replicas_close(ormc_db *db);

/* The connection that serves an autocommit read of the generated API: a
 * replica that may (round robin: up, not too far behind, no write asked
 * reads to stay on the primary), else db. */
ormc_db *ormc__reader(ormc_db *db);

/* Where every statement sent through db goes: the replica that runs db's
 * read-only transaction, else db. What the statement layer asks first. */
static inline ormc_db *ormc__serving(ormc_db *db)
{
    return db->tx_replica ? db->tx_replica : db;
}

/* Whether db's batches may travel in a libpq pipeline: the backend has
 * one, no transaction pooler is in front (a pipeline cannot carry the
 * settings each of its transactions must set again: docs/scale-out.md),
 * and no read-only transaction runs on a replica (whose statements the
 * ordinary calls route). Else a batch runs its calls one after another. */
static inline bool ormc__can_pipeline(const ormc_db *db)
{
    return db->vt->pipe_enter != NULL && !db->cfg.pooler_transaction &&
           db->tx_replica == NULL;
}

/* Begin the read-only transaction opts asks for on a replica, which then
 * serves db's statements until it ends. ORMC_NOT_FOUND (nothing recorded)
 * when no replica may serve: the primary then does. */
int ormc__replica_begin(ormc_db *db, const ormc_tx_options *opts);

/* A write was done on the primary: reads stay there for read_your_writes
 * milliseconds. */
void ormc__replica_wrote(ormc_db *db);

/* === in tx.c === */

/* Before a statement that is subject to the transaction rules: refuse in a
 * failed transaction (25P02), send the implicit BEGIN in PEP 249 mode. */
int ormc__tx_before_statement(ormc_db *db);

/* After an autocommit statement that ormc__tx_before_statement wrapped in
 * a transaction (db->tx_wrapped): commit it (rc ORMC_OK, ORMC_ROW or
 * ORMC_DONE) or roll it back. Returns rc, or the commit's error. No-op
 * otherwise. */
int ormc__tx_after_statement(ormc_db *db, int rc);

/* A BEGIN of the default isolation has just succeeded (implicit: sent by
 * the PEP 249 rule; batch.c sends it in its pipeline): depth 1. */
void ormc__tx_opened(ormc_db *db, bool implicit);

/* Whether the next statement subject to the transaction rules would be
 * preceded by the implicit BEGIN (PEP 249 mode, none open). */
static inline bool ormc__tx_begin_due(const ormc_db *db)
{
    return db->tx_depth == 0 && !db->cfg.autocommit && !db->in_on_connect;
}

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

/* The transaction a batch opens (ormc_batch_tx_begin): the BEGIN for opts
 * (the isolation asked for, else the connection's; on SQLite IMMEDIATE
 * unless read-only, so that requests that read then write take turns)
 * into sql (96 bytes suffice). ORMC_OK, ORMC_INVALID (unknown isolation,
 * recorded). */
int ormc__tx_begin_sql(ormc_db *db, const ormc_tx_options *opts, char *sql,
                       size_t size);
/* Send that BEGIN now, at depth 0 only (ORMC_INVALID, 25001, inside a
 * transaction: a batch's transaction is never a savepoint). */
int ormc__begin_locked(ormc_db *db, const ormc_tx_options *opts);
/* The bookkeeping of the COMMIT or ROLLBACK that ended the outermost
 * level, sent by other means than this file's (the pipeline of a started
 * batch, async.c), once it has succeeded. */
void ormc__tx_closed(ormc_db *db);

/* End the innermost level by the body's outcome: commit (release) it when
 * rc is ORMC_OK, else roll it back and keep rc's error as the connection's.
 * Returns the commit's status, or rc. */
int ormc__end_level(ormc_db *db, int rc);

/* === in connection.c: the session state a reconnect sets again, and
 * where the connection stands === */

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

/* Has the server already ended db's session, as far as can be seen without
 * sending anything (its FATAL message or the end of the stream waits on
 * the socket; a server now a standby where a primary was asked for)?
 * Then db is marked broken. Sends nothing. */
bool ormc__session_gone(ormc_db *db);

/* End a transaction the server still has open on db (a BEGIN sent as raw
 * SQL; SQLite's own) with a ROLLBACK. False when that fails, or when the
 * connection is lost or a command is mid-stream: db cannot be reused. */
bool ormc__session_end_transaction(ormc_db *db);

/* db is usable and outside any transaction at the server. */
bool ormc__session_idle(ormc_db *db);

/* Behind a transaction pooler (URL pooler=transaction) no setting outlives
 * a transaction: true when db has session state that every transaction
 * must set again (a timeout, a default isolation, the URL's search_path,
 * the tenant's). */
bool ormc__session_carried(const ormc_db *db);

/* Append to b the statements that set that state for the transaction just
 * begun ("; SET LOCAL ..."), nothing when there is none. */
void ormc__session_local_sql(const ormc_db *db, ormc__buf *b);

/* After a reconnect: send the kept statement again (before any other
 * statement). On failure the connection is marked broken, so that no
 * statement ever runs in the wrong schema. ORMC_OK when nothing is kept. */
int ormc__session_restore(ormc_db *db);

/* After a connection is made (ormc_open, a reconnect, so a pool's too):
 * run the on_connect hook, outside any transaction. When it fails (or
 * leaves a transaction open) the connection is closed and marked broken,
 * and ORMC_CONNECTION is recorded ("on_connect hook failed: ..."). ORMC_OK
 * when there is no hook. */
int ormc__session_on_connect(ormc_db *db);

#endif /* ORMC_SESSION_H */
