return schema "int8" {
    table "t" { serial "id" },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/reserved_row_type.lua:2: error: C name 'int8_t' is the row type of table 't' and also a name of <stdint.h> (rename the schema, table or column it is made from)
--! ormc: 1 error; no files written
