-- The schema of the relation tests (test_relations.c, test_batches.c): a
-- small music store after the Chinook sample database, and beside it every
-- shape of foreign key the relation functions handle (docs/relations.md).
return schema "chinook" {
    table "artist" {
        serial "id",
        text "name" { not_null = true },
    },
    table "album" {
        serial "id",
        bigint "artist_id" { not_null = true, references = "artist.id" },
        text "title" { not_null = true },
        integer "year",
    },
    table "genre" {
        serial "id",
        text "name" { not_null = true },
    },
    table "track" {
        doc = "A nullable relation (album) and a second one (genre).",
        serial "id",
        bigint "album_id" { references = "album.id" },
        bigint "genre_id" { references = "genre.id" },
        text "name" { not_null = true },
        integer "milliseconds" { not_null = true, default = 0 },
    },
    table "playlist" {
        serial "id",
        text "name" { not_null = true },
    },
    table "playlist_track" {
        doc = "A join table: its primary key is two foreign keys.",
        bigint "playlist_id" { not_null = true, references = "playlist.id",
                               on_delete = "cascade" },
        bigint "track_id" { not_null = true, references = "track.id",
                            on_delete = "cascade" },
        primary_key { "playlist_id", "track_id" },
    },
    table "category" {
        doc = "A relation to its own table, its children named.",
        serial "id",
        text "name" { not_null = true },
        bigint "parent_id" { references = "category.id",
                             inverse = "children" },
    },
    table "account" {
        serial "id",
        text "owner" { not_null = true },
    },
    table "transfer" {
        doc = "Two relations to one parent table.",
        serial "id",
        bigint "from_account_id" { not_null = true,
                                   references = "account.id" },
        bigint "to_account_id" { not_null = true, references = "account.id" },
        bigint "cents" { not_null = true },
    },
    table "warehouse" {
        doc = "A composite primary key.",
        text "region" { max = 16, not_null = true },
        integer "no" { not_null = true },
        text "city" { not_null = true },
        primary_key { "region", "no" },
    },
    table "bin" {
        doc = "A composite foreign key with a relation name of its own; "
            .. "warehouse_no NULL: in no warehouse.",
        serial "id",
        text "region" { max = 16, not_null = true },
        integer "warehouse_no",
        text "label" { not_null = true },
        foreign_key { "region", "warehouse_no", references = "warehouse",
                      relation = "home" },
    },
    table "crate" {
        doc = "A composite foreign key naming the referenced key in "
            .. "another order than the key's own.",
        serial "id",
        integer "warehouse_no" { not_null = true },
        text "warehouse_region" { max = 16, not_null = true },
        foreign_key { "warehouse_no", "warehouse_region",
                      references = "warehouse", to = { "no", "region" },
                      relation = "store" },
    },
    table "customer" {
        serial "id",
        text "code" { max = 16, not_null = true, unique = true },
        text "name" { not_null = true },
    },
    table "invoice" {
        doc = "A relation to a unique key that is not the primary key.",
        serial "id",
        text "customer_code" { max = 16, references = "customer.code",
                               relation = "customer" },
        bigint "cents" { not_null = true },
    },
    table "employee" {
        doc = "reports_to has no _id and no relation =: no relation "
            .. "functions, a note from ormc gen.",
        serial "id",
        text "name" { not_null = true },
        bigint "reports_to" { references = "employee.id" },
    },
}
