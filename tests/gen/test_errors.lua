-- One test per error kind: each schema under tests/gen/bad/ ends with the
-- exact stderr it must produce (its --! lines). ormc must exit 2, print
-- exactly that, and leave the output directory as it was, also for a good
-- schema named on the same command line.
local T = dofile("tests/gen/lib.lua")

local function expected_of(path)
    local lines = {}
    for line in (T.read(path) .. "\n"):gmatch("(.-)\n") do
        local e = line:match("^%-%-! (.*)$")
        if e then lines[#lines + 1] = e end
    end
    return table.concat(lines, "\n") .. "\n"
end

local files = T.glob("tests/gen/bad/*.lua")
T.ok(#files >= 20, "there are bad schemas to test")

local out = T.tmpdir("errors")
T.write(out .. "/web.h", "a stale file that must stay as it is\n")
T.write(out .. "/keep.txt", "not ormc's\n")
local before = T.snapshot(out)

for _, f in ipairs(files) do
    local want = expected_of(f)
    local rc, stdout, stderr = T.sh(T.ormc .. " gen -o " .. T.quote(out)
                                    .. " schema/web.lua " .. T.quote(f))
    T.eq(rc, 2, f .. ": exit status")
    T.eq(stderr, want, f .. ": messages")
    T.eq(stdout, "", f .. ": nothing on stdout")
    local same, which = T.same_snapshot(before, T.snapshot(out))
    T.ok(same, f .. ": output directory untouched",
         which and ("changed: " .. which))
end

-- check and ddl report the same errors, with the same status.
local f = "tests/gen/bad/unknown_type.lua"
for _, cmd in ipairs { "check -o " .. T.quote(out), "ddl --dialect sqlite" } do
    local rc, stdout, stderr = T.sh(T.ormc .. " " .. cmd .. " " .. f)
    T.eq(rc, 2, cmd .. ": exit status")
    T.eq(stderr, expected_of(f), cmd .. ": messages")
    T.eq(stdout, "", cmd .. ": nothing on stdout")
end

-- A file that does not exist, and one schema name declared twice.
local rc, _, stderr = T.sh(T.ormc .. " gen -o " .. T.quote(out)
                           .. " schema/no-such-file.lua")
T.eq(rc, 2, "missing file: exit status")
T.eq(stderr, "ormc: error: cannot read schema file: schema/no-such-file.lua: "
     .. "No such file or directory\normc: 1 error; no files written\n",
     "missing file: message")
local twice = T.tmpdir("twice")
T.write(twice .. "/copy.lua", T.read("schema/web.lua"))
rc, _, stderr = T.sh(T.ormc .. " gen -o " .. T.quote(out)
                     .. " schema/web.lua " .. T.quote(twice .. "/copy.lua"))
T.eq(rc, 2, "schema declared twice: exit status")
T.ok(stderr:find("copy.lua:3: error: schema 'web' is also declared in "
                 .. "schema/web.lua", 1, true) ~= nil,
     "schema declared twice: message", stderr)
-- A schema name too long for the file names ormc writes.
local long = twice .. "/long.lua"
T.write(long, 'return schema "' .. ("x"):rep(201) .. '" {\n'
        .. '    table "t" { serial "id" },\n}\n')
rc, _, stderr = T.sh(T.ormc .. " gen -o " .. T.quote(out) .. " "
                     .. T.quote(long))
T.eq(rc, 2, "schema name too long: exit status")
T.eq(stderr, T.shown(long) .. ":1: error: schema name '" .. ("x"):rep(20)
     .. "...' is 201 characters long: the file names ormc writes need it "
     .. "at most 200\normc: 1 error; no files written\n",
     "schema name too long: message")
T.write(long, 'return schema "' .. ("x"):rep(200) .. '" {\n'
        .. '    table "t" { serial "id" },\n}\n')
local long_out = T.tmpdir("long")
T.must(T.ormc .. " gen -o " .. T.quote(long_out) .. " " .. T.quote(long))
T.ok(T.read(long_out .. "/" .. ("x"):rep(200) .. ".postgres.sql") ~= nil,
     "schema name of 200 characters: its files written")
T.rmrf(long_out)

local same = T.same_snapshot(before, T.snapshot(out))
T.ok(same, "output directory untouched at the end")

T.rmrf(out)
T.rmrf(twice)
T.done()
