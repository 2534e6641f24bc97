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

return M
