/*
 * trace.c: the trace hook, ORMC_TRACE and the statistics.
 *
 * ORMC_TRACE traces every statement of every connection opened while it is
 * set, without code: one line per statement, written with one write(2) so
 * that the lines of several connections (a pool's threads) do not mix:
 *
 *   ormc: 0.412 ms, 1 row: SELECT "id" FROM "t" WHERE "name" = $1
 *   ormc: 0.051 ms, 1 row: INSERT INTO "t" ("token") VALUES ($1) -- $1 = ***
 *   ormc: 0.230 ms, failed: constraint violation (23505: ...): INSERT ...
 *
 * It is independent of the hook that ormc_set_trace installs (both run).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "ormc_int.h"

int64_t ormc__now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* === ORMC_TRACE === */

/* A text value longer than this is cut in a trace line (with "..."). */
#define TRACE_VALUE_MAX 200

/* Said once per process: a pool opens many connections. */
static atomic_bool warned;

static void warn_once(const char *line)
{
    if (atomic_exchange(&warned, true))
        return;
    ssize_t w = write(STDERR_FILENO, line, strlen(line));
    (void)w; /* nothing to do when stderr is gone */
}

void ormc__trace_env_open(ormc_db *db)
{
    db->env_trace_fd = -1;
    db->env_trace_own_fd = false;
    db->env_trace_params = false;
    const char *v = getenv("ORMC_TRACE");
    if (v == NULL || *v == '\0' || strcmp(v, "0") == 0)
        return;
    const char *path = NULL;
    const char *p = v;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (strncmp(p, "file:", 5) == 0) {
            path = p + 5; /* the rest, commas included */
            break;
        }
        if (n == 6 && strncmp(p, "params", 6) == 0)
            db->env_trace_params = true;
        else if (!(n == 1 && *p == '1')) {
            char line[512];
            snprintf(line, sizeof line,
                     "ormc: ORMC_TRACE=%s: not understood (use 1, params "
                     "or file:PATH, separated by commas); tracing to "
                     "stderr\n",
                     v);
            warn_once(line);
        }
        p += n;
        if (*p == ',')
            p++;
    }
    db->env_trace_fd = STDERR_FILENO;
    if (path == NULL)
        return;
    /* Traces may hold the parameters' values: readable by the owner only,
     * as a new file. */
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        char line[512];
        snprintf(line, sizeof line,
                 "ormc: ORMC_TRACE: cannot open %s: %s; tracing to stderr\n",
                 path, strerror(errno));
        warn_once(line);
        return;
    }
    db->env_trace_fd = fd;
    db->env_trace_own_fd = true;
}

void ormc__trace_env_close(ormc_db *db)
{
    if (db->env_trace_own_fd && db->env_trace_fd >= 0)
        close(db->env_trace_fd);
    db->env_trace_fd = -1;
    db->env_trace_own_fd = false;
}

/* s with control characters (a newline in the SQL) shown as spaces, so
 * that a statement is one line; at most max bytes (0: all), "..." when
 * cut. */
static void put_flat(ormc__buf *b, const char *s, size_t max)
{
    size_t i = 0;
    for (; s[i] && (max == 0 || i < max); i++) {
        unsigned char c = (unsigned char)s[i];
        ormc__buf_putc(b, c < 0x20 || c == 0x7f ? ' ' : (char)c);
    }
    if (s[i])
        ormc__buf_puts(b, "...");
}

static void put_quoted(ormc__buf *b, const char *s)
{
    ormc__buf_putc(b, '\'');
    size_t i = 0;
    for (; s[i] && i < TRACE_VALUE_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\'')
            ormc__buf_putc(b, '\'');
        ormc__buf_putc(b, c < 0x20 || c == 0x7f ? ' ' : (char)c);
    }
    ormc__buf_putc(b, '\'');
    if (s[i])
        ormc__buf_puts(b, "...");
}

static void put_value(ormc__buf *b, const ormc_param *p)
{
    char tmp[64];
    if (p->is_null) {
        ormc__buf_puts(b, "NULL");
        return;
    }
    switch (p->type) {
    case ORMC_TYPE_INTEGER:
    case ORMC_TYPE_ENUM:
        snprintf(tmp, sizeof tmp, "%" PRId32, p->u.i32);
        break;
    case ORMC_TYPE_BIGINT:
        snprintf(tmp, sizeof tmp, "%" PRId64, p->u.i64);
        break;
    case ORMC_TYPE_DOUBLE:
        snprintf(tmp, sizeof tmp, "%.17g", p->u.f64);
        break;
    case ORMC_TYPE_BOOLEAN:
        snprintf(tmp, sizeof tmp, "%s", p->u.b ? "true" : "false");
        break;
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON:
        put_quoted(b, p->u.text ? p->u.text : "");
        return;
    case ORMC_TYPE_BLOB:
        snprintf(tmp, sizeof tmp, "<%zu bytes>", p->u.blob.len);
        break;
    case ORMC_TYPE_TIMESTAMP:
        tmp[0] = '\'';
        ormc_time_format(p->u.time, tmp + 1, sizeof tmp - 2);
        strcat(tmp, "'");
        break;
    case ORMC_TYPE_UUID: {
        char u[ORMC_UUID_TEXT_MAX];
        ormc_uuid_format(&p->u.uuid, u);
        snprintf(tmp, sizeof tmp, "'%s'", u);
        break;
    }
    default:
        snprintf(tmp, sizeof tmp, "?");
    }
    ormc__buf_puts(b, tmp);
}

static void trace_line(ormc_db *db, const char *sql, const ormc_param *params,
                       const unsigned char *secret, size_t n_params,
                       int64_t duration_ns, int64_t rows, int status)
{
    char storage[1024], tmp[64];
    ormc__buf b;
    ormc__buf_init(&b, storage, sizeof storage);
    snprintf(tmp, sizeof tmp, "ormc: %" PRId64 ".%03d ms, ",
             duration_ns / 1000000, (int)(duration_ns / 1000 % 1000));
    ormc__buf_puts(&b, tmp);
    if (db->server_label) { /* a connection with read replicas */
        ormc__buf_puts(&b, "on ");
        ormc__buf_puts(&b, db->server_label);
        ormc__buf_puts(&b, ", ");
    }
    if (ormc_is_error(status)) {
        /* the connection's message, scrubbed of the password and of the
         * statement's secret values by ormc__error */
        ormc__buf_puts(&b, "failed: ");
        ormc__buf_puts(&b, ormc_strstatus(status));
        if (db->err_status == status && db->errmsg[0]) {
            ormc__buf_puts(&b, " (");
            if (db->sqlstate[0]) {
                ormc__buf_puts(&b, db->sqlstate);
                ormc__buf_puts(&b, ": ");
            }
            put_flat(&b, db->errmsg, 0);
            ormc__buf_putc(&b, ')');
        }
    } else {
        snprintf(tmp, sizeof tmp, "%" PRId64 " row%s", rows < 0 ? 0 : rows,
                 rows == 1 ? "" : "s");
        ormc__buf_puts(&b, tmp);
    }
    ormc__buf_puts(&b, ": ");
    put_flat(&b, sql ? sql : "", 0);
    if (db->env_trace_params && params != NULL && n_params > 0) {
        ormc__buf_puts(&b, " --");
        for (size_t i = 0; i < n_params; i++) {
            snprintf(tmp, sizeof tmp, "%s $%zu = ", i ? "," : "", i + 1);
            ormc__buf_puts(&b, tmp);
            if (secret != NULL && secret[i])
                ormc__buf_puts(&b, "***");
            else
                put_value(&b, &params[i]);
        }
    }
    ormc__buf_putc(&b, '\n');
    if (!b.failed) {
        /* one write: lines of several connections stay whole */
        const char *p = b.data;
        size_t left = b.len;
        while (left > 0) {
            ssize_t w = write(db->env_trace_fd, p, left);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break; /* a trace must never fail the statement */
            p += w;
            left -= (size_t)w;
        }
    }
    ormc__buf_free(&b);
}

/* === every statement === */

void ormc__statement_done(ormc_db *db, const char *sql,
                          const ormc_param *params, const unsigned char *secret,
                          size_t n_params, int64_t duration_ns, int64_t rows,
                          int status)
{
    /* a replica's statement is counted and reported as its primary's, which
     * the caller holds; the line and the event say where it ran */
    ormc_db *owner = db->primary ? db->primary : db;
    owner->stats.statements++;
    if (!ormc_is_error(status) && rows > 0)
        owner->stats.rows += (uint64_t)rows;
    if (db->env_trace_fd >= 0)
        trace_line(db, sql, params, secret, n_params, duration_ns, rows,
                   status);
    if (owner->trace) {
        ormc_trace_event ev;
        ev.sql = sql;
        ev.n_params = n_params;
        ev.duration_ns = duration_ns;
        ev.rows = rows;
        ev.status = status;
        ev.server = db->server_label;
        owner->trace(owner->trace_ctx, &ev);
    }
}

void ormc_set_trace(ormc_db *db, ormc_trace_fn fn, void *ctx)
{
    if (!db)
        return;
    db->trace = fn;
    db->trace_ctx = fn ? ctx : NULL;
}

int ormc_stats(const ormc_db *db, ormc_counters *out)
{
    if (!db || !out)
        return ORMC_INVALID;
    *out = db->stats;
    return ORMC_OK;
}

void ormc_stats_reset(ormc_db *db)
{
    if (db)
        memset(&db->stats, 0, sizeof db->stats);
}
