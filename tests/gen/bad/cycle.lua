return schema "s" {
    table "a" {
        serial "id",
        bigint "b_id" { references = "b.id" },
    },
    table "b" {
        serial "id",
        bigint "a_id" { references = "a.id" },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/cycle.lua:2: error: tables reference each other in a cycle: a -> b -> a (break the cycle: make one reference a plain column)
--! ormc: 1 error; no files written
