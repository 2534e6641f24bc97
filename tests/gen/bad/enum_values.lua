return schema "s" {
    table "t" {
        serial "id",
        enum   "a",
        enum   "b" { values = { "x", "y", "x" } },
        enum   "c" { values = { "in-progress", "in_progress" } },
        enum   "d" { values = { "x" }, default = "z" },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/enum_values.lua:4: error: enum column 'a' has no values (write enum "a" { values = { "a", "b" } })
--! tests/gen/bad/enum_values.lua:5: error: enum column 'b' lists the value 'x' twice (each value must appear once)
--! tests/gen/bad/enum_values.lua:6: error: values 'in-progress' and 'in_progress' of enum column 'c' both become the C name IN_PROGRESS (rename one of them)
--! tests/gen/bad/enum_values.lua:7: error: default 'z' of column 'd' is not one of its values (did you mean 'x'?)
--! ormc: 4 errors; no files written
