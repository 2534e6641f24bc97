/*
 * buf.c: the growable byte string of buf.h.
 */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

void ormc__buf_init(ormc__buf *b, char *storage, size_t size)
{
    b->len = 0;
    b->heap = false;
    b->failed = false;
    b->sink = false;
    if (storage != NULL && size > 0) {
        b->data = storage;
        b->cap = size;
        b->data[0] = '\0';
    } else {
        b->data = NULL;
        b->cap = 0;
    }
}

void ormc__buf_free(ormc__buf *b)
{
    if (b == NULL)
        return;
    if (b->heap)
        free(b->data);
    b->data = NULL;
    b->cap = 0;
    b->len = 0;
    b->heap = false;
    b->failed = false;
}

void ormc__buf_clear(ormc__buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data != NULL)
        b->data[0] = '\0';
}

bool ormc__buf_reserve(ormc__buf *b, size_t more)
{
    if (b->failed || b->sink)
        return false;
    if (more < b->cap && b->len < b->cap - more)
        return true; /* len + more + 1 <= cap */
    if (more > SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + more + 1;
    size_t cap = b->cap < 64 ? 64 : b->cap;
    while (cap < need)
        cap *= 2;
    char *data;
    if (b->heap) {
        data = realloc(b->data, cap);
    } else {
        data = malloc(cap);
        if (data != NULL && b->data != NULL)
            memcpy(data, b->data, b->len + 1);
    }
    if (data == NULL) {
        b->failed = true;
        return false;
    }
    if (!b->heap && b->data == NULL)
        data[0] = '\0';
    b->data = data;
    b->cap = cap;
    b->heap = true;
    return true;
}

void ormc__buf_append(ormc__buf *b, const void *bytes, size_t n)
{
    if (b->sink || !ormc__buf_reserve(b, n))
        return;
    if (n > 0)
        memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void ormc__buf_puts(ormc__buf *b, const char *s)
{
    if (b->sink)
        return; /* not even the strlen */
    ormc__buf_append(b, s, strlen(s));
}

void ormc__buf_putc(ormc__buf *b, char c)
{
    ormc__buf_append(b, &c, 1);
}

void ormc__buf_put_ident(ormc__buf *b, const char *name)
{
    if (b->sink)
        return; /* the quoting loop is the costly part: skip it too */
    ormc__buf_putc(b, '"');
    for (const char *p = name;; p++) {
        const char *q = strchr(p, '"');
        if (q == NULL) {
            ormc__buf_puts(b, p);
            break;
        }
        ormc__buf_append(b, p, (size_t)(q - p + 1)); /* up to the quote */
        ormc__buf_putc(b, '"');                      /* and once more */
        p = q;
    }
    ormc__buf_putc(b, '"');
}

void ormc__buf_put_u64(ormc__buf *b, uint64_t v)
{
    char digits[20];
    size_t n = 0;
    do {
        digits[sizeof digits - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    ormc__buf_append(b, digits + sizeof digits - n, n);
}
