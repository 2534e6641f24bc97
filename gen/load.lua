-- load.lua: run a schema file in a sandbox and return what it declared.
--
-- The file is loaded as text (never bytecode) with an environment that holds
-- only the DSL's words: no io, os, require, load, no standard library, no
-- globals in or out. Every DSL call records the file and line it was made
-- from (debug.getinfo), so that later phases can point at the declaration.
--
-- What comes back is the raw declaration tree: plain tables with a `kind`
-- ("schema", "table", "query", "column", "index", "unique", "primary_key",
-- "foreign_key"),
-- a `file` and a `line`. Nothing is checked here beyond what the DSL's
-- grammar needs; check.lua does the rest.

local types = require("types")
local util = require("util")

local getinfo, sethook = debug.getinfo, debug.sethook
local format, type, setmetatable = string.format, type, setmetatable
local sfind, ssub, smatch = string.find, string.sub, string.match
local short_name

local M = {}

-- The value of `now` (also callable: `now()` reads naturally to SQL users).
-- Read-only, as every object the DSL hands out (see run()).
local NOW = setmetatable({}, {
    __index = { kind = "now" },
    __newindex = function()
        error("now is read-only", 2)
    end,
    __call = function(self) return self end,
    __tostring = function() return "now" end,
    __metatable = false,
})
M.NOW = NOW

-- Words that are not the DSL's but that a Lua programmer may reach for.
local LUA_GLOBALS = {}
for w in ([[assert collectgarbage dofile error getmetatable ipairs load
    loadfile next pairs pcall print rawequal rawget rawlen rawset require
    select setmetatable tonumber tostring type xpcall warn coroutine debug io
    math os package string utf8 _G _ENV]]):gmatch("%S+") do
    LUA_GLOBALS[w] = true
end

-- Type names of SQL and of other mappers, and the DSL type to use instead.
local TYPE_ALIASES = {
    varchar = "text", string = "text", char = "text", character = "text",
    int = "integer", int4 = "integer", smallint = "integer",
    int8 = "bigint", long = "bigint", bigserial = "serial",
    float = "double", real = "double", numeric = "double", decimal = "double",
    bool = "boolean", datetime = "timestamp", timestamptz = "timestamp",
    date = "timestamp", bytea = "blob", bytes = "blob", binary = "blob",
    jsonb = "json",
}

-- The DSL's words other than the column types.
local WORDS = { "schema", "table", "query", "index", "unique", "primary_key",
                "foreign_key", "now" }

local ALL_WORDS = {}
for _, w in ipairs(types.names) do ALL_WORDS[#ALL_WORDS + 1] = w end
for _, w in ipairs(WORDS) do ALL_WORDS[#ALL_WORDS + 1] = w end

-- The limits of a schema file's run (docs/generator.md, "Limits").
-- Instructions: a guard against endless loops.
local MAX_INSTRUCTIONS = 50000000
-- CPU seconds: a guard against C functions that run long between two
-- instructions (os.clock, checked with the instruction count).
local MAX_SECONDS = 5
-- The Lua heap while the file runs, in KiB (256 MiB). bin/ormc also caps the
-- whole process's address space, for what one instruction can allocate.
local MAX_MEMORY_KB = 256 * 1024
M.MAX_MEMORY = MAX_MEMORY_KB * 1024
-- How often the hook checks the three: every HOOK_EVERY instructions.
local HOOK_EVERY = 10000

local TOO_LONG = "the schema file runs too long (an endless loop?)"
local TOO_BIG = "schema uses too much memory"
M.TOO_BIG = TOO_BIG

-- The string methods a schema file may call ("x"):rep(3), replacing the
-- string library while it runs. The pattern functions (find with a
-- pattern, match, gmatch, gsub) are left out: a pattern can backtrack for
-- hours inside one C call, where no hook runs. The others are wrapped so
-- that their work counts towards the limits.
local function sandbox_strings(charge)
    local s = {}
    local function sized(f)
        return function(str, ...)
            if type(str) == "string" then charge(#str) end
            return f(str, ...)
        end
    end
    for _, name in ipairs { "byte", "len", "lower", "upper", "reverse",
                            "sub" } do
        s[name] = sized(string[name])
    end
    s.char = string.char
    local sformat = string.format
    s.format = function(fmt, ...)
        local out = sformat(fmt, ...)
        charge(#out)
        return out
    end
    local srep = string.rep
    s.rep = function(str, n, sep)
        local size = (type(str) == "string" and #str or 8)
            + (type(sep) == "string" and #sep or 0)
        if type(n) == "number" and n > 0 and size * n > M.MAX_MEMORY then
            error(TOO_BIG, 2)
        end
        local out = srep(str, n, sep)
        charge(#out)
        return out
    end
    local sfind = string.find
    s.find = function(str, pattern, init, plain)
        if plain ~= true then
            error("string patterns are not available in a schema file; "
                  .. "use find(text, init, true) for a plain search", 2)
        end
        if type(str) == "string" then charge(#str) end
        return sfind(str, pattern, init, true)
    end
    local function no_patterns(name)
        return function()
            error(format("string.%s is not available in a schema file "
                         .. "(string patterns can run for hours)", name), 2)
        end
    end
    s.match, s.gmatch, s.gsub = no_patterns("match"),
        no_patterns("gmatch"), no_patterns("gsub")
    return s
end

-- Load `path`. Returns the raw schema declaration, or nil after recording
-- errors in `errs`. `shown` is the path errors and banners name (default:
-- path).
function M.load_file(path, errs, shown)
    local f, why = io.open(path, "rb")
    if not f then
        errs:add(nil, format("cannot read schema file: %s", why))
        return nil
    end
    local src = f:read("a")
    f:close()
    return M.load_string(src, shown or path, errs)
end

-- Where an error of a schema file belongs: the innermost frame of the file
-- on the stack from `level` up, or nil.
local function schema_frame(chunkname, level)
    while true do
        local info = getinfo(level, "Sl")
        if info == nil then return nil end
        if info.source == chunkname and info.currentline > 0 then
            return info.currentline
        end
        level = level + 1
    end
end

-- How Lua names the file in its messages: the path, or "..." and its end
-- when it is long (LUA_IDSIZE).
local short_names = {}
short_name = function(path)
    local s = short_names[path]
    if s == nil then
        s = getinfo(load("", "@" .. path), "S").short_src
        short_names[path] = s
    end
    return s
end

-- A Lua error message as it is shown: without the traceback that an error
-- in the parser can carry, and without the "path:line: " that is shown
-- separately.
local function clean_message(msg, path)
    -- (No string methods here: this runs while the sandbox's strings are
    -- in place.)
    msg = tostring(msg)
    local tb = sfind(msg, "\nstack traceback:", 1, true)
    if tb then msg = ssub(msg, 1, tb - 1) end
    local file, line, text = smatch(msg, "^(.-):(%d+): (.*)$")
    -- Lua names a long path by its end ("...ratch/x.lua").
    if file == path or file == short_name(path) then
        return text, tonumber(line)
    end
    if msg == "C stack overflow" then
        -- The parser's own limit (about 200 levels), which says no line.
        return "the schema file nests too deeply (C stack overflow)", nil
    end
    return msg, nil
end

local run, errors_like

function M.load_string(src, path, errs)
    errs:file_order(path)
    if src:sub(1, 1) == "\27" then
        errs:add({ file = path, line = 1 }, "the schema file is compiled "
                 .. "Lua; schema files are read as source text only")
        return nil
    end
    -- Run once fast; a DSL call that Lua cannot place (a call in tail
    -- position, `return schema { ... }`, has no caller frame left) makes a
    -- second run that follows the lines. The sandbox has no source of
    -- randomness or time, so both runs do the same.
    local sub = errors_like(errs)
    local result, lost = run(src, path, sub, false)
    if lost then
        sub = errors_like(errs)
        result = run(src, path, sub, true)
    end
    for _, e in ipairs(sub.list) do
        errs:add(e, e.message, e.hint)
    end
    return result
end

-- A fresh error list with the same interface, for a run whose errors may be
-- thrown away.
errors_like = function(errs)
    local list = {}
    return {
        list = list,
        add = function(self, where, message, hint)
            list[#list + 1] = { file = where and where.file,
                                line = where and where.line,
                                message = message, hint = hint }
        end,
        addf = function(self, where, hint, fmt, ...)
            self:add(where, format(fmt, ...), hint)
        end,
        count = function() return #list end,
    }
end

run = function(src, path, errs, precise)
    local chunkname = "@" .. path
    short_name(path) -- (made now: the error handler runs in the sandbox)
    -- The last line of the file seen running: where an error goes that no
    -- frame can place (out of memory; a call in tail position).
    local last_line = 1
    local lost = false

    local function here()
        -- DSL function <- its caller in the schema (level 3; only the
        -- schema's code calls the DSL), unless the call was in tail
        -- position: then the nearest frame of the file.
        local info = getinfo(3, "l")
        local line = info and info.currentline
        if line == nil or line < 1 then
            line = schema_frame(chunkname, 3)
            if line == nil then
                lost = true
                line = last_line
            end
        end
        last_line = line
        return { file = path, line = line }
    end

    local function err(where, hint, fmt, ...)
        errs:addf(where, hint, fmt, ...)
    end

    -- The objects the DSL hands out are read-only proxies: reads go to a
    -- record only this module writes, writes are errors. The checks can
    -- then trust what a column says its name, line or options are.
    local record_of = {}
    local function readonly(self, key)
        local rec = record_of[self]
        error(format("cannot set '%s' of %s; the DSL's objects are "
                     .. "read-only", tostring(key),
                     rec and rec.what or "a DSL object"), 2)
    end
    local function object(rec, call)
        local proxy = setmetatable({}, { __index = rec, __newindex = readonly,
                                         __call = call, __metatable = false })
        record_of[proxy] = rec
        return proxy, rec
    end

    -- A stand-in for whatever could not be made, so that one mistake does not
    -- stop the rest of the file from being read (and checked). Any field of
    -- it is itself, calling it records how, writing to it is ignored (its
    -- mistake is reported already).
    local poisons = {}
    local function poison(where, name)
        local rec = { kind = "poison", file = where.file, line = where.line,
                      name = name }
        local proxy
        proxy = setmetatable({}, {
            __index = function(_, key)
                local v = rec[key]
                if v == nil then return proxy end
                return v
            end,
            __newindex = function() end,
            __call = function(_, arg)
                if rec.called == nil then rec.called = type(arg) end
                return proxy
            end,
            __metatable = false,
        })
        poisons[proxy] = rec
        return proxy
    end
    -- Was v made by poison()? (Then its mistake is reported already.)
    local function poisoned(v)
        return poisons[v] ~= nil
    end

    -- Objects whose callers must still apply a body: `table "x"` without
    -- `{ ... }`. Checked after the file ran.
    local heads = {}

    local env = {}

    -- Column types: `text "name"` or `text "name" { options }`.
    local function column_call(col, opts)
        local rec = record_of[col]
        if rec.opts ~= nil then
            err(here(), nil, "column '%s' already has its options", rec.name)
            return col
        end
        if type(opts) ~= "table" or getmetatable(opts) ~= nil then
            err(here(), format('write %s "%s" { option = value, ... }',
                               rec.type, rec.name),
                "options of column '%s' must be a table", rec.name)
            rec.opts = {}
            return col
        end
        rec.opts = opts
        return col
    end
    for _, tname in ipairs(types.names) do
        env[tname] = function(name, extra)
            local where = here()
            if poisoned(name) then return name end
            if type(name) ~= "string" then
                err(where, format('write %s "name"', tname),
                    "a %s column needs a name", tname)
                return poison(where, tname)
            end
            if extra ~= nil then
                err(where, format('write %s "%s" { ... }', tname, name),
                    "column '%s': options go in braces after the name", name)
            end
            return (object({ kind = "column", type = tname, name = name,
                             file = path, line = where.line,
                             what = format("column '%s'", name) },
                           column_call))
        end
    end

    -- `table "name" { ... }` and `schema "name" { ... }`: a head that takes
    -- a body. Its errors point at the head, which Lua always places (the
    -- body's call may be in tail position).
    local function headed(kind)
        local function head_call(head, body)
            local rec = record_of[head]
            heads[rec] = nil
            if rec.body_given then
                err(rec, nil, "%s '%s' already has a body", kind, rec.name)
                return head
            end
            rec.body_given = true
            if type(body) ~= "table" or getmetatable(body) ~= nil then
                err(rec, format('write %s "%s" { ... }', kind, rec.name),
                    "the body of %s '%s' must be a table", kind, rec.name)
                body = {}
            end
            rec.kind = kind
            rec.body = body
            return head
        end
        return function(name, extra)
            local where = here()
            if poisoned(name) then return name end
            if type(name) ~= "string" then
                err(where, format('write %s "name" { ... }', kind),
                    "a %s needs a name", kind)
                return poison(where, kind)
            end
            if extra ~= nil then
                err(where, format('write %s "%s" { ... }', kind, name),
                    "%s '%s': its body goes in braces after the name", kind,
                    name)
            end
            local head, rec = object({ kind = kind .. "_head", name = name,
                                       file = path, line = where.line,
                                       what = format("%s '%s'", kind, name) },
                                     head_call)
            heads[rec] = true
            return head
        end
    end
    env.schema = headed("schema")
    env.table = headed("table")
    env.query = headed("query")

    -- `index { "a", "b", unique = true, name = "x" }`, `unique { ... }`,
    -- `primary_key { ... }`, `foreign_key { "a", "b", references = "t" }`:
    -- table entries over columns.
    local function entry(kind)
        return function(spec, extra)
            local where = here()
            if poisoned(spec) then return spec end
            if type(spec) ~= "table" or getmetatable(spec) ~= nil then
                err(where, format('write %s { "column", ... }', kind),
                    "%s takes a table of column names", kind)
                return poison(where, kind)
            end
            if extra ~= nil then
                err(where, format('write %s { "column", ... }', kind),
                    "%s takes one table", kind)
            end
            return (object({ kind = kind, spec = spec, file = path,
                             line = where.line, what = kind }))
        end
    end
    env.index = entry("index")
    env.unique = entry("unique")
    env.primary_key = entry("primary_key")
    env.foreign_key = entry("foreign_key")
    env.now = NOW

    -- Unknown names: remember them with a stand-in, decide the message once
    -- the file has run (a name called with a string is meant as a type).
    local unknown = {}
    local assigned = {}
    setmetatable(env, {
        __index = function(_, name)
            if assigned[name] ~= nil then return assigned[name] end
            local where = here()
            local p = poison(where, name)
            unknown[#unknown + 1] = poisons[p]
            return p
        end,
        __newindex = function(_, name, value)
            err(here(), "schema files cannot set globals; use local",
                "assignment to global '%s'", tostring(name))
            assigned[name] = value
        end,
        __metatable = false,
    })

    local chunk, why = load(src, chunkname, "t", env)
    if not chunk then
        local text, line = clean_message(why, path)
        errs:add({ file = path, line = line or 1 }, text)
        return nil
    end

    -- Run it within the limits. The collector runs meanwhile (main stops
    -- it), so that the heap measures what the file keeps.
    local budget = MAX_INSTRUCTIONS // HOOK_EVERY
    local deadline = os.clock() + MAX_SECONDS
    local work = 0
    local function stop(message, level)
        local line = schema_frame(chunkname, level + 1) or last_line
        error({ line = line, message = message }, 0)
    end
    local function check_memory(level)
        if collectgarbage("count") > MAX_MEMORY_KB then
            collectgarbage("collect")
            if collectgarbage("count") > MAX_MEMORY_KB then
                stop(TOO_BIG, level + 1)
            end
        end
    end
    -- Work done inside string functions, in bytes: a megabyte counts as a
    -- hook's worth of instructions.
    local function charge(bytes)
        work = work + bytes
        if work > 1048576 then
            work = 0
            if os.clock() > deadline then stop(TOO_LONG, 3) end
            check_memory(3)
        end
    end
    local hook = function(event, line)
        if event == "line" then
            if getinfo(2, "S").source == chunkname then last_line = line end
            return
        end
        budget = budget - 1
        if budget <= 0 or os.clock() > deadline then stop(TOO_LONG, 3) end
        check_memory(3)
    end
    local string_mt = getmetatable("")
    local lua_strings = string_mt.__index
    local function handler(e)
        if type(e) == "table" then return e end
        if sfind(tostring(e), "interrupted!", 1, true) then
            -- SIGINT, which lua.c turns into this error: the wall-clock
            -- limit of bin/ormc (or a user's Ctrl-C), for what runs long
            -- inside single instructions between two checks of the hook.
            return { line = schema_frame(chunkname, 2) or last_line,
                     message = TOO_LONG }
        end
        local text, line = clean_message(e, path)
        return { line = line or schema_frame(chunkname, 3) or last_line,
                 message = text }
    end
    string_mt.__index = sandbox_strings(charge)
    collectgarbage("restart")
    sethook(hook, precise and "l" or "", HOOK_EVERY)
    local ok, result = xpcall(chunk, handler)
    sethook()
    string_mt.__index = lua_strings
    collectgarbage("collect")
    collectgarbage("stop")

    for _, p in ipairs(unknown) do
        M.unknown_name(errs, p)
    end

    if not ok then
        if type(result) ~= "table" then
            -- An allocation failed (the handler is not called for that).
            -- An allocation failed (the handler is not called for that):
            -- no frame is left to say where, so a second run follows the
            -- lines to find out.
            local oom = sfind(tostring(result), "not enough memory", 1, true)
            result = { line = last_line,
                       message = oom and TOO_BIG
                           or clean_message(result, path) }
            lost = lost or oom ~= nil
        end
        errs:add({ file = path, line = result.line }, result.message)
        return nil, lost
    end

    for rec in pairs(heads) do
        if rec.body_given == nil then
            -- pairs() order does not matter: errors are sorted.
            local kind = rec.kind:gsub("_head$", "")
            errs:addf(rec, format('write %s "%s" { ... }', kind, rec.name),
                      "%s '%s' has no body", kind, rec.name)
        end
    end

    if type(result) ~= "table" or result.kind ~= "schema"
        or record_of[result] == nil then
        if poisoned(result) then
            return nil, lost -- already reported
        end
        errs:add({ file = path, line = 1 },
                 "the schema file must return its schema",
                 'end the file with: return schema "name" { ... }')
        return nil, lost
    end
    return result, lost
end

-- The error for a name that is not part of the DSL.
function M.unknown_name(errs, p)
    local name = p.name
    if LUA_GLOBALS[name] then
        errs:addf(p, "a schema file runs in a sandbox that has only the DSL's "
                  .. "words", "'%s' is not available in a schema file", name)
        return
    end
    if rawget(p, "called") == "string" then
        local s = TYPE_ALIASES[name:lower()] or util.suggest(name, types.names)
        if s then
            errs:addf(p, format("did you mean '%s'?", s),
                      "unknown column type '%s'", name)
            return
        end
        s = util.suggest(name, WORDS)
        if s then
            errs:addf(p, format("did you mean '%s'?", s),
                      "unknown word '%s'", name)
            return
        end
        errs:addf(p, "the types are " .. table.concat(types.names, ", "),
                  "unknown column type '%s'", name)
        return
    end
    local s = util.suggest(name, ALL_WORDS)
    errs:addf(p, s and format("did you mean '%s'?", s)
                  or "a schema file sees only the DSL's words",
              "unknown name '%s'", name)
end

M.WORDS = WORDS
return M
