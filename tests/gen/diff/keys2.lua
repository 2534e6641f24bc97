-- keys1.lua, changed where a naive script fails or loses data: a natural
-- key replaced by a serial one while a foreign key holds on to it, a new
-- table referencing a new unique key, a type change under a default, text
-- that becomes a timestamp, a shorter max, a reference added to existing
-- values, a table and a column renamed by sql_name, an index that moves
-- to another table, a self-referencing key renamed.
return schema "depot" {
    table "country" {
        sql_name = "countries",
        serial "id"   {},
        text   "code" { not_null = true, unique = true },
        text   "name" { max = 10 },
    },

    table "city" {
        sql_name = "cities",
        serial    "id"           {},
        text      "country_code" { references = "country.code" },
        boolean   "flag"         { default = false },
        timestamp "founded"      { sql_name = "founded_at" },
        index { "founded", name = "moving_index" },
    },

    table "item" {
        sql_name = "articles",
        serial "id"      {},
        text   "sku"     { unique = true },
        text   "label"   {},
        bigint "city_id" { references = "city.id" },
    },

    table "stock" {
        sql_name = "stock",
        serial  "id"  {},
        text    "sku" { not_null = true, references = "item.sku" },
        integer "qty" { not_null = true, default = 0 },
    },

    table "node" {
        sql_name = "nodes",
        integer "id"     { primary_key = true, renamed_from = "nid" },
        integer "parent" { references = "node.id" },
    },
}
