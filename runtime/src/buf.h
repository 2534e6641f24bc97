/*
 * buf.h: a growable byte string for building SQL text (internal).
 *
 * A buffer starts on storage the caller lends (usually an array next to it
 * on the stack) and moves to the heap only when that is too small, so that a
 * short statement costs no allocation. Appending never fails loudly: the
 * first allocation failure is remembered in `failed`, later appends do
 * nothing, and the caller checks once at the end (as hiredis's sds users do
 * with a NULL result).
 *
 * The text is always NUL-terminated once anything was appended or
 * ormc__buf_init ran: data[len] == '\0'.
 */
#ifndef ORMC_BUF_H
#define ORMC_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ormc__buf {
    char *data;  /* the bytes, NUL-terminated; lent storage or heap */
    size_t len;  /* bytes used, not counting the NUL */
    size_t cap;  /* bytes available at data, counting the NUL */
    bool heap;   /* data was allocated here (freed by ormc__buf_free) */
    bool failed; /* an allocation failed: the content is incomplete */
    bool sink;   /* appends are dropped (a builder run for its parameters
                    alone, whose text is known): not a failure */
} ormc__buf;

/* Start an empty buffer on `storage` (size bytes, at least 1; borrowed for
 * the buffer's life), or on the heap at the first append when storage is
 * NULL. The buffer must not be copied or moved while it uses storage. */
void ormc__buf_init(ormc__buf *b, char *storage, size_t size);

/* Release heap memory; the buffer is then empty on its lent storage again
 * (or unusable until ormc__buf_init when it had none). NULL is a no-op. */
void ormc__buf_free(ormc__buf *b);

/* Forget the content and the failure, keep the memory. */
void ormc__buf_clear(ormc__buf *b);

/* Make room for `more` bytes after len (plus the NUL). false when out of
 * memory (and failed is set). */
bool ormc__buf_reserve(ormc__buf *b, size_t more);

void ormc__buf_append(ormc__buf *b, const void *bytes, size_t n);
void ormc__buf_puts(ormc__buf *b, const char *s);
void ormc__buf_putc(ormc__buf *b, char c);
/* `name` as an SQL identifier: in double quotes, each quote in it doubled
 * ("odd""name"). The runtime's one quoting of identifiers (table, column
 * and schema names); the generator quotes its own in gen/util.lua. */
void ormc__buf_put_ident(ormc__buf *b, const char *name);
/* The decimal digits of v. */
void ormc__buf_put_u64(ormc__buf *b, uint64_t v);

#endif /* ORMC_BUF_H */
