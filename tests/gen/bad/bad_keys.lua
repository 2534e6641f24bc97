return schema "s" {
    table "t" {
        serial  "id",
        integer "a" { primary_key = true },
        integer "b" { unique = true },
        unique { "b" },
        index { "a", "a" },
    },
    table "u" {
        integer "x" { primary_key = true, not_null = false },
        serial  "y",
    },
    table "v" {
        text "k" { primary_key = true, on_delete = "cascade" },
        text "p" { references = "t.id", on_delete = "explode" },
        bigint "q" { references = "t.id", on_delete = "set_null", not_null = true },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/bad_keys.lua:4: error: table 't' has more than one primary key (the first is at line 3) (a composite key is written primary_key { "a", "b" })
--! tests/gen/bad/bad_keys.lua:6: error: unique constraint on (b) of table 't' repeats the one at line 5 (remove one of them)
--! tests/gen/bad/bad_keys.lua:7: error: index of table 't' names column 'a' twice
--! tests/gen/bad/bad_keys.lua:10: error: primary key column 'x' cannot be nullable (remove not_null = false)
--! tests/gen/bad/bad_keys.lua:11: error: table 'u' has more than one primary key (the first is at line 10) (a composite key is written primary_key { "a", "b" })
--! tests/gen/bad/bad_keys.lua:14: error: column 'k' has on_delete but no references (on_delete belongs with references)
--! tests/gen/bad/bad_keys.lua:15: error: on_delete of column 'p' cannot be 'explode' (use one of cascade, restrict, set_null, set_default, no_action)
--! tests/gen/bad/bad_keys.lua:15: error: column 'p' of table 'v' is text but references 't.id', which is serial (make 'p' bigint)
--! tests/gen/bad/bad_keys.lua:16: error: column 'q' is not null, so on_delete cannot be set_null (make the column nullable, or use cascade)
--! ormc: 9 errors; no files written
