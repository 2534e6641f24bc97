/*
 * test_nomem.c: the engine's out-of-memory paths. malloc and realloc are
 * wrapped at link time (-Wl,--wrap=malloc,--wrap=realloc, see
 * CMakeLists.txt) so that the Nth call can be made to fail; every builder
 * must then answer ORMC_NOMEM, leak nothing and leave its object usable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "ormc_generated.h"
#include "sqlbuild.h"
#include "tables.h"

void *__real_malloc(size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_realloc(void *p, size_t size);

/* 0: never fail; n: the nth allocation from now fails (and only it). */
static int fail_countdown;
static int allocations;

static bool should_fail(void)
{
    allocations++;
    return fail_countdown > 0 && --fail_countdown == 0;
}

void *__wrap_malloc(size_t size)
{
    return should_fail() ? NULL : __real_malloc(size);
}

void *__wrap_realloc(void *p, size_t size)
{
    return should_fail() ? NULL : __real_realloc(p, size);
}

static void fail_nth(int n)
{
    fail_countdown = n;
    allocations = 0;
}

static void test_builder_growth(void **state)
{
    (void)state;
    ormc_builder q;
    ormc_param p = {.type = ORMC_TYPE_BIGINT};
    ormc_builder_init(&q, &test_order_table);
    for (int i = 0; i < ORMC_QUERY_INLINE_CONDS; i++)
        ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_ID), ORMC_NE, &p);
    fail_nth(1);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_ID), ORMC_NE, &p);
    assert_int_equal(allocations, 1);
    assert_int_equal(q.error, ORMC_NOMEM);
    assert_int_equal(q.n_conds, ORMC_QUERY_INLINE_CONDS);

    ormc__sql s;
    ormc__sql_init(&s);
    assert_int_equal(ormc__sql_query(&s, &q, ORMC__Q_SELECT), ORMC_NOMEM);
    ormc__sql_free(&s);
    ormc_builder_free(&q);

    /* realloc failing later keeps what was there. */
    ormc_builder_init(&q, &test_order_table);
    for (int i = 0; i < 2 * ORMC_QUERY_INLINE_CONDS; i++)
        ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_ID), ORMC_NE, &p);
    fail_nth(1);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_ID), ORMC_NE, &p);
    assert_int_equal(q.error, ORMC_NOMEM);
    assert_int_equal(q.n_conds, 2 * ORMC_QUERY_INLINE_CONDS);
    ormc_builder_free(&q); /* frees the heap array */
    fail_nth(0);
}

/* Build one statement with each of its allocations failing in turn. */
static void build_big_query(ormc__sql *s, int *rc)
{
    static const int64_t ids[80] = {0};
    ormc_builder q;
    ormc_param p = {.type = ORMC_TYPE_TEXT};
    p.u.text = "x";
    ormc_builder_init(&q, &test_bot_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_CLIENT_ID), ORMC_EQ, &p);
    ormc_builder_where_in(&q, ORMC_COLUMN_BIT(BOT_ID), ids, 80);
    ormc_builder_order_by(&q, ORMC_COLUMN_BIT(BOT_INSTALLED_AT), ORMC_DESC);
    ormc_builder_limit(&q, 10);
    assert_int_equal(q.error, ORMC_OK);
    *rc = ormc__sql_query(s, &q, ORMC__Q_SELECT);
    ormc_builder_free(&q);
}

static void test_sql_every_allocation(void **state)
{
    (void)state;
    int failures = 0;
    for (int n = 1; n < 50; n++) {
        ormc__sql s;
        int rc;
        ormc__sql_init(&s);
        fail_nth(n);
        build_big_query(&s, &rc);
        bool failed = fail_countdown == 0;
        fail_nth(0);
        if (!failed) {
            assert_int_equal(rc, ORMC_OK);
            ormc__sql_free(&s);
            break;
        }
        assert_int_equal(rc, ORMC_NOMEM);
        failures++;
        /* The same object works again afterwards. */
        build_big_query(&s, &rc);
        assert_int_equal(rc, ORMC_OK);
        assert_int_equal(s.n_params, 82);
        ormc__sql_free(&s);
    }
    /* The text and the parameters both outgrew their inline room. */
    assert_true(failures >= 2);
}

static void test_bind_row(void **state)
{
    (void)state;
    ormc__sql s;
    test_order o = {1, "c", "n", NULL};
    ormc__sql_init(&s);
    for (int i = 0; i < 5; i++)
        assert_int_equal(ormc__sql_bind_row(&s, &test_order_table, &o, 7),
                         ORMC_OK);
    fail_nth(1);
    assert_int_equal(ormc__sql_bind_row(&s, &test_order_table, &o, 7),
                     ORMC_NOMEM);
    fail_nth(0);
    assert_int_equal(s.n_params, 16);
    ormc__sql_free(&s);
}

static void test_fixture(void **state)
{
    (void)state;
    test_kind k;
    memset(&k, 0x55, sizeof k);
    fail_nth(1);
    assert_int_equal(ormc_row_fixture(&test_kind_table, &k, 1), ORMC_NOMEM);
    fail_nth(0);
    /* Nothing half-filled is left behind. */
    assert_null(k.name);
    assert_null(k.ormc_owned);

    for (int n = 1; n <= 2; n++) {
        const ormc_table **list = (const ormc_table **)&k;
        size_t count = 7;
        fail_nth(n);
        assert_int_equal(ormc__fixture_parents(&test_line_table, &list, &count),
                         ORMC_NOMEM);
        fail_nth(0);
        assert_null(list);
        assert_int_equal(count, 0);
    }
}

/* ormc_list_sort cannot report a failure: without memory it sorts in
 * place, slowly, still stably; rows already in order cost no allocation. */
static void test_list_sort(void **state)
{
    (void)state;
    enum {
        N = 40
    };
    test_order rows[N];
    memset(rows, 0, sizeof rows);
    for (int i = 0; i < N; i++) {
        rows[i].id = (i * 7) % 5;
        rows[i].note = (const char *)(uintptr_t)(i + 1); /* its position */
    }
    static const uint16_t by[] = {ORDER_ID};
    fail_nth(1);
    ormc_list_sort(&test_order_table, rows, N, by, 1);
    assert_int_equal(allocations, 1);
    for (int i = 1; i < N; i++)
        assert_true(rows[i - 1].id < rows[i].id ||
                    (rows[i - 1].id == rows[i].id &&
                     (uintptr_t)rows[i - 1].note < (uintptr_t)rows[i].note));
    fail_nth(0);
    ormc_list_sort(&test_order_table, rows, N, by, 1);
    assert_int_equal(allocations, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builder_growth),
        cmocka_unit_test(test_sql_every_allocation),
        cmocka_unit_test(test_bind_row),
        cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_list_sort),
    };
    return cmocka_run_group_tests_name("engine_nomem", tests, NULL, NULL);
}
