-- ormc pull on a real database: arg[2] is sqlite or postgres.
--
-- The round trip: every schema of schema/ and tests/gen/good/ is created
-- from its generated DDL, pulled back, and `ormc diff` between the original
-- and the pulled file finds nothing to do. What a pull cannot get back
-- (docs/pull.md) is asserted as it is: the whole pulled text of shop.lua
-- (tests/gen/pull/shop.DIALECT.expected) and of a database ormc did not
-- create (foreign.DIALECT.sql -> foreign.DIALECT.expected). Then --tables,
-- and bad input: exit 2, a clear message, no -o file written or changed.
--
-- PostgreSQL: a schema per database (lib.lua's databases), pulled with
-- --schema. Skipped without a server, except under CI=true.
local T = dofile("tests/gen/lib.lua")

local dialect = arg[2] or "sqlite"
local out = T.tmpdir("pull-" .. dialect)
local db = T.databases(dialect, out)
local use, apply, sql, cleanup = db.use, db.apply, db.sql, db.cleanup

local schemas = T.glob("schema/*.lua")
for _, g in ipairs(T.glob("tests/gen/good/*.lua")) do schemas[#schemas + 1] = g end
local quoted = {}
for i, s in ipairs(schemas) do quoted[i] = T.quote(s) end
T.must(T.ormc .. " gen -o " .. T.quote(out) .. " " .. table.concat(quoted, " "))

-- The URL and options that pull the database `name` (made by use()).
local pg_url = os.getenv("ORMC_TEST_PG_URL")
local function target(name)
    if dialect == "sqlite" then
        return T.quote("sqlite:" .. out .. "/" .. name .. ".db")
    end
    return T.quote(pg_url) .. " --schema " .. T.quote(db.schema())
end

local function pull(name, extra)
    return T.sh(T.ormc .. " pull " .. target(name) .. " " .. (extra or ""))
end

-- The pulled text from `return schema` on: the comment above it names the
-- file or the schema, which differ from run to run.
local function body(text)
    return text:match("^%-%-.-\n(return schema .*)$") or text
end

-- The round trip.
local n = 0
for _, path in ipairs(schemas) do
    local name = path:match("([^/]*)%.lua$")
    use(name)
    local rc, _, e = apply(out .. "/" .. name .. "." .. dialect .. ".sql")
    T.eq(rc, 0, path .. ": DDL applied " .. e)
    local pulled = out .. "/" .. name .. ".pulled.lua"
    rc, _, e = pull(name, "--name " .. name .. " -o " .. T.quote(pulled))
    T.eq(rc, 0, path .. ": pulled " .. e)
    T.eq(e, "", path .. ": nothing on stderr (nothing left unmapped)")
    local text = T.read(pulled) or ""
    T.ok(not text:find("not mapped", 1, true),
         path .. ": nothing left unmapped", text)
    local o
    rc, o, e = T.sh(T.ormc .. " diff --dialect " .. dialect .. " "
                    .. T.quote(path) .. " " .. T.quote(pulled))
    T.eq(rc, 0, path .. ": the pulled schema builds " .. e)
    T.ok(o:find("\n%-%- No differences: nothing to do%.\n$") ~= nil,
         path .. ": ormc diff from the original to the pulled schema is "
         .. "empty on " .. dialect, o)
    n = n + 1
end
T.ok(n >= 6, "every schema of schema/ and tests/gen/good/ round-tripped")

-- What does not survive, exactly: shop.lua as pulled.
local expected = "tests/gen/pull/shop." .. dialect .. ".expected"
T.eq(body(T.read(out .. "/shop.pulled.lua") or ""), T.read(expected),
     "shop.lua pulled from " .. dialect .. " is " .. expected)

-- A database ormc did not create: every column, key and index it has is
-- in the output, or named in a not-mapped comment.
use("foreign")
local rc, o, e = apply("tests/gen/pull/foreign." .. dialect .. ".sql")
T.eq(rc, 0, "foreign: DDL applied " .. e)
rc, o, e = pull("foreign", "--name foreign")
T.eq(rc, 0, "foreign: pulled")
T.eq(body(o), T.read("tests/gen/pull/foreign." .. dialect .. ".expected"),
     "foreign: what the pull writes, and what it names as not mapped")
local _, count = body(o):gsub("%-%- not mapped: ", "")
T.eq(e, string.format("ormc: pull: %d things the DSL cannot say: see the "
                      .. "`-- not mapped:` comments\n", count),
     "foreign: stderr counts the not-mapped comments")

-- --tables: only those; a key to a table left out becomes a comment.
use("shop")
rc, o, e = pull("shop", "--name shop --tables order_lines,orders")
T.eq(rc, 0, "--tables: pulled " .. e)
local tables = {}
for t in o:gmatch('\n    table "([^"]+)"') do tables[#tables + 1] = t end
T.eq(table.concat(tables, ","), "orders,order_lines",
     "--tables: those tables, in the database's order")
-- The comments as one line each.
local flat = o:gsub("\n%s*%-%- ", " ")
T.ok(flat:find(' not mapped: foreign key "orders_customer_id_fkey" '
               .. '(customer_id) references table "customers", which '
               .. '--tables leaves out\n', 1, true) ~= nil
     and flat:find(' not mapped: foreign key "order_lines_product_id_fkey"'
                   .. ' (product_id) references table "products", which '
                   .. '--tables leaves out\n', 1, true) ~= nil,
     "--tables: the keys to the tables left out are comments", o)
T.ok(o:find('%s"customer_id" { not_null = true },\n') ~= nil,
     "--tables: the column of a key left out stays, without references", o)

-- Bad input: exit 2, the reason, no -o file; an old one is left as it was.
local keep = out .. "/keep.lua"
local function refused(args, message, what)
    T.write(keep, "old\n")
    local rc2, o2, e2 = T.sh(T.ormc .. " pull " .. args .. " -o "
                             .. T.quote(keep))
    T.eq(rc2, 2, what .. ": exit status 2")
    T.eq(o2, "", what .. ": nothing on stdout")
    if type(message) == "string" then
        T.eq(e2, message, what .. ": the message")
    else
        T.ok(message(e2), what .. ": the message", e2)
    end
    T.eq(T.read(keep), "old\n", what .. ": the -o file is left as it was")
    local left = {}
    for _, f in ipairs(T.ls(out)) do
        if f:match("^%.keep") then left[#left + 1] = f end
    end
    T.eq(#left, 0, what .. ": no temporary file left")
end
refused(target("shop") .. " --tables orders,nope",
        'ormc: pull: --tables: no table "nope" in '
        .. (dialect == "sqlite" and "the database" or 'schema "'
            .. db.schema() .. '"')
        .. " (it has customers, products, orders, order_lines)\n",
        "--tables with a table that is not there")
-- A missing file is an error, never an empty database made on the spot.
local os_missing = out .. "/missing.db"
refused(T.quote("mysql://localhost/app"),
        "ormc: pull: 'mysql://localhost/app' is no database URL: "
        .. "sqlite:PATH, postgres://... or a libpq keyword string\n",
        "a URL of another database")
if dialect == "sqlite" then
    refused(T.quote("sqlite:" .. os_missing),
            "ormc: pull: cannot read " .. os_missing
            .. ": no such file\n", "a file that is not there")
    T.ok(T.read(os_missing) == nil, "a missing file is not created")
    local junk = out .. "/junk.db"
    T.write(junk, ("not a database\n"):rep(100))
    refused(T.quote("sqlite:" .. junk),
            "ormc: pull: cannot read " .. junk
            .. ": file is not a database\n", "a file that is no database")
    local empty = out .. "/empty.db"
    T.must("sqlite3 " .. T.quote(empty) .. " 'PRAGMA user_version = 1'")
    refused(T.quote("sqlite:" .. empty),
            "ormc: pull: the database has no tables to pull\n",
            "an empty database")
    refused(T.quote("sqlite:" .. empty) .. " --schema x",
            "ormc: pull: --schema is for PostgreSQL; a SQLite file has "
            .. "one\n", "--schema on SQLite")
else
    refused(T.quote("postgresql:///x?host=" .. out .. "/nowhere"),
            function(err)
                return err:find("^ormc: pull: cannot connect: connection to "
                                .. "server on socket \"[^\n]*nowhere/") ~= nil
            end, "a server that is not there")
    refused(T.quote(pg_url) .. " --schema no_such_schema",
            function(err)
                return err:find('^ormc: pull: there is no schema '
                                .. '"no_such_schema" in database "') ~= nil
            end, "a schema that is not there")
    use("empty")
    refused(target("empty"),
            'ormc: pull: the database has no tables to pull (schema "'
            .. db.schema() .. '")\n', "an empty schema")
end

-- -o into a directory that is not there; a --name the DSL refuses.
use("web")
rc, o, e = pull("web", "-o " .. T.quote(out .. "/nowhere/web.lua"))
T.eq(rc, 2, "-o in a missing directory: exit status 2")
T.eq(e, "ormc: pull: cannot write " .. T.shown(out .. "/nowhere/web.lua")
     .. ": there is no directory " .. T.shown(out .. "/nowhere") .. "\n",
     "-o in a missing directory: the message")
rc, o, e = pull("web", "--name Web")
T.eq(rc, 2, "--name that is no schema name: exit status 2")
T.eq(e, "ormc: pull: --name 'Web' is no schema name (lower-case letters, "
     .. "digits and underscores)\nTry 'ormc --help'.\n",
     "--name that is no schema name: the message")
T.eq(o, "", "--name that is no schema name: nothing on stdout")

-- -o writes the file whole, and nothing beside it.
use("web")
local file = out .. "/web.out.lua"
rc, o, e = pull("web", "--name web -o " .. T.quote(file))
T.eq(rc, 0, "-o: exit status " .. e)
T.eq(o, "", "-o: nothing on stdout")
rc, o = pull("web", "--name web")
T.eq(T.read(file), o, "-o: the file holds what stdout would")
-- -o naming a file of the current directory, without a directory part
local root = T.must("pwd"):gsub("%s+$", "")
local here_rc, _, here_e = T.sh("cd " .. T.quote(out) .. " && "
                                .. T.quote(T.lua) .. " "
                                .. T.quote(root .. "/gen/ormc.lua")
                                .. " pull " .. target("web")
                                .. " --name web -o here.lua")
T.eq(here_rc, 0, "-o FILE in the current directory: exit status " .. here_e)
T.eq(body(T.read(out .. "/here.lua") or ""), body(o),
     "-o FILE in the current directory: the file holds what stdout would")

-- The catalog is read, never written: the database is as it was.
rc, o = sql(dialect == "sqlite" and "SELECT count(*) FROM sessions;"
            or "SELECT count(*) FROM sessions")
T.eq(o, "0\n", "the pulled database is unchanged")

cleanup()
T.rmrf(out)
T.done()
