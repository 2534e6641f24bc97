-- A schema for tables another tool created (docs/schema.md, "A database
-- another tool created"): a 32-bit serial key and a column referencing
-- it, SQL types of that tool's choosing, and defaults that live in the
-- application (server_default = false). The tests compile the output,
-- apply its DDL to SQLite and PostgreSQL and compare the catalog types.
return schema "shared" {
    table "account" {
        serial    "id"       { bits = 32 },
        text      "name"     { max = 32, not_null = true,
                               sql_type = "VARCHAR(32)" },
        text      "email"    { sql_type = { sqlite = "CLOB" } },
        boolean   "active"   { not_null = true, default = true,
                               server_default = false,
                               sql_type = { sqlite = "BOOLEAN" } },
        integer   "score"    { sql_type = { postgres = "int4" } },
        bigint    "visits"   { sql_type = { postgres = "int8" } },
        double    "ratio"    { sql_type = { sqlite = "FLOAT",
                                            postgres = "float8" } },
        timestamp "created"  { not_null = true, default = now, tz = false,
                               server_default = false,
                               sql_type = { sqlite = "DATETIME" } },
        timestamp "seen"     { default = now, server_default = true },
        uuid      "token"    { sql_type = { sqlite = "VARCHAR(36)" } },
        json      "prefs"    { sql_type = { postgres = "json" } },
        text      "note"     { default = "none", server_default = false },
    },

    table "session" {
        serial    "id",
        integer   "account_id" { references = "account.id", not_null = true,
                                 on_delete = "cascade" },
        text      "kind"     { sql_type = { postgres = "character varying(20)" } },
    },
}
