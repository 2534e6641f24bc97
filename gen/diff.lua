-- diff.lua: the migration script from one version of a schema to the next
-- (ormc diff). docs/migrations.md describes what it writes and why.
--
-- Tables and columns of the new version are matched with the old by SQL
-- name, then by renamed_from (columns), then by DSL name (an object whose
-- sql_name changed is renamed, not dropped and made again). Constraints and
-- indexes are matched by name and definition.
--
-- The script is one transaction: it applies whole or not at all (both
-- dialects have transactional DDL). The two dialects differ in how a table
-- changes:
--
--   PostgreSQL  ALTER TABLE in place: RENAME, ADD/DROP COLUMN, ALTER COLUMN
--               TYPE / SET|DROP NOT NULL / SET|DROP DEFAULT, DROP/ADD
--               CONSTRAINT; indexes dropped and created by name.
--   SQLite      whose ALTER TABLE cannot change a column or a constraint:
--               a table whose CREATE TABLE changes is rebuilt the way the
--               SQLite documentation prescribes (create the new table under
--               a temporary name, copy the rows, drop the old one, rename the
--               new one, create its indexes), with foreign keys off for the
--               script and checked before it commits.
--
-- What cannot be derived from the two schemas is refused with an error at
-- the new schema's line (exit 2, nothing printed): a NOT NULL column added
-- without a default (the rows already there would have no value), and a
-- column that becomes or stops being serial. A serial's autoincrement =
-- true is SQLite's only: a change of it rebuilds the table there (its
-- CREATE TABLE changes) and is nothing on PostgreSQL.

local ddl = require("ddl")
local util = require("util")

local concat, format = table.concat, string.format
local ident, sql_string = util.sql_ident, util.sql_string

local M = {}

-- Statements are collected as { comment = text or nil, sql = text }.
local function script()
    local s = { list = {} }
    function s:add(comment, sql)
        self.list[#self.list + 1] = { comment = comment, sql = sql }
    end
    return s
end

-- head and tail on one line when it fits in 80 columns, else tail on the
-- next, indented.
local function fold(head, tail)
    if #head + 1 + #tail + 1 <= 80 then return head .. " " .. tail end
    return head .. "\n    " .. tail
end

-- A CREATE statement without IF NOT EXISTS: in a migration an object that
-- is already there is a collision to report, not one to pass over.
local function strict(sql)
    return (sql:gsub(" IF NOT EXISTS", "", 1))
end

-- The old object each new one continues (tables or columns): same SQL
-- name; else its renamed_from, an old DSL or SQL name; else the same DSL
-- name. An old object is taken once, and not when the new version still
-- uses its SQL name. Returns old_of (new -> old) and the old ones gone.
local function match(olds, news)
    local by_sql, by_name, new_sql = {}, {}, {}
    for _, o in ipairs(olds) do
        by_sql[o.sql_name] = o
        by_name[o.name] = o
    end
    for _, n in ipairs(news) do new_sql[n.sql_name] = true end
    local old_of, taken = {}, {}
    for _, n in ipairs(news) do
        local o = by_sql[n.sql_name]
        if o then
            old_of[n], taken[o] = o, true
        end
    end
    local function free(o) return o and not taken[o] and not new_sql[o.sql_name] end
    for _, n in ipairs(news) do
        if not old_of[n] then
            local o
            if n.renamed_from then
                o = by_name[n.renamed_from]
                if not free(o) then o = by_sql[n.renamed_from] end
            end
            if not free(o) then o = by_name[n.name] end
            if free(o) then old_of[n], taken[o] = o, true end
        end
    end
    local gone = {}
    for _, o in ipairs(olds) do
        if not taken[o] then gone[#gone + 1] = o end
    end
    return old_of, gone
end

-- Whether the column may be added to a table that already has rows.
-- Whether columns a and b have the same type in dialect d: the type the
-- catalog shows for each, so that the spellings of one type (a sql_type's
-- int4 and ormc's integer, VARCHAR(32) and varchar(32)) are no change.
local function same_type(d, a, b)
    return d.catalog_type(a):lower() == d.catalog_type(b):lower()
end

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

local function check_serial(errs, t, c, oc)
    if (oc.type == "serial") ~= (c.type == "serial") then
        errs:addf(c, "write that step by hand, or add a new column",
                  "column '%s' of table '%s' %s serial: ormc diff cannot "
                  .. "carry the key's sequence over", c.name, t.name,
                  c.type == "serial" and "becomes" or "stops being")
        return false
    end
    return true
end

-- The tables of the new model paired with the old: a list of
-- { t, o, cols = new column -> old column, gone = old columns gone } in the
-- new model's dependency order, and the old tables that are gone.
local function pair_tables(old_m, new_m)
    local old_of, gone = match(old_m.tables, new_m.tables)
    local kept = {}
    for _, t in ipairs(new_m.order) do
        local o = old_of[t]
        if o then
            local cols, gone_cols = match(o.columns, t.columns)
            kept[#kept + 1] = { t = t, o = o, cols = cols, gone = gone_cols }
        end
    end
    -- Old tables in reverse dependency order: children first.
    local gone_set, gone_tables = {}, {}
    for _, o in ipairs(gone) do gone_set[o] = true end
    for i = #old_m.order, 1, -1 do
        if gone_set[old_m.order[i]] then
            gone_tables[#gone_tables + 1] = old_m.order[i]
        end
    end
    return kept, gone_tables
end

local function rename_tables(s, kept)
    for _, k in ipairs(kept) do
        if k.o.sql_name ~= k.t.sql_name then
            s:add(format("%s: renamed to %s", k.o.sql_name, k.t.sql_name),
                  format("ALTER TABLE %s RENAME TO %s", k.o.sql_ident,
                         k.t.sql_ident))
        end
    end
end

local function by_name(list)
    local out = {}
    for _, x in ipairs(list) do out[x.name] = x end
    return out
end

-- Entries of list (constraints or indexes, with name and sql) that are not
-- in other with the same SQL.
local function changed(list, other)
    local other_by, out = by_name(other), {}
    for _, x in ipairs(list) do
        local y = other_by[x.name]
        if not y or y.sql ~= x.sql then out[#out + 1] = x end
    end
    return out
end

-- === PostgreSQL ===

local function constraints(d, t)
    local out = ddl.table_constraints(d, t)
    for _, k in ipairs(out) do k.sql = ddl.constraint_sql(k) end
    return out
end

local function pg_alter_columns(d, s, errs, k)
    local t = k.t
    local alter = "ALTER TABLE " .. t.sql_ident .. " "
    for _, c in ipairs(t.columns) do
        local oc = k.cols[c]
        if oc and oc.sql_name ~= c.sql_name then
            s:add(format("%s: column %s renamed to %s", t.sql_name,
                         oc.sql_name, c.sql_name),
                  format("%sRENAME COLUMN %s TO %s", alter, oc.sql_ident,
                         c.sql_ident))
        end
    end
    for _, c in ipairs(t.columns) do
        local oc = k.cols[c]
        local col = alter .. "ALTER COLUMN " .. c.sql_ident .. " "
        if not oc then
            if check_added(errs, t, c) then
                s:add(format("%s: new column %s", t.sql_name, c.sql_name),
                      alter .. "ADD COLUMN " .. ddl.column_definition(d, t, c))
            end
        elseif check_serial(errs, t, c, oc) then
            local old_type, new_type = d.column_type(oc), d.column_type(c)
            local old_default = ddl.default_sql(d, oc)
            local new_default = ddl.default_sql(d, c)
            if not same_type(d, c, oc) then
                local what = format("%s.%s: %s -> %s", t.sql_name, c.sql_name,
                                    old_type, new_type)
                -- The old default may not cast to the new type: it goes
                -- first and the new one comes after.
                if old_default then
                    s:add(what, col .. "DROP DEFAULT")
                    what = nil
                end
                local using = format("%s::%s", c.sql_ident, new_type)
                if oc.type == "timestamp" and c.type == "timestamp" then
                    -- A timestamp keeps its instant: without a time zone it
                    -- holds UTC (dialect.lua).
                    using = c.sql_ident .. " AT TIME ZONE 'UTC'"
                elseif c.type == "text" and c.max then
                    -- An explicit cast to varchar(n) cuts a longer value
                    -- short; an assignment from text refuses it.
                    using = c.sql_ident .. "::text"
                end
                s:add(what, fold(col .. "TYPE " .. new_type, "USING " .. using))
                old_default = nil
            end
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
    for _, oc in ipairs(k.gone) do
        s:add(format("%s: column %s removed", t.sql_name, oc.sql_name),
              alter .. "DROP COLUMN " .. oc.sql_ident)
    end
end

-- Add statements under one comment.
local function add_all(s, comment, list)
    for _, sql in ipairs(list) do
        s:add(comment, sql)
        comment = nil
    end
end

-- What changes in the constraints and indexes of each kept table k:
-- k.drop_k / k.add_k (constraints), k.drop_ix / k.add_ix (indexes), and
-- k.fk_dropped, the foreign keys that go first. Those are the foreign keys
-- that change, and also, to come back at the end, those that reference a
-- table losing or changing a key (PostgreSQL will not drop a key that a
-- foreign key holds on to) or a column whose type changes, or whose own
-- column's type changes (nor retype either end of one). Returns the DROP
-- statements of those foreign keys.
local function plan_constraints(d, kept, gone_tables)
    local unsteady, retyped = {}, {}
    for _, o in ipairs(gone_tables) do unsteady[o] = true end
    for _, k in ipairs(kept) do
        local old_k, new_k = constraints(d, k.o), constraints(d, k.t)
        local old_ix, new_ix = ddl.indexes(k.o), ddl.indexes(k.t)
        k.new_k = new_k
        k.drop_k, k.add_k = changed(old_k, new_k), changed(new_k, old_k)
        k.drop_ix, k.add_ix = changed(old_ix, new_ix), changed(new_ix, old_ix)
        for _, x in ipairs(k.drop_k) do
            if x.kind == "primary" or x.kind == "unique" then
                unsteady[k.o] = true
            end
        end
        for _, x in ipairs(k.drop_ix) do
            if x.unique then unsteady[k.o] = true end
        end
        for c, oc in pairs(k.cols) do
            if not same_type(d, c, oc) then
                unsteady[k.o], retyped[oc] = true, true
            end
        end
    end
    local fk_drop = {}
    for _, k in ipairs(kept) do
        local dropping, adding, new_by = {}, {}, by_name(k.new_k)
        for _, x in ipairs(k.drop_k) do dropping[x.name] = true end
        for _, x in ipairs(k.add_k) do adding[x.name] = true end
        k.fk_dropped = {}
        for _, fk in ipairs(k.o.foreign_keys) do
            local moved = false
            for i, oc in ipairs(fk.cols) do
                moved = moved or retyped[oc] or retyped[fk.ref_cols[i]]
            end
            if dropping[fk.sql_name] or unsteady[fk.ref_table] or moved then
                fk_drop[#fk_drop + 1] = format(
                    "ALTER TABLE %s DROP CONSTRAINT %s", k.t.sql_ident,
                    ident(fk.sql_name))
                k.fk_dropped[fk.sql_name] = true
                local again = new_by[fk.sql_name]
                if again and not adding[again.name] then
                    adding[again.name] = true
                    k.add_k[#k.add_k + 1] = again
                end
            end
        end
    end
    return fk_drop
end

-- The ALTER TABLE ... ADD statements of the kept tables: keys (primary,
-- unique) and indexes in one list, foreign keys and checks in the other.
local function additions(kept)
    local keys, later = {}, {}
    for _, k in ipairs(kept) do
        for _, x in ipairs(k.add_k) do
            local head = format("ALTER TABLE %s ADD %s", k.t.sql_ident, x.head)
            if x.kind == "foreign" and #head + 1 > 80 then
                -- A composite key's column list: on a line of its own.
                head = head:gsub(" FOREIGN KEY ", "\n    FOREIGN KEY ", 1)
            end
            local list = (x.kind == "primary" or x.kind == "unique")
                and keys or later
            list[#list + 1] = x.tail and fold(head, x.tail) or head
        end
        for _, x in ipairs(k.add_ix) do keys[#keys + 1] = strict(x.sql) end
    end
    return keys, later
end

local function pg_script(d, s, errs, old_m, new_m)
    local kept, gone_tables = pair_tables(old_m, new_m)
    local fk_drop = plan_constraints(d, kept, gone_tables)

    rename_tables(s, kept)
    add_all(s, "foreign keys that change or lose what they reference",
            fk_drop)
    for _, o in ipairs(gone_tables) do
        s:add(format("%s: removed", o.sql_name), "DROP TABLE " .. o.sql_ident)
    end
    local drops = {}
    for _, k in ipairs(kept) do
        for _, x in ipairs(k.drop_k) do
            if not k.fk_dropped[x.name] then
                drops[#drops + 1] = format("ALTER TABLE %s DROP CONSTRAINT %s",
                                           k.t.sql_ident, ident(x.name))
            end
        end
        for _, x in ipairs(k.drop_ix) do
            drops[#drops + 1] = "DROP INDEX " .. ident(x.name)
        end
    end
    add_all(s, "constraints and indexes that change or go", drops)
    for _, k in ipairs(kept) do pg_alter_columns(d, s, errs, k) end

    -- Keys and indexes before the new tables (whose foreign keys may
    -- reference them), foreign keys and checks after (they may reference
    -- the new tables).
    local keys, later = additions(kept)
    add_all(s, "keys and indexes that are new or changed", keys)
    local is_kept = {}
    for _, k in ipairs(kept) do is_kept[k.t] = true end
    for _, t in ipairs(new_m.order) do
        if not is_kept[t] then
            s:add(format("%s: new table", t.sql_name),
                  strict(ddl.create_table(d, t)))
            for _, ix in ipairs(ddl.indexes(t)) do s:add(nil, strict(ix.sql)) end
        end
    end
    add_all(s, "foreign keys and checks that are new or changed", later)
end

-- === SQLite ===

-- A max of kept table k.t that is new or smaller, without its CHECK in
-- the table (checks = "client"): its SQLite DDL is the same, so nothing
-- else refuses a row that no longer fits. Refuse to commit one, as the
-- table's CHECK would and PostgreSQL's cast to varchar(n) does; `table` is
-- the identifier of the table that holds the rows now.
local function max_guard(s, k, table)
    local too_long = {}
    for _, c in ipairs(k.t.columns) do
        local oc = k.cols[c]
        if c.type == "text" and c.max and not c.db_max_check and oc
            and (oc.max == nil or c.max < oc.max) then
            too_long[#too_long + 1] = format("length(%s) > %d", c.sql_ident,
                                             c.max)
        end
    end
    if #too_long == 0 then return end
    local guard = ident("_ormc_max_check")
    s:add(format("%s: its rows fit the new max, or nothing is committed",
                 k.t.sql_name),
          format("CREATE TEMP TABLE %s (\"too_long\" INTEGER\n    "
                 .. "CONSTRAINT \"text must fit its new max\" "
                 .. "CHECK (\"too_long\" = 0))", guard))
    s:add(nil, format("INSERT INTO %s\n    SELECT count(*) FROM %s WHERE %s",
                      guard, table, concat(too_long, " OR ")))
    s:add(nil, "DROP TABLE " .. guard)
end

-- Rebuild kept table k.t in place (already under its new name): its rows
-- keep their values in the columns both versions have.
local function sqlite_rebuild(d, s, errs, k)
    local t = k.t
    local into, from = {}, {}
    for _, c in ipairs(t.columns) do
        local oc = k.cols[c]
        if not oc then
            check_added(errs, t, c)
        elseif check_serial(errs, t, c, oc) then
            into[#into + 1] = c.sql_ident
            -- A column that becomes NOT NULL takes its default where it
            -- had no value.
            local default = ddl.default_sql(d, c)
            if c.not_null and not oc.not_null and default then
                from[#from + 1] = format("COALESCE(%s, %s)", oc.sql_ident,
                                         default)
            else
                from[#from + 1] = oc.sql_ident
            end
        end
    end
    local temp_name = "_ormc_new_" .. t.sql_name
    local temp = ident(temp_name)
    s:add(format("%s: rebuilt with its new definition (SQLite cannot alter "
                 .. "a column or a constraint)", t.sql_name),
          strict(ddl.create_table(d, t, temp)))
    if #into > 0 then
        s:add(nil, format("INSERT INTO %s (%s)\n    SELECT %s FROM %s", temp,
                          concat(into, ", "), concat(from, ", "), t.sql_ident))
    end
    max_guard(s, k, temp)
    -- AUTOINCREMENT never gives a key twice: a table rebuilt with it
    -- takes the old table's high-water mark in sqlite_sequence, when the
    -- old one had AUTOINCREMENT (whatever the old version of the schema
    -- says: a database ormc made before serial left it out by default has
    -- it; its mark is at least the largest key copied). Otherwise the new
    -- table starts with no mark and numbers past its largest key. A table
    -- rebuilt without it (autoincrement = true removed) gives the keys of
    -- its newest rows again once they are deleted, as a serial does by
    -- default.
    local carry = false
    for _, c in ipairs(t.columns) do
        carry = carry or (c.type == "serial" and c.autoincrement)
    end
    if carry then
        s:add(nil, format("DELETE FROM sqlite_sequence WHERE name = %s",
                          sql_string(temp_name)))
        s:add(nil, format("INSERT INTO sqlite_sequence (name, seq)\n    "
                          .. "SELECT %s, seq FROM sqlite_sequence WHERE "
                          .. "name = %s", sql_string(temp_name),
                          sql_string(t.sql_name)))
    end
    s:add(nil, "DROP TABLE " .. t.sql_ident)
    s:add(nil, format("ALTER TABLE %s RENAME TO %s", temp, t.sql_ident))
    for _, ix in ipairs(ddl.indexes(t)) do s:add(nil, strict(ix.sql)) end
end

local function sqlite_script(d, s, errs, old_m, new_m)
    local kept, gone_tables = pair_tables(old_m, new_m)
    local kept_of = {}
    for _, k in ipairs(kept) do kept_of[k.t] = k end
    rename_tables(s, kept)
    -- Every index that changes or goes, first: an index may move to a
    -- table that comes earlier.
    local drops = {}
    for _, k in ipairs(kept) do
        k.add_ix = changed(ddl.indexes(k.t), ddl.indexes(k.o))
        for _, x in ipairs(changed(ddl.indexes(k.o), ddl.indexes(k.t))) do
            drops[#drops + 1] = "DROP INDEX " .. ident(x.name)
        end
    end
    add_all(s, "indexes that change or go", drops)
    for _, o in ipairs(gone_tables) do
        s:add(format("%s: removed", o.sql_name), "DROP TABLE " .. o.sql_ident)
    end
    for _, t in ipairs(new_m.order) do
        local k = kept_of[t]
        if not k then
            s:add(format("%s: new table", t.sql_name),
                  strict(ddl.create_table(d, t)))
            for _, ix in ipairs(ddl.indexes(t)) do s:add(nil, strict(ix.sql)) end
        elseif ddl.create_table(d, k.o, t.sql_ident) ~= ddl.create_table(d, t) then
            sqlite_rebuild(d, s, errs, k)
        else
            max_guard(s, k, t.sql_ident)
            for _, ix in ipairs(k.add_ix) do s:add(nil, strict(ix.sql)) end
        end
    end
end

-- The script from model old_m to model new_m in dialect d (a table of
-- dialect.lua), as text, or nil when errs gained errors. header: the first
-- comment line.
function M.script(d, old_m, new_m, errs, header)
    local s = script()
    local before = errs:count()
    local sqlite = d.key == "sqlite"
    if sqlite then
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
    if sqlite then
        -- Off for the rebuilds: dropping a table must not delete from or
        -- check the tables that reference it. A no-op inside a transaction,
        -- hence before BEGIN (and the script must not run inside one).
        b:line("-- Run it outside any transaction: it turns foreign keys off "
               .. "for its own.")
        b:line()
        b:line("PRAGMA foreign_keys = OFF;")
    end
    b:line()
    b:line("BEGIN;")
    if not sqlite then
        -- Casts between text and timestamps read and write UTC, as ormc
        -- stores it, whatever the session's time zone.
        b:line("SET LOCAL TimeZone = 'UTC';")
    end
    if sqlite then
        -- Foreign keys are off: refuse to commit rows that break one (a
        -- reference added to a column whose values have no parent). A
        -- CHECK is the one way plain SQL has to fail on a query's answer.
        s:add("the foreign keys hold, or nothing is committed",
              "CREATE TEMP TABLE \"_ormc_foreign_key_check\" (\"violations\" "
              .. "INTEGER\n    CONSTRAINT \"foreign keys must hold after the "
              .. "migration\" CHECK (\"violations\" = 0))")
        s:add(nil, "INSERT INTO \"_ormc_foreign_key_check\"\n    SELECT "
              .. "count(*) FROM pragma_foreign_key_check")
        s:add(nil, "DROP TABLE \"_ormc_foreign_key_check\"")
    end
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
