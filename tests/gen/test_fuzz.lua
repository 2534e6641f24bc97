-- A mutation fuzzer over the generator's promise: every schema file either
-- generates C that compiles warning-free and DDL the database accepts, or
-- makes ormc exit 2 with nothing but FILE:LINE: error: lines (LINE >= 1, no
-- Lua traceback) and write nothing.
--
--   lua5.4 tests/gen/test_fuzz.lua SCRATCH [sqlite|postgres]
--
-- The mutants come from the schemas of schema/ and tests/gen/ (good, bad
-- and diff): one to three mutations each (a string, number or DSL word
-- replaced by a hostile one, an option added, a line deleted, repeated or
-- swapped, a character dropped, a hostile statement inserted), from a fixed
-- seed, so that a run is repeatable. Accepted mutants are compiled with
-- gcc -std=c11 -Wall -Wextra -Wpedantic -Werror (-fsyntax-only, distinct
-- outputs only) and their DDL applied to SQLite, or to PostgreSQL in the
-- postgres variant (under tests/with-postgres, as gen_ddl_postgres).
--
-- ORMC_FUZZ_SEED (default 13) and ORMC_FUZZ_COUNT (default 300) change the
-- run; a longer one, e.g.
--
--   ORMC_FUZZ_SEED=7 ORMC_FUZZ_COUNT=5000 \
--       lua5.4 tests/gen/test_fuzz.lua /tmp/fuzz
--
-- ORMC_FUZZ_VERBOSE=1 prints each mutant's exit status and first line of
-- errors. A failing mutant is kept in the scratch directory and named in
-- the failure, with the command that reproduces it.
local T = dofile("tests/gen/lib.lua")
-- Hundreds of checks: the failures are printed, then a summary.
local function check(cond, what, detail)
    if not cond then T.fail(what, detail) end
    return cond
end

local dialect = arg[2] or "sqlite"
local seed = tonumber(os.getenv("ORMC_FUZZ_SEED") or "") or 13
local count = tonumber(os.getenv("ORMC_FUZZ_COUNT") or "") or 300
local cc = os.getenv("CC_FUZZ") or "gcc"
if T.sh("command -v " .. cc) ~= 0 then T.skip(cc .. " is not installed") end

local dir = T.tmpdir("fuzz-" .. dialect)
local db = T.databases(dialect, dir)

-- xorshift32: the same mutants from the same seed on every machine.
local state = (seed * 2654435761 + 1) & 0xffffffff
if state == 0 then state = 1 end
local function rnd(n)
    state = state ~ ((state << 13) & 0xffffffff)
    state = state ~ (state >> 17)
    state = state ~ ((state << 5) & 0xffffffff)
    return state % n + 1
end
local function pick(list) return list[rnd(#list)] end

-- The schemas that generate count four times: the bad ones are many and
-- small, and their mutants are refused anyway.
local corpus = {}
for _, g in ipairs { { "schema/*.lua", 4 }, { "tests/gen/good/*.lua", 4 },
                     { "tests/gen/diff/*.lua", 4 },
                     { "tests/gen/bad/*.lua", 1 } } do
    for _, f in ipairs(T.glob(g[1])) do
        -- (Not the endless loop: each of its mutants would take a second
        -- to reach the instruction limit that gen_errors tests.)
        if f:find("endless_loop", 1, true) then goto next end
        -- Without the expected-output comments of the bad schemas.
        local src = T.read(f):gsub("\n%-%-![^\n]*", "")
        for _ = 1, g[2] do corpus[#corpus + 1] = src end
        ::next::
    end
end
T.ok(#corpus >= 20, "a corpus of schemas")

local STRINGS = {
    "int8_t", "ormc_x", "ORMC_Y", "sqlite_t", "order", "user", "class",
    "size_t", "memset", "least8", "max", "has_id", "id", "row", "db", "t.id",
    "t.x", "now", "", "x", "a b", "_x", "x_", "a__b", "Blue Sky", "a\\nb",
    "\\0", "\\255", "ünï", ("long_"):rep(13), ("x"):rep(5000),
    "{bad", "[1, 2]", '{\\"a\\": 1}', "\\\\u0000", "2024-01-01",
    "00000000-0000-0000-0000-000000000000", "cascade", "set_null",
    "set_default", "restrict", "in-progress", "in_progress", "?", "??=",
    "*/", "/*", "%d", "'", "\\\"", "int", "bool", "errno", "tz",
}
local NUMBERS = {
    "0", "-1", "1", "2", "64", "65", "4095", "4096", "2147483647",
    "2147483648", "-2147483649", "9223372036854775807", "1e308", "0.5",
    "10485760", "10485761", "1e100", "-0.0", "(0/0)", "(1/0)", "3.25",
}
local WORDS = {
    "integer", "bigint", "serial", "double", "boolean", "text", "blob",
    "timestamp", "json", "uuid", "enum", "table", "schema", "index", "unique",
    "primary_key", "foreign_key", "now", "not_null", "default", "max", "tz", "values",
    "references", "on_delete", "renamed_from", "doc", "sql_name", "name",
    "true", "false", "nil", "local", "return",
}
local TYPES = {}
for w in ("integer bigint serial double boolean text blob timestamp json "
          .. "uuid enum"):gmatch("%a+") do TYPES[w] = true end
local OPTIONS = {
    "not_null = true", "not_null = false", "primary_key = true",
    "unique = true", "max = 3", "max = 0", "tz = false",
    "default = now", "default = 1", "default = -1.5", "default = true",
    'default = "x"', 'default = "{bad"', 'default = "[1]"',
    'default = "' .. ("d"):rep(4200) .. '"',
    'values = { "a", "b" }', 'values = {}', 'references = "t.id"',
    'on_delete = "cascade"', 'on_delete = "set_null"',
    'relation = "rel"', 'inverse = "Bad"', 'to = { "id" }',
    'renamed_from = "old"', 'doc = "*/ doc ??="', 'sql_name = "sqlite_x"',
    'sql_name = "order"', 'sql_name = "int8_t"', "[1] = 1",
}
local STATEMENTS = {
    'local _ = ("ab"):rep(3):upper()',
    'local _c = text "zz" {}\n_c.line = 2',
    'now.x = 1',
    'local _ = nil .. 1',
    'local _ = ("a"):find("a*b")',
    'local _t = table "zz" { serial "id" }\n_t.body = 1',
    'x = 1',
    'local _ = io',
    'local _s = "x" for _ = 1, 16 do _s = _s .. _s end',
    'local _l = {} for i = 1, 600 do _l[i] = "v" .. i end',
}

-- The spans of a pattern's matches in src: { from, to } each.
local function spans(src, pattern)
    local out = {}
    for a, b in src:gmatch(pattern) do out[#out + 1] = { a, b - 1 } end
    return out
end

local function replace_span(src, span, text)
    return src:sub(1, span[1] - 1) .. text .. src:sub(span[2] + 1)
end

local function lines_of(src)
    local out = {}
    for l in (src .. "\n"):gmatch("(.-)\n") do out[#out + 1] = l end
    return out
end

local mutators = {
    function(src) -- a string's content
        local s = spans(src, '"()[^"\\\n]*()"')
        if #s == 0 then return src end
        return replace_span(src, pick(s), pick(STRINGS))
    end,
    function(src) -- a number (not a loop's bound: a schema that loops
        -- long only tests the limits again, slowly)
        local s = {}
        for _, sp in ipairs(spans(src, "%f[%w_.]()%d+%.?%d*()")) do
            local bol = src:sub(1, sp[1]):match(".*\n()") or 1
            if not src:sub(bol, sp[1]):find("for ", 1, true) then
                s[#s + 1] = sp
            end
        end
        if #s == 0 then return src end
        return replace_span(src, pick(s), pick(NUMBERS))
    end,
    function(src) -- a word
        local s = spans(src, "%f[%w_]()[%a_][%w_]*()")
        if #s == 0 then return src end
        return replace_span(src, pick(s), pick(WORDS))
    end,
    function(src) -- an option, after the brace of a column's options
        local s = {}
        for w, a in src:gmatch('(%a+) +"[^"\n]*" *{()') do
            if TYPES[w] then s[#s + 1] = { a, a - 1 } end
        end
        if #s == 0 then return src end
        local at = pick(s)
        return src:sub(1, at[1] - 1) .. " " .. pick(OPTIONS) .. ","
            .. src:sub(at[1])
    end,
    function(src) -- a line deleted, repeated or swapped
        local l = lines_of(src)
        local i, j = rnd(#l), rnd(#l)
        local how = rnd(3)
        if how == 1 then
            table.remove(l, i)
        elseif how == 2 then
            table.insert(l, i, l[i])
        else
            l[i], l[j] = l[j], l[i]
        end
        return table.concat(l, "\n")
    end,
    function(src) -- a character dropped
        local s = spans(src, "()[{}(),\"=]()")
        if #s == 0 then return src end
        return replace_span(src, pick(s), "")
    end,
    function(src) -- a statement inserted at the top
        return pick(STATEMENTS) .. "\n" .. src
    end,
}
-- Weights: most mutations keep the file a schema, so that many mutants
-- get as far as the compiler and the database.
local WEIGHTS = { 4, 3, 2, 4, 1, 1, 1 }
local weighted = {}
for i, w in ipairs(WEIGHTS) do
    for _ = 1, w do weighted[#weighted + 1] = mutators[i] end
end

local function mutant()
    local src = pick(corpus)
    for _ = 1, rnd(3) do src = pick(weighted)(src) end
    return src
end

local ormc = "bin/ormc"
local shown_dir = T.shown(dir)
local counts = { accepted = 0, refused = 0, compiled = 0 }
local compile = {} -- distinct accepted outputs: { dir, name, mutant }
local seen = {}

for i = 1, count do
    local src = mutant()
    local path = string.format("%s/m%04d.lua", dir, i)
    T.write(path, src)
    local shown = shown_dir .. path:sub(#dir + 1)
    -- Made by ormc gen when it writes (so: only when it accepts).
    local out = string.format("%s/m%04d.out", dir, i)
    local t0 = os.time()
    local rc, stdout, stderr = T.sh(ormc .. " gen -o " .. T.quote(out) .. " "
                                    .. T.quote(path))
    if os.getenv("ORMC_FUZZ_VERBOSE") then
        io.stdout:write(string.format("mutant %d: exit %d, %d s: %s\n", i,
                                      rc, os.time() - t0,
                                      stderr:match("[^\n]*")))
    end
    local what = string.format("mutant %d (%s; rerun: bin/ormc gen -o /tmp/x "
                               .. "%s)", i, shown, shown)
    local made = os.rename(out, out) ~= nil
    local files = made and T.ls(out) or {}
    local keep = false
    if rc == 2 then
        counts.refused = counts.refused + 1
        local bad
        local lines = lines_of(stderr:gsub("\n$", ""))
        for k, line in ipairs(lines) do
            local file, lno = line:match("^(.-):(%d+): error: ")
            local summary = k >= #lines - 1 and line:match("^ormc: ")
            if not summary and (file ~= shown or tonumber(lno) < 1) then
                bad = line
                break
            end
        end
        if not check(bad == nil and not stderr:find("traceback", 1, true)
                    and lines[#lines]:match("^ormc: %d+ errors?; no files "
                                            .. "written$"),
                    what .. ": refused with FILE:LINE: errors only", stderr) then
            keep = true
        end
        if not check(not made, what .. ": refused, nothing written",
                    table.concat(files, " ")) then
            keep = true
        end
        if stdout ~= "" then T.fail(what .. ": refused, nothing on stdout") end
    elseif rc == 0 then
        counts.accepted = counts.accepted + 1
        local name = files[1] and files[1]:match("^(.-)%.c$")
            or (files[1] or ""):match("^(.-)%.")
        if not check(#files == 4 and name, what .. ": accepted, four files",
                    table.concat(files, " ")) then
            keep = true
        else
            local c = T.read(out .. "/" .. name .. ".c")
            local h = T.read(out .. "/" .. name .. ".h")
            if not seen[c .. h] then
                seen[c .. h] = true
                compile[#compile + 1] = { out, name, what }
            end
            db.use(string.format("m%04d", i))
            local drc, _, derr = db.apply(out .. "/" .. name .. "." .. dialect
                                          .. ".sql")
            if not check(drc == 0 and derr == "",
                        what .. ": " .. dialect .. " accepts the DDL", derr) then
                keep = true
            end
        end
    else
        T.fail(what .. ": exit status " .. rc .. " (0 or 2 expected)", stderr)
        keep = true
    end
    if not keep and rc ~= 0 then
        -- (Accepted outputs stay for the compiler, below.)
        os.remove(path)
    end
end

-- The C, for the distinct outputs only (most mutations of a comment or a
-- doc change nothing, or only the DDL); syntax only, which is where every
-- warning of these flags comes from.
local flags = " -std=c11 -Wall -Wextra -Wpedantic -Werror -Wshadow"
    .. " -Wstrict-prototypes -Wmissing-prototypes -fsyntax-only"
    .. " -I runtime/include"
for _, c in ipairs(compile) do
    local out, name, what = c[1], c[2], c[3]
    local rc, o, e = T.sh(cc .. flags .. " -I " .. T.quote(out) .. " "
                          .. T.quote(out .. "/" .. name .. ".c"))
    counts.compiled = counts.compiled + 1
    if not check(rc == 0, what .. ": the C compiles with " .. cc,
                (o .. e):sub(1, 2000)) then
        -- Kept for a look: the mutant and its output.
        io.stderr:write("kept: ", out, "\n")
    end
end

io.stdout:write(string.format("seed %d, %d mutants: %d refused, %d accepted "
                              .. "(%d distinct C outputs compiled)\n", seed,
                              count, counts.refused, counts.accepted,
                              counts.compiled))
T.ok(counts.accepted > count // 10, "a tenth of the mutants or more get "
     .. "as far as the compiler and the database")
db.cleanup()
if T.failures == 0 then T.rmrf(dir) end
T.done()
