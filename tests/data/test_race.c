/*
 * test_race.c: find-or-create from 8 threads on 8 connections, all on the
 * same key at the same moment: exactly one row, exactly one caller told
 * created, the same id everywhere; outside a transaction and inside open
 * ones, which stay usable. On PostgreSQL (the acceptance) and on SQLite.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_tables.h"

#define N_THREADS 8
#define N_ROUNDS 12

typedef struct racer {
    ormc_db *db;
    pthread_barrier_t *barrier;
    int index;
    const char *code; /* the contended key */
    bool in_tx;       /* inside an explicit transaction */
    int rc_begin, rc, rc_after, rc_commit;
    bool created;
    int64_t id;
    char msg[256];
} racer;

static void *run(void *arg)
{
    racer *r = arg;
    r->rc_begin = r->rc_after = ORMC_OK;
    if (r->in_tx)
        r->rc_begin = ormc_begin(r->db);
    pthread_barrier_wait(r->barrier);
    test_order o = {0};
    o.code = r->code;
    o.note = "racer";
    r->created = false;
    r->rc = ormc_row_find_or_create(r->db, &test_order_table, &o,
                                    ORMC_COLUMN_BIT(ORDER_CODE), &r->created);
    snprintf(r->msg, sizeof r->msg, "%s", ormc_errmsg(r->db));
    r->id = o.id;
    ormc_row_free(&test_order_table, &o);
    if (r->in_tx && r->rc == ORMC_OK) {
        /* the transaction goes on */
        char own[32];
        snprintf(own, sizeof own, "%s/own%d", r->code, r->index);
        test_order mine = {0};
        mine.code = own;
        r->rc_after = ormc_row_insert(r->db, &test_order_table, &mine);
    }
    r->rc_commit = ormc_commit(r->db);
    return NULL;
}

static void race(void **state, bool in_tx)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    ormc_db *conns[N_THREADS];
    for (int i = 0; i < N_THREADS; i++)
        conns[i] = ormc_test_open_another();
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, N_THREADS);

    for (int round = 0; round < N_ROUNDS; round++) {
        char code[16];
        snprintf(code, sizeof code, "key%d", round);
        racer r[N_THREADS];
        pthread_t th[N_THREADS];
        memset(r, 0, sizeof r);
        for (int i = 0; i < N_THREADS; i++) {
            r[i].db = conns[i];
            r[i].barrier = &barrier;
            r[i].index = i;
            r[i].code = code;
            r[i].in_tx = in_tx;
            assert_int_equal(pthread_create(&th[i], NULL, run, &r[i]), 0);
        }
        for (int i = 0; i < N_THREADS; i++)
            pthread_join(th[i], NULL);
        int created = 0;
        for (int i = 0; i < N_THREADS; i++) {
            if (r[i].rc != ORMC_OK)
                fail_msg("round %d thread %d: %s: %s", round, i,
                         ormc_strstatus(r[i].rc), r[i].msg);
            assert_int_equal(r[i].rc_begin, ORMC_OK);
            assert_int_equal(r[i].rc_after, ORMC_OK);
            assert_int_equal(r[i].rc_commit, ORMC_OK);
            assert_true(r[i].id > 0);
            assert_int_equal(r[i].id, r[0].id);
            created += r[i].created;
        }
        assert_int_equal(created, 1);

        ormc_builder q;
        ormc_builder_init(&q, &test_order_table);
        ormc_param p = data_text(code);
        ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_CODE), ORMC_EQ, &p);
        int64_t n = 0;
        assert_ok(db, ormc_builder_count(db, &q, &n));
        assert_int_equal(n, 1);
        ormc_builder_free(&q);
        ormc_rollback(db);
    }
    int64_t want = N_ROUNDS * (in_tx ? N_THREADS + 1 : 1);
    assert_int_equal(data_count_rows(db, "orders"), want);
    ormc_rollback(db);
    pthread_barrier_destroy(&barrier);
    for (int i = 0; i < N_THREADS; i++)
        ormc_close(conns[i]);
}

static void test_find_or_create_race(void **state)
{
    race(state, false);
}

static void test_find_or_create_race_in_transactions(void **state)
{
    race(state, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_find_or_create_race),
        ORMC_BACKEND_TEST(test_find_or_create_race_in_transactions),
    };
    return ormc_test_run_backends("data_race", tests);
}
