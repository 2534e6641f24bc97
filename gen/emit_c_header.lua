-- emit_c_header.lua: NAME.h, the typed API of a schema.
--
-- Fixed order: banner, guard, ormc_generated.h, the ABI check, extern "C",
-- enums, per table the row struct, its column macros, _INIT, the list, query
-- and cursor types and the table descriptor; the schema descriptor and hash;
-- then the functions of each table and of the schema (api.lua's list), each
-- with a comment saying what it does, what it returns, who owns what, and
-- which SQL it runs.
--
-- keep in sync with runtime/include/ormc_generated.h (ORMC_ABI, the engine
-- calls).

local util = require("util")
local cgen = require("cgen")
local api = require("api")
local emit_fill = require("emit_fill")
local emit_query = require("emit_query")
local model = require("model")

local format, concat = string.format, table.concat
local decl = cgen.decl

local M = {}

-- The runtime ABI this generator writes for.
M.ABI = 8

local function column_comment(c)
    local parts = { cgen.sql_type(c) }
    if c.pk then parts[#parts + 1] = "primary key" end
    if c.type == "serial" then
        parts[#parts + 1] = "serial: 0 until inserted"
    elseif c.pk then
        -- a key is never NULL
    elseif c.not_null then
        parts[#parts + 1] = "not null"
    elseif c.pointer then
        parts[#parts + 1] = "NULL = SQL NULL"
    else
        parts[#parts + 1] = "nullable"
    end
    if c.unique then parts[#parts + 1] = "unique" end
    local d = cgen.default_desc(c)
    if d then parts[#parts + 1] = d end
    if c.ref then
        parts[#parts + 1] = format("references %s.%s", c.ref.table,
                                   c.ref.column)
    end
    if c.type == "enum" then
        parts[#parts + 1] = "stored as its label"
    end
    local text = concat(parts, ", ")
    if c.doc then
        text = text .. ". " .. c.doc
    end
    return text
end

local function has_comment(c)
    if c.default == model.NOW then
        if c.not_null and c.app_default then
            return "false: unset; insert stores the current time"
        elseif c.not_null then
            return "false: unset; insert stores the database's now"
        end
        return format("false: %s is NULL (insert: now)", c.name)
    end
    return format("false: %s is NULL", c.name)
end

local function emit_enums(b, m)
    local any = false
    for _, t in ipairs(m.tables) do
        for _, c in ipairs(t.columns) do
            if c.type == "enum" then
                if not any then
                    b:line("/* === Enums === */")
                    b:line()
                    any = true
                end
                local paras = {
                    format("%s: the values of column %s of table %s. The C "
                           .. "value is the label's position; the database "
                           .. "stores the label text.", c.ctype, c.name,
                           t.name),
                }
                if c.doc then paras[#paras + 1] = "" paras[#paras + 1] = c.doc end
                util.comment_block(b, "", paras)
                b:line("typedef enum %s {", c.ctype)
                local fields = {}
                for i, label in ipairs(c.labels) do
                    fields[i] = { decl = format("%s = %d,", c.label_consts[i],
                                                i - 1),
                                  comment = util.sql_string(label) }
                end
                cgen.fields(b, "    ", fields)
                b:line("} %s;", c.ctype)
                b:line()
            end
        end
    end
end

-- The column macros of t: ORMC_TABLE_COLUMN with the table's tag
-- (gen/colset_tags.lua), or plain bits for a table too wide for one.
local function emit_column_macros(b, t)
    if t.colset_tag then
        local tag = format("0x%04x", t.colset_tag)
        util.comment(b, "", format("The columns of %s as ormc_colset bits; "
            .. "combine them with |. Each also carries the table's tag "
            .. "(%s), so that another table's function refuses it.",
            t.prefix, tag))
        for _, c in ipairs(t.columns) do
            b:line("#define %s ORMC_TABLE_COLUMN(%s, %d)", c.macro, tag,
                   c.index)
        end
        b:line("#define %s_ALL_COLUMNS ORMC_TABLE_COLUMNS(%s, %d)", t.macro,
               tag, t.n_columns)
    else
        util.comment(b, "", format("The columns of %s as ormc_colset bits; "
                                   .. "combine them with |.", t.prefix))
        for _, c in ipairs(t.columns) do
            b:line("#define %s ORMC_COLUMN_BIT(%d)", c.macro, c.index)
        end
        if t.n_columns >= 64 then
            b:line("#define %s_ALL_COLUMNS (~(ormc_colset)0)", t.macro)
        else
            b:line("#define %s_ALL_COLUMNS (ORMC_COLUMN_BIT(%d) - 1)",
                   t.macro, t.n_columns)
        end
    end
    b:line()
end

local function emit_row(b, m, t)
    local paras = {
        format("%s: one row of table \"%s\" (%s:%d).", t.prefix, t.sql_name,
               t.file, t.line),
    }
    if t.doc then paras[#paras + 1] = "" paras[#paras + 1] = t.doc end
    paras[#paras + 1] = ""
    paras[#paras + 1] = "A zeroed row is all NULL and zero; " .. t.macro
        .. "_INIT (or " .. t.prefix .. "_init()) also sets the literal "
        .. "defaults. A nullable scalar column x has a flag has_x (false: "
        .. "NULL); text and json are NULL pointers and a blob has NULL data "
        .. "when NULL. Strings of a row that ormc fetched belong to the row "
        .. "until " .. t.prefix .. "_free(); strings the caller sets are "
        .. "borrowed by each call."
    util.comment_block(b, "", paras)
    b:line("typedef struct %s {", t.prefix)
    local fields = {}
    for _, c in ipairs(t.columns) do
        if c.has_field then
            fields[#fields + 1] = { decl = format("bool has_%s;", c.name),
                                    comment = has_comment(c) }
        end
        fields[#fields + 1] = { decl = decl(c.ctype, c.name) .. ";",
                                comment = column_comment(c) }
    end
    fields[#fields + 1] = {
        decl = "void *ormc_owned;",
        comment = "the one allocation a fetched row owns; NULL for "
            .. "caller-built rows",
    }
    cgen.fields(b, "    ", fields)
    b:line("} %s;", t.prefix)
    b:line()

    emit_column_macros(b, t)

    for _, c in ipairs(t.columns) do
        if c.default_array then
            util.comment(b, "", format("The default of column '%s': longer "
                                       .. "than the 4095 characters ISO C "
                                       .. "promises in a string literal, so "
                                       .. "an array (in %s.c) rather than a "
                                       .. "literal in %s_INIT.", c.name,
                                       m.name, t.macro))
            b:line("extern const char %s[];", c.default_array)
            b:line()
        end
    end
    util.comment(b, "", "An initializer: the literal defaults set, all "
                 .. "else zero.")
    local items = cgen.init_items(t)
    local one = format("#define %s_INIT { %s }", t.macro, concat(items, ", "))
    if #one <= cgen.WIDTH then
        b:line("%s", one)
    else
        local lines = { format("#define %s_INIT", t.macro), "    {" }
        for _, it in ipairs(items) do lines[#lines + 1] = "        " .. it .. "," end
        lines[#lines + 1] = "    }"
        for i, l in ipairs(lines) do
            if i < #lines then
                b:line("%s\\", util.pad(l, cgen.WIDTH - 1))
            else
                b:line("%s", l)
            end
        end
    end
    b:line()

    util.comment(b, "", format("Rows from %s_all(); release with "
                               .. "%s_list_free().", t.prefix, t.prefix))
    b:line("typedef struct %s_list {", t.prefix)
    cgen.fields(b, "    ", {
        { decl = format("%s *items;", t.prefix),
          comment = "count rows, each owning its data" },
        { decl = "size_t count;", comment = "number of rows" },
    })
    b:line("} %s_list;", t.prefix)
    b:line()
    util.comment(b, "", format("A query on \"%s\" under construction: a "
                               .. "value on the stack, set up by "
                               .. "%s_query_init() and released by "
                               .. "%s_query_free().", t.sql_name, t.prefix,
                               t.prefix))
    b:line("typedef struct %s_query {", t.prefix)
    b:line("    ormc_builder b; /* the runtime's builder; use the functions */")
    b:line("} %s_query;", t.prefix)
    b:line()
    util.comment(b, "", format("A stream of rows from %s_cursor_open().",
                               t.prefix))
    b:line("typedef struct %s_cursor {", t.prefix)
    b:line("    ormc_cursor *impl; /* NULL when closed */")
    b:line("} %s_cursor;", t.prefix)
    b:line()
    util.comment(b, "", format("The descriptor of table \"%s\", for the "
                               .. "runtime's generic calls.", t.sql_name))
    b:line("extern const ormc_table %s_table;", t.prefix)
    b:line()
end

-- The declarations of a group of api.lua, under its comment.
local function declare(b, g)
    util.comment_block(b, "", g.doc)
    for _, f in ipairs(g) do
        if f.note then b:line("/* %s */", f.note) end
        local args = f.args
        if args.out then args = api.header_args(args) end
        b:lines(cgen.call_lines(f.ret .. f.name, args, ";"))
    end
    b:line()
end

local function emit_functions(b, t)
    b:line("/* === Functions of table %s (%s) === */", t.name, t.sql_name)
    b:line()
    for _, g in ipairs(api.table_functions(t)) do declare(b, g) end
end

function M.emit(m, ctx)
    local b = util.buffer()
    local guard = m.guard
    b:line("/* %s */", ctx.banner)
    local paras = { format("%s.h: the typed C API of schema \"%s\".", m.name,
                           m.name) }
    if m.doc then paras[#paras + 1] = "" paras[#paras + 1] = m.doc end
    local tl = {}
    for _, t in ipairs(m.tables) do
        tl[#tl + 1] = format("%s (\"%s\")", t.name, t.sql_name)
    end
    paras[#paras + 1] = ""
    paras[#paras + 1] = "Tables: " .. concat(tl, ", ") .. "."
    paras[#paras + 1] = ""
    paras[#paras + 1] = "Functions return an ORMC_* status unless they say "
        .. "otherwise; db is a connection from ormc_open(). Everything that "
        .. "touches the database runs in the connection's current "
        .. "transaction (see ormc.h). Compile " .. m.name .. ".c with "
        .. "this header and link the ormc runtime."
    util.comment_block(b, "", paras)
    b:line("#ifndef %s", guard)
    b:line("#define %s", guard)
    b:line()
    b:line("#include \"ormc_generated.h\"")
    b:line()
    b:line("#if !defined(ORMC_ABI) || ORMC_ABI != %d", M.ABI)
    b:line("#error \"regenerate: %s.h was generated by ormc %s for ORMC_ABI "
           .. "%d\"", m.name, ctx.version, M.ABI)
    b:line("#endif")
    b:line()
    b:line("#ifdef __cplusplus")
    b:line("extern \"C\" {")
    b:line("#endif")
    b:line()
    emit_enums(b, m)
    b:line("/* === Rows === */")
    b:line()
    for _, t in ipairs(m.tables) do emit_row(b, m, t) end

    b:line("/* === Schema === */")
    b:line()
    b:line("/* The descriptor of schema \"%s\": its tables in dependency "
           .. "order and", m.name)
    b:line(" * its DDL for both dialects. */")
    b:line("extern const ormc_schema %s_schema;", m.name)
    b:line()
    b:line("/* The content hash of the schema (what the database sees; not "
           .. "docs). */")
    b:line("#define %s_SCHEMA_HASH \"%s\"", m.macro, m.hash)
    b:line()

    for _, t in ipairs(m.tables) do emit_functions(b, t) end
    emit_query.emit_header(b, m)

    b:line("/* === Functions of the schema === */")
    b:line()
    for _, g in ipairs(api.schema_functions(m)) do declare(b, g) end
    emit_fill.emit_header(b, m)

    b:line("#ifdef __cplusplus")
    b:line("}")
    b:line("#endif")
    b:line()
    b:line("#endif /* %s */", guard)
    return b:text()
end

return M
