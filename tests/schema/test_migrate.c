/*
 * test_migrate.c: shop_schema_migrate (ormc_schema_migrate) on an older
 * database, on SQLite and PostgreSQL. The older database is the shop made
 * by shop_schema_create and then taken back a version by hand: a table and
 * an index gone, columns gone (among them ones with a CHECK, a foreign
 * key, a default), one under its former name (renamed_from), and rows in
 * it. Migrate must bring it to a clean drift check keeping the
 * rows, refuse what it cannot do with a message that says what and why,
 * and change nothing when it refuses.
 */
#define _POSIX_C_SOURCE 200809L /* pthread barriers */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ormc_test.h"
#include "shop.h"

static void commit_if_open(ormc_db *db)
{
    if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
        assert_ok(db, ormc_commit(db));
}

/* Whether sql runs; its transaction (when it opened one) is rolled back. */
static bool runs(ormc_db *db, const char *sql)
{
    bool ok = ormc_exec(db, sql, NULL, 0, NULL) == ORMC_OK;
    if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
        ormc_rollback(db);
    return ok;
}

/*
 * orders and order_lines one version back, made by hand (SQLite cannot drop
 * a column that a CHECK, a foreign key or an index uses): orders without
 * the enum status (CHECK, default) and the note (CHECK on SQLite),
 * order_lines without product_id (a foreign key, in a unique index).
 */
static const char older_orders_sqlite[] =
    "CREATE TABLE orders (id INTEGER NOT NULL, customer_id TEXT NOT NULL, "
    "placed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') "
    "|| '000'), shipped_at TEXT, CONSTRAINT orders_pkey PRIMARY KEY (id), "
    "CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) "
    "REFERENCES customers (id) ON DELETE RESTRICT)";
static const char older_orders_postgres[] =
    "CREATE TABLE orders (id bigint NOT NULL, customer_id uuid NOT NULL, "
    "placed_at timestamptz NOT NULL DEFAULT now(), shipped_at timestamptz, "
    "CONSTRAINT orders_pkey PRIMARY KEY (id), CONSTRAINT "
    "orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES "
    "customers (id) ON DELETE RESTRICT)";
static const char older_lines_sqlite[] =
    "CREATE TABLE order_lines (order_id INTEGER NOT NULL, line_no INTEGER "
    "NOT NULL, quantity INTEGER NOT NULL DEFAULT 1, price_cents INTEGER NOT "
    "NULL, CONSTRAINT order_lines_pkey PRIMARY KEY (order_id, line_no), "
    "CONSTRAINT order_lines_order_id_fkey FOREIGN KEY (order_id) "
    "REFERENCES orders (id) ON DELETE CASCADE)";
static const char older_lines_postgres[] =
    "CREATE TABLE order_lines (order_id bigint NOT NULL, line_no integer "
    "NOT NULL, quantity integer NOT NULL DEFAULT 1, price_cents integer NOT "
    "NULL, CONSTRAINT order_lines_pkey PRIMARY KEY (order_id, line_no), "
    "CONSTRAINT order_lines_order_id_fkey FOREIGN KEY (order_id) "
    "REFERENCES orders (id) ON DELETE CASCADE)";

/* The shop's orders and order_lines replaced by their older versions. */
static void make_older_orders(ormc_db *db)
{
    bool pg = ormc_backend_of(db) == ORMC_POSTGRES;
    ormc_test_exec(db, "DROP TABLE order_lines");
    ormc_test_exec(db, "DROP TABLE orders");
    ormc_test_exec(db, pg ? older_orders_postgres : older_orders_sqlite);
    ormc_test_exec(db, pg ? older_lines_postgres : older_lines_sqlite);
}

/*
 * The shop one version back, with a product, an order and its line in it:
 * the older orders and order_lines, the products_by_title index gone,
 * columns of products gone, old_title under its former name legacy_title.
 */
static void make_older_shop(ormc_db *db)
{
    assert_ok(db, shop_schema_create(db));
    commit_if_open(db);
    make_older_orders(db);
    ormc_test_exec(db, "DROP INDEX products_by_title");
    ormc_test_exec(db, "ALTER TABLE products DROP COLUMN thumbnail");
    ormc_test_exec(db, "ALTER TABLE products DROP COLUMN weight_kg");
    ormc_test_exec(db, "ALTER TABLE products RENAME COLUMN old_title "
                       "TO legacy_title");
    ormc_test_exec(db, "INSERT INTO products (sku, title, price_cents, "
                       "legacy_title) VALUES ('S1', 'Soap', 250, 'Old soap')");
    ormc_test_exec(db, "INSERT INTO customers (id, email, name) VALUES "
                       "('123e4567-e89b-12d3-a456-426614174000', "
                       "'a@example.com', 'Ann')");
    ormc_test_exec(db, "INSERT INTO orders (id, customer_id) VALUES "
                       "(7, '123e4567-e89b-12d3-a456-426614174000')");
    ormc_test_exec(db, "INSERT INTO order_lines (order_id, line_no, "
                       "price_cents) VALUES (7, 1, 250)");
    commit_if_open(db);
}

static void test_migrate_brings_an_older_database_up(void **state)
{
    ormc_db *db = ormc_test_db(state);
    make_older_shop(db);
    assert_int_equal(shop_schema_check(db), ORMC_SCHEMA_DRIFT);

    assert_ok(db, shop_schema_migrate(db, 0));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_ok(db, shop_schema_check(db));

    /* The rows stay; the renamed column keeps its values. */
    shop_product p;
    assert_ok(db, shop_product_get(db, 1, &p));
    assert_string_equal(p.title, "Soap");
    assert_string_equal(p.old_title, "Old soap");
    assert_null(p.thumbnail.data);
    assert_false(p.has_weight_kg);
    shop_product_free(&p);
    shop_order o;
    assert_ok(db, shop_order_get(db, 7, &o));
    assert_false(o.has_shipped_at);
    /* A column added NOT NULL with a default gives it to the rows there. */
    assert_int_equal(o.status, SHOP_ORDER_STATUS_PENDING);
    shop_order_free(&o);

    /* The added columns carry their constraints: the enum's CHECK, the
     * note's max (varchar(500) on PostgreSQL; on SQLite, where shop has the
     * default checks = "client", ormc's check before each write only), the
     * foreign key; the unique index on an added column is there. */
    assert_false(runs(db, "UPDATE orders SET status = 'lost'"));
    char note[600];
    memset(note, 'x', 501);
    note[501] = '\0';
    char sql[700];
    snprintf(sql, sizeof sql, "UPDATE orders SET note = '%s'", note);
    assert_int_equal(runs(db, sql), ormc_backend_of(db) == ORMC_SQLITE);
    note[500] = '\0';
    snprintf(sql, sizeof sql, "UPDATE orders SET note = '%s'", note);
    assert_true(runs(db, sql));
    assert_false(runs(db, "UPDATE order_lines SET product_id = 99"));
    ormc_test_exec(db, "UPDATE order_lines SET product_id = 1");
    commit_if_open(db);
    assert_false(runs(db, "INSERT INTO order_lines (order_id, line_no, "
                          "product_id, price_cents) VALUES (7, 2, 1, 250)"));

    /* Once there, migrating again changes nothing. */
    assert_ok(db, shop_schema_migrate(db, 0));
    assert_ok(db, shop_schema_check(db));
    assert_ok(db, shop_schema_drop(db));
    commit_if_open(db);
}

static void test_migrate_on_an_empty_database_creates(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, shop_schema_migrate(db, 0));
    assert_ok(db, shop_schema_check(db));
    assert_ok(db, shop_schema_drop(db));
    commit_if_open(db);
}

/* A column the rows there could not take: refused, named, explained, and
 * nothing else is done either (the renamed column keeps its old name). */
static void test_migrate_refuses_and_changes_nothing(void **state)
{
    ormc_db *db = ormc_test_db(state);
    make_older_shop(db);
    ormc_test_exec(db, "ALTER TABLE products DROP COLUMN price_cents");
    commit_if_open(db);

    assert_int_equal(shop_schema_migrate(db, 0), ORMC_SCHEMA_DRIFT);
    const char *msg = ormc_errmsg(db);
    assert_non_null(strstr(msg, "\"price_cents\""));
    assert_non_null(strstr(msg, "NOT NULL without a default"));
    assert_non_null(strstr(msg, "ormc diff"));
    assert_string_equal(ormc_errconstraint(db), "price_cents");
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);

    assert_true(runs(db, "SELECT legacy_title FROM products"));
    assert_false(runs(db, "SELECT old_title FROM products"));
    assert_false(runs(db, "SELECT thumbnail FROM products"));
    assert_false(runs(db, "SELECT product_id FROM order_lines"));
    assert_ok(db, shop_schema_drop(db));
    commit_if_open(db);
}

/* A column added to a table that is there may reference a table that is
 * not: the missing tables are created first. */
static void test_migrate_adds_a_reference_to_a_new_table(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, shop_schema_create(db));
    commit_if_open(db);
    make_older_orders(db);
    ormc_test_exec(db, "DROP TABLE products");
    commit_if_open(db);
    assert_ok(db, shop_schema_migrate(db, 0));
    assert_ok(db, shop_schema_check(db));
    assert_ok(db, shop_schema_drop(db));
    commit_if_open(db);
}

/* A column with renamed_from whose former name is not there either: added
 * empty it would lose the values it was renamed to keep, and with
 * ORMC_MIGRATE_DROP_COLUMNS drop them. Refused, even with the flag. */
static void test_migrate_refuses_a_rename_it_cannot_find(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, shop_schema_create(db));
    commit_if_open(db);
    ormc_test_exec(db, "ALTER TABLE products RENAME COLUMN old_title TO "
                       "title_before_2024");
    commit_if_open(db);
    assert_int_equal(shop_schema_migrate(db, ORMC_MIGRATE_DROP_COLUMNS),
                     ORMC_SCHEMA_DRIFT);
    assert_non_null(strstr(ormc_errmsg(db), "\"legacy_title\""));
    assert_string_equal(ormc_errconstraint(db), "old_title");
    assert_true(runs(db, "SELECT title_before_2024 FROM products"));
    assert_ok(db, shop_schema_drop(db));
    commit_if_open(db);
}

/* Both the column and its former name: never dropped, and said so. */
static void test_migrate_names_a_former_column_left_over(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, shop_schema_create(db));
    commit_if_open(db);
    ormc_test_exec(db, "ALTER TABLE products ADD COLUMN legacy_title TEXT");
    commit_if_open(db);
    assert_int_equal(shop_schema_migrate(db, ORMC_MIGRATE_DROP_COLUMNS),
                     ORMC_SCHEMA_DRIFT);
    assert_non_null(strstr(ormc_errmsg(db), "are both in the database"));
    assert_string_equal(ormc_errconstraint(db), "legacy_title");
    assert_true(runs(db, "SELECT legacy_title FROM products"));
    assert_ok(db, shop_schema_drop(db));
    commit_if_open(db);
}

/* A column the schema no longer has stays unless asked for. A nullable
 * one does not break data: migrate passes and keeps it (the strict check
 * still sees it). One that does (NOT NULL without a default: ormc's
 * inserts would fail) is reported with the flag that would drop it. */
static void test_migrate_drops_columns_only_when_asked(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, shop_schema_create(db));
    commit_if_open(db);
    ormc_test_exec(db, "ALTER TABLE products ADD COLUMN discontinued TEXT");
    commit_if_open(db);

    assert_ok(db, shop_schema_migrate(db, 0));
    assert_true(runs(db, "SELECT discontinued FROM products"));
    assert_int_equal(shop_schema_check_with(db, ORMC_CHECK_STRICT, NULL, NULL),
                     ORMC_SCHEMA_DRIFT);
    assert_non_null(strstr(ormc_errmsg(db), "\"discontinued\""));
    commit_if_open(db);
    if (ormc_backend_of(db) == ORMC_POSTGRES) {
        /* SQLite adds a NOT NULL column only with a default */
        ormc_test_exec(db, "ALTER TABLE products ADD COLUMN code TEXT "
                           "NOT NULL");
        commit_if_open(db);
        assert_int_equal(shop_schema_migrate(db, 0), ORMC_SCHEMA_DRIFT);
        assert_non_null(strstr(ormc_errmsg(db), "\"code\""));
        assert_non_null(strstr(ormc_errmsg(db), "ORMC_MIGRATE_DROP_COLUMNS"));
        assert_true(runs(db, "SELECT code FROM products"));
    }

    assert_ok(db, shop_schema_migrate(db, ORMC_MIGRATE_DROP_COLUMNS));
    assert_ok(db, shop_schema_check_with(db, ORMC_CHECK_STRICT, NULL, NULL));
    assert_false(runs(db, "SELECT discontinued FROM products"));
    assert_false(runs(db, "SELECT code FROM products"));

    assert_int_equal(shop_schema_migrate(db, 0x80), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "unknown flags"));
    assert_ok(db, shop_schema_drop(db));
    commit_if_open(db);
}

/* Inside the caller's transaction migrate is a savepoint: the caller's
 * rollback undoes it. */
static void test_migrate_in_the_callers_transaction(void **state)
{
    ormc_db *db = ormc_test_db(state);
    make_older_shop(db);
    assert_ok(db, ormc_begin(db));
    assert_ok(db, shop_schema_migrate(db, 0));
    assert_ok(db, shop_schema_check(db));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    assert_ok(db, ormc_rollback(db));
    assert_int_equal(shop_schema_check(db), ORMC_SCHEMA_DRIFT);
    assert_true(runs(db, "SELECT legacy_title FROM products"));
    assert_ok(db, shop_schema_drop(db));
    commit_if_open(db);
}

/* Instances of an application starting together, each migrating the same
 * older database: they take turns (PostgreSQL: an advisory lock, each
 * statement reading what the one before committed; SQLite: the write lock
 * taken at BEGIN), so each succeeds and the first does the work. */
#define N_MIGRATORS 4

typedef struct migrator {
    ormc_db *db;
    pthread_barrier_t *start;
    int rc;
    char msg[512];
} migrator;

static void *migrate_concurrently(void *arg)
{
    migrator *m = arg;
    pthread_barrier_wait(m->start);
    m->rc = shop_schema_migrate(m->db, 0);
    snprintf(m->msg, sizeof m->msg, "%s", ormc_errmsg(m->db));
    return NULL;
}

static void test_concurrent_migrate(void **state)
{
    ormc_db *db = ormc_test_db(state);
    for (int round = 0; round < 3; round++) {
        make_older_shop(db);
        migrator ms[N_MIGRATORS];
        pthread_t threads[N_MIGRATORS];
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, N_MIGRATORS);
        for (int i = 0; i < N_MIGRATORS; i++) {
            ms[i].db = ormc_test_open_another();
            ms[i].start = &start;
            ms[i].rc = -1;
        }
        for (int i = 0; i < N_MIGRATORS; i++)
            assert_int_equal(
                pthread_create(&threads[i], NULL, migrate_concurrently, &ms[i]),
                0);
        for (int i = 0; i < N_MIGRATORS; i++)
            pthread_join(threads[i], NULL);
        pthread_barrier_destroy(&start);
        for (int i = 0; i < N_MIGRATORS; i++) {
            if (ms[i].rc != ORMC_OK)
                fail_msg("round %d, migrator %d: %s: %s", round, i,
                         ormc_strstatus(ms[i].rc), ms[i].msg);
            ormc_close(ms[i].db);
        }
        assert_ok(db, shop_schema_check(db));
        shop_product p;
        assert_ok(db, shop_product_get(db, 1, &p));
        assert_string_equal(p.old_title, "Old soap");
        shop_product_free(&p);
        assert_ok(db, shop_schema_drop(db));
        commit_if_open(db);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_migrate_brings_an_older_database_up),
        ORMC_BACKEND_TEST(test_migrate_on_an_empty_database_creates),
        ORMC_BACKEND_TEST(test_migrate_refuses_and_changes_nothing),
        ORMC_BACKEND_TEST(test_migrate_drops_columns_only_when_asked),
        ORMC_BACKEND_TEST(test_migrate_adds_a_reference_to_a_new_table),
        ORMC_BACKEND_TEST(test_migrate_refuses_a_rename_it_cannot_find),
        ORMC_BACKEND_TEST(test_migrate_names_a_former_column_left_over),
        ORMC_BACKEND_TEST(test_migrate_in_the_callers_transaction),
        ORMC_BACKEND_TEST(test_concurrent_migrate),
    };
    return ormc_test_run_backends("schema_migrate", tests);
}
