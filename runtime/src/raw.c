/*
 * raw.c: the raw SQL escape hatch, ormc_exec and ormc_query.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "ormc_int.h"
#include "session.h"

struct ormc_result {
    ormc_db *db;
    ormc__stmt *st;
    bool pending; /* the first row, stepped by ormc_query, not yet given */
    bool done;
};

/*
 * Run a script of several statements, all or nothing on both backends.
 * PostgreSQL runs a multi-statement query as one implicit transaction;
 * SQLite's sqlite3_exec would keep the statements before a failing one
 * when no transaction is open (autocommit mode), so there the script runs
 * inside a savepoint, rolled back and released when it fails. Inside a
 * transaction the failed-state rule already makes it all or nothing.
 */
static int exec_script(ormc_db *db, const char *sql, int64_t *changes)
{
    if (db->backend != ORMC_SQLITE || db->tx_depth > 0 || !db->cfg.autocommit)
        return ormc__exec_control(db, sql, true, changes);
    int rc = ormc__ensure_connected(db);
    if (rc == ORMC_OK)
        rc = ormc__exec_control(db, "SAVEPOINT ormc_script", false, NULL);
    if (rc != ORMC_OK)
        return rc;
    rc = ormc__exec_control(db, sql, true, changes);
    if (rc == ORMC_OK) {
        rc = ormc__exec_control(db, "RELEASE ormc_script", false, NULL);
        if (rc == ORMC_OK)
            return ORMC_OK;
    }
    ormc__saved_error e;
    ormc__error_save(db, &e);
    ormc__exec_control(db, "ROLLBACK TO ormc_script", false, NULL);
    ormc__exec_control(db, "RELEASE ormc_script", false, NULL);
    ormc__error_restore(db, &e);
    if (changes)
        *changes = 0;
    return rc;
}

int ormc_exec(ormc_db *db, const char *sql, const ormc_param *params,
              size_t n_params, int64_t *changes)
{
    if (changes)
        *changes = 0;
    if (!db)
        return ORMC_INVALID;
    ormc__clear_error(db);
    if (!sql || (n_params && !params))
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "ormc_exec: no SQL or parameters given");
    ormc__stmt *st;
    int rc = ormc__stmt_prepare(db, sql, &st);
    if (rc != ORMC_OK)
        return rc;
    if (st->multi) {
        /* a script: several statements, run as one simple query */
        ormc__stmt_release(st);
        if (n_params)
            return ormc__error(db, ORMC_INVALID, "42601", NULL,
                               "several statements in one text cannot take "
                               "parameters");
        return exec_script(db, sql, changes);
    }
    rc = ormc__stmt_bind_params(st, params, n_params);
    if (rc == ORMC_OK)
        while ((rc = ormc__stmt_step(st)) == ORMC_ROW) {}
    if (rc == ORMC_DONE) {
        rc = ORMC_OK;
        if (changes)
            *changes = ormc__stmt_changes(st);
    }
    ormc__stmt_release(st);
    return rc;
}

int ormc_query(ormc_db *db, const char *sql, const ormc_param *params,
               size_t n_params, ormc_result **res)
{
    if (res)
        *res = NULL;
    if (!db)
        return ORMC_INVALID;
    ormc__clear_error(db);
    if (!sql || !res || (n_params && !params))
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "ormc_query: no SQL, parameters or result given");
    ormc_result *r = calloc(1, sizeof *r);
    if (!r)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    ormc__stmt *st;
    int rc = ormc__stmt_prepare(db, sql, &st);
    if (rc != ORMC_OK) {
        free(r);
        return rc;
    }
    /* text results: any column type can be read, as on SQLite */
    st->binary = false;
    rc = ormc__stmt_bind_params(st, params, n_params);
    if (rc == ORMC_OK)
        rc = ormc__stmt_step(st);
    if (rc != ORMC_ROW && rc != ORMC_DONE) {
        ormc__stmt_release(st);
        free(r);
        return rc;
    }
    r->db = db;
    r->st = st;
    r->pending = rc == ORMC_ROW;
    r->done = rc == ORMC_DONE;
    *res = r;
    return ORMC_OK;
}

int ormc_result_next(ormc_result *res)
{
    if (!res)
        return ORMC_INVALID;
    if (res->pending) {
        res->pending = false;
        return ORMC_ROW;
    }
    if (res->done)
        return ORMC_DONE;
    int rc = ormc__stmt_step(res->st);
    if (rc != ORMC_ROW)
        res->done = true;
    return rc;
}

int ormc_result_columns(const ormc_result *res)
{
    return res ? ormc__stmt_columns(res->st) : 0;
}

const char *ormc_result_column_name(const ormc_result *res, int col)
{
    return res ? ormc__stmt_column_name(res->st, col) : NULL;
}

/* ormc_result_get without the check of type: the shorthands pass 0 to
 * learn only whether the value is NULL. */
static int result_value(const ormc_result *res, int col, ormc_type type,
                        ormc_param *out)
{
    if (res->pending || res->done) {
        memset(out, 0, sizeof *out);
        return ormc__error(res->db, ORMC_INVALID, NULL, NULL,
                           "no current row: call ormc_result_next first");
    }
    return ormc__stmt_value(res->st, col, type, out);
}

int ormc_result_get(const ormc_result *res, int col, ormc_type type,
                    ormc_param *out)
{
    if (!res || !out)
        return ORMC_INVALID;
    if ((int)type < ORMC_TYPE_INTEGER || (int)type > ORMC_TYPE_ENUM) {
        memset(out, 0, sizeof *out);
        return ormc__error(res->db, ORMC_INVALID, NULL, NULL,
                           "ormc_result_get: %d is not an ormc_type",
                           (int)type);
    }
    return result_value(res, col, type, out);
}

bool ormc_result_is_null(const ormc_result *res, int col)
{
    ormc_param p;
    return !res || result_value(res, col, (ormc_type)0, &p) != ORMC_OK ||
           p.is_null;
}

int64_t ormc_result_int64(const ormc_result *res, int col)
{
    ormc_param p;
    if (ormc_result_get(res, col, ORMC_TYPE_BIGINT, &p) || p.is_null)
        return 0;
    return p.u.i64;
}

double ormc_result_double(const ormc_result *res, int col)
{
    ormc_param p;
    if (ormc_result_get(res, col, ORMC_TYPE_DOUBLE, &p) || p.is_null)
        return 0.0;
    return p.u.f64;
}

bool ormc_result_bool(const ormc_result *res, int col)
{
    ormc_param p;
    if (ormc_result_get(res, col, ORMC_TYPE_BOOLEAN, &p) || p.is_null)
        return false;
    return p.u.b;
}

const char *ormc_result_text(const ormc_result *res, int col)
{
    ormc_param p;
    if (ormc_result_get(res, col, ORMC_TYPE_TEXT, &p) || p.is_null)
        return NULL;
    return p.u.text;
}

ormc_blob ormc_result_blob(const ormc_result *res, int col)
{
    ormc_param p;
    ormc_blob none = {NULL, 0};
    if (ormc_result_get(res, col, ORMC_TYPE_BLOB, &p) || p.is_null)
        return none;
    return p.u.blob;
}

void ormc_result_close(ormc_result *res)
{
    if (!res)
        return;
    ormc__stmt_release(res->st);
    free(res);
}
