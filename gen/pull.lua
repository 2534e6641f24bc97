-- pull.lua: ormc pull, a schema file written from a live database (reverse
-- generation; docs/pull.md).
--
-- Three steps:
--
--   read     the catalog of a SQLite file or a PostgreSQL schema, through
--            the query checkers' programs in their --read mode
--            (describe.c, describe_pg.c): catalog queries in, rows out, in
--            one read-only transaction. Each dialect's rows become the same
--            description: tables with their columns (SQL type, NOT NULL,
--            default as SQL text, identity), primary key, unique keys,
--            foreign keys, CHECKs and indexes, each with its name.
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

local function shell_quote(s)
    return "'" .. s:gsub("'", "'\\''") .. "'"
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

-- === A little SQL lexer, for CHECK expressions and SQLite's CREATE TABLE ===

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
M.read_check = read_check

-- SQLite's CREATE TABLE text, for what its pragmas do not tell: the names
-- of the constraints, the CHECKs, AUTOINCREMENT, the table's options.
-- Returns { pk_name, autoincrement = column, uniques = { { name, cols } },
-- checks = { { name, column (a column constraint's), text } }, fk_names =
-- { [from columns joined by ","] = name }, options = { words } }.
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
M.parse_create_table = parse_create_table

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

-- The schema of catalog cat in DSL terms:
-- { name, tables = { { name, sql_name, doc, columns = { { type, name,
-- opts = { key = value in order }, notes } }, entries = { { kind, cols,
-- opts } }, notes } }, notes }.
function M.map(cat, opts)
    local d = cat.dialect
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
                    -- serial: an integer key the database numbers
                    local numbered = c.autoincrement
                        or (c.identity ~= nil)
                        or (c.default and c.default:match("^nextval%("))
                    if single_pk == c.name and numbered
                        and (dtype == "bigint" or dtype == "integer") then
                        if dtype == "integer" then o.bits = 32 end
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
    end
    for _, mt in ipairs(out.tables) do
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
                    cat.tables and wanted and not wanted[fk.ref_table]
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
local COLUMN_ORDER = { "primary_key", "bits", "values", "max", "tz",
                       "not_null", "unique", "default", "references",
                       "on_delete", "sql_type", "sql_name", "doc" }
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

M.NOW = NOW
return M
