/*
 * test_relations.c: the relation functions generated from the foreign keys
 * of chinook.lua (docs/relations.md), on SQLite and PostgreSQL: the parent
 * of a row (found, NULL key, dangling key), the children of one parent
 * through a query, the rows whose parent matches a query, the batch
 * loaders both ways with their look-ups, a relation to the same table, two
 * relations to one parent, a composite key, a unique key that is not the
 * primary key, the join table both ways, empty lists, NULL arguments, and
 * a load that fails.
 */
#include <stdio.h>

#include "relations_test.h"

/* The music store every test starts from:
 *
 *   artists  Ada (albums One, Two), Bob (albums Three, Empty)
 *   genres   Rock, Jazz
 *   tracks   (in insertion order, so in id order)
 *     t[0] a: Two, Rock      t[3] d: One, no genre
 *     t[1] b: One, Rock      t[4] e: no album, Jazz
 *     t[2] c: Two, Jazz      t[5] f: Three, Rock
 *
 * so album One has b, d; Two a, c; Three f; Empty none; and the ids of an
 * album's tracks are not contiguous. Committed. */
typedef struct fx {
    chinook_artist ada, bob;
    chinook_album one, two, three, empty;
    chinook_genre rock, jazz;
    chinook_track t[6];
} fx;

static void add_album(ormc_db *db, chinook_album *a, const char *title,
                      int64_t artist_id)
{
    chinook_album_init(a);
    a->title = title;
    a->artist_id = artist_id;
    assert_ok(db, chinook_album_insert(db, a));
}

static void seed(ormc_db *db, fx *f)
{
    assert_ok(db, chinook_schema_create(db));
    chinook_artist_init(&f->ada);
    f->ada.name = "Ada";
    assert_ok(db, chinook_artist_insert(db, &f->ada));
    chinook_artist_init(&f->bob);
    f->bob.name = "Bob";
    assert_ok(db, chinook_artist_insert(db, &f->bob));
    add_album(db, &f->one, "One", f->ada.id);
    add_album(db, &f->two, "Two", f->ada.id);
    add_album(db, &f->three, "Three", f->bob.id);
    add_album(db, &f->empty, "Empty", f->bob.id);
    chinook_genre_init(&f->rock);
    f->rock.name = "Rock";
    assert_ok(db, chinook_genre_insert(db, &f->rock));
    chinook_genre_init(&f->jazz);
    f->jazz.name = "Jazz";
    assert_ok(db, chinook_genre_insert(db, &f->jazz));

    static const char *const names[6] = {"a", "b", "c", "d", "e", "f"};
    const chinook_album *albums[6] = {&f->two, &f->one, &f->two,
                                      &f->one, NULL,    &f->three};
    const chinook_genre *genres[6] = {&f->rock, &f->rock, &f->jazz,
                                      NULL,     &f->jazz, &f->rock};
    for (int i = 0; i < 6; i++) {
        chinook_track *t = &f->t[i];
        chinook_track_init(t);
        t->name = names[i];
        t->milliseconds = 1000 * (i + 1);
        t->has_album_id = albums[i] != NULL;
        t->album_id = albums[i] ? albums[i]->id : 0;
        t->has_genre_id = genres[i] != NULL;
        t->genre_id = genres[i] ? genres[i]->id : 0;
        assert_ok(db, chinook_track_insert(db, t));
    }
    assert_ok(db, ormc_commit(db));
}

/* The tracks of f as a list of borrowed rows (never freed). */
static chinook_track_list tracks_of(fx *f)
{
    return (chinook_track_list){.items = f->t, .count = 6};
}

/* === the parent: <child>_<relation> === */

static void test_parent_found(void **state)
{
    ormc_db *db = ormc_test_db(state);
    fx f;
    seed(db, &f);

    chinook_album album;
    assert_ok(db, chinook_track_album(db, &f.t[1], &album));
    assert_int_equal(album.id, f.one.id);
    assert_string_equal(album.title, "One");
    assert_int_equal(album.artist_id, f.ada.id);
    chinook_album_free(&album);

    /* and its parent in turn */
    chinook_artist artist;
    assert_ok(db, chinook_album_artist(db, &f.three, &artist));
    assert_int_equal(artist.id, f.bob.id);
    assert_string_equal(artist.name, "Bob");
    chinook_artist_free(&artist);

    /* one statement, one row */
    stmt_counter c;
    counter_start(db, &c);
    chinook_genre genre;
    assert_ok(db, chinook_track_genre(db, &f.t[2], &genre));
    counter_stop(db);
    assert_string_equal(genre.name, "Jazz");
    chinook_genre_free(&genre);
    assert_int_equal(c.statements, 1);
    assert_int_equal(c.rows, 1);
    ormc_rollback(db);
}

static void test_parent_of_a_null_key_sends_nothing(void **state)
{
    ormc_db *db = ormc_test_db(state);
    fx f;
    seed(db, &f);

    stmt_counter c;
    counter_start(db, &c);
    chinook_album album = {.title = "untouched"};
    assert_int_equal(chinook_track_album(db, &f.t[4], &album), ORMC_NOT_FOUND);
    chinook_genre genre = {.name = "untouched"};
    assert_int_equal(chinook_track_genre(db, &f.t[3], &genre), ORMC_NOT_FOUND);
    counter_stop(db);
    assert_int_equal(c.statements, 0);
    assert_string_equal(album.title, "untouched");
    assert_string_equal(genre.name, "untouched");
    ormc_rollback(db);
}

/* A key whose parent row is gone: possible on SQLite with its foreign keys
 * turned off, and on PostgreSQL without the constraint. */
static void test_parent_of_a_dangling_key_is_not_found(void **state)
{
    ormc_db *db = ormc_test_db(state);
    fx f;
    seed(db, &f);

    if (ormc_test_backend() == ORMC_SQLITE) {
        /* the pragma does nothing inside a transaction: a connection of
         * its own in autocommit mode */
        ormc_options opts = ORMC_OPTIONS_INIT;
        opts.autocommit = 1;
        ormc_db *raw = NULL;
        assert_ok(raw, ormc_open_with(ormc_test_url(), &opts, &raw));
        ormc_test_exec(raw, "PRAGMA foreign_keys = OFF");
        assert_ok(raw, chinook_album_delete(raw, f.three.id));
        ormc_close(raw);
    } else {
        char sql[256];
        snprintf(sql, sizeof sql, "ALTER TABLE track DROP CONSTRAINT \"%s\"",
                 chinook_track_table.foreign_keys[0].sql_name);
        ormc_test_exec(db, sql);
        assert_ok(db, chinook_album_delete(db, f.three.id));
        assert_ok(db, ormc_commit(db));
    }

    chinook_album album = {.title = "untouched"};
    assert_int_equal(chinook_track_album(db, &f.t[5], &album), ORMC_NOT_FOUND);
    assert_string_equal(album.title, "untouched");

    /* the loader leaves it out; the others are still there */
    chinook_track_list tracks = tracks_of(&f);
    chinook_album_list albums;
    assert_ok(db, chinook_track_list_load_album(db, &tracks, &albums));
    assert_ids(albums.items, albums.count, f.one.id, f.two.id);
    assert_null(chinook_album_list_find(&albums, f.three.id));
    chinook_album_list_free(&albums);
    ormc_rollback(db);
}

/* === the children of one parent: <child>_where_<relation>_is === */

static void test_where_is_narrows_a_query(void **state)
{
    ormc_db *db = ormc_test_db(state);
    fx f;
    seed(db, &f);

    chinook_track_query q;
    chinook_track_query_init(&q);
    chinook_track_where_album_is(&q, &f.two);
    chinook_track_order_by(&q, CHINOOK_TRACK_ID, ORMC_ASC);
    chinook_track_list l;
    assert_ok(db, chinook_track_all(db, &q, &l));
    assert_ids(l.items, l.count, f.t[0].id, f.t[2].id);
    chinook_track_list_free(&l);

    chinook_track first;
    assert_ok(db, chinook_track_first(db, &q, &first));
    assert_string_equal(first.name, "a");
    chinook_track_free(&first);

    int64_t n = -1;
    assert_ok(db, chinook_track_count(db, &q, &n));
    assert_int_equal(n, 2);
    chinook_track_query_free(&q);

    /* AND-ed with the other conditions */
    chinook_track_query_init(&q);
    chinook_track_where_album_is(&q, &f.two);
    chinook_track_where_name(&q, ORMC_EQ, "c");
    assert_ok(db, chinook_track_all(db, &q, &l));
    assert_ids(l.items, l.count, f.t[2].id);
    chinook_track_list_free(&l);
    chinook_track_query_free(&q);

    /* a parent with no children */
    chinook_track_query_init(&q);
    chinook_track_where_album_is(&q, &f.empty);
    assert_int_equal(chinook_track_first(db, &q, &first), ORMC_NOT_FOUND);
    assert_ok(db, chinook_track_count(db, &q, &n));
    assert_int_equal(n, 0);
    chinook_track_query_free(&q);

    /* a cursor over the children of One */
    chinook_track_query_init(&q);
    chinook_track_where_album_is(&q, &f.one);
    chinook_track_order_by(&q, CHINOOK_TRACK_ID, ORMC_ASC);
    chinook_track_cursor cur;
    assert_ok(db, chinook_track_cursor_open(db, &q, &cur));
    chinook_track row;
    int seen = 0, rc;
    while ((rc = chinook_track_cursor_next(&cur, &row)) == ORMC_ROW) {
        assert_int_equal(row.album_id, f.one.id);
        seen++;
    }
    assert_int_equal(rc, ORMC_DONE);
    assert_int_equal(seen, 2);
    chinook_track_cursor_close(&cur);
    chinook_track_query_free(&q);
    ormc_rollback(db);
}

static void test_where_is_deletes_the_children(void **state)
{
    ormc_db *db = ormc_test_db(state);
    fx f;
    seed(db, &f);

    chinook_track_query q;
    chinook_track_query_init(&q);
    chinook_track_where_album_is(&q, &f.one);
    int64_t deleted = -1;
    assert_ok(db, chinook_track_delete_where(db, &q, &deleted));
    assert_int_equal(deleted, 2);
    int64_t n = -1;
    assert_ok(db, chinook_track_count(db, &q, &n));
    assert_int_equal(n, 0);
    chinook_track_query_free(&q);

    /* only One's: four tracks are left */
    chinook_track_query_init(&q);
    assert_ok(db, chinook_track_count(db, &q, &n));
    assert_int_equal(n, 4);
    chinook_track_query_free(&q);
    ormc_rollback(db);
}

static void test_where_is_refuses_a_null_parent(void **state)
{
    ormc_db *db = ormc_test_db(state);
    fx f;
    seed(db, &f);

    chinook_track_query q;
    chinook_track_query_init(&q);
    chinook_track_where_album_is(&q, NULL);
    stmt_counter c;
    counter_start(db, &c);
    chinook_track_list l = {0};
    assert_int_equal(chinook_track_all(db, &q, &l), ORMC_INVALID);
    counter_stop(db);
    assert_int_equal(c.statements, 0);
    assert_null(l.items);
    chinook_track_query_free(&q);
    ormc_rollback(db);
}

/* === filtering by related rows: <child>_where_<relation>_in === */

static void test_where_in_filters_by_the_parents(void **state)
{
    ormc_db *db = ormc_test_db(state);
    fx f;
    seed(db, &f);

    /* the tracks of Ada's albums */
    chinook_album_query aq;
    chinook_album_query_init(&aq);
    chinook_album_where_artist_id(&aq, ORMC_EQ, f.ada.id);
    chinook_track_query q;
    chinook_track_query_init(&q);
    chinook_track_where_album_in(&q, &aq);
    chinook_track_order_by(&q, CHINOOK_TRACK_ID, ORMC_ASC);
    chinook_track_list l;
    assert_ok(db, chinook_track_all(db, &q, &l));
    assert_ids(l.items, l.count, f.t[0].id, f.t[1].id, f.t[2].id, f.t[3].id);
    chinook_track_list_free(&l);
    int64_t n = -1;
    assert_ok(db, chinook_track_count(db, &q, &n));
    assert_int_equal(n, 4);
    chinook_track_query_free(&q);
    chinook_album_query_free(&aq);

    /* a condition on the parent's own column, and a second filter */
    chinook_album_query_init(&aq);
    chinook_album_where_title(&aq, ORMC_LIKE, "T%");
    chinook_genre_query gq;
    chinook_genre_query_init(&gq);
    chinook_genre_where_name(&gq, ORMC_EQ, "Rock");
    chinook_track_query_init(&q);
    chinook_track_where_album_in(&q, &aq);
    chinook_track_where_genre_in(&q, &gq);
    chinook_track_order_by(&q, CHINOOK_TRACK_ID, ORMC_ASC);
    assert_ok(db, chinook_track_all(db, &q, &l));
    assert_ids(l.items, l.count, f.t[0].id, f.t[5].id); /* a (Two), f */
    chinook_track_list_free(&l);
    chinook_track_query_free(&q);
    chinook_genre_query_free(&gq);
    chinook_album_query_free(&aq);

    /* an empty parent query matches every parent: a NULL key matches none */
    chinook_album_query_init(&aq);
    chinook_track_query_init(&q);
    chinook_track_where_album_in(&q, &aq);
    assert_ok(db, chinook_track_count(db, &q, &n));
    assert_int_equal(n, 5);
    chinook_track_query_free(&q);
    chinook_album_query_free(&aq);
    ormc_rollback(db);
}

static void test_where_in_keeps_the_limit_of_the_subquery(void **state)
{
    ormc_db *db = ormc_test_db(state);
    fx f;
    seed(db, &f);

    /* the tracks of the last album by title (Two, Three, One, Empty): Two */
    chinook_album_query aq;
    chinook_album_query_init(&aq);
    chinook_album_order_by(&aq, CHINOOK_ALBUM_TITLE, ORMC_DESC);
    chinook_album_limit(&aq, 1);
    chinook_track_query q;
    chinook_track_query_init(&q);
    chinook_track_where_album_in(&q, &aq);
    chinook_track_order_by(&q, CHINOOK_TRACK_ID, ORMC_ASC);
    chinook_track_list l;
    assert_ok(db, chinook_track_all(db, &q, &l));
    assert_ids(l.items, l.count, f.t[0].id, f.t[2].id);
    chinook_track_list_free(&l);
    chinook_track_query_free(&q);

    /* and its offset: the next one, Three */
    chinook_album_offset(&aq, 1);
    chinook_track_query_init(&q);
    chinook_track_where_album_in(&q, &aq);
    assert_ok(db, chinook_track_all(db, &q, &l));
    assert_ids(l.items, l.count, f.t[5].id);
    chinook_track_list_free(&l);

    /* delete through it */
    int64_t deleted = -1;
    assert_ok(db, chinook_track_delete_where(db, &q, &deleted));
    assert_int_equal(deleted, 1);
    chinook_track_query_free(&q);
    chinook_album_query_free(&aq);
    ormc_rollback(db);
}

/* === batch loading: <child>_list_load_<relation>, <parent>_list_find === */

static void test_list_load_gives_distinct_sorted_parents(void **state)
{
    ormc_db *db = ormc_test_db(state);
    fx f;
    seed(db, &f);

    chinook_track_list tracks = tracks_of(&f);
    chinook_album_list albums;
    stmt_counter c;
    counter_start(db, &c);
    assert_ok(db, chinook_track_list_load_album(db, &tracks, &albums));
    counter_stop(db);
    /* six tracks, one without an album, three distinct albums: sorted by
     * key, whatever the order of the tracks */
    assert_ids(albums.items, albums.count, f.one.id, f.two.id, f.three.id);
    assert_string_equal(albums.items[1].title, "Two");
    assert_int_equal(c.statements, 1);
    assert_int_equal(c.rows, 3);

    /* each track finds its album; the one without finds nothing */
    for (int i = 0; i < 6; i++) {
        const chinook_track *t = &f.t[i];
        if (!t->has_album_id)
            continue;
        const chinook_album *a = chinook_album_list_find(&albums, t->album_id);
        assert_non_null(a);
        assert_int_equal(a->id, t->album_id);
    }
    assert_null(chinook_album_list_find(&albums, f.empty.id));
    assert_null(chinook_album_list_find(&albums, 0));
    assert_null(chinook_album_list_find(&albums, INT64_MAX));

    /* the parents' parents, from the loaded list */
    chinook_artist_list artists;
    assert_ok(db, chinook_album_list_load_artist(db, &albums, &artists));
    assert_ids(artists.items, artists.count, f.ada.id, f.bob.id);
    assert_string_equal(chinook_artist_list_find(&artists, f.bob.id)->name,
                        "Bob");
    chinook_artist_list_free(&artists);
    chinook_album_list_free(&albums);
    assert_null(albums.items);
    assert_int_equal(albums.count, 0);

    /* the tracks in reverse: the same albums, in the same order */
    chinook_track rev[6];
    for (int i = 0; i < 6; i++)
        rev[i] = f.t[5 - i];
    chinook_track_list rl = {.items = rev, .count = 6};
    assert_ok(db, chinook_track_list_load_album(db, &rl, &albums));
    assert_ids(albums.items, albums.count, f.one.id, f.two.id, f.three.id);
    chinook_album_list_free(&albums);
    ormc_rollback(db);
}

static void test_list_sort_orders_by_key(void **state)
{
    ormc_db *db = ormc_test_db(state);
    fx f;
    seed(db, &f);

    chinook_album_query q;
    chinook_album_query_init(&q);
    chinook_album_order_by(&q, CHINOOK_ALBUM_TITLE, ORMC_DESC);
    chinook_album_list l;
    assert_ok(db, chinook_album_all(db, &q, &l));
    chinook_album_query_free(&q);
    /* by title, descending: Two, Three, One, Empty */
    assert_ids(l.items, l.count, f.two.id, f.three.id, f.one.id, f.empty.id);
    chinook_album_list_sort(&l);
    assert_ids(l.items, l.count, f.one.id, f.two.id, f.three.id, f.empty.id);
    assert_string_equal(chinook_album_list_find(&l, f.empty.id)->title,
                        "Empty");
    chinook_album_list_free(&l);
    ormc_rollback(db);
}

/* === the children of many parents: <parent>_list_load_<children> === */

static void test_children_loader_groups_by_parent(void **state)
{
    ormc_db *db = ormc_test_db(state);
    fx f;
    seed(db, &f);

    /* the albums in an order of their own, one without tracks */
    chinook_album given[4] = {f.three, f.empty, f.two, f.one};
    chinook_album_list albums = {.items = given, .count = 4};
    chinook_track_list tracks;
    stmt_counter c;
    counter_start(db, &c);
    assert_ok(db, chinook_album_list_load_tracks(db, &albums, &tracks));
    counter_stop(db);
    assert_int_equal(c.statements, 1);
    /* ordered by album_id, then by id: One's b, d; Two's a, c; Three's f */
    assert_ids(tracks.items, tracks.count, f.t[1].id, f.t[3].id, f.t[0].id,
               f.t[2].id, f.t[5].id);

    /* _list_for_<relation>: each album's run of tracks */
    size_t n = 99;
    const chinook_track *run =
        chinook_track_list_for_album(&tracks, &f.two, &n);
    assert_int_equal(n, 2);
    assert_non_null(run);
    assert_string_equal(run[0].name, "a");
    assert_string_equal(run[1].name, "c");
    run = chinook_track_list_for_album(&tracks, &f.one, &n);
    assert_int_equal(n, 2);
    assert_int_equal(run[0].id, f.t[1].id);
    run = chinook_track_list_for_album(&tracks, &f.three, &n);
    assert_int_equal(n, 1);
    assert_string_equal(run[0].name, "f");
    n = 99;
    assert_null(chinook_track_list_for_album(&tracks, &f.empty, &n));
    assert_int_equal(n, 0);
    chinook_track_list_free(&tracks);

    /* the tracks of the genres: a second relation of the same table */
    chinook_genre genres[2] = {f.jazz, f.rock};
    chinook_genre_list gl = {.items = genres, .count = 2};
    assert_ok(db, chinook_genre_list_load_tracks(db, &gl, &tracks));
    assert_int_equal(tracks.count, 5); /* d has no genre */
    run = chinook_track_list_for_genre(&tracks, &f.rock, &n);
    assert_int_equal(n, 3);
    assert_ids(run, n, f.t[0].id, f.t[1].id, f.t[5].id);
    run = chinook_track_list_for_genre(&tracks, &f.jazz, &n);
    assert_ids(run, n, f.t[2].id, f.t[4].id);
    chinook_track_list_free(&tracks);
    ormc_rollback(db);
}

/* === a relation to its own table === */

typedef struct tree {
    chinook_category music, rock, jazz, punk;
} tree;

static void add_category(ormc_db *db, chinook_category *c, const char *name,
                         const chinook_category *parent)
{
    chinook_category_init(c);
    c->name = name;
    c->has_parent_id = parent != NULL;
    c->parent_id = parent ? parent->id : 0;
    assert_ok(db, chinook_category_insert(db, c));
}

static void test_self_relation(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, chinook_schema_create(db));
    tree t;
    add_category(db, &t.music, "Music", NULL);
    add_category(db, &t.rock, "Rock", &t.music);
    add_category(db, &t.jazz, "Jazz", &t.music);
    add_category(db, &t.punk, "Punk", &t.rock);

    /* up */
    chinook_category parent;
    assert_ok(db, chinook_category_parent(db, &t.punk, &parent));
    assert_string_equal(parent.name, "Rock");
    chinook_category_free(&parent);
    assert_int_equal(chinook_category_parent(db, &t.music, &parent),
                     ORMC_NOT_FOUND);

    /* down, one parent */
    chinook_category_query q;
    chinook_category_query_init(&q);
    chinook_category_where_parent_is(&q, &t.music);
    chinook_category_order_by(&q, CHINOOK_CATEGORY_ID, ORMC_ASC);
    chinook_category_list l;
    assert_ok(db, chinook_category_all(db, &q, &l));
    assert_ids(l.items, l.count, t.rock.id, t.jazz.id);
    chinook_category_list_free(&l);
    chinook_category_query_free(&q);

    /* the categories under Rock's parent: IN over the same table */
    chinook_category_query pq;
    chinook_category_query_init(&pq);
    chinook_category_where_name(&pq, ORMC_EQ, "Rock");
    chinook_category_query_init(&q);
    chinook_category_where_parent_in(&q, &pq);
    assert_ok(db, chinook_category_all(db, &q, &l));
    assert_ids(l.items, l.count, t.punk.id);
    chinook_category_list_free(&l);
    chinook_category_query_free(&q);
    chinook_category_query_free(&pq);

    /* the parents of all four, and the children (inverse = "children") */
    chinook_category all[4] = {t.punk, t.jazz, t.rock, t.music};
    chinook_category_list al = {.items = all, .count = 4};
    chinook_category_list parents;
    assert_ok(db, chinook_category_list_load_parent(db, &al, &parents));
    assert_ids(parents.items, parents.count, t.music.id, t.rock.id);
    chinook_category_list_free(&parents);

    chinook_category_list kids;
    assert_ok(db, chinook_category_list_load_children(db, &al, &kids));
    /* by parent_id (Music's, then Rock's), then id */
    assert_ids(kids.items, kids.count, t.rock.id, t.jazz.id, t.punk.id);
    size_t n;
    const chinook_category *run =
        chinook_category_list_for_parent(&kids, &t.music, &n);
    assert_ids(run, n, t.rock.id, t.jazz.id);
    run = chinook_category_list_for_parent(&kids, &t.rock, &n);
    assert_ids(run, n, t.punk.id);
    assert_null(chinook_category_list_for_parent(&kids, &t.punk, &n));
    assert_int_equal(n, 0);
    chinook_category_list_free(&kids);
    ormc_rollback(db);
}

/* === two relations to one parent table === */

static void test_two_relations_to_one_parent(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, chinook_schema_create(db));
    chinook_account acc[3];
    static const char *const owners[3] = {"A", "B", "C"};
    for (int i = 0; i < 3; i++) {
        chinook_account_init(&acc[i]);
        acc[i].owner = owners[i];
        assert_ok(db, chinook_account_insert(db, &acc[i]));
    }
    /* A->B 100, B->C 50, A->C 25, C->A 10 */
    static const int moves[4][3] = {
        {0, 1, 100}, {1, 2, 50}, {0, 2, 25}, {2, 0, 10}};
    chinook_transfer tr[4];
    for (int i = 0; i < 4; i++) {
        chinook_transfer_init(&tr[i]);
        tr[i].from_account_id = acc[moves[i][0]].id;
        tr[i].to_account_id = acc[moves[i][1]].id;
        tr[i].cents = moves[i][2];
        assert_ok(db, chinook_transfer_insert(db, &tr[i]));
    }

    chinook_account a;
    assert_ok(db, chinook_transfer_from_account(db, &tr[1], &a));
    assert_string_equal(a.owner, "B");
    chinook_account_free(&a);
    assert_ok(db, chinook_transfer_to_account(db, &tr[1], &a));
    assert_string_equal(a.owner, "C");
    chinook_account_free(&a);

    chinook_transfer_query q;
    chinook_transfer_query_init(&q);
    chinook_transfer_where_from_account_is(&q, &acc[0]);
    chinook_transfer_order_by(&q, CHINOOK_TRANSFER_ID, ORMC_ASC);
    chinook_transfer_list l;
    assert_ok(db, chinook_transfer_all(db, &q, &l));
    assert_ids(l.items, l.count, tr[0].id, tr[2].id);
    chinook_transfer_list_free(&l);
    chinook_transfer_query_free(&q);
    chinook_transfer_query_init(&q);
    chinook_transfer_where_to_account_is(&q, &acc[2]);
    chinook_transfer_order_by(&q, CHINOOK_TRANSFER_ID, ORMC_ASC);
    assert_ok(db, chinook_transfer_all(db, &q, &l));
    assert_ids(l.items, l.count, tr[1].id, tr[2].id);
    chinook_transfer_list_free(&l);
    chinook_transfer_query_free(&q);

    /* both loaders, each grouped by its own key */
    chinook_account_list al = {.items = acc, .count = 3};
    chinook_transfer_list out;
    assert_ok(
        db, chinook_account_list_load_transfers_by_from_account(db, &al, &out));
    assert_ids(out.items, out.count, tr[0].id, tr[2].id, tr[1].id, tr[3].id);
    size_t n;
    const chinook_transfer *run =
        chinook_transfer_list_for_from_account(&out, &acc[0], &n);
    assert_ids(run, n, tr[0].id, tr[2].id);
    chinook_transfer_list_free(&out);
    assert_ok(db,
              chinook_account_list_load_transfers_by_to_account(db, &al, &out));
    assert_ids(out.items, out.count, tr[3].id, tr[0].id, tr[1].id, tr[2].id);
    run = chinook_transfer_list_for_to_account(&out, &acc[2], &n);
    assert_ids(run, n, tr[1].id, tr[2].id);
    run = chinook_transfer_list_for_to_account(&out, &acc[0], &n);
    assert_ids(run, n, tr[3].id);

    /* and back up, each relation on its own */
    chinook_account_list from, to;
    assert_ok(db, chinook_transfer_list_load_from_account(db, &out, &from));
    assert_ids(from.items, from.count, acc[0].id, acc[1].id, acc[2].id);
    chinook_transfer one_way[2] = {tr[0], tr[2]}; /* A->B, A->C */
    chinook_transfer_list ol = {.items = one_way, .count = 2};
    assert_ok(db, chinook_transfer_list_load_to_account(db, &ol, &to));
    assert_ids(to.items, to.count, acc[1].id, acc[2].id);
    chinook_account_list_free(&to);
    chinook_account_list_free(&from);
    chinook_transfer_list_free(&out);
    ormc_rollback(db);
}

/* === a composite foreign key (relation = "home") === */

typedef struct depot {
    chinook_warehouse w[3]; /* (north, 1) Oslo, (north, 2) Bergen,
                               (south, 1) Rome */
    chinook_bin b[4];       /* x: north 2, y: south 1, z: north 2,
                               loose: north, no warehouse */
} depot;

static void seed_depot(ormc_db *db, depot *d)
{
    assert_ok(db, chinook_schema_create(db));
    static const char *const regions[3] = {"north", "north", "south"};
    static const int nos[3] = {1, 2, 1};
    static const char *const cities[3] = {"Oslo", "Bergen", "Rome"};
    /* inserted out of key order */
    for (int i = 2; i >= 0; i--) {
        chinook_warehouse_init(&d->w[i]);
        d->w[i].region = regions[i];
        d->w[i].no = nos[i];
        d->w[i].city = cities[i];
        assert_ok(db, chinook_warehouse_insert(db, &d->w[i]));
    }
    static const char *const labels[4] = {"x", "y", "z", "loose"};
    static const int homes[4] = {1, 2, 1, -1};
    for (int i = 0; i < 4; i++) {
        chinook_bin *b = &d->b[i];
        chinook_bin_init(b);
        b->label = labels[i];
        const chinook_warehouse *w = homes[i] < 0 ? NULL : &d->w[homes[i]];
        b->region = w ? w->region : "north";
        b->has_warehouse_no = w != NULL;
        b->warehouse_no = w ? w->no : 0;
        assert_ok(db, chinook_bin_insert(db, b));
    }
    assert_ok(db, ormc_commit(db));
}

static void test_composite_key(void **state)
{
    ormc_db *db = ormc_test_db(state);
    depot d;
    seed_depot(db, &d);

    chinook_warehouse w;
    assert_ok(db, chinook_bin_home(db, &d.b[0], &w));
    assert_string_equal(w.city, "Bergen");
    chinook_warehouse_free(&w);
    /* one key column NULL: no parent, nothing sent */
    stmt_counter c;
    counter_start(db, &c);
    assert_int_equal(chinook_bin_home(db, &d.b[3], &w), ORMC_NOT_FOUND);
    counter_stop(db);
    assert_int_equal(c.statements, 0);

    chinook_bin_query q;
    chinook_bin_query_init(&q);
    chinook_bin_where_home_is(&q, &d.w[1]);
    chinook_bin_order_by(&q, CHINOOK_BIN_ID, ORMC_ASC);
    chinook_bin_list l;
    assert_ok(db, chinook_bin_all(db, &q, &l));
    assert_ids(l.items, l.count, d.b[0].id, d.b[2].id);
    chinook_bin_list_free(&l);
    chinook_bin_query_free(&q);

    /* the same region is not enough: Oslo has none */
    chinook_bin_query_init(&q);
    chinook_bin_where_home_is(&q, &d.w[0]);
    int64_t n = -1;
    assert_ok(db, chinook_bin_count(db, &q, &n));
    assert_int_equal(n, 0);
    chinook_bin_query_free(&q);

    /* (region, warehouse_no) IN (SELECT region, no ...) */
    chinook_warehouse_query wq;
    chinook_warehouse_query_init(&wq);
    chinook_warehouse_where_region(&wq, ORMC_EQ, "north");
    chinook_bin_query_init(&q);
    chinook_bin_where_home_in(&q, &wq);
    chinook_bin_order_by(&q, CHINOOK_BIN_ID, ORMC_ASC);
    assert_ok(db, chinook_bin_all(db, &q, &l));
    assert_ids(l.items, l.count, d.b[0].id, d.b[2].id);
    chinook_bin_list_free(&l);
    chinook_bin_query_free(&q);
    chinook_warehouse_query_free(&wq);

    /* the parents of the bins, sorted by (region, no) */
    chinook_bin_list bl = {.items = d.b, .count = 4};
    chinook_warehouse_list wl;
    assert_ok(db, chinook_bin_list_load_home(db, &bl, &wl));
    assert_int_equal(wl.count, 2);
    assert_string_equal(wl.items[0].city, "Bergen");
    assert_string_equal(wl.items[1].city, "Rome");
    const chinook_warehouse *hit = chinook_warehouse_list_find(&wl, "south", 1);
    assert_non_null(hit);
    assert_string_equal(hit->city, "Rome");
    assert_null(chinook_warehouse_list_find(&wl, "north", 1));
    assert_null(chinook_warehouse_list_find(&wl, "south", 2));
    assert_null(chinook_warehouse_list_find(&wl, "east", 2));
    chinook_warehouse_list_free(&wl);

    /* the bins of every warehouse, sorted by (region, warehouse_no, id) */
    chinook_warehouse_list all = {.items = d.w, .count = 3};
    assert_ok(db, chinook_warehouse_list_load_bins(db, &all, &l));
    assert_ids(l.items, l.count, d.b[0].id, d.b[2].id, d.b[1].id);
    size_t m;
    const chinook_bin *run = chinook_bin_list_for_home(&l, &d.w[1], &m);
    assert_ids(run, m, d.b[0].id, d.b[2].id);
    run = chinook_bin_list_for_home(&l, &d.w[2], &m);
    assert_ids(run, m, d.b[1].id);
    assert_null(chinook_bin_list_for_home(&l, &d.w[0], &m));
    assert_int_equal(m, 0);
    chinook_bin_list_free(&l);

    /* _list_sort and _list_find on the composite primary key */
    chinook_warehouse_query_init(&wq);
    chinook_warehouse_order_by(&wq, CHINOOK_WAREHOUSE_CITY, ORMC_ASC);
    assert_ok(db, chinook_warehouse_all(db, &wq, &wl));
    chinook_warehouse_query_free(&wq);
    assert_string_equal(wl.items[0].city, "Bergen");
    chinook_warehouse_list_sort(&wl);
    assert_string_equal(wl.items[0].city, "Oslo");
    assert_string_equal(wl.items[1].city, "Bergen");
    assert_string_equal(wl.items[2].city, "Rome");
    assert_string_equal(chinook_warehouse_list_find(&wl, "north", 2)->city,
                        "Bergen");
    chinook_warehouse_list_free(&wl);
    ormc_rollback(db);
}

/* A key whose to = names the parent's key in another order, (no, region):
 * the loader still sorts the parents by the primary key (region, no), the
 * order _list_find searches in. */
static void test_composite_key_in_another_order(void **state)
{
    ormc_db *db = ormc_test_db(state);
    depot d;
    seed_depot(db, &d);
    /* one crate per warehouse: by (no, region) the order would be
     * (1, north), (1, south), (2, north), not the key's */
    chinook_crate c[3];
    for (int i = 0; i < 3; i++) {
        chinook_crate_init(&c[i]);
        c[i].warehouse_no = d.w[i].no;
        c[i].warehouse_region = d.w[i].region;
        assert_ok(db, chinook_crate_insert(db, &c[i]));
    }
    chinook_crate_list cl = {.items = c, .count = 3};
    chinook_warehouse_list wl;
    assert_ok(db, chinook_crate_list_load_store(db, &cl, &wl));
    assert_int_equal(wl.count, 3);
    assert_string_equal(wl.items[0].city, "Oslo");
    assert_string_equal(wl.items[1].city, "Bergen");
    assert_string_equal(wl.items[2].city, "Rome");
    for (int i = 0; i < 3; i++) {
        const chinook_warehouse *hit = chinook_warehouse_list_find(
            &wl, c[i].warehouse_region, c[i].warehouse_no);
        assert_non_null(hit);
        assert_string_equal(hit->city, d.w[i].city);
    }
    chinook_warehouse_list_free(&wl);

    chinook_warehouse w;
    assert_ok(db, chinook_crate_store(db, &c[1], &w));
    assert_string_equal(w.city, "Bergen");
    chinook_warehouse_free(&w);
    ormc_rollback(db);
}

/* === a relation to a unique key that is not the primary key === */

static void test_relation_to_a_unique_key(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, chinook_schema_create(db));
    chinook_customer cu[2];
    static const char *const codes[2] = {"BOLT", "ACME"};
    for (int i = 0; i < 2; i++) {
        chinook_customer_init(&cu[i]);
        cu[i].code = codes[i];
        cu[i].name = i == 0 ? "Bolt Ltd" : "Acme Inc";
        assert_ok(db, chinook_customer_insert(db, &cu[i]));
    }
    /* ACME 100, none 5, BOLT 7, ACME 9 */
    static const int owner[4] = {1, -1, 0, 1};
    static const int cents[4] = {100, 5, 7, 9};
    chinook_invoice inv[4];
    for (int i = 0; i < 4; i++) {
        chinook_invoice_init(&inv[i]);
        inv[i].customer_code = owner[i] < 0 ? NULL : cu[owner[i]].code;
        inv[i].cents = cents[i];
        assert_ok(db, chinook_invoice_insert(db, &inv[i]));
    }

    chinook_customer c;
    assert_ok(db, chinook_invoice_customer(db, &inv[2], &c));
    assert_string_equal(c.name, "Bolt Ltd");
    chinook_customer_free(&c);
    assert_int_equal(chinook_invoice_customer(db, &inv[1], &c), ORMC_NOT_FOUND);

    /* loaded parents are sorted by the referenced key, code */
    chinook_invoice_list il = {.items = inv, .count = 4};
    chinook_customer_list cl;
    assert_ok(db, chinook_invoice_list_load_customer(db, &il, &cl));
    assert_int_equal(cl.count, 2);
    assert_string_equal(cl.items[0].code, "ACME");
    assert_string_equal(cl.items[1].code, "BOLT");
    const chinook_customer *hit =
        chinook_customer_list_find_by_code(&cl, "BOLT");
    assert_non_null(hit);
    assert_int_equal(hit->id, cu[0].id);
    assert_null(chinook_customer_list_find_by_code(&cl, "NONE"));

    chinook_invoice_list kids;
    assert_ok(db, chinook_customer_list_load_invoices(db, &cl, &kids));
    assert_ids(kids.items, kids.count, inv[0].id, inv[3].id, inv[2].id);
    size_t n;
    const chinook_invoice *run =
        chinook_invoice_list_for_customer(&kids, &cl.items[0], &n);
    assert_ids(run, n, inv[0].id, inv[3].id);
    chinook_invoice_list_free(&kids);
    chinook_customer_list_free(&cl);

    chinook_invoice_query q;
    chinook_invoice_query_init(&q);
    chinook_invoice_where_customer_is(&q, &cu[1]);
    int64_t count = -1;
    assert_ok(db, chinook_invoice_count(db, &q, &count));
    assert_int_equal(count, 2);
    chinook_invoice_query_free(&q);
    ormc_rollback(db);
}

/* === the join table: playlist_track(playlist_id, track_id) === */

static void test_join_table_both_ways(void **state)
{
    ormc_db *db = ormc_test_db(state);
    fx f;
    seed(db, &f);
    chinook_playlist p[3];
    static const char *const names[3] = {"Mix", "Nothing", "Solo"};
    for (int i = 0; i < 3; i++) {
        chinook_playlist_init(&p[i]);
        p[i].name = names[i];
        assert_ok(db, chinook_playlist_insert(db, &p[i]));
    }
    /* Mix: f, a, c (inserted in that order); Solo: c */
    const int links[4][2] = {{0, 5}, {0, 0}, {0, 2}, {2, 2}};
    chinook_playlist_track pt[4];
    for (int i = 0; i < 4; i++) {
        chinook_playlist_track_init(&pt[i]);
        pt[i].playlist_id = p[links[i][0]].id;
        pt[i].track_id = f.t[links[i][1]].id;
        assert_ok(db, chinook_playlist_track_insert(db, &pt[i]));
    }

    /* the tracks of a playlist */
    chinook_track_query tq;
    chinook_track_query_init(&tq);
    chinook_track_where_playlist_track_is(&tq, &p[0]);
    chinook_track_order_by(&tq, CHINOOK_TRACK_ID, ORMC_ASC);
    chinook_track_list tl;
    assert_ok(db, chinook_track_all(db, &tq, &tl));
    assert_ids(tl.items, tl.count, f.t[0].id, f.t[2].id, f.t[5].id);
    chinook_track_list_free(&tl);
    chinook_track_query_free(&tq);
    chinook_track_query_init(&tq);
    chinook_track_where_playlist_track_is(&tq, &p[1]);
    int64_t n = -1;
    assert_ok(db, chinook_track_count(db, &tq, &n));
    assert_int_equal(n, 0);
    chinook_track_query_free(&tq);

    /* the playlists of a track */
    chinook_playlist_query pq;
    chinook_playlist_query_init(&pq);
    chinook_playlist_where_playlist_track_is(&pq, &f.t[2]);
    chinook_playlist_order_by(&pq, CHINOOK_PLAYLIST_ID, ORMC_ASC);
    chinook_playlist_list pl;
    assert_ok(db, chinook_playlist_all(db, &pq, &pl));
    assert_ids(pl.items, pl.count, p[0].id, p[2].id);
    chinook_playlist_list_free(&pl);
    chinook_playlist_query_free(&pq);

    /* the pairs of the playlists, then their tracks: two statements */
    chinook_playlist_list all = {.items = p, .count = 3};
    chinook_playlist_track_list pairs;
    chinook_track_list tracks;
    stmt_counter c;
    counter_start(db, &c);
    assert_ok(db, chinook_playlist_list_load_playlist_tracks(db, &all, &pairs));
    assert_ok(db, chinook_playlist_track_list_load_track(db, &pairs, &tracks));
    counter_stop(db);
    assert_int_equal(c.statements, 2);
    /* pairs by playlist_id, then by the key (playlist_id, track_id) */
    assert_int_equal(pairs.count, 4);
    const int64_t want[4][2] = {{p[0].id, f.t[0].id},
                                {p[0].id, f.t[2].id},
                                {p[0].id, f.t[5].id},
                                {p[2].id, f.t[2].id}};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(pairs.items[i].playlist_id, want[i][0]);
        assert_int_equal(pairs.items[i].track_id, want[i][1]);
    }
    assert_ids(tracks.items, tracks.count, f.t[0].id, f.t[2].id, f.t[5].id);
    size_t m;
    const chinook_playlist_track *run =
        chinook_playlist_track_list_for_playlist(&pairs, &p[0], &m);
    assert_int_equal(m, 3);
    for (size_t i = 0; i < m; i++) {
        const chinook_track *t =
            chinook_track_list_find(&tracks, run[i].track_id);
        assert_non_null(t);
        assert_int_equal(t->id, want[i][1]);
    }
    assert_null(chinook_playlist_track_list_for_playlist(&pairs, &p[1], &m));
    assert_int_equal(m, 0);
    chinook_track_list_free(&tracks);
    chinook_playlist_track_list_free(&pairs);

    /* the other way: the pairs of tracks, then their playlists */
    chinook_track_list some = {.items = f.t, .count = 6};
    assert_ok(db, chinook_track_list_load_playlist_tracks(db, &some, &pairs));
    assert_int_equal(pairs.count, 4);
    assert_int_equal(pairs.items[0].track_id, f.t[0].id);
    assert_int_equal(pairs.items[1].track_id, f.t[2].id);
    assert_int_equal(pairs.items[1].playlist_id, p[0].id);
    assert_int_equal(pairs.items[2].track_id, f.t[2].id);
    assert_int_equal(pairs.items[2].playlist_id, p[2].id);
    assert_int_equal(pairs.items[3].track_id, f.t[5].id);
    chinook_playlist_list lists;
    assert_ok(db,
              chinook_playlist_track_list_load_playlist(db, &pairs, &lists));
    assert_ids(lists.items, lists.count, p[0].id, p[2].id);
    chinook_playlist_list_free(&lists);

    /* and a pair's own parents */
    chinook_playlist one;
    assert_ok(db, chinook_playlist_track_playlist(db, &pairs.items[2], &one));
    assert_string_equal(one.name, "Solo");
    chinook_playlist_free(&one);
    chinook_track t;
    assert_ok(db, chinook_playlist_track_track(db, &pairs.items[3], &t));
    assert_string_equal(t.name, "f");
    chinook_track_free(&t);
    chinook_playlist_track_list_free(&pairs);
    ormc_rollback(db);
}

/* === empty lists: nothing sent, empty results === */

static void test_empty_lists_send_nothing(void **state)
{
    ormc_db *db = ormc_test_db(state);
    fx f;
    seed(db, &f);

    stmt_counter c;
    counter_start(db, &c);
    chinook_track_list none = {0};
    chinook_album_list albums = {.count = 99};
    assert_ok(db, chinook_track_list_load_album(db, &none, &albums));
    assert_int_equal(albums.count, 0);
    assert_null(chinook_album_list_find(&albums, f.one.id));
    chinook_album_list_free(&albums);

    chinook_album_list no_albums = {0};
    chinook_track_list tracks = {.count = 99};
    assert_ok(db, chinook_album_list_load_tracks(db, &no_albums, &tracks));
    assert_int_equal(tracks.count, 0);
    size_t n = 99;
    assert_null(chinook_track_list_for_album(&tracks, &f.one, &n));
    assert_int_equal(n, 0);
    chinook_track_list_free(&tracks);

    /* only NULL keys: no key to look up */
    chinook_track_list nulls = {.items = &f.t[4], .count = 1};
    assert_ok(db, chinook_track_list_load_album(db, &nulls, &albums));
    assert_int_equal(albums.count, 0);
    chinook_album_list_free(&albums);
    chinook_album_list_sort(&no_albums);
    counter_stop(db);
    assert_int_equal(c.statements, 0);
    ormc_rollback(db);
}

/* === failures: an empty list, never a partial one === */

static void test_a_failed_load_leaves_an_empty_list(void **state)
{
    ormc_db *db = ormc_test_db(state);
    fx f;
    seed(db, &f);

    /* the parents' table gone: the statement fails */
    ormc_test_exec(db, "ALTER TABLE album RENAME TO album_gone");
    chinook_track_list tracks = tracks_of(&f);
    chinook_album_list albums = {.count = 99};
    int rc = chinook_track_list_load_album(db, &tracks, &albums);
    assert_int_equal(rc, ORMC_ERROR);
    assert_non_null(strstr(ormc_errmsg(db), "album"));
    assert_null(albums.items);
    assert_int_equal(albums.count, 0);
    chinook_album_list_free(&albums);
    ormc_rollback(db);

    /* the children's table gone */
    ormc_test_exec(db, "ALTER TABLE track RENAME TO track_gone");
    chinook_album given[2] = {f.one, f.two};
    chinook_album_list al = {.items = given, .count = 2};
    chinook_track_list kids = {.count = 99};
    assert_int_equal(chinook_album_list_load_tracks(db, &al, &kids),
                     ORMC_ERROR);
    assert_null(kids.items);
    assert_int_equal(kids.count, 0);
    ormc_rollback(db);
}

static void test_null_arguments(void **state)
{
    ormc_db *db = ormc_test_db(state);
    fx f;
    seed(db, &f);

    /* no list: nothing to load, nothing sent */
    stmt_counter c;
    counter_start(db, &c);
    chinook_album_list albums = {.count = 99};
    assert_ok(db, chinook_track_list_load_album(db, NULL, &albums));
    assert_int_equal(albums.count, 0);
    counter_stop(db);
    assert_int_equal(c.statements, 0);

    /* nowhere to put the rows: refused */
    chinook_track_list tracks = tracks_of(&f);
    assert_int_equal(chinook_track_list_load_album(db, &tracks, NULL),
                     ORMC_INVALID);
    assert_int_equal(chinook_album_list_load_tracks(db, NULL, NULL),
                     ORMC_INVALID);

    /* look-ups in no list find nothing */
    assert_null(chinook_album_list_find(NULL, f.one.id));
    size_t n = 99;
    assert_null(chinook_track_list_for_album(NULL, &f.one, &n));
    assert_int_equal(n, 0);
    chinook_album_list_sort(NULL);
    ormc_rollback(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_parent_found),
        ORMC_BACKEND_TEST(test_parent_of_a_null_key_sends_nothing),
        ORMC_BACKEND_TEST(test_parent_of_a_dangling_key_is_not_found),
        ORMC_BACKEND_TEST(test_where_is_narrows_a_query),
        ORMC_BACKEND_TEST(test_where_is_deletes_the_children),
        ORMC_BACKEND_TEST(test_where_is_refuses_a_null_parent),
        ORMC_BACKEND_TEST(test_where_in_filters_by_the_parents),
        ORMC_BACKEND_TEST(test_where_in_keeps_the_limit_of_the_subquery),
        ORMC_BACKEND_TEST(test_list_load_gives_distinct_sorted_parents),
        ORMC_BACKEND_TEST(test_list_sort_orders_by_key),
        ORMC_BACKEND_TEST(test_children_loader_groups_by_parent),
        ORMC_BACKEND_TEST(test_self_relation),
        ORMC_BACKEND_TEST(test_two_relations_to_one_parent),
        ORMC_BACKEND_TEST(test_composite_key),
        ORMC_BACKEND_TEST(test_composite_key_in_another_order),
        ORMC_BACKEND_TEST(test_relation_to_a_unique_key),
        ORMC_BACKEND_TEST(test_join_table_both_ways),
        ORMC_BACKEND_TEST(test_empty_lists_send_nothing),
        ORMC_BACKEND_TEST(test_a_failed_load_leaves_an_empty_list),
        ORMC_BACKEND_TEST(test_null_arguments),
    };
    return ormc_test_run_backends("relations_run", tests);
}
