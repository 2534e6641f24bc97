-- check_values.lua: the values a column declares: its default, checked
-- against its type (range, UTF-8, max, JSON, UUID, enum label), and an
-- enum's labels (present, distinct, each with its own C name).

local names = require("names")
local util = require("util")
local load = require("load")
local opt = require("check_options")

local format, type, concat = string.format, type, table.concat
local as_integer, lua_type_name = opt.as_integer, opt.lua_type_name

local M = {}

local NOW = load.NOW

-- Is `s` valid UTF-8 without NUL bytes?
local function clean_text(s)
    return utf8.len(s) ~= nil and not s:find("\0", 1, true)
end

-- The default of column c (raw value v), checked against its type.
-- Returns the normalized default or nil.
local function check_default(errs, c, v)
    local what = format("column '%s'", c.name)
    local t = c.type
    local function bad(hint, fmt, ...)
        errs:addf(c, hint, fmt, ...)
        return nil
    end
    if v == NOW then
        if t ~= "timestamp" then
            return bad("now is the default of timestamp columns only",
                       "default of %s (%s) cannot be now", what, t)
        end
        return NOW
    end
    if t == "timestamp" then
        return bad("a timestamp's default can only be now",
                   "default of %s (timestamp) must be now, not %s", what,
                   lua_type_name(v))
    elseif t == "serial" then
        return bad("the database assigns a serial",
                   "%s is serial and cannot have a default", what)
    elseif t == "blob" then
        return bad(nil, "%s (blob) cannot have a default", what)
    elseif t == "integer" or t == "bigint" then
        local i = as_integer(v)
        if i == nil then
            return bad(nil, "default of %s (%s) must be an integer, not %s",
                       what, t, lua_type_name(v))
        end
        if t == "integer" and (i < -2147483648 or i > 2147483647) then
            return bad("an integer column holds 32 bits; use bigint",
                       "default %d of %s is out of range", i, what)
        end
        return i
    elseif t == "double" then
        if type(v) ~= "number" then
            return bad(nil, "default of %s (double) must be a number, not %s",
                       what, lua_type_name(v))
        end
        if v ~= v or v == math.huge or v == -math.huge then
            return bad(nil, "default of %s must be a finite number", what)
        end
        return v + 0.0
    elseif t == "boolean" then
        if type(v) ~= "boolean" then
            return bad("write true or false",
                       "default of %s (boolean) must be true or false, not %s",
                       what, lua_type_name(v))
        end
        return v
    elseif t == "text" or t == "json" then
        if type(v) ~= "string" then
            return bad(nil, "default of %s (%s) must be a string, not %s",
                       what, t, lua_type_name(v))
        end
        if not clean_text(v) then
            return bad(nil, "default of %s must be UTF-8 text without NUL",
                       what)
        end
        if c.max and utf8.len(v) > c.max then
            return bad(nil, "default of %s is longer than its max of %d",
                       what, c.max)
        end
        if t == "json" then
            local ok, why = util.json_check(v)
            if not ok then
                return bad("PostgreSQL refuses it in CREATE TABLE",
                           "default of %s (json) is not valid JSON: %s",
                           what, why)
            end
        end
        return v
    elseif t == "uuid" then
        if type(v) ~= "string" or not v:lower():match(
                "^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-"
                .. "%x%x%x%x%x%x%x%x%x%x%x%x$") then
            return bad("write it as 8-4-4-4-12 hex digits",
                       "default of %s (uuid) must be a UUID string", what)
        end
        return v:lower()
    elseif t == "enum" then
        if type(v) ~= "string" then
            return bad(nil, "default of %s (enum) must be a string, not %s",
                       what, lua_type_name(v))
        end
        if c.labels then
            for _, l in ipairs(c.labels) do
                if l == v then return v end
            end
            return bad(util.did_you_mean(v, c.labels)
                       or ("the values are " .. concat(c.labels, ", ")),
                       "default '%s' of %s is not one of its values", v, what)
        end
        return nil
    end
    return nil
end

-- The labels of an enum column.
local function check_labels(errs, c, values)
    local what = format("enum column '%s'", c.name)
    if values == nil then
        errs:addf(c, format('write enum "%s" { values = { "a", "b" } }',
                            c.name), "%s has no values", what)
        return nil
    end
    local labels, seen, seen_c = {}, {}, {}
    local n = #values
    for key in pairs(values) do
        if as_integer(key) == nil or key < 1 or key > n then
            errs:addf(c, nil, "values of %s must be a list of strings", what)
            return nil
        end
    end
    if n == 0 then
        errs:addf(c, nil, "%s has an empty list of values", what)
        return nil
    end
    for i = 1, n do
        local v = values[i]
        if type(v) ~= "string" then
            errs:addf(c, nil, "value %d of %s must be a string, not %s", i,
                      what, lua_type_name(v))
        elseif v == "" or not clean_text(v) then
            errs:addf(c, nil, "value %d of %s must be non-empty UTF-8 text",
                      i, what)
        elseif seen[v] then
            errs:addf(c, "each value must appear once",
                      "%s lists the value '%s' twice", what, v)
        else
            seen[v] = true
            local cname = names.label_c(v)
            if cname == nil then
                errs:addf(c, "a value needs a letter or digit for its C name",
                          "value '%s' of %s has no C name", v, what)
            elseif seen_c[cname] then
                errs:addf(c, "rename one of them",
                          "values '%s' and '%s' of %s both become the C "
                          .. "name %s", seen_c[cname], v, what, cname)
            else
                seen_c[cname] = v
                labels[#labels + 1] = v
            end
        end
    end
    return labels
end


M.default, M.labels = check_default, check_labels

return M
