/*
 * test_autoinc.c: serial with and without autoincrement = true, on SQLite
 * and PostgreSQL, over tests/gen/good/autoinc.lua (generated at build
 * time). By default a SQLite serial is an INTEGER PRIMARY KEY: once the
 * newest row is deleted, its key is given to the next insert. With
 * autoincrement = true it is declared AUTOINCREMENT and never given twice,
 * as PostgreSQL's identity never gives one twice under either. The drift
 * check wants AUTOINCREMENT only where the schema asks for it, and lets a
 * table that has it pass where the schema does not (as ormc created every
 * serial before the default changed).
 */
#include <stdio.h>
#include <string.h>

#include "autoinc.h"
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

/* Three rows into each table (keys 1, 2, 3), the newest deleted, one more
 * inserted: the key it gets in plain and in kept. */
static void key_after_delete(ormc_db *db, int64_t *plain_id, int32_t *kept_id)
{
    for (int i = 0; i < 4; i++) {
        if (i == 3) {
            assert_ok(db, autoinc_plain_delete(db, 3));
            assert_ok(db, autoinc_kept_delete(db, 3));
        }
        autoinc_plain p;
        autoinc_plain_init(&p);
        p.v = "p";
        assert_ok(db, autoinc_plain_insert(db, &p));
        autoinc_kept k;
        autoinc_kept_init(&k);
        k.v = "k";
        assert_ok(db, autoinc_kept_insert(db, &k));
        if (i < 3) {
            assert_int_equal(p.id, i + 1);
            assert_int_equal(k.id, i + 1);
        }
        *plain_id = p.id;
        *kept_id = k.id;
    }
    commit_if_open(db);
}

/* The keys each table gives after its newest row is deleted. */
static void test_keys(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, autoinc_schema_create(db));
    commit_if_open(db);
    assert_ok(db, autoinc_schema_check_with(db, ORMC_CHECK_STRICT, NULL, NULL));

    int64_t plain_id = 0;
    int32_t kept_id = 0;
    key_after_delete(db, &plain_id, &kept_id);
    /* SQLite's rowid: one past the largest key now in the table */
    assert_int_equal(plain_id, is_pg(db) ? 4 : 3);
    assert_int_equal(kept_id, 4);

    assert_ok(db, autoinc_schema_drop(db));
    commit_if_open(db);
}

/* A difference found by the drift check, kept for the test to read. */
typedef struct {
    int n;
    bool breaks;
    char message[300];
} found;

static void collect(void *ctx, const ormc_drift *d)
{
    found *f = ctx;
    f->n++;
    f->breaks = f->breaks || d->breaks_data;
    snprintf(f->message, sizeof f->message, "%s", d->message);
}

/* SQLite: AUTOINCREMENT where the schema does not ask for it is no
 * difference; its absence where autoincrement = true asks for it is one
 * that does not break data. PostgreSQL: nothing to find either way. */
static void test_drift(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, autoinc_schema_create(db));
    commit_if_open(db);
    if (!is_pg(db)) {
        /* plain as ormc wrote it before serial left AUTOINCREMENT out */
        ormc_test_exec(db, "DROP TABLE \"plain\"");
        ormc_test_exec(db, "CREATE TABLE \"plain\" (\"id\" INTEGER NOT NULL "
                           "CONSTRAINT \"plain_pkey\" PRIMARY KEY "
                           "AUTOINCREMENT, \"v\" TEXT)");
        commit_if_open(db);
        assert_ok(db,
                  autoinc_schema_check_with(db, ORMC_CHECK_STRICT, NULL, NULL));

        /* kept without the AUTOINCREMENT it asks for */
        ormc_test_exec(db, "DROP TABLE \"kept\"");
        ormc_test_exec(db, "CREATE TABLE \"kept\" (\"id\" INTEGER NOT NULL "
                           "CONSTRAINT \"kept_pkey\" PRIMARY KEY, \"v\" TEXT)");
        commit_if_open(db);
        found f;
        memset(&f, 0, sizeof f);
        assert_ok(db, autoinc_schema_check_with(db, 0, collect, &f));
        assert_int_equal(f.n, 1);
        assert_false(f.breaks);
        assert_string_equal(
            f.message,
            "table \"kept\": serial column \"id\" of schema autoinc has "
            "autoincrement = true but is an INTEGER PRIMARY KEY without "
            "AUTOINCREMENT in the database: does not break data: the keys "
            "of the newest rows, once deleted, may be given again");
        assert_int_equal(
            autoinc_schema_check_with(db, ORMC_CHECK_STRICT, NULL, NULL),
            ORMC_SCHEMA_DRIFT);

        /* and the keys are what each table now does */
        int64_t plain_id = 0;
        int32_t kept_id = 0;
        key_after_delete(db, &plain_id, &kept_id);
        assert_int_equal(plain_id, 4);
        assert_int_equal(kept_id, 3);
    } else {
        assert_ok(db,
                  autoinc_schema_check_with(db, ORMC_CHECK_STRICT, NULL, NULL));
    }
    assert_ok(db, autoinc_schema_drop(db));
    commit_if_open(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_keys),
        ORMC_BACKEND_TEST(test_drift),
    };
    return ormc_test_run_backends("schema_autoinc", tests);
}
