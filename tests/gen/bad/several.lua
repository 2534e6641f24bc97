return schema "s" {
    table "t" {
        serial  "id",
        intger  "a",
        text    "b" { nullable = true },
        boolean "c" { default = "no" },
    },
    table "u" {
        text "x",
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/several.lua:4: error: unknown column type 'intger' (did you mean 'integer'?)
--! tests/gen/bad/several.lua:5: error: unknown option 'nullable' for column 'b' (columns are nullable unless not_null = true)
--! tests/gen/bad/several.lua:6: error: default of column 'c' (boolean) must be true or false, not string (write true or false)
--! tests/gen/bad/several.lua:8: error: table 'u' has no primary key (add serial "id", primary_key = true on a column, or primary_key { "a", "b" })
--! ormc: 4 errors; no files written
