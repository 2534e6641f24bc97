/*
 * test_fixture_composite.c: ormc_row_fixture_insert through composite
 * foreign keys (tests/gen/good/composite.lua), on both backends: the
 * parents are created, each key column of the child holds its parent's
 * value (a serial from the grandparent, an integer, a text), the
 * database's foreign keys accept the rows, and one seq shares its parents.
 */
#include <stdio.h>
#include <string.h>

#include "composite.h"
#include "ormc_test.h"

static void create(ormc_db *db)
{
    assert_ok(db, composite_schema_create(db));
    if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
        assert_ok(db, ormc_commit(db));
}

static int64_t count(ormc_db *db, const char *sql)
{
    ormc_result *res = NULL;
    assert_ok(db, ormc_query(db, sql, NULL, 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    int64_t n = ormc_result_int64(res, 0);
    assert_int_equal(ormc_result_next(res), ORMC_DONE);
    ormc_result_close(res);
    return n;
}

/* A track's composite key to album (artist_id, no): both columns copied
 * from the album stored for its seq, whose artist_id is the artist's
 * serial key. */
static void test_composite_key_to_primary_key(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create(db);
    composite_track t;
    assert_ok(db, composite_track_fixture_insert(db, 7, &t));
    assert_int_equal(count(db, "SELECT count(*) FROM artist"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM album"), 1);

    composite_album_query q;
    composite_album_query_init(&q);
    composite_album a;
    assert_ok(db, composite_album_first(db, &q, &a));
    composite_album_query_free(&q);
    composite_artist artist;
    assert_ok(db, composite_artist_get(db, a.artist_id, &artist));
    assert_true(t.has_artist_id);
    assert_true(t.has_album_no);
    assert_int_equal(t.artist_id, a.artist_id);
    assert_int_equal(t.artist_id, artist.id); /* the real serial key */
    assert_int_equal(t.album_no, a.no);
    composite_artist_free(&artist);

    /* What the database stored joins to its album. */
    assert_int_equal(count(db, "SELECT count(*) FROM track t JOIN album a "
                               "ON a.artist_id = t.artist_id "
                               "AND a.no = t.album_no"),
                     1);

    /* The same seq shares the album and the artist; another makes new
     * ones. */
    composite_track t2;
    assert_ok(db, composite_track_fixture_insert(db, 7, &t2));
    assert_int_equal(t2.artist_id, t.artist_id);
    assert_int_equal(t2.album_no, t.album_no);
    assert_int_equal(count(db, "SELECT count(*) FROM album"), 1);
    composite_track_free(&t2);
    assert_ok(db, composite_track_fixture_insert(db, 8, &t2));
    assert_true(t2.artist_id != t.artist_id);
    assert_int_equal(count(db, "SELECT count(*) FROM album"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM artist"), 2);
    composite_track_free(&t2);

    composite_album_free(&a);
    composite_track_free(&t);
    assert_ok(db, ormc_commit(db));
}

/* A review's composite key to album's unique key (code, artist_id), in an
 * order of its own: the text matches the album's code, the integer is the
 * artist's serial key. */
static void test_composite_key_to_unique_key(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create(db);
    composite_review r;
    assert_ok(db, composite_review_fixture_insert(db, 3, &r));
    composite_album a;
    composite_album_query q;
    composite_album_query_init(&q);
    assert_ok(db, composite_album_first(db, &q, &a));
    composite_album_query_free(&q);
    assert_non_null(r.album_code);
    assert_string_equal(r.album_code, a.code);
    assert_true(r.has_artist_id);
    assert_int_equal(r.artist_id, a.artist_id);
    assert_int_equal(count(db, "SELECT count(*) FROM review r JOIN album a "
                               "ON a.code = r.album_code "
                               "AND a.artist_id = r.artist_id"),
                     1);
    composite_album_free(&a);
    composite_review_free(&r);

    /* A track of the same seq finds that album rather than making one. */
    composite_track t;
    assert_ok(db, composite_track_fixture_insert(db, 3, &t));
    assert_int_equal(count(db, "SELECT count(*) FROM album"), 1);
    composite_track_free(&t);
    assert_ok(db, ormc_commit(db));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_composite_key_to_primary_key),
        ORMC_BACKEND_TEST(test_composite_key_to_unique_key),
    };
    return ormc_test_run_backends("data_fixture_composite", tests);
}
