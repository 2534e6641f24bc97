-- bits, sql_type and server_default (what a database another tool created
-- has) and their bad uses: bits only on a serial and only 32 or 64, a type
-- of the DSL type's family in each dialect, a known dialect key,
-- server_default only with a default; a column referencing a 32-bit serial
-- is integer.
return schema "s" {
    table "t" {
        serial    "id"      { bits = 16 },
        bigint    "n"       { bits = 32 },
        integer   "a"       { sql_type = "text" },
        text      "b"       { sql_type = { postgres = "integer" } },
        text      "c"       { sql_type = { mysql = "TEXT" } },
        text      "d"       { sql_type = 5 },
        text      "e"       { sql_type = "TEXT; DROP TABLE t" },
        boolean   "f"       { server_default = false },
        timestamp "g"       { default = now, server_default = "no" },
        timestamp "h"       { sql_type = { postgres = "text" } },
    },
    table "u" {
        serial    "id"      { bits = 32 },
    },
    table "v" {
        serial    "id",
        bigint    "u_id"    { references = "u.id" },
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/shared_options.lua:8: error: bits of column 'id' must be 32 or 64, not 16 (a serial key is 64 bits (bigint), or 32 (integer) with bits = 32)
--! tests/gen/bad/shared_options.lua:9: error: option 'bits' does not apply to column 'n' (bigint) ('bits' is for serial columns)
--! tests/gen/bad/shared_options.lua:10: error: sql_type of column 'a' is 'text' for SQLite, which does not hold integer values (a type of the integer or numeric family on SQLite, as ormc reads and writes integer)
--! tests/gen/bad/shared_options.lua:10: error: sql_type of column 'a' is 'text' for PostgreSQL, which does not hold integer values (a type of the integer family on PostgreSQL, as ormc reads and writes integer)
--! tests/gen/bad/shared_options.lua:11: error: sql_type of column 'b' is 'integer' for PostgreSQL, which does not hold text values (a type of the text family on PostgreSQL, as ormc reads and writes text)
--! tests/gen/bad/shared_options.lua:12: error: sql_type of column 'c' has an unknown key 'mysql' (write sql_type = { sqlite = "...", postgres = "..." })
--! tests/gen/bad/shared_options.lua:13: error: sql_type of column 'd' must be a string or a table, not number (write sql_type = "TYPE" or { sqlite = "...", postgres = "..." })
--! tests/gen/bad/shared_options.lua:14: error: sql_type of column 'e' for SQLite is not a type name: 'TEXT; DROP TABLE t' (a type name, with its size in parentheses if any: "VARCHAR(32)")
--! tests/gen/bad/shared_options.lua:14: error: sql_type of column 'e' for PostgreSQL is not a type name: 'TEXT; DROP TABLE t' (a type name, with its size in parentheses if any: "VARCHAR(32)")
--! tests/gen/bad/shared_options.lua:15: error: column 'f' has server_default but no default (server_default belongs with default)
--! tests/gen/bad/shared_options.lua:16: error: option 'server_default' of column 'g' must be a boolean, not string
--! tests/gen/bad/shared_options.lua:17: error: sql_type of column 'h' is 'text' for PostgreSQL, which does not hold timestamp values (a type of the timestamp family on PostgreSQL, as ormc reads and writes timestamp)
--! tests/gen/bad/shared_options.lua:24: error: column 'u_id' of table 'v' is bigint but references 'u.id', which is serial { bits = 32 } (make 'u_id' integer)
--! ormc: 13 errors; no files written
