/*
 * tenant.c: one PostgreSQL schema per tenant, as OneGov serves its
 * customers: the same tables in every tenant's schema, and the connection's
 * search_path pointing at exactly one of them, so that generated code (which
 * never qualifies table names) runs unchanged per tenant.
 *
 * The name rule is OneGov's (onegov.core.orm.session_manager), plus the
 * length limit of a PostgreSQL identifier: a longer name would be truncated
 * by the server, and two tenants could end up in one schema. A refused name
 * never reaches the server.
 *
 * The search_path is session state. It is set outside any transaction (a
 * rollback would undo it), and its script is given to the session layer
 * (ormc__session_keep), which sends it again after an automatic reconnect
 * before any other statement and forgets it when the pool resets the
 * session.
 * Only identifiers, always quoted, are written into SQL text: no value.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ormc_int.h"
#include "session.h"

#define MAX_NAME 63 /* NAMEDATALEN - 1 */

/* Why name is refused, or NULL when it is acceptable. */
static const char *name_problem(const char *name)
{
    static const char *const reserved[] = {"public", "information_schema",
                                           "extensions"};
    size_t n = strlen(name);
    if (n == 0)
        return "it is empty";
    if (n > MAX_NAME)
        return "it is longer than 63 characters";
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-'))
            return "only lowercase letters, digits, '_' and '-' are allowed";
    }
    if (name[0] >= '0' && name[0] <= '9')
        return "it starts with a digit";
    if (strncmp(name, "pg_", 3) == 0)
        return "names starting with \"pg_\" are reserved for PostgreSQL";
    if (strstr(name, "--"))
        return "it contains \"--\"";
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strcmp(name, reserved[i]) == 0)
            return "it is a reserved schema";
    return NULL;
}

bool ormc_tenant_name_valid(const char *name)
{
    return name && !name_problem(name);
}

/* The statements that switch to (and maybe create) schema `name`, already
 * validated: a quoted identifier, no value. Sent as one script, which the
 * server runs as one implicit transaction: when the check fails, the SET
 * is undone with it. current_schema() is NULL when no schema of the
 * search_path exists. */
static void switch_sql(ormc__buf *b, const char *name, bool create, bool pooled)
{
    if (create) {
        ormc__buf_puts(b, "CREATE SCHEMA IF NOT EXISTS ");
        ormc__buf_put_ident(b, name);
        ormc__buf_puts(b, "; ");
    }
    if (pooled) {
        /* behind a transaction pooler only this script's implicit
         * transaction sees it: the check below, then every transaction
         * sets it again (connection.c:ormc__session_local_sql). The name
         * is validated: quoted as an identifier inside a literal */
        ormc__buf_puts(b, "SELECT pg_catalog.set_config('search_path', '");
        ormc__buf_put_ident(b, name);
        ormc__buf_puts(b, "', true)");
    } else {
        ormc__buf_puts(b, "SET search_path TO ");
        ormc__buf_put_ident(b, name);
    }
    if (!create)
        ormc__buf_puts(b, "; DO $ormc$BEGIN IF current_schema() IS NULL THEN "
                          "RAISE EXCEPTION USING ERRCODE = '3F000', "
                          "MESSAGE = 'no such schema'; END IF; END$ormc$");
}

/* Send the switch. 3F000 (no schema) becomes ORMC_NOT_FOUND. */
static int send_switch(ormc_db *db, const char *name, bool create)
{
    char storage[512];
    ormc__buf b;
    ormc__buf_init(&b, storage, sizeof storage);
    switch_sql(&b, name, create, db->cfg.pooler_transaction);
    if (b.failed)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    int rc = ormc__exec_control(db, b.data, false, NULL);
    if (rc != ORMC_OK && create && !db->broken &&
        (rc == ORMC_CONSTRAINT || strcmp(db->sqlstate, "42P06") == 0)) {
        /* two sessions created it at once: it exists now */
        rc = ormc__exec_control(db, b.data, false, NULL);
    }
    ormc__buf_free(&b);
    if (rc != ORMC_OK && strcmp(db->sqlstate, "3F000") == 0)
        rc = ormc__error(
            db, ORMC_NOT_FOUND, "3F000", NULL,
            "schema \"%s\" does not exist (pass ORMC_TENANT_CREATE to "
            "create it)",
            name);
    return rc;
}

int ormc_use_tenant(ormc_db *db, const char *name, unsigned flags)
{
    if (!db)
        return ORMC_INVALID;
    ormc__clear_error(db);
    if (name) {
        const char *why = name_problem(name);
        if (why)
            return ormc__error(db, ORMC_INVALID, "3F000", NULL,
                               "invalid tenant schema name: %s", why);
    }
    if (flags & ~ORMC_TENANT_CREATE)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "ormc_use_tenant: unknown flags 0x%x", flags);
    if (db->backend != ORMC_POSTGRES)
        return ormc__error(db, ORMC_UNSUPPORTED, "0A000", NULL,
                           "schemas per tenant need PostgreSQL (SQLite has "
                           "no schemas: use one database file per tenant)");
    if (db->tx_depth > 0)
        return ormc__error(db, ORMC_INVALID, "25001", NULL,
                           "ormc_use_tenant: a transaction is open; commit "
                           "or roll back first (its rollback would undo the "
                           "search_path)");

    /* The new schema is forgotten first: if the connection must be opened
     * again now, it must not go back to the old tenant on the way. */
    char *copy = NULL, *restore = NULL;
    if (name) {
        char storage[512];
        ormc__buf sql;
        ormc__buf_init(&sql, storage, sizeof storage);
        switch_sql(&sql, name, false, false);
        copy = strdup(name);
        /* behind a transaction pooler nothing is restored: every
         * transaction sets the search_path itself */
        restore =
            sql.failed || db->cfg.pooler_transaction ? NULL : strdup(sql.data);
        ormc__buf_free(&sql);
        if (!copy || (!restore && !db->cfg.pooler_transaction)) {
            free(copy);
            free(restore);
            return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        }
    }
    ormc__session_forget(db);
    int rc = ormc__ensure_connected(db);
    if (rc == ORMC_OK) {
        if (name)
            rc = send_switch(db, name, (flags & ORMC_TENANT_CREATE) != 0);
        else if (!db->cfg.pooler_transaction)
            rc = ormc__exec_control(db, "RESET search_path", false, NULL);
    }
    if (rc != ORMC_OK) {
        free(copy);
        free(restore);
        /* Where the session stands is unknown only when the connection is
         * gone, and then the next connection starts from the URL's. On a
         * server error the script was undone: the URL's search_path is in
         * force, as db->schema (NULL) says. Make that true whatever came
         * before: */
        if (!db->broken && db->conn && !db->cfg.pooler_transaction) {
            ormc__saved_error e;
            ormc__error_save(db, &e);
            if (ormc__exec_control(db, "RESET search_path", false, NULL) !=
                ORMC_OK)
                db->broken = true;
            ormc__error_restore(db, &e);
        }
        return rc;
    }
    if (copy)
        ormc__session_keep(db, copy, restore);
    return ORMC_OK;
}

/* The list in one allocation: n + 1 pointers, then the strings. */
static char **pack_names(char **tmp, size_t n)
{
    size_t bytes = (n + 1) * sizeof(char *);
    for (size_t i = 0; i < n; i++)
        bytes += strlen(tmp[i]) + 1;
    char **out = malloc(bytes);
    if (!out)
        return NULL;
    char *p = (char *)(out + n + 1);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(tmp[i]) + 1;
        memcpy(p, tmp[i], len);
        out[i] = p;
        p += len;
    }
    out[n] = NULL;
    return out;
}

static void free_tmp(char **tmp, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(tmp[i]);
    free(tmp);
}

int ormc_list_tenants(ormc_db *db, const char *prefix, char ***names,
                      size_t *count)
{
    if (names)
        *names = NULL;
    if (count)
        *count = 0;
    if (!db)
        return ORMC_INVALID;
    ormc__clear_error(db);
    if (!names)
        return ormc__error(db, ORMC_INVALID, NULL, NULL,
                           "ormc_list_tenants: names is NULL");
    if (db->backend != ORMC_POSTGRES)
        return ormc__error(db, ORMC_UNSUPPORTED, "0A000", NULL,
                           "schemas per tenant need PostgreSQL (SQLite has "
                           "no schemas)");
    static const char sql[] =
        "SELECT nspname::text FROM pg_catalog.pg_namespace "
        "WHERE left(nspname, length($1::text)) = $1::text ORDER BY nspname";
    ormc_param p = {.type = ORMC_TYPE_TEXT};
    p.u.text = prefix ? prefix : "";
    ormc__stmt *st;
    int rc = ormc__stmt_prepare(db, sql, &st);
    if (rc != ORMC_OK)
        return rc;
    char **tmp = NULL;
    size_t n = 0, cap = 0;
    rc = ormc__stmt_bind_params(st, &p, 1);
    if (rc == ORMC_OK)
        rc = ormc__stmt_step(st);
    for (; rc == ORMC_ROW; rc = ormc__stmt_step(st)) {
        ormc_param v;
        if ((rc = ormc__stmt_value(st, 0, ORMC_TYPE_TEXT, &v)) != ORMC_OK)
            break;
        const char *name = v.is_null ? NULL : v.u.text;
        if (!name || !ormc_tenant_name_valid(name))
            continue; /* system and reserved schemas are no tenants */
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **t = realloc(tmp, ncap * sizeof *t);
            if (!t) {
                rc = ORMC_NOMEM;
                break;
            }
            tmp = t;
            cap = ncap;
        }
        if (!(tmp[n] = strdup(name))) {
            rc = ORMC_NOMEM;
            break;
        }
        n++;
    }
    ormc__stmt_release(st);
    if (rc != ORMC_DONE) {
        free_tmp(tmp, n);
        if (rc == ORMC_NOMEM)
            return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
        return rc;
    }
    char **out = pack_names(tmp, n);
    free_tmp(tmp, n);
    if (!out)
        return ormc__error(db, ORMC_NOMEM, NULL, NULL, "out of memory");
    *names = out;
    if (count)
        *count = n;
    ormc__clear_error(db);
    return ORMC_OK;
}

void ormc_tenant_list_free(char **names)
{
    free(names);
}

/* The names before the rename, kept for one release (ormc.h). */

bool ormc_schema_name_valid(const char *name)
{
    return ormc_tenant_name_valid(name);
}

int ormc_use_schema(ormc_db *db, const char *name, unsigned flags)
{
    return ormc_use_tenant(db, name, flags);
}

int ormc_list_schemas(ormc_db *db, const char *prefix, char ***names,
                      size_t *count)
{
    return ormc_list_tenants(db, prefix, names, count);
}

void ormc_schema_list_free(char **names)
{
    ormc_tenant_list_free(names);
}
