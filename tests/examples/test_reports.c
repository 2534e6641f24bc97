/*
 * The reports example (examples/reports) and the typed SQL queries of
 * schema/shop.lua it stands on, on both backends.
 */
#include "ormc_test.h"
#include "reports.h"

#include <stdlib.h>
#include <string.h>

/* Ada ordered (order 1, paid: 2 Widgets, 1 Gadget); Bob never did; Gizmo
 * was never ordered. */
static void seed(ormc_db *db)
{
    assert_ok(db, shop_schema_create(db));
    shop_customer c;
    shop_customer_init(&c);
    memset(c.id.bytes, 0x11, sizeof c.id.bytes);
    c.email = "ada@example.com";
    c.name = "Ada";
    assert_ok(db, shop_customer_insert(db, &c));
    ormc_uuid ada = c.id;
    shop_customer_init(&c);
    memset(c.id.bytes, 0x22, sizeof c.id.bytes);
    c.email = "bob@example.com";
    c.name = "Bob";
    assert_ok(db, shop_customer_insert(db, &c));

    const char *titles[] = {"Widget", "Gadget", "Gizmo"};
    const char *skus[] = {"W-1", "G-1", "Z-1"};
    int64_t ids[3];
    for (int i = 0; i < 3; i++) {
        shop_product p;
        shop_product_init(&p);
        p.sku = skus[i];
        p.title = titles[i];
        p.price_cents = 250 * (i + 1);
        assert_ok(db, shop_product_insert(db, &p));
        ids[i] = p.id;
    }

    shop_order o;
    shop_order_init(&o);
    o.id = 1;
    o.customer_id = ada;
    o.status = SHOP_ORDER_STATUS_PAID;
    assert_ok(db, shop_order_insert(db, &o));
    for (int i = 0; i < 2; i++) {
        shop_line l;
        shop_line_init(&l);
        l.order_id = 1;
        l.line_no = i + 1;
        l.has_product_id = true;
        l.product_id = ids[i];
        l.quantity = 2 - i;
        l.price_cents = i == 0 ? 250 : 1000;
        assert_ok(db, shop_line_insert(db, &l));
    }
    assert_ok(db, ormc_commit(db));
}

static void test_sales_report(void **state)
{
    ormc_db *db = ormc_test_db(state);
    seed(db);
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_ok(db, reports_sales(db, f));
    char text[512] = {0};
    rewind(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_string_equal(text, "product sales\n"
                              "  Widget: 1 lines, 500 cents\n"
                              "  Gadget: 1 lines, 1000 cents\n"
                              "  Gizmo: 0 lines, 0 cents\n"
                              "never ordered\n"
                              "  bob@example.com\n");
    ormc_rollback(db);
}

static void test_ship_a_paid_order_once(void **state)
{
    ormc_db *db = ormc_test_db(state);
    seed(db);
    ormc_time at = (ormc_time)1700000000 * 1000000;
    assert_ok(db, reports_ship(db, 1, at));
    assert_int_equal(reports_ship(db, 1, at), ORMC_NOT_FOUND); /* shipped */
    assert_int_equal(reports_ship(db, 2, at), ORMC_NOT_FOUND); /* no such */
    shop_order o;
    assert_ok(db, shop_order_get(db, 1, &o));
    assert_int_equal(o.status, SHOP_ORDER_STATUS_SHIPPED);
    assert_true(o.has_shipped_at);
    assert_int_equal(o.shipped_at, at);
    shop_order_free(&o);

    shop_orders_in_status_params p = {.status = SHOP_ORDER_STATUS_SHIPPED};
    shop_orders_in_status_row count;
    assert_ok(db, shop_orders_in_status(db, &p, &count));
    assert_int_equal(count.n, 1);
    ormc_rollback(db);
}

static void test_join_and_left_join(void **state)
{
    ormc_db *db = ormc_test_db(state);
    seed(db);

    shop_order_lines_params p = {.order_id = 1};
    shop_order_lines_list lines;
    assert_ok(db, shop_order_lines(db, &p, &lines));
    assert_int_equal(lines.count, 2);
    assert_int_equal(lines.items[0].line_no, 1);
    assert_string_equal(lines.items[0].sku, "W-1");
    assert_string_equal(lines.items[1].title, "Gadget");
    assert_int_equal(lines.items[1].quantity, 1);
    shop_order_lines_list_free(&lines);

    /* Bob has no order: one row, with NULLs from the LEFT JOIN */
    shop_customer_orders_list all;
    assert_ok(db, shop_customer_orders(db, &all));
    assert_int_equal(all.count, 2);
    assert_string_equal(all.items[0].email, "ada@example.com");
    assert_true(all.items[0].has_order_id);
    assert_int_equal(all.items[0].order_id, 1);
    assert_true(all.items[0].has_status);
    assert_int_equal(all.items[0].status, SHOP_ORDER_STATUS_PAID);
    assert_string_equal(all.items[1].email, "bob@example.com");
    assert_false(all.items[1].has_order_id);
    assert_false(all.items[1].has_status);
    assert_false(all.items[1].has_placed_at);
    shop_customer_orders_list_free(&all);

    /* PostgreSQL only */
    shop_search_products_params sp = {.pattern = "g%"};
    shop_search_products_list found = {0};
    int rc = shop_search_products(db, &sp, &found);
    if (ormc_test_backend() == ORMC_SQLITE) {
        assert_int_equal(rc, ORMC_UNSUPPORTED);
    } else {
        assert_ok(db, rc);
        assert_int_equal(found.count, 2); /* Gadget, Gizmo */
        assert_string_equal(found.items[0].title, "Gadget");
        shop_search_products_list_free(&found);
    }
    ormc_rollback(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_sales_report),
        ORMC_BACKEND_TEST(test_ship_a_paid_order_once),
        ORMC_BACKEND_TEST(test_join_and_left_join),
    };
    return ormc_test_run_backends("examples_reports", tests);
}
