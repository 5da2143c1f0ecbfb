/* capture.h: every write captured as a signed change set in the same transaction. */
#ifndef STELE_CAPTURE_H
#define STELE_CAPTURE_H

#include <stdint.h>
#include <sqlite3.h>

#include "changeset.h"

/*
 * A captured write: BEGIN IMMEDIATE plus a SQLite session on the writer's own
 * tables (village-owned for a village, county-owned for the county). The caller
 * makes its changes on db, then either commits (the change set is encoded, signed
 * and stored in stele_outbox in the same transaction) or aborts (everything rolled
 * back). Both free the capture.
 */
struct stele_capture;

/* Starts a captured write. writer is a village code or STELE_WRITER_COUNTY. */
int stele_capture_begin(struct stele_capture **out, sqlite3 *db, const char *writer);

/*
 * Describes the change set of a village's captured write (table change_note,
 * schema/0005). Each field may be NULL (or 0): clerk, the clerk's name; reverts,
 * the seq it undoes; note, why; village_name, the village's name. At commit, if
 * any row changed and any field is set, a change_note row with the new seq is
 * written first, so it is part of the change set and of its summary. Copies the
 * texts; a later call replaces all four.
 */
struct stele_change_note {
	const char *clerk, *note, *village_name;
	uint64_t reverts;
};
int stele_capture_note(struct stele_capture *cap, const struct stele_change_note *note);

/*
 * Commits: if any row changed, the change set becomes seq = last + 1 of the
 * outbox, chained to the previous one's hash, signed with sk; then COMMIT. *seq is
 * the new seq, or 0 when nothing changed (then nothing is stored). On failure
 * everything is rolled back. cap is freed either way.
 */
int stele_capture_commit(uint64_t *seq, struct stele_capture *cap,
			 const unsigned char sk[STELE_SK_BYTES]);

/*
 * When the changes captured since the last change set come to more than
 * max_bytes of row changes, stores them as the next change set of the outbox and
 * goes on capturing into a new one, in the same transaction: a write too large
 * for one change set (docs/format.md's caps) becomes several, still committed or
 * rolled back as one. The size is SQLite's running upper bound, so this costs
 * nothing per row. Returns 1 when it stored a change set (one row more in
 * stele_outbox), else 0. On failure the caller aborts.
 */
int stele_capture_split(struct stele_capture *cap, const unsigned char sk[STELE_SK_BYTES],
			size_t max_bytes);

/*
 * Captures table writer_key too, in a capture of a county's, township's or
 * city's stream, whose level does not own it: the rotation of the writer's own
 * key (lib/keystore.c) is the one row of it such a stream carries, under the
 * writer's own code (lib/stream.c checks that). Nothing for a village, whose
 * table it is anyway. On failure the caller aborts.
 */
int stele_capture_key_table(struct stele_capture *cap);

/* Rolls back and frees (NULL is fine). */
void stele_capture_abort(struct stele_capture *cap);

#endif
