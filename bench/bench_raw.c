/*
 * bench/bench_raw.c: the workloads of bench_gen.c written by hand on the raw
 * drivers, the way a careful C programmer would: every statement prepared
 * once and reused, values bound straight from the program's structs, rows
 * decoded into a struct like the generated one (strings of fetched rows
 * copied into one allocation per row, as the generated API gives them;
 * borrowed from the driver while streaming in W2). PostgreSQL: parameters
 * and results in binary (measured faster than text here: no number or
 * timestamp parsing), bulk insert by COPY ... (FORMAT binary). SQLite:
 * sqlite3_last_insert_rowid() instead of RETURNING where it suffices.
 *
 * This is the physical limit the generated API is measured against: do not
 * make it slower to flatter the comparison.
 */
#define _DEFAULT_SOURCE /* htobe64 and friends */
#include "common.h"

#include <arpa/inet.h>
#include <endian.h>
#include <libpq-fe.h>
#include <sqlite3.h>

/* The decoded row, shaped like the generated struct slack_bot. */
typedef struct raw_bot {
    int64_t id;
    const char *client_id, *app_id, *enterprise_id, *enterprise_name;
    const char *team_id, *team_name, *bot_token, *bot_id, *bot_user_id;
    const char *bot_scopes, *bot_refresh_token;
    bool has_bot_token_expires_at;
    int64_t bot_token_expires_at;
    bool is_enterprise_install;
    int64_t installed_at;
    void *owned; /* the one allocation of a fetched row, or NULL */
} raw_bot;

#define N_TEXT 11

static const char **text_field(raw_bot *b, int i)
{
    const char **f[N_TEXT] = {
        &b->client_id,       &b->app_id,           &b->enterprise_id,
        &b->enterprise_name, &b->team_id,          &b->team_name,
        &b->bot_token,       &b->bot_id,           &b->bot_user_id,
        &b->bot_scopes,      &b->bot_refresh_token};
    return f[i];
}

/* Give a decoded row with borrowed strings its own copies, in one block. */
static void own_strings(raw_bot *b)
{
    size_t len[N_TEXT], total = 0;
    for (int i = 0; i < N_TEXT; i++) {
        const char *s = *text_field(b, i);
        len[i] = s ? strlen(s) + 1 : 0;
        total += len[i];
    }
    char *p = malloc(total ? total : 1);
    if (p == NULL)
        bench_die("out of memory");
    b->owned = p;
    for (int i = 0; i < N_TEXT; i++) {
        const char **f = text_field(b, i);
        if (*f) {
            memcpy(p, *f, len[i]);
            *f = p;
            p += len[i];
        }
    }
}

static void raw_free(raw_bot *b)
{
    free(b->owned);
    b->owned = NULL;
}

static uint64_t row_check(const raw_bot *b)
{
    return (uint64_t)b->id + strlen(b->team_id) + strlen(b->bot_token) +
           (uint64_t)b->installed_at % 1000003 + (b->enterprise_id ? 1 : 0);
}

#define COLS                                                                   \
    "\"client_id\", \"app_id\", \"enterprise_id\", \"enterprise_name\", "      \
    "\"team_id\", \"team_name\", \"bot_token\", \"bot_id\", "                  \
    "\"bot_user_id\", \"bot_scopes\", \"bot_refresh_token\", "                 \
    "\"bot_token_expires_at\", \"is_enterprise_install\", \"installed_at\""
#define ALL_COLS "\"id\", " COLS

/* W8: the text of query slack.team_bot_counts, as generated/slack.c has it
 * (SQLite numbers $1, $2, $3 in order of appearance, as ?1, ?2, ?3). */
#define W8_SQL                                                                 \
    "SELECT b.team_id, b.team_name, count(*) AS bots,\n       "                \
    "count(i.bot_refresh_token) AS refreshable,\n       max(i.id) AS "         \
    "newest_installation_id\nFROM slack_bots b\nJOIN slack_installations i "   \
    "ON i.id = b.id\nWHERE b.client_id = $1 AND b.enterprise_id IS NULL\n  "   \
    "AND b.team_id = $2\nGROUP BY b.team_id, b.team_name\nORDER BY "           \
    "b.team_name\nLIMIT $3"

/* W8: a decoded result row, shaped like slack_team_bot_counts_row; its
 * strings in one allocation of its own, as a fetched row of the generated
 * list owns them. */
typedef struct w8_row {
    const char *team_id, *team_name;
    int64_t bots, refreshable, newest_installation_id;
    void *owned;
} w8_row;

/* W8: the rows of one call; items is reused from call to call. */
typedef struct w8_list {
    w8_row *items;
    size_t count, cap;
} w8_list;

static w8_row *w8_push(w8_list *l)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
        if (l->items == NULL)
            bench_die("out of memory");
    }
    return &l->items[l->count++];
}

/* Give a row decoded with borrowed strings its own copies, in one block. */
static void w8_own(w8_row *row)
{
    size_t a = row->team_id ? strlen(row->team_id) + 1 : 0;
    size_t b = row->team_name ? strlen(row->team_name) + 1 : 0;
    char *p = malloc(a + b ? a + b : 1);
    if (p == NULL)
        bench_die("out of memory");
    row->owned = p;
    if (row->team_id)
        row->team_id = memcpy(p, row->team_id, a);
    if (row->team_name)
        row->team_name = memcpy(p + a, row->team_name, b);
}

/* Add the rows of one call to the checksum and release them. */
static uint64_t w8_sum_and_clear(w8_list *l)
{
    uint64_t sum = 0;
    for (size_t r = 0; r < l->count; r++) {
        w8_row *row = &l->items[r];
        sum += bench_w8_check(row->team_id, row->team_name, row->bots,
                              row->refreshable, row->newest_installation_id);
        free(row->owned);
    }
    l->count = 0;
    return sum;
}

/* W9: a decoded album, shaped like the generated records_album; its title
 * in an allocation of its own, as a loaded row owns its strings. */
typedef struct raw_album {
    int64_t id;
    const char *title;
    bool has_year;
    int32_t year;
    void *owned;
} raw_album;

/* W9: the tracks' album keys (0: none), one slot per track, and what one
 * round of loading works with. */
typedef struct w9_state {
    long k, n_albums;
    int64_t *album_of; /* [k]: track j+1's album, or 0 */
    int64_t *keys;     /* [k]: the distinct keys of a round */
    raw_album *albums; /* [k]: the rows of a round */
    size_t n_rows;
} w9_state;

static void w9_init(w9_state *w, long k)
{
    w->k = k;
    w->n_albums = bench_w9_albums(k);
    w->n_rows = 0;
    w->album_of = malloc((size_t)k * sizeof *w->album_of);
    w->keys = malloc((size_t)k * sizeof *w->keys);
    w->albums = malloc((size_t)k * sizeof *w->albums);
    if (!w->album_of || !w->keys || !w->albums)
        bench_die("out of memory");
    for (long j = 1; j <= k; j++)
        w->album_of[j - 1] = bench_w9_album_of(j, w->n_albums);
}

static void w9_free(w9_state *w)
{
    free(w->album_of);
    free(w->keys);
    free(w->albums);
}

static int cmp_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_album(const void *a, const void *b)
{
    return cmp_int64(&((const raw_album *)a)->id, &((const raw_album *)b)->id);
}

/* The distinct non-zero keys of the tracks, sorted, into w->keys. */
static size_t w9_distinct_keys(w9_state *w)
{
    size_t n = 0;
    for (long j = 0; j < w->k; j++)
        if (w->album_of[j] != 0)
            w->keys[n++] = w->album_of[j];
    qsort(w->keys, n, sizeof *w->keys, cmp_int64);
    size_t d = 0;
    for (size_t i = 0; i < n; i++)
        if (d == 0 || w->keys[d - 1] != w->keys[i])
            w->keys[d++] = w->keys[i];
    return d;
}

/* Add a decoded album whose title is borrowed; it gets its own copy. */
static void w9_push(w9_state *w, int64_t id, const char *title, size_t len,
                    bool has_year, int32_t year)
{
    raw_album *a = &w->albums[w->n_rows++];
    char *copy = malloc(len + 1);
    if (copy == NULL)
        bench_die("out of memory");
    memcpy(copy, title, len);
    copy[len] = '\0';
    a->id = id;
    a->title = copy;
    a->owned = copy;
    a->has_year = has_year;
    a->year = year;
}

/* Every track's album by binary search in the sorted rows; the rows freed.
 * Returns the round's checksum. */
static uint64_t w9_resolve(w9_state *w)
{
    /* sorted unless the database returned them out of key order */
    for (size_t i = 1; i < w->n_rows; i++) {
        if (w->albums[i - 1].id > w->albums[i].id) {
            qsort(w->albums, w->n_rows, sizeof *w->albums, cmp_album);
            break;
        }
    }
    uint64_t sum = 0;
    for (long j = 0; j < w->k; j++) {
        int64_t key = w->album_of[j];
        if (key == 0) {
            sum += bench_w9_check(0, NULL, false, 0);
            continue;
        }
        size_t lo = 0, hi = w->n_rows;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (w->albums[mid].id < key)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == w->n_rows || w->albums[lo].id != key)
            bench_die("W9: no album %lld", (long long)key);
        const raw_album *a = &w->albums[lo];
        sum += bench_w9_check(a->id, a->title, a->has_year, a->year);
    }
    for (size_t i = 0; i < w->n_rows; i++)
        free(w->albums[i].owned);
    w->n_rows = 0;
    return sum;
}

#define W9_DROP "DROP TABLE IF EXISTS track; DROP TABLE IF EXISTS album"

typedef struct data {
    long n, k;
    bench_row *rows;
    char (*tokens)[32];
    bench_row *foc; /* W7 */
} data;

static void make_data(data *d, long n, long k)
{
    d->n = n;
    d->k = k;
    d->rows = malloc((size_t)n * sizeof *d->rows);
    d->tokens = malloc((size_t)k * sizeof *d->tokens);
    d->foc = malloc((size_t)k * sizeof *d->foc);
    if (!d->rows || !d->tokens || !d->foc)
        bench_die("out of memory");
    for (long i = 0; i < n; i++)
        bench_make_row(&d->rows[i], i + 1, n);
    for (long j = 0; j < k; j++) {
        bench_update_token(d->tokens[j], sizeof d->tokens[j],
                           bench_get_id(j, n));
        bench_make_row(&d->foc[j], bench_foc_id(j, n), n);
    }
}

/* ===================================================================== */
/* SQLite                                                                */
/* ===================================================================== */

typedef struct lite {
    sqlite3 *db;
    sqlite3_stmt *insert, *insert_id, *select_all, *get, *latest, *update,
        *foc_insert;
    /* W9: the statement of a full batch and of the last one (w9_last_n
     * keys); prepared once, kept across repetitions */
    sqlite3_stmt *w9_full, *w9_last;
    size_t w9_last_n;
} lite;

static void lite_check(lite *l, int rc, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        bench_die("%s: %s", what, sqlite3_errmsg(l->db));
}

static void lite_exec(lite *l, const char *sql)
{
    lite_check(l, sqlite3_exec(l->db, sql, NULL, NULL, NULL), sql);
}

static sqlite3_stmt *lite_prepare(lite *l, const char *sql)
{
    sqlite3_stmt *st;
    lite_check(l,
               sqlite3_prepare_v3(l->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                  &st, NULL),
               sql);
    return st;
}

static void lite_finalize(lite *l)
{
    sqlite3_stmt **all[] = {&l->insert, &l->insert_id, &l->select_all, &l->get,
                            &l->latest, &l->update,    &l->foc_insert};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
}

static void lite_reset_table(lite *l, const char *ddl)
{
    lite_finalize(l);
    lite_exec(l, "DROP TABLE IF EXISTS slack_bots");
    lite_exec(l, ddl);
    l->insert = lite_prepare(l, "INSERT INTO slack_bots (" COLS
                                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                                "?9, ?10, ?11, ?12, ?13, ?14)");
    l->insert_id = NULL;
    l->select_all = lite_prepare(l, "SELECT " ALL_COLS " FROM slack_bots");
    l->get = lite_prepare(l, "SELECT " ALL_COLS
                             " FROM slack_bots WHERE \"id\" = ?1");
    l->latest = lite_prepare(
        l, "SELECT " ALL_COLS " FROM slack_bots WHERE \"client_id\" = ?1 AND "
           "\"enterprise_id\" IS NULL AND \"team_id\" = ?2 "
           "ORDER BY \"installed_at\" DESC LIMIT 1");
    l->update = lite_prepare(
        l, "UPDATE slack_bots SET \"client_id\" = ?2, \"app_id\" = ?3, "
           "\"enterprise_id\" = ?4, \"enterprise_name\" = ?5, "
           "\"team_id\" = ?6, \"team_name\" = ?7, \"bot_token\" = ?8, "
           "\"bot_id\" = ?9, \"bot_user_id\" = ?10, \"bot_scopes\" = ?11, "
           "\"bot_refresh_token\" = ?12, \"bot_token_expires_at\" = ?13, "
           "\"is_enterprise_install\" = ?14, \"installed_at\" = ?15 "
           "WHERE \"id\" = ?1");
    l->foc_insert = lite_prepare(
        l,
        "INSERT INTO slack_bots (" ALL_COLS
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
        "?13, ?14, ?15) ON CONFLICT (\"id\") DO NOTHING RETURNING " ALL_COLS);
}

static void lite_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* Bind the 14 non-key columns of r from parameter `first` on; the time
 * texts go to the caller's buffers, which outlive the step. */
static void lite_bind_row(sqlite3_stmt *st, int first, const bench_row *r,
                          const char *token, char t1[32], char t2[32])
{
    int i = first;
    lite_text(st, i++, r->client_id);
    lite_text(st, i++, r->app_id);
    lite_text(st, i++, r->enterprise_id);
    lite_text(st, i++, r->enterprise_name);
    lite_text(st, i++, r->team_id);
    lite_text(st, i++, r->team_name);
    lite_text(st, i++, token ? token : r->bot_token);
    lite_text(st, i++, r->bot_id);
    lite_text(st, i++, r->bot_user_id);
    lite_text(st, i++, r->bot_scopes);
    lite_text(st, i++, r->bot_refresh_token);
    if (r->has_expires) {
        size_t len = bench_format_time(r->expires_at, t1);
        sqlite3_bind_text(st, i++, t1, (int)len, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(st, i++);
    }
    sqlite3_bind_int(st, i++, r->is_enterprise_install);
    size_t len = bench_format_time(r->installed_at, t2);
    sqlite3_bind_text(st, i++, t2, (int)len, SQLITE_STATIC);
}

/* Decode the current row (all columns, id first); strings borrowed. */
static void lite_decode(sqlite3_stmt *st, raw_bot *b)
{
    b->id = sqlite3_column_int64(st, 0);
    for (int i = 0; i < N_TEXT; i++)
        *text_field(b, i) = (const char *)sqlite3_column_text(st, 1 + i);
    const char *t = (const char *)sqlite3_column_text(st, 12);
    b->has_bot_token_expires_at = t != NULL;
    b->bot_token_expires_at = t ? bench_parse_time(t) : 0;
    b->is_enterprise_install = sqlite3_column_int(st, 13) != 0;
    b->installed_at =
        bench_parse_time((const char *)sqlite3_column_text(st, 14));
    b->owned = NULL;
}

/* W9, untimed, once: the albums and tracks of bench/records.lua. */
static void lite_w9_setup(lite *l, const bench_opts *o, w9_state *w)
{
    if (o->ddl_rel == NULL)
        bench_die("W9 needs --ddl-rel");
    char *ddl = bench_read_file(o->ddl_rel);
    lite_exec(l, W9_DROP);
    lite_exec(l, ddl);
    free(ddl);
    lite_exec(l, "BEGIN");
    sqlite3_stmt *st = lite_prepare(
        l, "INSERT INTO album (id, title, year) VALUES (?1, ?2, ?3)");
    char buf[64];
    for (long i = 1; i <= w->n_albums; i++) {
        int year = bench_w9_album(i, buf);
        sqlite3_bind_int64(st, 1, i);
        sqlite3_bind_text(st, 2, buf, -1, SQLITE_STATIC);
        if (year)
            sqlite3_bind_int(st, 3, year);
        else
            sqlite3_bind_null(st, 3);
        lite_check(l, sqlite3_step(st), "W9 album");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    st = lite_prepare(l, "INSERT INTO track (id, album_id, name, "
                         "milliseconds) VALUES (?1, ?2, ?3, ?4)");
    for (long j = 1; j <= w->k; j++) {
        int ms = bench_w9_track(j, buf);
        sqlite3_bind_int64(st, 1, j);
        if (w->album_of[j - 1])
            sqlite3_bind_int64(st, 2, w->album_of[j - 1]);
        else
            sqlite3_bind_null(st, 2);
        sqlite3_bind_text(st, 3, buf, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, ms);
        lite_check(l, sqlite3_step(st), "W9 track");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    lite_exec(l, "COMMIT");
    lite_exec(l, "ANALYZE");
}

/* W9: the statement for a batch of n keys, prepared once per size (two
 * sizes at most: the full batch and the last). */
static sqlite3_stmt *lite_w9_stmt(lite *l, size_t n)
{
    if (n == BENCH_W9_BATCH && l->w9_full != NULL)
        return l->w9_full;
    if (n != BENCH_W9_BATCH && l->w9_last != NULL && l->w9_last_n == n)
        return l->w9_last;
    char *sql = malloc(64 + n * 8);
    if (sql == NULL)
        bench_die("out of memory");
    size_t len = (size_t)sprintf(
        sql, "SELECT \"id\", \"title\", \"year\" FROM \"album\" "
             "WHERE \"id\" IN (");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(sql + len, i ? ", ?%zu" : "?%zu", i + 1);
    strcpy(sql + len, ")");
    sqlite3_stmt *st = lite_prepare(l, sql);
    free(sql);
    if (n == BENCH_W9_BATCH)
        return l->w9_full = st;
    sqlite3_finalize(l->w9_last);
    l->w9_last_n = n;
    return l->w9_last = st;
}

/* W9, one round: the distinct keys in batches, the rows decoded, each
 * track's album found. */
static uint64_t lite_w9_round(lite *l, w9_state *w)
{
    size_t n = w9_distinct_keys(w);
    for (size_t first = 0; first < n; first += BENCH_W9_BATCH) {
        size_t m = n - first < BENCH_W9_BATCH ? n - first : BENCH_W9_BATCH;
        sqlite3_stmt *st = lite_w9_stmt(l, m);
        for (size_t i = 0; i < m; i++)
            sqlite3_bind_int64(st, (int)i + 1, w->keys[first + i]);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            bool has_year = sqlite3_column_type(st, 2) != SQLITE_NULL;
            w9_push(w, sqlite3_column_int64(st, 0),
                    (const char *)sqlite3_column_text(st, 1),
                    (size_t)sqlite3_column_bytes(st, 1), has_year,
                    has_year ? sqlite3_column_int(st, 2) : 0);
        }
        lite_check(l, rc, "W9 step");
        sqlite3_reset(st);
    }
    return w9_resolve(w);
}

static void lite_run(const bench_opts *o, data *d)
{
    lite l = {0};
    if (sqlite3_open_v2(o->url, &l.db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK)
        bench_die("open %s: %s", o->url, sqlite3_errmsg(l.db));
    sqlite3_busy_timeout(l.db, 5000);
    lite_exec(&l, "PRAGMA journal_mode = WAL");
    lite_exec(&l, "PRAGMA synchronous = NORMAL");
    char *ddl = bench_read_file(o->ddl);
    char t1[32], t2[32];
    w9_state w9;
    w9_init(&w9, d->k);

    /* a turn (bench_turn) before each workload, as in bench_gen.c */
    for (long rep = 1; rep <= o->reps; rep++) {
        bench_turn();
        lite_reset_table(&l, ddl);

        /* W1 */
        uint64_t sum = 0;
        double t0 = bench_now();
        lite_exec(&l, "BEGIN");
        for (long i = 0; i < d->n; i++) {
            bench_slice(&t0, i, d->n);
            lite_bind_row(l.insert, 1, &d->rows[i], NULL, t1, t2);
            lite_check(&l, sqlite3_step(l.insert), "W1 insert");
            sum += (uint64_t)sqlite3_last_insert_rowid(l.db);
            sqlite3_reset(l.insert);
        }
        lite_exec(&l, "COMMIT");
        bench_result("W1", rep, d->n, bench_now() - t0, sum);
        lite_exec(&l, "ANALYZE");

        if (bench_wants(o, "W2")) {
            bench_turn();
            sum = 0;
            long count = 0;
            t0 = bench_now();
            int rc;
            while ((rc = sqlite3_step(l.select_all)) == SQLITE_ROW) {
                raw_bot b;
                lite_decode(l.select_all, &b);
                sum += row_check(&b);
                count++;
                bench_slice(&t0, count, d->n);
            }
            lite_check(&l, rc, "W2 step");
            sqlite3_reset(l.select_all);
            bench_result("W2", rep, count, bench_now() - t0, sum);
        }

        if (bench_wants(o, "W3")) {
            bench_turn();
            sum = 0;
            t0 = bench_now();
            for (long j = 0; j < d->k; j++) {
                bench_slice(&t0, j, d->k);
                sqlite3_bind_int64(l.get, 1, bench_get_id(j, d->n));
                if (sqlite3_step(l.get) != SQLITE_ROW)
                    bench_die("W3: no row: %s", sqlite3_errmsg(l.db));
                raw_bot b;
                lite_decode(l.get, &b);
                own_strings(&b);
                sqlite3_reset(l.get);
                sum += row_check(&b);
                raw_free(&b);
            }
            bench_result("W3", rep, d->k, bench_now() - t0, sum);
        }

        if (bench_wants(o, "W4")) {
            bench_turn();
            sum = 0;
            t0 = bench_now();
            for (long j = 0; j < d->k; j++) {
                bench_slice(&t0, j, d->k);
                char client[24], team[24];
                bench_latest_key(j, d->n, client, team);
                sqlite3_bind_text(l.latest, 1, client, -1, SQLITE_STATIC);
                sqlite3_bind_text(l.latest, 2, team, -1, SQLITE_STATIC);
                int rc = sqlite3_step(l.latest);
                if (rc == SQLITE_ROW) {
                    raw_bot b;
                    lite_decode(l.latest, &b);
                    own_strings(&b);
                    sum += row_check(&b);
                    raw_free(&b);
                } else {
                    lite_check(&l, rc, "W4 step");
                }
                sqlite3_reset(l.latest);
            }
            bench_result("W4", rep, d->k, bench_now() - t0, sum);
        }

        if (bench_wants(o, "W5")) {
            bench_turn();
            t0 = bench_now();
            lite_exec(&l, "BEGIN");
            for (long j = 0; j < d->k; j++) {
                bench_slice(&t0, j, d->k);
                long id = bench_get_id(j, d->n);
                sqlite3_bind_int64(l.update, 1, id);
                lite_bind_row(l.update, 2, &d->rows[id - 1], d->tokens[j], t1,
                              t2);
                lite_check(&l, sqlite3_step(l.update), "W5 update");
                if (sqlite3_changes(l.db) != 1)
                    bench_die("W5: no row %ld", id);
                sqlite3_reset(l.update);
            }
            lite_exec(&l, "COMMIT");
            bench_result("W5", rep, d->k, bench_now() - t0, 0);
        }

        if (bench_wants(o, "W7")) {
            bench_turn();
            sum = 0;
            long created = 0;
            t0 = bench_now();
            for (long j = 0; j < d->k; j++) {
                bench_slice(&t0, j, d->k);
                const bench_row *r = &d->foc[j];
                sqlite3_bind_int64(l.foc_insert, 1, r->id);
                lite_bind_row(l.foc_insert, 2, r, NULL, t1, t2);
                int rc = sqlite3_step(l.foc_insert);
                raw_bot b;
                if (rc == SQLITE_ROW) {
                    lite_decode(l.foc_insert, &b);
                    own_strings(&b);
                    lite_check(&l, sqlite3_step(l.foc_insert), "W7 insert");
                    created++;
                    sqlite3_reset(l.foc_insert);
                } else {
                    lite_check(&l, rc, "W7 insert");
                    sqlite3_reset(l.foc_insert);
                    sqlite3_bind_int64(l.get, 1, r->id);
                    if (sqlite3_step(l.get) != SQLITE_ROW)
                        bench_die("W7: no row %lld", (long long)r->id);
                    lite_decode(l.get, &b);
                    own_strings(&b);
                    sqlite3_reset(l.get);
                }
                sum += row_check(&b);
                raw_free(&b);
            }
            double dt = bench_now() - t0;
            if (created != d->k / 2)
                bench_die("W7: created %ld, expected %ld", created, d->k / 2);
            bench_result("W7", rep, d->k, dt, sum);
        }

        if (bench_wants(o, "W8")) {
            bench_turn();
            lite_exec(&l, "DELETE FROM slack_installations");
            lite_exec(&l, BENCH_W8_FILL);
            lite_exec(&l, "ANALYZE");
            sqlite3_stmt *st = lite_prepare(&l, W8_SQL);
            w8_list list = {0};
            sum = 0;
            t0 = bench_now();
            for (long j = 0; j < d->k; j++) {
                bench_slice(&t0, j, d->k);
                char client[24], team[24];
                bench_latest_key(j, d->n, client, team);
                sqlite3_bind_text(st, 1, client, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 2, team, -1, SQLITE_STATIC);
                sqlite3_bind_int64(st, 3, BENCH_W8_LIMIT);
                int rc;
                while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                    w8_row *row = w8_push(&list);
                    row->team_id = (const char *)sqlite3_column_text(st, 0);
                    row->team_name = (const char *)sqlite3_column_text(st, 1);
                    row->bots = sqlite3_column_int64(st, 2);
                    row->refreshable = sqlite3_column_int64(st, 3);
                    row->newest_installation_id = sqlite3_column_int64(st, 4);
                    w8_own(row);
                }
                lite_check(&l, rc, "W8 step");
                sqlite3_reset(st);
                sum += w8_sum_and_clear(&list);
            }
            bench_result("W8", rep, d->k, bench_now() - t0, sum);
            free(list.items);
            sqlite3_finalize(st);
        }

        if (bench_wants(o, "W9")) {
            bench_turn();
            if (rep == 1)
                lite_w9_setup(&l, o, &w9);
            sum = 0;
            t0 = bench_now();
            for (long round = 0; round < BENCH_W9_ROUNDS; round++) {
                bench_slice(&t0, round, BENCH_W9_ROUNDS);
                sum += lite_w9_round(&l, &w9);
            }
            bench_result("W9", rep, d->k * BENCH_W9_ROUNDS, bench_now() - t0,
                         sum / BENCH_W9_ROUNDS);
            bench_turn(); /* W9n: the generated API's N+1 loop alone */
            bench_turn(); /* W9a: PostgreSQL's alone */
        }

        if (bench_wants(o, "W10")) {
            /* no network to save: W3's loop, in batches' rhythm */
            bench_turn();
            long batches = (d->k + BENCH_W10_BATCH - 1) / BENCH_W10_BATCH;
            sum = 0;
            t0 = bench_now();
            for (long j = 0; j < d->k; j++) {
                if (j % BENCH_W10_BATCH == 0)
                    bench_slice(&t0, j / BENCH_W10_BATCH, batches);
                sqlite3_bind_int64(l.get, 1, bench_get_id(j, d->n));
                if (sqlite3_step(l.get) != SQLITE_ROW)
                    bench_die("W10: no row: %s", sqlite3_errmsg(l.db));
                raw_bot b;
                lite_decode(l.get, &b);
                own_strings(&b);
                sqlite3_reset(l.get);
                sum += row_check(&b);
                raw_free(&b);
            }
            bench_result("W10", rep, d->k, bench_now() - t0, sum);
            bench_turn();
            bench_skip("W10q", "PostgreSQL only (the W10 row is sequential)");
            bench_turn();
            bench_skip("W10e", "PostgreSQL only");
        }

        if (bench_wants(o, "W6")) {
            bench_turn();
            lite_reset_table(&l, ddl);
            t0 = bench_now();
            lite_exec(&l, "BEGIN");
            for (long i = 0; i < d->n; i++) {
                lite_bind_row(l.insert, 1, &d->rows[i], NULL, t1, t2);
                lite_check(&l, sqlite3_step(l.insert), "W6 insert");
                sqlite3_reset(l.insert);
            }
            lite_exec(&l, "COMMIT");
            bench_result("W6", rep, d->n, bench_now() - t0, 0);
        }
    }
    lite_finalize(&l);
    sqlite3_finalize(l.w9_full);
    sqlite3_finalize(l.w9_last);
    sqlite3_close(l.db);
    w9_free(&w9);
    free(ddl);
}

/* ===================================================================== */
/* PostgreSQL                                                            */
/* ===================================================================== */

/* Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch. */
#define PG_EPOCH_US INT64_C(946684800000000)

static PGconn *pg;

static void pg_ok(PGresult *r, const char *what)
{
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        bench_die("%s: %s", what, PQerrorMessage(pg));
}

static void pg_exec(const char *sql)
{
    PGresult *r = PQexec(pg, sql);
    pg_ok(r, sql);
    PQclear(r);
}

static void pg_prepare(const char *name, const char *sql)
{
    PGresult *r = PQprepare(pg, name, sql, 0, NULL);
    pg_ok(r, sql);
    PQclear(r);
}

/* Parameters of one statement, in binary. */
typedef struct pg_params {
    const char *v[16];
    int len[16], fmt[16];
    int n;
    uint64_t i8[4]; /* big-endian int8 / timestamp slots */
    int n_i8;
    uint32_t i4[2]; /* big-endian int4 slots */
    int n_i4;
    char b[2];
    int n_b;
} pg_params;

static void pp_init(pg_params *p)
{
    p->n = p->n_i8 = p->n_i4 = p->n_b = 0;
}

static void pp_text(pg_params *p, const char *s)
{
    p->v[p->n] = s;
    p->len[p->n] = s ? (int)strlen(s) : 0;
    p->fmt[p->n++] = 1; /* the binary form of text is its bytes */
}

static void pp_int8(pg_params *p, int64_t x)
{
    p->i8[p->n_i8] = htobe64((uint64_t)x);
    p->v[p->n] = (const char *)&p->i8[p->n_i8++];
    p->len[p->n] = 8;
    p->fmt[p->n++] = 1;
}

/* A bot's key: slack_bots.id is an integer (serial { bits = 32 }, as
 * slack_sdk's tables have it), so it goes as int4. */
static void pp_key(pg_params *p, int64_t id)
{
    p->i4[p->n_i4] = htonl((uint32_t)id);
    p->v[p->n] = (const char *)&p->i4[p->n_i4++];
    p->len[p->n] = 4;
    p->fmt[p->n++] = 1;
}

static void pp_bool(pg_params *p, bool x)
{
    p->b[p->n_b] = x ? 1 : 0;
    p->v[p->n] = &p->b[p->n_b++];
    p->len[p->n] = 1;
    p->fmt[p->n++] = 1;
}

static void pp_null(pg_params *p)
{
    p->v[p->n] = NULL;
    p->len[p->n] = 0;
    p->fmt[p->n++] = 1;
}

static void pp_row(pg_params *p, const bench_row *r, const char *token)
{
    pp_text(p, r->client_id);
    pp_text(p, r->app_id);
    pp_text(p, r->enterprise_id);
    pp_text(p, r->enterprise_name);
    pp_text(p, r->team_id);
    pp_text(p, r->team_name);
    pp_text(p, token ? token : r->bot_token);
    pp_text(p, r->bot_id);
    pp_text(p, r->bot_user_id);
    pp_text(p, r->bot_scopes);
    pp_text(p, r->bot_refresh_token);
    if (r->has_expires)
        pp_int8(p, r->expires_at - PG_EPOCH_US);
    else
        pp_null(p);
    pp_bool(p, r->is_enterprise_install);
    pp_int8(p, r->installed_at - PG_EPOCH_US);
}

static PGresult *pg_run(const char *name, pg_params *p)
{
    return PQexecPrepared(pg, name, p->n, p->v, p->len, p->fmt, 1);
}

static int64_t be64(const char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return (int64_t)be64toh(x);
}

/* An integer column of a binary result, integer (the slack keys, serial {
 * bits = 32 }: 4 bytes) or bigint (8). */
static int64_t pg_int(const PGresult *r, int row, int col)
{
    if (PQgetlength(r, row, col) == 4) {
        uint32_t x;
        memcpy(&x, PQgetvalue(r, row, col), 4);
        return (int32_t)be32toh(x);
    }
    return be64(PQgetvalue(r, row, col));
}

/* Decode row `row` of a binary result (all columns, id first); strings
 * borrowed from the result. */
static void pg_decode(const PGresult *r, int row, raw_bot *b)
{
    b->id = pg_int(r, row, 0);
    for (int i = 0; i < N_TEXT; i++)
        *text_field(b, i) =
            PQgetisnull(r, row, 1 + i) ? NULL : PQgetvalue(r, row, 1 + i);
    b->has_bot_token_expires_at = !PQgetisnull(r, row, 12);
    b->bot_token_expires_at = b->has_bot_token_expires_at
                                  ? be64(PQgetvalue(r, row, 12)) + PG_EPOCH_US
                                  : 0;
    b->is_enterprise_install = PQgetvalue(r, row, 13)[0] != 0;
    b->installed_at = be64(PQgetvalue(r, row, 14)) + PG_EPOCH_US;
    b->owned = NULL;
}

static void pg_reset_table(const char *ddl)
{
    pg_exec("DROP TABLE IF EXISTS slack_bots");
    pg_exec(ddl);
}

/* COPY binary: append helpers. */
typedef struct copybuf {
    char *p;
    size_t len, cap;
} copybuf;

static void cb_need(copybuf *c, size_t n)
{
    if (c->len + n > c->cap) {
        c->cap = (c->len + n) * 2;
        c->p = realloc(c->p, c->cap);
        if (c->p == NULL)
            bench_die("out of memory");
    }
}

static void cb_put(copybuf *c, const void *p, size_t n)
{
    cb_need(c, n);
    memcpy(c->p + c->len, p, n);
    c->len += n;
}

static void cb_i16(copybuf *c, int16_t x)
{
    uint16_t v = htons((uint16_t)x);
    cb_put(c, &v, 2);
}

static void cb_i32(copybuf *c, int32_t x)
{
    uint32_t v = htonl((uint32_t)x);
    cb_put(c, &v, 4);
}

static void cb_text(copybuf *c, const char *s)
{
    if (s == NULL) {
        cb_i32(c, -1);
        return;
    }
    size_t n = strlen(s);
    cb_i32(c, (int32_t)n);
    cb_put(c, s, n);
}

static void cb_i64(copybuf *c, int64_t x)
{
    uint64_t v = htobe64((uint64_t)x);
    cb_i32(c, 8);
    cb_put(c, &v, 8);
}

static void pg_copy(const data *d)
{
    PGresult *r =
        PQexec(pg, "COPY slack_bots (" COLS ") FROM STDIN (FORMAT binary)");
    if (PQresultStatus(r) != PGRES_COPY_IN)
        bench_die("COPY: %s", PQerrorMessage(pg));
    PQclear(r);
    copybuf c = {0};
    static const char header[] = "PGCOPY\n\377\r\n";
    cb_put(&c, header, 11);
    cb_i32(&c, 0); /* flags */
    cb_i32(&c, 0); /* header extension */
    for (long i = 0; i < d->n; i++) {
        const bench_row *row = &d->rows[i];
        cb_i16(&c, 14);
        cb_text(&c, row->client_id);
        cb_text(&c, row->app_id);
        cb_text(&c, row->enterprise_id);
        cb_text(&c, row->enterprise_name);
        cb_text(&c, row->team_id);
        cb_text(&c, row->team_name);
        cb_text(&c, row->bot_token);
        cb_text(&c, row->bot_id);
        cb_text(&c, row->bot_user_id);
        cb_text(&c, row->bot_scopes);
        cb_text(&c, row->bot_refresh_token);
        if (row->has_expires)
            cb_i64(&c, row->expires_at - PG_EPOCH_US);
        else
            cb_i32(&c, -1);
        cb_i32(&c, 1);
        char b = row->is_enterprise_install;
        cb_put(&c, &b, 1);
        cb_i64(&c, row->installed_at - PG_EPOCH_US);
        if (c.len >= 1 << 16) {
            if (PQputCopyData(pg, c.p, (int)c.len) != 1)
                bench_die("COPY data: %s", PQerrorMessage(pg));
            c.len = 0;
        }
    }
    cb_i16(&c, -1);
    if (PQputCopyData(pg, c.p, (int)c.len) != 1 || PQputCopyEnd(pg, NULL) != 1)
        bench_die("COPY end: %s", PQerrorMessage(pg));
    while ((r = PQgetResult(pg)) != NULL) {
        pg_ok(r, "COPY");
        PQclear(r);
    }
    free(c.p);
}

static void pg_prepare_all(void)
{
    pg_prepare("insert", "INSERT INTO slack_bots (" COLS
                         ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                         "$11, $12, $13, $14) RETURNING \"id\"");
    pg_prepare("select_all", "SELECT " ALL_COLS " FROM slack_bots");
    pg_prepare("get", "SELECT " ALL_COLS " FROM slack_bots WHERE \"id\" = $1");
    pg_prepare("latest",
               "SELECT " ALL_COLS " FROM slack_bots WHERE \"client_id\" = $1 "
               "AND \"enterprise_id\" IS NULL AND \"team_id\" = $2 "
               "ORDER BY \"installed_at\" DESC LIMIT 1");
    pg_prepare("update",
               "UPDATE slack_bots SET \"client_id\" = $2, \"app_id\" = $3, "
               "\"enterprise_id\" = $4, \"enterprise_name\" = $5, "
               "\"team_id\" = $6, \"team_name\" = $7, \"bot_token\" = $8, "
               "\"bot_id\" = $9, \"bot_user_id\" = $10, \"bot_scopes\" = $11, "
               "\"bot_refresh_token\" = $12, \"bot_token_expires_at\" = $13, "
               "\"is_enterprise_install\" = $14, \"installed_at\" = $15 "
               "WHERE \"id\" = $1");
    pg_prepare(
        "foc_insert",
        "INSERT INTO slack_bots (" ALL_COLS
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
        "$13, $14, $15) ON CONFLICT (\"id\") DO NOTHING RETURNING " ALL_COLS);
}

static void quiet(void *arg, const char *message)
{
    (void)arg, (void)message;
}

/* W9: COPY text lines into table `copy_sql` names. */
static void pg_copy_text(const char *copy_sql, const char *text, size_t len)
{
    PGresult *r = PQexec(pg, copy_sql);
    if (PQresultStatus(r) != PGRES_COPY_IN)
        bench_die("%s: %s", copy_sql, PQerrorMessage(pg));
    PQclear(r);
    if (PQputCopyData(pg, text, (int)len) != 1 || PQputCopyEnd(pg, NULL) != 1)
        bench_die("COPY end: %s", PQerrorMessage(pg));
    while ((r = PQgetResult(pg)) != NULL) {
        pg_ok(r, copy_sql);
        PQclear(r);
    }
}

/* W9, untimed, once: the albums and tracks of bench/records.lua, and the
 * statement of a batch. */
static void pg_w9_setup(const bench_opts *o, w9_state *w)
{
    if (o->ddl_rel == NULL)
        bench_die("W9 needs --ddl-rel");
    char *ddl = bench_read_file(o->ddl_rel);
    pg_exec(W9_DROP);
    pg_exec(ddl);
    free(ddl);
    size_t cap = (size_t)(w->n_albums > w->k ? w->n_albums : w->k) * 96;
    char *text = malloc(cap), buf[64];
    if (text == NULL)
        bench_die("out of memory");
    size_t len = 0;
    for (long i = 1; i <= w->n_albums; i++) {
        int year = bench_w9_album(i, buf);
        if (year)
            len += (size_t)sprintf(text + len, "%ld\t%s\t%d\n", i, buf, year);
        else
            len += (size_t)sprintf(text + len, "%ld\t%s\t\\N\n", i, buf);
    }
    pg_copy_text("COPY album (id, title, year) FROM STDIN", text, len);
    len = 0;
    for (long j = 1; j <= w->k; j++) {
        int ms = bench_w9_track(j, buf);
        int64_t album = w->album_of[j - 1];
        if (album)
            len += (size_t)sprintf(text + len, "%ld\t%lld\t%s\t%d\n", j,
                                   (long long)album, buf, ms);
        else
            len +=
                (size_t)sprintf(text + len, "%ld\t\\N\t%s\t%d\n", j, buf, ms);
    }
    pg_copy_text("COPY track (id, album_id, name, milliseconds) FROM STDIN",
                 text, len);
    free(text);
    pg_exec("ANALYZE");
}

/* W9's parameters on PostgreSQL, allocated once: a batch's keys as
 * one int8[], or as BENCH_W9_BATCH binary int8 parameters (W9a). */
typedef struct pg_w9 {
    const char *values[BENCH_W9_BATCH];
    int lengths[BENCH_W9_BATCH], formats[BENCH_W9_BATCH];
    uint64_t be[BENCH_W9_BATCH];
    char array[20 + 12 * BENCH_W9_BATCH];
} pg_w9;

/* W9, untimed: prepare "w9_in_<n>", the statement of a batch of n keys,
 * as a careful hand-written program prepares its statements up front. */
static void pg_w9_prepare_in(size_t n)
{
    char *sql = malloc(64 + n * 8), name[32];
    if (sql == NULL)
        bench_die("out of memory");
    size_t len = (size_t)sprintf(
        sql, "SELECT \"id\", \"title\", \"year\" FROM \"album\" "
             "WHERE \"id\" IN (");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(sql + len, i ? ", $%zu" : "$%zu", i + 1);
    strcpy(sql + len, ")");
    snprintf(name, sizeof name, "w9_in_%zu", n);
    pg_prepare(name, sql);
    free(sql);
}

/* W9, one round: the distinct keys in batches, one statement each: W9
 * (any) the form ormc sends for a bigint key, = ANY($1), the keys as one
 * int8[] parameter (in binary, where ormc writes an array literal); W9a the
 * IN list of 1,000 binary int8 parameters that SQLite and composite keys
 * get; binary results decoded, each track's album found. */
static uint64_t pg_w9_round(w9_state *w, pg_w9 *p, bool any)
{
    size_t n = w9_distinct_keys(w);
    for (size_t first = 0; first < n; first += BENCH_W9_BATCH) {
        size_t m = n - first < BENCH_W9_BATCH ? n - first : BENCH_W9_BATCH;
        PGresult *r;
        if (any) {
            /* the binary form of a one-dimensional int8[] without NULLs:
             * ndim, has-null flag, element type (int8: 20), length, lower
             * bound, then each element's length and value */
            uint32_t head[5] = {htonl(1), 0, htonl(20), htonl((uint32_t)m),
                                htonl(1)};
            memcpy(p->array, head, sizeof head);
            char *at = p->array + sizeof head;
            for (size_t i = 0; i < m; i++) {
                uint32_t elen = htonl(8);
                uint64_t v = htobe64((uint64_t)w->keys[first + i]);
                memcpy(at, &elen, 4);
                memcpy(at + 4, &v, 8);
                at += 12;
            }
            const char *values[1] = {p->array};
            int lengths[1] = {(int)(at - p->array)}, formats[1] = {1};
            r = PQexecPrepared(pg, "w9_any", 1, values, lengths, formats, 1);
        } else {
            for (size_t i = 0; i < m; i++) {
                p->be[i] = htobe64((uint64_t)w->keys[first + i]);
                p->values[i] = (const char *)&p->be[i];
                p->lengths[i] = 8;
                p->formats[i] = 1;
            }
            char name[32];
            snprintf(name, sizeof name, "w9_in_%zu", m);
            r = PQexecPrepared(pg, name, (int)m, p->values, p->lengths,
                               p->formats, 1);
        }
        pg_ok(r, "W9 query");
        for (int i = 0, rows = PQntuples(r); i < rows; i++) {
            bool has_year = !PQgetisnull(r, i, 2);
            int32_t year = 0;
            if (has_year) {
                uint32_t y;
                memcpy(&y, PQgetvalue(r, i, 2), 4);
                year = (int32_t)ntohl(y);
            }
            w9_push(w, be64(PQgetvalue(r, i, 0)), PQgetvalue(r, i, 1),
                    (size_t)PQgetlength(r, i, 1), has_year, year);
        }
        PQclear(r);
    }
    return w9_resolve(w);
}

/* The next result of a pipeline, which must be `want`. */
static PGresult *pg_pipe_result(ExecStatusType want, const char *what)
{
    PGresult *r = PQgetResult(pg);
    if (r == NULL || PQresultStatus(r) != want)
        bench_die("%s: %s", what, PQerrorMessage(pg));
    return r;
}

/* W10 by hand: the K gets in batches of BENCH_W10_BATCH, each batch sent
 * whole in pipeline mode and then read; a sync after the batch, or after
 * every get (each_sync). t0: where the turns' pauses are taken off (NULL:
 * no turns). The sum of the rows' checks. */
static uint64_t pg_w10(const bench_opts *o, data *d, double *t0, bool each_sync)
{
    (void)o;
    pg_params p;
    uint64_t sum = 0;
    long batches = (d->k + BENCH_W10_BATCH - 1) / BENCH_W10_BATCH;
    if (!PQenterPipelineMode(pg))
        bench_die("W10: pipeline mode: %s", PQerrorMessage(pg));
    for (long j = 0; j < batches; j++) {
        if (t0 != NULL)
            bench_slice(t0, j, batches);
        long first = j * BENCH_W10_BATCH;
        long m =
            d->k - first < BENCH_W10_BATCH ? d->k - first : BENCH_W10_BATCH;
        for (long i = 0; i < m; i++) {
            pp_init(&p);
            pp_key(&p, bench_get_id(first + i, d->n));
            if (!PQsendQueryPrepared(pg, "get", p.n, p.v, p.len, p.fmt, 1))
                bench_die("W10 send: %s", PQerrorMessage(pg));
            if (each_sync && !PQpipelineSync(pg))
                bench_die("W10 sync: %s", PQerrorMessage(pg));
        }
        if (!each_sync && !PQpipelineSync(pg))
            bench_die("W10 sync: %s", PQerrorMessage(pg));
        for (long i = 0; i < m; i++) {
            PGresult *r = pg_pipe_result(PGRES_TUPLES_OK, "W10 get");
            if (PQntuples(r) != 1)
                bench_die("W10: no row");
            raw_bot b;
            pg_decode(r, 0, &b);
            own_strings(&b);
            PQclear(r);
            sum += row_check(&b);
            raw_free(&b);
            if (PQgetResult(pg) != NULL)
                bench_die("W10: a second result");
            if (each_sync)
                PQclear(pg_pipe_result(PGRES_PIPELINE_SYNC, "W10 sync"));
        }
        if (!each_sync)
            PQclear(pg_pipe_result(PGRES_PIPELINE_SYNC, "W10 sync"));
    }
    if (!PQexitPipelineMode(pg))
        bench_die("W10: leaving pipeline mode: %s", PQerrorMessage(pg));
    return sum;
}

static void pg_run_all(const bench_opts *o, data *d)
{
    pg = PQconnectdb(o->url);
    if (PQstatus(pg) != CONNECTION_OK)
        bench_die("connect: %s", PQerrorMessage(pg));
    PQsetNoticeProcessor(pg, quiet, NULL); /* CREATE ... IF NOT EXISTS */
    char *ddl = bench_read_file(o->ddl);
    pg_params p;
    w9_state w9;
    w9_init(&w9, d->k);
    pg_w9 *w9p = malloc(sizeof *w9p);
    if (w9p == NULL)
        bench_die("out of memory");

    /* a turn (bench_turn) before each workload, as in bench_gen.c */
    for (long rep = 1; rep <= o->reps; rep++) {
        bench_turn();
        /* prepared statements name the table: re-prepare after re-creating */
        pg_exec("DEALLOCATE ALL");
        pg_reset_table(ddl);
        pg_prepare_all();

        uint64_t sum = 0;
        double t0 = bench_now();
        pg_exec("BEGIN");
        for (long i = 0; i < d->n; i++) {
            bench_slice(&t0, i, d->n);
            pp_init(&p);
            pp_row(&p, &d->rows[i], NULL);
            PGresult *r = pg_run("insert", &p);
            if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
                bench_die("W1 insert: %s", PQerrorMessage(pg));
            sum += (uint64_t)pg_int(r, 0, 0);
            PQclear(r);
        }
        pg_exec("COMMIT");
        bench_result("W1", rep, d->n, bench_now() - t0, sum);
        pg_exec("ANALYZE");

        if (bench_wants(o, "W2")) {
            bench_turn();
            sum = 0;
            t0 = bench_now();
            pp_init(&p);
            PGresult *r = pg_run("select_all", &p);
            pg_ok(r, "W2 select");
            int rows = PQntuples(r);
            for (int i = 0; i < rows; i++) {
                bench_slice(&t0, i, d->n);
                raw_bot b;
                pg_decode(r, i, &b);
                sum += row_check(&b);
            }
            PQclear(r);
            bench_result("W2", rep, rows, bench_now() - t0, sum);
        }

        if (bench_wants(o, "W3")) {
            bench_turn();
            sum = 0;
            t0 = bench_now();
            for (long j = 0; j < d->k; j++) {
                bench_slice(&t0, j, d->k);
                pp_init(&p);
                pp_key(&p, bench_get_id(j, d->n));
                PGresult *r = pg_run("get", &p);
                if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
                    bench_die("W3 get: %s", PQerrorMessage(pg));
                raw_bot b;
                pg_decode(r, 0, &b);
                own_strings(&b);
                PQclear(r);
                sum += row_check(&b);
                raw_free(&b);
            }
            bench_result("W3", rep, d->k, bench_now() - t0, sum);
        }

        if (bench_wants(o, "W4")) {
            bench_turn();
            sum = 0;
            t0 = bench_now();
            for (long j = 0; j < d->k; j++) {
                bench_slice(&t0, j, d->k);
                char client[24], team[24];
                bench_latest_key(j, d->n, client, team);
                pp_init(&p);
                pp_text(&p, client);
                pp_text(&p, team);
                PGresult *r = pg_run("latest", &p);
                pg_ok(r, "W4 latest");
                if (PQntuples(r) == 1) {
                    raw_bot b;
                    pg_decode(r, 0, &b);
                    own_strings(&b);
                    sum += row_check(&b);
                    raw_free(&b);
                }
                PQclear(r);
            }
            bench_result("W4", rep, d->k, bench_now() - t0, sum);
        }

        if (bench_wants(o, "W5")) {
            bench_turn();
            t0 = bench_now();
            pg_exec("BEGIN");
            for (long j = 0; j < d->k; j++) {
                bench_slice(&t0, j, d->k);
                long id = bench_get_id(j, d->n);
                pp_init(&p);
                pp_key(&p, id);
                pp_row(&p, &d->rows[id - 1], d->tokens[j]);
                PGresult *r = pg_run("update", &p);
                pg_ok(r, "W5 update");
                if (strcmp(PQcmdTuples(r), "1") != 0)
                    bench_die("W5: no row %ld", id);
                PQclear(r);
            }
            pg_exec("COMMIT");
            bench_result("W5", rep, d->k, bench_now() - t0, 0);
        }

        if (bench_wants(o, "W7")) {
            bench_turn();
            sum = 0;
            long created = 0;
            t0 = bench_now();
            for (long j = 0; j < d->k; j++) {
                bench_slice(&t0, j, d->k);
                const bench_row *row = &d->foc[j];
                pp_init(&p);
                pp_key(&p, row->id);
                pp_row(&p, row, NULL);
                PGresult *r = pg_run("foc_insert", &p);
                pg_ok(r, "W7 insert");
                if (PQntuples(r) == 1) {
                    created++;
                } else {
                    PQclear(r);
                    pp_init(&p);
                    pp_key(&p, row->id);
                    r = pg_run("get", &p);
                    if (PQresultStatus(r) != PGRES_TUPLES_OK ||
                        PQntuples(r) != 1)
                        bench_die("W7 get: %s", PQerrorMessage(pg));
                }
                raw_bot b;
                pg_decode(r, 0, &b);
                own_strings(&b);
                PQclear(r);
                sum += row_check(&b);
                raw_free(&b);
            }
            double dt = bench_now() - t0;
            if (created != d->k / 2)
                bench_die("W7: created %ld, expected %ld", created, d->k / 2);
            bench_result("W7", rep, d->k, dt, sum);
        }

        if (bench_wants(o, "W8")) {
            bench_turn();
            pg_exec("DELETE FROM slack_installations");
            pg_exec(BENCH_W8_FILL);
            pg_exec("ANALYZE");
            pg_prepare("w8", W8_SQL);
            w8_list list = {0};
            sum = 0;
            t0 = bench_now();
            for (long j = 0; j < d->k; j++) {
                bench_slice(&t0, j, d->k);
                char client[24], team[24];
                bench_latest_key(j, d->n, client, team);
                pp_init(&p);
                pp_text(&p, client);
                pp_text(&p, team);
                pp_int8(&p, BENCH_W8_LIMIT);
                PGresult *r = pg_run("w8", &p);
                pg_ok(r, "W8 query");
                for (int i = 0, rows = PQntuples(r); i < rows; i++) {
                    w8_row *row = w8_push(&list);
                    row->team_id =
                        PQgetisnull(r, i, 0) ? NULL : PQgetvalue(r, i, 0);
                    row->team_name =
                        PQgetisnull(r, i, 1) ? NULL : PQgetvalue(r, i, 1);
                    row->bots = be64(PQgetvalue(r, i, 2));
                    row->refreshable = be64(PQgetvalue(r, i, 3));
                    row->newest_installation_id = pg_int(r, i, 4);
                    w8_own(row);
                }
                PQclear(r);
                sum += w8_sum_and_clear(&list);
            }
            bench_result("W8", rep, d->k, bench_now() - t0, sum);
            free(list.items);
        }

        if (bench_wants(o, "W9")) {
            bench_turn();
            if (rep == 1)
                pg_w9_setup(o, &w9);
            /* prepared statements are gone after DEALLOCATE ALL above */
            size_t distinct = w9_distinct_keys(&w9);
            pg_w9_prepare_in(BENCH_W9_BATCH);
            if (distinct % BENCH_W9_BATCH != 0)
                pg_w9_prepare_in(distinct % BENCH_W9_BATCH);
            pg_prepare("w9_any", "SELECT \"id\", \"title\", \"year\" FROM "
                                 "\"album\" WHERE \"id\" = ANY($1)");
            sum = 0;
            t0 = bench_now();
            for (long round = 0; round < BENCH_W9_ROUNDS; round++) {
                bench_slice(&t0, round, BENCH_W9_ROUNDS);
                sum += pg_w9_round(&w9, w9p, true);
            }
            bench_result("W9", rep, d->k * BENCH_W9_ROUNDS, bench_now() - t0,
                         sum / BENCH_W9_ROUNDS);
            bench_turn(); /* W9n: the generated API's N+1 loop alone */
            bench_turn();
            sum = 0;
            t0 = bench_now();
            for (long round = 0; round < BENCH_W9_ROUNDS; round++)
                sum += pg_w9_round(&w9, w9p, false);
            bench_result("W9a", rep, d->k * BENCH_W9_ROUNDS, bench_now() - t0,
                         sum / BENCH_W9_ROUNDS);
        }

        if (bench_wants(o, "W10")) {
            /* W10: the gets in batches, each batch one pipeline with one
             * sync (what a careful hand-written program does) */
            bench_turn();
            t0 = bench_now();
            sum = pg_w10(o, d, &t0, false);
            bench_result("W10", rep, d->k, bench_now() - t0, sum);
            /* W10q: the same gets one round trip each */
            bench_turn();
            sum = 0;
            t0 = bench_now();
            for (long j = 0; j < d->k; j++) {
                pp_init(&p);
                pp_key(&p, bench_get_id(j, d->n));
                PGresult *r = pg_run("get", &p);
                if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
                    bench_die("W10q get: %s", PQerrorMessage(pg));
                raw_bot b;
                pg_decode(r, 0, &b);
                own_strings(&b);
                PQclear(r);
                sum += row_check(&b);
                raw_free(&b);
            }
            bench_result("W10q", rep, d->k, bench_now() - t0, sum);
            /* W10e: W10 with a sync after every get (each its own
             * implicit transaction): the price of that */
            bench_turn();
            t0 = bench_now();
            sum = pg_w10(o, d, NULL, true);
            bench_result("W10e", rep, d->k, bench_now() - t0, sum);
        }

        if (bench_wants(o, "W6")) {
            bench_turn();
            pg_reset_table(ddl);
            t0 = bench_now();
            pg_copy(d);
            bench_result("W6", rep, d->n, bench_now() - t0, 0);
        }
    }
    PQfinish(pg);
    free(ddl);
    free(w9p);
    w9_free(&w9);
}

int main(int argc, char **argv)
{
    bench_opts o;
    bench_parse(argc, argv, &o);
    if (o.ddl == NULL)
        bench_die("--ddl is required");
    if (o.m1 != NULL)
        bench_die("M1 is measured through the generated API only");
    data d;
    make_data(&d, o.n, o.k);
    if (bench_is_pg(&o))
        pg_run_all(&o, &d);
    else
        lite_run(&o, &d);
    return 0;
}
