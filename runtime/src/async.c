/*
 * async.c: batches started without waiting, driven by the application's
 * event loop, and a pool of connections for one loop.
 *
 * The batch engine (batch.c) separates a batch's work into steps: send
 * every call, then take each result and land it in the caller's row. The
 * blocking ormc_batch_run does them in one go; this file does the same
 * steps as the descriptor becomes ready:
 *
 *   - PostgreSQL: ormc_batch_start makes the socket non-blocking and
 *     queues the whole batch in one pipeline (its BEGIN and COMMIT too, when
 *     asked); whatever libpq could not write yet goes out on
 *     ormc_async_on_writable (PQflush). ormc_async_on_readable reads what
 *     arrived and takes results only while the next one is complete
 *     (pipe_ready), so it never waits for the server.
 *   - SQLite has no socket and nothing to pipeline: a batch is CPU and disk
 *     work on the caller's connection. Started, it runs on a worker thread
 *     of the connection (made on first use) through the ordinary blocking
 *     calls, i.e. ormc_batch_run; the worker then writes to an eventfd,
 *     which is the descriptor the loop watches, and the callback fires on
 *     the loop's thread from ormc_async_on_readable. Between the start and
 *     the callback the connection belongs to the worker, and the loop's
 *     thread does not touch it; the hand-over both ways is under the
 *     state's mutex.
 *
 * The pool (ormc_async_pool_*) is for one loop: all its calls come from
 * the loop's thread, so it needs no lock. It is not ormc_pool: that one
 * blocks a thread until a connection is free, does its health checks and
 * session reset with round trips on acquire and release, and grows with
 * the load, none of which suits a loop that must never wait.
 */
#define _GNU_SOURCE /* eventfd's flags */

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "batch.h"
#include "ormc_int.h"
#include "session.h"

/* The asynchronous state of one connection (db->async), made on first
 * use and freed with the connection (db->async_free). */
typedef struct ormc__async {
    ormc_db *db;
    /* the started batch (NULL: none), its callback and context; set and
     * cleared by the loop's thread only */
    ormc_batch *batch;
    ormc_batch_done_fn done;
    void *ctx;
    int events; /* what the loop should wait for now (ORMC_ASYNC_*) */

    /* ormc_async_set_watch: told when (fd, events) changes */
    ormc_async_watch_fn watch;
    void *watch_ctx;
    int watched_fd, watched_events; /* what it was last told */
    void *watched_conn; /* the driver's connection then: a new one (a
                           reconnect) is a new descriptor, even when the
                           system gives it the old number */

    /* PostgreSQL: the batch's own BEGIN and COMMIT (ormc_batch_tx_begin,
     * _commit), each sent with a sync of its own around the engine's
     * part of the pipeline: what is still to take of them */
    int begin_owed;  /* 2: BEGIN and its sync; 1: the sync; 0: none */
    int commit_owed; /* likewise for the COMMIT */
    bool commit_sent;
    int begin_rc, commit_rc;  /* their outcomes */
    ormc__saved_error tx_err; /* the error of the first that failed */
    int64_t t0;               /* when the BEGIN or COMMIT was sent */

    /* SQLite: the worker thread and its eventfd */
    int efd;            /* -1 until made */
    bool thread_up;     /* the worker runs (joined at free) */
    pthread_t thread;   /* valid while thread_up */
    pthread_mutex_t mu; /* guards the four fields below */
    pthread_cond_t cv;  /* the worker waits on it for a job */
    ormc_batch *job;    /* handed to the worker; NULL: none */
    bool job_done;      /* the worker finished job */
    int job_status;     /* its status (valid when job_done) */
    bool quit;          /* the worker should end */
} ormc__async;

static void async_free(ormc_db *db);

/* Whether db's batches run in a pipeline on its socket (PostgreSQL with
 * libpq >= 14), else on a worker thread (SQLite; an older libpq, whose
 * batches run one op after another anyway). */
static bool on_socket(const ormc_db *db)
{
    return db->vt->async_socket && ormc__can_pipeline(db);
}

/* The state of db, made on first use; NULL when out of memory. */
static ormc__async *state_of(ormc_db *db)
{
    if (db->async)
        return db->async;
    ormc__async *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->db = db;
    a->efd = -1;
    a->watched_fd = -1;
    if (pthread_mutex_init(&a->mu, NULL) != 0) {
        free(a);
        return NULL;
    }
    if (pthread_cond_init(&a->cv, NULL) != 0) {
        pthread_mutex_destroy(&a->mu);
        free(a);
        return NULL;
    }
    db->async = a;
    db->async_free = async_free;
    return a;
}

/* The descriptor of db now (PostgreSQL: its socket, which a reconnect
 * changes; SQLite: the eventfd, made here). */
static int fd_of(ormc__async *a)
{
    ormc_db *db = a->db;
    if (on_socket(db))
        return db->conn && !db->broken ? db->vt->async_socket(db) : -1;
    if (a->efd < 0)
        a->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return a->efd;
}

/* Tell the watch hook when what the loop should watch has changed. */
static void tell_watch(ormc__async *a)
{
    if (!a->watch)
        return;
    int fd = fd_of(a);
    int ev = fd >= 0 ? a->events : 0;
    /* (the eventfd of a worker never changes, and the connection is the
     * worker's to read while a batch runs) */
    void *conn = on_socket(a->db) ? a->db->conn : NULL;
    bool same = fd == a->watched_fd && conn == a->watched_conn;
    if (same && ev == a->watched_events)
        return;
    if (a->watched_fd >= 0 && !same)
        a->watch(a->db, -1, 0, a->watch_ctx); /* the old one is gone */
    a->watched_fd = fd;
    a->watched_events = ev;
    a->watched_conn = conn;
    if (fd >= 0)
        a->watch(a->db, fd, ev, a->watch_ctx);
}

/* The batch has finished: the connection is free again, then the
 * callback runs (it may start the next batch, or give db to another
 * request of its pool, which may start one: nothing of a is read after
 * it). */
static void finish(ormc__async *a, int status)
{
    ormc_batch *b = a->batch;
    ormc_batch_done_fn done = a->done;
    void *ctx = a->ctx;
    a->batch = NULL;
    a->done = NULL;
    a->ctx = NULL;
    a->events = 0;
    b->tx_begin = b->tx_commit = false; /* said for one run */
    tell_watch(a);
    done(b, status, ctx);
}

/* === SQLite: the worker thread === */

static void *worker_main(void *arg)
{
    ormc__async *a = arg;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (!a->job && !a->quit)
            pthread_cond_wait(&a->cv, &a->mu);
        if (a->quit)
            break;
        ormc_batch *b = a->job;
        pthread_mutex_unlock(&a->mu);
        /* the connection is the worker's until job_done is set */
        int status = ormc_batch_run(b);
        pthread_mutex_lock(&a->mu);
        a->job = NULL;
        a->job_done = true;
        a->job_status = status;
        uint64_t one = 1;
        /* a full counter (2^64 - 2 unread) cannot happen: one at a time */
        while (write(a->efd, &one, sizeof one) < 0 && errno == EINTR) {}
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

static int sqlite_start(ormc__async *a, ormc_batch *b)
{
    ormc_db *db = a->db;
    if (fd_of(a) < 0)
        return ormc__error(db, ORMC_ERROR, NULL, NULL,
                           "batch_start: cannot make an eventfd: %s",
                           strerror(errno));
    if (!a->thread_up) {
        int err = pthread_create(&a->thread, NULL, worker_main, a);
        if (err != 0)
            return ormc__error(db, err == EAGAIN ? ORMC_NOMEM : ORMC_ERROR,
                               NULL, NULL,
                               "batch_start: cannot start the worker "
                               "thread: %s",
                               strerror(err));
        a->thread_up = true;
    }
    pthread_mutex_lock(&a->mu);
    a->job = b;
    a->job_done = false;
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
    a->events = ORMC_ASYNC_READ;
    return ORMC_OK;
}

static void sqlite_readable(ormc__async *a)
{
    uint64_t n;
    if (read(a->efd, &n, sizeof n) < 0)
        return; /* EAGAIN: nothing yet */
    pthread_mutex_lock(&a->mu);
    bool done = a->job_done;
    int status = a->job_status;
    a->job_done = false;
    pthread_mutex_unlock(&a->mu);
    if (done && a->batch)
        finish(a, status);
}

/* === PostgreSQL: the pipeline on a non-blocking socket === */

/* Send what libpq holds; ask for writability while some is left. */
static void pg_flush(ormc__async *a)
{
    int r = a->db->vt->async_flush(a->db);
    /* lost (r < 0): the next take finds it and fails what is left */
    a->events = ORMC_ASYNC_READ | (r > 0 ? ORMC_ASYNC_WRITE : 0);
}

/* Queue a control statement of the batch's transaction and its sync,
 * entering pipeline mode when the engine has not. */
static int pg_send_control(ormc__async *a, const char *sql)
{
    ormc_batch *b = a->batch;
    ormc_db *db = a->db;
    int rc = ORMC_OK;
    if (!b->pipelined) {
        if ((rc = db->vt->pipe_enter(db)) != ORMC_OK)
            return rc;
        b->pipelined = true; /* ormc__batch_close leaves it */
    }
    a->t0 = ormc__tracing(db) ? ormc__now_ns() : 0;
    if ((rc = db->vt->pipe_send_simple(db, sql)) == ORMC_OK)
        rc = db->vt->pipe_sync(db);
    return rc;
}

/* Take the next result of our own BEGIN or COMMIT (*owed 2) or its sync
 * (*owed 1). The statement's outcome goes to *out, traced and counted as
 * any statement's. */
static void pg_take_control(ormc__async *a, const char *sql, int *owed,
                            int *out)
{
    ormc_db *db = a->db;
    if (*owed == 1) {
        db->vt->pipe_take_sync(db);
        *owed = 0;
        return;
    }
    int rc = db->vt->pipe_take_simple(db);
    if (rc == ORMC__PIPE_ABORTED)
        rc = ORMC_ERROR;
    ormc__statement_done(db, sql, NULL, NULL, 0,
                         ormc__tracing(db) ? ormc__now_ns() - a->t0 : 0, 0, rc);
    if (rc != ORMC_OK && a->begin_rc == ORMC_OK && a->commit_rc == ORMC_OK)
        ormc__error_save(db, &a->tx_err);
    *out = rc;
    *owed = 1;
}

/* Every op is in the pipeline or has landed, and nothing more will be
 * sent by the engine (no op left to run through its ordinary call). */
static bool pg_all_sent(const ormc_batch *b)
{
    for (size_t i = 0; i < b->n_ops; i++)
        if (b->ops[i].state != ORMC__OPS_SENT &&
            b->ops[i].state != ORMC__OPS_LANDED)
            return false;
    return true;
}

/* The COMMIT goes right behind the batch's last op, in the same pipeline,
 * with a sync of its own: after a failure the server has skipped the rest
 * up to the engine's sync, and the COMMIT of the failed transaction then
 * rolls it back (PostgreSQL answers it with ROLLBACK). It is due when the
 * batch asked for it and a transaction is open or being opened. */
static void pg_maybe_commit(ormc__async *a)
{
    ormc_batch *b = a->batch;
    ormc_db *db = a->db;
    if (!b->tx_commit || a->commit_sent || !pg_all_sent(b))
        return;
    if (db->tx_depth == 0 && !b->in_tx)
        return; /* nothing open (autocommit): nothing to commit */
    a->commit_sent = true;
    a->commit_owed = 2;
    int rc = pg_send_control(a, "COMMIT");
    if (rc != ORMC_OK)
        a->commit_rc = rc; /* lost: the takes find out */
}

/* The batch has finished: the outcome, out of pipeline mode and
 * blocking again. */
static void pg_end(ormc__async *a)
{
    ormc_batch *b = a->batch;
    ormc_db *db = a->db;
    int rc = ormc__batch_close(b);
    /* a transaction failed by this batch or an earlier one: the server
     * answered its COMMIT by rolling back, which the batch reports as
     * ormc_commit would */
    bool failed = a->commit_sent && db->tx_depth > 0 && db->tx_failed;
    ormc__saved_error why = db->tx_fail;
    if (a->commit_sent || (b->tx_begin && a->begin_rc != ORMC_OK)) {
        /* the COMMIT (or the ROLLBACK it became) ended the transaction,
         * or it was never opened */
        if (db->tx_depth > 0)
            ormc__tx_closed(db);
    }
    int first = a->begin_rc != ORMC_OK ? a->begin_rc : rc;
    if (first == ORMC_OK && a->commit_rc != ORMC_OK)
        first = a->commit_rc;
    if (first != rc && first != ORMC_OK)
        ormc__error_restore(db, &a->tx_err);
    if (first == ORMC_OK && failed) {
        first = why.status != ORMC_OK ? why.status : ORMC_ERROR;
        ormc__error(db, first, why.sqlstate,
                    why.constraint[0] ? why.constraint : NULL,
                    "commit of a failed transaction: it was rolled back "
                    "(%s)",
                    why.msg[0] ? why.msg : ormc_strstatus(first));
    }
    if (db->conn)
        db->vt->async_nonblocking(db, false);
    finish(a, first);
}

static int pg_start(ormc__async *a, ormc_batch *b)
{
    ormc_db *db = a->db;
    a->begin_owed = a->commit_owed = 0;
    a->commit_sent = false;
    a->begin_rc = a->commit_rc = ORMC_OK;
    int rc = ormc__batch_open(b);
    if (rc != ORMC_OK)
        return rc;
    /* no connection could be made (every op has landed that): say so
     * now, as there is no descriptor to wait on */
    if (!db->conn || db->broken) {
        rc = ormc__batch_close(b);
        return rc != ORMC_OK ? rc : ORMC_CONNECTION;
    }
    if ((rc = db->vt->async_nonblocking(db, true)) != ORMC_OK) {
        ormc__batch_close(b);
        return rc;
    }
    if (b->tx_begin) {
        char sql[96];
        if ((rc = ormc__tx_begin_sql(db, &b->tx_opts, sql, sizeof sql)) ==
            ORMC_OK)
            rc = pg_send_control(a, sql);
        if (rc != ORMC_OK) {
            ormc__batch_close(b);
            if (db->conn)
                db->vt->async_nonblocking(db, false);
            return rc;
        }
        a->begin_owed = 2;
        /* from here the engine sees the transaction open: no implicit
         * BEGIN of its own, one sync at the end, a failure aborts the
         * rest; undone should the BEGIN fail */
        ormc__tx_opened(db, false);
    }
    /* the engine's part: everything it can send without a result */
    while (ormc__batch_want(b) == ORMC__BATCH_SEND)
        if (ormc__batch_send(b) != ORMC_OK)
            break;
    pg_maybe_commit(a);
    if (!b->pipelined) {
        /* nothing was sent (an empty batch, ops that failed their checks,
         * a first op run through its ordinary call): a bare sync, so
         * that an answer comes and the rest runs from on_readable */
        if ((rc = db->vt->pipe_enter(db)) == ORMC_OK)
            rc = db->vt->pipe_sync(db);
        if (rc != ORMC_OK) {
            ormc__batch_close(b);
            if (db->conn)
                db->vt->async_nonblocking(db, false);
            return rc;
        }
        b->pipelined = true;
        a->begin_owed = 1;
    }
    pg_flush(a);
    return ORMC_OK;
}

/* Take every result that is there, send what follows, end when all is
 * done; never wait. */
static void pg_pump(ormc__async *a)
{
    ormc_db *db = a->db;
    ormc_batch *b = a->batch;
    if (a->events & ORMC_ASYNC_WRITE)
        pg_flush(a); /* a full socket may be why nothing came back */
    for (;;) {
        if (a->begin_owed) {
            if (!db->vt->pipe_ready(db))
                return;
            pg_take_control(a, "BEGIN", &a->begin_owed, &a->begin_rc);
            if (a->begin_rc != ORMC_OK && db->tx_depth > 0)
                ormc__tx_closed(db);
            continue;
        }
        switch (ormc__batch_want(b)) {
        case ORMC__BATCH_SEND:
            ormc__batch_send(b);
            pg_maybe_commit(a);
            pg_flush(a);
            continue;
        case ORMC__BATCH_TAKE:
            if (!db->vt->pipe_ready(db))
                return;
            ormc__batch_take(b);
            continue;
        case ORMC__BATCH_DIRECT:
            /* its statements depend on each other's results: run through
             * the ordinary (blocking) call, as ormc_batch_run does */
            ormc__batch_direct(b);
            continue;
        case ORMC__BATCH_DONE:
            break;
        }
        if (b->tx_commit && !a->commit_sent && !db->broken) {
            pg_maybe_commit(a); /* after a part the engine ran directly */
            if (a->commit_sent) {
                pg_flush(a);
                continue;
            }
        }
        if (a->commit_owed) {
            if (!db->vt->pipe_ready(db))
                return;
            pg_take_control(a, "COMMIT", &a->commit_owed, &a->commit_rc);
            continue;
        }
        pg_end(a);
        return;
    }
}

/* === the public calls === */

/* b has been started and has not finished: it is not to be touched (on
 * SQLite a worker thread runs it). */
static bool started(const ormc_batch *b)
{
    return b->db->async && b->db->async->batch == b;
}

int ormc_batch_tx_begin(ormc_batch *b, const ormc_tx_options *opts)
{
    if (!b || started(b))
        return ORMC_INVALID;
    ormc_tx_options o = ORMC_TX_OPTIONS_INIT;
    if (opts)
        o = *opts;
    if ((int)o.isolation < ORMC_ISOLATION_DEFAULT ||
        o.isolation > ORMC_SERIALIZABLE)
        return ormc__error(b->db, ORMC_INVALID, NULL, NULL,
                           "batch_tx_begin: unknown isolation level %d",
                           (int)o.isolation);
    if (b->running)
        return ormc__error(b->db, ORMC_INVALID, NULL, NULL,
                           "batch_tx_begin: the batch is running");
    b->tx_begin = true;
    b->tx_opts = o;
    return ORMC_OK;
}

int ormc_batch_tx_commit(ormc_batch *b)
{
    if (!b || started(b))
        return ORMC_INVALID;
    if (b->running)
        return ormc__error(b->db, ORMC_INVALID, NULL, NULL,
                           "batch_tx_commit: the batch is running");
    b->tx_commit = true;
    return ORMC_OK;
}

int ormc_batch_start(ormc_batch *b, ormc_batch_done_fn done, void *ctx)
{
    if (!b || !done)
        return ORMC_INVALID;
    ormc_db *db = b->db;
    /* the connection belongs to the batch running on it (on SQLite its
     * worker thread is using it): refused without touching it, so not
     * even an error message is recorded */
    if (db->async && db->async->batch)
        return ORMC_INVALID;
    ormc__clear_error(db);
    ormc__async *a = state_of(db);
    if (!a)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    if (b->running)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "batch_start: the batch is already running");
    if (b->tx_begin && db->tx_depth > 0)
        return ormc__error(db, ORMC_INVALID, "25001", NULL,
                           "batch_start: a transaction is already open: a "
                           "batch opens one of its own, not a savepoint");
    a->batch = b;
    a->done = done;
    a->ctx = ctx;
    int rc;
    if (on_socket(db))
        rc = pg_start(a, b);
    else
        rc = sqlite_start(a, b);
    if (rc != ORMC_OK) {
        a->batch = NULL;
        a->done = NULL;
        a->ctx = NULL;
        a->events = 0;
        return rc;
    }
    tell_watch(a);
    return ORMC_OK;
}

int ormc_async_fd(ormc_db *db)
{
    if (!db)
        return -1;
    ormc__async *a = state_of(db);
    return a ? fd_of(a) : -1;
}

int ormc_async_events(ormc_db *db)
{
    return db && db->async ? db->async->events : 0;
}

int ormc_async_on_readable(ormc_db *db)
{
    if (!db)
        return ORMC_INVALID;
    ormc__async *a = db->async;
    if (!a || !a->batch)
        return ORMC_OK;
    if (on_socket(db))
        pg_pump(a);
    else
        sqlite_readable(a);
    if (db->async && db->async->batch)
        tell_watch(db->async);
    return ORMC_OK;
}

int ormc_async_on_writable(ormc_db *db)
{
    if (!db)
        return ORMC_INVALID;
    ormc__async *a = db->async;
    if (!a || !a->batch || !on_socket(db))
        return ORMC_OK;
    pg_flush(a);
    if (db->broken)
        pg_pump(a); /* lost: the takes fail at once and end the batch */
    if (db->async && db->async->batch)
        tell_watch(db->async);
    return ORMC_OK;
}

int ormc_async_poll(ormc_db *db, int timeout_ms)
{
    if (!db)
        return ORMC_INVALID;
    int64_t deadline =
        timeout_ms >= 0 ? ormc__now_ns() + (int64_t)timeout_ms * 1000000 : 0;
    while (db->async && db->async->batch) {
        int ev = db->async->events;
        struct pollfd p = {ormc_async_fd(db), 0, 0};
        if (ev & ORMC_ASYNC_READ)
            p.events |= POLLIN;
        if (ev & ORMC_ASYNC_WRITE)
            p.events |= POLLOUT;
        int ms = -1;
        if (timeout_ms >= 0) {
            int64_t left = deadline - ormc__now_ns();
            if (left <= 0)
                return ORMC_TIMEOUT;
            ms = (int)((left + 999999) / 1000000);
        }
        int n = poll(&p, 1, ms);
        if (n < 0 && errno != EINTR)
            return ormc__error(db, ORMC_ERROR, NULL, NULL, "poll: %s",
                               strerror(errno));
        if (n <= 0)
            continue;
        if (p.revents & (POLLOUT | POLLERR | POLLHUP))
            ormc_async_on_writable(db);
        if (p.revents & (POLLIN | POLLERR | POLLHUP))
            ormc_async_on_readable(db);
    }
    return ORMC_OK;
}

void ormc_async_set_watch(ormc_db *db, ormc_async_watch_fn fn, void *ctx)
{
    if (!db)
        return;
    ormc__async *a = state_of(db);
    if (!a)
        return;
    if (!fn && a->watch && a->watched_fd >= 0)
        a->watch(db, -1, 0, a->watch_ctx);
    a->watch = fn;
    a->watch_ctx = ctx;
    a->watched_fd = -1;
    a->watched_events = 0;
    tell_watch(a);
}

/* ormc_close: the watch is told the descriptor goes away, a batch still
 * running is abandoned (its callback never runs), the worker ends. */
static void async_free(ormc_db *db)
{
    ormc__async *a = db->async;
    if (!a)
        return;
    if (a->watch && a->watched_fd >= 0)
        a->watch(db, -1, 0, a->watch_ctx);
    if (a->thread_up) {
        pthread_mutex_lock(&a->mu);
        a->quit = true;
        pthread_cond_signal(&a->cv);
        pthread_mutex_unlock(&a->mu);
        /* a batch it is running finishes first */
        pthread_join(a->thread, NULL);
    }
    if (a->batch && on_socket(db) && db->conn)
        db->vt->async_nonblocking(db, false);
    if (a->efd >= 0)
        close(a->efd);
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
    free(a);
    db->async = NULL;
    db->async_free = NULL;
}

/* === the pool === */

typedef struct waiter {
    ormc_async_acquire_fn fn;
    void *ctx;
    struct waiter *next;
} waiter;

struct ormc_async_pool {
    int size;
    ormc_db **dbs;
    bool *out;           /* dbs[i] is handed out */
    waiter *head, *tail; /* requests waiting, oldest first */
    bool closing;
};

static _Thread_local char tl_errmsg[512];

static int pool_error(int rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int pool_error(int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tl_errmsg, sizeof tl_errmsg, fmt, ap);
    va_end(ap);
    return rc;
}

const char *ormc_async_pool_errmsg(void)
{
    return tl_errmsg;
}

int ormc_async_pool_open(const char *url, const ormc_options *opts, int size,
                         ormc_async_pool **out)
{
    if (!out)
        return ORMC_INVALID;
    *out = NULL;
    tl_errmsg[0] = '\0';
    if (size < 1 || size > 1024)
        return pool_error(ORMC_INVALID,
                          "async pool: size %d, expected 1 to 1024", size);
    ormc_async_pool *p = calloc(1, sizeof *p);
    if (!p)
        return pool_error(ORMC_NOMEM, "out of memory");
    p->dbs = calloc((size_t)size, sizeof *p->dbs);
    p->out = calloc((size_t)size, sizeof *p->out);
    if (!p->dbs || !p->out) {
        free(p->dbs);
        free(p->out);
        free(p);
        return pool_error(ORMC_NOMEM, "out of memory");
    }
    p->size = size;
    for (int i = 0; i < size; i++) {
        int rc = ormc_open_with(url, opts, &p->dbs[i]);
        if (rc != ORMC_OK) {
            pool_error(rc, "async pool: connection %d: %s", i + 1,
                       ormc_errmsg(p->dbs[i]));
            ormc_async_pool_close(p);
            return rc;
        }
    }
    *out = p;
    return ORMC_OK;
}

int ormc_async_pool_size(const ormc_async_pool *p)
{
    return p ? p->size : 0;
}

ormc_db *ormc_async_pool_db(ormc_async_pool *p, int i)
{
    return p && i >= 0 && i < p->size ? p->dbs[i] : NULL;
}

int ormc_async_pool_acquire(ormc_async_pool *p, ormc_async_acquire_fn fn,
                            void *ctx)
{
    if (!p || !fn || p->closing)
        return ORMC_INVALID;
    if (!p->head)
        for (int i = 0; i < p->size; i++)
            if (!p->out[i]) {
                p->out[i] = true;
                fn(p->dbs[i], ORMC_OK, ctx);
                return ORMC_OK;
            }
    waiter *w = malloc(sizeof *w);
    if (!w)
        return ORMC_NOMEM;
    w->fn = fn;
    w->ctx = ctx;
    w->next = NULL;
    if (p->tail)
        p->tail->next = w;
    else
        p->head = w;
    p->tail = w;
    return ORMC_OK;
}

int ormc_async_pool_release(ormc_async_pool *p, ormc_db *db)
{
    if (!p || !db)
        return ORMC_INVALID;
    int i = 0;
    while (i < p->size && p->dbs[i] != db)
        i++;
    if (i == p->size || !p->out[i] || (db->async && db->async->batch))
        return ORMC_INVALID;
    /* the next request starts clean: a transaction left open is rolled
     * back (a round trip the loop waits for; a request should have ended
     * it in its last batch) */
    while (db->tx_depth > 0)
        if (ormc__rollback(db) != ORMC_OK)
            break;
    if (ormc__session_in_transaction(db))
        ormc__session_end_transaction(db);
    ormc__clear_error(db);
    waiter *w = p->head;
    if (!w) {
        p->out[i] = false;
        return ORMC_OK;
    }
    p->head = w->next;
    if (!p->head)
        p->tail = NULL;
    ormc_async_acquire_fn fn = w->fn;
    void *ctx = w->ctx;
    free(w);
    fn(db, ORMC_OK, ctx);
    return ORMC_OK;
}

void ormc_async_pool_close(ormc_async_pool *p)
{
    if (!p)
        return;
    p->closing = true;
    while (p->head) {
        waiter *w = p->head;
        p->head = w->next;
        w->fn(NULL, ORMC_INVALID, w->ctx);
        free(w);
    }
    p->tail = NULL;
    for (int i = 0; i < p->size; i++)
        ormc_close(p->dbs[i]);
    free(p->dbs);
    free(p->out);
    free(p);
}
