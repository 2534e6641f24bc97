/*
 * test_generated_schemas.c: every schema of schema/, generated at build time,
 * through its generated schema-level functions, on both backends: create
 * (twice), a clean drift check, a fixture row in every table (parents
 * created through the references), drop (children first, rows and all),
 * and create again. The generated DDL and the generated descriptors must
 * agree with each other, in the database's own words, on both backends.
 *
 * generated_schemas.h (written by CMake) includes each schema's header and
 * defines GENERATED_SCHEMAS(X) as X(name) per schema.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ormc_test.h"

#include "generated_schemas.h"

typedef struct generated_schema {
    const ormc_schema *schema;
    int (*create)(ormc_db *db);
    int (*drop)(ormc_db *db);
    int (*check)(ormc_db *db);
} generated_schema;

static const generated_schema schemas[] = {
#define GENERATED_ENTRY(name)                                                  \
    {&name##_schema, name##_schema_create, name##_schema_drop,                 \
     name##_schema_check},
    GENERATED_SCHEMAS(GENERATED_ENTRY)
#undef GENERATED_ENTRY
};

#define N_SCHEMAS (sizeof schemas / sizeof schemas[0])

/* Insert a fixture row into every table of s. */
static void insert_fixtures(ormc_db *db, const ormc_schema *s)
{
    for (uint16_t i = 0; i < s->n_tables; i++) {
        const ormc_table *t = s->tables[i];
        void *row = calloc(1, t->row_size);
        assert_non_null(row);
        int rc = ormc_row_fixture_insert(db, t, 1000 + i, row);
        if (rc != ORMC_OK)
            fail_msg("schema %s, table %s: fixture insert = %s: %s", s->name,
                     t->sql_name, ormc_strstatus(rc), ormc_errmsg(db));
        ormc_row_free(t, row);
        free(row);
    }
}

static void test_create_check_drop(void **state)
{
    ormc_db *db = ormc_test_db(state);
    for (size_t i = 0; i < N_SCHEMAS; i++) {
        const generated_schema *g = &schemas[i];
        assert_ok(db, g->create(db));
        assert_ok(db, g->create(db));
        int rc = g->check(db);
        if (rc != ORMC_OK)
            fail_msg("schema %s: check right after create = %s: %s",
                     g->schema->name, ormc_strstatus(rc), ormc_errmsg(db));
        assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);

        assert_ok(db, ormc_begin(db));
        insert_fixtures(db, g->schema);
        assert_ok(db, ormc_commit(db));
        assert_ok(db, g->check(db));

        assert_ok(db, g->drop(db));
        assert_int_equal(g->check(db), ORMC_SCHEMA_DRIFT);
        /* every table is missing: the message lists them, the first
         * first */
        char want[256];
        snprintf(want, sizeof want,
                 "table \"%s\" of schema %s is missing from the database",
                 g->schema->tables[0]->sql_name, g->schema->name);
        if (g->schema->n_tables == 1) {
            assert_string_equal(ormc_errmsg(db), want);
        } else {
            char head[64];
            snprintf(head, sizeof head, "%u differences break data: ",
                     (unsigned)g->schema->n_tables);
            assert_int_equal(strncmp(ormc_errmsg(db), head, strlen(head)), 0);
            assert_int_equal(
                strncmp(ormc_errmsg(db) + strlen(head), want, strlen(want)), 0);
        }
        assert_ok(db, g->drop(db));

        assert_ok(db, g->create(db));
        assert_ok(db, g->check(db));
    }
}

/* Every generated schema side by side in one database: one schema's check
 * is not disturbed by another's tables. */
static void test_all_together(void **state)
{
    ormc_db *db = ormc_test_db(state);
    for (size_t i = 0; i < N_SCHEMAS; i++)
        assert_ok(db, schemas[i].create(db));
    for (size_t i = 0; i < N_SCHEMAS; i++)
        assert_ok(db, schemas[i].check(db));
    for (size_t i = N_SCHEMAS; i-- > 0;)
        assert_ok(db, schemas[i].drop(db));
}

/* The drift check on generated descriptors: drop the last column of each
 * table that no key, index, reference or CHECK constraint (max, enum)
 * uses, and expect it named. */
static void test_drift_in_generated(void **state)
{
    ormc_db *db = ormc_test_db(state);
    for (size_t i = 0; i < N_SCHEMAS; i++) {
        const ormc_schema *s = schemas[i].schema;
        assert_ok(db, schemas[i].create(db));
        for (uint16_t k = 0; k < s->n_tables; k++) {
            const ormc_table *t = s->tables[k];
            ormc_colset used = t->primary_key;
            for (uint16_t x = 0; x < t->n_indexes; x++)
                used |= t->indexes[x].columns;
            int victim = -1;
            for (int c = t->n_columns - 1; c >= 0 && victim < 0; c--)
                if (!(used & ORMC_COLUMN_BIT(c)) && !t->columns[c].ref_table &&
                    !t->columns[c].max_chars &&
                    t->columns[c].type != ORMC_TYPE_ENUM)
                    victim = c;
            if (victim < 0)
                continue;
            const char *col = t->columns[victim].sql_name;
            char sql[256], want[384];
            snprintf(sql, sizeof sql, "ALTER TABLE \"%s\" DROP COLUMN \"%s\"",
                     t->sql_name, col);
            ormc_test_exec(db, sql);
            snprintf(want, sizeof want,
                     "table \"%s\": column \"%s\" of schema %s is missing "
                     "from the database",
                     t->sql_name, col, s->name);
            assert_int_equal(ormc_schema_check(db, s), ORMC_SCHEMA_DRIFT);
            assert_string_equal(ormc_errmsg(db), want);
            /* back to a clean slate for the next table */
            assert_ok(db, ormc_rollback(db));
            assert_ok(db, ormc_schema_check(db, s));
        }
        assert_ok(db, schemas[i].drop(db));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_create_check_drop),
        ORMC_BACKEND_TEST(test_all_together),
        ORMC_BACKEND_TEST(test_drift_in_generated),
    };
    return ormc_test_run_backends("schema_generated_schemas", tests);
}
