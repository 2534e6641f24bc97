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
--! tests/gen/bad/relation_names.lua:9: error: relation 'album' of column 'album_id' of table 'track' has the name of a column of table 'track' (name the relation with relation = "...")
--! tests/gen/bad/relation_names.lua:15: error: relation 'pair' of column 'second_album_id' of table 'link' is also the relation of column 'first_album_id' of table 'link' (name the relation with relation = "...")
--! tests/gen/bad/relation_names.lua:16: error: relation 'free' of column 'free_id' of table 'link' makes the function 'r_link_free', which table 'link' already has (name the relation with relation = "...")
--! ormc: 3 errors; no files written
