/*
 * tenants.c: one pool, several threads, several tenants, each in its own
 * PostgreSQL schema, all through the generated API of schema/shop.lua.
 *
 * Every "request" takes a connection from the pool, switches it to its
 * tenant with ormc_use_tenant, adds a product and counts what the tenant
 * sees, then gives the connection back (the pool resets it, so the next
 * request starts clean whatever tenant it serves). At the end every tenant
 * must hold exactly its own products: the generated code is the same for
 * all of them, only the search_path differs.
 *
 *   ORMC_URL=postgresql://localhost/mydb ./ormc_tenants [threads] [requests]
 *
 * Without ORMC_URL it uses ORMC_TEST_PG_URL (the test suite's server).
 * Exit status: 0 when every tenant saw only its own rows, 1 otherwise, 2 on
 * bad usage, 77 (skipped, for ctest) when no PostgreSQL URL is given.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ormc.h"
#include "shop.h"

static const char *const tenants[] = {"acme", "globex", "initech", "umbrella"};
#define N_TENANTS (sizeof tenants / sizeof tenants[0])

typedef struct worker {
    ormc_pool *pool;
    int id, requests;
    int served[N_TENANTS]; /* products this worker added, per tenant */
    int failures;
    char error[300];
} worker;

/* Note a failed request (the first one's reason is kept); returns rc. */
static int failed(worker *w, int rc, const char *what, const char *why)
{
    if (w->failures++ == 0)
        snprintf(w->error, sizeof w->error, "%s: %s", what, why);
    return rc;
}

/* One request: a new product in `tenant`, then a look at what the tenant
 * sees. The connection is exclusively ours until released. */
static int serve(worker *w, ormc_db *db, size_t t, int n)
{
    const char *tenant = tenants[t];
    int rc = ormc_use_tenant(db, tenant, 0);
    if (rc != ORMC_OK)
        return failed(w, rc, "use_tenant", ormc_errmsg(db));

    char sku[32], title[64], mine[40];
    snprintf(sku, sizeof sku, "%.8s-%d-%d", tenant, w->id, n);
    snprintf(title, sizeof title, "%s's product no. %d", tenant, n);
    shop_product p;
    shop_product_init(&p);
    p.sku = sku;
    p.title = title;
    p.price_cents = 100 + n;
    if ((rc = shop_product_insert(db, &p)) != ORMC_OK ||
        (rc = ormc_commit(db)) != ORMC_OK)
        return failed(w, rc, "insert", ormc_errmsg(db));

    /* everything the tenant sees must carry its name: both counts from
     * one snapshot, while other requests keep adding rows */
    int64_t all = 0, own = 0;
    ormc_tx_options snapshot = {ORMC_REPEATABLE_READ, true};
    shop_product_query q;
    shop_product_query_init(&q);
    rc = ormc_begin_with(db, &snapshot);
    if (rc == ORMC_OK)
        rc = shop_product_count(db, &q, &all);
    snprintf(mine, sizeof mine, "%.8s-%%", tenant);
    shop_product_where_sku(&q, ORMC_LIKE, mine);
    if (rc == ORMC_OK)
        rc = shop_product_count(db, &q, &own);
    if (rc == ORMC_OK)
        rc = ormc_commit(db);
    shop_product_query_free(&q);
    if (rc != ORMC_OK)
        return failed(w, rc, "count", ormc_errmsg(db));
    if (own != all) {
        char why[96];
        snprintf(why, sizeof why, "%s sees %lld rows of other tenants", tenant,
                 (long long)(all - own));
        return failed(w, ORMC_ERROR, "isolation", why);
    }
    w->served[t]++;
    return ORMC_OK;
}

static void *work(void *arg)
{
    worker *w = arg;
    for (int n = 0; n < w->requests; n++) {
        ormc_db *db;
        int rc = ormc_pool_acquire(w->pool, -1, &db);
        if (rc != ORMC_OK) {
            failed(w, rc, "acquire", ormc_pool_errmsg());
            continue;
        }
        serve(w, db, (size_t)(w->id + n) % N_TENANTS, n);
        ormc_pool_release(w->pool, db); /* rolls back what a failure left */
    }
    return NULL;
}

/* Give every tenant its schema and an empty set of tables. */
static int provision(ormc_pool *pool)
{
    ormc_db *db;
    int rc = ormc_pool_acquire(pool, -1, &db);
    if (rc != ORMC_OK) {
        fprintf(stderr, "acquire: %s\n", ormc_pool_errmsg());
        return rc;
    }
    for (size_t t = 0; t < N_TENANTS && rc == ORMC_OK; t++) {
        ormc_tx_state st = ORMC_TX_IDLE;
        if ((rc = ormc_use_tenant(db, tenants[t], ORMC_TENANT_CREATE)) ==
                ORMC_OK &&
            (rc = shop_schema_drop(db)) == ORMC_OK && /* a fresh start */
            (rc = shop_schema_create(db)) == ORMC_OK &&
            (rc = ormc_tx_state_of(db, &st)) == ORMC_OK &&
            st != ORMC_TX_IDLE) /* create may commit */
            rc = ormc_commit(db);
        if (rc != ORMC_OK)
            fprintf(stderr, "tenant %s: %s\n", tenants[t], ormc_errmsg(db));
    }
    ormc_pool_release(pool, db);
    return rc;
}

/* Count each tenant's products from a fresh look, and compare. */
static int verify(ormc_pool *pool, const int expected[N_TENANTS])
{
    ormc_db *db;
    int rc = ormc_pool_acquire(pool, -1, &db);
    if (rc != ORMC_OK)
        return rc;
    int bad = 0;
    printf("%-10s %8s %8s\n", "tenant", "expected", "found");
    for (size_t t = 0; t < N_TENANTS; t++) {
        int64_t n = -1;
        shop_product_query q;
        shop_product_query_init(&q);
        if (ormc_use_tenant(db, tenants[t], 0) != ORMC_OK ||
            shop_product_count(db, &q, &n) != ORMC_OK ||
            ormc_rollback(db) != ORMC_OK)
            fprintf(stderr, "%s: %s\n", tenants[t], ormc_errmsg(db));
        shop_product_query_free(&q);
        printf("%-10s %8d %8lld\n", tenants[t], expected[t], (long long)n);
        bad += n != expected[t];
    }
    char **names = NULL;
    size_t count = 0;
    if (ormc_list_tenants(db, NULL, &names, &count) == ORMC_OK) {
        printf("tenant schemas in the database:");
        for (size_t i = 0; i < count; i++)
            printf(" %s", names[i]);
        printf("\n");
        ormc_tenant_list_free(names);
    }
    ormc_pool_release(pool, db);
    return bad ? ORMC_ERROR : ORMC_OK;
}

int main(int argc, char **argv)
{
    const char *url = getenv("ORMC_URL");
    if (!url || !*url)
        url = getenv("ORMC_TEST_PG_URL"); /* the test suite's server */
    if (!url || !*url || strncmp(url, "sqlite:", 7) == 0) {
        fprintf(stderr,
                "usage: ORMC_URL=postgresql://... %s [threads] "
                "[requests]\n(schemas per tenant need PostgreSQL)\n",
                argv[0]);
        return 77;
    }
    int threads = argc > 1 ? atoi(argv[1]) : 8;
    int requests = argc > 2 ? atoi(argv[2]) : 50;
    if (threads < 1 || threads > 256 || requests < 0) {
        fprintf(stderr, "%s: 1 to 256 threads, requests >= 0\n", argv[0]);
        return 2;
    }

    ormc_pool_options opts = ORMC_POOL_OPTIONS_INIT;
    opts.size = 4; /* fewer connections than threads: they take turns */
    opts.max_overflow = 0;
    opts.conn.application_name = "ormc_tenants";
    opts.conn.statement_timeout_ms = 10000;
    ormc_pool *pool;
    if (ormc_pool_open(url, &opts, &pool) != ORMC_OK) {
        fprintf(stderr, "%s\n", ormc_pool_errmsg());
        return 1;
    }
    int status = 1;
    worker *w = calloc((size_t)threads, sizeof *w);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    if (!w || !tid || provision(pool) != ORMC_OK)
        goto out;

    for (int i = 0; i < threads; i++) {
        w[i].pool = pool;
        w[i].id = i;
        w[i].requests = requests;
        if (pthread_create(&tid[i], NULL, work, &w[i]) != 0) {
            fprintf(stderr, "cannot start thread %d\n", i);
            threads = i;
            break;
        }
    }
    int expected[N_TENANTS] = {0};
    int failures = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        for (size_t t = 0; t < N_TENANTS; t++)
            expected[t] += w[i].served[t];
        if (w[i].failures) {
            fprintf(stderr, "thread %d: %d failed requests, first: %s\n", i,
                    w[i].failures, w[i].error);
            failures += w[i].failures;
        }
    }
    int rc = verify(pool, expected);

    ormc_pool_counters s;
    ormc_pool_stats(pool, &s);
    printf("pool: %llu requests served by %llu connections, %llu waited, "
           "%llu statements\n",
           (unsigned long long)s.acquires, (unsigned long long)s.created,
           (unsigned long long)s.waits, (unsigned long long)s.statements);
    if (rc == ORMC_OK && failures == 0) {
        printf("every tenant saw only its own rows\n");
        status = 0;
    }
out:
    free(w);
    free(tid);
    ormc_pool_close(pool);
    return status;
}
