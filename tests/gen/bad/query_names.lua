-- Result columns that cannot be C fields.
return schema "s" {
    table "t" { serial "id", text "name" },
    table "u" { serial "id", bigint "t_id" },
    query "same" {
        returns = "many",
        sql = "SELECT t.id, u.id FROM t JOIN u ON u.t_id = t.id",
    },
    query "not_c" { returns = "one", sql = "SELECT count(*) FROM t" },
    query "keyword" { returns = "many", sql = "SELECT name AS int FROM t" },
    query "kinds" { returns = "exec", sql = "SELECT id FROM t" },
    query "no_rows" { returns = "many", sql = "DELETE FROM t" },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/query_names.lua:5: error: query "same": two result columns are named 'id' (rename one with AS)
--! tests/gen/bad/query_names.lua:9: error: query "not_c": result column 'count(*)' is not a valid C identifier (name it with AS)
--! tests/gen/bad/query_names.lua:10: error: query "keyword": result column 'int' is not a valid C identifier (name it with AS)
--! tests/gen/bad/query_names.lua:11: error: query "kinds": returns = "exec" but the statement returns 1 column
--! tests/gen/bad/query_names.lua:12: error: query "no_rows": returns = "many" but the statement returns no columns (use returns = "exec")
--! ormc: 5 errors; no files written
