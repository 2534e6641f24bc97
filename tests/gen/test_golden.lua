-- generated/ is the golden copy of what ormc writes for schema/: it must be
-- exactly what `ormc gen` would write now (the same check CI makes with
-- `ormc check`), and docs/schema/ what `ormc doc` would write. When this
-- fails after a change to gen/ or schema/, look at
-- the difference, then refresh generated/ with `make generated`.
local T = dofile("tests/gen/lib.lua")

local schemas = T.glob("schema/*.lua")
T.ok(#schemas >= 3, "schema/ has the example schemas")
local args = {}
for i, s in ipairs(schemas) do args[i] = T.quote(s) end
local rc, stdout, stderr = T.sh(T.ormc .. " check -o generated "
                                .. table.concat(args, " "))
T.eq(stderr, "", "ormc check: no stale files")
T.eq(rc, 0, "ormc check: exit status")
T.eq(stdout, "", "ormc check: nothing on stdout")

-- Nothing in generated/ that the schemas would not write, besides the
-- build file.
local expected = { ["CMakeLists.txt"] = true }
for _, s in ipairs(schemas) do
    local name = T.read(s):match('schema%s*"([%w_]+)"')
    for _, ext in ipairs { ".h", ".c", ".sqlite.sql", ".postgres.sql" } do
        expected[name .. ext] = true
    end
end
for _, n in ipairs(T.ls("generated")) do
    T.ok(expected[n], "generated/" .. n .. " is written by ormc gen")
end
-- docs/schema/ is what `ormc doc` writes now: the .dot and .md byte for
-- byte; the SVG (Graphviz's rendering, which varies with its version) only
-- present.
local dir = T.tmpdir("golden_doc")
T.must(T.ormc .. " doc -o " .. T.quote(dir) .. " " .. table.concat(args, " "))
for _, s in ipairs(schemas) do
    local name = T.read(s):match('schema%s*"([%w_]+)"')
    for _, ext in ipairs { ".dot", ".md" } do
        T.eq(T.read("docs/schema/" .. name .. ext),
             T.read(dir .. "/" .. name .. ext),
             "docs/schema/" .. name .. ext .. " is current (make generated)")
    end
    T.ok(io.open("docs/schema/" .. name .. ".svg"),
         "docs/schema/" .. name .. ".svg is there")
end
T.done()
