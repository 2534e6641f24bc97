-- Parameters and result columns whose type inference cannot tell, and
-- overrides that name nothing.
return schema "s" {
    table "t" { serial "id", text "name", integer "n" },
    query "param" {
        returns = "many",
        sql = "SELECT id FROM t WHERE n + :delta > 10",
    },
    query "column" { returns = "many", sql = "SELECT max(n) + 1 AS top FROM t" },
    query "clash" {
        returns = "many",
        sql = "SELECT id FROM t WHERE id = :x OR name = :x",
    },
    query "stale_overrides" {
        returns = "many",
        sql = "SELECT id FROM t",
        params = { gone = "bigint" },
        columns = { nope = { type = "text" } },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/query_types.lua:5: error: query "param": cannot tell the type of parameter ':delta' (add params = { delta = "type" })
--! tests/gen/bad/query_types.lua:9: error: query "column": cannot tell the type of result column 'top' (add columns = { top = { type = "..." } })
--! tests/gen/bad/query_types.lua:10: error: query "clash": parameter ':x' is compared with id (bigint) and name (text); say which with params = { x = "..." }
--! tests/gen/bad/query_types.lua:14: error: query "stale_overrides": params names 'gone', which the SQL does not use
--! tests/gen/bad/query_types.lua:14: error: query "stale_overrides": columns names 'nope', which is no result column
--! ormc: 5 errors; no files written
