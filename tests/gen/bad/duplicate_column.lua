return schema "s" {
    table "t" {
        serial "id",
        text   "name",
        text   "name",
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/duplicate_column.lua:5: error: duplicate column 'name' in table 't' (the first is at line 4)
--! ormc: 1 error; no files written
