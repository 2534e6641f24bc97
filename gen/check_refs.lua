-- check_refs.lua: the references between the tables of a checked schema,
-- a column's references and a foreign_key { } entry alike: a target that
-- exists, has the referencing columns' types (pairwise) and is the primary
-- key or a unique key, as a whole; a renamed_from that no column still
-- uses. A bad reference is reported and removed, so that later phases never
-- see it.

local types = require("types")
local util = require("util")

local format, concat = string.format, table.concat

local M = {}

-- The hint for a missing table `name`: a did-you-mean, or the DSL name of
-- the table whose SQL name it is.
local function table_hint(s, name, table_names)
    for _, other in ipairs(s.tables) do
        if other.sql_name == name then
            return format("name the table by its DSL name, '%s'", other.name)
        end
    end
    return util.did_you_mean(name, table_names)
end

-- Whether the column names `cols` are, as a set, the primary key of rt or
-- the columns of one of its unique constraints or indexes.
local function is_key(rt, cols)
    local function same(key)
        if #key ~= #cols then return false end
        local set = {}
        for _, name in ipairs(key) do set[name] = true end
        for _, name in ipairs(cols) do
            if not set[name] then return false end
        end
        return true
    end
    if #rt.pk > 0 and same(rt.pk) then return true end
    for _, k in ipairs(rt.constraints) do
        if k.unique and same(k.cols) then return true end
    end
    return false
end

-- Check foreign_key entry fk of table t; on success fk.ref.to holds the
-- referenced column names (the parent's primary key when not given).
local function check_entry(s, errs, t, fk, table_names)
    local what = format("foreign_key (%s) of table '%s'",
                        concat(fk.cols, ", "), t.name)
    local r = fk.ref
    local rt = s.by_name[r.table]
    if not rt then
        errs:addf(fk, table_hint(s, r.table, table_names),
                  "%s references a missing table '%s'", what, r.table)
        return false
    end
    local to = r.to
    if to == nil then
        if #rt.pk == 0 then return false end -- (reported with rt)
        to = rt.pk
    end
    local cands = {}
    for _, x in ipairs(rt.columns) do cands[#cands + 1] = x.name end
    local seen = {}
    for _, name in ipairs(to) do
        if not rt.by_name[name] then
            errs:addf(fk, util.did_you_mean(name, cands),
                      "%s references a missing column '%s.%s'", what,
                      r.table, name)
            return false
        elseif seen[name] then
            errs:addf(fk, nil, "%s names column '%s.%s' twice in to", what,
                      r.table, name)
            return false
        end
        seen[name] = true
    end
    if #to ~= #fk.cols then
        errs:addf(fk, r.to and "list one referenced column per column of "
                  .. "the key" or format("list the columns it references "
                  .. "with to = { ... }; the primary key of '%s' is (%s)",
                  r.table, concat(rt.pk, ", ")),
                  "%s has %d column%s but references %d, (%s) of table "
                  .. "'%s'", what, #fk.cols, #fk.cols == 1 and "" or "s",
                  #to, concat(to, ", "), r.table)
        return false
    end
    for i, name in ipairs(fk.cols) do
        local c, rc = t.by_name[name], rt.by_name[to[i]]
        if rc.type == "enum" or c.type ~= types.ref_type_of(rc) then
            errs:addf(fk, format("make '%s' %s", c.name,
                                 types.ref_type_of(rc)),
                      "%s: column '%s' is %s but references '%s.%s', which "
                      .. "is %s", what, c.name, c.type, r.table, rc.name,
                      types.describe(rc))
            return false
        end
    end
    if not is_key(rt, to) then
        errs:addf(fk, "reference the primary key, or add unique { ... } on "
                  .. "those columns",
                  "%s references (%s) of table '%s', which is neither the "
                  .. "primary key nor a unique key", what, concat(to, ", "),
                  r.table)
        return false
    end
    r.to = to
    return true
end

-- Check the references of schema s (check.lua's normalized shape).
function M.references(s, errs)
    local table_names = {}
    for _, t in ipairs(s.tables) do table_names[#table_names + 1] = t.name end
    for _, t in ipairs(s.tables) do
        local kept = {}
        for _, fk in ipairs(t.fk_entries) do
            if check_entry(s, errs, t, fk, table_names) then
                kept[#kept + 1] = fk
            end
        end
        t.fk_entries = kept
    end
    for _, t in ipairs(s.tables) do
        for _, c in ipairs(t.columns) do
            local r = c.ref
            if r then
                local what = format("column '%s' of table '%s'", c.name,
                                    t.name)
                local rt = s.by_name[r.table]
                local rc = rt and rt.by_name[r.column]
                if not rt then
                    errs:addf(c, table_hint(s, r.table, table_names),
                              "%s references a missing table '%s'",
                              what, r.table)
                    c.ref = nil
                elseif not rc then
                    local cands = {}
                    for _, x in ipairs(rt.columns) do
                        cands[#cands + 1] = x.name
                    end
                    errs:addf(c, util.did_you_mean(r.column, cands),
                              "%s references a missing column '%s.%s'", what,
                              r.table, r.column)
                    c.ref = nil
                elseif rc.type == "enum" or c.type ~= types.ref_type_of(rc)
                then
                    errs:addf(c, format("make '%s' %s",
                                        c.name, types.ref_type_of(rc)),
                              "%s is %s but references '%s.%s', which is %s",
                              what, c.type, r.table, r.column,
                              types.describe(rc))
                    c.ref = nil
                else
                    local single = (#rt.pk == 1 and rt.pk[1] == rc.name)
                    for _, k in ipairs(rt.constraints) do
                        if k.unique and #k.cols == 1 and k.cols[1] == rc.name
                        then
                            single = true
                        end
                    end
                    if not single then
                        errs:addf(c, "reference the primary key, or make the "
                                  .. "column unique",
                                  "%s references '%s.%s', which is neither "
                                  .. "the primary key nor unique", what,
                                  r.table, r.column)
                        c.ref = nil
                    end
                end
            end
            if c.renamed_from and t.by_name[c.renamed_from] then
                errs:addf(c, "a rename must come from a name no longer used",
                          "column '%s' is renamed_from '%s', which is "
                          .. "still a column", c.name, c.renamed_from)
            end
        end
    end
end

return M
