return schema "s" {
    table "t" {
        serial "id",
        integer "a",
        index { "a", name = "an_index_name_that_is_far_too_long_for_postgresql_to_keep_it_whole" },
        index { "id", name = "t" },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/sql_names.lua:5: error: the SQL name 'an_index_name_that_is_far_too_long_for_postgresql_to_keep_it_whole' of index (a) of table 't' is 66 bytes long; PostgreSQL keeps 63 (give it a shorter name with name = "...")
--! tests/gen/bad/sql_names.lua:6: error: SQL name 't' of index (id) of table 't' is also the name of table 't' (line 2) (rename one of them)
--! ormc: 2 errors; no files written
