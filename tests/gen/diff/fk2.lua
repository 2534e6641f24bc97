-- fk1.lua with its composite foreign keys changed: one whose on_delete
-- changes, one that stays as it was while its columns change type at both
-- ends (it goes while they change, and comes back), one added to rows
-- already there, one dropped.
return schema "store" {
    table "shelf" {
        text   "room" { not_null = true },
        bigint "no"   { not_null = true },
        text   "name",
        primary_key { "room", "no" },
    },

    table "box" {
        serial "id",
        text   "room",
        bigint "shelf_no",
        foreign_key { "room", "shelf_no", references = "shelf",
                      on_delete = "cascade" },
    },

    table "tag" {
        serial "id",
        text   "room",
        bigint "shelf_no",
        foreign_key { "room", "shelf_no", references = "shelf",
                      name = "tag_shelf_fkey" },
    },

    table "crate" {
        serial  "id",
        text    "room",
        bigint  "shelf_no",
        foreign_key { "room", "shelf_no", references = "shelf" },
    },

    table "label" {
        serial  "id",
        text    "room",
        integer "shelf_no",
    },
}
