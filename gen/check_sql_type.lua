-- check_sql_type.lua: a column's sql_type option, the SQL type an existing
-- database gives it instead of ormc's own mapping (dialect.lua):
-- sql_type = "TYPE" (both dialects) or { sqlite = "TYPE", postgres = "TYPE" }
-- (either key optional). The type must be of the DSL type's family, so
-- that the values ormc writes and reads stay what the column holds: an
-- integer column cannot be "text". What counts as the same family is what
-- the database converts to and from the C type without loss (SQLite's
-- type affinity for SQLite; the types of the same kind for PostgreSQL).

local util = require("util")

local format, concat = string.format, table.concat

local M = {}

-- The family of an SQL type name, by SQLite's affinity rules for SQLite
-- (https://sqlite.org/datatype3.html, 3.1) and by its name for PostgreSQL.
local function sqlite_family(s)
    local u = s:upper()
    if u:find("INT", 1, true) then return "integer" end
    if u:find("CHAR", 1, true) or u:find("CLOB", 1, true)
        or u:find("TEXT", 1, true) then
        return "text"
    end
    if u:find("BLOB", 1, true) then return "blob" end
    if u:find("REAL", 1, true) or u:find("FLOA", 1, true)
        or u:find("DOUB", 1, true) then
        return "real"
    end
    return "numeric"
end

local POSTGRES_FAMILY = {
    smallint = "integer", integer = "integer", int = "integer",
    int2 = "integer", int4 = "integer", int8 = "integer", bigint = "integer",
    real = "real", float4 = "real", float8 = "real",
    ["double precision"] = "real", numeric = "real", decimal = "real",
    boolean = "boolean", bool = "boolean",
    text = "text", varchar = "text", ["character varying"] = "text",
    char = "text", character = "text", citext = "text", bpchar = "text",
    bytea = "blob",
    timestamp = "timestamp", timestamptz = "timestamp",
    ["timestamp with time zone"] = "timestamp",
    ["timestamp without time zone"] = "timestamp",
    json = "json", jsonb = "json", uuid = "uuid",
}

local function postgres_family(s)
    local base = s:lower():gsub("%b()", ""):gsub("%s+", " ")
    base = base:gsub("^%s+", ""):gsub("%s+$", "")
    return POSTGRES_FAMILY[base] or "other"
end

-- The families each DSL type takes, per dialect: what stores its values
-- unchanged. SQLite: an integer in INTEGER or NUMERIC affinity, text in
-- TEXT; timestamps and UUIDs (never number-like) also in NUMERIC
-- (DATETIME); anything in BLOB.
local SQLITE_TAKES = {
    integer = { integer = true, numeric = true },
    bigint = { integer = true, numeric = true },
    serial = { integer = true },
    boolean = { integer = true, numeric = true },
    double = { real = true, numeric = true },
    text = { text = true }, enum = { text = true }, json = { text = true },
    uuid = { text = true, numeric = true },
    timestamp = { text = true, numeric = true },
    blob = { blob = true },
}
local POSTGRES_TAKES = {
    integer = { integer = true }, bigint = { integer = true },
    serial = { integer = true }, boolean = { boolean = true },
    double = { real = true }, text = { text = true }, enum = { text = true },
    json = { json = true }, uuid = { uuid = true },
    timestamp = { timestamp = true }, blob = { blob = true },
}

local DIALECTS = {
    { key = "sqlite", name = "SQLite", family = sqlite_family,
      takes = SQLITE_TAKES },
    { key = "postgres", name = "PostgreSQL", family = postgres_family,
      takes = POSTGRES_TAKES },
}

-- The SQL types of column c's sql_type option v: { sqlite = ..., postgres
-- = ... } (a key absent: ormc's own type there), or nil after an error.
function M.check(errs, raw, what, c, v)
    local by_key = {}
    if type(v) == "string" then
        by_key.sqlite, by_key.postgres = v, v
    elseif type(v) == "table" then
        for k in pairs(v) do
            if k ~= "sqlite" and k ~= "postgres" then
                errs:addf(raw, "write sql_type = { sqlite = \"...\", "
                          .. "postgres = \"...\" }",
                          "sql_type of %s has an unknown key '%s'", what,
                          tostring(k))
                return nil
            end
        end
        by_key.sqlite, by_key.postgres = v.sqlite, v.postgres
    else
        errs:addf(raw, "write sql_type = \"TYPE\" or { sqlite = \"...\", "
                  .. "postgres = \"...\" }",
                  "sql_type of %s must be a string or a table, not %s",
                  what, type(v))
        return nil
    end
    local out, ok = {}, true
    for _, d in ipairs(DIALECTS) do
        local s = by_key[d.key]
        if s == nil then
            -- ormc's own type there
        elseif type(s) ~= "string" or not s:match("^[%w_ ]+[%w_ (),]*$")
            or not s:match("%w") then
            errs:addf(raw, "a type name, with its size in parentheses if "
                      .. "any: \"VARCHAR(32)\"",
                      "sql_type of %s for %s is not a type name: %s", what,
                      d.name, type(s) == "string" and util.sql_string(s)
                          or type(s))
            ok = false
        elseif not d.takes[c.type][d.family(s)] then
            local fams = util.sorted_keys(d.takes[c.type])
            errs:addf(raw, format("a type of the %s family on %s, as ormc "
                                  .. "reads and writes %s",
                                  concat(fams, " or "), d.name, c.type),
                      "sql_type of %s is %s for %s, which does not hold "
                      .. "%s values", what, util.sql_string(s), d.name,
                      c.type)
            ok = false
        else
            out[d.key] = s
        end
    end
    return ok and out or nil
end

return M
