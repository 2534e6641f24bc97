-- seed.lua: `ormc seed` (docs/fixtures.md): fill a live database with
-- fixtures, or write them as an SQL script, for any schema file.
--
-- The rows are made by the runtime (runtime/src/fill.c), the same code the
-- generated <schema>_fixtures_fill runs, so that one seed gives the same
-- rows either way. Here the schema is described, as text, to ormc_seed
-- (gen/seed.c, built and installed with the runtime), which builds the
-- descriptors the generated .c would hold and calls the runtime: no C
-- compiler is needed at seed time.

local model = require("model")
local dialect = require("dialect")
local util = require("util")
local read_file, shell_quote = util.read_file, util.shell_quote

local format, concat = string.format, table.concat

local M = {}

-- The ormc_type value of each DSL type.
-- keep in sync with runtime/include/ormc.h (ormc_type) and gen/seed.c
local TYPE = { integer = 1, bigint = 2, serial = 2, double = 3, boolean = 4,
               text = 5, blob = 6, timestamp = 7, json = 8, uuid = 9,
               enum = 10 }

-- The ORMC_COL_* bit of each flag name: bit i-1 of model.FLAGS's i-th.
local FLAG_BIT = {}
for i, name in ipairs(model.FLAGS) do FLAG_BIT[name] = 1 << (i - 1) end

-- Column c's ormc_type value: a 32-bit serial is an integer.
local function type_of(c)
    if c.type == "serial" and c.bits == 32 then return TYPE.integer end
    return TYPE[c.type]
end

local function esc(s)
    return (tostring(s):gsub("[\\\t\n]", { ["\\"] = "\\\\", ["\t"] = "\\t",
                                            ["\n"] = "\\n" }))
end

local function indexes(cols)
    local out = {}
    for i, c in ipairs(cols) do out[i] = tostring(c.index) end
    return #out > 0 and concat(out, ",") or "-"
end

-- The description ormc_seed reads: one record a line, fields separated by
-- tabs (escaped as \t, \n, \\ inside them), tables in dependency order
-- (the order of the generated <schema>_schema.tables, which counts
-- follow). keep in sync with gen/seed.c (read_schema)
function M.describe(m, counts, seed, target)
    local pos = {}
    for i, t in ipairs(m.order) do pos[t] = i - 1 end
    local out = { "ormc-seed 2", format("schema\t%s\t%d", esc(m.name),
                                        #m.order) }
    local function line(...) out[#out + 1] = concat({ ... }, "\t") end
    for _, t in ipairs(m.order) do
        local uniques = {}
        for _, k in ipairs(t.constraints) do
            if k.unique then uniques[#uniques + 1] = k end
        end
        line("table", esc(t.name), esc(t.sql_name), #t.columns, #uniques,
             #t.foreign_keys, indexes(t.pk_cols))
        for _, c in ipairs(t.columns) do
            local flags = 0
            for _, f in ipairs(c.flags) do flags = flags | FLAG_BIT[f] end
            local rec = { "column", esc(c.name), esc(c.sql_name),
                          type_of(c), flags, c.max or 0,
                          c.has_field and 1 or 0,
                          c.ref_table and pos[c.ref_table] or -1,
                          c.ref_col and c.ref_col.index or -1,
                          -- what COPY must write for it (a sql_type's)
                          esc(dialect.postgres.catalog_type(c)),
                          c.labels and #c.labels or 0 }
            for _, label in ipairs(c.labels or {}) do
                rec[#rec + 1] = esc(label)
            end
            line(table.unpack(rec))
        end
        for _, k in ipairs(uniques) do
            line("index", esc(k.sql_name), 1, indexes(k.col_objs))
        end
        for _, fk in ipairs(t.foreign_keys) do
            line("fk", esc(fk.sql_name), pos[fk.ref_table], indexes(fk.cols),
                 indexes(fk.ref_cols))
        end
    end
    local n = {}
    for i, t in ipairs(m.order) do n[i] = tostring(counts[t] or 0) end
    line("counts", table.unpack(n))
    line("seed", seed)
    -- where to: a URL (here rather than in argv, where ps would show a
    -- password), or a dialect and a file ("-" for stdout)
    if target.url then
        line("url", esc(target.url))
    else
        line("sql", target.sql, esc(target.output or "-"))
    end
    return concat(out, "\n") .. "\n"
end

-- The counts of a --rows value ("customer=1000,invoice=5000"), keyed by
-- table, or nil and why.
function M.parse_rows(m, text)
    local names = {}
    for i, t in ipairs(m.tables) do names[i] = t.name end
    local counts, seen = {}, {}
    for item in (text .. ","):gmatch("([^,]*),") do
        local name, count = item:match("^%s*([^=%s]+)%s*=%s*(.-)%s*$")
        if not name then
            return nil, format("--rows: '%s' is not TABLE=COUNT", item)
        end
        local t = m.by_name[name]
        if not t then
            for _, x in ipairs(m.tables) do
                if x.sql_name == name then t = x end
            end
        end
        if not t then
            return nil, format("unknown table '%s' in --rows (tables: %s)",
                               name, concat(names, ", "))
        end
        if seen[t] then
            return nil, format("--rows: table '%s' is given twice", t.name)
        end
        seen[t] = true
        -- at most 10^12 rows: a count that fits every integer on the way
        if not count:match("^%d+$") or #count > 12 then
            return nil, format("--rows: '%s': the count must be a number "
                               .. "from 0 to 999999999999", item)
        end
        counts[t] = math.tointeger(tonumber(count))
    end
    return counts
end

-- The seed as ormc_seed takes it (decimal digits of a uint64_t), or nil
-- and why.
function M.parse_seed(text)
    local digits = text:match("^%s*0*(%d+)%s*$")
    local max = "18446744073709551615"
    if not digits or #digits > #max or (#digits == #max and digits > max) then
        return nil, format("--seed: '%s' is not a number from 0 to %s", text,
                           max)
    end
    return digits
end

-- ormc_seed: ORMC_SEED when set (a build sets it), else the one installed
-- beside the generator (share/ormc/bin/ormc_seed); nil and why when
-- neither is there.
local function helper(here)
    local set = os.getenv("ORMC_SEED")
    if set and set ~= "" then return set end
    local exe = here .. "/../bin/ormc_seed"
    if read_file(exe) then return exe end
    return nil, "ormc_seed is not installed beside ormc (" .. exe .. "): "
        .. "build ormc and set ORMC_SEED to the built ormc_seed, or "
        .. "install ormc"
end

-- Run ormc_seed on m: target = { url = URL } or { sql = DIALECT, output =
-- FILE or nil }. Returns the exit status (0, or 1 after ormc_seed said
-- why on stderr), or nil and why ormc_seed could not run.
function M.run(here, m, counts, seed, target)
    local exe, why = helper(here)
    if not exe then return nil, why end
    local input = os.tmpname()
    local f = io.open(input, "wb")
    if not f then return nil, "cannot write a temporary file" end
    f:write(M.describe(m, counts, seed, target))
    f:close()
    local ok, how, code = os.execute(format("%s < %s", shell_quote(exe),
                                            shell_quote(input)))
    os.remove(input)
    if ok then return 0 end
    if how == "exit" and code ~= 127 and code ~= 126 then return code end
    return nil, "cannot run " .. exe
end

return M
