-- api.lua: the list of generated functions, written once: per table and
-- for the schema, each function's name, arguments (args.out: the index of
-- the output, which the header marks /* OUT */) and documentation, in the
-- order both C emitters write them. emit_c_header.lua declares them with
-- their comments; emit_c_source.lua defines them, with a body per id.

local cgen = require("cgen")
local emit_relations = require("emit_relations")

local format, concat = string.format, table.concat
local decl = cgen.decl

local M = {}

-- The parameters of a key: "int64_t id", in key order.
local function key_params(cols)
    local out = {}
    for i, c in ipairs(cols) do out[i] = decl(c.ctype, c.name) end
    return out
end

local function names_of(cols)
    local out = {}
    for i, c in ipairs(cols) do out[i] = c.name end
    return concat(out, ", ")
end

-- The element type of a _where_x_in array.
local function in_type(c)
    if c.type == "text" or c.type == "json" then
        return "const char *const *values"
    end
    return "const " .. c.ctype .. " *values"
end

local function table_functions(t)
    local p, row = t.prefix, t.prefix
    local tbl = format("\"%s\"", t.sql_name)
    local out = {}
    -- A group: one comment (paragraphs) over the functions named; each is
    -- named PREFIX_id.
    local function fn(paras, ret, id, args, more)
        local g = { doc = paras, { ret = ret, name = p .. "_" .. id,
                                  args = args, id = id } }
        if more then
            for i, d in ipairs(more) do
                g[i + 1] = { ret = d[1], name = p .. "_" .. d[2],
                             args = d[3], id = d[2] }
            end
        end
        out[#out + 1] = g
        return g
    end

    fn({ format("Set *row to %s_INIT: the columns with a literal default "
                .. "get it, every other field is zero or NULL. Does "
                .. "nothing when row is NULL.", t.macro) },
       "void ", "init", { row .. " *row" })

    fn({ "Check row as every write does before sending it, with the "
         .. "same result on both backends: not-null columns set, text and "
         .. "json valid UTF-8 within max characters, json syntax, enum "
         .. "values in range, no NaN, timestamps PostgreSQL can store. "
         .. "Returns ORMC_OK or ORMC_INVALID, with the column and a "
         .. "message in *why (why may be NULL). Runs no SQL." },
       "int ", "validate",
       { "const " .. row .. " *row", "ormc_invalid *why", out = 2 })

    fn({ format("Insert row into %s. A serial key that is 0 and a "
                .. "column defaulting to now whose has_ flag is false "
                .. "take the database's value, which is written back "
                .. "into row. Returns ORMC_OK, ORMC_INVALID (a value "
                .. p .. "_validate() refuses; nothing is sent), "
                .. "ORMC_CONSTRAINT (duplicate key, missing parent) or "
                .. "another error. row's strings are "
                .. "borrowed for the call. Runs in the current "
                .. "transaction.", tbl) },
       "int ", "insert", { "ormc_db *db", row .. " *row" })

    fn({ format("Insert the n rows at rows into %s, all or none, the "
                .. "fastest way the backend allows. Nothing is written "
                .. "back (use %s_insert() to learn assigned keys). "
                .. "Returns ORMC_OK, ORMC_INVALID (a row %s_validate() "
                .. "refuses; nothing is sent), ORMC_CONSTRAINT or another "
                .. "error; runs in the current transaction.", tbl, p, p) },
       "int ", "insert_many",
       { "ormc_db *db", "const " .. row .. " *rows", "size_t n" })

    local keys = key_params(t.pk_cols)
    local get_args = { "ormc_db *db" }
    for _, k in ipairs(keys) do get_args[#get_args + 1] = k end
    get_args[#get_args + 1] = row .. " *row"
    get_args.out = #get_args
    fn({ format("Fetch the row of %s whose primary key is (%s) into "
                .. "*row, which then owns its strings and blobs: release "
                .. "them with %s_free(). Returns ORMC_OK, ORMC_NOT_FOUND "
                .. "or an error.", tbl, names_of(t.pk_cols), p),
         "", format("One SELECT of every column by the primary key (%s).",
                    names_of(t.pk_cols)) },
       "int ", "get", get_args)

    for _, g in ipairs(t.get_by) do
        local args = { "ormc_db *db" }
        for _, k in ipairs(key_params(g.col_objs)) do args[#args + 1] = k end
        args[#args + 1] = row .. " *row"
        args.out = #args
        local f = fn({ format("Fetch the row of %s whose unique (%s) "
                              .. "equals the arguments, as %s_get() does. A "
                              .. "NULL argument matches no row. Returns "
                              .. "ORMC_OK, ORMC_NOT_FOUND or an error.", tbl,
                              names_of(g.col_objs), p),
                       "", format("One SELECT of every column by (%s).",
                                  names_of(g.col_objs)) },
                     "int ", "get_by", args)[1]
        f.name, f.key = g.fn, g
    end

    fn({ format("Write every column of row except the primary key to the "
                .. "row of %s with row's key. Returns ORMC_OK, "
                .. "ORMC_NOT_FOUND when no row has that key, "
                .. "ORMC_INVALID (a value %s_validate() refuses; nothing "
                .. "is sent), ORMC_CONSTRAINT or another error.", tbl, p),
         "", format("One UPDATE by the primary key (%s).",
                    names_of(t.pk_cols)) },
       "int ", "update", { "ormc_db *db", "const " .. row .. " *row" })

    fn({ format("Write only the columns in `columns` (%s_... macros "
                .. "joined with |) of row to the row of %s with row's "
                .. "primary key. Returns as %s_update() does.", t.macro,
                tbl, p) },
       "int ", "update_columns",
       { "ormc_db *db", "const " .. row .. " *row", "ormc_colset columns" })

    local del_args = { "ormc_db *db" }
    for _, k in ipairs(keys) do del_args[#del_args + 1] = k end
    fn({ format("Delete the row of %s whose primary key is (%s). Returns "
                .. "ORMC_OK, ORMC_NOT_FOUND, ORMC_CONSTRAINT (rows of "
                .. "another table still reference it) or another error.",
                tbl, names_of(t.pk_cols)),
         "", format("One DELETE by the primary key (%s).",
                    names_of(t.pk_cols)) },
       "int ", "delete", del_args)

    fn({ format("Insert row into %s or, when a row with the same values "
                .. "in the `conflict` columns (a primary key or unique "
                .. "constraint) exists, update that row's other columns "
                .. "(INSERT ... ON CONFLICT DO UPDATE). The stored row is "
                .. "read back into *row, which then owns its data: "
                .. "release it with %s_free(). Returns ORMC_OK, "
                .. "ORMC_INVALID (a value %s_validate() refuses; nothing "
                .. "is sent), ORMC_CONSTRAINT or another error.", tbl, p,
                p) },
       "int ", "upsert",
       { "ormc_db *db", row .. " *row", "ormc_colset conflict" })

    fn({ format("The row of %s whose `key` columns equal row's, created "
                .. "from row when there is none; race-safe: concurrent "
                .. "callers end up with the same one row. The stored row "
                .. "is read back into *row (release it with %s_free()) "
                .. "and *created (may be NULL) tells whether it was "
                .. "inserted. Returns ORMC_OK, ORMC_INVALID (a value "
                .. "%s_validate() refuses, even when the row exists; "
                .. "nothing is sent) or another error.", tbl, p, p) },
       "int ", "find_or_create",
       { "ormc_db *db", row .. " *row", "ormc_colset key",
         "bool *created", out = 4 })

    fn({ format("Fill *row with a valid row, the same for the same seq and "
                .. "different in its unique columns for different seqs. "
                .. "The row owns its strings: release them with "
                .. "%s_free(). Returns ORMC_OK or ORMC_NOMEM; runs no SQL.",
                p) },
       "int ", "fixture", { row .. " *row", "uint64_t seq", out = 1 })

    fn({ format("%s_fixture(), then insert it, first inserting fixture "
                .. "rows of the tables it references. *row gets the "
                .. "stored row; release it with %s_free().", p, p) },
       "int ", "fixture_insert",
       { "ormc_db *db", "uint64_t seq", row .. " *row", out = 3 })

    fn({ "Release what a row fetched by ormc owns and zero it. Harmless "
         .. "on a row the caller built and on NULL." },
       "void ", "free", { row .. " *row" })

    fn({ format("Release the rows of a list from %s_all() and empty it. "
                .. "NULL is a no-op.", p) },
       "void ", "list_free", { p .. "_list *list" })

    fn({ format("Start a query on %s: no conditions, no order, no limit. "
                .. "Every query is released with %s_query_free(), also "
                .. "after an error. Building never fails loudly: a "
                .. "problem is remembered and returned by the function "
                .. "that runs the query. Values given to a query are "
                .. "borrowed until it has run.", tbl, p) },
       "void ", "query_init", { p .. "_query *q" })
    fn({ "Release what a query holds. NULL is a no-op." },
       "void ", "query_free", { p .. "_query *q" })

    local where = {
        doc = { format(
            "Conditions on single columns, AND-ed together (or OR-ed inside "
            .. "%s_or_begin() ... %s_or_end()). op is ORMC_EQ, ORMC_NE, "
            .. "ORMC_LT, ORMC_LE, ORMC_GT, ORMC_GE, ORMC_IS_NULL, "
            .. "ORMC_IS_NOT_NULL (value ignored) or ORMC_LIKE (text; a "
            .. "backslash escapes, and a pattern that ends in an unpaired "
            .. "backslash is refused with ORMC_INVALID when the query runs). "
            .. "For text, json and blob a NULL value means SQL NULL: ORMC_EQ "
            .. "NULL is IS NULL and ORMC_NE NULL is IS NOT NULL. The _in "
            .. "forms match any of the n values (the array is borrowed until "
            .. "the query has run).", p, p) },
    }
    out[#out + 1] = where
    local q = p .. "_query *q"
    for _, c in ipairs(t.columns) do
        local name = p .. "_where_" .. c.name
        where[#where + 1] = {
            id = "where", column = c, ret = "void ", name = name,
            args = { q, "ormc_op op", decl(c.ctype, "value") },
            note = c.name .. ": " .. cgen.sql_type(c)
                .. (c.not_null and ", not null" or "") }
        where[#where + 1] = { id = "where_in", column = c, ret = "void ",
                              name = name .. "_in",
                              args = { q, in_type(c), "size_t n" } }
    end

    local set = {
        doc = { format(
            "Reuse a built query: replace the value of its one condition on "
            .. "the column (made by %s_where_<column>), then run the query "
            .. "again. Only the values change, so the query is not built "
            .. "again and its statement comes from the connection's cache. "
            .. "A column the query has no condition on, or several, a "
            .. "condition that takes no value (_in, ORMC_IS_NULL, "
            .. "ORMC_IS_NOT_NULL) or an enum value out of range is kept as "
            .. "the query's error (ORMC_INVALID when it runs); a query "
            .. "with an error is left as it is. The value is borrowed until "
            .. "the query has run.", p) },
    }
    out[#out + 1] = set
    for _, c in ipairs(t.columns) do
        set[#set + 1] = {
            id = "query_set", column = c, ret = "void ",
            name = p .. "_query_set_" .. c.name,
            args = { q, decl(c.ctype, "value") } }
    end

    fn({ "Open and close a group of conditions that are OR-ed together; "
         .. "the group as a whole is AND-ed with the rest. Groups do not "
         .. "nest." },
       "void ", "or_begin", { p .. "_query *q" },
       { { "void ", "or_end", { p .. "_query *q" } } })

    fn({ format("Order the results by one column (one %s_... macro); "
                .. "call again for further keys, up to "
                .. "ORMC_QUERY_MAX_ORDER.", t.macro) },
       "void ", "order_by",
       { p .. "_query *q", "ormc_colset column", "ormc_order dir" })
    fn({ "At most limit rows (negative: no limit), skipping the first "
         .. "offset rows." },
       "void ", "limit", { p .. "_query *q", "int64_t limit" },
       { { "void ", "offset", { p .. "_query *q", "int64_t offset" } } })

    fn({ format("Run the query and fetch its first row into *row, which "
                .. "then owns its data (release it with %s_free()). "
                .. "Returns ORMC_OK, ORMC_NOT_FOUND or an error.", p) },
       "int ", "first",
       { "ormc_db *db", "const " .. p .. "_query *q",
         row .. " *row", out = 3 })
    fn({ format("Run the query and fetch every row into *list (release "
                .. "it with %s_list_free(), also after an error). Returns "
                .. "ORMC_OK (perhaps with no rows) or an error.", p) },
       "int ", "all",
       { "ormc_db *db", "const " .. p .. "_query *q",
         p .. "_list *list", out = 3 })
    fn({ "The number of rows the query matches, into *n." },
       "int ", "count",
       { "ormc_db *db", "const " .. p .. "_query *q", "int64_t *n",
         out = 3 })
    fn({ "Whether the query matches any row, into *exists." },
       "int ", "exists",
       { "ormc_db *db", "const " .. p .. "_query *q",
         "bool *exists", out = 3 })
    fn({ "Delete the rows the query matches; with an order, a limit or "
         .. "an offset, only the rows they choose (picked by a subquery on "
         .. "the primary key). *deleted (may be NULL) gets their number. "
         .. "Runs in the current transaction." },
       "int ", "delete_where",
       { "ormc_db *db", "const " .. p .. "_query *q",
         "int64_t *deleted", out = 3 })
    fn({ "Set the columns in `columns` to their values in *values in "
         .. "every row the query matches; *changed (may be NULL) gets the "
         .. "number of rows changed. The values are checked as "
         .. p .. "_validate() checks them (ORMC_INVALID, nothing sent). "
         .. "Runs in the current transaction." },
       "int ", "update_where",
       { "ormc_db *db", "const " .. p .. "_query *q",
         "const " .. row .. " *values", "ormc_colset columns",
         "int64_t *changed", out = 5 })

    fn({ format("Write the SQL that %s_all() would send for the query "
                .. "into buf, for dialect d (ORMC_DIALECT_SQLITE writes "
                .. "parameters as ?1, ORMC_DIALECT_POSTGRES as $1), without "
                .. "a database; values are parameters, never in the text. "
                .. "As snprintf: at most len bytes, NUL-terminated when len "
                .. "> 0, and returns the length of the whole SQL, so a "
                .. "return >= len means buf was too small (buf may be NULL "
                .. "when len is 0). A negative return is minus the error "
                .. "the query would run into (-ORMC_INVALID, -ORMC_NOMEM), "
                .. "with \"\" in buf. Runs no SQL.", p) },
       "int ", "query_sql",
       { "const " .. p .. "_query *q", "ormc_dialect d", "char *buf",
         "size_t len" })

    fn({ format("Stream the rows of the query, for results of any size. "
                .. "%s_cursor_next() gives ORMC_ROW with the next row in "
                .. "*row, whose strings and blobs are borrowed until the "
                .. "next call or %s_cursor_close() (do not free the row), "
                .. "then ORMC_DONE, or an error. Close every opened "
                .. "cursor; closing a closed one or NULL is a no-op.",
                p, p) },
       "int ", "cursor_open",
       { "ormc_db *db", "const " .. p .. "_query *q",
         p .. "_cursor *cur", out = 3 },
       { { "int ", "cursor_next",
           { p .. "_cursor *cur", row .. " *row", out = 2 } },
         { "void ", "cursor_close", { p .. "_cursor *cur" } } })
    for _, g in ipairs(emit_relations.functions(t)) do out[#out + 1] = g end

    -- The batch twins (docs/batch.md): each blocking call above that a
    -- batch can run, its db replaced by the batch and `int *rc` added.
    local twins = {}
    for _, g in ipairs(out) do
        for _, f in ipairs(g) do
            if M.BATCHED[f.id] then twins[#twins + 1] = f end
        end
    end
    local batch = {
        doc = { "Batch twins: queue the call of the same name without _in "
                .. "into batch b (ormc_batch_begin()), to run with the "
                .. "others at ormc_batch_run() (on PostgreSQL in one "
                .. "pipeline: about one round trip for the whole batch). "
                .. "The arguments are the blocking call's, and *rc gets "
                .. "the status it would have returned when the batch runs; "
                .. "what it writes lands as it would have. Returns ORMC_OK "
                .. "when queued, else ORMC_NOMEM or ORMC_INVALID (also in "
                .. "*rc). Key values are copied; rows, queries, lists and "
                .. "the other outputs are borrowed until ormc_batch_run() "
                .. "returns (docs/batch.md)." },
    }
    for _, f in ipairs(twins) do
        local args = { "ormc_batch *b" }
        for i = 2, #f.args do args[i] = f.args[i] end
        args[#args + 1] = "int *rc"
        args.out = f.args.out
        batch[#batch + 1] = { ret = "int ", name = f.name .. "_in",
                              args = args, id = f.id .. "_in", key = f.key,
                              twin = f }
    end
    out[#out + 1] = batch
    return out
end

-- The blocking calls that have a batch twin (<name>_in), by id. Keep in
-- sync with the ormc_batch_* calls of runtime/include/ormc_generated.h.
M.BATCHED = {
    get = true, get_by = true, insert = true, update = true,
    update_columns = true, delete = true, upsert = true,
    find_or_create = true, first = true, all = true, count = true,
}

-- The functions of table t: a list of groups, each { doc = paragraphs,
-- function... }, a function being { id, ret, name, args, note } (id: what
-- it does, e.g. "get_by"; note: a line of comment above its declaration;
-- key: the unique key of a get_by; column: the column of a where). Made
-- once per table, for both emitters.
function M.table_functions(t)
    local fns = t.functions
    if not fns then
        fns = table_functions(t)
        t.functions = fns
    end
    return fns
end

-- The functions of schema m, as table_functions gives them.
function M.schema_functions(m)
    local p, out = m.name, {}
    local function fn(paras, ret, id, args)
        out[#out + 1] = { doc = paras, { ret = ret, name = p .. "_" .. id,
                                         args = args, id = id } }
    end
    fn({ "Create the schema's tables and indexes where they do not "
         .. "exist yet (CREATE ... IF NOT EXISTS, in dependency order), "
         .. "all or nothing: inside the caller's open transaction as a "
         .. "savepoint, which commits with it; otherwise in a transaction "
         .. "of its own, which it commits. Returns ORMC_OK or an error." },
       "int ", "schema_create", { "ormc_db *db" })
    fn({ "Drop the schema's tables, children first. Returns ORMC_OK or "
         .. "an error." },
       "int ", "schema_drop", { "ormc_db *db" })
    fn({ "Compare the live database with this schema. Returns ORMC_OK or "
         .. "ORMC_SCHEMA_DRIFT, with ormc_errmsg() listing the differences "
         .. "that break data (docs/schema-check.md)." },
       "int ", "schema_check", { "ormc_db *db" })
    fn({ "Compare the live database with this schema, telling report "
         .. "(may be NULL) every difference, each marked as breaking data "
         .. "or not. Returns ORMC_OK or ORMC_SCHEMA_DRIFT as _schema_check; "
         .. "with ORMC_CHECK_STRICT in flags every difference fails, also "
         .. "those that do not break data." },
       "int ", "schema_check_with",
       { "ormc_db *db", "unsigned flags", "ormc_drift_fn report",
         "void *ctx" })
    fn({ "Bring the live database to this schema, all or nothing: create "
         .. "the missing tables and indexes, rename the columns named by "
         .. "renamed_from, add the missing columns that can be added to a "
         .. "table with rows; with ORMC_MIGRATE_DROP_COLUMNS, drop the "
         .. "columns the schema no longer has. Returns ORMC_OK when the "
         .. "drift check then passes, else ORMC_SCHEMA_DRIFT naming what is "
         .. "left (ormc diff writes the migration for that) and nothing "
         .. "is changed." },
       "int ", "schema_migrate", { "ormc_db *db", "unsigned flags" })
    return out
end

-- The arguments as the header declares them: the output marked /* OUT */.
function M.header_args(args)
    local out = { table.unpack(args) }
    out[args.out] = out[args.out] .. " /* OUT */"
    return out
end

return M
