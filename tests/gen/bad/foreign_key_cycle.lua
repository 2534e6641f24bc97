-- A cycle that only a foreign_key { } entry closes.
return schema "s" {
    table "a" {
        bigint "x" { not_null = true },
        bigint "y" { not_null = true },
        bigint "b_id" { references = "b.id" },
        primary_key { "x", "y" },
    },
    table "b" {
        serial "id",
        bigint "ax",
        bigint "ay",
        foreign_key { "ax", "ay", references = "a" },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/foreign_key_cycle.lua:3: error: tables reference each other in a cycle: a -> b -> a (break the cycle: make one reference a plain column)
--! ormc: 1 error; no files written
