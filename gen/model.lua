-- model.lua: derive from a checked schema everything the emitters need:
-- C names, column flags, has_ fields, SQL constraint names, the dependency
-- order of the tables and the schema's content hash. The emitters read the
-- model only; they never look at the raw declarations.

local types = require("types")
local names = require("names")
local util = require("util")
local colset_tags = require("colset_tags")
local load = require("load")

local format, concat, sort = string.format, table.concat, table.sort

local M = {}

local NOW = load.NOW
M.NOW = NOW

-- The longest string literal ISO C requires compilers to take.
M.C_STRING_MAX = 4095

-- Column flags, in the order they are written.
-- keep in sync with runtime/include/ormc_generated.h (ORMC_COL_*)
M.FLAGS = { "NOT_NULL", "PRIMARY_KEY", "UNIQUE", "SERIAL", "DEFAULT",
            "DEFAULT_NOW", "TZ", "SECRET", "APP_DEFAULT_NOW",
            "AUTOINCREMENT" }

local function derive_column(m, t, c, i)
    local info = types.info_of(c)
    c.index = i - 1
    c.sql_ident = util.sql_ident(c.sql_name) -- quoted once for all the SQL
    c.macro = t.macro .. "_" .. names.macro(c.name)
    c.pointer = info.pointer == true
    -- has_x: nullable scalars, and not-null columns whose default is now
    -- (false: unset, the database fills it in).
    c.has_field = (not c.pointer and not c.not_null and c.type ~= "serial")
        or (c.not_null and c.default == NOW)
    if c.type == "enum" then
        c.ctype = t.prefix .. "_" .. c.name
        c.enum_macro = t.macro .. "_" .. names.macro(c.name)
        c.label_consts = {}
        for k, label in ipairs(c.labels or {}) do
            c.label_consts[k] = c.enum_macro .. "_" .. names.label_c(label)
        end
    else
        c.ctype = info.c
    end
    local flags = {}
    local function flag(cond, name) if cond then flags[#flags + 1] = name end end
    flag(c.not_null, "NOT_NULL")
    flag(c.pk, "PRIMARY_KEY")
    flag(c.unique, "UNIQUE")
    flag(c.type == "serial", "SERIAL")
    -- server_default = false: the database has no default, and the
    -- runtime's insert fills now itself (a literal default is the field's
    -- value from X_INIT, written like any other)
    flag(c.default ~= nil and not c.app_default, "DEFAULT")
    flag(c.default == NOW and not c.app_default, "DEFAULT_NOW")
    flag(c.type == "timestamp" and c.tz, "TZ")
    flag(c.secret, "SECRET")
    flag(c.default == NOW and c.app_default, "APP_DEFAULT_NOW")
    flag(c.autoincrement, "AUTOINCREMENT")
    c.flags = flags
    -- A text default longer than the 4095 characters ISO C promises in a
    -- string literal cannot be in X_INIT, which expands in the application's
    -- code: it is an array defined in the .c, and X_INIT points at it.
    if (c.type == "text" or c.type == "json") and type(c.default) == "string"
        and #util.c_escape(c.default) > M.C_STRING_MAX then
        c.default_array = t.prefix .. "_" .. c.name .. "_default"
    end
    if c.ref then
        c.fk_name = t.sql_name .. "_" .. c.sql_name .. "_fkey"
    end
    -- A CHECK: the enum's labels (both dialects), a text max (SQLite only;
    -- PostgreSQL's varchar(n) does it).
    if c.type == "enum" or (c.type == "text" and c.max) then
        c.check_name = t.sql_name .. "_" .. c.sql_name .. "_check"
    end
end

local function sql_names_of(t, cols)
    local out = {}
    for i, name in ipairs(cols) do out[i] = t.by_name[name].sql_name end
    return out
end

local function derive_table(m, t)
    t.prefix = names.prefix(m.name, t.name)
    t.macro = names.macro(t.prefix)
    t.sql_ident = util.sql_ident(t.sql_name)
    for i, c in ipairs(t.columns) do
        derive_column(m, t, c, i)
        -- a text max as a CHECK in the SQLite DDL (ddl.lua)
        c.db_max_check = m.checks == "database"
    end
    t.n_columns = #t.columns

    t.pk_cols = {}
    for i, name in ipairs(t.pk) do t.pk_cols[i] = t.by_name[name] end
    if #t.pk > 0 then
        t.pk_constraint = t.pk_name or (t.sql_name .. "_pkey")
    end

    t.get_by = {}
    for _, k in ipairs(t.constraints) do
        local suffix = k.unique and "_key" or "_idx"
        k.sql_name = k.name or (t.sql_name .. "_"
            .. concat(sql_names_of(t, k.cols), "_") .. suffix)
        k.col_objs = {}
        for i, name in ipairs(k.cols) do k.col_objs[i] = t.by_name[name] end
        if k.unique then
            local fn = t.prefix .. "_get_by_" .. names.by(k.cols)
            t.get_by[#t.get_by + 1] = { cols = k.cols, col_objs = k.col_objs,
                                        fn = fn,
                                        constraint = k, file = k.file,
                                        line = k.line }
        end
    end
    -- what names.table_idents reads
    t.uniques = {}
    for i, g in ipairs(t.get_by) do t.uniques[i] = g.cols end
    t.n_indexes = #t.constraints

    -- Every foreign key, single-column references (in column order) then
    -- the foreign_key { } entries (in declaration order), alike:
    --   { cols, ref_table, ref_cols (column objects, pairwise), on_delete,
    --     relation, inverse (names given, or nil), sql_name (the
    --     constraint's), index (0-based, the descriptor's position),
    --     column (the column of a references option; nil for an entry),
    --     doc, file, line }
    -- The relation names the generated functions use are the relations
    -- pass's (fk.rel_name).
    t.foreign_keys = {}
    for _, c in ipairs(t.columns) do
        if c.ref then
            c.ref_table = m.by_name[c.ref.table]
            c.ref_col = c.ref_table.by_name[c.ref.column]
            t.foreign_keys[#t.foreign_keys + 1] = {
                cols = { c }, ref_table = c.ref_table, ref_cols = { c.ref_col },
                on_delete = c.ref.on_delete, relation = c.relation,
                inverse = c.inverse, sql_name = c.fk_name, column = c,
                file = c.file, line = c.line,
            }
        end
    end
    for _, e in ipairs(t.fk_entries or {}) do
        local rt = m.by_name[e.ref.table]
        local fk = { cols = {}, ref_table = rt, ref_cols = {},
                     on_delete = e.ref.on_delete, relation = e.relation,
                     inverse = e.inverse, doc = e.doc, file = e.file,
                     line = e.line }
        for i, name in ipairs(e.cols) do
            fk.cols[i] = t.by_name[name]
            fk.ref_cols[i] = rt.by_name[e.ref.to[i]]
            -- ADD COLUMN cannot add a column's share of a composite key.
            fk.cols[i].in_composite_fk = true
        end
        fk.sql_name = e.name or (t.sql_name .. "_"
            .. concat(sql_names_of(t, e.cols), "_") .. "_fkey")
        t.foreign_keys[#t.foreign_keys + 1] = fk
    end
    for i, fk in ipairs(t.foreign_keys) do fk.index = i - 1 end
end

-- Tables in dependency order: a table comes after the tables it references,
-- otherwise in declaration order. Sets m.cycle when there is none.
local function dependency_order(m)
    local placed, order = {}, {}
    local remaining = #m.tables
    while remaining > 0 do
        local progress = false
        for _, t in ipairs(m.tables) do
            if not placed[t] then
                local ready = true
                for _, fk in ipairs(t.foreign_keys) do
                    local p = fk.ref_table
                    if p ~= t and not placed[p] then
                        ready = false
                        break
                    end
                end
                if ready then
                    placed[t] = true
                    order[#order + 1] = t
                    remaining = remaining - 1
                    progress = true
                    break
                end
            end
        end
        if not progress then
            -- Walk references among the tables left until one repeats.
            local t
            for _, x in ipairs(m.tables) do
                if not placed[x] then t = x break end
            end
            local seen, path = {}, {}
            while not seen[t] do
                seen[t] = #path + 1
                path[#path + 1] = t
                for _, fk in ipairs(t.foreign_keys) do
                    local p = fk.ref_table
                    if p ~= t and not placed[p] then
                        t = p
                        break
                    end
                end
            end
            local cycle = {}
            for i = seen[t], #path do cycle[#cycle + 1] = path[i] end
            m.cycle = cycle
            for _, x in ipairs(m.tables) do
                if not placed[x] then order[#order + 1] = x end
            end
            break
        end
    end
    return order
end

-- The canonical text the schema hash is taken of: everything the database
-- sees, in declaration order; docs and DSL-only names left out, so that
-- editing a comment does not change the hash.
local function canonical(m)
    local b = util.buffer()
    local function q(v)
        if v == nil then return "-" end
        if v == NOW then return "now" end
        if type(v) == "string" then return format("%q", v) end
        if math.type(v) == "float" then return format("%.17g", v) end
        return tostring(v)
    end
    b:line("ormc-schema 1 %s", q(m.name))
    -- the CHECKs the SQLite DDL holds; the default hashes as before
    if m.checks == "database" then b:line("checks database") end
    for _, t in ipairs(m.tables) do
        b:line("table %s", q(t.sql_name))
        for _, c in ipairs(t.columns) do
            b:line("column %s %s %s %s %s %s %s %s", q(c.sql_name), c.type,
                   c.not_null and "notnull" or "null",
                   c.unique and "unique" or "-", q(c.max),
                   c.type == "timestamp" and (c.tz and "tz" or "notz") or "-",
                   q(c.default), c.labels and q(concat(c.labels, "\0")) or "-")
            -- what an existing database has (bits, sql_type,
            -- server_default); a column without them hashes as before
            if c.bits or c.sql_type or c.app_default then
                local st = c.sql_type or {}
                b:line("shared %s %s %s %s", q(c.bits), q(st.sqlite),
                       q(st.postgres), c.app_default and "app" or "-")
            end
            -- autoincrement = true; a serial without it hashes as before
            if c.autoincrement then b:line("autoincrement") end
            if c.ref then
                b:line("references %s %s %s", q(c.ref_table.sql_name),
                       q(c.ref_col.sql_name), q(c.ref.on_delete))
            end
        end
        b:line("primary_key %s %s", q(t.pk_constraint),
               q(concat(sql_names_of(t, t.pk), ",")))
        for _, k in ipairs(t.constraints) do
            b:line("%s %s %s %s", k.kind, q(k.sql_name),
                   k.unique and "unique" or "-",
                   q(concat(sql_names_of(t, k.cols), ",")))
        end
        -- foreign_key { } entries (the references of a column are above);
        -- a schema without them hashes as it did before they existed.
        for _, fk in ipairs(t.foreign_keys) do
            if not fk.column then
                local cols, to = {}, {}
                for i, c in ipairs(fk.cols) do
                    cols[i], to[i] = c.sql_name, fk.ref_cols[i].sql_name
                end
                b:line("foreign_key %s %s %s %s %s", q(fk.sql_name),
                       q(concat(cols, ",")), q(fk.ref_table.sql_name),
                       q(concat(to, ",")), q(fk.on_delete))
            end
        end
    end
    return b:text()
end
M.canonical = canonical

-- Build the model of a checked schema (in place) and return it.
function M.build(s)
    s.macro = names.macro(s.name)
    s.guard = names.guard(s.name)
    for _, t in ipairs(s.tables) do
        t.prefix = names.prefix(s.name, t.name)
        t.macro = names.macro(t.prefix)
    end
    for _, t in ipairs(s.tables) do derive_table(s, t) end
    colset_tags.assign(s)
    s.order = dependency_order(s)
    s.hash = util.fnv1a64(canonical(s))
    return s
end

return M
