/*
 * The relations example (examples/relations) on both backends: what it
 * prints, and that it prints every album with its artist and tracks in
 * three statements (counted with the trace hook).
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include "ormc_test.h"
#include "relations.h"

#include <stdlib.h>
#include <string.h>

static void count(void *ctx, const ormc_trace_event *ev)
{
    /* the statements the calls need, not the transaction ormc opens */
    if (strncmp(ev->sql, "BEGIN", 5) != 0)
        ++*(int *)ctx;
}

/* What fn wrote to a memory stream, NUL-terminated; the caller frees it. */
#define CAPTURE(text, call)                                                    \
    do {                                                                       \
        size_t len_;                                                           \
        FILE *out = open_memstream(&(text), &len_);                            \
        assert_non_null(out);                                                  \
        assert_ok(db, (call));                                                 \
        fclose(out);                                                           \
    } while (0)

static const char albums_text[] =
    "Blue Train (1957), John Coltrane: 2 tracks, 19:54\n"
    "  1. Blue Train (10:43)\n"
    "  2. Moment's Notice (9:11)\n"
    "Kind of Blue (1959), Miles Davis: 3 tracks, 24:48\n"
    "  1. So What (9:22)\n"
    "  2. Freddie Freeloader (9:49)\n"
    "  3. Blue in Green (5:37)\n"
    "A Love Supreme (1965), John Coltrane: 3 tracks, 25:56\n"
    "  1. Acknowledgement (7:49)\n"
    "  2. Resolution (7:22)\n"
    "  3. Pursuance (10:45)\n"
    "Pastel Blues (1965), Nina Simone: 2 tracks, 13:12\n"
    "  1. Be My Husband (2:50)\n"
    "  2. Sinnerman (10:22)\n"
    "Wild Is the Wind (1966), Nina Simone: no tracks yet\n";

static void test_albums_in_three_statements(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, relations_seed(db));

    int statements = 0;
    ormc_set_trace(db, count, &statements);
    char *text = NULL;
    CAPTURE(text, relations_print_albums(db, out));
    ormc_set_trace(db, NULL, NULL);
    assert_string_equal(text, albums_text);
    free(text);
    /* the albums, their artists, their tracks: not 1 + 2 * 5 */
    assert_int_equal(statements, 3);
    ormc_rollback(db);
}

static void test_tracks_by_a_condition_on_their_album(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, relations_seed(db));

    int statements = 0;
    ormc_set_trace(db, count, &statements);
    char *text = NULL;
    CAPTURE(text, relations_print_long_tracks(db, out, 1960, 540));
    ormc_set_trace(db, NULL, NULL);
    assert_string_equal(text, "tracks of 9:00 or more recorded before 1960:\n"
                              "  So What (9:22)\n"
                              "  Freddie Freeloader (9:49)\n"
                              "  Blue Train (10:43)\n"
                              "  Moment's Notice (9:11)\n");
    free(text);
    assert_int_equal(statements, 1);
    ormc_rollback(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_albums_in_three_statements),
        ORMC_BACKEND_TEST(test_tracks_by_a_condition_on_their_album),
    };
    return ormc_test_run_backends("examples_relations", tests);
}
