/*
 * connection.c: opening and closing connections, and the session state a
 * reconnect must set again.
 *
 * A setting made with SET lives in the server's session: after an automatic
 * reconnect (stmt.c:ormc__ensure_connected) it is gone. The session layer
 * keeps the statement that makes it (today the tenant's search_path, which
 * tenant.c chooses) and sends it again before any other statement.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "ormc_int.h"
#include "session.h"

int ormc_open(const char *url, ormc_db **db)
{
    return ormc_open_with(url, NULL, db);
}

int ormc_open_with(const char *url, const ormc_options *opts, ormc_db **out)
{
    if (!out)
        return ORMC_INVALID;
    *out = NULL;
    ormc_db *db = calloc(1, sizeof *db);
    if (!db)
        return ORMC_NOMEM;
    ormc__trace_env_open(db);
    char err[256];
    int rc = ormc__url_parse(url, opts, &db->backend, &db->target, &db->secret,
                             &db->cfg, err, sizeof err);
    db->vt =
        db->backend == ORMC_POSTGRES ? &ormc__postgres_vt : &ormc__sqlite_vt;
    if (rc != ORMC_OK) {
        if (!db->backend)
            db->backend = ORMC_SQLITE;
        ormc__error(db, rc, NULL, NULL, "%s", err);
        *out = db;
        return rc;
    }
    db->rng = (uint64_t)ormc__now_ns() ^ (uint64_t)(uintptr_t)db ^ 1;
    *out = db;
    if ((rc = ormc__replicas_open(db)) != ORMC_OK)
        return rc;
    rc = db->vt->connect(db);
    *out = db;
    if (rc != ORMC_OK) {
        db->broken = true;
        return rc;
    }
    /* a connection the hook refused was never handed out: making the
     * next one is not a reconnect */
    if ((rc = ormc__session_on_connect(db)) != ORMC_OK)
        return rc;
    db->ever_connected = true;
    ormc__clear_error(db);
    return ORMC_OK;
}

int ormc__session_on_connect(ormc_db *db)
{
    if (!db->cfg.on_connect)
        return ORMC_OK;
    /* outside any transaction: the hook's statements get no implicit
     * BEGIN (tx.c), and a connection lost under it is not made again
     * (stmt.c), which would run the hook inside itself */
    db->in_on_connect = true;
    int rc = db->cfg.on_connect(db, db->cfg.on_connect_ctx);
    db->in_on_connect = false;
    bool left_open = rc == ORMC_OK && db->tx_depth > 0;
    if (rc == ORMC_OK && !left_open)
        return ORMC_OK;
    /* never hand out a connection the hook did not finish setting up:
     * close it; the next call on the handle makes a new one */
    ormc__saved_error why;
    ormc__error_save(db, &why);
    db->tx_depth = 0;
    db->tx_implicit = false;
    db->tx_failed = false;
    db->tx_query_only = false;
    ormc__stmt_cache_clear(db, false);
    db->vt->disconnect(db);
    db->broken = true;
    if (left_open)
        return ormc__error(db, ORMC_CONNECTION, "25000", NULL,
                           "on_connect hook failed: it left a transaction "
                           "open");
    if (why.status != ORMC_OK && why.msg[0])
        return ormc__error(db, ORMC_CONNECTION,
                           why.sqlstate[0] ? why.sqlstate : NULL, NULL,
                           "on_connect hook failed: %s", why.msg);
    return ormc__error(db, ORMC_CONNECTION, NULL, NULL,
                       "on_connect hook failed: it returned %s",
                       ormc_strstatus(rc));
}

/* Zero a string before freeing it (volatile: the stores must happen). */
static void wipe_and_free(char *s)
{
    if (!s)
        return;
    for (volatile char *p = s; *p; p++)
        *p = '\0';
    free(s);
}

void ormc_close(ormc_db *db)
{
    if (!db)
        return;
    ormc__replicas_close(db);
    if (db->async_free)
        db->async_free(db);
    if (db->tx_depth > 0 && db->conn && !db->broken &&
        ormc__session_in_transaction(db))
        ormc__exec_control(db, "ROLLBACK", false, NULL);
    db->tx_depth = 0;
    if (db->conn)
        ormc__stmt_cache_clear(db, false);
    db->vt->disconnect(db);
    ormc__session_forget(db);
    ormc__config_free(&db->cfg);
    /* Leave the password in no freed memory: the driver's connection
     * string holds it too. */
    wipe_and_free(db->target);
    wipe_and_free(db->secret);
    ormc__trace_env_close(db);
    free(db);
}

void ormc__session_keep(ormc_db *db, char *schema, char *restore)
{
    ormc__session_forget(db);
    db->schema = schema;
    db->session_restore = restore;
}

void ormc__session_forget(ormc_db *db)
{
    free(db->schema);
    free(db->session_restore);
    db->schema = NULL;
    db->session_restore = NULL;
}

bool ormc__session_in_transaction(ormc_db *db)
{
    ormc__server_tx t = db->vt->server_tx(db);
    return t == ORMC__SERVER_IN_TX || t == ORMC__SERVER_BUSY;
}

bool ormc__session_healthy(ormc_db *db, bool probe)
{
    if (db->broken || !db->conn)
        return false;
    switch (db->vt->health(db)) {
    case ORMC__HEALTH_LOST:
        return false;
    case ORMC__HEALTH_SURE:
        return true;
    case ORMC__HEALTH_QUIET:
        if (!probe)
            break;
        /* fall through */
    case ORMC__HEALTH_SPOKE:
        if (ormc__exec_control(db, "SELECT 1", false, NULL) != ORMC_OK)
            return false;
        break;
    }
    return ormc__session_idle(db);
}

bool ormc__session_gone(ormc_db *db)
{
    if (db->broken || !db->conn)
        return true;
    ormc__health h = db->vt->health(db);
    /* something unasked was read: a harmless message, or a FATAL one
     * followed by the end of the stream, which the next read sees */
    if (h == ORMC__HEALTH_SPOKE)
        h = db->vt->health(db);
    if (h != ORMC__HEALTH_LOST)
        return false;
    db->broken = true;
    return true;
}

bool ormc__session_end_transaction(ormc_db *db)
{
    switch (db->vt->server_tx(db)) {
    case ORMC__SERVER_IDLE:
        return true;
    case ORMC__SERVER_IN_TX:
        return ormc__exec_control(db, "ROLLBACK", false, NULL) == ORMC_OK;
    case ORMC__SERVER_BUSY:
    case ORMC__SERVER_LOST:
        break;
    }
    return false;
}

bool ormc__session_idle(ormc_db *db)
{
    return !db->broken && db->conn &&
           db->vt->server_tx(db) == ORMC__SERVER_IDLE;
}

bool ormc__session_carried(const ormc_db *db)
{
    const ormc__config *c = &db->cfg;
    return c->pooler_transaction &&
           (c->statement_timeout_ms > 0 || c->lock_timeout_ms > 0 ||
            c->idle_in_transaction_timeout_ms > 0 ||
            c->default_isolation != ORMC_ISOLATION_DEFAULT || c->search_path ||
            db->schema);
}

/* "; SET LOCAL name = value" for a setting in milliseconds */
static void local_ms(ormc__buf *b, const char *name, int ms)
{
    if (ms <= 0)
        return;
    ormc__buf_puts(b, "; SET LOCAL ");
    ormc__buf_puts(b, name);
    ormc__buf_puts(b, " = ");
    ormc__buf_put_u64(b, (uint64_t)ms);
}

void ormc__session_local_sql(const ormc_db *db, ormc__buf *b)
{
    const ormc__config *c = &db->cfg;
    if (!c->pooler_transaction)
        return;
    local_ms(b, "statement_timeout", c->statement_timeout_ms);
    local_ms(b, "lock_timeout", c->lock_timeout_ms);
    local_ms(b, "idle_in_transaction_session_timeout",
             c->idle_in_transaction_timeout_ms);
    /* BEGIN gives the transaction its isolation (tx.c); the default is
     * set too, for what reads it (SHOW, a function) */
    static const char *const iso_names[] = {NULL, "read committed",
                                            "repeatable read", "serializable"};
    if (c->default_isolation > ORMC_ISOLATION_DEFAULT &&
        c->default_isolation <= ORMC_SERIALIZABLE) {
        ormc__buf_puts(b, "; SET LOCAL default_transaction_isolation = '");
        ormc__buf_puts(b, iso_names[c->default_isolation]);
        ormc__buf_putc(b, '\'');
    }
    if (db->schema) {
        ormc__buf_puts(b, "; SET LOCAL search_path TO ");
        ormc__buf_put_ident(b, db->schema);
    } else if (c->search_path) {
        /* the URL's list as it was written, as a string literal: the
         * server splits it into schemas */
        ormc__buf_puts(b, "; SELECT pg_catalog.set_config('search_path', '");
        for (const char *p = c->search_path; *p; p++) {
            if (*p == '\'')
                ormc__buf_putc(b, '\'');
            ormc__buf_putc(b, *p);
        }
        ormc__buf_puts(b, "', true)");
    }
}

int ormc__session_restore(ormc_db *db)
{
    if (db->session_restore == NULL)
        return ORMC_OK;
    int rc = ormc__exec_control(db, db->session_restore, false, NULL);
    if (rc != ORMC_OK) {
        /* never let a statement run under the URL's search_path while the
         * application believes it is in a tenant: refuse until it works */
        db->broken = true;
        if (strcmp(db->sqlstate, "3F000") == 0)
            rc = ormc__error(db, ORMC_CONNECTION, "3F000", NULL,
                             "after reconnecting, schema \"%s\" no longer "
                             "exists",
                             db->schema);
        else if (rc != ORMC_CONNECTION)
            rc = ormc__error(db, ORMC_CONNECTION, db->sqlstate, NULL,
                             "after reconnecting, setting the search_path "
                             "failed: %s",
                             db->errmsg);
    }
    return rc;
}

ormc_backend ormc_backend_of(const ormc_db *db)
{
    return db ? db->backend : (ormc_backend)0;
}
