-- relations.lua: the relations of a modelled schema (docs/relations.md).
--
-- Every foreign key is a relation from the table holding it (the child) to
-- the table it references (the parent). This phase names them, finds the
-- join tables of many-to-many relations and decides which functions each
-- table gets; names.lua claims the functions' names and api.lua declares
-- them. It reports:
--   - a note for a foreign key that has no name: a single column without
--     the `_id` suffix and no `relation =` gets no functions (the schema
--     still generates);
--   - an error for a name that collides with a column, another relation or
--     one of the table's own functions, suggesting `relation =`.

local names = require("names")

local format = string.format

local M = {}

-- The plural of a DSL name, for the children's loader: track -> tracks,
-- category -> categories, box -> boxes, address -> addresses.
function M.plural(word)
    if word:match("[^aeiou]y$") then return word:sub(1, -2) .. "ies" end
    if word:match("[sxz]$") or word:match("[cs]h$") then
        return word .. "es"
    end
    return word .. "s"
end

-- The relation name a foreign key gets when none is given: its column
-- without `_id`, or for a composite key the parent table's name. nil when
-- there is none (a single column not ending in `_id`).
local function derived_name(fk)
    if #fk.cols > 1 then return fk.ref_table.name end
    return fk.cols[1].name:match("^(.+[^_])_id$")
end

-- Where a foreign key was declared: its column or its foreign_key entry.
local function place(fk)
    if fk.file then return fk end
    return fk.column or fk.cols[1]
end

local function describe(fk, t)
    if fk.column then
        return format("column '%s' of table '%s'", fk.column.name, t.name)
    end
    local cols = {}
    for i, c in ipairs(fk.cols) do cols[i] = c.name end
    return format("the foreign key (%s) of table '%s'",
                  table.concat(cols, ", "), t.name)
end

local RELATION_HINT = "name the relation with relation = \"...\""

-- The identifiers a table has without its relations, as a set: what a
-- relation's functions must not take.
local function own_idents(schema, t)
    local set = {}
    names.table_idents(schema, t, function(name) set[name] = true end)
    return set
end

-- Name the relations of table t (children side first: t's own keys).
local function name_relations(m, t, errs, notes)
    local own = own_idents(m.name, t)
    local taken = {}
    t.relations = {}
    for _, fk in ipairs(t.foreign_keys) do
        fk.rel_name = false -- until named below: no functions
        local name = fk.relation or derived_name(fk)
        local at = place(fk)
        if not name then
            notes[#notes + 1] = {
                file = at.file, line = at.line,
                message = format("%s references '%s' but has no relation "
                                 .. "functions: its name does not end in "
                                 .. "_id (name the relation with relation "
                                 .. "= \"...\" to get them)",
                                 describe(fk, t), fk.ref_table.name) }
        elseif t.by_name[name] then
            errs:addf(at, RELATION_HINT,
                      "relation '%s' of %s has the name of a column of "
                      .. "table '%s'", name, describe(fk, t), t.name)
        elseif taken[name] then
            errs:addf(at, RELATION_HINT,
                      "relation '%s' of %s is also the relation of %s",
                      name, describe(fk, t), describe(taken[name], t))
        else
            local clash
            for _, id in ipairs(M.relation_fn_names(t.prefix, name)) do
                if own[id] then clash = id break end
            end
            if clash then
                errs:addf(at, RELATION_HINT,
                          "relation '%s' of %s makes the function '%s', "
                          .. "which table '%s' already has", name,
                          describe(fk, t), clash, t.name)
            else
                taken[name] = fk
                fk.rel_name = name
                t.relations[#t.relations + 1] = {
                    name = name, fk = fk, child = t, parent = fk.ref_table,
                    fn = t.prefix .. "_" .. name }
            end
        end
    end
end

-- The names of the child-side functions of relation `name` of a table.
function M.relation_fn_names(prefix, name)
    local fn = prefix .. "_" .. name
    return { fn, prefix .. "_where_" .. name .. "_is",
             prefix .. "_where_" .. name .. "_in",
             prefix .. "_list_load_" .. name,
             prefix .. "_list_for_" .. name }
end

-- The key of t a foreign key references: { cols = column objects in the
-- key's order, order = the static array of their indexes, suffix = the
-- _list_find suffix } (the primary key: suffix "").
local function referenced_key(t, fk)
    local want = {}
    for _, c in ipairs(fk.ref_cols) do want[c] = true end
    local function same(cols)
        if #cols ~= #fk.ref_cols then return false end
        for _, c in ipairs(cols) do
            if not want[c] then return false end
        end
        return true
    end
    if #t.pk_cols > 0 and same(t.pk_cols) then
        return { cols = t.pk_cols, order = t.prefix .. "_pk_order",
                 suffix = "" }
    end
    for k, idx in ipairs(t.constraints) do
        if idx.unique and same(idx.col_objs) then
            return { cols = idx.col_objs,
                     order = format("%s_index%d_order", t.prefix, k - 1),
                     suffix = "_by_" .. names.by(idx.cols) }
        end
    end
    return nil
end

-- The loaders of the parent side and the keys to find by.
local function parent_side(m)
    for _, p in ipairs(m.tables) do
        p.children = {}
        p.find_keys = {}
        if #p.pk_cols > 0 then
            p.find_keys[1] = { cols = p.pk_cols, order = p.prefix
                               .. "_pk_order", suffix = "" }
        end
    end
    for _, t in ipairs(m.tables) do
        -- The loader is the plural of t's name alone when it is the only
        -- relation of t to that parent without inverse =.
        local per_parent = {}
        for _, r in ipairs(t.relations) do
            if not r.fk.inverse then
                per_parent[r.parent] = (per_parent[r.parent] or 0) + 1
            end
        end
        for _, r in ipairs(t.relations) do
            local p = r.parent
            local name = r.fk.inverse or M.plural(t.name)
            if not r.fk.inverse and per_parent[p] > 1 then
                name = name .. "_by_" .. r.name
            end
            r.children_name = name
            r.children_fn = p.prefix .. "_list_load_" .. name
            p.children[#p.children + 1] = r
            local key = referenced_key(p, r.fk)
            r.key = key
            local known = false
            for _, k in ipairs(p.find_keys) do
                if k.suffix == key.suffix then known = true end
            end
            if not known then p.find_keys[#p.find_keys + 1] = key end
        end
    end
end

-- Many-to-many: a table whose primary key is exactly the columns of two of
-- its named foreign keys joins their parents.
local function join_tables(m)
    for _, t in ipairs(m.tables) do t.links = {} end
    for _, j in ipairs(m.tables) do
        local pk = {}
        for _, c in ipairs(j.pk_cols) do pk[c] = true end
        local found
        for i, a in ipairs(j.relations) do
            for k = i + 1, #j.relations do
                local b = j.relations[k]
                local seen, ok = {}, true
                for _, r in ipairs { a, b } do
                    for _, c in ipairs(r.fk.cols) do
                        if not pk[c] or seen[c] then ok = false end
                        seen[c] = true
                    end
                end
                if ok and #a.fk.cols + #b.fk.cols == #j.pk_cols
                    and not found then
                    found = { a, b }
                end
            end
        end
        if found then
            local a, b = found[1], found[2]
            j.join = { a = a, b = b }
            local same = a.parent == b.parent
            -- rows of `to`'s parent linked to a row of `from`'s parent
            local function link(to, from)
                local name = to.parent.prefix .. "_where_" .. j.name
                if same then name = name .. "_" .. from.name end
                to.parent.links[#to.parent.links + 1] = {
                    fn = name .. "_is", join = j, to = to, from = from }
            end
            link(b, a)
            link(a, b)
        end
    end
end

-- Name the relations of checked, modelled schema m: t.relations (the
-- table's own keys that have a name), t.children (relations whose parent
-- it is), t.find_keys (the keys _list_find searches by), t.links (the
-- many-to-many filters), fk.rel_name. Errors go to errs; notes are
-- returned as { file, line, message }.
function M.derive(m, errs)
    local notes = {}
    for _, t in ipairs(m.tables) do
        for _, fk in ipairs(t.foreign_keys) do fk.table_prefix = t.prefix end
    end
    for _, t in ipairs(m.tables) do name_relations(m, t, errs, notes) end
    parent_side(m)
    join_tables(m)
    return notes
end

-- The identifiers the relations give table t, each passed to
-- add(name, what), for the collision check.
function M.idents(t, add)
    for _, r in ipairs(t.relations or {}) do
        local what = format("a function of relation '%s'", r.name)
        for _, id in ipairs(M.relation_fn_names(t.prefix, r.name)) do
            add(id, what)
        end
    end
    for _, r in ipairs(t.children or {}) do
        add(r.children_fn, format("the children loader of relation '%s' of "
                                  .. "table '%s'", r.name, r.child.name))
    end
    for _, k in ipairs(t.find_keys or {}) do
        add(t.prefix .. "_list_find" .. k.suffix, "the function _list_find"
            .. k.suffix)
    end
    if #(t.pk_cols or {}) > 0 then
        add(t.prefix .. "_list_sort", "the function _list_sort")
    end
    for _, l in ipairs(t.links or {}) do
        add(l.fn, format("the many-to-many filter through table '%s'",
                         l.join.name))
    end
    for _, fk in ipairs(t.foreign_keys or {}) do
        if fk.index == 0 then
            add(t.prefix .. "_foreign_keys", "a static descriptor")
        end
        for _, side in ipairs { "child", "parent" } do
            add(format("%s_fk%d_%s", t.prefix, fk.index, side),
                "a static descriptor")
        end
    end
end

return M
