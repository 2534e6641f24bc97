/*
 * The session store example (examples/session_store), on both backends.
 */
#include "ormc_test.h"
#include "session_store.h"

#include <stdlib.h>
#include <string.h>

#define HOUR ((ormc_time)3600 * 1000000)

static session_store open_store(void **state, ormc_time lifetime)
{
    session_store store;
    assert_ok(ormc_test_db(state),
              session_store_open(&store, ormc_test_db(state), lifetime));
    return store;
}

static int64_t count_sessions(ormc_db *db)
{
    web_session_query q;
    web_session_query_init(&q);
    int64_t n = -1;
    assert_ok(db, web_session_count(db, &q, &n));
    web_session_query_free(&q);
    return n;
}

static void test_set_then_get_returns_the_data(void **state)
{
    session_store store = open_store(state, HOUR);
    assert_ok(store.db, session_store_set(&store, "abc", "hello", 5));
    web_session s;
    assert_ok(store.db, session_store_get(&store, "abc", &s));
    assert_int_equal(s.data.len, 5);
    assert_memory_equal(s.data.data, "hello", 5);
    web_session_free(&s);
}

static void test_get_extends_the_expiry(void **state)
{
    session_store store = open_store(state, HOUR);
    assert_ok(store.db, session_store_set(&store, "abc", "x", 1));
    web_session before;
    assert_ok(store.db,
              web_session_get_by_session_id(store.db, "abc", &before));
    /* A longer-lived store reading the session moves its expiry further. */
    store.lifetime = 2 * HOUR;
    web_session s;
    assert_ok(store.db, session_store_get(&store, "abc", &s));
    web_session after;
    assert_ok(store.db, web_session_get_by_session_id(store.db, "abc", &after));
    assert_true(after.expires >= before.expires + HOUR - 1000000);
    assert_int_equal(after.expires, s.expires);
    web_session_free(&s);
    web_session_free(&before);
    web_session_free(&after);
}

static void test_expired_session_is_deleted_and_absent(void **state)
{
    session_store expired = open_store(state, -1000000);
    assert_ok(expired.db, session_store_set(&expired, "old", "x", 1));
    assert_int_equal(count_sessions(expired.db), 1);
    web_session s;
    assert_int_equal(session_store_get(&expired, "old", &s), ORMC_NOT_FOUND);
    assert_int_equal(count_sessions(expired.db), 0);
}

static void test_set_replaces_one_row_per_id(void **state)
{
    session_store store = open_store(state, HOUR);
    assert_ok(store.db, session_store_set(&store, "abc", "first", 5));
    assert_ok(store.db, session_store_set(&store, "abc", "second!", 7));
    assert_int_equal(count_sessions(store.db), 1);
    web_session s;
    assert_ok(store.db, session_store_get(&store, "abc", &s));
    assert_int_equal(s.data.len, 7);
    assert_memory_equal(s.data.data, "second!", 7);
    web_session_free(&s);
}

static void test_set_resets_the_expiry(void **state)
{
    session_store expired = open_store(state, -1000000);
    assert_ok(expired.db, session_store_set(&expired, "abc", "x", 1));
    session_store live = open_store(state, HOUR);
    assert_ok(live.db, session_store_set(&live, "abc", "y", 1));
    web_session s;
    assert_ok(live.db, session_store_get(&live, "abc", &s));
    assert_memory_equal(s.data.data, "y", 1);
    web_session_free(&s);
}

static void test_delete_twice_is_fine(void **state)
{
    session_store store = open_store(state, HOUR);
    assert_ok(store.db, session_store_set(&store, "abc", "x", 1));
    assert_ok(store.db, session_store_set(&store, "keep", "y", 1));
    assert_ok(store.db, session_store_delete(&store, "abc"));
    assert_ok(store.db, session_store_delete(&store, "abc"));
    web_session s;
    assert_int_equal(session_store_get(&store, "abc", &s), ORMC_NOT_FOUND);
    assert_int_equal(count_sessions(store.db), 1);
}

static void test_delete_all(void **state)
{
    session_store store = open_store(state, HOUR);
    assert_ok(store.db, session_store_set(&store, "a", "x", 1));
    assert_ok(store.db, session_store_set(&store, "b", "x", 1));
    int64_t deleted = 0;
    assert_ok(store.db, session_store_delete_all(&store, &deleted));
    assert_int_equal(deleted, 2);
    assert_int_equal(count_sessions(store.db), 0);
}

static void test_delete_expired_removes_exactly_the_expired(void **state)
{
    session_store expired = open_store(state, -1000000);
    session_store live = open_store(state, HOUR);
    assert_ok(live.db, session_store_set(&expired, "gone-1", "x", 1));
    assert_ok(live.db, session_store_set(&live, "stays-1", "x", 1));
    assert_ok(live.db, session_store_set(&expired, "gone-2", "x", 1));
    assert_ok(live.db, session_store_set(&live, "stays-2", "x", 1));
    int64_t deleted = 0;
    assert_ok(live.db, session_store_delete_expired(&live, &deleted));
    assert_int_equal(deleted, 2);
    web_session s;
    assert_ok(live.db, session_store_get(&live, "stays-1", &s));
    web_session_free(&s);
    assert_ok(live.db, session_store_get(&live, "stays-2", &s));
    web_session_free(&s);
    assert_int_equal(count_sessions(live.db), 2);
}

static void test_one_mebibyte_session_round_trips(void **state)
{
    session_store store = open_store(state, HOUR);
    size_t len = 1024 * 1024;
    unsigned char *data = malloc(len);
    assert_non_null(data);
    for (size_t i = 0; i < len; i++)
        data[i] = (unsigned char)(i * 31 + (i >> 11)); /* NULs included */
    assert_ok(store.db, session_store_set(&store, "big", data, len));
    web_session s;
    assert_ok(store.db, session_store_get(&store, "big", &s));
    assert_int_equal(s.data.len, len);
    assert_memory_equal(s.data.data, data, len);
    web_session_free(&s);
    free(data);
}

static void test_odd_ids_work(void **state)
{
    session_store store = open_store(state, HOUR);
    char longest[256];
    memset(longest, 'z', 255);
    longest[255] = '\0';
    const char *ids[] = {"\xf0\x9f\x8d\xaa-emoji", "with\nnewlines\r\n",
                         "a/b/../c", "quote'\"; --", longest};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        assert_ok(store.db, session_store_set(&store, ids[i], "v", 1));
        web_session s;
        assert_ok(store.db, session_store_get(&store, ids[i], &s));
        assert_string_equal(s.session_id, ids[i]);
        web_session_free(&s);
    }
    assert_int_equal(count_sessions(store.db), 5);
}

static void test_bad_ids_are_refused_clearly(void **state)
{
    session_store store = open_store(state, HOUR);
    assert_int_equal(session_store_set(&store, "", "v", 1), ORMC_INVALID);
    assert_string_equal(session_store_errmsg(&store),
                        "session_id: must not be empty");

    char too_long[301];
    memset(too_long, 'x', 300);
    too_long[300] = '\0';
    assert_int_equal(session_store_set(&store, too_long, "v", 1), ORMC_INVALID);
    assert_non_null(strstr(session_store_errmsg(&store), "session_id"));
    assert_non_null(strstr(session_store_errmsg(&store), "255"));
    web_session s;
    assert_int_equal(session_store_get(&store, too_long, &s), ORMC_INVALID);
    assert_int_equal(count_sessions(store.db), 0);
}

static void test_null_data_with_a_length_is_refused(void **state)
{
    session_store store = open_store(state, HOUR);
    assert_int_equal(session_store_set(&store, "abc", NULL, 5), ORMC_INVALID);
    assert_string_equal(session_store_errmsg(&store),
                        "data: NULL with a nonzero length");
    assert_ok(store.db, session_store_set(&store, "abc", NULL, 0));
    web_session s;
    assert_ok(store.db, session_store_get(&store, "abc", &s));
    assert_int_equal(s.data.len, 0);
    web_session_free(&s);
}

/* While get() finds a session expired, another request renews it: the
 * renewed session must survive. */
typedef struct renew_race {
    session_store *renewer;
    bool renewed;
} renew_race;

static void renew_after_the_read(void *ctx, const ormc_trace_event *ev)
{
    renew_race *race = ctx;
    if (race->renewed || strncmp(ev->sql, "SELECT", 6) != 0 ||
        !strstr(ev->sql, "\"session_id\" = $1"))
        return;
    race->renewed = true;
    assert_ok(race->renewer->db,
              session_store_set(race->renewer, "abc", "new", 3));
}

static void test_get_never_deletes_a_renewed_session(void **state)
{
    /* On SQLite the reader's lock keeps the renewing writer out until the
     * read is over, so the race cannot happen there: PostgreSQL only. */
    if (ormc_test_backend() == ORMC_SQLITE)
        skip();
    /* Two autocommit connections: two requests of a web server. */
    ormc_options opts = ORMC_OPTIONS_INIT;
    opts.autocommit = 1;
    ormc_db *a = NULL, *b = NULL;
    assert_ok(a, ormc_open_with(ormc_test_url(), &opts, &a));
    assert_ok(b, ormc_open_with(ormc_test_url(), &opts, &b));
    (void)state;
    session_store reader, expired, renewer;
    assert_ok(a, session_store_open(&reader, a, HOUR));
    assert_ok(b, session_store_open(&expired, b, -1000000));
    assert_ok(b, session_store_open(&renewer, b, HOUR));
    assert_ok(b, session_store_set(&expired, "abc", "old", 3));

    renew_race race = {&renewer, false};
    ormc_set_trace(a, renew_after_the_read, &race);
    web_session s;
    assert_int_equal(session_store_get(&reader, "abc", &s), ORMC_NOT_FOUND);
    ormc_set_trace(a, NULL, NULL);
    assert_true(race.renewed);

    assert_ok(b, session_store_get(&renewer, "abc", &s));
    assert_memory_equal(s.data.data, "new", 3);
    web_session_free(&s);
    ormc_close(a);
    ormc_close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_set_then_get_returns_the_data),
        ORMC_BACKEND_TEST(test_get_extends_the_expiry),
        ORMC_BACKEND_TEST(test_expired_session_is_deleted_and_absent),
        ORMC_BACKEND_TEST(test_set_replaces_one_row_per_id),
        ORMC_BACKEND_TEST(test_set_resets_the_expiry),
        ORMC_BACKEND_TEST(test_delete_twice_is_fine),
        ORMC_BACKEND_TEST(test_delete_all),
        ORMC_BACKEND_TEST(test_delete_expired_removes_exactly_the_expired),
        ORMC_BACKEND_TEST(test_one_mebibyte_session_round_trips),
        ORMC_BACKEND_TEST(test_odd_ids_work),
        ORMC_BACKEND_TEST(test_bad_ids_are_refused_clearly),
        ORMC_BACKEND_TEST(test_null_data_with_a_length_is_refused),
        ORMC_BACKEND_TEST(test_get_never_deletes_a_renewed_session),
    };
    return ormc_test_run_backends("session_store", tests);
}
