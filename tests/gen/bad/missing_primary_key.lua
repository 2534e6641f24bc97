return schema "s" {
    table "t" {
        text "name",
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/missing_primary_key.lua:2: error: table 't' has no primary key (add serial "id", primary_key = true on a column, or primary_key { "a", "b" })
--! ormc: 1 error; no files written
