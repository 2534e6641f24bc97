-- check_names.lua: the checks that need the derived model: every C
-- identifier against the others and the standard headers' names, key
-- parameters, SQL names (lengths and clashes of tables, constraints and
-- indexes) and reference cycles.

local types = require("types")
local keywords = require("keywords")
local names = require("names")
local relations = require("relations")

local format, concat = string.format, table.concat

local M = {}

-- The checks that need the model: names.
-- registry: C identifiers of every schema generated together.
function M.model(m, errs, registry)
    m.notes = relations.derive(m, errs)
    local reserved = keywords.std
    local function claim(reg, name, what, where, of)
        -- (Fields and parameters are column names, checked as such.)
        local header = reg == registry and reserved[name]
        if header then
            errs:addf(where, "rename the schema, table or column it is "
                      .. "made from",
                      "C name '%s' is %s%s and also a name of %s", name,
                      what, of or "", header)
            return
        end
        local prev = reg[name]
        if prev then
            if of then what = what .. of end
            if prev.of then prev.what, prev.of = prev.what .. prev.of, nil end
            local at = prev.file == where.file
                and format("line %d", prev.line)
                or format("%s:%d", prev.file, prev.line)
            errs:addf(where, "rename one of them",
                      "C name '%s' is %s and also %s (%s)", name, what,
                      prev.what, at)
        else
            reg[name] = { what = what, of = of, file = where.file,
                          line = where.line }
        end
    end
    for _, id in ipairs(names.schema_idents(m.name)) do
        claim(registry, id[1], id[2], m)
    end
    local sql_reg = {}
    local function claim_sql(name, what, where)
        if #name > types.MAX_SQL_NAME then
            errs:addf(where, "give it a shorter name with name = \"...\"",
                      "the SQL name '%s' of %s is %d bytes long; PostgreSQL "
                      .. "keeps %d", name, what, #name, types.MAX_SQL_NAME)
        end
        local prev = sql_reg[name]
        if prev then
            errs:addf(where, "rename one of them",
                      "SQL name '%s' of %s is also the name of %s (line %d)",
                      name, what, prev.what, prev.line)
        else
            sql_reg[name] = { what = what, line = where.line }
        end
    end
    for _, t in ipairs(m.tables) do
        claim_sql(t.sql_name, format("table '%s'", t.name), t)
    end
    for _, t in ipairs(m.tables) do
        names.table_idents(m.name, t, function(name, what, of)
            claim(registry, name, what, t, of)
        end)
        relations.idents(t, function(name, what)
            claim(registry, name, what, t, format(" of table '%s'", t.name))
        end)
        local fields, of = {}, format(" of table '%s'", t.name)
        for _, f in ipairs(names.fields(t)) do
            claim(fields, f[1], f[2], f[3] or t, of)
        end
        -- The key parameters of _get, _delete and _get_by_*.
        local function params(cols, fn)
            local reg = {
                db = { what = "the parameter db of " .. fn, file = t.file,
                       line = t.line },
                row = { what = "the parameter row of " .. fn, file = t.file,
                        line = t.line },
            }
            for _, name in ipairs(cols) do
                local c = t.by_name[name]
                claim(reg, name, format("the parameter of column '%s'", name),
                      c)
            end
        end
        params(t.pk, t.prefix .. "_get")
        for _, k in ipairs(t.get_by) do
            params(k.cols, k.fn)
        end
        if t.pk_constraint then
            claim_sql(t.pk_constraint, format("the primary key of table '%s'",
                                              t.name), t.pk_where or t)
        end
        for _, k in ipairs(t.constraints) do
            claim_sql(k.sql_name, format("%s (%s) of table '%s'",
                                         k.kind == "index" and "index"
                                         or "unique constraint",
                                         concat(k.cols, ", "), t.name), k)
        end
        -- Foreign key names: PostgreSQL wants each constraint name once
        -- in its table.
        local in_table = {}
        if t.pk_constraint then
            in_table[t.pk_constraint] = { what = "the primary key",
                                          line = (t.pk_where or t).line }
        end
        for _, k in ipairs(t.constraints) do
            if k.kind == "unique" then
                in_table[k.sql_name] = { what = "a unique constraint",
                                         line = k.line }
            end
        end
        for _, fk in ipairs(t.foreign_keys) do
            local name = fk.sql_name
            if #name > types.MAX_SQL_NAME then
                errs:addf(fk, fk.column
                          and "choose a shorter table or column sql_name"
                          or "give it a shorter name with name = \"...\"",
                          "the foreign key name '%s' is %d bytes long; "
                          .. "PostgreSQL keeps %d", name, #name,
                          types.MAX_SQL_NAME)
            end
            local prev = in_table[name]
            if prev then
                errs:addf(fk, "give it another name with name = \"...\"",
                          "the foreign key name '%s' of table '%s' is also "
                          .. "the name of %s (line %d)", name, t.name,
                          prev.what, prev.line)
            else
                in_table[name] = { what = "a foreign key", line = fk.line }
            end
        end
        for _, c in ipairs(t.columns) do
            if c.check_name and #c.check_name > types.MAX_SQL_NAME then
                errs:addf(c, "choose a shorter table or column sql_name",
                          "the check constraint name '%s' is %d bytes long; "
                          .. "PostgreSQL keeps %d", c.check_name,
                          #c.check_name, types.MAX_SQL_NAME)
            end
        end
    end
    for _, q in ipairs(m.queries or {}) do
        names.query_idents(m.name, q, function(name, what, of)
            claim(registry, name, what, q, of)
        end)
    end
    if m.cycle then
        local t = m.cycle[1]
        local path = {}
        for _, x in ipairs(m.cycle) do path[#path + 1] = x.name end
        path[#path + 1] = t.name
        errs:addf(t, "break the cycle: make one reference a plain column",
                  "tables reference each other in a cycle: %s",
                  concat(path, " -> "))
    end
end

return M
