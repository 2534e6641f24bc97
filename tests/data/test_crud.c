/*
 * test_crud.c: the row executors (insert, update_columns, upsert,
 * find-or-create, get / update / delete by key), every type, hostile
 * strings, composite keys and change hooks, on SQLite and PostgreSQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_tables.h"
#include "json_samples.h"

static void setup_tables(void **state)
{
    data_create_tables(ormc_test_db(state));
}

/* The bot with id, fetched. */
static int get_bot(ormc_db *db, int64_t id, test_bot *out)
{
    ormc_builder q;
    ormc_builder_init(&q, &test_bot_table);
    ormc_param p = data_i64(id);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(BOT_ID), ORMC_EQ, &p);
    int rc = ormc_builder_first(db, &q, out);
    ormc_builder_free(&q);
    return rc;
}

static int get_order(ormc_db *db, int64_t id, test_order *out)
{
    ormc_builder q;
    ormc_builder_init(&q, &test_order_table);
    ormc_param p = data_i64(id);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_ID), ORMC_EQ, &p);
    int rc = ormc_builder_first(db, &q, out);
    ormc_builder_free(&q);
    return rc;
}

static void test_insert_reads_back_key_and_defaults(void **state)
{
    ormc_db *db = ormc_test_db(state);
    setup_tables(state);
    ormc_time before = ormc_time_now();

    test_bot a = {0};
    a.client_id = "c1";
    a.app_id = "a1";
    assert_ok(db, ormc_row_insert(db, &test_bot_table, &a));
    assert_true(a.id > 0);
    assert_true(a.has_installed_at);
    assert_true(a.installed_at >= before - 5000000);
    assert_true(a.installed_at <= ormc_time_now() + 5000000);
    assert_null(a.ormc_owned);

    test_bot b = {0};
    b.client_id = "c1";
    b.app_id = "a2";
    b.has_installed_at = true;
    b.installed_at = 1700000000123456;
    b.is_enterprise_install = true;
    assert_ok(db, ormc_row_insert(db, &test_bot_table, &b));
    assert_true(b.id > a.id);
    assert_int_equal(b.installed_at, 1700000000123456);

    /* an explicit serial value is inserted as given */
    test_bot c = {0};
    c.id = 1000;
    c.client_id = "c2";
    c.app_id = "a3";
    assert_ok(db, ormc_row_insert(db, &test_bot_table, &c));
    assert_int_equal(c.id, 1000);

    test_bot got;
    assert_ok(db, get_bot(db, b.id, &got));
    assert_string_equal(got.client_id, "c1");
    assert_string_equal(got.app_id, "a2");
    assert_null(got.enterprise_id);
    assert_true(got.is_enterprise_install);
    assert_false(got.has_bot_token_expires_at);
    assert_int_equal(got.installed_at, 1700000000123456);
    ormc_row_free(&test_bot_table, &got);

    assert_ok(db, get_bot(db, a.id, &got));
    assert_int_equal(got.installed_at, a.installed_at);
    assert_false(got.is_enterprise_install);
    ormc_row_free(&test_bot_table, &got);
    assert_int_equal(get_bot(db, 424242, &got), ORMC_NOT_FOUND);
    assert_ok(db, ormc_commit(db));
}

static void test_insert_constraint_violation(void **state)
{
    ormc_db *db = ormc_test_db(state);
    setup_tables(state);
    test_order o = {0};
    o.code = "dup";
    assert_ok(db, ormc_row_insert(db, &test_order_table, &o));
    assert_ok(db, ormc_commit(db));
    test_order o2 = {0};
    o2.code = "dup";
    assert_int_equal(ormc_row_insert(db, &test_order_table, &o2),
                     ORMC_CONSTRAINT);
    assert_string_equal(ormc_sqlstate(db), "23505");
    assert_int_equal(o2.id, 0);
    assert_ok(db, ormc_rollback(db));
}

static test_kind full_kind(uint32_t n, const char *name)
{
    static const unsigned char bytes[] = {0, 1, 2, 0xff, 0, 'x', 0x80};
    test_kind k = {0};
    k.id = data_uuid(n);
    k.n_int = (int32_t)n;
    k.has_n_big = true;
    k.n_big = INT64_C(-9007199254740993);
    k.has_ratio = true;
    k.ratio = -0.125;
    k.flag = true;
    k.name = name;
    k.note = "a note";
    k.data.data = bytes;
    k.data.len = sizeof bytes;
    k.at = INT64_C(1704067200000001) + n;
    k.meta = "{\"a\": [1, 2, {\"b\": null}]}";
    k.status = STATUS_CLOSED;
    k.has_level = true;
    k.level = STATUS_ACTIVE;
    return k;
}

/* Reported: bad JSON passed ormc_row_validate, was stored on SQLite and
 * refused on PostgreSQL. Validate now refuses it on both, and on
 * PostgreSQL jsonb accepts exactly the texts validate accepts. */
static void test_validate_json_answers_as_the_server(void **state)
{
    ormc_db *db = ormc_test_db(state);
    data_create_tables(db);
    bool pg = ormc_backend_of(db) == ORMC_POSTGRES;
    for (size_t i = 0; i < JSON_SAMPLES_N; i++) {
        test_kind k = full_kind((uint32_t)i + 1, "json");
        k.meta = json_samples[i].text;
        bool valid = json_samples[i].bad < 0;
        ormc_invalid why;
        int v = ormc_row_validate(&test_kind_table, &k, &why);
        if (v != (valid ? ORMC_OK : ORMC_INVALID))
            fail_msg("validate '%s': %s (%s)", k.meta, ormc_strstatus(v),
                     why.message);
        if (!pg)
            continue;                  /* SQLite would store any text */
        assert_ok(db, ormc_begin(db)); /* each insert alone */
        int rc = ormc_row_insert(db, &test_kind_table, &k);
        if ((rc == ORMC_OK) != valid)
            fail_msg("jsonb and validate disagree on '%s': insert %s (%s)",
                     k.meta, ormc_strstatus(rc), ormc_errmsg(db));
        assert_ok(db, ormc_rollback(db));
    }
    ormc_rollback(db);
}

static void test_every_type_round_trips(void **state)
{
    ormc_db *db = ormc_test_db(state);
    setup_tables(state);
    test_kind k = full_kind(1, "full");
    assert_ok(db, ormc_row_insert(db, &test_kind_table, &k));

    test_kind bare = {0};
    bare.id = data_uuid(2);
    bare.n_int = 2;
    bare.name = "";
    bare.at = -1; /* before 1970 */
    bare.status = STATUS_NEW;
    assert_ok(db, ormc_row_insert(db, &test_kind_table, &bare));

    ormc_builder q;
    ormc_builder_init(&q, &test_kind_table);
    ormc_param id = data_uuid_param(data_uuid(1));
    ormc_builder_where(&q, ORMC_COLUMN_BIT(KIND_ID), ORMC_EQ, &id);
    test_kind got;
    assert_ok(db, ormc_builder_first(db, &q, &got));
    ormc_builder_free(&q);
    assert_memory_equal(&got.id, &k.id, sizeof k.id);
    assert_int_equal(got.n_int, 1);
    assert_true(got.has_n_big);
    assert_int_equal(got.n_big, k.n_big);
    assert_true(got.has_ratio);
    assert_true(got.ratio == -0.125);
    assert_true(got.flag);
    assert_string_equal(got.name, "full");
    assert_string_equal(got.note, "a note");
    assert_int_equal(got.data.len, k.data.len);
    assert_memory_equal(got.data.data, k.data.data, k.data.len);
    assert_int_equal(got.at, k.at);
    assert_non_null(got.meta);
    assert_int_equal(got.status, STATUS_CLOSED);
    assert_true(got.has_level);
    assert_int_equal(got.level, STATUS_ACTIVE);
    ormc_row_free(&test_kind_table, &got);

    ormc_builder_init(&q, &test_kind_table);
    id = data_uuid_param(data_uuid(2));
    ormc_builder_where(&q, ORMC_COLUMN_BIT(KIND_ID), ORMC_EQ, &id);
    assert_ok(db, ormc_builder_first(db, &q, &got));
    ormc_builder_free(&q);
    assert_false(got.has_n_big);
    assert_false(got.has_ratio);
    assert_false(got.flag);
    assert_string_equal(got.name, "");
    assert_null(got.note);
    assert_null(got.data.data);
    assert_null(got.meta);
    assert_int_equal(got.at, -1);
    assert_false(got.has_level);
    ormc_row_free(&test_kind_table, &got);
    assert_ok(db, ormc_commit(db));
}

/* insert_many stores every type as insert does (on PostgreSQL without a
 * change hook it is a binary COPY, its own encoding of each type), NULLs
 * included; an enum out of range in any row stores nothing. */
static void test_every_type_insert_many(void **state)
{
    ormc_db *db = ormc_test_db(state);
    setup_tables(state);
    test_kind rows[3];
    rows[0] = full_kind(1, "full");
    rows[1] = (test_kind){0};
    rows[1].id = data_uuid(2);
    rows[1].n_int = -2;
    rows[1].name = "";
    rows[1].at = -1; /* before 1970 */
    rows[1].status = STATUS_NEW;
    rows[2] = full_kind(3, "q'\";\\");
    rows[2].note = "it's \"quoted\"; -- \\ \t\n caf\xc3\xa9";
    rows[2].ratio = 1e300;
    rows[2].data.len = 0; /* empty, not NULL */

    rows[1].status = (test_status)9;
    assert_int_equal(ormc_row_insert_many(db, &test_kind_table, rows, 3),
                     ORMC_INVALID);
    rows[1].status = STATUS_NEW;
    assert_ok(db, ormc_row_insert_many(db, &test_kind_table, rows, 3));
    assert_ok(db, ormc_commit(db));
    assert_int_equal(data_count_rows(db, "kinds"), 3);

    for (int i = 0; i < 3; i++) {
        const test_kind *k = &rows[i];
        ormc_builder q;
        ormc_builder_init(&q, &test_kind_table);
        ormc_param id = data_uuid_param(k->id);
        ormc_builder_where(&q, ORMC_COLUMN_BIT(KIND_ID), ORMC_EQ, &id);
        test_kind got;
        assert_ok(db, ormc_builder_first(db, &q, &got));
        ormc_builder_free(&q);
        assert_int_equal(got.n_int, k->n_int);
        assert_int_equal(got.has_n_big, k->has_n_big);
        assert_int_equal(got.n_big, k->n_big);
        assert_int_equal(got.has_ratio, k->has_ratio);
        assert_true(got.ratio == k->ratio);
        assert_int_equal(got.flag, k->flag);
        assert_string_equal(got.name, k->name);
        if (k->note)
            assert_string_equal(got.note, k->note);
        else
            assert_null(got.note);
        if (k->data.data) {
            assert_non_null(got.data.data);
            assert_int_equal(got.data.len, k->data.len);
            assert_memory_equal(got.data.data, k->data.data, k->data.len);
        } else {
            assert_null(got.data.data);
        }
        assert_int_equal(got.at, k->at);
        if (k->meta)
            assert_non_null(strstr(got.meta, "\"b\": null"));
        else
            assert_null(got.meta);
        assert_int_equal(got.status, k->status);
        assert_int_equal(got.has_level, k->has_level);
        assert_int_equal(got.level, k->level);
        ormc_row_free(&test_kind_table, &got);
    }
    ormc_rollback(db);
}

/* Quotes, comment and statement separators, backslashes, non-ASCII, and a
 * 10 KB string: every function must carry them verbatim. */
static const char *const hostile[] = {
    "it's",
    "\"double\"",
    "-- not a comment",
    "x'; DROP TABLE orders; --",
    "back\\slash\\",
    "$1 ?1 ? :a @a",
    "h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x8e\x89",
    "%_\\%",
    "/* c */",
};
#define N_HOSTILE (sizeof hostile / sizeof hostile[0])

static char *big_string(size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        s[i] = "';-\"\\ab$?"[i % 10];
    s[n] = '\0';
    return s;
}

static void test_hostile_strings_round_trip(void **state)
{
    ormc_db *db = ormc_test_db(state);
    setup_tables(state);
    char *big = big_string(10 * 1024);
    const char *notes[N_HOSTILE + 1];
    for (size_t i = 0; i < N_HOSTILE; i++)
        notes[i] = hostile[i];
    notes[N_HOSTILE] = big;

    for (size_t i = 0; i <= N_HOSTILE; i++) {
        char code[32];
        snprintf(code, sizeof code, "%.20s#%zu", notes[i], i);
        /* insert, then find by the hostile value itself */
        test_order o = {0};
        o.code = code;
        o.note = notes[i];
        assert_ok(db, ormc_row_insert(db, &test_order_table, &o));

        ormc_builder q;
        ormc_builder_init(&q, &test_order_table);
        ormc_param p = data_text(notes[i]);
        ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_NOTE), ORMC_EQ, &p);
        test_order got;
        assert_ok(db, ormc_builder_first(db, &q, &got));
        ormc_builder_free(&q);
        assert_int_equal(got.id, o.id);
        assert_string_equal(got.note, notes[i]);
        assert_string_equal(got.code, code);
        ormc_row_free(&test_order_table, &got);

        /* update_columns, upsert, find_or_create carry it too */
        test_order u = o;
        u.note = notes[(i + 1) % (N_HOSTILE + 1)];
        assert_ok(db, ormc_row_update_columns(db, &test_order_table, &u,
                                              ORMC_COLUMN_BIT(ORDER_NOTE)));
        assert_ok(db, get_order(db, o.id, &got));
        assert_string_equal(got.note, u.note);
        ormc_row_free(&test_order_table, &got);

        test_order up = {0};
        up.code = code;
        up.note = notes[i];
        assert_ok(db, ormc_row_upsert(db, &test_order_table, &up,
                                      ORMC_COLUMN_BIT(ORDER_CODE)));
        assert_int_equal(up.id, o.id);
        assert_string_equal(up.note, notes[i]);
        assert_string_equal(up.code, code);
        ormc_row_free(&test_order_table, &up);

        test_order f = {0};
        f.code = code;
        bool created = true;
        assert_ok(db, ormc_row_find_or_create(db, &test_order_table, &f,
                                              ORMC_COLUMN_BIT(ORDER_CODE),
                                              &created));
        assert_false(created);
        assert_int_equal(f.id, o.id);
        assert_string_equal(f.note, notes[i]);
        ormc_row_free(&test_order_table, &f);
    }

    /* update_where and delete_where with hostile filters and values */
    ormc_builder q;
    ormc_builder_init(&q, &test_order_table);
    ormc_param p = data_text(hostile[3]);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_NOTE), ORMC_EQ, &p);
    test_order values = {0};
    values.note = big;
    int64_t n = 0;
    assert_ok(db, ormc_builder_update(db, &q, &values,
                                      ORMC_COLUMN_BIT(ORDER_NOTE), &n));
    assert_int_equal(n, 1);
    ormc_builder_free(&q);

    ormc_builder_init(&q, &test_order_table);
    p = data_text(big);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_NOTE), ORMC_EQ, &p);
    assert_ok(db, ormc_builder_count(db, &q, &n));
    assert_int_equal(n, 2);
    assert_ok(db, ormc_builder_delete(db, &q, &n));
    assert_int_equal(n, 2);
    ormc_builder_free(&q);

    /* LIKE with wildcards escaped: only the literal "%_\%" matches */
    ormc_builder_init(&q, &test_order_table);
    p = data_text("\\%\\_\\\\\\%");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_NOTE), ORMC_LIKE, &p);
    assert_ok(db, ormc_builder_count(db, &q, &n));
    assert_int_equal(n, 1);
    ormc_builder_free(&q);

    /* quoted table and column names */
    test_odd odd = {7, hostile[1], NULL};
    assert_ok(db, ormc_row_insert(db, &test_odd_table, &odd));
    ormc_builder_init(&q, &test_odd_table);
    p = data_text(hostile[1]);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(1), ORMC_EQ, &p);
    test_odd got_odd;
    assert_ok(db, ormc_builder_first(db, &q, &got_odd));
    assert_int_equal(got_odd.id, 7);
    assert_string_equal(got_odd.we_ird, hostile[1]);
    ormc_row_free(&test_odd_table, &got_odd);
    ormc_builder_free(&q);

    assert_ok(db, ormc_commit(db));
    assert_int_equal(data_count_rows(db, "orders"), (int64_t)N_HOSTILE - 1);
    ormc_rollback(db);
    free(big);
}

static void test_update_columns(void **state)
{
    ormc_db *db = ormc_test_db(state);
    setup_tables(state);
    test_bot b = {0};
    b.client_id = "c";
    b.app_id = "a";
    b.enterprise_id = "E1";
    b.bot_token = "tok";
    b.has_bot_token_expires_at = true;
    b.bot_token_expires_at = 12345;
    assert_ok(db, ormc_row_insert(db, &test_bot_table, &b));

    /* NULLs included: only the named columns change */
    test_bot u = b;
    u.enterprise_id = NULL;
    u.has_bot_token_expires_at = false;
    u.bot_token = "other"; /* not in the set */
    u.app_id = "a2";
    assert_ok(db,
              ormc_row_update_columns(
                  db, &test_bot_table, &u,
                  ORMC_COLUMN_BIT(BOT_ENTERPRISE_ID) |
                      ORMC_COLUMN_BIT(BOT_BOT_TOKEN_EXPIRES_AT) |
                      ORMC_COLUMN_BIT(BOT_APP_ID) | ORMC_COLUMN_BIT(BOT_ID)));
    test_bot got;
    assert_ok(db, get_bot(db, b.id, &got));
    assert_null(got.enterprise_id);
    assert_false(got.has_bot_token_expires_at);
    assert_string_equal(got.bot_token, "tok");
    assert_string_equal(got.app_id, "a2");
    ormc_row_free(&test_bot_table, &got);

    /* no row with that key */
    u.id = 999999;
    assert_int_equal(ormc_row_update_columns(db, &test_bot_table, &u,
                                             ORMC_COLUMN_BIT(BOT_APP_ID)),
                     ORMC_NOT_FOUND);
    /* an empty set still tells whether the row exists */
    assert_int_equal(ormc_row_update_columns(db, &test_bot_table, &u, 0),
                     ORMC_NOT_FOUND);
    assert_ok(db, ormc_row_update_columns(db, &test_bot_table, &b, 0));
    /* a column the table lacks */
    assert_int_equal(
        ormc_row_update_columns(db, &test_bot_table, &b, ORMC_COLUMN_BIT(40)),
        ORMC_INVALID);
    assert_true(strlen(ormc_errmsg(db)) > 0);
    /* a NULL for a NOT NULL column is refused before it is sent */
    u = b;
    u.client_id = NULL;
    assert_int_equal(ormc_row_update_columns(db, &test_bot_table, &u,
                                             ORMC_COLUMN_BIT(BOT_CLIENT_ID)),
                     ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "bot.client_id: NULL"));
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    assert_ok(db, ormc_rollback(db));
}

static void test_upsert(void **state)
{
    ormc_db *db = ormc_test_db(state);
    setup_tables(state);
    test_order o = {0};
    o.code = "A-1";
    o.note = "first";
    assert_ok(db, ormc_row_upsert(db, &test_order_table, &o,
                                  ORMC_COLUMN_BIT(ORDER_CODE)));
    assert_true(o.id > 0);
    assert_string_equal(o.note, "first");
    assert_non_null(o.ormc_owned); /* the row now owns its data */
    int64_t id = o.id;

    /* upsert again on a row that owns its data: replaced, no leak */
    o.id = 0;
    o.note = "second";
    assert_ok(db, ormc_row_upsert(db, &test_order_table, &o,
                                  ORMC_COLUMN_BIT(ORDER_CODE)));
    assert_int_equal(o.id, id);
    assert_string_equal(o.note, "second");
    assert_string_equal(o.code, "A-1");

    /* on the primary key: the code changes */
    test_order p = {0};
    p.id = id;
    p.code = "A-2";
    p.note = NULL;
    assert_ok(db, ormc_row_upsert(db, &test_order_table, &p,
                                  ORMC_COLUMN_BIT(ORDER_ID)));
    assert_int_equal(p.id, id);
    assert_string_equal(p.code, "A-2");
    assert_null(p.note);
    ormc_row_free(&test_order_table, &p);
    assert_int_equal(data_count_rows(db, "orders"), 1);

    /* conflict columns that are not unique, or not inserted */
    assert_int_equal(
        ormc_row_upsert(db, &test_order_table, &o, ORMC_COLUMN_BIT(ORDER_NOTE)),
        ORMC_INVALID);
    test_order q = {0};
    q.code = "A-3";
    assert_int_equal(
        ormc_row_upsert(db, &test_order_table, &q, ORMC_COLUMN_BIT(ORDER_ID)),
        ORMC_INVALID);
    ormc_row_free(&test_order_table, &o);
    assert_ok(db, ormc_commit(db));
}

static void test_find_or_create(void **state)
{
    ormc_db *db = ormc_test_db(state);
    setup_tables(state);
    test_order o = {0};
    o.code = "K";
    o.note = "made";
    bool created = false;
    assert_ok(db,
              ormc_row_find_or_create(db, &test_order_table, &o,
                                      ORMC_COLUMN_BIT(ORDER_CODE), &created));
    assert_true(created);
    assert_true(o.id > 0);
    int64_t id = o.id;
    ormc_row_free(&test_order_table, &o);

    test_order again = {0};
    again.code = "K";
    again.note = "ignored";
    assert_ok(db,
              ormc_row_find_or_create(db, &test_order_table, &again,
                                      ORMC_COLUMN_BIT(ORDER_CODE), &created));
    assert_false(created);
    assert_int_equal(again.id, id);
    assert_string_equal(again.note, "made"); /* the stored row */
    /* again, on a row that owns its data */
    assert_ok(db, ormc_row_find_or_create(db, &test_order_table, &again,
                                          ORMC_COLUMN_BIT(ORDER_CODE), NULL));
    assert_int_equal(again.id, id);
    ormc_row_free(&test_order_table, &again);

    /* by primary key, composite */
    test_line l = {id, 1, "abc", 2, NULL, NULL};
    ormc_colset pk = test_line_table.primary_key;
    assert_ok(db,
              ormc_row_find_or_create(db, &test_line_table, &l, pk, &created));
    assert_true(created);
    l.qty = 99;
    assert_ok(db,
              ormc_row_find_or_create(db, &test_line_table, &l, pk, &created));
    assert_false(created);
    assert_int_equal(l.qty, 2);
    ormc_row_free(&test_line_table, &l);

    /* a key that is not unique is refused: it could not be race-safe */
    test_bot b = {0};
    b.client_id = "c";
    b.app_id = "a";
    assert_int_equal(ormc_row_find_or_create(db, &test_bot_table, &b,
                                             ORMC_COLUMN_BIT(BOT_CLIENT_ID),
                                             &created),
                     ORMC_INVALID);
    assert_non_null(strstr(ormc_errmsg(db), "unique"));
    /* a key left to the database (unset serial) is refused */
    assert_int_equal(ormc_row_find_or_create(db, &test_bot_table, &b,
                                             test_bot_table.primary_key,
                                             &created),
                     ORMC_INVALID);
    assert_ok(db, ormc_commit(db));
    assert_int_equal(data_count_rows(db, "orders"), 1);
    ormc_rollback(db);
}

static void test_find_or_create_null_key(void **state)
{
    ormc_db *db = ormc_test_db(state);
    setup_tables(state);
    /* a NULL key value never conflicts: select first, then insert */
    data_tag t = {0, NULL, "one", NULL};
    bool created = false;
    ormc_colset key = ORMC_COLUMN_BIT(TAG_NAME);
    assert_ok(db,
              ormc_row_find_or_create(db, &data_tag_table, &t, key, &created));
    assert_true(created);
    int64_t id = t.id;
    ormc_row_free(&data_tag_table, &t);
    data_tag t2 = {0, NULL, "two", NULL};
    assert_ok(db,
              ormc_row_find_or_create(db, &data_tag_table, &t2, key, &created));
    assert_false(created);
    assert_int_equal(t2.id, id);
    assert_string_equal(t2.note, "one");
    ormc_row_free(&data_tag_table, &t2);
    assert_int_equal(data_count_rows(db, "tags"), 1);
    assert_ok(db, ormc_commit(db));
}

static void test_find_or_create_keeps_transaction_usable(void **state)
{
    ormc_db *db = ormc_test_db(state);
    setup_tables(state);
    test_kind k1 = full_kind(1, "one");
    assert_ok(db, ormc_row_insert(db, &test_kind_table, &k1));
    assert_ok(db, ormc_commit(db));

    assert_ok(db, ormc_begin(db));
    test_order o = {0};
    o.code = "before";
    assert_ok(db, ormc_row_insert(db, &test_order_table, &o));
    /* a new id whose n_int collides with k1's unique n_int */
    test_kind k2 = full_kind(2, "two");
    k2.n_int = 1;
    bool created = true;
    assert_int_equal(ormc_row_find_or_create(db, &test_kind_table, &k2,
                                             test_kind_table.primary_key,
                                             &created),
                     ORMC_CONSTRAINT);
    assert_string_equal(ormc_sqlstate(db), "23505");
    assert_false(created);
    assert_int_equal(ormc_test_tx_state(db), ORMC_TX_ACTIVE);
    /* found inside the transaction, created inside it too */
    test_kind k3 = full_kind(1, "other");
    assert_ok(db,
              ormc_row_find_or_create(db, &test_kind_table, &k3,
                                      test_kind_table.primary_key, &created));
    assert_false(created);
    assert_string_equal(k3.name, "one");
    ormc_row_free(&test_kind_table, &k3);
    test_order o2 = {0};
    o2.code = "after";
    assert_ok(db,
              ormc_row_find_or_create(db, &test_order_table, &o2,
                                      ORMC_COLUMN_BIT(ORDER_CODE), &created));
    assert_true(created);
    ormc_row_free(&test_order_table, &o2);
    assert_ok(db, ormc_commit(db));
    assert_int_equal(data_count_rows(db, "orders"), 2);
    assert_int_equal(data_count_rows(db, "kinds"), 1);
    ormc_rollback(db);
}

/* A table whose every column is key (lines seen as its two key columns
 * only): the update by key has nothing to write, sets the key to itself
 * and still tells whether the row exists: ORMC_OK, then ORMC_NOT_FOUND
 * for a key no row has, on both backends. */
static void test_key_only_update(void **state)
{
    ormc_db *db = ormc_test_db(state);
    setup_tables(state);
    test_order o = {0};
    o.code = "K";
    assert_ok(db, ormc_row_insert(db, &test_order_table, &o));
    test_line l = {o.id, 1, "a", 1, NULL, NULL};
    assert_ok(db, ormc_row_insert(db, &test_line_table, &l));

    ormc_table keys = test_line_table;
    keys.n_columns = 2; /* order_id, line_no: the primary key */
    assert_int_equal(keys.primary_key, ORMC_COLUMN_BIT(LINE_ORDER_ID) |
                                           ORMC_COLUMN_BIT(LINE_LINE_NO));
    assert_ok(db, ormc_row_update(db, &keys, &l));
    test_line none = l;
    none.line_no = 2;
    assert_int_equal(ormc_row_update(db, &keys, &none), ORMC_NOT_FOUND);
    assert_string_equal(ormc_errmsg(db), "");
    /* the row is as it was */
    test_line got;
    assert_ok(db, ormc_row_get(db, &test_line_table, &l, &got));
    assert_string_equal(got.sku, "a");
    ormc_row_free(&test_line_table, &got);
}

static void test_composite_key_crud(void **state)
{
    ormc_db *db = ormc_test_db(state);
    setup_tables(state);
    test_order o = {0};
    o.code = "O";
    assert_ok(db, ormc_row_insert(db, &test_order_table, &o));
    test_line lines[3] = {
        {o.id, 1, "a", 1, "O", NULL},
        {o.id, 2, "b", 2, NULL, NULL},
        {o.id, 3, "c", 3, NULL, NULL},
    };
    for (int i = 0; i < 3; i++)
        assert_ok(db, ormc_row_insert(db, &test_line_table, &lines[i]));

    /* get by both key columns */
    ormc_builder q;
    ormc_builder_init(&q, &test_line_table);
    ormc_param p1 = data_i64(o.id), p2 = data_i32(2);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(LINE_ORDER_ID), ORMC_EQ, &p1);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(LINE_LINE_NO), ORMC_EQ, &p2);
    test_line got;
    assert_ok(db, ormc_builder_first(db, &q, &got));
    assert_string_equal(got.sku, "b");
    assert_null(got.order_code);
    ormc_row_free(&test_line_table, &got);

    /* update by composite key */
    test_line u = lines[1];
    u.qty = 20;
    u.sku = "bb";
    assert_ok(db, ormc_row_update_columns(db, &test_line_table, &u,
                                          ORMC_COLUMN_BIT(LINE_QTY) |
                                              ORMC_COLUMN_BIT(LINE_SKU)));
    assert_ok(db, ormc_builder_first(db, &q, &got));
    assert_int_equal(got.qty, 20);
    assert_string_equal(got.sku, "bb");
    ormc_row_free(&test_line_table, &got);
    u.line_no = 9;
    assert_int_equal(ormc_row_update_columns(db, &test_line_table, &u,
                                             ORMC_COLUMN_BIT(LINE_QTY)),
                     ORMC_NOT_FOUND);

    /* upsert on the composite key */
    test_line up = {o.id, 2, "up", 7, "O", NULL};
    assert_ok(db, ormc_row_upsert(db, &test_line_table, &up,
                                  test_line_table.primary_key));
    assert_int_equal(up.qty, 7);
    assert_string_equal(up.order_code, "O");
    ormc_row_free(&test_line_table, &up);

    /* delete by composite key */
    int64_t n = 0;
    assert_ok(db, ormc_builder_delete(db, &q, &n));
    assert_int_equal(n, 1);
    assert_int_equal(ormc_builder_first(db, &q, &got), ORMC_NOT_FOUND);
    ormc_builder_free(&q);
    assert_int_equal(data_count_rows(db, "lines"), 2);

    /* a reference to a missing parent */
    test_line bad = {o.id + 100, 1, "x", 1, NULL, NULL};
    assert_int_equal(ormc_row_insert(db, &test_line_table, &bad),
                     ORMC_CONSTRAINT);
    assert_string_equal(ormc_sqlstate(db), "23503");
    assert_ok(db, ormc_rollback(db));
}

static void test_hooks_see_every_change(void **state)
{
    ormc_db *db = ormc_test_db(state);
    setup_tables(state);
    data_hook_log log;
    memset(&log, 0, sizeof log);
    log.text_column = ORDER_CODE;
    ormc_on_change(db, data_hook, &log);

    test_order o = {0};
    o.code = "h1";
    assert_ok(db, ormc_row_insert(db, &test_order_table, &o));
    assert_int_equal(log.n_insert, 1);
    assert_int_equal(log.keys[0], o.id);
    assert_ptr_equal(log.last_table, &test_order_table);
    assert_string_equal(log.last_text, "h1");

    o.note = "n";
    assert_ok(db, ormc_row_update_columns(db, &test_order_table, &o,
                                          ORMC_COLUMN_BIT(ORDER_NOTE)));
    assert_int_equal(log.n_update, 1);
    test_order missing = o;
    missing.id = 777777;
    assert_int_equal(ormc_row_update_columns(db, &test_order_table, &missing,
                                             ORMC_COLUMN_BIT(ORDER_NOTE)),
                     ORMC_NOT_FOUND);
    assert_int_equal(log.n, 2);

    test_order up = {0};
    up.code = "h2";
    assert_ok(db, ormc_row_upsert(db, &test_order_table, &up,
                                  ORMC_COLUMN_BIT(ORDER_CODE)));
    assert_int_equal(log.n, 3);
    assert_int_equal(log.keys[2], up.id);
    ormc_row_free(&test_order_table, &up);

    test_order f = {0};
    f.code = "h3";
    assert_ok(db, ormc_row_find_or_create(db, &test_order_table, &f,
                                          ORMC_COLUMN_BIT(ORDER_CODE), NULL));
    assert_int_equal(log.n_insert, 2);
    assert_int_equal(log.keys[3], f.id);
    ormc_row_free(&test_order_table, &f);
    f.code = "h3";
    assert_ok(db, ormc_row_find_or_create(db, &test_order_table, &f,
                                          ORMC_COLUMN_BIT(ORDER_CODE), NULL));
    assert_int_equal(log.n, 4); /* found: no change */
    ormc_row_free(&test_order_table, &f);

    /* a failed insert tells nothing */
    test_order dup = {0};
    dup.code = "h1";
    assert_int_equal(ormc_row_insert(db, &test_order_table, &dup),
                     ORMC_CONSTRAINT);
    assert_int_equal(log.n, 4);
    assert_ok(db, ormc_rollback(db));

    /* update_where and delete_where: each row, with its key */
    test_order rows[5];
    memset(rows, 0, sizeof rows);
    char codes[5][8];
    for (int i = 0; i < 5; i++) {
        snprintf(codes[i], sizeof codes[i], "w%d", i);
        rows[i].code = codes[i];
        rows[i].note = i % 2 ? "odd" : "even";
    }
    log.n = log.n_insert = log.n_update = log.n_delete = 0;
    assert_ok(db, ormc_row_insert_many(db, &test_order_table, rows, 5));
    assert_int_equal(log.n_insert, 5);
    int64_t first_id = log.keys[0];
    for (int i = 1; i < 5; i++)
        assert_int_equal(log.keys[i], first_id + i);

    ormc_builder q;
    ormc_builder_init(&q, &test_order_table);
    ormc_param p = data_text("even");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_NOTE), ORMC_EQ, &p);
    test_order values = {0};
    values.note = "EVEN";
    log.n = 0;
    log.text_column = ORDER_NOTE;
    int64_t n = 0;
    assert_ok(db, ormc_builder_update(db, &q, &values,
                                      ORMC_COLUMN_BIT(ORDER_NOTE), &n));
    assert_int_equal(n, 3);
    assert_int_equal(log.n, 3);
    assert_int_equal(log.n_update, 3);
    assert_string_equal(log.last_text, "EVEN");
    for (int i = 0; i < 3; i++)
        assert_int_equal((log.keys[i] - first_id) % 2, 0);
    ormc_builder_free(&q);

    ormc_builder_init(&q, &test_order_table);
    p = data_text("odd");
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_NOTE), ORMC_EQ, &p);
    log.n = 0;
    assert_ok(db, ormc_builder_delete(db, &q, &n));
    assert_int_equal(n, 2);
    assert_int_equal(log.n, 2);
    assert_int_equal(log.last_op, ORMC_CHANGE_DELETE);
    assert_string_equal(log.last_text, ""); /* only the key is known */
    int64_t k0 = log.keys[0] < log.keys[1] ? log.keys[0] : log.keys[1];
    assert_int_equal(k0, first_id + 1);
    ormc_builder_free(&q);

    /* no hook: nothing is called */
    ormc_on_change(db, NULL, NULL);
    log.n = 0;
    test_order last = {0};
    last.code = "quiet";
    assert_ok(db, ormc_row_insert(db, &test_order_table, &last));
    assert_int_equal(log.n, 0);
    assert_ok(db, ormc_commit(db));
}

/* What the generated _get, _get_by_code, _update and _delete of orders
 * run: the runtime writes their text from the descriptor. */
static const struct {
    const char *get, *update, *del, *by_code;
} order_sql = {
    "SELECT \"id\", \"code\", \"note\" FROM \"orders\" WHERE \"id\" = $1",
    "UPDATE \"orders\" SET \"code\" = $2, \"note\" = $3 WHERE \"id\" = $1",
    "DELETE FROM \"orders\" WHERE \"id\" = $1",
    "SELECT \"id\", \"code\", \"note\" FROM \"orders\" WHERE \"code\" = $1",
};
static ormc_table order_t;

typedef struct sent_log {
    int n;
    char last[128];
} sent_log;

static void log_sent(void *ctx, const ormc_trace_event *ev)
{
    sent_log *log = ctx;
    log->n++;
    snprintf(log->last, sizeof log->last, "%s", ev->sql);
}

/* Each by-key entry point sends its own fixed statement once, answers
 * ORMC_NOT_FOUND for a key no row has, and tells the change hook what it
 * did (update: the caller's row; delete: the key row) only when a row
 * changed; get and get_by tell it nothing. */
static void test_by_key_entry_points(void **state)
{
    ormc_test_direct_only("named prepared statements, which a transaction "
                          "pooler rules out (every statement is unnamed)");
    ormc_db *db = ormc_test_db(state);
    setup_tables(state);
    order_t = test_order_table;
    test_order o = {0};
    o.code = "k1";
    o.note = "first";
    assert_ok(db, ormc_row_insert(db, &order_t, &o));

    data_hook_log hook;
    memset(&hook, 0, sizeof hook);
    hook.text_column = ORDER_CODE;
    ormc_on_change(db, data_hook, &hook);
    sent_log sent = {0, ""};
    ormc_set_trace(db, log_sent, &sent);
    ormc_counters before, after;
    assert_ok(db, ormc_stats(db, &before));

    test_order key = {0}, got;
    key.id = o.id;
    assert_ok(db, ormc_row_get(db, &order_t, &key, &got));
    assert_int_equal(sent.n, 1);
    assert_string_equal(sent.last, order_sql.get);
    assert_string_equal(got.code, "k1");
    ormc_row_free(&order_t, &got);
    /* again: the statement built and prepared once per connection */
    assert_ok(db, ormc_row_get(db, &order_t, &key, &got));
    ormc_row_free(&order_t, &got);
    assert_ok(db, ormc_stats(db, &after));
    assert_int_equal(after.prepares - before.prepares, 1);

    test_order by = {0};
    by.code = "k1";
    assert_ok(db, ormc_row_get_by(db, &order_t, ORMC_COLUMN_BIT(ORDER_CODE),
                                  &by, &got));
    assert_string_equal(sent.last, order_sql.by_code);
    assert_int_equal(got.id, o.id);
    ormc_row_free(&order_t, &got);
    assert_int_equal(hook.n, 0);

    test_order changed = o;
    changed.code = "k2";
    sent.n = 0;
    assert_ok(db, ormc_row_update(db, &order_t, &changed));
    assert_int_equal(sent.n, 1);
    assert_string_equal(sent.last, order_sql.update);
    assert_int_equal(hook.n, 1);
    assert_int_equal(hook.last_op, ORMC_CHANGE_UPDATE);
    assert_int_equal(hook.keys[0], o.id);
    assert_string_equal(hook.last_text, "k2");
    assert_ok(db, ormc_row_get(db, &order_t, &key, &got));
    assert_string_equal(got.code, "k2");
    assert_string_equal(got.note, "first");
    ormc_row_free(&order_t, &got);

    /* a value the write checks refuse: nothing sent, no hook */
    test_order bad = changed;
    bad.code = NULL; /* NOT NULL */
    sent.n = 0;
    assert_int_equal(ormc_row_update(db, &order_t, &bad), ORMC_INVALID);
    assert_string_equal(ormc_sqlstate(db), "23502");
    assert_int_equal(sent.n, 0);
    assert_int_equal(hook.n, 1);

    sent.n = 0;
    assert_ok(db, ormc_row_delete(db, &order_t, &key));
    assert_int_equal(sent.n, 1);
    assert_string_equal(sent.last, order_sql.del);
    assert_int_equal(hook.n, 2);
    assert_int_equal(hook.last_op, ORMC_CHANGE_DELETE);
    assert_int_equal(hook.keys[1], o.id);
    assert_string_equal(hook.last_text, ""); /* only the key is known */

    /* no row with the key: ORMC_NOT_FOUND, no hook, no error recorded */
    assert_int_equal(ormc_row_get(db, &order_t, &key, &got), ORMC_NOT_FOUND);
    assert_int_equal(ormc_row_update(db, &order_t, &changed), ORMC_NOT_FOUND);
    assert_int_equal(ormc_row_delete(db, &order_t, &key), ORMC_NOT_FOUND);
    assert_int_equal(
        ormc_row_get_by(db, &order_t, ORMC_COLUMN_BIT(ORDER_CODE), &by, &got),
        ORMC_NOT_FOUND);
    assert_string_equal(ormc_errmsg(db), "");
    assert_int_equal(hook.n, 2);

    ormc_set_trace(db, NULL, NULL);
    ormc_on_change(db, NULL, NULL);
    assert_ok(db, ormc_commit(db));
}

static void test_misuse(void **state)
{
    ormc_db *db = ormc_test_db(state);
    test_order o = {0};
    assert_int_equal(ormc_row_insert(NULL, &test_order_table, &o),
                     ORMC_INVALID);
    assert_int_equal(ormc_row_insert(db, NULL, &o), ORMC_INVALID);
    assert_int_equal(ormc_row_insert(db, &test_order_table, NULL),
                     ORMC_INVALID);
    assert_int_equal(ormc_row_insert_many(db, &test_order_table, NULL, 0),
                     ORMC_OK);
    assert_int_equal(ormc_row_insert_many(db, &test_order_table, NULL, 3),
                     ORMC_INVALID);
    assert_int_equal(ormc_row_upsert(db, &test_order_table, NULL, 1),
                     ORMC_INVALID);
    assert_int_equal(ormc_row_find_or_create(db, NULL, &o, 1, NULL),
                     ORMC_INVALID);
    assert_int_equal(ormc_builder_first(db, NULL, &o), ORMC_INVALID);
    ormc_builder q;
    ormc_builder_init(&q, &test_order_table);
    ormc_builder_where(&q, ORMC_COLUMN_BIT(40), ORMC_EQ, NULL); /* none */
    assert_int_equal(ormc_builder_first(db, &q, &o), ORMC_INVALID);
    assert_true(strlen(ormc_errmsg(db)) > 0);
    ormc_cursor *cur = NULL;
    assert_int_equal(ormc_cursor_open(db, &q, &cur), ORMC_INVALID);
    assert_null(cur);
    ormc_builder_free(&q);
    ormc_on_change(NULL, data_hook, NULL);
    ormc_cursor_close(NULL);
    ormc_list_free(&test_order_table, NULL, 0);
    assert_int_equal(ormc_cursor_next(NULL, &o), ORMC_INVALID);
}

static uint64_t prepares_of(ormc_db *db)
{
    ormc_counters c;
    assert_ok(db, ormc_stats(db, &c));
    return c.prepares;
}

/* The statement cache keys each statement by its identity: the engine's
 * by their shape, a caller's text by the text, in domains of their own.
 * A get prepares once however often it runs; the caller's copy of the very
 * same text is a statement of its own; a query prepares once per shape
 * (values apart), and a NULL value is another shape (IS NULL). */
static void test_statements_by_identity(void **state)
{
    ormc_test_direct_only("named prepared statements, which a transaction "
                          "pooler rules out (every statement is unnamed)");
    ormc_db *db = ormc_test_db(state);
    setup_tables(state);
    test_order o = {0};
    o.code = "id1";
    assert_ok(db, ormc_row_insert(db, &test_order_table, &o));

    sent_log sent = {0, ""};
    ormc_set_trace(db, log_sent, &sent);
    test_order key = {0}, got;
    key.id = o.id;
    uint64_t before = prepares_of(db);
    for (int i = 0; i < 3; i++) {
        assert_ok(db, ormc_row_get(db, &test_order_table, &key, &got));
        ormc_row_free(&test_order_table, &got);
    }
    assert_int_equal(prepares_of(db) - before, 1);
    assert_string_equal(sent.last, order_sql.get);

    /* the same text, given by the caller: its own statement */
    ormc_param id = data_i64(o.id);
    ormc_result *res;
    assert_ok(db, ormc_query(db, order_sql.get, &id, 1, &res));
    assert_int_equal(ormc_result_next(res), ORMC_ROW);
    ormc_result_close(res);
    assert_int_equal(prepares_of(db) - before, 2);
    assert_ok(db, ormc_row_get(db, &test_order_table, &key, &got));
    ormc_row_free(&test_order_table, &got);
    assert_int_equal(prepares_of(db) - before, 2);

    /* a query: once per shape, whatever the values */
    before = prepares_of(db);
    const char *codes[] = {"id1", "nope", "id1"};
    for (int i = 0; i < 3; i++) {
        ormc_builder q;
        ormc_builder_init(&q, &test_order_table);
        ormc_param p = data_text(codes[i]);
        ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_CODE), ORMC_EQ, &p);
        int rc = ormc_builder_first(db, &q, &got);
        assert_int_equal(rc, i == 1 ? ORMC_NOT_FOUND : ORMC_OK);
        if (rc == ORMC_OK)
            ormc_row_free(&test_order_table, &got);
        ormc_builder_free(&q);
    }
    assert_int_equal(prepares_of(db) - before, 1);
    ormc_builder q;
    ormc_builder_init(&q, &test_order_table);
    ormc_param null = {.type = ORMC_TYPE_TEXT, .is_null = true};
    ormc_builder_where(&q, ORMC_COLUMN_BIT(ORDER_NOTE), ORMC_EQ, &null);
    assert_ok(db, ormc_builder_first(db, &q, &got));
    assert_int_equal(got.id, o.id);
    ormc_row_free(&test_order_table, &got);
    ormc_builder_free(&q);
    assert_int_equal(prepares_of(db) - before, 2);
    assert_non_null(strstr(sent.last, "\"note\" IS NULL"));
    ormc_set_trace(db, NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_insert_reads_back_key_and_defaults),
        ORMC_BACKEND_TEST(test_insert_constraint_violation),
        ORMC_BACKEND_TEST(test_every_type_round_trips),
        ORMC_BACKEND_TEST(test_validate_json_answers_as_the_server),
        ORMC_BACKEND_TEST(test_every_type_insert_many),
        ORMC_BACKEND_TEST(test_hostile_strings_round_trip),
        ORMC_BACKEND_TEST(test_update_columns),
        ORMC_BACKEND_TEST(test_upsert),
        ORMC_BACKEND_TEST(test_find_or_create),
        ORMC_BACKEND_TEST(test_find_or_create_null_key),
        ORMC_BACKEND_TEST(test_find_or_create_keeps_transaction_usable),
        ORMC_BACKEND_TEST(test_composite_key_crud),
        ORMC_BACKEND_TEST(test_hooks_see_every_change),
        ORMC_BACKEND_TEST(test_by_key_entry_points),
        ORMC_BACKEND_TEST(test_key_only_update),
        ORMC_BACKEND_TEST(test_statements_by_identity),
        ORMC_BACKEND_TEST(test_misuse),
    };
    return ormc_test_run_backends("data_crud", tests);
}
