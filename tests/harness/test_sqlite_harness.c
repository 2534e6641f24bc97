/*
 * The harness's own proof on SQLite: a file database in the build tree,
 * written and read back through the plain sqlite3 API.
 */
#include "ormc_test.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
}

static void test_sqlite_file_round_trip(void **state)
{
    (void)state;
    const char *path = "harness_sqlite.db";
    unlink(path);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    exec_ok(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");

    sqlite3_stmt *ins = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t (name) VALUES (?1)",
                                        -1, &ins, NULL),
                     SQLITE_OK);
    const char *names[] = {"alpha", "b\xc3\xa9ta", "it's"};
    for (int i = 0; i < 3; i++) {
        sqlite3_bind_text(ins, 1, names[i], -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_close(db);

    /* Reopen: the rows are in the file, not in a cache. */
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *sel = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT id, name FROM t ORDER BY id",
                                        -1, &sel, NULL),
                     SQLITE_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sqlite3_step(sel), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(sel, 0), i + 1);
        assert_string_equal((const char *)sqlite3_column_text(sel, 1),
                            names[i]);
    }
    assert_int_equal(sqlite3_step(sel), SQLITE_DONE);
    sqlite3_finalize(sel);
    sqlite3_close(db);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite_file_round_trip),
    };
    return cmocka_run_group_tests_name("harness/sqlite", tests, NULL, NULL);
}
