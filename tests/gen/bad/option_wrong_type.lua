return schema "s" {
    table "t" {
        serial  "id",
        integer "qty" { max = 5 },
        text    "name" { tz = false, not_null = "yes" },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/option_wrong_type.lua:4: error: option 'max' does not apply to column 'qty' (integer) ('max' is for text columns)
--! tests/gen/bad/option_wrong_type.lua:5: error: option 'not_null' of column 'name' must be a boolean, not string
--! tests/gen/bad/option_wrong_type.lua:5: error: option 'tz' does not apply to column 'name' (text) ('tz' is for timestamp columns)
--! ormc: 3 errors; no files written
