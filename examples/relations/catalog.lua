-- The record catalogue of examples/relations: artists, their albums and
-- the albums' tracks, two relations (album.artist, track.album) that the
-- example walks in batches (docs/relations.md).
return schema "catalog" {
    table "artist" {
        serial "id",
        text "name" { not_null = true },
    },
    table "album" {
        serial "id",
        bigint "artist_id" { not_null = true, references = "artist.id",
                             doc = "Who recorded it." },
        text "title" { not_null = true },
        integer "year" { not_null = true },
        index { "artist_id" },
    },
    table "track" {
        serial "id",
        bigint "album_id" { not_null = true, references = "album.id",
                            on_delete = "cascade",
                            doc = "Tracks are inserted in album order, so "
                                .. "their ids are their running order." },
        text "name" { not_null = true },
        integer "seconds" { not_null = true },
        index { "album_id" },
    },
}
