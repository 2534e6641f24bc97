return schema "s" {
    table "parent" {
        bigint "a" { not_null = true },
        bigint "b" { not_null = true },
        primary_key { "a", "b" },
    },
    table "child" {
        serial "id",
        bigint "a",
        bigint "b",
        foreign_key { "a", "b", references = "parent" },
        foreign_key { "a", "b", references = "parent", relation = "p2" },
        foreign_key { "b", "a", references = "parent", name = "child_pkey", relation = "p3" },
        foreign_key { "a", "b", references = "parent", relation = "p4",
                      name = "a_foreign_key_name_that_is_far_too_long_for_postgresql_to_keep_whole" },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/foreign_key_names.lua:12: error: the foreign key name 'child_a_b_fkey' of table 'child' is also the name of a foreign key (line 11) (give it another name with name = "...")
--! tests/gen/bad/foreign_key_names.lua:13: error: the foreign key name 'child_pkey' of table 'child' is also the name of the primary key (line 8) (give it another name with name = "...")
--! tests/gen/bad/foreign_key_names.lua:14: error: the foreign key name 'a_foreign_key_name_that_is_far_too_long_for_postgresql_to_keep_whole' is 68 bytes long; PostgreSQL keeps 63 (give it a shorter name with name = "...")
--! ormc: 3 errors; no files written
