return schema "s" {
    table "t" { serial "id" },
    table "t" { serial "id" },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/duplicate_table.lua:3: error: duplicate table 't' (the first is at line 2)
--! ormc: 1 error; no files written
