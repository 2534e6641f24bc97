/*
 * The Slack installation store example (examples/installation_store), on
 * both backends, behaviour by behaviour as slack_sdk's SQLAlchemy store has
 * it.
 */
#include "installation_store.h"
#include "ormc_test.h"

#include <string.h>

#define T0 ((ormc_time)1700000000 * 1000000) /* 2023-11-14 22:13:20 UTC */
#define SECOND ((ormc_time)1000000)

static installation_store open_store(void **state, const char *client_id)
{
    installation_store store;
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, installation_store_open(&store, db, client_id));
    return store;
}

static slack_installation an_installation(const char *team_id,
                                          const char *user_id,
                                          const char *bot_token,
                                          ormc_time installed_at)
{
    slack_installation inst = SLACK_INSTALLATION_INIT;
    inst.app_id = "A111";
    inst.team_id = team_id;
    inst.team_name = "Team";
    inst.user_id = user_id;
    inst.user_token = "xoxp-user";
    inst.user_scopes = "search:read";
    inst.bot_token = bot_token;
    if (bot_token) {
        inst.bot_id = "B111";
        inst.bot_user_id = "U0BOT";
        inst.bot_scopes = "chat:write,commands";
    }
    inst.has_installed_at = true;
    inst.installed_at = installed_at;
    return inst;
}

static slack_bot a_bot(const char *team_id, const char *bot_token,
                       ormc_time installed_at)
{
    slack_bot bot = SLACK_BOT_INIT;
    bot.app_id = "A111";
    bot.team_id = team_id;
    bot.bot_token = bot_token;
    bot.bot_id = "B111";
    bot.bot_user_id = "U0BOT";
    bot.bot_scopes = "chat:write";
    bot.has_installed_at = true;
    bot.installed_at = installed_at;
    return bot;
}

static int64_t count_bots(ormc_db *db)
{
    slack_bot_query q;
    slack_bot_query_init(&q);
    int64_t n = -1;
    assert_ok(db, slack_bot_count(db, &q, &n));
    slack_bot_query_free(&q);
    return n;
}

static int64_t count_installations(ormc_db *db)
{
    slack_installation_query q;
    slack_installation_query_init(&q);
    int64_t n = -1;
    assert_ok(db, slack_installation_count(db, &q, &n));
    slack_installation_query_free(&q);
    return n;
}

static void test_save_then_find_installation_and_bot(void **state)
{
    installation_store store = open_store(state, "C1");
    slack_installation inst = an_installation("T1", "U1", "xoxb-1", T0);
    inst.enterprise_id = "E1";
    assert_ok(store.db, installation_store_save(&store, &inst));

    installation_store_found found;
    assert_ok(store.db, installation_store_find_installation(
                            &store, "E1", "T1", NULL, false, &found));
    assert_string_equal(found.installation.client_id, "C1");
    assert_string_equal(found.installation.enterprise_id, "E1");
    assert_string_equal(found.installation.team_id, "T1");
    assert_string_equal(found.installation.user_id, "U1");
    assert_string_equal(found.installation.user_token, "xoxp-user");
    assert_string_equal(found.installation.bot_token, "xoxb-1");
    assert_string_equal(found.installation.bot_scopes, "chat:write,commands");
    assert_int_equal(found.installation.installed_at, T0);
    installation_store_found_free(&found);

    slack_bot bot;
    assert_ok(store.db,
              installation_store_find_bot(&store, "E1", "T1", false, &bot));
    assert_string_equal(bot.client_id, "C1");
    assert_string_equal(bot.bot_token, "xoxb-1");
    assert_string_equal(bot.bot_user_id, "U0BOT");
    assert_int_equal(bot.installed_at, T0);
    slack_bot_free(&bot);
}

static void test_save_same_installed_at_updates(void **state)
{
    installation_store store = open_store(state, "C1");
    slack_installation inst = an_installation("T1", "U1", "xoxb-1", T0);
    assert_ok(store.db, installation_store_save(&store, &inst));
    inst.team_name = "Renamed";
    inst.bot_token = "xoxb-1b";
    assert_ok(store.db, installation_store_save(&store, &inst));
    assert_int_equal(count_installations(store.db), 1);
    assert_int_equal(count_bots(store.db), 1);

    installation_store_found found;
    assert_ok(store.db, installation_store_find_installation(
                            &store, NULL, "T1", NULL, false, &found));
    assert_string_equal(found.installation.team_name, "Renamed");
    assert_string_equal(found.installation.bot_token, "xoxb-1b");
    installation_store_found_free(&found);
}

static void test_newer_installation_wins(void **state)
{
    installation_store store = open_store(state, "C1");
    slack_installation old = an_installation("T1", "U1", "xoxb-old", T0);
    slack_installation new =
        an_installation("T1", "U1", "xoxb-new", T0 + SECOND);
    assert_ok(store.db, installation_store_save(&store, &new));
    assert_ok(store.db, installation_store_save(&store, &old));
    assert_int_equal(count_installations(store.db), 2);

    installation_store_found found;
    assert_ok(store.db, installation_store_find_installation(
                            &store, NULL, "T1", NULL, false, &found));
    assert_string_equal(found.installation.bot_token, "xoxb-new");
    installation_store_found_free(&found);
}

static void test_null_ids_compare_as_is_null(void **state)
{
    installation_store store = open_store(state, "C1");
    slack_installation in_org = an_installation("T1", "U1", "xoxb-org", T0);
    in_org.enterprise_id = "E1";
    slack_installation plain = an_installation("T1", "U1", "xoxb-plain", T0);
    assert_ok(store.db, installation_store_save(&store, &in_org));
    assert_ok(store.db, installation_store_save(&store, &plain));
    /* Same team and installed_at, but NULL enterprise is another row. */
    assert_int_equal(count_installations(store.db), 2);

    installation_store_found found;
    assert_ok(store.db, installation_store_find_installation(
                            &store, NULL, "T1", NULL, false, &found));
    assert_null(found.installation.enterprise_id);
    assert_string_equal(found.installation.bot_token, "xoxb-plain");
    installation_store_found_free(&found);
    assert_ok(store.db, installation_store_find_installation(
                            &store, "E1", "T1", NULL, false, &found));
    assert_string_equal(found.installation.bot_token, "xoxb-org");
    installation_store_found_free(&found);
}

static void test_user_only_installation_writes_its_bot_row(void **state)
{
    installation_store store = open_store(state, "C1");
    slack_installation inst = an_installation("T1", "U1", NULL, T0);
    assert_ok(store.db, installation_store_save(&store, &inst));
    assert_int_equal(count_bots(store.db), 1);
    /* ... which has no token, so it is not a bot to find. */
    slack_bot bot;
    assert_int_equal(
        installation_store_find_bot(&store, NULL, "T1", false, &bot),
        ORMC_NOT_FOUND);
}

static void test_find_bot_takes_the_newest_with_a_token(void **state)
{
    installation_store store = open_store(state, "C1");
    slack_bot first = a_bot("T1", "xoxb-1", T0);
    slack_bot second = a_bot("T1", "xoxb-2", T0 + SECOND);
    slack_bot tokenless = a_bot("T1", NULL, T0 + 2 * SECOND);
    slack_bot other_team = a_bot("T2", "xoxb-other", T0 + 3 * SECOND);
    assert_ok(store.db, installation_store_save_bot(&store, &first));
    assert_ok(store.db, installation_store_save_bot(&store, &second));
    assert_ok(store.db, installation_store_save_bot(&store, &tokenless));
    assert_ok(store.db, installation_store_save_bot(&store, &other_team));

    slack_bot bot;
    assert_ok(store.db,
              installation_store_find_bot(&store, NULL, "T1", false, &bot));
    assert_string_equal(bot.bot_token, "xoxb-2");
    slack_bot_free(&bot);
}

static void test_enterprise_install_ignores_the_team(void **state)
{
    installation_store store = open_store(state, "C1");
    slack_bot org_wide = a_bot(NULL, "xoxb-org", T0);
    org_wide.enterprise_id = "E1";
    org_wide.is_enterprise_install = true;
    assert_ok(store.db, installation_store_save_bot(&store, &org_wide));

    slack_bot bot;
    assert_ok(store.db,
              installation_store_find_bot(&store, "E1", "T-any", true, &bot));
    assert_string_equal(bot.bot_token, "xoxb-org");
    assert_true(bot.is_enterprise_install);
    slack_bot_free(&bot);
    /* Without the flag, the team counts and there is no bot for it. */
    assert_int_equal(
        installation_store_find_bot(&store, "E1", "T-any", false, &bot),
        ORMC_NOT_FOUND);
    /* An absent team is NULL too. */
    assert_ok(store.db,
              installation_store_find_bot(&store, "E1", NULL, false, &bot));
    slack_bot_free(&bot);
}

static void test_rotated_bot_token_wins_for_a_user(void **state)
{
    installation_store store = open_store(state, "C1");
    slack_installation inst = an_installation("T1", "U1", "xoxb-1", T0);
    assert_ok(store.db, installation_store_save(&store, &inst));
    slack_bot rotated = a_bot("T1", "xoxb-rotated", T0 + SECOND);
    rotated.bot_scopes = "chat:write,users:read";
    assert_ok(store.db, installation_store_save_bot(&store, &rotated));

    installation_store_found found;
    assert_ok(store.db, installation_store_find_installation(
                            &store, NULL, "T1", "U1", false, &found));
    assert_string_equal(found.installation.user_id, "U1");
    assert_string_equal(found.installation.bot_token, "xoxb-rotated");
    assert_string_equal(found.installation.bot_scopes, "chat:write,users:read");
    installation_store_found_free(&found);

    /* Without a user, an installation with a token keeps its own. */
    assert_ok(store.db, installation_store_find_installation(
                            &store, NULL, "T1", NULL, false, &found));
    assert_string_equal(found.installation.bot_token, "xoxb-1");
    installation_store_found_free(&found);
}

static void test_user_level_install_gets_the_bot_token(void **state)
{
    installation_store store = open_store(state, "C1");
    slack_installation admin = an_installation("T1", "U1", "xoxb-1", T0);
    assert_ok(store.db, installation_store_save(&store, &admin));
    slack_installation alice = an_installation("T1", "U2", NULL, T0 + SECOND);
    alice.user_token = "xoxp-alice";
    assert_ok(store.db, installation_store_save(&store, &alice));

    installation_store_found found;
    assert_ok(store.db, installation_store_find_installation(
                            &store, NULL, "T1", "U2", false, &found));
    assert_string_equal(found.installation.user_token, "xoxp-alice");
    assert_string_equal(found.installation.bot_token, "xoxb-1");
    assert_string_equal(found.installation.bot_user_id, "U0BOT");
    installation_store_found_free(&found);

    /* The newest installation of the workspace has no token: it too gets
     * the bot's. */
    assert_ok(store.db, installation_store_find_installation(
                            &store, NULL, "T1", NULL, false, &found));
    assert_string_equal(found.installation.user_id, "U2");
    assert_string_equal(found.installation.bot_token, "xoxb-1");
    installation_store_found_free(&found);
}

static void test_store_is_scoped_to_its_client_id(void **state)
{
    installation_store mine = open_store(state, "C1");
    installation_store theirs = open_store(state, "C2");
    slack_installation inst = an_installation("T1", "U1", "xoxb-theirs", T0);
    assert_ok(theirs.db, installation_store_save(&theirs, &inst));

    installation_store_found found;
    assert_int_equal(installation_store_find_installation(&mine, NULL, "T1",
                                                          NULL, false, &found),
                     ORMC_NOT_FOUND);
    slack_bot bot;
    assert_int_equal(
        installation_store_find_bot(&mine, NULL, "T1", false, &bot),
        ORMC_NOT_FOUND);
    assert_ok(mine.db, installation_store_delete_all(&mine, NULL, "T1"));
    assert_int_equal(count_installations(mine.db), 1);
    assert_int_equal(count_bots(mine.db), 1);
}

static void test_delete_bot_and_installations(void **state)
{
    installation_store store = open_store(state, "C1");
    slack_installation u1 = an_installation("T1", "U1", "xoxb-1", T0);
    slack_installation u2 = an_installation("T1", "U2", "xoxb-1", T0 + SECOND);
    slack_installation other = an_installation("T2", "U1", "xoxb-2", T0);
    assert_ok(store.db, installation_store_save(&store, &u1));
    assert_ok(store.db, installation_store_save(&store, &u2));
    assert_ok(store.db, installation_store_save(&store, &other));
    assert_int_equal(count_installations(store.db), 3);
    assert_int_equal(count_bots(store.db), 3);

    assert_ok(store.db,
              installation_store_delete_installation(&store, NULL, "T1", "U2"));
    installation_store_found found;
    assert_int_equal(installation_store_find_installation(&store, NULL, "T1",
                                                          "U2", false, &found),
                     ORMC_NOT_FOUND);
    assert_ok(store.db, installation_store_find_installation(
                            &store, NULL, "T1", "U1", false, &found));
    installation_store_found_free(&found);

    assert_ok(store.db, installation_store_delete_bot(&store, NULL, "T1"));
    slack_bot bot;
    assert_int_equal(
        installation_store_find_bot(&store, NULL, "T1", false, &bot),
        ORMC_NOT_FOUND);
    assert_int_equal(count_bots(store.db), 1);

    assert_ok(store.db,
              installation_store_delete_installation(&store, NULL, "T1", NULL));
    assert_int_equal(count_installations(store.db), 1);

    assert_ok(store.db, installation_store_delete_all(&store, NULL, "T2"));
    assert_int_equal(count_installations(store.db), 0);
    assert_int_equal(count_bots(store.db), 0);
}

static void test_empty_scopes_are_stored_as_null(void **state)
{
    installation_store store = open_store(state, "C1");
    slack_installation inst = an_installation("T1", "U1", "xoxb-1", T0);
    inst.bot_scopes = "";
    inst.user_scopes = "";
    assert_ok(store.db, installation_store_save(&store, &inst));
    installation_store_found found;
    assert_ok(store.db, installation_store_find_installation(
                            &store, NULL, "T1", NULL, false, &found));
    assert_null(found.installation.bot_scopes);
    assert_null(found.installation.user_scopes);
    installation_store_found_free(&found);
    slack_bot bot;
    assert_ok(store.db,
              installation_store_find_bot(&store, NULL, "T1", false, &bot));
    assert_null(bot.bot_scopes);
    slack_bot_free(&bot);
}

static void test_unset_installed_at_is_now_in_utc(void **state)
{
    installation_store store = open_store(state, "C1");
    slack_installation inst = an_installation("T1", "U1", "xoxb-1", 0);
    inst.has_installed_at = false;
    ormc_time before = ormc_time_now();
    assert_ok(store.db, installation_store_save(&store, &inst));
    ormc_time after = ormc_time_now();
    installation_store_found found;
    assert_ok(store.db, installation_store_find_installation(
                            &store, NULL, "T1", NULL, false, &found));
    assert_true(found.installation.installed_at >= before);
    assert_true(found.installation.installed_at <= after);
    installation_store_found_free(&found);
}

/* On a connection in the default mode a find opens the transaction that the
 * following save joins: the save is durable once the caller commits, and
 * another connection sees nothing before. */
static void test_default_mode_saves_commit_with_the_caller(void **state)
{
    installation_store store = open_store(state, "C1");
    ormc_db *other = ormc_test_open_another();
    installation_store observer;
    assert_ok(other, installation_store_open(&observer, other, "C1"));

    slack_bot bot;
    assert_int_equal(
        installation_store_find_bot(&store, NULL, "T1", false, &bot),
        ORMC_NOT_FOUND);
    slack_installation inst = an_installation("T1", "U1", "xoxb-1", T0);
    assert_ok(store.db, installation_store_save(&store, &inst));
    assert_int_equal(ormc_test_tx_state(store.db), ORMC_TX_ACTIVE);
    assert_int_equal(
        installation_store_find_bot(&observer, NULL, "T1", false, &bot),
        ORMC_NOT_FOUND);
    assert_ok(other, ormc_rollback(other));

    assert_ok(store.db, ormc_commit(store.db));
    assert_ok(other,
              installation_store_find_bot(&observer, NULL, "T1", false, &bot));
    assert_string_equal(bot.bot_token, "xoxb-1");
    slack_bot_free(&bot);
    ormc_close(other);
}

/* A database of an older version (a column and an index that came later
 * are missing; a bot is stored): opening the store brings it up to date and
 * keeps the bot. */
static void test_open_brings_an_older_database_up(void **state)
{
    ormc_db *db = ormc_test_db(state);
    assert_ok(db, slack_schema_create(db));
    ormc_test_exec(db, "DROP INDEX slack_bots_idx");
    ormc_test_exec(db, "ALTER TABLE slack_bots DROP COLUMN "
                       "bot_token_expires_at");
    /* as slack_sdk writes it: its defaults are the application's */
    ormc_test_exec(db, "INSERT INTO slack_bots (client_id, app_id, team_id, "
                       "bot_token, is_enterprise_install, installed_at) "
                       "VALUES ('C1', 'A111', 'T1', 'xoxb-old', 1 = 0, "
                       "'2024-01-02 03:04:05')");
    assert_ok(db, ormc_commit(db));
    assert_int_equal(slack_schema_check(db), ORMC_SCHEMA_DRIFT);

    installation_store store;
    assert_ok(db, installation_store_open(&store, db, "C1"));
    assert_ok(db, slack_schema_check(db));
    slack_bot bot;
    assert_ok(db, installation_store_find_bot(&store, NULL, "T1", false, &bot));
    assert_string_equal(bot.bot_token, "xoxb-old");
    assert_false(bot.has_bot_token_expires_at);
    slack_bot_free(&bot);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ORMC_BACKEND_TEST(test_save_then_find_installation_and_bot),
        ORMC_BACKEND_TEST(test_open_brings_an_older_database_up),
        ORMC_BACKEND_TEST(test_save_same_installed_at_updates),
        ORMC_BACKEND_TEST(test_newer_installation_wins),
        ORMC_BACKEND_TEST(test_null_ids_compare_as_is_null),
        ORMC_BACKEND_TEST(test_user_only_installation_writes_its_bot_row),
        ORMC_BACKEND_TEST(test_find_bot_takes_the_newest_with_a_token),
        ORMC_BACKEND_TEST(test_enterprise_install_ignores_the_team),
        ORMC_BACKEND_TEST(test_rotated_bot_token_wins_for_a_user),
        ORMC_BACKEND_TEST(test_user_level_install_gets_the_bot_token),
        ORMC_BACKEND_TEST(test_store_is_scoped_to_its_client_id),
        ORMC_BACKEND_TEST(test_delete_bot_and_installations),
        ORMC_BACKEND_TEST(test_empty_scopes_are_stored_as_null),
        ORMC_BACKEND_TEST(test_unset_installed_at_is_now_in_utc),
        ORMC_BACKEND_TEST(test_default_mode_saves_commit_with_the_caller),
    };
    return ormc_test_run_backends("installation_store", tests);
}
