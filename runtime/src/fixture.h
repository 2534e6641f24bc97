/*
 * fixture.h: what ormc_row_fixture_insert needs besides ormc_row_fixture
 * (internal).
 *
 * A fixture's reference columns hold the referenced column's fixture value
 * for the same seq (a text or uuid key matches by construction; a serial key
 * is unknown until the parent is inserted, so the fixture holds seq + 1 as
 * a placeholder). ormc_row_fixture_insert(db, t, seq, row) is then:
 *
 *   1. ormc__fixture_parents(t) lists the tables to fill first, parents
 *      before children;
 *   2. for each of them P, in order: ormc_row_fixture(P, seq), set NULL each
 *      nullable reference column of P whose table is neither earlier in the
 *      list nor P itself (the way out of a reference cycle), copy into each
 *      other reference column, and each column of a composite foreign key,
 *      the key value of the parent row stored for seq, and store it unless a
 * row with its key is there (find-or-create on its primary key or first unique
 * key, so that children of the same seq share their parents);
 *   3. the same for t itself, inserted.
 */
#ifndef ORMC_FIXTURE_H
#define ORMC_FIXTURE_H

#include "ormc_generated.h"

/*
 * The tables that must hold a row before a fixture of t can be stored:
 * every table reached from t through its columns' ref_table and its
 * foreign keys (composite ones too), transitively, each once, parents
 * before children (depth first, columns first, in order), t excluded. A
 * table's references to itself are ignored; a reference cycle is cut where
 * it closes. On ORMC_OK *tables is a malloc'ed array of *n entries (NULL
 * when *n is 0) that the caller frees. ORMC_INVALID, ORMC_NOMEM.
 */
int ormc__fixture_parents(const ormc_table *t,
                          const ormc_table ***tables /* OUT */,
                          size_t *n /* OUT */);

#endif /* ORMC_FIXTURE_H */
