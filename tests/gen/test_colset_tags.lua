-- The tags of column sets (docs/generator.md, "Column sets"): every table
-- of at most 48 columns of schema/ and tests/gen/good gets a 16-bit tag
-- with exactly 8 bits set, distinct within its schema, which its column
-- macros and _ALL_COLUMNS carry and its descriptor holds; a wider table
-- gets none and plain bits; the descriptors' own sets are untagged.
local T = dofile("tests/gen/lib.lua")

package.path = "gen/?.lua;" .. package.path
local colset_tags = require("colset_tags")

local function ones(v)
    local n = 0
    while v ~= 0 do n = n + (v & 1); v = v >> 1 end
    return n
end

-- Many tables in one schema: all tags distinct, each of weight 8, and the
-- same names give the same tags.
local m = { name = "big", tables = {} }
for i = 1, 2000 do m.tables[i] = { name = "t" .. i, n_columns = 3 } end
m.tables[#m.tables + 1] = { name = "wide", n_columns = 49 }
colset_tags.assign(m)
local seen = {}
for i = 1, 2000 do
    local tag = m.tables[i].colset_tag
    T.eq(ones(tag), 8, "the tag of t" .. i .. " has 8 bits set")
    T.ok(tag < 0x10000, "the tag of t" .. i .. " fits in 16 bits")
    T.ok(not seen[tag], "the tag of t" .. i .. " is its own")
    seen[tag] = true
end
T.eq(m.tables[#m.tables].colset_tag, nil, "a table of 49 columns has no tag")
local again = { name = "big", tables = { { name = "t1", n_columns = 3 } } }
colset_tags.assign(again)
T.eq(again.tables[1].colset_tag, m.tables[1].colset_tag,
     "a tag depends on the names only")

-- The generated header and source of shop.
local dir = T.tmpdir("colset_tags")
T.must("bin/ormc gen -o " .. T.quote(dir) .. " schema/shop.lua")
local h = T.read(dir .. "/shop.h")
local c = T.read(dir .. "/shop.c")
local tags = {}
for table_macro, tag in h:gmatch("#define (SHOP_%u+)_ALL_COLUMNS "
                                 .. "ORMC_TABLE_COLUMNS%((0x%x+), %d+%)") do
    tags[table_macro] = tag
    T.ok(h:find("#define " .. table_macro .. "_[%u_]+ ORMC_TABLE_COLUMN%("
                .. tag .. ", 0%)"),
         table_macro .. "'s first column macro carries its tag " .. tag)
    T.ok(c:find("%.colset_tag = " .. tag .. ","),
         table_macro .. "'s descriptor holds its tag " .. tag)
end
local n = 0
for _ in pairs(tags) do n = n + 1 end
T.eq(n, 4, "the four tables of shop are tagged")
T.ok(c:find("%.primary_key = ORMC_COLUMNS%(SHOP_LINE_ORDER_ID | "
            .. "SHOP_LINE_LINE_NO%)"),
     "a descriptor's set is written untagged")
T.ok(not c:find("%.primary_key = SHOP_"), "no descriptor set keeps a tag")

-- A table of 64 columns: plain bits, no tag.
local wide = dir .. "/wide.lua"
local cols = {}
for i = 1, 64 do cols[i] = string.format('    integer "c%d",', i) end
T.write(wide, 'return schema "w" { table "t" {\n    serial "id",\n'
        .. table.concat(cols, "\n", 1, 63) .. "\n} }\n")
T.must("bin/ormc gen -o " .. T.quote(dir) .. " " .. T.quote(wide))
local wh = T.read(dir .. "/w.h")
T.ok(wh:find("#define W_T_ID ORMC_COLUMN_BIT%(0%)"),
     "a table of 64 columns has plain column bits")
T.ok(wh:find("#define W_T_ALL_COLUMNS %(~%(ormc_colset%)0%)"),
     "and all its columns are all 64 bits")
T.ok(not T.read(dir .. "/w.c"):find("%.colset_tag ="),
     "and its descriptor no tag")

T.done()
