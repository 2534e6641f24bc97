-- The twin of checks.lua with the default checks = "client": on SQLite a
-- text max is enforced by ormc's check before every write only, and the
-- table has no CHECK for it (docs/generator.md, "Where a max is
-- enforced").
return schema "checks_client" {
    table "note" {
        serial "id",
        text   "title" { max = 5, not_null = true },
        enum   "kind"  { values = { "a", "b" } },
    },
}
