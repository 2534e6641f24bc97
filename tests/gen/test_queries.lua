-- Typed SQL queries in the generator (docs/queries.md): the generated types
-- follow the schema (a column's type changed, a column dropped), the
-- nullability rule, and where the query checker comes from when no build
-- gives it (compiled into the cache, or a clear error).
local T = dofile("tests/gen/lib.lua")

local dir = T.tmpdir("queries")

-- A schema with one query over two tables; `year_type` is the DSL type of
-- album.year, `title` the declaration of album.title (nil: no such column).
local function schema(year_type, title)
    return ([[
return schema "m" {
    table "artist" { serial "id", text "name" { not_null = true } },
    table "album" {
        serial "id",
        bigint "artist_id" { not_null = true, references = "artist.id" },
        %s
        %s "year",
    },
    query "albums" {
        returns = "many",
        sql = [[
            SELECT ar.name, al.title, al.year, count(*) AS n
            FROM artist ar LEFT JOIN album al ON al.artist_id = ar.id
            WHERE ar.id = :artist OR al.year > :after
            GROUP BY ar.name, al.title, al.year
        ]] .. "]]" .. [[,
    },
}
]]):format(title or "", year_type)
end

local path = dir .. "/m.lua"
local function gen(env)
    return T.sh((env or "") .. " " .. T.ormc .. " gen -o " .. T.quote(dir)
                .. " " .. T.quote(path))
end

local TITLE = 'text "title" { not_null = true },'
T.write(path, schema("integer", TITLE))
local rc, _, err = gen()
T.eq(rc, 0, "generates", err)
local h = T.read(dir .. "/m.h") or ""
-- the left side of the LEFT JOIN is not null, its right side is nullable
T.ok(h:find("    const char *name; /* text, not null */", 1, true),
     "the inner side's NOT NULL column is not null", h)
T.ok(h:find("    const char *title; /* text, NULL = SQL NULL */", 1, true),
     "a NOT NULL column on the right of a LEFT JOIN is nullable", h)
T.ok(h:find("    bool has_year; /* false: year is NULL */\n"
            .. "    int32_t year; /* integer, nullable */", 1, true),
     "an integer column is an int32_t with its has_ flag", h)
T.ok(h:find("    int64_t n; /* bigint, not null */", 1, true),
     "count(*) is a bigint, not null", h)
-- parameters: from the columns they are compared with
T.ok(h:find("    int64_t artist; /* bigint, not null */\n"
            .. "    int32_t after; /* integer, not null */", 1, true),
     "parameters take their columns' types", h)
T.ok(h:find("WHERE ar.id = $1 OR al.year > $2", 1, true),
     ":name is rewritten to $N", h)

-- The column's type changes: so do the row's field and the parameter's.
T.write(path, schema("double", TITLE))
rc, _, err = gen()
T.eq(rc, 0, "generates after the change", err)
h = T.read(dir .. "/m.h") or ""
T.ok(h:find("    double year; /* double, nullable */", 1, true),
     "the row's field follows the column's new type", h)
T.ok(h:find("    double after; /* double, not null */", 1, true),
     "the parameter follows the column's new type", h)

-- The column is dropped: the query no longer prepares, nothing is written.
local before = T.read(dir .. "/m.h")
T.write(path, schema("double", nil))
rc, _, err = gen()
T.eq(rc, 2, "a dropped column: exit status")
T.eq(err, T.shown(path) .. ":9: error: query \"albums\": no such column: "
     .. "al.title\normc: 1 error; no files written\n",
     "a dropped column: SQLite's message against the query")
T.eq(T.read(dir .. "/m.h"), before, "a dropped column: nothing written")

-- Where else a parameter's type comes from: BETWEEN, IN, INSERT, ILIKE.
T.write(path, [[
return schema "m" {
    table "t" { serial "id", text "name", integer "n", double "x" },
    query "range" {
        returns = "many",
        sql = "SELECT id FROM t WHERE n BETWEEN :lo AND :hi "
            .. "OR id IN (:a, :b) OR name LIKE :pat",
    },
    query "add" {
        returns = "exec",
        sql = "INSERT INTO t (name, x) VALUES (:name, :x)",
    },
}
]])
rc, _, err = gen()
T.eq(rc, 0, "more operators: generates", err)
h = T.read(dir .. "/m.h") or ""
T.ok(h:find("    int32_t lo; /* integer, not null */\n"
            .. "    int32_t hi; /* integer, not null */\n"
            .. "    int64_t a; /* bigint, not null */\n"
            .. "    int64_t b; /* bigint, not null */\n"
            .. "    const char *pat; /* text, NULL = SQL NULL */", 1, true),
     "BETWEEN, IN and LIKE type their parameters", h)
T.ok(h:find("    const char *name; /* text, NULL = SQL NULL */\n"
            .. "    double x; /* double, not null */", 1, true),
     "INSERT ... VALUES types its parameters by the column list", h)

-- SELECT t.*: the table's own row struct, unless an outer join makes its
-- NOT NULL columns nullable.
T.write(path, [[
return schema "m" {
    table "artist" { serial "id", text "name" { not_null = true } },
    table "album" { serial "id", bigint "artist_id", text "title" },
    query "artists" { returns = "many", sql = "SELECT a.* FROM artist a" },
    query "owners" {
        returns = "many",
        sql = "SELECT ar.* FROM album al LEFT JOIN artist ar "
            .. "ON ar.id = al.artist_id",
    },
}
]])
rc, _, err = gen()
T.eq(rc, 0, "SELECT t.*: generates", err)
h = T.read(dir .. "/m.h") or ""
T.ok(h:find("typedef m_artist m_artists_row;", 1, true),
     "SELECT t.*: the table's row struct", h)
T.ok(h:find("typedef struct m_owners_row {\n    bool has_id;", 1)
     and h:find("    const char *name; /* text, NULL = SQL NULL */", 1, true),
     "SELECT t.* on a LEFT JOIN's right side: a nullable struct", h)

-- Without ORMC_DESCRIBE, ormc compiles gen/describe.c into the cache once.
T.write(path, schema("integer", TITLE))
local cache = dir .. "/cache"
rc, _, err = gen("ORMC_DESCRIBE= XDG_CACHE_HOME=" .. T.quote(cache))
T.eq(rc, 0, "compiled into the cache", err)
local built = T.ls(cache .. "/ormc")
T.eq(#built, 1, "one checker in the cache", table.concat(built, " "))
rc, _, err = gen("ORMC_DESCRIBE= XDG_CACHE_HOME=" .. T.quote(cache)
                 .. " CC=false")
T.eq(rc, 0, "the cached checker is used again", err)
-- No compiler and nothing cached: a clear error, nothing written.
rc, _, err = gen("ORMC_DESCRIBE= XDG_CACHE_HOME=" .. T.quote(dir .. "/empty")
                 .. " CC=false")
T.eq(rc, 2, "no compiler: exit status")
T.ok(err:find("cannot build the query checker from", 1, true)
     and err:find("libsqlite3-dev", 1, true)
     and err:find("ORMC_DESCRIBE", 1, true),
     "no compiler: the error says what to install or set", err)

-- A schema without queries never needs the checker.
T.write(path, 'return schema "m" { table "t" { serial "id" } }\n')
rc, _, err = gen("ORMC_DESCRIBE=/nonexistent XDG_CACHE_HOME="
                 .. T.quote(dir .. "/empty") .. " CC=false")
T.eq(rc, 0, "no queries: no checker needed", err)

T.rmrf(dir)
T.done()
