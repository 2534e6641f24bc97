-- check_refs.lua: the references between the tables of a checked schema:
-- a target that exists, has the referencing column's type and is the
-- primary key or unique; a renamed_from that no column still uses. A bad
-- reference is reported and removed, so that later phases never see it.

local types = require("types")
local util = require("util")

local format = string.format

local M = {}

-- Check the references of schema s (check.lua's normalized shape).
function M.references(s, errs)
    local table_names = {}
    for _, t in ipairs(s.tables) do table_names[#table_names + 1] = t.name end
    for _, t in ipairs(s.tables) do
        for _, c in ipairs(t.columns) do
            local r = c.ref
            if r then
                local what = format("column '%s' of table '%s'", c.name,
                                    t.name)
                local rt = s.by_name[r.table]
                local rc = rt and rt.by_name[r.column]
                if not rt then
                    local hint = util.did_you_mean(r.table, table_names)
                    for _, other in ipairs(s.tables) do
                        if other.sql_name == r.table then
                            hint = format("name the table by its DSL name, "
                                          .. "'%s'", other.name)
                        end
                    end
                    errs:addf(c, hint, "%s references a missing table '%s'",
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
                elseif rc.type == "enum" or c.type ~= types.ref_type(rc.type)
                then
                    errs:addf(c, format("make '%s' %s",
                                        c.name, types.ref_type(rc.type)),
                              "%s is %s but references '%s.%s', which is %s",
                              what, c.type, r.table, r.column, rc.type)
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
