/*
 * The ormc demo: a Slack app's installation store and a web session store,
 * both on code generated from schema/, narrating what they do.
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

    slack_installation inst = SLACK_INSTALLATION_INIT;
    inst.app_id = "A0DEMO";
    inst.team_id = TEAM_ID;
    inst.team_name = "Demo Workspace";
    inst.user_id = "U0ADMIN";
    inst.bot_token = "xoxb-first";
    inst.bot_id = "B0DEMO";
    inst.bot_user_id = "U0BOT";
    inst.bot_scopes = "chat:write,commands";
    check(installation_store_save(&store, &inst), "save installation");
    printf("1. Installed the app in workspace %s (%s): bot token %s.\n",
           TEAM_ID, inst.team_name, inst.bot_token);

    sleep_ms(2);
    slack_bot rotated = SLACK_BOT_INIT;
    rotated.app_id = "A0DEMO";
    rotated.team_id = TEAM_ID;
    rotated.bot_token = "xoxb-rotated";
    rotated.bot_id = "B0DEMO";
    rotated.bot_user_id = "U0BOT";
    rotated.bot_scopes = "chat:write,commands";
    check(installation_store_save_bot(&store, &rotated), "rotate bot token");
    printf("2. Rotated the bot token: a newer bot row holds %s.\n",
           rotated.bot_token);

    installation_store_found found;
    check(installation_store_find_installation(&store, NULL, TEAM_ID, "U0ADMIN",
                                               false, &found),
          "find installation");
    char when[ORMC_TIME_TEXT_MAX];
    printf("3. Found %s's installation of %s (installed %s UTC): "
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
    check(installation_store_save(&store, &user_only), "save user install");
    check(installation_store_find_installation(&store, NULL, TEAM_ID, "U0ALICE",
                                               false, &found),
          "find user installation");
    printf("4. Alice installed with a user token only (%s); her "
           "installation still carries the bot token %s.\n",
           found.installation.user_token, found.installation.bot_token);
    installation_store_found_free(&found);
}

static void session_demo(void)
{
    session_store sessions;
    /* Sessions live 50 ms after their last use, so that one expires here. */
    check(session_store_open(&sessions, db, 50 * 1000), "open sessions");
    const char *cart = "{\"cart\": [\"book\", \"lamp\"]}";
    check(session_store_set(&sessions, "s3ss10n-1d", cart, strlen(cart)),
          "set session");
    printf("5. Stored session s3ss10n-1d (%zu bytes).\n", strlen(cart));

    web_session s;
    check(session_store_get(&sessions, "s3ss10n-1d", &s), "get session");
    printf("6. Read it back: %.*s\n", (int)s.data.len,
           (const char *)s.data.data);
    web_session_free(&s);

    sleep_ms(120);
    int rc = session_store_get(&sessions, "s3ss10n-1d", &s);
    if (rc != ORMC_NOT_FOUND)
        check(rc == ORMC_OK ? ORMC_ERROR : rc, "session should have expired");
    printf("7. 120 ms later the session has expired: it is gone.\n");
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
    return 0;
}
