/*
 * batch.c: batches of generated calls run together (docs/batch.md): the
 * queue, the engine's phases (batch.h) and ormc_batch_run, the blocking
 * runner.
 *
 * On PostgreSQL the ops travel in one libpq pipeline. Each op is checked
 * and bound before anything is sent (ormc__batch_open), with the same
 * checks and the same statements as its blocking twin: the statement of
 * its shape is checked out once per batch and shared by every op of that
 * shape (stmt.c hands a statement the batch holds out again rather than
 * making a twin), so that 100 gets are one prepared statement on the
 * server, parsed once. Each op keeps its own copy of the parameters; the
 * statement's are set from it just before it is sent. A result lands into
 * its op as the blocking call would have left it (row.c, insert.c,
 * query_exec.c, sql_query.c do the same steps on a statement they ran
 * themselves).
 *
 * Transactions. Outside a transaction in autocommit mode the ops must not
 * affect each other: an error inside a pipeline aborts what follows it up
 * to the next sync, and rolls back the implicit transaction of what
 * preceded it since the last sync. So a write is followed by its own sync
 * (it commits alone), and so is a read that a write follows; only a run of
 * reads that ends the part being sent shares one sync, and when one of
 * them fails the reads after it that the server skipped are sent again
 * (nothing sent after them has run). Inside a transaction (or when the
 * PEP 249 rule opens one, whose BEGIN then leads the pipeline) one sync
 * ends what is sent, and the ops after a failed one land the failure of
 * the transaction (25P02), as PostgreSQL reports it.
 *
 * Ops whose statements depend on each other's results (find_or_create:
 * look, insert, look again, inside a savepoint) run through their ordinary
 * call, between two parts of the pipeline, as every op does on SQLite.
 */
#define _POSIX_C_SOURCE 200809L

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "batch.h"
#include "colsets.h"
#include "hooks.h"
#include "row.h"
#include "session.h"
#include "sql_query.h"
#include "sqlbuild.h"
#include "validate.h"

/* === The arena: key copies and parameters, freed when the queue empties
 * === */

struct ormc__arena_block {
    ormc__arena_block *next;
    size_t used, size;
    max_align_t data[];
};

#define ARENA_FIRST 4096
#define ARENA_MAX (256 * 1024)

static void *arena_alloc(ormc_batch *b, size_t n)
{
    size_t a = sizeof(max_align_t);
    n = (n + a - 1) / a * a;
    ormc__arena_block *blk = b->arena;
    if (blk == NULL || blk->size - blk->used < n) {
        size_t size = blk ? blk->size * 2 : ARENA_FIRST;
        if (size > ARENA_MAX)
            size = ARENA_MAX;
        if (size < n)
            size = n;
        ormc__arena_block *nb = malloc(sizeof *nb + size);
        if (nb == NULL)
            return NULL;
        nb->next = blk;
        nb->used = 0;
        nb->size = size;
        b->arena = blk = nb;
    }
    void *p = (char *)blk->data + blk->used;
    blk->used += n;
    return p;
}

/* Keep the newest (largest) block for the next round, free the rest. */
static void arena_reset(ormc_batch *b)
{
    ormc__arena_block *blk = b->arena;
    if (blk == NULL)
        return;
    ormc__arena_block *old = blk->next;
    while (old != NULL) {
        ormc__arena_block *next = old->next;
        free(old);
        old = next;
    }
    blk->next = NULL;
    blk->used = 0;
}

/* === The queue === */

ormc_batch *ormc_batch_begin(ormc_db *db)
{
    if (db == NULL)
        return NULL;
    ormc_batch *b = calloc(1, sizeof *b);
    if (b != NULL)
        b->db = db;
    return b;
}

size_t ormc_batch_size(const ormc_batch *b)
{
    return b != NULL ? b->n_ops : 0;
}

/* A new op at the end of the queue, or a status (then in *rc too). */
static int push(ormc_batch *b, ormc__op_kind kind, const ormc_table *t, int *rc,
                ormc__op **out)
{
    *out = NULL;
    if (b == NULL || rc == NULL || b->running) {
        if (rc != NULL)
            *rc = ORMC_INVALID;
        return ORMC_INVALID;
    }
    if (b->n_ops == b->cap_ops) {
        size_t cap = b->cap_ops ? b->cap_ops * 2 : 16;
        ormc__op *ops = cap > SIZE_MAX / sizeof *ops
                            ? NULL
                            : realloc(b->ops, cap * sizeof *ops);
        if (ops == NULL) {
            *rc = ORMC_NOMEM;
            return ORMC_NOMEM;
        }
        b->ops = ops;
        b->cap_ops = cap;
    }
    ormc__op *op = &b->ops[b->n_ops++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    op->t = t;
    op->rc = rc;
    *out = op;
    return ORMC_OK;
}

/* A copy of the key row (a by-value argument of the generated call, built
 * on its stack); a row that cannot be read stays NULL, for open to say. */
static int copy_key(ormc_batch *b, ormc__op *op, const void *key_row)
{
    if (key_row == NULL || op->t == NULL || op->t->row_size == 0) {
        op->in = key_row;
        return ORMC_OK;
    }
    void *copy = arena_alloc(b, op->t->row_size);
    if (copy == NULL) {
        b->n_ops--;
        *op->rc = ORMC_NOMEM;
        return ORMC_NOMEM;
    }
    memcpy(copy, key_row, op->t->row_size);
    op->in = copy;
    return ORMC_OK;
}

int ormc_batch_row_get(ormc_batch *b, const ormc_table *t, const void *key_row,
                       void *out, int *rc)
{
    ormc__op *op;
    int s = push(b, ORMC__OP_GET, t, rc, &op);
    if (s != ORMC_OK)
        return s;
    op->row = out;
    op->read = true;
    return copy_key(b, op, key_row);
}

int ormc_batch_row_get_by(ormc_batch *b, const ormc_table *t, ormc_colset key,
                          const void *key_row, void *out, int *rc)
{
    ormc__op *op;
    int s = push(b, ORMC__OP_GET_BY, t, rc, &op);
    if (s != ORMC_OK)
        return s;
    op->row = out;
    op->set = key;
    op->read = true;
    return copy_key(b, op, key_row);
}

int ormc_batch_row_insert(ormc_batch *b, const ormc_table *t, void *row,
                          int *rc)
{
    ormc__op *op;
    int s = push(b, ORMC__OP_INSERT, t, rc, &op);
    if (s == ORMC_OK)
        op->in = op->row = row;
    return s;
}

int ormc_batch_row_update(ormc_batch *b, const ormc_table *t, const void *row,
                          int *rc)
{
    ormc__op *op;
    int s = push(b, ORMC__OP_UPDATE, t, rc, &op);
    if (s == ORMC_OK)
        op->in = row;
    return s;
}

int ormc_batch_row_update_columns(ormc_batch *b, const ormc_table *t,
                                  const void *row, ormc_colset set, int *rc)
{
    ormc__op *op;
    int s = push(b, ORMC__OP_UPDATE_COLUMNS, t, rc, &op);
    if (s == ORMC_OK) {
        op->in = row;
        op->set = set;
    }
    return s;
}

int ormc_batch_row_delete(ormc_batch *b, const ormc_table *t,
                          const void *key_row, int *rc)
{
    ormc__op *op;
    int s = push(b, ORMC__OP_DELETE, t, rc, &op);
    if (s != ORMC_OK)
        return s;
    return copy_key(b, op, key_row);
}

int ormc_batch_row_upsert(ormc_batch *b, const ormc_table *t, void *row,
                          ormc_colset conflict, int *rc)
{
    ormc__op *op;
    int s = push(b, ORMC__OP_UPSERT, t, rc, &op);
    if (s == ORMC_OK) {
        op->in = op->row = row;
        op->set = conflict;
    }
    return s;
}

int ormc_batch_row_find_or_create(ormc_batch *b, const ormc_table *t, void *row,
                                  ormc_colset key, bool *created, int *rc)
{
    ormc__op *op;
    int s = push(b, ORMC__OP_FIND_OR_CREATE, t, rc, &op);
    if (s == ORMC_OK) {
        op->in = op->row = row;
        op->set = key;
        op->created = created;
    }
    return s;
}

int ormc_batch_builder_first(ormc_batch *b, const ormc_builder *q, void *row,
                             int *rc)
{
    ormc__op *op;
    int s = push(b, ORMC__OP_FIRST, q ? q->table : NULL, rc, &op);
    if (s == ORMC_OK) {
        op->q = q;
        op->row = row;
        op->read = true;
    }
    return s;
}

int ormc_batch_builder_all(ormc_batch *b, const ormc_builder *q, void *items,
                           size_t *count, int *rc)
{
    ormc__op *op;
    int s = push(b, ORMC__OP_ALL, q ? q->table : NULL, rc, &op);
    if (s == ORMC_OK) {
        op->q = q;
        op->items = items;
        op->count = count;
        op->read = true;
    }
    return s;
}

int ormc_batch_builder_count(ormc_batch *b, const ormc_builder *q, int64_t *n,
                             int *rc)
{
    ormc__op *op;
    int s = push(b, ORMC__OP_COUNT, q ? q->table : NULL, rc, &op);
    if (s == ORMC_OK) {
        op->q = q;
        op->n = n;
        op->read = true;
    }
    return s;
}

/* A schema's SQL query: it may write (INSERT ... RETURNING is a query with
 * rows), so it is never taken for a read. */
static int push_sql(ormc_batch *b, ormc__op_kind kind, const ormc_sql_query *q,
                    const void *params, int *rc, ormc__op **op)
{
    int s = push(b, kind, q ? q->row : NULL, rc, op);
    if (s == ORMC_OK) {
        (*op)->sql = q;
        (*op)->in = params;
    }
    return s;
}

int ormc_batch_sql_one(ormc_batch *b, const ormc_sql_query *q,
                       const void *params, void *out, int *rc)
{
    ormc__op *op;
    int s = push_sql(b, ORMC__OP_SQL_ONE, q, params, rc, &op);
    if (s == ORMC_OK)
        op->row = out;
    return s;
}

int ormc_batch_sql_many(ormc_batch *b, const ormc_sql_query *q,
                        const void *params, void *items, size_t *count, int *rc)
{
    ormc__op *op;
    int s = push_sql(b, ORMC__OP_SQL_MANY, q, params, rc, &op);
    if (s == ORMC_OK) {
        op->items = items;
        op->count = count;
    }
    return s;
}

int ormc_batch_sql_exec(ormc_batch *b, const ormc_sql_query *q,
                        const void *params, int64_t *changes, int *rc)
{
    ormc__op *op;
    int s = push_sql(b, ORMC__OP_SQL_EXEC, q, params, rc, &op);
    if (s == ORMC_OK)
        op->n = changes;
    return s;
}

/* === Landing === */

/* The op's status is final: into *rc. The failure of the first op in call
 * order is kept as the batch's (its error is the one recorded now): ops do
 * not land in call order (a refused row lands when the batch opens). */
static void land(ormc_batch *b, ormc__op *op, int rc)
{
    *op->rc = rc;
    op->state = ORMC__OPS_LANDED;
    size_t i = (size_t)(op - b->ops);
    if (ormc_is_error(rc) && (b->first_rc == ORMC_OK || i < b->first_op)) {
        b->first_rc = rc;
        b->first_op = i;
        ormc__error_save(b->db, &b->first_err);
    }
}

/* What the blocking calls set before anything can fail. */
static void clear_outputs(ormc__op *op)
{
    if (op->created != NULL)
        *op->created = false;
    if (op->n != NULL)
        *op->n = 0;
    if (op->count != NULL)
        *op->count = 0;
    if (op->items != NULL) {
        void *none = NULL;
        memcpy(op->items, &none, sizeof none);
    }
}

/* The connection is gone: every op that has not landed gets
 * ORMC_CONNECTION (the error of the loss, recorded by the backend). */
static void lose(ormc_batch *b)
{
    ormc_db *db = b->db;
    b->lost = true;
    b->head = b->tail = 0;
    if (db->err_status != ORMC_CONNECTION)
        ormc__error(db, ORMC_CONNECTION, "08006", NULL,
                    "the connection to the server was lost");
    ormc__tx_statement_failed(db, ORMC_CONNECTION);
    for (size_t i = 0; i < b->n_ops; i++)
        if (b->ops[i].state != ORMC__OPS_LANDED)
            land(b, &b->ops[i], ORMC_CONNECTION);
    b->next_send = b->n_ops;
}

/* Change hooks of the ops landed by the pipeline, in op order, up to (not
 * including) op `upto`: run once the pipeline is left, since a hook may
 * run statements of its own. Ops run through their ordinary call have
 * fired theirs. */
static void fire_hooks(ormc_batch *b, size_t upto)
{
    ormc_db *db = b->db;
    for (; b->hooked < upto; b->hooked++) {
        ormc__op *op = &b->ops[b->hooked];
        if (!ormc__has_hook(db) || op->direct ||
            op->state != ORMC__OPS_LANDED || *op->rc != ORMC_OK)
            continue;
        switch (op->kind) {
        case ORMC__OP_INSERT:
            ormc__notify(db, op->t, ORMC_CHANGE_INSERT, op->row);
            break;
        case ORMC__OP_UPDATE:
        case ORMC__OP_UPDATE_COLUMNS:
            ormc__notify(db, op->t, ORMC_CHANGE_UPDATE, op->in);
            break;
        case ORMC__OP_DELETE:
            ormc__notify(db, op->t, ORMC_CHANGE_DELETE, op->in);
            break;
        case ORMC__OP_UPSERT:
            ormc__notify(db, op->t, ORMC_CHANGE_UPDATE, op->row);
            break;
        default:
            break;
        }
    }
}

/* === Open: each op checked, its statement checked out and bound === */

/* Keep st for the run (once), shared by the ops of its shape. */
static int hold(ormc_batch *b, ormc__stmt *st)
{
    if (st->held_by == b)
        return ORMC_OK;
    if (b->n_held == b->cap_held) {
        size_t cap = b->cap_held ? b->cap_held * 2 : 8;
        ormc__stmt **h = realloc(b->held, cap * sizeof *h);
        if (h == NULL) {
            ormc__stmt_release(st);
            return ormc__error(b->db, ORMC_NOMEM, NULL, NULL, "out of memory");
        }
        b->held = h;
        b->cap_held = cap;
    }
    b->held[b->n_held++] = st;
    st->held_by = b;
    return ORMC_OK;
}

/* Take the parameters just bound to st into op. */
static int keep_params(ormc_batch *b, ormc__op *op, ormc__stmt *st)
{
    size_t n = (size_t)st->n_params;
    op->st = st;
    if (n == 0)
        return ORMC_OK;
    op->params = arena_alloc(b, n * sizeof *op->params);
    if (op->params == NULL)
        return ormc__error(b->db, ORMC_NOMEM, NULL, NULL, "out of memory");
    memcpy(op->params, st->params, n * sizeof *op->params);
    if (st->secret != NULL) {
        op->secret = arena_alloc(b, n);
        if (op->secret == NULL)
            return ormc__error(b->db, ORMC_NOMEM, NULL, NULL, "out of memory");
        memcpy(op->secret, st->secret, n);
        memset(st->secret, 0, n);
    }
    return ORMC_OK;
}

/* The row statement `kind` of op's table, bound from row. */
static int open_row(ormc_batch *b, ormc__op *op, ormc__row_kind kind,
                    ormc_colset a, ormc_colset bb, const void *row,
                    const char *what)
{
    ormc__stmt *st;
    ormc_colset bound;
    int rc = ormc__shape_row(b->db, op->t, kind, a, bb, 1, what, &st, &bound);
    if (rc == ORMC_OK)
        rc = hold(b, st);
    if (rc == ORMC_OK)
        rc = ormc__stmt_bind_row(st, op->t, row, bound);
    if (rc == ORMC_OK)
        rc = keep_params(b, op, st);
    return rc;
}

/* The checks of row.c's start(): a usable descriptor and row. */
static int check_table(ormc_db *db, const ormc__op *op, const void *row)
{
    const ormc_table *t = op->t;
    if (t == NULL || t->columns == NULL || t->n_columns == 0 ||
        t->n_columns > 64)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "batch: no valid table descriptor given");
    if (row == NULL)
        return ormc__error(db, ORMC_INVALID, NULL, NULL, "%s: no row given",
                           t->name);
    return ORMC_OK;
}

static int need_key(ormc_db *db, const ormc_table *t, ormc_colset key)
{
    if (key == 0 || (key & ~ormc__all_columns(t)) != 0)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "%s: the table has no such key", t->name);
    return ORMC_OK;
}

static int open_get(ormc_batch *b, ormc__op *op)
{
    ormc_db *db = b->db;
    int rc = check_table(db, op, op->in);
    if (rc == ORMC_OK && op->row == NULL)
        rc = ormc__error(db, ORMC_INVALID, NULL, NULL, "no row given");
    ormc_colset key = op->t ? op->t->primary_key : 0;
    if (rc == ORMC_OK && op->kind == ORMC__OP_GET_BY &&
        !ormc__colset_own(op->t, op->set, &key))
        rc = ormc__colset_error(db, op->t, op->set, false, "get_by key");
    if (rc == ORMC_OK)
        rc = need_key(db, op->t, key);
    if (rc == ORMC_OK)
        rc = open_row(b, op, ORMC__R_SELECT_BY, key, 0, op->in,
                      "cannot build the statement by key");
    return rc;
}

/* ormc_row_insert's steps before it sends (insert.c). */
static int open_insert(ormc_batch *b, ormc__op *op)
{
    ormc_db *db = b->db;
    int rc = check_table(db, op, op->row);
    if (rc != ORMC_OK)
        return rc;
    void *row = op->row;
    ormc_colset cols;
    if ((rc = ormc__insert_ready(db, op->t, row, &cols, &op->back)) != ORMC_OK)
        return rc;
    return open_row(b, op, ORMC__R_INSERT, cols, op->back, row,
                    "cannot build the insert");
}

static int open_update(ormc_batch *b, ormc__op *op)
{
    ormc_db *db = b->db;
    int rc = check_table(db, op, op->in);
    if (rc != ORMC_OK)
        return rc;
    const ormc_table *t = op->t;
    ormc_colset set, checked = ormc__table_sets_of(db, t)->checked;
    if (op->kind == ORMC__OP_UPDATE) {
        if ((rc = need_key(db, t, t->primary_key)) != ORMC_OK)
            return rc;
        set = ormc__all_columns(t) & ~t->primary_key;
        rc = ormc__row_check(db, t, op->in, set, checked, 0, false);
    } else {
        if (!ormc__colset_own(t, op->set, &set))
            return ormc__colset_error(db, t, op->set, false, "update_columns");
        rc = ormc__row_check(db, t, op->in, set & ~t->primary_key, checked, 0,
                             false);
    }
    if (rc != ORMC_OK)
        return rc;
    return open_row(b, op, ORMC__R_UPDATE_PK, set, 0, op->in,
                    "cannot build the update (a column set naming columns "
                    "the table lacks, or no primary key)");
}

static int open_delete(ormc_batch *b, ormc__op *op)
{
    int rc = check_table(b->db, op, op->in);
    if (rc == ORMC_OK)
        rc = need_key(b->db, op->t, op->t->primary_key);
    if (rc == ORMC_OK)
        rc = open_row(b, op, ORMC__R_DELETE_PK, 0, 0, op->in,
                      "cannot build the statement by key");
    return rc;
}

static int open_upsert(ormc_batch *b, ormc__op *op)
{
    ormc_db *db = b->db;
    int rc = check_table(db, op, op->row);
    if (rc != ORMC_OK)
        return rc;
    const ormc_table *t = op->t;
    ormc_colset conflict;
    if (!ormc__colset_own(t, op->set, &conflict))
        return ormc__colset_error(db, t, op->set, false, "upsert conflict");
    const ormc__table_sets *ts = ormc__table_sets_of(db, t);
    ormc_colset cols = ormc__insert_columns_of(ts, op->row);
    rc = ormc__row_check(db, t, op->row, cols, ts->checked, 0, false);
    if (rc != ORMC_OK)
        return rc;
    if (!ormc__is_unique_key(t, conflict))
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "%s: upsert: the conflict columns are not "
                           "the primary key or a unique constraint",
                           t->name);
    return open_row(b, op, ORMC__R_UPSERT, cols, conflict, op->row,
                    "upsert: a conflict column is unset (an unset serial or "
                    "now-defaulted column cannot conflict)");
}

static int open_query(ormc_batch *b, ormc__op *op)
{
    ormc_db *db = b->db;
    ormc__query_kind kind = op->kind == ORMC__OP_FIRST   ? ORMC__Q_FIRST
                            : op->kind == ORMC__OP_COUNT ? ORMC__Q_COUNT
                                                         : ORMC__Q_SELECT;
    if ((op->kind == ORMC__OP_FIRST && op->row == NULL) ||
        (op->kind == ORMC__OP_COUNT && op->n == NULL) ||
        (op->kind == ORMC__OP_ALL && (op->items == NULL || op->count == NULL)))
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "no output given for the query");
    ormc__stmt *st;
    int rc = ormc__query_open_kind(db, op->q, (int)kind, &st);
    if (rc == ORMC_OK)
        rc = hold(b, st);
    if (rc == ORMC_OK)
        rc = keep_params(b, op, st);
    return rc;
}

static int open_sql(ormc_batch *b, ormc__op *op)
{
    ormc_db *db = b->db;
    const ormc_sql_query *q = op->sql;
    bool rows = op->kind != ORMC__OP_SQL_EXEC;
    if (q == NULL || (q->row != NULL) != rows)
        return ormc__error(db, ORMC_INVALID, NULL, NULL, "query %s: %s",
                           q && q->name ? q->name : "?",
                           rows ? "returns no rows" : "returns rows");
    if ((op->kind == ORMC__OP_SQL_ONE && op->row == NULL) ||
        (op->kind == ORMC__OP_SQL_MANY &&
         (op->items == NULL || op->count == NULL)))
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "no output given for the query");
    ormc__stmt *st;
    int rc = ormc__sql_open(db, q, op->in, &st);
    if (rc == ORMC_OK)
        rc = hold(b, st);
    if (rc == ORMC_OK)
        rc = keep_params(b, op, st);
    return rc;
}

static int open_op(ormc_batch *b, ormc__op *op)
{
    switch (op->kind) {
    case ORMC__OP_GET:
    case ORMC__OP_GET_BY:
        return open_get(b, op);
    case ORMC__OP_INSERT:
        return open_insert(b, op);
    case ORMC__OP_UPDATE:
    case ORMC__OP_UPDATE_COLUMNS:
        return open_update(b, op);
    case ORMC__OP_DELETE:
        return open_delete(b, op);
    case ORMC__OP_UPSERT:
        return open_upsert(b, op);
    case ORMC__OP_FIRST:
    case ORMC__OP_ALL:
    case ORMC__OP_COUNT:
        return open_query(b, op);
    case ORMC__OP_SQL_ONE:
    case ORMC__OP_SQL_MANY:
    case ORMC__OP_SQL_EXEC:
        return open_sql(b, op);
    case ORMC__OP_FIND_OR_CREATE:
        break;
    }
    return ORMC_INVALID;
}

int ormc__batch_open(ormc_batch *b)
{
    ormc_db *db = b->db;
    if (b->running)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "the batch is already running");
    ormc__clear_error(db);
    b->running = true;
    b->pipelined = false;
    b->lost = false;
    b->next_send = 0;
    b->hooked = 0;
    b->head = b->tail = 0;
    b->retry_from = SIZE_MAX;
    b->first_rc = ORMC_OK;
    b->first_op = SIZE_MAX;
    b->n_held = 0;
    for (size_t i = 0; i < b->n_ops; i++)
        clear_outputs(&b->ops[i]);

    if (!ormc__can_pipeline(db)) {
        for (size_t i = 0; i < b->n_ops; i++)
            b->ops[i].state = ORMC__OPS_DIRECT;
        return ORMC_OK;
    }
    /* at most a parse, an execution and a sync per op, and a BEGIN */
    size_t need = 3 * b->n_ops + 2;
    if (need > b->cap_expect) {
        ormc__expect *e = realloc(b->expect, need * sizeof *e);
        if (e == NULL) {
            ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
            for (size_t i = 0; i < b->n_ops; i++)
                land(b, &b->ops[i], ORMC_NOMEM);
            return ORMC_OK;
        }
        b->expect = e;
        b->cap_expect = need;
    }
    /* as every statement: a connection lost outside a transaction is made
     * again, and a failed transaction refuses (25P02) */
    int rc = ormc__ensure_connected(db);
    if (rc == ORMC_OK && db->tx_failed)
        rc = ormc__tx_before_statement(db);
    if (rc != ORMC_OK) {
        for (size_t i = 0; i < b->n_ops; i++)
            land(b, &b->ops[i], rc);
        return ORMC_OK;
    }
    db->batch_open = b;
    for (size_t i = 0; i < b->n_ops; i++) {
        ormc__op *op = &b->ops[i];
        if (op->kind == ORMC__OP_FIND_OR_CREATE) {
            op->state = ORMC__OPS_DIRECT;
            continue;
        }
        rc = open_op(b, op);
        if (rc == ORMC_OK)
            op->state = ORMC__OPS_READY;
        else
            land(b, op, rc);
    }
    db->batch_open = NULL;
    return ORMC_OK;
}

/* === Send === */

static void expect(ormc_batch *b, ormc__expect_what what, size_t op)
{
    b->expect[b->tail].what = what;
    b->expect[b->tail].op = op;
    b->tail++;
}

/* The index of the first op at or after i that has not landed. */
static size_t next_live(const ormc_batch *b, size_t i)
{
    while (i < b->n_ops && b->ops[i].state == ORMC__OPS_LANDED)
        i++;
    return i;
}

ormc__batch_next ormc__batch_want(const ormc_batch *b)
{
    if (b->head < b->tail)
        return ORMC__BATCH_TAKE;
    size_t i = next_live(b, b->next_send);
    if (i >= b->n_ops)
        return ORMC__BATCH_DONE;
    return b->ops[i].state == ORMC__OPS_DIRECT ? ORMC__BATCH_DIRECT
                                               : ORMC__BATCH_SEND;
}

/* Whether the run of reads starting at op i ends what this send sends
 * (the end of the queue, or an op run through its ordinary call): then
 * the run shares one sync, else each of its reads has its own. */
static bool run_ends_part(const ormc_batch *b, size_t i)
{
    for (i = next_live(b, i); i < b->n_ops; i = next_live(b, i + 1)) {
        const ormc__op *op = &b->ops[i];
        if (op->state == ORMC__OPS_DIRECT)
            return true;
        if (!op->read)
            return false;
    }
    return true;
}

int ormc__batch_send(ormc_batch *b)
{
    ormc_db *db = b->db;
    const ormc__backend_vt *vt = db->vt;
    int rc;
    if (!b->pipelined) {
        if ((rc = vt->pipe_enter(db)) != ORMC_OK) {
            for (size_t i = 0; i < b->n_ops; i++)
                if (b->ops[i].state != ORMC__OPS_LANDED)
                    land(b, &b->ops[i], rc);
            return rc;
        }
        b->pipelined = true;
    }
    bool begin = ormc__tx_begin_due(db);
    b->in_tx = begin || db->tx_depth > 0;
    if (begin) {
        if ((rc = vt->pipe_send_simple(db, "BEGIN")) != ORMC_OK)
            goto lost;
        expect(b, ORMC__EXPECT_BEGIN, 0);
        b->begin_t0 = ormc__tracing(db) ? ormc__now_ns() : 0;
    }
    bool synced = true;
    size_t run_end = 0; /* the ops before it are in the current run */
    bool run_shared = false;
    size_t i = next_live(b, b->next_send);
    while (i < b->n_ops && b->ops[i].state == ORMC__OPS_READY) {
        ormc__op *op = &b->ops[i];
        ormc__stmt *st = op->st;
        if (st->n_params > 0)
            memcpy(st->params, op->params,
                   (size_t)st->n_params * sizeof *st->params);
        if ((rc = vt->pipe_send(st, &op->parsed)) != ORMC_OK)
            goto lost;
        if (op->parsed)
            expect(b, ORMC__EXPECT_PARSE, i);
        expect(b, ORMC__EXPECT_RESULT, i);
        op->state = ORMC__OPS_SENT;
        op->parse_rc = ORMC_OK;
        if (ormc__tracing(db))
            op->t0 = ormc__now_ns();
        synced = false;
        size_t next = next_live(b, i + 1);
        if (!b->in_tx) {
            bool sync = true;
            if (op->read) {
                if (i >= run_end) {
                    /* a new run of reads: this op (just sent) and the
                     * ready reads after it */
                    run_shared = run_ends_part(b, i);
                    run_end = next;
                    while (run_end < b->n_ops &&
                           b->ops[run_end].state == ORMC__OPS_READY &&
                           b->ops[run_end].read)
                        run_end = next_live(b, run_end + 1);
                }
                sync = !run_shared || next >= run_end;
            }
            if (sync) {
                if ((rc = vt->pipe_sync(db)) != ORMC_OK)
                    goto lost;
                expect(b, ORMC__EXPECT_SYNC, i);
                synced = true;
            }
        }
        i = next;
    }
    b->next_send = i;
    if (!synced || begin) {
        if ((rc = vt->pipe_sync(db)) != ORMC_OK)
            goto lost;
        expect(b, ORMC__EXPECT_SYNC, i);
    }
    return ORMC_OK;
lost:
    lose(b);
    return ORMC_CONNECTION;
}

/* === Take === */

/* The statement of a failed transaction, as PostgreSQL reports the
 * statements it skips in one. */
static int aborted(ormc_batch *b)
{
    if (b->begin_rc != ORMC_OK) {
        ormc__error_restore(b->db, &b->begin_err);
        return b->begin_rc;
    }
    return ormc__error(b->db, ORMC_ERROR, "25P02", NULL,
                       "current transaction is aborted, commands ignored "
                       "until end of transaction block (an earlier call of "
                       "the batch failed; roll back first)");
}

/* Every row of st's result (the first one current) into a new array of
 * t's rows, each owning its data. */
static int land_rows(ormc__stmt *st, const ormc_table *t, int rc, ormc__op *op)
{
    ormc_db *db = st->db;
    char *rows = NULL;
    size_t n = 0, cap = 0;
    while (rc == ORMC_ROW) {
        if (n == cap) {
            size_t more = cap ? cap * 2 : 16;
            char *grown = more > SIZE_MAX / t->row_size
                              ? NULL
                              : realloc(rows, more * t->row_size);
            if (grown == NULL) {
                rc = ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
                break;
            }
            rows = grown;
            cap = more;
        }
        rc = ormc__stmt_decode_row(st, t, rows + n * t->row_size, true);
        if (rc != ORMC_OK)
            break;
        n++;
        st->n_rows++;
        rc = db->vt->stmt_next(st);
    }
    if (rc != ORMC_DONE) {
        ormc_list_free(t, rows, n);
        return rc;
    }
    void *items = rows;
    memcpy(op->items, &items, sizeof items);
    *op->count = n;
    return ORMC_OK;
}

/* The result st holds (rc: ORMC_ROW, ORMC_DONE) as op's blocking call
 * would have finished with it. */
static int finish(ormc_batch *b, ormc__op *op, ormc__stmt *st, int rc)
{
    ormc_db *db = b->db;
    const ormc_table *t = op->t;
    switch (op->kind) {
    case ORMC__OP_GET:
    case ORMC__OP_GET_BY:
    case ORMC__OP_FIRST:
        if (rc == ORMC_DONE)
            return ORMC_NOT_FOUND;
        st->n_rows = 1;
        return ormc__stmt_decode_row(st, t, op->row, true);
    case ORMC__OP_INSERT:
        if (rc == ORMC_ROW) {
            /* only scalars come back (serial, timestamps) */
            st->n_rows = 1;
            return ormc__read_columns(st, t, op->back, 0, op->row);
        }
        if (op->back != 0)
            return ormc__error(db, ORMC_ERROR, NULL, NULL,
                               "%s: the insert returned no row", t->name);
        return ORMC_OK;
    case ORMC__OP_UPDATE:
    case ORMC__OP_UPDATE_COLUMNS:
    case ORMC__OP_DELETE:
        return db->vt->stmt_changes(st) > 0 ? ORMC_OK : ORMC_NOT_FOUND;
    case ORMC__OP_UPSERT: {
        if (rc == ORMC_DONE)
            return ormc__error(db, ORMC_ERROR, NULL, NULL,
                               "%s: the upsert returned no row", t->name);
        ormc__rowbuf buf;
        void *fresh = ormc__tmp_row(t, &buf);
        if (fresh == NULL)
            return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        st->n_rows = 1;
        rc = ormc__stmt_decode_row(st, t, fresh, true);
        if (rc == ORMC_OK) {
            ormc_row_free(t, op->row);
            memcpy(op->row, fresh, t->row_size);
        }
        ormc__tmp_row_done(fresh, &buf);
        return rc;
    }
    case ORMC__OP_ALL:
    case ORMC__OP_SQL_MANY:
        return land_rows(st, t, rc, op);
    case ORMC__OP_COUNT:
        if (rc == ORMC_DONE)
            return ormc__error(db, ORMC_ERROR, NULL, NULL,
                               "COUNT(*) returned no row");
        {
            ormc_param v;
            rc = ormc__stmt_value(st, 0, ORMC_TYPE_BIGINT, &v);
            if (rc == ORMC_OK)
                *op->n = v.u.i64;
            return rc;
        }
    case ORMC__OP_SQL_ONE: {
        if (rc == ORMC_DONE)
            return ORMC_NOT_FOUND;
        ormc__rowbuf buf;
        void *row = ormc__tmp_row(t, &buf);
        if (row == NULL)
            return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        rc = ormc__stmt_decode_row(st, t, row, true);
        if (rc == ORMC_OK) {
            /* a second row: the query was declared to return one */
            if (db->vt->stmt_next(st) == ORMC_ROW)
                rc = ormc__error(db, ORMC_INVALID, "21000", NULL,
                                 "query %s returned more than one row",
                                 op->sql->name);
            if (rc == ORMC_OK)
                memcpy(op->row, row, t->row_size);
            else
                ormc_row_free(t, row);
        }
        ormc__tmp_row_done(row, &buf);
        return rc;
    }
    case ORMC__OP_SQL_EXEC:
        if (op->n != NULL)
            *op->n = db->vt->stmt_changes(st);
        return ORMC_OK;
    case ORMC__OP_FIND_OR_CREATE:
        break;
    }
    return ORMC_INVALID;
}

/* The result of op's execution. */
static void take_result(ormc_batch *b, size_t i)
{
    ormc_db *db = b->db;
    ormc__op *op = &b->ops[i];
    ormc__stmt *st = op->st;
    /* an error message of the server that quotes a secret value is
     * scrubbed of it (status.c) */
    if (op->secret != NULL) {
        db->active_params = op->params;
        db->active_secret = op->secret;
        db->active_n_params = st->n_params;
    }
    int rc = db->vt->pipe_take(st);
    db->active_params = NULL;
    db->active_secret = NULL;
    db->active_n_params = 0;
    if (rc == ORMC_CONNECTION && db->broken) {
        lose(b);
        return;
    }
    if (op->parse_rc != ORMC_OK) {
        /* its statement was refused: the execution was skipped, and the
         * refusal (recorded just before) is the op's */
        rc = op->parse_rc;
    } else if (rc == ORMC__PIPE_ABORTED) {
        if (!b->in_tx && op->read) {
            /* a read before it, sharing its sync, failed: nothing sent
             * after the sync has run, so it is simply sent again */
            op->state = ORMC__OPS_READY;
            if (b->retry_from == SIZE_MAX)
                b->retry_from = i;
            return;
        }
        rc = aborted(b);
    } else if (rc == ORMC_ROW || rc == ORMC_DONE) {
        st->started = true;
        st->finished = false;
        rc = finish(b, op, st, rc);
    } else {
        /* the server's error: fails the transaction it ran in */
        ormc__tx_statement_failed(db, rc);
    }
    if (db->broken) {
        lose(b);
        return;
    }
    int64_t rows = st->n_rows;
    if (rc == ORMC_OK && rows == 0)
        rows = db->vt->stmt_changes(st);
    ormc__statement_done(
        db, st->sql, op->params, op->secret, (size_t)st->n_params,
        ormc__tracing(db) ? ormc__now_ns() - op->t0 : 0,
        rc == ORMC_OK ? rows : 0, rc == ORMC_NOT_FOUND ? ORMC_OK : rc);
    db->vt->stmt_reset(st);
    st->started = st->finished = false;
    st->n_rows = 0;
    land(b, op, rc);
}

int ormc__batch_take(ormc_batch *b)
{
    ormc_db *db = b->db;
    const ormc__backend_vt *vt = db->vt;
    if (b->head >= b->tail)
        return ORMC_OK;
    ormc__expect e = b->expect[b->head++];
    int rc = ORMC_OK;
    switch (e.what) {
    case ORMC__EXPECT_BEGIN:
        rc = vt->pipe_take_simple(db);
        ormc__statement_done(db, "BEGIN", NULL, NULL, 0,
                             ormc__tracing(db) ? ormc__now_ns() - b->begin_t0
                                               : 0,
                             0, rc == ORMC__PIPE_ABORTED ? ORMC_ERROR : rc);
        if (rc == ORMC_OK) {
            ormc__tx_opened(db, true);
            b->begin_rc = ORMC_OK;
        } else if (!db->broken) {
            /* the ops after it are skipped: they land its error */
            b->begin_rc = rc == ORMC__PIPE_ABORTED ? ORMC_ERROR : rc;
            ormc__error_save(db, &b->begin_err);
        }
        break;
    case ORMC__EXPECT_PARSE:
        rc = vt->pipe_take_parse(b->ops[e.op].st);
        if (rc != ORMC_OK && rc != ORMC__PIPE_ABORTED && !db->broken) {
            b->ops[e.op].parse_rc = rc;
            ormc__tx_statement_failed(db, rc);
        }
        break;
    case ORMC__EXPECT_RESULT:
        take_result(b, e.op);
        break;
    case ORMC__EXPECT_SYNC:
        rc = vt->pipe_take_sync(db);
        break;
    }
    if (db->broken && !b->lost)
        lose(b);
    if (b->lost)
        return ORMC_CONNECTION;
    if (b->head == b->tail) {
        b->head = b->tail = 0;
        b->begin_rc = ORMC_OK;
        if (b->retry_from != SIZE_MAX) {
            b->next_send = b->retry_from;
            b->retry_from = SIZE_MAX;
        }
    }
    return ORMC_OK;
}

/* === Ops run through their ordinary call === */

static int call_direct(ormc_db *db, ormc__op *op)
{
    void *items = NULL;
    size_t count = 0;
    int rc;
    switch (op->kind) {
    case ORMC__OP_GET:
        return ormc_row_get(db, op->t, op->in, op->row);
    case ORMC__OP_GET_BY:
        return ormc_row_get_by(db, op->t, op->set, op->in, op->row);
    case ORMC__OP_INSERT:
        return ormc_row_insert(db, op->t, op->row);
    case ORMC__OP_UPDATE:
        return ormc_row_update(db, op->t, op->in);
    case ORMC__OP_UPDATE_COLUMNS:
        return ormc_row_update_columns(db, op->t, op->in, op->set);
    case ORMC__OP_DELETE:
        return ormc_row_delete(db, op->t, op->in);
    case ORMC__OP_UPSERT:
        return ormc_row_upsert(db, op->t, op->row, op->set);
    case ORMC__OP_FIND_OR_CREATE:
        return ormc_row_find_or_create(db, op->t, op->row, op->set,
                                       op->created);
    case ORMC__OP_FIRST:
        return ormc_builder_first(db, op->q, op->row);
    case ORMC__OP_COUNT:
        return ormc_builder_count(db, op->q, op->n);
    case ORMC__OP_SQL_ONE:
        return ormc_sql_one(db, op->sql, op->in, op->row);
    case ORMC__OP_SQL_EXEC:
        return ormc_sql_exec(db, op->sql, op->in, op->n);
    case ORMC__OP_ALL:
    case ORMC__OP_SQL_MANY:
        if (op->items == NULL || op->count == NULL)
            return ormc__error(db, ORMC_INVALID, NULL, NULL,
                               "no list given for the rows");
        rc = op->kind == ORMC__OP_ALL
                 ? ormc_builder_all(db, op->q, &items, &count)
                 : ormc_sql_many(db, op->sql, op->in, &items, &count);
        memcpy(op->items, &items, sizeof items);
        *op->count = count;
        return rc;
    }
    return ORMC_INVALID;
}

void ormc__batch_direct(ormc_batch *b)
{
    ormc_db *db = b->db;
    size_t i = next_live(b, b->next_send);
    if (i >= b->n_ops || b->ops[i].state != ORMC__OPS_DIRECT ||
        b->head < b->tail)
        return;
    if (b->pipelined) {
        b->pipelined = false;
        if (db->vt->pipe_exit(db) != ORMC_OK) {
            lose(b);
            return;
        }
    }
    fire_hooks(b, i);
    ormc__op *op = &b->ops[i];
    op->direct = true;
    land(b, op, call_direct(db, op));
    b->next_send = i + 1;
}

/* === Close, and the blocking runner === */

int ormc__batch_close(ormc_batch *b)
{
    ormc_db *db = b->db;
    if (b->pipelined) {
        b->pipelined = false;
        if (db->vt->pipe_exit(db) != ORMC_OK && !b->lost)
            lose(b);
    }
    fire_hooks(b, b->n_ops);
    for (size_t i = 0; i < b->n_held; i++) {
        b->held[i]->held_by = NULL;
        ormc__stmt_release(b->held[i]);
    }
    b->n_held = 0;
    b->n_ops = 0;
    b->head = b->tail = 0;
    arena_reset(b);
    b->running = false;
    int rc = b->first_rc;
    if (rc != ORMC_OK)
        ormc__error_restore(db, &b->first_err);
    else
        ormc__clear_error(db);
    return rc;
}

/* === The batch's own transaction (async.c: ormc_batch_tx_begin, _commit),
 * around the blocking run === */

static int run_in_tx(ormc_batch *b)
{
    ormc_db *db = b->db;
    bool begin = b->tx_begin, commit = b->tx_commit;
    b->tx_begin = b->tx_commit = false; /* said for one run */
    int rc;
    if (begin) {
        ormc__clear_error(db);
        if ((rc = ormc__begin_locked(db, &b->tx_opts)) != ORMC_OK) {
            /* nothing of the batch runs: each call has the BEGIN's
             * failure */
            for (size_t i = 0; i < b->n_ops; i++)
                *b->ops[i].rc = rc;
            b->n_ops = 0;
            arena_reset(b);
            return rc;
        }
    }
    rc = ormc_batch_run(b);
    if (commit && db->tx_depth > 0) {
        if (rc == ORMC_OK) {
            rc = ormc__commit(db);
        } else {
            ormc__saved_error e;
            ormc__error_save(db, &e);
            ormc__rollback(db);
            ormc__error_restore(db, &e);
        }
    }
    return rc;
}

int ormc_batch_run(ormc_batch *b)
{
    if (b == NULL)
        return ORMC_INVALID;
    if (b->tx_begin || b->tx_commit)
        return run_in_tx(b);
    int rc = ormc__batch_open(b);
    if (rc != ORMC_OK)
        return rc;
    for (;;) {
        switch (ormc__batch_want(b)) {
        case ORMC__BATCH_SEND:
            ormc__batch_send(b);
            break;
        case ORMC__BATCH_TAKE:
            ormc__batch_take(b);
            break;
        case ORMC__BATCH_DIRECT:
            ormc__batch_direct(b);
            break;
        case ORMC__BATCH_DONE:
            return ormc__batch_close(b);
        }
    }
}

void ormc_batch_free(ormc_batch *b)
{
    if (b == NULL)
        return;
    if (b->running) {
        /* stopped mid-run (an asynchronous run given up): what was sent
         * cannot be read in order any more */
        if (b->head < b->tail)
            b->db->broken = true;
        ormc__batch_close(b);
    }
    while (b->arena != NULL) {
        ormc__arena_block *next = b->arena->next;
        free(b->arena);
        b->arena = next;
    }
    free(b->held);
    free(b->expect);
    free(b->ops);
    free(b);
}
