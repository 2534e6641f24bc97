-- Relation names that collide: with a column, with another relation, with a
-- function the table already has. Each suggests relation =.
return schema "r" {
    table "album" {
        bigint "id" { primary_key = true },
    },
    table "track" {
        bigint "id" { primary_key = true },
        bigint "album_id" { references = "album.id" },
        text   "album",
    },
    table "link" {
        bigint "id" { primary_key = true },
        bigint "first_album_id" { references = "album.id", relation = "pair" },
        bigint "second_album_id" { references = "album.id", relation = "pair" },
        bigint "free_id" { references = "album.id" },
    },
}
