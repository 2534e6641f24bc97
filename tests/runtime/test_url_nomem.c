/*
 * test_url_nomem.c: the copies url.c keeps of a URL's password and of the
 * application name. strdup is wrapped at link time
 * (-Wl,--wrap=strdup, see CMakeLists.txt) so that copying one chosen
 * string fails. Without its copy the password could not be scrubbed from
 * messages, so ormc_open must give ORMC_NOMEM before connecting.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ormc.h"

char *__real_strdup(const char *s);
char *__wrap_strdup(const char *s);

/* strdup of this text fails; NULL: none does. */
static const char *fail_on;
static int failed;

char *__wrap_strdup(const char *s)
{
    if (fail_on != NULL && strcmp(s, fail_on) == 0) {
        failed++;
        return NULL;
    }
    return __real_strdup(s);
}

static void expect_nomem(const char *url, const ormc_options *opts,
                         const char *secret)
{
    ormc_db *db = NULL;
    failed = 0;
    int rc = ormc_open_with(url, opts, &db);
    fail_on = NULL;
    assert_int_equal(failed, 1);
    assert_int_equal(rc, ORMC_NOMEM);
    assert_non_null(db);
    assert_string_equal(ormc_errmsg(db), "out of memory");
    if (secret != NULL)
        assert_null(strstr(ormc_errmsg(db), secret));
    ormc_close(db);
}

/* Port 1 of the loopback: nothing is ever reached there, so a call that
 * went on to connect would fail with ORMC_CONNECTION instead. */
static void test_password_copy_fails(void **state)
{
    (void)state;
    fail_on = "s3cret-pw";
    expect_nomem("postgresql://u:s3cret-pw@127.0.0.1:1/db?connect_timeout=1",
                 NULL, "s3cret-pw");
    fail_on = "s3cret-pw";
    expect_nomem("host=127.0.0.1 port=1 user=u password=s3cret-pw "
                 "connect_timeout=1",
                 NULL, "s3cret-pw");
}

static void test_application_name_copy_fails(void **state)
{
    (void)state;
    ormc_options o = ORMC_OPTIONS_INIT;
    o.application_name = "ormc-test-app";
    fail_on = "ormc-test-app";
    expect_nomem("sqlite::memory:", &o, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_copy_fails),
        cmocka_unit_test(test_application_name_copy_fails),
    };
    return cmocka_run_group_tests_name("runtime_url_nomem", tests, NULL, NULL);
}
