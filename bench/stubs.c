/*
 * bench/stubs.c: stand-ins for engine calls that this build's runtime does
 * not define yet, so that the generated API links while parts of the runtime
 * are still being written. Each returns ORMC_UNSUPPORTED (or does nothing),
 * and the benchmark reports the workloads that need it as skipped.
 *
 * bench/CMakeLists.txt runs bench/stubs.sh on the built libormc.a, which
 * writes stubs_have.h: one ORMC_BENCH_HAVE_<name> per engine call the
 * library defines. Once the runtime has every call, this file is empty.
 */
#include "ormc.h"
#include "stubs_have.h"

#ifndef ORMC_BENCH_HAVE_ormc_row_insert
int ormc_row_insert(ormc_db *db, const ormc_table *t, void *row)
{
    (void)db, (void)t, (void)row;
    return ORMC_UNSUPPORTED;
}
#endif

#ifndef ORMC_BENCH_HAVE_ormc_row_insert_many
int ormc_row_insert_many(ormc_db *db, const ormc_table *t, const void *rows,
                         size_t n)
{
    (void)db, (void)t, (void)rows, (void)n;
    return ORMC_UNSUPPORTED;
}
#endif

#ifndef ORMC_BENCH_HAVE_ormc_row_update_columns
int ormc_row_update_columns(ormc_db *db, const ormc_table *t, const void *row,
                            ormc_colset set)
{
    (void)db, (void)t, (void)row, (void)set;
    return ORMC_UNSUPPORTED;
}
#endif

#ifndef ORMC_BENCH_HAVE_ormc_row_upsert
int ormc_row_upsert(ormc_db *db, const ormc_table *t, void *row,
                    ormc_colset conflict)
{
    (void)db, (void)t, (void)row, (void)conflict;
    return ORMC_UNSUPPORTED;
}
#endif

#ifndef ORMC_BENCH_HAVE_ormc_row_find_or_create
int ormc_row_find_or_create(ormc_db *db, const ormc_table *t, void *row,
                            ormc_colset key, bool *created)
{
    (void)db, (void)t, (void)row, (void)key;
    if (created)
        *created = false;
    return ORMC_UNSUPPORTED;
}
#endif

#ifndef ORMC_BENCH_HAVE_ormc_row_fixture_insert
int ormc_row_fixture_insert(ormc_db *db, const ormc_table *t, uint64_t seq,
                            void *row)
{
    (void)db, (void)t, (void)seq, (void)row;
    return ORMC_UNSUPPORTED;
}
#endif

#ifndef ORMC_BENCH_HAVE_ormc_builder_first
int ormc_builder_first(ormc_db *db, const ormc_builder *q, void *row)
{
    (void)db, (void)q, (void)row;
    return ORMC_UNSUPPORTED;
}
#endif

#ifndef ORMC_BENCH_HAVE_ormc_builder_all
int ormc_builder_all(ormc_db *db, const ormc_builder *q, void **items,
                     size_t *count)
{
    (void)db, (void)q;
    *items = NULL;
    *count = 0;
    return ORMC_UNSUPPORTED;
}
#endif

#ifndef ORMC_BENCH_HAVE_ormc_builder_count
int ormc_builder_count(ormc_db *db, const ormc_builder *q, int64_t *n)
{
    (void)db, (void)q, (void)n;
    return ORMC_UNSUPPORTED;
}
#endif

#ifndef ORMC_BENCH_HAVE_ormc_builder_exists
int ormc_builder_exists(ormc_db *db, const ormc_builder *q, bool *exists)
{
    (void)db, (void)q, (void)exists;
    return ORMC_UNSUPPORTED;
}
#endif

#ifndef ORMC_BENCH_HAVE_ormc_builder_delete
int ormc_builder_delete(ormc_db *db, const ormc_builder *q, int64_t *deleted)
{
    (void)db, (void)q, (void)deleted;
    return ORMC_UNSUPPORTED;
}
#endif

#ifndef ORMC_BENCH_HAVE_ormc_builder_update
int ormc_builder_update(ormc_db *db, const ormc_builder *q, const void *values,
                        ormc_colset set, int64_t *changed)
{
    (void)db, (void)q, (void)values, (void)set, (void)changed;
    return ORMC_UNSUPPORTED;
}
#endif

#ifndef ORMC_BENCH_HAVE_ormc_list_free
void ormc_list_free(const ormc_table *t, void *items, size_t count)
{
    (void)t, (void)count;
    (void)items;
}
#endif

#ifndef ORMC_BENCH_HAVE_ormc_cursor_open
int ormc_cursor_open(ormc_db *db, const ormc_builder *q, ormc_cursor **cur)
{
    (void)db, (void)q;
    *cur = NULL;
    return ORMC_UNSUPPORTED;
}
#endif

#ifndef ORMC_BENCH_HAVE_ormc_cursor_next
int ormc_cursor_next(ormc_cursor *cur, void *row)
{
    (void)cur, (void)row;
    return ORMC_UNSUPPORTED;
}
#endif

#ifndef ORMC_BENCH_HAVE_ormc_cursor_close
void ormc_cursor_close(ormc_cursor *cur)
{
    (void)cur;
}
#endif

/* ISO C wants a translation unit to declare something. */
typedef int ormc_bench_stubs_unit;
