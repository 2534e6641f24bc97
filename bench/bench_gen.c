/*
 * bench/bench_gen.c: the workloads through the generated API of table
 * slack_bots (generated/slack.h), as an application would write them. The
 * same workloads by hand on the raw drivers are in bench_raw.c; bench/run.py
 * runs both and compares. docs/benchmarks.md describes each workload.
 *
 * The connection is in autocommit mode: W1 and W5 open one explicit
 * transaction each, insert_many makes its own, and the look-ups (W2, W3,
 * W4; W4r the same through a query built once, its values set anew
 * for each get) and find-or-create (W7) run one statement (or one
 * find-or-create) at a time, as the hand-written programs do. W8 calls a typed
 * SQL query of the schema (slack_team_bot_counts), a join with a GROUP BY. W9
 * loads the albums of K tracks of bench/records.lua (generated records.h), once
 * with the relation's batch loader and once one track at a time.
 */
#include "common.h"

#include "records.h"
#include "slack.h"

_Static_assert(BENCH_W9_BATCH == ORMC_RELATION_BATCH,
               "bench/common.h: BENCH_W9_BATCH is the runtime's batch");

static void check(ormc_db *db, int rc, const char *what)
{
    if (rc != ORMC_OK)
        bench_die("%s: %s: %s", what, ormc_strstatus(rc), ormc_errmsg(db));
}

static void exec_sql(ormc_db *db, const char *sql)
{
    check(db, ormc_exec(db, sql, NULL, 0, NULL), sql);
}

static ormc_db *connect(const bench_opts *o)
{
    char url[4096];
    if (bench_is_pg(o))
        snprintf(url, sizeof url, "%s", o->url);
    else
        snprintf(url, sizeof url, "sqlite:%s", o->url);
    ormc_options opts = ORMC_OPTIONS_INIT;
    opts.autocommit = 1;
    ormc_db *db = NULL;
    int rc = ormc_open_with(url, &opts, &db);
    if (rc != ORMC_OK)
        bench_die("connect: %s: %s", ormc_strstatus(rc), ormc_errmsg(db));
    if (!bench_is_pg(o)) {
        ormc_result *res;
        check(db, ormc_query(db, "PRAGMA journal_mode = WAL", NULL, 0, &res),
              "journal_mode");
        while (ormc_result_next(res) == ORMC_ROW) {}
        ormc_result_close(res);
        exec_sql(db, "PRAGMA synchronous = NORMAL");
    }
    return db;
}

static void reset(ormc_db *db)
{
    exec_sql(db, "DROP TABLE IF EXISTS slack_bots");
    check(db, slack_schema_create(db), "schema_create");
}

/* The generated row of bench row r (strings borrowed from r). */
static void to_bot(const bench_row *r, slack_bot *b, bool with_id)
{
    slack_bot_init(b);
    b->id = with_id ? r->id : 0;
    b->client_id = r->client_id;
    b->app_id = r->app_id;
    b->enterprise_id = r->enterprise_id;
    b->enterprise_name = r->enterprise_name;
    b->team_id = r->team_id;
    b->team_name = r->team_name;
    b->bot_token = r->bot_token;
    b->bot_id = r->bot_id;
    b->bot_user_id = r->bot_user_id;
    b->bot_scopes = r->bot_scopes;
    b->bot_refresh_token = r->bot_refresh_token;
    b->has_bot_token_expires_at = r->has_expires;
    b->bot_token_expires_at = r->expires_at;
    b->is_enterprise_install = r->is_enterprise_install;
    b->has_installed_at = true;
    b->installed_at = r->installed_at;
}

static uint64_t row_check(const slack_bot *b)
{
    return (uint64_t)b->id + strlen(b->team_id) + strlen(b->bot_token) +
           (uint64_t)b->installed_at % 1000003 + (b->enterprise_id ? 1 : 0);
}

typedef struct data {
    long n, k;
    bench_row *src; /* rows 1..n at [0..n-1] */
    slack_bot *rows;
    char (*tokens)[32]; /* W5: the new token of each update */
    bench_row *foc_src; /* W7: the rows to find or create */
    slack_bot *foc;
} data;

static void make_data(data *d, long n, long k)
{
    d->n = n;
    d->k = k;
    d->src = malloc((size_t)n * sizeof *d->src);
    d->rows = malloc((size_t)n * sizeof *d->rows);
    d->tokens = malloc((size_t)k * sizeof *d->tokens);
    d->foc_src = malloc((size_t)k * sizeof *d->foc_src);
    d->foc = malloc((size_t)k * sizeof *d->foc);
    if (!d->src || !d->rows || !d->tokens || !d->foc_src || !d->foc)
        bench_die("out of memory");
    for (long i = 0; i < n; i++) {
        bench_make_row(&d->src[i], i + 1, n);
        to_bot(&d->src[i], &d->rows[i], false);
    }
    for (long j = 0; j < k; j++) {
        bench_update_token(d->tokens[j], sizeof d->tokens[j],
                           bench_get_id(j, n));
        bench_make_row(&d->foc_src[j], bench_foc_id(j, n), n);
        to_bot(&d->foc_src[j], &d->foc[j], true);
    }
}

static void w1_insert(ormc_db *db, data *d, long rep)
{
    uint64_t sum = 0;
    double t0 = bench_now();
    check(db, ormc_begin(db), "begin");
    for (long i = 0; i < d->n; i++) {
        bench_slice(&t0, i, d->n);
        d->rows[i].id = 0;
        check(db, slack_bot_insert(db, &d->rows[i]), "W1 insert");
        sum += (uint64_t)d->rows[i].id;
    }
    check(db, ormc_commit(db), "commit");
    bench_result("W1", rep, d->n, bench_now() - t0, sum);
}

static void w2_read_all(ormc_db *db, data *d, long rep)
{
    uint64_t sum = 0;
    long count = 0;
    double t0 = bench_now();
    slack_bot_query q;
    slack_bot_query_init(&q);
    slack_bot_cursor cur;
    int rc = slack_bot_cursor_open(db, &q, &cur);
    check(db, rc, "W2 cursor_open");
    slack_bot row;
    while ((rc = slack_bot_cursor_next(&cur, &row)) == ORMC_ROW) {
        sum += row_check(&row);
        count++;
        bench_slice(&t0, count, d->n);
    }
    if (rc != ORMC_DONE)
        check(db, rc, "W2 cursor_next");
    slack_bot_cursor_close(&cur);
    slack_bot_query_free(&q);
    double dt = bench_now() - t0;
    if (count != d->n)
        bench_die("W2: %ld rows, expected %ld", count, d->n);
    bench_result("W2", rep, count, dt, sum);
}

static void w3_get(ormc_db *db, data *d, long rep)
{
    uint64_t sum = 0;
    double t0 = bench_now();
    for (long j = 0; j < d->k; j++) {
        bench_slice(&t0, j, d->k);
        slack_bot row;
        check(db, slack_bot_get(db, bench_get_id(j, d->n), &row), "W3 get");
        sum += row_check(&row);
        slack_bot_free(&row);
    }
    bench_result("W3", rep, d->k, bench_now() - t0, sum);
}

/* W10: W3's gets queued BENCH_W10_BATCH at a time into one batch, which
 * PostgreSQL runs in one pipeline (SQLite: one after another). */
static void w10_batched_get(ormc_db *db, data *d, long rep)
{
    static slack_bot rows[BENCH_W10_BATCH];
    static int rcs[BENCH_W10_BATCH];
    ormc_batch *b = ormc_batch_begin(db);
    if (b == NULL)
        bench_die("W10: out of memory");
    long batches = (d->k + BENCH_W10_BATCH - 1) / BENCH_W10_BATCH;
    uint64_t sum = 0;
    double t0 = bench_now();
    for (long j = 0; j < batches; j++) {
        bench_slice(&t0, j, batches);
        long first = j * BENCH_W10_BATCH;
        long m =
            d->k - first < BENCH_W10_BATCH ? d->k - first : BENCH_W10_BATCH;
        for (long i = 0; i < m; i++)
            check(db,
                  slack_bot_get_in(b, bench_get_id(first + i, d->n), &rows[i],
                                   &rcs[i]),
                  "W10 get_in");
        check(db, ormc_batch_run(b), "W10 batch");
        for (long i = 0; i < m; i++) {
            check(db, rcs[i], "W10 get");
            sum += row_check(&rows[i]);
            slack_bot_free(&rows[i]);
        }
    }
    bench_result("W10", rep, d->k, bench_now() - t0, sum);
    ormc_batch_free(b);
}

static void w4_latest(ormc_db *db, data *d, long rep)
{
    uint64_t sum = 0;
    double t0 = bench_now();
    for (long j = 0; j < d->k; j++) {
        bench_slice(&t0, j, d->k);
        char client[24], team[24];
        bench_latest_key(j, d->n, client, team);
        slack_bot_query q;
        slack_bot_query_init(&q);
        slack_bot_where_client_id(&q, ORMC_EQ, client);
        slack_bot_where_enterprise_id(&q, ORMC_EQ, NULL);
        slack_bot_where_team_id(&q, ORMC_EQ, team);
        slack_bot_order_by(&q, SLACK_BOT_INSTALLED_AT, ORMC_DESC);
        slack_bot_limit(&q, 1);
        slack_bot row;
        int rc = slack_bot_first(db, &q, &row);
        slack_bot_query_free(&q);
        if (rc == ORMC_OK) {
            sum += row_check(&row);
            slack_bot_free(&row);
        } else if (rc != ORMC_NOT_FOUND) {
            check(db, rc, "W4 first");
        }
    }
    bench_result("W4", rep, d->k, bench_now() - t0, sum);
}

/* W4r: W4 through a query built once, outside the timing as a program
 * would keep it; each get only sets the two key values and runs it. */
static void w4_latest_reused(ormc_db *db, data *d, long rep)
{
    slack_bot_query q;
    slack_bot_query_init(&q);
    slack_bot_where_client_id(&q, ORMC_EQ, "");
    slack_bot_where_enterprise_id(&q, ORMC_EQ, NULL);
    slack_bot_where_team_id(&q, ORMC_EQ, "");
    slack_bot_order_by(&q, SLACK_BOT_INSTALLED_AT, ORMC_DESC);
    slack_bot_limit(&q, 1);
    uint64_t sum = 0;
    double t0 = bench_now();
    for (long j = 0; j < d->k; j++) {
        bench_slice(&t0, j, d->k);
        char client[24], team[24];
        bench_latest_key(j, d->n, client, team);
        slack_bot_query_set_client_id(&q, client);
        slack_bot_query_set_team_id(&q, team);
        slack_bot row;
        int rc = slack_bot_first(db, &q, &row);
        if (rc == ORMC_OK) {
            sum += row_check(&row);
            slack_bot_free(&row);
        } else if (rc != ORMC_NOT_FOUND) {
            check(db, rc, "W4r first");
        }
    }
    bench_result("W4r", rep, d->k, bench_now() - t0, sum);
    slack_bot_query_free(&q);
}

static void w5_update(ormc_db *db, data *d, long rep)
{
    double t0 = bench_now();
    check(db, ormc_begin(db), "begin");
    for (long j = 0; j < d->k; j++) {
        bench_slice(&t0, j, d->k);
        long id = bench_get_id(j, d->n);
        slack_bot row = d->rows[id - 1];
        row.id = id;
        row.bot_token = d->tokens[j];
        check(db, slack_bot_update(db, &row), "W5 update");
    }
    check(db, ormc_commit(db), "commit");
    bench_result("W5", rep, d->k, bench_now() - t0, 0);
}

static void w6_bulk(ormc_db *db, data *d, long rep)
{
    for (long i = 0; i < d->n; i++)
        d->rows[i].id = 0;
    double t0 = bench_now();
    check(db, slack_bot_insert_many(db, d->rows, (size_t)d->n),
          "W6 insert_many");
    bench_result("W6", rep, d->n, bench_now() - t0, 0);
}

static void w7_find_or_create(ormc_db *db, data *d, long rep)
{
    uint64_t sum = 0, created_n = 0;
    double t0 = bench_now();
    for (long j = 0; j < d->k; j++) {
        bench_slice(&t0, j, d->k);
        slack_bot row = d->foc[j];
        bool created;
        int rc = slack_bot_find_or_create(db, &row, SLACK_BOT_ID, &created);
        check(db, rc, "W7 find_or_create");
        sum += row_check(&row);
        created_n += created;
        slack_bot_free(&row);
    }
    double dt = bench_now() - t0;
    if (created_n != (uint64_t)d->k / 2)
        bench_die("W7: created %llu rows, expected %ld",
                  (unsigned long long)created_n, d->k / 2);
    bench_result("W7", rep, d->k, dt, sum);
}

/* W8, untimed: fill slack_installations from slack_bots (BENCH_W8_FILL). */
static void w8_setup(ormc_db *db)
{
    exec_sql(db, "DELETE FROM slack_installations");
    exec_sql(db, BENCH_W8_FILL);
    exec_sql(db, "ANALYZE");
}

static void w8_query(ormc_db *db, data *d, long rep)
{
    uint64_t sum = 0;
    double t0 = bench_now();
    for (long j = 0; j < d->k; j++) {
        bench_slice(&t0, j, d->k);
        char client[24], team[24];
        bench_latest_key(j, d->n, client, team);
        slack_team_bot_counts_params p = {
            .client_id = client, .team_id = team, .n = BENCH_W8_LIMIT};
        slack_team_bot_counts_list list;
        check(db, slack_team_bot_counts(db, &p, &list), "W8 team_bot_counts");
        for (size_t r = 0; r < list.count; r++) {
            const slack_team_bot_counts_row *row = &list.items[r];
            sum +=
                bench_w8_check(row->team_id, row->team_name, row->bots,
                               row->refreshable, row->newest_installation_id);
        }
        slack_team_bot_counts_list_free(&list);
    }
    bench_result("W8", rep, d->k, bench_now() - t0, sum);
}

/* W9, untimed, once: the albums and tracks (bench_w9_*), then the tracks
 * read back as an application holds them, into *tracks. */
static void w9_setup(ormc_db *db, long k, records_track_list *tracks)
{
    exec_sql(db, "DROP TABLE IF EXISTS track");
    exec_sql(db, "DROP TABLE IF EXISTS album");
    check(db, records_schema_create(db), "W9 schema_create");
    long n_albums = bench_w9_albums(k);
    records_album *albums = malloc((size_t)n_albums * sizeof *albums);
    char(*titles)[64] = malloc((size_t)n_albums * sizeof *titles);
    records_track *rows = malloc((size_t)k * sizeof *rows);
    char(*names)[32] = malloc((size_t)k * sizeof *names);
    if (!albums || !titles || !rows || !names)
        bench_die("out of memory");
    for (long i = 1; i <= n_albums; i++) {
        records_album *a = &albums[i - 1];
        records_album_init(a);
        a->id = i;
        int year = bench_w9_album(i, titles[i - 1]);
        a->title = titles[i - 1];
        a->has_year = year != 0;
        a->year = year;
    }
    for (long j = 1; j <= k; j++) {
        records_track *t = &rows[j - 1];
        records_track_init(t);
        t->id = j;
        t->milliseconds = bench_w9_track(j, names[j - 1]);
        t->name = names[j - 1];
        t->album_id = bench_w9_album_of(j, n_albums);
        t->has_album_id = t->album_id != 0;
    }
    check(db, records_album_insert_many(db, albums, (size_t)n_albums),
          "W9 albums");
    check(db, records_track_insert_many(db, rows, (size_t)k), "W9 tracks");
    exec_sql(db, "ANALYZE");
    free(albums);
    free(titles);
    free(rows);
    free(names);

    records_track_query q;
    records_track_query_init(&q);
    records_track_order_by(&q, RECORDS_TRACK_ID, ORMC_ASC);
    check(db, records_track_all(db, &q, tracks), "W9 tracks back");
    records_track_query_free(&q);
    if (tracks->count != (size_t)k)
        bench_die("W9: %zu tracks, expected %ld", tracks->count, k);
}

/* W9: the loader: the distinct albums of the tracks in batches, then each
 * track's album by binary search. */
static void w9_load(ormc_db *db, const records_track_list *tracks, long rep)
{
    uint64_t sum = 0;
    double t0 = bench_now();
    for (long round = 0; round < BENCH_W9_ROUNDS; round++) {
        bench_slice(&t0, round, BENCH_W9_ROUNDS);
        records_album_list albums;
        check(db, records_track_list_load_album(db, tracks, &albums),
              "W9 list_load_album");
        for (size_t j = 0; j < tracks->count; j++) {
            const records_track *t = &tracks->items[j];
            if (!t->has_album_id) {
                sum += bench_w9_check(0, NULL, false, 0);
                continue;
            }
            const records_album *a =
                records_album_list_find(&albums, t->album_id);
            if (a == NULL)
                bench_die("W9: no album %lld", (long long)t->album_id);
            sum += bench_w9_check(a->id, a->title, a->has_year, a->year);
        }
        records_album_list_free(&albums);
    }
    bench_result("W9", rep, (long)tracks->count * BENCH_W9_ROUNDS,
                 bench_now() - t0, sum / BENCH_W9_ROUNDS);
}

/* W9n: the N+1 loop: each track's album by its own statement. Not paired
 * with a hand-written program (bench_raw.c only takes the turn), so not
 * sliced. */
static void w9_one_by_one(ormc_db *db, const records_track_list *tracks,
                          long rep)
{
    uint64_t sum = 0;
    double t0 = bench_now();
    for (size_t j = 0; j < tracks->count; j++) {
        records_album a;
        int rc = records_track_album(db, &tracks->items[j], &a);
        if (rc == ORMC_NOT_FOUND) {
            sum += bench_w9_check(0, NULL, false, 0);
            continue;
        }
        check(db, rc, "W9n track_album");
        sum += bench_w9_check(a.id, a.title, a.has_year, a.year);
        records_album_free(&a);
    }
    bench_result("W9n", rep, (long)tracks->count, bench_now() - t0, sum);
}

/* M1, load: `rows` rows through insert_many, in chunks. */
static void m1_load(ormc_db *db, long rows)
{
    reset(db);
    enum {
        CHUNK = 10000
    };
    bench_row *src = malloc(CHUNK * sizeof *src);
    slack_bot *b = malloc(CHUNK * sizeof *b);
    if (!src || !b)
        bench_die("out of memory");
    check(db, ormc_begin(db), "begin");
    for (long first = 1; first <= rows; first += CHUNK) {
        long m = rows - first + 1 < CHUNK ? rows - first + 1 : CHUNK;
        for (long i = 0; i < m; i++) {
            bench_make_row(&src[i], first + i, rows);
            to_bot(&src[i], &b[i], false);
        }
        check(db, slack_bot_insert_many(db, b, (size_t)m), "M1 load");
    }
    check(db, ormc_commit(db), "commit");
    free(src);
    free(b);
}

/* M1, stream: the first `rows` rows through a cursor; peak RSS at the end. */
static void m1_stream(ormc_db *db, long rows)
{
    slack_bot_query q;
    slack_bot_query_init(&q);
    slack_bot_limit(&q, rows);
    slack_bot_cursor cur;
    double t0 = bench_now();
    int rc = slack_bot_cursor_open(db, &q, &cur);
    check(db, rc, "M1 cursor_open");
    slack_bot row;
    long count = 0;
    uint64_t sum = 0;
    while ((rc = slack_bot_cursor_next(&cur, &row)) == ORMC_ROW) {
        sum += row_check(&row);
        count++;
    }
    if (rc != ORMC_DONE)
        check(db, rc, "M1 cursor_next");
    slack_bot_cursor_close(&cur);
    slack_bot_query_free(&q);
    double dt = bench_now() - t0;
    if (count != rows)
        bench_die("M1: %ld rows, expected %ld", count, rows);
    bench_result("M1", 0, count, dt, sum);
    printf("RSS M1 %ld %ld\n", rows, bench_peak_rss_kib());
}

int main(int argc, char **argv)
{
    bench_opts o;
    bench_parse(argc, argv, &o);
    ormc_db *db = connect(&o);
    if (o.m1 != NULL) {
        if (strcmp(o.m1, "load") == 0)
            m1_load(db, o.m1_rows);
        else
            m1_stream(db, o.m1_rows);
        ormc_close(db);
        return 0;
    }
    data d;
    make_data(&d, o.n, o.k);
    records_track_list w9_tracks = {0};
    /* a turn (bench_turn) before each workload, in the same places as in
     * bench_raw.c */
    for (long rep = 1; rep <= o.reps; rep++) {
        bench_turn();
        reset(db);
        /* W1 also loads the table the look-ups read */
        w1_insert(db, &d, rep);
        exec_sql(db, "ANALYZE");
        if (bench_wants(&o, "W2")) {
            bench_turn();
            w2_read_all(db, &d, rep);
        }
        if (bench_wants(&o, "W3")) {
            bench_turn();
            w3_get(db, &d, rep);
        }
        if (bench_wants(&o, "W4")) {
            bench_turn();
            w4_latest(db, &d, rep);
            bench_turn();
            w4_latest_reused(db, &d, rep);
        }
        if (bench_wants(&o, "W5")) {
            bench_turn();
            w5_update(db, &d, rep);
        }
        if (bench_wants(&o, "W7")) {
            bench_turn();
            w7_find_or_create(db, &d, rep);
        }
        if (bench_wants(&o, "W8")) {
            bench_turn();
            w8_setup(db);
            w8_query(db, &d, rep);
        }
        if (bench_wants(&o, "W9")) {
            bench_turn();
            if (rep == 1)
                w9_setup(db, d.k, &w9_tracks);
            w9_load(db, &w9_tracks, rep);
            bench_turn();
            w9_one_by_one(db, &w9_tracks, rep);
            bench_turn(); /* W9a: bench_raw.c's IN list on PostgreSQL alone */
        }
        if (bench_wants(&o, "W10")) {
            bench_turn();
            w10_batched_get(db, &d, rep);
            bench_turn(); /* W10q: bench_raw.c's sequential gets alone */
            bench_turn(); /* W10e: bench_raw.c's pipeline, a sync per get */
        }
        if (bench_wants(&o, "W6")) {
            bench_turn();
            reset(db);
            w6_bulk(db, &d, rep);
        }
    }
    records_track_list_free(&w9_tracks);
    ormc_close(db);
    return 0;
}
