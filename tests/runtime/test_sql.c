/*
 * test_sql.c: SQL text as each backend reads it. $N is found outside
 * literals, quoted identifiers and comments as the backend's own lexer
 * draws them (SQLite's [x] and `x` identifiers; PostgreSQL's array
 * brackets, E'' strings and dollar quotes), and scripts of several
 * statements are all or nothing on both backends.
 */
#include <stdio.h>
#include <string.h>

#include "ormc_test.h"

static bool on_postgres(ormc_db *db)
{
    return ormc_backend_of(db) == ORMC_POSTGRES;
}

/* The text of the only column of the only row of sql run with params. */
static void expect_text(ormc_db *db, const char *sql, const ormc_param *params,
                        size_t n, const char *want)
{
    ormc_result *res = NULL;
    int rc = ormc_query(db, sql, params, n, &res);
    if (rc != ORMC_OK)
        fail_msg("%s: %s: %s", sql, ormc_strstatus(rc), ormc_errmsg(db));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    assert_string_equal(ormc_result_text(res, 0), want);
    assert_int_equal(ormc_result_next(res), ORMC_DONE);
    ormc_result_close(res);
}

static ormc_param int_param(int32_t v)
{
    ormc_param p = {ORMC_TYPE_INTEGER, false, {.i32 = v}};
    return p;
}

static ormc_param text_param(const char *s)
{
    ormc_param p = {ORMC_TYPE_TEXT, false, {.text = s}};
    return p;
}

/* Reported: ARRAY[$1,$2] failed with "the statement has 0 parameters, 2
 * given": `[` was taken for a quoted identifier on PostgreSQL too. */
static void test_postgres_array_brackets_hold_parameters(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (!on_postgres(db))
        skip(); /* SQLite has no arrays: [x] is an identifier there */
    ormc_param two[2] = {int_param(1), int_param(2)};
    expect_text(db,
                "SELECT CASE WHEN 1 = ANY(ARRAY[$1,$2]) THEN 'yes' "
                "ELSE 'no' END",
                two, 2, "yes");
    ormc_param one = int_param(2);
    expect_text(db, "SELECT ((ARRAY['a','b','c'])[$1])::text", &one, 1, "b");
    expect_text(db, "SELECT (ARRAY[[$1::text]])[1][1]", &two[0], 1, "1");
    /* a bracket in a string is still in the string */
    expect_text(db, "SELECT '[' || $1::text || ']'", &two[0], 1, "[1]");
}

static void test_postgres_e_strings_escape_quotes(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (!on_postgres(db))
        skip(); /* E'' strings are PostgreSQL's */
    ormc_param p = text_param("x");
    /* the \' does not end the literal: $2 is text, not a parameter */
    expect_text(db, "SELECT E'it\\'s $2' || $1", &p, 1, "it's $2x");
    expect_text(db, "SELECT e'\\\\' || $1", &p, 1, "\\x");
    expect_text(db, "SELECT E'a''b $2\\n' || $1", &p, 1, "a'b $2\nx");
    /* a keyword ending in E before a plain string starts no E'' string */
    expect_text(db,
                "SELECT CASE WHEN $1 <> 'x' THEN NULL ELSE'a\\' END "
                "|| ' $2'",
                &p, 1, "a\\ $2");
}

static void test_postgres_dollar_tags_with_digits(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (!on_postgres(db))
        skip(); /* dollar quotes are PostgreSQL's */
    ormc_param p = text_param("x");
    expect_text(db, "SELECT $a1$ it's $2 $a1$ || $1", &p, 1, " it's $2 x");
    expect_text(db, "SELECT $_$ $2 $_$ || $1", &p, 1, " $2 x");
    expect_text(db, "SELECT $$ $2 $$ || $1", &p, 1, " $2 x");
    /* a $tag$ inside another tag's quote does not end it */
    expect_text(db, "SELECT $t$ $u$ $2 $t$ || $1", &p, 1, " $u$ $2 x");
    /* in an identifier, $ starts no quote */
    ormc_param two[2] = {text_param("a"), text_param("b")};
    expect_text(db, "SELECT a$b$ || $2 FROM (SELECT $1::text AS a$b$) AS t",
                two, 2, "ab");
}

static void test_sqlite_bracket_and_backtick_identifiers(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (on_postgres(db))
        skip(); /* [x] and `x` quote identifiers on SQLite only */
    ormc_test_exec(db, "CREATE TABLE [odd $2] ([a $3] text, `b $4` text)");
    ormc_param p = text_param("x");
    assert_ok(db, ormc_exec(db,
                            "INSERT INTO [odd $2] ([a $3], `b $4`) "
                            "VALUES ($1, 'y')",
                            &p, 1, NULL));
    expect_text(db, "SELECT [a $3] || `b $4` FROM [odd $2] WHERE [a $3] = $1",
                &p, 1, "xy");
    assert_ok(db, ormc_rollback(db));
}

static void test_parameters_in_literals_and_comments(void **state)
{
    ormc_db *db = ormc_test_db(state);
    ormc_param p = text_param("x");
    expect_text(db,
                "SELECT 'it''s $2' || \"q\" -- $3\n"
                "FROM (SELECT /* $4 */ CAST($1 AS text) AS \"q\") AS t",
                &p, 1, "it's $2x");
    ormc_param two[2] = {text_param("a"), text_param("b")};
    /* $N may come in any order and again */
    expect_text(db,
                "SELECT CAST($2 AS text) || CAST($1 AS text) || "
                "CAST($2 AS text)",
                two, 2, "bab");
}

static int64_t count_rows(ormc_db *db, const char *table)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    ormc_result *res = NULL;
    assert_ok(db, ormc_query(db, sql, NULL, 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    int64_t n = ormc_result_int64(res, 0);
    ormc_result_close(res);
    return n;
}

/* Reported: INSERT 1; INSERT 1 (a duplicate) left one row on SQLite in
 * autocommit mode, none on PostgreSQL. */
static void test_script_is_all_or_nothing_in_autocommit(void **state)
{
    (void)ormc_test_db(state);
    ormc_options o = ORMC_OPTIONS_INIT;
    o.autocommit = 1;
    ormc_db *db = NULL;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &db), ORMC_OK);
    ormc_test_exec(db, "CREATE TABLE s (k integer PRIMARY KEY)");

    int64_t changes = -1;
    assert_int_equal(ormc_exec(db,
                               "INSERT INTO s VALUES (1); "
                               "INSERT INTO s VALUES (1)",
                               NULL, 0, &changes),
                     ORMC_CONSTRAINT);
    assert_string_equal(ormc_sqlstate(db), "23505");
    assert_int_equal(changes, 0);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_int_equal(count_rows(db, "s"), 0);

    /* a script that works is kept, and seen by other connections */
    assert_ok(db, ormc_exec(db,
                            "INSERT INTO s VALUES (1); "
                            "INSERT INTO s VALUES (2)",
                            NULL, 0, &changes));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    ormc_db *other = ormc_test_open_another();
    assert_int_equal(count_rows(other, "s"), 2);
    ormc_close(other);

    /* in a transaction of the caller's, the failure fails it */
    assert_ok(db, ormc_begin(db));
    assert_ok(db, ormc_exec(db, "INSERT INTO s VALUES (3)", NULL, 0, NULL));
    assert_int_equal(ormc_exec(db,
                               "INSERT INTO s VALUES (4); "
                               "INSERT INTO s VALUES (4)",
                               NULL, 0, NULL),
                     ORMC_CONSTRAINT);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_FAILED);
    assert_ok(db, ormc_rollback(db));
    assert_int_equal(count_rows(db, "s"), 2);
    ormc_test_exec(db, "DROP TABLE s");
    ormc_close(db);
}

static void test_script_is_all_or_nothing_in_a_transaction(void **state)
{
    ormc_db *db = ormc_test_db(state);
    ormc_test_exec(db, "CREATE TABLE s (k integer PRIMARY KEY)");
    assert_ok(db, ormc_commit(db));
    assert_int_equal(ormc_exec(db,
                               "INSERT INTO s VALUES (1); "
                               "INSERT INTO s VALUES (1)",
                               NULL, 0, NULL),
                     ORMC_CONSTRAINT);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_FAILED);
    assert_int_equal(ormc_commit(db), ORMC_CONSTRAINT);
    assert_int_equal(count_rows(db, "s"), 0);
    assert_ok(db, ormc_rollback(db));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_postgres_array_brackets_hold_parameters),
        ORMC_BACKEND_TEST(test_postgres_e_strings_escape_quotes),
        ORMC_BACKEND_TEST(test_postgres_dollar_tags_with_digits),
        ORMC_BACKEND_TEST(test_sqlite_bracket_and_backtick_identifiers),
        ORMC_BACKEND_TEST(test_parameters_in_literals_and_comments),
        ORMC_BACKEND_TEST(test_script_is_all_or_nothing_in_autocommit),
        ORMC_BACKEND_TEST(test_script_is_all_or_nothing_in_a_transaction),
    };
    return ormc_test_run_backends("runtime_sql", tests);
}
