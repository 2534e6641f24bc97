return schema "s" {
    table "parent" {
        bigint  "a" { not_null = true },
        integer "b" { not_null = true },
        text    "code",
        text    "label",
        primary_key { "a", "b" },
        unique { "code", "a" },
    },
    table "child" {
        serial  "id",
        bigint  "pa",
        integer "pb" { not_null = true },
        text    "pc",
        foreign_key { "pa", "pb", references = "parnet" },
        foreign_key { "pa", "pb", references = "parent", to = { "a", "bb" } },
        foreign_key { "pa", "pb", "pc", references = "parent" },
        foreign_key { "pb", "pa", references = "parent" },
        foreign_key { "pc", "pa", references = "parent", to = { "label", "a" } },
        foreign_key { "pa", "pb", references = "parent", on_delete = "set_null" },
        foreign_key { "pa", "pb", references = "parent", on_delete = "nullify" },
        foreign_key { "pa", "pd", references = "parent" },
        foreign_key { "pa", "pb" },
        foreign_key { "pa", "pb", references = "parent.a" },
        foreign_key { "pa", "pb", references = "parent", to = "a" },
        foreign_key { "pa", "pb", references = "parent", to = { "a", 2 } },
        foreign_key { "pa", "pb", references = "parent", to = { "a", "a" } },
        foreign_key { "pa", "pb", references = "parent", relation = "Parent",
                      inverse = "kids!" },
        foreign_key { "pa", "pb", references = "parent", onDelete = "cascade" },
        -- Right: a unique key's columns in another order.
        foreign_key { "pa", "pc", references = "parent", to = { "a", "code" } },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/bad_foreign_key.lua:15: error: foreign_key (pa, pb) of table 'child' references a missing table 'parnet' (did you mean 'parent'?)
--! tests/gen/bad/bad_foreign_key.lua:16: error: foreign_key (pa, pb) of table 'child' references a missing column 'parent.bb' (did you mean 'b'?)
--! tests/gen/bad/bad_foreign_key.lua:17: error: foreign_key (pa, pb, pc) of table 'child' has 3 columns but references 2, (a, b) of table 'parent' (list the columns it references with to = { ... }; the primary key of 'parent' is (a, b))
--! tests/gen/bad/bad_foreign_key.lua:18: error: foreign_key (pb, pa) of table 'child': column 'pb' is integer but references 'parent.a', which is bigint (make 'pb' bigint)
--! tests/gen/bad/bad_foreign_key.lua:19: error: foreign_key (pc, pa) of table 'child' references (label, a) of table 'parent', which is neither the primary key nor a unique key (reference the primary key, or add unique { ... } on those columns)
--! tests/gen/bad/bad_foreign_key.lua:20: error: foreign_key (pa, pb) of table 'child': column 'pb' is not null, so on_delete cannot be set_null (make the column nullable, or use cascade)
--! tests/gen/bad/bad_foreign_key.lua:21: error: on_delete of foreign_key (pa, pb) of table 'child' cannot be 'nullify' (use one of cascade, restrict, set_null, set_default, no_action)
--! tests/gen/bad/bad_foreign_key.lua:22: error: foreign_key of table 'child' names a missing column 'pd' (did you mean 'id'?)
--! tests/gen/bad/bad_foreign_key.lua:23: error: foreign_key (pa, pb) of table 'child' has no references (write foreign_key { "a", "b", references = "table" })
--! tests/gen/bad/bad_foreign_key.lua:24: error: references 'parent.a' of foreign_key (pa, pb) of table 'child' is not a table name (name the table alone, and its columns in to = { ... })
--! tests/gen/bad/bad_foreign_key.lua:25: error: option 'to' of foreign_key of table 'child' must be a table, not string
--! tests/gen/bad/bad_foreign_key.lua:26: error: to of foreign_key (pa, pb) of table 'child': item 2 is a number (name columns by their names, as strings)
--! tests/gen/bad/bad_foreign_key.lua:27: error: foreign_key (pa, pb) of table 'child' names column 'parent.a' twice in to
--! tests/gen/bad/bad_foreign_key.lua:28: error: relation 'Parent' of foreign_key (pa, pb) of table 'child' is not a valid name (did you mean 'parent'?)
--! tests/gen/bad/bad_foreign_key.lua:28: error: inverse 'kids!' of foreign_key (pa, pb) of table 'child' is not a valid name (did you mean 'kids'?)
--! tests/gen/bad/bad_foreign_key.lua:30: error: unknown option 'onDelete' for foreign_key of table 'child' (did you mean 'on_delete'?)
--! ormc: 16 errors; no files written
