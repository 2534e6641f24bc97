-- gen_bench.lua: how long `ormc gen` takes on a large schema: 200 tables of
-- 20 columns each (every type, defaults, max, a reference to the previous
-- table, an index and a unique constraint per table). The target is under
-- one second.
--
--   lua5.4 bench/gen_bench.lua [TABLES [COLUMNS [RUNS]]]     (from the root)
--
-- Prints the wall time of each run (interpreter start-up included) and the
-- CPU time (user + sys) of ormc, the best and median of each, and the size
-- of what was written. Wall time swings with whatever else the machine
-- runs; the CPU time is the steadier figure. KEEP=1 keeps the scratch
-- directory (the schema and each run's output) and prints its path.

local n_tables = tonumber(arg[1]) or 200
local n_columns = tonumber(arg[2]) or 20
local runs = tonumber(arg[3]) or 5

local function sh(cmd)
    local f = assert(io.popen(cmd))
    local out = f:read("a")
    f:close()
    return out
end

local dir = sh("mktemp -d /tmp/ormc-gen-bench.XXXXXX"):gsub("%s+$", "")
local b = { 'return schema "bench" {',
            '    doc = "A generated benchmark schema.",' }
local kinds = {
    'integer "%s" { not_null = true, default = 0 }',
    'bigint "%s"',
    'double "%s" { doc = "A measurement." }',
    'boolean "%s" { not_null = true, default = false }',
    'text "%s" { max = 200 }',
    'text "%s" { not_null = true, max = 32, doc = "A code." }',
    'blob "%s"',
    'timestamp "%s" { not_null = true, default = now }',
    'json "%s"',
    'uuid "%s"',
    'enum "%s" { values = { "new", "open", "closed" }, default = "new" }',
}
for t = 1, n_tables do
    b[#b + 1] = ('    table "t%03d" {'):format(t)
    b[#b + 1] = ('        doc = "Table number %d.",'):format(t)
    b[#b + 1] = '        serial "id",'
    local first = 2
    if t > 1 then
        b[#b + 1] = ('        bigint "parent_id" { references = "t%03d.id", '
                     .. 'on_delete = "cascade" },'):format(t - 1)
        first = 3
    end
    for c = first, n_columns do
        local kind = kinds[(c + t) % #kinds + 1]
        b[#b + 1] = "        " .. kind:format(("c%02d"):format(c)) .. ","
    end
    b[#b + 1] = '        index { "c05", "c06" },'
    b[#b + 1] = '        unique { "c07", "c08" },'
    b[#b + 1] = "    },"
end
b[#b + 1] = "}"
local schema = dir .. "/bench.lua"
local f = assert(io.open(schema, "w"))
f:write(table.concat(b, "\n"), "\n")
f:close()

-- The children's user + sys seconds in the output of the shell's `times`
-- (its second line: "0m0.450000s 0m0.050000s").
local function children_cpu(lines, first)
    local um, us, sm, ss = lines[first + 1]:match(
        "(%d+)m([%d.]+)s%s+(%d+)m([%d.]+)s")
    return um * 60 + us + sm * 60 + ss
end

local times, cpus = {}, {}
for i = 1, runs do
    local out = dir .. "/out" .. i
    -- `times` before and after ormc: the CPU of ormc alone, not of date.
    local got = sh(("s=$(date +%%s%%N); times; bin/ormc gen -o %s %s || "
                    .. "exit 1; times; e=$(date +%%s%%N); echo $((e - s))")
                   :format(out, schema))
    local lines = {}
    for l in got:gmatch("[^\n]+") do lines[#lines + 1] = l end
    local t = tonumber(lines[5])
    if not t then error("ormc gen failed") end
    local cpu = children_cpu(lines, 3) - children_cpu(lines, 1)
    times[#times + 1] = t / 1e9
    cpus[#cpus + 1] = cpu
    print(("run %d: %.3f s wall, %.3f s CPU"):format(i, t / 1e9, cpu))
end
table.sort(times)
table.sort(cpus)
local bytes = sh("cat " .. dir .. "/out1/* | wc -c"):gsub("%s+", "")
print(("%d tables x %d columns: best %.3f s, median %.3f s; CPU best %.3f "
       .. "s, median %.3f s; %s bytes written"):format(n_tables, n_columns,
                            times[1], times[(#times + 1) // 2], cpus[1],
                            cpus[(#cpus + 1) // 2], bytes))
if os.getenv("KEEP") then print(dir) else os.execute("rm -rf " .. dir) end
