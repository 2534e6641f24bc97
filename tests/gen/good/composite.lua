-- Composite foreign keys: a foreign_key { } entry to a composite primary
-- key and to a unique key, on_delete, a cycle-free order that only the
-- composite key gives (track is declared before album), names given with
-- relation = and inverse =.
return schema "composite" {
    table "track" {
        doc = "Declared first: the dependency order puts it after album.",
        serial  "id",
        bigint  "artist_id",
        integer "album_no",
        text    "title" { not_null = true },
        foreign_key { "artist_id", "album_no", references = "album",
                      on_delete = "cascade", relation = "album",
                      inverse = "tracks" },
    },
    table "artist" {
        serial "id",
        text   "name" { not_null = true, unique = true },
    },
    table "album" {
        bigint  "artist_id" { not_null = true, references = "artist.id",
                              relation = "artist", inverse = "albums" },
        integer "no" { not_null = true },
        text    "code" { not_null = true },
        text    "title",
        primary_key { "artist_id", "no" },
        unique { "artist_id", "code" },
    },
    table "review" {
        serial  "id",
        bigint  "artist_id",
        text    "album_code",
        integer "stars" { not_null = true, default = 3 },
        foreign_key { "album_code", "artist_id", references = "album",
                      to = { "code", "artist_id" }, on_delete = "set_null",
                      name = "review_album_fkey",
                      doc = "By the album's code, not its number." },
    },
}
