/*
 * trace.c: the trace hook and the statistics.
 */
#define _POSIX_C_SOURCE 200809L

#include <string.h>
#include <time.h>

#include "ormc_int.h"

int64_t ormc__now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void ormc__statement_done(ormc_db *db, const char *sql, size_t n_params,
                          int64_t duration_ns, int64_t rows, int status)
{
    db->stats.statements++;
    if (!ormc_is_error(status) && rows > 0)
        db->stats.rows += (uint64_t)rows;
    if (db->trace) {
        ormc_trace_event ev;
        ev.sql = sql;
        ev.n_params = n_params;
        ev.duration_ns = duration_ns;
        ev.rows = rows;
        ev.status = status;
        db->trace(db->trace_ctx, &ev);
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
