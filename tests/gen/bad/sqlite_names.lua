return schema "s" {
    table "t" {
        sql_name = "sqlite_t",
        serial "id",
    },
    table "u" {
        serial "id",
        text   "sqlite_ok",
        index { "id", "sqlite_ok", name = "sqlite_x", unique = true },
    },
    table "sqlite_v" { serial "id" },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/sqlite_names.lua:2: error: the SQL name 'sqlite_t' of table 't' begins with sqlite_, which SQLite reserves (choose another name)
--! tests/gen/bad/sqlite_names.lua:9: error: the SQL name 'sqlite_x' of index of table 'u' begins with sqlite_, which SQLite reserves (choose another name)
--! tests/gen/bad/sqlite_names.lua:11: error: the SQL name 'sqlite_v' of table 'sqlite_v' begins with sqlite_, which SQLite reserves (rename it, or set sql_name to another SQL name)
--! ormc: 3 errors; no files written
