-- The generated DDL on a real database: arg[2] is sqlite or postgres. Every
-- .sqlite.sql / .postgres.sql of generated/ and of tests/gen/good/ must be
-- accepted, twice (everything is IF NOT EXISTS), and the constraints must do
-- what the generated C promises: max in characters, enum labels, defaults
-- (now in the runtime's format, UTC), foreign keys and their on_delete.
--
-- PostgreSQL: ORMC_TEST_PG_URL names a maintenance database (tests/with-
-- postgres sets it); the test works in schemas of its own and drops them.
-- Without the URL it is skipped, except under CI=true, where that fails.
local T = dofile("tests/gen/lib.lua")

local dialect = arg[2] or "sqlite"
local out = T.tmpdir("ddl-" .. dialect)
local good = T.glob("tests/gen/good/*.lua")
local quoted = {}
for i, g in ipairs(good) do quoted[i] = T.quote(g) end
T.must(T.ormc .. " gen -o " .. T.quote(out) .. " " .. table.concat(quoted, " "))
local files = T.glob("generated/*." .. dialect .. ".sql")
for _, f in ipairs(T.glob(out .. "/*." .. dialect .. ".sql")) do
    files[#files + 1] = f
end
T.ok(#files >= 4, "there are " .. dialect .. " DDL files")

local db = T.databases(dialect, out)
local use, apply, sql, cleanup = db.use, db.apply, db.sql, db.cleanup

local ok_status = dialect == "sqlite" and { t = "1", f = "0" }
    or { t = "t", f = "f" }

for _, f in ipairs(files) do
    use(f:match("([^/]*)%." .. dialect .. "%.sql$"))
    local rc, o, e = apply(f)
    T.eq(e, "", f .. ": accepted by " .. dialect)
    T.eq(rc, 0, f .. ": exit status")
    rc, o, e = apply(f)
    T.eq(rc, 0, f .. ": accepted again (IF NOT EXISTS)" .. e)
end

-- Slack: max; its defaults live in the application (server_default =
-- false, as in slack_sdk's tables): no DEFAULT in the database.
use("slack")
local rc, o, e = sql("INSERT INTO slack_bots (client_id, app_id) VALUES "
                     .. "('c1', 'a1');")
T.ok(rc ~= 0, "slack: server_default = false: no default in the database")
local full = "is_enterprise_install, installed_at) VALUES ('%s', 'a1', "
    .. (dialect == "postgres" and "false" or "0")
    .. ", '2024-01-02 03:04:05.000000');"
local function insert_bot(client_id)
    return sql("INSERT INTO slack_bots (client_id, app_id, "
               .. full:format(client_id))
end
rc, o, e = insert_bot("c1")
T.eq(rc, 0, "slack: insert with every NOT NULL column " .. e)
rc, o, e = insert_bot(("x"):rep(33))
if dialect == "sqlite" then
    -- the default (checks = "client"): ormc checks the max before every
    -- write, the table has no CHECK for it
    T.eq(rc, 0, "slack: no CHECK for a max in SQLite's DDL by default " .. e)
else
    T.ok(rc ~= 0, "slack: text longer than its max is refused")
end
rc, o, e = insert_bot(("é"):rep(32))
T.eq(rc, 0, "slack: max counts characters, not bytes " .. e)

-- checks = "database": the max as a named CHECK in SQLite's DDL too.
use("checks")
rc, o, e = sql("INSERT INTO memo (title) VALUES ('sixsix');")
T.ok(rc ~= 0, "checks: text longer than its max is refused")
if dialect == "sqlite" then
    T.ok(e:find("memo_title_check", 1, true) ~= nil,
         "checks: the CHECK that refuses it is named", e)
end
rc, o, e = sql("INSERT INTO memo (title) VALUES ('ééééé');")
T.eq(rc, 0, "checks: max counts characters, not bytes " .. e)

-- Shop: enum labels, foreign keys and on_delete.
use("shop")
local cust = "'123e4567-e89b-12d3-a456-426614174000'"
rc, o, e = sql("INSERT INTO customers (id, email, name) VALUES (" .. cust
               .. ", 'a@example.com', 'A');\n"
               .. "INSERT INTO products (sku, title, price_cents) VALUES "
               .. "('S1', 'Soap', 250);\n"
               .. "INSERT INTO orders (id, customer_id) VALUES (1, " .. cust
               .. ");\n"
               .. "INSERT INTO order_lines (order_id, line_no, product_id, "
               .. "price_cents) VALUES (1, 1, 1, 250);\n"
               .. "SELECT status, quantity FROM orders, order_lines;")
T.eq(rc, 0, "shop: insert a customer, product, order and line " .. e)
T.eq(o, "pending|1\n", "shop: enum and integer defaults")
rc = sql("INSERT INTO orders (id, customer_id, status) VALUES (2, " .. cust
         .. ", 'lost');")
T.ok(rc ~= 0, "shop: a label outside the enum is refused")
rc = sql("INSERT INTO orders (id, customer_id) VALUES (3, "
         .. "'00000000-0000-0000-0000-000000000000');")
T.ok(rc ~= 0, "shop: a reference to a missing parent is refused")
rc = sql("DELETE FROM customers;")
T.ok(rc ~= 0, "shop: on_delete restrict keeps a referenced customer")
rc, o, e = sql("DELETE FROM products;\nSELECT count(*) FROM order_lines "
               .. "WHERE product_id IS NULL;")
T.eq(o, "1\n", "shop: on_delete set_null " .. e)
rc, o, e = sql("DELETE FROM orders;\nSELECT count(*) FROM order_lines;")
T.eq(o, "0\n", "shop: on_delete cascade " .. e)
rc = sql("INSERT INTO order_lines (order_id, line_no, price_cents) VALUES "
         .. "(9, 1, 1);")
T.ok(rc ~= 0, "shop: composite key row needs its parent")

-- Composite: a foreign key over two columns, to a primary key and to a
-- unique key, and its on_delete.
use("composite")
rc, o, e = sql("INSERT INTO artist (id, name) VALUES (1, 'A');\n"
               .. "INSERT INTO album (artist_id, no, code) VALUES "
               .. "(1, 1, 'x'), (1, 2, 'y');\n"
               .. "INSERT INTO track (artist_id, album_no, title) VALUES "
               .. "(1, 1, 't1'), (1, 2, 't2'), (NULL, 7, 'loose');\n"
               .. "INSERT INTO review (artist_id, album_code) VALUES "
               .. "(1, 'x'), (1, 'y');\n"
               .. "SELECT count(*) FROM track;")
T.eq(o, "3\n", "composite: rows whose keys have their parents, and one "
     .. "with a NULL in its key " .. e)
rc = sql("INSERT INTO track (artist_id, album_no, title) VALUES "
         .. "(1, 3, 'x');")
T.ok(rc ~= 0, "composite: a key whose pair has no parent is refused")
rc = sql("INSERT INTO review (artist_id, album_code) VALUES (2, 'x');")
T.ok(rc ~= 0, "composite: a key to a unique key without its parent is "
     .. "refused")
rc, o, e = sql("DELETE FROM album WHERE no = 1;\n"
               .. "SELECT title FROM track ORDER BY title;\n"
               .. "SELECT count(*) FROM review WHERE album_code IS NULL "
               .. "AND artist_id IS NULL;")
T.eq(o, "loose\nt2\n1\n", "composite: on_delete cascade and set_null "
     .. "act on the whole key " .. e)

-- Edge: literal defaults survive quoting.
use("edge")
rc, o, e = sql("INSERT INTO nodes (shape) VALUES ('round');\n"
               .. "SELECT label_text, colour, weight, scale, big, small, neg,"
               .. " flag, meta, token FROM nodes;")
T.eq(rc, 0, "edge: insert with every kind of default " .. e)
local want = table.concat({ "it's a \"label\" \\ ünïcødé", "green-ish", "0.1",
                            "2.0", "9007199254740993", "-9223372036854775808",
                            "-2147483648", ok_status.t, '{"a": [1, 2]}',
                            "123e4567-e89b-12d3-a456-426614174000" }, "|")
if dialect == "postgres" then
    want = want:gsub("|2%.0|", "|2|")
end
T.eq(o, want .. "\n", "edge: the defaults as stored")
rc = sql("INSERT INTO nodes (shape) VALUES ('round');")
T.ok(rc ~= 0, "edge: a unique uuid default collides on the second row")

-- Edge: default now, of a timestamp without time zone too.
-- PostgreSQL prints a timestamp without its trailing zeros: ask for all six
-- fraction digits there; SQLite stores the text itself.
local local_at = dialect == "postgres"
    and "to_char(local_at, 'YYYY-MM-DD HH24:MI:SS.US')" or "local_at"
rc, o, e = sql("SELECT " .. local_at .. " FROM nodes;")
T.ok(o:match("^%d%d%d%d%-%d%d%-%d%d %d%d:%d%d:%d%d%.%d%d%d%d%d%d\n$"),
     "edge: default now in the runtime's format YYYY-MM-DD HH:MM:SS.ffffff",
     o .. e)
if dialect == "postgres" then
    rc, o = sql("SELECT abs(extract(epoch FROM local_at - "
                .. "(now() AT TIME ZONE 'UTC'))) < 300 FROM nodes")
    T.eq(o, "t\n", "edge: default now of a timestamp without time zone is "
         .. "UTC in a session in another time zone")
end

-- The catalog type of every column: what the generated descriptors carry
-- (dialect.lua's catalog_type, which the runtime's schema check compares
-- with the live catalog) is what the catalog reports for the column that
-- the generated DDL made, for every schema applied above.
package.path = "gen/?.lua;" .. package.path
local errors, load, check, model = require("errors"), require("load"),
    require("check"), require("model")
local d = require("dialect")[dialect]
local util = require("util")
local schemas = T.glob("schema/*.lua")
for _, g in ipairs(good) do schemas[#schemas + 1] = g end
local n_columns = 0
for _, path in ipairs(schemas) do
    local errs = errors.new()
    local raw = load.load_file(path, errs, path)
    local m = raw and model.build(check.schema(raw, errs))
    T.eq(errs:count(), 0, path .. ": builds")
    use(m.name)
    for _, t in ipairs(m.tables) do
        local q = dialect == "sqlite"
            and "SELECT name, type FROM pragma_table_info("
                .. util.sql_string(t.sql_name) .. ") ORDER BY cid;"
            or "SELECT attname, format_type(atttypid, atttypmod) "
                .. "FROM pg_attribute WHERE attrelid = to_regclass("
                .. "quote_ident(" .. util.sql_string(t.sql_name) .. ")) "
                .. "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
        local want = {}
        for _, c in ipairs(t.columns) do
            want[#want + 1] = c.sql_name .. "|" .. d.catalog_type(c)
            n_columns = n_columns + 1
        end
        rc, o, e = sql(q)
        T.eq(o, table.concat(want, "\n") .. "\n",
             path .. ": the catalog types of table " .. t.sql_name .. " " .. e)
    end
end
T.ok(n_columns > 50, "catalog types compared for every column")

cleanup()
T.rmrf(out)
T.done()
