-- The first version of a schema that tests/gen/test_diff.lua migrates to
-- v2.lua, with rows in it. It keeps the CHECK of each max in SQLite's
-- tables (checks = "database"); v2.lua has the default, so the migration
-- drops them. Its authors keep AUTOINCREMENT in both versions, so that a
-- key freed before the migration is not given again after it.
return schema "shelf" {
    checks = "database",

    table "author" {
        sql_name = "authors",
        serial  "id"      { autoincrement = true },
        text    "name"    { max = 100, not_null = true },
        text    "country" {},
        integer "born"    {},
        index { "name" },
    },

    table "book" {
        sql_name = "books",
        serial  "id"        {},
        bigint  "author_id" { not_null = true, references = "author.id",
                              on_delete = "cascade" },
        text    "title"     { not_null = true },
        integer "pages"     {},
        enum    "format"    { values = { "paper", "ebook" }, not_null = true,
                              default = "paper" },
        text    "isbn"      { max = 13 },
        index { "title" },
    },

    table "note" {
        sql_name = "notes",
        serial "id"   {},
        text   "body" {},
    },
}
