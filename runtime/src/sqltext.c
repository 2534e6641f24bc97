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

/* A character that continues an identifier: letters, digits, `_` and the
 * bytes of UTF-8 sequences (PostgreSQL's `$` is looked at where it
 * matters). */
static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* PostgreSQL dollar quoting at p (a `$`): $$...$$ or $tag$...$tag$, the tag
 * being [A-Za-z_][A-Za-z0-9_]* (bytes >= 0x80 count as letters). 0 when p
 * starts none. */
static size_t skip_dollar_quote(const char *p)
{
    const char *t = p + 1;
    if (*t != '$') {
        if (!(isalpha((unsigned char)*t) || *t == '_' ||
              (unsigned char)*t >= 0x80))
            return 0;
        while (ident_char(*t))
            t++;
        if (*t != '$')
            return 0;
    }
    size_t taglen = (size_t)(t - p) + 1;
    const char *q = t + 1;
    while (*q) {
        if (*q == '$' && strncmp(q, p, taglen) == 0)
            return (size_t)(q - p) + taglen;
        q++;
    }
    return (size_t)(q - p);
}

/*
 * Length of the token starting at p that must be copied verbatim (a
 * literal, a quoted identifier, a comment), or 0 when p starts none. start
 * is the beginning of the text (to look behind p). The dialects differ:
 *   - SQLite quotes identifiers with [...] and `...` too; on PostgreSQL
 *     `[` is an array subscript or constructor (ARRAY[$1, $2]);
 *   - PostgreSQL's E'...' strings take backslash escapes (E'it\'s'), and
 *     its dollar quotes ($$...$$, $tag$...$tag$) hold anything.
 */
static size_t skip_quoted(const char *start, const char *p,
                          ormc_backend dialect)
{
    const char *s = p;
    bool pg = dialect == ORMC_POSTGRES;
    bool backslash = false; /* E'...': a backslash escapes what follows */
    char close;
    switch (*p) {
    case '\'':
    case '"':
        close = *p;
        break;
    case '`':
        if (pg)
            return 0;
        close = '`';
        break;
    case '[':
        if (pg)
            return 0;
        close = ']';
        break;
    case 'E':
    case 'e':
        if (!pg || p[1] != '\'' || (p > start && ident_char(p[-1])))
            return 0;
        backslash = true;
        close = '\'';
        p++;
        break;
    case '$':
        if (!pg || (p > start && (ident_char(p[-1]) || p[-1] == '$')))
            return 0;
        return skip_dollar_quote(p);
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
        if (backslash && *p == '\\' && p[1]) {
            p += 2;
            continue;
        }
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

/* p starts a $N parameter: `$` and a digit, not inside an identifier such
 * as a$1. */
static bool at_param(const char *start, const char *p)
{
    return p[0] == '$' && isdigit((unsigned char)p[1]) &&
           !(p > start && (ident_char(p[-1]) || p[-1] == '$'));
}

int ormc__sqltext_scan(const char *sql, ormc_backend dialect, int *max_param,
                       bool *multi)
{
    int maxp = 0;
    bool semi = false, more = false;
    const char *p = sql;
    while (*p) {
        if (at_param(sql, p)) {
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
        size_t n = skip_quoted(sql, p, dialect);
        if (n) {
            if (semi && !(p[0] == '-' || p[0] == '/'))
                more = true;
            p += n;
            continue;
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
        size_t n = skip_quoted(sql, p, ORMC_SQLITE);
        if (n) {
            memcpy(o, p, n);
            o += n;
            p += n;
            continue;
        }
        if (at_param(sql, p)) {
            *o++ = '?';
            p++;
            continue;
        }
        *o++ = *p++;
    }
    *o = '\0';
    return out;
}
