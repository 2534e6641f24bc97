/*
 * test_trace_env.c: ORMC_TRACE, set in the environment of a program that
 * has no tracing code of its own, on SQLite and PostgreSQL. The test runs
 * this very program again as a child (argv[1] = "child") with ORMC_TRACE
 * set, its stderr into a file, and reads what it wrote: a line per
 * statement with its duration and rows, the parameters' values with
 * `params`, the values of secret = true columns (slack's bot_token) as ***
 * there and in error messages, and `file:PATH` writing to PATH instead.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ormc_test.h"
#include "slack.h"

#define TOKEN "xoxb-1234-SECRET-5678"

/* === the child: an application that knows nothing of tracing === */

static int child_fail(ormc_db *db, const char *what)
{
    fprintf(stderr, "child: %s failed: %s\n", what, ormc_errmsg(db));
    return 1;
}

static int run_child(const char *url)
{
    ormc_db *db;
    if (ormc_open(url, &db) != ORMC_OK)
        return child_fail(db, "open");
    slack_bot bot;
    slack_bot_init(&bot);
    bot.client_id = "client-visible";
    bot.app_id = "app";
    bot.team_id = "T1";
    bot.bot_token = TOKEN;
    if (slack_bot_insert(db, &bot) != ORMC_OK)
        return child_fail(db, "insert");
    /* a secret as a query's operand */
    slack_bot_query q;
    slack_bot_query_init(&q);
    slack_bot_where_bot_token(&q, ORMC_EQ, TOKEN);
    int64_t n = 0;
    int rc = slack_bot_count(db, &q, &n);
    slack_bot_query_free(&q);
    if (rc != ORMC_OK || n != 1)
        return child_fail(db, "count");
    /* in an IN list, and as a value an update by query sets */
    static const char *const tokens[] = {TOKEN};
    slack_bot_query_init(&q);
    slack_bot_where_bot_token_in(&q, tokens, 1);
    slack_bot set;
    slack_bot_init(&set);
    set.bot_token = TOKEN "-NEW";
    int64_t changed = 0;
    rc = slack_bot_update_where(db, &q, &set, SLACK_BOT_BOT_TOKEN, &changed);
    slack_bot_query_free(&q);
    if (rc != ORMC_OK || changed != 1)
        return child_fail(db, "update_where");
    /* a statement the server refuses with the token in its message (the
     * test's trigger on PostgreSQL; SQLite's message quotes no value) */
    bot.id = 0;
    bot.team_id = "T-bad";
    if (!ormc_is_error(slack_bot_insert(db, &bot)))
        return child_fail(db, "the refused insert");
    fprintf(stderr, "errmsg: %s\n", ormc_errmsg(db));
    ormc_rollback(db);
    ormc_close(db);
    return 0;
}

/* === the test === */

static char self[4096]; /* this program */

/* Read a whole file ("" when missing). Owned by the caller. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return strdup("");
    char *out = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
        memcpy(out + len, chunk, n);
        len += n;
    }
    fclose(f);
    if (out == NULL)
        return strdup("");
    out[len] = '\0';
    return out;
}

/* The tables, and a trigger that refuses team T-bad quoting the token. */
static void prepare(ormc_db *db)
{
    assert_ok(db, slack_schema_create(db));
    if (ormc_backend_of(db) == ORMC_POSTGRES) {
        ormc_test_exec(db, "CREATE FUNCTION refuse_bot() RETURNS trigger "
                           "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
                           "'refused token %', NEW.bot_token; END $$");
        ormc_test_exec(db, "CREATE TRIGGER refuse BEFORE INSERT ON "
                           "slack_bots FOR EACH ROW WHEN (NEW.team_id = "
                           "'T-bad') EXECUTE FUNCTION refuse_bot()");
    } else {
        ormc_test_exec(db, "CREATE TRIGGER refuse BEFORE INSERT ON "
                           "slack_bots WHEN NEW.team_id = 'T-bad' BEGIN "
                           "SELECT RAISE(ABORT, 'refused token'); END");
    }
    if (ormc_test_tx_state(db) != ORMC_TX_IDLE)
        assert_ok(db, ormc_commit(db));
}

/* Run the child with ORMC_TRACE = trace (NULL: unset); its stderr in
 * *err (owned by the caller). */
static void run(const char *trace, char **err)
{
    char path[] = "/tmp/ormc_trace_env_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fd, STDERR_FILENO);
        setenv("ORMC_TEST_CHILD_URL", ormc_test_url(), 1);
        if (trace)
            setenv("ORMC_TRACE", trace, 1);
        else
            unsetenv("ORMC_TRACE");
        execl(self, self, "child", (char *)NULL);
        _exit(127);
    }
    close(fd);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    *err = slurp(path);
    unlink(path);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("the child failed (%d): %s", status, *err);
}

/* The line of out that contains what, or fail. */
static const char *line_with(const char *out, const char *what)
{
    const char *p = strstr(out, what);
    if (p == NULL)
        fail_msg("no line has '%s' in:\n%s", what, out);
    while (p > out && p[-1] != '\n')
        p--;
    return p;
}

static void assert_line_has(const char *line, const char *what)
{
    const char *end = strchr(line, '\n');
    size_t n = end ? (size_t)(end - line) : strlen(line);
    char *l = strndup(line, n);
    if (strstr(l, what) == NULL)
        fail_msg("'%s' not in the line: %s", what, l);
    free(l);
}

static void test_trace_params_hides_secrets(void **state)
{
    ormc_db *db = ormc_test_db(state);
    prepare(db);
    char *out;
    run("params", &out);
    /* the insert: duration, rows, the values, the token hidden */
    const char *ins = line_with(out, "INSERT INTO \"slack_bots\"");
    assert_true(strncmp(ins, "ormc: ", 6) == 0);
    assert_line_has(ins, " ms, 1 row: INSERT INTO");
    assert_line_has(ins, "'client-visible'");
    assert_line_has(ins, "= ***");
    /* the query: the secret operand */
    const char *cnt = line_with(out, "SELECT COUNT(*)");
    assert_line_has(cnt, " ms, 1 row: ");
    assert_line_has(cnt, "\"bot_token\" = $1 -- $1 = ***");
    const char *upd = line_with(out, "UPDATE \"slack_bots\" SET");
    assert_line_has(upd,
                    " ms, 1 row: UPDATE \"slack_bots\" SET \"bot_token\" = $1");
    assert_line_has(upd, "\"bot_token\" IN ($2)");
    assert_line_has(upd, "-- $1 = ***, $2 = ***");
    /* the refused insert: a failed line, the message without the token */
    const char *bad = line_with(out, "failed: ");
    assert_line_has(bad, "INSERT INTO \"slack_bots\"");
    const char *msg = line_with(out, "errmsg: ");
    assert_line_has(msg, "refused token");
    if (ormc_backend_of(db) == ORMC_POSTGRES) {
        assert_line_has(msg, "refused token ***");
        assert_line_has(bad, "refused token ***");
    }
    /* nowhere in full */
    assert_null(strstr(out, TOKEN));
    assert_null(strstr(out, "SECRET"));
    free(out);
}

static void test_trace_1_shows_no_values(void **state)
{
    ormc_db *db = ormc_test_db(state);
    prepare(db);
    char *out;
    run("1", &out);
    const char *ins = line_with(out, "INSERT INTO \"slack_bots\"");
    assert_line_has(ins, " ms, 1 row: INSERT INTO");
    assert_null(strstr(out, "client-visible"));
    assert_null(strstr(out, " -- $1"));
    assert_null(strstr(out, TOKEN));
    free(out);
}

static void test_trace_file(void **state)
{
    ormc_db *db = ormc_test_db(state);
    prepare(db);
    char path[] = "/tmp/ormc_trace_file_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char trace[128];
    snprintf(trace, sizeof trace, "params,file:%s", path);
    char *out;
    run(trace, &out);
    /* stderr has only what the child itself wrote */
    assert_null(strstr(out, "ormc: "));
    assert_non_null(strstr(out, "errmsg: "));
    free(out);
    char *file = slurp(path);
    unlink(path);
    const char *ins = line_with(file, "INSERT INTO \"slack_bots\"");
    assert_line_has(ins, "'client-visible'");
    assert_null(strstr(file, TOKEN));
    free(file);
}

static void test_trace_unset_or_not_understood(void **state)
{
    ormc_db *db = ormc_test_db(state);
    prepare(db);
    char *out;
    run(NULL, &out);
    assert_null(strstr(out, "ormc: "));
    free(out);
    run("0", &out);
    assert_null(strstr(out, "ormc: "));
    free(out);
    /* a value it does not know: said once, and traced to stderr */
    run("verbose", &out);
    const char *warn = line_with(out, "ORMC_TRACE=verbose: not understood");
    assert_line_has(warn, "use 1, params or file:PATH");
    assert_non_null(strstr(warn + 1, "ms, 1 row: INSERT INTO"));
    assert_null(strstr(strstr(warn, "\n"), "not understood"));
    free(out);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return run_child(getenv("ORMC_TEST_CHILD_URL"));
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return 1;
    self[n] = '\0';
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_trace_params_hides_secrets),
        ORMC_BACKEND_TEST(test_trace_1_shows_no_values),
        ORMC_BACKEND_TEST(test_trace_file),
        ORMC_BACKEND_TEST(test_trace_unset_or_not_understood),
    };
    return ormc_test_run_backends("data_trace_env", tests);
}
