-- load.lua: run a schema file in a sandbox and return what it declared.
--
-- The file is loaded as text (never bytecode) with an environment that holds
-- only the DSL's words: no io, os, require, load, no standard library, no
-- globals in or out. Every DSL call records the file and line it was made
-- from (debug.getinfo), so that later phases can point at the declaration.
--
-- What comes back is the raw declaration tree: plain tables with a `kind`
-- ("schema", "table", "column", "index", "unique", "primary_key"), a `file`
-- and a `line`. Nothing is checked here beyond what the DSL's grammar needs;
-- check.lua does the rest.

local types = require("types")
local util = require("util")

local getinfo, sethook = debug.getinfo, debug.sethook
local format, type, setmetatable = string.format, type, setmetatable

local M = {}

-- The value of `now` (also callable: `now()` reads naturally to SQL users).
local NOW = setmetatable({ kind = "now" }, {
    __call = function(self) return self end,
    __tostring = function() return "now" end,
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
local WORDS = { "schema", "table", "index", "unique", "primary_key", "now" }

local ALL_WORDS = {}
for _, w in ipairs(types.names) do ALL_WORDS[#ALL_WORDS + 1] = w end
for _, w in ipairs(WORDS) do ALL_WORDS[#ALL_WORDS + 1] = w end

-- Instructions a schema file may run (a guard against endless loops).
local MAX_INSTRUCTIONS = 50000000
local HOOK_EVERY = 1000000

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

function M.load_string(src, path, errs)
    errs:file_order(path)
    local level_of_caller = 3 -- DSL function <- its caller in the schema

    local function here(level)
        local info = getinfo(level or level_of_caller, "l")
        return { file = path, line = info and info.currentline or 0 }
    end

    local function err(where, hint, fmt, ...)
        errs:addf(where, hint, fmt, ...)
    end

    -- A stand-in for whatever could not be made, so that one mistake does not
    -- stop the rest of the file from being read (and checked).
    local poison_mt = {}
    local function poison(where, name)
        local p = { kind = "poison", file = where.file, line = where.line,
                    name = name }
        return setmetatable(p, poison_mt)
    end
    -- Was v made by poison()? (Then its mistake is reported already.)
    local function poisoned(v)
        return getmetatable(v) == poison_mt
    end
    poison_mt.__call = function(self, arg)
        if rawget(self, "called") == nil then
            rawset(self, "called", type(arg))
        end
        return self
    end
    poison_mt.__index = function(self, key)
        return self
    end

    -- Objects whose callers must still apply a body: `table "x"` without
    -- `{ ... }`. Checked after the file ran.
    local heads = {}

    local env = {}

    -- Column types: `text "name"` or `text "name" { options }`.
    local column_mt = {}
    column_mt.__call = function(col, opts)
        if col.opts ~= nil then
            err(here(), nil, "column '%s' already has its options", col.name)
            return col
        end
        if type(opts) ~= "table" or getmetatable(opts) ~= nil then
            err(here(), format('write %s "%s" { option = value, ... }',
                               col.type, col.name),
                "options of column '%s' must be a table", col.name)
            col.opts = {}
            return col
        end
        col.opts = opts
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
            return setmetatable({ kind = "column", type = tname, name = name,
                                  file = path, line = where.line }, column_mt)
        end
    end

    -- `table "name" { ... }` and `schema "name" { ... }`: a head that takes
    -- a body.
    local function headed(kind)
        local head_mt = {}
        head_mt.__call = function(head, body)
            heads[head] = nil
            if head.body_given then
                err(here(), nil, "%s '%s' already has a body", kind, head.name)
                return head
            end
            head.body_given = true
            if type(body) ~= "table" or getmetatable(body) ~= nil then
                err(here(), format('write %s "%s" { ... }', kind, head.name),
                    "the body of %s '%s' must be a table", kind, head.name)
                body = {}
            end
            head.kind = kind
            head.body = body
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
            local head = setmetatable({ kind = kind .. "_head", name = name,
                                        file = path, line = where.line },
                                      head_mt)
            heads[head] = true
            return head
        end
    end
    env.schema = headed("schema")
    env.table = headed("table")

    -- `index { "a", "b", unique = true, name = "x" }`, `unique { ... }`,
    -- `primary_key { ... }`: table entries over columns.
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
            return { kind = kind, spec = spec, file = path,
                     line = where.line }
        end
    end
    env.index = entry("index")
    env.unique = entry("unique")
    env.primary_key = entry("primary_key")
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
            unknown[#unknown + 1] = p
            return p
        end,
        __newindex = function(_, name, value)
            err(here(), "schema files cannot set globals; use local",
                "assignment to global '%s'", tostring(name))
            assigned[name] = value
        end,
    })

    local chunk, why = load(src, "@" .. path, "t", env)
    if not chunk then
        M.add_lua_error(errs, path, why)
        return nil
    end

    -- Run it, with an instruction budget.
    local budget = MAX_INSTRUCTIONS // HOOK_EVERY
    sethook(function()
        budget = budget - 1
        if budget <= 0 then
            sethook()
            local info = getinfo(2, "Sl")
            local at = ""
            if info and info.source == "@" .. path then
                at = format("%s:%d: ", path, info.currentline)
            end
            error(at .. "the schema file runs too long (an endless loop?)", 0)
        end
    end, "", HOOK_EVERY)
    local ok, result = pcall(chunk)
    sethook()

    for _, p in ipairs(unknown) do
        M.unknown_name(errs, p)
    end

    if not ok then
        M.add_lua_error(errs, path, result)
        return nil
    end

    for head in pairs(heads) do
        if head.body_given == nil then
            -- pairs() order does not matter: errors are sorted.
            local kind = head.kind:gsub("_head$", "")
            errs:addf(head, format('write %s "%s" { ... }', kind, head.name),
                      "%s '%s' has no body", kind, head.name)
        end
    end

    if type(result) ~= "table" or result.kind ~= "schema" then
        if type(result) == "table" and result.kind == "poison" then
            return nil -- already reported
        end
        errs:add({ file = path, line = 1 },
                 "the schema file must return its schema",
                 'end the file with: return schema "name" { ... }')
        return nil
    end
    return result
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

-- A Lua error message "path:line: message" as an error value.
function M.add_lua_error(errs, path, msg)
    msg = tostring(msg)
    local file, line, text = msg:match("^(.-):(%d+): (.*)$")
    if file == path then
        errs:add({ file = path, line = tonumber(line) }, text)
    else
        errs:add({ file = path, line = 0 }, msg)
    end
end

M.WORDS = WORDS
return M
