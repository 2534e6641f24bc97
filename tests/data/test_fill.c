/*
 * test_fill.c: fixtures for a whole database, on SQLite and PostgreSQL:
 * shop_fixtures_fill (the generated call), `ormc seed URL` and `ormc seed
 * --sql` (loaded with the sqlite3 and psql clients) fill schema/shop.lua
 * with 100,000 rows; the drift check and the foreign keys hold, and the
 * same seed gives the same rows (checksums of every table, computed alike
 * on both backends) whichever way they were made; another seed gives
 * others; a second fill continues after the first; bad --rows and --seed
 * get clear errors.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ormc_test.h"
#include "shop.h"

/* 100,000 rows in all. */
static const shop_counts BIG = {
    .customer = 10000, .product = 2000, .order = 30000, .line = 58000};
#define BIG_ROWS "customer=10000,product=2000,order=30000,line=58000"

/* === Checksums: every column of every row, in primary key order === */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static uint64_t row_hash(uint64_t h, const ormc_table *t, const char *row)
{
    for (int i = 0; i < t->n_columns; i++) {
        const ormc_column *c = &t->columns[i];
        const char *f = row + c->offset;
        bool has = true;
        if (c->has_offset != ORMC_NO_HAS)
            memcpy(&has, row + c->has_offset, sizeof has);
        if (!has) {
            h = fnv(h, "N", 1);
            continue;
        }
        switch (c->type) {
        case ORMC_TYPE_INTEGER:
        case ORMC_TYPE_ENUM:
            h = fnv(h, f, sizeof(int32_t));
            break;
        case ORMC_TYPE_BIGINT:
        case ORMC_TYPE_TIMESTAMP:
        case ORMC_TYPE_DOUBLE:
            h = fnv(h, f, 8);
            break;
        case ORMC_TYPE_BOOLEAN:
            h = fnv(h, f, sizeof(bool));
            break;
        case ORMC_TYPE_TEXT:
        case ORMC_TYPE_JSON: {
            const char *s;
            memcpy(&s, f, sizeof s);
            h = s ? fnv(h, s, strlen(s) + 1) : fnv(h, "N", 1);
            break;
        }
        case ORMC_TYPE_BLOB: {
            ormc_blob b;
            memcpy(&b, f, sizeof b);
            h = b.data ? fnv(fnv(h, &b.len, sizeof b.len), b.data, b.len)
                       : fnv(h, "N", 1);
            break;
        }
        case ORMC_TYPE_UUID:
            h = fnv(h, f, 16);
            break;
        }
    }
    return h;
}

static uint64_t table_checksum(ormc_db *db, const ormc_table *t, size_t *count)
{
    ormc_builder q;
    ormc_builder_init(&q, t);
    void *items = NULL;
    assert_ok(db, ormc_builder_all(db, &q, &items, count));
    ormc_builder_free(&q);
    /* sorted here, by bytes: the same order whatever the collation */
    ormc_list_sort(t, items, *count, t->pk_order, t->n_pk);
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t r = 0; r < *count; r++)
        h = row_hash(h, t, (const char *)items + r * t->row_size);
    ormc_list_free(t, items, *count);
    return h;
}

typedef struct sums {
    uint64_t h[4];
    size_t n[4];
} sums;

static sums shop_sums(ormc_db *db)
{
    sums s;
    for (int i = 0; i < shop_schema.n_tables; i++)
        s.h[i] = table_checksum(db, shop_schema.tables[i], &s.n[i]);
    return s;
}

static void assert_sums_equal(const sums *a, const sums *b)
{
    for (int i = 0; i < 4; i++) {
        assert_int_equal(a->n[i], b->n[i]);
        if (a->h[i] != b->h[i])
            fail_msg("table %s: checksum %016llx, expected %016llx",
                     shop_schema.tables[i]->name, (unsigned long long)a->h[i],
                     (unsigned long long)b->h[i]);
    }
}

/* The checks every filled shop database passes: the drift check, no
 * orphan (PRAGMA foreign_key_check on SQLite; the constraints and a query
 * per foreign key on PostgreSQL). */
static void check_database(ormc_db *db)
{
    assert_ok(db, shop_schema_check(db));
    ormc_result *res;
    if (ormc_backend_of(db) == ORMC_SQLITE) {
        assert_ok(db,
                  ormc_query(db, "PRAGMA foreign_key_check", NULL, 0, &res));
        assert_int_equal(ormc_result_next(res), ORMC_DONE);
        ormc_result_close(res);
    }
    static const char *const orphans[] = {
        "SELECT count(*) FROM orders o WHERE NOT EXISTS "
        "(SELECT 1 FROM customers c WHERE c.id = o.customer_id)",
        "SELECT count(*) FROM order_lines l WHERE NOT EXISTS "
        "(SELECT 1 FROM orders o WHERE o.id = l.order_id)",
        "SELECT count(*) FROM order_lines l WHERE l.product_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM products p WHERE p.id = l.product_id)",
    };
    for (size_t i = 0; i < sizeof orphans / sizeof *orphans; i++) {
        assert_ok(db, ormc_query(db, orphans[i], NULL, 0, &res));
        assert_int_equal(ormc_result_next(res), ORMC_ROW);
        assert_int_equal(ormc_result_int64(res, 0), 0);
        ormc_result_close(res);
    }
}

static void create_shop(ormc_db *db)
{
    assert_ok(db, shop_schema_create(db));
    if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
        assert_ok(db, ormc_commit(db));
}

static void commit(ormc_db *db)
{
    if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
        assert_ok(db, ormc_commit(db));
}

/* The checksums of the 100,000 rows of seed 7, per backend, from
 * shop_fixtures_fill: what every other way of filling must give. */
static sums big_sums[3];
static bool big_done[3];

static void test_fill_100k(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_shop(db);
    assert_ok(db, shop_fixtures_fill(db, &BIG, 7));
    commit(db);
    check_database(db);
    sums s = shop_sums(db);
    assert_int_equal(s.n[0] + s.n[1] + s.n[2] + s.n[3], 100000);
    assert_int_equal(s.n[3], BIG.line);
    ormc_backend b = ormc_backend_of(db);
    big_sums[b] = s;
    big_done[b] = true;
    /* the same seed, the same rows on the other backend */
    ormc_backend other = b == ORMC_SQLITE ? ORMC_POSTGRES : ORMC_SQLITE;
    if (big_done[other])
        assert_sums_equal(&s, &big_sums[other]);
}

static void test_fill_seeds(void **state)
{
    ormc_db *db = ormc_test_db(state);
    const shop_counts few = {
        .customer = 50, .product = 20, .order = 100, .line = 300};
    create_shop(db);
    assert_ok(db, shop_fixtures_fill(db, &few, 7));
    commit(db);
    sums a = shop_sums(db);
    assert_ok(db, shop_schema_drop(db));
    create_shop(db);
    assert_ok(db, shop_fixtures_fill(db, &few, 8));
    commit(db);
    check_database(db);
    sums b = shop_sums(db);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(a.n[i], b.n[i]);
        if (a.h[i] == b.h[i])
            fail_msg("table %s: seeds 7 and 8 gave the same rows",
                     shop_schema.tables[i]->name);
    }
    assert_ok(db, shop_schema_drop(db));
    create_shop(db);
    assert_ok(db, shop_fixtures_fill(db, &few, 7));
    commit(db);
    sums again = shop_sums(db);
    assert_sums_equal(&again, &a);
}

/* A second fill adds rows after the first (keys continue), and the
 * database's own key assignment continues after both. */
static void test_fill_twice(void **state)
{
    ormc_db *db = ormc_test_db(state);
    const shop_counts few = {
        .customer = 30, .product = 10, .order = 40, .line = 90};
    create_shop(db);
    assert_ok(db, shop_fixtures_fill(db, &few, 7));
    commit(db);
    assert_ok(db, shop_fixtures_fill(db, &few, 7));
    commit(db);
    check_database(db);
    sums s = shop_sums(db);
    assert_int_equal(s.n[0], 60);
    assert_int_equal(s.n[3], 180);
    shop_product p;
    shop_product_init(&p);
    p.sku = "NEW-1";
    p.title = "after the fill";
    p.price_cents = 100;
    assert_ok(db, shop_product_insert(db, &p));
    assert_int_equal(p.id, 21);
    commit(db);
}

/* Lines alone: the NOT NULL order key gets orders (one per 10 lines), and
 * they their customer; the nullable product key stays NULL. */
static void test_fill_makes_parents(void **state)
{
    ormc_db *db = ormc_test_db(state);
    const shop_counts lines = {.line = 95};
    create_shop(db);
    assert_ok(db, shop_fixtures_fill(db, &lines, 3));
    commit(db);
    check_database(db);
    sums s = shop_sums(db);
    assert_int_equal(s.n[0], 1);  /* customers */
    assert_int_equal(s.n[1], 0);  /* products */
    assert_int_equal(s.n[2], 10); /* orders */
    assert_int_equal(s.n[3], 95);
    ormc_result *res;
    assert_ok(db, ormc_query(db,
                             "SELECT count(*) FROM order_lines "
                             "WHERE product_id IS NOT NULL",
                             NULL, 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    assert_int_equal(ormc_result_int64(res, 0), 0);
    ormc_result_close(res);
}

static void test_fill_bad_counts(void **state)
{
    ormc_db *db = ormc_test_db(state);
    const size_t n[3] = {1, 2, 3};
    assert_int_equal(ormc_schema_fill(db, &shop_schema, n, 3, 1), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "3 counts given for the 4 "
                                            "tables of shop"));
    assert_int_equal(shop_fixtures_fill(db, NULL, 1), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "no counts given"));
}

static int refuse(void *ctx, const char *text, size_t len)
{
    (void)text;
    (void)len;
    ++*(int *)ctx;
    return 1;
}

/* The script's failures: a writer that refuses (asked once, then no
 * more), a bad dialect (nothing written). */
static void test_fill_sql_errors(void **state)
{
    (void)state;
    if (ormc_test_backend() != ORMC_SQLITE)
        return; /* no database involved: once is enough */
    const size_t n[4] = {1, 1, 1, 1};
    char err[256];
    int calls = 0;
    assert_int_equal(ormc_schema_fill_sql(&shop_schema, n, 4, 1,
                                          ORMC_DIALECT_SQLITE, refuse, &calls,
                                          err, sizeof err),
                     ORMC_INVALID);
    assert_int_equal(calls, 1);
    assert_string_equal(err, "the script could not be written");
    assert_int_equal(ormc_schema_fill_sql(&shop_schema, n, 4, 1,
                                          (ormc_dialect)7, refuse, &calls, err,
                                          sizeof err),
                     ORMC_INVALID);
    assert_string_equal(err, "no writer or an unknown dialect given");
    assert_int_equal(calls, 1);
}

/* === ormc seed === */

/* Run argv, its stdout and stderr into out (when not NULL); the exit
 * status. */
static int run(char *const argv[], const char *out)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (out != NULL && freopen(out, "w", stdout) == NULL)
            _exit(127);
        if (out != NULL)
            dup2(STDOUT_FILENO, STDERR_FILENO);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void out_path(char *buf, size_t len, const char *what)
{
    snprintf(buf, len, "%s/fill-%d-%s.out", ORMC_TEST_DIR,
             (int)ormc_test_backend(), what);
}

static void test_seed_url(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_shop(db);
    char log[1024];
    out_path(log, sizeof log, "url");
    char *argv[] = {ORMC_BIN,  "seed",   (char *)ormc_test_url(),
                    ORMC_SHOP, "--rows", BIG_ROWS,
                    "--seed",  "7",      NULL};
    int rc = run(argv, log);
    if (rc != 0)
        fail_msg("ormc seed exited %d: %s", rc, slurp(log));
    check_database(db);
    sums s = shop_sums(db);
    ormc_backend b = ormc_backend_of(db);
    assert_true(big_done[b]);
    assert_sums_equal(&s, &big_sums[b]);
}

static void test_seed_sql(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_shop(db);
    ormc_backend b = ormc_backend_of(db);
    char sql[1024], log[1024];
    out_path(sql, sizeof sql, "script.sql");
    out_path(log, sizeof log, "load");
    char *gen[] = {
        ORMC_BIN,  "seed",   "--sql",  b == ORMC_SQLITE ? "sqlite" : "postgres",
        ORMC_SHOP, "--rows", BIG_ROWS, "--seed",
        "7",       "-o",     sql,      NULL};
    int rc = run(gen, log);
    if (rc != 0)
        fail_msg("ormc seed --sql exited %d: %s", rc, slurp(log));
    if (b == ORMC_SQLITE) {
        const char *url = ormc_test_url();
        char read[1100];
        snprintf(read, sizeof read, ".read %s", sql);
        char *load[] = {"sqlite3", (char *)url + strlen("sqlite:"), read, NULL};
        rc = run(load, log);
    } else {
        char *load[] = {"psql",
                        "-X",
                        "-q",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-d",
                        (char *)ormc_test_url(),
                        "-f",
                        sql,
                        NULL};
        rc = run(load, log);
    }
    if (rc != 0)
        fail_msg("loading the script exited %d: %s", rc, slurp(log));
    check_database(db);
    sums s = shop_sums(db);
    assert_true(big_done[b]);
    assert_sums_equal(&s, &big_sums[b]);
    remove(sql);
}

/* Another schema through `ormc seed` twice (the second fill continues
 * after the first): its DDL loaded by the backend's client, then the
 * foreign keys checked. tests/gen/good has composite foreign keys, a
 * reference of a table to itself, a unique key of enums alone, a 64-column
 * table, a 32-bit serial key and SQL types of another tool. */
static void seed_schema_file(const char *schema, const char *rows)
{
    ormc_backend b = ormc_test_backend();
    char path[1024], ddl[1024], log[1024];
    snprintf(path, sizeof path, "%s/%s", ORMC_GOOD, schema);
    out_path(ddl, sizeof ddl, "ddl.sql");
    out_path(log, sizeof log, "load");
    char *gen[] = {ORMC_BIN,    "ddl",
                   "--dialect", b == ORMC_SQLITE ? "sqlite" : "postgres",
                   path,        NULL};
    int rc = run(gen, ddl);
    if (rc != 0)
        fail_msg("ormc ddl exited %d: %s", rc, slurp(ddl));
    const char *url = ormc_test_url();
    char read[1100];
    snprintf(read, sizeof read, ".read %s", ddl);
    char *sqlite[] = {"sqlite3", (char *)url + strlen("sqlite:"), read, NULL};
    char *psql[] = {"psql", "-X",        "-q", "-v", "ON_ERROR_STOP=1",
                    "-d",   (char *)url, "-f", ddl,  NULL};
    rc = run(b == ORMC_SQLITE ? sqlite : psql, log);
    if (rc != 0)
        fail_msg("loading the DDL exited %d: %s", rc, slurp(log));
    for (int i = 0; i < 2; i++) {
        char *seed[] = {ORMC_BIN,     "seed",   (char *)url, path, "--rows",
                        (char *)rows, "--seed", "3",         NULL};
        rc = run(seed, log);
        if (rc != 0)
            fail_msg("ormc seed exited %d: %s", rc, slurp(log));
    }
    remove(ddl);
}

static void test_seed_other_schemas(void **state)
{
    ormc_db *db = ormc_test_db(state);
    seed_schema_file("composite.lua", "track=200,album=30,review=300");
    seed_schema_file("edge.lua", "wide=50,pair=40,node=300");
    /* a 32-bit serial key and a column referencing it */
    seed_schema_file("shared.lua", "account=50,session=200");
    ormc_result *res;
    if (ormc_backend_of(db) == ORMC_SQLITE) {
        assert_ok(db,
                  ormc_query(db, "PRAGMA foreign_key_check", NULL, 0, &res));
        assert_int_equal(ormc_result_next(res), ORMC_DONE);
        ormc_result_close(res);
    }
    static const char *const counts[][2] = {
        {"SELECT count(*) FROM review", "600"},
        {"SELECT count(*) FROM nodes", "600"},
        /* the unique key of two enums: 6 combinations, then NULL */
        {"SELECT count(*) FROM nodes WHERE colour IS NOT NULL", "6"},
        {"SELECT count(*) FROM nodes WHERE parent_id IS NULL", "2"},
        {"SELECT count(*) FROM session", "400"},
        {"SELECT max(id) FROM account", "100"},
        {"SELECT count(*) FROM session s JOIN account a "
         "ON a.id = s.account_id",
         "400"},
    };
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        assert_ok(db, ormc_query(db, counts[i][0], NULL, 0, &res));
        assert_int_equal(ormc_result_next(res), ORMC_ROW);
        assert_string_equal(ormc_result_text(res, 0), counts[i][1]);
        ormc_result_close(res);
    }
}

static void expect_exit(char **argv, int status, const char *message)
{
    char log[1024];
    out_path(log, sizeof log, "error");
    int rc = run(argv, log);
    const char *text = slurp(log);
    if (rc != status || strstr(text, message) == NULL)
        fail_msg("exit %d, output:\n%s\nexpected exit %d and: %s", rc, text,
                 status, message);
}

static void expect_error(char **argv, const char *message)
{
    expect_exit(argv, 2, message);
}

static void test_seed_errors(void **state)
{
    (void)state;
    if (ormc_test_backend() != ORMC_SQLITE)
        return; /* no database involved: once is enough */
    char *unknown[] = {ORMC_BIN,
                       "seed",
                       "--sql",
                       "sqlite",
                       ORMC_SHOP,
                       "--rows",
                       "customer=1,invoice=5",
                       "--seed",
                       "7",
                       NULL};
    expect_error(unknown, "unknown table 'invoice' in --rows (tables: "
                          "customer, product, order, line)");
    char *count[] = {ORMC_BIN, "seed",         "--sql",  "sqlite", ORMC_SHOP,
                     "--rows", "customer=ten", "--seed", "7",      NULL};
    expect_error(count, "--rows: 'customer=ten': the count must be a number");
    char *noseed[] = {ORMC_BIN, "seed",       "--sql",  "sqlite", ORMC_SHOP,
                      "--rows", "customer=1", "--seed", NULL};
    expect_error(noseed, "--seed needs a value");
    char *badseed[] = {ORMC_BIN, "seed",       "--sql",  "sqlite", ORMC_SHOP,
                       "--rows", "customer=1", "--seed", "-3",     NULL};
    expect_error(badseed, "--seed: '-3' is not a number from 0 to "
                          "18446744073709551615");
    char *seedless[] = {ORMC_BIN,  "seed",   "--sql",      "sqlite",
                        ORMC_SHOP, "--rows", "customer=1", NULL};
    expect_error(seedless, "seed: --seed N is required");
    char *twice[] = {ORMC_BIN,
                     "seed",
                     "--sql",
                     "sqlite",
                     ORMC_SHOP,
                     "--rows",
                     "customer=1,customers=2",
                     "--seed",
                     "7",
                     NULL};
    expect_error(twice, "--rows: table 'customer' is given twice");
    /* counts the keys cannot take: a NOT NULL one-to-one key */
    char schema[1024];
    out_path(schema, sizeof schema, "one.lua");
    FILE *f = fopen(schema, "w");
    assert_non_null(f);
    fputs("return schema \"one\" {\n"
          "    table \"a\" { serial \"id\" },\n"
          "    table \"b\" { serial \"id\", bigint \"a_id\" {\n"
          "        not_null = true, unique = true, references = \"a.id\" } },\n"
          "}\n",
          f);
    fclose(f);
    char *one[] = {ORMC_BIN, "seed",    "--sql",  "sqlite", schema,
                   "--rows", "a=2,b=5", "--seed", "7",      NULL};
    expect_exit(one, 1,
                "b: 5 rows need as many rows of a (foreign key b_a_id_fkey "
                "is unique), which gets 2");
    remove(schema);
    char *dialect[] = {ORMC_BIN, "seed",       "--sql",  "oracle", ORMC_SHOP,
                       "--rows", "customer=1", "--seed", "7",      NULL};
    expect_error(dialect, "unknown dialect 'oracle'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_fill_100k),
        ORMC_BACKEND_TEST(test_fill_seeds),
        ORMC_BACKEND_TEST(test_fill_twice),
        ORMC_BACKEND_TEST(test_fill_makes_parents),
        ORMC_BACKEND_TEST(test_fill_bad_counts),
        ORMC_BACKEND_TEST(test_fill_sql_errors),
        ORMC_BACKEND_TEST(test_seed_url),
        ORMC_BACKEND_TEST(test_seed_sql),
        ORMC_BACKEND_TEST(test_seed_other_schemas),
        ORMC_BACKEND_TEST(test_seed_errors),
    };
    return ormc_test_run_backends("data_fill", tests);
}
