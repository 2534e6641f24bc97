/*
 * seed.c: ormc_seed, the program behind `ormc seed` (gen/seed.lua,
 * docs/fixtures.md).
 *
 * It reads on stdin the description of a schema that seed.lua prints,
 * builds in memory the descriptors a generated .c file would hold
 * (ormc_table, ormc_column, ormc_index, ormc_foreign_key, ormc_schema),
 * and hands them to the runtime's one fixture generator: ormc_schema_fill
 * into a live database, or ormc_schema_fill_sql for a script. So `ormc
 * seed` makes the same rows as the generated <schema>_fixtures_fill for
 * the same seed, without compiling anything.
 *
 * Its rows are laid out by this program, not by a C compiler: the owned
 * pointer at offset 0, then one 24-byte slot per column (16 bytes hold any
 * value type, a bool has_ flag after them).
 *
 * Exit status: 0 done, 1 the database or the file refused (the message on
 * stderr), 2 a description it cannot read (a bug of ormc).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ormc_generated.h"

#define SLOT 24
#define MAX_FIELDS 1024

/* Say what went wrong, then exit with status: "ormc seed: what 'arg'"
 * (arg may be NULL). */
static void die(int status, const char *what, const char *arg)
{
    if (arg != NULL)
        fprintf(stderr, "ormc seed: %s '%s'\n", what, arg);
    else
        fprintf(stderr, "ormc seed: %s\n", what);
    exit(status);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (p == NULL)
        die(1, "out of memory", NULL);
    return p;
}

/* === Reading the description (keep in sync with gen/seed.lua) === */

typedef struct record {
    char *line;              /* owned */
    char *field[MAX_FIELDS]; /* into line, unescaped */
    int n;
} record;

/* Split line at tabs and undo \t, \n, \\ in each field, in place. */
static void split(record *r)
{
    r->n = 0;
    char *p = r->line;
    while (r->n < MAX_FIELDS) {
        char *out = p;
        r->field[r->n++] = p;
        char *in = p;
        while (*in != '\0' && *in != '\t') {
            if (*in == '\\' && in[1] != '\0') {
                in++;
                *out++ = *in == 't' ? '\t' : *in == 'n' ? '\n' : *in;
                in++;
            } else {
                *out++ = *in++;
            }
        }
        bool more = *in == '\t';
        *out = '\0';
        if (!more)
            break;
        p = in + 1;
    }
}

static bool next(FILE *in, record *r)
{
    free(r->line);
    r->line = NULL;
    size_t cap = 0;
    ssize_t len = getline(&r->line, &cap, in);
    if (len < 0)
        return false;
    if (len > 0 && r->line[len - 1] == '\n')
        r->line[len - 1] = '\0';
    split(r);
    return true;
}

static void expect(FILE *in, record *r, const char *kind, int min_fields)
{
    if (!next(in, r) || strcmp(r->field[0], kind) != 0 || r->n < min_fields)
        die(2, "bad description: expected a record of kind", kind);
}

static char *copy_str(const char *s)
{
    char *p = strdup(s);
    if (p == NULL)
        die(1, "out of memory", NULL);
    return p;
}

static long number(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0')
        die(2, "bad description: not a number:", s);
    return v;
}

/* A comma-separated list of column indexes ("-" for none) of a table of
 * n_columns: the array (owned), its length in *len. */
static uint16_t *index_list(const char *s, int n_columns, uint16_t *len)
{
    *len = 0;
    if (strcmp(s, "-") == 0)
        return NULL;
    uint16_t *out = xcalloc(64, sizeof *out);
    char *copy = copy_str(s), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        long v = number(tok);
        if (v < 0 || v >= n_columns || *len >= 64)
            die(2, "bad description: column index", tok);
        out[(*len)++] = (uint16_t)v;
    }
    free(copy);
    return out;
}

static ormc_colset colset_of(const uint16_t *cols, uint16_t n)
{
    ormc_colset s = 0;
    for (uint16_t i = 0; i < n; i++)
        s |= ORMC_COLUMN_BIT(cols[i]);
    return s;
}

typedef struct target {
    char *url;    /* a live database, or NULL */
    int dialect;  /* else: the script's dialect */
    char *output; /* and its file; "-" for stdout */
    size_t *counts;
    uint64_t seed;
} target;

static ormc_schema *read_schema(FILE *in, target *to)
{
    record r = {0};
    if (!next(in, &r) || strcmp(r.line, "ormc-seed 2") != 0)
        die(2, "bad description: not ormc-seed 2", NULL);
    expect(in, &r, "schema", 3);
    ormc_schema *s = xcalloc(1, sizeof *s);
    s->name = copy_str(r.field[1]);
    long n_tables = number(r.field[2]);
    if (n_tables < 0 || n_tables > 65535)
        die(2, "bad description: table count", NULL);
    s->n_tables = (uint16_t)n_tables;
    ormc_table *tables = xcalloc((size_t)n_tables, sizeof *tables);
    const ormc_table **list = xcalloc((size_t)n_tables, sizeof *list);
    for (long ti = 0; ti < n_tables; ti++) {
        ormc_table *t = &tables[ti];
        list[ti] = t;
        expect(in, &r, "table", 7);
        t->name = copy_str(r.field[1]);
        t->sql_name = copy_str(r.field[2]);
        long nc = number(r.field[3]), ni = number(r.field[4]),
             nf = number(r.field[5]);
        if (nc < 1 || nc > 64 || ni < 0 || ni > 65535 || nf < 0 || nf > 65535)
            die(2, "bad description: table", t->name);
        t->n_columns = (uint16_t)nc;
        t->pk_order = index_list(r.field[6], (int)nc, &t->n_pk);
        t->primary_key = colset_of(t->pk_order, t->n_pk);
        t->owned_offset = 0;
        t->row_size = sizeof(void *) + SLOT * (size_t)nc;
        ormc_column *cols = xcalloc((size_t)nc, sizeof *cols);
        for (long ci = 0; ci < nc; ci++) {
            ormc_column *c = &cols[ci];
            expect(in, &r, "column", 11);
            c->name = copy_str(r.field[1]);
            c->sql_name = copy_str(r.field[2]);
            long type = number(r.field[3]);
            if (type < ORMC_TYPE_INTEGER || type > ORMC_TYPE_ENUM)
                die(2, "bad description: type of column", c->name);
            c->type = (ormc_type)type;
            c->flags = (uint32_t)number(r.field[4]);
            c->max_chars = (uint32_t)number(r.field[5]);
            c->offset = sizeof(void *) + SLOT * (size_t)ci;
            c->has_offset = number(r.field[6]) ? c->offset + 16 : ORMC_NO_HAS;
            long ref = number(r.field[7]);
            if (ref >= n_tables || ref < -1)
                die(2, "bad description: reference of column", c->name);
            c->ref_table = ref >= 0 ? &tables[ref] : NULL;
            c->ref_column = (int)number(r.field[8]);
            c->postgres.catalog_type = copy_str(r.field[9]);
            long nl = number(r.field[10]);
            if (nl < 0 || nl != r.n - 11)
                die(2, "bad description: labels of column", c->name);
            const char **labels = xcalloc((size_t)nl, sizeof *labels);
            for (long k = 0; k < nl; k++)
                labels[k] = copy_str(r.field[11 + k]);
            c->enum_values = labels;
            c->n_enum_values = (uint32_t)nl;
        }
        t->columns = cols;
        ormc_index *ix = xcalloc((size_t)ni, sizeof *ix);
        for (long k = 0; k < ni; k++) {
            expect(in, &r, "index", 4);
            ix[k].sql_name = copy_str(r.field[1]);
            ix[k].unique = number(r.field[2]) != 0;
            ix[k].order = index_list(r.field[3], (int)nc, &ix[k].n_columns);
            ix[k].columns = colset_of(ix[k].order, ix[k].n_columns);
        }
        t->indexes = ix;
        t->n_indexes = (uint16_t)ni;
        ormc_foreign_key *fks = xcalloc((size_t)nf, sizeof *fks);
        for (long k = 0; k < nf; k++) {
            expect(in, &r, "fk", 5);
            fks[k].sql_name = copy_str(r.field[1]);
            long parent = number(r.field[2]);
            if (parent < 0 || parent >= n_tables)
                die(2, "bad description: foreign key", fks[k].sql_name);
            fks[k].child = t;
            fks[k].parent = &tables[parent];
            uint16_t n_child, n_parent;
            fks[k].child_columns = index_list(r.field[3], (int)nc, &n_child);
            /* the parent's columns are checked against it once read */
            fks[k].parent_columns = index_list(r.field[4], 64, &n_parent);
            if (n_child != n_parent || n_child == 0)
                die(2, "bad description: foreign key", fks[k].sql_name);
            fks[k].n_columns = n_child;
        }
        t->foreign_keys = fks;
        t->n_foreign_keys = (uint16_t)nf;
    }
    for (long ti = 0; ti < n_tables; ti++)
        for (uint16_t k = 0; k < tables[ti].n_foreign_keys; k++) {
            const ormc_foreign_key *fk = &tables[ti].foreign_keys[k];
            for (uint16_t j = 0; j < fk->n_columns; j++)
                if (fk->parent_columns[j] >= fk->parent->n_columns)
                    die(2, "bad description: foreign key", fk->sql_name);
        }
    s->tables = list;

    expect(in, &r, "counts", 1 + (int)n_tables);
    to->counts = xcalloc((size_t)n_tables, sizeof *to->counts);
    for (long ti = 0; ti < n_tables; ti++) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(r.field[1 + ti], &end, 10);
        if (errno != 0 || *end != '\0')
            die(2, "bad description: count", r.field[1 + ti]);
        to->counts[ti] = (size_t)v;
    }
    expect(in, &r, "seed", 2);
    char *end;
    errno = 0;
    to->seed = strtoull(r.field[1], &end, 10);
    if (errno != 0 || *end != '\0' || r.field[1][0] == '-')
        die(2, "bad description: seed", r.field[1]);
    if (!next(in, &r))
        die(2, "bad description: no target", NULL);
    if (strcmp(r.field[0], "url") == 0 && r.n >= 2) {
        to->url = copy_str(r.field[1]);
    } else if (strcmp(r.field[0], "sql") == 0 && r.n >= 3) {
        to->dialect = strcmp(r.field[1], "postgres") == 0
                          ? ORMC_DIALECT_POSTGRES
                          : ORMC_DIALECT_SQLITE;
        to->output = copy_str(r.field[2]);
    } else {
        die(2, "bad description: no target", NULL);
    }
    free(r.line);
    return s;
}

/* === Running === */

/* Where the script goes: its header comes with the first piece, so that
 * counts the plan refuses write nothing at all. */
typedef struct output {
    FILE *f;
    const ormc_schema *s;
    const struct target *to;
    bool started;
} output;

static int write_piece(void *ctx, const char *text, size_t len)
{
    output *o = ctx;
    if (!o->started) {
        o->started = true;
        fprintf(o->f,
                "-- Written by ormc seed: fixtures of schema %s, seed %llu, "
                "for %s.\n-- Load it into a database whose tables exist and "
                "hold none of these keys.\n",
                o->s->name, (unsigned long long)o->to->seed,
                o->to->dialect == ORMC_DIALECT_POSTGRES ? "PostgreSQL (psql -f)"
                                                        : "SQLite (sqlite3 <)");
    }
    return fwrite(text, 1, len, o->f) == len ? 0 : 1;
}

static size_t total(const ormc_schema *s, const size_t *counts)
{
    size_t n = 0;
    for (uint16_t i = 0; i < s->n_tables; i++)
        n += counts[i];
    return n;
}

static int fill_live(const ormc_schema *s, const target *to)
{
    ormc_db *db = NULL;
    int rc = ormc_open(to->url, &db);
    if (rc != ORMC_OK) {
        fprintf(stderr, "ormc seed: cannot open the database: %s\n",
                db ? ormc_errmsg(db) : ormc_strstatus(rc));
        ormc_close(db);
        return 1;
    }
    rc = ormc_schema_fill(db, s, to->counts, s->n_tables, to->seed);
    ormc_tx_state st = ORMC_TX_IDLE;
    if (rc == ORMC_OK && ormc_tx_state_of(db, &st) == ORMC_OK &&
        st != ORMC_TX_IDLE)
        rc = ormc_commit(db);
    if (rc != ORMC_OK) {
        fprintf(stderr, "ormc seed: cannot fill schema %s: %s\n", s->name,
                ormc_errmsg(db));
        ormc_close(db);
        return 1;
    }
    ormc_close(db);
    fprintf(stderr, "ormc seed: %zu rows asked of schema %s, seed %llu\n",
            total(s, to->counts), s->name, (unsigned long long)to->seed);
    return 0;
}

/* The script, into a temporary file renamed over the output at the end
 * (nothing half-written stays), or to stdout. */
static int write_script(const ormc_schema *s, const target *to)
{
    bool to_stdout = strcmp(to->output, "-") == 0;
    size_t len = strlen(to->output) + 16;
    char *tmp = xcalloc(len, 1);
    snprintf(tmp, len, "%s.tmp", to->output);
    FILE *f = to_stdout ? stdout : fopen(tmp, "wb");
    if (f == NULL) {
        fprintf(stderr, "ormc seed: cannot write %s: %s\n", to->output,
                strerror(errno));
        free(tmp);
        return 1;
    }
    output out = {f, s, to, false};
    char err[256];
    int rc = ormc_schema_fill_sql(s, to->counts, s->n_tables, to->seed,
                                  (ormc_dialect)to->dialect, write_piece, &out,
                                  err, sizeof err);
    bool ok = rc == ORMC_OK;
    if (!ok)
        fprintf(stderr, "ormc seed: %s\n", err);
    if (to_stdout) {
        ok = fflush(stdout) == 0 && ok;
    } else {
        ok = fclose(f) == 0 && ok;
        if (ok && rename(tmp, to->output) != 0) {
            fprintf(stderr, "ormc seed: cannot write %s: %s\n", to->output,
                    strerror(errno));
            ok = false;
        }
        if (!ok)
            remove(tmp);
    }
    free(tmp);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        die(2,
            "usage: ormc_seed < DESCRIPTION (run by `ormc seed`, which "
            "writes the description)",
            NULL);
    target to = {0};
    ormc_schema *s = read_schema(stdin, &to);
    /* The descriptors live until exit: the process is short. */
    return to.url != NULL ? fill_live(s, &to) : write_script(s, &to);
}
