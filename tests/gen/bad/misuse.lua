return schema "s" {
    table { serial "id" },
    table "t" {
        serial "id",
        text { max = 3 },
        text "a" "b",
        index "a",
        "stray",
    },
    table "u",
    text "outside",
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/misuse.lua:2: error: a table needs a name (write table "name" { ... })
--! tests/gen/bad/misuse.lua:3: error: item 5 of table 't' is a string (a table holds columns, index, unique, primary_key and foreign_key entries)
--! tests/gen/bad/misuse.lua:5: error: a text column needs a name (write text "name")
--! tests/gen/bad/misuse.lua:6: error: options of column 'a' must be a table (write text "a" { option = value, ... })
--! tests/gen/bad/misuse.lua:7: error: index takes a table of column names (write index { "column", ... })
--! tests/gen/bad/misuse.lua:10: error: table 'u' has no body (write table "u" { ... })
--! tests/gen/bad/misuse.lua:11: error: column 'outside' is declared outside any table (columns belong in a table { ... })
--! ormc: 7 errors; no files written
