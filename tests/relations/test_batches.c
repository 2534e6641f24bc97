/*
 * test_batches.c: the batch loaders of chinook.lua on many keys, on SQLite
 * and PostgreSQL: how many statements they send (counted with the trace
 * hook: at most ceil(distinct keys / ORMC_RELATION_BATCH)), and loads of
 * more keys than a statement may carry parameters (SQLite's 32,766,
 * PostgreSQL's 65,535), single-column and composite.
 */
#include <stdio.h>
#include <stdlib.h>

#include "relations_test.h"

/* n albums (ids 1..n, titles "album <id>", one artist) and n tracks (ids
 * 1..n), track i on album album_of(i); committed. *albums and *tracks are
 * the rows as stored (the titles and names in *text); the caller frees the
 * three. */
typedef struct store {
    size_t n;
    chinook_album *albums;
    chinook_track *tracks;
    char *text;
} store;

/* A permutation of 1..n for n not a multiple of 7919 (a prime), so that
 * the tracks' albums come in no particular order. */
static int64_t album_of(size_t i, size_t n)
{
    return (int64_t)((i * 7919) % n) + 1;
}

static void fill(ormc_db *db, store *s, size_t n)
{
    assert_ok(db, chinook_schema_create(db));
    chinook_artist artist;
    chinook_artist_init(&artist);
    artist.name = "Many";
    assert_ok(db, chinook_artist_insert(db, &artist));

    s->n = n;
    s->albums = calloc(n, sizeof *s->albums);
    s->tracks = calloc(n, sizeof *s->tracks);
    s->text = malloc(n * 32);
    assert_non_null(s->albums);
    assert_non_null(s->tracks);
    assert_non_null(s->text);
    for (size_t i = 0; i < n; i++) {
        char *title = s->text + i * 32;
        snprintf(title, 32, "album %zu", i + 1);
        chinook_album_init(&s->albums[i]);
        s->albums[i].id = (int64_t)i + 1;
        s->albums[i].artist_id = artist.id;
        s->albums[i].title = title;
        chinook_track_init(&s->tracks[i]);
        s->tracks[i].id = (int64_t)i + 1;
        s->tracks[i].has_album_id = true;
        s->tracks[i].album_id = album_of(i + 1, n);
        s->tracks[i].name = title;
    }
    assert_ok(db, chinook_album_insert_many(db, s->albums, n));
    assert_ok(db, chinook_track_insert_many(db, s->tracks, n));
    assert_ok(db, ormc_commit(db));
}

static void release(store *s)
{
    free(s->albums);
    free(s->tracks);
    free(s->text);
}

/* The albums of s's tracks: every one, once, sorted, in at most
 * ceil(n / batch) statements; each track finds its own. */
static void load_and_check_albums(ormc_db *db, const store *s)
{
    chinook_track_list tl = {.items = s->tracks, .count = s->n};
    chinook_album_list al;
    stmt_counter c;
    counter_start(db, &c);
    assert_ok(db, chinook_track_list_load_album(db, &tl, &al));
    counter_stop(db);
    assert_true(c.statements >= 1);
    assert_true(c.statements <= max_batches(s->n));
    assert_int_equal(c.rows, (int64_t)s->n);
    assert_int_equal(al.count, s->n);
    for (size_t i = 0; i < al.count; i++)
        assert_int_equal(al.items[i].id, (int64_t)i + 1);
    for (size_t i = 0; i < s->n; i++) {
        const chinook_track *t = &s->tracks[i];
        const chinook_album *a = chinook_album_list_find(&al, t->album_id);
        assert_non_null(a);
        assert_int_equal(a->id, t->album_id);
        assert_string_equal(a->title, s->albums[t->album_id - 1].title);
    }
    chinook_album_list_free(&al);
}

/* The tracks of s's albums, in at most ceil(n / batch) statements, ordered
 * by album_id, then id; each album finds its one track. */
static void load_and_check_tracks(ormc_db *db, const store *s)
{
    chinook_album_list al = {.items = s->albums, .count = s->n};
    chinook_track_list tl;
    stmt_counter c;
    counter_start(db, &c);
    assert_ok(db, chinook_album_list_load_tracks(db, &al, &tl));
    counter_stop(db);
    assert_true(c.statements <= max_batches(s->n));
    assert_int_equal(tl.count, s->n);
    for (size_t i = 0; i < tl.count; i++)
        assert_int_equal(tl.items[i].album_id, (int64_t)i + 1);
    for (size_t i = 0; i < s->n; i += 97) {
        size_t m;
        const chinook_track *run =
            chinook_track_list_for_album(&tl, &s->albums[i], &m);
        assert_int_equal(m, 1);
        assert_int_equal(run->album_id, s->albums[i].id);
    }
    chinook_track_list_free(&tl);
}

static void test_10000_tracks_in_few_statements(void **state)
{
    ormc_db *db = ormc_test_db(state);
    store s;
    fill(db, &s, 10000);
    load_and_check_albums(db, &s);
    load_and_check_tracks(db, &s);

    /* the same tracks over 2,500 albums, every album four times: the
     * bound counts distinct keys */
    chinook_track *copy = malloc(s.n * sizeof *copy);
    assert_non_null(copy);
    for (size_t i = 0; i < s.n; i++) {
        copy[i] = s.tracks[i];
        copy[i].album_id = (int64_t)(i % 2500) + 1;
    }
    chinook_track_list tl = {.items = copy, .count = s.n};
    chinook_album_list al;
    stmt_counter c;
    counter_start(db, &c);
    assert_ok(db, chinook_track_list_load_album(db, &tl, &al));
    counter_stop(db);
    assert_true(c.statements <= max_batches(2500));
    assert_int_equal(al.count, 2500);
    assert_int_equal(al.items[2499].id, 2500);
    chinook_album_list_free(&al);

    /* every other track without an album: half the keys, NULLs skipped */
    for (size_t i = 0; i < s.n; i++) {
        copy[i].album_id = s.tracks[i].album_id;
        copy[i].has_album_id = i % 2 == 0;
    }
    counter_start(db, &c);
    assert_ok(db, chinook_track_list_load_album(db, &tl, &al));
    counter_stop(db);
    assert_true(c.statements <= max_batches(5000));
    assert_int_equal(al.count, 5000);
    chinook_album_list_free(&al);
    free(copy);
    release(&s);
    ormc_rollback(db);
}

/* 70,000 keys: more than either backend takes as parameters of one
 * statement. */
static void test_more_keys_than_parameters(void **state)
{
    ormc_db *db = ormc_test_db(state);
    store s;
    fill(db, &s, 70000);
    load_and_check_albums(db, &s);
    load_and_check_tracks(db, &s);
    release(&s);
    ormc_rollback(db);
}

/* A composite key over batches: 3,000 warehouses in three regions, a bin
 * in each. */
static void test_composite_keys_in_batches(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, chinook_schema_create(db));
    enum {
        N = 3000
    };
    static const char *const regions[3] = {"east", "north", "south"};
    chinook_warehouse *w = calloc(N, sizeof *w);
    chinook_bin *b = calloc(N, sizeof *b);
    char(*city)[16] = malloc(N * sizeof *city);
    assert_non_null(w);
    assert_non_null(b);
    assert_non_null(city);
    for (int i = 0; i < N; i++) {
        chinook_warehouse_init(&w[i]);
        w[i].region = regions[i % 3];
        w[i].no = i / 3;
        snprintf(city[i], sizeof city[i], "city %d", i);
        w[i].city = city[i];
        /* bin i lives in warehouse (i * 7) % N */
        int home = (i * 7) % N;
        chinook_bin_init(&b[i]);
        b[i].region = regions[home % 3];
        b[i].has_warehouse_no = true;
        b[i].warehouse_no = home / 3;
        b[i].label = "bin";
    }
    assert_ok(db, chinook_warehouse_insert_many(db, w, N));
    assert_ok(db, chinook_bin_insert_many(db, b, N));

    chinook_bin_list bl = {.items = b, .count = N};
    chinook_warehouse_list wl;
    stmt_counter c;
    counter_start(db, &c);
    assert_ok(db, chinook_bin_list_load_home(db, &bl, &wl));
    counter_stop(db);
    assert_true(c.statements <= max_batches(N));
    assert_int_equal(wl.count, N);
    /* sorted by (region, no) */
    for (size_t i = 1; i < wl.count; i++) {
        int cmp = strcmp(wl.items[i - 1].region, wl.items[i].region);
        assert_true(cmp < 0 ||
                    (cmp == 0 && wl.items[i - 1].no < wl.items[i].no));
    }
    for (int i = 0; i < N; i++) {
        const chinook_warehouse *hit =
            chinook_warehouse_list_find(&wl, b[i].region, b[i].warehouse_no);
        assert_non_null(hit);
        assert_string_equal(hit->city, city[(i * 7) % N]);
    }
    chinook_warehouse_list_free(&wl);

    chinook_warehouse_list all = {.items = w, .count = N};
    assert_ok(db, chinook_warehouse_list_load_bins(db, &all, &bl));
    assert_int_equal(bl.count, N);
    size_t m;
    const chinook_bin *run = chinook_bin_list_for_home(&bl, &w[42], &m);
    assert_int_equal(m, 1);
    assert_string_equal(run->region, w[42].region);
    assert_int_equal(run->warehouse_no, w[42].no);
    chinook_bin_list_free(&bl);
    free(w);
    free(b);
    free(city);
    ormc_rollback(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_10000_tracks_in_few_statements),
        ORMC_BACKEND_TEST(test_more_keys_than_parameters),
        ORMC_BACKEND_TEST(test_composite_keys_in_batches),
    };
    return ormc_test_run_backends("relations_batches", tests);
}
