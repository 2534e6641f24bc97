-- check_options.lua: the grammar of one DSL declaration: its options (known
-- names, Lua types, with hints for the names other tools use), its DSL
-- name, its SQL name (length, reserved words, SQLite's prefix) and its doc.
-- The helpers of check_table.lua and check.lua.

local types = require("types")
local keywords = require("keywords")
local names = require("names")
local util = require("util")
local load = require("load")

local format, type, concat, sort = string.format, type, table.concat,
    table.sort
local math_type, tointeger = math.type, math.tointeger

local M = {}

local NOW = load.NOW

-- A name as the DSL wants it (lower-case snake case).
local function valid_name(s)
    return type(s) == "string" and s:match("^[a-z][a-z0-9_]*$") ~= nil
        and not s:find("__", 1, true) and s:sub(-1) ~= "_"
end

local function name_hint(s)
    local n = names.to_name(s)
    if n and n ~= s then return format("did you mean '%s'?", n) end
    return "use lower-case letters, digits and single underscores, "
        .. "starting with a letter"
end

-- A doc string as one line of single-spaced words (docs end up in C and
-- SQL comments, which are re-wrapped).
local function doc_text(s)
    if s == nil then return nil end
    s = s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
    if s == "" then return nil end
    return s
end

-- The integer value of a Lua number, or nil.
local function as_integer(v)
    if math_type(v) == "integer" then return v end
    if math_type(v) == "float" then return tointeger(v) end
    return nil
end

local function lua_type_name(v)
    if v == NOW then return "now" end
    return type(v)
end

-- Check the options of a DSL entry against `allowed` ({key = lua type});
-- unknown keys and values of the wrong type are errors. Returns a table of
-- the options that passed.
-- Options people coming from other tools write, and what ormc calls them.
local OPTION_HINTS = {
    nullable = "columns are nullable unless not_null = true",
    null = "columns are nullable unless not_null = true",
    length = "did you mean 'max'?", size = "did you mean 'max'?",
    max_length = "did you mean 'max'?", maxlen = "did you mean 'max'?",
    pk = "did you mean 'primary_key'?", fk = "did you mean 'references'?",
    comment = "did you mean 'doc'?", description = "did you mean 'doc'?",
    name = nil,
}

local function check_options(errs, where, what, opts, allowed, allowed_names)
    local ok = {}
    -- The string keys, sorted; array items are handled by the caller (a
    -- table's body holds its columns, a schema's its tables).
    local keys = {}
    for key in pairs(opts) do
        if type(key) == "string" then keys[#keys + 1] = key end
    end
    sort(keys)
    for _, key in ipairs(keys) do
        local v = opts[key]
        if allowed[key] == nil then
            errs:addf(where, (allowed.max and OPTION_HINTS[key])
                      or util.did_you_mean(key, allowed_names)
                      or ("the options are " .. concat(allowed_names, ", ")),
                      "unknown option '%s' for %s", key, what)
        elseif allowed[key] ~= "any" and type(v) ~= allowed[key] then
            errs:addf(where, nil, "option '%s' of %s must be a %s, not %s",
                      key, what, allowed[key], lua_type_name(v))
        else
            ok[key] = v
        end
    end
    return ok
end

-- Check a name used in SQL: length, and not a reserved word.
local function check_sql_name(errs, where, what, sql_name, from_option)
    if #sql_name > types.MAX_SQL_NAME then
        errs:addf(where, from_option and "choose a shorter sql_name"
                  or "choose a shorter name, or set a shorter sql_name",
                  "the SQL name of %s is %d bytes long; PostgreSQL keeps %d",
                  what, #sql_name, types.MAX_SQL_NAME)
    end
    if keywords.sql[sql_name] then
        errs:addf(where, from_option and "choose another sql_name"
                  or "rename it, or set sql_name to another SQL name",
                  "%s: '%s' is a reserved word in SQL", what, sql_name)
    end
end

-- SQLite refuses to create a table or an index whose name begins with
-- sqlite_ ("object name reserved for internal use").
local function check_sqlite_prefix(errs, where, what, sql_name, from_option)
    if sql_name:sub(1, 7):lower() == "sqlite_" then
        errs:addf(where, from_option and "choose another name"
                  or "rename it, or set sql_name to another SQL name",
                  "the SQL name '%s' of %s begins with sqlite_, which SQLite "
                  .. "reserves", sql_name, what)
    end
end

local function check_sql_option(errs, where, what, v)
    if v:match("^[a-z_][a-z0-9_]*$") == nil then
        errs:addf(where, "use lower-case letters, digits and underscores",
                  "sql_name '%s' of %s is not a plain SQL identifier", v,
                  what)
        return false
    end
    return true
end


M.valid_name, M.name_hint, M.doc_text = valid_name, name_hint, doc_text
M.as_integer, M.lua_type_name = as_integer, lua_type_name
M.options, M.sql_name = check_options, check_sql_name
M.sqlite_prefix, M.sql_option = check_sqlite_prefix, check_sql_option

return M
