/*
 * postgres.c: the PostgreSQL backend, over libpq.
 *
 * Sessions run in UTC with ISO dates (startup options, no extra round
 * trip). A cached statement is prepared (PQprepare, named ormc_N) on its
 * first execution with the parameter types of its values, then run with
 * PQexecPrepared; with prepare=off every execution is an unnamed
 * PQexecParams (PgBouncer's transaction pooling). Parameters of fixed-size
 * types travel in binary; text, JSON and enum labels as text with type
 * "unknown", so that the server infers the column's type (as psycopg 3
 * does). Results come back in binary for the engine (no number or
 * timestamp parsing) and as text for raw ormc_query.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "backend.h"
#include "buf.h"
#include "fields.h"
#include "ormc_int.h"

/* Type OIDs (pg_type.dat). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_NAME 19
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_OID 26
#define OID_JSON 114
#define OID_XML 142
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_UNKNOWN 705
#define OID_BPCHAR 1042
#define OID_VARCHAR 1043
#define OID_DATE 1082
#define OID_TIMESTAMP 1114
#define OID_TIMESTAMPTZ 1184
#define OID_UUID 2950
#define OID_JSONB 3802

/* Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
#define PG_EPOCH_US INT64_C(946684800000000)

typedef struct pg_stmt {
    ormc__stmt base;
    char name[24];  /* prepared statement name, "" when unnamed */
    bool named;     /* prepared on the server under name */
    Oid *types;     /* the types it was prepared with */
    Oid *cur_types; /* the types of this execution */
    const char **values;
    int *lengths;
    int *formats;
    uint8_t (*slots)[16]; /* binary encodings of fixed-size values */
    PGresult *res;
    int64_t changes; /* cmd_tuples(res) once asked; -1: not yet */
    int row, nrows;
    bool streaming, stream_end;
    /* the type of each column of res, read once per result rather than
     * once per value; the format is the same for all columns (the one
     * resultFormat asked for) */
    Oid *col_oid;
    int res_fmt;
    int n_cols, cap_cols;
    /* buffers valid until the next step: bytea decoded from text results */
    void **scratch;
    size_t n_scratch, cap_scratch;
} pg_stmt;

/* Free the scratch buffers of the current row. */
static void scratch_clear(pg_stmt *q)
{
    for (size_t i = 0; i < q->n_scratch; i++)
        free(q->scratch[i]);
    q->n_scratch = 0;
}

/* A scratch buffer of n bytes valid until the next step; NULL: no memory. */
static void *scratch(pg_stmt *q, size_t n)
{
    if (q->n_scratch == q->cap_scratch) {
        size_t cap = q->cap_scratch ? q->cap_scratch * 2 : 4;
        void **s = realloc(q->scratch, cap * sizeof *s);
        if (!s)
            return NULL;
        q->scratch = s;
        q->cap_scratch = cap;
    }
    void *p = malloc(n ? n : 1);
    if (p)
        q->scratch[q->n_scratch++] = p;
    return p;
}

#define CONN(db) ((PGconn *)(db)->conn)

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/*
 * A libpq or server message as one line: without the severity prefix
 * ("ERROR:  "), every run of white space one space (libpq continues its
 * own messages on lines that begin with a tab), without the "invalid
 * socket" libpq adds when a call finds the socket it closed, and said once
 * when libpq has appended the same message twice (the result's and the
 * connection's).
 */
static void clean_message(const char *in, char *out, size_t size)
{
    static const char *const prefixes[] = {"ERROR:  ", "FATAL:  ", "PANIC:  "};
    if (!in)
        in = "";
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(in, prefixes[i], 8) == 0) {
            in += 8;
            break;
        }
    size_t o = 0;
    bool gap = false;
    for (const char *p = in; *p && o + 1 < size; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            gap = o > 0;
            continue;
        }
        if (gap) {
            out[o++] = ' ';
            gap = false;
            if (o + 1 >= size)
                break;
        }
        out[o++] = *p;
    }
    out[o] = '\0';
    static const char tail[] = "invalid socket";
    size_t t = sizeof tail - 1;
    if (o > t && strcmp(out + o - t, tail) == 0 && out[o - t - 1] == ' ')
        out[o -= t + 1] = '\0';
    size_t h = o / 2; /* "X X": keep X */
    if (o % 2 == 1 && out[h] == ' ' && memcmp(out, out + h + 1, h) == 0)
        out[h] = '\0';
}

/* The status of a SQLSTATE; docs/runtime.md ("Errors") has the table. */
static int map_sqlstate(const char *s)
{
    if (!s || strlen(s) != 5)
        return ORMC_ERROR;
    /* class 22, data exception (a value too long, out of range, of bad
     * syntax or encoding): what SQLite's CHECK constraint on the same
     * value gives, so that a row is refused the same way on both */
    if (strncmp(s, "23", 2) == 0 || strncmp(s, "22", 2) == 0)
        return ORMC_CONSTRAINT;
    if (strcmp(s, "40001") == 0)
        return ORMC_SERIALIZATION;
    if (strcmp(s, "40P01") == 0)
        return ORMC_DEADLOCK;
    if (strcmp(s, "55P03") == 0)
        return ORMC_BUSY;
    if (strncmp(s, "08", 2) == 0 || strcmp(s, "57P01") == 0 ||
        strcmp(s, "57P02") == 0 || strcmp(s, "57P03") == 0)
        return ORMC_CONNECTION;
    if (strcmp(s, "53200") == 0)
        return ORMC_NOMEM;
    if (strcmp(s, "57014") == 0)
        return ORMC_TIMEOUT;
    return ORMC_ERROR;
}

/* The server reports itself a hot standby (PostgreSQL >= 14 sends
 * in_hot_standby at connect and when it changes) where the URL's
 * target_session_attrs asked for a primary. */
static bool now_standby(ormc_db *db)
{
    const char *hs = db->want_primary && db->conn
                         ? PQparameterStatus(CONN(db), "in_hot_standby")
                         : NULL;
    return hs && strcmp(hs, "on") == 0;
}

/* Record the error of res (may be NULL: then the connection's). */
static int pg_error(ormc_db *db, const PGresult *res)
{
    PGconn *c = CONN(db);
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *prim =
        res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *cons =
        res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
    if (!cons && res)
        cons = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
    char msg[ORMC__MSG_FULL];
    clean_message(prim ? prim : PQerrorMessage(c), msg, sizeof msg);
    int status = map_sqlstate(state);
    /* 57P01 (terminated) and the like arrive while libpq still thinks the
     * connection is fine: the server is gone all the same. So does libpq's
     * own first error (no SQLSTATE) after the server died outright, such
     * as "server closed the connection unexpectedly": reading from the
     * socket then fails and marks the connection bad, where an error of
     * another kind (out of memory) leaves it good. */
    bool lost =
        !c || PQstatus(c) == CONNECTION_BAD || status == ORMC_CONNECTION;
    /* a write refused by a server that is now a standby (a failover made
     * it one) where the URL asked for a primary: this connection cannot do
     * what it is for any more; the next one finds the primary */
    if (!lost && state && strcmp(state, "25006") == 0 && now_standby(db)) {
        db->broken = true;
        return ormc__error(db, ORMC_CONNECTION, state, NULL,
                           "%s (the server is a standby now: the connection "
                           "is dropped)",
                           msg);
    }
    if (!lost && !state)
        lost = PQconsumeInput(c) == 0 || PQstatus(c) == CONNECTION_BAD;
    if (lost) {
        db->broken = true;
        status = ORMC_CONNECTION;
        if (!state || map_sqlstate(state) != ORMC_CONNECTION)
            state = "08006";
        if (!msg[0])
            snprintf(msg, sizeof msg,
                     "the connection to the server was "
                     "lost");
    }
    return ormc__error(db, status, state, cons, "%s", msg);
}

/* "-c name=value" startup options; value has no spaces. */
static void add_option(char *buf, size_t size, const char *name, int value)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, " -c %s=%d", name, value);
}

/* c's connect_timeout in effect (the URL's, ours, PGCONNECT_TIMEOUT) in
 * nanoseconds, as libpq reads it (at least 2 s); 0: none. */
static int64_t connect_timeout_ns(PGconn *c)
{
    int64_t s = 0;
    PQconninfoOption *ci = PQconninfo(c);
    for (PQconninfoOption *o = ci; o && o->keyword; o++)
        if (strcmp(o->keyword, "connect_timeout") == 0 && o->val)
            s = strtol(o->val, NULL, 10);
    PQconninfoFree(ci);
    if (s <= 0)
        return 0;
    return (s < 2 ? 2 : s) * INT64_C(1000000000);
}

/* c's target_session_attrs (the URL's, or PGTARGETSESSIONATTRS) asks for a
 * primary. */
static bool wants_primary(PGconn *c)
{
    bool want = false;
    PQconninfoOption *ci = PQconninfo(c);
    for (PQconninfoOption *o = ci; o && o->keyword; o++)
        if (strcmp(o->keyword, "target_session_attrs") == 0 && o->val)
            want = strcmp(o->val, "read-write") == 0 ||
                   strcmp(o->val, "primary") == 0;
    PQconninfoFree(ci);
    return want;
}

/*
 * Drive PQconnectPoll to the end, as PQconnectdbParams would (which cannot
 * be asked for verbose errors before it fails). The timeout runs per
 * socket, as libpq's per host and address; when it expires the attempt
 * ends, and pg_connect goes on with the hosts after this one, as libpq
 * does. False on a timeout.
 */
static bool connect_wait(PGconn *c)
{
    int64_t limit = connect_timeout_ns(c), deadline = 0;
    int sock = -1;
    PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
    while (PQstatus(c) != CONNECTION_BAD && ps != PGRES_POLLING_OK &&
           ps != PGRES_POLLING_FAILED) {
        if (PQsocket(c) != sock) {
            sock = PQsocket(c);
            deadline = limit ? ormc__now_ns() + limit : 0;
        }
        struct pollfd p = {sock, ps == PGRES_POLLING_READING ? POLLIN : POLLOUT,
                           0};
        int ms = -1;
        if (deadline) {
            int64_t left = deadline - ormc__now_ns();
            if (left <= 0)
                return false;
            ms = (int)((left + 999999) / 1000000);
        }
        int r = poll(&p, 1, ms);
        if (r == 0)
            continue; /* the deadline is checked above */
        if (r < 0 && errno != EINTR)
            break; /* PQconnectPoll finds the socket's trouble */
        if (r > 0)
            ps = PQconnectPoll(c);
    }
    return true;
}

/* The longest host, hostaddr or port list a multi-host URL may have for
 * its hosts after one that timed out to be tried (longer: the timeout ends
 * the attempt). */
#define HOST_LIST_MAX 1024

/* How many elements a comma-separated list has. */
static int list_count(const char *list)
{
    int n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    return n;
}

/* The elements from `from` on of a comma-separated list into out ("" when
 * none is left). A list of one element stays whole: libpq applies a single
 * port to every host. */
static void list_tail(const char *list, int from, char *out, size_t size)
{
    out[0] = '\0';
    if (!strchr(list, ',')) {
        snprintf(out, size, "%s", list);
        return;
    }
    const char *p = list;
    for (int i = 0; i < from && p; i++) {
        p = strchr(p, ',');
        if (p)
            p++;
    }
    if (p)
        snprintf(out, size, "%s", p);
}

/* Element i of a comma-separated list into out. */
static void list_item(const char *list, int i, char *out, size_t size)
{
    char tail[HOST_LIST_MAX];
    list_tail(list, i, tail, sizeof tail);
    snprintf(out, size, "%.*s", (int)strcspn(tail, ","), tail);
}

/*
 * The hosts after the one c timed out on, as libpq's own connect would go
 * on to them: host, hostaddr and port lists without the hosts up to and
 * including c's current one ("" for a list the URL does not have). False
 * when none is left, or a list is too long to copy. c's current host is
 * found by its name (or address) and port; of two equal entries the first
 * is taken, so each round drops at least one.
 */
static bool next_hosts(PGconn *c, char host[HOST_LIST_MAX],
                       char hostaddr[HOST_LIST_MAX], char port[HOST_LIST_MAX])
{
    const char *h = "", *ha = "", *pt = "";
    PQconninfoOption *ci = PQconninfo(c);
    for (PQconninfoOption *o = ci; o && o->keyword; o++) {
        if (!o->val)
            continue;
        if (strcmp(o->keyword, "host") == 0)
            h = o->val;
        else if (strcmp(o->keyword, "hostaddr") == 0)
            ha = o->val;
        else if (strcmp(o->keyword, "port") == 0)
            pt = o->val;
    }
    int n = list_count(*h ? h : ha);
    const char *cur_host = PQhost(c), *cur_port = PQport(c);
    int at = -1;
    for (int i = 0; i < n && at < 0 && cur_host && cur_port; i++) {
        char eh[256] = "", ea[256] = "", ep[32] = "";
        if (*h)
            list_item(h, i, eh, sizeof eh);
        if (*ha)
            list_item(ha, i, ea, sizeof ea);
        if (*pt)
            list_item(pt, strchr(pt, ',') ? i : 0, ep, sizeof ep);
        bool same_host = strcmp(eh, cur_host) == 0 || strcmp(ea, cur_host) == 0;
        bool same_port = strcmp(ep, cur_port) == 0 || (!*ep && !*pt);
        if (same_host && same_port)
            at = i;
    }
    bool fits = strlen(h) < HOST_LIST_MAX && strlen(ha) < HOST_LIST_MAX &&
                strlen(pt) < HOST_LIST_MAX;
    if (at >= 0 && at + 1 < n && fits) {
        list_tail(h, *h ? at + 1 : 0, host, HOST_LIST_MAX);
        list_tail(ha, *ha ? at + 1 : 0, hostaddr, HOST_LIST_MAX);
        list_tail(pt, strchr(pt, ',') ? at + 1 : 0, port, HOST_LIST_MAX);
    }
    PQconninfoFree(ci);
    return at >= 0 && at + 1 < n && fits;
}

/*
 * libpq's verbose message of a failed connection as one line, without the
 * "LOCATION:" lines, and the SQLSTATE of the server's refusal ("FATAL:
 * 28P01: password authentication failed ...") moved into state (left as
 * it is when the server said nothing: no server, no answer).
 */
static void refusal_message(const char *in, char *out, size_t size,
                            char state[6])
{
    char buf[ORMC__MSG_FULL];
    size_t o = 0;
    for (const char *p = in ? in : ""; *p && o + 1 < sizeof buf;) {
        if (strncmp(p, "LOCATION:  ", 11) == 0) {
            const char *nl = strchr(p, '\n');
            p = nl ? nl + 1 : p + strlen(p);
            continue;
        }
        static const char fatal[] = "FATAL:  ";
        if (strncmp(p, fatal, 8) == 0 && strlen(p) > 15 && p[13] == ':' &&
            p[14] == ' ' &&
            strspn(p + 8, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") >= 5) {
            memcpy(state, p + 8, 5);
            state[5] = '\0';
            memcpy(buf + o, fatal, 7);
            o += 7;
            p += 14; /* the space after "XXXXX:" stays */
            continue;
        }
        buf[o++] = *p++;
    }
    buf[o] = '\0';
    clean_message(buf, out, size);
}

/*
 * Behind a transaction pooler: the UTC time zone and ISO dates, which the
 * startup options carry on a direct connection, set by one SET. PgBouncer
 * keeps TimeZone and DateStyle per client (they are among the parameters
 * it tracks) and sets them on whichever server connection the client
 * gets; the server's report of them, which libpq keeps, confirms they
 * hold. Anything else a session would keep is set again in every
 * transaction (connection.c:ormc__session_local_sql).
 */
static int pooled_settings(ormc_db *db)
{
    PGconn *c = CONN(db);
    PGresult *r = PQexec(c, "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO'");
    int rc = ORMC_OK;
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
        rc = pg_error(db, r);
    } else {
        const char *tz = PQparameterStatus(c, "TimeZone");
        const char *ds = PQparameterStatus(c, "DateStyle");
        if (!tz || strcmp(tz, "UTC") != 0 || !ds || strncmp(ds, "ISO", 3) != 0)
            rc = ormc__error(db, ORMC_CONNECTION, "08004", NULL,
                             "pooler=transaction: the pooler did not keep "
                             "TimeZone=UTC and DateStyle=ISO (it reports %s "
                             "and %s)",
                             tz ? tz : "nothing", ds ? ds : "nothing");
    }
    PQclear(r);
    if (rc != ORMC_OK) {
        PQfinish(c);
        db->conn = NULL;
    }
    return rc;
}

static int pg_connect(ormc_db *db)
{
    char options[1024] = "";
    /* keep the options the URL brings, add ours */
    PQconninfoOption *ci = PQconninfoParse(db->target, NULL);
    if (ci) {
        for (PQconninfoOption *o = ci; o->keyword; o++)
            if (strcmp(o->keyword, "options") == 0 && o->val)
                snprintf(options, sizeof options, "%s", o->val);
        PQconninfoFree(ci);
    }
    size_t n = strlen(options);
    snprintf(options + n, sizeof options - n,
             " -c TimeZone=UTC -c DateStyle=ISO");
    if (db->cfg.statement_timeout_ms > 0)
        add_option(options, sizeof options, "statement_timeout",
                   db->cfg.statement_timeout_ms);
    if (db->cfg.lock_timeout_ms > 0)
        add_option(options, sizeof options, "lock_timeout",
                   db->cfg.lock_timeout_ms);
    if (db->cfg.idle_in_transaction_timeout_ms > 0)
        add_option(options, sizeof options,
                   "idle_in_transaction_session_timeout",
                   db->cfg.idle_in_transaction_timeout_ms);
    /* the default isolation also covers statements outside BEGIN
     * (autocommit); a space in an option value is escaped for libpq */
    static const char *const iso_names[] = {
        NULL, "read\\ committed", "repeatable\\ read", "serializable"};
    if (db->cfg.default_isolation > ORMC_ISOLATION_DEFAULT &&
        db->cfg.default_isolation <= ORMC_SERIALIZABLE) {
        size_t len = strlen(options);
        snprintf(options + len, sizeof options - len,
                 " -c default_transaction_isolation=%s",
                 iso_names[db->cfg.default_isolation]);
    }

    const char *kw[12], *val[12];
    char ct[16];
    /* host, hostaddr and port: the hosts left after a timeout */
    char next[3][HOST_LIST_MAX] = {"", "", ""};
    int k = 0;
    kw[k] = "dbname";
    val[k++] = db->target;
    if (db->cfg.search_path) {
        /* libpq splits options at spaces unless escaped */
        size_t len = strlen(options);
        snprintf(options + len, sizeof options - len, " -c search_path=");
        for (const char *p = db->cfg.search_path; *p; p++) {
            len = strlen(options);
            if (len + 3 >= sizeof options)
                break;
            if (*p == ' ' || *p == '\\')
                options[len++] = '\\';
            options[len++] = *p;
            options[len] = '\0';
        }
    }
    /* a transaction pooler refuses the startup parameter "options":
     * pooled_settings() sets what it carried after the connection is made */
    if (!db->cfg.pooler_transaction) {
        kw[k] = "options";
        val[k++] = options;
    }
    kw[k] = "client_encoding";
    val[k++] = "UTF8";
    if (db->cfg.connect_timeout_s >= 0) {
        snprintf(ct, sizeof ct, "%d", db->cfg.connect_timeout_s);
        kw[k] = "connect_timeout";
        val[k++] = ct;
    }
    if (db->cfg.application_name) {
        kw[k] = "application_name";
        val[k++] = db->cfg.application_name;
    }
    /* a read replica's connection: the URL's, on the replica's host */
    if (db->cfg.host_override) {
        kw[k] = "host";
        val[k++] = db->cfg.host_override;
    }
    if (db->cfg.port_override) {
        kw[k] = "port";
        val[k++] = db->cfg.port_override;
    }
    kw[k] = NULL;
    val[k] = NULL;

    PGconn *c;
    bool timed_out, appended = false;
    for (;;) {
        c = PQconnectStartParams(kw, val, 1);
        if (!c)
            return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        /* a refusal then reads "FATAL:  28P01: ...": the server's
         * SQLSTATE, which libpq has no other way to give for a
         * connection */
        PQsetErrorVerbosity(c, PQERRORS_VERBOSE);
        timed_out = !connect_wait(c);
        if (!timed_out || !next_hosts(c, next[0], next[1], next[2]))
            break;
        /* a host that does not answer within connect_timeout: the next
         * ones, given after the URL so that they override its lists (an
         * empty value overrides nothing: the URL had no such list) */
        PQfinish(c);
        if (!appended) {
            static const char *const names[] = {"host", "hostaddr", "port"};
            appended = true;
            for (int i = 0; i < 3; i++) {
                kw[k] = names[i];
                val[k++] = next[i];
            }
            kw[k] = NULL;
            val[k] = NULL;
        }
    }
    if (PQstatus(c) != CONNECTION_OK) {
        char msg[ORMC__MSG_FULL], state[6] = "08001";
        if (timed_out)
            snprintf(msg, sizeof msg, "timeout expired");
        else
            refusal_message(PQerrorMessage(c), msg, sizeof msg, state);
        PQfinish(c);
        return ormc__error(db, ORMC_CONNECTION, state, NULL,
                           "cannot connect to PostgreSQL: %s", msg);
    }
    PQsetErrorVerbosity(c, PQERRORS_DEFAULT);
    PQsetNoticeProcessor(c, quiet_notices, NULL);
    db->conn = c;
    db->want_primary = wants_primary(c);
    return db->cfg.pooler_transaction ? pooled_settings(db) : ORMC_OK;
}

static void pg_disconnect(ormc_db *db)
{
    if (db->conn) {
        PQfinish(CONN(db));
        db->conn = NULL;
    }
}

static int64_t cmd_tuples(const PGresult *res)
{
    /* libpq gives the count's digits, or "" for commands without one */
    const char *t = PQcmdTuples((PGresult *)res);
    int64_t n = 0;
    for (; t && *t >= '0' && *t <= '9'; t++)
        n = n * 10 + (*t - '0');
    return n;
}

static int pg_exec_simple(ormc_db *db, const char *sql, int64_t *changes)
{
    PGresult *res = PQexec(CONN(db), sql);
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK &&
        s != PGRES_EMPTY_QUERY) {
        int rc = pg_error(db, res);
        PQclear(res);
        return rc;
    }
    if (changes)
        *changes = cmd_tuples(res);
    PQclear(res);
    return ORMC_OK;
}

static ormc__stmt *pg_stmt_alloc(ormc_db *db)
{
    (void)db;
    return calloc(1, sizeof(pg_stmt));
}

static void pg_stmt_finalize(ormc__stmt *st, bool send)
{
    pg_stmt *q = (pg_stmt *)st;
    ormc_db *db = st->db;
    PQclear(q->res);
    q->res = NULL;
    scratch_clear(q);
    free(q->scratch);
    q->scratch = NULL;
    q->cap_scratch = 0;
    if (q->named && send && db->conn && !db->broken &&
        PQtransactionStatus(CONN(db)) != PQTRANS_INERROR) {
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", q->name);
        PQclear(PQexec(CONN(db), sql));
    }
    q->named = false;
    st->prepared = false;
    free(q->types);
    q->types = NULL;
    free(q->cur_types); /* one block for all the parameter arrays */
    q->cur_types = NULL;
    free(q->col_oid);
    q->col_oid = NULL;
    q->n_cols = q->cap_cols = 0;
}

/* The parameter arrays, allocated on first use (one block). */
static int param_arrays(pg_stmt *q)
{
    size_t n = (size_t)q->base.n_params;
    if (q->cur_types || n == 0)
        return ORMC_OK;
    size_t sz = n * (sizeof(Oid) + sizeof(char *) + 2 * sizeof(int) + 16);
    char *b = calloc(1, sz + 16);
    if (!b)
        return ORMC_NOMEM;
    q->cur_types = (Oid *)(void *)b; /* freed as the block */
    char *p = b + n * sizeof(Oid);
    p += (sizeof(char *) - ((uintptr_t)p % sizeof(char *))) % sizeof(char *);
    q->values = (const char **)(void *)p;
    p += n * sizeof(char *);
    q->lengths = (int *)(void *)p;
    p += n * sizeof(int);
    q->formats = (int *)(void *)p;
    p += n * sizeof(int);
    q->slots = (uint8_t(*)[16])(void *)p;
    return ORMC_OK;
}

static void encode(pg_stmt *q, int i, const ormc_param *p)
{
    uint8_t *slot = q->slots[i];
    q->formats[i] = 1;
    q->lengths[i] = 0;
    q->values[i] = (const char *)slot;
    switch (p->type) {
    case ORMC_TYPE_INTEGER:
    case ORMC_TYPE_ENUM:
        q->cur_types[i] = OID_INT4;
        ormc__put_be32(slot, (uint32_t)p->u.i32);
        q->lengths[i] = 4;
        break;
    case ORMC_TYPE_BIGINT:
        q->cur_types[i] = OID_INT8;
        ormc__put_be64(slot, (uint64_t)p->u.i64);
        q->lengths[i] = 8;
        break;
    case ORMC_TYPE_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &p->u.f64, 8);
        q->cur_types[i] = OID_FLOAT8;
        ormc__put_be64(slot, bits);
        q->lengths[i] = 8;
        break;
    }
    case ORMC_TYPE_BOOLEAN:
        q->cur_types[i] = OID_BOOL;
        slot[0] = p->u.b ? 1 : 0;
        q->lengths[i] = 1;
        break;
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON:
        q->cur_types[i] = 0; /* unknown: the server infers the type */
        q->formats[i] = 0;
        q->values[i] = p->u.text;
        break;
    case ORMC_TYPE_BLOB:
        q->cur_types[i] = OID_BYTEA;
        q->values[i] = p->u.blob.data ? (const char *)p->u.blob.data : "";
        q->lengths[i] = (int)p->u.blob.len;
        break;
    case ORMC_TYPE_TIMESTAMP:
        q->cur_types[i] = OID_TIMESTAMPTZ;
        ormc__put_be64(slot, (uint64_t)p->u.time - (uint64_t)PG_EPOCH_US);
        q->lengths[i] = 8;
        break;
    case ORMC_TYPE_UUID:
        q->cur_types[i] = OID_UUID;
        memcpy(slot, p->u.uuid.bytes, 16);
        q->lengths[i] = 16;
        break;
    }
    if (p->is_null ||
        ((p->type == ORMC_TYPE_TEXT || p->type == ORMC_TYPE_JSON) &&
         !p->u.text) ||
        (p->type == ORMC_TYPE_BLOB && !p->u.blob.data))
        q->values[i] = NULL;
}

/* Read the column types and formats of res (a result with rows). */
static int columns_of(pg_stmt *q, const PGresult *res)
{
    int n = PQnfields(res);
    if (n > q->cap_cols) {
        Oid *oid = realloc(q->col_oid, (size_t)n * sizeof *oid);
        if (oid == NULL)
            return ORMC_NOMEM;
        q->col_oid = oid;
        q->cap_cols = n;
    }
    for (int i = 0; i < n; i++)
        q->col_oid[i] = PQftype(res, i);
    /* libpq sends one result format code for all columns (PQexecPrepared,
     * PQexecParams, FETCH through them alike): ask it once */
    q->res_fmt = n > 0 ? PQfformat(res, 0) : 0;
    q->n_cols = n;
    return ORMC_OK;
}

/* Start the rows of a fresh result. */
static int take_result(pg_stmt *q, PGresult *res)
{
    ormc_db *db = q->base.db;
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    switch (s) {
    case PGRES_TUPLES_OK:
    case PGRES_SINGLE_TUPLE:
        q->res = res;
        q->changes = -1;
        q->nrows = PQntuples(res);
        q->row = 0;
        if (columns_of(q, res) != ORMC_OK) {
            q->res = NULL;
            PQclear(res);
            return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        }
        if (s == PGRES_TUPLES_OK && q->streaming)
            q->stream_end = true;
        return q->nrows > 0 ? ORMC_ROW : ORMC_DONE;
    case PGRES_COMMAND_OK:
    case PGRES_EMPTY_QUERY:
        q->res = res;
        q->changes = -1;
        q->nrows = 0;
        return ORMC_DONE;
    default: {
        int rc = pg_error(db, res);
        const char *state =
            res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        /* the server forgot the statement (DISCARD) or its plan no longer
         * fits (DDL): prepare it again next time */
        if (state &&
            (strcmp(state, "26000") == 0 || strcmp(state, "0A000") == 0))
            q->named = false;
        PQclear(res);
        return rc;
    }
    }
}

static void drain(pg_stmt *q)
{
    PGresult *r;
    while ((r = PQgetResult(CONN(q->base.db))) != NULL)
        PQclear(r);
    q->streaming = false;
}

static int pg_stmt_exec(ormc__stmt *st)
{
    pg_stmt *q = (pg_stmt *)st;
    ormc_db *db = st->db;
    PGconn *c = CONN(db);
    int n = st->n_params;
    if (q->n_scratch)
        scratch_clear(q);
    if (param_arrays(q) != ORMC_OK)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    for (int i = 0; i < n; i++)
        encode(q, i, &st->params[i]);
    int fmt = st->binary ? 1 : 0;

    if (!db->cfg.prepare) {
        db->stats.prepares++;
        if (st->single_row) {
            if (!PQsendQueryParams(c, st->sql, n, q->cur_types, q->values,
                                   q->lengths, q->formats, fmt))
                return pg_error(db, NULL);
            goto stream;
        }
        return take_result(q,
                           PQexecParams(c, st->sql, n, q->cur_types, q->values,
                                        q->lengths, q->formats, fmt));
    }
    if (q->named && n && memcmp(q->types, q->cur_types, n * sizeof(Oid))) {
        /* same text, other parameter types (raw SQL): prepare anew */
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", q->name);
        PQclear(PQexec(c, sql));
        q->named = false;
    }
    if (!q->named) {
        if (!q->types && n) {
            q->types = malloc((size_t)n * sizeof(Oid));
            if (!q->types)
                return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        }
        snprintf(q->name, sizeof q->name, "ormc_%llu",
                 (unsigned long long)++db->stmt_seq);
        PGresult *r = PQprepare(c, q->name, st->sql, n, q->cur_types);
        db->stats.prepares++;
        if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
            int rc = pg_error(db, r);
            PQclear(r);
            return rc;
        }
        PQclear(r);
        if (n)
            memcpy(q->types, q->cur_types, (size_t)n * sizeof(Oid));
        q->named = true;
        st->prepared = true;
    }
    if (st->single_row) {
        if (!PQsendQueryPrepared(c, q->name, n, q->values, q->lengths,
                                 q->formats, fmt))
            return pg_error(db, NULL);
        goto stream;
    }
    return take_result(q, PQexecPrepared(c, q->name, n, q->values, q->lengths,
                                         q->formats, fmt));
stream:
    q->streaming = true;
    q->stream_end = false;
    PQsetSingleRowMode(c);
    {
        int rc = take_result(q, PQgetResult(c));
        if (rc != ORMC_ROW)
            drain(q);
        return rc;
    }
}

static int pg_stmt_next(ormc__stmt *st)
{
    pg_stmt *q = (pg_stmt *)st;
    if (q->n_scratch)
        scratch_clear(q);
    if (!q->res)
        return ORMC_DONE;
    if (!q->streaming || q->stream_end) {
        if (++q->row < q->nrows)
            return ORMC_ROW;
        return ORMC_DONE;
    }
    PQclear(q->res);
    q->res = NULL;
    int rc = take_result(q, PQgetResult(CONN(st->db)));
    if (rc != ORMC_ROW)
        drain(q);
    return rc;
}

static void pg_stmt_reset(ormc__stmt *st)
{
    pg_stmt *q = (pg_stmt *)st;
    PQclear(q->res);
    q->res = NULL;
    scratch_clear(q);
    if (q->streaming && st->db->conn)
        drain(q);
    q->nrows = q->row = 0;
}

static int64_t pg_stmt_changes(ormc__stmt *st)
{
    pg_stmt *q = (pg_stmt *)st;
    if (!q->res)
        return 0;
    /* asked twice per statement (the trace's rows, then the caller) */
    if (q->changes < 0)
        q->changes = cmd_tuples(q->res);
    return q->changes;
}

static int pg_stmt_columns(ormc__stmt *st)
{
    pg_stmt *q = (pg_stmt *)st;
    return q->res ? PQnfields(q->res) : 0;
}

static const char *pg_stmt_column_name(ormc__stmt *st, int col)
{
    return PQfname(((pg_stmt *)st)->res, col);
}

static int bad_value(ormc__stmt *st, int col, const char *what, Oid oid)
{
    return ormc__error(st->db, ORMC_ERROR, "42804", NULL,
                       "column %d (%s, type oid %u): cannot be read as %s", col,
                       PQfname(((pg_stmt *)st)->res, col), (unsigned)oid, what);
}

/* An integer column in binary format. */
static bool bin_int(Oid oid, const char *v, int len, int64_t *out)
{
    if ((oid == OID_INT8) && len == 8)
        *out = (int64_t)ormc__be64(v);
    else if ((oid == OID_INT4 || oid == OID_OID) && len == 4)
        *out = oid == OID_OID ? (int64_t)ormc__be32(v)
                              : (int64_t)(int32_t)ormc__be32(v);
    else if (oid == OID_INT2 && len == 2)
        *out = (int16_t)(((uint8_t)v[0] << 8) | (uint8_t)v[1]);
    else if (oid == OID_BOOL && len == 1)
        *out = v[0] != 0;
    else
        return false;
    return true;
}

static bool is_texty(Oid oid)
{
    return oid == OID_TEXT || oid == OID_VARCHAR || oid == OID_BPCHAR ||
           oid == OID_NAME || oid == OID_JSON || oid == OID_UNKNOWN ||
           oid == OID_XML || oid == OID_JSONB;
}

static int hexv(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static int value_text(ormc__stmt *st, int col, ormc_type type, Oid oid,
                      const char *v, int len, ormc_param *out)
{
    char *end;
    switch (type) {
    case ORMC_TYPE_INTEGER:
    case ORMC_TYPE_ENUM:
    case ORMC_TYPE_BIGINT: {
        long long x;
        if (oid == OID_BOOL)
            x = v[0] == 't';
        else {
            x = strtoll(v, &end, 10);
            if (end == v || *end)
                return bad_value(st, col, "an integer", oid);
        }
        if (type == ORMC_TYPE_BIGINT)
            out->u.i64 = x;
        else if (x < INT32_MIN || x > INT32_MAX)
            return bad_value(st, col, "a 32-bit integer", oid);
        else
            out->u.i32 = (int32_t)x;
        return ORMC_OK;
    }
    case ORMC_TYPE_DOUBLE:
        out->u.f64 = strtod(v, &end);
        if (end == v || *end)
            return bad_value(st, col, "a number", oid);
        return ORMC_OK;
    case ORMC_TYPE_BOOLEAN:
        out->u.b = v[0] == 't' || (v[0] >= '1' && v[0] <= '9');
        return ORMC_OK;
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON:
        out->u.text = v;
        return ORMC_OK;
    case ORMC_TYPE_BLOB:
        if (oid == OID_BYTEA && v[0] == '\\' && v[1] == 'x') {
            size_t n = ((size_t)len - 2) / 2;
            uint8_t *b = scratch((pg_stmt *)st, n);
            if (!b)
                return ormc__error(st->db, ORMC_NOMEM, NULL, NULL,
                                   "out of memory");
            for (size_t i = 0; i < n; i++) {
                int hi = hexv((unsigned char)v[2 + 2 * i]);
                int lo = hexv((unsigned char)v[3 + 2 * i]);
                if (hi < 0 || lo < 0)
                    return bad_value(st, col, "bytea", oid);
                b[i] = (uint8_t)(hi << 4 | lo);
            }
            out->u.blob.data = b;
            out->u.blob.len = n;
        } else {
            out->u.blob.data = v;
            out->u.blob.len = (size_t)len;
        }
        return ORMC_OK;
    case ORMC_TYPE_TIMESTAMP:
        if (ormc_time_parse(v, &out->u.time) != ORMC_OK)
            return bad_value(st, col, "a timestamp", oid);
        return ORMC_OK;
    case ORMC_TYPE_UUID:
        if (ormc_uuid_parse(v, &out->u.uuid) != ORMC_OK)
            return bad_value(st, col, "a uuid", oid);
        return ORMC_OK;
    }
    return ORMC_OK;
}

static int pg_stmt_value(ormc__stmt *st, int col, ormc_type type,
                         ormc_param *out)
{
    pg_stmt *q = (pg_stmt *)st;
    PGresult *r = q->res;
    if (!r || q->row >= q->nrows)
        return ormc__error(st->db, ORMC_INVALID, NULL, NULL, "no current row");
    if (PQgetisnull(r, q->row, col)) {
        out->is_null = true;
        return ORMC_OK;
    }
    if ((int)type == 0)
        return ORMC_OK;
    const char *v = PQgetvalue(r, q->row, col);
    /* a value's type and format from the result's row description; its
     * length is asked only where the type does not fix it (bytea, text) */
    Oid oid = col < q->n_cols ? q->col_oid[col] : PQftype(r, col);
    int fmt = col < q->n_cols ? q->res_fmt : PQfformat(r, col);
    if (fmt == 0)
        return value_text(st, col, type, oid, v, PQgetlength(r, q->row, col),
                          out);
    if (type == ORMC_TYPE_TEXT && (oid == OID_TEXT || oid == OID_VARCHAR)) {
        out->u.text = v; /* the common case, first */
        return ORMC_OK;
    }
    int len = PQgetlength(r, q->row, col);

    int64_t i;
    switch (type) {
    case ORMC_TYPE_INTEGER:
    case ORMC_TYPE_ENUM:
        if (!bin_int(oid, v, len, &i) || i < INT32_MIN || i > INT32_MAX)
            return bad_value(st, col, "a 32-bit integer", oid);
        out->u.i32 = (int32_t)i;
        return ORMC_OK;
    case ORMC_TYPE_BIGINT:
        if (!bin_int(oid, v, len, &i))
            return bad_value(st, col, "an integer", oid);
        out->u.i64 = i;
        return ORMC_OK;
    case ORMC_TYPE_DOUBLE:
        if (oid == OID_FLOAT8 && len == 8) {
            uint64_t bits = ormc__be64(v);
            memcpy(&out->u.f64, &bits, 8);
        } else if (oid == OID_FLOAT4 && len == 4) {
            uint32_t bits = ormc__be32(v);
            float f;
            memcpy(&f, &bits, 4);
            out->u.f64 = f;
        } else if (bin_int(oid, v, len, &i)) {
            out->u.f64 = (double)i;
        } else {
            return bad_value(st, col, "a number", oid);
        }
        return ORMC_OK;
    case ORMC_TYPE_BOOLEAN:
        if (!bin_int(oid, v, len, &i))
            return bad_value(st, col, "a boolean", oid);
        out->u.b = i != 0;
        return ORMC_OK;
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON:
        /* libpq terminates binary values with a NUL too */
        if (oid == OID_JSONB && len >= 1 && v[0] == 1)
            out->u.text = v + 1;
        else if (is_texty(oid))
            out->u.text = v;
        else
            return bad_value(st, col, "text", oid);
        return ORMC_OK;
    case ORMC_TYPE_BLOB:
        out->u.blob.data = v;
        out->u.blob.len = (size_t)len;
        return ORMC_OK;
    case ORMC_TYPE_TIMESTAMP:
        if ((oid == OID_TIMESTAMPTZ || oid == OID_TIMESTAMP) && len == 8) {
            int64_t t = (int64_t)ormc__be64(v);
            if (t == INT64_MAX || t == INT64_MIN) /* +-infinity */
                out->u.time = t;
            else
                out->u.time = (int64_t)((uint64_t)t + (uint64_t)PG_EPOCH_US);
        } else if (oid == OID_DATE && len == 4) {
            out->u.time =
                ((int64_t)(int32_t)ormc__be32(v)) * 86400000000 + PG_EPOCH_US;
        } else {
            return bad_value(st, col, "a timestamp", oid);
        }
        return ORMC_OK;
    case ORMC_TYPE_UUID:
        if (oid == OID_UUID && len == 16)
            memcpy(out->u.uuid.bytes, v, 16);
        else if (is_texty(oid) && ormc_uuid_parse(v, &out->u.uuid) == 0)
            break;
        else
            return bad_value(st, col, "a uuid", oid);
        return ORMC_OK;
    }
    return ORMC_OK;
}

/* Column col of the current row into column c of row, for the types the
 * decoder below has no fast path for: read as pg_stmt_value reads it, stored
 * by ormc__store_value (a NULL leaves the zeroed field). */
static int decode_generic(ormc__stmt *st, int col, const ormc_column *c,
                          void *row)
{
    ormc_param v;
    memset(&v, 0, sizeof v);
    v.type = c->type == ORMC_TYPE_ENUM ? ORMC_TYPE_TEXT : c->type;
    int rc = pg_stmt_value(st, col, v.type, &v);
    if (rc != ORMC_OK || v.is_null)
        return rc;
    return ormc__store_value(st->db, c, row, &v);
}

/*
 * The common types of a binary result straight into the row; anything else
 * (text results, other column types, bytea, uuid, enums) through
 * pg_stmt_value. Lengths are checked for the fixed-size types, as there.
 */
static int pg_stmt_decode(ormc__stmt *st, const ormc_table *t, void *row)
{
    pg_stmt *q = (pg_stmt *)st;
    PGresult *r = q->res;
    int n = t->n_columns;
    if (!r || q->row >= q->nrows)
        return ormc__error(st->db, ORMC_INVALID, NULL, NULL, "no current row");
    bool fast = q->res_fmt == 1 && n <= q->n_cols;
    int k = q->row;
    for (int i = 0; i < n; i++) {
        const ormc_column *c = &t->columns[i];
        char *f = (char *)row + c->offset;
        if (PQgetisnull(r, k, i))
            continue;
        Oid oid = fast ? q->col_oid[i] : 0;
        switch (c->type) {
        case ORMC_TYPE_TEXT:
            if (oid != OID_TEXT && oid != OID_VARCHAR)
                goto generic;
            {
                const char *v = PQgetvalue(r, k, i);
                memcpy(f, &v, sizeof v);
            }
            continue; /* no has_ flag */
        case ORMC_TYPE_BIGINT:
            if (oid != OID_INT8 || PQgetlength(r, k, i) != 8)
                goto generic;
            {
                int64_t v = (int64_t)ormc__be64(PQgetvalue(r, k, i));
                memcpy(f, &v, sizeof v);
            }
            break;
        case ORMC_TYPE_INTEGER:
            if (oid != OID_INT4 || PQgetlength(r, k, i) != 4)
                goto generic;
            {
                int32_t v = (int32_t)ormc__be32(PQgetvalue(r, k, i));
                memcpy(f, &v, sizeof v);
            }
            break;
        case ORMC_TYPE_BOOLEAN:
            if (oid != OID_BOOL || PQgetlength(r, k, i) != 1)
                goto generic;
            {
                bool v = PQgetvalue(r, k, i)[0] != 0;
                memcpy(f, &v, sizeof v);
            }
            break;
        case ORMC_TYPE_TIMESTAMP:
            if ((oid != OID_TIMESTAMPTZ && oid != OID_TIMESTAMP) ||
                PQgetlength(r, k, i) != 8)
                goto generic;
            {
                int64_t v = (int64_t)ormc__be64(PQgetvalue(r, k, i));
                if (v != INT64_MAX && v != INT64_MIN) /* not +-infinity */
                    v = (int64_t)((uint64_t)v + (uint64_t)PG_EPOCH_US);
                memcpy(f, &v, sizeof v);
            }
            break;
        default:
            goto generic;
        }
        ormc__set_has(c, row);
        continue;
    generic : {
        int rc = decode_generic(st, i, c, row);
        if (rc != ORMC_OK)
            return rc;
    }
    }
    return ORMC_OK;
}

/* === COPY ... FROM STDIN (FORMAT binary): insert_many's bulk load ===
 *
 * PostgreSQL's fastest way in: no statement to parse or plan per batch of
 * rows, no parameter limit, each value in the binary form of its column's
 * type, as the parameters travel. The rows are encoded into a buffer sent
 * every COPY_FLUSH bytes, so memory stays small whatever n is. The column
 * types are the generated DDL's: text as varchar/text, json as jsonb
 * (binary version 1 before the text), timestamps as int64 microseconds
 * since 2000, uuid as 16 bytes. */

#define COPY_FLUSH (64 * 1024)

typedef struct copybuf {
    ormc__buf b;
    PGconn *c;
    bool failed; /* PQputCopyData failed: the connection's error says why */
} copybuf;

static void cb_i16(copybuf *cb, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    ormc__buf_append(&cb->b, x, 2);
}

static void cb_i32(copybuf *cb, uint32_t v)
{
    uint8_t x[4];
    ormc__put_be32(x, v);
    ormc__buf_append(&cb->b, x, 4);
}

static void cb_i64(copybuf *cb, uint64_t v)
{
    uint8_t x[12];
    ormc__put_be32(x, 8);
    ormc__put_be64(x + 4, v);
    ormc__buf_append(&cb->b, x, 12);
}

static void cb_bytes(copybuf *cb, const void *p, size_t n)
{
    cb_i32(cb, (uint32_t)n);
    ormc__buf_append(&cb->b, p, n);
}

static void cb_flush(copybuf *cb, bool force)
{
    if (cb->failed || cb->b.failed || (!force && cb->b.len < COPY_FLUSH))
        return;
    if (cb->b.len > 0 && PQputCopyData(cb->c, cb->b.data, (int)cb->b.len) != 1)
        cb->failed = true;
    ormc__buf_clear(&cb->b);
}

/* Whether a column's catalog type (format_type()'s spelling of ormc's
 * own type, or of a schema's sql_type) is name, or starts with prefix. */
static bool is_type(const char *catalog, const char *name)
{
    return catalog != NULL && strcmp(catalog, name) == 0;
}

static bool starts_with(const char *catalog, const char *prefix)
{
    return catalog != NULL && strncmp(catalog, prefix, strlen(prefix)) == 0;
}

/* Whether COPY's binary form of ormc's value of column c is what c's type
 * in the database reads. ormc's own DDL always fits; a sql_type may name a
 * type that reads other bytes (int2, numeric, ...), and then insert_many
 * sends INSERTs, where PostgreSQL converts the value. */
static bool copy_column_fits(const ormc_column *c)
{
    const char *t = c->postgres.catalog_type;
    if (t == NULL)
        return true; /* a hand-written descriptor: ormc's types */
    switch (c->type) {
    case ORMC_TYPE_INTEGER:
        return is_type(t, "integer");
    case ORMC_TYPE_BIGINT:
        return is_type(t, "bigint");
    case ORMC_TYPE_DOUBLE:
        return is_type(t, "double precision");
    case ORMC_TYPE_BOOLEAN:
        return is_type(t, "boolean");
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_ENUM:
        /* text's binary form is its bytes, as varchar's and bpchar's */
        return is_type(t, "text") || starts_with(t, "character varying") ||
               starts_with(t, "character(");
    case ORMC_TYPE_JSON:
        return is_type(t, "jsonb") || is_type(t, "json");
    case ORMC_TYPE_BLOB:
        return is_type(t, "bytea");
    case ORMC_TYPE_TIMESTAMP:
        return starts_with(t, "timestamp");
    case ORMC_TYPE_UUID:
        return is_type(t, "uuid");
    }
    return false;
}

static bool pg_copy_fits(const ormc_table *t, ormc_colset cols)
{
    for (int i = 0; i < t->n_columns; i++)
        if ((cols & ORMC_COLUMN_BIT(i)) && !copy_column_fits(&t->columns[i]))
            return false;
    return true;
}

/* One field of column c: its length (-1: NULL) and its bytes. */
static void cb_field(copybuf *cb, const ormc_column *c, const ormc_param *p)
{
    if (p->is_null) {
        cb_i32(cb, UINT32_MAX);
        return;
    }
    switch (p->type) {
    case ORMC_TYPE_INTEGER:
    case ORMC_TYPE_ENUM:
        cb_i32(cb, 4);
        cb_i32(cb, (uint32_t)p->u.i32);
        break;
    case ORMC_TYPE_BIGINT:
        cb_i64(cb, (uint64_t)p->u.i64);
        break;
    case ORMC_TYPE_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &p->u.f64, 8);
        cb_i64(cb, bits);
        break;
    }
    case ORMC_TYPE_BOOLEAN: {
        uint8_t v = p->u.b ? 1 : 0;
        cb_bytes(cb, &v, 1);
        break;
    }
    case ORMC_TYPE_TEXT:
        cb_bytes(cb, p->u.text, strlen(p->u.text));
        break;
    case ORMC_TYPE_JSON: {
        size_t n = strlen(p->u.text);
        if (is_type(c->postgres.catalog_type, "json")) {
            cb_bytes(cb, p->u.text, n); /* json's binary form: the text */
            break;
        }
        uint8_t version = 1; /* jsonb's: a version byte, then the text */
        cb_i32(cb, (uint32_t)(n + 1));
        ormc__buf_append(&cb->b, &version, 1);
        ormc__buf_append(&cb->b, p->u.text, n);
        break;
    }
    case ORMC_TYPE_BLOB:
        cb_bytes(cb, p->u.blob.data, p->u.blob.len);
        break;
    case ORMC_TYPE_TIMESTAMP:
        cb_i64(cb, (uint64_t)p->u.time - (uint64_t)PG_EPOCH_US);
        break;
    case ORMC_TYPE_UUID:
        cb_bytes(cb, p->u.uuid.bytes, 16);
        break;
    }
}

static int pg_copy_rows(ormc_db *db, const char *sql, const ormc_table *t,
                        const void *rows, size_t n, ormc_colset cols,
                        int64_t *changes)
{
    PGconn *c = CONN(db);
    *changes = 0;
    PGresult *r = PQexec(c, sql);
    if (!r || PQresultStatus(r) != PGRES_COPY_IN) {
        int rc = pg_error(db, r);
        PQclear(r);
        return rc;
    }
    PQclear(r);

    copybuf cb = {.c = c};
    ormc__buf_init(&cb.b, NULL, 0);
    int k = 0;
    for (int i = 0; i < t->n_columns; i++)
        k += (cols & ORMC_COLUMN_BIT(i)) != 0;
    static const char header[] = "PGCOPY\n\377\r\n"; /* and its NUL */
    ormc__buf_append(&cb.b, header, 11);
    cb_i32(&cb, 0); /* flags */
    cb_i32(&cb, 0); /* no header extension */
    int rc = ORMC_OK;
    for (size_t row = 0; row < n && rc == ORMC_OK && !cb.failed; row++) {
        const void *src = (const char *)rows + row * t->row_size;
        cb_i16(&cb, (uint16_t)k);
        for (int i = 0; i < t->n_columns; i++) {
            if (!(cols & ORMC_COLUMN_BIT(i)))
                continue;
            ormc_param p;
            if (ormc__col_param(&t->columns[i], src, &p) != ORMC_OK) {
                rc = ormc__error(db, ORMC_INVALID, "22P02", t->columns[i].name,
                                 "%s: row %zu: enum value out of range",
                                 t->columns[i].name, row);
                break;
            }
            cb_field(&cb, &t->columns[i], &p);
        }
        cb_flush(&cb, false);
    }
    if (rc == ORMC_OK && cb.b.failed)
        rc = ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    if (rc == ORMC_OK) {
        cb_i16(&cb, UINT16_MAX); /* the trailer: -1 */
        cb_flush(&cb, true);
    }
    ormc__buf_free(&cb.b);
    /* End the COPY; on an error of ours, abort it so that nothing is
     * stored, and keep that error. */
    int end = PQputCopyEnd(c, rc == ORMC_OK && !cb.failed
                                  ? NULL
                                  : "insert_many: the rows could not be sent");
    int result = ORMC_OK;
    if (end != 1)
        result = pg_error(db, NULL);
    while ((r = PQgetResult(c)) != NULL) {
        if (result == ORMC_OK) {
            if (PQresultStatus(r) == PGRES_COMMAND_OK)
                *changes = cmd_tuples(r);
            else if (rc == ORMC_OK)
                result = pg_error(db, r);
        }
        PQclear(r);
    }
    if (rc != ORMC_OK) {
        *changes = 0;
        return rc;
    }
    if (result == ORMC_OK && cb.failed)
        result = pg_error(db, NULL);
    return result;
}

static ormc__server_tx pg_server_tx(ormc_db *db)
{
    if (!db->conn)
        return ORMC__SERVER_LOST;
    switch (PQtransactionStatus(CONN(db))) {
    case PQTRANS_IDLE:
        return ORMC__SERVER_IDLE;
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
        return ORMC__SERVER_IN_TX;
    case PQTRANS_ACTIVE:
        return ORMC__SERVER_BUSY;
    case PQTRANS_UNKNOWN:
        break;
    }
    return ORMC__SERVER_LOST;
}

/* Without a round trip: libpq says the connection is fine and the socket
 * has nothing to read, since an idle session has nothing to say. A
 * backend that was terminated has sent its FATAL message and closed,
 * which makes the socket readable. */
static ormc__health pg_health(ormc_db *db)
{
    PGconn *c = CONN(db);
    if (!c || PQstatus(c) != CONNECTION_OK)
        return ORMC__HEALTH_LOST;
    struct pollfd fd = {.fd = PQsocket(c), .events = POLLIN};
    if (fd.fd < 0)
        return ORMC__HEALTH_LOST;
    int n;
    while ((n = poll(&fd, 1, 0)) < 0 && errno == EINTR) {}
    if (n == 0)
        return now_standby(db) ? ORMC__HEALTH_LOST : ORMC__HEALTH_QUIET;
    /* EOF, an error from the server (57P01 terminated ...) or, rarely, a
     * harmless message (a parameter's new value). libpq may take the error
     * for a notice and see the EOF only on its next read: let a round trip
     * decide. */
    if (n < 0 || !PQconsumeInput(c) || PQstatus(c) != CONNECTION_OK)
        return ORMC__HEALTH_LOST;
    /* a standby promoted reports in_hot_standby=off; the reverse needs a
     * restart, but is checked too: never a standby for a primary's work */
    if (now_standby(db))
        return ORMC__HEALTH_LOST;
    return ORMC__HEALTH_SPOKE;
}

/* The protocol's limit: a Bind message counts its parameters in 16 bits. */
static int pg_max_params(ormc_db *db)
{
    (void)db;
    return 65535;
}

/* === Pipelines (batch.c) ===
 *
 * libpq's pipeline mode: every message is queued and sent without waiting
 * for a result, and the results come back in the order things were sent,
 * each followed by a NULL from PQgetResult (a sync's answer by none). The
 * statements are the same pg_stmt structs as above: a take installs its
 * result as pg_stmt_exec would, so that stmt_next, stmt_decode and
 * stmt_changes read it unchanged. These are functions of their own rather
 * than options of pg_stmt_exec, which stays the one-round-trip path.
 */
#ifdef LIBPQ_HAS_PIPELINING

/* The connection is lost, or libpq and the engine disagree about what comes
 * next: either way nothing more can be read from it in order. */
static int pipe_lost(ormc_db *db, const PGresult *res)
{
    int rc = pg_error(db, res);
    if (rc != ORMC_CONNECTION) {
        db->broken = true;
        rc = ormc__error(db, ORMC_CONNECTION, "08006", NULL,
                         "the pipeline lost its order: %s", db->errmsg);
    }
    return rc;
}

static int pg_pipe_enter(ormc_db *db)
{
    if (!PQenterPipelineMode(CONN(db)))
        return pg_error(db, NULL);
    return ORMC_OK;
}

static int pg_pipe_exit(ormc_db *db)
{
    PGconn *c = CONN(db);
    if (c == NULL)
        return ORMC_CONNECTION;
    if (PQpipelineStatus(c) == PQ_PIPELINE_OFF)
        return ORMC_OK;
    if (!PQexitPipelineMode(c)) {
        db->broken = true; /* results left unread: unusable */
        return ORMC_CONNECTION;
    }
    return ORMC_OK;
}

static int pg_pipe_send(ormc__stmt *st, bool *parsed)
{
    pg_stmt *q = (pg_stmt *)st;
    ormc_db *db = st->db;
    PGconn *c = CONN(db);
    int n = st->n_params;
    *parsed = false;
    if (param_arrays(q) != ORMC_OK)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    for (int i = 0; i < n; i++)
        encode(q, i, &st->params[i]);
    int fmt = st->binary ? 1 : 0;
    /* prepare=off, or other parameter types than it was prepared with (raw
     * SQL only): a one-shot unnamed statement, which needs no DEALLOCATE
     * (a synchronous call, not allowed in a pipeline) */
    if (!db->cfg.prepare ||
        (q->named && n && memcmp(q->types, q->cur_types, n * sizeof(Oid)))) {
        db->stats.prepares++;
        if (!PQsendQueryParams(c, st->sql, n, q->cur_types, q->values,
                               q->lengths, q->formats, fmt))
            return pipe_lost(db, NULL);
        return ORMC_OK;
    }
    if (!q->named) {
        if (!q->types && n) {
            q->types = malloc((size_t)n * sizeof(Oid));
            if (!q->types)
                return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        }
        snprintf(q->name, sizeof q->name, "ormc_%llu",
                 (unsigned long long)++db->stmt_seq);
        if (!PQsendPrepare(c, q->name, st->sql, n, q->cur_types))
            return pipe_lost(db, NULL);
        db->stats.prepares++;
        if (n)
            memcpy(q->types, q->cur_types, (size_t)n * sizeof(Oid));
        /* prepared as far as what follows in the pipeline is concerned;
         * pipe_take_parse takes it back should the server refuse it */
        q->named = true;
        st->prepared = true;
        *parsed = true;
    }
    if (!PQsendQueryPrepared(c, q->name, n, q->values, q->lengths, q->formats,
                             fmt))
        return pipe_lost(db, NULL);
    return ORMC_OK;
}

static int pg_pipe_send_simple(ormc_db *db, const char *sql)
{
    if (!PQsendQueryParams(CONN(db), sql, 0, NULL, NULL, NULL, NULL, 0))
        return pipe_lost(db, NULL);
    return ORMC_OK;
}

static int pg_pipe_sync(ormc_db *db)
{
    if (!PQpipelineSync(CONN(db)))
        return pipe_lost(db, NULL);
    return ORMC_OK;
}

/* The NULL that ends one command's results in pipeline mode. */
static int end_of_command(ormc_db *db)
{
    PGresult *r = PQgetResult(CONN(db));
    if (r == NULL)
        return ORMC_OK;
    int rc = pipe_lost(db, r);
    PQclear(r);
    return rc;
}

/* rc, unless the end of the command after its result says the pipeline
 * was lost: what every take returns. */
static int command_done(ormc_db *db, int rc)
{
    if (!db->broken) {
        int end = end_of_command(db);
        if (end != ORMC_OK)
            rc = end;
    }
    return rc;
}

/* The status of a command without rows of its own (a preparation, a
 * control statement; rows_ok: a SELECT among them too), r freed. */
static int command_status(ormc_db *db, PGresult *r, bool rows_ok)
{
    ExecStatusType s = PQresultStatus(r);
    int rc = ORMC_OK;
    if (s == PGRES_PIPELINE_ABORTED)
        rc = ORMC__PIPE_ABORTED;
    else if (s != PGRES_COMMAND_OK && !(rows_ok && s == PGRES_TUPLES_OK))
        rc = pg_error(db, r);
    PQclear(r);
    return rc;
}

/* The next result of a command, or NULL when there is none (lost). */
static PGresult *next_result(ormc_db *db)
{
    if (db->broken)
        return NULL;
    return PQgetResult(CONN(db));
}

static int pg_pipe_take_parse(ormc__stmt *st)
{
    pg_stmt *q = (pg_stmt *)st;
    ormc_db *db = st->db;
    PGresult *r = next_result(db);
    if (r == NULL)
        return db->broken ? ORMC_CONNECTION : pipe_lost(db, NULL);
    int rc = command_status(db, r, false);
    if (rc != ORMC_OK) {
        q->named = false;
        st->prepared = false;
    }
    return command_done(db, rc);
}

static int pg_pipe_take(ormc__stmt *st)
{
    pg_stmt *q = (pg_stmt *)st;
    ormc_db *db = st->db;
    if (q->n_scratch)
        scratch_clear(q);
    PQclear(q->res);
    q->res = NULL;
    q->nrows = q->row = 0;
    PGresult *r = next_result(db);
    if (r == NULL)
        return db->broken ? ORMC_CONNECTION : pipe_lost(db, NULL);
    int rc;
    if (PQresultStatus(r) == PGRES_PIPELINE_ABORTED) {
        PQclear(r);
        rc = ORMC__PIPE_ABORTED;
    } else {
        rc = take_result(q, r); /* owns r from here */
    }
    return command_done(db, rc);
}

static int pg_pipe_take_simple(ormc_db *db)
{
    PGresult *r = next_result(db);
    if (r == NULL)
        return db->broken ? ORMC_CONNECTION : pipe_lost(db, NULL);
    return command_done(db, command_status(db, r, true));
}

static int pg_pipe_take_sync(ormc_db *db)
{
    PGresult *r = next_result(db);
    if (r == NULL)
        return db->broken ? ORMC_CONNECTION : pipe_lost(db, NULL);
    int rc = ORMC_OK;
    if (PQresultStatus(r) != PGRES_PIPELINE_SYNC)
        rc = pipe_lost(db, r);
    PQclear(r);
    return rc;
}

static bool pg_pipe_ready(ormc_db *db)
{
    PGconn *c = CONN(db);
    if (db->broken || c == NULL || !PQconsumeInput(c)) {
        db->broken = true;
        return true;
    }
    return !PQisBusy(c);
}

#define PG_PIPE_ENTRIES                                                        \
    pg_pipe_enter, pg_pipe_exit, pg_pipe_send, pg_pipe_send_simple,            \
        pg_pipe_sync, pg_pipe_take_parse, pg_pipe_take, pg_pipe_take_simple,   \
        pg_pipe_take_sync, pg_pipe_ready
#else /* libpq < 14: batches run one op after another */
#define PG_PIPE_ENTRIES                                                        \
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
#endif

/* === The asynchronous runner's socket (async.c) === */

static int pg_async_socket(ormc_db *db)
{
    return db->conn ? PQsocket(CONN(db)) : -1;
}

static int pg_async_nonblocking(ormc_db *db, bool on)
{
    if (!db->conn)
        return ormc__error(db, ORMC_CONNECTION, "08003", NULL, "no connection");
    if (PQsetnonblocking(CONN(db), on ? 1 : 0) != 0)
        return pg_error(db, NULL);
    return ORMC_OK;
}

static int pg_async_flush(ormc_db *db)
{
    if (!db->conn || db->broken)
        return -1;
    int r = PQflush(CONN(db));
    if (r < 0) {
        pg_error(db, NULL);
        db->broken = true;
    }
    return r;
}

/* (in a macro, as the pipeline's entries: the table keeps its layout) */
#define PG_ASYNC_ENTRIES pg_async_socket, pg_async_nonblocking, pg_async_flush

const ormc__backend_vt ormc__postgres_vt = {
    "postgres",      pg_connect,       pg_disconnect,   pg_exec_simple,
    pg_stmt_alloc,   pg_stmt_finalize, pg_stmt_exec,    pg_stmt_next,
    pg_stmt_reset,   pg_stmt_changes,  pg_stmt_columns, pg_stmt_column_name,
    pg_stmt_value,   pg_stmt_decode,   pg_server_tx,    NULL,
    pg_copy_rows,    pg_copy_fits,     pg_health,       pg_max_params,
    PG_PIPE_ENTRIES, PG_ASYNC_ENTRIES,
};
