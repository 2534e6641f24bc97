-- Keys, references and renames: the first version of what
-- tests/gen/test_diff.lua migrates to keys2.lua. Each change there is one
-- that a naive script gets wrong on a real database.
return schema "depot" {
    table "country" {
        sql_name = "countries",
        text "code" { primary_key = true },
        text "name" { max = 100 },
    },

    table "city" {
        sql_name = "cities",
        serial  "id"           {},
        text    "country_code" { references = "country.code" },
        integer "flag"         { default = 0 },
        text    "founded"      {},
    },

    table "item" {
        sql_name = "items",
        serial  "id"      {},
        text    "sku"     {},
        text    "label"   {},
        integer "city_id" {},
        index { "label", name = "moving_index" },
    },

    table "node" {
        sql_name = "nodes",
        integer "nid"    { primary_key = true },
        integer "parent" { references = "node.nid" },
    },
}
