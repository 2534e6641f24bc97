/*
 * sql_query.h: checking out the statement of a schema's SQL query
 * (sql_query.c), for the cursor that streams its rows (cursor.c).
 */
#ifndef ORMC_SQL_QUERY_H
#define ORMC_SQL_QUERY_H

#include "ormc_int.h"
#include "session.h"

/* Check out q's statement for db's dialect (from the statement cache, or
 * new) and bind params to it. Clears the connection's error first.
 * ORMC_OK with *out, or an error recorded on db. */
int ormc__sql_open(ormc_db *db, const ormc_sql_query *q, const void *params,
                   ormc__stmt **out /* OUT */);

#endif
