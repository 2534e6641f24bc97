-- serial on SQLite with and without AUTOINCREMENT (docs/generator.md,
-- "serial on SQLite"): plain has the default, an INTEGER PRIMARY KEY whose
-- newest key is given again once its row is deleted; kept has
-- autoincrement = true, whose keys never are. On PostgreSQL both are
-- identity columns. tests/schema/test_autoinc.c writes through both.
return schema "autoinc" {
    table "plain" {
        serial "id",
        text   "v",
    },

    table "kept" {
        serial "id" { autoincrement = true, bits = 32 },
        text   "v",
    },
}
