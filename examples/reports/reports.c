/*
 * reports.c: see reports.h.
 */
#include "reports.h"

#include <inttypes.h>

int reports_sales(ormc_db *db, FILE *out)
{
    shop_product_sales_list sales;
    int rc = shop_product_sales(db, &sales);
    if (rc != ORMC_OK)
        return rc;
    fprintf(out, "product sales\n");
    for (size_t i = 0; i < sales.count; i++) {
        const shop_product_sales_row *r = &sales.items[i];
        /* a product never ordered has no lines to sum: NULL (LEFT JOIN) */
        fprintf(out, "  %s: %" PRId64 " lines, %" PRId64 " cents\n", r->title,
                r->lines, r->has_revenue_cents ? r->revenue_cents : 0);
    }
    shop_product_sales_list_free(&sales);

    /* streamed: the list of idle customers may be long */
    shop_idle_customers_cursor cur;
    if ((rc = shop_idle_customers_cursor_open(db, &cur)) != ORMC_OK)
        return rc;
    fprintf(out, "never ordered\n");
    shop_idle_customers_row row;
    while ((rc = shop_idle_customers_cursor_next(&cur, &row)) == ORMC_ROW)
        fprintf(out, "  %s\n", row.email);
    shop_idle_customers_cursor_close(&cur);
    return rc == ORMC_DONE ? ORMC_OK : rc;
}

int reports_ship(ormc_db *db, int64_t id, ormc_time at)
{
    shop_ship_order_params p = {.id = id, .at = at};
    int64_t changed = 0;
    int rc = shop_ship_order(db, &p, &changed);
    if (rc != ORMC_OK)
        return rc;
    return changed == 1 ? ORMC_OK : ORMC_NOT_FOUND;
}
