/*
 * test_pooler.c: ormc behind PgBouncer in transaction pooling mode
 * (URL pooler=transaction, docs/scale-out.md), against the real pooler
 * tests/with-postgres starts in front of the test server.
 *
 * The database ormc_two_servers is reached through the pooler's alias of
 * that name, which has 2 server connections: every client of these tests
 * shares them, so whatever one client left on a server session the next
 * one would meet. A raw libpq client leaves all it can there (a time
 * zone, a search_path, a timeout, a prepared statement) between the
 * ormc clients' transactions.
 *
 * The URL checks run everywhere; the rest needs the pooler
 * (ORMC_TEST_PGBOUNCER_URL: a failure under CI=true, skipped otherwise).
 */
#define _POSIX_C_SOURCE 200809L

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ormc_test.h"

#define DB_NAME "ormc_two_servers"

static char bouncer_url[1024]; /* the pooler's URL for DB_NAME, libpq's */
static char ormc_url[1200];    /* the same with pooler=transaction */

/* Run sql on a raw libpq connection, failing the test when it fails. */
static void pg_run(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
}

static PGconn *pg_connect(const char *url)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("connect: %s", PQerrorMessage(c));
    return c;
}

/* A database of our own, made straight on the server (the pooler's alias
 * points at it). */
static int make_database(void **state)
{
    (void)state;
    char admin_url[1024];
    snprintf(admin_url, sizeof admin_url, "%s", ormc_test_pg_url());
    PGconn *admin = PQconnectdb(admin_url);
    if (PQstatus(admin) != CONNECTION_OK)
        return -1;
    PQclear(PQexec(admin, "DROP DATABASE IF EXISTS " DB_NAME " WITH (FORCE)"));
    PGresult *r = PQexec(admin, "CREATE DATABASE " DB_NAME);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    PQfinish(admin);
    return ok ? 0 : -1;
}

static ormc_db *open_url(const char *extra)
{
    char url[1400];
    snprintf(url, sizeof url, "%s%s", ormc_url, extra);
    ormc_db *db = NULL;
    int rc = ormc_open(url, &db);
    if (rc != ORMC_OK)
        fail_msg("ormc_open through the pooler: %s: %s", ormc_strstatus(rc),
                 ormc_errmsg(db));
    return db;
}

static void text_of(ormc_db *db, const char *sql, char *out, size_t size)
{
    ormc_result *res;
    assert_ok(db, ormc_query(db, sql, NULL, 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    const char *s = ormc_result_text(res, 0);
    snprintf(out, size, "%s", s ? s : "(null)");
    ormc_result_close(res);
}

static int64_t int_of(ormc_db *db, const char *sql)
{
    ormc_result *res;
    assert_ok(db, ormc_query(db, sql, NULL, 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    int64_t v = ormc_result_int64(res, 0);
    ormc_result_close(res);
    return v;
}

/* A raw client leaves session state on both server connections: each
 * statement of its own runs on whichever is free. */
static void poison(PGconn *raw)
{
    for (int i = 0; i < 4; i++) {
        pg_run(raw, "SET TimeZone = 'America/New_York'");
        pg_run(raw, "SET DateStyle = 'SQL, DMY'");
        pg_run(raw, "SET statement_timeout = 0");
        pg_run(raw, "SET search_path = public");
        PQclear(PQexec(raw, "DEALLOCATE ALL"));
        pg_run(raw, "PREPARE ormc_1 AS SELECT 1, 2, 3");
    }
}

/* === the URL's rules (no server needed) === */

static void test_url_rules(void **state)
{
    (void)state;
    static const struct {
        const char *url, *says;
    } bad[] = {
        {"postgresql:///x?pooler=transaction&options=-cwork_mem%3D1MB",
         "options= cannot pass a transaction pooler"},
        {"postgresql:///x?pooler=transaction&prepare=on", "prepare=on"},
        {"postgresql:///x?pooler=bouncy", "expected transaction, session"},
        {"sqlite::memory:?pooler=transaction", "pooler is PostgreSQL's"},
        {"sqlite::memory:?search_path=a", "search_path is PostgreSQL's"},
        {"postgresql:///x?search_path=", "search_path: empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ormc_db *db = NULL;
        assert_int_equal(ormc_open(bad[i].url, &db), ORMC_INVALID);
        if (!strstr(ormc_errmsg(db), bad[i].says))
            fail_msg("%s: \"%s\" does not say \"%s\"", bad[i].url,
                     ormc_errmsg(db), bad[i].says);
        ormc_close(db);
    }
}

/* === behind the pooler === */

static bool have_pooler(void)
{
    return bouncer_url[0] != '\0';
}

/* Every setting the URL asks for holds in every transaction and every
 * autocommit statement, whatever the shared server sessions were left
 * with; the time zone and date style too (the pooler keeps them per
 * client). */
static void test_settings_hold(void **state)
{
    (void)state;
    if (!have_pooler())
        skip();
    PGconn *raw = pg_connect(bouncer_url);
    pg_run(raw, "CREATE SCHEMA IF NOT EXISTS app");
    for (int autocommit = 0; autocommit < 2; autocommit++) {
        ormc_db *db =
            open_url(autocommit ? " autocommit=on statement_timeout=1500 "
                                  "lock_timeout=700 isolation=serializable "
                                  "search_path=app"
                                : " statement_timeout=1500 lock_timeout=700 "
                                  "isolation=serializable search_path=app");
        char got[128];
        for (int round = 0; round < 3; round++) {
            poison(raw);
            text_of(db, "SHOW TimeZone", got, sizeof got);
            assert_string_equal(got, "UTC");
            text_of(db, "SHOW DateStyle", got, sizeof got);
            assert_string_equal(got, "ISO, MDY");
            text_of(db, "SHOW statement_timeout", got, sizeof got);
            assert_string_equal(got, "1500ms");
            text_of(db, "SHOW lock_timeout", got, sizeof got);
            assert_string_equal(got, "700ms");
            text_of(db, "SHOW transaction_isolation", got, sizeof got);
            assert_string_equal(got, "serializable");
            text_of(db, "SHOW search_path", got, sizeof got);
            assert_string_equal(got, "app");
            /* a timestamp's text is UTC's */
            text_of(db, "SELECT '2026-01-02 03:04:05+00'::timestamptz::text",
                    got, sizeof got);
            assert_string_equal(got, "2026-01-02 03:04:05+00");
            if (!autocommit)
                assert_ok(db, ormc_commit(db));
            else
                assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
        }
        ormc_close(db);
    }
    pg_run(raw, "DROP SCHEMA app CASCADE");
    PQfinish(raw);
}

/* No named statement is ever prepared: the pooler would hand it to
 * another client's session (42P05, 26000, a bind of the wrong count). A
 * server session left with a statement of ormc's own naming scheme
 * changes nothing. */
static void test_statements_unnamed(void **state)
{
    (void)state;
    if (!have_pooler())
        skip();
    PGconn *raw = pg_connect(bouncer_url);
    ormc_db *a = open_url("");
    ormc_db *b = open_url(" autocommit=on");
    ormc_test_exec(a, "CREATE TABLE IF NOT EXISTS u (id integer PRIMARY KEY, "
                      "name text NOT NULL, n integer NOT NULL)");
    ormc_test_exec(a, "TRUNCATE u");
    assert_ok(a, ormc_commit(a));
    for (int i = 0; i < 200; i++) {
        if (i % 20 == 0)
            poison(raw);
        ormc_param p[3] = {{.type = ORMC_TYPE_INTEGER},
                           {.type = ORMC_TYPE_TEXT},
                           {.type = ORMC_TYPE_INTEGER}};
        p[0].u.i32 = i;
        p[1].u.text = "x";
        p[2].u.i32 = i * 2;
        ormc_db *w = i % 2 ? a : b;
        int rc = ormc_exec(w, "INSERT INTO u (id, name, n) VALUES ($1, $2, $3)",
                           p, 3, NULL);
        if (rc != ORMC_OK)
            fail_msg("insert %d: %s: %s", i, ormc_strstatus(rc),
                     ormc_errmsg(w));
        if (w == a)
            assert_ok(a, ormc_commit(a));
        assert_int_equal(int_of(b, "SELECT count(*) FROM u"), i + 1);
        /* the same text with two parameters, then one */
        ormc_param q[2] = {{.type = ORMC_TYPE_INTEGER},
                           {.type = ORMC_TYPE_INTEGER}};
        q[0].u.i32 = 0;
        q[1].u.i32 = i;
        ormc_result *res;
        assert_ok(a, ormc_query(a,
                                "SELECT count(*) FROM u WHERE id BETWEEN "
                                "$1 AND $2",
                                q, 2, &res));
        assert_int_equal(ormc_result_next(res), ORMC_ROW);
        assert_int_equal(ormc_result_int64(res, 0), i + 1);
        ormc_result_close(res);
        assert_int_equal(
            int_of(a, "SELECT count(*) FROM pg_catalog.pg_prepared_statements "
                      "WHERE name LIKE 'ormc%' AND name <> 'ormc_1'"),
            0);
        assert_ok(a, ormc_commit(a));
    }
    ormc_counters s;
    assert_ok(a, ormc_stats(a, &s));
    for (size_t k = 0; k < sizeof s.errors / sizeof s.errors[0]; k++)
        assert_int_equal(s.errors[k], 0);
    ormc_test_exec(a, "DROP TABLE u");
    assert_ok(a, ormc_commit(a));
    ormc_close(a);
    ormc_close(b);
    PQfinish(raw);
}

/* The issue this mode exists for: two clients of different tenants
 * interleave their transactions (and autocommit statements) over 2
 * server connections, with a third client poisoning the search_path in
 * between; each sees its own rows alone, and every row lands in its
 * tenant's schema. */
static void test_tenants_hidden_from_each_other(void **state)
{
    (void)state;
    if (!have_pooler())
        skip();
    PGconn *raw = pg_connect(bouncer_url);
    const char *tenants[2] = {"tenant_left", "tenant_right"};
    ormc_db *db[2], *ac[2];
    for (int t = 0; t < 2; t++) {
        db[t] = open_url("");
        ac[t] = open_url(" autocommit=on");
        assert_ok(db[t],
                  ormc_use_tenant(db[t], tenants[t], ORMC_TENANT_CREATE));
        assert_ok(ac[t], ormc_use_tenant(ac[t], tenants[t], 0));
        ormc_test_exec(db[t], "CREATE TABLE IF NOT EXISTS note (id serial "
                              "PRIMARY KEY, who text NOT NULL)");
        ormc_test_exec(db[t], "TRUNCATE note");
        assert_ok(db[t], ormc_commit(db[t]));
    }
    const int rounds = 100;
    for (int i = 0; i < rounds; i++) {
        if (i % 10 == 0)
            poison(raw);
        for (int t = 0; t < 2; t++) {
            ormc_param p = {.type = ORMC_TYPE_TEXT};
            p.u.text = tenants[t];
            assert_ok(db[t], ormc_exec(db[t],
                                       "INSERT INTO note (who) "
                                       "VALUES ($1)",
                                       &p, 1, NULL));
        }
        /* both transactions open at once: one server connection each */
        for (int t = 0; t < 2; t++) {
            /* this round's row, and two of every round before */
            assert_int_equal(int_of(db[t], "SELECT count(*) FROM note"),
                             2 * i + 1);
            char sql[128];
            snprintf(sql, sizeof sql,
                     "SELECT count(*) FROM note WHERE who <> '%s'", tenants[t]);
            assert_int_equal(int_of(db[t], sql), 0);
        }
        assert_ok(db[i % 2], ormc_commit(db[i % 2]));
        assert_ok(db[1 - i % 2], ormc_commit(db[1 - i % 2]));
        /* autocommit statements carry the tenant too */
        for (int t = 0; t < 2; t++) {
            ormc_param p = {.type = ORMC_TYPE_TEXT};
            p.u.text = tenants[t];
            assert_ok(ac[t], ormc_exec(ac[t],
                                       "INSERT INTO note (who) "
                                       "VALUES ($1)",
                                       &p, 1, NULL));
            assert_int_equal(int_of(ac[t], "SELECT count(*) FROM note"),
                             2 * (i + 1));
        }
    }
    /* straight to each schema, as the server holds them */
    for (int t = 0; t < 2; t++) {
        char sql[160];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FILTER (WHERE who = '%s'), count(*) FROM "
                 "%s.note",
                 tenants[t], tenants[t]);
        PGresult *r = PQexec(raw, sql);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        assert_int_equal(atoi(PQgetvalue(r, 0, 0)), 2 * rounds);
        assert_int_equal(atoi(PQgetvalue(r, 0, 1)), 2 * rounds);
        PQclear(r);
        ormc_close(db[t]);
        ormc_close(ac[t]);
    }
    /* nothing ever landed in public */
    PGresult *r = PQexec(raw, "SELECT to_regclass('public.note') IS NULL");
    assert_string_equal(PQgetvalue(r, 0, 0), "t");
    PQclear(r);
    pg_run(raw, "DROP SCHEMA tenant_left CASCADE");
    pg_run(raw, "DROP SCHEMA tenant_right CASCADE");
    PQfinish(raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_rules),
        cmocka_unit_test(test_settings_hold),
        cmocka_unit_test(test_statements_unnamed),
        cmocka_unit_test(test_tenants_hidden_from_each_other),
    };
    const char *b = getenv("ORMC_TEST_PGBOUNCER_URL");
    if (b && *b && ormc_test_pg_url()) {
        /* the pooler's URL names a database: ours instead */
        PQconninfoOption *o = PQconninfoParse(b, NULL);
        size_t n = 0;
        for (PQconninfoOption *k = o; k && k->keyword; k++)
            if (k->val && *k->val && strcmp(k->keyword, "dbname") != 0)
                n += (size_t)snprintf(bouncer_url + n, sizeof bouncer_url - n,
                                      "%s='%s' ", k->keyword, k->val);
        PQconninfoFree(o);
        snprintf(bouncer_url + n, sizeof bouncer_url - n, "dbname=%s", DB_NAME);
        snprintf(ormc_url, sizeof ormc_url, "%s pooler=transaction",
                 bouncer_url);
    } else if (ormc_test_in_ci()) {
        fprintf(stderr, "FAIL: runtime_pooler needs PgBouncer "
                        "(ORMC_TEST_PGBOUNCER_URL: tests/with-postgres sets "
                        "it when pgbouncer is installed)\n");
        return 1;
    } else {
        fprintf(stderr, "*** SKIPPED: runtime_pooler's tests behind PgBouncer: "
                        "ORMC_TEST_PGBOUNCER_URL is not set ***\n");
    }
    return cmocka_run_group_tests_name(
        "runtime_pooler", tests, have_pooler() ? make_database : NULL, NULL);
}
