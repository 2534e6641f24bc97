/*
 * usage.c: application code against the generated API, compiled (not run)
 * by the gen_compile tests with -Werror, so that a change of the API's shape
 * breaks the build the way it would break a user's program.
 */
#include <stddef.h>
#include <string.h>

#include "edge.h"
#include "web.h"
#include "shop.h"
#include "slack.h"

int ormc_usage_example(ormc_db *db);

static int latest_bot(ormc_db *db, const char *client_id, slack_bot *bot)
{
    slack_bot_query q;
    int rc;

    slack_bot_query_init(&q);
    slack_bot_where_client_id(&q, ORMC_EQ, client_id);
    slack_bot_where_enterprise_id(&q, ORMC_EQ, NULL);
    slack_bot_where_bot_token(&q, ORMC_IS_NOT_NULL, NULL);
    slack_bot_order_by(&q, SLACK_BOT_INSTALLED_AT, ORMC_DESC);
    slack_bot_limit(&q, 1);
    rc = slack_bot_first(db, &q, bot);
    slack_bot_query_free(&q);
    return rc;
}

int ormc_usage_example(ormc_db *db)
{
    slack_bot bot = SLACK_BOT_INIT;
    slack_installation inst = SLACK_INSTALLATION_INIT;
    web_session sess = WEB_SESSION_INIT;
    shop_customer customer = SHOP_CUSTOMER_INIT;
    shop_order order = SHOP_ORDER_INIT;
    shop_line line = SHOP_LINE_INIT;
    shop_line_list lines = {NULL, 0};
    shop_order_cursor cur;
    shop_order_query q;
    edge_node node = EDGE_NODE_INIT;
    edge_wide wide = EDGE_WIDE_INIT;
    edge_pair pair = EDGE_PAIR_INIT;
    ormc_invalid why;
    int64_t ids[] = {1, 2, 3};
    const char *skus[] = {"a", "b"};
    shop_order_status states[] = {SHOP_ORDER_STATUS_PAID,
                                  SHOP_ORDER_STATUS_SHIPPED};
    static const unsigned char png[] = {0x89, 'P', 'N', 'G'};
    ormc_blob blob = {png, sizeof png};
    int64_t n = 0;
    bool created = false, exists = false;
    int rc;

    bot.client_id = "client";
    bot.app_id = "app";
    if ((rc = slack_bot_validate(&bot, &why)) != ORMC_OK)
        return rc;
    if ((rc = slack_bot_insert(db, &bot)) != ORMC_OK)
        return rc;
    rc = slack_bot_get(db, bot.id, &bot);
    slack_bot_free(&bot);
    rc = latest_bot(db, "client", &bot);
    slack_bot_free(&bot);
    rc = slack_installation_update_columns(db, &inst,
                                           SLACK_INSTALLATION_BOT_TOKEN |
                                               SLACK_INSTALLATION_USER_TOKEN);
    rc = slack_installation_upsert(db, &inst, SLACK_INSTALLATION_ID);
    rc = slack_bot_insert_many(db, &bot, 1);

    sess.session_id = "abc";
    sess.data = blob;
    sess.has_expires = true;
    sess.expires = (ormc_time)1700000000 * 1000000;
    rc =
        web_session_find_or_create(db, &sess, WEB_SESSION_SESSION_ID, &created);
    rc = web_session_get_by_session_id(db, "abc", &sess);
    web_session_free(&sess);

    rc = shop_customer_fixture_insert(db, 1, &customer);
    order.customer_id = customer.id;
    order.status = SHOP_ORDER_STATUS_PENDING;
    rc = shop_order_insert(db, &order);
    rc = shop_line_get(db, order.id, 1, &line);
    rc = shop_line_delete(db, order.id, 1);
    rc = shop_line_get_by_order_id_product_id(db, order.id, 7, &line);
    shop_line_free(&line);
    shop_customer_free(&customer);

    shop_order_query_init(&q);
    shop_order_where_id_in(&q, ids, 3);
    shop_order_where_status_in(&q, states, 2);
    shop_order_or_begin(&q);
    shop_order_where_status(&q, ORMC_EQ, SHOP_ORDER_STATUS_CANCELLED);
    shop_order_where_note(&q, ORMC_LIKE, "%gift%");
    shop_order_or_end(&q);
    shop_order_where_customer_id(&q, ORMC_EQ, customer.id);
    shop_order_where_placed_at(&q, ORMC_GE, 0);
    shop_order_offset(&q, 10);
    rc = shop_order_count(db, &q, &n);
    rc = shop_order_exists(db, &q, &exists);
    order.status = SHOP_ORDER_STATUS_SHIPPED;
    rc = shop_order_update_where(db, &q, &order, SHOP_ORDER_STATUS, &n);
    rc = shop_order_cursor_open(db, &q, &cur);
    while (rc == ORMC_OK &&
           (rc = shop_order_cursor_next(&cur, &order)) == ORMC_ROW) {}
    shop_order_cursor_close(&cur);
    rc = shop_order_delete_where(db, &q, NULL);
    shop_order_query_free(&q);

    {
        shop_product_query pq;
        shop_line_query lq;

        shop_product_query_init(&pq);
        shop_product_where_sku_in(&pq, skus, 2);
        shop_product_where_thumbnail(&pq, ORMC_IS_NULL, blob);
        shop_product_where_weight_kg(&pq, ORMC_LT, 1.5);
        shop_product_query_free(&pq);
        shop_line_query_init(&lq);
        rc = shop_line_all(db, &lq, &lines);
        shop_line_list_free(&lines);
        shop_line_query_free(&lq);
    }

    rc = edge_node_fixture(&node, 42);
    edge_node_free(&node);
    rc = edge_wide_update(db, &wide);
    rc = edge_pair_update(db, &pair);
    rc = edge_pair_get(db, pair.ref, "code", &pair);
    rc = edge_node_get_by_token(db, node.token, &node);
    rc = edge_node_get_by_digest(db, blob, &node);
    rc = edge_node_get_by_colour_shape(db, EDGE_NODE_COLOUR_GREEN_ISH,
                                       EDGE_NODE_SHAPE_ROUND, &node);

    (void)strlen(SHOP_SCHEMA_HASH);
    if (shop_schema.n_tables != 4 || shop_line_table.n_columns != 5)
        return ORMC_ERROR;
    rc = shop_schema_create(db);
    rc = shop_schema_check(db);
    return rc == ORMC_OK ? slack_schema_drop(db) : rc;
}
