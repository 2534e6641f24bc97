/*
 * test_checks.c: where a text max is enforced, on SQLite and PostgreSQL,
 * over tests/gen/good/checks_client.lua (the default, checks = "client")
 * and tests/gen/good/checks.lua (checks = "database"), generated at build
 * time. Both schemas refuse the same rows through the generated writes
 * (ORMC_INVALID, SQLSTATE 22001, nothing written) on both backends, and
 * each passes the strict drift check as created. What differs is SQL that
 * bypasses ormc on SQLite: only checks = "database" has a CHECK there
 * (PostgreSQL's varchar(n) refuses it under both).
 */
#include <stdio.h>
#include <string.h>

#include "checks.h"
#include "checks_client.h"
#include "ormc_test.h"

static bool is_pg(ormc_db *db)
{
    return ormc_backend_of(db) == ORMC_POSTGRES;
}

static void commit_if_open(ormc_db *db)
{
    if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
        assert_ok(db, ormc_commit(db));
}

/* The number of rows of `table`. */
static int64_t count_rows(ormc_db *db, const char *table)
{
    char sql[100];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
    ormc_result *res = NULL;
    assert_ok(db, ormc_query(db, sql, NULL, 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    int64_t n = ormc_result_int64(res, 0);
    ormc_result_close(res);
    return n;
}

/* Whether a plain INSERT of a 6-character title into `table` (max 5), SQL
 * that ormc does not check, is refused by the database. */
static bool database_refuses_long_title(ormc_db *db, const char *table)
{
    char sql[120];
    snprintf(sql, sizeof sql,
             "INSERT INTO \"%s\" (\"title\") VALUES ('sixsix')", table);
    int rc = ormc_exec(db, sql, NULL, 0, NULL);
    if (rc == ORMC_OK) {
        commit_if_open(db);
        return false;
    }
    if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
        assert_ok(db, ormc_rollback(db));
    return true;
}

/* The default: no CHECK in the SQLite table, the same refusal as
 * PostgreSQL's through every generated write. */
static void test_client_checks(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, checks_client_schema_create(db));
    commit_if_open(db);
    assert_ok(
        db, checks_client_schema_check_with(db, ORMC_CHECK_STRICT, NULL, NULL));

    checks_client_note n;
    checks_client_note_init(&n);
    n.title = "sixsix";
    assert_int_equal(checks_client_note_insert(db, &n), ORMC_INVALID);
    assert_string_equal(ormc_sqlstate(db), "22001");
    /* five characters of two bytes each: characters count, not bytes */
    n.title = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
    assert_ok(db, checks_client_note_insert(db, &n));
    n.title = "sixsix";
    assert_int_equal(checks_client_note_update(db, &n), ORMC_INVALID);
    assert_string_equal(ormc_sqlstate(db), "22001");
    assert_int_equal(checks_client_note_insert_many(db, &n, 1), ORMC_INVALID);
    commit_if_open(db);
    assert_int_equal(count_rows(db, "note"), 1);

    /* SQL around ormc: only PostgreSQL's varchar(n) refuses it */
    assert_int_equal(database_refuses_long_title(db, "note"), is_pg(db));
    assert_ok(db, checks_client_schema_drop(db));
    commit_if_open(db);
}

/* checks = "database": the same refusals, and the CHECK in SQLite too. */
static void test_database_checks(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, checks_schema_create(db));
    commit_if_open(db);
    assert_ok(db, checks_schema_check_with(db, ORMC_CHECK_STRICT, NULL, NULL));

    checks_memo m;
    checks_memo_init(&m);
    m.title = "sixsix";
    assert_int_equal(checks_memo_insert(db, &m), ORMC_INVALID);
    assert_string_equal(ormc_sqlstate(db), "22001");
    m.title = "five5";
    assert_ok(db, checks_memo_insert(db, &m));
    commit_if_open(db);
    assert_int_equal(count_rows(db, "memo"), 1);
    assert_true(database_refuses_long_title(db, "memo"));

    if (!is_pg(db)) {
        /* the table without its CHECK: a difference the strict check
         * reports, which does not break data */
        ormc_test_exec(db, "DROP TABLE \"memo\"");
        ormc_test_exec(db, "CREATE TABLE \"memo\" (\"id\" INTEGER NOT NULL "
                           "CONSTRAINT \"memo_pkey\" PRIMARY KEY, "
                           "\"title\" TEXT NOT NULL, "
                           "\"kind\" TEXT, CONSTRAINT \"memo_kind_check\" "
                           "CHECK (\"kind\" IN ('a', 'b')))");
        commit_if_open(db);
        assert_ok(db, checks_schema_check(db));
        assert_int_equal(
            checks_schema_check_with(db, ORMC_CHECK_STRICT, NULL, NULL),
            ORMC_SCHEMA_DRIFT);
        assert_non_null(strstr(ormc_errmsg(db), "column \"title\" has no CHECK "
                                                "(length(\"title\") <= 5)"));
    }
    assert_ok(db, checks_schema_drop(db));
    commit_if_open(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_client_checks),
        ORMC_BACKEND_TEST(test_database_checks),
    };
    return ormc_test_run_backends("schema_checks", tests);
}
