/*
 * describe_io.h: the text protocol of the generator's database helpers,
 * describe.c (ormc_describe) and describe_pg.c (ormc_describe_pg), shared
 * by both so that the Lua side (gen/query.lua, gen/pull.lua) reads one
 * format.
 *
 * Input: texts, each "<name>\t<n>\n" then n bytes (lengths in bytes, so
 * that the texts need no quoting); ormc_describe's and ormc_describe_pg's
 * query mode read a DDL block "<n>\n<n bytes>" first.
 *
 * Output: one record a line, fields separated by tabs, with tab, newline,
 * carriage return and backslash written \t \n \r \\ (and a NULL value \N,
 * which no escaped text can be).
 *
 * A header of static functions, not a library: each program is one
 * translation unit, which the generator can compile by itself when no
 * build has made it (gen/query.lua).
 */
#ifndef ORMC_DESCRIBE_IO_H
#define ORMC_DESCRIBE_IO_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* One field, escaped: a tab, then the text. */
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

/* A NULL value: \N. */
static void put_null(void)
{
    fputs("\t\\N", stdout);
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

/* Call fn(ctx, name, text) for each named text on stdin, to its end.
 * False when the input was malformed (the message on stderr, naming
 * prog). */
static bool each_text(const char *prog,
                      void (*fn)(void *ctx, const char *name, const char *text),
                      void *ctx)
{
    bool bad = false;
    char name[256];
    while (read_name(stdin, name, sizeof name) != NULL) {
        char *text = read_block(stdin, &bad);
        if (text == NULL) {
            bad = true;
            break;
        }
        fn(ctx, name, text);
        free(text);
    }
    if (bad)
        fprintf(stderr, "%s: malformed input\n", prog);
    return !bad;
}

#endif
