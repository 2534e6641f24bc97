-- Corner cases the example schemas do not reach; the tests compile the
-- output with -Werror and apply its DDL to SQLite and PostgreSQL.
local wide = { serial "id" { doc = "The key." } }
local kinds = { "integer", "bigint", "double", "boolean", "text", "blob",
                "timestamp", "json", "uuid" }
local env = { integer = integer, bigint = bigint, double = double,
              boolean = boolean, text = text, blob = blob,
              timestamp = timestamp, json = json, uuid = uuid }
for i = 1, 63 do
    local kind = kinds[(i - 1) % #kinds + 1]
    local name = ("a_rather_long_column_name_number_%02d"):format(i)
    local opts = { doc = "Column " .. i .. "." }
    if kind == "text" then opts.max = 1000 + i end
    wide[#wide + 1] = env[kind](name)(opts)
end
wide.doc = "As many columns as a table may have (64); its SQLite DDL is "
    .. "longer than the 4095 characters ISO C promises for a string."

return schema "edge" {
    doc = "Edge cases: every type nullable and not, every kind of default, "
        .. "keys of every shape.",

    table "wide" (wide),

    table "pair" {
        doc = "Only key columns: an update changes nothing but tells whether "
            .. "the row exists.",
        text "code" { max = 10 },
        uuid "ref",
        primary_key { "ref", "code", name = "pair_key" },
    },

    table "node" {
        sql_name = "nodes",
        doc = "A tree: references its own table.",
        serial    "id",
        bigint    "parent_id" { references = "node.id", on_delete = "cascade" },
        text      "label"     { sql_name = "label_text", max = 40,
                                default = "it's a \"label\" \\ ünïcødé" },
        enum      "colour"    { values = { "red", "green-ish", "Blue Sky" },
                                default = "green-ish" },
        enum      "shape"     { values = { "round", "square" },
                                not_null = true },
        double    "weight"    { default = 0.1 },
        double    "scale"     { not_null = true, default = 2 },
        bigint    "big"       { not_null = true,
                                default = 9007199254740993 },
        bigint    "small"     { default = -9223372036854775807 - 1 },
        integer   "neg"       { default = -2147483648 },
        boolean   "flag"      { default = true },
        json      "meta"      { not_null = true, default = '{"a": [1, 2]}' },
        uuid      "token"     { not_null = true, unique = true,
                                default = "123E4567-E89B-12D3-A456-426614174000" },
        timestamp "seen_at"   { default = now },
        timestamp "local_at"  { tz = false, not_null = true, default = now },
        blob      "digest"    { unique = true },
        unique { "parent_id", "label" },
        index { "colour", "shape", unique = true },
        index { "weight" },
    },
}
