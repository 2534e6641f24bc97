/*
 * installation_store.h: a Slack installation store on generated code.
 *
 * The behaviour of slack_sdk's SQLAlchemyInstallationStore, in C, over the
 * tables of schema/slack.lua ("slack_installations", "slack_bots"). A store
 * serves one app (client_id): every row it writes carries that client_id
 * and every query is scoped to it.
 *
 * Installations and bots are the generated row structs. Text the caller
 * passes is borrowed for the duration of the call. Rows a store returns own
 * their data; free them with the function named beside them.
 *
 * Transactions: each write runs in ormc_transaction: in a transaction of
 * its own (retried on serialization failures) when none is open, as
 * slack_sdk's engine.begin() does. Give the store an autocommit connection
 * (`?autocommit=on`, as the demo does) so that every call stands alone. On a
 * connection in the default mode, the first statement (a find, too) opens a
 * transaction that stays open: the store's writes then become savepoints of
 * it and are durable only once the caller commits (ormc_commit).
 */
#ifndef INSTALLATION_STORE_H
#define INSTALLATION_STORE_H

#include "slack.h"

typedef struct installation_store {
    ormc_db *db;           /* borrowed; used by one thread at a time */
    const char *client_id; /* borrowed; the app this store serves */
} installation_store;

/* A store for client_id on db. Creates the tables when missing, or brings
 * them up to date (slack_schema_migrate): ORMC_SCHEMA_DRIFT when the
 * database holds a change that needs a migration script (ormc diff). */
int installation_store_open(installation_store *store, ormc_db *db,
                            const char *client_id);

/*
 * Save an installation and its bot, in one transaction: the installation row
 * with the same enterprise_id, team_id and installed_at (NULL ids match NULL)
 * is updated, or a new one inserted; then the bot part is saved the same way
 * (also for a user-only installation, whose bot row has no token). An unset
 * installed_at becomes the current time; empty scopes are stored as NULL.
 * inst->client_id is ignored: the store's is used.
 */
int installation_store_save(installation_store *store,
                            const slack_installation *inst);

/* Save one bot row by the same rule, in its own transaction. */
int installation_store_save_bot(installation_store *store,
                                const slack_bot *bot);

/*
 * The newest bot row with a token for the workspace: team_id counts as NULL
 * for an org-wide install or when NULL. ORMC_OK with *bot set (free with
 * slack_bot_free), or ORMC_NOT_FOUND.
 */
int installation_store_find_bot(installation_store *store,
                                const char *enterprise_id, const char *team_id,
                                bool is_enterprise_install,
                                slack_bot *bot /* OUT */);

/*
 * An installation as find_installation returns it. Its bot fields may come
 * from the newest bot row, which `bot` then holds. Free with
 * installation_store_found_free.
 */
typedef struct installation_store_found {
    slack_installation installation; /* the newest matching installation */
    slack_bot bot; /* the bot row its bot fields were taken from, if any */
} installation_store_found;

/*
 * The newest installation for the workspace, for user_id when not NULL.
 * When a user_id was given or the installation has no bot token, its bot
 * fields are replaced by those of the newest bot row with a token, if that
 * token differs: a user-level install still gets the bot token, and a
 * rotated bot token wins. ORMC_OK or ORMC_NOT_FOUND.
 */
int installation_store_find_installation(installation_store *store,
                                         const char *enterprise_id,
                                         const char *team_id,
                                         const char *user_id,
                                         bool is_enterprise_install,
                                         installation_store_found *out);
void installation_store_found_free(installation_store_found *found);

/* Delete the workspace's bot rows. */
int installation_store_delete_bot(installation_store *store,
                                  const char *enterprise_id,
                                  const char *team_id);

/* Delete the workspace's installations: all users' when user_id is NULL. */
int installation_store_delete_installation(installation_store *store,
                                           const char *enterprise_id,
                                           const char *team_id,
                                           const char *user_id);

/* Delete the workspace's installations and bots, in one transaction. */
int installation_store_delete_all(installation_store *store,
                                  const char *enterprise_id,
                                  const char *team_id);

#endif /* INSTALLATION_STORE_H */
