-- Relations in the generator (docs/relations.md): the names each foreign
-- key's functions get (derived, given, plural, several to one parent, a
-- self-reference, composite keys, join tables), the note for a key that
-- gets none, and the plural rule. The functions' behaviour is tested
-- against the databases in tests/relations.
local T = dofile("tests/gen/lib.lua")

local dir = T.tmpdir("relations")

package.path = "gen/?.lua;" .. package.path
local relations = require("relations")
for word, plural in pairs { track = "tracks", category = "categories",
                            box = "boxes", address = "addresses",
                            day = "days", match = "matches",
                            wish = "wishes"} do
    T.eq(relations.plural(word), plural, "the plural of " .. word)
end

local path = dir .. "/music.lua"
T.write(path, [[
return schema "m" {
    table "artist" { bigint "id" { primary_key = true } },
    table "album" {
        bigint "id" { primary_key = true },
        bigint "artist_id" { not_null = true, references = "artist.id" },
        text   "code" { unique = true, not_null = true },
    },
    table "track" {
        bigint "id" { primary_key = true },
        bigint "album_id" { references = "album.id" },
        text   "album_code" { references = "album.code", relation = "release",
                              inverse = "released_tracks" },
    },
    table "playlist" { bigint "id" { primary_key = true } },
    table "playlist_track" {
        bigint "playlist_id" { not_null = true, references = "playlist.id" },
        bigint "track_id" { not_null = true, references = "track.id" },
        primary_key { "playlist_id", "track_id" },
    },
    table "category" {
        bigint "id" { primary_key = true },
        bigint "parent_id" { references = "category.id", inverse = "children" },
    },
    table "account" { bigint "id" { primary_key = true } },
    table "transfer" {
        bigint "id" { primary_key = true },
        bigint "from_id" { not_null = true, references = "account.id" },
        bigint "to_id" { not_null = true, references = "account.id" },
    },
    table "member" { bigint "id" { primary_key = true } },
    table "friend" {
        bigint "member_id" { not_null = true, references = "member.id" },
        bigint "friend_id" { not_null = true, references = "member.id" },
        primary_key { "member_id", "friend_id" },
    },
    table "employee" {
        bigint "id" { primary_key = true },
        bigint "reports_to" { references = "employee.id" },
    },
}
]])

local rc, out, err = T.sh(T.ormc .. " gen -o " .. T.quote(dir) .. " "
                          .. T.quote(path))
T.eq(rc, 0, "a key without a relation name still generates")
T.eq(out, "", "nothing on stdout")
T.eq(err, T.shown(path) .. ":38: note: column 'reports_to' of table "
     .. "'employee' references 'employee' but has no relation functions: "
     .. "its name does not end in _id (name the relation with relation = "
     .. "\"...\" to get them)\n", "the note names the column and the fix")

local h = T.read(dir .. "/m.h")
local function declared(name, why)
    T.ok(h:find("[ *]" .. name .. "%(") ~= nil, why,
         name .. " is not declared")
end
local function absent(name, why)
    T.ok(h:find("[ *]" .. name .. "%(") == nil, why,
         name .. " is declared")
end

-- album_id -> album, on the child; the children's loader on the parent.
for _, fn in ipairs { "m_track_album", "m_track_where_album_is",
                      "m_track_where_album_in", "m_track_list_load_album",
                      "m_track_list_for_album", "m_album_list_load_tracks",
                      "m_album_list_find", "m_album_list_sort" } do
    declared(fn, "a derived relation name")
end
-- relation = and inverse =, to a unique key: _list_find_by_ its column.
for _, fn in ipairs { "m_track_release", "m_track_where_release_is",
                      "m_track_list_load_release",
                      "m_album_list_load_released_tracks",
                      "m_album_list_find_by_code" } do
    declared(fn, "a given relation name")
end
-- A self-reference with inverse =.
declared("m_category_parent", "the parent of a self-reference")
declared("m_category_list_load_children", "the inverse of a self-reference")
-- Two relations to one parent: the loaders say which.
declared("m_transfer_from", "the first of two relations to one parent")
declared("m_transfer_to", "the second of two relations to one parent")
declared("m_account_list_load_transfers_by_from", "children by the first")
declared("m_account_list_load_transfers_by_to", "children by the second")
absent("m_account_list_load_transfers", "no ambiguous loader")
-- The join table, both ways; to one table, by relation.
declared("m_track_where_playlist_track_is", "tracks of a playlist")
declared("m_playlist_where_playlist_track_is", "playlists of a track")
declared("m_playlist_list_load_playlist_tracks", "the pairs of playlists")
declared("m_playlist_track_list_load_track", "the tracks of the pairs")
declared("m_member_where_friend_member_is", "friends of a member, one way")
declared("m_member_where_friend_friend_is", "friends of a member, other way")
-- No relation functions for reports_to.
absent("m_employee_reports_to", "no functions without a name")
absent("m_employee_list_load_employees", "no loader without a name")

-- The generated C compiles (gen_compile compiles schema/ and tests/gen).
T.done()
