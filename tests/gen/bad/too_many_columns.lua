-- A schema file is Lua: columns may come from a loop.
local columns = { serial "id" }
for i = 1, 64 do
    columns[#columns + 1] = integer("c" .. i)
end
return schema "s" {
    table "wide" (columns),
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/too_many_columns.lua:7: error: table 'wide' has 65 columns; ormc allows at most 64 (split the table; a column set is a 64-bit mask)
--! ormc: 1 error; no files written
