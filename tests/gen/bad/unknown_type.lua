return schema "s" {
    table "t" {
        serial "id",
        txt    "name",
        varchar "title",
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/unknown_type.lua:4: error: unknown column type 'txt' (did you mean 'text'?)
--! tests/gen/bad/unknown_type.lua:5: error: unknown column type 'varchar' (did you mean 'text'?)
--! ormc: 2 errors; no files written
