-- lib.lua: what the generator's tests share. They run from the source root
-- (ctest's WORKING_DIRECTORY) and take a scratch directory as arg[1].
--
--   local T = dofile("tests/gen/lib.lua")
--   T.eq(actual, expected, "what")      -- counts a failure, goes on
--   T.done()                            -- exit 0, or 1 after failures
--   T.skip("why")                       -- exit 77: ctest's SKIP_RETURN_CODE

local M = {}

M.failures = 0
M.scratch = arg and arg[1] or os.getenv("TMPDIR") or "/tmp"

function M.quote(s)
    return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

os.execute("mkdir -p " .. M.quote(M.scratch))

function M.read(path)
    local f = io.open(path, "rb")
    if not f then return nil end
    local s = f:read("a")
    f:close()
    return s
end

function M.write(path, s)
    local f = assert(io.open(path, "wb"))
    f:write(s)
    f:close()
end

local seq = 0
-- Run a shell command; returns its exit status, stdout and stderr.
function M.sh(cmd)
    seq = seq + 1
    local out = string.format("%s/.sh-%d.out", M.scratch, seq)
    local err = string.format("%s/.sh-%d.err", M.scratch, seq)
    local ok, how, code = os.execute(string.format("(%s) >%s 2>%s", cmd,
                                                   M.quote(out), M.quote(err)))
    local rc = code
    if how ~= "exit" then rc = 128 + code end
    local o, e = M.read(out) or "", M.read(err) or ""
    os.remove(out)
    os.remove(err)
    return rc, o, e
end

-- Run a command that must succeed; returns its stdout.
function M.must(cmd)
    local rc, out, err = M.sh(cmd)
    if rc ~= 0 then
        error(string.format("command failed (%d): %s\n%s%s", rc, cmd, out,
                            err), 2)
    end
    return out
end

-- A path as ormc shows it: relative to the working directory when it is
-- inside it (the build tree may or may not be under the source root).
function M.shown(path)
    local cwd = M.must("pwd"):gsub("%s+$", "")
    if path:sub(1, #cwd + 1) == cwd .. "/" then
        return path:sub(#cwd + 2)
    end
    return path
end

-- A fresh directory under the scratch directory.
function M.tmpdir(name)
    os.execute("mkdir -p " .. M.quote(M.scratch))
    local dir = M.must("mktemp -d " .. M.quote(M.scratch .. "/" .. name
                                              .. ".XXXXXX")):gsub("%s+$", "")
    return dir
end

function M.rmrf(dir)
    os.execute("rm -rf " .. M.quote(dir))
end

-- The names in a directory, sorted (hidden ones too).
function M.ls(dir)
    local out = M.must("ls -A " .. M.quote(dir))
    local names = {}
    for n in out:gmatch("[^\n]+") do names[#names + 1] = n end
    table.sort(names)
    return names
end

-- Files matching a shell glob, sorted.
function M.glob(pattern)
    local out = M.must("for f in " .. pattern
                       .. "; do [ -e \"$f\" ] && echo \"$f\"; done; true")
    local names = {}
    for n in out:gmatch("[^\n]+") do names[#names + 1] = n end
    table.sort(names)
    return names
end

-- A file's modification time with nanoseconds, as text.
function M.mtime(path)
    return (M.must("stat -c %y " .. M.quote(path)):gsub("%s+$", ""))
end

-- A snapshot of a directory: { name = content .. mtime }.
function M.snapshot(dir)
    local s = {}
    for _, n in ipairs(M.ls(dir)) do
        s[n] = (M.read(dir .. "/" .. n) or "") .. "\0" .. M.mtime(dir .. "/" .. n)
    end
    return s
end

function M.same_snapshot(a, b)
    for k, v in pairs(a) do if b[k] ~= v then return false, k end end
    for k in pairs(b) do if a[k] == nil then return false, k end end
    return true
end

local function show(v)
    if type(v) == "string" then return "\n" .. v end
    return tostring(v)
end

function M.fail(what, detail)
    M.failures = M.failures + 1
    io.stderr:write("FAIL: ", what, detail and ("\n" .. detail) or "", "\n")
end

function M.ok(cond, what, detail)
    if cond then
        io.stdout:write("ok: ", what, "\n")
    else
        M.fail(what, detail)
    end
    return cond
end

function M.eq(actual, expected, what)
    if actual == expected then
        io.stdout:write("ok: ", what, "\n")
        return true
    end
    if type(actual) == "string" and type(expected) == "string"
        and #actual + #expected > 800 then
        -- Long texts: show the first line that differs.
        local n, a, e = 0, actual .. "\n", expected .. "\n"
        local ai, ei = a:gmatch("(.-)\n"), e:gmatch("(.-)\n")
        while true do
            n = n + 1
            local la, le = ai(), ei()
            if la ~= le then
                M.fail(what, string.format("line %d differs:\nexpected: %s\n"
                                           .. "actual:   %s", n, tostring(le),
                                           tostring(la)))
                return false
            end
        end
    end
    M.fail(what, "expected:" .. show(expected) .. "\nactual:" .. show(actual))
    return false
end

function M.done()
    if M.failures > 0 then
        io.stderr:write(string.format("%d check(s) failed\n", M.failures))
        os.exit(1)
    end
    os.exit(0)
end

-- Exit 77 (skipped) with a loud line, or 1 under CI=true, where nothing may
-- be skipped.
function M.skip(why)
    if os.getenv("CI") == "true" then
        io.stderr:write("FAIL (CI=true, cannot skip): ", why, "\n")
        os.exit(1)
    end
    io.stderr:write("*** SKIP: ", why, " ***\n")
    os.exit(77)
end

-- Scratch databases of one dialect (sqlite or postgres), for running DDL:
--   db.use(name)     pick (and the first time, make) the database `name`
--   db.apply(file)   run a file of statements there, stopping at the first
--                    error; returns status, output, errors
--   db.sql(text)     run statements there (SQLite: with foreign keys on);
--                    returns status, output (one row a line, columns
--                    separated by |), errors
--   db.cleanup()     drop what was made
-- SQLite: a file per name in dir. PostgreSQL: a schema per name in the
-- database of ORMC_TEST_PG_URL (tests/with-postgres sets it), used through
-- search_path (db.schema() names the current one) in a session whose time
-- zone is Asia/Tokyo, so that a timestamp without time zone must still get
-- UTC. Skips (exit 77) when the dialect's client or server is missing.
function M.databases(dialect, dir)
    local db = {}
    if dialect == "sqlite" then
        if M.sh("command -v sqlite3") ~= 0 then M.skip("sqlite3 is not installed") end
        local file
        function db.use(name) file = dir .. "/" .. name .. ".db" end
        function db.apply(path)
            return M.sh("sqlite3 -bail " .. M.quote(file) .. " < " .. M.quote(path))
        end
        function db.sql(text)
            M.write(dir .. "/stmt.sql", "PRAGMA foreign_keys = ON;\n" .. text .. "\n")
            return M.sh("sqlite3 -bail " .. M.quote(file) .. " < "
                        .. M.quote(dir .. "/stmt.sql"))
        end
        function db.cleanup() end
        return db
    end
    local url = os.getenv("ORMC_TEST_PG_URL")
    if not url or url == "" then
        M.skip("ORMC_TEST_PG_URL is not set (run the tests through "
               .. "tests/with-postgres)")
    end
    if M.sh("command -v psql") ~= 0 then M.skip("psql is not installed") end
    local prefix = "ormc_gen_test_" .. M.must("echo $$"):gsub("%s+", "") .. "_"
    local made, current = {}, nil
    local function psql(opts, args)
        return M.sh("PGOPTIONS=" .. M.quote(opts) .. " psql -X -q -v "
                    .. "ON_ERROR_STOP=1 " .. M.quote(url) .. " " .. args)
    end
    local function opts()
        return "-c search_path=" .. current .. " -c client_min_messages=warning"
            .. " -c timezone=Asia/Tokyo"
    end
    function db.use(name)
        current = prefix .. name
        if not made[current] then
            made[#made + 1] = current
            made[current] = true
            M.must("PGOPTIONS='-c client_min_messages=warning' psql -X -q "
                   .. "-v ON_ERROR_STOP=1 " .. M.quote(url) .. " -c "
                   .. M.quote("DROP SCHEMA IF EXISTS " .. current
                              .. " CASCADE; CREATE SCHEMA " .. current))
        end
    end
    function db.schema() return current end
    function db.apply(path) return psql(opts(), "-f " .. M.quote(path)) end
    function db.sql(text) return psql(opts(), "-At -c " .. M.quote(text)) end
    function db.cleanup()
        if #made > 0 then
            psql("-c client_min_messages=warning", "-c " .. M.quote(
                "DROP SCHEMA " .. table.concat(made, ", ") .. " CASCADE"))
        end
    end
    return db
end

-- The generator's command line, run with the same interpreter as the test.
M.lua = os.getenv("ORMC_LUA") or "lua5.4"
M.ormc = M.quote(M.lua) .. " gen/ormc.lua"

return M
