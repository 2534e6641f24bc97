-- diff.lua: the migration script from one version of a schema to the next
-- (ormc diff). Tables are matched by SQL name, columns by SQL name or by
-- renamed_from, indexes and constraints by name and definition.
--
-- The script is one transaction: it applies whole or not at all (both
-- dialects have transactional DDL). The two dialects differ in how a table
-- changes:
--
--   PostgreSQL  ALTER TABLE in place: RENAME COLUMN, ADD/DROP COLUMN,
--               ALTER COLUMN TYPE / SET|DROP NOT NULL / SET|DROP DEFAULT,
--               DROP/ADD CONSTRAINT; indexes dropped and created by name.
--   SQLite      whose ALTER TABLE cannot change a column or a constraint:
--               a table whose CREATE TABLE changes is rebuilt the way the
--               SQLite documentation prescribes (create the new table under
--               a temporary name, copy the rows, drop the old one, rename the
--               new one, create its indexes), with foreign keys off for the
--               script so that dropping the old table touches no other.
--
-- What cannot be derived from the two schemas is refused with an error at
-- the new schema's line (exit 2, nothing printed): a NOT NULL column added
-- without a default (the rows already there would have no value), and a
-- column that becomes or stops being serial.

local ddl = require("ddl")
local util = require("util")

local concat, format = table.concat, string.format
local ident = util.sql_ident

local M = {}

-- Statements are collected as { comment = text or nil, sql = text }.
local function script()
    local s = { list = {} }
    function s:add(comment, sql)
        self.list[#self.list + 1] = { comment = comment, sql = sql }
    end
    return s
end

local function by_sql_name(list)
    local out = {}
    for _, x in ipairs(list) do out[x.sql_name] = x end
    return out
end

-- The columns of the new table t paired with those of the old table o:
-- a list of { new = c, old = c or nil } in t's order, plus the old columns
-- that are gone.
local function pair_columns(o, t)
    local old_by = by_sql_name(o.columns)
    local pairs_, taken = {}, {}
    for _, c in ipairs(t.columns) do
        local old = old_by[c.sql_name]
        if not old and c.renamed_from then
            -- renamed_from is a DSL name: find the old column of that name.
            for _, oc in ipairs(o.columns) do
                if oc.name == c.renamed_from or oc.sql_name == c.renamed_from then
                    old = oc
                end
            end
            -- The old name may still be taken by a column of t.
            if old and by_sql_name(t.columns)[old.sql_name] then old = nil end
        end
        if old then taken[old] = true end
        pairs_[#pairs_ + 1] = { new = c, old = old }
    end
    local gone = {}
    for _, oc in ipairs(o.columns) do
        if not taken[oc] then gone[#gone + 1] = oc end
    end
    return pairs_, gone
end

-- Whether the column may be added to a table that already has rows.
local function check_added(errs, t, c)
    if c.not_null and c.default == nil and c.type ~= "serial" then
        errs:addf(c, "give it a default, or add it nullable first and "
                  .. "fill it in", "column '%s' of table '%s' is added NOT "
                  .. "NULL without a default: the rows already there would "
                  .. "have no value", c.name, t.name)
        return false
    end
    return true
end

local function check_serial(errs, t, p)
    if p.old and (p.old.type == "serial") ~= (p.new.type == "serial") then
        errs:addf(p.new, "write that step by hand, or add a new column",
                  "column '%s' of table '%s' %s serial: ormc diff cannot "
                  .. "carry the key's sequence over", p.new.name, t.name,
                  p.new.type == "serial" and "becomes" or "stops being")
        return false
    end
    return true
end

-- head and tail on one line when it fits in 80 columns, else tail on the
-- next, indented.
local function fold(head, tail)
    if #head + 1 + #tail + 1 <= 80 then return head .. " " .. tail end
    return head .. "\n    " .. tail
end

-- Index and constraint entries by name, with their SQL text.
local function indexes_by_name(t)
    local out = {}
    for _, ix in ipairs(ddl.indexes(t)) do out[ix.name] = ix end
    return out
end

local function constraints_by_name(d, t)
    local out = {}
    for _, k in ipairs(ddl.table_constraints(d, t)) do
        k.sql = ddl.constraint_sql(k)
        out[#out + 1] = k
        out[k.name] = k
    end
    return out
end

-- The indexes of new table t that differ from (or are missing in) old o,
-- and those of o that differ from (or are missing in) t.
local function changed_indexes(o, t)
    local old, new = indexes_by_name(o), indexes_by_name(t)
    local to_drop, to_create = {}, {}
    for _, ix in ipairs(ddl.indexes(o)) do
        if not new[ix.name] or new[ix.name].sql ~= ix.sql then
            to_drop[#to_drop + 1] = ix
        end
    end
    for _, ix in ipairs(ddl.indexes(t)) do
        if not old[ix.name] or old[ix.name].sql ~= ix.sql then
            to_create[#to_create + 1] = ix
        end
    end
    return to_drop, to_create
end

-- === PostgreSQL ===

local function pg_alter_columns(d, s, errs, o, t)
    local pairs_, gone = pair_columns(o, t)
    local alter = "ALTER TABLE " .. t.sql_ident .. " "
    for _, p in ipairs(pairs_) do
        local c, oc = p.new, p.old
        if oc and oc.sql_name ~= c.sql_name then
            s:add(format("%s: column %s renamed to %s", t.sql_name,
                         oc.sql_name, c.sql_name),
                  format("%sRENAME COLUMN %s TO %s", alter, oc.sql_ident,
                         c.sql_ident))
        end
    end
    for _, p in ipairs(pairs_) do
        local c, oc = p.new, p.old
        local col = alter .. "ALTER COLUMN " .. c.sql_ident .. " "
        if not oc then
            if check_added(errs, t, c) then
                s:add(format("%s: new column %s", t.sql_name, c.sql_name),
                      alter .. "ADD COLUMN " .. ddl.column_definition(d, t, c))
            end
        elseif check_serial(errs, t, p) then
            local old_type, new_type = d.column_type(oc), d.column_type(c)
            if old_type ~= new_type then
                -- A timestamp keeps its instant: without a time zone it holds
                -- UTC (emit_postgres.lua), so it is read and written as UTC.
                local using = format("%s::%s", c.sql_ident, new_type)
                if oc.type == "timestamp" and c.type == "timestamp" then
                    using = c.sql_ident .. " AT TIME ZONE 'UTC'"
                end
                s:add(format("%s.%s: %s -> %s", t.sql_name, c.sql_name,
                             old_type, new_type),
                      fold(col .. "TYPE " .. new_type, "USING " .. using))
            end
            local old_default = ddl.default_sql(d, oc)
            local new_default = ddl.default_sql(d, c)
            if old_default ~= new_default then
                s:add(format("%s.%s: default %s", t.sql_name, c.sql_name,
                             new_default or "none"),
                      new_default and col .. "SET DEFAULT " .. new_default
                      or col .. "DROP DEFAULT")
            end
            if c.not_null and not oc.not_null then
                if new_default then
                    s:add(format("%s.%s: NOT NULL, the rows without a value "
                                 .. "given the default", t.sql_name,
                                 c.sql_name),
                          format("UPDATE %s SET %s = %s WHERE %s IS NULL",
                                 t.sql_ident, c.sql_ident, new_default,
                                 c.sql_ident))
                end
                s:add(not new_default and format("%s.%s: NOT NULL",
                                                 t.sql_name, c.sql_name) or nil,
                      col .. "SET NOT NULL")
            elseif oc.not_null and not c.not_null then
                s:add(format("%s.%s: nullable", t.sql_name, c.sql_name),
                      col .. "DROP NOT NULL")
            end
        end
    end
    for _, oc in ipairs(gone) do
        s:add(format("%s: column %s removed", t.sql_name, oc.sql_name),
              alter .. "DROP COLUMN " .. oc.sql_ident)
    end
end

local function pg_script(d, s, errs, old_m, new_m)
    local old_tables, new_tables = by_sql_name(old_m.tables),
                                   by_sql_name(new_m.tables)
    -- 1. Constraints and indexes that go or change, first, children's
    -- before their parents' (a foreign key holds on to the key it points
    -- at); a foreign key into a table that is dropped goes before the table.
    local drops, add_later = {}, {}
    for _, t in ipairs(new_m.order) do
        local o = old_tables[t.sql_name]
        if o then
            local dropped = {}
            local old_k, new_k = constraints_by_name(d, o), constraints_by_name(d, t)
            for _, k in ipairs(old_k) do
                if not new_k[k.name] or new_k[k.name].sql ~= k.sql then
                    dropped[#dropped + 1] = format(
                        "ALTER TABLE %s DROP CONSTRAINT %s", o.sql_ident,
                        ident(k.name))
                end
            end
            for _, k in ipairs(new_k) do
                if not old_k[k.name] or old_k[k.name].sql ~= k.sql then
                    local head = format("ALTER TABLE %s ADD %s", t.sql_ident,
                                        k.head)
                    add_later[#add_later + 1] = k.tail
                        and fold(head, k.tail) or head
                end
            end
            local drop, create = changed_indexes(o, t)
            for _, ix in ipairs(drop) do
                dropped[#dropped + 1] = "DROP INDEX " .. ident(ix.name)
            end
            for _, ix in ipairs(create) do add_later[#add_later + 1] = ix.sql end
            drops[#drops + 1] = dropped
        end
    end
    local comment = "constraints and indexes that change or go"
    for i = #drops, 1, -1 do
        for _, sql in ipairs(drops[i]) do
            s:add(comment, sql)
            comment = nil
        end
    end
    -- 2. Tables that go, children first.
    for i = #old_m.order, 1, -1 do
        local o = old_m.order[i]
        if not new_tables[o.sql_name] then
            s:add(format("%s: removed", o.sql_name), "DROP TABLE " .. o.sql_ident)
        end
    end
    -- 3. The columns of the tables that stay.
    for _, t in ipairs(new_m.order) do
        local o = old_tables[t.sql_name]
        if o then pg_alter_columns(d, s, errs, o, t) end
    end
    -- 4. New tables, then what the tables that stay gained (a new foreign
    -- key may point into a new table).
    for _, t in ipairs(new_m.order) do
        if not old_tables[t.sql_name] then
            s:add(format("%s: new table", t.sql_name), ddl.create_table(d, t))
            for _, ix in ipairs(ddl.indexes(t)) do s:add(nil, ix.sql) end
        end
    end
    comment = "constraints and indexes that are new or changed"
    for _, sql in ipairs(add_later) do
        s:add(comment, sql)
        comment = nil
    end
end

-- === SQLite ===

-- Rebuild table t (old version o) in place: its rows keep their values in
-- the columns both versions have.
local function sqlite_rebuild(d, s, errs, o, t)
    local pairs_ = pair_columns(o, t)
    local into, from = {}, {}
    for _, p in ipairs(pairs_) do
        if p.old then
            if check_serial(errs, t, p) then
                into[#into + 1] = p.new.sql_ident
                -- A column that becomes NOT NULL takes its default where
                -- it had no value.
                local default = ddl.default_sql(d, p.new)
                if p.new.not_null and not p.old.not_null and default then
                    from[#from + 1] = format("COALESCE(%s, %s)",
                                             p.old.sql_ident, default)
                else
                    from[#from + 1] = p.old.sql_ident
                end
            end
        else
            check_added(errs, t, p.new)
        end
    end
    local temp_name = "_ormc_new_" .. t.sql_name
    local temp = ident(temp_name)
    s:add(format("%s: rebuilt with its new definition (SQLite cannot alter "
                 .. "a column or a constraint)", t.sql_name),
          ddl.create_table(d, t, temp))
    if #into > 0 then
        s:add(nil, format("INSERT INTO %s (%s)\n    SELECT %s FROM %s", temp,
                          concat(into, ", "), concat(from, ", "), o.sql_ident))
    end
    local serial = false
    for _, c in ipairs(t.columns) do serial = serial or c.type == "serial" end
    if serial then
        -- AUTOINCREMENT never reuses a key: carry the high-water mark over.
        s:add(nil, format("DELETE FROM sqlite_sequence WHERE name = %s",
                          util.sql_string(temp_name)))
        s:add(nil, format("INSERT INTO sqlite_sequence (name, seq)\n    "
                          .. "SELECT %s, seq FROM sqlite_sequence WHERE "
                          .. "name = %s", util.sql_string(temp_name),
                          util.sql_string(o.sql_name)))
    end
    s:add(nil, "DROP TABLE " .. o.sql_ident)
    s:add(nil, format("ALTER TABLE %s RENAME TO %s", temp, t.sql_ident))
    for _, ix in ipairs(ddl.indexes(t)) do s:add(nil, ix.sql) end
end

local function sqlite_script(d, s, errs, old_m, new_m)
    local old_tables, new_tables = by_sql_name(old_m.tables),
                                   by_sql_name(new_m.tables)
    for i = #old_m.order, 1, -1 do
        local o = old_m.order[i]
        if not new_tables[o.sql_name] then
            s:add(format("%s: removed", o.sql_name), "DROP TABLE " .. o.sql_ident)
        end
    end
    for _, t in ipairs(new_m.order) do
        local o = old_tables[t.sql_name]
        if not o then
            s:add(format("%s: new table", t.sql_name), ddl.create_table(d, t))
            for _, ix in ipairs(ddl.indexes(t)) do s:add(nil, ix.sql) end
        elseif ddl.create_table(d, o) ~= ddl.create_table(d, t) then
            sqlite_rebuild(d, s, errs, o, t)
        else
            local drop, create = changed_indexes(o, t)
            for _, ix in ipairs(drop) do
                s:add(nil, "DROP INDEX " .. ident(ix.name))
            end
            for _, ix in ipairs(create) do s:add(nil, ix.sql) end
        end
    end
end

-- The script from model old_m to model new_m in dialect d (ddl.lua's
-- dialect table; d.name is "SQLite" or "PostgreSQL"), as text, or nil when
-- errs gained errors. header: the first comment line.
function M.script(d, old_m, new_m, errs, header)
    local s = script()
    local before = errs:count()
    if d.name == "SQLite" then
        sqlite_script(d, s, errs, old_m, new_m)
    else
        pg_script(d, s, errs, old_m, new_m)
    end
    if errs:count() > before then return nil end

    local b = util.buffer()
    b:line("-- %s", header)
    if #s.list == 0 then
        b:line("--")
        b:line("-- No differences: nothing to do.")
        return b:text()
    end
    b:line("--")
    b:line("-- One transaction: it applies whole or not at all.")
    local sqlite = d.name == "SQLite"
    if sqlite then
        -- Off for the rebuilds: dropping a table must not delete from or
        -- check the tables that reference it. A no-op inside a transaction,
        -- hence before BEGIN.
        b:line()
        b:line("PRAGMA foreign_keys = OFF;")
    end
    b:line()
    b:line("BEGIN;")
    for _, st in ipairs(s.list) do
        if st.comment then
            b:line()
            b:line("-- %s", st.comment)
        end
        b:line("%s;", st.sql)
    end
    b:line()
    b:line("COMMIT;")
    if sqlite then b:line("PRAGMA foreign_keys = ON;") end
    return b:text()
end

return M
