/*
 * relations.h: a record catalogue on the relations of catalog.lua
 * (docs/relations.md): albums printed with their artist and their tracks
 * in a fixed number of statements however many albums there are, and a
 * filter on tracks by a condition on their album.
 */
#ifndef RELATIONS_EXAMPLE_H
#define RELATIONS_EXAMPLE_H

#include <stdio.h>

#include "catalog.h"

/* Create the catalogue's tables and fill them with a few albums (five, one
 * without tracks yet), in a transaction of its own (ormc_begin ...
 * ormc_commit; rolled back on failure). ORMC_OK or the status of the call
 * that failed (ormc_errmsg(db) says why). */
int relations_seed(ormc_db *db);

/* Write every album (by year, then title) with its artist and its tracks
 * to out, in three statements however many albums there are: the albums,
 * their artists, their tracks. ORMC_OK or an error. */
int relations_print_albums(ormc_db *db, FILE *out);

/* Write the tracks of at least min_seconds on albums recorded before
 * year, in one statement (a subquery on album). ORMC_OK or an error. */
int relations_print_long_tracks(ormc_db *db, FILE *out, int before_year,
                                int min_seconds);

#endif
