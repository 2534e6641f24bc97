/*
 * values.c: text forms of timestamps and UUIDs.
 *
 * Timestamps are written "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, the format
 * SQLAlchemy stores in SQLite: fixed width for years 0000-9999, so text
 * order is time order. Civil-date arithmetic after Howard Hinnant's
 * days_from_civil / civil_from_days (proleptic Gregorian, any year).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "ormc_int.h"

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)

int64_t ormc__days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void ormc__civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Two digits of v (0..99) at p. */
static void put2(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

size_t ormc_time_format(ormc_time t, char *buf, size_t size)
{
    /* floor division, so that times before 1970 keep a positive fraction */
    int64_t days = t / US_PER_DAY;
    int64_t rem = t % US_PER_DAY;
    if (rem < 0) {
        rem += US_PER_DAY;
        days--;
    }
    int64_t y;
    unsigned m, d;
    ormc__civil_from_days(days, &y, &m, &d);
    unsigned secs = (unsigned)(rem / US_PER_SEC);
    unsigned us = (unsigned)(rem % US_PER_SEC);
    if (y < 0 || y > 9999 || size < 27) {
        /* outside the fixed-width form, or truncated: rare enough for
         * printf's generality */
        /* years before 1 BC keep four digits after their sign, which is
         * what ormc_time_parse reads back */
        int n = snprintf(buf, size, "%s%04lld-%02u-%02u %02u:%02u:%02u.%06u",
                         y < 0 ? "-" : "", (long long)(y < 0 ? -y : y), m, d,
                         secs / 3600, secs / 60 % 60, secs % 60, us);
        if (n < 0)
            return 0;
        return (size_t)n < size ? (size_t)n : (size ? size - 1 : 0);
    }
    /* The common case, written digit by digit: this runs for every
     * timestamp bound on SQLite, where snprintf cost more than the
     * statement's own binding. */
    put2(buf, (unsigned)(y / 100));
    put2(buf + 2, (unsigned)(y % 100));
    buf[4] = '-';
    put2(buf + 5, m);
    buf[7] = '-';
    put2(buf + 8, d);
    buf[10] = ' ';
    put2(buf + 11, secs / 3600);
    buf[13] = ':';
    put2(buf + 14, secs / 60 % 60);
    buf[16] = ':';
    put2(buf + 17, secs % 60);
    buf[19] = '.';
    put2(buf + 20, us / 10000);
    put2(buf + 22, us / 100 % 100);
    put2(buf + 24, us % 100);
    buf[26] = '\0';
    return 26;
}

static bool is_digit(char c)
{
    /* not isdigit(): no locale table lookup per character */
    return (unsigned)(c - '0') < 10;
}

/* Read exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit((*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* The digit at p[i] as a number; d + 6 OR-ed into *bad stays below 16
 * only when it was 0-9 (a function, so that several in one expression are
 * sequenced). */
static inline unsigned digit_at(const char *p, int i, unsigned *bad)
{
    unsigned d = (unsigned char)(p[i] - '0');
    *bad |= d + 6;
    return d;
}

/*
 * The form ormc_time_format writes, "YYYY-MM-DD HH:MM:SS.ffffff" (26
 * characters), which is what every timestamp read back from SQLite holds:
 * read without branching per digit (digit_at). False when text has another
 * form (the general parser then decides).
 */
static bool parse_canonical(const char *p, ormc_time *out)
{
    if (strlen(p) != 26 || p[4] != '-' || p[7] != '-' || p[10] != ' ' ||
        p[13] != ':' || p[16] != ':' || p[19] != '.')
        return false;
    unsigned bad = 0;
#define D(i) digit_at(p, i, &bad)
    unsigned year = D(0) * 1000 + D(1) * 100 + D(2) * 10 + D(3);
    unsigned mon = D(5) * 10 + D(6), day = D(8) * 10 + D(9);
    unsigned hh = D(11) * 10 + D(12), mm = D(14) * 10 + D(15);
    unsigned ss = D(17) * 10 + D(18);
    unsigned frac = D(20) * 100000 + D(21) * 10000 + D(22) * 1000 +
                    D(23) * 100 + D(24) * 10 + D(25);
#undef D
    if (bad > 15 || mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 24 ||
        mm > 59 || ss > 60)
        return false;
    int64_t days = ormc__days_from_civil(year, mon, day);
    *out = (days * 86400 + hh * 3600 + mm * 60 + ss) * US_PER_SEC + frac;
    return true;
}

int ormc_time_parse(const char *text, ormc_time *out)
{
    if (!text || !out)
        return ORMC_INVALID;
    if (parse_canonical(text, out))
        return ORMC_OK;
    const char *p = text;
    bool neg_year = false;
    if (*p == '-') {
        neg_year = true;
        p++;
    }
    int64_t year = 0;
    int nd = 0;
    while (is_digit(*p) && nd < 7) {
        year = year * 10 + (*p++ - '0');
        nd++;
    }
    if (nd < 4)
        return ORMC_INVALID;
    if (neg_year)
        year = -year;
    int mon, day, hh = 0, mm = 0, ss = 0;
    if (*p++ != '-' || !digits(&p, 2, &mon) || *p++ != '-' ||
        !digits(&p, 2, &day))
        return ORMC_INVALID;
    int64_t frac = 0;
    if (*p == ' ' || *p == 'T') {
        p++;
        if (!digits(&p, 2, &hh) || *p++ != ':' || !digits(&p, 2, &mm))
            return ORMC_INVALID;
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &ss))
                return ORMC_INVALID;
            if (*p == '.') {
                p++;
                int n = 0;
                while (is_digit(*p)) {
                    if (n < 6) {
                        frac = frac * 10 + (*p - '0');
                        n++;
                    }
                    p++; /* digits beyond microseconds are cut */
                }
                if (n == 0)
                    return ORMC_INVALID;
                while (n++ < 6)
                    frac *= 10;
            }
        }
    }
    int64_t offset_s = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1;
        int oh, om = 0, os = 0;
        if (!digits(&p, 2, &oh))
            return ORMC_INVALID;
        if (*p == ':')
            p++;
        if (is_digit(*p)) {
            if (!digits(&p, 2, &om))
                return ORMC_INVALID;
            if (*p == ':') {
                p++;
                if (!digits(&p, 2, &os))
                    return ORMC_INVALID;
            }
        }
        offset_s = sign * ((int64_t)oh * 3600 + om * 60 + os);
    }
    if (*p != '\0')
        return ORMC_INVALID;
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 24 || mm > 59 ||
        ss > 60)
        return ORMC_INVALID;
    int64_t days = ormc__days_from_civil(year, (unsigned)mon, (unsigned)day);
    int64_t secs = days * 86400 + hh * 3600 + mm * 60 + ss - offset_s;
    /* Exactly the instants an ormc_time holds, about 292,000 years either
     * side of 1970, INT64_MIN and INT64_MAX included: ormc_time_format
     * writes every one of them, and what it wrote must read back (a
     * stored row would otherwise become unreadable). */
    const int64_t max_s = INT64_MAX / US_PER_SEC;     /* floor */
    const int64_t min_s = INT64_MIN / US_PER_SEC - 1; /* floor */
    if (secs > max_s || secs < min_s)
        return ORMC_INVALID;
    if (secs == max_s && frac > INT64_MAX % US_PER_SEC)
        return ORMC_INVALID;
    if (secs == min_s) {
        /* min_s seconds alone are below INT64_MIN: add the fraction
         * first */
        if (frac < US_PER_SEC + INT64_MIN % US_PER_SEC)
            return ORMC_INVALID;
        *out = (secs + 1) * US_PER_SEC + (frac - US_PER_SEC);
        return ORMC_OK;
    }
    *out = secs * US_PER_SEC + frac;
    return ORMC_OK;
}

void ormc_uuid_format(const ormc_uuid *u, char buf[ORMC_UUID_TEXT_MAX])
{
    static const char hex[] = "0123456789abcdef";
    char *p = buf;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[u->bytes[i] >> 4];
        *p++ = hex[u->bytes[i] & 15];
    }
    *p = '\0';
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int ormc_uuid_parse(const char *text, ormc_uuid *out)
{
    if (!text || !out)
        return ORMC_INVALID;
    /* canonical 8-4-4-4-12, any case; also 32 hex digits without dashes
     * and either form in braces, as PostgreSQL accepts */
    const char *p = text;
    bool brace = *p == '{';
    if (brace)
        p++;
    size_t len = strlen(p);
    bool dashes = len == (size_t)36 + brace;
    if (!dashes && len != 32 + (size_t)brace)
        return ORMC_INVALID;
    ormc_uuid u;
    for (int i = 0; i < 16; i++) {
        if (dashes && (i == 4 || i == 6 || i == 8 || i == 10)) {
            if (*p++ != '-')
                return ORMC_INVALID;
        }
        int hi = hexval(p[0]), lo = hi < 0 ? -1 : hexval(p[1]);
        if (hi < 0 || lo < 0)
            return ORMC_INVALID;
        u.bytes[i] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
    if (brace && *p++ != '}')
        return ORMC_INVALID;
    if (*p)
        return ORMC_INVALID;
    *out = u;
    return ORMC_OK;
}
