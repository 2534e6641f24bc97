-- sql.lua: the fixed statements of a table (select, get, get_by, update,
-- delete), the same text for SQLite and PostgreSQL.
--
-- Parameters are $1..$n numbered in the order of the columns in the row:
-- the runtime binds the columns of a column set in column order, so column i
-- of the set gets the i-th number whatever order the WHERE clause names
-- them in. keep in sync with runtime/include/ormc_generated.h (ormc_table_sql,
-- ormc_row_get, ormc_row_get_by, ormc_row_update, ormc_row_delete).

-- Identifiers come quoted from the model (c.sql_ident, t.sql_ident).
local concat, format = table.concat, string.format

local M = {}

-- {column -> parameter number} for a set of columns (objects).
local function numbering(cols)
    local sorted = {}
    for i, c in ipairs(cols) do sorted[i] = c end
    table.sort(sorted, function(a, b) return a.index < b.index end)
    local num = {}
    for i, c in ipairs(sorted) do num[c] = i end
    return num
end

-- `"a" = $2 AND "b" = $1`: the columns in the order given, numbered by
-- their position among `cols` in the row.
local function where(cols, num)
    local parts = {}
    for i, c in ipairs(cols) do
        parts[i] = format("%s = $%d", c.sql_ident, num[c])
    end
    return concat(parts, " AND ")
end

local function column_list(t)
    local parts = {}
    for i, c in ipairs(t.columns) do parts[i] = c.sql_ident end
    return concat(parts, ", ")
end

-- The statements of table t; each entry is { sql = full text, short = the
-- text with the column list abbreviated, for comments }.
function M.table_statements(t)
    -- The header (in comments) and the source both want them: make them
    -- once.
    if t.statements then return t.statements end
    local tname = t.sql_ident
    local select = format("SELECT %s FROM %s", column_list(t), tname)
    local select_short = format("SELECT <every column> FROM %s", tname)
    local pk_num = numbering(t.pk_cols)
    local pk_where = where(t.pk_cols, pk_num)

    local out = {}
    out.select = { sql = select, short = select_short }
    out.get = { sql = select .. " WHERE " .. pk_where,
                short = select_short .. " WHERE " .. pk_where }

    -- UPDATE binds every column, so the numbers are the column positions.
    local sets, is_key = {}, {}
    for _, c in ipairs(t.pk_cols) do is_key[c] = true end
    local all_num = {}
    for _, c in ipairs(t.columns) do all_num[c] = c.index + 1 end
    for _, c in ipairs(t.columns) do
        if not is_key[c] then
            sets[#sets + 1] = format("%s = $%d", c.sql_ident, all_num[c])
        end
    end
    local set_short = "<every other column>"
    if #sets == 0 then
        -- Only key columns: a statement that changes nothing but still
        -- tells whether the row exists.
        for _, c in ipairs(t.pk_cols) do
            sets[#sets + 1] = format("%s = $%d", c.sql_ident,
                                     all_num[c])
        end
        set_short = concat(sets, ", ")
    end
    local update_where = where(t.pk_cols, all_num)
    out.update = {
        sql = format("UPDATE %s SET %s WHERE %s", tname, concat(sets, ", "),
                     update_where),
        short = format("UPDATE %s SET %s WHERE %s", tname, set_short,
                       update_where),
    }
    local del = format("DELETE FROM %s WHERE %s", tname, pk_where)
    out.delete = { sql = del, short = del }

    out.get_by = {}
    for i, g in ipairs(t.get_by) do
        local w = where(g.col_objs, numbering(g.col_objs))
        out.get_by[i] = { sql = select .. " WHERE " .. w,
                          short = select_short .. " WHERE " .. w }
    end
    t.statements = out
    return out
end

return M
