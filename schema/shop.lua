-- A small shop: every column type of the DSL, a composite primary key,
-- foreign keys with on_delete, an enum, named and unique indexes, a unique {}
-- constraint, docs, and reporting queries. The examples and the tests use it.
return schema "shop" {
    doc = "A small web shop: customers, products, orders and their lines.",

    table "customer" {
        sql_name = "customers",
        doc = "A person who can place orders.",
        uuid      "id"         { primary_key = true,
                                 doc = "Assigned by the application." },
        text      "email"      { max = 254, not_null = true, unique = true,
                                 doc = "Login and contact address." },
        text      "name"       { max = 100, not_null = true,
                                 doc = "Display name." },
        json      "preferences" { default = "{}",
                                  doc = "Free-form settings, as JSON." },
        boolean   "newsletter" { not_null = true, default = false,
                                 doc = "Opted in to the newsletter." },
        timestamp "created_at" { not_null = true, default = now,
                                 doc = "When the account was made." },
    },

    table "product" {
        sql_name = "products",
        doc = "Something for sale.",
        serial    "id"         { doc = "Internal number." },
        text      "sku"        { max = 32, not_null = true,
                                 doc = "Stock keeping unit, as printed on the label." },
        text      "title"      { not_null = true, doc = "Shown in the catalogue." },
        integer   "price_cents" { not_null = true, doc = "Unit price in cents." },
        double    "weight_kg"  { doc = "Shipping weight; NULL when unknown." },
        integer   "stock"      { not_null = true, default = 0,
                                 doc = "Units in the warehouse." },
        blob      "thumbnail"  { doc = "A small PNG." },
        text      "old_title"  { renamed_from = "legacy_title",
                                 doc = "The title before the 2024 relabelling." },
        unique { "sku", doc = "One product per SKU." },
        index { "title", name = "products_by_title", doc = "Catalogue search." },
    },

    table "order" {
        sql_name = "orders",
        doc = "A customer's order.",
        bigint    "id"          { primary_key = true,
                                  doc = "Order number, assigned by the shop." },
        uuid      "customer_id" { not_null = true, references = "customer.id",
                                  on_delete = "restrict",
                                  doc = "Who ordered." },
        enum      "status"      { values = { "pending", "paid", "shipped",
                                             "cancelled" },
                                  not_null = true, default = "pending",
                                  doc = "Where the order is in its life." },
        text      "note"        { max = 500, doc = "The customer's remark." },
        timestamp "placed_at"   { not_null = true, default = now,
                                  doc = "When it was placed." },
        timestamp "shipped_at"  { doc = "When it left; NULL before." },
        index { "customer_id", "placed_at", doc = "A customer's orders, newest last." },
        index { "status", "placed_at", name = "orders_open",
                doc = "The orders still to handle." },
    },

    table "line" {
        sql_name = "order_lines",
        doc = "One product in an order.",
        bigint    "order_id"   { not_null = true, references = "order.id",
                                 on_delete = "cascade",
                                 doc = "The order it belongs to." },
        integer   "line_no"    { not_null = true, doc = "Position in the order, from 1." },
        bigint    "product_id" { references = "product.id", on_delete = "set_null",
                                 doc = "What was ordered; NULL once the product is gone." },
        integer   "quantity"   { not_null = true, default = 1,
                                 doc = "How many." },
        integer   "price_cents" { not_null = true,
                                  doc = "Unit price when ordered." },
        primary_key { "order_id", "line_no" },
        index { "order_id", "product_id", unique = true,
                name = "order_lines_one_per_product",
                doc = "A product appears once per order." },
    },

    -- Reports (docs/queries.md): typed SQL queries over the tables above.

    query "order_lines" {
        doc = "The lines of an order with what each product is: a join.",
        returns = "many",
        sql = [[
            SELECT l.line_no, p.sku, p.title, l.quantity, l.price_cents
            FROM order_lines l
            JOIN products p ON p.id = l.product_id
            WHERE l.order_id = :order_id
            ORDER BY l.line_no
        ]],
    },

    query "customer_orders" {
        doc = "Every customer with each of their orders; a customer without "
            .. "orders comes once, with NULLs: a LEFT JOIN.",
        returns = "many",
        sql = [[
            SELECT c.email, o.id AS order_id, o.status, o.placed_at
            FROM customers c
            LEFT JOIN orders o ON o.customer_id = c.id
            ORDER BY c.email, o.id
        ]],
    },

    query "product_sales" {
        doc = "How many order lines each product has and what they brought "
            .. "in (NULL when none): a GROUP BY with aggregates.",
        returns = "many",
        sql = [[
            SELECT p.id, p.title, count(l.order_id) AS lines,
                   sum(l.quantity * l.price_cents) AS revenue_cents
            FROM products p
            LEFT JOIN order_lines l ON l.product_id = p.id
            GROUP BY p.id, p.title
            ORDER BY p.id
        ]],
        columns = { revenue_cents = { type = "bigint" } },
    },

    query "idle_customers" {
        doc = "The customers who never ordered: a subquery.",
        returns = "many",
        sql = [[
            SELECT c.id, c.email
            FROM customers c
            WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)
            ORDER BY c.email
        ]],
    },

    query "orders_in_status" {
        doc = "How many orders are in a status.",
        returns = "one",
        sql = "SELECT count(*) AS n FROM orders WHERE status = :status",
    },

    query "ship_order" {
        doc = "Mark a paid order shipped; changes nothing otherwise.",
        returns = "exec",
        sql = [[
            UPDATE orders SET status = 'shipped', shipped_at = :at
            WHERE id = :id AND status = 'paid'
        ]],
    },

    query "search_products" {
        doc = "Products whose title matches a pattern, ignoring case: "
            .. "PostgreSQL's ILIKE.",
        returns = "many",
        dialects = { "postgres" },
        sql = [[
            SELECT p.id, p.sku, p.title
            FROM products p
            WHERE p.title ILIKE :pattern
            ORDER BY p.id
        ]],
    },
}
