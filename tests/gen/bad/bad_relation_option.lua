return schema "s" {
    table "parent" {
        serial "id",
    },
    table "child" {
        serial "id",
        bigint "parent_id" { references = "parent.id", relation = "Parent" },
        bigint "other_id" { relation = "other" },
        bigint "third_id" { inverse = "children" },
        bigint "fourth_id" { references = "parent.id", inverse = "my kids" },
        bigint "fifth_id" { references = "parent.id", relation = 5 },
        bigint "sixth_id" { references = "parent.id", relation = "sixth_" },
        -- Right: both names given.
        bigint "owner_id" { references = "parent.id", relation = "owner",
                            inverse = "owned" },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/bad_relation_option.lua:7: error: relation 'Parent' of column 'parent_id' is not a valid name (did you mean 'parent'?)
--! tests/gen/bad/bad_relation_option.lua:8: error: column 'other_id' has relation but no references (relation belongs with references)
--! tests/gen/bad/bad_relation_option.lua:9: error: column 'third_id' has inverse but no references (inverse belongs with references)
--! tests/gen/bad/bad_relation_option.lua:10: error: inverse 'my kids' of column 'fourth_id' is not a valid name (did you mean 'my_kids'?)
--! tests/gen/bad/bad_relation_option.lua:11: error: option 'relation' of column 'fifth_id' must be a string, not number
--! tests/gen/bad/bad_relation_option.lua:12: error: relation 'sixth_' of column 'sixth_id' is not a valid name (did you mean 'sixth'?)
--! ormc: 6 errors; no files written
