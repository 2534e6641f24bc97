-- query.lua: prepare a schema's queries offline and type them
-- (docs/queries.md).
--
-- describe(m, errs) runs gen/describe.c's program (ormc_describe) on the
-- schema's SQLite DDL and every query's SQLite text, which catches unknown
-- tables and columns and syntax errors and gives each query's parameters and
-- the origin of each result column. A lexer over the SQL text then does what
-- SQLite does not say: the type of each parameter (from the column it meets),
-- whether a result column is count(), and which tables sit on the nullable
-- side of a join. Each query gets:
--
--   params  = { { name, type, n } ... }   in $N order
--   columns = { { name, type, not_null } ... }   in result order
--   text    = { sqlite = ..., postgres = ... }   :name rewritten to $N
--
-- Errors go to errs against the query's declaration, as
-- `query "name": <message>`.

local dialect = require("dialect")
local emit_ddl = require("emit_ddl")
local keywords = require("keywords")
local util = require("util")
local read_file, shell_quote = util.read_file, util.shell_quote
local types = require("types")

local format, concat, type = string.format, table.concat, type

local M = {}

-- === The lexer ===

-- Tokens: { k = kind, v = value, s = start, e = end, d = paren depth }.
-- Kinds: "id" (v lower-cased unless quoted), "param" (v without ':'),
-- "num", "str", "op" (punctuation and operators), "other".
local OPS3 = {}
local OPS2 = { ["<="] = true, [">="] = true, ["<>"] = true, ["!="] = true,
               ["=="] = true, ["||"] = true, ["::"] = true, ["->"] = true }

local function lex(sql)
    local toks, i, n, depth = {}, 1, #sql, 0
    local function add(k, v, s, e)
        toks[#toks + 1] = { k = k, v = v, s = s, e = e, d = depth }
    end
    while i <= n do
        local c = sql:sub(i, i)
        if c:match("%s") then
            i = i + 1
        elseif sql:sub(i, i + 1) == "--" then
            local e = sql:find("\n", i, true) or n
            i = e + 1
        elseif sql:sub(i, i + 1) == "/*" then
            local e = sql:find("*/", i + 2, true)
            i = e and e + 2 or n + 1
        elseif c == "'" then
            local j = i + 1
            while j <= n do
                if sql:sub(j, j) == "'" then
                    if sql:sub(j + 1, j + 1) == "'" then j = j + 2 else break end
                else
                    j = j + 1
                end
            end
            add("str", sql:sub(i, j), i, j)
            i = j + 1
        elseif c == '"' or c == "`" or c == "[" then
            local close = c == "[" and "]" or c
            local j = sql:find(close, i + 1, true) or n
            add("id", sql:sub(i + 1, j - 1), i, j)
            i = j + 1
        elseif c:match("[%a_]") then
            local j = i
            while j <= n and sql:sub(j, j):match("[%w_$]") do j = j + 1 end
            add("id", sql:sub(i, j - 1):lower(), i, j - 1)
            i = j
        elseif c:match("%d") then
            local j = i
            while j <= n and sql:sub(j, j):match("[%w_.]") do j = j + 1 end
            add("num", sql:sub(i, j - 1), i, j - 1)
            i = j
        elseif c == ":" and sql:sub(i + 1, i + 1):match("[%a_]")
            and sql:sub(i - 1, i - 1) ~= ":" then
            local j = i + 1
            while j <= n and sql:sub(j, j):match("[%w_]") do j = j + 1 end
            add("param", sql:sub(i + 1, j - 1), i, j - 1)
            i = j
        else
            local two = sql:sub(i, i + 1)
            if OPS2[two] then
                add("op", two, i, i + 1)
                i = i + 2
            else
                if c == "(" then
                    add("op", c, i, i)
                    depth = depth + 1
                elseif c == ")" then
                    depth = depth - 1
                    add("op", c, i, i)
                else
                    add(c:match("[?@$]") and "other" or "op", c, i, i)
                end
                i = i + 1
            end
        end
    end
    return toks
end
M.lex = lex

-- === Running ormc_describe ===

local function gen_dir()
    return (package.path:match("^(.-)/%?%.lua") or ".")
end

-- The checkers: the SQLite one every query needs, the PostgreSQL one of
-- `ormc check --url`. env: the variable a build sets to the built program;
-- libs: how to link it when the generator compiles it itself; needs: what
-- to install when that fails.
local CHECKERS = {
    sqlite = { name = "ormc_describe", src = "describe.c",
               env = "ORMC_DESCRIBE", libs = "-lsqlite3",
               needs = "libsqlite3-dev" },
    postgres = { name = "ormc_describe_pg", src = "describe_pg.c",
                 env = "ORMC_DESCRIBE_PG",
                 libs = "$(pkg-config --cflags --libs libpq 2>/dev/null "
                     .. "|| echo -I/usr/include/postgresql -lpq)",
                 needs = "libpq-dev" },
}

-- The path of a checker, or nil and why: its env variable when set (a
-- build sets it); else a copy compiled from gen/ into the user's cache,
-- named by the hash of its source.
local function helper(which)
    local k = CHECKERS[which]
    local set = os.getenv(k.env)
    if set and set ~= "" then return set end
    local src = gen_dir() .. "/" .. k.src
    local text = read_file(src)
    if not text then
        return nil, format("%s is missing; set %s to a built %s", src,
                           k.env, k.name)
    end
    local cache = os.getenv("XDG_CACHE_HOME")
    if cache == nil or cache == "" then
        cache = (os.getenv("HOME") or "/tmp") .. "/.cache"
    end
    cache = cache .. "/ormc"
    -- The name hashes the header the source includes too.
    local io_h = read_file(gen_dir() .. "/describe_io.h") or ""
    local exe = format("%s/%s-%s", cache, k.name, util.fnv1a64(text .. io_h))
    if read_file(exe) then return exe end
    local log = os.tmpname()
    local tmp = format("%s.tmp%d", exe, math.random(1, 1 << 30))
    local cmd = format("mkdir -p %s && ${CC:-cc} -O1 -o %s %s %s "
                       .. ">%s 2>&1 && mv -f %s %s", shell_quote(cache),
                       shell_quote(tmp), shell_quote(src), k.libs,
                       shell_quote(log), shell_quote(tmp), shell_quote(exe))
    local ok = os.execute(cmd)
    local why = read_file(log) or ""
    os.remove(log)
    os.remove(tmp)
    if not ok then
        return nil, format("cannot build the query checker from %s (install "
                           .. "a C compiler and %s, or set %s to a built "
                           .. "%s): %s", src, k.needs, k.env, k.name,
                           (why:match("[^\n]*error[^\n]*")
                            or why:match("^[^\n]*") or "?"))
    end
    return exe
end

M.helper = helper -- pull.lua runs the checkers' --read mode

local function unescape(s)
    return (s:gsub("\\(.)", { t = "\t", n = "\n", r = "\r", ["\\"] = "\\" }))
end

-- Run checker `which` (with the extra shell words `args`) on the model's
-- DDL of that dialect and its queries' texts of that dialect (field `text`
-- of q: "sql" as written, "text" with $N). Returns { [query name] =
-- { error = msg, params = { fields... }, columns = { fields... } } }, each
-- record's fields after its kind, or nil and why.
local function run_checker(m, which, args, field)
    local exe, why = helper(which)
    if not exe then return nil, why end
    local ddl = emit_ddl.emit(dialect.by_name[which], m, "ormc query check")
    local parts = { format("%d\n", #ddl), ddl }
    for _, q in ipairs(m.queries) do
        local text = q[field] and q[field][which]
        if text then
            parts[#parts + 1] = format("%s\t%d\n", q.name, #text)
            parts[#parts + 1] = text
        end
    end
    local input = os.tmpname()
    local f = io.open(input, "wb")
    if not f then return nil, "cannot write a temporary file" end
    f:write(concat(parts))
    f:close()
    local p = io.popen(format("%s %s < %s 2>&1", shell_quote(exe), args,
                              shell_quote(input)), "r")
    local out = p and p:read("a") or ""
    local ok = p and p:close()
    os.remove(input)
    if not ok then
        return nil, format("%s failed: %s", CHECKERS[which].name,
                           out:match("^[^\n]*"))
    end
    local result, cur = {}, nil
    for line in out:gmatch("([^\n]*)\n") do
        local rec = {}
        for x in (line .. "\t"):gmatch("([^\t]*)\t") do
            rec[#rec + 1] = unescape(x)
        end
        local kind = table.remove(rec, 1)
        if kind == "query" then
            cur = { params = {}, columns = {} }
            result[rec[1]] = cur
        elseif kind == "error" then
            cur.error = rec[1]
        elseif kind == "param" then
            cur.params[tonumber(rec[1])] = rec
        elseif kind == "column" then
            cur.columns[tonumber(rec[1]) + 1] = rec
        end
    end
    return result
end

-- ormc_describe's answer on the SQLite texts: params = { names },
-- columns = { { name, table, column } }.
local function run_describe(m)
    local result, why = run_checker(m, "sqlite", "", "sql")
    if not result then return nil, why end
    for _, d in pairs(result) do
        for i, rec in ipairs(d.params) do d.params[i] = rec[2] end
        for i, rec in ipairs(d.columns) do
            d.columns[i] = { name = rec[2],
                             table = rec[3] ~= "" and rec[3] or nil,
                             column = rec[4] ~= "" and rec[4] or nil }
        end
    end
    return result
end

-- === Reading the SQL text ===

local COMPARE = { ["="] = true, ["=="] = true, ["<>"] = true, ["!="] = true,
                  ["<"] = true, ["<="] = true, [">"] = true, [">="] = true,
                  like = true, glob = true, is = true, ilike = true }
local JOIN_WORDS = { join = true, inner = true, left = true, right = true,
                     full = true, outer = true, cross = true,
                     natural = true }
local CLAUSE_END = { where = true, group = true, having = true, order = true,
                     limit = true, offset = true, window = true,
                     union = true, intersect = true, except = true,
                     returning = true, on = true, using = true,
                     ["set"] = true, values = true }
local AGGREGATES = { count = true, sum = true, total = true, min = true,
                     max = true, avg = true, group_concat = true,
                     string_agg = true, array_agg = true, json_agg = true,
                     json_group_array = true, json_group_object = true,
                     bool_and = true, bool_or = true, every = true }

-- The table references of the statement: { table (model table), alias,
-- top (at the depth of the statement), nullable (on the nullable side of
-- an outer join) }. Tables named after FROM, JOIN, UPDATE, INTO and a
-- comma of a FROM list; a name that is no table of the schema (a CTE, a
-- subquery's alias) is left out.
local function table_refs(toks, by_sql)
    local refs = {}
    local function ref_at(i, top_depth)
        local t = toks[i]
        if not t or t.k ~= "id" then return nil end
        local j = i
        if toks[j + 1] and toks[j + 1].v == "." and toks[j + 2] then
            j = j + 2 -- schema.table: the table
        end
        local tbl = by_sql[toks[j].v]
        local alias = toks[j].v
        local a = toks[j + 1]
        if a and a.k == "id" and a.v == "as" then a = toks[j + 2] end
        if a and a.k == "id" and not CLAUSE_END[a.v] and not JOIN_WORDS[a.v]
            and not keywords.sql[a.v] then
            alias = a.v
        end
        return { table = tbl, alias = alias, d = t.d, top = t.d == top_depth }
    end
    -- The depth of the main statement: that of its first SELECT, UPDATE,
    -- INSERT or DELETE outside parentheses.
    local top = 0
    for i, t in ipairs(toks) do
        local prev = toks[i - 1]
        local join_kind
        if t.k == "id" and (t.v == "from" or t.v == "update" or t.v == "into"
            or t.v == "join") then
            if t.v == "join" then
                join_kind = "inner"
                local k = i - 1
                while toks[k] and toks[k].k == "id"
                    and JOIN_WORDS[toks[k].v] do
                    if toks[k].v == "left" then join_kind = "left"
                    elseif toks[k].v == "right" then join_kind = "right"
                    elseif toks[k].v == "full" then join_kind = "full" end
                    k = k - 1
                end
            end
            local r = ref_at(i + 1, top)
            if r then
                r.join = join_kind
                refs[#refs + 1] = r
            elseif toks[i + 1] and toks[i + 1].v == "(" then
                -- a subquery: its alias is no table; on an outer join it
                -- still makes the left side nullable
                refs[#refs + 1] = { d = t.d, top = t.d == top, join = join_kind }
            end
        elseif t.k == "op" and t.v == "," and prev then
            -- FROM a, b: a comma-join, when the FROM clause is open
            local k = i - 1
            while k > 0 and not (toks[k].k == "id" and toks[k].d == t.d
                and (toks[k].v == "from" or CLAUSE_END[toks[k].v]
                     or toks[k].v == "select")) do
                k = k - 1
            end
            if k > 0 and toks[k].v == "from" then
                local r = ref_at(i + 1, top)
                if r then refs[#refs + 1] = r end
            end
        end
    end
    -- Outer joins at the top level: LEFT makes its table nullable, RIGHT the
    -- ones before it, FULL both.
    local tops = {}
    for _, r in ipairs(refs) do if r.top then tops[#tops + 1] = r end end
    for i, r in ipairs(tops) do
        if r.join == "left" or r.join == "full" then r.nullable = true end
        if r.join == "right" or r.join == "full" then
            for j = 1, i - 1 do tops[j].nullable = true end
        end
    end
    return refs
end

-- The column a reference at toks[i] (`c` or `q.c`, i at its first token)
-- names: its table and column, or nil. Also returns how many tokens it
-- took.
local function column_at(toks, i, refs, by_sql)
    local t = toks[i]
    if not t or t.k ~= "id" then return nil end
    if toks[i + 1] and toks[i + 1].v == "." and toks[i + 2]
        and toks[i + 2].k == "id" then
        local qual, col = t.v, toks[i + 2].v
        local found
        for _, r in ipairs(refs) do
            if r.table and (r.alias == qual or r.table.sql_name == qual) then
                if found and found ~= r.table then return nil, 3 end
                found = r.table
            end
        end
        local c = found and found.by_sql and found.by_sql[col]
        return c and { table = found, column = c } or nil, 3
    end
    if toks[i - 1] and toks[i - 1].v == "." then return nil, 1 end
    local found
    for _, r in ipairs(refs) do
        local c = r.table and r.table.by_sql[t.v]
        if c then
            if found and found.table ~= r.table then return nil, 1 end
            found = { table = r.table, column = c }
        end
    end
    return found, 1
end

-- The column a reference ending at toks[j] names (`c` or `q.c`).
local function column_ending(toks, j, refs, by_sql)
    if not toks[j] or toks[j].k ~= "id" then return nil end
    if toks[j - 1] and toks[j - 1].v == "." then
        return (column_at(toks, j - 2, refs, by_sql))
    end
    return (column_at(toks, j, refs, by_sql))
end

-- The value type of a column (serial is bigint).
local function value_type(c)
    if c.type == "serial" then return c.bits == 32 and "integer" or "bigint" end
    return c.type
end

-- The column parameter toks[i] meets, or the type LIMIT/OFFSET give it.
-- Returns a type and a description of where it came from, or nil.
local function param_type(toks, i, refs, by_sql, insert_cols)
    local p = toks[i - 1]
    if p and p.k == "id" and (p.v == "limit" or p.v == "offset") then
        return "bigint", p.v:upper()
    end
    if insert_cols and insert_cols[i] then
        local c = insert_cols[i]
        return value_type(c), c.sql_name, c
    end
    -- col OP :p (OP possibly followed by NOT: IS NOT, NOT LIKE)
    local j = i - 1
    if toks[j] and toks[j].v == "not" then j = j - 1 end
    if toks[j] and COMPARE[toks[j].v] then
        local k = j - 1
        if toks[k] and toks[k].v == "not" then k = k - 1 end
        local c = column_ending(toks, k, refs, by_sql)
        if c then return value_type(c.column), c.column.sql_name, c.column end
    end
    -- :p OP col
    local n = toks[i + 1]
    if n and COMPARE[n.v] then
        local k = i + 2
        if toks[k] and toks[k].v == "not" then k = k + 1 end
        local c = column_at(toks, k, refs, by_sql)
        if c then return value_type(c.column), c.column.sql_name, c.column end
    end
    -- col BETWEEN :a AND :b
    if p and p.v == "between" then
        local c = column_ending(toks, i - 2, refs, by_sql)
        if c then return value_type(c.column), c.column.sql_name, c.column end
    end
    if p and p.v == "and" and toks[i - 3] and toks[i - 3].v == "between" then
        local c = column_ending(toks, i - 4, refs, by_sql)
        if c then return value_type(c.column), c.column.sql_name, c.column end
    end
    -- col IN (:a, :b, ...)
    if p and (p.v == "(" or p.v == ",") then
        local k = i - 1
        while k > 0 and not (toks[k].v == "(" and toks[k].d == toks[i].d - 1)
        do
            k = k - 1
        end
        if k > 1 and toks[k - 1].v == "in" then
            local c = column_ending(toks, k - 2, refs, by_sql)
            if c then return value_type(c.column), c.column.sql_name, c.column end
        end
    end
    return nil
end

-- INSERT INTO t (a, b) VALUES (:x, :y): { [token index of :x] = column a }.
local function insert_columns(toks, refs)
    local into
    for i, t in ipairs(toks) do
        if t.k == "id" and t.v == "into" then into = i break end
    end
    if not into then return nil end
    local r
    for _, x in ipairs(refs) do
        if x.table and toks[into + 1] and x.alias and x.d == toks[into].d then
            r = x
            break
        end
    end
    if not r then return nil end
    local i = into + 1
    while toks[i] and toks[i].v ~= "(" do i = i + 1 end
    local cols, d = {}, toks[i] and toks[i].d + 1
    i = i + 1
    while toks[i] and not (toks[i].v == ")" and toks[i].d == d - 1) do
        if toks[i].k == "id" then
            cols[#cols + 1] = r.table.by_sql[toks[i].v] or false
        end
        i = i + 1
    end
    while toks[i] and toks[i].v ~= "values" do i = i + 1 end
    if not toks[i] then return nil end
    local out = {}
    i = i + 1
    -- each tuple: items split by commas at the tuple's depth
    while toks[i] and toks[i].v == "(" do
        local td = toks[i].d + 1
        local item, first = 1, i + 1
        i = i + 1
        while toks[i] and not (toks[i].v == ")" and toks[i].d == td - 1) do
            if toks[i].v == "," and toks[i].d == td then
                item = item + 1
                first = i + 1
            elseif toks[i].k == "param" and i == first
                and toks[i + 1] and (toks[i + 1].v == ","
                    or toks[i + 1].v == ")") and cols[item] then
                out[i] = cols[item]
            end
            i = i + 1
        end
        i = i + 1
        if toks[i] and toks[i].v == "," then i = i + 1 end
    end
    return out
end

-- The items of the main SELECT's list, each { first, last } token index,
-- and whether it is an aggregate query without GROUP BY; nil when the
-- statement is no single SELECT (a compound one: every column nullable).
local function select_items(toks)
    local sel
    for i, t in ipairs(toks) do
        if t.k == "id" and t.v == "select" and t.d == 0 then sel = i break end
    end
    if not sel then return nil end
    local d = toks[sel].d
    local compound, grouped = false, false
    for i = sel + 1, #toks do
        local t = toks[i]
        if t.d == d and t.k == "id" then
            if t.v == "union" or t.v == "intersect" or t.v == "except" then
                compound = true
            elseif t.v == "group" then
                grouped = true
            end
        end
    end
    if compound then return nil end
    local i = sel + 1
    if toks[i] and (toks[i].v == "distinct" or toks[i].v == "all") then
        i = i + 1
    end
    local items, first = {}, i
    while toks[i] and not (toks[i].d == d and toks[i].k == "id"
                           and toks[i].v == "from") do
        if toks[i].v == "," and toks[i].d == d then
            items[#items + 1] = { first = first, last = i - 1 }
            first = i + 1
        end
        i = i + 1
    end
    items[#items + 1] = { first = first, last = i - 1 }
    local aggregate = false
    for _, it in ipairs(items) do
        for k = it.first, it.last do
            local t = toks[k]
            if t.k == "id" and AGGREGATES[t.v] and toks[k + 1]
                and toks[k + 1].v == "(" and t.d == d then
                -- (an aggregate with OVER is a window function)
                local close = k + 1
                while toks[close] and not (toks[close].v == ")"
                                           and toks[close].d == d) do
                    close = close + 1
                end
                if not (toks[close + 1] and toks[close + 1].v == "over") then
                    aggregate = true
                end
            end
        end
    end
    return items, aggregate and not grouped
end

-- What item toks[first..last] is: "star" (`*`, `q.*`; the qualifier
-- returned), "column" (a plain reference, with or without an alias; its
-- first token returned), "count", or "expr".
local function item_kind(toks, it)
    local a, b = it.first, it.last
    -- drop an alias: `AS x` or a trailing bare name after an expression
    if b - 1 >= a and toks[b - 1].v == "as" then
        b = b - 2
    elseif b > a and toks[b].k == "id" and toks[b - 1].v ~= "."
        and toks[b - 1].k ~= "op" then
        b = b - 1
    elseif b > a and toks[b].k == "id" and toks[b - 1].v == ")" then
        b = b - 1
    end
    if a == b and toks[a].v == "*" then return "star" end
    if b == a + 2 and toks[a + 1].v == "." and toks[b].v == "*" then
        return "star", toks[a].v
    end
    if a == b and toks[a].k == "id" then return "column", a end
    if b == a + 2 and toks[a].k == "id" and toks[a + 1].v == "."
        and toks[b].k == "id" then
        return "column", a
    end
    if toks[a].v == "count" and toks[a + 1] and toks[a + 1].v == "(" then
        local close = a + 1
        while toks[close] and not (toks[close].v == ")"
                                   and toks[close].d == toks[a].d) do
            close = close + 1
        end
        if close == b or (toks[close + 1] and toks[close + 1].v == "over") then
            return "count"
        end
    end
    return "expr"
end

-- Whether the plain column reference `item` (of select_items) of a column
-- of table tbl reads a table on the inner side of every join: `q.c` the
-- top-level table whose alias is q, `c` every top-level reference to tbl
-- (and tbl in no subquery).
local function inner_side(toks, item, refs, tbl)
    local at = item.at
    if at and toks[at + 1] and toks[at + 1].v == "." then
        local qual, hit = toks[at].v, nil
        for _, r in ipairs(refs) do
            if r.top and r.alias == qual then
                if hit then return false end
                hit = r
            end
        end
        return hit ~= nil and hit.table == tbl and not hit.nullable
    end
    local any = false
    for _, r in ipairs(refs) do
        if r.table == tbl then
            if r.nullable or not r.top then return false end
            any = true
        end
    end
    return any
end

-- A text without the indentation its lines share and without blank lines
-- around it (the Lua [[ ]] of a schema file indents it), unless a string
-- literal spans lines (whose content that would change).
local function tidy(text)
    for _, t in ipairs(lex(text)) do
        if t.k == "str" and t.v:find("\n") then return text end
    end
    local lines, indent = {}, nil
    for line in (text .. "\n"):gmatch("(.-)\n") do
        line = line:gsub("%s+$", "")
        if line ~= "" then
            local lead = #line:match("^[ \t]*")
            if indent == nil or lead < indent then indent = lead end
        end
        lines[#lines + 1] = line
    end
    while lines[1] == "" do table.remove(lines, 1) end
    while lines[#lines] == "" do lines[#lines] = nil end
    for i, l in ipairs(lines) do lines[i] = l:sub((indent or 0) + 1) end
    return concat(lines, "\n")
end

-- The table whose row the result is, when it is one (`SELECT t.* ...`):
-- every column of one table, in order, none overridden, each as nullable
-- as the table says (a LEFT JOIN's right side is not). The row type is
-- then the table's own.
local function table_row(q, d, by_sql)
    local tbl = d.columns[1] and by_sql[d.columns[1].table or ""]
    if not tbl or #d.columns ~= #tbl.columns then return nil end
    for i, c in ipairs(q.columns) do
        local col = tbl.columns[i]
        if by_sql[d.columns[i].table or ""] ~= tbl or c.origin ~= col
            or q.column_types[c.name] or (col.not_null and not c.not_null)
        then
            return nil
        end
    end
    return tbl
end

-- The name an item gives its column with an alias (`x AS a`, `x a`), or
-- nil (item_kind's rule).
local function item_alias(toks, it)
    local a, b = it.first, it.last
    if b - 1 >= a and toks[b - 1].v == "as" then return toks[b].v end
    if b > a and toks[b].k == "id" and ((toks[b - 1].v ~= "."
        and toks[b - 1].k ~= "op") or toks[b - 1].v == ")") then
        return toks[b].v
    end
    return nil
end

-- What ormc_describe says of a query, read from the PostgreSQL text of a
-- query that only PostgreSQL runs: the parameters in order of first
-- appearance, each select item's name as PostgreSQL gives it and, for a
-- plain column reference, its origin. Nothing is checked against a
-- database (docs/queries.md).
local function lexical_describe(m, q)
    local by_sql = m.tables_by_sql
    local toks = lex(q.sql.postgres)
    local refs = table_refs(toks, by_sql)
    local d = { params = {}, columns = {} }
    local seen = {}
    for _, t in ipairs(toks) do
        if t.k == "param" and not seen[t.v] then
            seen[t.v] = true
            d.params[#d.params + 1] = ":" .. t.v
        end
    end
    if q.returns == "exec" then return d end
    local items = select_items(toks)
    if not items then
        d.error = "cannot read the select list of its text (a compound "
            .. "SELECT, or no SELECT): give it a SQLite text too"
        return d
    end
    for _, it in ipairs(items) do
        local kind, at = item_kind(toks, it)
        if kind == "star" then
            for _, r in ipairs(refs) do
                if r.top and (at == nil or r.alias == at) then
                    if not r.table then
                        d.error = "cannot expand * over what is no table"
                        return d
                    end
                    for _, c in ipairs(r.table.columns) do
                        d.columns[#d.columns + 1] = {
                            name = c.sql_name, table = r.table.sql_name,
                            column = c.sql_name }
                    end
                end
            end
        else
            local col = { name = item_alias(toks, it) }
            if kind == "column" then
                local c = column_at(toks, at, refs, by_sql)
                if c then
                    col.table = c.table.sql_name
                    col.column = c.column.sql_name
                end
                col.name = col.name or toks[it.last].v
            elseif kind == "count" then
                col.name = col.name or "count"
            end
            -- PostgreSQL's name for an expression without an alias
            col.name = col.name or "?column?"
            d.columns[#d.columns + 1] = col
        end
    end
    return d
end

-- === Typing one query ===

local function C_IDENT(s)
    return type(s) == "string" and s:match("^[A-Za-z_][A-Za-z0-9_]*$") ~= nil
end

local function type_query(m, q, d, errs)
    local function fail(fmt, ...)
        errs:addf(q, nil, "query \"%s\": " .. fmt, q.name, ...)
    end
    if d.error then
        fail("%s", d.error)
        return
    end
    local by_sql = m.tables_by_sql
    local toks = lex(q.sql.sqlite or q.sql.postgres)
    local refs = table_refs(toks, by_sql)
    local inserts = insert_columns(toks, refs) or {}

    -- Parameters: SQLite names them in order of first appearance.
    local ok = true
    q.params = {}
    local seen = {}
    for n, name in ipairs(d.params) do
        local bare = name:match("^:(.*)$")
        if bare == nil then
            fail("parameter '%s': write parameters as :name", name)
            ok = false
        elseif not C_IDENT(bare) or keywords.reserved_c(bare)
            or keywords.c[bare] then
            fail("parameter ':%s' is not a valid C identifier", bare)
            ok = false
        else
            local p = { name = bare, n = n }
            q.params[#q.params + 1] = p
            seen[bare] = p
        end
    end
    if not ok then return end
    for _, name in ipairs(util.sorted_keys(q.param_types)) do
        if not seen[name] then
            fail("params names '%s', which the SQL does not use", name)
            ok = false
        end
    end
    -- Each use of each parameter: the types they give must agree.
    local found = {}
    for i, t in ipairs(toks) do
        if t.k == "param" and seen[t.v] then
            local ty, from, col = param_type(toks, i, refs, by_sql, inserts)
            if ty then
                local prev = found[t.v]
                -- (two enums agree when they are the same column's)
                if prev and (prev.type ~= ty or (ty == "enum"
                        and prev.column ~= col))
                    and not q.param_types[t.v] then
                    fail("parameter ':%s' is compared with %s (%s) and %s "
                         .. "(%s); say which with params = { %s = \"...\" }",
                         t.v, prev.from, prev.type, from, ty, t.v)
                    ok = false
                end
                found[t.v] = prev or { type = ty, from = from, column = col }
            end
        end
    end
    for _, p in ipairs(q.params) do
        p.type = q.param_types[p.name] or (found[p.name] or {}).type
        -- an enum parameter is of its column's enum type, with its labels
        if p.type == "enum" then p.enum_col = found[p.name].column end
        -- a parameter is a value; a text or blob one may be NULL (SQL NULL)
        p.not_null = p.type ~= nil and not types.info[p.type].pointer
        if p.type == nil then
            fail("cannot tell the type of parameter ':%s' (add params = { %s "
                 .. "= \"type\" })", p.name, p.name)
            ok = false
        end
    end

    -- The same parameters in the PostgreSQL text.
    local pg_names, pg_seen = {}, {}
    for _, t in ipairs(lex(q.sql.postgres or "")) do
        if t.k == "param" and not pg_seen[t.v] then
            pg_seen[t.v] = true
            pg_names[#pg_names + 1] = t.v
        end
    end
    local names = {}
    for i, p in ipairs(q.params) do names[i] = p.name end
    if q.sql.postgres and concat(pg_names, ",") ~= concat(names, ",") then
        fail("the postgres text's parameters (%s) differ from the sqlite "
             .. "text's (%s)", concat(pg_names, ", "), concat(names, ", "))
        ok = false
    end

    -- Result columns.
    q.columns = {}
    if q.returns == "exec" then
        if #d.columns > 0 then
            fail("returns = \"exec\" but the statement returns %d column%s",
                 #d.columns, #d.columns == 1 and "" or "s")
            ok = false
        end
    elseif #d.columns == 0 then
        fail("returns = \"%s\" but the statement returns no columns (use "
             .. "returns = \"exec\")", q.returns)
        ok = false
    end
    local items, aggregate_only = select_items(toks)
    -- Map each result column to its select item (stars expand to their
    -- tables' columns); nil when a star cannot be expanded.
    local item_of = {}
    if items then
        local col = 1
        for _, it in ipairs(items) do
            local kind, qual = item_kind(toks, it)
            if kind == "star" then
                local n = 0
                for _, r in ipairs(refs) do
                    if r.top and (qual == nil or r.alias == qual) then
                        if not r.table then n = nil break end
                        n = n + #r.table.columns
                    end
                end
                if n == nil then item_of = nil break end
                for _ = 1, n do
                    item_of[col] = { kind = "column", star = qual or true }
                    col = col + 1
                end
            else
                item_of[col] = { kind = kind, at = qual }
                col = col + 1
            end
        end
        if item_of and col - 1 ~= #d.columns then item_of = nil end
    end
    local names_seen = {}
    for i, dc in ipairs(d.columns) do
        local name = dc.name
        local c = { name = name }
        local item = item_of and item_of[i] or nil
        local origin = dc.table and by_sql[dc.table]
        origin = origin and origin.by_sql[dc.column]
        local over = q.column_types[name]
        local bad_name = not C_IDENT(name) or keywords.reserved_c(name)
            or keywords.c[name] or name == "ormc_owned"
        if bad_name then
            fail("result column '%s' is not a valid C identifier (name it "
                 .. "with AS)", name)
            ok = false
        elseif names_seen[name] then
            fail("two result columns are named '%s' (rename one with AS)",
                 name)
            ok = false
        end
        names_seen[name] = true
        if over then
            c.type, c.not_null = over.type, over.not_null
        elseif origin then
            c.type = value_type(origin)
            -- NOT NULL only for a plain reference to a NOT NULL column of a
            -- table that is on no nullable side at the top level.
            if origin.not_null and item and item.kind == "column"
                and not aggregate_only then
                c.not_null = inner_side(toks, item, refs, by_sql[dc.table])
            end
            c.origin = origin
            if c.type == "enum" then c.enum_col = origin end
        elseif item and item.kind == "count" then
            c.type, c.not_null = "bigint", true
        elseif not bad_name then
            fail("cannot tell the type of result column '%s' (add columns "
                 .. "= { %s = { type = \"...\" } })", name, name)
            ok = false
        end
        c.not_null = c.not_null == true
        q.columns[#q.columns + 1] = c
    end
    q.row_table = table_row(q, d, by_sql)
    for _, name in ipairs(util.sorted_keys(q.column_types)) do
        if not names_seen[name] then
            fail("columns names '%s', which is no result column", name)
            ok = false
        end
    end
    if not ok then return end

    -- The texts the runtime runs: :name as $N.
    q.text = {}
    local index = {}
    for _, p in ipairs(q.params) do index[p.name] = p.n end
    for _, which in ipairs { "sqlite", "postgres" } do
        local src, out, pos = q.sql[which] or "", {}, 1
        for _, t in ipairs(lex(src)) do
            if t.k == "param" then
                out[#out + 1] = src:sub(pos, t.s - 1)
                out[#out + 1] = "$" .. index[t.v]
                pos = t.e + 1
            end
        end
        out[#out + 1] = src:sub(pos)
        q.text[which] = q.sql[which] and tidy(concat(out))
    end
end

-- Check and type every query of model m; errors go to errs.
function M.describe(m, errs)
    if #m.queries == 0 then return end
    m.tables_by_sql = {}
    for _, t in ipairs(m.tables) do
        m.tables_by_sql[t.sql_name] = t
        t.by_sql = {}
        for _, c in ipairs(t.columns) do t.by_sql[c.sql_name] = c end
    end
    local result, why = run_describe(m)
    if not result then
        errs:addf(m.queries[1], nil, "query \"%s\": %s", m.queries[1].name,
                  why)
        return
    end
    for _, q in ipairs(m.queries) do
        local d = result[q.name]
        if not q.dialects.sqlite then d = lexical_describe(m, q) end
        if d == nil then
            errs:addf(q, nil, "query \"%s\": the checker said nothing of it",
                      q.name)
        else
            type_query(m, q, d, errs)
        end
    end
end

-- === Checking on a live PostgreSQL (ormc check --url) ===

-- The type OIDs PostgreSQL may describe a value of each type as.
local PG_TEXT = { [25] = true, [1043] = true } -- text, varchar
local PG_TYPES = {
    integer = { [23] = true }, bigint = { [20] = true },
    double = { [701] = true }, boolean = { [16] = true },
    text = PG_TEXT, enum = PG_TEXT, blob = { [17] = true },
    json = { [3802] = true, [114] = true }, -- jsonb, json
    timestamp = { [1114] = true, [1184] = true }, uuid = { [2950] = true },
}

-- Prepare every PostgreSQL text of model m (as generated: $N) on the
-- server at url, in a schema of its own made from the schema's DDL and
-- rolled back, and compare the parameter and result types PostgreSQL
-- describes with the generated ones; errors go to errs.
function M.check_url(m, url, errs)
    if #m.queries == 0 then return end
    local result, why = run_checker(m, "postgres", shell_quote(url), "text")
    if not result then
        errs:addf(m.queries[1], nil, "query \"%s\": %s", m.queries[1].name,
                  why)
        return
    end
    for _, q in ipairs(m.queries) do
        local function fail(fmt, ...)
            errs:addf(q, nil, "query \"%s\": " .. fmt, q.name, ...)
        end
        local d = q.text and q.text.postgres and result[q.name]
        if not d then
            -- not a PostgreSQL query
        elseif d.error then
            fail("PostgreSQL: %s", d.error)
        elseif #d.params ~= #q.params then
            fail("PostgreSQL counts %d parameters; the generated code %d",
                 #d.params, #q.params)
        elseif #d.columns ~= #q.columns then
            fail("PostgreSQL returns %d columns; the generated code reads %d",
                 #d.columns, #q.columns)
        else
            for i, p in ipairs(q.params) do
                local rec = d.params[i]
                if not PG_TYPES[p.type][tonumber(rec[2])] then
                    fail("PostgreSQL takes parameter ':%s' as %s; the "
                         .. "generated type is %s", p.name, rec[3], p.type)
                end
            end
            for i, c in ipairs(q.columns) do
                local rec = d.columns[i]
                if not PG_TYPES[c.type][tonumber(rec[3])] then
                    fail("PostgreSQL returns column '%s' as %s; the generated "
                         .. "type is %s", c.name, rec[4], c.type)
                end
            end
        end
    end
end

return M
