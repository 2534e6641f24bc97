/*
 * ormc_uv.c: the libuv adapter of ormc's asynchronous batches
 * (ormc_uv.h). One uv_poll_t per connection descriptor: made when ormc
 * first asks for an event, closed when the descriptor goes away (a
 * PostgreSQL reconnect gives a new socket; ormc_close ends it).
 */
/* uv.h names POSIX types (pthread_rwlock_t) that strict C11 hides */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>

#include "ormc_uv.h"

struct ormc_uv {
    uv_loop_t *loop;
    ormc_db *db;     /* the connection watched */
    uv_poll_t *poll; /* the watcher of the current descriptor; NULL: none */
};

static void poll_closed(uv_handle_t *h)
{
    free(h);
}

static void drop_poll(ormc_uv *w)
{
    if (!w->poll)
        return;
    uv_poll_stop(w->poll);
    uv_close((uv_handle_t *)w->poll, poll_closed);
    w->poll = NULL;
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    ormc_db *db = ((ormc_uv *)h->data)->db;
    /* an error on the descriptor: let ormc read it and find out */
    if (status < 0)
        events = UV_READABLE | UV_WRITABLE;
    if (events & UV_WRITABLE)
        ormc_async_on_writable(db);
    if (events & UV_READABLE)
        ormc_async_on_readable(db);
}

/* ormc's watch hook: what to wait for on which descriptor. */
static void watch(ormc_db *db, int fd, int events, void *ctx)
{
    ormc_uv *w = ctx;
    (void)db;
    if (fd < 0) {
        drop_poll(w);
        return;
    }
    if (!w->poll) {
        w->poll = malloc(sizeof *w->poll);
        if (!w->poll)
            return;
        if (uv_poll_init(w->loop, w->poll, fd) != 0) {
            free(w->poll);
            w->poll = NULL;
            return;
        }
        w->poll->data = w;
    }
    int uv_events = 0;
    if (events & ORMC_ASYNC_READ)
        uv_events |= UV_READABLE;
    if (events & ORMC_ASYNC_WRITE)
        uv_events |= UV_WRITABLE;
    if (uv_events)
        uv_poll_start(w->poll, uv_events, on_poll);
    else
        uv_poll_stop(w->poll);
}

ormc_uv *ormc_uv_attach(uv_loop_t *loop, ormc_db *db)
{
    if (!loop || !db)
        return NULL;
    ormc_uv *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->loop = loop;
    w->db = db;
    ormc_async_set_watch(db, watch, w);
    return w;
}

void ormc_uv_detach(ormc_uv *w)
{
    if (!w)
        return;
    ormc_async_set_watch(w->db, NULL, NULL);
    drop_poll(w);
    free(w);
}
