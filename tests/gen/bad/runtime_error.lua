local sizes = { small = 8 }
return schema "s" {
    table "t" {
        serial "id",
        text   "code" { max = sizes.medium * 2 },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/runtime_error.lua:5: error: attempt to perform arithmetic on a nil value (field 'medium')
--! ormc: 1 error; no files written
