/*
 * bench/common.h: what the C benchmark programs share: the command line, the
 * data (row i of table slack_bots, the same in every implementation:
 * bench/sqla_bench.py computes the same rows), the key sequences of the
 * look-up workloads, a clock, and the result lines that bench/run.py reads.
 *
 * Header-only (static functions), so that the generated-API program and the
 * hand-written one each compile it on their own.
 */
#ifndef ORMC_BENCH_COMMON_H
#define ORMC_BENCH_COMMON_H

#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* 2024-01-01 00:00:00 UTC in microseconds since 1970. */
#define BENCH_BASE_US INT64_C(1704067200000000)

#define BENCH_SCOPES                                                           \
    "chat:write,commands,channels:read,groups:read,im:read,mpim:read,"         \
    "users:read,team:read"

/* One row of slack_bots as plain C values; NULL pointers are SQL NULL. */
typedef struct bench_row {
    int64_t id;
    const char *client_id, *app_id, *enterprise_id, *enterprise_name;
    const char *team_id, *team_name, *bot_token, *bot_id, *bot_user_id;
    const char *bot_scopes, *bot_refresh_token;
    bool has_expires;
    int64_t expires_at; /* µs since 1970, when has_expires */
    bool is_enterprise_install;
    int64_t installed_at; /* µs since 1970 */
    char text[400];       /* the strings above point into it */
} bench_row;

typedef struct bench_opts {
    const char *backend;   /* "sqlite" or "postgres" */
    const char *url;       /* sqlite: a file path; postgres: a libpq URI */
    const char *ddl;       /* the generated DDL file of the backend */
    const char *ddl_rel;   /* W9: the DDL of bench/records.lua, likewise */
    const char *workloads; /* comma-separated, e.g. "W1,W2" or "M1" */
    long n, k, reps;
    long m1_rows;   /* M1: rows to load (load) or to stream (stream) */
    const char *m1; /* M1 phase: "load" or "stream", else NULL */
} bench_opts;

/* W10: gets by key sent in batches of this many (the generated API's
 * ormc_batch, hand-written libpq's pipeline). */
#define BENCH_W10_BATCH 100

/* --paced 1: take turns with another program (bench_turn). */
static bool bench_paced;

static inline void bench_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static inline void bench_parse(int argc, char **argv, bench_opts *o)
{
    memset(o, 0, sizeof *o);
    o->n = 100000;
    o->k = 20000;
    o->reps = 3;
    o->workloads = "W1,W2,W3,W4,W5,W6,W7,W8,W9,W10";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL)
            bench_die("option %s needs a value", a);
        if (strcmp(a, "--backend") == 0)
            o->backend = v;
        else if (strcmp(a, "--url") == 0)
            o->url = v;
        else if (strcmp(a, "--ddl") == 0)
            o->ddl = v;
        else if (strcmp(a, "--ddl-rel") == 0)
            o->ddl_rel = v;
        else if (strcmp(a, "--workloads") == 0)
            o->workloads = v;
        else if (strcmp(a, "--n") == 0)
            o->n = atol(v);
        else if (strcmp(a, "--k") == 0)
            o->k = atol(v);
        else if (strcmp(a, "--reps") == 0)
            o->reps = atol(v);
        else if (strcmp(a, "--m1") == 0)
            o->m1 = v;
        else if (strcmp(a, "--m1-rows") == 0)
            o->m1_rows = atol(v);
        else if (strcmp(a, "--paced") == 0)
            bench_paced = atoi(v) != 0;
        else
            bench_die("unknown option %s", a);
        i++;
    }
    if (o->backend == NULL || o->url == NULL)
        bench_die("usage: --backend sqlite|postgres --url URL [--ddl FILE] "
                  "[--ddl-rel FILE] "
                  "[--n N] [--k K] [--reps R] [--workloads W1,...] "
                  "[--m1 load|stream --m1-rows ROWS] [--paced 0|1]");
    if (o->n < 1 || o->k < 1 || o->reps < 1)
        bench_die("--n, --k and --reps must be positive");
}

static inline bool bench_wants(const bench_opts *o, const char *w)
{
    size_t len = strlen(w);
    for (const char *p = o->workloads; (p = strstr(p, w)) != NULL; p += len)
        if ((p == o->workloads || p[-1] == ',') &&
            (p[len] == ',' || p[len] == '\0'))
            return true;
    return false;
}

static inline bool bench_is_pg(const bench_opts *o)
{
    return strcmp(o->backend, "postgres") == 0;
}

/* Teams: about ten rows each. */
static inline long bench_teams(long n)
{
    return n / 10 > 0 ? n / 10 : 1;
}

/*
 * Row i (1-based; its id is i) of a table of n rows. Keep in sync with
 * row() in bench/sqla_bench.py.
 */
static inline void bench_make_row(bench_row *r, long i, long n)
{
    long teams = bench_teams(n);
    long team = i % teams;
    bool ent = (i / teams) % 5 == 4;
    char *p = r->text, *end = r->text + sizeof r->text;
#define BENCH_STR(field, ...)                                                  \
    do {                                                                       \
        r->field = p;                                                          \
        p += snprintf(p, (size_t)(end - p), __VA_ARGS__) + 1;                  \
    } while (0)
    r->id = i;
    BENCH_STR(client_id, "C%03ld", team % 10);
    BENCH_STR(app_id, "A%07ld", i % 1000);
    if (ent) {
        BENCH_STR(enterprise_id, "E%05ld", i % 100);
        BENCH_STR(enterprise_name, "Enterprise %ld", i % 100);
    } else {
        r->enterprise_id = r->enterprise_name = NULL;
    }
    BENCH_STR(team_id, "T%06ld", team);
    BENCH_STR(team_name, "Team number %ld", team);
    BENCH_STR(bot_token, "xoxb-%012ld-%012ld", i, (i * 7) % 1000003);
    BENCH_STR(bot_id, "B%09ld", i);
    BENCH_STR(bot_user_id, "U%09ld", i);
    BENCH_STR(bot_scopes, "%s", BENCH_SCOPES);
    if (i % 3 == 0)
        BENCH_STR(bot_refresh_token, "xoxe-1-%016ld", i);
    else
        r->bot_refresh_token = NULL;
#undef BENCH_STR
    r->has_expires = i % 2 == 0;
    r->expires_at =
        r->has_expires ? BENCH_BASE_US + (i + 43200) * INT64_C(1000000) : 0;
    r->is_enterprise_install = ent;
    r->installed_at = BENCH_BASE_US + (int64_t)i * INT64_C(1000000);
}

/* W5: the new token of row id (the other columns keep their values). */
static inline void bench_update_token(char *buf, size_t size, long id)
{
    snprintf(buf, size, "xoxb-upd-%012ld", id);
}

/* W3 and W5: the k-th key looked up (a fixed stride through 1..n). */
static inline long bench_get_id(long k, long n)
{
    return (long)(((int64_t)k * 104729) % n) + 1;
}

/* W4: the k-th (client_id, team_id) looked up; enterprise_id IS NULL. */
static inline void bench_latest_key(long k, long n, char client[24],
                                    char team[24])
{
    long t = (long)(((int64_t)k * 7919) % bench_teams(n));
    snprintf(client, 24, "C%03ld", t % 10);
    snprintf(team, 24, "T%06ld", t);
}

/* W7: the k-th key of find-or-create: even k an existing row, odd k a new
 * one (row n + 1 + k). */
static inline long bench_foc_id(long k, long n)
{
    return k % 2 == 0 ? bench_get_id(k, n) : n + 1 + k;
}

/*
 * W8: query slack.team_bot_counts joins slack_bots with
 * slack_installations, which the other workloads leave empty. Both programs
 * fill it before W8 (untimed) with this statement: one installation per
 * bot, of the same id, by a user of its own.
 */
#define BENCH_W8_FILL                                                          \
    "INSERT INTO slack_installations (id, client_id, app_id, "                 \
    "enterprise_id, enterprise_name, team_id, team_name, bot_token, bot_id, "  \
    "bot_user_id, bot_scopes, bot_refresh_token, bot_token_expires_at, "       \
    "user_id, is_enterprise_install, installed_at) "                           \
    "SELECT id, client_id, app_id, enterprise_id, enterprise_name, team_id, "  \
    "team_name, bot_token, bot_id, bot_user_id, bot_scopes, "                  \
    "bot_refresh_token, bot_token_expires_at, 'U' || id, "                     \
    "is_enterprise_install, installed_at FROM slack_bots"

/* W8: the :n (LIMIT) of each call; its keys are W4's (bench_latest_key). */
#define BENCH_W8_LIMIT 5

/* W8: what one result row adds to the checksum. */
static inline uint64_t bench_w8_check(const char *team_id,
                                      const char *team_name, int64_t bots,
                                      int64_t refreshable, int64_t newest)
{
    return (team_id ? strlen(team_id) + (unsigned char)team_id[1] : 0) +
           (team_name ? strlen(team_name) : 0) + (uint64_t)bots * 7 +
           (uint64_t)refreshable * 3 + (uint64_t)newest;
}

/*
 * W9: the albums of K tracks (bench/records.lua), through the relation
 * track.album_id -> album.id. K/4 albums (ids 1..A), loaded once per
 * process before the first W9 (untimed); K tracks (ids 1..K) spread over
 * them in no particular order, every 50th without an album.
 */
static inline long bench_w9_albums(long k)
{
    return k / 4 > 0 ? k / 4 : 1;
}

/* The album of track j (1-based), or 0 for none. */
static inline int64_t bench_w9_album_of(long j, long albums)
{
    if (j % 50 == 0)
        return 0;
    return (int64_t)(((int64_t)j * 7919) % albums) + 1;
}

/* Album i: its title (into buf) and its year (0: NULL). */
static inline int bench_w9_album(long i, char buf[64])
{
    snprintf(buf, 64, "Album %06ld, remastered and expanded edition", i);
    return i % 7 == 0 ? 0 : 1950 + (int)(i % 70);
}

/* Track j's name (into buf) and length. */
static inline int bench_w9_track(long j, char buf[32])
{
    snprintf(buf, 32, "Track %ld", j);
    return 180000 + (int)(j % 120000);
}

/* What one track's album adds to the checksum (id 0: it has none). */
static inline uint64_t bench_w9_check(int64_t id, const char *title,
                                      bool has_year, int year)
{
    if (id == 0)
        return 1;
    return (uint64_t)id + strlen(title) + (has_year ? (uint64_t)year : 0);
}

/* W9 (the loader and the hand-written batches): each repetition loads the
 * albums of the K tracks this many times, so that a sample lasts long
 * enough to time. */
#define BENCH_W9_ROUNDS 20

/* W9: the most keys the hand-written program puts in one statement: the
 * runtime's ORMC_RELATION_BATCH (ormc_generated.h). */
#define BENCH_W9_BATCH 1000

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One measured repetition, as bench/run.py reads it. */
static inline void bench_result(const char *workload, long rep, long ops,
                                double seconds, uint64_t check)
{
    printf("RESULT %s %ld %ld %.6f %llu\n", workload, rep, ops, seconds,
           (unsigned long long)check);
    fflush(stdout);
}

/*
 * Wait for this program's turn. With --paced 1, bench/run.py runs the
 * generated-API program and the hand-written one side by side and lets one
 * of them run at a time, so that the two measure the same workload a
 * fraction of a second apart, under the same conditions of a shared
 * machine: a turn before each workload (with its untimed preparation), and
 * three inside it (bench_slice). A turn: print TURN, block until run.py
 * writes a line. Unpaced, it does nothing.
 */
static inline void bench_turn(void)
{
    if (!bench_paced)
        return;
    puts("TURN");
    fflush(stdout);
    char line[16];
    if (fgets(line, sizeof line, stdin) == NULL)
        exit(0); /* run.py is gone: nothing more to measure */
}

/*
 * Called between operations i - 1 and i (of n) of a timed loop: at each
 * quarter, a turn
 * (bench_turn), with the workload's clock (*t0, from bench_now) moved on
 * by the time the turn took, so that the other program's share is not
 * counted. Both programs slice their loops at the same operations.
 */
static inline void bench_slice(double *t0, long i, long n)
{
    long quarter = (n + 3) / 4;
    if (!bench_paced || i <= 0 || i >= n || i % quarter != 0)
        return;
    double paused = bench_now();
    bench_turn();
    *t0 += bench_now() - paused;
}

/* A workload this program cannot run here: run.py shows it as skipped. */
static inline void bench_skip(const char *workload, const char *why)
{
    printf("SKIP %s %s\n", workload, why);
    fflush(stdout);
}

/* Peak resident set of this process, in KiB. */
static inline long bench_peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* The whole of a file, NUL-terminated (the DDL). */
static inline char *bench_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        bench_die("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)len + 1);
    if (s == NULL || fread(s, 1, (size_t)len, f) != (size_t)len)
        bench_die("cannot read %s", path);
    s[len] = '\0';
    fclose(f);
    return s;
}

/* µs since 1970 as "YYYY-MM-DD HH:MM:SS.ffffff" (SQLite's storage). */
#define BENCH_TIME_TEXT 32
static inline size_t bench_format_time(int64_t us, char buf[BENCH_TIME_TEXT])
{
    int64_t secs = us / 1000000, frac = us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        secs--;
    }
    /* days to civil date (Howard Hinnant's algorithm) */
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = (unsigned)(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    /* Digit by digit, as a careful hand-written mapper would for the years
     * 0000-9999 this data holds: snprintf would cost more than the binding
     * and make the baseline slower than it need be. */
    unsigned s = (unsigned)rem, f = (unsigned)frac, yy = (unsigned)y;
    char *p = buf;
    *p++ = (char)('0' + yy / 1000);
    *p++ = (char)('0' + yy / 100 % 10);
    *p++ = (char)('0' + yy / 10 % 10);
    *p++ = (char)('0' + yy % 10);
    *p++ = '-';
    *p++ = (char)('0' + m / 10);
    *p++ = (char)('0' + m % 10);
    *p++ = '-';
    *p++ = (char)('0' + d / 10);
    *p++ = (char)('0' + d % 10);
    *p++ = ' ';
    *p++ = (char)('0' + s / 36000);
    *p++ = (char)('0' + s / 3600 % 10);
    *p++ = ':';
    *p++ = (char)('0' + s / 60 % 60 / 10);
    *p++ = (char)('0' + s / 60 % 10);
    *p++ = ':';
    *p++ = (char)('0' + s % 60 / 10);
    *p++ = (char)('0' + s % 10);
    *p++ = '.';
    for (int i = 5; i >= 0; i--) {
        p[i] = (char)('0' + f % 10);
        f /= 10;
    }
    p += 6;
    *p = '\0';
    return (size_t)(p - buf);
}

static inline int bench_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* The reverse, for the fixed format above (what a hand-written decoder of
 * this schema's timestamps does). */
static inline int64_t bench_parse_time(const char *s)
{
    int y = bench_digits(s, 4), m = bench_digits(s + 5, 2);
    int d = bench_digits(s + 8, 2);
    int64_t secs = bench_digits(s + 11, 2) * 3600 +
                   bench_digits(s + 14, 2) * 60 + bench_digits(s + 17, 2);
    int frac = s[19] == '.' ? bench_digits(s + 20, 6) : 0;
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + (int64_t)doe - 719468;
    return (days * 86400 + secs) * 1000000 + frac;
}

#endif
