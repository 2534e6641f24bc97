-- check.lua: check what a schema file declared, and normalize it.
--
-- check.schema(raw, errs) reads the raw declaration tree of load.lua, records
-- every problem it finds in errs (with the file and line of the declaration)
-- and returns a normalized schema (see the shape below) in which whatever was
-- wrong has been left out, so that later checks can still run.
-- check.model(model, errs) runs the checks that need the derived model: C
-- name collisions, SQL name lengths and clashes, reference cycles.
--
-- Normalized schema:
--   { name, doc, file, line, tables = { table... } }
-- table:
--   { name, sql_name, doc, file, line, columns = { column... },
--     by_name = { [name] = column }, pk = { column names, key order },
--     pk_name, pk_where, constraints = { constraint... } }
-- column:
--   { name, sql_name, type, not_null, pk, unique, default (a value, load.NOW
--     or nil), max, tz, labels, ref = { table, column, on_delete } or nil,
--     renamed_from, doc, file, line }
-- constraint (unique columns first, then unique {} and index {} in order):
--   { kind = "unique" | "index", cols = { names }, unique, name, doc,
--     file, line, from_column }

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

-- Column options and what kind of Lua value each takes.
local COLUMN_OPTIONS = {
    not_null = "boolean", primary_key = "boolean", unique = "boolean",
    default = "any", max = "number", tz = "boolean", values = "table",
    references = "string", on_delete = "string", renamed_from = "string",
    doc = "string", sql_name = "string",
}
local COLUMN_OPTION_NAMES = util.sorted_keys(COLUMN_OPTIONS)

-- Options that only some types take.
local OPTION_TYPES = {
    max = { text = true },
    tz = { timestamp = true },
    values = { enum = true },
}
local OPTION_FOR = {
    max = "text columns", tz = "timestamp columns", values = "enum columns",
}

local ON_DELETE, ON_DELETE_NAMES = types.ON_DELETE, types.ON_DELETE_NAMES

local ENTRY_OPTIONS = {
    index = { unique = "boolean", name = "string", doc = "string" },
    unique = { name = "string", doc = "string" },
    primary_key = { name = "string" },
}

-- A name as the DSL wants it (lower-case snake case).
local function valid_name(s)
    return type(s) == "string" and s:match("^[a-z][a-z0-9_]*$") ~= nil
        and not s:find("__", 1, true) and s:sub(-1) ~= "_"
end
M.valid_name = valid_name

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

-- Is `s` valid UTF-8 without NUL bytes?
local function clean_text(s)
    return utf8.len(s) ~= nil and not s:find("\0", 1, true)
end

-- The default of column c (raw value v), checked against its type.
-- Returns the normalized default or nil.
local function check_default(errs, c, v)
    local what = format("column '%s'", c.name)
    local t = c.type
    local function bad(hint, fmt, ...)
        errs:addf(c, hint, fmt, ...)
        return nil
    end
    if v == NOW then
        if t ~= "timestamp" then
            return bad("now is the default of timestamp columns only",
                       "default of %s (%s) cannot be now", what, t)
        end
        return NOW
    end
    if t == "timestamp" then
        return bad("a timestamp's default can only be now",
                   "default of %s (timestamp) must be now, not %s", what,
                   lua_type_name(v))
    elseif t == "serial" then
        return bad("the database assigns a serial",
                   "%s is serial and cannot have a default", what)
    elseif t == "blob" then
        return bad(nil, "%s (blob) cannot have a default", what)
    elseif t == "integer" or t == "bigint" then
        local i = as_integer(v)
        if i == nil then
            return bad(nil, "default of %s (%s) must be an integer, not %s",
                       what, t, lua_type_name(v))
        end
        if t == "integer" and (i < -2147483648 or i > 2147483647) then
            return bad("an integer column holds 32 bits; use bigint",
                       "default %d of %s is out of range", i, what)
        end
        return i
    elseif t == "double" then
        if type(v) ~= "number" then
            return bad(nil, "default of %s (double) must be a number, not %s",
                       what, lua_type_name(v))
        end
        if v ~= v or v == math.huge or v == -math.huge then
            return bad(nil, "default of %s must be a finite number", what)
        end
        return v + 0.0
    elseif t == "boolean" then
        if type(v) ~= "boolean" then
            return bad("write true or false",
                       "default of %s (boolean) must be true or false, not %s",
                       what, lua_type_name(v))
        end
        return v
    elseif t == "text" or t == "json" then
        if type(v) ~= "string" then
            return bad(nil, "default of %s (%s) must be a string, not %s",
                       what, t, lua_type_name(v))
        end
        if not clean_text(v) then
            return bad(nil, "default of %s must be UTF-8 text without NUL",
                       what)
        end
        if c.max and utf8.len(v) > c.max then
            return bad(nil, "default of %s is longer than its max of %d",
                       what, c.max)
        end
        if t == "json" then
            local ok, why = util.json_check(v)
            if not ok then
                return bad("PostgreSQL refuses it in CREATE TABLE",
                           "default of %s (json) is not valid JSON: %s",
                           what, why)
            end
        end
        return v
    elseif t == "uuid" then
        if type(v) ~= "string" or not v:lower():match(
                "^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-"
                .. "%x%x%x%x%x%x%x%x%x%x%x%x$") then
            return bad("write it as 8-4-4-4-12 hex digits",
                       "default of %s (uuid) must be a UUID string", what)
        end
        return v:lower()
    elseif t == "enum" then
        if type(v) ~= "string" then
            return bad(nil, "default of %s (enum) must be a string, not %s",
                       what, lua_type_name(v))
        end
        if c.labels then
            for _, l in ipairs(c.labels) do
                if l == v then return v end
            end
            return bad(util.did_you_mean(v, c.labels)
                       or ("the values are " .. concat(c.labels, ", ")),
                       "default '%s' of %s is not one of its values", v, what)
        end
        return nil
    end
    return nil
end

-- The labels of an enum column.
local function check_labels(errs, c, values)
    local what = format("enum column '%s'", c.name)
    if values == nil then
        errs:addf(c, format('write enum "%s" { values = { "a", "b" } }',
                            c.name), "%s has no values", what)
        return nil
    end
    local labels, seen, seen_c = {}, {}, {}
    local n = #values
    for key in pairs(values) do
        if as_integer(key) == nil or key < 1 or key > n then
            errs:addf(c, nil, "values of %s must be a list of strings", what)
            return nil
        end
    end
    if n == 0 then
        errs:addf(c, nil, "%s has an empty list of values", what)
        return nil
    end
    for i = 1, n do
        local v = values[i]
        if type(v) ~= "string" then
            errs:addf(c, nil, "value %d of %s must be a string, not %s", i,
                      what, lua_type_name(v))
        elseif v == "" or not clean_text(v) then
            errs:addf(c, nil, "value %d of %s must be non-empty UTF-8 text",
                      i, what)
        elseif seen[v] then
            errs:addf(c, "each value must appear once",
                      "%s lists the value '%s' twice", what, v)
        else
            seen[v] = true
            local cname = names.label_c(v)
            if cname == nil then
                errs:addf(c, "a value needs a letter or digit for its C name",
                          "value '%s' of %s has no C name", v, what)
            elseif seen_c[cname] then
                errs:addf(c, "rename one of them",
                          "values '%s' and '%s' of %s both become the C "
                          .. "name %s", seen_c[cname], v, what, cname)
            else
                seen_c[cname] = v
                labels[#labels + 1] = v
            end
        end
    end
    return labels
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
    if c.type == "enum" then
        c.labels = check_labels(errs, c, o.values)
    end
    if o.default ~= nil then
        c.default = check_default(errs, c, o.default)
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

-- One table declaration.
local function check_table(errs, raw)
    local t = { name = raw.name, file = raw.file, line = raw.line,
                columns = {}, by_name = {}, column_names = {},
                bad_columns = {}, constraints = {}, pk = {} }
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
                or item.kind == "unique" or item.kind == "primary_key") then
            entries[#entries + 1] = item
        elseif type(item) == "table" and (item.kind == "poison"
                or item.kind == "table_head") then
            -- reported where it was made
        elseif type(item) == "table" and item.kind == "table" then
            errs:addf(item, "declare tables side by side in the schema",
                      "table '%s' is declared inside table '%s'", item.name,
                      t.name)
        else
            errs:addf(raw, "a table holds columns, index, unique and "
                      .. "primary_key entries",
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
        if kind == "primary_key" then
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

-- Check one raw schema; returns the normalized schema or nil.
function M.schema(raw, errs)
    local s = { name = raw.name, file = raw.file, line = raw.line,
                tables = {}, by_name = {} }
    if not valid_name(raw.name) then
        errs:addf(raw, name_hint(raw.name),
                  "schema name '%s' is not a valid name", raw.name)
        return nil
    end
    if raw.name == "ormc" or raw.name:match("^ormc_") then
        errs:addf(raw, "the prefix ormc_ belongs to the runtime",
                  "schema name '%s' is reserved", raw.name)
    end
    local o = check_options(errs, raw, format("schema '%s'", raw.name),
                            raw.body, { doc = "string" }, { "doc" })
    s.doc = doc_text(o.doc)
    local sql_names = {}
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
        elseif type(item) == "table" and (item.kind == "poison"
                or item.kind == "table_head") then
            -- reported where it was made
        elseif type(item) == "table" and item.kind == "column" then
            errs:addf(item, "columns belong in a table { ... }",
                      "column '%s' is declared outside any table", item.name)
        else
            errs:addf(raw, "a schema holds tables",
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
    local table_names = {}
    for _, t in ipairs(s.tables) do table_names[#table_names + 1] = t.name end
    for _, t in ipairs(s.tables) do
        for _, c in ipairs(t.columns) do
            local r = c.ref
            if r then
                local what = format("column '%s' of table '%s'", c.name,
                                    t.name)
                local rt = s.by_name[r.table]
                local rc = rt and rt.by_name[r.column]
                if not rt then
                    local hint = util.did_you_mean(r.table, table_names)
                    for _, other in ipairs(s.tables) do
                        if other.sql_name == r.table then
                            hint = format("name the table by its DSL name, "
                                          .. "'%s'", other.name)
                        end
                    end
                    errs:addf(c, hint, "%s references a missing table '%s'",
                              what, r.table)
                    c.ref = nil
                elseif not rc then
                    local cands = {}
                    for _, x in ipairs(rt.columns) do
                        cands[#cands + 1] = x.name
                    end
                    errs:addf(c, util.did_you_mean(r.column, cands),
                              "%s references a missing column '%s.%s'", what,
                              r.table, r.column)
                    c.ref = nil
                elseif rc.type == "enum" or c.type ~= types.ref_type(rc.type)
                then
                    errs:addf(c, format("make '%s' %s",
                                        c.name, types.ref_type(rc.type)),
                              "%s is %s but references '%s.%s', which is %s",
                              what, c.type, r.table, r.column, rc.type)
                    c.ref = nil
                else
                    local single = (#rt.pk == 1 and rt.pk[1] == rc.name)
                    for _, k in ipairs(rt.constraints) do
                        if k.unique and #k.cols == 1 and k.cols[1] == rc.name
                        then
                            single = true
                        end
                    end
                    if not single then
                        errs:addf(c, "reference the primary key, or make the "
                                  .. "column unique",
                                  "%s references '%s.%s', which is neither "
                                  .. "the primary key nor unique", what,
                                  r.table, r.column)
                        c.ref = nil
                    end
                end
            end
            if c.renamed_from and t.by_name[c.renamed_from] then
                errs:addf(c, "a rename must come from a name no longer used",
                          "column '%s' is renamed_from '%s', which is "
                          .. "still a column", c.name, c.renamed_from)
            end
        end
    end
    return s
end

-- The checks that need the model: names.
-- registry: C identifiers of every schema generated together.
function M.model(m, errs, registry)
    local reserved = keywords.std
    local function claim(reg, name, what, where, of)
        -- (Fields and parameters are column names, checked as such.)
        local header = reg == registry and reserved[name]
        if header then
            errs:addf(where, "rename the schema, table or column it is "
                      .. "made from",
                      "C name '%s' is %s%s and also a name of %s", name,
                      what, of or "", header)
            return
        end
        local prev = reg[name]
        if prev then
            if of then what = what .. of end
            if prev.of then prev.what, prev.of = prev.what .. prev.of, nil end
            local at = prev.file == where.file
                and format("line %d", prev.line)
                or format("%s:%d", prev.file, prev.line)
            errs:addf(where, "rename one of them",
                      "C name '%s' is %s and also %s (%s)", name, what,
                      prev.what, at)
        else
            reg[name] = { what = what, of = of, file = where.file,
                          line = where.line }
        end
    end
    for _, id in ipairs(names.schema_idents(m.name)) do
        claim(registry, id[1], id[2], m)
    end
    local sql_reg = {}
    local function claim_sql(name, what, where)
        if #name > types.MAX_SQL_NAME then
            errs:addf(where, "give it a shorter name with name = \"...\"",
                      "the SQL name '%s' of %s is %d bytes long; PostgreSQL "
                      .. "keeps %d", name, what, #name, types.MAX_SQL_NAME)
        end
        local prev = sql_reg[name]
        if prev then
            errs:addf(where, "rename one of them",
                      "SQL name '%s' of %s is also the name of %s (line %d)",
                      name, what, prev.what, prev.line)
        else
            sql_reg[name] = { what = what, line = where.line }
        end
    end
    for _, t in ipairs(m.tables) do
        claim_sql(t.sql_name, format("table '%s'", t.name), t)
    end
    for _, t in ipairs(m.tables) do
        names.table_idents(m.name, t, function(name, what, of)
            claim(registry, name, what, t, of)
        end)
        local fields, of = {}, format(" of table '%s'", t.name)
        for _, f in ipairs(names.fields(t)) do
            claim(fields, f[1], f[2], f[3] or t, of)
        end
        -- The key parameters of _get, _delete and _get_by_*.
        local function params(cols, fn)
            local reg = {
                db = { what = "the parameter db of " .. fn, file = t.file,
                       line = t.line },
                row = { what = "the parameter row of " .. fn, file = t.file,
                        line = t.line },
            }
            for _, name in ipairs(cols) do
                local c = t.by_name[name]
                claim(reg, name, format("the parameter of column '%s'", name),
                      c)
            end
        end
        params(t.pk, t.prefix .. "_get")
        for _, k in ipairs(t.get_by) do
            params(k.cols, k.fn)
        end
        if t.pk_constraint then
            claim_sql(t.pk_constraint, format("the primary key of table '%s'",
                                              t.name), t.pk_where or t)
        end
        for _, k in ipairs(t.constraints) do
            claim_sql(k.sql_name, format("%s (%s) of table '%s'",
                                         k.kind == "index" and "index"
                                         or "unique constraint",
                                         concat(k.cols, ", "), t.name), k)
        end
        for _, c in ipairs(t.columns) do
            if c.ref then
                local name = c.fk_name
                if #name > types.MAX_SQL_NAME then
                    errs:addf(c, "choose a shorter table or column sql_name",
                              "the foreign key name '%s' is %d bytes long; "
                              .. "PostgreSQL keeps %d", name, #name,
                              types.MAX_SQL_NAME)
                end
            end
            if c.check_name and #c.check_name > types.MAX_SQL_NAME then
                errs:addf(c, "choose a shorter table or column sql_name",
                          "the check constraint name '%s' is %d bytes long; "
                          .. "PostgreSQL keeps %d", c.check_name,
                          #c.check_name, types.MAX_SQL_NAME)
            end
        end
    end
    if m.cycle then
        local t = m.cycle[1]
        local path = {}
        for _, x in ipairs(m.cycle) do path[#path + 1] = x.name end
        path[#path + 1] = t.name
        errs:addf(t, "break the cycle: make one reference a plain column",
                  "tables reference each other in a cycle: %s",
                  concat(path, " -> "))
    end
end

return M
