/*
 * test_errors.c: constraint violations and other errors map to the same
 * status and SQLSTATE on both backends; passwords never show.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ormc_test.h"

static void create_tables(ormc_db *db)
{
    ormc_test_exec(db, "CREATE TABLE parent (id integer PRIMARY KEY)");
    ormc_test_exec(db, "CREATE TABLE child (id integer PRIMARY KEY, "
                       "parent_id integer REFERENCES parent (id), "
                       "name text NOT NULL UNIQUE, qty integer, "
                       "CONSTRAINT child_qty_check CHECK (qty >= 0))");
    ormc_test_exec(db, "INSERT INTO parent (id) VALUES (1)");
    ormc_test_exec(db, "INSERT INTO child (id, parent_id, name, qty) "
                       "VALUES (1, 1, 'a', 1)");
    assert_ok(db, ormc_commit(db));
}

/* Run sql; expect status and SQLSTATE; roll back. */
static void expect_error(ormc_db *db, const char *sql, int status,
                         const char *sqlstate, const char *constraint)
{
    int rc = ormc_exec(db, sql, NULL, 0, NULL);
    if (rc != status)
        fail_msg("%s: %s, expected %s (%s)", sql, ormc_strstatus(rc),
                 ormc_strstatus(status), ormc_errmsg(db));
    assert_string_equal(ormc_sqlstate(db), sqlstate);
    assert_true(strlen(ormc_errmsg(db)) > 0);
    if (constraint)
        assert_string_equal(ormc_errconstraint(db), constraint);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_FAILED);
    assert_ok(db, ormc_rollback(db));
}

static void test_constraint_mapping(void **state)
{
    ormc_db *db = ormc_test_db(state);
    bool pg = ormc_backend_of(db) == ORMC_POSTGRES;
    create_tables(db);
    expect_error(db,
                 "INSERT INTO child (id, parent_id, name) VALUES (2, 1, 'a')",
                 ORMC_CONSTRAINT, "23505", pg ? "child_name_key" : "name");
    expect_error(db,
                 "INSERT INTO child (id, parent_id, name) VALUES (1, 1, "
                 "'b')",
                 ORMC_CONSTRAINT, "23505", pg ? "child_pkey" : "id");
    expect_error(db,
                 "INSERT INTO child (id, parent_id, name) VALUES (2, 1, "
                 "NULL)",
                 ORMC_CONSTRAINT, "23502", "name");
    expect_error(db,
                 "INSERT INTO child (id, parent_id, name) VALUES (2, 9, 'b')",
                 ORMC_CONSTRAINT, "23503", pg ? "child_parent_id_fkey" : NULL);
    expect_error(db,
                 "INSERT INTO child (id, parent_id, name, qty) "
                 "VALUES (2, 1, 'b', -1)",
                 ORMC_CONSTRAINT, "23514", "child_qty_check");
    expect_error(db, "DELETE FROM parent WHERE id = 1", ORMC_CONSTRAINT,
                 "23503", NULL);
    ormc_counters s;
    assert_ok(db, ormc_stats(db, &s));
    assert_int_equal(s.errors[ORMC_CONSTRAINT], 6);
}

static void test_other_errors(void **state)
{
    ormc_db *db = ormc_test_db(state);
    expect_error(db, "SELEKT 1", ORMC_ERROR, "42601", NULL);
    expect_error(db, "SELECT * FROM no_such_table", ORMC_ERROR, "42P01", NULL);
    create_tables(db);
    expect_error(db, "SELECT no_such_column FROM parent", ORMC_ERROR, "42703",
                 NULL);
    expect_error(db, "CREATE TABLE parent (x integer)", ORMC_ERROR, "42P07",
                 NULL);
    /* success clears the error */
    assert_ok(db, ormc_exec(db, "SELECT 1", NULL, 0, NULL));
    assert_string_equal(ormc_errmsg(db), "");
    assert_string_equal(ormc_sqlstate(db), "");
    assert_string_equal(ormc_errconstraint(db), "");
}

/* A server message that happens to quote the password is scrubbed. */
static void test_password_scrubbed(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (ormc_backend_of(db) != ORMC_POSTGRES)
        skip(); /* SQLite URLs carry no password */
    char url[2200];
    snprintf(url, sizeof url, "%s password=Zq-s3cret-9", ormc_test_url());
    ormc_db *pw;
    assert_int_equal(ormc_open(url, &pw), ORMC_OK);
    assert_int_equal(
        ormc_exec(pw, "SELECT * FROM \"Zq-s3cret-9\"", NULL, 0, NULL),
        ORMC_ERROR);
    assert_null(strstr(ormc_errmsg(pw), "Zq-s3cret-9"));
    assert_non_null(strstr(ormc_errmsg(pw), "***"));
    ormc_param p = {ORMC_TYPE_TEXT, false, {.text = "Zq-s3cret-9"}};
    assert_ok(pw, ormc_rollback(pw));
    assert_int_equal(ormc_exec(pw, "SELECT $1::integer", &p, 1, NULL),
                     ORMC_CONSTRAINT);
    assert_string_equal(ormc_sqlstate(pw), "22P02");
    assert_null(strstr(ormc_errmsg(pw), "Zq-s3cret-9"));
    ormc_close(pw);
}

/* Data errors (SQLSTATE class 22) are ORMC_CONSTRAINT with the server's
 * SQLSTATE, the status SQLite's CHECK constraint gives the same value, so
 * that a row is refused the same way on both backends. */
static void test_data_errors(void **state)
{
    ormc_db *db = ormc_test_db(state);
    bool pg = ormc_backend_of(db) == ORMC_POSTGRES;
    /* text too long: varchar(3) on PostgreSQL, a CHECK on SQLite */
    ormc_test_exec(db, pg ? "CREATE TABLE v (name varchar(3))"
                          : "CREATE TABLE v (name text CONSTRAINT v_len "
                            "CHECK (length(name) <= 3))");
    assert_ok(db, ormc_commit(db));
    expect_error(db, "INSERT INTO v (name) VALUES ('abcd')", ORMC_CONSTRAINT,
                 pg ? "22001" : "23514", NULL);
    /* the same SQL on both: abs() of the smallest bigint overflows */
    expect_error(db, "SELECT abs(-9223372036854775807 - 1)", ORMC_CONSTRAINT,
                 "22003", NULL);
    expect_error(db, pg ? "SELECT '{'::json" : "SELECT json('{')",
                 ORMC_CONSTRAINT, "22P02", NULL);
    if (!pg)
        return;
    static const struct {
        const char *sql, *state;
    } cases[] = {
        {"SELECT 'abc'::integer", "22P02"},
        {"SELECT 2147483647::integer + 1", "22003"},
        {"SELECT 'soon'::date", "22007"},
        {"SELECT '2020-13-45'::date", "22008"},
        {"SELECT convert_from('\\xff'::bytea, 'UTF8')", "22021"},
        {"SELECT 1 / 0", "22012"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_error(db, cases[i].sql, ORMC_CONSTRAINT, cases[i].state, NULL);
    /* a parameter of the wrong form too, in autocommit */
    ormc_options o = ORMC_OPTIONS_INIT;
    o.autocommit = 1;
    ormc_db *ac;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &ac), ORMC_OK);
    ormc_param p = {ORMC_TYPE_TEXT, false, {.text = "12x"}};
    assert_int_equal(ormc_exec(ac, "SELECT $1::integer", &p, 1, NULL),
                     ORMC_CONSTRAINT);
    assert_string_equal(ormc_sqlstate(ac), "22P02");
    ormc_close(ac);
}

/* A password that runs across the end of the message buffer (512 bytes)
 * is scrubbed whole before the message is cut, so no part of it stays. */
static void test_password_scrubbed_across_the_cut(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (ormc_backend_of(db) != ORMC_POSTGRES)
        skip(); /* SQLite URLs carry no password */
    static const char secret[] = "Zq-s3cret-9";
    char url[2200];
    snprintf(url, sizeof url, "%s password=%s", ormc_test_url(), secret);
    ormc_db *pw;
    assert_int_equal(ormc_open(url, &pw), ORMC_OK);
    ormc_stats_reset(pw);
    /* the server quotes the value: "invalid input syntax for type
     * integer: "AAA...Zq-s3cret-9BBB..."", the password at every offset
     * around the cut */
    for (int pad = 440; pad <= 480; pad++) {
        char value[600];
        memset(value, 'A', (size_t)pad);
        snprintf(value + pad, sizeof value - (size_t)pad, "%sBBBBBBBBBBBBBBBB",
                 secret);
        ormc_param p = {ORMC_TYPE_TEXT, false, {.text = value}};
        assert_int_equal(ormc_exec(pw, "SELECT $1::integer", &p, 1, NULL),
                         ORMC_CONSTRAINT);
        const char *m = ormc_errmsg(pw);
        if (strstr(m, "Zq-s"))
            fail_msg("offset %d: part of the password in \"%s\"", pad, m);
        assert_true(strlen(m) <= 511);
        assert_ok(pw, ormc_rollback(pw));
    }
    ormc_close(pw);
}

/* A wrong password is 28P01 when the server says so (not a generic 08001),
 * ORMC_CONNECTION, on one line, without the password. The harness lets
 * one role log in with a password (ORMC_TEST_PG_PASSWORD_ROLE). */
static void test_wrong_password(void **state)
{
    ormc_test_direct_only("the password role logs in to the server; the pooler "
                          "trusts only its own users");
    ormc_db *db = ormc_test_db(state);
    if (ormc_backend_of(db) != ORMC_POSTGRES)
        skip();
    const char *role = getenv("ORMC_TEST_PG_PASSWORD_ROLE");
    if (!role || !*role) {
        if (ormc_test_in_ci())
            fail_msg("ORMC_TEST_PG_PASSWORD_ROLE is not set: run the suite "
                     "through tests/with-postgres");
        skip();
    }
    char sql[256];
    snprintf(sql, sizeof sql,
             "DO $$ BEGIN CREATE ROLE %s LOGIN; EXCEPTION WHEN "
             "duplicate_object THEN NULL; END $$",
             role);
    ormc_test_exec(db, sql);
    snprintf(sql, sizeof sql, "ALTER ROLE %s PASSWORD 'Right-pw-7'", role);
    ormc_test_exec(db, sql);
    assert_ok(db, ormc_commit(db));

    char url[2300];
    snprintf(url, sizeof url, "%s user=%s password=Wrong-pw-7", ormc_test_url(),
             role);
    ormc_db *bad = NULL;
    assert_int_equal(ormc_open(url, &bad), ORMC_CONNECTION);
    assert_string_equal(ormc_sqlstate(bad), "28P01");
    const char *m = ormc_errmsg(bad);
    assert_non_null(strstr(m, "password authentication failed"));
    assert_null(strstr(m, "Wrong-pw-7"));
    assert_null(strpbrk(m, "\n\t"));
    assert_null(strstr(m, "LOCATION"));
    ormc_close(bad);

    snprintf(url, sizeof url, "%s user=%s password=Right-pw-7", ormc_test_url(),
             role);
    ormc_db *good = NULL;
    assert_int_equal(ormc_open(url, &good), ORMC_OK);
    assert_ok(good, ormc_exec(good, "SELECT 1", NULL, 0, NULL));
    ormc_close(good);
}

/* A file that is not a database is refused at open, with a status a
 * reconnect loop does not retry (ORMC_ERROR, XX001, not ORMC_CONNECTION),
 * and a message naming the file; so is every later call. */
static void test_not_a_database(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (ormc_backend_of(db) != ORMC_SQLITE)
        skip();
    char path[256], url[300];
    const char *name = getenv("ORMC_TEST_NAME");
    snprintf(path, sizeof path, "%s-garbage.db", name ? name : "ormc_test");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 256; i++)
        fputs("this is not an SQLite database\n", f);
    fclose(f);
    snprintf(url, sizeof url, "sqlite:%s", path);
    ormc_db *g = NULL;
    assert_int_equal(ormc_open(url, &g), ORMC_ERROR);
    assert_non_null(g);
    assert_string_equal(ormc_sqlstate(g), "XX001");
    assert_non_null(strstr(ormc_errmsg(g), path));
    assert_non_null(strstr(ormc_errmsg(g), "not an SQLite database"));
    assert_int_equal(ormc_exec(g, "SELECT 1", NULL, 0, NULL), ORMC_ERROR);
    assert_string_equal(ormc_sqlstate(g), "XX001");
    ormc_close(g);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_constraint_mapping),
        ORMC_BACKEND_TEST(test_other_errors),
        ORMC_BACKEND_TEST(test_password_scrubbed),
        ORMC_BACKEND_TEST(test_data_errors),
        ORMC_BACKEND_TEST(test_password_scrubbed_across_the_cut),
        ORMC_BACKEND_TEST(test_wrong_password),
        ORMC_BACKEND_TEST(test_not_a_database),
    };
    return ormc_test_run_backends("runtime_errors", tests);
}
