/*
 * The connection's error state (runtime/src/status.c): a new error may be
 * formatted from the previous one, since wrapping a message is how the
 * runtime adds context to a driver's error.
 */
#include "ormc_int.h"
#include "ormc_test.h"

#include <string.h>

static void test_new_error_may_quote_the_last(void **state)
{
    (void)state;
    ormc_db *db = NULL;
    assert_int_equal(ormc_open("sqlite::memory:", &db), ORMC_OK);
    ormc__error(db, ORMC_CONSTRAINT, "23505", "users_email_key",
                "duplicate key value");
    int rc = ormc__error(db, ORMC_CONNECTION, db->sqlstate, db->errconstraint,
                         "after reconnecting: %s", db->errmsg);
    assert_int_equal(rc, ORMC_CONNECTION);
    assert_string_equal(ormc_errmsg(db),
                        "after reconnecting: duplicate key value");
    assert_string_equal(ormc_sqlstate(db), "23505");
    assert_string_equal(ormc_errconstraint(db), "users_email_key");
    ormc_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_error_may_quote_the_last),
    };
    return cmocka_run_group_tests_name("engine/error_state", tests, NULL, NULL);
}
