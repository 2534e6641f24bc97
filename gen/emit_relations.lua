-- emit_relations.lua: the relation functions of a table (docs/relations.md),
-- as relations.lua named them: their declarations with the comments the
-- header shows (api.lua appends them to the table's functions) and their
-- bodies (emit_c_source.lua defines them). Each body is one call of the
-- engine's relation functions with the foreign key's descriptor,
-- &<prefix>_foreign_keys[i].

local cgen = require("cgen")

local format, concat = string.format, table.concat
local decl = cgen.decl

local M = {}

local function quoted_list(cols)
    local out = {}
    for i, c in ipairs(cols) do out[i] = c.sql_ident end
    return concat(out, ", ")
end

local function names_of(cols)
    local out = {}
    for i, c in ipairs(cols) do out[i] = c.name end
    return concat(out, ", ")
end

-- "(\"a\", \"b\")" for a composite key, "\"a\"" for one column.
local function sql_key(cols)
    if #cols == 1 then return cols[1].sql_ident end
    return "(" .. quoted_list(cols) .. ")"
end

-- The condition a loader sends per batch of keys on the columns cols:
-- "\"id\" IN ($1, ...)", and on PostgreSQL for a key of one column of a
-- type it has arrays of, one array parameter.
local ARRAY_TYPES = { integer = true, bigint = true, serial = true,
                      text = true, uuid = true }
local function batch_condition(cols)
    if #cols == 1 then
        local text = cols[1].sql_ident .. " IN ($1, ...)"
        if ARRAY_TYPES[cols[1].type] then
            text = text .. format(" (on PostgreSQL %s = ANY($1), the keys "
                                  .. "as one array)", cols[1].sql_ident)
        end
        return text
    end
    local ps = {}
    for i = 1, #cols do ps[i] = "$" .. i end
    return "(" .. quoted_list(cols) .. ") IN ((" .. concat(ps, ", ")
        .. "), ...)"
end

-- "customer_id is" or "(a, b) are": a key as the subject of a sentence.
local function key_is(cols)
    if #cols == 1 then return cols[1].name .. " is" end
    return "(" .. names_of(cols) .. ") are"
end

local function where_equal(cols)
    local out = {}
    for i, c in ipairs(cols) do out[i] = format("%s = $%d", c.sql_ident, i) end
    return concat(out, " AND ")
end

-- The groups of the relation functions of table t, in api.lua's shape.
function M.functions(t)
    local out = {}
    local p = t.prefix
    for _, r in ipairs(t.relations or {}) do
        local fk, parent = r.fk, r.parent
        local pp = parent.prefix
        local keys = names_of(fk.cols)
        local ptbl = format("\"%s\"", parent.sql_name)
        out[#out + 1] = {
            doc = {
                format("Relation %s: %s (%s) references %s (%s).", r.name,
                       p, keys, pp, names_of(fk.ref_cols)),
                "",
                format("%s(): the %s row of row into *out, which then owns "
                       .. "its data (release it with %s_free()). Returns "
                       .. "ORMC_OK, ORMC_NOT_FOUND when %s of row is NULL "
                       .. "(nothing is sent) or no %s row has the key, or an "
                       .. "error. One SELECT of every column of %s WHERE %s.",
                       r.fn, parent.name, pp, keys, parent.name, ptbl,
                       where_equal(fk.ref_cols)),
                "",
                format("_where_%s_is(): narrow q to the rows whose %s "
                       .. "parent's %s (%s = $n); parent is borrowed until q "
                       .. "has run. _where_%s_in(): narrow q to the rows "
                       .. "whose %s the %s of a row that parents matches: "
                       .. "%s IN (SELECT %s FROM %s WHERE <parents' "
                       .. "conditions>), parents' order, limit and offset "
                       .. "included; parents is borrowed until q has run.",
                       r.name, key_is(fk.cols), names_of(fk.ref_cols),
                       sql_key(fk.cols), r.name, key_is(fk.cols),
                       names_of(fk.ref_cols), sql_key(fk.cols),
                       quoted_list(fk.ref_cols), ptbl),
                "",
                format("_list_load_%s(): the distinct %s rows of the rows "
                       .. "of list (NULL keys skipped) into *parents, sorted "
                       .. "by key for %s_list_find%s(); release them with "
                       .. "%s_list_free(), also after an error. One SELECT of "
                       .. "every column of %s WHERE %s per "
                       .. "ORMC_RELATION_BATCH distinct keys; an empty list "
                       .. "sends nothing.", r.name, parent.name, pp,
                       r.key.suffix, pp, ptbl, batch_condition(fk.ref_cols)),
                "",
                format("_list_for_%s(): in a list sorted by %s (as %s() "
                       .. "returns it), the first row whose %s "
                       .. "parent's, with in *n how many such rows follow "
                       .. "one another; NULL and 0 when there are none. Runs "
                       .. "no SQL.", r.name, keys, r.children_fn, key_is(fk.cols)),
            },
            { id = "rel_parent", rel = r, ret = "int ", name = r.fn,
              args = { "ormc_db *db", "const " .. p .. " *row",
                       pp .. " *out", out = 3 } },
            { id = "rel_where_is", rel = r, ret = "void ",
              name = p .. "_where_" .. r.name .. "_is",
              args = { p .. "_query *q", "const " .. pp .. " *parent" } },
            { id = "rel_where_in", rel = r, ret = "void ",
              name = p .. "_where_" .. r.name .. "_in",
              args = { p .. "_query *q",
                       "const " .. pp .. "_query *parents" } },
            { id = "rel_load_parents", rel = r, ret = "int ",
              name = p .. "_list_load_" .. r.name,
              args = { "ormc_db *db", "const " .. p .. "_list *list",
                       pp .. "_list *parents", out = 3 } },
            { id = "rel_children_of", rel = r, ret = "const " .. p .. " *",
              name = p .. "_list_for_" .. r.name,
              args = { "const " .. p .. "_list *list",
                       "const " .. pp .. " *parent", "size_t *n", out = 3 } },
        }
    end
    for _, r in ipairs(t.children or {}) do
        local c = r.child
        local cp = c.prefix
        out[#out + 1] = {
            doc = { format("The %s rows whose %s (relation %s) reference a "
                           .. "row of list, into *children, sorted by %s "
                           .. "then by primary key: %s_list_for_%s() gives "
                           .. "each parent's. Release them with "
                           .. "%s_list_free(), also after an error. One "
                           .. "SELECT of every column of \"%s\" WHERE %s "
                           .. "per ORMC_RELATION_BATCH distinct keys; an "
                           .. "empty list sends nothing.", c.name,
                           names_of(r.fk.cols), r.name, names_of(r.fk.cols),
                           cp, r.name, cp, c.sql_name,
                           batch_condition(r.fk.cols)) },
            { id = "rel_load_children", rel = r, ret = "int ",
              name = r.children_fn,
              args = { "ormc_db *db", "const " .. p .. "_list *list",
                       cp .. "_list *children", out = 3 } },
        }
    end
    for _, k in ipairs(t.find_keys or {}) do
        local args = { "const " .. p .. "_list *list" }
        for _, c in ipairs(k.cols) do args[#args + 1] = decl(c.ctype, c.name) end
        local g = {
            doc = { format("Binary search in a list sorted by (%s), as the "
                           .. "relation loaders return it%s: the row whose "
                           .. "(%s) equal the arguments, or NULL. Runs no "
                           .. "SQL.", names_of(k.cols),
                           k.suffix == "" and format(" (or after "
                               .. "%s_list_sort())", p) or "",
                           names_of(k.cols)) },
            { id = "rel_find", key = k, ret = "const " .. p .. " *",
              name = p .. "_list_find" .. k.suffix, args = args },
        }
        if k.suffix == "" then
            g.doc[1] = g.doc[1] .. format(" %s_list_sort() sorts a list by "
                                          .. "primary key, stably.", p)
            g[2] = { id = "rel_sort", key = k, ret = "void ",
                     name = p .. "_list_sort",
                     args = { p .. "_list *list" } }
        end
        out[#out + 1] = g
    end
    for _, l in ipairs(t.links or {}) do
        local fp = l.from.parent.prefix
        out[#out + 1] = {
            doc = { format("Many-to-many through \"%s\": narrow q to the rows "
                           .. "linked to `linked` by a row of %s: %s IN "
                           .. "(SELECT %s FROM \"%s\" WHERE %s); linked is "
                           .. "borrowed until q has run.", l.join.sql_name,
                           l.join.prefix, sql_key(l.to.fk.ref_cols),
                           quoted_list(l.to.fk.cols), l.join.sql_name,
                           where_equal(l.from.fk.cols)) },
            { id = "rel_link", link = l, ret = "void ", name = l.fn,
              args = { p .. "_query *q", "const " .. fp .. " *linked" } },
        }
    end
    return out
end

local function fk_ref(fk)
    return format("&%s_foreign_keys[%d]", fk.table_prefix, fk.index)
end

-- Add the bodies of the relation functions to BODY (emit_c_source.lua's
-- table, by id); h holds its helpers call_lines(lead, fn, args) and
-- fill_key(lines, cols).
function M.bodies(BODY, h)
    local QB = "q ? &q->b : NULL"
    local LIST_ITEMS = "list ? list->items : NULL"
    local LIST_COUNT = "list ? list->count : 0"
    function BODY.rel_parent(_, f)
        return h.call_lines("return ", "ormc_relation_parent",
                            { "db", fk_ref(f.rel.fk), "row", "out" })
    end
    function BODY.rel_where_is(_, f)
        return h.call_lines("", "ormc_builder_where_parent",
                            { QB, fk_ref(f.rel.fk), "parent" })
    end
    function BODY.rel_where_in(_, f)
        return h.call_lines("", "ormc_builder_where_parent_in",
                            { QB, fk_ref(f.rel.fk),
                              "parents ? &parents->b : NULL" })
    end
    -- A loader: like _all, the output list emptied first.
    local function loader(engine, fk, out_name, out_type)
        local lines = {
            "void *items = NULL;",
            "int rc;",
            "",
            format("if (%s == NULL)", out_name),
            "    return ORMC_INVALID;",
            format("%s->items = NULL;", out_name),
            format("%s->count = 0;", out_name),
        }
        for _, l in ipairs(h.call_lines("rc = ", engine,
                                        { "db", fk_ref(fk), LIST_ITEMS,
                                          LIST_COUNT, "&items",
                                          "&" .. out_name .. "->count" })) do
            lines[#lines + 1] = l
        end
        lines[#lines + 1] = format("%s->items = (%s *)items;", out_name,
                                   out_type)
        lines[#lines + 1] = "return rc;"
        return lines
    end
    function BODY.rel_load_parents(_, f)
        return loader("ormc_relation_load_parents", f.rel.fk, "parents",
                      f.rel.parent.prefix)
    end
    function BODY.rel_load_children(_, f)
        return loader("ormc_relation_load_children", f.rel.fk, "children",
                      f.rel.child.prefix)
    end
    function BODY.rel_children_of(t, f)
        return h.call_lines(format("return (const %s *)", t.prefix),
                            "ormc_relation_children_of",
                            { fk_ref(f.rel.fk), LIST_ITEMS, LIST_COUNT,
                              "parent", "n" })
    end
    function BODY.rel_find(t, f)
        local lines = { t.prefix .. " key_;", "" }
        h.fill_key(lines, f.key.cols)
        for _, l in ipairs(h.call_lines(format("return (const %s *)",
                                               t.prefix),
                                        "ormc_list_find",
                                        { "&" .. t.prefix .. "_table",
                                          LIST_ITEMS, LIST_COUNT,
                                          f.key.order,
                                          tostring(#f.key.cols),
                                          "&key_" })) do
            lines[#lines + 1] = l
        end
        return lines
    end
    function BODY.rel_sort(t, f)
        local lines = { "if (list == NULL)", "    return;" }
        for _, l in ipairs(h.call_lines("", "ormc_list_sort",
                                        { "&" .. t.prefix .. "_table",
                                          "list->items", "list->count",
                                          f.key.order,
                                          tostring(#f.key.cols) })) do
            lines[#lines + 1] = l
        end
        return lines
    end
    function BODY.rel_link(_, f)
        local l = f.link
        return h.call_lines("", "ormc_builder_where_linked",
                            { QB, fk_ref(l.to.fk), fk_ref(l.from.fk),
                              "linked" })
    end
end

return M
