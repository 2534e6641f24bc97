/*
 * installation_store.c: slack_sdk's installation store on the generated API
 * of schema/slack.lua. No SQL and no binding here: queries are built with
 * the typed builders, in which a NULL text value compares as IS NULL.
 */
#include "installation_store.h"

#include <string.h>

int installation_store_open(installation_store *store, ormc_db *db,
                            const char *client_id)
{
    store->db = db;
    store->client_id = client_id;
    /* Creates the tables when missing, and brings those of an older
     * version of the schema up to date (new columns, indexes, renames). */
    return slack_schema_migrate(db, 0);
}

/* Scopes are comma-joined; an empty list is stored as NULL. */
static const char *scopes_or_null(const char *scopes)
{
    return scopes && *scopes ? scopes : NULL;
}

/* slack_sdk scopes an org-wide install (and a missing team) to no team. */
static const char *workspace_team(const char *team_id,
                                  bool is_enterprise_install)
{
    return is_enterprise_install ? NULL : team_id;
}

/* The bot part of an installation, as slack_sdk's Installation.to_bot(). */
static slack_bot bot_of(const slack_installation *inst)
{
    slack_bot bot = SLACK_BOT_INIT;
    bot.app_id = inst->app_id;
    bot.enterprise_id = inst->enterprise_id;
    bot.enterprise_name = inst->enterprise_name;
    bot.team_id = inst->team_id;
    bot.team_name = inst->team_name;
    bot.bot_token = inst->bot_token;
    bot.bot_id = inst->bot_id;
    bot.bot_user_id = inst->bot_user_id;
    bot.bot_scopes = inst->bot_scopes;
    bot.bot_refresh_token = inst->bot_refresh_token;
    bot.has_bot_token_expires_at = inst->has_bot_token_expires_at;
    bot.bot_token_expires_at = inst->bot_token_expires_at;
    bot.is_enterprise_install = inst->is_enterprise_install;
    bot.has_installed_at = inst->has_installed_at;
    bot.installed_at = inst->installed_at;
    return bot;
}

/* Insert the bot, or update the row with the same workspace and
 * installed_at. Runs in the caller's transaction. */
static int save_bot_row(installation_store *store, const slack_bot *in)
{
    slack_bot bot = *in;
    bot.id = 0;
    bot.client_id = store->client_id;
    bot.bot_scopes = scopes_or_null(bot.bot_scopes);
    bot.ormc_owned = NULL;
    if (!bot.has_installed_at) {
        bot.has_installed_at = true;
        bot.installed_at = ormc_time_now();
    }

    slack_bot_query q;
    slack_bot_query_init(&q);
    slack_bot_where_client_id(&q, ORMC_EQ, bot.client_id);
    slack_bot_where_enterprise_id(&q, ORMC_EQ, bot.enterprise_id);
    slack_bot_where_team_id(&q, ORMC_EQ, bot.team_id);
    slack_bot_where_installed_at(&q, ORMC_EQ, bot.installed_at);
    slack_bot existing;
    int rc = slack_bot_first(store->db, &q, &existing);
    slack_bot_query_free(&q);

    if (rc == ORMC_OK) {
        bot.id = existing.id;
        slack_bot_free(&existing);
        return slack_bot_update(store->db, &bot);
    }
    if (rc == ORMC_NOT_FOUND)
        return slack_bot_insert(store->db, &bot);
    return rc;
}

static int save_installation_row(installation_store *store,
                                 slack_installation *inst)
{
    slack_installation_query q;
    slack_installation_query_init(&q);
    slack_installation_where_client_id(&q, ORMC_EQ, inst->client_id);
    slack_installation_where_enterprise_id(&q, ORMC_EQ, inst->enterprise_id);
    slack_installation_where_team_id(&q, ORMC_EQ, inst->team_id);
    slack_installation_where_installed_at(&q, ORMC_EQ, inst->installed_at);
    slack_installation existing;
    int rc = slack_installation_first(store->db, &q, &existing);
    slack_installation_query_free(&q);

    if (rc == ORMC_OK) {
        inst->id = existing.id;
        slack_installation_free(&existing);
        return slack_installation_update(store->db, inst);
    }
    if (rc == ORMC_NOT_FOUND)
        return slack_installation_insert(store->db, inst);
    return rc;
}

typedef struct save_job {
    installation_store *store;
    const slack_installation *installation; /* NULL: bot only */
    const slack_bot *bot;
} save_job;

static int run_save(ormc_db *db, void *ctx)
{
    (void)db;
    const save_job *job = ctx;
    if (!job->installation)
        return save_bot_row(job->store, job->bot);

    slack_installation inst = *job->installation;
    inst.id = 0;
    inst.client_id = job->store->client_id;
    inst.bot_scopes = scopes_or_null(inst.bot_scopes);
    inst.user_scopes = scopes_or_null(inst.user_scopes);
    inst.ormc_owned = NULL;
    if (!inst.has_installed_at) {
        inst.has_installed_at = true;
        inst.installed_at = ormc_time_now();
    }
    int rc = save_installation_row(job->store, &inst);
    if (rc != ORMC_OK)
        return rc;
    slack_bot bot = bot_of(&inst);
    return save_bot_row(job->store, &bot);
}

int installation_store_save(installation_store *store,
                            const slack_installation *inst)
{
    save_job job = {store, inst, NULL};
    return ormc_transaction(store->db, NULL, run_save, &job);
}

int installation_store_save_bot(installation_store *store, const slack_bot *bot)
{
    save_job job = {store, NULL, bot};
    return ormc_transaction(store->db, NULL, run_save, &job);
}

int installation_store_find_bot(installation_store *store,
                                const char *enterprise_id, const char *team_id,
                                bool is_enterprise_install, slack_bot *bot)
{
    slack_bot_query q;
    slack_bot_query_init(&q);
    slack_bot_where_client_id(&q, ORMC_EQ, store->client_id);
    slack_bot_where_enterprise_id(&q, ORMC_EQ, enterprise_id);
    slack_bot_where_team_id(&q, ORMC_EQ,
                            workspace_team(team_id, is_enterprise_install));
    slack_bot_where_bot_token(&q, ORMC_IS_NOT_NULL, NULL);
    slack_bot_order_by(&q, SLACK_BOT_INSTALLED_AT, ORMC_DESC);
    int rc = slack_bot_first(store->db, &q, bot);
    slack_bot_query_free(&q);
    return rc;
}

/* Take the bot fields of inst from bot (which keeps owning them). */
static void use_bot_fields(slack_installation *inst, const slack_bot *bot)
{
    inst->bot_token = bot->bot_token;
    inst->bot_id = bot->bot_id;
    inst->bot_user_id = bot->bot_user_id;
    inst->bot_scopes = bot->bot_scopes;
    inst->bot_refresh_token = bot->bot_refresh_token;
    inst->has_bot_token_expires_at = bot->has_bot_token_expires_at;
    inst->bot_token_expires_at = bot->bot_token_expires_at;
}

int installation_store_find_installation(installation_store *store,
                                         const char *enterprise_id,
                                         const char *team_id,
                                         const char *user_id,
                                         bool is_enterprise_install,
                                         installation_store_found *out)
{
    memset(out, 0, sizeof *out);
    const char *team = workspace_team(team_id, is_enterprise_install);

    slack_installation_query q;
    slack_installation_query_init(&q);
    slack_installation_where_client_id(&q, ORMC_EQ, store->client_id);
    slack_installation_where_enterprise_id(&q, ORMC_EQ, enterprise_id);
    slack_installation_where_team_id(&q, ORMC_EQ, team);
    if (user_id)
        slack_installation_where_user_id(&q, ORMC_EQ, user_id);
    slack_installation_order_by(&q, SLACK_INSTALLATION_INSTALLED_AT, ORMC_DESC);
    int rc = slack_installation_first(store->db, &q, &out->installation);
    slack_installation_query_free(&q);
    if (rc != ORMC_OK)
        return rc;

    slack_installation *inst = &out->installation;
    if (!user_id && inst->bot_token)
        return ORMC_OK;
    rc = installation_store_find_bot(store, enterprise_id, team,
                                     is_enterprise_install, &out->bot);
    if (rc == ORMC_NOT_FOUND)
        return ORMC_OK;
    if (rc != ORMC_OK) {
        installation_store_found_free(out);
        return rc;
    }
    if (!inst->bot_token || strcmp(inst->bot_token, out->bot.bot_token) != 0)
        use_bot_fields(inst, &out->bot);
    return ORMC_OK;
}

void installation_store_found_free(installation_store_found *found)
{
    if (!found)
        return;
    slack_installation_free(&found->installation);
    slack_bot_free(&found->bot);
}

/* Delete the workspace's bot rows in the current transaction. */
static int delete_bots(installation_store *store, const char *enterprise_id,
                       const char *team_id)
{
    slack_bot_query q;
    slack_bot_query_init(&q);
    slack_bot_where_client_id(&q, ORMC_EQ, store->client_id);
    slack_bot_where_enterprise_id(&q, ORMC_EQ, enterprise_id);
    slack_bot_where_team_id(&q, ORMC_EQ, team_id);
    int rc = slack_bot_delete_where(store->db, &q, NULL);
    slack_bot_query_free(&q);
    return rc;
}

static int delete_installations(installation_store *store,
                                const char *enterprise_id, const char *team_id,
                                const char *user_id)
{
    slack_installation_query q;
    slack_installation_query_init(&q);
    slack_installation_where_client_id(&q, ORMC_EQ, store->client_id);
    slack_installation_where_enterprise_id(&q, ORMC_EQ, enterprise_id);
    slack_installation_where_team_id(&q, ORMC_EQ, team_id);
    if (user_id)
        slack_installation_where_user_id(&q, ORMC_EQ, user_id);
    int rc = slack_installation_delete_where(store->db, &q, NULL);
    slack_installation_query_free(&q);
    return rc;
}

typedef struct delete_job {
    installation_store *store;
    const char *enterprise_id, *team_id, *user_id;
    bool installations, bots;
} delete_job;

static int run_delete(ormc_db *db, void *ctx)
{
    (void)db;
    const delete_job *job = ctx;
    int rc = ORMC_OK;
    if (job->installations)
        rc = delete_installations(job->store, job->enterprise_id, job->team_id,
                                  job->user_id);
    if (rc == ORMC_OK && job->bots)
        rc = delete_bots(job->store, job->enterprise_id, job->team_id);
    return rc;
}

int installation_store_delete_bot(installation_store *store,
                                  const char *enterprise_id,
                                  const char *team_id)
{
    delete_job job = {store, enterprise_id, team_id, NULL, false, true};
    return ormc_transaction(store->db, NULL, run_delete, &job);
}

int installation_store_delete_installation(installation_store *store,
                                           const char *enterprise_id,
                                           const char *team_id,
                                           const char *user_id)
{
    delete_job job = {store, enterprise_id, team_id, user_id, true, false};
    return ormc_transaction(store->db, NULL, run_delete, &job);
}

int installation_store_delete_all(installation_store *store,
                                  const char *enterprise_id,
                                  const char *team_id)
{
    delete_job job = {store, enterprise_id, team_id, NULL, true, true};
    return ormc_transaction(store->db, NULL, run_delete, &job);
}
