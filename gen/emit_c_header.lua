-- emit_c_header.lua: NAME.h, the typed API of a schema.
--
-- Fixed order: banner, guard, ormc.h, the ABI check, extern "C", enums, per
-- table the row struct, its column macros, _INIT, the list, query and cursor
-- types and the table descriptor; the schema descriptor and hash; then the
-- functions of each table and of the schema, each with a comment saying what
-- it does, what it returns, who owns what, and which SQL it runs.
--
-- keep in sync with runtime/include/ormc.h (ORMC_ABI, the engine calls).

local util = require("util")
local cgen = require("cgen")
local sql = require("sql")
local model = require("model")

local format, concat = string.format, table.concat
local decl = cgen.decl

local M = {}

-- The runtime ABI this generator writes for.
M.ABI = 2

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
        if c.not_null then
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

    util.comment(b, "", format("The columns of %s as ormc_colset bits; "
                               .. "combine them with |.", t.prefix))
    for _, c in ipairs(t.columns) do
        b:line("#define %s ORMC_COLUMN_BIT(%d)", c.macro, c.index)
    end
    if t.n_columns >= 64 then
        b:line("#define %s_ALL_COLUMNS (~(ormc_colset)0)", t.macro)
    else
        b:line("#define %s_ALL_COLUMNS (ORMC_COLUMN_BIT(%d) - 1)", t.macro,
               t.n_columns)
    end
    b:line()

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

-- A declaration with its comment block.
-- `more`: further declarations { ret, name, args } under the same comment.
local function fn(b, paras, ret, name, args, more)
    util.comment_block(b, "", paras)
    b:lines(cgen.call_lines(ret .. name, args, ";"))
    for _, d in ipairs(more or {}) do
        b:lines(cgen.call_lines(d[1] .. d[2], d[3], ";"))
    end
    b:line()
end
M.fn = fn

-- The parameters of a key: "int64_t id", in key order.
local function key_params(cols)
    local out = {}
    for i, c in ipairs(cols) do out[i] = decl(c.ctype, c.name) end
    return out
end
M.key_params = key_params

local function names_of(cols)
    local out = {}
    for i, c in ipairs(cols) do out[i] = c.name end
    return concat(out, ", ")
end

-- The element type of a _where_x_in array.
function M.in_type(c)
    if c.type == "text" or c.type == "json" then
        return "const char *const *values"
    end
    return "const " .. c.ctype .. " *values"
end

local function emit_functions(b, m, t)
    local p, row = t.prefix, t.prefix
    local st = sql.table_statements(t)
    local tbl = format("\"%s\"", t.sql_name)
    b:line("/* === Functions of table %s (%s) === */", t.name, t.sql_name)
    b:line()

    fn(b, { format("Set *row to %s_INIT: the columns with a literal default "
                   .. "get it, every other field is zero or NULL. Does "
                   .. "nothing when row is NULL.", t.macro) },
       "void ", p .. "_init", { row .. " *row" })

    fn(b, { "Check row as every write does before sending it, with the "
            .. "same result on both backends: not-null columns set, text and "
            .. "json valid UTF-8 within max characters, json syntax, enum "
            .. "values in range, no NaN, timestamps PostgreSQL can store. "
            .. "Returns ORMC_OK or ORMC_INVALID, with the column and a "
            .. "message in *why (why may be NULL). Runs no SQL." },
       "int ", p .. "_validate",
       { "const " .. row .. " *row", "ormc_invalid *why /* OUT */" })

    fn(b, { format("Insert row into %s. A serial key that is 0 and a "
                   .. "column defaulting to now whose has_ flag is false "
                   .. "take the database's value, which is written back "
                   .. "into row. Returns ORMC_OK, ORMC_INVALID (a value "
                   .. p .. "_validate() refuses; nothing is sent), "
                   .. "ORMC_CONSTRAINT (duplicate key, missing parent) or "
                   .. "another error. row's strings are "
                   .. "borrowed for the call. Runs in the current "
                   .. "transaction.", tbl) },
       "int ", p .. "_insert", { "ormc_db *db", row .. " *row" })

    fn(b, { format("Insert the n rows at rows into %s, all or none, the "
                   .. "fastest way the backend allows. Nothing is written "
                   .. "back (use %s_insert() to learn assigned keys). "
                   .. "Returns ORMC_OK, ORMC_INVALID (a row %s_validate() "
                   .. "refuses; nothing is sent), ORMC_CONSTRAINT or another "
                   .. "error; runs in the current transaction.", tbl, p, p) },
       "int ", p .. "_insert_many",
       { "ormc_db *db", "const " .. row .. " *rows", "size_t n" })

    local keys = key_params(t.pk_cols)
    local get_args = { "ormc_db *db" }
    for _, k in ipairs(keys) do get_args[#get_args + 1] = k end
    get_args[#get_args + 1] = row .. " *row /* OUT */"
    fn(b, { format("Fetch the row of %s whose primary key is (%s) into "
                   .. "*row, which then owns its strings and blobs: release "
                   .. "them with %s_free(). Returns ORMC_OK, ORMC_NOT_FOUND "
                   .. "or an error.", tbl, names_of(t.pk_cols), p),
            "", "SQL: " .. st.get.short },
       "int ", p .. "_get", get_args)

    for i, g in ipairs(t.get_by) do
        local args = { "ormc_db *db" }
        for _, k in ipairs(key_params(g.col_objs)) do args[#args + 1] = k end
        args[#args + 1] = row .. " *row /* OUT */"
        fn(b, { format("Fetch the row of %s whose unique (%s) equals the "
                       .. "arguments, as %s_get() does. A NULL argument "
                       .. "matches no row. Returns ORMC_OK, ORMC_NOT_FOUND "
                       .. "or an error.", tbl, names_of(g.col_objs), p),
                "", "SQL: " .. st.get_by[i].short },
           "int ", g.fn, args)
    end

    fn(b, { format("Write every column of row except the primary key to the "
                   .. "row of %s with row's key. Returns ORMC_OK, "
                   .. "ORMC_NOT_FOUND when no row has that key, "
                   .. "ORMC_INVALID (a value %s_validate() refuses; nothing "
                   .. "is sent), ORMC_CONSTRAINT or another error.", tbl, p),
            "", "SQL: " .. st.update.short },
       "int ", p .. "_update", { "ormc_db *db", "const " .. row .. " *row" })

    fn(b, { format("Write only the columns in `columns` (%s_... macros "
                   .. "joined with |) of row to the row of %s with row's "
                   .. "primary key. Returns as %s_update() does.", t.macro,
                   tbl, p) },
       "int ", p .. "_update_columns",
       { "ormc_db *db", "const " .. row .. " *row", "ormc_colset columns" })

    local del_args = { "ormc_db *db" }
    for _, k in ipairs(keys) do del_args[#del_args + 1] = k end
    fn(b, { format("Delete the row of %s whose primary key is (%s). Returns "
                   .. "ORMC_OK, ORMC_NOT_FOUND, ORMC_CONSTRAINT (rows of "
                   .. "another table still reference it) or another error.",
                   tbl, names_of(t.pk_cols)),
            "", "SQL: " .. st.delete.short },
       "int ", p .. "_delete", del_args)

    fn(b, { format("Insert row into %s or, when a row with the same values "
                   .. "in the `conflict` columns (a primary key or unique "
                   .. "constraint) exists, update that row's other columns "
                   .. "(INSERT ... ON CONFLICT DO UPDATE). The stored row is "
                   .. "read back into *row, which then owns its data: "
                   .. "release it with %s_free(). Returns ORMC_OK, "
                   .. "ORMC_INVALID (a value %s_validate() refuses; nothing "
                   .. "is sent), ORMC_CONSTRAINT or another error.", tbl, p,
                   p) },
       "int ", p .. "_upsert",
       { "ormc_db *db", row .. " *row", "ormc_colset conflict" })

    fn(b, { format("The row of %s whose `key` columns equal row's, created "
                   .. "from row when there is none; race-safe: concurrent "
                   .. "callers end up with the same one row. The stored row "
                   .. "is read back into *row (release it with %s_free()) "
                   .. "and *created (may be NULL) tells whether it was "
                   .. "inserted. Returns ORMC_OK, ORMC_INVALID (a value "
                   .. "%s_validate() refuses, even when the row exists; "
                   .. "nothing is sent) or another error.", tbl, p, p) },
       "int ", p .. "_find_or_create",
       { "ormc_db *db", row .. " *row", "ormc_colset key",
         "bool *created /* OUT */" })

    fn(b, { format("Fill *row with a valid row, the same for the same seq and "
                   .. "different in its unique columns for different seqs. "
                   .. "The row owns its strings: release them with "
                   .. "%s_free(). Returns ORMC_OK or ORMC_NOMEM; runs no SQL.",
                   p) },
       "int ", p .. "_fixture", { row .. " *row /* OUT */", "uint64_t seq" })

    fn(b, { format("%s_fixture(), then insert it, first inserting fixture "
                   .. "rows of the tables it references. *row gets the "
                   .. "stored row; release it with %s_free().", p, p) },
       "int ", p .. "_fixture_insert",
       { "ormc_db *db", "uint64_t seq", row .. " *row /* OUT */" })

    fn(b, { "Release what a row fetched by ormc owns and zero it. Harmless "
            .. "on a row the caller built and on NULL." },
       "void ", p .. "_free", { row .. " *row" })

    fn(b, { format("Release the rows of a list from %s_all() and empty it. "
                   .. "NULL is a no-op.", p) },
       "void ", p .. "_list_free", { p .. "_list *list" })

    fn(b, { format("Start a query on %s: no conditions, no order, no limit. "
                   .. "Every query is released with %s_query_free(), also "
                   .. "after an error. Building never fails loudly: a "
                   .. "problem is remembered and returned by the function "
                   .. "that runs the query. Values given to a query are "
                   .. "borrowed until it has run.", tbl, p) },
       "void ", p .. "_query_init", { p .. "_query *q" })
    fn(b, { "Release what a query holds. NULL is a no-op." },
       "void ", p .. "_query_free", { p .. "_query *q" })

    util.comment_block(b, "", {
        format("Conditions on single columns, AND-ed together (or OR-ed "
               .. "inside %s_or_begin() ... %s_or_end()). op is ORMC_EQ, "
               .. "ORMC_NE, ORMC_LT, ORMC_LE, ORMC_GT, ORMC_GE, "
               .. "ORMC_IS_NULL, ORMC_IS_NOT_NULL (value ignored) or "
               .. "ORMC_LIKE (text; a backslash escapes, and a pattern "
               .. "that ends in an unpaired backslash is refused with "
               .. "ORMC_INVALID when the query runs). For text, json and "
               .. "blob a NULL value "
               .. "means SQL NULL: ORMC_EQ NULL is IS NULL and ORMC_NE NULL "
               .. "is IS NOT NULL. The _in forms match any of the n values "
               .. "(the array is borrowed until the query has run).", p, p),
    })
    local q = p .. "_query *q"
    for _, c in ipairs(t.columns) do
        local where = "void " .. p .. "_where_" .. c.name
        b:line("/* %s: %s */", c.name, cgen.sql_type(c)
               .. (c.not_null and ", not null" or ""))
        b:lines(cgen.call_lines(where, { q, "ormc_op op",
                                         decl(c.ctype, "value") }, ";"))
        b:lines(cgen.call_lines(where .. "_in",
                                { q, M.in_type(c), "size_t n" }, ";"))
    end
    b:line()

    fn(b, { "Open and close a group of conditions that are OR-ed together; "
            .. "the group as a whole is AND-ed with the rest. Groups do not "
            .. "nest." },
       "void ", p .. "_or_begin", { p .. "_query *q" },
       { { "void ", p .. "_or_end", { p .. "_query *q" } } })

    fn(b, { format("Order the results by one column (one %s_... macro); "
                   .. "call again for further keys, up to "
                   .. "ORMC_QUERY_MAX_ORDER.", t.macro) },
       "void ", p .. "_order_by",
       { p .. "_query *q", "ormc_colset column", "ormc_order dir" })
    fn(b, { "At most limit rows (negative: no limit), skipping the first "
            .. "offset rows." },
       "void ", p .. "_limit", { p .. "_query *q", "int64_t limit" },
       { { "void ", p .. "_offset", { p .. "_query *q", "int64_t offset" } } })

    fn(b, { format("Run the query and fetch its first row into *row, which "
                   .. "then owns its data (release it with %s_free()). "
                   .. "Returns ORMC_OK, ORMC_NOT_FOUND or an error.", p) },
       "int ", p .. "_first",
       { "ormc_db *db", "const " .. p .. "_query *q", row .. " *row /* OUT */" })
    fn(b, { format("Run the query and fetch every row into *list (release "
                   .. "it with %s_list_free(), also after an error). Returns "
                   .. "ORMC_OK (perhaps with no rows) or an error.", p) },
       "int ", p .. "_all",
       { "ormc_db *db", "const " .. p .. "_query *q",
         p .. "_list *list /* OUT */" })
    fn(b, { "The number of rows the query matches, into *n." },
       "int ", p .. "_count",
       { "ormc_db *db", "const " .. p .. "_query *q", "int64_t *n /* OUT */" })
    fn(b, { "Whether the query matches any row, into *exists." },
       "int ", p .. "_exists",
       { "ormc_db *db", "const " .. p .. "_query *q",
         "bool *exists /* OUT */" })
    fn(b, { "Delete the rows the query matches (its order and limit are "
            .. "ignored); *deleted (may be NULL) gets their number. Runs in "
            .. "the current transaction." },
       "int ", p .. "_delete_where",
       { "ormc_db *db", "const " .. p .. "_query *q",
         "int64_t *deleted /* OUT */" })
    fn(b, { "Set the columns in `columns` to their values in *values in "
            .. "every row the query matches; *changed (may be NULL) gets the "
            .. "number of rows changed. The values are checked as "
            .. p .. "_validate() checks them (ORMC_INVALID, nothing sent). "
            .. "Runs in the current transaction." },
       "int ", p .. "_update_where",
       { "ormc_db *db", "const " .. p .. "_query *q",
         "const " .. row .. " *values", "ormc_colset columns",
         "int64_t *changed /* OUT */" })

    fn(b, { format("Stream the rows of the query, for results of any size. "
                   .. "%s_cursor_next() gives ORMC_ROW with the next row in "
                   .. "*row, whose strings and blobs are borrowed until the "
                   .. "next call or %s_cursor_close() (do not free the row), "
                   .. "then ORMC_DONE, or an error. Close every opened "
                   .. "cursor; closing a closed one or NULL is a no-op.",
                   p, p) },
       "int ", p .. "_cursor_open",
       { "ormc_db *db", "const " .. p .. "_query *q",
         p .. "_cursor *cur /* OUT */" },
       { { "int ", p .. "_cursor_next",
           { p .. "_cursor *cur", row .. " *row /* OUT */" } },
         { "void ", p .. "_cursor_close", { p .. "_cursor *cur" } } })
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
    b:line("#include \"ormc.h\"")
    b:line()
    b:line("#if ORMC_ABI != %d", M.ABI)
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

    for _, t in ipairs(m.tables) do emit_functions(b, m, t) end

    b:line("/* === Functions of the schema === */")
    b:line()
    fn(b, { "Create the schema's tables and indexes where they do not "
            .. "exist yet (CREATE ... IF NOT EXISTS, in dependency order). "
            .. "Returns ORMC_OK or an error; runs in the current "
            .. "transaction." },
       "int ", m.name .. "_schema_create", { "ormc_db *db" })
    fn(b, { "Drop the schema's tables, children first. Returns ORMC_OK or "
            .. "an error." },
       "int ", m.name .. "_schema_drop", { "ormc_db *db" })
    fn(b, { "Compare the live database with this schema. Returns ORMC_OK or "
            .. "ORMC_SCHEMA_DRIFT, with ormc_errmsg() naming the first "
            .. "difference." },
       "int ", m.name .. "_schema_check", { "ormc_db *db" })
    fn(b, { "Bring the live database to this schema, all or nothing: create "
            .. "the missing tables and indexes, rename the columns named by "
            .. "renamed_from, add the missing columns that can be added to a "
            .. "table with rows; with ORMC_MIGRATE_DROP_COLUMNS, drop the "
            .. "columns the schema no longer has. Returns ORMC_OK when the "
            .. "drift check then passes, else ORMC_SCHEMA_DRIFT naming what is "
            .. "left (ormc diff writes the migration for that) and nothing "
            .. "is changed." },
       "int ", m.name .. "_schema_migrate", { "ormc_db *db", "unsigned flags" })

    b:line("#ifdef __cplusplus")
    b:line("}")
    b:line("#endif")
    b:line()
    b:line("#endif /* %s */", guard)
    return b:text()
end

return M
