/*
 * relations.c: see relations.h.
 */
#include "relations.h"

#include <inttypes.h>

/* The sample catalogue: each album's tracks follow it, seconds long. */
typedef struct sample_track {
    const char *name;
    int seconds;
} sample_track;

typedef struct sample_album {
    int artist; /* index into artists[] */
    const char *title;
    int year;
    sample_track tracks[4]; /* up to the first with no name */
} sample_album;

static const char *const sample_artists[] = {"Miles Davis", "John Coltrane",
                                             "Nina Simone"};

static const sample_album sample_albums[] = {
    {0,
     "Kind of Blue",
     1959,
     {{"So What", 562}, {"Freddie Freeloader", 589}, {"Blue in Green", 337}}},
    {1, "Blue Train", 1957, {{"Blue Train", 643}, {"Moment's Notice", 551}}},
    {1,
     "A Love Supreme",
     1965,
     {{"Acknowledgement", 469}, {"Resolution", 442}, {"Pursuance", 645}}},
    {2, "Pastel Blues", 1965, {{"Be My Husband", 170}, {"Sinnerman", 622}}},
    {2, "Wild Is the Wind", 1966, {{NULL, 0}}},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int relations_seed(ormc_db *db)
{
    int rc = ormc_begin(db);
    if (rc != ORMC_OK)
        return rc;
    rc = catalog_schema_create(db);
    int64_t artist_ids[COUNT(sample_artists)];
    for (size_t i = 0; rc == ORMC_OK && i < COUNT(sample_artists); i++) {
        catalog_artist a;
        catalog_artist_init(&a);
        a.name = sample_artists[i];
        rc = catalog_artist_insert(db, &a);
        artist_ids[i] = a.id;
    }
    for (size_t i = 0; rc == ORMC_OK && i < COUNT(sample_albums); i++) {
        catalog_album al;
        catalog_album_init(&al);
        al.artist_id = artist_ids[sample_albums[i].artist];
        al.title = sample_albums[i].title;
        al.year = sample_albums[i].year;
        rc = catalog_album_insert(db, &al);
        for (size_t j = 0;
             rc == ORMC_OK && j < COUNT(sample_albums[i].tracks) &&
             sample_albums[i].tracks[j].name != NULL;
             j++) {
            catalog_track t;
            catalog_track_init(&t);
            t.album_id = al.id;
            t.name = sample_albums[i].tracks[j].name;
            t.seconds = sample_albums[i].tracks[j].seconds;
            rc = catalog_track_insert(db, &t);
        }
    }
    if (rc == ORMC_OK)
        rc = ormc_commit(db);
    else
        ormc_rollback(db);
    return rc;
}

int relations_print_albums(ormc_db *db, FILE *out)
{
    /* 1. the albums: any query of the table would do */
    catalog_album_query q;
    catalog_album_query_init(&q);
    catalog_album_order_by(&q, CATALOG_ALBUM_YEAR, ORMC_ASC);
    catalog_album_order_by(&q, CATALOG_ALBUM_TITLE, ORMC_ASC);
    catalog_album_list albums;
    int rc = catalog_album_all(db, &q, &albums);
    catalog_album_query_free(&q);
    if (rc != ORMC_OK)
        return rc;

    /* 2. their artists, each once, sorted by id for _list_find; and 3.
     * their tracks, grouped by album for _list_for_album. A loop calling
     * catalog_album_artist() and a query per album would send 1 + 2n
     * statements; these send one per ORMC_RELATION_BATCH albums. */
    catalog_artist_list artists = {0};
    catalog_track_list tracks = {0};
    rc = catalog_album_list_load_artist(db, &albums, &artists);
    if (rc == ORMC_OK)
        rc = catalog_album_list_load_tracks(db, &albums, &tracks);

    for (size_t i = 0; rc == ORMC_OK && i < albums.count; i++) {
        const catalog_album *al = &albums.items[i];
        const catalog_artist *ar =
            catalog_artist_list_find(&artists, al->artist_id);
        size_t n;
        const catalog_track *t = catalog_track_list_for_album(&tracks, al, &n);
        int total = 0;
        for (size_t j = 0; j < n; j++)
            total += t[j].seconds;
        fprintf(out, "%s (%d), %s: ", al->title, (int)al->year,
                ar ? ar->name : "?");
        if (n == 0) {
            fprintf(out, "no tracks yet\n");
            continue;
        }
        fprintf(out, "%zu tracks, %d:%02d\n", n, total / 60, total % 60);
        for (size_t j = 0; j < n; j++)
            fprintf(out, "  %zu. %s (%d:%02d)\n", j + 1, t[j].name,
                    (int)t[j].seconds / 60, (int)t[j].seconds % 60);
    }
    catalog_track_list_free(&tracks);
    catalog_artist_list_free(&artists);
    catalog_album_list_free(&albums);
    return rc;
}

int relations_print_long_tracks(ormc_db *db, FILE *out, int before_year,
                                int min_seconds)
{
    /* track.album_id IN (SELECT id FROM album WHERE year < ?) */
    catalog_album_query aq;
    catalog_album_query_init(&aq);
    catalog_album_where_year(&aq, ORMC_LT, before_year);
    catalog_track_query q;
    catalog_track_query_init(&q);
    catalog_track_where_album_in(&q, &aq);
    catalog_track_where_seconds(&q, ORMC_GE, min_seconds);
    catalog_track_order_by(&q, CATALOG_TRACK_ID, ORMC_ASC);
    catalog_track_list tracks;
    int rc = catalog_track_all(db, &q, &tracks);
    catalog_track_query_free(&q);
    catalog_album_query_free(&aq);
    if (rc != ORMC_OK)
        return rc;
    fprintf(out, "tracks of %d:%02d or more recorded before %d:\n",
            min_seconds / 60, min_seconds % 60, before_year);
    for (size_t i = 0; i < tracks.count; i++)
        fprintf(out, "  %s (%d:%02d)\n", tracks.items[i].name,
                (int)tracks.items[i].seconds / 60,
                (int)tracks.items[i].seconds % 60);
    catalog_track_list_free(&tracks);
    return ORMC_OK;
}
