-- ddl.lua: the DDL text of a schema in one dialect (a table of
-- dialect.lua): CREATE TABLE and CREATE INDEX statements and the ADD COLUMN
-- definitions of the descriptors. The structure (tables in dependency
-- order, named constraints, IF NOT EXISTS everywhere) is shared so that the
-- two dialects cannot drift apart; emit_ddl.lua, emit_c_source.lua and
-- diff.lua take their statements from here.

local util = require("util")
local model = require("model")
local types = require("types")

local concat, format = table.concat, string.format
local ident, sql_string = util.sql_ident, util.sql_string

local M = {}

local function idents(cols)
    local out = {}
    for i, c in ipairs(cols) do out[i] = c.sql_ident end
    return concat(out, ", ")
end

-- The SQL literal of a column's default.
local function default_literal(d, c, v)
    if v == model.NOW then return d.default_now(c) end
    if c.type == "boolean" then return d.bool(v) end
    if c.type == "integer" or c.type == "bigint" then
        return format("%d", v)
    end
    if c.type == "double" then return util.double(v) end
    return sql_string(v)
end

-- `head tail` on one line of a CREATE TABLE body when it fits in 80
-- columns, else tail on a continuation line.
local function fold(head, tail)
    if 4 + #head + 1 + #tail + 1 <= 80 then return head .. " " .. tail end
    return head .. "\n        " .. tail
end

-- The REFERENCES clause of a foreign key (model.lua's t.foreign_keys).
local function references_clause(fk)
    local ref = format("REFERENCES %s (%s)", fk.ref_table.sql_ident,
                       idents(fk.ref_cols))
    if fk.on_delete then
        ref = ref .. " ON DELETE " .. types.ON_DELETE[fk.on_delete]
    end
    return ref
end

-- The foreign key of a column's own references, or nil.
local function column_fk(t, c)
    if not c.ref then return nil end
    for _, fk in ipairs(t.foreign_keys) do
        if fk.column == c then return fk end
    end
    return nil
end

-- A column's CHECK clause in dialect d (an enum's labels; a text max where
-- the type does not hold it and the schema asks for it with checks =
-- "database": by default ormc's own check before every write is the one
-- that enforces it, which spares SQLite the CHECK's cost on every insert),
-- or nil.
local function check_clause_of(d, c)
    if c.type == "enum" then
        local labels = {}
        for i, l in ipairs(c.labels) do labels[i] = sql_string(l) end
        return format("CHECK (%s IN (%s))", c.sql_ident, concat(labels, ", "))
    elseif c.type == "text" and c.max and d.text_max_check
        and c.db_max_check then
        return format("CHECK (length(%s) <= %d)", c.sql_ident, c.max)
    end
    return nil
end

-- A column's type and NOT NULL, and the clauses after them (the serial
-- clause, the default), as two strings (the second may be empty). The
-- serial clause's second result: whether it declares the primary key.
local function column_parts(d, t, c)
    local head = d.column_type(c) .. (c.not_null and " NOT NULL" or "")
    local parts, is_key = {}, false
    if c.type == "serial" then
        parts[#parts + 1], is_key = d.serial(c, t)
    end
    -- server_default = false: the default lives in the application
    if c.default ~= nil and not c.app_default then
        parts[#parts + 1] = "DEFAULT " .. default_literal(d, c, c.default)
    end
    return head, concat(parts, " "), is_key
end

-- A column's definition as ADD COLUMN takes it: name, type, NOT NULL,
-- serial clause, default.
function M.column_definition(d, t, c)
    local head, tail = column_parts(d, t, c)
    return c.sql_ident .. " " .. head .. (tail ~= "" and " " .. tail or "")
end

-- Why a table with rows cannot take column c through ALTER TABLE ... ADD
-- COLUMN in dialect d, or nil when it can. The one place that decides it:
-- the generated descriptors carry the answer (the definition, or this
-- reason), which the runtime's migrate (runtime/src/schema.c) runs or
-- reports as it is.
local function why_not_added(d, c)
    if c.pk or c.type == "serial" then
        return "it is part of the primary key"
    elseif c.unique then
        return "it is unique"
    elseif c.not_null and c.default == nil then
        return "it is NOT NULL without a default, and the rows already "
            .. "there would have no value"
    elseif c.not_null and c.app_default then
        return "it is NOT NULL and its default lives in the application "
            .. "(server_default = false), so the rows already there would "
            .. "have no value"
    elseif d.key == "sqlite" and c.default == model.NOW then
        return "SQLite adds a column only with a constant default, and its "
            .. "default is the current time"
    elseif d.key == "sqlite" and c.ref and c.default ~= nil then
        return "SQLite adds a column with a foreign key only when its "
            .. "default is NULL"
    elseif c.in_composite_fk then
        -- ADD COLUMN takes a constraint on that one column only.
        return "it is part of a composite foreign key"
    end
    return nil
end

-- A column's definition as ALTER TABLE ... ADD COLUMN takes it in the
-- running program (NAME_schema_migrate): column_definition with its foreign
-- key and CHECK written as column constraints, under the names CREATE TABLE
-- gives them. For a column that a table with rows cannot take: nil and the
-- reason (why_not_added), which the runtime reports.
function M.add_column_definition(d, t, c)
    local why = why_not_added(d, c)
    if why then return nil, why end
    -- "CONSTRAINT name FOREIGN KEY (col)" becomes "CONSTRAINT name"; the
    -- REFERENCES or CHECK clause stays as it is.
    local out = { M.column_definition(d, t, c) }
    local fk = column_fk(t, c)
    if fk then
        out[#out + 1] = format("CONSTRAINT %s %s", ident(fk.sql_name),
                               references_clause(fk))
    end
    local check_clause = check_clause_of(d, c)
    if check_clause then
        out[#out + 1] = format("CONSTRAINT %s %s", ident(c.check_name),
                               check_clause)
    end
    return concat(out, " ")
end

-- The SQL literal of c's default in dialect d, or nil when it has none.
function M.default_sql(d, c)
    if c.default == nil or c.app_default then return nil end
    return default_literal(d, c, c.default)
end

-- Whether the serial clause of dialect d declares the primary key itself.
local function inline_primary_key(d, t)
    for _, c in ipairs(t.columns) do
        if c.type == "serial" then
            local _, is_key = d.serial(c, t)
            if is_key then return true end
        end
    end
    return false
end

-- The table constraints of t that CREATE TABLE writes after the columns,
-- in that order: a list of { kind, name, head, tail } (kind: "primary",
-- "unique", "foreign" or "check"; the SQL is head .. " " .. tail:
-- "CONSTRAINT name KIND (...)" and its REFERENCES or CHECK clause).
function M.table_constraints(d, t)
    local out = {}
    local kind
    local function add(name, head, tail)
        out[#out + 1] = { kind = kind, name = name, head = head, tail = tail }
    end
    kind = "primary"
    if not inline_primary_key(d, t) then
        add(t.pk_constraint, format("CONSTRAINT %s PRIMARY KEY (%s)",
                                    ident(t.pk_constraint), idents(t.pk_cols)))
    end
    kind = "unique"
    for _, k in ipairs(t.constraints) do
        if k.kind == "unique" then
            add(k.sql_name, format("CONSTRAINT %s UNIQUE (%s)",
                                   ident(k.sql_name), idents(k.col_objs)))
        end
    end
    kind = "foreign"
    for _, fk in ipairs(t.foreign_keys) do
        add(fk.sql_name, format("CONSTRAINT %s FOREIGN KEY (%s)",
                                ident(fk.sql_name), idents(fk.cols)),
            references_clause(fk))
    end
    kind = "check"
    for _, c in ipairs(t.columns) do
        local clause = check_clause_of(d, c)
        if clause then
            add(c.check_name, format("CONSTRAINT %s", ident(c.check_name)),
                clause)
        end
    end
    return out
end

-- The SQL of one of table_constraints' entries, on one line.
function M.constraint_sql(k)
    return k.tail and k.head .. " " .. k.tail or k.head
end

-- One CREATE TABLE statement, without the final semicolon; `name` (an SQL
-- identifier) replaces the table's own when given.
function M.create_table(d, t, name)
    local items = {}
    local width = 0
    for _, c in ipairs(t.columns) do
        width = math.max(width, #c.sql_ident)
    end
    for _, c in ipairs(t.columns) do
        local head, tail = column_parts(d, t, c)
        head = util.pad(c.sql_ident, width) .. " " .. head
        items[#items + 1] = tail ~= "" and fold(head, tail) or head
    end
    for _, k in ipairs(M.table_constraints(d, t)) do
        local head = k.head
        if k.kind == "foreign" and 4 + #head > 80 then
            -- A composite key's column list: on a line of its own.
            head = head:gsub(" FOREIGN KEY ", "\n        FOREIGN KEY ", 1)
        end
        items[#items + 1] = k.tail and fold(head, k.tail) or head
    end
    local lines = { format("CREATE TABLE IF NOT EXISTS %s (",
                           name or t.sql_ident) }
    for i, item in ipairs(items) do
        lines[#lines + 1] = "    " .. item .. (i < #items and "," or "")
    end
    lines[#lines + 1] = ")"
    return concat(lines, "\n")
end

-- The CREATE INDEX statements of t: a list of { name, sql, doc, unique }.
function M.indexes(t)
    local out = {}
    for _, k in ipairs(t.constraints) do
        if k.kind == "index" then
            local head = format("CREATE %sINDEX IF NOT EXISTS %s",
                                k.unique and "UNIQUE " or "",
                                ident(k.sql_name))
            local tail = format("ON %s (%s)", t.sql_ident, idents(k.col_objs))
            local text = head .. " " .. tail
            if #text + 1 > 80 then text = head .. "\n    " .. tail end
            out[#out + 1] = { name = k.sql_name, sql = text, doc = k.doc,
                              unique = k.unique }
        end
    end
    return out
end

-- The statements of schema m in dialect d: a list of
-- { sql = text without ';', doc = comment or nil, table = t }.
function M.statements(d, m)
    -- The C source and the .sql file both want them: make them once.
    m.ddl_cache = m.ddl_cache or {}
    if m.ddl_cache[d] then return m.ddl_cache[d] end
    local out = {}
    m.ddl_cache[d] = out
    for _, t in ipairs(m.order) do
        out[#out + 1] = { sql = M.create_table(d, t), table = t,
                          doc = t.doc }
        for _, ix in ipairs(M.indexes(t)) do
            out[#out + 1] = { sql = ix.sql, doc = ix.doc, table = t }
        end
    end
    return out
end

return M
