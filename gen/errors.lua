-- errors.lua: errors are values {file, line, message, hint}, collected while
-- the phases run, then sorted, de-duplicated and printed as
--
--   schema/slack.lua:12: error: unknown column type 'txt' (did you mean 'text'?)
--
-- Any error means nothing is written.

local format, sort = string.format, table.sort

local M = {}

-- How many errors are printed at most; the rest are counted.
M.MAX_PRINTED = 50

local Errors = {}
Errors.__index = Errors

function M.new()
    -- files: the order in which schema files were named, for sorting.
    return setmetatable({ list = {}, files = {}, n_files = 0 }, Errors)
end

-- Note a file's position in the command line, so that errors sort by it.
function Errors:file_order(file)
    if not self.files[file] then
        self.n_files = self.n_files + 1
        self.files[file] = self.n_files
    end
end

-- Record one error. where: a table with file and line (any DSL object is
-- one) or nil for errors that belong to no place in a schema.
--
-- A place is always shown as a line of 1 or more: a location that is not a
-- positive integer (a DSL call Lua could not place) becomes line 1, so that
-- FILE:LINE: parses the same way whatever happened.
function Errors:add(where, message, hint)
    local list = self.list
    local file, line = nil, 0
    if where then
        file = where.file
        line = math.tointeger(where.line)
        if type(file) ~= "string" then file = nil end
        if line == nil or line < 1 then line = 1 end
    end
    list[#list + 1] = {
        file = file,
        line = file and line or 0,
        message = tostring(message),
        hint = hint ~= nil and tostring(hint) or nil,
        seq = #list + 1,
    }
end

-- format() then add(), for the common case.
function Errors:addf(where, hint, fmt, ...)
    self:add(where, format(fmt, ...), hint)
end

function Errors:count()
    return #self.list
end

-- The errors sorted by file (command-line order), line, then the order in
-- which they were found; exact duplicates removed.
function Errors:sorted()
    local files = self.files
    local list = {}
    for i, e in ipairs(self.list) do list[i] = e end
    sort(list, function(a, b)
        local fa, fb = files[a.file] or 0, files[b.file] or 0
        if fa ~= fb then return fa < fb end
        if (a.file or "") ~= (b.file or "") then
            return (a.file or "") < (b.file or "")
        end
        if a.line ~= b.line then return a.line < b.line end
        return a.seq < b.seq
    end)
    local out, last = {}, nil
    for _, e in ipairs(list) do
        local text = M.format(e)
        if text ~= last then
            out[#out + 1] = e
            last = text
        end
    end
    return out
end

-- Control characters (a newline in a name) as escapes, so that one error is
-- always one line.
local function one_line(s)
    return (s:gsub("[%c]", function(ch)
        if ch == "\n" then return "\\n" end
        if ch == "\t" then return "\\t" end
        return format("\\%03d", ch:byte())
    end))
end

-- One error as its printed line.
function M.format(e)
    local where
    if e.file then
        where = format("%s:%d: ", e.file, e.line)
    else
        where = "ormc: "
    end
    local text = where .. "error: " .. e.message
    if e.hint then text = text .. " (" .. e.hint .. ")" end
    if text:find("%c") then text = one_line(text) end
    return text
end

-- Print the errors (at most MAX_PRINTED) and a summary to `out`.
function Errors:report(out)
    local list = self:sorted()
    for i, e in ipairs(list) do
        if i > M.MAX_PRINTED then
            out:write(format("ormc: ... and %d more errors\n",
                             #list - M.MAX_PRINTED))
            break
        end
        out:write(M.format(e), "\n")
    end
    out:write(format("ormc: %d error%s; no files written\n", #list,
                     #list == 1 and "" or "s"))
end

return M
