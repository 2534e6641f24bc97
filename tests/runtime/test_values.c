#define _POSIX_C_SOURCE 200809L

/*
 * test_values.c: value conversions, status codes, URLs and misuse, without
 * a database server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ormc_test.h"
#include "ormc_generated.h"

static void test_time_format(void **state)
{
    (void)state;
    char buf[ORMC_TIME_TEXT_MAX];
    ormc_time t;
    assert_int_equal(ormc_time_format(0, buf, sizeof buf), 26);
    assert_string_equal(buf, "1970-01-01 00:00:00.000000");
    ormc_time_format(-1, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31 23:59:59.999999");
    /* the first moon landing, before 1970, to the microsecond */
    ormc_time_format(INT64_C(-14182939876544), buf, sizeof buf);
    assert_string_equal(buf, "1969-07-20 20:17:40.123456");
    assert_int_equal(ormc_time_parse(buf, &t), ORMC_OK);
    assert_int_equal(t, INT64_C(-14182939876544));
    /* 2100 is not a leap year */
    assert_int_equal(ormc_time_parse("2100-03-01 00:00:00.000001", &t),
                     ORMC_OK);
    ormc_time_format(t - 2, buf, sizeof buf);
    assert_string_equal(buf, "2100-02-28 23:59:59.999999");
    ormc_time_format(INT64_C(951782400000000), buf, sizeof buf);
    assert_string_equal(buf, "2000-02-29 00:00:00.000000");
    ormc_time_format(INT64_C(-62135596800000000), buf, sizeof buf);
    assert_string_equal(buf, "0001-01-01 00:00:00.000000");
}

/* The digits written by hand agree with printf's and read back, over the
 * whole fixed-width range (years 0000-9999), and short buffers truncate as
 * snprintf does. */
static void test_time_format_sweep(void **state)
{
    (void)state;
    const int64_t lo = INT64_C(-62167219200000000); /* 0000-01-01 */
    const int64_t hi = INT64_C(253402300799999999); /* 9999-12-31 ... */
    uint64_t x = 88172645463325252u;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int64_t t = lo + (int64_t)(x % (uint64_t)(hi - lo + 1));
        if (i < 2)
            t = i == 0 ? lo : hi;
        char buf[ORMC_TIME_TEXT_MAX], want[64];
        assert_int_equal(ormc_time_format(t, buf, sizeof buf), 26);
        int64_t days = t / 86400000000, rem = t % 86400000000;
        if (rem < 0) {
            rem += 86400000000;
            days--;
        }
        time_t secs = (time_t)(days * 86400 + rem / 1000000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        snprintf(want, sizeof want, "%04d-%02d-%02d %02d:%02d:%02d.%06d",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec, (int)(rem % 1000000));
        assert_string_equal(buf, want);
        ormc_time back;
        assert_int_equal(ormc_time_parse(buf, &back), ORMC_OK);
        assert_int_equal(back, t);
    }
    char small[10];
    assert_int_equal(ormc_time_format(0, small, sizeof small), 9);
    assert_string_equal(small, "1970-01-0");
    char big[ORMC_TIME_TEXT_MAX];
    assert_true(ormc_time_format(hi + 1, big, sizeof big) > 26); /* 10000 */
    assert_int_equal(strncmp(big, "10000-01-01 00:00:00.000000", 27), 0);
}

static void test_time_parse_forms(void **state)
{
    (void)state;
    ormc_time t;
    assert_int_equal(ormc_time_parse("2024-05-06 07:08:09", &t), ORMC_OK);
    assert_int_equal(t, INT64_C(1714979289000000));
    assert_int_equal(ormc_time_parse("2024-05-06 07:08:09.5+00", &t), ORMC_OK);
    assert_int_equal(t, INT64_C(1714979289500000));
    assert_int_equal(ormc_time_parse("2024-05-06T07:08:09.5Z", &t), ORMC_OK);
    assert_int_equal(t, INT64_C(1714979289500000));
    assert_int_equal(ormc_time_parse("2024-05-06 09:08:09.5+02:00", &t),
                     ORMC_OK);
    assert_int_equal(t, INT64_C(1714979289500000));
    assert_int_equal(ormc_time_parse("2024-05-06", &t), ORMC_OK);
    assert_int_equal(t, INT64_C(1714953600000000));
    assert_int_equal(ormc_time_parse("2024-13-06 00:00:00", &t), ORMC_INVALID);
    assert_int_equal(ormc_time_parse("yesterday", &t), ORMC_INVALID);
    assert_int_equal(ormc_time_parse("2024-05-06 07:08:09 junk", &t),
                     ORMC_INVALID);
    assert_int_equal(ormc_time_parse(NULL, &t), ORMC_INVALID);
}

/* The stored form, 26 characters, has a fast path of its own: it must
 * accept and refuse exactly what the general parser does. */
static void test_time_parse_canonical(void **state)
{
    (void)state;
    ormc_time t;
    assert_int_equal(ormc_time_parse("2024-05-06 07:08:09.500000", &t),
                     ORMC_OK);
    assert_int_equal(t, INT64_C(1714979289500000));
    assert_int_equal(ormc_time_parse("0000-03-01 00:00:00.000000", &t),
                     ORMC_OK);
    assert_int_equal(t, INT64_C(-719468) * INT64_C(86400000000));
    assert_int_equal(ormc_time_parse("1969-12-31 23:59:59.999999", &t),
                     ORMC_OK);
    assert_int_equal(t, -1);
    assert_int_equal(ormc_time_parse("2024-05-06 24:00:00.000000", &t),
                     ORMC_OK);
    assert_int_equal(t, INT64_C(1715040000000000));
    static const char *const bad[] = {
        "2024-05-0a 07:08:09.500000", "2024-05-06 07:08:09.50000/",
        "2024-00-06 07:08:09.500000", "2024-05-32 07:08:09.500000",
        "2024-05-06 25:08:09.500000", "2024-05-06 07:60:09.500000",
        "2024-05-06 07:08:61.500000", "2024-05-06x07:08:09.500000",
        "2024-05-06 07:08:09,500000", " 024-05-06 07:08:09.500000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t = 42;
        assert_int_equal(ormc_time_parse(bad[i], &t), ORMC_INVALID);
        assert_int_equal(t, 42);
    }
}

/* Far from 1970: what does not fit in int64 microseconds is refused, not
 * wrapped; years BC survive a round trip through their text. */
static void test_time_extremes(void **state)
{
    (void)state;
    ormc_time t;
    assert_int_equal(ormc_time_parse("9999999-12-31 23:59:59", &t),
                     ORMC_INVALID);
    assert_int_equal(ormc_time_parse("-9999999-01-01 00:00:00", &t),
                     ORMC_INVALID);
    assert_int_equal(ormc_time_parse("294000-01-01 00:00:00", &t), ORMC_OK);
    assert_true(t > 0);

    static const char *const years_bc[] = {"-0001-06-01 00:00:00.000000",
                                           "-0999-12-31 23:59:59.999999",
                                           "-4713-11-24 12:00:00.000001"};
    for (size_t i = 0; i < sizeof years_bc / sizeof years_bc[0]; i++) {
        char text[ORMC_TIME_TEXT_MAX];
        assert_int_equal(ormc_time_parse(years_bc[i], &t), ORMC_OK);
        ormc_time_format(t, text, sizeof text);
        assert_string_equal(text, years_bc[i]);
    }
}

static void test_uuid(void **state)
{
    (void)state;
    ormc_uuid u, v;
    char buf[ORMC_UUID_TEXT_MAX];
    assert_int_equal(
        ormc_uuid_parse("123E4567-e89b-12d3-a456-426614174000", &u), ORMC_OK);
    ormc_uuid_format(&u, buf);
    assert_string_equal(buf, "123e4567-e89b-12d3-a456-426614174000");
    assert_int_equal(u.bytes[0], 0x12);
    assert_int_equal(u.bytes[15], 0x00);
    assert_int_equal(ormc_uuid_parse("123e4567e89b12d3a456426614174000", &v),
                     ORMC_OK);
    assert_memory_equal(&u, &v, sizeof u);
    assert_int_equal(
        ormc_uuid_parse("{123e4567-e89b-12d3-a456-426614174000}", &v), ORMC_OK);
    assert_memory_equal(&u, &v, sizeof u);
    assert_int_equal(ormc_uuid_parse("123e4567-e89b-12d3-a456-42661417400", &v),
                     ORMC_INVALID);
    assert_int_equal(
        ormc_uuid_parse("123e4567-e89b-12d3-a456-42661417400g", &v),
        ORMC_INVALID);
}

static void test_strstatus(void **state)
{
    (void)state;
    assert_int_equal(ORMC_OK, 0);
    assert_string_equal(ormc_strstatus(ORMC_OK), "success");
    assert_string_equal(ormc_strstatus(ORMC_CONSTRAINT),
                        "constraint violation");
    assert_string_equal(ormc_strstatus(-1), "unknown status code");
    assert_string_equal(ormc_strstatus(ORMC__STATUS_COUNT),
                        "unknown status code");
    assert_false(ormc_is_error(ORMC_NOT_FOUND));
    assert_true(ormc_is_error(ORMC_INVALID));
    /* append-only: programs store the codes */
    assert_int_equal(ORMC_ERROR, 13);
    assert_int_equal(ORMC_TIMEOUT, 14);
    assert_true(ormc_is_error(ORMC_TIMEOUT));
    assert_string_equal(ormc_strstatus(ORMC_TIMEOUT),
                        "statement timed out or was canceled");
    assert_int_equal(ORMC_COMMIT_UNKNOWN, 15);
    assert_true(ormc_is_error(ORMC_COMMIT_UNKNOWN));
    for (int i = 0; i < ORMC__STATUS_COUNT; i++)
        assert_true(strlen(ormc_strstatus(i)) > 0);
    /* ormc_counters keeps its size when a code is appended */
    ormc_counters c;
    assert_int_equal(sizeof c.errors / sizeof c.errors[0],
                     ORMC_STATS_ERRORS_MAX);
    assert_true(ORMC__STATUS_COUNT <= ORMC_STATS_ERRORS_MAX);
}

static int body(ormc_db *db, void *ctx)
{
    (void)db;
    (void)ctx;
    return ORMC_OK;
}

/* Misuse returns errors, never crashes. */
static void test_null_handles(void **state)
{
    (void)state;
    ormc_counters s;
    ormc_result *res = (ormc_result *)&s;
    int64_t n = 7;
    assert_int_equal(ormc_open("sqlite::memory:", NULL), ORMC_INVALID);
    assert_int_equal(ormc_begin(NULL), ORMC_INVALID);
    assert_int_equal(ormc_commit(NULL), ORMC_INVALID);
    assert_int_equal(ormc_rollback(NULL), ORMC_INVALID);
    ormc_tx_state tx = ORMC_TX_FAILED;
    assert_int_equal(ormc_tx_state_of(NULL, &tx), ORMC_INVALID);
    assert_int_equal(tx, ORMC_TX_FAILED);
    assert_int_equal(ormc_transaction(NULL, NULL, body, NULL), ORMC_INVALID);
    assert_int_equal(ormc_exec(NULL, "SELECT 1", NULL, 0, &n), ORMC_INVALID);
    assert_int_equal(n, 0);
    assert_int_equal(ormc_query(NULL, "SELECT 1", NULL, 0, &res), ORMC_INVALID);
    assert_null(res);
    assert_int_equal(ormc_stats(NULL, &s), ORMC_INVALID);
    assert_int_equal(ormc_result_next(NULL), ORMC_INVALID);
    assert_int_equal(ormc_result_columns(NULL), 0);
    assert_null(ormc_result_text(NULL, 0));
    assert_true(strlen(ormc_errmsg(NULL)) > 0);
    assert_string_equal(ormc_sqlstate(NULL), "");
    assert_string_equal(ormc_errconstraint(NULL), "");
    ormc_close(NULL);
    ormc_result_close(NULL);
    ormc_set_trace(NULL, NULL, NULL);
    ormc_row_free(NULL, NULL);
}

static void test_misuse_on_a_connection(void **state)
{
    (void)state;
    ormc_db *db;
    assert_int_equal(ormc_open("sqlite::memory:", &db), ORMC_OK);
    assert_int_equal(ormc_commit(db), ORMC_INVALID);
    assert_true(strstr(ormc_errmsg(db), "no transaction") != NULL);
    assert_int_equal(ormc_rollback(db), ORMC_INVALID);
    assert_int_equal(ormc_transaction(db, NULL, NULL, NULL), ORMC_INVALID);
    ormc_retry_options ro = ORMC_RETRY_OPTIONS_INIT;
    ro.max_attempts = 0;
    assert_int_equal(ormc_transaction(db, &ro, body, NULL), ORMC_INVALID);
    ormc_tx_options bad = {(ormc_isolation)42, false};
    assert_int_equal(ormc_begin_with(db, &bad), ORMC_INVALID);
    assert_int_equal(ormc_exec(db, NULL, NULL, 0, NULL), ORMC_INVALID);
    assert_int_equal(ormc_exec(db, "SELECT $1", NULL, 0, NULL), ORMC_INVALID);
    assert_int_equal(ormc_exec(db, "SELECT $0", NULL, 0, NULL), ORMC_INVALID);
    ormc_param p = {ORMC_TYPE_BIGINT, false, {.i64 = 1}};
    assert_int_equal(ormc_exec(db, "SELECT 1", &p, 1, NULL), ORMC_INVALID);
    assert_string_equal(ormc_sqlstate(db), "08P01");
    /* nothing was sent, so no transaction is open */
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_int_equal(ormc_exec(db, "SELECT 1", NULL, 0, NULL), ORMC_OK);
    assert_string_equal(ormc_errmsg(db), "");
    ormc_close(db);
}

static void test_bad_urls(void **state)
{
    (void)state;
    ormc_db *db = NULL;
    assert_int_equal(ormc_open("mysql://root:hunter2@localhost/x", &db),
                     ORMC_INVALID);
    assert_non_null(db);
    assert_null(strstr(ormc_errmsg(db), "hunter2"));
    ormc_close(db);
    assert_int_equal(ormc_open(NULL, &db), ORMC_INVALID);
    ormc_close(db);
    assert_int_equal(ormc_open("sqlite:", &db), ORMC_INVALID);
    ormc_close(db);
    assert_int_equal(ormc_open("sqlite::memory:?autocommit=perhaps", &db),
                     ORMC_INVALID);
    assert_true(strstr(ormc_errmsg(db), "autocommit") != NULL);
    ormc_close(db);
    assert_int_equal(
        ormc_open("postgresql://u:hunter2@h/db?autocommit=perhaps", &db),
        ORMC_INVALID);
    assert_null(strstr(ormc_errmsg(db), "hunter2"));
    ormc_close(db);
    assert_int_equal(ormc_open("postgresql://u:hunter2@h/db?bogus=1", &db),
                     ORMC_INVALID);
    assert_null(strstr(ormc_errmsg(db), "hunter2"));
    ormc_close(db);
}

/* A connection that fails never shows the password, whichever form the
 * URL takes. */
static void test_password_not_in_connect_errors(void **state)
{
    (void)state;
    static const char *const urls[] = {
        "postgresql://alice:hunter2@/nodb?host=/nonexistent-ormc-dir",
        "host=/nonexistent-ormc-dir user=alice password=hunter2 dbname=x",
        "postgresql://alice:hunter2@/hunter2?host=/nonexistent-ormc-dir",
    };
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        ormc_db *db = NULL;
        int rc = ormc_open(urls[i], &db);
        assert_int_equal(rc, ORMC_CONNECTION);
        assert_non_null(db);
        assert_true(strlen(ormc_errmsg(db)) > 0);
        assert_null(strstr(ormc_errmsg(db), "hunter2"));
        assert_string_equal(ormc_sqlstate(db), "08001");
        /* later calls fail the same way, and stay scrubbed */
        assert_int_equal(ormc_exec(db, "SELECT 1", NULL, 0, NULL),
                         ORMC_CONNECTION);
        assert_null(strstr(ormc_errmsg(db), "hunter2"));
        ormc_close(db);
    }
}

static void test_sqlite_urls(void **state)
{
    (void)state;
    ormc_db *db;
    char url[256], path[200];
    snprintf(path, sizeof path, "/tmp/ormc-url-%ld.db", (long)getpid());
    snprintf(url, sizeof url, "sqlite://%s?busy_timeout=10&mode=rwc", path);
    assert_int_equal(ormc_open(url, &db), ORMC_OK);
    assert_int_equal(ormc_backend_of(db), ORMC_SQLITE);
    assert_int_equal(ormc_exec(db, "CREATE TABLE t (x)", NULL, 0, NULL),
                     ORMC_OK);
    assert_int_equal(ormc_commit(db), ORMC_OK);
    ormc_close(db);
    snprintf(url, sizeof url, "sqlite:%s?mode=ro", path);
    assert_int_equal(ormc_open(url, &db), ORMC_OK);
    assert_int_equal(ormc_exec(db, "INSERT INTO t VALUES (1)", NULL, 0, NULL),
                     ORMC_ERROR);
    assert_string_equal(ormc_sqlstate(db), "25006");
    ormc_close(db);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_format),
        cmocka_unit_test(test_time_format_sweep),
        cmocka_unit_test(test_time_parse_forms),
        cmocka_unit_test(test_time_parse_canonical),
        cmocka_unit_test(test_time_extremes),
        cmocka_unit_test(test_uuid),
        cmocka_unit_test(test_strstatus),
        cmocka_unit_test(test_null_handles),
        cmocka_unit_test(test_misuse_on_a_connection),
        cmocka_unit_test(test_bad_urls),
        cmocka_unit_test(test_password_not_in_connect_errors),
        cmocka_unit_test(test_sqlite_urls),
    };
    return cmocka_run_group_tests_name("runtime_values", tests, NULL, NULL);
}
