/*
 * pool_util.h: small helpers shared by the pool tests.
 */
#ifndef POOL_UTIL_H
#define POOL_UTIL_H

#include <stdint.h>

#include "ormc_test.h"

/* The first column of the first row of sql as an integer / as text (into
 * buf). Fail the test on error or when there is no row. */
int64_t pu_int(ormc_db *db, const char *sql);
void pu_text(ormc_db *db, const char *sql, char *buf, size_t size);

/* The server process of db (PostgreSQL). */
int64_t pu_backend_pid(ormc_db *db);

/* Terminate backend pid from another connection and wait until it is
 * gone. */
void pu_kill_backend(int64_t pid);

/* A pool on the current test database; opts may be NULL. */
ormc_pool *pu_pool(const ormc_pool_options *opts);

/* Acquire or fail the test. */
ormc_db *pu_acquire(ormc_pool *pool);

/* The pool's counters. */
ormc_pool_counters pu_stats(ormc_pool *pool);

/* Sleep ms milliseconds. */
void pu_sleep_ms(int ms);

/* Monotonic milliseconds. */
int64_t pu_now_ms(void);

/* Start n threads running fn(arg_i) (args: an array of elements of size
 * arg_size) and join them. */
void pu_run_threads(int n, void *(*fn)(void *), void *args, size_t arg_size);

#endif
