return schema "s" {
    table "t" {
        serial "id",
        text   "name" { not_nul = true },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/unknown_option.lua:4: error: unknown option 'not_nul' for column 'name' (did you mean 'not_null'?)
--! ormc: 1 error; no files written
