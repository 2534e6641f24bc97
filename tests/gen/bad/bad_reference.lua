return schema "s" {
    table "parent" {
        serial "id",
        text   "code" { max = 8 },
    },
    table "child" {
        serial  "id",
        bigint  "a" { references = "parnet.id" },
        bigint  "b" { references = "parent.idd" },
        integer "c" { references = "parent.id" },
        text    "d" { references = "parent.code" },
        bigint  "e" { references = "parent" },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/bad_reference.lua:8: error: column 'a' of table 'child' references a missing table 'parnet' (did you mean 'parent'?)
--! tests/gen/bad/bad_reference.lua:9: error: column 'b' of table 'child' references a missing column 'parent.idd' (did you mean 'id'?)
--! tests/gen/bad/bad_reference.lua:10: error: column 'c' of table 'child' is integer but references 'parent.id', which is serial (make 'c' bigint)
--! tests/gen/bad/bad_reference.lua:11: error: column 'd' of table 'child' references 'parent.code', which is neither the primary key nor unique (reference the primary key, or make the column unique)
--! tests/gen/bad/bad_reference.lua:12: error: references of column 'e' must name a table and a column (write references = "table.column")
--! ormc: 5 errors; no files written
