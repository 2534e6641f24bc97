-- A schema's checks option takes "client" or "database" only.
return schema "bad_checks" {
    checks = "server",
    table "t" {
        serial "id",
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/schema_checks_value.lua:2: error: option 'checks' of schema 'bad_checks' must be "client" or "database", not "server" ("client": ormc checks a max before every write; "database": SQLite's DDL has CHECKs too)
--! ormc: 1 error; no files written
