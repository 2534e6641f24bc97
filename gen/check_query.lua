-- check_query.lua: one `query "name" { ... }` declaration (docs/queries.md):
-- its name, returns, SQL text (one, or one per dialect), doc, and the
-- params and columns overrides. What the SQL means is checked later, against
-- the schema's tables, by query.lua.
--
-- Normalized query:
--   { name, doc, returns = "one" | "many" | "exec",
--     sql = { sqlite = text, postgres = text } (the dialects it runs on),
--     dialects = { sqlite = true, postgres = true } (or one of them),
--     param_types = { [name] = type }, column_types = { [name] = { type,
--     not_null } }, file, line }

local opt = require("check_options")
local util = require("util")

local format, type, concat = string.format, type, table.concat

local M = {}

local RETURNS = { one = true, many = true, exec = true }

-- The types an override may name: the value types (serial is a column's
-- way of being bigint; an enum has labels only a table declares).
M.VALUE_TYPES = { "integer", "bigint", "double", "boolean", "text", "blob",
                  "timestamp", "json", "uuid" }
local VALUE_TYPE = {}
for _, t in ipairs(M.VALUE_TYPES) do VALUE_TYPE[t] = true end

local OPTIONS = { doc = "string", returns = "string", sql = "any",
                  params = "table", columns = "table", dialects = "table" }
local OPTION_NAMES = { "doc", "returns", "sql", "params", "columns",
                       "dialects" }
local DIALECTS = { "sqlite", "postgres" }

local function err(errs, q, hint, fmt, ...)
    errs:addf(q, hint, "query \"%s\": " .. fmt, q.name, ...)
end

local function value_type(errs, q, what, t)
    if type(t) == "string" and VALUE_TYPE[t] then return t end
    err(errs, q, "the types are " .. concat(M.VALUE_TYPES, ", "),
        "%s: unknown type '%s'", what, tostring(t))
    return nil
end

-- Check one raw query (load.lua's record); the normalized query or nil.
function M.query(errs, raw)
    if not opt.valid_name(raw.name) then
        errs:addf(raw, opt.name_hint(raw.name),
                  "query name '%s' is not a valid name", raw.name)
        return nil
    end
    local q = { name = raw.name, file = raw.file, line = raw.line,
                param_types = {}, column_types = {} }
    local body = raw.body
    for i = 1, #body do
        err(errs, q, "a query's body holds options only",
            "item %d of the body is not an option", i)
    end
    local o = opt.options(errs, raw, format("query '%s'", raw.name), body,
                          OPTIONS, OPTION_NAMES)
    q.doc = opt.doc_text(o.doc)
    local ok = true
    if o.returns == nil then
        if body.returns == nil then
            err(errs, q, 'returns = "one", "many" or "exec"',
                "says nothing of what it returns")
        end
        ok = false
    elseif not RETURNS[o.returns] then
        err(errs, q, 'returns = "one", "many" or "exec"',
            "unknown returns '%s'", o.returns)
        ok = false
    end
    q.returns = o.returns

    -- The dialects it runs on: both unless `dialects` says.
    q.dialects = { sqlite = true, postgres = true }
    if o.dialects then
        q.dialects = {}
        if #o.dialects == 0 then
            err(errs, q, 'dialects = { "sqlite" } or { "postgres" }',
                "dialects lists no dialect")
            ok = false
        end
        for _, dname in ipairs(o.dialects) do
            if dname == "sqlite" or dname == "postgres" then
                q.dialects[dname] = true
            else
                err(errs, q, 'dialects = { "sqlite" } or { "postgres" }',
                    "dialects: unknown dialect '%s'", tostring(dname))
                ok = false
            end
        end
    end

    local sql = o.sql
    if type(sql) == "string" then
        q.sql = {}
        for _, dname in ipairs(DIALECTS) do
            if q.dialects[dname] then q.sql[dname] = sql end
        end
    elseif type(sql) == "table" then
        q.sql = {}
        for _, k in ipairs(util.sorted_keys(sql)) do
            local v = sql[k]
            if k ~= "sqlite" and k ~= "postgres" then
                err(errs, q, "sql = { sqlite = [[...]], postgres = [[...]] }",
                    "sql has an entry '%s'", tostring(k))
                ok = false
            elseif type(v) ~= "string" then
                err(errs, q, nil, "sql.%s must be a string", k)
                ok = false
            else
                q.sql[k] = v
            end
        end
        for _, dname in ipairs(DIALECTS) do
            if ok and q.dialects[dname] and q.sql[dname] == nil then
                err(errs, q, format("give one, or leave %s out of "
                                    .. "dialects", dname),
                    "sql has no %s text", dname)
                ok = false
            elseif ok and not q.dialects[dname] and q.sql[dname] then
                err(errs, q, nil, "sql has a %s text, which dialects leaves "
                    .. "out", dname)
                ok = false
            end
        end
    elseif body.sql == nil then
        err(errs, q, "sql = [[ SELECT ... ]]", "has no sql")
        ok = false
    else
        err(errs, q, nil, "sql must be a string or a table, not %s",
            opt.lua_type_name(sql))
        ok = false
    end

    local params, columns = o.params or {}, o.columns or {}
    for _, name in ipairs(util.sorted_keys(params)) do
        local t = params[name]
        if type(name) ~= "string" then
            err(errs, q, 'params = { name = "type" }',
                "params holds an item without a name")
            ok = false
        else
            local v = value_type(errs, q, format("parameter '%s'", name), t)
            if v then q.param_types[name] = v else ok = false end
        end
    end
    for _, name in ipairs(util.sorted_keys(columns)) do
        local spec = columns[name]
        if type(name) ~= "string" or type(spec) ~= "table" then
            err(errs, q, 'columns = { name = { type = "bigint", '
                .. 'not_null = true } }', "columns holds a bad entry")
            ok = false
        else
            local v = value_type(errs, q, format("column '%s'", name),
                                 spec.type)
            if spec.not_null ~= nil and type(spec.not_null) ~= "boolean" then
                err(errs, q, nil, "column '%s': not_null must be a boolean",
                    name)
                v = nil
            end
            if v then
                q.column_types[name] = { type = v,
                                         not_null = spec.not_null == true }
            else
                ok = false
            end
        end
    end
    if not ok then return nil end
    return q
end

return M
