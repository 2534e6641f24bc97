-- ddl.lua: CREATE TABLE and CREATE INDEX statements for one dialect.
-- emit_sqlite.lua and emit_postgres.lua each pass their dialect table; the
-- structure (tables in dependency order, named constraints, IF NOT EXISTS
-- everywhere) is shared so that the two cannot drift apart.
--
-- A dialect is
--   { name, column_type(c), default_now(c), bool(v),
--     serial(c, t) -> clause, whether the clause is the primary key,
--     text_max_check }

local util = require("util")
local model = require("model")
local check = require("check")

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

-- One CREATE TABLE statement, as lines without the final semicolon.
local function create_table(d, t)
    local items = {}
    local width = 0
    for _, c in ipairs(t.columns) do
        width = math.max(width, #c.sql_ident)
    end
    local inline_pk = false
    for _, c in ipairs(t.columns) do
        local head = { util.pad(c.sql_ident, width), d.column_type(c) }
        if c.not_null then head[#head + 1] = "NOT NULL" end
        local parts = {}
        if c.type == "serial" then
            local clause, is_key = d.serial(c, t)
            parts[#parts + 1] = clause
            inline_pk = inline_pk or is_key
        end
        if c.default ~= nil then
            parts[#parts + 1] = "DEFAULT " .. default_literal(d, c, c.default)
        end
        if #parts > 0 then
            items[#items + 1] = fold(concat(head, " "), concat(parts, " "))
        else
            items[#items + 1] = concat(head, " ")
        end
    end
    if not inline_pk then
        items[#items + 1] = format("CONSTRAINT %s PRIMARY KEY (%s)",
                                   ident(t.pk_constraint), idents(t.pk_cols))
    end
    for _, k in ipairs(t.constraints) do
        if k.kind == "unique" then
            items[#items + 1] = format("CONSTRAINT %s UNIQUE (%s)",
                                       ident(k.sql_name), idents(k.col_objs))
        end
    end
    for _, c in ipairs(t.columns) do
        if c.ref then
            local fk = format("CONSTRAINT %s FOREIGN KEY (%s)",
                              ident(c.fk_name), c.sql_ident)
            local ref = format("REFERENCES %s (%s)",
                               c.ref_table.sql_ident,
                               c.ref_col.sql_ident)
            if c.ref.on_delete then
                ref = ref .. " ON DELETE " .. check.ON_DELETE[c.ref.on_delete]
            end
            items[#items + 1] = fold(fk, ref)
        end
    end
    for _, c in ipairs(t.columns) do
        if c.type == "enum" then
            local labels = {}
            for i, l in ipairs(c.labels) do labels[i] = sql_string(l) end
            items[#items + 1] = fold(format("CONSTRAINT %s",
                                            ident(c.check_name)),
                                     format("CHECK (%s IN (%s))",
                                            c.sql_ident,
                                            concat(labels, ", ")))
        elseif c.type == "text" and c.max and d.text_max_check then
            items[#items + 1] = fold(format("CONSTRAINT %s",
                                            ident(c.check_name)),
                                     format("CHECK (length(%s) <= %d)",
                                            c.sql_ident, c.max))
        end
    end
    local lines = { format("CREATE TABLE IF NOT EXISTS %s (",
                           t.sql_ident) }
    for i, item in ipairs(items) do
        lines[#lines + 1] = "    " .. item .. (i < #items and "," or "")
    end
    lines[#lines + 1] = ")"
    return concat(lines, "\n")
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
        out[#out + 1] = { sql = create_table(d, t), table = t,
                          doc = t.doc }
        for _, k in ipairs(t.constraints) do
            if k.kind == "index" then
                local head = format("CREATE %sINDEX IF NOT EXISTS %s",
                                    k.unique and "UNIQUE " or "",
                                    ident(k.sql_name))
                local tail = format("ON %s (%s)", t.sql_ident,
                                    idents(k.col_objs))
                local text = head .. " " .. tail
                if #text + 1 > 80 then text = head .. "\n    " .. tail end
                out[#out + 1] = {
                    sql = text,
                    doc = k.doc, table = t,
                }
            end
        end
    end
    return out
end

-- The .sql file: a banner, the schema's doc, and the statements.
function M.file(d, m, stmts, banner)
    local b = util.buffer()
    b:line("-- %s", banner)
    b:line("--")
    b:line("-- Schema %s, %s dialect: tables in dependency order.", m.name,
           d.name)
    if m.doc then
        b:line("--")
        for _, l in ipairs(util.wrap(m.doc, 77)) do b:line("-- %s", l) end
    end
    local last_table
    for _, st in ipairs(stmts) do
        b:line()
        if st.table ~= last_table then
            b:line("-- %s (%s:%d)", st.table.name, st.table.file,
                   st.table.line)
            last_table = st.table
        end
        if st.doc then
            for _, l in ipairs(util.wrap(st.doc, 77)) do
                b:line("-- %s", l)
            end
        end
        b:line("%s;", st.sql)
    end
    return b:text()
end

return M
