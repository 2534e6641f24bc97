/*
 * validate.c: client-side row checks, for ormc_row_validate and for every
 * write of a row (ormc__row_check: insert, insert_many, update, upsert,
 * find-or-create, update_where), which run them before anything is sent.
 *
 * The checks are the ones whose answer would otherwise depend on the
 * backend, so that a row is accepted or refused the same way on both:
 *   - a NOT NULL column holds a value (ormc_row_validate lets the columns
 *     the database fills on insert, serial and default now, be unset; a
 *     write never sends those unset, so it checks what it sends);
 *   - text and json are valid UTF-8 (PostgreSQL refuses invalid bytes,
 *     SQLite would store them);
 *   - `max` counts characters (code points), as varchar(n) does, not bytes
 *     (SQLite's CHECK would fail with another status than PostgreSQL's
 *     22001);
 *   - json is one JSON value (RFC 8259) as PostgreSQL's jsonb accepts it
 *     (SQLite would store any text);
 *   - an enum's C value is one of its labels (the CHECK constraint);
 *   - a double is not NaN (SQLite would store NULL);
 *   - a timestamp is not before PostgreSQL's first day (SQLite would store
 *     it, PostgreSQL refuse it).
 * The first failing column, in column order, is reported.
 */
#include "ormc_generated.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "colsets.h"
#include "fields.h"
#include "sqlbuild.h"
#include "validate.h"

/* The text of a refusal: its SQLSTATE (the code PostgreSQL gives the same
 * fault, or the nearest) and its message, without the column's name. */
typedef struct fault {
    const char *sqlstate;
    char message[144];
} fault;

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 3, 4)))
#endif
static int
refuse(fault *f, const char *sqlstate, const char *fmt, ...)
{
    f->sqlstate = sqlstate;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
    return ORMC_INVALID;
}

/*
 * The number of code points of s, or -1 when s is not valid UTF-8 (*bad
 * then gets the offset of the first bad byte). Valid means RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF. ASCII, which is
 * what most text is, costs one comparison a byte.
 */
static long long utf8_chars(const char *s, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (p[i] != 0 && p[i] < 0x80)
        i++;
    long long n = (long long)i; /* so far, one byte per character */
    while (p[i] != 0) {
        unsigned char c = p[i];
        size_t len;
        unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
        if (c < 0x80) {
            len = 1;
        } else if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0; /* overlong */
            else if (c == 0xED)
                hi = 0x9F; /* surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90; /* overlong */
            else if (c == 0xF4)
                hi = 0x8F; /* above U+10FFFF */
        } else {
            *bad = i;
            return -1;
        }
        for (size_t k = 1; k < len; k++) {
            unsigned char cc = p[i + k];
            unsigned char min = k == 1 ? lo : 0x80;
            unsigned char max = k == 1 ? hi : 0xBF;
            if (cc < min || cc > max) { /* the NUL stops here too */
                *bad = i;
                return -1;
            }
        }
        i += len;
        n++;
    }
    return n;
}

/* True when the n bytes at s are all ASCII, tested eight at a time (the
 * tail as the last eight, overlapping; short texts four at a time): the
 * common case of every text a write sends, which then needs no decoding
 * (n bytes are n characters). Never reads outside the n bytes. */
static bool all_ascii(const char *s, size_t n)
{
    uint64_t acc = 0;
    if (n >= 8) {
        uint64_t w;
        for (size_t i = 0; i + 8 <= n; i += 8) {
            memcpy(&w, s + i, sizeof w);
            acc |= w;
        }
        memcpy(&w, s + n - 8, sizeof w);
        acc |= w;
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, sizeof a);
        memcpy(&b, s + n - 4, sizeof b);
        acc = a | b;
    } else {
        for (size_t i = 0; i < n; i++)
            acc |= (unsigned char)s[i];
    }
    return (acc & UINT64_C(0x8080808080808080)) == 0;
}

static int check_text(const ormc_column *c, const char *text, fault *f)
{
    size_t bad = 0, len = strlen(text);
    long long n =
        all_ascii(text, len) ? (long long)len : utf8_chars(text, &bad);
    if (n < 0)
        return refuse(f, "22021", "not valid UTF-8 (at byte %zu)", bad);
    if (c->max_chars > 0 && n > (long long)c->max_chars)
        return refuse(f, "22001", "%lld characters, at most %lu allowed", n,
                      (unsigned long)c->max_chars);
    return ORMC_OK;
}

/* === JSON syntax (RFC 8259), as strict as PostgreSQL's jsonb === */

/* Containers nested deeper than this are refused (jsonb's own limit is
 * the server's stack, some thousands of levels further). */
#define JSON_MAX_DEPTH 8192

static bool json_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool json_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* The four hex digits at p as a number, or -1. Stops at the first byte
 * that is not one, so it never reads past the NUL. */
static long json_hex4(const unsigned char *p)
{
    long v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned char c = p[k];
        int d = json_digit(c)            ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* The string whose opening quote is at s[*i]: true with *i past its
 * closing quote, or false with *i at the offending byte. Control
 * characters must be escaped; \u0000 and unpaired surrogates are refused,
 * as jsonb refuses them (it stores text, which can hold neither). */
static bool json_string(const unsigned char *s, size_t *i)
{
    size_t k = *i + 1;
    for (;;) {
        unsigned char c = s[k];
        if (c == '"') {
            *i = k + 1;
            return true;
        }
        if (c < 0x20) /* the NUL of an unterminated string too */
            break;
        if (c != '\\') {
            k++;
            continue;
        }
        unsigned char e = s[k + 1];
        if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' ||
            e == 'n' || e == 'r' || e == 't') {
            k += 2;
            continue;
        }
        if (e != 'u')
            break;
        long u = json_hex4(s + k + 2);
        if (u <= 0 || (u >= 0xDC00 && u <= 0xDFFF))
            break; /* bad digits, \u0000, a low surrogate alone */
        if (u >= 0xD800 && u <= 0xDBFF) {
            long lo =
                s[k + 6] == '\\' && s[k + 7] == 'u' ? json_hex4(s + k + 8) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF)
                break;
            k += 12;
            continue;
        }
        k += 6;
    }
    *i = k;
    return false;
}

/* The number at s[*i]: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool json_number(const unsigned char *s, size_t *i)
{
    size_t k = *i;
    bool ok = true;
    if (s[k] == '-')
        k++;
    if (s[k] == '0')
        k++;
    else if (json_digit(s[k]) && s[k] != '0')
        while (json_digit(s[k]))
            k++;
    else
        ok = false;
    if (ok && s[k] == '.') {
        k++;
        ok = json_digit(s[k]);
        while (json_digit(s[k]))
            k++;
    }
    if (ok && (s[k] == 'e' || s[k] == 'E')) {
        k++;
        if (s[k] == '+' || s[k] == '-')
            k++;
        ok = json_digit(s[k]);
        while (json_digit(s[k]))
            k++;
    }
    *i = k;
    return ok;
}

/* A key and its colon, at s[*i] (after whitespace). */
static bool json_key(const unsigned char *s, size_t *i)
{
    while (json_ws(s[*i]))
        (*i)++;
    if (s[*i] != '"' || !json_string(s, i))
        return false;
    while (json_ws(s[*i]))
        (*i)++;
    if (s[*i] != ':')
        return false;
    (*i)++;
    return true;
}

/* True when text is one JSON value with optional whitespace around it;
 * else *bad gets the offset of the first byte that cannot be JSON there.
 * Iterative: a bit per open container says object (1) or array (0). */
static bool json_valid(const char *text, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned char is_object[JSON_MAX_DEPTH / 8];
    size_t depth = 0, i = 0;
    for (;;) {
        /* a value */
        while (json_ws(s[i]))
            i++;
        unsigned char c = s[i];
        if (c == '{' || c == '[') {
            if (depth == JSON_MAX_DEPTH)
                break;
            unsigned char bit = (unsigned char)(1u << (depth % 8));
            if (c == '{')
                is_object[depth / 8] |= bit;
            else
                is_object[depth / 8] &= (unsigned char)~bit;
            depth++;
            i++;
            while (json_ws(s[i]))
                i++;
            if (s[i] == (c == '{' ? '}' : ']')) {
                i++;
                depth--;
            } else {
                if (c == '{' && !json_key(s, &i))
                    break;
                continue; /* the first member's value */
            }
        } else if (c == '"') {
            if (!json_string(s, &i))
                break;
        } else if (c == '-' || json_digit(c)) {
            if (!json_number(s, &i))
                break;
        } else if (strncmp((const char *)s + i, "true", 4) == 0 ||
                   strncmp((const char *)s + i, "null", 4) == 0) {
            i += 4;
        } else if (strncmp((const char *)s + i, "false", 5) == 0) {
            i += 5;
        } else {
            break;
        }
        /* after a value: the end, a comma or the closing brackets */
        bool next_value = false;
        while (!next_value) {
            while (json_ws(s[i]))
                i++;
            if (depth == 0) {
                if (s[i] != '\0')
                    goto fail;
                return true;
            }
            bool obj = (is_object[(depth - 1) / 8] >> ((depth - 1) % 8)) & 1;
            if (s[i] == ',') {
                i++;
                if (obj && !json_key(s, &i))
                    goto fail;
                next_value = true;
            } else if (s[i] == (obj ? '}' : ']')) {
                i++;
                depth--;
            } else {
                goto fail;
            }
        }
    }
fail:
    *bad = i;
    return false;
}

/* Filled in on insert when unset: by the database (serial, default now), or
 * by the runtime (a default now the database lacks). */
static bool filled_by_database(const ormc_column *c)
{
    return (c->flags & (ORMC_COL_SERIAL | ORMC_COL_DEFAULT_NOW |
                        ORMC_COL_APP_DEFAULT_NOW)) != 0;
}

/*
 * The value of column c in row, which is not NULL: ORMC_OK, or
 * ORMC_INVALID with *f filled. What each type must hold so that both
 * backends store it and give it back alike:
 *   - text and json: UTF-8, max characters, json syntax (above);
 *   - an enum: one of its labels;
 *   - a double: not NaN (SQLite stores NaN as NULL);
 *   - a timestamp: within ORMC__TIME_MIN .. INT64_MAX (PostgreSQL's first
 *     day; the last microsecond an ormc_time holds), each of which both
 *     backends store and read back.
 */
static int check_value(const ormc_column *c, const void *row, fault *f)
{
    const void *field = ORMC__FIELD(row, c->offset);
    switch (c->type) {
    case ORMC_TYPE_TEXT:
    case ORMC_TYPE_JSON: {
        const char *text;
        memcpy(&text, field, sizeof text);
        int rc = check_text(c, text, f);
        if (rc != ORMC_OK)
            return rc;
        size_t bad = 0;
        if (c->type == ORMC_TYPE_JSON && !json_valid(text, &bad))
            return refuse(f, "22P02", "not valid JSON at byte %zu", bad);
        return ORMC_OK;
    }
    case ORMC_TYPE_ENUM: {
        int v;
        memcpy(&v, field, sizeof v);
        if (v < 0 || (uint32_t)v >= c->n_enum_values)
            return refuse(f, "22P02",
                          "%d is not a value of the enum (0 to %ld)", v,
                          (long)c->n_enum_values - 1);
        return ORMC_OK;
    }
    case ORMC_TYPE_DOUBLE: {
        double v;
        memcpy(&v, field, sizeof v);
        if (isnan(v))
            return refuse(f, "22023",
                          "NaN cannot be stored (SQLite would read it back "
                          "as NULL)");
        return ORMC_OK;
    }
    case ORMC_TYPE_TIMESTAMP: {
        ormc_time v;
        memcpy(&v, field, sizeof v);
        if (v < ORMC__TIME_MIN)
            return refuse(f, "22008",
                          "%lld is before 4714-11-24 BC, the first day "
                          "PostgreSQL stores",
                          (long long)v);
        return ORMC_OK;
    }
    default:
        return ORMC_OK;
    }
}

/* Column c of row: NULL where the column is NOT NULL (null_ok aside), or
 * check_value's answer. */
static int check_column(const ormc_column *c, const void *row, bool null_ok,
                        fault *f)
{
    if (ormc__col_is_null(c, row)) {
        if ((c->flags & ORMC_COL_NOT_NULL) && !null_ok)
            return refuse(f, "23502", "NULL, but the column is NOT NULL");
        return ORMC_OK;
    }
    return check_value(c, row, f);
}

int ormc_row_validate(const ormc_table *t, const void *row, ormc_invalid *why)
{
    if (why != NULL) {
        why->column = -1;
        why->message[0] = '\0';
    }
    if (t == NULL || row == NULL || t->columns == NULL) {
        if (why != NULL)
            snprintf(why->message, sizeof why->message,
                     "row: no table or no row");
        return ORMC_INVALID;
    }
    for (int i = 0; i < t->n_columns; i++) {
        const ormc_column *c = &t->columns[i];
        fault f;
        /* the database fills these when the row leaves them unset */
        if (check_column(c, row, filled_by_database(c), &f) == ORMC_OK)
            continue;
        if (why != NULL) {
            why->column = i;
            snprintf(why->message, sizeof why->message, "%s: %s", c->name,
                     f.message);
        }
        return ORMC_INVALID;
    }
    return ORMC_OK;
}

ormc_colset ormc__checked_columns(const ormc_table *t)
{
    ormc_colset m = 0;
    for (int i = 0; i < t->n_columns && i < 64; i++) {
        const ormc_column *c = &t->columns[i];
        bool nullable = c->has_offset != ORMC_NO_HAS ||
                        c->type == ORMC_TYPE_TEXT ||
                        c->type == ORMC_TYPE_JSON || c->type == ORMC_TYPE_BLOB;
        switch (c->type) {
        case ORMC_TYPE_TEXT:
        case ORMC_TYPE_JSON:
        case ORMC_TYPE_ENUM:
        case ORMC_TYPE_DOUBLE:
        case ORMC_TYPE_TIMESTAMP:
            m |= ORMC_COLUMN_BIT(i);
            break;
        default:
            if ((c->flags & ORMC_COL_NOT_NULL) && nullable)
                m |= ORMC_COLUMN_BIT(i);
        }
    }
    return m;
}

int ormc__row_check(ormc_db *db, const ormc_table *t, const void *row,
                    ormc_colset cols, ormc_colset checked, size_t row_no,
                    bool many)
{
    for (ormc_colset m = cols & checked; m; m &= m - 1) {
        const ormc_column *c = &t->columns[ormc__lowest_column(m)];
        /* This runs for every row written: a text column (most of what is
         * checked) without a has_ flag is passed here when it is NULL
         * where allowed, or ASCII within its max; anything else, and
         * every failure (for its message), goes through check_column. */
        if (c->type == ORMC_TYPE_TEXT && c->has_offset == ORMC_NO_HAS) {
            const char *text;
            memcpy(&text, ORMC__FIELD(row, c->offset), sizeof text);
            if (text == NULL) {
                if (!(c->flags & ORMC_COL_NOT_NULL))
                    continue;
            } else {
                size_t n = strlen(text);
                if ((c->max_chars == 0 || n <= c->max_chars) &&
                    all_ascii(text, n))
                    continue;
            }
        }
        fault f;
        /* unset, a default now the database lacks is sent as the current
         * time (ormc__col_param) */
        bool null_ok = (c->flags & ORMC_COL_APP_DEFAULT_NOW) != 0;
        if (check_column(c, row, null_ok, &f) == ORMC_OK)
            continue;
        if (many)
            return ormc__error(db, ORMC_INVALID, f.sqlstate, c->name,
                               "%s.%s: row %zu: %s", t->name, c->name, row_no,
                               f.message);
        return ormc__error(db, ORMC_INVALID, f.sqlstate, c->name, "%s.%s: %s",
                           t->name, c->name, f.message);
    }
    return ORMC_OK;
}

int ormc__insert_ready(ormc_db *db, const ormc_table *t, void *row,
                       ormc_colset *cols, ormc_colset *back)
{
    const ormc__table_sets *ts = ormc__table_sets_of(db, t);
    for (ormc_colset m = ts->app_now; m; m &= m - 1) {
        const ormc_column *c = &t->columns[ormc__lowest_column(m)];
        if (!ormc__col_has(c, row)) {
            ormc_time now = ormc_time_now();
            memcpy((char *)row + c->offset, &now, sizeof now);
            ormc__set_has(c, row);
        }
    }
    *cols = ormc__insert_columns_of(ts, row);
    *back = ormc__insert_returning_of(ts, *cols);
    if ((*cols & ts->checked) != 0)
        return ormc__row_check(db, t, row, *cols, ts->checked, 0, false);
    return ORMC_OK;
}
