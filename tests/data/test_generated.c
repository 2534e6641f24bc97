/*
 * test_generated.c: data access through the generated API of schema/
 * (slack, shop, web), on SQLite and PostgreSQL: what application code
 * writes every day.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ormc_test.h"
#include "shop.h"
#include "slack.h"
#include "web.h"

static void create_all(ormc_db *db)
{
    assert_ok(db, slack_schema_create(db));
    assert_ok(db, shop_schema_create(db));
    assert_ok(db, web_schema_create(db));
    if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
        assert_ok(db, ormc_commit(db));
}

static void test_slack_bot_crud(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_all(db);
    slack_bot bot;
    slack_bot_init(&bot);
    bot.client_id = "client";
    bot.app_id = "app";
    bot.team_id = "T1";
    bot.bot_token = "xoxb-'; DROP TABLE slack_bots; --";
    assert_ok(db, slack_bot_insert(db, &bot));
    assert_true(bot.id > 0);
    assert_true(bot.has_installed_at);

    slack_bot got;
    assert_ok(db, slack_bot_get(db, bot.id, &got));
    assert_string_equal(got.bot_token, bot.bot_token);
    assert_null(got.enterprise_id);
    assert_false(got.is_enterprise_install);
    assert_int_equal(got.installed_at, bot.installed_at);
    slack_bot_free(&got);

    bot.bot_scopes = "chat:write";
    bot.is_enterprise_install = true;
    assert_ok(db, slack_bot_update(db, &bot));
    bot.team_id = NULL;
    assert_ok(db, slack_bot_update_columns(db, &bot, SLACK_BOT_TEAM_ID));
    assert_ok(db, slack_bot_get(db, bot.id, &got));
    assert_string_equal(got.bot_scopes, "chat:write");
    assert_true(got.is_enterprise_install);
    assert_null(got.team_id);
    slack_bot_free(&got);

    assert_ok(db, slack_bot_delete(db, bot.id));
    assert_int_equal(slack_bot_get(db, bot.id, &got), ORMC_NOT_FOUND);
    assert_int_equal(slack_bot_delete(db, bot.id), ORMC_NOT_FOUND);
    assert_ok(db, ormc_commit(db));
}

/* The generated get, update and delete texts are linked to their cached
 * statements per connection: through a cache of two statements, with
 * find-or-create's select by key (the same text as the get) taking the
 * link in turn, each call still runs its own statement. */
static void test_fixed_statements_under_a_small_cache(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_all(db);
    ormc_options o = ORMC_OPTIONS_INIT;
    o.stmt_cache_size = 2;
    o.autocommit = 1;
    ormc_db *small;
    assert_int_equal(ormc_open_with(ormc_test_url(), &o, &small), ORMC_OK);
    slack_bot bots[3];
    static const char *const teams[] = {"T0", "T1", "T2"};
    for (int i = 0; i < 3; i++) {
        slack_bot_init(&bots[i]);
        bots[i].client_id = "client";
        bots[i].app_id = "app";
        bots[i].team_id = teams[i];
        assert_ok(small, slack_bot_insert(small, &bots[i]));
    }
    for (int round = 0; round < 6; round++) {
        for (int i = 0; i < 3; i++) {
            slack_bot got;
            assert_ok(small, slack_bot_get(small, bots[i].id, &got));
            assert_string_equal(got.team_id, teams[i]);
            slack_bot_free(&got);
            bots[i].bot_scopes = round % 2 ? "a" : "b";
            assert_ok(small, slack_bot_update(small, &bots[i]));
            slack_bot want = bots[i];
            bool created = true;
            assert_ok(small, slack_bot_find_or_create(small, &want,
                                                      SLACK_BOT_ID, &created));
            assert_false(created);
            assert_string_equal(want.bot_scopes, round % 2 ? "a" : "b");
            slack_bot_free(&want);
            assert_int_equal(slack_bot_delete(small, bots[i].id + 1000),
                             ORMC_NOT_FOUND);
        }
    }
    ormc_close(small);
}

static void test_slack_find_bot(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_all(db);
    /* installations for two workspaces; the newest with a token wins */
    slack_bot rows[6];
    for (int i = 0; i < 6; i++) {
        slack_bot_init(&rows[i]);
        rows[i].client_id = "client";
        rows[i].app_id = "app";
        rows[i].enterprise_id = i >= 4 ? "E" : NULL;
        rows[i].team_id = "T1";
        rows[i].bot_token = i == 3 ? NULL : "tok";
        rows[i].has_installed_at = true;
        rows[i].installed_at = INT64_C(1700000000000000) + i;
    }
    assert_ok(db, slack_bot_insert_many(db, rows, 6));

    slack_bot_query q;
    slack_bot_query_init(&q);
    slack_bot_where_client_id(&q, ORMC_EQ, "client");
    slack_bot_where_enterprise_id(&q, ORMC_EQ, NULL); /* NULL: IS NULL */
    slack_bot_where_team_id(&q, ORMC_EQ, "T1");
    slack_bot_where_bot_token(&q, ORMC_IS_NOT_NULL, NULL);
    slack_bot_order_by(&q, SLACK_BOT_INSTALLED_AT, ORMC_DESC);
    slack_bot_limit(&q, 1);
    slack_bot bot;
    assert_ok(db, slack_bot_first(db, &q, &bot));
    assert_int_equal(bot.installed_at, INT64_C(1700000000000002));
    slack_bot_free(&bot);
    slack_bot_query_free(&q);

    slack_bot_query_init(&q);
    slack_bot_where_enterprise_id(&q, ORMC_EQ, NULL);
    int64_t n = 0;
    assert_ok(db, slack_bot_count(db, &q, &n));
    assert_int_equal(n, 4);
    slack_bot_list list;
    assert_ok(db, slack_bot_all(db, &q, &list));
    assert_int_equal(list.count, 4);
    for (size_t i = 0; i < list.count; i++)
        assert_null(list.items[i].enterprise_id);
    slack_bot_list_free(&list);
    assert_null(list.items);

    slack_bot values;
    slack_bot_init(&values);
    values.team_name = "renamed";
    assert_ok(db,
              slack_bot_update_where(db, &q, &values, SLACK_BOT_TEAM_NAME, &n));
    assert_int_equal(n, 4);
    bool exists = false;
    assert_ok(db, slack_bot_exists(db, &q, &exists));
    assert_true(exists);
    assert_ok(db, slack_bot_delete_where(db, &q, &n));
    assert_int_equal(n, 4);
    assert_ok(db, slack_bot_exists(db, &q, &exists));
    assert_false(exists);
    slack_bot_query_free(&q);

    /* a cursor over what is left */
    slack_bot_query_init(&q);
    slack_bot_cursor cur;
    assert_ok(db, slack_bot_cursor_open(db, &q, &cur));
    int k = 0, rc;
    while ((rc = slack_bot_cursor_next(&cur, &bot)) == ORMC_ROW) {
        assert_string_equal(bot.enterprise_id, "E");
        k++;
    }
    assert_int_equal(rc, ORMC_DONE);
    assert_int_equal(k, 2);
    slack_bot_cursor_close(&cur);
    slack_bot_query_free(&q);
    assert_ok(db, ormc_commit(db));
}

static void test_shop_orders_and_lines(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_all(db);
    shop_customer c;
    shop_customer_init(&c);
    memset(c.id.bytes, 0x11, sizeof c.id.bytes);
    c.id.bytes[6] = 0x41;
    c.id.bytes[8] = 0x81;
    c.email = "o'neil@example.com";
    c.name = "O'Neil \"Jr\"";
    assert_ok(db, shop_customer_insert(db, &c));
    shop_customer gc;
    assert_ok(db, shop_customer_get_by_email(db, "o'neil@example.com", &gc));
    assert_memory_equal(gc.id.bytes, c.id.bytes, 16);
    assert_string_equal(gc.name, c.name);
    assert_true(gc.has_created_at);
    shop_customer_free(&gc);

    shop_product p;
    shop_product_init(&p);
    p.sku = "SKU-1";
    p.title = "Widget";
    p.price_cents = 250;
    assert_ok(db, shop_product_insert(db, &p));

    shop_order o;
    shop_order_init(&o);
    o.id = 1001;
    o.customer_id = c.id;
    assert_ok(db, shop_order_insert(db, &o));
    assert_int_equal(o.status, SHOP_ORDER_STATUS_PENDING);
    assert_true(o.has_placed_at);

    /* An enum value outside its labels never reaches the database. */
    o.status = (shop_order_status)42;
    assert_int_equal(shop_order_update(db, &o), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "order.status: 42 is not a value"));
    o.status = SHOP_ORDER_STATUS_PENDING;
    assert_ok(db, shop_order_update(db, &o));

    /* composite key: get, update, upsert, delete */
    shop_line l;
    shop_line_init(&l);
    l.order_id = o.id;
    l.line_no = 1;
    l.has_product_id = true;
    l.product_id = p.id;
    l.price_cents = 250;
    assert_ok(db, shop_line_insert(db, &l));
    shop_line gl;
    assert_ok(db, shop_line_get(db, o.id, 1, &gl));
    assert_int_equal(gl.quantity, 1);
    assert_int_equal(gl.product_id, p.id);
    shop_line_free(&gl);
    l.quantity = 3;
    assert_ok(db, shop_line_update_columns(db, &l, SHOP_LINE_QUANTITY));
    assert_ok(db, shop_line_get_by_order_id_product_id(db, o.id, p.id, &gl));
    assert_int_equal(gl.quantity, 3);
    shop_line_free(&gl);
    l.quantity = 5;
    assert_ok(db,
              shop_line_upsert(db, &l, SHOP_LINE_ORDER_ID | SHOP_LINE_LINE_NO));
    assert_int_equal(l.quantity, 5);
    shop_line_free(&l);

    /* find-or-create on the unique (order_id, product_id) */
    shop_line f;
    shop_line_init(&f);
    f.order_id = o.id;
    f.line_no = 9;
    f.has_product_id = true;
    f.product_id = p.id;
    f.price_cents = 1;
    bool created = true;
    assert_ok(db,
              shop_line_find_or_create(
                  db, &f, SHOP_LINE_ORDER_ID | SHOP_LINE_PRODUCT_ID, &created));
    assert_false(created);
    assert_int_equal(f.line_no, 1);
    shop_line_free(&f);
    /* a NULL product: selected first, then created, then found */
    shop_line_init(&f);
    f.order_id = o.id;
    f.line_no = 2;
    f.price_cents = 7;
    for (int i = 0; i < 2; i++) {
        assert_ok(db, shop_line_find_or_create(
                          db, &f, SHOP_LINE_ORDER_ID | SHOP_LINE_PRODUCT_ID,
                          &created));
        assert_int_equal(created, i == 0);
        assert_int_equal(f.line_no, 2);
        assert_false(f.has_product_id);
    }
    shop_line_free(&f);

    /* an enum in a query and in update_where */
    shop_order_query q;
    shop_order_query_init(&q);
    shop_order_where_status(&q, ORMC_EQ, SHOP_ORDER_STATUS_PENDING);
    shop_order v;
    shop_order_init(&v);
    v.status = SHOP_ORDER_STATUS_SHIPPED;
    v.has_shipped_at = true;
    v.shipped_at = ormc_time_now();
    int64_t n = 0;
    assert_ok(db,
              shop_order_update_where(
                  db, &q, &v, SHOP_ORDER_STATUS | SHOP_ORDER_SHIPPED_AT, &n));
    assert_int_equal(n, 1);
    assert_ok(db, shop_order_count(db, &q, &n));
    assert_int_equal(n, 0);
    shop_order_query_free(&q);
    shop_order go;
    assert_ok(db, shop_order_get(db, o.id, &go));
    assert_int_equal(go.status, SHOP_ORDER_STATUS_SHIPPED);
    shop_order_free(&go);

    /* deleting the order cascades to its lines */
    assert_ok(db, shop_order_delete(db, o.id));
    assert_int_equal(shop_line_get(db, o.id, 1, &gl), ORMC_NOT_FOUND);
    assert_ok(db, ormc_commit(db));
}

/* Through the generated functions: a text over its max characters and
 * invalid JSON are refused by _insert and _update on both backends with
 * the table and column named, nothing stored; a LIKE pattern ending with
 * the escape character is refused by the query's executor. */
static void test_shop_refuses_alike_on_both_backends(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_all(db);
    char long_name[102];
    memset(long_name, 'n', 101);
    long_name[101] = '\0';

    shop_customer c;
    shop_customer_init(&c);
    memset(c.id.bytes, 0x22, sizeof c.id.bytes);
    c.email = "back\\slash@example.com";
    c.name = long_name;
    assert_int_equal(shop_customer_insert(db, &c), ORMC_INVALID);
    assert_non_null(
        strstr(ormc_errmsg(db), "customer.name: 101 characters, at most 100"));
    c.name = long_name + 1; /* 100: the max */
    c.preferences = "{\"a\": tru}";
    assert_int_equal(shop_customer_insert(db, &c), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "customer.preferences: not "
                                            "valid JSON"));
    c.preferences = "{\"a\": true}";
    assert_ok(db, shop_customer_insert(db, &c));

    c.name = long_name;
    assert_int_equal(shop_customer_update(db, &c), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "customer.name: 101 characters"));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    shop_customer got;
    assert_ok(db, shop_customer_get(db, c.id, &got));
    assert_string_equal(got.name, long_name + 1);
    shop_customer_free(&got);

    shop_customer_query q;
    shop_customer_query_init(&q);
    shop_customer_where_email(&q, ORMC_LIKE, "back\\");
    int64_t n = -1;
    assert_int_equal(shop_customer_count(db, &q, &n), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "customer.email: the LIKE "
                                            "pattern ends with the escape "
                                            "character"));
    shop_customer_query_free(&q);
    shop_customer_query_init(&q);
    shop_customer_where_email(&q, ORMC_LIKE, "back\\\\%");
    assert_ok(db, shop_customer_count(db, &q, &n));
    assert_int_equal(n, 1);
    shop_customer_query_free(&q);
    assert_ok(db, ormc_commit(db));
}

static void test_web_sessions(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_all(db);
    enum {
        N = 2000
    };
    web_session *rows = calloc(N, sizeof *rows);
    char *ids = malloc(N * 24);
    unsigned char blob[256];
    for (int i = 0; i < 256; i++)
        blob[i] = (unsigned char)i;
    for (int i = 0; i < N; i++) {
        web_session_init(&rows[i]);
        snprintf(ids + i * 24, 24, "s-%d;--'", i);
        rows[i].session_id = ids + i * 24;
        rows[i].data.data = blob;
        rows[i].data.len = (size_t)(i % 257);
        rows[i].has_expires = i % 2 == 0;
        rows[i].expires = INT64_C(1800000000000000) + i;
    }
    rows[0].data.data = NULL; /* NULL blob */
    rows[0].data.len = 0;
    assert_ok(db, web_session_insert_many(db, rows, N));
    assert_ok(db, ormc_commit(db));

    web_session s;
    assert_ok(db, web_session_get_by_session_id(db, "s-256;--'", &s));
    assert_int_equal(s.data.len, 256 % 257);
    assert_memory_equal(s.data.data, blob, s.data.len);
    assert_true(s.has_expires);
    web_session_free(&s);
    assert_ok(db, web_session_get_by_session_id(db, "s-0;--'", &s));
    assert_null(s.data.data);
    web_session_free(&s);

    /* find-or-create by the unique session_id */
    web_session f;
    web_session_init(&f);
    f.session_id = "s-5;--'";
    bool created = true;
    assert_ok(db, web_session_find_or_create(db, &f, WEB_SESSION_SESSION_ID,
                                             &created));
    assert_false(created);
    assert_int_equal(f.data.len, 5);
    web_session_free(&f);

    /* purge the expired ones in a cursor-free way, stream the rest */
    web_session_query q;
    web_session_query_init(&q);
    web_session_where_expires(&q, ORMC_IS_NOT_NULL, 0);
    int64_t n = 0;
    assert_ok(db, web_session_delete_where(db, &q, &n));
    assert_int_equal(n, N / 2);
    web_session_query_free(&q);
    web_session_query_init(&q);
    web_session_cursor cur;
    assert_ok(db, web_session_cursor_open(db, &q, &cur));
    int k = 0;
    while (web_session_cursor_next(&cur, &s) == ORMC_ROW) {
        assert_false(s.has_expires);
        k++;
    }
    web_session_cursor_close(&cur);
    web_session_query_free(&q);
    assert_int_equal(k, N / 2);
    assert_ok(db, ormc_commit(db));
    free(rows);
    free(ids);
}

static void test_shop_fixtures(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_all(db);
    /* a line needs an order, which needs a customer; and a product */
    shop_line l;
    assert_ok(db, shop_line_fixture_insert(db, 1, &l));
    shop_order o;
    assert_ok(db, shop_order_get(db, l.order_id, &o));
    shop_customer c;
    assert_ok(db, shop_customer_get(db, o.customer_id, &c));
    assert_true(l.has_product_id);
    shop_product p;
    assert_ok(db, shop_product_get(db, l.product_id, &p));
    shop_line_free(&l);
    shop_order_free(&o);
    shop_customer_free(&c);
    shop_product_free(&p);
    for (uint64_t seq = 2; seq < 5; seq++) {
        assert_ok(db, shop_line_fixture_insert(db, seq, &l));
        shop_line_free(&l);
    }
    slack_installation inst;
    assert_ok(db, slack_installation_fixture_insert(db, 1, &inst));
    slack_installation_free(&inst);
    assert_ok(db, ormc_commit(db));
}

typedef struct hook_count {
    int insert, update, del;
} hook_count;

static void count_hook(void *ctx, const ormc_table *t, ormc_change op,
                       const void *row)
{
    hook_count *h = ctx;
    (void)row;
    assert_ptr_equal(t, &web_session_table);
    h->insert += op == ORMC_CHANGE_INSERT;
    h->update += op == ORMC_CHANGE_UPDATE;
    h->del += op == ORMC_CHANGE_DELETE;
}

static void test_generated_hooks(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_all(db);
    hook_count h = {0, 0, 0};
    ormc_on_change(db, count_hook, &h);
    web_session s;
    web_session_init(&s);
    s.session_id = "a";
    assert_ok(db, web_session_insert(db, &s));
    web_session more[3];
    for (int i = 0; i < 3; i++) {
        web_session_init(&more[i]);
        more[i].session_id = i == 0 ? "b" : i == 1 ? "c" : "d";
    }
    assert_ok(db, web_session_insert_many(db, more, 3));
    assert_int_equal(h.insert, 4);
    web_session_query q;
    web_session_query_init(&q);
    web_session_where_session_id(&q, ORMC_NE, "a");
    web_session v;
    web_session_init(&v);
    v.has_expires = true;
    v.expires = 5;
    int64_t n;
    assert_ok(db,
              web_session_update_where(db, &q, &v, WEB_SESSION_EXPIRES, &n));
    assert_int_equal(h.update, 3);
    assert_ok(db, web_session_delete_where(db, &q, &n));
    assert_int_equal(h.del, 3);
    web_session_query_free(&q);

    /* By key: the generated _update and _delete tell the hook too, and a
     * key that matches nothing tells it nothing. */
    s.has_expires = true;
    s.expires = 7;
    assert_ok(db, web_session_update(db, &s));
    assert_int_equal(h.update, 4);
    assert_ok(db, web_session_delete(db, s.id));
    assert_int_equal(h.del, 4);
    assert_int_equal(web_session_delete(db, s.id), ORMC_NOT_FOUND);
    assert_int_equal(web_session_update(db, &s), ORMC_NOT_FOUND);
    assert_int_equal(h.update, 4);
    assert_int_equal(h.del, 4);
    ormc_on_change(db, NULL, NULL);
    assert_ok(db, ormc_commit(db));
}

/* _query_sql writes, without a database, the text that _all sends: the
 * trace hook sees the very same statement on both backends (the engine's
 * text, $N; the SQLite backend rewrites it to ?N as query_sql does for
 * ORMC_DIALECT_SQLITE), including a relation condition's subquery. */
typedef struct last_sql {
    char sql[1024];
} last_sql;

static void keep_sql(void *ctx, const ormc_trace_event *ev)
{
    last_sql *l = ctx;
    snprintf(l->sql, sizeof l->sql, "%s", ev->sql);
}

static void test_shop_query_sql(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_all(db);
    shop_customer c;
    assert_ok(db, shop_customer_fixture_insert(db, 1, &c));
    shop_order o;
    shop_order_init(&o);
    o.id = 7;
    o.customer_id = c.id;
    o.status = SHOP_ORDER_STATUS_PAID;
    assert_ok(db, shop_order_insert(db, &o));
    for (int i = 1; i <= 4; i++) {
        shop_line l;
        shop_line_init(&l);
        l.order_id = o.id;
        l.line_no = i;
        l.quantity = i;
        l.price_cents = 100;
        assert_ok(db, shop_line_insert(db, &l));
    }

    shop_order_query oq;
    shop_order_query_init(&oq);
    shop_order_where_customer_id(&oq, ORMC_EQ, c.id);
    shop_order_where_status(&oq, ORMC_EQ, SHOP_ORDER_STATUS_PAID);
    shop_order_order_by(&oq, SHOP_ORDER_PLACED_AT, ORMC_DESC);
    shop_order_limit(&oq, 5);
    shop_line_query q;
    shop_line_query_init(&q);
    shop_line_where_quantity(&q, ORMC_GE, 2);
    shop_line_where_order_in(&q, &oq);
    shop_line_order_by(&q, SHOP_LINE_LINE_NO, ORMC_ASC);
    shop_line_limit(&q, 10);
    shop_line_offset(&q, 1);

    static const char pg[] =
        "SELECT \"order_id\", \"line_no\", \"product_id\", \"quantity\", "
        "\"price_cents\" FROM \"order_lines\" WHERE \"quantity\" >= $1 AND "
        "\"order_id\" IN (SELECT \"id\" FROM \"orders\" WHERE "
        "\"customer_id\" = $2 AND \"status\" = $3 ORDER BY \"placed_at\" "
        "DESC LIMIT $4) ORDER BY \"line_no\" LIMIT $5 OFFSET $6";
    static const char lite[] =
        "SELECT \"order_id\", \"line_no\", \"product_id\", \"quantity\", "
        "\"price_cents\" FROM \"order_lines\" WHERE \"quantity\" >= ?1 AND "
        "\"order_id\" IN (SELECT \"id\" FROM \"orders\" WHERE "
        "\"customer_id\" = ?2 AND \"status\" = ?3 ORDER BY \"placed_at\" "
        "DESC LIMIT ?4) ORDER BY \"line_no\" LIMIT ?5 OFFSET ?6";
    char buf[1024];
    int n = shop_line_query_sql(&q, ORMC_DIALECT_POSTGRES, buf, sizeof buf);
    assert_int_equal(n, (int)strlen(pg));
    assert_string_equal(buf, pg);
    n = shop_line_query_sql(&q, ORMC_DIALECT_SQLITE, buf, sizeof buf);
    assert_int_equal(n, (int)strlen(lite));
    assert_string_equal(buf, lite);

    /* snprintf's contract: the whole length, whatever fits */
    assert_int_equal(shop_line_query_sql(&q, ORMC_DIALECT_SQLITE, NULL, 0),
                     (int)strlen(lite));
    char small[11];
    memset(small, 'x', sizeof small);
    assert_int_equal(
        shop_line_query_sql(&q, ORMC_DIALECT_SQLITE, small, sizeof small),
        (int)strlen(lite));
    assert_string_equal(small, "SELECT \"or");
    char exact[sizeof lite];
    assert_int_equal(
        shop_line_query_sql(&q, ORMC_DIALECT_SQLITE, exact, sizeof exact),
        (int)strlen(lite));
    assert_string_equal(exact, lite);

    /* what _all sends is that text */
    last_sql seen = {{0}};
    ormc_set_trace(db, keep_sql, &seen);
    shop_line_list list = {0};
    assert_ok(db, shop_line_all(db, &q, &list));
    ormc_set_trace(db, NULL, NULL);
    assert_string_equal(seen.sql, pg);
    assert_int_equal(list.count, 2); /* quantity 2, 3, 4, less the first */
    assert_int_equal(list.items[0].line_no, 3);
    shop_line_list_free(&list);

    /* the builder's error, as the executors would return it */
    shop_line_order_by(&q, SHOP_LINE_LINE_NO | SHOP_LINE_QUANTITY, ORMC_ASC);
    memset(buf, 'x', sizeof buf);
    assert_int_equal(
        shop_line_query_sql(&q, ORMC_DIALECT_POSTGRES, buf, sizeof buf),
        -ORMC_INVALID);
    assert_string_equal(buf, "");
    assert_int_equal(shop_line_all(db, &q, &list), ORMC_INVALID);
    shop_line_list_free(&list);
    assert_int_equal(
        shop_order_query_sql(&oq, (ormc_dialect)9, buf, sizeof buf),
        -ORMC_INVALID);
    assert_int_equal(
        shop_order_query_sql(NULL, ORMC_DIALECT_SQLITE, buf, sizeof buf),
        -ORMC_INVALID);
    shop_line_query_free(&q);
    shop_order_query_free(&oq);
    shop_customer_free(&c);
    assert_ok(db, ormc_commit(db));
}

/* A column macro of another table is refused by every call that takes
 * columns, with a message naming both tables, before anything is sent;
 * and a builder error says what was wrong. */
static void test_column_sets_name_the_wrong_table(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_all(db);
    shop_product p;
    shop_product_init(&p);
    p.sku = "SKU-1";
    p.title = "Lamp";
    p.price_cents = 1200;
    bool created = false;
    ormc_counters before, after;
    assert_ok(db, ormc_stats(db, &before));

    assert_int_equal(
        shop_product_find_or_create(db, &p, SHOP_CUSTOMER_EMAIL, &created),
        ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db),
                        "product: find_or_create key: customer.email is a "
                        "column of customer, not of product: use product's "
                        "column macros");
    assert_int_equal(shop_product_upsert(db, &p, SHOP_ORDER_ID), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "upsert conflict: order.id is a "
                                            "column of order, not of product"));
    assert_int_equal(shop_product_update_columns(
                         db, &p, SHOP_PRODUCT_TITLE | SHOP_CUSTOMER_NAME),
                     ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db),
                        "product: update_columns: the column set mixes "
                        "columns of several tables: customer product; give "
                        "columns of product only");
    /* refused before anything is sent */
    assert_ok(db, ormc_stats(db, &after));
    assert_int_equal(after.statements, before.statements);
    /* the right table's own columns, untagged bits included, still work */
    assert_ok(db,
              shop_product_find_or_create(db, &p, SHOP_PRODUCT_SKU, &created));
    assert_true(created);
    p.title = "Desk lamp";
    assert_ok(db, shop_product_update_columns(
                      db, &p, SHOP_PRODUCT_ALL_COLUMNS & ~SHOP_PRODUCT_ID));
    assert_ok(db, shop_product_update_columns(db, &p, ORMC_COLUMN_BIT(2)));

    shop_product_query q;
    shop_product_list list = {0};
    shop_product_query_init(&q);
    shop_product_order_by(&q, SHOP_CUSTOMER_CREATED_AT, ORMC_DESC);
    assert_int_equal(shop_product_all(db, &q, &list), ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db),
                        "product: order_by: customer.created_at is a column "
                        "of customer, not of product: use product's column "
                        "macros");
    shop_product_query_free(&q);

    shop_product_query_init(&q);
    shop_product_order_by(&q, SHOP_PRODUCT_SKU | SHOP_PRODUCT_TITLE, ORMC_ASC);
    assert_int_equal(shop_product_all(db, &q, &list), ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db), "product: order_by: takes one "
                                         "column, not product.sku, "
                                         "product.title");
    shop_product_query_free(&q);

    shop_product_query_init(&q);
    shop_product_where_price_cents(&q, ORMC_GE, 100);
    shop_product_limit(&q, -5);
    int64_t n = 0;
    assert_int_equal(shop_product_count(db, &q, &n), ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db),
                        "product: limit: below -1 (-1 is no limit)");
    shop_product_query_free(&q);

    shop_product_query_init(&q);
    ormc_builder_where(&q.b, SHOP_PRODUCT_PRICE_CENTS, ORMC_LIKE,
                       &(ormc_param){.type = ORMC_TYPE_TEXT, .u.text = "1%"});
    assert_int_equal(shop_product_count(db, &q, &n), ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db), "product: where: LIKE takes a text "
                                         "column (column price_cents)");
    shop_product_query_free(&q);
    shop_product_free(&p);
    assert_ok(db, ormc_commit(db));
}

/* A query built once and run again with new values (_query_set_<column>):
 * each run finds its rows, and the statement is prepared once. */
static void test_reused_query(void **state)
{
    ormc_test_direct_only("named prepared statements, which a transaction "
                          "pooler rules out (every statement is unnamed)");
    ormc_db *db = ormc_test_db(state);
    create_all(db);
    slack_bot rows[6];
    for (int i = 0; i < 6; i++) {
        slack_bot_init(&rows[i]);
        rows[i].client_id = "client";
        rows[i].app_id = "app";
        rows[i].enterprise_id = i == 5 ? "E" : NULL;
        rows[i].team_id = i % 2 == 0 ? "T0" : "T1";
        rows[i].has_installed_at = true;
        rows[i].installed_at = INT64_C(1700000000000000) + i;
    }
    assert_ok(db, slack_bot_insert_many(db, rows, 6));

    slack_bot_query q;
    slack_bot_query_init(&q);
    slack_bot_where_client_id(&q, ORMC_EQ, "client");
    slack_bot_where_enterprise_id(&q, ORMC_EQ, NULL);
    slack_bot_where_team_id(&q, ORMC_EQ, "T0");
    slack_bot_order_by(&q, SLACK_BOT_INSTALLED_AT, ORMC_DESC);
    slack_bot_limit(&q, 1);
    slack_bot bot;
    assert_ok(db, slack_bot_first(db, &q, &bot));
    assert_int_equal(bot.installed_at, INT64_C(1700000000000004));
    slack_bot_free(&bot);

    ormc_counters before, after;
    assert_ok(db, ormc_stats(db, &before));
    for (int k = 0; k < 10; k++) {
        slack_bot_query_set_team_id(&q, k % 2 == 0 ? "T1" : "T0");
        assert_ok(db, slack_bot_first(db, &q, &bot));
        /* T1: rows 1 and 3 (row 5 is enterprise E); T0: rows 0, 2, 4 */
        assert_int_equal(bot.installed_at,
                         INT64_C(1700000000000000) + (k % 2 == 0 ? 3 : 4));
        slack_bot_free(&bot);
    }
    slack_bot_query_set_client_id(&q, "nobody");
    assert_int_equal(slack_bot_first(db, &q, &bot), ORMC_NOT_FOUND);
    assert_ok(db, ormc_stats(db, &after));
    assert_int_equal(after.statements, before.statements + 11);
    assert_int_equal(after.prepares, before.prepares);

    /* a NULL value on an ORMC_EQ condition is IS NULL, a value again = */
    slack_bot_query_set_client_id(&q, "client");
    slack_bot_query_set_enterprise_id(&q, "E");
    slack_bot_query_set_team_id(&q, "T1");
    assert_ok(db, slack_bot_first(db, &q, &bot));
    assert_int_equal(bot.installed_at, INT64_C(1700000000000005));
    slack_bot_free(&bot);
    slack_bot_query_set_enterprise_id(&q, NULL);
    assert_ok(db, slack_bot_first(db, &q, &bot));
    assert_int_equal(bot.installed_at, INT64_C(1700000000000003));
    slack_bot_free(&bot);
    /* the other executors take the reused query too */
    slack_bot_query_set_team_id(&q, "T0");
    int64_t n = 0;
    assert_ok(db, slack_bot_count(db, &q, &n));
    assert_int_equal(n, 1); /* the limit applies to the rows counted */
    slack_bot_query_free(&q);
    assert_ok(db, ormc_commit(db));
}

/* Misuse of _query_set_<column>: every one is the query's error, returned
 * with what was wrong by the executor, nothing sent; a query with an
 * error stays as it is. */
static void test_reused_query_misuse(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_all(db);
    ormc_counters before, after;
    assert_ok(db, ormc_stats(db, &before));
    shop_order_list list = {0};
    int64_t n = 0;

    /* a column the query has no condition on */
    shop_order_query q;
    shop_order_query_init(&q);
    shop_order_where_id(&q, ORMC_EQ, 1);
    shop_order_query_set_status(&q, SHOP_ORDER_STATUS_PAID);
    assert_int_equal(shop_order_all(db, &q, &list), ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db),
                        "order: set: the query has no condition on the "
                        "column (column status)");
    /* the error stays: a later valid set changes nothing */
    shop_order_query_set_id(&q, 2);
    assert_int_equal(shop_order_count(db, &q, &n), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "no condition on the column"));
    shop_order_query_free(&q);

    /* several conditions on the column */
    shop_order_query_init(&q);
    shop_order_where_id(&q, ORMC_GE, 1);
    shop_order_where_id(&q, ORMC_LE, 9);
    shop_order_query_set_id(&q, 2);
    assert_int_equal(shop_order_count(db, &q, &n), ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db),
                        "order: set: the query has several conditions on "
                        "the column (set changes the value of one) (column "
                        "id)");
    shop_order_query_free(&q);

    /* a condition that takes no value */
    shop_order_query_init(&q);
    shop_order_where_note(&q, ORMC_IS_NULL, NULL);
    shop_order_query_set_note(&q, "gift");
    assert_int_equal(shop_order_count(db, &q, &n), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "set: the column's condition "
                                            "takes no value"));
    shop_order_query_free(&q);

    /* an enum value out of range */
    shop_order_query_init(&q);
    shop_order_where_status(&q, ORMC_EQ, SHOP_ORDER_STATUS_PAID);
    shop_order_query_set_status(&q, (shop_order_status)99);
    assert_int_equal(shop_order_count(db, &q, &n), ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db),
                        "order: set: not a value of the column's enum "
                        "(column status)");
    shop_order_query_free(&q);

    /* the engine call below the typed API: another table's column, a
     * value of another type */
    shop_order_query_init(&q);
    shop_order_where_id(&q, ORMC_EQ, 1);
    ormc_builder_set(&q.b, SHOP_CUSTOMER_EMAIL,
                     &(ormc_param){.type = ORMC_TYPE_TEXT, .u.text = "a"});
    assert_int_equal(shop_order_count(db, &q, &n), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db),
                           "set: customer.email is a column of customer, "
                           "not of order"));
    shop_order_query_free(&q);
    shop_order_query_init(&q);
    shop_order_where_id(&q, ORMC_EQ, 1);
    ormc_builder_set(&q.b, SHOP_ORDER_ID,
                     &(ormc_param){.type = ORMC_TYPE_TEXT, .u.text = "1"});
    assert_int_equal(shop_order_count(db, &q, &n), ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db),
                        "order: set: a value of another type than the "
                        "column's (column id)");
    shop_order_query_free(&q);

    /* a query whose building failed is left as it is */
    shop_order_query_init(&q);
    shop_order_where_id(&q, ORMC_EQ, 1);
    shop_order_limit(&q, -5);
    shop_order_query_set_id(&q, 2);
    assert_int_equal(shop_order_count(db, &q, &n), ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db),
                        "order: limit: below -1 (-1 is no limit)");
    shop_order_query_free(&q);

    /* NULL is a no-op */
    shop_order_query_set_id(NULL, 1);
    assert_ok(db, ormc_stats(db, &after));
    assert_int_equal(after.statements, before.statements);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_slack_bot_crud),
        ORMC_BACKEND_TEST(test_fixed_statements_under_a_small_cache),
        ORMC_BACKEND_TEST(test_slack_find_bot),
        ORMC_BACKEND_TEST(test_shop_orders_and_lines),
        ORMC_BACKEND_TEST(test_shop_refuses_alike_on_both_backends),
        ORMC_BACKEND_TEST(test_web_sessions),
        ORMC_BACKEND_TEST(test_shop_fixtures),
        ORMC_BACKEND_TEST(test_generated_hooks),
        ORMC_BACKEND_TEST(test_shop_query_sql),
        ORMC_BACKEND_TEST(test_column_sets_name_the_wrong_table),
        ORMC_BACKEND_TEST(test_reused_query),
        ORMC_BACKEND_TEST(test_reused_query_misuse),
    };
    return ormc_test_run_backends("data_generated", tests);
}
