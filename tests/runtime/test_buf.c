/*
 * test_buf.c: the growable SQL buffer of runtime/src/buf.c, and
 * ormc__buf_put_ident, the runtime's one quoting of identifiers (used for
 * table, column and schema names by the SQL builder, the schema
 * functions and the tenant switch).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

static void test_put_ident_quotes_and_doubles_quotes(void **state)
{
    (void)state;
    char storage[64];
    ormc__buf b;
    ormc__buf_init(&b, storage, sizeof storage);
    ormc__buf_put_ident(&b, "slack_bots");
    assert_string_equal(b.data, "\"slack_bots\"");
    ormc__buf_clear(&b);
    ormc__buf_put_ident(&b, "odd\"table");
    assert_string_equal(b.data, "\"odd\"\"table\"");
    ormc__buf_clear(&b);
    ormc__buf_put_ident(&b, "\"\"");
    assert_string_equal(b.data, "\"\"\"\"\"\"");
    ormc__buf_clear(&b);
    ormc__buf_put_ident(&b, "");
    assert_string_equal(b.data, "\"\"");
    assert_false(b.failed);
    ormc__buf_free(&b);
}

/* A name longer than the lent storage moves the text to the heap whole. */
static void test_put_ident_grows_past_the_lent_storage(void **state)
{
    (void)state;
    char storage[8];
    char name[200];
    ormc__buf b;
    memset(name, 'a', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    name[100] = '"';
    ormc__buf_init(&b, storage, sizeof storage);
    ormc__buf_put_ident(&b, name);
    assert_false(b.failed);
    assert_true(b.heap);
    assert_int_equal(b.len, 1 + 100 + 2 + 98 + 1);
    assert_int_equal(b.data[0], '"');
    assert_memory_equal(b.data + 101, "\"\"", 2);
    assert_int_equal(b.data[b.len - 1], '"');
    ormc__buf_free(&b);
}

/* In sink mode (a builder run for its parameters alone) nothing is
 * written. */
static void test_put_ident_writes_nothing_to_a_sink(void **state)
{
    (void)state;
    char storage[16];
    ormc__buf b;
    ormc__buf_init(&b, storage, sizeof storage);
    b.sink = true;
    ormc__buf_put_ident(&b, "odd\"table");
    assert_int_equal(b.len, 0);
    assert_false(b.failed);
    ormc__buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_ident_quotes_and_doubles_quotes),
        cmocka_unit_test(test_put_ident_grows_past_the_lent_storage),
        cmocka_unit_test(test_put_ident_writes_nothing_to_a_sink),
    };
    return cmocka_run_group_tests_name("runtime_buf", tests, NULL, NULL);
}
