-- check_table.lua: one table declaration: its columns (names, options,
-- keys, references as written), its index, unique, primary_key and
-- foreign_key entries, its one primary key and its unique constraints;
-- returns the normalized table (the shape is in check.lua). Whether a
-- reference's target exists is check_refs.lua's, once every table is known.

local types = require("types")
local keywords = require("keywords")
local util = require("util")
local opt = require("check_options")
local values = require("check_values")
local sql_types = require("check_sql_type")

local format, type, concat = string.format, type, table.concat
local valid_name, name_hint, doc_text = opt.valid_name, opt.name_hint,
    opt.doc_text
local as_integer, lua_type_name = opt.as_integer, opt.lua_type_name
local check_options, check_sql_name = opt.options, opt.sql_name
local check_sqlite_prefix, check_sql_option = opt.sqlite_prefix,
    opt.sql_option
local check_default, check_labels = values.default, values.labels

local M = {}

local check_foreign_key

-- Column options and what kind of Lua value each takes.
local COLUMN_OPTIONS = {
    not_null = "boolean", primary_key = "boolean", unique = "boolean",
    default = "any", max = "number", tz = "boolean", values = "table",
    references = "string", on_delete = "string", renamed_from = "string",
    doc = "string", sql_name = "string", relation = "string",
    inverse = "string", secret = "boolean",
    -- what an existing database has (docs/schema.md "Sharing a database")
    bits = "number", sql_type = "any", server_default = "boolean",
    -- SQLite: a serial that never gives a deleted row's key again
    autoincrement = "boolean",
}
local COLUMN_OPTION_NAMES = util.sorted_keys(COLUMN_OPTIONS)

-- Options that only some types take.
local OPTION_TYPES = {
    max = { text = true },
    tz = { timestamp = true },
    values = { enum = true },
    -- the types whose values the runtime can hide wherever they would be
    -- shown (a number or a date is shown in messages of its own)
    secret = { text = true, json = true, blob = true },
    bits = { serial = true },
    autoincrement = { serial = true },
}
local OPTION_FOR = {
    max = "text columns", tz = "timestamp columns", values = "enum columns",
    secret = "text, json and blob columns",
    bits = "serial columns", autoincrement = "serial columns",
}

local ON_DELETE, ON_DELETE_NAMES = types.ON_DELETE, types.ON_DELETE_NAMES

local ENTRY_OPTIONS = {
    index = { unique = "boolean", name = "string", doc = "string" },
    unique = { name = "string", doc = "string" },
    primary_key = { name = "string" },
    foreign_key = { references = "string", to = "table", on_delete = "string",
                    relation = "string", inverse = "string", name = "string",
                    doc = "string" },
}

-- A relation = or inverse = name (of a column or a foreign_key entry):
-- a plain lower-case identifier, as the generated functions' names take it.
-- Returns the name, or nil after an error.
local function check_relation_name(errs, where, what, key, v)
    if v == nil then return nil end
    if not valid_name(v) then
        errs:addf(where, name_hint(v), "%s '%s' of %s is not a valid name",
                  key, v, what)
        return nil
    end
    return v
end

-- The on_delete of a column or a foreign_key entry: the action's name, or
-- nil after an error. cols: the key's columns (checked objects).
local function check_on_delete(errs, where, what, v, cols)
    if not ON_DELETE[v] then
        errs:addf(where, util.did_you_mean(v, ON_DELETE_NAMES)
                  or ("use one of " .. concat(ON_DELETE_NAMES, ", ")),
                  "on_delete of %s cannot be '%s'", what, v)
        return nil
    end
    for _, c in ipairs(cols) do
        if v == "set_null" and c.not_null then
            errs:addf(where, "make the column nullable, or use cascade",
                      "%s: column '%s' is not null, so on_delete cannot be "
                      .. "set_null", what, c.name)
            return nil
        elseif v == "set_default" and c.default == nil then
            errs:addf(where, "give the column a default",
                      "%s: column '%s' has no default, so on_delete cannot "
                      .. "be set_default", what, c.name)
            return nil
        end
    end
    return v
end

-- One column declaration.
local function check_column(errs, t, raw)
    local c = { name = raw.name, type = raw.type, file = raw.file,
                line = raw.line }
    local what = format("column '%s'", tostring(raw.name))
    if not valid_name(raw.name) then
        errs:addf(raw, name_hint(raw.name),
                  "column name '%s' is not a valid name", raw.name)
        return nil
    end
    if keywords.c[c.name] then
        errs:addf(raw, "rename it; set sql_name to keep the SQL name",
                  "column name '%s' is a C or C++ keyword", c.name)
    elseif keywords.reserved_c(c.name) then
        -- A field and a key parameter of that name would shadow the type or
        -- function in the generated code.
        errs:addf(raw, "rename it; set sql_name to keep the SQL name",
                  "column name '%s' is reserved by %s", c.name,
                  keywords.reserved_c(c.name))
    end
    local opts = raw.opts or {}
    for key = 1, #opts do
        errs:addf(raw, "options are written name = value",
                  "unexpected value in the options of %s", what)
        break
    end
    local o = check_options(errs, raw, what, opts, COLUMN_OPTIONS,
                            COLUMN_OPTION_NAMES)
    for _, key in ipairs(util.sorted_keys(o)) do
        local for_types = OPTION_TYPES[key]
        if for_types and not for_types[c.type] then
            errs:addf(raw, format("'%s' is for %s", key, OPTION_FOR[key]),
                      "option '%s' does not apply to %s (%s)", key, what,
                      c.type)
            o[key] = nil
        end
    end

    c.doc = doc_text(o.doc)
    c.sql_name = c.name
    if o.sql_name then
        if check_sql_option(errs, raw, what, o.sql_name) then
            c.sql_name = o.sql_name
        end
    end
    check_sql_name(errs, raw, what, c.sql_name, o.sql_name ~= nil)

    c.pk = o.primary_key == true or c.type == "serial"
    c.unique = o.unique == true
    c.not_null = o.not_null == true or c.pk
    if c.pk and o.not_null == false then
        errs:addf(raw, "remove not_null = false",
                  "primary key %s cannot be nullable", what)
    end
    if c.pk and c.unique then
        errs:addf(raw, "remove unique = true",
                  "%s is the primary key and so already unique", what)
        c.unique = false
    end
    if c.type == "serial" and o.primary_key == false then
        errs:addf(raw, "use bigint for a plain number",
                  "serial %s is always the primary key", what)
    end
    c.explicit_pk = o.primary_key == true

    if o.max ~= nil then
        local m = as_integer(o.max)
        if m == nil or m < 1 or m > types.MAX_TEXT then
            errs:addf(raw, nil, "max of %s must be an integer from 1 to %d",
                      what, types.MAX_TEXT)
        else
            c.max = m
        end
    end
    if c.type == "timestamp" then c.tz = o.tz ~= false end
    -- secret: the runtime shows its values as *** in traces and messages
    -- (not in the SQL, nor in the schema's hash)
    c.secret = o.secret == true
    if c.type == "enum" then
        c.labels = check_labels(errs, c, o.values)
    end
    if o.default ~= nil then
        c.default = check_default(errs, c, o.default)
    end
    if o.bits ~= nil then
        if o.bits == 32 then
            c.bits = 32
        elseif o.bits ~= 64 then
            errs:addf(raw, "a serial key is 64 bits (bigint), or 32 "
                      .. "(integer) with bits = 32",
                      "bits of %s must be 32 or 64, not %s", what,
                      tostring(o.bits))
        end
    end
    -- SQLite's AUTOINCREMENT (dialect.lua); PostgreSQL's identity never
    -- reuses a key, so there it changes nothing
    c.autoincrement = o.autoincrement == true
    if o.server_default ~= nil and o.default == nil then
        errs:addf(raw, "server_default belongs with default",
                  "%s has server_default but no default", what)
    elseif o.server_default == false then
        -- the default lives in the application: no DEFAULT in the DDL
        c.app_default = true
    end
    if o.sql_type ~= nil then
        c.sql_type = sql_types.check(errs, raw, what, c, o.sql_type)
    end

    if o.references ~= nil then
        local rt, rc = o.references:match("^([%w_]+)%.([%w_]+)$")
        if not rt then
            errs:addf(raw, "write references = \"table.column\"",
                      "references of %s must name a table and a column",
                      what)
        else
            c.ref = { table = rt, column = rc, on_delete = nil }
        end
    end
    if o.on_delete ~= nil then
        if not ON_DELETE[o.on_delete] then
            errs:addf(raw, util.did_you_mean(o.on_delete, ON_DELETE_NAMES)
                      or ("use one of " .. concat(ON_DELETE_NAMES, ", ")),
                      "on_delete of %s cannot be '%s'", what, o.on_delete)
        elseif o.references == nil then
            errs:addf(raw, "on_delete belongs with references",
                      "%s has on_delete but no references", what)
        elseif c.ref then
            c.ref.on_delete = o.on_delete
            if o.on_delete == "set_null" and c.not_null then
                errs:addf(raw, "make the column nullable, or use cascade",
                          "%s is not null, so on_delete cannot be set_null",
                          what)
            elseif o.on_delete == "set_default" and c.default == nil then
                errs:addf(raw, "give the column a default",
                          "%s has no default, so on_delete cannot be "
                          .. "set_default", what)
            end
        end
    end
    -- The relation's names: for the generated relation functions only
    -- (not in the SQL, nor in the schema's hash).
    for _, key in ipairs { "relation", "inverse" } do
        if o[key] ~= nil and o.references == nil then
            errs:addf(raw, format("%s belongs with references", key),
                      "%s has %s but no references", what, key)
        else
            c[key] = check_relation_name(errs, raw, what, key, o[key])
        end
    end
    if o.renamed_from ~= nil then
        if not valid_name(o.renamed_from) then
            errs:addf(raw, name_hint(o.renamed_from),
                      "renamed_from '%s' of %s is not a valid name",
                      o.renamed_from, what)
        elseif o.renamed_from == c.name then
            errs:addf(raw, "remove it", "%s is renamed_from itself", what)
        else
            c.renamed_from = o.renamed_from
        end
    end
    return c
end

-- The column list of an index {}, unique {} or primary_key {} entry.
local function check_entry_columns(errs, t, e)
    local spec = e.spec
    local cols, seen = {}, {}
    local n = #spec
    if n == 0 then
        errs:addf(e, format('write %s { "column", ... }', e.kind),
                  "%s of table '%s' names no columns", e.kind, t.name)
        return nil
    end
    if n > types.MAX_KEY_COLUMNS then
        errs:addf(e, nil, "%s of table '%s' has %d columns; PostgreSQL "
                  .. "allows %d", e.kind, t.name, n, types.MAX_KEY_COLUMNS)
        return nil
    end
    local ok = true
    for i = 1, n do
        local name = spec[i]
        if type(name) ~= "string" then
            errs:addf(e, "name columns by their names, as strings",
                      "%s of table '%s': item %d is a %s", e.kind, t.name, i,
                      lua_type_name(name))
            ok = false
        elseif not t.by_name[name] then
            if not t.bad_columns[name] then
                errs:addf(e, util.did_you_mean(name, t.column_names),
                          "%s of table '%s' names a missing column '%s'",
                          e.kind, t.name, name)
            end
            ok = false
        elseif seen[name] then
            errs:addf(e, nil, "%s of table '%s' names column '%s' twice",
                      e.kind, t.name, name)
            ok = false
        else
            seen[name] = true
            cols[#cols + 1] = name
        end
    end
    return ok and cols or nil
end

-- A foreign_key { } entry e of table t, its options eo and its columns
-- (names, or nil when they were wrong), as far as the table alone can
-- tell: returns { cols = names, ref = { table, to = names or nil,
-- on_delete }, relation, inverse, name, doc, file, line }, or nil.
-- check_refs.lua checks the target.
check_foreign_key = function(errs, t, e, eo, cols)
    local what = format("foreign_key of table '%s'", t.name)
    if cols then
        what = format("foreign_key (%s) of table '%s'", concat(cols, ", "),
                      t.name)
    end
    local ok = cols ~= nil
    local fk = { cols = cols, name = eo.name, doc = doc_text(eo.doc),
                 file = e.file, line = e.line }
    if eo.references == nil then
        errs:addf(e, 'write foreign_key { "a", "b", references = "table" }',
                  "%s has no references", what)
        ok = false
    elseif not valid_name(eo.references) then
        errs:addf(e, eo.references:find(".", 1, true)
                  and 'name the table alone, and its columns in to = { ... }'
                  or name_hint(eo.references),
                  "references '%s' of %s is not a table name",
                  eo.references, what)
        ok = false
    end
    local to
    if eo.to ~= nil then
        if getmetatable(eo.to) ~= nil or #eo.to == 0 then
            errs:addf(e, 'write to = { "column", ... }',
                      "to of %s must list the referenced columns", what)
            ok = false
        else
            to = {}
            for i = 1, #eo.to do
                if type(eo.to[i]) ~= "string" then
                    errs:addf(e, "name columns by their names, as strings",
                              "to of %s: item %d is a %s", what, i,
                              lua_type_name(eo.to[i]))
                    ok = false
                end
                to[i] = eo.to[i]
            end
            for key in pairs(eo.to) do
                if math.type(key) ~= "integer" or key < 1 or key > #eo.to then
                    errs:addf(e, 'write to = { "column", ... }',
                              "to of %s must be a list of column names",
                              what)
                    ok = false
                    break
                end
            end
        end
    end
    local on_delete
    if eo.on_delete ~= nil then
        local key_cols = {}
        for i, name in ipairs(cols or {}) do key_cols[i] = t.by_name[name] end
        on_delete = check_on_delete(errs, e, what, eo.on_delete, key_cols)
    end
    fk.relation = check_relation_name(errs, e, what, "relation",
                                      eo.relation)
    fk.inverse = check_relation_name(errs, e, what, "inverse", eo.inverse)
    if not ok then return nil end
    fk.ref = { table = eo.references, to = to, on_delete = on_delete }
    return fk
end

-- One table declaration.
local function check_table(errs, raw)
    local t = { name = raw.name, file = raw.file, line = raw.line,
                columns = {}, by_name = {}, column_names = {},
                bad_columns = {}, constraints = {}, pk = {},
                fk_entries = {} }
    local what = format("table '%s'", tostring(raw.name))
    if not valid_name(raw.name) then
        errs:addf(raw, name_hint(raw.name),
                  "table name '%s' is not a valid name", raw.name)
        return nil
    end
    local body = raw.body
    local o = check_options(errs, raw, what, body,
                            { sql_name = "string", doc = "string" },
                            { "doc", "sql_name" })
    t.doc = doc_text(o.doc)
    t.sql_name = t.name
    if o.sql_name and check_sql_option(errs, raw, what, o.sql_name) then
        t.sql_name = o.sql_name
    end
    check_sql_name(errs, raw, what, t.sql_name, o.sql_name ~= nil)
    check_sqlite_prefix(errs, raw, what, t.sql_name, o.sql_name ~= nil)

    -- Columns first (entries may name columns declared after them).
    local entries = {}
    local sql_names = {}
    for i = 1, #body do
        local item = body[i]
        if type(item) == "table" and item.kind == "column" then
            local c = check_column(errs, t, item)
            if c == nil then
                if type(item.name) == "string" then
                    t.bad_columns[item.name] = true
                end
            elseif t.by_name[c.name] then
                errs:addf(item, format("the first is at line %d",
                                       t.by_name[c.name].line),
                          "duplicate column '%s' in table '%s'", c.name,
                          t.name)
            else
                if sql_names[c.sql_name] then
                    errs:addf(item, nil, "columns '%s' and '%s' of table "
                              .. "'%s' have the same SQL name '%s'",
                              sql_names[c.sql_name].name, c.name, t.name,
                              c.sql_name)
                end
                sql_names[c.sql_name] = c
                t.columns[#t.columns + 1] = c
                t.by_name[c.name] = c
                t.column_names[#t.column_names + 1] = c.name
            end
        elseif type(item) == "table" and (item.kind == "index"
                or item.kind == "unique" or item.kind == "primary_key"
                or item.kind == "foreign_key") then
            entries[#entries + 1] = item
        elseif type(item) == "table" and (item.kind == "poison"
                or item.kind == "table_head") then
            -- reported where it was made
        elseif type(item) == "table" and item.kind == "table" then
            errs:addf(item, "declare tables side by side in the schema",
                      "table '%s' is declared inside table '%s'", item.name,
                      t.name)
        else
            errs:addf(raw, "a table holds columns, index, unique, "
                      .. "primary_key and foreign_key entries",
                      "item %d of table '%s' is a %s", i, t.name,
                      type(item) == "table" and (item.kind or "table")
                      or lua_type_name(item))
        end
    end

    if #t.columns == 0 and next(t.bad_columns) == nil then
        errs:addf(raw, nil, "table '%s' has no columns", t.name)
    end
    if #t.columns > types.MAX_COLUMNS then
        errs:addf(raw, "split the table; a column set is a 64-bit mask",
                  "table '%s' has %d columns; ormc allows at most %d",
                  t.name, #t.columns, types.MAX_COLUMNS)
    end

    -- Unique columns become constraints first, in column order.
    for _, c in ipairs(t.columns) do
        if c.unique then
            t.constraints[#t.constraints + 1] = {
                kind = "unique", cols = { c.name }, unique = true,
                file = c.file, line = c.line, from_column = true,
            }
        end
    end

    -- The primary key: a serial column, a primary_key column, or a
    -- primary_key {} entry; exactly one of them.
    local pk_sources, pk_entry = {}, false
    for _, c in ipairs(t.columns) do
        if c.pk then
            pk_sources[#pk_sources + 1] = { cols = { c.name }, file = c.file,
                                            line = c.line }
        end
    end
    for _, e in ipairs(entries) do
        local kind = e.kind
        local errors_before = errs:count()
        local eo = check_options(errs, e, kind .. " of table '" .. t.name
                                 .. "'", e.spec, ENTRY_OPTIONS[kind],
                                 util.sorted_keys(ENTRY_OPTIONS[kind]))
        local cols = check_entry_columns(errs, t, e)
        if eo.name ~= nil then
            if check_sql_option(errs, e, kind .. " '" .. eo.name .. "'",
                                eo.name) and kind == "index" then
                check_sqlite_prefix(errs, e, kind .. " of table '" .. t.name
                                    .. "'", eo.name, true)
            end
        end
        if kind == "foreign_key" then
            local fk = check_foreign_key(errs, t, e, eo, cols)
            -- One report per mistake: an entry with any is left out.
            if fk and errs:count() == errors_before then
                t.fk_entries[#t.fk_entries + 1] = fk
            end
        elseif kind == "primary_key" then
            pk_entry = true
            if cols then
                pk_sources[#pk_sources + 1] = { cols = cols, file = e.file,
                                                line = e.line,
                                                name = eo.name }
            end
        elseif cols then
            t.constraints[#t.constraints + 1] = {
                kind = kind, cols = cols,
                unique = kind == "unique" or eo.unique == true,
                name = eo.name, doc = doc_text(eo.doc), file = e.file, line = e.line,
            }
        end
    end
    table.sort(pk_sources, function(a, b) return a.line < b.line end)
    if #pk_sources == 0 then
        if #t.columns > 0 and not pk_entry then
            errs:addf(raw, 'add serial "id", primary_key = true on a column, '
                      .. 'or primary_key { "a", "b" }',
                      "table '%s' has no primary key", t.name)
        end
    else
        for i = 2, #pk_sources do
            errs:addf(pk_sources[i], 'a composite key is written '
                      .. 'primary_key { "a", "b" }',
                      "table '%s' has more than one primary key (the first "
                      .. "is at line %d)", t.name, pk_sources[1].line)
        end
        local pk = pk_sources[1]
        t.pk = pk.cols
        t.pk_name = pk.name
        t.pk_where = { file = pk.file, line = pk.line }
        for _, name in ipairs(pk.cols) do
            local c = t.by_name[name]
            if not c.pk and c.unique then
                errs:addf(pk, "remove unique = true", "column '%s' is in the "
                          .. "primary key and so already unique", name)
            end
            c.pk = true
            c.not_null = true
        end
    end

    -- Unique constraints that repeat the key or each other.
    local function key_of(cols)
        local sorted = {}
        for i, v in ipairs(cols) do sorted[i] = v end
        table.sort(sorted)
        return concat(sorted, ",")
    end
    local seen, kept = {}, {}
    if #t.pk > 0 then seen[key_of(t.pk)] = "the primary key" end
    for _, k in ipairs(t.constraints) do
        local key = key_of(k.cols)
        if k.unique and seen[key] then
            errs:addf(k, "remove one of them",
                      "unique constraint on (%s) of table '%s' repeats %s",
                      concat(k.cols, ", "), t.name, seen[key])
        else
            if k.unique then
                seen[key] = format("the one at line %d", k.line)
            end
            kept[#kept + 1] = k
        end
    end
    t.constraints = kept

    t.bad_columns, t.column_names = nil, nil
    return t
end


M.table = check_table

return M
