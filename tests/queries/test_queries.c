/*
 * test_queries.c: the typed SQL queries of music.lua (docs/queries.md), on
 * SQLite and PostgreSQL: each returns kind, the cursor, NULLs from a LEFT
 * JOIN, a parameter used twice, count, a text per dialect, a query of one
 * dialect, rows of a table as its row struct, enums, the hooks, and the
 * errors of a query declared to return one row.
 */
#include <string.h>

#include "music.h"
#include "ormc_test.h"

/* Two artists: Ada with albums One (1999: songs a, b, c) and Two (no year:
 * interlude d), Bob with none. ids[]: artist Ada, Bob, album One, Two. */
static void seed(ormc_db *db, int64_t ids[4])
{
    assert_ok(db, music_schema_create(db));
    music_artist ada = {.name = "Ada"}, bob = {.name = "Bob"};
    assert_ok(db, music_artist_insert(db, &ada));
    assert_ok(db, music_artist_insert(db, &bob));
    music_album one = {
        .artist_id = ada.id, .title = "One", .has_year = true, .year = 1999};
    music_album two = {.artist_id = ada.id, .title = "Two"};
    assert_ok(db, music_album_insert(db, &one));
    assert_ok(db, music_album_insert(db, &two));
    const char *names[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
        music_track t = {.album_id = i < 3 ? one.id : two.id,
                         .name = names[i],
                         .price = 1.0 + i,
                         .kind = i == 3 ? MUSIC_TRACK_KIND_INTERLUDE
                                        : MUSIC_TRACK_KIND_SONG};
        assert_ok(db, music_track_insert(db, &t));
    }
    assert_ok(db, ormc_commit(db));
    ids[0] = ada.id;
    ids[1] = bob.id;
    ids[2] = one.id;
    ids[3] = two.id;
}

static void test_many_with_a_parameter_used_twice(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[4];
    seed(db, ids);

    music_tracks_of_params p = {.artist = ids[0], .min_price = 2.0, .n = 10};
    music_tracks_of_list l;
    assert_ok(db, music_tracks_of(db, &p, &l));
    assert_int_equal(l.count, 3); /* b, c, d */
    assert_string_equal(l.items[0].name, "b");
    assert_string_equal(l.items[0].album_title, "One");
    assert_true(l.items[0].has_year);
    assert_int_equal(l.items[0].year, 1999);
    assert_int_equal(l.items[0].others, 2);
    assert_string_equal(l.items[2].name, "d");
    assert_string_equal(l.items[2].album_title, "Two");
    assert_false(l.items[2].has_year); /* a NULL column of the inner side */
    assert_int_equal(l.items[2].others, 0);
    music_tracks_of_list_free(&l);
    assert_null(l.items);
    assert_int_equal(l.count, 0);

    /* :artist twice: 0 matches every artist through its second use */
    p.artist = 0;
    p.min_price = 0;
    assert_ok(db, music_tracks_of(db, &p, &l));
    assert_int_equal(l.count, 4);
    music_tracks_of_list_free(&l);
    /* Bob has no tracks; LIMIT :n */
    p.artist = ids[1];
    assert_ok(db, music_tracks_of(db, &p, &l));
    assert_int_equal(l.count, 0);
    music_tracks_of_list_free(&l);
    p.artist = 0;
    p.n = 1;
    assert_ok(db, music_tracks_of(db, &p, &l));
    assert_int_equal(l.count, 1);
    music_tracks_of_list_free(&l);
    ormc_rollback(db);
}

static void test_left_join_gives_nulls(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[4];
    seed(db, ids);

    music_artist_albums_list l;
    assert_ok(db, music_artist_albums(db, &l));
    assert_int_equal(l.count, 3);
    assert_string_equal(l.items[0].artist, "Ada");
    assert_string_equal(l.items[0].title, "One");
    assert_string_equal(l.items[1].title, "Two");
    assert_false(l.items[1].has_year);
    /* Bob, who has no album: the right side of the LEFT JOIN is NULL */
    assert_string_equal(l.items[2].artist, "Bob");
    assert_null(l.items[2].title);
    assert_false(l.items[2].has_year);
    music_artist_albums_list_free(&l);
    ormc_rollback(db);
}

static void test_cursor_streams_the_rows(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[4];
    seed(db, ids);

    music_tracks_of_params p = {.artist = 0, .min_price = 0, .n = 100};
    music_tracks_of_cursor c;
    assert_ok(db, music_tracks_of_cursor_open(db, &p, &c));
    music_tracks_of_row row;
    const char *want[] = {"a", "b", "c", "d"};
    int n = 0, rc;
    while ((rc = music_tracks_of_cursor_next(&c, &row)) == ORMC_ROW) {
        assert_true(n < 4);
        assert_string_equal(row.name, want[n]);
        n++;
    }
    assert_int_equal(rc, ORMC_DONE);
    assert_int_equal(n, 4);
    music_tracks_of_cursor_close(&c);
    assert_null(c.impl);
    music_tracks_of_cursor_close(&c); /* closed: a no-op */

    /* closed early, the connection is free again */
    assert_ok(db, music_tracks_of_cursor_open(db, &p, &c));
    assert_int_equal(music_tracks_of_cursor_next(&c, &row), ORMC_ROW);
    music_tracks_of_cursor_close(&c);
    music_albums_by_params bp = {.artist = ids[0]};
    music_albums_by_row count;
    assert_ok(db, music_albums_by(db, &bp, &count));
    assert_int_equal(count.n, 2);
    ormc_rollback(db);
}

static void test_one_found_not_found_and_too_many(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[4];
    seed(db, ids);

    /* count: always one row */
    music_albums_by_params bp = {.artist = ids[1]};
    music_albums_by_row count = {.n = -1};
    assert_ok(db, music_albums_by(db, &bp, &count));
    assert_int_equal(count.n, 0);

    /* a text per dialect */
    music_album_titles_params tp = {.id = ids[2]};
    music_album_titles_row t = {0};
    assert_ok(db, music_album_titles(db, &tp, &t));
    assert_string_equal(t.title, "ONE");
    assert_non_null(t.ormc_owned);
    music_album_titles_row_free(&t);
    assert_null(t.title);
    assert_null(t.ormc_owned);

    /* no row: ORMC_NOT_FOUND, out untouched */
    tp.id = ids[3] + 100;
    t.title = "untouched";
    assert_int_equal(music_album_titles(db, &tp, &t), ORMC_NOT_FOUND);
    assert_string_equal(t.title, "untouched");
    ormc_rollback(db);
}

static void test_exec_counts_changes(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[4];
    seed(db, ids);

    music_reprice_params p = {.price = 9.5, .album = ids[2]};
    int64_t changes = -1;
    assert_ok(db, music_reprice(db, &p, &changes));
    assert_int_equal(changes, 3);
    assert_ok(db, music_reprice(db, &p, NULL));
    music_tracks_of_params tp = {.artist = ids[0], .min_price = 9.5, .n = 10};
    music_tracks_of_list l;
    assert_ok(db, music_tracks_of(db, &tp, &l));
    assert_int_equal(l.count, 3);
    music_tracks_of_list_free(&l);
    ormc_rollback(db);
}

static void test_a_query_of_one_dialect(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[4];
    seed(db, ids);

    music_artists_like_params p = {.pattern = "%A%"};
    music_artists_like_list l = {0};
    int rc = music_artists_like(db, &p, &l);
    if (ormc_test_backend() == ORMC_SQLITE) {
        /* PostgreSQL only: refused, nothing sent */
        assert_int_equal(rc, ORMC_UNSUPPORTED);
        assert_non_null(strstr(ormc_errmsg(db), "artists_like"));
        assert_null(l.items);
        music_artists_like_cursor c;
        assert_int_equal(music_artists_like_cursor_open(db, &p, &c),
                         ORMC_UNSUPPORTED);
        assert_null(c.impl);
    } else {
        assert_ok(db, rc);
        assert_int_equal(l.count, 1); /* Ada (ILIKE), not Bob */
        assert_int_equal(l.items[0].id, ids[0]);
        assert_string_equal(l.items[0].name, "Ada");
        assert_int_equal(l.items[0].albums, 2);
        music_artists_like_list_free(&l);
    }
    ormc_rollback(db);
}

static void test_enum_parameter_and_result(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[4];
    seed(db, ids);

    music_tracks_by_kind_params p = {.kind = MUSIC_TRACK_KIND_INTERLUDE};
    music_tracks_by_kind_list l;
    assert_ok(db, music_tracks_by_kind(db, &p, &l));
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].name, "d");
    assert_int_equal(l.items[0].kind, MUSIC_TRACK_KIND_INTERLUDE);
    music_tracks_by_kind_list_free(&l);
    p.kind = MUSIC_TRACK_KIND_SONG;
    assert_ok(db, music_tracks_by_kind(db, &p, &l));
    assert_int_equal(l.count, 3);
    assert_int_equal(l.items[2].kind, MUSIC_TRACK_KIND_SONG);
    music_tracks_by_kind_list_free(&l);
    /* a value out of range is refused before anything is sent */
    p.kind = (music_track_kind)7;
    assert_int_equal(music_tracks_by_kind(db, &p, &l), ORMC_INVALID);
    assert_null(l.items);
    ormc_rollback(db);
}

/* What the hooks see of a query: the trace hook its statement, the change
 * hook nothing (ormc cannot tell which rows a statement changed). */
typedef struct seen {
    int changes;
    int traced;
    int64_t rows;
} seen;

static void on_change(void *ctx, const ormc_table *t, ormc_change op,
                      const void *row)
{
    (void)t;
    (void)op;
    (void)row;
    ((seen *)ctx)->changes++;
}

static void on_trace(void *ctx, const ormc_trace_event *ev)
{
    seen *s = ctx;
    if (strstr(ev->sql, "UPDATE track SET price = $1") != NULL) {
        s->traced++;
        s->rows = ev->rows;
    }
}

static void test_hooks_see_a_query(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[4];
    seed(db, ids);

    seen s = {0};
    ormc_on_change(db, on_change, &s);
    ormc_set_trace(db, on_trace, &s);
    music_reprice_params p = {.price = 3.0, .album = ids[3]};
    assert_ok(db, music_reprice(db, &p, NULL));
    assert_int_equal(s.traced, 1);
    assert_int_equal(s.rows, 1);
    assert_int_equal(s.changes, 0);
    ormc_set_trace(db, NULL, NULL);
    ormc_on_change(db, NULL, NULL);
    ormc_rollback(db);
}

static void test_rows_of_a_table_are_its_row_struct(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[4];
    seed(db, ids);

    music_album_tracks_params p = {.album = ids[2]};
    music_album_tracks_list l;
    assert_ok(db, music_album_tracks(db, &p, &l));
    assert_int_equal(l.count, 3);
    music_track *t = &l.items[1]; /* the table's own row type */
    assert_string_equal(t->name, "b");
    assert_int_equal(t->album_id, ids[2]);
    assert_true(t->price == 2.0);
    /* a table row, as _get gives it */
    music_track got;
    assert_ok(db, music_track_get(db, t->id, &got));
    assert_string_equal(got.name, t->name);
    music_track_free(&got);
    music_album_tracks_list_free(&l);
    ormc_rollback(db);
}

/* A query declared to return one row that returns two: ORMC_INVALID, out
 * untouched. (Through the descriptor: every generated "one" query of
 * music.lua returns at most one row.) */
static void test_one_refuses_a_second_row(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int64_t ids[4];
    seed(db, ids);

    static const ormc_column cols[] = {{
        .name = "title",
        .sql_name = "title",
        .type = ORMC_TYPE_TEXT,
        .offset = offsetof(music_album_titles_row, title),
        .has_offset = ORMC_NO_HAS,
        .ref_column = -1,
    }};
    static const ormc_table row = {
        .name = "titles",
        .sql_name = "titles",
        .row_size = sizeof(music_album_titles_row),
        .owned_offset = offsetof(music_album_titles_row, ormc_owned),
        .columns = cols,
        .n_columns = 1,
    };
    static const ormc_sql_query q = {
        .name = "titles",
        .sqlite = "SELECT title FROM albums ORDER BY id",
        .postgres = "SELECT title FROM albums ORDER BY id",
        .row = &row,
    };
    music_album_titles_row t = {.title = "untouched"};
    assert_int_equal(ormc_sql_one(db, &q, NULL, &t), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "more than one row"));
    assert_string_equal(t.title, "untouched");
    /* the statement was given back: the same query runs again */
    assert_int_equal(ormc_sql_one(db, &q, NULL, &t), ORMC_INVALID);
    ormc_rollback(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_many_with_a_parameter_used_twice),
        ORMC_BACKEND_TEST(test_left_join_gives_nulls),
        ORMC_BACKEND_TEST(test_cursor_streams_the_rows),
        ORMC_BACKEND_TEST(test_one_found_not_found_and_too_many),
        ORMC_BACKEND_TEST(test_exec_counts_changes),
        ORMC_BACKEND_TEST(test_rows_of_a_table_are_its_row_struct),
        ORMC_BACKEND_TEST(test_hooks_see_a_query),
        ORMC_BACKEND_TEST(test_a_query_of_one_dialect),
        ORMC_BACKEND_TEST(test_enum_parameter_and_result),
        ORMC_BACKEND_TEST(test_one_refuses_a_second_row),
    };
    return ormc_test_run_backends("queries_run", tests);
}
