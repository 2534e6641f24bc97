/*
 * server.c: a shop's stock served over TCP from one libuv loop, on the
 * generated API of schema/shop.lua and ormc's asynchronous batches
 * (docs/async.md).
 *
 * A client sends lines "buy ID QUANTITY"; the server answers "ok ID LEFT"
 * or "sold-out ID LEFT". Each request takes a connection from an
 * asynchronous pool, reads the product in a transaction (first batch),
 * writes the new stock and commits (second batch), and gives the
 * connection back; a transaction that lost a race with another request is
 * tried again. The loop never waits for the database.
 *
 *   ORMC_URL=postgresql://localhost/shop ./ormc_async_server [PORT]
 *   ./ormc_async_server --self N
 *
 * Without ORMC_URL it uses the SQLite file ormc_async_server.db. The shop's
 * tables are made afresh at start, with 10 products of 100 units each.
 * --self N also starts N clients on the same loop, each buying one unit,
 * and exits when all have their answer: 0 when the stock left is exactly
 * what was not bought, 1 otherwise (the test suite runs it so).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "ormc.h"
#include "ormc_uv.h"
#include "shop.h"

#define POOL_SIZE 4
#define N_PRODUCTS 10
#define STOCK 100

static uv_loop_t *loop;
static ormc_async_pool *pool;
static uv_tcp_t listener;
static int failures;

/* === one client connection, one request at a time === */

typedef struct client {
    uv_tcp_t tcp;
    char line[128];
    size_t len;
    /* the request being served */
    ormc_db *db;
    ormc_batch *b;
    int64_t id;
    int quantity, rc;
    bool sold_out;
    shop_product row;
} client;

typedef struct reply {
    uv_write_t req;
    char text[96];
} reply;

static void reply_written(uv_write_t *req, int status)
{
    (void)status;
    free(req);
}

static void send_reply(client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void send_reply(client *c, const char *fmt, ...)
{
    reply *r = malloc(sizeof *r);
    if (!r)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->text, sizeof r->text, fmt, ap);
    va_end(ap);
    uv_buf_t buf = uv_buf_init(r->text, (unsigned)n);
    if (uv_write(&r->req, (uv_stream_t *)&c->tcp, &buf, 1, reply_written))
        free(r);
}

static void start_read(client *c);
static void serve(client *c);

static bool lost_a_race(int status)
{
    return status == ORMC_SERIALIZATION || status == ORMC_DEADLOCK ||
           status == ORMC_BUSY;
}

static void finish(client *c)
{
    ormc_batch_free(c->b);
    c->b = NULL;
    ormc_async_pool_release(pool, c->db); /* the next request gets it */
    c->db = NULL;
    start_read(c);
}

/* Second batch done: the new stock is committed (or, sold out, the
 * read-only transaction ended). */
static void written(ormc_batch *b, int status, void *ctx)
{
    client *c = ctx;
    (void)b;
    int64_t id = c->row.id, left = c->row.stock;
    shop_product_free(&c->row);
    if (lost_a_race(status)) {
        serve(c); /* rolled back: read again */
        return;
    }
    if (status != ORMC_OK) {
        send_reply(c, "error %s\n", ormc_errmsg(c->db));
        failures++;
    } else {
        send_reply(c, "%s %lld %lld\n", c->sold_out ? "sold-out" : "ok",
                   (long long)id, (long long)left);
    }
    finish(c);
}

/* First batch done: the product is read, inside the transaction. */
static void got(ormc_batch *b, int status, void *ctx)
{
    client *c = ctx;
    if (lost_a_race(status)) {
        shop_product_free(&c->row);
        serve(c);
        return;
    }
    if (status != ORMC_OK || c->rc != ORMC_OK) {
        send_reply(c, "error %s\n",
                   c->rc == ORMC_NOT_FOUND ? "no such product"
                                           : ormc_errmsg(c->db));
        shop_product_free(&c->row);
        finish(c);
        return;
    }
    c->sold_out = c->row.stock < c->quantity;
    if (!c->sold_out) {
        c->row.stock -= c->quantity;
        shop_product_update_in(b, &c->row, &c->rc);
    }
    /* sold out: an empty batch that only commits */
    ormc_batch_tx_commit(b);
    if (ormc_batch_start(b, written, c) != ORMC_OK) {
        send_reply(c, "error %s\n", ormc_errmsg(c->db));
        shop_product_free(&c->row);
        finish(c);
    }
}

/* One attempt: BEGIN + get, in one batch (one round trip). Repeatable read,
 * so that two requests buying the same product cannot both sell the same
 * unit: the second one's commit fails, and it tries again. */
static void serve(client *c)
{
    ormc_tx_options tx = ORMC_TX_OPTIONS_INIT;
    tx.isolation = ORMC_REPEATABLE_READ;
    ormc_batch_tx_begin(c->b, &tx);
    shop_product_get_in(c->b, c->id, &c->row, &c->rc);
    if (ormc_batch_start(c->b, got, c) != ORMC_OK) {
        send_reply(c, "error %s\n", ormc_errmsg(c->db));
        finish(c);
    }
}

static void acquired(ormc_db *db, int status, void *ctx)
{
    client *c = ctx;
    if (status != ORMC_OK)
        return; /* the pool is closing */
    c->db = db;
    c->b = ormc_batch_begin(db);
    if (!c->b) {
        send_reply(c, "error out of memory\n");
        finish(c);
        return;
    }
    serve(c);
}

/* === reading lines === */

static void client_closed(uv_handle_t *h)
{
    free(h);
}

static void alloc_buf(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    client *c = (client *)h;
    (void)hint;
    *buf =
        uv_buf_init(c->line + c->len, (unsigned)(sizeof c->line - 1 - c->len));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    client *c = (client *)s;
    (void)buf;
    if (n < 0) {
        uv_read_stop(s);
        if (!c->db) /* not while a request of its own runs */
            uv_close((uv_handle_t *)s, client_closed);
        return;
    }
    c->len += (size_t)n;
    c->line[c->len] = '\0';
    char *nl = strchr(c->line, '\n');
    if (!nl) {
        if (c->len == sizeof c->line - 1)
            c->len = 0; /* too long: drop it */
        return;
    }
    *nl = '\0';
    long long id;
    int quantity;
    bool ok =
        sscanf(c->line, "buy %lld %d", &id, &quantity) == 2 && quantity > 0;
    /* one request at a time per client: the rest of the input waits */
    size_t rest = c->len - (size_t)(nl + 1 - c->line);
    memmove(c->line, nl + 1, rest);
    c->len = rest;
    if (!ok) {
        send_reply(c, "error expected: buy ID QUANTITY\n");
        return;
    }
    uv_read_stop(s);
    c->id = id;
    c->quantity = quantity;
    ormc_async_pool_acquire(pool, acquired, c);
}

static void start_read(client *c)
{
    uv_read_start((uv_stream_t *)&c->tcp, alloc_buf, on_read);
}

static void on_connection(uv_stream_t *server, int status)
{
    if (status < 0)
        return;
    client *c = calloc(1, sizeof *c);
    if (!c)
        return;
    uv_tcp_init(loop, &c->tcp);
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
        uv_close((uv_handle_t *)&c->tcp, client_closed);
        return;
    }
    start_read(c);
}

/* === --self N: clients on the same loop === */

typedef struct buyer {
    uv_tcp_t tcp;
    uv_connect_t conn;
    uv_write_t write;
    char out[48], in[96];
    size_t len;
} buyer;

static int buyers_left, bought;

static void buyer_closed(uv_handle_t *h)
{
    free(h);
    if (--buyers_left == 0)
        uv_close((uv_handle_t *)&listener, NULL); /* the loop can end */
}

static void buyer_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    buyer *y = (buyer *)h;
    (void)hint;
    *buf = uv_buf_init(y->in + y->len, (unsigned)(sizeof y->in - 1 - y->len));
}

static void buyer_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    buyer *y = (buyer *)s;
    (void)buf;
    if (n > 0) {
        y->len += (size_t)n;
        y->in[y->len] = '\0';
        if (!strchr(y->in, '\n'))
            return;
        if (strncmp(y->in, "ok ", 3) == 0)
            bought++;
        else {
            fprintf(stderr, "async_server: %s", y->in);
            failures++;
        }
    } else if (n == 0) {
        return;
    }
    uv_close((uv_handle_t *)s, buyer_closed);
}

static void buyer_connected(uv_connect_t *req, int status)
{
    buyer *y = req->data;
    if (status < 0) {
        failures++;
        uv_close((uv_handle_t *)&y->tcp, buyer_closed);
        return;
    }
    uv_buf_t buf = uv_buf_init(y->out, (unsigned)strlen(y->out));
    uv_write(&y->write, (uv_stream_t *)&y->tcp, &buf, 1, NULL);
    uv_read_start((uv_stream_t *)&y->tcp, buyer_alloc, buyer_read);
}

static void start_buyers(int n, int port)
{
    struct sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", port, &addr);
    buyers_left = n;
    for (int i = 0; i < n; i++) {
        buyer *y = calloc(1, sizeof *y);
        if (!y) {
            failures++;
            buyers_left--;
            continue;
        }
        snprintf(y->out, sizeof y->out, "buy %d 1\n", 1 + i % N_PRODUCTS);
        uv_tcp_init(loop, &y->tcp);
        y->conn.data = y;
        uv_tcp_connect(&y->conn, &y->tcp, (const struct sockaddr *)&addr,
                       buyer_connected);
    }
}

/* === setup === */

static int die(const char *what, ormc_db *db)
{
    fprintf(stderr, "async_server: %s: %s\n", what,
            db ? ormc_errmsg(db) : ormc_async_pool_errmsg());
    ormc_close(db);
    return 1;
}

/* The shop's tables afresh, and the products. */
static int make_shop(const char *url)
{
    ormc_db *db;
    if (ormc_open(url, &db) != ORMC_OK)
        return die("open", db);
    shop_schema_drop(db);
    if (shop_schema_create(db) != ORMC_OK)
        return die("create the tables", db);
    for (int i = 1; i <= N_PRODUCTS; i++) {
        shop_product p;
        shop_product_init(&p);
        char sku[16];
        snprintf(sku, sizeof sku, "SKU-%d", i);
        p.sku = sku;
        p.title = sku;
        p.price_cents = 250 * i;
        p.stock = STOCK;
        if (shop_product_insert(db, &p) != ORMC_OK)
            return die("insert", db);
    }
    if (ormc_commit(db) != ORMC_OK)
        return die("commit", db);
    ormc_close(db);
    return 0;
}

static int64_t stock_left(const char *url)
{
    ormc_db *db;
    if (ormc_open(url, &db) != ORMC_OK) {
        die("open", db);
        return -1;
    }
    int64_t total = 0;
    for (int i = 1; i <= N_PRODUCTS; i++) {
        shop_product p;
        if (shop_product_get(db, i, &p) != ORMC_OK) {
            die("get", db);
            return -1;
        }
        total += p.stock;
        shop_product_free(&p);
    }
    ormc_close(db);
    return total;
}

int main(int argc, char **argv)
{
    int port = 7878, self = 0;
    if (argc == 3 && strcmp(argv[1], "--self") == 0)
        self = atoi(argv[2]);
    else if (argc == 2)
        port = atoi(argv[1]);
    else if (argc != 1) {
        fprintf(stderr, "usage: ormc_async_server [PORT | --self N]\n");
        return 2;
    }
    if (self < 0 || self > N_PRODUCTS * STOCK) {
        fprintf(stderr, "async_server: --self takes 0 to %d\n",
                N_PRODUCTS * STOCK);
        return 2;
    }
    const char *url = getenv("ORMC_URL");
    if (!url || !*url)
        url = "sqlite:ormc_async_server.db";
    if (make_shop(url) != 0)
        return 1;

    loop = uv_default_loop();
    if (ormc_async_pool_open(url, NULL, POOL_SIZE, &pool) != ORMC_OK)
        return die("pool", NULL);
    ormc_uv *watch[POOL_SIZE];
    for (int i = 0; i < POOL_SIZE; i++)
        watch[i] = ormc_uv_attach(loop, ormc_async_pool_db(pool, i));

    struct sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", self ? 0 : port, &addr);
    uv_tcp_init(loop, &listener);
    int rc = uv_tcp_bind(&listener, (const struct sockaddr *)&addr, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&listener, 128, on_connection);
    if (rc != 0) {
        fprintf(stderr, "async_server: listen: %s\n", uv_strerror(rc));
        return 1;
    }
    if (self) {
        struct sockaddr_in bound;
        int len = sizeof bound;
        uv_tcp_getsockname(&listener, (struct sockaddr *)&bound, &len);
        start_buyers(self, ntohs(bound.sin_port));
    } else {
        printf("serving on 127.0.0.1:%d (lines: buy ID QUANTITY)\n", port);
        fflush(stdout);
    }
    uv_run(loop, UV_RUN_DEFAULT);

    for (int i = 0; i < POOL_SIZE; i++)
        ormc_uv_detach(watch[i]);
    ormc_async_pool_close(pool);
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
    if (!self)
        return failures ? 1 : 0;
    int64_t left = stock_left(url);
    int64_t want = (int64_t)N_PRODUCTS * STOCK - self;
    printf("%d requests, %d bought, stock left %lld (expected %lld)\n", self,
           bought, (long long)left, (long long)want);
    return failures == 0 && bought == self && left == want ? 0 : 1;
}
