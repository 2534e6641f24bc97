/*
 * retry.c: ormc_transaction, a transaction body run again after a
 * serialization failure, a deadlock, a busy database or a connection lost
 * before COMMIT was sent, with exponential back-off and jitter. A
 * connection lost while COMMIT was under way (ORMC_COMMIT_UNKNOWN, tx.c)
 * is never run again: the transaction may have happened.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <string.h>
#include <time.h>

#include "ormc_int.h"
#include "session.h"

/*
 * The connection was lost, or could not be made, before COMMIT was sent:
 * the server ended the transaction with the session (or never began it),
 * so it did not happen, and the next attempt reconnects (stmt.c), to the
 * new primary after a failover. Not a refusal (a wrong password, no such
 * database: class 28, 3D000; 08004, the server or the pooler refused the
 * session), which another attempt would only repeat.
 */
static bool lost_before_commit(int status, const char *sqlstate)
{
    if (status != ORMC_CONNECTION || !sqlstate)
        return false;
    if (strncmp(sqlstate, "08", 2) == 0)
        return strcmp(sqlstate, "08004") != 0;
    /* 57P01-57P03: the server shut down or is starting; 25006 from a
     * server that is a standby now (postgres.c:pg_error) */
    return strncmp(sqlstate, "57P0", 4) == 0 || strcmp(sqlstate, "25006") == 0;
}

static bool retryable(int status, const char *sqlstate)
{
    return status == ORMC_SERIALIZATION || status == ORMC_DEADLOCK ||
           status == ORMC_BUSY || lost_before_commit(status, sqlstate);
}

/* xorshift64*: jitter needs no quality, only independence between
 * connections (seeded from the clock and the handle's address). */
static uint64_t next_random(ormc_db *db)
{
    uint64_t x = db->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    db->rng = x;
    return x * UINT64_C(2685821657736338717);
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* "Equal jitter": half the delay fixed, half random, so that concurrent
 * retriers spread out yet never retry at once. */
static int64_t backoff_ms(ormc_db *db, const ormc_retry_options *o, int attempt)
{
    int64_t d = o->base_delay_ms;
    for (int i = 1; i < attempt && d < o->max_delay_ms; i++)
        d *= 2;
    if (o->max_delay_ms > 0 && d > o->max_delay_ms)
        d = o->max_delay_ms;
    if (d <= 0)
        return 0;
    return d / 2 + (int64_t)(next_random(db) % (uint64_t)(d - d / 2 + 1));
}

int ormc_transaction(ormc_db *db, const ormc_retry_options *opts, ormc_tx_fn fn,
                     void *ctx)
{
    if (!db)
        return ORMC_INVALID;
    ormc__clear_error(db);
    if (!fn)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "ormc_transaction: no function given");
    ormc_retry_options o = ORMC_RETRY_OPTIONS_INIT;
    if (opts)
        o = *opts;
    if (o.max_attempts < 1 || o.base_delay_ms < 0)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "ormc_transaction: max_attempts must be >= 1 "
                           "and base_delay_ms >= 0");
    if (db->rng == 0)
        db->rng = (uint64_t)ormc__now_ns() ^ (uint64_t)(uintptr_t)db ^ 1;

    /* Only the outermost level is retried: inside an open transaction a
     * serialization failure has doomed the whole transaction. */
    bool outer = db->tx_depth == 0;
    /* the level of an enclosing runner (a body that runs another), given
     * back when this one ends */
    int owned_before = db->tx_owned;
    bool misuse_before = db->tx_owned_misuse;
    for (int attempt = 1;; attempt++) {
        int level = db->tx_depth + 1;
        int rc = ormc__begin(db, outer ? &o.tx : NULL);
        int fail = ORMC_OK;
        char fail_state[6] = "";
        if (rc == ORMC_OK) {
            /* the body may not end our level (tx.c refuses it) */
            db->tx_owned = level;
            db->tx_owned_misuse = false;
            rc = fn(db, ctx);
            bool misuse = db->tx_owned_misuse;
            db->tx_owned = owned_before;
            db->tx_owned_misuse = misuse_before;
            if (misuse || db->tx_depth != level) {
                /* the body tried to commit or roll back our level (refused:
                 * its work is rolled back, whatever it returned), or ended
                 * it some other way */
                while (db->tx_depth >= level)
                    ormc__rollback(db);
                if (misuse)
                    rc = ormc__error(db, ORMC_INVALID, NULL, NULL,
                                     "ormc_transaction: the body called "
                                     "ormc_commit or ormc_rollback on the "
                                     "runner's transaction (refused); its "
                                     "work was rolled back");
                else if (rc == ORMC_OK)
                    rc = ormc__error(db, ORMC_INVALID, NULL, NULL,
                                     "ormc_transaction: the body ended the "
                                     "transaction itself");
                return rc;
            }
            fail = db->tx_failed ? db->tx_fail.status : ORMC_OK;
            if (fail != ORMC_OK)
                memcpy(fail_state, db->tx_fail.sqlstate, sizeof fail_state);
            rc = ormc__end_level(db, rc);
        }
        int why = retryable(rc, db->sqlstate)   ? rc
                  : retryable(fail, fail_state) ? fail
                                                : ORMC_OK;
        if (why == ORMC_OK || !outer || attempt >= o.max_attempts)
            return rc;
        db->stats.retries++;
        int64_t ms = backoff_ms(db, &o, attempt);
        if (ms > 0)
            sleep_ms(ms);
        ormc__clear_error(db);
    }
}
