return schema "s" {
    table "t" {
        serial    "id",
        integer   "qty"   { default = "one" },
        boolean   "flag"  { default = 0 },
        integer   "qty2"  { default = now },
        timestamp "at"    { default = "2024-01-01" },
        text      "code"  { max = 2, default = "abc" },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/default_wrong_type.lua:4: error: default of column 'qty' (integer) must be an integer, not string
--! tests/gen/bad/default_wrong_type.lua:5: error: default of column 'flag' (boolean) must be true or false, not number (write true or false)
--! tests/gen/bad/default_wrong_type.lua:6: error: default of column 'qty2' (integer) cannot be now (now is the default of timestamp columns only)
--! tests/gen/bad/default_wrong_type.lua:7: error: default of column 'at' (timestamp) must be now, not string (a timestamp's default can only be now)
--! tests/gen/bad/default_wrong_type.lua:8: error: default of column 'code' is longer than its max of 2
--! ormc: 5 errors; no files written
