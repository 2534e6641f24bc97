/*
 * batch.h: the batch engine (batch.c), in the engine layer: the queued
 * operations and the phases a runner drives. Never installed.
 *
 * A batch is run in phases, so that two runners share one engine:
 * ormc_batch_run (batch.c) drives them blocking, and an asynchronous runner
 * drives the same phases from an event loop, one step per readiness:
 *
 *   ormc__batch_open   once: reconnect when needed, check every op (the
 *                      write checks, the statement of its shape checked
 *                      out and its parameters bound and kept); an op that
 *                      fails here lands its error at once and is not sent
 *   then, until ormc__batch_want says ORMC__BATCH_DONE:
 *     ORMC__BATCH_SEND    ormc__batch_send: send ops (pipeline mode),
 *                         never waiting for a result
 *     ORMC__BATCH_TAKE    ormc__batch_take: take the next result off the
 *                         connection and land it into its op (waits for
 *                         the server unless db->vt->pipe_ready said it is
 *                         there)
 *     ORMC__BATCH_DIRECT  ormc__batch_direct: run the next op through its
 *                         ordinary blocking call (SQLite, every op; on
 *                         PostgreSQL find_or_create, whose statements
 *                         depend on each other's results, and every op
 *                         when the backend has no pipelines)
 *   ormc__batch_close  once: leave pipeline mode, give the statements
 *                      back, empty the queue; the batch's status
 *
 * Nothing is sent by open except a reconnect and what the statement cache
 * sends when it evicts (a DEALLOCATE): both before pipeline mode begins.
 */
#ifndef ORMC_BATCH_H
#define ORMC_BATCH_H

#include "ormc_int.h"

/* What an op does: the blocking call it stands for. */
typedef enum ormc__op_kind {
    ORMC__OP_GET,            /* ormc_row_get */
    ORMC__OP_GET_BY,         /* ormc_row_get_by */
    ORMC__OP_INSERT,         /* ormc_row_insert */
    ORMC__OP_UPDATE,         /* ormc_row_update */
    ORMC__OP_UPDATE_COLUMNS, /* ormc_row_update_columns */
    ORMC__OP_DELETE,         /* ormc_row_delete */
    ORMC__OP_UPSERT,         /* ormc_row_upsert */
    ORMC__OP_FIND_OR_CREATE, /* ormc_row_find_or_create */
    ORMC__OP_FIRST,          /* ormc_builder_first */
    ORMC__OP_ALL,            /* ormc_builder_all */
    ORMC__OP_COUNT,          /* ormc_builder_count */
    ORMC__OP_SQL_ONE,        /* ormc_sql_one */
    ORMC__OP_SQL_MANY,       /* ormc_sql_many */
    ORMC__OP_SQL_EXEC        /* ormc_sql_exec */
} ormc__op_kind;

/* Where an op is in a run. */
typedef enum ormc__op_state {
    ORMC__OPS_QUEUED, /* not yet looked at */
    ORMC__OPS_READY,  /* checked, statement and parameters kept: to send */
    ORMC__OPS_DIRECT, /* to run through its ordinary call */
    ORMC__OPS_SENT,   /* in the pipeline: its result to take */
    ORMC__OPS_LANDED  /* its status is in *rc */
} ormc__op_state;

/* One queued call. The arguments are the blocking call's; what is
 * borrowed is the caller's until the batch has run. */
typedef struct ormc__op {
    ormc__op_kind kind;
    ormc__op_state state;
    bool read;                 /* changes nothing (gets, first, all,
                                  count): may share a sync with the reads
                                  around it in autocommit mode */
    bool parsed;               /* its statement's Parse was sent with it */
    bool direct;               /* ran through its ordinary call (which
                                  fired its change hook itself) */
    int parse_rc;              /* the refusal of its Parse, else ORMC_OK */
    const ormc_table *t;       /* the table (a query's: its table) */
    const ormc_builder *q;     /* FIRST, ALL, COUNT: borrowed */
    const ormc_sql_query *sql; /* SQL_*: borrowed */
    const void *in;            /* the key row (copied into the batch) or
                                  the row to write / params (borrowed) */
    void *row;                 /* the row written back or fetched into:
                                  borrowed (GET: out; INSERT, UPSERT,
                                  FIND_OR_CREATE: the row itself) */
    void *items;               /* ALL, SQL_MANY: the caller's list pointer */
    size_t *count;             /* ALL, SQL_MANY */
    int64_t *n;                /* COUNT: the count; SQL_EXEC: changes */
    bool *created;             /* FIND_OR_CREATE, may be NULL */
    ormc_colset set;           /* GET_BY: the key; UPDATE_COLUMNS: the set;
                                  UPSERT: conflict; FIND_OR_CREATE: key */
    int *rc;                   /* where the status lands */
    /* from open: what is sent, and how it lands */
    ormc__stmt *st;        /* checked out, shared by the ops of its shape */
    ormc_param *params;    /* st->n_params values, in the batch's arena */
    unsigned char *secret; /* per parameter, 1: secret; NULL: none */
    ormc_colset back;      /* INSERT: the columns read back */
    int64_t t0;            /* when it was sent (tracing only) */
} ormc__op;

/* A memory block of the batch's arena (key copies, parameters). */
typedef struct ormc__arena_block ormc__arena_block;

/* A result the pipeline owes, in the order things were sent. */
typedef enum ormc__expect_what {
    ORMC__EXPECT_BEGIN,  /* the implicit BEGIN (PEP 249 mode) */
    ORMC__EXPECT_PARSE,  /* the Parse of op's statement */
    ORMC__EXPECT_RESULT, /* op's execution */
    ORMC__EXPECT_SYNC    /* a sync point */
} ormc__expect_what;

typedef struct ormc__expect {
    ormc__expect_what what;
    size_t op; /* PARSE, RESULT: the op's index */
} ormc__expect;

/* What the runner is to do next (ormc__batch_want). */
typedef enum ormc__batch_next {
    ORMC__BATCH_SEND,   /* ops are ready to be sent */
    ORMC__BATCH_TAKE,   /* a result is awaited */
    ORMC__BATCH_DIRECT, /* the next op runs through its ordinary call */
    ORMC__BATCH_DONE    /* every op landed: close */
} ormc__batch_next;

struct ormc_batch {
    ormc_db *db;
    /* async.c (ormc_batch_tx_begin, _commit), for the next run only: open
     * a transaction before the first op (with tx_opts), end the open one
     * after the last (commit, or roll back after a failure) */
    bool tx_begin, tx_commit;
    ormc_tx_options tx_opts;
    ormc__op *ops; /* the queue, in call order */
    size_t n_ops, cap_ops;
    ormc__arena_block *arena; /* freed when the queue empties */
    /* the run (open .. close) */
    bool running;
    bool pipelined;       /* in pipeline mode (PostgreSQL) */
    bool in_tx;           /* what is being sent runs inside a transaction (one
                             sync at the end; a failure aborts the rest) */
    bool lost;            /* the connection went: every op left landed
                             ORMC_CONNECTION */
    size_t next_send;     /* the first op not yet sent or run */
    size_t hooked;        /* the ops before it had their change hook */
    size_t retry_from;    /* autocommit: a read failed, and the reads after
                             it that shared its sync were skipped by the
                             server: sent again from here once every result
                             is in (SIZE_MAX: none) */
    ormc__expect *expect; /* the results owed: expect[head..tail) */
    size_t head, tail, cap_expect;
    int64_t begin_t0;            /* the BEGIN's send time (tracing) */
    int begin_rc;                /* the BEGIN failed: the ops it skipped
                                    land this (else ORMC_OK) */
    ormc__saved_error begin_err; /* and its error */
    int first_rc;                /* the status of the first op (in call
                                    order) that failed, ORMC_OK when none */
    size_t first_op;             /* its index */
    ormc__saved_error first_err; /* and its error */
    /* the statements checked out for this run (each once) */
    ormc__stmt **held;
    size_t n_held, cap_held;
};

/* === in batch.c: the phases (see the top of this file) === */

/* Begin a run of the queued ops. ORMC_OK (even when some ops already
 * landed with an error), or ORMC_INVALID when the batch is already
 * running. Blocking only for a reconnect or a cache eviction. */
int ormc__batch_open(ormc_batch *b);

/* What to do next. */
ormc__batch_next ormc__batch_want(const ormc_batch *b);

/* Send every ready op up to the next stop (the end, a direct op, or in
 * autocommit mode the end of a run of reads followed by a write), each
 * followed by its sync where one is due; never waits for a result. A
 * failure to send (a lost connection) lands ORMC_CONNECTION in every op
 * not landed. Returns ORMC_OK or that status. */
int ormc__batch_send(ormc_batch *b);

/* Take the next result (an op's, the implicit BEGIN's, or a sync's) and
 * land it. May wait for the server (unless db->vt->pipe_ready said it need
 * not). Returns ORMC_OK, or ORMC_CONNECTION when the connection was lost
 * (every op not landed then has it). */
int ormc__batch_take(ormc_batch *b);

/* Run the next op (ORMC__BATCH_DIRECT) through its ordinary call. */
void ormc__batch_direct(ormc_batch *b);

/* End the run: leave pipeline mode, give the statements back, empty the
 * queue, and leave the first failed op's error on the connection. Returns
 * ORMC_OK or the first failed op's status (ormc_batch_run's return). */
int ormc__batch_close(ormc_batch *b);

#endif /* ORMC_BATCH_H */
