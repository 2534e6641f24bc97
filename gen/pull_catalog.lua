-- pull_catalog.lua: what `ormc pull` reads of a live database (pull.lua
-- maps it; docs/pull.md).
--
-- The catalog of a SQLite file or a PostgreSQL schema, read through the
-- query checkers' programs in their --read mode (describe.c,
-- describe_pg.c): catalog queries in, rows out, in one read-only
-- transaction. Each dialect's rows become the same description: tables
-- with their columns (SQL type, NOT NULL, default as SQL text, identity),
-- primary key, unique keys, foreign keys, CHECKs and indexes, each with
-- its name, and notes of what is there besides (views, triggers, table
-- options, generated columns).

local util = require("util")
local shell_quote = util.shell_quote
local query = require("query")

local concat, format = table.concat, string.format

local M = {}


-- === Connection strings ===

-- What url names: { dialect = "sqlite", path = FILE } or { dialect =
-- "postgres", conninfo = URL }; nil and why for anything else. The forms
-- are the runtime's (docs/runtime.md): sqlite:PATH, sqlite:///abs/path,
-- postgres://..., postgresql://..., a libpq keyword string. ormc's own URL
-- parameters (?journal_mode=...) mean nothing to a read and are dropped
-- from a SQLite URL.
function M.parse_url(url)
    local path = url:match("^sqlite:(.*)$")
    if path then
        if path:sub(1, 2) == "//" then path = path:sub(3) end
        path = path:gsub("%?.*$", "")
        if path == "" or path == ":memory:" then
            return nil, "an in-memory SQLite database has nothing to pull; "
                .. "name a file (sqlite:PATH)"
        end
        return { dialect = "sqlite", path = path }
    end
    if url:match("^postgres://") or url:match("^postgresql://")
        or url:match("^%s*[%a_]+%s*=") then
        return { dialect = "postgres", conninfo = url }
    end
    return nil, format("'%s' is no database URL: sqlite:PATH, "
                       .. "postgres://... or a libpq keyword string", url)
end

-- === Reading the catalog ===

local sql_string = util.sql_string

-- The catalog queries of each dialect: { name, SQL }. Every value comes
-- back as text (NULL as nil); the readers below know each query's columns.
local function sqlite_queries()
    local tables = "sqlite_master m WHERE m.type = 'table' AND m.name NOT "
        .. "LIKE 'sqlite\\_%' ESCAPE '\\'"
    return {
        { "tables", "SELECT m.name, m.sql FROM " .. tables
          .. " ORDER BY m.rowid" },
        { "columns", "SELECT m.name, p.cid, p.name, p.type, p.\"notnull\", "
          .. "p.dflt_value, p.pk, p.hidden FROM sqlite_master m, "
          .. "pragma_table_xinfo(m.name) p WHERE m.type = 'table' AND "
          .. "m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
          .. "ORDER BY m.rowid, p.cid" },
        { "foreign_keys", "SELECT m.name, f.id, f.seq, f.\"table\", "
          .. "f.\"from\", f.\"to\", f.on_delete, f.on_update, f.match FROM "
          .. tables:gsub(" WHERE", ", pragma_foreign_key_list(m.name) f "
                         .. "WHERE", 1)
          .. " ORDER BY m.rowid, f.id, f.seq" },
        { "indexes", "SELECT m.name, i.name, i.\"unique\", i.origin, "
          .. "i.partial, x.sql FROM "
          .. tables:gsub(" WHERE", ", pragma_index_list(m.name) i "
                         .. "LEFT JOIN sqlite_master x ON x.type = 'index' "
                         .. "AND x.name = i.name WHERE", 1)
          .. " ORDER BY m.rowid, x.rowid" },
        { "index_columns", "SELECT x.name, c.seqno, c.name, c.\"desc\", "
          .. "c.coll FROM sqlite_master x, pragma_index_xinfo(x.name) c "
          .. "WHERE x.type = 'index' AND c.key = 1 ORDER BY x.name, c.seqno" },
        { "others", "SELECT type, name, tbl_name FROM sqlite_master WHERE "
          .. "type IN ('view', 'trigger') ORDER BY rowid" },
    }
end

local function pg_queries(schema)
    local ns = schema and sql_string(schema) or "current_schema()"
    local rels = "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid "
        .. "= c.relnamespace WHERE n.nspname = " .. ns
        .. " AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
    return {
        -- On the search path, the schema's own types and tables are shown
        -- without its name (format_type, pg_get_indexdef).
        { "search_path", "SELECT set_config('search_path', quote_ident("
          .. ns .. "), true)" },
        { "schema", "SELECT " .. ns .. ", current_database(), EXISTS (SELECT "
          .. "1 FROM pg_namespace WHERE nspname = " .. ns .. ")" },
        { "tables", "SELECT c.oid, c.relname, obj_description(c.oid, "
          .. "'pg_class') FROM pg_class c WHERE c.oid IN (" .. rels
          .. ") ORDER BY c.oid" },
        { "columns", "SELECT a.attrelid, a.attnum, a.attname, "
          .. "format_type(a.atttypid, a.atttypmod), a.attnotnull, "
          .. "pg_get_expr(d.adbin, d.adrelid), a.attidentity, "
          .. "a.attgenerated, col_description(a.attrelid, a.attnum), "
          .. "t.typtype FROM pg_attribute a JOIN pg_type t ON t.oid = "
          .. "a.atttypid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid "
          .. "AND d.adnum = a.attnum WHERE a.attrelid IN (" .. rels
          .. ") AND a.attnum > 0 AND NOT a.attisdropped "
          .. "ORDER BY a.attrelid, a.attnum" },
        { "constraints", "SELECT co.conrelid, co.conname, co.contype, "
          .. "co.conkey::text, co.confrelid, co.confkey::text, "
          .. "co.confdeltype, co.confupdtype, co.confmatchtype, "
          .. "co.condeferrable, pg_get_constraintdef(co.oid), "
          .. "obj_description(co.oid, 'pg_constraint') FROM pg_constraint "
          .. "co WHERE co.conrelid IN (" .. rels .. ") ORDER BY co.oid" },
        { "indexes", "SELECT i.indrelid, x.relname, i.indisunique, "
          .. "i.indkey::text, i.indpred IS NOT NULL, i.indexprs IS NOT "
          .. "NULL, pg_get_indexdef(i.indexrelid), obj_description("
          .. "i.indexrelid, 'pg_class'), am.amname, i.indoption::text "
          .. "FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid "
          .. "JOIN pg_am am ON am.oid = x.relam WHERE i.indrelid IN ("
          .. rels .. ") AND NOT EXISTS (SELECT 1 FROM pg_constraint co "
          .. "WHERE co.conindid = i.indexrelid AND co.conrelid = "
          .. "i.indrelid AND co.contype IN ('p', 'u', 'x')) "
          .. "ORDER BY x.oid" },
        { "others", "SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' "
          .. "THEN 'materialized view' WHEN 'f' THEN 'foreign table' ELSE "
          .. "'partition' END, c.relname FROM pg_class c JOIN pg_namespace "
          .. "n ON n.oid = c.relnamespace WHERE n.nspname = " .. ns
          .. " AND (c.relkind IN ('v', 'm', 'f') OR (c.relkind IN ('r', "
          .. "'p') AND c.relispartition)) ORDER BY c.oid" },
    }
end

local function unescape(s)
    if s == "\\N" then return nil end
    return (s:gsub("\\(.)", { t = "\t", n = "\n", r = "\r", ["\\"] = "\\" }))
end

-- Run the --read program of dialect which on target with the queries;
-- returns { [query name] = list of rows (lists of values, nil for NULL) },
-- or nil and why.
local function run_queries(which, target, queries)
    local exe, why = query.helper(which)
    if not exe then return nil, why end
    local parts = {}
    for _, q in ipairs(queries) do
        parts[#parts + 1] = format("%s\t%d\n%s", q[1], #q[2], q[2])
    end
    local input, errf = os.tmpname(), os.tmpname()
    local f = io.open(input, "wb")
    if not f then return nil, "cannot write a temporary file" end
    f:write(concat(parts))
    f:close()
    local p = io.popen(format("%s --read %s < %s 2>%s", shell_quote(exe),
                              shell_quote(target), shell_quote(input),
                              shell_quote(errf)), "r")
    local out = p and p:read("a") or ""
    local ok = p and p:close()
    os.remove(input)
    local ef = io.open(errf, "rb")
    local err = ef and ef:read("a") or ""
    if ef then ef:close() end
    os.remove(errf)
    if not ok then
        err = err:gsub("^ormc_describe[_pg]*: ", ""):gsub("%s+$", "")
        return nil, err ~= "" and err or "the catalog could not be read"
    end
    local result, cur = {}, nil
    for line in out:gmatch("([^\n]*)\n") do
        local rec, n = {}, 0
        for x in (line .. "\t"):gmatch("([^\t]*)\t") do
            n = n + 1
            rec[n] = unescape(x)
        end
        local kind = rec[1]
        if kind == "query" then
            cur = { rows = {} }
            result[rec[2]] = cur
        elseif kind == "row" then
            cur.rows[#cur.rows + 1] = { n = n - 1, table.unpack(rec, 2, n) }
        elseif kind == "error" then
            cur.error = rec[2]
        end
    end
    for _, q in ipairs(queries) do
        local r = result[q[1]]
        if not r then return nil, "the catalog could not be read" end
        if r.error then
            return nil, format("reading the catalog (%s): %s", q[1], r.error)
        end
        result[q[1]] = r.rows
    end
    return result
end

-- === A little SQL lexer: SQLite's CREATE TABLE, CHECKs, defaults ===

-- Tokens { k = "id" | "qid" | "str" | "num" | "op", v, s, e }: "id" is a
-- bare word (v lower-cased), "qid" a quoted identifier, "str" a string
-- literal (v its value), s and e its place in the text.
local OPS2 = { ["::"] = true, ["<="] = true, [">="] = true, ["<>"] = true,
               ["!="] = true, ["||"] = true, ["=="] = true }
local function lex(sql)
    local toks, i, n = {}, 1, #sql
    local function add(k, v, s, e)
        toks[#toks + 1] = { k = k, v = v, s = s, e = e }
    end
    while i <= n do
        local c = sql:sub(i, i)
        if c:match("%s") then
            i = i + 1
        elseif sql:sub(i, i + 1) == "--" then
            i = (sql:find("\n", i, true) or n) + 1
        elseif sql:sub(i, i + 1) == "/*" then
            local e = sql:find("*/", i + 2, true)
            i = e and e + 2 or n + 1
        elseif c == "'" or c == '"' or c == "`" then
            local j, buf = i + 1, {}
            while j <= n do
                local ch = sql:sub(j, j)
                if ch == c then
                    if sql:sub(j + 1, j + 1) == c then
                        buf[#buf + 1] = c
                        j = j + 2
                    else
                        break
                    end
                else
                    buf[#buf + 1] = ch
                    j = j + 1
                end
            end
            add(c == "'" and "str" or "qid", concat(buf), i, j)
            i = j + 1
        elseif c:match("[%a_]") then
            local j = i
            while j <= n and sql:sub(j, j):match("[%w_$]") do j = j + 1 end
            add("id", sql:sub(i, j - 1):lower(), i, j - 1)
            i = j
        elseif c:match("%d")
            or (c == "." and sql:sub(i + 1, i + 1):match("%d")) then
            local j = i
            while j <= n and sql:sub(j, j):match("[%w.]") do
                if sql:sub(j, j):match("[eE]")
                    and sql:sub(j + 1, j + 1):match("[-+]") then
                    j = j + 1
                end
                j = j + 1
            end
            add("num", sql:sub(i, j - 1), i, j - 1)
            i = j
        else
            local two = sql:sub(i, i + 1)
            if OPS2[two] then
                add("op", two, i, i + 1)
                i = i + 2
            else
                add("op", c, i, i)
                i = i + 1
            end
        end
    end
    return toks
end

-- The identifier a token names (bare or quoted), or nil.
local function ident_of(t)
    if t and (t.k == "qid" or t.k == "id") then return t.v end
    return nil
end

-- pull.lua reads CHECK expressions and defaults with them.
M.lex, M.ident_of = lex, ident_of

-- SQLite's CREATE TABLE text, for what its pragmas do not tell: the names
-- of the constraints, the CHECKs, AUTOINCREMENT, the table's options.
-- Returns { pk_name, pk_column = the column whose own constraint it is
-- (nil for a table constraint), autoincrement = column, uniques = { { name,
-- cols } }, checks = { { name, column (a column constraint's), text } },
-- fk_names = { [from columns joined by ","] = name }, options = { words } }.
local function parse_create_table(sql)
    local toks = lex(sql)
    local out = { uniques = {}, checks = {}, fk_names = {}, options = {} }
    local i = 1
    while toks[i] and toks[i].v ~= "(" do i = i + 1 end
    -- The body's items: the token ranges between top-level commas.
    local items, depth, start = {}, 0, i + 1
    local close
    for j = i, #toks do
        local v = toks[j].k == "op" and toks[j].v
        if v == "(" then
            depth = depth + 1
        elseif v == ")" then
            depth = depth - 1
            if depth == 0 then
                items[#items + 1] = { start, j - 1 }
                close = j
                break
            end
        elseif v == "," and depth == 1 then
            items[#items + 1] = { start, j - 1 }
            start = j + 1
        end
    end
    for j = (close or #toks) + 1, #toks do
        if toks[j].k == "id" then out.options[#out.options + 1] = toks[j].v end
    end
    -- The names in a parenthesized list starting at token j; and the index
    -- after its ")".
    local function name_list(j)
        local list = {}
        j = j + 1
        while toks[j] and toks[j].v ~= ")" do
            if (toks[j].k == "qid" or toks[j].k == "id")
                and (toks[j - 1].v == "(" or toks[j - 1].v == ",") then
                list[#list + 1] = toks[j].v
            end
            j = j + 1
        end
        return list, j + 1
    end
    -- The text of the parenthesized expression starting at token j.
    local function paren_text(j)
        local d = 0
        for k = j, #toks do
            if toks[k].v == "(" and toks[k].k == "op" then d = d + 1 end
            if toks[k].v == ")" and toks[k].k == "op" then
                d = d - 1
                if d == 0 then return sql:sub(toks[j].s, toks[k].e), k + 1 end
            end
        end
        return sql:sub(toks[j].s), #toks + 1
    end
    local TABLE_WORDS = { constraint = true, primary = true, unique = true,
                          check = true, foreign = true }
    for _, it in ipairs(items) do
        local a, b = it[1], it[2]
        local first = toks[a]
        local column
        local j = a
        if first and first.k == "id" and TABLE_WORDS[first.v] then
            column = nil
        else
            column = ident_of(first)
            j = a + 1
        end
        local name
        while j <= b do
            local t = toks[j]
            if t.k == "id" and t.v == "constraint" then
                name = ident_of(toks[j + 1])
                j = j + 2
            elseif t.k == "id" and t.v == "primary" then
                out.pk_name = name
                -- a column's own PRIMARY KEY: how ormc writes a serial's
                out.pk_column = column
                j = j + 2
                if not column and toks[j] and toks[j].v == "(" then
                    _, j = name_list(j)
                end
                if column and toks[j]
                    and (toks[j].v == "asc" or toks[j].v == "desc") then
                    j = j + 1
                end
                if column and toks[j] and toks[j].k == "id"
                    and toks[j].v == "autoincrement" then
                    out.autoincrement = column
                end
                name = nil
            elseif t.k == "id" and t.v == "unique" then
                local cols = { column }
                if column then
                    j = j + 1
                else
                    cols, j = name_list(j + 1)
                end
                out.uniques[#out.uniques + 1] = { name = name, cols = cols }
                name = nil
            elseif t.k == "id" and t.v == "check" then
                local text
                text, j = paren_text(j + 1)
                out.checks[#out.checks + 1] = { name = name, column = column,
                                                text = "CHECK " .. text }
                name = nil
            elseif t.k == "id" and t.v == "foreign" then
                local cols
                cols, j = name_list(j + 2)
                out.fk_names[concat(cols, ",")] = name
                name = nil
            elseif t.k == "id" and t.v == "references" and column then
                out.fk_names[column] = name
                name = nil
                j = j + 1
            elseif t.k == "op" and t.v == "(" then
                _, j = paren_text(j)
            else
                if t.k == "id" and (t.v == "not" or t.v == "null"
                                    or t.v == "default" or t.v == "collate"
                                    or t.v == "generated") then
                    name = nil
                end
                j = j + 1
            end
        end
    end
    return out
end

-- The on_delete of a foreign key from the catalog's action, or nil for NO
-- ACTION (what a key without ON DELETE has).
local ON_DELETE_SQLITE = { ["CASCADE"] = "cascade", ["RESTRICT"] = "restrict",
                           ["SET NULL"] = "set_null",
                           ["SET DEFAULT"] = "set_default" }
local ON_DELETE_PG = { c = "cascade", r = "restrict", n = "set_null",
                       d = "set_default" }
local ON_UPDATE_PG = { r = "RESTRICT", c = "CASCADE", n = "SET NULL",
                       d = "SET DEFAULT" }

-- The description of a SQLite file's catalog.
local function read_sqlite(path)
    local r, why = run_queries("sqlite", path, sqlite_queries())
    if not r then return nil, why end
    local cat = { dialect = "sqlite", tables = {}, notes = {},
                  default_name = (path:match("([^/]*)$") or path)
                      :gsub("%.[^.]*$", "") }
    local by = {}
    for _, row in ipairs(r.tables) do
        local p = parse_create_table(row[2] or "")
        local t = { name = row[1], columns = {}, by_col = {}, pk = {},
                    pk_name = p.pk_name, uniques = {}, fks = {},
                    checks = p.checks, indexes = {}, notes = {} }
        for _, u in ipairs(p.uniques) do
            t.uniques[#t.uniques + 1] = { name = u.name, cols = u.cols }
        end
        if #p.options > 0 then
            t.notes[#t.notes + 1] = format("the table options %s: ormc "
                                           .. "writes none",
                                           concat(p.options, " "):upper())
        end
        t.parse = p
        cat.tables[#cat.tables + 1] = t
        by[t.name] = t
    end
    local pk_of = {}
    for _, row in ipairs(r.columns) do
        local t = by[row[1]]
        local c = { name = row[3], sql_type = row[4] or "",
                    not_null = row[5] == "1", default = row[6],
                    hidden = tonumber(row[8]) or 0 }
        local pk = tonumber(row[7]) or 0
        if c.hidden == 1 then
            c = nil -- a virtual table's hidden column
        elseif c.hidden > 1 then
            t.notes[#t.notes + 1] = format("column \"%s\" is a generated "
                                           .. "column", row[3])
            c = nil
        end
        if c then
            if pk > 0 then
                pk_of[t] = pk_of[t] or {}
                pk_of[t][pk] = c.name
            end
            c.autoincrement = t.parse.autoincrement == c.name
            c.column_pk = t.parse.pk_column == c.name
            t.columns[#t.columns + 1] = c
            t.by_col[c.name] = c
        end
    end
    for t, cols in pairs(pk_of) do t.pk = cols end
    local fk_of = {}
    for _, row in ipairs(r.foreign_keys) do
        local t = by[row[1]]
        local key = row[1] .. "\0" .. row[2]
        local fk = fk_of[key]
        if not fk then
            fk = { cols = {}, ref_table = row[4], ref_cols = {},
                   on_delete = ON_DELETE_SQLITE[row[7]] }
            if row[8] ~= "NO ACTION" then
                fk.note = "ON UPDATE " .. row[8]
            end
            fk_of[key] = fk
            t.fks[#t.fks + 1] = fk
        end
        fk.cols[#fk.cols + 1] = row[5]
        fk.ref_cols[#fk.ref_cols + 1] = row[6] -- nil: the parent's key
    end
    -- pragma_foreign_key_list lists a table's keys last declared first.
    for _, t in ipairs(cat.tables) do
        local n = #t.fks
        for i = 1, n // 2 do
            t.fks[i], t.fks[n + 1 - i] = t.fks[n + 1 - i], t.fks[i]
        end
        for _, fk in ipairs(t.fks) do
            fk.name = t.parse.fk_names[concat(fk.cols, ",")]
        end
    end
    local index_by = {}
    for _, row in ipairs(r.indexes) do
        local t = by[row[1]]
        if row[4] == "c" then
            local ix = { name = row[2], unique = row[3] == "1", cols = {},
                         sql = row[6] }
            if row[5] == "1" then ix.note = "it is a partial index" end
            t.indexes[#t.indexes + 1] = ix
            index_by[ix.name] = ix
        end
    end
    for _, row in ipairs(r.index_columns) do
        local ix = index_by[row[1]]
        if ix then
            if row[3] == nil then
                ix.note = "it indexes an expression"
            elseif row[4] == "1" then
                ix.note = "it sorts a column in descending order"
            elseif row[5] and row[5]:upper() ~= "BINARY" then
                ix.note = "it has the collation " .. row[5]
            end
            ix.cols[#ix.cols + 1] = row[3]
        end
    end
    for _, row in ipairs(r.others) do
        local trigger = row[1] == "trigger"
        cat.notes[#cat.notes + 1] = {
            text = format("%s \"%s\"%s", row[1], row[2], trigger
                          and format(" on table \"%s\"", row[3]) or ""),
            on = trigger and row[3] or nil }
    end
    return cat
end

-- PostgreSQL's "{1,2}" (an int2[] as text) or "1 2" (an int2vector) as a
-- list of integers.
local function int_list(s)
    local out = {}
    for d in (s or ""):gmatch("%-?%d+") do out[#out + 1] = tonumber(d) end
    return out
end

-- The description of a PostgreSQL schema's catalog.
local function read_postgres(conninfo, schema)
    local r, why = run_queries("postgres", conninfo, pg_queries(schema))
    if not r then return nil, why end
    local s = r.schema[1]
    if s[3] ~= "t" then
        return nil, format("there is no schema \"%s\" in database \"%s\"",
                           s[1] or "?", s[2] or "?")
    end
    local cat = { dialect = "postgres", tables = {}, notes = {},
                  schema = s[1], default_name = s[1] == "public" and s[2]
                      or s[1] }
    local by = {}
    for _, row in ipairs(r.tables) do
        local t = { name = row[2], doc = row[3], columns = {}, by_col = {},
                    by_num = {}, pk = {}, uniques = {}, fks = {},
                    checks = {}, indexes = {}, notes = {} }
        cat.tables[#cat.tables + 1] = t
        by[row[1]] = t
    end
    for _, row in ipairs(r.columns) do
        local t = by[row[1]]
        local c = { name = row[3], sql_type = row[4],
                    not_null = row[5] == "t", default = row[6],
                    identity = row[7] ~= "" and row[7] or nil,
                    doc = row[9], typtype = row[10] }
        if row[8] and row[8] ~= "" then
            t.notes[#t.notes + 1] = format("column \"%s\" is a generated "
                                           .. "column (%s)", c.name,
                                           c.default or "?")
        else
            t.columns[#t.columns + 1] = c
            t.by_col[c.name] = c
            t.by_num[tonumber(row[2])] = c
        end
    end
    local function col_names(tbl, nums)
        local out = {}
        for i, n in ipairs(nums) do
            local c = tbl and tbl.by_num[n]
            if not c then return nil end
            out[i] = c.name
        end
        return out
    end
    for _, row in ipairs(r.constraints) do
        local t = by[row[1]]
        local kind, name = row[3], row[2]
        local cols = col_names(t, int_list(row[4]))
        local def, doc = row[11], row[12]
        if kind == "p" and cols then
            t.pk, t.pk_name = cols, name
        elseif kind == "u" and cols then
            t.uniques[#t.uniques + 1] = { name = name, cols = cols, doc = doc }
        elseif kind == "f" and cols then
            local rt = by[row[5]]
            local fk = { name = name, cols = cols, doc = doc,
                         on_delete = ON_DELETE_PG[row[7]] }
            if rt then
                fk.ref_table = rt.name
                fk.ref_cols = col_names(rt, int_list(row[6]))
            else
                fk.outside = def
            end
            local extra = {}
            if row[8] ~= "a" then
                extra[#extra + 1] = "ON UPDATE " .. ON_UPDATE_PG[row[8]]
            end
            if row[9] == "f" then extra[#extra + 1] = "MATCH FULL" end
            if row[10] == "t" then extra[#extra + 1] = "DEFERRABLE" end
            if #extra > 0 then fk.note = concat(extra, ", ") end
            t.fks[#t.fks + 1] = fk
        elseif kind == "c" then
            t.checks[#t.checks + 1] = { name = name, text = def,
                                        column = cols and #cols == 1
                                            and cols[1] or nil }
        else
            t.notes[#t.notes + 1] = format("constraint \"%s\" %s", name, def)
        end
    end
    -- pg_get_indexdef names the table with its schema, always.
    local schema_prefix = " ON " .. (s[1]:match("^[a-z_][a-z0-9_$]*$")
                                     and s[1] or util.sql_ident(s[1])) .. "."
    for _, row in ipairs(r.indexes) do
        local t = by[row[1]]
        local def = row[7]
        local at = def and def:find(schema_prefix, 1, true)
        if at then
            def = def:sub(1, at + 3) .. def:sub(at + #schema_prefix)
        end
        local ix = { name = row[2], unique = row[3] == "t", doc = row[8],
                     sql = def }
        ix.cols = col_names(t, int_list(row[4]))
        if row[5] == "t" then
            ix.note = "it is a partial index"
        elseif row[6] == "t" or not ix.cols then
            ix.note = "it indexes an expression"
        elseif row[9] ~= "btree" then
            ix.note = "it is a " .. row[9] .. " index"
        else
            for _, o in ipairs(int_list(row[10])) do
                if o ~= 0 then
                    ix.note = "it sorts a column in descending order or "
                        .. "with NULLS FIRST"
                end
            end
        end
        t.indexes[#t.indexes + 1] = ix
    end
    for _, row in ipairs(r.others) do
        cat.notes[#cat.notes + 1] = { text = format("%s \"%s\"", row[1],
                                                    row[2]) }
    end
    return cat
end

-- The catalog of the database at url: the description above, or nil and
-- why. opts.schema: the PostgreSQL schema (default: the current one).
function M.read(url, opts)
    local target, why = M.parse_url(url)
    if not target then return nil, why end
    if target.dialect == "sqlite" then
        local f = io.open(target.path, "rb")
        if not f then
            return nil, format("cannot read %s: no such file", target.path)
        end
        f:close()
        if opts.schema then
            return nil, "--schema is for PostgreSQL; a SQLite file has one"
        end
        return read_sqlite(target.path)
    end
    return read_postgres(target.conninfo, opts.schema)
end

return M
