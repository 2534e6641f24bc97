-- keywords.lua: words a name may not be, because generated C or SQL would
-- break or mean something else.

local M = {}

local function set(words)
    local s = {}
    for w in words:gmatch("%S+") do s[w] = true end
    return s
end

-- C11 and C23 keywords, C++ keywords (the header is also compiled as C++),
-- and lower-case macros that the headers ormc.h includes, or that compilers
-- predefine in GNU modes, would expand in a field name.
M.c = set [[
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    alignas alignof bool constexpr false nullptr static_assert thread_local
    true typeof typeof_unqual
    and and_eq asm bitand bitor catch char8_t char16_t char32_t class
    co_await co_return co_yield compl concept const_cast consteval constinit
    decltype delete dynamic_cast explicit export friend mutable namespace new
    noexcept not not_eq operator or or_eq private protected public
    reinterpret_cast requires static_cast template this throw try typeid
    typename using virtual wchar_t xor xor_eq
    offsetof errno assert stdin stdout stderr linux unix i386
]]

-- SQL words that PostgreSQL reserves (its "reserved" and "reserved, can be
-- function or type" classes). Generated SQL quotes every identifier, so they
-- would work there, but every hand-written query against the table would
-- have to quote them too; a schema should not make that trap.
M.sql = set [[
    all analyse analyze and any array as asc asymmetric authorization binary
    both case cast check collate collation column concurrently constraint
    create cross current_catalog current_date current_role current_schema
    current_time current_timestamp current_user default deferrable desc
    distinct do else end except false fetch for foreign freeze from full
    grant group having ilike in initially inner intersect into is isnull join
    lateral leading left like limit localtime localtimestamp natural not
    notnull null offset on only or order outer overlaps placing primary
    references returning right select session_user similar some symmetric
    table tablesample then to trailing true union unique user using variadic
    verbose when where window with
]]

-- The names of the standard headers that generated code includes, directly
-- or through ormc.h (<stdbool.h>, <stddef.h>, <stdint.h>, <string.h>), and of
-- <limits.h> and <inttypes.h>, which an application compiling it includes
-- often: type names, macros, and the functions the generated bodies call. A
-- generated identifier (a row type `int8_t` from schema "int8", table "t";
-- a column macro `INT_LEAST8_MAX`) or a column name (a struct field, and a
-- parameter of _get that would shadow the type `int64_t`) may not be one.
-- Every name with the runtime's prefix, ormc_ or ORMC_, is reserved too
-- (see M.reserved_c).
local STD = {}
local function std(header, words)
    for w in words:gmatch("%S+") do STD[w] = header end
end
local widths = { "8", "16", "32", "64" }
local function each_width(fmt)
    local out = {}
    for _, n in ipairs(widths) do
        out[#out + 1] = (fmt:gsub("#", n))
    end
    return table.concat(out, " ")
end
for _, u in ipairs { "", "u" } do
    local U = u:upper()
    std("<stdint.h>", each_width(u .. "int#_t " .. u .. "int_least#_t "
                                 .. u .. "int_fast#_t"))
    std("<stdint.h>", u .. "intptr_t " .. u .. "intmax_t")
    std("<stdint.h>", each_width(U .. "INT#_MAX " .. U .. "INT_LEAST#_MAX "
                                 .. U .. "INT_FAST#_MAX " .. U .. "INT#_C"))
    std("<stdint.h>", U .. "INTPTR_MAX " .. U .. "INTMAX_MAX " .. U
        .. "INTMAX_C")
end
std("<stdint.h>", each_width("INT#_MIN INT_LEAST#_MIN INT_FAST#_MIN"))
std("<stdint.h>", [[INTPTR_MIN INTMAX_MIN PTRDIFF_MIN PTRDIFF_MAX
    SIG_ATOMIC_MIN SIG_ATOMIC_MAX SIZE_MAX WCHAR_MIN WCHAR_MAX WINT_MIN
    WINT_MAX]])
std("<stddef.h>", [[size_t ptrdiff_t max_align_t wchar_t nullptr_t NULL
    offsetof]])
std("<stdbool.h>", "bool true false")
std("<string.h>", [[memcpy memmove memset memcmp memchr strcpy strncpy
    strcat strncat strcmp strncmp strcoll strxfrm strchr strrchr strspn
    strcspn strpbrk strstr strtok strlen strerror strdup strndup strnlen]])
std("<limits.h>", [[CHAR_BIT SCHAR_MIN SCHAR_MAX UCHAR_MAX CHAR_MIN CHAR_MAX
    MB_LEN_MAX SHRT_MIN SHRT_MAX USHRT_MAX INT_MIN INT_MAX UINT_MAX LONG_MIN
    LONG_MAX ULONG_MAX LLONG_MIN LLONG_MAX ULLONG_MAX SSIZE_MAX LONG_BIT
    WORD_BIT PATH_MAX NAME_MAX PIPE_BUF LINE_MAX IOV_MAX ARG_MAX CHILD_MAX
    OPEN_MAX LINK_MAX MAX_CANON MAX_INPUT NGROUPS_MAX RTSIG_MAX]])
std("<inttypes.h>", [[imaxdiv_t imaxabs imaxdiv strtoimax strtoumax
    wcstoimax wcstoumax]])
for _, conv in ipairs { "PRI", "SCN" } do
    for _, x in ipairs { "d", "i", "o", "u", "x", "X" } do
        if conv == "PRI" or x ~= "X" then
            std("<inttypes.h>", each_width(conv .. x .. "# " .. conv .. x
                                           .. "LEAST# " .. conv .. x
                                           .. "FAST#"))
            std("<inttypes.h>", conv .. x .. "MAX " .. conv .. x .. "PTR")
        end
    end
end
M.std = STD

-- The header that reserves C name `name` ("the runtime" for ormc_ and
-- ORMC_ names), or nil when the name is free.
function M.reserved_c(name)
    local h = STD[name]
    if h then return h end
    local p = name:sub(1, 5)
    if p == "ormc_" or p == "ORMC_" then return "the runtime" end
    return nil
end

return M
