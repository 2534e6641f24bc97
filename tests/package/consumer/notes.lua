return schema "notes" {
    table "note" {
        serial "id",
        text "body" { not_null = true, max = 100 },
    },
}
