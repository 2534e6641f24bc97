/*
 * test_slack_sqlalchemy.c: the installation store on the tables slack_sdk
 * makes, on SQLite and PostgreSQL. SQLAlchemy (tests/examples/
 * slack_sqlalchemy.py, with slack_sdk's own table definitions) creates
 * slack_installations and slack_bots; the drift check finds nothing that
 * breaks data and installation_store_open opens them; the rows Python
 * writes read back equal in C, and the rows C writes read back equal in
 * Python. And `ormc pull` of those tables writes what
 * tests/examples/pulled/ holds, whose generated code (built with this test)
 * passes the check against them (on SQLite even the strict one).
 *
 * The Python (with SQLAlchemy and psycopg2) is the one CMake found
 * (ORMC_TEST_PYTHON); without one the test is skipped, but under CI=true
 * that is a failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "installation_store.h"
#include "ormc_test.h"
#include "slack_sdk_postgres.h"
#include "slack_sdk_sqlite.h"

#ifndef ORMC_TEST_PYTHON
#define ORMC_TEST_PYTHON ""
#endif

static void commit_if_open(ormc_db *db)
{
    if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
        assert_ok(db, ormc_commit(db));
}

/* Run slack_sqlalchemy.py `what` on the test's database; its exit status.
 * The URL goes as one argument, untouched by a shell. */
static int python(const char *what)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execl(ORMC_TEST_PYTHON, ORMC_TEST_PYTHON, ORMC_TEST_SLACK_SCRIPT, what,
              ormc_test_url(), (char *)NULL);
        perror("exec " ORMC_TEST_PYTHON);
        _exit(127);
    }
    assert_true(pid > 0);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* A timestamp as text, for comparing. */
static const char *when(ormc_time t, char buf[40])
{
    ormc_time_format(t, buf, 40);
    return buf;
}

static void assert_text(const char *got, const char *want)
{
    if (want == NULL)
        assert_null(got);
    else
        assert_string_equal(got, want);
}

/* What tests/examples/slack_sqlalchemy.py writes (PY_INSTALLATION, PY_BOT)
 * and expects (C_INSTALLATION): the same values there. */
#define PY_EXPIRES "2030-01-02 03:04:05.678901"
#define PY_INSTALLED "2024-05-06 07:08:09.123456"

static void check_python_bot_fields(const char *bot_token, const char *bot_id,
                                    const char *bot_user_id,
                                    const char *bot_scopes,
                                    const char *bot_refresh_token,
                                    bool has_expires, ormc_time expires)
{
    char buf[40];
    assert_text(bot_token, "xoxb-py");
    assert_text(bot_id, "B1");
    assert_text(bot_user_id, "UB1");
    assert_text(bot_scopes, "chat:write,commands");
    assert_text(bot_refresh_token, "xoxe-1-py");
    assert_true(has_expires);
    assert_string_equal(when(expires, buf), PY_EXPIRES);
}

/* What the drift check tells about SQLAlchemy's tables. */
typedef struct found {
    int n, n_breaking;
} found;

static void count(void *ctx, const ormc_drift *d)
{
    found *f = ctx;
    f->n++;
    if (d->breaks_data) {
        f->n_breaking++;
        fprintf(stderr, "breaks data: %s\n", d->message);
    }
}

static void test_tables_made_by_sqlalchemy(void **state)
{
    ormc_db *db = ormc_test_db(state);
    bool pg = ormc_backend_of(db) == ORMC_POSTGRES;
    assert_int_equal(python("create"), 0);

    /* nothing that breaks data; what differs is reported, harmless: on
     * SQLite the declared types (VARCHAR(n), DATETIME, BOOLEAN), the max
     * CHECKs, on PostgreSQL the keys' sequences (serial where ormc makes
     * identity columns); SQLAlchemy's INTEGER PRIMARY KEY without
     * AUTOINCREMENT is what ormc's serial is on SQLite */
    found f = {0, 0};
    assert_ok(db, slack_schema_check_with(db, 0, count, &f));
    fprintf(stderr, "%s: %d differences, %d breaking data\n",
            pg ? "PostgreSQL" : "SQLite", f.n, f.n_breaking);
    assert_int_equal(f.n_breaking, 0);
    /* SQLite: 39 declared types */
    assert_int_equal(f.n, pg ? 2 : 39);
    assert_ok(db, slack_schema_check(db));
    /* the strict check still fails on them */
    assert_int_equal(slack_schema_check_with(db, ORMC_CHECK_STRICT, NULL, NULL),
                     ORMC_SCHEMA_DRIFT);

    installation_store store;
    assert_ok(db, installation_store_open(&store, db, "C1"));
    commit_if_open(db);

    /* Python writes, C reads and compares */
    assert_int_equal(python("write"), 0);
    char buf[40];
    installation_store_found fi;
    assert_ok(db, installation_store_find_installation(&store, NULL, "T1", "U1",
                                                       false, &fi));
    const slack_installation *i = &fi.installation;
    assert_true(i->id > 0);
    assert_text(i->client_id, "C1");
    assert_text(i->app_id, "A111");
    assert_null(i->enterprise_id);
    assert_null(i->enterprise_name);
    assert_null(i->enterprise_url);
    assert_text(i->team_id, "T1");
    assert_text(i->team_name, "Team One");
    check_python_bot_fields(i->bot_token, i->bot_id, i->bot_user_id,
                            i->bot_scopes, i->bot_refresh_token,
                            i->has_bot_token_expires_at,
                            i->bot_token_expires_at);
    assert_text(i->user_id, "U1");
    assert_text(i->user_token, "xoxp-py");
    assert_text(i->user_scopes, "search:read");
    assert_null(i->user_refresh_token);
    assert_false(i->has_user_token_expires_at);
    assert_text(i->incoming_webhook_url,
                "https://hooks.slack.com/services/T1/B1/x");
    assert_text(i->incoming_webhook_channel, "#g\xc3\xa9n\xc3\xa9ral");
    assert_text(i->incoming_webhook_channel_id, "C01");
    assert_null(i->incoming_webhook_configuration_url);
    assert_false(i->is_enterprise_install);
    assert_text(i->token_type, "bot");
    assert_true(i->has_installed_at);
    assert_string_equal(when(i->installed_at, buf), PY_INSTALLED);
    installation_store_found_free(&fi);

    slack_bot bot;
    assert_ok(db, installation_store_find_bot(&store, NULL, "T1", false, &bot));
    assert_true(bot.id > 0);
    assert_text(bot.client_id, "C1");
    assert_text(bot.app_id, "A111");
    assert_null(bot.enterprise_id);
    assert_text(bot.team_id, "T1");
    assert_text(bot.team_name, "Team One");
    check_python_bot_fields(bot.bot_token, bot.bot_id, bot.bot_user_id,
                            bot.bot_scopes, bot.bot_refresh_token,
                            bot.has_bot_token_expires_at,
                            bot.bot_token_expires_at);
    assert_false(bot.is_enterprise_install);
    assert_string_equal(when(bot.installed_at, buf), PY_INSTALLED);
    slack_bot_free(&bot);

    /* the defaults SQLAlchemy filled in (installed_at: the database's
     * CURRENT_TIMESTAMP / now(), without a fraction on SQLite) read too */
    assert_ok(db, installation_store_find_bot(&store, NULL, "T3", false, &bot));
    assert_text(bot.bot_token, "xoxb-t3");
    assert_false(bot.is_enterprise_install);
    assert_true(bot.has_installed_at);
    assert_true(bot.installed_at > 0);
    slack_bot_free(&bot);
    commit_if_open(db);

    /* C writes, Python reads and compares (C_INSTALLATION there);
     * installed_at and is_enterprise_install left to ormc */
    slack_installation c = SLACK_INSTALLATION_INIT;
    c.app_id = "A111";
    c.enterprise_id = "E2";
    c.enterprise_name = "Grid Two";
    c.enterprise_url = "https://grid-two.example/";
    c.team_id = "T2";
    /* "Team Two — ünïcødé" (split where a hex escape would run on) */
    c.team_name = "Team Two \xe2\x80\x94 \xc3\xbcn\xc3\xaf"
                  "c\xc3\xb8"
                  "d\xc3\xa9";
    c.bot_token = "xoxb-c";
    c.bot_id = "B2";
    c.bot_user_id = "UB2";
    c.bot_scopes = "chat:write";
    c.bot_refresh_token = "xoxe-1-c";
    c.has_bot_token_expires_at = true;
    assert_int_equal(
        ormc_time_parse("2031-12-30 23:59:58.000001", &c.bot_token_expires_at),
        ORMC_OK);
    c.user_id = "U2";
    c.user_token = "xoxp-c";
    c.user_scopes = "users:read";
    c.user_refresh_token = "xoxe-1-cu";
    c.has_user_token_expires_at = true;
    assert_int_equal(
        ormc_time_parse("2031-06-07 08:09:10", &c.user_token_expires_at),
        ORMC_OK);
    c.token_type = "bot";
    assert_ok(db, installation_store_save(&store, &c));
    commit_if_open(db);
    assert_int_equal(python("check"), 0);
}

/* The text of a file from `return schema` on (ormc pull's header comment
 * names the database, and wraps with its length); NULL when it cannot be
 * read or has none. */
static char *body_of(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    static char text[32768];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    char *p = strstr(text, "\nreturn schema");
    return p ? strdup(p + 1) : NULL;
}

static void test_pulled_schema_passes_the_check(void **state)
{
    ormc_db *db = ormc_test_db(state);
    bool pg = ormc_backend_of(db) == ORMC_POSTGRES;
    assert_int_equal(python("create"), 0);
    const char *name = pg ? "slack_sdk_postgres" : "slack_sdk_sqlite";
    char out[1024], want[1024];
    snprintf(out, sizeof out, "%s/pulled-%d.lua", ORMC_TEST_DIR, (int)getpid());
    snprintf(want, sizeof want, "%s/%s.lua", ORMC_PULLED, name);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execl(ORMC_BIN, ORMC_BIN, "pull", ormc_test_url(), "--name", name, "-o",
              out, (char *)NULL);
        perror("exec " ORMC_BIN);
        _exit(127);
    }
    assert_true(pid > 0);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char *got = body_of(out), *expected = body_of(want);
    assert_non_null(got);
    assert_non_null(expected);
    if (strcmp(got, expected) != 0)
        fail_msg("ormc pull wrote %s, not what %s holds:\n%s", out, want, got);
    free(got);
    free(expected);
    remove(out);

    /* its generated code passes the check: on SQLite it finds no
     * difference at all, even strictly; on PostgreSQL only the keys'
     * sequence defaults (SERIAL), which the DSL writes as identity
     * columns, and which do not break data */
    found f = {0, 0};
    if (pg)
        assert_ok(db, slack_sdk_postgres_schema_check_with(db, 0, count, &f));
    else
        assert_ok(db, slack_sdk_sqlite_schema_check_with(db, ORMC_CHECK_STRICT,
                                                         count, &f));
    assert_int_equal(f.n_breaking, 0);
    assert_int_equal(f.n, pg ? 2 : 0);
    commit_if_open(db);
}

int main(void)
{
    if (ORMC_TEST_PYTHON[0] == '\0') {
        fprintf(stderr, "SKIP: no python3 with SQLAlchemy and psycopg2 "
                        "(Debian: python3-sqlalchemy python3-psycopg2)\n");
        return ormc_test_in_ci() ? 1 : 0;
    }
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_tables_made_by_sqlalchemy),
        ORMC_BACKEND_TEST(test_pulled_schema_passes_the_check),
    };
    return ormc_test_run_backends("examples_slack_sqlalchemy", tests);
}
