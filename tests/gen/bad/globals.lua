helper = 1
return schema "s" {
    table "t" { serial "id" },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/globals.lua:1: error: assignment to global 'helper' (schema files cannot set globals; use local)
--! ormc: 1 error; no files written
