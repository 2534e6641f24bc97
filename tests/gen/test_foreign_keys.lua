-- Foreign keys in the model and the output, without a database: the
-- model's t.foreign_keys (single references and foreign_key { } entries
-- alike), the dependency order and the schema hash they give, the DDL of a
-- composite key on both dialects (tests/gen/golden/), and the descriptors
-- of the generated .c.
local T = dofile("tests/gen/lib.lua")
package.path = "gen/?.lua;" .. package.path
local errors, load, check, model = require("errors"), require("load"),
    require("check"), require("model")

local function build(path, src)
    local errs = errors.new()
    local raw = src and load.load_string(src, path, errs)
        or load.load_file(path, errs, path)
    local s = raw and check.schema(raw, errs)
    T.eq(errs:count(), 0, path .. ": no errors")
    local m = model.build(s)
    check.model(m, errs, {})
    T.eq(errs:count(), 0, path .. ": no errors in the model")
    return m
end

local good = "tests/gen/good/composite.lua"
local m = build(good)
local by = m.by_name

-- The model: every table has t.foreign_keys, in declaration order.
T.eq(#by.artist.foreign_keys, 0, "artist: no foreign keys")
local a = by.album.foreign_keys
T.eq(#a, 1, "album: one foreign key")
T.eq(a[1].column, by.album.by_name.artist_id, "album: a column's references")
T.eq(a[1].cols[1], by.album.by_name.artist_id, "album: its column")
T.eq(a[1].ref_table, by.artist, "album: references artist")
T.eq(a[1].ref_cols[1], by.artist.by_name.id, "album: artist.id")
T.eq(a[1].relation, "artist", "album: relation =")
T.eq(a[1].inverse, "albums", "album: inverse =")
T.eq(a[1].sql_name, "album_artist_id_fkey", "album: the constraint's name")
T.eq(a[1].index, 0, "album: index 0")
T.eq(a[1].line, 21, "album: the column's line")

local fk = by.track.foreign_keys[1]
T.eq(#by.track.foreign_keys, 1, "track: one foreign key")
T.eq(fk.column, nil, "track: an entry has no column")
T.eq(#fk.cols, 2, "track: two columns")
T.eq(fk.cols[1], by.track.by_name.artist_id, "track: artist_id first")
T.eq(fk.cols[2], by.track.by_name.album_no, "track: album_no second")
T.eq(fk.ref_table, by.album, "track: references album")
T.eq(fk.ref_cols[1], by.album.by_name.artist_id,
     "track: to defaults to the primary key (1)")
T.eq(fk.ref_cols[2], by.album.by_name.no,
     "track: to defaults to the primary key (2)")
T.eq(fk.on_delete, "cascade", "track: on_delete")
T.eq(fk.relation, "album", "track: relation =")
T.eq(fk.inverse, "tracks", "track: inverse =")
T.eq(fk.sql_name, "track_artist_id_album_no_fkey", "track: derived name")
T.eq(fk.index, 0, "track: index 0")
T.eq(fk.file, good, "track: file")
T.eq(fk.line, 12, "track: the entry's line")

fk = by.review.foreign_keys[1]
T.eq(fk.ref_cols[1], by.album.by_name.code, "review: to, in its order (1)")
T.eq(fk.ref_cols[2], by.album.by_name.artist_id,
     "review: to, in its order (2)")
T.eq(fk.sql_name, "review_album_fkey", "review: name =")
T.eq(fk.relation, nil, "review: no relation given")
T.eq(fk.on_delete, "set_null", "review: on_delete")

-- The dependency order counts the composite key: track after album.
local order = {}
for i, t in ipairs(m.order) do order[i] = t.name end
T.eq(table.concat(order, " "), "artist album track review",
     "dependency order")

-- The hash: a composite key is part of it; relation = and inverse = (names
-- for the C code only) are not; a schema without entries hashes as its
-- canonical text did before them (no foreign_key line).
local src = T.read(good)
local function hash_of(s) return build(good, s).hash end
T.ok(hash_of(src:gsub('on_delete = "cascade"', 'on_delete = "restrict"', 1))
     ~= m.hash, "hash: a composite key's on_delete is in it")
T.eq(hash_of(src:gsub('relation = "album",', "", 1)
     :gsub('inverse = "albums"', 'inverse = "records"', 1)), m.hash,
     "hash: relation and inverse are not")
for _, path in ipairs(T.glob("schema/*.lua")) do
    local text = model.canonical(build(path))
    T.eq(text:find("\nforeign_key ", 1, true), nil,
         path .. ": no composite keys, no foreign_key line in the hash")
end

-- The DDL of both dialects, as in the golden files.
local out = T.tmpdir("foreign-keys")
T.must(T.ormc .. " gen -o " .. T.quote(out) .. " " .. good)
for _, d in ipairs { "sqlite", "postgres" } do
    local want = T.read("tests/gen/golden/composite." .. d .. ".sql")
    T.eq(T.read(out .. "/composite." .. d .. ".sql"), want,
         d .. ": the DDL is tests/gen/golden/composite." .. d .. ".sql")
end

-- The .c: one descriptor per foreign key, pointed at by its table.
local c = T.read(out .. "/composite.c")
local function has(s, what)
    T.ok(c:find(s, 1, true) ~= nil, "composite.c: " .. what, s)
end
has("static const uint16_t composite_track_fk0_child[] = { 1, 2 };",
    "track's key columns")
has("static const uint16_t composite_track_fk0_parent[] = { 0, 1 };",
    "album's key columns")
has("static const uint16_t composite_review_fk0_parent[] = { 2, 0 };",
    "review's to, in its order")
has([[
static const ormc_foreign_key composite_track_foreign_keys[] = {
    {
        .sql_name = "track_artist_id_album_no_fkey",
        .relation = "album",
        .child = &composite_track_table,
        .parent = &composite_album_table,
        .child_columns = composite_track_fk0_child,
        .parent_columns = composite_track_fk0_parent,
        .n_columns = 2,
    },
};]], "track's descriptor")
has([[
    .foreign_keys = composite_track_foreign_keys,
    .n_foreign_keys = 1,
]], "track's table descriptor")
has([[
    .foreign_keys = NULL,
    .n_foreign_keys = 0,
]], "artist's table descriptor")

T.rmrf(out)
T.done()
