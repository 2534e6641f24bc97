/*
 * tx.c: transactions, savepoints and the failed-transaction rule.
 *
 * Depth 0: no transaction. Depth 1: the transaction, opened by ormc_begin
 * or (PEP 249 mode, the default) by the first statement. Depth n > 1: the
 * savepoint ormc_sp_n. A statement that fails at depth > 0 puts the
 * transaction in the failed state on both backends: further statements
 * are refused with SQLSTATE 25P02 until the level is rolled back (PostgreSQL
 * does this by itself; SQLite would carry on, so the runtime enforces it to
 * make both behave alike). docs/runtime.md gives the reasons.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "ormc_int.h"
#include "session.h"

static const char *isolation_sql(ormc_isolation iso)
{
    switch (iso) {
    case ORMC_READ_COMMITTED:
        return " ISOLATION LEVEL READ COMMITTED";
    case ORMC_REPEATABLE_READ:
        return " ISOLATION LEVEL REPEATABLE READ";
    case ORMC_SERIALIZABLE:
        return " ISOLATION LEVEL SERIALIZABLE";
    default:
        return "";
    }
}

/* The BEGIN of send_begin's arguments, appended to b. */
static void begin_sql(ormc_db *db, ormc_isolation iso, bool read_only,
                      bool writer, ormc__buf *b)
{
    if (iso == ORMC_ISOLATION_DEFAULT)
        iso = writer ? ORMC_READ_COMMITTED : db->cfg.default_isolation;
    if (db->backend == ORMC_POSTGRES) {
        ormc__buf_puts(b, "BEGIN");
        ormc__buf_puts(b, isolation_sql(iso));
        if (read_only)
            ormc__buf_puts(b, " READ ONLY");
    } else { /* SQLite transactions are serializable whatever is asked */
        ormc__buf_puts(b, writer ? "BEGIN IMMEDIATE" : "BEGIN");
    }
}

void ormc__tx_opened(ormc_db *db, bool implicit)
{
    db->tx_depth = 1;
    db->tx_seq++;
    db->tx_implicit = implicit;
    db->tx_wrapped = false;
    db->tx_failed = false;
    db->tx_fail.status = ORMC_OK;
}

/* writer: a transaction that will write after reading (ormc__begin_writer):
 * SQLite takes the write lock at BEGIN (IMMEDIATE), PostgreSQL reads at
 * READ COMMITTED unless asked otherwise. */
static int send_begin(ormc_db *db, ormc_isolation iso, bool read_only,
                      bool implicit, bool writer)
{
    char storage[256];
    ormc__buf sql;
    int rc;
    ormc__buf_init(&sql, storage, sizeof storage);
    begin_sql(db, iso, read_only, writer, &sql);
    /* behind a transaction pooler: the session's settings, in the same
     * round trip */
    ormc__session_local_sql(db, &sql);
    rc = sql.failed ? ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory")
                    : ormc__exec_control(db, sql.data, false, NULL);
    ormc__buf_free(&sql);
    if (rc != ORMC_OK) {
        /* a setting refused after the BEGIN left a failed transaction */
        if (db->backend == ORMC_POSTGRES && !db->broken && db->conn &&
            ormc__session_in_transaction(db))
            ormc__exec_control(db, "ROLLBACK", false, NULL);
        return rc;
    }
    ormc__tx_opened(db, implicit);
    if (read_only && db->backend == ORMC_SQLITE) {
        rc = ormc__exec_control(db, "PRAGMA query_only = ON", false, NULL);
        if (rc != ORMC_OK) {
            ormc__exec_control(db, "ROLLBACK", false, NULL);
            db->tx_depth = 0;
            return rc;
        }
        db->tx_query_only = true;
    }
    return ORMC_OK;
}

/* The outermost level has ended, one way or the other. */
static void ended(ormc_db *db)
{
    ormc__tx_closed(db);
}

void ormc__tx_closed(ormc_db *db)
{
    db->tx_depth = 0;
    db->tx_implicit = false;
    db->tx_wrapped = false;
    db->tx_failed = false;
    db->tx_fail.status = ORMC_OK;
    if (db->tx_query_only) {
        db->tx_query_only = false;
        if (!db->broken && db->conn)
            ormc__exec_control(db, "PRAGMA query_only = OFF", false, NULL);
    }
}

int ormc__tx_before_statement(ormc_db *db)
{
    if (db->tx_failed)
        return ormc__error(db, ORMC_ERROR, "25P02", NULL,
                           "current transaction is aborted, commands "
                           "ignored until end of transaction block (roll "
                           "back first)");
    /* the on_connect hook runs outside any transaction (connection.c) */
    if (ormc__tx_begin_due(db))
        return send_begin(db, ORMC_ISOLATION_DEFAULT, false, true, false);
    if (db->tx_depth > 0 || db->in_on_connect)
        return ORMC_OK;
    /* behind a transaction pooler an autocommit statement runs on any
     * server connection: it carries the session's settings in a
     * transaction of its own */
    if (ormc__session_carried(db)) {
        int rc = send_begin(db, ORMC_ISOLATION_DEFAULT, false, true, false);
        db->tx_wrapped = rc == ORMC_OK;
        return rc;
    }
    return ORMC_OK;
}

int ormc__tx_after_statement(ormc_db *db, int rc)
{
    if (!db->tx_wrapped || db->tx_depth != 1)
        return rc;
    bool ok = rc == ORMC_OK || rc == ORMC_ROW || rc == ORMC_DONE;
    if (ok && !db->tx_failed) {
        ormc__saved_error keep;
        ormc__error_save(db, &keep);
        int c = ormc__commit(db);
        if (c != ORMC_OK)
            return c;
        ormc__error_restore(db, &keep);
        return rc;
    }
    ormc__saved_error why;
    ormc__error_save(db, &why);
    ormc__rollback(db);
    ormc__error_restore(db, &why);
    return rc;
}

void ormc__tx_statement_failed(ormc_db *db, int status)
{
    if (db->tx_depth > 0 && !db->tx_failed) {
        db->tx_failed = true;
        /* the error itself (it was just recorded), for the commit that
         * ends this transaction to report: its SQLSTATE and message say
         * why (read-only, disk full) where a bare status would not */
        if (db->err_status == status) {
            ormc__error_save(db, &db->tx_fail);
        } else {
            memset(&db->tx_fail, 0, sizeof db->tx_fail);
            db->tx_fail.status = status;
        }
    }
}

int ormc__begin(ormc_db *db, const ormc_tx_options *opts)
{
    int rc;
    ormc_isolation iso = opts ? opts->isolation : ORMC_ISOLATION_DEFAULT;
    bool ro = opts ? opts->read_only : false;
    if ((int)iso < ORMC_ISOLATION_DEFAULT || iso > ORMC_SERIALIZABLE)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "unknown isolation level %d", (int)iso);
    /* a read-only transaction runs on a replica when one may serve
     * (replica.c); its savepoints there too */
    if (db->tx_replica)
        return ormc__begin(db->tx_replica, opts);
    if (ro && db->n_replicas && db->tx_depth == 0 &&
        (rc = ormc__replica_begin(db, opts)) != ORMC_NOT_FOUND)
        return rc;
    if (db->tx_depth == 0) {
        if ((rc = ormc__ensure_connected(db)) != ORMC_OK)
            return rc;
        return send_begin(db, iso, ro, false, false);
    }
    if (iso != ORMC_ISOLATION_DEFAULT || ro)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "isolation and read-only apply to the outermost "
                           "transaction only");
    if (db->tx_failed)
        return ormc__error(db, ORMC_ERROR, "25P02", NULL,
                           "current transaction is aborted, commands "
                           "ignored until end of transaction block (roll "
                           "back first)");
    char sql[48];
    snprintf(sql, sizeof sql, "SAVEPOINT ormc_sp_%d", db->tx_depth + 1);
    rc = ormc__exec_control(db, sql, false, NULL);
    if (rc == ORMC_OK)
        db->tx_depth++;
    else
        ormc__tx_statement_failed(db, rc);
    return rc;
}

int ormc__begin_writer(ormc_db *db)
{
    if (db->tx_depth > 0)
        return ormc__begin(db, NULL);
    int rc = ormc__ensure_connected(db);
    if (rc != ORMC_OK)
        return rc;
    return send_begin(db, ORMC_ISOLATION_DEFAULT, false, false, true);
}

/* The level ended on the replica that ran db's read-only transaction: when
 * it was the outermost, db's statements go to db again. */
static int replica_ended(ormc_db *db, int rc)
{
    if (db->tx_replica->tx_depth == 0)
        db->tx_replica = NULL;
    return rc;
}

/* The transaction of a batch: the isolation asked for, else the
 * connection's (never the writer's READ COMMITTED, which is for the
 * schema's catalog work); on SQLite, where isolation means nothing,
 * IMMEDIATE unless read-only. */
static bool batch_writer(ormc_db *db, const ormc_tx_options *opts)
{
    return db->backend == ORMC_SQLITE && !(opts && opts->read_only);
}

static int check_isolation(ormc_db *db, const ormc_tx_options *opts)
{
    ormc_isolation iso = opts ? opts->isolation : ORMC_ISOLATION_DEFAULT;
    if ((int)iso < ORMC_ISOLATION_DEFAULT || iso > ORMC_SERIALIZABLE)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "unknown isolation level %d", (int)iso);
    return ORMC_OK;
}

int ormc__tx_begin_sql(ormc_db *db, const ormc_tx_options *opts, char *sql,
                       size_t size)
{
    int rc = check_isolation(db, opts);
    if (rc != ORMC_OK)
        return rc;
    char storage[96];
    ormc__buf b;
    ormc__buf_init(&b, storage, sizeof storage);
    begin_sql(db, opts ? opts->isolation : ORMC_ISOLATION_DEFAULT,
              opts ? opts->read_only : false, batch_writer(db, opts), &b);
    snprintf(sql, size, "%s", b.data);
    ormc__buf_free(&b);
    return ORMC_OK;
}

int ormc__begin_locked(ormc_db *db, const ormc_tx_options *opts)
{
    int rc = check_isolation(db, opts);
    if (rc != ORMC_OK)
        return rc;
    if (db->tx_depth > 0)
        return ormc__error(db, ORMC_INVALID, "25001", NULL,
                           "a transaction is already open: a batch opens "
                           "one of its own, not a savepoint");
    if ((rc = ormc__ensure_connected(db)) != ORMC_OK)
        return rc;
    return send_begin(db, opts ? opts->isolation : ORMC_ISOLATION_DEFAULT,
                      opts ? opts->read_only : false, false,
                      batch_writer(db, opts));
}

int ormc__rollback(ormc_db *db)
{
    char sql[96];
    if (db->tx_replica)
        return replica_ended(db, ormc__rollback(db->tx_replica));
    if (db->tx_depth == 0)
        return ormc__error(db, ORMC_INVALID, "25P01", NULL,
                           "rollback: no transaction is open");
    if (db->broken || !db->conn) {
        /* the server has dropped the transaction with the connection */
        if (db->tx_depth == 1)
            ended(db);
        else
            db->tx_depth--;
        return ORMC_OK;
    }
    if (db->tx_depth == 1) {
        int rc = ORMC_OK;
        if (ormc__session_in_transaction(db))
            rc = ormc__exec_control(db, "ROLLBACK", false, NULL);
        ended(db);
        /* a lost connection has rolled back too */
        return rc == ORMC_CONNECTION ? ORMC_OK : rc;
    }
    snprintf(sql, sizeof sql, "ROLLBACK TO SAVEPOINT ormc_sp_%d", db->tx_depth);
    int rc = ormc__exec_control(db, sql, false, NULL);
    if (rc == ORMC_OK) {
        snprintf(sql, sizeof sql, "RELEASE SAVEPOINT ormc_sp_%d", db->tx_depth);
        rc = ormc__exec_control(db, sql, false, NULL);
    }
    db->tx_depth--;
    if (rc == ORMC_OK) {
        db->tx_failed = false;
        db->tx_fail.status = ORMC_OK;
    } else {
        ormc__tx_statement_failed(db, rc);
    }
    return rc;
}

int ormc__commit(ormc_db *db)
{
    if (db->tx_replica)
        return replica_ended(db, ormc__commit(db->tx_replica));
    if (db->tx_depth == 0)
        return ormc__error(db, ORMC_INVALID, "25P01", NULL,
                           "commit: no transaction is open");
    if (db->tx_failed) {
        /* the failure's own status, SQLSTATE, constraint and message */
        ormc__saved_error e = db->tx_fail;
        if (e.status == ORMC_OK)
            e.status = ORMC_ERROR;
        ormc__rollback(db);
        return ormc__error(db, e.status, e.sqlstate,
                           e.constraint[0] ? e.constraint : NULL,
                           "commit of a failed transaction: it was rolled "
                           "back (%s)",
                           e.msg[0] ? e.msg : ormc_strstatus(e.status));
    }
    if (db->broken || !db->conn) {
        ormc__rollback(db);
        return ormc__error(db, ORMC_CONNECTION, "08003", NULL,
                           "the connection was lost; the transaction was "
                           "not committed");
    }
    if (db->tx_depth == 1) {
        /* A server that has already closed the session (its FATAL message,
         * or the end of the stream, waits on the socket: a fast shutdown,
         * a failover) rolled the transaction back before COMMIT could
         * reach it: a sure "not committed", which a caller may retry. */
        if (db->backend == ORMC_POSTGRES && ormc__session_gone(db)) {
            ormc__rollback(db);
            return ormc__error(db, ORMC_CONNECTION, "08006", NULL,
                               "the connection was lost before COMMIT was "
                               "sent; the transaction was not committed");
        }
        int rc = ormc__exec_control(db, "COMMIT", false, NULL);
        if (rc == ORMC_CONNECTION && db->broken) {
            /* COMMIT went out and no answer came back: the server may have
             * committed (and the answer was lost) or not. Only the data can
             * tell; retrying blindly could apply the transaction twice. */
            char why[sizeof db->errmsg];
            snprintf(why, sizeof why, "%s", db->errmsg);
            ended(db);
            return ormc__error(db, ORMC_COMMIT_UNKNOWN, "08007", NULL,
                               "the connection was lost after COMMIT was "
                               "sent: the transaction may or may not have "
                               "committed (%s)",
                               why);
        }
        if (rc != ORMC_OK && !db->broken && ormc__session_in_transaction(db)) {
            /* SQLite keeps the transaction open after a failed COMMIT
             * (busy); end it so that both backends agree */
            ormc__saved_error e;
            ormc__error_save(db, &e);
            ormc__exec_control(db, "ROLLBACK", false, NULL);
            ormc__error_restore(db, &e);
        }
        ended(db);
        if (rc == ORMC_OK)
            ormc__replica_wrote(db);
        return rc;
    }
    char sql[48];
    snprintf(sql, sizeof sql, "RELEASE SAVEPOINT ormc_sp_%d", db->tx_depth);
    int rc = ormc__exec_control(db, sql, false, NULL);
    if (rc == ORMC_OK)
        db->tx_depth--;
    else
        ormc__tx_statement_failed(db, rc);
    return rc;
}

int ormc_begin(ormc_db *db)
{
    return ormc_begin_with(db, NULL);
}

int ormc_begin_with(ormc_db *db, const ormc_tx_options *opts)
{
    if (!db)
        return ORMC_INVALID;
    ormc__clear_error(db);
    return ormc__begin(db, opts);
}

/*
 * The level an ormc_transaction runs, and those around it, belong to the
 * runner: its body ends its work by returning (ORMC_OK commits, anything
 * else rolls back). A commit or rollback of it from the body is refused
 * before anything is sent, and the runner rolls back (retry.c), so that
 * the body's writes are never committed behind the runner's back. Levels
 * the body opened itself (ormc_begin: savepoints) are its own.
 */
static int refuse_owned(ormc_db *db, const char *what)
{
    if (db->tx_owned == 0 || db->tx_depth > db->tx_owned)
        return ORMC_OK;
    db->tx_owned_misuse = true;
    return ormc__error(db, ORMC_INVALID, NULL, NULL,
                       "%s inside ormc_transaction: the body ends its "
                       "transaction by returning (ORMC_OK commits, "
                       "anything else rolls back); nothing was sent",
                       what);
}

int ormc_commit(ormc_db *db)
{
    if (!db)
        return ORMC_INVALID;
    ormc__clear_error(db);
    int rc = refuse_owned(db, "ormc_commit");
    return rc != ORMC_OK ? rc : ormc__commit(db);
}

int ormc_rollback(ormc_db *db)
{
    if (!db)
        return ORMC_INVALID;
    ormc__clear_error(db);
    int rc = refuse_owned(db, "ormc_rollback");
    return rc != ORMC_OK ? rc : ormc__rollback(db);
}

int ormc_tx_state_of(const ormc_db *db, ormc_tx_state *state)
{
    if (!db || !state)
        return ORMC_INVALID;
    if (db->tx_replica)
        db = db->tx_replica;
    if (db->tx_depth == 0)
        *state = ORMC_TX_IDLE;
    else
        *state = db->tx_failed ? ORMC_TX_FAILED : ORMC_TX_ACTIVE;
    return ORMC_OK;
}

int ormc_tx_status(const ormc_db *db)
{
    ormc_tx_state state;
    int rc = ormc_tx_state_of(db, &state);
    return rc == ORMC_OK ? (int)state : rc;
}

int ormc__end_level(ormc_db *db, int rc)
{
    if (rc == ORMC_OK)
        return ormc__commit(db);
    ormc__saved_error e;
    ormc__error_save(db, &e);
    ormc__rollback(db);
    ormc__error_restore(db, &e);
    return rc;
}
