/*
 * ormc_test.h: what every test program shares.
 *
 * Data-access tests run twice, once per backend. A test program declares its
 * tests once and runs them with ormc_test_run_backends():
 *
 *     static void test_insert(void **state) {
 *         ormc_db *db = ormc_test_db(state);
 *         ...
 *     }
 *     int main(void) {
 *         const struct CMUnitTest tests[] = {
 *             ORMC_BACKEND_TEST(test_insert),
 *         };
 *         return ormc_test_run_backends("rows", tests);
 *     }
 *
 * Each test gets a fresh connection: on SQLite a new file database in the
 * build tree, on PostgreSQL a connection to a database of this test program's
 * own (created at start, dropped at the end), in a fresh PostgreSQL schema per
 * test, so that tests are independent and programs can run in parallel.
 *
 * PostgreSQL's URL comes from ORMC_TEST_PG_URL, which tests/with-postgres
 * sets. When it is missing the PostgreSQL half fails under CI=true and is
 * skipped with a loud message otherwise.
 */
#ifndef ORMC_TEST_H
#define ORMC_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ormc.h"

/* The backend the current group runs on. */
ormc_backend ormc_test_backend(void);

/* The URL a test connects with to the current backend (its own database
 * and, on PostgreSQL, with search_path set to the test's schema). */
const char *ormc_test_url(void);

/* The connection the setup opened for this test. */
ormc_db *ormc_test_db(void **state);

/* Open another connection to the current test's database (for tests of
 * concurrency); the caller closes it. Fails the test on error. */
ormc_db *ormc_test_open_another(void);

/* Setup and teardown of a backend test: open / close the connection. */
int ormc_test_setup(void **state);
int ormc_test_teardown(void **state);

#define ORMC_BACKEND_TEST(fn)                                                  \
    cmocka_unit_test_setup_teardown(fn, ormc_test_setup, ormc_test_teardown)

/* Run the tests on SQLite, then on PostgreSQL. Returns the number of
 * failures (a missing PostgreSQL counts as one under CI=true). */
#define ormc_test_run_backends(group, tests)                                   \
    ormc_test_run_backends_n((group), (tests),                                 \
                             sizeof(tests) / sizeof((tests)[0]))
int ormc_test_run_backends_n(const char *group, const struct CMUnitTest *tests,
                             size_t n);

/* The PostgreSQL maintenance URL from the environment, or NULL. When NULL,
 * a test that needs PostgreSQL calls ormc_test_pg_missing() and returns its
 * value from main: 1 under CI=true, 0 (after a loud SKIP line) otherwise. */
const char *ormc_test_pg_url(void);
int ormc_test_pg_missing(const char *what);

/* True when CI=true: nothing may be skipped then. */
bool ormc_test_in_ci(void);

/* ORMC_TEST_VIA_PGBOUNCER=1: this run is a pgbouncer_ rerun, PostgreSQL's
 * half alone, its connections through ORMC_TEST_PGBOUNCER_URL's PgBouncer
 * in transaction pooling mode (tests/CMakeLists.txt). */
bool ormc_test_via_pgbouncer(void);

/* In a pgbouncer_ rerun, skip the current test, saying why: what it
 * asserts is true of a direct connection only (the exact statements a
 * session sends, its prepared statements, its server process). A no-op
 * otherwise. */
void ormc_test_direct_only(const char *why);

/* Exec SQL on db, failing the test with ormc_errmsg when it fails. */
void ormc_test_exec(ormc_db *db, const char *sql);

/* The first column of the first row of sql (raw, no parameters) as an
 * integer, or as text into out; the test fails when there is no row. */
int64_t ormc_test_query_int(ormc_db *db, const char *sql);
void ormc_test_query_text(ormc_db *db, const char *sql, char *out, size_t size);

/* ormc_open(url) must fail with status and a message that contains says
 * (the handle it gives is closed). */
void ormc_test_open_fails(const char *url, int status, const char *says);

/* The transaction state of db (ormc_tx_state_of), failing the test when it
 * cannot be read. */
ormc_tx_state ormc_test_tx_state(const ormc_db *db);

/* assert_int_equal with the connection's error message on failure. */
#define assert_ok(db, expr)                                                    \
    do {                                                                       \
        int ormc_test_rc_ = (expr);                                            \
        if (ormc_test_rc_ != ORMC_OK)                                          \
            fail_msg("%s = %s: %s", #expr, ormc_strstatus(ormc_test_rc_),      \
                     ormc_errmsg(db));                                         \
    } while (0)

#endif /* ORMC_TEST_H */
