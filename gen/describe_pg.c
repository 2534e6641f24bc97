/*
 * describe_pg.c: the generator's window on a live PostgreSQL
 * (ormc_describe_pg), for `ormc check --url` (docs/queries.md).
 *
 * It connects to the URL given as its one argument, and in a transaction
 * that it always rolls back creates a schema of its own, runs the schema's
 * PostgreSQL DDL there, and prepares each query (never runs it), asking
 * PostgreSQL what it made of it (PQdescribePrepared). Nothing is left
 * behind. gen/query.lua runs it and compares the answer with the types it
 * generated.
 *
 * Input (stdin), as ormc_describe's: <n>\n<DDL>, then <name>\t<n>\n<SQL>
 * per query, with $N parameters. Output (stdout), as ormc_describe's, with
 * type OIDs:
 *
 *   query   <name>
 *   error   <PostgreSQL's message>
 *   param   <index from 1>  <type OID>  <type name>
 *   column  <index from 0>  <name>  <type OID>  <type name>
 *   end
 *
 * Exit 0 when every record was written; 1 when the connection, the schema
 * or its DDL failed (the message on stderr), or the input was malformed.
 *
 * `ormc_describe_pg --read URL` is `ormc pull`'s window on an existing
 * database (gen/pull.lua, docs/pull.md): it runs the catalog queries on
 * stdin, each <name>\t<n>\n<SQL>, in one read-only transaction (one
 * snapshot of the catalog) that it rolls back, printing their rows:
 *
 *   query   <name>
 *   row     <value>...                         (NULL written \N)
 *   error   <PostgreSQL's message>             (then nothing else)
 *   end
 */
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "describe_io.h"
#include <unistd.h>

/* Run a command; false (and the message on stderr) when it failed. */
static bool run(PGconn *pg, const char *sql, const char *what)
{
    PGresult *r = PQexec(pg, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
              PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "ormc_describe_pg: %s: %s", what,
                PQresultErrorMessage(r));
    PQclear(r);
    return ok;
}

/* The name of type oid (format_type), or "?". */
static void put_type(PGconn *pg, unsigned oid)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT format_type(%u, NULL)", oid);
    PGresult *r = PQexec(pg, sql);
    printf("\t%u", oid);
    put_field(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
                  ? PQgetvalue(r, 0, 0)
                  : "?");
    PQclear(r);
}

/* The primary message of a failed result (no "ERROR:", no position),
 * without its trailing newline. */
static void put_message(const PGresult *r)
{
    const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    if (msg == NULL)
        msg = PQresultErrorMessage(r);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    char *copy = malloc(n + 1);
    if (copy == NULL) {
        put_field("out of memory");
        return;
    }
    memcpy(copy, msg, n);
    copy[n] = '\0';
    put_field(copy);
    free(copy);
}

static void describe(void *ctx, const char *name, const char *sql)
{
    PGconn *pg = ctx;
    fputs("query", stdout);
    put_field(name);
    putchar('\n');
    run(pg, "SAVEPOINT ormc_describe", "savepoint");
    PGresult *r = PQprepare(pg, "", sql, 0, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fputs("error", stdout);
        put_message(r);
        fputs("\nend\n", stdout);
        PQclear(r);
        run(pg, "ROLLBACK TO SAVEPOINT ormc_describe", "rollback");
        return;
    }
    PQclear(r);
    r = PQdescribePrepared(pg, "");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fputs("error", stdout);
        put_message(r);
        fputs("\nend\n", stdout);
        PQclear(r);
        run(pg, "ROLLBACK TO SAVEPOINT ormc_describe", "rollback");
        return;
    }
    for (int i = 0; i < PQnparams(r); i++) {
        printf("param\t%d", i + 1);
        put_type(pg, PQparamtype(r, i));
        putchar('\n');
    }
    for (int i = 0; i < PQnfields(r); i++) {
        printf("column\t%d", i);
        put_field(PQfname(r, i));
        put_type(pg, PQftype(r, i));
        putchar('\n');
    }
    fputs("end\n", stdout);
    PQclear(r);
    run(pg, "RELEASE SAVEPOINT ormc_describe", "release");
}

/* Run one catalog query of --read and print its rows. */
static void read_rows(void *ctx, const char *name, const char *sql)
{
    PGconn *pg = ctx;
    fputs("query", stdout);
    put_field(name);
    putchar('\n');
    run(pg, "SAVEPOINT ormc_read", "savepoint");
    PGresult *r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fputs("error", stdout);
        put_message(r);
        putchar('\n');
        run(pg, "ROLLBACK TO SAVEPOINT ormc_read", "rollback");
    } else {
        for (int i = 0; i < PQntuples(r); i++) {
            fputs("row", stdout);
            for (int j = 0; j < PQnfields(r); j++) {
                if (PQgetisnull(r, i, j))
                    put_null();
                else
                    put_field(PQgetvalue(r, i, j));
            }
            putchar('\n');
        }
        run(pg, "RELEASE SAVEPOINT ormc_read", "release");
    }
    fputs("end\n", stdout);
    PQclear(r);
}

/* Each text on stdin through fn, then the transaction rolled back and the
 * connection closed; the exit status. */
static int serve(PGconn *pg,
                 void (*fn)(void *ctx, const char *name, const char *text))
{
    bool ok = each_text("ormc_describe_pg", fn, pg);
    run(pg, "ROLLBACK", "rollback");
    PQfinish(pg);
    return ok && fflush(stdout) == 0 ? 0 : 1;
}

/* --read: the catalog queries on stdin, in a read-only transaction. */
static int read_catalog(PGconn *pg)
{
    if (!run(pg,
             "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; "
             "SET LOCAL client_min_messages = warning",
             "cannot read the catalog")) {
        PQfinish(pg);
        return 1;
    }
    return serve(pg, read_rows);
}

int main(int argc, char **argv)
{
    bool read = argc == 3 && strcmp(argv[1], "--read") == 0;
    if (argc != 2 && !read) {
        fprintf(stderr, "usage: ormc_describe_pg URL < input\n"
                        "       ormc_describe_pg --read URL < queries\n");
        return 1;
    }
    PGconn *pg = PQconnectdb(argv[argc - 1]);
    if (PQstatus(pg) != CONNECTION_OK) {
        fprintf(stderr, "ormc_describe_pg: cannot connect: %s",
                PQerrorMessage(pg));
        PQfinish(pg);
        return 1;
    }
    if (read)
        return read_catalog(pg);
    bool bad = false;
    char *ddl = read_block(stdin, &bad);
    if (ddl == NULL) {
        fprintf(stderr, "ormc_describe_pg: no DDL on stdin\n");
        PQfinish(pg);
        return 1;
    }
    /* A schema of its own, in a transaction that is never committed. */
    char setup[160];
    snprintf(setup, sizeof setup,
             "BEGIN; SET LOCAL client_min_messages = warning; "
             "CREATE SCHEMA ormc_describe_%ld; "
             "SET LOCAL search_path TO ormc_describe_%ld",
             (long)getpid(), (long)getpid());
    if (!run(pg, setup, "cannot make a schema to check in") ||
        !run(pg, ddl, "the schema's DDL failed")) {
        PQfinish(pg);
        return 1;
    }
    free(ddl);
    return serve(pg, describe);
}
