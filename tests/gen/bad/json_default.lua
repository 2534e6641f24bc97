return schema "s" {
    table "t" {
        serial "id",
        json   "a" { default = "{bad" },
        json   "b" { default = "" },
        json   "c" { default = '"\\u0000"' },
        json   "d" { default = '[1, 2,]' },
        json   "e" { default = "'single'" },
        json   "f" { default = '{"k": 01}' },
        json   "g" { default = '"\\ud800"' },
        json   "ok" { default = ' {"k": [1, -2.5e3, true, null, "\\u00e9"]} ' },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/json_default.lua:4: error: default of column 'a' (json) is not valid JSON: expected a string key at byte 2 (PostgreSQL refuses it in CREATE TABLE)
--! tests/gen/bad/json_default.lua:5: error: default of column 'b' (json) is not valid JSON: unexpected end at byte 1 (PostgreSQL refuses it in CREATE TABLE)
--! tests/gen/bad/json_default.lua:6: error: default of column 'c' (json) is not valid JSON: \u0000 (jsonb refuses it) at byte 2 (PostgreSQL refuses it in CREATE TABLE)
--! tests/gen/bad/json_default.lua:7: error: default of column 'd' (json) is not valid JSON: unexpected character at byte 7 (PostgreSQL refuses it in CREATE TABLE)
--! tests/gen/bad/json_default.lua:8: error: default of column 'e' (json) is not valid JSON: unexpected character at byte 1 (PostgreSQL refuses it in CREATE TABLE)
--! tests/gen/bad/json_default.lua:9: error: default of column 'f' (json) is not valid JSON: expected ',' or '}' at byte 8 (PostgreSQL refuses it in CREATE TABLE)
--! tests/gen/bad/json_default.lua:10: error: default of column 'g' (json) is not valid JSON: unpaired surrogate at byte 8 (PostgreSQL refuses it in CREATE TABLE)
--! ormc: 7 errors; no files written
