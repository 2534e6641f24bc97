-- emit_query.lua: the C of a schema's typed SQL queries (docs/queries.md),
-- for emit_c_header.lua (types and declarations) and emit_c_source.lua
-- (descriptors and functions).
--
-- Each query is described to the runtime by an ormc_sql_query: its texts
-- (:name already $N), a keyless ormc_table over its params struct (the
-- parameters in $N order) and one over its row struct (the result columns
-- in order). The runtime binds and decodes them as it does table rows.
--
-- keep in sync with runtime/include/ormc_generated.h (ormc_sql_query,
-- ormc_sql_*).

local types = require("types")
local util = require("util")
local cgen = require("cgen")

local format = string.format

local M = {}

local function prefix(m, q)
    return m.name .. "_" .. q.name
end

-- Parameters and result columns have no has_ flag when they are pointers
-- (NULL is SQL NULL) or NOT NULL scalars.
local function has_flag(c)
    return not c.not_null and not types.info[c.type].pointer
end

-- The SQL of a query as comment lines.
local function sql_lines(text)
    local lines = {}
    for line in (text .. "\n"):gmatch("(.-)\n") do
        lines[#lines + 1] = util.comment_safe(line)
    end
    return lines
end

-- The C declarations of a query's function, in the order they are
-- declared and defined: { ret, name, args = { "type name" ... }, doc }.
local function functions(m, q)
    local p = prefix(m, q)
    local params = #q.params > 0
        and { format("const %s_params *params", p) } or {}
    local function args(...)
        local out = { "ormc_db *db" }
        for _, a in ipairs(params) do out[#out + 1] = a end
        for _, a in ipairs { ... } do out[#out + 1] = a end
        return out
    end
    local fns = {}
    if q.returns == "many" then
        fns[#fns + 1] = { ret = "int", name = p,
                          args = args(format("%s_list *out /* OUT */", p)),
                          doc = "Every row, into out (free with "
                              .. p .. "_list_free)." }
        fns[#fns + 1] = { ret = "int", name = p .. "_cursor_open",
                          args = args(format("%s_cursor *cur", p)),
                          doc = "Stream the rows (ormc_cursor_open's rules)." }
        fns[#fns + 1] = { ret = "int", name = p .. "_cursor_next",
                          args = { format("%s_cursor *cur", p),
                                   format("%s_row *row /* OUT */", p) },
                          doc = "ORMC_ROW with the next row (its strings "
                              .. "borrowed until the next call), ORMC_DONE "
                              .. "or an error." }
        fns[#fns + 1] = { ret = "void", name = p .. "_cursor_close",
                          args = { format("%s_cursor *cur", p) },
                          doc = "Close the cursor; NULL or closed is a no-op." }
        fns[#fns + 1] = { ret = "void", name = p .. "_list_free",
                          args = { format("%s_list *list", p) },
                          doc = "Release the rows of a list and empty it." }
    elseif q.returns == "one" then
        fns[#fns + 1] = { ret = "int", name = p,
                          args = args(format("%s_row *out /* OUT */", p)),
                          doc = "The row: ORMC_OK, ORMC_NOT_FOUND (no row; "
                              .. "out untouched), ORMC_INVALID when more than "
                              .. "one came back, or an error." }
    else
        fns[#fns + 1] = { ret = "int", name = p,
                          args = args("int64_t *changes /* OUT, may be NULL */"),
                          doc = "Run it; *changes: the rows it changed." }
    end
    -- the batch twin of the query's call (docs/batch.md)
    local twin = { "ormc_batch *b" }
    for i = 2, #fns[1].args do twin[i] = fns[1].args[i] end
    twin[#twin + 1] = "int *rc /* OUT */"
    fns[#fns + 1] = { ret = "int", name = p .. "_in", args = twin,
                      doc = "Queue " .. p .. "() into batch b, to run at "
                          .. "ormc_batch_run(); *rc gets its status then. "
                          .. "params and the output are borrowed until the "
                          .. "batch ran (docs/batch.md)." }
    if q.returns ~= "exec" then
        fns[#fns + 1] = { ret = "void", name = p .. "_row_free",
                          args = { format("%s_row *row", p) },
                          doc = "Release what a fetched row owns and zero it." }
    end
    return fns
end

local function signature(f)
    return cgen.call_lines(f.ret .. " " .. f.name, f.args, "")
end

-- The descriptor of a query's row: its own, or its table's.
local function row_table(p, q)
    if q.row_table then return "&" .. q.row_table.prefix .. "_table" end
    return "&" .. p .. "_row_table"
end

-- The C type of a parameter or result column: an enum's is its column's
-- enum type.
local function ctype(c)
    if c.type == "enum" then return c.enum_col.ctype end
    return types.info[c.type].c
end

-- The struct of fields `cols` (params or result columns), named `name`.
local function emit_struct(b, name, cols, owned)
    b:line("typedef struct %s {", name)
    for _, c in ipairs(cols) do
        local info = types.info[c.type]
        if has_flag(c) then
            b:line("    bool has_%s; /* false: %s is NULL */", c.name, c.name)
        end
        local note
        if c.not_null then
            note = c.type .. ", not null"
        elseif info.pointer then
            note = c.type .. ", NULL = SQL NULL"
        else
            note = c.type .. ", nullable"
        end
        b:line("    %s; /* %s */", cgen.decl(ctype(c), c.name), note)
    end
    if owned then
        b:line("    /* the one allocation a fetched row owns; NULL for "
               .. "caller-built rows */")
        b:line("    void *ormc_owned;")
    end
    b:line("} %s;", name)
    b:line()
end

function M.emit_header(b, m)
    if #m.queries == 0 then return end
    b:line("/* === Queries (docs/queries.md) === */")
    b:line()
    for _, q in ipairs(m.queries) do
        local p = prefix(m, q)
        local paras = { format("Query %s (%s:%d), returns %s.", q.name,
                               q.file, q.line, q.returns) }
        if q.doc then paras[#paras + 1] = q.doc end
        if not q.text.sqlite then
            paras[#paras + 1] = "PostgreSQL only: its functions return "
                .. "ORMC_UNSUPPORTED on SQLite."
        elseif not q.text.postgres then
            paras[#paras + 1] = "SQLite only: its functions return "
                .. "ORMC_UNSUPPORTED on PostgreSQL."
        end
        util.comment_block(b, "", paras)
        b:line("/* Runs, on %s:", q.text.sqlite and "SQLite" or "PostgreSQL")
        for _, l in ipairs(sql_lines(q.text.sqlite or q.text.postgres)) do
            b:line(l == "" and " *" or (" *   " .. l))
        end
        b:line(" */")
        if #q.params > 0 then
            emit_struct(b, p .. "_params", q.params, false)
        end
        if q.row_table then
            b:line("/* Its rows are rows of table %s. */", q.row_table.name)
            b:line("typedef %s %s_row;", q.row_table.prefix, p)
            b:line()
        elseif q.returns ~= "exec" then
            emit_struct(b, p .. "_row", q.columns, true)
        end
        if q.returns == "many" then
            b:line("/* Rows from %s(). */", p)
            b:line("typedef struct %s_list {", p)
            b:line("    %s_row *items; /* count rows, each owning its data */",
                   p)
            b:line("    size_t count; /* number of rows */")
            b:line("} %s_list;", p)
            b:line()
            b:line("/* A stream of rows from %s_cursor_open(). */", p)
            b:line("typedef struct %s_cursor {", p)
            b:line("    ormc_cursor *impl; /* NULL when closed */")
            b:line("} %s_cursor;", p)
            b:line()
        end
        for _, f in ipairs(functions(m, q)) do
            util.comment(b, "", f.doc)
            local lines = signature(f)
            lines[#lines] = lines[#lines] .. ";"
            b:lines(lines)
            b:line()
        end
    end
end

-- The descriptor of a params or row struct: a keyless table.
local function emit_table(b, name, struct, label, cols, owned)
    b:line("static const ormc_column %s_columns[] = {", name)
    for _, c in ipairs(cols) do
        b:line("    {")
        b:line("        .name = %s,", util.c_string(c.name))
        b:line("        .sql_name = %s,", util.c_string(c.name))
        b:line("        .type = %s,", types.info[c.type].ormc)
        b:line("        .flags = %s,", c.not_null and "ORMC_COL_NOT_NULL"
               or "0")
        b:line("        .offset = offsetof(%s, %s),", struct, c.name)
        if has_flag(c) then
            b:line("        .has_offset = offsetof(%s, has_%s),", struct,
                   c.name)
        else
            b:line("        .has_offset = ORMC_NO_HAS,")
        end
        if c.type == "enum" then
            b:line("        .enum_values = %s_labels,", c.enum_col.ctype)
            b:line("        .n_enum_values = %d,", #c.enum_col.labels)
        end
        b:line("        .ref_column = -1,")
        b:line("    },")
    end
    b:line("};")
    b:line()
    b:line("static const ormc_table %s = {", name)
    b:line("    .name = %s,", util.c_string(label))
    b:line("    .sql_name = %s,", util.c_string(label))
    b:line("    .row_size = sizeof(%s),", struct)
    if owned then
        b:line("    .owned_offset = offsetof(%s, ormc_owned),", struct)
    else
        b:line("    .owned_offset = 0, /* never decoded into */")
    end
    b:line("    .columns = %s_columns,", name)
    b:line("    .n_columns = %d,", #cols)
    b:line("};")
    b:line()
end

local function text_field(b, name, text)
    if text == nil then
        b:line("    .%s = NULL, /* not on this dialect */", name)
        return
    end
    b:line("    .%s =", name)
    local lines = cgen.literal_lines(text, "        ")
    lines[#lines] = lines[#lines] .. ","
    b:lines(lines)
end

local BODY = {}

function M.emit_source(b, m)
    if #m.queries == 0 then return end
    b:line("/* === Queries === */")
    b:line()
    for _, q in ipairs(m.queries) do
        local p = prefix(m, q)
        b:line("/* %s (%s:%d) */", q.name, q.file, q.line)
        b:line()
        if #q.params > 0 then
            emit_table(b, p .. "_params_table", p .. "_params",
                       q.name .. " params", q.params, false)
        end
        if q.returns ~= "exec" and not q.row_table then
            emit_table(b, p .. "_row_table", p .. "_row", q.name, q.columns,
                       true)
        end
        b:line("static const ormc_sql_query %s_query = {", p)
        b:line("    .name = %s,", util.c_string(q.name))
        text_field(b, "sqlite", q.text.sqlite)
        text_field(b, "postgres", q.text.postgres)
        b:line("    .params = %s,", #q.params > 0 and ("&" .. p
               .. "_params_table") or "NULL")
        b:line("    .row = %s,", q.returns ~= "exec" and row_table(p, q)
               or "NULL")
        b:line("};")
        b:line()
        local pp = #q.params > 0 and "params" or "NULL"
        for _, f in ipairs(functions(m, q)) do
            b:lines(signature(f))
            b:line("{")
            BODY[f.name:sub(#p + 1)](b, p, pp, q)
            b:line("}")
            b:line()
        end
    end
end

-- A call statement in a function body (indented by four), wrapped to fit.
local function call(b, lead, fname, args)
    b:indented("    ", cgen.call_lines(lead .. fname, args, ";", 4))
end

BODY[""] = function(b, p, pp, q)
    local query = "&" .. p .. "_query"
    if q.returns == "many" then
        b:line("    if (out == NULL)")
        b:indented("        ", cgen.call_lines("return ormc_sql_many",
            { "db", query, pp, "NULL", "NULL" }, ";", 8))
        b:line("    void *items = NULL;")
        call(b, "int rc = ", "ormc_sql_many",
             { "db", query, pp, "&items", "&out->count" })
        b:line("    out->items = items;")
        b:line("    return rc;")
    elseif q.returns == "one" then
        call(b, "return ", "ormc_sql_one", { "db", query, pp, "out" })
    else
        call(b, "return ", "ormc_sql_exec", { "db", query, pp, "changes" })
    end
end
BODY._in = function(b, p, pp, q)
    local query = "&" .. p .. "_query"
    if q.returns == "many" then
        call(b, "return ", "ormc_batch_sql_many",
             { "b", query, pp, "out ? (void *)&out->items : NULL",
               "out ? &out->count : NULL", "rc" })
    elseif q.returns == "one" then
        call(b, "return ", "ormc_batch_sql_one", { "b", query, pp, "out", "rc" })
    else
        call(b, "return ", "ormc_batch_sql_exec",
             { "b", query, pp, "changes", "rc" })
    end
end
BODY._cursor_open = function(b, p, pp)
    b:line("    if (cur == NULL)")
    b:line("        return ORMC_INVALID;")
    b:line("    cur->impl = NULL;")
    call(b, "return ", "ormc_sql_cursor_open",
         { "db", "&" .. p .. "_query", pp, "&cur->impl" })
end
BODY._cursor_next = function(b)
    b:line("    return ormc_cursor_next(cur ? cur->impl : NULL, row);")
end
BODY._cursor_close = function(b)
    b:line("    if (cur != NULL) {")
    b:line("        ormc_cursor_close(cur->impl);")
    b:line("        cur->impl = NULL;")
    b:line("    }")
end
BODY._list_free = function(b, p, _, q)
    b:line("    if (list != NULL) {")
    b:indented("        ", cgen.call_lines("ormc_list_free",
        { row_table(p, q), "list->items", "list->count" }, ";", 8))
    b:line("        list->items = NULL;")
    b:line("        list->count = 0;")
    b:line("    }")
end
BODY._row_free = function(b, p, _, q)
    b:line("    ormc_row_free(%s, row);", row_table(p, q))
end

return M
