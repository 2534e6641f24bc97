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
 * newline, carriage return and backslash written \t \n \r \\:
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
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One field, escaped as the header says. */
static void put_field(const char *s)
{
    putchar('\t');
    for (; s != NULL && *s; s++) {
        switch (*s) {
        case '\t':
            fputs("\\t", stdout);
            break;
        case '\n':
            fputs("\\n", stdout);
            break;
        case '\r':
            fputs("\\r", stdout);
            break;
        case '\\':
            fputs("\\\\", stdout);
            break;
        default:
            putchar(*s);
        }
    }
}

/* Read "<n>\n" then n bytes; NUL-terminated, or NULL at EOF or on bad
 * input (*bad set). */
static char *read_block(FILE *in, bool *bad)
{
    long n;
    if (fscanf(in, "%ld", &n) != 1 || n < 0 || fgetc(in) != '\n') {
        *bad = !feof(in);
        return NULL;
    }
    char *text = malloc((size_t)n + 1);
    if (text == NULL || fread(text, 1, (size_t)n, in) != (size_t)n) {
        free(text);
        *bad = true;
        return NULL;
    }
    text[n] = '\0';
    return text;
}

/* Read "<name>\t"; the name is at most 255 bytes (query names are short
 * identifiers). NULL at EOF. */
static char *read_name(FILE *in, char *buf, size_t size)
{
    size_t k = 0;
    int c;
    while ((c = fgetc(in)) != EOF && c != '\t') {
        if (k + 1 < size)
            buf[k++] = (char)c;
    }
    if (c == EOF)
        return NULL;
    buf[k] = '\0';
    return buf;
}

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

static void describe(sqlite3 *db, const char *name, const char *sql)
{
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

int main(void)
{
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
    char name[256];
    while (read_name(stdin, name, sizeof name) != NULL) {
        char *sql = read_block(stdin, &bad);
        if (sql == NULL) {
            bad = true;
            break;
        }
        describe(db, name, sql);
        free(sql);
    }
    sqlite3_close(db);
    if (bad) {
        fprintf(stderr, "ormc_describe: malformed input\n");
        return 1;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
