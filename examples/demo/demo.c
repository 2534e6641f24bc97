/*
 * The ormc demo: a Slack app's installation store and a web session store,
 * both on code generated from schema/, narrating what they do. Each step
 * shows the store call it makes, the generated functions that call runs,
 * and (through ormc_set_trace) the SQL the runtime sends, one short line per
 * statement.
 *
 * It runs on the embedded SQLite file ormc-demo.db (left behind: open it
 * with `sqlite3 ormc-demo.db`), or on the database ORMC_URL names, e.g.
 * ORMC_URL=postgresql://localhost/mydb.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "installation_store.h"
#include "session_store.h"

#define CLIENT_ID "1234.5678"
#define TEAM_ID "T0DEMO"

static ormc_db *db;

static void check(int rc, const char *what)
{
    if (rc == ORMC_OK)
        return;
    fprintf(stderr, "demo: %s: %s: %s\n", what, ormc_strstatus(rc),
            ormc_errmsg(db));
    ormc_close(db);
    exit(1);
}

/* The SQL of one statement on one line, brief: whitespace runs collapsed,
 * a list of four or more columns or parameters shown as its first and last
 * ("id", ..., "installed_at"), and the rest cut at SQL_SHOWN characters. */
#define SQL_SHOWN 100

/* The length of the list item (a quoted name or a $N parameter) at p, or 0. */
static size_t item_len(const char *p)
{
    const char *e = p;
    if (*e == '"') {
        e = strchr(e + 1, '"');
        return e ? (size_t)(e + 1 - p) : 0;
    }
    if (*e != '$')
        return 0;
    for (e++; *e >= '0' && *e <= '9'; e++)
        ;
    return e - p > 1 ? (size_t)(e - p) : 0;
}

static void show_sql(void *ctx, const ormc_trace_event *ev)
{
    (void)ctx;
    char flat[1024]; /* the statement with its whitespace collapsed */
    size_t n = 0;
    bool space = false;
    for (const char *p = ev->sql; *p && n < sizeof flat - 2; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            space = n > 0;
            continue;
        }
        if (space)
            flat[n++] = ' ';
        space = false;
        flat[n++] = *p;
    }
    flat[n] = '\0';

    char line[SQL_SHOWN + 1];
    size_t m = 0;
    bool cut = false;
    for (const char *p = flat; *p && !cut;) {
        bool starts = p == flat || strchr(" (,", p[-1]);
        size_t len = starts ? item_len(p) : 0;
        const char *last = p, *q = p + len;
        int items = len ? 1 : 0;
        while (items && strncmp(q, ", ", 2) == 0 && item_len(q + 2)) {
            last = q + 2;
            q = last + item_len(last);
            items++;
        }
        int w;
        if (items >= 4)
            w = snprintf(line + m, sizeof line - m, "%.*s, ..., %.*s", (int)len,
                         p, (int)(q - last), last);
        else if (items)
            w = snprintf(line + m, sizeof line - m, "%.*s", (int)(q - p), p);
        else
            w = snprintf(line + m, sizeof line - m, "%c", *p);
        m += (size_t)w < sizeof line - m ? (size_t)w : sizeof line - 1 - m;
        p = items ? q : p + 1;
        cut = m >= SQL_SHOWN && *p; /* full, with more to come */
    }
    line[m] = '\0';
    printf("       sql: %s%s\n", line, cut ? "..." : "");
}

/* Announce a step: the store call, then the generated functions it runs.
 * The SQL follows as the runtime sends it. */
static void step(int n, const char *call, const char *generated)
{
    printf("%s%d. %s\n       runs: %s\n", n > 1 ? "\n" : "", n, call,
           generated);
}

static const char *show_time(ormc_time t, char buf[ORMC_TIME_TEXT_MAX])
{
    ormc_time_format(t, buf, ORMC_TIME_TEXT_MAX);
    return buf;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void slack_demo(void)
{
    installation_store store;
    check(installation_store_open(&store, db, CLIENT_ID), "open store");
    check(installation_store_delete_all(&store, NULL, TEAM_ID),
          "clear the demo workspace");
    /* Opening the store created the tables; from here on, show the SQL. */
    ormc_set_trace(db, show_sql, NULL);

    slack_installation inst = SLACK_INSTALLATION_INIT;
    inst.app_id = "A0DEMO";
    inst.team_id = TEAM_ID;
    inst.team_name = "Demo Workspace";
    inst.user_id = "U0ADMIN";
    inst.bot_token = "xoxb-first";
    inst.bot_id = "B0DEMO";
    inst.bot_user_id = "U0BOT";
    inst.bot_scopes = "chat:write,commands";
    step(1, "installation_store_save(&store, &inst)",
         "slack_installation_first, slack_installation_insert, "
         "slack_bot_first, slack_bot_insert");
    check(installation_store_save(&store, &inst), "save installation");
    printf("   Installed the app in workspace %s (%s): bot token %s.\n",
           TEAM_ID, inst.team_name, inst.bot_token);

    sleep_ms(2);
    slack_bot rotated = SLACK_BOT_INIT;
    rotated.app_id = "A0DEMO";
    rotated.team_id = TEAM_ID;
    rotated.bot_token = "xoxb-rotated";
    rotated.bot_id = "B0DEMO";
    rotated.bot_user_id = "U0BOT";
    rotated.bot_scopes = "chat:write,commands";
    step(2, "installation_store_save_bot(&store, &rotated)",
         "slack_bot_first, slack_bot_insert");
    check(installation_store_save_bot(&store, &rotated), "rotate bot token");
    printf("   Rotated the bot token: a newer bot row holds %s.\n",
           rotated.bot_token);

    installation_store_found found;
    step(3,
         "installation_store_find_installation(&store, NULL, \"" TEAM_ID
         "\", \"U0ADMIN\", false, &found)",
         "slack_installation_first (ordered by installed_at), "
         "slack_bot_first");
    check(installation_store_find_installation(&store, NULL, TEAM_ID, "U0ADMIN",
                                               false, &found),
          "find installation");
    char when[ORMC_TIME_TEXT_MAX];
    printf("   Found %s's installation of %s (installed %s UTC): "
           "bot token %s, the newest one.\n",
           found.installation.user_id, found.installation.team_id,
           show_time(found.installation.installed_at, when),
           found.installation.bot_token);
    installation_store_found_free(&found);

    sleep_ms(2);
    slack_installation user_only = SLACK_INSTALLATION_INIT;
    user_only.app_id = "A0DEMO";
    user_only.team_id = TEAM_ID;
    user_only.user_id = "U0ALICE";
    user_only.user_token = "xoxp-alice";
    user_only.user_scopes = "search:read";
    step(4, "installation_store_save(&store, &user_only), then find it",
         "slack_installation_insert, slack_bot_insert, "
         "slack_installation_first, slack_bot_first");
    check(installation_store_save(&store, &user_only), "save user install");
    check(installation_store_find_installation(&store, NULL, TEAM_ID, "U0ALICE",
                                               false, &found),
          "find user installation");
    printf("   Alice installed with a user token only (%s); her "
           "installation still carries the bot token %s.\n",
           found.installation.user_token, found.installation.bot_token);
    installation_store_found_free(&found);
}

static void session_demo(void)
{
    session_store sessions;
    /* Sessions live one second after their last use, so that one expires
     * here (long enough for a loaded machine to read it back first). */
    ormc_set_trace(db, NULL, NULL); /* not the session table's creation */
    check(session_store_open(&sessions, db, 1000 * 1000), "open sessions");
    ormc_set_trace(db, show_sql, NULL);
    const char *cart = "{\"cart\": [\"book\", \"lamp\"]}";
    step(5, "session_store_set(&sessions, \"s3ss10n-1d\", cart, len)",
         "web_session_upsert");
    check(session_store_set(&sessions, "s3ss10n-1d", cart, strlen(cart)),
          "set session");
    printf("   Stored session s3ss10n-1d (%zu bytes).\n", strlen(cart));

    web_session s;
    step(6, "session_store_get(&sessions, \"s3ss10n-1d\", &s)",
         "web_session_get_by_session_id, web_session_update_columns");
    check(session_store_get(&sessions, "s3ss10n-1d", &s), "get session");
    printf("   Read it back: %.*s\n", (int)s.data.len,
           (const char *)s.data.data);
    web_session_free(&s);

    sleep_ms(1200);
    step(7, "session_store_get(&sessions, \"s3ss10n-1d\", &s), 1.2 s later",
         "web_session_get_by_session_id, web_session_delete_where");
    int rc = session_store_get(&sessions, "s3ss10n-1d", &s);
    if (rc != ORMC_NOT_FOUND)
        check(rc == ORMC_OK ? ORMC_ERROR : rc, "session should have expired");
    printf("   The session has expired: it is gone.\n");
}

int main(void)
{
    const char *url = getenv("ORMC_URL");
    if (!url || !*url)
        url = "sqlite:ormc-demo.db";
    ormc_options opts = ORMC_OPTIONS_INIT;
    opts.autocommit = 1; /* every store call stands alone */
    check(ormc_open_with(url, &opts, &db), "open");
    printf("ormc demo on %s\n\n",
           ormc_backend_of(db) == ORMC_SQLITE ? url : "PostgreSQL");

    slack_demo();
    session_demo();

    ormc_close(db);
    if (strncmp(url, "sqlite:", 7) == 0)
        printf("\nThe data is in %s: try `sqlite3 %s .dump`.\n", url + 7,
               url + 7);
    printf("The tables, drawn by `bin/ormc doc -o DIR schema/slack.lua`: "
           "docs/schema/slack.svg\n(and docs/schema/slack.md, a page of them "
           "with their docs).\n");
    return 0;
}
