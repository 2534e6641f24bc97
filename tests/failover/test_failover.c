/*
 * test_failover.c: increments through an ormc pool while pg_auto_failover
 * switches the primary twice (docs/scale-out.md, "Automatic failover").
 *
 * tests/with-auto-failover runs this program beside a monitor, a primary
 * and a secondary on loopback: ORMC_TEST_FAILOVER_URL lists both nodes
 * with target_session_attrs=read-write, ORMC_TEST_FAILOVER_CTL failover
 * runs `pg_autoctl perform failover`. Four threads each take a pool
 * connection per increment and run it with ormc_transaction, serializable:
 * add 1 to the one counter row, and store the increment's own request id
 * in the same transaction. Meanwhile the primary moves to the other node
 * and back.
 *
 * The accounting afterwards is exact: the counter equals the increments
 * reported committed plus those reported ORMC_COMMIT_UNKNOWN whose request
 * id is in the table; every committed id is there, every failed one is
 * not, and each unknown one is counted as present or absent. The counts
 * are printed: attempted / committed / unknown / failed / retried.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "ormc_test.h"

#define THREADS 4
#define KEY_LEN 24

typedef struct keys {
    char (*k)[KEY_LEN];
    size_t n, cap;
} keys;

static void keys_add(keys *ks, const char *key)
{
    if (ks->n == ks->cap) {
        ks->cap = ks->cap ? ks->cap * 2 : 256;
        ks->k = realloc(ks->k, ks->cap * sizeof *ks->k);
        if (!ks->k)
            abort();
    }
    snprintf(ks->k[ks->n++], KEY_LEN, "%s", key);
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

static bool keys_has(const keys *ks, const char *key)
{
    return bsearch(key, ks->k, ks->n, sizeof *ks->k, key_cmp) != NULL;
}

typedef struct worker {
    int id;
    ormc_pool *pool;
    long attempted, retried, acquire_failed;
    keys committed, unknown, failed;
    int last_failure;       /* the status of the last failed increment */
    char last_message[256]; /* and its message */
} worker;

static atomic_bool stop;
static atomic_long committed_total;

typedef struct increment {
    const char *key;
    int runs; /* how often the body ran: 1 + the retries */
} increment;

static int increment_body(ormc_db *db, void *arg)
{
    increment *inc = arg;
    inc->runs++;
    int rc = ormc_exec(db, "UPDATE counter SET n = n + 1 WHERE id = 1", NULL, 0,
                       NULL);
    if (rc != ORMC_OK)
        return rc;
    ormc_param p = {ORMC_TYPE_TEXT, false, {.text = inc->key}};
    return ormc_exec(db, "INSERT INTO request (id) VALUES ($1)", &p, 1, NULL);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void *work(void *arg)
{
    worker *w = arg;
    /* retries enough to span a failover: the new primary takes seconds to
     * appear, and each attempt first tries to connect */
    ormc_retry_options ro = ORMC_RETRY_OPTIONS_INIT;
    ro.tx.isolation = ORMC_SERIALIZABLE;
    ro.max_attempts = 200;
    ro.base_delay_ms = 20;
    ro.max_delay_ms = 500;
    for (long i = 0; !atomic_load(&stop); i++) {
        ormc_db *db;
        if (ormc_pool_acquire(w->pool, 10000, &db) != ORMC_OK) {
            /* no connection could be made: nothing was attempted */
            w->acquire_failed++;
            sleep_ms(100);
            continue;
        }
        char key[KEY_LEN];
        snprintf(key, sizeof key, "w%d-%ld", w->id, i);
        increment inc = {key, 0};
        w->attempted++;
        int rc = ormc_transaction(db, &ro, increment_body, &inc);
        w->retried += inc.runs > 1 ? inc.runs - 1 : 0;
        if (rc == ORMC_OK) {
            keys_add(&w->committed, key);
            atomic_fetch_add(&committed_total, 1);
        } else if (rc == ORMC_COMMIT_UNKNOWN) {
            keys_add(&w->unknown, key);
        } else {
            keys_add(&w->failed, key);
            w->last_failure = rc;
            snprintf(w->last_message, sizeof w->last_message, "%s",
                     ormc_errmsg(db));
        }
        ormc_pool_release(w->pool, db);
    }
    return NULL;
}

static ormc_db *open_direct(const char *url)
{
    ormc_options o = ORMC_OPTIONS_INIT;
    o.autocommit = 1;
    ormc_db *db;
    int rc = ormc_open_with(url, &o, &db);
    if (rc != ORMC_OK)
        fail_msg("ormc_open: %s", ormc_errmsg(db));
    return db;
}

static int64_t query_int(ormc_db *db, const char *sql, const char *arg)
{
    ormc_param p = {ORMC_TYPE_TEXT, false, {.text = arg}};
    ormc_result *res;
    assert_ok(db, ormc_query(db, sql, arg ? &p : NULL, arg ? 1 : 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    int64_t v = ormc_result_int64(res, 0);
    ormc_result_close(res);
    return v;
}

/* The port of the node that is the primary now. */
static int64_t primary_port(const char *url)
{
    ormc_db *db = open_direct(url);
    int64_t port = query_int(db, "SELECT inet_server_port()", NULL);
    ormc_close(db);
    return port;
}

/* Set when the control script saw pg_auto_failover itself let the old
 * primary acknowledge commits the new one never got (its exit status 3):
 * a lost commit is then the failover's, not ormc's, and the failure says
 * so. */
static bool ha_lost_writes;

static void failover(const char *ctl)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "'%s' failover", ctl);
    int rc = system(cmd);
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 3) {
        ha_lost_writes = true;
        return;
    }
    if (rc != 0)
        fail_msg("%s failover: exit status %d (its log: failover.log beside "
                 "it)",
                 ctl, rc);
}

/* One round: the table made anew, four workers, two failovers, the
 * accounting. Returns true when the round was spoiled by
 * pg_auto_failover itself: the control script saw the monitor let the old
 * primary take writes without a synchronous standby, and commits it
 * acknowledged are missing. Any other difference fails the test. */
static bool run_round(const char *url, const char *ctl)
{
    time_t t0 = time(NULL);
    ha_lost_writes = false;
    atomic_store(&stop, false);
    atomic_store(&committed_total, 0);

    ormc_db *db = open_direct(url);
    ormc_test_exec(db, "DROP TABLE IF EXISTS counter, request");
    ormc_test_exec(db, "CREATE TABLE counter (id integer PRIMARY KEY, "
                       "n bigint NOT NULL)");
    ormc_test_exec(db, "INSERT INTO counter VALUES (1, 0)");
    ormc_test_exec(db, "CREATE TABLE request (id text PRIMARY KEY)");
    ormc_close(db);

    ormc_pool_options po = ORMC_POOL_OPTIONS_INIT;
    po.size = THREADS;
    po.max_overflow = 0;
    ormc_pool *pool;
    if (ormc_pool_open(url, &po, &pool) != ORMC_OK)
        fail_msg("ormc_pool_open: %s", ormc_pool_errmsg());

    worker w[THREADS];
    pthread_t th[THREADS];
    memset(w, 0, sizeof w);
    for (int i = 0; i < THREADS; i++) {
        w[i].id = i;
        w[i].pool = pool;
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }

    int64_t first = primary_port(url);
    sleep_ms(1000);
    long before = atomic_load(&committed_total);
    failover(ctl);
    int64_t second = primary_port(url);
    sleep_ms(1000);
    long between = atomic_load(&committed_total);
    failover(ctl);
    int64_t third = primary_port(url);
    sleep_ms(1000);
    atomic_store(&stop, true);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    long after = atomic_load(&committed_total);
    ormc_pool_counters pc;
    assert_int_equal(ormc_pool_stats(pool, &pc), ORMC_OK);
    ormc_pool_close(pool);

    /* the primary did move, and back */
    assert_int_not_equal(first, second);
    assert_int_equal(first, third);
    /* increments went on after each failover */
    assert_true(before > 0);
    assert_true(between > before);
    assert_true(after > between);

    /* the accounting, on whichever node is the primary now: the request
     * ids stored, sorted, looked up in memory */
    db = open_direct(url);
    keys stored = {0};
    ormc_result *res;
    assert_ok(db, ormc_query(db, "SELECT id FROM request", NULL, 0, &res));
    int step;
    while ((step = ormc_result_next(res)) == ORMC_ROW)
        keys_add(&stored, ormc_result_text(res, 0));
    assert_int_equal(step, ORMC_DONE);
    ormc_result_close(res);
    qsort(stored.k, stored.n, sizeof *stored.k, key_cmp);
    long attempted = 0, committed = 0, unknown = 0, failed = 0, retried = 0;
    long present = 0, acquire_failed = 0, missing = 0;
    for (int i = 0; i < THREADS; i++) {
        attempted += w[i].attempted;
        retried += w[i].retried;
        acquire_failed += w[i].acquire_failed;
        committed += (long)w[i].committed.n;
        unknown += (long)w[i].unknown.n;
        failed += (long)w[i].failed.n;
        for (size_t k = 0; k < w[i].committed.n; k++)
            if (!keys_has(&stored, w[i].committed.k[k])) {
                missing++;
                if (!ha_lost_writes)
                    fail_msg("%s was reported committed and is not there",
                             w[i].committed.k[k]);
            }
        for (size_t k = 0; k < w[i].failed.n; k++)
            if (keys_has(&stored, w[i].failed.k[k]))
                fail_msg("%s was reported failed and is there",
                         w[i].failed.k[k]);
        for (size_t k = 0; k < w[i].unknown.n; k++)
            present += keys_has(&stored, w[i].unknown.k[k]);
    }
    int64_t counter = query_int(db, "SELECT n FROM counter WHERE id = 1", NULL);
    int64_t rows = (int64_t)stored.n;
    ormc_close(db);
    free(stored.k);

    printf("failover: attempted %ld, committed %ld, unknown %ld (%ld "
           "committed, %ld not), failed %ld, retried %ld; %ld acquires "
           "found no server; pool: %llu connections made, %llu dead ones "
           "replaced; primary on port %lld, then %lld, then %lld; %ld s\n",
           attempted, committed, unknown, present, unknown - present, failed,
           retried, acquire_failed, (unsigned long long)pc.created,
           (unsigned long long)pc.replaced_dead, (long long)first,
           (long long)second, (long long)third, (long)(time(NULL) - t0));
    if (ha_lost_writes)
        printf("failover: pg_auto_failover let the old primary take writes "
               "without a synchronous standby during a failover\n");
    for (int i = 0; i < THREADS; i++)
        if (w[i].failed.n)
            printf("failover: worker %d's last failure: %s: %s\n", i,
                   ormc_strstatus(w[i].last_failure), w[i].last_message);

    bool spoiled = missing > 0;
    if (spoiled)
        printf("failover: %ld commits acknowledged by the old primary were "
               "lost by the failover (see monitor.log)\n",
               missing);
    assert_int_equal(attempted, committed + unknown + failed);
    if (!spoiled)
        assert_int_equal(counter, committed + present);
    assert_int_equal(rows, counter);
    /* a failover is no reason to give up an increment: the retries span
     * it */
    assert_int_equal(failed, 0);
    for (int i = 0; i < THREADS; i++) {
        free(w[i].committed.k);
        free(w[i].unknown.k);
        free(w[i].failed.k);
    }
    return spoiled;
}

/* pg_auto_failover 2.0 loses acknowledged commits now and then (the
 * monitor's race above, which its log shows): such a round proves nothing
 * of ormc's, so it is run once more, and that round must be exact. */
static void test_increments_through_two_failovers(void **state)
{
    (void)state;
    const char *url = getenv("ORMC_TEST_FAILOVER_URL");
    const char *ctl = getenv("ORMC_TEST_FAILOVER_CTL");
    if (!run_round(url, ctl))
        return;
    printf("failover: pg_auto_failover lost acknowledged commits in that "
           "round; once more\n");
    if (run_round(url, ctl))
        fail_msg("pg_auto_failover lost acknowledged commits in two rounds "
                 "running (its monitor's race: see monitor.log)");
}

int main(void)
{
    if (!getenv("ORMC_TEST_FAILOVER_URL") ||
        !getenv("ORMC_TEST_FAILOVER_CTL")) {
        fprintf(stderr, "failover_pg_auto_failover: ORMC_TEST_FAILOVER_URL "
                        "is not set (run through tests/with-auto-failover, "
                        "with pg_autoctl installed)\n");
        if (ormc_test_in_ci())
            return 1;
        fprintf(stderr, "*** SKIPPING failover_pg_auto_failover ***\n");
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_increments_through_two_failovers),
    };
    return cmocka_run_group_tests_name("failover_pg_auto_failover", tests, NULL,
                                       NULL);
}
