-- check.lua: check what a schema file declared, and normalize it: the
-- schema declaration itself, and the order the checks run in.
--
-- check.schema(raw, errs) reads the raw declaration tree of load.lua, records
-- every problem it finds in errs (with the file and line of the declaration)
-- and returns a normalized schema (see the shape below) in which whatever was
-- wrong has been left out, so that later checks can still run: each table
-- (check_table.lua, with check_options.lua and check_values.lua), then the
-- references between them (check_refs.lua).
-- check.model(model, errs) runs the checks that need the derived model
-- (check_names.lua): C name collisions, SQL names, reference cycles.
--
-- Normalized schema:
--   { name, doc, file, line, tables = { table... },
--     queries = { query... } (check_query.lua) }
-- table:
--   { name, sql_name, doc, file, line, columns = { column... },
--     by_name = { [name] = column }, pk = { column names, key order },
--     pk_name, pk_where, constraints = { constraint... },
--     fk_entries = { foreign_key... } }
-- column:
--   { name, sql_name, type, not_null, pk, unique, default (a value, load.NOW
--     or nil), max, tz, labels, ref = { table, column, on_delete } or nil,
--     relation, inverse (names given, or nil), renamed_from, doc, file,
--     line }
-- foreign_key (the foreign_key { } entries, in order):
--   { cols = { names }, ref = { table, to = { names } or nil (the parent's
--     primary key), on_delete }, relation, inverse, name, doc, file, line }
-- constraint (unique columns first, then unique {} and index {} in order):
--   { kind = "unique" | "index", cols = { names }, unique, name, doc,
--     file, line, from_column }

local types = require("types")
local opt = require("check_options")
local check_table = require("check_table").table
local check_refs = require("check_refs")
local check_names = require("check_names")
local check_query = require("check_query")

local format, type = string.format, type
local valid_name, name_hint, doc_text = opt.valid_name, opt.name_hint,
    opt.doc_text
local check_options, lua_type_name = opt.options, opt.lua_type_name

local M = {}

-- The longest schema name (see M.schema).
M.MAX_SCHEMA_NAME = 200

-- Check one raw schema; returns the normalized schema or nil.
function M.schema(raw, errs)
    local s = { name = raw.name, file = raw.file, line = raw.line,
                tables = {}, by_name = {}, queries = {} }
    if not valid_name(raw.name) then
        errs:addf(raw, name_hint(raw.name),
                  "schema name '%s' is not a valid name", raw.name)
        return nil
    end
    -- The name is in the output files' names (NAME.sqlite.sql, NAME.h, and
    -- while they are written .NAME.postgres.sql.tmp-...), which a file
    -- system keeps to 255 bytes.
    if #raw.name > M.MAX_SCHEMA_NAME then
        errs:addf(raw, nil, "schema name '%s...' is %d characters long: "
                  .. "the file names ormc writes need it at most %d",
                  raw.name:sub(1, 20), #raw.name, M.MAX_SCHEMA_NAME)
        return nil
    end
    if raw.name == "ormc" or raw.name:match("^ormc_") then
        errs:addf(raw, "the prefix ormc_ belongs to the runtime",
                  "schema name '%s' is reserved", raw.name)
    end
    local o = check_options(errs, raw, format("schema '%s'", raw.name),
                            raw.body, { doc = "string", checks = "string" },
                            { "checks", "doc" })
    s.doc = doc_text(o.doc)
    -- Where a text's max is enforced on SQLite: "client" (the default),
    -- ormc's checks before every write only; "database", a CHECK
    -- (length(x) <= n) in the table too (docs/generator.md).
    s.checks = o.checks or "client"
    if o.checks ~= nil and o.checks ~= "client" and o.checks ~= "database"
    then
        errs:addf(raw, "\"client\": ormc checks a max before every "
                  .. "write; \"database\": SQLite's DDL has CHECKs too",
                  "option 'checks' of schema '%s' must be \"client\" or "
                  .. "\"database\", not \"%s\"", raw.name, o.checks)
        s.checks = "client"
    end
    local sql_names, queries = {}, {}
    for i = 1, #raw.body do
        local item = raw.body[i]
        if type(item) == "table" and item.kind == "table" then
            local t = check_table(errs, item)
            if t == nil then
                -- reported
            elseif s.by_name[t.name] then
                errs:addf(item, format("the first is at line %d",
                                       s.by_name[t.name].line),
                          "duplicate table '%s'", t.name)
            else
                if sql_names[t.sql_name] then
                    errs:addf(item, nil, "tables '%s' and '%s' have the same "
                              .. "SQL name '%s'", sql_names[t.sql_name].name,
                              t.name, t.sql_name)
                end
                sql_names[t.sql_name] = t
                s.tables[#s.tables + 1] = t
                s.by_name[t.name] = t
            end
        elseif type(item) == "table" and item.kind == "query" then
            local q = check_query.query(errs, item)
            local first = q and queries[q.name]
            if first then
                errs:addf(item, format("the first is at line %d", first.line),
                          "duplicate query '%s'", q.name)
            elseif q then
                queries[q.name] = q
                s.queries[#s.queries + 1] = q
            end
        elseif type(item) == "table" and (item.kind == "poison"
                or item.kind == "table_head" or item.kind == "query_head") then
            -- reported where it was made
        elseif type(item) == "table" and item.kind == "column" then
            errs:addf(item, "columns belong in a table { ... }",
                      "column '%s' is declared outside any table", item.name)
        else
            errs:addf(raw, "a schema holds tables and queries",
                      "item %d of schema '%s' is a %s", i, raw.name,
                      type(item) == "table" and (item.kind or "table")
                      or lua_type_name(item))
        end
    end
    if #raw.body == 0 then
        errs:addf(raw, 'add table "name" { ... }',
                  "schema '%s' has no tables", raw.name)
    end
    if #s.tables > types.MAX_TABLES then
        errs:addf(raw, nil, "schema '%s' has %d tables; ormc allows at most %d",
                  raw.name, #s.tables, types.MAX_TABLES)
    end

    -- References, now that every table is known.
    check_refs.references(s, errs)
    return s
end

M.model = check_names.model

return M
