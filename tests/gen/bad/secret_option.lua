-- secret = true hides a column's values in traces and error messages: it
-- takes a boolean, on the types whose values the runtime can hide (a
-- number or a date is quoted by messages of its own).
return schema "s" {
    table "t" {
        serial    "id",
        integer   "pin"     { secret = true },
        timestamp "born"    { secret = true },
        text      "token"   { secret = "yes" },
        text      "api_key" { secret = true },
        json      "keys"    { secret = true },
        blob      "cert"    { secret = false },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/secret_option.lua:7: error: option 'secret' does not apply to column 'pin' (integer) ('secret' is for text, json and blob columns)
--! tests/gen/bad/secret_option.lua:8: error: option 'secret' does not apply to column 'born' (timestamp) ('secret' is for text, json and blob columns)
--! tests/gen/bad/secret_option.lua:9: error: option 'secret' of column 'token' must be a boolean, not string
--! ormc: 3 errors; no files written
