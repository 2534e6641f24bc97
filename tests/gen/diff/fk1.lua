-- Composite foreign keys: the first version of what tests/gen/test_diff.lua
-- migrates to fk2.lua.
return schema "store" {
    table "shelf" {
        text    "room" { not_null = true },
        integer "no"   { not_null = true },
        text    "name",
        primary_key { "room", "no" },
    },

    table "box" {
        serial  "id",
        text    "room",
        integer "shelf_no",
        foreign_key { "room", "shelf_no", references = "shelf",
                      on_delete = "restrict" },
    },

    table "tag" {
        serial  "id",
        text    "room",
        integer "shelf_no",
    },

    table "crate" {
        serial  "id",
        text    "room",
        integer "shelf_no",
        foreign_key { "room", "shelf_no", references = "shelf" },
    },

    table "label" {
        serial  "id",
        text    "room",
        integer "shelf_no",
        foreign_key { "room", "shelf_no", references = "shelf" },
    },
}
