-- A query declaration's own mistakes.
return schema "s" {
    table "t" { serial "id" },
    query "no_returns" { sql = "SELECT id FROM t" },
    query "bad_returns" { returns = "all", sql = "SELECT id FROM t" },
    query "no_sql" { returns = "many" },
    query "half" { returns = "many", sql = { sqlite = "SELECT id FROM t" } },
    query "bad_type" { returns = "many", sql = "SELECT id FROM t",
                       params = { x = "varchar" } },
    query "Bad" { returns = "many", sql = "SELECT id FROM t" },
    query "dup" { returns = "many", sql = "SELECT id FROM t" },
    query "dup" { returns = "many", sql = "SELECT id FROM t" },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/query_options.lua:4: error: query "no_returns": says nothing of what it returns (returns = "one", "many" or "exec")
--! tests/gen/bad/query_options.lua:5: error: query "bad_returns": unknown returns 'all' (returns = "one", "many" or "exec")
--! tests/gen/bad/query_options.lua:6: error: query "no_sql": has no sql (sql = [[ SELECT ... ]])
--! tests/gen/bad/query_options.lua:7: error: query "half": sql has no postgres text (give one, or leave postgres out of dialects)
--! tests/gen/bad/query_options.lua:8: error: query "bad_type": parameter 'x': unknown type 'varchar' (the types are integer, bigint, double, boolean, text, blob, timestamp, json, uuid)
--! tests/gen/bad/query_options.lua:10: error: query name 'Bad' is not a valid name (did you mean 'bad'?)
--! tests/gen/bad/query_options.lua:12: error: duplicate query 'dup' (the first is at line 11)
--! ormc: 7 errors; no files written
