/*
 * pool.c: a thread-safe connection pool.
 *
 * One mutex guards the pool's bookkeeping and one condition variable wakes
 * the threads that wait for a connection. Nothing that talks to a database
 * (connect, health check, session reset, close) runs while the mutex is
 * held: a thread first claims a slot under the lock, then does the I/O
 * alone, then comes back to the lock to record the outcome. A slot being
 * worked on counts as in use, so the pool never holds more than
 * size + max_overflow connections.
 *
 * Choices (docs/pool.md gives the reasons):
 *   - Idle connections are reused last-in first-out: a hot connection is
 *     reused while it is hot (its health check costs nothing), and the
 *     ones at the bottom of the stack age out through max_lifetime_s.
 *   - The health check on acquire is in two steps (the session layer's
 *     ormc__session_healthy). Always, with no round trip: the connection
 *     is not marked broken and its backend sees nothing wrong (PostgreSQL:
 *     libpq says it is fine and the socket has nothing to read, since an
 *     idle session has nothing to say; a backend that was terminated has
 *     sent its FATAL message and closed, which makes the socket readable).
 *     When it is readable, or after health_check_idle_ms idle: a SELECT 1
 *     round trip, which also finds a peer that vanished silently.
 *   - Release resets the session in one round trip (a script run as one
 *     implicit transaction) rather than DISCARD ALL, which would also drop
 *     the prepared statements that the cache holds.
 *   - Waiting uses CLOCK_MONOTONIC, so that a change of the wall clock
 *     cannot stretch or cut an acquire timeout.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ormc_int.h"
#include "session.h"

#define DEFAULT_SIZE 5
#define DEFAULT_OVERFLOW 10
#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_LIFETIME_S 3600
#define DEFAULT_HEALTH_IDLE_MS 5000

/* What release sends to PostgreSQL: everything DISCARD ALL does except
 * DEALLOCATE ALL and DISCARD PLANS. RESET ALL returns every setting to
 * its session default: the values of the connection's startup packet
 * (the URL's options, the timeouts, application_name, TimeZone UTC). */
static const char RESET_SQL[] =
    "CLOSE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); "
    "DISCARD TEMP; DISCARD SEQUENCES; SET SESSION AUTHORIZATION DEFAULT; "
    "RESET ALL";

typedef enum slot_state {
    SLOT_FREE = 0, /* no connection */
    SLOT_IDLE,     /* open, in the idle stack */
    SLOT_BUSY      /* handed out, or being opened, checked or reset */
} slot_state;

typedef struct slot {
    ormc_db *db;
    slot_state state;
    int64_t created_ns;   /* when the connection was opened */
    int64_t last_used_ns; /* when it was last released */
} slot;

struct ormc_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;

    /* configuration, read-only after open */
    char *url;      /* owned; may hold a password (wiped on free) */
    char *app_name; /* owned copy of conn.application_name */
    char *journal_mode, *synchronous, *pragmas; /* owned copies of conn's */
    char *replica_hosts;                        /* likewise */
    ormc_options conn;
    int size, max_overflow, timeout_ms, health, health_idle_ms;
    int64_t lifetime_ns; /* 0: never */
    bool autocommit;     /* the configured mode, restored on release */

    /* under mu */
    slot *slots; /* size + max_overflow of them */
    int n_slots;
    int *idle; /* slot indexes; the top is the most recently used */
    int n_idle;
    int calls; /* threads inside ormc_pool_acquire */
    bool closing;
    ormc_pool_counters st;
};

static _Thread_local char tl_errmsg[512];

static int pool_error(int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int pool_error(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tl_errmsg, sizeof tl_errmsg, fmt, ap);
    va_end(ap);
    return status;
}

const char *ormc_pool_errmsg(void)
{
    return tl_errmsg;
}

static int opt(int value, int dflt)
{
    return value >= 0 ? value : dflt;
}

static void pool_free(ormc_pool *p)
{
    if (!p)
        return;
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    if (p->url) {
        /* do not leave a password in freed memory */
        volatile char *s = p->url;
        while (*s)
            *s++ = '\0';
        free(p->url);
    }
    free(p->app_name);
    free(p->journal_mode);
    free(p->synchronous);
    free(p->pragmas);
    free(p->replica_hosts);
    free(p->slots);
    free(p->idle);
    free(p);
}

/* *dst = a copy of src (NULL stays NULL); false when out of memory. */
static bool copy_str(const char *src, char **dst)
{
    *dst = src ? strdup(src) : NULL;
    return !src || *dst;
}

/* Open a connection for slot s (outside the lock). */
static int connect_one(ormc_pool *p, ormc_db **out)
{
    ormc_db *db = NULL;
    int rc = ormc_open_with(p->url, &p->conn, &db);
    if (rc != ORMC_OK) {
        pool_error(rc, "cannot open a pool connection: %s", ormc_errmsg(db));
        ormc_close(db);
        *out = NULL;
        return rc;
    }
    *out = db;
    return ORMC_OK;
}

/* Is an idle connection still good? (Outside the lock.) A round trip is
 * forced after health_check_idle_ms idle, or always when it is 0. */
static bool healthy(ormc_pool *p, ormc_db *db, int64_t idle_ns)
{
    bool probe = p->health_idle_ms == 0 ||
                 idle_ns >= (int64_t)p->health_idle_ms * 1000000;
    return ormc__session_healthy(db, probe);
}

/* Undo what the user left on the connection (outside the lock). False:
 * the connection cannot be reused and must be closed. */
static bool reset_session(ormc_pool *p, ormc_db *db)
{
    db->trace = NULL;
    db->trace_ctx = NULL;
    db->on_change = NULL;
    db->on_change_ctx = NULL;
    ormc__session_forget(db);
    db->cfg.autocommit = p->autocommit;
    db->primary_until_ns = 0;
    if (db->tx_replica) /* a read-only transaction left open on a replica */
        ormc__rollback(db);
    if (db->broken || !db->conn)
        return false;
    if (db->tx_depth > 0) {
        /* one ROLLBACK ends the transaction with all its savepoints */
        db->tx_depth = 1;
        ormc__rollback(db);
    }
    if (db->broken || !db->conn)
        return false;
    /* a BEGIN sent as raw SQL: roll it back (a result left open
     * mid-stream: the connection cannot be reused) */
    if (!ormc__session_end_transaction(db))
        return false;
    /* behind a transaction pooler the server session is not this
     * connection's to reset (the pooler's, shared by all its clients):
     * nothing of ormc's outlives a transaction there, and RESET ALL
     * would take back the time zone the pooler keeps for this client */
    if (db->backend == ORMC_POSTGRES && !db->cfg.pooler_transaction &&
        (ormc__exec_control(db, RESET_SQL, false, NULL) != ORMC_OK ||
         !ormc__session_idle(db)))
        return false;
    /* RESET ALL and SET SESSION AUTHORIZATION DEFAULT have undone what the
     * on_connect hook set (a role, a setting): the next user must get the
     * connection as the hook leaves it, so it runs again */
    if (db->backend == ORMC_POSTGRES && !db->cfg.pooler_transaction &&
        ormc__session_on_connect(db) != ORMC_OK)
        return false;
    ormc__clear_error(db);
    return !db->broken;
}

int ormc_pool_open(const char *url, const ormc_pool_options *opts,
                   ormc_pool **out)
{
    if (!out)
        return pool_error(ORMC_INVALID, "ormc_pool_open: pool is NULL");
    *out = NULL;
    tl_errmsg[0] = '\0';
    if (!url && !(url = ormc__url_from_env(NULL)))
        return pool_error(ORMC_INVALID,
                          "ormc_pool_open: no URL given, and neither "
                          "ORMC_URL nor DATABASE_URL is set in the "
                          "environment");
    ormc_pool_options o = ORMC_POOL_OPTIONS_INIT;
    if (opts)
        o = *opts;
    int size = opt(o.size, DEFAULT_SIZE);
    int overflow = opt(o.max_overflow, DEFAULT_OVERFLOW);
    if (size < 1 || size > 100000 || overflow > 100000)
        return pool_error(ORMC_INVALID,
                          "ormc_pool_open: size must be 1 to 100000 and "
                          "max_overflow 0 to 100000");

    ormc_pool *p = calloc(1, sizeof *p);
    if (!p)
        return pool_error(ORMC_NOMEM, "out of memory");
    p->size = size;
    p->max_overflow = overflow;
    p->n_slots = size + overflow;
    p->timeout_ms = opt(o.acquire_timeout_ms, DEFAULT_TIMEOUT_MS);
    p->lifetime_ns =
        (int64_t)opt(o.max_lifetime_s, DEFAULT_LIFETIME_S) * 1000000000;
    p->health = opt(o.health_check, 1) != 0;
    p->health_idle_ms = opt(o.health_check_idle_ms, DEFAULT_HEALTH_IDLE_MS);
    p->conn = o.conn;
    p->url = strdup(url);
    bool copied = copy_str(o.conn.application_name, &p->app_name) &&
                  copy_str(o.conn.journal_mode, &p->journal_mode) &&
                  copy_str(o.conn.synchronous, &p->synchronous) &&
                  copy_str(o.conn.pragmas, &p->pragmas) &&
                  copy_str(o.conn.replica_hosts, &p->replica_hosts);
    p->conn.application_name = p->app_name;
    p->conn.journal_mode = p->journal_mode;
    p->conn.replica_hosts = p->replica_hosts;
    p->conn.synchronous = p->synchronous;
    p->conn.pragmas = p->pragmas;
    p->slots = calloc((size_t)p->n_slots, sizeof *p->slots);
    p->idle = calloc((size_t)p->n_slots, sizeof *p->idle);

    pthread_condattr_t ca;
    bool cv_ok = false, mu_ok = false;
    if (pthread_condattr_init(&ca) == 0) {
        cv_ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
                pthread_cond_init(&p->cv, &ca) == 0;
        pthread_condattr_destroy(&ca);
    }
    mu_ok = pthread_mutex_init(&p->mu, NULL) == 0;
    if (!p->url || !p->slots || !p->idle || !copied || !cv_ok || !mu_ok) {
        if (cv_ok)
            pthread_cond_destroy(&p->cv);
        if (mu_ok)
            pthread_mutex_destroy(&p->mu);
        free(p->url);
        free(p->app_name);
        free(p->journal_mode);
        free(p->synchronous);
        free(p->pragmas);
        free(p->slots);
        free(p->idle);
        free(p);
        return pool_error(ORMC_NOMEM, "out of memory");
    }

    /* The first connection: fail now on a bad URL or server. */
    ormc_db *db;
    int rc = connect_one(p, &db);
    if (rc != ORMC_OK) {
        pool_free(p);
        return rc;
    }
    p->autocommit = db->cfg.autocommit;
    int64_t now = ormc__now_ns();
    p->slots[0] = (slot){db, SLOT_IDLE, now, now};
    p->idle[p->n_idle++] = 0;
    p->st.idle = 1;
    p->st.created = 1;
    *out = p;
    return ORMC_OK;
}

/* The pool is closed and nobody is inside: the caller frees it after
 * unlocking. */
static bool last_one_out(const ormc_pool *p)
{
    return p->closing && p->st.in_use == 0 && p->calls == 0;
}

static void add_deadline(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

int ormc_pool_acquire(ormc_pool *p, int timeout_ms, ormc_db **out)
{
    if (out)
        *out = NULL;
    if (!p || !out)
        return pool_error(ORMC_INVALID, "ormc_pool_acquire: NULL argument");
    tl_errmsg[0] = '\0';
    if (timeout_ms < 0)
        timeout_ms = p->timeout_ms;

    pthread_mutex_lock(&p->mu);
    p->calls++;
    int rc = ORMC_OK;
    int idx = -1;
    bool fresh = false; /* a free slot: open a new connection */
    bool waited = false, have_deadline = false;
    struct timespec deadline;
    for (;;) {
        if (p->closing) {
            rc = pool_error(ORMC_INVALID, "the pool is being closed");
            break;
        }
        if (p->n_idle > 0) {
            idx = p->idle[--p->n_idle];
            p->st.idle--;
            break;
        }
        if ((int)p->st.in_use < p->n_slots) {
            for (idx = 0; p->slots[idx].state != SLOT_FREE; idx++) {}
            fresh = true;
            break;
        }
        if (timeout_ms == 0 || (have_deadline && waited)) {
            /* waited == true here means: the deadline passed */
            p->st.timeouts++;
            rc = pool_error(ORMC_BUSY,
                            "no pool connection free within %d ms (all %d "
                            "in use)",
                            timeout_ms, p->n_slots);
            break;
        }
        if (!have_deadline) {
            add_deadline(&deadline, timeout_ms);
            have_deadline = true;
            p->st.waits++;
        }
        p->st.waiters++;
        int w = pthread_cond_timedwait(&p->cv, &p->mu, &deadline);
        p->st.waiters--;
        waited = w == ETIMEDOUT;
    }
    slot snap = {0};
    if (rc == ORMC_OK) {
        p->slots[idx].state = SLOT_BUSY;
        p->st.in_use++;
        snap = p->slots[idx];
    }
    pthread_mutex_unlock(&p->mu);

    /* I/O, outside the lock */
    ormc_db *db = NULL;
    int64_t created = snap.created_ns;
    int closed_dead = 0, closed_old = 0, opened = 0, failed = 0;
    if (rc == ORMC_OK) {
        int64_t now = ormc__now_ns();
        if (!fresh) {
            db = snap.db;
            if (p->lifetime_ns > 0 && now - snap.created_ns >= p->lifetime_ns) {
                closed_old = 1;
            } else if (p->health && !healthy(p, db, now - snap.last_used_ns)) {
                closed_dead = 1;
            }
            if (closed_old || closed_dead) {
                ormc_close(db);
                db = NULL;
                fresh = true;
            }
        }
        if (fresh) {
            rc = connect_one(p, &db);
            if (rc == ORMC_OK) {
                opened = 1;
                created = ormc__now_ns();
            } else {
                failed = 1;
            }
        }
        if (db) {
            ormc_stats_reset(db); /* the health check is not the user's */
            ormc__clear_error(db);
        }
    }

    pthread_mutex_lock(&p->mu);
    p->st.created += (uint64_t)opened;
    p->st.closed += (uint64_t)(closed_dead + closed_old);
    p->st.recycled += (uint64_t)closed_old;
    p->st.replaced_dead += (uint64_t)closed_dead;
    p->st.connect_errors += (uint64_t)failed;
    if (idx >= 0 && rc == ORMC_OK) {
        p->slots[idx].db = db;
        p->slots[idx].created_ns = created;
        p->st.acquires++;
    } else if (idx >= 0) {
        /* the slot is free again: another waiter may try */
        p->slots[idx] = (slot){0};
        p->st.in_use--;
        pthread_cond_signal(&p->cv);
    }
    p->calls--;
    bool free_it = last_one_out(p);
    pthread_mutex_unlock(&p->mu);
    if (free_it)
        pool_free(p);
    if (rc == ORMC_OK)
        *out = db;
    return rc;
}

int ormc_pool_release(ormc_pool *p, ormc_db *db)
{
    if (!p || !db)
        return pool_error(ORMC_INVALID, "ormc_pool_release: NULL argument");
    tl_errmsg[0] = '\0';
    pthread_mutex_lock(&p->mu);
    int idx = -1;
    for (int i = 0; i < p->n_slots; i++) {
        if (p->slots[i].db == db && p->slots[i].state == SLOT_BUSY) {
            idx = i;
            break;
        }
    }
    int64_t created = idx >= 0 ? p->slots[idx].created_ns : 0;
    pthread_mutex_unlock(&p->mu);
    if (idx < 0)
        return pool_error(ORMC_INVALID,
                          "ormc_pool_release: the connection is not one "
                          "this pool handed out");

    /* I/O, outside the lock; the slot stays busy meanwhile */
    ormc_counters used = db->stats;
    ormc_stats_reset(db);
    bool keep = reset_session(p, db);
    int64_t now = ormc__now_ns();
    bool old = p->lifetime_ns > 0 && now - created >= p->lifetime_ns;
    if (!keep || old) {
        ormc_close(db);
        db = NULL;
    }

    pthread_mutex_lock(&p->mu);
    p->st.releases++;
    p->st.in_use--;
    p->st.statements += used.statements;
    p->st.retries += used.retries;
    p->st.reconnects += used.reconnects;
    ormc_db *to_close = NULL;
    if (db && (p->closing || p->n_idle >= p->size)) {
        to_close = db; /* overflow, or the pool is going away */
        db = NULL;
    }
    if (db) {
        p->slots[idx].state = SLOT_IDLE;
        p->slots[idx].last_used_ns = now;
        p->idle[p->n_idle++] = idx;
        p->st.idle++;
    } else {
        p->slots[idx] = (slot){0};
        p->st.closed++;
        if (!keep)
            p->st.replaced_dead++;
        else if (old)
            p->st.recycled++;
    }
    pthread_cond_signal(&p->cv);
    bool free_it = last_one_out(p);
    pthread_mutex_unlock(&p->mu);
    ormc_close(to_close);
    if (free_it)
        pool_free(p);
    return ORMC_OK;
}

void ormc_pool_close(ormc_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->closing = true;
    p->calls++; /* keeps the pool alive until this call is done */
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (;;) {
        ormc_db *db = NULL;
        pthread_mutex_lock(&p->mu);
        if (p->n_idle > 0) {
            int idx = p->idle[--p->n_idle];
            db = p->slots[idx].db;
            p->slots[idx] = (slot){0};
            p->st.idle--;
            p->st.closed++;
        }
        pthread_mutex_unlock(&p->mu);
        if (!db)
            break;
        ormc_close(db);
    }
    pthread_mutex_lock(&p->mu);
    p->calls--;
    bool free_it = last_one_out(p);
    pthread_mutex_unlock(&p->mu);
    if (free_it)
        pool_free(p);
}

int ormc_pool_stats(ormc_pool *p, ormc_pool_counters *out)
{
    if (!p || !out)
        return ORMC_INVALID;
    pthread_mutex_lock(&p->mu);
    *out = p->st;
    pthread_mutex_unlock(&p->mu);
    return ORMC_OK;
}
