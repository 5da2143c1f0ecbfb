/* merge.h: verifying and applying one writer's change-set stream, exactly once
 * (shared/spec/sync.md "The aggregator checks"; docs/county-guide.md). */
#ifndef STELE_MERGE_H
#define STELE_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "changeset.h"

/*
 * Quarantine reasons, stable words stored in stele_quarantine.reason:
 *   malformed, format, signature, payload, too-large, changes  (decoding; see
 *                                       stele_cs_fault_name)
 *   writer     signed by, or naming, a writer other than the stream's
 *   chain      a gap, or a predecessor hash that is not the last applied one's
 *   schema     a schema version, or a table shape, this program does not know
 *   ownership  a row outside the writer's tables, or carrying another village's code
 *   conflict   the rows do not apply cleanly, or an applied seq arrives with
 *              different bytes
 */

/*
 * The ownership check alone (check 5), on raw SQLite changeset bytes: every
 * table must be one the writer owns (a village: village-owned tables, each row's
 * village_code equal to writer; STELE_WRITER_COUNTY: county-owned tables), exist
 * in db with the same number of columns and the same primary key. Returns 0, or
 * STELE_EVERIFY with a recorded one-line message and *reason set to a static
 * word ("ownership" or "schema"). Reads only db's schema.
 */
int stele_merge_check_changes(const char **reason, sqlite3 *db, const char *writer,
			      const void *changes, size_t len);

/* What became of one change set offered to a stream. */
enum stele_merge_outcome {
	STELE_MERGE_APPLIED,     /* verified and applied; the cursor moved */
	STELE_MERGE_DUPLICATE,   /* a seq already applied, byte-identical: nothing done */
	STELE_MERGE_QUARANTINED, /* refused: recorded in stele_quarantine; the stream stops */
};

/*
 * One writer's stream open for merging into db: its cursor (stele_stream),
 * its pinned key, and the open batch transaction. Free with stele_merge_free
 * (which rolls back an uncommitted batch).
 */
struct stele_merge;

/*
 * Opens writer's stream in db (creating its stele_stream row if missing, on the
 * first commit). pk is the pinned public key. *out is freed by the caller.
 */
int stele_merge_open(struct stele_merge **out, sqlite3 *db, const char *writer,
		     const unsigned char pk[STELE_PK_BYTES]);
void stele_merge_free(struct stele_merge *m);

/* The cursor: last applied seq (0 if none), and its git commit id (hex, "" if none). */
uint64_t stele_merge_last_seq(const struct stele_merge *m);
const char *stele_merge_last_commit(const struct stele_merge *m);

/*
 * Offers the next change set (data: its encoded bytes, len; data NULL means the
 * commit held no readable change set) found in commit commit_id (hex, may be NULL).
 * Checks it in sync.md's order and, if good, applies it, records it in
 * stele_applied and advances the cursor, all inside the current batch
 * transaction (begun here if none is open). A refused change set is recorded in
 * stele_quarantine and the stream's state set to 'quarantined' in the same
 * transaction; the caller then stops offering and commits. *rows receives the
 * number of row changes applied. Returns 0, or <0 on an error that is not the
 * change set's fault (I/O, memory): then the whole batch is rolled back and m,
 * whose cursor is then stale, must be freed.
 */
int stele_merge_offer(enum stele_merge_outcome *outcome, long *rows, struct stele_merge *m,
		      const void *data, size_t len, const char *commit_id);

/* Commits the open batch (nothing if none). Until then nothing offered is durable. */
int stele_merge_commit(struct stele_merge *m);

/* Sets the stream's state ('ok', 'held' or 'quarantined') and note, in its own
 * transaction (or the open batch). note may be NULL. */
int stele_merge_set_state(struct stele_merge *m, const char *state, const char *note);

/* The last quarantine's reason word and detail of the current batch (valid
 * until the next offer), for the caller's report. */
const char *stele_merge_quarantine_reason(const struct stele_merge *m);
const char *stele_merge_quarantine_detail(const struct stele_merge *m);

#endif
