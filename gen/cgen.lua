-- cgen.lua: what the C header and C source emitters share: declarations,
-- literals, aligned struct fields, wrapped string literals and the
-- descriptions of columns used in comments.

local util = require("util")
local model = require("model")
local dialect = require("dialect")

local format, concat, rep, sub, find = string.format, table.concat,
    string.rep, string.sub, string.find
local c_escape = util.c_escape

local M = {}

M.WIDTH = 80

-- "int64_t id", "const char *name": a declaration of `name` with C type
-- `ctype`.
function M.decl(ctype, name)
    if ctype:sub(-1) == "*" then return ctype .. name end
    return ctype .. " " .. name
end

-- The pieces packed into lines: the first line starts with `first`, the
-- others with `indent`; pieces are separated by a space, and a piece that
-- would pass `width` starts a new line (the first piece never does).
-- Returns the lines and the length of the longest. Lengths are added up
-- rather than strings built, so each line is joined once.
local function pack(pieces, first, indent, width)
    local lines, longest = {}, 0
    local lead, from, len = first, 1, #first -- line: lead .. pieces[from..]
    for i = 1, #pieces do
        local n = #pieces[i]
        if i > from and len + 1 + n > width then
            local line = lead .. concat(pieces, " ", from, i - 1)
            lines[#lines + 1] = line
            if #line > longest then longest = #line end
            lead, from, len = indent, i, #indent + n
        elseif i == from then
            len = len + n
        else
            len = len + 1 + n
        end
    end
    local line = lead .. concat(pieces, " ", from, #pieces)
    lines[#lines + 1] = line
    if #line > longest then longest = #line end
    return lines, longest
end

-- A declaration list "a, b, c" broken after commas so that no line is longer
-- than WIDTH; `head` is what comes before the opening parenthesis, `tail`
-- what follows the closing one. Continuation lines align after the '('.
-- `used`: columns taken by an indent the caller adds (default 0).
function M.call_lines(head, args, tail, used)
    local width = M.WIDTH - (used or 0)
    local n = #args
    -- The length of the one-line form, to make it only when it fits.
    local len = #head + 2 + #tail + (n > 1 and 2 * (n - 1) or 0)
    for i = 1, n do len = len + #args[i] end
    if len <= width then
        return { head .. "(" .. concat(args, ", ") .. ")" .. tail }
    end
    local pieces = {}
    for i = 1, n - 1 do pieces[i] = args[i] .. "," end
    if n > 0 then pieces[n] = args[n] .. ")" .. tail end
    -- Arguments aligned after the '(', as long as that fits; else all of
    -- them on continuation lines indented by four.
    local lines, longest = pack(pieces, head .. "(", rep(" ", #head + 1),
                                width)
    if longest <= width then return lines end
    local lead = head:match("^(%s*)") .. "    "
    lines = pack(pieces, lead, lead, width)
    table.insert(lines, 1, head .. "(")
    return lines
end

-- Append to `out` the C literal lines of `whole`, a text already escaped
-- for C, each at most `room` characters between its quotes; breaks go
-- after spaces. Escaping leaves spaces alone and makes no new ones, so the
-- words of the escaped text are the escaped words. Words (with the spaces
-- around them) follow each other without gaps; the current line is
-- whole:sub(from, to).
local function add_literal_lines(out, whole, indent, room)
    if #whole <= room then
        out[#out + 1] = indent .. '"' .. whole .. '"'
        return out
    end
    local from, to = 1, 0
    for ws, we in whole:gmatch("() *[^ ]+ *()") do
        if to >= from and to - from + 1 + we - ws > room then
            out[#out + 1] = indent .. '"' .. sub(whole, from, to) .. '"'
            from = ws
        end
        to = we - 1
    end
    out[#out + 1] = indent .. '"' .. sub(whole, from) .. '"'
    return out
end

-- The pieces of a long string as C literal lines, each at most WIDTH wide
-- after `indent`; breaks go after spaces. Returns a list of lines (with the
-- indent and quotes, without separators).
function M.literal_lines(s, indent, width)
    local whole = c_escape(s)
    if #whole > util.longest_literal then util.longest_literal = #whole end
    return add_literal_lines({}, whole, indent,
                             (width or M.WIDTH) - #indent - 2)
end

-- A multi-line text (DDL) as C literal lines: one literal per line of the
-- text, each ending in \n except the last. The whole text is escaped at
-- once, then cut at its real newlines.
function M.text_literal_lines(s, indent)
    local whole = util.c_escape_lines(s)
    if #whole > util.longest_literal then util.longest_literal = #whole end
    local out, from, room = {}, 1, M.WIDTH - #indent - 2
    while true do
        local nl = find(whole, "\n", from, true)
        if nl == nil then
            return add_literal_lines(out, sub(whole, from), indent, room)
        end
        add_literal_lines(out, sub(whole, from, nl - 1), indent, room)
        from = nl + 1
    end
end

-- The C initializer of a default value.
function M.default_c(c, v)
    local t = c.type
    if t == "boolean" then return v and "true" or "false" end
    if t == "integer" then return format("%d", v) end
    if t == "bigint" then
        if v == math.mininteger then return "INT64_MIN" end
        if v >= -2147483647 and v <= 2147483647 then
            return format("%d", v)
        end
        return format("INT64_C(%d)", v)
    end
    if t == "double" then return util.double(v) end
    if c.default_array then return c.default_array end
    if t == "text" or t == "json" then return util.c_string(v) end
    if t == "enum" then
        for i, l in ipairs(c.labels) do
            if l == v then return c.label_consts[i] end
        end
    end
    if t == "uuid" then
        local hex = v:gsub("-", "")
        local bytes = {}
        for i = 1, 32, 2 do
            bytes[#bytes + 1] = "0x" .. hex:sub(i, i + 1)
        end
        return "{ { " .. concat(bytes, ", ") .. " } }"
    end
    error("no C literal for a default of type " .. t)
end

-- The designated initializers of a row's literal defaults.
function M.init_items(t)
    local items = {}
    for _, c in ipairs(t.columns) do
        if c.default ~= nil and c.default ~= model.NOW then
            if c.has_field then
                items[#items + 1] = format(".has_%s = true", c.name)
            end
            items[#items + 1] = format(".%s = %s", c.name,
                                       M.default_c(c, c.default))
        end
    end
    if #items == 0 then items[1] = ".ormc_owned = NULL" end
    return items
end

-- The SQL type of a column as PostgreSQL names it (the more telling of the
-- two dialects), for comments.
function M.sql_type(c)
    if c.type == "enum" then return "enum" end
    return dialect.postgres.column_type(c)
end

-- A short description of a default, for comments.
function M.default_desc(c)
    local v = c.default
    if v == nil then return nil end
    -- server_default = false: the application's, not the database's
    local where = c.app_default
        and " (server_default = false: not in the database)" or ""
    if v == model.NOW then return "default now" .. where end
    if c.type == "text" or c.type == "json" or c.type == "enum"
        or c.type == "uuid" then
        return "default " .. util.sql_string(v) .. where
    end
    return "default " .. M.default_c(c, v) .. where
end

-- `A | B | C` over column macros, wrapped after `|` to fit after `indent`.
function M.colset(cols, indent)
    if #cols == 0 then return { "0" } end
    local lines, cur = {}, ""
    for i, c in ipairs(cols) do
        local piece = c.macro .. (i < #cols and " |" or "")
        if cur ~= "" and #indent + #cur + 1 + #piece > M.WIDTH - 1 then
            lines[#lines + 1] = cur
            cur = piece
        else
            cur = cur == "" and piece or (cur .. " " .. piece)
        end
    end
    lines[#lines + 1] = cur
    return lines
end

-- Struct fields with aligned trailing comments: fields is a list of
-- { decl = "int64_t id;", comment = "text" }. A comment that would push a
-- line past WIDTH goes above its field instead, wrapped.
function M.fields(b, indent, fields)
    local width = 0
    for _, f in ipairs(fields) do
        if #indent + #f.decl + 4 + #f.comment + 3 <= M.WIDTH then
            width = math.max(width, #f.decl)
        end
    end
    for _, f in ipairs(fields) do
        f.comment = util.comment_safe(f.comment)
        local inline = indent .. util.pad(f.decl, width) .. " /* "
            .. f.comment .. " */"
        if f.above then
            for _, l in ipairs(util.wrap(f.above, M.WIDTH - #indent - 3)) do
                b:line("%s/* %s */", indent, l)
            end
        end
        if #inline <= M.WIDTH then
            b:line("%s", inline)
        else
            util.comment(b, indent, f.comment)
            b:line("%s%s", indent, f.decl)
        end
    end
end

-- The banner line of every generated file.
function M.banner(version, path)
    return format("Generated by ormc %s from %s. Do not edit.", version, path)
end

return M
