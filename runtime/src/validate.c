/*
 * validate.c: client-side row checks (ormc_row_validate).
 *
 * The checks are the ones whose answer would otherwise depend on the
 * backend, so that a row is accepted or refused the same way on both:
 *   - a NOT NULL text, json or blob column holds a value (a scalar with a
 *     has_ flag counts too, unless the database fills it: serial, default
 *     now);
 *   - text and json are valid UTF-8 (PostgreSQL refuses invalid bytes,
 *     SQLite would store them);
 *   - `max` counts characters (code points), as varchar(n) does, not bytes
 *     (SQLite would not check it at all);
 *   - an enum's C value is one of its labels (the CHECK constraint).
 * The first failing column, in column order, is reported.
 */
#include "ormc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sqlbuild.h"

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 4, 5)))
#endif
static int
invalid(ormc_invalid *why, int column, const ormc_column *c, const char *fmt,
        ...)
{
    if (why == NULL)
        return ORMC_INVALID;
    why->column = column;
    int n = snprintf(why->message, sizeof why->message,
                     "%s: ", c != NULL ? c->name : "row");
    if (n < 0 || (size_t)n >= sizeof why->message)
        return ORMC_INVALID;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why->message + n, sizeof why->message - (size_t)n, fmt, ap);
    va_end(ap);
    return ORMC_INVALID;
}

/*
 * The number of code points of s, or -1 when s is not valid UTF-8 (*bad
 * then gets the offset of the first bad byte). Valid means RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF.
 */
static long long utf8_chars(const char *s, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    long long n = 0;
    size_t i = 0;
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

static int check_text(const ormc_column *c, int i, const char *text,
                      ormc_invalid *why)
{
    size_t bad = 0;
    long long n = utf8_chars(text, &bad);
    if (n < 0)
        return invalid(why, i, c, "not valid UTF-8 (at byte %zu)", bad);
    if (c->max_chars > 0 && n > (long long)c->max_chars)
        return invalid(why, i, c, "%lld characters, at most %lu allowed", n,
                       (unsigned long)c->max_chars);
    return ORMC_OK;
}

static bool filled_by_database(const ormc_column *c)
{
    return (c->flags & (ORMC_COL_SERIAL | ORMC_COL_DEFAULT_NOW)) != 0;
}

int ormc_row_validate(const ormc_table *t, const void *row, ormc_invalid *why)
{
    if (why != NULL) {
        why->column = -1;
        why->message[0] = '\0';
    }
    if (t == NULL || row == NULL || t->columns == NULL)
        return invalid(why, -1, NULL, "no table or no row");

    for (int i = 0; i < t->n_columns; i++) {
        const ormc_column *c = &t->columns[i];
        bool not_null = (c->flags & ORMC_COL_NOT_NULL) != 0;
        if (ormc__col_is_null(c, row)) {
            if (not_null && !filled_by_database(c))
                return invalid(why, i, c, "NULL, but the column is NOT NULL");
            continue;
        }
        const void *field = ORMC__FIELD(row, c);
        switch (c->type) {
        case ORMC_TYPE_TEXT:
        case ORMC_TYPE_JSON: {
            const char *text;
            memcpy(&text, field, sizeof text);
            int rc = check_text(c, i, text, why);
            if (rc != ORMC_OK)
                return rc;
            break;
        }
        case ORMC_TYPE_ENUM: {
            int v;
            memcpy(&v, field, sizeof v);
            if (v < 0 || (uint32_t)v >= c->n_enum_values)
                return invalid(why, i, c,
                               "%d is not a value of the enum (0 to %ld)", v,
                               (long)c->n_enum_values - 1);
            break;
        }
        default:
            break;
        }
    }
    return ORMC_OK;
}
