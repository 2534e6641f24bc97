/*
 * test_tenant.c: schemas per tenant. OneGov's name rule (and that a
 * refused name never reaches the server), isolation between tenants on
 * one pool, a missing schema, listing, and a tenant kept across an
 * automatic reconnect.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool_util.h"

static bool is_pg(void)
{
    return ormc_test_backend() == ORMC_POSTGRES;
}

/* === names === */

static const char *const invalid_names[] = {
    "pg_test",
    "-- or 1=1",
    "0",
    "information_schema",
    "public",
    "my--schema",
    "Upper",
    "a b",
    "",
    "extensions",
    "1abc",
    "tenant;drop",
    "\"quoted\"",
    "caf\xc3\xa9",
    "x/y",
    "a.b",
    /* 64 characters: PostgreSQL would truncate it */
    "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234",
};

static const char *const valid_names[] = {
    "my_schema",
    "my-schema",
    "a",
    "_x",
    "tenant-42",
    "x0",
    "pg",
    "pgx_y",
    "publicity",
    /* 63 characters */
    "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij123",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void test_names(void **state)
{
    ormc_db *db = ormc_test_db(state);
    ormc_counters before, after;
    assert_int_equal(ormc_stats(db, &before), ORMC_OK);
    for (size_t i = 0; i < N_OF(invalid_names); i++) {
        assert_false(ormc_tenant_name_valid(invalid_names[i]));
        int rc = ormc_use_tenant(db, invalid_names[i], ORMC_TENANT_CREATE);
        if (rc != ORMC_INVALID)
            fail_msg("\"%s\" was not refused: %s", invalid_names[i],
                     ormc_strstatus(rc));
        assert_non_null(strstr(ormc_errmsg(db), "invalid tenant schema"));
    }
    assert_false(ormc_tenant_name_valid(NULL));
    assert_int_equal(ormc_use_tenant(NULL, "a", 0), ORMC_INVALID);
    assert_int_equal(ormc_use_tenant(db, "a", 0x80), ORMC_INVALID);
    /* nothing was sent */
    assert_int_equal(ormc_stats(db, &after), ORMC_OK);
    assert_int_equal(after.statements, before.statements);

    for (size_t i = 0; i < N_OF(valid_names); i++)
        assert_true(ormc_tenant_name_valid(valid_names[i]));
    if (!is_pg()) {
        assert_int_equal(ormc_use_tenant(db, "my_schema", ORMC_TENANT_CREATE),
                         ORMC_UNSUPPORTED);
        assert_non_null(strstr(ormc_errmsg(db), "need PostgreSQL"));
        char **names = NULL;
        assert_int_equal(ormc_list_tenants(db, "", &names, NULL),
                         ORMC_UNSUPPORTED);
        assert_null(names);
        return;
    }
    for (size_t i = 0; i < N_OF(valid_names); i++) {
        assert_ok(db, ormc_use_tenant(db, valid_names[i], ORMC_TENANT_CREATE));
        char buf[128];
        pu_text(db, "SELECT current_schema()", buf, sizeof buf);
        assert_string_equal(buf, valid_names[i]);
        assert_ok(db, ormc_rollback(db));
    }
}

/* === isolation: tenants on one pool, on several threads === */

#define ISO_THREADS 6
#define ISO_ROUNDS 40
static const char *const tenants[] = {"acme", "globex", "initech"};

typedef struct iso_arg {
    ormc_pool *pool;
    int id;
    int errors;
    char first_error[256];
} iso_arg;

static void iso_note(iso_arg *a, const char *what, ormc_db *db)
{
    if (a->errors++ == 0)
        snprintf(a->first_error, sizeof a->first_error, "%s: %s", what,
                 db ? ormc_errmsg(db) : ormc_pool_errmsg());
}

static void *iso_thread(void *p)
{
    iso_arg *a = p;
    for (int r = 0; r < ISO_ROUNDS; r++) {
        const char *tenant = tenants[(a->id + r) % 3];
        ormc_db *db = NULL;
        if (ormc_pool_acquire(a->pool, 20000, &db) != ORMC_OK) {
            iso_note(a, "acquire", NULL);
            continue;
        }
        /* the same statements in every tenant */
        ormc_param v[2] = {{.type = ORMC_TYPE_TEXT},
                           {.type = ORMC_TYPE_INTEGER}};
        v[0].u.text = tenant;
        v[1].u.i32 = a->id * 1000 + r;
        ormc_result *res = NULL;
        if (ormc_use_tenant(db, tenant, 0) != ORMC_OK)
            iso_note(a, "use_schema", db);
        else if (ormc_exec(db, "INSERT INTO items (tenant, n) VALUES ($1, $2)",
                           v, 2, NULL) != ORMC_OK)
            iso_note(a, "insert", db);
        else if (ormc_commit(db) != ORMC_OK)
            iso_note(a, "commit", db);
        else if (ormc_query(db, "SELECT count(*) FROM items WHERE tenant <> $1",
                            v, 1, &res) != ORMC_OK ||
                 ormc_result_next(res) != ORMC_ROW)
            iso_note(a, "query", db);
        else if (ormc_result_int64(res, 0) != 0)
            iso_note(a, "saw another tenant's rows", db);
        ormc_result_close(res);
        if (ormc_pool_release(a->pool, db) != ORMC_OK)
            iso_note(a, "release", NULL);
    }
    return NULL;
}

static void test_isolation(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (!is_pg())
        skip(); /* schemas per tenant need PostgreSQL */
    /* provisioning: each tenant gets its schema and the same table */
    for (size_t i = 0; i < N_OF(tenants); i++) {
        assert_ok(db, ormc_use_tenant(db, tenants[i], ORMC_TENANT_CREATE));
        ormc_test_exec(db, "CREATE TABLE items (id bigint GENERATED BY "
                           "DEFAULT AS IDENTITY PRIMARY KEY, tenant text "
                           "NOT NULL, n integer NOT NULL)");
        assert_ok(db, ormc_commit(db));
    }
    assert_ok(db, ormc_use_tenant(db, NULL, 0));

    ormc_pool_options o = ORMC_POOL_OPTIONS_INIT;
    o.size = 3;
    o.max_overflow = 0;
    ormc_pool *pool = pu_pool(&o);
    iso_arg args[ISO_THREADS];
    memset(args, 0, sizeof args);
    for (int i = 0; i < ISO_THREADS; i++) {
        args[i].pool = pool;
        args[i].id = i;
    }
    pu_run_threads(ISO_THREADS, iso_thread, args, sizeof args[0]);
    for (int i = 0; i < ISO_THREADS; i++)
        if (args[i].errors)
            fail_msg("thread %d: %d errors, first: %s", i, args[i].errors,
                     args[i].first_error);

    /* every tenant holds its own rows, and only those */
    int64_t total = 0;
    for (size_t i = 0; i < N_OF(tenants); i++) {
        assert_ok(db, ormc_use_tenant(db, tenants[i], 0));
        char sql[128];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM items WHERE tenant <> '%s'", tenants[i]);
        assert_int_equal(pu_int(db, sql), 0);
        total += pu_int(db, "SELECT count(*) FROM items");
        assert_ok(db, ormc_rollback(db));
    }
    assert_int_equal(total, ISO_THREADS * ISO_ROUNDS);
    /* and the URL's schema has no such table */
    assert_ok(db, ormc_use_tenant(db, NULL, 0));
    assert_int_equal(pu_int(db, "SELECT to_regclass('items') IS NULL"), 1);
    assert_ok(db, ormc_rollback(db));
    ormc_pool_counters s = pu_stats(pool);
    assert_int_equal(s.acquires, ISO_THREADS * ISO_ROUNDS);
    ormc_pool_close(pool);
}

/* === a missing schema === */

static void test_missing_schema(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (!is_pg())
        skip();
    char url_schema[128], buf[128];
    pu_text(db, "SELECT current_schema()", url_schema, sizeof url_schema);
    assert_ok(db, ormc_rollback(db));
    assert_int_equal(ormc_use_tenant(db, "never-made", 0), ORMC_NOT_FOUND);
    assert_non_null(strstr(ormc_errmsg(db), "does not exist"));
    pu_text(db, "SELECT current_schema()", buf, sizeof buf);
    assert_string_equal(buf, url_schema);
    assert_ok(db, ormc_rollback(db));

    /* from inside a tenant: a failed switch does not stay in the old one */
    assert_ok(db, ormc_use_tenant(db, "was-here", ORMC_TENANT_CREATE));
    assert_int_equal(ormc_use_tenant(db, "never-made", 0), ORMC_NOT_FOUND);
    pu_text(db, "SELECT current_schema()", buf, sizeof buf);
    assert_string_equal(buf, url_schema);
    assert_ok(db, ormc_rollback(db));

    /* creating twice is fine; the second finds it */
    assert_ok(db, ormc_use_tenant(db, "twice", ORMC_TENANT_CREATE));
    assert_ok(db, ormc_use_tenant(db, "twice", ORMC_TENANT_CREATE));
    assert_ok(db, ormc_use_tenant(db, "twice", 0));
    pu_text(db, "SELECT current_schema()", buf, sizeof buf);
    assert_string_equal(buf, "twice");
    assert_ok(db, ormc_rollback(db));
}

/* === many sessions creating one schema at once === */

#define RACE_THREADS 6

typedef struct race_arg {
    ormc_pool *pool;
    pthread_barrier_t *start;
    int rc;
    uint64_t conflicts; /* the CREATE lost the race and was retried */
    char msg[256];
} race_arg;

static void *race_thread(void *p)
{
    race_arg *a = p;
    ormc_db *db = NULL;
    a->rc = ormc_pool_acquire(a->pool, 20000, &db);
    pthread_barrier_wait(a->start);
    if (a->rc == ORMC_OK) {
        a->rc = ormc_use_tenant(db, "raced", ORMC_TENANT_CREATE);
        snprintf(a->msg, sizeof a->msg, "%s", ormc_errmsg(db));
        ormc_counters st;
        ormc_stats(db, &st);
        a->conflicts = st.errors[ORMC_CONSTRAINT] + st.errors[ORMC_ERROR];
        ormc_pool_release(a->pool, db);
    }
    return NULL;
}

static void test_create_race(void **state)
{
    (void)state;
    if (!is_pg())
        skip();
    ormc_pool_options o = ORMC_POOL_OPTIONS_INIT;
    o.size = RACE_THREADS;
    ormc_pool *pool = pu_pool(&o);
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, RACE_THREADS), 0);
    race_arg args[RACE_THREADS];
    for (int i = 0; i < RACE_THREADS; i++)
        args[i] = (race_arg){pool, &start, -1, 0, ""};
    pu_run_threads(RACE_THREADS, race_thread, args, sizeof args[0]);
    pthread_barrier_destroy(&start);
    uint64_t conflicts = 0;
    for (int i = 0; i < RACE_THREADS; i++) {
        if (args[i].rc != ORMC_OK)
            fail_msg("thread %d: %s: %s", i, ormc_strstatus(args[i].rc),
                     args[i].msg);
        conflicts += args[i].conflicts;
    }
    printf("# %d creators of one schema, %llu lost the race and retried\n",
           RACE_THREADS, (unsigned long long)conflicts);
    ormc_pool_close(pool);
}

/* === listing === */

static void test_list_tenants(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (!is_pg())
        skip();
    const char *make[] = {"lst-b", "lst-a", "lst_c", "other-lst"};
    for (size_t i = 0; i < N_OF(make); i++)
        assert_ok(db, ormc_use_tenant(db, make[i], ORMC_TENANT_CREATE));
    char **names = NULL;
    size_t n = 99;
    assert_ok(db, ormc_list_tenants(db, "lst", &names, &n));
    assert_int_equal(n, 3);
    assert_string_equal(names[0], "lst-a");
    assert_string_equal(names[1], "lst-b");
    assert_string_equal(names[2], "lst_c");
    assert_null(names[3]);
    ormc_tenant_list_free(names);

    /* everything: tenants only, no system or reserved schema */
    assert_ok(db, ormc_list_tenants(db, NULL, &names, &n));
    bool saw_other = false;
    for (size_t i = 0; i < n; i++) {
        assert_true(ormc_tenant_name_valid(names[i]));
        if (strcmp(names[i], "other-lst") == 0)
            saw_other = true;
    }
    assert_true(saw_other);
    assert_null(names[n]);
    ormc_tenant_list_free(names);

    /* a prefix is a value, not a pattern */
    assert_ok(db, ormc_list_tenants(db, "lst%", &names, &n));
    assert_int_equal(n, 0);
    assert_null(names[0]);
    ormc_tenant_list_free(names);
    assert_ok(db, ormc_list_tenants(db, "'; DROP SCHEMA x; --", &names, NULL));
    ormc_tenant_list_free(names);
    ormc_tenant_list_free(NULL);
    assert_int_equal(ormc_list_tenants(db, "", NULL, &n), ORMC_INVALID);
}

/* === the names before the rename still work, for one release === */

static void test_old_names(void **state)
{
    ormc_db *db = ormc_test_db(state);
    char **names = NULL;
    size_t n = 99;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    assert_int_equal(ORMC_CREATE, ORMC_TENANT_CREATE);
    assert_true(ormc_schema_name_valid("acme"));
    assert_false(ormc_schema_name_valid("pg_acme"));
    if (!is_pg()) {
        assert_int_equal(ormc_use_schema(db, "acme", ORMC_CREATE),
                         ORMC_UNSUPPORTED);
        assert_int_equal(ormc_list_schemas(db, NULL, &names, &n),
                         ORMC_UNSUPPORTED);
        ormc_schema_list_free(NULL);
        return;
    }
    char buf[128];
    assert_ok(db, ormc_use_schema(db, "old-name", ORMC_CREATE));
    pu_text(db, "SELECT current_schema()", buf, sizeof buf);
    assert_string_equal(buf, "old-name");
    assert_ok(db, ormc_rollback(db));
    assert_ok(db, ormc_list_schemas(db, "old-", &names, &n));
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "old-name");
    ormc_schema_list_free(names);
    assert_ok(db, ormc_rollback(db));
    assert_ok(db, ormc_use_schema(db, NULL, 0));
#pragma GCC diagnostic pop
    pu_text(db, "SELECT current_schema()", buf, sizeof buf);
    assert_string_not_equal(buf, "old-name");
}

/* === the tenant survives an automatic reconnect === */

static void test_reconnect_keeps_tenant(void **state)
{
    ormc_test_direct_only("it terminates a server process, which behind a "
                          "pooler serves other clients too");
    ormc_db *db = ormc_test_db(state);
    if (!is_pg())
        skip();
    char buf[128];
    assert_ok(db, ormc_use_tenant(db, "sticky", ORMC_TENANT_CREATE));
    ormc_test_exec(db, "CREATE TABLE mark (x integer)");
    ormc_test_exec(db, "INSERT INTO mark VALUES (7)");
    assert_ok(db, ormc_commit(db));

    pu_kill_backend(pu_backend_pid(db));
    /* the rollback finds the connection gone; the next statement
     * reconnects and must land in the tenant again, not in the URL's
     * schema */
    assert_ok(db, ormc_rollback(db));
    pu_text(db, "SELECT current_schema()", buf, sizeof buf);
    assert_string_equal(buf, "sticky");
    assert_int_equal(pu_int(db, "SELECT x FROM mark"), 7);
    assert_ok(db, ormc_rollback(db));
    ormc_counters s;
    assert_int_equal(ormc_stats(db, &s), ORMC_OK);
    assert_int_equal(s.reconnects, 1);

    /* the schema vanished meanwhile: refuse rather than run elsewhere */
    ormc_db *admin = ormc_test_open_another();
    ormc_test_exec(admin, "DROP SCHEMA sticky CASCADE");
    assert_ok(admin, ormc_commit(admin));
    ormc_close(admin);
    pu_kill_backend(pu_backend_pid(db));
    assert_ok(db, ormc_rollback(db));
    assert_int_equal(ormc_exec(db, "SELECT 1", NULL, 0, NULL), ORMC_CONNECTION);
    assert_non_null(strstr(ormc_errmsg(db), "no longer exists"));
    assert_int_equal(ormc_exec(db, "SELECT 1", NULL, 0, NULL), ORMC_CONNECTION);
    /* leaving the tenant recovers */
    assert_ok(db, ormc_use_tenant(db, NULL, 0));
    pu_text(db, "SELECT current_schema()", buf, sizeof buf);
    assert_non_null(strstr(buf, "test_"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_names),
        ORMC_BACKEND_TEST(test_isolation),
        ORMC_BACKEND_TEST(test_missing_schema),
        ORMC_BACKEND_TEST(test_create_race),
        ORMC_BACKEND_TEST(test_list_tenants),
        ORMC_BACKEND_TEST(test_old_names),
        ORMC_BACKEND_TEST(test_reconnect_keeps_tenant),
    };
    return ormc_test_run_backends("tenant", tests);
}
