-- A schema that keeps the database's own CHECK of each text max on SQLite
-- (checks = "database"; docs/generator.md, "Where a max is enforced"). Its
-- twin checks_client.lua has the default. tests/schema/test_checks.c
-- writes through both on SQLite and PostgreSQL.
return schema "checks" {
    checks = "database",

    table "memo" {
        serial "id",
        text   "title" { max = 5, not_null = true },
        enum   "kind"  { values = { "a", "b" } },
    },
}
