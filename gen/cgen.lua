-- cgen.lua: what the C header and C source emitters share: declarations,
-- literals, aligned struct fields, wrapped string literals and the
-- descriptions of columns used in comments.

local util = require("util")
local model = require("model")
local emit_postgres = require("emit_postgres")

local format, concat, rep = string.format, table.concat, string.rep

local M = {}

M.WIDTH = 80

-- "int64_t id", "const char *name": a declaration of `name` with C type
-- `ctype`.
function M.decl(ctype, name)
    if ctype:sub(-1) == "*" then return ctype .. name end
    return ctype .. " " .. name
end

-- A declaration list "a, b, c" broken after commas so that no line is longer
-- than WIDTH; `head` is what comes before the opening parenthesis, `tail`
-- what follows the closing one. Continuation lines align after the '('.
-- `used`: columns taken by an indent the caller adds (default 0).
function M.call_lines(head, args, tail, used)
    local width = M.WIDTH - (used or 0)
    local one = head .. "(" .. concat(args, ", ") .. ")" .. tail
    if #one <= width then return { one } end
    local function pack(first, indent)
        local lines, cur = {}, first
        for i, a in ipairs(args) do
            local piece = a .. (i < #args and "," or (")" .. tail))
            local fresh = cur == first
            local sep = fresh and "" or " "
            if not fresh and #cur + #sep + #piece > width then
                lines[#lines + 1] = cur
                cur = indent .. piece
            else
                cur = cur .. sep .. piece
            end
        end
        lines[#lines + 1] = cur
        return lines
    end
    -- Arguments aligned after the '(', as long as that fits; else all of
    -- them on continuation lines indented by four.
    local lines = pack(head .. "(", rep(" ", #head + 1))
    for _, l in ipairs(lines) do
        if #l > width then
            local lead = head:match("^(%s*)") .. "    "
            local rest = pack(lead, lead)
            table.insert(rest, 1, head .. "(")
            return rest
        end
    end
    return lines
end

-- The pieces of a long string as C literal lines, each at most WIDTH wide
-- after `indent`; breaks go after spaces. Returns a list of lines (with the
-- indent and quotes, without separators).
function M.literal_lines(s, indent, width)
    width = width or M.WIDTH
    local room = width - #indent - 2
    local whole = util.c_escape(s)
    if #whole <= room then return { indent .. '"' .. whole .. '"' } end
    local words = {}
    for w in s:gmatch(" *[^ ]+ *") do words[#words + 1] = w end
    if #words == 0 then words[1] = s end
    local lines, cur = {}, ""
    for _, w in ipairs(words) do
        local ew = util.c_escape(w)
        if cur ~= "" and #cur + #ew > room then
            lines[#lines + 1] = indent .. '"' .. cur .. '"'
            cur = ew
        else
            cur = cur .. ew
        end
    end
    lines[#lines + 1] = indent .. '"' .. cur .. '"'
    return lines
end

-- A multi-line text (DDL) as C literal lines: one literal per line of the
-- text, each ending in \n except the last.
function M.text_literal_lines(s, indent)
    local out = {}
    local lines = {}
    for l in (s .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = l end
    for i, l in ipairs(lines) do
        local body = l .. (i < #lines and "\n" or "")
        for _, piece in ipairs(M.literal_lines(body, indent)) do
            out[#out + 1] = piece
        end
    end
    return out
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
    return emit_postgres.dialect.column_type(c)
end

-- A short description of a default, for comments.
function M.default_desc(c)
    local v = c.default
    if v == nil then return nil end
    if v == model.NOW then return "default now" end
    if c.type == "text" or c.type == "json" or c.type == "enum"
        or c.type == "uuid" then
        return "default " .. util.sql_string(v)
    end
    return "default " .. M.default_c(c, v)
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
