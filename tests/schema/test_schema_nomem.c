/*
 * test_schema_nomem.c: ormc_schema_create, _check and _drop when memory
 * runs out. malloc and realloc are wrapped at link time (see
 * CMakeLists.txt) so that the Nth call from now fails; for every N until
 * the call gets through, each function must answer ORMC_OK or ORMC_NOMEM,
 * leave the connection idle and usable, and leak nothing (the sanitizer
 * build tells). The schemas are those of schema/, generated at build time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ormc_test.h"

#include "generated_schemas.h"

void *__real_malloc(size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_realloc(void *p, size_t size);

/* 0: never fail; n: the nth allocation from now fails (and only it). */
static int fail_countdown;
static int allocations;

void *__wrap_malloc(size_t size)
{
    allocations++;
    if (fail_countdown > 0 && --fail_countdown == 0)
        return NULL;
    return __real_malloc(size);
}

void *__wrap_realloc(void *p, size_t size)
{
    allocations++;
    if (fail_countdown > 0 && --fail_countdown == 0)
        return NULL;
    return __real_realloc(p, size);
}

static void fail_nth(int n)
{
    fail_countdown = n;
    allocations = 0;
}

static const ormc_schema *const schemas[] = {
#define GENERATED_ENTRY(name) &name##_schema,
    GENERATED_SCHEMAS(GENERATED_ENTRY)
#undef GENERATED_ENTRY
};

typedef int (*schema_fn)(ormc_db *db, const ormc_schema *s);

/* Run fn with the 1st, 2nd, ... allocation failing until it runs through;
 * every outcome must be success or out of memory, with nothing left open. */
static void exhaust(ormc_db *db, const ormc_schema *s, schema_fn fn,
                    const char *what)
{
    for (int n = 1;; n++) {
        fail_nth(n);
        int rc = fn(db, s);
        bool reached = fail_countdown == 0;
        fail_nth(0);
        if (rc != ORMC_OK && rc != ORMC_NOMEM)
            fail_msg("%s(%s) with allocation %d failing = %s: %s", what,
                     s->name, n, ormc_strstatus(rc), ormc_errmsg(db));
        if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
            fail_msg("%s(%s) with allocation %d failing left a transaction",
                     what, s->name, n);
        if (!reached) { /* no allocation failed: it ran through */
            assert_ok(db, rc);
            return;
        }
        assert_true(n < 100000);
    }
}

static void test_nomem(void **state)
{
    ormc_db *db = ormc_test_db(state);
    for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++) {
        exhaust(db, schemas[i], ormc_schema_create, "ormc_schema_create");
        assert_ok(db, ormc_schema_check(db, schemas[i]));
        exhaust(db, schemas[i], ormc_schema_check, "ormc_schema_check");
        exhaust(db, schemas[i], ormc_schema_drop, "ormc_schema_drop");
        assert_int_equal(ormc_schema_check(db, schemas[i]), ORMC_SCHEMA_DRIFT);
        assert_ok(db, ormc_schema_create(db, schemas[i]));
        assert_ok(db, ormc_schema_check(db, schemas[i]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_nomem),
    };
    return ormc_test_run_backends("schema_nomem", tests);
}
