/*
 * sqltext.c: the little SQL lexing the runtime needs: find the $N
 * parameters outside literals, identifiers and comments, detect scripts of
 * several statements, and rewrite $N to SQLite's ?N.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ormc_int.h"

/* Length of the token starting at p that must be copied verbatim (a
 * literal, a quoted identifier, a comment), or 0 when p starts none. */
static size_t skip_quoted(const char *p)
{
    const char *s = p;
    char close;
    switch (*p) {
    case '\'':
    case '"':
    case '`':
        close = *p;
        break;
    case '[':
        close = ']';
        break;
    case '-':
        if (p[1] != '-')
            return 0;
        while (*p && *p != '\n')
            p++;
        return (size_t)(p - s);
    case '/':
        if (p[1] != '*')
            return 0;
        p += 2;
        while (*p && !(p[0] == '*' && p[1] == '/'))
            p++;
        return (size_t)(p - s) + (*p ? 2 : 0);
    default:
        return 0;
    }
    p++;
    for (;;) {
        if (!*p)
            return (size_t)(p - s);
        if (*p == close) {
            if (close != ']' && p[1] == close) { /* doubled: escaped */
                p += 2;
                continue;
            }
            return (size_t)(p - s) + 1;
        }
        p++;
    }
}

/* PostgreSQL dollar quoting: $$...$$ or $tag$...$tag$. */
static size_t skip_dollar_quote(const char *p)
{
    const char *t = p + 1;
    while (*t == '_' || isalpha((unsigned char)*t))
        t++;
    if (*t != '$')
        return 0;
    size_t taglen = (size_t)(t - p) + 1;
    const char *q = t + 1;
    while (*q) {
        if (*q == '$' && strncmp(q, p, taglen) == 0)
            return (size_t)(q - p) + taglen;
        q++;
    }
    return (size_t)(q - p);
}

int ormc__sqltext_scan(const char *sql, int *max_param, bool *multi)
{
    int maxp = 0;
    bool semi = false, more = false;
    const char *p = sql;
    while (*p) {
        size_t n = skip_quoted(p);
        if (n) {
            if (semi && !(p[0] == '-' || p[0] == '/'))
                more = true;
            p += n;
            continue;
        }
        if (*p == '$' && isdigit((unsigned char)p[1])) {
            /* not part of an identifier such as a$1 */
            if (p > sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) {
                p++;
                continue;
            }
            long v = 0;
            p++;
            while (isdigit((unsigned char)*p)) {
                v = v * 10 + (*p++ - '0');
                if (v > 65535)
                    return ORMC_INVALID;
            }
            if (v == 0)
                return ORMC_INVALID;
            if (v > maxp)
                maxp = (int)v;
            if (semi)
                more = true;
            continue;
        }
        if (*p == '$' && (p == sql || !isalnum((unsigned char)p[-1]))) {
            n = skip_dollar_quote(p);
            if (n) {
                if (semi)
                    more = true;
                p += n;
                continue;
            }
        }
        if (*p == ';')
            semi = true;
        else if (semi && !isspace((unsigned char)*p))
            more = true;
        p++;
    }
    if (max_param)
        *max_param = maxp;
    if (multi)
        *multi = more;
    return ORMC_OK;
}

char *ormc__sqltext_to_sqlite(const char *sql)
{
    size_t len = strlen(sql);
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    const char *p = sql;
    char *o = out;
    while (*p) {
        size_t n = skip_quoted(p);
        if (n) {
            memcpy(o, p, n);
            o += n;
            p += n;
            continue;
        }
        if (*p == '$' && isdigit((unsigned char)p[1]) &&
            !(p > sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))) {
            *o++ = '?';
            p++;
            continue;
        }
        *o++ = *p++;
    }
    *o = '\0';
    return out;
}
