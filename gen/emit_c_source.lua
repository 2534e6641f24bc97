-- emit_c_source.lua: NAME.c, the descriptors, SQL and thin functions of a
-- schema.
--
-- Fixed order: banner, includes; enum checks and labels; per table its
-- column, index and foreign key descriptors; the DDL of both dialects; the table and
-- schema descriptors; the functions, in api.lua's list, each with its body here
-- (BODY, by the function's id). Functions only fill keys or parameters and
-- call the runtime's engine with the table's descriptor: the logic lives in
-- the runtime.
--
-- keep in sync with runtime/include/ormc_generated.h (ormc_column,
-- ormc_column_dialect, ormc_index, ormc_foreign_key, ormc_table,
-- ormc_schema, ORMC_COL_*, the engine calls).

local util = require("util")
local cgen = require("cgen")
local ddl = require("ddl")
local types = require("types")
local dialect = require("dialect")
local api = require("api")
local emit_fill = require("emit_fill")
local emit_query = require("emit_query")
local emit_relations = require("emit_relations")

local format, concat = string.format, table.concat

local M = {}

local emit_foreign_keys

-- The largest string literal ISO C requires compilers to take.
local C_STRING_MAX = 4095

local function section(b, title)
    b:line("/* === %s === */", title)
    b:line()
end

local function emit_enums(b, m)
    local any = false
    for _, t in ipairs(m.tables) do
        for _, c in ipairs(t.columns) do
            if c.type == "enum" then
                if not any then
                    section(b, "Enums")
                    any = true
                end
                b:line("/* The runtime reads and writes enums as int32_t. */")
                b:lines(cgen.call_lines("_Static_assert",
                        { format("sizeof(%s) == sizeof(int32_t)", c.ctype),
                          util.c_string(c.ctype .. " must be int-sized") },
                        ";"))
                b:line()
                b:line("/* The labels of %s, by C value. */", c.ctype)
                b:line("static const char *const %s_labels[] = {", c.ctype)
                for _, label in ipairs(c.labels) do
                    b:line("    %s,", util.c_string(label))
                end
                b:line("};")
                b:line()
            end
        end
    end
end

-- A designated initializer `.name = value,` at `indent`.
local function field(b, name, value, indent)
    indent = indent or "        "
    local one = indent .. "." .. name .. " = " .. value .. ","
    if #one <= cgen.WIDTH then
        b:line(one)
    elseif value:find(" | ", 1, true) then
        b:line("%s.%s =", indent, name)
        local cur = ""
        for piece in (value .. " | "):gmatch("(.-) | ") do
            if cur ~= "" and #indent + 4 + #cur + 3 + #piece + 1 > cgen.WIDTH
            then
                b:line("%s    %s |", indent, cur)
                cur = piece
            else
                cur = cur == "" and piece or (cur .. " | " .. piece)
            end
        end
        b:line("%s    %s,", indent, cur)
    else
        b:line("%s.%s =", indent, name)
        b:line("%s    %s,", indent, value)
    end
end

-- `.name = "text",`, the string cut into literals that fit.
local function literal_field(b, name, text)
    local indent = "        "
    local one = format("%s.%s = %s,", indent, name, util.c_string(text))
    if #one <= cgen.WIDTH then
        b:line("%s", one)
        return
    end
    b:line("%s.%s =", indent, name)
    local lines = cgen.literal_lines(text, indent .. "    ")
    lines[#lines] = lines[#lines] .. ","
    b:lines(lines)
end

-- A descriptor's column set, written with the column macros; a tagged
-- table's go through ORMC_COLUMNS, which takes their tag off (descriptors
-- hold plain bits: gen/colset_tags.lua).
local function colset_field(b, name, cols, indent, tagged)
    indent = indent or "        "
    local lines = cgen.colset(cols, indent .. "    ")
    if tagged and #cols > 0 then
        lines[1] = "ORMC_COLUMNS(" .. lines[1]
        lines[#lines] = lines[#lines] .. ")"
    end
    local one = format("%s.%s = %s,", indent, name, lines[1])
    if #lines == 1 and #one <= cgen.WIDTH then
        b:line("%s", one)
        return
    end
    b:line("%s.%s =", indent, name)
    for i, l in ipairs(lines) do
        b:line("%s    %s%s", indent, l, i == #lines and "," or "")
    end
end

-- The relation name of foreign key fk as its descriptor carries it: the
-- relations pass's (fk.rel_name, false for none) when it ran, else the
-- name given, else the column's name without _id, or for a foreign_key
-- entry the parent's name; nil: none.
local function relation_name(fk)
    if fk.rel_name ~= nil then return fk.rel_name or nil end
    if fk.relation then return fk.relation end
    if fk.column then return fk.column.name:match("^(.+)_id$") end
    return fk.ref_table.name
end

-- t's foreign keys: their column orders and the ormc_foreign_key array
-- that the table descriptor and the relation functions point into
-- (element i is t.foreign_keys[i + 1]).
emit_foreign_keys = function(b, t)
    local p = t.prefix
    if #t.foreign_keys == 0 then return end
    b:line()
    for _, fk in ipairs(t.foreign_keys) do
        local child, parent = {}, {}
        for i, c in ipairs(fk.cols) do
            child[i] = tostring(c.index)
            parent[i] = tostring(fk.ref_cols[i].index)
        end
        b:line("static const uint16_t %s_fk%d_child[] = { %s };", p, fk.index,
               concat(child, ", "))
        b:line("static const uint16_t %s_fk%d_parent[] = { %s };", p,
               fk.index, concat(parent, ", "))
    end
    b:line()
    b:line("static const ormc_foreign_key %s_foreign_keys[] = {", p)
    for _, fk in ipairs(t.foreign_keys) do
        local rel = relation_name(fk)
        b:line("    {")
        field(b, "sql_name", util.c_string(fk.sql_name))
        field(b, "relation", rel and util.c_string(rel) or "NULL")
        field(b, "child", "&" .. p .. "_table")
        field(b, "parent", "&" .. fk.ref_table.prefix .. "_table")
        field(b, "child_columns", format("%s_fk%d_child", p, fk.index))
        field(b, "parent_columns", format("%s_fk%d_parent", p, fk.index))
        field(b, "n_columns", tostring(#fk.cols))
        b:line("    },")
    end
    b:line("};")
end

local function emit_descriptors(b, m, t)
    local p = t.prefix
    b:line("/* %s (\"%s\", %s:%d) */", t.name, t.sql_name, t.file, t.line)
    b:line()
    for _, c in ipairs(t.columns) do
        if c.default_array then
            b:line("const char %s[] =", c.default_array)
            local lines = cgen.literal_lines(c.default, "    ")
            lines[#lines] = lines[#lines] .. ";"
            b:lines(lines)
            b:line()
        end
    end
    local init = format("static const %s %s_init_value = %s_INIT;", p, p,
                        t.macro)
    if #init <= cgen.WIDTH then
        b:line("%s", init)
    else
        b:line("static const %s %s_init_value =", p, p)
        b:line("    %s_INIT;", t.macro)
    end
    b:line()
    b:line("static const ormc_column %s_columns[] = {", p)
    for _, c in ipairs(t.columns) do
        b:line("    {")
        field(b, "name", util.c_string(c.name))
        field(b, "sql_name", util.c_string(c.sql_name))
        field(b, "type", types.info_of(c).ormc)
        local flags = {}
        for i, f in ipairs(c.flags) do flags[i] = "ORMC_COL_" .. f end
        field(b, "flags", #flags > 0 and concat(flags, " | ") or "0")
        field(b, "offset", format("offsetof(%s, %s)", p, c.name))
        field(b, "has_offset", c.has_field
              and format("offsetof(%s, has_%s)", p, c.name) or "ORMC_NO_HAS")
        if c.max then field(b, "max_chars", tostring(c.max)) end
        if c.type == "enum" then
            field(b, "enum_values", c.ctype .. "_labels")
            field(b, "n_enum_values", tostring(#c.labels))
        end
        if c.ref then
            field(b, "ref_table", "&" .. c.ref_table.prefix .. "_table")
            field(b, "ref_column", tostring(c.ref_col.index))
        else
            field(b, "ref_column", "-1")
        end
        if c.renamed_from then
            field(b, "renamed_from", util.c_string(c.renamed_from))
        end
        -- What the column is in each dialect: the generator's decisions
        -- (dialect.lua, ddl.lua), which the runtime's schema check and
        -- migrate compare and run as they are.
        for _, d in ipairs({ dialect.sqlite, dialect.postgres }) do
            local k = d.key
            literal_field(b, k .. ".catalog_type", d.catalog_type(c))
            local add, why = ddl.add_column_definition(d, t, c)
            if add then literal_field(b, k .. ".add", add) end
            if why then literal_field(b, k .. ".why_not_added", why) end
        end
        b:line("    },")
    end
    b:line("};")
    b:line()
    local pk = {}
    for i, c in ipairs(t.pk_cols) do pk[i] = tostring(c.index) end
    b:line("static const uint16_t %s_pk_order[] = { %s };", p,
           concat(pk, ", "))
    if #t.constraints > 0 then
        b:line()
        for k, x in ipairs(t.constraints) do
            local order = {}
            for i, c in ipairs(x.col_objs) do order[i] = tostring(c.index) end
            b:line("static const uint16_t %s_index%d_order[] = { %s };", p,
                   k - 1, concat(order, ", "))
        end
        b:line()
        b:line("static const ormc_index %s_indexes[] = {", p)
        for k, x in ipairs(t.constraints) do
            local sorted = {}
            for i, c in ipairs(x.col_objs) do sorted[i] = c end
            table.sort(sorted, function(a, c) return a.index < c.index end)
            b:line("    {")
            field(b, "sql_name", util.c_string(x.sql_name))
            colset_field(b, "columns", sorted, nil, t.colset_tag ~= nil)
            field(b, "order", format("%s_index%d_order", p, k - 1))
            field(b, "n_columns", tostring(#x.col_objs))
            field(b, "unique", x.unique and "true" or "false")
            b:line("    },")
        end
        b:line("};")
    end
    emit_foreign_keys(b, t)
    b:line()
end

-- A NULL-terminated array of DDL statements (cgen notes the longest
-- literal in util.longest_literal, for the pragma of M.emit).
local function ddl_array(b, name, stmts)
    b:line("static const char *const %s[] = {", name)
    for _, s in ipairs(stmts) do
        local lines = cgen.text_literal_lines(s.sql, "    ")
        lines[#lines] = lines[#lines] .. ","
        b:lines(lines)
    end
    b:line("    NULL,")
    b:line("};")
    b:line()
end

local function emit_tables(b, m)
    local I = "    "
    for _, t in ipairs(m.tables) do
        local p = t.prefix
        b:line("const ormc_table %s_table = {", p)
        field(b, "name", util.c_string(t.name), I)
        field(b, "sql_name", util.c_string(t.sql_name), I)
        field(b, "row_size", format("sizeof(%s)", p), I)
        field(b, "owned_offset", format("offsetof(%s, ormc_owned)", p), I)
        field(b, "columns", p .. "_columns", I)
        field(b, "n_columns", tostring(t.n_columns), I)
        colset_field(b, "primary_key", t.pk_cols, I, t.colset_tag ~= nil)
        field(b, "pk_order", p .. "_pk_order", I)
        field(b, "n_pk", tostring(#t.pk_cols), I)
        if #t.constraints > 0 then
            field(b, "indexes", p .. "_indexes", I)
        else
            field(b, "indexes", "NULL", I)
        end
        field(b, "n_indexes", tostring(#t.constraints), I)
        if #t.foreign_keys > 0 then
            field(b, "foreign_keys", p .. "_foreign_keys", I)
        else
            field(b, "foreign_keys", "NULL", I)
        end
        field(b, "n_foreign_keys", tostring(#t.foreign_keys), I)
        if t.colset_tag then
            field(b, "colset_tag", format("0x%04x", t.colset_tag), I)
        end
        field(b, "schema", "&" .. m.name .. "_schema", I)
        b:line("};")
        b:line()
    end
    b:line("static const ormc_table *const %s_schema_tables[] = {", m.name)
    for _, t in ipairs(m.order) do
        b:line("    &%s_table,", t.prefix)
    end
    b:line("};")
    b:line()
    b:line("const ormc_schema %s_schema = {", m.name)
    field(b, "name", util.c_string(m.name), I)
    field(b, "hash", m.macro .. "_SCHEMA_HASH", I)
    field(b, "tables", m.name .. "_schema_tables", I)
    field(b, "n_tables", tostring(#m.tables), I)
    field(b, "ddl_sqlite", m.name .. "_ddl_sqlite", I)
    field(b, "ddl_postgres", m.name .. "_ddl_postgres", I)
    b:line("};")
    b:line()
end

local function body(b, ret, name, args, lines)
    b:lines(cgen.call_lines(ret .. name, args, ""))
    b:line("{")
    b:indented("    ", lines)
    b:line("}")
    b:line()
end

-- Lines of a function body that call `fname(args)` (wrapped at 80 columns,
-- counting the body's four-space indent).
local function call_lines(lead, fname, args)
    return cgen.call_lines(lead .. fname, args, ";", 4)
end

local function append(dst, src)
    for _, l in ipairs(src) do dst[#dst + 1] = l end
end

-- Statements that fill key_ (a zeroed row) from the key parameters.
local function fill_key(lines, cols)
    lines[#lines + 1] = "memset(&key_, 0, sizeof key_);"
    for _, c in ipairs(cols) do
        if c.has_field then
            lines[#lines + 1] = format("key_.has_%s = true;", c.name)
        end
        lines[#lines + 1] = format("key_.%s = %s;", c.name, c.name)
    end
end

local function colset_expr(cols)
    local sorted = {}
    for i, c in ipairs(cols) do sorted[i] = c end
    table.sort(sorted, function(a, c) return a.index < c.index end)
    local names = {}
    for i, c in ipairs(sorted) do names[i] = c.macro end
    return concat(names, " | ")
end

-- The body of each generated function of a table, by api.lua's id: the
-- lines between the braces. f is the function's entry (f.key: the unique
-- key of a get_by; f.column: the column of a where).
local BODY = {}
local QB = "q ? &q->b : NULL"

-- The bodies that are one call: { lead, function, arguments... }, where
-- the argument T is the table's descriptor and Q the query's builder.
local CALLS = {
    validate = { "return ", "ormc_row_validate", "T", "row", "why" },
    insert = { "return ", "ormc_row_insert", "db", "T", "row" },
    insert_many = { "return ", "ormc_row_insert_many", "db", "T", "rows",
                    "n" },
    update = { "return ", "ormc_row_update", "db", "T", "row" },
    update_columns = { "return ", "ormc_row_update_columns", "db", "T", "row",
                       "columns" },
    upsert = { "return ", "ormc_row_upsert", "db", "T", "row", "conflict" },
    find_or_create = { "return ", "ormc_row_find_or_create", "db", "T", "row",
                       "key", "created" },
    fixture = { "return ", "ormc_row_fixture", "T", "row", "seq" },
    fixture_insert = { "return ", "ormc_row_fixture_insert", "db", "T", "seq",
                       "row" },
    free = { "", "ormc_row_free", "T", "row" },
    or_begin = { "", "ormc_builder_or_begin", "Q" },
    or_end = { "", "ormc_builder_or_end", "Q" },
    order_by = { "", "ormc_builder_order_by", "Q", "column", "dir" },
    limit = { "", "ormc_builder_limit", "Q", "limit" },
    offset = { "", "ormc_builder_offset", "Q", "offset" },
    first = { "return ", "ormc_builder_first", "db", "Q", "row" },
    count = { "return ", "ormc_builder_count", "db", "Q", "n" },
    exists = { "return ", "ormc_builder_exists", "db", "Q", "exists" },
    delete_where = { "return ", "ormc_builder_delete", "db", "Q", "deleted" },
    update_where = { "return ", "ormc_builder_update", "db", "Q", "values",
                     "columns", "changed" },
    query_sql = { "return ", "ormc_builder_sql", "Q", "d", "buf", "len" },
    -- the batch twins (api.lua)
    insert_in = { "return ", "ormc_batch_row_insert", "b", "T", "row", "rc" },
    update_in = { "return ", "ormc_batch_row_update", "b", "T", "row", "rc" },
    update_columns_in = { "return ", "ormc_batch_row_update_columns", "b",
                          "T", "row", "columns", "rc" },
    upsert_in = { "return ", "ormc_batch_row_upsert", "b", "T", "row",
                  "conflict", "rc" },
    find_or_create_in = { "return ", "ormc_batch_row_find_or_create", "b",
                          "T", "row", "key", "created", "rc" },
    first_in = { "return ", "ormc_batch_builder_first", "b", "Q", "row",
                 "rc" },
    count_in = { "return ", "ormc_batch_builder_count", "b", "Q", "n", "rc" },
}

function BODY.init(t)
    return { "if (row != NULL)",
             format("    *row = %s_init_value;", t.prefix) }
end

function BODY.get(t)
    local row, tref = t.prefix, "&" .. t.prefix .. "_table"
    local lines = { row .. " key_;", "" }
    fill_key(lines, t.pk_cols)
    append(lines, call_lines("return ", "ormc_row_get",
                             { "db", tref, "&key_", "row" }))
    return lines
end

function BODY.get_by(t, f)
    local g, row, tref = f.key, t.prefix, "&" .. t.prefix .. "_table"
    local lines = { row .. " key_;", "" }
    fill_key(lines, g.col_objs)
    append(lines, call_lines("return ", "ormc_row_get_by",
                             { "db", tref, colset_expr(g.col_objs), "&key_",
                               "row" }))
    return lines
end

function BODY.delete(t)
    local row, tref = t.prefix, "&" .. t.prefix .. "_table"
    local lines = { row .. " key_;", "" }
    fill_key(lines, t.pk_cols)
    append(lines, call_lines("return ", "ormc_row_delete",
                             { "db", tref, "&key_" }))
    return lines
end

-- The batch twins of the calls by key: the key copied by the engine.
function BODY.get_in(t)
    local row, tref = t.prefix, "&" .. t.prefix .. "_table"
    local lines = { row .. " key_;", "" }
    fill_key(lines, t.pk_cols)
    append(lines, call_lines("return ", "ormc_batch_row_get",
                             { "b", tref, "&key_", "row", "rc" }))
    return lines
end

function BODY.get_by_in(t, f)
    local g, row, tref = f.key, t.prefix, "&" .. t.prefix .. "_table"
    local lines = { row .. " key_;", "" }
    fill_key(lines, g.col_objs)
    append(lines, call_lines("return ", "ormc_batch_row_get_by",
                             { "b", tref, colset_expr(g.col_objs), "&key_",
                               "row", "rc" }))
    return lines
end

function BODY.delete_in(t)
    local row, tref = t.prefix, "&" .. t.prefix .. "_table"
    local lines = { row .. " key_;", "" }
    fill_key(lines, t.pk_cols)
    append(lines, call_lines("return ", "ormc_batch_row_delete",
                             { "b", tref, "&key_", "rc" }))
    return lines
end

function BODY.all_in()
    return call_lines("return ", "ormc_batch_builder_all",
                      { "b", QB, "list ? (void *)&list->items : NULL",
                        "list ? &list->count : NULL", "rc" })
end

function BODY.list_free(t)
    return {
        "if (list != NULL) {",
        format("    ormc_list_free(&%s_table, list->items, list->count);",
               t.prefix),
        "    list->items = NULL;",
        "    list->count = 0;",
        "}",
    }
end
function BODY.query_init(t)
    return { "if (q != NULL)",
             format("    ormc_builder_init(&q->b, &%s_table);", t.prefix) }
end
function BODY.query_free()
    return { "if (q != NULL)", "    ormc_builder_free(&q->b);" }
end

-- The lines that put where's or query_set's value into ormc_param p.
local function param_lines(c)
    local info = types.info_of(c)
    local lines = { "ormc_param p;", "", "memset(&p, 0, sizeof p);",
                    format("p.type = %s;", info.ormc) }
    if c.type == "blob" then
        lines[#lines + 1] = "p.is_null = value.data == NULL;"
    elseif c.pointer then
        lines[#lines + 1] = "p.is_null = value == NULL;"
    end
    if c.type == "enum" then
        lines[#lines + 1] = "p.u.i32 = (int32_t)value;"
    else
        lines[#lines + 1] = format("p.u.%s = value;", info.member)
    end
    return lines
end
function BODY.where(_, f)
    local c = f.column
    local lines = param_lines(c)
    append(lines, call_lines("", "ormc_builder_where",
                             { QB, c.macro, "op", "&p" }))
    return lines
end
function BODY.query_set(_, f)
    local c = f.column
    local lines = param_lines(c)
    append(lines, call_lines("", "ormc_builder_set", { QB, c.macro, "&p" }))
    return lines
end
function BODY.where_in(_, f)
    return call_lines("", "ormc_builder_where_in",
                      { QB, f.column.macro, "values", "n" })
end

function BODY.all(t)
    return {
        "void *items = NULL;",
        "int rc;",
        "",
        "if (list == NULL)",
        "    return ORMC_INVALID;",
        "list->items = NULL;",
        "list->count = 0;",
        format("rc = ormc_builder_all(db, %s, &items, &list->count);", QB),
        format("list->items = (%s *)items;", t.prefix),
        "return rc;",
    }
end
function BODY.cursor_open()
    return {
        "if (cur == NULL)",
        "    return ORMC_INVALID;",
        "cur->impl = NULL;",
        format("return ormc_cursor_open(db, %s, &cur->impl);", QB),
    }
end
function BODY.cursor_next()
    return { "return ormc_cursor_next(cur ? cur->impl : NULL, row);" }
end
function BODY.cursor_close()
    return {
        "if (cur != NULL) {",
        "    ormc_cursor_close(cur->impl);",
        "    cur->impl = NULL;",
        "}",
    }
end

emit_relations.bodies(BODY, { call_lines = call_lines, fill_key = fill_key })

-- The functions of the schema: m is passed for t.
for _, what in ipairs { "create", "drop", "check" } do
    BODY["schema_" .. what] = function(m)
        return { format("return ormc_schema_%s(db, &%s_schema);", what,
                        m.name) }
    end
end
function BODY.schema_check_with(m)
    return { format("return ormc_schema_check_with(db, &%s_schema, flags, "
                    .. "report, ctx);", m.name) }
end

function BODY.schema_migrate(m)
    return { format("return ormc_schema_migrate(db, &%s_schema, flags);",
                    m.name) }
end

-- The definitions of the functions of api.lua's groups; `of` is the table
-- (or the schema) the bodies are made from.
local function define(b, groups, of)
    local tref = of.prefix and "&" .. of.prefix .. "_table"
    for _, g in ipairs(groups) do
        for _, f in ipairs(g) do
            local call, lines = CALLS[f.id], nil
            if call then
                local args = {}
                for i = 3, #call do
                    local a = call[i]
                    args[i - 2] = a == "T" and tref or a == "Q" and QB or a
                end
                lines = call_lines(call[1], call[2], args)
            else
                lines = BODY[f.id](of, f)
            end
            body(b, f.ret, f.name, f.args, lines)
        end
    end
end

function M.emit(m, ctx)
    local b = util.buffer()
    b:line("/* %s */", ctx.banner)
    util.comment_block(b, "", {
        format("%s.c: the descriptors, SQL and functions of schema \"%s\". "
               .. "The functions are thin: they hand the static descriptors "
               .. "below to the ormc runtime's generic engine.", m.name,
               m.name),
    })
    b:line("#include \"%s.h\"", m.name)
    b:line()
    b:line("#include <stddef.h>")
    b:line("#include <string.h>")
    b:line()
    -- Where the pragmas go if a string literal turns out to be long.
    util.longest_literal = 0
    local mark = b.n
    emit_enums(b, m)

    section(b, "Descriptors")
    for _, t in ipairs(m.tables) do emit_descriptors(b, m, t) end

    section(b, "SQL")
    util.comment(b, "", format("The DDL of both dialects, as in "
                               .. "%s.sqlite.sql and %s.postgres.sql.",
                               m.name, m.name))
    b:line()
    ddl_array(b, m.name .. "_ddl_sqlite", ddl.statements(dialect.sqlite, m))
    ddl_array(b, m.name .. "_ddl_postgres", ddl.statements(dialect.postgres, m))

    section(b, "Tables and schema")
    emit_tables(b, m)

    for _, t in ipairs(m.tables) do
        section(b, format("Functions of table %s", t.name))
        define(b, api.table_functions(t), t)
    end
    section(b, "Functions of the schema")
    define(b, api.schema_functions(m), m)
    emit_fill.emit_source(b, m)
    emit_query.emit_source(b, m)
    -- One trailing newline, not a blank line. (Not gsub("\n\n$"): an
    -- unanchored pattern is tried at every position of the 5 MB text.)
    local text = b:text()
    if text:sub(-2) == "\n\n" then text = text:sub(1, -2) end
    if util.longest_literal > C_STRING_MAX then
        -- A long DDL statement (a wide table on SQLite), default or list of
        -- enum labels: concatenated literals are still one string, so the
        -- pedantic warning about it is silenced for the whole file.
        local head = concat(b, "", 1, mark)
        text = head .. table.concat({
            "/* Some strings are longer than the 4095 characters ISO C "
                .. "promises; GCC and",
            " * Clang take any length. */",
            "#if defined(__GNUC__)",
            "#pragma GCC diagnostic push",
            "#pragma GCC diagnostic ignored \"-Woverlength-strings\"",
            "#endif",
            "", "" }, "\n") .. text:sub(#head + 1) .. table.concat({
            "", "#if defined(__GNUC__)",
            "#pragma GCC diagnostic pop",
            "#endif", "" }, "\n")
    end
    return text
end

return M
