-- util.lua: small helpers shared by the phases: output buffers, quoting for
-- C and SQL, text wrapping, did-you-mean suggestions, the content hash.

local byte, char, concat, format = string.byte, string.char, table.concat,
    string.format
local rep, sort = string.rep, table.sort

local M = {}

-- An output buffer: b:line(fmt, ...) appends one line, b:put(s) a raw
-- string, b:text() joins everything.
local Buffer = {}
Buffer.__index = Buffer

function M.buffer()
    return setmetatable({ n = 0 }, Buffer)
end

function Buffer:put(s)
    local n = self.n + 1
    self[n] = s
    self.n = n
end

-- line(text), or line(fmt, ...) formatted; a newline follows.
function Buffer:line(fmt, a, ...)
    local n = self.n
    if a == nil then
        self[n + 1] = fmt or ""
    elseif fmt == "%s" then
        self[n + 1] = a
    else
        self[n + 1] = format(fmt, a, ...)
    end
    self[n + 2] = "\n"
    self.n = n + 2
end

-- Each string of `lines` as a line. Emitters get lines back from helpers
-- such as cgen.call_lines; one call appends them all.
function Buffer:lines(lines)
    local n = self.n
    for i = 1, #lines do
        self[n + 1] = lines[i]
        self[n + 2] = "\n"
        n = n + 2
    end
    self.n = n
end

-- Each string of `lines` as a line after `indent`, except that an empty
-- string stays an empty line (a function body, indented without making a
-- new string per line).
function Buffer:indented(indent, lines)
    local n = self.n
    for i = 1, #lines do
        local l = lines[i]
        if l ~= "" then
            n = n + 1
            self[n] = indent
        end
        self[n + 1] = l
        self[n + 2] = "\n"
        n = n + 2
    end
    self.n = n
end

function Buffer:text()
    return concat(self, "", 1, self.n)
end

-- '?' is escaped too, so that no "??x" trigraph forms (-std=c11 has them).
-- A table of every byte that needs escaping, so that gsub needs no calls.
local c_escapes = {}
for i = 0, 255 do
    local ch = char(i)
    if i < 32 or i >= 127 then c_escapes[ch] = format("\\%03o", i) end
end
c_escapes['"'], c_escapes["\\"], c_escapes["?"] = '\\"', "\\\\", "\\?"
c_escapes["\n"], c_escapes["\t"], c_escapes["\r"] = "\\n", "\\t", "\\r"
local C_SPECIAL = '[%c"?\\\127-\255]'
function M.c_escape(s)
    return (s:gsub(C_SPECIAL, c_escapes))
end

-- c_escape, except that each newline becomes the escape \n followed by a
-- real newline. Every other control character is escaped, so the real
-- newlines of the result are exactly the line ends of the text: a
-- multi-line text is escaped at once and then cut there.
local c_escapes_lines = {}
for ch, esc in pairs(c_escapes) do c_escapes_lines[ch] = esc end
c_escapes_lines["\n"] = "\\n\n"
function M.c_escape_lines(s)
    return (s:gsub(C_SPECIAL, c_escapes_lines))
end

-- The longest string literal made since the last reset, in escaped
-- characters (at least its length in C): emit_c_source silences GCC's
-- -Woverlength-strings when it passes the 4095 characters ISO C promises.
M.longest_literal = 0

function M.c_string(s)
    local e = M.c_escape(s)
    if #e > M.longest_literal then M.longest_literal = #e end
    return '"' .. e .. '"'
end

-- A SQL string literal and a quoted SQL identifier.
function M.sql_string(s)
    return "'" .. s:gsub("'", "''") .. "'"
end

function M.sql_ident(s)
    return '"' .. s:gsub('"', '""') .. '"'
end

-- Whether no two white-space characters follow each other in `text` and it
-- does not start with one. Plain finds where they can answer: a pattern
-- such as %s%s is tried at every position, which made this test cost more
-- than the wrapping itself.
local OTHER_SPACES = { "\t", "\n", "\v", "\f", "\r" }
local function single_spaced(text)
    if text:find("^%s") or text:find("  ", 1, true) then return false end
    for i = 1, #OTHER_SPACES do
        if text:find(OTHER_SPACES[i], 1, true) then
            return not text:find("%s%s")
        end
    end
    return true
end

-- Words of `text` wrapped into lines of at most `width` characters (a word
-- longer than that gets a line of its own).
local function wrap(text, width)
    if single_spaced(text) then
        -- The common case: single spaces. Cut at the last space that fits.
        local lines, i, n = {}, 1, #text
        while i <= n do
            if n - i + 1 <= width then
                lines[#lines + 1] = text:sub(i)
                break
            end
            -- The last space in text[i+1 .. i+width], walking back from
            -- the end: a word away at most, cheaper than a substring and a
            -- pattern.
            local cut = i + width
            while cut > i and byte(text, cut) ~= 32 do cut = cut - 1 end
            if cut == i then
                local sp = text:find(" ", i + width, true)
                if sp == nil then
                    lines[#lines + 1] = text:sub(i)
                    break
                end
                lines[#lines + 1] = text:sub(i, sp - 1)
                i = sp + 1
            else
                lines[#lines + 1] = text:sub(i, cut - 1)
                i = cut + 1
            end
        end
        return lines
    end
    local lines, cur = {}, nil
    for word in text:gmatch("%S+") do
        if cur == nil then
            cur = word
        elseif #cur + 1 + #word <= width then
            cur = cur .. " " .. word
        else
            lines[#lines + 1] = cur
            cur = word
        end
    end
    if cur then lines[#lines + 1] = cur end
    return lines
end

-- wrap(text, width), remembered: the list returned may be shared, do not
-- change it.
local wrapped = {} -- width -> text -> lines
function M.wrap(text, width)
    -- Many paragraphs repeat (every table's functions have some of the same
    -- documentation): wrap each once.
    local memo = wrapped[width]
    if memo == nil then
        memo = {}
        wrapped[width] = memo
    end
    local lines = memo[text]
    if lines == nil then
        lines = wrap(text, width)
        memo[text] = lines
    end
    return lines
end

-- Text made safe inside a C block comment: no comment delimiters, no
-- trigraphs, no line splices.
function M.comment_safe(s)
    if not (s:find("*/", 1, true) or s:find("/*", 1, true)
            or s:find("??", 1, true) or s:sub(-1) == "\\") then
        return s
    end
    return (s:gsub("%*/", "* /"):gsub("/%*", "/ *"):gsub("%?%?", "? ?")
        :gsub("\\$", "\\ "))
end

-- A block comment of wrapped paragraphs, indented by `indent`.
-- paragraphs: strings; an empty string makes a blank comment line.
function M.comment_block(buf, indent, paragraphs)
    buf:line(indent .. "/*")
    local lead = indent .. " * "
    for _, p in ipairs(paragraphs) do
        p = M.comment_safe(p)
        if p == "" then
            buf:line(indent .. " *")
        elseif p:match("^ ") then
            -- A paragraph that starts with spaces is preformatted.
            buf:line(indent .. " *" .. p)
        else
            -- (wrap makes no empty lines, so each gets the lead)
            buf:indented(lead, M.wrap(p, 80 - #indent - 3))
        end
    end
    buf:line(indent .. " */")
end

-- A comment: `/* text */` on one line when it fits in 80 columns, else a
-- wrapped block in the style of comment_block but without the blank first
-- line (`/* first words` ... ` * last words */`).
function M.comment(buf, indent, text)
    text = M.comment_safe(text)
    local one = indent .. "/* " .. text .. " */"
    if #one <= 80 then
        buf:line(one)
        return
    end
    local lines = M.wrap(text, 80 - #indent - 3)
    for i, l in ipairs(lines) do
        local lead = i == 1 and "/* " or " * "
        local tail = i == #lines and " */" or ""
        if i == #lines and #indent + 3 + #l + 3 > 80 then
            buf:line(indent .. lead .. l)
            buf:line(indent .. " */")
        else
            buf:line(indent .. lead .. l .. tail)
        end
    end
end

-- Levenshtein distance, for suggestions.
local function distance(a, b)
    local la, lb = #a, #b
    if la == 0 then return lb end
    if lb == 0 then return la end
    local prev, cur = {}, {}
    for j = 0, lb do prev[j] = j end
    for i = 1, la do
        cur[0] = i
        local ca = byte(a, i)
        for j = 1, lb do
            local cost = (ca == byte(b, j)) and 0 or 1
            local v = prev[j] + 1
            if cur[j - 1] + 1 < v then v = cur[j - 1] + 1 end
            if prev[j - 1] + cost < v then v = prev[j - 1] + cost end
            cur[j] = v
        end
        prev, cur = cur, prev
    end
    return prev[lb]
end
M.distance = distance

-- The candidate closest to `word`, when it is close enough to be a likely
-- typo; nil otherwise. Ties go to the earlier candidate.
function M.suggest(word, candidates)
    if type(word) ~= "string" then return nil end
    local best, best_d = nil, nil
    local limit = #word <= 4 and 1 or (#word <= 8 and 2 or 3)
    for _, c in ipairs(candidates) do
        local d = distance(word:lower(), c:lower())
        if d <= limit and (best_d == nil or d < best_d) then
            best, best_d = c, d
        end
    end
    return best
end

function M.did_you_mean(word, candidates)
    local s = M.suggest(word, candidates)
    return s and format("did you mean '%s'?", s) or nil
end

-- Numbers before strings, each kind in its natural order.
local function key_before(a, b)
    if type(a) == type(b) then return a < b end
    return type(a) < type(b)
end

-- The keys of a table, sorted (never rely on pairs() order).
function M.sorted_keys(t)
    local keys, mixed = {}, false
    for k in pairs(t) do
        keys[#keys + 1] = k
        if type(k) ~= "string" then mixed = true end
    end
    -- check sorts the few options of every column: string keys, the usual
    -- case, need no comparator (a Lua call per comparison).
    if mixed then sort(keys, key_before) else sort(keys) end
    return keys
end

-- FNV-1a, 64 bits, as 16 hex digits. Lua integers wrap around, which is
-- exactly the arithmetic modulo 2^64 that FNV wants.
function M.fnv1a64(s)
    local h = -3750763034362895579 -- 0xcbf29ce484222325
    local prime = 0x100000001b3
    local n, i = #s, 1
    -- Eight bytes per call: the calls of string.byte, not the arithmetic,
    -- were most of the time on a large schema's canonical text.
    while i + 7 <= n do
        local b1, b2, b3, b4, b5, b6, b7, b8 = byte(s, i, i + 7)
        h = (h ~ b1) * prime
        h = (h ~ b2) * prime
        h = (h ~ b3) * prime
        h = (h ~ b4) * prime
        h = (h ~ b5) * prime
        h = (h ~ b6) * prime
        h = (h ~ b7) * prime
        h = (h ~ b8) * prime
        i = i + 8
    end
    for j = i, n do
        h = (h ~ byte(s, j)) * prime
    end
    return format("%016x", h)
end

-- Pad `s` with spaces to `width` characters.
function M.pad(s, width)
    if #s >= width then return s end
    return s .. rep(" ", width - #s)
end

-- A double as the shortest decimal text that reads back as the same value,
-- always with a '.' or an exponent, so that C and SQL see a floating value.
function M.double(v)
    local s
    for digits = 15, 17 do
        s = format("%." .. digits .. "g", v)
        if tonumber(s) == v then break end
    end
    if not s:find("[.eEn]") then s = s .. ".0" end
    return s
end

M.char = char
-- Is `s` a JSON text (RFC 8259) that PostgreSQL's jsonb takes? Returns true,
-- or false and what is wrong. Beyond the grammar, jsonb refuses \u0000 and
-- unpaired surrogates; numbers must fit its numeric (an exponent of at most
-- 100000 either way, for simplicity); nesting is capped at 1000 levels here.
-- (A json default is checked in generation, where PostgreSQL would refuse
-- it only at CREATE TABLE, and SQLite never.)
local JSON_MAX_DEPTH = 1000
function M.json_check(s)
    local byte, find, sub = string.byte, string.find, string.sub
    local pos = 1
    local value
    local function fail(what)
        error({ format("%s at byte %d", what, pos) }, 0)
    end
    local function ws()
        pos = (find(s, "[^ \t\r\n]", pos) or #s + 1)
    end
    local function str()
        pos = pos + 1 -- the opening quote
        local high = false -- the previous escape was a high surrogate
        while true do
            local i = find(s, '["\\\0-\31]', pos)
            if i == nil then fail("unterminated string") end
            if i > pos then
                if high then fail("unpaired surrogate") end
                pos = i
            end
            local b = byte(s, pos)
            if b == 34 then -- "
                if high then fail("unpaired surrogate") end
                pos = pos + 1
                return
            elseif b == 92 then -- backslash
                local e = sub(s, pos + 1, pos + 1)
                if e == "u" then
                    local hex = sub(s, pos + 2, pos + 5)
                    if not find(hex, "^%x%x%x%x$") then
                        fail("bad \\u escape")
                    end
                    local cp = tonumber(hex, 16)
                    if cp == 0 then fail("\\u0000 (jsonb refuses it)") end
                    if cp >= 0xD800 and cp <= 0xDBFF then
                        if high then fail("unpaired surrogate") end
                        high = true
                    elseif cp >= 0xDC00 and cp <= 0xDFFF then
                        if not high then fail("unpaired surrogate") end
                        high = false
                    elseif high then
                        fail("unpaired surrogate")
                    end
                    pos = pos + 6
                elseif find(e, '^["\\/bfnrt]$') then
                    if high then fail("unpaired surrogate") end
                    pos = pos + 2
                else
                    fail("bad escape")
                end
            else
                fail("control character in a string")
            end
        end
    end
    local function number()
        local i, j = find(s, "^%-?0", pos)
        if not i then i, j = find(s, "^%-?[1-9]%d*", pos) end
        if not i then fail("bad number") end
        pos = j + 1
        i, j = find(s, "^%.%d+", pos)
        if sub(s, pos, pos) == "." and not i then fail("bad number") end
        if i then pos = j + 1 end
        if find(s, "^[eE]", pos) then
            i, j = find(s, "^[eE][-+]?%d+", pos)
            if not i then fail("bad number") end
            local digits = sub(s, i, j):gsub("^[eE][-+]?0*", "")
            if #digits > 6 or (tonumber(digits) or 0) > 100000 then
                fail("number out of range")
            end
            pos = j + 1
        end
    end
    function value(depth)
        if depth > JSON_MAX_DEPTH then fail("nested too deeply") end
        ws()
        local b = byte(s, pos)
        if b == 123 then -- {
            pos = pos + 1
            ws()
            if byte(s, pos) == 125 then pos = pos + 1 return end
            while true do
                ws()
                if byte(s, pos) ~= 34 then fail("expected a string key") end
                str()
                ws()
                if byte(s, pos) ~= 58 then fail("expected ':'") end
                pos = pos + 1
                value(depth + 1)
                ws()
                local c = byte(s, pos)
                pos = pos + 1
                if c == 125 then return end
                if c ~= 44 then pos = pos - 1 fail("expected ',' or '}'") end
            end
        elseif b == 91 then -- [
            pos = pos + 1
            ws()
            if byte(s, pos) == 93 then pos = pos + 1 return end
            while true do
                value(depth + 1)
                ws()
                local c = byte(s, pos)
                pos = pos + 1
                if c == 93 then return end
                if c ~= 44 then pos = pos - 1 fail("expected ',' or ']'") end
            end
        elseif b == 34 then
            str()
        elseif b == 45 or (b and b >= 48 and b <= 57) then
            number()
        elseif sub(s, pos, pos + 3) == "true" or sub(s, pos, pos + 3) == "null"
        then
            pos = pos + 4
        elseif sub(s, pos, pos + 4) == "false" then
            pos = pos + 5
        else
            fail(b and "unexpected character" or "unexpected end")
        end
    end
    local ok, e = pcall(function()
        value(1)
        ws()
        if pos <= #s then fail("text after the value") end
    end)
    if ok then return true end
    if type(e) == "table" then return false, e[1] end
    error(e, 0)
end

-- The whole content of the file at path, or nil when it cannot be read.
function M.read_file(path)
    local f = io.open(path, "rb")
    if not f then return nil end
    local text = f:read("a")
    f:close()
    return text
end

-- s as one word of sh(1): in single quotes, each embedded one written '\''.
function M.shell_quote(s)
    return "'" .. s:gsub("'", "'\\''") .. "'"
end

return M
