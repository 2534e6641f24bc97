-- The Slack app installation store, column for column as slack_sdk's
-- SQLAlchemyInstallationStore defines it (slack_sdk/oauth/installation_store/
-- sqlalchemy): the same table, column and index names, types, lengths,
-- nullability and defaults, so that ormc and a Python app can share one
-- database. SQLAlchemy's DateTime has no time zone, hence tz = false; its
-- Integer primary key is a 32-bit serial, hence bits = 32; its defaults
-- (is_enterprise_install, installed_at) live in the application, not in
-- the tables, hence server_default = false: the generated insert fills
-- them in. The tables SQLAlchemy creates pass the drift check
-- (docs/schema-check.md); what they spell otherwise (VARCHAR(32),
-- DATETIME, BOOLEAN on SQLite) holds the same values.
-- The tokens and the webhook URL (which carries one) are secret = true:
-- ORMC_TRACE=params and error messages show them as ***.
return schema "slack" {
    doc = "Slack app installations: bot and user tokens per workspace.",

    table "installation" {
        sql_name = "slack_installations",
        doc = "One row per installation of the app by a user; the newest "
            .. "row for a workspace (and user) wins.",
        serial    "id"            { bits = 32 },
        text      "client_id"     { max = 32, not_null = true,
                                    doc = "The app's OAuth client ID." },
        text      "app_id"        { max = 32, not_null = true },
        text      "enterprise_id" { max = 32,
                                    doc = "Enterprise Grid org; NULL outside one." },
        text      "enterprise_name" { max = 200 },
        text      "enterprise_url"  { max = 200 },
        text      "team_id"       { max = 32,
                                    doc = "Workspace; NULL for an org-wide install." },
        text      "team_name"     { max = 200 },
        text      "bot_token"     { max = 200, secret = true },
        text      "bot_id"        { max = 32 },
        text      "bot_user_id"   { max = 32 },
        text      "bot_scopes"    { max = 1000, doc = "Comma-separated scopes." },
        text      "bot_refresh_token" { max = 200, secret = true },
        timestamp "bot_token_expires_at" { tz = false },
        text      "user_id"       { max = 32, not_null = true },
        text      "user_token"    { max = 200, secret = true },
        text      "user_scopes"   { max = 1000 },
        text      "user_refresh_token" { max = 200, secret = true },
        timestamp "user_token_expires_at" { tz = false },
        text      "incoming_webhook_url" { max = 200, secret = true },
        text      "incoming_webhook_channel" { max = 200 },
        text      "incoming_webhook_channel_id" { max = 200 },
        text      "incoming_webhook_configuration_url" { max = 200 },
        boolean   "is_enterprise_install" { not_null = true, default = false,
                                            server_default = false },
        text      "token_type"    { max = 32 },
        timestamp "installed_at"  { not_null = true, default = now, tz = false,
                                    server_default = false },
        index { "client_id", "enterprise_id", "team_id", "user_id",
                "installed_at", name = "slack_installations_idx",
                doc = "find_installation: the latest row per workspace and user." },
    },

    table "bot" {
        sql_name = "slack_bots",
        doc = "One row per bot installation; the newest row with a token wins.",
        serial    "id"            { bits = 32 },
        text      "client_id"     { max = 32, not_null = true },
        text      "app_id"        { max = 32, not_null = true },
        text      "enterprise_id" { max = 32 },
        text      "enterprise_name" { max = 200 },
        text      "team_id"       { max = 32 },
        text      "team_name"     { max = 200 },
        text      "bot_token"     { max = 200, secret = true },
        text      "bot_id"        { max = 32 },
        text      "bot_user_id"   { max = 32 },
        text      "bot_scopes"    { max = 1000 },
        text      "bot_refresh_token" { max = 200, secret = true },
        timestamp "bot_token_expires_at" { tz = false },
        boolean   "is_enterprise_install" { not_null = true, default = false,
                                            server_default = false },
        timestamp "installed_at"  { not_null = true, default = now, tz = false,
                                    server_default = false },
        index { "client_id", "enterprise_id", "team_id", "installed_at",
                name = "slack_bots_idx",
                doc = "find_bot: the latest bot per workspace." },
    },

    -- A typed SQL query (docs/queries.md); bench/ measures it as W8.
    query "team_bot_counts" {
        doc = "The bots of an app in a workspace outside Enterprise Grid, "
            .. "with their installations: how many, how many have a refresh "
            .. "token, and the newest: a join with a GROUP BY.",
        returns = "many",
        sql = [[
            SELECT b.team_id, b.team_name, count(*) AS bots,
                   count(i.bot_refresh_token) AS refreshable,
                   max(i.id) AS newest_installation_id
            FROM slack_bots b
            JOIN slack_installations i ON i.id = b.id
            WHERE b.client_id = :client_id AND b.enterprise_id IS NULL
              AND b.team_id = :team_id
            GROUP BY b.team_id, b.team_name
            ORDER BY b.team_name
            LIMIT :n
        ]],
        columns = { newest_installation_id = { type = "integer",
                                               not_null = true } },
    },
}
