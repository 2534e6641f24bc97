-- emit_doc.lua: `ormc doc`, a picture of a schema for people: NAME.dot (a
-- Graphviz entity-relationship diagram: each table with its columns, types
-- and keys, an edge per foreign key labelled with its relation) and NAME.md
-- (a Markdown page of the tables, their columns and docs, and the
-- relations), optionally with a Mermaid erDiagram in it. Reads the model
-- only, like the other emitters; ormc.lua renders NAME.svg with `dot`.

local util = require("util")
local NOW = require("model").NOW

local format, concat = string.format, table.concat

local M = {}

-- A column's type as the schema declares it: text's max and an enum's
-- labels included.
local function type_of(c)
    if c.type == "text" and c.max then
        return format("text(%d)", c.max)
    elseif c.type == "enum" then
        return "enum(" .. concat(c.labels or {}, ", ") .. ")"
    end
    return c.type
end

-- The foreign keys column c is part of.
local function fk_cols(t)
    local set = {}
    for _, fk in ipairs(t.foreign_keys) do
        for _, c in ipairs(fk.cols) do set[c] = true end
    end
    return set
end

-- A column's keys, short: PK, FK, UQ (a unique key of its own).
local function keys_of(t, c, in_fk)
    local k = {}
    if c.pk then k[#k + 1] = "PK" end
    if in_fk[c] then k[#k + 1] = "FK" end
    if c.unique then k[#k + 1] = "UQ" end
    return k
end

-- The name an edge and the page give a foreign key: its relation's, or,
-- when it has no relation functions, its constraint's.
local function relation_of(fk)
    return fk.rel_name or fk.sql_name
end

local function col_list(cols)
    local out = {}
    for i, c in ipairs(cols) do out[i] = c.name end
    return concat(out, ", ")
end

-- Graphviz ---------------------------------------------------------------

-- Text inside an HTML-like label.
local function html(s)
    return (tostring(s):gsub("[&<>\"]", { ["&"] = "&amp;", ["<"] = "&lt;",
                                          [">"] = "&gt;",
                                          ['"'] = "&quot;" }))
end

-- A double-quoted DOT ID.
local function id(s)
    return '"' .. tostring(s):gsub('[\\"]', "\\%0"):gsub("\n", "\\n") .. '"'
end

function M.dot(m, banner)
    local b = util.buffer()
    b:line("// %s", banner)
    b:line("digraph %s {", id(m.name))
    b:line("    graph [rankdir=LR, fontname=\"Helvetica\", label=%s];",
           id("schema " .. m.name))
    b:line("    node [shape=plaintext, fontname=\"Helvetica\"];")
    b:line("    edge [fontname=\"Helvetica\", fontsize=10, "
           .. "arrowhead=crow, arrowtail=none];")
    for _, t in ipairs(m.tables) do
        local in_fk = fk_cols(t)
        b:line()
        b:line("    %s [label=<", id(t.name))
        b:line("<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" "
               .. "CELLPADDING=\"4\">")
        b:line("<TR><TD COLSPAN=\"3\" BGCOLOR=\"lightgrey\"><B>%s</B></TD>"
               .. "</TR>", html(t.name))
        for _, c in ipairs(t.columns) do
            local name = html(c.name)
            if c.not_null or c.pk then name = "<B>" .. name .. "</B>" end
            b:line("<TR><TD PORT=%s ALIGN=\"LEFT\">%s</TD>"
                   .. "<TD ALIGN=\"LEFT\">%s</TD><TD>%s</TD></TR>",
                   id(html(c.name)), name, html(type_of(c)),
                   html(concat(keys_of(t, c, in_fk), " ")))
        end
        b:line("</TABLE>>];")
    end
    b:line()
    -- An edge per foreign key, from the referencing table to the one it
    -- references; a single-column key goes between the two columns, a
    -- composite one between the tables, its columns in the label.
    for _, t in ipairs(m.tables) do
        for _, fk in ipairs(t.foreign_keys) do
            local label = relation_of(fk)
            local from, to
            if #fk.cols == 1 then
                from = id(t.name) .. ":" .. id(html(fk.cols[1].name))
                to = id(fk.ref_table.name) .. ":"
                    .. id(html(fk.ref_cols[1].name))
            else
                from, to = id(t.name), id(fk.ref_table.name)
                label = format("%s\n(%s) -> (%s)", label, col_list(fk.cols),
                               col_list(fk.ref_cols))
            end
            b:line("    %s -> %s [label=%s];", from, to, id(label))
        end
    end
    b:line("}")
    return b:text()
end

-- Markdown ---------------------------------------------------------------

-- Text in a Markdown table cell: one line, pipes escaped.
local function cell(s)
    return (tostring(s):gsub("%s+", " "):gsub("|", "\\|"))
end

-- An identifier as Mermaid takes it: letters, digits, _ and -.
local function mermaid_id(s)
    return (tostring(s):gsub("[^%w_-]", "_"))
end

local function mermaid(m, b)
    b:line("```mermaid")
    b:line("erDiagram")
    for _, t in ipairs(m.tables) do
        local in_fk = fk_cols(t)
        b:line("    %s {", mermaid_id(t.name))
        for _, c in ipairs(t.columns) do
            local keys = {}
            for _, k in ipairs(keys_of(t, c, in_fk)) do
                keys[#keys + 1] = k == "UQ" and "UK" or k
            end
            b:line("        %s %s%s", mermaid_id(c.type), mermaid_id(c.name),
                   #keys > 0 and " " .. concat(keys, ",") or "")
        end
        b:line("    }")
    end
    for _, t in ipairs(m.tables) do
        for _, fk in ipairs(t.foreign_keys) do
            -- Each child row has zero or one parent (one when the key is
            -- not null); a parent has any number of children.
            local required = true
            for _, c in ipairs(fk.cols) do
                if not c.not_null and not c.pk then required = false end
            end
            b:line("    %s %s--o{ %s : %s", mermaid_id(fk.ref_table.name),
                   required and "||" or "|o", mermaid_id(t.name),
                   id(relation_of(fk)))
        end
    end
    b:line("```")
end

function M.markdown(m, banner, opts)
    local b = util.buffer()
    b:line("<!-- %s -->", banner)
    b:line()
    b:line("# Schema %s", m.name)
    if m.doc then
        b:line()
        b:line("%s", m.doc)
    end
    b:line()
    b:line("Tables: %s.", (function()
        local out = {}
        for i, t in ipairs(m.tables) do
            out[i] = format("[%s](#table-%s)", t.name, t.name:lower())
        end
        return concat(out, ", ")
    end)())
    if opts.mermaid then
        b:line()
        mermaid(m, b)
    end
    for _, t in ipairs(m.tables) do
        local in_fk = fk_cols(t)
        b:line()
        b:line("## Table %s", t.name)
        b:line()
        if t.doc then
            b:line("%s", t.doc)
            b:line()
        end
        b:line("| column | type | null | keys | default | doc |")
        b:line("|---|---|---|---|---|---|")
        for _, c in ipairs(t.columns) do
            local default = ""
            if c.default == NOW then
                default = "now"
            elseif c.default ~= nil then
                default = "`" .. cell(tostring(c.default)) .. "`"
            end
            b:line("| %s | %s | %s | %s | %s | %s |", cell(c.name),
                   cell(type_of(c)), (c.not_null or c.pk) and "no" or "yes",
                   concat(keys_of(t, c, in_fk), " "), default,
                   cell(c.doc or ""))
        end
        if #t.pk > 1 then
            b:line()
            b:line("Primary key: (%s).", concat(t.pk, ", "))
        end
        for _, k in ipairs(t.constraints) do
            if #k.cols > 1 then
                b:line()
                b:line("%s: (%s).", k.unique and "Unique" or "Index",
                       concat(k.cols, ", "))
            end
        end
        if #t.foreign_keys > 0 then
            b:line()
            b:line("Relations:")
            b:line()
            for _, fk in ipairs(t.foreign_keys) do
                local text = format("- **%s**: (%s) references [%s]"
                                    .. "(#table-%s) (%s)",
                                    cell(relation_of(fk)), col_list(fk.cols),
                                    fk.ref_table.name,
                                    fk.ref_table.name:lower(),
                                    col_list(fk.ref_cols))
                if fk.on_delete then
                    text = text .. ", on delete " .. fk.on_delete
                end
                if not fk.rel_name then
                    text = text .. ", no relation functions"
                end
                if fk.doc then text = text .. ". " .. cell(fk.doc) end
                b:line("%s", text)
            end
        end
    end
    return b:text()
end

return M
