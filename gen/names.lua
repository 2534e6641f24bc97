-- names.lua: every C identifier the generated code defines, derived from the
-- schema, table, column and enum label names in one place, so that the
-- emitters and the collision check cannot disagree.

local format, upper, concat = string.format, string.upper, table.concat

local M = {}

-- What a name should have been: lower case, single underscores.
function M.to_name(s)
    if type(s) ~= "string" then return nil end
    local n = s:gsub("(%l)(%u)", "%1_%2"):lower():gsub("[^a-z0-9]+", "_")
        :gsub("^[_%d]+", ""):gsub("_+$", "")
    if n == "" then return nil end
    return n
end

-- The C form of an enum label: upper case, runs of other characters as one
-- underscore. nil when nothing is left.
function M.label_c(label)
    local s = upper(label):gsub("[^A-Z0-9]+", "_"):gsub("^_+", "")
        :gsub("_+$", "")
    if s == "" then return nil end
    return s
end

function M.prefix(schema, tname)
    return schema .. "_" .. tname
end

function M.macro(s)
    return upper(s)
end

-- The suffix of a _get_by_ function for a list of column names.
function M.by(cols)
    return concat(cols, "_")
end

-- The functions every table gets (besides _get_by_* and _where_*).
M.TABLE_FUNCTIONS = {
    "init", "validate", "insert", "insert_many", "get", "update",
    "update_columns", "delete", "upsert", "find_or_create", "fixture",
    "fixture_insert", "free", "list_free", "query_init", "query_free",
    "or_begin", "or_end", "order_by", "limit", "offset", "first", "all",
    "count", "exists", "delete_where", "update_where", "query_sql",
    "cursor_open", "cursor_next", "cursor_close",
    -- the batch twins (api.lua's BATCHED)
    "insert_in", "get_in", "update_in", "update_columns_in", "delete_in",
    "upsert_in", "find_or_create_in", "first_in", "all_in", "count_in",
}

-- The identifiers every table has besides its functions: the suffix after
-- the prefix, and what it is. Built once: a large schema has thousands of
-- tables' worth of identifiers to check.
local TABLE_FIXED = {
    { "", "the row type" },
    { "_list", "the list type" }, { "_query", "the query type" },
    { "_cursor", "the cursor type" },
    { "_table", "the table descriptor" },
}
for _, sfx in ipairs { "columns", "indexes", "pk_order", "init_value" } do
    TABLE_FIXED[#TABLE_FIXED + 1] = { "_" .. sfx, "a static descriptor" }
end
local FUNCTIONS = {}
for i, fn in ipairs(M.TABLE_FUNCTIONS) do
    FUNCTIONS[i] = { "_" .. fn, "the function _" .. fn }
end

-- Every identifier of one table, each passed to add(name, what, of):
-- `what .. of` tells the reader what the identifier is ("the list type of
-- table 'bot'"), and is joined only when a collision is reported.
-- t: { name, columns = { {name, type, has_field, labels} ... },
--      uniques = { {cols...} ... }, n_indexes }
function M.table_idents(schema, t, add)
    local p = M.prefix(schema, t.name)
    local pu = M.macro(p)
    local of = format(" of table '%s'", t.name)
    for _, x in ipairs(TABLE_FIXED) do add(p .. x[1], x[2], of) end
    for k = 1, t.n_indexes or 0 do
        add(format("%s_index%d_order", p, k - 1), "a static descriptor", of)
    end
    add(pu .. "_ALL_COLUMNS", "the all-columns macro", of)
    add(pu .. "_INIT", "the initializer macro", of)
    for _, x in ipairs(FUNCTIONS) do add(p .. x[1], x[2], of) end
    for _, u in ipairs(t.uniques or {}) do
        add(p .. "_get_by_" .. M.by(u), "the function _get_by_" .. M.by(u),
            of)
        add(p .. "_get_by_" .. M.by(u) .. "_in",
            "the function _get_by_" .. M.by(u) .. "_in", of)
    end
    for _, c in ipairs(t.columns) do
        local cof = format(" of column '%s'%s", c.name, of)
        add(pu .. "_" .. M.macro(c.name), "the column macro", cof)
        add(p .. "_where_" .. c.name, "the function _where_" .. c.name, of)
        add(p .. "_where_" .. c.name .. "_in",
            "the function _where_" .. c.name .. "_in", of)
        add(p .. "_query_set_" .. c.name,
            "the function _query_set_" .. c.name, of)
        if c.default_array then
            add(c.default_array, "the default array", cof)
        end
        if c.type == "enum" then
            add(p .. "_" .. c.name, "the enum type", cof)
            add(p .. "_" .. c.name .. "_labels", "a static descriptor", cof)
            for _, label in ipairs(c.labels or {}) do
                local lc = M.label_c(label)
                if lc then
                    add(pu .. "_" .. M.macro(c.name) .. "_" .. lc,
                        format("the enum constant of label '%s'", label), cof)
                end
            end
        end
    end
end

-- Every identifier of a schema itself.
function M.schema_idents(schema)
    local su = M.macro(schema)
    local out = {}
    local function add(name, what)
        out[#out + 1] = { name, what .. format(" of schema '%s'", schema) }
    end
    add(schema .. "_schema", "the schema descriptor")
    add(schema .. "_schema_create", "the function _schema_create")
    add(schema .. "_schema_drop", "the function _schema_drop")
    add(schema .. "_schema_check", "the function _schema_check")
    add(schema .. "_schema_check_with", "the function _schema_check_with")
    add(schema .. "_schema_migrate", "the function _schema_migrate")
    add(schema .. "_schema_tables", "a static descriptor")
    add(schema .. "_ddl_sqlite", "a static descriptor")
    add(schema .. "_ddl_postgres", "a static descriptor")
    add(su .. "_SCHEMA_HASH", "the hash macro")
    add(M.guard(schema), "the include guard")
    return out
end

-- Every identifier of one query (docs/queries.md), each passed to
-- add(name, what, of), as table_idents does. All of them, whatever the
-- query returns.
function M.query_idents(schema, q, add)
    local p = schema .. "_" .. q.name
    local of = format(" of query '%s'", q.name)
    for _, x in ipairs {
        { "", "the function" }, { "_params", "the params type" },
        { "_row", "the row type" }, { "_list", "the list type" },
        { "_cursor", "the cursor type" },
        { "_cursor_open", "the function _cursor_open" },
        { "_cursor_next", "the function _cursor_next" },
        { "_cursor_close", "the function _cursor_close" },
        { "_list_free", "the function _list_free" },
        { "_row_free", "the function _row_free" },
        { "_in", "the function _in" },
        { "_query", "a static descriptor" },
        { "_params_table", "a static descriptor" },
        { "_params_table_columns", "a static descriptor" },
        { "_row_table", "a static descriptor" },
        { "_row_table_columns", "a static descriptor" },
    } do
        add(p .. x[1], x[2], of)
    end
end

function M.guard(schema)
    return "ORMC_GENERATED_" .. M.macro(schema) .. "_H"
end

-- The struct fields of one table's row: {name, what}.
function M.fields(t)
    local out = {}
    for _, c in ipairs(t.columns) do
        if c.has_field then
            out[#out + 1] = { "has_" .. c.name,
                              format("the has_ flag of column '%s'", c.name),
                              c }
        end
        out[#out + 1] = { c.name, format("column '%s'", c.name), c }
    end
    out[#out + 1] = { "ormc_owned", "the field ormc_owned" }
    return out
end

return M
