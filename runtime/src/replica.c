/*
 * replica.c: read replicas of a PostgreSQL primary (docs/scale-out.md).
 *
 * A connection whose URL (or ormc_options) names replica_hosts keeps, beside
 * its own connection to the primary, one connection per replica, opened
 * when first needed: a handle of its own (its statement cache, its
 * transaction state), in autocommit mode, whose errors are copied to the
 * primary's handle, which is the one the caller asks, and whose statements
 * are counted there (ormc_stats). Two things go to a
 * replica, round robin:
 *
 *   - an autocommit read of the generated API (get, get_by, a query's
 *     first, all, count, exists: the engine asks ormc__reader), when no
 *     transaction is open and no write asked reads to stay on the primary
 *     (ormc_read_primary_for, read_your_writes);
 *   - a read-only transaction (ormc_begin_with with read_only): every
 *     statement of it, whatever sends it (ormc__serving, asked by the
 *     session layer), so that a write in it is refused by the replica
 *     rather than sent to the primary.
 *
 * A replica is skipped while it is down (its connection failed: tried
 * again after DOWN_NS) or, with replica_max_lag, while it is further
 * behind than that (asked at most every LAG_EVERY_NS per replica). With
 * no replica to use, the primary serves.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "ormc_int.h"
#include "session.h"

#define DOWN_NS INT64_C(1000000000)     /* a failed replica rests 1 s */
#define LAG_EVERY_NS INT64_C(100000000) /* its lag is asked every 100 ms */

typedef struct ormc__replica {
    char host[256], port[16]; /* port "" = the URL's */
    char label[300];          /* "replica HOST:PORT", for trace events */
    ormc_db *conn;            /* NULL until first used */
    int64_t down_until_ns;
    int64_t lag_checked_ns;
    int64_t lag_ms;
} ormc__replica;

/* How far the replica's replay is behind what it received, in ms: 0 when
 * it has replayed all it has (an idle primary sends nothing, and its last
 * replayed transaction may be old), else the age of the last transaction
 * it replayed. NULL (not a standby) reads as 0. */
static const char LAG_SQL[] =
    "SELECT CASE WHEN pg_catalog.pg_last_wal_receive_lsn() = "
    "pg_catalog.pg_last_wal_replay_lsn() THEN 0 ELSE "
    "COALESCE((EXTRACT(EPOCH FROM pg_catalog.clock_timestamp() - "
    "pg_catalog.pg_last_xact_replay_timestamp()) * 1000)::bigint, 0) END";

int ormc__replicas_open(ormc_db *db)
{
    const char *list = db->cfg.replica_hosts;
    if (!list)
        return ORMC_OK;
    int n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    db->replicas = calloc((size_t)n, sizeof *db->replicas);
    if (!db->replicas)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    const char *p = list;
    for (int i = 0; i < n; i++) {
        size_t len = strcspn(p, ",");
        ormc__replica *r = &db->replicas[i];
        /* HOST[:PORT]; a socket directory may hold no ':' */
        const char *colon = NULL;
        for (const char *q = p; q < p + len; q++)
            if (*q == ':')
                colon = q;
        size_t hlen = colon ? (size_t)(colon - p) : len;
        size_t plen = colon ? len - hlen - 1 : 0;
        if (hlen == 0 || hlen >= sizeof r->host || plen >= sizeof r->port ||
            (colon && (plen == 0 || strspn(colon + 1, "0123456789") < plen))) {
            free(db->replicas);
            db->replicas = NULL;
            return ormc__error(db, ORMC_INVALID, NULL, NULL,
                               "replica_hosts: \"%.*s\" is not HOST or "
                               "HOST:PORT",
                               (int)len, p);
        }
        memcpy(r->host, p, hlen);
        memcpy(r->port, colon ? colon + 1 : "", plen);
        snprintf(r->label, sizeof r->label, "replica %s%s%s", r->host,
                 plen ? ":" : "", r->port);
        p += len + (p[len] == ',');
    }
    db->n_replicas = n;
    db->server_label = "primary";
    return ORMC_OK;
}

void ormc__replicas_close(ormc_db *db)
{
    for (int i = 0; i < db->n_replicas; i++)
        ormc_close(db->replicas[i].conn);
    free(db->replicas);
    db->replicas = NULL;
    db->n_replicas = 0;
    db->tx_replica = NULL;
}

/* A copy of db's string option, or true when there is none. */
static bool copy_str(const char *from, char **to)
{
    *to = from ? strdup(from) : NULL;
    return !from || *to;
}

/* Connect r's handle: db's settings, r's host and port, autocommit (its
 * transactions are the read-only ones ormc__replica_begin opens). */
static int open_replica(ormc_db *db, ormc__replica *r)
{
    ormc_db *c = calloc(1, sizeof *c);
    if (!c)
        return ORMC_NOMEM;
    c->vt = db->vt;
    c->backend = db->backend;
    c->cfg = db->cfg;
    c->cfg.pragma_script = NULL;
    c->cfg.replica_hosts = NULL;
    c->cfg.application_name = NULL;
    c->cfg.search_path = NULL;
    c->cfg.autocommit = true;
    c->cfg.host_override = r->host;
    c->cfg.port_override = r->port[0] ? r->port : NULL;
    c->env_trace_fd = db->env_trace_fd; /* the primary's, not closed here */
    c->env_trace_own_fd = false;
    c->env_trace_params = db->env_trace_params;
    c->rng = db->rng ^ (uint64_t)(uintptr_t)c;
    c->server_label = r->label;
    bool ok = copy_str(db->cfg.application_name, &c->cfg.application_name) &&
              copy_str(db->cfg.search_path, &c->cfg.search_path) &&
              copy_str(db->target, &c->target) &&
              copy_str(db->secret, &c->secret);
    int rc = ok ? c->vt->connect(c) : ORMC_NOMEM;
    if (rc == ORMC_OK)
        rc = ormc__session_on_connect(c);
    if (rc != ORMC_OK) {
        ormc_close(c);
        return rc;
    }
    c->ever_connected = true;
    c->primary = db;
    r->conn = c;
    r->lag_checked_ns = 0;
    return ORMC_OK;
}

/* Ask r how far behind it is; false when it cannot say (it is then
 * down). */
static bool read_lag(ormc__replica *r)
{
    ormc_db *c = r->conn;
    ormc_db *primary = c->primary;
    c->primary = NULL; /* a failed check is no error of the caller's */
    ormc__stmt *st;
    bool ok = false;
    if (ormc__stmt_prepare(c, LAG_SQL, &st) == ORMC_OK) {
        ormc_param v;
        if (ormc__stmt_step(st) == ORMC_ROW &&
            ormc__stmt_value(st, 0, ORMC_TYPE_BIGINT, &v) == ORMC_OK) {
            r->lag_ms = v.u.i64;
            ok = true;
        }
        ormc__stmt_release(st);
    }
    ormc__clear_error(c);
    c->primary = primary;
    return ok;
}

/* r's handle when it may serve now, else NULL. */
static ormc_db *usable(ormc_db *db, ormc__replica *r, int64_t now)
{
    if (now < r->down_until_ns)
        return NULL;
    if (r->conn && !ormc__session_healthy(r->conn, false)) {
        ormc_close(r->conn);
        r->conn = NULL;
    }
    if (!r->conn && open_replica(db, r) != ORMC_OK) {
        r->down_until_ns = now + DOWN_NS;
        return NULL;
    }
    if (db->cfg.replica_max_lag_ms > 0 &&
        now - r->lag_checked_ns >= LAG_EVERY_NS) {
        if (!read_lag(r)) {
            ormc_close(r->conn);
            r->conn = NULL;
            r->down_until_ns = now + DOWN_NS;
            return NULL;
        }
        r->lag_checked_ns = now;
    }
    if (db->cfg.replica_max_lag_ms > 0 &&
        r->lag_ms > db->cfg.replica_max_lag_ms)
        return NULL;
    return r->conn;
}

/* The next replica that may serve, round robin; NULL: none. */
static ormc_db *pick(ormc_db *db)
{
    int64_t now = ormc__now_ns();
    for (int i = 0; i < db->n_replicas; i++) {
        int k = (db->replica_next + i) % db->n_replicas;
        ormc_db *c = usable(db, &db->replicas[k], now);
        if (c) {
            db->replica_next = (k + 1) % db->n_replicas;
            return c;
        }
    }
    return NULL;
}

ormc_db *ormc__reader(ormc_db *db)
{
    if (db->n_replicas == 0 || !db->cfg.autocommit || db->tx_depth > 0 ||
        db->tx_replica || db->streaming || db->in_on_connect)
        return db->tx_replica ? db->tx_replica : db;
    if (db->primary_until_ns && ormc__now_ns() < db->primary_until_ns)
        return db;
    ormc_db *c = pick(db);
    return c ? c : db;
}

int ormc__replica_begin(ormc_db *db, const ormc_tx_options *opts)
{
    if (db->n_replicas == 0 || db->tx_depth > 0 || db->tx_replica ||
        (db->primary_until_ns && ormc__now_ns() < db->primary_until_ns))
        return ORMC_NOT_FOUND;
    ormc_db *c = pick(db);
    if (!c)
        return ORMC_NOT_FOUND;
    int rc = ormc__begin(c, opts);
    if (rc == ORMC_OK)
        db->tx_replica = c;
    return rc;
}

void ormc__replica_wrote(ormc_db *db)
{
    if (db->n_replicas && db->cfg.read_your_writes_ms > 0)
        db->primary_until_ns =
            ormc__now_ns() + (int64_t)db->cfg.read_your_writes_ms * 1000000;
}

int ormc_read_primary_for(ormc_db *db, int ms)
{
    if (!db || ms < 0)
        return ORMC_INVALID;
    db->primary_until_ns = ms ? ormc__now_ns() + (int64_t)ms * 1000000 : 0;
    return ORMC_OK;
}
