/*
 * session_store.c: server-side sessions on the generated API of
 * schema/web.lua. No SQL and no binding here.
 */
#include "session_store.h"

#include <string.h>

int session_store_open(session_store *store, ormc_db *db, ormc_time lifetime)
{
    memset(store, 0, sizeof *store);
    store->db = db;
    store->lifetime = lifetime;
    /* Creates the table when missing, and brings that of an older version
     * of the schema up to date. */
    return web_schema_migrate(db, 0);
}

const char *session_store_errmsg(const session_store *store)
{
    return store->invalid.message[0] ? store->invalid.message
                                     : ormc_errmsg(store->db);
}

/* Refuse ids the table cannot hold as given: the generated validation
 * checks NOT NULL and the 255-character limit; emptiness is ours. */
static int check_id(session_store *store, const web_session *row)
{
    store->invalid.message[0] = '\0';
    if (row->session_id && row->session_id[0] == '\0') {
        store->invalid.column = -1;
        strcpy(store->invalid.message, "session_id: must not be empty");
        return ORMC_INVALID;
    }
    return web_session_validate(row, &store->invalid);
}

int session_store_get(session_store *store, const char *id,
                      web_session *session)
{
    web_session key = WEB_SESSION_INIT;
    key.session_id = id;
    int rc = check_id(store, &key);
    if (rc != ORMC_OK)
        return rc;

    rc = web_session_get_by_session_id(store->db, id, session);
    if (rc != ORMC_OK)
        return rc;
    ormc_time now = ormc_time_now();
    if (session->has_expires && session->expires <= now) {
        web_session_free(session);
        /* Only while it is still expired: a concurrent set() may have
         * renewed it since we read it. */
        web_session_query q;
        web_session_query_init(&q);
        web_session_where_session_id(&q, ORMC_EQ, id);
        web_session_where_expires(&q, ORMC_LE, now);
        rc = web_session_delete_where(store->db, &q, NULL);
        web_session_query_free(&q);
        return rc == ORMC_OK ? ORMC_NOT_FOUND : rc;
    }
    session->has_expires = true;
    session->expires = now + store->lifetime;
    rc = web_session_update_columns(store->db, session, WEB_SESSION_EXPIRES);
    if (rc != ORMC_OK)
        web_session_free(session);
    return rc;
}

int session_store_set(session_store *store, const char *id, const void *data,
                      size_t len)
{
    if (!data && len > 0) {
        store->invalid.column = -1;
        strcpy(store->invalid.message, "data: NULL with a nonzero length");
        return ORMC_INVALID;
    }
    web_session row = WEB_SESSION_INIT;
    row.session_id = id;
    /* A zero-length session is still a session: never NULL data. */
    row.data.data = data ? data : "";
    row.data.len = len;
    row.has_expires = true;
    row.expires = ormc_time_now() + store->lifetime;
    int rc = check_id(store, &row);
    if (rc != ORMC_OK)
        return rc;
    rc = web_session_upsert(store->db, &row, WEB_SESSION_SESSION_ID);
    web_session_free(&row);
    return rc;
}

int session_store_delete(session_store *store, const char *id)
{
    web_session key = WEB_SESSION_INIT;
    key.session_id = id;
    int rc = check_id(store, &key);
    if (rc != ORMC_OK)
        return rc;
    web_session_query q;
    web_session_query_init(&q);
    web_session_where_session_id(&q, ORMC_EQ, id);
    rc = web_session_delete_where(store->db, &q, NULL);
    web_session_query_free(&q);
    return rc;
}

int session_store_delete_all(session_store *store, int64_t *deleted)
{
    store->invalid.message[0] = '\0';
    web_session_query q;
    web_session_query_init(&q);
    int rc = web_session_delete_where(store->db, &q, deleted);
    web_session_query_free(&q);
    return rc;
}

int session_store_delete_expired(session_store *store, int64_t *deleted)
{
    store->invalid.message[0] = '\0';
    web_session_query q;
    web_session_query_init(&q);
    web_session_where_expires(&q, ORMC_LE, ormc_time_now());
    int rc = web_session_delete_where(store->db, &q, deleted);
    web_session_query_free(&q);
    return rc;
}
