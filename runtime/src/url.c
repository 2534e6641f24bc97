/*
 * url.c: connection URLs and ormc's own options.
 *
 *   sqlite:PATH, sqlite::memory:, sqlite:///abs/path (two slashes dropped)
 *   postgres://... / postgresql://...  (a libpq URI)
 *   host=... dbname=...                (a libpq keyword string)
 *
 * ormc's own parameters (autocommit, busy_timeout, prepare,
 * stmt_cache_size, statement_timeout, lock_timeout,
 * idle_in_transaction_timeout, isolation) are taken out of the URL before
 * the driver sees it. A field of ormc_options that is not -1 wins over the
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

/* The URL's values of ormc's options, -1 / ISOLATION_DEFAULT when absent. */
typedef struct url_opts {
    int autocommit, busy_timeout_ms, prepare, stmt_cache_size;
    int statement_timeout_ms, lock_timeout_ms, idle_ms;
    int isolation; /* -1 absent */
} url_opts;

typedef struct buf {
    char *p;
    size_t len, cap;
    bool oom;
} buf;

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

/*
 * If key is one of ormc's options, apply value and return 1 (0: not ours,
 * -1: ours but a bad value, with errbuf set).
 */
static int take_option(url_opts *u, const char *key, const char *value,
                       char *errbuf, size_t errsize)
{
    int *slot = NULL;
    int v;
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

int ormc__url_parse(const char *url, const ormc_options *opts,
                    ormc_backend *backend, char **target, char **secret,
                    ormc__config *cfg, char *errbuf, size_t errsize)
{
    url_opts u = {-1, -1, -1, -1, -1, -1, -1, -1};
    buf kept = {0};
    buf out = {0};
    int rc = ORMC_OK;
    *target = NULL;
    *secret = NULL;
    errbuf[0] = '\0';

    if (!url) {
        snprintf(errbuf, errsize, "no URL given");
        return ORMC_INVALID;
    }
    if (strncmp(url, "sqlite:", 7) == 0) {
        *backend = ORMC_SQLITE;
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
        *backend = ORMC_POSTGRES;
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
        *backend = ORMC_POSTGRES;
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
        bool oom = false;
        for (PQconninfoOption *o = ci; o->keyword; o++) {
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
    cfg->prepare = pr != 0;
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

    *target = out.p;
    out.p = NULL;
done:
    free(kept.p);
    free(out.p);
    return rc;
}

void ormc__config_free(ormc__config *cfg)
{
    free(cfg->application_name);
    cfg->application_name = NULL;
}
