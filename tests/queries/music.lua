-- The schema of the typed SQL query tests (test_queries.c): three tables and
-- a query of each kind, with a join, a LEFT JOIN, a GROUP BY with count, a
-- parameter used twice, a text per dialect, a query of one dialect, rows of
-- a table, enums.
return schema "music" {
    table "artist" {
        serial "id",
        text "name" { not_null = true },
    },
    table "album" {
        sql_name = "albums",
        serial "id",
        bigint "artist_id" { not_null = true, references = "artist.id" },
        text "title" { not_null = true },
        integer "year",
    },
    table "track" {
        serial "id",
        bigint "album_id" { not_null = true, references = "album.id" },
        text "name" { not_null = true },
        double "price" { not_null = true },
        enum "kind" { values = { "song", "interlude" }, not_null = true },
    },

    query "tracks_of" {
        doc = "An artist's tracks at a price or more (any price for artist "
            .. "0), with their album and how many other tracks it has.",
        returns = "many",
        sql = [[
            SELECT t.id, t.name, a.title AS album_title, a.year,
                   count(t2.id) AS others
            FROM track t
            JOIN albums a ON a.id = t.album_id
            LEFT JOIN track t2 ON t2.album_id = a.id AND t2.id <> t.id
            WHERE (a.artist_id = :artist OR :artist = 0)
              AND t.price >= :min_price
            GROUP BY t.id, t.name, a.title, a.year
            ORDER BY t.id
            LIMIT :n
        ]],
    },

    query "artist_albums" {
        doc = "Every artist with each album, or NULLs when it has none.",
        returns = "many",
        sql = [[
            SELECT ar.name AS artist, al.title, al.year
            FROM artist ar
            LEFT JOIN albums al ON al.artist_id = ar.id
            ORDER BY ar.id, al.id
        ]],
    },

    query "album_titles" {
        doc = "The title of an album, upper-cased by each dialect's own "
            .. "function.",
        returns = "one",
        sql = {
            sqlite = "SELECT upper(title) AS title FROM albums WHERE id = :id",
            postgres = "SELECT upper(title)::text AS title FROM albums "
                .. "WHERE id = :id",
        },
        columns = { title = { type = "text", not_null = true } },
    },

    query "albums_by" {
        returns = "one",
        sql = "SELECT count(*) AS n FROM albums WHERE artist_id = :artist",
    },

    query "album_tracks" {
        doc = "An album's tracks: rows of table track.",
        returns = "many",
        sql = "SELECT t.* FROM track t WHERE t.album_id = :album ORDER BY t.id",
    },

    query "artists_like" {
        doc = "Artists whose name matches a pattern, ignoring case: "
            .. "PostgreSQL's ILIKE.",
        returns = "many",
        dialects = { "postgres" },
        sql = [[
            SELECT ar.id, ar.name, count(al.id) AS albums
            FROM artist ar LEFT JOIN albums al ON al.artist_id = ar.id
            WHERE ar.name ILIKE :pattern
            GROUP BY ar.id, ar.name
            ORDER BY ar.id
        ]],
    },

    query "tracks_by_kind" {
        doc = "The tracks of a kind: an enum parameter and result.",
        returns = "many",
        sql = "SELECT t.name, t.kind FROM track t WHERE t.kind = :kind "
            .. "ORDER BY t.id",
    },

    query "reprice" {
        doc = "Set the price of an album's tracks.",
        returns = "exec",
        sql = "UPDATE track SET price = :price WHERE album_id = :album",
    },
}
