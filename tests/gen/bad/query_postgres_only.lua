-- A query that only PostgreSQL runs is read from its text, not prepared:
-- an expression needs a name and a type, a compound SELECT a SQLite text.
return schema "s" {
    table "t" { serial "id", text "name" },
    query "expression" {
        returns = "many", dialects = { "postgres" },
        sql = "SELECT id + 1 FROM t WHERE name ILIKE :p",
    },
    query "compound" {
        returns = "many", dialects = { "postgres" },
        sql = "SELECT id FROM t UNION SELECT id FROM t",
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/query_postgres_only.lua:5: error: query "expression": result column '?column?' is not a valid C identifier (name it with AS)
--! tests/gen/bad/query_postgres_only.lua:9: error: query "compound": cannot read the select list of its text (a compound SELECT, or no SELECT): give it a SQLite text too
--! ormc: 2 errors; no files written
