return schema "s" {
    table "t" {
        integer "a",
        integer "b",
        primary_key { "a", "c" },
        index { "b", "nmae" },
        unique { "zzz" },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/missing_column.lua:5: error: primary_key of table 't' names a missing column 'c' (did you mean 'a'?)
--! tests/gen/bad/missing_column.lua:6: error: index of table 't' names a missing column 'nmae'
--! tests/gen/bad/missing_column.lua:7: error: unique of table 't' names a missing column 'zzz'
--! ormc: 3 errors; no files written
