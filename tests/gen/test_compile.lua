-- The generated C compiles warning-free: each generated .c with
-- -std=c11 -Wall -Wextra -Wpedantic -Werror (and the project's extra
-- warnings) under the compiler named in arg[2]; tests/gen/usage.c, which
-- uses the API as an application would; and, for a C++ compiler, every
-- header as C++. Covers generated/ (the example schemas) and the corner
-- cases of tests/gen/good/.
local T = dofile("tests/gen/lib.lua")

local cc = arg[2] or "gcc"
local cxx = cc == "g++" or cc == "clang++"
if (T.sh("command -v " .. T.quote(cc))) ~= 0 then
    T.skip(cc .. " is not installed")
end

-- The corner-case schemas, generated into the scratch directory.
local out = T.tmpdir("compile-" .. cc)
local good = T.glob("tests/gen/good/*.lua")
local quoted = {}
for i, g in ipairs(good) do quoted[i] = T.quote(g) end
T.must(T.ormc .. " gen -o " .. T.quote(out) .. " " .. table.concat(quoted, " "))

local includes = " -I runtime/include -I generated -I " .. T.quote(out)
local warnings = " -Wall -Wextra -Wpedantic -Werror -Wshadow -Wformat=2"
    .. " -Wvla -Wcast-qual -Wwrite-strings -Wundef"

local sources = T.glob("generated/*.c")
for _, f in ipairs(T.glob(out .. "/*.c")) do sources[#sources + 1] = f end
local headers = T.glob("generated/*.h")
for _, f in ipairs(T.glob(out .. "/*.h")) do headers[#headers + 1] = f end

if cxx then
    for _, std in ipairs { "c++11", "c++20" } do
        for _, h in ipairs(headers) do
            local rc, o, e = T.sh(cc .. " -std=" .. std .. warnings
                                  .. " -fsyntax-only -x c++" .. includes
                                  .. " " .. T.quote(h))
            T.eq(rc, 0, h .. " compiles as " .. std .. " with " .. cc)
            if rc ~= 0 then io.stderr:write(o, e) end
        end
    end
else
    local cflags = " -std=c11" .. warnings
        .. " -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition"
    for _, f in ipairs(sources) do
        for _, opt in ipairs { "-O0", "-O2" } do
            local rc, o, e = T.sh(cc .. cflags .. " " .. opt .. includes
                                  .. " -c " .. T.quote(f) .. " -o /dev/null")
            T.eq(rc, 0, f .. " compiles with " .. cc .. " " .. opt)
            if rc ~= 0 then io.stderr:write(o, e) end
        end
    end
    local rc, o, e = T.sh(cc .. cflags .. includes
                          .. " -c tests/gen/usage.c -o /dev/null")
    T.eq(rc, 0, "tests/gen/usage.c compiles with " .. cc)
    if rc ~= 0 then io.stderr:write(o, e) end

    -- The two headers: ormc.h alone is the application's API and declares
    -- none of the engine; ormc_generated.h compiles on its own.
    local app = out .. "/app.c"
    T.write(app, '#include "ormc.h"\n'
        .. "ormc_colset app(ormc_op op, ormc_order dir);\n"
        .. "ormc_colset app(ormc_op op, ormc_order dir) {\n"
        .. "    return op == ORMC_EQ && dir == ORMC_DESC ? ORMC_COLUMN_BIT(1) : 0;\n"
        .. "}\n")
    rc, o, e = T.sh(cc .. cflags .. includes .. " -c " .. T.quote(app)
                    .. " -o /dev/null")
    T.eq(rc, 0, "ormc.h alone compiles with " .. cc)
    if rc ~= 0 then io.stderr:write(o, e) end
    local engine = out .. "/engine.c"
    T.write(engine, '#include "ormc.h"\n'
        .. "int engine(ormc_db *db, const ormc_table *t, void *row);\n"
        .. "int engine(ormc_db *db, const ormc_table *t, void *row) {\n"
        .. "    return ormc_row_insert(db, t, row);\n"
        .. "}\n")
    rc = T.sh(cc .. cflags .. includes .. " -c " .. T.quote(engine)
              .. " -o /dev/null")
    T.ok(rc ~= 0, "ormc.h alone declares no engine call (ormc_row_insert)")
    T.write(engine, '#include "ormc_generated.h"\n'
        .. "int engine(ormc_db *db, const ormc_table *t, void *row);\n"
        .. "int engine(ormc_db *db, const ormc_table *t, void *row) {\n"
        .. "    return ormc_row_insert(db, t, row);\n"
        .. "}\n")
    rc, o, e = T.sh(cc .. cflags .. includes .. " -c " .. T.quote(engine)
                    .. " -o /dev/null")
    T.eq(rc, 0, "ormc_generated.h alone compiles with " .. cc)
    if rc ~= 0 then io.stderr:write(o, e) end

    -- A generated header refuses a runtime of another ABI, saying to
    -- regenerate: ormc_generated.h copied with its ORMC_ABI changed.
    local other = out .. "/other-abi"
    T.must("mkdir -p " .. T.quote(other))
    local gh = T.read("runtime/include/ormc_generated.h")
    local changed, n = gh:gsub("\n#define ORMC_ABI (%d+)\n", function(v)
        return "\n#define ORMC_ABI " .. (tonumber(v) + 1) .. "\n"
    end)
    T.eq(n, 1, "ormc_generated.h defines ORMC_ABI once")
    T.write(other .. "/ormc_generated.h", changed)
    rc, o, e = T.sh(cc .. cflags .. " -I " .. T.quote(other) .. includes
                    .. " -fsyntax-only -x c generated/slack.h")
    T.ok(rc ~= 0 and (o .. e):find("regenerate: slack.h was generated", 1,
                                   true) ~= nil,
         "a generated header refuses another ORMC_ABI, saying to regenerate",
         o .. e)

    -- A runtime from before ORMC_ABI existed: the same message, not a
    -- -Wundef complaint about the macro.
    local none, m = gh:gsub("\n#define ORMC_ABI %d+\n", "\n")
    T.eq(m, 1, "ormc_generated.h defines ORMC_ABI once")
    T.write(other .. "/ormc_generated.h", none)
    rc, o, e = T.sh(cc .. cflags .. " -I " .. T.quote(other) .. includes
                    .. " -fsyntax-only -x c generated/slack.h")
    T.ok(rc ~= 0 and (o .. e):find("regenerate: slack.h was generated", 1,
                                   true) ~= nil
             and not (o .. e):find("undef", 1, true),
         "a generated header refuses a runtime without ORMC_ABI, saying to "
             .. "regenerate", o .. e)
end

T.rmrf(out)
T.done()
