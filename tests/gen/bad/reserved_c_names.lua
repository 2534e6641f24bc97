return schema "int" {
    table "least8" {
        serial  "id",
        integer "max",
    },
    table "k" {
        bigint    "int64_t" { primary_key = true },
        timestamp "ormc_time",
        text      "memset",
        text      "size_t",
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/reserved_c_names.lua:2: error: C name 'INT_LEAST8_MAX' is the column macro of column 'max' of table 'least8' and also a name of <stdint.h> (rename the schema, table or column it is made from)
--! tests/gen/bad/reserved_c_names.lua:7: error: column name 'int64_t' is reserved by <stdint.h> (rename it; set sql_name to keep the SQL name)
--! tests/gen/bad/reserved_c_names.lua:8: error: column name 'ormc_time' is reserved by the runtime (rename it; set sql_name to keep the SQL name)
--! tests/gen/bad/reserved_c_names.lua:9: error: column name 'memset' is reserved by <string.h> (rename it; set sql_name to keep the SQL name)
--! tests/gen/bad/reserved_c_names.lua:10: error: column name 'size_t' is reserved by <stddef.h> (rename it; set sql_name to keep the SQL name)
--! ormc: 5 errors; no files written
