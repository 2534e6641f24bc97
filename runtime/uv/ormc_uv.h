/*
 * ormc_uv.h: ormc's asynchronous batches on a libuv loop.
 *
 * The whole adapter is one watch hook (ormc_async_set_watch): when ormc
 * says what to wait for on a connection's descriptor, it starts, changes
 * or stops a uv_poll_t; when libuv says the descriptor is ready, it calls
 * ormc_async_on_writable / ormc_async_on_readable. docs/async.md shows the
 * same hook for an epoll loop; one for libevent differs only in its
 * event_new / event_add / event_del calls.
 *
 * Built as the library ormc::uv when libuv's development files are there
 * (Debian's libuv1-dev).
 */
#ifndef ORMC_UV_H
#define ORMC_UV_H

#include <uv.h>

#include "ormc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ormc_uv ormc_uv;

/*
 * Watch db on loop from now on, for every batch started on it, until
 * ormc_uv_detach, which must come before ormc_close(db) (or
 * ormc_async_pool_close of db's pool). Call on the loop's thread. NULL
 * when out of memory or for a NULL argument.
 */
ormc_uv *ormc_uv_attach(uv_loop_t *loop, ormc_db *db);

/* Stop watching and free w: its uv_poll_t is closed on the loop, so the
 * memory goes at the loop's next turn. NULL is a no-op. */
void ormc_uv_detach(ormc_uv *w);

#ifdef __cplusplus
}
#endif

#endif /* ORMC_UV_H */
