-- Queries SQLite refuses: its own message, against the query's line.
return schema "s" {
    table "t" { serial "id", text "name" },
    query "unknown_column" { returns = "many", sql = "SELECT nme FROM t" },
    query "unknown_table" { returns = "many", sql = "SELECT id FROM nope" },
    query "syntax" { returns = "many", sql = "SELEC id FROM t" },
    query "two" { returns = "exec", sql = "DELETE FROM t; DELETE FROM t" },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/query_sqlite_errors.lua:4: error: query "unknown_column": no such column: nme
--! tests/gen/bad/query_sqlite_errors.lua:5: error: query "unknown_table": no such table: nope
--! tests/gen/bad/query_sqlite_errors.lua:6: error: query "syntax": near "SELEC": syntax error
--! tests/gen/bad/query_sqlite_errors.lua:7: error: query "two": the text holds more than one statement
--! ormc: 4 errors; no files written
