-- Hostile schema files: each must end in exit 2 with exactly the expected
-- FILE:LINE: error: lines (LINE >= 1, one line per error, no Lua
-- traceback), and nothing written. Writing into the DSL's objects, DSL calls
-- in tail position, the sandbox's limits (instructions, CPU time, memory,
-- string patterns), bytecode, deep nesting, newlines in names.
local T = dofile("tests/gen/lib.lua")

local dir = T.tmpdir("hostile")
local out = dir .. "/out"
os.execute("mkdir -p " .. T.quote(out))
T.write(out .. "/keep.txt", "not ormc's\n")
local before = T.snapshot(out)

local OK = '\nreturn schema "s" { table "t" { serial "id" } }\n'

-- { name, source, { expected lines without "FILE:" }, environment }; the
-- summary line is checked too.
local cases = {
    { "readonly_line", 'local c = text "a" {}\nc.line = 1.5' .. OK,
      { "2: error: cannot set 'line' of column 'a'; the DSL's objects are "
        .. "read-only" } },
    { "readonly_opts", 'local c = text "a" {}\nc.opts = 1' .. OK,
      { "2: error: cannot set 'opts' of column 'a'; the DSL's objects are "
        .. "read-only" } },
    { "readonly_type", 'local c = text "a" {}\n\nc.type = "varchar"' .. OK,
      { "3: error: cannot set 'type' of column 'a'; the DSL's objects are "
        .. "read-only" } },
    { "readonly_body", 'local t = table "t" { serial "id" }\nt.body = 1' .. OK,
      { "2: error: cannot set 'body' of table 't'; the DSL's objects are "
        .. "read-only" } },
    { "readonly_now", 'now.kind = "text"' .. OK,
      { "1: error: now is read-only" } },
    { "readonly_index", 'local i = index { "id" }\ni.spec = 1' .. OK,
      { "2: error: cannot set 'spec' of index; the DSL's objects are "
        .. "read-only" } },
    { "fake_schema", '-- a table that looks like a schema\n'
        .. 'return { kind = "schema", name = "s", body = {} }\n',
      { "1: error: the schema file must return its schema (end the file "
        .. 'with: return schema "name" { ... })' } },
    { "tail_call", '-- a comment\nlocal x = 1\n\nreturn schema {\n'
        .. '    table "t" { serial "id" },\n}\n',
      { '4: error: a schema needs a name (write schema "name" { ... })' } },
    { "tail_call_head", '-- a comment\n\nreturn schema "s" "s" {\n'
        .. '    table "t" { serial "id" },\n}\n',
      { "3: error: the body of schema 's' must be a table (write schema "
        .. '"s" { ... })',
        "3: error: schema 's' already has a body",
        "3: error: schema 's' has no tables (add table \"name\" { ... })" } },
    { "tail_call_helper", 'local function col(n)\n    return text(n)\nend\n'
        .. 'return schema "s" {\n    table "t" {\n        serial "id",\n'
        .. '        col(1),\n    },\n}\n',
      { '7: error: a text column needs a name (write text "name")' } },
    { "instruction_limit", "local x = 0\nwhile true do x = x + 1 end\n",
      { "2: error: the schema file runs too long (an endless loop?)" } },
    { "cpu_time", 'local s = ("x"):rep(1 << 24)\n'
        .. "while true do local u = s:upper() end\n",
      { "2: error: the schema file runs too long (an endless loop?)" } },
    { "pattern_find", '\nlocal x = ("a"):rep(60):find(("a*"):rep(12) .. "b")'
        .. OK,
      { "2: error: string patterns are not available in a schema file; use "
        .. "find(text, init, true) for a plain search" } },
    { "pattern_gsub", 'local x = ("a"):gsub("a", "b")' .. OK,
      { "1: error: string.gsub is not available in a schema file (string "
        .. "patterns can run for hours)" } },
    { "memory_heap", "local t = {}\nfor i = 1, 1e8 do t[i] = { i } end" .. OK,
      { "2: error: schema uses too much memory" } },
    { "memory_rep", '\n\nlocal s = ("x"):rep(1 << 40)' .. OK,
      { "3: error: schema uses too much memory" } },
    -- One instruction allocates it all: caught by the address-space limit
    -- that ormc runs under (bin/ormc, or ormc.lua running itself again).
    { "memory_concat", 'local s = "x"\n\nfor i = 1, 40 do s = s .. s end' .. OK,
      { "3: error: schema uses too much memory" } },
    -- What runs long inside single instructions, between two checks of
    -- the hook: the wall-clock limit (ORMC_TIME_LIMIT, default 120 s).
    -- (One line: wherever SIGINT finds it, the line is the same.)
    { "wall_clock", 'local b = ("x"):rep(1 << 25) '
        .. "while true do local y = b .. b end\n",
      { "1: error: the schema file runs too long (an endless loop?)" },
      "ORMC_TIME_LIMIT=3" },
    { "bytecode", string.dump(load("return 1")),
      { "1: error: the schema file is compiled Lua; schema files are read "
        .. "as source text only" } },
    { "nesting", "\nlocal x = " .. ("{"):rep(300) .. ("}"):rep(300) .. OK,
      -- Lua's parser says no line for this one.
      { "1: error: the schema file nests too deeply (C stack overflow)" } },
    { "newline_name", 'return schema "s" {\n    table "t" {\n'
        .. '        serial "id",\n        text "a\\nb",\n    },\n}\n',
      { "4: error: column name 'a\\nb' is not a valid name (did you mean "
        .. "'a_b'?)" } },
}

local only = os.getenv("ORMC_HOSTILE_ONLY") -- one case, when debugging
for _, c in ipairs(cases) do
    local name, src, want, env = c[1], c[2], c[3], c[4]
    if only == nil or only == name then
        local path = dir .. "/" .. name .. ".lua"
        T.write(path, src)
        local shown = T.shown(path)
        local lines = {}
        for i, l in ipairs(want) do lines[i] = shown .. ":" .. l end
        lines[#lines + 1] = string.format("ormc: %d error%s; no files written",
                                          #want, #want == 1 and "" or "s")
        local rc, stdout, stderr = T.sh((env and env .. " " or "") .. T.ormc
                                        .. " gen -o " .. T.quote(out) .. " "
                                        .. T.quote(path))
        T.eq(rc, 2, name .. ": exit status")
        T.eq(stderr, table.concat(lines, "\n") .. "\n", name .. ": messages")
        T.eq(stdout, "", name .. ": nothing on stdout")
        T.ok(not stderr:find("traceback", 1, true), name .. ": no traceback")
        local same, which = T.same_snapshot(before, T.snapshot(out))
        T.ok(same, name .. ": output directory untouched",
             which and ("changed: " .. which))
    end
end

-- A long path, which Lua shortens in its own messages ("...h/x.lua:2:"):
-- the error still names the file as given, and its line.
if only == nil or only == "long_path" then
    local deep = dir .. "/" .. ("a_directory_with_a_long_name/"):rep(3)
    os.execute("mkdir -p " .. T.quote(deep))
    local path = deep .. "runtime_error.lua"
    T.write(path, "local sizes = {}\nlocal x = sizes.medium * 2" .. OK)
    local rc, _, stderr = T.sh(T.ormc .. " gen -o " .. T.quote(out) .. " "
                               .. T.quote(path))
    T.eq(rc, 2, "long_path: exit status")
    T.eq(stderr, T.shown(path) .. ":2: error: attempt to perform arithmetic "
         .. "on a nil value (field 'medium')\normc: 1 error; no files "
         .. "written\n", "long_path: message")
end

-- The wall-clock limit outside the sandbox (generating a large schema):
-- the error names the schema file. (Under a very slow machine the limit
-- may hit while the file runs instead: also a FILE:LINE: error.)
if only == nil or only == "wall_clock_emit" then
    local path = dir .. "/wall_clock_emit.lua"
    T.write(path, [[
local tables = {}
for i = 1, 400 do
    local cols = { serial "id" }
    for j = 1, 20 do cols[#cols + 1] = text("c" .. j) { max = 10 } end
    tables[i] = table("t" .. i)(cols)
end
return schema "big" (tables)
]])
    local rc, _, stderr = T.sh("ORMC_TIME_LIMIT=0.5 " .. T.ormc .. " gen -o "
                               .. T.quote(out) .. " " .. T.quote(path))
    T.eq(rc, 2, "wall_clock_emit: exit status")
    local shown = T.shown(path):gsub("%p", "%%%0")
    T.ok(stderr:find("^" .. shown .. ":%d+: error: [^\n]*\normc: 1 error; "
                     .. "no files written\n$") ~= nil,
         "wall_clock_emit: one FILE:LINE: error", stderr)
    local same, which = T.same_snapshot(before, T.snapshot(out))
    T.ok(same, "wall_clock_emit: output directory untouched", which)
end

-- bin/ormc sets the same address-space limit itself.
if only == nil then
    local path = dir .. "/memory_concat.lua"
    local rc, _, stderr = T.sh("bin/ormc gen -o " .. T.quote(out) .. " "
                               .. T.quote(path))
    T.eq(rc, 2, "bin/ormc: memory_concat: exit status")
    T.eq(stderr, T.shown(path) .. ":3: error: schema uses too much memory\n"
         .. "ormc: 1 error; no files written\n",
         "bin/ormc: memory_concat: message")
end

T.rmrf(dir)
T.done()
