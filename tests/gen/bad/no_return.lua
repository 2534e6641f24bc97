schema "s" {
    table "t" { serial "id" },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/no_return.lua:1: error: the schema file must return its schema (end the file with: return schema "name" { ... })
--! ormc: 1 error; no files written
