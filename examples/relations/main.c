/*
 * ormc_relations: the record catalogue of relations.h, printed with its
 * artists and tracks in three statements, and filtered by a condition on
 * the albums, counting the statements sent with the trace hook.
 *
 * It runs on the SQLite file ormc-relations.db in the current directory
 * (re-created on every run, and left behind), or on the database ORMC_URL
 * names, e.g. ORMC_URL=postgresql://localhost/mydb (where it drops and
 * re-creates the tables artist, album and track).
 */
#include <stdio.h>
#include <stdlib.h>

#include "relations.h"

static ormc_db *db;

static void check(int rc, const char *what)
{
    if (rc == ORMC_OK)
        return;
    fprintf(stderr, "ormc_relations: %s: %s: %s\n", what, ormc_strstatus(rc),
            ormc_errmsg(db));
    ormc_close(db);
    exit(1);
}

static void count(void *ctx, const ormc_trace_event *ev)
{
    (void)ev;
    ++*(int *)ctx;
}

int main(void)
{
    const char *url = getenv("ORMC_URL");
    /* autocommit: each read goes alone, so that the trace counts only the
     * statements the calls need (no BEGIN) */
    ormc_options opts = ORMC_OPTIONS_INIT;
    opts.autocommit = 1;
    check(ormc_open_with(url && *url ? url : "sqlite:ormc-relations.db", &opts,
                         &db),
          "open");
    check(catalog_schema_drop(db), "drop the old tables");
    check(relations_seed(db), "seed");

    int statements = 0;
    ormc_set_trace(db, count, &statements);
    check(relations_print_albums(db, stdout), "print the albums");
    printf("(%d statements)\n\n", statements);
    statements = 0;
    check(relations_print_long_tracks(db, stdout, 1960, 9 * 60),
          "print the long tracks");
    printf("(%d statement)\n", statements);
    ormc_set_trace(db, NULL, NULL);
    ormc_close(db);
    return 0;
}
