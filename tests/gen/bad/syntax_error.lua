return schema "s" {
    table "t" {
        serial "id"
        text   "name",
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/syntax_error.lua:4: error: '}' expected (to close '{' at line 2) near 'text'
--! ormc: 1 error; no files written
