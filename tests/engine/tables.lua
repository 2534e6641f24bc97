-- The tables of the engine and data tests. The test build generates their
-- descriptors and row structs from this file (tests/engine/CMakeLists.txt),
-- as an application's would be: tables.h adds only the column indexes and
-- short names the tests use.
--
--   bot    slack_bots: a serial key, texts with max, now-defaulted time
--   kind   every column type, nullable and not, a uuid key, enums
--   order  a serial key and a unique text code
--   line   a composite key; order_id references order.id
--   node   a nullable reference to its own table
--
-- The table with quotes in its names (odd) is in tables.c, written by hand:
-- the DSL refuses such names on purpose.
return schema "test" {
    doc = "The tables of the engine and data tests.",

    table "bot" {
        sql_name = "slack_bots",
        serial    "id",
        text      "client_id"     { max = 32, not_null = true },
        text      "app_id"        { max = 32, not_null = true },
        text      "enterprise_id" { max = 32 },
        text      "team_id"       { max = 32 },
        text      "bot_token"     { max = 200 },
        text      "bot_scopes"    { max = 1000 },
        timestamp "bot_token_expires_at",
        boolean   "is_enterprise_install" { not_null = true, default = false },
        timestamp "installed_at"  { not_null = true, default = now },
        index { "client_id", "enterprise_id", "team_id", "installed_at" },
    },

    table "kind" {
        sql_name = "kinds",
        uuid      "id"     { primary_key = true },
        integer   "n_int"  { not_null = true, unique = true },
        bigint    "n_big",
        double    "ratio",
        boolean   "flag"   { not_null = true },
        text      "name"   { max = 8, not_null = true },
        text      "note",
        blob      "data",
        timestamp "at"     { not_null = true, tz = false },
        json      "meta",
        enum      "status" { values = { "new", "active", "closed" },
                             not_null = true },
        enum      "level"  { values = { "new", "active", "closed" } },
        unique { "name", "at", name = "kinds_name_at_key" },
    },

    table "order" {
        sql_name = "orders",
        serial    "id",
        text      "code"   { max = 32, not_null = true, unique = true },
        text      "note",
    },

    table "line" {
        sql_name = "lines",
        bigint    "order_id"   { not_null = true, references = "order.id" },
        integer   "line_no"    { not_null = true },
        text      "sku"        { max = 3, not_null = true },
        integer   "qty"        { not_null = true },
        text      "order_code" { max = 32, references = "order.code" },
        primary_key { "order_id", "line_no" },
    },

    table "node" {
        sql_name = "nodes",
        serial    "id",
        bigint    "parent_id" { references = "node.id" },
        text      "label"     { max = 5, not_null = true, unique = true },
    },

}
