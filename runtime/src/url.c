/*
 * url.c: connection URLs and ormc's own options.
 *
 *   sqlite:PATH, sqlite::memory:, sqlite:///abs/path (two slashes dropped)
 *   postgres://... / postgresql://...  (a libpq URI)
 *   host=... dbname=...                (a libpq keyword string)
 *
 * ormc's own parameters (autocommit, busy_timeout, prepare,
 * stmt_cache_size, statement_timeout, lock_timeout,
 * idle_in_transaction_timeout, isolation, PostgreSQL's pooler,
 * search_path, replica_hosts, replica_max_lag and read_your_writes, and
 * SQLite's journal_mode,
 * synchronous and pragma.NAME) are taken out of the URL before the driver
 * sees it. A field of ormc_options that is not -1 wins over the
 * URL. Messages never repeat the URL: it may carry a password.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "ormc_int.h"

typedef struct buf {
    char *p;
    size_t len, cap;
    bool oom;
} buf;

/* The URL's values of ormc's options, -1 / ISOLATION_DEFAULT when absent. */
typedef struct url_opts {
    int autocommit, busy_timeout_ms, prepare, stmt_cache_size;
    int statement_timeout_ms, lock_timeout_ms, idle_ms;
    int isolation;           /* -1 absent */
    int pooler;              /* -1 absent, 0 none, 1 transaction */
    char search_path[256];   /* "" absent */
    char replica_hosts[512]; /* "" absent */
    int replica_max_lag_ms, read_your_writes_ms; /* -1 absent */
    ormc_backend backend; /* whose URL: the SQLite settings are SQLite's */
    char journal_mode[16], synchronous[8]; /* "" absent */
    buf pragmas; /* the pragma.NAME ones, as PRAGMA statements */
} url_opts;

static void buf_add(buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_str(buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static int hexdig(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Percent-decode n bytes of s into out (size outsize). */
static void pct_decode(const char *s, size_t n, char *out, size_t outsize)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < outsize; i++) {
        if (s[i] == '%' && i + 2 < n && hexdig((unsigned char)s[i + 1]) >= 0 &&
            hexdig((unsigned char)s[i + 2]) >= 0) {
            out[o++] = (char)(hexdig((unsigned char)s[i + 1]) * 16 +
                              hexdig((unsigned char)s[i + 2]));
            i += 2;
        } else if (s[i] == '+') {
            out[o++] = ' ';
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
}

static int parse_bool(const char *v)
{
    static const char *const on[] = {"on", "true", "1", "yes"};
    static const char *const off[] = {"off", "false", "0", "no"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(v, on[i]) == 0)
            return 1;
        if (strcmp(v, off[i]) == 0)
            return 0;
    }
    return -1;
}

static int parse_int(const char *v)
{
    if (!*v)
        return -1;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (*end || errno || n < 0 || n > 1000000000)
        return -1;
    return (int)n;
}

static int parse_isolation(const char *v)
{
    if (strcmp(v, "default") == 0)
        return ORMC_ISOLATION_DEFAULT;
    if (strcmp(v, "read_committed") == 0 || strcmp(v, "read committed") == 0)
        return ORMC_READ_COMMITTED;
    if (strcmp(v, "repeatable_read") == 0 || strcmp(v, "repeatable read") == 0)
        return ORMC_REPEATABLE_READ;
    if (strcmp(v, "serializable") == 0)
        return ORMC_SERIALIZABLE;
    return -1;
}

/* The values SQLite takes for journal_mode and synchronous (any case). */
static const char *const journal_modes[] = {
    "delete", "truncate", "persist", "memory", "wal", "off", NULL};
#define JOURNAL_MODES "delete, truncate, persist, memory, wal or off"
static const char *const sync_levels[] = {"off", "normal", "full", "extra", "0",
                                          "1",   "2",      "3",    NULL};
#define SYNC_LEVELS "off, normal, full, extra or 0 to 3"

/* If v is one of allowed (in any case), its lower-case form into out. */
static bool pick(const char *v, const char *const *allowed, char *out,
                 size_t size)
{
    char low[16];
    size_t n = strlen(v);
    if (n == 0 || n >= sizeof low)
        return false;
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)tolower((unsigned char)v[i]);
    for (size_t i = 0; allowed[i]; i++) {
        if (strcmp(low, allowed[i]) == 0) {
            snprintf(out, size, "%s", low);
            return true;
        }
    }
    return false;
}

/* A pragma's name: a letter or _, then letters, digits and _. */
static bool is_pragma_name(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_')
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

/*
 * Append "PRAGMA name = value;" to b. A value of letters, digits and _
 * (optionally after a minus sign) goes in as it is, a keyword or a number;
 * any other is quoted as an SQL string, so that no value can end the
 * statement and start another.
 */
static void add_pragma(buf *b, const char *name, const char *value)
{
    const char *v = value + (*value == '-');
    bool bare = *v != '\0';
    for (; *v; v++)
        if (!isalnum((unsigned char)*v) && *v != '_')
            bare = false;
    buf_str(b, "PRAGMA ");
    buf_str(b, name);
    buf_str(b, " = ");
    if (bare) {
        buf_str(b, value);
    } else {
        buf_add(b, "'", 1);
        for (v = value; *v; v++)
            buf_add(b, *v == '\'' ? "''" : v, *v == '\'' ? 2 : 1);
        buf_add(b, "'", 1);
    }
    buf_add(b, ";", 1);
}

/*
 * One SQLite setting, from the URL (where = "URL parameter") or from
 * ormc_options (where = "ormc_options"): journal_mode, synchronous or
 * pragma.NAME. 1 taken, 0 not one of them, -1 a bad one (errbuf says which;
 * never the value, which may be a key).
 */
static int take_sqlite_setting(url_opts *u, const char *where, const char *key,
                               const char *value, char *errbuf, size_t errsize)
{
    const char *name = key;
    bool general = strncmp(key, "pragma.", 7) == 0;
    if (general)
        name = key + 7;
    bool jm = strcmp(name, "journal_mode") == 0;
    bool sync = strcmp(name, "synchronous") == 0;
    if (!general && !jm && !sync)
        return 0;
    if (u->backend != ORMC_SQLITE) {
        snprintf(errbuf, errsize,
                 "%s %s is an SQLite setting; this is a PostgreSQL "
                 "connection",
                 where, key);
        return -1;
    }
    if (jm) {
        if (!pick(value, journal_modes, u->journal_mode,
                  sizeof u->journal_mode)) {
            snprintf(errbuf, errsize,
                     "invalid value for %s %s (expected " JOURNAL_MODES ")",
                     where, key);
            return -1;
        }
    } else if (sync) {
        if (!pick(value, sync_levels, u->synchronous, sizeof u->synchronous)) {
            snprintf(errbuf, errsize,
                     "invalid value for %s %s (expected " SYNC_LEVELS ")",
                     where, key);
            return -1;
        }
    } else if (!is_pragma_name(name)) {
        snprintf(errbuf, errsize,
                 "invalid %s %s: a pragma's name is letters, digits and _",
                 where, key);
        return -1;
    } else if (!*value) {
        snprintf(errbuf, errsize, "%s %s has no value", where, key);
        return -1;
    } else {
        add_pragma(&u->pragmas, name, value);
    }
    return 1;
}

/*
 * If key is one of ormc's options, apply value and return 1 (0: not ours,
 * -1: ours but a bad value, with errbuf set).
 */
static int take_option(url_opts *u, const char *key, const char *value,
                       char *errbuf, size_t errsize)
{
    int *slot = NULL;
    int v;
    int r =
        take_sqlite_setting(u, "URL parameter", key, value, errbuf, errsize);
    if (r != 0)
        return r;
    if (strcmp(key, "autocommit") == 0) {
        slot = &u->autocommit;
        v = parse_bool(value);
    } else if (strcmp(key, "prepare") == 0) {
        slot = &u->prepare;
        v = parse_bool(value);
    } else if (strcmp(key, "busy_timeout") == 0) {
        slot = &u->busy_timeout_ms;
        v = parse_int(value);
    } else if (strcmp(key, "stmt_cache_size") == 0) {
        slot = &u->stmt_cache_size;
        v = parse_int(value);
    } else if (strcmp(key, "statement_timeout") == 0) {
        slot = &u->statement_timeout_ms;
        v = parse_int(value);
    } else if (strcmp(key, "lock_timeout") == 0) {
        slot = &u->lock_timeout_ms;
        v = parse_int(value);
    } else if (strcmp(key, "idle_in_transaction_timeout") == 0) {
        slot = &u->idle_ms;
        v = parse_int(value);
    } else if (strcmp(key, "isolation") == 0) {
        slot = &u->isolation;
        v = parse_isolation(value);
    } else if (strcmp(key, "pooler") == 0) {
        slot = &u->pooler;
        v = strcmp(value, "transaction") == 0                             ? 1
            : strcmp(value, "none") == 0 || strcmp(value, "session") == 0 ? 0
                                                                          : -1;
        if (v < 0) {
            snprintf(errbuf, errsize,
                     "invalid value for URL parameter pooler: expected "
                     "transaction, session or none");
            return -1;
        }
    } else if (strcmp(key, "replica_max_lag") == 0) {
        slot = &u->replica_max_lag_ms;
        v = parse_int(value);
    } else if (strcmp(key, "read_your_writes") == 0) {
        slot = &u->read_your_writes_ms;
        v = parse_int(value);
    } else if (strcmp(key, "replica_hosts") == 0) {
        if (!*value || strlen(value) >= sizeof u->replica_hosts) {
            snprintf(errbuf, errsize,
                     "invalid value for URL parameter replica_hosts: %s",
                     *value ? "longer than 511 bytes" : "empty");
            return -1;
        }
        snprintf(u->replica_hosts, sizeof u->replica_hosts, "%s", value);
        return 1;
    } else if (strcmp(key, "search_path") == 0) {
        if (!*value || strlen(value) >= sizeof u->search_path) {
            snprintf(errbuf, errsize,
                     "invalid value for URL parameter search_path: %s",
                     *value ? "longer than 255 bytes" : "empty");
            return -1;
        }
        snprintf(u->search_path, sizeof u->search_path, "%s", value);
        return 1;
    } else {
        return 0;
    }
    if (v < 0) {
        snprintf(errbuf, errsize, "invalid value for URL parameter %s", key);
        return -1;
    }
    *slot = v;
    return 1;
}

/* Split a URI query string: ormc's parameters into u, the others kept (in
 * order) in `kept`. */
static int split_query(const char *q, url_opts *u, buf *kept, char *errbuf,
                       size_t errsize)
{
    while (*q) {
        size_t n = strcspn(q, "&");
        const char *eq = memchr(q, '=', n);
        char key[64], value[256];
        if (eq) {
            pct_decode(q, (size_t)(eq - q), key, sizeof key);
            pct_decode(eq + 1, n - (size_t)(eq - q) - 1, value, sizeof value);
            int r = take_option(u, key, value, errbuf, errsize);
            if (r < 0)
                return ORMC_INVALID;
            if (r == 0) {
                if (kept->len)
                    buf_add(kept, "&", 1);
                buf_add(kept, q, n);
            }
        } else if (n) {
            if (kept->len)
                buf_add(kept, "&", 1);
            buf_add(kept, q, n);
        }
        q += n;
        if (*q == '&')
            q++;
    }
    return ORMC_OK;
}

/* A libpq keyword string: key = value pairs, values optionally in single
 * quotes with backslash escapes. ormc's are removed, the others kept
 * verbatim. */
static int split_keywords(const char *s, url_opts *u, buf *kept, char *errbuf,
                          size_t errsize)
{
    const char *p = s;
    while (*p) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *start = p;
        const char *k = p;
        while (*p && *p != '=' && !isspace((unsigned char)*p))
            p++;
        size_t klen = (size_t)(p - k);
        while (isspace((unsigned char)*p))
            p++;
        if (*p != '=') {
            snprintf(errbuf, errsize,
                     "invalid connection string: missing \"=\" after a "
                     "keyword");
            return ORMC_INVALID;
        }
        p++;
        while (isspace((unsigned char)*p))
            p++;
        char value[256];
        size_t vo = 0;
        if (*p == '\'') {
            p++;
            while (*p && *p != '\'') {
                if (*p == '\\' && p[1])
                    p++;
                if (vo + 1 < sizeof value)
                    value[vo++] = *p;
                p++;
            }
            if (*p != '\'') {
                snprintf(errbuf, errsize,
                         "invalid connection string: unterminated quote");
                return ORMC_INVALID;
            }
            p++;
        } else {
            while (*p && !isspace((unsigned char)*p)) {
                if (*p == '\\' && p[1])
                    p++;
                if (vo + 1 < sizeof value)
                    value[vo++] = *p;
                p++;
            }
        }
        value[vo] = '\0';
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)klen, k);
        int r = take_option(u, key, value, errbuf, errsize);
        if (r < 0)
            return ORMC_INVALID;
        if (r == 0) {
            if (kept->len)
                buf_add(kept, " ", 1);
            buf_add(kept, start, (size_t)(p - start));
        }
    }
    return ORMC_OK;
}

/* The path of a sqlite: URL as a file: URI (for extra parameters). */
static void uri_path(buf *b, const char *path, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = path[i];
        if (c == '?' || c == '#' || c == '%') {
            char esc[4];
            snprintf(esc, sizeof esc, "%%%02X", (unsigned char)c);
            buf_add(b, esc, 3);
        } else {
            buf_add(b, &c, 1);
        }
    }
}

static void apply(int *dst, int from_opts, int from_url, int dflt)
{
    *dst = from_opts >= 0 ? from_opts : from_url >= 0 ? from_url : dflt;
}

/*
 * The SQLite settings of ormc_options over the URL's, and the script that
 * applies them into cfg: the URL's pragma.NAME ones, then the options'
 * pragmas, then journal_mode and synchronous.
 */
static int sqlite_settings(url_opts *u, const ormc_options *opts,
                           ormc__config *cfg, char *errbuf, size_t errsize)
{
    if (opts->journal_mode &&
        take_sqlite_setting(u, "ormc_options", "journal_mode",
                            opts->journal_mode, errbuf, errsize) < 0)
        return ORMC_INVALID;
    if (opts->synchronous &&
        take_sqlite_setting(u, "ormc_options", "synchronous", opts->synchronous,
                            errbuf, errsize) < 0)
        return ORMC_INVALID;
    /* "NAME=VALUE;NAME=VALUE": blanks around each part are dropped */
    for (const char *p = opts->pragmas; p && *p;) {
        size_t n = strcspn(p, ";");
        const char *eq = memchr(p, '=', n);
        char key[72], value[256];
        if (!eq) {
            while (n && isspace((unsigned char)*p))
                p++, n--;
            if (n) {
                snprintf(errbuf, errsize,
                         "invalid ormc_options.pragmas: expected "
                         "NAME=VALUE;NAME=VALUE");
                return ORMC_INVALID;
            }
        } else {
            const char *k = p, *ke = eq, *v = eq + 1, *ve = p + n;
            while (k < ke && isspace((unsigned char)*k))
                k++;
            while (ke > k && isspace((unsigned char)ke[-1]))
                ke--;
            while (v < ve && isspace((unsigned char)*v))
                v++;
            while (ve > v && isspace((unsigned char)ve[-1]))
                ve--;
            snprintf(key, sizeof key, "pragma.%.*s", (int)(ke - k), k);
            snprintf(value, sizeof value, "%.*s", (int)(ve - v), v);
            if (take_sqlite_setting(u, "ormc_options.pragmas", key, value,
                                    errbuf, errsize) < 0)
                return ORMC_INVALID;
        }
        p += n;
        if (*p == ';')
            p++;
    }
    buf *b = &u->pragmas;
    if (u->journal_mode[0]) {
        buf_str(b, "PRAGMA journal_mode = ");
        buf_str(b, u->journal_mode);
        buf_add(b, ";", 1);
        snprintf(cfg->journal_mode, sizeof cfg->journal_mode, "%s",
                 u->journal_mode);
    }
    if (u->synchronous[0]) {
        buf_str(b, "PRAGMA synchronous = ");
        buf_str(b, u->synchronous);
        buf_add(b, ";", 1);
    }
    if (b->oom) {
        snprintf(errbuf, errsize, "out of memory");
        return ORMC_NOMEM;
    }
    cfg->pragma_script = b->p;
    b->p = NULL;
    return ORMC_OK;
}

static int parse_url(const char *url, const ormc_options *opts,
                     ormc_backend *backend, char **target, char **secret,
                     ormc__config *cfg, char *errbuf, size_t errsize)
{
    url_opts u = {.autocommit = -1,
                  .busy_timeout_ms = -1,
                  .prepare = -1,
                  .stmt_cache_size = -1,
                  .statement_timeout_ms = -1,
                  .lock_timeout_ms = -1,
                  .idle_ms = -1,
                  .isolation = -1,
                  .pooler = -1,
                  .replica_max_lag_ms = -1,
                  .read_your_writes_ms = -1};
    buf kept = {0};
    buf out = {0};
    int rc = ORMC_OK;
    *target = NULL;
    *secret = NULL;
    errbuf[0] = '\0';

    if (strncmp(url, "sqlite:", 7) == 0) {
        *backend = u.backend = ORMC_SQLITE;
        const char *path = url + 7;
        if (strncmp(path, "//", 2) == 0)
            path += 2;
        const char *q = strchr(path, '?');
        size_t plen = q ? (size_t)(q - path) : strlen(path);
        if (plen == 0) {
            snprintf(errbuf, errsize,
                     "sqlite: URL without a path (use sqlite:PATH or "
                     "sqlite::memory:)");
            return ORMC_INVALID;
        }
        if (q && (rc = split_query(q + 1, &u, &kept, errbuf, errsize)))
            goto done;
        if (kept.len) {
            buf_str(&out, "file:");
            uri_path(&out, path, plen);
            buf_add(&out, "?", 1);
            buf_add(&out, kept.p, kept.len);
        } else {
            buf_add(&out, path, plen);
        }
    } else if (strncmp(url, "postgres://", 11) == 0 ||
               strncmp(url, "postgresql://", 13) == 0) {
        *backend = u.backend = ORMC_POSTGRES;
        const char *q = strchr(url, '?');
        size_t blen = q ? (size_t)(q - url) : strlen(url);
        buf_add(&out, url, blen);
        if (q && (rc = split_query(q + 1, &u, &kept, errbuf, errsize)))
            goto done;
        if (kept.len) {
            buf_add(&out, "?", 1);
            buf_add(&out, kept.p, kept.len);
        }
    } else if (strchr(url, '=')) {
        *backend = u.backend = ORMC_POSTGRES;
        if ((rc = split_keywords(url, &u, &out, errbuf, errsize)))
            goto done;
        if (!out.len)
            buf_str(&out, "");
    } else {
        snprintf(errbuf, errsize,
                 "unrecognized URL: expected sqlite:PATH, sqlite::memory:, "
                 "postgresql://... or a libpq keyword string");
        return ORMC_INVALID;
    }
    if (kept.oom || out.oom) {
        rc = ORMC_NOMEM;
        snprintf(errbuf, errsize, "out of memory");
        goto done;
    }

    if (*backend == ORMC_POSTGRES) {
        char *perr = NULL;
        PQconninfoOption *ci = PQconninfoParse(out.p, &perr);
        if (!ci) {
            /* libpq's message may quote the URL: give a fixed one */
            PQfreemem(perr);
            snprintf(errbuf, errsize,
                     "invalid PostgreSQL connection string or URI");
            rc = ORMC_INVALID;
            goto done;
        }
        bool oom = false, options = false;
        for (PQconninfoOption *o = ci; o->keyword; o++) {
            if (strcmp(o->keyword, "options") == 0 && o->val && *o->val)
                options = true;
            if (strcmp(o->keyword, "password") == 0 && o->val && *o->val) {
                /* without its copy the password could not be scrubbed
                 * from messages: refuse rather than connect */
                *secret = strdup(o->val);
                oom = *secret == NULL;
            }
        }
        PQconninfoFree(ci);
        if (oom) {
            rc = ORMC_NOMEM;
            snprintf(errbuf, errsize, "out of memory");
            goto done;
        }
        /* a transaction pooler refuses the startup parameter "options"
         * (PgBouncer: "unsupported startup parameter"), or drops it */
        if (u.pooler == 1 && options) {
            snprintf(errbuf, errsize,
                     "pooler=transaction: the URL's options= cannot pass a "
                     "transaction pooler; give search_path= and ormc's "
                     "settings (statement_timeout= ...) instead");
            rc = ORMC_INVALID;
            goto done;
        }
        if (u.pooler == 1 && (u.prepare == 1 || (opts && opts->prepare == 1))) {
            snprintf(errbuf, errsize,
                     "pooler=transaction: prepare=on cannot be used: a "
                     "statement prepared in one transaction may be run on "
                     "another server connection in the next");
            rc = ORMC_INVALID;
            goto done;
        }
    } else if (u.pooler >= 0 || u.search_path[0] || u.replica_hosts[0] ||
               (opts && opts->replica_hosts)) {
        snprintf(errbuf, errsize, "URL parameter %s is PostgreSQL's",
                 u.pooler >= 0      ? "pooler"
                 : u.search_path[0] ? "search_path"
                                    : "replica_hosts");
        rc = ORMC_INVALID;
        goto done;
    }

    ormc_options none = ORMC_OPTIONS_INIT;
    if (!opts)
        opts = &none;
    int ac, pr;
    apply(&ac, opts->autocommit, u.autocommit, 0);
    apply(&cfg->busy_timeout_ms, opts->busy_timeout_ms, u.busy_timeout_ms,
          5000);
    apply(&pr, opts->prepare, u.prepare, 1);
    apply(&cfg->stmt_cache_size, opts->stmt_cache_size, u.stmt_cache_size, 256);
    cfg->connect_timeout_s = opts->connect_timeout_s;
    apply(&cfg->statement_timeout_ms, opts->statement_timeout_ms,
          u.statement_timeout_ms, 0);
    apply(&cfg->lock_timeout_ms, opts->lock_timeout_ms, u.lock_timeout_ms, 0);
    apply(&cfg->idle_in_transaction_timeout_ms,
          opts->idle_in_transaction_timeout_ms, u.idle_ms, 0);
    cfg->autocommit = ac != 0;
    cfg->pooler_transaction = u.pooler == 1;
    /* behind a transaction pooler every statement is unnamed */
    cfg->prepare = pr != 0 && !cfg->pooler_transaction;
    const char *replicas = opts->replica_hosts
                               ? opts->replica_hosts
                               : (u.replica_hosts[0] ? u.replica_hosts : NULL);
    cfg->replica_hosts = replicas ? strdup(replicas) : NULL;
    apply(&cfg->replica_max_lag_ms, opts->replica_max_lag_ms,
          u.replica_max_lag_ms, 0);
    apply(&cfg->read_your_writes_ms, opts->read_your_writes_ms,
          u.read_your_writes_ms, 0);
    if (replicas && !cfg->replica_hosts) {
        rc = ORMC_NOMEM;
        snprintf(errbuf, errsize, "out of memory");
        goto done;
    }
    cfg->search_path = u.search_path[0] ? strdup(u.search_path) : NULL;
    if (u.search_path[0] && !cfg->search_path) {
        rc = ORMC_NOMEM;
        snprintf(errbuf, errsize, "out of memory");
        goto done;
    }
    if (cfg->stmt_cache_size < 1)
        cfg->stmt_cache_size = 1;
    cfg->default_isolation = opts->default_isolation;
    if (cfg->default_isolation == ORMC_ISOLATION_DEFAULT && u.isolation > 0)
        cfg->default_isolation = (ormc_isolation)u.isolation;
    cfg->application_name =
        opts->application_name ? strdup(opts->application_name) : NULL;
    if (opts->application_name && !cfg->application_name) {
        rc = ORMC_NOMEM;
        snprintf(errbuf, errsize, "out of memory");
        goto done;
    }
    if (*backend == ORMC_SQLITE &&
        (rc = sqlite_settings(&u, opts, cfg, errbuf, errsize)) != ORMC_OK)
        goto done;
    cfg->on_connect = opts->on_connect;
    cfg->on_connect_ctx = opts->on_connect_ctx;

    *target = out.p;
    out.p = NULL;
done:
    free(kept.p);
    free(out.p);
    free(u.pragmas.p);
    return rc;
}

const char *ormc__url_from_env(const char **name)
{
    static const char *const names[] = {"ORMC_URL", "DATABASE_URL"};
    for (size_t i = 0; i < 2; i++) {
        const char *v = getenv(names[i]);
        if (v && *v) {
            if (name)
                *name = names[i];
            return v;
        }
    }
    return NULL;
}

int ormc__url_parse(const char *url, const ormc_options *opts,
                    ormc_backend *backend, char **target, char **secret,
                    ormc__config *cfg, char *errbuf, size_t errsize)
{
    const char *from = NULL;
    *target = NULL;
    *secret = NULL;
    if (!url && !(url = ormc__url_from_env(&from))) {
        snprintf(errbuf, errsize,
                 "no URL given, and neither ORMC_URL nor DATABASE_URL is "
                 "set in the environment");
        return ORMC_INVALID;
    }
    int rc =
        parse_url(url, opts, backend, target, secret, cfg, errbuf, errsize);
    if (rc != ORMC_OK && from) {
        /* say where the URL came from: the program holds none */
        char msg[256];
        snprintf(msg, sizeof msg, "%s", errbuf);
        snprintf(errbuf, errsize, "%s: %s", from, msg);
    }
    return rc;
}

void ormc__config_free(ormc__config *cfg)
{
    free(cfg->application_name);
    cfg->application_name = NULL;
    free(cfg->search_path);
    cfg->search_path = NULL;
    free(cfg->replica_hosts);
    cfg->replica_hosts = NULL;
    free(cfg->pragma_script);
    cfg->pragma_script = NULL;
}
