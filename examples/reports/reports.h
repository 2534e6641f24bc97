/*
 * reports.h: a shop's reports, on the typed SQL queries of schema/shop.lua
 * (docs/queries.md): a GROUP BY with aggregates, a subquery streamed by a
 * cursor, an UPDATE that reports what it changed.
 */
#ifndef REPORTS_H
#define REPORTS_H

#include <stdio.h>

#include "shop.h"

/* Write the sales report to out: each product with its order lines and
 * what they brought in, then the customers who never ordered. ORMC_OK, or
 * the status of the query that failed (ormc_errmsg(db) says why). */
int reports_sales(ormc_db *db, FILE *out);

/* Ship order `id`, stamped `at`, if it is paid: ORMC_OK when it was,
 * ORMC_NOT_FOUND when no paid order has that id, or an error. */
int reports_ship(ormc_db *db, int64_t id, ormc_time at);

#endif
