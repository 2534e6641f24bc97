/*
 * status.c: status codes and the connection's error state.
 *
 * The message lives in a fixed buffer of the connection, so that recording
 * an out-of-memory error cannot itself fail (as hiredis's errstr).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ormc_int.h"

static const char *const status_messages[] = {
#define ORMC__STATUS_MSG(name, msg) msg,
    ORMC_STATUS_MAP(ORMC__STATUS_MSG)
#undef ORMC__STATUS_MSG
};

const char *ormc_strstatus(int status)
{
    if (status < 0 || status >= ORMC__STATUS_COUNT)
        return "unknown status code";
    return status_messages[status];
}

/* The SQLSTATE reported when the error itself brings none. */
static const char *default_sqlstate(int status)
{
    switch (status) {
    case ORMC_CONSTRAINT:
        return "23000";
    case ORMC_SERIALIZATION:
        return "40001";
    case ORMC_DEADLOCK:
        return "40P01";
    case ORMC_BUSY:
        return "55P03";
    case ORMC_CONNECTION:
        return "08006";
    case ORMC_NOMEM:
        return "53200";
    case ORMC_UNSUPPORTED:
        return "0A000";
    case ORMC_TIMEOUT:
        return "57014";
    case ORMC_COMMIT_UNKNOWN:
        return "08007"; /* transaction resolution unknown */
    case ORMC_INVALID:
        return "";
    default:
        return "XX000";
    }
}

void ormc__clear_error(ormc_db *db)
{
    db->err_status = ORMC_OK;
    db->errmsg[0] = '\0';
    db->sqlstate[0] = '\0';
    db->errconstraint[0] = '\0';
}

void ormc__scrub(char *buf, size_t size, const char *secret)
{
    if (!secret || !*secret || !buf || size == 0)
        return;
    size_t slen = strlen(secret);
    if (!strstr(buf, secret))
        return;
    char out[ORMC__MSG_FULL];
    size_t o = 0;
    const char *p = buf;
    while (*p && o + 4 < sizeof out) {
        if (strncmp(p, secret, slen) == 0) {
            memcpy(out + o, "***", 3);
            o += 3;
            p += slen;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    snprintf(buf, size, "%s", out);
}

/* The end of msg, cut from a longer text, when it is the start of the
 * secret (which went on past the cut, so that the scrub could not see it
 * whole): removed. */
static void cut_secret_tail(char *msg, const char *secret)
{
    if (!secret || !*secret)
        return;
    size_t n = strlen(msg), slen = strlen(secret);
    for (size_t k = slen - 1 < n ? slen - 1 : n; k > 0; k--)
        if (memcmp(msg + n - k, secret, k) == 0) {
            msg[n - k] = '\0';
            return;
        }
}

/* The text of a secret parameter as a server's message would quote it:
 * text and json as they are, a blob as PostgreSQL writes bytea (\x and
 * hex), into tmp. NULL when it has none (NULL, another type, too long to
 * be quoted whole in a message anyway). */
static const char *secret_text(const ormc_param *p, char *tmp, size_t size)
{
    if (p->is_null)
        return NULL;
    if (p->type == ORMC_TYPE_TEXT || p->type == ORMC_TYPE_JSON)
        return p->u.text;
    if (p->type != ORMC_TYPE_BLOB || p->u.blob.data == NULL ||
        p->u.blob.len == 0 || 2 + 2 * p->u.blob.len >= size)
        return NULL;
    static const char hex[] = "0123456789abcdef";
    const unsigned char *b = p->u.blob.data;
    size_t o = 0;
    tmp[o++] = '\\';
    tmp[o++] = 'x';
    for (size_t i = 0; i < p->u.blob.len; i++) {
        tmp[o++] = hex[b[i] >> 4];
        tmp[o++] = hex[b[i] & 15];
    }
    tmp[o] = '\0';
    return tmp;
}

/* Scrub the values of the running statement's secret parameters from msg
 * (full: whole, before the cut; else the cut text's tail). */
static void scrub_params(const ormc_db *db, char *msg, size_t size, bool full)
{
    if (db->active_secret == NULL)
        return;
    char tmp[ORMC__MSG_FULL];
    for (int i = 0; i < db->active_n_params; i++) {
        if (!db->active_secret[i])
            continue;
        const char *v = secret_text(&db->active_params[i], tmp, sizeof tmp);
        if (full)
            ormc__scrub(msg, size, v);
        else
            cut_secret_tail(msg, v);
    }
}

int ormc__error(ormc_db *db, int status, const char *sqlstate,
                const char *constraint, const char *fmt, ...)
{
    if (!db)
        return status;
    /* Everything is formatted into locals first: the arguments may be the
     * connection's own buffers (wrapping the previous message). The text
     * is scrubbed of the password before it is cut to the connection's
     * buffer, so that a password across the cut is not left in part. */
    char full[ORMC__MSG_FULL], state[sizeof db->sqlstate];
    char named[sizeof db->errconstraint];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(full, sizeof full, fmt, ap);
    va_end(ap);
    if (!sqlstate || strlen(sqlstate) != 5)
        sqlstate = default_sqlstate(status);
    /* the default for ORMC_INVALID is "", shorter than state */
    snprintf(state, sizeof state, "%s", sqlstate);
    snprintf(named, sizeof named, "%s", constraint ? constraint : "");

    ormc__scrub(full, sizeof full, db->secret);
    scrub_params(db, full, sizeof full, true);
    size_t n = strlen(full);
    if (n < sizeof db->errmsg) {
        memcpy(db->errmsg, full, n + 1);
    } else {
        memcpy(db->errmsg, full, sizeof db->errmsg - 1);
        db->errmsg[sizeof db->errmsg - 1] = '\0';
        cut_secret_tail(db->errmsg, db->secret);
        scrub_params(db, db->errmsg, sizeof db->errmsg, false);
    }
    memcpy(db->sqlstate, state, sizeof state);
    memcpy(db->errconstraint, named, sizeof named);
    db->err_status = status;
    if (db->primary) { /* a replica's: its primary's caller asks */
        ormc__saved_error e;
        ormc__error_save(db, &e);
        ormc__error_restore(db->primary, &e);
        db = db->primary;
    }
    if (status >= 0 && status < ORMC__STATUS_COUNT)
        db->stats.errors[status]++;
    return status;
}

_Static_assert(ORMC__STATUS_COUNT <= ORMC_STATS_ERRORS_MAX,
               "ormc_counters.errors has no slot for every status code");

int ormc__last_status(const ormc_db *db)
{
    return db->err_status;
}

void ormc__error_save(const ormc_db *db, ormc__saved_error *out)
{
    out->status = db->err_status;
    memcpy(out->msg, db->errmsg, sizeof out->msg);
    memcpy(out->sqlstate, db->sqlstate, sizeof out->sqlstate);
    memcpy(out->constraint, db->errconstraint, sizeof out->constraint);
}

void ormc__error_restore(ormc_db *db, const ormc__saved_error *in)
{
    db->err_status = in->status;
    memcpy(db->errmsg, in->msg, sizeof db->errmsg);
    memcpy(db->sqlstate, in->sqlstate, sizeof db->sqlstate);
    memcpy(db->errconstraint, in->constraint, sizeof db->errconstraint);
}

const char *ormc_errmsg(const ormc_db *db)
{
    if (!db)
        return "no connection (NULL handle)";
    return db->errmsg;
}

const char *ormc_sqlstate(const ormc_db *db)
{
    return db ? db->sqlstate : "";
}

const char *ormc_errconstraint(const ormc_db *db)
{
    return db ? db->errconstraint : "";
}
