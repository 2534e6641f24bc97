/*
 * pool_util.c: helpers shared by the pool tests.
 */
#define _POSIX_C_SOURCE 200809L

#include "pool_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t pu_int(ormc_db *db, const char *sql)
{
    ormc_result *res;
    assert_ok(db, ormc_query(db, sql, NULL, 0, &res));
    int rc = ormc_result_next(res);
    if (rc != ORMC_ROW)
        fail_msg("%s: %s: %s", sql, ormc_strstatus(rc), ormc_errmsg(db));
    int64_t v = ormc_result_int64(res, 0);
    ormc_result_close(res);
    return v;
}

void pu_text(ormc_db *db, const char *sql, char *buf, size_t size)
{
    ormc_result *res;
    assert_ok(db, ormc_query(db, sql, NULL, 0, &res));
    int rc = ormc_result_next(res);
    if (rc != ORMC_ROW)
        fail_msg("%s: %s: %s", sql, ormc_strstatus(rc), ormc_errmsg(db));
    const char *s = ormc_result_text(res, 0);
    snprintf(buf, size, "%s", s ? s : "(null)");
    ormc_result_close(res);
}

int64_t pu_backend_pid(ormc_db *db)
{
    return pu_int(db, "SELECT pg_backend_pid()");
}

void pu_kill_backend(int64_t pid)
{
    ormc_options o = ORMC_OPTIONS_INIT;
    o.autocommit = 1;
    ormc_db *admin = NULL;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &admin), ORMC_OK);
    ormc_param p = {.type = ORMC_TYPE_BIGINT};
    p.u.i64 = pid;
    ormc_result *res;
    assert_ok(admin, ormc_query(admin, "SELECT pg_terminate_backend($1::int)",
                                &p, 1, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    assert_true(ormc_result_bool(res, 0));
    ormc_result_close(res);
    for (int i = 0; i < 500; i++) {
        assert_ok(admin, ormc_query(admin,
                                    "SELECT count(*) FROM pg_stat_activity "
                                    "WHERE pid = $1::int",
                                    &p, 1, &res));
        assert_int_equal(ormc_result_next(res), ORMC_ROW);
        int64_t n = ormc_result_int64(res, 0);
        ormc_result_close(res);
        if (n == 0)
            break;
        pu_sleep_ms(10);
    }
    ormc_close(admin);
    pu_sleep_ms(20); /* the socket's end reaches the client */
}

ormc_pool *pu_pool(const ormc_pool_options *opts)
{
    ormc_pool *pool = NULL;
    int rc = ormc_pool_open(ormc_test_url(), opts, &pool);
    if (rc != ORMC_OK)
        fail_msg("ormc_pool_open: %s: %s", ormc_strstatus(rc),
                 ormc_pool_errmsg());
    return pool;
}

ormc_db *pu_acquire(ormc_pool *pool)
{
    ormc_db *db = NULL;
    int rc = ormc_pool_acquire(pool, 10000, &db);
    if (rc != ORMC_OK)
        fail_msg("ormc_pool_acquire: %s: %s", ormc_strstatus(rc),
                 ormc_pool_errmsg());
    return db;
}

ormc_pool_counters pu_stats(ormc_pool *pool)
{
    ormc_pool_counters s;
    assert_int_equal(ormc_pool_stats(pool, &s), ORMC_OK);
    return s;
}

void pu_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {}
}

int64_t pu_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void pu_run_threads(int n, void *(*fn)(void *), void *args, size_t arg_size)
{
    pthread_t *t = calloc((size_t)n, sizeof *t);
    assert_non_null(t);
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_create(&t[i], NULL, fn,
                                        (char *)args + (size_t)i * arg_size),
                         0);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    free(t);
}
