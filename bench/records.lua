-- The schema of benchmark W9 (docs/benchmarks.md): albums and their tracks,
-- for loading the albums of many tracks through the relation
-- track.album_id -> album.id, one at a time and in batches.
return schema "records" {
    table "album" {
        serial "id",
        text "title" { not_null = true },
        integer "year",
    },
    table "track" {
        serial "id",
        bigint "album_id" { references = "album.id" },
        text "name" { not_null = true },
        integer "milliseconds" { not_null = true },
    },
}
