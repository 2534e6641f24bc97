-- v1.lua, changed in every way ormc diff carries over: a table dropped and
-- one added, columns added, dropped, renamed, retyped, made NOT NULL,
-- given another default; a longer max, a new enum label, a new unique
-- constraint, a foreign key's on_delete, indexes dropped and added.
return schema "shelf" {
    table "author" {
        sql_name = "authors",
        serial  "id"     { autoincrement = true },
        text    "name"   { max = 200, not_null = true },
        text    "nation" { renamed_from = "country" },
        bigint  "born"   { not_null = true, default = 0 },
        text    "bio"    {},
        index { "nation", "name" },
    },

    table "book" {
        sql_name = "books",
        serial    "id"           {},
        bigint    "author_id"    { not_null = true, references = "author.id",
                                   on_delete = "restrict" },
        text      "title"        { not_null = true },
        enum      "format"       { values = { "paper", "ebook", "audio" },
                                   not_null = true, default = "ebook" },
        text      "isbn"         { max = 13, unique = true },
        double    "rating"       { not_null = true, default = 0 },
        timestamp "published_at" { not_null = true, default = now },
        index { "title" },
    },

    table "review" {
        sql_name = "reviews",
        serial "id"      {},
        bigint "book_id" { not_null = true, references = "book.id",
                           on_delete = "cascade" },
        text   "body"    { not_null = true },
    },
}
