return schema "s" {
    table "t" {
        serial "id",
        text   "class",
        text   "order",
        text   "user" { sql_name = "user_name" },
        text   "Name",
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/keywords.lua:4: error: column name 'class' is a C or C++ keyword (rename it; set sql_name to keep the SQL name)
--! tests/gen/bad/keywords.lua:5: error: column 'order': 'order' is a reserved word in SQL (rename it, or set sql_name to another SQL name)
--! tests/gen/bad/keywords.lua:7: error: column name 'Name' is not a valid name (did you mean 'name'?)
--! ormc: 3 errors; no files written
