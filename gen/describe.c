/*
 * describe.c: the generator's window on SQLite (ormc_describe).
 *
 * The Lua generator cannot open a database, yet it must check each query of
 * a schema against that schema's tables and learn its parameters and the
 * origin of its result columns. This program does it: it creates the
 * schema's SQLite DDL in an in-memory database, prepares each query there
 * (never runs it) and prints what SQLite says. gen/query.lua runs it and
 * reads the answer (docs/queries.md).
 *
 * Input (stdin), lengths in bytes, so that the texts need no quoting:
 *
 *   <n>\n<n bytes of DDL>
 *   <name>\t<n>\n<n bytes of SQL>       once per query
 *
 * Output (stdout), one record a line, fields separated by tabs, with tab,
 * newline, carriage return and backslash written \t \n \r \\ (the
 * protocol of describe_io.h, which describe_pg.c shares):
 *
 *   query   <name>
 *   error   <SQLite's message>                 (then nothing else)
 *   param   <index from 1>  <name, with its ':'>
 *   column  <index from 0>  <name>  <table>  <column>  <declared type>
 *   end
 *
 * table and column are empty when the result column is no table's column
 * (an expression). Exit 0 when every record was written, whatever the
 * queries held; 1 when the DDL itself failed or the input was malformed
 * (a bug of the generator, not of the schema).
 *
 * `ormc_describe --read FILE` is its other use, `ormc pull`'s window on an
 * existing database (gen/pull.lua, docs/pull.md): it opens FILE read-only
 * and runs the catalog queries on stdin, each <name>\t<n>\n<SQL> as above,
 * in one read transaction, printing their rows:
 *
 *   query   <name>
 *   row     <value>...                         (NULL written \N)
 *   error   <SQLite's message>                 (then nothing else)
 *   end
 *
 * Exit 1 (the message on stderr) when FILE cannot be opened as a database.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "describe_io.h"

/* True when s holds only blanks and SQL comments. */
static bool only_blank(const char *s)
{
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ';')
            s++;
        else if (s[0] == '-' && s[1] == '-')
            s += strcspn(s, "\n");
        else if (s[0] == '/' && s[1] == '*') {
            const char *end = strstr(s + 2, "*/");
            if (end == NULL)
                return true;
            s = end + 2;
        } else
            return false;
    }
    return true;
}

static void describe(void *ctx, const char *name, const char *sql)
{
    sqlite3 *db = ctx;
    fputs("query", stdout);
    put_field(name);
    putchar('\n');
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, &tail);
    if (rc != SQLITE_OK || st == NULL) {
        fputs("error", stdout);
        put_field(rc != SQLITE_OK ? sqlite3_errmsg(db)
                                  : "the text holds no statement");
        fputs("\nend\n", stdout);
        sqlite3_finalize(st);
        return;
    }
    if (tail != NULL && !only_blank(tail)) {
        fputs("error", stdout);
        put_field("the text holds more than one statement");
        fputs("\nend\n", stdout);
        sqlite3_finalize(st);
        return;
    }
    int n = sqlite3_bind_parameter_count(st);
    for (int i = 1; i <= n; i++) {
        printf("param\t%d", i);
        put_field(sqlite3_bind_parameter_name(st, i));
        putchar('\n');
    }
    int cols = sqlite3_column_count(st);
    for (int i = 0; i < cols; i++) {
        printf("column\t%d", i);
        put_field(sqlite3_column_name(st, i));
        put_field(sqlite3_column_table_name(st, i));
        put_field(sqlite3_column_origin_name(st, i));
        put_field(sqlite3_column_decltype(st, i));
        putchar('\n');
    }
    fputs("end\n", stdout);
    sqlite3_finalize(st);
}

/* One value of a row. */
static void put_value(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        put_null();
    else
        put_field((const char *)sqlite3_column_text(st, i));
}

/* Run one catalog query of --read and print its rows. */
static void read_rows(void *ctx, const char *name, const char *sql)
{
    sqlite3 *db = ctx;
    fputs("query", stdout);
    put_field(name);
    putchar('\n');
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        fputs("row", stdout);
        for (int i = 0; i < sqlite3_column_count(st); i++)
            put_value(st, i);
        putchar('\n');
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE) {
        fputs("error", stdout);
        put_field(sqlite3_errmsg(db));
        putchar('\n');
    }
    fputs("end\n", stdout);
    sqlite3_finalize(st);
}

/* --read FILE: the catalog queries on stdin, run on FILE opened read-only
 * (never created: a missing file is an error, not an empty database). */
static int read_catalog(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN; SELECT count(*) FROM sqlite_master", NULL,
                     NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "ormc_describe: cannot read %s: %s\n", path,
                db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return 1;
    }
    bool ok = each_text("ormc_describe", read_rows, db);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    return ok && fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--read") == 0)
        return read_catalog(argv[2]);
    if (argc != 1) {
        fprintf(stderr, "usage: ormc_describe < input\n"
                        "       ormc_describe --read FILE < queries\n");
        return 1;
    }
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        fprintf(stderr, "ormc_describe: cannot open an in-memory SQLite\n");
        return 1;
    }
    bool bad = false;
    char *ddl = read_block(stdin, &bad);
    if (ddl == NULL) {
        fprintf(stderr, "ormc_describe: no DDL on stdin\n");
        return 1;
    }
    char *err = NULL;
    if (sqlite3_exec(db, ddl, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "ormc_describe: the schema's DDL failed: %s\n",
                err ? err : "?");
        return 1;
    }
    free(ddl);
    bool ok = each_text("ormc_describe", describe, db);
    sqlite3_close(db);
    return ok && fflush(stdout) == 0 ? 0 : 1;
}
