-- ormc diff on a real database: arg[2] is sqlite or postgres.
--
-- A database made from tests/gen/diff/v1.lua, with rows in it, migrated by
-- `ormc diff v1.lua v2.lua`, must end up with the catalog of a database made
-- from v2.lua directly (columns, types, NOT NULL, defaults, constraints,
-- indexes), with its rows carried over (renamed columns keep their values,
-- a column made NOT NULL takes its default, keys are not reused). A script
-- that fails half-way changes nothing. What diff cannot derive is refused
-- with the schema's file and line, and nothing on stdout. keys1/keys2 and
-- fk1/fk2 (composite foreign keys) are migrated the same way. A serial's
-- autoincrement = true, added or removed, rebuilds the table on SQLite
-- (carrying sqlite_sequence's mark over) and is nothing on PostgreSQL.
local T = dofile("tests/gen/lib.lua")

local dialect = arg[2] or "sqlite"
local out = T.tmpdir("diff-" .. dialect)
local v1, v2 = "tests/gen/diff/v1.lua", "tests/gen/diff/v2.lua"

local function ormc(args) return T.sh(T.ormc .. " " .. args) end

-- Write what `ormc args` prints to out/name; returns the path.
local function script(name, args)
    local path = out .. "/" .. name
    T.must(T.ormc .. " " .. args .. " > " .. T.quote(path))
    return path
end

local d = "--dialect " .. dialect .. " "
local v1_ddl = script("v1.sql", "ddl " .. d .. v1)
local v2_ddl = script("v2.sql", "ddl " .. d .. v2)
local migration = script("v1-v2.sql", "diff " .. d .. v1 .. " " .. v2)

-- === The command line ===

local rc, o, e = ormc("diff " .. d .. v2 .. " " .. v2)
T.eq(rc, 0, "same schema twice: exit 0")
T.ok(o:find("No differences: nothing to do.", 1, true) ~= nil,
     "same schema twice: says there is nothing to do", o)
T.ok(not o:find("BEGIN", 1, true), "same schema twice: no statements", o)

rc, o, e = ormc("diff " .. d .. v1)
T.eq(rc, 2, "one schema: exit 2")
T.ok(e:find("name two schema files", 1, true) ~= nil, "one schema: said", e)
rc, o, e = ormc("diff --dialect oracle " .. v1 .. " " .. v2)
T.eq(rc, 2, "unknown dialect: exit 2")
T.ok(e:find("unknown dialect 'oracle'", 1, true) ~= nil,
     "unknown dialect: said", e)
rc, o, e = ormc("diff " .. v1 .. " " .. v2)
T.eq(rc, 2, "no dialect: exit 2")

-- A new schema diff cannot reach from v1: a NOT NULL column without a
-- default, and a key that stops being serial. Errors at their lines.
local v1_text = T.read(v1)
local bad = out .. "/bad.lua"
T.write(bad, (v1_text:gsub('text    "country" {},',
                          'text    "country" {},\n'
                          .. '        text    "motto"   { not_null = true },')
                    :gsub('serial "id"   {},',
                          'bigint "id"   { primary_key = true },')))
rc, o, e = ormc("diff " .. d .. v1 .. " " .. T.quote(bad))
T.eq(rc, 2, "underivable change: exit 2")
T.eq(o, "", "underivable change: nothing on stdout")
local shown = T.shown(bad):gsub("%p", "%%%0")
T.ok(e:find(shown .. ":14: error: column 'motto' of table 'author' is added "
            .. "NOT NULL without a default: the rows already there would "
            .. "have no value") ~= nil,
     "NOT NULL column without a default: named at its line", e)
T.ok(e:find(shown .. ":%d+: error: column 'id' of table 'note' stops being "
            .. "serial") ~= nil, "serial change: named at its line", e)

-- === On the database ===

local db = T.databases(dialect, out)
local sqlite = dialect == "sqlite"

-- Make database `name` from a DDL file and fill it with rows.
function db.load(name, ddl_file, rows)
    db.use(name)
    local rc_, _, err = db.apply(ddl_file)
    T.eq(rc_, 0, name .. ": created " .. err)
    rc_, _, err = db.sql(rows)
    T.eq(rc_, 0, name .. ": rows " .. err)
end

-- The catalog of the current database, as text that does not depend on
-- the order of columns (ADD COLUMN appends) or on the schema's name.
-- SQLite: of the tables named (by default those of v1 and v2).
local function catalog(tables)
    local queries
    if sqlite then
        queries = {
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
                .. "WHERE name NOT LIKE 'sqlite_%' ORDER BY name;",
        }
        for _, t in ipairs(tables or { "authors", "books", "reviews", "notes" }) do
            queries[#queries + 1] = string.format(
                "SELECT '%s', name, type, \"notnull\", dflt_value, pk "
                .. "FROM pragma_table_info('%s') ORDER BY name;", t, t)
            queries[#queries + 1] = string.format(
                "SELECT '%s', il.name, il.\"unique\", il.origin, ii.seqno, "
                .. "ii.name FROM pragma_index_list('%s') il, "
                .. "pragma_index_info(il.name) ii ORDER BY 2, 5;", t, t)
            queries[#queries + 1] = string.format(
                "SELECT '%s', \"table\", \"from\", \"to\", on_delete "
                .. "FROM pragma_foreign_key_list('%s') ORDER BY 3;", t, t)
        end
    else
        queries = {
            "SELECT table_name, column_name, data_type, "
                .. "character_maximum_length, is_nullable, column_default, "
                .. "is_identity, identity_generation FROM "
                .. "information_schema.columns WHERE table_schema = "
                .. "current_schema() ORDER BY 1, 2;",
            "SELECT conrelid::regclass::text, conname, contype, "
                .. "pg_get_constraintdef(oid) FROM pg_constraint WHERE "
                .. "connamespace = current_schema()::regnamespace "
                .. "ORDER BY 1, 2;",
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE "
                .. "schemaname = current_schema() ORDER BY 1, 2;",
        }
    end
    local rc_, text, err = db.sql(table.concat(queries, "\n"))
    T.eq(rc_, 0, "catalog query " .. err)
    if not sqlite then text = text:gsub(db.schema(), "S") end
    -- SQLite quotes a renamed table's name in the text it keeps.
    return (text:gsub('CREATE TABLE "?([%w_]+)"? %(', "CREATE TABLE %1 ("))
end

-- v1 with rows: an author whose key is taken and then freed (a key is
-- never used twice), another without a country or a birth year, books of
-- each format, a note.
local function load_v1(name)
    db.load(name, v1_ddl,
        "INSERT INTO authors (name, country, born) VALUES ('Ann', 'NO', 1950);\n"
        .. "INSERT INTO authors (name) VALUES ('Bob');\n"
        .. "INSERT INTO authors (name) VALUES ('Gone');\n"
        .. "DELETE FROM authors WHERE name = 'Gone';\n"
        .. "INSERT INTO books (author_id, title, pages, isbn) VALUES "
        .. "(1, 'First', 300, '9780000000001');\n"
        .. "INSERT INTO books (author_id, title, format) VALUES "
        .. "(2, 'Second', 'ebook');\n"
        .. "INSERT INTO notes (body) VALUES ('remember');")
end

db.use("fresh")
rc, o, e = db.apply(v2_ddl)
T.eq(rc, 0, "v2 created " .. e)
local want = catalog()
T.ok(want:find("reviews", 1, true) and want:find("nation", 1, true),
     "the catalog query sees v2's tables and columns", want)

load_v1("migrated")
local before = catalog()
rc, o, e = db.apply(migration)
T.eq(rc, 0, "the migration applies " .. e)
T.eq(e, "", "the migration applies without a message")
T.eq(catalog(), want, "migrated: the catalog of a database made from v2")

local function query(what, text, expected)
    local rc_, got, err = db.sql(text)
    T.eq(rc_, 0, what .. " " .. err)
    T.eq(got, expected, what)
end
query("rows carried over: renamed column keeps its values, NOT NULL takes "
      .. "its default, new columns their defaults",
      "SELECT id, name, nation, born, bio, (SELECT count(*) FROM books b WHERE b.author_id = a.id) "
      .. "FROM authors a ORDER BY id;",
      "1|Ann|NO|1950||1\n2|Bob||0||1\n")
query("books carried over: the format each had, new columns filled in",
      "SELECT id, title, format, isbn, CAST(rating AS INTEGER), "
      .. "published_at IS NOT NULL FROM books ORDER BY id;",
      sqlite and "1|First|paper|9780000000001|0|1\n2|Second|ebook||0|1\n"
      or "1|First|paper|9780000000001|0|t\n2|Second|ebook||0|t\n")
query("a key is not used twice after the migration",
      "INSERT INTO authors (name) VALUES ('Cy');\n"
      .. "SELECT max(id) FROM authors;", "4\n")
query("the new enum label and default",
      "INSERT INTO books (author_id, title) VALUES (4, 'Third');\n"
      .. "INSERT INTO books (author_id, title, format) VALUES "
      .. "(4, 'Fourth', 'audio');\n"
      .. "SELECT format FROM books WHERE id > 2 ORDER BY id;",
      "ebook\naudio\n")
rc = db.sql("INSERT INTO books (author_id, title, format) VALUES "
            .. "(4, 'Fifth', 'vinyl');")
T.ok(rc ~= 0, "a label outside the new enum is refused")
rc = db.sql("INSERT INTO books (author_id, title, isbn) VALUES "
            .. "(4, 'Copy', '9780000000001');")
T.ok(rc ~= 0, "the new unique constraint holds")
rc = db.sql("DELETE FROM authors WHERE id = 1;")
T.ok(rc ~= 0, "the foreign key is now on_delete restrict")
query("the new table takes rows that reference the migrated one",
      "INSERT INTO reviews (book_id, body) VALUES (1, 'Good');\n"
      .. "SELECT count(*) FROM reviews;", "1\n")
rc = db.sql("SELECT * FROM notes;")
T.ok(rc ~= 0, "the dropped table is gone")

rc, o, e = db.apply(script("v2-v2.sql", "diff " .. d .. v2 .. " " .. v2))
T.eq(rc, 0, "the empty migration applies " .. e)
T.eq(catalog(), want, "the empty migration changes nothing")

-- A migration that fails half-way: v2 with the ISBN made NOT NULL, which a
-- row without one refuses after the authors have changed. Nothing stays.
local strict = out .. "/strict.lua"
T.write(strict, (T.read(v2):gsub('{ max = 13, unique = true }',
                                 '{ max = 13, unique = true, not_null = true }')))
local failing = script("v1-strict.sql", "diff " .. d .. v1 .. " "
                       .. T.quote(strict))
load_v1("failed")
rc, o, e = db.apply(failing)
T.ok(rc ~= 0, "a migration that fails half-way: an error", e)
T.eq(catalog(), before, "a migration that fails half-way: changes nothing")
query("a migration that fails half-way: the rows as they were",
      "SELECT id, name, country FROM authors ORDER BY id;\n"
      .. "SELECT count(*) FROM notes;", "1|Ann|NO\n2|Bob|\n1\n")

-- === Keys, references and renames (keys1.lua -> keys2.lua) ===

local k1, k2 = "tests/gen/diff/keys1.lua", "tests/gen/diff/keys2.lua"
local k1_ddl = script("keys1.sql", "ddl " .. d .. k1)
local k2_ddl = script("keys2.sql", "ddl " .. d .. k2)
local k_migration = script("keys1-keys2.sql", "diff " .. d .. k1 .. " " .. k2)
local tables = { "countries", "cities", "items", "articles", "stock", "nodes" }

db.use("keys_fresh")
rc, o, e = db.apply(k2_ddl)
T.eq(rc, 0, "keys2 created " .. e)
local k_want = catalog(tables)

-- keys1 with rows; extra: more rows, applied after the common ones.
local function load_keys1(name, extra)
    db.load(name, k1_ddl,
        "INSERT INTO countries (code, name) VALUES ('NO', 'Norway'), "
        .. "('SE', 'Sweden');\n"
        .. "INSERT INTO cities (country_code, flag, founded) VALUES "
        .. "('NO', 1, '2024-01-01 00:00:00.000000');\n"
        .. "INSERT INTO items (sku, label, city_id) VALUES ('A1', 'apple', 1);\n"
        .. "INSERT INTO nodes (nid, parent) VALUES (1, NULL), (2, 1);\n"
        .. (extra or ""))
end

load_keys1("keys")
rc, o, e = db.apply(k_migration)
T.eq(rc, 0, "keys: the migration applies " .. e)
T.eq(catalog(tables), k_want, "keys: the catalog of a database made from keys2")
query("keys: a natural key replaced by a serial one: every row gets one",
      "SELECT code, name, id IS NOT NULL FROM countries ORDER BY code;",
      sqlite and "NO|Norway|1\nSE|Sweden|1\n" or "NO|Norway|t\nSE|Sweden|t\n")
query("keys: the foreign key into it still holds",
      "SELECT country_code FROM cities;", "NO\n")
rc = db.sql("INSERT INTO cities (country_code) VALUES ('XX');")
T.ok(rc ~= 0, "keys: the foreign key into it still refuses a missing parent")
query("keys: integer to boolean under a default; text to a timestamp, as UTC "
      .. "in a session elsewhere; a column renamed by sql_name keeps its "
      .. "values",
      sqlite and "SELECT flag, substr(founded_at, 1, 19) FROM cities;"
      or "SELECT flag, to_char(founded_at AT TIME ZONE 'UTC', "
         .. "'YYYY-MM-DD HH24:MI:SS') FROM cities;",
      (sqlite and "1" or "t") .. "|2024-01-01 00:00:00\n")
query("keys: a table renamed by sql_name keeps its rows",
      "SELECT sku, label, city_id FROM articles;", "A1|apple|1\n")
query("keys: a new table references the new unique key",
      "INSERT INTO stock (sku) VALUES ('A1');\nSELECT count(*) FROM stock;",
      "1\n")
rc = db.sql("INSERT INTO stock (sku) VALUES ('ZZ');")
T.ok(rc ~= 0, "keys: the new table's foreign key refuses a missing parent")
query("keys: a self-referencing key renamed",
      "SELECT id, parent FROM nodes ORDER BY id;", "1|\n2|1\n")
rc = db.sql("INSERT INTO nodes (id, parent) VALUES (3, 99);")
T.ok(rc ~= 0, "keys: the renamed self-reference still refuses a missing parent")

-- What the new version refuses makes the whole migration fail, with
-- nothing changed: a name longer than the new max (cut short by a naive
-- cast), an item in a city that does not exist (committed by a script
-- that never checks the foreign keys it turned off).
local refusals = {
    { "a value longer than the new max",
      "INSERT INTO countries (code, name) VALUES ('XL', 'Far too long a name');" },
    { "a value the new reference has no parent for",
      "INSERT INTO items (sku, label, city_id) VALUES ('B2', 'pear', 999);" },
}
for i, r in ipairs(refusals) do
    load_keys1("keys_refused_" .. i, r[2])
    local before_k = catalog(tables)
    rc, o, e = db.apply(k_migration)
    T.ok(rc ~= 0, "keys: " .. r[1] .. ": the migration fails", e)
    T.eq(catalog(tables), before_k, "keys: " .. r[1] .. ": nothing changed")
end

-- === Composite foreign keys (fk1.lua -> fk2.lua) ===

local f1, f2 = "tests/gen/diff/fk1.lua", "tests/gen/diff/fk2.lua"
local f1_ddl = script("fk1.sql", "ddl " .. d .. f1)
local f2_ddl = script("fk2.sql", "ddl " .. d .. f2)
local f_migration = script("fk1-fk2.sql", "diff " .. d .. f1 .. " " .. f2)
local f_tables = { "shelf", "box", "tag", "crate", "label" }

db.use("fk_fresh")
rc, o, e = db.apply(f2_ddl)
T.eq(rc, 0, "fk2 created " .. e)
local f_want = catalog(f_tables)
T.ok(f_want:find("tag_shelf_fkey", 1, true) ~= nil or sqlite,
     "the catalog query sees the composite keys", f_want)

-- fk1 with rows: a box and a label on shelf A/1, a tag on shelf A/2;
-- extra: more rows.
local function load_fk1(name, extra)
    db.load(name, f1_ddl,
        "INSERT INTO shelf (room, no, name) VALUES ('A', 1, 'top'), "
        .. "('A', 2, 'low');\n"
        .. "INSERT INTO box (room, shelf_no) VALUES ('A', 1);\n"
        .. "INSERT INTO tag (room, shelf_no) VALUES ('A', 2);\n"
        .. "INSERT INTO crate (room, shelf_no) VALUES ('A', 2);\n"
        .. "INSERT INTO label (room, shelf_no) VALUES ('A', 1);\n"
        .. (extra or ""))
end

load_fk1("fk")
rc, o, e = db.apply(f_migration)
T.eq(rc, 0, "fk: the migration applies " .. e)
T.eq(catalog(f_tables), f_want,
     "fk: the catalog of a database made from fk2")
rc = db.sql("INSERT INTO crate (room, shelf_no) VALUES ('A', 9);")
T.ok(rc ~= 0, "fk: the composite key over retyped columns still refuses "
     .. "a missing parent")
rc = db.sql("INSERT INTO tag (room, shelf_no) VALUES ('A', 9);")
T.ok(rc ~= 0, "fk: the added composite key refuses a missing parent")
query("fk: the dropped composite key no longer refuses one",
      "INSERT INTO label (room, shelf_no) VALUES ('A', 9);\n"
      .. "SELECT count(*) FROM label;", "2\n")
query("fk: the changed composite key now cascades, over retyped columns",
      "DELETE FROM shelf WHERE room = 'A' AND no = 1;\n"
      .. "SELECT count(*) FROM box;", "0\n")

-- A row the added key has no parent for: the whole migration fails.
load_fk1("fk_refused", "INSERT INTO tag (room, shelf_no) VALUES ('B', 1);")
local before_f = catalog(f_tables)
rc, o, e = db.apply(f_migration)
T.ok(rc ~= 0, "fk: a tag without its shelf: the migration fails", e)
T.eq(catalog(f_tables), before_f, "fk: a tag without its shelf: nothing "
     .. "changed")

-- A shorter max on a table that is not rebuilt (checks = "client": on
-- SQLite its DDL stays the same): a row that no longer fits fails the
-- whole migration, as PostgreSQL's cast to varchar(n) does.
local c1 = "tests/gen/good/checks_client.lua"
local c2 = out .. "/checks_client2.lua"
T.write(c2, (T.read(c1):gsub("max = 5", "max = 4")))
local c_migration = script("checks-shorter.sql",
                           "diff " .. d .. c1 .. " " .. T.quote(c2))
for _, r in ipairs { { "fits", "abcd", true }, { "too long", "abcde", false } } do
    db.use("max_" .. (r[3] and "fits" or "long"))
    rc, o, e = db.apply(script("checks_client.sql", "ddl " .. d .. c1))
    T.eq(rc, 0, "shorter max: created " .. e)
    rc, o, e = db.sql("INSERT INTO note (title) VALUES ('" .. r[2] .. "');")
    T.eq(rc, 0, "shorter max: a row inserted " .. e)
    rc, o, e = db.apply(c_migration)
    T.eq(rc == 0, r[3], "shorter max: a title that " .. r[1]
         .. (r[3] and ": migrated " or ": the migration fails ") .. e)
    query("shorter max: " .. r[1] .. ": the row is there as it was",
          "SELECT title FROM note;", r[2] .. "\n")
end

-- === autoincrement = true, added and removed (a1 -> a2 -> a1) ===

-- a1: a serial without it (the default); a2: with it. The database is made
-- from a2's DDL, as ormc wrote every serial before the default changed:
-- its AUTOINCREMENT mark is past the key freed by the delete.
local a1 = out .. "/auto1.lua"
local a2 = out .. "/auto2.lua"
T.write(a1, 'return schema "auto" {\n    table "counter" {\n'
        .. '        serial "id",\n        text "v",\n    },\n}\n')
T.write(a2, (T.read(a1):gsub('serial "id"',
                             'serial "id" { autoincrement = true }')))
local a_up = script("auto1-auto2.sql", "diff " .. d .. T.quote(a1) .. " "
                    .. T.quote(a2))
local a_down = script("auto2-auto1.sql", "diff " .. d .. T.quote(a2) .. " "
                      .. T.quote(a1))
if sqlite then
    local up = T.read(a_up)
    T.ok(up:find("counter: rebuilt", 1, true) ~= nil
         and up:find("sqlite_sequence", 1, true) ~= nil,
         "autoincrement added: the table is rebuilt, its mark carried", up)
    local down = T.read(a_down)
    T.ok(down:find("counter: rebuilt", 1, true) ~= nil
         and not down:find("sqlite_sequence", 1, true),
         "autoincrement removed: the table is rebuilt, no mark", down)
else
    for _, f in ipairs { a_up, a_down } do
        T.ok(T.read(f):find("No differences: nothing to do.", 1, true) ~= nil,
             "autoincrement on PostgreSQL: nothing to do", T.read(f))
    end
end
db.load("auto", script("auto2.sql", "ddl " .. d .. T.quote(a2)),
        "INSERT INTO counter (v) VALUES ('a'), ('b'), ('c');\n"
        .. "DELETE FROM counter WHERE id = 3;")
rc, o, e = db.apply(a_up)
T.eq(rc, 0, "autoincrement added: applies " .. e)
query("autoincrement added: the key freed before is not given again",
      "INSERT INTO counter (v) VALUES ('d');\n"
      .. "SELECT id, v FROM counter ORDER BY id;", "1|a\n2|b\n4|d\n")
rc, o, e = db.apply(a_down)
T.eq(rc, 0, "autoincrement removed: applies " .. e)
query("autoincrement removed: the rows are kept",
      "SELECT id, v FROM counter ORDER BY id;", "1|a\n2|b\n4|d\n")
query("autoincrement removed: SQLite gives the newest row's key again "
      .. "once it is deleted; PostgreSQL's identity never",
      "DELETE FROM counter WHERE id = 4;\n"
      .. "INSERT INTO counter (v) VALUES ('e');\n"
      .. "SELECT max(id) FROM counter;", sqlite and "3\n" or "5\n")

db.cleanup()
T.rmrf(out)
T.done()
