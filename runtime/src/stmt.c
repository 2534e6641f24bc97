/*
 * stmt.c: statements, the per-connection statement cache, and the rules
 * every statement obeys (reconnect, implicit BEGIN, failed transactions,
 * tracing and stats).
 *
 * The cache is keyed by each statement's identity (ormc__key: the engine's
 * statements by their shape, a caller's text by the text): a hash table
 * with an LRU list, bounded by stmt_cache_size. It owns the statements;
 * nothing else points into it.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "ormc_int.h"
#include "session.h"

static uint64_t hash_text(const char *s, size_t *len)
{
    uint64_t h = UINT64_C(1469598103934665603);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        h ^= *p++;
        h *= UINT64_C(1099511628211);
    }
    *len = (size_t)((const char *)p - s);
    return h;
}

/* A word at a time: keys are a few dozen bytes, hashed on every call. */
static uint64_t hash_key(const ormc__key *k)
{
    uint64_t h = UINT64_C(1469598103934665603) ^ k->len;
    size_t i = 0;
    for (; i + 8 <= k->len; i += 8) {
        uint64_t w;
        memcpy(&w, k->bytes + i, sizeof w);
        h = (h ^ w) * UINT64_C(0x9e3779b97f4a7c15);
        h ^= h >> 29;
    }
    for (; i < k->len; i++)
        h = (h ^ k->bytes[i]) * UINT64_C(1099511628211);
    return h ^ (h >> 32);
}

static void lru_unlink(ormc__stmt_cache *c, ormc__stmt *st)
{
    if (st->lru_prev)
        st->lru_prev->lru_next = st->lru_next;
    else
        c->lru_head = st->lru_next;
    if (st->lru_next)
        st->lru_next->lru_prev = st->lru_prev;
    else
        c->lru_tail = st->lru_prev;
    st->lru_prev = st->lru_next = NULL;
}

static void lru_push_front(ormc__stmt_cache *c, ormc__stmt *st)
{
    st->lru_prev = NULL;
    st->lru_next = c->lru_head;
    if (c->lru_head)
        c->lru_head->lru_prev = st;
    c->lru_head = st;
    if (!c->lru_tail)
        c->lru_tail = st;
}

/* Take st out of the cache's structures (not freeing it). */
static void cache_remove(ormc__stmt_cache *c, ormc__stmt *st)
{
    ormc__stmt **pp = &c->buckets[st->hash & (c->n_buckets - 1)];
    while (*pp && *pp != st)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = st->hash_next;
    st->hash_next = NULL;
    lru_unlink(c, st);
    c->count--;
    st->cached = false;
}

static void stmt_free(ormc__stmt *st, bool send)
{
    ormc_db *db = st->db;
    db->vt->stmt_finalize(st, send);
    if (st->params != st->inline_params)
        free(st->params);
    free(st->secret);
    free(st->sql);
    free(st->key);
    free(st);
}

static int cache_grow(ormc__stmt_cache *c)
{
    size_t n = c->n_buckets ? c->n_buckets * 2 : 64;
    ormc__stmt **b = calloc(n, sizeof *b);
    if (!b)
        return ORMC_NOMEM;
    for (size_t i = 0; i < c->n_buckets; i++) {
        ormc__stmt *st = c->buckets[i];
        while (st) {
            ormc__stmt *next = st->hash_next;
            size_t j = st->hash & (n - 1);
            st->hash_next = b[j];
            b[j] = st;
            st = next;
        }
    }
    free(c->buckets);
    c->buckets = b;
    c->n_buckets = n;
    return ORMC_OK;
}

/* Evict least recently used statements not in use until there is room. */
static void cache_evict(ormc_db *db)
{
    ormc__stmt_cache *c = &db->cache;
    ormc__stmt *st = c->lru_tail;
    while (st && c->count >= (size_t)db->cfg.stmt_cache_size) {
        ormc__stmt *prev = st->lru_prev;
        if (!st->in_use) {
            cache_remove(c, st);
            stmt_free(st, !db->broken && !db->tx_failed);
        }
        st = prev;
    }
}

void ormc__stmt_cache_clear(ormc_db *db, bool send)
{
    ormc__stmt_cache *c = &db->cache;
    ormc__stmt *st = c->lru_head;
    while (st) {
        ormc__stmt *next = st->lru_next;
        cache_remove(c, st);
        if (st->in_use) {
            /* checked out (an open result): finalized when released, and
             * prepared again should it run on a new connection */
            db->vt->stmt_finalize(st, send);
        } else {
            stmt_free(st, send);
        }
        st = next;
    }
    free(c->buckets);
    c->buckets = NULL;
    c->n_buckets = 0;
    c->count = 0;
}

/*
 * While a single-row statement streams (PostgreSQL sends its rows as the
 * client asks for them), anything else sent on the connection would make
 * libpq read and drop the rest of its rows: the statement would then fail
 * with no message. Other statements are refused instead, before anything
 * is sent (so nothing is failed), until it ends.
 */
static int refuse_while_streaming(ormc_db *db)
{
    return ormc__error(db, ORMC_INVALID, NULL, NULL,
                       "a cursor is open on this connection: close it "
                       "first, or use another connection");
}

/* The statements that end a transaction level. They are never refused (a
 * rollback must always work): they end the stream first, and its next
 * step reports that (a cursor ends with its transaction). */
static bool ends_level(const char *sql)
{
    return strncmp(sql, "COMMIT", 6) == 0 || strncmp(sql, "ROLLBACK", 8) == 0 ||
           strncmp(sql, "RELEASE", 7) == 0;
}

static void cut_stream(ormc_db *db)
{
    ormc__stmt *st = db->streaming;
    db->streaming = NULL;
    ormc__statement_done(db, st->sql, st->params, st->secret,
                         (size_t)st->n_params, st->elapsed_ns, st->n_rows,
                         ORMC_OK);
    db->vt->stmt_reset(st); /* reads the rest off the wire */
    st->finished = true;
    st->cut = true;
}

static void params_clear(ormc__stmt *st)
{
    for (int i = 0; i < st->n_params; i++) {
        st->params[i].is_null = true;
        st->params[i].type = ORMC_TYPE_TEXT;
    }
    if (st->secret)
        memset(st->secret, 0, (size_t)st->n_params);
}

static void checkout(ormc__stmt *st)
{
    ormc__stmt_cache *c = &st->db->cache;
    st->in_use = true;
    if (c->lru_head != st) {
        lru_unlink(c, st);
        lru_push_front(c, st);
    }
}

/* The cached statement of identity (key, len) or, key NULL, of text sql
 * (len bytes), hashed h; NULL when none. *busy: one exists but is checked
 * out (and not held by `batch`, the batch checking statements out, which
 * shares it between its ops). */
static ormc__stmt *lookup(ormc__stmt_cache *c, const unsigned char *key,
                          const char *sql, size_t len, uint64_t h,
                          const void *batch, bool *busy)
{
    *busy = false;
    if (c->n_buckets == 0)
        return NULL;
    for (ormc__stmt *st = c->buckets[h & (c->n_buckets - 1)]; st;
         st = st->hash_next) {
        if (st->hash != h)
            continue;
        bool same = key != NULL ? st->key != NULL && st->key_len == len &&
                                      memcmp(st->key, key, len) == 0
                                : st->key == NULL && st->sql_len == len &&
                                      memcmp(st->sql, sql, len) == 0;
        if (!same)
            continue;
        if (st->in_use && (batch == NULL || st->held_by != batch)) {
            *busy = true;
            return NULL;
        }
        return st;
    }
    return NULL;
}

/* A new statement for sql (len bytes), checked out; cached under the
 * identity key (NULL: the text), hashed h, when `cache`. */
static int stmt_new(ormc_db *db, const char *sql, size_t len,
                    const ormc__key *key, uint64_t h, uint64_t tag, bool cache,
                    ormc__stmt **out)
{
    ormc__stmt_cache *c = &db->cache;
    int max_param;
    bool multi;
    if (ormc__sqltext_scan(sql, db->backend, &max_param, &multi) != ORMC_OK)
        return ormc__error(db, ORMC_INVALID, "42P02", NULL,
                           "bad parameter number in SQL (use $1..$65535)");
    ormc__stmt *st = db->vt->stmt_alloc(db);
    if (!st)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    cache = cache && !multi;
    st->db = db;
    st->sql = malloc(len + 1);
    st->params = max_param <= ORMC__INLINE_PARAMS
                     ? st->inline_params
                     : calloc((size_t)max_param, sizeof(ormc_param));
    if (cache && key != NULL) {
        st->key = malloc(key->len ? key->len : 1);
        st->key_len = key->len;
    }
    if (!st->sql || !st->params || (cache && key != NULL && !st->key)) {
        stmt_free(st, false);
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    }
    memcpy(st->sql, sql, len + 1);
    if (st->key)
        memcpy(st->key, key->bytes, key->len);
    st->sql_len = len;
    st->hash = h;
    st->tag = tag;
    st->n_params = max_param;
    st->multi = multi;
    st->binary = true;
    params_clear(st);

    if (cache) {
        cache_evict(db);
        if (c->count + 1 > c->n_buckets && cache_grow(c) != ORMC_OK) {
            stmt_free(st, false);
            return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        }
        size_t b = h & (c->n_buckets - 1);
        st->hash_next = c->buckets[b];
        c->buckets[b] = st;
        lru_push_front(c, st);
        c->count++;
        st->cached = true;
        checkout(st);
    } else {
        st->in_use = true;
    }
    *out = st;
    return ORMC_OK;
}

int ormc__stmt_prepare(ormc_db *db, const char *sql, ormc__stmt **out)
{
    *out = NULL;
    if (!sql)
        return ormc__error(db, ORMC_INVALID, NULL, NULL, "no SQL given");
    if (db->streaming) /* also: evicting could send DEALLOCATE */
        return refuse_while_streaming(db);
    size_t len = 0;
    uint64_t h = 0;
    bool busy = false;
    if (db->cfg.prepare) {
        h = hash_text(sql, &len);
        ormc__stmt *st =
            lookup(&db->cache, NULL, sql, len, h, db->batch_open, &busy);
        if (st) {
            checkout(st);
            *out = st;
            return ORMC_OK;
        }
    } else {
        len = strlen(sql);
    }
    return stmt_new(db, sql, len, NULL, h, 0, db->cfg.prepare && !busy, out);
}

int ormc__stmt_find(ormc_db *db, const ormc__key *k, ormc__stmt **out)
{
    *out = NULL;
    if (db->streaming)
        return refuse_while_streaming(db);
    if (!db->cfg.prepare || k->overflow)
        return ORMC_NOT_FOUND;
    bool busy;
    ormc__stmt *st = lookup(&db->cache, k->bytes, NULL, k->len, hash_key(k),
                            db->batch_open, &busy);
    if (!st)
        return ORMC_NOT_FOUND;
    checkout(st);
    *out = st;
    return ORMC_OK;
}

int ormc__stmt_prepare_key(ormc_db *db, const ormc__key *k, const char *sql,
                           uint64_t tag, ormc__stmt **out)
{
    *out = NULL;
    if (db->streaming)
        return refuse_while_streaming(db);
    if (k->overflow) {
        int rc = ormc__stmt_prepare(db, sql, out);
        if (rc == ORMC_OK)
            (*out)->tag = tag;
        return rc;
    }
    bool busy = false;
    uint64_t h = 0;
    if (db->cfg.prepare) {
        h = hash_key(k);
        /* a twin checked out (the same shape run again inside a cursor,
         * say): this one runs uncached */
        (void)lookup(&db->cache, k->bytes, NULL, k->len, h, NULL, &busy);
    }
    return stmt_new(db, sql, strlen(sql), k, h, tag, db->cfg.prepare && !busy,
                    out);
}

int ormc__stmt_bind_param(ormc__stmt *st, int i, const ormc_param *p)
{
    if (i < 0 || i >= st->n_params)
        return ormc__error(st->db, ORMC_INVALID, "08P01", NULL,
                           "parameter $%d does not exist (the statement "
                           "has %d)",
                           i + 1, st->n_params);
    st->params[i] = *p;
    return ORMC_OK;
}

int ormc__stmt_mark_secret(ormc__stmt *st, int i)
{
    if (i < 0 || i >= st->n_params)
        return ORMC_OK;
    if (st->secret == NULL) {
        st->secret = calloc((size_t)st->n_params, 1);
        if (st->secret == NULL)
            return ormc__error(st->db, ORMC_NOMEM, NULL, NULL, "out of memory");
    }
    st->secret[i] = 1;
    return ORMC_OK;
}

int ormc__stmt_bind_params(ormc__stmt *st, const ormc_param *params, size_t n)
{
    if (n != (size_t)st->n_params)
        return ormc__error(st->db, ORMC_INVALID, "08P01", NULL,
                           "the statement has %d parameters, %zu given",
                           st->n_params, n);
    for (size_t i = 0; i < n; i++) {
        if ((int)params[i].type < ORMC_TYPE_INTEGER ||
            params[i].type > ORMC_TYPE_ENUM)
            return ormc__error(st->db, ORMC_INVALID, NULL, NULL,
                               "parameter $%zu has no valid type", i + 1);
        st->params[i] = params[i];
    }
    return ORMC_OK;
}

int ormc__ensure_connected(ormc_db *db)
{
    if (!db->broken && db->conn)
        return ORMC_OK;
    if (db->in_on_connect)
        return ormc__error(db, ORMC_CONNECTION, "08003", NULL,
                           "the connection was lost while the on_connect "
                           "hook ran");
    if (db->tx_depth > 0)
        return ormc__error(db, ORMC_CONNECTION, "08003", NULL,
                           "the connection was lost inside a transaction; "
                           "roll back to reconnect");
    ormc__stmt_cache_clear(db, false);
    db->vt->disconnect(db);
    int rc = db->vt->connect(db);
    if (rc != ORMC_OK) {
        db->broken = true;
        return rc;
    }
    db->broken = false;
    if (db->ever_connected)
        db->stats.reconnects++;
    db->ever_connected = true;
    /* what SET made of the session is gone with it: set it again, then
     * let the application's hook set up its part */
    if ((rc = ormc__session_restore(db)) != ORMC_OK)
        return rc;
    return ormc__session_on_connect(db);
}

/* The statement whose parameters an error recorded now may quote (see
 * struct ormc_db): only one that binds a secret needs telling. */
static void set_active(ormc_db *db, const ormc__stmt *st)
{
    if (st != NULL && st->secret != NULL) {
        db->active_params = st->params;
        db->active_secret = st->secret;
        db->active_n_params = st->n_params;
    } else {
        db->active_params = NULL;
        db->active_secret = NULL;
        db->active_n_params = 0;
    }
}

/* The statement is over: a result or an error. */
static void finish(ormc__stmt *st, int rc)
{
    ormc_db *db = st->db;
    st->finished = true;
    if (db->streaming == st)
        db->streaming = NULL;
    int64_t rows = st->n_rows;
    if (rc == ORMC_DONE && rows == 0)
        rows = db->vt->stmt_changes(st);
    ormc__statement_done(db, st->sql, st->params, st->secret,
                         (size_t)st->n_params, st->elapsed_ns, rows,
                         rc == ORMC_DONE ? ORMC_OK : rc);
}

int ormc__stmt_step(ormc__stmt *st)
{
    ormc_db *db = st->db;
    int rc;
    if (st->finished)
        return st->cut ? ormc__error(db, ORMC_INVALID, NULL, NULL,
                                     "the cursor ended with its "
                                     "transaction (a commit or rollback "
                                     "ran on its connection)")
                       : ORMC_DONE;
    int64_t t0 = ormc__tracing(db) ? ormc__now_ns() : 0;
    if (!st->started) {
        if (st->multi)
            return ormc__error(db, ORMC_INVALID, "42601", NULL,
                               "several statements in one text: only "
                               "ormc_exec without parameters runs scripts");
        if (db->streaming && db->streaming != st)
            return refuse_while_streaming(db);
        if ((rc = ormc__ensure_connected(db)) != ORMC_OK)
            return rc;
        if ((rc = ormc__tx_before_statement(db)) != ORMC_OK)
            return rc;
        if (ormc__tracing(db))
            t0 = ormc__now_ns(); /* the BEGIN is traced on its own */
        st->started = true;
        set_active(db, st);
        rc = db->vt->stmt_exec(st);
    } else {
        set_active(db, st);
        rc = db->vt->stmt_next(st);
    }
    set_active(db, NULL);
    if (ormc__tracing(db))
        st->elapsed_ns += ormc__now_ns() - t0;
    if (rc == ORMC_ROW) {
        st->n_rows++;
        if (st->single_row)
            db->streaming = st;
        return ORMC_ROW;
    }
    if (rc != ORMC_DONE)
        ormc__tx_statement_failed(db, rc);
    finish(st, rc);
    return rc;
}

bool ormc__has_rowid(const ormc_db *db)
{
    return db->vt->last_insert_id != NULL;
}

int64_t ormc__stmt_rowid(ormc__stmt *st)
{
    return st->db->vt->last_insert_id(st->db);
}

int64_t ormc__stmt_changes(ormc__stmt *st)
{
    return st->started ? st->db->vt->stmt_changes(st) : 0;
}

int ormc__stmt_columns(ormc__stmt *st)
{
    return st->started ? st->db->vt->stmt_columns(st) : 0;
}

const char *ormc__stmt_column_name(ormc__stmt *st, int col)
{
    if (!st->started || col < 0 || col >= ormc__stmt_columns(st))
        return NULL;
    return st->db->vt->stmt_column_name(st, col);
}

int ormc__stmt_value(ormc__stmt *st, int col, ormc_type type, ormc_param *out)
{
    memset(out, 0, sizeof *out);
    out->type = type;
    if (!st->started || st->finished || col < 0 ||
        col >= st->db->vt->stmt_columns(st))
        return ormc__error(st->db, ORMC_INVALID, NULL, NULL,
                           "no column %d in the current row", col);
    return st->db->vt->stmt_value(st, col, type, out);
}

void ormc__stmt_reset(ormc__stmt *st)
{
    ormc_db *db = st->db;
    if (db->streaming == st)
        db->streaming = NULL;
    if (st->started) {
        if (!st->finished) /* left before the end: still one statement */
            ormc__statement_done(db, st->sql, st->params, st->secret,
                                 (size_t)st->n_params, st->elapsed_ns,
                                 st->n_rows, ORMC_OK);
        db->vt->stmt_reset(st);
    }
    st->started = st->finished = st->cut = false;
    st->n_rows = 0;
    st->elapsed_ns = 0;
    st->binary = true;
    st->single_row = false;
    params_clear(st);
}

void ormc__stmt_release(ormc__stmt *st)
{
    /* a statement a running batch shares is the batch's to give back
     * (batch.c clears held_by first), whichever of its ops failed */
    if (!st || st->held_by != NULL)
        return;
    ormc__stmt_reset(st);
    st->in_use = false;
    if (!st->cached) /* DEALLOCATE cannot be sent while another streams */
        stmt_free(st,
                  !st->db->broken && !st->db->tx_failed && !st->db->streaming);
}

int ormc__exec_control(ormc_db *db, const char *sql, bool tx_rule,
                       int64_t *changes)
{
    int rc;
    int64_t n = 0;
    if (changes)
        *changes = 0;
    if (db->streaming) {
        if (tx_rule || !ends_level(sql))
            return refuse_while_streaming(db);
        cut_stream(db);
    }
    if (tx_rule) {
        if ((rc = ormc__ensure_connected(db)) != ORMC_OK)
            return rc;
        if ((rc = ormc__tx_before_statement(db)) != ORMC_OK)
            return rc;
    } else if (db->broken || !db->conn) {
        return ormc__error(db, ORMC_CONNECTION, "08003", NULL,
                           "the connection was lost");
    }
    int64_t t0 = ormc__tracing(db) ? ormc__now_ns() : 0;
    rc = db->vt->exec_simple(db, sql, &n);
    int64_t dt = ormc__tracing(db) ? ormc__now_ns() - t0 : 0;
    if (rc != ORMC_OK && tx_rule)
        ormc__tx_statement_failed(db, rc);
    ormc__statement_done(db, sql, NULL, NULL, 0, dt, rc == ORMC_OK ? n : 0, rc);
    if (changes)
        *changes = n;
    return rc;
}

int ormc__exec_copy(ormc_db *db, const char *sql, const ormc_table *t,
                    const void *rows, size_t n, ormc_colset cols,
                    int64_t *changes)
{
    int rc;
    int64_t done = 0;
    *changes = 0;
    if (db->vt->copy_rows == NULL)
        return ormc__error(db, ORMC_UNSUPPORTED, NULL, NULL,
                           "no bulk load on %s", db->vt->name);
    if (db->streaming)
        return refuse_while_streaming(db);
    if ((rc = ormc__ensure_connected(db)) != ORMC_OK)
        return rc;
    if ((rc = ormc__tx_before_statement(db)) != ORMC_OK)
        return rc;
    int64_t t0 = ormc__tracing(db) ? ormc__now_ns() : 0;
    rc = db->vt->copy_rows(db, sql, t, rows, n, cols, &done);
    int64_t dt = ormc__tracing(db) ? ormc__now_ns() - t0 : 0;
    if (rc != ORMC_OK)
        ormc__tx_statement_failed(db, rc);
    ormc__statement_done(db, sql, NULL, NULL, 0, dt, rc == ORMC_OK ? done : 0,
                         rc);
    *changes = done;
    return rc;
}
