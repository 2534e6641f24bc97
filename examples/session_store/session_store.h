/*
 * session_store.h: a server-side session store on generated code.
 *
 * A web framework's session backend over table "sessions" of
 * schema/web.lua: the cookie carries a session id, the data lives in the
 * database until the session expires. Reading a live session extends its
 * life by the configured lifetime; an expired one is deleted when read and
 * reported absent.
 *
 * Session ids are 1 to 255 characters of UTF-8 (anything else is refused
 * with ORMC_INVALID and a message from session_store_errmsg(), never
 * truncated); data is any bytes, 1 MiB and more.
 */
#ifndef SESSION_STORE_H
#define SESSION_STORE_H

#include "web.h"

typedef struct session_store {
    ormc_db *db;          /* borrowed; used by one thread at a time */
    ormc_time lifetime;   /* how long a session lives after its last use */
    ormc_invalid invalid; /* why the last call refused its input */
} session_store;

/* A store on db whose sessions live `lifetime` microseconds after their
 * last use. Creates the table when missing, or brings it up to date
 * (web_schema_migrate): ORMC_SCHEMA_DRIFT when the database holds a change
 * that needs a migration script (ormc diff). */
int session_store_open(session_store *store, ormc_db *db, ormc_time lifetime);

/*
 * The data of live session `id`, whose expiry moves to now + lifetime.
 * ORMC_OK with *session set (its data is session->data; free with
 * web_session_free), ORMC_NOT_FOUND when there is none or it had expired
 * (and is now deleted), ORMC_INVALID for a bad id.
 */
int session_store_get(session_store *store, const char *id,
                      web_session *session /* OUT */);

/* Create or replace session `id` with `len` bytes of data; its expiry is
 * reset to now + lifetime. One row per id, whatever the races (upsert). */
int session_store_set(session_store *store, const char *id, const void *data,
                      size_t len);

/* Delete session `id`; deleting an absent session is fine (ORMC_OK). */
int session_store_delete(session_store *store, const char *id);

/* Delete every session; *deleted (may be NULL) tells how many. */
int session_store_delete_all(session_store *store, int64_t *deleted);

/* Delete exactly the expired sessions; *deleted (may be NULL) tells how
 * many. */
int session_store_delete_expired(session_store *store, int64_t *deleted);

/* Why the last call returned ORMC_INVALID; else the database's message. */
const char *session_store_errmsg(const session_store *store);

#endif /* SESSION_STORE_H */
