-- pull.lua: ormc pull, a schema file written from a live database (reverse
-- generation; docs/pull.md).
--
-- Three steps:
--
--   read     pull_catalog.lua: the catalog of a SQLite file or a
--            PostgreSQL schema as one description for both dialects.
--   map      the description to DSL terms: a type per column, defaults as
--            Lua values, an enum for CHECK (x IN (...)), a max for
--            varchar(n) or CHECK (length(x) <= n), names only where they
--            differ from the ones ormc would give. What has no DSL term is a
--            note, written as a `-- not mapped:` comment where it belongs:
--            never dropped without a word.
--   write    the DSL text, laid out like a hand-written schema.

local util = require("util")
local names = require("names")
local keywords = require("keywords")
local catalog = require("pull_catalog")

local concat, format = table.concat, string.format
local lex, ident_of = catalog.lex, catalog.ident_of

local M = {}

M.parse_url = catalog.parse_url
M.read = catalog.read

-- A CHECK expression as DSL terms: { column = name, values = { labels } }
-- for `x IN ('a', ...)` (PostgreSQL shows it as x = ANY (ARRAY['a', ...])),
-- { column = name, max = n } for `length(x) <= n`; nil for anything else.
-- Parentheses, brackets and casts (::type) are left out first.
local function read_check(expr)
    local toks, flat = lex(expr), {}
    local i = 1
    while i <= #toks do
        local t = toks[i]
        if t.k == "op" and t.v == "::" then
            -- the cast's type: words, then an optional (n) and []
            i = i + 1
            while toks[i] and toks[i].k == "id" do i = i + 1 end
            if toks[i] and toks[i].v == "(" then
                while toks[i] and toks[i].v ~= ")" do i = i + 1 end
                i = i + 1
            end
            while toks[i] and (toks[i].v == "[" or toks[i].v == "]") do
                i = i + 1
            end
        else
            if not (t.k == "op" and (t.v == "(" or t.v == ")" or t.v == "["
                                     or t.v == "]")) then
                flat[#flat + 1] = t
            end
            i = i + 1
        end
    end
    if flat[1] and flat[1].k == "id" and flat[1].v == "check" then
        table.remove(flat, 1)
    end
    local col = ident_of(flat[1])
    local j
    if col and flat[2] and flat[2].k == "id" and flat[2].v == "in" then
        j = 3
    elseif col and flat[2] and flat[2].v == "=" and flat[3]
        and flat[3].v == "any" and flat[4] and flat[4].v == "array" then
        j = 5
    end
    if j then
        -- strings: an enum's labels; the numbers 0 and 1: a boolean (what
        -- SQLAlchemy's Boolean(create_constraint=True) writes)
        local values, kind = {}, flat[j] and flat[j].k
        while flat[j] and flat[j].k == kind
            and (kind == "str" or kind == "num") do
            values[#values + 1] = flat[j].v
            if flat[j + 1] == nil then
                if kind == "str" then
                    return { column = col, values = values }
                end
                table.sort(values)
                if concat(values, ",") == "0,1" then
                    return { column = col, boolean = true }
                end
                return nil
            end
            if flat[j + 1].v ~= "," then return nil end
            j = j + 2
        end
        return nil
    end
    if flat[1] and flat[1].k == "id" and (flat[1].v == "length"
                                          or flat[1].v == "char_length")
        and ident_of(flat[2]) and flat[3] and flat[3].v == "<="
        and flat[4] and flat[4].k == "num" and #flat == 4 then
        local n = math.tointeger(tonumber(flat[4].v))
        if n and n > 0 then return { column = ident_of(flat[2]), max = n } end
    end
    return nil
end

-- === Mapping to the DSL ===

local NOW = {} -- the default `now`

-- A Lua value from a SQL literal: a string, a number or a boolean; nil and
-- false when the text is no literal.
local function literal(text)
    local toks = lex(text)
    -- Outer parentheses and a trailing cast are no part of the value.
    while #toks >= 2 and toks[1].v == "(" and toks[#toks].v == ")" do
        table.remove(toks, 1)
        table.remove(toks)
    end
    for i, t in ipairs(toks) do
        if t.k == "op" and t.v == "::" then
            for j = #toks, i, -1 do toks[j] = nil end
            break
        end
    end
    local neg = false
    if #toks == 2 and toks[1].v == "-" then
        neg = true
        table.remove(toks, 1)
    end
    if #toks ~= 1 then return nil, false end
    local t = toks[1]
    if t.k == "str" and not neg then
        -- PostgreSQL E'...' strings would lex as an id then a string.
        return t.v, true
    elseif t.k == "num" then
        local v = tonumber((neg and "-" or "") .. t.v)
        if v == nil then return nil, false end
        if math.type(v) == "float" and not t.v:find("[.eE]") then
            -- an integer literal past 64 bits
            return nil, false
        end
        return v, true
    elseif t.k == "id" and (t.v == "true" or t.v == "false") and not neg then
        return t.v == "true", true
    elseif t.k == "id" and t.v == "null" and not neg then
        return nil, true
    end
    return nil, false
end

-- The now defaults of each dialect, as the catalog shows them (spaces
-- taken out), and what ormc writes.
local SQLITE_NOW = "strftime('%Y-%m-%d%H:%M:%f','now')||'000'"
local function squeeze(s) return (s:gsub("%s+", "")) end
-- Without its outer parentheses (SQLite's catalog keeps them or not).
local function bare(s)
    while s:sub(1, 1) == "(" and s:sub(-1) == ")" do s = s:sub(2, -2) end
    return s
end

-- The DSL type and options of a column of dialect d from its SQL type.
-- Returns type (nil when there is none: the column is a note), options
-- { max, tz, bits, sql_type }, and a note or nil.
local PG_TYPES = {
    ["integer"] = "integer", ["bigint"] = "bigint",
    ["double precision"] = "double", ["boolean"] = "boolean",
    ["text"] = "text", ["bytea"] = "blob", ["jsonb"] = "json",
    ["uuid"] = "uuid", ["timestamp with time zone"] = "timestamp",
    ["timestamp without time zone"] = "timestamp",
}
-- Types ormc's own mapping does not write but that hold the same values as
-- one of its types: the type with sql_type set.
local PG_SIMILAR = {
    ["smallint"] = "integer", ["real"] = "double", ["json"] = "json",
    ["character varying"] = "text",
}

local function pg_type(c)
    local st = c.sql_type
    local t = PG_TYPES[st]
    if t then
        local o = {}
        if st == "timestamp without time zone" then o.tz = false end
        return t, o
    end
    local n = st:match("^character varying%((%d+)%)$")
    if n then return "text", { max = tonumber(n) } end
    t = PG_SIMILAR[st]
    if t then return t, { sql_type = st } end
    if st:match("^character%(%d+%)$") then
        return "text", { sql_type = st }
    end
    if st:match("^timestamp%(%d%) with time zone$") then
        return "timestamp", { sql_type = st }
    end
    if st:match("^timestamp%(%d%) without time zone$") then
        return "timestamp", { tz = false, sql_type = st }
    end
    return nil, nil, format("ormc has no type for it%s",
                            c.typtype == "e" and " (an enum type; ormc's "
                                .. "enums are text with a CHECK)" or "")
end

local function sqlite_type(c)
    local st = c.sql_type
    local u = st:upper()
    local mains = { INTEGER = "bigint", REAL = "double", TEXT = "text",
                    BLOB = "blob" }
    if mains[u] then return mains[u], {} end
    local named = { BOOLEAN = "boolean", BOOL = "boolean",
                    DATETIME = "timestamp", TIMESTAMP = "timestamp",
                    JSON = "json", UUID = "uuid" }
    local t = named[u]
    if t then
        local o = { sql_type = st }
        -- what SQLAlchemy's DateTime is: no time zone
        if t == "timestamp" then o.tz = false end
        return t, o
    end
    -- SQLite's rules of type affinity, in its order.
    if u:find("INT", 1, true) then return "bigint", { sql_type = st } end
    if u:find("CHAR", 1, true) or u:find("CLOB", 1, true)
        or u:find("TEXT", 1, true) then
        return "text", { sql_type = st }
    end
    if u == "" then
        return nil, nil, "no declared type: ormc has no type for it"
    end
    if u:find("BLOB", 1, true) then return "blob", { sql_type = st } end
    if u:find("REAL", 1, true) or u:find("FLOA", 1, true)
        or u:find("DOUB", 1, true) then
        return "double", { sql_type = st }
    end
    return nil, nil, "numeric affinity: ormc has no type for it"
end

-- The DSL default of a column from its SQL default text: a Lua value or
-- NOW; nil when there is none; and a note when the default is not mapped.
local function map_default(d, c, dtype)
    local text = c.default
    if text == nil then return nil end
    local sq = squeeze(text):lower()
    if d == "sqlite" and bare(squeeze(text)) == SQLITE_NOW then
        return NOW
    end
    if sq == "current_timestamp" or sq == "now()"
        or sq == "(now()attimezone'utc'::text)"
        or sq == "(now()attimezone'utc')" then
        if dtype ~= "timestamp" and dtype ~= "text" then
            return nil, "its default " .. text
        end
        local note
        if d == "sqlite" and sq == "current_timestamp" then
            note = "the database's default CURRENT_TIMESTAMP has no "
                .. "fraction of a second; ormc's now has microseconds"
        elseif d == "postgres" and sq == "now()" and c.tz == false then
            note = "the database's default now() is in the session's time "
                .. "zone; ormc's now is UTC"
        end
        return NOW, nil, note
    end
    local v, ok = literal(text)
    if not ok then return nil, "its default " .. text end
    if v == nil then return nil end
    if dtype == "boolean" then
        if v == 0 or v == 1 then v = v == 1 end
        if type(v) == "string" and (v == "t" or v == "f") then v = v == "t" end
        if type(v) ~= "boolean" then return nil, "its default " .. text end
    elseif dtype == "integer" or dtype == "bigint" then
        if type(v) == "string" then v = tonumber(v) end
        v = v and math.tointeger(v)
        if not v then return nil, "its default " .. text end
    elseif dtype == "double" then
        if type(v) == "string" then v = tonumber(v) end
        if type(v) ~= "number" then return nil, "its default " .. text end
        v = v + 0.0
    elseif type(v) ~= "string" then
        if type(v) == "number" and dtype == "text" then
            return nil, "its default " .. text
        end
        return nil, "its default " .. text
    end
    return v
end

-- A DSL name for an SQL name: the name itself when the DSL takes it, else
-- a name derived from it (and the SQL name is kept as sql_name); nil when
-- the SQL name is one the DSL cannot declare.
local function dsl_name(sql, used)
    if not sql:match("^[a-z_][a-z0-9_]*$") or keywords.sql[sql] then
        return nil
    end
    local n = sql
    local ok = n:match("^[a-z][a-z0-9_]*$") and not n:find("__", 1, true)
        and n:sub(-1) ~= "_" and not keywords.c[n]
        and not keywords.reserved_c(n)
    if not ok then
        n = names.to_name(sql) or "x"
        if keywords.c[n] or keywords.reserved_c(n) then n = n .. "_x" end
    end
    local base, k = n, 2
    while used[n] do
        n = base .. "_" .. k
        k = k + 1
    end
    used[n] = true
    return n
end

local function list_eq(a, b)
    if #a ~= #b then return false end
    for i = 1, #a do if a[i] ~= b[i] then return false end end
    return true
end

-- Whether every column of cols (SQL names) is a mapped column of table mt.
local function have_in(mt, cols)
    for _, cn in ipairs(cols) do
        if not mt.by_sql[cn] then return false end
    end
    return true
end

-- Pass one of map: the columns of table t (of dialect d) into mt, with
-- their CHECKs as enums and maxes.
local function map_columns(d, t, mt)
    local used = {}
    local checks_of = {}
    for _, k in ipairs(t.checks) do
        local rc = read_check(k.text)
        local col = rc and rc.column
        if rc and (k.column == nil or k.column == col)
            and t.by_col[col] then
            checks_of[col] = checks_of[col] or {}
            local list = checks_of[col]
            list[#list + 1] = { k = k, rc = rc }
        else
            mt.notes[#mt.notes + 1] = format("%s%s",
                k.name and format("constraint \"%s\" ", k.name)
                    or "", k.text)
        end
    end
    local single_pk = #t.pk == 1 and t.pk[1]
    for _, c in ipairs(t.columns) do
        local mc = { sql_name = c.name, opts = {}, notes = {},
                     approx = {} }
        local o = mc.opts
        mc.name = dsl_name(c.name, used)
        local dtype, topts, why
        if d == "sqlite" then
            dtype, topts, why = sqlite_type(c)
        else
            dtype, topts, why = pg_type(c)
        end
        if not mc.name then
            why = "the DSL takes lower-case SQL names that are not "
                .. "reserved words"
            dtype = nil
        end
        if not dtype then
            -- in the column's place
            mt.layout[#mt.layout + 1] = { note = format(
                "column \"%s\"%s%s: %s", c.name,
                c.sql_type ~= "" and " " .. c.sql_type or "",
                c.not_null and " NOT NULL" or "", why) }
        else
            c.tz = topts.tz
            -- serial: an integer key the database numbers. On SQLite an
            -- INTEGER column whose own constraint, under ormc's name
            -- (<table>_pkey), makes it the PRIMARY KEY is a serial as ormc
            -- writes it, with AUTOINCREMENT or without (the default); ormc
            -- writes any other key as a table constraint.
            local ormc_rowid = d == "sqlite" and single_pk == c.name
                and c.column_pk and c.sql_type:upper() == "INTEGER"
                and t.pk_name == t.name .. "_pkey"
            local numbered = c.autoincrement or ormc_rowid
                or (c.identity ~= nil)
                or (c.default and c.default:match("^nextval%("))
            if single_pk == c.name and numbered
                and (dtype == "bigint" or dtype == "integer") then
                if dtype == "integer" then o.bits = 32 end
                if c.autoincrement then o.autoincrement = true end
                dtype = "serial"
                if c.identity == "a" then
                    mc.approx[#mc.approx + 1] = "GENERATED ALWAYS AS "
                        .. "IDENTITY in the database; ormc's is BY "
                        .. "DEFAULT"
                end
                if d == "sqlite" and t.pk_name
                    and t.pk_name ~= t.name .. "_pkey" then
                    mc.approx[#mc.approx + 1] = format(
                        "the key's constraint is named \"%s\"; "
                        .. "ormc names a serial's %s_pkey",
                        t.pk_name, t.name)
                end
                mt.serial = true
            elseif single_pk == c.name and d == "sqlite"
                and c.sql_type:upper() == "INTEGER"
                and not t.pk_name then
                -- A rowid alias that ormc did not make (it names
                -- its keys): numbered by SQLite when left out.
                mc.approx[#mc.approx + 1] = "SQLite numbers this "
                    .. "INTEGER PRIMARY KEY when an insert leaves "
                    .. "it out; make it serial if the application "
                    .. "relies on that"
            elseif numbered and (c.identity or d == "postgres") then
                mc.notes[#mc.notes + 1] = format("a number the "
                    .. "database assigns (%s) on a column that is "
                    .. "not the whole primary key",
                    c.identity and "identity" or c.default)
                c.default = nil
            end
            -- The column's CHECKs: an enum, a max.
            for _, ck in ipairs(checks_of[c.name] or {}) do
                local rc, k = ck.rc, ck.k
                local default_name = t.name .. "_" .. c.name
                    .. "_check"
                local taken = false
                if rc.boolean and (dtype == "boolean"
                                   or dtype == "bigint"
                                   or dtype == "integer") then
                    dtype, taken = "boolean", true
                    if d == "postgres" and not topts.sql_type then
                        topts.sql_type = c.sql_type
                    end
                    mc.approx[#mc.approx + 1] = format("%s makes "
                        .. "it a boolean; ormc's DDL writes no "
                        .. "CHECK for one", k.text)
                elseif rc.values and dtype == "text" then
                    dtype, o.values, taken = "enum", rc.values, true
                    -- varchar(n) with the CHECK (SQLAlchemy's
                    -- non-native Enum): the type as it is
                    if topts.max then
                        topts.sql_type = topts.sql_type or
                            format("character varying(%d)",
                                   topts.max)
                        topts.max = nil
                    end
                elseif rc.max and dtype == "text" and not topts.max
                    and d == "sqlite" then
                    topts.max, taken = rc.max, true
                    -- the database enforces it: checks = "database"
                    mt.db_max_check = true
                elseif rc.max and dtype == "text" and not topts.max
                    and not topts.sql_type then
                    -- PostgreSQL: text with a CHECK, not varchar(n)
                    topts.max, topts.sql_type = rc.max, "text"
                    taken = true
                    mc.approx[#mc.approx + 1] = format("%s is its "
                        .. "max; ormc's DDL for text with sql_type "
                        .. "has no CHECK", k.text)
                end
                if taken and k.name and k.name ~= default_name then
                    mc.approx[#mc.approx + 1] = format("its CHECK is "
                        .. "named \"%s\"; ormc names it %s", k.name,
                        default_name)
                elseif not taken then
                    mt.notes[#mt.notes + 1] = format("%s%s",
                        k.name and format("constraint \"%s\" ",
                                          k.name) or "", k.text)
                end
            end
            o.max = topts.max
            if topts.tz == false then o.tz = false end
            if topts.sql_type then
                o.sql_type = { [d] = topts.sql_type }
            end
            if c.not_null and dtype ~= "serial"
                and not (#t.pk == 1 and t.pk[1] == c.name) then
                o.not_null = true
            end
            if dtype ~= "serial" then
                local v, bad, note = map_default(d, c, dtype)
                if bad then
                    mc.notes[#mc.notes + 1] = bad .. ": no DSL "
                        .. "default for it"
                elseif v == NOW and dtype == "text" then
                    -- ormc's own now on TEXT: a timestamp.
                    dtype = "timestamp"
                    o.default = NOW
                else
                    o.default = v
                end
                if note then mc.approx[#mc.approx + 1] = note end
            end
            o.doc = c.doc
            mc.type = dtype
            mt.columns[#mt.columns + 1] = mc
            mt.layout[#mt.layout + 1] = mc
            mt.by_sql[c.name] = mc
        end
    end
end

-- Pass two of map, once every table's columns are known: the keys and
-- indexes of mt (mapped: the mapped tables by SQL name; wanted: the
-- --tables set or nil).
local function map_keys(mt, mapped, wanted)
    local t = mt.src
    local function have(cols)
        for _, cn in ipairs(cols or {}) do
            if not mt.by_sql[cn] then return false end
        end
        return cols ~= nil
    end
    local function dsl_cols(cols)
        local r = {}
        for i, cn in ipairs(cols) do r[i] = mt.by_sql[cn].name end
        return r
    end
    local function unmapped(what, cols)
        mt.notes[#mt.notes + 1] = format("%s: on column%s \"%s\", not "
            .. "mapped above", what, #cols > 1 and "s" or "",
            concat(cols, '", "'))
    end
    local function default_name(cols, suffix)
        return t.name .. "_" .. concat(cols, "_") .. suffix
    end
    -- The primary key.
    if #t.pk == 0 then
        mt.notes[#mt.notes + 1] = "the table has no primary key, which "
            .. "ormc needs: declare one (primary_key = true on a "
            .. "unique NOT NULL column) before using this file"
    elseif not have(t.pk) then
        unmapped(format("the primary key \"%s\"", t.pk_name or "?"), t.pk)
    elseif not mt.serial then
        local name = t.pk_name
        if name == t.name .. "_pkey" then name = nil end
        if #t.pk == 1 and not name then
            mt.by_sql[t.pk[1]].opts.primary_key = true
        else
            mt.entries[#mt.entries + 1] = { kind = "primary_key",
                cols = dsl_cols(t.pk), opts = { name = name } }
        end
    end
    local function same_as_pk(cols)
        local a, b = {}, {}
        for i, v in ipairs(cols) do a[i] = v end
        for i, v in ipairs(t.pk) do b[i] = v end
        table.sort(a)
        table.sort(b)
        return list_eq(a, b)
    end
    -- Unique keys: a leading run of one-column keys under ormc's names,
    -- in column order, are the columns' unique = true (ormc lists
    -- those first); the rest are unique {} entries.
    local last_pos, inline = 0, true
    local pos = {}
    for i, c in ipairs(mt.columns) do pos[c.sql_name] = i end
    for _, u in ipairs(t.uniques) do
        if not have(u.cols) then
            unmapped(format("unique key \"%s\"", u.name or "?"), u.cols)
        elseif same_as_pk(u.cols) then
            mt.notes[#mt.notes + 1] = format("unique key \"%s\" repeats "
                .. "the primary key", u.name or "?")
        else
            local name = u.name
            if name == default_name(u.cols, "_key") then name = nil end
            local p = #u.cols == 1 and pos[u.cols[1]]
            if inline and p and p > last_pos and not name
                and not u.doc then
                mt.by_sql[u.cols[1]].opts.unique = true
                last_pos = p
            else
                inline = false
                mt.entries[#mt.entries + 1] = { kind = "unique",
                    cols = dsl_cols(u.cols),
                    opts = { name = name, doc = u.doc } }
            end
        end
    end
    -- Foreign keys: likewise, a leading run of one-column keys under
    -- ormc's names are the columns' references.
    last_pos, inline = 0, true
    for _, fk in ipairs(t.fks) do
        local parent = fk.ref_table and mapped[fk.ref_table]
        local what = format("foreign key%s (%s)", fk.name
                            and format(" \"%s\"", fk.name) or "",
                            concat(fk.cols, ", "))
        if fk.outside then
            mt.notes[#mt.notes + 1] = format("%s: %s, a table of "
                .. "another schema", what, fk.outside)
        elseif not parent then
            mt.notes[#mt.notes + 1] = format("%s references table "
                .. "\"%s\", which %s", what, fk.ref_table,
                wanted and not wanted[fk.ref_table]
                    and "--tables leaves out" or "is not mapped")
        elseif not have(fk.cols) then
            unmapped(what, fk.cols)
        else
            local ref_cols = fk.ref_cols
            if not ref_cols or #ref_cols == 0 or ref_cols[1] == nil then
                ref_cols = parent.src.pk
            end
            if not parent.by_sql or not have_in(parent, ref_cols) then
                unmapped(what .. " (its parent's columns)", ref_cols)
            else
                if fk.note then
                    mt.notes[#mt.notes + 1] = format("%s: %s", what,
                                                     fk.note)
                end
                local name = fk.name
                if name == default_name(fk.cols, "_fkey") then
                    name = nil
                end
                local p = #fk.cols == 1 and pos[fk.cols[1]]
                local to = {}
                for i, cn in ipairs(ref_cols) do
                    to[i] = parent.by_sql[cn].name
                end
                local pk_to = list_eq(ref_cols, parent.src.pk)
                if inline and p and p > last_pos and not name
                    and not fk.doc then
                    local o = mt.by_sql[fk.cols[1]].opts
                    o.references = parent.name .. "." .. to[1]
                    o.on_delete = fk.on_delete
                    last_pos = p
                else
                    inline = false
                    mt.entries[#mt.entries + 1] = { kind = "foreign_key",
                        cols = dsl_cols(fk.cols),
                        opts = { references = parent.name,
                                 to = not pk_to and to or nil,
                                 on_delete = fk.on_delete, name = name,
                                 doc = fk.doc } }
                end
            end
        end
    end
    -- Indexes.
    for _, ix in ipairs(t.indexes) do
        local what = format("index \"%s\"", ix.name)
        if ix.note then
            mt.notes[#mt.notes + 1] = format("%s: %s (%s)", what,
                                             ix.note, ix.sql or "?")
        elseif not have(ix.cols) then
            unmapped(what, ix.cols)
        else
            local name = ix.name
            if name == default_name(ix.cols, ix.unique and "_key"
                                    or "_idx") then
                name = nil
            end
            mt.entries[#mt.entries + 1] = { kind = "index",
                cols = dsl_cols(ix.cols),
                opts = { unique = ix.unique or nil, name = name,
                         doc = ix.doc } }
        end
    end
end

-- The schema of catalog cat in DSL terms:
-- { name, tables = { { name, sql_name, doc, columns = { { type, name,
-- opts = { key = value in order }, notes } }, entries = { { kind, cols,
-- opts } }, notes } }, notes }.
function M.map(cat, opts)
    local wanted
    if opts.tables then
        wanted = {}
        local have = {}
        for _, t in ipairs(cat.tables) do have[t.name] = true end
        local missing = {}
        for _, n in ipairs(opts.tables) do
            if not have[n] then missing[#missing + 1] = n end
            wanted[n] = true
        end
        if #missing > 0 then
            local all = {}
            for _, t in ipairs(cat.tables) do all[#all + 1] = t.name end
            local hint = #missing == 1 and util.did_you_mean(missing[1], all)
            if not hint and #all <= 12 then
                hint = "it has " .. concat(all, ", ")
            end
            return nil, format("--tables: no table %s in %s%s",
                               '"' .. concat(missing, '", "') .. '"',
                               cat.schema and format("schema \"%s\"",
                                                     cat.schema)
                                   or "the database",
                               hint and " (" .. hint .. ")" or "")
        end
    end
    if #cat.tables == 0 then
        return nil, format("the database has no tables to pull%s",
                           cat.schema and format(" (schema \"%s\")",
                                                 cat.schema) or "")
    end
    local out = { tables = {}, notes = {} }
    for _, n in ipairs(cat.notes) do
        -- With --tables: only the triggers of those tables.
        if not wanted or (n.on and wanted[n.on]) then
            out.notes[#out.notes + 1] = n.text .. ": ormc maps tables only"
        end
    end
    local used_tables, dsl_of = {}, {}
    for _, t in ipairs(cat.tables) do
        if not wanted or wanted[t.name] then
            dsl_of[t.name] = dsl_name(t.name, used_tables)
            if not dsl_of[t.name] then
                out.notes[#out.notes + 1] = format(
                    "table \"%s\": the DSL takes lower-case SQL names that "
                    .. "are not reserved words", t.name)
            end
        end
    end
    -- Pass one: columns; pass two (needs every table's columns): keys.
    local mapped = {}
    for _, t in ipairs(cat.tables) do
        if dsl_of[t.name] then
            local mt = { name = dsl_of[t.name], sql_name = t.name,
                         doc = t.doc, columns = {}, by_sql = {},
                         entries = {}, notes = {}, src = t,
                         layout = {} }
            for _, n in ipairs(t.notes) do mt.notes[#mt.notes + 1] = n end
            mapped[t.name] = mt
            out.tables[#out.tables + 1] = mt
            map_columns(cat.dialect, t, mt)
        end
    end
    for _, mt in ipairs(out.tables) do
        map_keys(mt, mapped, wanted)
        -- SQLite CHECKs of a max: the schema keeps them in its DDL
        if mt.db_max_check then out.checks = "database" end
    end
    return out
end

-- === Writing the DSL ===

-- A Lua string literal, in double quotes.
local function lua_string(s)
    return '"' .. s:gsub('[%c"\\]', function(ch)
        if ch == '"' then return '\\"' end
        if ch == "\\" then return "\\\\" end
        if ch == "\n" then return "\\n" end
        if ch == "\t" then return "\\t" end
        if ch == "\r" then return "\\r" end
        return format("\\%03d", ch:byte())
    end) .. '"'
end

local function lua_value(v)
    if v == NOW then return "now" end
    if type(v) == "string" then return lua_string(v) end
    if type(v) == "boolean" then return tostring(v) end
    if math.type(v) == "integer" then
        if v == math.mininteger then return "-9223372036854775807 - 1" end
        return format("%d", v)
    end
    return util.double(v)
end

local function list_text(list)
    local parts = {}
    for i, v in ipairs(list) do parts[i] = lua_string(v) end
    return parts
end

-- The options of a column or an entry in the order a person writes them.
local COLUMN_ORDER = { "primary_key", "bits", "autoincrement", "values",
                       "max", "tz", "not_null", "unique", "default",
                       "references", "on_delete", "sql_type", "sql_name",
                       "doc" }
local ENTRY_ORDER = { "references", "to", "unique", "on_delete", "name",
                      "doc" }

local function option_parts(o, order)
    local parts = {}
    for _, k in ipairs(order) do
        local v = o[k]
        if v ~= nil then
            local text
            if k == "values" or k == "to" then
                text = "{ " .. concat(list_text(v), ", ") .. " }"
            elseif k == "sql_type" then
                local dialects = {}
                for _, dk in ipairs({ "sqlite", "postgres" }) do
                    if v[dk] then
                        dialects[#dialects + 1] = dk .. " = "
                            .. lua_string(v[dk])
                    end
                end
                text = "{ " .. concat(dialects, ", ") .. " }"
            elseif k == "on_delete" then
                text = lua_string(v)
            else
                text = lua_value(v)
            end
            parts[#parts + 1] = k .. " = " .. text
        end
    end
    return parts
end

-- parts joined by ", " after head and inside open .. close, wrapped at 79
-- columns with continuation lines indented to the text after `open`.
local function wrap_parts(b, head, open, parts, close)
    local line = head .. open
    local indent = (" "):rep(#line)
    for i, p in ipairs(parts) do
        local piece = p .. (i < #parts and "," or close)
        if #line + #piece + 1 > 79 and line ~= head .. open
            and line ~= indent then
            b[#b + 1] = line
            line = indent .. piece
        else
            line = line .. ((line == head .. open or line == indent) and ""
                            or " ") .. piece
        end
    end
    if #parts == 0 then line = line .. close end
    b[#b + 1] = line
end

-- A `-- ` comment, wrapped at 79 columns.
local function comment(b, indent, text)
    local width = 79 - #indent - 3
    for _, l in ipairs(util.wrap(text, width)) do
        b[#b + 1] = indent .. "-- " .. l
    end
end

-- A "values" list may hold hundreds of labels: each on the lines it needs.
local function column_text(b, mc, type_w, name_w)
    local head = format("        %s %s", util.pad(mc.type, type_w),
                        util.pad(lua_string(mc.name), name_w))
    local o = mc.opts
    if mc.name ~= mc.sql_name then o.sql_name = mc.sql_name end
    local parts = option_parts(o, COLUMN_ORDER)
    if #parts == 0 then
        b[#b + 1] = (head:gsub("%s+$", "")) .. ","
        return
    end
    -- values on lines of their own when they do not fit
    if o.values then
        local one = head .. " { " .. concat(parts, ", ") .. " },"
        if #one > 79 then
            local rest = {}
            for _, p in ipairs(parts) do
                if not p:match("^values = ") then rest[#rest + 1] = p end
            end
            b[#b + 1] = head .. " {"
            wrap_parts(b, "            values = ", "{ ", list_text(o.values),
                       " },")
            if #rest > 0 then
                wrap_parts(b, "            ", "", rest, ",")
            end
            b[#b + 1] = "        },"
            return
        end
    end
    local lines = {}
    wrap_parts(lines, head .. " ", "{ ", parts, " },")
    local fits = true
    for _, l in ipairs(lines) do fits = fits and #l <= 79 end
    if not fits then
        -- the options on lines of their own, under the column
        lines = { head .. " {" }
        wrap_parts(lines, "            ", "", parts, ",")
        lines[#lines + 1] = "        },"
    end
    table.move(lines, 1, #lines, #b + 1, b)
end

-- The DSL text of mapped schema s named name; header: the comment lines
-- above it. Second result: how many `not mapped` comments it holds.
function M.render(s, name, header)
    local b = {}
    local unmapped = 0
    local function not_mapped(indent, text)
        unmapped = unmapped + 1
        comment(b, indent, "not mapped: " .. text)
    end
    for _, l in ipairs(header) do comment(b, "", l) end
    b[#b + 1] = format("return schema %s {", lua_string(name))
    if s.checks then
        b[#b + 1] = format("    checks = %s,", lua_string(s.checks))
        b[#b + 1] = ""
    end
    for ti, mt in ipairs(s.tables) do
        if ti > 1 then b[#b + 1] = "" end
        b[#b + 1] = format("    table %s {", lua_string(mt.name))
        if mt.name ~= mt.sql_name then
            b[#b + 1] = format("        sql_name = %s,",
                               lua_string(mt.sql_name))
        end
        if mt.doc then
            wrap_parts(b, "        ", "doc = ", { lua_string(mt.doc) }, ",")
        end
        local type_w, name_w = 0, 0
        for _, mc in ipairs(mt.columns) do
            type_w = math.max(type_w, #mc.type)
            name_w = math.max(name_w, #mc.name + 2)
        end
        name_w = math.min(name_w, 24)
        for _, mc in ipairs(mt.layout) do
            if mc.note then
                not_mapped("        ", mc.note)
                goto next
            end
            for _, n in ipairs(mc.notes) do
                not_mapped("        ", format("column \"%s\": %s",
                                              mc.sql_name, n))
            end
            for _, n in ipairs(mc.approx) do
                comment(b, "        ", format("note: column \"%s\": %s",
                                              mc.sql_name, n))
            end
            column_text(b, mc, type_w, name_w)
            ::next::
        end
        for _, e in ipairs(mt.entries) do
            local parts = list_text(e.cols)
            for _, p in ipairs(option_parts(e.opts, ENTRY_ORDER)) do
                parts[#parts + 1] = p
            end
            wrap_parts(b, "        " .. e.kind .. " ", "{ ", parts, " },")
        end
        for _, n in ipairs(mt.notes) do
            not_mapped("        ", n)
        end
        b[#b + 1] = "    },"
    end
    if #s.notes > 0 then b[#b + 1] = "" end
    for _, n in ipairs(s.notes) do not_mapped("    ", n) end
    b[#b + 1] = "}"
    return concat(b, "\n") .. "\n", unmapped
end

return M
