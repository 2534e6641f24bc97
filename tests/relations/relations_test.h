/*
 * relations_test.h: what the relation tests share (test_relations.c,
 * test_batches.c): counting the statements a call sends, and comparing
 * lists of rows by key.
 */
#ifndef RELATIONS_TEST_H
#define RELATIONS_TEST_H

#include <string.h>

#include "chinook.h"
#include "ormc_test.h"

/* The statements a connection sent while the counter was installed, less
 * the transaction control ormc sends on its own (BEGIN, COMMIT, SAVEPOINT
 * ...), so that a count is the statements a call needed. */
typedef struct stmt_counter {
    int statements;
    int64_t rows; /* rows the counted statements returned */
} stmt_counter;

static inline bool is_tx_control(const char *sql)
{
    static const char *const words[] = {"BEGIN",   "COMMIT",    "ROLLBACK",
                                        "RELEASE", "SAVEPOINT", "END"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strncmp(sql, words[i], strlen(words[i])) == 0)
            return true;
    return false;
}

static inline void count_statement(void *ctx, const ormc_trace_event *ev)
{
    stmt_counter *c = ctx;
    if (is_tx_control(ev->sql))
        return;
    c->statements++;
    c->rows += ev->rows;
}

/* Start counting the statements db sends into *c (zeroed). */
static inline void counter_start(ormc_db *db, stmt_counter *c)
{
    memset(c, 0, sizeof *c);
    ormc_set_trace(db, count_statement, c);
}

static inline void counter_stop(ormc_db *db)
{
    ormc_set_trace(db, NULL, NULL);
}

/* The rows at items (count of them, each with an int64 `id`) have exactly
 * the ids listed, in that order. */
#define assert_ids(items, count, ...)                                          \
    do {                                                                       \
        const int64_t want_[] = {__VA_ARGS__};                                 \
        size_t n_ = sizeof want_ / sizeof want_[0];                            \
        assert_int_equal((count), n_);                                         \
        for (size_t i_ = 0; i_ < n_; i_++)                                     \
            assert_int_equal((items)[i_].id, want_[i_]);                       \
    } while (0)

/* ceil(n / ORMC_RELATION_BATCH): the most statements a loader may send
 * for n distinct keys. */
static inline int max_batches(size_t n)
{
    return (int)((n + ORMC_RELATION_BATCH - 1) / ORMC_RELATION_BATCH);
}

#endif
