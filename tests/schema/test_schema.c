/*
 * test_schema.c: ormc_schema_create, _drop and _check on both backends,
 * over a hand-written schema (descriptors and DDL in the shape the
 * generator emits), so that these tests do not depend on the generator.
 *
 * Schema "blog":
 *   people  a uuid key, every column type, a UNIQUE constraint, an index
 *   posts   a serial key, a reference to people, a unique index, an index
 *   tags    a composite key, a reference to posts
 *
 * The drift tests create the schema, change the live database the way a
 * hand-run ALTER would, and expect the exact message of the first
 * difference.
 */
#define _POSIX_C_SOURCE 200809L /* pthread barriers */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ormc_test.h"
#include "ormc_generated.h"

/* === Row structs and descriptors === */

typedef enum blog_mood {
    BLOG_MOOD_OK,
    BLOG_MOOD_MEH
} blog_mood;

typedef struct blog_person {
    ormc_uuid id;
    const char *email;
    const char *name;
    bool has_age;
    int32_t age;
    bool has_score;
    double score;
    bool active;
    ormc_blob avatar;
    bool has_born;
    ormc_time born;
    bool has_seen_at;
    ormc_time seen_at;
    const char *prefs;
    blog_mood mood;
    void *ormc_owned;
} blog_person;

enum {
    PERSON_ID,
    PERSON_EMAIL,
    PERSON_NAME,
    PERSON_AGE,
    PERSON_SCORE,
    PERSON_ACTIVE,
    PERSON_AVATAR,
    PERSON_BORN,
    PERSON_SEEN_AT,
    PERSON_PREFS,
    PERSON_MOOD
};

typedef struct blog_post {
    int64_t id;
    ormc_uuid person_id;
    const char *title;
    int64_t views;
    const char *note;
    void *ormc_owned;
} blog_post;

enum {
    POST_ID,
    POST_PERSON_ID,
    POST_TITLE,
    POST_VIEWS,
    POST_NOTE
};

typedef struct blog_tag {
    int64_t post_id;
    const char *tag;
    void *ormc_owned;
} blog_tag;

enum {
    TAG_POST_ID,
    TAG_TAG
};

/* The catalog types each column must have (SQLite, PostgreSQL), as the
 * generator writes them into its descriptors. */
#define IN(sqlite, postgres)                                                   \
    {sqlite, NULL, NULL},                                                      \
    {                                                                          \
        postgres, NULL, NULL                                                   \
    }

/* clang-format off */
#define COL(row, field, type, flags, types)                                    \
    {#field, #field, type, flags, offsetof(row, field), ORMC_NO_HAS, 0, NULL, \
     0, NULL, -1, NULL, types}
#define COL_HAS(row, field, type, flags, types)                                \
    {#field, #field, type, flags, offsetof(row, field),                        \
     offsetof(row, has_##field), 0, NULL, 0, NULL, -1, NULL, types}
#define COL_MAX(row, field, flags, max)                                        \
    {#field, #field, ORMC_TYPE_TEXT, flags, offsetof(row, field),              \
     ORMC_NO_HAS, max, NULL, 0, NULL, -1, NULL,                                \
     IN("TEXT", "character varying(" #max ")")}
/* clang-format on */

static const char *const mood_labels[] = {"ok", "meh"};

static const ormc_column person_columns[] = {
    COL(blog_person, id, ORMC_TYPE_UUID,
        ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY, IN("TEXT", "uuid")),
    COL_MAX(blog_person, email, ORMC_COL_NOT_NULL | ORMC_COL_UNIQUE, 254),
    COL(blog_person, name, ORMC_TYPE_TEXT, ORMC_COL_NOT_NULL,
        IN("TEXT", "text")),
    COL_HAS(blog_person, age, ORMC_TYPE_INTEGER, 0, IN("INTEGER", "integer")),
    COL_HAS(blog_person, score, ORMC_TYPE_DOUBLE, 0,
            IN("REAL", "double precision")),
    COL(blog_person, active, ORMC_TYPE_BOOLEAN,
        ORMC_COL_NOT_NULL | ORMC_COL_DEFAULT, IN("INTEGER", "boolean")),
    COL(blog_person, avatar, ORMC_TYPE_BLOB, 0, IN("BLOB", "bytea")),
    COL_HAS(blog_person, born, ORMC_TYPE_TIMESTAMP, 0,
            IN("TEXT", "timestamp without time zone")),
    COL_HAS(blog_person, seen_at, ORMC_TYPE_TIMESTAMP,
            ORMC_COL_NOT_NULL | ORMC_COL_DEFAULT | ORMC_COL_DEFAULT_NOW |
                ORMC_COL_TZ,
            IN("TEXT", "timestamp with time zone")),
    COL(blog_person, prefs, ORMC_TYPE_JSON, 0, IN("TEXT", "jsonb")),
    {"mood", "mood", ORMC_TYPE_ENUM, ORMC_COL_NOT_NULL,
     offsetof(blog_person, mood), ORMC_NO_HAS, 0, mood_labels, 2, NULL, -1,
     NULL, IN("TEXT", "text")},
};

static const uint16_t person_pk[] = {PERSON_ID};
static const uint16_t person_index0[] = {PERSON_EMAIL};
static const uint16_t person_index1[] = {PERSON_NAME};
static const ormc_index person_indexes[] = {
    {"people_email_key", ORMC_COLUMN_BIT(PERSON_EMAIL), person_index0, 1, true},
    {"people_name_idx", ORMC_COLUMN_BIT(PERSON_NAME), person_index1, 1, false},
};

static const ormc_table person_table = {
    "person",
    "people",
    sizeof(blog_person),
    offsetof(blog_person, ormc_owned),
    person_columns,
    sizeof person_columns / sizeof person_columns[0],
    ORMC_COLUMN_BIT(PERSON_ID),
    person_pk,
    1,
    person_indexes,
    2,
    NULL,
    0,
    0,
    NULL,
};

static const ormc_column post_columns[] = {
    COL(blog_post, id, ORMC_TYPE_BIGINT,
        ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY | ORMC_COL_SERIAL,
        IN("INTEGER", "bigint")),
    {"person_id", "person_id", ORMC_TYPE_UUID, ORMC_COL_NOT_NULL,
     offsetof(blog_post, person_id), ORMC_NO_HAS, 0, NULL, 0, &person_table,
     PERSON_ID, NULL, IN("TEXT", "uuid")},
    COL_MAX(blog_post, title, ORMC_COL_NOT_NULL, 100),
    COL(blog_post, views, ORMC_TYPE_BIGINT,
        ORMC_COL_NOT_NULL | ORMC_COL_DEFAULT, IN("INTEGER", "bigint")),
    COL(blog_post, note, ORMC_TYPE_TEXT, 0, IN("TEXT", "text")),
};

static const uint16_t post_pk[] = {POST_ID};
static const uint16_t post_index0[] = {POST_PERSON_ID, POST_TITLE};
static const uint16_t post_index1[] = {POST_VIEWS};
static const ormc_index post_indexes[] = {
    {"posts_person_id_title_key",
     ORMC_COLUMN_BIT(POST_PERSON_ID) | ORMC_COLUMN_BIT(POST_TITLE), post_index0,
     2, true},
    {"posts_views_idx", ORMC_COLUMN_BIT(POST_VIEWS), post_index1, 1, false},
};

static const ormc_table post_table = {
    "post",
    "posts",
    sizeof(blog_post),
    offsetof(blog_post, ormc_owned),
    post_columns,
    sizeof post_columns / sizeof post_columns[0],
    ORMC_COLUMN_BIT(POST_ID),
    post_pk,
    1,
    post_indexes,
    2,
    NULL,
    0,
    0,
    NULL,
};

static const ormc_column tag_columns[] = {
    {"post_id", "post_id", ORMC_TYPE_BIGINT,
     ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY, offsetof(blog_tag, post_id),
     ORMC_NO_HAS, 0, NULL, 0, &post_table, POST_ID, NULL,
     IN("INTEGER", "bigint")},
    COL_MAX(blog_tag, tag, ORMC_COL_NOT_NULL | ORMC_COL_PRIMARY_KEY, 32),
};

static const uint16_t tag_pk[] = {TAG_POST_ID, TAG_TAG};
static const uint16_t tag_index0[] = {TAG_TAG};
static const ormc_index tag_indexes[] = {
    {"tags_tag_idx", ORMC_COLUMN_BIT(TAG_TAG), tag_index0, 1, false},
};

static const ormc_table tag_table = {
    "tag",
    "tags",
    sizeof(blog_tag),
    offsetof(blog_tag, ormc_owned),
    tag_columns,
    sizeof tag_columns / sizeof tag_columns[0],
    ORMC_COLUMN_BIT(TAG_POST_ID) | ORMC_COLUMN_BIT(TAG_TAG),
    tag_pk,
    2,
    tag_indexes,
    1,
    NULL,
    0,
    0,
    NULL,
};

static const ormc_table *const blog_tables[] = {&person_table, &post_table,
                                                &tag_table};

/* === DDL, as the generator writes it === */

/* The posts table of SQLite with its "title" column definition left open,
 * so that the drift tests can rebuild it with another one. */
#define SQLITE_POSTS(title)                                                    \
    "CREATE TABLE IF NOT EXISTS \"posts\" (\n"                                 \
    "    \"id\"        INTEGER NOT NULL\n"                                     \
    "        CONSTRAINT \"posts_pkey\" PRIMARY KEY,\n"                         \
    "    \"person_id\" TEXT NOT NULL,\n"                                       \
    "    " title ",\n"                                                         \
    "    \"views\"     INTEGER NOT NULL DEFAULT 0,\n"                          \
    "    \"note\"      TEXT,\n"                                                \
    "    CONSTRAINT \"posts_person_id_fkey\" FOREIGN KEY (\"person_id\")\n"    \
    "        REFERENCES \"people\" (\"id\") ON DELETE CASCADE,\n"              \
    "    CONSTRAINT \"posts_title_check\" CHECK (length(\"title\") <= 100)\n"  \
    ")"

#define SQLITE_TAGS(key)                                                       \
    "CREATE TABLE IF NOT EXISTS \"tags\" (\n"                                  \
    "    \"post_id\" INTEGER NOT NULL,\n"                                      \
    "    \"tag\"     TEXT NOT NULL,\n" key                                     \
    "    CONSTRAINT \"tags_post_id_fkey\" FOREIGN KEY (\"post_id\")\n"         \
    "        REFERENCES \"posts\" (\"id\") ON DELETE CASCADE,\n"               \
    "    CONSTRAINT \"tags_tag_check\" CHECK (length(\"tag\") <= 32)\n"        \
    ")"

/* SQLite's people table with its UNIQUE constraint left open. */
#define SQLITE_PEOPLE(unique)                                                  \
    "CREATE TABLE IF NOT EXISTS \"people\" (\n"                                \
    "    \"id\"      TEXT NOT NULL,\n"                                         \
    "    \"email\"   TEXT NOT NULL,\n"                                         \
    "    \"name\"    TEXT NOT NULL,\n"                                         \
    "    \"age\"     INTEGER,\n"                                               \
    "    \"score\"   REAL,\n"                                                  \
    "    \"active\"  INTEGER NOT NULL DEFAULT 1,\n"                            \
    "    \"avatar\"  BLOB,\n"                                                  \
    "    \"born\"    TEXT,\n"                                                  \
    "    \"seen_at\" TEXT NOT NULL\n"                                          \
    "        DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),\n"       \
    "    \"prefs\"   TEXT,\n"                                                  \
    "    \"mood\"    TEXT NOT NULL,\n"                                         \
    "    CONSTRAINT \"people_pkey\" PRIMARY KEY (\"id\"),\n" unique            \
    "    CONSTRAINT \"people_email_check\" CHECK (length(\"email\") <= "       \
    "254),\n"                                                                  \
    "    CONSTRAINT \"people_mood_check\" CHECK (\"mood\" IN ('ok', 'meh'))\n" \
    ")"

static const char *const blog_ddl_sqlite[] = {
    SQLITE_PEOPLE("    CONSTRAINT \"people_email_key\" UNIQUE (\"email\"),\n"),
    "CREATE INDEX IF NOT EXISTS \"people_name_idx\" ON \"people\" (\"name\")",
    SQLITE_POSTS("\"title\"     TEXT NOT NULL"),
    "CREATE UNIQUE INDEX IF NOT EXISTS \"posts_person_id_title_key\" "
    "ON \"posts\" (\"person_id\", \"title\")",
    "CREATE INDEX IF NOT EXISTS \"posts_views_idx\" ON \"posts\" (\"views\")",
    SQLITE_TAGS("    CONSTRAINT \"tags_pkey\" PRIMARY KEY (\"post_id\", "
                "\"tag\"),\n"),
    "CREATE INDEX IF NOT EXISTS \"tags_tag_idx\" ON \"tags\" (\"tag\")",
    NULL,
};

static const char *const blog_ddl_postgres[] = {
    "CREATE TABLE IF NOT EXISTS \"people\" (\n"
    "    \"id\"      uuid NOT NULL,\n"
    "    \"email\"   varchar(254) NOT NULL,\n"
    "    \"name\"    text NOT NULL,\n"
    "    \"age\"     integer,\n"
    "    \"score\"   double precision,\n"
    "    \"active\"  boolean NOT NULL DEFAULT true,\n"
    "    \"avatar\"  bytea,\n"
    "    \"born\"    timestamp,\n"
    "    \"seen_at\" timestamptz NOT NULL DEFAULT now(),\n"
    "    \"prefs\"   jsonb,\n"
    "    \"mood\"    text NOT NULL,\n"
    "    CONSTRAINT \"people_pkey\" PRIMARY KEY (\"id\"),\n"
    "    CONSTRAINT \"people_email_key\" UNIQUE (\"email\"),\n"
    "    CONSTRAINT \"people_mood_check\" CHECK (\"mood\" IN ('ok', 'meh'))\n"
    ")",
    "CREATE INDEX IF NOT EXISTS \"people_name_idx\" ON \"people\" (\"name\")",
    "CREATE TABLE IF NOT EXISTS \"posts\" (\n"
    "    \"id\"        bigint NOT NULL GENERATED BY DEFAULT AS IDENTITY,\n"
    "    \"person_id\" uuid NOT NULL,\n"
    "    \"title\"     varchar(100) NOT NULL,\n"
    "    \"views\"     bigint NOT NULL DEFAULT 0,\n"
    "    \"note\"      text,\n"
    "    CONSTRAINT \"posts_pkey\" PRIMARY KEY (\"id\"),\n"
    "    CONSTRAINT \"posts_person_id_fkey\" FOREIGN KEY (\"person_id\")\n"
    "        REFERENCES \"people\" (\"id\") ON DELETE CASCADE\n"
    ")",
    "CREATE UNIQUE INDEX IF NOT EXISTS \"posts_person_id_title_key\" "
    "ON \"posts\" (\"person_id\", \"title\")",
    "CREATE INDEX IF NOT EXISTS \"posts_views_idx\" ON \"posts\" (\"views\")",
    "CREATE TABLE IF NOT EXISTS \"tags\" (\n"
    "    \"post_id\" bigint NOT NULL,\n"
    "    \"tag\"     varchar(32) NOT NULL,\n"
    "    CONSTRAINT \"tags_pkey\" PRIMARY KEY (\"post_id\", \"tag\"),\n"
    "    CONSTRAINT \"tags_post_id_fkey\" FOREIGN KEY (\"post_id\")\n"
    "        REFERENCES \"posts\" (\"id\") ON DELETE CASCADE\n"
    ")",
    "CREATE INDEX IF NOT EXISTS \"tags_tag_idx\" ON \"tags\" (\"tag\")",
    NULL,
};

static const ormc_schema blog_schema = {
    .name = "blog",
    .hash = "0000000000000000",
    .tables = blog_tables,
    .n_tables = 3,
    .ddl_sqlite = blog_ddl_sqlite,
    .ddl_postgres = blog_ddl_postgres,
};

/* The same schema with a DDL array that fails half-way through. */
static const char *const broken_ddl[] = {
    "CREATE TABLE IF NOT EXISTS \"people\" (\"id\" TEXT NOT NULL)",
    "CREATE TABLE \"posts\" (\"id\" no_such_type_at_all(1, 2, 3) NOT NULL, "
    "\"id\" bigint)",
    NULL,
};

static const ormc_schema broken_schema = {
    .name = "broken",
    .hash = "0000000000000000",
    .tables = blog_tables,
    .n_tables = 3,
    .ddl_sqlite = broken_ddl,
    .ddl_postgres = broken_ddl,
};

/* === Helpers === */

static bool is_pg(void)
{
    return ormc_test_backend() == ORMC_POSTGRES;
}

/* How many of the blog tables exist in the current schema. */
static int64_t blog_tables_present(ormc_db *db)
{
    const char *sql =
        is_pg() ? "SELECT count(*) FROM pg_catalog.pg_tables WHERE "
                  "schemaname = current_schema() AND tablename IN "
                  "('people', 'posts', 'tags')"
                : "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                  "AND name IN ('people', 'posts', 'tags')";
    ormc_result *res = NULL;
    assert_ok(db, ormc_query(db, sql, NULL, 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    int64_t n = ormc_result_int64(res, 0);
    ormc_result_close(res);
    return n;
}

/* What a report callback was told (ormc_schema_check_with). */
#define MAX_FOUND 16
typedef struct found {
    int n;
    bool breaks[MAX_FOUND];
    char table[MAX_FOUND][64];
    char object[MAX_FOUND][64]; /* "" for NULL */
    char msg[MAX_FOUND][600];
} found;

static void collect_drift(void *ctx, const ormc_drift *d)
{
    found *f = ctx;
    if (f->n == MAX_FOUND)
        return;
    f->breaks[f->n] = d->breaks_data;
    snprintf(f->table[f->n], sizeof f->table[0], "%s", d->table);
    snprintf(f->object[f->n], sizeof f->object[0], "%s",
             d->object ? d->object : "");
    snprintf(f->msg[f->n], sizeof f->msg[0], "%s", d->message);
    f->n++;
}

/* Whether msg is `what` followed by nothing or by the why of a difference
 * that breaks data (or not). */
static bool says(const char *msg, const char *what, bool breaks)
{
    size_t n = strlen(what);
    if (strncmp(msg, what, n) != 0)
        return false;
    if (msg[n] == '\0')
        return breaks; /* self-evident: a missing table or column */
    const char *why = breaks ? ": breaks data: " : ": does not break data: ";
    return strncmp(msg + n, why, strlen(why)) == 0;
}

/*
 * Expect exactly one difference, `what` (its message up to the why),
 * marked as breaking data or not: the default check fails on it only when
 * it breaks data (its message then the connection's), the strict check
 * (ORMC_CHECK_STRICT) always.
 */
static void expect_diff(ormc_db *db, const ormc_schema *s, bool breaks,
                        const char *what)
{
    found f;
    memset(&f, 0, sizeof f);
    int rc = ormc_schema_check_with(db, s, 0, collect_drift, &f);
    if (f.n != 1 || !says(f.msg[0], what, breaks))
        fail_msg("%d differences, the first %s: %s; expected one that %s: "
                 "%s",
                 f.n, f.n && f.breaks[0] ? "breaking" : "harmless",
                 f.n ? f.msg[0] : "-", breaks ? "breaks" : "does not break",
                 what);
    assert_int_equal(f.breaks[0], breaks);
    if (breaks) {
        assert_int_equal(rc, ORMC_SCHEMA_DRIFT);
        assert_string_equal(ormc_errmsg(db), f.msg[0]);
    } else {
        assert_ok(db, rc);
        assert_ok(db, ormc_schema_check(db, s));
    }
    rc = ormc_schema_check_with(db, s, ORMC_CHECK_STRICT, NULL, NULL);
    assert_int_equal(rc, ORMC_SCHEMA_DRIFT);
    assert_string_equal(ormc_errmsg(db), f.msg[0]);
}

#define expect_breaks(db, s, what) expect_diff(db, s, true, what)
#define expect_harmless(db, s, what) expect_diff(db, s, false, what)

/* The message of a check that finds none of the blog's tables. */
#define BLOG_MISSING                                                           \
    "3 differences break data: table \"people\" of schema blog is missing "    \
    "from the database; table \"posts\" of schema blog is missing from the "   \
    "database; table \"tags\" of schema blog is missing from the database"

static void expect_no_tables(ormc_db *db)
{
    assert_int_equal(ormc_schema_check(db, &blog_schema), ORMC_SCHEMA_DRIFT);
    assert_string_equal(ormc_errmsg(db), BLOG_MISSING);
    assert_string_equal(ormc_errconstraint(db), "");
}

static void create_and_check(ormc_db *db)
{
    assert_ok(db, ormc_schema_create(db, &blog_schema));
    assert_ok(db, ormc_schema_check(db, &blog_schema));
}

/* SQLite cannot change a column in place: rebuild the table (empty in
 * these tests) with another definition, then let create put its indexes
 * back, so that the changed column is the only difference. */
static void sqlite_rebuild(ormc_db *db, const char *table, const char *ddl)
{
    char sql[128];
    snprintf(sql, sizeof sql, "DROP TABLE \"%s\"", table);
    ormc_test_exec(db, sql);
    ormc_test_exec(db, ddl);
    assert_ok(db, ormc_schema_create(db, &blog_schema));
}

/* === Create, drop, check === */

static void test_create_is_idempotent(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_int_equal(blog_tables_present(db), 0);
    assert_ok(db, ormc_rollback(db)); /* end the query's implicit one */
    assert_ok(db, ormc_schema_create(db, &blog_schema));
    /* its own transaction, committed: the connection is left idle */
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_ok(db, ormc_schema_create(db, &blog_schema));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_ok(db, ormc_schema_check(db, &blog_schema));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_string_equal(ormc_errmsg(db), "");
    assert_int_equal(blog_tables_present(db), 3);

    /* and the tables are usable */
    ormc_test_exec(db, "INSERT INTO \"people\" (\"id\", \"email\", \"name\", "
                       "\"mood\") VALUES "
                       "('8f14e45f-ceea-467f-a9b6-0b5e5b5e5b5e', "
                       "'a@example.com', 'A', 'ok')");
    assert_ok(db, ormc_commit(db));
    assert_ok(db, ormc_schema_create(db, &blog_schema));
    assert_ok(db, ormc_schema_check(db, &blog_schema));
}

static void test_drop_removes_children_first(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_and_check(db);
    /* rows in every table: parents cannot go before their children */
    ormc_test_exec(db, "INSERT INTO \"people\" (\"id\", \"email\", \"name\", "
                       "\"mood\") VALUES "
                       "('8f14e45f-ceea-467f-a9b6-0b5e5b5e5b5e', "
                       "'a@example.com', 'A', 'ok')");
    ormc_test_exec(db, "INSERT INTO \"posts\" (\"id\", \"person_id\", "
                       "\"title\") VALUES "
                       "(1, '8f14e45f-ceea-467f-a9b6-0b5e5b5e5b5e', 'T')");
    ormc_test_exec(db, "INSERT INTO \"tags\" (\"post_id\", \"tag\") "
                       "VALUES (1, 'x')");
    assert_ok(db, ormc_commit(db));

    assert_ok(db, ormc_schema_drop(db, &blog_schema));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    assert_int_equal(blog_tables_present(db), 0);
    expect_no_tables(db);
    /* IF EXISTS: dropping again is fine */
    assert_ok(db, ormc_schema_drop(db, &blog_schema));
    /* and it comes back */
    create_and_check(db);
}

static void test_create_in_callers_transaction(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, ormc_begin(db));
    assert_ok(db, ormc_schema_create(db, &blog_schema));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    assert_ok(db, ormc_schema_check(db, &blog_schema));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    assert_ok(db, ormc_rollback(db));
    /* rolled back with the caller's transaction */
    assert_int_equal(blog_tables_present(db), 0);

    assert_ok(db, ormc_begin(db));
    assert_ok(db, ormc_schema_create(db, &blog_schema));
    assert_ok(db, ormc_commit(db));
    assert_ok(db, ormc_schema_check(db, &blog_schema));

    assert_ok(db, ormc_begin(db));
    assert_ok(db, ormc_schema_drop(db, &blog_schema));
    assert_ok(db, ormc_rollback(db));
    assert_ok(db, ormc_schema_check(db, &blog_schema));
}

static void test_create_is_all_or_nothing(void **state)
{
    ormc_db *db = ormc_test_db(state);
    int rc = ormc_schema_create(db, &broken_schema);
    assert_true(ormc_is_error(rc));
    assert_true(rc != ORMC_SCHEMA_DRIFT);
    assert_true(strlen(ormc_errmsg(db)) > 0);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
    /* the first table was rolled back with the failure */
    assert_int_equal(blog_tables_present(db), 0);

    /* inside a transaction: a savepoint, the caller's work survives */
    assert_ok(db, ormc_begin(db));
    ormc_test_exec(db, "CREATE TABLE \"kept\" (\"id\" INTEGER)");
    rc = ormc_schema_create(db, &broken_schema);
    assert_true(ormc_is_error(rc));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    assert_int_equal(blog_tables_present(db), 0);
    ormc_test_exec(db, "INSERT INTO \"kept\" (\"id\") VALUES (1)");
    assert_ok(db, ormc_commit(db));
}

static void test_misuse(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_int_equal(ormc_schema_create(NULL, &blog_schema), ORMC_INVALID);
    assert_int_equal(ormc_schema_drop(NULL, &blog_schema), ORMC_INVALID);
    assert_int_equal(ormc_schema_check(NULL, &blog_schema), ORMC_INVALID);
    assert_int_equal(ormc_schema_create(db, NULL), ORMC_INVALID);
    assert_int_equal(ormc_schema_drop(db, NULL), ORMC_INVALID);
    assert_int_equal(ormc_schema_check(db, NULL), ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "no schema"));

    /* a failed transaction is reported, not papered over */
    assert_ok(db, ormc_begin(db));
    assert_true(ormc_is_error(
        ormc_exec(db, "SELECT * FROM \"no_such_table\"", NULL, 0, NULL)));
    assert_int_equal(ormc_schema_check(db, &blog_schema), ORMC_ERROR);
    assert_string_equal(ormc_sqlstate(db), "25P02");
    assert_int_equal(ormc_schema_create(db, &blog_schema), ORMC_ERROR);
    assert_ok(db, ormc_rollback(db));
    create_and_check(db);
}

typedef struct trace_count {
    int statements;
    int catalog;
} trace_count;

static void count_trace(void *ctx, const ormc_trace_event *ev)
{
    trace_count *c = ctx;
    c->statements++;
    if (strstr(ev->sql, "pg_catalog") || strstr(ev->sql, "sqlite_master"))
        c->catalog++;
}

static void test_statements_are_traced(void **state)
{
    ormc_db *db = ormc_test_db(state);
    trace_count c = {0, 0};
    ormc_set_trace(db, count_trace, &c);
    assert_ok(db, ormc_schema_create(db, &blog_schema));
    /* BEGIN, (PostgreSQL: the advisory lock), seven statements, COMMIT */
    assert_int_equal(c.statements, is_pg() ? 10 : 9);
    c.statements = c.catalog = 0;
    assert_ok(db, ormc_schema_check(db, &blog_schema));
    assert_true(c.catalog >= 3);
    ormc_set_trace(db, NULL, NULL);
}

/* === Drift: one test per kind of difference === */

static void test_drift_missing_table(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_and_check(db);
    ormc_test_exec(db, "DROP TABLE \"tags\"");
    expect_breaks(db, &blog_schema,
                  "table \"tags\" of schema blog is missing from the database");
    assert_string_equal(ormc_strstatus(ORMC_SCHEMA_DRIFT),
                        "database schema differs from the compiled schema");
}

static void test_drift_missing_column(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_and_check(db);
    ormc_test_exec(db, "ALTER TABLE \"posts\" DROP COLUMN \"note\"");
    expect_breaks(db, &blog_schema,
                  "table \"posts\": column \"note\" of schema blog is missing "
                  "from the database");
    assert_string_equal(ormc_errconstraint(db), "note");
}

static void test_drift_extra_column(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_and_check(db);
    ormc_test_exec(db, "ALTER TABLE \"people\" ADD COLUMN \"nickname\" text");
    expect_harmless(db, &blog_schema,
                    "table \"people\": column \"nickname\" is in the database "
                    "but not in schema blog");
}

static void test_drift_type(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_and_check(db);
    if (!is_pg()) {
        sqlite_rebuild(db, "posts",
                       SQLITE_POSTS("\"title\" VARCHAR(100) NOT NULL"));
        expect_harmless(db, &blog_schema,
                        "table \"posts\": column \"title\" has type "
                        "VARCHAR(100) in the database but TEXT in schema blog");
        sqlite_rebuild(db, "posts", SQLITE_POSTS("\"title\" NOT NULL"));
        expect_harmless(
            db, &blog_schema,
            "table \"posts\": column \"title\" has no declared type "
            "in the database but TEXT in schema blog");
        /* declared types compare without regard to case */
        sqlite_rebuild(db, "posts", SQLITE_POSTS("\"title\" text NOT NULL"));
        assert_ok(db, ormc_schema_check(db, &blog_schema));
        return;
    }
    /* varchar(n) against text, and a different n */
    ormc_test_exec(db, "ALTER TABLE \"posts\" ALTER COLUMN \"title\" "
                       "TYPE text");
    expect_harmless(db, &blog_schema,
                    "table \"posts\": column \"title\" has type text in the "
                    "database but character varying(100) in schema blog");
    ormc_test_exec(db, "ALTER TABLE \"posts\" ALTER COLUMN \"title\" "
                       "TYPE varchar(50)");
    expect_breaks(db, &blog_schema,
                  "table \"posts\": column \"title\" has type character "
                  "varying(50) in the database but character varying(100) in "
                  "schema blog");
    ormc_test_exec(db, "ALTER TABLE \"posts\" ALTER COLUMN \"title\" "
                       "TYPE varchar(100)");
    assert_ok(db, ormc_schema_check(db, &blog_schema));

    /* the other PostgreSQL types, one at a time */
    static const struct {
        const char *column, *to, *back, *msg;
    } cases[] = {
        {"age", "bigint", "integer",
         "table \"people\": column \"age\" has type bigint in the database "
         "but integer in schema blog"},
        {"score", "real", "double precision",
         "table \"people\": column \"score\" has type real in the database "
         "but double precision in schema blog"},
        {"born", "timestamptz", "timestamp",
         "table \"people\": column \"born\" has type timestamp with time "
         "zone in the database but timestamp without time zone in schema "
         "blog"},
        {"seen_at", "timestamp", "timestamptz",
         "table \"people\": column \"seen_at\" has type timestamp without "
         "time zone in the database but timestamp with time zone in schema "
         "blog"},
        {"prefs", "json", "jsonb",
         "table \"people\": column \"prefs\" has type json in the database "
         "but jsonb in schema blog"},
        {"mood", "varchar(3)", "text",
         "table \"people\": column \"mood\" has type character varying(3) "
         "in the database but text in schema blog"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char sql[160];
        snprintf(sql, sizeof sql,
                 "ALTER TABLE \"people\" ALTER COLUMN \"%s\" TYPE %s",
                 cases[i].column, cases[i].to);
        ormc_test_exec(db, sql);
        expect_breaks(db, &blog_schema, cases[i].msg);
        snprintf(sql, sizeof sql,
                 "ALTER TABLE \"people\" ALTER COLUMN \"%s\" TYPE %s",
                 cases[i].column, cases[i].back);
        ormc_test_exec(db, sql);
        assert_ok(db, ormc_schema_check(db, &blog_schema));
    }
}

/* The type a column must have is the one its descriptor gives for the
 * backend (the generator's decision), not a mapping of the runtime's: a
 * descriptor that expects another type finds drift in a database made by
 * the DDL, and one that gives none is refused as invalid. */
static void test_type_comes_from_the_descriptor(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_and_check(db);
    ormc_column cols[sizeof post_columns / sizeof post_columns[0]];
    memcpy(cols, post_columns, sizeof cols);
    ormc_table posts = post_table;
    posts.columns = cols;
    const ormc_table *const tables[] = {&person_table, &posts, &tag_table};
    ormc_schema s = blog_schema;
    s.tables = tables;

    cols[POST_VIEWS].sqlite.catalog_type = "BIGINT";
    cols[POST_VIEWS].postgres.catalog_type = "numeric";
    if (is_pg()) {
        expect_breaks(db, &s,
                      "table \"posts\": column \"views\" has type bigint in "
                      "the database but numeric in schema blog");
        assert_string_equal(ormc_errconstraint(db), "views");
        /* a difference too long for the message is still its message,
         * cut short */
        char longer[600];
        memset(longer, 'x', sizeof longer - 1);
        longer[sizeof longer - 1] = '\0';
        cols[POST_VIEWS].postgres.catalog_type = longer;
        assert_int_equal(ormc_schema_check(db, &s), ORMC_SCHEMA_DRIFT);
        static const char head[] = "table \"posts\": column \"views\" has "
                                   "type bigint in the database but xxx";
        assert_int_equal(strncmp(ormc_errmsg(db), head, strlen(head)), 0);
        assert_true(strlen(ormc_errmsg(db)) > 400);
        assert_string_equal(ormc_errconstraint(db), "views");
    } else {
        /* declared types of one affinity hold the same values */
        expect_harmless(db, &s,
                        "table \"posts\": column \"views\" has type INTEGER "
                        "in the database but BIGINT in schema blog");
        cols[POST_VIEWS].sqlite.catalog_type = "TEXT";
        expect_harmless(db, &s,
                        "table \"posts\": column \"views\" has type INTEGER "
                        "in the database but TEXT in schema blog");
    }

    cols[POST_VIEWS].sqlite.catalog_type = NULL;
    cols[POST_VIEWS].postgres.catalog_type = NULL;
    assert_int_equal(ormc_schema_check(db, &s), ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db),
                        is_pg() ? "table \"posts\": column \"views\" of "
                                  "schema blog has no catalog type for "
                                  "PostgreSQL in its descriptor"
                                : "table \"posts\": column \"views\" of "
                                  "schema blog has no catalog type for SQLite "
                                  "in its descriptor");
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_IDLE);
}

static void test_drift_nullability(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_and_check(db);
    if (is_pg()) {
        ormc_test_exec(db, "ALTER TABLE \"posts\" ALTER COLUMN \"title\" "
                           "DROP NOT NULL");
    } else {
        sqlite_rebuild(db, "posts", SQLITE_POSTS("\"title\" TEXT"));
    }
    expect_breaks(db, &blog_schema,
                  "table \"posts\": column \"title\" is nullable in the "
                  "database but NOT NULL in schema blog");
    /* the other way round */
    if (is_pg()) {
        ormc_test_exec(db, "ALTER TABLE \"posts\" ALTER COLUMN \"title\" "
                           "SET NOT NULL");
        ormc_test_exec(db, "ALTER TABLE \"posts\" ALTER COLUMN \"note\" "
                           "SET NOT NULL");
        expect_breaks(db, &blog_schema,
                      "table \"posts\": column \"note\" is NOT NULL in the "
                      "database but nullable in schema blog");
    }
}

static void test_drift_missing_index(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_and_check(db);
    ormc_test_exec(db, "DROP INDEX \"posts_views_idx\"");
    expect_harmless(db, &blog_schema,
                    "table \"posts\": index \"posts_views_idx\" of schema blog "
                    "is missing from the database");
    assert_string_equal(ormc_errconstraint(db), "posts_views_idx");
    /* create puts it back */
    assert_ok(db, ormc_schema_create(db, &blog_schema));
    assert_ok(db, ormc_schema_check(db, &blog_schema));
}

static void test_drift_index_unique(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_and_check(db);
    ormc_test_exec(db, "DROP INDEX \"posts_person_id_title_key\"");
    ormc_test_exec(db, "CREATE INDEX \"posts_person_id_title_key\" "
                       "ON \"posts\" (\"person_id\", \"title\")");
    expect_breaks(db, &blog_schema,
                  "table \"posts\": index \"posts_person_id_title_key\" is not "
                  "unique in the database but unique in schema blog");
    ormc_test_exec(db, "DROP INDEX \"posts_person_id_title_key\"");
    ormc_test_exec(db, "CREATE UNIQUE INDEX \"posts_person_id_title_key\" "
                       "ON \"posts\" (\"person_id\", \"title\")");
    ormc_test_exec(db, "DROP INDEX \"posts_views_idx\"");
    ormc_test_exec(db, "CREATE UNIQUE INDEX \"posts_views_idx\" "
                       "ON \"posts\" (\"views\")");
    expect_breaks(db, &blog_schema,
                  "table \"posts\": index \"posts_views_idx\" is unique in the "
                  "database but not unique in schema blog");
}

static void test_drift_index_columns(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_and_check(db);
    ormc_test_exec(db, "DROP INDEX \"posts_person_id_title_key\"");
    ormc_test_exec(db, "CREATE UNIQUE INDEX \"posts_person_id_title_key\" "
                       "ON \"posts\" (\"title\", \"person_id\")");
    expect_breaks(db, &blog_schema,
                  "table \"posts\": index \"posts_person_id_title_key\" is on "
                  "(title, person_id) in the database but on (person_id, "
                  "title) in schema blog");
    ormc_test_exec(db, "DROP INDEX \"posts_person_id_title_key\"");
    ormc_test_exec(db, "CREATE UNIQUE INDEX \"posts_person_id_title_key\" "
                       "ON \"posts\" (\"person_id\", \"title\", \"views\")");
    expect_breaks(db, &blog_schema,
                  "table \"posts\": index \"posts_person_id_title_key\" is on "
                  "(person_id, title, views) in the database but on "
                  "(person_id, title) in schema blog");
    ormc_test_exec(db, "DROP INDEX \"posts_person_id_title_key\"");
    ormc_test_exec(db, "CREATE UNIQUE INDEX \"posts_person_id_title_key\" "
                       "ON \"posts\" (\"person_id\", lower(\"title\"))");
    expect_breaks(db, &blog_schema,
                  "table \"posts\": index \"posts_person_id_title_key\" is on "
                  "(person_id, <expression>) in the database but on "
                  "(person_id, title) in schema blog");
}

static void test_drift_index_on_other_table(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_and_check(db);
    ormc_test_exec(db, "DROP INDEX \"tags_tag_idx\"");
    ormc_test_exec(db, "CREATE INDEX \"tags_tag_idx\" ON \"people\" "
                       "(\"name\")");
    expect_harmless(db, &blog_schema,
                    "index \"tags_tag_idx\" is on table \"people\" in the "
                    "database but on table \"tags\" in schema blog");
}

static void test_drift_primary_key(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_and_check(db);
    if (is_pg()) {
        ormc_test_exec(db, "ALTER TABLE \"tags\" DROP CONSTRAINT "
                           "\"tags_pkey\"");
    } else {
        sqlite_rebuild(db, "tags", SQLITE_TAGS(""));
    }
    expect_breaks(db, &blog_schema,
                  "table \"tags\" has no primary key in the database but "
                  "(post_id, tag) in schema blog");
    if (is_pg())
        ormc_test_exec(db, "ALTER TABLE \"tags\" ADD CONSTRAINT "
                           "\"tags_pkey\" PRIMARY KEY (\"tag\", \"post_id\")");
    else
        sqlite_rebuild(
            db, "tags",
            SQLITE_TAGS("    PRIMARY KEY (\"tag\", \"post_id\"),\n"));
    expect_breaks(db, &blog_schema,
                  "table \"tags\": the primary key is (tag, post_id) in the "
                  "database but (post_id, tag) in schema blog");
}

static void test_drift_unique_constraint(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_and_check(db);
    /* On SQLite the check has just found people_email_key by its columns
     * (SQLite names the index itself); on PostgreSQL by its name. */
    if (is_pg()) {
        ormc_test_exec(db, "ALTER TABLE \"people\" DROP CONSTRAINT "
                           "\"people_email_key\"");
    } else {
        sqlite_rebuild(db, "people", SQLITE_PEOPLE(""));
    }
    expect_breaks(db, &blog_schema,
                  "table \"people\": index \"people_email_key\" of schema "
                  "blog is missing from the database");
    /* a unique constraint of another name over other columns is no
     * substitute */
    if (is_pg())
        ormc_test_exec(db, "ALTER TABLE \"people\" ADD CONSTRAINT "
                           "\"people_other_key\" UNIQUE (\"email\", "
                           "\"name\")");
    else
        sqlite_rebuild(db, "people",
                       SQLITE_PEOPLE("    CONSTRAINT \"people_other_key\" "
                                     "UNIQUE (\"email\", \"name\"),\n"));
    expect_breaks(db, &blog_schema,
                  "table \"people\": index \"people_email_key\" of schema "
                  "blog is missing from the database");
}

/* Every difference is reported, in the schema's order, each marked; the
 * message lists those that fail the check: the breaking ones, or with
 * ORMC_CHECK_STRICT all of them. */
static void test_drift_every_difference(void **state)
{
    ormc_db *db = ormc_test_db(state);
    create_and_check(db);
    ormc_test_exec(db, "DROP INDEX \"tags_tag_idx\"");
    ormc_test_exec(db, "DROP INDEX \"posts_person_id_title_key\"");
    ormc_test_exec(db, "ALTER TABLE \"posts\" ADD COLUMN \"extra\" INTEGER");
    ormc_test_exec(db, "ALTER TABLE \"posts\" DROP COLUMN \"note\"");
    static const char note[] = "table \"posts\": column \"note\" of schema "
                               "blog is missing from the database";
    static const char extra[] =
        "table \"posts\": column \"extra\" is in the database but not in "
        "schema blog: does not break data: ormc's inserts leave it out and "
        "the database fills it (NULL or its default)";
    static const char key[] =
        "table \"posts\": index \"posts_person_id_title_key\" of schema blog "
        "is missing from the database: breaks data: uniqueness is a rule of "
        "the data, and the key of upsert and find-or-create";
    static const char tag[] = "table \"tags\": index \"tags_tag_idx\" of "
                              "schema blog is missing from the database: does "
                              "not break data: an index only finds rows "
                              "faster";
    found f;
    memset(&f, 0, sizeof f);
    assert_int_equal(
        ormc_schema_check_with(db, &blog_schema, 0, collect_drift, &f),
        ORMC_SCHEMA_DRIFT);
    assert_int_equal(f.n, 4);
    assert_string_equal(f.msg[0], note);
    assert_true(f.breaks[0]);
    assert_string_equal(f.table[0], "posts");
    assert_string_equal(f.object[0], "note");
    assert_string_equal(f.msg[1], extra);
    assert_false(f.breaks[1]);
    assert_string_equal(f.object[1], "extra");
    assert_string_equal(f.msg[2], key);
    assert_true(f.breaks[2]);
    assert_string_equal(f.object[2], "posts_person_id_title_key");
    assert_string_equal(f.msg[3], tag);
    assert_false(f.breaks[3]);
    assert_string_equal(f.table[3], "tags");
    char want[1024];
    snprintf(want, sizeof want, "2 differences break data: %s; %s", note, key);
    assert_string_equal(ormc_errmsg(db), want);
    assert_string_equal(ormc_errconstraint(db), "note");
    /* the same without a callback */
    assert_int_equal(ormc_schema_check(db, &blog_schema), ORMC_SCHEMA_DRIFT);
    assert_string_equal(ormc_errmsg(db), want);
    /* strict: all four, as many as the message holds */
    assert_int_equal(
        ormc_schema_check_with(db, &blog_schema, ORMC_CHECK_STRICT, NULL, NULL),
        ORMC_SCHEMA_DRIFT);
    snprintf(want, sizeof want, "4 differences: %s; %s; %s; and 1 more", note,
             extra, key);
    assert_string_equal(ormc_errmsg(db), want);
    /* the drift did not fail the caller's transaction */
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    assert_ok(db, ormc_commit(db));
    /* the harmless ones alone pass the default check */
    ormc_test_exec(db, "ALTER TABLE \"posts\" ADD COLUMN \"note\" TEXT");
    ormc_test_exec(db, "CREATE UNIQUE INDEX \"posts_person_id_title_key\" "
                       "ON \"posts\" (\"person_id\", \"title\")");
    memset(&f, 0, sizeof f);
    assert_ok(db,
              ormc_schema_check_with(db, &blog_schema, 0, collect_drift, &f));
    assert_int_equal(f.n, 2);
    assert_int_equal(ormc_schema_check_with(db, &blog_schema, 0x2, NULL, NULL),
                     ORMC_INVALID);
    assert_string_equal(ormc_errmsg(db),
                        "ormc_schema_check: unknown flags 0x2");
    assert_ok(db, ormc_commit(db));
}

/* PostgreSQL: only the current schema counts, for check and for drop. */
static void test_postgres_current_schema_only(void **state)
{
    ormc_db *db = ormc_test_db(state);
    if (!is_pg())
        return;
    ormc_result *res = NULL;
    assert_ok(db, ormc_query(db, "SELECT current_schema()", NULL, 0, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    char mine[64];
    snprintf(mine, sizeof mine, "%s", ormc_result_text(res, 0));
    ormc_result_close(res);

    /* the whole schema in another PostgreSQL schema, later on the path */
    char sql[256];
    ormc_test_exec(db, "CREATE SCHEMA \"blog_elsewhere\"");
    ormc_test_exec(db, "SET search_path = \"blog_elsewhere\"");
    assert_ok(db, ormc_schema_create(db, &blog_schema));
    snprintf(sql, sizeof sql, "SET search_path = \"%s\", \"blog_elsewhere\"",
             mine);
    ormc_test_exec(db, sql);
    assert_ok(db, ormc_commit(db));
    expect_no_tables(db);
    /* drop leaves the other schema's tables alone */
    assert_ok(db, ormc_schema_drop(db, &blog_schema));
    ormc_test_exec(db, "SELECT 1 FROM \"blog_elsewhere\".\"tags\"");
    assert_ok(db, ormc_commit(db));
    /* create makes them here, though tables of the same names are visible */
    create_and_check(db);
    assert_int_equal(blog_tables_present(db), 3);
}

/* Several processes starting at once, each creating the schema: on
 * PostgreSQL, concurrent CREATE TABLE IF NOT EXISTS of the same name can
 * fail (a unique violation in pg_type) unless creators take turns; on
 * SQLite the busy timeout makes the writers wait for each other. */
#define N_CREATORS 6

typedef struct creator {
    ormc_db *db;
    pthread_barrier_t *start;
    int rc;
    char msg[256];
} creator;

static void *create_concurrently(void *arg)
{
    creator *c = arg;
    pthread_barrier_wait(c->start);
    c->rc = ormc_schema_create(c->db, &blog_schema);
    snprintf(c->msg, sizeof c->msg, "%s", ormc_errmsg(c->db));
    return NULL;
}

static void test_concurrent_create(void **state)
{
    ormc_db *db = ormc_test_db(state);
    for (int round = 0; round < 5; round++) {
        creator cs[N_CREATORS];
        pthread_t threads[N_CREATORS];
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, N_CREATORS);
        for (int i = 0; i < N_CREATORS; i++) {
            cs[i].db = ormc_test_open_another();
            cs[i].start = &start;
            cs[i].rc = -1;
        }
        for (int i = 0; i < N_CREATORS; i++)
            assert_int_equal(
                pthread_create(&threads[i], NULL, create_concurrently, &cs[i]),
                0);
        for (int i = 0; i < N_CREATORS; i++)
            pthread_join(threads[i], NULL);
        pthread_barrier_destroy(&start);
        for (int i = 0; i < N_CREATORS; i++) {
            if (cs[i].rc != ORMC_OK)
                fail_msg("round %d, creator %d: %s: %s", round, i,
                         ormc_strstatus(cs[i].rc), cs[i].msg);
            ormc_close(cs[i].db);
        }
        assert_ok(db, ormc_schema_check(db, &blog_schema));
        assert_ok(db, ormc_schema_drop(db, &blog_schema));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_create_is_idempotent),
        ORMC_BACKEND_TEST(test_drop_removes_children_first),
        ORMC_BACKEND_TEST(test_create_in_callers_transaction),
        ORMC_BACKEND_TEST(test_create_is_all_or_nothing),
        ORMC_BACKEND_TEST(test_misuse),
        ORMC_BACKEND_TEST(test_statements_are_traced),
        ORMC_BACKEND_TEST(test_drift_missing_table),
        ORMC_BACKEND_TEST(test_drift_missing_column),
        ORMC_BACKEND_TEST(test_drift_extra_column),
        ORMC_BACKEND_TEST(test_drift_type),
        ORMC_BACKEND_TEST(test_type_comes_from_the_descriptor),
        ORMC_BACKEND_TEST(test_drift_nullability),
        ORMC_BACKEND_TEST(test_drift_missing_index),
        ORMC_BACKEND_TEST(test_drift_index_unique),
        ORMC_BACKEND_TEST(test_drift_index_columns),
        ORMC_BACKEND_TEST(test_drift_index_on_other_table),
        ORMC_BACKEND_TEST(test_drift_primary_key),
        ORMC_BACKEND_TEST(test_drift_unique_constraint),
        ORMC_BACKEND_TEST(test_drift_every_difference),
        ORMC_BACKEND_TEST(test_postgres_current_schema_only),
        ORMC_BACKEND_TEST(test_concurrent_create),
    };
    return ormc_test_run_backends("schema_check", tests);
}
