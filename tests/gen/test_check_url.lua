-- ormc check --url (docs/queries.md): every query prepared on the test
-- PostgreSQL, in a schema of its own that is rolled back; the types it
-- describes must be the generated ones.
local T = dofile("tests/gen/lib.lua")

local url = os.getenv("ORMC_TEST_PG_URL")
if not url or url == "" then
    T.skip("ORMC_TEST_PG_URL is not set (run the tests through "
           .. "tests/with-postgres)")
end
if T.sh("command -v psql") ~= 0 then T.skip("psql is not installed") end

local dir = T.tmpdir("check_url")
local function check(path, extra)
    return T.sh(T.ormc .. " check --url " .. T.quote(url) .. " "
                .. (extra or "") .. T.quote(path))
end

-- The query tests' schema: every query's types agree with PostgreSQL's.
local rc, out, err = check("tests/queries/music.lua")
T.eq(rc, 0, "music.lua: the types agree", err)
T.eq(out, "", "music.lua: nothing on stdout")

-- The example schema's reports, one of them PostgreSQL-only.
rc, _, err = check("schema/shop.lua")
T.eq(rc, 0, "shop.lua: the types agree", err)

-- The benchmark's query (W8) in slack.lua.
rc, _, err = check("schema/slack.lua")
T.eq(rc, 0, "slack.lua: the types agree", err)

-- With -o, the output directory is compared too.
T.must(T.ormc .. " gen -o " .. T.quote(dir) .. " tests/queries/music.lua")
rc, _, err = check("tests/queries/music.lua", "-o " .. T.quote(dir) .. " ")
T.eq(rc, 0, "with -o: fresh and agreeing", err)

-- A declared type PostgreSQL does not return, and a text only PostgreSQL
-- runs that it refuses.
local path = dir .. "/bad.lua"
T.write(path, [[
return schema "b" {
    table "item" { serial "id", double "price" { not_null = true } },
    query "total" {
        returns = "one",
        sql = "SELECT sum(price) AS total FROM item WHERE id > :after",
        columns = { total = { type = "bigint" } },
    },
    query "typo" {
        returns = "many", dialects = { "postgres" },
        sql = "SELECT id FROM item WHERE pryce > :p",
        params = { p = "double" },
    },
    query "fine" { returns = "many", sql = "SELECT id, price FROM item" },
}
]])
rc, out, err = check(path)
T.eq(rc, 2, "a mismatch: exit status")
local shown = T.shown(path)
T.eq(err, shown .. ":3: error: query \"total\": PostgreSQL returns column "
     .. "'total' as double precision; the generated type is bigint\n"
     .. shown .. ":8: error: query \"typo\": PostgreSQL: column \"pryce\" "
     .. "does not exist\normc: 2 errors; no files written\n",
     "a mismatch: PostgreSQL's types and messages against the queries")
T.eq(out, "", "a mismatch: nothing on stdout")

-- Nothing is left behind on the server.
local left = T.must("psql -X -At " .. T.quote(url) .. " -c " .. T.quote(
    "SELECT count(*) FROM pg_namespace WHERE nspname LIKE "
    .. "'ormc\\_describe\\_%'"))
T.eq(left, "0\n", "no schema left behind")

T.rmrf(dir)
T.done()
