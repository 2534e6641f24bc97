-- ormc_generate() in a small CMake project of its own: the generated C is
-- built with -Werror; a schema edit regenerates and recompiles; touching a
-- schema or a generator file without changing the output regenerates but
-- recompiles nothing; an idle build does nothing. arg[2] is the CMake
-- generator to use ("Ninja" or "Unix Makefiles").
local T = dofile("tests/gen/lib.lua")

local generator = arg[2] or "Ninja"
if generator == "Ninja" and T.sh("command -v ninja") ~= 0 then
    T.skip("ninja is not installed")
end
local src = T.must("pwd"):gsub("%s+$", "")
local dir = T.tmpdir("cmake")
T.must("cp -R gen " .. T.quote(dir .. "/gen"))
T.must("mkdir -p " .. T.quote(dir .. "/proj/schema"))
local schema = T.read("schema/web.lua")
T.write(dir .. "/proj/schema/web.lua", schema)
T.write(dir .. "/proj/CMakeLists.txt", ([[
cmake_minimum_required(VERSION 3.20)
project(ormc_generate_test C)
set(CMAKE_C_STANDARD 11)
set(ORMC_GENERATOR_DIR "@DIR@/gen")
list(APPEND CMAKE_MODULE_PATH "@SRC@/cmake")
include(ormc_generate)
add_library(model STATIC)
ormc_generate(TARGET model SCHEMAS schema/web.lua)
target_include_directories(model PRIVATE "@SRC@/runtime/include")
target_compile_options(model PRIVATE -Wall -Wextra -Wpedantic -Werror)
]]):gsub("@DIR@", dir):gsub("@SRC@", src))

local build = dir .. "/build"
local rc, o, e = T.sh("cmake -S " .. T.quote(dir .. "/proj") .. " -B "
                      .. T.quote(build) .. " -G " .. T.quote(generator))
T.eq(rc, 0, "configure " .. (rc ~= 0 and (o .. e) or ""))
local function make()
    local brc, bo, be = T.sh("cmake --build " .. T.quote(build))
    T.eq(brc, 0, "build " .. (brc ~= 0 and (bo .. be) or ""))
    return bo .. be
end
local function compiled(log) return log:find("Building C object", 1, true) ~= nil end
local function generated(log) return log:find("ormc: generating", 1, true) ~= nil end

local log = make()
T.ok(generated(log) and compiled(log), "first build generates and compiles", log)
T.eq(T.read(build .. "/ormc/web.c"), T.read("generated/web.c"),
     "the same output as ormc gen: the banner names the schema relative to "
     .. "the project")
log = make()
T.ok(not generated(log) and not compiled(log), "an idle build does nothing", log)

local mtime = T.mtime(build .. "/ormc/web.c")
os.execute("sleep 1.1; touch " .. T.quote(dir .. "/proj/schema/web.lua"))
log = make()
T.ok(generated(log), "touching the schema regenerates", log)
T.ok(not compiled(log), "an unchanged output is not recompiled", log)
T.eq(T.mtime(build .. "/ormc/web.c"), mtime, "an unchanged output keeps its mtime")

os.execute("sleep 1.1; touch " .. T.quote(dir .. "/gen/api.lua"))
log = make()
T.ok(generated(log), "touching a generator file regenerates", log)
T.ok(not compiled(log), "... and recompiles nothing when the output is the same",
     log)

T.write(dir .. "/proj/schema/web.lua",
        schema:gsub('blob      "data"', 'integer   "hits",\n        blob      "data"'))
log = make()
T.ok(generated(log) and compiled(log), "a schema edit regenerates and recompiles",
     log)
T.ok(T.read(build .. "/ormc/web.h"):find("int32_t hits;", 1, true) ~= nil,
     "the new column is in the header")
log = make()
T.ok(not generated(log) and not compiled(log), "then an idle build does nothing",
     log)

T.rmrf(dir)
T.done()
