-- Queries of one dialect: what `dialects` and `sql` must say.
return schema "s" {
    table "t" { serial "id", text "name" },
    query "nowhere" {
        returns = "many", dialects = { "mysql" }, sql = "SELECT id FROM t",
    },
    query "none" { returns = "many", dialects = {}, sql = "SELECT id FROM t" },
    query "extra" {
        returns = "many", dialects = { "postgres" },
        sql = { sqlite = "SELECT id FROM t", postgres = "SELECT id FROM t" },
    },
    query "missing" {
        returns = "many", dialects = { "sqlite", "postgres" },
        sql = { postgres = "SELECT id FROM t" },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/query_dialects.lua:4: error: query "nowhere": dialects: unknown dialect 'mysql' (dialects = { "sqlite" } or { "postgres" })
--! tests/gen/bad/query_dialects.lua:7: error: query "none": dialects lists no dialect (dialects = { "sqlite" } or { "postgres" })
--! tests/gen/bad/query_dialects.lua:8: error: query "extra": sql has a sqlite text, which dialects leaves out
--! tests/gen/bad/query_dialects.lua:12: error: query "missing": sql has no sqlite text (give one, or leave sqlite out of dialects)
--! ormc: 4 errors; no files written
