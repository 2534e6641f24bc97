-- A server-side session store: the session cookie carries only session_id;
-- the data lives here until it expires.
return schema "web" {
    doc = "Server-side web sessions.",

    table "session" {
        sql_name = "sessions",
        doc = "One row per live session.",
        serial    "id",
        text      "session_id" { max = 255, not_null = true, unique = true,
                                 secret = true,
                                 doc = "The random identifier the cookie carries." },
        blob      "data"       { doc = "The application's serialized session state." },
        timestamp "expires"    { doc = "When the session ends; NULL: at browser close." },
        index { "expires", doc = "Purging expired sessions." },
    },
}
