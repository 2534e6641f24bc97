/* Insert a note and read it back through the code generated at build time. */
#include <stdio.h>
#include <string.h>

/* The runtime's header as an application spells it: found in include/ormc/
 * with the package's flags, and through include/ormc.h without them. */
#include <ormc.h>

#include "notes.h"

int main(void)
{
    ormc_db *db = NULL;
    if (ormc_open("sqlite::memory:", &db) != ORMC_OK ||
        notes_schema_create(db) != ORMC_OK)
        return 1;
    notes_note note = NOTES_NOTE_INIT;
    note.body = "hello from an installed ormc";
    notes_note back;
    int rc = notes_note_insert(db, &note);
    if (rc == ORMC_OK)
        rc = notes_note_get(db, note.id, &back);
    if (rc != ORMC_OK || strcmp(back.body, note.body) != 0) {
        fprintf(stderr, "consumer: %s: %s\n", ormc_strstatus(rc),
                ormc_errmsg(db));
        return 1;
    }
    printf("%s\n", back.body);
    notes_note_free(&back);
    ormc_close(db);
    return 0;
}
