-- Written by ormc pull 0.1.0 from the SQLite file /tmp/sa2.db. Edit it as your
-- own: see docs/pull.md for what a pull cannot know.
return schema "slack_sdk_sqlite" {
    table "slack_bots" {
        -- note: column "id": SQLite numbers this INTEGER PRIMARY KEY when an
        -- insert leaves it out; make it serial if the application relies on
        -- that
        bigint    "id"                    { primary_key = true },
        text      "client_id"             {
            not_null = true, sql_type = { sqlite = "VARCHAR(32)" },
        },
        text      "app_id"                {
            not_null = true, sql_type = { sqlite = "VARCHAR(32)" },
        },
        text      "enterprise_id"         {
            sql_type = { sqlite = "VARCHAR(32)" },
        },
        text      "enterprise_name"       {
            sql_type = { sqlite = "VARCHAR(200)" },
        },
        text      "team_id"               {
            sql_type = { sqlite = "VARCHAR(32)" },
        },
        text      "team_name"             {
            sql_type = { sqlite = "VARCHAR(200)" },
        },
        text      "bot_token"             {
            sql_type = { sqlite = "VARCHAR(200)" },
        },
        text      "bot_id"                {
            sql_type = { sqlite = "VARCHAR(32)" },
        },
        text      "bot_user_id"           {
            sql_type = { sqlite = "VARCHAR(32)" },
        },
        text      "bot_scopes"            {
            sql_type = { sqlite = "VARCHAR(1000)" },
        },
        text      "bot_refresh_token"     {
            sql_type = { sqlite = "VARCHAR(200)" },
        },
        timestamp "bot_token_expires_at"  {
            tz = false, sql_type = { sqlite = "DATETIME" },
        },
        boolean   "is_enterprise_install" {
            not_null = true, sql_type = { sqlite = "BOOLEAN" },
        },
        timestamp "installed_at"          {
            tz = false, not_null = true, sql_type = { sqlite = "DATETIME" },
        },
        index { "client_id", "enterprise_id", "team_id", "installed_at",
                name = "slack_bots_idx" },
    },

    table "slack_installations" {
        -- note: column "id": SQLite numbers this INTEGER PRIMARY KEY when an
        -- insert leaves it out; make it serial if the application relies on
        -- that
        bigint    "id"                     { primary_key = true },
        text      "client_id"              {
            not_null = true, sql_type = { sqlite = "VARCHAR(32)" },
        },
        text      "app_id"                 {
            not_null = true, sql_type = { sqlite = "VARCHAR(32)" },
        },
        text      "enterprise_id"          {
            sql_type = { sqlite = "VARCHAR(32)" },
        },
        text      "enterprise_name"        {
            sql_type = { sqlite = "VARCHAR(200)" },
        },
        text      "enterprise_url"         {
            sql_type = { sqlite = "VARCHAR(200)" },
        },
        text      "team_id"                {
            sql_type = { sqlite = "VARCHAR(32)" },
        },
        text      "team_name"              {
            sql_type = { sqlite = "VARCHAR(200)" },
        },
        text      "bot_token"              {
            sql_type = { sqlite = "VARCHAR(200)" },
        },
        text      "bot_id"                 {
            sql_type = { sqlite = "VARCHAR(32)" },
        },
        text      "bot_user_id"            {
            sql_type = { sqlite = "VARCHAR(32)" },
        },
        text      "bot_scopes"             {
            sql_type = { sqlite = "VARCHAR(1000)" },
        },
        text      "bot_refresh_token"      {
            sql_type = { sqlite = "VARCHAR(200)" },
        },
        timestamp "bot_token_expires_at"   {
            tz = false, sql_type = { sqlite = "DATETIME" },
        },
        text      "user_id"                {
            not_null = true, sql_type = { sqlite = "VARCHAR(32)" },
        },
        text      "user_token"             {
            sql_type = { sqlite = "VARCHAR(200)" },
        },
        text      "user_scopes"            {
            sql_type = { sqlite = "VARCHAR(1000)" },
        },
        text      "user_refresh_token"     {
            sql_type = { sqlite = "VARCHAR(200)" },
        },
        timestamp "user_token_expires_at"  {
            tz = false, sql_type = { sqlite = "DATETIME" },
        },
        text      "incoming_webhook_url"   {
            sql_type = { sqlite = "VARCHAR(200)" },
        },
        text      "incoming_webhook_channel" {
            sql_type = { sqlite = "VARCHAR(200)" },
        },
        text      "incoming_webhook_channel_id" {
            sql_type = { sqlite = "VARCHAR(200)" },
        },
        text      "incoming_webhook_configuration_url" {
            sql_type = { sqlite = "VARCHAR(200)" },
        },
        boolean   "is_enterprise_install"  {
            not_null = true, sql_type = { sqlite = "BOOLEAN" },
        },
        text      "token_type"             {
            sql_type = { sqlite = "VARCHAR(32)" },
        },
        timestamp "installed_at"           {
            tz = false, not_null = true, sql_type = { sqlite = "DATETIME" },
        },
        index { "client_id", "enterprise_id", "team_id", "user_id",
                "installed_at", name = "slack_installations_idx" },
    },
}
