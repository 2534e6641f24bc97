/*
 * The ormc demo: opens an embedded SQLite file (or the database named by
 * ORMC_URL), writes a row and reads it back, saying what it does.
 *
 * It leaves ormc-demo.db behind: open it with `sqlite3 ormc-demo.db`.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ormc.h"

static int fail(ormc_db *db, const char *what, int rc)
{
    fprintf(stderr, "demo: %s: %s: %s\n", what, ormc_strstatus(rc),
            ormc_errmsg(db));
    ormc_close(db);
    return 1;
}

int main(void)
{
    const char *url = getenv("ORMC_URL");
    if (!url || !*url)
        url = "sqlite:ormc-demo.db";

    ormc_db *db = NULL;
    int rc = ormc_open(url, &db);
    if (rc != ORMC_OK)
        return fail(db, "open", rc);
    printf("Opened %s.\n",
           ormc_backend_of(db) == ORMC_SQLITE ? url : "the PostgreSQL URL");

    rc = ormc_exec(db,
                   "CREATE TABLE IF NOT EXISTS greeting "
                   "(id integer PRIMARY KEY, text text NOT NULL)",
                   NULL, 0, NULL);
    if (rc != ORMC_OK)
        return fail(db, "create table", rc);

    ormc_param params[2] = {
        {.type = ORMC_TYPE_INTEGER, .u.i32 = 1},
        {.type = ORMC_TYPE_TEXT, .u.text = "Hello from ormc"},
    };
    rc = ormc_exec(db,
                   "INSERT INTO greeting (id, text) VALUES ($1, $2) "
                   "ON CONFLICT (id) DO UPDATE SET text = excluded.text",
                   params, 2, NULL);
    if (rc != ORMC_OK)
        return fail(db, "insert", rc);
    if ((rc = ormc_commit(db)) != ORMC_OK)
        return fail(db, "commit", rc);
    printf("Stored greeting 1.\n");

    ormc_result *res = NULL;
    rc = ormc_query(db, "SELECT text FROM greeting WHERE id = $1", params, 1,
                    &res);
    if (rc != ORMC_OK)
        return fail(db, "select", rc);
    while ((rc = ormc_result_next(res)) == ORMC_ROW)
        printf("Read it back: \"%s\".\n", ormc_result_text(res, 0));
    ormc_result_close(res);
    if (rc != ORMC_DONE)
        return fail(db, "select", rc);

    ormc_close(db);
    return 0;
}
